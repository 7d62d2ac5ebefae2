/*
 * Unit tests of the whole pipeline on real files: coco_create of fixtures/example, then
 * coco_verify, coco_inspect and coco_extract on that bundle and on bundles changed in
 * exactly one way (rebuilt with the library's canonical writer, or patched in place with
 * the CRC fixed so only the manifest digest can notice).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "bundletool.h"
#include "fault.h"
#include "suites.h"

/*
 * The verification time, and the time bundles here are signed at (coco_cms_sign claims the
 * context's time as the signing-time); the leaves and CRLs are valid until 2036-01-01.
 */
#define AT "2027-01-15"
#define OLD_BYTES "old bundle bytes\n"

struct fixture {
	struct coco_ctx *ctx;
	struct coco_signer *signer;
	struct coco_report *r;
	char *tmp;     /* removed afterwards */
	char *example; /* <fixtures>/example */
	char *bundle;  /* <tmp>/bundle.coco */
};

static void setup(struct fixture *fx)
{
	char *trust = bt_fixture("trust");

	memset(fx, 0, sizeof(*fx));
	ck_assert_int_eq(coco_ctx_new(&fx->ctx), COCO_OK);
	coco_ctx_set_time(fx->ctx, bt_time(AT));
	ck_assert_msg(coco_ctx_load_trust(fx->ctx, trust) == COCO_OK, "%s",
		      coco_ctx_error(fx->ctx));
	fx->signer = bt_signer(fx->ctx, "director");
	ck_assert_msg(fx->signer != NULL, "%s", coco_ctx_error(fx->ctx));
	ck_assert_int_eq(coco_report_new(&fx->r), COCO_OK);
	fx->tmp = bt_mkdtemp();
	ck_assert_ptr_nonnull(fx->tmp);
	fx->example = bt_fixture("example");
	fx->bundle = bt_fmt("%s/bundle.coco", fx->tmp);
	free(trust);
}

static void teardown(struct fixture *fx)
{
	bt_rmtree(fx->tmp);
	free(fx->tmp);
	free(fx->example);
	free(fx->bundle);
	coco_report_free(fx->r);
	coco_signer_free(fx->signer);
	coco_ctx_free(fx->ctx);
}

/* Creates fx->bundle from fixtures/example. */
static void create_example(struct fixture *fx)
{
	ck_assert_msg(coco_create(fx->ctx, fx->example, fx->bundle, fx->signer, NULL) == COCO_OK,
		      "%s", coco_ctx_error(fx->ctx));
}

static void verify(struct fixture *fx, const char *path)
{
	ck_assert_msg(coco_verify(fx->ctx, path, fx->r) == COCO_OK, "%s", coco_ctx_error(fx->ctx));
	bt_check_causes(fx->r);
}

static void expect(const struct coco_report *r, const char *id, enum coco_status st,
		   const char *subject, enum coco_verdict verdict)
{
	ck_assert_msg(bt_find_status(r, id, st, subject) != NULL, "expected %s %s '%s', got:\n%s",
		      coco_status_name(st), id, subject ? subject : "", bt_dump(r));
	ck_assert_msg(coco_report_verdict(r) == verdict, "expected %s, got:\n%s",
		      coco_verdict_name(verdict), bt_dump(r));
}

static void expect_passed(const struct coco_report *r)
{
	ck_assert_msg(coco_report_verdict(r) == COCO_VERDICT_PASSED &&
			  bt_count_status(r, COCO_STATUS_FAIL) == 0 &&
			  bt_count_status(r, COCO_STATUS_INDETERMINATE) == 0,
		      "expected PASSED, got:\n%s", bt_dump(r));
}

/* The first stored PDF among the bundle's entries (a data object create did not deflate). */
static char *first_stored_pdf(const char *bundle)
{
	struct bt_parts l;
	char *name = NULL;
	size_t i;

	ck_assert_int_eq(bt_zip_read(bundle, &l), 0);
	for (i = 0; i < l.n && name == NULL; i++) {
		size_t n = strlen(l.p[i].name);
		if (n > 4 && strcmp(l.p[i].name + n - 4, ".pdf") == 0 && !l.p[i].deflate &&
		    l.p[i].len > 0)
			name = bt_fmt("%s", l.p[i].name);
	}
	bt_parts_free(&l);
	ck_assert_msg(name != NULL, "no stored PDF in the example bundle");
	return name;
}

/* ---- create and verify ---- */

/* The example, signed by RSA and by ECDSA (documentSigning EKU), verifies PASSED. */
static const char *const signers[] = {"director", "director-ec"};

START_TEST(test_create_verify)
{
	struct fixture fx;

	setup(&fx);
	coco_signer_free(fx.signer);
	fx.signer = bt_signer(fx.ctx, signers[_i]);
	ck_assert_msg(fx.signer != NULL, "%s", coco_ctx_error(fx.ctx));
	create_example(&fx);
	ck_assert_int_eq(bt_dir_has_prefix(fx.tmp, ".coco-tmp-"), 0);
	verify(&fx, fx.bundle);
	expect_passed(fx.r);
	expect(fx.r, "container.structure", COCO_STATUS_PASS, NULL, COCO_VERDICT_PASSED);
	expect(fx.r, "manifest.schema", COCO_STATUS_PASS, BT_MANIFEST, COCO_VERDICT_PASSED);
	expect(fx.r, "manifest.digest", COCO_STATUS_PASS, BT_MANIFEST, COCO_VERDICT_PASSED);
	expect(fx.r, "signature.value", COCO_STATUS_PASS, BT_SIGNATURE, COCO_VERDICT_PASSED);
	expect(fx.r, "signer.chain", COCO_STATUS_PASS, coco_signer_subject(fx.signer),
	       COCO_VERDICT_PASSED);
	expect(fx.r, "manifest.coverage", COCO_STATUS_PASS, NULL, COCO_VERDICT_PASSED);
	teardown(&fx);
}
END_TEST

/* The layout: mimetype, assessment.xml, the other files in byte order, manifest, signature. */
START_TEST(test_create_layout)
{
	struct fixture fx;
	struct bt_parts l;
	size_t i;

	setup(&fx);
	create_example(&fx);
	ck_assert_int_eq(bt_zip_read(fx.bundle, &l), 0);
	ck_assert_uint_ge(l.n, 5);
	ck_assert_str_eq(l.p[0].name, "mimetype");
	ck_assert_int_eq(l.p[0].deflate, 0);
	ck_assert_uint_eq(l.p[0].len, strlen("application/vnd.etsi.asic-e+zip"));
	ck_assert_mem_eq(l.p[0].data, "application/vnd.etsi.asic-e+zip", l.p[0].len);
	ck_assert_str_eq(l.p[1].name, "assessment.xml");
	for (i = 3; i + 2 < l.n; i++)
		ck_assert_msg(strcmp(l.p[i - 1].name, l.p[i].name) < 0, "'%s' before '%s'",
			      l.p[i - 1].name, l.p[i].name);
	ck_assert_str_eq(l.p[l.n - 2].name, BT_MANIFEST);
	ck_assert_str_eq(l.p[l.n - 1].name, BT_SIGNATURE);
	for (i = 0; i < l.n; i++)
		if (strlen(l.p[i].name) > 4 &&
		    strcmp(l.p[i].name + strlen(l.p[i].name) - 4, ".pdf") == 0)
			ck_assert_msg(!l.p[i].deflate, "'%s' was deflated", l.p[i].name);
	bt_parts_free(&l);
	teardown(&fx);
}
END_TEST

/* Two creates of the same folder are identical up to the signature's local header. */
START_TEST(test_create_deterministic)
{
	struct fixture fx;
	char *second;
	unsigned char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	struct bt_loc sa, sb;

	setup(&fx);
	second = bt_fmt("%s/second.coco", fx.tmp);
	create_example(&fx);
	ck_assert_int_eq(coco_create(fx.ctx, fx.example, second, fx.signer, NULL), COCO_OK);
	ck_assert_int_eq(bt_read(fx.bundle, &a, &la), 0);
	ck_assert_int_eq(bt_read(second, &b, &lb), 0);
	ck_assert_int_eq(bt_zip_locate(a, la, BT_SIGNATURE, &sa), 0);
	ck_assert_int_eq(bt_zip_locate(b, lb, BT_SIGNATURE, &sb), 0);
	ck_assert_uint_eq(sa.local_off, sb.local_off);
	ck_assert_uint_gt(sa.local_off, 0);
	ck_assert_msg(memcmp(a, b, sa.local_off) == 0, "bundles differ before the signature");
	free(a);
	free(b);
	free(second);
	teardown(&fx);
}
END_TEST

enum refusal {
	R_SYMLINK,
	R_DIR_SYMLINK,
	R_FIFO,
	R_BACKSLASH,
	R_NO_ASSESSMENT,
	R_CASE,
	R_METAINF,
	R_MIMETYPE,
	R_NEWLINE,
	R_BAD_UTF8,
	R_COLON,
	R_TRAILING_DOT,
	R_TRAILING_SPACE,
	R_NFD,
	R_N
};

static const char *const refusal_names[R_N] = {"symlink",
					       "symlinked folder",
					       "FIFO",
					       "backslash",
					       "no assessment.xml",
					       "case-only duplicate",
					       "META-INF folder",
					       "mimetype file",
					       "newline in name",
					       "invalid UTF-8 name",
					       "colon in name",
					       "name ending in a dot",
					       "name ending in a space",
					       "composed beside decomposed accent"};

