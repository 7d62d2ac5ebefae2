/*
 * The lint stage shared by coco_lint and coco_create: the submission checks on a
 * folder that has already been walked.
 */
#ifndef COCO_LINT_H
#define COCO_LINT_H

#include "folder.h"

/*
 * Checks dir/assessment against the files in l (the assessment itself excluded), as
 * if signed by signer_cn (NULL: unsigned) at the context's time. Findings go to r.
 */
enum coco_err coco_lint_folder(struct coco_ctx *ctx, const char *dir, const char *assessment,
			       const struct coco_folder *l, const char *signer_cn,
			       struct coco_report *r);

#endif /* COCO_LINT_H */
