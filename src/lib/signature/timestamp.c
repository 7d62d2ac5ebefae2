/*
 * RFC 3161 signature timestamps (CAdES-B-T). A token is a CMS SignedData whose content is
 * a TSTInfo: the TSA's statement that a hash (the messageImprint) existed at genTime. For
 * a signature timestamp the hash is over the SignerInfo's signature value (EN 319 122-1
 * §5.3), so a valid token proves the signature existed then, and the chain can be judged
 * at that time (cms.c). Each rule is checked on its own so the report can say which one
 * failed; the TSA's chain is judged at the verification time against tsa/ (a token whose
 * TSA certificate has since expired needs an archive timestamp, which is not built yet).
 * The same checks judge a token that stands alone over data its caller hashes, as a PDF
 * document timestamp is (coco_timestamp_verify), its findings under the caller's group.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "signature/cms.h"
#include "signature/timestamp.h"

#define COCO_MAX_TSA_REPLY (1024 * 1024) /* a reply is a few KiB; bound what we parse */
#define COCO_MAX_TOKENS 8

/* The rules a token is checked by, each with its own id: a signature timestamp's
 * (timestamp.*), or, for a token a document holds (coco_timestamp_token.id_group), the
 * group's <group>.timestamp_* (docs/checks.md). */
enum ts_rule { T_PARSE, T_SIGNATURE, T_IMPRINT, T_TSA_EKU, T_TIME, T_UNTRUSTED, T_CHAIN, T_N };

static const struct {
	const char *own, *grouped;
} ts_ids[T_N] = {
    [T_PARSE] = {"timestamp.parse", "timestamp_parse"},
    [T_SIGNATURE] = {"timestamp.signature", "timestamp_signature"},
    [T_IMPRINT] = {"timestamp.imprint", "timestamp_imprint"},
    [T_TSA_EKU] = {"timestamp.tsa_eku", "timestamp_tsa_eku"},
    [T_TIME] = {"timestamp.time", "timestamp_time"},
    [T_UNTRUSTED] = {"timestamp.untrusted", "timestamp_untrusted"},
    [T_CHAIN] = {"timestamp.chain", "timestamp_chain"},
};

/* One token's check, in progress. */
struct tscheck {
	struct coco_ctx *ctx;
	struct coco_report *r;
	const char *entry;
	const char *group; /* NULL: timestamp.* ids */
	const char *what;  /* what the imprint must be the hash of, for messages */
	int (*digest)(void *arg, const EVP_MD *md, unsigned char *out, unsigned int *out_len);
	void *digest_arg;
	char ids[T_N][48];
	CMS_ContentInfo *cms;
	TS_TST_INFO *tst;
	STACK_OF(X509) * certs;
	X509 *tsa; /* borrowed from certs */
	time_t gen_time;
	int parsed; /* the token's structure held: gen_time is its genTime */
	int bad;    /* a rule failed or the token proves nothing */
	int failed; /* a rule failed (not only a warning) */
};

static void ts_init(struct tscheck *t, struct coco_ctx *ctx, struct coco_report *r,
		    const char *entry, const char *group)
{
	size_t k;

	memset(t, 0, sizeof(*t));
	t->ctx = ctx, t->r = r, t->entry = entry, t->group = group;
	for (k = 0; k < T_N; k++)
		if (group == NULL)
			snprintf(t->ids[k], sizeof(t->ids[k]), "%s", ts_ids[k].own);
		else
			snprintf(t->ids[k], sizeof(t->ids[k]), "%s.%s", group, ts_ids[k].grouped);
}

/* A signature timestamp's imprint data: the SignerInfo's signature value (arg). */
static int digest_value(void *arg, const EVP_MD *md, unsigned char *out, unsigned int *out_len)
{
	const ASN1_OCTET_STRING *value = arg;

	return EVP_Digest(value->data, (size_t)value->length, out, out_len, md, NULL) == 1 ? 0 : -1;
}

