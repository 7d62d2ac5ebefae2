/*
 * Every resource limit of docs/SECURITY.md, tested on both sides: at the limit (accepted,
 * or that check passes) and one past it (refused with the exact finding id or error).
 * Limits that other suites already test this way are cited in the table, not repeated
 * here. Limits too large to reach in a test (a 16 MiB central directory, a 4 GiB bundle,
 * 1,000,000 register rows, 256 MiB of trust files) are fields of the context's struct
 * coco_limits: the tests scale them down and run the code production runs, and one test
 * checks that a new context holds the documented values. Sizes that only the central
 * directory declares (4 GiB entries, 8 GiB in all) are real, in sparse files. No test reads
 * the clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>
#include <zlib.h>

#include "container/archive.h"
#include "submission/assessment.h"
#include "signature/cms.h"
#include "bundletool.h"
#include "submission/folder.h"
#include "internal.h"
#include "container/manifest.h"
#include "pdf/pdf.h"
#include "trust/policy.h"
#include "suites.h"
#include "util/xml.h"
#include "ziptool.h"

#define MIME "application/vnd.etsi.asic-e+zip"
#define AT "2027-06-01"

/* ---- small helpers -------------------------------------------------------------------- */

static void sb_rep(struct bt_sb *b, const char *s, size_t times)
{
	size_t i;

	for (i = 0; i < times; i++)
		bt_sb_str(b, s);
}

/* n copies of byte c. */
static void sb_fill(struct bt_sb *b, int c, size_t n)
{
	char chunk[4096];

	memset(chunk, c, sizeof(chunk));
	while (n > 0) {
		size_t k = n < sizeof(chunk) ? n : sizeof(chunk);
		bt_sb_add(b, chunk, k);
		n -= k;
	}
}

static struct coco_ctx *new_ctx(const char *trust)
{
	struct coco_ctx *ctx = NULL;
	char *dir = trust != NULL ? bt_fixture("%s", trust) : NULL;

	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, bt_time(AT));
	if (dir != NULL)
		ck_assert_msg(coco_ctx_load_trust(ctx, dir) == COCO_OK, "%s", coco_ctx_error(ctx));
	free(dir);
	return ctx;
}

/* The failures' ids and subjects, for messages. */
static void expect_finding(const struct coco_report *r, const char *id, enum coco_status st,
			   const char *subject, const char *what)
{
	ck_assert_msg(bt_find_status(r, id, st, subject) != NULL, "%s: no %s %s '%s' in:\n%s", what,
		      coco_status_name(st), id, subject ? subject : "", bt_dump(r));
}

static void expect_no_finding(const struct coco_report *r, const char *id, enum coco_status st,
			      const char *what)
{
	const struct coco_finding *f = bt_find_status(r, id, st, NULL);

	ck_assert_msg(f == NULL, "%s: unexpected %s %s '%s': %.300s", what, coco_status_name(st),
		      id, f && coco_finding_subject(f) ? coco_finding_subject(f) : "",
		      f ? coco_finding_message(f) : "");
}

/* The message of the first finding with id (and status FAIL) contains text. */
static void expect_message(const struct coco_report *r, const char *id, const char *text)
{
	const struct coco_finding *f = bt_find_status(r, id, COCO_STATUS_FAIL, NULL);

	ck_assert_msg(f != NULL && strstr(coco_finding_message(f), text) != NULL,
		      "no %s failure saying '%s' in:\n%s", id, text, bt_dump(r));
}

static void expect_error(struct coco_ctx *ctx, enum coco_err got, enum coco_err want,
			 const char *text)
{
	ck_assert_msg(got == want && strstr(coco_ctx_error(ctx), text) != NULL,
		      "expected %s with '%s', got %s: %s", coco_strerror(want), text,
		      coco_strerror(got), coco_ctx_error(ctx));
}

/* ---- the limits held by the context ---------------------------------------------------- */

/* The scaled tests below stand for the documented values only if a new context has them. */
START_TEST(test_defaults)
{
	struct coco_ctx *ctx = NULL;
	const struct coco_limits *l;

	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	l = coco_ctx_limits(ctx);
	ck_assert_uint_eq(l->entries, 10000);
	ck_assert_uint_eq(l->meta_size, 1u << 20);
	ck_assert_uint_eq(l->entry_size, 4ull << 30);
	ck_assert_uint_eq(l->cd_size, 16ull << 20);
	ck_assert_uint_eq(l->bundle_size, 0xFFFFFFFEull);
	ck_assert_uint_eq(l->trust_total, 256ull << 20);
	ck_assert_uint_eq(l->trust_files, 1024);
	ck_assert_uint_eq(l->register_rows, 1000000u);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- a raw zip writer for sparse archives ----------------------------------------------- */

struct rz {
	const char *name;
	uint64_t usize;   /* declared uncompressed size */
	uint64_t csize;   /* 0: stored (csize = usize); else deflated, declared */
	const void *data; /* the stored bytes; NULL leaves a hole of zeros */
};

static void put16(unsigned char *p, uint64_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint64_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, (v >> 16) & 0xFFFF);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, v & 0xFFFFFFFFu);
	put32(p + 4, v >> 32);
}

/* CRC-32 of n zero bytes, without the bytes. */
static uint32_t crc_zeros(uint64_t n)
{
	uLong crc = crc32(0, NULL, 0), piece = crc32(0, (const Bytef *)"", 1);
	uint64_t len = 1;

	for (; n != 0; n >>= 1) {
		if (n & 1)
			crc = crc32_combine(crc, piece, (z_off_t)len);
		piece = crc32_combine(piece, piece, (z_off_t)len);
		len <<= 1;
	}
	return (uint32_t)crc;
}

static void pw(int fd, const void *p, size_t n, uint64_t off)
{
	ck_assert_int_eq(pwrite(fd, p, n, (off_t)off), (ssize_t)n);
}

#define SAT 0xFFFFFFFFull

/*
 * Writes entries (the mimetype first, as given) into dir/file in the canonical layout,
 * with zip64 fields where sizes or offsets need them; data left NULL stays a hole, so a
 * file of 8 GiB costs no disk. Returns the malloc'd path.
 */
static char *rz_write(const char *dir, const char *file, const struct rz *e, size_t n)
{
	char *path = bt_fmt("%s/%s", dir, file);
	uint64_t *lo = calloc(n, sizeof(*lo)), off = 0, cd_off, cd_size;
	uint32_t *crc = calloc(n, sizeof(*crc));
	unsigned char h[46 + 28], end[56 + 20 + 22];
	size_t i, nlen, x;
	int fd;

	ck_assert_ptr_nonnull(lo);
	ck_assert_ptr_nonnull(crc);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < n; i++) {
		uint64_t cs = e[i].csize ? e[i].csize : e[i].usize;
		int z64 = e[i].usize >= SAT || cs >= SAT;
		nlen = strlen(e[i].name);
		crc[i] = e[i].data != NULL ? (uint32_t)crc32(0, e[i].data, (uInt)cs)
					   : crc_zeros(e[i].usize);
		lo[i] = off;
		memset(h, 0, sizeof(h));
		put32(h, 0x04034b50u);
		put16(h + 4, z64 ? 45 : 20);
		put16(h + 8, e[i].csize ? 8 : 0);
		put16(h + 12, 0x0021);
		put32(h + 14, crc[i]);
		put32(h + 18, z64 ? SAT : cs);
		put32(h + 22, z64 ? SAT : e[i].usize);
		put16(h + 26, nlen);
		put16(h + 28, z64 ? 20 : 0);
		pw(fd, h, 30, off);
		pw(fd, e[i].name, nlen, off + 30);
		off += 30 + nlen;
		if (z64) {
			put16(h, 1), put16(h + 2, 16), put64(h + 4, e[i].usize), put64(h + 12, cs);
			pw(fd, h, 20, off);
			off += 20;
		}
		if (e[i].data != NULL)
			pw(fd, e[i].data, (size_t)cs, off);
		off += cs;
	}
	cd_off = off;
	for (i = 0; i < n; i++) {
		uint64_t cs = e[i].csize ? e[i].csize : e[i].usize;
		int zu = e[i].usize >= SAT, zc = cs >= SAT, zo = lo[i] >= SAT;
		nlen = strlen(e[i].name);
		memset(h, 0, sizeof(h));
		put32(h, 0x02014b50u);
		put16(h + 4, 0x031E);
		put16(h + 6, zu || zc || zo ? 45 : 20);
		put16(h + 10, e[i].csize ? 8 : 0);
		put16(h + 14, 0x0021);
		put32(h + 16, crc[i]);
		put32(h + 20, zc ? SAT : cs);
		put32(h + 24, zu ? SAT : e[i].usize);
		put16(h + 28, nlen);
		x = 0;
		if (zu || zc || zo) {
			unsigned char *q = h + 46 + 4;
			if (zu)
				put64(q, e[i].usize), q += 8;
			if (zc)
				put64(q, cs), q += 8;
			if (zo)
				put64(q, lo[i]), q += 8;
			x = (size_t)(q - (h + 46));
			put16(h + 46, 1), put16(h + 48, x - 4);
		}
		put16(h + 30, x);
		put32(h + 38, 0100644u << 16);
		put32(h + 42, zo ? SAT : lo[i]);
		pw(fd, h, 46, off);
		pw(fd, e[i].name, nlen, off + 46);
		if (x)
			pw(fd, h + 46, x, off + 46 + nlen);
		off += 46 + nlen + x;
	}
	cd_size = off - cd_off;
	memset(end, 0, sizeof(end));
	x = 0;
	if (cd_off >= SAT || n >= 0xFFFF) {
		put32(end, 0x06064b50u);
		put64(end + 4, 44);
		put16(end + 12, 0x031E);
		put16(end + 14, 45);
		put64(end + 24, n);
		put64(end + 32, n);
		put64(end + 40, cd_size);
		put64(end + 48, cd_off);
		put32(end + 56, 0x07064b50u);
		put64(end + 56 + 8, off);
		put32(end + 56 + 16, 1);
		x = 76;
	}
	put32(end + x, 0x06054b50u);
	put16(end + x + 8, x ? 0xFFFF : n);
	put16(end + x + 10, x ? 0xFFFF : n);
	put32(end + x + 12, x ? SAT : cd_size);
	put32(end + x + 16, x ? SAT : cd_off);
	pw(fd, end, x + 22, off);
	ck_assert_int_eq(close(fd), 0);
	free(lo);
	free(crc);
	return path;
}

/* Opens path with the container checks alone (they read no entry data). */
static struct coco_report *open_only(struct coco_ctx *ctx, const char *path, int *ok)
{
	struct coco_report *r = NULL;
	struct coco_archive *ar = NULL;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_msg(coco_archive_open(ctx, path, r, &ar) == COCO_OK, "%s", coco_ctx_error(ctx));
	*ok = ar != NULL && ar->ok;
	coco_archive_free(ar);
	return r;
}

/* ---- container --------------------------------------------------------------------------- */

static const struct rz mimetype = {"mimetype", sizeof(MIME) - 1, 0, MIME};

/* A stored entry of exactly 4 GiB passes; 4 GiB + 1 is container.limits. */
START_TEST(test_entry_size)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp();
	struct rz e[2] = {mimetype, {"e.bin", (4ull << 30) + (uint64_t)_i, 0, NULL}};
	char *path = rz_write(dir, "e.coco", e, 2);
	int ok;
	struct coco_report *r = open_only(ctx, path, &ok);

	if (_i) {
		expect_finding(r, "container.limits", COCO_STATUS_FAIL, "e.bin", "4 GiB + 1");
	} else {
		ck_assert_msg(ok, "4 GiB:\n%s", bt_dump(r));
		expect_finding(r, "container.structure", COCO_STATUS_PASS, NULL, "4 GiB");
	}
	coco_report_free(r);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* Entries adding up to exactly 8 GiB pass; 8 GiB + 1 is container.limits. */
START_TEST(test_total_size)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp();
	const uint64_t four = 4ull << 30;
	struct rz e[3] = {mimetype,
			  {"a.bin", four, 0, NULL},
			  {"b.bin", four - (sizeof(MIME) - 1) + (uint64_t)_i, 0, NULL}};
	char *path = rz_write(dir, "t.coco", e, 3);
	int ok;
	struct coco_report *r = open_only(ctx, path, &ok);

	if (_i) {
		expect_finding(r, "container.limits", COCO_STATUS_FAIL, NULL, "8 GiB + 1");
		expect_message(r, "container.limits", "total uncompressed size");
	} else {
		ck_assert_msg(ok, "8 GiB:\n%s", bt_dump(r));
	}
	coco_report_free(r);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/*
 * The ratio rule judges the declared sizes of a deflated entry over 1 MiB: exactly 200:1
 * passes, one byte more is container.limits (0, 1); at the 1 MiB floor any ratio passes,
 * one byte over it does not (2, 3).
 */
