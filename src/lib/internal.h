/*
 * Internal declarations shared by the library's modules: the context, error helpers,
 * the limits that bound every parser, and small utilities. Nothing here is public.
 */
#ifndef COCO_INTERNAL_H
#define COCO_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>

#include <openssl/x509.h>

#include "coco/coco.h"

/*
 * Resource limits. docs/SECURITY.md lists every one, with the tests on both sides of it
 * (tests/unit/check_limits.c and the modules' suites).
 */
#define COCO_MAX_ENTRIES 10000u
#define COCO_MAX_NAME_LEN 1024u
#define COCO_MAX_ENTRY_SIZE (4ull << 30) /* uncompressed, one entry */
#define COCO_MAX_TOTAL_SIZE (8ull << 30) /* uncompressed, all entries */
#define COCO_MAX_RATIO 200u              /* uncompressed / compressed */
#define COCO_RATIO_FLOOR (1ull << 20)    /* entries below this skip the ratio rule */
/* All entries together inflate to at most COCO_MAX_TOTAL_RATIO times the bundle's size plus
 * COCO_TOTAL_FLOOR: each entry just under COCO_MAX_RATIO would make a 23 MB bundle inflate
 * 4 GB (7 s to verify). Bundles of PDFs and XML come nowhere near it. */
#define COCO_MAX_TOTAL_RATIO 8u
#define COCO_TOTAL_FLOOR (256ull << 20)
#define COCO_MAX_CD_SIZE (16ull << 20)     /* the central directory */
#define COCO_MAX_BUNDLE_SIZE 0xFFFFFFFEull /* what the writer makes: no zip64 */
#define COCO_MAX_META_SIZE (1u << 20)      /* a manifest, signature, assessment or decision */
#define COCO_MAX_MANIFESTS 64u
/* All manifests together, held in memory while verifying: 64 of 1 MiB held 64 MiB (and their
 * references' findings 228 MB of RSS); 10,000 references take about 2 MB. */
#define COCO_MAX_MANIFEST_TOTAL (8u << 20)
#define COCO_MAX_CERTS 32u                  /* certificates carried in one CMS */
#define COCO_MAX_CHAIN_DEPTH 8              /* intermediate CAs between a signer and its anchor */
#define COCO_MAX_TRUST_FILE (16u << 20)     /* one anchor, CRL, policy, bodies or register file */
#define COCO_MAX_TRUST_TOTAL (256ull << 20) /* all the trust directory's files together */
#define COCO_MAX_TRUST_FILES 1024u          /* files in one trust folder */
#define COCO_MAX_ANCHORS 1024u              /* certificates in one anchor folder */
#define COCO_MAX_CRLS 1024u                 /* CRLs in crl/ */
#define COCO_MAX_REGISTER_ROWS 1000000u     /* rows in all register snapshots */
#define COCO_MAX_FOLDER_DEPTH 32            /* nested folders create walks into */
#define COCO_MAX_COMMENT 4096u              /* a sign-off comment, bytes */
#define COCO_MAX_PASS 1024                  /* a pass-phrase, bytes (OpenSSL's PEM_BUFSIZE) */
#define COCO_IO_CHUNK (1u << 20)            /* streaming buffer */

/*
 * The limits that are too large to reach cheaply in a test, held by the context so that
 * the unit tests can scale them down and still run the code production runs.
 * coco_ctx_new sets them to the constants above; only tests change them.
 */
struct coco_limits {
	size_t entries;       /* COCO_MAX_ENTRIES: read, written, and walked by create (less 3) */
	size_t meta_size;     /* COCO_MAX_META_SIZE: read by verify, written by create and
				 countersign */
	uint64_t entry_size;  /* COCO_MAX_ENTRY_SIZE: read and written */
	uint64_t cd_size;     /* COCO_MAX_CD_SIZE */
	uint64_t bundle_size; /* COCO_MAX_BUNDLE_SIZE */
	uint64_t trust_total; /* COCO_MAX_TRUST_TOTAL */
	size_t trust_files;   /* COCO_MAX_TRUST_FILES */
	size_t register_rows; /* COCO_MAX_REGISTER_ROWS */
};

