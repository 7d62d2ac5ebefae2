/*
 * coco-bundle public API.
 *
 * libcoco creates and verifies signed ETSI ASiC-E (EN 319 162-1) containers with
 * CAdES-B-B signatures that carry a Code of Connection submission. The library never
 * prints, never exits and never reads argv, the environment or the terminal: every
 * result is returned to the caller, either as an enum coco_err (did the operation run)
 * or as findings in a struct coco_report (is the evidence good). So coco_verify()
 * returns COCO_OK for a bundle whose verdict is FAILED.
 *
 * Strings returned by const accessors are borrowed: they live as long as the object
 * they came from. Every function that can fail leaves a one-line, lowercase
 * diagnostic naming the file and entry in its context (coco_ctx_error()).
 */
#ifndef COCO_COCO_H
#define COCO_COCO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COCO_VERSION "0.1.0"

/* Did the operation run? Never says anything about the evidence itself. */
enum coco_err {
	COCO_OK = 0,
	COCO_ERR_NOMEM,   /* out of memory */
	COCO_ERR_IO,      /* a file could not be read or written */
	COCO_ERR_ARG,     /* an argument is invalid */
	COCO_ERR_FORMAT,  /* an input is not in the expected format */
	COCO_ERR_CRYPTO,  /* a key, certificate or signature operation failed */
	COCO_ERR_EXISTS,  /* the output already exists and is never overwritten */
	COCO_ERR_REFUSED, /* the input is well-formed but policy refuses it */
	COCO_ERR_LIMIT,   /* an input exceeds a documented resource limit */
};

/* A static, lowercase description of err. Never NULL. */
const char *coco_strerror(enum coco_err err);

/*
 * Process-wide initialisation: libxml2's parser and a deny-all external entity loader.
 * Call once from main() before any other coco_* function; not thread-safe itself.
 */
void coco_library_init(void);
/* Releases what coco_library_init() set up. Optional, for leak checkers. */
void coco_library_cleanup(void);

/* ---- context -------------------------------------------------------------------- */

/*
 * A context carries the trust store, the verification time and the last error
 * message. Use one per thread. coco_ctx_new() returns COCO_OK and sets *out, or an
 * error with *out left NULL.
 */
struct coco_ctx;
enum coco_err coco_ctx_new(struct coco_ctx **out);
void coco_ctx_free(struct coco_ctx *ctx);

/*
 * Makes dst use src's loaded trust store and policy (shared, reference-counted, read-only)
 * so that one load serves several contexts, e.g. one per worker thread. Call before the
 * contexts are used concurrently; src may be freed before dst.
 */
enum coco_err coco_ctx_share_trust(struct coco_ctx *dst, struct coco_ctx *src);

/*
 * Options for verification. COCO_OPT_NO_BUNDLE_DIGEST: skip the SHA-256 of the whole bundle
 * file (the report's bundle digest is then absent) and the read-ahead thread that computes
 * it; every entry is still hashed and checked. For callers that verify many bundles on
 * their own threads and do not report that digest, such as reverify.
 */
#define COCO_OPT_NO_BUNDLE_DIGEST 0x1u
void coco_ctx_set_options(struct coco_ctx *ctx, unsigned options);

/* The verification (or signing) time. Unset means "now", read once at first use. */
void coco_ctx_set_time(struct coco_ctx *ctx, time_t at);
/* The time in force: the one set, or the clock read at the first call. */
time_t coco_ctx_time(struct coco_ctx *ctx);

/*
 * Loads a trust directory (docs/TRUST.md): the applicants' anchors (signers/), the
 * certification bodies' anchors (bodies/, with bodies/bodies.xml), SIA's SIRO anchors
 * (siro/), the revocation lists (crl/), and the policy (policy.xml, else the built-in
 * default) with its register snapshots (registers/). A missing anchor or crl/ folder is
 * not an error (verification then ends INDETERMINATE or warns about revocation); a missing
 * or unreadable dir, or a file in it that does not parse, is. Replaces anything loaded
 * before.
 */
enum coco_err coco_ctx_load_trust(struct coco_ctx *ctx, const char *dir);

/*
 * Progress of long work (verify's pass over the bundle, create's pass over the files):
 * cb(arg, done, total) is called after each chunk, with bytes so far and the total.
 * NULL turns it off. The callback must not call back into ctx.
 */
