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

/* Whether name is a manifest's (META-INF/ASiCManifest*.xml), a signature's
 * (META-INF/signature*.p7s), by their standard names (EN 319 162-1), in META-INF itself. */
int coco_asic_manifest_name(const char *name);
int coco_asic_signature_name(const char *name);
/* Whether name is an archive manifest, a timestamp token by its standard name, or
 * revocation data an archive timestamp embeds (META-INF/revocation/NNN.crl). */
int coco_archive_ts_name(const char *name);
/* Whether name is a timestamp token's (META-INF/timestamp*.tst): the SigReference of an
 * archive manifest, or of a time-assertion manifest (an ASiCManifest*.xml whose data
 * objects a timestamp, not a signature, covers). */
int coco_archive_ts_token(const char *name);

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

/* Whether signature sigref, whose chain info says has expired or been revoked at the
 * verification time, is to be judged again at *at: an archive timestamp proves it older.
 * Marks info->archived when an archive timestamp that holds lists it. */
int coco_archive_ts_reprove(struct coco_vstate *v, const char *sigref,
			    struct coco_report_signature *info, time_t *at);
/* archive.proof (info): info's signature was judged at at, an archive timestamp's time
 * (info->archived set again: judging it cleared the row). */
void coco_archive_ts_note(struct coco_report *r, struct coco_report_signature *info, time_t at);
/* Whether the bundle already holds revocation data of these bytes (META-INF/revocation/). */
int coco_archive_ts_holds(const struct coco_vstate *v, const unsigned char *der, size_t len);
/* Refuses (COCO_ERR_REFUSED, the reason in ctx) a new archive timestamp tok over xml that
 * verify would not accept at the context's time; name is the token's entry. */
enum coco_err coco_archive_ts_accept(struct coco_ctx *ctx, const char *xml, size_t xml_len,
				     const unsigned char *tok, size_t tok_len, const char *name);

#endif /* COCO_ARCHIVE_TS_H */
