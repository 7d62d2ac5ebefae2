/*
 * mutate: mutation testing of what the signatures cover (issue 6). It builds the sample
 * bundle deterministically (fixtures/example signed by the director at a fixed time and,
 * with --signoff, approved by the SIRO), checks that it verifies PASSED, then applies
 * single-byte mutations: at every byte position (or N positions drawn with a fixed seed)
 * the byte is XORed with K distinct non-zero values drawn from a fixed-seed PRNG. Each
 * mutant is verified in-process, on worker threads that share one load of the trust
 * store (one context per thread). A mutant may verify PASSED only if the data objects
 * coco_extract writes are byte-identical to the original's and, signed off, the decision
 * shown is the original's. Anything else is a FALSE PASSED: it is printed with
 * its position and the program exits 1. The counts are printed per zip region.
 *
 * usage: mutate [--seed N] [--positions all|N] [--values K] [--threads N] [--signoff]
 * The fixtures used ($COCO_FIXTURES, default "fixtures": example/, trust/, pki/) are copied
 * into a fresh folder under $TMPDIR (default /tmp), removed at the end, and everything runs
 * there with relative paths: the sign-off report records the bundle's and the policy's paths,
 * so the sample's bytes, and the results, are the same wherever the run happens. No clock is
 * read: every time is fixed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "coco/coco.h"
#include "bundletool.h"

#define CREATED_AT "2027-01-01T09:00:00Z"
#define SIGNED_OFF_AT "2027-01-05T00:00:00Z"
#define VERIFIED_AT "2027-06-01T00:00:00Z"
#define MAX_THREADS 16
#define MAX_REGIONS 256
#define CHUNK 32

/* What became of one mutant. */
enum outcome {
	OUT_FAILED,
	OUT_INDETERMINATE,
	OUT_ERROR,       /* coco_verify returned an error */
	OUT_PASSED_SAME, /* PASSED, identical data objects (and decision) */
	OUT_FALSE,       /* PASSED with other data objects, or another decision (or none) */
	OUT_EXTRACT_ERR, /* PASSED by coco_verify but coco_extract failed on the same bytes */
	N_OUT
};

static const char *const out_names[N_OUT] = {
    [OUT_FAILED] = "FAILED",      [OUT_INDETERMINATE] = "INDETERMINATE",
    [OUT_ERROR] = "verify error", [OUT_PASSED_SAME] = "PASSED, identical",
    [OUT_FALSE] = "FALSE PASSED", [OUT_EXTRACT_ERR] = "extract error",
};

struct mutation {
	uint32_t pos;
	uint8_t x; /* XOR value, never 0 */
	uint8_t outcome;
};

/* A byte range of the bundle with a label, e.g. "assessment.xml: local header". */
struct region {
	uint32_t start, end; /* [start, end) */
	int kind;            /* index into kinds[] */
	char label[160];
	size_t count[N_OUT];
};

enum kind { K_OTHER, K_LOCAL, K_DATA, K_CENTRAL, K_END };
static const char *const kinds[] = {"other", "local header", "data", "central record",
				    "end record"};

/* Fixed-layout header fields, for naming a mutated byte. */
struct field {
	unsigned off, len;
	const char *name;
};

static const struct field local_fields[] = {
    {0, 4, "signature"},     {4, 2, "version needed"},
    {6, 2, "flags"},         {8, 2, "method"},
    {10, 2, "time"},         {12, 2, "date"},
    {14, 4, "crc-32"},       {18, 4, "compressed size"},
    {22, 4, "size"},         {26, 2, "name length"},
    {28, 2, "extra length"},
};
static const struct field central_fields[] = {
    {0, 4, "signature"},
    {4, 2, "version made by"},
    {6, 2, "version needed"},
    {8, 2, "flags"},
    {10, 2, "method"},
    {12, 2, "time"},
    {14, 2, "date"},
    {16, 4, "crc-32"},
    {20, 4, "compressed size"},
    {24, 4, "size"},
    {28, 2, "name length"},
    {30, 2, "extra length"},
    {32, 2, "comment length"},
    {34, 2, "disk number"},
    {36, 2, "internal attributes"},
    {38, 4, "external attributes"},
    {42, 4, "local header offset"},
};
static const struct field end_fields[] = {
    {0, 4, "signature"},
    {4, 2, "disk number"},
    {6, 2, "central directory disk"},
    {8, 2, "disk entries"},
    {10, 2, "entries"},
    {12, 4, "central directory size"},
    {16, 4, "central directory offset"},
    {20, 2, "comment length"},
};

