/*
 * Unit tests for report.c: the verdict rules, lookups, and rendering. Hostile strings
 * (quotes, backslashes, control characters, invalid UTF-8) must neither break the JSON,
 * which a small strict parser here checks, nor reach a terminal raw in the text form.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "suites.h"
#include "ziptool.h"

#define AT 1798761600 /* 2027-01-01T00:00:00Z */

/* ---- verdicts and lookups -------------------------------------------------------------- */

static const struct {
	enum coco_status statuses[4];
	int n;
	enum coco_verdict verdict;
} verdicts[] = {
    {{COCO_STATUS_PASS}, 0, COCO_VERDICT_INDETERMINATE}, /* an empty report proves nothing */
    {{COCO_STATUS_PASS}, 1, COCO_VERDICT_PASSED},
    {{COCO_STATUS_INFO}, 1, COCO_VERDICT_PASSED},
    {{COCO_STATUS_WARN}, 1, COCO_VERDICT_PASSED},
    {{COCO_STATUS_PASS, COCO_STATUS_WARN, COCO_STATUS_INFO}, 3, COCO_VERDICT_PASSED},
    {{COCO_STATUS_INDETERMINATE}, 1, COCO_VERDICT_INDETERMINATE},
    {{COCO_STATUS_PASS, COCO_STATUS_INDETERMINATE, COCO_STATUS_WARN},
     3,
     COCO_VERDICT_INDETERMINATE},
    {{COCO_STATUS_FAIL}, 1, COCO_VERDICT_FAILED},
    {{COCO_STATUS_FAIL, COCO_STATUS_PASS}, 2, COCO_VERDICT_FAILED},
    {{COCO_STATUS_PASS, COCO_STATUS_PASS, COCO_STATUS_FAIL}, 3, COCO_VERDICT_FAILED},
    {{COCO_STATUS_INDETERMINATE, COCO_STATUS_FAIL, COCO_STATUS_PASS}, 3, COCO_VERDICT_FAILED},
    {{COCO_STATUS_FAIL, COCO_STATUS_INDETERMINATE}, 2, COCO_VERDICT_FAILED},
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
	coco_report_add(r, COCO_STATUS_FAIL, "manifest.digest", "evidence/a.pdf", "bad %s %d",
			"digest", 7);
	coco_report_add(r, COCO_STATUS_PASS, "manifest.digest", "evidence/b.pdf", "good");
	ck_assert_uint_eq(coco_report_count(r), 3);
	/* find returns the first finding with the id, in the order added */
	f = coco_report_find(r, "manifest.digest");
	ck_assert_ptr_eq(f, coco_report_get(r, 1));
	ck_assert_str_eq(coco_finding_id(f), "manifest.digest");
	ck_assert_int_eq(coco_finding_status(f), COCO_STATUS_FAIL);
	ck_assert_str_eq(coco_finding_subject(f), "evidence/a.pdf");
	ck_assert_str_eq(coco_finding_message(f), "bad digest 7");
	ck_assert_str_eq(coco_finding_subject(coco_report_get(r, 2)), "evidence/b.pdf");
	ck_assert_ptr_null(coco_finding_subject(coco_report_get(r, 0)));
	ck_assert_ptr_null(coco_report_get(r, 3));
	ck_assert_ptr_null(coco_report_find(r, "signer.chain"));
	ck_assert_ptr_null(coco_report_find(r, "manifest")); /* whole ids only */
	ck_assert_int_eq(coco_report_verdict_since(r, 0), COCO_VERDICT_FAILED);
	ck_assert_int_eq(coco_report_verdict_since(r, 2), COCO_VERDICT_PASSED);
	ck_assert_int_eq(coco_report_verdict_since(r, 3), COCO_VERDICT_PASSED);
	coco_report_free(r);
}
END_TEST

START_TEST(test_findings_own_strings)
{
	struct coco_report *r = NULL;
	char subject[] = "evidence/a.pdf", id[] = "manifest.digest";

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	coco_report_add(r, COCO_STATUS_FAIL, id, subject, "%s", "m");
	memset(subject, 'x', sizeof(subject) - 1);
	memset(id, 'x', sizeof(id) - 1);
	ck_assert_str_eq(coco_finding_subject(coco_report_get(r, 0)), "evidence/a.pdf");
	ck_assert_ptr_nonnull(coco_report_find(r, "manifest.digest"));
	coco_report_free(r);
	coco_report_free(NULL);
}
END_TEST