typedef void (*coco_progress_cb)(void *arg, uint64_t done, uint64_t total);
void coco_ctx_set_progress(struct coco_ctx *ctx, coco_progress_cb cb, void *arg);

/*
 * Write phases: a hook for crash tests and observability. Every file or folder the
 * library writes (create's and countersign's bundles, coco_write_file_atomic, init's
 * submission, extract's folder) is first built under a temporary name beside the target,
 * ".coco-tmp-NAME.XXXXXX", then synced, then renamed (or linked) into place, then the
 * folder holding it is synced. A process that dies at any point leaves the target as it
 * was, or the complete new one, plus at most that temporary name (reverify skips it; it is
 * safe to delete). The hook is told as each step is reached, with the target's path and n:
 *   COCO_PHASE_TMP_CREATED  the temporary file or folder exists, still empty
 *   COCO_PHASE_COPIED       countersign copied the bundle's earlier entries into it
 *   COCO_PHASE_CHUNK        up to 1 MiB more of a packaged file (create) or of the earlier
 *                           entries (countersign) was written; n: bytes so far
 *   COCO_PHASE_ENTRY        a zip entry (or an extracted file) is complete; n: its number
 *   COCO_PHASE_WRITTEN      everything is written, nothing synced yet
 *   COCO_PHASE_SYNCED       the data is synced and closed, the target not yet replaced
 *   COCO_PHASE_RENAMED      the target is replaced, its folder not yet synced
 *   COCO_PHASE_DONE         the folder is synced: the write is complete and durable
 * Phases a writer has no use for are skipped (only bundles have COPIED and CHUNK). n is 0
 * where not stated. The hook may stop or kill the process (coco-bundle stops itself for
 * COCO_TEST_PAUSE, see coco-bundle(1)); it must not call back into ctx. NULL turns it off.
 */
enum coco_phase {
	COCO_PHASE_TMP_CREATED,
	COCO_PHASE_COPIED,
	COCO_PHASE_CHUNK,
	COCO_PHASE_ENTRY,
	COCO_PHASE_WRITTEN,
	COCO_PHASE_SYNCED,
	COCO_PHASE_RENAMED,
	COCO_PHASE_DONE,
};
typedef void (*coco_phase_cb)(void *arg, enum coco_phase phase, const char *path, uint64_t n);
void coco_ctx_set_phase_hook(struct coco_ctx *ctx, coco_phase_cb cb, void *arg);
/* "tmp-created", "copied", "chunk", "entry", "written", "synced", "renamed", "done";
 * NULL for any other value, so a caller can list them by counting up from 0. */
const char *coco_phase_name(enum coco_phase phase);

/* The last error's one-line message, e.g. "cannot open 'x.coco': No such file ...".
 * Empty string if none. Valid until the next call on ctx. */
const char *coco_ctx_error(const struct coco_ctx *ctx);

/* ---- time --------------------------------------------------------------------- */

/*
 * Parses "YYYY-MM-DD" (midnight UTC) or an RFC 3339 date-time such as
 * "2026-11-22T10:30:00Z" or "2026-11-22T10:30:00.5+01:00" (fractions truncated).
 * Returns COCO_OK and sets *out, or COCO_ERR_ARG.
 */
enum coco_err coco_time_parse(const char *text, time_t *out);
/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). Returns buf. */
char *coco_time_format(time_t t, char buf[21]);

/* ---- reports ------------------------------------------------------------------ */

enum coco_status {
	COCO_STATUS_PASS,
	COCO_STATUS_INFO,
	COCO_STATUS_WARN,
	COCO_STATUS_INDETERMINATE,
	COCO_STATUS_FAIL,
};

enum coco_verdict {
	COCO_VERDICT_PASSED,
	COCO_VERDICT_INDETERMINATE,
	COCO_VERDICT_FAILED,
};

enum coco_format {
	COCO_FORMAT_TEXT,
	COCO_FORMAT_JSON,
	COCO_FORMAT_HTML, /* the printable sign-off sheet: self-contained, no scripts */
	COCO_FORMAT_XML,  /* docs/schema/coco-report-1.xsd; what countersign records */
};

