/*
 * Time-of-check races (issue 13, point 5): someone who can write the bundle while verify
 * or extract runs must not be able to show the PDF scanner, a parser or extract's copy
 * other bytes than those the streaming pass hashed. The library's read hook (internal.h,
 * a test seam) tells a test when the manifests are read and when the pass is over; the
 * test then rewrites entry bytes in place in the bundle file, same length, as a racing
 * writer would. Before the fix, the scanner and the parsers read the bundle again after
 * the pass and saw the rewritten bytes.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "bundletool.h"
#include "internal.h"
#include "suites.h"

#define POLICY "policies/acceptable-use-policy.pdf"
#define SIGNED "2027-01-01"
#define AT "2027-06-01"

/* A rewrite of len bytes at offset at of the bundle, made when verify reaches `when`; and
 * optionally another (back) when extract has made its temporary folder. */
struct race {
	struct coco_ctx *ctx;
	struct coco_report *r;
	char *tmp, *bundle, *out;
	enum coco_read_point when;
	uint64_t at;
	const void *swap, *back;
	size_t len;
	int fired, fired_back;
};

static void rewrite(const struct race *rc, const void *p)
{
	int fd = open(rc->bundle, O_WRONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, p, rc->len, (off_t)rc->at), (ssize_t)rc->len);
	close(fd);
}

static void on_read(void *arg, enum coco_read_point at, const char *path)
{
	struct race *rc = arg;

	ck_assert_str_eq(path, rc->bundle);
	if (at == rc->when && rc->swap != NULL && !rc->fired++)
		rewrite(rc, rc->swap);
}

static void on_phase(void *arg, enum coco_phase phase, const char *path, uint64_t n)
{
	struct race *rc = arg;

	(void)path, (void)n;
	if (phase == COCO_PHASE_TMP_CREATED && rc->back != NULL && !rc->fired_back++)
		rewrite(rc, rc->back);
}

static void race_setup(struct race *rc)
{
	char *trust = bt_fixture("trust");

	memset(rc, 0, sizeof(*rc));
	ck_assert_int_eq(coco_ctx_new(&rc->ctx), COCO_OK);
	ck_assert_msg(coco_ctx_load_trust(rc->ctx, trust) == COCO_OK, "%s",
		      coco_ctx_error(rc->ctx));
	ck_assert_int_eq(coco_report_new(&rc->r), COCO_OK);
	ck_assert_ptr_nonnull(rc->tmp = bt_mkdtemp());
	rc->bundle = bt_fmt("%s/b.coco", rc->tmp);
	rc->out = bt_fmt("%s/out", rc->tmp);
	coco_ctx_set_read_hook(rc->ctx, on_read, rc);
	coco_ctx_set_phase_hook(rc->ctx, on_phase, rc);
	free(trust);
}

static void race_teardown(struct race *rc)
{
	bt_rmtree(rc->tmp);
	free(rc->tmp);
	free(rc->bundle);
	free(rc->out);
	coco_report_free(rc->r);
	coco_ctx_free(rc->ctx);
}

/* The sample signed by the director (create, lint off), its policy PDF replaced by
 * pdf (stored, as create stores PDFs) when pdf is not NULL. */
static void create_sample(struct race *rc, const unsigned char *pdf, size_t len)
{
	char *example = bt_fixture("example"), *dir = bt_fmt("%s/src", rc->tmp);
	char *path = bt_fmt("%s/%s", dir, POLICY);
	struct coco_create_opts o = {COCO_CREATE_NO_LINT, NULL, NULL};
	struct coco_signer *s;

	ck_assert_int_eq(bt_copytree(example, dir), 0);
	if (pdf != NULL)
		ck_assert_int_eq(bt_write(path, pdf, len), 0);
	coco_ctx_set_time(rc->ctx, bt_time(SIGNED));
	ck_assert_ptr_nonnull(s = bt_signer(rc->ctx, "director"));
	ck_assert_msg(coco_create(rc->ctx, dir, rc->bundle, s, &o) == COCO_OK, "%s",
		      coco_ctx_error(rc->ctx));
	coco_signer_free(s);
	coco_ctx_set_time(rc->ctx, bt_time(AT));
	free(example);
	free(dir);
	free(path);
}