START_TEST(test_names_of_enums)
{
	ck_assert_str_eq(coco_verdict_name(COCO_VERDICT_PASSED), "PASSED");
	ck_assert_str_eq(coco_verdict_name(COCO_VERDICT_INDETERMINATE), "INDETERMINATE");
	ck_assert_str_eq(coco_verdict_name(COCO_VERDICT_FAILED), "FAILED");
	ck_assert_str_eq(coco_status_name(COCO_STATUS_PASS), "pass");
	ck_assert_str_eq(coco_status_name(COCO_STATUS_INFO), "info");
	ck_assert_str_eq(coco_status_name(COCO_STATUS_WARN), "warn");
	ck_assert_str_eq(coco_status_name(COCO_STATUS_INDETERMINATE), "indeterminate");
	ck_assert_str_eq(coco_status_name(COCO_STATUS_FAIL), "fail");
}
END_TEST

/* ---- a strict JSON syntax check (RFC 8259) ------------------------------------------------ */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p++;

		if (c < 0x20)
			return NULL; /* raw control characters are not allowed */
		if (c != '\\')
			continue;
		if (*p == 'u') {
			if (!is_hex(p[1]) || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]))
				return NULL;
			p += 5;
		} else if (*p != '\0' && strchr("\"\\/bfnrt", *p) != NULL) {
			p++;
		} else {
			return NULL;
		}
	}
	return p + 1;
}

static const char *json_number(const char *p)
{
	const char *start = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else
		while (*p >= '0' && *p <= '9')
			p++;
	return p == start ? NULL : p;
}

static const char *json_members(const char *p, int depth, char close, int keyed)
{
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (keyed) {
			if ((p = json_string(json_ws(p))) == NULL)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		if ((p = json_value(p, depth + 1)) == NULL)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p, int depth)
{
	p = json_ws(p);
	if (depth > 32)
		return NULL;
	switch (*p) {
	case '{':
		return json_members(p, depth, '}', 1);
	case '[':
		return json_members(p, depth, ']', 0);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
	case 'n':
		return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default:
		return json_number(p);
	}
}

static int json_valid(const char *s)
{
	const char *end = json_value(s, 0);

	return end != NULL && *json_ws(end) == '\0';
}

START_TEST(test_json_checker)
{
	/* The checker itself must tell valid from broken JSON. */
	ck_assert(json_valid("{\"a\": [1, -2, \"x\\u000a\\\"\", null, true, {}]}\n"));
	ck_assert(!json_valid("{\"a\": \"raw\nnewline\"}"));
	ck_assert(!json_valid("{\"a\": \"unescaped \" quote\"}"));
	ck_assert(!json_valid("{\"a\": \"bad \\x escape\"}"));
	ck_assert(!json_valid("{\"a\": 1,}"));
	ck_assert(!json_valid("{\"a\": 1} trailing"));
}
END_TEST

/* ---- rendering ---------------------------------------------------------------------------- */

static char *render(const struct coco_report *r, enum coco_format fmt, unsigned flags)
{
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(coco_report_render(r, fmt, flags, &out, &len), COCO_OK);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out), len);
	return out;
}

static int has_c0_or_c1(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7F ||
		    (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
			return 1;
	return 0;
}

/* The last line of s (which ends in a newline). */
static const char *last_line(const char *s)
{
	size_t n = strlen(s);

	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(s[n - 1], '\n');
	for (n--; n > 0 && s[n - 1] != '\n'; n--)
		;
	return s + n;
}

static struct coco_report *hostile_report(void)
{
	struct coco_report *r = NULL;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_set_bundle(r, "b.coco", 10, AT), COCO_OK);
	coco_report_add(r, COCO_STATUS_PASS, "container.structure", NULL, "canonical");
	coco_report_add(r, COCO_STATUS_FAIL, "container.name", "evil\n\"name\"\\\x1b[31m\xff",
			"tab\there, del\x7f, quote \" and backslash \\");
	coco_report_add(r, COCO_STATUS_WARN, "signer.revocation", NULL, "no revocation data");
	return r;
}

START_TEST(test_render_json)
{
	struct coco_report *r = hostile_report();
	char *json = render(r, COCO_FORMAT_JSON, 0);

	ck_assert_msg(json_valid(json), "invalid JSON:\n%s", json);
	ck_assert_ptr_nonnull(strstr(json, "\"format\": \"coco-bundle-report/1\""));
	ck_assert_ptr_nonnull(strstr(json, "\"verdict\": \"FAILED\""));
	ck_assert_ptr_nonnull(strstr(json, "\"verification_time\": \"2027-01-01T00:00:00Z\""));
	ck_assert_ptr_nonnull(strstr(json, "\"bundle\": {\"path\": \"b.coco\", \"size\": 10"));
	ck_assert_ptr_nonnull(strstr(json, "\"signer\": null"));
	ck_assert_ptr_nonnull(strstr(json, "\"checks\": ["));
	ck_assert_ptr_nonnull(
	    strstr(json, "{\"id\": \"container.structure\", \"status\": \"pass\", "
			 "\"subject\": null, \"message\": \"canonical\", \"manual\": false}"));
	ck_assert_ptr_nonnull(
	    strstr(json, "\"subject\": \"evil\\u000a\\\"name\\\"\\\\\\u001b[31m\xEF\xBF\xBD\""));
	ck_assert_ptr_nonnull(strstr(
	    json, "\"message\": \"tab\\u0009here, del\\u007f, quote \\\" and backslash \\\\\""));
	ck_assert_ptr_nonnull(strstr(json, "\"status\": \"warn\""));
	ck_assert(!has_c0_or_c1(json));
	free(json);
	coco_report_free(r);
}
END_TEST

