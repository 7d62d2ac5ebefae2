/*
 * Test helpers that assemble bundles from parts: the library's own canonical zip
 * writer, manifests built by coco_manifest_build (or by hand, for other digest
 * algorithms), signatures made by coco_cms_sign or by raw OpenSSL CMS calls with a
 * chosen flaw, and small file tools (temporary folders, tree copy and compare).
 * Helpers return NULL or -1 on failure and never abort (bt_time aside), so the caller asserts.
 */
#ifndef COCO_TEST_BUNDLETOOL_H
#define COCO_TEST_BUNDLETOOL_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "coco/coco.h"
#include "signature/cms.h"
#include "container/manifest.h"

#define BT_MANIFEST "META-INF/ASiCManifest001.xml"
#define BT_SIGNATURE "META-INF/signature001.p7s"

#if defined(__GNUC__)
#define BT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define BT_PRINTF(a, b)
#endif

/* ---- files and folders ---- */

/* $COCO_FIXTURES, or "fixtures". */
const char *bt_fixtures(void);
/* malloc'd "<fixtures>/<printf result>". */
char *bt_fixture(const char *fmt, ...) BT_PRINTF(1, 2);
/* malloc'd printf. */
char *bt_fmt(const char *fmt, ...) BT_PRINTF(1, 2);
/* A whole file into a malloc'd buffer (NUL-terminated, not counted); 0 or -1. */
int bt_read(const char *path, unsigned char **out, size_t *len);
int bt_write(const char *path, const void *p, size_t len);
/*
 * A fresh folder (malloc'd), or NULL: inside the base folder made by bt_tmp_setup if it
 * ran, else /tmp/coco-test-XXXXXX. Use bt_tmp_setup/bt_tmp_teardown as an unchecked
 * fixture: it runs in the runner's process, so folders of tests that failed (and exited
 * before their own clean-up) are removed too.
 */
char *bt_mkdtemp(void);
void bt_tmp_setup(void);
void bt_tmp_teardown(void);
/* Removes path and everything below it, never following links. */
void bt_rmtree(const char *path);
/* Copies the regular files and folders below src into dst (created). */
int bt_copytree(const char *src, const char *dst);
/* 1 if both trees hold the same folders and byte-identical regular files, and nothing else. */
int bt_tree_equal(const char *a, const char *b);
/* Number of names below dir, recursively, links not followed; -1 on error. */
long bt_tree_count(const char *dir);
/* 1 if some name directly in dir starts with prefix. */
int bt_dir_has_prefix(const char *dir, const char *prefix);
/*
 * References rel from dir/assessment.xml (a supportingFile of its first element), so
 * that create packages a file a test adds. 0 or -1.
 */
int bt_add_reference(const char *dir, const char *rel);
/* Replaces the first occurrence of from in the file at path by to. 0, or -1 if absent. */
int bt_replace(const char *path, const char *from, const char *to);
/* A fixed instant from "YYYY-MM-DD" (aborts the test process on a typo: it is a constant). */
time_t bt_time(const char *date);

/* A minimal valid PDF (one catalog, no pages) and its length, for .pdf data objects. */
#define BT_MIN_PDF                                                                                 \
	"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n"                  \
	"<< /Type /Pages /Kids [] /Count 0 >>\nendobj\nxref\n0 3\n0000000000 65535 f \n"           \
	"0000000009 00000 n \n0000000058 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R >>\n"           \
	"startxref\n110\n%%EOF\n"
#define bt_min_pdf BT_MIN_PDF
#define bt_min_pdf_len (sizeof(BT_MIN_PDF) - 1)

/* ---- test PKI ---- */

X509 *bt_cert(const char *name);    /* <fixtures>/pki/<name>.pem */
EVP_PKEY *bt_key(const char *name); /* <fixtures>/pki/<name>.key, unencrypted */
STACK_OF(X509) * bt_chain(void);    /* <fixtures>/pki/chain.pem */
/* The expected subject string of a certificate (the library's RFC 2253 form); malloc'd. */
char *bt_subject(const char *name);
/* coco_signer_load of <name>.key/.pem with chain.pem at ctx's time; NULL on failure. */
struct coco_signer *bt_signer(struct coco_ctx *ctx, const char *name);
/*
 * A signer certificate made now, as the fixtures' director's is (the test signer-ca issues
 * it for the director's key: RSA, KU digitalSignature+nonRepudiation, EKU emailProtection,
 * 2026-01-01 .. 2036-01-01, serial 0x7E570000 + serial), with the subject entries given as
 * "TYPE=value" pairs in order, e.g. {"CN=Jane Director", "O=Rival Security Ltd",
 * "organizationIdentifier=NTRGB-99999999", NULL}. Written to dir/minted-<serial>.pem and
 * loaded with chain.pem at ctx's time; NULL on failure.
 */
struct coco_signer *bt_signer_minted(struct coco_ctx *ctx, const char *dir,
				     const char *const *subject, long serial);

/* ---- raw CMS ---- */

enum bt_flaw {
	BT_EMBED = 1u << 0,       /* content included: not detached */
	BT_TWO_SIGNERS = 1u << 1, /* a second SignerInfo (cert2/key2, or the same again) */
	BT_NOATTR = 1u << 2,      /* no signed attributes */
	BT_NOCADES = 1u << 3,     /* no ESS signing-certificate-v2 */
	BT_TWO_TIMES = 1u << 4,   /* signing-time twice (the second added after signing) */
	BT_NOCERTS = 1u << 5,     /* signer certificate not included */
	BT_ECONTENT = 1u << 6,    /* eContentType id-ct-TSTInfo instead of id-data */
	BT_BADSIG = 1u << 7,      /* one byte of the signature value flipped */
	BT_TRAILING = 1u << 8,    /* garbage after the DER */
};

