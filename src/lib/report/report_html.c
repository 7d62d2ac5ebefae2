/*
 * The sign-off sheet (verify --format html): the report as one self-contained page that
 * the SIRO reads and prints. Inline CSS only, no scripts and no external resources, with a
 * Content-Security-Policy that forbids them, so a hostile bundle cannot make the page run
 * or fetch anything. Every string from the bundle goes through coco_buf_safe in markup
 * mode; numbers, dates and the SVG geometry are formatted here. The markup is also
 * well-formed XML, so the tests can check its structure with xmllint.
 */
#include <string.h>

#include "report/report.h"

#define EXPIRING_DAYS 60 /* evidence this close to expiry is shown amber */

static const char css[] =
    "@page{size:A4;margin:12mm}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{margin:0;background:#e9ecf1;color:#1b2230;"
    "font:9.5pt/1.45 \"Helvetica Neue\",Arial,\"Liberation Sans\",\"DejaVu Sans\",sans-serif}\n"
    ".sheet{width:210mm;margin:8mm auto;padding:14mm 15mm;background:#fff;"
    "box-shadow:0 1px 4px rgba(0,0,0,.18)}\n"
    "h1{font-size:22pt;line-height:1.15;margin:0 0 1mm;overflow-wrap:anywhere}\n"
    "h2{font-size:12pt;margin:0 0 2mm;padding-bottom:1mm;border-bottom:1.5pt solid #1b2230}\n"
    "h2 .n,h3 .n{font-weight:normal;color:#5a6475;font-size:9.5pt;margin-left:2mm}\n"
    "h3{font-size:10pt;margin:3mm 0 1mm}\n"
    "section{margin-top:7mm}\n"
    "p{margin:1mm 0 2mm}\n"
    "code,.mono{font-family:\"DejaVu Sans Mono\",\"Liberation Mono\",monospace;font-size:8pt;"
    "overflow-wrap:anywhere}\n"
    ".kicker{text-transform:uppercase;letter-spacing:.08em;font-size:8pt;color:#5a6475;"
    "font-weight:bold}\n"
    ".top{display:flex;justify-content:space-between;align-items:flex-start;gap:6mm;"
    "padding-bottom:4mm;border-bottom:3pt solid #1b2230}\n"
    ".who{flex:1;min-width:0}\n"
    ".sub{color:#3d4656;font-size:10.5pt}\n"
    ".verdict{min-width:52mm;text-align:center;border:2.5pt solid;border-radius:2mm;"
    "padding:2mm 4mm 2.5mm}\n"
    ".verdict span{display:block;font-size:8pt;text-transform:uppercase;letter-spacing:.1em}\n"
    ".verdict strong{display:block;font-size:21pt;letter-spacing:.04em}\n"
    ".v-passed{color:#146c2e;background:#e8f5ec}\n"
    ".v-failed{color:#b3261e;background:#fdecea}\n"
    ".v-indeterminate{color:#8a4a00;background:#fff4e0}\n"
    ".v-none{color:#3d4656;background:#f1f3f6}\n"
    "table{width:100%;border-collapse:collapse}\n"
    "th,td{text-align:left;vertical-align:top;padding:1.2mm 1.8mm;"
    "border-bottom:.5pt solid #d3d8e0;overflow-wrap:anywhere}\n"
    "thead th{font-size:8pt;text-transform:uppercase;letter-spacing:.05em;color:#5a6475;"
    "border-bottom:1pt solid #8a93a3}\n"
    ".facts{margin-top:3mm}\n"
    ".facts th{width:34mm;color:#5a6475;font-weight:normal}\n"
    ".facts td,.facts th{border:0;padding:.6mm 1.8mm .6mm 0}\n"
    "tr.grp th{background:#f1f3f6;font-size:9pt;border-bottom:1pt solid #8a93a3}\n"
    "tr.grp .n{font-weight:normal;color:#5a6475;margin-left:2mm}\n"
    ".st{white-space:nowrap;font-weight:bold;width:24mm}\n"
    ".s-pass{color:#146c2e}.s-info{color:#1f5aa6}.s-warn{color:#8a5a00}\n"
    ".s-indeterminate{color:#8a4a00}.s-fail{color:#b3261e}\n"
    ".id{white-space:nowrap;width:38mm}\n"
    ".role{white-space:nowrap}\n"
    ".subj{font-weight:bold;display:block}\n"
    ".muted,.none{color:#5a6475}\n"
    ".num{text-align:right;white-space:nowrap}\n"
    ".box{display:inline-block;width:4mm;height:4mm;border:1pt solid #1b2230;"
    "vertical-align:-0.8mm;margin-right:1.5mm;background:#fff}\n"
    ".note{border-left:2pt solid #8a93a3;padding:1mm 3mm;color:#3d4656}\n"
    ".el{display:grid;grid-template-columns:22mm 1fr;gap:0 3mm;padding:2mm 0;"
    "border-bottom:.5pt solid #d3d8e0}\n"
    ".el .eid{font-weight:bold}\n"
    ".el .etitle{font-weight:bold;color:#3d4656}\n"
    ".el .stmt{grid-column:2;white-space:pre-wrap;overflow-wrap:anywhere}\n"
    ".el .att{grid-column:2;font-size:.9em;overflow-wrap:anywhere}\n"
    ".el .cpl{font-weight:normal;font-size:.9em;color:#5a6475}\n"
    ".decl{margin:0 0 1mm}\n"

    ".timeline{width:100%;height:auto;margin-top:3mm}\n"
    ".timeline text{font-size:10.5px;fill:#3d4656}\n"
    ".timeline .scheme{font-weight:bold;fill:#1b2230}\n"
    ".timeline .year{font-weight:bold}\n"
    ".timeline .dates{fill:#1b2230;paint-order:stroke;stroke:#fff;stroke-width:3px}\n"
    ".timeline .axis{stroke:#8a93a3;stroke-width:1}\n"
    ".timeline .tick{stroke:#c4cad4;stroke-width:1}\n"
    ".timeline .bar{stroke-width:1.2}\n"
    ".bar.ok{fill:#cfe9d7;stroke:#146c2e}.bar.expiring{fill:#fbe6bf;stroke:#8a5a00}\n"
    ".bar.expired{fill:#f8d3cf;stroke:#b3261e}\n"
    ".timeline .marker{stroke:#1b2230;stroke-width:1.5;stroke-dasharray:4 2}\n"
    ".timeline .mlabel{font-weight:bold;fill:#1b2230}\n"
    /* two arrays: each stays under the 4095 characters C11 promises for a literal */;
