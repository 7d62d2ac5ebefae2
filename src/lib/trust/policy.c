/*
 * The policy module: loads and queries SIA's acceptance rules (policy.xml), the
 * recognised certification bodies (bodies/bodies.xml) and offline register snapshots
 * (registers/ *.csv) from the trust directory. Every file is bounded in size and
 * validated (XML against the embedded schemas, CSV by a strict RFC 4180 reader); a bad
 * file is an error naming it and its line, never a silently partial policy.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trust/policy.h"
#include "util/xml.h"

/* The policy parsers' why for an allocation failure: told from a format error by identity,
 * not by its text. */
static const char OOM[] = "out of memory";

#define NS_POLICY "urn:x-coco-bundle:policy:1"
#define NS_BODIES "urn:x-coco-bundle:bodies:1"

void coco_policy_free(struct coco_policy *p)
{
	size_t i;

	if (p == NULL || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < p->n_schemes; i++) {
		struct coco_scheme_rule *s = &p->schemes[i];
		free(s->id);
		free(s->name);
		free(s->register_hint);
		coco_words_release(&s->keywords);
		coco_words_release(&s->exclusions);
		coco_words_release(&s->whole);
	}
	for (i = 0; i < p->n_bodies; i++) {
		free(p->bodies[i].name);
		coco_words_release(&p->bodies[i].names);
		coco_words_release(&p->bodies[i].schemes);
		coco_words_release(&p->bodies[i].anchors);
	}
	for (i = 0; i < p->n_rows; i++) {
		free(p->rows[i].scheme);
		free(p->rows[i].number);
		free(p->rows[i].holder);
		free(p->rows[i].file);
	}
	coco_words_release(&p->known);
	coco_words_release(&p->countries);
	coco_words_release(&p->required_kinds);
	coco_words_release(&p->authoriser_roles);
	free(p->schemes);
	free(p->bodies);
	free(p->rows);
	free(p->source);
	free(p);
}

/* ---- word lists ---------------------------------------------------------------------- */

void coco_words_release(struct coco_words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

int coco_words_push(struct coco_words *w, char *s)
{
	char **nv;

	if (s == NULL || (nv = realloc(w->v, (w->n + 1) * sizeof(*nv))) == NULL) {
		free(s);
		return -1;
	}
	w->v = nv;
	w->v[w->n++] = s;
	return 0;
}

int coco_words_split(struct coco_words *w, const char *text)
{
	const char *p = text, *q;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		for (q = p; *q && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r'; q++)
			;
		if (q > p && coco_words_push(w, coco_strndup(p, (size_t)(q - p))) != 0)
			return -1;
		p = q;
	}
	return 0;
}

int coco_words_has(const struct coco_words *w, const char *s)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i], s) == 0)
			return 1;
	return 0;
}

/* ---- XML files ---------------------------------------------------------------------- */

/* Parses and validates an XML trust file against an embedded schema (compiled once). */
static enum coco_err read_valid(struct coco_ctx *ctx, const unsigned char *buf, size_t len,
				const char *name, void **slot, const unsigned char *xsd,
				xmlDocPtr *out)
{
	char why[512];
	xmlDocPtr doc;

	*out = NULL;
	if (*slot == NULL && (*slot = coco_xml_schema((const char *)xsd, why, sizeof(why))) == NULL)
		return coco_seterr(ctx, COCO_ERR_FORMAT, "cannot compile the schema for '%s': %s",
				   name, why);
	if ((doc = coco_xml_read(buf, len, COCO_MAX_TRUST_FILE, name, why, sizeof(why))) == NULL)
		return coco_seterr(ctx, COCO_ERR_FORMAT, "cannot load '%s': %s", name, why);
	if (coco_xml_validate(*slot, doc, why, sizeof(why)) != 0) {
		xmlFreeDoc(doc);
		return coco_seterr(ctx, COCO_ERR_FORMAT, "cannot load '%s': %s", name, why);
	}
	*out = doc;
	return COCO_OK;
}

