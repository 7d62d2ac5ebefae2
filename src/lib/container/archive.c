/*
 * Strict zip reader for ASiC-E containers. It walks the end record and the central
 * directory itself and demands the canonical layout: first local header at offset 0,
 * entries contiguous and in central-directory order, the central directory straight
 * after them, no comment and nothing after the end record, so that every byte of the file
 * belongs to a record. Every local header must agree with its central record, and the
 * rules of archive_rules.c (extra fields, flags, attributes) leave other readers nothing
 * to read differently (NOTES.md section 7). Entry data is read once, in file order, with
 * the CRC and declared sizes enforced as it streams (NOTES.md section 4). libzip then
 * opens the file with ZIP_CHECKCONS as an independent second opinion. The read-ahead
 * thread that reads and hashes the file while the entries stream is in pump.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <zlib.h>

#include "container/archive.h"
#include "container/pump.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD 0x06054b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_LOC64 0x07064b50u
#define SIG_DD 0x08074b50u

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

void coco_archive_free(struct coco_archive *ar)
{
	size_t i;

	if (ar == NULL)
		return;
	for (i = 0; i < ar->n; i++)
		free(ar->e[i].name);
	free(ar->e);
	free(ar->by_name);
	free(ar->path);
	if (ar->fd >= 0)
		close(ar->fd);
	free(ar);
}

/* By name, then by position: equal names (a container.duplicate) keep their order. */
static int cmp_by_name(const void *a, const void *b)
{
	const struct coco_entry *x = *(const struct coco_entry *const *)a;
	const struct coco_entry *y = *(const struct coco_entry *const *)b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : (x > y) - (x < y);
}

static int cmp_key_name(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct coco_entry *const *)elem)->name);
}

/* The name index coco_archive_find searches, so that looking up every manifest reference
 * costs n log n, not n times the entries. */
static enum coco_err build_index(struct coco_ctx *ctx, struct coco_archive *ar)
{
	size_t i;

