/*
 * Internal report API: how verification stages add findings and the facts (bundle,
 * entries, signatures) that renderers print.
 */
#ifndef COCO_REPORT_H
#define COCO_REPORT_H

#include "internal.h"
#include "util/buf.h"

struct coco_finding {
	enum coco_status status;
	char *id;
	char *subject;
	char *message;
	int manual;            /* a warning that asks for a person's judgement */
	enum coco_cause cause; /* what it reports, as data (coco.h) */
	size_t more; /* a summary: how many more findings of this id and status it stands for */
};

/*
 * Past COCO_REPORT_MAX_SAME findings of one id, status and manual flag, further ones are
 * not kept: one summary finding (subject NULL, `more` set) counts them, so a bundle of
 * 10,000 bad entries cannot make the report, or any rendering of it, grow without bound.
 */
#define COCO_REPORT_MAX_SAME 100u

/* One id, status and manual flag, and how many of its findings the report lists. */
struct coco_report_tally {
	const char *id; /* borrowed from the first such finding */
	enum coco_status status;
	int manual;
	size_t listed;
	size_t summary; /* index of its summary finding, or SIZE_MAX while there is none */
};

/* A policy the assessment lists, for the sign-off sheet. */
struct coco_report_policy {
	char *kind, *title, *version, *file;
	long approved, next_review; /* days since 1970-01-01 */
};

/* The applicant's details the sign-off sheet shows besides the organisation's name; each
 * may be NULL (not given, or the assessment could not be read). */
struct coco_report_applicant {
	char *company_number, *address;
	char *countries;        /* CoCo-10's country codes, as written */
	char *incident_contact; /* CoCo-11's contact */
	char *declaration;      /* SIA's statement of commitment, when the assessment has it */
	struct coco_report_policy *policies;
	size_t n_policies, cap_policies;
};

/* Renderers (report*.c) read these directly; stages use the functions below. */
struct coco_report {
	struct coco_finding *findings;
	size_t n, cap;
	unsigned char *log; /* the status of every finding added, listed or summarised */
	size_t n_log, cap_log;
	struct coco_report_tally *tally;
	size_t n_tally, cap_tally;
	int nomem;
	char *path;
	uint64_t size;
	char sha256[65];
	time_t at;
	struct coco_report_entry *entries;
	size_t n_entries, cap_entries;
	struct coco_report_signature *sigs;
	size_t n_sigs, cap_sigs;
	int lint; /* a folder checked before signing, not a bundle */
	char *organisation, *director;
	struct coco_report_applicant applicant; /* what else the SIRO judges by (the sheet) */
	struct coco_report_cert *certs;
	size_t n_certs, cap_certs;
	struct coco_report_scheme *schemes; /* printed names of the certificates' schemes */
	size_t n_schemes, cap_schemes;
	struct coco_report_element *elements;
	size_t n_elements, cap_elements;
	struct coco_report_signoff *signoffs; /* in bundle order, which says nothing of which
					       * is in force: see `stands` */
	size_t n_signoffs, cap_signoffs;
	/* The newest archive timestamp that holds (bundle/archive_ts.c): its token's entry
	 * (empty: none) and its TSA certificate's end, which the signatures it preserves
	 * (coco_report_signature.archived) last until, unless timestamped again. */
	char archive_token[80];
	time_t archive_until;
};

struct coco_report_entry {
	char *name;
	uint64_t size;
	uint64_t compressed_size;
	unsigned method; /* 0 stored, 8 deflate */
	int is_dir;
	char sha256[65]; /* hex; empty when not computed */
};

enum coco_sig_role {
	COCO_SIG_APPLICANT, /* over a manifest that covers the submission */
	COCO_SIG_SIRO,      /* a sign-off: over a manifest that covers signoff/ files */
};

/*
 * What one CMS signature's verification concluded, as data, so that no caller decides by
 * a finding's id (signature/cms.h, coco_cms_verify, states how it is filled).
 */
enum coco_cms_result {
	COCO_CMS_NOT_CHECKED, /* not judged: inspected only, or no signer certificate found */
	COCO_CMS_VALID,       /* every signature and signer check passed */
	COCO_CMS_EXPIRED,     /* the chain failed: a certificate had expired at `at` */
	COCO_CMS_REVOKED,     /* a certificate was revoked (by `at`, or before the proof time) */
	COCO_CMS_UNTRUSTED,   /* the chain reaches no anchor of the set (or the set is empty) */
	COCO_CMS_INVALID,     /* any other failed or indeterminate check */
};

/* Whether the signature value itself was checked, and how it came out. */
enum coco_cms_value {
	COCO_CMS_VALUE_UNCHECKED, /* never checked: no signed attributes, an algorithm outside
				   * the allow-list, or the CMS could not be read that far */
	COCO_CMS_VALUE_OK,        /* the value verifies over the signed attributes */
	COCO_CMS_VALUE_BAD,       /* the value was checked and does not verify */
};

