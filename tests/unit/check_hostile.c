/*
 * The hostile corpus (issue 6): each case builds one hostile bundle (or trust directory)
 * at test time, from the sample applicant signed by the test director, changed in
 * exactly one way, and runs the real program on it as a child process:
 *
 *     coco-bundle verify BUNDLE --trust TRUST --at 2027-06-01T00:00:00Z --format json
 *
 * It asserts the exit status (1 FAILED, 3 INDETERMINATE, 2 when the program could not run),
 * the exact finding id with its status in the JSON report (or, for exit 2, the exact
 * one-line message on stderr), that the verdict is not PASSED, and the bounds: the run
 * ends within 2 s of wall time and 64 MB of peak RSS. A baseline case, the same bundle
 * unchanged, must pass within the same bounds, so every failure is the change's.
 *
 * How the bounds are measured: the test re-executes its own binary as a small launcher
 * ("--measure"), which forks and executes coco-bundle, takes CLOCK_MONOTONIC around
 * fork to wait4, and reports wait4's ru_maxrss. The launcher is a fresh process image, so
 * the child's peak RSS does not include the test process's memory (Linux keeps the peak of
 * the image a process replaces: a child forked straight from the test would count the
 * test's own pages). The launcher kills a run that exceeds HX_KILL_S (a hang fails).
 *
 * In the sanitizer build (SAN=1 defines COCO_TEST_SAN) ASan's shadow memory makes RSS
 * meaningless and everything runs several times slower: the wall bound is 20 s and RSS
 * is not bounded there; every other assertion is the same. COCO (the absolute path of the
 * binary) and COCO_FIXTURES come from the Makefile. Each case prints one line to stderr:
 * name, exit status, wall and CPU milliseconds, peak RSS in KB and the finding's message.
 * The suite shares a small machine with the rest of `make check`: a wall time over the
 * bound while the run's CPU time is under half of it is measured again, and the second
 * run is judged (a run that is slow by itself is not retried).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <zlib.h>

#include "bundletool.h"
#include "pdf/pdf.h"
#include "suites.h"
#include "ziptool.h"

#define HX_AT "2027-06-01T00:00:00Z"     /* verification time */
#define HX_SIGNED "2027-01-01T09:00:00Z" /* signing time of every bundle */
#define HX_KILL_S 120                    /* the launcher kills a run after this long */
#ifdef COCO_TEST_SAN
#define HX_WALL_MS 20000 /* ASan and UBSan: several times slower */
#define HX_RSS_KB 0      /* shadow memory: not bounded */
#else
#define HX_WALL_MS 2000
#define HX_RSS_KB (64 * 1024)
#endif
#define MIME "application/vnd.etsi.asic-e+zip"
#define POLICY_PDF "policies/acceptable-use-policy.pdf" /* the data file PDF cases replace */

/* ---- the launcher --------------------------------------------------------------------- */

static pid_t launched;

static void on_alarm(int sig)
{
	(void)sig;
	if (launched > 0)
		kill(launched, SIGKILL);
}

/*
 * check_coco --measure RESULT PROGRAM ARGS...: runs PROGRAM (stdout and stderr inherited)
 * and writes "status wall_ns maxrss_kb cpu_us" to RESULT, status being the exit code, or
 * 128 + the signal that ended it, cpu_us the user and system time.
 */
