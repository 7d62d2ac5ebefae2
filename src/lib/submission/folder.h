/*
 * Walking a submission folder: every regular file below it (dotfiles skipped), sorted with
 * assessment.xml first; links, special files, unsafe names, names reserved by ASiC-E and
 * names that differ only in case are listed as problems. Shared by create, which packages
 * the files, and lint, which checks them.
 */
#ifndef COCO_FOLDER_H
#define COCO_FOLDER_H

#include "internal.h"

/* A file that cannot be packaged, with the reason (both malloc'd). */
struct coco_folder_problem {
	char *name, *why;
};

struct coco_folder {
	char **names; /* relative, '/'-separated */
	size_t n, cap;
	uint64_t total;                       /* bytes in the files, for progress */
	struct coco_folder_problem *problems; /* links, special files, unsafe or clashing names */
	size_t n_problems;
};

/*
 * Walks dir into l (zero it first). A
 * name that cannot be packaged (a link, a special file, an unsafe or reserved name, a
 * name differing from another only in case) is recorded in l->problems and the walk goes
 * on; I/O errors, the depth and count limits and allocation failures are errors.
 */
enum coco_err coco_folder_collect(struct coco_ctx *ctx, const char *dir, struct coco_folder *l);
void coco_folder_release(struct coco_folder *l);

#endif /* COCO_FOLDER_H */
