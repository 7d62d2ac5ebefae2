/*
 * PDF document timestamps (issue 15, ISO 32000-2 12.8.5): a /Type /DocTimeStamp dictionary
 * with /SubFilter /ETSI.RFC3161 whose /Contents is an RFC 3161 token over the /ByteRange
 * bytes. Each token is made here by OpenSSL's own TSA (TS_RESP_create_response, what
 * `openssl ts -reply` runs) with a fixed genTime, signed by a TSA certificate the fixtures'
 * root CA issues at test time (timeStamping EKU, critical); the trust directory is the
 * fixtures' with root-ca in tsa/. The timestamp is the PDF's only signature, or the last
 * one, covering the whole file (the difference analysis of the updates before it is not
 * this suite's). Each broken case asserts its exact finding id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "bundletool.h"
#include "pdf/pdf.h"
#include "suites.h"

#define AT "2027-01-01"
#define GEN_TIME "2026-10-01" /* the token's genTime, at midnight UTC */
#define CONTENTS_HEX 16384u
#define BR_HOLD "[0 0000000000 0000000000 0000000000]"

/* What a case changes. */
enum flaw {
	F_NONE,
	F_TAMPER,    /* a signed byte changed after timestamping: the imprint does not match */
	F_NONCRIT,   /* the TSA certificate's timeStamping EKU is not critical */
	F_FUTURE,    /* genTime after the verification time */
	F_NO_TSA,    /* the trust directory has no tsa/ */
	F_OTHER_CA,  /* tsa/ holds another CA than the TSA's */
	F_NOT_TOKEN, /* /Contents is a CMS signature over the bytes, not a TimeStampToken */
	F_NO_CERT,   /* the request asks for no certificate: the token does not include it */
	F_EXPIRED,   /* verified after the TSA certificate expired (2036-01-01) */
	F_NO_CRL,    /* the TSA's CA (untrusted-root, in tsa/) has no CRL in crl/ */
};

struct dx {
	char *tmp;
	struct coco_ctx *ctx;
	struct coco_report *r;
	struct coco_pdf_result res;
	X509 *tsa;
	EVP_PKEY *tsa_key;
};

/* ---- the TSA ----------------------------------------------------------------------- */

static int add_ext(X509 *x, X509 *ca, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&v3, ca, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* A TSA certificate for key, issued by the fixtures' CA issuer for 2026-01-01 .. 2036-01-01. */
static X509 *mint_tsa(EVP_PKEY *key, int critical, const char *issuer)
{
	X509 *x = X509_new(), *ca = bt_cert(issuer);
	EVP_PKEY *ca_key = bt_key(issuer);
	X509_NAME *name = X509_NAME_new();
	int ok =
	    x && ca && ca_key && name &&
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
				       (const unsigned char *)"CoCo Test TSA - TEST ONLY", -1, -1,
				       0) &&
	    X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), 0x75A0) &&
	    X509_set_subject_name(x, name) && X509_set_issuer_name(x, X509_get_subject_name(ca)) &&
	    ASN1_TIME_set(X509_getm_notBefore(x), bt_time("2026-01-01")) &&
	    ASN1_TIME_set(X509_getm_notAfter(x), bt_time("2036-01-01")) &&
	    X509_set_pubkey(x, key) && add_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE") &&
	    add_ext(x, ca, NID_key_usage, "critical,digitalSignature") &&
	    add_ext(x, ca, NID_ext_key_usage,
		    critical ? "critical,timeStamping" : "timeStamping") &&
	    add_ext(x, ca, NID_subject_key_identifier, "hash") &&
	    add_ext(x, ca, NID_authority_key_identifier, "keyid:always") &&
	    X509_sign(x, ca_key, EVP_sha256()) > 0;

	ck_assert_msg(ok, "cannot mint the TSA certificate");
	X509_NAME_free(name);
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	return x;
}

static int fixed_time(TS_RESP_CTX *c, void *arg, long *sec, long *usec)
{
	(void)c;
	*sec = (long)*(const time_t *)arg;
	*usec = 0;
	return 1;
}

/* A request for a SHA-256 imprint h, the TSA's certificate asked for if cert_req (openssl
 * ts -query -cert), DER in a memory BIO. */