/* The original bundle and what verifying it gave. */
struct sample {
	unsigned char *bytes;
	size_t len;
	char *orig_x; /* its extracted data objects */
	enum coco_decision decision;
	char *siro;
	time_t decided_at;
	struct region reg[MAX_REGIONS];
	size_t nreg;
	uint16_t *region_of; /* per byte: index into reg */
};

/* The work shared by the threads; next is guarded by lock. */
struct job {
	const struct sample *s;
	struct mutation *m;
	size_t n, next;
	time_t at;
	pthread_mutex_t lock;
};

struct worker {
	struct job *job;
	struct coco_ctx *ctx;
	char *path, *xdir;
	int fd;
	pthread_t thread;
	int started;
};

/* ---- small helpers ------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A uniform value in [0, n), n > 0. */
static uint64_t below(uint64_t *state, uint64_t n)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, r;

	do
		r = splitmix64(state);
	while (r >= limit);
	return r % n;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || s[0] == '+' || v < lo ||
	    v > hi)
		return -1;
	*out = v;
	return 0;
}

static time_t fixed_time(const char *text)
{
	time_t t = 0;

	(void)coco_time_parse(text, &t);
	return t;
}

/* ---- the sample bundle ---------------------------------------------------------------- */

static struct coco_signer *load_signer(struct coco_ctx *ctx, const char *name, int chain)
{
	char *key = bt_fmt("fixtures/pki/%s.key", name),
	     *cert = bt_fmt("fixtures/pki/%s.pem", name);
	char *ch = chain ? bt_fmt("fixtures/pki/chain.pem") : NULL;
	struct coco_signer_opts o = {.key_path = key, .cert_path = cert, .chain_path = ch};
	struct coco_signer *s = NULL;

	if (key != NULL && cert != NULL && (!chain || ch != NULL) &&
	    coco_signer_load(ctx, &o, &s) != COCO_OK)
		fprintf(stderr, "mutate: %s\n", coco_ctx_error(ctx));
	free(key);
	free(cert);
	free(ch);
	return s;
}

/*
 * Creates orig.coco, signed by the director, and signed.coco, that bundle approved by the
 * SIRO. 0, or -1 with a message on stderr.
 */
static int make_samples(struct coco_ctx *ctx, const char *orig, const char *signed_path)
{
	const char *example = "fixtures/example";
	struct coco_signer *director = NULL, *siro = NULL;
	struct coco_countersign_opts co = {.decision = COCO_DECISION_APPROVED,
					   .comment = "mutation test: evidence checked",
					   .confirm_statements = 1};
	int rc = -1;

	coco_ctx_set_time(ctx, fixed_time(CREATED_AT));
	if ((director = load_signer(ctx, "director", 1)) == NULL)
		goto out;
	if (coco_create(ctx, example, orig, director, NULL) != COCO_OK) {
		fprintf(stderr, "mutate: create: %s\n", coco_ctx_error(ctx));
		goto out;
	}
	coco_ctx_set_time(ctx, fixed_time(SIGNED_OFF_AT));
	if ((siro = load_signer(ctx, "siro", 0)) == NULL)
		goto out;
	if (coco_countersign(ctx, orig, signed_path, siro, &co) != COCO_OK) {
		fprintf(stderr, "mutate: countersign: %s\n", coco_ctx_error(ctx));
		goto out;
	}
	rc = 0;
out:
	coco_signer_free(director);
	coco_signer_free(siro);
	return rc;
}

/* ---- regions -------------------------------------------------------------------------- */