/* A SIRO's decision recorded in a bundle by countersign. */
enum coco_decision {
	COCO_DECISION_NONE,
	COCO_DECISION_APPROVED,
	COCO_DECISION_REJECTED,
	COCO_DECISION_UNDETERMINED, /* valid sign-offs stand side by side: none is in force */
};
/* "none", "approved", "rejected", "undetermined" */
const char *coco_decision_name(enum coco_decision d);

/* Rendering flags. */
#define COCO_RENDER_COLOR 0x1u   /* ANSI colour in text output */
#define COCO_RENDER_INSPECT 0x2u /* list the bundle's contents, do not judge */

struct coco_report;
struct coco_finding;

enum coco_err coco_report_new(struct coco_report **out);
void coco_report_free(struct coco_report *report);

/* FAILED if any finding failed, else INDETERMINATE if any was indeterminate, else PASSED. */
enum coco_verdict coco_report_verdict(const struct coco_report *report);
const char *coco_verdict_name(enum coco_verdict verdict); /* "PASSED" ... */
const char *coco_status_name(enum coco_status status);    /* "pass" ... */

size_t coco_report_count(const struct coco_report *report);
/* The i-th finding, in the order added; NULL when i is out of range. */
const struct coco_finding *coco_report_get(const struct coco_report *report, size_t i);
/* The first finding with this id, or NULL. */
const struct coco_finding *coco_report_find(const struct coco_report *report, const char *id);

enum coco_status coco_finding_status(const struct coco_finding *f);
const char *coco_finding_id(const struct coco_finding *f);
const char *coco_finding_subject(const struct coco_finding *f);
const char *coco_finding_message(const struct coco_finding *f);
/* The organisation named by the verified assessment, or NULL. */
const char *coco_report_organisation(const struct coco_report *report);

/*
 * The decision in force, with the SIRO's name and the decision's time (either pointer may
 * be NULL; both are NULL and 0 unless the result is APPROVED or REJECTED). It is chosen by
 * what each sign-off covers, never by its place in the zip: the valid sign-off (signature
 * and checks passed) whose manifest and signature no other valid sign-off lists with
 * matching digests. COCO_DECISION_NONE when no valid sign-off exists;
 * COCO_DECISION_UNDETERMINED when two or more stand uncovered (signoff.ambiguous).
 */
enum coco_decision coco_report_decision(const struct coco_report *report, const char **siro,
					time_t *at);

/*
 * The earliest expiry among the baseline evidence certificates, the applicant's signing
 * certificates and the SIROs' signing certificates, for re-verification. An applicant
 * certificate whose signature a valid approval covers (signoff.proof) does not count; the
 * SIRO's then does. Returns 1 and sets *when and a description such as
 * "cyber-essentials-plus certificate CEP-1", "signing certificate of Jane Director" or
 * "SIRO signing certificate of Sam Siro" in what (truncated to what_size), or 0 when
 * nothing has an expiry.
 */
int coco_report_earliest_expiry(const struct coco_report *report, time_t *when, char *what,
				size_t what_size);

/* Non-zero for a warning that asks for a person's judgement ("Manual checks for the SIRO"). */
int coco_finding_manual(const struct coco_finding *f);

/* What a finding reports, as data, for a caller that acts on it (so that it never
 * compares ids). */
enum coco_cause {
	COCO_CAUSE_NONE,
	/* an expiry and nothing else: an expired signing certificate (signer.expired), an
	 * expired baseline certificate (evidence.expired) and the evidence.baseline failure
	 * of an assessment one of whose certificates expired */
	COCO_CAUSE_EXPIRY,
	/* a certificate revoked after its signature was proven to exist (signer.revocation,
	 * info): the signature stands, but its key is withdrawn (reverify's REVOKED) */
	COCO_CAUSE_REVOKED_LATER,
	/* a manual check that is one CoCo statement to read against SIA's requirement
	 * (assessment.statement_read): the sign-off sheet ticks it beside the statement */
	COCO_CAUSE_STATEMENT,
};
enum coco_cause coco_finding_cause(const struct coco_finding *f);

/*
 * A report lists at most the first 100 findings of one id and status (and manual flag);
 * further ones are counted in one summary finding of that id and status, with no subject,
 * that follows them. The number of findings f stands for: 1, or for a summary, the number
 * it counts (none of which is listed). The verdict counts every finding, listed or not.
 */
