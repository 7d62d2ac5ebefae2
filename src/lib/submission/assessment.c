/*
 * The assessment module: reads assessment.xml (validated against the embedded
 * coco-assessment-1.xsd) into plain structs, then checks what the schema cannot: all
 * eleven CoCo elements once with real statements, placeholders left by init, the files
 * it references against the files present, the authorisation (the signer's identity
 * against the director and organisation is signer_id.c), CoCo-10 countries and the
 * policies SIA requires. Every rule adds a finding with a
 * stable assessment.* id (docs/checks.md); the evidence.* rules are in evidence.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "submission/assessment.h"
#include "report/report.h"
#include "util/xml.h"

/* The namespace of a node of a validated assessment: version 1's or version 2's, the same
 * for every element of one document (the schemas are qualified and self-contained). */
#define NS_OF(n) ((n) != NULL && (n)->ns != NULL ? (const char *)(n)->ns->href : "")
#define MAX_REFS (16 + 32 * 256 + 64) /* the schema's maxOccurs: no reference is ever dropped */

/* ---- parsing ------------------------------------------------------------------------- */

void coco_assessment_free(struct coco_assessment *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n_certs; i++) {
		struct coco_claim_cert *c = &a->certs[i];
		free(c->scheme), free(c->number), free(c->body), free(c->holder);
		free(c->scope), free(c->file);
	}
	for (i = 0; i < a->n_elements; i++) {
		free(a->elements[i].statement);
		free(a->elements[i].incident);
		free(a->elements[i].antivirus);
		free(a->elements[i].list[0]), free(a->elements[i].list[1]);
		free(a->elements[i].list[2]);
		coco_words_release(&a->elements[i].countries);
		coco_words_release(&a->elements[i].files);
	}
	for (i = 0; i < a->n_policies; i++) {
		struct coco_claim_policy *p = &a->policies[i];
		free(p->kind), free(p->file), free(p->title), free(p->version);
	}
	free(a->legal_name), free(a->company_number), free(a->acr), free(a->address);
	free(a->telephone), free(a->director), free(a->role), free(a->email);
	free(a->certs);
	free(a->elements);
	free(a->policies);
	free(a);
}

/* The trimmed text of the child `name`, or NULL (absent, or out of memory: *nomem). */
static char *child_text(xmlNode *parent, const char *name, int *nomem)
{
	xmlNode *c = parent ? coco_xml_child(parent, NS_OF(parent), name) : NULL;
	char *t;

	if (c == NULL)
		return NULL;
	if ((t = coco_xml_text(c)) == NULL)
		*nomem = 1;
	return coco_trim(t);
}

/* A child date; the schema has checked the form, so a failure here means absent. */
static int child_date(xmlNode *parent, const char *name, long *out, int *nomem)
{
	char *t = child_text(parent, name, nomem);
	int rc = t != NULL && coco_date_parse(t, out) == 0 ? 0 : -1;

	free(t);
	return rc;
}

/* A yes/no value (taken): 1 yes, 0 no, -1 absent. */
static int yes_no(char *t)
{
	int v = t == NULL ? -1 : strcmp(coco_trim(t), "yes") == 0;

	free(t);
	return v;
}

/* A child count (the schema bounds it), or -1 when absent. */
static long child_count(xmlNode *parent, const char *name, int *nomem)
{
	char *t = child_text(parent, name, nomem);
	long v = t != NULL ? strtol(t, NULL, 10) : -1;

	free(t);
	return v;
}

/* Version 2's CoCo-10 lists, merged into countries for the country checks; bit k of lists
 * is set when list k is given. */
static void parse_lists(xmlNode *n, struct coco_claim_element *e, int *nomem)
{
	static const char *const names[] = {"hostedIn", "supportedFrom", "dataEntryIn"};
	size_t k;
	char *t;

	for (k = 0; k < 3; k++) {
		if ((t = child_text(n, names[k], nomem)) == NULL)
			continue;
		e->lists |= 1u << k;
		e->has_countries = 1;
		if (coco_words_split(&e->countries, t) != 0)
			*nomem = 1;
		e->list[k] = t;
	}
}

/* Version 2's attestations of an element. */
static void parse_attestation(xmlNode *n, struct coco_claim_element *e, int *nomem)
{
	char *complies = coco_xml_attr(n, "complies");

	e->complies = complies != NULL ? coco_trim(complies)[0] : 0;
	free(complies);
	e->firewall = yes_no(child_text(n, "firewall", nomem));
	e->automation = yes_no(child_text(n, "automation", nomem));
	e->antivirus = child_text(n, "antivirusUpdates", nomem);
	e->patch_days = child_count(n, "patchWindowDays", nomem);
	e->delay_hours = child_count(n, "maxReportingDelayHours", nomem);
	parse_lists(n, e, nomem);
}

