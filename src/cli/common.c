/*
 * Helpers shared by the subcommands: one-line diagnostics in git's style, option
 * bookkeeping, OpenSSL-style pass-phrase sources, trust resolution
 * (--trust, then $COCO_TRUST, then the installed default) and atomic output.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#ifndef COCO_DEFAULT_TRUST
#define COCO_DEFAULT_TRUST "/usr/local/share/coco-bundle/trust"
#endif

const char *cli_prog = "coco-bundle";
const char cli_default_trust[] = COCO_DEFAULT_TRUST;

/* The library's escaping: the CLI has no copy of its own (STYLE.md, one escaping layer). */
char *cli_escape(const char *s, enum coco_escape mode)
{
	char *e = coco_escape(s, mode);

	if (e == NULL) {
		fprintf(stderr, "%s: out of memory\n", cli_prog);
		exit(EXIT_USAGE);
	}
	return e;
}

void cli_put_safe(FILE *out, const char *s)
{
	char *e = cli_escape(s, COCO_ESCAPE_TEXT);

	fputs(e, out);
	free(e);
}

void cli_say(FILE *out, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_put_safe(out, msg);
	fputc('\n', out);
}

int cli_error(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: ", cli_prog);
	cli_put_safe(stderr, msg); /* names from a folder or bundle cannot drive the terminal */
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s %s: ", cli_prog, cmd);
	cli_put_safe(stderr, msg); /* it may quote an argument */
	fprintf(stderr, "\nTry '%s %s --help'.\n", cli_prog, cmd);
	return EXIT_USAGE;
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':')
		return cli_usage_error(cmd, "option '%s' needs a value", arg);
	return cli_usage_error(cmd, "unknown option '%s'", arg);
}

int cli_set_once(const char *cmd, const char *opt, const char **slot, const char *value)
{
	if (*slot != NULL) {
		cli_usage_error(cmd, "option '%s' given more than once", opt);
		return -1;
	}
	*slot = value;
	return 0;
}

int cli_parse_format(const char *cmd, const char *value, enum coco_format *out)
{
	/* case-insensitive, as users write JSON or Html */
	if (strcasecmp(value, "text") == 0)
		*out = COCO_FORMAT_TEXT;
	else if (strcasecmp(value, "json") == 0)
		*out = COCO_FORMAT_JSON;
	else if (strcasecmp(value, "xml") == 0)
		*out = COCO_FORMAT_XML;
	else if (strcasecmp(value, "html") == 0)
		*out = COCO_FORMAT_HTML;
	else {
		cli_usage_error(cmd, "unknown format '%s' (text, json, xml or html)", value);
		return -1;
	}
	return 0;
}

/*
 * COCO_TEST_PAUSE=PHASE[:N], a test hook (coco-bundle(1), ENVIRONMENT): the program stops
 * itself (SIGSTOP) the N-th time, default the first, that an output reaches PHASE, so that
 * a crash test can kill it at exactly that point, or let it go on with SIGCONT. It says so
 * on stderr first.
 */
struct pause_hook {
	enum coco_phase phase;
	unsigned long want, seen;
};

static void pause_at(void *arg, enum coco_phase phase, const char *path, uint64_t n)
{
	struct pause_hook *h = arg;

	(void)n;
	if (phase != h->phase || ++h->seen != h->want)
		return;
	/* The line tells a test this stop is the hook's, not a debugger's or a sanitizer's. */
	fprintf(stderr, "%s: COCO_TEST_PAUSE: stopping at %s:%lu of ", cli_prog,
		coco_phase_name(phase), h->want);
	cli_put_safe(stderr, path);
	fputc('\n', stderr);
	(void)raise(SIGSTOP);
}

/* Installs the COCO_TEST_PAUSE hook on ctx if the variable is set: 0, or -1 (printed). */
static int set_pause_hook(const char *cmd, struct coco_ctx *ctx)
{
	static struct pause_hook hook;
	const char *spec = getenv("COCO_TEST_PAUSE"), *name;
	size_t len;
	char *end = NULL;
	int i;

	if (spec == NULL || spec[0] == '\0')
		return 0;
	len = strcspn(spec, ":");
	hook.want = 1;
	if (spec[len] == ':') {
		errno = 0;
		hook.want = strtoul(spec + len + 1, &end, 10);
		if (errno != 0 || *end != '\0' || end == spec + len + 1 || spec[len + 1] == '-' ||
		    hook.want == 0)
			len = 0; /* not a count: refused below */
	}
	for (i = 0; len > 0 && (name = coco_phase_name((enum coco_phase)i)) != NULL; i++)
		if (strlen(name) == len && strncmp(spec, name, len) == 0) {
			hook.phase = (enum coco_phase)i;
			coco_ctx_set_phase_hook(ctx, pause_at, &hook);
			return 0;
		}
	cli_usage_error(cmd, "invalid COCO_TEST_PAUSE '%s' (PHASE[:N]; see coco-bundle(1))", spec);
	return -1;
}

