/*
 * PDF evidence: a strict, bounded reader that checks a PDF's structure (header, %%EOF,
 * cross-reference tables and streams along the /Prev chain, object streams), judges its
 * active content by meaning (JavaScript, launch actions, embedded files, rich media, XFA;
 * links for review) and validates every embedded signature (byte range, contents, sub
 * filter, digest, signer against the certification-body anchors, coverage) and document
 * timestamp (the token's imprint over the byte range, its TSA against tsa/). It reads by
 * pread through a small window, so memory does not grow with the PDF's size.
 */
#ifndef COCO_PDF_H
#define COCO_PDF_H

#include <time.h>

#include "report/report.h"

/* Limits; docs/checks.md lists them and the unit tests sit on both sides of each. */
#define COCO_PDF_MAX_OBJECTS 1000000u    /* object numbers in the cross-reference */
#define COCO_PDF_MAX_DEPTH 64u           /* nested arrays and dictionaries */
#define COCO_PDF_MAX_NODES 262144u       /* values in one object */
#define COCO_PDF_MAX_MEM (40u << 20)     /* memory the scan holds at once (see pdf_int.h) */
#define COCO_PDF_MAX_VALUES (8u << 20)   /* values parsed, in all (see coco_pdf_budget) */
#define COCO_PDF_MAX_TOKEN (1u << 20)    /* one string or name, decoded */
#define COCO_PDF_MAX_STREAM (2ull << 30) /* one stream's declared /Length */
#define COCO_PDF_PROBE (16u << 10)       /* compressed bytes of a stream probed for a bomb */
#define COCO_PDF_PROBE_FLOOR (1u << 20)  /* a probe past this inflates the whole stream */
#define COCO_PDF_MAX_INMEM (16u << 20)   /* an object or xref stream, held in memory */
#define COCO_PDF_MAX_FLATE (256u << 20)  /* one other FlateDecode stream, inflated */
#define COCO_PDF_MAX_PROBED (512u << 20) /* all other FlateDecode streams, inflated (same) */
#define COCO_PDF_MAX_KEPT (64u << 20)    /* all object and xref streams, inflated (same) */
#define COCO_PDF_MAX_SECTIONS 256u       /* cross-reference sections (/Prev chain) */
#define COCO_PDF_MAX_SIGS 16u            /* signature dictionaries in one PDF */
/* PDF signatures checked for one bundle or folder (each costs about 0.6 ms of CMS and
 * chain work: 2,900 signed PDFs in a 52 MB bundle took 2.5 s) */
#define COCO_PDF_MAX_SIGS_ALL 256u
#define COCO_PDF_SNIFF 1024u /* %PDF- makes a file a PDF within these bytes */
/* The parser's total work (bytes and values parsed, bytes inflated) is at most
 * COCO_PDF_WORK_FACTOR times the files' size plus their inflated object and xref streams,
 * plus COCO_PDF_WORK_FLOOR: a file cannot make the scan reparse the same bytes. */
#define COCO_PDF_WORK_FACTOR 4u
#define COCO_PDF_WORK_FLOOR (1u << 20)

/*
 * The work every PDF of one bundle (verify) or folder (lint) shares: the values parsed
 * (COCO_PDF_MAX_VALUES), the object and xref streams inflated (COCO_PDF_MAX_KEPT), the
 * other FlateDecode output (COCO_PDF_MAX_PROBED), the parser's work budget and the
 * signatures checked (COCO_PDF_MAX_SIGS_ALL) are limits on all of them together, not on
 * each: 50 small PDFs each just under the limits would otherwise cost 50 times one. Each
 * scan goes on from where the one before left the counts. Once a scan passed one of the
 * shared limits, the budget is spent: every later PDF fails pdf.limits unscanned, as a PDF
 * past the signature count fails unchecked. Zero it with coco_pdf_budget_init.
 */
struct coco_pdf_budget {
	uint64_t values, kept, probed; /* so far, in all */
	uint64_t work, base; /* the parser's work, and the sizes it may be a multiple of */
	unsigned sigs_left;  /* PDF signatures that may still be checked */
	int spent;           /* a shared limit was passed */
};

void coco_pdf_budget_init(struct coco_pdf_budget *b);

/* Reads n bytes at offset off of the PDF into buf: 0, or -1 (with errno) if it cannot. */
typedef int (*coco_pdf_reader)(void *arg, void *buf, size_t n, uint64_t off);

/* Where the PDF's bytes are: size bytes at offset off of fd, read by pread only, or, when
 * read is set, by read(read_arg, ...) (fd and off unused); and the budget of the caller's
 * bundle or folder, which the scan draws on (NULL: a budget of its own). */
struct coco_pdf_src {
	int fd;
	uint64_t off, size;
	struct coco_pdf_budget *budget;
	coco_pdf_reader read;
	void *read_arg;
};

/* What one signature dictionary's checks found. */
enum coco_pdf_sig_status {
	COCO_PDF_SIG_UNCHECKED,  /* not checked: the scan failed first, or the budget's count */
	COCO_PDF_SIG_VALID,      /* passed every check (coverage included) */
	COCO_PDF_SIG_BAD,        /* failed a check (pdf.* fail findings) */
	COCO_PDF_SIG_UNKNOWN,    /* its signer could not be established (indeterminate) */
	COCO_PDF_SIG_UNANCHORED, /* verifies, but bodies/ has no CA to check its signer: it is
				  * empty, or lacks the root the chain reaches (root) */
};

