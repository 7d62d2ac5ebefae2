/*
 * create: package a submission folder into a signed ASiC-E bundle. The folder is
 * walked without following links; every regular file except dotfiles becomes a data
 * object, in a fixed order (assessment.xml first, then byte order of names). Each file
 * is read once, hashed and written in the same pass; the manifest is then built, signed
 * with CAdES-B-B, and the archive committed atomically.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "cms.h"
#include "manifest.h"

#define MAX_DEPTH 32

struct filelist {
	char **names;
	size_t n, cap;
	dev_t out_dev; /* the output, if it already exists inside DIR, is not packaged */
	ino_t out_ino;
	uint64_t total; /* bytes to package, for progress */
};

static void filelist_free(struct filelist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

static enum coco_err filelist_add(struct coco_ctx *ctx, struct filelist *l, char *name)
{
	if (l->n >= COCO_MAX_ENTRIES - 3) {
		free(name);
		return coco_seterr(ctx, COCO_ERR_LIMIT, "more than %u files to package",
				   COCO_MAX_ENTRIES - 3);
	}
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		char **nn = realloc(l->names, ncap * sizeof(*nn));
		if (nn == NULL) {
			free(name);
			return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		}
		l->names = nn;
		l->cap = ncap;
	}
	l->names[l->n++] = name;
	return COCO_OK;
}

static enum coco_err walk(struct coco_ctx *ctx, const char *root, const char *rel, int depth,
			  struct filelist *l);

/* Classifies one directory entry: recurse, add, skip or refuse. */
static enum coco_err visit(struct coco_ctx *ctx, const char *root, const char *rel, int depth,
			   struct filelist *l)
{
	char *path = coco_asprintf("%s/%s", root, rel);
	struct stat st;
	const char *why;
	int is_dir;
	enum coco_err err = COCO_OK;

	if (path == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (lstat(path, &st) != 0)
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot stat '%s': %s", path, strerror(errno));
	else if (S_ISLNK(st.st_mode))
		err = coco_seterr(ctx, COCO_ERR_REFUSED,
				  "refusing '%s': symbolic links are not packaged", path);
	else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		err = coco_seterr(ctx, COCO_ERR_REFUSED, "refusing '%s': not a regular file", path);
	else if ((why = coco_name_problem(rel, strlen(rel), &is_dir)) != NULL)
		err = coco_seterr(ctx, COCO_ERR_REFUSED, "refusing '%s': %s", path, why);
	else if (strcmp(rel, "META-INF") == 0 || strcmp(rel, "mimetype") == 0)
		err = coco_seterr(ctx, COCO_ERR_REFUSED,
				  "refusing '%s': the name is reserved by ASiC-E", path);
	else if (S_ISREG(st.st_mode) && st.st_dev == l->out_dev && st.st_ino == l->out_ino)
		err = COCO_OK; /* an earlier run's output inside DIR */
	else if (S_ISDIR(st.st_mode))
		err = depth >= MAX_DEPTH
			  ? coco_seterr(ctx, COCO_ERR_LIMIT, "'%s' is nested too deeply", path)
			  : walk(ctx, root, rel, depth + 1, l);
	else {
		l->total += (uint64_t)st.st_size;
		err = filelist_add(ctx, l, coco_strndup(rel, strlen(rel)));
		if (err == COCO_OK && l->names[l->n - 1] == NULL) {
			l->n--;
			err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		}
	}
	free(path);
	return err;
}

static enum coco_err walk(struct coco_ctx *ctx, const char *root, const char *rel, int depth,
			  struct filelist *l)
{
	char *dir = rel[0] ? coco_asprintf("%s/%s", root, rel) : coco_strndup(root, strlen(root));
	struct dirent **ents = NULL;
	enum coco_err err = COCO_OK;
	int i, n;

	if (dir == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot read folder '%s': %s", dir,
				  strerror(errno));
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (err == COCO_OK && name[0] != '.') {
			char *sub = rel[0] ? coco_asprintf("%s/%s", rel, name)
					   : coco_strndup(name, strlen(name));
			err = sub ? visit(ctx, root, sub, depth, l)
				  : coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
			free(sub);
		}
		free(ents[i]);
	}
	free(ents);
	free(dir);
	return err;
}

