/*
 * coco-bundle create DIR -o OUT --key KEY --cert CERT [--chain FILE] [--pass SPEC]
 * coco-bundle create DIR -o OUT --p12 FILE [--pass SPEC]
 * coco-bundle create DIR -o OUT --pkcs11-uri URI [--cert CERT] [--pkcs11-module SO] [--pass SPEC]
 * Packages and signs a submission folder. Pass-phrases use OpenSSL's source syntax;
 * on a terminal, a no-echo prompt is used when --pass is not given.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char create_help[] =
    "usage: coco-bundle create DIR -o OUT --key KEY --cert CERT [--chain FILE] [--pass SPEC]\n"
    "                          [--at TIME] [--trust DIR] [--no-lint] [--tsa URL]\n"
    "       coco-bundle create DIR -o OUT --p12 FILE [--chain FILE] [--pass SPEC] [--at TIME]\n"
    "                          [--trust DIR] [--no-lint] [--tsa URL]\n"
    "       coco-bundle create DIR -o OUT --pkcs11-uri URI [--cert CERT] [--chain FILE]\n"
    "                          [--pkcs11-module SO] [--pass SPEC] [--at TIME] ...\n"
    "\n"
    "Lint the submission in DIR (as 'coco-bundle lint' does, and the director and the\n"
    "organisation against the signer's certificate), then package it into an ETSI ASiC-E\n"
    "bundle signed with CAdES-B-B, written atomically to OUT. The files in DIR (dotfiles\n"
    "aside) must be exactly assessment.xml and the files it references; a FAILED lint is\n"
    "refused unless --no-lint is given. A certificate or chain verify would reject is\n"
    "refused before signing; a chain that reaches no root gets a warning.\n"
    "\n"
    "  -o, --output OUT   the bundle to write (replaced only on success; never inside DIR\n"
    "                     or over a file create reads)\n"
    "  --key KEY          private key: PEM (plain or encrypted) or DER\n"
    "  --cert CERT        signer certificate, PEM or DER\n"
    "  --chain FILE       CA certificates to include, up to the root (PEM, or one DER);\n"
    "                     also with --p12\n"
    "  --p12 FILE         PKCS#12 key, certificate and chain instead of --key/--cert\n"
    "                     (legacy RC2/3DES files too)\n"
    "  --pkcs11-uri URI   a key on a smart card or HSM instead of --key/--p12:\n"
    "                     'pkcs11:token=LABEL;object=LABEL' (RFC 7512, no PIN in it);\n"
    "                     the certificate is --cert, else the token's; --pass gives the PIN\n"
    "  --pkcs11-module SO the PKCS#11 module for --pkcs11-uri (default: p11-kit's proxy,\n"
    "                     which loads every module registered with p11-kit:\n"
    "                     " COCO_DEFAULT_P11_MODULE ")\n"
    "  --pass SPEC        pass-phrase or PIN source: pass:TEXT, env:VAR, file:PATH, fd:N\n"
    "                     or stdin (default: prompt on a terminal, after lint)\n"
    "  --at TIME          sign as of TIME (YYYY-MM-DD or RFC 3339): the certificate is\n"
    "                     checked then, and TIME is the signing-time claim (default: now)\n"
    "  --trust DIR        trust directory whose policy lint applies (default: $COCO_TRUST,\n"
    "                     else the installed one if present, else the built-in policy)\n"
    "  --no-lint          sign even if lint FAILED (the references must still match)\n"
    "  --tsa URL          add an RFC 3161 timestamp over the signature (CAdES-B-T) from\n"
    "                     the time-stamping authority at URL (http:// or https://, an\n"
    "                     HTTP POST); a TSA that fails or answers badly: nothing written\n"
    "  -h, --help         show this help\n"
    "\n"
    "On success it prints the bundle's SHA-256 as sha256sum does: give it to SIA with\n"
    "the bundle.\n"
    "\n"
    "Exit status: 0 created; 1 refused because the submission fails lint or its files\n"
    "are not exactly those assessment.xml references (the failures are listed); 2 usage\n"
    "error, or refused or failed for another reason. Nothing is written unless the\n"
    "status is 0, or the error says that only the last step failed: syncing OUT's\n"
    "folder after OUT was replaced.\n";

static const struct option create_opts[] = {
    {"output", required_argument, NULL, 'o'},
    {"key", required_argument, NULL, 'k'},
    {"cert", required_argument, NULL, 'c'},
    {"chain", required_argument, NULL, 'C'},
    {"p12", required_argument, NULL, 'p'},
    {"pass", required_argument, NULL, 'P'},
    {"at", required_argument, NULL, 'a'},
    {"trust", required_argument, NULL, 't'},
    {"no-lint", no_argument, NULL, 'n'},
    {"tsa", required_argument, NULL, 'T'},
    {"pkcs11-uri", required_argument, NULL, 'U'},
    {"pkcs11-module", required_argument, NULL, 'M'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct create_args {
	const char *dir, *out, *key, *cert, *chain, *p12, *pass, *at, *trust, *tsa, *p11_uri,
	    *p11_module;
	int no_lint;
};

static int check_args(const struct create_args *a)
{
	const struct cli_key_args k = {a->key, a->cert, a->p12, a->p11_uri, a->p11_module};

	if (a->out == NULL)
		return cli_usage_error("create", "-o OUT is required");
	if (cli_check_key_args("create", &k) != 0)
		return EXIT_USAGE;
	if (a->pass != NULL && cli_check_pass("create", a->pass) != 0)
		return EXIT_USAGE;
	if (strcmp(a->out, "-") == 0)
		return cli_usage_error("create", "a bundle cannot be written to standard output");
	if (a->tsa != NULL && !cli_tsa_url_ok(a->tsa))
		return cli_usage_error("create", "--tsa takes an http:// or https:// URL");
	return 0;
}

/* Prints r's findings of status st on stderr. */
static void print_status(const struct coco_report *r, enum coco_status st)
{
	size_t i;

	for (i = 0; i < coco_report_count(r); i++)
		if (coco_finding_status(coco_report_get(r, i)) == st)
			cli_print_finding(stderr, coco_report_get(r, i));
}