START_TEST(test_render_json_empty)
{
	struct coco_report *r = NULL;
	char *json;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	json = render(r, COCO_FORMAT_JSON, 0);
	ck_assert_msg(json_valid(json), "invalid JSON:\n%s", json);
	ck_assert_ptr_nonnull(strstr(json, "\"verdict\": \"INDETERMINATE\""));
	ck_assert_ptr_nonnull(strstr(json, "\"checks\": []"));
	ck_assert_ptr_nonnull(strstr(json, "\"path\": null"));
	free(json);
	coco_report_free(r);
}
END_TEST

START_TEST(test_render_json_path_and_signature)
{
	struct coco_report *r = NULL;
	struct coco_report_signature *s;
	char *json;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_set_bundle(r, "dir/\"odd\"\\name\n.coco", 1, AT), COCO_OK);
	s = coco_report_add_signature(r);
	ck_assert_ptr_nonnull(s);
	s->file = strdup("META-INF/signature001.p7s");
	s->manifest = strdup("META-INF/ASiCManifest001.xml");
	s->subject = strdup("CN=Jane \"J\" Doe, O=Acme, C=GB");
	s->issuer = strdup("CN=CoCo Test Signer CA");
	s->serial = strdup("0a1b");
	s->not_before = AT;
	s->not_after = AT + 86400;
	s->valid = 1;
	coco_report_add(r, COCO_STATUS_PASS, "signature.valid", "META-INF/signature001.p7s", "ok");
	json = render(r, COCO_FORMAT_JSON, 0);
	ck_assert_msg(json_valid(json), "invalid JSON:\n%s", json);
	ck_assert_ptr_nonnull(strstr(json, "\"path\": \"dir/\\\"odd\\\"\\\\name\\u000a.coco\""));
	ck_assert_ptr_nonnull(strstr(json, "\"subject\": \"CN=Jane \\\"J\\\" Doe, O=Acme, C=GB\""));
	ck_assert_ptr_nonnull(strstr(json, "\"not_after\": \"2027-01-02T00:00:00Z\""));
	ck_assert_ptr_nonnull(strstr(json, "\"signing_time\": null"));
	ck_assert_ptr_nonnull(strstr(json, "\"valid\": true"));
	ck_assert_ptr_nonnull(strstr(json, "\"verdict\": \"PASSED\""));
	free(json);
	coco_report_free(r);
}
END_TEST

START_TEST(test_render_text)
{
	struct coco_report *r = hostile_report();
	char *text = render(r, COCO_FORMAT_TEXT, 0);

	ck_assert_str_eq(last_line(text), "verdict    FAILED\n");
	ck_assert_ptr_nonnull(strstr(text, "bundle     b.coco\n"));
	ck_assert_ptr_nonnull(strstr(text, "verified   at 2027-01-01T00:00:00Z\n"));
	ck_assert_ptr_nonnull(strstr(text, "pass          container.structure: canonical\n"));
	ck_assert_ptr_nonnull(strstr(text, "fail          container.name 'evil?\"name\"\\?[31m?': "
					   "tab?here, del?, quote \" and backslash \\\n"));
	ck_assert_ptr_null(strchr(text, '\x1b'));
	ck_assert_ptr_null(strstr(text, "\033[")); /* no colour unless asked */
	ck_assert(!has_c0_or_c1(text));
	free(text);
	coco_report_free(r);
}
END_TEST

START_TEST(test_render_text_verdicts)
{
	static const struct {
		enum coco_status st;
		const char *last;
	} v[] = {
	    {COCO_STATUS_PASS, "verdict    PASSED\n"},
	    {COCO_STATUS_INDETERMINATE, "verdict    INDETERMINATE\n"},
	    {COCO_STATUS_FAIL, "verdict    FAILED\n"},
	};
	struct coco_report *r = NULL;
	char *text;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	coco_report_add(r, v[_i].st, "test.id", NULL, "m");
	text = render(r, COCO_FORMAT_TEXT, 0);
	ck_assert_str_eq(last_line(text), v[_i].last);
	free(text);
	coco_report_free(r);
}
END_TEST

