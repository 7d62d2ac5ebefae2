/*
 * Unit tests for report_html.c, the sign-off sheet. A report built through the internal
 * API carries hostile text in every field a bundle controls (markup, quotes, control
 * characters, invalid UTF-8). The sheet must show it as text: it parses as XML, every
 * element and attribute is one the renderer writes itself, there is no script, no event
 * handler and no resource URL, and the payloads come back out of the text nodes intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "report/report.h"
#include "suites.h"

#define AT 1811808000L /* 2027-06-01T00:00:00Z */
#define DAY(t) ((long)((t) / 86400))

static const char script[] = "<script>alert(1)</script>";
static const char img[] = "\"><img src=x onerror=alert(1)>";
static const char nasty[] = "A&B <Ltd> \"q\" 'a' \x1b[31m\x01\xff\xc3";

static char *render(const struct coco_report *r, unsigned flags)
{
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(coco_report_render(r, COCO_FORMAT_HTML, flags, &out, &len), COCO_OK);
	ck_assert_uint_eq(strlen(out), len);
	return out;
}

/* A string of the report's own: field name, then one of the hostile payloads. */
static char *field(const char *name, const char *payload)
{
	size_t n = strlen(name) + strlen(payload) + 2;
	char *s = malloc(n);

	ck_assert_ptr_nonnull(s);
	snprintf(s, n, "%s %s", name, payload);
	return s;
}

static void add_signature(struct coco_report *r, enum coco_sig_role role, int valid)
{
	struct coco_report_signature *s = coco_report_add_signature(r);

	ck_assert_ptr_nonnull(s);
	s->file = field("file", img);
	s->manifest = field("manifest", script);
	s->subject = field("subject", nasty);
	s->common_name = field("cn", nasty);
	s->issuer = field("issuer", script);
	s->serial = field("serial", img);
	s->not_before = AT - 200 * 86400L;
	s->not_after = AT + 900 * 86400L;
	s->signing_time = AT - 100 * 86400L;
	s->has_signing_time = 1;
	s->valid = valid;
	s->role = role;
}

static void add_statements(struct coco_report *r)
{
	char id[16];
	int k;

	for (k = 1; k <= 11; k++) {
		snprintf(id, sizeof(id), "CoCo-%d", k);
		ck_assert_int_eq(coco_report_add_element(r, id, k == 3 ? img : "Requirement",
							 k == 1   ? script
							 : k == 2 ? img
								  : nasty,
							 1),
				 COCO_OK);
	}
}

/* Every field a bundle controls holds a payload. */
static struct coco_report *hostile_report(void)
{
	struct coco_report *r = NULL;
	struct coco_report_signoff *so;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_set_bundle(r, "dir/<b>&\"x\".coco", 8337, AT), COCO_OK);
	coco_report_set_bundle_sha256(
	    r, "1947b71c0ad1f09824783cba328893f194da46ec35bcb32892c12594cc0ab612");
	ck_assert_int_eq(coco_report_set_summary(r, nasty, script), COCO_OK);
	ck_assert_int_eq(coco_report_add_cert(r, "cyber-essentials-plus", img, DAY(AT) - 259,
					      DAY(AT) + 106, NULL),
			 COCO_OK);
	ck_assert_int_eq(coco_report_add_cert(r, script, "ISO-1", -1, DAY(AT) + 30, NULL), COCO_OK);
	ck_assert_int_eq(coco_report_add_cert(r, "iso27001-2013", nasty, DAY(AT) - 800, DAY(AT) - 5,
					      "scheme withdrawn"),
			 COCO_OK);
	add_statements(r);
	add_signature(r, COCO_SIG_APPLICANT, 1);
	add_signature(r, COCO_SIG_SIRO, 0);
	so =
	    coco_report_add_signoff(r, img, COCO_DECISION_APPROVED, script, nasty, AT - 86400, img);
	ck_assert_ptr_nonnull(so);
	so->valid = 1;
	so->stands = 1; /* the decision in force */
	coco_report_add(r, COCO_STATUS_PASS, "container.structure", NULL, "%s", script);
	coco_report_add(r, COCO_STATUS_FAIL, "signer.chain", img, "%s", nasty);
	coco_report_add(r, COCO_STATUS_INFO, img, script, "unknown group");
	coco_report_add_manual(r, "evidence.register_missing", nasty, "%s", img);
	return r;
}