int cli_ctx(const char *cmd, const char *at, const char *trust, int load_trust,
	    struct coco_ctx **out)
{
	struct coco_ctx *ctx = NULL;
	time_t t;

	*out = NULL;
	if (at != NULL && coco_time_parse(at, &t) != COCO_OK)
		return cli_usage_error(
		    cmd, "invalid --at '%s' (use YYYY-MM-DD or an RFC 3339 date-time)", at);
	if (coco_ctx_new(&ctx) != COCO_OK)
		return cli_error("out of memory");
	if (at != NULL)
		coco_ctx_set_time(ctx, t);
	if (set_pause_hook(cmd, ctx) != 0) {
		coco_ctx_free(ctx);
		return EXIT_USAGE;
	}
	if (load_trust) {
		const char *dir = trust ? trust : getenv("COCO_TRUST");
		struct stat st;
		if (dir == NULL || dir[0] == '\0')
			dir = load_trust == 2 && stat(cli_default_trust, &st) != 0
				  ? NULL /* not installed: the built-in policy applies */
				  : cli_default_trust;
		if (dir != NULL && coco_ctx_load_trust(ctx, dir) != COCO_OK) {
			cli_error("%s", coco_ctx_error(ctx));
			coco_ctx_free(ctx);
			return EXIT_USAGE;
		}
	}
	*out = ctx;
	return 0;
}

/* A pass-phrase longer than the library takes is refused, never cut short. */
static int pass_too_long(int size)
{
	cli_error("the pass-phrase is longer than %d bytes", size);
	return -1;
}

/* Reads the first line of fd (without its line end) into buf, at most size bytes, not
 * NUL-terminated; returns its length, or -1 if it is longer. */
static int read_line(int fd, char *buf, int size)
{
	int n = 0, cr = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (cr || (n == size && c != '\r'))
			return pass_too_long(size);
		if (n == size)
			cr = 1; /* a CR right after size bytes may still end the line */
		else
			buf[n++] = c;
	}
	if (!cr && n > 0 && buf[n - 1] == '\r')
		n--;
	return n;
}

/* A no-echo prompt on the terminal naming the file whose pass-phrase it asks for. */
static int prompt(char *buf, int size, const char *file, int pin)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), n;
	char *e, line[1200];

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return -1;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	e = cli_escape(file != NULL ? file : "the key", COCO_ESCAPE_TEXT);
	snprintf(line, sizeof(line), "%s for '%.1000s': ", pin ? "PIN" : "Pass-phrase", e);
	free(e);
	(void)!write(fd, line, strlen(line));
	tcsetattr(fd, TCSAFLUSH, &quiet);
	n = read_line(fd, buf, size);
	tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	return n;
}

/* Copies the NUL-terminated v into buf (at most size bytes, not terminated). */
static int give(char *buf, int size, const char *v)
{
	int n;

	if (v == NULL)
		return -1;
	if ((n = (int)strnlen(v, (size_t)size + 1)) > size)
		return pass_too_long(size);
	memcpy(buf, v, (size_t)n);
	return n;
}

int cli_pass_cb(char *buf, int size, void *arg)
{
	struct cli_pass *p = arg;
	const char *spec = p->spec;
	char *end;
	long fdn;
	int fd, n;

	if (spec == NULL) {
		if (isatty(STDIN_FILENO))
			return prompt(buf, size, p->file, p->pin);
		p->no_source = 1;
		return -1;
	}
	if (strncmp(spec, "pass:", 5) == 0)
		return give(buf, size, spec + 5);
	if (strncmp(spec, "env:", 4) == 0)
		return give(buf, size, getenv(spec + 4));
	if (strcmp(spec, "stdin") == 0)
		return read_line(STDIN_FILENO, buf, size);
	if (strncmp(spec, "file:", 5) == 0) {
		if ((fd = open(spec + 5, O_RDONLY | O_CLOEXEC)) < 0)
			return -1;
		n = read_line(fd, buf, size);
		close(fd);
		return n;
	}
	if (strncmp(spec, "fd:", 3) == 0) {
		errno = 0;
		fdn = strtol(spec + 3, &end, 10);
		if (errno != 0 || *end != '\0' || end == spec + 3 || fdn < 0 || fdn > 65535)
			return -1;
		return read_line((int)fdn, buf, size);
	}
	return -1;
}

