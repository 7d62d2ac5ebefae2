/*
 * The container rules beyond the layout walk in archive.c: which extra fields a header may
 * carry and what a needed zip64 field must hold, which general-purpose flags and MS-DOS
 * attributes an entry may have, and libzip's second opinion on every entry. Each rule
 * closes a difference between zip readers (docs/SECURITY.md, "Reader differentials"): a
 * field that this reader ignores but another obeys would show that reader other names,
 * types or bytes than the ones verified. So an extra field is refused unless it is a
 * zip64 field the header needs or a well-formed timestamp, which no reader derives a
 * name, a type or content from (docs/FORMAT.md section 1).
 */
#include <stdio.h>
#include <string.h>

#include <zip.h>

#include "container/archive.h"

#define X_ZIP64 0x0001u /* APPNOTE 4.5.3 */
#define X_NTFS 0x000au  /* APPNOTE 4.5.5 */
#define X_UT 0x5455u    /* Info-ZIP extrafld.txt, "Extended Timestamp" */
#define SAT32 0xFFFFFFFFu

static uint16_t rd16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Fields that readers act on, named in messages so that a refusal says what it was. */
static const struct {
	uint16_t id;
	const char *name;
} known[] = {
    {0x000d, "PKWARE Unix"},
    {0x0017, "strong encryption header"},
    {0x5855, "Info-ZIP Unix, old"},
    {0x6375, "Info-ZIP Unicode Comment"},
    {0x6c78, "libarchive 'xl'"},
    {0x7075, "Info-ZIP Unicode Path"},
    {0x756e, "ASi Unix"},
    {0x7855, "Info-ZIP Unix, new"},
    {0x7875, "Info-ZIP Unix UID/GID 'ux'"},
    {0x9901, "WinZip AES encryption"},
    {0xcafe, "JAR marker"},
};

static const char *field_name(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].id == id)
			return known[i].name;
	return NULL;
}

/*
 * Extended timestamp: a flags byte whose bits 0-2 say which of mtime, atime and ctime
 * follow as 4-byte values (bits 3-7 are reserved and unset). The local field holds each
 * time its flags name; the central one only the mtime, present exactly when bit 0 is set.
 */
static int ut_ok(const unsigned char *d, size_t len, int local)
{
	unsigned f;

	if (len < 1 || (d[0] & 0xF8) != 0)
		return 0;
	f = d[0];
	if (local)
		return len == 1 + 4 * ((f & 1) + (f >> 1 & 1) + (f >> 2 & 1));
	return len == ((f & 1) ? 5u : 1u);
}

/* NTFS times: 4 reserved bytes, then one attribute, tag 1 of 24 bytes (mtime, atime, ctime):
 * the only attribute APPNOTE defines. */
static int ntfs_ok(const unsigned char *d, size_t len)
{
	return len == 32 && rd16(d + 4) == 1 && rd16(d + 6) == 24;
}

/* Notes the first problem (later ones add nothing a reader of the report needs). */
static void refuse(struct coco_extra *x, uint16_t id, const char *why)
{
	if (x->why == NULL) {
		x->why = why;
		x->bad_id = id;
	}
}

/* One field of the block: allowed, or refused with its reason. */
static void scan_field(struct coco_extra *x, uint16_t id, const unsigned char *d, size_t len,
		       int local, unsigned *seen)
{
	if (id == X_ZIP64) {
		if (*seen & 1)
			x->broken = 1, refuse(x, id, "the zip64 field appears twice");
		x->zip64 = d;
		x->zip64_len = len;
		*seen |= 1;
	} else if (id == X_UT) {
		if (*seen & 2)
			refuse(x, id, "the extended timestamp appears twice");
		else if (!ut_ok(d, len, local))
			refuse(x, id, "malformed extended timestamp");
		*seen |= 2;
	} else if (id == X_NTFS) {
		if (*seen & 4)
			refuse(x, id, "the NTFS times appear twice");
		else if (!ntfs_ok(d, len))
			refuse(x, id, "malformed NTFS times");
		*seen |= 4;
	} else {
		refuse(x, id, "only zip64, extended-timestamp and NTFS-times fields are allowed");
	}
}

