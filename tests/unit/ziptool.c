/*
 * The raw zip byte builder behind the hostile container corpus (see ziptool.h). It
 * favours saying exactly which bytes go where over cleverness: one pass writes the local
 * entries, then the central directory, then the end records, with every field taken
 * from the description or computed from what was written.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "ziptool.h"

struct zbuf {
	unsigned char *p;
	size_t len, cap;
	int failed;
};

static void put(struct zbuf *b, const void *p, size_t n)
{
	if (b->failed || n == 0)
		return;
	if (b->len + n > b->cap) {
		size_t ncap = (b->len + n) * 2 + 256;
		unsigned char *np = realloc(b->p, ncap);

		if (np == NULL) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void fill(struct zbuf *b, int c, size_t n)
{
	unsigned char x = (unsigned char)c;

	while (n-- > 0)
		put(b, &x, 1);
}

static void put16(struct zbuf *b, uint64_t v)
{
	unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

	put(b, x, 2);
}

static void put32(struct zbuf *b, uint64_t v)
{
	put16(b, v & 0xFFFFu);
	put16(b, (v >> 16) & 0xFFFFu);
}

static void put64(struct zbuf *b, uint64_t v)
{
	put32(b, v & 0xFFFFFFFFu);
	put32(b, v >> 32);
}

void zt_put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

void zt_put32(unsigned char *p, uint32_t v)
{
	zt_put16(p, (uint16_t)(v & 0xFFFFu));
	zt_put16(p + 2, (uint16_t)(v >> 16));
}

unsigned char *zt_deflate(const void *in, size_t len, int level, size_t *out_len)
{
	z_stream zs;
	size_t cap = len + len / 100 + 128;
	unsigned char *out = malloc(cap);

	*out_len = 0;
	if (out == NULL)
		return NULL;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return NULL;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&zs);
		free(out);
		return NULL;
	}
	*out_len = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

unsigned char *zt_deflate_zeros(uint64_t n, size_t *out_len, uint32_t *crc)
{
	static const unsigned char zeros[1 << 16];
	unsigned char chunk[1 << 16];
	struct zbuf b = {NULL, 0, 0, 0};
	uLong c = crc32(0, NULL, 0);
	z_stream zs;
	int zr = Z_OK;

	*out_len = 0;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	while (zr != Z_STREAM_END && !b.failed) {
		uInt take = n < sizeof(zeros) ? (uInt)n : (uInt)sizeof(zeros);

		zs.next_in = (Bytef *)(uintptr_t)zeros;
		zs.avail_in = take;
		c = crc32(c, zeros, take);
		n -= take;
		do {
			zs.next_out = chunk;
			zs.avail_out = sizeof(chunk);
			zr = deflate(&zs, n == 0 ? Z_FINISH : Z_NO_FLUSH);
			put(&b, chunk, sizeof(chunk) - zs.avail_out);
		} while (zs.avail_out == 0);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			b.failed = 1;
	}
	deflateEnd(&zs);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	*out_len = b.len;
	*crc = (uint32_t)c;
	return b.p;
}

/* What one entry's local part came out as. */
struct placed {
	uint64_t off; /* as written into the central record */
	uint32_t crc;
	uint64_t csize, usize;
};

static size_t name_len(const struct zt_entry *e)
{
	return e->name_len ? e->name_len : strlen(e->name);
}

static void local_header(struct zbuf *b, const struct zt_entry *e, const struct placed *pl)
{
	const char *ln = e->lname ? e->lname : e->name;
	size_t lnlen = e->lname ? (e->lname_len ? e->lname_len : strlen(e->lname)) : name_len(e);
	uint16_t flags = (uint16_t)(e->flags | (e->descriptor ? 0x0008u : 0u));
	int dd = e->descriptor != 0;

	put32(b, 0x04034b50u);
	put16(b, e->version_needed ? e->version_needed : e->zip64 ? 45u : 20u);
	put16(b, e->set & ZT_LFLAGS ? e->lflags : flags);
	put16(b, e->set & ZT_LMETHOD ? e->lmethod : e->method);
	put16(b, 0);    /* 00:00:00 */
	put16(b, 0x21); /* 1980-01-01 */
	put32(b, e->set & ZT_LCRC ? e->lcrc : dd ? 0 : pl->crc);
	put32(b, e->set & ZT_LCSIZE ? e->lcsize
		 : dd               ? 0
		 : e->zip64         ? 0xFFFFFFFFu
				    : pl->csize & 0xFFFFFFFFu);
	put32(b, e->set & ZT_LUSIZE ? e->lusize
		 : dd               ? 0
		 : e->zip64         ? 0xFFFFFFFFu
				    : pl->usize & 0xFFFFFFFFu);
	put16(b, lnlen);
	put16(b, (e->zip64 ? 20u : 0u) + e->lextra_len);
	put(b, ln, lnlen);
	if (e->zip64) {
		put16(b, 0x0001);
		put16(b, 16);
		put64(b, pl->usize);
		put64(b, pl->csize);
	}
	put(b, e->lextra, e->lextra_len);
}