static int allowed_imprint(int nid)
{
	return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

/* The token's structure: SignedData over a TSTInfo, one signer, its certificate included. */
static int token_parse(struct tscheck *t, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	ASN1_OCTET_STRING **content;
	STACK_OF(CMS_SignerInfo) * sis;
	CMS_SignerInfo *si;
	int i;

	if (len == 0 || len > COCO_MAX_TSA_REPLY)
		return -1;
	t->cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (t->cms == NULL || p != der + len ||
	    OBJ_obj2nid(CMS_get0_type(t->cms)) != NID_pkcs7_signed ||
	    OBJ_obj2nid(CMS_get0_eContentType(t->cms)) != NID_id_smime_ct_TSTInfo)
		return -1;
	content = CMS_get0_content(t->cms);
	sis = CMS_get0_SignerInfos(t->cms);
	if (content == NULL || *content == NULL || sk_CMS_SignerInfo_num(sis) != 1)
		return -1;
	p = (*content)->data;
	t->tst = d2i_TS_TST_INFO(NULL, &p, (*content)->length);
	if (t->tst == NULL || p != (*content)->data + (*content)->length ||
	    TS_TST_INFO_get_version(t->tst) != 1 ||
	    coco_asn1_time_to_time(TS_TST_INFO_get_time(t->tst), &t->gen_time) != 0)
		return -1;
	si = sk_CMS_SignerInfo_value(sis, 0);
	t->certs = CMS_get1_certs(t->cms);
	for (i = 0; i < sk_X509_num(t->certs) && t->tsa == NULL; i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(t->certs, i)) == 0)
			t->tsa = sk_X509_value(t->certs, i);
	t->parsed = 1;
	return 0;
}

static void tfail(struct tscheck *t, enum coco_status status, enum ts_rule k, const char *why)
{
	t->bad = 1;
	t->failed |= status == COCO_STATUS_FAIL;
	coco_report_add(t->r, status, t->ids[k], t->entry, "%s", why);
}

/* The token's own signature, over its TSTInfo, by the certificate it names. */
static void token_signature(struct tscheck *t)
{
	char why[256];

	ERR_clear_error();
	/* the TSA's chain is judged separately, against tsa/ (token_chain) */
	if (CMS_verify(t->cms, t->certs, NULL, NULL, NULL,
		       CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		coco_ssl_reason(why, sizeof(why));
		t->bad = t->failed = 1;
		coco_report_add(t->r, COCO_STATUS_FAIL, t->ids[T_SIGNATURE], t->entry,
				"the timestamp token's signature does not verify: %s", why);
	}
}

/* The ESS signing-certificate attribute the TSA signs (RFC 3161 2.4.1; its v2, RFC 5816):
 * it binds the token to the TSA certificate it names, which must be the one that signed. */
static void token_ess(struct tscheck *t)
{
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(t->cms), 0);
	int n1, n2;
	const ASN1_TYPE *v1 = coco_cms_signed_attr(si, NID_id_smime_aa_signingCertificate, &n1);
	const ASN1_TYPE *v2 = coco_cms_signed_attr(si, NID_id_smime_aa_signingCertificateV2, &n2);

	if (n1 > 1 || n2 > 1 || !coco_ess_identifies(v2, n2 == 1, v1, n1 == 1, t->tsa))
		tfail(t, COCO_STATUS_FAIL, T_SIGNATURE,
		      "the timestamp token's ESS signing-certificate attribute (RFC 3161 2.4.1, "
		      "RFC 5816) is missing, repeated or does not name its TSA certificate");
}

/* The messageImprint must be the hash of the data it timestamps (t->digest). */
static void token_imprint(struct tscheck *t)
{
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(t->tst);
	const ASN1_OCTET_STRING *msg = TS_MSG_IMPRINT_get_msg(mi);
	const X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(mi);
	const ASN1_OBJECT *obj;
	const EVP_MD *md;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (!allowed_imprint(OBJ_obj2nid(obj)) || (md = EVP_get_digestbyobj(obj)) == NULL) {
		tfail(t, COCO_STATUS_FAIL, T_IMPRINT,
		      "the timestamp's hash algorithm is not allowed (SHA-256/384/512 only)");
		return;
	}
	if (t->digest(t->digest_arg, md, h, &n) != 0) {
		ERR_clear_error();
		t->bad = t->failed = 1;
		coco_report_add(t->r, COCO_STATUS_FAIL, t->ids[T_IMPRINT], t->entry,
				"cannot hash %s to compare with the timestamp's imprint", t->what);
		return;
	}
	if ((unsigned int)ASN1_STRING_length(msg) != n ||
	    CRYPTO_memcmp(ASN1_STRING_get0_data(msg), h, n) != 0) {
		t->bad = t->failed = 1;
		coco_report_add(t->r, COCO_STATUS_FAIL, t->ids[T_IMPRINT], t->entry,
				"the timestamp is over other data: its imprint is not the hash of "
				"%s",
				t->what);
	}
}

