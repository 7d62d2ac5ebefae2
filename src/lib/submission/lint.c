/*
 * lint: every check that verify runs and that needs no signature, on a submission
 * folder before it is signed: the same assessment.* and evidence.* findings, the same
 * verdict rules. create runs it too, and packages exactly the files the assessment
 * references.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "submission/assessment.h"
#include "submission/folder.h"
#include "submission/lint.h"
#include "pdf/pdf.h"
#include "report/report.h"

/* The pdf.* checks on every PDF in the folder: a name ending .pdf (any case), or any
 * file that starts with %PDF-. They share one budget, as a bundle's PDFs do. */
static enum coco_err scan_pdfs(struct coco_ctx *ctx, const char *dir, const struct coco_folder *l,
			       struct coco_report *r, struct coco_pdf_file **out, size_t *n_out)
{
	struct coco_pdf_file *f = calloc(l->n + 1, sizeof(*f));
	struct coco_pdf_budget budget;
	size_t i, n = 0;
	char *path = NULL;
	enum coco_err err = COCO_OK;

	if (f == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	coco_pdf_budget_init(&budget);
	for (i = 0; i < l->n && err == COCO_OK; i++) {
		if ((path = coco_asprintf("%s/%s", dir, l->names[i])) == NULL)
			err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		else if (!coco_pdf_path_is_pdf(path, l->names[i]))
			err = COCO_OK;
		else if ((f[n].name = coco_strndup(l->names[i], strlen(l->names[i]))) == NULL)
			err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		else
			err = coco_pdf_scan_path(ctx, path, l->names[i], &budget, r, &f[n++].res);
		free(path);
		path = NULL;
	}
	if (err != COCO_OK) {
		coco_pdf_files_free(f, n + 1);
		return err;
	}
	*out = f;
	*n_out = n;
	return COCO_OK;
}

enum coco_err coco_lint_folder(struct coco_ctx *ctx, struct coco_lint_job *job,
			       struct coco_report *r)
{
	const char *dir = job->dir, *assessment = job->assessment;
	const struct coco_folder *l = job->folder;
	const struct coco_signer_names *signer = job->signer;
	const char **files = calloc(l->n + 1, sizeof(*files));
	char *path = coco_asprintf("%s/%s", dir, assessment);
	unsigned char *xml = NULL;
	size_t i, len = 0;
	struct coco_submission s;
	struct coco_pdf_file *pdfs = NULL;
	size_t n_pdfs = 0;
	struct stat st;
	enum coco_err err = COCO_OK;

	memset(&s, 0, sizeof(s));
	if (files == NULL || path == NULL) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((err = scan_pdfs(ctx, dir, l, r, &pdfs, &n_pdfs)) != COCO_OK)
		goto out;
	s.pdfs = pdfs;
	s.n_pdfs = n_pdfs;
	job->packaging_failures = l->n_problems;
	s.packaging = &job->packaging_failures;
	for (i = 0; i < l->n_problems; i++)
		coco_report_add(r, COCO_STATUS_FAIL, "assessment.file", l->problems[i].name, "%s",
				l->problems[i].why);
	for (i = 0; i < l->n; i++)
		if (strcmp(l->names[i], assessment) != 0)
			files[s.n_files++] = l->names[i];
	s.files = files;
	s.at_day = s.signed_day = coco_day_of(coco_ctx_time(ctx));
	if (signer != NULL) {
		s.signed_bundle = 1;
		s.signer_cn = signer->common_name;
		s.signer_subject = signer->subject;
		s.signer_org = signer->organisation;
		s.signer_org_id = signer->org_id;
	}
	if (lstat(path, &st) != 0 && errno == ENOENT) {
		err = coco_submission_check(ctx, r, NULL, 0, &s);
		goto out;
	}
	err = coco_file_read(ctx, path, ctx->limits.meta_size, &xml, &len);
	s.too_large = err == COCO_ERR_LIMIT;
	if (err == COCO_OK || s.too_large)
		err = coco_submission_check(ctx, r, xml, len, &s);
out:
	coco_pdf_files_free(pdfs, n_pdfs);
	free(xml);
	free(path);
	free(files);
	return err;
}

enum coco_err coco_lint(struct coco_ctx *ctx, const char *path, struct coco_report *r)
{
	struct coco_folder l;
	struct stat st;
	char *dir = NULL;
	const char *assessment = COCO_ASSESSMENT_NAME, *slash;
	enum coco_err err;

	memset(&l, 0, sizeof(l));
	if (stat(path, &st) != 0)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		dir = coco_strndup(path, strlen(path));
	} else if (S_ISREG(st.st_mode)) {
		slash = strrchr(path, '/');
		dir = slash ? coco_strndup(path, (size_t)(slash - path)) : coco_strndup(".", 1);
		assessment = slash ? slash + 1 : path;
		if (strcmp(assessment, COCO_ASSESSMENT_NAME) != 0) {
			free(dir);
			return coco_seterr(ctx, COCO_ERR_ARG,
					   "cannot lint '%s': the assessment must be named "
					   "assessment.xml (it is packaged under that name)",
					   path);
		}
		if (dir != NULL && dir[0] == '\0') {
			free(dir);
			dir = coco_strndup("/", 1);
		}
	} else {
		return coco_seterr(ctx, COCO_ERR_ARG,
				   "cannot lint '%s': not a folder or an assessment file", path);
	}
	if (dir == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if ((err = coco_report_set_bundle(r, path, 0, coco_ctx_time(ctx))) != COCO_OK) {
		free(dir);
		return coco_seterr(ctx, err, "out of memory");
	}
	coco_report_set_lint(r);
	if ((err = coco_folder_collect(ctx, dir, &l)) == COCO_OK) {
		struct coco_lint_job job = {.dir = dir, .assessment = assessment, .folder = &l};
		err = coco_lint_folder(ctx, &job, r);
	}
	coco_folder_release(&l);
	free(dir);
	return err;
}