/* Where entry name's data is in the bundle (method: 0 stored, 8 deflated). */
static struct bt_loc locate(const struct race *rc, const char *name)
{
	unsigned char *zip = NULL;
	size_t len = 0;
	struct bt_loc loc;

	ck_assert_int_eq(bt_read(rc->bundle, &zip, &len), 0);
	ck_assert_int_eq(bt_zip_locate(zip, len, name, &loc), 0);
	free(zip);
	return loc;
}

/* Flips the byte in the middle of entry name's data when verify reaches when. */
static void flip_middle(struct race *rc, const char *name, enum coco_read_point when,
			unsigned char *byte)
{
	struct bt_loc loc = locate(rc, name);
	unsigned char *zip = NULL;
	size_t len = 0;

	ck_assert_int_eq(bt_read(rc->bundle, &zip, &len), 0);
	rc->when = when, rc->at = loc.data_off + loc.csize / 2, rc->len = 1;
	*byte = zip[rc->at] ^ 0x5a;
	rc->swap = byte;
	free(zip);
}

/*
 * A PDF of 3 MiB whose JavaScript action (object 4) comes after a stream of 3 MiB of
 * spaces: the scanner reads the first block of the entry and the last (the spool checks
 * blocks of 1 MiB here), skipping the stream by its /Length. malloc'd.
 */
static unsigned char *big_js(size_t *len)
{
	static const char *const obj[] = {
	    "<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
	    "<< /Type /Pages /Kids [] /Count 0 >>", NULL,
	    "<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\);) >>"};
	const size_t pad = 3u << 20;
	struct bt_sb b = {0};
	size_t off[5], k, x;
	char *spaces = malloc(pad);

	ck_assert_ptr_nonnull(spaces);
	memset(spaces, ' ', pad);
	bt_sb_str(&b, "%PDF-1.7\n");
	for (k = 0; k < 4; k++) {
		off[k + 1] = b.n;
		bt_sb_fmt(&b, "%zu 0 obj\n", k + 1);
		if (obj[k] != NULL) {
			bt_sb_str(&b, obj[k]);
		} else {
			bt_sb_fmt(&b, "<< /Length %zu >>\nstream\n", pad);
			bt_sb_add(&b, spaces, pad);
			bt_sb_str(&b, "\nendstream");
		}
		bt_sb_str(&b, "\nendobj\n");
	}
	x = b.n;
	bt_sb_str(&b, "xref\n0 5\n0000000000 65535 f \n");
	for (k = 1; k < 5; k++)
		bt_sb_fmt(&b, "%010zu 00000 n \n", off[k]);
	bt_sb_fmt(&b, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x);
	free(spaces);
	*len = b.n;
	return (unsigned char *)b.p;
}

/* A JavaScript PDF (the fixture, or with big the one of big_js), and the same bytes made
 * harmless: the action's type and its /JS key renamed, same length, so that a scan of it
 * finds no JavaScript. */
static void js_and_harmless(int big, unsigned char **js, unsigned char **harmless, size_t *len)
{
	char *src = bt_fixture("pdf/js-openaction.pdf"), *at;

	if (big) {
		*js = big_js(len);
		ck_assert_ptr_nonnull(*harmless = malloc(*len + 1));
		memcpy(*harmless, *js, *len + 1);
	} else {
		ck_assert_int_eq(bt_read(src, js, len), 0);
		ck_assert_int_eq(bt_read(src, harmless, len), 0);
	}
	ck_assert_ptr_nonnull(at = strstr((char *)*harmless, "/S /JavaScript /JS "));
	memcpy(at, "/S /NotAnAction /X ", 19);
	free(src);
}

/* The sample, signed, as the hostile corpus writes it (tests/unit/check_hostile.c): its
 * policy PDF replaced by pdf, deflated, so that verify keeps a copy of it. */