START_TEST(test_render_text_color)
{
	struct coco_report *r = hostile_report();
	char *text = render(r, COCO_FORMAT_TEXT, COCO_RENDER_COLOR);

	ck_assert_ptr_nonnull(strstr(text, "\033[32mpass"));
	ck_assert_ptr_nonnull(strstr(text, "\033[31mfail"));
	ck_assert_ptr_nonnull(strstr(text, "verdict    \033[1;31mFAILED\033[0m\n"));
	free(text);
	coco_report_free(r);
}
END_TEST

/* Text output goes to terminals: no string from outside may carry a control sequence. */
START_TEST(test_render_text_hostile_path)
{
	struct coco_report *r = NULL;
	char *text;
	unsigned flags = _i == 0 ? 0 : COCO_RENDER_INSPECT;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_set_bundle(r, "in/evil\x1b]0;owned\x07\x1b[2J.coco", 1, AT),
			 COCO_OK);
	coco_report_add(r, COCO_STATUS_PASS, "container.structure", NULL, "ok");
	text = render(r, COCO_FORMAT_TEXT, flags);
	ck_assert_msg(!has_c0_or_c1(text), "control characters from the path reach the text:\n%s",
		      zt_visible(text));
	free(text);
	coco_report_free(r);
}
END_TEST

START_TEST(test_render_text_c1)
{
	struct coco_report *r = NULL;
	char *text;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	coco_report_add(r, COCO_STATUS_FAIL, "container.name",
			"a\xc2\x9b"
			"2Jb",
			"nel\xc2\x85here");
	text = render(r, COCO_FORMAT_TEXT, 0);
	ck_assert_msg(!has_c0_or_c1(text), "C1 control characters reach the text:\n%s",
		      zt_visible(text));
	free(text);
	coco_report_free(r);
}
END_TEST

START_TEST(test_render_inspect)
{
	struct coco_report *r = NULL;
	struct coco_report_entry *e;
	char *json, *text;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_set_bundle(r, "b.coco", 10, AT), COCO_OK);
	e = coco_report_add_entry(r, "assessment.xml");
	ck_assert_ptr_nonnull(e);
	e->size = 5;
	e->compressed_size = 5;
	memcpy(e->sha256, "ab", 3);
	e = coco_report_add_entry(r, "evidence/");
	ck_assert_ptr_nonnull(e);
	e->is_dir = 1;
	coco_report_add(r, COCO_STATUS_FAIL, "manifest.missing", NULL, "no manifest");
	json = render(r, COCO_FORMAT_JSON, COCO_RENDER_INSPECT);
	ck_assert_msg(json_valid(json), "invalid JSON:\n%s", json);
	ck_assert_ptr_null(strstr(json, "\"verdict\""));
	ck_assert_ptr_null(strstr(json, "\"verification_time\""));
	ck_assert_ptr_null(strstr(json, "\"checks\""));
	ck_assert_ptr_null(strstr(json, "FAILED"));
	ck_assert_ptr_nonnull(
	    strstr(json, "{\"name\": \"assessment.xml\", \"size\": 5, \"compressed_size\": 5, "
			 "\"method\": \"stored\", \"sha256\": \"ab\"}"));
	ck_assert_ptr_nonnull(strstr(json, "{\"name\": \"evidence/\", \"size\": 0, "
					   "\"compressed_size\": 0, \"method\": \"stored\", "
					   "\"sha256\": null}"));
	text = render(r, COCO_FORMAT_TEXT, COCO_RENDER_INSPECT);
	ck_assert_ptr_nonnull(strstr(text, "entries    2\n"));
	ck_assert_ptr_nonnull(strstr(text, "assessment.xml\n"));
	ck_assert_ptr_nonnull(strstr(text, "signature  none found\n"));
	ck_assert_ptr_null(strstr(text, "verdict"));
	ck_assert_ptr_null(strstr(text, "FAILED"));
	free(json);
	free(text);
	coco_report_free(r);
}
END_TEST

/* ---- many findings of one kind: the first 100 listed, the rest counted in a summary ---- */

#define MORE_150                                                                                   \
	"and 150 more findings of this check and status, not listed (a report lists the first "    \
	"100 of each)"

/* Adds n findings of id with this status, subjects "e/0" ... */
static void add_many(struct coco_report *r, enum coco_status st, const char *id, int n)
{
	char subject[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(subject, sizeof(subject), "e/%d", i);
		ck_assert_int_eq(coco_report_add(r, st, id, subject, "m%d", i), COCO_OK);
	}
}