	if ((ar->by_name = malloc((ar->n ? ar->n : 1) * sizeof(*ar->by_name))) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory reading '%s'", ar->path);
	for (i = 0; i < ar->n; i++)
		ar->by_name[i] = &ar->e[i];
	qsort(ar->by_name, ar->n, sizeof(*ar->by_name), cmp_by_name);
	return COCO_OK;
}

long coco_archive_find(const struct coco_archive *ar, const char *name)
{
	struct coco_entry *const *hit;
	size_t i;

	if (ar->by_name == NULL) {
		for (i = 0; i < ar->n; i++)
			if (strcmp(ar->e[i].name, name) == 0)
				return (long)i;
		return -1;
	}
	hit = bsearch(name, ar->by_name, ar->n, sizeof(*ar->by_name), cmp_key_name);
	if (hit == NULL)
		return -1;
	while (hit > ar->by_name && strcmp(hit[-1]->name, name) == 0)
		hit--;
	return (long)(*hit - ar->e);
}

static void fail(struct coco_archive *ar, struct coco_report *r, const char *id,
		 const char *subject, const char *msg)
{
	ar->ok = 0;
	coco_report_add(r, COCO_STATUS_FAIL, id, subject, "%s", msg);
}

/* ---- end records ---------------------------------------------------------------- */

struct eocd {
	uint64_t entries, cd_size, cd_off, cd_end;
	unsigned char end[22], z64[56 + 20]; /* the records as read, for the tail digest */
	int has_z64;
};

static int read_eocd64(struct coco_archive *ar, struct coco_report *r, struct eocd *eo)
{
	unsigned char loc[20], rec[56];
	uint64_t off;

	if (ar->size < 22 + 20 + 56 || coco_pread_all(ar->fd, loc, 20, ar->size - 22 - 20) != 0 ||
	    le32(loc) != SIG_LOC64) {
		fail(ar, r, "container.zip64", NULL,
		     "zip64 end-record locator missing or misplaced");
		return -1;
	}
	off = le64(loc + 8);
	if (le32(loc + 4) != 0 || le32(loc + 16) != 1 || off != ar->size - 22 - 20 - 56 ||
	    coco_pread_all(ar->fd, rec, 56, off) != 0 || le32(rec) != SIG_EOCD64 ||
	    le64(rec + 4) != 44 || le32(rec + 16) != 0 || le32(rec + 20) != 0 ||
	    le64(rec + 24) != le64(rec + 32)) {
		fail(ar, r, "container.zip64", NULL,
		     "zip64 end record malformed, multi-disk, or not directly before its locator");
		return -1;
	}
	/* A field the classic record did not saturate must say the same in both records. */
	if ((eo->entries != 0xFFFF && eo->entries != le64(rec + 32)) ||
	    (eo->cd_size != 0xFFFFFFFFu && eo->cd_size != le64(rec + 40)) ||
	    (eo->cd_off != 0xFFFFFFFFu && eo->cd_off != le64(rec + 48))) {
		fail(ar, r, "container.zip64", NULL,
		     "zip64 end record disagrees with an unsaturated field of the end record");
		return -1;
	}
	eo->entries = le64(rec + 32);
	eo->cd_size = le64(rec + 40);
	eo->cd_off = le64(rec + 48);
	eo->cd_end = off;
	memcpy(eo->z64, rec, 56);
	memcpy(eo->z64 + 56, loc, 20);
	eo->has_z64 = 1;
	return 0;
}

/* Explains why the last 22 bytes are not an end record: a comment, trailing data or no zip. */
static void explain_no_eocd(struct coco_archive *ar, struct coco_report *r)
{
	unsigned char buf[4096];
	size_t n = ar->size < sizeof(buf) ? (size_t)ar->size : sizeof(buf);
	size_t i;

	if (coco_pread_all(ar->fd, buf, n, ar->size - n) == 0)
		for (i = n >= 22 ? n - 22 : 0; i-- > 0;)
			if (le32(buf + i) == SIG_EOCD) {
				fail(ar, r, "container.eocd", NULL,
				     "archive comment or data after the end record");
				return;
			}
	fail(ar, r, "container.eocd", NULL,
	     "not a zip archive: no end of central directory record");
}

/*
 * True if an earlier end record's comment reaches exactly the end of the file: a reader
 * that searches backwards from the comment limit would see another archive (NOTES 4).
 */
static int second_view(struct coco_archive *ar)
{
	size_t n = ar->size < 65535 + 22 ? (size_t)ar->size : 65535 + 22, i;
	unsigned char *buf = malloc(n);
	int found = 0;

	if (buf == NULL || coco_pread_all(ar->fd, buf, n, ar->size - n) != 0) {
		free(buf);
		return 1; /* cannot rule it out */
	}
	for (i = 0; i + 22 < n && !found; i++)
		found = le32(buf + i) == SIG_EOCD && i + 22 + le16(buf + i + 20) == n;
	free(buf);
	return found;
}

static int read_eocd(struct coco_archive *ar, struct coco_report *r, struct eocd *eo)
{
	unsigned char b[22];

	if (ar->size < 22 || coco_pread_all(ar->fd, b, 22, ar->size - 22) != 0 ||
	    le32(b) != SIG_EOCD) {
		explain_no_eocd(ar, r);
		return -1;
	}
	if (le16(b + 20) != 0) {
		fail(ar, r, "container.eocd", NULL, "archive comment present");
		return -1;
	}
	if (second_view(ar)) {
		fail(ar, r, "container.eocd", NULL,
		     "a second end record whose comment runs to the end of the file: the archive "
		     "reads differently to other tools");
		return -1;
	}
	if (le16(b + 4) != 0 || le16(b + 6) != 0 || le16(b + 8) != le16(b + 10)) {
		fail(ar, r, "container.eocd", NULL, "multi-disk archives are not supported");
		return -1;
	}
	eo->entries = le16(b + 10);
	eo->cd_size = le32(b + 12);
	eo->cd_off = le32(b + 16);
	eo->cd_end = ar->size - 22;
	memcpy(eo->end, b, 22);
	eo->has_z64 = 0;
	if (eo->entries == 0xFFFF || eo->cd_size == 0xFFFFFFFFu || eo->cd_off == 0xFFFFFFFFu)
		return read_eocd64(ar, r, eo);
	/*
	 * Python's zipfile, 7-Zip, libarchive and libzip follow a locator here even when no
	 * field is saturated, to whatever central directory it names (NOTES.md section 7). Such
	 * a record is legal (Python's zipfile writes one once the directory starts past 2 GiB),
	 * so it is read as those readers read it, and must then agree with every field of the
	 * classic record and sit right after the central directory: both readings reach the
	 * same directory, or the bundle is refused.
	 */
	if (ar->size >= 42 && coco_pread_all(ar->fd, b, 4, ar->size - 42) == 0 &&
	    le32(b) == SIG_LOC64)
		return read_eocd64(ar, r, eo);
	return 0;
}

/* ---- central directory ---------------------------------------------------------- */

/*
 * The central record's extra field and comment: a refused field or a comment is a
 * failure, and the walk goes on; 0. A zip64 field that does not give exactly the
 * saturated values leaves the entry's sizes unknown: the walk stops there; -1.
 */
static int central_extra(struct coco_archive *ar, struct coco_report *r, struct coco_entry *e,
			 const unsigned char *x, size_t xlen, size_t clen)
{
	struct coco_extra xs;
	const char *why;

	if (clen != 0)
		fail(ar, r, "container.comment", e->name, "file comment present");
	coco_extra_scan(x, xlen, 0, &xs);
	if (xs.why != NULL)
		coco_extra_report(ar, r, e->name, 0, &xs);
	if (xs.broken)
		return -1;
	if ((why = coco_extra_zip64_central(e, &xs)) != NULL) {
		fail(ar, r, "container.extra", e->name, why);
		return -1;
	}
	return 0;
}

/*
 * Decodes one central record at cd[*pos]; 0, or -1 once a failure that ends the walk is
 * reported (the record's own structure, with no subject, or its zip64 field).
 */
static int parse_central(struct coco_archive *ar, struct coco_report *r, const unsigned char *cd,
			 size_t cd_len, size_t *pos, struct coco_entry *e)
{
	const unsigned char *p = cd + *pos;
	size_t nlen, xlen, clen;
	const char *why = NULL;

	if (cd_len - *pos < 46 || le32(p) != SIG_CENTRAL)
		why = "central directory record malformed";
	else if (cd_len - *pos - 46 < (size_t)le16(p + 28) + le16(p + 30) + le16(p + 32))
		why = "central directory record overruns the directory";
	else if (le16(p + 34) != 0)
		why = "entry on another disk";
	if (why != NULL) {
		fail(ar, r, "container.layout", NULL, why);
		return -1;
	}
	nlen = le16(p + 28);
	xlen = le16(p + 30);
	clen = le16(p + 32);
	e->made_by = le16(p + 4);
	e->flags = le16(p + 8);
	e->method = le16(p + 10);
	e->crc = le32(p + 16);
	e->csize = le32(p + 20);
	e->usize = le32(p + 24);
	e->ext_attr = le32(p + 38);
	e->local_off = le32(p + 42);
	e->name_len = nlen;
	if ((e->name = coco_strndup((const char *)p + 46, nlen)) == NULL) {
		fail(ar, r, "container.layout", NULL, "out of memory");
		return -1;
	}
	if (central_extra(ar, r, e, p + 46 + nlen, xlen, clen) != 0) {
		free(e->name);
		e->name = NULL;
		return -1;
	}
	*pos += 46 + nlen + xlen + clen;
	return 0;
}

/* Entry-level rules that need only the central record. */
static void check_entry(struct coco_archive *ar, struct coco_report *r, struct coco_entry *e)
{
	unsigned mode = e->ext_attr >> 16;
	const char *why = coco_name_problem(e->name, e->name_len, &e->is_dir);
	size_t i;

	if (why != NULL) {
		fail(ar, r, "container.name", e->name, why);
		return;
	}
	for (i = 0; i < e->name_len && (unsigned char)e->name[i] < 0x80; i++)
		;
	if (i < e->name_len && !(e->flags & 0x0800))
		fail(ar, r, "container.name", e->name, "non-ASCII name without the UTF-8 flag");
	if ((e->flags & 0x0041) || e->method == 99)
		fail(ar, r, "container.encrypted", e->name, "encrypted entry");
	else if (e->method != 0 && e->method != 8)
		fail(ar, r, "container.method", e->name,
		     "compression method is neither stored nor deflate");
	/* Unix type bits, where present, must say regular file or folder, whatever host the
	 * archive claims (unzip honours them for several); permission bits alone are fine, as
	 * Python's zipfile writes them. */
	if ((mode & 0170000) != 0 && (mode & 0170000) != (e->is_dir ? 0040000u : 0100000u))
		fail(ar, r, "container.type", e->name,
		     (mode & 0170000) == 0120000 ? "symbolic link"
						 : "not a regular file or directory");
	/* unzip restores setuid, setgid and sticky bits for root: a submission never needs them */
	if ((mode & 07000) != 0)
		fail(ar, r, "container.type", e->name, "setuid, setgid or sticky bit set");
	if (e->is_dir && e->usize != 0)
		fail(ar, r, "container.type", e->name, "directory entry with content");
	coco_entry_rules(ar, r, e);
}

/* An entry's sizes against the limits; 1 if it failed one (container.limits). */
static int check_sizes(struct coco_archive *ar, struct coco_report *r, struct coco_entry *e,
		       uint64_t max, uint64_t *total)
{
	if (e->usize > max || e->csize > ar->size) {
		fail(ar, r, "container.limits", e->name, "entry larger than the limit or the file");
		return 1;
	}
	*total += e->usize;
	if (e->method == 0 && e->csize != e->usize)
		fail(ar, r, "container.data", e->name, "stored entry whose sizes differ");
	if (e->method == 8 && coco_ratio_over(e->usize, e->csize)) {
		fail(ar, r, "container.limits", e->name, "compression ratio above the limit");
		return 1;
	}
	return 0;
}

/*
 * The digest of the bytes from the central directory to the end of the file, as read here
 * (a race in the file after the open must not reach the pass: it compares, NOTES.md 4).
 * The records lie in that order: directory, zip64 end record and locator, end record.
 */
static void tail_digest(struct coco_archive *ar, const unsigned char *cd, const struct eocd *eo)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	ar->meta_ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
		      EVP_DigestUpdate(md, cd, eo->cd_size) &&
		      (!eo->has_z64 || EVP_DigestUpdate(md, eo->z64, sizeof(eo->z64))) &&
		      EVP_DigestUpdate(md, eo->end, sizeof(eo->end)) &&
		      EVP_DigestFinal_ex(md, ar->tail_md, NULL);
	EVP_MD_CTX_free(md);
}

