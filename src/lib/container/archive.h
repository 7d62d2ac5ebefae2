/*
 * The zip container: a strict reader that walks the end record and central directory
 * itself (libzip checks none of the layout rules ASiC-E needs), and a deterministic
 * writer that produces the canonical layout the reader demands.
 */
#ifndef COCO_ARCHIVE_H
#define COCO_ARCHIVE_H

#include <openssl/evp.h>

#include "report/report.h"

struct coco_entry {
	char *name; /* NUL-terminated; the checks refuse names with an embedded NUL */
	size_t name_len;
	uint64_t local_off, data_off, next_off;
	uint64_t csize, usize;
	uint32_t crc, ext_attr;
	uint16_t method, flags, made_by;
	int is_dir;
	int data_ok; /* set by a stream pass: CRC and size verified */
	/* SHA-256 of the local header and data descriptor as the open read and judged them */
	unsigned char meta_md[32];
};

struct coco_archive {
	int fd;
	char *path;
	uint64_t size;
	struct coco_entry *e;
	size_t n;
	struct coco_entry **by_name; /* e sorted by name for coco_archive_find, or NULL */
	uint64_t cd_off, cd_size;
	int ok; /* every container.* check passed */
	/* SHA-256 of the central directory and end records as the open read them; meta_ok when
	 * it and every entry's meta_md are set, so that a pass can compare what it reads */
	unsigned char tail_md[32];
	int meta_ok;
};

/*
 * Opens path and checks its container rules, adding container.* findings to r.
 * Returns COCO_ERR_IO (message in ctx) if the file cannot be read; COCO_OK with *out
 * NULL if it is not a walkable zip (findings say why); COCO_OK with *out otherwise,
 * where (*out)->ok tells whether every container check passed.
 */
enum coco_err coco_archive_open(struct coco_ctx *ctx, const char *path, struct coco_report *r,
				struct coco_archive **out);
void coco_archive_free(struct coco_archive *ar);

/* Index of the first entry with exactly this name, or -1 (a binary search). */
long coco_archive_find(const struct coco_archive *ar, const char *name);

/* Receives an entry's uncompressed bytes in order. Returns 0, or -1 to stop. */
typedef int (*coco_entry_sink)(void *arg, size_t idx, const unsigned char *p, size_t len);

/*
 * Reads the whole file once, in order: every byte goes into file_md (may be NULL), and
 * each entry's uncompressed data goes to sink. The bytes around the data (local headers,
 * descriptors, central directory, end records) must be those the open read and judged:
 * else COCO_ERR_IO, "'NAME' in 'PATH' changed while being read". Each entry is read to its end, so
 * a bad CRC, a size lie or trailing garbage after a deflate stream becomes a container.crc or
 * container.data finding and clears e->data_ok. With file_md, a second thread reads the
 * file and updates file_md while the caller's thread does the entry work (without a
 * thread, the caller does both); the thread is joined before return, and sink always
 * runs on the caller's thread. Returns COCO_ERR_IO on a read error, COCO_ERR_CRYPTO if
 * file_md fails.
 */
enum coco_err coco_archive_stream(struct coco_ctx *ctx, struct coco_archive *ar,
				  EVP_MD_CTX *file_md, coco_entry_sink sink, void *arg,
				  struct coco_report *r);

/* As coco_archive_stream, for one entry; returns COCO_ERR_FORMAT if its data is bad. */
enum coco_err coco_archive_stream_entry(struct coco_ctx *ctx, struct coco_archive *ar, size_t idx,
					coco_entry_sink sink, void *arg);

/* Reads one small entry (at most max bytes) into a malloc'd buffer. */
enum coco_err coco_archive_read(struct coco_ctx *ctx, struct coco_archive *ar, size_t idx,
				size_t max, unsigned char **out, size_t *out_len);

/* ---- rules beyond the layout (archive_rules.c) ---- */

/* What an extra-field block holds, as coco_extra_scan found it. */
struct coco_extra {
	const unsigned char *zip64; /* the zip64 field's data (borrowed from the block), or NULL */
	size_t zip64_len;
	int broken;      /* not whole fields, or zip64 twice: no value in it can be trusted */
	uint16_t bad_id; /* the field refused first (0 when broken into no fields) */
	const char *why; /* the first problem (static), or NULL if every field is allowed */
};

/*
 * Walks the extra-field block p of a central (local 0) or local header: each field whole,
 * at most once, and only a zip64 field, a well-formed extended timestamp (0x5455) or NTFS
 * times (0x000a). Whether the zip64 field is needed is for the two calls below.
 */
