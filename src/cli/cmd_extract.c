/*
 * coco-bundle extract BUNDLE -d DIR [--trust DIR] [--at TIME]
 * Extracts the data objects only when verification says PASSED; otherwise prints the
 * report and exits with the verdict's status.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char extract_help[] =
    "usage: coco-bundle extract BUNDLE -d DIR [--trust DIR] [--at TIME]\n"
    "\n"
    "Verify BUNDLE and, only if the verdict is PASSED, write its data objects below DIR\n"
    "(created if missing, with its parents). Never writes outside DIR, never follows or\n"
    "creates links and never overwrites a file: if any target exists, nothing is written.\n"
    "\n"
    "  -d, --directory DIR  where to write the data objects\n"
    "  --trust DIR          trust directory (default: $COCO_TRUST, else the installed one)\n"
    "  --at TIME            verification time: YYYY-MM-DD or RFC 3339 (default: now)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 extracted, 1 FAILED, 3 INDETERMINATE, 2 usage or I/O error.\n";

static const struct option extract_opts[] = {
    {"directory", required_argument, NULL, 'd'},
    {"trust", required_argument, NULL, 't'},
    {"at", required_argument, NULL, 'a'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int extract(const char *bundle, const char *dir, const char *trust, const char *at)
{
	struct coco_ctx *ctx = NULL;
	struct coco_report *r = NULL;
	enum coco_err err;
	char *text = NULL;
	int rc;

	if ((rc = cli_ctx("extract", at, trust, 1, &ctx)) != 0)
		return rc;
	if (coco_report_new(&r) != COCO_OK) {
		rc = cli_error("out of memory");
		goto out;
	}
	err = coco_extract(ctx, bundle, dir, r);
	if (err == COCO_ERR_REFUSED && coco_report_count(r) > 0 &&
	    coco_report_verdict(r) != COCO_VERDICT_PASSED) {
		if (coco_report_render(r, COCO_FORMAT_TEXT, cli_color(NULL) ? COCO_RENDER_COLOR : 0,
				       &text, NULL) == COCO_OK)
			fputs(text, stdout);
		cli_error("%s", coco_ctx_error(ctx));
		rc = cli_verdict_exit(coco_report_verdict(r));
	} else if (err != COCO_OK) {
		rc = cli_error("%s", coco_ctx_error(ctx));
	} else {
		cli_say(stdout, "verified PASSED and extracted into '%s'", dir);
	}
out:
	free(text);
	coco_report_free(r);
	coco_ctx_free(ctx);
	return rc;
}

int cmd_extract(int argc, char **argv)
{
	const char *dir = NULL, *trust = NULL, *at = NULL;
	int c, bad;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:h", extract_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(extract_help, stdout);
			return 0;
		case 'd':
			bad = cli_set_once("extract", "--directory", &dir, optarg);
			break;
		case 't':
			bad = cli_set_once("extract", "--trust", &trust, optarg);
			break;
		case 'a':
			bad = cli_set_once("extract", "--at", &at, optarg);
			break;
		default:
			return cli_bad_option("extract", c, argv);
		}
		if (bad)
			return EXIT_USAGE;
	}
	if (argc - optind != 1)
		return cli_usage_error("extract", "expected exactly one BUNDLE");
	if (dir == NULL)
		return cli_usage_error("extract", "-d DIR is required");
	if (cli_check_input("extract", argv[optind], 1) != 0)
		return EXIT_USAGE;
	return extract(argv[optind], dir, trust, at);
}
