/*
 * fuzz_pdf: the PDF scanner and its signature checks (src/lib/pdf/). The input is a PDF file.
 * It is placed in an in-memory file after a few bytes that are not its own, as a PDF sits
 * among the others in verify's spool, and read by pread at that offset as verify reads it;
 * signatures are checked against the test trust directory's bodies/ anchors.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pdf/pdf.h"

static struct coco_ctx *ctx;
static struct fuzz_file file;

/* What precedes the PDF in the file: a reader that strays before its start sees a PDF. */
static const char before[] = "%PDF-1.7\n1 0 obj\n<</Type/Catalog>>\nendobj\n%%EOF\n";
#define OFF (sizeof(before) - 1)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	ctx = fuzz_ctx(1);
	fuzz_file_open(&file, "fuzz_pdf");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct coco_pdf_src src = {file.fd, OFF, size, NULL, NULL, NULL};
	unsigned char *buf = malloc(OFF + size + 1);
	struct coco_pdf_result res;
	struct coco_report *r = NULL;
	enum coco_err err;

	if (buf == NULL)
		fuzz_die("out of memory");
	memcpy(buf, before, OFF);
	memcpy(buf + OFF, data, size);
	fuzz_file_set(&file, buf, OFF + size);
	free(buf);
	memset(&res, 0, sizeof(res));
	if (coco_report_new(&r) != COCO_OK)
		fuzz_die("out of memory");
	err = coco_pdf_scan(ctx, &src, "evidence/certificate.pdf", r, &res);
	if (err == COCO_ERR_IO)
		fuzz_die("cannot read the input: %s", coco_ctx_error(ctx));
	(void)coco_pdf_is_pdf_start(data, size);
	coco_pdf_result_release(&res);
	coco_report_free(r);
	fuzz_reset();
	return 0;
}
