/*
 * Re-verifying a register: every bundle verified in full on worker threads that share one
 * load of the trust store and policy, each judged into a row whose status says whether
 * someone has to act (coco.h, enum coco_rv_status). The status is read from the report as
 * data: the verdict, the decision in force, the earliest expiry, and the cause each stage
 * gave its findings (enum coco_cause), never their ids or messages.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "register/register.h"
#include "report/report.h"

#define MAX_JOBS 64u
#define DAY 86400

static const char *const status_names[COCO_RV_N_STATUS] = {
    [COCO_RV_FAILED] = "FAILED",
    [COCO_RV_REJECTED] = "REJECTED",
    [COCO_RV_EXPIRED] = "EXPIRED",
    [COCO_RV_REVOKED] = "REVOKED",
    [COCO_RV_INDETERMINATE] = "INDETERMINATE",
    [COCO_RV_EXPIRING] = "EXPIRING",
    [COCO_RV_OK] = "OK",
};

const char *coco_rv_status_name(enum coco_rv_status status)
{
	return (size_t)status < COCO_RV_N_STATUS ? status_names[status] : NULL;
}

long coco_rv_day(time_t t)
{
	return (long)(t / DAY - (t % DAY < 0));
}

/* ---- judging one bundle ------------------------------------------------------------- */

/* "id 'subject': message", as verify prints a finding. */
static char *describe(const struct coco_finding *f)
{
	return coco_asprintf("%s%s%s%s: %s", f->id, f->subject ? " '" : "",
			     f->subject ? f->subject : "", f->subject ? "'" : "", f->message);
}

/* The first finding of this status whose cause is, or is not, an expiry; NULL if none. */
static const struct coco_finding *first(const struct coco_report *r, enum coco_status st,
					int expiry)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->findings[i].status == st &&
		    (r->findings[i].cause == COCO_CAUSE_EXPIRY) == expiry)
			return &r->findings[i];
	return NULL;
}

/* The first finding with this cause, whatever its status; NULL if none. */
static const struct coco_finding *first_cause(const struct coco_report *r, enum coco_cause c)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->findings[i].cause == c)
			return &r->findings[i];
	return NULL;
}

/*
 * The status. Precedence FAILED > REJECTED > EXPIRED > REVOKED > INDETERMINATE > EXPIRING
 * > OK, where a failure or indeterminate result whose only cause is an expiry counts as
 * EXPIRED, and REJECTED is a bundle whose decision is a rejection: nothing to renew, and
 * never to be taken for an accepted one.
 */
static const struct coco_finding *classify(struct coco_rv_row *row, const struct coco_report *r,
					   long within)
{
	const struct coco_finding *fail = first(r, COCO_STATUS_FAIL, 0), *why = NULL;
	int expired = (row->has_expiry && row->days_left < 0) ||
		      first(r, COCO_STATUS_FAIL, 1) != NULL ||
		      first(r, COCO_STATUS_INDETERMINATE, 1) != NULL;

	if (fail != NULL || (!expired && row->verdict == COCO_VERDICT_FAILED)) {
		row->status = COCO_RV_FAILED;
		why = fail;
	} else if (row->decision == COCO_DECISION_REJECTED) {
		row->status = COCO_RV_REJECTED;
	} else if (expired) {
		row->status = COCO_RV_EXPIRED;
		why = first(r, COCO_STATUS_FAIL, 1);
		if (why == NULL)
			why = first(r, COCO_STATUS_INDETERMINATE, 1);
	} else if ((why = first_cause(r, COCO_CAUSE_REVOKED_LATER)) != NULL) {
		row->status = COCO_RV_REVOKED;
	} else if (row->verdict == COCO_VERDICT_INDETERMINATE) {
		row->status = COCO_RV_INDETERMINATE;
		why = first(r, COCO_STATUS_INDETERMINATE, 0);
	} else if (row->has_expiry && row->days_left <= within) {
		row->status = COCO_RV_EXPIRING;
	} else {
		row->status = COCO_RV_OK;
	}
	return why;
}