static const char css_form_print[] =
    ".form{display:grid;grid-template-columns:1fr 1fr;gap:7mm 8mm;margin-top:4mm}\n"
    ".field .fl{display:block;font-size:8pt;text-transform:uppercase;letter-spacing:.05em;"
    "color:#5a6475;margin-bottom:1mm}\n"
    ".line{display:block;border-bottom:1pt solid #1b2230;height:9mm}\n"
    ".wide{grid-column:1 / span 2}\n"
    ".tick{display:inline-block;margin:2mm 8mm 0 0;font-size:11pt}\n"
    ".tick .box{width:5mm;height:5mm}\n"
    ".signoff{border:1.5pt solid #1b2230;padding:4mm 5mm 5mm;margin-top:8mm}\n"
    ".signoff h2{border:0;margin:0}\n"
    ".verdict .by{text-transform:none;letter-spacing:normal;max-width:60mm;"
    "overflow-wrap:anywhere}\n"
    "footer{margin-top:8mm;padding-top:2mm;border-top:.5pt solid #8a93a3;font-size:7.5pt;"
    "color:#5a6475}\n"
    "@media print{body{background:none;font-size:8.5pt}section{margin-top:5mm}"
    ".el{padding:1mm 0;gap:0 2mm}.el .etitle{font-weight:600}"
    ".form{gap:3mm 8mm;margin-top:2mm}.line{height:6mm}.signoff{margin-top:3mm}"
    "footer{margin-top:3mm}"
    ".sheet{width:auto;margin:0;padding:0;box-shadow:none}"
    "tr,.el,.field,.signoff,.top,.facts,.timeline,.closing{break-inside:avoid}"
    "h2{break-after:avoid}thead{display:table-header-group}"
    "tr.pass,tr.manual,tr.grp.allpass{display:none}}\n"
    ".print-only{display:none}@media print{.print-only{display:table-row-group}}\n"
    ".facts2{display:grid;grid-template-columns:1fr 1fr;gap:0 6mm}\n";

static void esc(struct coco_buf *b, const char *s)
{
	coco_buf_safe(b, s != NULL ? s : "", COCO_BUF_MARKUP);
}

/* <td>s</td>, escaped, or a dash when s is NULL. */
static void cell(struct coco_buf *b, const char *s)
{
	if (s == NULL || s[0] == '\0') {
		coco_buf_str(b, "<td class=\"none\">\xE2\x80\x94</td>");
		return;
	}
	coco_buf_str(b, "<td>");
	esc(b, s);
	coco_buf_str(b, "</td>");
}

/* A time as "2027-01-01 09:00 UTC", for people. */
static void human_time(struct coco_buf *b, time_t t)
{
	char tb[21];

	coco_time_format(t, tb);
	coco_buf_printf(b, "%.10s %.5s UTC", tb, tb + 11);
}

static void human_date(struct coco_buf *b, long day)
{
	char db[16];

	coco_buf_str(b, day < 0 ? "unknown" : coco_date_format(day, db));
}

static const char *verdict_class(enum coco_verdict v)
{
	static const char *const names[] = {"v-passed", "v-indeterminate", "v-failed"};

	return (size_t)v < sizeof(names) / sizeof(names[0]) ? names[v] : "v-failed";
}

/* The status as a symbol and a word, coloured by class (the word carries it in grey). */
static void status_cell(struct coco_buf *b, enum coco_status s)
{
	static const char *const marks[] = {"\xE2\x9C\x93", "i", "!", "?", "\xE2\x9C\x97"};
	const char *mark = (size_t)s < sizeof(marks) / sizeof(marks[0]) ? marks[s] : "?";

	coco_buf_printf(b, "<td class=\"st s-%s\">%s %s</td>", coco_status_name(s), mark,
			coco_status_name(s));
}

/* ---- the head: organisation, verdict and the facts ---------------------------------- */

static const char *kicker(const struct coco_report *r, unsigned flags)
{
	if (flags & COCO_RENDER_INSPECT)
		return "UK SIA Code of Connection \xC2\xB7 bundle contents";
	if (r->lint)
		return "UK SIA Code of Connection \xC2\xB7 pre-signing check";
	return "UK SIA Code of Connection \xC2\xB7 SIRO sign-off sheet";
}

/* The decision in force in capitals: APPROVED, REJECTED, UNDETERMINED (or NONE). */
static const char *decision_word(const struct coco_report *r)
{
	static const char *const words[] = {"NONE", "APPROVED", "REJECTED", "UNDETERMINED"};
	enum coco_decision d = coco_report_decision(r, NULL, NULL);

	return (size_t)d < sizeof(words) / sizeof(words[0]) ? words[d] : "UNDETERMINED";
}

/* Beside the verdict, as large: the decision in force, so that a PASSED bundle SIA rejected
 * cannot be taken for an accepted one. Nothing before any sign-off. */