/* An unsigned decimal no larger than max (the schema has already checked the form). */
static int to_uint(const char *s, unsigned max, unsigned *out)
{
	unsigned long long v = 0;

	if (s != NULL && *s == '+')
		s++; /* xs:nonNegativeInteger allows a sign */
	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || (v = v * 10 + (unsigned)(*s - '0')) > max)
			return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* Adds each normalised child text named `name` of node to w. */
static int phrases(xmlNode *node, const char *name, struct coco_words *w)
{
	xmlNode *c;

	for (c = coco_xml_elem(node->children); c; c = coco_xml_elem(c->next)) {
		char *t;
		if (!coco_xml_is(c, NS_POLICY, name))
			continue;
		t = coco_xml_text(c);
		if (t == NULL || coco_words_push(w, coco_norm_words(t)) != 0) {
			free(t);
			return -1;
		}
		free(t);
	}
	return 0;
}

static const char *parse_scheme(xmlNode *node, struct coco_scheme_rule *s)
{
	char *months = coco_trim(coco_xml_attr(node, "maxValidityMonths"));
	char *basic = coco_trim(coco_xml_attr(node, "basicWithinMonths"));
	char *withdrawn = coco_trim(coco_xml_attr(node, "withdrawn"));
	const char *bad = NULL;

	s->id = coco_trim(coco_xml_attr(node, "id"));
	s->name = coco_trim(coco_xml_text(coco_xml_child(node, NS_POLICY, "name")));
	s->register_hint = coco_trim(coco_xml_text(coco_xml_child(node, NS_POLICY, "register")));
	if (s->id == NULL || s->name == NULL || s->register_hint == NULL ||
	    phrases(node, "scopeKeyword", &s->keywords) != 0 ||
	    phrases(node, "scopeExclusion", &s->exclusions) != 0 ||
	    phrases(node, "wholeScope", &s->whole) != 0)
		bad = OOM;
	else if (to_uint(months, 120, &s->max_validity_months) != 0)
		bad = "maxValidityMonths out of range";
	else if (basic != NULL && to_uint(basic, 120, &s->basic_within_months) != 0)
		bad = "basicWithinMonths out of range";
	else if (withdrawn != NULL && coco_date_parse(withdrawn, &s->withdrawn) != 0)
		bad = "withdrawn is not a YYYY-MM-DD date";
	s->has_withdrawn = withdrawn != NULL;
	free(months);
	free(basic);
	free(withdrawn);
	return bad;
}