/* Makes src a copy of the example with one problem; returns the offending name (static). */
static const char *spoil(const char *src, enum refusal what)
{
	char *p = NULL;
	const char *name = NULL;
	int rc = -1;

	switch (what) {
	case R_SYMLINK:
		name = "evidence/link.pdf";
		p = bt_fmt("%s/%s", src, name);
		rc = symlink("../assessment.xml", p);
		break;
	case R_DIR_SYMLINK:
		name = "more";
		p = bt_fmt("%s/%s", src, name);
		rc = symlink("/tmp", p);
		break;
	case R_FIFO:
		name = "evidence/pipe.pdf";
		p = bt_fmt("%s/%s", src, name);
		rc = mkfifo(p, 0644);
		break;
	case R_BACKSLASH:
		name = "evidence\\x.pdf";
		p = bt_fmt("%s/%s", src, name);
		rc = bt_write(p, "x", 1);
		break;
	case R_NO_ASSESSMENT:
		name = "assessment.xml";
		p = bt_fmt("%s/%s", src, name);
		rc = unlink(p);
		break;
	case R_CASE:
		name = "Assessment.xml";
		p = bt_fmt("%s/%s", src, name);
		rc = bt_write(p, "<x/>", 4);
		break;
	case R_METAINF:
		name = "META-INF";
		p = bt_fmt("%s/%s", src, name);
		rc = mkdir(p, 0755);
		break;
	case R_MIMETYPE:
		name = "mimetype";
		p = bt_fmt("%s/%s", src, name);
		rc = bt_write(p, "text/plain", 10);
		break;
	case R_NEWLINE:
		name = "evidence/a\nb.pdf";
		break;
	case R_BAD_UTF8:
		name = "evidence/\xff.pdf";
		break;
	case R_COLON:
		name = "evidence/c:x.pdf";
		break;
	case R_TRAILING_DOT:
		name = "evidence/x.pdf.";
		break;
	case R_TRAILING_SPACE:
		name = "evidence/x.pdf ";
		break;
	case R_NFD: /* one file on macOS and Windows: the composed name sorts second */
		name = "evidence/caf\xc3\xa9.pdf";
		p = bt_fmt("%s/evidence/cafe\xcc\x81.pdf", src);
		rc = bt_write(p, "x", 1);
		break;
	case R_N:
		break;
	}
	if (what == R_NEWLINE || what == R_BAD_UTF8 || what == R_COLON || what == R_TRAILING_DOT ||
	    what == R_TRAILING_SPACE || what == R_NFD) {
		free(p);
		p = bt_fmt("%s/%s", src, name);
		rc = bt_write(p, "x", 1);
	}
	ck_assert_msg(rc == 0, "cannot prepare '%s': %s", name, strerror(errno));
	free(p);
	return name;
}

/* A TSA transport for coco_ctx_set_tsa that answers with one canned reply, or fails. */
static const struct {
	const char *name;
	int fail;                   /* the transport itself fails */
	const unsigned char *reply; /* else this reply */
	size_t len;
	enum coco_err want;
	const char *message; /* in the context's error */
} tsa_cases[] = {
    {"unreachable", 1, NULL, 0, COCO_ERR_IO, "timestamp request failed: connection refused"},
    {"not DER", 0, (const unsigned char *)"HTTP/1.1 200 OK", 15, COCO_ERR_REFUSED,
     "not one DER TimeStampResp"},
    {"rejection", 0, (const unsigned char *)"\x30\x05\x30\x03\x02\x01\x02", 7, COCO_ERR_REFUSED,
     "timestamp refused: the TSA refused the request"},
    {"granted, no token", 0, (const unsigned char *)"\x30\x05\x30\x03\x02\x01\x00", 7,
     COCO_ERR_REFUSED, "DER TimeStampResp"},
};

static int canned_tsa(void *arg, const unsigned char *req, size_t req_len, unsigned char **reply,
		      size_t *reply_len, char *why, size_t why_size)
{
	const int i = *(const int *)arg;

	/* a DER SEQUENCE: version, a SHA-256 imprint, a nonce, certReq */
	ck_assert_msg(req_len > 40 && req[0] == 0x30, "request of %zu bytes", req_len);
	if (tsa_cases[i].fail) {
		snprintf(why, why_size, "connection refused");
		return -1;
	}
	*reply = malloc(tsa_cases[i].len);
	ck_assert_ptr_nonnull(*reply);
	memcpy(*reply, tsa_cases[i].reply, tsa_cases[i].len);
	*reply_len = tsa_cases[i].len;
	return 0;
}

/* create with a TSA that fails or answers badly: the error says why, nothing is written. */
START_TEST(test_create_tsa_refused)
{
	struct fixture fx;
	char *out;
	enum coco_err err;
	int i = _i;

	setup(&fx);
	out = bt_fmt("%s/tsa.coco", fx.tmp);
	coco_ctx_set_tsa(fx.ctx, canned_tsa, &i);
	err = coco_create(fx.ctx, fx.example, out, fx.signer, NULL);
	ck_assert_msg(err == tsa_cases[i].want, "%s: got %s (%s)", tsa_cases[i].name,
		      coco_strerror(err), coco_ctx_error(fx.ctx));
	ck_assert_msg(strstr(coco_ctx_error(fx.ctx), tsa_cases[i].message) != NULL,
		      "%s: message '%s'", tsa_cases[i].name, coco_ctx_error(fx.ctx));
	ck_assert_int_ne(access(out, F_OK), 0);
	free(out);
	teardown(&fx);
}
END_TEST

/*
 * Each refusal: COCO_ERR_REFUSED with an assessment.file failure about the file in the
 * lint report, and the output folder exactly as before (nothing new, no temporary file,
 * an existing OUT untouched). Odd loop indexes start with an existing OUT.
 */
START_TEST(test_create_refuses)
{
	enum refusal what = (enum refusal)(_i / 2);
	int existing = _i % 2;
	struct coco_create_opts opts = {0, NULL, NULL};
	const char *id;
	struct fixture fx;
	char *src, *outdir, *out;
	const char *name;
	unsigned char *buf = NULL;
	size_t len = 0;
	enum coco_err err;

	setup(&fx);
	src = bt_fmt("%s/src", fx.tmp);
	outdir = bt_fmt("%s/out", fx.tmp);
	out = bt_fmt("%s/bundle.coco", outdir);
	ck_assert_int_eq(bt_copytree(fx.example, src), 0);
	ck_assert_int_eq(mkdir(outdir, 0755), 0);
	if (existing)
		ck_assert_int_eq(bt_write(out, OLD_BYTES, strlen(OLD_BYTES)), 0);
	name = spoil(src, what);
	ck_assert_int_eq(coco_report_new(&opts.lint), COCO_OK);
	err = coco_create(fx.ctx, src, out, fx.signer, &opts);
	ck_assert_msg(err == COCO_ERR_REFUSED, "%s: expected refused, got %s (%s)",
		      refusal_names[what], coco_strerror(err), coco_ctx_error(fx.ctx));
	id = what == R_NO_ASSESSMENT ? "assessment.missing" : "assessment.file";
	ck_assert_msg(bt_find_status(opts.lint, id, COCO_STATUS_FAIL, name) != NULL,
		      "%s: no %s failure about '%s':\n%s", refusal_names[what], id, name,
		      bt_dump(opts.lint));
	coco_report_free(opts.lint);
	ck_assert_int_eq(bt_dir_has_prefix(outdir, ".coco-tmp-"), 0);
	ck_assert_int_eq(bt_tree_count(outdir), existing);
	if (existing) {
		ck_assert_int_eq(bt_read(out, &buf, &len), 0);
		ck_assert_uint_eq(len, strlen(OLD_BYTES));
		ck_assert_mem_eq(buf, OLD_BYTES, len);
	}
	free(buf);
	free(src);
	free(outdir);
	free(out);
	teardown(&fx);
}
END_TEST

/*
 * Names and sizes create must carry through unchanged: a UTF-8 name with a space, an empty
 * file, a file larger than the 1 MiB I/O chunk; dotfiles and dot-folders are left out.
 * Verify passes and extract gives back exactly the packaged files.
 */
START_TEST(test_create_variants)
{
	struct fixture fx;
	char *src, *expect_dir, *out, *p;
	unsigned char *big;
	size_t i, n = (3u << 20) + 17;
	unsigned seed;
	int k;

	setup(&fx);
	src = bt_fmt("%s/src", fx.tmp);
	expect_dir = bt_fmt("%s/expect", fx.tmp);
	out = bt_fmt("%s/out", fx.tmp);
	ck_assert_int_eq(bt_copytree(fx.example, src), 0);
	big = malloc(n);
	ck_assert_ptr_nonnull(big);
	for (i = 0, seed = 12345; i < n; i++) { /* hex text: compresses about 2:1 */
		seed = seed * 1103515245u + 12345u;
		big[i] = (unsigned char)("0123456789abcdef,\n"[(seed >> 16) % 18]);
	}
	for (k = 0; k < 2; k++) {
		const char *root = k == 0 ? src : expect_dir;
		if (k == 1)
			ck_assert_int_eq(bt_copytree(fx.example, expect_dir), 0);
		p = bt_fmt("%s/evidence/caf\xc3\xa9 \xc3\xbc%%.pdf", root);
		ck_assert_int_eq(bt_write(p, bt_min_pdf, bt_min_pdf_len), 0);
		free(p);
		p = bt_fmt("%s/evidence/empty.txt", root);
		ck_assert_int_eq(bt_write(p, "", 0), 0);
		free(p);
		p = bt_fmt("%s/big.csv", root);
		ck_assert_int_eq(bt_write(p, big, n), 0);
		free(p);
	}
	for (k = 0; k < 2; k++) { /* create packages only what the assessment references */
		const char *root = k == 0 ? src : expect_dir;
		ck_assert_int_eq(bt_add_reference(root, "evidence/caf\xc3\xa9 \xc3\xbc%.pdf"), 0);
		ck_assert_int_eq(bt_add_reference(root, "evidence/empty.txt"), 0);
		ck_assert_int_eq(bt_add_reference(root, "big.csv"), 0);
	}
	p = bt_fmt("%s/.DS_Store", src);
	ck_assert_int_eq(bt_write(p, "x", 1), 0);
	free(p);
	p = bt_fmt("%s/.git", src);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
	p = bt_fmt("%s/.git/config", src);
	ck_assert_int_eq(bt_write(p, "x", 1), 0);
	free(p);
	ck_assert_msg(coco_create(fx.ctx, src, fx.bundle, fx.signer, NULL) == COCO_OK, "%s",
		      coco_ctx_error(fx.ctx));
	ck_assert_msg(coco_extract(fx.ctx, fx.bundle, out, fx.r) == COCO_OK, "%s\n%s",
		      coco_ctx_error(fx.ctx), bt_dump(fx.r));
	expect_passed(fx.r);
	ck_assert_msg(bt_tree_equal(expect_dir, out), "extracted tree differs");
	free(big);
	free(src);
	free(expect_dir);
	free(out);
	teardown(&fx);
}
END_TEST

/* A large, highly compressible file (zeros): whatever create writes, verify must accept. */
START_TEST(test_create_compressible)
{
	struct fixture fx;
	char *src, *p;
	unsigned char *zeros;
	size_t n = 4u << 20;

	setup(&fx);
	src = bt_fmt("%s/src", fx.tmp);
	ck_assert_int_eq(bt_copytree(fx.example, src), 0);
	zeros = calloc(1, n);
	ck_assert_ptr_nonnull(zeros);
	p = bt_fmt("%s/evidence/disk.img", src);
	ck_assert_int_eq(bt_write(p, zeros, n), 0);
	ck_assert_int_eq(bt_add_reference(src, "evidence/disk.img"), 0);
	free(p);
	ck_assert_msg(coco_create(fx.ctx, src, fx.bundle, fx.signer, NULL) == COCO_OK, "%s",
		      coco_ctx_error(fx.ctx));
	verify(&fx, fx.bundle);
	expect_passed(fx.r);
	free(zeros);
	free(src);
	teardown(&fx);
}
END_TEST

