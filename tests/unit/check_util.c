/*
 * Unit tests for util.c: RFC 3339 time parsing and formatting without the process time
 * zone, strict base64, zip-name safety (the one rule create and verify share), and the
 * atomic file-writing protocol: the write-phase hook's order and what the target holds at
 * each phase, and an injected failure of each fsync and rename (fault.c), which must leave
 * the old file, or no file, and no temporary name; output-path checks (coco_output_check)
 * and making missing parent folders. Every expected time_t was computed independently.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"
#include "internal.h"
#include "suites.h"
#include "util/fold.h"
#include "ziptool.h"

/* ---- time ------------------------------------------------------------------------- */

#define REJECT (-1LL)

static const struct {
	const char *text;
	long long expect; /* REJECT: COCO_ERR_ARG */
} times[] = {
    {"2026-11-22", 1795305600LL},
    {"1970-01-01", 0},
    {"2024-02-29", 1709164800LL},
    {"2000-02-29", 951782400LL},
    {"2100-03-01", 4107542400LL},
    {"2026-11-22T10:30:00Z", 1795343400LL},
    {"2026-11-22T10:30:00z", 1795343400LL},
    {"2026-11-22t10:30:00Z", 1795343400LL},
    {"2026-11-22 10:30:00Z", 1795343400LL},
    {"2026-11-22T10:30:00+01:00", 1795339800LL},
    {"2026-11-22T10:30:00-05:30", 1795363200LL},
    {"2026-11-22T00:30:00+01:00", 1795303800LL},
    {"2026-11-22T10:30:00+00:00", 1795343400LL},
    {"2026-11-22T10:30:00-00:00", 1795343400LL},
    {"2026-11-22T10:30:00.5+01:00", 1795339800LL},
    {"2026-11-22T10:30:00.999999999Z", 1795343400LL},
    {"2038-01-19T03:14:08Z", 2147483648LL},
    {"9999-12-31T23:59:59Z", 253402300799LL},
    {"2016-12-31T23:59:60Z", 1483228799LL}, /* a leap second reads as :59 */
    /* impossible dates */
    {"2026-02-30", REJECT},
    {"2026-13-01", REJECT},
    {"2026-00-10", REJECT},
    {"2026-11-00", REJECT},
    {"2026-11-31", REJECT},
    {"2025-02-29", REJECT},
    {"2100-02-29", REJECT},
    {"1969-12-31", REJECT},
    {"1969-12-31T23:59:59Z", REJECT},
    {"0000-01-01", REJECT},
    /* impossible times and zones */
    {"2026-11-22T24:00:00Z", REJECT},
    {"2026-11-22T10:60:00Z", REJECT},
    {"2026-11-22T10:30:61Z", REJECT},
    {"2026-11-22T10:30:00+24:00", REJECT},
    {"2026-11-22T10:30:00+01:60", REJECT},
    /* missing parts */
    {"2026-11-22T10:30:00", REJECT},
    {"2026-11-22T10:30Z", REJECT},
    {"2026-11-22T", REJECT},
    {"2026-11-22T10:30:00.Z", REJECT},
    {"2026-11-22T10:30:00+01", REJECT},
    {"2026-11-22T10:30:00+0100", REJECT},
    /* trailing and leading junk, other shapes */
    {"2026-11-22x", REJECT},
    {"2026-11-22 ", REJECT},
    {" 2026-11-22", REJECT},
    {"+2026-11-22", REJECT},
    {"2026-11-22T10:30:00Zjunk", REJECT},
    {"2026-11-22T10:30:00Z\n", REJECT},
    {"2026-11-22T10:30:00+01:00:00", REJECT},
    {"2026-1-22", REJECT},
    {"26-11-22", REJECT},
    {"2026/11/22", REJECT},
    {"20261122", REJECT},
    {"", REJECT},
};

START_TEST(test_time_parse)
{
	time_t t = 42;
	enum coco_err err = coco_time_parse(times[_i].text, &t);

	if (times[_i].expect == REJECT) {
		ck_assert_msg(err == COCO_ERR_ARG, "'%s' accepted as %lld", times[_i].text,
			      (long long)t);
		ck_assert_msg(t == 42, "'%s': *out changed on failure", times[_i].text);
	} else {
		ck_assert_msg(err == COCO_OK, "'%s' rejected", times[_i].text);
		ck_assert_msg((long long)t == times[_i].expect, "'%s' -> %lld, want %lld",
			      times[_i].text, (long long)t, times[_i].expect);
	}
}
END_TEST

START_TEST(test_time_parse_null)
{
	time_t t = 42;

	ck_assert_int_eq(coco_time_parse(NULL, &t), COCO_ERR_ARG);
	ck_assert_int_eq(coco_time_parse("2026-11-22", NULL), COCO_ERR_ARG);
	ck_assert_int_eq(t, 42);
}
END_TEST

