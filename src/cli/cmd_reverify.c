/*
 * coco-bundle reverify PATH... [--within DAYS] [--trust DIR] [--at TIME]
 *                     [--format text|json|csv] [-o FILE] [-j N]
 * Re-verifies every accepted bundle of a register in one process: it walks the PATHs for
 * *.coco files (sorted, links to folders not followed, temporary and partial files
 * skipped), verifies each in full on N worker threads that share one load of the trust
 * store and policy, and prints one row per bundle, most urgent first, with a status that
 * says whether someone has to act: FAILED, REJECTED, EXPIRED, INDETERMINATE, EXPIRING or
 * OK. The exit status is the worst row's (1 FAILED, REJECTED or EXPIRED, 3 INDETERMINATE,
 * 4 EXPIRING, 0 OK).
 */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define EXIT_EXPIRING 4
#define MAX_JOBS 64
#define MAX_WITHIN 36500
#define DAY 86400

static const char reverify_help[] =
    "usage: coco-bundle reverify PATH... [--within DAYS] [--trust DIR] [--at TIME]\n"
    "                            [--format text|json|csv] [-o FILE] [-j N]\n"
    "\n"
    "Re-verify every bundle in a register: each PATH is a bundle or a folder searched\n"
    "recursively for *.coco files (links to folders are not followed; names starting\n"
    "with '.', such as the temporary files create and -o write, are skipped). Prints one\n"
    "row per bundle, most urgent first: the status, days left, the earliest expiry among\n"
    "the evidence and signing certificates, the verdict, the sign-off decision in force\n"
    "and the organisation. Statuses: FAILED, REJECTED (the decision in force is a\n"
    "rejection), EXPIRED, INDETERMINATE, EXPIRING (within DAYS), OK.\n"
    "\n"
    "  --within DAYS      EXPIRING when DAYS or fewer are left (default 60)\n"
    "  --trust DIR        trust directory (default: $COCO_TRUST, else the installed one)\n"
    "  --at TIME          verification time: YYYY-MM-DD or RFC 3339 (default: now)\n"
    "  --format FORMAT    text (default), json or csv\n"
    "  -o, --output FILE  write the table to FILE atomically ('-' for stdout; never a\n"
    "                     bundle it reads)\n"
    "  -j, --jobs N       verify N bundles at a time (default: online CPUs, at most 64)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 all OK, 1 any FAILED, REJECTED or EXPIRED, 3 any INDETERMINATE and\n"
    "nothing worse, 4 any EXPIRING and nothing worse, 2 usage or I/O error.\n";

