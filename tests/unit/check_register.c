/*
 * Unit tests of the register API (coco_register_add, coco_reverify, coco_register_row,
 * coco_register_render), as a library user such as an intake service calls it: the rows'
 * data, their order, the same rows whatever the number of workers, progress reported once
 * per bundle, a name carrying a bidirectional override neutralised in every rendering, and
 * the errors. Bundles are made by the library at fixed times.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "bundletool.h"
#include "suites.h"

/* U+202E RIGHT-TO-LEFT OVERRIDE, which would show "evil\u202Eococ.exe" reversed. */
#define RLO "\xE2\x80\xAE"

struct fixture {
	struct coco_ctx *ctx;
	struct coco_register *reg;
	char *tmp;
};

static void setup(struct fixture *fx)
{
	char *trust = bt_fixture("trust"), *example = bt_fixture("example"), *path;
	struct coco_signer *s;

	memset(fx, 0, sizeof(*fx));
	ck_assert_int_eq(coco_ctx_new(&fx->ctx), COCO_OK);
	ck_assert_msg(coco_ctx_load_trust(fx->ctx, trust) == COCO_OK, "%s",
		      coco_ctx_error(fx->ctx));
	ck_assert_int_eq(coco_register_new(&fx->reg), COCO_OK);
	ck_assert_ptr_nonnull(fx->tmp = bt_mkdtemp());
	coco_ctx_set_time(fx->ctx, bt_time("2027-01-01"));
	ck_assert_ptr_nonnull(s = bt_signer(fx->ctx, "director"));
	path = bt_fmt("%s/good.coco", fx->tmp);
	ck_assert_msg(coco_create(fx->ctx, example, path, s, NULL) == COCO_OK, "%s",
		      coco_ctx_error(fx->ctx));
	free(path);
	path = bt_fmt("%s/evil" RLO "ococ.coco", fx->tmp);
	ck_assert_int_eq(bt_write(path, "junk", 4), 0);
	free(path);
	coco_signer_free(s);
	free(trust);
	free(example);
}

static void teardown(struct fixture *fx)
{
	bt_rmtree(fx->tmp);
	free(fx->tmp);
	coco_register_free(fx->reg);
	coco_ctx_free(fx->ctx);
}

static void count_cb(void *arg, uint64_t done, uint64_t total)
{
	size_t *calls = arg;

	ck_assert_uint_le(done, total);
	(*calls)++;
}

/* Re-verifies the fixture's folder at 2027-06-01 with `jobs` workers. */
static void run(struct fixture *fx, unsigned jobs, size_t *calls)
{
	struct coco_reverify_opts o = {60, jobs, count_cb, calls};

	ck_assert_int_eq(coco_register_add(fx->ctx, fx->reg, fx->tmp), COCO_OK);
	coco_ctx_set_time(fx->ctx, bt_time("2027-06-01"));
	ck_assert_msg(coco_reverify(fx->ctx, fx->reg, &o) == COCO_OK, "%s",
		      coco_ctx_error(fx->ctx));
}

START_TEST(test_rows)
{
	struct fixture fx;
	const struct coco_rv_row *row;
	size_t calls = 0;

	setup(&fx);
	run(&fx, 2, &calls);
	ck_assert_uint_eq(calls, 2);
	ck_assert_uint_eq(coco_register_count(fx.reg), 2);
	/* most urgent first: the junk file FAILED, unverifiable as a zip */
	row = coco_register_row(fx.reg, 0);
	ck_assert_int_eq(row->status, COCO_RV_FAILED);
	ck_assert_int_eq(row->verified, 1);
	ck_assert_int_eq(row->verdict, COCO_VERDICT_FAILED);
	ck_assert_ptr_nonnull(strstr(row->path, "evil" RLO "ococ.coco"));
	ck_assert_ptr_nonnull(row->reason);
	ck_assert_int_eq(strncmp(row->reason, "container.", 10), 0);
	row = coco_register_row(fx.reg, 1);
	ck_assert_int_eq(row->status, COCO_RV_OK);
	ck_assert_str_eq(row->organisation, "Example Guarding Ltd");
	ck_assert_int_eq(row->decision, COCO_DECISION_NONE);
	ck_assert_int_eq(row->decision_state, COCO_RV_DECISION_NONE);
	ck_assert_int_eq(row->has_expiry, 1);
	ck_assert_int_eq(row->days_left, 106);
	ck_assert_str_eq(row->expiring, "cyber-essentials-plus certificate CEP-TEST-000123");
	ck_assert_ptr_null(row->reason);
	ck_assert_ptr_null(coco_register_row(fx.reg, 2));
	ck_assert_int_eq(coco_register_worst(fx.reg), COCO_RV_FAILED);
	ck_assert_str_eq(coco_rv_status_name(COCO_RV_REVOKED), "REVOKED");
	ck_assert_ptr_null(coco_rv_status_name(COCO_RV_N_STATUS));
	/* once per register */
	ck_assert_int_eq(
	    coco_reverify(fx.ctx, fx.reg, &(struct coco_reverify_opts){.within_days = 60}),
	    COCO_ERR_ARG);
	teardown(&fx);
}
END_TEST

