/*
 * fuzz_archive: the zip reader (archive.c). The input is a whole container file: it is
 * opened (end records, central directory, duplicates, local headers, layout, mimetype,
 * libzip's cross-check) and, when its container checks pass, streamed once the way
 * verify does (bundle digest by the read-ahead thread, every entry inflated, CRC-checked
 * and hashed), then each small entry is read on its own as verify reads META-INF. The
 * zip-aware mutation (zipmut.h) also changes entries' contents with their CRCs right.
 */
#include <stdlib.h>

#include <openssl/evp.h>

#include "container/archive.h"
#include "fuzz.h"
#include "internal.h"
#include "zipmut.h"

static struct coco_ctx *ctx;
static struct fuzz_file file;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	ctx = fuzz_ctx(0);
	fuzz_file_open(&file, "fuzz_archive");
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	return zipmut_mutate(data, size, max_size, seed);
}

/* Hashes every entry's bytes, as verify's sink does. */
static int sink(void *arg, size_t idx, const unsigned char *p, size_t len)
{
	(void)idx;
	return EVP_DigestUpdate(arg, p, len) ? 0 : -1;
}

static void walk(struct coco_archive *ar, struct coco_report *r)
{
	EVP_MD_CTX *file_md = EVP_MD_CTX_new(), *entry_md = EVP_MD_CTX_new();
	unsigned char *buf = NULL;
	size_t i, len;

	if (file_md == NULL || entry_md == NULL ||
	    !EVP_DigestInit_ex(file_md, EVP_sha256(), NULL) ||
	    !EVP_DigestInit_ex(entry_md, EVP_sha256(), NULL))
		fuzz_die("out of memory");
	/* an in-memory file is always readable: a read error is a read outside the archive */
	if (coco_archive_stream(ctx, ar, file_md, sink, entry_md, r) == COCO_ERR_IO)
		fuzz_die("stream: %s", coco_ctx_error(ctx));
	for (i = 0; i < ar->n; i++) {
		if (coco_archive_read(ctx, ar, i, COCO_MAX_META_SIZE, &buf, &len) == COCO_ERR_IO)
			fuzz_die("read: %s", coco_ctx_error(ctx));
		free(buf);
		buf = NULL;
	}
	(void)coco_archive_find(ar, "mimetype");
	EVP_MD_CTX_free(file_md);
	EVP_MD_CTX_free(entry_md);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct coco_report *r = NULL;
	struct coco_archive *ar = NULL;

	fuzz_file_set(&file, data, size);
	if (coco_report_new(&r) != COCO_OK)
		fuzz_die("out of memory");
	if (coco_archive_open(ctx, file.path, r, &ar) == COCO_OK && ar != NULL && ar->ok)
		walk(ar, r);
	coco_archive_free(ar);
	coco_report_free(r);
	fuzz_reset();
	return 0;
}