/* The TSA: timeStamping its only, critical, extended key usage (RFC 3161 §2.3), and
 * genTime inside its validity. */
/* When a token's TSA is judged: an archive timestamp's proven time while one holds, else
 * the verification time. */
static time_t judge_time(struct coco_ctx *ctx)
{
	return ctx->ts_at_set ? ctx->ts_at : coco_ctx_time(ctx);
}

static void token_tsa_rules(struct tscheck *t)
{
	time_t nb = 0, na = 0;
	char tb[21];

	if (X509_check_purpose(t->tsa, X509_PURPOSE_TIMESTAMP_SIGN, 0) != 1)
		tfail(t, COCO_STATUS_FAIL, T_TSA_EKU,
		      "the TSA certificate's extended key usage is not timeStamping alone and "
		      "critical (RFC 3161 section 2.3)");
	if (coco_asn1_time_to_time(X509_get0_notBefore(t->tsa), &nb) != 0 ||
	    coco_asn1_time_to_time(X509_get0_notAfter(t->tsa), &na) != 0 || t->gen_time < nb ||
	    t->gen_time > na) {
		t->bad = t->failed = 1;
		coco_report_add(t->r, COCO_STATUS_FAIL, t->ids[T_TIME], t->entry,
				"the timestamp's time %s lies outside its TSA certificate's "
				"validity",
				coco_time_format(t->gen_time, tb));
	} else if (t->gen_time > judge_time(t->ctx)) {
		t->bad = t->failed = 1;
		coco_report_add(t->r, COCO_STATUS_FAIL, t->ids[T_TIME], t->entry,
				"the timestamp's time %s is after the verification time",
				coco_time_format(t->gen_time, tb));
	}
	ERR_clear_error();
}

static int untrusted_err(int err)
{
	return err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	       err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
}

/* What a token that proves nothing leaves a signature timestamp's signature to (a
 * document's token stands alone: it has nothing to add). */
static const char *judged_now(const struct tscheck *t)
{
	return t->group == NULL ? ", the signature is judged at the verification time" : "";
}

/* The verifier's callback for a TSA's chain: missing or stale revocation data pass, as for
 * a signer, but not a missing authority key identifier, whose tolerance is for signers'
 * certificates only (docs/TRUST.md). */
static int tsa_verify_cb(int ok, X509_STORE_CTX *sctx)
{
	if (!ok && X509_STORE_CTX_get_error(sctx) == X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER)
		return 0;
	return coco_verify_cb(ok, sctx);
}

/* The TSA's chain to tsa/ at the verification time. Missing revocation data for a TSA is
 * tolerated (tsa_verify_cb); a revoked TSA certificate fails. */
