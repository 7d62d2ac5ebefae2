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

/* What coco_lint_folder checks, and what it tells create. */
struct coco_lint_job {
	const char *dir, *assessment;
	const struct coco_folder *folder;
	/* With signer set, as if about to be signed by it, so the director and the
	 * organisation are compared too (create); NULL for lint. */
	const struct coco_signer_names *signer;
	/* Out: how many failures decide what is packaged and hold even without lint
	 * (assessment.missing, .xml, .schema, .reference, .unreferenced, .file). */
	size_t packaging_failures;
};

/*
 * Checks job->dir/job->assessment against the files in job->folder (the assessment itself
 * excluded), at the context's time. Findings go to r; job->packaging_failures is set.
 */
enum coco_err coco_lint_folder(struct coco_ctx *ctx, struct coco_lint_job *job,
			       struct coco_report *r);

#endif /* COCO_LINT_H */
