/*
 * PDF signatures as real producers write them (issue 15, NOTES.md section 8): PAdES
 * baseline signatures without a signing-time attribute (the claimed time is /M), the ESS
 * signing-certificate v1 or v2 or, for adbe.pkcs7.detached, none, BER-encoded /Contents,
 * and /Encrypt null. Each PDF is built and signed here with OpenSSL, as fixtures/mkpdf.py
 * makes the committed ones; the signed attributes are chosen one by one and the signature
 * value recomputed over their DER, so no test reads the clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "bundletool.h"
#include "pdf/pdf.h"
#include "signature/cms.h"
#include "suites.h"

#define AT "2027-01-01"
#define SIGNED_AT "2026-09-15" /* noon: the committed fixtures' signing time */
#define CONTENTS_HEX 16384u    /* hex digits of the /Contents placeholder */
#define BR_HOLD "[0 0000000000 0000000000 0000000000]"

/* What the CMS in a test PDF carries. */
enum ess { ESS_NONE, ESS_V1, ESS_V2, ESS_V1_WRONG };
struct popt {
	const char *subfilter;
	int signing_time; /* the signing-time attribute, at SIGNED_AT noon */
	enum ess ess;
	int ber;               /* /Contents in BER: indefinite lengths outside the SignerInfo */
	const char *m;         /* the dictionary's /M string, or NULL */
	const char *encrypt;   /* the trailer's /Encrypt value, or NULL */
	const char *signer;    /* pki/<signer>.key and .pem; NULL: body-signer */
	const char *signer_ca; /* pki/<ca>.pem in the CMS; NULL: body-ca */
	int not_der;           /* the value signs the attributes unsorted: not their DER */
	int noattr;            /* no signed attributes: the value signs the data's digest */
	const EVP_MD *md;      /* the digest algorithm; NULL: SHA-256 */
};

struct px {
	char *tmp;
	struct coco_ctx *ctx;
	struct coco_report *r;
	struct coco_pdf_result res;
};

static void px_setup(struct px *f)
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

static void px_teardown(struct px *f)
{
	coco_pdf_result_release(&f->res);
	bt_rmtree(f->tmp);
	free(f->tmp);
	coco_report_free(f->r);
	coco_ctx_free(f->ctx);
}

/* ---- signing ----------------------------------------------------------------------- */

static int cmp_der_desc(const void *a, const void *b);

static int cmp_der(const void *a, const void *b)
{
	const struct bt_sb *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->p, y->p, n);

	return c != 0 ? c : (x->n > y->n) - (x->n < y->n);
}

static int cmp_der_desc(const void *a, const void *b)
{
	return cmp_der(b, a);
}

/* Signs the signer info's signed attributes again: their DER (a SET OF, sorted) is what
 * RFC 5652 5.4 signs, so the value matches whatever attributes were put there; not_der
 * signs them in descending order, a BER encoding that is not their DER. */
static void resign(CMS_SignerInfo *si, EVP_PKEY *key, int not_der, const EVP_MD *alg)
{
	int n = CMS_signed_get_attr_count(si), i;
	struct bt_sb items[8], set = {0}, body = {0};
	unsigned char *der, sig[1024];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	ck_assert_int_le(n, 8);
	memset(items, 0, sizeof(items));
	for (i = 0; i < n; i++) {
		int len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), NULL);
		ck_assert_int_gt(len, 0);
		der = malloc((size_t)len), items[i].p = (char *)der;
		ck_assert_int_eq(i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &der), len);
		items[i].n = (size_t)len;
	}
	ck_assert_int_ge(n, 2);
	qsort(items, (size_t)n, sizeof(items[0]), not_der ? cmp_der_desc : cmp_der);
	for (i = 0; i < n; i++)
		bt_sb_add(&body, items[i].p, items[i].n), free(items[i].p);
	ck_assert_uint_lt(body.n, 65536);
	if (body.n < 128)
		bt_sb_add(&set, (unsigned char[]){0x31, (unsigned char)body.n}, 2);
	else if (body.n < 256)
		bt_sb_add(&set, (unsigned char[]){0x31, 0x81, (unsigned char)body.n}, 3);
	else
		bt_sb_add(&set,
			  (unsigned char[]){0x31, 0x82, (unsigned char)(body.n >> 8),
					    (unsigned char)body.n},
			  4);
	bt_sb_add(&set, body.p, body.n);
	ck_assert(EVP_DigestSignInit(md, NULL, alg ? alg : EVP_sha256(), NULL, key) == 1);
	ck_assert(EVP_DigestSign(md, sig, &siglen, (unsigned char *)set.p, set.n) == 1);
	ck_assert(ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)siglen) == 1);
	EVP_MD_CTX_free(md);
	free(set.p);
	free(body.p);
}

/* The ESS signing-certificate v1 naming cert (or, wrong, another certificate). */
static void add_ess_v1(CMS_SignerInfo *si, X509 *cert)
{
	ESS_SIGNING_CERT *sc = OSSL_ESS_signing_cert_new_init(cert, NULL, 1);
	unsigned char *der = NULL;
	int len;

	ck_assert_ptr_nonnull(sc);
	len = i2d_ESS_SIGNING_CERT(sc, &der);
	ck_assert_int_gt(len, 0);
	ck_assert(CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificate,
					      V_ASN1_SEQUENCE, der, len) == 1);
	OPENSSL_free(der);
	ESS_SIGNING_CERT_free(sc);
}

static void drop_attr(CMS_SignerInfo *si, int nid)
{
	int pos;

	while ((pos = CMS_signed_get_attr_by_NID(si, nid, -1)) >= 0)
		X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, pos));
}

/* A detached CMS over data with the attributes o asks for; DER, or BER if o->ber. */
static void sign(const struct popt *o, const struct bt_sb *data, struct bt_sb *out)
{
	X509 *cert = bt_cert(o->signer ? o->signer : "body-signer");
	X509 *ca = bt_cert(o->signer_ca ? o->signer_ca : "body-ca"), *other = bt_cert("body-ca");
	EVP_PKEY *key = bt_key(o->signer ? o->signer : "body-signer");
	STACK_OF(X509) *chain = sk_X509_new_null();
	BIO *in = BIO_new_mem_buf(data->p, (int)data->n);
	ASN1_TIME *t = ASN1_TIME_set(NULL, bt_time(SIGNED_AT) + 12 * 3600);
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	unsigned char *der = NULL;
	int len;

	const unsigned flags =
	    CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP | (o->noattr ? CMS_NOATTR : CMS_CADES);

	ck_assert(cert && ca && other && key && chain && in && t && sk_X509_push(chain, ca));
	cms = CMS_sign(NULL, NULL, chain, NULL, flags | CMS_PARTIAL);
	ck_assert_ptr_nonnull(cms);
	ck_assert_ptr_nonnull(
	    si = CMS_add1_signer(cms, cert, key, o->md ? o->md : EVP_sha256(), flags));
	ck_assert_int_eq(CMS_final(cms, in, NULL, flags), 1);
	if (o->noattr)
		goto encode;
	drop_attr(si, NID_pkcs9_signingTime);
	if (o->signing_time)
		ck_assert(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1));
	if (o->ess != ESS_V2)
		drop_attr(si, NID_id_smime_aa_signingCertificateV2);
	if (o->ess == ESS_V1 || o->ess == ESS_V1_WRONG)
		add_ess_v1(si, o->ess == ESS_V1 ? cert : other);
	resign(si, key, o->not_der, o->md);
encode:
	len = i2d_CMS_ContentInfo(cms, &der);
	ck_assert_int_gt(len, 4);
	/* BER: the outer SEQUENCE with an indefinite length, as Adobe writes it */
	ck_assert(der[0] == 0x30 && der[1] == 0x82);
	if (o->ber) {
		bt_sb_add(out, "\x30\x80", 2);
		bt_sb_add(out, der + 4, (size_t)len - 4);
		bt_sb_add(out, "\0\0", 2);
	} else {
		bt_sb_add(out, der, (size_t)len);
	}
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	ASN1_TIME_free(t);
	BIO_free(in);
	sk_X509_free(chain);
	X509_free(cert), X509_free(ca), X509_free(other);
	EVP_PKEY_free(key);
}

/* Object num: a signature dictionary as o says, with a /ByteRange and a zero-filled
 * /Contents placeholder, which runs from *ca to *ce. */
static void put_sig(struct bt_sb *b, long num, const struct popt *o, size_t *ca, size_t *ce)
{
	size_t i;

	bt_sb_fmt(b, "%ld 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /%s", num,
		  o->subfilter);
	if (o->m != NULL)
		bt_sb_fmt(b, " /M (%s)", o->m);
	bt_sb_str(b, " /ByteRange " BR_HOLD " /Contents ");
	*ca = b->n;
	bt_sb_str(b, "<");
	for (i = 0; i < CONTENTS_HEX; i++)
		bt_sb_str(b, "0");
	bt_sb_str(b, ">");
	*ce = b->n;
	bt_sb_str(b, " >>\nendobj\n");
}

/* Signs the whole of b but the placeholder [a, e) (the last one written), as o says. */
static void fill_sig(struct bt_sb *b, size_t a, size_t e, const struct popt *o)
{
	struct bt_sb data = {0}, cms = {0};
	char br[sizeof(BR_HOLD)], *hold = strstr(b->p, BR_HOLD);
	size_t i;

	ck_assert_ptr_nonnull(hold);
	snprintf(br, sizeof(br), "[0 %010zu %010zu %010zu]", a, e, b->n - e);
	memcpy(hold, br, strlen(br));
	bt_sb_add(&data, b->p, a);
	bt_sb_add(&data, b->p + e, b->n - e);
	sign(o, &data, &cms);
	ck_assert_uint_le(2 * cms.n, CONTENTS_HEX);
	for (i = 0; i < cms.n; i++)
		snprintf(b->p + a + 1 + 2 * i, 3, "%02x", (unsigned char)cms.p[i]);
	b->p[a + 1 + 2 * cms.n] = '0'; /* snprintf's NUL */
	free(data.p), free(cms.p);
}

/* A one-page PDF with one signature dictionary (object 3), signed as o says, in b; *xref
 * is where its cross-reference table starts. */
