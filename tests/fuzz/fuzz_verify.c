/*
 * fuzz_verify: the whole coco_verify pipeline on a bundle (verify.c and everything it
 * calls: container, manifests, digests, CAdES signatures, sign-offs, coverage, PDFs,
 * assessment, evidence), then the report rendered in every format. The input is the
 * bundle file, held in an in-memory file whose /proc/self/fd path verify opens. Each
 * input gets a fresh context that shares the trust directory loaded once (so nothing a
 * context caches carries over between inputs), at the fixed time. The zip-aware
 * mutation (zipmut.h) keeps CRCs right so mutations reach past the container checks.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "zipmut.h"

static struct coco_ctx *trust;
static struct fuzz_file file;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	trust = fuzz_ctx(1);
	fuzz_file_open(&file, "fuzz_verify");
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	return zipmut_mutate(data, size, max_size, seed);
}

static void render(const struct coco_report *r)
{
	static const struct {
		enum coco_format format;
		unsigned flags;
	} how[] = {{COCO_FORMAT_TEXT, 0},
		   {COCO_FORMAT_TEXT, COCO_RENDER_INSPECT},
		   {COCO_FORMAT_JSON, 0},
		   {COCO_FORMAT_HTML, 0},
		   {COCO_FORMAT_XML, 0}};
	char *out = NULL;
	size_t i, len;
	time_t when;
	char what[128];

	for (i = 0; i < sizeof(how) / sizeof(how[0]); i++) {
		if (coco_report_render(r, how[i].format, how[i].flags, &out, &len) != COCO_OK)
			fuzz_die("cannot render the report");
		free(out);
		out = NULL;
	}
	(void)coco_report_earliest_expiry(r, &when, what, sizeof(what));
	(void)coco_report_decision(r, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct coco_ctx *ctx = fuzz_ctx(0);
	struct coco_report *r = NULL;

	fuzz_file_set(&file, data, size);
	if (coco_ctx_share_trust(ctx, trust) != COCO_OK || coco_report_new(&r) != COCO_OK)
		fuzz_die("out of memory");
	/* an in-memory file is always readable: a read error is a read outside the bundle */
	if (coco_verify(ctx, file.path, r) == COCO_ERR_IO)
		fuzz_die("verify read outside the file: %s", coco_ctx_error(ctx));
	render(r);
	coco_report_free(r);
	coco_ctx_free(ctx);
	fuzz_reset();
	return 0;
}
