/*
 * The verification pipeline's state, kept after a run so that extract can write the
 * very data objects it verified.
 */
#ifndef COCO_VERIFY_H
#define COCO_VERIFY_H

#include "container/archive.h"
#include "container/manifest.h"
#include "pdf/pdf.h"
#include "container/spool.h"

struct ehash;

struct coco_vstate {
	struct coco_ctx *ctx;
	struct coco_report *r;
	struct coco_archive *ar; /* NULL if the file was not a walkable zip */
	struct ehash *h;         /* one per entry */
	struct coco_manifest **m;
	unsigned char **mbytes; /* each manifest's exact bytes, for its signature */
	size_t *mlen;
	size_t nm;
	int trust;           /* chains are validated and PDFs scanned (not inspect) */
	long assessment;     /* entry index of assessment.xml, or -1 */
	unsigned char *abuf; /* its bytes, captured during the streaming pass */
	size_t alen;
	int atoolong;    /* larger than the meta_size limit */
	uint64_t acover; /* bit i: manifest i lists assessment.xml with a matching digest */
	long sig_index[COCO_MAX_MANIFESTS];          /* manifest i's report signature, or -1 */
	enum coco_sig_role role[COCO_MAX_MANIFESTS]; /* SIRO if it lists signoff/decision-* */
	struct coco_report *siro;   /* the sign-off part's findings until they are appended */
	struct coco_pdf_file *pdfs; /* the PDF data objects scanned (pdf.h) */
	size_t n_pdfs;
	struct coco_pdf_budget pdf_budget; /* shared by every PDF of the bundle */
	struct coco_spool spool;           /* what the pass keeps for later stages (spool.h) */
};

/*
 * Entry i's bytes as the streaming pass saw them (at most the meta_size limit), in a
 * malloc'd buffer with a NUL after them: copied by the pass for the signatures and a
 * sign-off's own files; any other entry is read again and must hash as it did in the pass.
 * Returns COCO_ERR_IO if it changed ("'NAME' in 'BUNDLE' changed while being read") or
 * cannot be read; other errors (a limit, bad data) are the entry's, for a finding.
 */
enum coco_err coco_vstate_read(struct coco_vstate *v, size_t i, unsigned char **out,
			       size_t *out_len);

/* Runs the pipeline; trust 0 skips chain validation (inspect). Release v afterwards. */
enum coco_err coco_vstate_run(struct coco_vstate *v, struct coco_ctx *ctx, const char *path,
			      struct coco_report *r, int trust);
void coco_vstate_release(struct coco_vstate *v);

/* True if entry i is a data object outside META-INF whose digest verified. */
int coco_vstate_is_data_object(const struct coco_vstate *v, size_t i);
/* The SHA-256 of entry i computed during the run. */
const unsigned char *coco_vstate_sha256(const struct coco_vstate *v, size_t i);

#endif /* COCO_VERIFY_H */
