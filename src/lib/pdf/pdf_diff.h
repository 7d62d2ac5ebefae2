/*
 * The pdf module's difference analysis (pdf_diff.c), private to the folder: what the
 * incremental updates after a signed revision change, judged against that revision by a
 * conservative policy (docs/checks.md, "Coverage and the difference policy").
 */
#ifndef COCO_PDF_DIFF_H
#define COCO_PDF_DIFF_H

#include "pdf/pdf_int.h"

/*
 * Judges the bytes after signature g's signed range (sig->end, before the end of the
 * file). When they are incremental updates that lead back to the signed revision and
 * change only what the policy allows, sets sig->coverage to COCO_PDF_COVER_REVISION and
 * adds a pdf.coverage pass that lists the updates; otherwise sets COCO_PDF_COVER_NONE,
 * adds a pdf.coverage failure that says why, and adds one to *bad. Returns COCO_OK
 * whatever the verdict; COCO_ERR_NOMEM or COCO_ERR_IO (with the context's message).
 */
enum coco_err coco_pdf_coverage(struct scan *s, const struct sigrec *g, struct coco_pdf_sig *sig,
				int *bad);

/*
 * Notes, for each object v refers to, whether its bytes (at s->refs_at) lie in a revision
 * older than the one that defines that object (xent.oldref): an update may not add an
 * object that the signed revision already refers to. Called for every object of the
 * object pass; does nothing in a file of one revision.
 */
void coco_pdf_note_refs(struct scan *s, const struct val *v);

#endif /* COCO_PDF_DIFF_H */
