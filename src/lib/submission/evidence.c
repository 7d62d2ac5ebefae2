/*
 * The evidence module: the evidence.* checks on each baseline certificate the assessment
 * claims (Cyber Essentials Plus or ISO/IEC 27001), against SIA's policy, the recognised
 * bodies and any offline register snapshot. Everything a machine can decide is a pass
 * or a fail; what needs a person (a partial scope, an unlisted body, a register look-up)
 * is a warn marked as a manual check for the SIRO.
 */
#include <stdlib.h>
#include <string.h>

#include "submission/assessment.h"
#include "pdf/pdf.h"
#include "report/report.h"

struct certcheck {
	struct coco_report *r;
	const struct coco_claim_cert *c;
	const struct coco_scheme_rule *rule;
	const struct coco_policy *p;
	const struct coco_assessment *a;
	long at;
	const struct coco_submission *s;
};

/* Dates: withdrawal, validity window, expiry warning, plausible length. 1 if current. */
static int check_dates(const struct certcheck *k)
{
	const struct coco_claim_cert *c = k->c;
	char d1[16], d2[16];
	long left = c->expires - k->at, longest;
	int current = 1;

	coco_date_format(c->issued, d1);
	coco_date_format(c->expires, d2);
	if (c->issued == COCO_PLACEHOLDER_DATE || c->expires == COCO_PLACEHOLDER_DATE)
		return 0; /* reported as placeholders */
	if (k->rule->has_withdrawn && k->at > k->rule->withdrawn) {
		char dw[16];
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.withdrawn", c->number,
				"%s certificates are not valid after %s, whatever expiry date they "
				"print (this one says %s)",
				k->rule->name, coco_date_format(k->rule->withdrawn, dw), d2);
		current = 0;
	}
	if (c->issued > k->at) {
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.not_yet_valid", c->number,
				"%s certificate issued on %s, after the verification date",
				k->rule->name, d1);
		current = 0;
	}
	if (left < 0) {
		size_t from = coco_report_count(k->r);
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.expired", c->number,
				"%s certificate expired on %s, %ld day%s ago", k->rule->name, d2,
				-left, left == -1 ? "" : "s");
		coco_report_set_cause(k->r, from, COCO_CAUSE_EXPIRY);
		current = 0;
	} else if (left <= (long)k->p->expiry_warning_days) {
		coco_report_add(k->r, COCO_STATUS_WARN, "evidence.expiring", c->number,
				"%s certificate expires on %s: %ld day%s left", k->rule->name, d2,
				left, left == 1 ? "" : "s");
	}
	longest = coco_date_add_months(c->issued, k->rule->max_validity_months);
	if (c->expires <= c->issued || c->expires > longest)
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.validity", c->number,
				"valid from %s to %s: a %s certificate runs at most %u months, so "
				"these dates are implausible",
				d1, d2, k->rule->name, k->rule->max_validity_months);
	return current;
}

static int check_holder(const struct certcheck *k)
{
	char *h = coco_norm_org(k->c->holder), *o = coco_norm_org(k->a->legal_name);

	if (h == NULL || o == NULL) {
		free(h);
		free(o);
		return -1;
	}
	if (strcmp(h, o) == 0)
		coco_report_add(k->r, COCO_STATUS_PASS, "evidence.holder", k->c->number,
				"held by the applicant, '%s'", k->c->holder);
	else
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.holder", k->c->number,
				"held by '%s', not by the applicant '%s': the certificate must be "
				"the applicant's own (an IT supplier's is not accepted)",
				k->c->holder, k->a->legal_name);
	free(h);
	free(o);
	return 0;
}

/* The first of the scheme's exclusion phrases in the (normalised) scope, or NULL. */
static const char *exclusion(const struct coco_scheme_rule *rule, const char *scope)
{
	size_t i;

	for (i = 0; i < rule->exclusions.n; i++)
		if (coco_words_contain(scope, rule->exclusions.v[i]))
			return rule->exclusions.v[i];
	return NULL;
}

