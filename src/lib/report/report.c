/*
 * The verification report: an ordered list of findings {status, id, subject, message},
 * the facts about the bundle (entries, digests, signatures) and the verdict derived
 * from the findings. Renders as text here; JSON, HTML and XML in report_json.c,
 * report_html.c and report_xml.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

enum coco_err coco_report_new(struct coco_report **out)
{
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? COCO_ERR_NOMEM : COCO_OK;
}

void coco_report_signature_clear(struct coco_report_signature *s)
{
	free(s->subject);
	free(s->common_name);
	free(s->organisation);
	free(s->org_id);
	free(s->issuer);
	free(s->serial);
	free(s->tsa);
	s->subject = s->common_name = s->organisation = s->org_id = s->issuer = s->serial = NULL;
	s->tsa = NULL;
	s->valid = s->value_ok = s->has_signing_time = s->has_timestamp = 0;
	memset(&s->outcome, 0, sizeof(s->outcome));
}

static void signature_release(struct coco_report_signature *s)
{
	free(s->manifest);
	free(s->file);
	coco_report_signature_clear(s);
}

void coco_report_free(struct coco_report *r)
{
	size_t i, k;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->findings[i].id);
		free(r->findings[i].subject);
		free(r->findings[i].message);
	}
	for (i = 0; i < r->n_entries; i++)
		free(r->entries[i].name);
	for (i = 0; i < r->n_sigs; i++)
		signature_release(&r->sigs[i]);
	for (i = 0; i < r->n_certs; i++) {
		free(r->certs[i].scheme);
		free(r->certs[i].number);
	}
	for (i = 0; i < r->n_schemes; i++) {
		free(r->schemes[i].id);
		free(r->schemes[i].name);
	}
	free(r->schemes);
	for (i = 0; i < r->n_elements; i++) {
		free(r->elements[i].id);
		free(r->elements[i].title);
		free(r->elements[i].statement);
		for (k = 0; k < r->elements[i].n_attest; k++)
			free(r->elements[i].attest[k].value);
	}
	for (i = 0; i < r->n_signoffs; i++) {
		free(r->signoffs[i].entry);
		free(r->signoffs[i].name);
		free(r->signoffs[i].comment);
		free(r->signoffs[i].verdict);
	}
	free(r->elements);
	free(r->signoffs);
	free(r->certs);
	free(r->organisation);
	free(r->director);
	coco_report_applicant_free(&r->applicant);
	free(r->findings);
	free(r->log);
	free(r->tally);
	free(r->entries);
	free(r->sigs);
	free(r->path);
	free(r);
}

/* Grows *arr (of elem-sized items) so that one more fits. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 16 : *cap * 2;
	p = realloc(*arr, ncap * elem);
	if (p == NULL)
		return -1;
	memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Records n more findings of this status for coco_report_verdict_since. */
static int log_status(struct coco_report *r, enum coco_status status, size_t n)
{
	size_t ncap = r->cap_log;
	unsigned char *p;

	if (r->n_log + n > ncap) {
		while (r->n_log + n > ncap)
			ncap = ncap == 0 ? 256 : ncap * 2;
		if ((p = realloc(r->log, ncap)) == NULL)
			return -1;
		r->log = p;
		r->cap_log = ncap;
	}
	memset(r->log + r->n_log, (int)status, n);
	r->n_log += n;
	return 0;
}

/* The index of the tally of (id, status, manual), or r->n_tally if there is none yet. */
static size_t tally_find(const struct coco_report *r, const char *id, enum coco_status status,
			 int manual)
{
	size_t i;

	for (i = r->n_tally; i-- > 0;) /* the latest first: a long run repeats one */
		if (r->tally[i].status == status && r->tally[i].manual == manual &&
		    strcmp(r->tally[i].id, id) == 0)
			return i;
	return r->n_tally;
}

/* Starts the tally of finding k's id, status and manual flag (borrowing its id). */
static int tally_new(struct coco_report *r, size_t k)
{
	struct coco_report_tally *t;

	if (grow((void **)&r->tally, &r->cap_tally, r->n_tally, sizeof(*r->tally)) != 0)
		return -1;
	t = &r->tally[r->n_tally++];
	t->id = r->findings[k].id;
	t->status = r->findings[k].status;
	t->manual = r->findings[k].manual;
	t->listed = 0;
	t->summary = SIZE_MAX;
	return 0;
}