/* The method of the first local header named name in the zip bytes a, or -1. */
static int local_method(const unsigned char *a, size_t n, const char *name)
{
	size_t i, k = strlen(name);

	for (i = 30; i + k <= n; i++)
		if (memcmp(a + i, name, k) == 0 && memcmp(a + i - 30, "PK\003\004", 4) == 0)
			return a[i - 30 + 8] | a[i - 30 + 9] << 8;
	return -1;
}

/*
 * The bundle's SHA-256 that create makes while it writes (opts.sha256, a second thread
 * reading back what is final) is the file's, for a folder with an entry deflated (4 MiB of
 * text, many read-back blocks), one tried deflated then rewound and stored (1 MiB that
 * does not compress) and the stored PDFs; and asking for it changes no byte of the bundle.
 */
START_TEST(test_create_sha256)
{
	struct fixture fx;
	struct coco_create_opts opts = {COCO_CREATE_NO_LINT, NULL, NULL};
	unsigned char md[32], file_md[32], *a = NULL, *b = NULL, *text, *noise;
	size_t na = 0, nb = 0, i, n = 4u << 20, m = 1u << 20;
	unsigned long long x;
	char *src, *p, *plain;

	setup(&fx);
	src = bt_fmt("%s/src", fx.tmp);
	plain = bt_fmt("%s/plain.coco", fx.tmp);
	ck_assert_int_eq(bt_copytree(fx.example, src), 0);
	ck_assert_ptr_nonnull(text = malloc(n + 1)); /* snprintf's NUL after the last line */
	ck_assert_ptr_nonnull(noise = malloc(m));
	for (i = 0; i + 32 <= n; i += 32) /* numbered lines: deflate shrinks them a few times */
		snprintf((char *)text + i, 33, "line %026zu\n", i * 7919 % 1000003);
	for (i = 0, x = 88172645463325252ull; i < m;
	     i++) { /* xorshift64*: deflate cannot shrink it */
		x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
		noise[i] = (unsigned char)((x * 2685821657736338717ull) >> 56);
	}
	p = bt_fmt("%s/evidence/log.txt", src);
	ck_assert_int_eq(bt_write(p, text, n), 0);
	free(p);
	p = bt_fmt("%s/evidence/noise.bin", src);
	ck_assert_int_eq(bt_write(p, noise, m), 0);
	free(p);
	ck_assert_int_eq(bt_add_reference(src, "evidence/log.txt"), 0);
	ck_assert_int_eq(bt_add_reference(src, "evidence/noise.bin"), 0);
	opts.sha256 = md;
	ck_assert_msg(coco_create(fx.ctx, src, fx.bundle, fx.signer, &opts) == COCO_OK, "%s",
		      coco_ctx_error(fx.ctx));
	ck_assert_int_eq(coco_file_sha256(fx.ctx, fx.bundle, file_md), COCO_OK);
	ck_assert_mem_eq(md, file_md, sizeof(md));
	opts.sha256 = NULL;
	ck_assert_int_eq(coco_create(fx.ctx, src, plain, fx.signer, &opts), COCO_OK);
	ck_assert_int_eq(bt_read(fx.bundle, &a, &na), 0);
	ck_assert_int_eq(bt_read(plain, &b, &nb), 0);
	ck_assert_uint_eq(na, nb);
	ck_assert_mem_eq(a, b, na);
	/* noise.bin was tried deflated, then rewound and stored (method 0 in its local header);
	 * log.txt stays deflated (8) */
	ck_assert_int_eq(local_method(a, na, "evidence/noise.bin"), 0);
	ck_assert_int_eq(local_method(a, na, "evidence/log.txt"), 8);
	free(a), free(b), free(text), free(noise), free(src), free(plain);
	teardown(&fx);
}
END_TEST

/* A successful create replaces an existing OUT, leaving no temporary file behind. */
START_TEST(test_create_replaces_on_success)
{
	struct fixture fx;
	unsigned char *buf = NULL;
	size_t len = 0;

	setup(&fx);
	ck_assert_int_eq(bt_write(fx.bundle, OLD_BYTES, strlen(OLD_BYTES)), 0);
	create_example(&fx);
	ck_assert_int_eq(bt_read(fx.bundle, &buf, &len), 0);
	ck_assert_uint_gt(len, strlen(OLD_BYTES));
	ck_assert_mem_eq(buf, "PK\003\004", 4);
	ck_assert_int_eq(bt_tree_count(fx.tmp), 1);
	verify(&fx, fx.bundle);
	expect_passed(fx.r);
	free(buf);
	teardown(&fx);
}
END_TEST

/* 1 if path holds exactly OLD_BYTES. */
static int holds_old(const char *path)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int same = bt_read(path, &buf, &len) == 0 && len == strlen(OLD_BYTES) &&
		   memcmp(buf, OLD_BYTES, len) == 0;

	free(buf);
	return same;
}

/*
 * create over an existing OUT with each of its fsyncs, then its rename, failing in turn
 * (fault.c): an I/O error, OUT untouched and no temporary file, except when only the
 * last fsync (of the folder, after the rename) failed: then OUT is the new bundle and
 * the error says it may not survive a power cut.
 */
START_TEST(test_create_fault)
{
	enum fault_call call = _i == 0 ? FAULT_FSYNC : FAULT_RENAME;
	struct fixture fx;
	int n, total;

	setup(&fx);
	fault_arm(call, 0);
	create_example(&fx);
	total = fault_calls(call);
	ck_assert_int_eq(total, call == FAULT_FSYNC ? 2 : 1);
	for (n = 1; n <= total; n++) {
		ck_assert_int_eq(bt_write(fx.bundle, OLD_BYTES, strlen(OLD_BYTES)), 0);
		fault_arm(call, n);
		ck_assert_int_eq(coco_create(fx.ctx, fx.example, fx.bundle, fx.signer, NULL),
				 COCO_ERR_IO);
		ck_assert(fault_fired(call));
		fault_arm(call, 0);
		ck_assert_int_eq(bt_tree_count(fx.tmp), 1);
		if (call == FAULT_FSYNC && n == total) {
			ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), "may not survive"));
			verify(&fx, fx.bundle);
			expect_passed(fx.r);
		} else {
			ck_assert_msg(holds_old(fx.bundle), "failure %d of %d changed the bundle",
				      n, total);
		}
	}
	teardown(&fx);
}
END_TEST

/* Output into a folder that does not exist: an error naming it, nothing created. */
START_TEST(test_create_bad_output)
{
	struct fixture fx;
	char *out;

	setup(&fx);
	out = bt_fmt("%s/no/such/bundle.coco", fx.tmp);
	ck_assert_int_eq(coco_create(fx.ctx, fx.example, out, fx.signer, NULL), COCO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), out));
	ck_assert_int_eq(bt_tree_count(fx.tmp), 0);
	free(out);
	teardown(&fx);
}
END_TEST

/*
 * An output inside the submission folder (its assessment, or through a link to the
 * folder), or a hard link to one of its files, is refused before anything is written.
 */
START_TEST(test_create_into_folder)
{
	static const char *const outs[] = {"sub/assessment.xml", "sub/evidence/new.pdf",
					   "alias/x.coco", "hard.xml"};
	struct fixture fx;
	char *sub, *out, *alias, *hard, *assessment, *want;
	unsigned char *before = NULL, *after = NULL;
	size_t blen = 0, alen = 0, i;

	setup(&fx);
	sub = bt_fmt("%s/sub", fx.tmp);
	alias = bt_fmt("%s/alias", fx.tmp);
	hard = bt_fmt("%s/hard.xml", fx.tmp);
	assessment = bt_fmt("%s/assessment.xml", sub);
	ck_assert_int_eq(bt_copytree(fx.example, sub), 0);
	ck_assert_int_eq(symlink("sub", alias), 0);
	ck_assert_int_eq(link(assessment, hard), 0);
	ck_assert_int_eq(bt_read(assessment, &before, &blen), 0);
	for (i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		out = bt_fmt("%s/%s", fx.tmp, outs[i]);
		ck_assert_int_eq(coco_create(fx.ctx, sub, out, fx.signer, NULL), COCO_ERR_REFUSED);
		want = i < 3 ? bt_fmt("refusing to write '%s' inside the submission folder '%s'",
				      out, sub)
			     : bt_fmt("refusing to write '%s' over '%s' of the submission folder "
				      "'%s' (the same file)",
				      out, assessment, sub);
		ck_assert_str_eq(coco_ctx_error(fx.ctx), want);
		free(want);
		free(out);
	}
	ck_assert_int_eq(bt_read(assessment, &after, &alen), 0);
	ck_assert_uint_eq(alen, blen);
	ck_assert_mem_eq(after, before, blen);
	ck_assert_int_eq(bt_tree_count(sub), bt_tree_count(fx.example));
	free(before);
	free(after);
	free(assessment);
	free(hard);
	free(alias);
	free(sub);
	teardown(&fx);
}
END_TEST

/* ---- tampering ---- */

/* One byte of a stored data object changed, CRCs fixed: only the digest can tell. */
START_TEST(test_tamper_data_byte)
{
	struct fixture fx;
	unsigned char *buf = NULL;
	size_t len = 0;
	char *name;

	setup(&fx);
	create_example(&fx);
	name = first_stored_pdf(fx.bundle);
	ck_assert_int_eq(bt_read(fx.bundle, &buf, &len), 0);
	ck_assert_int_eq(bt_zip_flip_stored(buf, len, name, 5), 0);
	ck_assert_int_eq(bt_write(fx.bundle, buf, len), 0);
	verify(&fx, fx.bundle);
	expect(fx.r, "manifest.digest", COCO_STATUS_FAIL, name, COCO_VERDICT_FAILED);
	ck_assert_ptr_null(bt_find(fx.r, "container.crc", NULL));
	ck_assert_ptr_nonnull(bt_find_status(fx.r, "container.structure", COCO_STATUS_PASS, NULL));
	free(buf);
	free(name);
	teardown(&fx);
}
END_TEST

/* An entry added after signing (the bundle rebuilt canonically around it). */
static const char *const added[] = {"evidence/extra.pdf", "META-INF/extra.txt", "zz.xml",
				    "META-INF/signature002.p7s"};

