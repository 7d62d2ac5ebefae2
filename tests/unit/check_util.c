/*
 * Unit tests for util.c: time parsing and formatting without the process time zone,
 * strict base64, zip-name safety (the rule create and verify share), and the atomic
 * file-writing protocol.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "suites.h"

static const struct {
	const char *text;
	long long expect; /* -1: must be rejected */
} times[] = {
    {"2026-11-22", 1795305600LL},
    {"1970-01-01", 0},
    {"2027-01-01T00:00:00Z", 1798761600LL},
    {"2027-01-01T00:00:00z", 1798761600LL},
    {"2027-01-01t01:02:03Z", 1798761600LL + 3723},
    {"2027-01-01T01:00:00+01:00", 1798761600LL},
    {"2026-12-31T19:00:00-05:00", 1798761600LL},
    {"2027-01-01T00:00:00.999Z", 1798761600LL},
    {"2024-02-29", 1709164800LL},
    {"2026-02-30", -1},
    {"2026-13-01", -1},
    {"2026-00-10", -1},
    {"2025-02-29", -1},
    {"1969-12-31", -1},
    {"2026-11-22T10:00:00", -1},
    {"2026-11-22T25:00:00Z", -1},
    {"2026-11-22T10:00:00Zjunk", -1},
    {"2026-11-22 ", -1},
    {"26-11-22", -1},
    {"2026/11/22", -1},
    {"2026-11-22T10:00:00.Z", -1},
    {"2026-11-22T10:00:00+0100", -1},
    {"", -1},
};

START_TEST(test_time_parse)
{
	time_t t = 42;
	enum coco_err err = coco_time_parse(times[_i].text, &t);

	if (times[_i].expect < 0) {
		ck_assert_msg(err == COCO_ERR_ARG, "'%s' accepted", times[_i].text);
		ck_assert_int_eq(t, 42);
	} else {
		ck_assert_msg(err == COCO_OK, "'%s' rejected", times[_i].text);
		ck_assert_msg((long long)t == times[_i].expect, "'%s' -> %lld, want %lld",
			      times[_i].text, (long long)t, times[_i].expect);
	}
}
END_TEST

START_TEST(test_time_format)
{
	char buf[21];

	ck_assert_str_eq(coco_time_format(1798761600, buf), "2027-01-01T00:00:00Z");
	ck_assert_str_eq(coco_time_format(0, buf), "1970-01-01T00:00:00Z");
	ck_assert_str_eq(coco_time_format(1709164800 + 86399, buf), "2024-02-29T23:59:59Z");
}
END_TEST

START_TEST(test_base64)
{
	unsigned char out[16];
	char *enc;
	long n;

	ck_assert_int_eq(coco_base64_decode("aGVsbG8=", 8, out, sizeof(out)), 5);
	ck_assert_int_eq(memcmp(out, "hello", 5), 0);
	ck_assert_int_eq(coco_base64_decode(" aGVs\nbG8h ", 11, out, sizeof(out)), 6);
	ck_assert_int_eq(coco_base64_decode("", 0, out, sizeof(out)), 0);
	/* Rejected: bad padding, non-canonical trailing bits, junk, too long for out. */
	ck_assert_int_eq(coco_base64_decode("aGVsbG8", 7, out, sizeof(out)), -1);
	ck_assert_int_eq(coco_base64_decode("aGVsbG9=", 8, out, sizeof(out)), -1);
	ck_assert_int_eq(coco_base64_decode("aGVs=G8=", 8, out, sizeof(out)), -1);
	ck_assert_int_eq(coco_base64_decode("aGVsbG8=aGVs", 12, out, sizeof(out)), -1);
	ck_assert_int_eq(coco_base64_decode("aGVs*G8=", 8, out, sizeof(out)), -1);
	ck_assert_int_eq(coco_base64_decode("=AAA", 4, out, sizeof(out)), -1);
	ck_assert_int_eq(coco_base64_decode("AAAAAAAA", 8, out, 5), -1);
	enc = coco_base64_encode((const unsigned char *)"hello!?", 7);
	ck_assert_str_eq(enc, "aGVsbG8hPw==");
	n = coco_base64_decode(enc, strlen(enc), out, sizeof(out));
	ck_assert_int_eq(n, 7);
	ck_assert_int_eq(memcmp(out, "hello!?", 7), 0);
	free(enc);
}
END_TEST