static void parse_cert(xmlNode *n, struct coco_claim_cert *c, int *nomem)
{
	c->scheme = coco_trim(coco_xml_attr(n, "scheme"));
	c->number = child_text(n, "number", nomem);
	c->body = child_text(n, "body", nomem);
	c->holder = child_text(n, "holder", nomem);
	c->scope = child_text(n, "scope", nomem);
	c->file = child_text(n, "file", nomem);
	(void)child_date(n, "issued", &c->issued, nomem);
	(void)child_date(n, "expires", &c->expires, nomem);
	c->has_basic = child_date(n, "basicIssued", &c->basic, nomem) == 0;
	c->lm_in_scope = yes_no(coco_xml_attr(n, "licenceManagementInScope"));
	if (c->scheme == NULL)
		*nomem = 1;
}

static void parse_element(xmlNode *n, struct coco_claim_element *e, int *nomem)
{
	char *id = coco_xml_attr(n, "id"), *countries;
	xmlNode *c;

	e->num =
	    id != NULL && strncmp(id, "CoCo-", 5) == 0 ? (unsigned)strtoul(id + 5, NULL, 10) : 0;
	if (id == NULL)
		*nomem = 1;
	free(id);
	e->statement = child_text(n, "statement", nomem);
	e->incident = child_text(n, "incidentContact", nomem);
	countries = child_text(n, "countries", nomem);
	e->has_countries = countries != NULL;
	if (countries != NULL && coco_words_split(&e->countries, countries) != 0)
		*nomem = 1;
	free(countries);
	parse_attestation(n, e, nomem);
	for (c = coco_xml_elem(n->children); c; c = coco_xml_elem(c->next)) {
		if (coco_xml_is(c, NS_OF(n), "supportingFile") &&
		    coco_words_push(&e->files, coco_trim(coco_xml_text(c))) != 0)
			*nomem = 1;
	}
}

static void parse_policy(xmlNode *n, struct coco_claim_policy *p, int *nomem)
{
	p->kind = coco_trim(coco_xml_attr(n, "kind"));
	p->file = coco_trim(coco_xml_attr(n, "file"));
	p->title = child_text(n, "title", nomem);
	p->version = child_text(n, "version", nomem);
	(void)child_date(n, "approved", &p->approved, nomem);
	(void)child_date(n, "nextReview", &p->next_review, nomem);
	if (p->kind == NULL || p->file == NULL)
		*nomem = 1;
}

static size_t count_children(xmlNode *parent, const char *name)
{
	xmlNode *c;
	size_t n = 0;

	for (c = coco_xml_elem(parent->children); c; c = coco_xml_elem(c->next))
		n += coco_xml_is(c, NS_OF(parent), name);
	return n;
}

static int parse_doc(xmlNode *root, struct coco_assessment *a)
{
	xmlNode *org = coco_xml_child(root, NS_OF(root), "organisation");
	xmlNode *auth = coco_xml_child(root, NS_OF(root), "authorisation");
	xmlNode *pols = coco_xml_child(root, NS_OF(root), "policies"), *c;
	size_t nc = count_children(root, "baselineCertificate"),
	       ne = count_children(root, "element");
	size_t np = pols ? count_children(pols, "policy") : 0;
	int nomem = 0;

	a->legal_name = child_text(org, "legalName", &nomem);
	a->company_number = child_text(org, "companyNumber", &nomem);
	a->acr = child_text(org, "siaApprovedContractorReference", &nomem);
	a->address = child_text(org, "address", &nomem);
	a->telephone = child_text(org, "telephone", &nomem);
	a->director = child_text(auth, "name", &nomem);
	a->declared = coco_xml_child(auth, NS_OF(root), "declaration") != NULL;
	a->role = child_text(auth, "role", &nomem);
	a->email = child_text(auth, "email", &nomem);
	(void)child_date(auth, "date", &a->authorised, &nomem);
	a->certs = calloc(nc + 1, sizeof(*a->certs));
	a->elements = calloc(ne + 1, sizeof(*a->elements));
	a->policies = calloc(np + 1, sizeof(*a->policies));
	if (a->certs == NULL || a->elements == NULL || a->policies == NULL)
		return -1;
	for (c = coco_xml_elem(root->children); c && !nomem; c = coco_xml_elem(c->next)) {
		if (coco_xml_is(c, NS_OF(root), "baselineCertificate"))
			parse_cert(c, &a->certs[a->n_certs++], &nomem);
		else if (coco_xml_is(c, NS_OF(root), "element"))
			parse_element(c, &a->elements[a->n_elements++], &nomem);
	}
	for (c = pols ? coco_xml_elem(pols->children) : NULL; c && !nomem;
	     c = coco_xml_elem(c->next))
		parse_policy(c, &a->policies[a->n_policies++], &nomem);
	if (a->legal_name == NULL || a->director == NULL || a->role == NULL)
		nomem = 1; /* required by the schema: absent here means allocation failed */
	return nomem ? -1 : 0;
}

