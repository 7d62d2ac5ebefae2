/*
 * The CoCo self-assessment (assessment.xml, docs/ASSESSMENT.md): parsing against the
 * embedded schema, the assessment.* checks, and the driver that lint, create and verify
 * share, so an applicant learns of every problem from the same rules SIA applies.
 */
#ifndef COCO_ASSESSMENT_H
#define COCO_ASSESSMENT_H

#include "trust/policy.h"

struct coco_pdf_file;

#define COCO_NS_ASSESSMENT "urn:x-coco-bundle:assessment:1"
#define COCO_NS_ASSESSMENT2 "urn:x-coco-bundle:assessment:2"
#define COCO_ASSESSMENT_NAME "assessment.xml"
/* init writes these; lint reports any that is left. */
#define COCO_PLACEHOLDER "REPLACE"
#define COCO_PLACEHOLDER_DATE 0L /* 1970-01-01 */
#define COCO_N_ELEMENTS 11

struct coco_claim_cert {
	char *scheme, *number, *body, *holder, *scope, *file;
	long issued, expires, basic;
	int has_basic;
	int lm_in_scope; /* v2 licenceManagementInScope: 1 yes, 0 no, -1 not given */
};

struct coco_claim_element {
	unsigned num; /* 1..11 */
	char *statement;
	int has_countries;
	struct coco_words countries; /* as written */
	char *incident;              /* CoCo-11 incident contact, or NULL */
	struct coco_words files;
	/* Version 2's attestations (attest.c); version 1 has none. */
	char complies;            /* 'y', 'n' or 'p' (yes, no, partly); 0 in version 1 */
	int firewall, automation; /* CoCo-7, CoCo-8: 1 yes, 0 no, -1 not given */
	char *antivirus;          /* CoCo-7: the update frequency, or NULL */
	long patch_days;          /* CoCo-9: the patch window, or -1 */
	long delay_hours;         /* CoCo-11: the longest reporting delay, or -1 */
	unsigned lists;           /* CoCo-10: bits 0-2, hostedIn, supportedFrom, dataEntryIn */
	char *list[3];            /* CoCo-10: those lists as written, or NULL (the sheet) */
};

struct coco_claim_policy {
	char *kind, *file, *title, *version;
	long approved, next_review;
};

struct coco_assessment {
	unsigned version; /* 1 or 2, by namespace */
	char *legal_name, *company_number, *acr, *address, *telephone;
	char *director, *role, *email;
	int declared; /* version 2: authorisation carries SIA's statement of commitment */
	long authorised;
	struct coco_claim_cert *certs;
	size_t n_certs;
	struct coco_claim_element *elements;
	size_t n_elements;
	struct coco_claim_policy *policies;
	size_t n_policies;
};

/* What the checks need besides the assessment itself. */
struct coco_submission {
	const char **files; /* data files present besides the assessment (sorted in place) */
	size_t n_files;
	int too_large;     /* assessment.xml exists but is over the meta_size limit */
	int signed_bundle; /* verify: a signature exists, so the director is compared */
	int siro_reads; /* verify: each statement is a manual check (assessment.statement_read) */
	const char *signer_cn;      /* the applicant signer's CN; may be NULL */
	const char *signer_subject; /* the signer's whole subject, for messages; may be NULL */
	const char *signer_org;     /* its organizationName (O); may be NULL */
	const char *signer_org_id;  /* its organizationIdentifier (2.5.4.97); may be NULL */
	long signed_day;            /* the day of signing (lint: the check day) */
	long at_day;                /* the verification day */
	int signed_known;           /* signed_day is a signature's claim, not the check day */
	const struct coco_pdf_file *pdfs; /* the PDFs scanned (pdf.h), for evidence.authentic */
	size_t n_pdfs;
	/* Where to add the failures that decide what create packages (assessment.missing,
	 * assessment.xml, assessment.schema, assessment.reference, assessment.unreferenced),
	 * as data, so that create need not search the report for their ids; may be NULL. */
	size_t *packaging;
};

