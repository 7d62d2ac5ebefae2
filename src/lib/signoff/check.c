/*
 * Sign-off verification (signoff.h): the stage that checks each SIRO sign-off in a bundle,
 * reading the run through struct coco_signoff_view. It checks each sign-off's decision file
 * against coco-signoff-1.xsd, that it records what it claims (the report's digest, the
 * SIRO's name, the time), that its manifest covers every other entry but other sign-offs,
 * and that it is not older than what it covers; its signature against siro/ was verified
 * by the pipeline. The decision in force is the valid sign-off that no other valid
 * sign-off covers: coverage is signed, the order of the zip's entries is not. The writer
 * is bundle/countersign.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/archive.h"
#include "container/manifest.h"
#include "signoff/signoff.h"
#include "util/xml.h"

#define TIME_SLACK 300 /* seconds between the decision's time and its signing time */

long coco_signoff_numbered(const char *name, const char *prefix, const char *suffix)
{
	size_t p = strlen(prefix), s = strlen(suffix), n = strlen(name), d, i;
	long v = 0;

	if (n < p + s + 3 || strncmp(name, prefix, p) != 0 || strcmp(name + n - s, suffix) != 0)
		return -1;
	d = n - p - s;
	if (d > 6)
		return -1;
	for (i = p; i < p + d; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

/* The decision and report that belong to manifest META-INF/ASiCManifestNNN.xml: the same
 * NNN. Returns -1 for a manifest without a number. */
static int own_names(const char *manifest, char *dec, char *rep, size_t size)
{
	long n = coco_signoff_numbered(manifest, "META-INF/ASiCManifest", ".xml");

	if (n < 0)
		return -1;
	snprintf(dec, size, "signoff/decision-%03ld.xml", n);
	snprintf(rep, size, "signoff/report-%03ld.xml", n);
	return 0;
}

int coco_signoff_is_siro(const struct coco_manifest *m)
{
	char dec[64], rep[64];
	size_t k;

	if (m == NULL || own_names(m->entry, dec, rep, sizeof(dec)) != 0)
		return 0;
	for (k = 0; k < m->n; k++)
		if (strcmp(m->refs[k].name, dec) == 0)
			return 1;
	return 0;
}

int coco_signoff_owns(const struct coco_signoff_view *sv, size_t i)
{
	char dec[64], rep[64];
	const char *name = sv->entries[i].name;
	size_t j;

	/* Only a SIRO manifest's own two files, whatever their digests and signature say: a
	 * problem with them is the sign-off's. Anything else under signoff/ is the applicant's. */
	for (j = 0; j < sv->n_manifests; j++)
		if (sv->manifests[j] != NULL && sv->roles[j] == COCO_SIG_SIRO &&
		    own_names(sv->manifests[j]->entry, dec, rep, sizeof(dec)) == 0 &&
		    (strcmp(name, dec) == 0 || strcmp(name, rep) == 0))
			return 1;
	return 0;
}

/* ---- the decision file ---------------------------------------------------------------- */

struct decision {
	char *outcome, *comment, *siro, *subject, *time, *verdict, *bundle, *href, *report;
};

static void decision_release(struct decision *d)
{
	free(d->outcome);
	free(d->comment);
	free(d->siro);
	free(d->subject);
	free(d->time);
	free(d->verdict);
	free(d->bundle);
	free(d->href);
	free(d->report);
	memset(d, 0, sizeof(*d));
}

static char *child_text(xmlNode *root, const char *name)
{
	xmlNode *n = coco_xml_child(root, COCO_NS_SIGNOFF, name);

	return n != NULL ? coco_xml_text(n) : NULL;
}

/* Parses and validates a decision; -1 with the reason in why. */
static int decision_parse(struct coco_ctx *ctx, const unsigned char *xml, size_t len,
			  const char *name, struct decision *d, char *why, size_t why_size)
{
	xmlDocPtr doc = NULL;
	xmlNode *root, *rep;
	int rc = -1;

	if (ctx->signoff_schema == NULL &&
	    (ctx->signoff_schema =
		 coco_xml_schema((const char *)coco_xsd_signoff, why, why_size)) == NULL)
		return -1;
	if ((doc = coco_xml_read(xml, len, ctx->limits.meta_size, name, why, why_size)) == NULL)
		return -1;
	if (coco_xml_validate(ctx->signoff_schema, doc, why, why_size) != 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	rep = coco_xml_child(root, COCO_NS_SIGNOFF, "report");
	d->outcome = child_text(root, "outcome");
	d->comment = child_text(root, "comment");
	d->siro = child_text(root, "siro");
	d->subject = child_text(root, "siroSubject");
	d->time = child_text(root, "time");
	d->verdict = child_text(root, "verdict");
	d->bundle =
	    coco_xml_attr(coco_xml_child(root, COCO_NS_SIGNOFF, "verifiedBundle"), "sha256");
	d->href = coco_xml_attr(rep, "href");
	d->report = coco_xml_attr(rep, "sha256");
	if (d->outcome && d->siro && d->subject && d->time && d->verdict && d->bundle && d->href &&
	    d->report)
		rc = 0;
	else
		snprintf(why, why_size, "out of memory");
out:
	xmlFreeDoc(doc);
	return rc;
}

/* ---- verification ---------------------------------------------------------------------- */

struct signoff_check {
	const struct coco_signoff_view *sv;
	struct coco_report *report; /* gets the sign-off rows */
	struct coco_report *r;      /* the sign-off findings */
	const struct coco_manifest *m;
	size_t mi; /* m's index */
	const struct coco_report_signature *sig;
	const char *entry; /* the decision entry's name */
	int bad;
};

static void bad(struct signoff_check *c, const char *id, const char *fmt, ...) COCO_PRINTF(3, 4);
static void bad(struct signoff_check *c, const char *id, const char *fmt, ...)
{
	va_list ap;

	c->bad = 1;
	va_start(ap, fmt);
	coco_report_addv(c->r, COCO_STATUS_FAIL, id, c->entry, fmt, ap);
	va_end(ap);
}

/* The matched reference in m named name, or NULL (and a finding). */
static const struct coco_manifest_ref *own_ref(struct signoff_check *c, const char *name)
{
	size_t k;

	for (k = 0; k < c->m->n; k++)
		if (strcmp(c->m->refs[k].name, name) == 0 && c->m->refs[k].matched &&
		    c->m->refs[k].entry >= 0)
			return &c->m->refs[k];
	c->entry = c->m->entry;
	bad(c, "signoff.structure",
	    "a sign-off manifest must list its own '%s' with a matching digest", name);
	return NULL;
}

/* True if entry name is one of the four files of a sign-off other than manifest self. A
 * sign-off need not list another's files: whether it covers the other, the other covers it,
 * or neither (two decisions made apart) decides which is in force (mark_standing), not
 * whether either is valid. Anything else beside it must be covered. */
static int other_signoff_file(const struct coco_signoff_view *sv, const struct coco_manifest *self,
			      const char *name)
{
	char dec[64], rep[64];
	size_t j;

	for (j = 0; j < sv->n_manifests; j++) {
		const struct coco_manifest *m = sv->manifests[j];
		if (m == NULL || m == self || sv->roles[j] != COCO_SIG_SIRO ||
		    own_names(m->entry, dec, rep, sizeof(dec)) != 0)
			continue;
		if (strcmp(name, dec) == 0 || strcmp(name, rep) == 0 ||
		    strcmp(name, m->entry) == 0 || strcmp(name, m->sigref) == 0)
			return 1;
	}
	return 0;
}

/* The manifest must list every entry but the mimetype, folders, its own four files, those
 * of other sign-offs and archive timestamps' (which only preserve: bundle/archive_ts.c),
 * each with a matching digest: wherever the entries sit, nothing but a sign-off or an
 * archive timestamp can be added beside a sign-off without it showing. */
static int check_cover(struct signoff_check *c)
{
	const struct coco_signoff_view *sv = c->sv;
	char dec[64], rep[64];
	size_t j, k, missing = 0;
	const char *first = NULL;
	unsigned char *listed;

	(void)own_names(c->m->entry, dec, rep, sizeof(dec));
	if ((listed = calloc(sv->n_entries + 1, 1)) == NULL)
		return -1;
	for (k = 0; k < c->m->n; k++) /* one pass over the references, not one per entry */
		if (c->m->refs[k].entry >= 0 && c->m->refs[k].matched)
			listed[c->m->refs[k].entry] = 1;
	for (j = 0; j < sv->n_entries; j++) {
		const char *name = sv->entries[j].name;
		if (sv->entries[j].is_dir || (j == 0 && strcmp(name, "mimetype") == 0) ||
		    strcmp(name, dec) == 0 || strcmp(name, rep) == 0 ||
		    strcmp(name, c->m->entry) == 0 || strcmp(name, c->m->sigref) == 0 ||
		    other_signoff_file(sv, c->m, name) || coco_asic_archive_name(name))
			continue;
		if (!listed[j] && missing++ == 0)
			first = name;
	}
	free(listed);
	if (missing > 0)
		bad(c, "signoff.coverage",
		    "'%s' does not cover %zu other entr%s, first '%s': a sign-off must cover "
		    "everything but other sign-offs",
		    c->m->entry, missing, missing == 1 ? "y" : "ies", first);
	else
		coco_report_add(c->r, COCO_STATUS_PASS, "signoff.coverage", c->entry,
				"'%s' covers every entry but other sign-offs", c->m->entry);
	return 0;
}

/* What the decision claims must match what the bundle shows. */
static void check_claims(struct signoff_check *c, const struct decision *d,
			 const struct coco_manifest_ref *rep, time_t t)
{
	const char *signer = c->sig->common_name ? c->sig->common_name : c->sig->subject;
	char hex[65];

	coco_hex(c->sv->sha256(c->sv->pipeline, (size_t)rep->entry), 32, hex);
	if (strcmp(d->href, rep->name) != 0 || strcmp(d->report, hex) != 0)
		bad(c, "signoff.report",
		    "records report '%s' with SHA-256 %.16s..., but its manifest lists '%s' "
		    "with SHA-256 %.16s...",
		    d->href, d->report, rep->name, hex);
	if (signer == NULL || strcmp(d->siro, signer) != 0)
		bad(c, "signoff.siro", "names the SIRO '%s', but '%s' signed it", d->siro,
		    signer ? signer : "an unknown signer");
	if (!c->sig->has_signing_time || t > c->sig->signing_time + TIME_SLACK ||
	    t < c->sig->signing_time - TIME_SLACK)
		bad(c, "signoff.time", "the decision's time %s is not its signature's signing time",
		    d->time);
	if (strcmp(d->outcome, "approved") == 0 && strcmp(d->verdict, "PASSED") != 0)
		bad(c, "signoff.decision", "approves a bundle whose verification was %s",
		    d->verdict);
}

static enum coco_err check_one(struct signoff_check *c)
{
	const struct coco_manifest_ref *dec, *rep;
	struct decision d = {0};
	struct coco_report_signoff *row;
	unsigned char *xml = NULL;
	size_t len = 0;
	char why[512], dname[64], rname[64];
	time_t t = 0;
	enum coco_err err = COCO_OK;

	if (own_names(c->m->entry, dname, rname, sizeof(dname)) != 0 ||
	    (dec = own_ref(c, dname)) == NULL || (rep = own_ref(c, rname)) == NULL)
		return COCO_OK;
	c->entry = dec->name;
	if ((err = c->sv->read(c->sv->pipeline, (size_t)dec->entry, &xml, &len)) != COCO_OK) {
		if (err == COCO_ERR_NOMEM || err == COCO_ERR_IO)
			return err;
		bad(c, "signoff.xml", "%s", coco_ctx_error(c->sv->ctx));
		return COCO_OK;
	}
	if (decision_parse(c->sv->ctx, xml, len, dec->name, &d, why, sizeof(why)) != 0) {
		bad(c, "signoff.xml", "not a valid coco-signoff-1 decision: %s", why);
		goto out;
	}
	if (coco_time_parse(d.time, &t) != COCO_OK) {
		bad(c, "signoff.xml", "the decision's time '%s' is not a real date-time", d.time);
		goto out;
	}
	if (check_cover(c) != 0) {
		err = coco_seterr(c->sv->ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	check_claims(c, &d, rep, t);
	row = coco_report_add_signoff(c->report, dec->name,
				      strcmp(d.outcome, "approved") == 0 ? COCO_DECISION_APPROVED
									 : COCO_DECISION_REJECTED,
				      d.siro, d.comment, t, d.verdict);
	if (row == NULL) {
		err = coco_seterr(c->sv->ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	row->signed_at = c->sig->signing_time;
	row->manifest = c->mi;
	row->valid = c->sig->valid && !c->bad;
	/* the decision was made and signed, and nothing but the certificate's end stops it */
	row->lapsed = !row->valid && !c->bad && c->sig->value_ok &&
		      c->sig->outcome.result == COCO_CMS_EXPIRED;
out:
	decision_release(&d);
	free(xml);
	return err;
}

enum coco_err coco_signoff_check(const struct coco_signoff_view *sv, struct coco_report *r,
				 struct coco_report *part)
{
	struct signoff_check c;
	enum coco_err err;
	size_t i;

	for (i = 0; i < sv->n_manifests; i++) {
		if (sv->manifests[i] == NULL || sv->roles[i] != COCO_SIG_SIRO ||
		    sv->signature_rows[i] < 0)
			continue;
		memset(&c, 0, sizeof(c));
		c.sv = sv, c.report = r, c.r = part, c.m = sv->manifests[i], c.mi = i;
		c.sig = coco_report_signature_at(r, (size_t)sv->signature_rows[i]);
		if ((err = check_one(&c)) != COCO_OK)
			return err;
	}
	return COCO_OK;
}

/* True if SIRO manifest m lists applicant manifest a and its signature, digests matching. */
static int covers_signature(const struct coco_manifest *m, const struct coco_manifest *a)
{
	size_t k, found = 0;

	for (k = 0; k < m->n; k++)
		if (m->refs[k].matched && (strcmp(m->refs[k].name, a->entry) == 0 ||
					   strcmp(m->refs[k].name, a->sigref) == 0))
			found++;
	return found == 2;
}

const struct coco_report_signoff *coco_signoff_proof(const struct coco_signoff_view *sv,
						     const struct coco_report *r, size_t i,
						     const struct coco_report_signature *sig)
{
	const struct coco_report_signoff *best = NULL;
	time_t at = coco_ctx_time(sv->ctx);
	size_t k;

	if (sig == NULL || sig->subject == NULL || !sig->has_signing_time ||
	    sv->manifests[i] == NULL)
		return NULL;
	for (k = 0; k < r->n_signoffs; k++) {
		const struct coco_report_signoff *s = &r->signoffs[k];
		if (!s->valid || s->decision != COCO_DECISION_APPROVED ||
		    s->signed_at < sig->not_before || s->signed_at > sig->not_after ||
		    s->signed_at > at || sig->signing_time > s->signed_at ||
		    !covers_signature(sv->manifests[s->manifest], sv->manifests[i]) ||
		    (best != NULL && best->signed_at <= s->signed_at))
			continue;
		best = s;
	}
	return best;
}

void coco_signoff_note_proof(struct coco_report *r, const struct coco_report_signature *sig,
			     const struct coco_report_signoff *proof, int expired)
{
	char t1[21], t2[21];

	coco_report_add(r, COCO_STATUS_INFO, "signoff.proof", sig->file,
			"the signing certificate %s%s; its chain was validated at %s, when %s's "
			"approval '%s' (SIA's own signature) proves the signature already existed",
			expired ? "expired at " : "was revoked",
			expired ? coco_time_format(sig->not_after, t1) : "",
			coco_time_format(proof->signed_at, t2), proof->name, proof->entry);
}

/*
 * A sign-off cannot predate a signature it covers (their signing-time claims). Judged once
 * every signature has been verified, from the claims that verification read; a sign-off
 * that predates a signature never proved it either (coco_signoff_proof).
 */
static void check_after_covered(const struct coco_signoff_view *sv, struct coco_report *r,
				struct coco_report *siro)
{
	struct coco_report_signoff *row;
	const struct coco_report_signature *s;
	const struct coco_manifest *m;
	char t1[21], t2[21];
	size_t i, j, k;

	for (i = 0; i < r->n_signoffs; i++) {
		row = &r->signoffs[i];
		m = sv->manifests[row->manifest];
		s = coco_report_signature_at(r, (size_t)sv->signature_rows[row->manifest]);
		if (!s->has_signing_time)
			continue; /* already a signoff.time failure */
		for (j = 0; j < sv->n_manifests; j++) {
			s = sv->signature_rows[j] < 0 || sv->manifests[j] == NULL
				? NULL
				: coco_report_signature_at(r, (size_t)sv->signature_rows[j]);
			for (k = 0; s != NULL && s->has_signing_time && k < m->n; k++)
				if (m->refs[k].matched && strcmp(m->refs[k].name, s->file) == 0 &&
				    s->signing_time > row->signed_at) {
					coco_report_add(
					    siro, COCO_STATUS_FAIL, "signoff.time", row->entry,
					    "signed at %s, before '%s' (signed at %s), "
					    "which it covers",
					    coco_time_format(row->signed_at, t1), s->file,
					    coco_time_format(s->signing_time, t2));
					row->valid = 0;
				}
		}
	}
}

/* The first valid sign-off other than row i that covers it (lists its manifest and
 * signature with matching digests), or -1. The digests make the relation one way: two
 * sign-offs cannot each cover the other. */
static long covered_by(const struct coco_signoff_view *sv, const struct coco_report *r, size_t i)
{
	size_t j;

	for (j = 0; j < r->n_signoffs; j++)
		if (j != i && r->signoffs[j].valid &&
		    covers_signature(sv->manifests[r->signoffs[j].manifest],
				     sv->manifests[r->signoffs[i].manifest]))
			return (long)j;
	return -1;
}

/* Marks each valid sign-off that no other valid one covers; returns how many stand. */
static size_t mark_standing(const struct coco_signoff_view *sv, struct coco_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n_signoffs; i++) {
		struct coco_report_signoff *row = &r->signoffs[i];
		row->stands = row->valid && covered_by(sv, r, i) < 0;
		n += row->stands != 0;
	}
	return n;
}

/* The valid sign-off to name as superseding row i, whatever the zip's order: one that
 * stands if any does, then the first by name; -1 if none covers it. */
static long superseder(const struct coco_signoff_view *sv, const struct coco_report *r, size_t i)
{
	const struct coco_report_signoff *a, *b;
	long best = -1;
	size_t j;

	for (j = 0; j < r->n_signoffs; j++) {
		a = &r->signoffs[j];
		if (j == i || !a->valid ||
		    !covers_signature(sv->manifests[a->manifest],
				      sv->manifests[r->signoffs[i].manifest]))
			continue;
		b = best < 0 ? NULL : &r->signoffs[best];
		if (b == NULL || (a->stands && !b->stands) ||
		    (a->stands == b->stands && strcmp(a->entry, b->entry) < 0))
			best = (long)j;
	}
	return best;
}

/* A pass for each valid decision, once nothing more can overturn it, saying which later
 * sign-off supersedes it. */
static void report_decisions(const struct coco_signoff_view *sv, const struct coco_report *r,
			     struct coco_report *siro)
{
	char tb[21];
	long by;
	size_t i;

	for (i = 0; i < r->n_signoffs; i++) {
		const struct coco_report_signoff *row = &r->signoffs[i];
		if (!row->valid)
			continue;
		by = superseder(sv, r, i);
		coco_report_add(
		    siro, COCO_STATUS_PASS, "signoff.decision", row->entry,
		    "%s by %s at %s, on a verification that was %s%s%s%s",
		    coco_decision_name(row->decision), row->name, coco_time_format(row->at, tb),
		    row->verdict, by < 0 ? "" : "; superseded by '",
		    by < 0 ? "" : r->signoffs[by].entry, by < 0 ? "" : "', which covers it");
	}
}

/* Two or more valid sign-offs that no valid sign-off covers: made apart, none follows
 * another, so none is in force; never the more favourable one. */
static void report_ambiguous(const struct coco_report *r, struct coco_report *siro, size_t n)
{
	char tb[21];
	size_t i;

	for (i = 0; i < r->n_signoffs; i++) {
		const struct coco_report_signoff *row = &r->signoffs[i];
		if (row->stands)
			coco_report_add(siro, COCO_STATUS_INDETERMINATE, "signoff.ambiguous",
					row->entry,
					"%s by %s at %s stands beside %zu other valid sign-off%s: "
					"none covers another, so no decision is in force",
					coco_decision_name(row->decision), row->name,
					coco_time_format(row->at, tb), n - 1, n == 2 ? "" : "s");
	}
}

enum coco_err coco_signoff_finish(const struct coco_signoff_view *sv, struct coco_report *r,
				  struct coco_report *siro)
{
	enum coco_verdict applicant = coco_report_verdict_since(r, 0);
	size_t from = coco_report_mark(r); /* the sign-off part starts here */
	const struct coco_report_signoff *in_force;
	size_t standing;
	char tb[21];
	enum coco_err err;

	if (siro->n == 0 && r->n_signoffs == 0)
		return COCO_OK;
	check_after_covered(sv, r, siro);
	standing = mark_standing(sv, r);
	report_decisions(sv, r, siro);
	if (standing > 1)
		report_ambiguous(r, siro, standing);
	if ((err = coco_report_append(r, siro)) != COCO_OK)
		return coco_seterr(sv->ctx, err, "out of memory");
	if ((in_force = coco_report_in_force(r)) != NULL)
		coco_report_add(r, COCO_STATUS_INFO, "signoff.latest", NULL,
				"Signed off: %s by %s on %s ('%s', which no other valid sign-off "
				"covers, is in force)",
				coco_decision_name(in_force->decision), in_force->name,
				coco_time_format(in_force->at, tb), in_force->entry);
	if (coco_report_verdict_since(r, from) != COCO_VERDICT_PASSED)
		coco_report_add(r, COCO_STATUS_INFO, "signoff.applicant", NULL,
				"the applicant's part on its own, without the sign-off: %s",
				coco_verdict_name(applicant));
	return COCO_OK;
}