size_t coco_finding_count(const struct coco_finding *f);

/*
 * Renders the report as text (one line per finding, verdict last), JSON, XML
 * (docs/schema/coco-report-1.xsd) or HTML (the sign-off sheet), as docs/FORMAT.md
 * section 5 describes; flags are COCO_RENDER_*. *out is a NUL-terminated malloc'd string
 * the caller frees.
 */
enum coco_err coco_report_render(const struct coco_report *report, enum coco_format format,
				 unsigned flags, char **out, size_t *out_len);

/* ---- escaping ------------------------------------------------------------------ */

/*
 * The one escaping layer for every output, the renderers' own. In every mode, bytes that
 * are not valid UTF-8, C1 controls, U+FFFE, U+FFFF and the characters that reorder or hide
 * text (the bidirectional embeddings, overrides and isolates U+202A..U+202E and
 * U+2066..U+2069, the marks U+200E, U+200F and U+061C, the separators U+2028 and U+2029)
 * are replaced: by '?' in text, by U+FFFD otherwise.
 */
enum coco_escape {
	COCO_ESCAPE_TEXT,   /* a terminal or log line: C0 controls become '?' as well */
	COCO_ESCAPE_JSON,   /* the inside of a JSON string: quote and backslash escaped, C0
			       controls written as six-character escapes (backslash, u, 4 hex) */
	COCO_ESCAPE_MARKUP, /* HTML or XML text or attribute value: < > & " ' as references;
			       C0 controls other than newline and tab become U+FFFD */
	COCO_ESCAPE_CSV,    /* one whole RFC 4180 field: quoted (quotes doubled) when it holds
			       a comma, quote or line break; C0 controls other than newline and
			       tab become U+FFFD */
	COCO_ESCAPE_CSV_UNTRUSTED, /* COCO_ESCAPE_CSV for a value from a bundle or a file name:
				      one that starts with = + - @, tab or CR, which a
				      spreadsheet would run as a formula, also gets a leading
				      apostrophe */
};

/* s escaped for mode, as a NUL-terminated malloc'd string the caller frees; NULL when
 * memory ran out or mode is not one of the above. */
char *coco_escape(const char *s, enum coco_escape mode);

/* ---- verify, inspect, extract ---------------------------------------------------- */

/*
 * Verifies the bundle at path against ctx's trust store at ctx's time, adding findings
 * to report. Returns COCO_OK whenever verification ran, whatever the verdict; an error
 * only when the bundle file itself cannot be opened or read (message in ctx).
 */
enum coco_err coco_verify(struct coco_ctx *ctx, const char *path, struct coco_report *report);

/*
 * Reads the bundle's structure, digests and signer without validating trust, for
 * coco_report_render(..., COCO_RENDER_INSPECT). Returns COCO_ERR_FORMAT if the
 * container cannot be walked at all.
 */
enum coco_err coco_inspect(struct coco_ctx *ctx, const char *path, struct coco_report *report);

/*
 * Verifies the bundle; if and only if the verdict is PASSED, writes its data objects
 * below dir (created if missing, with any missing parent folders, 0755 less the umask),
 * re-checking each digest while writing. Never writes outside dir, never follows or
 * creates links, never overwrites: an existing target is COCO_ERR_EXISTS before anything
 * is written. Returns COCO_ERR_REFUSED when the verdict is not PASSED (the report says
 * why). On error, files and parent folders it made are removed.
 */
enum coco_err coco_extract(struct coco_ctx *ctx, const char *path, const char *dir,
			   struct coco_report *report);

/* ---- re-verifying a register ------------------------------------------------------ */

/*
 * A register: the accepted bundles an intake service keeps, re-verified together at one
 * time to find those that need someone to act. Build it with coco_register_add, run
 * coco_reverify, then read the rows or render them.
 *
 * Each row's status says whether someone has to act, in order of urgency (the sort order;
 * the worst decides a caller's exit status):
 *   FAILED         verification failed for a reason other than an expiry, or the bundle
 *                  could not be read
 *   REJECTED       the decision in force is the SIRO's rejection
 *   EXPIRED        the only failures or indeterminate results come from certificates that
 *                  ran out (evidence, applicant or SIRO), or the earliest expiry has passed
 *   REVOKED        a signing certificate was revoked after a valid approval proved the
 *                  signature: the bundle still verifies, but its signer's key is withdrawn
 *   INDETERMINATE  verification was indeterminate for another reason
 *   EXPIRING       the earliest expiry is within the window
 *   OK             nothing to do
 */