START_TEST(test_collapse_listed_and_counted)
{
	struct coco_report *r = NULL;
	const struct coco_finding *f;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	add_many(r, COCO_STATUS_FAIL, "manifest.unsigned", 250);
	ck_assert_int_eq(coco_report_add(r, COCO_STATUS_PASS, "pdf.clean", "a.pdf", "ok"), COCO_OK);
	ck_assert_uint_eq(coco_report_count(r), 102);
	ck_assert_str_eq(coco_finding_subject(coco_report_get(r, 99)), "e/99");
	f = coco_report_get(r, 100);
	ck_assert_str_eq(coco_finding_id(f), "manifest.unsigned");
	ck_assert_int_eq(coco_finding_status(f), COCO_STATUS_FAIL);
	ck_assert_ptr_null(coco_finding_subject(f));
	ck_assert_uint_eq(coco_finding_count(f), 150);
	ck_assert_uint_eq(coco_finding_count(coco_report_get(r, 99)), 1);
	ck_assert_str_eq(coco_finding_message(f), MORE_150);
	ck_assert_str_eq(coco_finding_id(coco_report_get(r, 101)), "pdf.clean");
	ck_assert_int_eq(coco_report_verdict(r), COCO_VERDICT_FAILED);
	coco_report_free(r);
}
END_TEST

/* Each status of an id is its own kind: a failure after 100 warnings is listed, and fails. */
START_TEST(test_collapse_per_status)
{
	struct coco_report *r = NULL;
	const struct coco_finding *f;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	add_many(r, COCO_STATUS_WARN, "pdf.link", 100);
	ck_assert_int_eq(coco_report_add(r, COCO_STATUS_FAIL, "pdf.link", "x.pdf", "bad"), COCO_OK);
	ck_assert_uint_eq(coco_report_count(r), 101);
	f = coco_report_get(r, 100);
	ck_assert_int_eq(coco_finding_status(f), COCO_STATUS_FAIL);
	ck_assert_str_eq(coco_finding_subject(f), "x.pdf");
	ck_assert_int_eq(coco_report_verdict(r), COCO_VERDICT_FAILED);
	add_many(r, COCO_STATUS_INDETERMINATE, "signer.untrusted", 101);
	ck_assert_uint_eq(coco_finding_count(coco_report_get(r, 201)), 1);
	ck_assert_str_eq(coco_finding_message(coco_report_get(r, 201)),
			 "and 1 more finding of this check and status, not listed (a report lists "
			 "the first 100 of each)");
	ck_assert_int_eq(coco_finding_status(coco_report_get(r, 201)), COCO_STATUS_INDETERMINATE);
	coco_report_free(r);
	/* manual checks are never summarised (each is work for the SIRO), and are counted
	 * apart from plain warnings of the same id, which are */
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	for (int i = 0; i < 150; i++)
		coco_report_add_manual(r, "pdf.link", "x.pdf", "check link %d", i);
	add_many(r, COCO_STATUS_WARN, "pdf.link", 103);
	ck_assert_uint_eq(coco_report_count(r), 251);
	f = coco_report_get(r, 149);
	ck_assert(coco_finding_manual(f));
	ck_assert_uint_eq(coco_finding_count(f), 1);
	ck_assert_str_eq(coco_finding_message(f), "check link 149");
	ck_assert_str_eq(coco_finding_subject(f), "x.pdf");
	ck_assert(!coco_finding_manual(coco_report_get(r, 150)));
	ck_assert_uint_eq(coco_finding_count(coco_report_get(r, 250)), 3);
	ck_assert_int_eq(coco_report_verdict(r), COCO_VERDICT_PASSED);
	coco_report_free(r);
}
END_TEST

/* A mark taken after the summary exists still sees a failure summarised into it later. */
START_TEST(test_collapse_mark)
{
	struct coco_report *r = NULL;
	size_t mark;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	add_many(r, COCO_STATUS_FAIL, "pdf.signature", 101);
	mark = coco_report_mark(r);
	ck_assert_int_eq(coco_report_add(r, COCO_STATUS_PASS, "pdf.clean", "a.pdf", "ok"), COCO_OK);
	ck_assert_int_eq(coco_report_verdict_since(r, mark), COCO_VERDICT_PASSED);
	ck_assert_int_eq(coco_report_add(r, COCO_STATUS_FAIL, "pdf.signature", "z", "bad"),
			 COCO_OK);
	ck_assert_uint_eq(coco_report_count(r), 102); /* summarised, not listed */
	ck_assert_uint_eq(coco_finding_count(coco_report_get(r, 100)), 2);
	ck_assert_int_eq(coco_report_verdict_since(r, mark), COCO_VERDICT_FAILED);
	coco_report_free(r);
}
END_TEST

/* A finding that repeats one of the last listed word for word (the same SIRO certificate
 * without a CRL, once per sign-off) is listed once, and still counted for the verdicts. */
