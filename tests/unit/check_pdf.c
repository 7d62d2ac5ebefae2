/*
 * The pdf module: every fixture in fixtures/pdf/ gives its exact finding id and status,
 * a .pdf that is not a PDF fails pdf.header, a deflated bundle entry is scanned through a
 * temporary file, the signed certificate passes evidence.authentic while a tampered one
 * fails it, and each limit is tested at its value and just over it on PDFs built here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "bundletool.h"
#include "pdf/pdf.h"
#include "suites.h"
#include "ziptool.h"

#define AT "2027-01-01"

struct pfx {
	char *tmp;
	struct coco_ctx *ctx;
	struct coco_report *r;
	struct coco_pdf_result res;
};

static void pfx_setup(struct pfx *f)
{
	char *trust = bt_fixture("trust");

	memset(f, 0, sizeof(*f));
	f->tmp = bt_mkdtemp();
	ck_assert_ptr_nonnull(f->tmp);
	ck_assert_int_eq(coco_ctx_new(&f->ctx), COCO_OK);
	coco_ctx_set_time(f->ctx, bt_time(AT));
	ck_assert_msg(coco_ctx_load_trust(f->ctx, trust) == COCO_OK, "%s", coco_ctx_error(f->ctx));
	ck_assert_int_eq(coco_report_new(&f->r), COCO_OK);
	free(trust);
}

static void pfx_teardown(struct pfx *f)
{
	coco_pdf_result_release(&f->res);
	bt_rmtree(f->tmp);
	free(f->tmp);
	coco_report_free(f->r);
	coco_ctx_free(f->ctx);
}

static void scan(struct pfx *f, const char *path, const char *name)
{
	ck_assert_msg(coco_pdf_scan_path(f->ctx, path, name, NULL, f->r, &f->res) == COCO_OK, "%s",
		      coco_ctx_error(f->ctx));
}

/* ---- the fixtures ------------------------------------------------------------------ */

static const struct {
	const char *file, *id;
	enum coco_status status;
	int manual;
	const char *message; /* a substring, or NULL */
} fixtures[] = {
    {"plain.pdf", "pdf.clean", COCO_STATUS_PASS, 0, "no active content"},
    {"js-openaction.pdf", "pdf.javascript", COCO_STATUS_FAIL, 0, "object 7"},
    {"js-escaped.pdf", "pdf.javascript", COCO_STATUS_FAIL, 0, NULL},
    {"js-objstm.pdf", "pdf.javascript", COCO_STATUS_FAIL, 0, "object 7"},
    {"launch.pdf", "pdf.launch", COCO_STATUS_FAIL, 0, NULL},
    {"embedded.pdf", "pdf.embedded_file", COCO_STATUS_FAIL, 0, NULL},
    {"uri.pdf", "pdf.link", COCO_STATUS_WARN, 1, "/URI"},
    {"encrypted.pdf", "pdf.encrypted", COCO_STATUS_FAIL, 0, NULL},
    {"broken-xref.pdf", "pdf.xref", COCO_STATUS_FAIL, 0, "byte offset"},
    {"bomb.pdf", "pdf.limits", COCO_STATUS_FAIL, 0, "bomb"},
    {"orphan-js.pdf", "pdf.javascript", COCO_STATUS_FAIL, 0, "object 3"},
    {"xref-generation.pdf", "pdf.xref", COCO_STATUS_FAIL, 0,
     "object 3 generation 0 at byte offset 186, where generation 1 is"},
    {"xref-generation.pdf", "pdf.javascript", COCO_STATUS_FAIL, 0, "object 3"},
    {"launch-indirect.pdf", "pdf.launch", COCO_STATUS_FAIL, 0, "a /Launch action"},
    {"js-3d.pdf", "pdf.javascript", COCO_STATUS_FAIL, 0, "/OnInstantiate"},
    {"objstm-overlap.pdf", "pdf.structure", COCO_STATUS_FAIL, 0, "not strictly increasing"},
    {"updated-freed-length.pdf", "pdf.clean", COCO_STATUS_PASS, 0, "6 objects"},
    /* 12-bit pixels are 2 bytes to a PNG predictor: the Sub row hides a script otherwise */
    {"predictor-12bit.pdf", "pdf.javascript", COCO_STATUS_FAIL, 0, "object 10"},
    /* /DP is pdf.js's name for /DecodeParms: no two viewers read the same bytes */
    {"decodeparms-dp.pdf", "pdf.structure", COCO_STATUS_FAIL, 0, "/DP"},
    /* an unlisted stream ends at its first "endstream", as repairing viewers end it, even
     * when not followed by a delimiter or when an indirect /Length points past it */
    {"endstream-x.pdf", "pdf.javascript", COCO_STATUS_FAIL, 0, "object 9"},
    {"endstream-indirect.pdf", "pdf.javascript", COCO_STATUS_FAIL, 0, "object 9"},
    {"signed.pdf", "pdf.signature", COCO_STATUS_PASS, 0, "2026-09-15T12:00:00Z"},
    {"signed-updated.pdf", "pdf.coverage", COCO_STATUS_FAIL, 0, "bytes follow"},
    {"signed-appended.pdf", "pdf.coverage", COCO_STATUS_FAIL, 0, "bytes follow"},
    {"signed-short-byterange.pdf", "pdf.byterange", COCO_STATUS_FAIL, 0, "exactly"},
    {"signed-padding.pdf", "pdf.contents", COCO_STATUS_FAIL, 0, "non-zero"},
    {"signed-subfilter.pdf", "pdf.subfilter", COCO_STATUS_FAIL, 0, "adbe.pkcs7.sha1"},
    /* it verifies, but under a root bodies/ lacks: a manual check naming that root, as an
     * unsigned PDF is one, not an indeterminate verdict */
    {"signed-untrusted.pdf", "pdf.signer", COCO_STATUS_WARN, 1,
     "chains to root 'CN=CoCo Rogue Root CA - TEST ONLY, O=coco-bundle fixtures, C=GB' (SHA-256 "
     "dd9052a08c394029196ed0376ad5263cf75f887f591ea5b3967699ef8511b092)"},
};