static void write_deflated(struct race *rc, const unsigned char *pdf, size_t len)
{
	static const char *const names[] = {"assessment.xml", "evidence/cyber-essentials-plus.pdf",
					    POLICY, "policies/information-security-policy.pdf"};
	struct bt_parts l = {NULL, 0};
	struct bt_bundle b = {0};
	struct coco_signer *s;
	unsigned char *p = NULL;
	size_t k, n = 0;
	char *path;

	for (k = 0; k < 4; k++) {
		path = bt_fixture("example/%s", names[k]);
		ck_assert_int_eq(bt_read(path, &p, &n), 0);
		ck_assert_int_eq(bt_parts_add(&l, names[k], k == 2 ? pdf : p, k == 2 ? len : n), 0);
		l.p[k].deflate = k == 0 || k == 2;
		free(p);
		free(path);
	}
	coco_ctx_set_time(rc->ctx, bt_time(SIGNED));
	ck_assert_ptr_nonnull(s = bt_signer(rc->ctx, "director"));
	b.data = l.p, b.n = l.n, b.signer = s;
	ck_assert_int_eq(bt_bundle_write(rc->ctx, rc->bundle, &b), 0);
	coco_ctx_set_time(rc->ctx, bt_time(AT));
	coco_signer_free(s);
	bt_parts_free(&l);
}

/*
 * Sets the 4 bytes at p[at] so that the CRC-32 of p is want, as a racing writer would, so
 * that its rewrite passes the reader's CRC check and only a digest can tell. CRC-32 is
 * affine over GF(2): the 32 bits there change the CRC by a linear map, solved here by
 * Gaussian elimination.
 */
static void forge_crc(unsigned char *p, size_t len, size_t at, uint32_t want)
{
	uint32_t row[32] = {0}, base, t, tmp;
	unsigned char rhs[32];
	unsigned i, r, k;

	memset(p + at, 0, 4);
	base = (uint32_t)crc32(0, p, (uInt)len);
	for (i = 0; i < 32; i++) { /* row r of the map: which input bits flip CRC bit r */
		p[at + i / 8] ^= (unsigned char)(1u << (i % 8));
		t = (uint32_t)crc32(0, p, (uInt)len) ^ base;
		p[at + i / 8] ^= (unsigned char)(1u << (i % 8));
		for (r = 0; r < 32; r++)
			row[r] |= (t >> r & 1u) << i;
	}
	for (r = 0; r < 32; r++)
		rhs[r] = (unsigned char)((want ^ base) >> r & 1u);
	for (i = 0; i < 32; i++) { /* Gauss-Jordan: row i gets the pivot of input bit i */
		for (k = i; k < 32 && !(row[k] >> i & 1u); k++)
			;
		ck_assert_uint_lt(k, 32); /* 32 consecutive bits always can (CRC-32 property) */
		tmp = row[k], row[k] = row[i], row[i] = tmp;
		t = rhs[k], rhs[k] = rhs[i], rhs[i] = (unsigned char)t;
		for (k = 0; k < 32; k++)
			if (k != i && (row[k] >> i & 1u))
				row[k] ^= row[i], rhs[k] ^= rhs[i];
	}
	for (i = 0; i < 32; i++)
		p[at + i / 8] |= (unsigned char)(rhs[i] << (i % 8));
	ck_assert_uint_eq(crc32(0, p, (uInt)len), want);
}

/* Sanity, with nothing rewritten: the harmless bytes really are harmless (0, 2), and the
 * JavaScript PDFs are not (1, 3), read through the spool's checks, block after block. */
START_TEST(test_race_control)
{
	struct race rc;
	unsigned char *js = NULL, *harmless = NULL;
	size_t len = 0;
	const int bad = _i % 2;

	race_setup(&rc);
	js_and_harmless(_i >= 2, &js, &harmless, &len);
	create_sample(&rc, bad ? js : harmless, len);
	ck_assert_int_eq(coco_verify(rc.ctx, rc.bundle, rc.r), COCO_OK);
	ck_assert_msg(coco_report_verdict(rc.r) ==
			  (bad ? COCO_VERDICT_FAILED : COCO_VERDICT_PASSED),
		      "%.2000s", bt_dump(rc.r));
	ck_assert_int_eq(bt_find(rc.r, "pdf.javascript", POLICY) != NULL, bad);
	free(js);
	free(harmless);
	race_teardown(&rc);
}
END_TEST