/* The override in the bundle's name never reaches any rendering raw: '?' in text, U+FFFD in
 * JSON and CSV. */
START_TEST(test_bidi_neutralised)
{
	static const enum coco_rv_format formats[] = {COCO_RV_TEXT, COCO_RV_JSON, COCO_RV_CSV};
	static const char *const shown[] = {"evil?ococ.coco", "evil\xEF\xBF\xBDococ.coco",
					    "evil\xEF\xBF\xBDococ.coco"};
	struct fixture fx;
	size_t calls = 0, len, i;
	char *out;

	setup(&fx);
	run(&fx, 1, &calls);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(coco_register_render(fx.reg, formats[i], &out, &len), COCO_OK);
		ck_assert_uint_eq(strlen(out), len);
		ck_assert_msg(strstr(out, RLO) == NULL, "raw override in format %zu", i);
		ck_assert_msg(strstr(out, shown[i]) != NULL, "format %zu: %s", i, out);
		free(out);
	}
	ck_assert_int_eq(coco_register_render(fx.reg, (enum coco_rv_format)3, &out, &len),
			 COCO_ERR_ARG);
	ck_assert_ptr_null(out);
	teardown(&fx);
}
END_TEST

/* The same rows in the same order whatever the number of workers. */
START_TEST(test_jobs_same)
{
	const struct coco_rv_row *ra, *rb;
	struct fixture a, b;
	size_t calls = 0, i;

	setup(&a);
	setup(&b);
	run(&a, 1, &calls);
	run(&b, 64, &calls);
	ck_assert_uint_eq(coco_register_count(a.reg), coco_register_count(b.reg));
	for (i = 0; i < coco_register_count(a.reg); i++) {
		ra = coco_register_row(a.reg, i);
		rb = coco_register_row(b.reg, i);
		ck_assert_str_eq(strrchr(ra->path, '/'), strrchr(rb->path, '/'));
		ck_assert_int_eq(ra->status, rb->status);
		ck_assert_str_eq(ra->reason ? ra->reason : "-", rb->reason ? rb->reason : "-");
	}
	teardown(&a);
	teardown(&b);
}
END_TEST

START_TEST(test_add_errors)
{
	struct fixture fx;
	char *missing;

	setup(&fx);
	missing = bt_fmt("%s/no-such", fx.tmp);
	ck_assert_int_eq(coco_register_add(fx.ctx, fx.reg, missing), COCO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), "cannot open '"));
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), "No such file or directory"));
	ck_assert_uint_eq(coco_register_count(fx.reg), 0);
	/* a folder named twice is walked into the same rows once */
	ck_assert_int_eq(coco_register_add(fx.ctx, fx.reg, fx.tmp), COCO_OK);
	ck_assert_int_eq(coco_register_add(fx.ctx, fx.reg, fx.tmp), COCO_OK);
	ck_assert_uint_eq(coco_register_count(fx.reg), 2);
	free(missing);
	teardown(&fx);
}
END_TEST

Suite *register_suite(void)
{
	Suite *s = suite_create("register");
	TCase *tc = tcase_create("register");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_bidi_neutralised);
	tcase_add_test(tc, test_jobs_same);
	tcase_add_test(tc, test_add_errors);
	suite_add_tcase(s, tc);
	return s;
}
