/*
 * coco-bundle lint DIR|assessment.xml [--trust DIR] [--at TIME] [--format text|json|xml|html]
 * [-o FILE]
 * Every check of verify that needs no signature, before signing: same finding ids,
 * same verdict rules, same exit codes.
 */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static const char lint_help[] =
    "usage: coco-bundle lint DIR|assessment.xml [--trust DIR] [--at TIME]\n"
    "                        [--format text|json|xml|html] [-o FILE]\n"
    "\n"
    "Check a submission folder before signing it, with the rules SIA applies in verify:\n"
    "the self-assessment (schema, all eleven CoCo elements, placeholders, countries,\n"
    "authorisation, policies), the files it references, and the baseline certificates\n"
    "(scheme, dates, holder, scope, certification body, register). Given the file\n"
    "DIR/assessment.xml, DIR is the submission.\n"
    "\n"
    "  --trust DIR        trust directory with SIA's policy.xml, bodies/ and registers/\n"
    "                     (default: $COCO_TRUST, else the installed one if present,\n"
    "                     else the built-in default policy)\n"
    "  --at TIME          check time: YYYY-MM-DD or RFC 3339 (default: now)\n"
    "  --format FORMAT    text (default), json, xml, or html (a printable pre-signing sheet)\n"
    "  -o, --output FILE  write the report to FILE atomically ('-' for stdout; never\n"
    "                     inside the submission folder)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 PASSED, 1 FAILED, 3 INDETERMINATE, 2 usage or I/O error.\n";

static const struct option lint_opts[] = {
    {"trust", required_argument, NULL, 't'},  {"at", required_argument, NULL, 'a'},
    {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
};

int cmd_lint(int argc, char **argv)
{
	const char *trust = NULL, *at = NULL, *fmt = NULL, *out = NULL;
	const char **slot;
	const char *name;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", lint_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(lint_help, stdout);
			return 0;
		case 't':
			slot = &trust, name = "--trust";
			break;
		case 'a':
			slot = &at, name = "--at";
			break;
		case 'f':
			slot = &fmt, name = "--format";
			break;
		case 'o':
			slot = &out, name = "--output";
			break;
		default:
			return cli_bad_option("lint", c, argv);
		}
		if (cli_set_once("lint", name, slot, optarg) != 0)
			return EXIT_USAGE;
	}
	if (argc - optind != 1)
		return cli_usage_error("lint", "expected exactly one DIR or assessment file");
	return cli_run_report("lint", CLI_LINT, argv[optind], trust, at, fmt, out);
}