static void token_chain(struct tscheck *t)
{
	X509_STORE *store = t->ctx->stores[COCO_ANCHORS_TSA];
	X509_STORE_CTX *sctx = NULL;
	int err;

	if (store == NULL || t->ctx->n_anchors[COCO_ANCHORS_TSA] == 0) {
		t->bad = 1;
		coco_report_add(t->r, COCO_STATUS_WARN, t->ids[T_UNTRUSTED], t->entry,
				"no TSA anchors loaded (tsa/ in the trust directory is empty): the "
				"timestamp proves nothing%s",
				judged_now(t));
		return;
	}
	if ((sctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(sctx, store, t->tsa, t->certs)) {
		tfail(t, COCO_STATUS_FAIL, T_CHAIN, "cannot set up chain validation");
		goto out;
	}
	X509_STORE_CTX_set_time(sctx, 0, judge_time(t->ctx));
	/* with no app data, the callback passes over missing or stale revocation data (and a
	 * self-signed anchor's missing CRL) only; the store has none of its own: cms.c sets it
	 * where it verifies a signer */
	X509_STORE_CTX_set_verify_cb(sctx, tsa_verify_cb);
	if (X509_verify_cert(sctx) == 1)
		goto out;
	err = X509_STORE_CTX_get_error(sctx);
	t->bad = 1;
	t->failed = !untrusted_err(err) && err != X509_V_ERR_CERT_HAS_EXPIRED;
	/* EN 319 102-1: a timestamp that cannot be trusted (now) is no proof of existence, and
	 * the signature is judged at the verification time, as one without it */
	coco_report_add(t->r, t->failed ? COCO_STATUS_FAIL : COCO_STATUS_WARN,
			t->ids[untrusted_err(err) ? T_UNTRUSTED : T_CHAIN], t->entry,
			"the TSA certificate: %s (chain depth %d, against tsa/): the timestamp "
			"proves nothing",
			X509_verify_cert_error_string(err), X509_STORE_CTX_get_error_depth(sctx));
out:
	ERR_clear_error();
	X509_STORE_CTX_free(sctx);
}

/* Checks one token (what names it in messages); 0 and t->gen_time when it holds. */
static int token_check(struct tscheck *t, const unsigned char *der, size_t len, const char *what)
{
	char why[160];

	if (der == NULL || token_parse(t, der, len) != 0) {
		snprintf(why, sizeof(why),
			 "%s is not a DER RFC 3161 token (SignedData over a TSTInfo, one signer)",
			 what);
		tfail(t, COCO_STATUS_FAIL, T_PARSE, why);
		return -1;
	}
	if (t->tsa == NULL) {
		tfail(t, COCO_STATUS_WARN, T_UNTRUSTED,
		      "the timestamp token does not include the TSA's certificate: it proves "
		      "nothing");
		return -1;
	}
	token_signature(t);
	token_ess(t);
	token_imprint(t);
	token_tsa_rules(t);
	if (!t->bad)
		token_chain(t);
	return t->bad ? -1 : 0;
}

static void token_release(struct tscheck *t)
{
	CMS_ContentInfo_free(t->cms);
	TS_TST_INFO_free(t->tst);
	sk_X509_pop_free(t->certs, X509_free);
}

/* Records a token that holds: the earliest proven time wins. */
static void token_record(const struct tscheck *t, struct coco_report_signature *info)
{
	char tb[21], *name;

	if (info->has_timestamp && info->timestamp_time <= t->gen_time)
		return;
	name = coco_name_oneline(X509_get_subject_name(t->tsa));
	free(info->tsa);
	info->tsa = name;
	info->has_timestamp = 1;
	info->timestamp_time = t->gen_time;
	(void)coco_asn1_time_to_time(X509_get0_notAfter(t->tsa), &info->tsa_not_after);
	coco_report_add(t->r, COCO_STATUS_PASS, t->ids[T_TIME], t->entry,
			"the signature existed at %s: RFC 3161 timestamp by '%s'",
			coco_time_format(t->gen_time, tb), name ? name : "?");
}

/* CAdES archive-time-stamp-v3 attributes (EN 319 122-1 5.5.3, the LTA level inside the CMS)
 * are not verified: the report says so rather than passing over them in silence. */
static void note_archive_v3(CMS_SignerInfo *si, struct coco_report *r, const char *entry)
{
	ASN1_OBJECT *oid = OBJ_txt2obj("0.4.0.1733.2.4", 1);
	int n = 0, pos = -1;

	while (oid != NULL && (pos = CMS_unsigned_get_attr_by_OBJ(si, oid, pos)) >= 0)
		n++;
	ASN1_OBJECT_free(oid);
	if (n > 0)
		coco_report_add(r, COCO_STATUS_INFO, "timestamp.archive_v3", entry,
				"%d CAdES archive timestamp%s v3 (archive-time-stamp-v3): not "
				"verified, so the signature is judged without %s",
				n, n == 1 ? "" : "s", n == 1 ? "it" : "them");
}

void coco_timestamp_check(struct coco_ctx *ctx, CMS_SignerInfo *si, struct coco_report *r,
			  const char *entry, struct coco_report_signature *info)
{
	ASN1_OCTET_STRING *value = CMS_SignerInfo_get0_signature(si);
	const ASN1_TYPE *v;
	struct tscheck t;
	X509_ATTRIBUTE *a;
	int pos = -1, i, seen = 0;

	note_archive_v3(si, r, entry);
	while ((pos = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, pos)) >= 0) {
		a = CMS_unsigned_get_attr(si, pos);
		for (i = 0; i < X509_ATTRIBUTE_count(a); i++) {
			if (++seen > COCO_MAX_TOKENS) {
				coco_report_add(r, COCO_STATUS_FAIL, ts_ids[T_PARSE].own, entry,
						"more than %d signature timestamps",
						COCO_MAX_TOKENS);
				return;
			}
			ts_init(&t, ctx, r, entry, NULL);
			t.what = "this signature's value";
			t.digest = digest_value, t.digest_arg = value;
			v = X509_ATTRIBUTE_get0_type(a, i);
			if (token_check(
				&t,
				v && v->type == V_ASN1_SEQUENCE ? v->value.sequence->data : NULL,
				v && v->type == V_ASN1_SEQUENCE ? (size_t)v->value.sequence->length
								: 0,
				"the signatureTimeStampToken") == 0)
				token_record(&t, info);
			token_release(&t);
		}
	}
	ERR_clear_error();
}

