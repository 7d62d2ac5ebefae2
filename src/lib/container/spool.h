/*
 * What verify's streaming pass keeps of an entry for a later stage, so that the stage uses
 * exactly the bytes the pass hashed and never reads other bytes from the bundle (a writer
 * racing verify could change it meanwhile). Two ways:
 *
 *   - copy: the bytes go, as they stream past, to one private unnamed temporary file (the
 *     spool). Used for small entries read whole (signatures, a sign-off's files) and for
 *     deflated PDFs, whose inflated bytes exist nowhere else.
 *   - check: for a stored PDF, copying every byte would cost as much again as hashing it,
 *     yet the scanner reads only parts of most PDFs (a scanned certificate's image is
 *     skipped by its /Length). So the pass keeps, at every block boundary of the entry, a
 *     copy of the SHA-256 state it is computing anyway. A later read takes the blocks it
 *     touches from the bundle, hashes each from the state before it and must reach the
 *     state after it (the entry's digest for the last block): only then is the block
 *     written to its place in the spool, and all reads come from there, so each block is
 *     read and hashed at most once more. A block that differs is a bundle that changed
 *     while being read.
 *
 * Memory does not grow with the entries: copies live in the file, and there are at most
 * about COCO_SPOOL_STATES states for a bundle (the block size grows with the bytes checked).
 */
#ifndef COCO_SPOOL_H
#define COCO_SPOOL_H

#include <stdio.h>

#include <openssl/evp.h>

#include "internal.h"

#define COCO_SPOOL_BLOCK (64u << 10) /* the smallest block between two kept states */
#define COCO_SPOOL_STATES 1024u      /* states kept for a bundle, about */

/* How an entry is kept: not, copied, copied if its first bytes say PDF (decided by the
 * caller: it becomes COCO_KEEP_COPY or COCO_KEEP_NO), or checked. */
enum coco_keep { COCO_KEEP_NO, COCO_KEEP_COPY, COCO_KEEP_SNIFF, COCO_KEEP_CHECK };

struct coco_spool {
	FILE *f;      /* the spool; NULL until opened */
	uint64_t end; /* bytes placed in it (a checked entry's place is reserved) */
	uint64_t blk; /* the block size between kept states */
	int err;      /* errno of a failed write or allocation during the pass, or 0 */
};

/* One entry's part. Zero it to start; coco_kept_release frees it. */
struct coco_kept {
	unsigned char how;  /* enum coco_keep */
	unsigned char kept; /* its place in the spool is set: size bytes from off */
	uint64_t off;
	uint64_t pos;       /* checked: bytes hashed so far */
	EVP_MD_CTX **state; /* checked: the SHA-256 state after block k + 1 (not the last) */
	size_t nstate;
};

/*
 * Opens the spool (tmpfile: the system's temporary folder, mode 0600, unlinked) and sets
 * the block size for check_bytes bytes of checked entries. COCO_ERR_IO naming path.
 */
enum coco_err coco_spool_open(struct coco_ctx *ctx, struct coco_spool *sp, const char *path,
			      uint64_t check_bytes);
void coco_spool_close(struct coco_spool *sp);

/* Appends len bytes of a copied entry (its place starts at its first bytes). A failed
 * write sets sp->err, reported after the pass: the caller goes on hashing. */
void coco_spool_copy(struct coco_spool *sp, struct coco_kept *k, const unsigned char *p,
		     size_t len);

/* Feeds len bytes of a checked entry to its SHA-256 (sha), keeping the state at each block
 * boundary. -1 if the digest fails; a state that cannot be kept sets sp->err (ENOMEM). */
int coco_spool_check(struct coco_spool *sp, struct coco_kept *k, EVP_MD_CTX *sha,
		     const unsigned char *p, size_t len);

/* After the pass: reserves a checked entry's place of size bytes. */
void coco_spool_place(struct coco_spool *sp, struct coco_kept *k, uint64_t size);

void coco_kept_release(struct coco_kept *k);

/* A reader of a checked entry: size bytes at data_off of the bundle's fd, whose SHA-256
 * the pass found to be sha256. For coco_pdf_src's read (coco_spool_read). */
struct coco_spool_reader {
	const struct coco_spool *sp;
	const struct coco_kept *k;
	int fd;
	uint64_t data_off, size;
	const unsigned char *sha256;
	unsigned char *buf;  /* one block */
	unsigned char *done; /* a bit per block: checked and in the spool */
	int changed;         /* a block differed from what the pass hashed */
};

/* 0, or -1 if out of memory. Release with coco_spool_reader_release. */
int coco_spool_reader_init(struct coco_spool_reader *r);
void coco_spool_reader_release(struct coco_spool_reader *r);
/* coco_pdf_reader over a struct coco_spool_reader: -1 with errno, and r->changed set when
 * the bundle no longer holds the bytes hashed. */
int coco_spool_read(void *arg, void *buf, size_t n, uint64_t off);

#endif /* COCO_SPOOL_H */
