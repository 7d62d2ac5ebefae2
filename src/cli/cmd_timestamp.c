/*
 * coco-bundle timestamp BUNDLE -o OUT --tsa URL [--trust DIR] [--at TIME]
 * The archive timestamp (CAdES LTA, ETSI EN 319 162-1 A.5): verifies the bundle, then
 * writes a copy with the trust directory's CRLs and an archive manifest over every entry,
 * timestamped by the TSA. Run again before the newest TSA certificate expires
 * (docs/OPERATIONS.md), each timestamp keeps the ones before it provable.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char timestamp_help[] =
    "usage: coco-bundle timestamp BUNDLE -o OUT --tsa URL [--trust DIR] [--at TIME]\n"
    "\n"
    "Verify BUNDLE in full, then write a copy to OUT (atomically; never BUNDLE itself) with\n"
    "an archive timestamp (CAdES LTA, ETSI EN 319 162-1): the trust directory's CRLs as\n"
    "META-INF/revocation/NNN.crl, META-INF/ASiCArchiveManifestNNN.xml listing every entry\n"
    "with its SHA-256, and META-INF/timestampNNN.tst, an RFC 3161 token over that manifest\n"
    "from the TSA. Every earlier entry is copied byte for byte. A bundle whose verification\n"
    "FAILED is refused. Verify then judges a signature whose certificate has expired or\n"
    "been revoked since at the archive timestamp's proven time. Timestamp again before the\n"
    "newest TSA certificate expires (reverify shows when).\n"
    "\n"
    "  -o, --output OUT     the bundle to write (replaced only on success; not BUNDLE)\n"
    "  --tsa URL            the TSA (http:// or https://, an HTTP POST); required\n"
    "  --trust DIR          trust directory (default: $COCO_TRUST, else the installed one);\n"
    "                       the TSA's CA must be in its tsa/\n"
    "  --at TIME            verify as of TIME (YYYY-MM-DD or RFC 3339; default: now)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 written; 1 refused because the verification FAILED (the reasons are\n"
    "listed); 2 usage error, or the TSA failed, or another error. Nothing is written unless\n"
    "the status is 0.\n";

static const struct option timestamp_opts[] = {
    {"output", required_argument, NULL, 'o'}, {"tsa", required_argument, NULL, 'T'},
    {"trust", required_argument, NULL, 't'},  {"at", required_argument, NULL, 'a'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
};

struct ts_args {
	const char *bundle, *out, *tsa, *trust, *at;
};

static int check_args(const struct ts_args *a)
{
	if (a->out == NULL)
		return cli_usage_error("timestamp", "-o OUT is required");
	if (strcmp(a->out, "-") == 0)
		return cli_usage_error("timestamp",
				       "a bundle cannot be written to standard output");
	if (a->tsa == NULL)
		return cli_usage_error("timestamp", "--tsa URL is required");
	if (!cli_tsa_url_ok(a->tsa))
		return cli_usage_error("timestamp", "--tsa takes an http:// or https:// URL");
	return 0;
}

/* Lists why the bundle was refused: every failed finding. */
static void show_reasons(const struct coco_report *r)
{
	size_t i;

	for (i = 0; i < coco_report_count(r); i++)
		if (coco_finding_status(coco_report_get(r, i)) == COCO_STATUS_FAIL)
			cli_print_finding(stderr, coco_report_get(r, i));
}

static int timestamp(const struct ts_args *a)
{
	/* OUT replaces nothing it reads: the bundle is kept as it was */
	const struct coco_input in[1] = {{a->bundle, "bundle", 0}};
	struct coco_report *r = NULL;
	struct coco_ctx *ctx = NULL;
	enum coco_err err;
	int rc;

	if ((rc = cli_ctx("timestamp", a->at, a->trust, 1, &ctx)) != 0)
		return rc;
	coco_ctx_set_tsa(ctx, cli_tsa_post, (void *)a->tsa);
	if ((rc = cli_check_output(ctx, a->out, in, 1)) != 0 || coco_report_new(&r) != COCO_OK) {
		coco_ctx_free(ctx);
		return rc != 0 ? rc : cli_error("out of memory");
	}
	err = coco_archive_timestamp(ctx, a->bundle, a->out, r);
	if (err == COCO_ERR_REFUSED && coco_report_verdict(r) == COCO_VERDICT_FAILED) {
		cli_error("%s", coco_ctx_error(ctx));
		show_reasons(r);
		rc = EXIT_FAILED;
	} else if (err != COCO_OK) {
		rc = cli_error("%s", coco_ctx_error(ctx));
	} else {
		cli_say(stdout, "archive timestamp added to '%s' in '%s' (verification %s)",
			a->bundle, a->out, coco_verdict_name(coco_report_verdict(r)));
	}
	coco_report_free(r);
	coco_ctx_free(ctx);
	return rc;
}

int cmd_timestamp(int argc, char **argv)
{
	struct ts_args a;
	const char **slot;
	const char *name;
	int c, bad;

	memset(&a, 0, sizeof(a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", timestamp_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(timestamp_help, stdout);
			return 0;
		}
		slot = c == 'o'   ? &a.out
		       : c == 'T' ? &a.tsa
		       : c == 't' ? &a.trust
		       : c == 'a' ? &a.at
				  : NULL;
		name = c == 'o' ? "--output" : c == 'T' ? "--tsa" : c == 't' ? "--trust" : "--at";
		if (slot == NULL)
			return cli_bad_option("timestamp", c, argv);
		if (cli_set_once("timestamp", name, slot, optarg) != 0)
			return EXIT_USAGE;
	}
	if (argc - optind != 1)
		return cli_usage_error("timestamp", "expected exactly one BUNDLE");
	a.bundle = argv[optind];
	if (cli_check_input("timestamp", a.bundle, 1) != 0)
		return EXIT_USAGE;
	if ((bad = check_args(&a)) != 0)
		return bad;
	return timestamp(&a);
}