enum coco_ts_result coco_timestamp_verify(struct coco_ctx *ctx,
					  const struct coco_timestamp_token *in,
					  struct coco_report *r, struct coco_timestamp_proof *out)
{
	struct tscheck t;

	memset(out, 0, sizeof(*out));
	ts_init(&t, ctx, r, in->entry, in->id_group);
	t.what = in->what, t.digest = in->digest, t.digest_arg = in->digest_arg;
	if (token_check(&t, in->der, in->der_len, in->name) == 0)
		out->result = COCO_TS_VALID;
	else
		out->result = t.failed ? COCO_TS_INVALID : COCO_TS_UNPROVEN;
	if (t.parsed) {
		out->gen_time = t.gen_time;
		out->has_gen_time = 1;
	}
	if (t.tsa != NULL && (out->tsa = coco_name_oneline(X509_get_subject_name(t.tsa))) == NULL)
		out->nomem = 1;
	if (t.tsa != NULL)
		(void)coco_asn1_time_to_time(X509_get0_notAfter(t.tsa), &out->tsa_not_after);
	token_release(&t);
	ERR_clear_error();
	return out->result;
}

/* The data of coco_timestamp_check_data, hashed for coco_timestamp_verify. */
struct mem_data {
	const unsigned char *p;
	size_t n;
};

static int digest_mem(void *arg, const EVP_MD *md, unsigned char *out, unsigned int *out_len)
{
	const struct mem_data *m = arg;

	return EVP_Digest(m->p, m->n, out, out_len, md, NULL) == 1 ? 0 : -1;
}

int coco_timestamp_check_data(struct coco_ctx *ctx, const unsigned char *der, size_t len,
			      const unsigned char *data, size_t data_len, struct coco_report *r,
			      const char *entry, struct coco_timestamp_proof *out)
{
	struct mem_data m = {data, data_len};
	struct coco_timestamp_token in;

	memset(&in, 0, sizeof(in));
	in.entry = entry, in.name = "the timestamp token", in.what = "the timestamped entry";
	in.der = der, in.der_len = len, in.digest = digest_mem, in.digest_arg = &m;
	if (coco_timestamp_verify(ctx, &in, r, out) != COCO_TS_VALID || out->nomem) {
		free(out->tsa);
		out->tsa = NULL;
		return -1;
	}
	return 0;
}

/* ---- creation --------------------------------------------------------------------- */

/* A request for a SHA-256 imprint of data with a fresh nonce, the certificate asked for.
 * The nonce has its top bit clear and the next one set, so it always encodes in 8 bytes. */
