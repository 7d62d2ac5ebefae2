/*
 * The lint stage shared by coco_lint and coco_create: the submission checks on a
 * folder that has already been walked.
 */
#ifndef COCO_LINT_H
#define COCO_LINT_H

#include "folder.h"

/*
 * Checks dir/assessment against the files in l (the assessment itself excluded), at the
 * context's time. signed_bundle: as if about to be signed by a signer whose common name
 * is signer_cn (may be NULL), so the director is compared too. Findings go to r.
 */
enum coco_err coco_lint_folder(struct coco_ctx *ctx, const char *dir, const char *assessment,
			       const struct coco_folder *l, int signed_bundle,
			       const char *signer_cn, struct coco_report *r);

#endif /* COCO_LINT_H */