/* 1 when path is a regular file that starts as a zip does. */
static int looks_like_zip(const char *path)
{
	unsigned char sig[4] = {0};
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	ssize_t got;

	if (fd < 0)
		return 0;
	got = read(fd, sig, sizeof(sig));
	close(fd);
	return got == 4 && memcmp(sig, "PK\x03\x04", 4) == 0;
}

int cli_check_input(const char *cmd, const char *path, int want_bundle)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return 0;
	if (want_bundle && S_ISDIR(st.st_mode))
		return cli_error(
		    "'%s' is a folder, not a bundle: '%s' takes a bundle (.coco); check "
		    "a submission folder with 'coco-bundle lint'",
		    path, cmd);
	if (!want_bundle && S_ISREG(st.st_mode) && looks_like_zip(path))
		return cli_error("'%s' is a bundle, not a submission folder: '%s' takes a folder; "
				 "check a bundle with 'coco-bundle verify'",
				 path, cmd);
	return 0;
}

const char *cli_p11_module(const char *given)
{
	return given != NULL ? given : COCO_DEFAULT_P11_MODULE;
}

void cli_signer_opts(const struct cli_key_args *k, const char *chain, const char *pass_spec,
		     unsigned flags, struct cli_pass *pass, struct coco_signer_opts *so)
{
	*pass = (struct cli_pass){pass_spec,
				  k->p11_uri ? k->p11_uri
				  : k->p12   ? k->p12
					     : k->key,
				  0, k->p11_uri != NULL};
	*so = (struct coco_signer_opts){.key_path = k->key,
					.cert_path = k->cert,
					.chain_path = chain,
					.p12_path = k->p12,
					.pass_cb = cli_pass_cb,
					.pass_arg = (void *)pass,
					.flags = flags,
					.pkcs11_uri = k->p11_uri,
					.pkcs11_module =
					    k->p11_uri ? cli_p11_module(k->p11_module) : NULL};
}

int cli_check_key_args(const char *cmd, const struct cli_key_args *k)
{
	if (k->p11_module != NULL && k->p11_uri == NULL)
		return cli_usage_error(cmd, "--pkcs11-module goes with --pkcs11-uri");
	if (k->p11_uri != NULL && (k->key != NULL || k->p12 != NULL))
		return cli_usage_error(cmd, "--pkcs11-uri cannot be combined with --key or --p12");
	if (k->p11_uri != NULL)
		return 0;
	if (k->p12 != NULL && (k->key != NULL || k->cert != NULL))
		return cli_usage_error(cmd, "--p12 cannot be combined with --key or --cert");
	if (k->p12 == NULL && (k->key == NULL || k->cert == NULL))
		return cli_usage_error(cmd, "give --key and --cert, --p12, or --pkcs11-uri");
	return 0;
}

int cli_signer_error(struct coco_ctx *ctx, const struct cli_pass *pass)
{
	if (pass->no_source)
		return cli_error("%s: give --pass (pass:TEXT, env:VAR, file:PATH, fd:N or stdin), "
				 "or run on a terminal to be asked",
				 coco_ctx_error(ctx));
	return cli_error("%s", coco_ctx_error(ctx));
}

int cli_check_output(struct coco_ctx *ctx, const char *out, const struct coco_input *in, size_t n)
{
	if (out == NULL || strcmp(out, "-") == 0)
		return 0;
	if (coco_output_check(ctx, out, in, n) != COCO_OK)
		return cli_error("%s", coco_ctx_error(ctx));
	return 0;
}

void cli_signing_inputs(const struct coco_signer_opts *so, const char *pass,
			struct coco_input in[CLI_SIGNING_INPUTS])
{
	const struct coco_input v[CLI_SIGNING_INPUTS] = {
	    {so->key_path, "key", 0},
	    {so->cert_path, "certificate", 0},
	    {so->chain_path, "chain", 0},
	    {so->p12_path, "PKCS#12 file", 0},
	    {pass != NULL && strncmp(pass, "file:", 5) == 0 ? pass + 5 : NULL, "pass-phrase file",
	     0},
	};

	memcpy(in, v, sizeof(v));
}