static const struct {
	long long t;
	const char *text;
} formats[] = {
    {0, "1970-01-01T00:00:00Z"},
    {1795343400LL, "2026-11-22T10:30:00Z"},
    {1709164800LL + 86399, "2024-02-29T23:59:59Z"},
    {2147483648LL, "2038-01-19T03:14:08Z"},
    {253402300799LL, "9999-12-31T23:59:59Z"},
    {253402300800LL, "invalid-time"}, /* year 10000 does not fit the format */
};

START_TEST(test_time_format)
{
	char buf[21];
	time_t back = 0;

	memset(buf, 'x', sizeof(buf));
	ck_assert_ptr_eq(coco_time_format((time_t)formats[_i].t, buf), buf);
	ck_assert_str_eq(buf, formats[_i].text);
	if (strcmp(formats[_i].text, "invalid-time") != 0) {
		ck_assert_int_eq(coco_time_parse(buf, &back), COCO_OK);
		ck_assert_int_eq((long long)back, formats[_i].t);
	}
}
END_TEST

/* ---- base64 and hex ----------------------------------------------------------------- */

static const struct {
	const char *in;
	size_t in_len;    /* 0: strlen(in) */
	size_t out_size;  /* 0: 64 */
	long expect;      /* decoded length, or -1 */
	const char *want; /* the decoded bytes */
} b64[] = {
    {"", 0, 0, 0, ""},
    {"Zg==", 0, 0, 1, "f"},
    {"Zm8=", 0, 0, 2, "fo"},
    {"Zm9v", 0, 0, 3, "foo"},
    {"Zm9vYg==", 0, 0, 4, "foob"},
    {"Zm9vYmE=", 0, 0, 5, "fooba"},
    {"Zm9vYmFy", 0, 0, 6, "foobar"},
    {"/+/+", 0, 0, 3, "\xff\xef\xfe"},
    {" Zm9v\r\n\tYmFy ", 0, 0, 6, "foobar"},
    {"Zm9vYmE=\n", 0, 0, 5, "fooba"},
    {"Zm9vYmE=", 0, 5, 5, "fooba"}, /* exactly fits */
    {"Zm9vYmFy", 0, 6, 6, "foobar"},
    /* bad padding */
    {"Zm9vYmE", 0, 0, -1, NULL},
    {"Zm9vYmE==", 0, 0, -1, NULL},
    {"Zm9vYg=", 0, 0, -1, NULL},
    {"Zm9v=mFy", 0, 0, -1, NULL},
    {"Zm9vYmE=Zm9v", 0, 0, -1, NULL},
    {"=Zm9", 0, 0, -1, NULL},
    {"Z===", 0, 0, -1, NULL},
    {"====", 0, 0, -1, NULL},
    /* non-canonical trailing bits */
    {"Zm9vYmF=", 0, 0, -1, NULL},
    {"Zm9vYh==", 0, 0, -1, NULL},
    {"Zh==", 0, 0, -1, NULL},
    /* other alphabets and junk */
    {"Zm9v*mFy", 0, 0, -1, NULL},
    {"Zm9-_mFy", 0, 0, -1, NULL},
    {"Zm9v\0mFy", 8, 0, -1, NULL},
    {"Zm9v.", 0, 0, -1, NULL},
    /* too long for out */
    {"Zm9vYmE=", 0, 4, -1, NULL},
    {"Zm9vYmFy", 0, 5, -1, NULL},
};

START_TEST(test_base64_decode)
{
	unsigned char out[64 + 8];
	size_t in_len = b64[_i].in_len ? b64[_i].in_len : strlen(b64[_i].in);
	size_t size = b64[_i].out_size ? b64[_i].out_size : 64;
	long n;

	memset(out, 0xAA, sizeof(out));
	n = coco_base64_decode(b64[_i].in, in_len, out, size);
	ck_assert_msg(n == b64[_i].expect, "'%s' -> %ld, want %ld", b64[_i].in, n, b64[_i].expect);
	if (n > 0)
		ck_assert_mem_eq(out, b64[_i].want, (size_t)n);
	/* Nothing is ever written past out_size. */
	ck_assert_uint_eq(out[size], 0xAA);
}
END_TEST

