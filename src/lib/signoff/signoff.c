/*
 * The SIRO's sign-off. countersign verifies a bundle, then appends a decision
 * (signoff/decision-NNN.xml), the report it was made on (signoff/report-NNN.xml), a
 * manifest over every earlier entry and the two new files, and the SIRO's CAdES-B-B
 * signature over that manifest. The earlier entries are copied byte for byte, so the
 * applicant's signature still verifies with any tool. verify checks each sign-off: its
 * signature against siro/, its decision file against coco-signoff-1.xsd, that it records
 * what it claims (the report's digest, the SIRO's name, the time), that its manifest covers
 * every other entry but other sign-offs, and that it is not older than what it covers. The
 * decision in force is the valid sign-off that no other valid sign-off covers: coverage is
 * signed, the order of the zip's entries is not.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "container/archive.h"
#include "signature/cms.h"
#include "container/manifest.h"
#include "signoff/signoff.h"
#include "util/xml.h"

#define SIGNOFF_NS "urn:x-coco-bundle:signoff:1"
#define TIME_SLACK 300 /* seconds between the decision's time and its signing time */

/* The number in PREFIX<digits>SUFFIX (3..6 digits), or -1. */
static long numbered(const char *name, const char *prefix, const char *suffix)
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
	long n = numbered(manifest, "META-INF/ASiCManifest", ".xml");

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