static char *summary_message(size_t more)
{
	return coco_asprintf("and %zu more finding%s of this check and status, not listed (a "
			     "report lists the first %u of each)",
			     more, more == 1 ? "" : "s", COCO_REPORT_MAX_SAME);
}

/* Appends an empty finding at r->n (not yet counted); NULL when memory ran out. */
static struct coco_finding *next_finding(struct coco_report *r, enum coco_status status, int manual,
					 const char *id)
{
	struct coco_finding *f;

	if (grow((void **)&r->findings, &r->cap, r->n, sizeof(*r->findings)) != 0)
		return NULL;
	f = &r->findings[r->n];
	memset(f, 0, sizeof(*f));
	f->status = status;
	f->manual = manual;
	if ((f->id = coco_strndup(id, strlen(id))) == NULL)
		return NULL;
	return f;
}

/* Counts n more findings of tally t (r->n_tally: a new one) in its summary finding, made on
 * first use. */
static enum coco_err summarise(struct coco_report *r, size_t t, const char *id,
			       enum coco_status status, int manual, size_t n)
{
	int fresh = t == r->n_tally || r->tally[t].summary == SIZE_MAX;
	size_t more = fresh ? n : r->findings[r->tally[t].summary].more + n;
	struct coco_finding *f;
	char *msg;

	if ((msg = summary_message(more)) == NULL || log_status(r, status, n) != 0)
		goto nomem;
	if (!fresh) {
		f = &r->findings[r->tally[t].summary];
		free(f->message);
	} else {
		if ((f = next_finding(r, status, manual, id)) == NULL)
			goto nomem;
		if (t == r->n_tally && tally_new(r, r->n) != 0) {
			free(f->id);
			goto nomem;
		}
		r->tally[t].summary = r->n++;
	}
	f->message = msg;
	f->more = more;
	return COCO_OK;
nomem:
	free(msg);
	r->nomem = 1;
	return COCO_ERR_NOMEM;
}