/* What a signature's byte range covers (docs/checks.md, "Coverage"). */
enum coco_pdf_coverage {
	COCO_PDF_COVER_UNKNOWN,  /* not judged: the byte range failed first */
	COCO_PDF_COVER_FILE,     /* the entire file */
	COCO_PDF_COVER_REVISION, /* its revision, and only allowed updates follow it */
	COCO_PDF_COVER_NONE,     /* not covered: something else follows (pdf.coverage) */
};

/* One signature dictionary (/Type /Sig, or a dictionary with a /ByteRange). Strings are
 * malloc'd (or NULL). */
struct coco_pdf_sig {
	long obj; /* the object that holds the dictionary */
	enum coco_pdf_sig_status status;
	/* /ByteRange [0 a b c], once it passed the byte-range rules (range_ok): the signed
	 * bytes are [0, a) and [b, b + c) */
	int range_ok;
	uint64_t covered; /* a + c: the bytes signed */
	uint64_t end;     /* b + c: where the signed bytes end */
	int whole;        /* end is the file's size: all but /Contents is signed */
	enum coco_pdf_coverage coverage;
	/* REVISION: an allowed update gave a new or filled-in signature field an appearance
	 * (/AP), which draws on the page: the signatures after this one say whose it is */
	int updates_draw;
	/* REVISION: an allowed update filled in form fields (a value, a new appearance, or
	 * /NeedAppearances): they show on the page what this signature does not cover */
	int updates_fill;
	/* What the CMS says of its signer, once it was checked (NULL, "" and 0 if it names
	 * none): vouched for only when status is VALID (or UNANCHORED, but for the CA) */
	char *signer;           /* the signer's subject (RFC 2253) */
	char *signer_cn;        /* its commonName */
	char *signer_org;       /* its organizationName */
	char anchor_sha256[65]; /* the bodies/ CA its chain reached: SHA-256 of the DER, hex */
	/* UNANCHORED because its chain reaches a root bodies/ lacks (bodies/ has CAs): that
	 * root's subject (NULL otherwise) and SHA-256 of its DER, hex ("" otherwise) */
	char *root;
	char root_sha256[65];
	/* The signer's claim, not proof: the CMS signing-time or, when the CMS has none (PAdES
	 * forbids it), the dictionary's /M (time_from_m) */
	time_t signing_time;
	int has_signing_time;
	int time_from_m;
	/* A document timestamp (/SubFilter /ETSI.RFC3161, pdf_docts.c): an RFC 3161 token over
	 * the byte range, no one's signature. signer is the TSA's subject (the rest of the
	 * signer and signing time unset); VALID: the token holds and its TSA chains to tsa/,
	 * proving the signed bytes existed at proven_time; UNKNOWN: it proves nothing (an
	 * untrusted or expired TSA: warnings only); BAD: a rule failed. It never counts as a
	 * signature for evidence.authentic, nor in the result's summaries but sig_bad. */
	int doc_timestamp;
	time_t proven_time;
	int has_proven_time;
};

/* What the scan found, for the evidence checks. */
struct coco_pdf_result {
	int scanned;               /* the scan ran (the file was a PDF's bytes) */
	int ok;                    /* no pdf.* failure or indeterminate finding */
	size_t n_sigs;             /* signature dictionaries found: sigs[0 .. n_sigs) */
	struct coco_pdf_sig *sigs; /* one per signature dictionary, in file order (or NULL) */
	/* Summaries of sigs[].status (document timestamps count only in sig_bad): */
	int sig_valid;      /* one signature passed every check and covers the whole file, or
			       its revision with allowed updates (coverage) */
	int sig_bad;        /* a signature (or a document timestamp) failed a check */
	int sig_unknown;    /* a signature's signer could not be established (indeterminate) */
	int sig_unanchored; /* a signature verifies, but bodies/ has no CA to check its signer
			     * (it is empty, or lacks the root the chain reaches) */
};

/* A PDF data object and its scan result, passed to the submission stage. */
struct coco_pdf_file {
	char *name;
	struct coco_pdf_result res;
};

/* Whether an entry or file name is a PDF's (ends in ".pdf", any case). */
int coco_pdf_is_pdf_name(const char *name);
/* Whether the first n bytes of a file start like a PDF's ("%PDF-" within the first
 * COCO_PDF_SNIFF bytes, as viewers accept it), whatever its name. */
int coco_pdf_is_pdf_start(const unsigned char *p, size_t n);
/* Whether the file at path has a PDF's name or starts like one (links not followed; a
 * file that cannot be read is left to the caller's own read of it). */
int coco_pdf_path_is_pdf(const char *path, const char *name);

/*
 * Scans the PDF in src, adding pdf.* findings about name to r and filling res (zero it
 * first; release it with coco_pdf_result_release). Returns COCO_OK whatever the verdict;
 * COCO_ERR_IO if the bytes cannot be read, COCO_ERR_NOMEM, COCO_ERR_CRYPTO.
 */
enum coco_err coco_pdf_scan(struct coco_ctx *ctx, const struct coco_pdf_src *src, const char *name,
			    struct coco_report *r, struct coco_pdf_result *res);
/* As coco_pdf_scan for a file on disk (links not followed); budget as in coco_pdf_src. */
enum coco_err coco_pdf_scan_path(struct coco_ctx *ctx, const char *path, const char *name,
				 struct coco_pdf_budget *budget, struct coco_report *r,
				 struct coco_pdf_result *res);
void coco_pdf_result_release(struct coco_pdf_result *res);
/* Frees n files and the array. */
void coco_pdf_files_free(struct coco_pdf_file *f, size_t n);

#endif /* COCO_PDF_H */