/*
 * Lists lint's failures on stderr when create refused, or signed anyway (--no-lint); else
 * names the warnings it counted: some (the director against the signer) only create can
 * show, as lint has no signer.
 */
static void show_lint(const struct coco_report *r, int refused)
{
	int failed = coco_report_verdict(r) == COCO_VERDICT_FAILED;
	size_t i, warns = 0, fails = 0;

	for (i = 0; i < coco_report_count(r); i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		enum coco_status st = coco_finding_status(f);
		/* a summary stands for many */
		warns += st == COCO_STATUS_WARN ? coco_finding_count(f) : 0;
		fails += st == COCO_STATUS_FAIL ? coco_finding_count(f) : 0;
	}
	print_status(r, COCO_STATUS_FAIL);
	if (!refused && failed) {
		fprintf(stderr, "%s: warning: signed despite %zu failed check%s (--no-lint)\n",
			cli_prog, fails, fails == 1 ? "" : "s");
	} else if (!refused && warns > 0) {
		fprintf(stderr, "%s: lint passed with %zu warning%s:\n", cli_prog, warns,
			warns == 1 ? "" : "s");
		print_status(r, COCO_STATUS_WARN);
	}
}

/* The bundle's SHA-256 (coco_create's, made while it was written) as sha256sum prints it,
 * for the applicant to give SIA with it. */
static void print_sha256(const unsigned char md[32], const char *path)
{
	char hex[65];
	size_t i;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	cli_say(stdout, "%s  %s", hex, path);
}