static enum coco_err read_central(struct coco_ctx *ctx, struct coco_archive *ar,
				  struct coco_report *r, const struct eocd *eo)
{
	unsigned char *cd = NULL;
	size_t pos = 0;
	uint64_t total = 0;
	int limited = 0; /* an entry failed its own limits: the totals would only repeat it */
	int stopped = 0;

	if (eo->cd_size > ctx->limits.cd_size) {
		ar->ok = 0;
		coco_report_add(r, COCO_STATUS_FAIL, "container.limits", NULL,
				"central directory of %llu bytes, larger than the limit (%llu)",
				(unsigned long long)eo->cd_size,
				(unsigned long long)ctx->limits.cd_size);
		return COCO_OK;
	}
	if (eo->cd_off > eo->cd_end || eo->cd_end - eo->cd_off != eo->cd_size) {
		fail(ar, r, "container.layout", NULL,
		     "central directory is not immediately before the end record");
		return COCO_OK;
	}
	if (eo->entries == 0 || eo->entries > ctx->limits.entries) {
		fail(ar, r, "container.limits", NULL,
		     eo->entries == 0 ? "archive is empty" : "more entries than the limit");
		return COCO_OK;
	}
	if ((cd = malloc(eo->cd_size + 1)) == NULL ||
	    (ar->e = calloc(eo->entries, sizeof(*ar->e))) == NULL) {
		free(cd);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory reading '%s'", ar->path);
	}
	if (coco_pread_all(ar->fd, cd, eo->cd_size, eo->cd_off) != 0) {
		free(cd);
		return coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': %s", ar->path,
				   strerror(errno));
	}
	tail_digest(ar, cd, eo);
	for (ar->n = 0; ar->n < eo->entries; ar->n++) {
		if ((stopped = parse_central(ar, r, cd, eo->cd_size, &pos, &ar->e[ar->n])) != 0)
			break;
		check_entry(ar, r, &ar->e[ar->n]);
		limited |= check_sizes(ar, r, &ar->e[ar->n], ctx->limits.entry_size, &total);
	}
	free(cd);
	if (stopped)
		return COCO_OK;
	if (pos != eo->cd_size) {
		fail(ar, r, "container.layout", ar->path,
		     "central directory size disagrees with its records");
		return COCO_OK;
	}
	if (total > COCO_MAX_TOTAL_SIZE)
		fail(ar, r, "container.limits", NULL, "total uncompressed size above the limit");
	else if (!limited && coco_total_over(total, ar->size))
		fail(ar, r, "container.limits", NULL,
		     "the entries inflate to more than 8 times the bundle's size plus 256 MiB");
	ar->cd_off = eo->cd_off;
	ar->cd_size = eo->cd_size;
	return COCO_OK;
}