START_TEST(test_base64_round_trip)
{
	unsigned char in[64], out[64];
	size_t n = (size_t)_i, i;
	char *enc;

	for (i = 0; i < n; i++)
		in[i] = (unsigned char)(i * 37u + n * 11u);
	enc = coco_base64_encode(in, n);
	ck_assert_ptr_nonnull(enc);
	ck_assert_uint_eq(strlen(enc), (n + 2) / 3 * 4);
	ck_assert_uint_eq(strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				      "0123456789+/="),
			  strlen(enc));
	ck_assert_int_eq(coco_base64_decode(enc, strlen(enc), out, n), (long)n);
	ck_assert_mem_eq(out, in, n);
	free(enc);
}
END_TEST

START_TEST(test_base64_encode_vectors)
{
	static const char *const v[][2] = {{"", ""},
					   {"f", "Zg=="},
					   {"fo", "Zm8="},
					   {"foo", "Zm9v"},
					   {"foob", "Zm9vYg=="},
					   {"fooba", "Zm9vYmE="},
					   {"foobar", "Zm9vYmFy"}};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *enc = coco_base64_encode((const unsigned char *)v[i][0], strlen(v[i][0]));
		ck_assert_ptr_nonnull(enc);
		ck_assert_str_eq(enc, v[i][1]);
		free(enc);
	}
}
END_TEST

START_TEST(test_hex)
{
	char out[7];

	coco_hex((const unsigned char *)"\x00\xff\x1a", 3, out);
	ck_assert_str_eq(out, "00ff1a");
	coco_hex((const unsigned char *)"", 0, out);
	ck_assert_str_eq(out, "");
}
END_TEST

/* ---- zip-name safety ------------------------------------------------------------------ */

#define R_EMPTY "empty name"
#define R_LONG "name too long"
#define R_ABS "absolute path"
#define R_DRIVE "drive letter"
#define R_NUL "NUL byte in name"
#define R_CTRL "control character in name"
#define R_BSLASH "backslash in name"
#define R_PORT "character not portable in a file name"
#define R_UTF8 "invalid UTF-8 in name"
#define R_SEG "empty path segment"
#define R_DOT "'.' or '..' segment"
#define R_TRAIL "a name or folder ending in a dot or a space (Windows drops it)"

static const struct {
	const char *name;
	size_t len;      /* 0: strlen */
	const char *why; /* NULL: safe */
	int is_dir;
} names[] = {
    {"a.xml", 0, NULL, 0},
    {"evidence/x y.pdf", 0, NULL, 0},
    {"\xc3\xa9.pdf", 0, NULL, 0},
    {"dir/", 0, NULL, 1},
    {"a/b/c/", 0, NULL, 1},
    {"META-INF/ASiCManifest001.xml", 0, NULL, 0},
    {"\xe2\x82\xac/\xf0\x9f\x93\x84.pdf", 0, NULL, 0}, /* 3- and 4-byte sequences */
    {".hidden", 0, NULL, 0},
    {"a..b", 0, NULL, 0},
    {"", 0, R_EMPTY, 0},
    {"/abs", 0, R_ABS, 0},
    {"/", 0, R_ABS, 0},
    {"C:x", 0, R_DRIVE, 0},
    {"c:/x", 0, R_DRIVE, 0},
    {"a\\b", 0, R_BSLASH, 0},
    {"a//b", 0, R_SEG, 0},
    {"a//", 0, R_SEG, 0},
    {"./a", 0, R_DOT, 0},
    {"a/./b", 0, R_DOT, 0},
    {"a/../b", 0, R_DOT, 0},
    {"a.pdf.", 0, R_TRAIL, 0},
    {"a.pdf ", 0, R_TRAIL, 0},
    {"dir./a.pdf", 0, R_TRAIL, 0},
    {"dir /", 0, R_TRAIL, 1},
    {"..", 0, R_DOT, 0},
    {"../", 0, R_DOT, 0},
    {"a/..", 0, R_DOT, 0},
    {"a\x01"
     "b",
     0, R_CTRL, 0},
    {"a\nb", 0, R_CTRL, 0},
    {"a\x1b[2J", 0, R_CTRL, 0},
    {"a\x7f", 0, R_CTRL, 0},
    {"a\xc2\x85"
     "b",
     0, R_CTRL, 0}, /* U+0085 NEL: a C1 control character */
    {"a\xc2\x9b"
     "2J",
     0, R_CTRL, 0}, /* U+009B CSI */
    {"a\0b", 3, R_NUL, 0},
    {"a\xc0\xaf", 0, R_UTF8, 0},         /* overlong '/' */
    {"a\xe0\x80\xaf", 0, R_UTF8, 0},     /* overlong, 3 bytes */
    {"a\xf0\x80\x80\xaf", 0, R_UTF8, 0}, /* overlong, 4 bytes */
    {"a\xed\xa0\x80", 0, R_UTF8, 0},     /* surrogate U+D800 */
    {"a\xc3(", 0, R_UTF8, 0},            /* invalid continuation */
    {"a\xe2\x82", 0, R_UTF8, 0},         /* truncated */
    {"a\xf5\x80\x80\x80", 0, R_UTF8, 0},
    {"a\xf4\x90\x80\x80", 0, R_UTF8, 0}, /* above U+10FFFF */
    {"a\xff", 0, R_UTF8, 0},
    {"a\x80", 0, R_UTF8, 0},
    {"a:b", 0, R_DRIVE, 0}, /* drive-relative on Windows */
    {"ab:c", 0, R_PORT, 0},
    {"a*b", 0, R_PORT, 0},
    {"a?b", 0, R_PORT, 0},
    {"a\"b", 0, R_PORT, 0},
    {"a<b", 0, R_PORT, 0},
    {"a>b", 0, R_PORT, 0},
    {"a|b", 0, R_PORT, 0},
};

