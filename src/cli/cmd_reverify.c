/*
 * coco-bundle reverify PATH... [--within DAYS] [--trust DIR] [--at TIME]
 *                     [--format text|json|csv] [-o FILE] [-j N]
 * Re-verifies every accepted bundle of a register: the library (coco_reverify) finds the
 * bundles, verifies them on N worker threads, classifies and renders the rows; this file
 * parses the options, shows progress on a terminal, writes the table and turns the worst
 * row's status into the exit status (1 FAILED, REJECTED, EXPIRED or REVOKED,
 * 3 INDETERMINATE, 4 EXPIRING, 0 OK).
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

#define EXIT_EXPIRING 4
#define MAX_JOBS 64
#define MAX_WITHIN 36500

static const char reverify_help[] =
    "usage: coco-bundle reverify PATH... [--within DAYS] [--trust DIR] [--at TIME]\n"
    "                            [--format text|json|csv] [-o FILE] [-j N]\n"
    "\n"
    "Re-verify every bundle in a register: each PATH is a bundle or a folder searched\n"
    "recursively for *.coco files (links to folders are not followed; names starting\n"
    "with '.', such as the temporary files create and -o write, are skipped). Prints one\n"
    "row per bundle, most urgent first: the status, days left, the earliest expiry among\n"
    "the evidence and signing certificates, the verdict, the sign-off decision in force\n"
    "and the organisation. Statuses: FAILED, REJECTED (the decision is a rejection),\n"
    "EXPIRED, REVOKED (a signing certificate revoked after the approval), INDETERMINATE,\n"
    "EXPIRING (within DAYS), OK.\n"
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
    "Exit status: 0 all OK, 1 any FAILED, REJECTED, EXPIRED or REVOKED, 3 any INDETERMINATE and\n"
    "nothing worse, 4 any EXPIRING and nothing worse, 2 usage or I/O error.\n";

static const struct option reverify_opts[] = {
    {"within", required_argument, NULL, 'w'}, {"trust", required_argument, NULL, 't'},
    {"at", required_argument, NULL, 'a'},     {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'}, {"jobs", required_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
};

/* The exit status for each status: the worst row's is the command's. */
static const int status_exit[COCO_RV_N_STATUS] = {
    [COCO_RV_FAILED] = EXIT_FAILED,
    [COCO_RV_REJECTED] = EXIT_FAILED,
    [COCO_RV_EXPIRED] = EXIT_FAILED,
    [COCO_RV_REVOKED] = EXIT_FAILED,
    [COCO_RV_INDETERMINATE] = EXIT_INDETERMINATE,
    [COCO_RV_EXPIRING] = EXIT_EXPIRING,
    [COCO_RV_OK] = EXIT_PASSED,
};

static const char *const format_names[] = {
    [COCO_RV_TEXT] = "text", [COCO_RV_JSON] = "json", [COCO_RV_CSV] = "csv"};

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

/* Progress on stderr (only on a terminal): the library calls this one bundle at a time. */
static void progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	fprintf(stderr, "\rreverify: %llu/%llu bundles", (unsigned long long)done,
		(unsigned long long)total);
}

/* ---- the command ------------------------------------------------------------------- */

struct options {
	const char *trust, *at, *fmt, *out, *within, *jobs;
	enum coco_rv_format format;
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
	o->format = COCO_RV_TEXT;
	for (i = 0; o->fmt != NULL && i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcasecmp(o->fmt, format_names[i]) == 0)
			break;
	if (o->fmt != NULL && i == sizeof(format_names) / sizeof(format_names[0]))
		return cli_usage_error("reverify", "unknown format '%s' (text, json or csv)",
				       o->fmt);
	if (o->fmt != NULL)
		o->format = (enum coco_rv_format)i;
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
static int check_out(struct coco_ctx *ctx, const struct coco_register *reg, const char *out)
{
	size_t i, n = coco_register_count(reg);
	struct coco_input *in = calloc(n + 1, sizeof(*in));
	int rc;

	if (in == NULL)
		return cli_error("out of memory");
	for (i = 0; i < n; i++) {
		in[i].path = coco_register_row(reg, i)->path;
		in[i].what = "bundle";
	}
	rc = cli_check_output(ctx, out, in, n);
	free(in);
	return rc;
}

/* Finds, verifies and renders the register: 0 or EXIT_USAGE. */
static int run(struct coco_ctx *ctx, struct coco_register *reg, const struct options *o,
	       char **paths, int n_paths, char **buf, size_t *len)
{
	struct coco_reverify_opts ro = {.within_days = o->within_days,
					.jobs = (unsigned)o->n_jobs,
					.progress = isatty(STDERR_FILENO) ? progress : NULL};
	int i, rc = 0;

	for (i = 0; i < n_paths; i++)
		if (coco_register_add(ctx, reg, paths[i]) != COCO_OK)
			return cli_error("%s", coco_ctx_error(ctx));
	if ((rc = check_out(ctx, reg, o->out)) != 0)
		return rc;
	if (coco_register_count(reg) == 0)
		fprintf(stderr, "%s: warning: no bundles (*.coco) found\n", cli_prog);
	rc = coco_reverify(ctx, reg, &ro) != COCO_OK;
	if (ro.progress != NULL && coco_register_count(reg) > 0)
		fputs("\r\033[K", stderr);
	if (rc != 0)
		return cli_error("%s", coco_ctx_error(ctx));
	if (coco_register_render(reg, o->format, buf, len) != COCO_OK)
		return cli_error("out of memory");
	return 0;
}

int cmd_reverify(int argc, char **argv)
{
	struct coco_register *reg = NULL;
	struct coco_ctx *ctx = NULL;
	struct options o;
	char *buf = NULL;
	size_t len = 0;
	int rc = parse_options(argc, argv, &o);

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = cli_ctx("reverify", o.at, o.trust, 1, &ctx)) != 0)
		return rc;
	if (coco_register_new(&reg) != COCO_OK)
		rc = cli_error("out of memory");
	if (rc == 0)
		rc = run(ctx, reg, &o, argv + optind, argc - optind, &buf, &len);
	if (rc == 0 && (rc = cli_output(ctx, o.out, buf, len)) == 0)
		rc = status_exit[coco_register_worst(reg)];
	free(buf);
	coco_register_free(reg);
	coco_ctx_free(ctx);
	return rc;
}