/* ---- the structure, through libxml2 --------------------------------------------------- */

static const char *const elements[] = {
    "html", "head",   "meta",  "title",  "style", "body", "div",  "header", "h1",      "h2",
    "h3",   "span",   "table", "thead",  "tbody", "tr",   "th",   "td",     "section", "p",
    "code", "strong", "br",    "footer", "svg",   "line", "text", "rect",
};
static const char *const attributes[] = {
    "lang",  "charset", "http-equiv", "content",    "name",   "class", "colspan",
    "xmlns", "viewBox", "role",       "aria-label", "x",      "y",     "x1",
    "y1",    "x2",      "y2",         "width",      "height", "rx",    "text-anchor",
};

static int listed(const char *const *list, size_t n, const xmlChar *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], (const char *)name) == 0)
			return 1;
	return 0;
}

/* Every element and attribute is one the renderer writes; text is appended to *text. */
static void walk(xmlNode *node, xmlBuffer *text)
{
	xmlAttr *a;

	for (; node != NULL; node = node->next) {
		if (node->type == XML_TEXT_NODE)
			xmlBufferCat(text, node->content);
		if (node->type != XML_ELEMENT_NODE)
			continue;
		ck_assert_msg(listed(elements, sizeof(elements) / sizeof(elements[0]), node->name),
			      "unexpected element <%s>", node->name);
		for (a = node->properties; a != NULL; a = a->next)
			ck_assert_msg(
			    listed(attributes, sizeof(attributes) / sizeof(attributes[0]), a->name),
			    "unexpected attribute %s on <%s>", a->name, node->name);
		walk(node->children, text);
	}
}

/* Parses the sheet as XML (no network) and returns its text content (caller frees). */
static char *structure(const char *html)
{
	xmlDoc *doc = xmlReadMemory(html, (int)strlen(html), "sheet.html", "UTF-8",
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlBuffer *text = xmlBufferCreate();
	char *out;

	ck_assert_msg(doc != NULL, "the sheet is not well-formed XML: %.200s", html);
	walk(xmlDocGetRootElement(doc), text);
	out = strdup((const char *)xmlBufferContent(text));
	xmlBufferFree(text);
	xmlFreeDoc(doc);
	return out;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* No C0 control other than tab and newline, and valid UTF-8 throughout. */
static int clean_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;

	for (; left > 0; p += n, left -= n) {
		n = 1;
		if (*p < 0x20 && *p != '\n' && *p != '\t')
			return 0;
		if (*p >= 0x80 && (n = coco_utf8_seq(p, left)) == 0)
			return 0;
	}
	return 1;
}

/* Every occurrence of word follows the escaped text before, so it is only text. */
static int only_escaped(const char *html, const char *word, const char *before)
{
	const char *p = html;
	size_t n = strlen(before);

	while ((p = strstr(p, word)) != NULL) {
		if ((size_t)(p - html) < n || strncmp(p - n, before, n) != 0)
			return 0;
		p += strlen(word);
	}
	return 1;
}

static void no_active_content(const char *html)
{
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "<img"));
	ck_assert_ptr_null(strstr(html, "<link"));
	ck_assert_ptr_null(strstr(html, "<iframe"));
	ck_assert(only_escaped(html, "onerror=", "&lt;img src=x "));
	ck_assert_ptr_null(strstr(html, "https://"));
	ck_assert_ptr_null(strstr(html, "url("));
	ck_assert_ptr_null(strstr(html, "@import"));
	/* the only http:// is the SVG namespace name, which is never fetched */
	ck_assert_uint_eq(count(html, "http://"), count(html, "<svg "));
	ck_assert_uint_eq(count(html, "http://"),
			  count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
	ck_assert_ptr_nonnull(
	    strstr(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
			 "'none'; style-src 'unsafe-inline'; img-src data:\"/>"));
}