static BIO *request(const unsigned char h[32], int cert_req)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	BIO *b = BIO_new(BIO_s_mem());

	ck_assert(req && mi && alg && b);
	X509_ALGOR_set_md(alg, EVP_sha256());
	ck_assert(TS_REQ_set_version(req, 1) && TS_MSG_IMPRINT_set_algo(mi, alg) &&
		  TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)h, 32) &&
		  TS_REQ_set_msg_imprint(req, mi) && TS_REQ_set_cert_req(req, cert_req) &&
		  i2d_TS_REQ_bio(b, req));
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return b;
}

/* The TSTInfo of a granted reply signed again by cert (a TSA OpenSSL's responder would
 * refuse: one whose EKU is not critical), as a TSA writes it: SignedData, eContentType
 * id-ct-TSTInfo, ESS signing-certificate-v2. */
static void resign(TS_RESP *resp, X509 *cert, EVP_PKEY *key, struct bt_sb *out)
{
	unsigned char *tst = NULL, *der = NULL;
	int n = i2d_TS_TST_INFO(TS_RESP_get_tst_info(resp), &tst), len;
	BIO *in = BIO_new_mem_buf(tst, n);
	CMS_ContentInfo *cms =
	    CMS_sign(cert, key, NULL, NULL, CMS_BINARY | CMS_NOSMIMECAP | CMS_CADES | CMS_PARTIAL);

	ck_assert(n > 0 && in && cms &&
		  CMS_set1_eContentType(cms, OBJ_nid2obj(NID_id_smime_ct_TSTInfo)) &&
		  CMS_final(cms, in, NULL, CMS_BINARY));
	len = i2d_CMS_ContentInfo(cms, &der);
	ck_assert_int_gt(len, 0);
	bt_sb_add(out, der, (size_t)len);
	OPENSSL_free(der), OPENSSL_free(tst);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
}

/* A TimeStampToken over the SHA-256 h at genTime at, by the TSA of f (or, for F_NONCRIT,
 * one whose EKU is not critical), DER into out. */
static void stamp(struct dx *f, const unsigned char h[32], time_t at, enum flaw fl,
		  struct bt_sb *out)
{
	TS_RESP_CTX *rc = TS_RESP_CTX_new();
	ASN1_OBJECT *policy = OBJ_txt2obj("1.2.3.4.1", 1);
	BIO *req = request(h, fl != F_NO_CERT);
	TS_RESP *resp;
	unsigned char *der = NULL;
	int len;

	ck_assert(rc && policy && TS_RESP_CTX_set_signer_cert(rc, f->tsa) &&
		  TS_RESP_CTX_set_signer_key(rc, f->tsa_key) &&
		  TS_RESP_CTX_set_def_policy(rc, policy) && TS_RESP_CTX_add_md(rc, EVP_sha256()) &&
		  TS_RESP_CTX_set_signer_digest(rc, EVP_sha256()));
	TS_RESP_CTX_set_time_cb(rc, fixed_time, &at);
	resp = TS_RESP_create_response(rc, req);
	ck_assert_ptr_nonnull(resp);
	ck_assert_int_eq(
	    ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))),
	    TS_STATUS_GRANTED);
	if (fl == F_NONCRIT) {
		X509 *other = mint_tsa(f->tsa_key, 0, "root-ca");
		resign(resp, other, f->tsa_key, out);
		X509_free(other);
	} else {
		len = i2d_PKCS7(TS_RESP_get_token(resp), &der);
		ck_assert_int_gt(len, 0);
		bt_sb_add(out, der, (size_t)len);
		OPENSSL_free(der);
	}
	TS_RESP_free(resp);
	BIO_free(req);
	ASN1_OBJECT_free(policy);
	TS_RESP_CTX_free(rc);
}

/* A detached CMS signature (CAdES-B-B) by the certification body's signer over data. */
static void body_sign(const struct bt_sb *data, struct bt_sb *out)
{
	struct bt_sign o = {0};
	unsigned char *der = NULL;
	size_t len = 0;

	o.cert = bt_cert("body-signer"), o.key = bt_key("body-signer");
	o.signing_time = bt_time("2026-09-15");
	ck_assert_int_eq(bt_cms_sign(&o, (const unsigned char *)data->p, data->n, &der, &len), 0);
	bt_sb_add(out, der, len);
	free(der);
	X509_free(o.cert), EVP_PKEY_free(o.key);
}