/* The schema checks only the form of a scheme id; which ids exist is the policy's scheme
 * table (and the built-in default's). 1 if every certificate names a recognised scheme,
 * 0 if one does not (reported), -1 if no policy can be loaded (the message is in ctx). */
static int schemes_known(struct coco_ctx *ctx, struct coco_report *r,
			 const struct coco_assessment *a, const char *name)
{
	const struct coco_policy *p = coco_ctx_policy(ctx);
	size_t i;

	if (p == NULL)
		return -1;
	for (i = 0; i < a->n_certs; i++)
		if (!coco_policy_scheme_known(p, a->certs[i].scheme)) {
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.schema", name,
					"baselineCertificate %zu names the scheme '%s', which is "
					"in neither the policy's scheme table nor the built-in "
					"default policy",
					i + 1, a->certs[i].scheme);
			return 0;
		}
	return 1;
}

/* The schema of the document's version: 2 for version 2's namespace, else 1 (whose schema
 * then says what is wrong). NULL (message in ctx) if it does not compile. */
static void *pick_schema(struct coco_ctx *ctx, xmlDocPtr doc, unsigned *version)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	int v2 = root != NULL && strcmp(NS_OF(root), COCO_NS_ASSESSMENT2) == 0;
	void **slot = v2 ? &ctx->assessment_schema2 : &ctx->assessment_schema;
	const unsigned char *xsd = v2 ? coco_xsd_assessment2 : coco_xsd_assessment;
	char why[512];

	*version = v2 ? 2 : 1;
	if (*slot == NULL && (*slot = coco_xml_schema((const char *)xsd, why, sizeof(why))) == NULL)
		coco_seterr(ctx, COCO_ERR_FORMAT, "cannot compile the assessment schema: %s", why);
	return *slot;
}

enum coco_err coco_assessment_parse(struct coco_ctx *ctx, struct coco_report *r,
				    const unsigned char *xml, size_t len, const char *name,
				    struct coco_assessment **out)
{
	struct coco_assessment *a = NULL;
	xmlDocPtr doc = NULL;
	void *schema;
	unsigned version = 1;
	char why[512];
	enum coco_err err = COCO_OK;
	int known;

	*out = NULL;
	if ((doc = coco_xml_read(xml, len, ctx->limits.meta_size, name, why, sizeof(why))) ==
	    NULL) {
		coco_report_add(r, COCO_STATUS_FAIL, "assessment.xml", name, "%s", why);
		goto out;
	}
	if ((schema = pick_schema(ctx, doc, &version)) == NULL) {
		err = COCO_ERR_FORMAT; /* the message is in ctx */
		goto out;
	}
	if (coco_xml_validate(schema, doc, why, sizeof(why)) != 0) {
		coco_report_add(r, COCO_STATUS_FAIL, "assessment.schema", name,
				"not valid against coco-assessment-%u.xsd: %s", version, why);
		goto out;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL || parse_doc(xmlDocGetRootElement(doc), a) != 0) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory reading '%s'", name);
		goto out;
	}
	a->version = version;
	if ((known = schemes_known(ctx, r, a, name)) <= 0) {
		err = known < 0 ? COCO_ERR_FORMAT : COCO_OK;
		goto out;
	}
	coco_report_add(r, COCO_STATUS_PASS, "assessment.schema", name,
			"valid against coco-assessment-%u.xsd", version);
	*out = a;
	a = NULL; /* transferred */
out:
	coco_assessment_free(a);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return err;
}

size_t coco_assessment_refs(const struct coco_assessment *a, const char **out, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < a->n_certs; i++)
		if (n < max)
			out[n++] = a->certs[i].file;
	for (i = 0; i < a->n_elements; i++)
		for (j = 0; j < a->elements[i].files.n; j++)
			if (n < max)
				out[n++] = a->elements[i].files.v[j];
	for (i = 0; i < a->n_policies; i++)
		if (n < max)
			out[n++] = a->policies[i].file;
	return n;
}

/* ---- checks ------------------------------------------------------------------------ */

int coco_is_placeholder(const char *s)
{
	return s != NULL && (strcmp(s, COCO_PLACEHOLDER) == 0 ||
			     strncmp(s, COCO_PLACEHOLDER ":", strlen(COCO_PLACEHOLDER) + 1) == 0);
}

/* An assessment.placeholder failure about the field PREFIX + name. */
static enum coco_err add_field(struct coco_report *r, const char *prefix, const char *name,
			       const char *msg)
{
	char subject[128];

	snprintf(subject, sizeof(subject), "%s%s", prefix, name);
	return coco_report_add(r, COCO_STATUS_FAIL, "assessment.placeholder", subject, "%s", msg);
}

