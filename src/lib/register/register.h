/*
 * The register's private parts, shared by reverify.c (finding, verifying and classifying
 * the bundles) and render.c (text, JSON and CSV): the rows and the owned strings behind
 * their public, borrowed view.
 */
#ifndef COCO_REGISTER_H
#define COCO_REGISTER_H

#include "internal.h"

/* One bundle: the public row, whose strings point at the owned ones beside it (heap
 * strings, so the rows can be sorted without moving them). */
struct coco_rv_item {
	struct coco_rv_row row;
	char *path, *organisation, *siro, *expiring, *reason;
};

struct coco_register {
	struct coco_rv_item *v;
	size_t n, cap;
	time_t at;   /* the verification time, once coco_reverify ran */
	long within; /* its window, days */
	int ran;     /* coco_reverify ran: the rows are classified and sorted */
};

/* The day t falls on (days since the epoch, rounded down). */
long coco_rv_day(time_t t);

#endif /* COCO_REGISTER_H */