enum coco_rv_status {
	COCO_RV_FAILED,
	COCO_RV_REJECTED,
	COCO_RV_EXPIRED,
	COCO_RV_REVOKED,
	COCO_RV_INDETERMINATE,
	COCO_RV_EXPIRING,
	COCO_RV_OK,
	COCO_RV_N_STATUS
};
/* "FAILED", "REJECTED", "EXPIRED", "REVOKED", "INDETERMINATE", "EXPIRING", "OK"; NULL for
 * any other value. */
const char *coco_rv_status_name(enum coco_rv_status status);

/* The state of the decision a row shows. */
enum coco_rv_decision_state {
	COCO_RV_DECISION_NONE,     /* no decision (decision is NONE or UNDETERMINED) */
	COCO_RV_DECISION_IN_FORCE, /* the decision in force (coco_report_decision) */
	COCO_RV_DECISION_LAPSED,   /* recorded, but no longer provable: the SIRO's certificate
				      has expired, so no decision is in force */
};

/*
 * One bundle's row. Strings are borrowed from the register and live until it is freed;
 * NULL where there is nothing to say.
 */
struct coco_rv_row {
	const char *path;
	enum coco_rv_status status;
	int verified;              /* coco_verify ran: verdict and organisation are meaningful */
	enum coco_verdict verdict; /* when verified */
	const char *organisation;
	enum coco_decision decision; /* the decision shown: in force, or a lapsed one */
	enum coco_rv_decision_state decision_state;
	const char *siro;     /* who made the decision shown, when it is APPROVED or REJECTED */
	time_t decided_at;    /* when (0 otherwise) */
	int has_expiry;       /* the fields below are set */
	time_t expires;       /* the earliest expiry (coco_report_earliest_expiry) */
	long days_left;       /* days from the verification time's day to the expiry's */
	const char *expiring; /* what expires then */
	const char *reason;   /* the cause of a FAILED, EXPIRED, REVOKED or INDETERMINATE
				 status: "id 'subject': message" of the finding, or why the
				 bundle could not be read */
};

struct coco_register;
enum coco_err coco_register_new(struct coco_register **out);
void coco_register_free(struct coco_register *reg);

/*
 * Adds path: a bundle whatever its name, or a folder searched recursively for *.coco
 * files in bytewise order (links to folders not followed; names starting with '.', such
 * as the writers' temporary ".coco-tmp-*" files, skipped). Anything found but unreadable
 * becomes a FAILED row saying why. A bundle added twice is kept once. COCO_ERR_IO when
 * path itself cannot be opened (message in ctx), COCO_ERR_NOMEM.
 */
enum coco_err coco_register_add(struct coco_ctx *ctx, struct coco_register *reg, const char *path);

/* The number of rows, and row i (NULL when out of range). Before coco_reverify the rows
 * hold only their paths (and the reasons the walk found); after it, they are sorted most
 * urgent first: status, then fewest days left (none last), then path. */
size_t coco_register_count(const struct coco_register *reg);
const struct coco_rv_row *coco_register_row(const struct coco_register *reg, size_t i);

struct coco_reverify_opts {
	long within_days; /* EXPIRING when this many days or fewer are left */
	unsigned jobs;    /* bundles verified at a time, each on its own thread (0: 1) */
	/* called after each bundle with (arg, done, total), from the worker threads but one
	 * at a time; it must not call back into the library. NULL: none */
	coco_progress_cb progress;
	void *progress_arg;
};

/*
 * Verifies every bundle of reg in full at ctx's time against ctx's trust store (loaded
 * once and shared by the workers, each with its own context), then classifies and sorts
 * the rows. The bundle files' own SHA-256 is not computed (COCO_OPT_NO_BUNDLE_DIGEST).
 * COCO_OK whatever the statuses; COCO_ERR_NOMEM, or an error setting up a worker
 * (message in ctx). Runs once per register.
 */
enum coco_err coco_reverify(struct coco_ctx *ctx, struct coco_register *reg,
			    const struct coco_reverify_opts *opts);