/* Reports each text still holding init's placeholder, as PREFIX + name; -1 on NOMEM. */
static int check_texts(struct coco_report *r, const char *prefix, const char *const *names,
		       const char *const *values, size_t n, size_t *found)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!coco_is_placeholder(values[i]))
			continue;
		(*found)++;
		if (add_field(r, prefix, names[i],
			      "still holds the placeholder written by 'coco-bundle init': fill it "
			      "in") != COCO_OK)
			return -1;
	}
	return 0;
}

static int check_dates(struct coco_report *r, const char *prefix, const char *const *names,
		       const long *values, size_t n, size_t *found)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (values[i] != COCO_PLACEHOLDER_DATE)
			continue;
		(*found)++;
		if (add_field(r, prefix, names[i],
			      "still holds the placeholder date 1970-01-01 written by 'coco-bundle "
			      "init': fill it in") != COCO_OK)
			return -1;
	}
	return 0;
}

static int check_cert_placeholders(struct coco_report *r, const struct coco_assessment *a,
				   size_t *found)
{
	static const char *const cn[] = {"number", "body", "holder", "scope"};
	static const char *const dn[] = {"issued", "expires", "basicIssued"};
	char prefix[48];
	size_t i;

	for (i = 0; i < a->n_certs; i++) {
		const struct coco_claim_cert *c = &a->certs[i];
		const char *const cv[] = {c->number, c->body, c->holder, c->scope};
		const long dv[] = {c->issued, c->expires, c->basic};
		snprintf(prefix, sizeof(prefix), "baselineCertificate[%zu]/", i + 1);
		if (check_texts(r, prefix, cn, cv, 4, found) != 0 ||
		    check_dates(r, prefix, dn, dv, c->has_basic ? 3 : 2, found) != 0)
			return -1;
	}
	return 0;
}

static int check_placeholders(struct coco_report *r, const struct coco_assessment *a)
{
	static const char *const on[] = {"legalName", "companyNumber",
					 "siaApprovedContractorReference", "address", "telephone"};
	static const char *const an[] = {"name", "role", "email"};
	static const char *const adn[] = {"date"}, *const en[] = {"incidentContact"};
	static const char *const pn[] = {"title", "version"};
	static const char *const pdn[] = {"approved", "nextReview"};
	const char *const ov[] = {a->legal_name, a->company_number, a->acr, a->address,
				  a->telephone};
	const char *const av[] = {a->director, a->role, a->email};
	char prefix[48];
	size_t i, found = 0;
	int rc;

	rc = check_texts(r, "organisation/", on, ov, 5, &found) |
	     check_texts(r, "authorisation/", an, av, 3, &found) |
	     check_dates(r, "authorisation/", adn, &a->authorised, 1, &found) |
	     check_cert_placeholders(r, a, &found);
	for (i = 0; rc == 0 && i < a->n_elements; i++) {
		const char *const ev[] = {a->elements[i].incident};
		snprintf(prefix, sizeof(prefix), "CoCo-%u/", a->elements[i].num);
		rc = check_texts(r, prefix, en, ev, 1, &found);
	}
	for (i = 0; rc == 0 && i < a->n_policies; i++) {
		const struct coco_claim_policy *p = &a->policies[i];
		const char *const pv[] = {p->title, p->version};
		const long dv[] = {p->approved, p->next_review};
		snprintf(prefix, sizeof(prefix), "policy[%zu]/", i + 1);
		rc = check_texts(r, prefix, pn, pv, 2, &found) |
		     check_dates(r, prefix, pdn, dv, 2, &found);
	}
	if (rc == 0 && found == 0)
		rc = coco_report_add(r, COCO_STATUS_PASS, "assessment.placeholder", NULL,
				     "no placeholder from 'coco-bundle init' is left") == COCO_OK
			 ? 0
			 : -1;
	return rc;
}

/* The code point of a valid UTF-8 sequence of k bytes at s. */
static unsigned long code_point(const unsigned char *s, size_t k)
{
	unsigned long c = k == 1 ? s[0] : (unsigned long)(s[0] & (0x7f >> k));
	size_t i;

	for (i = 1; i < k; i++)
		c = (c << 6) | (s[i] & 0x3f);
	return c;
}

/* White space and invisible format characters, which a statement cannot be made of. */
static int blank(unsigned long c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200f) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x2060 || c == 0x3000 || c == 0xfeff;
}

/* Visible characters, plus one for each run of blanks between them. */
static size_t text_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, k, left = strlen(s);
	int gap = 0;

	for (; left > 0; p += k, left -= k) {
		if ((k = coco_utf8_seq(p, left)) == 0)
			k = 1; /* the parser has rejected invalid UTF-8 already */
		if (blank(code_point(p, k))) {
			gap = n > 0;
			continue;
		}
		n += 1 + gap;
		gap = 0;
	}
	return n;
}