static int same_text(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* 1 when f (at r->n, not yet counted) says word for word what one of the last
 * COCO_REPORT_REPEAT_WINDOW listed findings says: the same certificate checked for two
 * signatures (a SIRO's missing CRL, once per sign-off) is one thing to read. The window
 * keeps adding a finding O(1). */
#define COCO_REPORT_REPEAT_WINDOW 64
static int repeats(const struct coco_report *r, const struct coco_finding *f)
{
	size_t i, stop = r->n > COCO_REPORT_REPEAT_WINDOW ? r->n - COCO_REPORT_REPEAT_WINDOW : 0;

	for (i = r->n; i-- > stop;) {
		const struct coco_finding *g = &r->findings[i];
		if (g->status == f->status && g->manual == f->manual && g->more == 0 &&
		    strcmp(g->id, f->id) == 0 && same_text(g->subject, f->subject) &&
		    same_text(g->message, f->message))
			return 1;
	}
	return 0;
}

/* Adds one finding; manual marks a warn that asks for a person's judgement. Past
 * COCO_REPORT_MAX_SAME of its kind, it is only counted in the kind's summary, unless it is
 * manual: every manual check is one the SIRO must do, so each is listed with its subject
 * (their number is bounded by the entries a bundle may hold). */
static enum coco_err add_v(struct coco_report *r, enum coco_status status, int manual,
			   enum coco_cause cause, const char *id, const char *subject,
			   const char *fmt, va_list ap) COCO_PRINTF(7, 0);
static enum coco_err add_v(struct coco_report *r, enum coco_status status, int manual,
			   enum coco_cause cause, const char *id, const char *subject,
			   const char *fmt, va_list ap)
{
	size_t t = tally_find(r, id, status, manual);
	struct coco_finding *f;
	enum coco_err err;

	if (!manual && t < r->n_tally && r->tally[t].listed >= COCO_REPORT_MAX_SAME)
		return summarise(r, t, id, status, manual, 1);
	if ((f = next_finding(r, status, manual, id)) == NULL)
		goto nomem;
	f->cause = cause;
	f->message = coco_vasprintf(fmt, ap);
	f->subject = subject != NULL ? coco_strndup(subject, strlen(subject)) : NULL;
	if (f->message != NULL && (subject == NULL || f->subject != NULL) && repeats(r, f)) {
		/* counted for the verdicts, listed once */
		err = log_status(r, status, 1) != 0 ? COCO_ERR_NOMEM : COCO_OK;
		free(f->message);
		free(f->id);
		free(f->subject);
		memset(f, 0, sizeof(*f));
		if (err != COCO_OK)
			goto nomem;
		return COCO_OK;
	}
	if (f->message == NULL || (subject != NULL && f->subject == NULL) ||
	    log_status(r, status, 1) != 0 || (t == r->n_tally && tally_new(r, r->n) != 0)) {
		free(f->message);
		free(f->id);
		free(f->subject);
		goto nomem;
	}
	r->tally[t].listed++;
	r->n++;
	return COCO_OK;
nomem:
	r->nomem = 1;
	return COCO_ERR_NOMEM;
}

enum coco_err coco_report_add(struct coco_report *r, enum coco_status status, const char *id,
			      const char *subject, const char *fmt, ...)
{
	enum coco_err err;
	va_list ap;

	va_start(ap, fmt);
	err = add_v(r, status, 0, COCO_CAUSE_NONE, id, subject, fmt, ap);
	va_end(ap);
	return err;
}

enum coco_err coco_report_addv(struct coco_report *r, enum coco_status status, const char *id,
			       const char *subject, const char *fmt, va_list ap)
{
	return add_v(r, status, 0, COCO_CAUSE_NONE, id, subject, fmt, ap);
}

enum coco_err coco_report_add_manual(struct coco_report *r, const char *id, const char *subject,
				     const char *fmt, ...)
{
	enum coco_err err;
	va_list ap;

	va_start(ap, fmt);
	err = add_v(r, COCO_STATUS_WARN, 1, COCO_CAUSE_NONE, id, subject, fmt, ap);
	va_end(ap);
	return err;
}

/* Adds a copy of f (not a summary) to r. */
static enum coco_err add_copy(struct coco_report *r, const struct coco_finding *f, ...)
{
	enum coco_err err;
	va_list ap;

	va_start(ap, f);
	err = add_v(r, f->status, f->manual, f->cause, f->id, f->subject, "%s", ap);
	va_end(ap);
	return err;
}

enum coco_err coco_report_append(struct coco_report *dst, const struct coco_report *src)
{
	size_t i;
	enum coco_err err;

	for (i = 0; i < src->n; i++) {
		const struct coco_finding *f = &src->findings[i];
		if (f->more > 0)
			err = summarise(dst, tally_find(dst, f->id, f->status, f->manual), f->id,
					f->status, f->manual, f->more);
		else
			err = add_copy(dst, f, f->message);
		if (err != COCO_OK)
			return err;
	}
	if (src->nomem) {
		dst->nomem = 1;
		return COCO_ERR_NOMEM;
	}
	return COCO_OK;
}

int coco_report_failed(const struct coco_report *r)
{
	return r->nomem;
}

int coco_finding_manual(const struct coco_finding *f)
{
	return f->manual;
}

enum coco_cause coco_finding_cause(const struct coco_finding *f)
{
	return f->cause;
}

void coco_report_set_cause(struct coco_report *r, size_t from, enum coco_cause cause)
{
	size_t i;

	for (i = from; i < r->n; i++)
		r->findings[i].cause = cause;
}

size_t coco_finding_count(const struct coco_finding *f)
{
	return f->more > 0 ? f->more : 1;
}

void coco_report_set_lint(struct coco_report *r)
{
	r->lint = 1;
}

enum coco_err coco_report_set_summary(struct coco_report *r, const char *organisation,
				      const char *director)
{
	free(r->organisation);
	free(r->director);
	r->organisation = coco_strndup(organisation, strlen(organisation));
	r->director = coco_strndup(director, strlen(director));
	if (r->organisation == NULL || r->director == NULL) {
		r->nomem = 1;
		return COCO_ERR_NOMEM;
	}
	return COCO_OK;
}

enum coco_err coco_report_add_cert(struct coco_report *r, const char *scheme, const char *number,
				   long issued, long expires, const char *note)
{
	struct coco_report_cert *c;

	if (grow((void **)&r->certs, &r->cap_certs, r->n_certs, sizeof(*r->certs)) != 0)
		goto nomem;
	c = &r->certs[r->n_certs];
	c->scheme = coco_strndup(scheme, strlen(scheme));
	c->number = coco_strndup(number, strlen(number));
	c->issued = issued;
	c->expires = expires;
	c->note = note;
	if (c->scheme == NULL || c->number == NULL) {
		free(c->scheme);
		free(c->number);
		goto nomem;
	}
	r->n_certs++;
	return COCO_OK;
nomem:
	r->nomem = 1;
	return COCO_ERR_NOMEM;
}

enum coco_err coco_report_name_scheme(struct coco_report *r, const char *id, const char *name)
{
	struct coco_report_scheme *s;

	if (coco_report_scheme_name(r, id) != NULL)
		return COCO_OK;
	if (grow((void **)&r->schemes, &r->cap_schemes, r->n_schemes, sizeof(*r->schemes)) != 0)
		goto nomem;
	s = &r->schemes[r->n_schemes];
	s->id = coco_strndup(id, strlen(id));
	s->name = coco_strndup(name, strlen(name));
	if (s->id == NULL || s->name == NULL) {
		free(s->id);
		free(s->name);
		goto nomem;
	}
	r->n_schemes++;
	return COCO_OK;
nomem:
	r->nomem = 1;
	return COCO_ERR_NOMEM;
}

const char *coco_report_scheme_name(const struct coco_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n_schemes; i++)
		if (strcmp(r->schemes[i].id, id) == 0)
			return r->schemes[i].name;
	return NULL;
}

static char *dup_or_null(const char *s, int *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = coco_strndup(s, strlen(s))) == NULL)
		*bad = 1;
	return d;
}