/* The most urgent status among the rows; COCO_RV_OK for none. */
enum coco_rv_status coco_register_worst(const struct coco_register *reg);

enum coco_rv_format {
	COCO_RV_TEXT, /* an aligned table for people, then a summary line */
	COCO_RV_JSON, /* "coco-bundle-reverify/1" (docs/coco-bundle.1) */
	COCO_RV_CSV,  /* RFC 4180, a header line, CRLF line ends */
};

/*
 * Renders the rows after coco_reverify, every string through coco_escape. *out is a
 * NUL-terminated malloc'd string the caller frees. COCO_ERR_ARG for an unknown format.
 */
enum coco_err coco_register_render(const struct coco_register *reg, enum coco_rv_format format,
				   char **out, size_t *out_len);

/* ---- signing ------------------------------------------------------------------- */

/*
 * Asked for a pass-phrase when a key or PKCS#12 file is encrypted. Writes at most
 * size bytes into buf and returns the length, or -1 to give up. The library wipes buf
 * after use.
 */
typedef int (*coco_pass_cb)(char *buf, int size, void *arg);

/*
 * A time-stamping authority's transport (RFC 3161 §3.4), for create and countersign's
 * signature timestamps: sends the DER TimeStampReq (req, req_len) and returns the DER
 * TimeStampResp in *reply (malloc'd; the library frees it) and *reply_len. Returns 0, or
 * -1 with a one-line reason in why (why_size bytes). The library does no network I/O of
 * its own: the caller decides how (and whether) a request leaves the machine.
 */
typedef int (*coco_tsa_fn)(void *arg, const unsigned char *req, size_t req_len,
			   unsigned char **reply, size_t *reply_len, char *why, size_t why_size);

/*
 * Sets (fn NULL: clears) the TSA transport. While set, coco_create and coco_countersign
 * add an RFC 3161 timestamp over their signature's value (CAdES-B-T): a TSA that fails, or
 * answers with anything but a granted token with the request's imprint and nonce, is an
 * error (COCO_ERR_IO or COCO_ERR_REFUSED, the reason in ctx) and nothing is written.
 */
void coco_ctx_set_tsa(struct coco_ctx *ctx, coco_tsa_fn fn, void *arg);

struct coco_signer;

#define COCO_SIGNER_SIRO 0x1u /* a SIRO: the chain is checked against siro/, not signers/ */
/* An encrypted PEM key is read (and its pass-phrase asked for) only by coco_signer_unlock,
 * which coco_create calls after lint: a refused submission never asks. A PKCS#12 file that
 * needs a pass-phrase is left whole to coco_signer_unlock (its certificates are encrypted
 * too): until then coco_signer_subject is NULL, and coco_create lints without the signer's
 * checks first, then, once unlocked, checks the certificate and lints again with them. */
#define COCO_SIGNER_DEFER_KEY 0x2u

struct coco_signer_opts {
	const char *key_path;   /* private key (PEM, or unencrypted DER), or NULL with p12_path */
	const char *cert_path;  /* certificate, PEM or DER, or NULL with p12_path */
	const char *chain_path; /* optional CA certificates to embed: PEM, or one DER */
	const char *p12_path;   /* PKCS#12 file instead of key and cert (chain_path adds to it) */
	coco_pass_cb pass_cb;   /* may be NULL: then encrypted keys fail */
	void *pass_arg;         /* must outlive the signer with COCO_SIGNER_DEFER_KEY */
	unsigned flags;         /* COCO_SIGNER_* */
	/* A key on a PKCS#11 token (smart card, HSM) instead of key_path or p12_path: an RFC
	 * 7512 URI ("pkcs11:token=LABEL;object=LABEL") without a PIN in it. The certificate
	 * is cert_path, or else the token's certificate of that URI. The PIN comes from
	 * pass_cb, asked when the key is loaded (with COCO_SIGNER_DEFER_KEY: by
	 * coco_signer_unlock, after lint). Needs libp11's OpenSSL engine at run time. */
	const char *pkcs11_uri;
	/* The PKCS#11 module (a shared object) the token is reached through, with pkcs11_uri:
	 * e.g. p11-kit's proxy, which loads every module registered with p11-kit. */
	const char *pkcs11_module;
};