START_TEST(test_repeat_listed_once)
{
	struct coco_report *r = NULL;
	size_t mark;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	coco_report_add_manual(r, "signer.revocation", "CN=Siro", "no CRL");
	ck_assert_int_eq(coco_report_add(r, COCO_STATUS_PASS, "signoff.decision", "d-002", "ok"),
			 COCO_OK);
	mark = coco_report_mark(r);
	coco_report_add_manual(r, "signer.revocation", "CN=Siro", "no CRL");
	ck_assert_int_eq(
	    coco_report_add(r, COCO_STATUS_INDETERMINATE, "signer.revocation", "CN=Siro", "no CRL"),
	    COCO_OK);
	ck_assert_int_eq(
	    coco_report_add(r, COCO_STATUS_INDETERMINATE, "signer.revocation", "CN=Siro", "no CRL"),
	    COCO_OK);
	ck_assert_int_eq(coco_report_add(r, COCO_STATUS_PASS, "signer.chain", NULL, "ok"), COCO_OK);
	ck_assert_int_eq(coco_report_add(r, COCO_STATUS_PASS, "signer.chain", NULL, "ok"), COCO_OK);
	ck_assert_int_eq(coco_report_add(r, COCO_STATUS_PASS, "signer.chain", "x", "ok"), COCO_OK);
	/* listed: the manual check, the decision, one indeterminate (not manual), two chains */
	ck_assert_uint_eq(coco_report_count(r), 5);
	ck_assert_int_eq(coco_finding_status(coco_report_get(r, 2)), COCO_STATUS_INDETERMINATE);
	ck_assert_ptr_null(coco_finding_subject(coco_report_get(r, 3)));
	ck_assert_str_eq(coco_finding_subject(coco_report_get(r, 4)), "x");
	/* the repeat after the mark still makes that stretch INDETERMINATE */
	ck_assert_int_eq(coco_report_verdict_since(r, mark), COCO_VERDICT_INDETERMINATE);
	mark = coco_report_mark(r);
	ck_assert_int_eq(
	    coco_report_add(r, COCO_STATUS_INDETERMINATE, "signer.revocation", "CN=Siro", "no CRL"),
	    COCO_OK);
	ck_assert_uint_eq(coco_report_count(r), 5);
	ck_assert_int_eq(coco_report_verdict_since(r, mark), COCO_VERDICT_INDETERMINATE);
	coco_report_free(r);
}
END_TEST

/* Appending keeps the counts: dst lists 100 of the kind, and its summary counts the rest. */
START_TEST(test_collapse_append)
{
	struct coco_report *src = NULL, *dst = NULL;
	const struct coco_finding *f;

	ck_assert_int_eq(coco_report_new(&src), COCO_OK);
	ck_assert_int_eq(coco_report_new(&dst), COCO_OK);
	add_many(src, COCO_STATUS_FAIL, "manifest.unsigned", 250);
	for (int i = 0; i < 50; i++) /* other subjects: none repeats one of src's */
		ck_assert_int_eq(
		    coco_report_add(dst, COCO_STATUS_FAIL, "manifest.unsigned", "d", "d%d", i),
		    COCO_OK);
	ck_assert_int_eq(coco_report_append(dst, src), COCO_OK);
	ck_assert_uint_eq(coco_report_count(dst), 101);
	f = coco_report_get(dst, 100);
	ck_assert_uint_eq(coco_finding_count(f), 200);
	ck_assert_ptr_null(coco_finding_subject(f));
	ck_assert_int_eq(coco_report_verdict(dst), COCO_VERDICT_FAILED);
	coco_report_free(src);
	coco_report_free(dst);
}
END_TEST

/* Every format shows the summary; the JSON stays valid and carries "more". */
START_TEST(test_collapse_rendered)
{
	struct coco_report *r = NULL;
	char *json, *text, *xml, *html;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_set_bundle(r, "b.coco", 10, AT), COCO_OK);
	add_many(r, COCO_STATUS_FAIL, "manifest.unsigned", 250);
	json = render(r, COCO_FORMAT_JSON, 0);
	ck_assert_msg(json_valid(json), "invalid JSON:\n%s", json);
	ck_assert_ptr_nonnull(strstr(json, "{\"id\": \"manifest.unsigned\", \"status\": \"fail\", "
					   "\"subject\": null, \"message\": \"" MORE_150
					   "\", \"manual\": false, \"more\": 150}"));
	ck_assert_ptr_nonnull(strstr(json, "\"verdict\": \"FAILED\""));
	text = render(r, COCO_FORMAT_TEXT, 0);
	ck_assert_ptr_nonnull(strstr(text, "\nfail          manifest.unsigned: " MORE_150 "\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nverdict    FAILED\n"));
	xml = render(r, COCO_FORMAT_XML, 0);
	ck_assert_ptr_nonnull(strstr(xml, "<finding id=\"manifest.unsigned\" status=\"fail\" "
					  "manual=\"false\" more=\"150\">" MORE_150 "</finding>"));
	html = render(r, COCO_FORMAT_HTML, 0);
	ck_assert_ptr_nonnull(strstr(html, MORE_150));
	ck_assert_ptr_null(strstr(text, "e/100"));
	ck_assert_ptr_null(strstr(json, "e/100"));
	free(json);
	free(text);
	free(xml);
	free(html);
	coco_report_free(r);
}
END_TEST

