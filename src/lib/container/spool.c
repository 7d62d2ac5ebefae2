/*
 * The spool: what verify's streaming pass keeps of an entry for a later stage, copied or
 * checked by kept SHA-256 states (spool.h says why and how).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "container/spool.h"

enum coco_err coco_spool_open(struct coco_ctx *ctx, struct coco_spool *sp, const char *path,
			      uint64_t check_bytes)
{
	uint64_t per = check_bytes / COCO_SPOOL_STATES + 1;

	/* whole multiples of the smallest block, so that reads stay aligned to pages */
	sp->blk = (per + COCO_SPOOL_BLOCK - 1) / COCO_SPOOL_BLOCK * COCO_SPOOL_BLOCK;
	if ((sp->f = tmpfile()) == NULL)
		return coco_seterr(ctx, COCO_ERR_IO,
				   "cannot create a temporary file to verify '%s': %s", path,
				   strerror(errno));
	return COCO_OK;
}

void coco_spool_close(struct coco_spool *sp)
{
	if (sp->f != NULL)
		fclose(sp->f);
	memset(sp, 0, sizeof(*sp));
}

static int pwrite_all(int fd, const unsigned char *p, size_t len, uint64_t off)
{
	ssize_t w;

	while (len > 0) {
		w = pwrite(fd, p, len, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w, off += (uint64_t)w, len -= (size_t)w;
	}
	return 0;
}

void coco_spool_copy(struct coco_spool *sp, struct coco_kept *k, const unsigned char *p, size_t len)
{
	if (!k->kept) {
		k->off = sp->end;
		k->kept = 1;
	}
	if (sp->err == 0 && len > 0 && coco_write_all(fileno(sp->f), p, len) != 0)
		sp->err = errno ? errno : EIO;
	sp->end += len;
}

/* Keeps a copy of the SHA-256 state sha (at a block boundary). */
static void keep_state(struct coco_spool *sp, struct coco_kept *k, const EVP_MD_CTX *sha)
{
	EVP_MD_CTX **ns = NULL, *c = NULL;

	if (sp->err != 0)
		return;
	if ((ns = realloc(k->state, (k->nstate + 1) * sizeof(*ns))) != NULL)
		k->state = ns;
	if (ns == NULL || (c = EVP_MD_CTX_new()) == NULL || !EVP_MD_CTX_copy_ex(c, sha)) {
		EVP_MD_CTX_free(c);
		sp->err = ENOMEM;
		return;
	}
	k->state[k->nstate++] = c;
}

int coco_spool_check(struct coco_spool *sp, struct coco_kept *k, EVP_MD_CTX *sha,
		     const unsigned char *p, size_t len)
{
	size_t n;

	while (len > 0) {
		/* a boundary with bytes after it: the state there (none after the last byte,
		 * where the entry's own digest stands) */
		if (k->pos > 0 && k->pos % sp->blk == 0)
			keep_state(sp, k, sha);
		n = (size_t)(sp->blk - k->pos % sp->blk);
		n = len < n ? len : n;
		if (!EVP_DigestUpdate(sha, p, n))
			return -1;
		k->pos += n, p += n, len -= n;
	}
	return 0;
}

void coco_spool_place(struct coco_spool *sp, struct coco_kept *k, uint64_t size)
{
	k->off = sp->end;
	k->kept = 1;
	sp->end += size;
}

void coco_kept_release(struct coco_kept *k)
{
	size_t i;

	for (i = 0; i < k->nstate; i++)
		EVP_MD_CTX_free(k->state[i]);
	free(k->state);
	memset(k, 0, sizeof(*k));
}

/* ---- reading a checked entry ----------------------------------------------------------- */

int coco_spool_reader_init(struct coco_spool_reader *r)
{
	uint64_t blocks = r->size / r->sp->blk + 1;

	r->buf = malloc((size_t)r->sp->blk);
	r->done = calloc((size_t)(blocks / 8 + 1), 1);
	r->changed = 0;
	if (r->buf == NULL || r->done == NULL) {
		coco_spool_reader_release(r);
		return -1;
	}
	return 0;
}

void coco_spool_reader_release(struct coco_spool_reader *r)
{
	free(r->buf);
	free(r->done);
	r->buf = r->done = NULL;
}

/* Whether the len bytes in r->buf, block i, are what the pass hashed there: from the state
 * before the block they must reach the state after it. 1, 0, or -1 (out of memory). */
static int block_ok(const struct coco_spool_reader *r, uint64_t i, size_t len)
{
	const struct coco_kept *k = r->k;
	unsigned char got[32], want[32];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok;

	if (i > k->nstate) /* the pass kept no state before this block */
		return 0;
	ok = c != NULL &&
	     (i == 0 ? EVP_DigestInit_ex(c, EVP_sha256(), NULL)
		     : EVP_MD_CTX_copy_ex(c, k->state[i - 1])) &&
	     EVP_DigestUpdate(c, r->buf, len) && EVP_DigestFinal_ex(c, got, NULL);
	if (ok && i < k->nstate)
		ok = EVP_MD_CTX_copy_ex(c, k->state[i]) && EVP_DigestFinal_ex(c, want, NULL);
	else if (ok)
		memcpy(want, r->sha256, sizeof(want));
	EVP_MD_CTX_free(c);
	if (!ok)
		return -1;
	return CRYPTO_memcmp(got, want, sizeof(got)) == 0;
}

/* Reads block i from the bundle, checks it and puts it in its place in the spool. */
static int load_block(struct coco_spool_reader *r, uint64_t i)
{
	uint64_t at = i * r->sp->blk;
	size_t len = (size_t)(r->size - at < r->sp->blk ? r->size - at : r->sp->blk);
	int ok;

	if (coco_pread_all(r->fd, r->buf, len, r->data_off + at) != 0)
		return -1;
	if ((ok = block_ok(r, i, len)) <= 0) {
		r->changed = ok == 0;
		errno = ok == 0 ? EIO : ENOMEM;
		return -1;
	}
	if (pwrite_all(fileno(r->sp->f), r->buf, len, r->k->off + at) != 0)
		return -1;
	r->done[i / 8] |= (unsigned char)(1u << (i % 8));
	return 0;
}

int coco_spool_read(void *arg, void *buf, size_t n, uint64_t off)
{
	struct coco_spool_reader *r = arg;
	uint64_t i;

	if (n == 0)
		return 0;
	if (off > r->size || n > r->size - off) {
		errno = EIO;
		return -1;
	}
	for (i = off / r->sp->blk; i <= (off + n - 1) / r->sp->blk; i++)
		if (!(r->done[i / 8] >> (i % 8) & 1u) && load_block(r, i) != 0)
			return -1;
	return coco_pread_all(fileno(r->sp->f), buf, n, r->k->off + off);
}