/* ---- the PDF ----------------------------------------------------------------------- */

#define DOCTS "/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161"
#define PADES "/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached"

/* Object num: a signature dictionary (dict, then /ByteRange and a zero-filled /Contents
 * placeholder at [*a, *e)). */
static void put_dict(struct bt_sb *b, long num, const char *dict, size_t *a, size_t *e)
{
	size_t i;

	bt_sb_fmt(b, "%ld 0 obj\n<< %s /ByteRange " BR_HOLD " /Contents ", num, dict);
	*a = b->n;
	bt_sb_str(b, "<");
	for (i = 0; i < CONTENTS_HEX; i++)
		bt_sb_str(b, "0");
	bt_sb_str(b, ">");
	*e = b->n;
	bt_sb_str(b, " >>\nendobj\n");
}

/* A PDF (no pages) whose only signature field holds the signature dictionary dict (object
 * 4, in b), its /Contents placeholder at [*a, *e); *x is where its xref table starts. */
static void unstamped(struct bt_sb *b, const char *dict, size_t *a, size_t *e, size_t *x)
{
	size_t off[5], i;

	bt_sb_str(b, "%PDF-1.7\n");
	off[1] = b->n;
	bt_sb_str(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] "
		     "/SigFlags 3 >> >>\nendobj\n");
	off[2] = b->n;
	bt_sb_str(b, "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
	off[3] = b->n;
	bt_sb_str(b, "3 0 obj\n<< /FT /Sig /T (Signature1) /V 4 0 R /Type /Annot /Subtype /Widget "
		     "/Rect [0 0 0 0] /F 132 >>\nendobj\n");
	off[4] = b->n;
	put_dict(b, 4, dict, a, e);
	*x = b->n;
	bt_sb_str(b, "xref\n0 5\n0000000000 65535 f \n");
	for (i = 1; i < 5; i++)
		bt_sb_fmt(b, "%010zu 00000 n \n", off[i]);
	bt_sb_fmt(b, "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", *x);
}

/* Timestamps the PDF in b ([a, e) its first unfilled placeholder) as fl says (F_NOT_TOKEN:
 * the certification body signs it instead). */
static void fill(struct dx *f, struct bt_sb *b, size_t a, size_t e, enum flaw fl)
{
	char br[sizeof(BR_HOLD)], *hold = strstr(b->p, BR_HOLD);
	unsigned char h[32];
	struct bt_sb tok = {0};
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	time_t at = fl == F_FUTURE ? bt_time("2027-06-01") : bt_time(GEN_TIME);
	size_t i;

	ck_assert(hold != NULL && md != NULL);
	snprintf(br, sizeof(br), "[0 %010zu %010zu %010zu]", a, e, b->n - e);
	memcpy(hold, br, strlen(br));
	ck_assert(EVP_DigestInit_ex(md, EVP_sha256(), NULL) && EVP_DigestUpdate(md, b->p, a) &&
		  EVP_DigestUpdate(md, b->p + e, b->n - e) && EVP_DigestFinal_ex(md, h, NULL));
	EVP_MD_CTX_free(md);
	if (fl == F_NOT_TOKEN) {
		struct bt_sb data = {0};
		bt_sb_add(&data, b->p, a);
		bt_sb_add(&data, b->p + e, b->n - e);
		body_sign(&data, &tok);
		free(data.p);
	} else {
		stamp(f, h, at, fl, &tok);
	}
	ck_assert_uint_le(2 * tok.n, CONTENTS_HEX);
	for (i = 0; i < tok.n; i++)
		snprintf(b->p + a + 1 + 2 * i, 3, "%02x", (unsigned char)tok.p[i]);
	b->p[a + 1 + 2 * tok.n] = '0'; /* snprintf's NUL */
	if (fl == F_TAMPER)            /* "/Count 0" becomes "/Count 1" after timestamping */
		strstr(b->p, "/Count 0")[7] = '1';
	free(tok.p);
}

