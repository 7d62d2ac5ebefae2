/*
 * What the libFuzzer harnesses share: libFuzzer's entry points, a fixed verification
 * time, contexts with the test trust directory loaded once, an in-memory file that holds
 * the input for the readers that take a path or a file descriptor, and the reset of the
 * process-wide error state the libraries keep between inputs.
 */
#ifndef COCO_FUZZ_H
#define COCO_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "coco/coco.h"

/* libFuzzer's entry points, defined by the harnesses; LLVMFuzzerMutate is libFuzzer's. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* Every harness verifies at this fixed time, inside the test PKI's validity. */
#define FUZZ_AT "2027-06-01T00:00:00Z"

/* Set-up failures are the harness's, not findings: print and abort. */
void fuzz_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* rel below the source tree (COCO_FUZZ_SRCDIR, set by the Makefile); malloc'd. */
char *fuzz_path(const char *rel);

/* Reads a file below the source tree into a malloc'd buffer, or dies. */
unsigned char *fuzz_slurp(const char *rel, size_t *len);

/*
 * A context at FUZZ_AT; with trust, fixtures/trust is loaded (once per call). Initialises
 * the library on first use. Dies on failure.
 */
struct coco_ctx *fuzz_ctx(int trust);

/* An anonymous in-memory file (memfd) that holds one input at a time. */
struct fuzz_file {
	int fd;
	char path[64]; /* "/proc/self/fd/N": the readers that take a path open it afresh */
};

void fuzz_file_open(struct fuzz_file *f, const char *name);
/* Replaces the file's contents with data; offset 0. Dies on failure. */
void fuzz_file_set(struct fuzz_file *f, const uint8_t *data, size_t size);

/* Clears the OpenSSL error queue and libxml2's last error after each input. */
void fuzz_reset(void);

#endif /* COCO_FUZZ_H */