/* The latest sign-off that lapsed (its SIRO's certificate expired since); NULL if none. */
static const struct coco_report_signoff *lapsed(const struct coco_report *r)
{
	const struct coco_report_signoff *best = NULL;
	size_t i;

	for (i = 0; i < r->n_signoffs; i++)
		if (r->signoffs[i].lapsed && (best == NULL || r->signoffs[i].at > best->at))
			best = &r->signoffs[i];
	return best;
}

/* The decision to show: the one in force, else one recorded that can no longer be proven. */
static const char *decision(struct coco_rv_row *row, const struct coco_report *r)
{
	const struct coco_report_signoff *gone;
	const char *siro = NULL;

	row->decision = coco_report_decision(r, &siro, &row->decided_at);
	if (row->decision == COCO_DECISION_APPROVED || row->decision == COCO_DECISION_REJECTED)
		row->decision_state = COCO_RV_DECISION_IN_FORCE;
	else if (row->decision == COCO_DECISION_NONE && (gone = lapsed(r)) != NULL) {
		row->decision = gone->decision;
		row->decision_state = COCO_RV_DECISION_LAPSED;
		row->decided_at = gone->at;
		siro = gone->name;
	}
	return siro;
}

static int dup_into(char **dst, const char **view, const char *s)
{
	if (s == NULL)
		return 0;
	*view = *dst = coco_strndup(s, strlen(s));
	return *dst != NULL ? 0 : -1;
}

/* Fills the row from a report verify produced. -1 when out of memory. */
static int fill_row(struct coco_rv_item *it, const struct coco_report *r, time_t at, long within)
{
	struct coco_rv_row *row = &it->row;
	const struct coco_finding *why;
	const char *siro;
	char what[256];

	row->verified = 1;
	row->verdict = coco_report_verdict(r);
	siro = decision(row, r);
	row->has_expiry = coco_report_earliest_expiry(r, &row->expires, what, sizeof(what));
	if (row->has_expiry)
		row->days_left = coco_rv_day(row->expires) - coco_rv_day(at);
	why = classify(row, r, within);
	if (dup_into(&it->organisation, &row->organisation, coco_report_organisation(r)) != 0 ||
	    dup_into(&it->siro, &row->siro, siro) != 0 ||
	    dup_into(&it->expiring, &row->expiring, row->has_expiry ? what : NULL) != 0)
		return -1;
	if (why != NULL && (row->reason = it->reason = describe(why)) == NULL)
		return -1;
	return 0;
}

/* Verifies one bundle into its row. -1 only when out of memory. */
static int check_one(struct coco_ctx *ctx, struct coco_rv_item *it, time_t at, long within)
{
	struct coco_report *r = NULL;
	int rc;

	if (it->reason != NULL)
		return 0; /* found unreadable by the walk */
	if (coco_report_new(&r) != COCO_OK)
		return -1;
	if (coco_verify(ctx, it->path, r) != COCO_OK)
		rc = dup_into(&it->reason, &it->row.reason, coco_ctx_error(ctx));
	else
		rc = fill_row(it, r, at, within);
	coco_report_free(r);
	return rc;
}

/* ---- the workers ------------------------------------------------------------------- */

/* The work shared by the threads; next, done and nomem are guarded by lock. */
struct job {
	struct coco_register *reg;
	const struct coco_reverify_opts *opts;
	size_t next, done;
	int nomem;
	pthread_mutex_t lock;
};

struct worker {
	struct job *job;
	struct coco_ctx *ctx;
	pthread_t thread;
	int started;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct job *job = w->job;
	size_t i, n = job->reg->n;
	int rc;

	for (;;) {
		pthread_mutex_lock(&job->lock);
		i = job->nomem ? n : job->next++;
		pthread_mutex_unlock(&job->lock);
		if (i >= n)
			break;
		rc = check_one(w->ctx, &job->reg->v[i], job->reg->at, job->reg->within);
		pthread_mutex_lock(&job->lock);
		job->done++;
		if (rc != 0)
			job->nomem = 1;
		if (job->opts->progress != NULL)
			job->opts->progress(job->opts->progress_arg, job->done, n);
		pthread_mutex_unlock(&job->lock);
	}
	return NULL;
}