START_TEST(test_tamper_added_entry)
{
	struct fixture fx;
	struct bt_parts l;

	setup(&fx);
	create_example(&fx);
	ck_assert_int_eq(bt_zip_read(fx.bundle, &l), 0);
	ck_assert_int_eq(bt_parts_add(&l, added[_i], "%PDF-1.4 added\n", 15), 0);
	ck_assert_int_eq(bt_zip_write(fx.ctx, fx.bundle, l.p, l.n), 0);
	bt_parts_free(&l);
	verify(&fx, fx.bundle);
	expect(fx.r, "manifest.unsigned", COCO_STATUS_FAIL, added[_i], COCO_VERDICT_FAILED);
	ck_assert_ptr_null(bt_find(fx.r, "manifest.coverage", NULL));
	ck_assert_ptr_nonnull(bt_find_status(fx.r, "signature.value", COCO_STATUS_PASS, NULL));
	teardown(&fx);
}
END_TEST

/* A data object removed after signing. */
START_TEST(test_tamper_removed_entry)
{
	struct fixture fx;
	struct bt_parts l;
	char *name;

	setup(&fx);
	create_example(&fx);
	name = first_stored_pdf(fx.bundle);
	ck_assert_int_eq(bt_zip_read(fx.bundle, &l), 0);
	ck_assert_int_eq(bt_parts_remove(&l, name), 0);
	ck_assert_int_eq(bt_zip_write(fx.ctx, fx.bundle, l.p, l.n), 0);
	bt_parts_free(&l);
	verify(&fx, fx.bundle);
	expect(fx.r, "manifest.reference", COCO_STATUS_FAIL, name, COCO_VERDICT_FAILED);
	free(name);
	teardown(&fx);
}
END_TEST

/* A second manifest (a copy of the first) claims the same signature. */
START_TEST(test_two_manifests_one_signature)
{
	struct fixture fx;
	struct bt_parts l;
	struct bt_part *m;

	setup(&fx);
	create_example(&fx);
	ck_assert_int_eq(bt_zip_read(fx.bundle, &l), 0);
	m = bt_parts_find(&l, BT_MANIFEST);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(bt_parts_add(&l, "META-INF/ASiCManifest002.xml", m->data, m->len), 0);
	ck_assert_int_eq(bt_zip_write(fx.ctx, fx.bundle, l.p, l.n), 0);
	bt_parts_free(&l);
	verify(&fx, fx.bundle);
	expect(fx.r, "manifest.sigref", COCO_STATUS_FAIL, "META-INF/ASiCManifest002.xml",
	       COCO_VERDICT_FAILED);
	teardown(&fx);
}
END_TEST

/* ---- bundles assembled from parts ---- */

/* A complete, valid assessment whose only referenced file is "evidence/a b.pdf". */
#define STMT "<statement>A statement long enough for the policy's minimum length.</statement>"
static const unsigned char assessment[] =
    "<assessment xmlns=\"urn:x-coco-bundle:assessment:1\">"
    "<organisation><legalName>Example Guarding Ltd</legalName>"
    "<companyNumber>01234567</companyNumber><address>Leeds</address>"
    "<telephone>0113</telephone></organisation>"
    "<authorisation><name>Jane Director</name><role>Director</role>"
    "<email>jane@example.co.uk</email><date>2026-10-01</date></authorisation>"
    "<baselineCertificate scheme=\"cyber-essentials-plus\"><number>CEP-TEST-000123</number>"
    "<body>Example Certification Body Ltd - TEST ONLY</body>"
    "<holder>Example Guarding Ltd</holder><scope>Whole organisation</scope>"
    "<issued>2026-09-15</issued><expires>2027-09-15</expires>"
    "<basicIssued>2026-08-20</basicIssued><file>evidence/a b.pdf</file>"
    "</baselineCertificate>"
    "<element id=\"CoCo-1\">" STMT "</element><element id=\"CoCo-2\">" STMT "</element>"
    "<element id=\"CoCo-3\">" STMT "</element><element id=\"CoCo-4\">" STMT "</element>"
    "<element id=\"CoCo-5\">" STMT "</element><element id=\"CoCo-6\">" STMT "</element>"
    "<element id=\"CoCo-7\">" STMT "</element><element id=\"CoCo-8\">" STMT "</element>"
    "<element id=\"CoCo-9\">" STMT "</element>"
    "<element id=\"CoCo-10\">" STMT "<countries>GB</countries></element>"
    "<element id=\"CoCo-11\">" STMT "<incidentContact>soc@example.co.uk</incidentContact>"
    "</element></assessment>\n";
#define pdf ((const unsigned char *)BT_MIN_PDF)

static const struct bt_part data2[] = {
    {"assessment.xml", assessment, sizeof(assessment) - 1, 1},
    {"evidence/a b.pdf", pdf, bt_min_pdf_len, 0},
};
static const struct bt_part refs3[] = {
    {"assessment.xml", assessment, sizeof(assessment) - 1, 1},
    {"evidence/a b.pdf", pdf, bt_min_pdf_len, 0},
    {"evidence/missing.pdf", pdf, bt_min_pdf_len, 0},
};
static const int algs_256_512[] = {0, 2};
static const int algs_384_512[] = {1, 2};

struct parts_case {
	const char *what;
	struct bt_bundle b;
	const char *id; /* NULL: the bundle must pass */
	const char *subject;
};

static const struct parts_case parts_cases[] = {
    {"baseline", {data2, 2, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL}, NULL, NULL},
    {"SHA-512 for one reference",
     {data2, 2, NULL, 0, algs_256_512, NULL, NULL, NULL, NULL, 0, NULL},
     NULL,
     NULL},
    {"SHA-384 and SHA-512",
     {data2, 2, NULL, 0, algs_384_512, NULL, NULL, NULL, NULL, 0, NULL},
     NULL,
     NULL},
    {"reference to a missing file",
     {data2, 2, refs3, 3, NULL, NULL, NULL, NULL, NULL, 0, NULL},
     "manifest.reference",
     "evidence/missing.pdf"},
    {"SigReference to a missing signature",
     {data2, 2, NULL, 0, NULL, "META-INF/signature002.p7s", NULL, NULL, NULL, 0, NULL},
     "manifest.sigref",
     BT_MANIFEST},
    {"SigReference to something that is not a signature",
     {data2, 2, NULL, 0, NULL, "evidence/a b.pdf", NULL, NULL, NULL, 0, NULL},
     "manifest.sigref",
     BT_MANIFEST},
    {"no manifest",
     {data2, 2, NULL, 0, NULL, NULL, NULL, "", NULL, 0, NULL},
     "manifest.missing",
     NULL},
    {"manifest with a name outside the pattern",
     {data2, 2, NULL, 0, NULL, NULL, NULL, "META-INF/manifest.xml", NULL, 0, NULL},
     "manifest.missing",
     NULL},
    {"no signature",
     {data2, 2, NULL, 0, NULL, NULL, "", NULL, NULL, 0, NULL},
     "manifest.sigref",
     BT_MANIFEST},
};

START_TEST(test_parts)
{
	const struct parts_case *c = &parts_cases[_i];
	struct fixture fx;
	struct bt_bundle b;

	setup(&fx);
	b = c->b;
	b.signer = fx.signer;
	ck_assert_msg(bt_bundle_write(fx.ctx, fx.bundle, &b) == 0, "%s: %s", c->what,
		      coco_ctx_error(fx.ctx));
	verify(&fx, fx.bundle);
	if (c->id == NULL) {
		expect_passed(fx.r);
		expect(fx.r, "manifest.digest", COCO_STATUS_PASS, BT_MANIFEST, COCO_VERDICT_PASSED);
	} else {
		const struct coco_finding *f =
		    bt_find_status(fx.r, c->id, COCO_STATUS_FAIL, c->subject);
		ck_assert_msg(f != NULL, "%s: expected %s '%s', got:\n%s", c->what, c->id,
			      c->subject ? c->subject : "(none)", bt_dump(fx.r));
		if (c->subject == NULL)
			ck_assert_ptr_null(coco_finding_subject(f));
		ck_assert_int_eq(coco_report_verdict(fx.r), COCO_VERDICT_FAILED);
	}
	teardown(&fx);
}
END_TEST

/* A manifest that lists itself or its signature as a data object. */
START_TEST(test_manifest_covers_itself)
{
	static const struct bt_part self[] = {
	    {"assessment.xml", assessment, sizeof(assessment) - 1, 1},
	    {BT_SIGNATURE, pdf, bt_min_pdf_len, 0},
	};
	struct fixture fx;
	struct bt_bundle b;

	setup(&fx);
	memset(&b, 0, sizeof(b));
	b.data = self;
	b.n = 1;
	b.refs = self;
	b.nrefs = 2;
	b.signer = fx.signer;
	ck_assert_int_eq(bt_bundle_write(fx.ctx, fx.bundle, &b), 0);
	verify(&fx, fx.bundle);
	expect(fx.r, "manifest.reference", COCO_STATUS_FAIL, BT_SIGNATURE, COCO_VERDICT_FAILED);
	teardown(&fx);
}
END_TEST

/* ---- inspect ---- */

START_TEST(test_inspect)
{
	struct fixture fx;
	unsigned char *buf = NULL, md[32];
	size_t len = 0, i, found = 0;
	char hex[65], *path, *text = NULL;
	struct bt_parts l;

	setup(&fx);
	create_example(&fx);
	ck_assert_int_eq(coco_inspect(fx.ctx, fx.bundle, fx.r), COCO_OK);
	ck_assert_int_eq(bt_zip_read(fx.bundle, &l), 0);
	ck_assert_uint_eq(coco_report_entry_count(fx.r), l.n);
	for (i = 0; i < l.n; i++) {
		const struct coco_report_entry *e = coco_report_entry_at(fx.r, i);
		ck_assert_str_eq(e->name, l.p[i].name);
		ck_assert_uint_eq(e->size, l.p[i].len);
		EVP_Digest(l.p[i].data, l.p[i].len, md, NULL, EVP_sha256(), NULL);
		coco_hex(md, 32, hex);
		ck_assert_str_eq(e->sha256, hex);
	}
	bt_parts_free(&l);
	path = bt_fmt("%s/assessment.xml", fx.example);
	ck_assert_int_eq(bt_read(path, &buf, &len), 0);
	EVP_Digest(buf, len, md, NULL, EVP_sha256(), NULL);
	coco_hex(md, 32, hex);
	for (i = 0; i < coco_report_entry_count(fx.r); i++)
		found += strcmp(coco_report_entry_at(fx.r, i)->sha256, hex) == 0;
	ck_assert_uint_eq(found, 1);
	ck_assert_int_eq(
	    coco_report_render(fx.r, COCO_FORMAT_TEXT, COCO_RENDER_INSPECT, &text, NULL), COCO_OK);
	ck_assert_msg(strstr(text, coco_signer_subject(fx.signer)) != NULL, "no signer in:\n%s",
		      text);
	ck_assert_ptr_nonnull(strstr(text, hex));
	free(text);
	free(buf);
	free(path);
	teardown(&fx);
}
END_TEST

