/*
 * Deterministic writer for the canonical ASiC-E layout the reader demands: mimetype
 * first and stored, no extra fields, a fixed timestamp (1980-01-01 00:00, the DOS
 * epoch, so no time zone is involved), Unix 0644 attributes, entries contiguous, then
 * the central directory and an end record without comment. Each source file is read
 * once: hashed, CRC'd and written (deflated where that shrinks it) in the same pass.
 * Written directly rather than with libzip, whose writer adds extra fields and stamps
 * times through localtime(), and could not hash while it writes. On request, a second
 * thread hashes the output as it becomes final (coco_zipw_hash_start), so that the
 * bundle's own SHA-256 costs no second pass after it is written.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "container/archive.h"

#define DOS_DATE_1980 0x0021u
#define OUT_HASH_BUF (256u << 10) /* read back at a time by the output's hasher */

/*
 * The output's SHA-256, made by a thread that reads back (pread, from the page cache)
 * every byte before `ready`: those are final, as an entry's local header is filled in
 * (end_entry) before its end is published, and a rewound entry was never published.
 */
struct out_hash {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd;
	uint64_t ready;  /* under mu: bytes that are final */
	int finished;    /* under mu: nothing more will be published */
	uint64_t hashed; /* the thread's own, read after the join */
	int failed;      /* the thread's own: a read failed */
	EVP_MD_CTX *md;
	unsigned char *buf;
};

struct wentry {
	char *name;
	uint32_t crc;
	uint64_t csize, usize, local_off;
	uint16_t method, flags;
};

struct coco_zipw {
	struct coco_ctx *ctx;
	int fd;
	const char *out_name;
	uint64_t off;
	struct wentry *e;
	size_t n, cap;
	unsigned char *ibuf, *obuf;
	uint64_t done, total;  /* source bytes, for progress */
	unsigned char *old_cd; /* append mode: the earlier central directory, verbatim */
	size_t old_cd_len, old_n;
	uint64_t utotal;     /* every entry's uncompressed size, the copied ones' too */
	struct out_hash *oh; /* the output's hasher, or NULL */
};

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, v >> 16);
}

static enum coco_err wr(struct coco_zipw *w, const void *p, size_t len)
{
	if (len > w->ctx->limits.bundle_size || w->off > w->ctx->limits.bundle_size - len)
		return coco_seterr(
		    w->ctx, COCO_ERR_LIMIT,
		    "cannot write '%s': bundles are limited to %llu bytes (no zip64)", w->out_name,
		    (unsigned long long)w->ctx->limits.bundle_size);
	if (coco_write_all(w->fd, p, len) != 0)
		return coco_seterr(w->ctx, COCO_ERR_IO, "cannot write '%s': %s", w->out_name,
				   strerror(errno));
	w->off += len;
	return COCO_OK;
}

void coco_zipw_set_total(struct coco_zipw *w, uint64_t total)
{
	w->total = total;
}

static void *out_hash_main(void *arg)
{
	struct out_hash *h = arg;
	uint64_t upto;
	ssize_t got;
	size_t n;

	pthread_mutex_lock(&h->mu);
	while (!h->failed) {
		while (h->hashed == h->ready && !h->finished)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->hashed == h->ready)
			break; /* finished, and all of it hashed */
		upto = h->ready;
		pthread_mutex_unlock(&h->mu);
		while (h->hashed < upto && !h->failed) {
			n = upto - h->hashed > OUT_HASH_BUF ? OUT_HASH_BUF
							    : (size_t)(upto - h->hashed);
			got = pread(h->fd, h->buf, n, (off_t)h->hashed);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0 || !EVP_DigestUpdate(h->md, h->buf, (size_t)got))
				h->failed = 1;
			else
				h->hashed += (uint64_t)got;
		}
		pthread_mutex_lock(&h->mu);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* Tells the hasher that every byte written so far is final. */
static void publish(struct coco_zipw *w)
{
	if (w->oh == NULL)
		return;
	pthread_mutex_lock(&w->oh->mu);
	w->oh->ready = w->off;
	pthread_cond_signal(&w->oh->cv);
	pthread_mutex_unlock(&w->oh->mu);
}