static void head_decision(struct coco_buf *b, const struct coco_report *r)
{
	static const char *const classes[] = {"v-none", "v-passed", "v-failed", "v-indeterminate"};
	const char *siro = NULL;
	time_t at = 0;
	enum coco_decision d = coco_report_decision(r, &siro, &at);

	if (d == COCO_DECISION_NONE || (size_t)d >= sizeof(classes) / sizeof(classes[0]))
		return;
	coco_buf_printf(b,
			"<div class=\"verdict %s\"><span>Sign-off</span><strong>%s</strong>"
			"<span class=\"by\">",
			classes[d], decision_word(r));
	if (d == COCO_DECISION_UNDETERMINED) {
		coco_buf_str(b, "sign-offs stand side by side: none is in force");
	} else {
		coco_buf_str(b, "by ");
		esc(b, siro);
		coco_buf_str(b, " on ");
		human_time(b, at);
	}
	coco_buf_str(b, "</span></div>\n");
}

static void head_document(struct coco_buf *b, const struct coco_report *r, unsigned flags)
{
	coco_buf_str(b,
		     "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		     "style-src 'unsafe-inline'; img-src data:\"/>\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
		     "<meta name=\"generator\" content=\"coco-bundle " COCO_VERSION "\"/>\n"
		     "<title>");
	esc(b, r->organisation ? r->organisation : r->path ? r->path : "bundle");
	if (!(flags & COCO_RENDER_INSPECT))
		coco_buf_printf(b, " \xE2\x80\x94 %s", coco_verdict_name(coco_report_verdict(r)));
	if (!(flags & COCO_RENDER_INSPECT) && !r->lint &&
	    coco_report_decision(r, NULL, NULL) != COCO_DECISION_NONE)
		coco_buf_printf(b, " \xE2\x80\x94 %s", decision_word(r));
	coco_buf_str(b, " \xE2\x80\x94 coco-bundle</title>\n<style>\n");
	coco_buf_str(b, css);
	coco_buf_str(b, css_form_print);
	coco_buf_str(b, "</style>\n</head>\n<body>\n<div class=\"sheet\">\n");
}

static void head_title(struct coco_buf *b, const struct coco_report *r, unsigned flags)
{
	enum coco_verdict v = coco_report_verdict(r);

	coco_buf_printf(
	    b, "<header class=\"top\">\n<div class=\"who\">\n<div class=\"kicker\">%s</div>\n<h1>",
	    kicker(r, flags));
	if (r->organisation != NULL)
		esc(b, r->organisation);
	else
		coco_buf_str(b, (flags & COCO_RENDER_INSPECT) ? "Signed bundle"
							      : "Organisation not known");
	coco_buf_str(b, "</h1>\n<div class=\"sub\">");
	if (r->director != NULL) {
		coco_buf_str(b, "Director: ");
		esc(b, r->director);
	} else if (!(flags & COCO_RENDER_INSPECT)) {
		coco_buf_str(b, "The self-assessment could not be read.");
	}
	coco_buf_str(b, "</div>\n</div>\n");
	if (flags & COCO_RENDER_INSPECT)
		coco_buf_str(b, "<div class=\"verdict v-none\"><span>Not verified</span>"
				"<strong>INSPECT</strong></div>\n");
	else
		coco_buf_printf(
		    b, "<div class=\"verdict %s\"><span>Verdict</span><strong>%s</strong></div>\n",
		    verdict_class(v), coco_verdict_name(v));
	if (!(flags & COCO_RENDER_INSPECT) && !r->lint)
		head_decision(b, r);
	coco_buf_str(b, "</header>\n");
}

static void fact_row(struct coco_buf *b, const char *label, const char *value, int mono)
{
	coco_buf_printf(b, "<tr><th>%s</th><td%s>", label, mono ? " class=\"mono\"" : "");
	esc(b, value != NULL && value[0] ? value : "\xE2\x80\x94");
	coco_buf_str(b, "</td></tr>\n");
}

/* The decision in force, as one line. */
static void fact_decision(struct coco_buf *b, const struct coco_report *r)
{
	const char *siro = NULL;
	time_t at = 0;
	enum coco_decision d = coco_report_decision(r, &siro, &at);

	coco_buf_str(b, "<tr><th>Signed off</th><td>");
	if (d == COCO_DECISION_NONE) {
		coco_buf_str(b, "not yet: no valid sign-off decision in the bundle");
	} else if (d == COCO_DECISION_UNDETERMINED) {
		coco_buf_str(b, "<strong>undetermined</strong>: valid sign-offs stand side by "
				"side, none covering another, so none is in force");
	} else {
		coco_buf_printf(b, "<strong>%s</strong> by ", coco_decision_name(d));
		esc(b, siro);
		coco_buf_str(b, " on ");
		human_time(b, at);
	}
	coco_buf_str(b, "</td></tr>\n");
}

static void head_facts(struct coco_buf *b, const struct coco_report *r, unsigned flags)
{
	coco_buf_str(b, "<table class=\"facts\">\n");
	fact_row(b, r->lint ? "Folder" : "Bundle", r->path, 1);
	if (!r->lint) {
		fact_row(b, "SHA-256", r->sha256, 1);
		coco_buf_printf(b, "<tr><th>Size</th><td>%llu bytes</td></tr>\n",
				(unsigned long long)r->size);
	}
	if (!(flags & COCO_RENDER_INSPECT)) {
		coco_buf_printf(b, "<tr><th>%s</th><td>", r->lint ? "Checked at" : "Verified at");
		human_time(b, r->at);
		coco_buf_str(b, "</td></tr>\n");
	}
	if (!r->lint && !(flags & COCO_RENDER_INSPECT))
		fact_decision(b, r);
	coco_buf_str(b, "</table>\n");
}

/* ---- the applicant: what else the SIRO judges by ------------------------------------ */

static void policy_row(struct coco_buf *b, const struct coco_report_policy *p)
{
	coco_buf_str(b, "<tr>");
	cell(b, p->title);
	cell(b, p->kind);
	cell(b, p->version);
	coco_buf_str(b, "<td>");
	human_date(b, p->approved);
	coco_buf_str(b, "</td><td>");
	human_date(b, p->next_review);
	coco_buf_str(b, "</td></tr>\n");
}