struct coco_cms_outcome {
	enum coco_cms_result result;
	enum coco_cms_value value; /* the signature value, checked or not (value_ok is more) */
	time_t at;         /* when the chain was judged: the verification time or the proof time */
	int at_proof;      /* `at` is a proof time (coco_cms_check.chain_time), e.g. a sign-off's */
	int depth;         /* EXPIRED, REVOKED: the certificate's depth in the chain (0: signer) */
	time_t expired_at; /* EXPIRED: that certificate's notAfter */
	time_t revoked_at; /* REVOKED: the revocation date its CRL lists (0 if unreadable) */
	int revocation_reason; /* REVOKED: the CRL entry's reasonCode (RFC 5280), -1 if none */
	int no_anchors;        /* UNTRUSTED because the anchor set is empty */
	/* UNTRUSTED with anchors loaded: the top of the chain as far as it could be built from
	 * the certificates the signature carries (the root the anchor set lacks), its subject
	 * (cut at 511 bytes) and SHA-256 of its DER, lower-case hex; "" otherwise */
	char root_subject[512];
	char root_sha256[65];
};

struct coco_report_signature {
	char *manifest;     /* META-INF/ASiCManifest*.xml */
	char *file;         /* META-INF/signature*.p7s */
	char *subject;      /* may be NULL when no signer certificate was found */
	char *common_name;  /* the subject's CN, UTF-8; may be NULL */
	char *organisation; /* the subject's O, UTF-8; may be NULL */
	char *org_id;       /* the subject's organizationIdentifier (2.5.4.97); may be NULL */
	char *issuer;
	char *serial; /* hex */
	time_t not_before, not_after;
	time_t signing_time;
	int has_signing_time;
	int valid;              /* every signature and signer check passed */
	int value_ok;           /* the signature itself verified (whatever the chain's trust) */
	char anchor_sha256[65]; /* SHA-256 of the trust anchor the chain reached (hex), or "" */
	enum coco_sig_role role;
	int proven;   /* a valid approval covering it proves it existed (signoff.proof) */
	int archived; /* an archive timestamp that holds lists it (archive.*) */
	/* A valid RFC 3161 signature timestamp (timestamp.time) proves it existed at
	 * timestamp_time, issued by tsa (the TSA's subject); has_timestamp 0: none holds. */
	time_t timestamp_time;
	int has_timestamp;
	char *tsa;
	time_t tsa_not_after;            /* the TSA certificate's end: the proof's, once past */
	struct coco_cms_outcome outcome; /* why valid is what it is (coco_cms_verify) */
};

/* One CoCo element's statement, for the sign-off sheet. */
/* One field of an element as the applicant attested it (assessment version 2): whether it
 * complies, and the fields a machine judges (docs/ASSESSMENT.md). */
struct coco_report_attest {
	const char *key;   /* the schema's name ("complies", "firewall" ...): static */
	const char *label; /* the sheet's words ("anti-virus updates"): static */
	char *value;       /* as written */
};
#define COCO_REPORT_ATTESTS 6 /* complies and at most three fields (CoCo-10) */

struct coco_report_element {
	char *id; /* "CoCo-1" ... */
	char *title;
	char *statement;
	int to_read; /* the SIRO reads it against title (a COCO_CAUSE_STATEMENT manual check) */
	struct coco_report_attest attest[COCO_REPORT_ATTESTS]; /* none in version 1 */
	size_t n_attest;
};

/* A sign-off decision found in the bundle. */
struct coco_report_signoff {
	char *entry; /* signoff/decision-NNN.xml */
	enum coco_decision decision;
	char *name;       /* the SIRO, from the signing certificate */
	char *comment;    /* may be NULL */
	time_t at;        /* the decision's time */
	char *verdict;    /* the verdict the SIRO saw: "PASSED" ... */
	int valid;        /* its signature verified against the trust directory's siro/ */
	int stands;       /* valid, and no other valid sign-off covers it (signoff/check.c): the
			   * decision in force when it is the only one that stands */
	time_t signed_at; /* the sign-off signature's signing time */
	size_t manifest;  /* the index of its manifest in the verification (verify.h) */
	int lapsed;       /* not valid only because the SIRO's certificate has since expired:
			   * the decision was made, but can no longer be proven */
};

/* A baseline certificate in the report's summary block. */
struct coco_report_cert {
	char *scheme, *number;
	long issued;      /* day (text.c), or -1 when unknown */
	long expires;     /* day */
	const char *note; /* static: "scheme withdrawn", "failed checks", ... or NULL */
};

/* A scheme id and its printed name, from the policy's scheme table. */
struct coco_report_scheme {
	char *id, *name;
};

/*
 * Adds a finding. The id must be listed in docs/checks.md. subject may be NULL. Returns
 * COCO_OK or COCO_ERR_NOMEM (the report then remembers it failed and renders so).
 */
enum coco_err coco_report_add(struct coco_report *r, enum coco_status status, const char *id,
			      const char *subject, const char *fmt, ...) COCO_PRINTF(5, 6);