START_TEST(test_inspect_not_zip)
{
	struct fixture fx;
	static const char junk[] = "this is not a zip file at all, just some text\n";

	setup(&fx);
	ck_assert_int_eq(bt_write(fx.bundle, junk, sizeof(junk) - 1), 0);
	ck_assert_int_eq(coco_inspect(fx.ctx, fx.bundle, fx.r), COCO_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), fx.bundle));
	teardown(&fx);
}
END_TEST

/* COCO_OPT_NO_BUNDLE_DIGEST: the whole-file digest is left out, every entry still checked. */
START_TEST(test_no_bundle_digest)
{
	struct fixture fx;
	char *json = NULL;

	setup(&fx);
	create_example(&fx);
	coco_ctx_set_options(fx.ctx, COCO_OPT_NO_BUNDLE_DIGEST);
	verify(&fx, fx.bundle);
	expect_passed(fx.r);
	ck_assert_int_eq(coco_report_render(fx.r, COCO_FORMAT_JSON, 0, &json, NULL), COCO_OK);
	ck_assert_msg(strstr(json, "\"sha256\": null,\n    \"entries\"") != NULL, "%s", json);
	ck_assert_ptr_nonnull(strstr(json, "{\"name\": \"assessment.xml\""));
	ck_assert_ptr_null(strstr(json, "\"sha256\": null}")); /* every entry hashed */
	free(json);
	teardown(&fx);
}
END_TEST

START_TEST(test_verify_missing_file)
{
	struct fixture fx;
	char *path;

	setup(&fx);
	path = bt_fmt("%s/nothing.coco", fx.tmp);
	ck_assert_int_eq(coco_verify(fx.ctx, path, fx.r), COCO_ERR_IO);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), path));
	free(path);
	teardown(&fx);
}
END_TEST

/* ---- contexts sharing one trust load ---- */

struct shared_run {
	struct coco_ctx *ctx;
	const char *bundle;
	int rounds;
	enum coco_err err;
	int passed; /* rounds that ended PASSED */
};

static void *verify_rounds(void *arg)
{
	struct shared_run *run = arg;
	int i;

	for (i = 0; i < run->rounds && run->err == COCO_OK; i++) {
		struct coco_report *r = NULL;
		if ((run->err = coco_report_new(&r)) != COCO_OK)
			break;
		run->err = coco_verify(run->ctx, run->bundle, r);
		if (run->err == COCO_OK && coco_report_verdict(r) == COCO_VERDICT_PASSED &&
		    bt_count_status(r, COCO_STATUS_FAIL) == 0)
			run->passed++;
		coco_report_free(r);
	}
	return NULL;
}

/*
 * Two contexts share one load of the trust directory (coco_ctx_share_trust), the loading
 * context is freed first, and both verify the sample PASSED in two threads at once, as
 * reverify's workers do. Under SAN=1 this also runs the sharing under ASan and UBSan.
 */
START_TEST(test_share_trust_threads)
{
	struct fixture fx;
	struct coco_ctx *src = NULL;
	struct shared_run runs[2];
	pthread_t threads[2];
	char *trust = bt_fixture("trust");
	int i;

	setup(&fx);
	create_example(&fx);
	ck_assert_int_eq(coco_ctx_new(&src), COCO_OK);
	ck_assert_msg(coco_ctx_load_trust(src, trust) == COCO_OK, "%s", coco_ctx_error(src));
	for (i = 0; i < 2; i++) {
		memset(&runs[i], 0, sizeof(runs[i]));
		ck_assert_int_eq(coco_ctx_new(&runs[i].ctx), COCO_OK);
		ck_assert_msg(coco_ctx_share_trust(runs[i].ctx, src) == COCO_OK, "%s",
			      coco_ctx_error(runs[i].ctx));
		coco_ctx_set_time(runs[i].ctx, bt_time(AT));
		runs[i].bundle = fx.bundle;
		runs[i].rounds = 4;
	}
	coco_ctx_free(src); /* the shared stores and policy outlive it */
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, verify_rounds, &runs[i]), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
	for (i = 0; i < 2; i++) {
		ck_assert_msg(runs[i].err == COCO_OK, "%s", coco_ctx_error(runs[i].ctx));
		ck_assert_int_eq(runs[i].passed, runs[i].rounds);
	}
	/* The shared policy is the trust directory's, not the built-in default. */
	ck_assert_int_eq(coco_verify(runs[0].ctx, fx.bundle, fx.r), COCO_OK);
	ck_assert_ptr_nonnull(bt_find_status(fx.r, "verify.policy", COCO_STATUS_INFO, NULL));
	ck_assert_ptr_nonnull(strstr(coco_finding_message(coco_report_find(fx.r, "verify.policy")),
				     "fixtures/trust/policy.xml"));
	for (i = 0; i < 2; i++)
		coco_ctx_free(runs[i].ctx);
	free(trust);
	teardown(&fx);
}
END_TEST

/* Sharing with an empty source gives the default policy and no anchors: INDETERMINATE. */
START_TEST(test_share_trust_empty)
{
	struct fixture fx;
	struct coco_ctx *src = NULL, *dst = NULL;

	setup(&fx);
	create_example(&fx);
	ck_assert_int_eq(coco_ctx_new(&src), COCO_OK);
	ck_assert_int_eq(coco_ctx_new(&dst), COCO_OK);
	ck_assert_int_eq(coco_ctx_share_trust(dst, src), COCO_OK);
	ck_assert_int_eq(coco_ctx_share_trust(dst, dst), COCO_OK);
	coco_ctx_free(src);
	coco_ctx_set_time(dst, bt_time(AT));
	ck_assert_int_eq(coco_verify(dst, fx.bundle, fx.r), COCO_OK);
	expect(fx.r, "signer.untrusted", COCO_STATUS_INDETERMINATE, NULL,
	       COCO_VERDICT_INDETERMINATE);
	coco_ctx_free(dst);
	teardown(&fx);
}
END_TEST

/* ---- extract ---- */

START_TEST(test_extract)
{
	struct fixture fx;
	char *out, *p;
	struct stat st;

	setup(&fx);
	create_example(&fx);
	out = bt_fmt("%s/out", fx.tmp);
	ck_assert_msg(coco_extract(fx.ctx, fx.bundle, out, fx.r) == COCO_OK, "%s",
		      coco_ctx_error(fx.ctx));
	expect_passed(fx.r);
	ck_assert_msg(bt_tree_equal(fx.example, out), "extracted tree differs from the example");
	p = bt_fmt("%s/META-INF", out);
	ck_assert_int_ne(lstat(p, &st), 0);
	free(p);
	p = bt_fmt("%s/mimetype", out);
	ck_assert_int_ne(lstat(p, &st), 0);
	free(p);
	ck_assert_int_eq(bt_dir_has_prefix(out, ".coco-"), 0);
	free(out);
	teardown(&fx);
}
END_TEST

/* A target that exists (a file in a subfolder, a file at the top, a dangling link):
 * COCO_ERR_EXISTS before anything is written. */
START_TEST(test_extract_exists)
{
	struct fixture fx;
	char *out, *name = NULL, *target, *sub, *dangling = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;

	setup(&fx);
	create_example(&fx);
	out = bt_fmt("%s/out", fx.tmp);
	ck_assert_int_eq(mkdir(out, 0755), 0);
	if (_i == 0) {
		name = first_stored_pdf(fx.bundle);
		sub = bt_fmt("%s/%.*s", out, (int)(strchr(name, '/') - name), name);
		ck_assert_int_eq(mkdir(sub, 0755), 0);
		free(sub);
	} else {
		name = bt_fmt("assessment.xml");
	}
	target = bt_fmt("%s/%s", out, name);
	if (_i < 2) {
		ck_assert_int_eq(bt_write(target, "mine", 4), 0);
	} else {
		/* a dangling link: following it would create a file outside the folder */
		dangling = bt_fmt("%s/planted", fx.tmp);
		ck_assert_int_eq(symlink(dangling, target), 0);
	}
	ck_assert_int_eq(coco_extract(fx.ctx, fx.bundle, out, fx.r), COCO_ERR_EXISTS);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), name));
	ck_assert_int_eq(bt_tree_count(out), _i == 0 ? 2 : 1);
	if (_i < 2) {
		ck_assert_int_eq(bt_read(target, &buf, &len), 0);
		ck_assert_uint_eq(len, 4);
		ck_assert_mem_eq(buf, "mine", 4);
	} else {
		ck_assert_int_ne(access(dangling, F_OK), 0);
	}
	free(buf);
	free(dangling);
	free(target);
	free(name);
	free(out);
	teardown(&fx);
}
END_TEST

/* A bundle that FAILED: COCO_ERR_REFUSED and not even the folder is created. */
START_TEST(test_extract_failed)
{
	struct fixture fx;
	unsigned char *buf = NULL;
	size_t len = 0;
	char *out, *name;
	struct stat st;

	setup(&fx);
	create_example(&fx);
	name = first_stored_pdf(fx.bundle);
	ck_assert_int_eq(bt_read(fx.bundle, &buf, &len), 0);
	ck_assert_int_eq(bt_zip_flip_stored(buf, len, name, 0), 0);
	ck_assert_int_eq(bt_write(fx.bundle, buf, len), 0);
	out = bt_fmt("%s/out", fx.tmp);
	ck_assert_int_eq(coco_extract(fx.ctx, fx.bundle, out, fx.r), COCO_ERR_REFUSED);
	ck_assert_int_eq(coco_report_verdict(fx.r), COCO_VERDICT_FAILED);
	ck_assert_ptr_nonnull(bt_find_status(fx.r, "manifest.digest", COCO_STATUS_FAIL, name));
	ck_assert_int_ne(lstat(out, &st), 0);
	free(buf);
	free(name);
	free(out);
	teardown(&fx);
}
END_TEST

/* An INDETERMINATE bundle (no trust anchors) is not extracted either. */
START_TEST(test_extract_indeterminate)
{
	struct fixture fx;
	char *out, *empty;
	struct stat st;

	setup(&fx);
	create_example(&fx);
	empty = bt_fmt("%s/trust", fx.tmp);
	ck_assert_int_eq(mkdir(empty, 0755), 0);
	ck_assert_int_eq(coco_ctx_load_trust(fx.ctx, empty), COCO_OK);
	out = bt_fmt("%s/out", fx.tmp);
	ck_assert_int_eq(coco_extract(fx.ctx, fx.bundle, out, fx.r), COCO_ERR_REFUSED);
	ck_assert_int_eq(coco_report_verdict(fx.r), COCO_VERDICT_INDETERMINATE);
	ck_assert_int_ne(lstat(out, &st), 0);
	free(out);
	free(empty);
	teardown(&fx);
}
END_TEST

