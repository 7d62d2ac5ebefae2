/*
 * extract: write a PASSED bundle's data objects below a folder. Paths are resolved one
 * component at a time with O_NOFOLLOW relative to the folder's descriptor, so neither a
 * link already on disk nor a crafted name can lead outside it. Every target is checked
 * before anything is written; each file is written to a temporary name, its SHA-256
 * compared with the one verified, then hard-linked into place (link() never replaces an
 * existing file). On failure, what this run created is removed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "verify.h"

struct undo {
	char **paths; /* relative to the root, files then folders, in creation order */
	int *is_dir;
	size_t n, cap;
};

static int undo_push(struct undo *u, const char *rel, size_t len, int is_dir)
{
	if (u->n == u->cap) {
		size_t ncap = u->cap ? u->cap * 2 : 64;
		char **np = realloc(u->paths, ncap * sizeof(*np));
		int *nd;
		if (np == NULL)
			return -1;
		u->paths = np;
		if ((nd = realloc(u->is_dir, ncap * sizeof(*nd))) == NULL)
			return -1;
		u->is_dir = nd;
		u->cap = ncap;
	}
	if ((u->paths[u->n] = coco_strndup(rel, len)) == NULL)
		return -1;
	u->is_dir[u->n++] = is_dir;
	return 0;
}

static void undo_run(struct undo *u, int root, int remove)
{
	size_t i;

	for (i = u->n; i-- > 0;) {
		if (remove)
			(void)unlinkat(root, u->paths[i], u->is_dir[i] ? AT_REMOVEDIR : 0);
		free(u->paths[i]);
	}
	free(u->paths);
	free(u->is_dir);
}

/*
 * Opens the folder that holds name (relative to root), component by component, never
 * following links. With create, missing folders are made (and recorded in u).
 * Returns a descriptor, or -1 with errno; *missing is set if a folder does not exist.
 */
