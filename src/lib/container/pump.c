/*
 * The read-ahead pump of coco_archive_stream. The bundle digest (file_md) covers every byte of the
 * file and the entry digests and CRCs cover the same bytes again, so on one core a verify costs two
 * SHA-256 passes plus the CRC. A second thread, the pump, does the reading and the bundle digest:
 * it reads chunk k into a ring of COCO_PUMP_BUFS buffers, hands it to the caller, then hashes it,
 * while the caller inflates, CRCs and hashes the chunk before. Both threads only read a
 * filled buffer; the pump refills one only after the caller is done with it (and it
 * hashed it itself before reading further). The pump reads exactly the size the
 * archive was opened with. If it cannot start, the caller reads and hashes inline.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "container/pump.h"

struct coco_pump {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t tid;
	int fd;
	EVP_MD_CTX *md;
	unsigned char *buf[COCO_PUMP_BUFS];
	size_t len[COCO_PUMP_BUFS];
	uint64_t left;             /* bytes still to read */
	uint64_t filled, consumed; /* chunks read, chunks the caller is done with */
	int end, err;              /* no more chunks; errno of a failed read, or 0 */
	int stop, failed;          /* caller gave up; a digest update failed */
};

/* One read of at most a chunk, without the lock; 0 at end of file. */
static ssize_t pump_read(struct coco_pump *pp, unsigned char *b)
{
	size_t want = pp->left < COCO_IO_CHUNK ? (size_t)pp->left : COCO_IO_CHUNK;
	ssize_t got;

	do
		got = read(pp->fd, b, want);
	while (got < 0 && errno == EINTR);
	return got;
}

/* Reads the next chunk into the free slot, hands it over and hashes it; called, and
 * returns, with the lock held. */
static void pump_one(struct coco_pump *pp)
{
	unsigned char *b = pp->buf[pp->filled % COCO_PUMP_BUFS];
	ssize_t got;
	int e, ok;

	pthread_mutex_unlock(&pp->mu);
	got = pp->left == 0 ? 0 : pump_read(pp, b);
	e = errno;
	pthread_mutex_lock(&pp->mu);
	if (got <= 0) {
		pp->end = 1;
		pp->err = got < 0 ? e : 0;
	} else {
		pp->len[pp->filled % COCO_PUMP_BUFS] = (size_t)got;
		pp->left -= (uint64_t)got;
		pp->filled++;
	}
	pthread_cond_signal(&pp->cv);
	if (got <= 0)
		return;
	pthread_mutex_unlock(&pp->mu);
	ok = EVP_DigestUpdate(pp->md, b, (size_t)got);
	pthread_mutex_lock(&pp->mu);
	pp->failed |= !ok;
}

static void *pump_main(void *arg)
{
	struct coco_pump *pp = arg;

	pthread_mutex_lock(&pp->mu);
	while (!pp->stop && !pp->end) {
		if (pp->filled - pp->consumed >= COCO_PUMP_BUFS)
			pthread_cond_wait(&pp->cv, &pp->mu);
		else
			pump_one(pp);
	}
	pthread_mutex_unlock(&pp->mu);
	return NULL;
}

/* Starts the pump over bufs (COCO_PUMP_BUFS of COCO_IO_CHUNK); NULL (read inline) if it cannot. */
struct coco_pump *coco_pump_start(int fd, uint64_t size, EVP_MD_CTX *md, unsigned char **bufs)
{
	struct coco_pump *pp = calloc(1, sizeof(*pp));
	int mu, cv, started, i;

	if (pp == NULL)
		return NULL;
	pp->fd = fd;
	pp->md = md;
	pp->left = size;
	for (i = 0; i < COCO_PUMP_BUFS; i++)
		pp->buf[i] = bufs[i];
	mu = pthread_mutex_init(&pp->mu, NULL) == 0;
	cv = mu && pthread_cond_init(&pp->cv, NULL) == 0;
	started = cv && pthread_create(&pp->tid, NULL, pump_main, pp) == 0;
	if (!started) {
		if (cv)
			pthread_cond_destroy(&pp->cv);
		if (mu)
			pthread_mutex_destroy(&pp->mu);
		free(pp);
		pp = NULL;
	}
	return pp;
}

/* Releases the caller's current chunk (if any) and waits for the next; -1 with errno
 * (0 for a short file) when there is none. */
int coco_pump_next(struct coco_pump *pp, int release, const unsigned char **p, size_t *len)
{
	int ok;

	pthread_mutex_lock(&pp->mu);
	if (release) {
		pp->consumed++;
		pthread_cond_signal(&pp->cv);
	}
	while (pp->filled == pp->consumed && !pp->end)
		pthread_cond_wait(&pp->cv, &pp->mu);
	ok = pp->filled > pp->consumed;
	if (ok) {
		*p = pp->buf[pp->consumed % COCO_PUMP_BUFS];
		*len = pp->len[pp->consumed % COCO_PUMP_BUFS];
	} else {
		errno = pp->err;
	}
	pthread_mutex_unlock(&pp->mu);
	return ok ? 0 : -1;
}

/* Stops and joins the pump; returns 0, or -1 if a digest update failed. */
int coco_pump_finish(struct coco_pump *pp)
{
	int failed;

	if (pp == NULL)
		return 0;
	pthread_mutex_lock(&pp->mu);
	pp->stop = 1;
	pthread_cond_signal(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	pthread_join(pp->tid, NULL);
	failed = pp->failed;
	pthread_cond_destroy(&pp->cv);
	pthread_mutex_destroy(&pp->mu);
	free(pp);
	return failed ? -1 : 0;
}
