/*
 * The hostile container corpus for archive.c, driven through coco_verify(). ziptool.c
 * writes a canonical ASiC-E-looking zip (mimetype stored first, then assessment.xml) and
 * each case changes exactly one thing: a field, a record, a name, the data. Every
 * negative case asserts the exact container.* id, its subject (the entry it names, or
 * none), that no other container.* rule fired, the FAILED verdict, and that the run
 * finished (ASan and UBSan run this suite in CI). Positive cases must pass the
 * container stage and fail only for lack of a manifest. No case reads the clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "coco/coco.h"
#include "suites.h"
#include "ziptool.h"

#define MIME "application/vnd.etsi.asic-e+zip"
#define XML "<assessment xmlns=\"urn:x-coco-bundle:assessment:1\"/>\n"
#define AT 1798761600        /* 2027-01-01T00:00:00Z */
#define SUBJ_PATH "\001path" /* the subject is the bundle's own path */

/* A base folder made in the runner's process, so failed tests leave nothing behind. */
static char *base_dir;

static void tmp_setup(void)
{
	if (base_dir == NULL)
		base_dir = zt_mkdtemp("archive");
}

static void tmp_teardown(void)
{
	zt_rmtree(base_dir);
	free(base_dir);
	base_dir = NULL;
}

/* ---- the canonical archive and the mutations ---------------------------------------- */

static struct zt_entry entry(const char *name, const char *data)
{
	struct zt_entry e;

	memset(&e, 0, sizeof(e));
	e.name = name;
	e.data = data;
	e.len = strlen(data);
	return e;
}

static struct zt_archive canonical(void)
{
	struct zt_archive z;

	memset(&z, 0, sizeof(z));
	z.e[0] = entry("mimetype", MIME);
	z.e[1] = entry("assessment.xml", XML);
	z.n = 2;
	return z;
}

/* Mutations change the description; owned receives anything malloc'd for it. */
typedef void (*mutator)(struct zt_archive *z, void **owned);
/* Patches change the built bytes (and may grow them). */
typedef void (*patcher)(unsigned char **p, size_t *len, const struct zt_layout *lay);

static void deflated(struct zt_entry *e)
{
	e->method = 8;
	e->deflate = 1;
}

static void add(struct zt_archive *z, struct zt_entry e)
{
	z->e[z->n++] = e;
}

#define MUT(fn, body)                                                                              \
	static void fn(struct zt_archive *z, void **owned)                                         \
	{                                                                                          \
		(void)z;                                                                           \
		(void)owned;                                                                       \
		body;                                                                              \
	}

/* Made by `host` (3 Unix, 16 BeOS, ...) with Unix mode bits in the external attributes. */
#define UNIX_MODE(e, host, mode)                                                                   \
	((e)->set |= ZT_MADE_BY | ZT_EXT_ATTR, (e)->made_by = (uint16_t)((host) << 8 | 30),        \
	 (e)->ext_attr = (uint32_t)(mode) << 16)

/* layout and end records */
MUT(m_none, (void)0)
MUT(m_comment, z->comment = "a comment"; z->comment_len = 9)
MUT(m_comment_len_only, z->set |= ZT_A_COMMENT_LEN; z->comment_len_field = 5)
MUT(m_trailer, z->trailer = "trailing"; z->trailer_len = 8)
MUT(m_comment_sig, z->comment = "PK\005\006"; z->comment_len = 4)
MUT(m_prefix, z->prefix = "MZ\x90\0prefix bytes"; z->prefix_len = 16)
MUT(m_prefix_unshifted, m_prefix(z, owned); z->prefix_unshifted = 1)
MUT(m_gap, z->e[1].gap_before = 7)
MUT(m_overlap, struct zt_entry a = entry("b.xml", ""); a.alias_of = 2; add(z, a))
MUT(m_orphan, z->e[2] = z->e[1]; z->e[1] = entry("hidden.xml", XML); z->e[1].no_central = 1;
    z->n = 3)
MUT(m_cd_gap, z->cd_gap = 5)
MUT(m_eocd_gap, z->eocd_gap = 5)
MUT(m_count0, z->set |= ZT_A_COUNT; z->count = 0)
MUT(m_count_huge, z->set |= ZT_A_COUNT; z->count = 10001)
MUT(m_count_low, z->set |= ZT_A_COUNT; z->count = 1)
MUT(m_count_high, z->set |= ZT_A_COUNT; z->count = 3)
MUT(m_cd_size_low, z->set |= ZT_A_CD_SIZE | ZT_A_CD_OFF; z->cd_size = 60; z->cd_off = 0)
MUT(m_disk, z->disk = 1)
MUT(m_cd_disk, z->cd_disk = 1)
MUT(m_disk_count, z->set |= ZT_A_DISK_COUNT; z->disk_count = 1)
MUT(m_entry_disk, z->e[1].disk_start = 1)

/* mimetype */
MUT(m_mime_not_first, struct zt_entry t = z->e[0]; z->e[0] = z->e[1]; z->e[1] = t)
MUT(m_mime_missing, z->e[0] = z->e[1]; z->n = 1)
MUT(m_mime_deflated, deflated(&z->e[0]))
/* an extended timestamp: a field allowed on any other entry */
MUT(m_mime_extra, z->e[0].lextra = "\x55\x54\x05\x00\x01\x00\x00\x00\x00"; z->e[0].lextra_len = 9)
MUT(m_mime_content, z->e[0] = entry("mimetype", "application/zip"))
MUT(m_mime_same_len, z->e[0] = entry("mimetype", "application/vnd.etsi.asic-s+zip"))
MUT(m_mime_newline, z->e[0] = entry("mimetype", MIME "\n"))
MUT(m_mime_descriptor, z->e[0].descriptor = ZT_DD_SIG)

/* names */
static char long_name[1026];
MUT(m_name_dotdot, z->e[1].name = "../evil")
MUT(m_name_abs, z->e[1].name = "/abs")
MUT(m_name_backslash, z->e[1].name = "a\\b")
MUT(m_name_drive, z->e[1].name = "C:/x")
MUT(m_name_empty_seg, z->e[1].name = "a//b")
MUT(m_name_dot_seg, z->e[1].name = "a/./b")
MUT(m_name_colon, z->e[1].name = "a:b")
MUT(m_name_trailing_dot, z->e[1].name = "cert.pdf.")
MUT(m_name_trailing_space, z->e[1].name = "evidence /cert.pdf")
MUT(m_name_nul, z->e[1].name = "a.pdf\0.xml"; z->e[1].name_len = 10)
MUT(m_name_ctrl, z->e[1].name = "a\001.xml")
MUT(m_name_del, z->e[1].name = "a\177.xml")
MUT(m_name_c1, z->e[1].name = "a\xc2\x9b.xml"; z->e[1].flags = 0x0800)
MUT(m_name_bad_utf8, z->e[1].name = "a\xff.xml"; z->e[1].flags = 0x0800)
MUT(m_name_overlong, z->e[1].name = "a\xc0\xaf.xml"; z->e[1].flags = 0x0800)
MUT(m_name_surrogate, z->e[1].name = "a\xed\xa0\x80.xml"; z->e[1].flags = 0x0800)
MUT(m_name_no_utf8_flag, z->e[1].name = "\xc3\xa9.xml")
MUT(m_name_long, memset(long_name, 'n', 1025); long_name[1025] = '\0'; z->e[1].name = long_name)

/* duplicates */
MUT(m_dup_exact, add(z, entry("assessment.xml", XML)))
MUT(m_dup_case, z->e[1] = entry("Evidence/A.pdf", XML); add(z, entry("evidence/a.pdf", XML)))
MUT(m_dup_file_parent, z->e[1] = entry("a", XML); add(z, entry("a/b", XML)))
MUT(m_dup_file_parent_case, z->e[1] = entry("A", XML); add(z, entry("a/b", XML)))
MUT(m_dup_file_grandparent, z->e[1] = entry("x", XML); add(z, entry("x/y/z", XML)))
/* "p-q" sorts between "p" and "p/r" ('-' is below '/'): the parent is not the neighbour */
MUT(m_dup_file_parent_apart, z->e[1] = entry("p", XML); add(z, entry("p-q", XML));
    add(z, entry("p.txt", XML)); add(z, entry("p/r", XML)))
MUT(m_dup_file_dir, z->e[1] = entry("evidence", XML); add(z, entry("evidence/", ""));
    UNIX_MODE(&z->e[2], 3, 040755))
/* One file on Windows and macOS though the bytes differ (review of issue 13, F5): two UTF-8
 * names (the flag set), the second added after the first. */
