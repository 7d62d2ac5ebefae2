/*
 * Unit tests of CAdES-B-B signing and verification (coco_cms_sign, coco_cms_verify) and
 * of loading a signer (coco_signer_load), against the test PKI in $COCO_FIXTURES. Good
 * signatures come from the library; every broken one is made with raw OpenSSL CMS calls
 * (bt_cms_sign) so that it breaks exactly one rule, whose finding id is asserted.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/x509v3.h>

#include "bundletool.h"
#include "suites.h"

#define MAN_ENTRY BT_MANIFEST
#define SIG_ENTRY BT_SIGNATURE
#define PASS "test-pass"

/* The verification time for signatures made here with a fixed signing-time. */
#define AT "2027-06-01"
/*
 * A verification time inside the leaves' validity (until 2036-01-01) and the CRLs'
 * (nextUpdate 2036-01-01), for signatures coco_cms_sign made at the context's time.
 */
#define AT_LIB "2035-06-01"

static const unsigned char manifest_bytes[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<asic:ASiCManifest xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\" "
    "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n"
    "  <asic:SigReference URI=\"META-INF/signature001.p7s\"/>\n"
    "  <asic:DataObjectReference URI=\"assessment.xml\" Rootfile=\"true\">\n"
    "    <ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\n"
    "    <ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue>\n"
    "  </asic:DataObjectReference>\n"
    "</asic:ASiCManifest>\n";
#define MAN_LEN (sizeof(manifest_bytes) - 1)

static int pass_cb(char *buf, int size, void *arg)
{
	const char *p = arg;
	size_t n = strlen(p);

	if (n > (size_t)size)
		return -1;
	memcpy(buf, p, n);
	return (int)n;
}

static struct coco_ctx *new_ctx(const char *at, const char *trust)
{
	struct coco_ctx *ctx = NULL;
	char *dir = trust ? bt_fixture("%s", trust) : NULL;

	ck_assert_int_eq(coco_ctx_new(&ctx), COCO_OK);
	coco_ctx_set_time(ctx, bt_time(at));
	if (dir != NULL)
		ck_assert_msg(coco_ctx_load_trust(ctx, dir) == COCO_OK, "loading '%s': %s", dir,
			      coco_ctx_error(ctx));
	free(dir);
	return ctx;
}

/* Runs coco_cms_verify over data with the signers/ anchors. */
static enum coco_err cms_verify(struct coco_ctx *ctx, const unsigned char *der, size_t len,
				const unsigned char *data, size_t data_len, int trust,
				struct coco_report *r, struct coco_report_signature *info)
{
	struct coco_cms_check in;

	memset(&in, 0, sizeof(in));
	in.sig_entry = SIG_ENTRY, in.der = der, in.der_len = len;
	in.data_entry = MAN_ENTRY, in.data = data, in.data_len = data_len;
	in.trust = trust;
	in.anchors = COCO_ANCHORS_SIGNERS;
	return coco_cms_verify(ctx, &in, r, info);
}

/* Runs coco_cms_verify with trust over data; returns the report (and *valid, if set). */
static struct coco_report *verify_valid(struct coco_ctx *ctx, const unsigned char *der, size_t len,
					const unsigned char *data, size_t data_len, int *valid)
{
	struct coco_report *r = NULL;
	struct coco_report_signature *info;

	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	info = coco_report_add_signature(r);
	ck_assert_ptr_nonnull(info);
	ck_assert_int_eq(cms_verify(ctx, der, len, data, data_len, 1, r, info), COCO_OK);
	if (valid != NULL)
		*valid = info->valid;
	return r;
}

static struct coco_report *verify(struct coco_ctx *ctx, const unsigned char *der, size_t len,
				  const unsigned char *data, size_t data_len)
{
	return verify_valid(ctx, der, len, data, data_len, NULL);
}

static void expect(const struct coco_report *r, const char *id, enum coco_status st,
		   const char *subject, enum coco_verdict verdict, const char *what)
{
	ck_assert_msg(bt_find_status(r, id, st, subject) != NULL,
		      "%s: expected %s %s '%s', got:\n%s", what, coco_status_name(st), id,
		      subject ? subject : "", bt_dump(r));
	ck_assert_msg(coco_report_verdict(r) == verdict, "%s: expected %s, got:\n%s", what,
		      coco_verdict_name(verdict), bt_dump(r));
}

/* ---- good signatures made by the library ---- */

static const struct {
	const char *what, *key, *cert, *p12;
	int pass;
} good[] = {
    {"RSA", "director", "director", NULL, 0},
    {"ECDSA P-256 with documentSigning", "director-ec", "director-ec", NULL, 0},
    {"PKCS#12", NULL, NULL, "director.p12", 1},
    {"encrypted PEM key", "director-enc", "director", NULL, 1},
};

START_TEST(test_sign_verify)
{
	struct coco_ctx *ctx = new_ctx(AT_LIB, "trust");
	char *key = good[_i].key ? bt_fixture("pki/%s.key", good[_i].key) : NULL;
	char *cert = good[_i].cert ? bt_fixture("pki/%s.pem", good[_i].cert) : NULL;
	char *p12 = good[_i].p12 ? bt_fixture("pki/%s", good[_i].p12) : NULL;
	char *chain = p12 ? NULL : bt_fixture("pki/chain.pem");
	struct coco_signer_opts o = {.key_path = key,
				     .cert_path = cert,
				     .chain_path = chain,
				     .p12_path = p12,
				     .pass_cb = good[_i].pass ? pass_cb : NULL,
				     .pass_arg = (void *)(uintptr_t)PASS};
	struct coco_signer *s = NULL;
	struct coco_report *r;
	unsigned char *der = NULL;
	size_t len = 0;
	const char *subject;
	int valid = 0;

	ck_assert_msg(coco_signer_load(ctx, &o, &s) == COCO_OK, "%s: %s", good[_i].what,
		      coco_ctx_error(ctx));
	subject = coco_signer_subject(s);
	ck_assert_ptr_nonnull(subject);
	ck_assert_ptr_nonnull(strstr(subject, "TEST ONLY"));
	ck_assert_int_eq(coco_cms_sign(ctx, s, manifest_bytes, MAN_LEN, &der, &len), COCO_OK);
	r = verify_valid(ctx, der, len, manifest_bytes, MAN_LEN, &valid);
	ck_assert_int_eq(valid, 1);
	expect(r, "signature.value", COCO_STATUS_PASS, SIG_ENTRY, COCO_VERDICT_PASSED,
	       good[_i].what);
	expect(r, "signer.chain", COCO_STATUS_PASS, subject, COCO_VERDICT_PASSED, good[_i].what);
	expect(r, "signature.signing_time", COCO_STATUS_PASS, SIG_ENTRY, COCO_VERDICT_PASSED,
	       good[_i].what);
	expect(r, "signer.revocation", COCO_STATUS_PASS, subject, COCO_VERDICT_PASSED,
	       good[_i].what);
	ck_assert_uint_eq(bt_count_status(r, COCO_STATUS_FAIL), 0);
	ck_assert_uint_eq(bt_count_status(r, COCO_STATUS_WARN), 0);
	coco_report_free(r);
	OPENSSL_free(der);
	coco_signer_free(s);
	free(key);
	free(cert);
	free(p12);
	free(chain);
	coco_ctx_free(ctx);
}
END_TEST

/* The same signature judged without trust (inspect) reports no signer.* finding. */
START_TEST(test_verify_without_trust)
{
	struct coco_ctx *ctx = new_ctx(AT_LIB, "trust");
	struct coco_signer *s = bt_signer(ctx, "director");
	struct coco_report *r = NULL;
	struct coco_report_signature *info;
	unsigned char *der = NULL;
	size_t len = 0;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(coco_cms_sign(ctx, s, manifest_bytes, MAN_LEN, &der, &len), COCO_OK);
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	info = coco_report_add_signature(r);
	ck_assert_int_eq(cms_verify(ctx, der, len, manifest_bytes, MAN_LEN, 0, r, info), COCO_OK);
	ck_assert_str_eq(info->subject, coco_signer_subject(s));
	ck_assert_int_eq(info->has_signing_time, 1);
	ck_assert_ptr_null(bt_find(r, "signer.chain", NULL));
	ck_assert_uint_eq(bt_count_status(r, COCO_STATUS_FAIL), 0);
	coco_report_free(r);
	OPENSSL_free(der);
	coco_signer_free(s);
	coco_ctx_free(ctx);
}
END_TEST

/*
 * coco_ctx_set_time is documented as "the verification (or signing) time": a signature
 * made with the context's time set claims that time, not the clock's.
 */
START_TEST(test_signing_time_from_ctx)
{
	struct coco_ctx *ctx = new_ctx("2026-06-01", "trust");
	struct coco_signer *s = bt_signer(ctx, "director");
	struct coco_report *r = NULL;
	struct coco_report_signature *info;
	unsigned char *der = NULL;
	size_t len = 0;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(coco_cms_sign(ctx, s, manifest_bytes, MAN_LEN, &der, &len), COCO_OK);
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	info = coco_report_add_signature(r);
	ck_assert_int_eq(cms_verify(ctx, der, len, manifest_bytes, MAN_LEN, 0, r, info), COCO_OK);
	ck_assert_int_eq(info->has_signing_time, 1);
	ck_assert_msg(info->signing_time == bt_time("2026-06-01"),
		      "signing-time is %lld, not the context's time %lld",
		      (long long)info->signing_time, (long long)bt_time("2026-06-01"));
	coco_report_free(r);
	OPENSSL_free(der);
	coco_signer_free(s);
	coco_ctx_free(ctx);
}
END_TEST

/*
 * A SignedData whose digestAlgorithms set names an algorithm OpenSSL does not know, while
 * the SignerInfo's own digest is SHA-256: every check of ours passes and OpenSSL's
 * CMS_verify refuses it. OpenSSL 3.0's CMS_verify leaked its copy of a memory BIO on
 * that path (found by fuzz_cms; tests/fuzz/regress/cms/); under SAN=1 this test fails
 * on the leak if crosscheck hands it a memory BIO again.
 */
START_TEST(test_unknown_digest_algorithm)
{
	static const unsigned char sha256[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
					       0x65, 0x03, 0x04, 0x02, 0x01};
	struct coco_ctx *ctx = new_ctx(AT_LIB, "trust");
	struct coco_signer *s = bt_signer(ctx, "director");
	struct coco_report *r;
	unsigned char *der = NULL;
	size_t len = 0, i;
	int valid = 1;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(coco_cms_sign(ctx, s, manifest_bytes, MAN_LEN, &der, &len), COCO_OK);
	/* the first SHA-256 identifier is the SignedData's digestAlgorithms entry */
	for (i = 0; i + sizeof(sha256) <= len && memcmp(der + i, sha256, sizeof(sha256)) != 0; i++)
		;
	ck_assert_uint_lt(i, 64);
	der[i + sizeof(sha256) - 1] = 0x7f; /* 2.16.840.1.101.3.4.2.127 */
	r = verify_valid(ctx, der, len, manifest_bytes, MAN_LEN, &valid);
	ck_assert_int_eq(valid, 0);
	expect(r, "signature.crosscheck", COCO_STATUS_FAIL, SIG_ENTRY, COCO_VERDICT_FAILED,
	       "unknown digestAlgorithms entry");
	coco_report_free(r);
	OPENSSL_free(der);
	coco_signer_free(s);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- one broken rule each ---- */

enum subj { S_ENTRY, S_SIGNER };
enum special { SP_NONE, SP_TAMPER, SP_RANDOM, SP_SHA1 };

struct neg_case {
	const char *what;
	const char *signer; /* pki/<signer>.pem and .key */
	unsigned flaws;
	enum special special;
	const char *signed_at; /* the signing-time attribute */
	const char *at;        /* the verification time */
	const char *id;
	enum coco_status status;
	enum subj subject;
	enum coco_verdict verdict;
};

static const struct neg_case neg[] = {
    {"manifest changed after signing", "director", 0, SP_TAMPER, "2026-06-01", AT,
     "signature.digest", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"content embedded", "director", BT_EMBED, SP_NONE, "2026-06-01", AT, "signature.detached",
     COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"two SignerInfos", "director", BT_TWO_SIGNERS, SP_NONE, "2026-06-01", AT, "signature.signers",
     COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"SHA-1 digest", "director", 0, SP_SHA1, "2026-06-01", AT, "signature.algorithm",
     COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"no signed attributes", "director", BT_NOATTR, SP_NONE, "2026-06-01", AT,
     "signature.attributes", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"no signing-certificate-v2", "director", BT_NOCADES, SP_NONE, "2026-06-01", AT,
     "signature.signing_certificate", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"signing-time twice", "director", BT_TWO_TIMES, SP_NONE, "2026-06-01", AT,
     "signature.signing_time", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"signer certificate not included", "director", BT_NOCERTS, SP_NONE, "2026-06-01", AT,
     "signature.signer_cert", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"trailing garbage", "director", BT_TRAILING, SP_NONE, "2026-06-01", AT, "signature.parse",
     COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"random bytes", "director", 0, SP_RANDOM, "2026-06-01", AT, "signature.parse",
     COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"eContentType not id-data", "director", BT_ECONTENT, SP_NONE, "2026-06-01", AT,
     "signature.content_type", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"signature value corrupted", "director", BT_BADSIG, SP_NONE, "2026-06-01", AT,
     "signature.value", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"signing time after the verification time", "director", 0, SP_NONE, "2027-03-01", "2027-01-01",
     "signature.signing_time", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"signing time outside the certificate's validity", "director", 0, SP_NONE, "2025-06-01", AT,
     "signature.signing_time", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"expired at the verification time", "expired", 0, SP_NONE, "2025-01-01", AT, "signer.expired",
     COCO_STATUS_INDETERMINATE, S_SIGNER, COCO_VERDICT_INDETERMINATE},
    {"not yet valid at the verification time", "notyet", 0, SP_NONE, "2035-06-01", AT,
     "signer.not_yet_valid", COCO_STATUS_FAIL, S_SIGNER, COCO_VERDICT_FAILED},
    {"not yet valid, signed before its validity", "notyet", 0, SP_NONE, "2026-06-01", AT,
     "signature.signing_time", COCO_STATUS_FAIL, S_ENTRY, COCO_VERDICT_FAILED},
    {"revoked", "revoked", 0, SP_NONE, "2026-02-01", AT, "signer.revoked", COCO_STATUS_FAIL,
     S_SIGNER, COCO_VERDICT_FAILED},
    {"keyUsage without digitalSignature", "wrongku", 0, SP_NONE, "2026-06-01", AT,
     "signer.key_usage", COCO_STATUS_FAIL, S_SIGNER, COCO_VERDICT_FAILED},
    {"extendedKeyUsage serverAuth only", "wrongeku", 0, SP_NONE, "2026-06-01", AT,
     "signer.ext_key_usage", COCO_STATUS_FAIL, S_SIGNER, COCO_VERDICT_FAILED},
    {"no keyUsage extension", "nokuext", 0, SP_NONE, "2026-06-01", AT, "signer.key_usage",
     COCO_STATUS_FAIL, S_SIGNER, COCO_VERDICT_FAILED},
    {"RSA-1024", "rsa1024", 0, SP_NONE, "2026-06-01", AT, "signer.key", COCO_STATUS_FAIL, S_SIGNER,
     COCO_VERDICT_FAILED},
    {"untrusted root", "untrusted", 0, SP_NONE, "2026-06-01", AT, "signer.untrusted",
     COCO_STATUS_INDETERMINATE, S_SIGNER, COCO_VERDICT_INDETERMINATE},
};

/* Signs manifest_bytes as signer with the case's flaws; the chain is chain.pem. */
static void make_sig(const struct neg_case *c, unsigned char **der, size_t *len)
{
	struct bt_sign o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.cert = bt_cert(c->signer);
	o.key = bt_key(c->signer);
	ck_assert_msg(o.cert != NULL && o.key != NULL, "cannot load pki/%s", c->signer);
	o.chain = strcmp(c->signer, "untrusted") == 0 ? NULL : bt_chain();
	o.md = c->special == SP_SHA1 ? EVP_sha1() : NULL;
	o.signing_time = bt_time(c->signed_at);
	o.flaws = c->flaws;
	if (c->flaws & BT_TWO_SIGNERS) {
		o.cert2 = bt_cert("director-ec");
		o.key2 = bt_key("director-ec");
	}
	rc = bt_cms_sign(&o, manifest_bytes, MAN_LEN, der, len);
	ck_assert_msg(rc == 0, "%s: cannot make the signature", c->what);
	X509_free(o.cert);
	X509_free(o.cert2);
	EVP_PKEY_free(o.key);
	EVP_PKEY_free(o.key2);
	sk_X509_pop_free(o.chain, X509_free);
}

START_TEST(test_negative)
{
	const struct neg_case *c = &neg[_i];
	struct coco_ctx *ctx = new_ctx(c->at, "trust");
	unsigned char *der = NULL, *data = NULL;
	char *subject = bt_subject(c->signer);
	struct coco_report *r;
	size_t len = 0, i;
	int valid = 1;

	ck_assert_ptr_nonnull(subject);
	if (c->special == SP_RANDOM) {
		len = 512;
		der = malloc(len);
		ck_assert_ptr_nonnull(der);
		for (i = 0; i < len; i++)
			der[i] = (unsigned char)(i * 131u + 7u); /* fixed "random" bytes */
		der[0] = 0x30;
	} else {
		make_sig(c, &der, &len);
	}
	data = malloc(MAN_LEN);
	ck_assert_ptr_nonnull(data);
	memcpy(data, manifest_bytes, MAN_LEN);
	if (c->special == SP_TAMPER)
		data[MAN_LEN - 10] ^= 0x01;
	r = verify_valid(ctx, der, len, data, MAN_LEN, &valid);
	ck_assert_msg(valid == 0, "%s: the signature was marked valid", c->what);
	bt_check_causes(r);
	expect(r, c->id, c->status, c->subject == S_ENTRY ? SIG_ENTRY : subject, c->verdict,
	       c->what);
	if (c->flaws & BT_TWO_TIMES)
		ck_assert_ptr_nonnull(
		    strstr(coco_finding_message(bt_find(r, "signature.signing_time", SIG_ENTRY)),
			   "more than once"));
	if (c->status == COCO_STATUS_FAIL && strncmp(c->id, "signature.", 10) == 0)
		ck_assert_ptr_null(bt_find_status(r, "signature.value", COCO_STATUS_PASS, NULL));
	coco_report_free(r);
	free(der);
	free(data);
	free(subject);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- the outcome, and findings filed under a caller's group ---- */

static const struct neg_case *neg_case(const char *what)
{
	size_t i;

	for (i = 0; i < sizeof(neg) / sizeof(neg[0]); i++)
		if (strcmp(neg[i].what, what) == 0)
			return &neg[i];
	ck_abort_msg("no negative case '%s'", what);
	return NULL;
}

struct outcome_case {
	const char *neg;    /* the negative case it verifies */
	const char *prefix; /* coco_cms_check.id_prefix */
	enum coco_cms_result result;
	const char *id; /* the finding expected under that prefix */
	enum coco_status status;
};

static const struct outcome_case outcomes[] = {
    {"expired at the verification time", NULL, COCO_CMS_EXPIRED, "signer.expired",
     COCO_STATUS_INDETERMINATE},
    {"revoked", NULL, COCO_CMS_REVOKED, "signer.revoked", COCO_STATUS_FAIL},
    {"untrusted root", NULL, COCO_CMS_UNTRUSTED, "signer.untrusted", COCO_STATUS_INDETERMINATE},
    {"signature value corrupted", NULL, COCO_CMS_INVALID, "signature.value", COCO_STATUS_FAIL},
    {"not yet valid at the verification time", NULL, COCO_CMS_INVALID, "signer.not_yet_valid",
     COCO_STATUS_FAIL},
    {"expired at the verification time", "pdf", COCO_CMS_EXPIRED, "pdf.signer",
     COCO_STATUS_INDETERMINATE},
    {"manifest changed after signing", "pdf", COCO_CMS_INVALID, "pdf.digest", COCO_STATUS_FAIL},
    {"content embedded", "pdf", COCO_CMS_INVALID, "pdf.contents", COCO_STATUS_FAIL},
    {"trailing garbage", "pdf", COCO_CMS_INVALID, "pdf.contents", COCO_STATUS_FAIL},
    {"SHA-1 digest", "pdf", COCO_CMS_INVALID, "pdf.signature", COCO_STATUS_FAIL},
    {"RSA-1024", "pdf", COCO_CMS_INVALID, "pdf.signer", COCO_STATUS_FAIL},
};

/* The facts an EXPIRED or REVOKED outcome carries (fixtures/mkfixtures.sh: `revoked` was
 * revoked for keyCompromise on 2026-03-01). */
static void expect_outcome_facts(const struct neg_case *c, const struct coco_cms_outcome *o)
{
	X509 *cert = bt_cert(c->signer);
	time_t not_after = 0;

	ck_assert_ptr_nonnull(cert);
	ck_assert_int_eq(o->at, bt_time(c->at));
	ck_assert_int_eq(o->at_proof, 0);
	if (o->result == COCO_CMS_EXPIRED) {
		ck_assert_int_eq(coco_asn1_time_to_time(X509_get0_notAfter(cert), &not_after), 0);
		ck_assert_int_eq(o->expired_at, not_after);
		ck_assert_int_eq(o->depth, 0);
	}
	if (o->result == COCO_CMS_REVOKED) {
		ck_assert_int_eq(o->revoked_at, bt_time("2026-03-01"));
		ck_assert_int_eq(o->revocation_reason, CRL_REASON_KEY_COMPROMISE);
		ck_assert_int_eq(o->depth, 0);
	}
	X509_free(cert);
}

START_TEST(test_outcome)
{
	const struct outcome_case *oc = &outcomes[_i];
	const struct neg_case *c = neg_case(oc->neg);
	struct coco_ctx *ctx = new_ctx(c->at, "trust");
	struct coco_report *r = NULL;
	struct coco_report_signature *info;
	struct coco_cms_check in;
	unsigned char *der = NULL, *data = malloc(MAN_LEN);
	size_t len = 0;

	ck_assert_ptr_nonnull(data);
	memcpy(data, manifest_bytes, MAN_LEN);
	if (c->special == SP_TAMPER)
		data[MAN_LEN - 10] ^= 0x01;
	make_sig(c, &der, &len);
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_ptr_nonnull(info = coco_report_add_signature(r));
	memset(&in, 0, sizeof(in));
	in.sig_entry = SIG_ENTRY, in.der = der, in.der_len = len, in.id_prefix = oc->prefix;
	in.data_entry = MAN_ENTRY, in.data = data, in.data_len = MAN_LEN;
	in.trust = 1, in.anchors = COCO_ANCHORS_SIGNERS;
	ck_assert_int_eq(coco_cms_verify(ctx, &in, r, info), COCO_OK);
	ck_assert_msg(info->outcome.result == oc->result, "%s: outcome %d, want %d:\n%s", c->what,
		      (int)info->outcome.result, (int)oc->result, bt_dump(r));
	ck_assert_msg(bt_find_status(r, oc->id, oc->status, NULL) != NULL, "%s: no %s %s:\n%s",
		      c->what, coco_status_name(oc->status), oc->id, bt_dump(r));
	if (oc->prefix != NULL) /* nothing escapes the group */
		ck_assert_msg(bt_find(r, "signature.value", NULL) == NULL &&
				  bt_find(r, "signer.chain", NULL) == NULL &&
				  bt_find(r, "signer.revocation", NULL) == NULL,
			      "%s: a finding outside '%s':\n%s", c->what, oc->prefix, bt_dump(r));
	expect_outcome_facts(c, &info->outcome);
	coco_report_free(r);
	free(der);
	free(data);
	coco_ctx_free(ctx);
}
END_TEST

/* Whether the value was checked, as the outcome says: never "does not verify" for a value
 * that was not checked (no signed attributes, an algorithm outside the allow-list), and no
 * digest finding beside a refused algorithm; an untrusted chain names its top. */
static const struct {
	const char *neg;
	enum coco_cms_value value;
	const char *message; /* the signature.value finding's, or NULL: none */
} values[] = {
    {"no signed attributes", COCO_CMS_VALUE_UNCHECKED,
     "signature value not checked: there are no signed attributes"},
    {"SHA-1 digest", COCO_CMS_VALUE_UNCHECKED,
     "signature value not checked: its algorithm is not allowed"},
    {"signature value corrupted", COCO_CMS_VALUE_BAD, "signature value does not verify"},
    {"manifest changed after signing", COCO_CMS_VALUE_OK, NULL},
    {"untrusted root", COCO_CMS_VALUE_OK, "CAdES-B-B signature verifies"},
};

START_TEST(test_outcome_value)
{
	const struct neg_case *c = neg_case(values[_i].neg);
	struct coco_ctx *ctx = new_ctx(c->at, "trust");
	struct coco_report *r = NULL;
	struct coco_report_signature *info;
	unsigned char *der = NULL, *data = malloc(MAN_LEN);
	const struct coco_finding *v;
	size_t len = 0, i;

	ck_assert_ptr_nonnull(data);
	memcpy(data, manifest_bytes, MAN_LEN);
	if (c->special == SP_TAMPER)
		data[MAN_LEN - 10] ^= 0x01;
	make_sig(c, &der, &len);
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_ptr_nonnull(info = coco_report_add_signature(r));
	ck_assert_int_eq(cms_verify(ctx, der, len, data, MAN_LEN, 1, r, info), COCO_OK);
	ck_assert_msg(info->outcome.value == values[_i].value, "%s: value %d:\n%s", c->what,
		      (int)info->outcome.value, bt_dump(r));
	v = bt_find(r, "signature.value", SIG_ENTRY);
	ck_assert_msg(values[_i].message == NULL ||
			  (v != NULL && strstr(coco_finding_message(v), values[_i].message)),
		      "%s:\n%s", c->what, bt_dump(r));
	for (i = 0; i < coco_report_count(r); i++)
		ck_assert_msg(values[_i].value == COCO_CMS_VALUE_BAD ||
				  strstr(coco_finding_message(coco_report_get(r, i)),
					 "does not verify") == NULL,
			      "%s:\n%s", c->what, bt_dump(r));
	if (c->special == SP_SHA1)
		ck_assert_ptr_null(bt_find(r, "signature.digest", NULL));
	if (info->outcome.result == COCO_CMS_UNTRUSTED)
		ck_assert_msg(strlen(info->outcome.root_sha256) == 64 &&
				  strstr(info->outcome.root_subject, "Untrusted") != NULL,
			      "%s: root '%s'", c->what, info->outcome.root_subject);
	coco_report_free(r);
	free(der);
	free(data);
	coco_ctx_free(ctx);
}
END_TEST

/* A valid signature says so; one not judged (inspect) says that; an empty anchor set left
 * to the caller adds no finding, only the outcome. */
START_TEST(test_outcome_valid_inspect_no_anchors)
{
	static const char *const dirs[3] = {"trust", "trust", NULL};
	static const int trust[3] = {1, 0, 1};
	static const enum coco_cms_result want[3] = {COCO_CMS_VALID, COCO_CMS_NOT_CHECKED,
						     COCO_CMS_UNTRUSTED};
	struct coco_ctx *ctx = new_ctx(AT_LIB, dirs[_i]);
	struct coco_signer *s = bt_signer(ctx, "director");
	struct coco_report *r = NULL;
	struct coco_report_signature *info;
	struct coco_cms_check in;
	unsigned char *der = NULL;
	size_t len = 0;

	ck_assert_ptr_nonnull(s);
	coco_ctx_set_time(ctx, bt_time("2026-06-01"));
	ck_assert_int_eq(coco_cms_sign(ctx, s, manifest_bytes, MAN_LEN, &der, &len), COCO_OK);
	coco_ctx_set_time(ctx, bt_time(AT));
	ck_assert_int_eq(coco_report_new(&r), COCO_OK);
	ck_assert_ptr_nonnull(info = coco_report_add_signature(r));
	memset(&in, 0, sizeof(in));
	in.sig_entry = SIG_ENTRY, in.der = der, in.der_len = len, in.trust = trust[_i];
	in.data_entry = MAN_ENTRY, in.data = manifest_bytes, in.data_len = MAN_LEN;
	in.anchors = COCO_ANCHORS_SIGNERS, in.no_anchors_silent = 1;
	ck_assert_int_eq(coco_cms_verify(ctx, &in, r, info), COCO_OK);
	ck_assert_msg(info->outcome.result == want[_i], "case %d: outcome %d:\n%s", _i,
		      (int)info->outcome.result, bt_dump(r));
	ck_assert_int_eq(info->valid, _i == 0);
	ck_assert_int_eq(info->outcome.no_anchors, _i == 2);
	ck_assert_ptr_null(bt_find(r, "signer.untrusted", NULL));
	ck_assert_ptr_null(bt_find(r, "signature.crosscheck", NULL));
	coco_report_free(r);
	OPENSSL_free(der);
	coco_signer_free(s);
	coco_ctx_free(ctx);
}
END_TEST

/* A raw signature without flaws passes: the negative cases differ by their flaw only. */
START_TEST(test_raw_baseline)
{
	static const struct neg_case ok = {
	    "baseline", "director",         0, SP_NONE, "2026-06-01", AT, NULL, COCO_STATUS_PASS,
	    S_ENTRY,    COCO_VERDICT_PASSED};
	struct coco_ctx *ctx = new_ctx(AT, "trust");
	unsigned char *der = NULL;
	size_t len = 0;
	struct coco_report *r;

	make_sig(&ok, &der, &len);
	r = verify(ctx, der, len, manifest_bytes, MAN_LEN);
	expect(r, "signature.value", COCO_STATUS_PASS, SIG_ENTRY, COCO_VERDICT_PASSED, ok.what);
	ck_assert_uint_eq(bt_count_status(r, COCO_STATUS_FAIL), 0);
	coco_report_free(r);
	free(der);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- trust directories ---- */

/*
 * A copy of fixtures/trust with the signer CA's CRL removed (variant 1) or replaced by the
 * stale one (variant 2), or an empty folder (variant 0).
 */
static char *trust_variant(int variant, char *tmp)
{
	char *trust = bt_fmt("%s/trust", tmp), *src = bt_fixture("trust");
	char *crl = bt_fmt("%s/crl/signer-ca.crl.pem", trust);
	char *stale = bt_fixture("pki/crl/signer-ca-stale.crl.pem");
	unsigned char *buf = NULL;
	size_t len = 0;

	ck_assert_ptr_nonnull(trust);
	if (variant == 0) {
		ck_assert_int_eq(mkdir(trust, 0755), 0);
	} else {
		ck_assert_int_eq(bt_copytree(src, trust), 0);
		ck_assert_msg(unlink(crl) == 0, "no '%s' to remove", crl);
	}
	if (variant == 2) {
		ck_assert_int_eq(bt_read(stale, &buf, &len), 0);
		ck_assert_int_eq(bt_write(crl, buf, len), 0);
	}
	free(buf);
	free(src);
	free(crl);
	free(stale);
	return trust;
}

static const struct {
	const char *what, *id;
	enum coco_status status;
	enum coco_verdict verdict;
} trust_cases[] = {
    {"empty trust folder", "signer.untrusted", COCO_STATUS_INDETERMINATE,
     COCO_VERDICT_INDETERMINATE},
    {"no CRL from the signer CA", "signer.revocation", COCO_STATUS_WARN, COCO_VERDICT_PASSED},
    {"stale CRL from the signer CA", "signer.revocation", COCO_STATUS_WARN, COCO_VERDICT_PASSED},
};

START_TEST(test_trust_variants)
{
	struct coco_ctx *ctx = new_ctx(AT_LIB, NULL);
	struct coco_signer *s = bt_signer(ctx, "director");
	char *tmp = bt_mkdtemp(), *trust;
	struct coco_report *r;
	unsigned char *der = NULL;
	size_t len = 0;

	ck_assert_ptr_nonnull(tmp);
	ck_assert_ptr_nonnull(s);
	trust = trust_variant(_i, tmp);
	ck_assert_msg(coco_ctx_load_trust(ctx, trust) == COCO_OK, "%s", coco_ctx_error(ctx));
	ck_assert_int_eq(coco_cms_sign(ctx, s, manifest_bytes, MAN_LEN, &der, &len), COCO_OK);
	r = verify(ctx, der, len, manifest_bytes, MAN_LEN);
	expect(r, trust_cases[_i].id, trust_cases[_i].status, coco_signer_subject(s),
	       trust_cases[_i].verdict, trust_cases[_i].what);
	if (_i > 0) {
		expect(r, "signer.chain", COCO_STATUS_PASS, coco_signer_subject(s),
		       COCO_VERDICT_PASSED, trust_cases[_i].what);
		expect(r, "signature.value", COCO_STATUS_PASS, SIG_ENTRY, COCO_VERDICT_PASSED,
		       trust_cases[_i].what);
		ck_assert_ptr_null(bt_find_status(r, "signer.revocation", COCO_STATUS_PASS, NULL));
	}
	coco_report_free(r);
	OPENSSL_free(der);
	coco_signer_free(s);
	bt_rmtree(tmp);
	free(tmp);
	free(trust);
	coco_ctx_free(ctx);
}
END_TEST

/* No trust loaded at all: untrusted, not a crash. */
START_TEST(test_no_trust_loaded)
{
	struct coco_ctx *ctx = new_ctx(AT_LIB, NULL);
	struct coco_signer *s = bt_signer(ctx, "director");
	struct coco_report *r;
	unsigned char *der = NULL;
	size_t len = 0;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(coco_cms_sign(ctx, s, manifest_bytes, MAN_LEN, &der, &len), COCO_OK);
	r = verify(ctx, der, len, manifest_bytes, MAN_LEN);
	expect(r, "signer.untrusted", COCO_STATUS_INDETERMINATE, coco_signer_subject(s),
	       COCO_VERDICT_INDETERMINATE, "no trust");
	coco_report_free(r);
	OPENSSL_free(der);
	coco_signer_free(s);
	coco_ctx_free(ctx);
}
END_TEST

/* ---- loading signers ---- */

/* key, cert and p12 are file names below pki/. */
static const struct {
	const char *what, *key, *cert, *p12, *pass;
	enum coco_err err;
	const char *message; /* must appear in coco_ctx_error; "%k" / "%c" / "%p" = that path */
} load_cases[] = {
    {"expired", "expired.key", "expired.pem", NULL, NULL, COCO_ERR_REFUSED, "expired"},
    {"not yet valid", "notyet.key", "notyet.pem", NULL, NULL, COCO_ERR_REFUSED, "not valid until"},
    {"wrong key usage", "wrongku.key", "wrongku.pem", NULL, NULL, COCO_ERR_REFUSED, "keyUsage"},
    {"wrong extended key usage", "wrongeku.key", "wrongeku.pem", NULL, NULL, COCO_ERR_REFUSED,
     "extendedKeyUsage"},
    {"no keyUsage", "nokuext.key", "nokuext.pem", NULL, NULL, COCO_ERR_REFUSED, "keyUsage"},
    {"RSA-1024", "rsa1024.key", "rsa1024.pem", NULL, NULL, COCO_ERR_REFUSED, "2048"},
    /* OpenSSL 3.0's CMS cannot sign with EdDSA (3.2 can): refused up front, not mid-create */
    {"Ed25519 on OpenSSL 3.0", "director-ed25519.key", "director-ed25519.pem", NULL, NULL,
     COCO_ERR_REFUSED, "Ed25519"},
    {"key of another certificate", "director-ec.key", "director.pem", NULL, NULL, COCO_ERR_REFUSED,
     "does not match"},
    {"wrong pass-phrase", "director-enc.key", "director.pem", NULL, "not-the-pass", COCO_ERR_CRYPTO,
     "%k"},
    {"encrypted key without a callback", "director-enc.key", "director.pem", NULL, NULL,
     COCO_ERR_CRYPTO, "%k"},
    {"PKCS#12 wrong pass-phrase", NULL, NULL, "director.p12", "not-the-pass", COCO_ERR_CRYPTO,
     "%p"},
    {"PKCS#12 without a callback", NULL, NULL, "director.p12", NULL, COCO_ERR_CRYPTO, "%p"},
    {"missing key file", "no-such.key", "director.pem", NULL, NULL, COCO_ERR_IO, "%k"},
    {"missing certificate file", "director.key", "no-such.pem", NULL, NULL, COCO_ERR_IO, "%c"},
    {"missing PKCS#12 file", NULL, NULL, "no-such.p12", "x", COCO_ERR_IO, "%p"},
    {"certificate file holds a key", "director.key", "director.key", NULL, NULL, COCO_ERR_FORMAT,
     "%c"},
};

static char *pki_path(const char *name)
{
	return name != NULL ? bt_fixture("pki/%s", name) : NULL;
}

START_TEST(test_signer_load)
{
	struct coco_ctx *ctx = new_ctx(AT, NULL);
	char *key = pki_path(load_cases[_i].key), *cert = pki_path(load_cases[_i].cert);
	char *p12 = pki_path(load_cases[_i].p12), *chain = bt_fixture("pki/chain.pem");
	struct coco_signer *s = (struct coco_signer *)1;
	struct coco_signer_opts o;
	const char *want = load_cases[_i].message;
	enum coco_err err;

	memset(&o, 0, sizeof(o));
	o.key_path = key;
	o.cert_path = cert;
	o.chain_path = p12 ? NULL : chain;
	o.p12_path = p12;
	o.pass_cb = load_cases[_i].pass ? pass_cb : NULL;
	o.pass_arg = (void *)(uintptr_t)load_cases[_i].pass;
	err = coco_signer_load(ctx, &o, &s);
	ck_assert_msg(err == load_cases[_i].err, "%s: expected %s, got %s (%s)",
		      load_cases[_i].what, coco_strerror(load_cases[_i].err), coco_strerror(err),
		      coco_ctx_error(ctx));
	ck_assert_ptr_null(s);
	if (strcmp(want, "%k") == 0)
		want = key;
	else if (strcmp(want, "%c") == 0)
		want = cert;
	else if (strcmp(want, "%p") == 0)
		want = p12;
	ck_assert_msg(strstr(coco_ctx_error(ctx), want) != NULL, "%s: '%s' not in '%s'",
		      load_cases[_i].what, want, coco_ctx_error(ctx));
	free(key);
	free(cert);
	free(p12);
	free(chain);
	coco_ctx_free(ctx);
}
END_TEST

/* The refusal follows the context's time: the expired signer was fine in early 2025 (its
 * CA's validity begins in 2025, and the chain is checked too). */
START_TEST(test_signer_load_time)
{
	struct coco_ctx *ctx = new_ctx("2025-03-01", NULL);
	struct coco_signer *s = bt_signer(ctx, "expired");

	ck_assert_msg(s != NULL, "%s", coco_ctx_error(ctx));
	coco_signer_free(s);
	coco_ctx_free(ctx);
	ctx = new_ctx("2025-12-01", NULL);
	ck_assert_ptr_null(bt_signer(ctx, "director"));
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(ctx), "not valid until"));
	coco_ctx_free(ctx);
}
END_TEST

/* A pass-phrase answer that counts the times it is asked (test_signer_defer_p12). */
struct counted_pass {
	const char *pass;
	int calls;
};

static int counted_cb(char *buf, int size, void *arg)
{
	struct counted_pass *c = arg;

	c->calls++;
	return pass_cb(buf, size, (void *)(uintptr_t)c->pass);
}

/* COCO_SIGNER_DEFER_KEY with a PKCS#12 file that needs a pass-phrase (issue 18 item 7): load
 * asks nothing and knows no subject yet; unlock asks, and a failed unlock leaves the signer
 * locked, so a second one asks again instead of finding a key. */
START_TEST(test_signer_defer_p12)
{
	struct coco_ctx *ctx = new_ctx(AT, NULL);
	char *p12 = pki_path("director.p12");
	struct counted_pass c = {"not-the-pass", 0};
	struct coco_signer_opts o;
	struct coco_signer *s = NULL;

	memset(&o, 0, sizeof(o));
	o.p12_path = p12;
	o.pass_cb = counted_cb;
	o.pass_arg = &c;
	o.flags = COCO_SIGNER_DEFER_KEY;
	ck_assert_msg(coco_signer_load(ctx, &o, &s) == COCO_OK, "%s", coco_ctx_error(ctx));
	ck_assert_int_eq(c.calls, 0);
	ck_assert_ptr_null(coco_signer_subject(s));
	ck_assert_int_eq(coco_signer_unlock(ctx, s), COCO_ERR_CRYPTO);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(ctx), "wrong pass-phrase"));
	ck_assert_int_eq(coco_signer_unlock(ctx, s), COCO_ERR_CRYPTO);
	ck_assert_int_eq(c.calls, 2);
	c.pass = PASS;
	ck_assert_msg(coco_signer_unlock(ctx, s) == COCO_OK, "%s", coco_ctx_error(ctx));
	ck_assert_int_eq(c.calls, 3);
	ck_assert_ptr_nonnull(strstr(coco_signer_subject(s), "Jane Director"));
	ck_assert_int_eq(coco_signer_unlock(ctx, s), COCO_OK);
	ck_assert_int_eq(c.calls, 3);
	coco_signer_free(s);
	free(p12);
	coco_ctx_free(ctx);
}
END_TEST

