/*
 * coco-bundle countersign BUNDLE -o OUT --key KEY --cert CERT [--chain FILE] [--pass SPEC]
 *                         (or --p12 FILE, or --pkcs11-uri URI [--cert CERT] [--pkcs11-module SO])
 *                         --decision approved|rejected [--confirm-statements]
 *                         [--comment TEXT] [--trust DIR] [--at TIME]
 * The SIRO's sign-off: verifies the bundle, then records the decision in a copy of it,
 * signed by the SIRO. Approval is refused unless the verification PASSED and the SIRO
 * confirms (--confirm-statements) having read each CoCo statement against SIA's
 * requirement: the one act a machine cannot do for them, recorded in the decision.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char countersign_help[] =
    "usage: coco-bundle countersign BUNDLE -o OUT --key KEY --cert CERT [--chain FILE]\n"
    "                               [--pass SPEC] --decision approved|rejected\n"
    "                               [--confirm-statements] [--comment TEXT] [--trust DIR]\n"
    "                               [--at TIME] [--tsa URL]\n"
    "       coco-bundle countersign BUNDLE -o OUT --p12 FILE [--chain FILE] [--pass SPEC]\n"
    "                               --decision ...\n"
    "       coco-bundle countersign BUNDLE -o OUT --pkcs11-uri URI [--cert CERT]\n"
    "                               [--pkcs11-module SO] [--pass SPEC] --decision ...\n"
    "\n"
    "Verify BUNDLE in full, then record the SIRO's decision in a copy written atomically to\n"
    "OUT (which may be BUNDLE itself): signoff/decision-NNN.xml, the full report as\n"
    "signoff/report-NNN.xml, and a manifest over every earlier entry and the two new\n"
    "files, signed with CAdES-B-B by the SIRO. The applicant's entries are copied byte for\n"
    "byte. 'approved' is refused unless the verdict is PASSED; 'rejected' is refused only\n"
    "when the container itself cannot be read. The SIRO's CA must be in the trust\n"
    "directory's siro/: countersign checks its own signature before writing. A later\n"
    "decision can follow an earlier one (numbered 002, 003, ...).\n"
    "\n"
    "  -o, --output OUT     the bundle to write (replaced only on success; may be BUNDLE,\n"
    "                       never a key or certificate it reads)\n"
    "  --decision WORD      approved or rejected\n"
    "  --confirm-statements with approved (required): you have read each CoCo statement\n"
    "                       against SIA's requirement (the assessment.statement_read\n"
    "                       manual checks); the decision records the elements read\n"
    "  --comment TEXT       the SIRO's comment, recorded with the decision (4096 bytes)\n"
    "  --key KEY            the SIRO's private key: PEM (plain or encrypted) or DER\n"
    "  --cert CERT          the SIRO's certificate, PEM or DER\n"
    "  --chain FILE         CA certificates to include (PEM, or one DER); also with --p12\n"
    "  --p12 FILE           PKCS#12 key, certificate and chain instead of --key/--cert\n"
    "  --pkcs11-uri URI     the SIRO's key on a smart card or HSM instead of --key/--p12:\n"
    "                       'pkcs11:token=LABEL;object=LABEL' (RFC 7512, no PIN in it);\n"
    "                       the certificate is --cert, else the token's; --pass gives\n"
    "                       the PIN\n"
    "  --pkcs11-module SO   the PKCS#11 module for --pkcs11-uri (default: p11-kit's\n"
    "                       proxy, which loads every module registered with p11-kit:\n"
    "                       " COCO_DEFAULT_P11_MODULE ")\n"
    "  --pass SPEC          pass-phrase or PIN source: pass:TEXT, env:VAR, file:PATH,\n"
    "                       fd:N or stdin (default: prompt on a terminal)\n"
    "  --trust DIR          trust directory (default: $COCO_TRUST, else the installed one)\n"
    "  --at TIME            verify and sign as of TIME (YYYY-MM-DD or RFC 3339; default: now)\n"
    "  --tsa URL            add an RFC 3161 timestamp over the SIRO's signature (CAdES-B-T)\n"
    "                       from the TSA at URL (http:// or https://, an HTTP POST)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 recorded; 1 approval refused because the verification did not pass\n"
    "(the reasons are listed); 2 usage error, or refused or failed for another reason.\n"
    "Nothing is written unless the status is 0, or the error says that only the last\n"
    "step failed: syncing OUT's folder after OUT was replaced.\n";

static const struct option countersign_opts[] = {
    {"output", required_argument, NULL, 'o'},
    {"key", required_argument, NULL, 'k'},
    {"cert", required_argument, NULL, 'c'},
    {"chain", required_argument, NULL, 'C'},
    {"p12", required_argument, NULL, 'p'},
    {"pass", required_argument, NULL, 'P'},
    {"decision", required_argument, NULL, 'd'},
    {"comment", required_argument, NULL, 'm'},
    {"trust", required_argument, NULL, 't'},
    {"at", required_argument, NULL, 'a'},
    {"help", no_argument, NULL, 'h'},
    {"confirm-statements", no_argument, NULL, 'S'},
    {"tsa", required_argument, NULL, 'T'},
    {"pkcs11-uri", required_argument, NULL, 'U'},
    {"pkcs11-module", required_argument, NULL, 'M'},
    {NULL, 0, NULL, 0},
};

struct cs_args {
	const char *bundle, *out, *key, *cert, *chain, *p12, *pass, *decision, *comment, *trust,
	    *at, *tsa, *p11_uri, *p11_module;
	int confirm; /* --confirm-statements */
};