/*
 * Parses xml (named name in findings) and validates it against the embedded schema.
 * A document that does not parse or validate adds assessment.xml or assessment.schema
 * and leaves *out NULL; COCO_OK is returned either way unless memory ran out.
 */
enum coco_err coco_assessment_parse(struct coco_ctx *ctx, struct coco_report *r,
				    const unsigned char *xml, size_t len, const char *name,
				    struct coco_assessment **out);
void coco_assessment_free(struct coco_assessment *a);

/* Whether a text still holds init's placeholder (it starts with COCO_PLACEHOLDER). */
int coco_is_placeholder(const char *s);

/* Every file the assessment references, in document order (borrowed from a). */
size_t coco_assessment_refs(const struct coco_assessment *a, const char **out, size_t max);

/*
 * Which of n verified applicant signatures over xml stands for the applicant: the first
 * whose signer's common name (cns[i], may be NULL) is the authorising director's, else
 * the first (index 0, also when xml does not parse; its findings come later, from
 * coco_assessment_check). Other signatures by, say, a second director are reported as
 * signatures and judge nothing about the assessment.
 */
size_t coco_assessment_pick_signer(struct coco_ctx *ctx, const unsigned char *xml, size_t len,
				   const char *const *cns, size_t n);

/*
 * signer_id.c's checks of a signed bundle's signer against the assessment, called by
 * coco_assessment_check: assessment.director (the common name against the authorising
 * director) and assessment.signer_organisation (O and organizationIdentifier against
 * legalName and companyNumber). Nothing when s is not a signed bundle; -1 on NOMEM.
 */
int coco_assessment_check_director(struct coco_report *r, const struct coco_assessment *a,
				   const struct coco_submission *s);
int coco_assessment_check_signer_org(struct coco_report *r, const struct coco_assessment *a,
				     const struct coco_policy *p, const struct coco_submission *s);

/*
 * The assessment stage: parse, the assessment.* checks and the report's summary block.
 * xml may be NULL (no assessment.xml: assessment.missing, unless s->too_large). Sorts
 * s->files. *out is the parsed assessment, for the evidence stage, when it was checked;
 * NULL when it is missing or not a valid assessment (the findings say so) or on error.
 */

enum coco_err coco_assessment_check(struct coco_ctx *ctx, struct coco_report *r,
				    const unsigned char *xml, size_t len,
				    const struct coco_submission *s, struct coco_assessment **out);

/*
 * The whole submission, as lint and create check it: coco_assessment_check, then
 * coco_evidence_check on the assessment it parsed. Verify runs the two as its own stages.
 */
enum coco_err coco_submission_check(struct coco_ctx *ctx, struct coco_report *r,
				    const unsigned char *xml, size_t len,
				    const struct coco_submission *s);

/* The evidence.* checks (evidence.c). */
enum coco_err coco_evidence_check(struct coco_ctx *ctx, struct coco_report *r,
				  const struct coco_assessment *a, const struct coco_policy *p,
				  const struct coco_submission *s);

/* Version 2's attestations (attest.c): complies, the judged fields against the policy, and
 * for version 1 a note of what it lacks. */
enum coco_err coco_attest_check(struct coco_report *r, const struct coco_assessment *a,
				const struct coco_policy *p);

/* "CoCo-N" for 1..11 (a static string), "element" otherwise. */
const char *coco_element_id(unsigned num);
/* SIA's statement of commitment, verbatim (sia.c). */
const char *coco_sia_declaration(void);
/* CoCo element num's requirement (1..11) in SIA's own words (sia.c); NULL otherwise. */
const char *coco_element_requirement(unsigned num);
/* The Cyber Essentials requirement SIA's guidance names beside element num, or NULL. */
const char *coco_element_ce_reference(unsigned num);
/* coco-bundle's own advice on element num (not SIA's: shown labelled as ours), or NULL. */
const char *coco_element_guidance(unsigned num);

#endif /* COCO_ASSESSMENT_H */