/*
 * The signed JavaScript PDF (stored) is swapped for a harmless one right after the pass:
 * the scanner's reads are checked against what the pass hashed, in the first block (0)
 * and in the fourth of the big PDF (1): the bundle changed while being read, an I/O error,
 * never a verdict on the harmless bytes.
 */
START_TEST(test_race_scan)
{
	struct race rc;
	unsigned char *js = NULL, *harmless = NULL;
	size_t len = 0;
	char *want;

	race_setup(&rc);
	js_and_harmless(_i, &js, &harmless, &len);
	create_sample(&rc, js, len);
	rc.when = COCO_READ_PASSED, rc.at = locate(&rc, POLICY).data_off;
	rc.swap = harmless, rc.len = len;
	ck_assert_int_eq(coco_verify(rc.ctx, rc.bundle, rc.r), COCO_ERR_IO);
	ck_assert_int_eq(rc.fired, 1);
	want = bt_fmt("'%s' in '%s' changed while being read", POLICY, rc.bundle);
	ck_assert_str_eq(coco_ctx_error(rc.ctx), want);
	free(want);
	free(js);
	free(harmless);
	race_teardown(&rc);
}
END_TEST

/* The same PDF deflated (verify keeps a copy of what it inflated), its compressed bytes
 * changed after the pass: the scan judges the copy, the JavaScript the pass hashed. */
START_TEST(test_race_scan_deflated)
{
	struct race rc;
	unsigned char *js = NULL, *harmless = NULL, byte;
	size_t len = 0;

	race_setup(&rc);
	js_and_harmless(0, &js, &harmless, &len);
	write_deflated(&rc, js, len);
	flip_middle(&rc, POLICY, COCO_READ_PASSED, &byte);
	ck_assert_msg(coco_verify(rc.ctx, rc.bundle, rc.r) == COCO_OK, "%s",
		      coco_ctx_error(rc.ctx));
	ck_assert_int_eq(rc.fired, 1);
	ck_assert_msg(bt_find_status(rc.r, "pdf.javascript", COCO_STATUS_FAIL, POLICY) != NULL &&
			  coco_report_verdict(rc.r) == COCO_VERDICT_FAILED,
		      "%.2000s", bt_dump(rc.r));
	free(js);
	free(harmless);
	race_teardown(&rc);
}
END_TEST

/*
 * The attack on extract: harmless bytes for the scan after the pass, the signed
 * JavaScript PDF back before the copy. The scan's checked reads see the change: extract
 * stops with the I/O error and writes nothing.
 */
START_TEST(test_race_extract_swap_back)
{
	struct race rc;
	unsigned char *js = NULL, *harmless = NULL;
	size_t len = 0;
	struct stat st;

	race_setup(&rc);
	js_and_harmless(0, &js, &harmless, &len);
	create_sample(&rc, js, len);
	rc.when = COCO_READ_PASSED, rc.at = locate(&rc, POLICY).data_off;
	rc.swap = harmless, rc.back = js, rc.len = len;
	ck_assert_msg(coco_extract(rc.ctx, rc.bundle, rc.out, rc.r) == COCO_ERR_IO, "%s",
		      coco_ctx_error(rc.ctx));
	ck_assert_int_eq(rc.fired, 1);
	ck_assert_msg(strstr(coco_ctx_error(rc.ctx), "changed while being read") != NULL, "%s",
		      coco_ctx_error(rc.ctx));
	ck_assert_int_ne(lstat(rc.out, &st), 0);
	free(js);
	free(harmless);
	race_teardown(&rc);
}
END_TEST

/* A harmless signed PDF turned into JavaScript with the same CRC-32 after the pass: verify
 * judges the bytes hashed (PASSED), and extract, which copies from the bundle, refuses to
 * write bytes whose SHA-256 differs from theirs ("changed while being read"): nothing is
 * written. */