static void descriptor(struct zbuf *b, const struct zt_entry *e, const struct placed *pl)
{
	if (e->descriptor == ZT_DD_SIG)
		put32(b, 0x08074b50u);
	put32(b, pl->crc);
	if (e->zip64) {
		put64(b, pl->csize);
		put64(b, pl->usize);
	} else {
		put32(b, pl->csize & 0xFFFFFFFFu);
		put32(b, pl->usize & 0xFFFFFFFFu);
	}
}

/* The bytes an entry stores (malloc'd when deflated into *owned). */
static const unsigned char *stored_bytes(const struct zt_entry *e, unsigned char **owned,
					 size_t *len)
{
	*owned = NULL;
	if (e->payload != NULL) {
		*len = e->payload_len;
		return e->payload;
	}
	if (e->deflate) {
		*owned = zt_deflate(e->data, e->len, 6, len);
		return *owned;
	}
	*len = e->len;
	return e->data;
}

static int local_entry(struct zbuf *b, const struct zt_entry *e, uint64_t shift, struct placed *pl,
		       struct zt_layout *lay, size_t i)
{
	unsigned char *owned;
	size_t slen;
	const unsigned char *s = stored_bytes(e, &owned, &slen);

	if (s == NULL && slen != 0)
		return -1;
	if (e->deflate && owned == NULL)
		return -1;
	slen = e->cut < slen ? slen - e->cut : 0;
	fill(b, 'G', e->gap_before);
	pl->off = b->len - shift;
	pl->crc = e->set & ZT_CRC ? e->crc : (uint32_t)crc32(0, e->data, (uInt)e->len);
	pl->csize = e->set & ZT_CSIZE ? e->csize : slen + e->tail_len;
	pl->usize = e->set & ZT_USIZE ? e->usize : e->len;
	lay->local_off[i] = b->len;
	local_header(b, e, pl);
	lay->data_off[i] = b->len;
	put(b, s, slen);
	put(b, e->tail, e->tail_len);
	lay->data_len[i] = b->len - lay->data_off[i];
	if (e->descriptor)
		descriptor(b, e, pl);
	free(owned);
	return 0;
}

static void central_record(struct zbuf *b, const struct zt_entry *e, const struct zt_entry *src,
			   const struct placed *pl)
{
	uint64_t off = e->set & ZT_OFFSET ? e->offset : pl->off;
	size_t nlen = name_len(e);

	put32(b, 0x02014b50u);
	put16(b, src->set & ZT_MADE_BY ? src->made_by : 0x031Eu);
	put16(b, src->version_needed ? src->version_needed : src->zip64 ? 45u : 20u);
	put16(b, src->flags | (src->descriptor ? 0x0008u : 0u));
	put16(b, src->method);
	put16(b, 0);
	put16(b, 0x21);
	put32(b, pl->crc);
	put32(b, src->zip64 ? 0xFFFFFFFFu : pl->csize & 0xFFFFFFFFu);
	put32(b, src->zip64 ? 0xFFFFFFFFu : pl->usize & 0xFFFFFFFFu);
	put16(b, nlen);
	put16(b, (src->zip64 ? 28u : 0u) + e->cextra_len);
	put16(b, e->ccomment_len);
	put16(b, e->disk_start);
	put16(b, 0);
	put32(b, src->set & ZT_EXT_ATTR ? src->ext_attr : 0100644u << 16);
	put32(b, src->zip64 ? 0xFFFFFFFFu : off & 0xFFFFFFFFu);
	put(b, e->name, nlen);
	if (src->zip64) {
		put16(b, 0x0001);
		put16(b, 24);
		put64(b, pl->usize);
		put64(b, pl->csize);
		put64(b, off);
	}
	put(b, e->cextra, e->cextra_len);
	put(b, e->ccomment, e->ccomment_len);
}