START_TEST(test_ratio)
{
	static const struct {
		uint64_t usize, csize;
		int over;
	} c[] = {
	    {200ull * 40000, 40000, 0},
	    {200ull * 40000 + 1, 40000, 1},
	    {1u << 20, 16, 0},
	    {(1u << 20) + 1, 16, 1},
	};
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp();
	struct rz e[2] = {mimetype, {"z.pdf", c[_i].usize, c[_i].csize, NULL}};
	char *path = rz_write(dir, "z.coco", e, 2);
	int ok;
	struct coco_report *r = open_only(ctx, path, &ok);

	if (c[_i].over)
		expect_finding(r, "container.limits", COCO_STATUS_FAIL, "z.pdf", "over the ratio");
	else
		ck_assert_msg(ok, "at the ratio:\n%s", bt_dump(r));
	coco_report_free(r);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* The writer keeps a deflated entry at exactly 200:1 and stores one past it, where the
 * reader draws the line. */
START_TEST(test_ratio_writer)
{
	ck_assert(!coco_ratio_over(200ull * 40000, 40000));
	ck_assert(coco_ratio_over(200ull * 40000 + 1, 40000));
	ck_assert(!coco_ratio_over(1u << 20, 0));
	ck_assert(coco_ratio_over((1u << 20) + 1, 0));
	ck_assert(coco_ratio_over(UINT64_MAX, UINT64_MAX / 200));
	ck_assert(!coco_ratio_over(UINT64_MAX, UINT64_MAX / 200 + 1));
}
END_TEST

/* The total-inflation rule at its edge, shared by the reader and the writer. */
START_TEST(test_total_writer_rule)
{
	const uint64_t floor = COCO_TOTAL_FLOOR, size = 3u << 20;

	ck_assert(!coco_total_over(8 * size + floor, size));
	ck_assert(coco_total_over(8 * size + floor + 1, size));
	ck_assert(!coco_total_over(floor, 0));
	ck_assert(coco_total_over(floor + 1, 0));
	ck_assert(!coco_total_over(UINT64_MAX, UINT64_MAX / 8)); /* no overflow */
}
END_TEST

/*
 * The writer never makes a bundle whose entries together inflate past 8 times its size plus
 * 256 MiB (verify would refuse it): three 96 MiB entries that deflate about 80 : 1 each
 * (under the per-entry 200 : 1) come to 288 MiB from about 3.6 MB. The first two stay
 * deflated; the third would pass the total, so it is stored, and the bundle passes.
 */
START_TEST(test_total_writer)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp(), *path = bt_fmt("%s/t.coco", dir);
	const size_t len = 96u << 20;
	unsigned char *p = calloc(1, len);
	uint32_t x = 12345;
	struct coco_zipw *w = NULL;
	struct coco_report *r = NULL;
	struct coco_archive *ar = NULL;
	size_t i, k;
	int fd;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < len; i += 4096) /* 40 noise bytes a 4 KiB block */
		for (k = 0; k < 40; k++) {
			x = x * 1103515245u + 12345u;
			p[i + k] = (unsigned char)(x >> 24);
		}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(coco_zipw_new(ctx, fd, path, &w), COCO_OK);
	ck_assert_int_eq(coco_zipw_add_mem(w, "a.bin", p, len, 1), COCO_OK);
	ck_assert_int_eq(coco_zipw_add_mem(w, "b.bin", p, len, 1), COCO_OK);
	ck_assert_int_eq(coco_zipw_add_mem(w, "c.bin", p, len, 1), COCO_OK);
	ck_assert_msg(coco_zipw_finish(w) == COCO_OK, "%s", coco_ctx_error(ctx));
	coco_zipw_free(w);
	ck_assert_int_eq(close(fd), 0);
	free(p);

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_msg(coco_archive_open(ctx, path, r, &ar) == COCO_OK, "%s", coco_ctx_error(ctx));
	ck_assert_msg(ar != NULL && ar->ok, "%s", bt_dump(r));
	ck_assert_uint_eq(ar->n, 4);
	ck_assert_uint_eq(ar->e[1].method, 8);
	ck_assert_uint_eq(ar->e[2].method, 8);
	ck_assert_uint_eq(ar->e[3].method, 0);
	/* all three deflated (the same data, so the same size) would have been refused */
	ck_assert(coco_total_over(3 * (uint64_t)len, 3 * ar->e[1].csize + 4096));
	coco_archive_free(ar);
	coco_report_free(r);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* n entries: the mimetype and n - 1 empty files d/00001 ... (stored, tiny). */
static char *many_entries(const char *dir, size_t n)
{
	struct rz *e = calloc(n, sizeof(*e));
	char *names = malloc(n * 16), *path;
	size_t i;

	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(names);
	e[0] = mimetype;
	for (i = 1; i < n; i++) {
		snprintf(names + 16 * i, 16, "d/%05zu", i % 100000);
		e[i].name = names + 16 * i;
		e[i].data = "";
	}
	path = rz_write(dir, "n.coco", e, n);
	free(e);
	free(names);
	return path;
}

/* 10,000 entries pass the container stage; 10,001 are container.limits. */
START_TEST(test_entries)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp();
	char *path = many_entries(dir, COCO_MAX_ENTRIES + (size_t)_i);
	int ok;
	struct coco_report *r = open_only(ctx, path, &ok);

	ck_assert_uint_eq(COCO_MAX_ENTRIES, 10000);
	if (_i) {
		expect_finding(r, "container.limits", COCO_STATUS_FAIL, NULL, "10,001 entries");
		expect_message(r, "container.limits", "more entries than the limit");
	} else {
		ck_assert_msg(ok, "10,000 entries:\n%s", bt_dump(r));
	}
	coco_report_free(r);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* A central directory of exactly the limit passes; one byte less of limit fails
 * container.limits (the limit scaled down from 16 MiB to this archive's directory). */
START_TEST(test_cd_size)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp();
	char *path = many_entries(dir, 3);
	struct coco_report *r;
	struct coco_archive *ar = NULL;
	uint64_t cd;
	int ok;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_archive_open(ctx, path, r, &ar), COCO_OK);
	ck_assert_ptr_nonnull(ar);
	cd = ar->cd_size;
	coco_archive_free(ar);
	coco_report_free(r);
	coco_ctx_limits(ctx)->cd_size = cd - (uint64_t)_i;
	r = open_only(ctx, path, &ok);
	if (_i) {
		expect_finding(r, "container.limits", COCO_STATUS_FAIL, NULL, "directory over");
		expect_message(r, "container.limits", "central directory");
	} else {
		ck_assert_msg(ok, "directory at the limit:\n%s", bt_dump(r));
	}
	coco_report_free(r);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* An entry name of 1,024 bytes passes; 1,025 is container.name. */
START_TEST(test_name_length)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp(), *path;
	char name[COCO_MAX_NAME_LEN + 2];
	size_t len = COCO_MAX_NAME_LEN + (size_t)_i;
	struct rz e[2] = {mimetype, {name, 0, 0, ""}};
	struct coco_report *r;
	int ok;

	memset(name, 'n', len);
	memcpy(name + len - 4, ".txt", 4);
	name[len] = '\0';
	path = rz_write(dir, "l.coco", e, 2);
	r = open_only(ctx, path, &ok);
	if (_i)
		expect_finding(r, "container.name", COCO_STATUS_FAIL, name, "1,025 bytes");
	else
		ck_assert_msg(ok, "1,024 bytes:\n%s", bt_dump(r));
	coco_report_free(r);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- bundles and XML ---------------------------------------------------------------------- */

static const unsigned char a_txt[] = "a small data object\n";

/* Pads XML text to exactly want bytes with a comment after its root element. */
static void pad_xml(struct bt_sb *b, size_t want)
{
	ck_assert_uint_le(b->n + 8, want);
	bt_sb_str(b, "<!--");
	sb_fill(b, 'x', want - b->n - 4);
	bt_sb_str(b, "-->\n");
	ck_assert_uint_eq(b->n, want);
}

/* A manifest over a.txt naming BT_SIGNATURE, padded to exactly want bytes (0: as built). */
static void manifest_of(struct bt_sb *b, size_t want)
{
	const struct bt_part part = {"a.txt", a_txt, sizeof(a_txt) - 1, 0};
	size_t len = 0;
	char *m = bt_manifest(BT_SIGNATURE, &part, 1, NULL, &len);

	ck_assert_ptr_nonnull(m);
	bt_sb_add(b, m, len);
	free(m);
	if (want != 0)
		pad_xml(b, want);
}

static struct coco_report *verify_path(struct coco_ctx *ctx, const char *path)
{
	struct coco_report *r = NULL;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_msg(coco_verify(ctx, path, r) == COCO_OK, "%s", coco_ctx_error(ctx));
	return r;
}

/* 64 manifests pass the container stage; 65 are container.limits. */
START_TEST(test_manifests)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp(), *path = bt_fmt("%s/m.coco", dir);
	size_t n = COCO_MAX_MANIFESTS + (size_t)_i, i;
	struct bt_part *parts = calloc(n + 1, sizeof(*parts));
	char(*names)[64] = calloc(n, sizeof(*names));
	struct bt_sb m = {0};
	struct coco_report *r;

	ck_assert_uint_eq(COCO_MAX_MANIFESTS, 64);
	ck_assert_ptr_nonnull(parts);
	ck_assert_ptr_nonnull(names);
	manifest_of(&m, 0);
	parts[0] = (struct bt_part){"a.txt", a_txt, sizeof(a_txt) - 1, 0};
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "META-INF/ASiCManifest%03zu.xml", i + 1);
		parts[i + 1] = (struct bt_part){names[i], (unsigned char *)m.p, m.n, 0};
	}
	ck_assert_int_eq(bt_zip_write(ctx, path, parts, n + 1), 0);
	r = verify_path(ctx, path);
	if (_i) {
		expect_finding(r, "container.limits", COCO_STATUS_FAIL, NULL, "65 manifests");
		expect_message(r, "container.limits", "more than 64 manifests");
	} else {
		expect_no_finding(r, "container.limits", COCO_STATUS_FAIL, "64 manifests");
		expect_finding(r, "manifest.schema", COCO_STATUS_PASS, names[63], "64 manifests");
	}
	coco_report_free(r);
	free(m.p);
	free(parts);
	free(names);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* A manifest entry of exactly 1 MiB is read and valid; 1 MiB + 1 is manifest.xml. */
START_TEST(test_manifest_size)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp(), *path = bt_fmt("%s/m.coco", dir);
	struct bt_sb m = {0};
	struct bt_part parts[2] = {{"a.txt", a_txt, sizeof(a_txt) - 1, 0},
				   {BT_MANIFEST, NULL, 0, 1}};
	struct coco_report *r;

	manifest_of(&m, COCO_MAX_META_SIZE + (size_t)_i);
	parts[1].data = (unsigned char *)m.p;
	parts[1].len = m.n;
	ck_assert_int_eq(bt_zip_write(ctx, path, parts, 2), 0);
	r = verify_path(ctx, path);
	if (_i) {
		expect_finding(r, "manifest.xml", COCO_STATUS_FAIL, BT_MANIFEST, "1 MiB + 1");
		expect_message(r, "manifest.xml", "larger than 1048576 bytes");
	} else {
		expect_finding(r, "manifest.schema", COCO_STATUS_PASS, BT_MANIFEST, "1 MiB");
		expect_finding(r, "manifest.digest", COCO_STATUS_PASS, BT_MANIFEST, "1 MiB");
	}
	coco_report_free(r);
	free(m.p);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* der with an unsigned attribute of padding, re-encoded to exactly want bytes. */
static unsigned char *pad_cms(const unsigned char *der, size_t len, size_t want, size_t *out_len)
{
	ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1);
	unsigned char *fill = calloc(want, 1), *out = NULL;
	long k = (long)want - (long)len - 32;
	int tries, n = 0;

	ck_assert_ptr_nonnull(oid);
	ck_assert_ptr_nonnull(fill);
	for (tries = 0; tries < 8 && (size_t)n != want; tries++) {
		const unsigned char *p = der;
		CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
		CMS_SignerInfo *si;
		ck_assert_ptr_nonnull(cms);
		ck_assert_int_gt(k, 0);
		si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
		ck_assert_int_eq(
		    CMS_unsigned_add1_attr_by_OBJ(si, oid, V_ASN1_OCTET_STRING, fill, (int)k), 1);
		OPENSSL_free(out);
		out = NULL;
		n = i2d_CMS_ContentInfo(cms, &out);
		ck_assert_int_gt(n, 0);
		k += (long)want - n;
		CMS_ContentInfo_free(cms);
	}
	ck_assert_int_eq(n, (int)want);
	ASN1_OBJECT_free(oid);
	free(fill);
	*out_len = (size_t)n;
	return out;
}

