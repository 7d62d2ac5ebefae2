/*
 * The state of one verification run (struct coco_vstate), private to the bundle room's
 * verification files: verify.c (the stage table and the stages) and verify_pass.c (the
 * streaming pass). Everyone else reaches a run through verify.h's functions.
 */
#ifndef COCO_VSTATE_H
#define COCO_VSTATE_H

#include "bundle/archive_ts.h"
#include "bundle/verify.h"
#include "container/archive.h"
#include "container/manifest.h"
#include "container/spool.h"
#include "pdf/pdf.h"
#include "signoff/signoff.h"
#include "submission/assessment.h"

enum role { ROLE_DATA, ROLE_MIMETYPE, ROLE_DIR, ROLE_MANIFEST, ROLE_SIGNATURE, ROLE_ARCHIVE };

struct entry_state {
	EVP_MD_CTX *md[COCO_N_DIGEST_ALGS]; /* [0] is SHA-256, always computed */
	unsigned char out[COCO_N_DIGEST_ALGS][COCO_MAX_DIGEST];
	unsigned need; /* bit per algorithm */
	enum role role;
	int referenced;      /* named by a DataObjectReference */
	int covered;         /* and its digest matched */
	unsigned char *head; /* the first COCO_PDF_SNIFF bytes, as streamed (or NULL) */
	size_t head_len;
	struct coco_kept kept; /* what the pass keeps of it for a later stage (spool.h) */
};

/* Facts a stage needs (struct stage): the run's mode, and what earlier stages established. */
enum fact {
	MODE_VERIFY = 1u << 0,          /* chains are validated, PDFs and submission judged */
	HAVE_SOUND_CONTAINER = 1u << 1, /* a zip whose every container.* check passed */
	HAVE_MANIFESTS = 1u << 2,       /* manifests read, references resolved, roles known */
	HAVE_ANY_MANIFEST = 1u << 3,    /* and there was at least one */
	HAVE_DIGESTS = 1u << 4,         /* every entry hashed in the one pass, digests compared */
	HAVE_SIGNATURE_ROWS = 1u << 5,  /* a report row per signature; the SIRO's verified */
	HAVE_SIGNATURES = 1u << 6,      /* every signature verified */
	HAVE_PDFS = 1u << 7,            /* the covered PDF data objects scanned */
	HAVE_ASSESSMENT = 1u << 8,      /* assessment.xml parsed and its checks run */
};

/* One verification run: what each stage established, for the stages after it, and kept
 * afterwards for extract and countersign (verify.h). */
struct coco_vstate {
	struct coco_ctx *ctx;
	const char *path;           /* the bundle, as the caller named it */
	struct coco_report *report; /* the caller's: the applicant's part, then the sign-off's */
	enum coco_mode mode;
	unsigned have;                    /* enum fact bits */
	struct coco_archive *archive;     /* NULL if the file was not a walkable zip */
	struct entry_state *entries;      /* one per archive entry */
	struct coco_manifest **manifests; /* in zip order; NULL where one did not parse */
	unsigned char **manifest_bytes;   /* each manifest's exact bytes, for its signature */
	size_t *manifest_len;
	size_t n_manifests;
	enum coco_sig_role manifest_role[COCO_MAX_MANIFESTS]; /* SIRO if it lists its decision */
	long signature_row[COCO_MAX_MANIFESTS]; /* manifest i's report signature row, or -1 */
	long assessment_entry;                  /* entry index of assessment.xml, or -1 */
	unsigned char *assessment_xml;          /* its bytes, captured during the streaming pass */
	size_t assessment_len;
	int assessment_too_large;   /* larger than the meta_size limit: not captured */
	uint64_t assessment_signed; /* bit i: applicant manifest i lists it, digest matching */
	struct coco_report *signoff_part; /* the sign-off's findings until they are appended */
	struct coco_signoff_view signoff; /* what sign-off verification reads (signoff.h) */
	struct coco_pdf_file *pdfs;       /* the PDF data objects scanned (pdf.h) */
	size_t n_pdfs;
	struct coco_pdf_budget pdf_budget;  /* shared by every PDF of the bundle */
	struct coco_spool spool;            /* what the pass keeps for later stages (spool.h) */
	struct coco_submission submission;  /* what the assessment and evidence stages are told */
	const char **submission_files;      /* its files */
	struct coco_assessment *assessment; /* parsed by the assessment stage, for evidence */
	struct coco_archive_proof aproof;   /* the archive timestamps' (archive_ts.h) */
};

/*
 * verify_pass.c: the one streaming pass over the bundle (every entry hashed with the
 * digests its manifests need, the bundle's own SHA-256, assessment.xml captured, what
 * later stages read kept by the spool), then the manifests read before it checked against
 * what it hashed. COCO_OK, or the context's error.
 */
enum coco_err coco_vstate_pass(struct coco_vstate *v);
/* The error for entry i, which changed while being read (COCO_ERR_IO). */
enum coco_err coco_vstate_changed(struct coco_vstate *v, size_t i);

#endif /* COCO_VSTATE_H */