static void check_elements(struct coco_report *r, const struct coco_assessment *a,
			   const struct coco_policy *p)
{
	unsigned seen[COCO_N_ELEMENTS + 1] = {0}, bad_el = 0, bad_st = 0, k;
	char id[16];
	size_t i, len;

	for (i = 0; i < a->n_elements; i++)
		if (a->elements[i].num >= 1 && a->elements[i].num <= COCO_N_ELEMENTS)
			seen[a->elements[i].num]++;
	for (k = 1; k <= COCO_N_ELEMENTS; k++) {
		snprintf(id, sizeof(id), "CoCo-%u", k);
		if (seen[k] != 1) {
			bad_el++;
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.element", id,
					seen[k] == 0
					    ? "missing: every CoCo element needs a statement"
					    : "given %u times: each element appears once",
					seen[k]);
		}
	}
	if (bad_el == 0)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.element", NULL,
				"all %d CoCo elements are present, once each", COCO_N_ELEMENTS);
	for (i = 0; i < a->n_elements; i++) {
		const struct coco_claim_element *e = &a->elements[i];
		snprintf(id, sizeof(id), "CoCo-%u", e->num);
		if (coco_is_placeholder(e->statement)) {
			bad_st++;
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.statement", id,
					"the statement is still the placeholder written by "
					"'coco-bundle init'");
		} else if ((len = text_length(e->statement)) < p->min_statement_length) {
			bad_st++;
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.statement", id,
					"the statement has %zu characters; the policy asks for at "
					"least %u",
					len, p->min_statement_length);
		}
	}
	if (bad_st == 0)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.statement", NULL,
				"every statement is filled in (at least %u characters)",
				p->min_statement_length);
}

/* "CoCo-N" for 1..11, from a static table. */
static const char *element_name(unsigned num)
{
	static const char *const names[] = {"CoCo-1", "CoCo-2",  "CoCo-3", "CoCo-4",
					    "CoCo-5", "CoCo-6",  "CoCo-7", "CoCo-8",
					    "CoCo-9", "CoCo-10", "CoCo-11"};

	return num >= 1 && num <= COCO_N_ELEMENTS ? names[num - 1] : "element";
}

static const struct coco_claim_element *element(const struct coco_assessment *a, unsigned num)
{
	size_t i;

	for (i = 0; i < a->n_elements; i++)
		if (a->elements[i].num == num)
			return &a->elements[i];
	return NULL;
}

/* Upper-cases a two-letter code and maps the EU's own abbreviations (UK, EL). */
static void normalise_country(const char *in, char out[8])
{
	size_t i;

	for (i = 0; i < 7 && in[i]; i++)
		out[i] = in[i] >= 'a' && in[i] <= 'z' ? (char)(in[i] - 32) : in[i];
	out[i] = '\0';
	if (strcmp(out, "UK") == 0)
		memcpy(out, "GB", 3);
	else if (strcmp(out, "EL") == 0)
		memcpy(out, "GR", 3);
}

static void check_countries(struct coco_report *r, const struct coco_assessment *a,
			    const struct coco_policy *p)
{
	const struct coco_claim_element *e = element(a, 10), *e11 = element(a, 11);
	char code[8];
	size_t i, bad = 0;

	if (e != NULL && e->countries.n == 0)
		coco_report_add(r, COCO_STATUS_FAIL, "assessment.countries", "CoCo-10",
				"no countries: list where the systems used for the portal are "
				"operated and supported (ISO 3166-1 alpha-2)");
	for (i = 0; e != NULL && i < e->countries.n; i++) {
		normalise_country(e->countries.v[i], code);
		if (!coco_policy_country_allowed(p, code)) {
			bad++;
			coco_report_add(
			    r, COCO_STATUS_FAIL, "assessment.country", e->countries.v[i],
			    "CoCo-10: systems operated or supported in '%s', outside the "
			    "countries the policy allows (the UK and the EEA by default)",
			    code);
		}
	}
	if (e != NULL && e->countries.n > 0 && bad == 0)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.country", "CoCo-10",
				"every country is one the policy allows");
	for (i = 0; i < a->n_elements; i++) { /* the schema allows them on any element */
		const struct coco_claim_element *x = &a->elements[i];
		if (x->num != 10 && x->has_countries)
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.countries",
					x->num ? element_name(x->num) : "element",
					"countries belong to CoCo-10 only");
		if (x->num != 11 && x->incident != NULL)
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.incident_contact",
					x->num ? element_name(x->num) : "element",
					"the incident contact belongs to CoCo-11 only");
	}
	if (e11 != NULL && e11->incident == NULL)
		coco_report_add(r, COCO_STATUS_FAIL, "assessment.incident_contact", "CoCo-11",
				"no incident contact: name who reports incidents to SIA within 24 "
				"hours");
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int in_sorted(const char *const *v, size_t n, const char *s)
{
	return n > 0 && bsearch(&s, v, n, sizeof(*v), cmp_str) != NULL;
}