/* A folder below the target is a link to elsewhere: refused, nothing written anywhere. */
START_TEST(test_extract_symlinked_subfolder)
{
	struct fixture fx;
	char *out, *elsewhere, *name, *link, *dir;

	setup(&fx);
	create_example(&fx);
	name = first_stored_pdf(fx.bundle);
	dir = bt_fmt("%.*s", (int)(strchr(name, '/') - name), name);
	out = bt_fmt("%s/out", fx.tmp);
	elsewhere = bt_fmt("%s/elsewhere", fx.tmp);
	link = bt_fmt("%s/%s", out, dir);
	ck_assert_int_eq(mkdir(out, 0755), 0);
	ck_assert_int_eq(mkdir(elsewhere, 0755), 0);
	ck_assert_int_eq(symlink(elsewhere, link), 0);
	ck_assert_int_eq(coco_extract(fx.ctx, fx.bundle, out, fx.r), COCO_ERR_REFUSED);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), dir));
	ck_assert_int_eq(bt_tree_count(elsewhere), 0);
	ck_assert_int_eq(bt_tree_count(out), 1);
	free(out);
	free(elsewhere);
	free(name);
	free(link);
	free(dir);
	teardown(&fx);
}
END_TEST

/* The target folder itself is a link: refused, nothing written through it. */
START_TEST(test_extract_symlinked_target)
{
	struct fixture fx;
	char *out, *elsewhere;

	setup(&fx);
	create_example(&fx);
	out = bt_fmt("%s/out", fx.tmp);
	elsewhere = bt_fmt("%s/elsewhere", fx.tmp);
	ck_assert_int_eq(mkdir(elsewhere, 0755), 0);
	ck_assert_int_eq(symlink(elsewhere, out), 0);
	ck_assert_int_ne(coco_extract(fx.ctx, fx.bundle, out, fx.r), COCO_OK);
	ck_assert_int_eq(bt_tree_count(elsewhere), 0);
	free(out);
	free(elsewhere);
	teardown(&fx);
}
END_TEST

/*
 * extract into a new folder (_i 0, 1) and into an existing empty one (_i 2) with each of
 * its fsyncs, then its rename, failing in turn: an error, the folder as it was (absent,
 * or empty) and no temporary name anywhere, except when a sync failed after the files
 * were placed (at least the last one): then they are complete and the error says so.
 */
START_TEST(test_extract_fault)
{
	enum fault_call call = _i == 1 ? FAULT_RENAME : FAULT_FSYNC;
	struct fixture fx;
	char *out;
	int n, total;

	setup(&fx);
	create_example(&fx);
	out = bt_fmt("%s/out", fx.tmp);
	if (_i == 2)
		ck_assert_int_eq(mkdir(out, 0755), 0);
	fault_arm(call, 0);
	ck_assert_int_eq(coco_extract(fx.ctx, fx.bundle, out, fx.r), COCO_OK);
	total = fault_calls(call);
	ck_assert_int_ge(total, 1);
	for (n = 1; n <= total; n++) {
		bt_rmtree(out);
		if (_i == 2)
			ck_assert_int_eq(mkdir(out, 0755), 0);
		fault_arm(call, n);
		ck_assert_int_ne(coco_extract(fx.ctx, fx.bundle, out, fx.r), COCO_OK);
		ck_assert(fault_fired(call));
		fault_arm(call, 0);
		ck_assert_int_eq(bt_dir_has_prefix(fx.tmp, ".coco-"), 0);
		ck_assert_msg(n < total || call != FAULT_FSYNC ||
				  strstr(coco_ctx_error(fx.ctx), "may not survive") != NULL,
			      "the last fsync failed: %s", coco_ctx_error(fx.ctx));
		if (strstr(coco_ctx_error(fx.ctx), "may not survive") != NULL) {
			ck_assert(bt_tree_equal(fx.example, out));
			ck_assert_int_eq(bt_dir_has_prefix(out, ".coco-"), 0);
		} else if (_i == 2) {
			ck_assert_msg(bt_tree_count(out) == 0, "failure %d of %d left files", n,
				      total);
		} else {
			ck_assert_int_ne(access(out, F_OK), 0);
		}
	}
	free(out);
	teardown(&fx);
}
END_TEST

/*
 * extract -d into missing parent folders makes them (as documented: "created if
 * missing"), and a failure before the files are in place removes them again.
 */
START_TEST(test_extract_parents)
{
	struct fixture fx;
	char *out, *top;

	setup(&fx);
	create_example(&fx);
	out = bt_fmt("%s/p/q/out", fx.tmp);
	top = bt_fmt("%s/p", fx.tmp);
	fault_arm(FAULT_RENAME, 1);
	ck_assert_int_eq(coco_extract(fx.ctx, fx.bundle, out, fx.r), COCO_ERR_IO);
	ck_assert(fault_fired(FAULT_RENAME));
	fault_arm(FAULT_RENAME, 0);
	ck_assert_int_ne(access(top, F_OK), 0);
	ck_assert_int_eq(bt_dir_has_prefix(fx.tmp, ".coco-"), 0);
	ck_assert_msg(coco_extract(fx.ctx, fx.bundle, out, fx.r) == COCO_OK, "%s",
		      coco_ctx_error(fx.ctx));
	ck_assert(bt_tree_equal(fx.example, out));
	free(top);
	free(out);
	teardown(&fx);
}
END_TEST

/* ---- the submission stages (assessment and evidence) in verify and create ---- */

/* A copy of the example with one text of assessment.xml replaced; malloc'd folder. */
static char *edited_example(const struct fixture *fx, const char *from, const char *to)
{
	char *src = bt_fmt("%s/src", fx->tmp), *xml = bt_fmt("%s/src/assessment.xml", fx->tmp);

	ck_assert_int_eq(bt_copytree(fx->example, src), 0);
	if (from != NULL)
		ck_assert_int_eq(bt_replace(xml, from, to), 0);
	free(xml);
	return src;
}

static const struct bt_part only_pdf[] = {{"evidence/a b.pdf", pdf, bt_min_pdf_len, 0}};

/* Writes fx->bundle from data objects, the manifest listing refs (NULL: the same). */
static void write_parts(struct fixture *fx, const struct bt_part *data, size_t n,
			const struct bt_part *refs, size_t nrefs)
{
	struct bt_bundle b;

	memset(&b, 0, sizeof(b));
	b.data = data;
	b.n = n;
	b.refs = refs;
	b.nrefs = nrefs;
	b.signer = fx->signer;
	ck_assert_msg(bt_bundle_write(fx->ctx, fx->bundle, &b) == 0, "%s", coco_ctx_error(fx->ctx));
}

/*
 * The director against the signer (Jane Director - TEST ONLY): another name, or a
 * one-word name that would match too many certificates, is a manual check, not a failure.
 */
static const struct {
	const char *name, *message;
} director_cases[] = {
    {"John Smith", "signed by 'Jane Director - TEST ONLY'"},
    {"Jane", "one-word"},
};

START_TEST(test_director_mismatch)
{
	struct fixture fx;
	const struct coco_finding *f;
	char *src, *to = bt_fmt("<name>%s</name>", director_cases[_i].name);

	setup(&fx);
	src = edited_example(&fx, "<name>Jane Director</name>", to);
	ck_assert_msg(coco_create(fx.ctx, src, fx.bundle, fx.signer, NULL) == COCO_OK, "%s",
		      coco_ctx_error(fx.ctx));
	verify(&fx, fx.bundle);
	f = bt_find_status(fx.r, "assessment.director", COCO_STATUS_WARN, director_cases[_i].name);
	ck_assert_msg(f != NULL && coco_finding_manual(f) &&
			  strstr(coco_finding_message(f), director_cases[_i].message) != NULL,
		      "%s", bt_dump(fx.r));
	expect_passed(fx.r);
	free(to);
	free(src);
	teardown(&fx);
}
END_TEST

/*
 * The signer certificate's organisation (O) and organizationIdentifier against the
 * applicant's legalName "Example Guarding Ltd" and companyNumber 01234567. Each certificate
 * is made here by the test signer-ca for the director's key, CN "Jane Director" (so the
 * director check passes); create's lint reports the same finding that verify does.
 */
#define ORG_ID "assessment.signer_organisation"
#define APPLICANT "Example Guarding Ltd"

static const struct {
	const char *what;
	const char *subject[4];
	int policy_manual; /* the trust directory's policy says <signerOrganisation>manual */
	enum coco_status status;
	int manual;
	const char *message; /* the whole message */
} org_cases[] = {
    {"another organisation",
     {"CN=Jane Director", "O=Rival Security Ltd", NULL},
     0,
     COCO_STATUS_FAIL,
     0,
     "the signer certificate names the organisation 'Rival Security Ltd', not the applicant "
     "'" APPLICANT "': a certificate of another organisation is evidence that someone other "
     "than the applicant's director signed"},
    {"the applicant, written differently",
     {"CN=Jane Director", "O=EXAMPLE GUARDING LIMITED", NULL},
     0,
     COCO_STATUS_PASS,
     0,
     "the signer certificate's organisation is the applicant, 'EXAMPLE GUARDING LIMITED'"},
    {"no organisation",
     {"CN=Jane Director", "C=GB", NULL},
     0,
     COCO_STATUS_WARN,
     1,
     "the signer certificate ('CN=Jane Director, C=GB') names no organisation (O) to compare "
     "with the applicant: confirm that the signer acts for '" APPLICANT "'"},
    {"another company number",
     {"CN=Jane Director", "O=" APPLICANT, "organizationIdentifier=NTRGB-99999999", NULL},
     0,
     COCO_STATUS_FAIL,
     0,
     "the signer certificate's organizationIdentifier 'NTRGB-99999999' names another company "
     "than the applicant's number 01234567: a certificate of another organisation is evidence "
     "that someone other than the applicant's director signed"},
    {"the applicant's company number",
     {"CN=Jane Director", "O=" APPLICANT, "organizationIdentifier=NTRGB-01234567", NULL},
     0,
     COCO_STATUS_PASS,
     0,
     "the signer certificate's organisation is the applicant, '" APPLICANT "', and its "
     "organizationIdentifier 'NTRGB-01234567' names the applicant's company number"},
    {"another organisation, the policy asks for a person",
     {"CN=Jane Director", "O=Rival Security Ltd", NULL},
     1,
     COCO_STATUS_WARN,
     1,
     "the signer certificate names the organisation 'Rival Security Ltd', not the applicant "
     "'" APPLICANT "': confirm that the signer may sign for the applicant (the policy makes "
     "this a manual check)"},
    {"another name, the applicant's number",
     {"CN=Jane Director", "O=Example Group plc", "organizationIdentifier=NTRGB-01234567", NULL},
     0,
     COCO_STATUS_WARN,
     1,
     "the signer certificate names the organisation 'Example Group plc', not the applicant "
     "'" APPLICANT
     "', but its organizationIdentifier 'NTRGB-01234567' names the applicant's company "
     "number: confirm that both name the same company"},
    {"no organisation, another company number",
     {"CN=Jane Director", "organizationIdentifier=NTRGB-07654321", NULL},
     0,
     COCO_STATUS_FAIL,
     0,
     "the signer certificate's organizationIdentifier 'NTRGB-07654321' names another company "
     "than the applicant's number 01234567: a certificate of another organisation is evidence "
     "that someone other than the applicant's director signed"},
    {"an identifier of another scheme is not compared",
     {"CN=Jane Director", "O=" APPLICANT, "organizationIdentifier=VATGB-123456789", NULL},
     0,
     COCO_STATUS_PASS,
     0,
     "the signer certificate's organisation is the applicant, '" APPLICANT "'"},
};