#define COCO_MIMETYPE "application/vnd.etsi.asic-e+zip"
#define COCO_NS_ASIC "http://uri.etsi.org/02918/v1.2.1#"
#define COCO_NS_DS "http://www.w3.org/2000/09/xmldsig#"

/* The trust directory's anchor folders: each is its own store, all with crl/'s CRLs. */
enum coco_anchor_set {
	COCO_ANCHORS_SIGNERS, /* signers/: applicants' signatures */
	COCO_ANCHORS_BODIES,  /* bodies/: certification bodies' PDF signatures */
	COCO_ANCHORS_SIRO,    /* siro/: SIA's sign-off signatures */
	COCO_ANCHORS_TSA,     /* tsa/: time-stamping authorities (RFC 3161 tokens) */
	COCO_N_ANCHOR_SETS
};

/* Where verify's reading of a bundle has got to, for the read hook. */
enum coco_read_point {
	COCO_READ_META,   /* the manifests are read; the streaming pass has not begun */
	COCO_READ_PASSED, /* the streaming pass is over; no entry has been read since */
};
typedef void (*coco_read_cb)(void *arg, enum coco_read_point at, const char *path);

struct coco_ctx {
	time_t at;
	int at_set;
	X509_STORE *stores[COCO_N_ANCHOR_SETS]; /* anchors + CRLs; NULL until trust is loaded */
	size_t n_anchors[COCO_N_ANCHOR_SETS];
	size_t n_crls;
	unsigned options;      /* COCO_OPT_* */
	void *manifest_schema; /* xmlSchemaPtr, compiled on first use */
	void *assessment_schema;
	void *assessment_schema2; /* coco-assessment-2.xsd */
	void *policy_schema;
	void *bodies_schema;
	void *signoff_schema;
	struct coco_policy *policy; /* from the trust directory, or the default on first use */
	coco_progress_cb progress;
	void *progress_arg;
	/* while set (one check at a time: bundle/archive_ts.c), tokens' TSA chains are judged
	 * at ts_at, a time an archive timestamp proved, not at the verification time */
	time_t ts_at;
	int ts_at_set;
	coco_tsa_fn tsa; /* coco_ctx_set_tsa: create and countersign timestamp their signature */
	void *tsa_arg;
	struct coco_limits limits;
	uint64_t trust_bytes; /* read by the trust load in progress */
	coco_phase_cb phase;  /* the write-phase hook, for crash tests */
	void *phase_arg;
	coco_read_cb read_hook; /* a test seam: see coco_ctx_set_read_hook */
	void *read_arg;
	char err[1024];
};

/* The context's limits, for tests to scale down (never called by the library or CLI). */
struct coco_limits *coco_ctx_limits(struct coco_ctx *ctx);

/*
 * A test seam, never set by the library or CLI: cb(arg, at, path) is called as verify
 * (and so extract and countersign) reaches each point, so that a test can rewrite the
 * bundle in between, as a writer racing the verification would.
 */
void coco_ctx_set_read_hook(struct coco_ctx *ctx, coco_read_cb cb, void *arg);

/* Reports progress if the caller asked for it. */
void coco_progress(const struct coco_ctx *ctx, uint64_t done, uint64_t total);
/* Tells the write-phase hook, if any, that the output at path reached phase. */
void coco_phase(const struct coco_ctx *ctx, enum coco_phase phase, const char *path, uint64_t n);

#if defined(__GNUC__)
#define COCO_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define COCO_PRINTF(a, b)
#endif

/*
 * True if a deflated entry of usize bytes from csize is past COCO_MAX_RATIO: more than
 * 200 times csize, for entries over COCO_RATIO_FLOOR. The reader refuses such an entry and
 * the writer stores it instead, so that both draw the line in the same place.
 */