static int add_region(struct sample *s, uint64_t start, uint64_t end, int kind, const char *name,
		      size_t name_len, const char *note)
{
	struct region *r;
	size_t i;

	if (s->nreg == MAX_REGIONS || start > end || end > s->len)
		return -1;
	r = &s->reg[s->nreg];
	memset(r, 0, sizeof(*r));
	r->start = (uint32_t)start;
	r->end = (uint32_t)end;
	r->kind = kind;
	if (name != NULL)
		snprintf(r->label, sizeof(r->label), "%.*s: %s%s", (int)name_len, name, kinds[kind],
			 note);
	else
		snprintf(r->label, sizeof(r->label), "%s", kinds[kind]);
	for (i = start; i < end; i++)
		s->region_of[i] = (uint16_t)s->nreg;
	s->nreg++;
	return 0;
}

/*
 * Maps every byte of the (canonical: no comment, no zip64) bundle to a region: each entry's
 * local header, data and central record, and the end record. Bytes in none are "other".
 * 0, or -1 if the layout is not the expected one.
 */
static int map_regions(struct sample *s)
{
	const unsigned char *b = s->bytes, *eocd;
	const char *name;
	uint64_t cd, p, lho, data;
	unsigned n, i, nlen;

	if (s->len < 22 || (s->region_of = calloc(s->len, sizeof(*s->region_of))) == NULL ||
	    add_region(s, 0, 0, K_OTHER, NULL, 0, "") != 0)
		return -1;
	eocd = b + s->len - 22;
	if (le32(eocd) != 0x06054b50u)
		return -1;
	n = le16(eocd + 10);
	cd = le32(eocd + 16);
	for (i = 0, p = cd; i < n; i++) {
		if (p + 46 > s->len || le32(b + p) != 0x02014b50u)
			return -1;
		nlen = le16(b + p + 28);
		lho = le32(b + p + 42);
		if (lho + 30 > s->len || le32(b + lho) != 0x04034b50u)
			return -1;
		name = (const char *)b + p + 46;
		data = lho + 30 + le16(b + lho + 26) + le16(b + lho + 28);
		if (add_region(s, lho, data, K_LOCAL, name, nlen, "") != 0 ||
		    add_region(s, data, data + le32(b + p + 20), K_DATA, name, nlen,
			       le16(b + p + 10) == 8 ? " (deflated)" : " (stored)") != 0 ||
		    add_region(s, p, p + 46 + nlen + le16(b + p + 30) + le16(b + p + 32), K_CENTRAL,
			       name, nlen, "") != 0)
			return -1;
		p += 46 + nlen + le16(b + p + 30) + le16(b + p + 32);
	}
	return add_region(s, s->len - 22, s->len, K_END, NULL, 0, "");
}

/* The header field a byte is in ("crc-32", "name or extra"), or "" in data. */
static const char *field_of(const struct sample *s, uint32_t pos)
{
	const struct region *r = &s->reg[s->region_of[pos]];
	const struct field *f = NULL;
	size_t nf = 0, i;
	unsigned off = pos - r->start;

	if (r->kind == K_LOCAL) {
		f = local_fields;
		nf = sizeof(local_fields) / sizeof(*f);
	} else if (r->kind == K_CENTRAL) {
		f = central_fields;
		nf = sizeof(central_fields) / sizeof(*f);
	} else if (r->kind == K_END) {
		f = end_fields;
		nf = sizeof(end_fields) / sizeof(*f);
	}
	for (i = 0; i < nf; i++)
		if (off >= f[i].off && off < f[i].off + f[i].len)
			return f[i].name;
	return nf > 0 ? "name or extra" : "";
}

/* ---- one mutant ----------------------------------------------------------------------- */

/* The decision a PASSED mutant shows must be the original's: kind, SIRO and time. */
static enum outcome judge_decision(const struct sample *s, const struct coco_report *r)
{
	const char *siro = NULL;
	time_t at = 0;
	enum coco_decision d = coco_report_decision(r, &siro, &at);

	if (d == s->decision && d == COCO_DECISION_NONE)
		return OUT_PASSED_SAME;
	if (d == s->decision && at == s->decided_at && siro != NULL && s->siro != NULL &&
	    strcmp(siro, s->siro) == 0)
		return OUT_PASSED_SAME;
	return OUT_FALSE; /* a rejection hidden would be as bad as an approval forged */
}

/* A PASSED mutant: extract it and compare with the original's data objects. */
static enum outcome judge_passed(struct worker *w, const char *path, const struct coco_report *r)
{
	struct coco_report *xr = NULL;
	enum outcome o;