#define DUP_UTF8(a, b)                                                                             \
	(z->e[1] = entry(a, XML), z->e[1].flags = 0x0800, add(z, entry(b, XML)),                   \
	 z->e[z->n - 1].flags = 0x0800)
#define NFC_E "caf\xc3\xa9"  /* café, U+00E9 */
#define NFD_E "cafe\xcc\x81" /* cafe and U+0301 */
MUT(m_dup_nfd, DUP_UTF8("evidence/" NFC_E ".pdf", "evidence/" NFD_E ".pdf"))
MUT(m_dup_latin1_case, DUP_UTF8("evidence/" NFC_E ".pdf", "evidence/CAF\xc3\x89.pdf"))
MUT(m_dup_nfd_upper, DUP_UTF8("evidence/" NFC_E ".pdf", "evidence/CAFE\xcc\x81.pdf"))
MUT(m_dup_ext_a_case, DUP_UTF8("\xc5\x81\xc3\xb3"
			       "d\xc5\xba.pdf",
			       "\xc5\x82\xc3\x93"
			       "D\xc5\xb9.pdf"))
MUT(m_dup_greek_case, DUP_UTF8("\xce\xa3\xce\x9f\xce\xa6\xce\x99\xce\x91.pdf",
			       "\xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1.pdf"))
MUT(m_dup_greek_tonos, DUP_UTF8("\xce\x86.pdf", "\xce\xb1\xcc\x81.pdf"))
MUT(m_dup_cyrillic, DUP_UTF8("\xd0\x81\xd0\xb6"
			     ".pdf",
			     "\xd0\xb5\xcc\x88\xd0\x96.pdf"))
MUT(m_dup_parent_nfd, DUP_UTF8(NFC_E, NFD_E "/b"))
/* Distinct on every system: other accents, ß beside ss, the dotted capital I beside I. */
MUT(m_names_distinct, DUP_UTF8("evidence/" NFC_E ".pdf", "evidence/caf\xc3\xa8.pdf");
    add(z, entry("stra\xc3\x9f"
		 "e.pdf",
		 XML));
    z->e[z->n - 1].flags = 0x0800; add(z, entry("strasse.pdf", XML));
    add(z, entry("e\xcc\x81\xcc\x81.pdf", XML)); z->e[z->n - 1].flags = 0x0800)

/*
 * Info-ZIP's Unicode Path extra field (0x7075): version 1, the CRC-32 of the header name,
 * then a UTF-8 name, here in both headers. unzip 6.0 extracts the entry under that name.
 */
static unsigned char unicode_path[64];
static void m_unicode_path(struct zt_archive *z, void **owned)
{
	static const char other[] = "evidence/other.pdf";
	const char *name = z->e[1].name;

	(void)owned;
	zt_put16(unicode_path, 0x7075);
	zt_put16(unicode_path + 2, (uint16_t)(5 + strlen(other)));
	unicode_path[4] = 1;
	zt_put32(unicode_path + 5, (uint32_t)crc32(0, (const Bytef *)name, (uInt)strlen(name)));
	memcpy(unicode_path + 9, other, strlen(other));
	z->e[1].cextra = z->e[1].lextra = unicode_path;
	z->e[1].cextra_len = z->e[1].lextra_len = 9 + strlen(other);
}
static const unsigned char bad_extra[] = {0x99, 0x99, 0x10, 0x00, 0x01};
MUT(m_central_extra_overrun, z->e[1].cextra = bad_extra; z->e[1].cextra_len = sizeof(bad_extra))

/* entry types and methods */
MUT(m_symlink, UNIX_MODE(&z->e[1], 3, 0120777))
MUT(m_symlink_vms, UNIX_MODE(&z->e[1], 2, 0120777))
MUT(m_symlink_atari, UNIX_MODE(&z->e[1], 5, 0120777))
MUT(m_symlink_beos, UNIX_MODE(&z->e[1], 16, 0120777))
MUT(m_symlink_atheos, UNIX_MODE(&z->e[1], 30, 0120777))
MUT(m_fifo, UNIX_MODE(&z->e[1], 3, 0010644))
MUT(m_chardev, UNIX_MODE(&z->e[1], 3, 0020644))
MUT(m_setuid, UNIX_MODE(&z->e[1], 3, 0104755))
MUT(m_setgid_bare, UNIX_MODE(&z->e[1], 3, 02644)) /* permissions alone, as Python writes */
MUT(m_sticky_dir, z->e[1].name = "d/"; z->e[1].data = ""; z->e[1].len = 0;
    UNIX_MODE(&z->e[1], 3, 041777))
MUT(m_dir_content, z->e[1].name = "d/"; UNIX_MODE(&z->e[1], 3, 040755))
MUT(m_encrypted, z->e[1].flags = 0x0001)
MUT(m_strong_encryption, z->e[1].flags = 0x0041)
MUT(m_method99, z->e[1].method = 99)
MUT(m_method12, z->e[1].method = 12)
MUT(m_method14, z->e[1].method = 14)

/* local headers and descriptors */
MUT(m_local_name, z->e[1].lname = "assessment.xmm")
MUT(m_local_crc, z->e[1].set |= ZT_LCRC; z->e[1].lcrc = 0x12345678u)
MUT(m_local_csize, z->e[1].set |= ZT_LCSIZE; z->e[1].lcsize = 7)
MUT(m_local_usize, z->e[1].set |= ZT_LUSIZE; z->e[1].lusize = 7)
MUT(m_local_flags, z->e[1].set |= ZT_LFLAGS; z->e[1].lflags = 0x0800)
MUT(m_local_method, z->e[1].set |= ZT_LMETHOD; z->e[1].lmethod = 8)
MUT(m_local_saturated, z->e[1].set |= ZT_LCSIZE | ZT_LUSIZE;
    z->e[1].lcsize = z->e[1].lusize = 0xFFFFFFFFu)
/* A local zip64 extra that tells a streaming reader other sizes than the central record. */
static const unsigned char z64_local_lie[] = {1, 0, 16, 0, 10, 0, 0, 0, 0, 0,
					      0, 0, 10, 0, 0,  0, 0, 0, 0, 0};
MUT(m_local_zip64_lie, m_local_saturated(z, owned); z->e[1].lextra = z64_local_lie;
    z->e[1].lextra_len = sizeof(z64_local_lie))
MUT(m_descriptor_missing, deflated(&z->e[1]); z->e[1].set |= ZT_LFLAGS; z->e[1].lflags = 0x0008;
    z->e[1].flags = 0x0008; z->e[1].set |= ZT_LCRC | ZT_LCSIZE | ZT_LUSIZE)