/* ---- local headers and layout ------------------------------------------------------ */

/* Reads a data descriptor after e's data (with 8-byte sizes if wide) and adds it to md;
 * returns its length or -1 if it disagrees. */
static long data_descriptor(struct coco_archive *ar, const struct coco_entry *e, uint64_t end,
			    int wide, EVP_MD_CTX *md)
{
	unsigned char b[24];
	size_t have = ar->cd_off - end < sizeof(b) ? (size_t)(ar->cd_off - end) : sizeof(b);
	size_t off = 0, len = wide ? 20 : 12;

	if (have < 12 || coco_pread_all(ar->fd, b, have, end) != 0)
		return -1;
	if (le32(b) == SIG_DD && have >= len + 4)
		off = 4;
	if (have < off + len || le32(b + off) != e->crc)
		return -1;
	if (wide ? le64(b + off + 4) != e->csize || le64(b + off + 12) != e->usize
		 : le32(b + off + 4) != e->csize || le32(b + off + 8) != e->usize)
		return -1;
	if (!EVP_DigestUpdate(md, b, off + len))
		ar->meta_ok = 0;
	return (long)(off + len);
}

/* The local header (read into h, and with its name added to md) against the central
 * record; NULL, or why not. */
static const char *check_local(struct coco_archive *ar, const struct coco_entry *e,
			       unsigned char *h, EVP_MD_CTX *md)
{
	char *name;
	int same;
	uint32_t lc, ls, lu;

	if (ar->cd_off - e->local_off < 30 || coco_pread_all(ar->fd, h, 30, e->local_off) != 0 ||
	    le32(h) != SIG_LOCAL)
		return "no local header where the central directory points";
	if (le16(h + 26) != e->name_len || le16(h + 6) != e->flags || le16(h + 8) != e->method)
		return "local header disagrees with the central directory";
	if (ar->cd_off - e->local_off - 30 < e->name_len ||
	    (name = malloc(e->name_len + 1)) == NULL)
		return "local header overruns the central directory";
	same = coco_pread_all(ar->fd, name, e->name_len, e->local_off + 30) == 0 &&
	       memcmp(name, e->name, e->name_len) == 0;
	free(name);
	if (!EVP_DigestUpdate(md, h, 30) || !EVP_DigestUpdate(md, e->name, e->name_len))
		ar->meta_ok = 0;
	if (!same)
		return "local header name differs from the central directory";
	lc = le32(h + 14), ls = le32(h + 18), lu = le32(h + 22);
	if (e->flags & 0x0008) {
		/* The data descriptor carries the values; the header may hold zeros (or a
		 * streaming writer's zip64 placeholders), else the right ones. */
		if ((lc != 0 && lc != e->crc) || (ls != 0 && ls != 0xFFFFFFFFu && ls != e->csize) ||
		    (lu != 0 && lu != 0xFFFFFFFFu && lu != e->usize))
			return "local header CRC or sizes disagree with the central directory";
		return NULL;
	}
	if (lc != e->crc)
		return "local header CRC disagrees with the central directory";
	/* a saturated size is in the zip64 field, which local_extra compares */
	if ((ls != 0xFFFFFFFFu && ls != e->csize) || (lu != 0xFFFFFFFFu && lu != e->usize))
		return "local header sizes disagree with the central directory";
	return NULL;
}