/* A director's signature over the manifest of a.txt, signed on 2026-06-01. */
static unsigned char *director_sig(const struct bt_sb *m, size_t *len)
{
	struct bt_sign o;
	unsigned char *der = NULL;

	memset(&o, 0, sizeof(o));
	o.cert = bt_cert("director");
	o.key = bt_key("director");
	o.chain = bt_chain();
	o.signing_time = bt_time("2026-06-01");
	ck_assert_int_eq(bt_cms_sign(&o, (const unsigned char *)m->p, m->n, &der, len), 0);
	X509_free(o.cert);
	EVP_PKEY_free(o.key);
	sk_X509_pop_free(o.chain, X509_free);
	return der;
}

/* A signature entry of exactly 1 MiB verifies; 1 MiB + 1 is signature.parse. */
START_TEST(test_signature_size)
{
	struct coco_ctx *ctx = new_ctx("trust");
	char *dir = bt_mkdtemp(), *path = bt_fmt("%s/s.coco", dir);
	struct bt_sb m = {0};
	unsigned char *der, *big;
	size_t len = 0, blen = 0;
	struct bt_part parts[3] = {{"a.txt", a_txt, sizeof(a_txt) - 1, 0},
				   {BT_MANIFEST, NULL, 0, 1},
				   {BT_SIGNATURE, NULL, 0, 0}};
	struct coco_report *r;

	manifest_of(&m, 0);
	der = director_sig(&m, &len);
	big = pad_cms(der, len, COCO_MAX_META_SIZE + (size_t)_i, &blen);
	parts[1].data = (unsigned char *)m.p, parts[1].len = m.n;
	parts[2].data = big, parts[2].len = blen;
	ck_assert_int_eq(bt_zip_write(ctx, path, parts, 3), 0);
	r = verify_path(ctx, path);
	if (_i) {
		expect_finding(r, "signature.parse", COCO_STATUS_FAIL, BT_SIGNATURE, "1 MiB + 1");
		expect_message(r, "signature.parse", "larger than 1048576 bytes");
	} else {
		expect_no_finding(r, "signature.parse", COCO_STATUS_FAIL, "1 MiB");
		expect_finding(r, "signature.value", COCO_STATUS_PASS, BT_SIGNATURE, "1 MiB");
		expect_finding(r, "signer.chain", COCO_STATUS_PASS, NULL, "1 MiB");
	}
	coco_report_free(r);
	free(der);
	OPENSSL_free(big);
	free(m.p);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- libxml2's own limits (no XML_PARSE_HUGE) ----------------------------------------- */

static struct coco_report *parse_manifest(struct coco_ctx *ctx, const struct bt_sb *xml)
{
	struct coco_report *r = NULL;
	struct coco_manifest *m = NULL;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(
	    coco_manifest_parse(ctx, BT_MANIFEST, (const unsigned char *)xml->p, xml->n, r, &m),
	    COCO_OK);
	coco_manifest_free(m);
	return r;
}

/* A manifest whose extension holds inner, the manifest of a.txt otherwise. */
static void manifest_with_extension(struct bt_sb *b, const struct bt_sb *inner)
{
	struct bt_sb m = {0};
	char *end;

	manifest_of(&m, 0);
	ck_assert_ptr_nonnull(end = strstr(m.p, "</asic:ASiCManifest>"));
	bt_sb_add(b, m.p, (size_t)(end - m.p));
	bt_sb_str(b, "<asic:ASiCManifestExtensions><asic:Extension>");
	bt_sb_add(b, inner->p, inner->n);
	bt_sb_str(b, "</asic:Extension></asic:ASiCManifestExtensions>");
	bt_sb_str(b, end);
	free(m.p);
}

/* Elements nested 257 deep (the root is 1) pass; 258 are manifest.xml. */
START_TEST(test_xml_depth)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	struct bt_sb inner = {0}, xml = {0};
	size_t levels = 257 - 3 + (size_t)_i; /* ASiCManifest, its extensions, Extension */
	struct coco_report *r;

	sb_rep(&inner, "<a>", levels);
	sb_rep(&inner, "</a>", levels);
	manifest_with_extension(&xml, &inner);
	r = parse_manifest(ctx, &xml);
	if (_i) {
		expect_finding(r, "manifest.xml", COCO_STATUS_FAIL, BT_MANIFEST, "depth 258");
		expect_message(r, "manifest.xml", "Excessive depth");
	} else {
		expect_finding(r, "manifest.schema", COCO_STATUS_PASS, BT_MANIFEST, "depth 257");
	}
	coco_report_free(r);
	free(inner.p);
	free(xml.p);
	coco_ctx_free(ctx);
}
END_TEST

/* An element name of 50,000 bytes passes; 50,001 is manifest.xml. */
START_TEST(test_xml_name)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	struct bt_sb inner = {0}, xml = {0};
	struct coco_report *r;

	bt_sb_str(&inner, "<");
	sb_fill(&inner, 'n', 50000 + (size_t)_i);
	bt_sb_str(&inner, "/>");
	manifest_with_extension(&xml, &inner);
	r = parse_manifest(ctx, &xml);
	if (_i) {
		expect_finding(r, "manifest.xml", COCO_STATUS_FAIL, BT_MANIFEST, "name 50,001");
		expect_message(r, "manifest.xml", "Name too long");
	} else {
		expect_finding(r, "manifest.schema", COCO_STATUS_PASS, BT_MANIFEST, "name 50,000");
	}
	coco_report_free(r);
	free(inner.p);
	free(xml.p);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- certificates ------------------------------------------------------------------------ */

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	ck_assert_ptr_nonnull(ext);
	ck_assert_int_eq(X509_add_ext(cert, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* A certificate for key named cn, issued by issuer (NULL: self-signed), valid 2026-2030. */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, int ca,
		       long serial)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(name);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
						    (const unsigned char *)cn, -1, -1, 0),
			 1);
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	ck_assert_ptr_nonnull(ASN1_TIME_set(X509_getm_notBefore(x), bt_time("2026-01-01")));
	ck_assert_ptr_nonnull(ASN1_TIME_set(X509_getm_notAfter(x), bt_time("2030-01-01")));
	ck_assert_int_eq(X509_set_subject_name(x, name), 1);
	ck_assert_int_eq(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name), 1);
	ck_assert_int_eq(X509_set_pubkey(x, key), 1);
	add_ext(x, issuer ? issuer : x, NID_basic_constraints,
		ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_ext(x, issuer ? issuer : x, NID_key_usage,
		ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
	if (issuer != NULL)
		add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	ck_assert_int_gt(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()), 0);
	X509_NAME_free(name);
	return x;
}

static void write_pem(const char *path, X509 *const *certs, size_t n)
{
	BIO *b = BIO_new_file(path, "w");
	size_t i;

	ck_assert_ptr_nonnull(b);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(PEM_write_bio_X509(b, certs[i]), 1);
	BIO_free(b);
}

/* Verifies der over m with the signers/ anchors of ctx. */
static struct coco_report *cms_check(struct coco_ctx *ctx, const unsigned char *der, size_t len,
				     const struct bt_sb *m)
{
	struct coco_report *r = NULL;
	struct coco_report_signature *info;
	struct coco_cms_check in;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_ptr_nonnull(info = coco_report_add_signature(r));
	memset(&in, 0, sizeof(in));
	in.sig_entry = BT_SIGNATURE, in.der = der, in.der_len = len;
	in.data_entry = BT_MANIFEST, in.data = (const unsigned char *)m->p, in.data_len = m->n;
	in.trust = 1;
	in.anchors = COCO_ANCHORS_SIGNERS;
	ck_assert_int_eq(coco_cms_verify(ctx, &in, r, info), COCO_OK);
	return r;
}

/* n distinct self-signed certificates that play no part in any chain. */
static STACK_OF(X509) * fillers(size_t n)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	EVP_PKEY *key = EVP_EC_gen("P-256");
	char cn[64];
	size_t i;

	ck_assert_ptr_nonnull(sk);
	ck_assert_ptr_nonnull(key);
	for (i = 0; i < n; i++) {
		snprintf(cn, sizeof(cn), "Filler %zu - TEST ONLY", i);
		ck_assert_int_gt(
		    sk_X509_push(sk, make_cert(cn, key, NULL, NULL, 1, 1000 + (long)i)), 0);
	}
	EVP_PKEY_free(key);
	return sk;
}

/* A CMS with 32 certificates (the director's, its CA and 30 others) verifies; with 33 it
 * is signature.parse. */
START_TEST(test_cms_certs)
{
	struct coco_ctx *ctx = new_ctx("trust");
	STACK_OF(X509) *chain = bt_chain(), *extra = fillers(30 + (size_t)_i);
	struct bt_sign o;
	struct bt_sb m = {0};
	unsigned char *der = NULL;
	size_t len = 0;
	struct coco_report *r;

	while (sk_X509_num(extra) > 0)
		ck_assert_int_gt(sk_X509_push(chain, sk_X509_shift(extra)), 0);
	ck_assert_int_eq(1 + sk_X509_num(chain), (int)COCO_MAX_CERTS + _i);
	memset(&o, 0, sizeof(o));
	o.cert = bt_cert("director");
	o.key = bt_key("director");
	o.chain = chain;
	o.signing_time = bt_time("2026-06-01");
	manifest_of(&m, 0);
	ck_assert_int_eq(bt_cms_sign(&o, (const unsigned char *)m.p, m.n, &der, &len), 0);
	r = cms_check(ctx, der, len, &m);
	if (_i) {
		expect_finding(r, "signature.parse", COCO_STATUS_FAIL, BT_SIGNATURE,
			       "33 certificates");
		expect_message(r, "signature.parse", "more certificates than the limit");
	} else {
		expect_no_finding(r, "signature.parse", COCO_STATUS_FAIL, "32 certificates");
		expect_finding(r, "signature.value", COCO_STATUS_PASS, BT_SIGNATURE,
			       "32 certificates");
		expect_finding(r, "signer.chain", COCO_STATUS_PASS, NULL, "32 certificates");
	}
	coco_report_free(r);
	free(der);
	free(m.p);
	X509_free(o.cert);
	EVP_PKEY_free(o.key);
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(extra, X509_free);
	coco_ctx_free(ctx);
}
END_TEST

/* A chain of 8 intermediate CAs between the signer and its anchor validates; 9 are
 * signer.chain (OpenSSL's "certificate chain too long"). */
START_TEST(test_chain_depth)
{
	const size_t n = COCO_MAX_CHAIN_DEPTH + (size_t)_i;
	EVP_PKEY *keys[COCO_MAX_CHAIN_DEPTH + 3];
	X509 *certs[COCO_MAX_CHAIN_DEPTH + 3];
	STACK_OF(X509) *chain = sk_X509_new_null();
	char *dir = bt_mkdtemp(), *signers = bt_fmt("%s/signers", dir), *root = NULL, cn[64];
	struct coco_ctx *ctx = NULL;
	struct bt_sign o;
	struct bt_sb m = {0};
	unsigned char *der = NULL;
	size_t len = 0, i;
	struct coco_report *r;

	ck_assert_int_eq(COCO_MAX_CHAIN_DEPTH, 8);
	/* certs[0] is the root, certs[1..n] the intermediates, certs[n + 1] the signer */
	for (i = 0; i < n + 2; i++) {
		ck_assert_ptr_nonnull(keys[i] = EVP_EC_gen("P-256"));
		if (i == 0 || i > n)
			snprintf(cn, sizeof(cn), "Depth %s - TEST ONLY", i ? "Signer" : "Root");
		else
			snprintf(cn, sizeof(cn), "Depth CA %zu - TEST ONLY", i);
		certs[i] = make_cert(cn, keys[i], i ? certs[i - 1] : NULL, i ? keys[i - 1] : NULL,
				     i <= n, (long)i + 1);
	}
	for (i = n; i >= 1; i--)
		ck_assert_int_gt(sk_X509_push(chain, X509_dup(certs[i])), 0);
	ck_assert_int_eq(mkdir(signers, 0755), 0);
	root = bt_fmt("%s/root.pem", signers);
	write_pem(root, certs, 1);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, bt_time(AT));
	ck_assert_msg(coco_ctx_load_trust(ctx, dir) == COCO_OK, "%s", coco_ctx_error(ctx));
	memset(&o, 0, sizeof(o));
	o.cert = certs[n + 1];
	o.key = keys[n + 1];
	o.chain = chain;
	o.signing_time = bt_time("2026-06-01");
	manifest_of(&m, 0);
	ck_assert_int_eq(bt_cms_sign(&o, (const unsigned char *)m.p, m.n, &der, &len), 0);
	r = cms_check(ctx, der, len, &m);
	if (_i) {
		expect_finding(r, "signer.chain", COCO_STATUS_FAIL, NULL, "9 intermediates");
		expect_message(r, "signer.chain", "certificate chain too long");
	} else {
		expect_finding(r, "signer.chain", COCO_STATUS_PASS, NULL, "8 intermediates");
	}
	coco_report_free(r);
	for (i = 0; i < n + 2; i++) {
		X509_free(certs[i]);
		EVP_PKEY_free(keys[i]);
	}
	sk_X509_pop_free(chain, X509_free);
	free(der);
	free(m.p);
	free(root);
	free(signers);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* A signer whose certificate and chain are 32 certificates loads; 33 are refused, since
 * verify would refuse the signature. */
