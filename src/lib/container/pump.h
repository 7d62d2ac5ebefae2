/*
 * The read-ahead pump: a thread that reads a file in COCO_IO_CHUNK chunks into a ring of
 * COCO_PUMP_BUFS buffers and hashes each chunk after handing it over (see pump.c).
 */
#ifndef COCO_PUMP_H
#define COCO_PUMP_H

#include <stdint.h>

#include <openssl/evp.h>

#include "internal.h"

#define COCO_PUMP_BUFS 3

struct coco_pump;

/* Starts the pump reading size bytes of fd into bufs (COCO_PUMP_BUFS of COCO_IO_CHUNK)
 * and hashing them into md; NULL (read inline) if it cannot. */
struct coco_pump *coco_pump_start(int fd, uint64_t size, EVP_MD_CTX *md, unsigned char **bufs);

/* Releases the caller's current chunk (if release) and waits for the next; -1 with errno
 * (0 for a short file) when there is none. */
int coco_pump_next(struct coco_pump *pp, int release, const unsigned char **p, size_t *len);

/* Stops and joins the pump (NULL: nothing); 0, or -1 if a digest update failed. */
int coco_pump_finish(struct coco_pump *pp);

#endif