static const struct {
	const char *name;
	size_t len; /* 0: strlen */
	int ok;
	int is_dir;
} names[] = {
    {"assessment.xml", 0, 1, 0},
    {"evidence/Cyber Essentials Plus.pdf", 0, 1, 0},
    {"\xc3\xa9vidence/\xe2\x82\xac.pdf", 0, 1, 0},
    {"evidence/", 0, 1, 1},
    {".hidden", 0, 1, 0},
    {"", 0, 0, 0},
    {"/abs", 0, 0, 0},
    {"C:x", 0, 0, 0},
    {"a\\b", 0, 0, 0},
    {"a//b", 0, 0, 0},
    {"./a", 0, 0, 0},
    {"a/./b", 0, 0, 0},
    {"a/../b", 0, 0, 0},
    {"..", 0, 0, 0},
    {"a/..", 0, 0, 0},
    {"a\x01"
     "b",
     0, 0, 0},
    {"a\x7f", 0, 0, 0},
    {"a\nb", 0, 0, 0},
    {"a\0b", 3, 0, 0},
    {"a\xc0\xaf", 0, 0, 0},
    {"a\xed\xa0\x80", 0, 0, 0},
    {"a\xe2\x82", 0, 0, 0},
    {"a\xf5\x80\x80\x80", 0, 0, 0},
    {"a\xff", 0, 0, 0},
    {"a:b", 0, 0, 0},
    {"a*b", 0, 0, 0},
    {"a?b", 0, 0, 0},
    {"a|b", 0, 0, 0},
    {"a//", 0, 0, 0},
};

START_TEST(test_names)
{
	size_t len = names[_i].len ? names[_i].len : strlen(names[_i].name);
	int is_dir = -1;
	const char *why = coco_name_problem(names[_i].name, len, &is_dir);

	if (names[_i].ok) {
		ck_assert_msg(why == NULL, "name %d refused: %s", _i, why);
		ck_assert_int_eq(is_dir, names[_i].is_dir);
	} else {
		ck_assert_msg(why != NULL, "name %d accepted", _i);
	}
}
END_TEST

START_TEST(test_name_length_limit)
{
	char name[COCO_MAX_NAME_LEN + 2];
	int is_dir;

	memset(name, 'a', sizeof(name));
	ck_assert_ptr_null(coco_name_problem(name, COCO_MAX_NAME_LEN, &is_dir));
	ck_assert_ptr_nonnull(coco_name_problem(name, COCO_MAX_NAME_LEN + 1, &is_dir));
}
END_TEST

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(test_atomic_write)
{
	char dir[] = "/tmp/coco-util-XXXXXX", path[64], missing[96], buf[16] = {0};
	struct coco_ctx *ctx = NULL;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, "first", 5), COCO_OK);
	ck_assert_int_eq(coco_write_file_atomic(ctx, path, "second", 6), COCO_OK);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf) - 1, f), 6);
	fclose(f);
	ck_assert_str_eq(buf, "second");
	ck_assert_uint_eq(count_entries(dir), 1); /* no temporary file left */
	snprintf(missing, sizeof(missing), "%s/no/such/dir/out.txt", dir);
	ck_assert_int_eq(coco_write_file_atomic(ctx, missing, "x", 1), COCO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(ctx), "out.txt"));
	ck_assert_uint_eq(count_entries(dir), 1);
	unlink(path);
	rmdir(dir);
	coco_ctx_free(ctx);
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(coco_strerror(COCO_OK), "success");
	ck_assert_str_eq(coco_strerror(COCO_ERR_LIMIT), "resource limit exceeded");
	ck_assert_str_eq(coco_strerror((enum coco_err)999), "unknown error");
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_loop_test(tc, test_time_parse, 0, (int)(sizeof(times) / sizeof(times[0])));
	tcase_add_test(tc, test_time_format);
	tcase_add_test(tc, test_base64);
	tcase_add_loop_test(tc, test_names, 0, (int)(sizeof(names) / sizeof(names[0])));
	tcase_add_test(tc, test_name_length_limit);
	tcase_add_test(tc, test_atomic_write);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	return s;
}