/* The trust directory for fl: the fixtures' with root-ca in tsa/ (or none, body-ca or
 * untrusted-root). */
static char *trust_dir(const struct dx *f, enum flaw fl)
{
	char *src = bt_fixture("trust"), *dst = bt_fmt("%s/trust", f->tmp);
	char *tsa = bt_fmt("%s/tsa", dst), *ca = bt_fmt("%s/tsa/ca.pem", dst);
	char *pem = bt_fixture("pki/%s.pem", fl == F_OTHER_CA ? "body-ca"
					     : fl == F_NO_CRL ? "untrusted-root"
							      : "root-ca");
	unsigned char *p = NULL;
	size_t n = 0;

	ck_assert_int_eq(bt_copytree(src, dst), 0);
	if (fl != F_NO_TSA) {
		ck_assert_int_eq(mkdir(tsa, 0700), 0);
		ck_assert_int_eq(bt_read(pem, &p, &n), 0);
		ck_assert_int_eq(bt_write(ca, p, n), 0);
	}
	free(p), free(src), free(tsa), free(ca), free(pem);
	return dst;
}

static void dx_setup(struct dx *f, enum flaw fl)
{
	char *trust;

	memset(f, 0, sizeof(*f));
	f->tmp = bt_mkdtemp();
	ck_assert_ptr_nonnull(f->tmp);
	f->tsa_key = bt_key("director-ec");
	f->tsa = mint_tsa(f->tsa_key, 1, fl == F_NO_CRL ? "untrusted-root" : "root-ca");
	trust = trust_dir(f, fl);
	ck_assert_int_eq(coco_ctx_new(&f->ctx), COCO_OK);
	coco_ctx_set_time(f->ctx, bt_time(fl == F_EXPIRED ? "2036-06-01" : AT));
	ck_assert_msg(coco_ctx_load_trust(f->ctx, trust) == COCO_OK, "%s", coco_ctx_error(f->ctx));
	ck_assert_int_eq(coco_report_new(&f->r), COCO_OK);
	free(trust);
}

static void dx_teardown(struct dx *f)
{
	coco_pdf_result_release(&f->res);
	bt_rmtree(f->tmp);
	free(f->tmp);
	coco_report_free(f->r);
	coco_ctx_free(f->ctx);
	X509_free(f->tsa);
	EVP_PKEY_free(f->tsa_key);
}

/* Makes, writes and scans the document-timestamped PDF for fl. */
static void scan_stamped(struct dx *f, enum flaw fl)
{
	struct bt_sb b = {0};
	size_t a, e, x;
	char *path = bt_fmt("%s/ts.pdf", f->tmp);

	unstamped(&b, DOCTS, &a, &e, &x);
	fill(f, &b, a, e, fl);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	ck_assert_msg(coco_pdf_scan_path(f->ctx, path, "ts.pdf", NULL, f->r, &f->res) == COCO_OK,
		      "%s", coco_ctx_error(f->ctx));
	free(path), free(b.p);
}

/* ---- cases ------------------------------------------------------------------------- */

/* A valid document timestamp: pdf.timestamp passes with the proven genTime and the TSA,
 * the PDF has no pdf.* failure (no pdf.subfilter, pdf.contents or pdf.digest as before),
 * and it is no one's signature: sig_valid stays 0. Also when the TSA's CA publishes no CRL
 * in crl/: missing revocation data for a TSA is not reported (checks.md, timestamp.chain). */
static const enum flaw valid[] = {F_NONE, F_NO_CRL};

