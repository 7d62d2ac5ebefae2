/*
 * The hostile container corpus. A small raw zip builder writes a canonical ASiC-E-looking
 * archive (mimetype stored first, then assessment.xml), and each case changes exactly one
 * thing before coco_verify() runs: every case asserts the exact container.* finding id
 * (and the entry it names), a FAILED verdict, and that it finished in well under a second.
 * Positive cases (zip64 records, data descriptors, UTF-8 names) must pass the container
 * stage and fail only for lack of a manifest.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "report.h"
#include "suites.h"

#define MIME "application/vnd.etsi.asic-e+zip"
#define XML "<assessment xmlns=\"urn:x-coco-bundle:assessment:1\"/>\n"
#define MAX_E 4

/* ---- the builder ---------------------------------------------------------------- */

struct zent {
	const char *name;
	size_t name_len; /* 0: strlen(name) */
	const unsigned char *data;
	size_t len;
	unsigned method, flags, made_by;
	unsigned long ext_attr;
	int deflate;                 /* compress data with raw deflate */
	const char *lextra, *cextra; /* local and central extra fields */
	size_t lextra_len, cextra_len;
	const char *lname;           /* a different name in the local header */
	long long crc, csize, usize; /* overrides, -1 for the real value (both headers) */
	long long lcrc;              /* local-header CRC override */
	int descriptor;              /* flag bit 3 with a data descriptor */
	const unsigned char *tail;   /* bytes appended inside the compressed data */
	size_t tail_len;
	int truncate;                 /* bytes cut from the end of the compressed data */
	int zip64;                    /* saturate sizes and offset, with a zip64 extra */
	unsigned long long z64_usize; /* override for the zip64 usize */
};

struct zarc {
	struct zent e[MAX_E];
	int n;
	const char *prefix; /* bytes before the first local header, offsets shifted */
	size_t gap_after;   /* bytes between entry 0 and entry 1 */
	int dup_offset;     /* central record 1 points at entry 0's local header */
	long long count;    /* EOCD entry count override */
	const char *comment;
	const char *trailer; /* bytes after the end record */
	size_t cd_gap;       /* bytes between the last entry and the central directory */
	int multidisk;
	int zip64_eocd;       /* zip64 end record and locator */
	int zip64_no_locator; /* EOCD saturated but no locator */
};

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void put16(struct buf *b, unsigned long v)
{
	unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	put(b, x, 2);
}

static void put32(struct buf *b, unsigned long long v)
{
	put16(b, (unsigned long)(v & 0xFFFF));
	put16(b, (unsigned long)((v >> 16) & 0xFFFF));
}

static void put64(struct buf *b, unsigned long long v)
{
	put32(b, v & 0xFFFFFFFFu);
	put32(b, v >> 32);
}

