/*
 * fuzz_manifest: the ASiC manifest parser and its checks (manifest.c, xml.c). The input
 * is the manifest's bytes. A manifest that parses is also rebuilt canonically
 * (coco_manifest_build, as create and countersign write them) and parsed again, which
 * must give back the same signature reference, names and digests.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "container/manifest.h"

#define ENTRY "META-INF/ASiCManifest.xml"

static struct coco_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	ctx = fuzz_ctx(0);
	return 0;
}

/* The canonical rebuild of m must parse to the same references. */
static void round_trip(const struct coco_manifest *m)
{
	struct coco_manifest_ref *refs = calloc(m->n + 1, sizeof(*refs));
	struct coco_manifest *again = NULL;
	struct coco_report *r = NULL;
	char *xml;
	size_t i, len = 0;

	if (refs == NULL || coco_report_new(&r) != COCO_OK)
		fuzz_die("out of memory");
	for (i = 0; i < m->n; i++) {
		refs[i] = m->refs[i];
		refs[i].mime = NULL;
	}
	if ((xml = coco_manifest_build(m->sigref, refs, m->n, &len)) == NULL)
		fuzz_die("out of memory");
	if (coco_manifest_parse(ctx, ENTRY, (const unsigned char *)xml, len, r, &again) != COCO_OK)
		fuzz_die("out of memory");
	if (again == NULL || again->n != m->n || strcmp(again->sigref, m->sigref) != 0)
		abort(); /* the builder wrote a manifest the parser reads differently */
	for (i = 0; i < m->n; i++)
		if (strcmp(again->refs[i].name, m->refs[i].name) != 0 ||
		    memcmp(again->refs[i].digest, m->refs[i].digest, 32) != 0 ||
		    again->refs[i].rootfile != m->refs[i].rootfile)
			abort();
	coco_manifest_free(again);
	coco_report_free(r);
	free(xml);
	free(refs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct coco_report *r = NULL;
	struct coco_manifest *m = NULL;

	if (coco_report_new(&r) != COCO_OK)
		fuzz_die("out of memory");
	if (coco_manifest_parse(ctx, ENTRY, data, size, r, &m) == COCO_OK && m != NULL)
		round_trip(m);
	coco_manifest_free(m);
	coco_report_free(r);
	fuzz_reset();
	return 0;
}