START_TEST(test_names)
{
	size_t len = names[_i].len ? names[_i].len : strlen(names[_i].name);
	int is_dir = -1;
	const char *why = coco_name_problem(names[_i].name, len, &is_dir);

	if (names[_i].why == NULL) {
		ck_assert_msg(why == NULL, "'%s' refused: %s", zt_visible(names[_i].name), why);
		ck_assert_int_eq(is_dir, names[_i].is_dir);
	} else {
		ck_assert_msg(why != NULL, "'%s' accepted, want \"%s\"", zt_visible(names[_i].name),
			      names[_i].why);
		ck_assert_str_eq(why, names[_i].why);
	}
}
END_TEST

START_TEST(test_name_length_limit)
{
	char name[COCO_MAX_NAME_LEN + 2];
	int is_dir = -1;

	memset(name, 'a', sizeof(name));
	ck_assert_ptr_null(coco_name_problem(name, COCO_MAX_NAME_LEN, &is_dir));
	ck_assert_int_eq(is_dir, 0);
	ck_assert_str_eq(coco_name_problem(name, COCO_MAX_NAME_LEN + 1, &is_dir), R_LONG);
	name[COCO_MAX_NAME_LEN - 1] = '/';
	ck_assert_ptr_null(coco_name_problem(name, COCO_MAX_NAME_LEN, &is_dir));
	ck_assert_int_eq(is_dir, 1);
}
END_TEST

/* ---- atomic writes ---------------------------------------------------------------------- */

/* Made in the runner's process, so a failed test leaves nothing behind. */
static char *base_dir;

static void tmp_setup(void)
{
	if (base_dir == NULL)
		base_dir = zt_mkdtemp("util");
}

static void tmp_teardown(void)
{
	zt_rmtree(base_dir);
	free(base_dir);
	base_dir = NULL;
}

static char *fresh_dir(void)
{
	size_t n;
	char *d;

	ck_assert_ptr_nonnull(base_dir);
	n = strlen(base_dir) + 16;
	d = malloc(n);
	ck_assert_ptr_nonnull(d);
	snprintf(d, n, "%s/t-XXXXXX", base_dir);
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* The names in dir, sorted and joined by spaces ("" when empty). */
static void listing(const char *dir, char *out, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found[16];
	size_t n = 0, i, j;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		ck_assert_uint_lt(n, 16);
		found[n++] = strdup(e->d_name);
	}
	closedir(d);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(found[j - 1], found[j]) > 0; j--) {
			char *t = found[j];
			found[j] = found[j - 1];
			found[j - 1] = t;
		}
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s%s", i ? " " : "", found[i]);
		free(found[i]);
	}
}

static void assert_content(const char *path, const void *want, size_t len)
{
	unsigned char buf[256];
	FILE *f = fopen(path, "rb");
	size_t got;

	ck_assert_ptr_nonnull(f);
	got = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ck_assert_uint_eq(got, len);
	if (len > 0)
		ck_assert_mem_eq(buf, want, len);
}

START_TEST(test_atomic_write_new)
{
	static const unsigned char data[] = {'b', 'i', 'n', 0, 1, 0xff, '\n'};
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *path = join(dir, "out.bin"), names_buf[256];
	struct stat st;

	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, data, sizeof(data)), COCO_OK);
	assert_content(path, data, sizeof(data));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	listing(dir, names_buf, sizeof(names_buf));
	ck_assert_str_eq(names_buf, "out.bin"); /* no temporary file left */
	coco_ctx_free(ctx);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_atomic_write_replace)
{
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *path = join(dir, "out.txt"), names_buf[256];
	struct stat before, after;
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs("an older and longer content", f);
	fclose(f);
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, "second", 6), COCO_OK);
	assert_content(path, "second", 6);
	/* Replaced by rename, not rewritten in place: readers never see a half-written file. */
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_uint_ne(before.st_ino, after.st_ino);
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, "", 0), COCO_OK);
	assert_content(path, "", 0);
	listing(dir, names_buf, sizeof(names_buf));
	ck_assert_str_eq(names_buf, "out.txt");
	coco_ctx_free(ctx);
	free(path);
	free(dir);
}
END_TEST