int cli_output(struct coco_ctx *ctx, const char *path, const char *buf, size_t len)
{
	if (path == NULL || strcmp(path, "-") == 0) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)
			return cli_error("cannot write to standard output: %s", strerror(errno));
		return 0;
	}
	if (coco_write_file_atomic(ctx, path, buf, len) != COCO_OK)
		return cli_error("%s", coco_ctx_error(ctx));
	return 0;
}

int cli_color(const char *out_path)
{
	const char *nc = getenv("NO_COLOR");

	return (out_path == NULL || strcmp(out_path, "-") == 0) && isatty(STDOUT_FILENO) &&
	       (nc == NULL || nc[0] == '\0');
}

int cli_verdict_exit(enum coco_verdict v)
{
	switch (v) {
	case COCO_VERDICT_PASSED:
		return EXIT_PASSED;
	case COCO_VERDICT_FAILED:
		return EXIT_FAILED;
	case COCO_VERDICT_INDETERMINATE:
		break;
	}
	return EXIT_INDETERMINATE;
}

static void progress_cb(void *arg, uint64_t done, uint64_t total)
{
	struct cli_progress *p = arg;
	int pct;

	if (total < (32u << 20))
		return;
	pct = (int)(done >= total ? 100 : done * 100 / total);
	if (pct == p->last)
		return;
	p->last = pct;
	fprintf(stderr, "\r%s '", p->verb);
	cli_put_safe(stderr, p->name);
	fprintf(stderr, "': %3d%%", pct);
	fflush(stderr);
}

void cli_progress_start(struct coco_ctx *ctx, struct cli_progress *p, const char *verb,
			const char *name)
{
	p->verb = verb;
	p->name = name;
	p->last = -1;
	if (isatty(STDERR_FILENO))
		coco_ctx_set_progress(ctx, progress_cb, p);
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->last >= 0)
		fputs("\r\033[K", stderr);
	p->last = -1;
}

/* ---- signing options ---- */

static int valid_pass_spec(const char *s)
{
	return strncmp(s, "pass:", 5) == 0 || strncmp(s, "env:", 4) == 0 ||
	       strncmp(s, "file:", 5) == 0 || strncmp(s, "fd:", 3) == 0 || strcmp(s, "stdin") == 0;
}

/* A pass-phrase source that cannot be read is named now, not blamed on the key later. */
static int check_pass_source(const char *cmd, const char *spec)
{
	char *end;
	long fd;
	int f;

	if (strncmp(spec, "env:", 4) == 0 && getenv(spec + 4) == NULL)
		return cli_usage_error(cmd, "--pass: environment variable '%s' is not set",
				       spec + 4);
	if (strncmp(spec, "file:", 5) == 0) {
		if ((f = open(spec + 5, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
			return cli_usage_error(cmd, "--pass: cannot open '%s': %s", spec + 5,
					       strerror(errno));
		close(f);
	}
	if (strncmp(spec, "fd:", 3) == 0) {
		errno = 0;
		fd = strtol(spec + 3, &end, 10);
		if (errno != 0 || end == spec + 3 || *end != '\0' || fd < 0 || fd > 65535 ||
		    fcntl((int)fd, F_GETFD) < 0)
			return cli_usage_error(cmd, "--pass: '%s' is not an open file descriptor",
					       spec + 3);
	}
	return 0;
}

int cli_check_pass(const char *cmd, const char *spec)
{
	/* the value may be the pass-phrase itself, given without pass:: never show it */
	if (!valid_pass_spec(spec)) {
		cli_usage_error(cmd, "invalid --pass: not a pass-phrase source (use pass:TEXT, "
				     "env:VAR, file:PATH, fd:N or stdin; the value is not shown)");
		return -1;
	}
	return check_pass_source(cmd, spec) != 0 ? -1 : 0;
}

void cli_warn_key_mode(const char *path)
{
	struct stat st;

	if (path != NULL && stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		cli_say(stderr, "%s: warning: private key '%s' is readable by group or others",
			cli_prog, path);
}

void cli_print_finding(FILE *out, const struct coco_finding *f)
{
	fprintf(out, "  %s %s", coco_status_name(coco_finding_status(f)), coco_finding_id(f));
	if (coco_finding_subject(f) != NULL) {
		fputs(" '", out);
		cli_put_safe(out, coco_finding_subject(f));
		fputc('\'', out);
	}
	fputs(": ", out);
	cli_put_safe(out, coco_finding_message(f));
	fputc('\n', out);
}