int hostile_measure(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int st = 0, code;
	FILE *f;

	if (argc < 2)
		return 2;
	signal(SIGALRM, on_alarm);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((launched = fork()) < 0)
		return 2;
	if (launched == 0) {
		execv(argv[1], &argv[1]);
		_exit(127);
	}
	alarm(HX_KILL_S);
	while (wait4(launched, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return 2;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if ((f = fopen(argv[0], "w")) == NULL)
		return 2;
	fprintf(f, "%d %lld %ld %lld\n", code,
		(long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec),
		ru.ru_maxrss,
		(long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
		    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return fclose(f) == 0 ? 0 : 2;
}

/* ---- one case's state ------------------------------------------------------------------ */

struct hx {
	char *dir;    /* this case's folder */
	char *bundle; /* dir/b.coco, what the builder writes */
	char *trust;  /* the trust directory (absolute): fixtures/trust, or a copy the case made */
	struct coco_ctx *ctx;
	struct coco_signer *signer;
	struct bt_parts data; /* the sample's data files, in bundle order */
};

static const char *const sample[] = {"assessment.xml", "evidence/cyber-essentials-plus.pdf",
				     POLICY_PDF, "policies/information-security-policy.pdf"};
#define N_SAMPLE (sizeof(sample) / sizeof(sample[0]))

static void hx_setup(struct hx *h)
{
	char *t = bt_fixture("trust");
	size_t i;

	memset(h, 0, sizeof(*h));
	ck_assert_ptr_nonnull(h->dir = bt_mkdtemp());
	h->bundle = bt_fmt("%s/b.coco", h->dir);
	ck_assert_ptr_nonnull(h->trust = realpath(t, NULL));
	ck_assert_int_eq(coco_ctx_new(&h->ctx), COCO_OK);
	coco_ctx_set_time(h->ctx, bt_time(HX_SIGNED));
	ck_assert_ptr_nonnull(h->signer = bt_signer(h->ctx, "director"));
	for (i = 0; i < N_SAMPLE; i++) {
		char *path = bt_fixture("example/%s", sample[i]);
		unsigned char *p = NULL;
		size_t len = 0;

		ck_assert_int_eq(bt_read(path, &p, &len), 0);
		ck_assert_int_eq(bt_parts_add(&h->data, sample[i], p, len), 0);
		h->data.p[i].deflate = strcmp(sample[i], "assessment.xml") == 0;
		free(p);
		free(path);
	}
	free(t);
}

static void hx_teardown(struct hx *h)
{
	bt_parts_free(&h->data);
	coco_signer_free(h->signer);
	coco_ctx_free(h->ctx);
	bt_rmtree(h->dir);
	free(h->dir);
	free(h->bundle);
	free(h->trust);
}

/* ---- building bundles ------------------------------------------------------------------ */

/* How a case departs from the sample bundle (zero: the sample, as create writes it). */
struct spec {
	const struct bt_parts *data; /* NULL: h->data */
	const char *man;             /* the manifest's bytes; NULL: built over the data */
	size_t mlen;
	unsigned flaws;           /* enum bt_flaw: signed by raw OpenSSL calls with these flaws */
	const unsigned char *sig; /* the signature's bytes as they are; NULL: signed */
	size_t slen;
	X509 *cert; /* with flaws or sig unset: a raw signer, its key and chain (else director) */
	EVP_PKEY *key;
	STACK_OF(X509) * chain;
	const EVP_MD *md; /* the raw signer's digest (NULL: SHA-256) */
	X509 *cert2;      /* with BT_TWO_SIGNERS: the second signer */
	EVP_PKEY *key2;
};

/* Signs man as sp says; *sig is OPENSSL_malloc'd or malloc'd: free with free_sig. */
static int sign(struct hx *h, const struct spec *sp, const char *man, size_t mlen,
		unsigned char **sig, size_t *slen, int *raw)
{
	struct bt_sign o;
	int rc;

	*raw = sp->flaws != 0 || sp->cert != NULL || sp->md != NULL;
	if (!*raw)
		return coco_cms_sign(h->ctx, h->signer, (const unsigned char *)man, mlen, sig,
				     slen) == COCO_OK
			   ? 0
			   : -1;
	memset(&o, 0, sizeof(o));
	o.cert = sp->cert ? sp->cert : bt_cert("director");
	o.key = sp->key ? sp->key : bt_key("director");
	o.chain = sp->cert ? sp->chain : bt_chain();
	o.signing_time = bt_time(HX_SIGNED);
	o.flaws = sp->flaws;
	o.md = sp->md;
	o.cert2 = sp->cert2;
	o.key2 = sp->key2;
	rc = bt_cms_sign(&o, (const unsigned char *)man, mlen, sig, slen);
	if (sp->cert == NULL) {
		X509_free(o.cert);
		EVP_PKEY_free(o.key);
		sk_X509_pop_free(o.chain, X509_free);
	}
	return rc;
}

/* The bundle's entries after the mimetype: data, manifest, signature (copies, in l). */
static int bundle_parts(struct hx *h, const struct spec *sp, struct bt_parts *l)
{
	const struct bt_parts *data = sp->data ? sp->data : &h->data;
	unsigned char *sig = NULL;
	size_t slen = 0, mlen = sp->mlen, i;
	char *man = NULL;
	int raw = 0, rc = -1;

	memset(l, 0, sizeof(*l));
	if (sp->man == NULL &&
	    (man = bt_manifest(BT_SIGNATURE, data->p, data->n, NULL, &mlen)) == NULL)
		return -1;
	if (sp->sig == NULL && sign(h, sp, sp->man ? sp->man : man, mlen, &sig, &slen, &raw) != 0)
		goto out;
	for (i = 0; i < data->n; i++)
		if (bt_parts_add(l, data->p[i].name, data->p[i].data, data->p[i].len) != 0)
			goto out;
		else
			l->p[l->n - 1].deflate = data->p[i].deflate;
	if (bt_parts_add(l, BT_MANIFEST, sp->man ? sp->man : man, mlen) != 0 ||
	    bt_parts_add(l, BT_SIGNATURE, sp->sig ? sp->sig : sig, sp->sig ? sp->slen : slen) != 0)
		goto out;
	l->p[l->n - 2].deflate = 1;
	rc = 0;
out:
	if (raw)
		free(sig);
	else
		OPENSSL_free(sig);
	free(man);
	if (rc != 0)
		bt_parts_free(l);
	return rc;
}

/* Writes the bundle sp describes with the library's canonical writer. */
static int write_spec(struct hx *h, const struct spec *sp)
{
	struct bt_parts l;
	int rc;

	if (bundle_parts(h, sp, &l) != 0)
		return -1;
	rc = bt_zip_write(h->ctx, h->bundle, l.p, l.n);
	bt_parts_free(&l);
	return rc;
}

static int b_baseline(struct hx *h)
{
	struct spec sp = {0};

	return write_spec(h, &sp);
}

/* A copy of the sample's data with entry name's content replaced. */
static int data_with(struct hx *h, struct bt_parts *d, const char *name, const void *p, size_t len)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < h->data.n; i++) {
		int mine = strcmp(h->data.p[i].name, name) == 0;
		if (bt_parts_add(d, h->data.p[i].name, mine ? p : h->data.p[i].data,
				 mine ? len : h->data.p[i].len) != 0) {
			bt_parts_free(d);
			return -1;
		}
		d->p[i].deflate = h->data.p[i].deflate;
	}
	return 0;
}

/* The sample with one data file's content replaced (then signed as usual). */
static int write_with(struct hx *h, const char *name, const void *p, size_t len, int deflate)
{
	struct bt_parts d;
	struct spec sp = {0};
	int rc;

	if (data_with(h, &d, name, p, len) != 0)
		return -1;
	bt_parts_find(&d, name)->deflate = deflate;
	sp.data = &d;
	rc = write_spec(h, &sp);
	bt_parts_free(&d);
	return rc;
}

typedef int (*builder)(struct hx *h);

struct hcase {
	const char *name; /* short, for the summary line */
	builder build;
	int exit;       /* expected exit status */
	const char *id; /* exit 0, 1, 3: this finding, with status */
	const char *status;
	const char *subject; /* its subject as the JSON writes it (NULL: any) */
	const char *msg;     /* a part of its message (NULL: any) */
	const char *error; /* exit 2: the whole stderr after "coco-bundle: ", %T the trust folder */
};

/* ---- container: raw zips made by ziptool from the sample's entries --------------------- */

/* The sample bundle as ziptool entries: the mimetype stored first, then l (XML deflated). */
static void zt_from(struct zt_archive *z, const struct bt_parts *l)
{
	size_t i;

	memset(z, 0, sizeof(*z));
	z->e[0].name = "mimetype";
	z->e[0].data = MIME;
	z->e[0].len = strlen(MIME);
	for (i = 0; i < l->n; i++) {
		struct zt_entry *e = &z->e[i + 1];
		e->name = l->p[i].name;
		e->data = l->p[i].data;
		e->len = l->p[i].len;
		if (l->p[i].deflate)
			e->deflate = 1, e->method = 8;
	}
	z->n = l->n + 1;
}

/* Entries of zt_from: the mimetype, the four data files, the manifest, the signature. */
enum { Z_MIME, Z_ASSESS, Z_CEP, Z_AUP, Z_ISP, Z_MAN, Z_SIG, Z_N };

typedef void (*zmut)(struct zt_archive *z, void **owned);
typedef void (*zpatch)(unsigned char **p, size_t *len, const struct zt_layout *lay);

/* The signed sample as ziptool writes it, changed by mut (and its bytes by patch). */
static int write_zip(struct hx *h, zmut mut, zpatch patch)
{
	struct spec sp = {0};
	struct bt_parts l;
	struct zt_archive z;
	struct zt_layout lay;
	unsigned char *p = NULL;
	size_t len = 0;
	void *owned = NULL;
	int rc = -1;

	if (bundle_parts(h, &sp, &l) != 0)
		return -1;
	zt_from(&z, &l);
	if (mut != NULL)
		mut(&z, &owned);
	if (zt_build(&z, &p, &len, &lay) == 0) {
		if (patch != NULL)
			patch(&p, &len, &lay);
		rc = p != NULL ? bt_write(h->bundle, p, len) : -1;
	}
	free(p);
	free(owned);
	bt_parts_free(&l);
	return rc;
}

#define ZIP(fn, body)                                                                              \
	static void fn##_m(struct zt_archive *z, void **owned)                                     \
	{                                                                                          \
		(void)owned;                                                                       \
		body;                                                                              \
	}                                                                                          \
	static int fn(struct hx *h)                                                                \
	{                                                                                          \
		return write_zip(h, fn##_m, NULL);                                                 \
	}

#define UNIX_MODE(e, mode)                                                                         \
	((e)->set |= ZT_MADE_BY | ZT_EXT_ATTR, (e)->made_by = 0x031E,                              \
	 (e)->ext_attr = (uint32_t)(mode) << 16)

static void add_entry(struct zt_archive *z, const char *name, const void *data, size_t len)
{
	memset(&z->e[z->n], 0, sizeof(z->e[z->n]));
	z->e[z->n].name = name;
	z->e[z->n].data = data;
	z->e[z->n].len = len;
	z->n++;
}

ZIP(b_zip_baseline, (void)z)
ZIP(b_zip_prefix, z->prefix = "MZ\x90\0prefix bytes"; z->prefix_len = 16)
ZIP(b_zip_gap, z->e[Z_AUP].gap_before = 7)
ZIP(b_zip_overlap, add_entry(z, "policies/copy.pdf", NULL, 0); z->e[z->n - 1].alias_of = Z_AUP + 1)
ZIP(b_zip_deflate_tail, z->e[Z_ASSESS].tail = "JUNK"; z->e[Z_ASSESS].tail_len = 4)
ZIP(b_zip_deflate_cut, z->e[Z_ASSESS].cut = 3)
ZIP(b_zip_crc, z->e[Z_AUP].set |= ZT_CRC; z->e[Z_AUP].crc = 0x12345678u)
ZIP(b_zip_size_lie, z->e[Z_ASSESS].set |= ZT_USIZE; z->e[Z_ASSESS].usize = 100)
ZIP(b_zip_zip64_overflow, z->zip64 = 1; z->e[Z_AUP].zip64 = 1; z->e[Z_AUP].set |= ZT_USIZE;
    z->e[Z_AUP].usize = 0xFFFFFFFFFFFFFFF0ull)
ZIP(b_zip_case_collision,
    add_entry(z, "Policies/Acceptable-Use-Policy.pdf", z->e[Z_AUP].data, z->e[Z_AUP].len))
/* café twice, composed (U+00E9) and decomposed (e, U+0301): one file on macOS and Windows,
 * where the second extracted replaces the first (review of issue 13, F5). */
ZIP(b_zip_nfd_collision,
    add_entry(z, "evidence/caf\xc3\xa9.pdf", z->e[Z_AUP].data, z->e[Z_AUP].len);
    z->e[z->n - 1].flags = 0x0800;
    add_entry(z, "evidence/cafe\xcc\x81.pdf", z->e[Z_ISP].data, z->e[Z_ISP].len);
    z->e[z->n - 1].flags = 0x0800)
ZIP(b_zip_duplicate, add_entry(z, "assessment.xml", z->e[Z_ASSESS].data, z->e[Z_ASSESS].len);
    z->e[z->n - 1].deflate = 1; z->e[z->n - 1].method = 8)
ZIP(b_zip_symlink, UNIX_MODE(&z->e[Z_AUP], 0120777))
ZIP(b_zip_encrypted, z->e[Z_AUP].flags = 0x0001)
ZIP(b_zip_method, z->e[Z_AUP].method = 12)
ZIP(b_zip_comment, z->comment = "signed by me"; z->comment_len = 12)
ZIP(b_zip_trailer, z->trailer = "appended after the end record"; z->trailer_len = 29)
ZIP(b_zip_mime_second, struct zt_entry t = z->e[Z_MIME]; z->e[Z_MIME] = z->e[Z_ASSESS];
    z->e[Z_ASSESS] = t)
ZIP(b_zip_mime_deflated, z->e[Z_MIME].deflate = 1; z->e[Z_MIME].method = 8)
ZIP(b_zip_local_name, z->e[Z_AUP].lname = "policies/other-policy.pdf")
ZIP(b_zip_count, z->set |= ZT_A_COUNT; z->count = 50000)
ZIP(b_name_nul, z->e[Z_AUP].name = "policies/a.pdf\0.xml"; z->e[Z_AUP].name_len = 19)
ZIP(b_name_overlong, z->e[Z_AUP].name = "policies/\xc0\xaf.pdf"; z->e[Z_AUP].flags = 0x0800)
ZIP(b_name_bad_utf8, z->e[Z_AUP].name = "policies/\xff.pdf"; z->e[Z_AUP].flags = 0x0800)
ZIP(b_name_dotdot, z->e[Z_AUP].name = "../../etc/cron.d/evil")
ZIP(b_name_absolute, z->e[Z_AUP].name = "/etc/cron.d/evil")
ZIP(b_name_backslash, z->e[Z_AUP].name = "policies\\..\\..\\evil.pdf")

/* 50 MiB of zeros deflated to about 50 KB: a ratio of 1000:1. */
static void zip_bomb_m(struct zt_archive *z, void **owned)
{
	struct zt_entry *e = &z->e[z->n];
	size_t clen = 0;
	uint32_t crc = 0;

	add_entry(z, "evidence/zeros.pdf", NULL, 0);
	*owned = zt_deflate_zeros(50u << 20, &clen, &crc);
	e->method = 8;
	e->payload = *owned;
	e->payload_len = clen;
	e->set = ZT_CRC | ZT_USIZE;
	e->crc = crc;
	e->usize = 50u << 20;
}

static int b_zip_bomb(struct hx *h)
{
	return write_zip(h, zip_bomb_m, NULL);
}

/*
 * An entry of 4,000 MiB deflating at about 170:1 (one 1 MiB block, flushed and repeated): each
 * entry is under the 200:1 ratio, but a 23 MB bundle made verify inflate, hash and CRC
 * 4 GB (7 s). All entries together may now inflate to 8 times the bundle plus 256 MiB.
 */
static void zip_inflate_m(struct zt_archive *z, void **owned)
{
	static unsigned char blk[1 << 20];
	unsigned char seg[16384], tail[64], *p;
	struct zt_entry *e = &z->e[z->n];
	size_t nseg = 0, ntail = 0, k, n = 4000;
	unsigned seed = 3;
	uLong crc = crc32(0, NULL, 0), cblk;
	z_stream zs;

	for (k = 0; k < sizeof(blk) / 600; k++) {
		seed = seed * 1103515245u + 12345u;
		blk[(seed >> 4) % sizeof(blk)] = (unsigned char)(seed >> 20);
	}
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	zs.next_in = blk, zs.avail_in = sizeof(blk), zs.next_out = seg, zs.avail_out = sizeof(seg);
	if (deflate(&zs, Z_FULL_FLUSH) == Z_OK && zs.avail_in == 0) {
		nseg = sizeof(seg) - zs.avail_out;
		zs.next_out = tail, zs.avail_out = sizeof(tail);
		ntail = deflate(&zs, Z_FINISH) == Z_STREAM_END ? sizeof(tail) - zs.avail_out : 0;
	}
	deflateEnd(&zs);
	if (nseg == 0 || ntail == 0 || (p = *owned = malloc(n * nseg + ntail)) == NULL)
		return;
	cblk = crc32(0, blk, sizeof(blk));
	for (k = 0; k < n; k++) {
		memcpy(p + k * nseg, seg, nseg);
		crc = crc32_combine(crc, cblk, (z_off_t)sizeof(blk));
	}
	memcpy(p + n * nseg, tail, ntail);
	add_entry(z, "evidence/big.bin", NULL, 0);
	e->method = 8;
	e->payload = p;
	e->payload_len = n * nseg + ntail;
	e->set = ZT_CRC | ZT_USIZE;
	e->crc = (uint32_t)crc;
	e->usize = (uint64_t)n << 20;
}

static int b_zip_inflate_total(struct hx *h)
{
	return write_zip(h, zip_inflate_m, NULL);
}

/* A copy of the end record appended as the archive's comment: a second, valid-looking one. */
static void hidden_eocd(unsigned char **p, size_t *len, const struct zt_layout *lay)
{
	unsigned char *np = realloc(*p, *len + 22);

	if (np == NULL) {
		free(*p);
		*p = NULL;
		return;
	}
	memcpy(np + *len, np + lay->eocd_off, 22);
	zt_put16(np + lay->eocd_off + 20, 22);
	*p = np;
	*len += 22;
}

static int b_zip_eocd_in_comment(struct hx *h)
{
	return write_zip(h, NULL, hidden_eocd);
}

/* Bytes that are no zip at all. */
static int b_not_zip(struct hx *h)
{
	static const char junk[] = "%PDF-1.7\nthis is not a zip archive\n";

	return bt_write(h->bundle, junk, sizeof(junk) - 1);
}

static int b_empty(struct hx *h)
{
	return bt_write(h->bundle, "", 0);
}

/* A named pipe where the bundle should be, with no writer: opening it must not block. */
static int b_fifo(struct hx *h)
{
	return mkfifo(h->bundle, 0600);
}

static int b_directory(struct hx *h)
{
	return mkdir(h->bundle, 0700);
}

/* ---- container: what other readers obey (issue 13, NOTES.md section 7) ------------------- */

#define SET_EXTRA(e, where, bytes) ((e)->where = (bytes), (e)->where##_len = sizeof(bytes))
/* An extra field of this id around data (static storage: one bundle is built at a time). */
static unsigned char xbuf[2][128];
static size_t xfield(int slot, uint16_t id, const void *head, size_t hlen, const char *tail)
{
	unsigned char *x = xbuf[slot];
	size_t n = hlen + strlen(tail);

	zt_put16(x, id);
	zt_put16(x + 2, (uint16_t)n);
	memcpy(x + 4, head, hlen);
	memcpy(x + 4 + hlen, tail, strlen(tail));
	return 4 + n;
}

/* libarchive's "xl" (0x6c78): made by Unix, external attributes of a symbolic link. */
static const unsigned char xl_link[] = {0x78, 0x6c, 7, 0, 5, 0x1e, 3, 0, 0, 0xff, 0xa1};
/* Info-ZIP's Unix UID/GID "ux" (0x7875), as plain `zip` writes it. */
static const unsigned char ux[] = {0x75, 0x78, 11, 0, 1, 4, 0, 0, 0, 0, 4, 0, 0, 0, 0};

/* ASi Unix (0x756e) on the policy: CRC, mode 0120777, sizdev, uid, gid, link target. With
 * the external attributes zeroed, unzip makes a link to ../../../etc/passwd. */
static void asi_m(struct zt_archive *z, void **owned)
{
	static const unsigned char head[14] = {0, 0, 0, 0, 0xff, 0xa1};
	struct zt_entry *e = &z->e[Z_AUP];

	(void)owned;
	e->cextra = e->lextra = xbuf[0];
	e->cextra_len = e->lextra_len = xfield(0, 0x756e, head, 14, "../../../etc/passwd");
	e->set |= ZT_MADE_BY | ZT_EXT_ATTR;
	e->made_by = 0x031E;
	e->ext_attr = 0;
}

static int b_zip_asi_symlink(struct hx *h)
{
	return write_zip(h, asi_m, NULL);
}

/* Info-ZIP Unicode Path (0x7075) version 2, which unzip ignores and bsdtar obeys (it checks
 * neither the version nor the CRC): the two policies swap names. */
static void upath_m(struct zt_archive *z, void **owned)
{
	static const unsigned char head[5] = {2};
	struct zt_entry *a = &z->e[Z_AUP], *b = &z->e[Z_ISP];

	(void)owned;
	a->cextra = a->lextra = xbuf[0];
	a->cextra_len = a->lextra_len = xfield(0, 0x7075, head, 5, b->name);
	b->cextra = b->lextra = xbuf[1];
	b->cextra_len = b->lextra_len = xfield(1, 0x7075, head, 5, a->name);
}

static int b_zip_unicode_path_v2(struct hx *h)
{
	return write_zip(h, upath_m, NULL);
}

ZIP(b_zip_xl_symlink, SET_EXTRA(&z->e[Z_AUP], lextra, xl_link))
ZIP(b_zip_dos_directory, z->e[Z_ASSESS].set |= ZT_MADE_BY | ZT_EXT_ATTR;
    z->e[Z_ASSESS].made_by = 0x0014; z->e[Z_ASSESS].ext_attr = 0x10)
ZIP(b_zip_volume_label, z->e[Z_AUP].set |= ZT_MADE_BY | ZT_EXT_ATTR; z->e[Z_AUP].made_by = 0x0014;
    z->e[Z_AUP].ext_attr = 0x08)
ZIP(b_zip_central_comment, z->e[Z_AUP].ccomment = "approved by SIA"; z->e[Z_AUP].ccomment_len = 15)
ZIP(b_zip_local_only_extra, SET_EXTRA(&z->e[Z_AUP], lextra, ux))
ZIP(b_zip_flag_patched, z->e[Z_AUP].flags = 0x0020)
ZIP(b_zip_flag_cd_encrypted, z->e[Z_AUP].flags = 0x2000)
/* The policy PDF stays stored but gets a data descriptor: bsdtar reading a pipe would end
 * it at the first descriptor-shaped bytes its data holds (review of issue 13, F1). */
ZIP(b_zip_stored_descriptor, z->e[Z_AUP].descriptor = ZT_DD_SIG)

/* A central zip64 field with the policy's real usize, although nothing is saturated. */
static void zip64_unneeded_m(struct zt_archive *z, void **owned)
{
	unsigned char *x = *owned = calloc(1, 12);
	uint64_t u = z->e[Z_AUP].len;
	int k;

	if (x == NULL)
		return;
	x[0] = 1, x[2] = 8;
	for (k = 0; k < 8; k++)
		x[4 + k] = (unsigned char)(u >> (8 * k));
	z->e[Z_AUP].cextra = x;
	z->e[Z_AUP].cextra_len = 12;
}

static int b_zip_zip64_unneeded(struct hx *h)
{
	return write_zip(h, zip64_unneeded_m, NULL);
}

/*
 * The attack of issue 13, point 1: a second central directory reached through a zip64
 * locator. The mimetype's central record carries, as its comment, a local header and an
 * unsigned assessment.xml; the signature's record (the last) carries, as its comment, a
 * second central directory (the same names in the same order, assessment.xml pointing at
 * the hidden local header), a zip64 end record and a locator that ends where the classic
 * end record begins. No field of the classic end record is saturated, so a reader that
 * takes it reads the signed bundle; Python's zipfile, 7-Zip, libarchive and libzip follow
 * the locator and read the unsigned assessment.
 */
#define HIDDEN "<assessment>never signed</assessment>\n"
#define HIDDEN_LOCAL (30 + 14 + sizeof(HIDDEN) - 1)

static size_t second_cd_size(const struct zt_archive *z)
{
	size_t i, n = 0;

	for (i = 0; i < z->n; i++)
		n += 46 + strlen(z->e[i].name);
	return n;
}

/* Comments of the right lengths, marked so that the patch finds them. */
static void locator_attack_m(struct zt_archive *z, void **owned)
{
	size_t cd2 = second_cd_size(z) + 56 + 20;
	unsigned char *c = *owned = calloc(1, HIDDEN_LOCAL + cd2);

	if (c == NULL)
		return;
	memcpy(c, "HIDDEN-LOCAL", 12);
	memcpy(c + HIDDEN_LOCAL, "SECOND-CD", 9);
	z->e[Z_MIME].ccomment = c;
	z->e[Z_MIME].ccomment_len = HIDDEN_LOCAL;
	z->e[Z_SIG].ccomment = c + HIDDEN_LOCAL;
	z->e[Z_SIG].ccomment_len = cd2;
}

static void put64le(unsigned char *p, uint64_t v)
{
	zt_put32(p, (uint32_t)v);
	zt_put32(p + 4, (uint32_t)(v >> 32));
}

/* Copies the real central records to at without their comments, assessment.xml's pointing
 * at the hidden local header; returns the bytes written. */
static size_t second_cd(unsigned char *p, const struct zt_layout *lay, size_t at, size_t hidden)
{
	size_t o = (size_t)lay->cd_off, w = at, k;
	uint32_t crc = (uint32_t)crc32(0, (const Bytef *)HIDDEN, (uInt)(sizeof(HIDDEN) - 1));

	for (k = 0; k < Z_N; k++) {
		size_t nlen = (size_t)(p[o + 28] | p[o + 29] << 8);
		size_t rec = 46 + nlen + (size_t)(p[o + 30] | p[o + 31] << 8) +
			     (size_t)(p[o + 32] | p[o + 33] << 8);

		memmove(p + w, p + o, 46 + nlen);
		zt_put16(p + w + 30, 0);
		zt_put16(p + w + 32, 0);
		if (k == Z_ASSESS) {
			zt_put16(p + w + 10, 0);
			zt_put32(p + w + 16, crc);
			zt_put32(p + w + 20, (uint32_t)(sizeof(HIDDEN) - 1));
			zt_put32(p + w + 24, (uint32_t)(sizeof(HIDDEN) - 1));
			zt_put32(p + w + 42, (uint32_t)hidden);
		}
		o += rec;
		w += 46 + nlen;
	}
	return w - at;
}

static unsigned char *find_marker(unsigned char *p, size_t len, const char *m)
{
	size_t n = strlen(m), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, m, n) == 0)
			return p + i;
	return NULL;
}

static void locator_attack_p(unsigned char **pp, size_t *len, const struct zt_layout *lay)
{
	unsigned char *p = *pp, *a = find_marker(p, *len, "HIDDEN-LOCAL");
	unsigned char *b = find_marker(p, *len, "SECOND-CD"), *r;
	size_t hidden, cd2_off, cd2;

	if (a == NULL || b == NULL)
		return;
	hidden = (size_t)(a - p), cd2_off = (size_t)(b - p);
	memset(a, 0, 30);
	zt_put32(a, 0x04034b50u), zt_put16(a + 4, 20), zt_put16(a + 12, 0x21);
	zt_put32(a + 14, (uint32_t)crc32(0, (const Bytef *)HIDDEN, (uInt)(sizeof(HIDDEN) - 1)));
	zt_put32(a + 18, (uint32_t)(sizeof(HIDDEN) - 1));
	zt_put32(a + 22, (uint32_t)(sizeof(HIDDEN) - 1));
	zt_put16(a + 26, 14);
	memcpy(a + 30, "assessment.xml", 14);
	memcpy(a + 44, HIDDEN, sizeof(HIDDEN) - 1);
	cd2 = second_cd(p, lay, cd2_off, hidden);
	r = p + cd2_off + cd2; /* the zip64 end record, then the locator */
	zt_put32(r, 0x06064b50u), put64le(r + 4, 44), zt_put16(r + 12, 45), zt_put16(r + 14, 45);
	zt_put32(r + 16, 0), zt_put32(r + 20, 0), put64le(r + 24, Z_N), put64le(r + 32, Z_N);
	put64le(r + 40, cd2), put64le(r + 48, cd2_off);
	zt_put32(r + 56, 0x07064b50u), zt_put32(r + 60, 0), put64le(r + 64, cd2_off + cd2);
	zt_put32(r + 72, 1);
}

static int b_zip_locator_attack(struct hx *h)
{
	return write_zip(h, locator_attack_m, locator_attack_p);
}
/* ---- manifest: hostile XML, signed by the director ------------------------------------- */

/* Replaces the first from in *s by to (*s malloc'd, replaced). 0, or -1 if absent. */
static int str_replace(char **s, const char *from, const char *to)
{
	char *at = strstr(*s, from), *out;

	if (at == NULL ||
	    (out = bt_fmt("%.*s%s%s", (int)(at - *s), *s, to, at + strlen(from))) == NULL)
		return -1;
	free(*s);
	*s = out;
	return 0;
}

/* The sample's manifest (malloc'd), for cases that change a part of it. */
static char *sample_manifest(struct hx *h, size_t *len)
{
	return bt_manifest(BT_SIGNATURE, h->data.p, h->data.n, NULL, len);
}

/* The sample signed over this manifest instead of its own. */
static int write_manifest(struct hx *h, const char *man, size_t len)
{
	struct spec sp = {0};

	sp.man = man;
	sp.mlen = len;
	return write_spec(h, &sp);
}

/* The sample's manifest with its root element preceded by prolog (a DOCTYPE). */
static int write_prolog(struct hx *h, const char *prolog)
{
	size_t len = 0;
	char *man = sample_manifest(h, &len), *root, *out;
	int rc = -1;

	if (man == NULL || (root = strstr(man, "<asic:ASiCManifest")) == NULL) {
		free(man);
		return -1;
	}
	out = bt_fmt("%.*s%s\n%s", (int)(root - man), man, prolog, root);
	if (out != NULL)
		rc = write_manifest(h, out, strlen(out));
	free(out);
	free(man);
	return rc;
}

static int b_man_doctype(struct hx *h)
{
	return write_prolog(h, "<!DOCTYPE asic:ASiCManifest>");
}

/* An external entity naming a local file, used in the SigReference's URI. */
static int b_man_xxe(struct hx *h)
{
	size_t len = 0;
	char *man = sample_manifest(h, &len), *at, *out = NULL;
	int rc = -1;

	if (man != NULL && (at = strstr(man, "<asic:ASiCManifest")) != NULL)
		out = bt_fmt("%.*s<!DOCTYPE asic:ASiCManifest [<!ENTITY xxe SYSTEM "
			     "\"file:///etc/passwd\">]>\n%s",
			     (int)(at - man), man, at);
	if (out != NULL && str_replace(&out, "signature001.p7s\"", "signature001.p7s&xxe;\"") == 0)
		rc = write_manifest(h, out, strlen(out));
	free(out);
	free(man);
	return rc;
}

static int b_man_laughs(struct hx *h)
{
	return write_prolog(h, "<!DOCTYPE asic:ASiCManifest [\n"
			       "<!ENTITY l0 \"lol\">\n"
			       "<!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\">\n"
			       "<!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\">\n"
			       "<!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">\n"
			       "<!ENTITY l4 \"&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;\">\n"
			       "<!ENTITY l5 \"&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;\">\n"
			       "<!ENTITY l6 \"&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;\">\n"
			       "<!ENTITY l7 \"&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;\">\n"
			       "<!ENTITY l8 \"&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;\">\n"
			       "<!ENTITY l9 \"&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;\">\n"
			       "]>");
}

/* Inserts ins before the manifest's closing tag. */
static int write_inner(struct hx *h, const char *ins)
{
	size_t len = 0;
	char *man = sample_manifest(h, &len), *end, *out = NULL;
	int rc = -1;

	if (man != NULL && (end = strstr(man, "</asic:ASiCManifest>")) != NULL)
		out = bt_fmt("%.*s%s%s", (int)(end - man), man, ins, end);
	if (out != NULL)
		rc = write_manifest(h, out, strlen(out));
	free(out);
	free(man);
	return rc;
}

/* n nested elements (of an extension's namespace) inside the manifest: 1,001 deep. */
static int write_nested(struct hx *h, size_t n)
{
	size_t k, o = 0, cap = n * 32 + 64;
	char *ins = malloc(cap);
	int rc;

	if (ins == NULL)
		return -1;
	for (k = 0; k < n; k++)
		o += (size_t)snprintf(ins + o, cap - o, "<x:d xmlns:x=\"urn:x\">");
	for (k = 0; k < n; k++)
		o += (size_t)snprintf(ins + o, cap - o, "</x:d>");
	rc = write_inner(h, ins);
	free(ins);
	return rc;
}

static int b_man_deep(struct hx *h)
{
	return write_nested(h, 1001);
}

static int b_man_xinclude(struct hx *h)
{
	return write_inner(h, "  <xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
			      "href=\"file:///etc/passwd\" parse=\"text\"/>\n");
}

/* A value of n bytes of c (malloc'd). */
static char *filled(size_t n, int c)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memset(s, c, n);
		s[n] = '\0';
	}
	return s;
}