START_TEST(test_valid)
{
	struct dx f;
	const struct coco_finding *hit;

	dx_setup(&f, valid[_i]);
	scan_stamped(&f, valid[_i]);
	hit = bt_find_status(f.r, "pdf.timestamp", COCO_STATUS_PASS, "ts.pdf");
	ck_assert_msg(hit != NULL && f.res.ok, "%s", bt_dump(f.r));
	ck_assert_msg(strstr(coco_finding_message(hit), "2026-10-01T00:00:00Z") &&
			  strstr(coco_finding_message(hit), "CoCo Test TSA - TEST ONLY") &&
			  strstr(coco_finding_message(hit), "object 4"),
		      "%s", coco_finding_message(hit));
	ck_assert_uint_eq(bt_count_status(f.r, COCO_STATUS_FAIL), 0);
	ck_assert_uint_eq(bt_count_status(f.r, COCO_STATUS_WARN), 0);
	ck_assert_int_eq(f.res.n_sigs, 1);
	ck_assert_int_eq(f.res.sigs[0].doc_timestamp, 1);
	ck_assert_int_eq(f.res.sigs[0].status, COCO_PDF_SIG_VALID);
	ck_assert_int_eq(f.res.sigs[0].has_proven_time, 1);
	ck_assert_int_eq(f.res.sigs[0].proven_time, bt_time(GEN_TIME));
	ck_assert_int_eq(f.res.sigs[0].whole, 1);
	ck_assert_int_eq(f.res.sigs[0].has_signing_time, 0);
	ck_assert_int_eq(f.res.sig_valid, 0);
	ck_assert_int_eq(f.res.sig_bad | f.res.sig_unknown | f.res.sig_unanchored, 0);
	dx_teardown(&f);
}
END_TEST

/* What a broken or unproven document timestamp gives, exactly. ok: the PDF has no pdf.*
 * failure (a timestamp that proves nothing is no worse than none, as timestamp.untrusted
 * is for a bundle signature). */
static const struct {
	const char *what;
	enum flaw fl;
	const char *id;
	enum coco_status status;
	const char *in_message;
	enum coco_pdf_sig_status sig;
	int ok;
} bad[] = {
    {"a signed byte changed after timestamping", F_TAMPER, "pdf.timestamp_imprint",
     COCO_STATUS_FAIL, "not the hash of the signed byte range", COCO_PDF_SIG_BAD, 0},
    {"the TSA's EKU is not critical", F_NONCRIT, "pdf.timestamp_tsa_eku", COCO_STATUS_FAIL,
     "timeStamping", COCO_PDF_SIG_BAD, 0},
    {"genTime after the verification time", F_FUTURE, "pdf.timestamp_time", COCO_STATUS_FAIL,
     "after the verification time", COCO_PDF_SIG_BAD, 0},
    {"no tsa/ in the trust directory", F_NO_TSA, "pdf.timestamp_untrusted", COCO_STATUS_WARN,
     "proves nothing", COCO_PDF_SIG_UNKNOWN, 1},
    {"tsa/ holds another CA", F_OTHER_CA, "pdf.timestamp_untrusted", COCO_STATUS_WARN,
     "against tsa/", COCO_PDF_SIG_UNKNOWN, 1},
    {"a CMS signature where the token should be", F_NOT_TOKEN, "pdf.timestamp_parse",
     COCO_STATUS_FAIL, "not a DER RFC 3161 token", COCO_PDF_SIG_BAD, 0},
    {"no TSA certificate in the token", F_NO_CERT, "pdf.timestamp_untrusted", COCO_STATUS_WARN,
     "does not include the TSA's certificate", COCO_PDF_SIG_UNKNOWN, 1},
    {"the TSA certificate has expired", F_EXPIRED, "pdf.timestamp_chain", COCO_STATUS_WARN,
     "certificate has expired", COCO_PDF_SIG_UNKNOWN, 1},
};

START_TEST(test_bad)
{
	struct dx f;
	const struct coco_finding *hit;

	dx_setup(&f, bad[_i].fl);
	scan_stamped(&f, bad[_i].fl);
	hit = bt_find_status(f.r, bad[_i].id, bad[_i].status, "ts.pdf");
	ck_assert_msg(hit != NULL, "%s: %s", bad[_i].what, bt_dump(f.r));
	ck_assert_msg(strstr(coco_finding_message(hit), bad[_i].in_message) &&
			  strstr(coco_finding_message(hit), "signature in object 4: "),
		      "%s: %s", bad[_i].what, coco_finding_message(hit));
	ck_assert_msg(bt_find(f.r, "pdf.timestamp", NULL) == NULL, "%s: %s", bad[_i].what,
		      bt_dump(f.r));
	ck_assert_int_eq(f.res.n_sigs, 1);
	ck_assert_int_eq(f.res.sigs[0].status, bad[_i].sig);
	ck_assert_int_eq(f.res.sigs[0].has_proven_time, 0);
	ck_assert_int_eq(f.res.ok, bad[_i].ok);
	ck_assert_int_eq(f.res.sig_bad, !bad[_i].ok);
	ck_assert_int_eq(f.res.sig_valid | f.res.sig_unknown, 0);
	dx_teardown(&f);
}
END_TEST