int coco_ratio_over(uint64_t usize, uint64_t csize);
/* 1 if entries inflating to usize_total in all are too many for a bundle of file_size bytes
 * (COCO_MAX_TOTAL_RATIO, COCO_TOTAL_FLOOR); shared by the reader and the writer. */
int coco_total_over(uint64_t usize_total, uint64_t file_size);

/* Records a one-line message in ctx and returns err, so callers can `return seterr(...)`. */
enum coco_err coco_seterr(struct coco_ctx *ctx, enum coco_err err, const char *fmt, ...)
    COCO_PRINTF(3, 4);
/* As coco_seterr, appending ": <first OpenSSL error reason>" and draining the queue. */
enum coco_err coco_seterr_ssl(struct coco_ctx *ctx, enum coco_err err, const char *fmt, ...)
    COCO_PRINTF(3, 4);
/* Writes the most relevant queued OpenSSL reason into buf and clears the queue. */
void coco_ssl_reason(char *buf, size_t size);

/* malloc'd printf; NULL on failure. */
char *coco_asprintf(const char *fmt, ...) COCO_PRINTF(1, 2);
char *coco_vasprintf(const char *fmt, va_list ap) COCO_PRINTF(1, 0);
char *coco_strndup(const char *s, size_t n);

/* Length of the valid UTF-8 sequence at s (at most n bytes); 0 if invalid or overlong. */
size_t coco_utf8_seq(const unsigned char *s, size_t n);
/* True if the valid sequence of n bytes at p is unsafe to show: a C1 control, a
 * bidirectional embedding, override, isolate or mark (U+202A..U+202E, U+2066..U+2069,
 * U+200E, U+200F, U+061C), a line or paragraph separator (U+2028, U+2029), or
 * U+FFFE/U+FFFF (not allowed in XML 1.0). */
int coco_utf8_unsafe(const unsigned char *p, size_t n);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void coco_hex(const unsigned char *in, size_t n, char *out);

/* Strict base64 (RFC 4648, whitespace allowed between groups). Returns decoded length or -1. */
long coco_base64_decode(const char *in, size_t in_len, unsigned char *out, size_t out_size);
/* Base64 of n bytes, NUL-terminated, malloc'd. */
char *coco_base64_encode(const unsigned char *in, size_t n);

/* ASN1_TIME to time_t; 0 on success. */
int coco_asn1_time_to_time(const ASN1_TIME *t, time_t *out);

/* RFC 2253 one-line name; malloc'd, NULL on failure. */
char *coco_name_oneline(const X509_NAME *name);

/*
 * Checks a zip entry name (also used for files that create packages). Returns NULL if
 * the name is safe, else a static reason. is_dir is set when the name ends in '/'.
 */
const char *coco_name_problem(const char *name, size_t len, int *is_dir);

/*
 * The atomic-write protocol (coco.h, "Write phases"). coco_tmp_open creates the temporary
 * file ".coco-tmp-NAME.XXXXXX" beside path (*tmp_out malloc'd, *fd_out open for writing)
 * or returns an error naming path. coco_tmp_commit syncs and closes fd, opens path's
 * folder, renames tmp over path and syncs the folder, telling the phase hook at each step;
 * it frees tmp, and unlinks it on failure. Every failure before the rename leaves path
 * untouched; only a failed sync of the folder comes after it (reported, with path
 * already replaced). coco_tmp_abort closes fd, unlinks and frees tmp, for error paths.
 */