/* Loads a copy of the test trust directory whose policy makes a mismatch a manual check. */
static void load_manual_org_policy(struct fixture *fx)
{
	char *src = bt_fixture("trust"), *dst = bt_fmt("%s/trust", fx->tmp);
	char *policy = bt_fmt("%s/policy.xml", dst);

	ck_assert_int_eq(bt_copytree(src, dst), 0);
	ck_assert_int_eq(
	    bt_replace(policy, "<signerOrganisation>fail<", "<signerOrganisation>manual<"), 0);
	ck_assert_msg(coco_ctx_load_trust(fx->ctx, dst) == COCO_OK, "%s", coco_ctx_error(fx->ctx));
	free(src);
	free(dst);
	free(policy);
}

static void expect_org(const struct coco_report *r, int i)
{
	const struct coco_finding *f = bt_find_status(r, ORG_ID, org_cases[i].status, APPLICANT);

	ck_assert_msg(f != NULL, "%s: no %s %s:\n%s", org_cases[i].what,
		      coco_status_name(org_cases[i].status), ORG_ID, bt_dump(r));
	ck_assert_int_eq(coco_finding_manual(f), org_cases[i].manual);
	ck_assert_str_eq(coco_finding_message(f), org_cases[i].message);
}

START_TEST(test_signer_organisation)
{
	struct fixture fx;
	struct coco_signer *minted;
	struct coco_report *lint;
	struct coco_create_opts opts = {COCO_CREATE_NO_LINT, NULL, NULL};

	setup(&fx);
	if (org_cases[_i].policy_manual)
		load_manual_org_policy(&fx);
	minted = bt_signer_minted(fx.ctx, fx.tmp, org_cases[_i].subject, _i);
	ck_assert_msg(minted != NULL, "%s", coco_ctx_error(fx.ctx));
	ck_assert_int_eq(coco_report_new(&lint), COCO_OK);
	opts.lint = lint;
	ck_assert_msg(coco_create(fx.ctx, fx.example, fx.bundle, minted, &opts) == COCO_OK, "%s",
		      coco_ctx_error(fx.ctx));
	expect_org(lint, _i);
	verify(&fx, fx.bundle);
	expect_org(fx.r, _i);
	ck_assert_ptr_nonnull(
	    bt_find_status(fx.r, "assessment.director", COCO_STATUS_PASS, "Jane Director"));
	if (org_cases[_i].status == COCO_STATUS_FAIL)
		ck_assert_int_eq(coco_report_verdict(fx.r), COCO_VERDICT_FAILED);
	else
		expect_passed(fx.r);
	coco_report_free(lint);
	coco_signer_free(minted);
	teardown(&fx);
}
END_TEST

/* create refuses a signer of another organisation unless told to sign anyway. */
START_TEST(test_signer_organisation_refused)
{
	static const char *const rival[] = {"CN=Jane Director", "O=Rival Security Ltd", NULL};
	struct fixture fx;
	struct coco_signer *minted;
	struct coco_report *lint;
	struct coco_create_opts opts = {0, NULL, NULL};

	setup(&fx);
	minted = bt_signer_minted(fx.ctx, fx.tmp, rival, 100);
	ck_assert_ptr_nonnull(minted);
	ck_assert_int_eq(coco_report_new(&lint), COCO_OK);
	opts.lint = lint;
	ck_assert_int_eq(coco_create(fx.ctx, fx.example, fx.bundle, minted, &opts),
			 COCO_ERR_REFUSED);
	ck_assert_ptr_nonnull(bt_find_status(lint, ORG_ID, COCO_STATUS_FAIL, APPLICANT));
	ck_assert_int_eq(access(fx.bundle, F_OK), -1);
	coco_report_free(lint);
	coco_signer_free(minted);
	teardown(&fx);
}
END_TEST

/* The sample, signed by the fixtures' director (O=Example Guarding Ltd), passes the check. */
START_TEST(test_signer_organisation_sample)
{
	struct fixture fx;

	setup(&fx);
	create_example(&fx);
	verify(&fx, fx.bundle);
	ck_assert_ptr_nonnull(bt_find_status(fx.r, ORG_ID, COCO_STATUS_PASS, APPLICANT));
	expect_passed(fx.r);
	teardown(&fx);
}
END_TEST

/* Authorised after the signing time: create refuses; with COCO_CREATE_NO_LINT it signs,
 * and verify fails the same check against the signature's signing time. */
START_TEST(test_authorised_after_signing)
{
	struct fixture fx;
	struct coco_report *lint;
	struct coco_create_opts opts = {0, NULL, NULL};
	char *src;

	setup(&fx);
	src = edited_example(&fx, "<date>2026-10-01</date>", "<date>2027-02-01</date>");
	ck_assert_int_eq(coco_report_new(&lint), COCO_OK);
	opts.lint = lint;
	ck_assert_int_eq(coco_create(fx.ctx, src, fx.bundle, fx.signer, &opts), COCO_ERR_REFUSED);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), "--no-lint"));
	ck_assert_ptr_nonnull(
	    bt_find_status(lint, "assessment.authorisation", COCO_STATUS_FAIL, "Jane Director"));
	ck_assert_int_eq(access(fx.bundle, F_OK), -1);
	opts.flags = COCO_CREATE_NO_LINT;
	ck_assert_msg(coco_create(fx.ctx, src, fx.bundle, fx.signer, &opts) == COCO_OK, "%s",
		      coco_ctx_error(fx.ctx));
	verify(&fx, fx.bundle);
	expect(fx.r, "assessment.authorisation", COCO_STATUS_FAIL, "Jane Director",
	       COCO_VERDICT_FAILED);
	ck_assert_ptr_nonnull(
	    strstr(coco_finding_message(bt_find(fx.r, "assessment.authorisation", NULL)),
		   "after the bundle was signed"));
	coco_report_free(lint);
	free(src);
	teardown(&fx);
}
END_TEST

/* A file nothing references is refused even with COCO_CREATE_NO_LINT; nothing is written. */
START_TEST(test_create_unreferenced)
{
	struct fixture fx;
	struct coco_report *lint;
	struct coco_create_opts opts = {COCO_CREATE_NO_LINT, NULL, NULL};
	char *src, *p;

	setup(&fx);
	src = edited_example(&fx, NULL, NULL);
	p = bt_fmt("%s/evidence/stray.pdf", src);
	ck_assert_int_eq(bt_write(p, bt_min_pdf, bt_min_pdf_len), 0);
	ck_assert_int_eq(coco_report_new(&lint), COCO_OK);
	opts.lint = lint;
	ck_assert_int_eq(coco_create(fx.ctx, src, fx.bundle, fx.signer, &opts), COCO_ERR_REFUSED);
	ck_assert_ptr_nonnull(bt_find_status(lint, "assessment.unreferenced", COCO_STATUS_FAIL,
					     "evidence/stray.pdf"));
	ck_assert_int_eq(access(fx.bundle, F_OK), -1);
	ck_assert(!bt_dir_has_prefix(fx.tmp, ".coco-tmp"));
	coco_report_free(lint);
	free(p);
	free(src);
	teardown(&fx);
}
END_TEST

/* Bundles made without create: no assessment.xml, or one over the 1 MiB limit. */
START_TEST(test_bundle_assessment_missing)
{
	struct fixture fx;

	setup(&fx);
	write_parts(&fx, only_pdf, 1, NULL, 0);
	verify(&fx, fx.bundle);
	expect(fx.r, "assessment.missing", COCO_STATUS_FAIL, "assessment.xml", COCO_VERDICT_FAILED);
	teardown(&fx);
}
END_TEST

START_TEST(test_bundle_assessment_too_large)
{
	size_t n = (1u << 20) + 1;
	unsigned char *big = malloc(n);
	struct bt_part parts[1];
	struct fixture fx;

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	parts[0].name = "assessment.xml";
	parts[0].data = big;
	parts[0].len = n;
	parts[0].deflate = 1;
	setup(&fx);
	write_parts(&fx, parts, 1, NULL, 0);
	verify(&fx, fx.bundle);
	expect(fx.r, "assessment.xml", COCO_STATUS_FAIL, "assessment.xml", COCO_VERDICT_FAILED);
	free(big);
	teardown(&fx);
}
END_TEST

/* An assessment no manifest covers is not judged: the stage is skipped, not run on it. */
START_TEST(test_assessment_unsigned_skipped)
{
	struct fixture fx;
	const struct coco_finding *f;

	setup(&fx);
	write_parts(&fx, data2, 2, only_pdf, 1);
	verify(&fx, fx.bundle);
	expect(fx.r, "manifest.unsigned", COCO_STATUS_FAIL, "assessment.xml", COCO_VERDICT_FAILED);
	f = bt_find_status(fx.r, "verify.skipped", COCO_STATUS_INFO, NULL);
	ck_assert_msg(f != NULL && strstr(coco_finding_message(f), "assessment and evidence"), "%s",
		      bt_dump(fx.r));
	ck_assert_ptr_null(bt_find(fx.r, "assessment.schema", NULL));
	ck_assert_ptr_null(bt_find(fx.r, "evidence.baseline", NULL));
	teardown(&fx);
}
END_TEST

/*
 * The assessment is judged against the signature whose own manifest covers it: here a
 * second manifest, signed by someone else, is the only one that lists assessment.xml,
 * so that signer (not the director who signed the evidence) is compared; with a junk
 * signature instead, the assessment is not judged at all.
 */