static TS_REQ *make_request(const unsigned char *data, size_t len, ASN1_INTEGER **nonce)
{
	unsigned char h[32], rnd[8];
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	BIGNUM *bn = NULL;
	int ok;

	*nonce = NULL;
	ok = req != NULL && mi != NULL && alg != NULL &&
	     EVP_Digest(data, len, h, NULL, EVP_sha256(), NULL) &&
	     RAND_bytes(rnd, sizeof(rnd)) == 1;
	if (ok) {
		rnd[0] = (unsigned char)((rnd[0] & 0x7f) | 0x40);
		X509_ALGOR_set_md(alg, EVP_sha256());
		ok = (bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) != NULL &&
		     (*nonce = BN_to_ASN1_INTEGER(bn, NULL)) != NULL &&
		     TS_REQ_set_version(req, 1) && TS_MSG_IMPRINT_set_algo(mi, alg) &&
		     TS_MSG_IMPRINT_set_msg(mi, h, sizeof(h)) && TS_REQ_set_msg_imprint(req, mi) &&
		     TS_REQ_set_nonce(req, *nonce) && TS_REQ_set_cert_req(req, 1);
	}
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	if (!ok) {
		TS_REQ_free(req);
		ASN1_INTEGER_free(*nonce);
		*nonce = NULL;
		req = NULL;
	}
	return req;
}

/* The token's bytes inside a TimeStampResp as the TSA wrote them: what follows the
 * PKIStatusInfo in the outer SEQUENCE. */
static int token_bytes(const unsigned char *reply, size_t len, const unsigned char **tok,
		       size_t *tok_len)
{
	const unsigned char *p = reply, *end;
	long n;
	int tag, cls;

	if (len > COCO_MAX_TSA_REPLY || ASN1_get_object(&p, &n, &tag, &cls, (long)len) != 0x20 ||
	    tag != V_ASN1_SEQUENCE)
		return -1;
	end = p + n;
	if (ASN1_get_object(&p, &n, &tag, &cls, end - p) != 0x20 || tag != V_ASN1_SEQUENCE)
		return -1;
	p += n;
	if (p >= end)
		return -1;
	*tok = p;
	*tok_len = (size_t)(end - p);
	return 0;
}

/* What the client must check of a reply (RFC 3161 §2.4.2): granted, the imprint and
 * nonce it asked for. NULL when it holds, else the reason. (OpenSSL 3.0 takes no const.) */
static const char *reply_problem(TS_RESP *resp, TS_REQ *req, const ASN1_INTEGER *nonce)
{
	const TS_STATUS_INFO *si = TS_RESP_get_status_info(resp);
	long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si));
	TS_TST_INFO *tst = TS_RESP_get_tst_info(resp);
	TS_MSG_IMPRINT *want = TS_REQ_get_msg_imprint(req), *got;

	if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS)
		return "the TSA refused the request";
	if (tst == NULL || TS_RESP_get_token(resp) == NULL)
		return "the reply holds no timestamp token";
	got = TS_TST_INFO_get_msg_imprint(tst);
	if (ASN1_STRING_cmp(TS_MSG_IMPRINT_get_msg(got), TS_MSG_IMPRINT_get_msg(want)) != 0 ||
	    OBJ_cmp(TS_MSG_IMPRINT_get_algo(got)->algorithm,
		    TS_MSG_IMPRINT_get_algo(want)->algorithm) != 0)
		return "the token is over other data (its imprint is not the one asked for)";
	if (TS_TST_INFO_get_nonce(tst) == NULL ||
	    ASN1_INTEGER_cmp(TS_TST_INFO_get_nonce(tst), nonce) != 0)
		return "the token's nonce is not the request's (a replayed answer?)";
	return NULL;
}

