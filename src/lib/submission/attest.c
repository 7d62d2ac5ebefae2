/*
 * Version 2's structured attestations (docs/ASSESSMENT.md): each element says whether it
 * complies (yes, no, partly), and the elements a machine can judge carry fields checked
 * against the policy's thresholds, so SIA can change them without a release. A "no" or a
 * field outside the policy fails, naming the element and quoting SIA's requirement;
 * "partly" is a manual check. A version 1 assessment has none of this: a note says so, and
 * the SIRO reads every statement (assessment.statement_read, a manual check) instead.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "submission/assessment.h"
#include "report/report.h"

/* Which element each version 2 field belongs to, and its name in messages. */
enum field { F_FIREWALL, F_ANTIVIRUS, F_AUTOMATION, F_PATCH, F_LISTS, F_DELAY, N_FIELDS };

static const struct {
	unsigned num;
	const char *name;
} fields[N_FIELDS] = {
    {7, "firewall"},
    {7, "antivirusUpdates"},
    {8, "automation"},
    {9, "patchWindowDays"},
    {10, "hostedIn, supportedFrom and dataEntryIn"},
    {11, "maxReportingDelayHours"},
};

static int given(const struct coco_claim_element *e, enum field f)
{
	switch (f) {
	case F_FIREWALL:
		return e->firewall >= 0;
	case F_ANTIVIRUS:
		return e->antivirus != NULL;
	case F_AUTOMATION:
		return e->automation >= 0;
	case F_PATCH:
		return e->patch_days >= 0;
	case F_LISTS:
		return e->lists != 0;
	default:
		return e->delay_hours >= 0;
	}
}

/* A field on another element than its own, or missing (or, CoCo-10, incomplete) on its own;
 * the number of such problems. */
static unsigned check_placement(struct coco_report *r, const struct coco_claim_element *e)
{
	char id[16];
	unsigned bad = 0, f;

	snprintf(id, sizeof(id), "CoCo-%u", e->num);
	for (f = 0; f < N_FIELDS; f++) {
		int here = fields[f].num == e->num;
		if (!here && given(e, (enum field)f)) {
			bad++;
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.attestation", id,
					"%s belongs to CoCo-%u only", fields[f].name,
					fields[f].num);
		} else if (here && (!given(e, (enum field)f) || (f == F_LISTS && e->lists != 7))) {
			bad++;
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.attestation", id,
					"%s needs %s (assessment version 2)", id, fields[f].name);
		}
	}
	return bad;
}

/* Hours between anti-virus updates at most, for a Frequency of the schema. */
static unsigned antivirus_hours(const char *freq)
{
	static const struct {
		const char *name;
		unsigned hours;
	} map[] = {
	    {"continuous", 0}, {"hourly", 1}, {"daily", 24}, {"weekly", 168}, {"monthly", 744}};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(freq, map[i].name) == 0)
			return map[i].hours;
	return UINT_MAX; /* never */
}

/* A field outside the policy: a failure naming the element and quoting SIA. */
static void outside(struct coco_report *r, const char *id, unsigned num, const char *what)
{
	coco_report_add(r, COCO_STATUS_FAIL, id, coco_element_id(num),
			"CoCo-%u: %s; SIA requires: \"%s\"", num, what,
			coco_element_requirement(num));
}

/* CoCo-7: "either a hardware or software firewall, or antivirus applications with regular
 * daily updates". Neither fails; one without the other is the SIRO's to judge. */
static void check_antivirus(struct coco_report *r, const struct coco_claim_element *e,
			    const struct coco_policy *p)
{
	int fw = e->firewall == 1,
	    av = antivirus_hours(e->antivirus) <= p->max_antivirus_update_hours;
	char what[160];

	snprintf(what, sizeof(what),
		 "%s, anti-virus updated %s (the policy: at least every %u hours)",
		 fw ? "a firewall" : "no firewall", e->antivirus, p->max_antivirus_update_hours);
	if (!fw && !av)
		outside(r, "assessment.antivirus", 7, what);
	else if (!fw || !av)
		coco_report_add_manual(r, "assessment.antivirus", "CoCo-7",
				       "CoCo-7: %s: confirm this meets SIA's \"%s\"", what,
				       coco_element_requirement(7));
	else
		coco_report_add(r, COCO_STATUS_PASS, "assessment.antivirus", "CoCo-7", "%s", what);
}