static const struct option reverify_opts[] = {
    {"within", required_argument, NULL, 'w'}, {"trust", required_argument, NULL, 't'},
    {"at", required_argument, NULL, 'a'},     {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'}, {"jobs", required_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
};

/* In order of urgency: the sort order, and the worst one decides the exit status. */
enum rv_status { RV_FAILED, RV_REJECTED, RV_EXPIRED, RV_INDETERMINATE, RV_EXPIRING, RV_OK, RV_N };

static const struct {
	const char *name;
	int exit;
} statuses[RV_N] = {
    [RV_FAILED] = {"FAILED", EXIT_FAILED},
    [RV_REJECTED] = {"REJECTED", EXIT_FAILED},
    [RV_EXPIRED] = {"EXPIRED", EXIT_FAILED},
    [RV_INDETERMINATE] = {"INDETERMINATE", EXIT_INDETERMINATE},
    [RV_EXPIRING] = {"EXPIRING", EXIT_EXPIRING},
    [RV_OK] = {"OK", EXIT_PASSED},
};

enum rv_format { RV_TEXT, RV_JSON, RV_CSV };

static const char *const format_names[] = {
    [RV_TEXT] = "text", [RV_JSON] = "json", [RV_CSV] = "csv"};

/* One bundle's result. Strings are malloc'd; NULL where there is nothing to say. */
struct row {
	char *path;
	enum rv_status status;
	int verified; /* coco_verify ran: verdict, organisation and the rest are meaningful */
	enum coco_verdict verdict;
	char *organisation;
	enum coco_decision decision;
	char *siro;
	time_t decided_at;
	int has_expiry;
	time_t expires;
	long days_left;
	char what[256]; /* what expires first */
	char *reason;   /* why FAILED, EXPIRED or INDETERMINATE; or the error */
};

struct rows {
	struct row *v;
	size_t n, cap;
};

/* The work shared by the threads; next, done and nomem are guarded by lock. */
struct job {
	struct rows *rows;
	time_t at;
	long within;
	int progress; /* stderr is a terminal */
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

/* ---- small helpers ----------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static long day_of(time_t t)
{
	return (long)(t / DAY - (t % DAY < 0));
}

/* Parses a whole decimal number in [lo, hi]; 0 or -1. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi || s[0] == '+' ||
	    s[0] == ' ')
		return -1;
	*out = v;
	return 0;
}

static void row_release(struct row *row)
{
	free(row->path);
	free(row->organisation);
	free(row->siro);
	free(row->reason);
}

static void rows_free(struct rows *rows)
{
	size_t i;

	for (i = 0; i < rows->n; i++)
		row_release(&rows->v[i]);
	free(rows->v);
	rows->v = NULL;
	rows->n = rows->cap = 0;
}

/* Appends a row for path (copied) with an optional error that fails it unverified. */
static int rows_add(struct rows *rows, const char *path, const char *error)
{
	struct row *row;

	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? 2 * rows->cap : 64;
		struct row *v = realloc(rows->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		rows->v = v;
		rows->cap = cap;
	}
	row = &rows->v[rows->n];
	memset(row, 0, sizeof(*row));
	row->path = strdup(path);
	row->reason = dup_or_null(error);
	if (row->path == NULL || (error != NULL && row->reason == NULL)) {
		row_release(row);
		return -1;
	}
	row->status = RV_FAILED;
	rows->n++;
	return 0;
}

/* ---- finding the bundles ------------------------------------------------------------- */

/*
 * A name the walk verifies: it ends in ".coco" and does not start with '.'. That skips
 * the temporary files and folders every writer uses (".coco-tmp-NAME.XXXXXX", util.c
 * coco_tmp_open and coco_tmpdir_open), including those a killed run left behind,
 * editors' and downloaders' partial files (".tmp", ".part", "~" endings never end in
 * ".coco") and hidden files.
 */
static int is_bundle_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".coco") == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir except . and .., sorted bytewise. *out is NULL on error (errno set). */
static int list_dir(const char *dir, char ***out, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	int rc = -1;

	*out = NULL;
	*count = 0;
	if (d == NULL)
		return -1;
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto out;
			v = nv;
		}
		if ((v[n] = strdup(e->d_name)) == NULL)
			goto out;
		n++;
	}
	if (errno != 0)
		goto out;
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	*count = n;
	v = NULL; /* transferred */
	rc = 0;
out:
	while (v != NULL && n > 0)
		free(v[--n]);
	free(v);
	closedir(d);
	return rc;
}

static int walk(struct rows *rows, const char *dir);

/* One name found in a folder: recurse into a real folder, add a bundle, ignore the rest. */
static int walk_entry(struct rows *rows, const char *path, const char *name)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return rows_add(rows, path, strerror(errno)); /* vanished or unreadable */
	if (S_ISDIR(st.st_mode))
		return name[0] == '.' ? 0 : walk(rows, path); /* hidden folders are skipped too */
	if (!is_bundle_name(name))
		return 0;
	if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
		return rows_add(rows, path, "a link to nothing readable");
	if (S_ISDIR(st.st_mode))
		return 0; /* a link to a folder: not followed */
	if (!S_ISREG(st.st_mode))
		return rows_add(rows, path, "not a regular file");
	return rows_add(rows, path, NULL);
}

