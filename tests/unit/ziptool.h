/*
 * A raw zip byte builder for the hostile container corpus (check_archive.c). It writes
 * every local header, data, descriptor, central record and end record itself, so a test
 * can set any field to any value: wrong CRCs and sizes, names that differ between the
 * two headers, extra fields, comments, zip64 records, prefix bytes, gaps, overlapping or
 * reordered entries. Zero-initialised structs describe a well-formed archive; the `set`
 * bit masks say which override fields are in force. Helpers return -1 or NULL on
 * failure and never abort, so the caller asserts.
 */
#ifndef COCO_TEST_ZIPTOOL_H
#define COCO_TEST_ZIPTOOL_H

#include <stddef.h>
#include <stdint.h>

#define ZT_MAX_ENTRIES 16

/* Entry overrides in force (struct zt_entry.set). */
#define ZT_CRC 0x0001u      /* crc in every header and the descriptor */
#define ZT_CSIZE 0x0002u    /* csize in every header and the descriptor */
#define ZT_USIZE 0x0004u    /* usize in every header and the descriptor */
#define ZT_LCRC 0x0008u     /* lcrc in the local header only */
#define ZT_LCSIZE 0x0010u   /* lcsize in the local header only (the 32-bit field) */
#define ZT_LUSIZE 0x0020u   /* lusize in the local header only (the 32-bit field) */
#define ZT_LFLAGS 0x0040u   /* lflags in the local header only */
#define ZT_LMETHOD 0x0080u  /* lmethod in the local header only */
#define ZT_OFFSET 0x0100u   /* offset as the central record's local-header offset */
#define ZT_MADE_BY 0x0200u  /* made_by (default 0x031E: Unix, spec 3.0) */
#define ZT_EXT_ATTR 0x0400u /* ext_attr (default 0100644 << 16) */

/* Descriptor kinds (struct zt_entry.descriptor); each sets flag bit 3. */
#define ZT_DD_SIG 1   /* PK\7\8, crc, csize, usize */
#define ZT_DD_NOSIG 2 /* crc, csize, usize */

struct zt_entry {
	const char *name;
	size_t name_len;   /* 0: strlen(name) */
	const char *lname; /* a different name in the local header, or NULL */
	size_t lname_len;  /* 0: strlen(lname) */
	const void *data;  /* the uncompressed content */
	size_t len;
	const void *payload; /* bytes stored as they are (e.g. already deflated), instead of data */
	size_t payload_len;
	int deflate;             /* raw-deflate data; the method field is still `method` */
	uint16_t method, flags;  /* written as given */
	uint16_t version_needed; /* 0: 20 (45 with zip64) */
	uint16_t disk_start;     /* the central record's disk number */
	const void *lextra;      /* local extra field, after any zip64 extra */
	size_t lextra_len;
	const void *cextra; /* central extra field, after any zip64 extra */
	size_t cextra_len;
	const void *ccomment; /* central file comment */
	size_t ccomment_len;
	int descriptor;   /* ZT_DD_SIG, ZT_DD_NOSIG or 0; local CRC and sizes are then 0 */
	int zip64;        /* 32-bit sizes and offset saturated, the values in zip64 extras */
	const void *tail; /* bytes appended to the stored bytes, counted in csize */
	size_t tail_len;
	size_t cut;        /* bytes cut from the end of the stored bytes */
	size_t gap_before; /* filler bytes before the local header */
	int alias_of;      /* k > 0: no local entry; the central record copies entry k-1's */
	int no_central;    /* a local entry with no central record */
	unsigned set;      /* ZT_* overrides below */
	uint32_t crc, lcrc;
	uint64_t csize, usize, lcsize, lusize, offset;
	uint16_t lflags, lmethod, made_by;
	uint32_t ext_attr;
};

/* Archive overrides in force (struct zt_archive.set). */
#define ZT_A_COUNT 0x01u      /* count as both entry counts (EOCD and zip64) */
#define ZT_A_DISK_COUNT 0x02u /* disk_count as the entries-on-this-disk count */
#define ZT_A_CD_SIZE 0x04u
#define ZT_A_CD_OFF 0x08u
#define ZT_A_COMMENT_LEN 0x10u /* comment_len_field instead of comment_len */
#define ZT_A_SATURATE 0x20u    /* EOCD counts 0xFFFF without any zip64 record */
#define ZT_A_LOC_OFF 0x40u     /* loc_off as the locator's zip64 end-record offset */
#define ZT_A_Z64_DISK 0x80u    /* z64_disk in the zip64 end record's disk fields */

struct zt_archive {
	struct zt_entry e[ZT_MAX_ENTRIES];
	size_t n;
	const void *prefix; /* bytes before the first local header */
	size_t prefix_len;
	int prefix_unshifted; /* offsets written as if the prefix were not there */
	size_t cd_gap;        /* filler bytes between the last entry and the central directory */
	size_t eocd_gap;      /* filler bytes between the central directory and the end records */
	const void *comment;  /* archive comment */
	size_t comment_len;
	const void *trailer; /* bytes after the end record */
	size_t trailer_len;
	int zip64;              /* zip64 end record and locator; EOCD fields saturated */
	uint16_t disk, cd_disk; /* the EOCD's disk numbers */
	unsigned set;           /* ZT_A_* overrides below */
	uint64_t count, disk_count, cd_size, cd_off, loc_off;
	uint32_t z64_disk;
	uint16_t comment_len_field;
};

/* Where things landed, for tests that patch the bytes afterwards. */
struct zt_layout {
	uint64_t local_off[ZT_MAX_ENTRIES], data_off[ZT_MAX_ENTRIES], data_len[ZT_MAX_ENTRIES];
	uint64_t cd_off, cd_size, eocd_off, comment_off;
};

/* Builds the archive into a malloc'd buffer; lay may be NULL. 0, or -1 on failure. */
int zt_build(const struct zt_archive *z, unsigned char **out, size_t *len, struct zt_layout *lay);

/* Raw deflate (no zlib header) at level 1..9; malloc'd, NULL on failure. */
unsigned char *zt_deflate(const void *in, size_t len, int level, size_t *out_len);
/* Raw deflate of n zero bytes without holding them in memory, and their CRC-32. */
unsigned char *zt_deflate_zeros(uint64_t n, size_t *out_len, uint32_t *crc);

/* Little-endian stores, for patching built archives. */
void zt_put16(unsigned char *p, uint16_t v);
void zt_put32(unsigned char *p, uint32_t v);

/* A fresh folder under /tmp (malloc'd), or NULL. */
char *zt_mkdtemp(const char *tag);
/* Writes p to a new file in dir; returns its malloc'd path, or NULL. */
char *zt_write_temp(const char *dir, const void *p, size_t len);
/* Removes path and everything below it, never following links. */
void zt_rmtree(const char *path);
/* s with every byte outside printable ASCII (but newline) as \xNN, for messages (malloc'd). */
char *zt_visible(const char *s);

#endif /* COCO_TEST_ZIPTOOL_H */