static const char *parse_setting(xmlNode *c, struct coco_policy *p)
{
	static const struct {
		const char *name;
		size_t off;
		unsigned max;
	} nums[] = {
	    {"expiryWarningDays", offsetof(struct coco_policy, expiry_warning_days), 36500},
	    {"minStatementLength", offsetof(struct coco_policy, min_statement_length), 20000},
	    {"maxAuthorisationAgeDays", offsetof(struct coco_policy, max_authorisation_age_days),
	     36500},
	    {"maxIncidentReportHours", offsetof(struct coco_policy, max_incident_report_hours),
	     8760},
	    {"maxAntivirusUpdateHours", offsetof(struct coco_policy, max_antivirus_update_hours),
	     8760},
	    {"maxPatchWindowDays", offsetof(struct coco_policy, max_patch_window_days), 3650},
	};
	char *t = coco_trim(coco_xml_text(c)); /* the schema collapses white space; so do we */
	const char *bad = t == NULL ? OOM : NULL;
	size_t i;

	for (i = 0; bad == NULL && i < sizeof(nums) / sizeof(nums[0]); i++)
		if (coco_xml_is(c, NS_POLICY, nums[i].name) &&
		    to_uint(t, nums[i].max, (unsigned *)(void *)((char *)p + nums[i].off)) != 0)
			bad = "number out of range";
	if (bad == NULL && coco_xml_is(c, NS_POLICY, "countries") &&
	    coco_words_split(&p->countries, t) != 0)
		bad = OOM;
	if (bad == NULL && coco_xml_is(c, NS_POLICY, "requiredPolicies") &&
	    coco_words_split(&p->required_kinds, t) != 0)
		bad = OOM;
	if (bad == NULL && coco_xml_is(c, NS_POLICY, "revocation")) {
		if (strcmp(t, "require") == 0)
			p->revocation = COCO_REVOCATION_REQUIRE;
		else if (strcmp(t, "off") == 0)
			p->revocation = COCO_REVOCATION_OFF;
		else if (strcmp(t, "warn") == 0)
			p->revocation = COCO_REVOCATION_WARN;
		else
			bad = "revocation must be require, warn or off";
	}
	if (bad == NULL && coco_xml_is(c, NS_POLICY, "requireSignedEvidence"))
		p->require_signed_evidence = strcmp(t, "true") == 0 || strcmp(t, "1") == 0;
	if (bad == NULL && coco_xml_is(c, NS_POLICY, "signerOrganisation"))
		p->signer_org_manual = strcmp(t, "manual") == 0; /* the schema allows fail too */
	if (bad == NULL && coco_xml_is(c, NS_POLICY, "authoriserRole") &&
	    coco_words_push(&p->authoriser_roles, coco_norm_words(t)) != 0)
		bad = OOM;
	free(t);
	return bad;
}

static enum coco_err parse_policy(struct coco_ctx *ctx, const unsigned char *buf, size_t len,
				  const char *name, struct coco_policy *p)
{
	xmlDocPtr doc = NULL;
	xmlNode *c;
	const char *bad = NULL;
	enum coco_err err;
	size_t n = 0;

	err = read_valid(ctx, buf, len, name, &ctx->policy_schema, coco_xsd_policy, &doc);
	if (err != COCO_OK)
		return err;
	p->max_incident_report_hours = 24;  /* SIA: "no later than 24 hours" */
	p->max_antivirus_update_hours = 24; /* SIA: "regular daily updates" */
	for (c = coco_xml_elem(xmlDocGetRootElement(doc)->children); c; c = coco_xml_elem(c->next))
		n += coco_xml_is(c, NS_POLICY, "scheme");
	if ((p->schemes = calloc(n, sizeof(*p->schemes))) == NULL)
		bad = OOM;
	for (c = coco_xml_elem(xmlDocGetRootElement(doc)->children); c && bad == NULL;
	     c = coco_xml_elem(c->next))
		bad = coco_xml_is(c, NS_POLICY, "scheme")
			  ? parse_scheme(c, &p->schemes[p->n_schemes++])
			  : parse_setting(c, p);
	xmlFreeDoc(doc);
	if (bad != NULL)
		return coco_seterr(ctx, bad == OOM ? COCO_ERR_NOMEM : COCO_ERR_FORMAT,
				   "cannot load '%s': %s", name, bad);
	return COCO_OK;
}

/* A <name> or <alias> (normalised into names) or an <anchor sha256="HEX"/>. */
static int body_child(struct coco_body *b, xmlNode *a)
{
	char *t, *q;
	int rc;

	if (xmlStrcmp(a->name, BAD_CAST "anchor") == 0) {
		if ((t = coco_xml_attr(a, "sha256")) == NULL)
			return -1;
		for (q = t; *q != '\0'; q++)
			*q = (char)(*q >= 'A' && *q <= 'F' ? *q - 'A' + 'a' : *q);
		return coco_words_push(&b->anchors, t);
	}
	t = coco_xml_text(a);
	rc = t == NULL || coco_words_push(&b->names, coco_norm_org(t)) != 0 ? -1 : 0;
	free(t);
	return rc;
}