static void signed_buf(const struct popt *o, struct bt_sb *b, size_t *xref)
{
	size_t off[4], a, e, i;

	bt_sb_str(b, "%PDF-1.7\n");
	off[1] = b->n;
	bt_sb_str(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = b->n;
	bt_sb_str(b, "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
	off[3] = b->n;
	put_sig(b, 3, o, &a, &e);
	*xref = b->n;
	bt_sb_str(b, "xref\n0 4\n0000000000 65535 f \n");
	for (i = 1; i < 4; i++)
		bt_sb_fmt(b, "%010zu 00000 n \n", off[i]);
	bt_sb_fmt(b, "trailer\n<< /Size 4 /Root 1 0 R%s%s >>\nstartxref\n%zu\n%%%%EOF\n",
		  o->encrypt ? " /Encrypt " : "", o->encrypt ? o->encrypt : "", *xref);
	fill_sig(b, a, e, o);
}

/* signed_buf written to <tmp>/<name>; the path is malloc'd. */
static char *signed_pdf(struct px *f, const char *name, const struct popt *o)
{
	struct bt_sb b = {0};
	size_t x;
	char *path = bt_fmt("%s/%s", f->tmp, name);

	signed_buf(o, &b, &x);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	free(b.p);
	return path;
}

static void scan(struct px *f, const char *path, const char *name)
{
	ck_assert_msg(coco_pdf_scan_path(f->ctx, path, name, NULL, f->r, &f->res) == COCO_OK, "%s",
		      coco_ctx_error(f->ctx));
}

/* ---- what real producers write ----------------------------------------------------- */

#define PADES "ETSI.CAdES.detached"
#define PKCS7 "adbe.pkcs7.detached"
#define M_DATE "D:20261001083000+02'00'" /* 2026-10-01T06:30:00Z */

/* Signatures that conform and verify: each passes pdf.signature, with no pdf.* failure. */
static const struct {
	const char *what;
	struct popt o;
	int from_m; /* the time reported is /M's, not the CMS signing-time's */
} good[] = {
    {"PAdES baseline: no signing-time, ESS v2, /M",
     {PADES, 0, ESS_V2, 0, M_DATE, 0, 0, 0, 0, 0, NULL},
     1},
    {"PAdES with ESS v1", {PADES, 0, ESS_V1, 0, M_DATE, 0, 0, 0, 0, 0, NULL}, 1},
    {"CAdES-B-B as the bundle's", {PADES, 1, ESS_V2, 0, M_DATE, 0, 0, 0, 0, 0, NULL}, 0},
    {"pkcs7 without ESS", {PKCS7, 1, ESS_NONE, 0, M_DATE, 0, 0, 0, 0, 0, NULL}, 0},
    {"pkcs7 without ESS or signing-time", {PKCS7, 0, ESS_NONE, 0, M_DATE, 0, 0, 0, 0, 0, NULL}, 1},
    {"pkcs7 with ESS v1", {PKCS7, 1, ESS_V1, 0, NULL, 0, 0, 0, 0, 0, NULL}, 0},
    {"BER /Contents", {PKCS7, 0, ESS_NONE, 1, M_DATE, 0, 0, 0, 0, 0, NULL}, 1},
    {"BER /Contents, PAdES", {PADES, 0, ESS_V2, 1, M_DATE, 0, 0, 0, 0, 0, NULL}, 1},
    {"/Encrypt null", {PADES, 0, ESS_V2, 0, M_DATE, "null", 0, 0, 0, 0, NULL}, 1},
};

START_TEST(test_good)
{
	struct px f;
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	path = signed_pdf(&f, "good.pdf", &good[_i].o);
	scan(&f, path, "good.pdf");
	hit = bt_find_status(f.r, "pdf.signature", COCO_STATUS_PASS, "good.pdf");
	ck_assert_msg(hit != NULL && f.res.ok && f.res.sig_valid, "%s: %s", good[_i].what,
		      bt_dump(f.r));
	ck_assert_int_eq(f.res.n_sigs, 1);
	ck_assert_int_eq(f.res.sigs[0].status, COCO_PDF_SIG_VALID);
	ck_assert_int_eq(f.res.sigs[0].has_signing_time, 1);
	ck_assert_int_eq(f.res.sigs[0].time_from_m, good[_i].from_m);
	ck_assert_int_eq(f.res.sigs[0].signing_time,
			 good[_i].from_m ? bt_time("2026-10-01") + 6 * 3600 + 30 * 60
					 : bt_time(SIGNED_AT) + 12 * 3600);
	if (good[_i].from_m)
		ck_assert_msg(strstr(coco_finding_message(hit), "2026-10-01T06:30:00Z") &&
				  strstr(coco_finding_message(hit), "/M"),
			      "%s", coco_finding_message(hit));
	free(path);
	px_teardown(&f);
}
END_TEST

/* /M as ISO 32000-2 7.9.4 writes it: every field after the year optional, a UTC offset
 * with or without its minutes, "Z" alone or "Z00'00'"; what is not a date leaves the time
 * unknown and the signature valid (the time is a claim, not a check). */
static const struct {
	const char *m;
	const char *utc; /* NULL: no time */
	int secs;        /* added to utc's midnight */
} m_dates[] = {
    {"D:20261001083000+02'00'", "2026-10-01", 6 * 3600 + 30 * 60},
    {"D:20261001083000Z", "2026-10-01", 8 * 3600 + 30 * 60},
    {"D:20261001083000Z00'00'", "2026-10-01", 8 * 3600 + 30 * 60},
    {"D:20261001083000-05'30", "2026-10-01", 14 * 3600},
    {"D:20261001013000+02", "2026-09-30", 23 * 3600 + 30 * 60},
    {"D:2026", "2026-01-01", 0},
    {"20261001", "2026-10-01", 0},
    {"D:2026AB", NULL, 0},
    {"D:20261301", NULL, 0},
    {"yesterday", NULL, 0},
};

START_TEST(test_m_dates)
{
	struct px f;
	struct popt o = {PKCS7, 0, ESS_NONE, 0, m_dates[_i].m, 0, 0, 0, 0, 0, NULL};
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	path = signed_pdf(&f, "m.pdf", &o);
	scan(&f, path, "m.pdf");
	hit = bt_find_status(f.r, "pdf.signature", COCO_STATUS_PASS, "m.pdf");
	ck_assert_msg(hit != NULL && f.res.sig_valid, "%s: %s", m_dates[_i].m, bt_dump(f.r));
	ck_assert_int_eq(f.res.sigs[0].has_signing_time, m_dates[_i].utc != NULL);
	ck_assert_int_eq(f.res.sigs[0].time_from_m, m_dates[_i].utc != NULL);
	if (m_dates[_i].utc != NULL)
		ck_assert_int_eq(f.res.sigs[0].signing_time,
				 bt_time(m_dates[_i].utc) + m_dates[_i].secs);
	else
		ck_assert_msg(strstr(coco_finding_message(hit), "an unknown time"), "%s",
			      coco_finding_message(hit));
	free(path);
	px_teardown(&f);
}
END_TEST

/* What must still fail, with the exact id. */
static const struct {
	const char *what;
	struct popt o;
	const char *id;
	enum coco_status status;
	const char *in_message;
} bad[] = {
    {"PAdES without any ESS",
     {PADES, 0, ESS_NONE, 0, M_DATE, 0, 0, 0, 0, 0, NULL},
     "pdf.signature",
     COCO_STATUS_FAIL,
     "ESS signing-certificate attribute (v1 or v2) missing"},
    {"PAdES, ESS v1 names another certificate",
     {PADES, 0, ESS_V1_WRONG, 0, M_DATE, 0, 0, 0, 0, 0, NULL},
     "pdf.signature",
     COCO_STATUS_FAIL,
     "does not identify the signer's certificate"},
    {"pkcs7, ESS v1 names another certificate",
     {PKCS7, 1, ESS_V1_WRONG, 0, M_DATE, 0, 0, 0, 0, 0, NULL},
     "pdf.signature",
     COCO_STATUS_FAIL,
     "does not identify the signer's certificate"},
    {"an encryption dictionary",
     {PADES, 0, ESS_V2, 0, M_DATE, "<< /Filter /Standard >>", 0, 0, 0, 0, NULL},
     "pdf.encrypted",
     COCO_STATUS_FAIL,
     "encrypted"},
    /* under a root bodies/ lacks but failing a check: still failed, its signer unknown */
    {"a signer outside bodies/, its attributes signed as BER",
     {PKCS7, 0, ESS_NONE, 0, M_DATE, 0, "untrusted", "untrusted-root", 1, 0, NULL},
     "pdf.signer",
     COCO_STATUS_INDETERMINATE,
     "chains to root 'CN=CoCo Rogue Root CA - TEST ONLY"},
    {"no signed attributes",
     {PKCS7, 0, ESS_NONE, 0, M_DATE, 0, 0, 0, 0, 1, NULL},
     "pdf.signature",
     COCO_STATUS_FAIL,
     "no signed attributes"},
    /* BER is accepted around the signed attributes, not in them: the value is checked over
     * their DER (RFC 5652 5.4, ETSI EN 319 122-1) */
    {"signed attributes signed as BER",
     {PKCS7, 0, ESS_NONE, 1, M_DATE, 0, 0, 0, 1, 0, NULL},
     "pdf.signature",
     COCO_STATUS_FAIL,
     "signature value does not verify"},
};

START_TEST(test_bad)
{
	struct px f;
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	path = signed_pdf(&f, "bad.pdf", &bad[_i].o);
	scan(&f, path, "bad.pdf");
	hit = bt_find_status(f.r, bad[_i].id, bad[_i].status, "bad.pdf");
	ck_assert_msg(hit != NULL, "%s: %s", bad[_i].what, bt_dump(f.r));
	if (bad[_i].in_message != NULL)
		ck_assert_msg(strstr(coco_finding_message(hit), bad[_i].in_message), "%s: %s",
			      bad[_i].what, coco_finding_message(hit));
	ck_assert_int_eq(f.res.sig_valid, 0);
	ck_assert_int_eq(f.res.ok, 0);
	free(path);
	px_teardown(&f);
}
END_TEST

/*
 * Message honesty: what was never checked is not said to fail. No signed attributes: the
 * value is "not checked", never "does not verify"; a digest algorithm outside the
 * allow-list is reported as that alone, not also as a digest or value failure. A value
 * that was checked and fails says so. A signer under a root bodies/ lacks, whose
 * signature verifies, is a manual check naming that root: no worse than no signature.
 */
static const struct {
	const char *what;
	struct popt o;
	const char *id;
	enum coco_status status;
	const char *in_message;
	const char *never;    /* in no finding's message, or NULL */
	const char *never_id; /* no finding with this id, or NULL */
	enum coco_pdf_sig_status sig;
} honest[] = {
    {"no signed attributes",
     {PKCS7, 0, ESS_NONE, 0, M_DATE, 0, 0, 0, 0, 1, NULL},
     "pdf.signature",
     COCO_STATUS_INFO,
     "signature value not checked: there are no signed "
     "attributes",
     "does not verify",
     "pdf.digest",
     COCO_PDF_SIG_BAD},
    {"a SHA-1 digest",
     {PADES, 0, ESS_V2, 0, M_DATE, 0, 0, 0, 0, 0, NULL},
     "pdf.signature",
     COCO_STATUS_FAIL,
     "digest algorithm 'sha1' not allowed",
     "does not verify",
     "pdf.digest",
     COCO_PDF_SIG_BAD},
    {"attributes signed as BER",
     {PKCS7, 0, ESS_NONE, 1, M_DATE, 0, 0, 0, 1, 0, NULL},
     "pdf.signature",
     COCO_STATUS_FAIL,
     "signature value does not verify",
     "not checked",
     NULL,
     COCO_PDF_SIG_BAD},
    {"a signer outside bodies/",
     {PADES, 0, ESS_V2, 0, M_DATE, 0, "untrusted", "untrusted-root", 0, 0, NULL},
     "pdf.signer",
     COCO_STATUS_WARN,
     "verifies, but signer 'CN=Untrusted Signer - TEST "
     "ONLY, O=Example Guarding Ltd, C=GB' chains to root 'CN=CoCo Rogue Root CA - TEST ONLY, "
     "O=coco-bundle fixtures, C=GB' (SHA-256 dd9052a08c394029196ed0376ad5263cf75f887f591ea5b3967"
     "699ef8511b092)",
     NULL,
     NULL,
     COCO_PDF_SIG_UNANCHORED},
};

START_TEST(test_honest)
{
	struct px f;
	struct popt o = honest[_i].o;
	char *path;
	const struct coco_finding *hit;
	size_t i, n;

	if (_i == 1)
		o.md = EVP_sha1();
	px_setup(&f);
	path = signed_pdf(&f, "h.pdf", &o);
	scan(&f, path, "h.pdf");
	hit = bt_find_status(f.r, honest[_i].id, honest[_i].status, "h.pdf");
	ck_assert_msg(hit != NULL && strstr(coco_finding_message(hit), honest[_i].in_message),
		      "%s: no %s %s '%s':\n%s", honest[_i].what,
		      coco_status_name(honest[_i].status), honest[_i].id, honest[_i].in_message,
		      bt_dump(f.r));
	for (i = 0, n = coco_report_count(f.r); i < n; i++) {
		const struct coco_finding *g = coco_report_get(f.r, i);
		ck_assert_msg(honest[_i].never == NULL ||
				  strstr(coco_finding_message(g), honest[_i].never) == NULL,
			      "%s: '%s' said:\n%s", honest[_i].what, honest[_i].never,
			      bt_dump(f.r));
		ck_assert_msg(honest[_i].never_id == NULL ||
				  strcmp(coco_finding_id(g), honest[_i].never_id) != 0,
			      "%s: %s reported:\n%s", honest[_i].what, honest[_i].never_id,
			      bt_dump(f.r));
	}
	ck_assert_int_eq(f.res.n_sigs, 1);
	ck_assert_int_eq(f.res.sigs[0].status, honest[_i].sig);
	if (honest[_i].sig == COCO_PDF_SIG_UNANCHORED) {
		ck_assert_msg(coco_finding_manual(hit) &&
				  coco_report_verdict(f.r) == COCO_VERDICT_PASSED,
			      "%s", bt_dump(f.r));
		ck_assert_str_eq(
		    f.res.sigs[0].root_sha256,
		    "dd9052a08c394029196ed0376ad5263cf75f887f591ea5b3967699ef8511b092");
	}
	free(path);
	px_teardown(&f);
}
END_TEST

/* A bundle's own signature (CAdES-B-B, no relaxation) may be BER too, as checks.md says
 * of signature.parse: only its signed attributes must be DER. OpenSSL's CMS_verify
 * cross-check agrees. */
START_TEST(test_bundle_ber)
{
	struct px f;
	static const unsigned char data[] = "<ASiCManifest/>";
	struct bt_sign o = {0};
	struct bt_sb ber = {0};
	unsigned char *der = NULL;
	size_t len = 0;
	struct coco_cms_check in;
	struct coco_report_signature *info;

	px_setup(&f);
	o.cert = bt_cert("director"), o.key = bt_key("director"), o.chain = bt_chain();
	o.signing_time = bt_time("2026-06-01");
	ck_assert_int_eq(bt_cms_sign(&o, data, sizeof(data) - 1, &der, &len), 0);
	ck_assert(der[0] == 0x30 && der[1] == 0x82);
	bt_sb_add(&ber, "\x30\x80", 2);
	bt_sb_add(&ber, der + 4, len - 4);
	bt_sb_add(&ber, "\0\0", 2);
	memset(&in, 0, sizeof(in));
	in.sig_entry = "META-INF/signature.p7s", in.der = (unsigned char *)ber.p,
	in.der_len = ber.n;
	in.data_entry = "META-INF/ASiCManifest.xml", in.data = data, in.data_len = sizeof(data) - 1;
	in.trust = 1, in.anchors = COCO_ANCHORS_SIGNERS;
	info = coco_report_add_signature(f.r);
	ck_assert_ptr_nonnull(info);
	ck_assert_int_eq(coco_cms_verify(f.ctx, &in, f.r, info), COCO_OK);
	ck_assert_msg(info->valid && bt_find_status(f.r, "signature.value", COCO_STATUS_PASS, NULL),
		      "%s", bt_dump(f.r));
	free(der), free(ber.p);
	X509_free(o.cert), EVP_PKEY_free(o.key), sk_X509_pop_free(o.chain, X509_free);
	px_teardown(&f);
}
END_TEST

/*
 * Two signatures: a first signer, then the certification body's in an incremental update
 * (object 4, in no field). Each is reported on its own, by its object: the first, whose
 * signer chains to a root bodies/ lacks (unanchored: a manual check naming that root),
 * covers its revision with an allowed update (one new object),
 * the second passes pdf.signature with its signer and /M time; the result keeps both, in
 * file order.
 */
START_TEST(test_two_signers)
{
	struct px f;
	const struct popt first = {PKCS7, 1, ESS_NONE, 0, NULL, 0, "untrusted", "untrusted-root",
				   0,     0, NULL};
	const struct popt second = {PADES, 0, ESS_V2, 0, M_DATE, 0, 0, 0, 0, 0, NULL};
	struct bt_sb b = {0};
	size_t x, at, a, e;
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	signed_buf(&first, &b, &x);
	at = b.n;
	put_sig(&b, 4, &second, &a, &e);
	bt_sb_fmt(&b, "xref\n0 1\n0000000000 65535 f \n4 1\n%010zu 00000 n \n", at);
	bt_sb_fmt(&b, "trailer\n<< /Size 5 /Root 1 0 R /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", x,
		  e + strlen(" >>\nendobj\n"));
	fill_sig(&b, a, e, &second);
	path = bt_fmt("%s/two.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "two.pdf");
	ck_assert_int_eq(f.res.n_sigs, 2);
	ck_assert_int_eq(f.res.sigs[0].obj, 3);
	ck_assert_int_eq(f.res.sigs[0].status, COCO_PDF_SIG_UNANCHORED);
	ck_assert_ptr_nonnull(f.res.sigs[0].root);
	ck_assert_int_eq(f.res.sigs[0].whole, 0);
	ck_assert_int_eq(f.res.sigs[0].coverage, COCO_PDF_COVER_REVISION);
	ck_assert_int_eq(f.res.sigs[1].obj, 4);
	ck_assert_int_eq(f.res.sigs[1].status, COCO_PDF_SIG_VALID);
	ck_assert_int_eq(f.res.sigs[1].whole, 1);
	ck_assert_int_eq(f.res.sigs[1].time_from_m, 1);
	ck_assert_str_eq(f.res.sigs[1].signer_org, "Example Certification Body Ltd - TEST ONLY");
	hit = bt_find_status(f.r, "pdf.coverage", COCO_STATUS_PASS, "two.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit), "signature in object 3 ") &&
			  strstr(coco_finding_message(hit), "(1 new object)"),
		      "%s", bt_dump(f.r));
	hit = bt_find_status(f.r, "pdf.signature", COCO_STATUS_PASS, "two.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit), "signature in object 4 by "), "%s",
		      bt_dump(f.r));
	ck_assert_int_eq(f.res.sig_bad, 0);
	ck_assert_int_eq(f.res.sig_valid, 1);
	free(path), free(b.p);
	px_teardown(&f);
}
END_TEST

/* ---- updates after a signature: the difference analysis (pdf_diff.c) ------------------ */

#define PAGE_HEAD "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 5 0 R "
#define CAT_HEAD "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 7 0 R"
#define NEW_FIELD "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Third) /Rect [0 0 0 0] /P 3 0 R >>"

/* Inserts keys into the signature dictionary put_sig wrote at off, before its /ByteRange;
 * *a and *e (its placeholder) move with them. */
static void sig_keys(struct bt_sb *b, size_t off, const char *keys, size_t *a, size_t *e)
{
	char *br = strstr(b->p + off, " /ByteRange");
	size_t at, n = strlen(keys) + 1;
	struct bt_sb t = {0};

	ck_assert_ptr_nonnull(br);
	at = (size_t)(br - b->p);
	bt_sb_add(&t, b->p, at);
	bt_sb_fmt(&t, " %s", keys);
	bt_sb_add(&t, b->p + at, b->n - at);
	free(b->p);
	*b = t;
	*a += n, *e += n;
}

/*
 * A one-page document as signing tools leave it, signed (object 6) as o says, in b: the
 * catalogue (1) with a direct /AcroForm of two signature fields, the signed one (4, its
 * appearance 8) and an empty one (7), both widgets on the page (3); the content (5) and
 * /Info (9). *xref is where its cross-reference table starts. form_buf_with: with the
 * catalogue, page object 3 and more keys of the signature dictionary as given (NULL: as
 * above), and an object 10 when obj10 is not NULL (an indirect array, say). form_buf_doc:
 * as doc says.
 */
struct doc {
	const char *cat, *page, *field; /* objects 1, 3 and 4, or NULL: as above */
	const char *sig_extra;          /* more keys of the signature dictionary, or NULL */
	const char *const *more;        /* objects 10, 11 ... */
	size_t nmore;                   /* how many: up to 4 */
};

static void form_buf_doc(const struct popt *o, const struct doc *doc, struct bt_sb *b, size_t *xref)
{
	static const char *const body[] = {
	    NULL,
	    CAT_HEAD "] /SigFlags 3 >> >>",
	    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	    PAGE_HEAD "/Annots [4 0 R 7 0 R] >>",
	    "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Body) /V 6 0 R /Rect [0 0 10 10] /F "
	    "132 /P 3 0 R /AP << /N 8 0 R >> >>",
	    "<< /Length 42 >>\nstream\nBT /F1 18 Tf 72 760 Td (Certificate) Tj ET\nendstream",
	    NULL,
	    "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Second) /Rect [0 0 0 0] /P 3 0 R >>",
	    "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 0 >>\nstream\n\nendstream",
	    "<< /Title (Certificate - TEST ONLY) >>",
	    NULL};
	size_t off[14], a = 0, e = 0, i, n = 10 + doc->nmore;

	ck_assert_uint_le(doc->nmore, 4);

	bt_sb_str(b, "%PDF-1.7\n");
	for (i = 1; i < n; i++) {
		off[i] = b->n;
		if (i == 6)
			put_sig(b, 6, o, &a, &e);
		if (i == 6 && doc->sig_extra != NULL)
			sig_keys(b, off[6], doc->sig_extra, &a, &e);
		else if (i != 6) {
			bt_sb_fmt(b, "%zu 0 obj\n", i);
			bt_sb_str(b, i == 3 && doc->page    ? doc->page
				     : i == 1 && doc->cat   ? doc->cat
				     : i == 4 && doc->field ? doc->field
				     : i >= 10              ? doc->more[i - 10]
							    : body[i]);
			bt_sb_str(b, "\nendobj\n");
		}
	}
	*xref = b->n;
	bt_sb_fmt(b, "xref\n0 %zu\n0000000000 65535 f \n", n);
	for (i = 1; i < n; i++)
		bt_sb_fmt(b, "%010zu 00000 n \n", off[i]);
	bt_sb_fmt(b, "trailer\n<< /Size %zu /Root 1 0 R /Info 9 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
		  n, *xref);
	fill_sig(b, a, e, o);
}

static void form_buf_with(const struct popt *o, const char *cat, const char *page,
			  const char *sig_extra, const char *obj10, struct bt_sb *b, size_t *xref)
{
	const struct doc doc = {cat, page, NULL, sig_extra, &obj10, obj10 != NULL};

	form_buf_doc(o, &doc, b, xref);
}

static void form_buf(const struct popt *o, struct bt_sb *b, size_t *xref)
{
	form_buf_with(o, NULL, NULL, NULL, NULL, b, xref);
}

/* An incremental update: objects nums[i] with bodies[i] (up to 4), then a table and a
 * trailer with /Prev prev and the keys in trailer (NULL: /Root 1 0 R); *xref is where the
 * table starts. */
struct upd {
	long nums[4];
	const char *bodies[4];
	const char *trailer;
};

static void append_update(struct bt_sb *b, const struct upd *u, size_t prev, size_t *xref)
{
	size_t off[4], i, n;
	long size = 10;

	for (n = 0; n < 4 && u->bodies[n] != NULL; n++) {
		off[n] = b->n;
		bt_sb_fmt(b, "%ld 0 obj\n", u->nums[n]);
		bt_sb_str(b, u->bodies[n]);
		bt_sb_str(b, "\nendobj\n");
		size = u->nums[n] >= size ? u->nums[n] + 1 : size;
	}
	*xref = b->n;
	bt_sb_str(b, "xref\n0 1\n0000000000 65535 f \n");
	for (i = 0; i < n; i++)
		bt_sb_fmt(b, "%ld 1\n%010zu 00000 n \n", u->nums[i], off[i]);
	bt_sb_fmt(b, "trailer\n<< /Size %ld %s /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", size,
		  u->trailer ? u->trailer : "/Root 1 0 R", prev, *xref);
}

static const struct popt body_sig = {PADES, 0, ESS_V2, 0, M_DATE, 0, 0, 0, 0, 0, NULL};

/* Each update after the signature in object 6, and what the analysis makes of it: a
 * pdf.coverage pass (the signature stays valid, its updates listed) or failure (the
 * reason given). */
static const struct {
	const char *name;
	struct upd u;
	enum coco_status status;
	const char *message;
} updates[] = {
    {"dss",
     {{1, 10, 11},
      {CAT_HEAD "] /SigFlags 3 >> /DSS 10 0 R >>", "<< /Certs [11 0 R] /VRI << >> >>",
       "<< /Length 4 >>\nstream\nTEST\nendstream"},
      NULL},
     COCO_STATUS_PASS,
     "updates (the catalogue's /DSS; 2 new objects)"},
    {"info",
     {{9}, {"<< /Title (Certificate - TEST ONLY) /ModDate (D:20261001000000Z) >>"}, NULL},
     COCO_STATUS_PASS,
     "updates (the document information dictionary)"},
    {"new-field",
     {{1, 3, 10},
      {CAT_HEAD " 10 0 R] /SigFlags 3 >> >>", PAGE_HEAD "/Annots [4 0 R 7 0 R 10 0 R] >>",
       NEW_FIELD},
      NULL},
     COCO_STATUS_PASS,
     "updates (signature field 10 added; page object 3's /Annots; 1 new object)"},
    {"fill-field",
     {{7, 10},
      {"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Second) /Rect [0 0 0 0] /P 3 0 R /V "
       "10 0 R >>",
       "<< /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 /ByteRange [0 1 2 3] /Contents <00> "
       ">>"},
      NULL},
     COCO_STATUS_PASS,
     "updates (signature field 7 filled in; 1 new object)"},
    {"empty-field-appearance",
     {{1, 3, 10, 11},
      {CAT_HEAD " 10 0 R] /SigFlags 3 >> >>", PAGE_HEAD "/Annots [4 0 R 7 0 R 10 0 R] >>",
       "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Third) /Rect [0 0 99 99] /P 3 0 R /AP "
       "<< /N 11 0 R >> >>",
       "<< /Type /XObject /Subtype /Form /BBox [0 0 99 99] /Length 5 >>\nstream\nBT ET\n"
       "endstream"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as new empty signature field 10 has an appearance: only a signed field "
     "may draw on the page"},
    {"fill-unsigned",
     {{7, 10, 11},
      {"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Second) /Rect [0 0 0 0] /P 3 0 R /V "
       "10 0 R /AP << /N 11 0 R >> >>",
       "<< /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 >>",
       "<< /Type /XObject /Subtype /Form /BBox [0 0 99 99] /Length 5 >>\nstream\nBT ET\n"
       "endstream"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as the /V of signature field 7, object 10, has no /ByteRange: it signs "
     "nothing, so the field's appearance is no signature's"},
    {"page-content",
     {{5}, {"<< /Length 8 >>\nstream\nBT ET q \nendstream"}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 5, which the signed revision holds, changed"},
    {"annotation",
     {{3, 10},
      {PAGE_HEAD "/Annots [4 0 R 7 0 R 10 0 R] >>",
       "<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (Approved) >>"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 10, added to a page's /Annots, is not a signature field with "
     "its widget in one dictionary"},
    {"sneaky-appearance",
     {{4, 10},
      {"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Body) /V 6 0 R /Rect [0 0 10 10] /F "
       "132 /P 3 0 R /AP << /N 10 0 R >> >>",
       "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 0 >>\nstream\n\nendstream"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 4, which the signed revision holds, changed"},
    {"appearance-stream",
     {{8},
      {"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 5 >>\nstream\nBT ET\n"
       "endstream"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 8, which the signed revision holds, changed"},
    {"duplicate-key",
     {{3, 10},
      {PAGE_HEAD "/Annots [4 0 R 7 0 R] /Contents 10 0 R >>",
       "<< /Length 8 >>\nstream\nBT ET q \nendstream"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 3 holds the key /Contents twice: viewers differ on which "
     "value counts"},
    {"duplicate-catalogue-key",
     {{1, 10},
      {CAT_HEAD "] /SigFlags 3 >> /Pages 10 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 1 holds the key /Pages twice: viewers differ on which value "
     "counts"},
    {"catalogue-key",
     {{1}, {CAT_HEAD "] /SigFlags 3 >> /PageMode /FullScreen >>"}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as the catalogue's /PageMode changed"},
    {"root-changed",
     {{10}, {CAT_HEAD "] /SigFlags 3 >> >>"}, "/Root 10 0 R"},
     COCO_STATUS_FAIL,
     "not covered, as an update's trailer does not keep /Root 1 0 R, the signed revision's "
     "catalogue"},
};

/* The signed document with each update appended: the exact pdf.coverage finding for the
 * signature in object 6, and its coverage level. */
/* The document form_buf_with makes (cat, page, obj10 as it takes them) with update u after
 * it, scanned: the pdf.coverage finding for the signature in object 6 has status st and
 * contains message, and its coverage level and status follow; an allowed update also
 * leaves the signature passing. */
static void run_update(const char *name, const char *cat, const char *page, const char *obj10,
		       const struct upd *u, enum coco_status st, const char *message)
{
	struct px f;
	struct bt_sb b = {0};
	size_t x, x2;
	char *path;
	const struct coco_finding *hit;
	int pass = st == COCO_STATUS_PASS;

	px_setup(&f);
	form_buf_with(&body_sig, cat, page, NULL, obj10, &b, &x);
	append_update(&b, u, x, &x2);
	path = bt_fmt("%s/%s.pdf", f.tmp, name);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "u.pdf");
	hit = bt_find_status(f.r, "pdf.coverage", st, "u.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit), "signature in object 6 ") &&
			  strstr(coco_finding_message(hit), message),
		      "%s:\n%s", name, bt_dump(f.r));
	ck_assert_ptr_nonnull(f.res.sigs);
	ck_assert_int_eq(f.res.sigs[0].obj, 6);
	ck_assert_int_eq(f.res.sigs[0].coverage,
			 pass ? COCO_PDF_COVER_REVISION : COCO_PDF_COVER_NONE);
	ck_assert_int_eq(f.res.sigs[0].status, pass ? COCO_PDF_SIG_VALID : COCO_PDF_SIG_BAD);
	if (pass)
		ck_assert_msg(bt_find_status(f.r, "pdf.coverage", COCO_STATUS_FAIL, "u.pdf") ==
				      NULL &&
				  bt_find_status(f.r, "pdf.signature", COCO_STATUS_PASS, "u.pdf"),
			      "%s:\n%s", name, bt_dump(f.r));
	free(path), free(b.p);
	px_teardown(&f);
}

START_TEST(test_update)
{
	run_update(updates[_i].name, NULL, NULL, NULL, &updates[_i].u, updates[_i].status,
		   updates[_i].message);
}
END_TEST

/* The same document with its page's /Annots (or the form's /Fields) an indirect array,
 * object 10, as pdfsig writes it; each update appends to it, and what the analysis makes
 * of it. */
#define IND_FIELD(p) "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Third) /Rect [0 0 0 0] " p " >>"
#define IND_CAT CAT_HEAD " 11 0 R] /SigFlags 3 >> >>"
static const struct {
	const char *name;
	const char *cat, *page; /* the signed revision's catalogue and page (NULL: as usual) */
	struct upd u;
	enum coco_status status;
	const char *message;
} indirect[] = {
    {"annots-appended",
     NULL,
     PAGE_HEAD "/Annots 10 0 R >>",
     {{1, 10, 11}, {IND_CAT, "[4 0 R 7 0 R 11 0 R]", IND_FIELD("/P 3 0 R")}, NULL},
     COCO_STATUS_PASS,
     "updates (signature field 11 added; page object 3's /Annots (object 10); 1 new object)"},
    {"annots-other-page",
     NULL,
     PAGE_HEAD "/Annots 10 0 R >>",
     {{1, 10, 11}, {IND_CAT, "[4 0 R 7 0 R 11 0 R]", IND_FIELD("/P 2 0 R")}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 10, an array the signed revision holds, changed"},
    {"annots-no-page",
     NULL,
     PAGE_HEAD "/Annots 10 0 R >>",
     {{1, 10, 11}, {IND_CAT, "[4 0 R 7 0 R 11 0 R]", IND_FIELD("")}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 10, an array the signed revision holds, changed"},
    {"annots-replaced",
     NULL,
     PAGE_HEAD "/Annots 10 0 R >>",
     {{1, 10, 11}, {IND_CAT, "[4 0 R 11 0 R]", IND_FIELD("/P 3 0 R")}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 10, an array the signed revision holds, changed"},
    {"annots-text",
     NULL,
     PAGE_HEAD "/Annots 10 0 R >>",
     {{10, 11},
      {"[4 0 R 7 0 R 11 0 R]",
       "<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /P 3 0 R /Contents (Approved) >>"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 11, added to a page's /Annots, is not a signature field with "
     "its widget in one dictionary"},
    {"fields-appended",
     "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields 10 0 R /SigFlags 3 >> >>",
     NULL,
     {{3, 10, 11},
      {PAGE_HEAD "/Annots [4 0 R 7 0 R 11 0 R] >>", "[4 0 R 7 0 R 11 0 R]", IND_FIELD("/P 3 0 R")},
      NULL},
     COCO_STATUS_PASS,
     "updates (page object 3's /Annots; signature field 11 added; 1 new object)"},
    {"fields-not-a-field",
     "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields 10 0 R /SigFlags 3 >> >>",
     NULL,
     {{10, 11}, {"[4 0 R 7 0 R 11 0 R]", "<< /FT /Tx /T (Name) /V (Mallory) >>"}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 11, added to /AcroForm /Fields, is not a signature field with "
     "its widget in one dictionary"},
};

/* A DSS in the signed revision whose part is object 10, and updates to it: a DSS part may
 * take only what a DSS holds (ETSI EN 319 142-1 5.4.2), so that a document prepared with
 * its DSS's array as a page's /Annots, or its /VRI as the page's /Resources, cannot be
 * changed through them. */
#define DSS_CAT(k) CAT_HEAD "] /SigFlags 3 >> /DSS << /Type /DSS " k " 10 0 R >> >>"
#define SHA1_40 "/0123456789ABCDEF0123456789ABCDEF01234567"
static const struct {
	const char *name;
	const char *cat, *page, *obj10;
	struct upd u;
	enum coco_status status;
	const char *message;
} dss_cases[] = {
    {"certs-appended",
     DSS_CAT("/Certs"),
     NULL,
     "[]",
     {{10, 11}, {"[11 0 R]", "<< /Length 4 >>\nstream\nCERT\nendstream"}, NULL},
     COCO_STATUS_PASS,
     "updates (the DSS; 1 new object)"},
    {"certs-annots",
     DSS_CAT("/Certs"),
     PAGE_HEAD "/Annots 10 0 R >>",
     "[4 0 R 7 0 R]",
     {{10, 11},
      {"[4 0 R 7 0 R 11 0 R]",
       "<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (Approved) >>"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as the DSS's array (object 10) takes object 11, which is not a stream"},
    {"certs-old-object",
     DSS_CAT("/Certs"),
     NULL,
     "[]",
     {{10}, {"[5 0 R]"}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as the DSS's array (object 10) takes object 5 of the signed revision"},
    {"vri-entry",
     DSS_CAT("/VRI"),
     NULL,
     "<< >>",
     {{10}, {"<< " SHA1_40 " << /Cert [] >> >>"}, NULL},
     COCO_STATUS_PASS,
     "updates (the DSS)"},
    {"vri-resources",
     DSS_CAT("/VRI"),
     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 5 0 R /Resources "
     "10 0 R /Annots [4 0 R 7 0 R] >>",
     "<< >>",
     {{10, 11},
      {"<< /XObject << /Im0 11 0 R >> >>",
       "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
       "/BitsPerComponent 8 /Length 1 >>\nstream\n\x01\nendstream"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as the DSS's /VRI (object 10) changes /XObject, which is not a "
     "signature's SHA-1 with its dictionary"},
};

START_TEST(test_dss_parts)
{
	run_update(dss_cases[_i].name, dss_cases[_i].cat, dss_cases[_i].page, dss_cases[_i].obj10,
		   &dss_cases[_i].u, dss_cases[_i].status, dss_cases[_i].message);
}
END_TEST

START_TEST(test_indirect)
{
	run_update(indirect[_i].name, indirect[_i].cat, indirect[_i].page, "[4 0 R 7 0 R]",
		   &indirect[_i].u, indirect[_i].status, indirect[_i].message);
}
END_TEST

/* A trailer trick: an update whose table lists every object again, the page's content
 * replaced, with no /Prev, so that the signed revision's cross-reference is never read. */
START_TEST(test_prev_trick)
{
	struct px f;
	struct bt_sb b = {0};
	char tab[30 + 20 * 9];
	size_t x, at, y;
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	form_buf(&body_sig, &b, &x);
	memcpy(tab, b.p + x, sizeof(tab)); /* "xref\n0 10\n" and ten 20-byte entries */
	at = b.n;
	bt_sb_str(&b, "5 0 obj\n<< /Length 5 >>\nstream\nBT ET\nendstream\nendobj\n");
	y = b.n;
	snprintf(tab + 30 + 20 * 4, 11, "%010zu", at);
	tab[30 + 20 * 4 + 10] = ' ';
	bt_sb_add(&b, tab, sizeof(tab));
	bt_sb_fmt(&b, "trailer\n<< /Size 10 /Root 1 0 R /Info 9 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
		  y);
	path = bt_fmt("%s/trick.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "trick.pdf");
	hit = bt_find_status(f.r, "pdf.coverage", COCO_STATUS_FAIL, "trick.pdf");
	ck_assert_msg(
	    hit && strstr(coco_finding_message(hit), "signature in object 6 covers bytes 0..") &&
		strstr(coco_finding_message(hit),
		       "not covered, as the /Prev chain does not lead to the signed "
		       "revision's cross-reference at byte offset"),
	    "%s", bt_dump(f.r));
	ck_assert_int_eq(f.res.sigs[0].coverage, COCO_PDF_COVER_NONE);
	free(path), free(b.p);
	px_teardown(&f);
}
END_TEST

/* A second signature, the body's again, in a new field (object 10, its dictionary 11)
 * added to the form and the page: the first covers its revision with that update listed,
 * the second the entire file, and the document passes. */
START_TEST(test_second_signature)
{
	static const char *const body[] = {
	    CAT_HEAD " 10 0 R] /SigFlags 3 >> >>", PAGE_HEAD "/Annots [4 0 R 7 0 R 10 0 R] >>",
	    "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Third) /Rect [0 0 0 0] /P 3 0 R /V 11 "
	    "0 R >>"};
	static const long nums[] = {1, 3, 10, 11};
	struct px f;
	struct bt_sb b = {0};
	size_t x, y, a, e, off[4], i;
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	form_buf(&body_sig, &b, &x);
	for (i = 0; i < 3; i++) {
		off[i] = b.n;
		bt_sb_fmt(&b, "%ld 0 obj\n%s\nendobj\n", nums[i], body[i]);
	}
	off[3] = b.n;
	put_sig(&b, 11, &body_sig, &a, &e);
	y = b.n;
	bt_sb_str(&b, "xref\n0 1\n0000000000 65535 f \n");
	for (i = 0; i < 4; i++)
		bt_sb_fmt(&b, "%ld 1\n%010zu 00000 n \n", nums[i], off[i]);
	bt_sb_fmt(&b,
		  "trailer\n<< /Size 12 /Root 1 0 R /Info 9 0 R /Prev %zu >>\nstartxref\n%zu\n"
		  "%%%%EOF\n",
		  x, y);
	fill_sig(&b, a, e, &body_sig);
	path = bt_fmt("%s/second.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "second.pdf");
	ck_assert_int_eq(f.res.n_sigs, 2);
	ck_assert_int_eq(f.res.sigs[0].status, COCO_PDF_SIG_VALID);
	ck_assert_int_eq(f.res.sigs[0].coverage, COCO_PDF_COVER_REVISION);
	ck_assert_int_eq(f.res.sigs[0].updates_draw, 0); /* the new field has no /AP */
	ck_assert_int_eq(f.res.sigs[1].obj, 11);
	ck_assert_int_eq(f.res.sigs[1].status, COCO_PDF_SIG_VALID);
	ck_assert_int_eq(f.res.sigs[1].coverage, COCO_PDF_COVER_FILE);
	hit = bt_find_status(f.r, "pdf.coverage", COCO_STATUS_PASS, "second.pdf");
	ck_assert_msg(hit &&
			  strstr(coco_finding_message(hit),
				 "signature in object 6 covers the entire revision with allowed "
				 "updates") &&
			  strstr(coco_finding_message(hit),
				 "(signature field 10 added; page object "
				 "3's /Annots; 2 new objects)"),
		      "%s", bt_dump(f.r));
	ck_assert_msg(coco_report_verdict(f.r) == COCO_VERDICT_PASSED, "%s", bt_dump(f.r));
	free(path), free(b.p);
	px_teardown(&f);
}
END_TEST

/* A dangling reference in the signed revision (its page lists annotation 12, which does
 * not exist) that an update fills in: the new object is refused. */
START_TEST(test_dangling_ref)
{
	static const struct upd u = {
	    {12},
	    {"<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (Approved) >>"},
	    NULL};
	struct px f;
	struct bt_sb b = {0};
	size_t x, y;
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	form_buf_with(&body_sig, NULL, PAGE_HEAD "/Annots [4 0 R 7 0 R 12 0 R] >>", NULL, NULL, &b,
		      &x);
	append_update(&b, &u, x, &y);
	path = bt_fmt("%s/dangling.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "dangling.pdf");
	hit = bt_find_status(f.r, "pdf.coverage", COCO_STATUS_FAIL, "dangling.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit),
				    "not covered, as object 12, which an update adds, is referred "
				    "to by the signed revision"),
		      "%s", bt_dump(f.r));
	ck_assert_int_eq(f.res.sigs[0].coverage, COCO_PDF_COVER_NONE);
	free(path), free(b.p);
	px_teardown(&f);
}
END_TEST

/* Two updates: a DSS, then the same DSS (object 10) written again with more, as LTV tools
 * do; the first update's catalogue refers to an object the second defines, and both are
 * allowed. */
START_TEST(test_two_updates)
{
	static const struct upd one = {
	    {1, 10},
	    {CAT_HEAD "] /SigFlags 3 >> /DSS 10 0 R >>", "<< /Certs [] /VRI << >> >>"},
	    NULL};
	static const struct upd two = {
	    {10, 11},
	    {"<< /Certs [11 0 R] /VRI << >> >>", "<< /Length 4 >>\nstream\nTEST\nendstream"},
	    NULL};
	struct px f;
	struct bt_sb b = {0};
	size_t x, y, z;
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	form_buf(&body_sig, &b, &x);
	append_update(&b, &one, x, &y);
	append_update(&b, &two, y, &z);
	path = bt_fmt("%s/twice.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "twice.pdf");
	hit = bt_find_status(f.r, "pdf.coverage", COCO_STATUS_PASS, "twice.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit), "(the catalogue's /DSS; 2 new "
							       "objects)"),
		      "%s", bt_dump(f.r));
	ck_assert_int_eq(f.res.sigs[0].coverage, COCO_PDF_COVER_REVISION);
	ck_assert_int_eq(f.res.sigs[0].status, COCO_PDF_SIG_VALID);
	free(path), free(b.p);
	px_teardown(&f);
}
END_TEST

/* An update as tools that write object streams make it: the catalogue, the page (its
 * /MediaBox of real numbers, written the same) and a new signature field (10) in an object
 * stream (11), listed by an xref stream (12) with /Prev. Allowed, as in a table. */
START_TEST(test_objstm_update)
{
	static const char *const objs[] = {
	    CAT_HEAD " 10 0 R] /SigFlags 3 >> >>",
	    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.280 841.89] /Contents 5 0 R "
	    "/Annots [4 0 R 7 0 R 10 0 R] >>",
	    NEW_FIELD};
	static const long nums[] = {1, 3, 10};
	struct px f;
	struct bt_sb b = {0}, head = {0}, body = {0};
	size_t x, i, at, xs;
	unsigned char row[7];
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	form_buf(&body_sig, &b, &x);
	for (i = 0; i < 3; i++) {
		bt_sb_fmt(&head, "%ld %zu ", nums[i], body.n);
		bt_sb_fmt(&body, "%s\n", objs[i]);
	}
	at = b.n;
	bt_sb_fmt(&b, "11 0 obj\n<< /Type /ObjStm /N 3 /First %zu /Length %zu >>\nstream\n", head.n,
		  head.n + body.n);
	bt_sb_add(&b, head.p, head.n);
	bt_sb_add(&b, body.p, body.n);
	bt_sb_str(&b, "\nendstream\nendobj\n");
	xs = b.n;
	bt_sb_fmt(&b,
		  "12 0 obj\n<< /Type /XRef /Size 13 /W [1 4 2] /Index [1 1 3 1 10 3] /Root 1 0 R "
		  "/Info 9 0 R /Prev %zu /Length 35 >>\nstream\n",
		  x);
	for (i = 0; i < 5; i++) {
		size_t off = i == 3 ? at : i == 4 ? xs : 11, idx = i < 2 ? i : i == 2 ? 2 : 0;
		row[0] = i < 3 ? 2 : 1;
		row[1] = (unsigned char)(off >> 24), row[2] = (unsigned char)(off >> 16);
		row[3] = (unsigned char)(off >> 8), row[4] = (unsigned char)off;
		row[5] = 0, row[6] = (unsigned char)idx;
		bt_sb_add(&b, row, sizeof(row));
	}
	bt_sb_fmt(&b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xs);
	path = bt_fmt("%s/objstm.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "objstm.pdf");
	hit = bt_find_status(f.r, "pdf.coverage", COCO_STATUS_PASS, "objstm.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit),
				    "(signature field 10 added; page object 3's /Annots; 3 new "
				    "objects)"),
		      "%s", bt_dump(f.r));
	ck_assert_int_eq(f.res.sigs[0].coverage, COCO_PDF_COVER_REVISION);
	ck_assert_int_eq(f.res.sigs[0].status, COCO_PDF_SIG_VALID);
	free(path), free(b.p), free(head.p), free(body.p);
	px_teardown(&f);
}
END_TEST

/* A certified document (DocMDP /P 1: no changes) takes LTV data but no new signature;
 * /P 2 and /P 3, and an uncertified document, take form filling (ISO 32000-2 12.8.2.2),
 * unless the signature's FieldMDP transform locks the field. text: the document also has
 * a text field (10, named "Name", on the page and in the form) and a font in the form's
 * /DR (2: the field is read-only); lock: the signature's FieldMDP /TransformParams keys,
 * or NULL. */
#define HELV "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
#define FORM_CAT(fonts, acro, perms)                                                               \
	CAT_HEAD " 10 0 R] /SigFlags 3 /DR << /Font << /Helv " HELV fonts " >> >>" acro            \
		 " >>" perms " >>"
#define COURIER "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"
#define PERMS " /Perms << /DocMDP 6 0 R >>"
#define TEXT_AT(rect, extra)                                                                       \
	"<< /Type /Annot /Subtype /Widget /FT /Tx /T (Name) /Rect [" rect "] /F 4 /P 3 0 R /DA "   \
	"(/Helv 12 Tf 0 g)" extra " >>"
#define TEXT_RECT "20 700 200 720"
#define FILLED TEXT_AT(TEXT_RECT, " /V (Alice) /AP << /N 11 0 R >>")
#define AP11                                                                                       \
	"<< /Type /XObject /Subtype /Form /BBox [0 0 180 20] /Length 28 >>\nstream\n/Tx BMC BT "   \
	"(Alice) Tj ET EMC\nendstream"
/* clang-format off */
#define FILL {{10, 11}, {FILLED, AP11}, NULL}
#define SIGN7 {{7, 10}, {"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Second) /Rect [0 0 0 0] " \
	"/P 3 0 R /V 10 0 R >>", "<< /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 /ByteRange " \
	"[0 1 2 3] /Contents <00> >>"}, NULL}
/* clang-format on */
#define LOCKED                                                                                     \
	"not covered, as form field 10 is locked by the signature's FieldMDP transform, yet it "   \
	"changed"
static const struct {
	const char *name;
	struct upd u;
	enum coco_status status;
	const char *message;
	int p;            /* the DocMDP /P, or 0: not certified */
	int text;         /* the document has the text field and /DR; 2: the field read-only */
	const char *lock; /* FieldMDP: the transform's parameters, or NULL */
} certified[] = {
    {"dss",
     {{1, 10},
      {CAT_HEAD "] /SigFlags 3 >> /Perms << /DocMDP 6 0 R >> /DSS 10 0 R >>", "<< /Certs [] >>"},
      NULL},
     COCO_STATUS_PASS,
     "(the catalogue's /DSS; 1 new object)",
     1,
     0,
     NULL},
    {"second-signature",
     {{7, 10},
      {"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Second) /Rect [0 0 0 0] /P 3 0 R /V "
       "10 0 R >>",
       "<< /Type /Sig /SubFilter /ETSI.CAdES.detached >>"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as the document is certified with no changes allowed (DocMDP /P 1), yet "
     "signature field 7 holds a new signature",
     1,
     0,
     NULL},
    {"info",
     {{9}, {"<< /Title (Changed) >>"}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as the document is certified with no changes allowed (DocMDP /P 1), yet "
     "object 9, the document's metadata, changed",
     1,
     0,
     NULL},
    {"p2-fill", FILL, COCO_STATUS_PASS, "(text field 10 filled in; 1 new object)", 2, 1, NULL},
    {"p3-fill", FILL, COCO_STATUS_PASS, "(text field 10 filled in; 1 new object)", 3, 1, NULL},
    {"approval-fill", FILL, COCO_STATUS_PASS, "(text field 10 filled in; 1 new object)", 0, 1,
     NULL},
    {"p1-fill", FILL, COCO_STATUS_FAIL,
     "not covered, as the document is certified with no changes allowed (DocMDP /P 1), yet "
     "form field 10 was filled in",
     1, 1, NULL},
    {"p2-need-appearances",
     {{1, 10, 11}, {FORM_CAT("", " /NeedAppearances true", PERMS), FILLED, AP11}, NULL},
     COCO_STATUS_PASS,
     "(the /AcroForm's /NeedAppearances; text field 10 filled in; 1 new object)",
     2,
     1,
     NULL},
    {"p2-rect",
     {{10, 11}, {TEXT_AT("0 0 595 842", " /V (Alice) /AP << /N 11 0 R >>"), AP11}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as form field 10's /Rect changed as it was filled in",
     2,
     1,
     NULL},
    {"p2-sneaky-signature-appearance",
     {{4, 10, 11, 12},
      {"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Body) /V 6 0 R /Rect [0 0 10 10] /F "
       "132 /P 3 0 R /AP << /N 12 0 R >> >>",
       FILLED, AP11,
       "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 5 >>\nstream\nBT ET\n"
       "endstream"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 4, which the signed revision holds, changed",
     2,
     1,
     NULL},
    {"p2-appearance-reused",
     {{10}, {TEXT_AT(TEXT_RECT, " /V (Alice) /AP << /N 8 0 R >>")}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as the new appearance of form field 10 uses objects of the signed revision",
     2,
     1,
     NULL},
    {"p3-annotation",
     {{3, 11},
      {PAGE_HEAD "/Annots [4 0 R 7 0 R 10 0 R 11 0 R] >>",
       "<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (Approved) >>"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 11, added to a page's /Annots, is not a signature field with "
     "its widget in one dictionary",
     3,
     1,
     NULL},
    {"p2-value-reused",
     {{10}, {TEXT_AT(TEXT_RECT, " /V 5 0 R")}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as the new /V of form field 10 uses objects of the signed revision",
     2,
     1,
     NULL},
    {"p2-read-only",
     {{10, 11}, {TEXT_AT(TEXT_RECT, " /Ff 1 /V (Alice) /AP << /N 11 0 R >>"), AP11}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as form field 10 is read-only (/Ff), yet it changed",
     2,
     2,
     NULL},
    {"lock-include", FILL, COCO_STATUS_FAIL, LOCKED, 0, 1, "/Action /Include /Fields [(Name)]"},
    {"lock-signature-field", SIGN7, COCO_STATUS_FAIL,
     "not covered, as form field 7 is locked by the signature's FieldMDP transform, yet it "
     "changed",
     0, 0, "/Action /Include /Fields [(Second)]"},
    {"lock-other-signature-field", SIGN7, COCO_STATUS_PASS,
     "(signature field 7 filled in; 1 new object)", 0, 0, "/Action /Include /Fields [(Name)]"},
    {"lock-all", FILL, COCO_STATUS_FAIL, LOCKED, 2, 1, "/Action /All"},
    {"lock-exclude", FILL, COCO_STATUS_PASS, "(text field 10 filled in; 1 new object)", 0, 1,
     "/Action /Exclude /Fields [(Name)]"},
    {"dr-font-added",
     {{1, 11},
      {FORM_CAT(" /ZaDb 11 0 R", "", PERMS),
       "<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>"},
      NULL},
     COCO_STATUS_PASS,
     "(resources added to the /AcroForm's /DR; 1 new object)",
     2,
     1,
     NULL},
    {"dr-font-changed",
     {{1}, {CAT_HEAD " 10 0 R] /SigFlags 3 /DR << /Font << /Helv " COURIER " >> >> >> >>"}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as the /AcroForm's /DR /Font /Helv changed: resources may only be added",
     0,
     1,
     NULL},
    {"dr-font-reused",
     {{1}, {FORM_CAT(" /ZaDb 5 0 R", "", "")}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as the /AcroForm's /DR /Font /ZaDb, which an update adds, uses objects of "
     "the signed revision",
     0,
     1,
     NULL},
    {"dr-font-twice",
     {{1}, {FORM_CAT(" /Helv " COURIER, "", "")}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 1 holds the key /Helv twice: viewers differ on which value "
     "counts",
     0,
     1,
     NULL},
    {"dr-procset",
     {{1},
      {CAT_HEAD " 10 0 R] /SigFlags 3 /DR << /Font << /Helv " HELV " >> /ProcSet [/PDF] >> >> "
		">>"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as the /AcroForm's /DR /ProcSet changed: only fonts may be added",
     0,
     1,
     NULL},
    {"p1-dr-font-added",
     {{1, 11},
      {FORM_CAT(" /ZaDb 11 0 R", "", PERMS),
       "<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as the document is certified with no changes allowed (DocMDP /P 1), yet "
     "the /AcroForm's /DR changed",
     1,
     1,
     NULL},
};

/* The signature dictionary's /Reference for row i: its DocMDP and FieldMDP transforms. */
static char *reference(size_t i)
{
	char *mdp = bt_fmt("<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type "
			   "/TransformParams /P %d /V /1.2 >> >>",
			   certified[i].p);
	char *lock = bt_fmt("<< /Type /SigRef /TransformMethod /FieldMDP /TransformParams << "
			    "/Type /TransformParams %s /V /1.2 >> >>",
			    certified[i].lock ? certified[i].lock : "");
	char *r =
	    bt_fmt("/Reference [%s %s]", certified[i].p ? mdp : "", certified[i].lock ? lock : "");

	free(mdp), free(lock);
	return r;
}

START_TEST(test_certified)
{
	struct px f;
	struct bt_sb b = {0};
	size_t x, y;
	char *path, *ref = reference((size_t)_i), *cat;
	const struct coco_finding *hit;
	int text = certified[_i].text;

	px_setup(&f);
	cat = text ? bt_fmt(FORM_CAT("", "", "%s"), certified[_i].p ? PERMS : "")
		   : bt_fmt(CAT_HEAD "] /SigFlags 3 >>%s >>", certified[_i].p ? PERMS : "");
	form_buf_with(&body_sig, cat, text ? PAGE_HEAD "/Annots [4 0 R 7 0 R 10 0 R] >>" : NULL,
		      ref,
		      text == 2 ? TEXT_AT(TEXT_RECT, " /Ff 1")
		      : text    ? TEXT_AT(TEXT_RECT, "")
				: NULL,
		      &b, &x);
	append_update(&b, &certified[_i].u, x, &y);
	path = bt_fmt("%s/%s.pdf", f.tmp, certified[_i].name);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "c.pdf");
	hit = bt_find_status(f.r, "pdf.coverage", certified[_i].status, "c.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit), "signature in object 6 ") &&
			  strstr(coco_finding_message(hit), certified[_i].message),
		      "%s:\n%s", certified[_i].name, bt_dump(f.r));
	ck_assert_int_eq(f.res.sigs[0].coverage, certified[_i].status == COCO_STATUS_PASS
						     ? COCO_PDF_COVER_REVISION
						     : COCO_PDF_COVER_NONE);
	ck_assert_int_eq(f.res.sigs[0].status, certified[_i].status == COCO_STATUS_PASS
						   ? COCO_PDF_SIG_VALID
						   : COCO_PDF_SIG_BAD);
	free(path), free(b.p), free(ref), free(cat);
	px_teardown(&f);
}
END_TEST

/* A radio button field (10) whose widget (11) is an object of its own, with the two
 * appearances of its states (12, 13), in an uncertified document: choosing sets the
 * field's /V and the widget's /AS; the widget's other keys, its appearance streams and a
 * field its signature locks stay as signed. */
#define RADIO_KID(extra)                                                                           \
	"<< /Type /Annot /Subtype /Widget /Parent 10 0 R /P 3 0 R /AP << /N << /A 12 0 R /Off 13 " \
	"0 R >> >>" extra " >>"
static const struct {
	const char *name;
	struct upd u;
	enum coco_status status;
	const char *message;
	const char *lock; /* FieldMDP: the transform's parameters, or NULL */
} radio[] = {
    {"chosen",
     {{10, 11},
      {"<< /FT /Btn /Ff 49152 /T (Choice) /Kids [11 0 R] /V /A >>",
       RADIO_KID(" /Rect [20 650 40 670] /AS /A")},
      NULL},
     COCO_STATUS_PASS,
     "(button field 10 filled in; widget 11 of button field 10)",
     NULL},
    {"widget-moved",
     {{11}, {RADIO_KID(" /Rect [0 0 595 842] /AS /A")}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as form field 11's /Rect changed as it was filled in",
     NULL},
    {"state-appearance-rewritten",
     {{12},
      {"<< /Type /XObject /Subtype /Form /BBox [0 0 20 20] /Length 6 >>\nstream\nBT ET \n"
       "endstream"},
      NULL},
     COCO_STATUS_FAIL,
     "not covered, as object 12, which the signed revision holds, changed",
     NULL},
    {"locked",
     {{11}, {RADIO_KID(" /Rect [20 650 40 670] /AS /A")}, NULL},
     COCO_STATUS_FAIL,
     "not covered, as form field 10 is locked by the signature's FieldMDP transform, yet it "
     "changed",
     "/Action /Include /Fields [(Choice)]"},
};

START_TEST(test_radio)
{
	static const char *const more[] = {
	    "<< /FT /Btn /Ff 49152 /T (Choice) /Kids [11 0 R] >>",
	    RADIO_KID(" /Rect [20 650 40 670] /AS /Off"),
	    "<< /Type /XObject /Subtype /Form /BBox [0 0 20 20] /Length 5 >>\nstream\nBT ET\n"
	    "endstream",
	    "<< /Type /XObject /Subtype /Form /BBox [0 0 20 20] /Length 0 >>\nstream\n\nendstream"};
	struct px f;
	struct bt_sb b = {0};
	size_t x, y;
	char *path, *lock = NULL;
	const struct coco_finding *hit;
	int pass = radio[_i].status == COCO_STATUS_PASS;
	struct doc doc = {CAT_HEAD " 10 0 R] /SigFlags 3 >> >>",
			  PAGE_HEAD "/Annots [4 0 R 7 0 R 11 0 R] >>",
			  NULL,
			  NULL,
			  more,
			  4};

	px_setup(&f);
	if (radio[_i].lock != NULL)
		lock = bt_fmt("/Reference [<< /Type /SigRef /TransformMethod /FieldMDP "
			      "/TransformParams << /Type /TransformParams %s /V /1.2 >> >>]",
			      radio[_i].lock);
	doc.sig_extra = lock;
	form_buf_doc(&body_sig, &doc, &b, &x);
	append_update(&b, &radio[_i].u, x, &y);
	path = bt_fmt("%s/radio-%s.pdf", f.tmp, radio[_i].name);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "r.pdf");
	hit = bt_find_status(f.r, "pdf.coverage", radio[_i].status, "r.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit), "signature in object 6 ") &&
			  strstr(coco_finding_message(hit), radio[_i].message),
		      "%s:\n%s", radio[_i].name, bt_dump(f.r));
	ck_assert_int_eq(f.res.sigs[0].coverage,
			 pass ? COCO_PDF_COVER_REVISION : COCO_PDF_COVER_NONE);
	ck_assert_int_eq(f.res.sigs[0].status, pass ? COCO_PDF_SIG_VALID : COCO_PDF_SIG_BAD);
	free(path), free(b.p), free(lock);
	px_teardown(&f);
}
END_TEST

/* The signed field's own /Lock (ISO 32000-2 12.7.5.5; object 11) in the document with the
 * text field (10): it locks fields as a FieldMDP transform does, and its /P (PDF 2.0)
 * lowers the permissions in effect, even of an uncertified document; a higher /P than the
 * certification's is ignored. */
/* clang-format off */
#define FILL12 {{10, 12}, {TEXT_AT(TEXT_RECT, " /V (Alice) /AP << /N 12 0 R >>"), AP11}, NULL}
/* clang-format on */
static const struct {
	const char *name;
	const char *lock; /* object 11, the signature field's /Lock */
	int p;            /* the DocMDP /P, or 0: not certified */
	struct upd u;
	enum coco_status status;
	const char *message;
} field_locks[] = {
    {"p1-fill", "<< /Type /SigFieldLock /Action /Include /Fields [] /P 1 >>", 0, FILL12,
     COCO_STATUS_FAIL,
     "not covered, as the signature's field lock allows no changes (/Lock /P 1), yet form field "
     "10 was filled in"},
    {"p1-dss",
     "<< /Type /SigFieldLock /Action /Include /Fields [] /P 1 >>",
     0,
     {{1, 12}, {FORM_CAT("", "", " /DSS 12 0 R"), "<< /Certs [] >>"}, NULL},
     COCO_STATUS_PASS,
     "(the catalogue's /DSS; 1 new object)"},
    {"p2-fill", "<< /Type /SigFieldLock /Action /Include /Fields [(Other)] /P 2 >>", 0, FILL12,
     COCO_STATUS_PASS, "(text field 10 filled in; 1 new object)"},
    {"include", "<< /Type /SigFieldLock /Action /Include /Fields [(Name)] >>", 0, FILL12,
     COCO_STATUS_FAIL, LOCKED},
    {"all", "<< /Type /SigFieldLock /Action /All >>", 2, FILL12, COCO_STATUS_FAIL, LOCKED},
    {"certified-p1-lock-p3", "<< /Type /SigFieldLock /Action /Include /Fields [] /P 3 >>", 1,
     FILL12, COCO_STATUS_FAIL,
     "not covered, as the document is certified with no changes allowed (DocMDP /P 1), yet "
     "form field 10 was filled in"},
};

START_TEST(test_field_lock)
{
	const char *more[] = {TEXT_AT(TEXT_RECT, ""), field_locks[_i].lock};
	struct px f;
	struct bt_sb b = {0};
	size_t x, y;
	char *path, *cat, *mdp = NULL;
	const struct coco_finding *hit;
	int pass = field_locks[_i].status == COCO_STATUS_PASS;
	struct doc doc = {
	    NULL,
	    PAGE_HEAD "/Annots [4 0 R 7 0 R 10 0 R] >>",
	    "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Body) /V 6 0 R /Rect [0 0 10 "
	    "10] /F 132 /P 3 0 R /AP << /N 8 0 R >> /Lock 11 0 R >>",
	    NULL,
	    more,
	    2};

	px_setup(&f);
	cat = bt_fmt(FORM_CAT("", "", "%s"), field_locks[_i].p ? PERMS : "");
	if (field_locks[_i].p)
		mdp =
		    bt_fmt("/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams "
			   "<< /Type /TransformParams /P %d /V /1.2 >> >>]",
			   field_locks[_i].p);
	doc.cat = cat, doc.sig_extra = mdp;
	form_buf_doc(&body_sig, &doc, &b, &x);
	append_update(&b, &field_locks[_i].u, x, &y);
	path = bt_fmt("%s/lock-%s.pdf", f.tmp, field_locks[_i].name);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "l.pdf");
	hit = bt_find_status(f.r, "pdf.coverage", field_locks[_i].status, "l.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit), "signature in object 6 ") &&
			  strstr(coco_finding_message(hit), field_locks[_i].message),
		      "%s:\n%s", field_locks[_i].name, bt_dump(f.r));
	ck_assert_int_eq(f.res.sigs[0].coverage,
			 pass ? COCO_PDF_COVER_REVISION : COCO_PDF_COVER_NONE);
	ck_assert_int_eq(f.res.sigs[0].status, pass ? COCO_PDF_SIG_VALID : COCO_PDF_SIG_BAD);
	free(path), free(b.p), free(cat), free(mdp);
	px_teardown(&f);
}
END_TEST

/* A document prepared so that its catalogue's /Metadata names the page's content stream
 * (5): a later change to that stream is no metadata update. */
/* Seconds on the monotonic clock (an elapsed-time bound, not a date). */
static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* An object of the signed revision with a large dictionary (60,000 keys), rewritten by an
 * update with its last value changed: comparing the two is not quadratic in its keys (it
 * took seconds), and the change is refused. */
START_TEST(test_big_dict)
{
	struct px f;
	struct bt_sb b = {0}, d = {0}, d2 = {0};
	size_t x, x2, i;
	char *path;
	struct upd u = {{10}, {NULL}, NULL};
	double t0;

	px_setup(&f);
	bt_sb_str(&d, "<<");
	for (i = 0; i < 60000; i++)
		bt_sb_fmt(&d, " /K%zu %zu", i, i);
	bt_sb_add(&d2, d.p, d.n);
	bt_sb_str(&d, " /Last 1 >>");
	bt_sb_str(&d2, " /Last 2 >>");
	bt_sb_add(&d, "", 1), bt_sb_add(&d2, "", 1);
	form_buf_with(&body_sig, NULL, NULL, NULL, d.p, &b, &x);
	u.bodies[0] = d2.p;
	append_update(&b, &u, x, &x2);
	path = bt_fmt("%s/big.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	t0 = mono();
	scan(&f, path, "u.pdf");
	ck_assert_msg(mono() - t0 < 1.0, "%.2f s", mono() - t0);
	ck_assert_msg(bt_find_status(f.r, "pdf.coverage", COCO_STATUS_FAIL, "u.pdf"), "%s",
		      bt_dump(f.r));
	free(path), free(b.p), free(d.p), free(d2.p);
	px_teardown(&f);
}
END_TEST

START_TEST(test_shadow_metadata)
{
	static const struct upd u = {{5}, {"<< /Length 8 >>\nstream\nBT ET q \nendstream"}, NULL};
	struct px f;
	struct bt_sb b = {0};
	size_t x, y;
	char *path;
	const struct coco_finding *hit;

	px_setup(&f);
	form_buf_with(&body_sig, CAT_HEAD "] /SigFlags 3 >> /Metadata 5 0 R >>", NULL, NULL, NULL,
		      &b, &x);
	append_update(&b, &u, x, &y);
	path = bt_fmt("%s/shadow.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	scan(&f, path, "shadow.pdf");
	hit = bt_find_status(f.r, "pdf.coverage", COCO_STATUS_FAIL, "shadow.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit),
				    "not covered, as object 5, which the signed revision holds, "
				    "changed"),
		      "%s", bt_dump(f.r));
	free(path), free(b.p);
	px_teardown(&f);
}
END_TEST

/* A document prepared with its page's /Resources the /Info dictionary: an update that adds
 * an image to it through /Info changes what the page shows, and is refused; an update
 * that only changes /Info's text still passes. */
START_TEST(test_shadow_info)
{
	static const struct upd image = {
	    {9, 10},
	    {"<< /Title (Certificate - TEST ONLY) /XObject << /Im1 10 0 R >> >>",
	     "<< /Type /XObject /Subtype /Form /BBox [0 0 99 99] /Length 5 >>\nstream\nBT ET\n"
	     "endstream"},
	    NULL};
	static const struct upd text = {
	    {9}, {"<< /Title (Certificate - TEST ONLY) /ModDate (D:20261001000000Z) >>"}, NULL};
	const struct upd *const u[] = {&image, &text};
	struct px f;
	struct bt_sb b = {0};
	size_t x, y, k;
	char *path;
	const struct coco_finding *hit;

	for (k = 0; k < 2; k++) {
		px_setup(&f);
		form_buf_with(&body_sig, NULL,
			      PAGE_HEAD "/Annots [4 0 R 7 0 R] /Resources 9 0 R >>", NULL, NULL, &b,
			      &x);
		append_update(&b, u[k], x, &y);
		path = bt_fmt("%s/shadow.pdf", f.tmp);
		ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
		scan(&f, path, "shadow.pdf");
		hit = bt_find_status(f.r, "pdf.coverage",
				     k == 0 ? COCO_STATUS_FAIL : COCO_STATUS_PASS, "shadow.pdf");
		ck_assert_msg(hit && strstr(coco_finding_message(hit),
					    k == 0 ? "not covered, as the document information "
						     "dictionary (object 9) changes /XObject, "
						     "which is not text, a name or a number"
						   : "(the document information dictionary)"),
			      "%s", bt_dump(f.r));
		free(path), free(b.p);
		memset(&b, 0, sizeof(b));
		px_teardown(&f);
	}
}
END_TEST

Suite *pades_suite(void)
{
	Suite *s = suite_create("pades");
	TCase *tc = tcase_create("pades");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_good, 0, (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_loop_test(tc, test_m_dates, 0, (int)(sizeof(m_dates) / sizeof(m_dates[0])));
	tcase_add_loop_test(tc, test_honest, 0, (int)(sizeof(honest) / sizeof(honest[0])));
	tcase_add_test(tc, test_bundle_ber);
	tcase_add_test(tc, test_two_signers);
	tcase_add_loop_test(tc, test_update, 0, (int)(sizeof(updates) / sizeof(updates[0])));
	tcase_add_loop_test(tc, test_indirect, 0, (int)(sizeof(indirect) / sizeof(indirect[0])));
	tcase_add_loop_test(tc, test_dss_parts, 0, (int)(sizeof(dss_cases) / sizeof(dss_cases[0])));
	tcase_add_test(tc, test_prev_trick);
	tcase_add_test(tc, test_second_signature);
	tcase_add_test(tc, test_dangling_ref);
	tcase_add_test(tc, test_two_updates);
	tcase_add_test(tc, test_objstm_update);
	tcase_add_test(tc, test_shadow_metadata);
	tcase_add_test(tc, test_shadow_info);
	tcase_add_test(tc, test_big_dict);
	tcase_add_loop_test(tc, test_certified, 0, (int)(sizeof(certified) / sizeof(certified[0])));
	tcase_add_loop_test(tc, test_radio, 0, (int)(sizeof(radio) / sizeof(radio[0])));
	tcase_add_loop_test(tc, test_field_lock, 0,
			    (int)(sizeof(field_locks) / sizeof(field_locks[0])));
	suite_add_tcase(s, tc);
	return s;
}