/* tmpl with every '@' replaced by dir, malloc'd. */
static char *at_dir(const char *tmpl, const char *dir)
{
	size_t n = 1, i;
	char *out, *p;

	for (i = 0; tmpl[i]; i++)
		n += tmpl[i] == '@' ? strlen(dir) : 1;
	p = out = malloc(n);
	ck_assert_ptr_nonnull(out);
	for (i = 0; tmpl[i]; i++) {
		if (tmpl[i] == '@') {
			memcpy(p, dir, strlen(dir));
			p += strlen(dir);
		} else {
			*p++ = tmpl[i];
		}
	}
	*p = '\0';
	return out;
}

START_TEST(test_atomic_write_missing_dir)
{
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *path = join(dir, "no/such/dir/out.txt"), names_buf[256], *msg;

	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, "x", 1), COCO_ERR_IO);
	msg = at_dir("cannot write '@/no/such/dir/out.txt': folder '@/no/such/dir' does not exist",
		     dir);
	ck_assert_str_eq(coco_ctx_error(ctx), msg);
	free(msg);
	ck_assert_int_eq(access(path, F_OK), -1);
	listing(dir, names_buf, sizeof(names_buf));
	ck_assert_str_eq(names_buf, ""); /* nothing created, no temporary file */
	coco_ctx_free(ctx);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_atomic_write_onto_dir)
{
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *path = join(dir, "target"), names_buf[256];
	struct stat st;

	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, "x", 1), COCO_ERR_IO);
	ck_assert_str_ne(coco_ctx_error(ctx), "");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	listing(dir, names_buf, sizeof(names_buf));
	ck_assert_str_eq(names_buf, "target"); /* the temporary file was removed */
	coco_ctx_free(ctx);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_atomic_write_symlink)
{
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *path = join(dir, "link"), *victim = join(dir, "victim");
	struct stat st;
	FILE *f = fopen(victim, "w");

	ck_assert_ptr_nonnull(f);
	fputs("keep", f);
	fclose(f);
	ck_assert_int_eq(symlink("victim", path), 0);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, "new", 3), COCO_OK);
	/* The link itself is replaced; its target is never written through. */
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	assert_content(path, "new", 3);
	assert_content(victim, "keep", 4);
	coco_ctx_free(ctx);
	free(victim);
	free(path);
	free(dir);
}
END_TEST

/* What a file holds, in one letter: 'o' the old content, 'n' the new, '-' none. */
static char content_of(const char *path)
{
	char buf[16];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return '-';
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (n == 3 && memcmp(buf, "old", 3) == 0)
		return 'o';
	if (n == 3 && memcmp(buf, "new", 3) == 0)
		return 'n';
	return '?';
}

struct phase_log {
	const char *dir;
	char text[256];
};

/* Logs "phase:X" for each phase, X the target's content then, and checks the path. */
static void log_phase(void *arg, enum coco_phase phase, const char *path, uint64_t n)
{
	struct phase_log *l = arg;
	size_t used = strlen(l->text);

	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(strncmp(path, l->dir, strlen(l->dir)), 0);
	snprintf(l->text + used, sizeof(l->text) - used, "%s%s:%c", used ? " " : "",
		 coco_phase_name(phase), content_of(path));
}

/* The hook sees every phase in order; the target is replaced exactly at "renamed". */
START_TEST(test_atomic_phases)
{
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *path = join(dir, "out"), names_buf[256];
	struct phase_log l = {dir, ""};

	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_phase_hook(ctx, log_phase, &l);
	ck_assert_int_eq(coco_write_file_new(ctx, path, "old", 3), COCO_OK);
	ck_assert_str_eq(l.text, "tmp-created:- written:- synced:- renamed:o done:o");
	l.text[0] = '\0';
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, "new", 3), COCO_OK);
	ck_assert_str_eq(l.text, "tmp-created:o written:o synced:o renamed:n done:n");
	l.text[0] = '\0';
	ck_assert_int_eq(coco_write_file_new(ctx, path, "new", 3), COCO_ERR_EXISTS);
	ck_assert_str_eq(l.text, "tmp-created:n written:n synced:n");
	listing(dir, names_buf, sizeof(names_buf));
	ck_assert_str_eq(names_buf, "out");
	coco_ctx_set_phase_hook(ctx, NULL, NULL);
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, "new", 3), COCO_OK);
	ck_assert_str_eq(l.text, "tmp-created:n written:n synced:n");
	ck_assert_str_eq(coco_phase_name(COCO_PHASE_DONE), "done");
	ck_assert_ptr_null(coco_phase_name((enum coco_phase)(COCO_PHASE_DONE + 1)));
	coco_ctx_free(ctx);
	free(path);
	free(dir);
}
END_TEST

