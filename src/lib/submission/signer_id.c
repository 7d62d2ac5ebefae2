/*
 * Who signed the assessment, against what it says: the signer certificate's common name
 * against the authorising director (assessment.director), its organisation and
 * organizationIdentifier against legalName and companyNumber
 * (assessment.signer_organisation), and, when several applicant signatures cover
 * assessment.xml, which one stands for the applicant (coco_assessment_pick_signer). Split
 * from assessment.c, which calls the two checks from coco_assessment_check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "submission/assessment.h"
#include "report/report.h"

/* 1 if the signer's common name cn contains the director's name (of two words at least),
 * 0 if not, -1 on NOMEM. */
static int director_is(const char *director, const char *cn)
{
	char *name = coco_norm_words(director), *c = coco_norm_words(cn);
	int rc = name == NULL || c == NULL   ? -1
		 : strchr(name, ' ') == NULL ? 0
					     : coco_words_contain(c, name) != 0;

	free(name);
	free(c);
	return rc;
}

size_t coco_assessment_pick_signer(struct coco_ctx *ctx, const unsigned char *xml, size_t len,
				   const char *const *cns, size_t n)
{
	struct coco_report *scratch = NULL;
	struct coco_assessment *a = NULL;
	size_t i, pick = 0;

	if (n < 2 || xml == NULL || coco_report_new(&scratch) != COCO_OK)
		goto out;
	if (coco_assessment_parse(ctx, scratch, xml, len, COCO_ASSESSMENT_NAME, &a) != COCO_OK ||
	    a == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if (cns[i] != NULL && director_is(a->director, cns[i]) == 1) {
			pick = i;
			break;
		}
out:
	coco_assessment_free(a);
	coco_report_free(scratch);
	return pick;
}

/* The authorising director against the signer's common name; -1 on NOMEM. */
int coco_assessment_check_director(struct coco_report *r, const struct coco_assessment *a,
				   const struct coco_submission *s)
{
	char *name = NULL;
	int is;

	if (!s->signed_bundle)
		return 0; /* lint: nobody has signed yet */
	if (s->signer_cn == NULL) {
		coco_report_add_manual(
		    r, "assessment.director", a->director,
		    "the signer certificate ('%s') has no common name to compare "
		    "with the authorising director: confirm who signed",
		    s->signer_subject ? s->signer_subject : "?");
		return 0;
	}
	if ((is = director_is(a->director, s->signer_cn)) < 0 ||
	    (name = coco_norm_words(a->director)) == NULL)
		return -1;
	if (strchr(name, ' ') == NULL) /* one word would match too many certificates */
		coco_report_add_manual(r, "assessment.director", a->director,
				       "a one-word name cannot be matched with the signer '%s': "
				       "confirm they are the same person",
				       s->signer_cn);
	else if (is)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.director", a->director,
				"the authorising director is the signer ('%s')", s->signer_cn);
	else
		coco_report_add_manual(r, "assessment.director", a->director,
				       "the assessment is authorised by '%s' but signed by '%s': "
				       "confirm the signer may sign for the organisation",
				       a->director, s->signer_cn);
	free(name);
	return 0;
}

/* ---- the signer's organisation -------------------------------------------------------- */

/* A company number as compared: upper case, spaces dropped, and an all-digit number padded
 * to the eight characters Companies House numbers have. 0, or -1 if empty or too long. */
static int norm_company(const char *in, char out[32])
{
	size_t n = 0;
	int digits = 1;

	for (; *in; in++) {
		char c = *in >= 'a' && *in <= 'z' ? (char)(*in - 32) : *in;
		if (c == ' ')
			continue;
		if (n + 1 >= 32)
			return -1;
		digits &= c >= '0' && c <= '9';
		out[n++] = c;
	}
	out[n] = '\0';
	if (n > 0 && n < 8 && digits) {
		memmove(out + 8 - n, out, n + 1);
		memset(out, '0', 8 - n);
	}
	return n > 0 ? 0 : -1;
}

/*
 * The UK company number an organizationIdentifier names. ETSI EN 319 412-1 clause 5.1.4:
 * three letters for the type of identity, the ISO 3166 country, '-', the identifier; "NTR"
 * is a national trade register, which for GB is Companies House ("NTRGB-01234567").
 * 0, or -1 for another type, country or form (not compared: being stricter than the
 * standard is a defect too).
 */
static int org_id_company(const char *id, char out[32])
{
	if (strncmp(id, "NTR", 3) != 0 ||
	    (strncmp(id + 3, "GB-", 3) != 0 && strncmp(id + 3, "UK-", 3) != 0))
		return -1;
	return norm_company(id + 6, out);
}

/* The signer's organizationIdentifier against companyNumber: 1 the same company, -1
 * another, 0 not compared (absent, another scheme, or no company number). */