/* Ends the hasher's thread, once it has hashed what was published, and frees it; with out,
 * the digest of the whole output (1), unless a read failed or it fell short (0). */
static int out_hash_stop(struct coco_zipw *w, unsigned char *out)
{
	struct out_hash *h = w->oh;
	int ok;

	if (h == NULL)
		return 0;
	pthread_mutex_lock(&h->mu);
	h->finished = 1;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->th, NULL);
	ok = out != NULL && !h->failed && h->hashed == w->off &&
	     EVP_DigestFinal_ex(h->md, out, NULL) == 1;
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	EVP_MD_CTX_free(h->md);
	free(h->buf);
	free(h);
	w->oh = NULL;
	return ok;
}

enum coco_err coco_zipw_hash_start(struct coco_zipw *w)
{
	struct out_hash *h = calloc(1, sizeof(*h));

	if (h == NULL || (h->buf = malloc(OUT_HASH_BUF)) == NULL ||
	    (h->md = EVP_MD_CTX_new()) == NULL || !EVP_DigestInit_ex(h->md, EVP_sha256(), NULL)) {
		if (h != NULL)
			EVP_MD_CTX_free(h->md), free(h->buf);
		free(h);
		return coco_seterr(w->ctx, COCO_ERR_NOMEM, "out of memory");
	}
	h->fd = w->fd, h->ready = w->off;
	h->mu = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	h->cv = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
	if (pthread_create(&h->th, NULL, out_hash_main, h) != 0) {
		EVP_MD_CTX_free(h->md), free(h->buf), free(h);
		return coco_seterr(w->ctx, COCO_ERR_NOMEM, "cannot start a thread to hash '%s'",
				   w->out_name);
	}
	w->oh = h;
	return COCO_OK;
}

enum coco_err coco_zipw_hash_end(struct coco_zipw *w, unsigned char out[32])
{
	if (w->oh == NULL)
		return coco_seterr(w->ctx, COCO_ERR_ARG, "'%s' is not being hashed", w->out_name);
	publish(w);
	if (!out_hash_stop(w, out))
		return coco_seterr(w->ctx, COCO_ERR_IO, "cannot read '%s' back to hash it",
				   w->out_name);
	return COCO_OK;
}

void coco_zipw_free(struct coco_zipw *w)
{
	size_t i;

	if (w == NULL)
		return;
	out_hash_stop(w, NULL);
	for (i = 0; i < w->n; i++)
		free(w->e[i].name);
	free(w->e);
	free(w->old_cd);
	free(w->ibuf);
	free(w->obuf);
	free(w);
}

static uint16_t name_flags(const char *name)
{
	for (; *name != '\0'; name++)
		if ((unsigned char)*name >= 0x80)
			return 0x0800; /* UTF-8 names */
	return 0;
}

/* Appends an entry record and writes its local header with CRC and sizes left zero. */
static enum coco_err begin_entry(struct coco_zipw *w, const char *name, uint16_t method)
{
	unsigned char h[30];
	struct wentry *e;
	size_t nlen = strlen(name);

	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 32;
		struct wentry *ne = realloc(w->e, ncap * sizeof(*ne));
		if (ne == NULL)
			return coco_seterr(w->ctx, COCO_ERR_NOMEM, "out of memory writing '%s'",
					   w->out_name);
		w->e = ne;
		w->cap = ncap;
	}
	if (w->old_n + w->n >= w->ctx->limits.entries)
		return coco_seterr(w->ctx, COCO_ERR_LIMIT,
				   "cannot write '%s': more than %zu entries", w->out_name,
				   w->ctx->limits.entries);
	e = &w->e[w->n];
	memset(e, 0, sizeof(*e));
	if ((e->name = coco_strndup(name, nlen)) == NULL)
		return coco_seterr(w->ctx, COCO_ERR_NOMEM, "out of memory writing '%s'",
				   w->out_name);
	w->n++;
	e->method = method;
	e->flags = name_flags(name);
	e->local_off = w->off;
	memset(h, 0, sizeof(h));
	put32(h, 0x04034b50u);
	put16(h + 4, method == 8 ? 20 : 10);
	put16(h + 6, e->flags);
	put16(h + 8, method);
	put16(h + 12, DOS_DATE_1980);
	put16(h + 26, (uint32_t)nlen);
	if (wr(w, h, sizeof(h)) != COCO_OK)
		return COCO_ERR_IO;
	return wr(w, name, nlen);
}