/* A data object reference whose URI is 900,000 bytes long. */
static int b_man_huge_attr(struct hx *h)
{
	char *big = filled(900000, 'a'), *ins;
	int rc = -1;

	ins = big ? bt_fmt("  <asic:DataObjectReference URI=\"%s.pdf\">\n"
			   "    <ds:DigestMethod "
			   "Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\n"
			   "    "
			   "<ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</"
			   "ds:DigestValue>\n"
			   "  </asic:DataObjectReference>\n",
			   big)
		  : NULL;
	if (ins != NULL)
		rc = write_inner(h, ins);
	free(ins);
	free(big);
	return rc;
}

/* A digest value of 900,000 base64 characters. */
static int b_man_huge_text(struct hx *h)
{
	size_t len = 0;
	char *man = sample_manifest(h, &len), *big = filled(900000, 'A'), *at, *end, *out = NULL;
	int rc = -1;

	if (man != NULL && big != NULL && (at = strstr(man, "<ds:DigestValue>")) != NULL &&
	    (end = strstr(at, "</ds:DigestValue>")) != NULL)
		out = bt_fmt("%.*s<ds:DigestValue>%s%s", (int)(at - man), man, big, end);
	if (out != NULL)
		rc = write_manifest(h, out, strlen(out));
	free(out);
	free(big);
	free(man);
	return rc;
}

/* A manifest of more than 1 MiB (a comment pads it). */
static int b_man_too_large(struct hx *h)
{
	char *big = filled((1u << 20) + 16, '-'), *ins;
	int rc = -1;

	if (big != NULL && (ins = bt_fmt("<!-- %s -->", big + 4)) != NULL) {
		rc = write_inner(h, ins);
		free(ins);
	}
	free(big);
	return rc;
}

/* A byte that is not UTF-8 in a manifest that says it is. */
static int b_man_not_utf8(struct hx *h)
{
	return write_inner(h, "  <!-- caf\xe9 -->\n  <asic:Extension>\xff\xfe</asic:Extension>\n");
}

/* A data object reference that leaves the bundle. */
static int b_man_traversal(struct hx *h)
{
	return write_inner(
	    h, "  <asic:DataObjectReference URI=\"../../etc/passwd\">\n"
	       "    <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\n"
	       "    <ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue>\n"
	       "  </asic:DataObjectReference>\n");
}
/* ---- signature: CMS with one flaw (bundletool's raw OpenSSL signer) -------------------- */

static int write_flawed(struct hx *h, unsigned flaws)
{
	struct spec sp = {0};

	sp.flaws = flaws;
	return write_spec(h, &sp);
}

/* The director's signer info and a second one by director-ec. */
static int b_cms_two_signers(struct hx *h)
{
	struct spec sp = {0};
	int rc;

	sp.flaws = BT_TWO_SIGNERS;
	sp.cert2 = bt_cert("director-ec");
	sp.key2 = bt_key("director-ec");
	rc = sp.cert2 && sp.key2 ? write_spec(h, &sp) : -1;
	X509_free(sp.cert2);
	EVP_PKEY_free(sp.key2);
	return rc;
}

static int b_cms_two_times(struct hx *h)
{
	return write_flawed(h, BT_TWO_TIMES);
}

static int b_cms_embedded(struct hx *h)
{
	return write_flawed(h, BT_EMBED);
}

static int b_cms_trailing(struct hx *h)
{
	return write_flawed(h, BT_TRAILING);
}

static int b_cms_econtent(struct hx *h)
{
	return write_flawed(h, BT_ECONTENT);
}

static int b_cms_no_attrs(struct hx *h)
{
	return write_flawed(h, BT_NOATTR);
}

static int b_cms_no_cades(struct hx *h)
{
	return write_flawed(h, BT_NOCADES);
}

static int b_cms_bad_value(struct hx *h)
{
	return write_flawed(h, BT_BADSIG);
}

static int b_cms_no_certs(struct hx *h)
{
	return write_flawed(h, BT_NOCERTS);
}

/* A signature entry of raw bytes. */
static int write_sig_bytes(struct hx *h, const unsigned char *p, size_t len)
{
	struct spec sp = {0};

	sp.sig = p;
	sp.slen = len;
	return write_spec(h, &sp);
}

static int b_cms_garbage(struct hx *h)
{
	static const unsigned char junk[] = "-----BEGIN PKCS7-----\nnot DER at all\n";

	return write_sig_bytes(h, junk, sizeof(junk) - 1);
}

/* 100,000 nested indefinite-length SEQUENCEs: BER nesting far past OpenSSL's limit. */
static int b_cms_deep_asn1(struct hx *h)
{
	size_t n = 100000, k;
	unsigned char *p = malloc(4 * n);
	int rc;

	if (p == NULL)
		return -1;
	for (k = 0; k < n; k++)
		p[2 * k] = 0x30, p[2 * k + 1] = 0x80;
	memset(p + 2 * n, 0, 2 * n);
	rc = write_sig_bytes(h, p, 4 * n);
	free(p);
	return rc;
}

/* A valid signature followed by zeros to just over 1 MiB. */
static int b_cms_too_large(struct hx *h)
{
	struct bt_parts l;
	struct spec sp = {0};
	unsigned char *p = calloc(1, (1u << 20) + 1);
	struct bt_part *sig;
	int rc = -1;

	if (p != NULL && bundle_parts(h, &sp, &l) == 0) {
		sig = bt_parts_find(&l, BT_SIGNATURE);
		memcpy(p, sig->data, sig->len);
		rc = write_sig_bytes(h, p, (1u << 20) + 1);
		bt_parts_free(&l);
	}
	free(p);
	return rc;
}