	if (coco_report_new(&xr) != COCO_OK)
		return OUT_EXTRACT_ERR;
	if (coco_extract(w->ctx, path, w->xdir, xr) != COCO_OK)
		o = OUT_EXTRACT_ERR;
	else if (!bt_tree_equal(w->job->s->orig_x, w->xdir))
		o = OUT_FALSE;
	else
		o = judge_decision(w->job->s, r);
	bt_rmtree(w->xdir);
	coco_report_free(xr);
	return o;
}

/* Verifies the bundle at path and, if it PASSED, compares what extract writes. */
static enum outcome judge(struct worker *w, const char *path)
{
	struct coco_report *r = NULL;
	enum outcome o;

	if (coco_report_new(&r) != COCO_OK)
		return OUT_ERROR;
	if (coco_verify(w->ctx, path, r) != COCO_OK)
		o = OUT_ERROR;
	else if (coco_report_verdict(r) == COCO_VERDICT_FAILED)
		o = OUT_FAILED;
	else if (coco_report_verdict(r) == COCO_VERDICT_INDETERMINATE)
		o = OUT_INDETERMINATE;
	else
		o = judge_passed(w, path, r);
	coco_report_free(r);
	return o;
}

static enum outcome run_one(struct worker *w, const struct mutation *m)
{
	const struct sample *s = w->job->s;
	unsigned char b = (unsigned char)(s->bytes[m->pos] ^ m->x);
	enum outcome o;

	if (pwrite(w->fd, &b, 1, m->pos) != 1)
		return OUT_ERROR;
	o = judge(w, w->path);
	if (pwrite(w->fd, &s->bytes[m->pos], 1, m->pos) != 1)
		o = OUT_ERROR;
	return o;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct job *job = w->job;
	size_t i, end;

	for (;;) {
		pthread_mutex_lock(&job->lock);
		i = job->next;
		end = i + CHUNK < job->n ? i + CHUNK : job->n;
		job->next = end;
		pthread_mutex_unlock(&job->lock);
		if (i >= end)
			break;
		for (; i < end; i++)
			job->m[i].outcome = (uint8_t)run_one(w, &job->m[i]);
	}
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* ---- the run -------------------------------------------------------------------------- */

/*
 * The mutations: positions (all, or npos drawn without replacement and sorted), each with
 * nval distinct non-zero XOR values. Deterministic for a seed. NULL on failure.
 */
static struct mutation *plan(size_t len, size_t npos, unsigned nval, uint64_t seed, size_t *n)
{
	uint32_t *pos = malloc(len * sizeof(*pos));
	struct mutation *m = NULL;
	uint64_t st = seed;
	size_t i, j, k = 0;

	*n = 0;
	if (pos == NULL || (m = malloc(npos * nval * sizeof(*m))) == NULL)
		goto out;
	for (i = 0; i < len; i++)
		pos[i] = (uint32_t)i;
	for (i = 0; npos < len && i < npos; i++) { /* partial Fisher-Yates */
		uint32_t t;
		j = i + (size_t)below(&st, len - i);
		t = pos[i];
		pos[i] = pos[j];
		pos[j] = t;
	}
	qsort(pos, npos, sizeof(*pos), cmp_u32);
	for (i = 0; i < npos; i++) {
		unsigned char used[256] = {1};
		unsigned v;
		for (v = 0; v < nval; v++) {
			uint8_t x;
			do
				x = (uint8_t)(1 + below(&st, 255));
			while (used[x]);
			used[x] = 1;
			m[k].pos = pos[i];
			m[k].x = x;
			m[k++].outcome = OUT_ERROR;
		}
	}
	*n = k;
out:
	free(pos);
	return m;
}

static int start_workers(struct worker *w, unsigned nthreads, struct job *job,
			 struct coco_ctx *trust)
{
	unsigned t;