static const char *bad_ref(const char *ref)
{
	int is_dir = 0;
	const char *why = coco_name_problem(ref, strlen(ref), &is_dir);

	if (why != NULL)
		return why;
	if (is_dir)
		return "names a folder, not a file";
	if (strncmp(ref, "META-INF/", 9) == 0 || strcmp(ref, "mimetype") == 0)
		return "names a file reserved by ASiC-E";
	if (strcmp(ref, COCO_ASSESSMENT_NAME) == 0)
		return "names the assessment itself";
	return NULL;
}

static enum coco_err check_references(struct coco_ctx *ctx, struct coco_report *r,
				      const struct coco_assessment *a,
				      const struct coco_submission *s)
{
	const char **refs = malloc(MAX_REFS * sizeof(*refs));
	size_t n, i, missing = 0, extra = 0, distinct = 0;
	const char *why;

	if (refs == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	n = coco_assessment_refs(a, refs, MAX_REFS);
	qsort(refs, n, sizeof(*refs), cmp_str);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(refs[i], refs[i - 1]) == 0)
			continue;
		distinct++;
		if ((why = bad_ref(refs[i])) != NULL) {
			missing++;
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.reference", refs[i],
					"not a usable bundle path: %s", why);
		} else if (!in_sorted(s->files, s->n_files, refs[i])) {
			missing++;
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.reference", refs[i],
					"referenced by the assessment but not in the submission");
		}
	}
	for (i = 0; i < s->n_files; i++)
		if (!in_sorted(refs, n, s->files[i])) {
			extra++;
			coco_report_add(r, COCO_STATUS_FAIL, "assessment.unreferenced", s->files[i],
					"in the submission but not referenced by the assessment: "
					"reference it or remove it");
		}
	if (s->packaging != NULL)
		*s->packaging += missing + extra;
	if (missing == 0)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.reference", NULL,
				"every file the assessment references (%zu) is present", distinct);
	if (extra == 0)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.unreferenced", NULL,
				"every file in the submission (%zu) is referenced", s->n_files);
	free(refs);
	return COCO_OK;
}

static void check_authorisation(struct coco_report *r, const struct coco_assessment *a,
				const struct coco_policy *p, const struct coco_submission *s)
{
	char d1[16], d2[16];
	const char *when = s->signed_known ? "the bundle was signed" : "the check time";
	long age = s->signed_day - a->authorised;

	coco_date_format(a->authorised, d1);
	coco_date_format(s->signed_day, d2);
	if (a->authorised == COCO_PLACEHOLDER_DATE)
		return; /* a placeholder finding already says so */
	if (a->authorised > s->signed_day)
		coco_report_add(r, COCO_STATUS_FAIL, "assessment.authorisation", a->director,
				"authorised on %s, after %s (%s): a director must authorise the "
				"assessment before it is signed",
				d1, when, d2);
	else
		coco_report_add(r, COCO_STATUS_PASS, "assessment.authorisation", a->director,
				"authorised (%s) on %s, before %s", a->role, d1, when);
	if (age > (long)p->max_authorisation_age_days) {
		coco_report_add_manual(
		    r, "assessment.authorisation_age", a->director,
		    "authorised on %s, %ld days before %s; the policy expects at most "
		    "%u: confirm the authorisation still stands",
		    d1, age, when, p->max_authorisation_age_days);
	}
}

/* The authorising role against the policy's director-like roles (SIA: "Director (or other
 * competent person within the business)"): a role containing none is the SIRO's to judge,
 * not a failure, as small businesses name roles in many ways. -1 on NOMEM. */
static int check_role(struct coco_report *r, const struct coco_assessment *a,
		      const struct coco_policy *p)
{
	char *role;
	size_t i;
	int hit = 0;

	if (p->authoriser_roles.n == 0 || coco_is_placeholder(a->role))
		return 0;
	if ((role = coco_norm_words(a->role)) == NULL)
		return -1;
	for (i = 0; i < p->authoriser_roles.n && !hit; i++)
		hit = coco_words_contain(role, p->authoriser_roles.v[i]);
	if (hit)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.role", a->role,
				"a director-like role authorises the assessment");
	else
		coco_report_add_manual(
		    r, "assessment.role", a->role,
		    "'%s' (%s) is not a director-like role in the policy: SIA asks "
		    "for authorisation by a \"Director (or other competent person "
		    "within the business)\"; confirm that they may authorise",
		    a->director, a->role);
	free(role);
	return 0;
}