START_TEST(test_html_hostile_text_is_text)
{
	struct coco_report *r = hostile_report();
	char *html = render(r, 0), *text = structure(html);

	no_active_content(html);
	ck_assert(clean_utf8(html));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "A&amp;B &lt;Ltd&gt; &quot;q&quot; &#39;a&#39; "
					   "\xEF\xBF\xBD[31m\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));
	/* the parser gives the payloads back as text, where they can do nothing */
	ck_assert_ptr_nonnull(strstr(text, script));
	ck_assert_ptr_nonnull(strstr(text, img));
	ck_assert_ptr_nonnull(strstr(text, "dir/<b>&\"x\".coco"));
	free(text);
	free(html);
	coco_report_free(r);
}
END_TEST

/* Each field, by the label it is rendered with, shows its payload escaped. */
static const char *const escaped_fields[] = {
    "file &quot;&gt;&lt;img",  "manifest &lt;script&gt;",    "subject A&amp;B &lt;Ltd&gt;",
    "issuer &lt;script&gt;",   "serial &quot;&gt;&lt;img",   "dir/&lt;b&gt;&amp;&quot;x&quot;.coco",
    "<h1>A&amp;B &lt;Ltd&gt;", "<title>A&amp;B &lt;Ltd&gt;", "Director: &lt;script&gt;",
};

START_TEST(test_html_every_field_escaped)
{
	struct coco_report *r = hostile_report();
	char *html = render(r, 0);

	ck_assert_msg(strstr(html, escaped_fields[_i]) != NULL, "missing '%s'", escaped_fields[_i]);
	free(html);
	coco_report_free(r);
}
END_TEST