	for (t = 0; t < nthreads; t++) {
		w[t].job = job;
		w[t].path = bt_fmt("m%u.coco", t);
		w[t].xdir = bt_fmt("x%u", t);
		if (w[t].path == NULL || w[t].xdir == NULL || coco_ctx_new(&w[t].ctx) != COCO_OK ||
		    coco_ctx_share_trust(w[t].ctx, trust) != COCO_OK ||
		    bt_write(w[t].path, job->s->bytes, job->s->len) != 0 ||
		    (w[t].fd = open(w[t].path, O_RDWR | O_CLOEXEC)) < 0)
			return -1;
		coco_ctx_set_time(w[t].ctx, job->at);
		if (pthread_create(&w[t].thread, NULL, worker_main, &w[t]) != 0)
			return -1;
		w[t].started = 1;
	}
	return 0;
}

static void stop_workers(struct worker *w, unsigned nthreads)
{
	unsigned t;

	for (t = 0; t < nthreads; t++) {
		if (w[t].started)
			pthread_join(w[t].thread, NULL);
		if (w[t].fd >= 0)
			close(w[t].fd);
		coco_ctx_free(w[t].ctx);
		free(w[t].path);
		free(w[t].xdir);
	}
}

/* Verifies the original (it must be PASSED) and extracts it into orig-x. */
static int check_original(struct coco_ctx *ctx, const char *path, struct sample *s)
{
	struct coco_report *r = NULL, *xr = NULL;
	const char *siro = NULL;
	int rc = -1;

	s->orig_x = strdup("orig-x");
	if (s->orig_x == NULL || coco_report_new(&r) != COCO_OK || coco_report_new(&xr) != COCO_OK)
		goto out;
	if (coco_verify(ctx, path, r) != COCO_OK || coco_report_verdict(r) != COCO_VERDICT_PASSED) {
		fprintf(stderr, "mutate: the original does not verify PASSED: %s\n",
			coco_ctx_error(ctx));
		goto out;
	}
	if (coco_extract(ctx, path, s->orig_x, xr) != COCO_OK) {
		fprintf(stderr, "mutate: extract: %s\n", coco_ctx_error(ctx));
		goto out;
	}
	s->decision = coco_report_decision(r, &siro, &s->decided_at);
	if (siro != NULL && (s->siro = strdup(siro)) == NULL)
		goto out;
	rc = bt_tree_count(s->orig_x) > 0 ? 0 : -1;
out:
	coco_report_free(r);
	coco_report_free(xr);
	return rc;
}

static void print_results(struct sample *s, const struct mutation *m, size_t n)
{
	size_t total[N_OUT] = {0}, i, j, k, listed = 0;
	struct region *reg = s->reg;
	char where[200];
	int o;

	for (i = 0; i < n; i++) {
		total[m[i].outcome]++;
		reg[s->region_of[m[i].pos]].count[m[i].outcome]++;
	}
	printf("mutations              %zu\n", n);
	for (o = 0; o < N_OUT; o++)
		printf("%-22s %zu\n", out_names[o], total[o]);
	printf("\n%-58s %7s %7s %7s %7s %7s %7s\n", "region (bytes)", "mutants", "FAILED", "INDET",
	       "error", "PASSED=", "FALSE");
	for (i = 0; i < s->nreg; i++) {
		const struct region *r = &reg[i];
		size_t all = 0;
		for (o = 0; o < N_OUT; o++)
			all += r->count[o];
		if (all == 0)
			continue;
		snprintf(where, sizeof(where), "%s (%u)", r->label, r->end - r->start);
		printf("%-58s %7zu %7zu %7zu %7zu %7zu %7zu\n", where, all, r->count[OUT_FAILED],
		       r->count[OUT_INDETERMINATE], r->count[OUT_ERROR] + r->count[OUT_EXTRACT_ERR],
		       r->count[OUT_PASSED_SAME], r->count[OUT_FALSE]);
	}
	for (i = 0; i < n; i = j) { /* one line per outcome and field: bytes and XOR values */
		const char *field = field_of(s, m[i].pos);
		for (j = i + 1; j < n && m[j].outcome == m[i].outcome &&
				s->region_of[m[j].pos] == s->region_of[m[i].pos] &&
				strcmp(field_of(s, m[j].pos), field) == 0;
		     j++)
			;
		if (m[i].outcome < OUT_ERROR)
			continue;
		if (listed++ == 0)
			printf("\nmutants not FAILED or INDETERMINATE (byte+offset in the "
			       "region^XOR):\n");
		printf("  %s: %s%s%s%s:", out_names[m[i].outcome],
		       reg[s->region_of[m[i].pos]].label, field[0] ? ", field '" : "", field,
		       field[0] ? "'" : "");
		for (k = i; k < j; k++)
			printf(" %" PRIu32 "+%" PRIu32 "^0x%02x", m[k].pos,
			       m[k].pos - reg[s->region_of[m[k].pos]].start, m[k].x);
		printf("\n");
	}
}

struct opts {
	uint64_t seed, npos, nval, nthreads;
	int all, signoff;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
	    {"seed", required_argument, NULL, 's'},   {"positions", required_argument, NULL, 'p'},
	    {"values", required_argument, NULL, 'v'}, {"threads", required_argument, NULL, 't'},
	    {"signoff", no_argument, NULL, 'o'},      {NULL, 0, NULL, 0},
	};
	int c, bad = 0;

