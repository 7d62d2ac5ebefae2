/*
 * fuzz_cms: CAdES signature checking (cms.c) over a fixed manifest. The input is the
 * signature's DER. The manifest it signs (tests/fuzz/cms-manifest.xml, the one the seed
 * signatures sign) and the test trust directory are loaded once. Each input is checked
 * three ways: as verify does (the manifest in memory, signers/ anchors), as the PDF
 * scanner does (the data digested on demand, bodies/ anchors, strict), and as inspect
 * does (no trust). The report, with the signer's names in it, is then rendered.
 */
#include <stdlib.h>
#include <string.h>

#include "signature/cms.h"
#include "fuzz.h"
#include "internal.h"

static struct coco_ctx *ctx;
static unsigned char *manifest;
static size_t manifest_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	ctx = fuzz_ctx(1);
	manifest = fuzz_slurp("tests/fuzz/cms-manifest.xml", &manifest_len);
	return 0;
}

static int digest(void *arg, const EVP_MD *md, unsigned char *out, unsigned int *out_len)
{
	(void)arg;
	return EVP_Digest(manifest, manifest_len, out, out_len, md, NULL) ? 0 : -1;
}

static void check(const uint8_t *der, size_t len, int how, struct coco_report *r)
{
	struct coco_report_signature *info = coco_report_add_signature(r);
	struct coco_cms_check in;

	if (info == NULL)
		fuzz_die("out of memory");
	memset(&in, 0, sizeof(in));
	in.sig_entry = "META-INF/signature001.p7s";
	in.der = der, in.der_len = len;
	in.data_entry = "META-INF/ASiCManifest001.xml";
	in.trust = how != 2;
	in.anchors = COCO_ANCHORS_SIGNERS;
	if (how == 1) {
		in.digest = digest;
		in.anchors = COCO_ANCHORS_BODIES;
		in.strict = 1;
	} else {
		in.data = manifest, in.data_len = manifest_len;
	}
	if (coco_cms_verify(ctx, &in, r, info) != COCO_OK)
		fuzz_die("out of memory: %s", coco_ctx_error(ctx));
}

static void render(const struct coco_report *r)
{
	static const enum coco_format formats[] = {COCO_FORMAT_TEXT, COCO_FORMAT_JSON,
						   COCO_FORMAT_HTML};
	char *out = NULL;
	size_t i, len;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (coco_report_render(r, formats[i], 0, &out, &len) != COCO_OK)
			fuzz_die("cannot render the report");
		free(out);
		out = NULL;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct coco_report *r = NULL;
	int how;

	for (how = 0; how < 3; how++) {
		if (coco_report_new(&r) != COCO_OK)
			fuzz_die("out of memory");
		check(data, size, how, r);
		if (how == 0)
			render(r);
		coco_report_free(r);
		r = NULL;
	}
	fuzz_reset();
	return 0;
}
