/*
 * The zip-aware mutation (zipmut.h). It reads the zip the simple way (end record at the
 * very end, central records, local headers where they point) and gives up on anything
 * else, which then gets byte mutations: it only has to understand the inputs it mutates.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fuzz.h"
#include "zipmut.h"

#define MAX_ENTRIES 64
#define MAX_INFLATED (1u << 20)

struct zent {
	const uint8_t *cen;  /* its central record */
	const uint8_t *name; /* nlen bytes */
	const uint8_t *data; /* csize bytes of (compressed) data */
	uint32_t csize;
	uint16_t nlen, method;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, v >> 16);
}

/* Reads the entries of a simple zip; their count, or 0 if it is not one. */
static size_t parse(const uint8_t *d, size_t size, struct zent *z)
{
	const uint8_t *eocd = d + size - 22;
	size_t n, i, pos, cd_off, cd_size;

	if (size < 22 || get32(eocd) != 0x06054b50u)
		return 0;
	n = get16(eocd + 10), cd_size = get32(eocd + 12), cd_off = get32(eocd + 16);
	if (n == 0 || n > MAX_ENTRIES || cd_off > size - 22 || cd_size > size - 22 - cd_off)
		return 0;
	for (i = 0, pos = cd_off; i < n; i++) {
		const uint8_t *c = d + pos, *l;
		size_t loc, data;
		if (cd_off + cd_size - pos < 46 || get32(c) != 0x02014b50u)
			return 0;
		z[i].cen = c;
		z[i].nlen = get16(c + 28);
		z[i].method = get16(c + 10);
		z[i].csize = get32(c + 20);
		z[i].name = c + 46;
		pos += 46u + z[i].nlen + get16(c + 30) + get16(c + 32);
		loc = get32(c + 42);
		if (pos > cd_off + cd_size || loc > cd_off || cd_off - loc < 30)
			return 0;
		l = d + loc;
		data = loc + 30 + get16(l + 26) + get16(l + 28);
		if (get32(l) != 0x04034b50u || data > cd_off || cd_off - data < z[i].csize)
			return 0;
		z[i].data = d + data;
	}
	return n;
}