static unsigned char *deflate_raw(const unsigned char *in, size_t len, size_t *out_len)
{
	z_stream zs;
	size_t cap = len + len / 100 + 64;
	unsigned char *out = malloc(cap);

	ck_assert_ptr_nonnull(out);
	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

struct laid {
	unsigned long long off, csize, usize;
	unsigned long crc;
	unsigned char *cdata;
	size_t clen;
};

static void local_header(struct buf *b, const struct zent *e, const struct laid *l, size_t nlen)
{
	int dd = e->descriptor;

	put32(b, 0x04034b50u);
	put16(b, 20);
	put16(b, e->flags | (dd ? 8u : 0u));
	put16(b, e->method);
	put16(b, 0);
	put16(b, 0x21);
	put32(b, dd ? 0 : (e->lcrc >= 0 ? (unsigned long long)e->lcrc : l->crc));
	put32(b, dd ? 0 : e->zip64 ? 0xFFFFFFFFu : l->csize);
	put32(b, dd ? 0 : e->zip64 ? 0xFFFFFFFFu : l->usize);
	put16(b, e->lname ? strlen(e->lname) : nlen);
	put16(b, e->lextra_len + (e->zip64 ? 20u : 0u));
	put(b, e->lname ? e->lname : e->name, e->lname ? strlen(e->lname) : nlen);
	if (e->zip64) {
		put16(b, 1);
		put16(b, 16);
		put64(b, l->usize);
		put64(b, l->csize);
	}
	put(b, e->lextra, e->lextra_len);
}

static void central_header(struct buf *b, const struct zent *e, const struct laid *l, size_t nlen,
			   unsigned long long off)
{
	put32(b, 0x02014b50u);
	put16(b, e->made_by ? e->made_by : 0x031E);
	put16(b, 20);
	put16(b, e->flags | (e->descriptor ? 8u : 0u));
	put16(b, e->method);
	put16(b, 0);
	put16(b, 0x21);
	put32(b, l->crc);
	put32(b, e->zip64 ? 0xFFFFFFFFu : l->csize);
	put32(b, e->zip64 ? 0xFFFFFFFFu : l->usize);
	put16(b, nlen);
	put16(b, e->cextra_len + (e->zip64 ? 28u : 0u));
	put16(b, 0);
	put16(b, 0);
	put16(b, 0);
	put32(b, e->ext_attr ? e->ext_attr : 0100644ul << 16);
	put32(b, e->zip64 ? 0xFFFFFFFFu : off);
	put(b, e->name, nlen);
	if (e->zip64) {
		put16(b, 1);
		put16(b, 24);
		put64(b, e->z64_usize ? e->z64_usize : l->usize);
		put64(b, l->csize);
		put64(b, off);
	}
	put(b, e->cextra, e->cextra_len);
}

/* Lays out every entry; returns the whole archive. */
static struct buf build(const struct zarc *z)
{
	struct buf b = {NULL, 0, 0};
	struct laid l[MAX_E];
	size_t plen = z->prefix ? strlen(z->prefix) : 0, i;
	unsigned long long cd_off, cd_size, n;

	put(&b, z->prefix, plen);
	for (i = 0; i < (size_t)z->n; i++) {
		const struct zent *e = &z->e[i];
		size_t nlen = e->name_len ? e->name_len : strlen(e->name);

		l[i].cdata = e->deflate ? deflate_raw(e->data, e->len, &l[i].clen) : NULL;
		if (l[i].cdata == NULL)
			l[i].clen = e->len;
		l[i].clen -= (size_t)e->truncate;
		l[i].off = b.len;
		l[i].crc = e->crc >= 0 ? (unsigned long)e->crc : crc32(0, e->data, (uInt)e->len);
		l[i].csize = e->csize >= 0 ? (unsigned long long)e->csize : l[i].clen + e->tail_len;
		l[i].usize = e->usize >= 0 ? (unsigned long long)e->usize : e->len;
		local_header(&b, e, &l[i], nlen);
		put(&b, l[i].cdata ? l[i].cdata : e->data, l[i].clen);
		put(&b, e->tail, e->tail_len);
		if (e->descriptor) {
			put32(&b, 0x08074b50u);
			put32(&b, l[i].crc);
			put32(&b, l[i].csize);
			put32(&b, l[i].usize);
		}
		if (i == 0)
			for (n = 0; n < z->gap_after; n++)
				put(&b, "G", 1);
	}
	for (n = 0; n < z->cd_gap; n++)
		put(&b, "X", 1);
	cd_off = b.len;
	for (i = 0; i < (size_t)z->n; i++) {
		const struct zent *e = &z->e[i];
		size_t nlen = e->name_len ? e->name_len : strlen(e->name);
		central_header(&b, e, &l[i], nlen, i == 1 && z->dup_offset ? l[0].off : l[i].off);
		free(l[i].cdata);
	}
	cd_size = b.len - cd_off;
	n = z->count >= 0 ? (unsigned long long)z->count : (unsigned long long)z->n;
	if (z->zip64_eocd) {
		unsigned long long rec = b.len;
		put32(&b, 0x06064b50u);
		put64(&b, 44);
		put16(&b, 45);
		put16(&b, 45);
		put32(&b, 0);
		put32(&b, 0);
		put64(&b, n);
		put64(&b, n);
		put64(&b, cd_size);
		put64(&b, cd_off);
		put32(&b, 0x07064b50u);
		put32(&b, 0);
		put64(&b, rec);
		put32(&b, 1);
	}
	put32(&b, 0x06054b50u);
	put16(&b, z->multidisk ? 1 : 0);
	put16(&b, 0);
	put16(&b, z->zip64_eocd || z->zip64_no_locator ? 0xFFFF : n);
	put16(&b, z->zip64_eocd || z->zip64_no_locator ? 0xFFFF : n);
	put32(&b, z->zip64_eocd ? 0xFFFFFFFFu : cd_size);
	put32(&b, z->zip64_eocd ? 0xFFFFFFFFu : cd_off);
	put16(&b, z->comment ? strlen(z->comment) : 0);
	put(&b, z->comment, z->comment ? strlen(z->comment) : 0);
	put(&b, z->trailer, z->trailer ? strlen(z->trailer) : 0);
	return b;
}

static struct zent plain(const char *name, const char *data)
{
	struct zent e;

	memset(&e, 0, sizeof(e));
	e.name = name;
	e.data = (const unsigned char *)data;
	e.len = strlen(data);
	e.crc = e.csize = e.usize = e.lcrc = -1;
	return e;
}

/* The canonical starting point: mimetype, then assessment.xml. */
static struct zarc canonical(void)
{
	struct zarc z;

	memset(&z, 0, sizeof(z));
	z.e[0] = plain("mimetype", MIME);
	z.e[1] = plain("assessment.xml", XML);
	z.n = 2;
	z.count = -1;
	return z;
}

/* ---- the cases ---------------------------------------------------------------------- */

typedef void (*mutator)(struct zarc *z);

static unsigned char *zeros50m;

static void m_none(struct zarc *z)
{
	(void)z;
}
static void m_comment(struct zarc *z)
{
	z->comment = "a comment";
}
static void m_trailer(struct zarc *z)
{
	z->trailer = "trailing";
}
static void m_hidden_eocd(struct zarc *z)
{
	static const char fake[] = "PK\x05\x06";
	z->comment = fake;
}
static void m_prefix(struct zarc *z)
{
	z->prefix = "MZ-prefix-bytes";
}
static void m_gap(struct zarc *z)
{
	z->gap_after = 7;
}
static void m_overlap(struct zarc *z)
{
	z->e[2] = plain("b.xml", XML);
	z->n = 3;
	z->dup_offset = 1;
}
static void m_cd_gap(struct zarc *z)
{
	z->cd_gap = 5;
}
static void m_count0(struct zarc *z)
{
	z->count = 0;
}
static void m_count_huge(struct zarc *z)
{
	z->count = 10001;
}
static void m_multidisk(struct zarc *z)
{
	z->multidisk = 1;
}
static void m_mime_not_first(struct zarc *z)
{
	struct zent t = z->e[0];
	z->e[0] = z->e[1];
	z->e[1] = t;
}
static void m_mime_deflated(struct zarc *z)
{
	z->e[0].method = 8;
	z->e[0].deflate = 1;
}
static void m_mime_extra(struct zarc *z)
{
	z->e[0].lextra = "\x75\x70\x01\x00\x00";
	z->e[0].lextra_len = 5;
}
static void m_mime_content(struct zarc *z)
{
	z->e[0] = plain("mimetype", "application/zip");
}
static void m_mime_newline(struct zarc *z)
{
	z->e[0] = plain("mimetype", MIME "\n");
}
static void m_mime_descriptor(struct zarc *z)
{
	z->e[0].descriptor = 1;
}
static void m_name_dotdot(struct zarc *z)
{
	z->e[1].name = "../evil";
}
static void m_name_abs(struct zarc *z)
{
	z->e[1].name = "/abs";
}
static void m_name_backslash(struct zarc *z)
{
	z->e[1].name = "a\\b";
}
static void m_name_drive(struct zarc *z)
{
	z->e[1].name = "C:/x";
}
static void m_name_empty_seg(struct zarc *z)
{
	z->e[1].name = "a//b";
}
static void m_name_nul(struct zarc *z)
{
	z->e[1].name = "a.pdf\0.xml";
	z->e[1].name_len = 10;
}
static void m_name_ctrl(struct zarc *z)
{
	z->e[1].name = "a\x01.xml";
}
static void m_name_bad_utf8(struct zarc *z)
{
	z->e[1].name = "a\xff.xml";
	z->e[1].flags = 0x800;
}
static void m_name_overlong(struct zarc *z)
{
	z->e[1].name = "a\xc0\xaf.xml";
	z->e[1].flags = 0x800;
}
static void m_name_no_utf8_flag(struct zarc *z)
{
	z->e[1].name = "\xc3\xa9.xml";
}
static void m_utf8_ok(struct zarc *z)
{
	z->e[1].name = "\xc3\xa9.pdf";
	z->e[1].flags = 0x800;
}
static void m_dup_exact(struct zarc *z)
{
	z->e[2] = plain("assessment.xml", XML);
	z->n = 3;
}
static void m_dup_case(struct zarc *z)
{
	z->e[2] = plain("Assessment.XML", XML);
	z->n = 3;
}
static void m_dup_parent_file(struct zarc *z)
{
	z->e[2] = plain("assessment.xml/b", XML);
	z->n = 3;
}
static void m_symlink(struct zarc *z)
{
	z->e[1].ext_attr = 0120777ul << 16;
}
static void m_fifo(struct zarc *z)
{
	z->e[1].ext_attr = 0010644ul << 16;
}
static void m_dir_content(struct zarc *z)
{
	z->e[1].name = "d/";
	z->e[1].ext_attr = 040755ul << 16;
}
static void m_encrypted(struct zarc *z)
{
	z->e[1].flags = 1;
}
static void m_method99(struct zarc *z)
{
	z->e[1].method = 99;
}
static void m_method12(struct zarc *z)
{
	z->e[1].method = 12;
}
static void m_local_name(struct zarc *z)
{
	z->e[1].lname = "assessment.xmm";
}
static void m_local_crc(struct zarc *z)
{
	z->e[1].lcrc = 0x12345678;
}
static void m_crc(struct zarc *z)
{
	z->e[1].crc = 0x12345678;
}
static void m_deflated_ok(struct zarc *z)
{
	z->e[1].method = 8;
	z->e[1].deflate = 1;
}
static void m_usize_small(struct zarc *z)
{
	m_deflated_ok(z);
	z->e[1].usize = 10;
}
static void m_usize_large(struct zarc *z)
{
	m_deflated_ok(z);
	z->e[1].usize = 1000;
}
static void m_deflate_garbage(struct zarc *z)
{
	m_deflated_ok(z);
	z->e[1].tail = (const unsigned char *)"JUNK";
	z->e[1].tail_len = 4;
}
static void m_deflate_truncated(struct zarc *z)
{
	m_deflated_ok(z);
	z->e[1].truncate = 3;
}
static void m_stored_sizes(struct zarc *z)
{
	z->e[1].usize = 5;
}
static void m_bomb_declared(struct zarc *z)
{
	m_deflated_ok(z);
	z->e[1].usize = 3ll << 30;
}
static void m_bomb_real(struct zarc *z)
{
	z->e[1] = plain("evidence/zeros.pdf", "");
	z->e[1].data = zeros50m;
	z->e[1].len = 50u << 20;
	m_deflated_ok(z);
}
static void m_zip64_no_locator(struct zarc *z)
{
	z->zip64_no_locator = 1;
}
static void m_zip64_ok(struct zarc *z)
{
	z->zip64_eocd = 1;
	z->e[1].zip64 = 1;
}
static void m_zip64_overflow(struct zarc *z)
{
	m_zip64_ok(z);
	z->e[1].z64_usize = 0xFFFFFFFFFFFFFFF0ull;
}
static void m_descriptor_ok(struct zarc *z)
{
	m_deflated_ok(z);
	z->e[1].descriptor = 1;
}

static const struct hostile {
	const char *what;
	mutator mutate;
	const char *id;      /* the container.* id that must fail; NULL: the stage must pass */
	const char *subject; /* the entry it names, or NULL */
} cases[] = {
    {"canonical", m_none, NULL, NULL},
    {"UTF-8 name with the UTF-8 flag", m_utf8_ok, NULL, NULL},
    {"deflated entry", m_deflated_ok, NULL, NULL},
    {"data descriptor", m_descriptor_ok, NULL, NULL},
    {"zip64 records", m_zip64_ok, NULL, NULL},
    {"archive comment", m_comment, "container.eocd", NULL},
    {"bytes after the end record", m_trailer, "container.eocd", NULL},
    {"end record hidden in a comment", m_hidden_eocd, "container.eocd", NULL},
    {"prefix before the first header", m_prefix, "container.layout", "mimetype"},
    {"gap between entries", m_gap, "container.layout", "assessment.xml"},
    {"overlapping entries", m_overlap, "container.layout", "assessment.xml"},
    {"gap before the central directory", m_cd_gap, "container.layout", NULL},
    {"entry count 0", m_count0, "container.limits", NULL},
    {"entry count above the limit", m_count_huge, "container.limits", NULL},
    {"multi-disk", m_multidisk, "container.eocd", NULL},
    {"mimetype not first", m_mime_not_first, "container.mimetype", "assessment.xml"},
    {"mimetype deflated", m_mime_deflated, "container.mimetype", "mimetype"},
    {"mimetype with extra field", m_mime_extra, "container.mimetype", "mimetype"},
    {"mimetype wrong content", m_mime_content, "container.mimetype", "mimetype"},
    {"mimetype with newline", m_mime_newline, "container.mimetype", "mimetype"},
    {"mimetype with data descriptor", m_mime_descriptor, "container.mimetype", "mimetype"},
    {"name ../evil", m_name_dotdot, "container.name", "../evil"},
    {"absolute name", m_name_abs, "container.name", "/abs"},
    {"backslash name", m_name_backslash, "container.name", "a\\b"},
    {"drive letter", m_name_drive, "container.name", "C:/x"},
    {"empty segment", m_name_empty_seg, "container.name", "a//b"},
    {"NUL in name", m_name_nul, "container.name", "a.pdf"},
    {"control character", m_name_ctrl, "container.name", "a\x01.xml"},
    {"invalid UTF-8", m_name_bad_utf8, "container.name", "a\xff.xml"},
    {"overlong UTF-8", m_name_overlong, "container.name", "a\xc0\xaf.xml"},
    {"non-ASCII without UTF-8 flag", m_name_no_utf8_flag, "container.name", "\xc3\xa9.xml"},
    {"exact duplicate", m_dup_exact, "container.duplicate", "assessment.xml"},
    {"case duplicate", m_dup_case, "container.duplicate", NULL},
    {"file used as a folder", m_dup_parent_file, "container.duplicate", "assessment.xml/b"},
    {"symlink", m_symlink, "container.type", "assessment.xml"},
    {"FIFO", m_fifo, "container.type", "assessment.xml"},
    {"folder entry with content", m_dir_content, "container.type", "d/"},
    {"encrypted flag", m_encrypted, "container.encrypted", "assessment.xml"},
    {"AES method 99", m_method99, "container.encrypted", "assessment.xml"},
    {"bzip2 method 12", m_method12, "container.method", "assessment.xml"},
    {"local name differs", m_local_name, "container.header", "assessment.xml"},
    {"local CRC differs", m_local_crc, "container.header", "assessment.xml"},
    {"CRC wrong in both headers", m_crc, "container.crc", "assessment.xml"},
    {"declared size too small", m_usize_small, "container.data", "assessment.xml"},
    {"declared size too large", m_usize_large, "container.data", "assessment.xml"},
    {"garbage after the deflate stream", m_deflate_garbage, "container.data", "assessment.xml"},
    {"truncated deflate stream", m_deflate_truncated, "container.data", "assessment.xml"},
    {"stored sizes differ", m_stored_sizes, "container.data", "assessment.xml"},
    {"declared 3 GiB bomb", m_bomb_declared, "container.limits", "assessment.xml"},
    {"50 MB of zeros", m_bomb_real, "container.limits", "evidence/zeros.pdf"},
    {"zip64 markers without locator", m_zip64_no_locator, "container.zip64", NULL},
    {"zip64 size overflow", m_zip64_overflow, "container.limits", "assessment.xml"},
};

/* Writes bytes to a temporary file and verifies it; the caller frees the report. */
static struct coco_report *verify_bytes(const unsigned char *p, size_t len)
{
	char path[] = "/tmp/coco-archive-XXXXXX";
	struct coco_ctx *ctx = NULL;
	struct coco_report *r = NULL;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(coco_write_all(fd, p, len), 0);
	close(fd);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, 1798761600); /* 2027-01-01, never the clock */
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_verify(ctx, path, r), COCO_OK);
	unlink(path);
	coco_ctx_free(ctx);
	return r;
}