static int cmp_names(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int xa = strcmp(x, "assessment.xml") == 0, ya = strcmp(y, "assessment.xml") == 0;

	if (xa != ya)
		return ya - xa;
	return strcmp(x, y);
}

static int casefold_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;
		if ((ca >= 'A' && ca <= 'Z' ? ca + 32 : ca) !=
		    (cb >= 'A' && cb <= 'Z' ? cb + 32 : cb))
			return 0;
	}
	return *a == *b;
}

static enum coco_err collect(struct coco_ctx *ctx, const char *dir, struct filelist *l)
{
	enum coco_err err = walk(ctx, dir, "", 0, l);
	size_t i, j;

	if (err != COCO_OK)
		return err;
	qsort(l->names, l->n, sizeof(*l->names), cmp_names);
	if (l->n == 0 || strcmp(l->names[0], "assessment.xml") != 0)
		return coco_seterr(ctx, COCO_ERR_REFUSED, "'%s/assessment.xml' is missing", dir);
	for (i = 0; i < l->n; i++)
		for (j = i + 1; j < l->n; j++)
			if (casefold_eq(l->names[i], l->names[j]))
				return coco_seterr(
				    ctx, COCO_ERR_REFUSED,
				    "refusing '%s/%s': its name differs from '%s' only in case",
				    dir, l->names[j], l->names[i]);
	return COCO_OK;
}

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
	ref->name = coco_strndup(name, strlen(name));
	ref->rootfile = strcmp(name, "assessment.xml") == 0;
	if (ref->name == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
out:
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(md);
	free(path);
	return err;
}

static enum coco_err write_bundle(struct coco_ctx *ctx, struct coco_zipw *w, const char *dir,
				  const struct filelist *l, const struct coco_signer *signer)
{
	struct coco_manifest_ref *refs = calloc(l->n, sizeof(*refs));
	EVP_MD *sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	unsigned char *sig = NULL;
	char *manifest = NULL;
	size_t i, mlen = 0, slen = 0;
	enum coco_err err = COCO_OK;

	if (refs == NULL || sha256 == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	for (i = 0; err == COCO_OK && i < l->n; i++)
		err = add_file(ctx, w, dir, l->names[i], &refs[i], sha256);
	if (err == COCO_OK && (manifest = coco_manifest_build("META-INF/signature001.p7s", refs,
							      l->n, &mlen)) == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (err == COCO_OK)
		err = coco_zipw_add_mem(w, "META-INF/ASiCManifest001.xml",
					(unsigned char *)manifest, mlen, 1);
	if (err == COCO_OK)
		err = coco_cms_sign(ctx, signer, (unsigned char *)manifest, mlen, &sig, &slen);
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

enum coco_err coco_create(struct coco_ctx *ctx, const char *dir, const char *out_path,
			  const struct coco_signer *signer)
{
	struct filelist l = {NULL, 0, 0, 0, 0, 0};
	struct stat st;
	struct coco_zipw *w = NULL;
	char *tmp = NULL;
	int fd = -1;
	enum coco_err err;

	if (stat(out_path, &st) == 0) {
		l.out_dev = st.st_dev;
		l.out_ino = st.st_ino;
	}
	if ((err = collect(ctx, dir, &l)) != COCO_OK)
		goto out;
	if ((fd = coco_tmp_open(out_path, &tmp)) < 0) {
		err =
		    coco_seterr(ctx, COCO_ERR_IO, "cannot create a temporary file beside '%s': %s",
				out_path, strerror(errno));
		goto out;
	}
	if ((err = coco_zipw_new(ctx, fd, out_path, &w)) != COCO_OK)
		goto out;
	coco_zipw_set_total(w, l.total);
	if ((err = write_bundle(ctx, w, dir, &l, signer)) != COCO_OK)
		goto out;
	err = coco_tmp_commit(ctx, fd, tmp, out_path);
	fd = -1;
	tmp = NULL; /* transferred, committed or cleaned up */
out:
	if (fd >= 0)
		coco_tmp_abort(fd, tmp);
	coco_zipw_free(w);
	filelist_free(&l);
	return err;
}