enum coco_err coco_report_add_element(struct coco_report *r, const char *id, const char *title,
				      const char *statement, int to_read)
{
	struct coco_report_element *e;
	int bad = 0;

	if (grow((void **)&r->elements, &r->cap_elements, r->n_elements, sizeof(*r->elements)) !=
	    0) {
		r->nomem = 1;
		return COCO_ERR_NOMEM;
	}
	e = &r->elements[r->n_elements];
	e->id = dup_or_null(id, &bad);
	e->title = dup_or_null(title, &bad);
	e->statement = dup_or_null(statement ? statement : "", &bad);
	e->to_read = to_read;
	e->n_attest = 0;
	if (bad) {
		free(e->id);
		free(e->title);
		free(e->statement);
		r->nomem = 1;
		return COCO_ERR_NOMEM;
	}
	r->n_elements++;
	return COCO_OK;
}

enum coco_err coco_report_element_attest(struct coco_report *r, const char *key, const char *label,
					 const char *value)
{
	struct coco_report_element *e;
	int bad = 0;

	if (r->n_elements == 0 || value == NULL)
		return COCO_OK;
	e = &r->elements[r->n_elements - 1];
	if (e->n_attest == COCO_REPORT_ATTESTS)
		return COCO_OK;
	e->attest[e->n_attest].value = dup_or_null(value, &bad);
	if (bad) {
		r->nomem = 1;
		return COCO_ERR_NOMEM;
	}
	e->attest[e->n_attest].key = key;
	e->attest[e->n_attest].label = label;
	e->n_attest++;
	return COCO_OK;
}

struct coco_report_signoff *coco_report_add_signoff(struct coco_report *r, const char *entry,
						    enum coco_decision decision, const char *name,
						    const char *comment, time_t at,
						    const char *verdict)
{
	struct coco_report_signoff *s;
	int bad = 0;

	if (grow((void **)&r->signoffs, &r->cap_signoffs, r->n_signoffs, sizeof(*r->signoffs)) !=
	    0) {
		r->nomem = 1;
		return NULL;
	}
	s = &r->signoffs[r->n_signoffs];
	memset(s, 0, sizeof(*s));
	s->entry = dup_or_null(entry, &bad);
	s->name = dup_or_null(name, &bad);
	s->comment = dup_or_null(comment, &bad);
	s->verdict = dup_or_null(verdict, &bad);
	s->decision = decision;
	s->at = at;
	if (bad) {
		free(s->entry);
		free(s->name);
		free(s->comment);
		free(s->verdict);
		r->nomem = 1;
		return NULL;
	}
	r->n_signoffs++;
	return s;
}

const char *coco_decision_name(enum coco_decision d)
{
	switch (d) {
	case COCO_DECISION_APPROVED:
		return "approved";
	case COCO_DECISION_REJECTED:
		return "rejected";
	case COCO_DECISION_UNDETERMINED:
		return "undetermined";
	case COCO_DECISION_NONE:
		break;
	}
	return "none";
}

const char *coco_report_organisation(const struct coco_report *r)
{
	return r->organisation;
}

const struct coco_report_signoff *coco_report_in_force(const struct coco_report *r)
{
	const struct coco_report_signoff *found = NULL;
	size_t i;

	for (i = 0; i < r->n_signoffs; i++) {
		if (!r->signoffs[i].stands)
			continue;
		if (found != NULL)
			return NULL; /* several stand: undetermined */
		found = &r->signoffs[i];
	}
	return found;
}