START_TEST(test_race_extract_changed)
{
	struct race rc;
	unsigned char *js = NULL, *harmless = NULL;
	size_t len = 0;
	struct stat st;
	char *want;

	race_setup(&rc);
	js_and_harmless(0, &js, &harmless, &len);
	create_sample(&rc, harmless, len);
	rc.when = COCO_READ_PASSED, rc.at = locate(&rc, POLICY).data_off;
	/* the binary comment on line 2 takes the bytes that keep the CRC-32 */
	forge_crc(js, len, 10, (uint32_t)crc32(0, harmless, (uInt)len));
	rc.swap = js, rc.len = len;
	ck_assert_msg(coco_extract(rc.ctx, rc.bundle, rc.out, rc.r) == COCO_ERR_IO, "%s",
		      coco_ctx_error(rc.ctx));
	want = bt_fmt("'%s' in '%s' changed while being read", POLICY, rc.bundle);
	ck_assert_str_eq(coco_ctx_error(rc.ctx), want);
	ck_assert_msg(coco_report_verdict(rc.r) == COCO_VERDICT_PASSED, "%.2000s", bt_dump(rc.r));
	ck_assert_int_ne(lstat(rc.out, &st), 0);
	ck_assert_int_eq(bt_dir_has_prefix(rc.tmp, ".coco-tmp-"), 0);
	free(want);
	free(js);
	free(harmless);
	race_teardown(&rc);
}
END_TEST

/* The signature is changed after the pass: it is verified as the pass read it. */
START_TEST(test_race_signature)
{
	struct race rc;
	unsigned char byte;

	race_setup(&rc);
	create_sample(&rc, NULL, 0);
	flip_middle(&rc, BT_SIGNATURE, COCO_READ_PASSED, &byte);
	ck_assert_int_eq(coco_verify(rc.ctx, rc.bundle, rc.r), COCO_OK);
	ck_assert_int_eq(rc.fired, 1);
	ck_assert_msg(coco_report_verdict(rc.r) == COCO_VERDICT_PASSED &&
			  bt_find(rc.r, "signature.parse", NULL) == NULL,
		      "%.2000s", bt_dump(rc.r));
	race_teardown(&rc);
}
END_TEST

/* A sign-off's decision (deflated) is changed after the pass: it is parsed as the pass
 * read it, and the approval stands. */
START_TEST(test_race_decision)
{
	static const char decision[] = "signoff/decision-002.xml";
	struct race rc;
	struct coco_countersign_opts o = {COCO_DECISION_APPROVED, NULL, NULL, 1};
	struct coco_signer *s;
	char *approved;
	unsigned char byte;

	race_setup(&rc);
	create_sample(&rc, NULL, 0);
	approved = bt_fmt("%s/approved.coco", rc.tmp);
	coco_ctx_set_time(rc.ctx, bt_time("2027-01-05"));
	ck_assert_ptr_nonnull(s = bt_signer(rc.ctx, "siro"));
	ck_assert_msg(coco_countersign(rc.ctx, rc.bundle, approved, s, &o) == COCO_OK, "%s",
		      coco_ctx_error(rc.ctx));
	coco_signer_free(s);
	ck_assert_int_eq(rename(approved, rc.bundle), 0);
	coco_ctx_set_time(rc.ctx, bt_time("2027-02-01"));
	flip_middle(&rc, decision, COCO_READ_PASSED, &byte);
	ck_assert_int_eq(coco_verify(rc.ctx, rc.bundle, rc.r), COCO_OK);
	ck_assert_int_eq(rc.fired, 1);
	ck_assert_msg(bt_find_status(rc.r, "signoff.decision", COCO_STATUS_PASS, decision) !=
			      NULL &&
			  bt_find(rc.r, "signoff.xml", NULL) == NULL &&
			  coco_report_verdict(rc.r) == COCO_VERDICT_PASSED,
		      "%.2000s", bt_dump(rc.r));
	free(approved);
	race_teardown(&rc);
}
END_TEST

/* A manifest (deflated) is changed after it was read and before the pass: what the pass
 * hashed is not what was read, an I/O error naming the bundle and entry, not a verdict. */
START_TEST(test_race_manifest)
{
	struct race rc;
	unsigned char byte;
	char *want;

	race_setup(&rc);
	create_sample(&rc, NULL, 0);
	flip_middle(&rc, BT_MANIFEST, COCO_READ_META, &byte);
	ck_assert_int_eq(coco_verify(rc.ctx, rc.bundle, rc.r), COCO_ERR_IO);
	ck_assert_int_eq(rc.fired, 1);
	want = bt_fmt("'%s' in '%s' changed while being read", BT_MANIFEST, rc.bundle);
	ck_assert_str_eq(coco_ctx_error(rc.ctx), want);
	free(want);
	race_teardown(&rc);
}
END_TEST