/* Whether the (normalised) scope contains one of the phrases. */
static int mentions(const struct coco_words *phrases, const char *scope)
{
	size_t i;

	for (i = 0; i < phrases->n; i++)
		if (coco_words_contain(scope, phrases->v[i]))
			return 1;
	return 0;
}

/*
 * A scheme whose scope must cover licence-management operations (ISO/IEC 27001; SIA: "provided
 * that licence management operations come within the scope"). An exclusion or outsourcing
 * phrase is INDETERMINATE, never a pass: a keyword match cannot tell whether what is excluded
 * is licence management ("licence management is outside the scope") or something else ("no
 * exclusions"), so the verdict waits for a person and approval is impossible meanwhile (a
 * failure would reject scopes the guidance accepts). The whole organisation covers licence
 * management; a scope naming it passes; one naming neither fails.
 */
static void scope_covers(const struct certcheck *k, const char *scope)
{
	const char *why = exclusion(k->rule, scope);

	if (why != NULL)
		coco_report_add(
		    k->r, COCO_STATUS_INDETERMINATE, "evidence.scope_exclusion", k->c->number,
		    "the scope '%s' says '%s': licence-management operations must come "
		    "within the scope (and SIA does not accept outsourced IT); a person must "
		    "read it, so the applicant should state the scope without doubt",
		    k->c->scope, why);
	else if (mentions(&k->rule->whole, scope))
		coco_report_add(k->r, COCO_STATUS_PASS, "evidence.scope", k->c->number,
				"the scope '%s' is the whole organisation, so it covers "
				"licence-management operations",
				k->c->scope);
	else if (mentions(&k->rule->keywords, scope))
		coco_report_add(k->r, COCO_STATUS_PASS, "evidence.scope", k->c->number,
				"the scope covers licence-management operations");
	else
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.scope", k->c->number,
				"the scope '%s' does not cover licence-management operations "
				"(it names neither the whole organisation nor any of the policy's "
				"scope keywords, e.g. '%s')",
				k->c->scope, k->rule->keywords.v[0]);
}

static int check_scope(const struct certcheck *k)
{
	char *scope = coco_norm_words(k->c->scope);
	size_t i;
	int hit = 0;

	if (scope == NULL)
		return -1;
	if (k->rule->keywords.n > 0) {
		scope_covers(k, scope);
		goto out;
	}
	for (i = 0; i < k->rule->whole.n; i++)
		hit |= strcmp(scope, k->rule->whole.v[i]) == 0;
	if (k->rule->whole.n > 0 && !hit)
		coco_report_add_manual(
		    k->r, "evidence.scope_partial", k->c->number,
		    "partial scope '%s': confirm it covers every system used for "
		    "the SIA portal",
		    k->c->scope);
	else if (k->rule->whole.n > 0)
		coco_report_add(k->r, COCO_STATUS_PASS, "evidence.scope", k->c->number,
				"the scope is the whole organisation");
out:
	free(scope);
	return 0;
}

static void check_basic(const struct certcheck *k)
{
	const struct coco_claim_cert *c = k->c;
	char d1[16], d2[16];

	if (k->rule->basic_within_months == 0)
		return;
	if (!c->has_basic) { /* the basic-first rule is IASME's, not SIA's: a question, not a fail
			      */
		coco_report_add_manual(k->r, "evidence.basic_date", c->number,
				       "no basicIssued date: %s requires a basic certificate first "
				       "(IASME); confirm its date with the certification body, or "
				       "give it as basicIssued",
				       k->rule->name);
		return;
	}
	if (c->basic == COCO_PLACEHOLDER_DATE || c->issued == COCO_PLACEHOLDER_DATE)
		return;
	coco_date_format(c->basic, d1);
	coco_date_format(c->issued, d2);
	if (c->basic > c->issued)
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.basic_date", c->number,
				"the basic certificate (%s) is dated after the %s certificate (%s)",
				d1, k->rule->name, d2);
	else if (c->issued > coco_date_add_months(c->basic, k->rule->basic_within_months)) {
		coco_report_add_manual(
		    k->r, "evidence.audit_gap", c->number,
		    "the audit (%s) came more than %u months after the basic certificate "
		    "(%s): confirm the certification body accepted it",
		    d2, k->rule->basic_within_months, d1);
	}
}