/* The manifest changed after it was signed, still well-formed and valid: a tab in place of
 * an indenting space. */
static int b_cms_digest(struct hx *h)
{
	struct bt_parts l;
	struct spec sp = {0};
	struct bt_part *man;
	unsigned char *d;
	size_t k;
	int rc = -1;

	if (bundle_parts(h, &sp, &l) != 0)
		return -1;
	man = bt_parts_find(&l, BT_MANIFEST);
	d = (unsigned char *)(uintptr_t)man->data; /* the list's own copy */
	for (k = 0; k + 2 < man->len; k++)
		if (d[k] == '\n' && d[k + 1] == ' ' && d[k + 2] == ' ') {
			d[k + 1] = '\t';
			rc = bt_zip_write(h->ctx, h->bundle, l.p, l.n);
			break;
		}
	bt_parts_free(&l);
	return rc;
}

/* Signed with a fixture key and certificate by raw OpenSSL calls (with its chain). */
static int write_signed_by(struct hx *h, const char *name, const EVP_MD *md)
{
	struct spec sp = {0};
	int rc;

	sp.cert = bt_cert(name);
	sp.key = bt_key(name);
	sp.chain = bt_chain();
	sp.md = md;
	rc = sp.cert && sp.key && sp.chain ? write_spec(h, &sp) : -1;
	X509_free(sp.cert);
	EVP_PKEY_free(sp.key);
	sk_X509_pop_free(sp.chain, X509_free);
	return rc;
}

static int b_cms_sha1(struct hx *h)
{
	return write_signed_by(h, "director", EVP_sha1());
}

static int b_cms_revoked(struct hx *h)
{
	return write_signed_by(h, "revoked", NULL);
}

static int b_cms_rsa1024(struct hx *h)
{
	return write_signed_by(h, "rsa1024", NULL);
}

static int b_cms_untrusted(struct hx *h)
{
	return write_signed_by(h, "untrusted", NULL);
}

/* ---- certificates made here: a chain that loops, and too many certificates ---------------- */