START_TEST(test_fixture)
{
	struct pfx f;
	char *path = bt_fixture("pdf/%s", fixtures[_i].file);
	const struct coco_finding *hit;
	enum coco_verdict want = fixtures[_i].status == COCO_STATUS_FAIL ? COCO_VERDICT_FAILED
				 : fixtures[_i].status == COCO_STATUS_INDETERMINATE
				     ? COCO_VERDICT_INDETERMINATE
				     : COCO_VERDICT_PASSED;

	pfx_setup(&f);
	scan(&f, path, fixtures[_i].file);
	hit = bt_find_status(f.r, fixtures[_i].id, fixtures[_i].status, fixtures[_i].file);
	ck_assert_msg(hit != NULL, "%s: expected %s %s, got:\n%s", fixtures[_i].file,
		      coco_status_name(fixtures[_i].status), fixtures[_i].id, bt_dump(f.r));
	ck_assert_int_eq(coco_finding_manual(hit), fixtures[_i].manual);
	if (fixtures[_i].message != NULL)
		ck_assert_msg(strstr(coco_finding_message(hit), fixtures[_i].message) != NULL,
			      "%s: '%s' lacks '%s'", fixtures[_i].file, coco_finding_message(hit),
			      fixtures[_i].message);
	ck_assert_msg(coco_report_verdict(f.r) == want, "%s: verdict %s:\n%s", fixtures[_i].file,
		      coco_verdict_name(coco_report_verdict(f.r)), bt_dump(f.r));
	ck_assert_int_eq(f.res.sig_valid, strcmp(fixtures[_i].file, "signed.pdf") == 0);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* The valid signature is recorded for evidence: signer, organisation, time. */
START_TEST(test_signed_result)
{
	struct pfx f;
	char *path = bt_fixture("pdf/signed.pdf");

	pfx_setup(&f);
	scan(&f, path, "signed.pdf");
	ck_assert_int_eq(f.res.n_sigs, 1);
	ck_assert_int_eq(f.res.sig_valid, 1);
	ck_assert_int_eq(f.res.sig_bad, 0);
	ck_assert_str_eq(f.res.sigs[0].signer_org, "Example Certification Body Ltd - TEST ONLY");
	ck_assert_str_eq(f.res.sigs[0].signer_cn, "Certificate Signing - TEST ONLY");
	ck_assert_int_eq(f.res.sigs[0].has_signing_time, 1);
	ck_assert_int_eq(f.res.sigs[0].signing_time, bt_time("2026-09-15") + 12 * 3600);
	free(path);
	pfx_teardown(&f);
}
END_TEST

#define BODY_ORG "Example Certification Body Ltd - TEST ONLY"

/* Each signature dictionary has an entry of its own: what the checks made of it, its byte
 * range, and the signer its CMS names (even when another check failed). */
static const struct {
	const char *file;
	enum coco_pdf_sig_status status;
	int range_ok, whole;
	const char *org; /* the signer's organisation, or NULL: the CMS was not checked */
} sig_entries[] = {
    {"signed.pdf", COCO_PDF_SIG_VALID, 1, 1, BODY_ORG},
    {"signed-updated.pdf", COCO_PDF_SIG_BAD, 1, 0, BODY_ORG},
    {"signed-appended.pdf", COCO_PDF_SIG_BAD, 1, 0, BODY_ORG},
    {"signed-short-byterange.pdf", COCO_PDF_SIG_BAD, 0, 0, NULL},
    {"signed-padding.pdf", COCO_PDF_SIG_BAD, 1, 1, NULL},
    {"signed-subfilter.pdf", COCO_PDF_SIG_BAD, 1, 1, BODY_ORG},
    {"signed-untrusted.pdf", COCO_PDF_SIG_UNANCHORED, 1, 1, "Example Guarding Ltd"},
};

START_TEST(test_sig_entry)
{
	struct pfx f;
	char *path = bt_fixture("pdf/%s", sig_entries[_i].file);
	const struct coco_pdf_sig *g;
	struct stat st;

	pfx_setup(&f);
	scan(&f, path, sig_entries[_i].file);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(f.res.n_sigs, 1);
	ck_assert_ptr_nonnull(g = f.res.sigs);
	ck_assert_int_eq(g->obj, 8);
	ck_assert_msg(g->status == sig_entries[_i].status, "%s: status %d:\n%s",
		      sig_entries[_i].file, (int)g->status, bt_dump(f.r));
	ck_assert_int_eq(g->range_ok, sig_entries[_i].range_ok);
	ck_assert_int_eq(g->whole, sig_entries[_i].whole);
	ck_assert_int_eq(g->end == (uint64_t)st.st_size, sig_entries[_i].whole);
	ck_assert(!g->range_ok || (g->covered > 0 && g->covered < g->end));
	if (sig_entries[_i].org == NULL)
		ck_assert_ptr_null(g->signer_org);
	else
		ck_assert_str_eq(g->signer_org, sig_entries[_i].org);
	ck_assert_int_eq(f.res.sig_valid, g->status == COCO_PDF_SIG_VALID);
	ck_assert_int_eq(f.res.sig_bad, g->status == COCO_PDF_SIG_BAD);
	ck_assert_int_eq(f.res.sig_unknown, g->status == COCO_PDF_SIG_UNKNOWN);
	ck_assert_int_eq(f.res.sig_unanchored, g->status == COCO_PDF_SIG_UNANCHORED);
	if (g->status == COCO_PDF_SIG_UNANCHORED)
		ck_assert(g->root != NULL && strlen(g->root_sha256) == 64);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* signed.pdf with an incremental update that adds a second signature dictionary (in no
 * field, so one new object: an allowed update): each has its entry, in file order, and the
 * first keeps its signer and covers its revision. */
START_TEST(test_two_sigs)
{
	struct pfx f;
	char *src = bt_fixture("pdf/signed.pdf"), *path;
	unsigned char *p = NULL;
	size_t n = 0, at, x;
	long long prev;
	struct bt_sb b = {0};

	pfx_setup(&f);
	ck_assert_int_eq(bt_read(src, &p, &n), 0);
	/* the file ends "startxref\n<offset>\n%%EOF\n": the update's /Prev */
	for (at = n - 7; at > 0 && p[at - 1] != '\n'; at--)
		;
	ck_assert_int_eq(memcmp(p + n - 6, "%%EOF\n", 6), 0);
	prev = strtoll((const char *)p + at, NULL, 10);
	ck_assert_int_gt(prev, 0);
	bt_sb_add(&b, p, n);
	at = b.n;
	bt_sb_fmt(&b, "9 0 obj\n<< /Type /Sig /SubFilter /adbe.pkcs7.detached /ByteRange [0 1 2 3] "
		      "/Contents <00> >>\nendobj\n");
	x = b.n;
	bt_sb_fmt(&b, "xref\n9 1\n%010zu 00000 n \n", at);
	bt_sb_fmt(&b, "trailer\n<< /Size 10 /Root 1 0 R /Prev %lld >>\nstartxref\n%zu\n%%%%EOF\n",
		  prev, x);
	path = bt_fmt("%s/two.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "two.pdf");
	ck_assert_int_eq(f.res.n_sigs, 2);
	ck_assert_int_eq(f.res.sigs[0].obj, 8);
	ck_assert_int_eq(f.res.sigs[0].status, COCO_PDF_SIG_VALID);
	ck_assert_int_eq(f.res.sigs[0].range_ok, 1);
	ck_assert_int_eq(f.res.sigs[0].whole, 0);
	ck_assert_int_eq(f.res.sigs[0].coverage, COCO_PDF_COVER_REVISION);
	ck_assert_str_eq(f.res.sigs[0].signer_org, BODY_ORG);
	ck_assert_int_eq(f.res.sigs[0].has_signing_time, 1);
	ck_assert_int_eq(f.res.sigs[1].obj, 9);
	ck_assert_int_eq(f.res.sigs[1].status, COCO_PDF_SIG_BAD);
	ck_assert_int_eq(f.res.sigs[1].range_ok, 0);
	ck_assert_ptr_null(f.res.sigs[1].signer);
	ck_assert_msg(bt_find_status(f.r, "pdf.coverage", COCO_STATUS_PASS, "two.pdf") != NULL &&
			  bt_find_status(f.r, "pdf.coverage", COCO_STATUS_FAIL, "two.pdf") ==
			      NULL &&
			  bt_find_status(f.r, "pdf.byterange", COCO_STATUS_FAIL, "two.pdf") != NULL,
		      "%s", bt_dump(f.r));
	free(p);
	free(b.p);
	free(src);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* With no CA in bodies/, a signature that verifies is unanchored: its signer is kept,
 * but no CA is (the register decides). */
START_TEST(test_sig_unanchored)
{
	struct pfx f;
	struct coco_ctx *ctx = NULL;
	char *trust_src = bt_fixture("trust"), *path = bt_fixture("pdf/signed.pdf");
	char *trust, *ca;
	const struct coco_finding *hit;

	pfx_setup(&f);
	trust = bt_fmt("%s/trust", f.tmp);
	ck_assert_int_eq(bt_copytree(trust_src, trust), 0);
	ca = bt_fmt("%s/bodies/body-ca.pem", trust);
	ck_assert_int_eq(unlink(ca), 0);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, bt_time(AT));
	ck_assert_msg(coco_ctx_load_trust(ctx, trust) == COCO_OK, "%s", coco_ctx_error(ctx));
	ck_assert_int_eq(coco_pdf_scan_path(ctx, path, "signed.pdf", NULL, f.r, &f.res), COCO_OK);
	hit = bt_find_status(f.r, "pdf.signer", COCO_STATUS_WARN, "signed.pdf");
	ck_assert_msg(hit != NULL && coco_finding_manual(hit), "%s", bt_dump(f.r));
	ck_assert_int_eq(f.res.n_sigs, 1);
	ck_assert_int_eq(f.res.sigs[0].status, COCO_PDF_SIG_UNANCHORED);
	ck_assert_int_eq(f.res.sig_unanchored, 1);
	ck_assert_int_eq(f.res.sig_valid, 0);
	ck_assert_str_eq(f.res.sigs[0].signer_org, BODY_ORG);
	ck_assert_str_eq(f.res.sigs[0].anchor_sha256, "");
	ck_assert_int_eq(f.res.sigs[0].whole, 1);
	coco_ctx_free(ctx);
	free(trust_src);
	free(path);
	free(trust);
	free(ca);
	pfx_teardown(&f);
}
END_TEST

/* A .pdf whose bytes are not a PDF. */
START_TEST(test_not_a_pdf)
{
	struct pfx f;
	char *path;

	pfx_setup(&f);
	path = bt_fmt("%s/x.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, "GIF89a not a PDF\n", 17), 0);
	scan(&f, path, "x.pdf");
	ck_assert_msg(bt_find_status(f.r, "pdf.header", COCO_STATUS_FAIL, "x.pdf") != NULL, "%s",
		      bt_dump(f.r));
	ck_assert_int_eq(coco_report_count(f.r), 1);
	ck_assert_int_eq(coco_pdf_is_pdf_name("a/B.PdF"), 1);
	ck_assert_int_eq(coco_pdf_is_pdf_name("a.pdf.txt"), 0);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* Writes a bundle of parts signed by the director: verify scans only the PDFs that a
 * signature that verifies covers. */
static void write_signed(struct pfx *f, const char *bundle, const struct bt_part *parts, size_t n)
{
	struct coco_signer *signer = bt_signer(f->ctx, "director");
	struct bt_bundle b = {0};

	ck_assert_ptr_nonnull(signer);
	b.data = parts, b.n = n, b.signer = signer;
	ck_assert_msg(bt_bundle_write(f->ctx, bundle, &b) == 0, "%s", coco_ctx_error(f->ctx));
	coco_signer_free(signer);
}

/* Verifies a bundle whose one data object `name` (deflated) holds fixture pdf/FILE, and
 * expects the failure id about it. */
static void expect_in_bundle(struct pfx *f, const char *file, const char *name, const char *id)
{
	unsigned char *pdf = NULL;
	size_t len = 0;
	char *src = bt_fixture("pdf/%s", file), *bundle = bt_fmt("%s/b.coco", f->tmp);
	struct bt_part parts[1];

	ck_assert_int_eq(bt_read(src, &pdf, &len), 0);
	parts[0].name = name, parts[0].data = pdf, parts[0].len = len;
	parts[0].deflate = 1;
	write_signed(f, bundle, parts, 1);
	ck_assert_int_eq(coco_verify(f->ctx, bundle, f->r), COCO_OK);
	ck_assert_msg(bt_find_status(f->r, id, COCO_STATUS_FAIL, name) != NULL, "%s",
		      bt_dump(f->r));
	free(pdf);
	free(src);
	free(bundle);
}

/* A deflated bundle entry is inflated to a temporary file and scanned: its id, its name. */
START_TEST(test_deflated_entry)
{
	struct pfx f;

	pfx_setup(&f);
	expect_in_bundle(&f, "js-objstm.pdf", "evidence/hostile.pdf", "pdf.javascript");
	pfx_teardown(&f);
}
END_TEST

/* A PDF under another name is scanned by its first bytes: in a bundle (deflated, so
 * the head is inflated) and in a folder. */
START_TEST(test_sniffed)
{
	struct pfx f;
	unsigned char *pdf = NULL;
	size_t len = 0;
	char *src = bt_fixture("pdf/js-openaction.pdf"), *ex = bt_fixture("example");
	char *dir, *path;

	pfx_setup(&f);
	expect_in_bundle(&f, "js-openaction.pdf", "evidence/hostile.dat", "pdf.javascript");
	ck_assert_int_eq(bt_read(src, &pdf, &len), 0);
	dir = bt_fmt("%s/sub", f.tmp);
	path = bt_fmt("%s/sub/evidence/note.txt", f.tmp);
	ck_assert_int_eq(bt_copytree(ex, dir), 0);
	ck_assert_int_eq(bt_write(path, pdf, len), 0);
	ck_assert_int_eq(coco_lint(f.ctx, dir, f.r), COCO_OK);
	ck_assert_msg(
	    bt_find_status(f.r, "pdf.javascript", COCO_STATUS_FAIL, "evidence/note.txt") != NULL,
	    "%s", bt_dump(f.r));
	free(pdf);
	free(src);
	free(ex);
	free(dir);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* The sample certificate replaced by a signed one changed afterwards: evidence fails. */
START_TEST(test_tampered_certificate)
{
	struct pfx f;
	char *ex = bt_fixture("example"), *dir, *src = bt_fixture("pdf/signed-updated.pdf");
	char *dst;
	unsigned char *pdf = NULL;
	size_t len = 0;

	pfx_setup(&f);
	dir = bt_fmt("%s/sub", f.tmp);
	ck_assert_int_eq(bt_copytree(ex, dir), 0);
	dst = bt_fmt("%s/evidence/cyber-essentials-plus.pdf", dir);
	ck_assert_int_eq(bt_read(src, &pdf, &len), 0);
	ck_assert_int_eq(bt_write(dst, pdf, len), 0);
	ck_assert_int_eq(coco_lint(f.ctx, dir, f.r), COCO_OK);
	ck_assert_msg(bt_find_status(f.r, "pdf.coverage", COCO_STATUS_FAIL,
				     "evidence/cyber-essentials-plus.pdf") != NULL &&
			  bt_find_status(f.r, "evidence.authentic", COCO_STATUS_FAIL,
					 "CEP-TEST-000123") != NULL,
		      "%s", bt_dump(f.r));
	free(pdf);
	free(ex);
	free(dir);
	free(src);
	free(dst);
	pfx_teardown(&f);
}
END_TEST

/* ---- evidence.authentic: a body's own CAs ------------------------------------------- */

#define BODY_CA_SHA256 "d7c66683ab23ab70d8980020907767233ddc0d1a6b1aeac5c29e930050701394"
#define OTHER_SHA256 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static const struct {
	const char *what, *ce_anchor, *iso_anchor; /* NULL: no <anchor> */
	enum coco_status status;
	const char *message;
} anchorings[] = {
    {"the body's own CA", BODY_CA_SHA256, NULL, COCO_STATUS_PASS, "under one of its own CAs"},
    {"a body with no CA bound", NULL, NULL, COCO_STATUS_WARN, "binds no CA to"},
    /* the CA that anchors the signature is another body's: it issued a certificate whose
     * organisation names the body the assessment names (a cross-body signature) */
    {"another body's CA", OTHER_SHA256, BODY_CA_SHA256, COCO_STATUS_WARN,
     "not by the named certification body"},
};

START_TEST(test_authentic_anchor)
{
	struct pfx f;
	struct coco_ctx *ctx = NULL;
	char *trust_src = bt_fixture("trust"), *ex = bt_fixture("example");
	char *trust, *bodies, *xml, ce[96] = "", iso[96] = "";
	const struct coco_finding *hit;

	pfx_setup(&f);
	trust = bt_fmt("%s/trust", f.tmp);
	ck_assert_int_eq(bt_copytree(trust_src, trust), 0);
	if (anchorings[_i].ce_anchor)
		snprintf(ce, sizeof(ce), "<anchor sha256=\"%s\"/>", anchorings[_i].ce_anchor);
	if (anchorings[_i].iso_anchor)
		snprintf(iso, sizeof(iso), "<anchor sha256=\"%s\"/>", anchorings[_i].iso_anchor);
	xml = bt_fmt("<?xml version=\"1.0\"?>\n<bodies xmlns=\"urn:x-coco-bundle:bodies:1\">"
		     "<body schemes=\"cyber-essentials-plus\"><name>Example Certification Body "
		     "Ltd - TEST ONLY</name>%s</body><body schemes=\"iso27001-2022\"><name>Example "
		     "ISO Registrar Ltd - TEST ONLY</name>%s</body></bodies>\n",
		     ce, iso);
	bodies = bt_fmt("%s/bodies/bodies.xml", trust);
	ck_assert_int_eq(bt_write(bodies, xml, strlen(xml)), 0);
	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, bt_time(AT));
	ck_assert_msg(coco_ctx_load_trust(ctx, trust) == COCO_OK, "%s", coco_ctx_error(ctx));
	ck_assert_int_eq(coco_lint(ctx, ex, f.r), COCO_OK);
	hit = bt_find_status(f.r, "evidence.authentic", anchorings[_i].status, "CEP-TEST-000123");
	ck_assert_msg(hit != NULL && strstr(coco_finding_message(hit), anchorings[_i].message),
		      "%s: expected %s '%s':\n%s", anchorings[_i].what,
		      coco_status_name(anchorings[_i].status), anchorings[_i].message,
		      bt_dump(f.r));
	ck_assert_int_eq(coco_finding_manual(hit), anchorings[_i].status == COCO_STATUS_WARN);
	coco_ctx_free(ctx);
	free(trust_src);
	free(ex);
	free(trust);
	free(bodies);
	free(xml);
	pfx_teardown(&f);
}
END_TEST

/* The certificate PDF unsigned, or signed under a root bodies/ lacks: either way a manual
 * evidence.authentic and the same verdict; the signed one names its root and SHA-256. */
static char *lint_with_ce(struct pfx *f, const char *fixture, const char *sub)
{
	char *ex = bt_fixture("example"), *src = bt_fixture("pdf/%s", fixture);
	char *dir = bt_fmt("%s/%s", f->tmp, sub), *dst;
	unsigned char *pdf = NULL;
	size_t len = 0;

	ck_assert_int_eq(bt_copytree(ex, dir), 0);
	dst = bt_fmt("%s/evidence/cyber-essentials-plus.pdf", dir);
	ck_assert_int_eq(bt_read(src, &pdf, &len), 0);
	ck_assert_int_eq(bt_write(dst, pdf, len), 0);
	free(pdf), free(ex), free(src), free(dst);
	return dir;
}

START_TEST(test_authentic_untrusted)
{
	struct pfx f;
	struct coco_report *plain = NULL;
	char *d1, *d2;
	const struct coco_finding *hit;

	pfx_setup(&f);
	ck_assert_int_eq(coco_report_new(&plain), COCO_OK);
	d1 = lint_with_ce(&f, "plain.pdf", "plain");
	d2 = lint_with_ce(&f, "signed-untrusted.pdf", "untrusted");
	ck_assert_int_eq(coco_lint(f.ctx, d1, plain), COCO_OK);
	ck_assert_int_eq(coco_lint(f.ctx, d2, f.r), COCO_OK);
	hit = bt_find_status(plain, "evidence.authentic", COCO_STATUS_WARN, "CEP-TEST-000123");
	ck_assert_msg(hit != NULL && coco_finding_manual(hit), "%s", bt_dump(plain));
	hit = bt_find_status(f.r, "evidence.authentic", COCO_STATUS_WARN, "CEP-TEST-000123");
	ck_assert_msg(
	    hit != NULL && coco_finding_manual(hit) &&
		strstr(coco_finding_message(hit),
		       "under root 'CN=CoCo Rogue Root CA - TEST ONLY, O=coco-bundle "
		       "fixtures, C=GB' (SHA-256 dd9052a08c394029196ed0376ad5263cf75f887f5"
		       "91ea5b3967699ef8511b092)") != NULL,
	    "%s", bt_dump(f.r));
	hit = bt_find_status(f.r, "pdf.signer", COCO_STATUS_WARN,
			     "evidence/cyber-essentials-plus.pdf");
	ck_assert_msg(hit != NULL && coco_finding_manual(hit), "%s", bt_dump(f.r));
	ck_assert_msg(bt_count_status(f.r, COCO_STATUS_INDETERMINATE) == 0, "%s", bt_dump(f.r));
	ck_assert_msg(coco_report_verdict(f.r) == coco_report_verdict(plain), "%s\n---\n%s",
		      bt_dump(f.r), bt_dump(plain));
	coco_report_free(plain);
	free(d1), free(d2);
	pfx_teardown(&f);
}
END_TEST

/* ---- limits ------------------------------------------------------------------------ */

/* The header, the catalog (1), the pages (2) and objects 3.. (each body given whole);
 * off[k] receives object k's offset. */
static void put_objects(struct bt_sb *b, const struct bt_sb *objs, size_t n, size_t *off)
{
	size_t i;

	bt_sb_add(b, "%PDF-1.7\n", 9);
	off[1] = b->n;
	bt_sb_fmt(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b->n;
	bt_sb_fmt(b, "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
	for (i = 0; i < n; i++) {
		off[3 + i] = b->n;
		bt_sb_fmt(b, "%zu 0 obj\n", 3 + i);
		bt_sb_add(b, objs[i].p, objs[i].n);
		bt_sb_fmt(b, "\nendobj\n");
	}
}

/*
 * A PDF with a catalog (1), pages (2) and extra objects 3.. (each body given whole,
 * streams included), a classic xref table and trailer_extra in the trailer.
 */
static void build(struct bt_sb *b, const struct bt_sb *objs, size_t n, const char *trailer_extra)
{
	size_t off[64], i, x;

	ck_assert_uint_le(n, 62);
	put_objects(b, objs, n, off);
	x = b->n;
	bt_sb_fmt(b, "xref\n0 %zu\n0000000000 65535 f \n", n + 3);
	for (i = 1; i < n + 3; i++)
		bt_sb_fmt(b, "%010zu 00000 n \n", off[i]);
	bt_sb_fmt(b, "trailer\n<< /Size %zu /Root 1 0 R%s >>\nstartxref\n%zu\n%%%%EOF\n", n + 3,
		  trailer_extra ? trailer_extra : "", x);
}

/* A hybrid file: the table lists object 3 as free, its /XRefStm puts it in an object
 * stream, and the JavaScript there is found. */
START_TEST(test_hybrid_xref)
{
	static const char objstm[] = "3 0\n<< /S /JavaScript /JS (app.alert\\(3\\)) >>";
	static const unsigned char row[4] = {2, 0, 4, 0}; /* type 2, stream 4, index 0 */
	struct pfx f;
	struct bt_sb b = {0};
	size_t off[6], x, i;
	char *path;

	pfx_setup(&f);
	bt_sb_fmt(&b, "%%PDF-1.7\n");
	off[1] = b.n;
	bt_sb_fmt(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\nendobj\n");
	off[2] = b.n;
	bt_sb_fmt(&b, "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
	off[4] = b.n;
	bt_sb_fmt(&b, "4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length %zu >>\nstream\n%s\n",
		  sizeof(objstm) - 1, objstm);
	bt_sb_fmt(&b, "endstream\nendobj\n");
	off[5] = b.n;
	bt_sb_fmt(&b, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 2 1] /Index [3 1] /Length 4 >>\n"
		      "stream\n");
	bt_sb_add(&b, row, sizeof(row));
	bt_sb_fmt(&b, "\nendstream\nendobj\n");
	x = b.n;
	bt_sb_fmt(&b, "xref\n0 6\n0000000000 65535 f \n");
	for (i = 1; i < 6; i++)
		bt_sb_fmt(&b, i == 3 ? "0000000000 00001 f \n" : "%010zu 00000 n \n", off[i]);
	bt_sb_fmt(&b, "trailer\n<< /Size 6 /Root 1 0 R /XRefStm %zu >>\nstartxref\n%zu\n%%%%EOF\n",
		  off[5], x);
	path = bt_fmt("%s/h.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "h.pdf");
	ck_assert_msg(bt_find_status(f.r, "pdf.javascript", COCO_STATUS_FAIL, "h.pdf") != NULL &&
			  bt_count_status(f.r, COCO_STATUS_FAIL) == 1,
		      "%s", bt_dump(f.r));
	free(path);
	free(b.p);
	pfx_teardown(&f);
}
END_TEST

/* Scans a PDF of one extra object, object 3; returns the pdf.limits finding or NULL. */
static const struct coco_finding *scan_one(struct pfx *f, const struct bt_sb *obj)
{
	struct bt_sb b = {0};
	char *path = bt_fmt("%s/t.pdf", f->tmp);

	build(&b, obj, obj ? 1 : 0, NULL);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	coco_pdf_result_release(&f->res);
	scan(f, path, "t.pdf");
	free(path);
	free(b.p);
	return bt_find_status(f->r, "pdf.limits", COCO_STATUS_FAIL, "t.pdf");
}

static void expect_limit(struct pfx *f, const struct bt_sb *obj, int over, const char *what)
{
	const struct coco_finding *hit = scan_one(f, obj);

	ck_assert_msg(over ? hit != NULL : coco_report_verdict(f->r) == COCO_VERDICT_PASSED,
		      "%s (%s the limit): %s", what, over ? "over" : "at", bt_dump(f->r));
}

/* Nesting: 64 arrays pass, 65 fail. */
START_TEST(test_limit_depth)
{
	struct pfx f;
	struct bt_sb o = {0};
	unsigned k, n = 64 + (unsigned)_i;

	pfx_setup(&f);
	for (k = 0; k < n; k++)
		bt_sb_add(&o, "[", 1);
	for (k = 0; k < n; k++)
		bt_sb_add(&o, "]", 1);
	expect_limit(&f, &o, _i, "nesting");
	free(o.p);
	pfx_teardown(&f);
}
END_TEST

/* Repetitions inside one object, at the limit (passes) and one over (fails): the values of
 * an array (262,143 items and the array itself) and the bytes of a string (1 MiB). */
static const struct {
	const char *open, *item, *close, *what;
	size_t at;
} repeats[] = {
    {"[", "0 ", "]", "values", COCO_PDF_MAX_NODES - 1},
    {"(", "a", ")", "string", COCO_PDF_MAX_TOKEN},
};

START_TEST(test_limit_repeat)
{
	struct pfx f;
	struct bt_sb o = {0};
	size_t k, r = (size_t)_i / 2, n = repeats[r].at + (size_t)(_i % 2);

	pfx_setup(&f);
	bt_sb_add(&o, repeats[r].open, strlen(repeats[r].open));
	for (k = 0; k < n; k++)
		bt_sb_add(&o, repeats[r].item, strlen(repeats[r].item));
	bt_sb_add(&o, repeats[r].close, strlen(repeats[r].close));
	expect_limit(&f, &o, _i % 2, repeats[r].what);
	free(o.p);
	pfx_teardown(&f);
}
END_TEST

/* A /Length of 2 GiB is within the limit (and then past this file's end); 2 GiB + 1 is not. */
START_TEST(test_limit_stream_length)
{
	struct pfx f;
	struct bt_sb o = {0};

	pfx_setup(&f);
	bt_sb_fmt(&o, "<< /Length %llu >>\nstream\nx\nendstream",
		  (unsigned long long)COCO_PDF_MAX_STREAM + (unsigned long long)_i);
	if (_i)
		expect_limit(&f, &o, 1, "stream length");
	else
		ck_assert_msg(scan_one(&f, &o) == NULL &&
				  bt_find_status(f.r, "pdf.structure", COCO_STATUS_FAIL, "t.pdf"),
			      "%s", bt_dump(f.r));
	free(o.p);
	pfx_teardown(&f);
}
END_TEST

/* Deflates n bytes made by fill into a stream object. */
static void flate_object(struct bt_sb *o, size_t n, int level, int sparse)
{
	unsigned char in[1 << 16], out[1 << 16];
	z_stream z;
	struct bt_sb data = {0};
	size_t done = 0, k, chunk;
	unsigned seed = 7;
	int zr;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit(&z, level), Z_OK);
	do {
		chunk = n - done < sizeof(in) ? n - done : sizeof(in);
		for (k = 0; k < chunk; k++) {
			seed = seed * 1103515245u + 12345u;
			in[k] = sparse && (done + k) % 64 == 0 ? (unsigned char)(seed >> 16) : 0;
		}
		done += chunk;
		z.next_in = in, z.avail_in = (uInt)chunk;
		do {
			z.next_out = out, z.avail_out = sizeof(out);
			zr = deflate(&z, done == n ? Z_FINISH : Z_NO_FLUSH);
			bt_sb_add(&data, out, sizeof(out) - z.avail_out);
		} while (z.avail_out == 0);
	} while (done < n);
	ck_assert_int_eq(zr, Z_STREAM_END);
	deflateEnd(&z);
	bt_sb_fmt(o, "<< /Filter /FlateDecode /Length %zu >>\nstream\n", data.n);
	bt_sb_add(o, data.p, data.n);
	bt_sb_fmt(o, "\nendstream");
	free(data.p);
}

/* A ratio is no bomb: 1 MiB + 1 byte of zeros (over 1000:1, a bomb before) and 64 MiB of
 * zeros (past the probe's floor, so inflated to its end) pass. */
START_TEST(test_limit_ratio)
{
	struct pfx f;
	struct bt_sb o = {0};

	pfx_setup(&f);
	flate_object(&o, _i ? 64u << 20 : COCO_PDF_PROBE_FLOOR + 1, 9, 0);
	expect_limit(&f, &o, 0, "a ratio over 1000:1");
	free(o.p);
	pfx_teardown(&f);
}
END_TEST

static void flate_raw(struct bt_sb *o, const struct bt_sb *data, const char *dict, int level);

/* A scanned A4 page, 300 dpi, 4 bits per pixel (2480 x 3508): white with sparse marks,
 * compressing well past 231:1, as real scans do (231:1 and 362:1 measured): it passes. */
START_TEST(test_scan_a4)
{
	struct pfx f;
	struct bt_sb o = {0}, d = {0};
	const size_t row = 2480 / 2, rows = 3508;
	unsigned seed = 17;
	size_t k, zlen;
	char c;

	pfx_setup(&f);
	for (k = 0; k < row * rows; k++) {
		seed = seed * 1103515245u + 12345u;
		c = (seed >> 16) % 2000 == 0 ? (char)(seed >> 8) : (char)0xff;
		bt_sb_add(&d, &c, 1);
	}
	flate_raw(&o, &d,
		  "/Type /XObject /Subtype /Image /Width 2480 /Height 3508 /ColorSpace "
		  "/DeviceGray /BitsPerComponent 4",
		  9);
	zlen = o.n - (size_t)(strstr(o.p, "stream\n") + 7 - o.p) - strlen("\nendstream");
	ck_assert_msg(d.n > 231 * zlen, "only %zu:1", d.n / zlen);
	expect_limit(&f, &o, 0, "a scanned A4 page");
	free(o.p);
	free(d.p);
	pfx_teardown(&f);
}
END_TEST

/* Deflates data into a stream object with dictionary entries dict. */
static void flate_raw(struct bt_sb *o, const struct bt_sb *data, const char *dict, int level)
{
	uLongf n = compressBound((uLong)data->n);
	unsigned char *z = malloc(n);

	ck_assert_ptr_nonnull(z);
	ck_assert_int_eq(compress2(z, &n, (const Bytef *)data->p, (uLong)data->n, level), Z_OK);
	bt_sb_fmt(o, "<< %s /Filter /FlateDecode /Length %lu >>\nstream\n", dict, (unsigned long)n);
	bt_sb_add(o, z, n);
	bt_sb_fmt(o, "\nendstream");
	free(z);
}

/* A Flate object stream inflating to 16 MiB (about 30:1) is held; 16 MiB + 1 is not. */
START_TEST(test_limit_inflate)
{
	struct pfx f;
	struct bt_sb o = {0}, d = {0};
	size_t n = COCO_PDF_MAX_INMEM + (size_t)_i;
	unsigned seed = 3;
	char c;

	pfx_setup(&f);
	bt_sb_fmt(&d, "9 0    \nnull");
	while (d.n < n) {
		seed = seed * 1103515245u + 12345u;
		c = d.n % 32 == 0 ? (char)('a' + (seed >> 16) % 26) : ' ';
		bt_sb_add(&d, &c, 1);
	}
	flate_raw(&o, &d, "/Type /ObjStm /N 1 /First 8", 1);
	expect_limit(&f, &o, _i, "inflated object stream");
	free(o.p);
	free(d.p);
	pfx_teardown(&f);
}
END_TEST

/*
 * A stream of mib MiB of zeros, made without deflating them all: one MiB deflated and
 * fully flushed (so it stands alone) repeated, then an empty final block and the Adler-32
 * of the zeros; pad zero bytes follow the data inside /Length.
 */
static void bomb_object(struct bt_sb *o, size_t mib, size_t pad)
{
	static unsigned char zeros[1 << 20], seg[1 << 16];
	unsigned char tail[64], adler[4];
	z_stream z;
	size_t k, nseg, ntail;
	unsigned long a = (unsigned long)(((uint64_t)mib << 20) % 65521u) << 16 | 1u;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = zeros, z.avail_in = sizeof(zeros), z.next_out = seg, z.avail_out = sizeof(seg);
	ck_assert_int_eq(deflate(&z, Z_FULL_FLUSH), Z_OK);
	nseg = sizeof(seg) - z.avail_out;
	z.next_out = tail, z.avail_out = sizeof(tail);
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	ntail = sizeof(tail) - z.avail_out;
	deflateEnd(&z);
	adler[0] = (unsigned char)(a >> 24), adler[1] = (unsigned char)(a >> 16);
	adler[2] = (unsigned char)(a >> 8), adler[3] = (unsigned char)a;
	bt_sb_fmt(o, "<< /Filter /FlateDecode /Length %zu >>\nstream\n",
		  2 + mib * nseg + ntail + 4 + pad);
	bt_sb_add(o, "\x78\xda", 2);
	for (k = 0; k < mib; k++)
		bt_sb_add(o, seg, nseg);
	bt_sb_add(o, tail, ntail);
	bt_sb_add(o, adler, 4);
	for (k = 0; k < pad; k++)
		bt_sb_add(o, "", 1);
	bt_sb_fmt(o, "\nendstream");
}

/* A 1 GiB bomb (about 1 MB compressed) past its 16 KiB probe: the probe goes on to the
 * stream's end and stops it at 256 MiB (0); so it does 300 MiB in a stream padded to
 * under 200:1 (1). */
START_TEST(test_limit_bomb_whole)
{
	static const char *const why[2] = {"more than 256 MiB", "more than 256 MiB"};
	struct pfx f;
	struct bt_sb o = {0};
	const struct coco_finding *hit;

	pfx_setup(&f);
	bomb_object(&o, _i ? 300 : 1024, _i ? 1600000 : 0);
	hit = scan_one(&f, &o);
	ck_assert_msg(hit != NULL && strstr(coco_finding_message(hit), why[_i]) != NULL, "%s",
		      bt_dump(f.r));
	free(o.p);
	pfx_teardown(&f);
}
END_TEST

/* A stream is a bomb by its size: 256 MiB of zeros (in about 256 KB, past the probe, so
 * inflated to its end) passes; 257 MiB fails. */
START_TEST(test_limit_flate)
{
	struct pfx f;
	struct bt_sb o = {0};
	const struct coco_finding *hit;

	pfx_setup(&f);
	bomb_object(&o, 256 + (size_t)_i, 0);
	hit = scan_one(&f, &o);
	ck_assert_msg(_i ? hit != NULL && strstr(coco_finding_message(hit), "more than 256 MiB")
			 : coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s", bt_dump(f.r));
	free(o.p);
	pfx_teardown(&f);
}
END_TEST

/* Streams add up only against the 512 MiB in all (test_limit_probed), not a ratio: eight
 * of 1 MiB of zeros each, a bomb before, pass. */
START_TEST(test_limit_probe_total)
{
	struct pfx f;
	struct bt_sb o[8], b = {0};
	char *path;
	size_t k;

	pfx_setup(&f);
	memset(o, 0, sizeof(o));
	for (k = 0; k < 8; k++)
		flate_object(&o[k], COCO_PDF_PROBE_FLOOR - 1024, 9, 0);
	build(&b, o, 8, NULL);
	path = bt_fmt("%s/m.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "m.pdf");
	ck_assert_msg(coco_report_verdict(f.r) == COCO_VERDICT_PASSED, "%s", bt_dump(f.r));
	for (k = 0; k < 8; k++)
		free(o[k].p);
	free(b.p);
	free(path);
	pfx_teardown(&f);
}
END_TEST

static const struct {
	const char *parms; /* the object stream's /Filter and /DecodeParms */
	const char *id;
} predicted[] = {
    {"/Filter [/FlateDecode] /DecodeParms [<< /Predictor 12 /Columns 16 >>]", "pdf.javascript"},
    {"/Filter 5 0 R /DecodeParms 4 0 R", "pdf.javascript"},
    {"/Filter /FlateDecode /DecodeParms << /Predictor 5 0 R /Columns 6 0 R >>", "pdf.structure"},
    {"/Filter /FlateDecode /DecodeParms << /Predictor 6 0 R /Columns 7 0 R >>", "pdf.javascript"},
    {"/Filter /FlateDecode /DecodeParms << /Predictor 40 0 R /Columns 16 >>", "pdf.structure"},
    {"/Filter [/FlateDecode] /DecodeParms [<< /Predictor 12 /Columns 16 >> null]", "pdf.structure"},
};

/* JavaScript in an object stream behind a PNG Up predictor whose parameters sit in
 * arrays or other objects is found; parameters that cannot be read fail pdf.structure
 * (never "no predictor"). */
START_TEST(test_predictor_params)
{
	static const char js[] = "10 0\n<< /S /JavaScript /JS (app.alert\\(1\\)) >>";
	struct pfx f;
	struct bt_sb o[5], d = {0}, b = {0};
	unsigned char row[17], prev[16] = {0};
	size_t k, i, n = (sizeof(js) - 1 + 15) / 16 * 16;
	unsigned char *z;
	uLongf zn;
	char *path;

	pfx_setup(&f);
	memset(o, 0, sizeof(o));
	for (k = 0; k < n; k += 16) {
		row[0] = 2; /* Up */
		for (i = 0; i < 16; i++) {
			unsigned char c = k + i < sizeof(js) - 1 ? (unsigned char)js[k + i] : ' ';
			row[1 + i] = (unsigned char)(c - prev[i]);
			prev[i] = c;
		}
		bt_sb_add(&d, row, sizeof(row));
	}
	zn = compressBound((uLong)d.n);
	ck_assert_ptr_nonnull(z = malloc(zn));
	ck_assert_int_eq(compress2(z, &zn, (const Bytef *)d.p, (uLong)d.n, 6), Z_OK);
	bt_sb_fmt(&o[0], "<< /Type /ObjStm /N 1 /First 5 %s /Length %lu >>\nstream\n",
		  predicted[_i].parms, (unsigned long)zn);
	bt_sb_add(&o[0], z, zn);
	bt_sb_fmt(&o[0], "\nendstream");
	free(z);
	bt_sb_fmt(&o[1], "<< /Predictor 12 /Columns 16 >>");
	bt_sb_fmt(&o[2], "/FlateDecode");
	bt_sb_fmt(&o[3], "12");
	bt_sb_fmt(&o[4], "16");
	build(&b, o, 5, NULL);
	path = bt_fmt("%s/p.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "p.pdf");
	ck_assert_msg(bt_find_status(f.r, predicted[_i].id, COCO_STATUS_FAIL, "p.pdf") != NULL &&
			  bt_count_status(f.r, COCO_STATUS_FAIL) == 1,
		      "%s: %s", predicted[_i].parms, bt_dump(f.r));
	for (k = 0; k < 5; k++)
		free(o[k].p);
	free(d.p);
	free(b.p);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* A deflated entry whose data starts with 250 empty stored blocks (1,250 bytes that
 * inflate to nothing) is still sniffed: verify looks at the bytes its pass inflated. */
START_TEST(test_sniffed_behind_empty_blocks)
{
	static const char mime[] = "application/vnd.etsi.asic-e+zip";
	struct pfx f;
	struct zt_archive z;
	struct bt_sb payload = {0};
	unsigned char *pdf = NULL, *def, *zip = NULL;
	size_t len = 0, dlen = 0, zlen = 0, k;
	char *src = bt_fixture("pdf/js-openaction.pdf"), *bundle, *man;
	struct coco_signer *signer;
	struct bt_part part;
	unsigned char *sig = NULL;
	size_t mlen = 0, slen = 0;

	pfx_setup(&f);
	ck_assert_int_eq(bt_read(src, &pdf, &len), 0);
	for (k = 0; k < 250; k++)
		bt_sb_add(&payload, "\0\0\0\377\377", 5); /* BFINAL 0, stored, LEN 0 */
	ck_assert_ptr_nonnull(def = zt_deflate(pdf, len, 9, &dlen));
	bt_sb_add(&payload, def, dlen);
	memset(&z, 0, sizeof(z));
	z.e[0].name = "mimetype", z.e[0].data = mime, z.e[0].len = sizeof(mime) - 1;
	z.e[1].name = "evidence/hostile.dat", z.e[1].data = pdf, z.e[1].len = len;
	z.e[1].payload = payload.p, z.e[1].payload_len = payload.n, z.e[1].method = 8;
	ck_assert_ptr_nonnull(signer = bt_signer(f.ctx, "director"));
	part = (struct bt_part){"evidence/hostile.dat", pdf, len, 1};
	ck_assert_ptr_nonnull(man = bt_manifest(BT_SIGNATURE, &part, 1, NULL, &mlen));
	ck_assert_int_eq(coco_cms_sign(f.ctx, signer, (unsigned char *)man, mlen, &sig, &slen),
			 COCO_OK);
	z.e[2].name = BT_MANIFEST, z.e[2].data = man, z.e[2].len = mlen;
	z.e[3].name = BT_SIGNATURE, z.e[3].data = sig, z.e[3].len = slen;
	z.n = 4;
	ck_assert_int_eq(zt_build(&z, &zip, &zlen, NULL), 0);
	bundle = bt_fmt("%s/b.coco", f.tmp);
	ck_assert_int_eq(bt_write(bundle, zip, zlen), 0);
	ck_assert_int_eq(coco_verify(f.ctx, bundle, f.r), COCO_OK);
	ck_assert_msg(
	    bt_find_status(f.r, "pdf.javascript", COCO_STATUS_FAIL, "evidence/hostile.dat") != NULL,
	    "%s", bt_dump(f.r));
	OPENSSL_free(sig);
	free(man);
	coco_signer_free(signer);
	free(zip);
	free(def);
	free(payload.p);
	free(pdf);
	free(src);
	free(bundle);
	pfx_teardown(&f);
}
END_TEST

/* %PDF- after 600 bytes of something else is a PDF (viewers look within 1024 bytes), in
 * a bundle and in a folder, whatever its name; pdf.header fails it. */
START_TEST(test_sniffed_late_header)
{
	struct pfx f;
	unsigned char *pdf = NULL, *late;
	size_t len = 0;
	char *src = bt_fixture("pdf/plain.pdf"), *ex = bt_fixture("example");
	char *bundle, *dir, *path;
	struct bt_part parts[1];
	const struct coco_finding *hit;

	pfx_setup(&f);
	ck_assert_int_eq(bt_read(src, &pdf, &len), 0);
	ck_assert_ptr_nonnull(late = malloc(len + 600));
	memset(late, 'x', 600);
	memcpy(late + 600, pdf, len);
	parts[0].name = "evidence/late.dat", parts[0].data = late, parts[0].len = len + 600;
	parts[0].deflate = 1;
	bundle = bt_fmt("%s/b.coco", f.tmp);
	write_signed(&f, bundle, parts, 1);
	ck_assert_int_eq(coco_verify(f.ctx, bundle, f.r), COCO_OK);
	hit = bt_find_status(f.r, "pdf.header", COCO_STATUS_FAIL, "evidence/late.dat");
	ck_assert_msg(hit != NULL && strstr(coco_finding_message(hit), "byte offset 600") != NULL,
		      "%s", bt_dump(f.r));
	dir = bt_fmt("%s/sub", f.tmp);
	path = bt_fmt("%s/sub/evidence/note.txt", f.tmp);
	ck_assert_int_eq(bt_copytree(ex, dir), 0);
	ck_assert_int_eq(bt_write(path, late, len + 600), 0);
	ck_assert_int_eq(coco_lint(f.ctx, dir, f.r), COCO_OK);
	ck_assert_msg(bt_find_status(f.r, "pdf.header", COCO_STATUS_FAIL, "evidence/note.txt") !=
			  NULL,
		      "%s", bt_dump(f.r));
	free(late);
	free(pdf);
	free(src);
	free(ex);
	free(bundle);
	free(dir);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* An object stream of 16 MiB is held in memory; 16 MiB + 1 is refused. */
START_TEST(test_limit_inmem)
{
	struct pfx f;
	struct bt_sb o = {0};
	size_t n = COCO_PDF_MAX_INMEM + (size_t)_i, start;

	pfx_setup(&f);
	bt_sb_fmt(&o, "<< /Type /ObjStm /N 1 /First 8 /Length %zu >>\nstream\n", n);
	start = o.n;
	bt_sb_fmt(&o, "9 0    \nnull");
	while (o.n - start < n)
		bt_sb_add(&o, " ", 1);
	bt_sb_fmt(&o, "\nendstream");
	expect_limit(&f, &o, _i, "object stream");
	free(o.p);
	pfx_teardown(&f);
}
END_TEST

/* Object numbers: 999,999 is the highest allowed; 1,000,000 fails. */
START_TEST(test_limit_objects)
{
	struct pfx f;
	struct bt_sb b = {0};
	char *path;
	size_t x;

	pfx_setup(&f);
	path = bt_fmt("%s/t.pdf", f.tmp);
	bt_sb_fmt(&b, "%%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
	x = b.n;
	bt_sb_fmt(&b,
		  "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n%u 1\n0000000000 00001 f \n"
		  "trailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
		  COCO_PDF_MAX_OBJECTS - 1 + (unsigned)_i, x);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "t.pdf");
	ck_assert_msg(_i ? bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "t.pdf") != NULL
			 : coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s", bt_dump(f.r));
	free(path);
	free(b.p);
	pfx_teardown(&f);
}
END_TEST

/* The /Prev chain: 256 sections pass, 257 fail. */
START_TEST(test_limit_sections)
{
	struct pfx f;
	struct bt_sb b = {0};
	char *path;
	size_t k, x, prev = 0, n = COCO_PDF_MAX_SECTIONS + (size_t)_i;

	pfx_setup(&f);
	path = bt_fmt("%s/t.pdf", f.tmp);
	bt_sb_fmt(&b, "%%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
	for (k = 0; k < n; k++) {
		x = b.n;
		bt_sb_fmt(&b, "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \n");
		if (k == 0)
			bt_sb_fmt(&b, "trailer\n<< /Size 2 /Root 1 0 R >>\n");
		else
			bt_sb_fmt(&b, "trailer\n<< /Size 2 /Root 1 0 R /Prev %zu >>\n", prev);
		prev = x;
	}
	bt_sb_fmt(&b, "startxref\n%zu\n%%%%EOF\n", prev);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "t.pdf");
	ck_assert_msg(_i ? bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "t.pdf") != NULL
			 : coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s", bt_dump(f.r));
	free(path);
	free(b.p);
	pfx_teardown(&f);
}
END_TEST

/* Signature dictionaries: 16 are checked (each fails its byte range); a 17th is a limit. */
START_TEST(test_limit_sigs)
{
	struct pfx f;
	struct bt_sb o[COCO_PDF_MAX_SIGS + 1], b = {0};
	size_t k, n = COCO_PDF_MAX_SIGS + (size_t)_i;
	char *path;

	pfx_setup(&f);
	memset(o, 0, sizeof(o));
	for (k = 0; k < n; k++)
		bt_sb_fmt(&o[k],
			  "<< /Type /Sig /SubFilter /adbe.pkcs7.detached /ByteRange [0 1 2 3] "
			  "/Contents <00> >>");
	build(&b, o, n, NULL);
	path = bt_fmt("%s/t.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "t.pdf");
	ck_assert_msg((bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "t.pdf") != NULL) == _i,
		      "%s", bt_dump(f.r));
	ck_assert_msg(_i || bt_count_status(f.r, COCO_STATUS_FAIL) == COCO_PDF_MAX_SIGS, "%s",
		      bt_dump(f.r));
	for (k = 0; k < n; k++)
		free(o[k].p);
	free(b.p);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* A signature dictionary in a PDF that fails first is listed, unchecked. */
START_TEST(test_sig_unchecked)
{
	struct pfx f;
	struct bt_sb o[2] = {{0}, {0}}, b = {0};
	char *path;

	pfx_setup(&f);
	bt_sb_fmt(&o[0], "<< /Type /Sig /SubFilter /adbe.pkcs7.detached /ByteRange [0 1 2 3] "
			 "/Contents <00> >>");
	bt_sb_fmt(&o[1], "<< /A /B#zz >>");
	build(&b, o, 2, NULL);
	path = bt_fmt("%s/t.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "t.pdf");
	ck_assert_msg(bt_find_status(f.r, "pdf.structure", COCO_STATUS_FAIL, "t.pdf") != NULL &&
			  bt_count_status(f.r, COCO_STATUS_FAIL) == 1,
		      "%s", bt_dump(f.r));
	ck_assert_int_eq(f.res.n_sigs, 1);
	ck_assert_int_eq(f.res.sigs[0].obj, 3);
	ck_assert_int_eq(f.res.sigs[0].status, COCO_PDF_SIG_UNCHECKED);
	ck_assert_int_eq(f.res.sigs[0].range_ok, 0);
	ck_assert_int_eq(f.res.sig_bad + f.res.sig_valid + f.res.sig_unknown, 0);
	free(o[0].p);
	free(o[1].p);
	free(b.p);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* ---- the pass over every object, references, overlaps ------------------------------ */

/* Writes the file text (one "xref" keyword, no startxref) with its startxref and %%EOF. */
static void scan_raw(struct pfx *f, const char *text)
{
	struct bt_sb b = {0};
	const char *x = strstr(text, "xref\n");
	char *path = bt_fmt("%s/r.pdf", f->tmp);

	ck_assert_ptr_nonnull(x);
	bt_sb_fmt(&b, "%s", text);
	bt_sb_fmt(&b, "startxref\n%zu\n%%%%EOF\n", (size_t)(x - text));
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(f, path, "r.pdf");
	free(path);
	free(b.p);
}

#define HEAD "%PDF-1.7\n"
#define CAT "1 0 obj\n<< /Type /Catalog >>\nendobj\n"
#define TAB1                                                                                       \
	"xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R "    \
	">>\n"

static const struct {
	const char *what, *text; /* objects 3.. for build(), or a whole file for scan_raw() */
	int raw;
	const char *id;
	enum coco_status status;
	const char *message;
} built[] = {
    {"/S by reference to /Launch", "<< /S 4 0 R /F (calc.exe) >>\nendobj\n4 0 obj\n/Launch", 0,
     "pdf.launch", COCO_STATUS_FAIL, "object 4"},
    {"/S by reference to /URI", "<< /S 4 0 R >>\nendobj\n4 0 obj\n/URI", 0, "pdf.link",
     COCO_STATUS_WARN, "a /URI action"},
    {"/S by reference to /GoTo", "<< /S 4 0 R /D [0 /Fit] >>\nendobj\n4 0 obj\n/GoTo", 0,
     "pdf.clean", COCO_STATUS_PASS, NULL},
    {"/Type by reference to /EmbeddedFile",
     "<< /Type 4 0 R /Length 1 >>\nstream\nx\nendstream"
     "\nendobj\n4 0 obj\n/EmbeddedFile",
     0, "pdf.embedded_file", COCO_STATUS_FAIL, "object 4"},
    {"/Subtype by reference to /RichMedia",
     "<< /Type /Annot /Subtype 4 0 R >>\nendobj\n"
     "4 0 obj\n/RichMedia",
     0, "pdf.richmedia", COCO_STATUS_FAIL, "object 4"},
    {"/S by reference to a dictionary", "<< /S 4 0 R >>\nendobj\n4 0 obj\n<< /Launch 1 >>", 0,
     "pdf.structure", COCO_STATUS_FAIL, "/S entry refers to object 4, which is not a name"},
    {"/S by reference to a missing object", "<< /S 40 0 R >>", 0, "pdf.structure", COCO_STATUS_FAIL,
     "refers to object 40"},
    {"a /Win launch parameter alone", "<< /Win << /F (cmd.exe) >> >>", 0, "pdf.launch",
     COCO_STATUS_FAIL, "/Win"},
    {"a /Unix launch parameter alone", "<< /Unix (sh) >>", 0, "pdf.launch", COCO_STATUS_FAIL,
     "/Unix"},
    {"a /URI entry alone", "<< /URI (https://example.invalid/) >>", 0, "pdf.link", COCO_STATUS_WARN,
     "/URI entry"},
    {"an /OnInstantiate script", "<< /OnInstantiate 4 0 R >>\nendobj\n4 0 obj\n(x)", 0,
     "pdf.javascript", COCO_STATUS_FAIL, "/OnInstantiate"},
    {"an object-stream entry that runs into the next",
     "<< /Type /ObjStm /N 2 /First 9 /Length 16 >>\nstream\n9 0 10 3\n(abc) 1\nendstream", 0,
     "pdf.structure", COCO_STATUS_FAIL, "runs past the next object's offset"},
    {"a string as a table entry's offset (released)",
     HEAD CAT "xref\n0 2\n0000000000 65535 f \n(leak-me-aaaaaaaaaaaaaaaaaaaaaaaaaa) 00000 n \n"
	      "trailer\n<< /Size 2 /Root 1 0 R >>\n",
     1, "pdf.xref", COCO_STATUS_FAIL, "a malformed cross-reference entry"},
    {"an array as a subsection's start (released)",
     HEAD CAT "xref\n[(leak-me-cccccccccccccccccccccccc)] 2\ntrailer\n<< /Size 2 /Root 1 0 R >>\n",
     1, "pdf.xref", COCO_STATUS_FAIL, "a malformed cross-reference subsection"},
    {"a string in an object stream's offset table (released)",
     "<< /Type /ObjStm /N 1 /First 35 /Length 39 >>\nstream\n"
     "(leak-me-bbbbbbbbbbbbbbbbbbbbbb) 0\nnull\nendstream",
     0, "pdf.structure", COCO_STATUS_FAIL, "a bad object stream offset table"},
    {"an orphan with a zero-padded number",
     HEAD CAT "00000000003 0 obj\n<< /S /JavaScript /JS (x) >>\nendobj\n" TAB1, 1, "pdf.javascript",
     COCO_STATUS_FAIL, "object 3"},
    {"an orphan with a zero-padded generation",
     HEAD CAT "3 00000000000 obj\n<< /S /JavaScript /JS (x) >>\nendobj\n" TAB1, 1, "pdf.javascript",
     COCO_STATUS_FAIL, "object 3"},
    {"an orphan whose number has 11 significant digits",
     HEAD CAT "0012345678901 0 obj\n<< /S /JavaScript /JS (x) >>\nendobj\n" TAB1, 1, "pdf.limits",
     COCO_STATUS_FAIL, "more than 10 digits"},
    {"an object listed inside another", /* object 4 is inside object 3's string */
     HEAD CAT "3 0 obj (4 0 obj (x) endobj) endobj\n"
	      "xref\n0 5\n0000000000 65535 f \n0000000009 00000 n \n0000000000 00001 f \n"
	      "0000000045 00000 n \n0000000054 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R >>\n",
     1, "pdf.structure", COCO_STATUS_FAIL, "object 4 at byte offset 54 overlaps"},
};

/* Small PDFs built here: each gives its exact id, status and message. */
START_TEST(test_built)
{
	struct pfx f;
	struct bt_sb o = {0}, b = {0};
	char *path;
	const struct coco_finding *hit;

	pfx_setup(&f);
	if (built[_i].raw) {
		scan_raw(&f, built[_i].text);
	} else {
		bt_sb_fmt(&o, "%s", built[_i].text);
		build(&b, &o, 1, NULL);
		path = bt_fmt("%s/r.pdf", f.tmp);
		ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
		scan(&f, path, "r.pdf");
		free(path);
	}
	hit = bt_find_status(f.r, built[_i].id, built[_i].status, "r.pdf");
	ck_assert_msg(hit != NULL, "%s: expected %s %s:\n%s", built[_i].what,
		      coco_status_name(built[_i].status), built[_i].id, bt_dump(f.r));
	ck_assert_msg(built[_i].message == NULL ||
			  strstr(coco_finding_message(hit), built[_i].message) != NULL,
		      "%s: '%s' lacks '%s'", built[_i].what, coco_finding_message(hit),
		      built[_i].message);
	free(o.p);
	free(b.p);
	pfx_teardown(&f);
}
END_TEST

/* What follows the table: startxref's offset as the table's start plus at, then tail. */
static const struct {
	const char *what, *eol; /* the end-of-line before "xref" */
	int at;
	const char *tail, *id;
	enum coco_status status;
	const char *message;
} startxrefs[] = {
    {"at the xref keyword", "\n", 0, "", "pdf.clean", COCO_STATUS_PASS, NULL},
    {"at the LF before xref", "\n", -1, "", "pdf.clean", COCO_STATUS_PASS, NULL},
    {"at the CR LF before xref", "\r\n", -2, "", "pdf.clean", COCO_STATUS_PASS, NULL},
    {"at the LF of a CR LF", "\r\n", -1, "", "pdf.clean", COCO_STATUS_PASS, NULL},
    {"a comment before %%EOF", "\n", 0, "\n% a writer's note", "pdf.clean", COCO_STATUS_PASS, NULL},
    {"two numbers", "\n", 0, " 0", "pdf.xref", COCO_STATUS_FAIL,
     "startxref is followed by two numbers, not one byte offset"},
    {"two numbers on two lines", "\n", -1, "\n12", "pdf.xref", COCO_STATUS_FAIL,
     "startxref is followed by two numbers, not one byte offset"},
    {"junk after the number", "\n", 0, "abc", "pdf.xref", COCO_STATUS_FAIL,
     "followed by something other than %%EOF"},
    {"16 bytes of white space before xref", "\n               \n", -16, "", "pdf.xref",
     COCO_STATUS_FAIL, "byte offset"},
};

/* startxref may point at the end-of-line before "xref" (as viewers accept), and must be
 * followed by one number only. */
START_TEST(test_startxref)
{
	struct pfx f;
	struct bt_sb b = {0};
	char *path = NULL;
	const struct coco_finding *hit;
	size_t x;

	pfx_setup(&f);
	bt_sb_fmt(&b, "%s1 0 obj\n<< /Type /Catalog >>\nendobj%s", HEAD, startxrefs[_i].eol);
	x = b.n;
	bt_sb_fmt(&b, "%sstartxref\n%lld%s\n%%%%EOF\n", TAB1, (long long)x + startxrefs[_i].at,
		  startxrefs[_i].tail);
	path = bt_fmt("%s/r.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "r.pdf");
	hit = bt_find_status(f.r, startxrefs[_i].id, startxrefs[_i].status, "r.pdf");
	ck_assert_msg(hit != NULL, "%s: expected %s %s:\n%s", startxrefs[_i].what,
		      coco_status_name(startxrefs[_i].status), startxrefs[_i].id, bt_dump(f.r));
	ck_assert_msg(startxrefs[_i].message == NULL ||
			  strstr(coco_finding_message(hit), startxrefs[_i].message) != NULL,
		      "%s: '%s' lacks '%s'", startxrefs[_i].what, coco_finding_message(hit),
		      startxrefs[_i].message);
	ck_assert_msg(startxrefs[_i].status != COCO_STATUS_PASS ||
			  coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s:\n%s", startxrefs[_i].what, bt_dump(f.r));
	free(path);
	free(b.p);
	pfx_teardown(&f);
}
END_TEST

/*
 * A hybrid PDF: objects 3.. (bodies whole) after the catalog and pages, listed in the
 * table; objects 100.. are free there, and the /XRefStm puts object 100 + k at index 0 of
 * object stream in_stm[k].
 */
static void build_hybrid(struct bt_sb *b, const struct bt_sb *objs, size_t n,
			 const unsigned *in_stm, size_t m)
{
	size_t off[64], i, x, xs;

	ck_assert_uint_le(n, 60);
	put_objects(b, objs, n, off);
	xs = b->n;
	bt_sb_fmt(b,
		  "99 0 obj\n<< /Type /XRef /Size %zu /W [1 2 1] /Index [100 %zu] /Length %zu >>"
		  "\nstream\n",
		  100 + m, m, 4 * m);
	for (i = 0; i < m; i++) {
		unsigned char row[4] = {2, (unsigned char)(in_stm[i] >> 8),
					(unsigned char)in_stm[i], 0};
		bt_sb_add(b, row, 4);
	}
	bt_sb_fmt(b, "\nendstream\nendobj\n");
	x = b->n;
	bt_sb_fmt(b, "xref\n0 %zu\n0000000000 65535 f \n", n + 3);
	for (i = 1; i < n + 3; i++)
		bt_sb_fmt(b, "%010zu 00000 n \n", off[i]);
	bt_sb_fmt(b, "100 %zu\n", m);
	for (i = 0; i < m; i++)
		bt_sb_fmt(b, "0000000000 00001 f \n");
	bt_sb_fmt(b, "trailer\n<< /Size %zu /Root 1 0 R /XRefStm %zu >>\nstartxref\n%zu\n%%%%EOF\n",
		  100 + m, xs, x);
}

/* An object stream holding the integer 12 as object num, padded to pad bytes. */
static void objstm_int(struct bt_sb *o, unsigned num, size_t pad, const char *extra)
{
	struct bt_sb d = {0};
	unsigned seed = num;
	char c, dict[96];

	bt_sb_fmt(&d, "%u 0\n", num);
	snprintf(dict, sizeof(dict), "/Type /ObjStm /N 1 /First %zu%s", d.n, extra);
	bt_sb_fmt(&d, "12");
	while (d.n < pad) {
		seed = seed * 1103515245u + 12345u;
		c = d.n % 32 == 0 ? (char)('a' + (seed >> 16) % 26) : ' ';
		bt_sb_add(&d, &c, 1);
	}
	flate_raw(o, &d, dict, 1);
	free(d.p);
}

/* A stream's /Length may be in an object stream (0); an object stream's may not (1). */
START_TEST(test_length_in_objstm)
{
	struct pfx f;
	struct bt_sb o[2] = {{0}, {0}}, b = {0};
	static const unsigned in[2] = {3, 3};
	char *path;

	pfx_setup(&f);
	objstm_int(&o[0], 100, 16, "");
	if (_i)
		bt_sb_fmt(&o[1], "<< /Type /ObjStm /N 0 /First 0 /Length 100 0 R >>\nstream\n"
				 "123456789012\nendstream");
	else
		bt_sb_fmt(&o[1], "<< /Length 100 0 R >>\nstream\n123456789012\nendstream");
	build_hybrid(&b, o, 2, in, 1);
	path = bt_fmt("%s/l.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "l.pdf");
	ck_assert_msg(_i ? bt_find_status(f.r, "pdf.xref", COCO_STATUS_FAIL, "l.pdf") != NULL
			 : bt_find_status(f.r, "pdf.clean", COCO_STATUS_PASS, "l.pdf") != NULL,
		      "%s", bt_dump(f.r));
	free(o[0].p);
	free(o[1].p);
	free(b.p);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* The work budget: 20 streams whose /Length alternates between two 2 MiB object streams
 * inflate them again and again, past the budget (1); with one, each is inflated once (0). */
START_TEST(test_limit_budget)
{
	struct pfx f;
	struct bt_sb o[22], b = {0};
	static const unsigned in[2] = {3, 4};
	char *path;
	size_t k;

	pfx_setup(&f);
	memset(o, 0, sizeof(o));
	objstm_int(&o[0], 100, 2u << 20, "");
	objstm_int(&o[1], 101, 2u << 20, "");
	for (k = 2; k < 22; k++)
		bt_sb_fmt(&o[k], "<< /Length %u 0 R >>\nstream\n123456789012\nendstream",
			  _i && k % 2 ? 101u : 100u);
	build_hybrid(&b, o, 22, in, 2);
	path = bt_fmt("%s/w.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "w.pdf");
	ck_assert_msg(_i ? bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "w.pdf") != NULL
			 : coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s", bt_dump(f.r));
	for (k = 0; k < 22; k++)
		free(o[k].p);
	free(b.p);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* Object and xref streams inflate to 64 MiB in all: four object streams of 16 MiB less
 * the hybrid xref stream's 16 bytes pass (0); one byte more is a limit (1). */
START_TEST(test_limit_kept)
{
	struct pfx f;
	struct bt_sb o[4], b = {0};
	static const unsigned in[4] = {3, 4, 5, 6};
	const struct coco_finding *hit;
	char *path;
	size_t k, each = COCO_PDF_MAX_KEPT / 4 - 4;

	pfx_setup(&f);
	memset(o, 0, sizeof(o));
	for (k = 0; k < 4; k++)
		objstm_int(&o[k], 100 + (unsigned)k, each + (k == 3 ? (size_t)_i : 0), "");
	build_hybrid(&b, o, 4, in, 4);
	path = bt_fmt("%s/k.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "k.pdf");
	hit = bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "k.pdf");
	ck_assert_msg(_i ? hit != NULL && strstr(coco_finding_message(hit), "64 MiB") != NULL
			 : coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s", bt_dump(f.r));
	for (k = 0; k < 4; k++)
		free(o[k].p);
	free(b.p);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/* A scan-like stream: 4 MiB of white inflating at over 1000:1 from the first 16 KiB, then
 * 48 KiB of noise, about 90:1 overall, passes; the probe judges the declared length. */
START_TEST(test_probe_whole_ratio)
{
	struct pfx f;
	struct bt_sb o = {0}, d = {0};
	unsigned seed = 11;
	char c;

	pfx_setup(&f);
	while (d.n < (4u << 20)) {
		c = (char)0xff;
		bt_sb_add(&d, &c, 1);
	}
	while (d.n < (4u << 20) + (48u << 10)) {
		seed = seed * 1103515245u + 12345u;
		c = (char)(seed >> 16);
		bt_sb_add(&d, &c, 1);
	}
	flate_raw(&o, &d, "/Type /XObject /Subtype /Image", 9);
	expect_limit(&f, &o, 0, "a scan's image");
	free(o.p);
	free(d.p);
	pfx_teardown(&f);
}
END_TEST

/* A classic table of 1,000,000 entries (object numbers up to the limit) passes; 1,000,001
 * is a limit. Each entry is parsed with its own node count. */
START_TEST(test_limit_table)
{
	struct pfx f;
	struct bt_sb b = {0};
	char *path;
	size_t k, x, n = COCO_PDF_MAX_OBJECTS + (size_t)_i;

	pfx_setup(&f);
	path = bt_fmt("%s/t.pdf", f.tmp);
	bt_sb_fmt(&b, "%%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n");
	x = b.n;
	bt_sb_fmt(&b, "xref\n0 %zu\n0000000000 65535 f \n0000000009 00000 n \n", n);
	for (k = 2; k < n; k++)
		bt_sb_add(&b, "0000000000 00001 f \n", 20);
	bt_sb_fmt(&b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n, x);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "t.pdf");
	ck_assert_msg(_i ? bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "t.pdf") != NULL
			 : coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s", bt_dump(f.r));
	free(path);
	free(b.p);
	pfx_teardown(&f);
}
END_TEST

/*
 * Values in all: a PDF of n objects of integer arrays whose values, with the catalog's,
 * the pages', the table's and the trailer's (25 + 2n), come to the limit passes; one
 * more value fails. The value-dense file of issue 6 parses at about 20 MB/s, so this is
 * what keeps its scan within a second.
 */
START_TEST(test_limit_values)
{
	struct pfx f;
	struct bt_sb o[33], b = {0};
	const size_t n = 33, total = COCO_PDF_MAX_VALUES - 25 - 2 * n;
	size_t k, j, nodes, per = total / n;
	char *path;

	pfx_setup(&f);
	memset(o, 0, sizeof(o));
	for (k = 0; k < n; k++) {
		nodes = k + 1 < n ? per : total - per * (n - 1) + (size_t)_i;
		bt_sb_add(&o[k], "[", 1);
		for (j = 0; j + 1 < nodes; j++)
			bt_sb_add(&o[k], "0 ", 2);
		bt_sb_add(&o[k], "]", 1);
	}
	build(&b, o, n, NULL);
	path = bt_fmt("%s/v.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "v.pdf");
	ck_assert_msg(_i ? bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "v.pdf") != NULL &&
			       strstr(coco_finding_message(bt_find(f.r, "pdf.limits", "v.pdf")),
				      "8388608 values") != NULL
			 : coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s", bt_dump(f.r));
	for (k = 0; k < n; k++)
		free(o[k].p);
	free(b.p);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/*
 * Memory held at once: one array of 39 strings of 1 MiB (each charged its 1 MiB block)
 * passes; 40 need more than COCO_PDF_MAX_MEM and fail. Before the limit, an object's
 * strings were held whatever their total, so RSS grew with the file.
 */
START_TEST(test_limit_mem)
{
	struct pfx f;
	struct bt_sb o = {0};
	char *big = malloc(COCO_PDF_MAX_TOKEN);
	const struct coco_finding *hit;
	size_t k, n = 39 + (size_t)_i;

	pfx_setup(&f);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', COCO_PDF_MAX_TOKEN);
	bt_sb_add(&o, "[", 1);
	for (k = 0; k < n; k++) {
		bt_sb_add(&o, "(", 1);
		bt_sb_add(&o, big, COCO_PDF_MAX_TOKEN);
		bt_sb_add(&o, ")", 1);
	}
	bt_sb_add(&o, "]", 1);
	hit = scan_one(&f, &o);
	ck_assert_msg(_i ? hit != NULL && strstr(coco_finding_message(hit), "40 MiB of memory")
			 : coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s", bt_dump(f.r));
	free(big);
	free(o.p);
	pfx_teardown(&f);
}
END_TEST

/*
 * FlateDecode content streams inflate to 512 MiB in all: two streams of 256 MiB of zeros
 * (each padded to under 200:1, so inflated to its end) pass; a third that inflates to one
 * byte fails. Before the limit, a 50 MB file of streams just under 200:1 took 17 s.
 */
START_TEST(test_limit_probed)
{
	struct pfx f;
	struct bt_sb o[3], b = {0};
	const struct coco_finding *hit;
	size_t k, n = 2 + (size_t)_i;
	char *path;

	pfx_setup(&f);
	memset(o, 0, sizeof(o));
	bomb_object(&o[0], 256, 1200000);
	bomb_object(&o[1], 256, 1200000);
	if (_i)
		flate_object(&o[2], 1, 9, 0);
	build(&b, o, n, NULL);
	path = bt_fmt("%s/p.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "p.pdf");
	hit = bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "p.pdf");
	ck_assert_msg(_i ? hit != NULL && strstr(coco_finding_message(hit), "512 MiB in all")
			 : coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
		      "%s", bt_dump(f.r));
	for (k = 0; k < n; k++)
		free(o[k].p);
	free(b.p);
	free(path);
	pfx_teardown(&f);
}
END_TEST

/*
 * PDF signatures checked for one bundle (_i < 2) or folder (lint): 256 copies of the signed
 * certificate are all checked; with a 257th, that one fails pdf.limits unchecked.
 */
START_TEST(test_limit_sigs_all)
{
	struct pfx f;
	char *src = bt_fixture("pdf/signed.pdf"), *bundle, *dir, *path;
	size_t k, n = COCO_PDF_MAX_SIGS_ALL + (size_t)(_i % 2), len = 0;
	struct bt_part *parts = calloc(n, sizeof(*parts));
	char(*names)[32] = calloc(n, sizeof(*names));
	unsigned char *pdf = NULL;
	const struct coco_finding *hit;

	pfx_setup(&f);
	ck_assert_int_eq(bt_read(src, &pdf, &len), 0);
	ck_assert(parts != NULL && names != NULL);
	bundle = bt_fmt("%s/b.coco", f.tmp);
	dir = bt_fmt("%s/folder", f.tmp);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (k = 0; k < n; k++) {
		snprintf(names[k], sizeof(names[k]), "c%03zu.pdf", k);
		parts[k] = (struct bt_part){names[k], pdf, len, 0};
		path = bt_fmt("%s/%s", dir, names[k]);
		if (_i >= 2)
			ck_assert_int_eq(bt_write(path, pdf, len), 0);
		free(path);
	}
	if (_i < 2) {
		write_signed(&f, bundle, parts, n);
		ck_assert_int_eq(coco_verify(f.ctx, bundle, f.r), COCO_OK);
	} else {
		ck_assert_int_eq(coco_lint(f.ctx, dir, f.r), COCO_OK);
	}
	hit = bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, names[n - 1]);
	ck_assert_msg(_i % 2 ? hit != NULL && bt_count_status(f.r, COCO_STATUS_PASS) > 0 &&
				   bt_find(f.r, "pdf.signature", names[n - 1]) == NULL
			     : bt_find(f.r, "pdf.limits", NULL) == NULL &&
				   bt_count_findings(f.r, "pdf.signature", COCO_STATUS_PASS) == n,
		      "%s", bt_dump(f.r));
	free(pdf);
	free(parts);
	free(names);
	free(src);
	free(bundle);
	bt_rmtree(dir);
	free(dir);
	pfx_teardown(&f);
}
END_TEST

/*
 * What the PDFs of one bundle (verify) or folder (lint) share, struct coco_pdf_budget:
 * two PDFs that together reach a limit pass; one value, byte of an object stream or
 * inflated byte more fails the second, and a third PDF then fails pdf.limits unscanned.
 * With a budget per PDF, 50 small PDFs each just under the limits took 15 s.
 */
enum shared_kind { SHARED_VALUES, SHARED_KEPT, SHARED_PROBED };

static const struct {
	enum shared_kind kind;
	int lint;
	const char *message; /* the second PDF's pdf.limits message, past the limit */
} shared[] = {
    {SHARED_VALUES, 0, "8388608 values"},
    {SHARED_VALUES, 1, "8388608 values"},
    {SHARED_KEPT, 0, "64 MiB in all"},
    {SHARED_PROBED, 0, "512 MiB in all"},
};

/* PDF k of two (0, 1) that together reach the shared limit, or pass it by one with over. */
static void shared_pdf(struct bt_sb *b, enum shared_kind kind, size_t k, int over)
{
	struct bt_sb o[17];
	static const unsigned in[2] = {3, 4};
	/* build(): 25 values and 2 per object besides the arrays' own (test_limit_values) */
	const size_t n = 17, total = COCO_PDF_MAX_VALUES - 2 * (25 + 2 * n);
	size_t i, j, nodes, per = total / (2 * n), each = COCO_PDF_MAX_KEPT / 4 - 4;

	memset(o, 0, sizeof(o));
	for (i = 0; kind == SHARED_VALUES && i < n; i++) {
		nodes = k == 1 && i + 1 == n ? total - per * (2 * n - 1) + (size_t)over : per;
		bt_sb_add(&o[i], "[", 1);
		for (j = 0; j + 1 < nodes; j++)
			bt_sb_add(&o[i], "0 ", 2);
		bt_sb_add(&o[i], "]", 1);
	}
	if (kind == SHARED_VALUES)
		build(b, o, n, NULL);
	/* each PDF: two object streams and its xref stream of 8 bytes, as in test_limit_kept */
	for (i = 0; kind == SHARED_KEPT && i < 2; i++)
		objstm_int(&o[i], 100 + (unsigned)i, each + (k == 1 && i == 1 ? (size_t)over : 0),
			   "");
	if (kind == SHARED_KEPT)
		build_hybrid(b, o, 2, in, 2);
	/* each PDF: one stream of 256 MiB of zeros, as in test_limit_probed */
	if (kind == SHARED_PROBED)
		bomb_object(&o[0], 256, 1200000);
	if (kind == SHARED_PROBED && k == 1 && over)
		flate_object(&o[1], 1, 9, 0);
	if (kind == SHARED_PROBED)
		build(b, o, k == 1 && over ? 2 : 1, NULL);
	for (i = 0; i < n; i++)
		free(o[i].p);
}

START_TEST(test_limit_shared)
{
	static const char *const names[3] = {"a.pdf", "b.pdf", "c.pdf"};
	struct pfx f;
	struct bt_sb pdf[3] = {{0}, {0}, {0}};
	struct bt_part parts[3];
	const int over = _i % 2, lint = shared[_i / 2].lint;
	const size_t n = over ? 3 : 2;
	const struct coco_finding *hit;
	char *dir, *path;
	size_t k;

	pfx_setup(&f);
	dir = bt_fmt("%s/folder", f.tmp);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (k = 0; k < n; k++) {
		if (k < 2)
			shared_pdf(&pdf[k], shared[_i / 2].kind, k, over);
		else
			bt_sb_add(&pdf[k], bt_min_pdf, bt_min_pdf_len);
		parts[k] = (struct bt_part){names[k], (const unsigned char *)pdf[k].p, pdf[k].n, 0};
		path = bt_fmt("%s/%s", dir, names[k]);
		ck_assert_int_eq(bt_write(path, pdf[k].p, pdf[k].n), 0);
		free(path);
	}
	if (lint) {
		ck_assert_int_eq(coco_lint(f.ctx, dir, f.r), COCO_OK);
	} else {
		path = bt_fmt("%s/b.coco", f.tmp);
		write_signed(&f, path, parts, n);
		ck_assert_int_eq(coco_verify(f.ctx, path, f.r), COCO_OK);
		free(path);
	}
	hit = bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "b.pdf");
	if (over)
		ck_assert_msg(
		    hit != NULL && strstr(coco_finding_message(hit), shared[_i / 2].message) &&
			(hit = bt_find_status(f.r, "pdf.limits", COCO_STATUS_FAIL, "c.pdf")) !=
			    NULL &&
			strstr(coco_finding_message(hit), "not scanned") &&
			bt_find(f.r, "pdf.limits", "a.pdf") == NULL,
		    "%s", bt_dump(f.r));
	else
		ck_assert_msg(bt_find(f.r, "pdf.limits", NULL) == NULL &&
				  bt_find_status(f.r, "pdf.clean", COCO_STATUS_PASS, "b.pdf") !=
				      NULL,
			      "%s", bt_dump(f.r));
	for (k = 0; k < n; k++)
		free(pdf[k].p);
	bt_rmtree(dir);
	free(dir);
	pfx_teardown(&f);
}
END_TEST

/*
 * A PDF that no signature that verifies covers is not scanned: it fails manifest.unsigned
 * already, and is reported skipped (JavaScript in it is not looked for); the same PDF
 * signed is scanned.
 */
START_TEST(test_unsigned_not_scanned)
{
	struct pfx f;
	unsigned char *pdf = NULL;
	size_t len = 0;
	char *src = bt_fixture("pdf/js-openaction.pdf"), *bundle;
	struct coco_signer *signer;
	struct bt_part data[1], extra[1];
	struct bt_bundle b = {0};

	pfx_setup(&f);
	ck_assert_int_eq(bt_read(src, &pdf, &len), 0);
	ck_assert_ptr_nonnull(signer = bt_signer(f.ctx, "director"));
	data[0] = (struct bt_part){"signed.pdf", pdf, len, 0};
	extra[0] = (struct bt_part){"unsigned.pdf", pdf, len, 0};
	b.data = data, b.n = 1, b.extra = extra, b.nextra = 1, b.signer = signer;
	bundle = bt_fmt("%s/b.coco", f.tmp);
	ck_assert_int_eq(bt_bundle_write(f.ctx, bundle, &b), 0);
	ck_assert_int_eq(coco_verify(f.ctx, bundle, f.r), COCO_OK);
	ck_assert_msg(
	    bt_find_status(f.r, "manifest.unsigned", COCO_STATUS_FAIL, "unsigned.pdf") != NULL &&
		bt_find_status(f.r, "verify.skipped", COCO_STATUS_INFO, "unsigned.pdf") != NULL &&
		bt_find(f.r, "pdf.javascript", "unsigned.pdf") == NULL &&
		bt_find_status(f.r, "pdf.javascript", COCO_STATUS_FAIL, "signed.pdf") != NULL,
	    "%s", bt_dump(f.r));
	coco_signer_free(signer);
	free(bundle);
	free(pdf);
	free(src);
	pfx_teardown(&f);
}
END_TEST

Suite *pdf_suite(void)
{
	Suite *s = suite_create("pdf");
	TCase *tf = tcase_create("fixtures");
	TCase *tl = tcase_create("limits");

	tcase_add_loop_test(tf, test_fixture, 0, sizeof(fixtures) / sizeof(fixtures[0]));
	tcase_add_test(tf, test_signed_result);
	tcase_add_loop_test(tf, test_sig_entry, 0, sizeof(sig_entries) / sizeof(sig_entries[0]));
	tcase_add_test(tf, test_two_sigs);
	tcase_add_test(tf, test_sig_unchecked);
	tcase_add_test(tf, test_sig_unanchored);
	tcase_add_test(tf, test_not_a_pdf);
	tcase_add_test(tf, test_deflated_entry);
	tcase_add_test(tf, test_unsigned_not_scanned);
	tcase_add_test(tf, test_tampered_certificate);
	tcase_add_test(tf, test_sniffed);
	tcase_add_test(tf, test_sniffed_behind_empty_blocks);
	tcase_add_test(tf, test_sniffed_late_header);
	tcase_add_loop_test(tf, test_authentic_anchor, 0,
			    sizeof(anchorings) / sizeof(anchorings[0]));
	tcase_add_test(tf, test_hybrid_xref);
	tcase_add_test(tf, test_authentic_untrusted);
	tcase_add_loop_test(tf, test_startxref, 0, sizeof(startxrefs) / sizeof(startxrefs[0]));
	tcase_add_loop_test(tf, test_built, 0, sizeof(built) / sizeof(built[0]));
	tcase_add_loop_test(tf, test_length_in_objstm, 0, 2);
	tcase_add_test(tf, test_probe_whole_ratio);
	tcase_add_loop_test(tf, test_predictor_params, 0, sizeof(predicted) / sizeof(predicted[0]));
	tcase_set_timeout(tf, 60);
	tcase_add_loop_test(tl, test_limit_depth, 0, 2);
	tcase_add_loop_test(tl, test_limit_repeat, 0, 4);
	tcase_add_loop_test(tl, test_limit_stream_length, 0, 2);
	tcase_add_loop_test(tl, test_limit_ratio, 0, 2);
	tcase_add_loop_test(tl, test_limit_inflate, 0, 2);
	tcase_add_loop_test(tl, test_limit_flate, 0, 2);
	tcase_add_test(tl, test_scan_a4);
	tcase_add_loop_test(tl, test_limit_bomb_whole, 0, 2);
	tcase_add_test(tl, test_limit_probe_total);
	tcase_add_loop_test(tl, test_limit_inmem, 0, 2);
	tcase_add_loop_test(tl, test_limit_objects, 0, 2);
	tcase_add_loop_test(tl, test_limit_sections, 0, 2);
	tcase_add_loop_test(tl, test_limit_sigs, 0, 2);
	tcase_add_loop_test(tl, test_limit_budget, 0, 2);
	tcase_add_loop_test(tl, test_limit_kept, 0, 2);
	tcase_add_loop_test(tl, test_limit_table, 0, 2);
	tcase_add_loop_test(tl, test_limit_values, 0, 2);
	tcase_add_loop_test(tl, test_limit_mem, 0, 2);
	tcase_add_loop_test(tl, test_limit_probed, 0, 2);
	tcase_add_loop_test(tl, test_limit_sigs_all, 0, 4);
	tcase_add_loop_test(tl, test_limit_shared, 0,
			    2 * (int)(sizeof(shared) / sizeof(shared[0])));
	tcase_set_timeout(tl, 120); /* generous for sanitizers */
	suite_add_tcase(s, tf);
	suite_add_tcase(s, tl);
	return s;
}
