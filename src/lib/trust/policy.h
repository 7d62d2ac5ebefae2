/*
 * SIA's acceptance policy and reference data, all read from the trust directory so SIA
 * can change them without a release (docs/TRUST.md): policy.xml (the rules),
 * bodies/bodies.xml (recognised certification bodies) and registers/ *.csv (offline
 * register snapshots). A trust directory without policy.xml gets the default policy
 * compiled into the binary (the repository's trust/policy.xml). policy.xml's <scheme>
 * table is the one place a baseline scheme is defined: its id, printed name and validity
 * rules; the schemas only constrain the form of an id.
 */
#ifndef COCO_POLICY_H
#define COCO_POLICY_H

#include "internal.h"

enum coco_revocation { COCO_REVOCATION_WARN, COCO_REVOCATION_REQUIRE, COCO_REVOCATION_OFF };

struct coco_words {
	char **v;
	size_t n;
};

struct coco_scheme_rule {
	char *id;   /* "cyber-essentials-plus", ... */
	char *name; /* for messages */
	char *register_hint;
	unsigned max_validity_months;
	unsigned basic_within_months; /* 0: no basic-certificate rule */
	int has_withdrawn;
	long withdrawn;             /* day; not valid after it */
	struct coco_words keywords; /* normalised; the scope must contain one */
	struct coco_words
	    exclusions;          /* normalised; ISO: INDETERMINATE (evidence.scope_exclusion) */
	struct coco_words whole; /* normalised whole-organisation scopes */
};

struct coco_body {
	char *name;
	struct coco_words names;   /* name and aliases, normalised as organisations */
	struct coco_words schemes; /* scheme ids */
	struct coco_words anchors; /* SHA-256 of its CA certificates (DER), lower-case hex */
};

struct coco_register_row {
	char *scheme, *number, *holder;
	long issued, expires;
	char *file; /* registers/NAME.csv, for messages */
	unsigned line;
};

struct coco_policy {
	int refs;     /* contexts sharing it (coco_ctx_share_trust); freed at zero */
	char *source; /* "the policy 'PATH'" or "the built-in default policy", for reports */
	struct coco_scheme_rule *schemes; /* the scheme table: the schemes SIA accepts */
	size_t n_schemes;
	/* The scheme ids an assessment, bodies.xml or a register may name: this policy's and
	 * the built-in default's. A default scheme that a trust directory's policy drops is
	 * still recognised (evidence.scheme refuses it); an id in neither is refused as
	 * malformed input (assessment.schema, or a load error). */
	struct coco_words known;
	struct coco_words countries; /* upper-case alpha-2 */
	unsigned expiry_warning_days, min_statement_length, max_authorisation_age_days;
	struct coco_words required_kinds;
	enum coco_revocation revocation;
	int require_signed_evidence; /* an unsigned certificate PDF fails evidence.authentic */
	int signer_org_manual; /* a signer of another organisation: a manual check, not a fail */
	struct coco_words authoriser_roles; /* normalised; a role containing none: manual check */
	/* Assessment version 2's attestations (attest.c): SIA's 24 hours and daily updates by
	 * default; the patch window only where the policy sets one (0: not judged). */
	unsigned max_incident_report_hours, max_antivirus_update_hours, max_patch_window_days;
	struct coco_body *bodies;
	size_t n_bodies;
	struct coco_register_row *rows;
	size_t n_rows, cap_rows;
};

/*
 * Loads dir/policy.xml (else the built-in default), dir/bodies/bodies.xml (optional) and
 * dir/registers/ *.csv (optional), each validated; *out is set only on success. Any file
 * that is present but bad is an error naming it (and its line).
 */
enum coco_err coco_policy_load(struct coco_ctx *ctx, const char *dir, struct coco_policy **out);
/* The built-in default policy, with no bodies and no registers. */
enum coco_err coco_policy_default(struct coco_ctx *ctx, struct coco_policy **out);
void coco_policy_free(struct coco_policy *p);

/* The policy in force: the trust directory's, else the default (loaded on first use). */
const struct coco_policy *coco_ctx_policy(struct coco_ctx *ctx);

/* The scheme table's rule for id, or NULL if the policy does not accept it. */
const struct coco_scheme_rule *coco_policy_scheme(const struct coco_policy *p, const char *id);
/* Whether id is a recognised scheme id (p->known). */
int coco_policy_scheme_known(const struct coco_policy *p, const char *id);
/* code must already be normalised (UK->GB, EL->GR). */
int coco_policy_country_allowed(const struct coco_policy *p, const char *code);
/* The recognised body with this printed name, or NULL; *scheme_ok says if it certifies id. */
const struct coco_body *coco_policy_body(const struct coco_policy *p, const char *name,
					 const char *scheme, int *scheme_ok);
/* Whether any register row exists for scheme; the row for (scheme, number), or NULL. */
int coco_policy_has_register(const struct coco_policy *p, const char *scheme);
const struct coco_register_row *coco_policy_register_find(const struct coco_policy *p,
							  const char *scheme, const char *number);

/* Word lists (policy.c): has s; release; push s (taken over; NULL means allocation
 * failed, -1); split text on white space (-1 on allocation failure). */
int coco_words_has(const struct coco_words *w, const char *s);
void coco_words_release(struct coco_words *w);
int coco_words_push(struct coco_words *w, char *s);
int coco_words_split(struct coco_words *w, const char *text);

#endif /* COCO_POLICY_H */