static int has(const struct coco_report *r, const char *id, enum coco_status st,
	       const char *subject)
{
	size_t i;

	for (i = 0; i < coco_report_count(r); i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		const char *s = coco_finding_subject(f);
		if (strcmp(coco_finding_id(f), id) == 0 && coco_finding_status(f) == st &&
		    (subject == NULL || (s != NULL && strcmp(s, subject) == 0)))
			return 1;
	}
	return 0;
}

static void dump(const struct coco_report *r)
{
	size_t i;

	for (i = 0; i < coco_report_count(r); i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		fprintf(stderr, "  %s %s '%s': %s\n", coco_status_name(coco_finding_status(f)),
			coco_finding_id(f), coco_finding_subject(f) ? coco_finding_subject(f) : "",
			coco_finding_message(f));
	}
}

START_TEST(test_hostile)
{
	const struct hostile *c = &cases[_i];
	struct zarc z = canonical();
	struct coco_report *r;
	struct buf b;
	struct timespec t0, t1;
	size_t i;

	c->mutate(&z);
	b = build(&z);
	clock_gettime(CLOCK_MONOTONIC, &t0); /* duration only, never the date */
	r = verify_bytes(b.p, b.len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) <
			  1000000000L,
		      "%s: took a second or more", c->what);
	ck_assert_int_eq(coco_report_verdict(r), COCO_VERDICT_FAILED);
	if (c->id != NULL) {
		if (!has(r, c->id, COCO_STATUS_FAIL, c->subject))
			dump(r);
		ck_assert_msg(has(r, c->id, COCO_STATUS_FAIL, c->subject), "%s: no %s fail on '%s'",
			      c->what, c->id, c->subject ? c->subject : "(any)");
		/* Layout rules fail the walk; data rules are found by the one streaming pass. */
		if (strcmp(c->id, "container.crc") != 0 && strcmp(c->id, "container.data") != 0)
			ck_assert_msg(!has(r, "container.structure", COCO_STATUS_PASS, NULL),
				      "%s: container passed", c->what);
	} else {
		for (i = 0; i < coco_report_count(r); i++) {
			const struct coco_finding *f = coco_report_get(r, i);
			if (strncmp(coco_finding_id(f), "container.", 10) == 0 &&
			    coco_finding_status(f) == COCO_STATUS_FAIL)
				dump(r);
			ck_assert_msg(!(strncmp(coco_finding_id(f), "container.", 10) == 0 &&
					coco_finding_status(f) == COCO_STATUS_FAIL),
				      "%s: %s failed", c->what, coco_finding_id(f));
		}
		ck_assert(has(r, "container.structure", COCO_STATUS_PASS, NULL));
		ck_assert(has(r, "manifest.missing", COCO_STATUS_FAIL, NULL));
	}
	coco_report_free(r);
	free(b.p);
}
END_TEST

