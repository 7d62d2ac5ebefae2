/*
 * The harnesses' shared set-up (fuzz.h). Paths are resolved below the source tree whose
 * absolute path the Makefile compiles in, so a harness runs from any directory.
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libxml/xmlerror.h>
#include <openssl/err.h>

#include "fuzz.h"

#ifndef COCO_FUZZ_SRCDIR
#define COCO_FUZZ_SRCDIR "."
#endif

void fuzz_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz harness set-up: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

char *fuzz_path(const char *rel)
{
	size_t n = strlen(COCO_FUZZ_SRCDIR) + strlen(rel) + 2;
	char *p = malloc(n);

	if (p == NULL)
		fuzz_die("out of memory");
	snprintf(p, n, "%s/%s", COCO_FUZZ_SRCDIR, rel);
	return p;
}

unsigned char *fuzz_slurp(const char *rel, size_t *len)
{
	char *path = fuzz_path(rel);
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n)
		fuzz_die("cannot read '%s': %s", path, strerror(errno));
	buf[n] = '\0';
	*len = (size_t)n;
	fclose(f);
	free(path);
	return buf;
}

struct coco_ctx *fuzz_ctx(int trust)
{
	static int inited;
	struct coco_ctx *ctx = NULL;
	char *dir = NULL;
	time_t at;

	if (!inited) {
		coco_library_init();
		inited = 1;
	}
	if (coco_ctx_new(&ctx) != COCO_OK || coco_time_parse(FUZZ_AT, &at) != COCO_OK)
		fuzz_die("cannot make a context");
	coco_ctx_set_time(ctx, at);
	if (trust) {
		dir = fuzz_path("fixtures/trust");
		if (coco_ctx_load_trust(ctx, dir) != COCO_OK)
			fuzz_die("cannot load '%s': %s", dir, coco_ctx_error(ctx));
		free(dir);
	}
	return ctx;
}

void fuzz_file_open(struct fuzz_file *f, const char *name)
{
	f->fd = memfd_create(name, MFD_CLOEXEC);
	if (f->fd < 0)
		fuzz_die("memfd_create: %s", strerror(errno));
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

void fuzz_file_set(struct fuzz_file *f, const uint8_t *data, size_t size)
{
	size_t done = 0;
	ssize_t n;

	if (ftruncate(f->fd, 0) != 0)
		fuzz_die("ftruncate: %s", strerror(errno));
	while (done < size) {
		n = pwrite(f->fd, data + done, size - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fuzz_die("pwrite: %s", strerror(errno));
		done += (size_t)n;
	}
	if (lseek(f->fd, 0, SEEK_SET) != 0)
		fuzz_die("lseek: %s", strerror(errno));
}

void fuzz_reset(void)
{
	ERR_clear_error();
	xmlResetLastError();
}