enum coco_decision coco_report_decision(const struct coco_report *r, const char **siro, time_t *at)
{
	const struct coco_report_signoff *s = coco_report_in_force(r);
	enum coco_decision d = COCO_DECISION_NONE;
	size_t i;

	for (i = 0; s == NULL && i < r->n_signoffs; i++)
		if (r->signoffs[i].stands)
			d = COCO_DECISION_UNDETERMINED;
	if (siro != NULL)
		*siro = s != NULL ? s->name : NULL;
	if (at != NULL)
		*at = s != NULL ? s->at : 0;
	return s != NULL ? s->decision : d;
}

/* The earliest expiry among the baseline certificates and the signers' certificates that
 * no valid approval covers, into *when, with what it is into what; 0 when there is none. */
int coco_report_earliest_expiry(const struct coco_report *r, time_t *when, char *what,
				size_t what_size)
{
	int found = 0;
	size_t i;

	for (i = 0; i < r->n_certs; i++) {
		time_t t = (time_t)r->certs[i].expires * 86400;
		if (found && t >= *when)
			continue;
		*when = t;
		found = 1;
		if (what != NULL && what_size > 0)
			snprintf(what, what_size, "%s certificate %s", r->certs[i].scheme,
				 r->certs[i].number);
	}
	for (i = 0; i < r->n_sigs; i++) {
		const struct coco_report_signature *s = &r->sigs[i];
		/* A signature that a valid approval covers no longer depends on its certificate;
		 * SIA's own certificates count: a sign-off stands only while its SIRO's certificate
		 * does (SIA signs off again, with a current certificate, before it ends). */
		/* A timestamp proves the signature until its TSA's certificate ends; after that
		 * the signer's own certificate must still hold. */
		int tsa = s->has_timestamp && s->tsa_not_after > s->not_after;
		time_t t = tsa ? s->tsa_not_after : s->not_after;
		/* an archive timestamp proves it until its own TSA's certificate ends */
		int arch = s->archived && r->archive_token[0] != '\0' && r->archive_until > t;
		if (arch)
			t = r->archive_until;
		if (s->subject == NULL || s->proven || (found && t >= *when))
			continue;
		*when = t;
		found = 1;
		if (what != NULL && what_size > 0 && arch)
			snprintf(what, what_size,
				 "TSA certificate of the newest archive timestamp '%s' (timestamp "
				 "again before)",
				 r->archive_token);
		else if (what != NULL && what_size > 0)
			snprintf(what, what_size, "%s%s certificate of %s",
				 tsa ? "timestamp (TSA) for the " : "",
				 s->role == COCO_SIG_SIRO ? "SIRO signing" : "signing",
				 s->common_name ? s->common_name : s->subject);
	}
	return found;
}

enum coco_verdict coco_report_verdict(const struct coco_report *r)
{
	/* An empty report proves nothing. */
	if (r->n == 0 && !r->nomem)
		return COCO_VERDICT_INDETERMINATE;
	return coco_report_verdict_since(r, 0);
}

size_t coco_report_mark(const struct coco_report *r)
{
	return r->n_log;
}

enum coco_verdict coco_report_verdict_since(const struct coco_report *r, size_t mark)
{
	enum coco_verdict v = COCO_VERDICT_PASSED;
	size_t i;

	if (r->nomem)
		return COCO_VERDICT_FAILED;
	for (i = mark; i < r->n_log; i++) {
		if (r->log[i] == COCO_STATUS_FAIL)
			return COCO_VERDICT_FAILED;
		if (r->log[i] == COCO_STATUS_INDETERMINATE)
			v = COCO_VERDICT_INDETERMINATE;
	}
	return v;
}

const char *coco_verdict_name(enum coco_verdict v)
{
	switch (v) {
	case COCO_VERDICT_PASSED:
		return "PASSED";
	case COCO_VERDICT_FAILED:
		return "FAILED";
	case COCO_VERDICT_INDETERMINATE:
		break;
	}
	return "INDETERMINATE";
}

const char *coco_status_name(enum coco_status s)
{
	static const char *const names[] = {"pass", "info", "warn", "indeterminate", "fail"};

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "fail";
}

size_t coco_report_count(const struct coco_report *r)
{
	return r->n;
}