/* One <body>: its name, schemes, aliases and anchors. -1 on allocation failure. */
static int parse_body(xmlNode *c, struct coco_body *b)
{
	char *schemes = coco_xml_attr(c, "schemes");
	xmlNode *a;
	int bad;

	b->name = coco_trim(coco_xml_text(coco_xml_child(c, NS_BODIES, "name")));
	bad = schemes == NULL || b->name == NULL || coco_words_split(&b->schemes, schemes) != 0;
	free(schemes);
	for (a = coco_xml_elem(c->children); a && !bad; a = coco_xml_elem(a->next))
		bad = body_child(b, a) != 0;
	return bad ? -1 : 0;
}

/* The first of w's scheme ids that p does not recognise, or NULL. */
static const char *unknown_scheme(const struct coco_policy *p, const struct coco_words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (!coco_policy_scheme_known(p, w->v[i]))
			return w->v[i];
	return NULL;
}

/* After policy.xml: a body may name only a recognised scheme id (the schema checks the
 * form, the policy's table which ids exist). */
static enum coco_err parse_bodies(struct coco_ctx *ctx, const unsigned char *buf, size_t len,
				  const char *name, struct coco_policy *p)
{
	xmlDocPtr doc = NULL;
	xmlNode *c;
	const char *unknown = NULL;
	enum coco_err err;
	size_t n = 0;
	long line = 0;
	int bad = 0;

	err = read_valid(ctx, buf, len, name, &ctx->bodies_schema, coco_xsd_bodies, &doc);
	if (err != COCO_OK)
		return err;
	for (c = coco_xml_elem(xmlDocGetRootElement(doc)->children); c; c = coco_xml_elem(c->next))
		n++;
	if (n > 0 && (p->bodies = calloc(n, sizeof(*p->bodies))) == NULL)
		bad = 1;
	for (c = coco_xml_elem(xmlDocGetRootElement(doc)->children); c && !bad && !unknown;
	     c = coco_xml_elem(c->next)) {
		line = xmlGetLineNo(c);
		if ((bad = parse_body(c, &p->bodies[p->n_bodies++])) == 0)
			unknown = unknown_scheme(p, &p->bodies[p->n_bodies - 1].schemes);
	}
	xmlFreeDoc(doc);
	if (bad)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory loading '%s'", name);
	if (unknown != NULL)
		return coco_seterr(ctx, COCO_ERR_FORMAT,
				   "cannot load '%s' line %ld: body '%s' names the scheme '%s', "
				   "which is in neither policy.xml nor the built-in default policy",
				   name, line, p->bodies[p->n_bodies - 1].name, unknown);
	return COCO_OK;
}

/* ---- register snapshots (CSV) ----------------------------------------------------- */

struct csv {
	const char *p, *end;
	unsigned line;
};

/* A quoted field from just after its opening quote: the text with "" undoubled. */
static char *csv_quoted(struct csv *c, const char **why)
{
	const char *q = c->p;
	size_t n = 0, k = 0;
	char *out;

	for (;; q++, n++) { /* find the closing quote, counting the characters */
		if (q >= c->end) {
			*why = "unterminated quoted field";
			return NULL;
		}
		if (*q == '"' && (q + 1 >= c->end || q[1] != '"'))
			break;
		if (*q == '"')
			q++;
	}
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (; c->p < q; c->p++) {
		if (*c->p == '"')
			c->p++;
		out[k++] = *c->p;
	}
	out[k] = '\0';
	c->p = q + 1;
	return out;
}

/* An unquoted field, trimmed of spaces and tabs at both ends. */
static char *csv_plain(struct csv *c, const char **why)
{
	const char *start = c->p, *end;

	while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
		if (*c->p == '"') {
			*why = "a quote inside an unquoted field";
			return NULL;
		}
		c->p++;
	}
	end = c->p;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return coco_strndup(start, (size_t)(end - start));
}