static void check_body(const struct certcheck *k)
{
	int scheme_ok = 0;
	const struct coco_body *b = coco_policy_body(k->p, k->c->body, k->c->scheme, &scheme_ok);

	if (b != NULL && scheme_ok) {
		coco_report_add(k->r, COCO_STATUS_PASS, "evidence.body", k->c->number,
				"issued by a recognised certification body, '%s'", b->name);
		return;
	}
	coco_report_add_manual(
	    k->r, "evidence.body", k->c->number,
	    b == NULL ? "certification body '%s' is not in the recognised list "
			"(bodies/bodies.xml): confirm it may certify %s"
		      : "certification body '%s' is recognised, but not for %s: confirm "
			"it may certify it",
	    k->c->body, k->rule->name);
}

static int check_register(const struct certcheck *k)
{
	const struct coco_claim_cert *c = k->c;
	const struct coco_register_row *row;
	char d1[16], d2[16], *h1 = NULL, *h2 = NULL;

	coco_date_format(c->issued, d1);
	coco_date_format(c->expires, d2);
	if (!coco_policy_has_register(k->p, c->scheme)) {
		coco_report_add_manual(
		    k->r, "evidence.register_missing", c->number,
		    "no register snapshot for %s in the trust directory: look up "
		    "certificate '%s' in %s and confirm it is held by '%s', issued %s, "
		    "expires %s",
		    k->rule->name, c->number, k->rule->register_hint, c->holder, d1, d2);
		return 0;
	}
	if ((row = coco_policy_register_find(k->p, c->scheme, c->number)) == NULL) {
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.register", c->number,
				"not in the %s register snapshot: the certificate cannot be "
				"confirmed",
				k->rule->name);
		return 0;
	}
	h1 = coco_norm_org(row->holder);
	h2 = coco_norm_org(c->holder);
	if (h1 == NULL || h2 == NULL) {
		free(h1);
		free(h2);
		return -1;
	}
	if (strcmp(h1, h2) != 0 || row->issued != c->issued || row->expires != c->expires) {
		char r1[16], r2[16];
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.register", c->number,
				"the register ('%s' line %u) says holder '%s', issued %s, expires "
				"%s; the assessment says '%s', %s, %s",
				row->file, row->line, row->holder,
				coco_date_format(row->issued, r1),
				coco_date_format(row->expires, r2), c->holder, d1, d2);
	} else {
		coco_report_add(k->r, COCO_STATUS_PASS, "evidence.register", c->number,
				"matches the register snapshot ('%s' line %u)", row->file,
				row->line);
	}
	free(h1);
	free(h2);
	return 0;
}

static const struct coco_pdf_result *pdf_result(const struct coco_submission *s, const char *file)
{
	size_t i;

	for (i = 0; file != NULL && i < s->n_pdfs; i++)
		if (strcmp(s->pdfs[i].name, file) == 0)
			return &s->pdfs[i].res;
	return NULL;
}

/* Whether the signer's organisation is one of body's names (a common name proves
 * nothing: any CA can issue one). */
static int signed_by(const struct coco_body *b, const struct coco_pdf_sig *g)
{
	char *n;
	int hit;

	if (b == NULL || g->signer_org == NULL || (n = coco_norm_org(g->signer_org)) == NULL)
		return 0;
	hit = coco_words_has(&b->names, n);
	free(n);
	return hit;
}