/* One injected failure and what it must leave: 'o' old file, 'n' new, '-' none. */
static const struct {
	int replace; /* coco_write_file_atomic over "old"; else coco_write_file_new */
	enum fault_call call;
	int n;
	char left;
	const char *message;
} faults[] = {
    {1, FAULT_FSYNC, 1, 'o', "cannot sync '"},
    {1, FAULT_RENAME, 1, 'o', "cannot rename '"},
    {1, FAULT_FSYNC, 2, 'n', "cannot sync the folder of '"},
    {0, FAULT_FSYNC, 1, '-', "cannot sync '"},
    {0, FAULT_FSYNC, 2, 'n', "cannot sync the folder of '"},
};

START_TEST(test_atomic_fault)
{
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *path = join(dir, "out"), names_buf[256];

	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	if (faults[_i].replace)
		ck_assert_int_eq(coco_write_file_atomic(ctx, path, "old", 3), COCO_OK);
	fault_arm(faults[_i].call, faults[_i].n);
	ck_assert_int_eq(faults[_i].replace ? coco_write_file_atomic(ctx, path, "new", 3)
					    : coco_write_file_new(ctx, path, "new", 3),
			 COCO_ERR_IO);
	ck_assert(fault_fired(faults[_i].call));
	fault_arm(faults[_i].call, 0);
	ck_assert_msg(strstr(coco_ctx_error(ctx), faults[_i].message) != NULL,
		      "message '%s' lacks '%s'", coco_ctx_error(ctx), faults[_i].message);
	ck_assert_int_eq(content_of(path), faults[_i].left);
	listing(dir, names_buf, sizeof(names_buf));
	ck_assert_str_eq(names_buf, faults[_i].left == '-' ? "" : "out"); /* no temporary */
	coco_ctx_free(ctx);
	free(path);
	free(dir);
}
END_TEST

/*
 * init of a new folder with each of its fsyncs and its rename failing in turn: the folder
 * is absent and nothing temporary is left, except after a failed sync of the folder that
 * holds it (the last fsync), when it is complete and the error says so.
 */
START_TEST(test_init_fault)
{
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *sub = join(dir, "sub"), *xml = join(sub, "assessment.xml");
	char names_buf[256];
	enum fault_call call = _i == 0 ? FAULT_FSYNC : FAULT_RENAME;
	enum coco_err err;
	int n, total;

	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	fault_arm(call, 0);
	ck_assert_int_eq(coco_init(ctx, sub, "Example Ltd"), COCO_OK);
	total = fault_calls(call);
	ck_assert_int_ge(total, 1);
	zt_rmtree(sub);
	for (n = 1; n <= total; n++) {
		fault_arm(call, n);
		err = coco_init(ctx, sub, "Example Ltd");
		ck_assert(fault_fired(call));
		ck_assert_int_ne(err, COCO_OK);
		listing(dir, names_buf, sizeof(names_buf));
		if (call == FAULT_FSYNC && n == total) {
			ck_assert_ptr_nonnull(strstr(coco_ctx_error(ctx), "may not survive"));
			ck_assert_str_eq(names_buf, "sub");
			ck_assert_int_eq(access(xml, F_OK), 0);
			zt_rmtree(sub);
		} else {
			ck_assert_msg(names_buf[0] == '\0', "after failure %d of %d: '%s' left", n,
				      total, names_buf);
		}
	}
	fault_arm(call, 0);
	coco_ctx_free(ctx);
	free(xml);
	free(sub);
	free(dir);
}
END_TEST

/* ---- output paths ----------------------------------------------------------------- */

/* In @: sub/ holding a.txt, l -> sub, b.coco, f (a file). Input 0 is the folder @/sub,
 * input 1 the file @/b.coco (when in1 is set). */
