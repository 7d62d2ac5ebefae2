/*
 * Name folding (fold.c): two names whose folded forms are equal are one file on Windows
 * or macOS. The exact coverage is in fold.c and docs/FORMAT.md.
 */
#ifndef COCO_FOLD_H
#define COCO_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* Compares the folded forms of a and b (lengths in bytes, any bytes): <0, 0 or >0, in
 * code point order. */
int coco_fold_cmp(const char *a, size_t alen, const char *b, size_t blen);
/* Whether the folded form of p is a prefix of that of s. */
int coco_fold_prefix(const char *p, size_t plen, const char *s, size_t slen);
/* Writes the folded form of s (len bytes) to out, which has room for 3 * len code points
 * (a character of two bytes folds to at most three); returns how many it wrote. */
size_t coco_fold(const char *s, size_t len, uint32_t *out);

#endif /* COCO_FOLD_H */