static void check_policies(struct coco_report *r, const struct coco_assessment *a,
			   const struct coco_policy *p, long at_day)
{
	char d[16];
	size_t i, j, missing = 0;

	for (i = 0; i < p->required_kinds.n; i++) {
		int found = 0;
		for (j = 0; j < a->n_policies; j++)
			found |= strcmp(a->policies[j].kind, p->required_kinds.v[i]) == 0;
		if (!found) {
			missing++;
			coco_report_add(
			    r, COCO_STATUS_FAIL, "assessment.policy_kind", p->required_kinds.v[i],
			    "the policy requires a '%s' policy document and none is listed",
			    p->required_kinds.v[i]);
		}
	}
	if (p->required_kinds.n > 0 && missing == 0)
		coco_report_add(r, COCO_STATUS_PASS, "assessment.policy_kind", NULL,
				"every required policy kind (%zu) is listed", p->required_kinds.n);
	for (j = 0; j < a->n_policies; j++) {
		const struct coco_claim_policy *cp = &a->policies[j];
		if (cp->next_review == COCO_PLACEHOLDER_DATE || cp->next_review >= at_day)
			continue;
		coco_report_add_manual(r, "assessment.policy_review", cp->file,
				       "'%s' (%s, version %s) was due for review on %s", cp->title,
				       cp->kind, cp->version, coco_date_format(cp->next_review, d));
	}
}

static const struct coco_claim_element *element_of(const struct coco_assessment *a, unsigned k)
{
	size_t i;

	for (i = 0; i < a->n_elements; i++)
		if (a->elements[i].num == k)
			return &a->elements[i];
	return NULL;
}

/* Word i of w is one before it too (version 2's three CoCo-10 lists name a country more
 * than once). */
static int repeated(const struct coco_words *w, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(w->v[j], w->v[i]) == 0)
			return 1;
	return 0;
}

/* What else the SIRO judges by, for the sheet: company number, address, CoCo-10's
 * countries (each once), CoCo-11's contact and the policies. */
static int add_applicant(struct coco_report *r, const struct coco_assessment *a)
{
	const struct coco_claim_element *e10 = element_of(a, 10), *e11 = element_of(a, 11);
	struct coco_buf countries = {NULL, 0, 0, 0};
	size_t i;
	int rc = 0;

	for (i = 0; e10 != NULL && e10->has_countries && i < e10->countries.n; i++)
		if (!repeated(&e10->countries, i))
			coco_buf_printf(&countries, "%s%s", countries.len ? " " : "",
					e10->countries.v[i]);
	coco_buf_add(&countries, "", 1); /* the terminating NUL */
	if (countries.failed ||
	    coco_report_set_applicant(r, a->company_number, a->address,
				      countries.len > 1 ? countries.p : NULL,
				      e11 != NULL ? e11->incident : NULL) != COCO_OK)
		rc = -1;
	for (i = 0; rc == 0 && i < a->n_policies; i++) {
		const struct coco_claim_policy *cp = &a->policies[i];
		struct coco_report_policy rp = {cp->kind, cp->title,    cp->version,
						cp->file, cp->approved, cp->next_review};
		if (coco_report_add_policy(r, &rp) != COCO_OK)
			rc = -1;
	}
	if (a->declared && coco_report_set_declaration(r, coco_sia_declaration()) != COCO_OK)
		rc = -1;
	free(countries.p);
	return rc;
}

/* A version 2 element's attestation, for the sign-off sheet beside its statement: whether
 * it complies and the fields a machine judges, as written. */
static int add_attested(struct coco_report *r, const struct coco_claim_element *e)
{
	static const char *const complies[] = {"yes", "no", "partly"};
	static const char *const lists[][2] = {{"hostedIn", "hosted in"},
					       {"supportedFrom", "supported from"},
					       {"dataEntryIn", "data entered in"}};
	char num[2][24];
	int bad = 0;
	size_t k;

	if (e->complies == 0)
		return 0;
	snprintf(num[0], sizeof(num[0]), "%ld", e->patch_days);
	snprintf(num[1], sizeof(num[1]), "%ld", e->delay_hours);
	bad |= coco_report_element_attest(r, "complies", "complies",
					  complies[e->complies == 'y'   ? 0
						   : e->complies == 'n' ? 1
									: 2]);
	if (e->firewall >= 0)
		bad |= coco_report_element_attest(r, "firewall", "firewall",
						  e->firewall ? "yes" : "no");
	bad |=
	    coco_report_element_attest(r, "antivirusUpdates", "anti-virus updates", e->antivirus);
	if (e->automation >= 0)
		bad |= coco_report_element_attest(r, "automation", "automation or macros",
						  e->automation ? "yes" : "no");
	if (e->patch_days >= 0)
		bad |=
		    coco_report_element_attest(r, "patchWindowDays", "patch window, days", num[0]);
	for (k = 0; k < 3; k++)
		bad |= coco_report_element_attest(r, lists[k][0], lists[k][1], e->list[k]);
	if (e->delay_hours >= 0)
		bad |= coco_report_element_attest(r, "maxReportingDelayHours",
						  "reporting delay, hours", num[1]);
	bad |= coco_report_element_attest(r, "incidentContact", "contact", e->incident);
	return bad ? -1 : 0;
}