/* A signer needs a key and a certificate, or PKCS#12. */
START_TEST(test_signer_load_args)
{
	struct coco_ctx *ctx = new_ctx(AT, NULL);
	struct coco_signer_opts o;
	struct coco_signer *s = NULL;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(coco_signer_load(ctx, &o, &s), COCO_ERR_ARG);
	ck_assert_ptr_null(s);
	o.key_path = "x.key";
	ck_assert_int_eq(coco_signer_load(ctx, &o, &s), COCO_ERR_ARG);
	ck_assert_ptr_null(s);
	coco_ctx_free(ctx);
}
END_TEST

Suite *cms_suite(void)
{
	Suite *s = suite_create("cms");
	TCase *tv = tcase_create("verify");
	TCase *tl = tcase_create("signer");

	tcase_set_timeout(tv, 60);
	tcase_add_unchecked_fixture(tv, bt_tmp_setup, bt_tmp_teardown);
	tcase_add_loop_test(tv, test_sign_verify, 0, (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_test(tv, test_verify_without_trust);
	tcase_add_test(tv, test_signing_time_from_ctx);
	tcase_add_test(tv, test_unknown_digest_algorithm);
	tcase_add_test(tv, test_raw_baseline);
	tcase_add_loop_test(tv, test_negative, 0, (int)(sizeof(neg) / sizeof(neg[0])));
	tcase_add_loop_test(tv, test_trust_variants, 0,
			    (int)(sizeof(trust_cases) / sizeof(trust_cases[0])));
	tcase_add_test(tv, test_no_trust_loaded);
	tcase_add_loop_test(tv, test_outcome, 0, (int)(sizeof(outcomes) / sizeof(outcomes[0])));
	tcase_add_loop_test(tv, test_outcome_valid_inspect_no_anchors, 0, 3);
	tcase_add_loop_test(tv, test_outcome_value, 0, (int)(sizeof(values) / sizeof(values[0])));
	suite_add_tcase(s, tv);
	tcase_add_loop_test(tl, test_signer_load, 0,
			    (int)(sizeof(load_cases) / sizeof(load_cases[0])));
	tcase_add_test(tl, test_signer_load_time);
	tcase_add_test(tl, test_signer_load_args);
	tcase_add_test(tl, test_signer_defer_p12);
	suite_add_tcase(s, tl);
	return s;
}
