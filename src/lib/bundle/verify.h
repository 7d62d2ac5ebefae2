/*
 * The verification pipeline (verify.c): a table of stages over one run's state. The state
 * is private to verify.c and verify_pass.c (vstate.h); it is kept after a run so that
 * extract and countersign can use the very data objects and digests it verified, through
 * the functions below.
 */
#ifndef COCO_VERIFY_H
#define COCO_VERIFY_H

#include "container/archive.h"

/* What a run judges: inspect lists and parses (no chain is validated, no PDF scanned, no
 * submission or sign-off decision judged); verify does everything. */
enum coco_mode { COCO_MODE_INSPECT, COCO_MODE_VERIFY };

struct coco_vstate;

/*
 * Runs the pipeline on the bundle at path, adding findings to r. On COCO_OK *out is the
 * run's state (free it with coco_vstate_free), whatever the verdict; on an error (the
 * message in ctx) *out is NULL.
 */
enum coco_err coco_vstate_run(struct coco_ctx *ctx, const char *path, struct coco_report *r,
			      enum coco_mode mode, struct coco_vstate **out);
void coco_vstate_free(struct coco_vstate *v); /* accepts NULL */

/* The bundle as the run opened it, or NULL if the file was not a walkable zip; borrowed
 * until coco_vstate_free. */
struct coco_archive *coco_vstate_archive(const struct coco_vstate *v);

/*
 * Entry i's bytes as the streaming pass saw them (at most the meta_size limit), in a
 * malloc'd buffer with a NUL after them: copied by the pass for the signatures and a
 * sign-off's own files; any other entry is read again and must hash as it did in the pass.
 * Returns COCO_ERR_IO if it changed ("'NAME' in 'BUNDLE' changed while being read") or
 * cannot be read; other errors (a limit, bad data) are the entry's, for a finding.
 */
enum coco_err coco_vstate_read(struct coco_vstate *v, size_t i, unsigned char **out,
			       size_t *out_len);

/* True if entry i is a data object outside META-INF whose digest verified. */
int coco_vstate_is_data_object(const struct coco_vstate *v, size_t i);
/* The SHA-256 of entry i computed during the run. */
const unsigned char *coco_vstate_sha256(const struct coco_vstate *v, size_t i);
/* A manifest reference (name and the run's SHA-256) for every entry but the mimetype and
 * folders, in zip order, into refs (room for the archive's entry count); returns how many:
 * what a sign-off's manifest and an archive manifest list of the bundle so far. */
struct coco_manifest_ref;
size_t coco_vstate_entry_refs(const struct coco_vstate *v, struct coco_manifest_ref *refs);

/* Entry i's digest with coco_digest_algs[alg] computed during the run, or NULL when the
 * run did not compute it (SHA-256 always is). */
const unsigned char *coco_vstate_digest(const struct coco_vstate *v, size_t i, int alg);
/* The run's ASiCManifest*.xml, in zip order: how many, each parsed (NULL where one did not)
 * and its exact bytes (NULL where unread); borrowed until coco_vstate_free. */
struct coco_manifest;
size_t coco_vstate_manifests(const struct coco_vstate *v, const struct coco_manifest *const **m,
			     const unsigned char *const **bytes, const size_t **len);
/* The report the run adds the applicant's findings to, and (in *ctx) its context. */
struct coco_report *coco_vstate_report(const struct coco_vstate *v, struct coco_ctx **ctx);
/* What the run's archive timestamps proved (bundle/archive_ts.h), filled by their stage;
 * borrowed until coco_vstate_free. */
struct coco_archive_proof *coco_vstate_archive_proof(struct coco_vstate *v);
#endif /* COCO_VERIFY_H */