START_TEST(test_signer_chain)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	STACK_OF(X509) *extra = fillers(30 + (size_t)_i);
	X509 *all[40];
	char *dir = bt_mkdtemp(), *chain = bt_fmt("%s/chain.pem", dir);
	char *key = bt_fixture("pki/director.key"), *cert = bt_fixture("pki/director.pem");
	struct coco_signer_opts so = {.key_path = key, .cert_path = cert, .chain_path = chain};
	struct coco_signer *s = NULL;
	size_t i, n = 0;
	enum coco_err err;

	all[n++] = bt_cert("signer-ca");
	for (i = 0; i < (size_t)sk_X509_num(extra); i++)
		all[n++] = sk_X509_value(extra, (int)i);
	write_pem(chain, all, n);
	err = coco_signer_load(ctx, &so, &s);
	if (_i)
		expect_error(ctx, err, COCO_ERR_REFUSED, "more than 32 certificates");
	else
		ck_assert_msg(err == COCO_OK && s != NULL, "%s", coco_ctx_error(ctx));
	coco_signer_free(s);
	X509_free(all[0]);
	sk_X509_pop_free(extra, X509_free);
	free(key);
	free(cert);
	free(chain);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- the trust directory ---------------------------------------------------------------- */

/* The whole of fixture file rel. */
static struct bt_sb fixture_bytes(const char *rel)
{
	char *path = bt_fixture("%s", rel);
	unsigned char *p = NULL;
	size_t len = 0;
	struct bt_sb b = {0};

	ck_assert_msg(bt_read(path, &p, &len) == 0, "cannot read %s", path);
	bt_sb_add(&b, p, len);
	free(p);
	free(path);
	return b;
}

static void write_sb(const char *dir, const char *rel, const struct bt_sb *b)
{
	char *path = bt_fmt("%s/%s", dir, rel), *slash = strrchr(path, '/');

	*slash = '\0';
	(void)mkdir(path, 0755);
	*slash = '/';
	ck_assert_int_eq(bt_write(path, b->p, b->n), 0);
	free(path);
}

/* Loads dir as the trust directory of a new context (at AT); returns the library's code. */
static enum coco_err load_trust(const char *dir, struct coco_ctx **ctx, uint64_t total, size_t rows)
{
	ck_assert_int_eq(coco_ctx_new(ctx), COCO_OK);
	coco_ctx_set_time(*ctx, bt_time(AT));
	if (total != 0)
		coco_ctx_limits(*ctx)->trust_total = total;
	if (rows != 0)
		coco_ctx_limits(*ctx)->register_rows = rows;
	return coco_ctx_load_trust(*ctx, dir);
}

/* Pads policy XML with comments of 1 MiB (libxml2 takes at most 10,000,000 bytes in one). */
static void pad_policy(struct bt_sb *b, size_t want)
{
	while (b->n + (1u << 20) + 8 <= want) {
		bt_sb_str(b, "<!--");
		sb_fill(b, 'x', (1u << 20) - 8);
		bt_sb_str(b, "-->\n");
	}
	pad_xml(b, want);
}

/*
 * One trust file of exactly 16 MiB loads, one of 16 MiB + 1 is COCO_ERR_LIMIT: an anchor
 * (0, 1), a CRL (2, 3) and policy.xml (4, 5), which was refused past 1 MiB before. PEM
 * readers skip what is not PEM, so zeros (a hole) pad the PEM files; the policy is padded
 * with comments. A file over the limit is refused by its size, unread.
 */
START_TEST(test_trust_file_size)
{
	static const char *const rel[3] = {"signers/root-ca.pem", "crl/root-ca.crl.pem",
					   "policy.xml"};
	const char *file = rel[_i / 2];
	char *dir = bt_mkdtemp(), *trust = bt_fixture("trust"), *src;
	struct coco_ctx *ctx = NULL;
	struct bt_sb b;
	enum coco_err err;

	ck_assert_int_eq(bt_copytree(trust, dir), 0);
	src = bt_fmt("trust/%s", file);
	b = fixture_bytes(src);
	if (_i == 4)
		pad_policy(&b, COCO_MAX_TRUST_FILE);
	write_sb(dir, file, &b);
	free(src);
	src = bt_fmt("%s/%s", dir, file);
	if (_i != 4)
		ck_assert_int_eq(truncate(src, (off_t)COCO_MAX_TRUST_FILE + _i % 2), 0);
	err = load_trust(dir, &ctx, 0, 0);
	if (_i % 2)
		expect_error(ctx, err, COCO_ERR_LIMIT, "larger than 16777216 bytes");
	else
		ck_assert_msg(err == COCO_OK, "%s of 16 MiB: %s", file, coco_ctx_error(ctx));
	coco_ctx_free(ctx);
	free(b.p);
	free(src);
	free(trust);
	bt_rmtree(dir);
	free(dir);
}
END_TEST

/* A comment of 10,000,000 bytes in policy.xml loads; 10,000,001 is not well-formed. */
START_TEST(test_xml_comment)
{
	char *dir = bt_mkdtemp();
	struct coco_ctx *ctx = NULL;
	struct bt_sb b = fixture_bytes("trust/policy.xml");
	enum coco_err err;

	bt_sb_str(&b, "<!--");
	sb_fill(&b, 'x', 10000000 + (size_t)_i);
	bt_sb_str(&b, "-->\n");
	write_sb(dir, "policy.xml", &b);
	err = load_trust(dir, &ctx, 0, 0);
	if (_i)
		expect_error(ctx, err, COCO_ERR_FORMAT, "Comment too big");
	else
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
	coco_ctx_free(ctx);
	free(b.p);
	bt_rmtree(dir);
	free(dir);
}
END_TEST

/* n files in folder rel of a fresh trust directory, each a copy of b, named NNNN<ext>. */
static void many_files(const char *dir, const char *rel, const char *ext, const struct bt_sb *b,
		       size_t n)
{
	char name[64];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s/%04zu%s", rel, i, ext);
		write_sb(dir, name, b);
	}
}

/* Files in one trust folder, the limit scaled down from 1,024 to 3: 3 load, 4 are
 * COCO_ERR_LIMIT, in signers/ (read by trust.c; 0, 1) and registers/ (policy.c; 2, 3). */
START_TEST(test_trust_files)
{
	char *dir = bt_mkdtemp();
	struct coco_ctx *ctx = NULL;
	struct bt_sb b = _i < 2 ? fixture_bytes("trust/signers/root-ca.pem")
				: fixture_bytes("trust/registers/cyber-essentials-plus.csv");
	enum coco_err err;

	many_files(dir, _i < 2 ? "signers" : "registers", _i < 2 ? ".pem" : ".csv", &b,
		   3 + (size_t)(_i % 2));
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, bt_time(AT));
	coco_ctx_limits(ctx)->trust_files = 3;
	err = coco_ctx_load_trust(ctx, dir);
	if (_i % 2)
		expect_error(ctx, err, COCO_ERR_LIMIT, "more than 3 files");
	else
		ck_assert_msg(err == COCO_OK, "3 files: %s", coco_ctx_error(ctx));
	coco_ctx_free(ctx);
	free(b.p);
	bt_rmtree(dir);
	free(dir);
}
END_TEST

/* 1,024 anchors in signers/ load (here, copies in one file); 1,025 are COCO_ERR_LIMIT. */
START_TEST(test_anchors)
{
	char *dir = bt_mkdtemp();
	struct coco_ctx *ctx = NULL;
	struct bt_sb one = fixture_bytes("trust/signers/root-ca.pem"), b = {0};
	enum coco_err err;
	size_t i;

	for (i = 0; i < COCO_MAX_ANCHORS + (size_t)_i; i++)
		bt_sb_add(&b, one.p, one.n);
	write_sb(dir, "signers/all.pem", &b);
	err = load_trust(dir, &ctx, 0, 0);
	if (_i)
		expect_error(ctx, err, COCO_ERR_LIMIT, "more than 1024 certificates in signers/");
	else
		ck_assert_msg(err == COCO_OK, "1,024 anchors: %s", coco_ctx_error(ctx));
	coco_ctx_free(ctx);
	free(one.p);
	free(b.p);
	bt_rmtree(dir);
	free(dir);
}
END_TEST