/* Whether the signature's chain ended at one of body's own CAs: every CA in bodies/
 * anchors every signature, so only this binds a signature to one body. */
static int anchored_by(const struct coco_body *b, const struct coco_pdf_sig *g)
{
	return b != NULL && g->anchor_sha256[0] != '\0' &&
	       coco_words_has(&b->anchors, g->anchor_sha256);
}

/* The valid signature to judge: one by body under one of its own CAs if there is one,
 * else one by body, else the first (in practice a PDF has at most one valid signature:
 * each covers the whole file, so each would have to sign the other's /Contents). */
static const struct coco_pdf_sig *valid_sig(const struct coco_body *b,
					    const struct coco_pdf_result *res)
{
	const struct coco_pdf_sig *best = NULL, *g;
	int score, top = -1;
	size_t i;

	for (i = 0; res != NULL && i < res->n_sigs; i++) {
		g = &res->sigs[i];
		if (g->status != COCO_PDF_SIG_VALID ||
		    g->doc_timestamp) /* the TSA's, not a body's */
			continue;
		score = signed_by(b, g) ? 1 + anchored_by(b, g) : 0;
		if (score > top)
			best = g, top = score;
	}
	return best;
}

/* A signature that verifies but whose chain reaches a root bodies/ lacks, or NULL. */
static const struct coco_pdf_sig *rootless_sig(const struct coco_pdf_result *res)
{
	size_t i;

	for (i = 0; res != NULL && i < res->n_sigs; i++)
		if (res->sigs[i].status == COCO_PDF_SIG_UNANCHORED && res->sigs[i].root != NULL)
			return &res->sigs[i];
	return NULL;
}

/* A signature bodies/ cannot check, as an unsigned PDF: the register decides. With a
 * root bodies/ lacks, that root is named so SIA can add it once it is confirmed. */
static void unanchored_manual(const struct certcheck *k, const struct coco_pdf_result *res)
{
	const struct coco_claim_cert *c = k->c;
	const struct coco_pdf_sig *u = rootless_sig(res);

	if (u != NULL)
		coco_report_add_manual(
		    k->r, "evidence.authentic", c->number,
		    "confirm certificate %s with the register: '%s' is signed by '%s' under root "
		    "'%s' (SHA-256 %s), which is not a CA in the trust directory's bodies/ (SIA "
		    "can add it once it is confirmed as the certification body's)",
		    c->number, c->file, u->signer ? u->signer : "?", u->root, u->root_sha256);
	else
		coco_report_add_manual(k->r, "evidence.authentic", c->number,
				       "confirm certificate %s with the register: '%s' is signed, "
				       "but the trust directory's bodies/ has no CA to check its "
				       "signer",
				       c->number, c->file);
}

/* When an update g's coverage allowed gave a signature field an appearance: a signature
 * after g's revision that neither bodies/ nor tsa/ vouches for (a root bodies/ lacks, an
 * untrusted TSA), or NULL. Its field may draw on the page, so g alone no longer says what
 * the page shows. */
static const struct coco_pdf_sig *later_unvouched(const struct coco_pdf_result *res,
						  const struct coco_pdf_sig *g)
{
	size_t i;

	for (i = 0; g != NULL && g->updates_draw && i < res->n_sigs; i++)
		if (res->sigs[i].range_ok && res->sigs[i].end > g->end &&
		    res->sigs[i].status != COCO_PDF_SIG_VALID)
			return &res->sigs[i];
	return NULL;
}

static void later_manual(const struct certcheck *k, const struct coco_pdf_sig *g,
			 const struct coco_pdf_sig *h)
{
	coco_report_add_manual(
	    k->r, "evidence.authentic", k->c->number,
	    "confirm certificate %s with the register: '%s' is signed by '%s', but a later "
	    "signature, by '%s', was added in an incremental update after it, and the trust "
	    "directory cannot vouch for its signer: its field may draw on the page",
	    k->c->number, k->c->file, g->signer ? g->signer : "?", h->signer ? h->signer : "?");
}