static int check_args(const struct cs_args *a, enum coco_decision *d)
{
	const struct cli_key_args k = {a->key, a->cert, a->p12, a->p11_uri, a->p11_module};

	if (a->out == NULL)
		return cli_usage_error("countersign", "-o OUT is required");
	if (strcmp(a->out, "-") == 0)
		return cli_usage_error("countersign",
				       "a bundle cannot be written to standard output");
	if (a->decision == NULL)
		return cli_usage_error("countersign", "--decision approved|rejected is required");
	if (strcmp(a->decision, "approved") == 0 && !a->confirm)
		return cli_usage_error(
		    "countersign", "--decision approved needs --confirm-statements: confirm that "
				   "you have read each CoCo statement against SIA's requirement");
	if (strcmp(a->decision, "approved") == 0)
		*d = COCO_DECISION_APPROVED;
	else if (a->confirm)
		return cli_usage_error("countersign",
				       "--confirm-statements goes with --decision approved only");
	else if (strcmp(a->decision, "rejected") == 0)
		*d = COCO_DECISION_REJECTED;
	else
		return cli_usage_error(
		    "countersign", "invalid --decision '%s' (approved or rejected)", a->decision);
	if (cli_check_key_args("countersign", &k) != 0)
		return EXIT_USAGE;
	if (a->pass != NULL && cli_check_pass("countersign", a->pass) != 0)
		return EXIT_USAGE;
	if (a->tsa != NULL && !cli_tsa_url_ok(a->tsa))
		return cli_usage_error("countersign", "--tsa takes an http:// or https:// URL");
	return 0;
}

/* Lists why approval was refused: every failed and indeterminate finding. */
static void show_reasons(const struct coco_report *r)
{
	size_t i;

	for (i = 0; i < coco_report_count(r); i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		enum coco_status st = coco_finding_status(f);
		if (st == COCO_STATUS_FAIL || st == COCO_STATUS_INDETERMINATE)
			cli_print_finding(stderr, f);
	}
}