/* The uncompressed bytes of e (malloc'd, room for max), or NULL. */
static uint8_t *unpack(const struct zent *e, size_t *len, size_t max)
{
	uint8_t *out = malloc(max > 0 ? max : 1);
	z_stream zs;
	int zr;

	if (out == NULL)
		return NULL;
	if (e->method == 0 && e->csize <= max) {
		memcpy(out, e->data, e->csize);
		*len = e->csize;
		return out;
	}
	memset(&zs, 0, sizeof(zs));
	if (e->method != 8 || inflateInit2(&zs, -MAX_WBITS) != Z_OK) {
		free(out);
		return NULL;
	}
	zs.next_in = (Bytef *)(uintptr_t)e->data;
	zs.avail_in = e->csize;
	zs.next_out = out;
	zs.avail_out = (uInt)max;
	zr = inflate(&zs, Z_FINISH);
	*len = zs.total_out;
	inflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

/* Raw deflate of p into a malloc'd buffer; NULL on failure. */
static uint8_t *pack(const uint8_t *p, size_t len, size_t *out_len)
{
	size_t cap = len + len / 100 + 64;
	uint8_t *out = malloc(cap);
	z_stream zs;
	int zr;

	memset(&zs, 0, sizeof(zs));
	if (out == NULL ||
	    deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(out);
		return NULL;
	}
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	zr = deflate(&zs, Z_FINISH);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

struct newdata {
	size_t k;            /* the entry replaced */
	const uint8_t *data; /* its new stored or deflated bytes */
	size_t csize, usize;
	uint32_t crc;
};

/* Writes the zip again, canonically, with entry nd->k replaced; its size, or 0. */
static size_t rewrite(const struct zent *z, size_t n, const struct newdata *nd, uint8_t *out,
		      size_t max)
{
	uint32_t local[MAX_ENTRIES];
	size_t i, o = 0, cd;

	for (i = 0; i < n; i++) {
		const uint8_t *c = z[i].cen;
		size_t len = i == nd->k ? nd->csize : z[i].csize;
		if (max - o < 30u + z[i].nlen + len + 22)
			return 0;
		local[i] = (uint32_t)o;
		memset(out + o, 0, 30);
		put32(out + o, 0x04034b50u);
		memcpy(out + o + 4, c + 6, 26); /* version, flags, method, time, date, crc, sizes */
		put16(out + o + 6, get16(c + 8) & ~0x0008u); /* no data descriptor */
		put16(out + o + 28, 0);
		if (i == nd->k) {
			put32(out + o + 14, nd->crc);
			put32(out + o + 18, (uint32_t)nd->csize);
			put32(out + o + 22, (uint32_t)nd->usize);
		}
		memcpy(out + o + 30, z[i].name, z[i].nlen);
		memcpy(out + o + 30 + z[i].nlen, i == nd->k ? nd->data : z[i].data, len);
		o += 30u + z[i].nlen + len;
	}
	cd = o;
	for (i = 0; i < n; i++) {
		if (max - o < 46u + z[i].nlen + 22)
			return 0;
		memcpy(out + o, z[i].cen, 46);
		put16(out + o + 8, get16(z[i].cen + 8) & ~0x0008u);
		put16(out + o + 30, 0), put16(out + o + 32, 0), put16(out + o + 34, 0);
		put32(out + o + 42, local[i]);
		if (i == nd->k) {
			put32(out + o + 16, nd->crc);
			put32(out + o + 20, (uint32_t)nd->csize);
			put32(out + o + 24, (uint32_t)nd->usize);
		}
		memcpy(out + o + 46, z[i].name, z[i].nlen);
		o += 46u + z[i].nlen;
	}
	memset(out + o, 0, 22);
	put32(out + o, 0x06054b50u);
	put16(out + o + 8, (uint32_t)n), put16(out + o + 10, (uint32_t)n);
	put32(out + o + 12, (uint32_t)(o - cd)), put32(out + o + 16, (uint32_t)cd);
	return o + 22;
}

/* Mutates entry seed % n's content; the new size, or 0 if the input is not for this. */
static size_t mutate_entry(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct zent z[MAX_ENTRIES];
	struct newdata nd = {0};
	size_t n = parse(data, size, z), len = 0, cap, out_len = 0;
	uint8_t *plain = NULL, *packed = NULL, *out = NULL;

	if (n == 0 || max_size <= size)
		return 0;
	nd.k = seed % n;
	cap = max_size - size + (z[nd.k].method == 0 ? z[nd.k].csize : 0);
	if (cap > MAX_INFLATED)
		cap = MAX_INFLATED;
	if ((plain = unpack(&z[nd.k], &len, cap)) == NULL)
		return 0;
	nd.usize = LLVMFuzzerMutate(plain, len, cap);
	nd.crc = (uint32_t)crc32(0, plain, (uInt)nd.usize);
	nd.data = plain, nd.csize = nd.usize;
	if (z[nd.k].method == 8 && (packed = pack(plain, nd.usize, &nd.csize)) != NULL)
		nd.data = packed;
	if (z[nd.k].method != 8 || packed != NULL) {
		if ((out = malloc(max_size)) == NULL)
			fuzz_die("out of memory");
		out_len = rewrite(z, n, &nd, out, max_size);
	}
	if (out_len > 0)
		memcpy(data, out, out_len);
	free(out);
	free(packed);
	free(plain);
	return out_len;
}

size_t zipmut_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	size_t n = 0;

	if (seed % 3 != 0)
		n = mutate_entry(data, size, max_size, seed / 3);
	return n > 0 ? n : LLVMFuzzerMutate(data, size, max_size);
}