void coco_extra_scan(const unsigned char *p, size_t len, int local, struct coco_extra *x)
{
	size_t i = 0;
	unsigned seen = 0;

	memset(x, 0, sizeof(*x));
	while (i + 4 <= len) {
		uint16_t id = rd16(p + i), n = rd16(p + i + 2);

		if (len - i - 4 < n)
			break;
		scan_field(x, id, p + i + 4, n, local, &seen);
		i += 4u + n;
	}
	if (i != len) {
		x->broken = 1;
		x->why = "the extra field does not divide into whole fields";
		x->bad_id = 0;
	}
}

void coco_extra_report(struct coco_archive *ar, struct coco_report *r, const char *subject,
		       int local, const struct coco_extra *x)
{
	const char *where = local ? "local" : "central";
	const char *name = field_name(x->bad_id);

	ar->ok = 0;
	if (x->broken && x->bad_id == 0)
		coco_report_add(r, COCO_STATUS_FAIL, "container.extra", subject, "%s header: %s",
				where, x->why);
	else
		coco_report_add(r, COCO_STATUS_FAIL, "container.extra", subject,
				"%s extra field 0x%04x%s%s%s: %s", where, x->bad_id,
				name ? " (" : "", name ? name : "", name ? ")" : "", x->why);
}

const char *coco_extra_zip64_central(struct coco_entry *e, const struct coco_extra *x)
{
	size_t need = (e->usize == SAT32 ? 8u : 0u) + (e->csize == SAT32 ? 8u : 0u) +
		      (e->local_off == SAT32 ? 8u : 0u);
	const unsigned char *p = x->zip64;

	if (need == 0)
		return p == NULL ? NULL : "zip64 field although no 32-bit field is saturated";
	if (p == NULL)
		return "saturated 32-bit field without a zip64 field";
	if (x->zip64_len != need)
		return "zip64 field does not hold exactly the saturated fields' values";
	if (e->usize == SAT32)
		e->usize = rd64(p), p += 8;
	if (e->csize == SAT32)
		e->csize = rd64(p), p += 8;
	if (e->local_off == SAT32)
		e->local_off = rd64(p);
	return NULL;
}

const char *coco_extra_zip64_local(const struct coco_entry *e, uint32_t lcsize, uint32_t lusize,
				   const struct coco_extra *x, int *header)
{
	int sat = lcsize == SAT32 || lusize == SAT32, dd = (e->flags & 0x0008) != 0;
	uint64_t u, c;

	*header = 0;
	if (x->zip64 == NULL) {
		*header = sat && !dd;
		return *header ? "local sizes saturated without a zip64 field" : NULL;
	}
	/* The local field holds both sizes (APPNOTE 4.5.3). A streaming writer also marks
	 * with it that the data descriptor's sizes are 8 bytes wide (4.3.9.2). */
	if (!sat && !dd)
		return "zip64 field although the local sizes are not saturated";
	if (x->zip64_len != 16)
		return "local zip64 field does not hold exactly the two sizes";
	u = rd64(x->zip64), c = rd64(x->zip64 + 8);
	*header = 1;
	if (dd ? (u != 0 || c != 0) && (u != e->usize || c != e->csize)
	       : u != e->usize || c != e->csize)
		return "local zip64 sizes disagree with the central directory";
	*header = 0;
	return NULL;
}

/* ---- flags and attributes ------------------------------------------------------------ */

/*
 * General-purpose bits we read: 0 and 6 (encryption, refused), 1 and 2 (the deflate level,
 * informative), 3 (data descriptor) and 11 (UTF-8 names). Bit 13 masks the local headers
 * of an encrypted central directory. Bit 5 (patched data), 4 and 12 (reserved for
 * enhanced compression), 14 and 15 (reserved by PKWARE) and 7 to 10 (unused) each change,
 * or may come to change, how the data must be read; no conformant writer sets them today.
 */
#define FLAGS_READ 0x084Fu
#define FLAG_CD_ENCRYPTED 0x2000u