/* 1,024 CRLs in crl/ load (copies in one file); 1,025 are COCO_ERR_LIMIT. */
START_TEST(test_crls)
{
	char *dir = bt_mkdtemp();
	struct coco_ctx *ctx = NULL;
	struct bt_sb one = fixture_bytes("trust/crl/root-ca.crl.pem"), b = {0};
	enum coco_err err;
	size_t i;

	for (i = 0; i < COCO_MAX_CRLS + (size_t)_i; i++)
		bt_sb_add(&b, one.p, one.n);
	write_sb(dir, "crl/all.pem", &b);
	err = load_trust(dir, &ctx, 0, 0);
	if (_i)
		expect_error(ctx, err, COCO_ERR_LIMIT, "more than 1024 CRLs in crl/");
	else
		ck_assert_msg(err == COCO_OK, "1,024 CRLs: %s", coco_ctx_error(ctx));
	coco_ctx_free(ctx);
	free(one.p);
	free(b.p);
	bt_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * The trust directory's files add up to at most the limit (scaled down from 256 MiB):
 * an anchor and policy.xml of exactly the limit load (0); one byte less of limit fails on
 * policy.xml (1); less than the anchor fails on the anchor (2).
 */
START_TEST(test_trust_total)
{
	char *dir = bt_mkdtemp();
	struct coco_ctx *ctx = NULL;
	struct bt_sb pem = fixture_bytes("trust/signers/root-ca.pem");
	struct bt_sb pol = fixture_bytes("trust/policy.xml");
	const uint64_t limits[3] = {pem.n + pol.n, pem.n + pol.n - 1, pem.n - 1};
	static const char *const culprit[3] = {NULL, "policy.xml", "root-ca.pem"};
	enum coco_err err;

	write_sb(dir, "signers/root-ca.pem", &pem);
	write_sb(dir, "policy.xml", &pol);
	err = load_trust(dir, &ctx, limits[_i], 0);
	if (_i) {
		expect_error(ctx, err, COCO_ERR_LIMIT, "add up to more than");
		expect_error(ctx, err, COCO_ERR_LIMIT, culprit[_i]);
	} else {
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
	}
	coco_ctx_free(ctx);
	free(pem.p);
	free(pol.p);
	bt_rmtree(dir);
	free(dir);
}
END_TEST

/* Register rows (the limit scaled down from 1,000,000 to 3): 3 load, 4 are COCO_ERR_LIMIT
 * naming the file and line. */
START_TEST(test_register_rows)
{
	char *dir = bt_mkdtemp();
	struct coco_ctx *ctx = NULL;
	struct bt_sb b = {0};
	enum coco_err err;
	size_t i;

	bt_sb_str(&b, "scheme,number,holder,issued,expires\n");
	for (i = 0; i < 3 + (size_t)_i; i++)
		bt_sb_str(&b, "cyber-essentials-plus,CEP-1,Holder Ltd,2026-01-01,2027-01-01\n");
	write_sb(dir, "registers/r.csv", &b);
	err = load_trust(dir, &ctx, 0, 3);
	if (_i)
		expect_error(ctx, err, COCO_ERR_LIMIT, "r.csv' line 5: more than 3 rows");
	else
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
	coco_ctx_free(ctx);
	free(b.p);
	bt_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- create: the folder walk and the writer ------------------------------------------- */

/* 32 nested folders are walked; 33 are COCO_ERR_LIMIT. */
START_TEST(test_folder_depth)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp();
	struct bt_sb path = {0};
	struct coco_folder l;
	enum coco_err err;
	size_t i;

	bt_sb_str(&path, dir);
	for (i = 0; i < (size_t)COCO_MAX_FOLDER_DEPTH + (size_t)_i; i++) {
		bt_sb_str(&path, "/d");
		ck_assert_int_eq(mkdir(path.p, 0755), 0);
	}
	bt_sb_str(&path, "/f.txt");
	ck_assert_int_eq(bt_write(path.p, "x", 1), 0);
	memset(&l, 0, sizeof(l));
	err = coco_folder_collect(ctx, dir, &l);
	if (_i) {
		expect_error(ctx, err, COCO_ERR_LIMIT, "nested too deeply");
	} else {
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
		ck_assert_uint_eq(l.n, 1);
		ck_assert_uint_eq(strlen(l.names[0]), 2 * COCO_MAX_FOLDER_DEPTH + 5);
	}
	coco_folder_release(&l);
	free(path.p);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* With the entry limit scaled down from 10,000 to 13: 10 files are walked (with the
 * mimetype, manifest and signature: 13 entries); 11 are COCO_ERR_LIMIT (0, 1). 13 names
 * that cannot be packaged (here, links) are listed; 14 are COCO_ERR_LIMIT (2, 3). */
START_TEST(test_folder_count)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp(), *sub = bt_fmt("%s/f", dir), name[600];
	size_t n = (_i < 2 ? 10 : 13) + (size_t)(_i % 2), i;
	struct coco_folder l;
	enum coco_err err;

	coco_ctx_limits(ctx)->entries = 13;
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s/%05zu", sub, i);
		if (_i < 2)
			ck_assert_int_eq(bt_write(name, "", 0), 0);
		else
			ck_assert_int_eq(symlink("/nowhere", name), 0);
	}
	memset(&l, 0, sizeof(l));
	err = coco_folder_collect(ctx, dir, &l);
	if (_i % 2) {
		expect_error(ctx, err, COCO_ERR_LIMIT,
			     _i < 2 ? "more than 10 files to package"
				    : "more than 13 names that cannot be packaged");
	} else {
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
		ck_assert_uint_eq(_i < 2 ? l.n : l.n_problems, n);
	}
	coco_folder_release(&l);
	free(sub);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* Writes the mimetype and n entries d/NNNNN of len bytes to path with ctx's limits. */
static enum coco_err write_zip(struct coco_ctx *ctx, const char *path, size_t n, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct coco_zipw *w = NULL;
	unsigned char data[64] = {0};
	char name[32];
	enum coco_err err;
	size_t i;

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_le(len, sizeof(data));
	err = coco_zipw_new(ctx, fd, path, &w);
	for (i = 0; err == COCO_OK && i < n; i++) {
		snprintf(name, sizeof(name), "d/%05zu", i);
		err = coco_zipw_add_mem(w, name, data, len, 0);
	}
	if (err == COCO_OK)
		err = coco_zipw_finish(w);
	coco_zipw_free(w);
	close(fd);
	return err;
}

/* The writer makes 10,000 entries (the mimetype and 9,999), not 10,001. */
START_TEST(test_writer_entries)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp(), *path = bt_fmt("%s/w.coco", dir);
	enum coco_err err = write_zip(ctx, path, COCO_MAX_ENTRIES - 1 + (size_t)_i, 0);
	struct coco_report *r;
	int ok;

	if (_i) {
		expect_error(ctx, err, COCO_ERR_LIMIT, "more than 10000 entries");
	} else {
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
		r = open_only(ctx, path, &ok);
		ck_assert_msg(ok, "%s", bt_dump(r));
		coco_report_free(r);
	}
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* A bundle of exactly the writer's size limit (scaled down from 4 GiB - 2) is written;
 * one byte less of limit is COCO_ERR_LIMIT (0, 1). An entry of exactly the entry limit
 * (scaled down from 4 GiB to 40 bytes) is written; one byte more is COCO_ERR_LIMIT (2, 3). */
START_TEST(test_writer_sizes)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp(), *path = bt_fmt("%s/w.coco", dir);
	struct stat st;
	enum coco_err err;

	if (_i < 2) {
		ck_assert_int_eq(write_zip(ctx, path, 2, 10), COCO_OK);
		ck_assert_int_eq(stat(path, &st), 0);
		coco_ctx_limits(ctx)->bundle_size = (uint64_t)st.st_size - (uint64_t)_i;
		err = write_zip(ctx, path, 2, 10);
	} else {
		coco_ctx_limits(ctx)->entry_size = 40; /* the mimetype is 31 bytes */
		err = write_zip(ctx, path, 2, 40 + (size_t)(_i % 2));
	}
	if (_i % 2)
		expect_error(ctx, err, COCO_ERR_LIMIT, _i < 2 ? "limited to" : "entry limit");
	else
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- what create and countersign write must be what verify reads ---------------------- */

/*
 * The manifests here are tuned to the meta_size limit scaled down from 1 MiB to 16 KiB (it
 * bounds what verify reads and what create and countersign write alike), so that a few
 * dozen files make one; test_manifest_size reads one of the real 1 MiB.
 */
#define SCALED_META (16u << 10)
#define LONG_DIR_LEN (2 + 51) /* x/ and a folder of 50 characters */

/* The length of the manifest coco_manifest_build makes over names (digests do not count). */
static size_t manifest_len(const char *sigref, const char *const *names, size_t n,
			   const char *rootfile)
{
	struct coco_manifest_ref *refs = calloc(n + 1, sizeof(*refs));
	size_t i, len = 0;
	char *m;

	ck_assert_ptr_nonnull(refs);
	for (i = 0; i < n; i++) {
		refs[i].name = (char *)names[i]; /* only read */
		refs[i].rootfile = rootfile != NULL && strcmp(names[i], rootfile) == 0;
	}
	ck_assert_ptr_nonnull(m = coco_manifest_build(sigref, refs, n, &len));
	free(m);
	free(refs);
	return len;
}

/* Extra file k of a tuned folder: x/<50 characters>/NNNN<pad characters>.txt. */
static char *long_name(size_t k, size_t pad)
{
	struct bt_sb b = {0};
	char num[24];

	bt_sb_str(&b, "x/");
	sb_fill(&b, 'a', 50), bt_sb_str(&b, "/");
	ck_assert_uint_eq(b.n, LONG_DIR_LEN);
	snprintf(num, sizeof(num), "%04zu", k);
	bt_sb_str(&b, num);
	sb_fill(&b, 'd', pad);
	bt_sb_str(&b, ".txt");
	return b.p;
}

/*
 * Copies the example to dir and adds .txt files, each referenced by one of its elements,
 * whose names make the manifest create writes exactly want bytes long (with no more than
 * 250 references an element).
 */
static void tuned_folder(struct coco_ctx *ctx, const char *dir, size_t want)
{
	char *example = bt_fixture("example"), **names, *path, *xml;
	struct coco_folder l;
	size_t n, base, k, extra, i, len, one, empty, *pad;
	struct bt_sb refs = {0};

	ck_assert_int_eq(bt_copytree(example, dir), 0);
	free(example);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(coco_folder_collect(ctx, dir, &l), COCO_OK);
	base = l.n;
	names = calloc(base + 4000, sizeof(*names));
	pad = calloc(4000, sizeof(*pad));
	ck_assert_ptr_nonnull(names);
	ck_assert_ptr_nonnull(pad);
	for (i = 0; i < base; i++)
		names[i] = l.names[i];
	/* as many files with 20 padding characters as fit, then the rest spread over them;
	 * each reference adds the same bytes wherever it sits */
	len = manifest_len("META-INF/signature001.p7s", (const char *const *)names, base,
			   "assessment.xml");
	empty = manifest_len("META-INF/signature001.p7s", NULL, 0, NULL);
	for (n = base, extra = 0;; n++, extra++) {
		names[n] = long_name(extra, pad[extra] = 20);
		one = manifest_len("META-INF/signature001.p7s", (const char *const *)&names[n], 1,
				   NULL) -
		      empty;
		if (len + one > want)
			break;
		len += one;
	}
	free(names[n]);
	for (k = 0; len < want; k++) {
		size_t add = want - len < 90 ? want - len : 90;
		ck_assert_uint_lt(k, extra);
		free(names[base + k]);
		names[base + k] = long_name(k, pad[k] += add);
		len += add;
	}
	ck_assert_uint_eq(manifest_len("META-INF/signature001.p7s", (const char *const *)names, n,
				       "assessment.xml"),
			  want);
	/* the files, and their references spread over the elements before </element> */
	path = bt_fmt("%s/%.*s", dir, LONG_DIR_LEN - 1, names[base]);
	*strchr(path + strlen(dir) + 1, '/') = '\0';
	ck_assert_int_eq(mkdir(path, 0755), 0);
	path[strlen(path)] = '/';
	ck_assert_int_eq(mkdir(path, 0755), 0);
	free(path);
	xml = bt_fmt("%s/assessment.xml", dir);
	for (i = 0; i < extra; i++) {
		path = bt_fmt("%s/%s", dir, names[base + i]);
		ck_assert_int_eq(bt_write(path, "x", 1), 0);
		free(path);
		bt_sb_str(&refs, "<supportingFile>");
		bt_sb_str(&refs, names[base + i]);
		bt_sb_str(&refs, "</supportingFile>");
		if ((i + 1) % 250 == 0 || i + 1 == extra) {
			bt_sb_str(&refs, "</element >");
			ck_assert_int_eq(bt_replace(xml, "</element>", refs.p), 0);
			refs.n = 0;
		}
		free(names[base + i]);
	}
	free(refs.p);
	free(xml);
	free(names);
	free(pad);
	coco_folder_release(&l);
}

/* The length of entry name in the zip at path. */
static size_t entry_len(const char *path, const char *name)
{
	struct bt_parts l;
	struct bt_part *p;
	size_t len;

	ck_assert_int_eq(bt_zip_read(path, &l), 0);
	ck_assert_ptr_nonnull(p = bt_parts_find(&l, name));
	len = p->len;
	bt_parts_free(&l);
	return len;
}

static enum coco_err create_as_director(struct coco_ctx *ctx, const char *dir, const char *out)
{
	struct coco_create_opts o = {COCO_CREATE_NO_LINT, NULL, NULL};
	struct coco_signer *s = bt_signer(ctx, "director");
	enum coco_err err;

	ck_assert_msg(s != NULL, "%s", coco_ctx_error(ctx));
	err = coco_create(ctx, dir, out, s, &o);
	coco_signer_free(s);
	return err;
}

/* create packages a folder whose manifest is exactly the limit, which verify reads; one
 * byte more is refused before anything is written (COCO_ERR_LIMIT). */
START_TEST(test_create_manifest)
{
	struct coco_ctx *ctx = new_ctx("trust");
	char *dir = bt_mkdtemp(), *sub = bt_fmt("%s/sub", dir), *out = bt_fmt("%s/o.coco", dir);
	struct coco_report *r;
	enum coco_err err;

	coco_ctx_set_time(ctx, bt_time("2027-01-01"));
	coco_ctx_limits(ctx)->meta_size = SCALED_META;
	tuned_folder(ctx, sub, SCALED_META + (size_t)_i);
	err = create_as_director(ctx, sub, out);
	if (_i) {
		expect_error(ctx, err, COCO_ERR_LIMIT, "over the 16384 bytes verify reads");
		ck_assert_int_ne(access(out, F_OK), 0);
	} else {
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
		ck_assert_uint_eq(entry_len(out, BT_MANIFEST), SCALED_META);
		r = verify_path(ctx, out);
		expect_finding(r, "manifest.schema", COCO_STATUS_PASS, BT_MANIFEST, "the limit");
		expect_finding(r, "signature.value", COCO_STATUS_PASS, BT_SIGNATURE, "the limit");
		coco_report_free(r);
	}
	free(out);
	free(sub);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* countersign adds a sign-off whose manifest is exactly the limit, which verify reads;
 * one byte more is refused (COCO_ERR_LIMIT) and nothing is written. */
START_TEST(test_countersign_manifest)
{
	static const char *const applicant[] = {"assessment.xml"};
	static const char *const siro[] = {"assessment.xml", "META-INF/ASiCManifest001.xml",
					   "META-INF/signature001.p7s", "signoff/decision-002.xml",
					   "signoff/report-002.xml"};
	struct coco_ctx *ctx = new_ctx("trust");
	char *dir = bt_mkdtemp(), *sub = bt_fmt("%s/sub", dir), *in = bt_fmt("%s/a.coco", dir);
	char *out = bt_fmt("%s/s.coco", dir);
	struct coco_countersign_opts o = {COCO_DECISION_REJECTED, NULL, NULL, 0};
	/* what the sign-off's manifest lists beyond the applicant's, and no Rootfile */
	size_t grow = manifest_len("META-INF/signature002.p7s", siro, 5, NULL) -
		      manifest_len("META-INF/signature001.p7s", applicant, 1, "assessment.xml");
	struct coco_signer *s;
	struct coco_report *r;
	enum coco_err err;

	coco_ctx_set_time(ctx, bt_time("2027-01-01"));
	coco_ctx_limits(ctx)->meta_size = SCALED_META;
	tuned_folder(ctx, sub, SCALED_META - grow + (size_t)_i);
	ck_assert_msg(create_as_director(ctx, sub, in) == COCO_OK, "%s", coco_ctx_error(ctx));
	coco_ctx_set_time(ctx, bt_time("2027-01-05"));
	ck_assert_ptr_nonnull(s = bt_signer(ctx, "siro"));
	err = coco_countersign(ctx, in, out, s, &o);
	coco_signer_free(s);
	if (_i) {
		expect_error(ctx, err, COCO_ERR_LIMIT, "over the 16384 bytes verify reads");
		ck_assert_int_ne(access(out, F_OK), 0);
	} else {
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
		ck_assert_uint_eq(entry_len(out, "META-INF/ASiCManifest002.xml"), SCALED_META);
		coco_ctx_set_time(ctx, bt_time("2027-02-01"));
		r = verify_path(ctx, out);
		expect_finding(r, "signoff.decision", COCO_STATUS_PASS, "signoff/decision-002.xml",
			       "the limit");
		coco_report_free(r);
	}
	free(in);
	free(out);
	free(sub);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- the schemas' bounds ------------------------------------------------------------------ */

enum doc { ASSESSMENT, POLICY, BODIES };

#define CERT                                                                                       \
	"<baselineCertificate scheme=\"cyber-essentials-plus\"><number>N</number><body>B</body>"   \
	"<holder>H</holder><scope>S</scope><issued>2026-09-15</issued>"                            \
	"<expires>2027-09-15</expires><file>evidence/cyber-essentials-plus.pdf</file>"             \
	"</baselineCertificate>\n"
#define POLICY_EL                                                                                  \
	"<policy kind=\"other\" file=\"policies/p.pdf\"><title>T</title><version>1</version>"      \
	"<approved>2026-06-01</approved><nextReview>2027-10-01</nextReview></policy>\n"
#define HEX64 "0000000000000000000000000000000000000000000000000000000000000000"

/*
 * One bound of a schema: unit repeated (count + 0 or 1) times, inserted before `at` (or,
 * with replace, in its place between pre and post); or, without unit, `at` replaced by
 * pre + the at-limit or over value + post.
 */
static const struct schema_case {
	const char *what;
	enum doc doc;
	const char *at, *pre, *unit, *post;
	size_t count;
	int replace;
	const char *value[2];
} schema_cases[] = {
    {"baseline certificates: 16",
     ASSESSMENT,
     "  <element id=\"CoCo-1\" complies=\"yes\">",
     "",
     CERT,
     "",
     15,
     0,
     {0}},
    {"elements: 32",
     ASSESSMENT,
     "  <policies>",
     "",
     "<element id=\"CoCo-9\" complies=\"yes\"><statement>s</statement></element>\n",
     "",
     21,
     0,
     {0}},
    {"supporting files of an element: 256",
     ASSESSMENT,
     "</element>\n  <element id=\"CoCo-2\" complies=\"yes\">",
     "",
     "<supportingFile>a.pdf</supportingFile>",
     "",
     256,
     0,
     {0}},
    {"policies: 64", ASSESSMENT, "  </policies>", "", POLICY_EL, "", 62, 0, {0}},
    {"countries: 64",
     ASSESSMENT,
     "<supportedFrom>GB IE</supportedFrom>",
     "<supportedFrom>",
     "GB ",
     "</supportedFrom>",
     64,
     1,
     {0}},
    {"a statement: 20,000 characters",
     ASSESSMENT,
     "Incidents that may compromise SIA data are reported to SIA within 24 hours by our "
     "incident manager.",
     "",
     "x",
     "",
     20000,
     1,
     {0}},
    {"a line of text: 1,000 characters",
     ASSESSMENT,
     "Example Guarding Ltd</legalName>",
     "",
     "x",
     "</legalName>",
     1000,
     1,
     {0}},
    {"a path: 1,024 characters",
     ASSESSMENT,
     "<file>evidence/cyber-essentials-plus.pdf</file>",
     "<file>",
     "p",
     "</file>",
     1024,
     1,
     {0}},
    {"scope keywords of a scheme: 32",
     POLICY,
     "    <wholeScope>whole organisation</wholeScope>",
     "",
     "<scopeKeyword>k</scopeKeyword>",
     "",
     32,
     0,
     {0}},
    {"scope exclusions of a scheme: 64",
     POLICY,
     "    <wholeScope>whole organisation</wholeScope>",
     "",
     "<scopeExclusion>e</scopeExclusion>",
     "",
     64,
     0,
     {0}},
    {"whole scopes of a scheme: 32",
     POLICY,
     "    <register>the IASME",
     "",
     "<wholeScope>w</wholeScope>",
     "",
     29,
     0,
     {0}},
    {"a phrase: 200 characters",
     POLICY,
     "<name>Cyber Essentials Plus</name>",
     "<name>",
     "x",
     "</name>",
     200,
     1,
     {0}},
    {"validity months: 120",
     POLICY,
     "maxValidityMonths=\"12\"",
     "maxValidityMonths=\"",
     NULL,
     "\"",
     0,
     1,
     {"120", "121"}},
    {"days: 36,500",
     POLICY,
     "<expiryWarningDays>60</expiryWarningDays>",
     "<expiryWarningDays>",
     NULL,
     "</expiryWarningDays>",
     0,
     1,
     {"36500", "36501"}},
    {"certification bodies: 4,096",
     BODIES,
     "</bodies>",
     "",
     "<body schemes=\"iso27001-2022\"><name>B</name></body>\n",
     "",
     4094,
     0,
     {0}},
    {"aliases of a body: 16", BODIES, "    <anchor sha256", "", "<alias>a</alias>", "", 15, 0, {0}},
    {"CA anchors of a body: 16",
     BODIES,
     "  </body>",
     "",
     "<anchor sha256=\"" HEX64 "\"/>",
     "",
     15,
     0,
     {0}},
    {"a body's name: 300 characters",
     BODIES,
     "<name>Example ISO Registrar Ltd - TEST ONLY</name>",
     "<name>",
     "x",
     "</name>",
     300,
     1,
     {0}},
};

static void edit_doc(struct bt_sb *b, const struct schema_case *c, int over)
{
	char *at = strstr(b->p, c->at);
	struct bt_sb out = {0};

	ck_assert_msg(at != NULL, "%s: '%s' is not in the base document", c->what, c->at);
	bt_sb_add(&out, b->p, (size_t)(at - b->p));
	bt_sb_str(&out, c->pre);
	if (c->unit != NULL)
		sb_rep(&out, c->unit, c->count + (size_t)over);
	else
		bt_sb_str(&out, c->value[over]);
	bt_sb_str(&out, c->post);
	bt_sb_str(&out, c->replace ? at + strlen(c->at) : at);
	free(b->p);
	*b = out;
}

/* Each bound at the limit validates; one past it fails assessment.schema, or makes the
 * trust directory fail to load (COCO_ERR_FORMAT, the schema's complaint). */
START_TEST(test_schema_bounds)
{
	static const char *const base[3] = {"example/assessment.xml", "trust/policy.xml",
					    "trust/bodies/bodies.xml"};
	const struct schema_case *c = &schema_cases[_i / 2];
	const int over = _i % 2;
	struct coco_ctx *ctx = new_ctx(NULL);
	struct bt_sb b = fixture_bytes(base[c->doc]);
	char *dir = bt_mkdtemp();

	edit_doc(&b, c, over);
	if (c->doc == ASSESSMENT) {
		struct coco_report *r = NULL;
		struct coco_assessment *a = NULL;
		ck_assert_int_eq(coco_report_new(&r), COCO_OK);
		ck_assert_int_eq(
		    coco_assessment_parse(ctx, r, (unsigned char *)b.p, b.n, "assessment.xml", &a),
		    COCO_OK);
		expect_finding(r, "assessment.schema", over ? COCO_STATUS_FAIL : COCO_STATUS_PASS,
			       "assessment.xml", c->what);
		coco_assessment_free(a);
		coco_report_free(r);
	} else {
		enum coco_err err;
		write_sb(dir, c->doc == POLICY ? "policy.xml" : "bodies/bodies.xml", &b);
		err = coco_ctx_load_trust(ctx, dir);
		if (over)
			expect_error(ctx, err, COCO_ERR_FORMAT, "cannot load");
		else
			ck_assert_msg(err == COCO_OK, "%s: %s", c->what, coco_ctx_error(ctx));
	}
	free(b.p);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* n supporting files f/NNNNN.pdf from *k on. */
static void files_from(struct bt_sb *b, size_t *k, size_t n)
{
	char f[64];
	size_t i;

	for (i = 0; i < n; i++, (*k)++) {
		snprintf(f, sizeof(f), "<supportingFile>f/%05zu.pdf</supportingFile>", *k);
		bt_sb_str(b, f);
	}
}

/*
 * An assessment at every bound of the schema's that references files (16 certificates,
 * 32 elements of 256 files, 64 policies: 8,272 references, all distinct here) has every
 * reference checked against the submission: none is dropped by the fixed-size list
 * (MAX_REFS) verify sorts them in. One more cannot be written: the schema refuses it.
 */
START_TEST(test_assessment_refs)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	struct bt_sb b = fixture_bytes("example/assessment.xml"), els = {0};
	struct coco_report *r = NULL;
	struct coco_assessment *a = NULL;
	struct coco_submission sub;
	const char **refs = calloc(20000, sizeof(*refs)), **files = calloc(20000, sizeof(*files));
	size_t i, n, k = 0, nf = 0;
	char at[64];

	ck_assert_ptr_nonnull(refs);
	ck_assert_ptr_nonnull(files);
	edit_doc(&b, &schema_cases[0], 0); /* 16 certificates, all one file */
	for (i = 0; i < 11; i++) {         /* the 11 elements' files */
		struct schema_case c = {"", ASSESSMENT, at, "", "", "", 0, 0, {0}};
		struct bt_sb f = {0};
		snprintf(at, sizeof(at), "</element>\n  <element id=\"CoCo-%zu\" complies=\"yes\">",
			 i + 2);
		if (i == 10)
			c.at = "</element>\n  <policies>";
		files_from(&f, &k, i == 2 ? 255 : 256); /* CoCo-3 has one */
		c.pre = f.p;
		edit_doc(&b, &c, 0);
		free(f.p);
	}
	for (i = 0; i < 21; i++) { /* 21 more elements */
		bt_sb_str(&els, "<element id=\"CoCo-9\" complies=\"yes\"><statement>s</statement>");
		files_from(&els, &k, 256);
		bt_sb_str(&els, "</element>\n");
	}
	{
		struct schema_case c = {"", ASSESSMENT, "  <policies>", els.p, "", "", 0, 0, {0}};
		edit_doc(&b, &c, 0);
	}
	els.n = 0; /* 62 more policies, each its own file: the last references in the list */
	for (i = 0; i < 62; i++) {
		char pol[256];
		snprintf(pol, sizeof(pol),
			 "<policy kind=\"other\" file=\"p/%02zu.pdf\"><title>T</title>"
			 "<version>1</version><approved>2026-06-01</approved>"
			 "<nextReview>2027-10-01</nextReview></policy>\n",
			 i);
		bt_sb_str(&els, pol);
	}
	{
		struct schema_case c = {"", ASSESSMENT, "  </policies>", els.p, "", "", 0, 0, {0}};
		edit_doc(&b, &c, 0);
	}
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(
	    coco_assessment_parse(ctx, r, (unsigned char *)b.p, b.n, "assessment.xml", &a),
	    COCO_OK);
	ck_assert_msg(a != NULL, "%s", bt_dump(r));
	ck_assert_uint_le(b.n, COCO_MAX_META_SIZE);
	n = coco_assessment_refs(a, refs, 20000);
	ck_assert_uint_eq(n, 16 + 32 * 256 + 64);
	/* the submission holds exactly the distinct files referenced */
	memcpy(files, refs, n * sizeof(*refs));
	qsort(files, n, sizeof(*files), cmp_strp);
	for (i = 0; i < n; i++)
		if (nf == 0 || strcmp(files[nf - 1], files[i]) != 0)
			files[nf++] = files[i];
	coco_report_free(r);
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	memset(&sub, 0, sizeof(sub));
	sub.files = files;
	sub.n_files = nf;
	sub.at_day = sub.signed_day = coco_day_of(bt_time(AT));
	ck_assert_int_eq(coco_submission_check(ctx, r, (unsigned char *)b.p, b.n, &sub), COCO_OK);
	expect_no_finding(r, "assessment.unreferenced", COCO_STATUS_FAIL, "8,272 references");
	expect_no_finding(r, "assessment.reference", COCO_STATUS_FAIL, "8,272 references");
	coco_report_free(r);
	coco_assessment_free(a); /* files point into it */
	free(refs);
	free(files);
	free(els.p);
	free(b.p);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- assessment.xml and the sign-off decision: 1 MiB --------------------------------- */

/* The sample applicant with assessment.xml replaced by xml, signed by the director on
 * 2027-01-01 into path (written whole, as create would, but whatever its size). */
static void example_bundle(struct coco_ctx *ctx, const char *path, const struct bt_sb *xml)
{
	static const char *const rel[3] = {"evidence/cyber-essentials-plus.pdf",
					   "policies/acceptable-use-policy.pdf",
					   "policies/information-security-policy.pdf"};
	struct bt_part parts[4];
	struct bt_sb files[3];
	struct bt_bundle b;
	struct coco_signer *s;
	size_t i;

	parts[0] = (struct bt_part){"assessment.xml", (const unsigned char *)xml->p, xml->n, 1};
	for (i = 0; i < 3; i++) {
		char *f = bt_fmt("example/%s", rel[i]);
		files[i] = fixture_bytes(f);
		free(f);
		parts[i + 1] =
		    (struct bt_part){rel[i], (const unsigned char *)files[i].p, files[i].n, 0};
	}
	coco_ctx_set_time(ctx, bt_time("2027-01-01"));
	ck_assert_ptr_nonnull(s = bt_signer(ctx, "director"));
	memset(&b, 0, sizeof(b));
	b.data = parts, b.n = 4, b.signer = s;
	ck_assert_msg(bt_bundle_write(ctx, path, &b) == 0, "%s", coco_ctx_error(ctx));
	coco_signer_free(s);
	for (i = 0; i < 3; i++)
		free(files[i].p);
}

/*
 * assessment.xml of exactly 1 MiB is read and validated, by verify (0, 1) and by lint
 * (2, 3); 1 MiB + 1 is assessment.xml ("larger than 1048576 bytes").
 */
START_TEST(test_assessment_size)
{
	struct coco_ctx *ctx = new_ctx("trust");
	char *dir = bt_mkdtemp(), *path = bt_fmt("%s/a.coco", dir), *sub = bt_fmt("%s/sub", dir);
	struct bt_sb xml = fixture_bytes("example/assessment.xml");
	struct coco_report *r = NULL;
	const int over = _i % 2;

	pad_xml(&xml, COCO_MAX_META_SIZE + (size_t)over);
	if (_i < 2) {
		example_bundle(ctx, path, &xml);
		coco_ctx_set_time(ctx, bt_time("2027-01-02"));
		r = verify_path(ctx, path);
		expect_finding(r, "signature.value", COCO_STATUS_PASS, NULL, "signed");
	} else {
		char *example = bt_fixture("example");
		ck_assert_int_eq(bt_copytree(example, sub), 0);
		free(example);
		write_sb(sub, "assessment.xml", &xml);
		ck_assert_int_eq(coco_report_new(&r), COCO_OK);
		ck_assert_msg(coco_lint(ctx, sub, r) == COCO_OK, "%s", coco_ctx_error(ctx));
	}
	if (over) {
		expect_finding(r, "assessment.xml", COCO_STATUS_FAIL, "assessment.xml",
			       "1 MiB + 1");
		expect_message(r, "assessment.xml", "larger than 1048576 bytes");
	} else {
		expect_no_finding(r, "assessment.xml", COCO_STATUS_FAIL, "1 MiB");
		expect_finding(r, "assessment.schema", COCO_STATUS_PASS, "assessment.xml", "1 MiB");
	}
	coco_report_free(r);
	free(xml.p);
	free(sub);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

#define DECISION "signoff/decision-002.xml"

/* The sample applicant signed off (rejected) by the SIRO on 2027-01-05 with comment. */
static void signed_off(struct coco_ctx *ctx, const char *dir, const char *out, const char *comment)
{
	char *example = bt_fixture("example"), *in = bt_fmt("%s/a.coco", dir);
	struct coco_countersign_opts o = {COCO_DECISION_REJECTED, comment, NULL, 0};
	struct coco_signer *s;

	coco_ctx_set_time(ctx, bt_time("2027-01-01"));
	ck_assert_ptr_nonnull(s = bt_signer(ctx, "director"));
	ck_assert_msg(coco_create(ctx, example, in, s, NULL) == COCO_OK, "%s", coco_ctx_error(ctx));
	coco_signer_free(s);
	coco_ctx_set_time(ctx, bt_time("2027-01-05"));
	ck_assert_ptr_nonnull(s = bt_signer(ctx, "siro"));
	ck_assert_msg(coco_countersign(ctx, in, out, s, &o) == COCO_OK, "%s", coco_ctx_error(ctx));
	coco_signer_free(s);
	free(example);
	free(in);
}

/* Replaces the decision's from by to (or pads it to want bytes), and signs the SIRO's
 * manifest over the changed bundle again, as the SIRO, so only the decision differs. */
static void rewrite_decision(struct coco_ctx *ctx, const char *path, const char *from,
			     const char *to, size_t want)
{
	struct bt_parts l;
	struct bt_part *p, refs[16];
	struct coco_signer *s;
	struct bt_sb d = {0};
	unsigned char *sig = NULL;
	char *man, *at;
	size_t i, n = 0, mlen = 0, slen = 0;

	ck_assert_int_eq(bt_zip_read(path, &l), 0);
	ck_assert_ptr_nonnull(p = bt_parts_find(&l, DECISION));
	bt_sb_add(&d, p->data, p->len);
	if (from != NULL) {
		struct bt_sb e = {0};
		ck_assert_ptr_nonnull(at = strstr(d.p, from));
		bt_sb_add(&e, d.p, (size_t)(at - d.p));
		bt_sb_str(&e, to);
		bt_sb_str(&e, at + strlen(from));
		free(d.p);
		d = e;
	}
	if (want != 0)
		pad_xml(&d, want);
	free((void *)p->data);
	p->data = (unsigned char *)d.p, p->len = d.n;
	for (i = 0; i < l.n; i++)
		if (strcmp(l.p[i].name, "mimetype") != 0 &&
		    strcmp(l.p[i].name, "META-INF/ASiCManifest002.xml") != 0 &&
		    strcmp(l.p[i].name, "META-INF/signature002.p7s") != 0)
			refs[n++] = l.p[i];
	ck_assert_ptr_nonnull(man = bt_manifest("META-INF/signature002.p7s", refs, n, NULL, &mlen));
	coco_ctx_set_time(ctx, bt_time("2027-01-05"));
	ck_assert_ptr_nonnull(s = bt_signer(ctx, "siro"));
	ck_assert_int_eq(coco_cms_sign(ctx, s, (unsigned char *)man, mlen, &sig, &slen), COCO_OK);
	p = bt_parts_find(&l, "META-INF/ASiCManifest002.xml");
	free((void *)p->data);
	p->data = (unsigned char *)man, p->len = mlen;
	p = bt_parts_find(&l, "META-INF/signature002.p7s");
	free((void *)p->data);
	ck_assert_ptr_nonnull(p->data = malloc(slen));
	memcpy((void *)p->data, sig, slen);
	p->len = slen;
	ck_assert_int_eq(bt_zip_write(ctx, path, l.p, l.n), 0);
	OPENSSL_free(sig);
	coco_signer_free(s);
	bt_parts_free(&l);
}

/*
 * A sign-off decision of exactly 1 MiB is read (0); 1 MiB + 1 is signoff.xml (1). A
 * comment of 4,096 characters, as countersign writes it, is valid (2); 4,097 (written by
 * hand) fail the decision schema: signoff.xml (3).
 */
START_TEST(test_decision)
{
	struct coco_ctx *ctx = new_ctx("trust");
	char *dir = bt_mkdtemp(), *out = bt_fmt("%s/s.coco", dir);
	const int over = _i % 2;
	struct bt_sb comment = {0};
	struct coco_report *r;

	sb_fill(&comment, 'c', COCO_MAX_COMMENT);
	signed_off(ctx, dir, out, _i < 2 ? "checked" : comment.p);
	if (_i < 2) {
		rewrite_decision(ctx, out, NULL, NULL, COCO_MAX_META_SIZE + (size_t)over);
	} else if (over) {
		struct bt_sb longer = {0};
		bt_sb_str(&longer, comment.p);
		bt_sb_str(&longer, "c");
		rewrite_decision(ctx, out, comment.p, longer.p, 0);
		free(longer.p);
	}
	coco_ctx_set_time(ctx, bt_time("2027-02-01"));
	r = verify_path(ctx, out);
	if (over) {
		expect_finding(r, "signoff.xml", COCO_STATUS_FAIL, DECISION, "over");
		expect_message(r, "signoff.xml",
			       _i < 2 ? "larger than 1048576 bytes" : "not a valid coco-signoff-1");
	} else {
		expect_no_finding(r, "signoff.xml", COCO_STATUS_FAIL, "at the limit");
		expect_finding(r, "signoff.decision", COCO_STATUS_PASS, DECISION, "at the limit");
	}
	coco_report_free(r);
	free(comment.p);
	free(out);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* countersign takes a comment of 4,096 bytes (here, 1,365 three-byte characters and a
 * letter); 4,097 bytes are COCO_ERR_ARG. */
START_TEST(test_comment_bytes)
{
	struct coco_ctx *ctx = new_ctx("trust");
	char *dir = bt_mkdtemp(), *in = bt_fmt("%s/a.coco", dir), *out = bt_fmt("%s/s.coco", dir);
	char *example = bt_fixture("example");
	struct bt_sb comment = {0};
	struct coco_countersign_opts o = {COCO_DECISION_REJECTED, NULL, NULL, 0};
	struct coco_signer *s;
	enum coco_err err;

	sb_rep(&comment, "\xe2\x82\xac", 1365); /* the euro sign */
	sb_fill(&comment, 'c', 1 + (size_t)_i);
	ck_assert_uint_eq(comment.n, COCO_MAX_COMMENT + (size_t)_i);
	o.comment = comment.p;
	coco_ctx_set_time(ctx, bt_time("2027-01-01"));
	ck_assert_ptr_nonnull(s = bt_signer(ctx, "director"));
	ck_assert_int_eq(coco_create(ctx, example, in, s, NULL), COCO_OK);
	coco_signer_free(s);
	coco_ctx_set_time(ctx, bt_time("2027-01-05"));
	ck_assert_ptr_nonnull(s = bt_signer(ctx, "siro"));
	err = coco_countersign(ctx, in, out, s, &o);
	coco_signer_free(s);
	if (_i)
		expect_error(ctx, err, COCO_ERR_ARG, "at most 4096 bytes");
	else
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
	free(comment.p);
	free(example);
	free(in);
	free(out);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- pass-phrases --------------------------------------------------------------------- */

/* Gives the pass-phrase in arg, if it fits (the callback's contract: at most size bytes). */
static int give_pass(char *buf, int size, void *arg)
{
	const char *p = arg;
	size_t n = strlen(p);

	if (n > (size_t)size)
		return -1;
	memcpy(buf, p, n);
	return (int)n;
}

/*
 * A key encrypted under a pass-phrase of 1,024 bytes loads, as PKCS#8 PEM (0) and as
 * PKCS#12 (2); under 1,025 bytes it cannot be given (1, 3): the library asks for at most
 * 1,024 (OpenSSL's PEM_BUFSIZE, and the same for PKCS#12).
 */
START_TEST(test_pass_phrase)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp(), *key = bt_fmt("%s/k.pem", dir), *p12 = bt_fmt("%s/k.p12", dir);
	char *cert = bt_fixture("pki/director.pem");
	EVP_PKEY *pk = bt_key("director");
	X509 *x = bt_cert("director");
	struct bt_sb pass = {0};
	struct coco_signer_opts o;
	struct coco_signer *s = NULL;
	enum coco_err err;
	BIO *b;

	sb_fill(&pass, 'p', COCO_MAX_PASS + (size_t)(_i % 2));
	memset(&o, 0, sizeof(o));
	o.pass_cb = give_pass, o.pass_arg = pass.p;
	if (_i < 2) {
		ck_assert_ptr_nonnull(b = BIO_new_file(key, "w"));
		ck_assert_int_eq(PEM_write_bio_PKCS8PrivateKey(b, pk, EVP_aes_256_cbc(), pass.p,
							       (int)pass.n, NULL, NULL),
				 1);
		BIO_free(b);
		o.key_path = key, o.cert_path = cert;
	} else {
		PKCS12 *p = PKCS12_create(pass.p, "director", pk, x, NULL, 0, 0, 0, 0, 0);
		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_nonnull(b = BIO_new_file(p12, "wb"));
		ck_assert_int_eq(i2d_PKCS12_bio(b, p), 1);
		BIO_free(b);
		PKCS12_free(p);
		o.p12_path = p12;
	}
	err = coco_signer_load(ctx, &o, &s);
	if (_i % 2)
		expect_error(ctx, err, COCO_ERR_CRYPTO, /* the callback gives none: -1 */
			     _i < 2 ? "is encrypted: a pass-phrase is needed" : "pass");
	else
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
	coco_signer_free(s);
	EVP_PKEY_free(pk);
	X509_free(x);
	free(pass.p);
	free(cert);
	free(key);
	free(p12);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* A signer of pki/<who> whose chain file is its CA's (if any) and 30 unrelated
 * certificates, written once into dir, so that its signatures are large and, with an RSA
 * key, always the same size. */
static struct coco_signer *big_signer(struct coco_ctx *ctx, const char *dir, const char *who,
				      const char *ca)
{
	STACK_OF(X509) *extra = fillers(30);
	char *chain = bt_fmt("%s/%s-chain.pem", dir, who);
	char *key = bt_fixture("pki/%s.key", who), *cert = bt_fixture("pki/%s.pem", who);
	struct coco_signer_opts o = {.key_path = key, .cert_path = cert, .chain_path = chain};
	struct coco_signer *s = NULL;
	X509 *all[32];
	size_t i, n = 0;

	if (access(chain, F_OK) != 0) {
		if (ca != NULL)
			all[n++] = bt_cert(ca);
		for (i = 0; i < 30; i++)
			all[n++] = sk_X509_value(extra, (int)i);
		write_pem(chain, all, n);
		if (ca != NULL)
			X509_free(all[0]);
	}
	ck_assert_msg(coco_signer_load(ctx, &o, &s) == COCO_OK, "%s", coco_ctx_error(ctx));
	sk_X509_pop_free(extra, X509_free);
	free(chain);
	free(key);
	free(cert);
	return s;
}

/*
 * create writes a signature of exactly the meta_size limit (scaled down from 1 MiB to the
 * size of this signer's signature); a limit one byte smaller refuses it (COCO_ERR_LIMIT),
 * and nothing is written.
 */
START_TEST(test_create_signature)
{
	struct coco_ctx *ctx = new_ctx("trust");
	char *dir = bt_mkdtemp(), *out = bt_fmt("%s/o.coco", dir);
	char *example = bt_fixture("example");
	struct coco_signer *s;
	struct coco_report *r;
	size_t sig;
	enum coco_err err;

	coco_ctx_set_time(ctx, bt_time("2027-01-01"));
	s = big_signer(ctx, dir, "director", "signer-ca");
	ck_assert_msg(coco_create(ctx, example, out, s, NULL) == COCO_OK, "%s",
		      coco_ctx_error(ctx));
	sig = entry_len(out, BT_SIGNATURE);
	ck_assert_uint_gt(sig, 8192); /* larger than the assessment and the manifest */
	ck_assert_int_eq(unlink(out), 0);
	coco_ctx_limits(ctx)->meta_size = sig - (size_t)_i;
	err = coco_create(ctx, example, out, s, NULL);
	if (_i) {
		expect_error(ctx, err, COCO_ERR_LIMIT, "the signature would be");
		ck_assert_int_ne(access(out, F_OK), 0);
	} else {
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
		ck_assert_uint_eq(entry_len(out, BT_SIGNATURE), sig);
		r = verify_path(ctx, out);
		expect_finding(r, "signature.value", COCO_STATUS_PASS, BT_SIGNATURE, "the limit");
		coco_report_free(r);
	}
	coco_signer_free(s);
	free(example);
	free(out);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* countersign writes a sign-off signature of exactly the meta_size limit (scaled down as
 * above); one byte smaller refuses it (COCO_ERR_LIMIT), and nothing is written. */
START_TEST(test_countersign_signature)
{
	struct coco_ctx *ctx = new_ctx("trust");
	char *dir = bt_mkdtemp(), *in = bt_fmt("%s/a.coco", dir), *out = bt_fmt("%s/s.coco", dir);
	char *example = bt_fixture("example");
	struct coco_countersign_opts o = {COCO_DECISION_REJECTED, NULL, NULL, 0};
	struct coco_signer *s;
	struct coco_report *r;
	size_t sig;
	enum coco_err err;

	coco_ctx_set_time(ctx, bt_time("2027-01-01"));
	ck_assert_ptr_nonnull(s = bt_signer(ctx, "director"));
	ck_assert_int_eq(coco_create(ctx, example, in, s, NULL), COCO_OK);
	coco_signer_free(s);
	coco_ctx_set_time(ctx, bt_time("2027-01-05"));
	s = big_signer(ctx, dir, "siro", NULL);
	ck_assert_msg(coco_countersign(ctx, in, out, s, &o) == COCO_OK, "%s", coco_ctx_error(ctx));
	sig = entry_len(out, "META-INF/signature002.p7s");
	ck_assert_uint_gt(sig, 8192);
	ck_assert_int_eq(unlink(out), 0);
	coco_ctx_limits(ctx)->meta_size = sig - (size_t)_i;
	err = coco_countersign(ctx, in, out, s, &o);
	if (_i) {
		expect_error(ctx, err, COCO_ERR_LIMIT, "the signature would be");
		ck_assert_int_ne(access(out, F_OK), 0);
	} else {
		ck_assert_msg(err == COCO_OK, "%s", coco_ctx_error(ctx));
		ck_assert_uint_eq(entry_len(out, "META-INF/signature002.p7s"), sig);
		coco_ctx_set_time(ctx, bt_time("2027-02-01"));
		r = verify_path(ctx, out);
		expect_finding(r, "signoff.decision", COCO_STATUS_PASS, DECISION, "the limit");
		coco_report_free(r);
	}
	coco_signer_free(s);
	free(example);
	free(in);
	free(out);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- PDF: where the scanner looks --------------------------------------------------------- */

/* Verifies a bundle holding name = data, signed (the pdf.* stage scans only what a
 * signature that verifies covers; no trust directory is needed for that). */
static struct coco_report *verify_one_file(const char *name, const struct bt_sb *data)
{
	struct coco_ctx *ctx = new_ctx(NULL);
	char *dir = bt_mkdtemp(), *path = bt_fmt("%s/p.coco", dir);
	struct bt_part part = {name, (const unsigned char *)data->p, data->n, 0};
	struct coco_signer *signer = bt_signer(ctx, "director");
	struct bt_bundle b = {.data = &part, .n = 1, .signer = signer};
	struct coco_report *r;

	ck_assert_ptr_nonnull(signer);
	ck_assert_int_eq(bt_bundle_write(ctx, path, &b), 0);
	r = verify_path(ctx, path);
	coco_signer_free(signer);
	free(path);
	bt_rmtree(dir);
	free(dir);
	coco_ctx_free(ctx);
	return r;
}

/* %PDF- ending within the first 1,024 bytes (at offset 1,019) makes any file a PDF, here
 * one misplaced (pdf.header); at offset 1,020 the file is not a PDF and is not scanned. */
START_TEST(test_pdf_sniff)
{
	struct bt_sb d = {0};
	struct coco_report *r;
	const struct coco_finding *f;

	sb_fill(&d, 'x', COCO_PDF_SNIFF - 5 + (size_t)_i);
	bt_sb_add(&d, bt_min_pdf, bt_min_pdf_len);
	r = verify_one_file("evidence/late.dat", &d);
	f = bt_find_status(r, "pdf.header", COCO_STATUS_FAIL, "evidence/late.dat");
	if (_i)
		ck_assert_msg(f == NULL, "offset 1,020 is a PDF: %s", coco_finding_message(f));
	else
		ck_assert_msg(f != NULL && strstr(coco_finding_message(f), "offset 1019") != NULL,
			      "offset 1,019 is not a PDF:\n%s", bt_dump(r));
	coco_report_free(r);
	free(d.p);
}
END_TEST

/* startxref is looked for in the last 1,024 bytes: white space after %%EOF that leaves it
 * exactly there passes (0); one byte more is pdf.xref (1). */
START_TEST(test_pdf_tail)
{
	static const char tail[] = "startxref\n110\n%%EOF\n";
	struct bt_sb d = {0};
	struct coco_report *r;

	bt_sb_add(&d, bt_min_pdf, bt_min_pdf_len);
	ck_assert(memcmp(d.p + d.n - (sizeof(tail) - 1), tail, sizeof(tail) - 1) == 0);
	sb_fill(&d, ' ', 1024 - (sizeof(tail) - 1) + (size_t)_i);
	r = verify_one_file("evidence/t.pdf", &d);
	if (_i) {
		expect_finding(r, "pdf.xref", COCO_STATUS_FAIL, "evidence/t.pdf", "1,025 bytes");
		expect_message(r, "pdf.xref", "no startxref");
	} else {
		expect_finding(r, "pdf.clean", COCO_STATUS_PASS, "evidence/t.pdf", "1,024 bytes");
	}
	coco_report_free(r);
	free(d.p);
}
END_TEST

Suite *limits_suite(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("limits");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, bt_tmp_setup, bt_tmp_teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_loop_test(tc, test_entry_size, 0, 2);
	tcase_add_loop_test(tc, test_total_size, 0, 2);
	tcase_add_loop_test(tc, test_ratio, 0, 4);
	tcase_add_test(tc, test_ratio_writer);
	tcase_add_test(tc, test_total_writer_rule);
	tcase_add_test(tc, test_total_writer);
	tcase_add_loop_test(tc, test_entries, 0, 2);
	tcase_add_loop_test(tc, test_cd_size, 0, 2);
	tcase_add_loop_test(tc, test_name_length, 0, 2);
	tcase_add_loop_test(tc, test_manifests, 0, 2);
	tcase_add_loop_test(tc, test_manifest_size, 0, 2);
	tcase_add_loop_test(tc, test_signature_size, 0, 2);
	tcase_add_loop_test(tc, test_xml_depth, 0, 2);
	tcase_add_loop_test(tc, test_xml_name, 0, 2);
	tcase_add_loop_test(tc, test_cms_certs, 0, 2);
	tcase_add_loop_test(tc, test_chain_depth, 0, 2);
	tcase_add_loop_test(tc, test_signer_chain, 0, 2);
	tcase_add_loop_test(tc, test_trust_file_size, 0, 6);
	tcase_add_loop_test(tc, test_xml_comment, 0, 2);
	tcase_add_loop_test(tc, test_trust_files, 0, 4);
	tcase_add_loop_test(tc, test_anchors, 0, 2);
	tcase_add_loop_test(tc, test_crls, 0, 2);
	tcase_add_loop_test(tc, test_trust_total, 0, 3);
	tcase_add_loop_test(tc, test_register_rows, 0, 2);
	tcase_add_loop_test(tc, test_folder_depth, 0, 2);
	tcase_add_loop_test(tc, test_folder_count, 0, 4);
	tcase_add_loop_test(tc, test_writer_entries, 0, 2);
	tcase_add_loop_test(tc, test_writer_sizes, 0, 4);
	tcase_add_loop_test(tc, test_create_manifest, 0, 2);
	tcase_add_loop_test(tc, test_countersign_manifest, 0, 2);
	tcase_add_loop_test(tc, test_schema_bounds, 0,
			    (int)(2 * sizeof(schema_cases) / sizeof(schema_cases[0])));
	tcase_add_test(tc, test_assessment_refs);
	tcase_add_loop_test(tc, test_assessment_size, 0, 4);
	tcase_add_loop_test(tc, test_decision, 0, 4);
	tcase_add_loop_test(tc, test_comment_bytes, 0, 2);
	tcase_add_loop_test(tc, test_pass_phrase, 0, 4);
	tcase_add_loop_test(tc, test_create_signature, 0, 2);
	tcase_add_loop_test(tc, test_countersign_signature, 0, 2);
	tcase_add_loop_test(tc, test_pdf_sniff, 0, 2);
	tcase_add_loop_test(tc, test_pdf_tail, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
