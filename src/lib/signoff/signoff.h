/*
 * The SIRO's sign-off: countersign records a decision in a bundle (signoff.c), and the
 * verification stage that checks it. A sign-off is a decision file, the full report it
 * was made on, and a manifest over everything before them, signed by a SIRO certificate
 * from the trust directory's siro/.
 */
#ifndef COCO_SIGNOFF_H
#define COCO_SIGNOFF_H

#include "bundle/verify.h"

/* True if m is a SIRO's: META-INF/ASiCManifestNNN.xml listing signoff/decision-NNN.xml. */
int coco_signoff_is_siro(const struct coco_manifest *m);

/* True if entry i is a signoff/ file listed, with a matching digest, by a SIRO manifest:
 * SIA's, not part of the applicant's submission. */
int coco_signoff_owns(const struct coco_vstate *v, size_t i);

/*
 * After the SIRO signatures were verified into v->siro: reads each SIRO manifest's
 * decision, checks it (signoff.* findings into v->siro) and adds a sign-off row to v->r.
 */
enum coco_err coco_signoff_check(struct coco_vstate *v);

/*
 * The sign-off that proves applicant signature sig (over manifest i) existed while its
 * certificate was valid: the earliest valid approval whose manifest lists manifest i and
 * its signature with matching digests, signed inside sig's certificate validity, not
 * before sig's own signing time and not after the verification time. NULL when none.
 */
const struct coco_report_signoff *coco_signoff_proof(const struct coco_vstate *v, size_t i,
						     const struct coco_report_signature *sig);
/* Adds the finding that says the applicant's chain was validated at proof's time, because
 * the certificate expired (else: was revoked). */
void coco_signoff_note_proof(struct coco_report *r, const struct coco_report_signature *sig,
			     const struct coco_report_signoff *proof, int expired);

/* After every signature was verified: checks that no sign-off predates a signature it
 * covers, marks the sign-offs that stand (valid, covered by no other valid one:
 * coco_report_in_force), appends the sign-off findings after the applicant's part (with
 * signoff.ambiguous when several stand), then the decision in force. */
enum coco_err coco_signoff_finish(struct coco_vstate *v);

#endif /* COCO_SIGNOFF_H */