static int open_parent(int root, const char *name, int create, struct undo *u, int *missing)
{
	int cur = dup(root), next;
	const char *p = name, *slash;

	*missing = 0;
	while (cur >= 0 && (slash = strchr(p, '/')) != NULL) {
		char *comp = coco_strndup(p, (size_t)(slash - p));
		if (comp == NULL) {
			close(cur);
			errno = ENOMEM;
			return -1;
		}
		next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && !create)
			*missing = 1;
		if (next < 0 && errno == ENOENT && create && mkdirat(cur, comp, 0755) == 0) {
			if (undo_push(u, name, (size_t)(slash - name), 1) != 0)
				errno = ENOMEM;
			else
				next = openat(cur, comp,
					      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		free(comp);
		close(cur);
		cur = next;
		if (*missing)
			return -1;
		p = slash + 1;
	}
	return cur;
}

static const char *base_name(const char *name)
{
	const char *s = strrchr(name, '/');

	return s ? s + 1 : name;
}

/* Every target must be free before anything is written. */
static enum coco_err precheck(struct coco_ctx *ctx, const struct coco_vstate *v, int root,
			      const char *dir)
{
	struct stat st;
	size_t i;
	int fd, missing;

	for (i = 0; i < v->ar->n; i++) {
		const char *name = v->ar->e[i].name;
		if (!coco_vstate_is_data_object(v, i))
			continue;
		fd = open_parent(root, name, 0, NULL, &missing);
		if (fd < 0 && missing)
			continue;
		if (fd < 0)
			return coco_seterr(
			    ctx,
			    errno == ELOOP || errno == ENOTDIR ? COCO_ERR_REFUSED : COCO_ERR_IO,
			    "cannot write '%s/%s': %s", dir, name,
			    errno == ELOOP || errno == ENOTDIR
				? "a folder on the way is a symbolic link or not a folder"
				: strerror(errno));
		if (fstatat(fd, base_name(name), &st, AT_SYMLINK_NOFOLLOW) == 0) {
			close(fd);
			return coco_seterr(ctx, COCO_ERR_EXISTS, "refusing to overwrite '%s/%s'",
					   dir, name);
		}
		close(fd);
	}
	return COCO_OK;
}

struct wsink {
	int fd;
	EVP_MD_CTX *md;
	int failed;
};

static int write_sink(void *arg, size_t idx, const unsigned char *p, size_t len)
{
	struct wsink *w = arg;

	(void)idx;
	if (coco_write_all(w->fd, p, len) != 0 || !EVP_DigestUpdate(w->md, p, len)) {
		w->failed = 1;
		return -1;
	}
	return 0;
}

static enum coco_err write_one(struct coco_ctx *ctx, struct coco_vstate *v, size_t i, int root,
			       const char *dir, struct undo *u)
{
	const char *name = v->ar->e[i].name, *base = base_name(name);
	char tmp[64];
	unsigned char md[32];
	struct wsink w = {-1, EVP_MD_CTX_new(), 0};
	enum coco_err err = COCO_OK;
	int pfd, missing;

	snprintf(tmp, sizeof(tmp), ".coco-extract-%ld.tmp", (long)getpid());
	if ((pfd = open_parent(root, name, 1, u, &missing)) < 0) {
		coco_seterr(ctx, COCO_ERR_IO, "cannot create the folder for '%s/%s': %s", dir, name,
			    strerror(errno));
		EVP_MD_CTX_free(w.md);
		return COCO_ERR_IO;
	}
	w.fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (w.fd < 0 || w.md == NULL || !EVP_DigestInit_ex(w.md, EVP_sha256(), NULL)) {
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot write '%s/%s': %s", dir, name,
				  strerror(errno));
		goto out;
	}
	err = coco_archive_stream_entry(ctx, v->ar, i, write_sink, &w);
	if (err == COCO_OK && (w.failed || fsync(w.fd) != 0))
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot write '%s/%s': %s", dir, name,
				  strerror(errno));
	if (err == COCO_OK && (!EVP_DigestFinal_ex(w.md, md, NULL) ||
			       CRYPTO_memcmp(md, coco_vstate_sha256(v, i), 32) != 0))
		err = coco_seterr(ctx, COCO_ERR_FORMAT, "'%s' changed since it was verified", name);
	if (err == COCO_OK && linkat(pfd, tmp, pfd, base, 0) != 0)
		err = coco_seterr(ctx, errno == EEXIST ? COCO_ERR_EXISTS : COCO_ERR_IO,
				  "cannot create '%s/%s': %s", dir, name, strerror(errno));
	if (err == COCO_OK && undo_push(u, name, strlen(name), 0) != 0)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
out:
	if (w.fd >= 0) {
		close(w.fd);
		(void)unlinkat(pfd, tmp, 0);
	}
	close(pfd);
	EVP_MD_CTX_free(w.md);
	return err;
}

static int open_root(const char *dir)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -1;
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

enum coco_err coco_extract(struct coco_ctx *ctx, const char *path, const char *dir,
			   struct coco_report *report)
{
	struct coco_vstate v;
	struct undo u = {NULL, NULL, 0, 0};
	enum coco_err err;
	size_t i;
	int root = -1;

	if ((err = coco_vstate_run(&v, ctx, path, report, 1)) != COCO_OK)
		goto out;
	if (coco_report_verdict(report) != COCO_VERDICT_PASSED) {
		err = coco_seterr(ctx, COCO_ERR_REFUSED, "not extracting '%s': verification %s",
				  path, coco_verdict_name(coco_report_verdict(report)));
		goto out;
	}
	if ((root = open_root(dir)) < 0) {
		err = coco_seterr(ctx, errno == ELOOP ? COCO_ERR_REFUSED : COCO_ERR_IO,
				  "cannot open folder '%s': %s", dir,
				  errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		goto out;
	}
	if ((err = precheck(ctx, &v, root, dir)) != COCO_OK)
		goto out;
	for (i = 0; err == COCO_OK && i < v.ar->n; i++)
		if (coco_vstate_is_data_object(&v, i))
			err = write_one(ctx, &v, i, root, dir, &u);
out:
	undo_run(&u, root, err != COCO_OK);
	if (root >= 0)
		close(root);
	coco_vstate_release(&v);
	return err;
}