/*
 * The extra field of local header h: a refused field is a failure and the walk goes on;
 * 0. A field that cannot be walked, or a zip64 field the header contradicts, stops it; -1.
 * *wide: the data descriptor has 8-byte sizes (a zip64 field says so, APPNOTE 4.3.9.2).
 */
static int local_extra(struct coco_archive *ar, struct coco_report *r, const struct coco_entry *e,
		       const unsigned char *h, int *wide, EVP_MD_CTX *md)
{
	unsigned char x[65535];
	size_t xlen = le16(h + 28);
	struct coco_extra xs;
	const char *why;
	int header = 0;

	if (ar->cd_off - e->local_off - 30 - e->name_len < xlen ||
	    coco_pread_all(ar->fd, x, xlen, e->local_off + 30 + e->name_len) != 0) {
		fail(ar, r, "container.layout", e->name,
		     "local extra field overruns the central directory");
		return -1;
	}
	if (!EVP_DigestUpdate(md, x, xlen))
		ar->meta_ok = 0;
	coco_extra_scan(x, xlen, 1, &xs);
	if (xs.why != NULL)
		coco_extra_report(ar, r, e->name, 1, &xs);
	if (xs.broken)
		return -1;
	if ((why = coco_extra_zip64_local(e, le32(h + 18), le32(h + 22), &xs, &header)) != NULL) {
		fail(ar, r, header ? "container.header" : "container.extra", e->name, why);
		return -1;
	}
	*wide = xs.zip64 != NULL || e->csize >= 0xFFFFFFFFu || e->usize >= 0xFFFFFFFFu;
	return 0;
}

/* Walks e's local header, data extent and descriptor, adding the bytes around the data
 * to md; 0, or -1 once a failure that ends the walk is reported. */
static int walk_local(struct coco_archive *ar, struct coco_report *r, struct coco_entry *e,
		      EVP_MD_CTX *md)
{
	unsigned char h[30];
	const char *why;
	long dd;
	int wide = 0;

	if ((why = check_local(ar, e, h, md)) != NULL) {
		fail(ar, r, "container.header", e->name, why);
		return -1;
	}
	if (local_extra(ar, r, e, h, &wide, md) != 0)
		return -1;
	e->data_off = e->local_off + 30 + e->name_len + le16(h + 28);
	if (e->data_off > ar->cd_off || ar->cd_off - e->data_off < e->csize) {
		fail(ar, r, "container.layout", e->name,
		     "entry data overruns the central directory");
		return -1;
	}
	e->next_off = e->data_off + e->csize;
	if (e->flags & 0x0008) {
		if ((dd = data_descriptor(ar, e, e->next_off, wide, md)) < 0) {
			fail(ar, r, "container.header", e->name,
			     "data descriptor missing or disagrees");
			return -1;
		}
		e->next_off += (uint64_t)dd;
	}
	return 0;
}

/* Walks the local entries in order; returns how many it got through (their data_off and
 * next_off are then set, and their meta_md). */
static size_t check_layout(struct coco_archive *ar, struct coco_report *r)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint64_t expect = 0;
	size_t i;

	if (md == NULL) {
		fail(ar, r, "container.layout", NULL, "out of memory");
		return 0;
	}
	for (i = 0; i < ar->n; i++) {
		struct coco_entry *e = &ar->e[i];

		if (e->local_off != expect) {
			fail(ar, r, "container.layout", e->name,
			     i == 0 ? "data before the first local header"
				    : "entry is not contiguous with the previous one (gap, overlap "
				      "or reordering)");
			break;
		}
		if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL))
			ar->meta_ok = 0;
		if (walk_local(ar, r, e, md) != 0)
			break;
		if (!EVP_DigestFinal_ex(md, e->meta_md, NULL))
			ar->meta_ok = 0;
		expect = e->next_off;
	}
	if (i < ar->n)
		ar->meta_ok = 0;
	if (i == ar->n && expect != ar->cd_off)
		fail(ar, r, "container.layout", NULL,
		     "bytes between the last entry and the central directory");
	EVP_MD_CTX_free(md);
	return i;
}

static void check_mimetype(struct coco_archive *ar, struct coco_report *r)
{
	const struct coco_entry *e = &ar->e[0];
	unsigned char h[30 + 8 + sizeof(COCO_MIMETYPE)];
	size_t mlen = sizeof(COCO_MIMETYPE) - 1;

	if (strcmp(e->name, "mimetype") != 0) {
		fail(ar, r, "container.mimetype", e->name, "first entry is not 'mimetype'");
		return;
	}
	if (e->method != 0 || (e->flags & 0x0008) || e->data_off != 38 || e->usize != mlen) {
		fail(ar, r, "container.mimetype", "mimetype",
		     "must be stored, without extra field or data descriptor, and 31 bytes long");
		return;
	}
	if (coco_pread_all(ar->fd, h, 38 + mlen, 0) != 0 ||
	    memcmp(h + 38, COCO_MIMETYPE, mlen) != 0)
		fail(ar, r, "container.mimetype", "mimetype", "content is not '" COCO_MIMETYPE "'");
}