enum coco_err coco_tmp_open(struct coco_ctx *ctx, const char *path, char **tmp_out, int *fd_out);
enum coco_err coco_tmp_commit(struct coco_ctx *ctx, int fd, char *tmp, const char *path);
void coco_tmp_abort(int fd, char *tmp);
/*
 * The same for a folder: coco_tmpdir_open makes ".coco-tmp-NAME.XXXXXX" beside path
 * (*tmp_out malloc'd). The caller fills it and syncs what it put inside; then
 * coco_tmpdir_commit syncs the folder, renames it to path, which must not exist
 * (COCO_ERR_EXISTS, even for an empty folder), and syncs path's folder. Once renamed,
 * *tmp_io is freed and set to NULL, even if that last sync fails; while it is not NULL
 * the caller removes the folder and what it holds.
 */
enum coco_err coco_tmpdir_open(struct coco_ctx *ctx, const char *path, char **tmp_out);
enum coco_err coco_tmpdir_commit(struct coco_ctx *ctx, char **tmp_io, const char *path);
/*
 * Creates the missing folders that hold path (not path itself), as mkdir -p does, each
 * 0755 less the umask; existing ones may be links to folders. *made is how many it made,
 * the innermost ones, for coco_parents_undo; on failure it made none (it undid them) and
 * the error names the folder it could not make. (output.c)
 */
enum coco_err coco_parents_make(struct coco_ctx *ctx, const char *path, size_t *made);
/* Removes the made innermost folders that hold path, each only if empty. */
void coco_parents_undo(const char *path, size_t made);
/* fsync of the folder at path (a file system that cannot sync folders is not an error). */
enum coco_err coco_sync_folder(struct coco_ctx *ctx, const char *path);
/*
 * Writes a new file atomically and never over an existing one: temporary file, fsync,
 * link(2) to path (COCO_ERR_EXISTS if path exists), unlink of the temporary name, fsync
 * of the folder.
 */
enum coco_err coco_write_file_new(struct coco_ctx *ctx, const char *path, const void *data,
				  size_t len);
/* pread exactly n bytes at off; 0, or -1 with errno (EIO for a short file). */
int coco_pread_all(int fd, void *buf, size_t n, uint64_t off);
/* write() all of buf, retrying on EINTR and short writes; 0 or -1. */
int coco_write_all(int fd, const void *buf, size_t len);

/*
 * Reads a regular file (links not followed) of at most limit bytes into a malloc'd,
 * NUL-terminated buffer. Errors name the file.
 */
enum coco_err coco_file_read(struct coco_ctx *ctx, const char *path, size_t limit,
			     unsigned char **out, size_t *out_len);

/*
 * Reads a file of the trust directory (trust.c): at most COCO_MAX_TRUST_FILE bytes, and
 * counted against the whole directory's limit (COCO_ERR_LIMIT past either).
 */
enum coco_err coco_trust_file_read(struct coco_ctx *ctx, const char *path, unsigned char **out,
				   size_t *out_len);

/*
 * Calendar days (text.c): whole days since 1970-01-01 UTC. coco_date_parse accepts
 * exactly YYYY-MM-DD with a real calendar date (0, or -1). coco_date_format writes
 * YYYY-MM-DD. coco_date_add_months clamps to the month's end (01-31 + 1 month = 02-28).
 */
long coco_days_from_civil(long y, unsigned m, unsigned d);
void coco_civil_from_days(long z, long *y, unsigned *m, unsigned *d);
int coco_date_parse(const char *s, long *days);
char *coco_date_format(long days, char buf[16]);
long coco_day_of(time_t t);
long coco_date_add_months(long days, unsigned months);

/*
 * Text normalisation (text.c), malloc'd, NULL on allocation failure. coco_norm_words
 * lowercases ASCII, turns '&' into "and" and every run of other punctuation or space into
 * one space. coco_norm_org also folds Limited/Ltd and PLC forms, for company names.
 * coco_words_contain: needle occurs in hay on word boundaries (both normalised).
 */
char *coco_norm_words(const char *s);
char *coco_norm_org(const char *s);
int coco_words_contain(const char *hay, const char *needle);
/* Trims ASCII white space at both ends of s, in place; returns s (NULL stays NULL). */
char *coco_trim(char *s);

#endif /* COCO_INTERNAL_H */