/*
 * Loads a signer, checks that the key matches the certificate, and refuses (with
 * COCO_ERR_REFUSED and the reason in ctx) a certificate the verifier would reject at
 * ctx's time: expired or not yet valid, wrong key usage, a weak or disallowed key, or a
 * chain that verify's rules reject (checked against the chain's own root, or the trust
 * directory's anchors). A file of the wrong kind (a certificate given as the key) is
 * COCO_ERR_FORMAT, named in plain words. PKCS#12 files encrypted with legacy ciphers (RC2,
 * 3DES) are read with OpenSSL's legacy provider, loaded for that file only. A PKCS#11
 * module that cannot be opened is COCO_ERR_IO; a token that refuses the PIN or holds no
 * such key is COCO_ERR_CRYPTO with the token's reason ("PIN incorrect", "object not
 * found"). The certificate and chain are checked before the PIN is asked for.
 */
enum coco_err coco_signer_load(struct coco_ctx *ctx, const struct coco_signer_opts *opts,
			       struct coco_signer **out);
/* Loads a key deferred by COCO_SIGNER_DEFER_KEY (asking for its pass-phrase) and checks
 * it matches the certificate (a deferred PKCS#12 file: the certificate and chain too, with
 * coco_signer_load's refusals); COCO_OK at once when the key is loaded. */
enum coco_err coco_signer_unlock(struct coco_ctx *ctx, struct coco_signer *signer);
void coco_signer_free(struct coco_signer *signer);
/* The signer certificate's subject as a one-line RFC 2253 string. */
const char *coco_signer_subject(const struct coco_signer *signer);
/* A warning about the signer that signing does not refuse, or NULL: the chain it embeds
 * reaches no self-signed certificate, so verify needs its issuer in the trust directory.
 * Valid while signer lives. */
const char *coco_signer_warning(const struct coco_signer *signer);

#define COCO_CREATE_NO_LINT 0x1u /* package even if lint FAILED (references still must match) */

struct coco_create_opts {
	unsigned flags; /* COCO_CREATE_* */
	struct coco_report
	    *lint; /* optional: receives lint's findings, the reasons for a refusal */
	/* optional: receives the bundle's SHA-256 (32 bytes) on success, computed by a second
	 * thread while the bundle is written (no second pass over it) */
	unsigned char *sha256;
};

/*
 * Packages the submission in dir into a signed bundle at out_path, written atomically.
 * First lints dir as if signed now by signer (coco_lint's checks, plus the director and
 * the organisation against the signer's certificate). Returns COCO_ERR_REFUSED, writing nothing,
 * when the files in dir are not exactly those assessment.xml references, or when lint FAILED and
 * COCO_CREATE_NO_LINT is not set; the findings say why. Also refuses symlinks, special
 * files and unsafe names with the offending path in ctx's message. Before anything else,
 * refuses an out_path that coco_output_check refuses with dir as the submission folder
 * (out_path inside dir, or its folder missing), and, once dir is walked, an out_path that
 * is another name (a hard link) for one of its files: COCO_ERR_REFUSED naming both. A key
 * deferred (COCO_SIGNER_DEFER_KEY) is unlocked after lint. An existing out_path is
 * replaced only on success. opts may be NULL.
 */
enum coco_err coco_create(struct coco_ctx *ctx, const char *dir, const char *out_path,
			  struct coco_signer *signer, const struct coco_create_opts *opts);

struct coco_countersign_opts {
	enum coco_decision decision; /* APPROVED or REJECTED */
	const char *comment;         /* may be NULL; UTF-8, at most 4096 bytes */
	struct coco_report *report;  /* optional: receives verify's findings (why a refusal) */
	/* Approval only: the SIRO confirms having read every CoCo statement against SIA's
	 * requirement (the manual checks assessment.statement_read); approval is refused
	 * without it, and the decision file records the elements read (statementsRead). */
	int confirm_statements;
};

