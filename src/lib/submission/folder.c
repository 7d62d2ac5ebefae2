/*
 * The submission-folder walk (folder.h): no links followed, nothing but regular files
 * and folders accepted, every name checked with the same rules the verifier applies.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "submission/folder.h"
#include "util/fold.h"

void coco_folder_release(struct coco_folder *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->names[i]);
	for (i = 0; i < l->n_problems; i++) {
		free(l->problems[i].name);
		free(l->problems[i].why);
	}
	free(l->names);
	free(l->problems);
}

/* Records that rel cannot be packaged, and why. */
static enum coco_err problem(struct coco_ctx *ctx, struct coco_folder *l, const char *rel,
			     char *why)
{
	struct coco_folder_problem *np;

	if (l->n_problems >= ctx->limits.entries) {
		free(why);
		return coco_seterr(ctx, COCO_ERR_LIMIT,
				   "more than %zu names that cannot be packaged",
				   ctx->limits.entries);
	}
	if (why == NULL || (np = realloc(l->problems, (l->n_problems + 1) * sizeof(*np))) == NULL) {
		free(why);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	l->problems = np;
	np[l->n_problems].why = why;
	if ((np[l->n_problems].name = coco_strndup(rel, strlen(rel))) == NULL) {
		free(why);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	l->n_problems++;
	return COCO_OK;
}

static enum coco_err folder_add(struct coco_ctx *ctx, struct coco_folder *l, char *name)
{
	/* the bundle adds the mimetype, the manifest and the signature */
	if (l->n >= ctx->limits.entries - 3) {
		free(name);
		return coco_seterr(ctx, COCO_ERR_LIMIT, "more than %zu files to package",
				   ctx->limits.entries - 3);
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
			  struct coco_folder *l);

/* Classifies one directory entry: recurse, add, skip or refuse. */
static enum coco_err visit(struct coco_ctx *ctx, const char *root, const char *rel, int depth,
			   struct coco_folder *l)
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
		err =
		    problem(ctx, l, rel, coco_asprintf("a symbolic link: links are not packaged"));
	else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		err = problem(ctx, l, rel, coco_asprintf("not a regular file or folder"));
	else if ((why = coco_name_problem(rel, strlen(rel), &is_dir)) != NULL)
		err = problem(ctx, l, rel, coco_asprintf("the name cannot be packaged: %s", why));
	else if (strcmp(rel, "META-INF") == 0 || strcmp(rel, "mimetype") == 0)
		err = problem(ctx, l, rel, coco_asprintf("the name is reserved by ASiC-E"));
	else if (S_ISDIR(st.st_mode))
		err = depth >= COCO_MAX_FOLDER_DEPTH
			  ? coco_seterr(ctx, COCO_ERR_LIMIT, "'%s' is nested too deeply", path)
			  : walk(ctx, root, rel, depth + 1, l);
	else {
		l->total += (uint64_t)st.st_size;
		err = folder_add(ctx, l, coco_strndup(rel, strlen(rel)));
		if (err == COCO_OK && l->names[l->n - 1] == NULL) {
			l->n--;
			err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		}
	}
	free(path);
	return err;
}

static enum coco_err walk(struct coco_ctx *ctx, const char *root, const char *rel, int depth,
			  struct coco_folder *l)
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

/* Folded order (util/fold.c); names equal so are one file on Windows or macOS, and verify
 * would refuse the bundle (container.duplicate). */
static int casefold_cmp(const char *a, const char *b)
{
	return coco_fold_cmp(a, strlen(a), b, strlen(b));
}

/* Folded, then in the walk's order: in a group of names equal but for case, the one kept
 * (assessment.xml, else the first in byte order) comes first. */
static int cmp_folded(const void *a, const void *b)
{
	int c = casefold_cmp(*(const char *const *)a, *(const char *const *)b);

	return c != 0 ? c : cmp_names(a, b);
}

/* Each name equal to another but for case is a problem, naming the group's first: sorted,
 * so that thousands of names with long common folders cost n log n comparisons. */
static enum coco_err case_clashes(struct coco_ctx *ctx, struct coco_folder *l)
{
	const char **s = malloc((l->n ? l->n : 1) * sizeof(*s));
	enum coco_err err = COCO_OK;
	size_t i, first = 0;

	if (s == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	for (i = 0; i < l->n; i++)
		s[i] = l->names[i];
	qsort(s, l->n, sizeof(*s), cmp_folded);
	for (i = 1; err == COCO_OK && i < l->n; i++) {
		if (casefold_cmp(s[first], s[i]) != 0) {
			first = i;
			continue;
		}
		err = problem(ctx, l, s[i],
			      coco_asprintf("the name differs from '%s' only in case or Unicode "
					    "normalisation",
					    s[first]));
	}
	free(s);
	return err;
}

enum coco_err coco_folder_collect(struct coco_ctx *ctx, const char *dir, struct coco_folder *l)
{
	enum coco_err err = walk(ctx, dir, "", 0, l);

	if (err != COCO_OK)
		return err;
	if (l->n > 1) /* names is NULL for a folder of no files */
		qsort(l->names, l->n, sizeof(*l->names), cmp_names);
	return case_clashes(ctx, l);
}