static int countersign(const struct cs_args *a, enum coco_decision d)
{
	const struct cli_key_args k = {a->key, a->cert, a->p12, a->p11_uri, a->p11_module};
	struct cli_pass pass;
	struct coco_signer_opts so;
	struct coco_countersign_opts co = {d, a->comment, NULL, a->confirm};
	struct coco_input in[CLI_SIGNING_INPUTS];
	struct coco_ctx *ctx = NULL;
	struct coco_signer *siro = NULL;
	enum coco_err err;
	int rc;

	cli_signer_opts(&k, a->chain, a->pass, COCO_SIGNER_SIRO, &pass, &so);
	if ((rc = cli_ctx("countersign", a->at, a->trust, 1, &ctx)) != 0)
		return rc;
	if (a->tsa != NULL)
		coco_ctx_set_tsa(ctx, cli_tsa_post, (void *)a->tsa);
	/* OUT may be BUNDLE (in place, on purpose), but not a key or certificate */
	cli_signing_inputs(&so, a->pass, in);
	if ((rc = cli_check_output(ctx, a->out, in, CLI_SIGNING_INPUTS)) != 0 ||
	    coco_report_new(&co.report) != COCO_OK) {
		coco_ctx_free(ctx);
		return rc != 0 ? rc : cli_error("out of memory");
	}
	cli_warn_key_mode(a->p12 ? a->p12 : a->key);
	err = coco_signer_load(ctx, &so, &siro);
	if (err == COCO_OK)
		err = coco_countersign(ctx, a->bundle, a->out, siro, &co);
	if (err == COCO_ERR_REFUSED && siro != NULL && d == COCO_DECISION_APPROVED &&
	    coco_report_verdict(co.report) != COCO_VERDICT_PASSED) {
		rc = cli_error("%s", coco_ctx_error(ctx));
		show_reasons(co.report);
		rc = EXIT_FAILED;
	} else if (err != COCO_OK) {
		rc = cli_signer_error(ctx, &pass);
	} else {
		cli_say(stdout, "recorded '%s' by '%s' in '%s' (verification %s)", a->decision,
			coco_signer_subject(siro), a->out,
			coco_verdict_name(coco_report_verdict(co.report)));
	}
	coco_report_free(co.report);
	coco_signer_free(siro);
	coco_ctx_free(ctx);
	return rc;
}

/* The option's slot in a, and its name for messages; NULL for an unknown option. */
static const char **slot_of(struct cs_args *a, int c, const char **name)
{
	static const struct {
		int c;
		const char *name;
		size_t off;
	} slots[] = {
	    {'o', "--output", offsetof(struct cs_args, out)},
	    {'k', "--key", offsetof(struct cs_args, key)},
	    {'c', "--cert", offsetof(struct cs_args, cert)},
	    {'C', "--chain", offsetof(struct cs_args, chain)},
	    {'p', "--p12", offsetof(struct cs_args, p12)},
	    {'P', "--pass", offsetof(struct cs_args, pass)},
	    {'d', "--decision", offsetof(struct cs_args, decision)},
	    {'m', "--comment", offsetof(struct cs_args, comment)},
	    {'t', "--trust", offsetof(struct cs_args, trust)},
	    {'a', "--at", offsetof(struct cs_args, at)},
	    {'T', "--tsa", offsetof(struct cs_args, tsa)},
	    {'U', "--pkcs11-uri", offsetof(struct cs_args, p11_uri)},
	    {'M', "--pkcs11-module", offsetof(struct cs_args, p11_module)},
	};
	size_t i;

	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (slots[i].c == c) {
			*name = slots[i].name;
			return (const char **)((char *)a + slots[i].off);
		}
	return NULL;
}

int cmd_countersign(int argc, char **argv)
{
	struct cs_args a;
	enum coco_decision d = COCO_DECISION_NONE;
	const char **slot, *name = NULL;
	int c, bad;

	memset(&a, 0, sizeof(a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", countersign_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(countersign_help, stdout);
			return 0;
		}
		if (c == 'S') {
			a.confirm = 1;
			continue;
		}
		if ((slot = slot_of(&a, c, &name)) == NULL)
			return cli_bad_option("countersign", c, argv);
		if (cli_set_once("countersign", name, slot, optarg) != 0)
			return EXIT_USAGE;
	}
	if (argc - optind != 1)
		return cli_usage_error("countersign", "expected exactly one BUNDLE");
	a.bundle = argv[optind];
	if (cli_check_input("countersign", a.bundle, 1) != 0)
		return EXIT_USAGE;
	if ((bad = check_args(&a, &d)) != 0)
		return bad;
	return countersign(&a, d);
}