/*
 * The container's records are changed after the open checked them and before the pass
 * (review of issue 13, F2): assessment.xml made a symbolic link in its central record (0),
 * the policy's local header given another time (1), same length. The pass compares the
 * bytes around the data with what the open read: an I/O error naming the bundle (and the
 * entry whose local header moved), never PASSED on records nobody checked.
 */
START_TEST(test_race_records)
{
	static const unsigned char symlink_mode[2] = {0xff, 0xa1}; /* 0120777 */
	static const unsigned char dos_time[2] = {0x21, 0x43};
	struct race rc;
	struct bt_loc loc;
	char *want;

	race_setup(&rc);
	create_sample(&rc, NULL, 0);
	loc = locate(&rc, _i == 0 ? "assessment.xml" : POLICY);
	rc.when = COCO_READ_META, rc.len = 2;
	rc.at = _i == 0 ? loc.central_off + 40 : loc.local_off + 10;
	rc.swap = _i == 0 ? symlink_mode : dos_time;
	ck_assert_int_eq(coco_verify(rc.ctx, rc.bundle, rc.r), COCO_ERR_IO);
	ck_assert_int_eq(rc.fired, 1);
	want = _i == 0 ? bt_fmt("the central directory of '%s' changed while being read", rc.bundle)
		       : bt_fmt("'%s' in '%s' changed while being read", POLICY, rc.bundle);
	ck_assert_str_eq(coco_ctx_error(rc.ctx), want);
	free(want);
	race_teardown(&rc);
}
END_TEST

/*
 * Countersign copies the input into its output after verifying it (review of issue 13,
 * F4): a byte of the stored policy PDF is changed once the output's temporary file exists,
 * after the pass. The copy is hashed as it is made and compared with the pass's digest:
 * an I/O error naming the bundle, and no output, never a signed-off copy of other bytes.
 */
START_TEST(test_race_countersign_copy)
{
	struct race rc;
	struct coco_countersign_opts o = {COCO_DECISION_APPROVED, NULL, NULL, 1};
	struct coco_signer *s;
	struct bt_loc loc;
	struct stat st;
	unsigned char byte;
	char *want;

	race_setup(&rc);
	create_sample(&rc, NULL, 0);
	loc = locate(&rc, POLICY);
	ck_assert_uint_eq(loc.method, 0);
	flip_middle(&rc, POLICY, COCO_READ_PASSED, &byte);
	rc.swap = NULL, rc.back = &byte; /* at the temporary file, not at a read point */
	ck_assert_ptr_nonnull(s = bt_signer(rc.ctx, "siro"));
	ck_assert_int_eq(coco_countersign(rc.ctx, rc.bundle, rc.out, s, &o), COCO_ERR_IO);
	coco_signer_free(s);
	ck_assert_int_eq(rc.fired_back, 1);
	want = bt_fmt("'%s' changed while being read", rc.bundle);
	ck_assert_str_eq(coco_ctx_error(rc.ctx), want);
	ck_assert_int_ne(stat(rc.out, &st), 0);
	free(want);
	race_teardown(&rc);
}
END_TEST

Suite *race_suite(void)
{
	Suite *s = suite_create("race");
	TCase *tc = tcase_create("race");

	tcase_add_unchecked_fixture(tc, bt_tmp_setup, bt_tmp_teardown);
	tcase_add_loop_test(tc, test_race_control, 0, 4);
	tcase_add_loop_test(tc, test_race_scan, 0, 2);
	tcase_add_test(tc, test_race_scan_deflated);
	tcase_add_test(tc, test_race_extract_swap_back);
	tcase_add_test(tc, test_race_extract_changed);
	tcase_add_test(tc, test_race_signature);
	tcase_add_test(tc, test_race_decision);
	tcase_add_test(tc, test_race_manifest);
	tcase_add_loop_test(tc, test_race_records, 0, 2);
	tcase_add_test(tc, test_race_countersign_copy);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
