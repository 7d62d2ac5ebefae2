/*
 * create: package a submission folder into a signed ASiC-E bundle. The folder is walked
 * without following links and linted first: the files must be exactly those
 * assessment.xml references, and a FAILED lint is refused unless the caller opts out.
 * Every file becomes a data object, in a fixed order (assessment.xml first, then byte
 * order of names). Each file is read once, hashed and written in the same pass; the
 * manifest is then built, signed with CAdES-B-B, and the archive committed atomically.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/archive.h"
#include "signature/cms.h"
#include "signature/timestamp.h"
#include "container/manifest.h"

#include "submission/folder.h"
#include "submission/lint.h"
#include "report/report.h"

/* Formats that are already compressed are stored; everything else is deflated. */
static int worth_deflating(const char *name)
{
	static const char *const stored[] = {".pdf",  ".png",  ".jpg", ".jpeg", ".gif",
					     ".zip",  ".gz",   ".xz",  ".7z",   ".docx",
					     ".xlsx", ".pptx", ".odt", ".p7s"};
	size_t i, n = strlen(name);

	for (i = 0; i < sizeof(stored) / sizeof(stored[0]); i++) {
		size_t k = strlen(stored[i]), j;
		int eq = n > k;
		for (j = 0; eq && j < k; j++)
			eq = (name[n - k + j] | 0x20) == stored[i][j];
		if (eq)
			return 0;
	}
	return 1;
}

static enum coco_err add_file(struct coco_ctx *ctx, struct coco_zipw *w, const char *dir,
			      const char *name, struct coco_manifest_ref *ref, EVP_MD *sha256)
{
	char *path = coco_asprintf("%s/%s", dir, name);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	enum coco_err err = COCO_OK;
	struct stat st;
	int fd = -1;

	if (path == NULL || md == NULL || !EVP_DigestInit_ex(md, sha256, NULL)) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* O_NOFOLLOW and fstat close the race between the walk and the read. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path,
				  fd < 0 ? strerror(errno) : "not a regular file");
		goto out;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((err = coco_zipw_add_fd(w, name, fd, path, worth_deflating(name), md)) != COCO_OK)
		goto out;
	EVP_DigestFinal_ex(md, ref->digest, NULL);
out:
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(md);
	free(path);
	return err;
}

/*
 * Names the references and refuses, before anything is written, a folder whose manifest
 * would be larger than verify reads (the digests do not change its length).
 */
static enum coco_err name_refs(struct coco_ctx *ctx, const char *dir, const struct coco_folder *l,
			       struct coco_manifest_ref *refs)
{
	char *manifest = NULL;
	size_t i, mlen = 0;