/* Reads one field into a malloc'd string; sets *eol at the end of a record. NULL: bad. */
static char *csv_field(struct csv *c, int *eol, const char **why)
{
	char *out;

	*why = "out of memory";
	out = c->p < c->end && *c->p == '"' ? (c->p++, csv_quoted(c, why)) : csv_plain(c, why);
	if (out == NULL)
		return NULL;
	if (c->p < c->end && *c->p == '\r')
		c->p++;
	*eol = c->p >= c->end || *c->p == '\n';
	if (c->p < c->end && *c->p != ',' && *c->p != '\n') {
		*why = "text after a quoted field";
		free(out);
		return NULL;
	}
	if (c->p < c->end)
		c->p++;
	return out;
}

/* Reads one record of exactly 5 fields into f[]; 0, 1 at end of input, -1 bad. */
static int csv_record(struct csv *c, char *f[5], const char **why)
{
	int eol = 0, i;

	memset(f, 0, 5 * sizeof(*f));
	if (c->p >= c->end)
		return 1;
	c->line++;
	for (i = 0; i < 5 && !eol; i++)
		if ((f[i] = csv_field(c, &eol, why)) == NULL)
			return -1;
	if (i < 5 || !eol) {
		*why = i < 5 ? "fewer than 5 fields" : "more than 5 fields";
		return -1;
	}
	return 0;
}

static const char *register_row(struct coco_policy *p, char *f[5], const char *file, unsigned line)
{
	struct coco_register_row *r, *nr;
	size_t i;

	for (i = 0; i < 5; i++)
		if (f[i][0] == '\0')
			return "an empty field";
	if (!coco_policy_scheme_known(p, f[0]))
		return "the scheme must be a scheme id of policy.xml or of the built-in default "
		       "policy";
	if (p->n_rows == p->cap_rows) {
		size_t ncap = p->cap_rows ? p->cap_rows * 2 : 256;
		if ((nr = realloc(p->rows, ncap * sizeof(*nr))) == NULL)
			return "out of memory";
		p->rows = nr;
		p->cap_rows = ncap;
	}
	r = &p->rows[p->n_rows];
	memset(r, 0, sizeof(*r));
	if (coco_date_parse(f[3], &r->issued) != 0 || coco_date_parse(f[4], &r->expires) != 0)
		return "issued and expires must be YYYY-MM-DD dates";
	if ((r->file = coco_strndup(file, strlen(file))) == NULL)
		return "out of memory";
	r->scheme = f[0];
	r->number = f[1];
	r->holder = f[2];
	f[0] = f[1] = f[2] = NULL; /* transferred */
	r->line = line;
	p->n_rows++;
	return NULL;
}

/* name is the path, for errors; rel ("registers/X.csv") is what findings cite. */
static enum coco_err parse_register(struct coco_ctx *ctx, const unsigned char *buf, size_t len,
				    const char *name, const char *rel, struct coco_policy *p)
{
	static const char *const header[5] = {"scheme", "number", "holder", "issued", "expires"};
	struct csv c = {(const char *)buf, (const char *)buf + len, 0};
	const char *why = NULL;
	char *f[5];
	int rc, i;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		c.p += 3; /* a UTF-8 byte-order mark, as spreadsheet exports write */
	if (memchr(buf, '\0', len) != NULL)
		return coco_seterr(ctx, COCO_ERR_FORMAT, "cannot load '%s': a NUL byte", name);
	rc = csv_record(&c, f, &why);
	for (i = 0; rc == 0 && i < 5; i++)
		if (strcmp(f[i], header[i]) != 0) {
			why = "the header must be scheme,number,holder,issued,expires";
			rc = -1;
		}
	if (rc == 1) {
		why = "empty file: the header scheme,number,holder,issued,expires is missing";
		rc = -1;
	}
	while (rc == 0) {
		for (i = 0; i < 5; i++)
			free(f[i]);
		if ((rc = csv_record(&c, f, &why)) == 0 && p->n_rows >= ctx->limits.register_rows)
			rc = -2;
		else if (rc == 0 && (why = register_row(p, f, rel, c.line)) != NULL)
			rc = -1;
	}
	for (i = 0; i < 5; i++)
		free(f[i]);
	if (rc == -2)
		return coco_seterr(ctx, COCO_ERR_LIMIT,
				   "cannot load '%s' line %u: more than %zu rows in the registers",
				   name, c.line, ctx->limits.register_rows);
	if (rc < 0)
		return coco_seterr(ctx, COCO_ERR_FORMAT, "cannot load '%s' line %u: %s", name,
				   c.line, why);
	return COCO_OK;
}