/* Whether form fields were filled in after g's revision, in updates g's coverage allowed,
 * and no later valid signature covers them (one that did would have none after it): what
 * they show on the page is nobody's. */
static int filled_unsigned(const struct coco_pdf_result *res, const struct coco_pdf_sig *g)
{
	size_t i;

	for (i = 0; g != NULL && g->updates_fill && i < res->n_sigs; i++)
		if (res->sigs[i].status == COCO_PDF_SIG_VALID && !res->sigs[i].doc_timestamp &&
		    res->sigs[i].end > g->end && !res->sigs[i].updates_fill)
			return 0;
	return g != NULL && g->updates_fill;
}

/* The certificate PDF's own signature: the strongest evidence of authenticity. */
static void check_authentic(const struct certcheck *k)
{
	const struct coco_claim_cert *c = k->c;
	const struct coco_pdf_result *res = pdf_result(k->s, c->file);
	int scheme_ok = 0;
	const struct coco_body *b = coco_policy_body(k->p, c->body, c->scheme, &scheme_ok);
	const struct coco_pdf_sig *g = valid_sig(b, res);

	if (res != NULL && res->sig_bad)
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.authentic", c->number,
				"'%s' carries a signature that does not verify (see its pdf.* "
				"findings): the certificate may have been altered",
				c->file);
	else if (res != NULL && res->sig_unknown)
		coco_report_add(k->r, COCO_STATUS_INDETERMINATE, "evidence.authentic", c->number,
				"'%s' carries a signature whose signer cannot be tied to a "
				"recognised certification body (see its pdf.signer findings)",
				c->file);
	else if (g != NULL && later_unvouched(res, g) != NULL)
		later_manual(k, g, later_unvouched(res, g));
	else if (filled_unsigned(res, g))
		coco_report_add_manual(
		    k->r, "evidence.authentic", c->number,
		    "confirm certificate %s with the register: '%s' is signed by "
		    "'%s', but form fields were filled in after it, in an "
		    "incremental update no signature covers: what they show on "
		    "the page is not the signer's",
		    c->number, c->file, g->signer ? g->signer : "?");
	else if (g != NULL && signed_by(b, g) && b->anchors.n == 0)
		coco_report_add_manual(
		    k->r, "evidence.authentic", c->number,
		    "confirm certificate %s with the register: '%s' is signed by '%s' under the "
		    "CA with SHA-256 %s, but bodies/bodies.xml binds no CA to '%s' (add <anchor "
		    "sha256=\"...\"/> to its <body> once that CA is confirmed as the body's)",
		    c->number, c->file, g->signer ? g->signer : "?", g->anchor_sha256, b->name);
	else if (g != NULL && anchored_by(b, g) && signed_by(b, g))
		coco_report_add(k->r, COCO_STATUS_PASS, "evidence.authentic", c->number,
				"'%s' is signed by '%s' of the named certification body '%s', "
				"under one of its own CAs",
				c->file, g->signer ? g->signer : "?", b->name);
	else if (g != NULL)
		coco_report_add_manual(
		    k->r, "evidence.authentic", c->number,
		    "confirm certificate %s with the register: '%s' is signed by "
		    "'%s', not by the named certification body '%s' under one of its "
		    "own CAs in bodies/bodies.xml",
		    c->number, c->file, g->signer ? g->signer : "?", c->body);
	else if (res != NULL && res->sig_unanchored && !k->p->require_signed_evidence)
		unanchored_manual(k, res);
	else if (k->p->require_signed_evidence)
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.authentic", c->number,
				"'%s' is not signed by its certification body, and the policy "
				"requires signed evidence",
				c->file);
	else
		coco_report_add_manual(k->r, "evidence.authentic", c->number,
				       "confirm certificate %s with the register: '%s' carries no "
				       "signature of its certification body",
				       c->number, c->file);
}