	*o = (struct opts){.seed = 1, .nval = 1, .nthreads = 2, .all = 1};
	while (!bad && (c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 's')
			bad = parse_u64(optarg, 0, UINT64_MAX, &o->seed);
		else if (c == 'p' && strcmp(optarg, "all") == 0)
			o->all = 1;
		else if (c == 'p')
			bad = parse_u64(optarg, 1, UINT32_MAX, &o->npos), o->all = 0;
		else if (c == 'v')
			bad = parse_u64(optarg, 1, 255, &o->nval);
		else if (c == 't')
			bad = parse_u64(optarg, 1, MAX_THREADS, &o->nthreads);
		else if (c == 'o')
			o->signoff = 1;
		else
			bad = 1;
	}
	if (bad || optind != argc) {
		fprintf(stderr, "usage: mutate [--seed N] [--positions all|N] [--values K (1-255)] "
				"[--threads N] [--signoff]\n");
		return -1;
	}
	return 0;
}

/*
 * The oracle's controls: judged like a mutant, the original must come out "PASSED,
 * identical" and the other sample (signed off or not: other data objects) "FALSE PASSED".
 */
static int controls(struct job *job, struct coco_ctx *ctx, const char *path, const char *other)
{
	struct worker c = {.job = job, .ctx = ctx, .fd = -1};
	enum outcome same, differs;

	if ((c.xdir = strdup("xc")) == NULL)
		return -1;
	same = judge(&c, path);
	differs = judge(&c, other);
	free(c.xdir);
	if (same == OUT_PASSED_SAME && differs == OUT_FALSE) {
		printf("controls: the original judged '%s', the other sample '%s', as they must\n",
		       out_names[same], out_names[differs]);
		return 0;
	}
	fprintf(stderr,
		"mutate: oracle control failed: the original judged '%s', the other "
		"sample '%s'\n",
		out_names[same], out_names[differs]);
	return -1;
}

/* The sample's SHA-256 in hex, so that a run can be matched to its bundle. */
static const char *sha256_hex(const struct sample *s, char hex[65])
{
	unsigned char md[32];
	size_t i;

	if (!EVP_Digest(s->bytes, s->len, md, NULL, EVP_sha256(), NULL))
		return "(unknown)";
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hex;
}

/* Copies the fixtures used into work/fixtures. 0 or -1. */
static int copy_fixtures(const char *work)
{
	static const char *const parts[] = {"example", "trust", "pki"};
	char *dst = bt_fmt("%s/fixtures", work), *src = NULL;
	size_t i;
	int rc = dst != NULL && mkdir(dst, 0755) == 0 ? 0 : -1;

	for (i = 0; rc == 0 && i < sizeof(parts) / sizeof(*parts); i++) {
		free(dst);
		src = bt_fixture("%s", parts[i]);
		dst = bt_fmt("%s/fixtures/%s", work, parts[i]);
		rc = src != NULL && dst != NULL ? bt_copytree(src, dst) : -1;
		if (rc != 0)
			fprintf(stderr, "mutate: cannot copy the fixture '%s'\n", src ? src : "");
		free(src);
	}
	free(dst);
	return rc;
}