static void section_applicant(struct coco_buf *b, const struct coco_report *r)
{
	const struct coco_report_applicant *a = &r->applicant;
	size_t i;

	if (r->organisation == NULL)
		return; /* the assessment could not be read */
	coco_buf_str(b, "<section>\n<h2>Applicant</h2>\n");
	if (a->declaration != NULL) { /* what the director's signature covers (issue 16) */
		coco_buf_str(b, "<p class=\"decl\">Statement of commitment, confirmed by ");
		esc(b, r->director != NULL ? r->director : "the director");
		coco_buf_str(b, ": <q>");
		esc(b, a->declaration);
		coco_buf_str(b, "</q></p>\n");
	}
	coco_buf_str(b, "<div class=\"facts2\"><table class=\"facts\">\n");
	fact_row(b, "Company number", a->company_number, 0);
	fact_row(b, "Address", a->address, 0);
	coco_buf_str(b, "</table>\n<table class=\"facts\">\n");
	fact_row(b, "CoCo-10 countries", a->countries, 0);
	fact_row(b, "CoCo-11 incident contact", a->incident_contact, 0);
	coco_buf_printf(b,
			"</table></div>\n<h3>Security policies<span class=\"n\">%zu</span>"
			"</h3>\n",
			a->n_policies);
	if (a->n_policies == 0) {
		coco_buf_str(b, "<p class=\"note\">None listed in the self-assessment.</p>\n"
				"</section>\n");
		return;
	}
	coco_buf_str(b, "<table>\n<thead><tr><th>Title</th><th>Kind</th><th>Version</th>"
			"<th>Approved</th><th>Next review</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < a->n_policies; i++)
		policy_row(b, &a->policies[i]);
	coco_buf_str(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- findings, grouped by the part of the id before the dot ------------------------- */

static const struct {
	const char *prefix, *title;
} groups[] = {
    {"container", "Container"},        {"manifest", "Manifest and digests"},
    {"signature", "Signature"},        {"signer", "Signer certificate"},
    {"assessment", "Self-assessment"}, {"evidence", "Evidence"},
    {"pdf", "PDF evidence"},           {"signoff", "Sign-off"},
    {"verify", "Verification run"},    {NULL, "Other"}, /* any id without a known group */
};
#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

static size_t group_of(const char *id)
{
	size_t i, n;

	for (i = 0; i + 1 < N_GROUPS; i++) {
		n = strlen(groups[i].prefix);
		if (strncmp(id, groups[i].prefix, n) == 0 && id[n] == '.')
			return i;
	}
	return N_GROUPS - 1;
}

/* The id and detail cells of a finding's row, and the row's end. */
static void finding_cells(struct coco_buf *b, const struct coco_finding *f)
{
	coco_buf_str(b, "<td class=\"id mono\">");
	esc(b, f->id);
	coco_buf_str(b, "</td><td>");
	if (f->subject != NULL) {
		coco_buf_str(b, "<span class=\"subj\">");
		esc(b, f->subject);
		coco_buf_str(b, "</span>");
	}
	esc(b, f->message);
	coco_buf_str(b, "</td></tr>\n");
}

static void finding_row(struct coco_buf *b, const struct coco_finding *f)
{
	/* passes are listed on screen; the printed sheet keeps what needs reading, and has the
	 * manual checks in their own section already */
	coco_buf_str(b, f->status == COCO_STATUS_PASS ? "<tr class=\"pass\">"
			: f->manual                   ? "<tr class=\"manual\">"
						      : "<tr>");
	status_cell(b, f->status);
	finding_cells(b, f);
}

/* "3 checks: 2 pass, 1 warn", counting only the statuses present. */
static void counts(struct coco_buf *b, const struct coco_report *r, size_t group)
{
	size_t n[COCO_STATUS_FAIL + 1] = {0}, total = 0, i;
	int first = 1;

	for (i = 0; i < r->n; i++)
		if (group == N_GROUPS || group_of(r->findings[i].id) == group) {
			n[r->findings[i].status <= COCO_STATUS_FAIL ? r->findings[i].status
								    : COCO_STATUS_FAIL]++;
			total++;
		}
	coco_buf_printf(b, "<span class=\"n\">%zu check%s", total, total == 1 ? "" : "s");
	for (i = 0; i <= COCO_STATUS_FAIL; i++) {
		if (n[i] == 0)
			continue;
		coco_buf_printf(b, "%s%zu %s", first ? ": " : ", ", n[i],
				coco_status_name((enum coco_status)i));
		first = 0;
	}
	coco_buf_str(b, "</span>");
}

/* 1 if group g prints no row: all its findings pass or are manual checks (listed in their
 * own section). */
static int all_pass(const struct coco_report *r, size_t g)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (group_of(r->findings[i].id) == g && r->findings[i].status != COCO_STATUS_PASS &&
		    !r->findings[i].manual)
			return 0;
	return 1;
}

static void findings_group(struct coco_buf *b, const struct coco_report *r, size_t g)
{
	int any = 0;
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (group_of(r->findings[i].id) != g)
			continue;
		if (!any) {
			coco_buf_printf(b, "<tbody>\n<tr class=\"grp%s\"><th colspan=\"3\">%s",
					all_pass(r, g) ? " allpass" : "", groups[g].title);
			counts(b, r, g);
			coco_buf_str(b, "</th></tr>\n");
			any = 1;
		}
		finding_row(b, &r->findings[i]);
	}
	if (any)
		coco_buf_str(b, "</tbody>\n");
}

static void section_findings(struct coco_buf *b, const struct coco_report *r)
{
	size_t g;

	coco_buf_str(b, "<section>\n<h2>Findings");
	counts(b, r, N_GROUPS);
	coco_buf_str(b,
		     "</h2>\n<table class=\"findings\">\n<thead><tr><th>Status</th><th>Check</th>"
		     "<th>Detail</th></tr></thead>\n");
	for (g = 0; g < N_GROUPS; g++)
		findings_group(b, r, g);
	coco_buf_str(b, "<tbody class=\"print-only\"><tr><td colspan=\"3\" class=\"muted\">"
			"Passed checks are counted above and listed on screen, not printed; "
			"manual checks are printed in their own section."
			"</td></tr></tbody>\n");
	if (r->n == 0)
		coco_buf_str(b, "<tbody><tr><td colspan=\"3\">No findings.</td></tr></tbody>\n");
	coco_buf_str(b, "</table>\n</section>\n");
}

/* When the verdict is not PASSED, the findings that made it so, before anything else. */
static void section_reasons(struct coco_buf *b, const struct coco_report *r)
{
	enum coco_verdict v = coco_report_verdict(r);
	size_t i;

	if (v == COCO_VERDICT_PASSED || r->n == 0)
		return;
	coco_buf_printf(b,
			"<section>\n<h2>Why the verdict is %s</h2>\n<table>\n<thead><tr>"
			"<th>Status</th><th>Check</th><th>Detail</th></tr></thead>\n<tbody>\n",
			coco_verdict_name(v));
	for (i = 0; i < r->n; i++)
		if (r->findings[i].status == COCO_STATUS_FAIL ||
		    r->findings[i].status == COCO_STATUS_INDETERMINATE)
			finding_row(b, &r->findings[i]);
	coco_buf_str(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- manual checks and the statements ------------------------------------------------ */

/* The manual checks, but the CoCo statements to read: those are ticked beside each
 * statement (section_elements), and counted here. */
static void section_manual(struct coco_buf *b, const struct coco_report *r)
{
	size_t i, n = 0, reads = 0;

	for (i = 0; i < r->n; i++) {
		n += r->findings[i].manual != 0;
		reads += r->findings[i].manual && r->findings[i].cause == COCO_CAUSE_STATEMENT;
	}
	coco_buf_printf(
	    b, "<section>\n<h2>Manual checks for the SIRO<span class=\"n\">%zu</span></h2>\n", n);
	if (n == 0) {
		coco_buf_str(
		    b, "<p class=\"note\">None: no finding asks for a person's judgement.</p>\n"
		       "</section>\n");
		return;
	}
	if (reads > 0)
		coco_buf_printf(b,
				"<p>Read each of the %zu CoCo statements against SIA's requirement "
				"and tick it under <i>The CoCo statements</i> "
				"(assessment.statement_read).</p>\n",
				reads);
	if (n == reads) {
		coco_buf_str(b, "</section>\n");
		return;
	}
	coco_buf_str(b,
		     "<p>Each of these needs a person's judgement. Tick it once checked.</p>\n"
		     "<table>\n<thead><tr><th>Done</th><th>Check</th><th>Detail</th></tr></thead>\n"
		     "<tbody>\n");
	for (i = 0; i < r->n; i++) {
		if (!r->findings[i].manual || r->findings[i].cause == COCO_CAUSE_STATEMENT)
			continue;
		coco_buf_str(b, "<tr><td class=\"st\"><span class=\"box\"></span></td>");
		finding_cells(b, &r->findings[i]);
	}
	coco_buf_str(b, "</tbody>\n</table>\n</section>\n");
}

/* A version 2 element's attestation: whether it complies, under its id (the first pair, as
 * assessment.c adds them), and the judged fields on one muted line under its statement,
 * "attested: firewall yes · anti-virus updates daily". Shown only, never judged here. */
static size_t complies(struct coco_buf *b, const struct coco_report_element *e)
{
	if (e->n_attest == 0 || strcmp(e->attest[0].key, "complies") != 0)
		return 0;
	coco_buf_str(b, "<div class=\"cpl\">complies <b>");
	esc(b, e->attest[0].value);
	coco_buf_str(b, "</b></div>");
	return 1;
}

static void attested(struct coco_buf *b, const struct coco_report_element *e, size_t from)
{
	size_t k;

	if (from >= e->n_attest)
		return;
	coco_buf_str(b, "<div class=\"att muted\">attested: ");
	for (k = from; k < e->n_attest; k++) {
		if (k > from)
			coco_buf_str(b, " \xc2\xb7 ");
		esc(b, e->attest[k].label);
		coco_buf_str(b, " <b>");
		esc(b, e->attest[k].value);
		coco_buf_str(b, "</b>");
	}
	coco_buf_str(b, "</div>");
}

static void section_elements(struct coco_buf *b, const struct coco_report *r)
{
	size_t i, from, reads = 0;

	coco_buf_printf(
	    b, "<section>\n<h2>The CoCo statements<span class=\"n\">%zu of 11</span></h2>\n",
	    r->n_elements);
	if (r->n_elements == 0)
		coco_buf_str(
		    b, "<p class=\"note\">None could be read from the self-assessment.</p>\n");
	for (i = 0; i < r->n_elements; i++)
		reads += r->elements[i].to_read != 0;
	if (reads > 0)
		coco_buf_str(b,
			     "<p>Tick the box beside each statement once you have read it against "
			     "SIA's requirement, in bold above it.</p>\n");
	for (i = 0; i < r->n_elements; i++) {
		const struct coco_report_element *e = &r->elements[i];
		coco_buf_str(b, "<div class=\"el\"><div class=\"eid\">");
		if (e->to_read)
			coco_buf_str(b, "<span class=\"box\"></span>");
		esc(b, e->id);
		from = complies(b, e);
		coco_buf_str(b, "</div><div class=\"etitle\">");
		esc(b, e->title);
		coco_buf_str(b, "</div><div class=\"stmt\">");
		esc(b, e->statement);
		coco_buf_str(b, "</div>");
		attested(b, e, from);
		coco_buf_str(b, "</div>\n");
	}
	coco_buf_str(b, "</section>\n");
}

/* ---- evidence: the table and the validity timeline ----------------------------------- */

/* The scheme's printed name from the policy's scheme table (the evidence stage records
 * it in the report), else the id itself; escaped either way, as the policy is a file. */
static void scheme_label(struct coco_buf *b, const struct coco_report *r, const char *id)
{
	const char *name = coco_report_scheme_name(r, id);

	esc(b, name != NULL ? name : id);
}

/* A certificate's state: its bar's class and the status colour of its days left. */
static const struct {
	const char *bar, *status;
} cert_states[] = {
    {"ok", "pass"},
    {"expiring", "warn"}, /* inside EXPIRING_DAYS */
    {"expired", "fail"},  /* past its date, or not counted (a note says why) */
};

static size_t cert_state(const struct coco_report *r, const struct coco_report_cert *c)
{
	long left = c->expires - coco_day_of(r->at);

	if (left < 0 || c->note != NULL)
		return 2;
	return left <= EXPIRING_DAYS ? 1 : 0;
}

static void cert_row(struct coco_buf *b, const struct coco_report *r,
		     const struct coco_report_cert *c)
{
	long left = c->expires - coco_day_of(r->at);
	size_t st = cert_state(r, c);

	coco_buf_str(b, "<tr><td>");
	scheme_label(b, r, c->scheme);
	coco_buf_str(b, "</td><td class=\"mono\">");
	esc(b, c->number);
	coco_buf_str(b, "</td><td>");
	human_date(b, c->issued);
	coco_buf_str(b, "</td><td>");
	human_date(b, c->expires);
	coco_buf_printf(b, "</td><td class=\"num st s-%s\">", cert_states[st].status);
	if (left >= 0)
		coco_buf_printf(b, "%ld</td>", left);
	else
		coco_buf_printf(b, "expired %ld day%s ago</td>", -left, left == -1 ? "" : "s");
	cell(b, c->note);
	coco_buf_str(b, "</tr>\n");
}

/* A shared time axis, in days, over every certificate and the verification date. */
struct axis {
	long lo, hi;
	double x0, x1; /* the plot's left and right edge in SVG units */
};

#define TL_WIDTH 680.0
#define TL_ROW 30.0
#define TL_TOP 22.0

static void axis_init(struct axis *a, const struct coco_report *r)
{
	long now = coco_day_of(r->at), span;
	size_t i;

	a->lo = a->hi = now;
	for (i = 0; i < r->n_certs; i++) {
		const struct coco_report_cert *c = &r->certs[i];
		long start = c->issued >= 0 && c->issued <= c->expires ? c->issued : c->expires;
		a->lo = start < a->lo ? start : a->lo;
		a->hi = c->expires > a->hi ? c->expires : a->hi;
	}
	span = a->hi - a->lo < 60 ? 60 : a->hi - a->lo;
	a->lo -= span / 20 + 1;
	a->hi += span / 20 + 1;
	a->x0 = 150.0;
	a->x1 = TL_WIDTH - 10.0;
}

static double axis_x(const struct axis *a, long day)
{
	return a->x0 + (double)(day - a->lo) * (a->x1 - a->x0) / (double)(a->hi - a->lo);
}

static void tick(struct coco_buf *b, double x, double y1, double y2, const char *cls)
{
	coco_buf_printf(b, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			cls, x, y1, x, y2);
}

/* A grid line and the year at each (labelled) new year; on short axes, month ticks and
 * the quarters named. */
static void axis_ticks(struct coco_buf *b, const struct axis *a, double base)
{
	static const char *const quarters[] = {"Apr", "Jul", "Oct"};
	long y, day, step = 1 + (a->hi - a->lo) / (366 * 12);
	unsigned m, d;
	int months = a->hi - a->lo <= 4 * 366;

	coco_civil_from_days(a->lo, &y, &m, &d);
	for (day = coco_days_from_civil(y, m, 1); day <= a->hi;
	     day = coco_days_from_civil(y, m, 1)) {
		double x = axis_x(a, day);
		if (day >= a->lo && m == 1 && y % step == 0) {
			tick(b, x, TL_TOP - 4, base + 5, "tick");
			coco_buf_printf(b,
					"<text class=\"year\" x=\"%.1f\" y=\"%.1f\" "
					"text-anchor=\"middle\">%ld</text>\n",
					x, base + 17, y);
		} else if (day >= a->lo && months) {
			tick(b, x, base, base + 3, "axis");
			if (m > 1 && (m - 1) % 3 == 0)
				coco_buf_printf(b,
						"<text x=\"%.1f\" y=\"%.1f\" "
						"text-anchor=\"middle\">%s</text>\n",
						x, base + 15, quarters[(m - 1) / 3 - 1]);
		}
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
}

static void timeline_bar(struct coco_buf *b, const struct coco_report *r, const struct axis *a,
			 size_t i)
{
	const struct coco_report_cert *c = &r->certs[i];
	int open = c->issued < 0 || c->issued > c->expires;
	double y = TL_TOP + (double)i * TL_ROW, xs = open ? a->x0 : axis_x(a, c->issued);
	double xe = axis_x(a, c->expires);
	char db[16];

	coco_buf_printf(b, "<text class=\"scheme\" x=\"0\" y=\"%.1f\">", y + 10);
	scheme_label(b, r, c->scheme);
	coco_buf_printf(b, "</text>\n<text x=\"0\" y=\"%.1f\" class=\"mono\">", y + 22);
	esc(b, c->number);
	coco_buf_printf(b,
			"</text>\n<rect class=\"bar %s%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"20\" rx=\"2\"/>\n",
			cert_states[cert_state(r, c)].bar, open ? " open" : "", xs, y + 2,
			xe - xs < 1 ? 1 : xe - xs);
	if (xe - xs >= 150)
		coco_buf_printf(b, "<text class=\"dates\" x=\"%.1f\" y=\"%.1f\">%s \xE2\x80\x93 ",
				xs + 5, y + 16, open ? "?" : coco_date_format(c->issued, db));
	if (xe - xs >= 150)
		coco_buf_printf(b, "%s</text>\n", coco_date_format(c->expires, db));
}

static void timeline(struct coco_buf *b, const struct coco_report *r)
{
	struct axis a;
	double base = TL_TOP + (double)r->n_certs * TL_ROW + 2, xm;
	char db[16];
	size_t i;

	axis_init(&a, r);
	xm = axis_x(&a, coco_day_of(r->at));
	coco_buf_printf(b,
			"<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
			"viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"certificate "
			"validity timeline\">\n",
			TL_WIDTH, base + 22);
	axis_ticks(b, &a, base);
	coco_buf_printf(b,
			"<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			a.x0, base, a.x1, base);
	for (i = 0; i < r->n_certs; i++)
		timeline_bar(b, r, &a, i);
	coco_buf_printf(
	    b, "<line class=\"marker\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", xm,
	    TL_TOP - 6, xm, base + 4);
	coco_buf_printf(b,
			"<text class=\"mlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">"
			"%s %s</text>\n</svg>\n",
			xm, TL_TOP - 10,
			xm > a.x1 - 60   ? "end"
			: xm < a.x0 + 60 ? "start"
					 : "middle",
			r->lint ? "checked" : "verified", coco_date_format(coco_day_of(r->at), db));
}

static void section_evidence(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_printf(b,
			"<section>\n<h2>Evidence<span class=\"n\">%zu baseline certificate%s</span>"
			"</h2>\n",
			r->n_certs, r->n_certs == 1 ? "" : "s");
	if (r->n_certs == 0) {
		coco_buf_str(b, "<p class=\"note\">No baseline certificate could be read.</p>\n"
				"</section>\n");
		return;
	}
	coco_buf_str(b,
		     "<table>\n<thead><tr><th>Scheme</th><th>Number</th><th>Issued</th>"
		     "<th>Expires</th><th class=\"num\">Days left</th><th>Note</th></tr></thead>\n"
		     "<tbody>\n");
	for (i = 0; i < r->n_certs; i++)
		cert_row(b, r, &r->certs[i]);
	coco_buf_str(b, "</tbody>\n</table>\n");
	timeline(b, r);
	coco_buf_str(b, "</section>\n");
}

/* ---- signatures and sign-off --------------------------------------------------------- */

static void signer_cell(struct coco_buf *b, const struct coco_report_signature *s)
{
	coco_buf_str(b, "<td>");
	if (s->subject != NULL) {
		coco_buf_str(b, "<span class=\"subj\">");
		esc(b, s->subject);
		coco_buf_str(b, "</span>issued by ");
		esc(b, s->issuer ? s->issuer : "?");
		coco_buf_str(b, ", serial <span class=\"mono\">");
		esc(b, s->serial ? s->serial : "?");
		coco_buf_str(b, "</span><br/>");
	} else {
		coco_buf_str(b, "<span class=\"subj\">no signer certificate found</span>");
	}
	coco_buf_str(b, "<span class=\"muted mono\">");
	esc(b, s->file ? s->file : "?");
	coco_buf_str(b, " over ");
	esc(b, s->manifest ? s->manifest : "?");
	coco_buf_str(b, "</span></td>");
}

static void signature_row(struct coco_buf *b, const struct coco_report_signature *s, unsigned flags)
{
	char d1[16], d2[16];

	coco_buf_printf(b, "<tr><td class=\"role\">%s</td>",
			s->role == COCO_SIG_SIRO ? "SIRO" : "Applicant");
	signer_cell(b, s);
	if (s->subject != NULL)
		coco_buf_printf(b, "<td>%s to %s</td>",
				coco_date_format(coco_day_of(s->not_before), d1),
				coco_date_format(coco_day_of(s->not_after), d2));
	else
		cell(b, NULL);
	coco_buf_str(b, "<td>");
	if (s->has_signing_time)
		human_time(b, s->signing_time);
	else
		coco_buf_str(b, "not claimed");
	if (s->has_timestamp) { /* a valid RFC 3161 timestamp (timestamp.time) */
		coco_buf_str(b, "<br/><span class=\"muted\">proven ");
		human_time(b, s->timestamp_time);
		coco_buf_str(b, " (timestamp)</span>");
	}
	coco_buf_str(b, "</td>");
	if (flags & COCO_RENDER_INSPECT)
		coco_buf_str(b, "<td class=\"muted\">not judged</td>");
	else if (s->valid)
		coco_buf_str(b, "<td class=\"st s-pass\">\xE2\x9C\x93 valid</td>");
	else
		coco_buf_printf(b, "<td class=\"st s-fail\">\xE2\x9C\x97 not valid%s</td>",
				s->value_ok ? "<br/><span class=\"muted\">value verifies</span>"
					    : "");
	coco_buf_str(b, "</tr>\n");
}

static void section_signatures(struct coco_buf *b, const struct coco_report *r, unsigned flags)
{
	size_t i;

	coco_buf_printf(b, "<section>\n<h2>Signatures<span class=\"n\">%zu found</span></h2>\n",
			r->n_sigs);
	if (r->n_sigs == 0) {
		coco_buf_str(b, "<p class=\"note\">No signature was found in the bundle.</p>\n"
				"</section>\n");
		return;
	}
	coco_buf_str(b,
		     "<table>\n<thead><tr><th>Role</th><th>Signer</th><th>Certificate validity</th>"
		     "<th>Signing time (claimed)</th><th>Result</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->n_sigs; i++)
		signature_row(b, &r->sigs[i], flags);
	coco_buf_str(b, "</tbody>\n</table>\n</section>\n");
}

/* One recorded decision; the one in force says so, a valid one that another covers is
 * superseded. */
static void signoff_row(struct coco_buf *b, const struct coco_report_signoff *s,
			const struct coco_report_signoff *in_force)
{
	coco_buf_printf(b, "<tr><td class=\"st %s\">%s%s</td>",
			s->decision == COCO_DECISION_APPROVED ? "s-pass" : "s-fail",
			coco_decision_name(s->decision),
			s == in_force            ? "<br/><span class=\"muted\">in force</span>"
			: s->valid && !s->stands ? "<br/><span class=\"muted\">superseded</span>"
						 : "");
	cell(b, s->name);
	coco_buf_str(b, "<td>");
	human_time(b, s->at);
	coco_buf_str(b, "</td>");
	cell(b, s->verdict);
	cell(b, s->comment);
	coco_buf_printf(b, "%s</tr>\n",
			s->valid ? "<td class=\"st s-pass\">\xE2\x9C\x93 valid</td>"
				 : "<td class=\"st s-fail\">\xE2\x9C\x97 not valid</td>");
}

static void section_signoffs(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_printf(b,
			"<section>\n<h2>Sign-off decisions recorded<span class=\"n\">%zu</span>"
			"</h2>\n",
			r->n_signoffs);
	if (r->n_signoffs == 0) {
		coco_buf_str(b,
			     "<p class=\"note\">None yet. Record the decision below, then in the "
			     "bundle with <code>coco-bundle countersign</code>.</p>\n</section>\n");
		return;
	}
	coco_buf_str(b, "<table>\n<thead><tr><th>Decision</th><th>SIRO</th><th>Time</th>"
			"<th>Verdict seen</th><th>Comment</th><th>Signature</th></tr></thead>\n"
			"<tbody>\n");
	for (i = 0; i < r->n_signoffs; i++)
		signoff_row(b, &r->signoffs[i], coco_report_in_force(r));
	coco_buf_str(b, "</tbody>\n</table>\n</section>\n");
}

/* The blank block the SIRO fills in by hand on the printed sheet. */
static void section_form(struct coco_buf *b, const struct coco_report *r)
{
	coco_buf_str(b, "<section class=\"signoff\">\n<h2>SIRO sign-off</h2>\n"
			"<p class=\"muted\">I have reviewed this sheet, the manual checks and the "
			"statements above for the bundle with SHA-256 <code>");
	esc(b, r->sha256[0] ? r->sha256 : "unknown");
	coco_buf_str(b, "</code>.</p>\n<div class=\"form\">\n"
			"<div class=\"field\"><span class=\"fl\">SIRO name</span>"
			"<span class=\"line\"></span></div>\n"
			"<div class=\"field\"><span class=\"fl\">Decision</span>"
			"<span class=\"tick\"><span class=\"box\"></span>Approved</span>"
			"<span class=\"tick\"><span class=\"box\"></span>Rejected</span></div>\n"
			"<div class=\"field wide\"><span class=\"fl\">Comment</span>"
			"<span class=\"line\"></span><span class=\"line\"></span></div>\n"
			"<div class=\"field\"><span class=\"fl\">Signature</span>"
			"<span class=\"line\"></span></div>\n"
			"<div class=\"field\"><span class=\"fl\">Date</span>"
			"<span class=\"line\"></span></div>\n</div>\n</section>\n");
}

/* ---- inspect: the entries ------------------------------------------------------------ */

static void section_entries(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_printf(b,
			"<section>\n<h2>Entries<span class=\"n\">%zu</span></h2>\n<table>\n"
			"<thead><tr><th>Name</th><th class=\"num\">Size</th><th>Method</th>"
			"<th>SHA-256</th></tr></thead>\n<tbody>\n",
			r->n_entries);
	for (i = 0; i < r->n_entries; i++) {
		const struct coco_report_entry *e = &r->entries[i];
		coco_buf_str(b, "<tr><td class=\"mono\">");
		esc(b, e->name);
		coco_buf_printf(b, "</td><td class=\"num\">%llu</td><td>%s</td>",
				(unsigned long long)e->size,
				e->is_dir        ? "dir"
				: e->method == 8 ? "deflate"
						 : "stored");
		coco_buf_str(b, "<td class=\"mono\">");
		esc(b, e->sha256[0] ? e->sha256 : "\xE2\x80\x94");
		coco_buf_str(b, "</td></tr>\n");
	}
	coco_buf_str(b, "</tbody>\n</table>\n</section>\n");
}

/* ---- the page ------------------------------------------------------------------------ */

static void footer(struct coco_buf *b, const struct coco_report *r)
{
	coco_buf_str(b, "<footer>Rendered by coco-bundle " COCO_VERSION " from the verification "
			"report of ");
	human_time(b, r->at);
	coco_buf_str(b, ". The signed bundle is the record; this sheet is a view of it. "
			"Recheck with <code>coco-bundle verify</code>.</footer>\n"
			"</div>\n</body>\n</html>\n");
}

void coco_render_html(struct coco_buf *b, const struct coco_report *r, unsigned flags)
{
	int bundle = !r->lint;

	head_document(b, r, flags);
	head_title(b, r, flags);
	head_facts(b, r, flags);
	if (flags & COCO_RENDER_INSPECT) {
		section_entries(b, r);
		section_signatures(b, r, flags);
	} else {
		section_reasons(b, r);
		section_applicant(b, r);
		section_manual(b, r);
		section_elements(b, r); /* the statements to read: manual checks too */
		section_evidence(b, r);
		if (bundle)
			section_signatures(b, r, flags);
		section_findings(b, r);
		if (bundle) { /* together, so that the form is never alone on a page */
			coco_buf_str(b, "<div class=\"closing\">\n");
			section_signoffs(b, r);
			section_form(b, r);
			coco_buf_str(b, "</div>\n");
		}
	}
	footer(b, r);
}