/* data, checked by the streaming pass */
static const unsigned char corrupt_deflate[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
MUT(m_deflated_ok, deflated(&z->e[1]))
MUT(m_crc, z->e[1].set |= ZT_CRC; z->e[1].crc = 0x12345678u)
MUT(m_usize_small, deflated(&z->e[1]); z->e[1].set |= ZT_USIZE; z->e[1].usize = 10)
MUT(m_usize_large, deflated(&z->e[1]); z->e[1].set |= ZT_USIZE; z->e[1].usize = 1000)
MUT(m_deflate_garbage, deflated(&z->e[1]); z->e[1].tail = "JUNK"; z->e[1].tail_len = 4)
MUT(m_deflate_truncated, deflated(&z->e[1]); z->e[1].cut = 3)
MUT(m_deflate_corrupt, z->e[1].method = 8; z->e[1].payload = corrupt_deflate;
    z->e[1].payload_len = sizeof(corrupt_deflate))
MUT(m_stored_sizes, z->e[1].set |= ZT_USIZE; z->e[1].usize = 5)

/* resource limits */
MUT(m_bomb_declared, deflated(&z->e[1]); z->e[1].set |= ZT_USIZE; z->e[1].usize = 3ull << 30)
static void m_bomb_real(struct zt_archive *z, void **owned)
{
	struct zt_entry *e = &z->e[1];
	size_t clen = 0;
	uint32_t crc = 0;

	*e = entry("evidence/zeros.pdf", "");
	*owned = zt_deflate_zeros(50u << 20, &clen, &crc);
	ck_assert_ptr_nonnull(*owned);
	e->method = 8;
	e->payload = *owned;
	e->payload_len = clen;
	e->set = ZT_CRC | ZT_USIZE;
	e->crc = crc;
	e->usize = 50u << 20;
}
MUT(m_zip64_ok, z->zip64 = 1; z->e[1].zip64 = 1)
MUT(m_zip64_overflow, m_zip64_ok(z, owned); z->e[1].set |= ZT_USIZE;
    z->e[1].usize = 0xFFFFFFFFFFFFFFF0ull)
MUT(m_zip64_5g, m_zip64_ok(z, owned); deflated(&z->e[1]); z->e[1].set |= ZT_USIZE;
    z->e[1].usize = 5ull << 30)
MUT(m_zip64_csize, m_zip64_ok(z, owned); z->e[1].set |= ZT_CSIZE; z->e[1].csize = 1ull << 40)

/* zip64 end records */
MUT(m_zip64_no_locator, z->set |= ZT_A_SATURATE)
MUT(m_zip64_loc_off, m_zip64_ok(z, owned); z->set |= ZT_A_LOC_OFF; z->loc_off = 8)
MUT(m_zip64_disk, m_zip64_ok(z, owned); z->set |= ZT_A_Z64_DISK; z->z64_disk = 1)

/* extra fields and comments: only a needed zip64 field and well-formed timestamps */
#define SET_EXTRA(e, where, bytes) ((e)->where = (bytes), (e)->where##_len = sizeof(bytes))
/* Extended timestamps (Info-ZIP extrafld.txt): flags, then the times the flags name
 * locally, the mtime alone centrally. Info-ZIP zip writes flags 3 (mtime and atime). */
static const unsigned char ut_l3[] = {0x55, 0x54, 9, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8};
static const unsigned char ut_c3[] = {0x55, 0x54, 5, 0, 3, 1, 2, 3, 4};
static const unsigned char ut_l7[] = {0x55, 0x54, 13, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
static const unsigned char ut_l6[] = {0x55, 0x54, 9, 0, 6, 1, 2, 3, 4, 5, 6, 7, 8};
static const unsigned char ut_c6[] = {0x55, 0x54, 1, 0, 6}; /* no mtime: the flags byte alone */
static const unsigned char ut_l3_short[] = {0x55, 0x54, 5, 0, 3, 1, 2, 3, 4};
static const unsigned char ut_c3_long[] = {0x55, 0x54, 9, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8};
static const unsigned char ut_c1_empty[] = {0x55, 0x54, 1, 0, 1};
static const unsigned char ut_c_reserved[] = {0x55, 0x54, 5, 0, 9, 1, 2, 3, 4};
static const unsigned char ut_c3_twice[] = {0x55, 0x54, 5, 0, 3, 1, 2, 3, 4,
					    0x55, 0x54, 5, 0, 3, 1, 2, 3, 4};
/* NTFS times (APPNOTE 4.5.5) as 7-Zip writes them: 4 reserved bytes, tag 1 of 24 bytes. */
#define NTFS_TIMES 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8
static const unsigned char ntfs[] = {0x0a, 0, 32, 0, 0, 0, 0, 0, 1, 0, 24, 0, NTFS_TIMES};
static const unsigned char ntfs_long[] = {0x0a, 0,  36, 0,          0, 0, 0, 0, 1,
					  0,    28, 0,  NTFS_TIMES, 0, 0, 0, 0};
static const unsigned char ntfs_tag2[] = {0x0a, 0, 32, 0, 0, 0, 0, 0, 2, 0, 24, 0, NTFS_TIMES};
/* NTFS times whose mtime puts a zip64 locator signature 20 bytes before the end record. */
static const unsigned char ntfs_locator[] = {0x0a, 0, 32, 0, 0,   0,   0, 0, 1, 0, 24, 0,
					     0,    0, 0,  0, 'P', 'K', 6, 7, 0, 0, 0,  0,
					     0,    0, 0,  0, 0,   0,   0, 0, 0, 0, 0,  0};
static const unsigned char ut_and_ntfs[] = {0x55, 0x54, 5, 0, 1, 1, 2, 3, 4,  0x0a, 0,
					    32,   0,    0, 0, 0, 0, 1, 0, 24, 0,    NTFS_TIMES};
/* What other readers obey: ASi Unix (0x756e) saying symbolic link to "x", libarchive's "xl"
 * (0x6c78) with a Unix host and a link mode, Info-ZIP's Unix UID/GID "ux" (0x7875). */
static const unsigned char asi_link[] = {0x6e, 0x75, 15, 0, /* id, length */
					 0,    0,    0,  0, /* CRC */
					 0xff, 0xa1,        /* mode 0120777 */
					 0,    0,    0,  0, /* sizdev */
					 0,    0,    0,  0, /* uid, gid */
					 'x'};
static const unsigned char xl_link[] = {0x78, 0x6c, 7, 0, 5, 0x1e, 3, 0, 0, 0xff, 0xa1};
static const unsigned char ux[] = {0x75, 0x78, 11, 0, 1, 4, 0, 0, 0, 0, 4, 0, 0, 0, 0};
/* zip64 fields: one value (8 bytes) or two; the usize of XML is 53 (0x35). */
static const unsigned char z64_u[] = {1, 0, 8, 0, 0x35, 0, 0, 0, 0, 0, 0, 0};
static const unsigned char z64_uc[] = {1, 0, 16,   0, 0x35, 0, 0, 0, 0, 0,
				       0, 0, 0x35, 0, 0,    0, 0, 0, 0, 0};
static const unsigned char bad_len[] = {0x55, 0x54, 5, 0, 1, 1, 2, 3, 4, 0};
MUT(m_ut_infozip, SET_EXTRA(&z->e[1], lextra, ut_l3); SET_EXTRA(&z->e[1], cextra, ut_c3))
MUT(m_ut_all, SET_EXTRA(&z->e[1], lextra, ut_l7); SET_EXTRA(&z->e[1], cextra, ut_c3))
MUT(m_ut_no_mtime, SET_EXTRA(&z->e[1], lextra, ut_l6); SET_EXTRA(&z->e[1], cextra, ut_c6))
MUT(m_ut_short, SET_EXTRA(&z->e[1], lextra, ut_l3_short))
MUT(m_ut_central_long, SET_EXTRA(&z->e[1], cextra, ut_c3_long))
MUT(m_ut_central_empty, SET_EXTRA(&z->e[1], cextra, ut_c1_empty))
MUT(m_ut_reserved, SET_EXTRA(&z->e[1], cextra, ut_c_reserved))
MUT(m_ut_twice, SET_EXTRA(&z->e[1], cextra, ut_c3_twice))
MUT(m_ntfs, SET_EXTRA(&z->e[1], lextra, ntfs); SET_EXTRA(&z->e[1], cextra, ntfs))
MUT(m_ntfs_long, SET_EXTRA(&z->e[1], cextra, ntfs_long))
MUT(m_ntfs_tag2, SET_EXTRA(&z->e[1], cextra, ntfs_tag2))
MUT(m_ntfs_locator, SET_EXTRA(&z->e[1], cextra, ntfs_locator))
MUT(m_ut_ntfs_zip64, m_zip64_ok(z, owned); SET_EXTRA(&z->e[1], lextra, ut_and_ntfs);
    SET_EXTRA(&z->e[1], cextra, ut_and_ntfs))
MUT(m_asi, SET_EXTRA(&z->e[1], lextra, asi_link); SET_EXTRA(&z->e[1], cextra, asi_link))
MUT(m_xl_local, SET_EXTRA(&z->e[1], lextra, xl_link))
MUT(m_ux_local, SET_EXTRA(&z->e[1], lextra, ux))
MUT(m_extra_trailing_byte, SET_EXTRA(&z->e[1], cextra, bad_len))
MUT(m_zip64_c_unneeded, SET_EXTRA(&z->e[1], cextra, z64_u))
MUT(m_zip64_c_two, SET_EXTRA(&z->e[1], cextra, z64_uc))
MUT(m_zip64_l_unneeded, SET_EXTRA(&z->e[1], lextra, z64_uc))
MUT(m_central_comment, z->e[1].ccomment = "c"; z->e[1].ccomment_len = 1)

/* flags and MS-DOS attributes */
MUT(m_flags_level, deflated(&z->e[1]); z->e[1].flags = 0x0006) /* deflate levels: informative */
MUT(m_flag4, z->e[1].flags = 0x0010)
MUT(m_flag5, z->e[1].flags = 0x0020)
MUT(m_flag7, z->e[1].flags = 0x0080)
MUT(m_flag12, z->e[1].flags = 0x1000)
MUT(m_flag13, z->e[1].flags = 0x2000)
MUT(m_flag15, z->e[1].flags = 0x8000)
#define ATTR(e, host, attr)                                                                        \
	((e)->set |= ZT_MADE_BY | ZT_EXT_ATTR, (e)->made_by = (uint16_t)((host) << 8 | 20),        \
	 (e)->ext_attr = (attr))
MUT(m_dos_dir_bit, ATTR(&z->e[1], 0, 0x10))
MUT(m_unix_dir_bit, ATTR(&z->e[1], 3, 0100644u << 16 | 0x10))
MUT(m_ntfs_host_dir_bit, ATTR(&z->e[1], 10, 0x10))
MUT(m_volume_label, ATTR(&z->e[1], 0, 0x08))
MUT(m_dos_readonly_archive, ATTR(&z->e[1], 0, 0x21))
MUT(m_dos_dir_ok, z->e[1] = entry("evidence/", ""); ATTR(&z->e[1], 0, 0x10);
    add(z, entry("evidence/a.pdf", "%PDF-1.7\n")))

/* positive variants */
MUT(m_utf8_ok, z->e[1].name = "\xc3\xa9valuation.xml"; z->e[1].flags = 0x0800)
MUT(m_dd_sig, deflated(&z->e[1]); z->e[1].descriptor = ZT_DD_SIG)
MUT(m_dd_nosig, deflated(&z->e[1]); z->e[1].descriptor = ZT_DD_NOSIG)
/* A streaming reader cannot find where stored data with a descriptor ends (bsdtar from a pipe
 * reads on into whatever the data holds): refused, though APPNOTE allows it. */
MUT(m_dd_stored, z->e[1].descriptor = ZT_DD_SIG)
MUT(m_dd_stored_nosig, z->e[1].descriptor = ZT_DD_NOSIG)
MUT(m_mode_no_type, UNIX_MODE(&z->e[1], 3, 0644)) /* Python's zipfile: permissions alone */
MUT(m_dir_ok, z->e[1] = entry("evidence/", ""); UNIX_MODE(&z->e[1], 3, 040755);
    add(z, entry("evidence/a.pdf", "%PDF-1.7\n")))

/* Appends a copy of the end record as the archive comment: a second, valid-looking one. */
static void p_hidden_eocd(unsigned char **p, size_t *len, const struct zt_layout *lay)
{
	unsigned char *np = realloc(*p, *len + 22);

	ck_assert_ptr_nonnull(np);
	memcpy(np + *len, np + lay->eocd_off, 22);
	zt_put16(np + lay->eocd_off + 20, 22);
	*p = np;
	*len += 22;
}

/* Makes the data descriptor after assessment.xml carry a wrong CRC. */
static void p_descriptor_crc(unsigned char **p, size_t *len, const struct zt_layout *lay)
{
	(void)len;
	zt_put32(*p + lay->data_off[1] + lay->data_len[1] + 4, 0x12345678u);
}

/* Saturates assessment.xml's central usize (the record after the mimetype's), so that its
 * value must come from a zip64 field. */
static void p_central_usize(unsigned char **p, size_t *len, const struct zt_layout *lay)
{
	(void)len;
	zt_put32(*p + lay->cd_off + 46 + strlen("mimetype") + 24, 0xFFFFFFFFu);
}

/* The end record of a zip64 archive with its entry counts no longer saturated. */
static void eocd_counts(unsigned char *p, const struct zt_layout *lay, uint16_t n)
{
	zt_put16(p + lay->eocd_off + 8, n);
	zt_put16(p + lay->eocd_off + 10, n);
}

static void p_eocd_count_same(unsigned char **p, size_t *len, const struct zt_layout *lay)
{
	(void)len;
	eocd_counts(*p, lay, 2);
}

/* Python's zipfile past 2 GiB: a zip64 end record beside a classic one that saturates
 * nothing, every field the same in both. */
static void p_eocd_none_saturated(unsigned char **p, size_t *len, const struct zt_layout *lay)
{
	(void)len;
	eocd_counts(*p, lay, 2);
	zt_put32(*p + lay->eocd_off + 12, (uint32_t)lay->cd_size);
	zt_put32(*p + lay->eocd_off + 16, (uint32_t)lay->cd_off);
}

/* As that, but the classic record names another central-directory offset. */
static void p_eocd_offset_other(unsigned char **p, size_t *len, const struct zt_layout *lay)
{
	p_eocd_none_saturated(p, len, lay);
	zt_put32(*p + lay->eocd_off + 16, (uint32_t)lay->cd_off - 1);
}

static void p_eocd_count_other(unsigned char **p, size_t *len, const struct zt_layout *lay)
{
	(void)len;
	eocd_counts(*p, lay, 3);
}

#define STREAM 1    /* found by the streaming pass, after the container walk passed */
#define OVERRUN 2   /* the entry then also overruns: container.layout on the same entry */
#define STORED_DD 4 /* a stored entry with a descriptor: container.flags on the same entry */

static const struct hcase {
	const char *what;
	mutator mutate;
	patcher patch;
	const char *id;       /* the container.* id that must fail; NULL: the stage must pass */
	const char *subject;  /* its exact subject; NULL: none */
	const char *subject2; /* an alternative, where the order of equal names is unspecified */
	int flags;
} cases[] = {
    /* positive */
    {"canonical", m_none, NULL, NULL, NULL, NULL, 0},
    {"non-ASCII names that stay distinct", m_names_distinct, NULL, NULL, NULL, NULL, 0},
    {"UTF-8 name with the UTF-8 flag", m_utf8_ok, NULL, NULL, NULL, NULL, 0},
    {"deflated entry", m_deflated_ok, NULL, NULL, NULL, NULL, 0},
    {"data descriptor with signature", m_dd_sig, NULL, NULL, NULL, NULL, 0},
    {"data descriptor without signature", m_dd_nosig, NULL, NULL, NULL, NULL, 0},
    {"folder entry and a file in it", m_dir_ok, NULL, NULL, NULL, NULL, 0},
    {"Unix mode without type bits", m_mode_no_type, NULL, NULL, NULL, NULL, 0},
    {"well-formed zip64", m_zip64_ok, NULL, NULL, NULL, NULL, 0},
    {"zip64 end record, nothing saturated, every field equal", m_zip64_ok, p_eocd_none_saturated,
     NULL, NULL, NULL, 0},
    {"zip64 end record, the counts not saturated and equal", m_zip64_ok, p_eocd_count_same, NULL,
     NULL, NULL, 0},
    {"zip64 field holding exactly the one saturated size", m_zip64_c_unneeded, p_central_usize,
     NULL, NULL, NULL, 0},
    {"extended timestamps as Info-ZIP writes them", m_ut_infozip, NULL, NULL, NULL, NULL, 0},
    {"extended timestamps, all three times", m_ut_all, NULL, NULL, NULL, NULL, 0},
    {"extended timestamps without mtime", m_ut_no_mtime, NULL, NULL, NULL, NULL, 0},
    {"NTFS times in both headers", m_ntfs, NULL, NULL, NULL, NULL, 0},
    {"zip64, extended timestamp and NTFS times", m_ut_ntfs_zip64, NULL, NULL, NULL, NULL, 0},
    {"deflate level flags 1 and 2", m_flags_level, NULL, NULL, NULL, NULL, 0},
    {"MS-DOS read-only and archive attributes", m_dos_readonly_archive, NULL, NULL, NULL, NULL, 0},
    {"MS-DOS folder with the directory attribute", m_dos_dir_ok, NULL, NULL, NULL, NULL, 0},
    /* end records */
    {"archive comment", m_comment, NULL, "container.eocd", NULL, NULL, 0},
    {"comment length without comment", m_comment_len_only, NULL, "container.eocd", NULL, NULL, 0},
    {"bytes after the end record", m_trailer, NULL, "container.eocd", NULL, NULL, 0},
    {"end-record signature in the comment", m_comment_sig, NULL, "container.eocd", NULL, NULL, 0},
    {"second end record hidden in the comment", m_none, p_hidden_eocd, "container.eocd", NULL, NULL,
     0},
    {"multi-disk: this disk 1", m_disk, NULL, "container.eocd", NULL, NULL, 0},
    {"multi-disk: directory on disk 1", m_cd_disk, NULL, "container.eocd", NULL, NULL, 0},
    {"multi-disk: entries on this disk differ", m_disk_count, NULL, "container.eocd", NULL, NULL,
     0},
    /* layout */
    {"prefix, offsets shifted", m_prefix, NULL, "container.layout", "mimetype", NULL, 0},
    {"prefix, offsets not shifted", m_prefix_unshifted, NULL, "container.layout", NULL, NULL, 0},
    {"gap between entries", m_gap, NULL, "container.layout", "assessment.xml", NULL, 0},
    {"two central records on the same data", m_overlap, NULL, "container.layout", "b.xml", NULL, 0},
    {"local entry missing from the directory", m_orphan, NULL, "container.layout", "assessment.xml",
     NULL, 0},
    {"gap before the central directory", m_cd_gap, NULL, "container.layout", NULL, NULL, 0},
    {"central directory not before the end record", m_eocd_gap, NULL, "container.layout", NULL,
     NULL, 0},
    {"entry count lower than the records", m_count_low, NULL, "container.layout", SUBJ_PATH, NULL,
     0},
    {"entry count higher than the records", m_count_high, NULL, "container.layout", NULL, NULL, 0},
    {"directory size and offset wrong", m_cd_size_low, NULL, "container.layout", NULL, NULL, 0},
    {"multi-disk: entry on disk 1", m_entry_disk, NULL, "container.layout", NULL, NULL, 0},
    {"entry count 0", m_count0, NULL, "container.limits", NULL, NULL, 0},
    {"entry count 10001", m_count_huge, NULL, "container.limits", NULL, NULL, 0},
    /* mimetype */
    {"mimetype not first", m_mime_not_first, NULL, "container.mimetype", "assessment.xml", NULL, 0},
    {"mimetype missing", m_mime_missing, NULL, "container.mimetype", "assessment.xml", NULL, 0},
    {"mimetype deflated", m_mime_deflated, NULL, "container.mimetype", "mimetype", NULL, 0},
    {"mimetype with extra field", m_mime_extra, NULL, "container.mimetype", "mimetype", NULL, 0},
    {"mimetype wrong content", m_mime_content, NULL, "container.mimetype", "mimetype", NULL, 0},
    {"mimetype wrong content, same length", m_mime_same_len, NULL, "container.mimetype", "mimetype",
     NULL, 0},
    {"mimetype with newline", m_mime_newline, NULL, "container.mimetype", "mimetype", NULL, 0},
    {"mimetype with data descriptor", m_mime_descriptor, NULL, "container.mimetype", "mimetype",
     NULL, STORED_DD},
    /* names */
    {"name ../evil", m_name_dotdot, NULL, "container.name", "../evil", NULL, 0},
    {"name /abs", m_name_abs, NULL, "container.name", "/abs", NULL, 0},
    {"name with backslash", m_name_backslash, NULL, "container.name", "a\\b", NULL, 0},
    {"name with drive letter", m_name_drive, NULL, "container.name", "C:/x", NULL, 0},
    {"name with empty segment", m_name_empty_seg, NULL, "container.name", "a//b", NULL, 0},
    {"name with . segment", m_name_dot_seg, NULL, "container.name", "a/./b", NULL, 0},
    {"name with colon", m_name_colon, NULL, "container.name", "a:b", NULL, 0},
    {"name ending in a dot", m_name_trailing_dot, NULL, "container.name", "cert.pdf.", NULL, 0},
    {"folder ending in a space", m_name_trailing_space, NULL, "container.name",
     "evidence /cert.pdf", NULL, 0},
    {"name with NUL", m_name_nul, NULL, "container.name", "a.pdf", NULL, 0},
    {"name with control character", m_name_ctrl, NULL, "container.name", "a\001.xml", NULL, 0},
    {"name with DEL", m_name_del, NULL, "container.name", "a\177.xml", NULL, 0},
    {"name with C1 control U+009B", m_name_c1, NULL, "container.name", "a\xc2\x9b.xml", NULL, 0},
    {"name with invalid UTF-8", m_name_bad_utf8, NULL, "container.name", "a\xff.xml", NULL, 0},
    {"name with overlong UTF-8", m_name_overlong, NULL, "container.name", "a\xc0\xaf.xml", NULL, 0},
    {"name with UTF-8 surrogate", m_name_surrogate, NULL, "container.name", "a\xed\xa0\x80.xml",
     NULL, 0},
    {"non-ASCII name without the UTF-8 flag", m_name_no_utf8_flag, NULL, "container.name",
     "\xc3\xa9.xml", NULL, 0},
    {"name of 1025 bytes", m_name_long, NULL, "container.name", long_name, NULL, 0},
    /* extra fields and comments */
    {"Unicode Path extra field with another name", m_unicode_path, NULL, "container.extra",
     "assessment.xml", NULL, 0},
    {"central extra field overruns itself", m_central_extra_overrun, NULL, "container.extra",
     "assessment.xml", NULL, 0},
    {"extra field with a byte after its fields", m_extra_trailing_byte, NULL, "container.extra",
     "assessment.xml", NULL, 0},
    {"ASi Unix field saying symbolic link", m_asi, NULL, "container.extra", "assessment.xml", NULL,
     0},
    {"libarchive 'xl' field, local only", m_xl_local, NULL, "container.extra", "assessment.xml",
     NULL, 0},
    {"Info-ZIP 'ux' field, local only", m_ux_local, NULL, "container.extra", "assessment.xml", NULL,
     0},
    {"local timestamp shorter than its flags say", m_ut_short, NULL, "container.extra",
     "assessment.xml", NULL, 0},
    {"central timestamp with more than the mtime", m_ut_central_long, NULL, "container.extra",
     "assessment.xml", NULL, 0},
    {"central timestamp flags mtime but holds none", m_ut_central_empty, NULL, "container.extra",
     "assessment.xml", NULL, 0},
    {"timestamp with a reserved flag bit", m_ut_reserved, NULL, "container.extra", "assessment.xml",
     NULL, 0},
    {"timestamp twice in one header", m_ut_twice, NULL, "container.extra", "assessment.xml", NULL,
     0},
    {"NTFS times of 28 bytes", m_ntfs_long, NULL, "container.extra", "assessment.xml", NULL, 0},
    {"NTFS attribute tag 2", m_ntfs_tag2, NULL, "container.extra", "assessment.xml", NULL, 0},
    {"central zip64 field, nothing saturated", m_zip64_c_unneeded, NULL, "container.extra",
     "assessment.xml", NULL, 0},
    {"central zip64 field with more than the saturated size", m_zip64_c_two, p_central_usize,
     "container.extra", "assessment.xml", NULL, 0},
    {"local zip64 field, nothing saturated", m_zip64_l_unneeded, NULL, "container.extra",
     "assessment.xml", NULL, 0},
    {"central file comment", m_central_comment, NULL, "container.comment", "assessment.xml", NULL,
     0},
    /* flags and attributes */
    {"flag bit 4 (enhanced deflating)", m_flag4, NULL, "container.flags", "assessment.xml", NULL,
     0},
    {"flag bit 5 (patched data)", m_flag5, NULL, "container.flags", "assessment.xml", NULL, 0},
    {"flag bit 7 (unused)", m_flag7, NULL, "container.flags", "assessment.xml", NULL, 0},
    {"flag bit 12 (reserved)", m_flag12, NULL, "container.flags", "assessment.xml", NULL, 0},
    {"flag bit 13 (encrypted central directory)", m_flag13, NULL, "container.encrypted",
     "assessment.xml", NULL, 0},
    {"flag bit 15 (reserved)", m_flag15, NULL, "container.flags", "assessment.xml", NULL, 0},
    {"stored entry with a data descriptor", m_dd_stored, NULL, "container.flags", "assessment.xml",
     NULL, 0},
    {"stored entry with a data descriptor, no signature", m_dd_stored_nosig, NULL,
     "container.flags", "assessment.xml", NULL, 0},
    {"MS-DOS host, directory attribute on a file", m_dos_dir_bit, NULL, "container.type",
     "assessment.xml", NULL, 0},
    {"Unix host, directory attribute on a file", m_unix_dir_bit, NULL, "container.type",
     "assessment.xml", NULL, 0},
    {"NTFS host, directory attribute on a file", m_ntfs_host_dir_bit, NULL, "container.type",
     "assessment.xml", NULL, 0},
    {"volume-label attribute", m_volume_label, NULL, "container.type", "assessment.xml", NULL, 0},
    /* duplicates */
    {"exact duplicate", m_dup_exact, NULL, "container.duplicate", "assessment.xml", NULL, 0},
    {"case-only duplicate", m_dup_case, NULL, "container.duplicate", "evidence/a.pdf",
     "Evidence/A.pdf", 0},
    {"file used as a folder", m_dup_file_parent, NULL, "container.duplicate", "a/b", NULL, 0},
    {"file used as a folder, other case", m_dup_file_parent_case, NULL, "container.duplicate",
     "a/b", NULL, 0},
    {"file used as a grandparent folder", m_dup_file_grandparent, NULL, "container.duplicate",
     "x/y/z", NULL, 0},
    {"file used as a folder, names between", m_dup_file_parent_apart, NULL, "container.duplicate",
     "p/r", NULL, 0},
    {"file and folder of one name", m_dup_file_dir, NULL, "container.duplicate", "evidence/",
     "evidence", 0},
    {"composed and decomposed accent", m_dup_nfd, NULL, "container.duplicate",
     "evidence/" NFD_E ".pdf", "evidence/" NFC_E ".pdf", 0},
    {"Latin-1 letters differing in case", m_dup_latin1_case, NULL, "container.duplicate",
     "evidence/" NFC_E ".pdf", "evidence/CAF\xc3\x89.pdf", 0},
    {"decomposed capital, composed small", m_dup_nfd_upper, NULL, "container.duplicate",
     "evidence/" NFC_E ".pdf", "evidence/CAFE\xcc\x81.pdf", 0},
    {"Latin Extended-A letters differing in case", m_dup_ext_a_case, NULL, "container.duplicate",
     "\xc5\x81\xc3\xb3"
     "d\xc5\xba.pdf",
     "\xc5\x82\xc3\x93"
     "D\xc5\xb9.pdf",
     0},
    {"Greek differing in case", m_dup_greek_case, NULL, "container.duplicate",
     "\xce\xa3\xce\x9f\xce\xa6\xce\x99\xce\x91.pdf", "\xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1.pdf",
     0},
    {"Greek capital with tonos, small decomposed", m_dup_greek_tonos, NULL, "container.duplicate",
     "\xce\x86.pdf", "\xce\xb1\xcc\x81.pdf", 0},
    {"Cyrillic differing in case and composition", m_dup_cyrillic, NULL, "container.duplicate",
     "\xd0\x81\xd0\xb6"
     ".pdf",
     "\xd0\xb5\xcc\x88\xd0\x96.pdf", 0},
    {"file used as a folder, decomposed", m_dup_parent_nfd, NULL, "container.duplicate", NFD_E "/b",
     NULL, 0},
    /* types and methods */
    {"symlink (Unix)", m_symlink, NULL, "container.type", "assessment.xml", NULL, 0},
    {"symlink (made by VMS)", m_symlink_vms, NULL, "container.type", "assessment.xml", NULL, 0},
    {"symlink (made by Atari)", m_symlink_atari, NULL, "container.type", "assessment.xml", NULL, 0},
    {"symlink (made by BeOS)", m_symlink_beos, NULL, "container.type", "assessment.xml", NULL, 0},
    {"symlink (made by AtheOS)", m_symlink_atheos, NULL, "container.type", "assessment.xml", NULL,
     0},
    {"FIFO", m_fifo, NULL, "container.type", "assessment.xml", NULL, 0},
    {"character device", m_chardev, NULL, "container.type", "assessment.xml", NULL, 0},
    {"setuid file", m_setuid, NULL, "container.type", "assessment.xml", NULL, 0},
    {"setgid, permission bits only", m_setgid_bare, NULL, "container.type", "assessment.xml", NULL,
     0},
    {"sticky folder", m_sticky_dir, NULL, "container.type", "d/", NULL, 0},
    {"folder entry with content", m_dir_content, NULL, "container.type", "d/", NULL, 0},
    {"encrypted flag", m_encrypted, NULL, "container.encrypted", "assessment.xml", NULL, 0},
    {"strong encryption flag", m_strong_encryption, NULL, "container.encrypted", "assessment.xml",
     NULL, 0},
    {"AES method 99", m_method99, NULL, "container.encrypted", "assessment.xml", NULL, 0},
    {"bzip2 method 12", m_method12, NULL, "container.method", "assessment.xml", NULL, 0},
    {"LZMA method 14", m_method14, NULL, "container.method", "assessment.xml", NULL, 0},
    /* local headers */
    {"local name differs", m_local_name, NULL, "container.header", "assessment.xml", NULL, 0},
    {"local CRC differs", m_local_crc, NULL, "container.header", "assessment.xml", NULL, 0},
    {"local csize differs", m_local_csize, NULL, "container.header", "assessment.xml", NULL, 0},
    {"local usize differs", m_local_usize, NULL, "container.header", "assessment.xml", NULL, 0},
    {"local flags differ", m_local_flags, NULL, "container.header", "assessment.xml", NULL, 0},
    {"local method differs", m_local_method, NULL, "container.header", "assessment.xml", NULL, 0},
    {"local sizes 0xFFFFFFFF, no zip64 extra", m_local_saturated, NULL, "container.header",
     "assessment.xml", NULL, 0},
    {"local zip64 extra with other sizes", m_local_zip64_lie, NULL, "container.header",
     "assessment.xml", NULL, 0},
    {"descriptor flag, no descriptor", m_descriptor_missing, NULL, "container.header",
     "assessment.xml", NULL, 0},
    {"descriptor CRC differs", m_dd_sig, p_descriptor_crc, "container.header", "assessment.xml",
     NULL, 0},
    /* data */
    {"CRC wrong in both headers", m_crc, NULL, "container.crc", "assessment.xml", NULL, STREAM},
    {"declared size smaller than the data", m_usize_small, NULL, "container.data", "assessment.xml",
     NULL, STREAM},
    {"declared size larger than the data", m_usize_large, NULL, "container.data", "assessment.xml",
     NULL, STREAM},
    {"garbage after the deflate stream", m_deflate_garbage, NULL, "container.data",
     "assessment.xml", NULL, STREAM},
    {"truncated deflate stream", m_deflate_truncated, NULL, "container.data", "assessment.xml",
     NULL, STREAM},
    {"corrupt deflate stream", m_deflate_corrupt, NULL, "container.data", "assessment.xml", NULL,
     STREAM},
    {"stored entry with csize != usize", m_stored_sizes, NULL, "container.data", "assessment.xml",
     NULL, 0},
    /* limits */
    {"declared 3 GiB from a few bytes", m_bomb_declared, NULL, "container.limits", "assessment.xml",
     NULL, 0},
    {"50 MiB of zeros deflated", m_bomb_real, NULL, "container.limits", "evidence/zeros.pdf", NULL,
     0},
    {"zip64 usize 0xFFFFFFFFFFFFFFF0", m_zip64_overflow, NULL, "container.limits", "assessment.xml",
     NULL, 0},
    {"zip64 usize 5 GiB", m_zip64_5g, NULL, "container.limits", "assessment.xml", NULL, 0},
    {"zip64 csize beyond the file", m_zip64_csize, NULL, "container.limits", "assessment.xml", NULL,
     OVERRUN},
    /* zip64 end records */
    {"0xFFFF entries, no zip64 locator", m_zip64_no_locator, NULL, "container.zip64", NULL, NULL,
     0},
    {"zip64 locator points elsewhere", m_zip64_loc_off, NULL, "container.zip64", NULL, NULL, 0},
    {"zip64 end record on disk 1", m_zip64_disk, NULL, "container.zip64", NULL, NULL, 0},
    {"zip64 locator signature before an unsaturated end record", m_ntfs_locator, NULL,
     "container.zip64", NULL, NULL, 0},
    {"zip64 end record disagrees with an unsaturated count", m_zip64_ok, p_eocd_count_other,
     "container.zip64", NULL, NULL, 0},
    {"zip64 end record disagrees with an unsaturated offset", m_zip64_ok, p_eocd_offset_other,
     "container.zip64", NULL, NULL, 0},
};

/* ---- running a case -------------------------------------------------------------------- */

struct run {
	struct coco_report *r;
	char *path;
	enum coco_err err;
};

static struct run verify_bytes(const unsigned char *p, size_t len)
{
	struct run run = {NULL, NULL, COCO_OK};
	struct coco_ctx *ctx = NULL;
	struct timespec t0, t1;

	ck_assert_ptr_nonnull(base_dir);
	run.path = zt_write_temp(base_dir, p, len);
	ck_assert_ptr_nonnull(run.path);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, AT);
	ck_assert_int_eq(coco_report_new(&run.r), COCO_OK);
	/* A duration, not the date: every hostile input is judged within a second. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run.err = coco_verify(ctx, run.path, run.r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg(test_slow ||
			  (t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) <
			      1000000000L,
		      "verification took a second or more");
	unlink(run.path);
	coco_ctx_free(ctx);
	return run;
}

static void run_free(struct run *run)
{
	coco_report_free(run->r);
	free(run->path);
}

/* The report as text, every byte outside printable ASCII escaped. */
static char *dump(const struct coco_report *r)
{
	char *out = NULL, *vis;
	size_t i;

	if (coco_report_render(r, COCO_FORMAT_TEXT, 0, &out, NULL) != COCO_OK)
		return NULL;
	vis = zt_visible(out);
	free(out);
	for (i = 0; vis != NULL && i < coco_report_count(r); i++) {
		/* The text form replaces odd bytes with '?': list the raw subjects too. */
		char *s = zt_visible(coco_finding_subject(coco_report_get(r, i)));
		size_t n = strlen(vis) + (s ? strlen(s) : 0) + 32;
		char *more = s != NULL ? malloc(n) : NULL;
		if (more != NULL)
			snprintf(more, n, "%s  subject %zu: %s\n", vis, i, s);
		free(s);
		free(vis);
		vis = more;
	}
	return vis;
}

static const struct coco_finding *find(const struct coco_report *r, const char *id,
				       enum coco_status st)
{
	size_t i;

	for (i = 0; i < coco_report_count(r); i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		if (strcmp(coco_finding_id(f), id) == 0 && coco_finding_status(f) == st)
			return f;
	}
	return NULL;
}

static int subject_is(const struct coco_finding *f, const char *want, const char *path)
{
	const char *s = coco_finding_subject(f);

	if (want == NULL)
		return s == NULL;
	if (strcmp(want, SUBJ_PATH) == 0)
		want = path;
	return s != NULL && strcmp(s, want) == 0;
}

/* Whether failure f is one the case may raise: its own id (or an overrun), on its subject. */
static int allowed(const struct coco_finding *f, const struct hcase *c, const char *path)
{
	const char *id = coco_finding_id(f);

	if (strcmp(id, c->id) != 0 &&
	    !((c->flags & OVERRUN) && strcmp(id, "container.layout") == 0) &&
	    !((c->flags & STORED_DD) && strcmp(id, "container.flags") == 0))
		return 0;
	return subject_is(f, c->subject, path) ||
	       (c->subject2 != NULL && subject_is(f, c->subject2, path));
}

/* The case's failure is there, and no other container rule fired. */
static void assert_only(const struct run *run, const struct hcase *c)
{
	size_t i, hits = 0;
	char *text = dump(run->r);

	for (i = 0; i < coco_report_count(run->r); i++) {
		const struct coco_finding *f = coco_report_get(run->r, i);

		if (coco_finding_status(f) != COCO_STATUS_FAIL ||
		    strncmp(coco_finding_id(f), "container.", 10) != 0)
			continue;
		ck_assert_msg(allowed(f, c, run->path), "%s: unexpected %s; report:\n%s", c->what,
			      coco_finding_id(f), text);
		hits += strcmp(coco_finding_id(f), c->id) == 0;
	}
	ck_assert_msg(hits >= 1, "%s: no %s failure on the expected subject; report:\n%s", c->what,
		      c->id, text);
	free(text);
}

static void assert_container_passed(const struct run *run, const char *what)
{
	char *text = dump(run->r);
	size_t i;

	for (i = 0; i < coco_report_count(run->r); i++) {
		const struct coco_finding *f = coco_report_get(run->r, i);
		ck_assert_msg(!(coco_finding_status(f) == COCO_STATUS_FAIL &&
				strncmp(coco_finding_id(f), "container.", 10) == 0),
			      "%s: %s failed; report:\n%s", what, coco_finding_id(f), text);
	}
	ck_assert_msg(find(run->r, "container.structure", COCO_STATUS_PASS) != NULL,
		      "%s: no container.structure pass; report:\n%s", what, text);
	free(text);
}

START_TEST(test_hostile)
{
	const struct hcase *c = &cases[_i];
	struct zt_archive z = canonical();
	struct zt_layout lay;
	void *owned = NULL;
	unsigned char *p = NULL;
	size_t len = 0;
	struct run run;

	c->mutate(&z, &owned);
	ck_assert_int_eq(zt_build(&z, &p, &len, &lay), 0);
	free(owned);
	if (c->patch != NULL)
		c->patch(&p, &len, &lay);
	run = verify_bytes(p, len);
	free(p);
	/* It ran to the end: verification is an outcome, not an error. */
	ck_assert_int_eq(run.err, COCO_OK);
	ck_assert_uint_gt(coco_report_count(run.r), 0);
	ck_assert_int_eq(coco_report_verdict(run.r), COCO_VERDICT_FAILED);
	if (c->id == NULL) {
		assert_container_passed(&run, c->what);
		ck_assert_ptr_nonnull(find(run.r, "manifest.missing", COCO_STATUS_FAIL));
	} else if (c->flags & STREAM) {
		assert_only(&run, c);
		ck_assert_ptr_nonnull(find(run.r, "container.structure", COCO_STATUS_PASS));
	} else {
		assert_only(&run, c);
		/* A failed walk stops the pipeline before any entry is read. */
		ck_assert_ptr_null(find(run.r, "container.structure", COCO_STATUS_PASS));
		ck_assert_ptr_nonnull(find(run.r, "verify.skipped", COCO_STATUS_INFO));
		ck_assert_ptr_null(coco_report_find(run.r, "manifest.missing"));
	}
	run_free(&run);
}
END_TEST

/* ---- files that are not zips at all ----------------------------------------------------- */

static const struct {
	const char *what;
	const char *bytes;
	size_t len;
	const char *id;
} junk[] = {
#define JUNK(what, s, id)                                                                          \
	{                                                                                          \
		what, s, sizeof(s) - 1, id                                                         \
	}
    JUNK("empty file", "", "container.eocd"),
    JUNK("one byte", "P", "container.eocd"),
    JUNK("21 bytes", "PK\005\006 not an end rec", "container.eocd"),
    JUNK("text", "hello, this is not a zip\n", "container.eocd"),
    JUNK("PDF", "%PDF-1.7\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n", "container.eocd"),
    JUNK("local header only", "PK\003\004\024\0\0\0\0\0\0\0!\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
	 "container.eocd"),
    JUNK("end record alone", "PK\005\006\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "container.limits"),
#undef JUNK
};

START_TEST(test_not_a_zip)
{
	struct run run = verify_bytes((const unsigned char *)junk[_i].bytes, junk[_i].len);
	const struct coco_finding *f = find(run.r, junk[_i].id, COCO_STATUS_FAIL);

	ck_assert_int_eq(run.err, COCO_OK);
	ck_assert_msg(f != NULL, "%s: no %s", junk[_i].what, junk[_i].id);
	ck_assert_ptr_null(coco_finding_subject(f));
	ck_assert_int_eq(coco_report_verdict(run.r), COCO_VERDICT_FAILED);
	ck_assert_ptr_nonnull(find(run.r, "verify.skipped", COCO_STATUS_INFO));
	ck_assert_ptr_null(coco_report_find(run.r, "container.structure"));
	run_free(&run);
}
END_TEST

/*
 * A second, complete and self-consistent view hidden in the archive comment: the real
 * end record's comment holds a data descriptor, a central directory and an end record
 * under which assessment.xml (stored, with a descriptor) runs on over the real
 * descriptor, directory and end record. Readers that take the first end record and
 * readers that take the last one see different content; checks.md calls this
 * container.eocd ("a second end record hidden in a comment").
 */
START_TEST(test_hidden_second_view)
{
	struct zt_archive z = canonical();
	struct zt_layout lay;
	unsigned char *p = NULL, *c;
	size_t len = 0, clen, rec1;
	uint64_t fake_len;
	uint32_t crc;
	struct run run;
	char *text;

	z.e[1].descriptor = ZT_DD_SIG;
	ck_assert_int_eq(zt_build(&z, &p, &len, &lay), 0);
	free(p);
	clen = 16 + (size_t)lay.cd_size + 22;
	z.comment = calloc(1, clen);
	z.comment_len = clen;
	ck_assert_ptr_nonnull(z.comment);
	ck_assert_int_eq(zt_build(&z, &p, &len, &lay), 0);
	free((void *)(uintptr_t)z.comment);
	c = p + lay.comment_off;
	fake_len = lay.comment_off - lay.data_off[1];
	crc = (uint32_t)crc32(0, p + lay.data_off[1], (uInt)fake_len);
	zt_put32(c, 0x08074b50u);
	zt_put32(c + 4, crc);
	zt_put32(c + 8, (uint32_t)fake_len);
	zt_put32(c + 12, (uint32_t)fake_len);
	memcpy(c + 16, p + lay.cd_off, (size_t)lay.cd_size);
	rec1 = 16 + 46 + strlen("mimetype"); /* the second central record */
	zt_put32(c + rec1 + 16, crc);
	zt_put32(c + rec1 + 20, (uint32_t)fake_len);
	zt_put32(c + rec1 + 24, (uint32_t)fake_len);
	c += 16 + lay.cd_size;
	memcpy(c, p + lay.eocd_off, 22);
	zt_put32(c + 12, (uint32_t)lay.cd_size);
	zt_put32(c + 16, (uint32_t)(lay.comment_off + 16));
	zt_put16(c + 20, 0);
	run = verify_bytes(p, len);
	free(p);
	text = dump(run.r);
	ck_assert_int_eq(run.err, COCO_OK);
	ck_assert_int_eq(coco_report_verdict(run.r), COCO_VERDICT_FAILED);
	ck_assert_msg(find(run.r, "container.eocd", COCO_STATUS_FAIL) != NULL,
		      "hidden second view not rejected as container.eocd; report:\n%s", text);
	ck_assert_ptr_null(coco_report_find(run.r, "container.structure"));
	free(text);
	run_free(&run);
}
END_TEST

/* ---- files that cannot be read ----------------------------------------------------------- */

START_TEST(test_unreadable)
{
	struct coco_ctx *ctx = NULL;
	struct coco_report *r = NULL;
	char path[4096];

	ck_assert_ptr_nonnull(base_dir);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, AT);
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	switch (_i) {
	case 0: /* missing */
		snprintf(path, sizeof(path), "%s/no-such.coco", base_dir);
		break;
	case 1: /* a folder */
		snprintf(path, sizeof(path), "%s", base_dir);
		break;
	default: /* a FIFO nobody writes to: must not block */
		snprintf(path, sizeof(path), "%s/fifo.coco", base_dir);
		ck_assert_int_eq(mkfifo(path, 0600), 0);
		break;
	}
	ck_assert_int_eq(coco_verify(ctx, path, r), COCO_ERR_IO);
	ck_assert_msg(strstr(coco_ctx_error(ctx), path) != NULL, "message '%s' lacks the path",
		      coco_ctx_error(ctx));
	ck_assert_ptr_null(coco_report_find(r, "container.structure"));
	if (_i == 2)
		unlink(path);
	coco_report_free(r);
	coco_ctx_free(ctx);
}
END_TEST

/*
 * All entries together inflate to at most 8 times the file's size plus 256 MiB, by their
 * declared sizes: an entry declaring just that passes the walk (its 1.6 MB of noise then
 * fails the streaming pass as container.data); one byte more fails container.limits.
 */
START_TEST(test_total_ratio)
{
	static unsigned char noise[1600000];
	struct zt_archive z = canonical();
	const struct coco_finding *f;
	unsigned char *p = NULL;
	size_t len = 0, k;
	uint64_t other;
	unsigned seed = 1;
	struct run run;

	for (k = 0; k < sizeof(noise); k++) {
		seed = seed * 1103515245u + 12345u;
		noise[k] = (unsigned char)(seed >> 16);
	}
	add(&z, entry("evidence/big.bin", ""));
	z.e[2].method = 8;
	z.e[2].payload = noise;
	z.e[2].payload_len = sizeof(noise);
	z.e[2].set = ZT_USIZE;
	ck_assert_int_eq(zt_build(&z, &p, &len, NULL), 0);
	free(p);
	other = z.e[0].len + z.e[1].len;
	z.e[2].usize = 8u * (uint64_t)len + (256ull << 20) - other + (uint64_t)_i;
	ck_assert_int_eq(zt_build(&z, &p, &k, NULL), 0);
	ck_assert_uint_eq(k, len); /* the size fields are fixed-width */
	run = verify_bytes(p, len);
	f = find(run.r, "container.limits", COCO_STATUS_FAIL);
	ck_assert_msg(_i ? f != NULL && strstr(coco_finding_message(f), "8 times") != NULL
			 : f == NULL && find(run.r, "container.data", COCO_STATUS_FAIL) != NULL,
		      "%s", dump(run.r));
	run_free(&run);
	free(p);
}
END_TEST

/* A stored local header and its data at p + o; returns the bytes written. */
static size_t raw_local(unsigned char *p, size_t o, const char *name, const char *data)
{
	size_t nl = strlen(name), dl = strlen(data);

	zt_put32(p + o, 0x04034b50u), zt_put16(p + o + 4, 20), zt_put16(p + o + 12, 0x21);
	zt_put32(p + o + 14, (uint32_t)crc32(0, (const Bytef *)data, (uInt)dl));
	zt_put32(p + o + 18, (uint32_t)dl), zt_put32(p + o + 22, (uint32_t)dl);
	zt_put16(p + o + 26, (uint16_t)nl);
	memcpy(p + o + 30, name, nl);
	memcpy(p + o + 30 + nl, data, dl);
	return 30 + nl + dl;
}

/* The central record of that entry (at local offset off) with a comment of c bytes. */
static size_t raw_central(unsigned char *p, size_t o, const char *name, const char *data,
			  size_t off, size_t c)
{
	size_t nl = strlen(name), dl = strlen(data);

	zt_put32(p + o, 0x02014b50u), zt_put16(p + o + 4, 0x031E), zt_put16(p + o + 6, 20);
	zt_put16(p + o + 14, 0x21);
	zt_put32(p + o + 16, (uint32_t)crc32(0, (const Bytef *)data, (uInt)dl));
	zt_put32(p + o + 20, (uint32_t)dl), zt_put32(p + o + 24, (uint32_t)dl);
	zt_put16(p + o + 28, (uint16_t)nl), zt_put16(p + o + 32, (uint16_t)c);
	zt_put32(p + o + 38, 0100644u << 16), zt_put32(p + o + 42, (uint32_t)off);
	memcpy(p + o + 46, name, nl);
	memset(p + o + 46 + nl, 'c', c);
	return 46 + nl + c;
}

/*
 * A zip of the mimetype and m empty entries "c/NNN" whose central records carry comments
 * (65,535 bytes, the last shorter), so that the central directory is exactly cd_size bytes.
 */
static unsigned char *commented_zip(size_t cd_size, size_t *len)
{
	const size_t rec = 46 + 5, full = rec + 65535;
	size_t rest = cd_size - (46 + 8), m = (rest + full - 1) / full, o = 0, k, cd;
	unsigned char *p = calloc(1, cd_size + m * 35 + 128);
	char name[32];

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_lt(m, 1000); /* names of 5 bytes */
	o += raw_local(p, o, "mimetype", MIME);
	for (k = 0; k < m; k++) {
		snprintf(name, sizeof(name), "c/%03zu", k);
		o += raw_local(p, o, name, "");
	}
	cd = o;
	o += raw_central(p, o, "mimetype", MIME, 0, 0);
	for (k = 0; k < m; k++) {
		snprintf(name, sizeof(name), "c/%03zu", k);
		o += raw_central(p, o, name, "", 69 + 35 * k,
				 k + 1 < m ? 65535 : rest - (m - 1) * full - rec);
	}
	ck_assert_uint_eq(o - cd, cd_size);
	zt_put32(p + o, 0x06054b50u);
	zt_put16(p + o + 8, (uint16_t)(m + 1)), zt_put16(p + o + 10, (uint16_t)(m + 1));
	zt_put32(p + o + 12, (uint32_t)cd_size), zt_put32(p + o + 16, (uint32_t)cd);
	*len = o + 22;
	return p;
}

/*
 * The central directory may take 16 MiB, not a byte more. Only entry comments make one that
 * large (10,000 records of the longest names and allowed extra fields take 11.5 MB), and
 * they are refused: at the limit the size passes and the comments fail.
 */
START_TEST(test_cd_size)
{
	size_t len = 0;
	unsigned char *p = commented_zip((16u << 20) + (size_t)_i, &len);
	struct run run = verify_bytes(p, len);
	const struct coco_finding *f = find(run.r, "container.limits", COCO_STATUS_FAIL);

	ck_assert_msg(_i ? f != NULL && strstr(coco_finding_message(f),
					       "larger than the limit (16777216)") != NULL
			 : f == NULL && find(run.r, "container.comment", COCO_STATUS_FAIL) != NULL,
		      "container.limits %s", _i ? "missing" : "or no container.comment");
	run_free(&run);
	free(p);
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
	struct zt_archive z = canonical();
	struct zt_layout lay;
	struct seen seen = {0, 0, 0};
	struct coco_ctx *ctx = NULL;
	struct coco_report *r = NULL;
	unsigned char *p = NULL;
	size_t len = 0;
	char *path;

	ck_assert_int_eq(zt_build(&z, &p, &len, &lay), 0);
	path = zt_write_temp(base_dir, p, len);
	ck_assert_ptr_nonnull(path);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, AT);
	coco_ctx_set_progress(ctx, on_progress, &seen);
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_int_eq(coco_verify(ctx, path, r), COCO_OK);
	ck_assert_int_ge(seen.calls, 1);
	ck_assert_uint_eq(seen.total, len);
	ck_assert_uint_eq(seen.done, len);
	unlink(path);
	free(path);
	free(p);
	coco_report_free(r);
	coco_ctx_free(ctx);
}
END_TEST

Suite *archive_suite(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("hostile");

	tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 20); /* generous for sanitizers; each case takes milliseconds */
	tcase_add_loop_test(tc, test_hostile, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, test_not_a_zip, 0, (int)(sizeof(junk) / sizeof(junk[0])));
	tcase_add_test(tc, test_hidden_second_view);
	tcase_add_loop_test(tc, test_unreadable, 0, 3);
	tcase_add_test(tc, test_progress);
	tcase_add_loop_test(tc, test_total_ratio, 0, 2);
	tcase_add_loop_test(tc, test_cd_size, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