/*
 * The last signature of the file: the certification body signs (object 4, as a
 * /Type /Sig), then an incremental update adds a document timestamp over everything
 * (object 7, in a new field), as LTV producers do. The timestamp passes on its own,
 * whatever is decided of the update for the signature before it (the difference analysis
 * of issue 15); each is reported by its object, and the body's signature is still the one
 * evidence would judge.
 */
START_TEST(test_after_signature)
{
	struct dx f;
	struct bt_sb b = {0};
	size_t a, e, x, off[3];
	char *path;
	const struct coco_finding *hit;

	dx_setup(&f, F_NONE);
	unstamped(&b, PADES, &a, &e, &x);
	fill(&f, &b, a, e, F_NOT_TOKEN);
	off[0] = b.n;
	bt_sb_str(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R 6 0 R] "
		      "/SigFlags 3 >> >>\nendobj\n");
	off[1] = b.n;
	bt_sb_str(&b, "6 0 obj\n<< /FT /Sig /T (Timestamp) /V 7 0 R /Type /Annot /Subtype /Widget "
		      "/Rect [0 0 0 0] /F 132 >>\nendobj\n");
	off[2] = b.n;
	put_dict(&b, 7, DOCTS, &a, &e);
	bt_sb_fmt(&b, "xref\n0 2\n0000000000 65535 f \n%010zu 00000 n \n6 2\n%010zu 00000 n \n",
		  off[0], off[1]);
	bt_sb_fmt(&b, "%010zu 00000 n \ntrailer\n<< /Size 8 /Root 1 0 R /Prev %zu >>\n", off[2], x);
	bt_sb_fmt(&b, "startxref\n%zu\n%%%%EOF\n", e + strlen(" >>\nendobj\n"));
	fill(&f, &b, a, e, F_NONE);
	path = bt_fmt("%s/two.pdf", f.tmp);
	ck_assert_int_eq(bt_write(path, b.p, b.n), 0);
	ck_assert_int_eq(coco_pdf_scan_path(f.ctx, path, "two.pdf", NULL, f.r, &f.res), COCO_OK);
	ck_assert_msg(f.res.n_sigs == 2, "%s", bt_dump(f.r));
	ck_assert_int_eq(f.res.sigs[0].obj, 4);
	ck_assert_int_eq(f.res.sigs[0].doc_timestamp, 0);
	ck_assert_str_eq(f.res.sigs[0].signer_org, "Example Certification Body Ltd - TEST ONLY");
	ck_assert_int_eq(f.res.sigs[1].obj, 7);
	ck_assert_int_eq(f.res.sigs[1].doc_timestamp, 1);
	ck_assert_int_eq(f.res.sigs[1].status, COCO_PDF_SIG_VALID);
	ck_assert_int_eq(f.res.sigs[1].whole, 1);
	ck_assert_int_eq(f.res.sigs[1].proven_time, bt_time(GEN_TIME));
	hit = bt_find_status(f.r, "pdf.timestamp", COCO_STATUS_PASS, "two.pdf");
	ck_assert_msg(hit && strstr(coco_finding_message(hit), "document timestamp in object 7 "),
		      "%s", bt_dump(f.r));
	ck_assert_msg(!bt_find(f.r, "pdf.subfilter", NULL) && !bt_find(f.r, "pdf.contents", NULL) &&
			  !bt_find(f.r, "pdf.digest", NULL) &&
			  !bt_find(f.r, "pdf.timestamp_imprint", NULL),
		      "%s", bt_dump(f.r));
	free(path), free(b.p);
	dx_teardown(&f);
}
END_TEST

Suite *docts_suite(void)
{
	Suite *s = suite_create("docts");
	TCase *tc = tcase_create("docts");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_valid, 0, (int)(sizeof(valid) / sizeof(valid[0])));
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_after_signature);
	suite_add_tcase(s, tc);
	return s;
}