void coco_extra_scan(const unsigned char *p, size_t len, int local, struct coco_extra *x);
/* Adds x's problem as a container.extra failure about subject. */
void coco_extra_report(struct coco_archive *ar, struct coco_report *r, const char *subject,
		       int local, const struct coco_extra *x);
/* Replaces e's saturated central fields by the zip64 values, which must be exactly those;
 * returns NULL, or why not (a static string). */
const char *coco_extra_zip64_central(struct coco_entry *e, const struct coco_extra *x);
/* Checks a local header's zip64 field against its 32-bit sizes and e; returns NULL, or why
 * not, with *header set when it is the header's values that disagree (else the field). */
const char *coco_extra_zip64_local(const struct coco_entry *e, uint32_t lcsize, uint32_t lusize,
				   const struct coco_extra *x, int *header);
/* Flag bits and MS-DOS attributes of e (container.flags, container.encrypted, container.type). */
void coco_entry_rules(struct coco_archive *ar, struct coco_report *r, const struct coco_entry *e);
/* Names that are one file where extracted (archive_names.c): container.duplicate. */
enum coco_err coco_archive_check_names(struct coco_ctx *ctx, struct coco_archive *ar,
				       struct coco_report *r);
/* libzip's second opinion: count, names, sizes, CRCs and methods (container.consistency). */
void coco_libzip_crosscheck(struct coco_archive *ar, struct coco_report *r);

/* ---- writer ---- */

struct coco_zipw;

/* Starts a canonical ASiC-E zip on fd (positioned at 0), writing the mimetype entry. */
enum coco_err coco_zipw_new(struct coco_ctx *ctx, int fd, const char *out_name,
			    struct coco_zipw **out);
/*
 * Continues the bundle in: copies its bytes up to the central directory to fd (positioned
 * at 0) unchanged, so that entries added next follow the earlier ones, and
 * coco_zipw_finish writes the earlier central directory records verbatim before the new
 * ones. in must have passed its container checks. The file, as copied, must have the
 * SHA-256 sha256 (hex, as the verification pass hashed it): else COCO_ERR_IO, "'PATH'
 * changed while being read". COCO_ERR_LIMIT for zip64 bundles.
 */
enum coco_err coco_zipw_append(struct coco_ctx *ctx, int fd, const char *out_name,
			       const struct coco_archive *in, const char *sha256,
			       struct coco_zipw **out);
void coco_zipw_free(struct coco_zipw *w);
/*
 * Adds an entry whose content comes from src_fd, read once: sha256 (may be NULL) gets
 * the uncompressed bytes. Deflates when deflate is set and it shrinks, else stores.
 */
enum coco_err coco_zipw_add_fd(struct coco_zipw *w, const char *name, int src_fd,
			       const char *src_name, int deflate, EVP_MD_CTX *sha256);
enum coco_err coco_zipw_add_mem(struct coco_zipw *w, const char *name, const unsigned char *p,
				size_t len, int deflate);
/* The total bytes of the sources to come, for progress reports. */
void coco_zipw_set_total(struct coco_zipw *w, uint64_t total);
/* Writes the central directory and end record. */
enum coco_err coco_zipw_finish(struct coco_zipw *w);
/*
 * The output's SHA-256 without a second pass: coco_zipw_hash_start (on a new archive,
 * before its entries) starts a thread that reads back every byte as it becomes final;
 * coco_zipw_hash_end, after coco_zipw_finish and before the file is closed, waits for it
 * and gives the digest of the whole file. coco_zipw_free stops a hasher still running.
 */
/* One entry to add: its name, bytes, and whether to try deflating it. */
struct coco_new_entry {
	const char *name;
	const unsigned char *p;
	size_t len;
	int deflate;
};

/*
 * Writes out_path, atomically (coco_tmp_open, coco_tmp_commit), as the verified bundle in
 * (whose file had the SHA-256 sha256, hex: coco_zipw_append) with the n entries added after
 * its own, its permission bits kept: the writer countersign and timestamp share.
 */
enum coco_err coco_zipw_append_atomic(struct coco_ctx *ctx, const struct coco_archive *in,
				      const char *sha256, const char *out_path,
				      const struct coco_new_entry *e, size_t n);
enum coco_err coco_zipw_hash_start(struct coco_zipw *w);
enum coco_err coco_zipw_hash_end(struct coco_zipw *w, unsigned char out[32]);

#endif /* COCO_ARCHIVE_H */