/* Fills in the CRC and sizes of the last entry's local header. */
static enum coco_err end_entry(struct coco_zipw *w)
{
	struct wentry *e = &w->e[w->n - 1];
	unsigned char b[12];

	put32(b, e->crc);
	put32(b + 4, (uint32_t)e->csize);
	put32(b + 8, (uint32_t)e->usize);
	if (pwrite(w->fd, b, sizeof(b), (off_t)(e->local_off + 14)) != (ssize_t)sizeof(b))
		return coco_seterr(w->ctx, COCO_ERR_IO, "cannot write '%s': %s", w->out_name,
				   strerror(errno));
	publish(w);
	return COCO_OK;
}

/* Rolls the last entry back so it can be rewritten stored. */
static enum coco_err rewind_entry(struct coco_zipw *w)
{
	struct wentry *e = &w->e[w->n - 1];

	w->off = e->local_off;
	free(e->name);
	w->n--;
	if (ftruncate(w->fd, (off_t)w->off) != 0 || lseek(w->fd, (off_t)w->off, SEEK_SET) < 0)
		return coco_seterr(w->ctx, COCO_ERR_IO, "cannot rewind '%s': %s", w->out_name,
				   strerror(errno));
	return COCO_OK;
}

struct source {
	int fd; /* -1 for memory */
	const unsigned char *mem;
	size_t mem_len, mem_at;
	const char *name;
};

/* Next chunk of the source into buf; returns bytes (0 at end) or -1. */
static ssize_t source_read(struct source *s, unsigned char *buf)
{
	ssize_t got;

	if (s->fd < 0) {
		size_t n =
		    s->mem_len - s->mem_at < COCO_IO_CHUNK ? s->mem_len - s->mem_at : COCO_IO_CHUNK;
		memcpy(buf, s->mem + s->mem_at, n);
		s->mem_at += n;
		return (ssize_t)n;
	}
	do
		got = read(s->fd, buf, COCO_IO_CHUNK);
	while (got < 0 && errno == EINTR);
	return got;
}

static enum coco_err deflate_out(struct coco_zipw *w, z_stream *zs, int flush)
{
	struct wentry *e = &w->e[w->n - 1];
	int zr;

	do {
		size_t n;
		zs->next_out = w->obuf;
		zs->avail_out = COCO_IO_CHUNK;
		zr = deflate(zs, flush);
		if (zr == Z_STREAM_ERROR)
			return coco_seterr(w->ctx, COCO_ERR_IO, "deflate failed writing '%s'",
					   w->out_name);
		n = COCO_IO_CHUNK - zs->avail_out;
		e->csize += n;
		if (wr(w, w->obuf, n) != COCO_OK)
			return COCO_ERR_IO;
	} while (zs->avail_out == 0);
	return COCO_OK;
}

/* Streams src into the open entry, CRC'ing and hashing every byte once. */
static enum coco_err copy_data(struct coco_zipw *w, struct source *src, EVP_MD_CTX *md,
			       z_stream *zs)
{
	struct wentry *e = &w->e[w->n - 1];
	enum coco_err err = COCO_OK;
	ssize_t got;

	e->crc = (uint32_t)crc32(0, NULL, 0);
	while ((got = source_read(src, w->ibuf)) > 0) {
		size_t n = (size_t)got;
		e->crc = (uint32_t)crc32(e->crc, w->ibuf, (uInt)n);
		e->usize += n;
		if (src->fd >= 0) {
			w->done += n;
			coco_progress(w->ctx, w->done, w->total);
		}
		if (e->usize > w->ctx->limits.entry_size)
			return coco_seterr(w->ctx, COCO_ERR_LIMIT,
					   "'%s' is larger than the entry limit (%llu bytes)",
					   src->name,
					   (unsigned long long)w->ctx->limits.entry_size);
		if (md != NULL && !EVP_DigestUpdate(md, w->ibuf, n))
			return coco_seterr_ssl(w->ctx, COCO_ERR_CRYPTO, "cannot hash '%s'",
					       src->name);
		if (zs == NULL) {
			e->csize += n;
			err = wr(w, w->ibuf, n);
		} else {
			zs->next_in = w->ibuf;
			zs->avail_in = (uInt)n;
			err = deflate_out(w, zs, Z_NO_FLUSH);
		}
		if (err != COCO_OK)
			return err;
		if (src->fd >= 0)
			coco_phase(w->ctx, COCO_PHASE_CHUNK, w->out_name, w->done);
	}
	if (got < 0)
		return coco_seterr(w->ctx, COCO_ERR_IO, "cannot read '%s': %s", src->name,
				   strerror(errno));
	return zs == NULL ? COCO_OK : deflate_out(w, zs, Z_FINISH);
}

