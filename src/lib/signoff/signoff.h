/*
 * The SIRO's sign-off: the rules of a sign-off and the verification stage that checks it
 * (check.c); bundle/countersign.c writes one. A sign-off is a decision file, the
 * full report it was made on, and a manifest over everything before them, signed by a
 * SIRO certificate from the trust directory's siro/.
 */
#ifndef COCO_SIGNOFF_H
#define COCO_SIGNOFF_H

#include "container/archive.h"
#include "container/manifest.h"

/*
 * What sign-off verification reads of a verification run, built for it by the pipeline
 * (verify.c) and borrowed from it: read-only, valid while the run's state lives. The
 * arrays fill in as the pipeline's stages run: the references' entry and matched once
 * the digests were compared, signature_rows once the signature rows were added.
 */
struct coco_signoff_view {
	struct coco_ctx *ctx; /* limits, verification time, errors; caches the sign-off schema */
	const struct coco_entry *entries; /* the bundle's entries, in zip order */
	size_t n_entries;
	const struct coco_manifest *const *manifests; /* NULL where one did not parse */
	const enum coco_sig_role *roles;              /* each manifest's */
	const long *signature_rows; /* manifest i's signature row in the report, or -1 */
	size_t n_manifests;
	/* entry i's SHA-256, computed by the pass */
	const unsigned char *(*sha256)(const void *pipeline, size_t i);
	/* entry i's bytes as the pass hashed them (coco_vstate_read's contract) */
	enum coco_err (*read)(void *pipeline, size_t i, unsigned char **out, size_t *out_len);
	void *pipeline; /* the argument of both */
};

#define COCO_NS_SIGNOFF "urn:x-coco-bundle:signoff:1"

/* The number in PREFIX<digits>SUFFIX (3..6 digits), or -1: how a sign-off's four files
 * (META-INF/ASiCManifestNNN.xml, META-INF/signatureNNN.p7s, signoff/decision-NNN.xml,
 * signoff/report-NNN.xml) belong together. */
long coco_signoff_numbered(const char *name, const char *prefix, const char *suffix);

/* True if m is a SIRO's: META-INF/ASiCManifestNNN.xml listing signoff/decision-NNN.xml. */
int coco_signoff_is_siro(const struct coco_manifest *m);

/* True if entry i is one of a SIRO manifest's own two files, the decision and report
 * numbered as it is (META-INF/ASiCManifestNNN.xml: signoff/decision-NNN.xml and
 * signoff/report-NNN.xml), whatever their digests and signature say, and whether or not
 * it lists the report: SIA's, not part of the applicant's submission, so a problem with
 * them is the sign-off's. */
int coco_signoff_owns(const struct coco_signoff_view *sv, size_t i);

/*
 * After the SIRO signatures were verified into part (their rows in r): reads each SIRO
 * manifest's decision, checks it (signoff.* findings into part) and adds a sign-off row
 * to r.
 */
enum coco_err coco_signoff_check(const struct coco_signoff_view *sv, struct coco_report *r,
				 struct coco_report *part);

/*
 * The sign-off that proves applicant signature sig (over manifest i) existed while its
 * certificate was valid: the earliest valid approval whose manifest lists manifest i and
 * its signature with matching digests, signed inside sig's certificate validity, not
 * before sig's own signing time and not after the verification time. NULL when none.
 */
const struct coco_report_signoff *coco_signoff_proof(const struct coco_signoff_view *sv,
						     const struct coco_report *r, size_t i,
						     const struct coco_report_signature *sig);
/* Adds the finding that says the applicant's chain was validated at proof's time, because
 * the certificate expired (else: was revoked). */
void coco_signoff_note_proof(struct coco_report *r, const struct coco_report_signature *sig,
			     const struct coco_report_signoff *proof, int expired);

/* After every signature was verified: checks that no sign-off predates a signature it
 * covers, marks the sign-offs that stand (valid, covered by no other valid one:
 * coco_report_in_force), appends the sign-off findings (part) after the applicant's part
 * of r (with signoff.ambiguous when several stand), then the decision in force. */
enum coco_err coco_signoff_finish(const struct coco_signoff_view *sv, struct coco_report *r,
				  struct coco_report *part);

#endif /* COCO_SIGNOFF_H */