static int csv_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".csv") == 0;
}

static enum coco_err load_registers(struct coco_ctx *ctx, const char *dir, struct coco_policy *p)
{
	struct dirent **names = NULL;
	char *folder = coco_asprintf("%s/registers", dir);
	enum coco_err err = COCO_OK;
	int i, n;

	if (folder == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if ((n = scandir(folder, &names, csv_name, alphasort)) < 0) {
		err = errno == ENOENT ? COCO_OK
				      : coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': %s",
						    folder, strerror(errno));
		n = 0;
	}
	if ((size_t)n > ctx->limits.trust_files)
		err = coco_seterr(ctx, COCO_ERR_LIMIT, "cannot load '%s': more than %zu files",
				  folder, ctx->limits.trust_files);
	for (i = 0; i < n; i++) {
		char *path = coco_asprintf("%s/%s", folder, names[i]->d_name);
		char *rel = coco_asprintf("registers/%s", names[i]->d_name);
		unsigned char *buf = NULL;
		size_t len = 0;

		if (err == COCO_OK && (path == NULL || rel == NULL))
			err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		if (err == COCO_OK &&
		    (err = coco_trust_file_read(ctx, path, &buf, &len)) == COCO_OK)
			err = parse_register(ctx, buf, len, path, rel, p);
		free(buf);
		free(path);
		free(rel);
		free(names[i]);
	}
	free(names);
	free(folder);
	return err;
}

/* ---- loading ----------------------------------------------------------------------- */

static enum coco_err load_optional(struct coco_ctx *ctx, const char *dir, const char *rel,
				   enum coco_err (*parse)(struct coco_ctx *, const unsigned char *,
							  size_t, const char *,
							  struct coco_policy *),
				   struct coco_policy *p, int *found)
{
	char *path = coco_asprintf("%s/%s", dir, rel);
	unsigned char *buf = NULL;
	size_t len = 0;
	struct stat st;
	enum coco_err err = COCO_OK;

	*found = 0;
	if (path == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (lstat(path, &st) == 0 || errno != ENOENT) {
		*found = 1;
		err = coco_trust_file_read(ctx, path, &buf, &len);
		if (err == COCO_OK) {
			err = parse(ctx, buf, len, path, p);
			if (err == COCO_OK && strcmp(rel, "policy.xml") == 0 &&
			    (p->source = coco_asprintf("the policy '%s'", path)) == NULL)
				err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		}
	}
	free(buf);
	free(path);
	return err;
}

/* Adds the ids of from's scheme table to p->known, each once. -1 on allocation failure. */
static int know_schemes(struct coco_policy *p, const struct coco_policy *from)
{
	const char *id;
	size_t i;

	for (i = 0; i < from->n_schemes; i++) {
		id = from->schemes[i].id;
		if (!coco_words_has(&p->known, id) &&
		    coco_words_push(&p->known, coco_strndup(id, strlen(id))) != 0)
			return -1;
	}
	return 0;
}

/* A trust directory's policy recognises its own scheme ids and the built-in default's,
 * so that dropping a default scheme makes it refused (evidence.scheme), not unknown. */
static enum coco_err know_default(struct coco_ctx *ctx, struct coco_policy *p)
{
	struct coco_policy *d = NULL;
	enum coco_err err = coco_policy_default(ctx, &d);

