/*
 * ETSI EN 319 162-1 archive manifests (CAdES LTA in ASiC-E): META-INF/ASiCArchiveManifest*.xml,
 * each with an RFC 3161 token (META-INF/timestamp*.tst) over its exact bytes. They add a
 * proven time to what they list; nothing the verdict rests on depends on them yet.
 */
#ifndef COCO_ARCHIVE_TS_H
#define COCO_ARCHIVE_TS_H

#include "bundle/verify.h"

/* Whether name is a manifest's (META-INF/ASiCManifest*.xml), a signature's
 * (META-INF/signature*.p7s), by their standard names (EN 319 162-1), in META-INF itself. */
int coco_asic_manifest_name(const char *name);
int coco_asic_signature_name(const char *name);
/* Whether name is an archive manifest or a timestamp token by its standard name. */
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

#endif /* COCO_ARCHIVE_TS_H */