const struct coco_finding *coco_report_get(const struct coco_report *r, size_t i)
{
	return i < r->n ? &r->findings[i] : NULL;
}

const struct coco_finding *coco_report_find(const struct coco_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return &r->findings[i];
	return NULL;
}

enum coco_status coco_finding_status(const struct coco_finding *f)
{
	return f->status;
}

const char *coco_finding_id(const struct coco_finding *f)
{
	return f->id;
}

const char *coco_finding_subject(const struct coco_finding *f)
{
	return f->subject;
}

const char *coco_finding_message(const struct coco_finding *f)
{
	return f->message;
}

enum coco_err coco_report_set_bundle(struct coco_report *r, const char *path, uint64_t size,
				     time_t at)
{
	free(r->path);
	r->path = coco_strndup(path, strlen(path));
	r->size = size;
	r->at = at;
	return r->path == NULL ? COCO_ERR_NOMEM : COCO_OK;
}

void coco_report_set_bundle_sha256(struct coco_report *r, const char *hex)
{
	snprintf(r->sha256, sizeof(r->sha256), "%s", hex);
}

struct coco_report_entry *coco_report_add_entry(struct coco_report *r, const char *name)
{
	struct coco_report_entry *e;

	if (grow((void **)&r->entries, &r->cap_entries, r->n_entries, sizeof(*r->entries)) != 0)
		return NULL;
	e = &r->entries[r->n_entries];
	memset(e, 0, sizeof(*e));
	if ((e->name = coco_strndup(name, strlen(name))) == NULL)
		return NULL;
	r->n_entries++;
	return e;
}

size_t coco_report_signature_count(const struct coco_report *r)
{
	return r->n_sigs;
}

const struct coco_report_signature *coco_report_signature_at(const struct coco_report *r, size_t i)
{
	return i < r->n_sigs ? &r->sigs[i] : NULL;
}

size_t coco_report_entry_count(const struct coco_report *r)
{
	return r->n_entries;
}

struct coco_report_entry *coco_report_entry_at(const struct coco_report *r, size_t i)
{
	return i < r->n_entries ? &r->entries[i] : NULL;
}

struct coco_report_signature *coco_report_add_signature(struct coco_report *r)
{
	struct coco_report_signature *s;

	if (grow((void **)&r->sigs, &r->cap_sigs, r->n_sigs, sizeof(*r->sigs)) != 0)
		return NULL;
	s = &r->sigs[r->n_sigs++];
	memset(s, 0, sizeof(*s));
	return s;
}

/* ---- rendering (JSON in report_json.c) ---------------------------------------- */

static const char *status_color(enum coco_status s)
{
	switch (s) {
	case COCO_STATUS_PASS:
		return "\033[32m";
	case COCO_STATUS_WARN:
		return "\033[33m";
	case COCO_STATUS_INDETERMINATE:
		return "\033[35m";
	case COCO_STATUS_FAIL:
		return "\033[31m";
	case COCO_STATUS_INFO:
		break;
	}
	return "\033[36m";
}

static void text_signature(struct coco_buf *b, const struct coco_report_signature *s)
{
	char t1[21], t2[21];

	coco_buf_str(b, "signature  ");
	coco_buf_safe(b, s->file ? s->file : "?", COCO_BUF_TEXT);
	coco_buf_str(b, s->role == COCO_SIG_SIRO ? " (sign-off, over " : " (over ");
	coco_buf_safe(b, s->manifest ? s->manifest : "?", COCO_BUF_TEXT);
	coco_buf_str(b, ")\n");
	if (s->subject != NULL) {
		coco_buf_str(b, "  signer   ");
		coco_buf_safe(b, s->subject, COCO_BUF_TEXT);
		coco_buf_str(b, "\n  issuer   ");
		coco_buf_safe(b, s->issuer ? s->issuer : "?", COCO_BUF_TEXT);
		coco_buf_printf(b, "\n  serial   %s\n", s->serial ? s->serial : "?");
		coco_buf_printf(b, "  validity %s .. %s\n", coco_time_format(s->not_before, t1),
				coco_time_format(s->not_after, t2));
	}
	if (s->has_signing_time)
		coco_buf_printf(b, "  signed   %s (the signer's claim)\n",
				coco_time_format(s->signing_time, t1));
	if (s->has_timestamp) {
		coco_buf_printf(b, "  proven   %s (RFC 3161 timestamp by ",
				coco_time_format(s->timestamp_time, t1));
		coco_buf_safe(b, s->tsa ? s->tsa : "?", COCO_BUF_TEXT);
		coco_buf_str(b, ")\n");
	}
}