/* ---- one escaping layer: the characters that reorder or hide text ---------------------- */

/* U+202E, U+200E, U+200F, U+061C, U+2028, U+2029 between letters; then U+2066 and U+2069. */
#define BIDI                                                                                       \
	"a\xE2\x80\xAE"                                                                            \
	"b\xE2\x80\x8E"                                                                            \
	"c\xE2\x80\x8F"                                                                            \
	"d\xD8\x9C"                                                                                \
	"e\xE2\x80\xA8"                                                                            \
	"f\xE2\x80\xA9"                                                                            \
	"g\xE2\x81\xA6"                                                                            \
	"h\xE2\x81\xA9"
#define R "\xEF\xBF\xBD" /* U+FFFD */
/* Neighbours that are harmless stay: U+200D ZWJ, U+2027, U+061B, U+202F, U+2065. */
#define KEEP "\xE2\x80\x8D\xE2\x80\xA7\xD8\x9B\xE2\x80\xAF\xE2\x81\xA5"

static const struct {
	const char *in;
	enum coco_escape mode;
	const char *out;
} escapes[] = {
    {BIDI, COCO_ESCAPE_TEXT, "a?b?c?d?e?f?g?h?"},
    {BIDI, COCO_ESCAPE_JSON, "a" R "b" R "c" R "d" R "e" R "f" R "g" R "h" R},
    {BIDI, COCO_ESCAPE_MARKUP, "a" R "b" R "c" R "d" R "e" R "f" R "g" R "h" R},
    {BIDI, COCO_ESCAPE_CSV, "a" R "b" R "c" R "d" R "e" R "f" R "g" R "h" R},
    {KEEP, COCO_ESCAPE_TEXT, KEEP},
    {KEEP, COCO_ESCAPE_JSON, KEEP},
    {"q\"\\\x01\n\xff", COCO_ESCAPE_JSON, "q\\\"\\\\\\u0001\\u000a" R},
    {"q\"\\\x01\n\xff", COCO_ESCAPE_TEXT,
     "q\"\\??"
     "?"},
    {"<a href='x'>&\x01\n\t", COCO_ESCAPE_MARKUP, "&lt;a href=&#39;x&#39;&gt;&amp;" R "\n\t"},
    {"plain", COCO_ESCAPE_CSV, "plain"},
    {"", COCO_ESCAPE_CSV_UNTRUSTED, ""},
    {"a,b \"c\"\r\n", COCO_ESCAPE_CSV, "\"a,b \"\"c\"\"" R "\n\""},
    {"=1+1", COCO_ESCAPE_CSV_UNTRUSTED, "'=1+1"},
    {"=1+1", COCO_ESCAPE_CSV, "=1+1"},
    {"-5", COCO_ESCAPE_CSV, "-5"},
    {"@x,y", COCO_ESCAPE_CSV_UNTRUSTED, "\"'@x,y\""},
    {"\xE2\x80\xAE"
     "=cmd",
     COCO_ESCAPE_CSV_UNTRUSTED, R "=cmd"},
};

START_TEST(test_escape)
{
	char *e = coco_escape(escapes[_i].in, escapes[_i].mode);

	ck_assert_ptr_nonnull(e);
	ck_assert_msg(strcmp(e, escapes[_i].out) == 0, "case %d: got '%s', want '%s'", _i,
		      zt_visible(e), zt_visible(escapes[_i].out));
	free(e);
	ck_assert_ptr_null(coco_escape("x", (enum coco_escape)99));
}
END_TEST