static const struct {
	const char *what;
	const char *bytes;
	size_t len;
} junk[] = {
#define JUNK(what, s)                                                                              \
	{                                                                                          \
		what, s, sizeof(s) - 1                                                             \
	}
    JUNK("empty file", ""),
    JUNK("21 bytes", "PK\x05\x06 not an end rec"),
    JUNK("text", "hello, this is not a zip\n"),
    JUNK("end record alone", "PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
#undef JUNK
};

START_TEST(test_not_a_zip)
{
	struct coco_report *r = verify_bytes((const unsigned char *)junk[_i].bytes, junk[_i].len);

	ck_assert_int_eq(coco_report_verdict(r), COCO_VERDICT_FAILED);
	ck_assert_msg(has(r, "container.eocd", COCO_STATUS_FAIL, NULL) ||
			  has(r, "container.limits", COCO_STATUS_FAIL, NULL),
		      "%s: no container.eocd or container.limits", junk[_i].what);
	ck_assert(has(r, "verify.skipped", COCO_STATUS_INFO, NULL) ||
		  has(r, "container.limits", COCO_STATUS_FAIL, NULL));
	coco_report_free(r);
}
END_TEST

struct seen {
	int calls;
	uint64_t done, total;
};

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct seen *s = arg;

	ck_assert_uint_ge(done, s->done); /* monotonic */
	s->calls++;
	s->done = done;
	s->total = total;
}