/* coco_report_add with a va_list, for stages that wrap it. */
enum coco_err coco_report_addv(struct coco_report *r, enum coco_status status, const char *id,
			       const char *subject, const char *fmt, va_list ap) COCO_PRINTF(5, 0);

/* Adds a warn that is a manual check for the SIRO (it asks for a person's judgement). */
enum coco_err coco_report_add_manual(struct coco_report *r, const char *id, const char *subject,
				     const char *fmt, ...) COCO_PRINTF(4, 5);
/* The report describes a folder checked by lint rather than a bundle. */
void coco_report_set_lint(struct coco_report *r);
/* The summary block: organisation and director, then each baseline certificate (its days
 * left are counted from the report's verification time). */
enum coco_err coco_report_set_summary(struct coco_report *r, const char *organisation,
				      const char *director);
/* The applicant's details for the sheet (copied; NULLs allowed). */
enum coco_err coco_report_set_applicant(struct coco_report *r, const char *company_number,
					const char *address, const char *countries,
					const char *incident_contact);
enum coco_err coco_report_add_policy(struct coco_report *r, const struct coco_report_policy *p);
/* The statement of commitment the director's signature covers (copied). */
enum coco_err coco_report_set_declaration(struct coco_report *r, const char *text);
void coco_report_applicant_free(struct coco_report_applicant *a);
enum coco_err coco_report_add_cert(struct coco_report *r, const char *scheme, const char *number,
				   long issued, long expires, const char *note);
/* Records the printed name of a scheme id (the policy's <name>), which the sign-off sheet
 * shows for its certificates; strings copied; a later name for the same id is ignored. */
enum coco_err coco_report_name_scheme(struct coco_report *r, const char *id, const char *name);
/* The printed name recorded for id, or NULL. Borrowed: valid while r lives. */
const char *coco_report_scheme_name(const struct coco_report *r, const char *id);
/* The eleven statements, in order, for the sign-off sheet. title may be NULL. */
enum coco_err coco_report_add_element(struct coco_report *r, const char *id, const char *title,
				      const char *statement, int to_read);
/* Adds an attested field to the element added last (key and label static, value copied);
 * one past COCO_REPORT_ATTESTS is ignored. */
enum coco_err coco_report_element_attest(struct coco_report *r, const char *key, const char *label,
					 const char *value);
/* Adds a sign-off row (strings copied; comment may be NULL). Returns it or NULL. */
struct coco_report_signoff *coco_report_add_signoff(struct coco_report *r, const char *entry,
						    enum coco_decision decision, const char *name,
						    const char *comment, time_t at,
						    const char *verdict);

/* The sign-off in force: the only one that stands; NULL when none stands or when several
 * do (the decision is then undetermined: coco_report_decision). */
const struct coco_report_signoff *coco_report_in_force(const struct coco_report *r);

/* Sets the cause of every finding listed from index `from` (a coco_report_count taken
 * before adding them) on, a summary made meanwhile included. */
void coco_report_set_cause(struct coco_report *r, size_t from, enum coco_cause cause);

/* Appends copies of src's findings (causes included) to dst. */
enum coco_err coco_report_append(struct coco_report *dst, const struct coco_report *src);

/* Whether an allocation failed while findings were added (the report is incomplete). */
int coco_report_failed(const struct coco_report *r);

/*
 * A mark: what coco_report_verdict_since counts from. Not coco_report_count, which counts
 * the findings listed: a finding summarised into an earlier summary adds none.
 */
size_t coco_report_mark(const struct coco_report *r);
/* The verdict over the findings added since the mark (an empty range passes); every one
 * counts, listed or summarised. */
enum coco_verdict coco_report_verdict_since(const struct coco_report *r, size_t mark);

enum coco_err coco_report_set_bundle(struct coco_report *r, const char *path, uint64_t size,
				     time_t at);
void coco_report_set_bundle_sha256(struct coco_report *r, const char *hex);
/* Adds an entry row; returns it (owned by the report) or NULL on allocation failure. */
struct coco_report_entry *coco_report_add_entry(struct coco_report *r, const char *name);
struct coco_report_signature *coco_report_add_signature(struct coco_report *r);
/* Forgets what a verification filled in a signature row (signer, validity), keeping which
 * manifest and file it is, so that the signature can be verified again. */
void coco_report_signature_clear(struct coco_report_signature *s);

size_t coco_report_signature_count(const struct coco_report *r);
const struct coco_report_signature *coco_report_signature_at(const struct coco_report *r, size_t i);
size_t coco_report_entry_count(const struct coco_report *r);
struct coco_report_entry *coco_report_entry_at(const struct coco_report *r, size_t i);

/* The JSON report (report_json.c), the sign-off sheet (report_html.c) and the XML report
 * (report_xml.c). */
void coco_render_json(struct coco_buf *b, const struct coco_report *r, unsigned flags);
void coco_render_html(struct coco_buf *b, const struct coco_report *r, unsigned flags);
void coco_render_xml(struct coco_buf *b, const struct coco_report *r, unsigned flags);

#endif /* COCO_REPORT_H */