static const struct {
	const char *out;
	int in1;
	enum coco_err err;
	const char *msg; /* NULL: any message */
} outputs[] = {
    {"@/new.coco", 1, COCO_OK, NULL},
    {"@/sub2.txt", 0, COCO_OK, NULL}, /* a name that starts like the folder is outside it */
    {"@/sub/../new.coco", 0, COCO_OK, NULL},
    {"@/sub/a.txt", 0, COCO_ERR_REFUSED,
     "refusing to write '@/sub/a.txt' inside the submission folder '@/sub'"},
    {"@/sub/deeper/x", 0, COCO_ERR_IO,
     "cannot write '@/sub/deeper/x': folder '@/sub/deeper' does not exist"},
    {"@/sub/new", 0, COCO_ERR_REFUSED,
     "refusing to write '@/sub/new' inside the submission folder '@/sub'"},
    {"@/l/new", 0, COCO_ERR_REFUSED,
     "refusing to write '@/l/new' inside the submission folder '@/sub'"},
    {"@/l", 0, COCO_ERR_IO, "cannot write '@/l': it is a folder"},
    {"@/b.coco", 1, COCO_ERR_REFUSED, "refusing to write '@/b.coco' over the bundle '@/b.coco'"},
    {"@//./b.coco", 1, COCO_ERR_REFUSED,
     "refusing to write '@//./b.coco' over the bundle '@/b.coco'"},
    {"@/b.coco", 0, COCO_OK, NULL},
    {"@/missing/x.coco", 1, COCO_ERR_IO,
     "cannot write '@/missing/x.coco': folder '@/missing' does not exist"},
    {"@/f/x", 1, COCO_ERR_IO, "cannot write '@/f/x': '@/f' is not a folder"},
};

static void touch(const char *dir, const char *name)
{
	char *p = join(dir, name);
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(name, f);
	fclose(f);
	free(p);
}

START_TEST(test_output_check)
{
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *sub = join(dir, "sub"), *link = join(dir, "l");
	char *bundle = join(dir, "b.coco"), *out = at_dir(outputs[_i].out, dir), *msg = NULL;
	struct coco_input in[2] = {{sub, "submission folder", 1}, {NULL, "bundle", 0}};

	ck_assert_int_eq(mkdir(sub, 0755), 0);
	touch(sub, "a.txt");
	touch(dir, "b.coco");
	touch(dir, "f");
	ck_assert_int_eq(symlink("sub", link), 0);
	in[1].path = outputs[_i].in1 ? bundle : NULL;
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	ck_assert_int_eq(coco_output_check(ctx, out, in, 2), outputs[_i].err);
	if (outputs[_i].msg != NULL) {
		msg = at_dir(outputs[_i].msg, dir);
		ck_assert_str_eq(coco_ctx_error(ctx), msg);
	}
	coco_ctx_free(ctx);
	free(msg);
	free(out);
	free(bundle);
	free(link);
	free(sub);
	free(dir);
}
END_TEST

/* Missing parents are made (0755 less the umask) and counted; undo removes only those,
 * and only while empty; a file in the way is an error that leaves nothing made. */
START_TEST(test_parents)
{
	struct coco_ctx *ctx = NULL;
	char *dir = fresh_dir(), *target = join(dir, "a/b/c/target"), *c = join(dir, "a/b/c");
	char *a = join(dir, "a"), *blocked = join(dir, "f/x/target"), names_buf[256];
	struct stat st;
	size_t made = 99;

	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	ck_assert_int_eq(coco_parents_make(ctx, target, &made), COCO_OK);
	ck_assert_uint_eq(made, 3);
	ck_assert_int_eq(stat(c, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(access(target, F_OK), -1); /* the target itself is not made */
	ck_assert_int_eq(coco_parents_make(ctx, target, &made), COCO_OK);
	ck_assert_uint_eq(made, 0);
	coco_parents_undo(target, 3);
	listing(dir, names_buf, sizeof(names_buf));
	ck_assert_str_eq(names_buf, "");
	ck_assert_int_eq(coco_parents_make(ctx, target, &made), COCO_OK);
	touch(a, "kept");
	coco_parents_undo(target, made); /* a is not empty: it stays */
	listing(a, names_buf, sizeof(names_buf));
	ck_assert_str_eq(names_buf, "kept");
	touch(dir, "f");
	ck_assert_int_eq(coco_parents_make(ctx, blocked, &made), COCO_ERR_IO);
	ck_assert_uint_eq(made, 0);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(ctx), "cannot create folder '"));
	coco_ctx_free(ctx);
	free(blocked);
	free(a);
	free(c);
	free(target);
	free(dir);
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(coco_strerror(COCO_OK), "success");
	ck_assert_str_eq(coco_strerror(COCO_ERR_IO), "input/output error");
	ck_assert_str_eq(coco_strerror(COCO_ERR_LIMIT), "resource limit exceeded");
	ck_assert_str_eq(coco_strerror((enum coco_err)999), "unknown error");
}
END_TEST

/* ---- name folding (util/fold.c) ------------------------------------------------------- */

