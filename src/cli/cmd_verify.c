/*
 * coco-bundle verify BUNDLE... [--trust DIR] [--at TIME] [--format text|json|xml|html] [-o FILE]
 * Runs the whole verification pipeline and prints the report; the exit status is the
 * verdict (0 PASSED, 1 FAILED, 3 INDETERMINATE) or 2 when it could not run. Several
 * bundles (text only): one report each, a summary line, and the worst exit.
 */
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char verify_help[] =
    "usage: coco-bundle verify BUNDLE... [--trust DIR] [--at TIME]\n"
    "                              [--format text|json|xml|html] [-o FILE]\n"
    "\n"
    "Verify a bundle: container, manifest, digests, CAdES signature, signer chain and\n"
    "revocation, then the CoCo self-assessment and its evidence against the trust\n"
    "directory's policy. Prints a summary, one line per finding, the manual checks for\n"
    "the SIRO, and the verdict last, with the SIRO's decision in force under it once one\n"
    "is recorded. --format html writes the printable sign-off sheet.\n"
    "Several bundles (text only, to standard output): one report after another, then a\n"
    "summary line; the exit status is the worst (2, then 1, then 3, then 0).\n"
    "\n"
    "  --trust DIR        trust directory (default: $COCO_TRUST, else the installed one)\n"
    "  --at TIME          verification time: YYYY-MM-DD or RFC 3339 (default: now)\n"
    "  --format FORMAT    text (default), json, xml (docs/schema/coco-report-1.xsd), or\n"
    "                     html (the SIRO's printable sign-off sheet: one self-contained\n"
    "                     page, no scripts)\n"
    "  -o, --output FILE  write the report to FILE atomically ('-' for stdout; never BUNDLE)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 PASSED, 1 FAILED, 3 INDETERMINATE (the verdict, which judges the\n"
    "evidence: a PASSED bundle the SIRO rejected exits 0), 2 usage or I/O error.\n";

static const struct option verify_opts[] = {
    {"trust", required_argument, NULL, 't'},  {"at", required_argument, NULL, 'a'},
    {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
};

/*
 * What a report command reads, which -o must not replace: the bundle; for lint, the
 * assessment file if given, and the submission folder (a report written there would be a
 * file that create refuses to package).
 */
static int check_out(struct coco_ctx *ctx, enum cli_mode mode, const char *path, const char *out)
{
	struct coco_input in[2] = {{path, mode == CLI_LINT ? "assessment" : "bundle", 0},
				   {NULL, "submission folder", 1}};
	struct stat st;
	char *copy = NULL;
	int rc;

	if (mode == CLI_LINT && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		in[0].path = NULL;
		in[1].path = path;
	} else if (mode == CLI_LINT) {
		if ((copy = strdup(path)) == NULL)
			return cli_error("out of memory");
		in[1].path = dirname(copy);
	}
	rc = cli_check_output(ctx, out, in, 2);
	free(copy);
	return rc;
}

int cli_run_report(const char *cmd, enum cli_mode mode, const char *bundle, const char *trust,
		   const char *at, const char *fmt, const char *out)
{
	int inspect = mode == CLI_INSPECT;
	enum coco_format format = COCO_FORMAT_TEXT;
	struct coco_ctx *ctx = NULL;
	struct coco_report *r = NULL;
	char *text = NULL;
	struct cli_progress progress;
	enum coco_err err;
	size_t len = 0;
	int rc;
	unsigned flags;

	if (fmt != NULL && cli_parse_format(cmd, fmt, &format) != 0)
		return EXIT_USAGE;
	if ((rc = cli_check_input(cmd, bundle, mode != CLI_LINT)) != 0)
		return rc;
	if (inspect && format == COCO_FORMAT_HTML) /* the sheet is for a verdict */
		return cli_usage_error(cmd,
				       "format 'html' is for verify and lint (text, json or xml)");
	if ((rc = cli_ctx(cmd, at, trust,
			  mode == CLI_VERIFY ? 1
			  : mode == CLI_LINT ? 2
					     : 0,
			  &ctx)) != 0)
		return rc;
	if ((rc = check_out(ctx, mode, bundle, out)) != 0)
		goto out;
	if (coco_report_new(&r) != COCO_OK) {
		rc = cli_error("out of memory");
		goto out;
	}
	cli_progress_start(ctx, &progress, inspect ? "reading" : "verifying", bundle);
	err = mode == CLI_INSPECT ? coco_inspect(ctx, bundle, r)
	      : mode == CLI_LINT  ? coco_lint(ctx, bundle, r)
				  : coco_verify(ctx, bundle, r);
	cli_progress_end(&progress);
	if (err != COCO_OK) {
		rc = cli_error("%s", coco_ctx_error(ctx));
		goto out;
	}
	flags = (cli_color(out) ? COCO_RENDER_COLOR : 0) | (inspect ? COCO_RENDER_INSPECT : 0);
	if (coco_report_render(r, format, flags, &text, &len) != COCO_OK) {
		rc = cli_error("out of memory");
		goto out;
	}
	if ((rc = cli_output(ctx, out, text, len)) == 0)
		rc = inspect ? 0 : cli_verdict_exit(coco_report_verdict(r));
out:
	free(text);
	coco_report_free(r);
	coco_ctx_free(ctx);
	return rc;
}

/* How bad an exit status is, for the worst of several: 2 (not verified), then 1 (FAILED),
 * then 3 (INDETERMINATE), then 0 (PASSED). */
static int exit_rank(int rc)
{
	return rc == EXIT_USAGE ? 3 : rc == EXIT_FAILED ? 2 : rc == EXIT_INDETERMINATE ? 1 : 0;
}

/* verify of several bundles: each report in turn on stdout, then one summary line. */
static int verify_many(char **bundles, size_t n, const char *trust, const char *at, const char *fmt,
		       const char *out)
{
	enum coco_format format = COCO_FORMAT_TEXT;
	size_t count[4] = {0}, i; /* by exit_rank: PASSED, INDETERMINATE, FAILED, not verified */
	struct coco_ctx *ctx = NULL;
	int rc, worst = 0;

	if (fmt != NULL && cli_parse_format("verify", fmt, &format) != 0)
		return EXIT_USAGE;
	if (format != COCO_FORMAT_TEXT || (out != NULL && strcmp(out, "-") != 0))
		return cli_usage_error("verify",
				       "several bundles give text reports on standard "
				       "output: for --format or -o, verify one bundle at a time");
	if ((rc = cli_ctx("verify", at, trust, 1, &ctx)) != 0) /* the trust directory, once */
		return rc;
	coco_ctx_free(ctx);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc('\n', stdout);
		fflush(stdout);
		rc = cli_run_report("verify", CLI_VERIFY, bundles[i], trust, at, NULL, NULL);
		fflush(stdout);
		count[exit_rank(rc)]++;
		if (exit_rank(rc) > exit_rank(worst))
			worst = rc;
	}
	printf("\n%zu bundles: %zu PASSED, %zu FAILED, %zu INDETERMINATE, %zu not verified\n", n,
	       count[0], count[2], count[1], count[3]);
	return worst;
}