static int create(const struct create_args *a)
{
	const struct cli_key_args k = {a->key, a->cert, a->p12, a->p11_uri, a->p11_module};
	struct cli_pass pass;
	struct coco_signer_opts so;
	struct coco_ctx *ctx = NULL;
	struct coco_signer *signer = NULL;
	unsigned char md[32];
	struct coco_create_opts co = {a->no_lint ? COCO_CREATE_NO_LINT : 0, NULL, md};
	/* what create reads, which OUT must not replace (the library checks the folder too) */
	struct coco_input in[1 + CLI_SIGNING_INPUTS] = {{a->dir, "submission folder", 1}};
	struct cli_progress progress;
	enum coco_err err;
	int rc;

	cli_signer_opts(&k, a->chain, a->pass, COCO_SIGNER_DEFER_KEY, &pass, &so);
	if ((rc = cli_ctx("create", a->at, a->trust, 2, &ctx)) != 0)
		return rc;
	if (a->tsa != NULL)
		coco_ctx_set_tsa(ctx, cli_tsa_post, (void *)a->tsa);
	cli_signing_inputs(&so, a->pass, in + 1);
	if ((rc = cli_check_output(ctx, a->out, in, sizeof(in) / sizeof(in[0]))) != 0 ||
	    coco_report_new(&co.lint) != COCO_OK) {
		coco_ctx_free(ctx);
		return rc != 0 ? rc : cli_error("out of memory");
	}
	cli_warn_key_mode(a->p12 ? a->p12 : a->key); /* NULL with --pkcs11-uri */
	cli_progress_start(ctx, &progress, "writing", a->out);
	err = coco_signer_load(ctx, &so, &signer);
	if (err == COCO_OK)
		err = coco_create(ctx, a->dir, a->out, signer, &co);
	cli_progress_end(&progress);
	if (err == COCO_OK || err == COCO_ERR_REFUSED)
		show_lint(co.lint, err == COCO_ERR_REFUSED);
	if (err != COCO_OK) {
		rc = cli_signer_error(ctx, &pass);
		if (err == COCO_ERR_REFUSED && coco_report_verdict(co.lint) == COCO_VERDICT_FAILED)
			rc = EXIT_FAILED;
	} else {
		cli_say(stdout, "created '%s', signed by '%s'", a->out,
			coco_signer_subject(signer));
		/* about the bundle made, so only once it is */
		if (coco_signer_warning(signer) != NULL)
			cli_say(stderr, "%s: warning: %s", cli_prog, coco_signer_warning(signer));
		print_sha256(md, a->out);
		rc = 0;
	}
	coco_report_free(co.lint);
	coco_signer_free(signer);
	coco_ctx_free(ctx);
	return rc;
}

int cmd_create(int argc, char **argv)
{
	struct create_args a = {0};
	int c, bad;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", create_opts, NULL)) != -1) {
		const char **slot = NULL, *name = NULL;
		switch (c) {
		case 'h':
			fputs(create_help, stdout);
			return 0;
		case 'o':
			slot = &a.out, name = "--output";
			break;
		case 'k':
			slot = &a.key, name = "--key";
			break;
		case 'c':
			slot = &a.cert, name = "--cert";
			break;
		case 'C':
			slot = &a.chain, name = "--chain";
			break;
		case 'p':
			slot = &a.p12, name = "--p12";
			break;
		case 'P':
			slot = &a.pass, name = "--pass";
			break;
		case 'a':
			slot = &a.at, name = "--at";
			break;
		case 't':
			slot = &a.trust, name = "--trust";
			break;
		case 'T':
			slot = &a.tsa, name = "--tsa";
			break;
		case 'U':
			slot = &a.p11_uri, name = "--pkcs11-uri";
			break;
		case 'M':
			slot = &a.p11_module, name = "--pkcs11-module";
			break;
		case 'n':
			if (a.no_lint)
				return cli_usage_error("create", "--no-lint given twice");
			a.no_lint = 1;
			continue;
		default:
			return cli_bad_option("create", c, argv);
		}
		bad = cli_set_once("create", name, slot, optarg);
		if (bad)
			return EXIT_USAGE;
	}
	if (argc - optind != 1)
		return cli_usage_error("create", "expected exactly one DIR");
	a.dir = argv[optind];
	if (cli_check_input("create", a.dir, 0) != 0)
		return EXIT_USAGE;
	if ((bad = check_args(&a)) != 0)
		return bad;
	return create(&a);
}