/*
 * Adds an archive timestamp (ETSI EN 319 162-1 A.5, CAdES LTA) to a copy of the bundle at
 * in_path, written atomically to out_path. Verifies the bundle first, at ctx's time: a
 * FAILED one is COCO_ERR_REFUSED (report, if not NULL, receives the findings). Then adds the
 * trust directory's CRLs as META-INF/revocation/NNN.crl, META-INF/ASiCArchiveManifestNNN.xml
 * listing every entry with its SHA-256, and META-INF/timestampNNN.tst, the RFC 3161 token
 * over that manifest's bytes from the TSA set with coco_ctx_set_tsa (required: COCO_ERR_ARG
 * without one). A TSA that fails is COCO_ERR_IO or COCO_ERR_REFUSED; a token verify would
 * not accept (its TSA outside tsa/) COCO_ERR_REFUSED. Every earlier entry is copied byte
 * for byte; nothing is written on failure.
 */
enum coco_err coco_archive_timestamp(struct coco_ctx *ctx, const char *in_path,
				     const char *out_path, struct coco_report *report);

/*
 * Records a SIRO's decision in a copy of the bundle at in_path, written atomically to
 * out_path (which may equal in_path). Verifies the bundle first, at ctx's time; approval
 * is COCO_ERR_REFUSED unless the verdict is PASSED (the findings say why); rejection is
 * refused only when the container itself failed or an entry cannot be read. Also
 * COCO_ERR_REFUSED when siro's signature would not verify against the trust directory's
 * siro/ anchors. Adds signoff/decision-NNN.xml, signoff/report-NNN.xml,
 * META-INF/ASiCManifestNNN.xml (covering every earlier entry) and
 * META-INF/signatureNNN.p7s signed by siro; every earlier entry is copied byte for byte.
 */
enum coco_err coco_countersign(struct coco_ctx *ctx, const char *in_path, const char *out_path,
			       const struct coco_signer *siro,
			       const struct coco_countersign_opts *opts);

/*
 * Runs every check of coco_verify that needs no signature (assessment.*, evidence.*) on
 * a submission folder, or on an assessment file and the folder it is in, at ctx's time.
 * Returns COCO_OK whenever the checks ran, whatever the verdict; an error when the
 * folder cannot be read or holds something create would refuse (message in ctx).
 */
enum coco_err coco_lint(struct coco_ctx *ctx, const char *path, struct coco_report *report);

/*
 * Writes a skeleton submission into dir (created if missing): assessment.xml with all
 * eleven CoCo elements, each with its requirement and SIA's guidance as comments and
 * placeholders that lint reports until they are replaced, and empty evidence/ and
 * policies/ folders. organisation may be NULL. Never overwrites: an existing
 * assessment.xml is COCO_ERR_EXISTS and nothing is written.
 */
enum coco_err coco_init(struct coco_ctx *ctx, const char *dir, const char *organisation);

/* ---- files --------------------------------------------------------------------- */

/* The SHA-256 of the whole file at path (streamed), into out. COCO_ERR_IO naming the file. */
enum coco_err coco_file_sha256(struct coco_ctx *ctx, const char *path, unsigned char out[32]);

/* An input that an output must never replace (coco_output_check). */
struct coco_input {
	const char *path;
	const char *what; /* what it is, for messages: "bundle", "key", "submission folder" */
	int folder;       /* nonzero: a folder, inside which nothing may be written either */
};

/*
 * Checks, before any work, that writing out_path can lose nothing the command reads: the
 * folder that holds out_path exists (else COCO_ERR_IO, "cannot write 'OUT': folder 'DIR'
 * does not exist", or "'DIR' is not a folder") and out_path is not itself a folder
 * (COCO_ERR_IO); out_path is none of the file inputs, by path or by device and inode
 * (COCO_ERR_REFUSED, "refusing to write 'OUT' over the WHAT 'IN'"); and it is not inside,
 * or equal to, a folder input, both resolved with realpath (COCO_ERR_REFUSED, "refusing to
 * write 'OUT' inside the WHAT 'IN'"). An existing out_path that is a link is judged by
 * the file it names. An input that does not exist is not an error here, and one whose
 * path is NULL (an option not given) is skipped.
 */
enum coco_err coco_output_check(struct coco_ctx *ctx, const char *out_path,
				const struct coco_input *inputs, size_t n);

/*
 * Writes len bytes to path atomically: a temporary file in the same directory, fsync,
 * rename, fsync of the directory. path "-" is not accepted here.
 */
enum coco_err coco_write_file_atomic(struct coco_ctx *ctx, const char *path, const void *data,
				     size_t len);

#ifdef __cplusplus
}
#endif

#endif /* COCO_COCO_H */