int coco_signoff_owns(const struct coco_vstate *v, size_t i)
{
	char dec[64], rep[64];
	const char *name = v->ar->e[i].name;
	size_t j;

	/* Only a SIRO manifest's own two files, whatever their digests and signature say: a
	 * problem with them is the sign-off's. Anything else under signoff/ is the applicant's. */
	for (j = 0; j < v->nm; j++)
		if (v->m[j] != NULL && v->role[j] == COCO_SIG_SIRO &&
		    own_names(v->m[j]->entry, dec, rep, sizeof(dec)) == 0 &&
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
	xmlNode *n = coco_xml_child(root, SIGNOFF_NS, name);

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
	rep = coco_xml_child(root, SIGNOFF_NS, "report");
	d->outcome = child_text(root, "outcome");
	d->comment = child_text(root, "comment");
	d->siro = child_text(root, "siro");
	d->subject = child_text(root, "siroSubject");
	d->time = child_text(root, "time");
	d->verdict = child_text(root, "verdict");
	d->bundle = coco_xml_attr(coco_xml_child(root, SIGNOFF_NS, "verifiedBundle"), "sha256");
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
	struct coco_vstate *v;
	struct coco_report *r; /* the sign-off findings */
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
static int other_signoff_file(const struct coco_vstate *v, const struct coco_manifest *self,
			      const char *name)
{
	char dec[64], rep[64];
	size_t j;

	for (j = 0; j < v->nm; j++) {
		const struct coco_manifest *m = v->m[j];
		if (m == NULL || m == self || v->role[j] != COCO_SIG_SIRO ||
		    own_names(m->entry, dec, rep, sizeof(dec)) != 0)
			continue;
		if (strcmp(name, dec) == 0 || strcmp(name, rep) == 0 ||
		    strcmp(name, m->entry) == 0 || strcmp(name, m->sigref) == 0)
			return 1;
	}
	return 0;
}

/* The manifest must list every entry but the mimetype, folders, its own four files and
 * those of other sign-offs, each with a matching digest: wherever the entries sit, nothing
 * but a sign-off can be added beside a sign-off without it showing. */
static int check_cover(struct signoff_check *c)
{
	const struct coco_archive *ar = c->v->ar;
	char dec[64], rep[64];
	size_t j, k, missing = 0;
	const char *first = NULL;
	unsigned char *listed;

	(void)own_names(c->m->entry, dec, rep, sizeof(dec));
	if ((listed = calloc(ar->n + 1, 1)) == NULL)
		return -1;
	for (k = 0; k < c->m->n; k++) /* one pass over the references, not one per entry */
		if (c->m->refs[k].entry >= 0 && c->m->refs[k].matched)
			listed[c->m->refs[k].entry] = 1;
	for (j = 0; j < ar->n; j++) {
		const char *name = ar->e[j].name;
		if (ar->e[j].is_dir || (j == 0 && strcmp(name, "mimetype") == 0) ||
		    strcmp(name, dec) == 0 || strcmp(name, rep) == 0 ||
		    strcmp(name, c->m->entry) == 0 || strcmp(name, c->m->sigref) == 0 ||
		    other_signoff_file(c->v, c->m, name))
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

	coco_hex(coco_vstate_sha256(c->v, (size_t)rep->entry), 32, hex);
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
	if ((err = coco_vstate_read(c->v, (size_t)dec->entry, &xml, &len)) != COCO_OK) {
		if (err == COCO_ERR_NOMEM || err == COCO_ERR_IO)
			return err;
		bad(c, "signoff.xml", "%s", coco_ctx_error(c->v->ctx));
		return COCO_OK;
	}
	if (decision_parse(c->v->ctx, xml, len, dec->name, &d, why, sizeof(why)) != 0) {
		bad(c, "signoff.xml", "not a valid coco-signoff-1 decision: %s", why);
		goto out;
	}
	if (coco_time_parse(d.time, &t) != COCO_OK) {
		bad(c, "signoff.xml", "the decision's time '%s' is not a real date-time", d.time);
		goto out;
	}
	if (check_cover(c) != 0) {
		err = coco_seterr(c->v->ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	check_claims(c, &d, rep, t);
	row = coco_report_add_signoff(c->v->r, dec->name,
				      strcmp(d.outcome, "approved") == 0 ? COCO_DECISION_APPROVED
									 : COCO_DECISION_REJECTED,
				      d.siro, d.comment, t, d.verdict);
	if (row == NULL) {
		err = coco_seterr(c->v->ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	row->signed_at = c->sig->signing_time;
	row->manifest = c->mi;
	row->valid = c->sig->valid && !c->bad;
out:
	decision_release(&d);
	free(xml);
	return err;
}

enum coco_err coco_signoff_check(struct coco_vstate *v)
{
	struct signoff_check c;
	enum coco_err err;
	size_t i;

	for (i = 0; i < v->nm; i++) {
		if (v->m[i] == NULL || v->role[i] != COCO_SIG_SIRO || v->sig_index[i] < 0)
			continue;
		memset(&c, 0, sizeof(c));
		c.v = v, c.r = v->siro, c.m = v->m[i], c.mi = i;
		c.sig = coco_report_signature_at(v->r, (size_t)v->sig_index[i]);
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

const struct coco_report_signoff *coco_signoff_proof(const struct coco_vstate *v, size_t i,
						     const struct coco_report_signature *sig)
{
	const struct coco_report_signoff *best = NULL;
	const struct coco_report *r = v->r;
	time_t at = coco_ctx_time(v->ctx);
	size_t k;

	if (sig == NULL || sig->subject == NULL || !sig->has_signing_time || v->m[i] == NULL)
		return NULL;
	for (k = 0; k < r->n_signoffs; k++) {
		const struct coco_report_signoff *s = &r->signoffs[k];
		if (!s->valid || s->decision != COCO_DECISION_APPROVED ||
		    s->signed_at < sig->not_before || s->signed_at > sig->not_after ||
		    s->signed_at > at || sig->signing_time > s->signed_at ||
		    !covers_signature(v->m[s->manifest], v->m[i]) ||
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
static void check_after_covered(const struct coco_vstate *v, struct coco_report *siro)
{
	struct coco_report_signoff *row;
	const struct coco_report_signature *s;
	const struct coco_manifest *m;
	char t1[21], t2[21];
	size_t i, j, k;

	for (i = 0; i < v->r->n_signoffs; i++) {
		row = &v->r->signoffs[i];
		m = v->m[row->manifest];
		s = coco_report_signature_at(v->r, (size_t)v->sig_index[row->manifest]);
		if (!s->has_signing_time)
			continue; /* already a signoff.time failure */
		for (j = 0; j < v->nm; j++) {
			s = v->sig_index[j] < 0 || v->m[j] == NULL
				? NULL
				: coco_report_signature_at(v->r, (size_t)v->sig_index[j]);
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
static long covered_by(const struct coco_vstate *v, size_t i)
{
	const struct coco_report *r = v->r;
	size_t j;

	for (j = 0; j < r->n_signoffs; j++)
		if (j != i && r->signoffs[j].valid &&
		    covers_signature(v->m[r->signoffs[j].manifest], v->m[r->signoffs[i].manifest]))
			return (long)j;
	return -1;
}

/* Marks each valid sign-off that no other valid one covers; returns how many stand. */
static size_t mark_standing(const struct coco_vstate *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->r->n_signoffs; i++) {
		struct coco_report_signoff *row = &v->r->signoffs[i];
		row->stands = row->valid && covered_by(v, i) < 0;
		n += row->stands != 0;
	}
	return n;
}

/* The valid sign-off to name as superseding row i, whatever the zip's order: one that
 * stands if any does, then the first by name; -1 if none covers it. */
static long superseder(const struct coco_vstate *v, size_t i)
{
	const struct coco_report *r = v->r;
	const struct coco_report_signoff *a, *b;
	long best = -1;
	size_t j;

	for (j = 0; j < r->n_signoffs; j++) {
		a = &r->signoffs[j];
		if (j == i || !a->valid ||
		    !covers_signature(v->m[a->manifest], v->m[r->signoffs[i].manifest]))
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
static void report_decisions(const struct coco_vstate *v, struct coco_report *siro)
{
	const struct coco_report *r = v->r;
	char tb[21];
	long by;
	size_t i;

	for (i = 0; i < r->n_signoffs; i++) {
		const struct coco_report_signoff *row = &r->signoffs[i];
		if (!row->valid)
			continue;
		by = superseder(v, i);
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

enum coco_err coco_signoff_finish(struct coco_vstate *v)
{
	struct coco_report *siro = v->siro;
	enum coco_verdict applicant = coco_report_verdict_since(v->r, 0);
	size_t from = coco_report_mark(v->r); /* the sign-off part starts here */
	const struct coco_report_signoff *in_force;
	size_t standing;
	char tb[21];
	enum coco_err err;

	if (siro->n == 0 && v->r->n_signoffs == 0)
		return COCO_OK;
	check_after_covered(v, siro);
	standing = mark_standing(v);
	report_decisions(v, siro);
	if (standing > 1)
		report_ambiguous(v->r, siro, standing);
	if ((err = coco_report_append(v->r, siro)) != COCO_OK)
		return coco_seterr(v->ctx, err, "out of memory");
	if ((in_force = coco_report_in_force(v->r)) != NULL)
		coco_report_add(v->r, COCO_STATUS_INFO, "signoff.latest", NULL,
				"Signed off: %s by %s on %s ('%s', which no other valid sign-off "
				"covers, is in force)",
				coco_decision_name(in_force->decision), in_force->name,
				coco_time_format(in_force->at, tb), in_force->entry);
	if (coco_report_verdict_since(v->r, from) != COCO_VERDICT_PASSED)
		coco_report_add(v->r, COCO_STATUS_INFO, "signoff.applicant", NULL,
				"the applicant's part on its own, without the sign-off: %s",
				coco_verdict_name(applicant));
	return COCO_OK;
}

/* ---- countersign -------------------------------------------------------------------- */

/* True if none of the four names numbered n is in the archive. */
static int number_free(const struct coco_archive *ar, long n)
{
	char name[4][64];
	size_t f;

	snprintf(name[0], sizeof(name[0]), "META-INF/ASiCManifest%03ld.xml", n);
	snprintf(name[1], sizeof(name[1]), "META-INF/signature%03ld.p7s", n);
	snprintf(name[2], sizeof(name[2]), "signoff/decision-%03ld.xml", n);
	snprintf(name[3], sizeof(name[3]), "signoff/report-%03ld.xml", n);
	for (f = 0; f < 4; f++)
		if (coco_archive_find(ar, name[f]) >= 0)
			return 0;
	return 1;
}

/* The number for a new sign-off: one past the highest of any numbered manifest, signature
 * or sign-off file, and at least 2 (001 is the applicant's); if that is taken or too big
 * (an applicant's entry can claim any number), the lowest free one. -1 if none is. */
static long next_number(const struct coco_archive *ar)
{
	static const char *const forms[][2] = {{"META-INF/ASiCManifest", ".xml"},
					       {"META-INF/signature", ".p7s"},
					       {"signoff/decision-", ".xml"},
					       {"signoff/report-", ".xml"}};
	long max = 1, k, n;
	size_t i, f;

	for (i = 0; i < ar->n; i++)
		for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
			if ((k = numbered(ar->e[i].name, forms[f][0], forms[f][1])) > max)
				max = k;
	if (max < 999999 && number_free(ar, max + 1))
		return max + 1;
	for (n = 2; n <= 999999; n++)
		if (number_free(ar, n))
			return n;
	return -1;
}

/* A comment is printable UTF-8 (newlines and tabs allowed, nothing coco_utf8_unsafe
 * rejects), at most COCO_MAX_COMMENT bytes. */
static int comment_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;

	if (left > COCO_MAX_COMMENT)
		return 0;
	while (left > 0) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F ||
		    (n = coco_utf8_seq(p, left)) == 0 || coco_utf8_unsafe(p, n))
			return 0;
		p += n;
		left -= n;
	}
	return 1;
}

static void put_el(struct coco_buf *b, const char *name, const char *text)
{
	coco_buf_printf(b, "  <%s>", name);
	coco_buf_safe(b, text, COCO_BUF_MARKUP);
	coco_buf_printf(b, "</%s>\n", name);
}

/* An approval's statementsRead: the CoCo elements whose statements the SIRO confirmed
 * reading against SIA's requirement (those the report lists). */
static void put_read(struct coco_buf *b, const struct coco_countersign_opts *o,
		     const struct coco_report *r)
{
	size_t i;

	if (o->decision != COCO_DECISION_APPROVED || !o->confirm_statements || r->n_elements == 0)
		return;
	coco_buf_str(b, "  <statementsRead>");
	for (i = 0; i < r->n_elements; i++) {
		coco_buf_str(b, i > 0 ? " " : "");
		coco_buf_safe(b, r->elements[i].id, COCO_BUF_MARKUP);
	}
	coco_buf_str(b, "</statementsRead>\n");
}

struct newfiles {
	char decision[64], report[64], manifest[64], sig[64];
	char *rep, *dec, *man;
	size_t rep_len, dec_len, man_len;
	unsigned char *der;
	size_t der_len;
};

static void newfiles_release(struct newfiles *f)
{
	free(f->rep);
	free(f->dec);
	free(f->man);
	OPENSSL_free(f->der);
}

static enum coco_err build_decision(struct coco_ctx *ctx, const struct coco_signer *siro,
				    const struct coco_countersign_opts *o,
				    const struct coco_report *r, struct newfiles *f)
{
	struct coco_buf b = {NULL, 0, 0, 0};
	unsigned char md[32];
	char hex[65], tb[21], *cn = coco_cert_common_name(X509_get_subject_name(siro->cert));

	SHA256((const unsigned char *)f->rep, f->rep_len, md);
	coco_hex(md, sizeof(md), hex);
	coco_buf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<decision xmlns=\"" SIGNOFF_NS
			 "\" version=\"1\">\n");
	put_el(&b, "outcome", coco_decision_name(o->decision));
	if (o->comment != NULL && o->comment[0] != '\0')
		put_el(&b, "comment", o->comment);
	put_read(&b, o, r);
	put_el(&b, "siro", cn ? cn : siro->subject);
	put_el(&b, "siroSubject", siro->subject);
	put_el(&b, "time", coco_time_format(coco_ctx_time(ctx), tb));
	put_el(&b, "verdict", coco_verdict_name(coco_report_verdict(r)));
	coco_buf_printf(&b, "  <verifiedBundle sha256=\"%s\"/>\n", r->sha256);
	coco_buf_printf(&b, "  <report href=\"%s\" sha256=\"%s\"/>\n</decision>\n", f->report, hex);
	free(cn);
	if (b.failed) {
		free(b.p);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	f->dec = b.p;
	f->dec_len = b.len;
	return COCO_OK;
}

/* The SIRO's manifest: every earlier entry but the mimetype and folders, and the new two. */
static enum coco_err build_manifest(struct coco_ctx *ctx, const struct coco_vstate *v,
				    struct newfiles *f)
{
	struct coco_manifest_ref *refs = calloc(v->ar->n + 2, sizeof(*refs));
	size_t i, n = 0;

	if (refs == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	for (i = 0; i < v->ar->n; i++) {
		const struct coco_entry *e = &v->ar->e[i];
		if (e->is_dir || (i == 0 && strcmp(e->name, "mimetype") == 0))
			continue;
		refs[n].name = e->name;
		memcpy(refs[n++].digest, coco_vstate_sha256(v, i), 32);
	}
	refs[n].name = f->decision;
	SHA256((const unsigned char *)f->dec, f->dec_len, refs[n++].digest);
	refs[n].name = f->report;
	SHA256((const unsigned char *)f->rep, f->rep_len, refs[n++].digest);
	f->man = coco_manifest_build(f->sig, refs, n, &f->man_len);
	free(refs);
	if (f->man == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	/* verify reads no more: a sign-off it cannot read would be no sign-off */
	if (f->man_len > ctx->limits.meta_size)
		return coco_seterr(
		    ctx, COCO_ERR_LIMIT,
		    "cannot add a sign-off to '%s': its manifest of %zu entries would "
		    "be %zu bytes, over the %zu bytes verify reads",
		    v->ar->path, n, f->man_len, ctx->limits.meta_size);
	return COCO_OK;
}

static enum coco_err write_out(struct coco_ctx *ctx, const struct coco_vstate *v,
			       const char *out_path, const struct newfiles *f)
{
	struct coco_zipw *w = NULL;
	struct stat st;
	char *tmp = NULL;
	int fd;
	enum coco_err err;

	if ((err = coco_tmp_open(ctx, out_path, &tmp, &fd)) != COCO_OK)
		return err;
	/* the signed-off copy is as private as the bundle it came from */
	if (fstat(v->ar->fd, &st) == 0)
		(void)fchmod(fd, st.st_mode & 0666);
	if ((err = coco_zipw_append(ctx, fd, out_path, v->ar, &w)) == COCO_OK &&
	    (err = coco_zipw_add_mem(w, f->decision, (const unsigned char *)f->dec, f->dec_len,
				     1)) == COCO_OK &&
	    (err = coco_zipw_add_mem(w, f->report, (const unsigned char *)f->rep, f->rep_len, 1)) ==
		COCO_OK &&
	    (err = coco_zipw_add_mem(w, f->manifest, (const unsigned char *)f->man, f->man_len,
				     1)) == COCO_OK &&
	    (err = coco_zipw_add_mem(w, f->sig, f->der, f->der_len, 0)) == COCO_OK &&
	    (err = coco_zipw_finish(w)) == COCO_OK) {
		coco_zipw_free(w);
		return coco_tmp_commit(ctx, fd, tmp, out_path);
	}
	coco_zipw_free(w);
	coco_tmp_abort(fd, tmp);
	return err;
}

/* Whether a decision can be recorded in the verified bundle, and approval allowed. */
static enum coco_err may_sign(struct coco_ctx *ctx, const struct coco_vstate *v,
			      const char *in_path, const struct coco_countersign_opts *o)
{
	enum coco_decision decision = o->decision;
	enum coco_verdict verdict = coco_report_verdict(v->r);
	size_t i;

	if (v->ar == NULL || !v->ar->ok)
		return coco_seterr(ctx, COCO_ERR_REFUSED,
				   "cannot record a decision in '%s': its container failed "
				   "verification",
				   in_path);
	for (i = 0; i < v->ar->n; i++)
		if (!v->ar->e[i].is_dir && !v->ar->e[i].data_ok)
			return coco_seterr(ctx, COCO_ERR_REFUSED,
					   "cannot record a decision in '%s': entry '%s' cannot "
					   "be read",
					   in_path, v->ar->e[i].name);
	if (decision == COCO_DECISION_APPROVED && verdict != COCO_VERDICT_PASSED)
		return coco_seterr(ctx, COCO_ERR_REFUSED,
				   "refusing to approve '%s': its verification is %s", in_path,
				   coco_verdict_name(verdict));
	if (decision == COCO_DECISION_APPROVED && !o->confirm_statements && v->r->n_elements > 0)
		return coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to approve '%s' unconfirmed: an approval records that "
		    "the SIRO has read each of its %zu CoCo statements against SIA's "
		    "requirement (the manual checks assessment.statement_read)",
		    in_path, v->r->n_elements);
	return COCO_OK;
}

/*
 * The signature just made must be one verify accepts: by a certificate that chains to the
 * trust directory's siro/ anchors at this time. Refuses (nothing is written) otherwise.
 */
static enum coco_err check_siro(struct coco_ctx *ctx, const struct newfiles *f)
{
	struct coco_report *r = NULL;
	struct coco_report_signature *info;
	struct coco_cms_check in;
	const struct coco_finding *why = NULL;
	enum coco_err err;
	size_t i;

	if (coco_report_new(&r) != COCO_OK || (info = coco_report_add_signature(r)) == NULL) {
		coco_report_free(r);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	memset(&in, 0, sizeof(in));
	in.sig_entry = f->sig, in.der = f->der, in.der_len = f->der_len;
	in.data_entry = f->manifest, in.data = (const unsigned char *)f->man;
	in.data_len = f->man_len, in.trust = 1, in.anchors = COCO_ANCHORS_SIRO, in.strict = 1;
	if ((err = coco_cms_verify(ctx, &in, r, info)) == COCO_OK && !info->valid) {
		for (i = 0; i < coco_report_count(r) && why == NULL; i++)
			if (coco_finding_status(coco_report_get(r, i)) >= COCO_STATUS_INDETERMINATE)
				why = coco_report_get(r, i);
		err = coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to sign off: verify would not accept this SIRO "
		    "signature (%s: %s); is the SIRO's CA in the trust directory's siro/?",
		    why ? coco_finding_id(why) : "invalid",
		    why ? coco_finding_message(why) : "signature does not verify");
	}
	coco_report_free(r);
	return err;
}

static enum coco_err check_opts(struct coco_ctx *ctx, const struct coco_countersign_opts *o)
{
	if (o == NULL ||
	    (o->decision != COCO_DECISION_APPROVED && o->decision != COCO_DECISION_REJECTED))
		return coco_seterr(ctx, COCO_ERR_ARG, "the decision must be approved or rejected");
	if (o->comment != NULL && !comment_ok(o->comment))
		return coco_seterr(ctx, COCO_ERR_ARG,
				   "the comment must be printable UTF-8 of at most %u bytes",
				   COCO_MAX_COMMENT);
	return COCO_OK;
}

enum coco_err coco_countersign(struct coco_ctx *ctx, const char *in_path, const char *out_path,
			       const struct coco_signer *siro,
			       const struct coco_countersign_opts *opts)
{
	struct coco_report *own = NULL, *r = opts != NULL ? opts->report : NULL;
	struct coco_vstate v;
	struct newfiles f;
	long num;
	enum coco_err err;

	memset(&v, 0, sizeof(v));
	memset(&f, 0, sizeof(f));
	if ((err = check_opts(ctx, opts)) != COCO_OK)
		return err;
	if (r == NULL && (err = coco_report_new(&own)) != COCO_OK)
		return coco_seterr(ctx, err, "out of memory");
	if ((err = coco_vstate_run(&v, ctx, in_path, r ? r : own, 1)) != COCO_OK ||
	    (err = may_sign(ctx, &v, in_path, opts)) != COCO_OK)
		goto out;
	if ((num = next_number(v.ar)) > 999999) {
		err = coco_seterr(ctx, COCO_ERR_LIMIT,
				  "cannot add a sign-off to '%s': numbers run out", in_path);
		goto out;
	}
	snprintf(f.decision, sizeof(f.decision), "signoff/decision-%03ld.xml", num);
	snprintf(f.report, sizeof(f.report), "signoff/report-%03ld.xml", num);
	snprintf(f.manifest, sizeof(f.manifest), "META-INF/ASiCManifest%03ld.xml", num);
	snprintf(f.sig, sizeof(f.sig), "META-INF/signature%03ld.p7s", num);
	if (coco_report_render(v.r, COCO_FORMAT_XML, 0, &f.rep, &f.rep_len) != COCO_OK) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((err = build_decision(ctx, siro, opts, v.r, &f)) != COCO_OK ||
	    (err = build_manifest(ctx, &v, &f)) != COCO_OK ||
	    (err = coco_cms_sign(ctx, siro, (const unsigned char *)f.man, f.man_len, &f.der,
				 &f.der_len)) != COCO_OK ||
	    (err = check_siro(ctx, &f)) != COCO_OK)
		goto out;
	if (f.der_len > ctx->limits.meta_size) {
		err =
		    coco_seterr(ctx, COCO_ERR_LIMIT,
				"cannot add a sign-off to '%s': the signature would be %zu bytes, "
				"over the %zu bytes verify reads",
				in_path, f.der_len, ctx->limits.meta_size);
		goto out;
	}
	err = write_out(ctx, &v, out_path, &f);
out:
	newfiles_release(&f);
	coco_vstate_release(&v);
	coco_report_free(own);
	return err;
}
