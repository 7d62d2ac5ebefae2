/*
 * Shared pieces of the coco-bundle command line: diagnostics, option helpers, the
 * pass-phrase sources, trust-directory resolution and output writing. Only the program
 * reads argv, the environment and the terminal; the library gets plain values.
 */
#ifndef COCO_CLI_H
#define COCO_CLI_H

#include <stdio.h>

#include "coco/coco.h"

#define EXIT_PASSED 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_INDETERMINATE 3

extern const char *cli_prog;
/* The installed trust directory, PREFIX/share/coco-bundle/trust (Makefile: build/prefix). */
extern const char cli_default_trust[];

/* coco_escape(s, mode), malloc'd; exits with EXIT_USAGE and a one-line error when memory
 * runs out (as git's xmalloc dies), so output is never silently cut. */
char *cli_escape(const char *s, enum coco_escape mode);
/* Writes s escaped by the library for a terminal (coco_escape, COCO_ESCAPE_TEXT): controls,
 * invalid UTF-8 and characters that reorder or hide text become '?'. */
void cli_put_safe(FILE *out, const char *s);
/* Prints the formatted line (at most 4 KiB) with cli_put_safe, then a newline. */
void cli_say(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "coco-bundle: MSG" to stderr (controls replaced) and returns EXIT_USAGE. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "coco-bundle CMD: MSG" plus a hint to run --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The one-line error for getopt's '?' or ':' (call with opterr = 0, optstring ":..."). */
int cli_bad_option(const char *cmd, int c, char **argv);

/* Stores optarg in *slot, refusing a second use of the same option. 0 or -1. */
int cli_set_once(const char *cmd, const char *opt, const char **slot, const char *value);

/* Parses --format: text, json, xml or html, in any case. 0 or -1 (message printed). */
int cli_parse_format(const char *cmd, const char *value, enum coco_format *out);

/*
 * Creates a context with --at applied and, if load_trust, the trust directory loaded.
 * load_trust 2: the installed default is optional (without it, the built-in policy
 * applies), for lint and create, which need only the policy.
 */
int cli_ctx(const char *cmd, const char *at, const char *trust, int load_trust,
	    struct coco_ctx **out);

/* Prints "  STATUS ID 'SUBJECT': MESSAGE" (controls replaced), for lists of reasons. */
void cli_print_finding(FILE *out, const struct coco_finding *f);

/* Checks a --pass source (pass:, env:, file:, fd:, stdin) can be read: 0, or -1 (printed,
 * never showing an invalid value, which may be the pass-phrase itself). */
int cli_check_pass(const char *cmd, const char *spec);
/* Warns when a private key file is readable by group or others. */
void cli_warn_key_mode(const char *path);

/* What cli_pass_cb reads: spec is the --pass value (pass:, env:, file:, fd:, stdin) or
 * NULL, to prompt on a terminal naming file; no_source is set when it had neither. */
struct cli_pass {
	const char *spec, *file;
	int no_source;
	int pin; /* a token's PIN (file is its pkcs11: URI), not a file's pass-phrase */
};
/* Pass-phrase callback for the library; arg is a struct cli_pass. */
int cli_pass_cb(char *buf, int size, void *arg);
#ifndef COCO_DEFAULT_P11_MODULE /* set by the Makefile for the build's architecture */
#define COCO_DEFAULT_P11_MODULE "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so"
#endif
/*
 * Checks a signing command's key options: --key with --cert, --p12, or --pkcs11-uri
 * (with --cert optional: else the token's certificate); --pkcs11-module only with
 * --pkcs11-uri. 0, or EXIT_USAGE (printed).
 */
struct cli_key_args {
	const char *key, *cert, *p12, *p11_uri, *p11_module;
};
int cli_check_key_args(const char *cmd, const struct cli_key_args *k);
/* The PKCS#11 module to use: the --pkcs11-module given, else the built-in default (p11-kit's
 * proxy, COCO_DEFAULT_P11_MODULE). */
const char *cli_p11_module(const char *given);
/* A signing command's signer options from its key options (k, --chain, --pass) and flags;
 * pass is the pass-phrase or PIN source they point at, named after the key file, the .p12
 * or the token (both must outlive the options). */
void cli_signer_opts(const struct cli_key_args *k, const char *chain, const char *pass_spec,
		     unsigned flags, struct cli_pass *pass, struct coco_signer_opts *so);
/* Prints the signer-loading error in ctx, telling how to give a pass-phrase when none could
 * be had (no --pass and no terminal). Returns EXIT_USAGE. */
int cli_signer_error(struct coco_ctx *ctx, const struct cli_pass *pass);

/*
 * Refuses, before any work, an output that could lose data (coco_output_check): its folder
 * missing, or the output one of the n inputs (a NULL path is skipped) or inside an input
 * folder. out NULL or "-" (standard output) always passes. 0, or EXIT_USAGE (printed).
 */
int cli_check_output(struct coco_ctx *ctx, const char *out, const struct coco_input *in, size_t n);
/* The files a signing command reads (key, certificate, chain, PKCS#12, a --pass file:), as
 * inputs for cli_check_output; options not given are NULL paths. */
#define CLI_SIGNING_INPUTS 5
void cli_signing_inputs(const struct coco_signer_opts *so, const char *pass,
			struct coco_input in[CLI_SIGNING_INPUTS]);

/* Refuses the other kind of input with the command that takes it: a folder where a bundle
 * is wanted (want_bundle), or a bundle (a zip) where a submission folder is. Anything else,
 * missing files included, passes: the command's own error names it. 0 or EXIT_USAGE. */
int cli_check_input(const char *cmd, const char *path, int want_bundle);

/* Writes buf to path atomically, or to stdout when path is NULL or "-". 0 or EXIT_USAGE. */
int cli_output(struct coco_ctx *ctx, const char *path, const char *buf, size_t len);

/* Colour only on a terminal, without NO_COLOR, when writing to stdout. */
int cli_color(const char *out_path);

/* Progress on stderr, only on a terminal and only for work of 32 MiB or more. */
struct cli_progress {
	const char *verb, *name;
	int last; /* last percentage printed, -1 before the first */
};
void cli_progress_start(struct coco_ctx *ctx, struct cli_progress *p, const char *verb,
			const char *name);
void cli_progress_end(struct cli_progress *p);

enum cli_mode { CLI_VERIFY, CLI_INSPECT, CLI_LINT };
/* verify, inspect and lint: run, render, write; returns the exit status. */
int cli_run_report(const char *cmd, enum cli_mode mode, const char *path, const char *trust,
		   const char *at, const char *fmt, const char *out);

/* The exit code for a verdict. */
int cli_verdict_exit(enum coco_verdict v);

int cmd_create(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_init(int argc, char **argv);
/* The --tsa transport (coco_tsa_fn, tsa.c): arg is the URL. An HTTP POST with libcurl,
 * http and https only, no redirects, the reply bounded. */
int cli_tsa_post(void *arg, const unsigned char *req, size_t req_len, unsigned char **reply,
		 size_t *reply_len, char *why, size_t why_size);
/* Whether a --tsa value is an http:// or https:// URL. */
int cli_tsa_url_ok(const char *url);

int cmd_lint(int argc, char **argv);
int cmd_countersign(int argc, char **argv);
int cmd_timestamp(int argc, char **argv);
int cmd_reverify(int argc, char **argv);

#endif /* COCO_CLI_H */
