/*
 * ETSI EN 319 162-1 archive manifests (CAdES LTA in ASiC-E): META-INF/ASiCArchiveManifest*.xml,
 * each with an RFC 3161 token (META-INF/timestamp*.tst) over its exact bytes. They add a
 * proven time to what they list: a signature whose chain has expired or been revoked since
 * is judged at the earliest such time (coco_archive_ts_reprove). coco-bundle timestamp
 * (lta.c) writes them.
 */
#ifndef COCO_ARCHIVE_TS_H
#define COCO_ARCHIVE_TS_H

#include "bundle/verify.h"
#include "container/manifest.h"

/*
 * The archive timestamps stage (verify.c's table): each archive manifest is parsed, its
 * references compared with the digests the pass computed, and its token verified over it
 * against tsa/, adding archive.* findings (pass with the proven time; warn for a TSA that
 * is not trusted; indeterminate for anything that does not hold); each time-assertion
 * manifest's token likewise (archive.time_assertion; its references are the digests
 * stage's); and manifest.unsigned for a token no manifest names. Returns COCO_OK unless
 * the run itself fails.
 */
enum coco_err coco_archive_ts_stage(struct coco_vstate *v);

/* What the archive timestamps proved, kept in the run's state (coco_vstate_archive_proof):
 * at[i] (one per entry; the array NULL when none holds) is the earliest proven time of an
 * archive timestamp that holds and lists entry i, its digests matching, or 0. */
struct coco_archive_proof {
	time_t *at;
};

/* How verify.c judges manifest i's signature into r: with at NULL at the verification
 * time, else its chain at *at (archived: an archive timestamp's time, when the signature's
 * own timestamps are judged then too). */
typedef enum coco_err (*coco_judge_fn)(struct coco_vstate *v, size_t i, struct coco_report *r,
				       const time_t *at, int archived);
/*
 * Judges manifest i's signature (its report row info) into r by judge: at the verification
 * time; and, when its chain has expired or been revoked by then and an archive timestamp
 * that holds lists it, again at the earliest such proven time instead, adding
 * archive.proof (info). Sets info->archived when an archive timestamp that holds lists it.
 * Returns judge's error, or COCO_ERR_NOMEM.
 */
enum coco_err coco_archive_ts_judge(struct coco_vstate *v, size_t i,
				    struct coco_report_signature *info, struct coco_report *r,
				    coco_judge_fn judge);
/* Whether the bundle already holds revocation data of these bytes (META-INF/revocation/). */
int coco_archive_ts_holds(const struct coco_vstate *v, const unsigned char *der, size_t len);
/* Refuses (COCO_ERR_REFUSED, the reason in ctx) a new archive timestamp tok over xml that
 * verify would not accept at the context's time; name is the token's entry. */
enum coco_err coco_archive_ts_accept(struct coco_ctx *ctx, const char *xml, size_t xml_len,
				     const unsigned char *tok, size_t tok_len, const char *name);

#endif /* COCO_ARCHIVE_TS_H */