static void end_records(struct zbuf *b, const struct zt_archive *z, uint64_t shift,
			uint64_t n_central, uint64_t cd_off, uint64_t cd_size)
{
	uint64_t count = z->set & ZT_A_COUNT ? z->count : n_central;
	uint64_t disk_count = z->set & ZT_A_DISK_COUNT ? z->disk_count : count;
	int sat = z->zip64 || (z->set & ZT_A_SATURATE);

	cd_size = z->set & ZT_A_CD_SIZE ? z->cd_size : cd_size;
	cd_off = z->set & ZT_A_CD_OFF ? z->cd_off : cd_off - shift;
	if (z->zip64) {
		uint64_t rec = b->len - shift;
		uint32_t disk = z->set & ZT_A_Z64_DISK ? z->z64_disk : 0;

		put32(b, 0x06064b50u);
		put64(b, 44);
		put16(b, 45);
		put16(b, 45);
		put32(b, disk);
		put32(b, disk);
		put64(b, disk_count);
		put64(b, count);
		put64(b, cd_size);
		put64(b, cd_off);
		put32(b, 0x07064b50u);
		put32(b, disk);
		put64(b, z->set & ZT_A_LOC_OFF ? z->loc_off : rec);
		put32(b, 1);
	}
	put32(b, 0x06054b50u);
	put16(b, z->disk);
	put16(b, z->cd_disk);
	put16(b, sat ? 0xFFFFu : disk_count & 0xFFFFu);
	put16(b, sat ? 0xFFFFu : count & 0xFFFFu);
	put32(b, z->zip64 ? 0xFFFFFFFFu : cd_size & 0xFFFFFFFFu);
	put32(b, z->zip64 ? 0xFFFFFFFFu : cd_off & 0xFFFFFFFFu);
	put16(b, z->set & ZT_A_COMMENT_LEN ? z->comment_len_field : z->comment_len);
}

int zt_build(const struct zt_archive *z, unsigned char **out, size_t *len, struct zt_layout *lay)
{
	struct zbuf b = {NULL, 0, 0, 0};
	struct placed pl[ZT_MAX_ENTRIES];
	struct zt_layout dummy;
	uint64_t shift = z->prefix_unshifted ? z->prefix_len : 0, n_central = 0;
	size_t i;

	*out = NULL;
	*len = 0;
	if (lay == NULL)
		lay = &dummy;
	memset(lay, 0, sizeof(*lay));
	memset(pl, 0, sizeof(pl));
	if (z->n > ZT_MAX_ENTRIES)
		return -1;
	put(&b, z->prefix, z->prefix_len);
	for (i = 0; i < z->n; i++)
		if (z->e[i].alias_of == 0 && local_entry(&b, &z->e[i], shift, &pl[i], lay, i) != 0)
			b.failed = 1;
	fill(&b, 'X', z->cd_gap);
	lay->cd_off = b.len;
	for (i = 0; i < z->n; i++) {
		const struct zt_entry *e = &z->e[i];
		size_t k = e->alias_of > 0 ? (size_t)e->alias_of - 1 : i;

		if (e->no_central || k >= z->n)
			continue;
		central_record(&b, e, &z->e[k], &pl[k]);
		n_central++;
	}
	lay->cd_size = b.len - lay->cd_off;
	fill(&b, 'Y', z->eocd_gap);
	end_records(&b, z, shift, n_central, lay->cd_off, lay->cd_size);
	lay->eocd_off = b.len - 22;
	lay->comment_off = b.len;
	put(&b, z->comment, z->comment_len);
	put(&b, z->trailer, z->trailer_len);
	if (b.failed) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

char *zt_mkdtemp(const char *tag)
{
	size_t n = strlen(tag) + 32;
	char *t = malloc(n);

	if (t == NULL)
		return NULL;
	snprintf(t, n, "/tmp/coco-%s-XXXXXX", tag);
	if (mkdtemp(t) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

char *zt_write_temp(const char *dir, const void *p, size_t len)
{
	size_t n = strlen(dir) + 16;
	char *path = malloc(n);
	const unsigned char *q = p;
	int fd;

	if (path == NULL)
		return NULL;
	snprintf(path, n, "%s/z-XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0) {
		free(path);
		return NULL;
	}
	while (len > 0) {
		ssize_t w = write(fd, q, len);
		if (w <= 0) {
			close(fd);
			unlink(path);
			free(path);
			return NULL;
		}
		q += w;
		len -= (size_t)w;
	}
	if (close(fd) != 0) {
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

void zt_rmtree(const char *path)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;

	if (path == NULL || lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (dir = opendir(path)) != NULL) {
		while ((d = readdir(dir)) != NULL) {
			size_t n;
			char *sub;

			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			n = strlen(path) + strlen(d->d_name) + 2;
			if ((sub = malloc(n)) != NULL) {
				snprintf(sub, n, "%s/%s", path, d->d_name);
				zt_rmtree(sub);
				free(sub);
			}
		}
		closedir(dir);
		(void)rmdir(path);
		return;
	}
	(void)unlink(path);
}

char *zt_visible(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "(null)");
	char *out = malloc(strlen((const char *)p) * 4 + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (; *p != '\0'; p++) {
		if ((*p >= 0x20 && *p < 0x7F && *p != '\\') || *p == '\n')
			*o++ = (char)*p;
		else
			o += snprintf(o, 5, "\\x%02x", *p);
	}
	*o = '\0';
	return out;
}
