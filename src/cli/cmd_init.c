/*
 * coco-bundle init DIR [--org NAME] [--trust DIR]
 * Writes a skeleton submission: assessment.xml with the eleven CoCo elements, their
 * requirements and SIA's guidance as comments, and empty evidence/ and policies/. The
 * baseline certificate offers the schemes of the trust directory's policy.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char init_help[] =
    "usage: coco-bundle init DIR [--org NAME] [--trust DIR]\n"
    "\n"
    "Start a submission folder: DIR/assessment.xml with all eleven CoCo elements (each\n"
    "with its requirement and SIA's guidance as comments), and empty DIR/evidence/ and\n"
    "DIR/policies/. The placeholders fail 'coco-bundle lint' until they are filled in.\n"
    "DIR is created if missing; an existing assessment.xml is never overwritten.\n"
    "\n"
    "  --org NAME   the organisation's legal name, written into the skeleton\n"
    "  --trust DIR  trust directory whose policy.xml names the schemes the skeleton offers\n"
    "               (default: $COCO_TRUST, else the installed one, else the built-in policy)\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status: 0 written, 2 usage error, or the folder cannot be written, or\n"
    "assessment.xml already exists.\n";

/* The length of path without its trailing slashes ("/" keeps its one). */
static size_t dir_len(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

static const struct option init_opts[] = {
    {"org", required_argument, NULL, 'g'},
    {"trust", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_init(int argc, char **argv)
{
	const char *org = NULL, *trust = NULL;
	struct coco_ctx *ctx = NULL;
	int c, rc = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", init_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(init_help, stdout);
			return 0;
		}
		if (c != 'g' && c != 't')
			return cli_bad_option("init", c, argv);
		if (cli_set_once("init", c == 'g' ? "--org" : "--trust", c == 'g' ? &org : &trust,
				 optarg) != 0)
			return EXIT_USAGE;
	}
	if (argc - optind != 1)
		return cli_usage_error("init", "expected exactly one DIR");
	if ((rc = cli_ctx("init", NULL, trust, 2, &ctx)) != 0)
		return rc;
	if (coco_init(ctx, argv[optind], org) != COCO_OK)
		rc = cli_error("%s", coco_ctx_error(ctx));
	else /* "dir/" names dir: no double slash in the path shown */
		cli_say(stderr,
			"coco-bundle: wrote '%.*s/assessment.xml'; fill it in, add the evidence, "
			"then run 'coco-bundle lint %s'",
			(int)dir_len(argv[optind]), argv[optind], argv[optind]);
	coco_ctx_free(ctx);
	return rc;
}