void coco_entry_rules(struct coco_archive *ar, struct coco_report *r, const struct coco_entry *e)
{
	unsigned other = e->flags & ~(FLAGS_READ | FLAG_CD_ENCRYPTED) & 0xFFFFu, bit = 0;

	if (e->flags & FLAG_CD_ENCRYPTED) {
		ar->ok = 0;
		coco_report_add(r, COCO_STATUS_FAIL, "container.encrypted", e->name, "%s",
				"central directory encryption flag (bit 13)");
	}
	if (other != 0) {
		while (!(other >> bit & 1))
			bit++;
		ar->ok = 0;
		coco_report_add(r, COCO_STATUS_FAIL, "container.flags", e->name,
				"general-purpose flag bit %u is set: %s", bit,
				bit == 5 ? "patched data is not supported" : "reserved or unused");
	}
	/* A reader of a stream (bsdtar from a pipe) has no central directory: it finds the end
	 * of a stored entry with a data descriptor only by guessing where a descriptor is, so
	 * data that holds a descriptor and a local header reads as another entry. Nothing
	 * needs the pair: a writer that streams compresses, and a stored entry's sizes are its
	 * data's (APPNOTE 4.4.4 allows it, but no conformant ASiC producer writes it). */
	if (e->method == 0 && (e->flags & 0x0008)) {
		ar->ok = 0;
		coco_report_add(r, COCO_STATUS_FAIL, "container.flags", e->name, "%s",
				"stored entry with a data descriptor (flag bit 3): a streaming "
				"reader cannot tell where its data ends");
	}
	/* The low byte is MS-DOS attributes for every host that zip and unzip know; 7-Zip and
	 * libarchive honour the directory bit even on a host that is not MS-DOS. */
	if (e->ext_attr & 0x08) {
		ar->ok = 0;
		coco_report_add(r, COCO_STATUS_FAIL, "container.type", e->name, "%s",
				"MS-DOS volume-label attribute");
	} else if ((e->ext_attr & 0x10) && !e->is_dir) {
		ar->ok = 0;
		coco_report_add(r, COCO_STATUS_FAIL, "container.type", e->name, "%s",
				"MS-DOS directory attribute on a file entry");
	}
}

/* ---- libzip's second opinion ------------------------------------------------------------ */

#define STAT_WANT                                                                                  \
	(ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD)

/* What libzip reads for entry i, against our walk: NULL, or what differs. */
static const char *libzip_differs(zip_t *za, zip_uint64_t i, const struct coco_entry *e)
{
	zip_stat_t st;

	zip_stat_init(&st);
	if (zip_stat_index(za, i, ZIP_FL_ENC_RAW, &st) != 0 || (st.valid & STAT_WANT) != STAT_WANT)
		return "libzip cannot describe the entry";
	if (strlen(st.name) != e->name_len || memcmp(st.name, e->name, e->name_len) != 0)
		return "libzip reads another name";
	if (st.size != e->usize || st.comp_size != e->csize)
		return "libzip reads other sizes";
	if (st.crc != e->crc)
		return "libzip reads another CRC-32";
	if (st.comp_method != e->method)
		return "libzip reads another compression method";
	return NULL;
}

/*
 * libzip opens the file with ZIP_CHECKCONS, which compares every local header with its
 * central record, and must then agree with our walk on the count and, for every entry, on
 * the name, both sizes, the CRC and the method. libzip 1.7.3 has no public call for an
 * entry's local-header or data offset (zip_stat has none; its offset lookup is internal),
 * so offsets cannot be compared: our walk checks them, and the layout rules leave no room
 * for another reading of them.
 */
void coco_libzip_crosscheck(struct coco_archive *ar, struct coco_report *r)
{
	int zerr = 0;
	zip_t *za = zip_open(ar->path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	zip_error_t ze;
	const char *why;
	size_t i;

	if (za == NULL) {
		zip_error_init_with_code(&ze, zerr);
		coco_report_add(r, COCO_STATUS_FAIL, "container.consistency", NULL,
				"libzip rejects the archive: %s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		ar->ok = 0;
		return;
	}
	if ((zip_uint64_t)zip_get_num_entries(za, 0) != ar->n) {
		ar->ok = 0;
		coco_report_add(r, COCO_STATUS_FAIL, "container.consistency", NULL, "%s",
				"libzip counts a different number of entries");
	}
	for (i = 0; ar->ok && i < ar->n; i++)
		if ((why = libzip_differs(za, i, &ar->e[i])) != NULL) {
			ar->ok = 0;
			coco_report_add(r, COCO_STATUS_FAIL, "container.consistency", ar->e[i].name,
					"%s", why);
		}
	zip_discard(za);
}