/* Sends req through fn and checks the reply; the token's bytes into tok (malloc'd). */
static enum coco_err ask_tsa(struct coco_ctx *ctx, coco_tsa_fn fn, void *arg, TS_REQ *req,
			     const ASN1_INTEGER *nonce, unsigned char **tok, size_t *tok_len)
{
	unsigned char *q = NULL, *reply = NULL;
	const unsigned char *p, *t;
	size_t reply_len = 0, tl;
	TS_RESP *resp = NULL;
	const char *problem;
	char why[256] = "";
	enum coco_err err = COCO_ERR_REFUSED;
	int n;

	*tok = NULL;
	if ((n = i2d_TS_REQ(req, &q)) <= 0)
		return coco_seterr_ssl(ctx, COCO_ERR_CRYPTO, "cannot encode the timestamp request");
	if (fn(arg, q, (size_t)n, &reply, &reply_len, why, sizeof(why)) != 0) {
		err = coco_seterr(ctx, COCO_ERR_IO, "timestamp request failed: %s",
				  why[0] ? why : "no reason given");
		goto out;
	}
	p = reply;
	if (reply == NULL || reply_len > COCO_MAX_TSA_REPLY ||
	    (resp = d2i_TS_RESP(NULL, &p, (long)reply_len)) == NULL || p != reply + reply_len) {
		err = coco_seterr(ctx, err, "the TSA's answer is not one DER TimeStampResp");
		goto out;
	}
	if ((problem = reply_problem(resp, req, nonce)) != NULL ||
	    (token_bytes(reply, reply_len, &t, &tl) != 0 && (problem = "no token") != NULL)) {
		err = coco_seterr(ctx, err, "timestamp refused: %s", problem);
		goto out;
	}
	if ((*tok = malloc(tl)) == NULL) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*tok, t, tl);
	*tok_len = tl;
	err = COCO_OK;
out:
	ERR_clear_error();
	OPENSSL_free(q);
	free(reply);
	TS_RESP_free(resp);
	return err;
}

enum coco_err coco_timestamp_add(struct coco_ctx *ctx, coco_tsa_fn fn, void *arg,
				 unsigned char **der, size_t *len)
{
	const unsigned char *p = *der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)*len);
	CMS_SignerInfo *si;
	const ASN1_OCTET_STRING *value;
	ASN1_INTEGER *nonce = NULL;
	TS_REQ *req = NULL;
	unsigned char *tok = NULL, *out = NULL;
	size_t tok_len = 0;
	enum coco_err err = COCO_ERR_CRYPTO;
	int n;

	if (cms == NULL || sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1) {
		err = coco_seterr(ctx, err, "cannot read the signature to timestamp");
		goto out;
	}
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	value = CMS_SignerInfo_get0_signature(si);
	if ((req = make_request(value->data, (size_t)value->length, &nonce)) == NULL) {
		err = coco_seterr_ssl(ctx, err, "cannot make the timestamp request");
		goto out;
	}
	if ((err = ask_tsa(ctx, fn, arg, req, nonce, &tok, &tok_len)) != COCO_OK)
		goto out;
	err = COCO_ERR_CRYPTO;
	if (!CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, tok,
					   (int)tok_len) ||
	    (n = i2d_CMS_ContentInfo(cms, &out)) <= 0) {
		err = coco_seterr_ssl(ctx, err, "cannot add the timestamp to the signature");
		goto out;
	}
	OPENSSL_free(*der);
	*der = out;
	out = NULL; /* transferred */
	*len = (size_t)n;
	err = COCO_OK;
out:
	ERR_clear_error();
	OPENSSL_free(out);
	free(tok);
	TS_REQ_free(req);
	ASN1_INTEGER_free(nonce);
	CMS_ContentInfo_free(cms);
	return err;
}

enum coco_err coco_timestamp_request(struct coco_ctx *ctx, coco_tsa_fn fn, void *arg,
				     const unsigned char *data, size_t len, unsigned char **tok,
				     size_t *tok_len)
{
	ASN1_INTEGER *nonce = NULL;
	TS_REQ *req = make_request(data, len, &nonce);
	enum coco_err err;

	*tok = NULL;
	if (req == NULL)
		err = coco_seterr_ssl(ctx, COCO_ERR_CRYPTO, "cannot make the timestamp request");
	else
		err = ask_tsa(ctx, fn, arg, req, nonce, tok, tok_len);
	ERR_clear_error();
	TS_REQ_free(req);
	ASN1_INTEGER_free(nonce);
	return err;
}