/* The streaming pass reports progress up to the whole file. */
START_TEST(test_progress)
{
	char path[] = "/tmp/coco-progress-XXXXXX";
	struct zarc z = canonical();
	struct seen seen = {0, 0, 0};
	struct coco_ctx *ctx = NULL;
	struct coco_report *r = NULL;
	struct buf b;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	b = build(&z);
	ck_assert_int_eq(coco_write_all(fd, b.p, b.len), 0);
	close(fd);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, 1798761600);
	coco_ctx_set_progress(ctx, on_progress, &seen);
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_verify(ctx, path, r), COCO_OK);
	ck_assert_int_ge(seen.calls, 1);
	ck_assert_uint_eq(seen.total, b.len);
	ck_assert_uint_eq(seen.done, b.len);
	unlink(path);
	free(b.p);
	coco_report_free(r);
	coco_ctx_free(ctx);
}
END_TEST

static void setup_zeros(void)
{
	zeros50m = calloc(50u << 20, 1);
}

static void teardown_zeros(void)
{
	free(zeros50m);
	zeros50m = NULL;
}

Suite *archive_suite(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("hostile");

	tcase_add_checked_fixture(tc, setup_zeros, teardown_zeros);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_hostile, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, test_not_a_zip, 0, (int)(sizeof(junk) / sizeof(junk[0])));
	tcase_add_test(tc, test_progress);
	suite_add_tcase(s, tc);
	return s;
}