/* Adds every bundle below dir, in sorted order; an unreadable folder is a FAILED row. */
static int walk(struct rows *rows, const char *dir)
{
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (list_dir(dir, &names, &n) != 0) {
		char msg[300];
		snprintf(msg, sizeof(msg), "cannot read folder: %s", strerror(errno));
		return rows_add(rows, dir, msg);
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(dir);
		char *path = malloc(len + strlen(names[i]) + 2);
		if (rc == 0 && path == NULL)
			rc = -1;
		if (rc == 0) {
			snprintf(path, len + strlen(names[i]) + 2, "%s%s%s", dir,
				 len > 0 && dir[len - 1] == '/' ? "" : "/", names[i]);
			rc = walk_entry(rows, path, names[i]);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* A PATH named on the command line: a bundle whatever its name, or a folder to walk. */
static int add_arg(struct rows *rows, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return cli_error("cannot open '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)
		? walk(rows, path) != 0
		: rows_add(rows, path, S_ISREG(st.st_mode) ? NULL : "not a regular file") != 0)
		return cli_error("out of memory");
	return 0;
}

static int cmp_path(const void *pa, const void *pb)
{
	return strcmp(((const struct row *)pa)->path, ((const struct row *)pb)->path);
}

/* A bundle named twice (a file and its folder, or a folder twice) is verified once. */
static void dedupe(struct rows *rows)
{
	size_t i, n = 0;

	if (rows->n > 1)
		qsort(rows->v, rows->n, sizeof(*rows->v), cmp_path);
	for (i = 0; i < rows->n; i++) {
		if (n > 0 && strcmp(rows->v[n - 1].path, rows->v[i].path) == 0)
			row_release(&rows->v[i]);
		else
			rows->v[n++] = rows->v[i];
	}
	rows->n = n;
}

/* ---- judging one bundle ------------------------------------------------------------- */

/* A finding that only says a certificate ran out (docs/coco-bundle.1, reverify STATUS). */
static int caused_by_expiry(const struct coco_report *r, const struct coco_finding *f)
{
	const char *id = coco_finding_id(f);

	if (strcmp(id, "evidence.expired") == 0 || strcmp(id, "signer.expired") == 0)
		return 1;
	return strcmp(id, "evidence.baseline") == 0 &&
	       coco_report_find(r, "evidence.expired") != NULL;
}

/* "id 'subject': message", as verify prints a finding. */
static char *describe(const struct coco_finding *f)
{
	const char *subject = coco_finding_subject(f);
	size_t n = strlen(coco_finding_id(f)) + (subject ? strlen(subject) : 0) +
		   strlen(coco_finding_message(f)) + 8;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s%s%s%s: %s", coco_finding_id(f), subject ? " '" : "",
			 subject ? subject : "", subject ? "'" : "", coco_finding_message(f));
	return s;
}

/* The first finding of this status, caused by expiry or not as asked; NULL if none. */
static const struct coco_finding *first(const struct coco_report *r, enum coco_status st,
					int expiry)
{
	size_t i;

	for (i = 0; i < coco_report_count(r); i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		if (coco_finding_status(f) == st && caused_by_expiry(r, f) == expiry)
			return f;
	}
	return NULL;
}

/*
 * The status. Precedence FAILED > REJECTED > EXPIRED > INDETERMINATE > EXPIRING > OK,
 * where a failure or indeterminate result whose only cause is an expiry (evidence.expired,
 * the evidence.baseline failure that follows it, signer.expired) counts as EXPIRED, and
 * REJECTED is a bundle whose decision in force is a rejection: nothing to renew, and never
 * to be taken for an accepted one.
 */
static int classify(struct row *row, const struct coco_report *r, long within)
{
	const struct coco_finding *fail = first(r, COCO_STATUS_FAIL, 0);
	const struct coco_finding *why = NULL;
	int expired = (row->has_expiry && row->days_left < 0) ||
		      first(r, COCO_STATUS_FAIL, 1) != NULL ||
		      first(r, COCO_STATUS_INDETERMINATE, 1) != NULL;

	if (fail != NULL || (!expired && row->verdict == COCO_VERDICT_FAILED)) {
		row->status = RV_FAILED;
		why = fail;
	} else if (row->decision == COCO_DECISION_REJECTED) {
		row->status = RV_REJECTED;
	} else if (expired) {
		row->status = RV_EXPIRED;
		why = first(r, COCO_STATUS_FAIL, 1);
		if (why == NULL)
			why = first(r, COCO_STATUS_INDETERMINATE, 1);
	} else if (row->verdict == COCO_VERDICT_INDETERMINATE) {
		row->status = RV_INDETERMINATE;
		why = first(r, COCO_STATUS_INDETERMINATE, 0);
	} else if (row->has_expiry && row->days_left <= within) {
		row->status = RV_EXPIRING;
	} else {
		row->status = RV_OK;
	}
	if (why != NULL && (row->reason = describe(why)) == NULL)
		return -1;
	return 0;
}

/* Fills row from a report verify produced. -1 when out of memory. */
static int fill_row(struct row *row, const struct coco_report *r, const struct job *job)
{
	const char *org = coco_report_organisation(r), *siro = NULL;

	row->verified = 1;
	row->verdict = coco_report_verdict(r);
	row->decision = coco_report_decision(r, &siro, &row->decided_at);
	row->has_expiry =
	    coco_report_earliest_expiry(r, &row->expires, row->what, sizeof(row->what));
	if (row->has_expiry)
		row->days_left = day_of(row->expires) - day_of(job->at);
	row->organisation = dup_or_null(org);
	row->siro = dup_or_null(siro);
	if ((org != NULL && row->organisation == NULL) || (siro != NULL && row->siro == NULL))
		return -1;
	return classify(row, r, job->within);
}

/* Verifies one bundle into its row. -1 only when out of memory. */
static int check_one(struct coco_ctx *ctx, struct row *row, const struct job *job)
{
	struct coco_report *r = NULL;
	int rc;

	if (row->reason != NULL)
		return 0; /* found unreadable by the walk */
	if (coco_report_new(&r) != COCO_OK)
		return -1;
	if (coco_verify(ctx, row->path, r) != COCO_OK)
		rc = (row->reason = strdup(coco_ctx_error(ctx))) != NULL ? 0 : -1;
	else
		rc = fill_row(row, r, job);
	coco_report_free(r);
	return rc;
}

/* ---- the workers ------------------------------------------------------------------- */

static void *work(void *arg)
{
	struct worker *w = arg;
	struct job *job = w->job;
	size_t i;
	int rc;

	for (;;) {
		pthread_mutex_lock(&job->lock);
		i = job->nomem ? job->rows->n : job->next++;
		pthread_mutex_unlock(&job->lock);
		if (i >= job->rows->n)
			break;
		rc = check_one(w->ctx, &job->rows->v[i], job);
		pthread_mutex_lock(&job->lock);
		job->done++;
		if (rc != 0)
			job->nomem = 1;
		if (job->progress)
			fprintf(stderr, "\rreverify: %zu/%zu bundles", job->done, job->rows->n);
		pthread_mutex_unlock(&job->lock);
	}
	return NULL;
}

/* One context per worker, each sharing the trust store loaded once into base. */
static int workers_new(struct worker *w, size_t n, struct job *job, struct coco_ctx *base)
{
	size_t i;

	for (i = 0; i < n; i++) {
		w[i].job = job;
		if (coco_ctx_new(&w[i].ctx) != COCO_OK)
			return cli_error("out of memory");
		if (coco_ctx_share_trust(w[i].ctx, base) != COCO_OK)
			return cli_error("%s", coco_ctx_error(w[i].ctx));
		coco_ctx_set_time(w[i].ctx, job->at);
		/* the rows never show a bundle's own digest; the workers keep the cores busy */
		coco_ctx_set_options(w[i].ctx, COCO_OPT_NO_BUNDLE_DIGEST);
	}
	return 0;
}

/* Runs the workers: this thread is the first; a thread that cannot start is done without. */
static int run_workers(struct job *job, struct coco_ctx *base, size_t n)
{
	struct worker w[MAX_JOBS];
	size_t i;
	int rc;

	memset(w, 0, sizeof(w));
	if ((rc = workers_new(w, n, job, base)) == 0) {
		for (i = 1; i < n; i++)
			w[i].started = pthread_create(&w[i].thread, NULL, work, &w[i]) == 0;
		work(&w[0]);
		for (i = 1; i < n; i++)
			if (w[i].started)
				pthread_join(w[i].thread, NULL);
		if (job->progress && job->rows->n > 0)
			fputs("\r\033[K", stderr);
		if (job->nomem)
			rc = cli_error("out of memory");
	}
	for (i = 0; i < n; i++)
		coco_ctx_free(w[i].ctx);
	return rc;
}

/* ---- order and rendering ------------------------------------------------------------ */

/* Most urgent first: status, then fewest days left (none last), then path. */
static int cmp_rows(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;

	if (a->status != b->status)
		return a->status < b->status ? -1 : 1;
	if (a->has_expiry != b->has_expiry)
		return a->has_expiry ? -1 : 1;
	if (a->has_expiry && a->days_left != b->days_left)
		return a->days_left < b->days_left ? -1 : 1;
	return strcmp(a->path, b->path);
}

static void date_of(time_t t, char out[11])
{
	char buf[21];

	coco_time_format(t, buf);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

/* Whether the row has a decision in force, made by someone at some time. */
static int decided(const struct row *row)
{
	return row->decision == COCO_DECISION_APPROVED || row->decision == COCO_DECISION_REJECTED;
}

/* The sign-off cell: "none", "undetermined", or "approved by NAME on DATE". */
static void signoff_text(const struct row *row, char *out, size_t size)
{
	char d[11];

	if (!decided(row)) {
		snprintf(out, size, "%s", row->verified ? coco_decision_name(row->decision) : "-");
		return;
	}
	date_of(row->decided_at, d);
	snprintf(out, size, "%s by %s on %s", coco_decision_name(row->decision),
		 row->siro ? row->siro : "?", d);
}

/* ---- text ---- */

enum { C_STATUS, C_DAYS, C_EXPIRES, C_VERDICT, C_SIGNOFF, C_ORG, C_PATH, C_DETAIL, C_N };

static const char *const headers[C_N] = {"STATUS",   "DAYS",         "EXPIRES", "VERDICT",
					 "SIGN-OFF", "ORGANISATION", "BUNDLE",  "DETAIL"};

/* Display width: the code points of s as cli_put_safe prints it. */
static size_t width(const char *s)
{
	char *e = cli_escape(s, COCO_ESCAPE_TEXT);
	const char *p;
	size_t w = 0;

	for (p = e; *p; p++)
		w += ((unsigned char)*p & 0xc0) != 0x80;
	free(e);
	return w;
}

/* The cells of one row; the strings point into row or into bufs. */
static void text_cells(const struct row *row, const char *cells[C_N], char bufs[3][512])
{
	cells[C_STATUS] = statuses[row->status].name;
	snprintf(bufs[0], sizeof(bufs[0]), "%ld", row->days_left);
	cells[C_DAYS] = row->has_expiry ? bufs[0] : "-";
	date_of(row->expires, bufs[1]);
	cells[C_EXPIRES] = row->has_expiry ? bufs[1] : "-";
	cells[C_VERDICT] = row->verified ? coco_verdict_name(row->verdict) : "-";
	signoff_text(row, bufs[2], sizeof(bufs[2]));
	cells[C_SIGNOFF] = bufs[2];
	cells[C_ORG] = row->organisation ? row->organisation : "-";
	cells[C_PATH] = row->path;
	cells[C_DETAIL] = row->reason ? row->reason : row->has_expiry ? row->what : "";
}

static void text_line(FILE *f, const char *const cells[C_N], const size_t widths[C_N])
{
	size_t c, pad;

	for (c = 0; c < C_N; c++) {
		pad = widths[c] - width(cells[c]);
		if (c == C_DAYS)
			fprintf(f, "%*s", (int)pad, "");
		cli_put_safe(f, cells[c]); /* bundle strings cannot drive the terminal */
		if (c + 1 == C_N || (c + 2 == C_N && cells[c + 1][0] == '\0'))
			break; /* no trailing blanks */
		fprintf(f, "%*s", (int)(c == C_DAYS ? 2 : pad + 2), "");
	}
	fputc('\n', f);
}

static void summary(FILE *f, const struct rows *rows, const struct job *job)
{
	size_t counts[RV_N] = {0}, i;
	char t[21];

	for (i = 0; i < rows->n; i++)
		counts[rows->v[i].status]++;
	fprintf(f, "%zu bundle%s at %s, expiring within %ld days:", rows->n,
		rows->n == 1 ? "" : "s", coco_time_format(job->at, t), job->within);
	for (i = 0; i < RV_N; i++)
		fprintf(f, "%s %zu %s", i ? "," : "", counts[i], statuses[i].name);
	fputc('\n', f);
}

static void render_text(FILE *f, const struct rows *rows, const struct job *job)
{
	size_t widths[C_N] = {0}, i, c;
	const char *cells[C_N];
	char bufs[3][512];

	for (c = 0; c < C_N; c++)
		widths[c] = width(headers[c]);
	for (i = 0; i < rows->n; i++) {
		text_cells(&rows->v[i], cells, bufs);
		for (c = 0; c < C_N; c++)
			if (width(cells[c]) > widths[c])
				widths[c] = width(cells[c]);
	}
	if (rows->n > 0)
		text_line(f, headers, widths);
	for (i = 0; i < rows->n; i++) {
		text_cells(&rows->v[i], cells, bufs);
		text_line(f, cells, widths);
	}
	summary(f, rows, job);
}

/* ---- JSON ---- */

/* A JSON string (or null), escaped by the library as its reports are. */
static void json_str(FILE *f, const char *s)
{
	char *e;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	e = cli_escape(s, COCO_ESCAPE_JSON);
	fprintf(f, "\"%s\"", e);
	free(e);
}

static void json_time(FILE *f, int has, time_t t)
{
	char buf[21];

	json_str(f, has ? coco_time_format(t, buf) : NULL);
}

static void json_row(FILE *f, const struct row *row)
{
	fputs("    {\"path\": ", f);
	json_str(f, row->path);
	fprintf(f, ", \"status\": \"%s\", \"organisation\": ", statuses[row->status].name);
	json_str(f, row->organisation);
	fputs(", \"verdict\": ", f);
	json_str(f, row->verified ? coco_verdict_name(row->verdict) : NULL);
	fputs(",\n     \"decision\": ", f);
	json_str(f, row->verified ? coco_decision_name(row->decision) : NULL);
	fputs(", \"decided_by\": ", f);
	json_str(f, row->siro);
	fputs(", \"decided_at\": ", f);
	json_time(f, decided(row), row->decided_at);
	fputs(",\n     \"expires\": ", f);
	json_time(f, row->has_expiry, row->expires);
	fputs(", \"expiring\": ", f);
	json_str(f, row->has_expiry ? row->what : NULL);
	if (row->has_expiry)
		fprintf(f, ", \"days_left\": %ld", row->days_left);
	else
		fputs(", \"days_left\": null", f);
	fputs(", \"reason\": ", f);
	json_str(f, row->reason);
	fputc('}', f);
}

static void render_json(FILE *f, const struct rows *rows, const struct job *job)
{
	size_t counts[RV_N] = {0}, i;

	fputs("{\n  \"format\": \"coco-bundle-reverify/1\",\n  \"verification_time\": ", f);
	json_time(f, 1, job->at);
	fprintf(f, ",\n  \"within_days\": %ld,\n  \"summary\": {\"bundles\": %zu", job->within,
		rows->n);
	for (i = 0; i < rows->n; i++)
		counts[rows->v[i].status]++;
	for (i = 0; i < RV_N; i++)
		fprintf(f, ", \"%s\": %zu", statuses[i].name, counts[i]);
	fputs("},\n  \"rows\": [", f);
	for (i = 0; i < rows->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_row(f, &rows->v[i]);
	}
	fputs(rows->n ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* ---- CSV (RFC 4180) ---- */

/*
 * One field, escaped by the library: a value taken from a bundle or a file name is
 * untrusted (one that a spreadsheet would read as a formula gets a leading apostrophe).
 */
static void csv_field(FILE *f, const char *s, int untrusted, int last)
{
	char *e =
	    cli_escape(s != NULL ? s : "", untrusted ? COCO_ESCAPE_CSV_UNTRUSTED : COCO_ESCAPE_CSV);

	fputs(e, f);
	fputs(last ? "\r\n" : ",", f);
	free(e);
}

static void render_csv(FILE *f, const struct rows *rows, const struct job *job)
{
	char t1[21], t2[21], days[24];
	size_t i;

	(void)job;
	fputs("path,status,organisation,verdict,decision,decided_by,decided_at,expires,expiring,"
	      "days_left,reason\r\n",
	      f);
	for (i = 0; i < rows->n; i++) {
		const struct row *row = &rows->v[i];
		snprintf(days, sizeof(days), "%ld", row->days_left);
		csv_field(f, row->path, 1, 0);
		csv_field(f, statuses[row->status].name, 0, 0);
		csv_field(f, row->organisation, 1, 0);
		csv_field(f, row->verified ? coco_verdict_name(row->verdict) : NULL, 0, 0);
		csv_field(f, row->verified ? coco_decision_name(row->decision) : NULL, 0, 0);
		csv_field(f, row->siro, 1, 0);
		csv_field(f, decided(row) ? coco_time_format(row->decided_at, t1) : NULL, 0, 0);
		csv_field(f, row->has_expiry ? coco_time_format(row->expires, t2) : NULL, 0, 0);
		csv_field(f, row->has_expiry ? row->what : NULL, 1, 0);
		csv_field(f, row->has_expiry ? days : NULL, 0, 0);
		csv_field(f, row->reason, 1, 1);
	}
}

static void (*const renderers[])(FILE *, const struct rows *, const struct job *) = {
    [RV_TEXT] = render_text,
    [RV_JSON] = render_json,
    [RV_CSV] = render_csv,
};

/* Renders and writes the rows; 0 or EXIT_USAGE. */
static int output(struct coco_ctx *ctx, const struct rows *rows, const struct job *job,
		  enum rv_format format, const char *out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (f == NULL)
		return cli_error("out of memory");
	renderers[format](f, rows, job);
	rc = ferror(f);
	if (fclose(f) != 0 || rc != 0) {
		free(buf);
		return cli_error("out of memory");
	}
	rc = cli_output(ctx, out, buf, len);
	free(buf);
	return rc;
}

/* ---- the command ------------------------------------------------------------------- */

struct options {
	const char *trust, *at, *fmt, *out, *within, *jobs;
	enum rv_format format;
	long within_days, n_jobs;
};

/* Where each option's value goes, and its name for "given more than once". */
static const struct {
	int c;
	const char *name;
	size_t offset;
} option_slots[] = {
    {'w', "--within", offsetof(struct options, within)},
    {'t', "--trust", offsetof(struct options, trust)},
    {'a', "--at", offsetof(struct options, at)},
    {'f', "--format", offsetof(struct options, fmt)},
    {'o', "--output", offsetof(struct options, out)},
    {'j', "--jobs", offsetof(struct options, jobs)},
};

#define N_SLOTS (sizeof(option_slots) / sizeof(option_slots[0]))

static int parse_values(struct options *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t i;

	o->within_days = 60;
	o->n_jobs = cpus < 1 ? 1 : cpus > MAX_JOBS ? MAX_JOBS : cpus;
	if (o->within != NULL && parse_long(o->within, 0, MAX_WITHIN, &o->within_days) != 0)
		return cli_usage_error("reverify", "invalid --within '%s' (whole days, 0 to %d)",
				       o->within, MAX_WITHIN);
	if (o->jobs != NULL && parse_long(o->jobs, 1, MAX_JOBS, &o->n_jobs) != 0)
		return cli_usage_error("reverify", "invalid -j '%s' (1 to %d)", o->jobs, MAX_JOBS);
	o->format = RV_TEXT;
	for (i = 0; o->fmt != NULL && i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcasecmp(o->fmt, format_names[i]) == 0)
			break;
	if (o->fmt != NULL && i == sizeof(format_names) / sizeof(format_names[0]))
		return cli_usage_error("reverify", "unknown format '%s' (text, json or csv)",
				       o->fmt);
	if (o->fmt != NULL)
		o->format = (enum rv_format)i;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:j:h", reverify_opts, NULL)) != -1) {
		size_t i = 0;
		if (c == 'h') {
			fputs(reverify_help, stdout);
			return -1;
		}
		while (i < N_SLOTS && option_slots[i].c != c)
			i++;
		if (i == N_SLOTS)
			return cli_bad_option("reverify", c, argv);
		if (cli_set_once("reverify", option_slots[i].name,
				 (const char **)((char *)o + option_slots[i].offset), optarg) != 0)
			return EXIT_USAGE;
	}
	if (argc - optind < 1)
		return cli_usage_error("reverify", "expected at least one PATH");
	return parse_values(o);
}

/* -o must not replace a bundle being read (a folder of them may hold it): 0 or EXIT_USAGE. */
static int check_out(struct coco_ctx *ctx, const struct rows *rows, const char *out)
{
	struct coco_input *in = calloc(rows->n + 1, sizeof(*in));
	size_t i;
	int rc;

	if (in == NULL)
		return cli_error("out of memory");
	for (i = 0; i < rows->n; i++) {
		in[i].path = rows->v[i].path;
		in[i].what = "bundle";
	}
	rc = cli_check_output(ctx, out, in, rows->n);
	free(in);
	return rc;
}

/* The exit status of the worst row. */
static int worst_exit(const struct rows *rows)
{
	enum rv_status worst = RV_OK;
	size_t i;

	for (i = 0; i < rows->n; i++)
		if (rows->v[i].status < worst)
			worst = rows->v[i].status;
	return statuses[worst].exit;
}

static int reverify(const struct options *o, char **paths, int n_paths)
{
	struct rows rows = {NULL, 0, 0};
	struct job job = {.rows = &rows,
			  .within = o->within_days,
			  .progress = isatty(STDERR_FILENO),
			  .lock = PTHREAD_MUTEX_INITIALIZER};
	struct coco_ctx *ctx = NULL;
	int rc, i;

	if ((rc = cli_ctx("reverify", o->at, o->trust, 1, &ctx)) != 0)
		return rc;
	job.at = coco_ctx_time(ctx); /* read once: every bundle is judged at the same time */
	for (i = 0; rc == 0 && i < n_paths; i++)
		rc = add_arg(&rows, paths[i]);
	dedupe(&rows);
	if (rc == 0)
		rc = check_out(ctx, &rows, o->out);
	if (rc == 0 && rows.n == 0)
		fprintf(stderr, "%s: warning: no bundles (*.coco) found\n", cli_prog);
	if (rc == 0 && rows.n > 0)
		rc =
		    run_workers(&job, ctx, (size_t)o->n_jobs < rows.n ? (size_t)o->n_jobs : rows.n);
	if (rc == 0) {
		if (rows.n > 1)
			qsort(rows.v, rows.n, sizeof(*rows.v), cmp_rows);
		if ((rc = output(ctx, &rows, &job, o->format, o->out)) == 0)
			rc = worst_exit(&rows);
	}
	rows_free(&rows);
	coco_ctx_free(ctx);
	return rc;
}

int cmd_reverify(int argc, char **argv)
{
	struct options o;
	int rc = parse_options(argc, argv, &o);

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	return reverify(&o, argv + optind, argc - optind);
}