int cmd_verify(int argc, char **argv)
{
	const char *trust = NULL, *at = NULL, *fmt = NULL, *out = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", verify_opts, NULL)) != -1) {
		int bad;
		switch (c) {
		case 'h':
			fputs(verify_help, stdout);
			return 0;
		case 't':
			bad = cli_set_once("verify", "--trust", &trust, optarg);
			break;
		case 'a':
			bad = cli_set_once("verify", "--at", &at, optarg);
			break;
		case 'f':
			bad = cli_set_once("verify", "--format", &fmt, optarg);
			break;
		case 'o':
			bad = cli_set_once("verify", "--output", &out, optarg);
			break;
		default:
			return cli_bad_option("verify", c, argv);
		}
		if (bad)
			return EXIT_USAGE;
	}
	if (argc - optind < 1)
		return cli_usage_error("verify", "expected a BUNDLE");
	if (argc - optind > 1)
		return verify_many(&argv[optind], (size_t)(argc - optind), trust, at, fmt, out);
	return cli_run_report("verify", CLI_VERIFY, argv[optind], trust, at, fmt, out);
}

static const char inspect_help[] =
    "usage: coco-bundle inspect BUNDLE [--format text|json|xml] [-o FILE]\n"
    "\n"
    "List a bundle's entries with sizes, compression and SHA-256 digests, and each\n"
    "signature's signer and signing time, without judging them (use verify for that).\n"
    "\n"
    "  --format FORMAT    text (default), json or xml\n"
    "  -o, --output FILE  write to FILE atomically ('-' for stdout; never BUNDLE)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 listed, 2 the file is not a readable bundle or a usage error.\n";

static const struct option inspect_opts[] = {
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_inspect(int argc, char **argv)
{
	const char *fmt = NULL, *out = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", inspect_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(inspect_help, stdout);
			return 0;
		}
		if (c == '?' || c == ':')
			return cli_bad_option("inspect", c, argv);
		if (cli_set_once("inspect", c == 'f' ? "--format" : "--output",
				 c == 'f' ? &fmt : &out, optarg) != 0)
			return EXIT_USAGE;
	}
	if (argc - optind != 1)
		return cli_usage_error("inspect", "expected exactly one BUNDLE");
	return cli_run_report("inspect", CLI_INSPECT, argv[optind], NULL, NULL, fmt, out);
}