struct bt_sign {
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) * chain; /* may be NULL */
	const EVP_MD *md;       /* NULL: SHA-256 (SHA-512 for Ed25519) */
	time_t signing_time;    /* added explicitly so OpenSSL never reads the clock */
	unsigned flaws;         /* enum bt_flaw bits */
	X509 *cert2;            /* for BT_TWO_SIGNERS; NULL: cert */
	EVP_PKEY *key2;
};

/* Signs data detached (unless a flaw says otherwise); *der is malloc'd. 0 or -1. */
int bt_cms_sign(const struct bt_sign *o, const unsigned char *data, size_t len, unsigned char **der,
		size_t *der_len);

/* ---- zips and bundles ---- */

struct bt_part {
	const char *name;
	const unsigned char *data;
	size_t len;
	int deflate;
};

/* An owned list of parts (names and data malloc'd). */
struct bt_parts {
	struct bt_part *p;
	size_t n;
};

/* Writes a canonical zip with the library's writer: mimetype first, then parts in order
 * (a part named "mimetype" is skipped: the writer adds it). 0 or -1. */
int bt_zip_write(struct coco_ctx *ctx, const char *path, const struct bt_part *parts, size_t n);
/* Reads every entry of a zip (with libzip) into l. 0 or -1. */
int bt_zip_read(const char *path, struct bt_parts *l);
/* Appends a copy of name/data to l. 0 or -1. */
int bt_parts_add(struct bt_parts *l, const char *name, const void *data, size_t len);
/* Removes the entry called name; 0 if it was there. */
int bt_parts_remove(struct bt_parts *l, const char *name);
/* The part called name, or NULL. */
struct bt_part *bt_parts_find(struct bt_parts *l, const char *name);
void bt_parts_free(struct bt_parts *l);

struct bt_loc {
	size_t local_off, data_off, csize, central_off;
	unsigned method;
};
/* Finds name in a zip image through its central directory. 0 or -1. */
int bt_zip_locate(const unsigned char *zip, size_t len, const char *name, struct bt_loc *loc);
/* Flips a byte of a stored entry's data and rewrites its CRC in both headers. 0 or -1. */
int bt_zip_flip_stored(unsigned char *zip, size_t len, const char *name, size_t at);

/*
 * A manifest over data parts: refs[i] names data[i] with the digest algorithm algs[i]
 * (an index into coco_digest_algs; algs NULL means coco_manifest_build's SHA-256).
 * malloc'd; NULL on failure.
 */
char *bt_manifest(const char *sigref, const struct bt_part *data, size_t n, const int *algs,
		  size_t *len);

struct bt_bundle {
	const struct bt_part *data; /* data objects written to the zip */
	size_t n;
	const struct bt_part *refs; /* what the manifest lists; NULL: data */
	size_t nrefs;
	const int *algs;             /* per ref, see bt_manifest */
	const char *sigref;          /* NULL: BT_SIGNATURE */
	const char *sig_entry;       /* NULL: BT_SIGNATURE; "" leaves the signature out */
	const char *manifest_entry;  /* NULL: BT_MANIFEST; "" leaves the manifest out */
	const struct bt_part *extra; /* written after the signature */
	size_t nextra;
	const struct coco_signer *signer; /* signs with coco_cms_sign */
};

/* Builds, signs and writes a bundle. 0 or -1 (message in ctx where the library set one). */
int bt_bundle_write(struct coco_ctx *ctx, const char *path, const struct bt_bundle *b);

/* ---- reports ---- */

/* The first finding with id and, if subject is not NULL, that subject; or NULL. */
const struct coco_finding *bt_find(const struct coco_report *r, const char *id,
				   const char *subject);
/* The first finding with id, status and subject (NULL: any); or NULL. */
const struct coco_finding *bt_find_status(const struct coco_report *r, const char *id,
					  enum coco_status status, const char *subject);
/* Number of findings with this status. */
size_t bt_count_status(const struct coco_report *r, enum coco_status status);
/* Number of findings with this id and status, counting those a summary stands for. */
size_t bt_count_findings(const struct coco_report *r, const char *id, enum coco_status status);
/* The report as text, for failure messages; malloc'd (never NULL). */
char *bt_dump(const struct coco_report *r);
/* The index of the first finding whose cause is not what its id says (COCO_CAUSE_EXPIRY
 * exactly for signer.expired, evidence.expired, and evidence.baseline failing beside an
 * evidence.expired; COCO_CAUSE_REVOKED_LATER for the signer.revocation info that a
 * signature stands; COCO_CAUSE_STATEMENT for assessment.statement_read), or SIZE_MAX when
 * every one agrees. */
size_t bt_cause_mismatch(const struct coco_report *r);
#define bt_check_causes(r)                                                                         \
	ck_assert_msg(bt_cause_mismatch(r) == SIZE_MAX, "finding %zu has the wrong cause:\n%s",    \
		      bt_cause_mismatch(r), bt_dump(r))

/* ---- a growing byte string, always NUL-terminated (aborts when memory runs out) ---- */

struct bt_sb {
	char *p;
	size_t n, cap;
};

void bt_sb_add(struct bt_sb *b, const void *p, size_t n);
void bt_sb_str(struct bt_sb *b, const char *s);
/* printf onto b (at most 511 bytes at a time; aborts past that). */
void bt_sb_fmt(struct bt_sb *b, const char *fmt, ...) BT_PRINTF(2, 3);

#endif /* COCO_TEST_BUNDLETOOL_H */
