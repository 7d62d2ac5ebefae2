/*
 * The report as XML (docs/schema/coco-report-1.xsd): the form countersign records in a
 * bundle as signoff/report-NNN.xml, so a decision carries the evidence it was made on.
 * Everything the text and JSON forms hold is here; strings from the bundle are escaped
 * (and controls that XML 1.0 cannot carry replaced), numbers and times are written here.
 */
#include <string.h>

#include "report/report.h"

#define NS "urn:x-coco-bundle:report:1"

static void attr(struct coco_buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	coco_buf_printf(b, " %s=\"", name);
	coco_buf_safe(b, value, COCO_BUF_MARKUP);
	coco_buf_str(b, "\"");
}

static void attr_time(struct coco_buf *b, const char *name, time_t t)
{
	char tb[21];

	attr(b, name, coco_time_format(t, tb));
}

static void attr_day(struct coco_buf *b, const char *name, long day)
{
	char db[16];

	if (day >= 0)
		attr(b, name, coco_date_format(day, db));
}

static void element(struct coco_buf *b, const char *indent, const char *name, const char *text)
{
	if (text == NULL)
		return;
	coco_buf_printf(b, "%s<%s>", indent, name);
	coco_buf_safe(b, text, COCO_BUF_MARKUP);
	coco_buf_printf(b, "</%s>\n", name);
}

static void xml_entries(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_str(b, "  <entries>\n");
	for (i = 0; i < r->n_entries; i++) {
		const struct coco_report_entry *e = &r->entries[i];
		coco_buf_str(b, "    <entry");
		attr(b, "name", e->name);
		coco_buf_printf(b, " size=\"%llu\" compressedSize=\"%llu\" method=\"%s\"",
				(unsigned long long)e->size, (unsigned long long)e->compressed_size,
				e->is_dir        ? "dir"
				: e->method == 8 ? "deflate"
						 : "stored");
		attr(b, "sha256", e->sha256[0] ? e->sha256 : NULL);
		coco_buf_str(b, "/>\n");
	}
	coco_buf_str(b, "  </entries>\n");
}

static void xml_signature(struct coco_buf *b, const struct coco_report_signature *s)
{
	coco_buf_str(b, "    <signature");
	attr(b, "file", s->file);
	attr(b, "manifest", s->manifest);
	attr(b, "role", s->role == COCO_SIG_SIRO ? "siro" : "applicant");
	attr(b, "valid", s->valid ? "true" : "false");
	coco_buf_str(b, ">\n");
	if (s->subject != NULL) {
		element(b, "      ", "subject", s->subject);
		element(b, "      ", "commonName", s->common_name);
		element(b, "      ", "issuer", s->issuer);
		element(b, "      ", "serial", s->serial);
		coco_buf_str(b, "      <validity");
		attr_time(b, "notBefore", s->not_before);
		attr_time(b, "notAfter", s->not_after);
		coco_buf_str(b, "/>\n");
	}
	if (s->has_signing_time) {
		coco_buf_str(b, "      <signingTime");
		attr_time(b, "claimed", s->signing_time);
		coco_buf_str(b, "/>\n");
	}
	if (s->has_timestamp) {
		coco_buf_str(b, "      <timestamp");
		attr_time(b, "proven", s->timestamp_time);
		coco_buf_str(b, ">");
		coco_buf_safe(b, s->tsa ? s->tsa : "", COCO_BUF_MARKUP);
		coco_buf_str(b, "</timestamp>\n");
	}
	coco_buf_str(b, "    </signature>\n");
}

static void xml_summary(struct coco_buf *b, const struct coco_report *r)
{
	size_t i, k;

	if (r->organisation == NULL)
		return;
	coco_buf_str(b, "  <summary");
	attr(b, "organisation", r->organisation);
	attr(b, "director", r->director);
	coco_buf_str(b, ">\n");
	for (i = 0; i < r->n_certs; i++) {
		const struct coco_report_cert *c = &r->certs[i];
		coco_buf_str(b, "    <certificate");
		attr(b, "scheme", c->scheme);
		attr(b, "number", c->number);
		attr_day(b, "issued", c->issued);
		attr_day(b, "expires", c->expires);
		coco_buf_printf(b, " daysLeft=\"%ld\"", c->expires - coco_day_of(r->at));
		attr(b, "note", c->note);
		coco_buf_str(b, "/>\n");
	}
	for (i = 0; i < r->n_elements; i++) {
		const struct coco_report_element *e = &r->elements[i];
		coco_buf_str(b, "    <statement");
		attr(b, "element", e->id);
		attr(b, "requirement", e->title);
		for (k = 0; k < e->n_attest; k++) /* version 2's attestation, by its schema names */
			attr(b, e->attest[k].key, e->attest[k].value);
		coco_buf_str(b, ">");
		coco_buf_safe(b, e->statement, COCO_BUF_MARKUP);
		coco_buf_str(b, "</statement>\n");
	}
	coco_buf_str(b, "  </summary>\n");
}