	if (err == COCO_OK && (know_schemes(p, p) != 0 || know_schemes(p, d) != 0))
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	coco_policy_free(d);
	return err;
}

enum coco_err coco_policy_default(struct coco_ctx *ctx, struct coco_policy **out)
{
	struct coco_policy *p = calloc(1, sizeof(*p));
	enum coco_err err;

	*out = NULL;
	if (p != NULL)
		p->refs = 1;
	if (p == NULL || (p->source = coco_asprintf("the built-in default policy")) == NULL) {
		coco_policy_free(p);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	err = parse_policy(ctx, coco_default_policy, coco_default_policy_len,
			   "built-in default policy", p);
	if (err == COCO_OK && know_schemes(p, p) != 0)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (err != COCO_OK) {
		coco_policy_free(p);
		return err;
	}
	*out = p;
	return COCO_OK;
}

enum coco_err coco_policy_load(struct coco_ctx *ctx, const char *dir, struct coco_policy **out)
{
	struct coco_policy *p = NULL;
	enum coco_err err;
	int found = 0;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	p->refs = 1;
	err = load_optional(ctx, dir, "policy.xml", parse_policy, p, &found);
	if (err == COCO_OK && found)
		err = know_default(ctx, p);
	if (err == COCO_OK && !found) {
		coco_policy_free(p);
		p = NULL;
		err = coco_policy_default(ctx, &p);
	}
	if (err == COCO_OK)
		err = load_optional(ctx, dir, "bodies/bodies.xml", parse_bodies, p, &found);
	if (err == COCO_OK)
		err = load_registers(ctx, dir, p);
	if (err != COCO_OK) {
		coco_policy_free(p);
		return err;
	}
	*out = p;
	return COCO_OK;
}

const struct coco_policy *coco_ctx_policy(struct coco_ctx *ctx)
{
	if (ctx->policy == NULL && coco_policy_default(ctx, &ctx->policy) != COCO_OK)
		return NULL;
	return ctx->policy;
}

/* ---- queries ------------------------------------------------------------------------ */

const struct coco_scheme_rule *coco_policy_scheme(const struct coco_policy *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n_schemes; i++)
		if (strcmp(p->schemes[i].id, id) == 0)
			return &p->schemes[i];
	return NULL;
}

int coco_policy_scheme_known(const struct coco_policy *p, const char *id)
{
	return coco_words_has(&p->known, id);
}

int coco_policy_country_allowed(const struct coco_policy *p, const char *code)
{
	return coco_words_has(&p->countries, code);
}

const struct coco_body *coco_policy_body(const struct coco_policy *p, const char *name,
					 const char *scheme, int *scheme_ok)
{
	char *norm = coco_norm_org(name);
	const struct coco_body *found = NULL;
	size_t i;

	*scheme_ok = 0;
	for (i = 0; norm != NULL && found == NULL && i < p->n_bodies; i++)
		if (coco_words_has(&p->bodies[i].names, norm))
			found = &p->bodies[i];
	if (found != NULL)
		*scheme_ok = coco_words_has(&found->schemes, scheme);
	free(norm);
	return found;
}

int coco_policy_has_register(const struct coco_policy *p, const char *scheme)
{
	size_t i;

	for (i = 0; i < p->n_rows; i++)
		if (strcmp(p->rows[i].scheme, scheme) == 0)
			return 1;
	return 0;
}

const struct coco_register_row *coco_policy_register_find(const struct coco_policy *p,
							  const char *scheme, const char *number)
{
	size_t i;

	for (i = 0; i < p->n_rows; i++)
		if (strcmp(p->rows[i].scheme, scheme) == 0 &&
		    strcmp(p->rows[i].number, number) == 0)
			return &p->rows[i];
	return NULL;
}
