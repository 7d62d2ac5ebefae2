/*
 * fuzz_assessment: assessment.xml (assessment.c, evidence.c, policy.c): parsing, XSD
 * validation and every assessment.* and evidence.* check, as verify runs them for a
 * signed bundle. The input is assessment.xml's bytes; the rest of the submission is
 * fixed: the sample applicant's file list, its certificate PDF (scanned once), the test
 * trust directory's policy and registers, a signer named as the sample's director.
 */
#include <stdlib.h>
#include <string.h>

#include "submission/assessment.h"
#include "fuzz.h"
#include "internal.h"
#include "pdf/pdf.h"

#define CERT_PDF "evidence/cyber-essentials-plus.pdf"

static struct coco_ctx *ctx;
static struct coco_pdf_file pdf;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct coco_report *r = NULL;
	char *path;

	(void)argc, (void)argv;
	ctx = fuzz_ctx(1);
	path = fuzz_path("fixtures/example/" CERT_PDF);
	pdf.name = (char *)CERT_PDF;
	if (coco_report_new(&r) != COCO_OK ||
	    coco_pdf_scan_path(ctx, path, CERT_PDF, NULL, r, &pdf.res) != COCO_OK)
		fuzz_die("cannot scan '%s': %s", path, coco_ctx_error(ctx));
	coco_report_free(r);
	free(path);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *files[] = {"policies/information-security-policy.pdf", CERT_PDF,
			       "policies/acceptable-use-policy.pdf"};
	struct coco_report *r = NULL;
	struct coco_submission s;
	char *out = NULL;
	size_t len;

	if (coco_report_new(&r) != COCO_OK)
		fuzz_die("out of memory");
	memset(&s, 0, sizeof(s));
	s.files = files;
	s.n_files = sizeof(files) / sizeof(files[0]);
	s.signed_bundle = 1;
	s.signer_cn = "Jane Director";
	s.signer_subject = "CN=Jane Director,O=Example Guarding Ltd";
	s.signer_org = "Example Guarding Ltd";
	s.signer_org_id = "NTRGB-01234567";
	s.at_day = coco_day_of(coco_ctx_time(ctx));
	s.signed_day = s.at_day - 30;
	s.signed_known = 1;
	s.pdfs = &pdf;
	s.n_pdfs = 1;
	if (coco_submission_check(ctx, r, data, size, &s) != COCO_OK)
		fuzz_die("submission check: %s", coco_ctx_error(ctx));
	/* the sign-off sheet shows the statements and names taken from the assessment */
	if (coco_report_render(r, COCO_FORMAT_HTML, 0, &out, &len) != COCO_OK)
		fuzz_die("cannot render the report");
	free(out);
	coco_report_free(r);
	fuzz_reset();
	return 0;
}
