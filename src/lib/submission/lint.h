/*
 * The lint stage shared by coco_lint and coco_create: the submission checks on a
 * folder that has already been walked.
 */
#ifndef COCO_LINT_H
#define COCO_LINT_H

#include "submission/folder.h"

/* The signer certificate's subject and the parts of it the assessment is compared with;
 * each may be NULL. */
struct coco_signer_names {
	const char *subject, *common_name, *organisation, *org_id;
};

/*
 * Checks dir/assessment against the files in l (the assessment itself excluded), at the
 * context's time. With signer set, as if about to be signed by it, so the director and
 * the organisation are compared too (create); NULL for lint. Findings go to r.
 */
enum coco_err coco_lint_folder(struct coco_ctx *ctx, const char *dir, const char *assessment,
			       const struct coco_folder *l, const struct coco_signer_names *signer,
			       struct coco_report *r);

#endif /* COCO_LINT_H */