static enum coco_err write_entry(struct coco_zipw *w, const char *name, struct source *src,
				 int deflate, EVP_MD_CTX *md)
{
	z_stream zs;
	enum coco_err err;
	uint32_t crc1;
	uint64_t usize1;

	memset(&zs, 0, sizeof(zs));
	if ((err = begin_entry(w, name, deflate ? 8 : 0)) != COCO_OK)
		return err;
	if (!deflate) {
		if ((err = copy_data(w, src, md, NULL)) != COCO_OK)
			return err;
		w->utotal += w->e[w->n - 1].usize;
		return end_entry(w);
	}
	if (deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return coco_seterr(w->ctx, COCO_ERR_NOMEM, "out of memory writing '%s'",
				   w->out_name);
	err = copy_data(w, src, md, &zs);
	deflateEnd(&zs);
	if (err != COCO_OK)
		return err;
	/*
	 * Keep it deflated only if it shrank and stays within the ratios verify accepts: its own,
	 * and all entries' against the bundle's size, which only grows from here (a stored entry
	 * keeps that ratio within the limit).
	 */
	if (w->e[w->n - 1].csize < w->e[w->n - 1].usize &&
	    !coco_ratio_over(w->e[w->n - 1].usize, w->e[w->n - 1].csize) &&
	    !coco_total_over(w->utotal + w->e[w->n - 1].usize, w->off)) {
		w->utotal += w->e[w->n - 1].usize;
		return end_entry(w);
	}
	/* Store it instead, reading the source a second time. */
	crc1 = w->e[w->n - 1].crc;
	usize1 = w->e[w->n - 1].usize;
	if ((err = rewind_entry(w)) != COCO_OK)
		return err;
	if (src->fd >= 0 && lseek(src->fd, 0, SEEK_SET) != 0)
		return coco_seterr(w->ctx, COCO_ERR_IO, "cannot rewind '%s': %s", src->name,
				   strerror(errno));
	src->mem_at = 0;
	if ((err = begin_entry(w, name, 0)) != COCO_OK ||
	    (err = copy_data(w, src, NULL, NULL)) != COCO_OK)
		return err;
	if (w->e[w->n - 1].crc != crc1 || w->e[w->n - 1].usize != usize1)
		return coco_seterr(w->ctx, COCO_ERR_IO, "'%s' changed while it was being packaged",
				   src->name);
	w->utotal += usize1;
	return end_entry(w);
}

static enum coco_err add_entry(struct coco_zipw *w, const char *name, struct source *src,
			       int deflate, EVP_MD_CTX *md)
{
	enum coco_err err = write_entry(w, name, src, deflate, md);

	if (err == COCO_OK)
		coco_phase(w->ctx, COCO_PHASE_ENTRY, w->out_name, w->old_n + w->n);
	return err;
}

enum coco_err coco_zipw_add_fd(struct coco_zipw *w, const char *name, int src_fd,
			       const char *src_name, int deflate, EVP_MD_CTX *sha256)
{
	struct source src = {src_fd, NULL, 0, 0, src_name};

	return add_entry(w, name, &src, deflate, sha256);
}

enum coco_err coco_zipw_add_mem(struct coco_zipw *w, const char *name, const unsigned char *p,
				size_t len, int deflate)
{
	struct source src = {-1, p, len, 0, name};

	return add_entry(w, name, &src, deflate, NULL);
}

static struct coco_zipw *zipw_alloc(struct coco_ctx *ctx, int fd, const char *out_name)
{
	struct coco_zipw *w = calloc(1, sizeof(*w));

	if (w == NULL || (w->ibuf = malloc(COCO_IO_CHUNK)) == NULL ||
	    (w->obuf = malloc(COCO_IO_CHUNK)) == NULL) {
		coco_zipw_free(w);
		coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory writing '%s'", out_name);
		return NULL;
	}
	w->ctx = ctx;
	w->fd = fd;
	w->out_name = out_name;
	return w;
}

/* Copies in's bytes [0, end) to the writer's file, adding them to md. */
static enum coco_err copy_prefix(struct coco_zipw *w, const struct coco_archive *in, uint64_t end,
				 EVP_MD_CTX *md)
{
	uint64_t at = 0;
	ssize_t got;

	while (at < end) {
		size_t want = end - at < COCO_IO_CHUNK ? (size_t)(end - at) : COCO_IO_CHUNK;
		if ((got = pread(in->fd, w->ibuf, want, (off_t)at)) <= 0)
			return coco_seterr(w->ctx, COCO_ERR_IO, "cannot read '%s': %s", in->path,
					   got < 0 ? strerror(errno) : "file shrank");
		if (!EVP_DigestUpdate(md, w->ibuf, (size_t)got))
			return coco_seterr_ssl(w->ctx, COCO_ERR_CRYPTO, "cannot hash '%s'",
					       in->path);
		if (wr(w, w->ibuf, (size_t)got) != COCO_OK)
			return COCO_ERR_IO;
		at += (uint64_t)got;
		coco_phase(w->ctx, COCO_PHASE_CHUNK, w->out_name, at);
	}
	return COCO_OK;
}

/*
 * The copy is of the bundle that was verified only if the whole file, hashed as it is
 * copied (the prefix, then the central directory kept for coco_zipw_finish, then the end
 * records, read again), has the digest the verification's pass made (want, hex).
 */
static enum coco_err check_copied(struct coco_zipw *w, const struct coco_archive *in,
				  EVP_MD_CTX *md, const char *want)
{
	unsigned char tail[22 + 20 + 56], got[32];
	uint64_t end = in->cd_off + in->cd_size;
	size_t n = in->size - end < sizeof(tail) ? (size_t)(in->size - end) : sizeof(tail);
	char hex[65];

	if (in->size < end || end + n != in->size ||
	    pread(in->fd, tail, n, (off_t)end) != (ssize_t)n)
		return coco_seterr(w->ctx, COCO_ERR_IO, "'%s' changed while being read", in->path);
	if (!EVP_DigestUpdate(md, w->old_cd, w->old_cd_len) || !EVP_DigestUpdate(md, tail, n) ||
	    !EVP_DigestFinal_ex(md, got, NULL))
		return coco_seterr_ssl(w->ctx, COCO_ERR_CRYPTO, "cannot hash '%s'", in->path);
	coco_hex(got, sizeof(got), hex);
	if (strlen(want) != 64 || CRYPTO_memcmp(hex, want, 64) != 0)
		return coco_seterr(w->ctx, COCO_ERR_IO, "'%s' changed while being read", in->path);
	return COCO_OK;
}

enum coco_err coco_zipw_append(struct coco_ctx *ctx, int fd, const char *out_name,
			       const struct coco_archive *in, const char *sha256,
			       struct coco_zipw **out)
{
	struct coco_zipw *w;
	EVP_MD_CTX *md = NULL;
	enum coco_err err;

	*out = NULL;
	if (in->cd_off + in->cd_size > COCO_MAX_BUNDLE_SIZE || in->n >= 0xFFFFu)
		return coco_seterr(ctx, COCO_ERR_LIMIT,
				   "cannot add to '%s': zip64 bundles cannot be extended",
				   in->path);
	if ((w = zipw_alloc(ctx, fd, out_name)) == NULL)
		return COCO_ERR_NOMEM;
	if ((md = EVP_MD_CTX_new()) == NULL || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		coco_zipw_free(w);
		return coco_seterr_ssl(ctx, COCO_ERR_CRYPTO, "cannot hash '%s'", in->path);
	}
	w->old_n = in->n;
	for (size_t i = 0; i < in->n; i++)
		w->utotal += in->e[i].usize;
	w->old_cd_len = (size_t)in->cd_size;
	if ((w->old_cd = malloc(w->old_cd_len ? w->old_cd_len : 1)) == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory writing '%s'", out_name);
	else if (pread(in->fd, w->old_cd, w->old_cd_len, (off_t)in->cd_off) !=
		 (ssize_t)w->old_cd_len)
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot read the central directory of '%s'",
				  in->path);
	else if ((err = copy_prefix(w, in, in->cd_off, md)) == COCO_OK)
		err = check_copied(w, in, md, sha256);
	EVP_MD_CTX_free(md);
	if (err != COCO_OK) {
		coco_zipw_free(w);
		return err;
	}
	coco_phase(ctx, COCO_PHASE_COPIED, out_name, in->n);
	*out = w;
	return COCO_OK;
}

enum coco_err coco_zipw_new(struct coco_ctx *ctx, int fd, const char *out_name,
			    struct coco_zipw **out)
{
	struct coco_zipw *w = zipw_alloc(ctx, fd, out_name);
	enum coco_err err;

	*out = NULL;
	if (w == NULL)
		return COCO_ERR_NOMEM;
	err = coco_zipw_add_mem(w, "mimetype", (const unsigned char *)COCO_MIMETYPE,
				sizeof(COCO_MIMETYPE) - 1, 0);
	if (err != COCO_OK) {
		coco_zipw_free(w);
		return err;
	}
	*out = w;
	return COCO_OK;
}

enum coco_err coco_zipw_finish(struct coco_zipw *w)
{
	unsigned char h[46], end[22];
	uint64_t cd_off = w->off;
	size_t i;

	if (w->old_cd_len > 0 && wr(w, w->old_cd, w->old_cd_len) != COCO_OK)
		return COCO_ERR_IO;
	for (i = 0; i < w->n; i++) {
		const struct wentry *e = &w->e[i];
		size_t nlen = strlen(e->name);

		memset(h, 0, sizeof(h));
		put32(h, 0x02014b50u);
		put16(h + 4, 0x031E); /* made by Unix, spec 3.0 */
		put16(h + 6, e->method == 8 ? 20 : 10);
		put16(h + 8, e->flags);
		put16(h + 10, e->method);
		put16(h + 14, DOS_DATE_1980);
		put32(h + 16, e->crc);
		put32(h + 20, (uint32_t)e->csize);
		put32(h + 24, (uint32_t)e->usize);
		put16(h + 28, (uint32_t)nlen);
		put32(h + 38, 0100644u << 16);
		put32(h + 42, (uint32_t)e->local_off);
		if (wr(w, h, sizeof(h)) != COCO_OK || wr(w, e->name, nlen) != COCO_OK)
			return COCO_ERR_IO;
	}
	memset(end, 0, sizeof(end));
	put32(end, 0x06054b50u);
	put16(end + 8, (uint32_t)(w->old_n + w->n));
	put16(end + 10, (uint32_t)(w->old_n + w->n));
	put32(end + 12, (uint32_t)(w->off - cd_off));
	put32(end + 16, (uint32_t)cd_off);
	return wr(w, end, sizeof(end));
}

enum coco_err coco_zipw_append_atomic(struct coco_ctx *ctx, const struct coco_archive *in,
				      const char *sha256, const char *out_path,
				      const struct coco_new_entry *e, size_t n)
{
	struct coco_zipw *w = NULL;
	struct stat st;
	char *tmp = NULL;
	size_t i;
	int fd;
	enum coco_err err;

	if ((err = coco_tmp_open(ctx, out_path, &tmp, &fd)) != COCO_OK)
		return err;
	/* the new bundle is as private as the one it continues */
	if (fstat(in->fd, &st) == 0)
		(void)fchmod(fd, st.st_mode & 0666);
	err = coco_zipw_append(ctx, fd, out_path, in, sha256, &w);
	for (i = 0; err == COCO_OK && i < n; i++)
		err = coco_zipw_add_mem(w, e[i].name, e[i].p, e[i].len, e[i].deflate);
	if (err == COCO_OK && (err = coco_zipw_finish(w)) == COCO_OK) {
		coco_zipw_free(w);
		return coco_tmp_commit(ctx, fd, tmp, out_path);
	}
	coco_zipw_free(w);
	coco_tmp_abort(fd, tmp);
	return err;
}
