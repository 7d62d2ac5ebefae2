/*
 * The report as JSON for machines ("coco-bundle-report/1": docs/coco-bundle.1 and
 * docs/FORMAT.md): the bundle, its entries, signatures, sign-offs, the decision in force,
 * the summary and every finding.
 */
#include <stdio.h>
#include <string.h>

#include "report/report.h"

static void json_time(struct coco_buf *b, time_t t, int present)
{
	char tb[21];

	if (!present)
		coco_buf_str(b, "null");
	else
		coco_buf_json_str(b, coco_time_format(t, tb));
}

static void json_signer(struct coco_buf *b, const struct coco_report_signature *s)
{
	if (s == NULL || s->subject == NULL) {
		coco_buf_str(b, "null");
		return;
	}
	coco_buf_str(b, "{\"subject\": ");
	coco_buf_json_str(b, s->subject);
	coco_buf_str(b, ", \"issuer\": ");
	coco_buf_json_str(b, s->issuer);
	coco_buf_str(b, ", \"serial\": ");
	coco_buf_json_str(b, s->serial);
	coco_buf_str(b, ", \"not_before\": ");
	json_time(b, s->not_before, 1);
	coco_buf_str(b, ", \"not_after\": ");
	json_time(b, s->not_after, 1);
	coco_buf_str(b, "}");
}

static void json_entries(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_str(b, "[");
	for (i = 0; i < r->n_entries; i++) {
		const struct coco_report_entry *e = &r->entries[i];

		coco_buf_str(b, i ? ",\n      {\"name\": " : "\n      {\"name\": ");
		coco_buf_json_str(b, e->name);
		coco_buf_printf(b,
				", \"size\": %llu, \"compressed_size\": %llu, \"method\": \"%s\"",
				(unsigned long long)e->size, (unsigned long long)e->compressed_size,
				e->method == 8 ? "deflate" : "stored");
		coco_buf_str(b, ", \"sha256\": ");
		coco_buf_json_str(b, e->is_dir || e->sha256[0] == '\0' ? NULL : e->sha256);
		coco_buf_str(b, "}");
	}
	coco_buf_str(b, r->n_entries ? "\n    ]" : "]");
}

static void json_signatures(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_str(b, "[");
	for (i = 0; i < r->n_sigs; i++) {
		const struct coco_report_signature *s = &r->sigs[i];

		coco_buf_str(b, i ? ",\n    {\"file\": " : "\n    {\"file\": ");
		coco_buf_json_str(b, s->file);
		coco_buf_str(b, ", \"manifest\": ");
		coco_buf_json_str(b, s->manifest);
		coco_buf_str(b, ", \"signer\": ");
		json_signer(b, s);
		coco_buf_str(b, ", \"signing_time\": ");
		json_time(b, s->signing_time, s->has_signing_time);
		if (s->has_timestamp) { /* only then, so reports without one are unchanged */
			coco_buf_str(b, ", \"timestamp\": ");
			json_time(b, s->timestamp_time, 1);
			coco_buf_str(b, ", \"tsa\": ");
			coco_buf_json_str(b, s->tsa);
		}
		coco_buf_printf(b, ", \"role\": \"%s\", \"valid\": %s}",
				s->role == COCO_SIG_SIRO ? "siro" : "applicant",
				s->valid ? "true" : "false");
	}
	coco_buf_str(b, r->n_sigs ? "\n  ]" : "]");
}

static void json_signoffs(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_str(b, "[");
	for (i = 0; i < r->n_signoffs; i++) {
		const struct coco_report_signoff *s = &r->signoffs[i];

		coco_buf_str(b, i ? ",\n    {\"entry\": " : "\n    {\"entry\": ");
		coco_buf_json_str(b, s->entry);
		coco_buf_printf(
		    b, ", \"decision\": \"%s\", \"siro\": ", coco_decision_name(s->decision));
		coco_buf_json_str(b, s->name);
		coco_buf_str(b, ", \"time\": ");
		json_time(b, s->at, 1);
		coco_buf_str(b, ", \"verdict\": ");
		coco_buf_json_str(b, s->verdict);
		coco_buf_str(b, ", \"comment\": ");
		coco_buf_json_str(b, s->comment);
		coco_buf_printf(b, ", \"valid\": %s, \"in_force\": %s}",
				s->valid ? "true" : "false",
				s == coco_report_in_force(r) ? "true" : "false");
	}
	coco_buf_str(b, r->n_signoffs ? "\n  ]" : "]");
}

/* The decision in force, beside the verdict: outcome none, approved, rejected or
 * undetermined, and for the two decisions which sign-off, who and when. */