static void render_inspect_text(struct coco_buf *b, const struct coco_report *r)
{
	size_t i;

	coco_buf_str(b, "bundle     ");
	coco_buf_safe(b, r->path ? r->path : "-", COCO_BUF_TEXT);
	coco_buf_printf(b, "\nsize       %llu bytes\nsha256     %s\n", (unsigned long long)r->size,
			r->sha256[0] ? r->sha256 : "-");
	coco_buf_printf(b, "entries    %zu\n", r->n_entries);
	for (i = 0; i < r->n_entries; i++) {
		const struct coco_report_entry *e = &r->entries[i];

		coco_buf_printf(b, "  %12llu  %-7s  %s  ", (unsigned long long)e->size,
				e->is_dir        ? "dir"
				: e->method == 8 ? "deflate"
						 : "stored",
				e->sha256[0] ? e->sha256 : "-");
		coco_buf_safe(b, e->name, COCO_BUF_TEXT);
		coco_buf_str(b, "\n");
	}
	for (i = 0; i < r->n_sigs; i++)
		text_signature(b, &r->sigs[i]);
	if (r->n_sigs == 0)
		coco_buf_str(b, "signature  none found\n");
}

/* The SIRO's comment under the decision, each of its lines indented (controls in a line
 * become '?'). */
static void text_comment(struct coco_buf *b, const char *comment)
{
	const char *line = comment, *nl;

	coco_buf_str(b, "  comment     ");
	while ((nl = strchr(line, '\n')) != NULL) {
		char *part = coco_strndup(line, (size_t)(nl - line));
		if (part == NULL) {
			b->failed = 1;
			return;
		}
		coco_buf_safe(b, part, COCO_BUF_TEXT);
		free(part);
		coco_buf_str(b, "\n              ");
		line = nl + 1;
	}
	coco_buf_safe(b, line, COCO_BUF_TEXT);
	coco_buf_str(b, "\n");
}

/* The sign-off in force, as the summary's last lines (with the SIRO's comment). */
static void text_signoff(struct coco_buf *b, const struct coco_report *r)
{
	const struct coco_report_signoff *s;
	const char *name = NULL;
	time_t at = 0;
	char tb[21];
	enum coco_decision d = coco_report_decision(r, &name, &at);

	if (d == COCO_DECISION_NONE)
		return;
	if (d == COCO_DECISION_UNDETERMINED) {
		coco_buf_str(b, "signed off    undetermined: no sign-off is in force\n");
		return;
	}
	coco_buf_printf(b, "signed off    %s by ", coco_decision_name(d));
	coco_buf_safe(b, name ? name : "?", COCO_BUF_TEXT);
	coco_buf_printf(b, " on %s\n", coco_time_format(at, tb));
	if ((s = coco_report_in_force(r)) != NULL && s->comment != NULL)
		text_comment(b, s->comment);
}

/* The decision in force in capitals beside the verdict, so that a PASSED bundle that SIA
 * rejected cannot be read as accepted. Nothing when there is no sign-off. */
static void text_decision(struct coco_buf *b, const struct coco_report *r, int color)
{
	const char *name = NULL;
	time_t at = 0;
	char tb[21];
	enum coco_decision d = coco_report_decision(r, &name, &at);

	if (d == COCO_DECISION_NONE)
		return;
	coco_buf_printf(b, "decision   %s%s%s",
			!color                        ? ""
			: d == COCO_DECISION_APPROVED ? "\033[1;32m"
			: d == COCO_DECISION_REJECTED ? "\033[1;31m"
						      : "\033[1;35m",
			d == COCO_DECISION_APPROVED   ? "APPROVED"
			: d == COCO_DECISION_REJECTED ? "REJECTED"
						      : "UNDETERMINED",
			color ? "\033[0m" : "");
	if (d == COCO_DECISION_UNDETERMINED) {
		coco_buf_str(b, ": valid sign-offs stand side by side (signoff.ambiguous)\n");
		return;
	}
	coco_buf_str(b, " by ");
	coco_buf_safe(b, name ? name : "?", COCO_BUF_TEXT);
	coco_buf_printf(b, " on %s\n", coco_time_format(at, tb));
}