static enum coco_err open_file(struct coco_ctx *ctx, const char *path, struct coco_archive *ar)
{
	struct stat st;

	ar->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (ar->fd < 0)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(ar->fd, &st) != 0)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot stat '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': not a regular file", path);
	ar->size = (uint64_t)st.st_size;
	(void)posix_fadvise(ar->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return COCO_OK;
}

enum coco_err coco_archive_open(struct coco_ctx *ctx, const char *path, struct coco_report *r,
				struct coco_archive **out)
{
	struct coco_archive *ar = calloc(1, sizeof(*ar));
	struct eocd eo;
	enum coco_err err;

	*out = NULL;
	if (ar == NULL || (ar->path = coco_strndup(path, strlen(path))) == NULL) {
		free(ar);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory opening '%s'", path);
	}
	ar->ok = 1;
	if ((err = open_file(ctx, path, ar)) != COCO_OK)
		goto out;
	if (read_eocd(ar, r, &eo) != 0 || (err = read_central(ctx, ar, r, &eo)) != COCO_OK ||
	    ar->cd_size == 0)
		goto out;
	if ((err = coco_archive_check_names(ctx, ar, r)) != COCO_OK ||
	    (err = build_index(ctx, ar)) != COCO_OK)
		goto out;
	/* The mimetype rule is judged whenever its entry was walked, so that a bundle whose
	 * extra fields fail also learns that its mimetype entry must have none. */
	if (check_layout(ar, r) > 0)
		check_mimetype(ar, r);
	if (ar->ok)
		coco_libzip_crosscheck(ar, r);
	if (ar->ok)
		coco_report_add(r, COCO_STATUS_PASS, "container.structure", NULL,
				"canonical ASiC-E zip layout, %zu entries", ar->n);
	*out = ar;
	ar = NULL; /* transferred */
out:
	coco_archive_free(ar);
	return err;
}

/* ---- streaming ------------------------------------------------------------------- */

struct reader {
	int fd;
	uint64_t pos;
	EVP_MD_CTX *md;             /* hashed inline when there is no pump */
	struct coco_pump *pump;     /* or NULL */
	unsigned char *own;         /* the inline read buffer */
	const unsigned char *buf;   /* the chunk being consumed */
	uint64_t chunks;            /* chunks so far */
	size_t have, at;            /* bytes in buf, bytes consumed */
	const struct coco_ctx *ctx; /* for progress, or NULL */
	uint64_t total;
};

/* Makes the next chunk current: from the pump, or read and hashed here. */
static int refill(struct reader *rd)
{
	ssize_t got;

	if (rd->pump != NULL) {
		if (coco_pump_next(rd->pump, rd->chunks > 0, &rd->buf, &rd->have) != 0)
			return -1;
	} else {
		do
			got = read(rd->fd, rd->own, COCO_IO_CHUNK);
		while (got < 0 && errno == EINTR);
		if (got <= 0 || (rd->md != NULL && !EVP_DigestUpdate(rd->md, rd->own, (size_t)got)))
			return -1;
		rd->buf = rd->own;
		rd->have = (size_t)got;
	}
	rd->chunks++;
	rd->at = 0;
	coco_progress(rd->ctx, rd->pos + rd->have, rd->total);
	return 0;
}

typedef int (*chunk_fn)(void *arg, const unsigned char *p, size_t len);

/* Consumes n bytes from the file in order, hashing them and passing them to fn. */
static int consume(struct reader *rd, uint64_t n, chunk_fn fn, void *arg)
{
	while (n > 0) {
		size_t take;

		if (rd->at == rd->have && refill(rd) != 0)
			return -1;
		take = rd->have - rd->at;
		if (take > n)
			take = (size_t)n;
		if (fn != NULL && fn(arg, rd->buf + rd->at, take) != 0)
			fn = NULL; /* keep reading and hashing; the entry is already judged */
		rd->at += take;
		rd->pos += take;
		n -= take;
	}
	return 0;
}

/* What can be wrong with an entry's data, each with its finding. */
enum data_fault {
	DATA_OK,
	DATA_LONGER,
	DATA_TRAILING,
	DATA_CORRUPT,
	DATA_TRUNCATED,
	DATA_SHORTER,
	DATA_CRC,
};

static const struct {
	const char *id, *why;
} data_faults[] = {
    [DATA_OK] = {NULL, NULL},
    [DATA_LONGER] = {"container.data", "entry is longer than its declared size"},
    [DATA_TRAILING] = {"container.data", "data after the end of the deflate stream"},
    [DATA_CORRUPT] = {"container.data", "corrupt deflate data"},
    [DATA_TRUNCATED] = {"container.data", "deflate stream is truncated"},
    [DATA_SHORTER] = {"container.data", "entry is shorter than its declared size"},
    [DATA_CRC] = {"container.crc", "CRC-32 mismatch"},
};