/* The statements, in element order, for the sign-off sheet, each also a manual check: no
 * machine can judge a free-text statement, so the SIRO reads every one against SIA's
 * requirement (and an approval records that: coco_countersign's confirm_statements). Only
 * verify adds those: for lint and create they would be the SIRO's work, not the applicant's. */
static int add_statements(struct coco_report *r, const struct coco_assessment *a, int siro_reads)
{
	char id[16];
	unsigned k;
	size_t i, from;

	for (k = 1; k <= COCO_N_ELEMENTS; k++)
		for (i = 0; i < a->n_elements; i++)
			if (a->elements[i].num == k) {
				snprintf(id, sizeof(id), "CoCo-%u", k);
				if (coco_report_add_element(r, id, coco_element_requirement(k),
							    a->elements[i].statement,
							    siro_reads) != COCO_OK ||
				    add_attested(r, &a->elements[i]) != 0)
					return -1;
				from = coco_report_count(r);
				if (siro_reads &&
				    coco_report_add_manual(r, "assessment.statement_read", id,
							   "read %s against: %s", id,
							   coco_element_requirement(k)) != COCO_OK)
					return -1;
				coco_report_set_cause(r, from, COCO_CAUSE_STATEMENT);
				break;
			}
	return 0;
}

enum coco_err coco_assessment_check(struct coco_ctx *ctx, struct coco_report *r,
				    const unsigned char *xml, size_t len,
				    const struct coco_submission *s, struct coco_assessment **out)
{
	const struct coco_policy *p = coco_ctx_policy(ctx);
	struct coco_assessment *a = NULL;
	char *director = NULL;
	enum coco_err err;

	*out = NULL;
	if (p == NULL)
		return COCO_ERR_FORMAT; /* the message is in ctx */
	qsort(s->files, s->n_files, sizeof(*s->files), cmp_str);
	if (s->packaging != NULL && (s->too_large || xml == NULL))
		++*s->packaging;
	if (s->too_large) {
		coco_report_add(r, COCO_STATUS_FAIL, "assessment.xml", COCO_ASSESSMENT_NAME,
				"larger than %zu bytes", ctx->limits.meta_size);
		return COCO_OK;
	}
	if (xml == NULL) {
		coco_report_add(r, COCO_STATUS_FAIL, "assessment.missing", COCO_ASSESSMENT_NAME,
				"no assessment.xml: the CoCo self-assessment is missing");
		return COCO_OK;
	}
	if ((err = coco_assessment_parse(ctx, r, xml, len, COCO_ASSESSMENT_NAME, &a)) != COCO_OK ||
	    a == NULL) {
		if (err == COCO_OK && s->packaging != NULL)
			++*s->packaging; /* assessment.xml or assessment.schema */
		if (err == COCO_OK)
			coco_report_add(
			    r, COCO_STATUS_INFO, "verify.skipped", NULL,
			    "assessment and evidence not checked: assessment.xml is not "
			    "a valid assessment");
		return err;
	}
	if ((director = coco_asprintf("%s (%s)", a->director, a->role)) == NULL ||
	    coco_report_set_summary(r, a->legal_name, director) != COCO_OK) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	coco_report_add(r, COCO_STATUS_INFO, "verify.policy", NULL, "checked against %s",
			p->source);
	if (add_statements(r, a, s->siro_reads) != 0 || add_applicant(r, a) != 0)
		goto nomem;
	if (check_placeholders(r, a) != 0)
		goto nomem;
	check_elements(r, a, p);
	if (coco_attest_check(r, a, p) != COCO_OK)
		goto nomem;
	check_countries(r, a, p);
	if ((err = check_references(ctx, r, a, s)) != COCO_OK)
		goto out;
	check_authorisation(r, a, p, s);
	if (check_role(r, a, p) != 0 || coco_assessment_check_director(r, a, s) != 0 ||
	    coco_assessment_check_signer_org(r, a, p, s) != 0)
		goto nomem;
	check_policies(r, a, p, s->at_day);
	*out = a;
	a = NULL; /* transferred */
	goto out;
nomem:
	err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
out:
	free(director);
	coco_assessment_free(a);
	return err;
}

enum coco_err coco_submission_check(struct coco_ctx *ctx, struct coco_report *r,
				    const unsigned char *xml, size_t len,
				    const struct coco_submission *s)
{
	struct coco_assessment *a = NULL;
	enum coco_err err = coco_assessment_check(ctx, r, xml, len, s, &a);

	if (err == COCO_OK && a != NULL)
		err = coco_evidence_check(ctx, r, a, coco_ctx_policy(ctx), s);
	if (err == COCO_OK && a != NULL && coco_report_failed(r))
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	coco_assessment_free(a);
	return err;
}