static int org_id_state(const struct coco_assessment *a, const struct coco_submission *s)
{
	char id[32], number[32];

	if (s->signer_org_id == NULL || a->company_number == NULL ||
	    coco_is_placeholder(a->company_number) || org_id_company(s->signer_org_id, id) != 0 ||
	    norm_company(a->company_number, number) != 0)
		return 0;
	return strcmp(id, number) == 0 ? 1 : -1;
}

/* A certificate of another organisation: a failure, or a manual check where the policy's
 * signerOrganisation says manual. why says what differs. */
static enum coco_err org_mismatch(struct coco_report *r, const struct coco_assessment *a,
				  const struct coco_policy *p, const char *why)
{
	if (p->signer_org_manual)
		return coco_report_add_manual(
		    r, "assessment.signer_organisation", a->legal_name,
		    "%s: confirm that the signer may sign for the applicant "
		    "(the policy makes this a manual check)",
		    why);
	return coco_report_add(r, COCO_STATUS_FAIL, "assessment.signer_organisation", a->legal_name,
			       "%s: a certificate of another organisation is evidence that someone "
			       "other than the applicant's director signed",
			       why);
}

/* Why the signer's organisation is not the applicant's (malloc'd), or NULL on NOMEM. */
static char *org_why(const struct coco_assessment *a, const struct coco_submission *s, int same_o,
		     int ids)
{
	if (!same_o && ids < 0)
		return coco_asprintf("the signer certificate names the organisation '%s' and the "
				     "organizationIdentifier '%s', not the applicant '%s' (company "
				     "number %s)",
				     s->signer_org, s->signer_org_id, a->legal_name,
				     a->company_number);
	if (!same_o)
		return coco_asprintf("the signer certificate names the organisation '%s', not the "
				     "applicant '%s'",
				     s->signer_org, a->legal_name);
	return coco_asprintf("the signer certificate's organizationIdentifier '%s' names another "
			     "company than the applicant's number %s",
			     s->signer_org_id, a->company_number);
}

/* The signer's organisation is the applicant (and so, where compared, is its number). */
static enum coco_err org_pass(struct coco_report *r, const struct coco_assessment *a,
			      const struct coco_submission *s, int ids)
{
	if (ids > 0)
		return coco_report_add(
		    r, COCO_STATUS_PASS, "assessment.signer_organisation", a->legal_name,
		    "the signer certificate's organisation is the applicant, '%s', "
		    "and its organizationIdentifier '%s' names the applicant's "
		    "company number",
		    s->signer_org, s->signer_org_id);
	return coco_report_add(r, COCO_STATUS_PASS, "assessment.signer_organisation", a->legal_name,
			       "the signer certificate's organisation is the applicant, '%s'",
			       s->signer_org);
}

/* The signer certificate's O and organizationIdentifier against legalName and
 * companyNumber, normalised as evidence.holder is (docs/ASSESSMENT.md says why a mismatch
 * fails). -1 on NOMEM. */
int coco_assessment_check_signer_org(struct coco_report *r, const struct coco_assessment *a,
				     const struct coco_policy *p, const struct coco_submission *s)
{
	int ids = org_id_state(a, s), same_o = 1;
	char *o = NULL, *legal = NULL, *why = NULL;
	enum coco_err err = COCO_ERR_NOMEM;

	if (!s->signed_bundle || coco_is_placeholder(a->legal_name))
		return 0; /* lint: nobody signs; a placeholder name is reported as such */
	if (s->signer_org != NULL) {
		if ((o = coco_norm_org(s->signer_org)) == NULL ||
		    (legal = coco_norm_org(a->legal_name)) == NULL)
			goto out;
		same_o = strcmp(o, legal) == 0;
	}
	if (!same_o && ids > 0) /* another name, but the registered number is the applicant's */
		err = coco_report_add_manual(
		    r, "assessment.signer_organisation", a->legal_name,
		    "the signer certificate names the organisation '%s', not the applicant '%s', "
		    "but its organizationIdentifier '%s' names the applicant's company number: "
		    "confirm that both name the same company",
		    s->signer_org, a->legal_name, s->signer_org_id);
	else if (!same_o || ids < 0) /* positive evidence of another organisation */
		err = (why = org_why(a, s, same_o, ids)) == NULL ? COCO_ERR_NOMEM
								 : org_mismatch(r, a, p, why);
	else if (s->signer_org == NULL)
		err = coco_report_add_manual(
		    r, "assessment.signer_organisation", a->legal_name,
		    "the signer certificate ('%s') names no organisation (O) to compare with the "
		    "applicant: confirm that the signer acts for '%s'",
		    s->signer_subject ? s->signer_subject : "?", a->legal_name);
	else
		err = org_pass(r, a, s, ids);
out:
	free(o);
	free(legal);
	free(why);
	return err == COCO_OK ? 0 : -1;
}