static void text_summary(struct coco_buf *b, const struct coco_report *r)
{
	char db[16];
	size_t i;

	if (r->organisation == NULL) {
		text_signoff(b, r);
		return;
	}
	coco_buf_str(b, "organisation  ");
	coco_buf_safe(b, r->organisation, COCO_BUF_TEXT);
	coco_buf_str(b, "\ndirector      ");
	coco_buf_safe(b, r->director, COCO_BUF_TEXT);
	coco_buf_str(b, "\n");
	for (i = 0; i < r->n_certs; i++) {
		const struct coco_report_cert *c = &r->certs[i];
		long left = c->expires - coco_day_of(r->at);
		coco_buf_str(b, "certificate   ");
		coco_buf_safe(b, c->scheme, COCO_BUF_TEXT);
		coco_buf_str(b, " ");
		coco_buf_safe(b, c->number, COCO_BUF_TEXT);
		coco_buf_printf(b, ", expires %s (", coco_date_format(c->expires, db));
		if (left >= 0)
			coco_buf_printf(b, "%ld day%s left)", left, left == 1 ? "" : "s");
		else
			coco_buf_printf(b, "expired %ld day%s ago)", -left, left == -1 ? "" : "s");
		coco_buf_printf(b, "%s%s\n", c->note ? ": " : "", c->note ? c->note : "");
	}
	text_signoff(b, r);
}

static void text_finding(struct coco_buf *b, const struct coco_finding *f, int color)
{
	coco_buf_printf(b, "%s%-13s%s %s", color ? status_color(f->status) : "",
			coco_status_name(f->status), color ? "\033[0m" : "", f->id);
	if (f->subject != NULL) {
		coco_buf_str(b, " '");
		coco_buf_safe(b, f->subject, COCO_BUF_TEXT);
		coco_buf_str(b, "'");
	}
	coco_buf_str(b, ": ");
	coco_buf_safe(b, f->message, COCO_BUF_TEXT);
	coco_buf_str(b, "\n");
}

static void text_manual(struct coco_buf *b, const struct coco_report *r, int color)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->findings[i].manual != 0;
	if (r->organisation == NULL && n == 0)
		return;
	coco_buf_printf(b, "\nManual checks for the SIRO (%zu)\n", n);
	for (i = 0; i < r->n; i++)
		if (r->findings[i].manual)
			text_finding(b, &r->findings[i], color);
}

static void render_text(struct coco_buf *b, const struct coco_report *r, unsigned flags)
{
	int color = (flags & COCO_RENDER_COLOR) != 0;
	enum coco_verdict v = coco_report_verdict(r);
	char tb[21];
	size_t i;

	coco_buf_str(b, r->lint ? "folder     " : "bundle     ");
	coco_buf_safe(b, r->path ? r->path : "-", COCO_BUF_TEXT);
	coco_buf_printf(b, "\n%s at %s\n", r->lint ? "checked   " : "verified  ",
			coco_time_format(r->at, tb));
	for (i = 0; i < r->n_sigs; i++)
		text_signature(b, &r->sigs[i]);
	text_summary(b, r);
	coco_buf_str(b, "\n");
	for (i = 0; i < r->n; i++)
		text_finding(b, &r->findings[i], color);
	text_manual(b, r, color);
	coco_buf_printf(b, "\nverdict    %s%s%s\n",
			color ? (v == COCO_VERDICT_PASSED   ? "\033[1;32m"
				 : v == COCO_VERDICT_FAILED ? "\033[1;31m"
							    : "\033[1;35m")
			      : "",
			coco_verdict_name(v), color ? "\033[0m" : "");
	if (!r->lint)
		text_decision(b, r, color);
}

enum coco_err coco_report_render(const struct coco_report *r, enum coco_format format,
				 unsigned flags, char **out, size_t *out_len)
{
	struct coco_buf b = {NULL, 0, 0, 0};

	*out = NULL;
	if (out_len != NULL)
		*out_len = 0;
	if (format == COCO_FORMAT_JSON)
		coco_render_json(&b, r, flags);
	else if (format == COCO_FORMAT_HTML)
		coco_render_html(&b, r, flags);
	else if (format == COCO_FORMAT_XML)
		coco_render_xml(&b, r, flags);
	else if (flags & COCO_RENDER_INSPECT)
		render_inspect_text(&b, r);
	else
		render_text(&b, r, flags);
	if (b.failed || b.p == NULL) {
		free(b.p);
		return COCO_ERR_NOMEM;
	}
	*out = b.p;
	if (out_len != NULL)
		*out_len = b.len;
	return COCO_OK;
}