static EVP_PKEY *ec_key(void)
{
	return EVP_EC_gen("P-256");
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* A certificate for key, subject CN=cn, issued by issuer_cn with issuer_key (a CA if ca). */
static X509 *make_cert(const char *cn, EVP_PKEY *key, const char *issuer_cn, EVP_PKEY *issuer_key,
		       long serial, int ca)
{
	X509 *x = X509_new();
	X509_NAME *sub = X509_NAME_new(), *iss = X509_NAME_new();
	int ok = x != NULL && sub != NULL && iss != NULL;

	ok = ok && X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	ok = ok &&
	     X509_NAME_add_entry_by_txt(sub, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1,
					0) &&
	     X509_NAME_add_entry_by_txt(iss, "CN", MBSTRING_ASC, (const unsigned char *)issuer_cn,
					-1, -1, 0);
	ok = ok && X509_set_subject_name(x, sub) && X509_set_issuer_name(x, iss);
	ok = ok && ASN1_TIME_set(X509_getm_notBefore(x), bt_time("2025-01-01")) != NULL &&
	     ASN1_TIME_set(X509_getm_notAfter(x), bt_time("2035-01-01")) != NULL;
	ok = ok && X509_set_pubkey(x, key);
	ok = ok && add_ext(x, x, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE") &&
	     add_ext(x, x, NID_key_usage,
		     ca ? "critical,keyCertSign,cRLSign"
			: "critical,digitalSignature,nonRepudiation");
	ok = ok && (ca || add_ext(x, x, NID_ext_key_usage, "emailProtection"));
	ok = ok && X509_sign(x, issuer_key, EVP_sha256()) > 0;
	X509_NAME_free(sub);
	X509_NAME_free(iss);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

/*
 * Two CAs that issued each other (A by B, B by A) and a leaf under A: a chain builder that
 * follows issuers by name goes round the loop.
 */
static int b_chain_loop(struct hx *h)
{
	EVP_PKEY *ka = ec_key(), *kb = ec_key(), *kl = ec_key();
	STACK_OF(X509) *chain = sk_X509_new_null();
	X509 *a = NULL, *b = NULL, *leaf = NULL;
	struct spec sp = {0};
	int rc = -1;

	if (ka && kb && kl && chain) {
		a = make_cert("Loop CA A - TEST ONLY", ka, "Loop CA B - TEST ONLY", kb, 1, 1);
		b = make_cert("Loop CA B - TEST ONLY", kb, "Loop CA A - TEST ONLY", ka, 2, 1);
		leaf =
		    make_cert("Jane Director - TEST ONLY", kl, "Loop CA A - TEST ONLY", ka, 3, 0);
	}
	if (a && b && leaf && sk_X509_push(chain, a) && sk_X509_push(chain, b)) {
		a = b = NULL; /* transferred */
		sp.cert = leaf, sp.key = kl, sp.chain = chain;
		rc = write_spec(h, &sp);
	}
	X509_free(a);
	X509_free(b);
	X509_free(leaf);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	EVP_PKEY_free(kl);
	return rc;
}

/* The director's signature carrying 40 extra (self-signed) certificates, past the 32. */
static int b_cms_many_certs(struct hx *h)
{
	EVP_PKEY *k = ec_key();
	STACK_OF(X509) *chain = bt_chain();
	struct spec sp = {0};
	char cn[64];
	int i, rc = -1;

	for (i = 0; k != NULL && chain != NULL && i < 40; i++) {
		X509 *x;
		snprintf(cn, sizeof(cn), "Extra %d - TEST ONLY", i);
		if ((x = make_cert(cn, k, cn, k, 100 + i, 1)) == NULL || !sk_X509_push(chain, x)) {
			X509_free(x);
			break;
		}
	}
	if (i == 40) {
		sp.cert = bt_cert("director");
		sp.key = bt_key("director");
		sp.chain = chain;
		rc = sp.cert && sp.key ? write_spec(h, &sp) : -1;
		X509_free(sp.cert);
		EVP_PKEY_free(sp.key);
	}
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(k);
	return rc;
}
/* ---- PDF evidence: the sample's policy PDF replaced ----------------------------------- */

/* The sample with its policy PDF replaced by fixture pdf/file (deflated or stored). */
static int write_pdf_fixture(struct hx *h, const char *file, int deflate)
{
	char *path = bt_fixture("pdf/%s", file);
	unsigned char *p = NULL;
	size_t len = 0;
	int rc = -1;

	if (bt_read(path, &p, &len) == 0)
		rc = write_with(h, POLICY_PDF, p, len, deflate);
	free(p);
	free(path);
	return rc;
}

#define PDF_FIXTURE(fn, file, deflate)                                                             \
	static int fn(struct hx *h)                                                                \
	{                                                                                          \
		return write_pdf_fixture(h, file, deflate);                                        \
	}

PDF_FIXTURE(b_pdf_js, "js-openaction.pdf", 0)
PDF_FIXTURE(b_pdf_js_escaped, "js-escaped.pdf", 0)
PDF_FIXTURE(b_pdf_js_objstm, "js-objstm.pdf", 1)
PDF_FIXTURE(b_pdf_launch, "launch.pdf", 0)
PDF_FIXTURE(b_pdf_embedded, "embedded.pdf", 0)
PDF_FIXTURE(b_pdf_encrypted, "encrypted.pdf", 0)
PDF_FIXTURE(b_pdf_bomb, "bomb.pdf", 0)
PDF_FIXTURE(b_pdf_xref, "broken-xref.pdf", 0)
PDF_FIXTURE(b_pdf_byterange, "signed-short-byterange.pdf", 0)
PDF_FIXTURE(b_pdf_padding, "signed-padding.pdf", 0)
PDF_FIXTURE(b_pdf_subfilter, "signed-subfilter.pdf", 0)
PDF_FIXTURE(b_pdf_appended, "signed-appended.pdf", 0)
PDF_FIXTURE(b_pdf_updated, "signed-updated.pdf", 0)

/* The signed certificate PDF with its /ByteRange gap moved one byte into /Contents. */
static int b_pdf_gap(struct hx *h)
{
	char *path = bt_fixture("pdf/signed.pdf");
	unsigned char *p = NULL;
	size_t len = 0;
	char *at;
	int rc = -1;

	if (bt_read(path, &p, &len) == 0 &&
	    (at = strstr((char *)p, "/ByteRange [0 0000001100 ")) != NULL) {
		memcpy(at + 14, "0000001101", 10);
		rc = write_with(h, POLICY_PDF, p, len, 0);
	}
	free(p);
	free(path);
	return rc;
}

static int b_pdf_not_pdf(struct hx *h)
{
	static const char gif[] = "GIF89a\x01\x00\x01\x00 not a PDF at all\n";

	return write_with(h, POLICY_PDF, gif, sizeof(gif) - 1, 0);
}

/* A PDF under construction: bytes, and the offset of each object written. */
struct pdfb {
	unsigned char *p;
	size_t n, cap;
	size_t *off, offcap; /* off[k]: object k's offset */
	unsigned nobj;       /* objects 1..nobj written */
	int failed;
};

static void pb_add(struct pdfb *b, const void *p, size_t n)
{
	unsigned char *np;

	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		if ((np = realloc(b->p, b->cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = np;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void pb_fmt(struct pdfb *b, const char *fmt, ...) BT_PRINTF(2, 3);
static void pb_fmt(struct pdfb *b, const char *fmt, ...)
{
	char s[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(s))
		b->failed = 1;
	else
		pb_add(b, s, (size_t)n);
}

/* The header, the catalog (1) and the pages (2). */
static void pb_start(struct pdfb *b)
{
	memset(b, 0, sizeof(*b));
	b->offcap = 4096;
	if ((b->off = calloc(b->offcap, sizeof(*b->off))) == NULL)
		b->failed = 1;
	pb_fmt(b, "%%PDF-1.7\n");
	b->off[b->failed ? 0 : 1] = b->n;
	pb_fmt(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	b->off[b->failed ? 0 : 2] = b->n;
	pb_fmt(b, "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
	b->nobj = 2;
}

/* Object nobj + 1 with this body (a dictionary and its stream, or any value). */
static void pb_obj(struct pdfb *b, const void *head, size_t hlen, const void *data, size_t dlen)
{
	if (b->failed || b->nobj + 1 >= b->offcap) {
		b->failed = 1;
		return;
	}
	b->off[++b->nobj] = b->n;
	pb_fmt(b, "%u 0 obj\n", b->nobj);
	pb_add(b, head, hlen);
	if (data != NULL) {
		pb_fmt(b, "\nstream\n");
		pb_add(b, data, dlen);
		pb_fmt(b, "\nendstream");
	}
	pb_fmt(b, "\nendobj\n");
}

/* A FlateDecode stream object of z (compressed) with extra dictionary entries. */
static void pb_flate(struct pdfb *b, const char *dict, const unsigned char *z, size_t zlen)
{
	char head[256];
	int n =
	    snprintf(head, sizeof(head), "<< %s /Filter /FlateDecode /Length %zu >>", dict, zlen);

	pb_obj(b, head, (size_t)n, z, zlen);
}

/* The classic table and trailer (trailer_extra inside the trailer), then %%EOF. */
static void pb_end(struct pdfb *b, const char *trailer_extra)
{
	size_t x = b->n;
	unsigned i;

	pb_fmt(b, "xref\n0 %u\n0000000000 65535 f \n", b->nobj + 1);
	for (i = 1; i <= b->nobj; i++)
		pb_fmt(b, "%010zu 00000 n \n", b->off[i]);
	pb_fmt(b, "trailer\n<< /Size %u /Root 1 0 R%s >>\nstartxref\n%zu\n%%%%EOF\n", b->nobj + 1,
	       trailer_extra ? trailer_extra : "", x);
}

/* The sample with its policy PDF replaced by b's bytes (stored: large files stay fast). */
static int write_pdfb(struct hx *h, struct pdfb *b)
{
	int rc = b->failed ? -1 : write_with(h, POLICY_PDF, b->p, b->n, 0);

	free(b->p);
	free(b->off);
	b->p = NULL;
	b->off = NULL;
	return rc;
}

/* zlib (with its header) of len bytes at level; malloc'd. */
static unsigned char *zcompress(const void *p, size_t len, int level, size_t *zlen)
{
	uLongf n = compressBound((uLong)len);
	unsigned char *z = malloc(n);

	if (z != NULL && compress2(z, &n, p, (uLong)len, level) != Z_OK) {
		free(z);
		z = NULL;
	}
	*zlen = z ? (size_t)n : 0;
	return z;
}

/*
 * Object stream data: n objects, each an array of `values` values of token tok (2 bytes,
 * e.g. "0 "), every 200th made different so the stream deflates at about 170:1, under
 * the 200:1 ratio; into *out (malloc'd) with its offset table; *first is /First.
 */
static unsigned char *objstm_data(size_t n, size_t values, const char *tok, unsigned seed,
				  size_t *len, size_t *first)
{
	size_t body = values * 2 + 2, k, j, o = 0, cap = n * (body + 24) + 64;
	unsigned char *p = malloc(cap);

	if (p == NULL)
		return NULL;
	for (k = 0; k < n; k++)
		o += (size_t)snprintf((char *)p + o, cap - o, "%zu %zu ", 1000 + k, k * body);
	*first = o;
	for (k = 0; k < n; k++) {
		p[o++] = '[';
		for (j = 0; j < values; j++, o += 2) {
			memcpy(p + o, tok, 2);
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 200 == 0 && tok[0] == '/')
				p[o + 1] = (unsigned char)('a' + (seed >> 8) % 10);
			else if ((seed >> 16) % 200 == 0)
				p[o] = (unsigned char)('0' + (seed >> 8) % 10);
		}
		p[o++] = ']';
	}
	*len = o;
	return p;
}
/*
 * Issue 6's slow input: 20 object streams of 16 MiB (the most one may inflate to), each
 * 41 arrays of 200,000 values, deflating at about 170:1 (one stream compressed once,
 * written 20 times): a 2 MB file. It took 3.7 s to refuse; now the values cap stops it.
 */
static int b_pdf_objstm_values(struct hx *h)
{
	size_t len = 0, first = 0, zlen = 0, k;
	unsigned char *d = objstm_data(41, 200000, "0 ", 7, &len, &first), *z = NULL;
	struct pdfb b;
	char dict[96];

	pb_start(&b);
	if (d != NULL && (z = zcompress(d, len, 6, &zlen)) != NULL)
		for (k = 0; k < 20; k++) {
			snprintf(dict, sizeof(dict), "/Type /ObjStm /N 41 /First %zu", first);
			pb_flate(&b, dict, z, zlen);
		}
	pb_end(&b, NULL);
	b.failed |= d == NULL || z == NULL;
	free(d);
	free(z);
	return write_pdfb(h, &b);
}

/* The same with names ("/a"), each of which the parser allocates: the costliest values. */
static int b_pdf_objstm_names(struct hx *h)
{
	size_t len = 0, first = 0, zlen = 0, k;
	unsigned char *d = objstm_data(41, 200000, "/a", 9, &len, &first), *z = NULL;
	struct pdfb b;
	char dict[96];

	pb_start(&b);
	if (d != NULL && (z = zcompress(d, len, 6, &zlen)) != NULL)
		for (k = 0; k < 20; k++) {
			snprintf(dict, sizeof(dict), "/Type /ObjStm /N 41 /First %zu", first);
			pb_flate(&b, dict, z, zlen);
		}
	pb_end(&b, NULL);
	b.failed |= d == NULL || z == NULL;
	free(d);
	free(z);
	return write_pdfb(h, &b);
}

/* 20 MB of value-dense objects in the file itself (32 arrays of 262,143 zeros). */
static int b_pdf_file_values(struct hx *h)
{
	size_t n = COCO_PDF_MAX_NODES - 1, k;
	char *arr = malloc(2 * n + 2);
	struct pdfb b;

	pb_start(&b);
	if (arr != NULL) {
		arr[0] = '[';
		for (k = 0; k < n; k++)
			memcpy(arr + 1 + 2 * k, "0 ", 2);
		arr[2 * n + 1] = ']';
		for (k = 0; k < 40; k++)
			pb_obj(&b, arr, 2 * n + 2, NULL, 0);
	}
	pb_end(&b, NULL);
	b.failed |= arr == NULL;
	free(arr);
	return write_pdfb(h, &b);
}

/*
 * A 50 MB file of FlateDecode streams of about 16 KiB, each inflating at just under 200:1
 * (3.2 MB): the bomb probe inflates each in full, about 10 GB in all. It took 17 s and
 * passed; the 512 MiB cap on such streams together now stops it.
 */
static int b_pdf_flate199(struct hx *h)
{
	size_t n = 3200000, zlen = 0, k;
	unsigned char *d = calloc(1, n), *z = NULL;
	unsigned seed = 5;
	struct pdfb b;

	pb_start(&b);
	for (k = 0; d != NULL && k < n / 840; k++) {
		seed = seed * 1103515245u + 12345u;
		d[(seed >> 4) % n] = (unsigned char)(seed >> 20);
	}
	if (d != NULL && (z = zcompress(d, n, 9, &zlen)) != NULL)
		while (!b.failed && b.n < 50000000)
			pb_flate(&b, "", z, zlen);
	pb_end(&b, NULL);
	b.failed |= z == NULL;
	free(d);
	free(z);
	return write_pdfb(h, &b);
}

/* One array of 41 strings of 1 MiB: 41 MB held at once, more than the scan's 40 MiB. */
static int b_pdf_strings(struct hx *h)
{
	size_t k, one = COCO_PDF_MAX_TOKEN + 2, n = 41;
	char *arr = malloc(n * one + 2);
	struct pdfb b;

	pb_start(&b);
	if (arr != NULL) {
		memset(arr, 'a', n * one + 2);
		arr[0] = '[';
		for (k = 0; k < n; k++)
			arr[1 + k * one] = '(', arr[k * one + one] = ')';
		arr[n * one + 1] = ']';
		pb_obj(&b, arr, n * one + 2, NULL, 0);
	}
	pb_end(&b, NULL);
	b.failed |= arr == NULL;
	free(arr);
	return write_pdfb(h, &b);
}

/*
 * An object stream of 900,000 one-byte objects (a 14 MB offset table held as 16 bytes an
 * entry) and an xref stream entry for object 999,999 (a 24 MB index): 78 MB of RSS from a
 * 3.8 MB file before the scan counted its memory.
 */
static int b_pdf_index_table(struct hx *h)
{
	size_t n = 900000, k, o = 0, cap = n * 24, zlen = 0;
	char *d = malloc(cap), head[160];
	unsigned char *z = NULL, row[6] = {2, 0, 3, 0, 0, 0};
	struct pdfb b;

	pb_start(&b);
	for (k = 0; d != NULL && k < n; k++)
		o += (size_t)snprintf(d + o, cap - o, "%zu %zu ", 10 + k, 2 * k);
	for (k = 0; d != NULL && k < n; k++)
		d[o++] = '0', d[o++] = ' ';
	if (d != NULL && (z = zcompress(d, o, 1, &zlen)) != NULL) {
		snprintf(head, sizeof(head), "/Type /ObjStm /N %zu /First %zu", n, o - 2 * n);
		pb_flate(&b, head, z, zlen);
		snprintf(head, sizeof(head),
			 "<< /Type /XRef /Size 1000000 /W [1 2 3] /Index [999999 1] /Length 6 >>");
		pb_obj(&b, head, strlen(head), row, sizeof(row));
	}
	snprintf(head, sizeof(head), " /XRefStm %zu", b.failed ? 0 : b.off[b.nobj]);
	pb_end(&b, head);
	b.failed |= z == NULL;
	free(d);
	free(z);
	return write_pdfb(h, &b);
}

/* An object stream of 64 MiB of spaces in about 64 KB: a bomb inside an object stream. */
static int b_pdf_objstm_bomb(struct hx *h)
{
	size_t n = 64u << 20, zlen = 0;
	char *d = malloc(n);
	unsigned char *z = NULL;
	struct pdfb b;

	pb_start(&b);
	if (d != NULL) {
		memset(d, ' ', n);
		memcpy(d, "9 0\nnull", 8);
		z = zcompress(d, n, 9, &zlen);
	}
	if (z != NULL)
		pb_flate(&b, "/Type /ObjStm /N 1 /First 4", z, zlen);
	pb_end(&b, NULL);
	b.failed |= z == NULL;
	free(d);
	free(z);
	return write_pdfb(h, &b);
}

/*
 * One object of 131,000 one-item arrays: a legal PDF, and accepted, but each array took
 * 8 values' worth of memory (704 bytes), 113 MB of RSS from a 400 KB file. Values are now
 * 64 bytes, arrays start at 2 items, and all of it counts against the scan's 40 MiB.
 */
static int b_pdf_small_arrays(struct hx *h)
{
	size_t n = 131000, k;
	char *arr = malloc(3 * n + 2);
	struct pdfb b;

	pb_start(&b);
	if (arr != NULL) {
		arr[0] = '[';
		for (k = 0; k < n; k++)
			memcpy(arr + 1 + 3 * k, "[0]", 3);
		arr[3 * n + 1] = ']';
		pb_obj(&b, arr, 3 * n + 2, NULL, 0);
	}
	pb_end(&b, NULL);
	b.failed |= arr == NULL;
	free(arr);
	return write_pdfb(h, &b);
}

/* Arrays nested 65 deep. */
static int b_pdf_nesting(struct hx *h)
{
	char arr[131];
	struct pdfb b;

	pb_start(&b);
	memset(arr, '[', 65);
	memset(arr + 65, ']', 65);
	arr[130] = '\0';
	pb_obj(&b, arr, 130, NULL, 0);
	pb_end(&b, NULL);
	return write_pdfb(h, &b);
}

/* ---- the assessment: hostile XML inside the signed content ---------------------------- */

static int write_assessment(struct hx *h, const char *xml, size_t len)
{
	return write_with(h, "assessment.xml", xml, len, 1);
}

/* A data file's content as a string (malloc'd). */
static char *part_str(struct hx *h, const char *name)
{
	const struct bt_part *a = bt_parts_find(&h->data, name);

	return a ? bt_fmt("%.*s", (int)a->len, (const char *)a->data) : NULL;
}

/* The sample's assessment behind a billion-laughs DOCTYPE. */
static int b_assess_laughs(struct hx *h)
{
	char *a = part_str(h, "assessment.xml");
	const char *root = a ? strstr(a, "<assessment") : NULL;
	char *xml;
	int rc = -1;

	xml = root ? bt_fmt("<?xml version=\"1.0\"?>\n<!DOCTYPE assessment [\n"
			    "<!ENTITY a "
			    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
			    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
			    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
			    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
			    "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
			    "]>\n%s",
			    root)
		   : NULL;
	if (xml != NULL)
		rc = write_assessment(h, xml, strlen(xml));
	free(xml);
	free(a);
	return rc;
}

/* An assessment of more than 1 MiB (white space inside its root element). */
static int b_assess_too_large(struct hx *h)
{
	char *a = part_str(h, "assessment.xml"), *pad = filled(1u << 20, ' '), *xml = NULL;
	const char *end = a ? strstr(a, "</assessment>") : NULL;
	int rc = -1;

	if (end != NULL && pad != NULL)
		xml = bt_fmt("%.*s%s%s", (int)(end - a), a, pad, end);
	if (xml != NULL)
		rc = write_assessment(h, xml, strlen(xml));
	free(xml);
	free(pad);
	free(a);
	return rc;
}

/* ---- the trust directory ------------------------------------------------------------------- */

/* A copy of fixtures/trust in the case's folder, as h->trust; the sample bundle beside it. */
static int own_trust(struct hx *h)
{
	char *copy = bt_fmt("%s/trust", h->dir);

	if (copy == NULL || bt_copytree(h->trust, copy) != 0) {
		free(copy);
		return -1;
	}
	free(h->trust);
	h->trust = copy;
	return b_baseline(h);
}

/* A CRL of 100 MB: a sparse file, so the test writes nothing. */
static int b_trust_huge_crl(struct hx *h)
{
	char *path;
	int fd, rc = -1;

	if (own_trust(h) != 0 || (path = bt_fmt("%s/crl/huge.crl", h->trust)) == NULL)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0) {
		rc = ftruncate(fd, 100000000) == 0 ? 0 : -1;
		if (close(fd) != 0)
			rc = -1;
	}
	free(path);
	return rc;
}

/* A CRL that is neither PEM nor DER. */
static int b_trust_bad_crl(struct hx *h)
{
	static const char junk[] =
	    "-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n";
	char *path;
	int rc = -1;

	if (own_trust(h) == 0 && (path = bt_fmt("%s/crl/bad.crl", h->trust)) != NULL) {
		rc = bt_write(path, junk, sizeof(junk) - 1);
		free(path);
	}
	return rc;
}

/* A policy with a billion-laughs DOCTYPE. */
static int b_trust_policy_laughs(struct hx *h)
{
	static const char xml[] =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE policy [\n<!ENTITY a \"aaaaaaaaaaaaaaaa\">\n"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n]>\n"
	    "<policy xmlns=\"urn:x-coco-bundle:policy:1\">&d;</policy>\n";
	char *path;
	int rc = -1;

	if (own_trust(h) == 0 && (path = bt_fmt("%s/policy.xml", h->trust)) != NULL) {
		rc = bt_write(path, xml, sizeof(xml) - 1);
		free(path);
	}
	return rc;
}

/* A leaf certificate (not a CA) among the anchors. */
static int b_trust_leaf_anchor(struct hx *h)
{
	char *src = bt_fixture("pki/director.pem"), *dst = NULL;
	unsigned char *p = NULL;
	size_t len = 0;
	int rc = -1;

	if (own_trust(h) == 0 && (dst = bt_fmt("%s/signers/director.pem", h->trust)) != NULL &&
	    bt_read(src, &p, &len) == 0)
		rc = bt_write(dst, p, len);
	free(p);
	free(src);
	free(dst);
	return rc;
}

/* ---- more: many entries, many manifests, anchors that loop, a self-signed signer ----------- */

static void put_le(unsigned char *p, uint32_t v, int n)
{
	int k;

	for (k = 0; k < n; k++)
		p[k] = (unsigned char)(v >> (8 * k));
}

/*
 * A zip of n empty stored entries "PREFIXK" after the mimetype, written here (ziptool holds
 * 16): each local header, then the central directory (each record with a comment of
 * comment bytes), then the end record.
 */
static int write_many(struct hx *h, size_t n, const char *prefix, size_t comment)
{
	size_t cap = (n + 1) * (2 * strlen(prefix) + 140 + comment) + 256, o = 0, k, cd;
	unsigned char *p = calloc(1, cap), *c;
	uint32_t *off = calloc(n + 1, sizeof(*off));
	char name[COCO_MAX_NAME_LEN + 1];
	size_t nl;
	int rc = -1;

	for (k = 0; p != NULL && off != NULL && k <= n; k++) {
		nl = k == 0 ? 8 : (size_t)snprintf(name, sizeof(name), "%s%zu", prefix, k);
		off[k] = (uint32_t)o;
		put_le(p + o, 0x04034b50u, 4), put_le(p + o + 4, 10, 2);
		put_le(p + o + 14, k == 0 ? (uint32_t)crc32(0, (const Bytef *)MIME, 31) : 0, 4);
		put_le(p + o + 18, k == 0 ? 31 : 0, 4), put_le(p + o + 22, k == 0 ? 31 : 0, 4);
		put_le(p + o + 26, (uint32_t)nl, 2);
		memcpy(p + o + 30, k == 0 ? "mimetype" : name, nl);
		o += 30 + nl;
		if (k == 0)
			memcpy(p + o, MIME, 31), o += 31;
	}
	for (cd = o, k = 0; p != NULL && off != NULL && k <= n; k++) {
		c = p + off[k];
		nl = (size_t)(c[26] | c[27] << 8);
		put_le(p + o, 0x02014b50u, 4), put_le(p + o + 4, 0x031E, 2);
		memcpy(p + o + 6, c + 4,
		       26); /* version needed .. name length, as in the local header */
		put_le(p + o + 38, 0100644u << 16, 4), put_le(p + o + 42, off[k], 4);
		memcpy(p + o + 46, c + 30, nl);
		if (k > 0) {
			put_le(p + o + 32, (uint32_t)comment, 2);
			memset(p + o + 46 + nl, '#', comment);
			o += comment;
		}
		o += 46 + nl;
	}
	if (p != NULL && off != NULL) {
		put_le(p + o, 0x06054b50u, 4), put_le(p + o + 8, (uint32_t)(n + 1), 2);
		put_le(p + o + 10, (uint32_t)(n + 1), 2), put_le(p + o + 12, (uint32_t)(o - cd), 4);
		put_le(p + o + 16, (uint32_t)cd, 4);
		rc = bt_write(h->bundle, p, o + 22);
	}
	free(p);
	free(off);
	return rc;
}

static int b_zip_entries(struct hx *h)
{
	return write_many(h, COCO_MAX_ENTRIES, "e/", 0);
}

/* A 65 MB bundle whose central directory is 64 MB of entry comments: read whole, it held
 * 74 MB; the directory may now take 16 MiB. */
static int b_zip_cd_comments(struct hx *h)
{
	return write_many(h, 1000, "e/", 65000);
}

/*
 * 9,999 names of 1,016 bytes under 505 nested folders ("a/a/a/.../K"): looking for a file
 * entry named like each parent folder by binary search took 35 s; one pass now.
 */
static int b_zip_deep_names(struct hx *h)
{
	char prefix[1011];
	int k;

	for (k = 0; k < 505; k++)
		memcpy(prefix + 2 * k, "a/", 2);
	prefix[1010] = '\0';
	return write_many(h, COCO_MAX_ENTRIES - 1, prefix, 0);
}

/* The signed sample with 64 more manifests (copies of its own): 65, past the 64. */
static int b_zip_manifests(struct hx *h)
{
	struct bt_parts l;
	struct spec sp = {0};
	const struct bt_part *man;
	char name[64];
	int k, rc = -1;

	if (bundle_parts(h, &sp, &l) != 0)
		return -1;
	man = bt_parts_find(&l, BT_MANIFEST);
	for (k = 2; k <= 65; k++) {
		snprintf(name, sizeof(name), "META-INF/ASiCManifest%03d.xml", k);
		if (bt_parts_add(&l, name, man->data, man->len) != 0)
			break;
		man = bt_parts_find(&l, BT_MANIFEST); /* the list moved */
	}
	if (k > 65)
		rc = bt_zip_write(h->ctx, h->bundle, l.p, l.n);
	bt_parts_free(&l);
	return rc;
}

/*
 * nman manifests of nref references each (to nref of ndata one-byte data files, with a
 * digest of the right length that matches none), beside nman signatures of 5 bytes.
 */
static int write_many_refs(struct hx *h, size_t nman, size_t nref, size_t ndata)
{
	static const char ref[] =
	    "<asic:DataObjectReference URI=\"data/f%05zu.txt\"><ds:DigestMethod Algorithm="
	    "\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>LXG2sBFtRlSeCeZmMiNf1kPS"
	    "sDtefO1CyZY6FlHcSxg=</ds:DigestValue></asic:DataObjectReference>\n";
	struct bt_parts l = {NULL, 0};
	size_t cap = nref * 256 + 512, k, j, o; /* a reference takes 223 bytes */
	char *man = malloc(cap), name[64];
	int rc = 0;

	for (k = 0; man != NULL && rc == 0 && k < ndata; k++) {
		snprintf(name, sizeof(name), "data/f%05zu.txt", k);
		rc = bt_parts_add(&l, name, "x", 1);
	}
	for (j = 0; man != NULL && rc == 0 && j < nman; j++) {
		o = (size_t)snprintf(
		    man, cap,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<asic:ASiCManifest "
		    "xmlns:asic=\"" COCO_NS_ASIC "\" xmlns:ds=\"" COCO_NS_DS "\">\n"
		    "<asic:SigReference URI=\"META-INF/signature%03zu.p7s\"/>\n",
		    j + 1);
		for (k = 0; k < nref; k++)
			o += (size_t)snprintf(man + o, cap - o, ref, (k + 37 * j) % ndata);
		o += (size_t)snprintf(man + o, cap - o, "</asic:ASiCManifest>\n");
		snprintf(name, sizeof(name), "META-INF/ASiCManifest%03zu.xml", j + 1);
		rc = bt_parts_add(&l, name, man, o);
		l.p[l.n - 1].deflate = 1;
		snprintf(name, sizeof(name), "META-INF/signature%03zu.p7s", j + 1);
		rc = rc ? rc : bt_parts_add(&l, name, "\x30\x03\x02\x01\x00", 5);
	}
	rc = man != NULL && rc == 0 ? bt_zip_write(h->ctx, h->bundle, l.p, l.n) : -1;
	bt_parts_free(&l);
	free(man);
	return rc;
}

/* 64 manifests of 1 MB (4,500 references each): 64 MiB held, 288,000 findings, 228 MB of
 * RSS and 9 s. */
static int b_man_64_of_1mb(struct hx *h)
{
	return write_many_refs(h, 64, 4500, 9800);
}

/* 7 such manifests (7 MB, under the 8 MiB): 31,500 digest mismatches, reported within the
 * bounds. */
static int b_man_7_of_1mb(struct hx *h)
{
	return write_many_refs(h, 7, 4500, 9800);
}

/* A PEM file of certificates. */
static int write_pem(const char *path, X509 *const *x, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t k;
	int ok = f != NULL;

	for (k = 0; ok && k < n; k++)
		ok = PEM_write_X509(f, x[k]) == 1;
	if (f != NULL && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/*
 * Trust anchors that issued each other (A by B, B by A, neither self-signed) in signers/,
 * and the bundle signed by a leaf of A: a chain builder can walk the anchors round and
 * round.
 */
static int b_trust_anchor_loop(struct hx *h)
{
	EVP_PKEY *ka = ec_key(), *kb = ec_key(), *kl = ec_key();
	X509 *x[3] = {NULL, NULL, NULL};
	struct spec sp = {0};
	char *path = NULL;
	int rc = -1;

	if (ka && kb && kl && own_trust(h) == 0) {
		x[0] = make_cert("Loop CA A - TEST ONLY", ka, "Loop CA B - TEST ONLY", kb, 1, 1);
		x[1] = make_cert("Loop CA B - TEST ONLY", kb, "Loop CA A - TEST ONLY", ka, 2, 1);
		x[2] =
		    make_cert("Jane Director - TEST ONLY", kl, "Loop CA A - TEST ONLY", ka, 3, 0);
		path = bt_fmt("%s/signers/loop.pem", h->trust);
	}
	if (x[0] && x[1] && x[2] && path && write_pem(path, x, 2) == 0) {
		sp.cert = x[2], sp.key = kl;
		rc = write_spec(h, &sp);
	}
	free(path);
	X509_free(x[0]);
	X509_free(x[1]);
	X509_free(x[2]);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	EVP_PKEY_free(kl);
	return rc;
}

/* Signed by a self-signed certificate in the director's name (an attacker's own). */
static int b_cms_self_signed(struct hx *h)
{
	EVP_PKEY *k = ec_key();
	X509 *x =
	    k ? make_cert("Jane Director - TEST ONLY", k, "Jane Director - TEST ONLY", k, 9, 0)
	      : NULL;
	struct spec sp = {0};
	int rc = -1;

	if (x != NULL) {
		sp.cert = x, sp.key = k;
		rc = write_spec(h, &sp);
	}
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}

/* The sample with n copies of pdf as evidence/NAME-NNNN.pdf, all signed (verify scans only
 * the PDFs that a signature that verifies covers). */
static int write_copies(struct hx *h, const char *name, const unsigned char *pdf, size_t len,
			size_t n)
{
	struct bt_parts d;
	struct spec sp = {0};
	char entry[64];
	size_t k;
	int rc;

	if (data_with(h, &d, "", NULL, 0) != 0)
		return -1;
	for (k = 0, rc = 0; rc == 0 && k < n; k++) {
		snprintf(entry, sizeof(entry), "evidence/%s-%04zu.pdf", name, k);
		rc = bt_parts_add(&d, entry, pdf, len);
	}
	sp.data = &d;
	rc = rc == 0 ? write_spec(h, &sp) : -1;
	bt_parts_free(&d);
	return rc;
}

/*
 * 2,900 copies of the signed certificate PDF (52 MB): each signature took 0.6 ms of CMS
 * and chain work, 2.5 s in all; a bundle may now have 256 checked.
 */
static int b_pdf_signed_2900(struct hx *h)
{
	char *src = bt_fixture("pdf/signed.pdf");
	unsigned char *pdf = NULL;
	size_t len = 0;
	int rc = -1;

	if (bt_read(src, &pdf, &len) == 0)
		rc = write_copies(h, "copy", pdf, len, 2900);
	free(pdf);
	free(src);
	return rc;
}

/*
 * n PDFs each of one object stream of 41 arrays of 200,000 integers (issue 6's stream,
 * once): 8.2 M values, 16.4 MB inflated from about 100 KB, each PDF within every limit of
 * its own. With a budget per PDF, 20 of them took 6 s and 50 took 15 s (issue 13); the
 * bundle's PDFs now share one, so the second passes it and the rest fail unscanned.
 */
static int write_near_limit(struct hx *h, size_t n)
{
	size_t len = 0, first = 0, zlen = 0;
	unsigned char *d = objstm_data(41, 200000, "0 ", 7, &len, &first), *z = NULL;
	struct pdfb b;
	char dict[96];
	int rc = -1;

	pb_start(&b);
	if (d != NULL && (z = zcompress(d, len, 6, &zlen)) != NULL) {
		snprintf(dict, sizeof(dict), "/Type /ObjStm /N 41 /First %zu", first);
		pb_flate(&b, dict, z, zlen);
	}
	pb_end(&b, NULL);
	if (!b.failed && d != NULL && z != NULL)
		rc = write_copies(h, "near", b.p, b.n, n);
	free(b.p);
	free(b.off);
	free(d);
	free(z);
	return rc;
}

static int b_pdf_near_limit_20(struct hx *h)
{
	return write_near_limit(h, 20);
}

static int b_pdf_near_limit_50(struct hx *h)
{
	return write_near_limit(h, 50);
}

/* PDFs of one object with this body. */
static int write_pdf_object(struct hx *h, const char *body)
{
	struct pdfb b;

	pb_start(&b);
	pb_obj(&b, body, strlen(body), NULL, 0);
	pb_end(&b, NULL);
	return write_pdfb(h, &b);
}

static int b_pdf_xfa(struct hx *h)
{
	return write_pdf_object(h, "<< /Fields [] /XFA (<xdp:xdp/>) >>");
}

static int b_pdf_richmedia(struct hx *h)
{
	return write_pdf_object(h, "<< /Type /Annot /Subtype /RichMedia /Rect [0 0 1 1] >>");
}

/* The sample's assessment with 1,001 nested elements inside its root. */
static int b_assess_deep(struct hx *h)
{
	char *a = part_str(h, "assessment.xml"), *xml = NULL, *ins = malloc(1001 * 8 + 1);
	const char *end = a ? strstr(a, "</assessment>") : NULL;
	size_t k, o = 0;
	int rc = -1;

	for (k = 0; ins != NULL && k < 1001; k++)
		memcpy(ins + o, "<d>", 3), o += 3;
	for (k = 0; ins != NULL && k < 1001; k++)
		memcpy(ins + o, "</d>", 4), o += 4;
	if (ins != NULL)
		ins[o] = '\0';
	if (end != NULL && ins != NULL)
		xml = bt_fmt("%.*s%s%s", (int)(end - a), a, ins, end);
	if (xml != NULL)
		rc = write_assessment(h, xml, strlen(xml));
	free(xml);
	free(ins);
	free(a);
	return rc;
}

/* ---- the report: thousands of findings of one kind ---------------------------------- */

/*
 * The signed sample plus 9,980 empty entries no manifest covers, named "u/" and 898 bytes
 * (unit, repeated, then the number): each is a manifest.unsigned and an
 * assessment.unreferenced failure. The report held all 19,960 findings with their
 * 900-byte subjects and every format rendered them: 77 to 101 MB of RSS. Now it lists the
 * first 100 of each and counts the rest.
 */
static int write_unsigned_many(struct hx *h, const char *unit, size_t unit_len)
{
	struct spec sp = {0};
	struct bt_parts l;
	char name[1024];
	size_t k, o, reps = (898 - 5) / unit_len;
	int rc = -1;

	if (bundle_parts(h, &sp, &l) != 0)
		return -1;
	memcpy(name, "u/", 2);
	for (o = 2, k = 0; k < reps; k++, o += unit_len)
		memcpy(name + o, unit, unit_len);
	for (k = 0; k < 9980; k++) {
		snprintf(name + o, sizeof(name) - o, "%05zu", k);
		if (bt_parts_add(&l, name, "", 0) != 0)
			break;
	}
	if (k == 9980)
		rc = bt_zip_write(h->ctx, h->bundle, l.p, l.n);
	bt_parts_free(&l);
	return rc;
}

static int b_report_unsigned(struct hx *h)
{
	return write_unsigned_many(h, "n", 1);
}

/* The same with names of U+202E, which JSON and XML each write as U+FFFD (3 bytes). */
static int b_report_unsigned_bidi(struct hx *h)
{
	return write_unsigned_many(h, "\xE2\x80\xAE", 3);
}

/* ---- the table ------------------------------------------------------------------------- */

#define FAIL(id) 1, id, "fail"
#define S(x) "\"" x "\"" /* a subject as the JSON writes it */

static const struct hcase cases[] = {
    /* the sample itself, written by the library and by ziptool: the bounds hold, PASSED */
    {"baseline", b_baseline, 0, "manifest.coverage", "pass", NULL, NULL, NULL},
    {"zip.baseline", b_zip_baseline, 0, "container.structure", "pass", NULL, NULL, NULL},
    /* container (docs/checks.md container.*; NOTES.md section 4) */
    {"zip.prefix_fixed_offsets", b_zip_prefix, FAIL("container.layout"), S("mimetype"), NULL, NULL},
    {"zip.gap", b_zip_gap, FAIL("container.layout"), S(POLICY_PDF), NULL, NULL},
    {"zip.overlap", b_zip_overlap, FAIL("container.layout"), S("policies/copy.pdf"), NULL, NULL},
    {"zip.deflate_trailing_garbage", b_zip_deflate_tail, FAIL("container.data"),
     S("assessment.xml"), NULL, NULL},
    {"zip.deflate_truncated", b_zip_deflate_cut, FAIL("container.data"), S("assessment.xml"), NULL,
     NULL},
    {"zip.eocd_in_comment", b_zip_eocd_in_comment, FAIL("container.eocd"), NULL, NULL, NULL},
    {"zip.crc", b_zip_crc, FAIL("container.crc"), S(POLICY_PDF), NULL, NULL},
    {"zip.size_lie", b_zip_size_lie, FAIL("container.data"), S("assessment.xml"), NULL, NULL},
    {"zip.zip64_size_overflow", b_zip_zip64_overflow, FAIL("container.limits"), S(POLICY_PDF), NULL,
     NULL},
    {"zip.case_collision", b_zip_case_collision, FAIL("container.duplicate"), NULL, NULL, NULL},
    {"zip.normalisation_collision", b_zip_nfd_collision, FAIL("container.duplicate"), NULL,
     "Unicode normalisation", NULL},
    {"zip.duplicate", b_zip_duplicate, FAIL("container.duplicate"), S("assessment.xml"), NULL,
     NULL},
    {"zip.symlink", b_zip_symlink, FAIL("container.type"), S(POLICY_PDF), NULL, NULL},
    {"zip.encrypted", b_zip_encrypted, FAIL("container.encrypted"), S(POLICY_PDF), NULL, NULL},
    {"zip.method_bzip2", b_zip_method, FAIL("container.method"), S(POLICY_PDF), NULL, NULL},
    {"zip.comment", b_zip_comment, FAIL("container.eocd"), NULL, NULL, NULL},
    {"zip.data_after_eocd", b_zip_trailer, FAIL("container.eocd"), NULL, NULL, NULL},
    {"zip.mimetype_second", b_zip_mime_second, FAIL("container.mimetype"), S("assessment.xml"),
     NULL, NULL},
    {"zip.mimetype_deflated", b_zip_mime_deflated, FAIL("container.mimetype"), S("mimetype"), NULL,
     NULL},
    {"zip.local_name_differs", b_zip_local_name, FAIL("container.header"), S(POLICY_PDF), NULL,
     NULL},
    {"zip.count_50000", b_zip_count, FAIL("container.limits"), NULL, NULL, NULL},
    {"zip.bomb_1000_to_1", b_zip_bomb, FAIL("container.limits"), S("evidence/zeros.pdf"), NULL,
     NULL},
    {"zip.inflate_4gb_under_200_to_1", b_zip_inflate_total, FAIL("container.limits"), NULL,
     "8 times", NULL},
    {"zip.entries_10001", b_zip_entries, FAIL("container.limits"), NULL, NULL, NULL},
    {"zip.central_directory_64mb", b_zip_cd_comments, FAIL("container.limits"), NULL,
     "larger than the limit", NULL},
    {"zip.names_505_folders_deep", b_zip_deep_names, FAIL("manifest.missing"), NULL, NULL, NULL},
    {"zip.manifests_65", b_zip_manifests, FAIL("container.limits"), NULL, "64 manifests", NULL},
    {"zip.not_a_zip", b_not_zip, FAIL("container.eocd"), NULL, NULL, NULL},
    {"zip.empty_file", b_empty, FAIL("container.eocd"), NULL, NULL, NULL},
    /* what other zip readers obey and this one ignored (issue 13, NOTES.md section 7) */
    {"zip.zip64_locator_second_cd", b_zip_locator_attack, FAIL("container.zip64"), NULL,
     "disagrees with an unsaturated field", NULL},
    {"zip.asi_unix_symlink", b_zip_asi_symlink, FAIL("container.extra"), S(POLICY_PDF), "0x756e",
     NULL},
    {"zip.libarchive_xl_symlink", b_zip_xl_symlink, FAIL("container.extra"), S(POLICY_PDF),
     "local extra field 0x6c78", NULL},
    {"zip.unicode_path_v2_swap", b_zip_unicode_path_v2, FAIL("container.extra"), S(POLICY_PDF),
     "0x7075", NULL},
    {"zip.dos_directory_attribute", b_zip_dos_directory, FAIL("container.type"),
     S("assessment.xml"), "directory attribute on a file", NULL},
    {"zip.volume_label_attribute", b_zip_volume_label, FAIL("container.type"), S(POLICY_PDF),
     "volume-label", NULL},
    {"zip.central_comment", b_zip_central_comment, FAIL("container.comment"), S(POLICY_PDF), NULL,
     NULL},
    {"zip.local_only_extra", b_zip_local_only_extra, FAIL("container.extra"), S(POLICY_PDF),
     "local extra field 0x7875", NULL},
    {"zip.zip64_extra_not_needed", b_zip_zip64_unneeded, FAIL("container.extra"), S(POLICY_PDF),
     "no 32-bit field is saturated", NULL},
    {"zip.flag_patched_data", b_zip_flag_patched, FAIL("container.flags"), S(POLICY_PDF), "bit 5",
     NULL},
    {"zip.flag_encrypted_directory", b_zip_flag_cd_encrypted, FAIL("container.encrypted"),
     S(POLICY_PDF), "bit 13", NULL},
    {"zip.stored_with_descriptor", b_zip_stored_descriptor, FAIL("container.flags"), S(POLICY_PDF),
     "stored entry with a data descriptor", NULL},
    /* entry names */
    {"name.nul", b_name_nul, FAIL("container.name"), S("policies/a.pdf"), NULL, NULL},
    {"name.overlong_utf8_c0af", b_name_overlong, FAIL("container.name"), NULL, NULL, NULL},
    {"name.invalid_utf8", b_name_bad_utf8, FAIL("container.name"), NULL, NULL, NULL},
    {"name.dotdot", b_name_dotdot, FAIL("container.name"), S("../../etc/cron.d/evil"), NULL, NULL},
    {"name.absolute", b_name_absolute, FAIL("container.name"), S("/etc/cron.d/evil"), NULL, NULL},
    {"name.backslash", b_name_backslash, FAIL("container.name"), NULL, NULL, NULL},
    /* manifest (NOTES.md section 5) */
    {"xml.doctype", b_man_doctype, FAIL("manifest.doctype"), S(BT_MANIFEST), NULL, NULL},
    {"xml.xxe_file", b_man_xxe, FAIL("manifest.doctype"), S(BT_MANIFEST), NULL, NULL},
    {"xml.billion_laughs", b_man_laughs, FAIL("manifest.doctype"), S(BT_MANIFEST), NULL, NULL},
    {"xml.depth_1001", b_man_deep, FAIL("manifest.xml"), S(BT_MANIFEST), NULL, NULL},
    {"xml.xinclude", b_man_xinclude, FAIL("manifest.schema"), S(BT_MANIFEST), NULL, NULL},
    {"xml.huge_attribute", b_man_huge_attr, FAIL("manifest.reference"), NULL, "name too long",
     NULL},
    {"xml.huge_text", b_man_huge_text, FAIL("manifest.reference"), S("assessment.xml"),
     "wrong length", NULL},
    {"xml.over_1mib", b_man_too_large, FAIL("manifest.xml"), S(BT_MANIFEST), NULL, NULL},
    {"xml.not_utf8", b_man_not_utf8, FAIL("manifest.xml"), S(BT_MANIFEST), NULL, NULL},
    {"xml.manifests_64_of_1mb", b_man_64_of_1mb, FAIL("container.limits"), NULL, "8 MiB in all",
     NULL},
    {"xml.references_31500_mismatched", b_man_7_of_1mb, FAIL("manifest.digest"),
     S("data/f00000.txt"), NULL, NULL},
    {"xml.reference_traversal", b_man_traversal, FAIL("manifest.reference"), S("../../etc/passwd"),
     "'..' segment", NULL},
    /* signature (NOTES.md sections 2 and 3) */
    {"cms.two_signer_infos", b_cms_two_signers, FAIL("signature.signers"), S(BT_SIGNATURE), NULL,
     NULL},
    {"cms.signing_time_twice", b_cms_two_times, FAIL("signature.signing_time"), S(BT_SIGNATURE),
     NULL, NULL},
    {"cms.embedded_content", b_cms_embedded, FAIL("signature.detached"), S(BT_SIGNATURE), NULL,
     NULL},
    {"cms.trailing_garbage", b_cms_trailing, FAIL("signature.parse"), S(BT_SIGNATURE), NULL, NULL},
    {"cms.econtent_type", b_cms_econtent, FAIL("signature.content_type"), S(BT_SIGNATURE), NULL,
     NULL},
    {"cms.no_signed_attributes", b_cms_no_attrs, FAIL("signature.attributes"), S(BT_SIGNATURE),
     NULL, NULL},
    {"cms.no_signing_cert_v2", b_cms_no_cades, FAIL("signature.signing_certificate"),
     S(BT_SIGNATURE), NULL, NULL},
    {"cms.bad_signature", b_cms_bad_value, FAIL("signature.value"), S(BT_SIGNATURE), NULL, NULL},
    {"cms.no_certificates", b_cms_no_certs, FAIL("signature.signer_cert"), S(BT_SIGNATURE), NULL,
     NULL},
    {"cms.garbage", b_cms_garbage, FAIL("signature.parse"), S(BT_SIGNATURE), NULL, NULL},
    {"cms.ber_nesting_100000", b_cms_deep_asn1, FAIL("signature.parse"), S(BT_SIGNATURE), NULL,
     NULL},
    {"cms.over_1mib", b_cms_too_large, FAIL("signature.parse"), S(BT_SIGNATURE), NULL, NULL},
    {"cms.manifest_changed", b_cms_digest, FAIL("signature.digest"), S(BT_SIGNATURE), NULL, NULL},
    {"cms.sha1", b_cms_sha1, FAIL("signature.algorithm"), S(BT_SIGNATURE), NULL, NULL},
    {"cms.41_certificates", b_cms_many_certs, FAIL("signature.parse"), S(BT_SIGNATURE), NULL, NULL},
    {"cert.chain_loop", b_chain_loop, 3, "signer.untrusted", "indeterminate", NULL, NULL, NULL},
    {"cert.self_signed", b_cms_self_signed, 3, "signer.untrusted", "indeterminate", NULL, NULL,
     NULL},
    {"cert.revoked", b_cms_revoked, FAIL("signer.revoked"), NULL, NULL, NULL},
    {"cert.rsa1024", b_cms_rsa1024, FAIL("signer.key"), NULL, NULL, NULL},
    {"cert.untrusted_root", b_cms_untrusted, 3, "signer.untrusted", "indeterminate", NULL, NULL,
     NULL},
    /* PDF evidence (NOTES.md section 6) */
    {"pdf.javascript", b_pdf_js, FAIL("pdf.javascript"), S(POLICY_PDF), NULL, NULL},
    {"pdf.javascript_escaped", b_pdf_js_escaped, FAIL("pdf.javascript"), S(POLICY_PDF), NULL, NULL},
    {"pdf.javascript_objstm_deflated", b_pdf_js_objstm, FAIL("pdf.javascript"), S(POLICY_PDF), NULL,
     NULL},
    {"pdf.launch", b_pdf_launch, FAIL("pdf.launch"), S(POLICY_PDF), NULL, NULL},
    {"pdf.embedded_file", b_pdf_embedded, FAIL("pdf.embedded_file"), S(POLICY_PDF), NULL, NULL},
    {"pdf.encrypted", b_pdf_encrypted, FAIL("pdf.encrypted"), S(POLICY_PDF), NULL, NULL},
    {"pdf.deflate_bomb", b_pdf_bomb, FAIL("pdf.limits"), S(POLICY_PDF), "bomb", NULL},
    {"pdf.broken_xref", b_pdf_xref, FAIL("pdf.xref"), S(POLICY_PDF), NULL, NULL},
    {"pdf.byterange_not_0abc", b_pdf_byterange, FAIL("pdf.byterange"), S(POLICY_PDF), NULL, NULL},
    {"pdf.gap_not_contents", b_pdf_gap, FAIL("pdf.byterange"), S(POLICY_PDF), NULL, NULL},
    {"pdf.data_after_range", b_pdf_appended, FAIL("pdf.coverage"), S(POLICY_PDF), NULL, NULL},
    {"pdf.incremental_update", b_pdf_updated, FAIL("pdf.coverage"), S(POLICY_PDF), NULL, NULL},
    {"pdf.nonzero_padding", b_pdf_padding, FAIL("pdf.contents"), S(POLICY_PDF), NULL, NULL},
    {"pdf.subfilter_sha1", b_pdf_subfilter, FAIL("pdf.subfilter"), S(POLICY_PDF), NULL, NULL},
    {"pdf.signed_2900_copies", b_pdf_signed_2900, FAIL("pdf.limits"), S("evidence/copy-0256.pdf"),
     "256 PDF signatures", NULL},
    {"pdf.near_limit_20_pdfs", b_pdf_near_limit_20, FAIL("pdf.limits"), S("evidence/near-0019.pdf"),
     "not scanned", NULL},
    {"pdf.near_limit_50_pdfs", b_pdf_near_limit_50, FAIL("pdf.limits"), S("evidence/near-0049.pdf"),
     "not scanned", NULL},
    {"pdf.xfa", b_pdf_xfa, FAIL("pdf.xfa"), S(POLICY_PDF), NULL, NULL},
    {"pdf.richmedia", b_pdf_richmedia, FAIL("pdf.richmedia"), S(POLICY_PDF), NULL, NULL},
    {"pdf.not_a_pdf", b_pdf_not_pdf, FAIL("pdf.header"), S(POLICY_PDF), NULL, NULL},
    {"pdf.nesting_65", b_pdf_nesting, FAIL("pdf.limits"), S(POLICY_PDF), "nested", NULL},
    {"pdf.objstm_bomb", b_pdf_objstm_bomb, FAIL("pdf.limits"), S(POLICY_PDF), "bomb", NULL},
    {"pdf.objstm_values_20x16mib", b_pdf_objstm_values, FAIL("pdf.limits"), S(POLICY_PDF), "values",
     NULL},
    {"pdf.objstm_names_20x16mib", b_pdf_objstm_names, FAIL("pdf.limits"), S(POLICY_PDF), "values",
     NULL},
    {"pdf.file_values_21mb", b_pdf_file_values, FAIL("pdf.limits"), S(POLICY_PDF), "values", NULL},
    {"pdf.flate_199_to_1_50mb", b_pdf_flate199, FAIL("pdf.limits"), S(POLICY_PDF), "512 MiB", NULL},
    {"pdf.strings_41mib", b_pdf_strings, FAIL("pdf.limits"), S(POLICY_PDF), "40 MiB of memory",
     NULL},
    /* legal, so accepted: the case is the bound (113 MB of RSS before) */
    {"pdf.small_arrays_131000", b_pdf_small_arrays, 0, "pdf.clean", "pass", S(POLICY_PDF), NULL,
     NULL},
    {"pdf.index_and_table_memory", b_pdf_index_table, FAIL("pdf.limits"), S(POLICY_PDF),
     "40 MiB of memory", NULL},
    /* the assessment */
    {"assessment.billion_laughs", b_assess_laughs, FAIL("assessment.xml"), NULL, NULL, NULL},
    {"assessment.depth_1001", b_assess_deep, FAIL("assessment.xml"), NULL, NULL, NULL},
    {"assessment.over_1mib", b_assess_too_large, FAIL("assessment.xml"), NULL, NULL, NULL},
    /* the trust directory (errors: the run stops with one line naming the file) */
    {"trust.crl_100mb_sparse", b_trust_huge_crl, 2, NULL, NULL, NULL, NULL,
     "cannot load '%T/crl/huge.crl': larger than 16777216 bytes"},
    {"trust.crl_corrupt", b_trust_bad_crl, 2, NULL, NULL, NULL, NULL,
     "'%T/crl/bad.crl' is not a CRL (PEM or DER)"},
    {"trust.policy_billion_laughs", b_trust_policy_laughs, 2, NULL, NULL, NULL, NULL,
     "cannot load '%T/policy.xml': DOCTYPE declarations are not allowed"},
    {"trust.anchors_issue_each_other", b_trust_anchor_loop, FAIL("signer.chain"), NULL, NULL, NULL},
    {"trust.leaf_as_anchor", b_trust_leaf_anchor, 2, NULL, NULL, NULL, NULL,
     "cannot use '%T/signers/director.pem' as a trust anchor: not a CA certificate"},
    /* the bundle path itself */
    {"input.fifo", b_fifo, 2, NULL, NULL, NULL, NULL, "cannot read '%B': not a regular file"},
    {"input.directory", b_directory, 2, NULL, NULL, NULL, NULL,
     "'%B' is a folder, not a bundle: 'verify' takes a bundle (.coco); check a submission "
     "folder with 'coco-bundle lint'"},
};

/* Cases run in another --format than json: NULL is json; text, html and xml are checked for
 * the verdict and for the id and msg anywhere in the output. */
struct fcase {
	struct hcase c;
	const char *format;
};

static const struct fcase format_cases[] = {
    /* the report: 19,960 failures of two kinds, in every format */
    {{"report.unsigned_9980_json", b_report_unsigned, FAIL("manifest.unsigned"), "null",
      "and 9880 more findings", NULL},
     NULL},
    {{"report.unsigned_9980_text", b_report_unsigned, FAIL("manifest.unsigned"), NULL,
      "fail          manifest.unsigned: and 9880 more findings", NULL},
     "text"},
    {{"report.unsigned_9980_html", b_report_unsigned, FAIL("manifest.unsigned"), NULL,
      "and 9880 more findings", NULL},
     "html"},
    {{"report.unsigned_9980_xml", b_report_unsigned, FAIL("manifest.unsigned"), NULL,
      "more=\"9880\">and 9880 more findings", NULL},
     "xml"},
    {{"report.unsigned_9980_bidi_json", b_report_unsigned_bidi, FAIL("assessment.unreferenced"),
      "null", "and 9880 more findings", NULL},
     NULL},
    {{"report.unsigned_9980_bidi_xml", b_report_unsigned_bidi, FAIL("assessment.unreferenced"),
      NULL, "more=\"9880\">and 9880 more findings", NULL},
     "xml"},
};

/* ---- running one case -------------------------------------------------------------------- */

struct run {
	int status;
	double ms, cpu_ms; /* wall and CPU (user + system) time */
	long kb;
	char *out, *err; /* the child's stdout and stderr (malloc'd, NUL-terminated) */
};

static void run_verify(struct hx *h, const char *format, struct run *r)
{
	char *res = bt_fmt("%s/result", h->dir), *o = bt_fmt("%s/stdout", h->dir);
	char *e = bt_fmt("%s/stderr", h->dir), *coco = getenv("COCO");
	const char *argv[] = {"check_coco", "--measure", res,        coco,
			      "verify",     h->bundle,   "--trust",  h->trust,
			      "--at",       HX_AT,       "--format", format ? format : "json",
			      NULL};
	unsigned char *buf = NULL;
	long long ns = 0, us = 0;
	size_t len = 0;
	pid_t pid;
	int st;

	ck_assert_msg(coco != NULL && coco[0] == '/',
		      "set COCO to the absolute path of coco-bundle");
	fflush(NULL);
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
			_exit(126);
		execv(test_self != NULL ? test_self : "/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the launcher failed (%d)", st);
	ck_assert_int_eq(bt_read(res, &buf, &len), 0);
	ck_assert_int_eq(sscanf((char *)buf, "%d %lld %ld %lld", &r->status, &ns, &r->kb, &us), 4);
	r->ms = (double)ns / 1e6;
	r->cpu_ms = (double)us / 1e3;
	free(buf);
	ck_assert_int_eq(bt_read(o, (unsigned char **)&r->out, &len), 0);
	ck_assert_int_eq(bt_read(e, (unsigned char **)&r->err, &len), 0);
	free(res);
	free(o);
	free(e);
}

/* The exact stderr a case expects: "coco-bundle: " and its message, with %T replaced by
 * the trust folder and %B by the bundle. */
static char *expected_error(const struct hx *h, const char *msg)
{
	const char *t = strstr(msg, "%T"), *b = strstr(msg, "%B");
	const char *at = t ? t : b;

	if (at == NULL)
		return bt_fmt("coco-bundle: %s\n", msg);
	return bt_fmt("coco-bundle: %.*s%s%s\n", (int)(at - msg), msg, t ? h->trust : h->bundle,
		      at + 2);
}

/* The start of the case's finding as the JSON writes it (malloc'd). */
static char *finding_key(const struct hcase *c)
{
	return c->subject ? bt_fmt("{\"id\": \"%s\", \"status\": \"%s\", \"subject\": %s", c->id,
				   c->status, c->subject)
			  : bt_fmt("{\"id\": \"%s\", \"status\": \"%s\"", c->id, c->status);
}

/* The verdict v (0 PASSED, 1 FAILED, 3 INDETERMINATE, as the exit status) as format writes it. */
static const char *verdict_mark(int v, const char *format)
{
	static const char *const marks[][3] = {
	    {"\"verdict\": \"PASSED\"", "\"verdict\": \"FAILED\"",
	     "\"verdict\": \"INDETERMINATE\""},
	    {"\nverdict    PASSED\n", "\nverdict    FAILED\n", "\nverdict    INDETERMINATE\n"},
	    {"<strong>PASSED</strong>", "<strong>FAILED</strong>",
	     "<strong>INDETERMINATE</strong>"},
	    {" verdict=\"PASSED\"", " verdict=\"FAILED\"", " verdict=\"INDETERMINATE\""},
	};
	const char *f = format ? format : "json";
	int k = strcmp(f, "text") == 0   ? 1
		: strcmp(f, "html") == 0 ? 2
		: strcmp(f, "xml") == 0  ? 3
					 : 0;

	return marks[k][v == 0 ? 0 : v == 1 ? 1 : 2];
}

/* text, html, xml: the verdict, and the id and msg somewhere in the output. */
static void check_other_format(const struct hcase *c, const char *format, const struct run *r)
{
	ck_assert_msg(strstr(r->out, c->id) != NULL, "%s: no %s in:\n%.3000s", c->name, c->id,
		      r->out);
	ck_assert_msg(c->msg == NULL || strstr(r->out, c->msg) != NULL, "%s: no '%s' in:\n%.3000s",
		      c->name, c->msg, r->out);
	ck_assert_msg(strstr(r->out, verdict_mark(c->exit, format)) != NULL, "%s: not %s:\n%.3000s",
		      c->name, verdict_mark(c->exit, format), r->out);
	ck_assert_msg(r->err[0] == '\0', "%s: stderr: %.1000s", c->name, r->err);
}

static void check_finding(const struct hcase *c, const struct run *r)
{
	char *want = finding_key(c);
	const char *verdict = verdict_mark(c->exit, NULL);

	const char *hit = strstr(r->out, want), *eol = hit ? strchr(hit, '\n') : NULL;

	ck_assert_msg(hit != NULL, "%s: no %s in:\n%.3000s", c->name, want, r->out);
	ck_assert_msg(c->msg == NULL || (strstr(hit, c->msg) != NULL &&
					 (eol == NULL || strstr(hit, c->msg) < eol)),
		      "%s: the finding lacks '%s': %.*s", c->name, c->msg,
		      (int)(eol && eol - hit < 2000 ? eol - hit : 2000), hit);
	ck_assert_msg(strstr(r->out, verdict) != NULL, "%s: not %s:\n%.3000s", c->name, verdict,
		      r->out);
	ck_assert_msg(r->err[0] == '\0', "%s: stderr: %.1000s", c->name, r->err);
	free(want);
}

/*
 * The reader differential on the case's bundle: against coco-bundle's reading for a bundle
 * it accepted (every reader must agree: exit 0), or among the readers alone for an attack
 * (they must disagree: exit 1, which shows that the oracle sees what it is there for).
 */
static void run_readers(const struct hx *h, const struct hcase *c, int disagree)
{
	char *script = bt_fixture("../tests/differential.py"), *log = bt_fmt("%s/readers", h->dir);
	/* Debian's python3: one earlier in PATH may be a slow shim (pyenv) */
	const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	const char *argv[] = {py,
			      script,
			      disagree ? "--readers-only" : "--coco",
			      disagree ? h->bundle : getenv("COCO"),
			      disagree ? NULL : h->bundle,
			      NULL};
	unsigned char *out = NULL;
	size_t len = 0;
	pid_t pid;
	int st;

	fflush(NULL);
	ck_assert_int_ge(pid = fork(), 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(bt_read(log, &out, &len), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == (disagree ? 1 : 0),
		      "%s: the reader differential ended %d, expected exit %d:\n%.3000s", c->name,
		      st, disagree ? 1 : 0, (char *)out);
	fprintf(stderr, "hostile: %-32s readers %s\n%s", c->name,
		disagree ? "disagree, as they must:" : "agree", disagree ? (char *)out : "");
	free(out);
	free(log);
	free(script);
}

/* What the run said, for the summary line: the case's finding's message, or stderr. */
static void summary(const struct hcase *c, const struct run *r, const char *note)
{
	char *want = c->id ? finding_key(c) : NULL;
	const char *at = want ? strstr(r->out, want) : NULL, *m = NULL;
	int n = 0;

	if (at != NULL && (m = strstr(at, "\"message\": \"")) != NULL) {
		m += 12;
		n = (int)strcspn(m, "\"\n");
	} else if (r->err[0] != '\0') {
		m = r->err;
		n = (int)strcspn(m, "\n");
	}
	fprintf(stderr, "hostile: %-32s exit %d %8.1f ms (CPU %7.1f ms) %7ld KB%s  %.*s\n", c->name,
		r->status, r->ms, r->cpu_ms, r->kb, note, n > 90 ? 90 : n, m ? m : "");
	free(want);
}

/* Builds case c's input, runs verify --format format (NULL: json) and asserts everything. */
static void hostile_run(const struct hcase *c, const char *format)
{
	struct hx h;
	struct run r;

	hx_setup(&h);
	ck_assert_msg(c->build(&h) == 0, "%s: could not build the bundle", c->name);
	run_verify(&h, format, &r);
	/* The suite shares a small machine: a wall time over the bound while the CPU time is
	 * under half of it is a busy machine, not a slow run. Measure once more, judge that. */
	if (r.ms >= HX_WALL_MS && r.cpu_ms < HX_WALL_MS / 2) {
		summary(c, &r, " busy, again:");
		free(r.out);
		free(r.err);
		run_verify(&h, format, &r);
	}
	summary(c, &r, "");
	ck_assert_msg(r.status == c->exit, "%s: exit %d, expected %d; stderr: %.1000s\n%.3000s",
		      c->name, r.status, c->exit, r.err, r.out);
	if (c->exit == 2) {
		char *want = expected_error(&h, c->error);
		ck_assert_msg(strcmp(r.err, want) == 0, "%s: stderr\n%.1000s expected\n%s", c->name,
			      r.err, want);
		ck_assert_msg(r.out[0] == '\0', "%s: stdout: %.1000s", c->name, r.out);
		free(want);
	} else if (format != NULL) {
		check_other_format(c, format, &r);
	} else {
		check_finding(c, &r);
	}
	ck_assert_msg(c->exit == 0 || strstr(r.out, verdict_mark(0, format)) == NULL, "%s: PASSED",
		      c->name);
	ck_assert_msg(r.ms < HX_WALL_MS, "%s: %.1f ms (CPU %.1f ms), over the %d ms bound", c->name,
		      r.ms, r.cpu_ms, HX_WALL_MS);
	ck_assert_msg(HX_RSS_KB == 0 || r.kb < HX_RSS_KB, "%s: peak RSS %ld KB, over %d KB",
		      c->name, r.kb, HX_RSS_KB);
	/* A PASSED bundle is read by the other zip readers too, which must agree with it; on
	 * the locator attack they must disagree among themselves (tests/differential.py). */
	if (c->exit == 0 || c->build == b_zip_locator_attack)
		run_readers(&h, c, c->build == b_zip_locator_attack);
	free(r.out);
	free(r.err);
	hx_teardown(&h);
}

START_TEST(test_hostile)
{
	hostile_run(&cases[_i], NULL);
}
END_TEST

START_TEST(test_hostile_format)
{
	hostile_run(&format_cases[_i].c, format_cases[_i].format);
}
END_TEST

Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("corpus");

	tcase_add_unchecked_fixture(tc, bt_tmp_setup, bt_tmp_teardown);
	tcase_add_loop_test(tc, test_hostile, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, test_hostile_format, 0,
			    (int)(sizeof(format_cases) / sizeof(format_cases[0])));
	tcase_set_timeout(tc, HX_KILL_S + 60);
	suite_add_tcase(s, tc);
	return s;
}