	for (i = 0; i < l->n; i++) {
		if ((refs[i].name = coco_strndup(l->names[i], strlen(l->names[i]))) == NULL)
			return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		refs[i].rootfile = strcmp(l->names[i], "assessment.xml") == 0;
	}
	if ((manifest = coco_manifest_build("META-INF/signature001.p7s", refs, l->n, &mlen)) ==
	    NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	free(manifest);
	if (mlen > ctx->limits.meta_size)
		return coco_seterr(
		    ctx, COCO_ERR_LIMIT,
		    "cannot package '%s': the manifest of its %zu files would be %zu "
		    "bytes, over the %zu bytes verify reads (fewer files or shorter "
		    "names)",
		    dir, l->n, mlen, ctx->limits.meta_size);
	return COCO_OK;
}

/* Who signs, and the TSA that timestamps the signature (tsa NULL: none). */
struct signing {
	const struct coco_signer *signer;
	coco_tsa_fn tsa;
	void *tsa_arg;
};

static enum coco_err write_bundle(struct coco_ctx *ctx, struct coco_zipw *w, const char *dir,
				  const struct coco_folder *l, const struct signing *s)
{
	struct coco_manifest_ref *refs = calloc(l->n, sizeof(*refs));
	EVP_MD *sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	unsigned char *sig = NULL;
	char *manifest = NULL;
	size_t i, mlen = 0, slen = 0;
	enum coco_err err = COCO_OK;

	if (refs == NULL || sha256 == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (err == COCO_OK)
		err = name_refs(ctx, dir, l, refs);
	for (i = 0; err == COCO_OK && i < l->n; i++)
		err = add_file(ctx, w, dir, l->names[i], &refs[i], sha256);
	if (err == COCO_OK && (manifest = coco_manifest_build("META-INF/signature001.p7s", refs,
							      l->n, &mlen)) == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (err == COCO_OK)
		err = coco_zipw_add_mem(w, "META-INF/ASiCManifest001.xml",
					(unsigned char *)manifest, mlen, 1);
	if (err == COCO_OK)
		err = coco_cms_sign(ctx, s->signer, (unsigned char *)manifest, mlen, &sig, &slen);
	if (err == COCO_OK && s->tsa != NULL)
		err = coco_timestamp_add(ctx, s->tsa, s->tsa_arg, &sig, &slen);
	if (err == COCO_OK && slen > ctx->limits.meta_size)
		err =
		    coco_seterr(ctx, COCO_ERR_LIMIT,
				"cannot sign '%s': the signature would be %zu bytes, over the %zu "
				"bytes verify reads",
				dir, slen, ctx->limits.meta_size);
	if (err == COCO_OK)
		err = coco_zipw_add_mem(w, "META-INF/signature001.p7s", sig, slen, 0);
	if (err == COCO_OK)
		err = coco_zipw_finish(w);
	for (i = 0; refs != NULL && i < l->n; i++)
		free(refs[i].name);
	free(refs);
	free(manifest);
	OPENSSL_free(sig);
	EVP_MD_free(sha256);
	return err;
}

/* Lints dir as if signed now by signer (without the signer's checks while its certificate is
 * still locked in a PKCS#12 file); refuses what must not be packaged. */
static enum coco_err lint_first(struct coco_ctx *ctx, const char *dir, const struct coco_folder *l,
				const struct coco_signer *signer, unsigned flags,
				struct coco_report *r)
{
	const X509_NAME *name = signer->cert ? X509_get_subject_name(signer->cert) : NULL;
	char *cn = name ? coco_cert_common_name(name) : NULL;
	char *org = name ? coco_cert_organisation(name) : NULL;
	char *org_id = name ? coco_cert_org_id(name) : NULL;
	struct coco_signer_names who = {signer->subject, cn, org, org_id};
	/* the failures that decide what is packaged hold even with COCO_CREATE_NO_LINT */
	struct coco_lint_job job = {
	    .dir = dir, .assessment = "assessment.xml", .folder = l, .signer = name ? &who : NULL};
	enum coco_err err;
	size_t n, i, failed = 0;

	if ((err = coco_report_set_bundle(r, dir, 0, coco_ctx_time(ctx))) == COCO_OK) {
		coco_report_set_lint(r);
		err = coco_lint_folder(ctx, &job, r);
	} else {
		err = coco_seterr(ctx, err, "out of memory");
	}
	free(cn);
	free(org);
	free(org_id);
	if (err != COCO_OK)
		return err;
	if ((n = job.packaging_failures) > 0)
		return coco_seterr(ctx, COCO_ERR_REFUSED,
				   "refusing to package '%s': %zu problem%s with assessment.xml or "
				   "the files it references",
				   dir, n, n == 1 ? "" : "s");
	for (i = 0; i < coco_report_count(r); i++)
		if (coco_finding_status(coco_report_get(r, i)) == COCO_STATUS_FAIL)
			failed += coco_finding_count(coco_report_get(r, i));
	if (!(flags & COCO_CREATE_NO_LINT) && coco_report_verdict(r) == COCO_VERDICT_FAILED)
		return coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to sign '%s': lint found %zu failed check%s (fix them, "
		    "or pass --no-lint)",
		    dir, failed, failed == 1 ? "" : "s");
	return COCO_OK;
}

/*
 * Refuses an output that is another name (a hard link) for a file of the submission: the
 * walk follows no links, and an output inside dir was refused before it, so only the same
 * device and inode can make one.
 */
static enum coco_err out_not_packaged(struct coco_ctx *ctx, const char *dir,
				      const struct coco_folder *l, const char *out_path)
{
	struct stat so, st;
	enum coco_err err = COCO_OK;
	size_t i;
	char *path;

	if (stat(out_path, &so) != 0)
		return COCO_OK;
	for (i = 0; err == COCO_OK && i < l->n; i++) {
		if ((path = coco_asprintf("%s/%s", dir, l->names[i])) == NULL)
			return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		if (lstat(path, &st) == 0 && st.st_dev == so.st_dev && st.st_ino == so.st_ino)
			err = coco_seterr(ctx, COCO_ERR_REFUSED,
					  "refusing to write '%s' over '%s' of the submission "
					  "folder '%s' (the same file)",
					  out_path, path, dir);
		free(path);
	}
	return err;
}

/*
 * Lints, then unlocks the signer's key (asking for its pass-phrase), so a refused submission
 * never asks. A PKCS#12 file hides its certificate until then too: lint ran without the
 * signer's checks (director, organisation), so it runs again with them, and its findings
 * replace the first run's in r.
 */
static enum coco_err lint_unlock(struct coco_ctx *ctx, const char *dir, const struct coco_folder *l,
				 struct coco_signer *signer, unsigned flags, struct coco_report *r)
{
	int locked = signer->cert == NULL;
	struct coco_report *again = NULL, swap;
	enum coco_err err;

	if ((err = lint_first(ctx, dir, l, signer, flags, r)) != COCO_OK ||
	    (err = coco_signer_unlock(ctx, signer)) != COCO_OK || !locked)
		return err;
	if (coco_report_new(&again) != COCO_OK)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	err = lint_first(ctx, dir, l, signer, flags, again);
	swap = *r; /* the caller keeps its report: its contents become the second run's */
	*r = *again;
	*again = swap;
	coco_report_free(again);
	return err;
}

enum coco_err coco_create(struct coco_ctx *ctx, const char *dir, const char *out_path,
			  struct coco_signer *signer, const struct coco_create_opts *opts)
{
	struct coco_folder l = {.names = NULL};
	struct coco_report *own = NULL, *r = opts != NULL ? opts->lint : NULL;
	const struct coco_input in = {dir, "submission folder", 1};
	const struct signing sg = {signer, ctx->tsa, ctx->tsa_arg};
	struct coco_zipw *w = NULL;
	char *tmp = NULL;
	int fd = -1;
	enum coco_err err;

	if ((err = coco_output_check(ctx, out_path, &in, 1)) != COCO_OK)
		goto out;
	if (r == NULL && (err = coco_report_new(&own)) != COCO_OK) {
		err = coco_seterr(ctx, err, "out of memory");
		goto out;
	}
	if ((err = coco_folder_collect(ctx, dir, &l)) != COCO_OK ||
	    (err = out_not_packaged(ctx, dir, &l, out_path)) != COCO_OK ||
	    (err = lint_unlock(ctx, dir, &l, signer, opts ? opts->flags : 0, r ? r : own)) !=
		COCO_OK)
		goto out;
	if ((err = coco_tmp_open(ctx, out_path, &tmp, &fd)) != COCO_OK ||
	    (err = coco_zipw_new(ctx, fd, out_path, &w)) != COCO_OK)
		goto out;
	coco_zipw_set_total(w, l.total);
	if ((opts != NULL && opts->sha256 != NULL && (err = coco_zipw_hash_start(w)) != COCO_OK) ||
	    (err = write_bundle(ctx, w, dir, &l, &sg)) != COCO_OK ||
	    (opts != NULL && opts->sha256 != NULL &&
	     (err = coco_zipw_hash_end(w, opts->sha256)) != COCO_OK))
		goto out;
	err = coco_tmp_commit(ctx, fd, tmp, out_path);
	fd = -1;
	tmp = NULL; /* transferred, committed or cleaned up */
out:
	if (fd >= 0)
		coco_tmp_abort(fd, tmp);
	coco_zipw_free(w);
	coco_folder_release(&l);
	coco_report_free(own);
	return err;
}
