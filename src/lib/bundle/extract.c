/*
 * extract: write a PASSED bundle's data objects below a folder. Paths are resolved one
 * component at a time with O_NOFOLLOW relative to the folder's descriptor, so neither a
 * link already on disk nor a crafted name can lead outside it. Every target is checked
 * before anything is written. The files are written into a temporary folder
 * (".coco-tmp-...", util.c), each one's SHA-256 compared with the one verified, and
 * synced. A folder that did not exist is then that temporary folder renamed into place,
 * so it appears whole or not at all. Into an existing folder the files are hard-linked
 * (link() never replaces a file) once all are written: a crash then can leave only some
 * complete files. On failure, what this run created is removed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bundle/verify.h"

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
	const struct coco_archive *ar = coco_vstate_archive(v);
	struct stat st;
	size_t i;
	int fd, missing;

	for (i = 0; i < ar->n; i++) {
		const char *name = ar->e[i].name;
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

/* Writes data object i to root/name (its folders made as needed, recorded in u). */
static enum coco_err write_one(struct coco_ctx *ctx, struct coco_vstate *v, size_t i, int root,
			       const char *dir, struct undo *u)
{
	struct coco_archive *ar = coco_vstate_archive(v);
	const char *name = ar->e[i].name;
	unsigned char md[32];
	struct wsink w = {-1, EVP_MD_CTX_new(), 0};
	enum coco_err err = COCO_OK;
	int pfd, missing;

	if ((pfd = open_parent(root, name, 1, u, &missing)) < 0) {
		coco_seterr(ctx, COCO_ERR_IO, "cannot create the folder for '%s/%s': %s", dir, name,
			    strerror(errno));
		EVP_MD_CTX_free(w.md);
		return COCO_ERR_IO;
	}
	/* recorded first: whatever happens next, the file goes with the temporary folder */
	if (undo_push(u, name, strlen(name), 0) != 0)
		errno = ENOMEM;
	else
		w.fd = openat(pfd, base_name(name),
			      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (w.fd < 0 || w.md == NULL || !EVP_DigestInit_ex(w.md, EVP_sha256(), NULL)) {
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot write '%s/%s': %s", dir, name,
				  strerror(errno));
		goto out;
	}
	/*
	 * The bundle is read again here, so a writer racing the extraction could change it
	 * since verify's pass. That is safe for the data: what is written is hashed as it is
	 * written, and must match the SHA-256 the pass took of the very bytes whose manifest
	 * digest matched and that the PDF scanner read (verify.c's spool). A file that differs
	 * fails the run, and the temporary folder, with it, is removed: nothing unverified is
	 * ever put in place.
	 */
	err = coco_archive_stream_entry(ctx, ar, i, write_sink, &w);
	if (err == COCO_OK && w.failed)
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot write '%s/%s': %s", dir, name,
				  strerror(errno));
	if (err == COCO_OK && (!EVP_DigestFinal_ex(w.md, md, NULL) ||
			       CRYPTO_memcmp(md, coco_vstate_sha256(v, i), 32) != 0))
		err = coco_seterr(ctx, COCO_ERR_IO, "'%s' in '%s' changed while being read", name,
				  ar->path);
out:
	if (w.fd >= 0)
		close(w.fd);
	close(pfd);
	EVP_MD_CTX_free(w.md);
	return err;
}

/* fsync of everything in u, below root: the files, then the folders. */
static enum coco_err sync_all(struct coco_ctx *ctx, int root, const struct undo *u, const char *tmp)
{
	size_t i;
	int fd, bad;