static void xml_signoffs(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	for (i = 0; i < r->n_signoffs; i++) {
		const struct coco_report_signoff *s = &r->signoffs[i];
		coco_buf_str(b, "  <signoff");
		attr(b, "entry", s->entry);
		attr(b, "decision", coco_decision_name(s->decision));
		attr(b, "siro", s->name);
		attr_time(b, "time", s->at);
		attr(b, "verdict", s->verdict);
		attr(b, "valid", s->valid ? "true" : "false");
		attr(b, "inForce", s == coco_report_in_force(r) ? "true" : "false");
		coco_buf_str(b, s->comment ? ">\n" : "/>\n");
		if (s->comment != NULL) {
			element(b, "    ", "comment", s->comment);
			coco_buf_str(b, "  </signoff>\n");
		}
	}
}

/* The decision in force (docs/FORMAT.md): outcome, and for a decision which sign-off, who
 * and when. */
static void xml_decision(struct coco_buf *b, const struct coco_report *r)
{
	const struct coco_report_signoff *s = coco_report_in_force(r);

	coco_buf_str(b, "  <decision");
	attr(b, "outcome", coco_decision_name(coco_report_decision(r, NULL, NULL)));
	if (s != NULL) {
		attr(b, "entry", s->entry);
		attr(b, "siro", s->name);
		attr_time(b, "time", s->at);
	}
	coco_buf_str(b, "/>\n");
}

static void xml_findings(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_str(b, "  <findings>\n");
	for (i = 0; i < r->n; i++) {
		const struct coco_finding *f = &r->findings[i];
		coco_buf_str(b, "    <finding");
		attr(b, "id", f->id);
		attr(b, "status", coco_status_name(f->status));
		attr(b, "subject", f->subject);
		attr(b, "manual", f->manual ? "true" : "false");
		if (f->more > 0)
			coco_buf_printf(b, " more=\"%zu\"", f->more);
		coco_buf_str(b, ">");
		coco_buf_safe(b, f->message, COCO_BUF_MARKUP);
		coco_buf_str(b, "</finding>\n");
	}
	coco_buf_str(b, "  </findings>\n");
}

void coco_render_xml(struct coco_buf *b, const struct coco_report *r, unsigned flags)
{
	size_t i;

	coco_buf_str(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report xmlns=\"" NS
			"\" version=\"1\"");
	if (!(flags & COCO_RENDER_INSPECT))
		attr(b, "verdict", coco_verdict_name(coco_report_verdict(r)));
	attr_time(b, "time", r->at);
	attr(b, "kind", r->lint ? "folder" : "bundle");
	coco_buf_str(b, ">\n  <source");
	attr(b, "path", r->path ? r->path : "-");
	if (!r->lint) {
		coco_buf_printf(b, " size=\"%llu\"", (unsigned long long)r->size);
		attr(b, "sha256", r->sha256[0] ? r->sha256 : NULL);
	}
	coco_buf_str(b, "/>\n");
	if (!r->lint)
		xml_entries(b, r);
	coco_buf_str(b, "  <signatures>\n");
	for (i = 0; i < r->n_sigs; i++)
		xml_signature(b, &r->sigs[i]);
	coco_buf_str(b, "  </signatures>\n");
	xml_summary(b, r);
	xml_signoffs(b, r);
	if (!(flags & COCO_RENDER_INSPECT) && !r->lint)
		xml_decision(b, r);
	if (!(flags & COCO_RENDER_INSPECT))
		xml_findings(b, r);
	coco_buf_str(b, "</report>\n");
}