static char *make_workdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *w = bt_fmt("%s/coco-mutate-XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");

	if (w != NULL && mkdtemp(w) == NULL) {
		free(w);
		w = NULL;
	}
	return w;
}

/*
 * Builds the samples in the current (work) folder, checks the one to mutate and the oracle,
 * maps its regions and plans the mutations. 0, or -1 with a message on stderr.
 */
static int prepare(struct opts *o, struct coco_ctx *ctx, struct sample *s, struct job *job)
{
	const char *orig = "orig.coco", *signed_path = "signed.coco";
	const char *path = o->signoff ? signed_path : orig,
		   *other = o->signoff ? orig : signed_path;
	char hex[65];

	if (coco_ctx_load_trust(ctx, "fixtures/trust") != COCO_OK) {
		fprintf(stderr, "mutate: %s\n", coco_ctx_error(ctx));
		return -1;
	}
	if (make_samples(ctx, orig, signed_path) != 0 || bt_read(path, &s->bytes, &s->len) != 0)
		return -1;
	if (map_regions(s) != 0) {
		fprintf(stderr, "mutate: the sample is not a canonical zip\n");
		return -1;
	}
	if (o->all || o->npos > s->len)
		o->npos = s->len;
	printf("mutate: %s bundle, %zu bytes, %zu entries, sha256 %s\n"
	       "seed %" PRIu64 ", %zu positions x %u values, %u threads\n",
	       o->signoff ? "signed-off" : "applicant", s->len, (s->nreg - 2) / 3,
	       sha256_hex(s, hex), o->seed, (size_t)o->npos, (unsigned)o->nval,
	       (unsigned)o->nthreads);
	coco_ctx_set_time(ctx, fixed_time(VERIFIED_AT));
	job->s = s;
	job->at = fixed_time(VERIFIED_AT);
	if (check_original(ctx, path, s) != 0 || controls(job, ctx, path, other) != 0)
		return -1;
	job->m = plan(s->len, (size_t)o->npos, (unsigned)o->nval, o->seed, &job->n);
	return job->m != NULL ? 0 : -1;
}

/* Judges every planned mutation on nthreads workers. 0, or -1 if they could not start. */
static int run_all(struct job *job, struct coco_ctx *ctx, unsigned nthreads)
{
	struct worker w[MAX_THREADS];
	unsigned t;
	int rc;

	memset(w, 0, sizeof(w));
	for (t = 0; t < MAX_THREADS; t++)
		w[t].fd = -1;
	pthread_mutex_init(&job->lock, NULL);
	rc = start_workers(w, nthreads, job, ctx);
	stop_workers(w, nthreads);
	pthread_mutex_destroy(&job->lock);
	if (rc != 0)
		fprintf(stderr, "mutate: cannot start the workers\n");
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct sample s = {0};
	struct job job = {0};
	struct coco_ctx *ctx = NULL;
	char *work = NULL;
	int rc = 2, cwd = -1;
	size_t i;

	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	coco_library_init();
	if ((work = make_workdir()) == NULL || copy_fixtures(work) != 0 ||
	    (cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || chdir(work) != 0 ||
	    coco_ctx_new(&ctx) != COCO_OK || prepare(&o, ctx, &s, &job) != 0 ||
	    run_all(&job, ctx, (unsigned)o.nthreads) != 0)
		goto out;
	print_results(&s, job.m, job.n);
	rc = 0;
	for (i = 0; i < job.n; i++)
		if (job.m[i].outcome == OUT_FALSE || job.m[i].outcome == OUT_EXTRACT_ERR ||
		    job.m[i].outcome == OUT_ERROR)
			rc = 1;
	printf("%s\n", rc == 0 ? "mutate: no mutant verified PASSED with other data objects"
			       : "mutate: FAILED (see the list above)");
out:
	if (cwd >= 0 && fchdir(cwd) != 0)
		fprintf(stderr, "mutate: cannot return to the first folder: %s\n", strerror(errno));
	if (cwd >= 0)
		close(cwd);
	if (work != NULL)
		bt_rmtree(work);
	free(work);
	free(job.m);
	free(s.bytes);
	free(s.orig_x);
	free(s.siro);
	free(s.region_of);
	coco_ctx_free(ctx);
	coco_library_cleanup();
	return rc;
}