static void check_fields(struct coco_report *r, const struct coco_claim_element *e,
			 const struct coco_policy *p)
{
	char what[160];

	if (e->num == 7)
		check_antivirus(r, e, p);
	else if (e->num == 8 && e->automation == 1)
		outside(r, "assessment.automation", 8,
			"the applicant runs automation applications or macros against the portal");
	else if (e->num == 8)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.automation", "CoCo-8",
				"no automation or macros against the portal");
	else if (e->num == 9 && p->max_patch_window_days > 0 &&
		 e->patch_days > (long)p->max_patch_window_days) {
		snprintf(what, sizeof(what),
			 "patches applied within %ld days, more than the policy's %u (coco-bundle "
			 "policy, after Cyber Essentials)",
			 e->patch_days, p->max_patch_window_days);
		outside(r, "assessment.patch_window", 9, what);
	} else if (e->num == 11 && e->delay_hours > (long)p->max_incident_report_hours) {
		snprintf(what, sizeof(what), "incidents reported within %ld hours, more than %u",
			 e->delay_hours, p->max_incident_report_hours);
		outside(r, "assessment.incident_delay", 11, what);
	} else if (e->num == 11)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.incident_delay", "CoCo-11",
				"incidents reported within %ld hours", e->delay_hours);
}

static void check_complies(struct coco_report *r, const struct coco_claim_element *e)
{
	if (e->complies == 'n')
		coco_report_add(r, COCO_STATUS_FAIL, "assessment.complies", coco_element_id(e->num),
				"the applicant says CoCo-%u is not met; SIA requires: \"%s\"",
				e->num, coco_element_requirement(e->num));
	else if (e->complies == 'p')
		coco_report_add_manual(r, "assessment.complies", coco_element_id(e->num),
				       "the applicant says CoCo-%u is partly met: judge the "
				       "statement against SIA's \"%s\"",
				       e->num, coco_element_requirement(e->num));
}

/* Each certificate's licenceManagementInScope: "no" fails; absent fails where the scheme's
 * scope must cover licence management (the policy's scopeKeyword); "yes" there leaves the
 * scope text to the SIRO, with the attestation quoted. */
static void check_certs(struct coco_report *r, const struct coco_assessment *a,
			const struct coco_policy *p)
{
	size_t i;

	for (i = 0; i < a->n_certs; i++) {
		const struct coco_claim_cert *c = &a->certs[i];
		const struct coco_scheme_rule *rule = coco_policy_scheme(p, c->scheme);
		int needs = rule != NULL && rule->keywords.n > 0;
		if (c->lm_in_scope == 0)
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.scope_attested", c->number,
					"the applicant attests that licence-management operations "
					"are not within the scope: SIA accepts a certificate only "
					"\"provided that licence management operations come within "
					"the scope\"");
		else if (needs && c->lm_in_scope < 0)
			coco_report_add(
			    r, COCO_STATUS_FAIL, "assessment.scope_attested", c->number,
			    "no licenceManagementInScope: attest that licence-management "
			    "operations come within the scope");
		else if (needs)
			coco_report_add_manual(
			    r, "assessment.scope_attested", c->number,
			    "the applicant attests licenceManagementInScope=\"yes\": "
			    "read the scope '%s' against it",
			    c->scope);
	}
}

/* SIA's statement of commitment: the director confirms it on SIA's form, so version 2
 * carries it, word for word (the schema), where the director's signature covers it. */
static void check_declaration(struct coco_report *r, const struct coco_assessment *a)
{
	if (a->declared)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.declaration", a->director,
				"the authorisation carries SIA's statement of commitment: \"%s\"",
				coco_sia_declaration());
	else
		coco_report_add(
		    r, COCO_STATUS_FAIL, "assessment.declaration", a->director,
		    "no statement of commitment: SIA's form asks the director to confirm "
		    "\"%s\"; add <declaration> with those words first in "
		    "<authorisation> (coco-bundle init writes it)",
		    coco_sia_declaration());
}

enum coco_err coco_attest_check(struct coco_report *r, const struct coco_assessment *a,
				const struct coco_policy *p)
{
	size_t i;

	if (a->version < 2)
		return coco_report_add(
		    r, COCO_STATUS_INFO, "assessment.version", NULL,
		    "assessment version 1 has no structured attestations (complies, CoCo-7 "
		    "firewall and anti-virus updates, CoCo-8 automation, CoCo-9 patch window, "
		    "CoCo-10 hosting, support and data-entry countries, CoCo-11 reporting delay, "
		    "licence management in scope, SIA's statement of commitment): those are "
		    "judged only by reading the "
		    "statements, each a manual check at verification (assessment.statement_read); "
		    "version 2 (coco-bundle init) states them");
	for (i = 0; i < a->n_elements; i++) {
		const struct coco_claim_element *e = &a->elements[i];
		if (e->num < 1 || e->num > COCO_N_ELEMENTS)
			continue;
		check_complies(r, e);
		if (check_placement(r, e) == 0)
			check_fields(r, e, p);
	}
	check_certs(r, a, p);
	check_declaration(r, a);
	if (a->company_number == NULL) /* optional in version 2 */
		coco_report_add_manual(
		    r, "assessment.company_number", a->legal_name,
		    "no company number (sole traders and partnerships have none): "
		    "confirm who the applicant is another way");
	return coco_report_failed(r) ? COCO_ERR_NOMEM : COCO_OK;
}