	for (i = 0; i < u->n; i++) {
		fd = openat(root, u->paths[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		bad = fd < 0 || (fsync(fd) != 0 && !(u->is_dir[i] && errno == EINVAL));
		if (bad)
			coco_seterr(ctx, COCO_ERR_IO, "cannot sync '%s/%s': %s", tmp, u->paths[i],
				    strerror(errno));
		if (fd >= 0)
			close(fd);
		if (bad)
			return COCO_ERR_IO;
	}
	return COCO_OK;
}

/* fsync of the folders in u, below root (their files are synced already). 0, or -1. */
static int sync_dirs(int root, const struct undo *u)
{
	size_t i;
	int fd, bad = 0, e = 0;

	for (i = 0; i < u->n && !bad; i++) {
		if (!u->is_dir[i])
			continue;
		fd = openat(root, u->paths[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		bad = fd < 0 || (fsync(fd) != 0 && errno != EINVAL);
		e = errno;
		if (fd >= 0)
			close(fd);
	}
	errno = e;
	return bad ? -1 : 0;
}

/*
 * Links each file written below stage (u) to the same name below target, making the
 * folders (recorded in done) and syncing each folder that gained a name.
 */
static enum coco_err link_all(struct coco_ctx *ctx, int stage, int target, const char *dir,
			      const struct undo *u, struct undo *done)
{
	size_t i;
	int from, to, missing;

	for (i = 0; i < u->n; i++) {
		const char *name = u->paths[i], *base = base_name(name);
		if (u->is_dir[i])
			continue;
		from = open_parent(stage, name, 0, NULL, &missing);
		to = from < 0 ? -1 : open_parent(target, name, 1, done, &missing);
		if (to < 0 || linkat(from, base, to, base, 0) != 0 ||
		    undo_push(done, name, strlen(name), 0) != 0 ||
		    (fsync(to) != 0 && errno != EINVAL)) {
			int e = errno;
			if (from >= 0)
				close(from);
			if (to >= 0)
				close(to);
			return coco_seterr(ctx, e == EEXIST ? COCO_ERR_EXISTS : COCO_ERR_IO,
					   "cannot create '%s/%s': %s", dir, name,
					   e == EEXIST ? "it appeared meanwhile" : strerror(e));
		}
		close(from);
		close(to);
	}
	return COCO_OK;
}

/* Where the files are first written, and where they end up. */
struct stage {
	char *tmp;  /* the temporary folder, NULL once it is gone */
	int root;   /* open on tmp */
	int target; /* the existing folder they are linked into, or -1: tmp is renamed */
	int placed; /* the files are in place: not to be undone any more */
	struct undo made, linked;
	size_t parents; /* folders made to hold a missing dir: removed again on failure */
};

/* An existing folder (never a link) is checked and gets the temporary folder inside it;
 * a missing one gets it beside, in its parent folders, made if missing (as documented). */
static enum coco_err stage_open(struct coco_ctx *ctx, const struct coco_vstate *v, const char *dir,
				struct stage *s)
{
	struct stat st;
	enum coco_err err;
	char *inside;

	if (lstat(dir, &st) != 0 && errno == ENOENT) {
		if ((err = coco_parents_make(ctx, dir, &s->parents)) == COCO_OK)
			err = coco_tmpdir_open(ctx, dir, &s->tmp);
	} else if ((s->target = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		return coco_seterr(ctx, errno == ELOOP ? COCO_ERR_REFUSED : COCO_ERR_IO,
				   "cannot open folder '%s': %s", dir,
				   errno == ELOOP ? "it is a symbolic link" : strerror(errno));
	} else if ((err = precheck(ctx, v, s->target, dir)) == COCO_OK) {
		if ((inside = coco_asprintf("%s/extract", dir)) == NULL)
			return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		err = coco_tmpdir_open(ctx, inside, &s->tmp);
		free(inside);
	}
	if (err != COCO_OK)
		return err;
	if ((s->root = open(s->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open folder '%s': %s", s->tmp,
				   strerror(errno));
	return COCO_OK;
}

/* Removes the temporary folder and what it holds (links to the placed files, if any). */
static void stage_remove(struct stage *s)
{
	undo_run(&s->made, s->root, 1);
	memset(&s->made, 0, sizeof(s->made));
	(void)rmdir(s->tmp);
	free(s->tmp);
	s->tmp = NULL;
}

/* Into an existing folder: link every file, drop the temporary folder, sync the folder. */
static enum coco_err stage_link(struct coco_ctx *ctx, const char *dir, struct stage *s)
{
	enum coco_err err;

	coco_phase(ctx, COCO_PHASE_SYNCED, dir, 0);
	if ((err = link_all(ctx, s->root, s->target, dir, &s->made, &s->linked)) != COCO_OK)
		return err;
	s->placed = 1;
	coco_phase(ctx, COCO_PHASE_RENAMED, dir, 0);
	stage_remove(s);
	if (sync_dirs(s->target, &s->linked) != 0 || (fsync(s->target) != 0 && errno != EINVAL))
		return coco_seterr(ctx, COCO_ERR_IO,
				   "cannot sync folder '%s': %s (the files are in place, but may "
				   "not survive a power cut)",
				   dir, strerror(errno));
	coco_phase(ctx, COCO_PHASE_DONE, dir, 0);
	return COCO_OK;
}

/* Writes every data object below the temporary folder, then puts them in place. */
static enum coco_err stage_fill(struct coco_ctx *ctx, struct coco_vstate *v, const char *dir,
				struct stage *s)
{
	enum coco_err err = COCO_OK;
	size_t i, n = 0;

	for (i = 0; err == COCO_OK && i < coco_vstate_archive(v)->n; i++)
		if (coco_vstate_is_data_object(v, i) &&
		    (err = write_one(ctx, v, i, s->root, dir, &s->made)) == COCO_OK)
			coco_phase(ctx, COCO_PHASE_ENTRY, dir, ++n);
	if (err != COCO_OK)
		return err;
	coco_phase(ctx, COCO_PHASE_WRITTEN, dir, 0);
	if ((err = sync_all(ctx, s->root, &s->made, s->tmp)) != COCO_OK)
		return err;
	if (s->target >= 0)
		return stage_link(ctx, dir, s);
	err = coco_tmpdir_commit(ctx, &s->tmp, dir);
	s->placed = s->tmp == NULL;
	return err;
}

/* Removes what a failed run made (not what is already in place) and closes the rest. */
static void stage_close(struct stage *s, int failed)
{
	if (s->tmp != NULL)
		stage_remove(s);
	undo_run(&s->made, -1, 0);
	undo_run(&s->linked, s->target, failed && !s->placed);
	if (s->root >= 0)
		close(s->root);
	if (s->target >= 0)
		close(s->target);
}

enum coco_err coco_extract(struct coco_ctx *ctx, const char *path, const char *dir,
			   struct coco_report *report)
{
	struct coco_vstate *v = NULL;
	struct stage s = {NULL, -1, -1, 0, {NULL, NULL, 0, 0}, {NULL, NULL, 0, 0}, 0};
	enum coco_err err;

	if ((err = coco_vstate_run(ctx, path, report, COCO_MODE_VERIFY, &v)) != COCO_OK)
		goto out;
	if (coco_report_verdict(report) != COCO_VERDICT_PASSED) {
		err = coco_seterr(ctx, COCO_ERR_REFUSED, "not extracting '%s': verification %s",
				  path, coco_verdict_name(coco_report_verdict(report)));
		goto out;
	}
	if ((err = stage_open(ctx, v, dir, &s)) == COCO_OK)
		err = stage_fill(ctx, v, dir, &s);
out:
	stage_close(&s, err != COCO_OK);
	if (err != COCO_OK && !s.placed)
		coco_parents_undo(dir, s.parents);
	coco_vstate_free(v);
	return err;
}
