/*
 * Output paths, checked before a command does any work: writing the output may add a file
 * or replace that one file, never destroy what the command reads. The output's folder must
 * exist (else a message naming it, not a failed temporary file); the output must not be an
 * input (the same path, or the same device and inode: another name for the same file); and
 * it must not be inside an input folder (a submission folder, every file of which is
 * packaged). Folders are compared after realpath has resolved links and "..".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The length of path without trailing slashes (but "/" stays "/"). */
static size_t trimmed(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

/* Where path's last name starts, within its trimmed length. */
static size_t last_name(const char *path)
{
	size_t n = trimmed(path);

	while (n > 0 && path[n - 1] != '/')
		n--;
	return n;
}

/* The folder that holds path as written ("." when it names none), malloc'd, or NULL. */
static char *folder_of(const char *path)
{
	size_t n = last_name(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n == 0 ? coco_strndup(".", 1) : coco_strndup(path, n);
}

/* The reason a folder cannot be resolved, for "cannot write 'OUT': ...". */
static enum coco_err folder_error(struct coco_ctx *ctx, const char *out, const char *dir, int e)
{
	if (e == ENOENT)
		return coco_seterr(ctx, COCO_ERR_IO,
				   "cannot write '%s': folder '%s' does not exist", out, dir);
	if (e == ENOTDIR)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot write '%s': '%s' is not a folder", out,
				   dir);
	if (e == ENOMEM)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	return coco_seterr(ctx, COCO_ERR_IO, "cannot write '%s': cannot open folder '%s': %s", out,
			   dir, strerror(e));
}

/*
 * out resolved: its realpath if it exists (a link is judged by what it names: the
 * stricter reading), else its folder's realpath and its last name. *res is malloc'd, or
 * NULL with the error in ctx (the folder is missing, not a folder, or unreadable).
 */
static enum coco_err resolve_out(struct coco_ctx *ctx, const char *out, char **res)
{
	char *dir = NULL, *rdir = NULL;
	size_t at = last_name(out);
	struct stat st;
	enum coco_err err = COCO_OK;

	if ((*res = realpath(out, NULL)) != NULL)
		return COCO_OK;
	if ((dir = folder_of(out)) == NULL) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	} else if ((rdir = realpath(dir, NULL)) == NULL) {
		err = folder_error(ctx, out, dir, errno);
	} else if (stat(rdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		err = folder_error(ctx, out, dir, ENOTDIR);
	} else {
		*res = coco_asprintf("%s%s%.*s", rdir, strcmp(rdir, "/") == 0 ? "" : "/",
				     (int)(trimmed(out) - at), out + at);
		if (*res == NULL)
			err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	free(rdir);
	free(dir);
	return err;
}

/* path is folder or below it; both resolved. */
static int inside(const char *path, const char *folder)
{
	size_t n = strlen(folder);

	if (strcmp(folder, "/") == 0)
		return 1;
	return strncmp(path, folder, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* a and b are the same file: the same path, or both exist with one device and inode. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return strcmp(a, b) == 0 || (stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
				     sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

/* Refuses out when it would replace in, or fall inside it (a folder): 0 or an error. */
static enum coco_err check_one(struct coco_ctx *ctx, const char *out, const char *res,
			       const struct coco_input *in)
{
	const char *what = in->what != NULL ? in->what : "input";
	char *rin;
	int bad;

	if (!in->folder) {
		if (!same_file(out, in->path))
			return COCO_OK;
		return coco_seterr(ctx, COCO_ERR_REFUSED, "refusing to write '%s' over the %s '%s'",
				   out, what, in->path);
	}
	if ((rin = realpath(in->path, NULL)) == NULL)
		return COCO_OK; /* a missing input is the command's own error, named there */
	bad = inside(res, rin);
	free(rin);
	if (!bad)
		return COCO_OK;
	return coco_seterr(ctx, COCO_ERR_REFUSED, "refusing to write '%s' inside the %s '%s'", out,
			   what, in->path);
}

enum coco_err coco_output_check(struct coco_ctx *ctx, const char *out_path,
				const struct coco_input *inputs, size_t n)
{
	char *res = NULL;
	struct stat st;
	enum coco_err err;
	size_t i;

	if ((err = resolve_out(ctx, out_path, &res)) != COCO_OK)
		return err;
	if (stat(out_path, &st) == 0 && S_ISDIR(st.st_mode))
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot write '%s': it is a folder", out_path);
	for (i = 0; err == COCO_OK && i < n; i++)
		if (inputs[i].path != NULL)
			err = check_one(ctx, out_path, res, &inputs[i]);
	free(res);
	return err;
}

/* ---- missing parent folders --------------------------------------------------------- */

enum coco_err coco_parents_make(struct coco_ctx *ctx, const char *path, size_t *made)
{
	char *dir = folder_of(path);
	struct stat st;
	size_t i, n;
	char c;

	*made = 0;
	if (dir == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	n = strlen(dir);
	/* each prefix ending before a '/', then the whole folder */
	for (i = 1; i <= n; i++) {
		if (i < n && dir[i] != '/')
			continue;
		c = dir[i];
		dir[i] = '\0';
		if (mkdir(dir, 0755) == 0)
			++*made;
		else if (errno != EEXIST || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			break;
		dir[i] = c;
	}
	if (i <= n) {
		int e = errno == EEXIST ? ENOTDIR : errno;
		enum coco_err err = coco_seterr(ctx, COCO_ERR_IO, "cannot create folder '%s': %s",
						dir, strerror(e));
		free(dir);
		coco_parents_undo(path, *made);
		*made = 0;
		return err;
	}
	free(dir);
	return COCO_OK;
}

void coco_parents_undo(const char *path, size_t made)
{
	char *dir = folder_of(path);
	size_t n;

	for (; dir != NULL && made > 0; made--) {
		if (rmdir(dir) != 0)
			break; /* no longer empty: someone else's now */
		n = last_name(dir);
		while (n > 1 && dir[n - 1] == '/')
			n--;
		dir[n] = '\0';
	}
	free(dir);
}
