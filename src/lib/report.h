/*
 * Internal report API: how verification stages add findings and the facts (bundle,
 * entries, signatures) that renderers print.
 */
#ifndef COCO_REPORT_H
#define COCO_REPORT_H

#include "internal.h"

struct coco_report_entry {
	char *name;
	uint64_t size;
	uint64_t compressed_size;
	unsigned method; /* 0 stored, 8 deflate */
	int is_dir;
	char sha256[65]; /* hex; empty when not computed */
};

struct coco_report_signature {
	char *manifest;    /* META-INF/ASiCManifest*.xml */
	char *file;        /* META-INF/signature*.p7s */
	char *subject;     /* may be NULL when no signer certificate was found */
	char *common_name; /* the subject's CN, UTF-8; may be NULL */
	char *issuer;
	char *serial; /* hex */
	time_t not_before, not_after;
	time_t signing_time;
	int has_signing_time;
	int valid;    /* every signature and signer check passed */
	int value_ok; /* the signature itself verified (whatever the chain's trust) */
};

/* A baseline certificate in the report's summary block. */
struct coco_report_cert {
	char *scheme, *number;
	long expires;     /* day (text.c) */
	const char *note; /* static: "scheme withdrawn", "failed checks", ... or NULL */
};

/*
 * Adds a finding. The id must be listed in docs/checks.md. subject may be NULL. Returns
 * COCO_OK or COCO_ERR_NOMEM (the report then remembers it failed and renders so).
 */
enum coco_err coco_report_add(struct coco_report *r, enum coco_status status, const char *id,
			      const char *subject, const char *fmt, ...) COCO_PRINTF(5, 6);

/* Adds a warn that is a manual check for the SIRO (it asks for a person's judgement). */
enum coco_err coco_report_add_manual(struct coco_report *r, const char *id, const char *subject,
				     const char *fmt, ...) COCO_PRINTF(4, 5);
/* The report describes a folder checked by lint rather than a bundle. */
void coco_report_set_lint(struct coco_report *r);
/* The summary block: organisation and director, then each baseline certificate (its days
 * left are counted from the report's verification time). */
enum coco_err coco_report_set_summary(struct coco_report *r, const char *organisation,
				      const char *director);
enum coco_err coco_report_add_cert(struct coco_report *r, const char *scheme, const char *number,
				   long expires, const char *note);

/* Whether an allocation failed while findings were added (the report is incomplete). */
int coco_report_failed(const struct coco_report *r);

/* The verdict over the findings added from index `from` on (an empty range passes). */
enum coco_verdict coco_report_verdict_since(const struct coco_report *r, size_t from);

enum coco_err coco_report_set_bundle(struct coco_report *r, const char *path, uint64_t size,
				     time_t at);
void coco_report_set_bundle_sha256(struct coco_report *r, const char *hex);
/* Adds an entry row; returns it (owned by the report) or NULL on allocation failure. */
struct coco_report_entry *coco_report_add_entry(struct coco_report *r, const char *name);
struct coco_report_signature *coco_report_add_signature(struct coco_report *r);

size_t coco_report_signature_count(const struct coco_report *r);
const struct coco_report_signature *coco_report_signature_at(const struct coco_report *r, size_t i);
size_t coco_report_entry_count(const struct coco_report *r);
struct coco_report_entry *coco_report_entry_at(const struct coco_report *r, size_t i);

#endif /* COCO_REPORT_H */