struct entry_state {
	const struct coco_entry *e;
	size_t idx;
	coco_entry_sink sink;
	void *arg;
	z_stream zs;
	int zinit, ended;
	uint32_t crc;
	uint64_t out;
	enum data_fault fault; /* the first problem found */
	unsigned char *obuf;
};

static int deliver(struct entry_state *st, const unsigned char *p, size_t len)
{
	if (st->out + len > st->e->usize) {
		st->fault = DATA_LONGER;
		return -1;
	}
	st->out += len;
	st->crc = (uint32_t)crc32(st->crc, p, (uInt)len);
	if (st->sink != NULL && st->sink(st->arg, st->idx, p, len) != 0)
		st->sink = NULL;
	return 0;
}

static int inflate_chunk(void *arg, const unsigned char *p, size_t len)
{
	struct entry_state *st = arg;
	int zr;

	if (st->ended) {
		st->fault = DATA_TRAILING;
		return -1;
	}
	st->zs.next_in = (Bytef *)(uintptr_t)p;
	st->zs.avail_in = (uInt)len;
	do {
		st->zs.next_out = st->obuf;
		st->zs.avail_out = COCO_IO_CHUNK;
		zr = inflate(&st->zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			st->fault = DATA_CORRUPT;
			return -1;
		}
		if (deliver(st, st->obuf, COCO_IO_CHUNK - st->zs.avail_out) != 0)
			return -1;
		if (zr == Z_STREAM_END) {
			st->ended = 1;
			if (st->zs.avail_in != 0) {
				st->fault = DATA_TRAILING;
				return -1;
			}
		}
	} while (st->zs.avail_out == 0 && !st->ended);
	return 0;
}

static int stored_chunk(void *arg, const unsigned char *p, size_t len)
{
	return deliver(arg, p, len);
}

/* Streams entry idx's data from rd (positioned at its data); records the verdict. */
static int stream_one(struct reader *rd, struct coco_archive *ar, size_t idx, coco_entry_sink sink,
		      void *arg, unsigned char *obuf, enum data_fault *fault)
{
	struct entry_state st;
	struct coco_entry *e = &ar->e[idx];
	int rc;

	memset(&st, 0, sizeof(st));
	st.e = e, st.idx = idx, st.sink = sink, st.arg = arg, st.obuf = obuf;
	st.crc = (uint32_t)crc32(0, NULL, 0);
	if (e->method == 8) {
		if (inflateInit2(&st.zs, -MAX_WBITS) != Z_OK)
			return -1;
		st.zinit = 1;
	}
	rc = consume(rd, e->csize, e->method == 8 ? inflate_chunk : stored_chunk, &st);
	if (st.zinit)
		inflateEnd(&st.zs);
	if (rc != 0)
		return -1;
	if (st.fault == DATA_OK && e->method == 8 && !st.ended)
		st.fault = DATA_TRUNCATED;
	if (st.fault == DATA_OK && st.out != e->usize)
		st.fault = DATA_SHORTER;
	if (st.fault == DATA_OK && st.crc != e->crc)
		st.fault = DATA_CRC;
	e->data_ok = st.fault == DATA_OK;
	*fault = st.fault;
	return 0;
}

/* The bytes around the entries' data, hashed as the pass reads them, to be compared with
 * the digests the open made of what it read and judged. */
struct meta {
	EVP_MD_CTX *md;
	int failed;
	const struct coco_entry *moved; /* the entry whose header changed; NULL: the tail */
	int changed;
};

static int meta_chunk(void *arg, const unsigned char *p, size_t len)
{
	struct meta *m = arg;

	m->failed |= !EVP_DigestUpdate(m->md, p, len);
	return 0;
}

static int meta_begin(struct meta *m)
{
	m->failed |= !EVP_DigestInit_ex(m->md, EVP_sha256(), NULL);
	return 0;
}

/* Ends a region's digest and compares it with want; e names the region (NULL: the tail). */
static void meta_end(struct meta *m, const unsigned char *want, const struct coco_entry *e)
{
	unsigned char got[32];

	m->failed |= !EVP_DigestFinal_ex(m->md, got, NULL);
	if (!m->failed && !m->changed && CRYPTO_memcmp(got, want, sizeof(got)) != 0) {
		m->changed = 1;
		m->moved = e;
	}
}

/* Streams every entry in file order, then the central directory and end record. */
static int stream_all(struct reader *rd, struct coco_archive *ar, coco_entry_sink sink, void *arg,
		      struct coco_report *r, unsigned char *obuf, struct meta *m)
{
	enum data_fault fault;
	size_t i;

	for (i = 0; i < ar->n; i++) {
		const struct coco_entry *e = &ar->e[i];

		if (meta_begin(m) != 0 || consume(rd, e->data_off - rd->pos, meta_chunk, m) != 0 ||
		    stream_one(rd, ar, i, sink, arg, obuf, &fault) != 0)
			return -1;
		if (fault != DATA_OK)
			coco_report_add(r, COCO_STATUS_FAIL, data_faults[fault].id, e->name, "%s",
					data_faults[fault].why);
		if (consume(rd, e->next_off - rd->pos, meta_chunk, m) != 0)
			return -1;
		meta_end(m, e->meta_md, e);
	}
	if (meta_begin(m) != 0 || consume(rd, ar->size - rd->pos, meta_chunk, m) != 0)
		return -1;
	meta_end(m, ar->tail_md, NULL);
	return 0;
}