/* One context per worker, each sharing the trust store loaded once into base. */
static enum coco_err workers_new(struct worker *w, size_t n, struct job *job, struct coco_ctx *base)
{
	enum coco_err err;
	size_t i;

	for (i = 0; i < n; i++) {
		w[i].job = job;
		if (coco_ctx_new(&w[i].ctx) != COCO_OK)
			return coco_seterr(base, COCO_ERR_NOMEM, "out of memory");
		if ((err = coco_ctx_share_trust(w[i].ctx, base)) != COCO_OK)
			return coco_seterr(base, err, "%s", coco_ctx_error(w[i].ctx));
		coco_ctx_set_time(w[i].ctx, job->reg->at);
		/* the rows never show a bundle's own digest; the workers keep the cores busy */
		coco_ctx_set_options(w[i].ctx, COCO_OPT_NO_BUNDLE_DIGEST);
	}
	return COCO_OK;
}

/* Runs the workers: this thread is the first; a thread that cannot start is done without. */
static enum coco_err run_workers(struct job *job, struct coco_ctx *base, size_t n)
{
	struct worker w[MAX_JOBS];
	enum coco_err err;
	size_t i;

	memset(w, 0, sizeof(w));
	if ((err = workers_new(w, n, job, base)) == COCO_OK) {
		for (i = 1; i < n; i++)
			w[i].started = pthread_create(&w[i].thread, NULL, work, &w[i]) == 0;
		work(&w[0]);
		for (i = 1; i < n; i++)
			if (w[i].started)
				pthread_join(w[i].thread, NULL);
		if (job->nomem)
			err = coco_seterr(base, COCO_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < n; i++)
		coco_ctx_free(w[i].ctx);
	return err;
}

/* ---- the register ------------------------------------------------------------------ */

/* Most urgent first: status, then fewest days left (none last), then path. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct coco_rv_row *a = &((const struct coco_rv_item *)pa)->row;
	const struct coco_rv_row *b = &((const struct coco_rv_item *)pb)->row;

	if (a->status != b->status)
		return a->status < b->status ? -1 : 1;
	if (a->has_expiry != b->has_expiry)
		return a->has_expiry ? -1 : 1;
	if (a->has_expiry && a->days_left != b->days_left)
		return a->days_left < b->days_left ? -1 : 1;
	return strcmp(a->path, b->path);
}

enum coco_err coco_reverify(struct coco_ctx *ctx, struct coco_register *reg,
			    const struct coco_reverify_opts *opts)
{
	struct job job;
	size_t n = opts->jobs == 0 ? 1 : opts->jobs > MAX_JOBS ? MAX_JOBS : opts->jobs;
	enum coco_err err = COCO_OK;

	if (reg->ran)
		return coco_seterr(ctx, COCO_ERR_ARG, "the register was already re-verified");
	memset(&job, 0, sizeof(job));
	job.reg = reg;
	job.opts = opts;
	reg->at = coco_ctx_time(ctx); /* read once: every bundle is judged at the same time */
	reg->within = opts->within_days;
	if (pthread_mutex_init(&job.lock, NULL) != 0)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "cannot create a lock");
	if (reg->n > 0)
		err = run_workers(&job, ctx, n < reg->n ? n : reg->n);
	pthread_mutex_destroy(&job.lock);
	if (err != COCO_OK)
		return err;
	if (reg->n > 1)
		qsort(reg->v, reg->n, sizeof(*reg->v), cmp_rows);
	reg->ran = 1;
	return COCO_OK;
}

enum coco_rv_status coco_register_worst(const struct coco_register *reg)
{
	enum coco_rv_status worst = COCO_RV_OK;
	size_t i;

	for (i = 0; i < reg->n; i++)
		if (reg->v[i].row.status < worst)
			worst = reg->v[i].row.status;
	return worst;
}