static const struct {
	const char *a, *b;
	int same; /* one file on Windows or macOS */
} folds[] = {
    {"Evidence/A.pdf", "evidence/a.pdf", 1},
    {"caf\xc3\xa9", "cafe\xcc\x81", 1},          /* é: NFC, NFD */
    {"caf\xc3\xa9", "CAF\xc3\x89", 1},           /* é, É */
    {"\xc3\xbf", "\xc5\xb8", 1},                 /* ÿ, Ÿ (Latin Extended-A) */
    {"\xc3\x86", "\xc3\xa6", 1},                 /* Æ, æ: no decomposition */
    {"\xc4\xb0", "i\xcc\x87", 1},                /* İ, i and U+0307 */
    {"\xc4\xb1", "I", 1},                        /* dotless i, I: NTFS */
    {"\xc5\xbf", "s", 1},                        /* long s */
    {"\xc2\xb5", "\xce\xbc", 1},                 /* micro sign, mu */
    {"\xce\x90", "\xce\xb9\xcc\x88\xcc\x81", 1}, /* ΐ, fully decomposed */
    {"\xce\xa3", "\xcf\x82", 1},                 /* Σ, final ς */
    {"\xd0\x81", "\xd0\xb5\xcc\x88", 1},         /* Ё, е and U+0308 */
    {"\xd2\x90", "\xd2\x91", 1},                 /* Ґ, ґ */
    {"\xd3\x80", "\xd3\x8f", 1},                 /* palochka */
    {"\xcd\xbe", ";", 1},                        /* Greek question mark */
    {"caf\xc3\xa9", "caf\xc3\xa8", 0},           /* é, è */
    {"stra\xc3\x9f"
     "e",
     "strasse", 0},                                /* ß is not ss */
    {"\xc3\x97", "\xc3\xb7", 0},                   /* ×, ÷: not letters */
    {"e\xcc\x81\xcc\xa3", "e\xcc\xa3\xcc\x81", 0}, /* marks are not reordered */
    {"\xe1\xba\x9e", "\xc3\x9f", 0},               /* ẞ, ß: outside the coverage */
    {"a\xff", "a\xfe", 0},                         /* invalid UTF-8, byte by byte */
    {"a\xff", "a\xff", 1},
    {"ab", "abc", 0},
};

START_TEST(test_fold)
{
	const char *a = folds[_i].a, *b = folds[_i].b;
	uint32_t fa[64], fb[64];
	size_t na = coco_fold(a, strlen(a), fa), nb = coco_fold(b, strlen(b), fb);
	int c = coco_fold_cmp(a, strlen(a), b, strlen(b));

	ck_assert_msg((c == 0) == folds[_i].same, "case %d: compare %d", _i, c);
	ck_assert_int_eq(coco_fold_cmp(b, strlen(b), a, strlen(a)), -c);
	ck_assert_int_eq(na == nb && memcmp(fa, fb, na * sizeof(*fa)) == 0, folds[_i].same);
	ck_assert_int_eq(coco_fold_prefix(a, strlen(a), b, strlen(b)),
			 folds[_i].same || (na < nb && memcmp(fa, fb, na * sizeof(*fa)) == 0));
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	TCase *files = tcase_create("atomic");

	tcase_add_loop_test(tc, test_time_parse, 0, (int)(sizeof(times) / sizeof(times[0])));
	tcase_add_test(tc, test_time_parse_null);
	tcase_add_loop_test(tc, test_time_format, 0, (int)(sizeof(formats) / sizeof(formats[0])));
	tcase_add_loop_test(tc, test_base64_decode, 0, (int)(sizeof(b64) / sizeof(b64[0])));
	tcase_add_loop_test(tc, test_base64_round_trip, 0, 64);
	tcase_add_test(tc, test_base64_encode_vectors);
	tcase_add_test(tc, test_hex);
	tcase_add_loop_test(tc, test_names, 0, (int)(sizeof(names) / sizeof(names[0])));
	tcase_add_test(tc, test_name_length_limit);
	tcase_add_loop_test(tc, test_fold, 0, (int)(sizeof(folds) / sizeof(folds[0])));
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(files, tmp_setup, tmp_teardown);
	tcase_add_test(files, test_atomic_write_new);
	tcase_add_test(files, test_atomic_write_replace);
	tcase_add_test(files, test_atomic_write_missing_dir);
	tcase_add_test(files, test_atomic_write_onto_dir);
	tcase_add_test(files, test_atomic_write_symlink);
	tcase_add_test(files, test_atomic_phases);
	tcase_add_loop_test(files, test_atomic_fault, 0, (int)(sizeof(faults) / sizeof(faults[0])));
	tcase_add_loop_test(files, test_init_fault, 0, 2);
	tcase_add_loop_test(files, test_output_check, 0,
			    (int)(sizeof(outputs) / sizeof(outputs[0])));
	tcase_add_test(files, test_parents);
	suite_add_tcase(s, files);
	return s;
}