enum coco_err coco_archive_stream(struct coco_ctx *ctx, struct coco_archive *ar,
				  EVP_MD_CTX *file_md, coco_entry_sink sink, void *arg,
				  struct coco_report *r)
{
	struct reader rd = {.fd = ar->fd, .md = file_md, .ctx = ctx, .total = ar->size};
	struct meta m = {.md = EVP_MD_CTX_new()};
	unsigned char *bufs[COCO_PUMP_BUFS] = {NULL}, *obuf = malloc(COCO_IO_CHUNK);
	enum coco_err err = COCO_OK;
	int rc = -1, hashed, e = 0, i, nbufs = file_md != NULL ? COCO_PUMP_BUFS : 1;
	int nomem = obuf == NULL || m.md == NULL;

	for (i = 0; i < nbufs; i++)
		nomem |= (bufs[i] = malloc(COCO_IO_CHUNK)) == NULL;
	if (nomem) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory reading '%s'", ar->path);
		goto out;
	}
	rd.own = bufs[0];
	errno = 0;
	if (lseek(ar->fd, 0, SEEK_SET) == 0) {
		if (file_md != NULL)
			rd.pump = coco_pump_start(ar->fd, ar->size, file_md, bufs);
		rc = stream_all(&rd, ar, sink, arg, r, obuf, &m);
	}
	e = errno;
	hashed = coco_pump_finish(rd.pump); /* before the buffers go, even on error */
	if (hashed != 0 || m.failed || !ar->meta_ok)
		err = coco_seterr_ssl(ctx, COCO_ERR_CRYPTO, "cannot hash '%s'", ar->path);
	else if (rc != 0)
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': %s", ar->path,
				  e ? strerror(e) : "file changed while reading");
	else if (m.changed && m.moved != NULL)
		err = coco_seterr(ctx, COCO_ERR_IO, "'%s' in '%s' changed while being read",
				  m.moved->name, ar->path);
	else if (m.changed)
		err =
		    coco_seterr(ctx, COCO_ERR_IO,
				"the central directory of '%s' changed while being read", ar->path);
out:
	for (i = 0; i < COCO_PUMP_BUFS; i++)
		free(bufs[i]);
	free(obuf);
	EVP_MD_CTX_free(m.md);
	return err;
}

enum coco_err coco_archive_stream_entry(struct coco_ctx *ctx, struct coco_archive *ar, size_t idx,
					coco_entry_sink sink, void *arg)
{
	struct reader rd = {.fd = ar->fd};
	unsigned char *obuf = malloc(COCO_IO_CHUNK);
	enum coco_err err = COCO_OK;
	enum data_fault fault = DATA_OK;

	rd.own = malloc(COCO_IO_CHUNK);
	if (rd.own == NULL || obuf == NULL) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory reading '%s'", ar->path);
		goto out;
	}
	rd.pos = ar->e[idx].data_off;
	if (lseek(ar->fd, (off_t)rd.pos, SEEK_SET) < 0 ||
	    stream_one(&rd, ar, idx, sink, arg, obuf, &fault) != 0) {
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s' in '%s': %s", ar->e[idx].name,
				  ar->path, errno ? strerror(errno) : "file changed while reading");
		goto out;
	}
	if (fault != DATA_OK)
		err = coco_seterr(ctx, COCO_ERR_FORMAT, "bad entry '%s' in '%s': %s",
				  ar->e[idx].name, ar->path, data_faults[fault].why);
out:
	free(rd.own);
	free(obuf);
	return err;
}

struct membuf {
	unsigned char *p;
	size_t len;
};

static int mem_sink(void *arg, size_t idx, const unsigned char *p, size_t len)
{
	struct membuf *m = arg;

	(void)idx;
	memcpy(m->p + m->len, p, len);
	m->len += len;
	return 0;
}

enum coco_err coco_archive_read(struct coco_ctx *ctx, struct coco_archive *ar, size_t idx,
				size_t max, unsigned char **out, size_t *out_len)
{
	struct membuf m = {NULL, 0};
	enum coco_err err;

	*out = NULL;
	*out_len = 0;
	if (ar->e[idx].usize > max)
		return coco_seterr(ctx, COCO_ERR_LIMIT,
				   "entry '%s' in '%s' is larger than %zu bytes", ar->e[idx].name,
				   ar->path, max);
	/* usize bounds what deliver() accepts, so the buffer cannot overflow. */
	if ((m.p = malloc((size_t)ar->e[idx].usize + 1)) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory reading '%s'", ar->path);
	err = coco_archive_stream_entry(ctx, ar, idx, mem_sink, &m);
	if (err != COCO_OK) {
		free(m.p);
		return err;
	}
	m.p[m.len] = '\0';
	*out = m.p;
	*out_len = m.len;
	return COCO_OK;
}