static void json_decision(struct coco_buf *b, const struct coco_report *r)
{
	const struct coco_report_signoff *s = coco_report_in_force(r);

	coco_buf_printf(b, "  \"decision\": {\"outcome\": \"%s\", \"entry\": ",
			coco_decision_name(coco_report_decision(r, NULL, NULL)));
	coco_buf_json_str(b, s ? s->entry : NULL);
	coco_buf_str(b, ", \"siro\": ");
	coco_buf_json_str(b, s ? s->name : NULL);
	coco_buf_str(b, ", \"time\": ");
	json_time(b, s ? s->at : 0, s != NULL);
	coco_buf_str(b, "},\n");
}

static void json_checks(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_str(b, "[");
	for (i = 0; i < r->n; i++) {
		const struct coco_finding *f = &r->findings[i];

		coco_buf_str(b, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
		coco_buf_json_str(b, f->id);
		coco_buf_str(b, ", \"status\": ");
		coco_buf_json_str(b, coco_status_name(f->status));
		coco_buf_str(b, ", \"subject\": ");
		coco_buf_json_str(b, f->subject);
		coco_buf_str(b, ", \"message\": ");
		coco_buf_json_str(b, f->message);
		coco_buf_str(b, f->manual ? ", \"manual\": true" : ", \"manual\": false");
		if (f->more > 0)
			coco_buf_printf(b, ", \"more\": %zu", f->more);
		coco_buf_str(b, "}");
	}
	coco_buf_str(b, r->n ? "\n  ]" : "]");
}

static void json_summary(struct coco_buf *b, const struct coco_report *r)
{
	char db[16];
	size_t i;

	if (r->organisation == NULL) {
		coco_buf_str(b, "null");
		return;
	}
	coco_buf_str(b, "{\"organisation\": ");
	coco_buf_json_str(b, r->organisation);
	coco_buf_str(b, ", \"director\": ");
	coco_buf_json_str(b, r->director);
	coco_buf_str(b, ",\n    \"certificates\": [");
	for (i = 0; i < r->n_certs; i++) {
		coco_buf_str(b, i ? ",\n      {\"scheme\": " : "\n      {\"scheme\": ");
		coco_buf_json_str(b, r->certs[i].scheme);
		coco_buf_str(b, ", \"number\": ");
		coco_buf_json_str(b, r->certs[i].number);
		coco_buf_printf(b, ", \"expires\": \"%s\", \"days_left\": %ld, \"note\": ",
				coco_date_format(r->certs[i].expires, db),
				r->certs[i].expires - coco_day_of(r->at));
		coco_buf_json_str(b, r->certs[i].note);
		coco_buf_str(b, "}");
	}
	coco_buf_str(b, r->n_certs ? "\n    ]}" : "]}");
}

void coco_render_json(struct coco_buf *b, const struct coco_report *r, unsigned flags)
{
	const struct coco_report_signature *first = r->n_sigs ? &r->sigs[0] : NULL;

	coco_buf_str(b, "{\n  \"format\": \"coco-bundle-report/1\",\n");
	if (!(flags & COCO_RENDER_INSPECT)) {
		coco_buf_str(b, "  \"verdict\": ");
		coco_buf_json_str(b, coco_verdict_name(coco_report_verdict(r)));
		coco_buf_str(b, ",\n  \"verification_time\": ");
		json_time(b, r->at, 1);
		coco_buf_str(b, ",\n");
	}
	if (r->lint) {
		coco_buf_str(b, "  \"folder\": ");
		coco_buf_json_str(b, r->path);
		coco_buf_str(b, ",\n  \"summary\": ");
		json_summary(b, r);
		coco_buf_str(b, ",\n  \"checks\": ");
		json_checks(b, r);
		coco_buf_str(b, "\n}\n");
		return;
	}
	if (!(flags & COCO_RENDER_INSPECT))
		json_decision(b, r);
	coco_buf_str(b, "  \"bundle\": {\"path\": ");
	coco_buf_json_str(b, r->path);
	coco_buf_printf(b, ", \"size\": %llu, \"sha256\": ", (unsigned long long)r->size);
	coco_buf_json_str(b, r->sha256[0] ? r->sha256 : NULL);
	coco_buf_str(b, ",\n    \"entries\": ");
	json_entries(b, r);
	coco_buf_str(b, "},\n  \"signer\": ");
	json_signer(b, first);
	coco_buf_str(b, ",\n  \"signing_time\": ");
	json_time(b, first ? first->signing_time : 0, first && first->has_signing_time);
	coco_buf_str(b, ",\n  \"signatures\": ");
	json_signatures(b, r);
	coco_buf_str(b, ",\n  \"signoffs\": ");
	json_signoffs(b, r);
	if (!(flags & COCO_RENDER_INSPECT)) {
		coco_buf_str(b, ",\n  \"summary\": ");
		json_summary(b, r);
		coco_buf_str(b, ",\n  \"checks\": ");
		json_checks(b, r);
	}
	coco_buf_str(b, "\n}\n");
}