/* Organisation, entry, subject and message carrying each character, in every format. */
START_TEST(test_render_bidi)
{
	struct coco_report *r = NULL;
	struct coco_report_signature *s;
	char *text, *json, *xml, *html;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_set_bundle(r, "b" BIDI ".coco", 10, AT), COCO_OK);
	ck_assert_int_eq(coco_report_set_summary(r, "Org " BIDI, "Dir " BIDI), COCO_OK);
	ck_assert_ptr_nonnull(coco_report_add_entry(r, "e/" BIDI));
	ck_assert_ptr_nonnull(s = coco_report_add_signature(r));
	s->subject = strdup("CN=Jane " BIDI);
	s->issuer = strdup("CN=CA " BIDI);
	coco_report_add(r, COCO_STATUS_FAIL, "manifest.unsigned", "e/" BIDI, "msg " BIDI);
	text = render(r, COCO_FORMAT_TEXT, 0);
	ck_assert_ptr_nonnull(strstr(text, "bundle     ba?b?c?d?e?f?g?h?.coco\n"));
	ck_assert_ptr_nonnull(strstr(text, "organisation  Org a?b?c?d?e?f?g?h?\n"));
	ck_assert_ptr_nonnull(strstr(text, "director      Dir a?b?c?d?e?f?g?h?\n"));
	ck_assert_ptr_nonnull(strstr(text, "  signer   CN=Jane a?b?c?d?e?f?g?h?\n"));
	ck_assert_ptr_nonnull(strstr(text, "  issuer   CN=CA a?b?c?d?e?f?g?h?\n"));
	ck_assert_ptr_nonnull(strstr(
	    text, "fail          manifest.unsigned 'e/a?b?c?d?e?f?g?h?': msg a?b?c?d?e?f?g?h?\n"));
	json = render(r, COCO_FORMAT_JSON, 0);
	ck_assert_msg(json_valid(json), "invalid JSON:\n%s", json);
	ck_assert_ptr_nonnull(strstr(json, "\"organisation\": \"Org a" R "b" R "c" R "d" R "e" R
					   "f" R "g" R "h" R "\""));
	ck_assert_ptr_nonnull(
	    strstr(json, "{\"name\": \"e/a" R "b" R "c" R "d" R "e" R "f" R "g" R "h" R "\""));
	ck_assert_ptr_nonnull(
	    strstr(json, "\"message\": \"msg a" R "b" R "c" R "d" R "e" R "f" R "g" R "h" R "\""));
	xml = render(r, COCO_FORMAT_XML, 0);
	ck_assert_ptr_nonnull(
	    strstr(xml, " organisation=\"Org a" R "b" R "c" R "d" R "e" R "f" R "g" R "h" R "\""));
	ck_assert_ptr_nonnull(
	    strstr(xml, "name=\"e/a" R "b" R "c" R "d" R "e" R "f" R "g" R "h" R "\""));
	html = render(r, COCO_FORMAT_HTML, 0);
	ck_assert_ptr_nonnull(strstr(html, "Org a" R "b" R "c" R "d" R "e" R "f" R "g" R "h" R));
	ck_assert_ptr_nonnull(strstr(html, "msg a" R "b" R "c" R "d" R "e" R "f" R "g" R "h" R));
	for (const char *const *out = (const char *const[]){text, json, xml, html, NULL}; *out;
	     out++) {
		ck_assert_msg(
		    strstr(*out, "\xE2\x80\xAE") == NULL && strstr(*out, "\xE2\x80\x8E") == NULL &&
			strstr(*out, "\xE2\x80\x8F") == NULL && strstr(*out, "\xD8\x9C") == NULL &&
			strstr(*out, "\xE2\x80\xA8") == NULL &&
			strstr(*out, "\xE2\x80\xA9") == NULL,
		    "a bidi or separator character reaches the output:\n%s", zt_visible(*out));
	}
	free(text);
	free(json);
	free(xml);
	free(html);
	coco_report_free(r);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_loop_test(tc, test_verdict, 0, (int)(sizeof(verdicts) / sizeof(verdicts[0])));
	tcase_add_test(tc, test_find_and_accessors);
	tcase_add_test(tc, test_findings_own_strings);
	tcase_add_test(tc, test_names_of_enums);
	tcase_add_test(tc, test_json_checker);
	tcase_add_test(tc, test_render_json);
	tcase_add_test(tc, test_render_json_empty);
	tcase_add_test(tc, test_render_json_path_and_signature);
	tcase_add_test(tc, test_render_text);
	tcase_add_loop_test(tc, test_render_text_verdicts, 0, 3);
	tcase_add_test(tc, test_render_text_color);
	tcase_add_loop_test(tc, test_render_text_hostile_path, 0, 2);
	tcase_add_test(tc, test_render_text_c1);
	tcase_add_test(tc, test_render_inspect);
	tcase_add_test(tc, test_collapse_listed_and_counted);
	tcase_add_test(tc, test_collapse_per_status);
	tcase_add_test(tc, test_collapse_mark);
	tcase_add_test(tc, test_collapse_append);
	tcase_add_test(tc, test_repeat_listed_once);
	tcase_add_test(tc, test_collapse_rendered);
	tcase_add_loop_test(tc, test_escape, 0, (int)(sizeof(escapes) / sizeof(escapes[0])));
	tcase_add_test(tc, test_render_bidi);
	suite_add_tcase(s, tc);
	return s;
}