/* A certificate whose fields still hold init's placeholders is not judged. */
static int unfilled(const struct coco_claim_cert *c)
{
	return coco_is_placeholder(c->number) || coco_is_placeholder(c->body) ||
	       coco_is_placeholder(c->holder) || coco_is_placeholder(c->scope) ||
	       c->issued == COCO_PLACEHOLDER_DATE || c->expires == COCO_PLACEHOLDER_DATE;
}

/* Runs every check on one certificate; *note is set for the summary. 1 if it is valid
 * at the verification time with no failure of its own, 0 if not, -1 on NOMEM. */
static int check_cert(struct certcheck *k, const char **note)
{
	size_t before = coco_report_mark(k->r);
	int current;

	*note = NULL;
	if ((k->rule = coco_policy_scheme(k->p, k->c->scheme)) == NULL) {
		coco_report_add(k->r, COCO_STATUS_FAIL, "evidence.scheme", k->c->number,
				"scheme '%s' is not accepted by the policy", k->c->scheme);
		*note = "scheme not accepted";
		return 0;
	}
	current = check_dates(k);
	if (check_holder(k) != 0 || check_scope(k) != 0)
		return -1;
	check_basic(k);
	check_body(k);
	if (check_register(k) != 0)
		return -1;
	check_authentic(k);
	if (k->rule->has_withdrawn && k->at > k->rule->withdrawn)
		*note = "scheme withdrawn";
	else if (coco_report_verdict_since(k->r, before) == COCO_VERDICT_FAILED)
		*note = "failed checks";
	return current && *note == NULL;
}

/* Whether a finding listed from index `from` on reports an expiry (a certificate's). */
static int expiry_since(const struct coco_report *r, size_t from)
{
	size_t i;

	for (i = from; i < coco_report_count(r); i++)
		if (coco_finding_cause(coco_report_get(r, i)) == COCO_CAUSE_EXPIRY)
			return 1;
	return 0;
}

enum coco_err coco_evidence_check(struct coco_ctx *ctx, struct coco_report *r,
				  const struct coco_assessment *a, const struct coco_policy *p,
				  const struct coco_submission *s)
{
	long at_day = s->at_day;
	struct certcheck k = {r, NULL, NULL, p, a, at_day, s};
	const struct coco_claim_cert *best = NULL;
	const char *note;
	char d[16], d2[16];
	size_t i, current = 0, from = coco_report_count(r);
	int ok;

	for (i = 0; i < a->n_certs; i++) {
		k.c = &a->certs[i];
		if (unfilled(k.c))
			continue; /* the placeholders are reported */
		if ((ok = check_cert(&k, &note)) < 0 ||
		    (k.rule != NULL &&
		     coco_report_name_scheme(r, k.rule->id, k.rule->name) != COCO_OK) ||
		    coco_report_add_cert(r, k.c->scheme, k.c->number, k.c->issued, k.c->expires,
					 note) != COCO_OK)
			return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		if (ok) {
			current++;
			if (best == NULL || k.c->expires > best->expires)
				best = k.c;
		}
	}
	if (best == NULL) {
		enum coco_cause cause = expiry_since(r, from) ? COCO_CAUSE_EXPIRY : COCO_CAUSE_NONE;
		from = coco_report_count(r);
		coco_report_add(r, COCO_STATUS_FAIL, "evidence.baseline", NULL,
				"no baseline certificate of an accepted scheme is valid on %s and "
				"passes its checks",
				coco_date_format(at_day, d));
		coco_report_set_cause(r, from, cause);
	} else
		coco_report_add(r, COCO_STATUS_PASS, "evidence.baseline", best->number,
				"%zu baseline certificate%s valid on %s; '%s' (%s) runs to %s",
				current, current == 1 ? " is" : "s are",
				coco_date_format(at_day, d), best->number, best->scheme,
				coco_date_format(best->expires, d2));
	return COCO_OK;
}
