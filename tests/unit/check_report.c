/*
 * Unit tests for report.c: the verdict rules, lookups, and rendering, including that
 * hostile strings (quotes, control characters, invalid UTF-8) cannot break the JSON or
 * reach a terminal raw.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "suites.h"

static const struct {
	enum coco_status statuses[4];
	int n;
	enum coco_verdict verdict;
} verdicts[] = {
    {{COCO_STATUS_PASS}, 0, COCO_VERDICT_INDETERMINATE}, /* an empty report proves nothing */
    {{COCO_STATUS_PASS, COCO_STATUS_WARN, COCO_STATUS_INFO}, 3, COCO_VERDICT_PASSED},
    {{COCO_STATUS_PASS, COCO_STATUS_INDETERMINATE, COCO_STATUS_WARN},
     3,
     COCO_VERDICT_INDETERMINATE},
    {{COCO_STATUS_FAIL, COCO_STATUS_PASS}, 2, COCO_VERDICT_FAILED},
    {{COCO_STATUS_INDETERMINATE, COCO_STATUS_FAIL, COCO_STATUS_PASS}, 3, COCO_VERDICT_FAILED},
    {{COCO_STATUS_WARN}, 1, COCO_VERDICT_PASSED},
};

START_TEST(test_verdict)
{
	struct coco_report *r = NULL;
	int i;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	for (i = 0; i < verdicts[_i].n; i++)
		ck_assert_int_eq(
		    coco_report_add(r, verdicts[_i].statuses[i], "test.id", NULL, "m%d", i),
		    COCO_OK);
	ck_assert_int_eq(coco_report_verdict(r), verdicts[_i].verdict);
	ck_assert_uint_eq(coco_report_count(r), (size_t)verdicts[_i].n);
	coco_report_free(r);
}
END_TEST

START_TEST(test_find_and_accessors)
{
	struct coco_report *r = NULL;
	const struct coco_finding *f;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	coco_report_add(r, COCO_STATUS_PASS, "container.structure", NULL, "ok");
	coco_report_add(r, COCO_STATUS_FAIL, "manifest.digest", "evidence/a.pdf", "bad %s",
			"digest");
	f = coco_report_find(r, "manifest.digest");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(coco_finding_status(f), COCO_STATUS_FAIL);
	ck_assert_str_eq(coco_finding_subject(f), "evidence/a.pdf");
	ck_assert_str_eq(coco_finding_message(f), "bad digest");
	ck_assert_ptr_null(coco_finding_subject(coco_report_get(r, 0)));
	ck_assert_ptr_null(coco_report_get(r, 2));
	ck_assert_ptr_null(coco_report_find(r, "signer.chain"));
	ck_assert_int_eq(coco_report_verdict_since(r, 0), COCO_VERDICT_FAILED);
	ck_assert_int_eq(coco_report_verdict_since(r, 2), COCO_VERDICT_PASSED);
	ck_assert_str_eq(coco_verdict_name(COCO_VERDICT_INDETERMINATE), "INDETERMINATE");
	ck_assert_str_eq(coco_status_name(COCO_STATUS_WARN), "warn");
	coco_report_free(r);
}
END_TEST

static char *render(struct coco_report *r, enum coco_format fmt, unsigned flags)
{
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(coco_report_render(r, fmt, flags, &out, &len), COCO_OK);
	ck_assert_uint_eq(strlen(out), len);
	return out;
}

START_TEST(test_render_escapes)
{
	struct coco_report *r = NULL;
	char *json, *text;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_set_bundle(r, "b.coco", 10, 1798761600), COCO_OK);
	coco_report_add(r, COCO_STATUS_FAIL, "container.name", "evil\n\"name\"\\\x1b[31m\xff",
			"bad");
	json = render(r, COCO_FORMAT_JSON, 0);
	ck_assert_ptr_nonnull(
	    strstr(json, "\"subject\": \"evil\\u000a\\\"name\\\"\\\\\\u001b[31m\\ufffd\""));
	ck_assert_ptr_nonnull(strstr(json, "\"verdict\": \"FAILED\""));
	ck_assert_ptr_nonnull(strstr(json, "\"verification_time\": \"2027-01-01T00:00:00Z\""));
	ck_assert_ptr_nonnull(strstr(json, "\"id\": \"container.name\", \"status\": \"fail\""));
	ck_assert_ptr_nonnull(strstr(json, "\"signer\": null"));
	text = render(r, COCO_FORMAT_TEXT, 0);
	ck_assert_ptr_null(strchr(text, '\x1b'));
	ck_assert_ptr_nonnull(strstr(text, "'evil?\"name\"\\?[31m?'"));
	ck_assert_ptr_nonnull(strstr(text, "\nverdict    FAILED\n"));
	ck_assert_str_eq(text + strlen(text) - strlen("verdict    FAILED\n"),
			 "verdict    FAILED\n");
	free(json);
	free(text);
	coco_report_free(r);
}
END_TEST

START_TEST(test_render_inspect_and_color)
{
	struct coco_report *r = NULL;
	struct coco_report_entry *e;
	char *json, *text;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_set_bundle(r, "b.coco", 10, 0), COCO_OK);
	e = coco_report_add_entry(r, "assessment.xml");
	ck_assert_ptr_nonnull(e);
	e->size = 5;
	memcpy(e->sha256, "ab", 3);
	coco_report_add(r, COCO_STATUS_PASS, "container.structure", NULL, "ok");
	json = render(r, COCO_FORMAT_JSON, COCO_RENDER_INSPECT);
	ck_assert_ptr_null(strstr(json, "\"verdict\""));
	ck_assert_ptr_null(strstr(json, "\"checks\""));
	ck_assert_ptr_nonnull(strstr(json, "{\"name\": \"assessment.xml\", \"size\": 5"));
	text = render(r, COCO_FORMAT_TEXT, COCO_RENDER_COLOR);
	ck_assert_ptr_nonnull(strstr(text, "\033[32mpass"));
	free(json);
	free(text);
	text = render(r, COCO_FORMAT_TEXT, COCO_RENDER_INSPECT);
	ck_assert_ptr_nonnull(strstr(text, "assessment.xml"));
	ck_assert_ptr_null(strstr(text, "verdict"));
	free(text);
	coco_report_free(r);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_loop_test(tc, test_verdict, 0, (int)(sizeof(verdicts) / sizeof(verdicts[0])));
	tcase_add_test(tc, test_find_and_accessors);
	tcase_add_test(tc, test_render_escapes);
	tcase_add_test(tc, test_render_inspect_and_color);
	suite_add_tcase(s, tc);
	return s;
}