/* Rows whose cells are all bundle text: statements, certificates, sign-offs, findings. */
START_TEST(test_html_rows_escaped)
{
	struct coco_report *r = hostile_report();
	char *html = render(r, 0);

	ck_assert_ptr_nonnull(strstr(html,
				     "<div class=\"eid\"><span class=\"box\"></span>CoCo-1</div>"
				     "<div class=\"etitle\">Requirement</div><div class=\"stmt\">"
				     "&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "<div class=\"etitle\">&quot;&gt;&lt;img src=x"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"mono\">&quot;&gt;&lt;img src=x"));
	ck_assert_ptr_nonnull(strstr(html, "<tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
	ck_assert_ptr_nonnull(strstr(
	    html, "<td class=\"st s-pass\">approved<br/><span class=\"muted\">in force</span>"
		  "</td><td>&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"id mono\">&quot;&gt;&lt;img"));
	ck_assert_ptr_nonnull(strstr(html, "<span class=\"subj\">&quot;&gt;&lt;img src=x"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"num st s-warn\">30</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"num st s-pass\">106</td>"));
	ck_assert_ptr_nonnull(strstr(
	    html, "<td class=\"num st s-fail\">expired 5 days ago</td><td>scheme withdrawn</td>"));
	free(html);
	coco_report_free(r);
}
END_TEST

static const char *const sections[] = {
    "<h2>Manual checks for the SIRO<span class=\"n\">1</span></h2>",
    "<h2>Evidence<span class=\"n\">3 baseline certificates</span></h2>",
    "<h2>Signatures<span class=\"n\">2 found</span></h2>",
    "<h2>Findings<span class=\"n\">4 checks: 1 pass, 1 info, 1 warn, 1 fail</span></h2>",
    "<h2>The CoCo statements<span class=\"n\">11 of 11</span></h2>",
    "<h2>Sign-off decisions recorded<span class=\"n\">1</span></h2>",
    "<h2>SIRO sign-off</h2>",
    "<h2>Why the verdict is FAILED</h2>",
    "<div class=\"verdict v-failed\"><span>Verdict</span><strong>FAILED</strong></div>",
    "<tr class=\"grp allpass\"><th colspan=\"3\">Container",
    "<tr class=\"grp\"><th colspan=\"3\">Signer certificate",
    /* its one finding is a manual check, printed in the manual checks, so not twice */
    "<tr class=\"grp allpass\"><th colspan=\"3\">Evidence",
    "<tr class=\"manual\">",
    "<tr class=\"grp\"><th colspan=\"3\">Other",
    "@page{size:A4;margin:12mm}",
    "@media print{body",
    "<tr class=\"pass\">",
    "<span class=\"box\"></span>Approved",
    "<span class=\"box\"></span>Rejected",
    "<td class=\"role\">SIRO</td>",
    "<td class=\"st s-fail\">\xE2\x9C\x97 not valid</td>",
    "<strong>approved</strong> by &lt;script&gt;",
    /* the decision in force beside the verdict, as large */
    "<div class=\"verdict v-passed\"><span>Sign-off</span><strong>APPROVED</strong><span "
    "class=\"by\">by "
    "&lt;script&gt;",
};

START_TEST(test_html_sections)
{
	struct coco_report *r = hostile_report();
	char *html = render(r, 0);

	ck_assert_msg(strstr(html, sections[_i]) != NULL, "missing '%s'", sections[_i]);
	ck_assert_uint_eq(count(html, sections[_i]), 1);
	free(html);
	coco_report_free(r);
}
END_TEST

static double attr_after(const char *html, const char *key)
{
	const char *p = strstr(html, key);

	ck_assert_msg(p != NULL, "missing '%s'", key);
	return strtod(p + strlen(key), NULL);
}

START_TEST(test_html_timeline)
{
	struct coco_report *r = hostile_report();
	char *html = render(r, 0);
	double x0, x1, xm;

	ck_assert_uint_eq(count(html, "<svg class=\"timeline\""), 1);
	ck_assert_uint_eq(count(html, "<rect class=\"bar "), 3);
	ck_assert_uint_eq(count(html, "<rect class=\"bar ok\""), 1);
	ck_assert_uint_eq(count(html, "<rect class=\"bar expiring open\""), 1); /* issue unknown */
	ck_assert_uint_eq(count(html, "<rect class=\"bar expired\""), 1);
	ck_assert_uint_eq(count(html, "<line class=\"marker\""), 1);
	ck_assert_ptr_nonnull(strstr(html, ">verified 2027-06-01</text>"));
	/* the marker sits inside the ok bar, which runs from before to after the date */
	x0 = attr_after(html, "<rect class=\"bar ok\" x=\"");
	x1 = x0 + attr_after(strstr(html, "<rect class=\"bar ok\""), "width=\"");
	xm = attr_after(html, "<line class=\"marker\" x1=\"");
	ck_assert(x0 < xm && xm < x1);
	free(html);
	coco_report_free(r);
}
END_TEST

START_TEST(test_html_lint_sheet)
{
	struct coco_report *r = hostile_report();
	char *html, *text;

	coco_report_set_lint(r);
	html = render(r, 0);
	text = structure(html);
	no_active_content(html);
	ck_assert_ptr_nonnull(strstr(html, "pre-signing check"));
	ck_assert_ptr_nonnull(strstr(html, "<th>Folder</th>"));
	ck_assert_ptr_null(strstr(html, "<h2>SIRO sign-off</h2>"));
	ck_assert_ptr_null(strstr(html, "<h2>Signatures"));
	ck_assert_ptr_nonnull(strstr(html, ">checked 2027-06-01</text>"));
	free(text);
	free(html);
	coco_report_free(r);
}
END_TEST

START_TEST(test_html_inspect_and_empty)
{
	struct coco_report *r = NULL;
	struct coco_report_entry *e;
	char *html, *text;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	html = render(r, 0); /* nothing at all: still a whole, well-formed page */
	free(structure(html));
	ck_assert_ptr_nonnull(strstr(html, "<strong>INDETERMINATE</strong>"));
	ck_assert_ptr_nonnull(strstr(html, "Organisation not known"));
	free(html);
	ck_assert_int_eq(coco_report_set_bundle(r, "b.coco", 10, AT), COCO_OK);
	ck_assert_ptr_nonnull(e = coco_report_add_entry(r, script));
	add_signature(r, COCO_SIG_APPLICANT, 0);
	html = render(r, COCO_RENDER_INSPECT);
	text = structure(html);
	no_active_content(html);
	ck_assert_ptr_nonnull(strstr(html, "<h2>Entries<span class=\"n\">1</span></h2>"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"mono\">&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"muted\">not judged</td>"));
	ck_assert_ptr_null(strstr(html, "Verdict"));
	ck_assert_ptr_null(strstr(html, "<h2>SIRO sign-off</h2>"));
	free(text);
	free(html);
	coco_report_free(r);
}
END_TEST

/* A scheme's printed name is the one the evidence stage recorded from the policy's scheme
 * table (a policy file is input too: escaped); an id with none recorded shows as itself. */
START_TEST(test_html_scheme_names)
{
	struct coco_report *r = hostile_report();
	char *html, *text;

	ck_assert_int_eq(coco_report_name_scheme(r, "cyber-essentials-plus", img), COCO_OK);
	ck_assert_int_eq(coco_report_name_scheme(r, "cyber-essentials-plus", "Later"), COCO_OK);
	ck_assert_str_eq(coco_report_scheme_name(r, "cyber-essentials-plus"), img);
	ck_assert_ptr_null(coco_report_scheme_name(r, "iso27001-2013"));
	html = render(r, 0);
	text = structure(html);
	no_active_content(html);
	ck_assert_uint_eq(count(html, "<tr><td>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td>"
				      "<td class=\"mono\">"),
			  1);
	ck_assert_uint_eq(
	    count(html, "\">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</text>\n<text x="), 1);
	ck_assert_uint_eq(count(html, "<tr><td>iso27001-2013</td><td class=\"mono\">"), 1);
	ck_assert_ptr_null(strstr(html, "Later"));
	free(text);
	free(html);
	coco_report_free(r);
}
END_TEST

/* Each CoCo statement to read (COCO_CAUSE_STATEMENT) is ticked beside its statement, not
 * listed again among the manual checks, which count it and say where it is. */
START_TEST(test_html_statements_ticked)
{
	struct coco_report *r;
	char *html;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_report_add_element(r, "CoCo-1", "Policies in place", "We have.", 1),
			 COCO_OK);
	ck_assert_int_eq(coco_report_add_element(r, "CoCo-2", "Hosts secure", "They are.", 1),
			 COCO_OK);
	coco_report_add_manual(r, "assessment.statement_read", "CoCo-1", "read CoCo-1 against: P");
	coco_report_add_manual(r, "assessment.statement_read", "CoCo-2", "read CoCo-2 against: H");
	coco_report_set_cause(r, 0, COCO_CAUSE_STATEMENT);
	coco_report_add_manual(r, "assessment.role", "Office junior", "not a director's role");
	html = render(r, 0);
	ck_assert_ptr_nonnull(
	    strstr(html, "<h2>Manual checks for the SIRO<span class=\"n\">3</span></h2>"));
	ck_assert_ptr_nonnull(strstr(html,
				     "Read each of the 2 CoCo statements against SIA's "
				     "requirement and tick it under <i>The CoCo statements</i>"));
	/* one box in the manual table (the role), one beside each statement, two in the form */
	ck_assert_uint_eq(count(html, "<tr><td class=\"st\"><span class=\"box\"></span></td>"), 1);
	ck_assert_ptr_nonnull(strstr(html, "Office junior"));
	ck_assert_ptr_null(strstr(html, "<tr><td class=\"st\"><span class=\"box\"></span></td>"
					"<td class=\"id mono\">assessment.statement_read"));
	ck_assert_uint_eq(count(html, "<div class=\"eid\"><span class=\"box\"></span>CoCo-"), 2);
	/* in the findings table they are hidden in print, like passes */
	ck_assert_uint_eq(count(html, "<tr class=\"manual\">"), 3);
	free(html);
	coco_report_free(r);
}
END_TEST

Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("sheet");

	tcase_add_test(tc, test_html_hostile_text_is_text);
	tcase_add_loop_test(tc, test_html_every_field_escaped, 0,
			    (int)(sizeof(escaped_fields) / sizeof(escaped_fields[0])));
	tcase_add_test(tc, test_html_rows_escaped);
	tcase_add_loop_test(tc, test_html_sections, 0,
			    (int)(sizeof(sections) / sizeof(sections[0])));
	tcase_add_test(tc, test_html_timeline);
	tcase_add_test(tc, test_html_lint_sheet);
	tcase_add_test(tc, test_html_inspect_and_empty);
	tcase_add_test(tc, test_html_scheme_names);
	tcase_add_test(tc, test_html_statements_ticked);
	suite_add_tcase(s, tc);
	return s;
}
