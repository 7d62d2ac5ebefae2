/*
 * Finding a register's bundles: each path given is a bundle whatever its name, or a folder
 * walked for *.coco files in bytewise order, links to folders not followed and hidden,
 * temporary and partial names skipped. What is found but cannot be read becomes a row that
 * says why (FAILED), so nothing in the register is silently left out.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "register/register.h"

enum coco_err coco_register_new(struct coco_register **out)
{
	*out = calloc(1, sizeof(**out));
	return *out != NULL ? COCO_OK : COCO_ERR_NOMEM;
}

static void item_release(struct coco_rv_item *it)
{
	free(it->path);
	free(it->organisation);
	free(it->siro);
	free(it->expiring);
	free(it->reason);
}

void coco_register_free(struct coco_register *reg)
{
	size_t i;

	if (reg == NULL)
		return;
	for (i = 0; i < reg->n; i++)
		item_release(&reg->v[i]);
	free(reg->v);
	free(reg);
}

size_t coco_register_count(const struct coco_register *reg)
{
	return reg->n;
}

const struct coco_rv_row *coco_register_row(const struct coco_register *reg, size_t i)
{
	return i < reg->n ? &reg->v[i].row : NULL;
}

/* Appends a row for path (copied) with an optional error that fails it unverified. */
static int rows_add(struct coco_register *reg, const char *path, const char *error)
{
	struct coco_rv_item *it;

	if (reg->n == reg->cap) {
		size_t cap = reg->cap ? 2 * reg->cap : 64;
		struct coco_rv_item *v = realloc(reg->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		reg->v = v;
		reg->cap = cap;
	}
	it = &reg->v[reg->n];
	memset(it, 0, sizeof(*it));
	it->path = coco_strndup(path, strlen(path));
	it->reason = error != NULL ? coco_strndup(error, strlen(error)) : NULL;
	if (it->path == NULL || (error != NULL && it->reason == NULL)) {
		item_release(it);
		return -1;
	}
	it->row.path = it->path;
	it->row.reason = it->reason;
	it->row.status = COCO_RV_FAILED;
	reg->n++;
	return 0;
}

/*
 * A name the walk verifies: it ends in ".coco" and does not start with '.'. That skips
 * the temporary files and folders every writer uses (".coco-tmp-NAME.XXXXXX", util.c
 * coco_tmp_open and coco_tmpdir_open), including those a killed run left behind,
 * editors' and downloaders' partial files (".tmp", ".part", "~" endings never end in
 * ".coco") and hidden files.
 */
static int is_bundle_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".coco") == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir except . and .., sorted bytewise. *out is NULL on error (errno set). */
static int list_dir(const char *dir, char ***out, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	int rc = -1;

	*out = NULL;
	*count = 0;
	if (d == NULL)
		return -1;
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto out;
			v = nv;
		}
		if ((v[n] = coco_strndup(e->d_name, strlen(e->d_name))) == NULL)
			goto out;
		n++;
	}
	if (errno != 0)
		goto out;
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	*count = n;
	v = NULL; /* transferred */
	rc = 0;
out:
	while (v != NULL && n > 0)
		free(v[--n]);
	free(v);
	closedir(d);
	return rc;
}

static int walk(struct coco_register *reg, const char *dir);

/* One name found in a folder: recurse into a real folder, add a bundle, ignore the rest. */
static int walk_entry(struct coco_register *reg, const char *path, const char *name)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return rows_add(reg, path, strerror(errno)); /* vanished or unreadable */
	if (S_ISDIR(st.st_mode))
		return name[0] == '.' ? 0 : walk(reg, path); /* hidden folders are skipped too */
	if (!is_bundle_name(name))
		return 0;
	if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
		return rows_add(reg, path, "a link to nothing readable");
	if (S_ISDIR(st.st_mode))
		return 0; /* a link to a folder: not followed */
	if (!S_ISREG(st.st_mode))
		return rows_add(reg, path, "not a regular file");
	return rows_add(reg, path, NULL);
}

/* Adds every bundle below dir, in sorted order; an unreadable folder is a FAILED row. */
static int walk(struct coco_register *reg, const char *dir)
{
	char **names = NULL, *path;
	size_t n = 0, i, len = strlen(dir);
	int rc = 0;

	if (list_dir(dir, &names, &n) != 0) {
		char *msg = coco_asprintf("cannot read folder: %s", strerror(errno));
		rc = msg != NULL ? rows_add(reg, dir, msg) : -1;
		free(msg);
		return rc;
	}
	for (i = 0; i < n; i++) {
		path = rc == 0 ? coco_asprintf("%s%s%s", dir,
					       len > 0 && dir[len - 1] == '/' ? "" : "/", names[i])
			       : NULL;
		if (rc == 0)
			rc = path != NULL ? walk_entry(reg, path, names[i]) : -1;
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int cmp_path(const void *pa, const void *pb)
{
	return strcmp(((const struct coco_rv_item *)pa)->path,
		      ((const struct coco_rv_item *)pb)->path);
}

/* A bundle named twice (a file and its folder, or a folder twice) is verified once. */
static void dedupe(struct coco_register *reg)
{
	size_t i, n = 0;

	if (reg->n > 1)
		qsort(reg->v, reg->n, sizeof(*reg->v), cmp_path);
	for (i = 0; i < reg->n; i++) {
		if (n > 0 && strcmp(reg->v[n - 1].path, reg->v[i].path) == 0)
			item_release(&reg->v[i]);
		else
			reg->v[n++] = reg->v[i];
	}
	reg->n = n;
}

enum coco_err coco_register_add(struct coco_ctx *ctx, struct coco_register *reg, const char *path)
{
	struct stat st;
	int rc;

	if (stat(path, &st) != 0)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		rc = walk(reg, path);
	else
		rc = rows_add(reg, path, S_ISREG(st.st_mode) ? NULL : "not a regular file");
	dedupe(reg);
	if (rc != 0)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	return COCO_OK;
}