START_TEST(test_assessment_bound_to_its_signature)
{
	struct fixture fx;
	struct bt_parts l;
	struct coco_manifest_ref ref;
	struct coco_signer *other = NULL;
	unsigned char *sig = NULL;
	char *manifest;
	size_t mlen = 0, slen = 0;
	const struct coco_finding *f;

	setup(&fx);
	write_parts(&fx, data2, 2, only_pdf, 1);
	memset(&ref, 0, sizeof(ref));
	ref.name = (char *)"assessment.xml";
	ck_assert_ptr_nonnull(SHA256(assessment, sizeof(assessment) - 1, ref.digest));
	manifest = coco_manifest_build("META-INF/signature002.p7s", &ref, 1, &mlen);
	ck_assert_ptr_nonnull(manifest);
	ck_assert_ptr_nonnull(other = bt_signer(fx.ctx, "revoked"));
	ck_assert_int_eq(bt_zip_read(fx.bundle, &l), 0);
	ck_assert_int_eq(bt_parts_add(&l, "META-INF/ASiCManifest002.xml", manifest, mlen), 0);
	if (_i == 0)
		ck_assert_int_eq(
		    coco_cms_sign(fx.ctx, other, (unsigned char *)manifest, mlen, &sig, &slen),
		    COCO_OK);
	ck_assert_int_eq(bt_parts_add(&l, "META-INF/signature002.p7s", _i == 0 ? sig : pdf,
				      _i == 0 ? slen : bt_min_pdf_len),
			 0);
	ck_assert_int_eq(bt_zip_write(fx.ctx, fx.bundle, l.p, l.n), 0);
	verify(&fx, fx.bundle);
	if (_i == 0) {
		f = bt_find_status(fx.r, "assessment.director", COCO_STATUS_WARN, "Jane Director");
		ck_assert_msg(f != NULL && coco_finding_manual(f) &&
				  strstr(coco_finding_message(f), "Revoked Signer") != NULL,
			      "%s", bt_dump(fx.r));
	} else {
		f = bt_find_status(fx.r, "verify.skipped", COCO_STATUS_INFO, NULL);
		ck_assert_msg(f != NULL &&
				  strstr(coco_finding_message(f), "assessment and evidence"),
			      "%s", bt_dump(fx.r));
		ck_assert_ptr_null(bt_find(fx.r, "assessment.director", NULL));
		ck_assert_ptr_null(bt_find(fx.r, "evidence.holder", NULL));
	}
	bt_parts_free(&l);
	OPENSSL_free(sig);
	free(manifest);
	coco_signer_free(other);
	teardown(&fx);
}
END_TEST

/* Any extra data object, META-INF/ included, is a file the assessment does not reference. */
START_TEST(test_meta_inf_extra_unreferenced)
{
	static const struct bt_part three[] = {
	    {"assessment.xml", assessment, sizeof(assessment) - 1, 1},
	    {"evidence/a b.pdf", pdf, bt_min_pdf_len, 0},
	    {"META-INF/payload.bin", pdf, bt_min_pdf_len, 0},
	};
	struct fixture fx;

	setup(&fx);
	write_parts(&fx, three, 3, NULL, 0);
	verify(&fx, fx.bundle);
	expect(fx.r, "assessment.unreferenced", COCO_STATUS_FAIL, "META-INF/payload.bin",
	       COCO_VERDICT_FAILED);
	teardown(&fx);
}
END_TEST

/*
 * All manifests together may hold 8 MiB (they stay in memory while verifying): eight of
 * 1 MiB pass that limit (each then fails as XML); one byte more is container.limits.
 */
START_TEST(test_manifest_total)
{
	struct fixture fx;
	struct bt_part parts[8];
	char names[8][40];
	unsigned char *big = malloc((1u << 20) + 1);
	const struct coco_finding *f;
	size_t k;

	setup(&fx);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', (1u << 20) + 1);
	for (k = 0; k < 8; k++) {
		snprintf(names[k], sizeof(names[k]), "META-INF/ASiCManifest%03zu.xml", k + 1);
		parts[k] =
		    (struct bt_part){names[k], big, (1u << 20) + (k == 7 ? (size_t)_i : 0), 1};
	}
	ck_assert_int_eq(bt_zip_write(fx.ctx, fx.bundle, parts, 8), 0);
	verify(&fx, fx.bundle);
	f = bt_find_status(fx.r, "container.limits", COCO_STATUS_FAIL, NULL);
	ck_assert_msg(_i ? f != NULL && strstr(coco_finding_message(f), "8 MiB in all") != NULL
			 : f == NULL && bt_find_status(fx.r, "manifest.xml", COCO_STATUS_FAIL,
						       names[7]) != NULL,
		      "%s", bt_dump(fx.r));
	free(big);
	teardown(&fx);
}
END_TEST

/* The policy's revocation mode: require makes a missing CRL INDETERMINATE; off skips CRLs. */
START_TEST(test_revocation_mode)
{
	struct fixture fx;
	char *trust, *policy, *crl, *src;
	const char *mode = _i == 0 ? "require" : "off";

	setup(&fx);
	create_example(&fx);
	trust = bt_fmt("%s/trust", fx.tmp);
	src = bt_fixture("trust");
	ck_assert_int_eq(bt_copytree(src, trust), 0);
	crl = bt_fmt("%s/crl", trust);
	bt_rmtree(crl); /* no revocation data at all */
	policy = bt_fmt("%s/policy.xml", trust);
	/* white space around the value is fine, as the schema collapses it */
	ck_assert_int_eq(bt_replace(policy, "<revocation>warn</revocation>",
				    _i == 0 ? "<revocation>\n    require\n  </revocation>"
					    : "<revocation> off </revocation>"),
			 0);
	ck_assert_msg(coco_ctx_load_trust(fx.ctx, trust) == COCO_OK, "%s", coco_ctx_error(fx.ctx));
	verify(&fx, fx.bundle);
	if (_i == 0)
		ck_assert_msg(bt_find_status(fx.r, "signer.revocation", COCO_STATUS_INDETERMINATE,
					     NULL) != NULL &&
				  coco_report_verdict(fx.r) == COCO_VERDICT_INDETERMINATE,
			      "%s: %s", mode, bt_dump(fx.r));
	else
		ck_assert_msg(bt_find_status(fx.r, "signer.revocation", COCO_STATUS_INFO, NULL) &&
				  /* only the eleven statements left for the SIRO to read */
				  bt_count_status(fx.r, COCO_STATUS_WARN) == 11 &&
				  coco_report_verdict(fx.r) == COCO_VERDICT_PASSED,
			      "%s: %s", mode, bt_dump(fx.r));
	free(trust);
	free(src);
	free(crl);
	free(policy);
	teardown(&fx);
}
END_TEST

Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("create");
	TCase *tv = tcase_create("verify");
	TCase *tx = tcase_create("extract");
	TCase *ts = tcase_create("submission");

	tcase_set_timeout(ts, 60);
	tcase_set_timeout(tc, 60);
	tcase_set_timeout(tv, 60);
	tcase_set_timeout(tx, 60);
	tcase_add_unchecked_fixture(tc, bt_tmp_setup, bt_tmp_teardown);
	tcase_add_unchecked_fixture(tv, bt_tmp_setup, bt_tmp_teardown);
	tcase_add_unchecked_fixture(tx, bt_tmp_setup, bt_tmp_teardown);
	tcase_add_unchecked_fixture(ts, bt_tmp_setup, bt_tmp_teardown);
	tcase_add_loop_test(tc, test_create_verify, 0, (int)(sizeof(signers) / sizeof(signers[0])));
	tcase_add_test(tc, test_create_layout);
	tcase_add_test(tc, test_create_deterministic);
	tcase_add_loop_test(tc, test_create_refuses, 0, 2 * R_N);
	tcase_add_test(tc, test_create_variants);
	tcase_add_test(tc, test_create_compressible);
	tcase_add_test(tc, test_create_sha256);
	tcase_add_test(tc, test_create_replaces_on_success);
	tcase_add_test(tc, test_create_bad_output);
	tcase_add_test(tc, test_create_into_folder);
	tcase_add_loop_test(tc, test_create_fault, 0, 2);
	tcase_add_loop_test(tc, test_create_tsa_refused, 0,
			    (int)(sizeof(tsa_cases) / sizeof(tsa_cases[0])));
	suite_add_tcase(s, tc);
	tcase_add_test(tv, test_tamper_data_byte);
	tcase_add_loop_test(tv, test_tamper_added_entry, 0,
			    (int)(sizeof(added) / sizeof(added[0])));
	tcase_add_test(tv, test_tamper_removed_entry);
	tcase_add_test(tv, test_two_manifests_one_signature);
	tcase_add_loop_test(tv, test_parts, 0, (int)(sizeof(parts_cases) / sizeof(parts_cases[0])));
	tcase_add_test(tv, test_manifest_covers_itself);
	tcase_add_test(tv, test_inspect);
	tcase_add_test(tv, test_inspect_not_zip);
	tcase_add_test(tv, test_verify_missing_file);
	tcase_add_test(tv, test_no_bundle_digest);
	tcase_add_test(tv, test_share_trust_threads);
	tcase_add_test(tv, test_share_trust_empty);
	suite_add_tcase(s, tv);
	tcase_add_loop_test(ts, test_director_mismatch, 0,
			    (int)(sizeof(director_cases) / sizeof(director_cases[0])));
	tcase_add_loop_test(ts, test_signer_organisation, 0,
			    (int)(sizeof(org_cases) / sizeof(org_cases[0])));
	tcase_add_test(ts, test_signer_organisation_refused);
	tcase_add_test(ts, test_signer_organisation_sample);
	tcase_add_test(ts, test_authorised_after_signing);
	tcase_add_test(ts, test_create_unreferenced);
	tcase_add_test(ts, test_bundle_assessment_missing);
	tcase_add_test(ts, test_bundle_assessment_too_large);
	tcase_add_loop_test(ts, test_revocation_mode, 0, 2);
	tcase_add_loop_test(ts, test_manifest_total, 0, 2);
	tcase_add_test(ts, test_assessment_unsigned_skipped);
	tcase_add_loop_test(ts, test_assessment_bound_to_its_signature, 0, 2);
	tcase_add_test(ts, test_meta_inf_extra_unreferenced);
	tcase_add_test(tx, test_extract);
	tcase_add_loop_test(tx, test_extract_exists, 0, 3);
	tcase_add_test(tx, test_extract_failed);
	tcase_add_test(tx, test_extract_indeterminate);
	tcase_add_test(tx, test_extract_symlinked_subfolder);
	tcase_add_test(tx, test_extract_symlinked_target);
	tcase_add_loop_test(tx, test_extract_fault, 0, 3);
	tcase_add_test(tx, test_extract_parents);
	suite_add_tcase(s, tx);
	suite_add_tcase(s, ts);
	return s;
}
