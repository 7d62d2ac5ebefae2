/*
 * CAdES-B-B verification and signing with OpenSSL 3.0 CMS (NOTES.md section 3). Each
 * rule is checked on its own so the report can say exactly what is wrong: structure
 * (one CMS with nothing after it, SignedData, detached, id-data, one signer), algorithm
 * and key allow-lists, the signed attributes (each once), the signature value, the
 * message digest over the manifest bytes, ESS signing-certificate-v2, the signing
 * time, and the chain with CRLs at the verification time. When all of that passes,
 * CMS_verify(CMS_BINARY|CMS_CADES) must agree, as an independent second opinion.
 * Encoding: RFC 5652 and ETSI EN 319 122-1 require DER only of the signed attributes,
 * and the value is verified over their DER re-encoding (a signer that signed another
 * encoding fails the value check); the SignedData around them may be BER, as Adobe
 * writes it. A document's profile may relax some attribute rules (coco_cms_check.relax).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/x509v3.h>

#include "signature/cms.h"
#include "signature/timestamp.h"
#include "trust/policy.h"

#define OID_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"
#define OID_MS_DOCUMENT_SIGNING "1.3.6.1.4.1.311.10.3.12"

/* ---- finding ids ------------------------------------------------------------------ */

/* Every check this file reports on. */
enum check {
	K_PARSE,
	K_DETACHED,
	K_CONTENT_TYPE,
	K_SIGNERS,
	K_SIGNER_CERT,
	K_ALGORITHM,
	K_ATTRIBUTES,
	K_DIGEST,
	K_SIGNING_CERTIFICATE,
	K_SIGNING_TIME,
	K_VALUE,
	K_CROSSCHECK,
	K_KEY,
	K_KEY_USAGE,
	K_EXT_KEY_USAGE,
	K_CHAIN,
	K_EXPIRED,
	K_NOT_YET_VALID,
	K_REVOKED,
	K_UNTRUSTED,
	K_REVOCATION,
	K_AKID,
	K_N
};

/*
 * Each check's id: a bundle signature's own, or, when the caller names a group
 * (coco_cms_check.id_prefix), the class a signature embedded in a document is filed
 * under: <group>.contents (not one well-formed detached CMS), <group>.digest (the signed
 * bytes changed), <group>.signature (any other rule of the signature) or <group>.signer.
 */
static const struct {
	const char *own, *grouped;
} check_ids[K_N] = {
    [K_PARSE] = {"signature.parse", "contents"},
    [K_DETACHED] = {"signature.detached", "contents"},
    [K_CONTENT_TYPE] = {"signature.content_type", "signature"},
    [K_SIGNERS] = {"signature.signers", "signature"},
    [K_SIGNER_CERT] = {"signature.signer_cert", "signature"},
    [K_ALGORITHM] = {"signature.algorithm", "signature"},
    [K_ATTRIBUTES] = {"signature.attributes", "signature"},
    [K_DIGEST] = {"signature.digest", "digest"},
    [K_SIGNING_CERTIFICATE] = {"signature.signing_certificate", "signature"},
    [K_SIGNING_TIME] = {"signature.signing_time", "signature"},
    [K_VALUE] = {"signature.value", "signature"},
    [K_CROSSCHECK] = {"signature.crosscheck", "signature"},
    [K_KEY] = {"signer.key", "signer"},
    [K_KEY_USAGE] = {"signer.key_usage", "signer"},
    [K_EXT_KEY_USAGE] = {"signer.ext_key_usage", "signer"},
    [K_CHAIN] = {"signer.chain", "signer"},
    [K_EXPIRED] = {"signer.expired", "signer"},
    [K_NOT_YET_VALID] = {"signer.not_yet_valid", "signer"},
    [K_REVOKED] = {"signer.revoked", "signer"},
    [K_UNTRUSTED] = {"signer.untrusted", "signer"},
    [K_REVOCATION] = {"signer.revocation", "signer"},
    [K_AKID] = {"signer.akid", "signer"},
};

/* The ids of one verification's findings, composed once. */
struct ids {
	char id[K_N][48];
};

static void ids_init(struct ids *ids, const char *prefix)
{
	size_t k;

	for (k = 0; k < K_N; k++)
		if (prefix == NULL)
			snprintf(ids->id[k], sizeof(ids->id[k]), "%s", check_ids[k].own);
		else
			snprintf(ids->id[k], sizeof(ids->id[k]), "%s.%s", prefix,
				 check_ids[k].grouped);
}

/* ---- signer certificate rules ---------------------------------------------------- */

static const char *const ec_curves[] = {"prime256v1", "secp384r1", "secp521r1"};

/* NULL if the public key is allowed, else the reason. */
static const char *key_problem(EVP_PKEY *pk)
{
	char group[64];
	size_t i;

	if (pk == NULL)
		return "no usable public key";
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		return EVP_PKEY_get_bits(pk) >= 2048 ? NULL : "RSA key shorter than 2048 bits";
	case EVP_PKEY_ED25519:
		return NULL;
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
						    sizeof(group), NULL))
			return "EC key with explicit or unknown curve parameters";
		for (i = 0; i < sizeof(ec_curves) / sizeof(ec_curves[0]); i++)
			if (strcmp(group, ec_curves[i]) == 0)
				return NULL;
		return "EC curve not allowed (only P-256, P-384, P-521)";
	default:
		return "key type not allowed (only RSA, ECDSA, Ed25519)";
	}
}

static int eku_allowed(X509 *cert)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
	char oid[64];
	int i, ok = 0;

	for (i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku) && !ok; i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		int nid = OBJ_obj2nid(o);
		OBJ_obj2txt(oid, sizeof(oid), o, 1);
		ok = nid == NID_email_protect || nid == NID_anyExtendedKeyUsage ||
		     strcmp(oid, OID_DOCUMENT_SIGNING) == 0 ||
		     strcmp(oid, OID_MS_DOCUMENT_SIGNING) == 0;
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	return ok;
}

/* The signer rules' problems with cert, by check (NULL where the rule holds). */
static const enum check signer_checks[3] = {K_KEY, K_KEY_USAGE, K_EXT_KEY_USAGE};

static void signer_problems(X509 *cert, const char *problem[3])
{
	uint32_t flags = X509_get_extension_flags(cert);

	problem[0] = key_problem(X509_get0_pubkey(cert));
	if (flags & EXFLAG_INVALID)
		problem[1] = "certificate extensions are malformed";
	else if (!(flags & EXFLAG_KUSAGE))
		problem[1] = "no keyUsage extension (digitalSignature or nonRepudiation required)";
	else if (!(X509_get_key_usage(cert) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		problem[1] = "keyUsage has neither digitalSignature nor nonRepudiation";
	if ((flags & EXFLAG_XKUSAGE) && !eku_allowed(cert))
		problem[2] = "extendedKeyUsage allows none of emailProtection, documentSigning "
			     "(RFC 9336 or Microsoft's), anyExtendedKeyUsage";
}

/* Adds the signer rules' findings about subject to r; 0 when every rule holds. */
static int report_signer_rules(X509 *cert, struct coco_report *r, const struct ids *ids,
			       const char *subject)
{
	const char *problem[3] = {NULL, NULL, NULL};
	int i, bad = 0;

	signer_problems(cert, problem);
	for (i = 0; i < 3; i++)
		if (problem[i] != NULL) {
			coco_report_add(r, COCO_STATUS_FAIL, ids->id[signer_checks[i]], subject,
					"%s", problem[i]);
			bad = 1;
		}
	if (!bad)
		coco_report_add(r, COCO_STATUS_PASS, ids->id[K_KEY_USAGE], subject,
				"key, key usage and extended key usage allowed for signing");
	return bad ? -1 : 0;
}

int coco_cert_check_signer(X509 *cert, struct coco_report *r, const char *subject, char *why,
			   size_t why_size)
{
	const char *problem[3] = {NULL, NULL, NULL};
	struct ids ids;
	int i;

	if (r != NULL) {
		ids_init(&ids, NULL);
		return report_signer_rules(cert, r, &ids, subject);
	}
	signer_problems(cert, problem);
	for (i = 0; i < 3; i++)
		if (problem[i] != NULL) {
			snprintf(why, why_size, "%s", problem[i]);
			return -1;
		}
	return 0;
}

/* ---- verification ----------------------------------------------------------------- */

struct vstate {
	struct coco_report *r;
	const struct ids *ids;
	struct coco_cms_outcome *out;
	const char *subject;
	int hard_err, hard_depth;
	char hard_subject[512];
	int revocation_notes;
	enum coco_revocation revocation; /* from the policy */
	char anchor_sha256[65];          /* the validated chain's anchor, hex; empty if none */
	int akid_missing;                /* the end entity has no AKI, its issuer is unambiguous */
};

static int revocation_gap(int err)
{
	return err == X509_V_ERR_UNABLE_TO_GET_CRL || err == X509_V_ERR_CRL_HAS_EXPIRED ||
	       err == X509_V_ERR_CRL_NOT_YET_VALID;
}

/* The reasonCode of a CRL entry, or -1 when it has none. */
static int revocation_reason(const X509_REVOKED *rev)
{
	ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
	int code = reason != NULL ? (int)ASN1_ENUMERATED_get(reason) : -1;

	ASN1_ENUMERATED_free(reason);
	return code;
}

/* The outcome's facts about the chain's first hard error: which certificate, and when it
 * expired or was revoked (from the CRL OpenSSL was checking). */
static void hard_outcome(struct vstate *st, X509_STORE_CTX *sctx, X509 *cert)
{
	X509_CRL *crl = X509_STORE_CTX_get0_current_crl(sctx);
	X509_REVOKED *rev = NULL;

	st->out->depth = st->hard_depth;
	if (st->hard_err == X509_V_ERR_CERT_HAS_EXPIRED && cert != NULL)
		(void)coco_asn1_time_to_time(X509_get0_notAfter(cert), &st->out->expired_at);
	if (st->hard_err == X509_V_ERR_CERT_REVOKED && crl != NULL && cert != NULL &&
	    X509_CRL_get0_by_cert(crl, &rev, cert) == 1) {
		if (coco_asn1_time_to_time(X509_REVOKED_get0_revocationDate(rev),
					   &st->out->revoked_at) != 0)
			st->out->revoked_at = 0;
		st->out->revocation_reason = revocation_reason(rev);
	}
}

/* Whether the certificate named as issuer of cert has one key wherever the chain could take
 * it from (the trust store and the certificates the signature carries). */
static int issuer_unambiguous(X509_STORE_CTX *sctx, X509 *cert)
{
	const X509_NAME *iname = X509_get_issuer_name(cert);
	STACK_OF(X509) *found = X509_STORE_CTX_get1_certs(sctx, iname);
	STACK_OF(X509) *untrusted = X509_STORE_CTX_get0_untrusted(sctx);
	EVP_PKEY *key = NULL;
	/* NULL when the store holds none (sk_X509_num would say -1) */
	int i, n = found != NULL ? sk_X509_num(found) : 0, ok = 1;

	for (i = 0; ok && i < n + sk_X509_num(untrusted); i++) {
		X509 *x = i < n ? sk_X509_value(found, i) : sk_X509_value(untrusted, i - n);
		if (X509_NAME_cmp(X509_get_subject_name(x), iname) != 0)
			continue;
		if (key == NULL)
			key = X509_get0_pubkey(x);
		else
			ok = EVP_PKEY_eq(key, X509_get0_pubkey(x)) == 1;
	}
	sk_X509_pop_free(found, X509_free);
	ERR_clear_error();
	return ok && key != NULL;
}

/*
 * RFC 5280 4.2.1.1 wants an AKI in every certificate a conforming CA issues, and
 * X509_V_FLAG_X509_STRICT enforces it, but real CAs omit it on end-entity certificates.
 * Its purpose is to pick the issuer's key; when the issuer's name names one key, there is
 * nothing to pick, and the signature over the certificate is still checked (docs/TRUST.md).
 */
static int akid_tolerable(X509_STORE_CTX *sctx, int err, X509 *cert)
{
	struct vstate *st = X509_STORE_CTX_get_app_data(sctx);

	if (err != X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER || cert == NULL ||
	    X509_STORE_CTX_get_error_depth(sctx) != 0 || !issuer_unambiguous(sctx, cert))
		return 0;
	if (st != NULL)
		st->akid_missing = 1;
	return 1;
}

int coco_verify_cb(int ok, X509_STORE_CTX *sctx)
{
	struct vstate *st = X509_STORE_CTX_get_app_data(sctx);
	int err = X509_STORE_CTX_get_error(sctx);
	X509 *cert = X509_STORE_CTX_get_current_cert(sctx);
	char *name;

	if (ok)
		return 1;
	/* A self-signed anchor is withdrawn by removing it from signers/, not by a CRL. */
	if (err == X509_V_ERR_UNABLE_TO_GET_CRL && cert != NULL &&
	    (X509_get_extension_flags(cert) & EXFLAG_SS))
		return 1;
	if (akid_tolerable(sctx, err, cert))
		return 1;
	if (revocation_gap(err)) {
		if (st != NULL && cert != NULL &&
		    (name = coco_name_oneline(X509_get_subject_name(cert)))) {
			const char *why =
			    err == X509_V_ERR_UNABLE_TO_GET_CRL
				? "no revocation data: no CRL from this certificate's "
				  "issuer in the trust directory"
				: "revocation data out of date: the issuer's CRL is not "
				  "current at the verification time";
			if (st->revocation == COCO_REVOCATION_REQUIRE)
				coco_report_add(st->r, COCO_STATUS_INDETERMINATE,
						st->ids->id[K_REVOCATION], name, "%s", why);
			else /* whether to accept it unchecked is the SIRO's call */
				coco_report_add_manual(st->r, st->ids->id[K_REVOCATION], name,
						       "%s: confirm the certificate is not revoked",
						       why);
			st->revocation_notes++;
			free(name);
		}
		return 1;
	}
	if (st != NULL && st->hard_err == 0) {
		st->hard_err = err;
		st->hard_depth = X509_STORE_CTX_get_error_depth(sctx);
		name = cert ? coco_name_oneline(X509_get_subject_name(cert)) : NULL;
		snprintf(st->hard_subject, sizeof(st->hard_subject), "%s", name ? name : "?");
		free(name);
		hard_outcome(st, sctx, cert);
	}
	return 0;
}

static const struct {
	int err;
	enum check check;
	enum coco_status status;
	enum coco_cms_result result;
} chain_errors[] = {
    {X509_V_ERR_CERT_HAS_EXPIRED, K_EXPIRED, COCO_STATUS_INDETERMINATE, COCO_CMS_EXPIRED},
    {X509_V_ERR_CERT_NOT_YET_VALID, K_NOT_YET_VALID, COCO_STATUS_FAIL, COCO_CMS_INVALID},
    {X509_V_ERR_CERT_REVOKED, K_REVOKED, COCO_STATUS_FAIL, COCO_CMS_REVOKED},
    {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, K_UNTRUSTED, COCO_STATUS_INDETERMINATE,
     COCO_CMS_UNTRUSTED},
    {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, K_UNTRUSTED, COCO_STATUS_INDETERMINATE,
     COCO_CMS_UNTRUSTED},
    {X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, K_UNTRUSTED, COCO_STATUS_INDETERMINATE,
     COCO_CMS_UNTRUSTED},
    {X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, K_UNTRUSTED, COCO_STATUS_INDETERMINATE,
     COCO_CMS_UNTRUSTED},
    {X509_V_ERR_EE_KEY_TOO_SMALL, K_KEY, COCO_STATUS_FAIL, COCO_CMS_INVALID},
    {X509_V_ERR_CA_KEY_TOO_SMALL, K_KEY, COCO_STATUS_FAIL, COCO_CMS_INVALID},
    {X509_V_ERR_CA_MD_TOO_WEAK, K_KEY, COCO_STATUS_FAIL, COCO_CMS_INVALID},
};

/* The SHA-256 of a certificate's DER, lower-case hex (empty on failure). */
static void cert_fingerprint(X509 *cert, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	out[0] = '\0';
	if (cert == NULL || !X509_digest(cert, EVP_sha256(), md, &n) || n != 32)
		return;
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* An UNTRUSTED chain's top, as far as it was built: the root the anchor set lacks. */
static void untrusted_root(X509_STORE_CTX *sctx, struct coco_cms_outcome *out)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(sctx);
	X509 *top = sk_X509_num(chain) > 0 ? sk_X509_value(chain, sk_X509_num(chain) - 1) : NULL;
	char *name = top ? coco_name_oneline(X509_get_subject_name(top)) : NULL;

	snprintf(out->root_subject, sizeof(out->root_subject), "%s", name ? name : "");
	cert_fingerprint(top, out->root_sha256);
	free(name);
}

/* The chain's first hard error: its finding (none for an untrusted chain the caller
 * reports itself), and the outcome it decides. */
static void report_chain_error(struct vstate *st, const struct coco_cms_check *in,
			       X509_STORE_CTX *sctx)
{
	const int strict = in->strict;
	enum check check = K_CHAIN;
	enum coco_status status = COCO_STATUS_FAIL;
	size_t i, from;

	st->out->result = COCO_CMS_INVALID;
	for (i = 0; i < sizeof(chain_errors) / sizeof(chain_errors[0]); i++)
		if (chain_errors[i].err == st->hard_err) {
			check = chain_errors[i].check;
			status = chain_errors[i].status;
			st->out->result = chain_errors[i].result;
		}
	if (strict && status == COCO_STATUS_INDETERMINATE &&
	    st->hard_err != X509_V_ERR_CERT_HAS_EXPIRED)
		status = COCO_STATUS_FAIL;
	if (st->out->result == COCO_CMS_UNTRUSTED)
		untrusted_root(sctx, st->out);
	if (st->out->result == COCO_CMS_UNTRUSTED && in->untrusted_silent)
		return;
	from = coco_report_count(st->r);
	coco_report_add(st->r, status, st->ids->id[check], st->hard_subject,
			"%s (certificate at chain depth %d)%s",
			X509_verify_cert_error_string(st->hard_err), st->hard_depth,
			st->hard_err == X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER
			    ? ": more than one key goes by its issuer's name, so which one "
			      "issued it is ambiguous"
			    : "");
	if (st->out->result == COCO_CMS_EXPIRED)
		coco_report_set_cause(st->r, from, COCO_CAUSE_EXPIRY);
}

static const char *const anchor_folder[COCO_N_ANCHOR_SETS] = {"signers/", "bodies/", "siro/",
							      "tsa/"};

/* What the issuer's CRLs say of one certificate at `now`. */
struct crl_view {
	int current;  /* a CRL is current at now (issued by then, nextUpdate not passed) */
	int revoked;  /* some CRL lists the certificate */
	time_t since; /* the earliest revocation date listed (0 if one cannot be read) */
	int reason;   /* that entry's reasonCode, or -1 */
};

/* Whether entry rev only holds the certificate (reason certificateHold): reversible, so a
 * CRL that is no longer current says nothing about it now. */
static int on_hold(const X509_REVOKED *rev)
{
	return revocation_reason(rev) == CRL_REASON_CERTIFICATE_HOLD;
}

/* Adds one CRL's entry for cert, if it lists it, to view. */
static void crl_entry(X509_CRL *c, X509 *cert, int current, struct crl_view *view)
{
	X509_REVOKED *rev = NULL;
	time_t when = 0;

	if (X509_CRL_get0_by_cert(c, &rev, cert) != 1 || (!current && on_hold(rev)))
		return;
	if (coco_asn1_time_to_time(X509_REVOKED_get0_revocationDate(rev), &when) != 0)
		when = 0; /* unreadable: taken as revoked before anything */
	if (!view->revoked || when < view->since) {
		view->since = when;
		view->reason = revocation_reason(rev);
	}
	view->revoked = 1;
}

/*
 * Every CRL from issuer that verifies with its key and was issued by `now`. Whether one is
 * current decides whether revocation data is missing; a revocation listed by any of them
 * stands, even when its CRL is out of date: a revoked certificate does not come back.
 */
static void crl_view(X509_STORE_CTX *sctx, X509 *issuer, X509 *cert, time_t now,
		     struct crl_view *view)
{
	STACK_OF(X509_CRL) *crls = X509_STORE_CTX_get1_crls(sctx, X509_get_subject_name(issuer));
	time_t last, next;
	int i, current;

	memset(view, 0, sizeof(*view));
	for (i = 0; i < sk_X509_CRL_num(crls); i++) {
		X509_CRL *c = sk_X509_CRL_value(crls, i);
		if (X509_CRL_verify(c, X509_get0_pubkey(issuer)) != 1 ||
		    coco_asn1_time_to_time(X509_CRL_get0_lastUpdate(c), &last) != 0 || last > now)
			continue;
		current = X509_CRL_get0_nextUpdate(c) != NULL &&
			  coco_asn1_time_to_time(X509_CRL_get0_nextUpdate(c), &next) == 0 &&
			  next >= now;
		view->current |= current;
		crl_entry(c, cert, current, view);
	}
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	ERR_clear_error();
}

/* No current CRL for cert: the policy says whether that is indeterminate or a manual check. */
static void revocation_gap_since(struct vstate *st, const char *name, time_t proof)
{
	char tb[21];

	if (st->revocation == COCO_REVOCATION_REQUIRE)
		coco_report_add(st->r, COCO_STATUS_INDETERMINATE, st->ids->id[K_REVOCATION], name,
				"no current CRL from this certificate's issuer");
	else
		coco_report_add_manual(st->r, st->ids->id[K_REVOCATION], name,
				       "no current CRL from this certificate's issuer: "
				       "confirm it was not revoked before %s",
				       coco_time_format(proof, tb));
}

/* The outcome of a certificate at depth revoked before the proof time (the first found). */
static void revoked_outcome(struct coco_cms_outcome *out, int depth, const struct crl_view *view)
{
	if (out->result == COCO_CMS_REVOKED)
		return;
	out->result = COCO_CMS_REVOKED;
	out->depth = depth;
	out->revoked_at = view->since;
	out->revocation_reason = view->reason;
}

/* Long-term validation: the chain was built at the proof time without CRLs (a CRL issued
 * since then is not valid then); each certificate is now checked against the CRLs known at
 * the verification time. Revoked before the proof time fails, whether or not the CRL that
 * says so is still current; revoked after it does not undo the proof. */
static void revocation_since(struct coco_ctx *ctx, X509_STORE_CTX *sctx, STACK_OF(X509) * chain,
			     time_t proof, struct vstate *st)
{
	struct crl_view view;
	char tb[21], tb2[21], *name;
	int i, gaps = 0;

	for (i = 0; i + 1 < sk_X509_num(chain); i++) {
		X509 *cert = sk_X509_value(chain, i);
		crl_view(sctx, sk_X509_value(chain, i + 1), cert, coco_ctx_time(ctx), &view);
		name = coco_name_oneline(X509_get_subject_name(cert));
		gaps += view.revoked || !view.current;
		if (view.revoked && view.since <= proof) {
			coco_report_add(st->r, COCO_STATUS_FAIL, st->ids->id[K_REVOKED], name,
					"revoked on %s, before %s, when the signature is proven to "
					"exist",
					coco_time_format(view.since, tb),
					coco_time_format(proof, tb2));
			revoked_outcome(st->out, i, &view);
		} else if (view.revoked) {
			const size_t from = coco_report_count(st->r);
			coco_report_add(st->r, COCO_STATUS_INFO, st->ids->id[K_REVOCATION], name,
					"revoked on %s, after %s, when the signature is proven to "
					"exist: the signature stands",
					coco_time_format(view.since, tb),
					coco_time_format(proof, tb2));
			coco_report_set_cause(st->r, from, COCO_CAUSE_REVOKED_LATER);
		}
		if (!view.current && !(view.revoked && view.since <= proof))
			revocation_gap_since(st, name, proof);
		free(name);
	}
	if (gaps == 0)
		coco_report_add(st->r, COCO_STATUS_PASS, st->ids->id[K_REVOCATION], st->subject,
				"no certificate in the chain was revoked before %s (current CRLs)",
				coco_time_format(proof, tb));
}

static void report_chain_ok(const struct coco_cms_check *in, STACK_OF(X509) * chain,
			    struct vstate *st)
{
	char tb[21], *anchor = coco_name_oneline(
			 X509_get_subject_name(sk_X509_value(chain, sk_X509_num(chain) - 1)));

	if (in->chain_time_set)
		coco_report_add(st->r, COCO_STATUS_PASS, st->ids->id[K_CHAIN], st->subject,
				"chains to trust anchor '%s' at %s", anchor ? anchor : "?",
				coco_time_format(in->chain_time, tb));
	else
		coco_report_add(st->r, COCO_STATUS_PASS, st->ids->id[K_CHAIN], st->subject,
				"chains to trust anchor '%s' at the verification time",
				anchor ? anchor : "?");
	free(anchor);
}

static void check_chain(struct coco_ctx *ctx, const struct coco_cms_check *in, X509 *signer,
			STACK_OF(X509) * certs, struct vstate *st)
{
	X509_STORE *store = ctx->stores[in->anchors];
	X509_STORE_CTX *sctx = NULL;
	STACK_OF(X509) * chain;
	int rc;

	if (store == NULL || ctx->n_anchors[in->anchors] == 0) {
		st->out->result = COCO_CMS_UNTRUSTED;
		st->out->no_anchors = 1;
		if (!in->no_anchors_silent)
			coco_report_add(
			    st->r, in->strict ? COCO_STATUS_FAIL : COCO_STATUS_INDETERMINATE,
			    st->ids->id[K_UNTRUSTED], st->subject,
			    "no trust anchors loaded (%s in the trust directory is empty)",
			    anchor_folder[in->anchors]);
		return;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store),
				   in->chain_time_set ? in->chain_time : coco_ctx_time(ctx));
	/* the verifier's rules, here and in the CMS_verify cross-check on the same store
	 * (each context owns its store: trust.c) */
	X509_STORE_set_verify_cb(store, coco_verify_cb);
	if ((sctx = X509_STORE_CTX_new()) == NULL ||
	    !X509_STORE_CTX_init(sctx, store, signer, certs)) {
		coco_report_add(st->r, COCO_STATUS_FAIL, st->ids->id[K_CHAIN], st->subject,
				"cannot set up chain validation");
		st->out->result = COCO_CMS_INVALID;
		goto out;
	}
	X509_STORE_CTX_set_app_data(sctx, st);
	if (st->revocation == COCO_REVOCATION_OFF || in->chain_time_set)
		X509_VERIFY_PARAM_clear_flags(X509_STORE_CTX_get0_param(sctx),
					      X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	rc = X509_verify_cert(sctx);
	if (rc != 1 || st->hard_err != 0) {
		if (st->hard_err == 0) {
			st->hard_err = X509_STORE_CTX_get_error(sctx);
			snprintf(st->hard_subject, sizeof(st->hard_subject), "%s", st->subject);
		}
		report_chain_error(st, in, sctx);
		goto out;
	}
	chain = X509_STORE_CTX_get0_chain(sctx);
	report_chain_ok(in, chain, st);
	if (st->akid_missing)
		coco_report_add(st->r, COCO_STATUS_INFO, st->ids->id[K_AKID], st->subject,
				"no authority key identifier (RFC 5280 4.2.1.1): accepted, as one "
				"key goes by its issuer's name in the trust directory and the "
				"signature's certificates");
	cert_fingerprint(sk_X509_value(chain, sk_X509_num(chain) - 1), st->anchor_sha256);
	if (st->revocation == COCO_REVOCATION_OFF)
		coco_report_add(st->r, COCO_STATUS_INFO, st->ids->id[K_REVOCATION], st->subject,
				"revocation not checked: the policy's revocation mode is off");
	else if (in->chain_time_set)
		revocation_since(ctx, sctx, chain, in->chain_time, st);
	else if (st->revocation_notes == 0)
		coco_report_add(st->r, COCO_STATUS_PASS, st->ids->id[K_REVOCATION], st->subject,
				"no certificate in the chain is revoked (CRLs checked)");
out:
	X509_STORE_CTX_free(sctx);
}

static int allowed_digest(int nid)
{
	return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

static int allowed_sigalg(int nid)
{
	static const int ok[] = {NID_rsaEncryption,
				 NID_sha256WithRSAEncryption,
				 NID_sha384WithRSAEncryption,
				 NID_sha512WithRSAEncryption,
				 NID_rsassaPss,
				 NID_ecdsa_with_SHA256,
				 NID_ecdsa_with_SHA384,
				 NID_ecdsa_with_SHA512,
				 NID_X9_62_id_ecPublicKey,
				 NID_ED25519};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] == nid)
			return 1;
	return 0;
}

/* The single value of the signed attribute nid, or NULL (count says how many there are). */
ASN1_TYPE *coco_cms_signed_attr(CMS_SignerInfo *si, int nid, int *count)
{
	X509_ATTRIBUTE *a = NULL;
	int pos = -1;

	*count = 0;
	while ((pos = CMS_signed_get_attr_by_NID(si, nid, pos)) >= 0) {
		a = CMS_signed_get_attr(si, pos);
		(*count)++;
	}
	if (*count != 1 || X509_ATTRIBUTE_count(a) != 1)
		return NULL;
	return X509_ATTRIBUTE_get0_type(a, 0);
}

struct sigcheck {
	struct coco_ctx *ctx;
	const struct coco_cms_check *in;
	struct coco_report *r;
	const struct ids *ids;
	const char *entry;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	X509 *signer;
	STACK_OF(X509) * certs;
	struct coco_report_signature *info;
	int bad;
	int refused;        /* an algorithm is outside the allow-list: the value is not checked */
	int refused_digest; /* the digest algorithm is: nor is the message digest */
	int no_attrs;       /* no signed attributes: nothing for the value to be checked over */
};

static void sfail(struct sigcheck *c, enum check k, const char *fmt, ...) COCO_PRINTF(3, 4);
static void sfail(struct sigcheck *c, enum check k, const char *fmt, ...)
{
	va_list ap;

	c->bad = 1;
	va_start(ap, fmt);
	coco_report_addv(c->r, COCO_STATUS_FAIL, c->ids->id[k], c->entry, fmt, ap);
	va_end(ap);
}

/* Structure: SignedData, detached, id-data, one signer whose certificate is included. */
static int check_structure(struct sigcheck *c, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	STACK_OF(CMS_SignerInfo) * sis;
	ASN1_OCTET_STRING **content;
	int i;

	c->cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (c->cms == NULL || p != der + len) {
		sfail(c, K_PARSE, "not a single CMS structure (DER or BER) with nothing after it");
		return -1;
	}
	if (OBJ_obj2nid(CMS_get0_type(c->cms)) != NID_pkcs7_signed) {
		sfail(c, K_PARSE, "CMS content type is not SignedData");
		return -1;
	}
	content = CMS_get0_content(c->cms);
	if (CMS_is_detached(c->cms) != 1 || (content != NULL && *content != NULL))
		sfail(c, K_DETACHED, "signature is not detached: it embeds content");
	if (OBJ_obj2nid(CMS_get0_eContentType(c->cms)) != NID_pkcs7_data)
		sfail(c, K_CONTENT_TYPE, "encapsulated content type is not id-data");
	sis = CMS_get0_SignerInfos(c->cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		sfail(c, K_SIGNERS, "exactly one SignerInfo is required");
		return -1;
	}
	c->si = sk_CMS_SignerInfo_value(sis, 0);
	c->certs = CMS_get1_certs(c->cms);
	if (sk_X509_num(c->certs) > (int)COCO_MAX_CERTS) {
		sfail(c, K_PARSE, "more certificates than the limit");
		return -1;
	}
	for (i = 0; i < sk_X509_num(c->certs) && c->signer == NULL; i++)
		if (CMS_SignerInfo_cert_cmp(c->si, sk_X509_value(c->certs, i)) == 0)
			c->signer = sk_X509_value(c->certs, i);
	if (c->signer == NULL) {
		sfail(c, K_SIGNER_CERT, "the signer's certificate is not included");
		return -1;
	}
	CMS_SignerInfo_set1_signer_cert(c->si, c->signer);
	return c->bad ? -1 : 0;
}

/* The name's last entry of type nid as UTF-8 (malloc'd), or NULL. */
static char *name_entry_utf8(const X509_NAME *name, int nid)
{
	int i = -1, last = -1;
	unsigned char *utf8 = NULL;
	char *out = NULL;
	int n;

	while ((i = X509_NAME_get_index_by_NID(name, nid, i)) >= 0)
		last = i;
	if (last < 0)
		return NULL;
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
	if (n >= 0 && memchr(utf8, '\0', (size_t)n) == NULL)
		out = coco_strndup((const char *)utf8, (size_t)n);
	OPENSSL_free(utf8);
	return out;
}

char *coco_cert_common_name(const X509_NAME *name)
{
	return name_entry_utf8(name, NID_commonName);
}

char *coco_cert_organisation(const X509_NAME *name)
{
	return name_entry_utf8(name, NID_organizationName);
}

char *coco_cert_org_id(const X509_NAME *name)
{
	return name_entry_utf8(name, NID_organizationIdentifier);
}

static void fill_info(struct sigcheck *c)
{
	struct coco_report_signature *info = c->info;
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c->signer), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	info->subject = coco_name_oneline(X509_get_subject_name(c->signer));
	info->common_name = coco_cert_common_name(X509_get_subject_name(c->signer));
	info->organisation = coco_cert_organisation(X509_get_subject_name(c->signer));
	info->org_id = coco_cert_org_id(X509_get_subject_name(c->signer));
	info->issuer = coco_name_oneline(X509_get_issuer_name(c->signer));
	info->serial = hex ? coco_strndup(hex, strlen(hex)) : NULL;
	(void)coco_asn1_time_to_time(X509_get0_notBefore(c->signer), &info->not_before);
	(void)coco_asn1_time_to_time(X509_get0_notAfter(c->signer), &info->not_after);
	OPENSSL_free(hex);
	BN_free(bn);
}

static void check_algorithms(struct sigcheck *c)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	const ASN1_OBJECT *obj;
	char txt[80];

	CMS_SignerInfo_get0_algs(c->si, NULL, NULL, &dig, &sig);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	if (!allowed_digest(OBJ_obj2nid(obj))) {
		OBJ_obj2txt(txt, sizeof(txt), obj, 0);
		sfail(c, K_ALGORITHM, "digest algorithm '%s' not allowed (SHA-256/384/512 only)",
		      txt);
		c->refused = c->refused_digest = 1;
	}
	X509_ALGOR_get0(&obj, NULL, NULL, sig);
	if (!allowed_sigalg(OBJ_obj2nid(obj))) {
		OBJ_obj2txt(txt, sizeof(txt), obj, 0);
		sfail(c, K_ALGORITHM, "signature algorithm '%s' not allowed", txt);
		c->refused = 1;
	}
}

/* The message-digest attribute must equal the digest of the manifest bytes. */
/* The message-digest attribute must equal the digest of the signed data. */
static void check_message_digest(struct sigcheck *c, ASN1_TYPE *md_attr)
{
	const struct coco_cms_check *in = c->in;
	X509_ALGOR *dig = NULL;
	const ASN1_OBJECT *obj;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *alg;
	int ok;

	CMS_SignerInfo_get0_algs(c->si, NULL, NULL, &dig, NULL);
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	alg = EVP_get_digestbyobj(obj);
	ok = alg != NULL &&
	     (in->data != NULL     ? EVP_Digest(in->data, in->data_len, md, &mdlen, alg, NULL) == 1
	      : in->digest != NULL ? in->digest(in->digest_arg, alg, md, &mdlen) == 0
				   : 0);
	if (md_attr == NULL || md_attr->type != V_ASN1_OCTET_STRING || !ok) {
		sfail(c, K_ATTRIBUTES, "message-digest attribute missing or unusable");
		return;
	}
	if ((unsigned int)md_attr->value.octet_string->length != mdlen ||
	    CRYPTO_memcmp(md_attr->value.octet_string->data, md, mdlen) != 0)
		sfail(c, K_DIGEST, "message digest does not match the bytes of '%s'",
		      in->data_entry);
}

/* An ESS attribute's value (a SEQUENCE): its bytes in *p, its length, or -1. */
static long ess_bytes(const ASN1_TYPE *a, const unsigned char **p)
{
	if (a == NULL || a->type != V_ASN1_SEQUENCE)
		return -1;
	*p = a->value.sequence->data;
	return a->value.sequence->length;
}

int coco_ess_identifies(const ASN1_TYPE *v2, int has_v2, const ASN1_TYPE *v1, int has_v1,
			X509 *cert)
{
	ESS_SIGNING_CERT_V2 *ss2 = NULL;
	ESS_SIGNING_CERT *ss1 = NULL;
	STACK_OF(X509) *chain = sk_X509_new_null();
	const unsigned char *p = NULL;
	long len;
	int ok;

	if (has_v2 && (len = ess_bytes(v2, &p)) >= 0)
		ss2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, len);
	if (has_v1 && (len = ess_bytes(v1, &p)) >= 0)
		ss1 = d2i_ESS_SIGNING_CERT(NULL, &p, len);
	ok = (has_v1 || has_v2) && (!has_v2 || ss2 != NULL) && (!has_v1 || ss1 != NULL) &&
	     chain != NULL && sk_X509_push(chain, cert) &&
	     OSSL_ESS_check_signing_certs(ss1, ss2, chain, 1) > 0;
	ERR_clear_error();
	ESS_SIGNING_CERT_V2_free(ss2);
	ESS_SIGNING_CERT_free(ss1);
	sk_X509_free(chain);
	return ok;
}

/* ESS signing-certificate-v2; with COCO_CMS_ESS_V1 the older v1 stands for it, and with
 * COCO_CMS_ESS_OPTIONAL neither is required. Whichever is present names the signer. */
static void check_ess(struct sigcheck *c, const ASN1_TYPE *v2, int n_v2, const ASN1_TYPE *v1,
		      int n_v1)
{
	const unsigned relax = c->in->relax;
	int want_v1 = (relax & COCO_CMS_ESS_V1) && n_v1 > 0;

	if (n_v2 > 1 || (want_v1 && n_v1 > 1) ||
	    (n_v2 == 0 && !want_v1 && !(relax & COCO_CMS_ESS_OPTIONAL)))
		sfail(c, K_SIGNING_CERTIFICATE,
		      (relax & COCO_CMS_ESS_V1)
			  ? "ESS signing-certificate attribute (v1 or v2) missing or repeated"
			  : "ESS signing-certificate-v2 attribute missing or repeated");
	else if ((n_v2 > 0 || want_v1) &&
		 !coco_ess_identifies(v2, n_v2 > 0, v1, want_v1, c->signer))
		sfail(c, K_SIGNING_CERTIFICATE,
		      "ESS signing-certificate%s does not identify the signer's certificate",
		      n_v2 > 0 ? "-v2" : " (v1)");
}

static void check_signing_time(struct sigcheck *c, ASN1_TYPE *st, int count)
{
	char tb[21];
	time_t t, at = coco_ctx_time(c->ctx);

	if (count == 0 && (c->in->relax & COCO_CMS_TIME_OPTIONAL))
		return; /* PAdES: the claimed time is the document's (/M) */
	if (st == NULL || (st->type != V_ASN1_UTCTIME && st->type != V_ASN1_GENERALIZEDTIME) ||
	    coco_asn1_time_to_time(st->value.utctime, &t) != 0) {
		sfail(c, K_SIGNING_TIME,
		      count > 1 ? "signing-time attribute appears more than once"
				: "signing-time attribute missing or malformed");
		return;
	}
	c->info->signing_time = t;
	c->info->has_signing_time = 1;
	if (t < c->info->not_before || t > c->info->not_after)
		sfail(c, K_SIGNING_TIME,
		      "signing time %s lies outside the signer certificate's validity",
		      coco_time_format(t, tb));
	else if (t > at)
		sfail(c, K_SIGNING_TIME, "signing time %s is after the verification time",
		      coco_time_format(t, tb));
	else
		coco_report_add(
		    c->r, COCO_STATUS_PASS, c->ids->id[K_SIGNING_TIME], c->entry,
		    "signed at %s (the signer's claim), inside the certificate's validity",
		    coco_time_format(t, tb));
}

/* Signed attributes: content-type (id-data), message-digest, signing-time, ESS v2 (as
 * c->in->relax allows: the signing time optional, ESS v1 or none). */
static void check_attributes(struct sigcheck *c)
{
	ASN1_TYPE *ct, *md, *st, *v2, *v1;
	int n_ct, n_md, n_st, n_v2, n_v1;

	if (CMS_signed_get_attr_count(c->si) <= 0) {
		sfail(c, K_ATTRIBUTES, "no signed attributes (CAdES requires them)");
		c->no_attrs = 1;
		return;
	}
	ct = coco_cms_signed_attr(c->si, NID_pkcs9_contentType, &n_ct);
	md = coco_cms_signed_attr(c->si, NID_pkcs9_messageDigest, &n_md);
	st = coco_cms_signed_attr(c->si, NID_pkcs9_signingTime, &n_st);
	v2 = coco_cms_signed_attr(c->si, NID_id_smime_aa_signingCertificateV2, &n_v2);
	v1 = coco_cms_signed_attr(c->si, NID_id_smime_aa_signingCertificate, &n_v1);
	if (ct == NULL || ct->type != V_ASN1_OBJECT ||
	    OBJ_obj2nid(ct->value.object) != NID_pkcs7_data)
		sfail(c, K_ATTRIBUTES, "content-type attribute missing, repeated or not id-data");
	if (n_md != 1)
		sfail(c, K_ATTRIBUTES, "message-digest attribute missing or repeated");
	else if (!c->refused_digest) /* a refused digest algorithm is reported as that alone */
		check_message_digest(c, md);
	check_ess(c, v2, n_v2, v1, n_v1);
	check_signing_time(c, st, n_st);
}

/* The value over the signed attributes, when there is something to check it over with
 * allowed algorithms; otherwise it is said not to be checked, never not to verify. */
static void check_value(struct sigcheck *c)
{
	char why[256];

	c->info->outcome.value = COCO_CMS_VALUE_UNCHECKED;
	if (c->no_attrs || c->refused) {
		coco_report_add(c->r, COCO_STATUS_INFO, c->ids->id[K_VALUE], c->entry,
				"signature value not checked: %s",
				c->no_attrs ? "there are no signed attributes to check it over"
					    : "its algorithm is not allowed");
		return;
	}
	ERR_clear_error();
	if (CMS_SignerInfo_verify(c->si) != 1) {
		coco_ssl_reason(why, sizeof(why));
		sfail(c, K_VALUE, "signature value does not verify: %s",
		      why[0] ? why : "no reason given");
		c->info->outcome.value = COCO_CMS_VALUE_BAD;
		return;
	}
	c->info->outcome.value = COCO_CMS_VALUE_OK;
}

/*
 * OpenSSL's own complete verification must agree with the checks above. The data goes in
 * through a buffering BIO, not a bare memory BIO: OpenSSL 3.0's CMS_verify copies a memory
 * BIO and leaks the copy when the SignedData's digestAlgorithms cannot be set up, e.g. an
 * unknown algorithm (found by fuzz_cms; fixed upstream by openssl/openssl#30535).
 */
static void crosscheck(struct sigcheck *c)
{
	BIO *mem = BIO_new_mem_buf(c->in->data, (int)c->in->data_len);
	BIO *bio = mem != NULL ? BIO_new(BIO_f_buffer()) : NULL;
	char why[256];

	if (bio != NULL)
		BIO_push(bio, mem);
	else
		BIO_free(mem);
	ERR_clear_error();
	if (bio == NULL || CMS_verify(c->cms, NULL, c->ctx->stores[c->in->anchors], bio, NULL,
				      CMS_BINARY | (c->in->relax ? 0 : CMS_CADES)) != 1) {
		coco_ssl_reason(why, sizeof(why));
		sfail(c, K_CROSSCHECK, "OpenSSL CMS_verify disagrees: %s", why);
	}
	BIO_free_all(bio);
}

/*
 * A bundle signature's timestamps (timestamp.c): one that holds proves when the signature
 * existed, so, unless the caller judges at a proof time of its own, the chain is judged
 * then (long-term validation, as for a sign-off's proof). Returns the check to judge the
 * chain by: c->in, or *at, a copy at the proven time. A document's embedded signature
 * (id_prefix set) is left as it was: its timestamps are the document's to judge.
 */
static const struct coco_cms_check *proof_time(struct sigcheck *c, struct coco_cms_check *at)
{
	*at = *c->in;
	if (c->in->id_prefix != NULL)
		return c->in;
	c->ctx->ts_at = c->in->chain_time;
	c->ctx->ts_at_set = c->in->chain_time_set && c->in->archived;
	coco_timestamp_check(c->ctx, c->si, c->r, c->in->sig_entry, c->info);
	c->ctx->ts_at_set = 0;
	/* archived: the signature's own timestamp, judged then, may prove it older still */
	if (c->info->has_timestamp &&
	    (!c->in->chain_time_set ||
	     (c->in->archived && c->info->timestamp_time < c->in->chain_time))) {
		at->chain_time = c->info->timestamp_time;
		at->chain_time_set = 1;
		c->info->outcome.at = at->chain_time;
		c->info->outcome.at_proof = 1;
	}
	return at;
}

/* The checks that need trust (algorithms, value, signer rules, chain, cross-check) and
 * what they conclude. before marks where this signature's findings start. */
static void verify_trusted(struct sigcheck *c, struct vstate *st, size_t before)
{
	const struct coco_cms_check *in = c->in;
	struct coco_report_signature *info = c->info;
	struct coco_cms_check at;
	int chain_failed;

	check_algorithms(c);
	check_attributes(c);
	check_value(c);
	st->r = c->r, st->ids = c->ids, st->out = &info->outcome;
	st->subject = info->subject ? info->subject : in->sig_entry;
	st->revocation =
	    coco_ctx_policy(c->ctx) ? coco_ctx_policy(c->ctx)->revocation : COCO_REVOCATION_WARN;
	if (report_signer_rules(c->signer, c->r, c->ids, st->subject) != 0)
		c->bad = 1;
	if (!c->bad)
		coco_report_add(c->r, COCO_STATUS_PASS, c->ids->id[K_VALUE], in->sig_entry,
				"CAdES-B-B signature verifies over '%s'", in->data_entry);
	info->value_ok = !c->bad;
	check_chain(c->ctx, proof_time(c, &at), c->signer, c->certs, st);
	memcpy(info->anchor_sha256, st->anchor_sha256, sizeof(info->anchor_sha256));
	/* the chain's stages set a result only when it failed */
	chain_failed = info->outcome.result != COCO_CMS_NOT_CHECKED;
	if (!c->bad && !chain_failed && in->data != NULL && !at.chain_time_set &&
	    coco_report_verdict_since(c->r, before) == COCO_VERDICT_PASSED)
		crosscheck(c);
	info->valid = !c->bad && !chain_failed &&
		      coco_report_verdict_since(c->r, before) == COCO_VERDICT_PASSED;
	if (!chain_failed)
		info->outcome.result = info->valid ? COCO_CMS_VALID : COCO_CMS_INVALID;
}

enum coco_err coco_cms_verify(struct coco_ctx *ctx, const struct coco_cms_check *in,
			      struct coco_report *r, struct coco_report_signature *info)
{
	struct sigcheck c;
	struct vstate st;
	struct ids ids;
	size_t before = coco_report_mark(r);

	memset(&c, 0, sizeof(c));
	memset(&st, 0, sizeof(st));
	memset(&info->outcome, 0, sizeof(info->outcome));
	info->outcome.revocation_reason = -1;
	info->outcome.at = in->chain_time_set ? in->chain_time : coco_ctx_time(ctx);
	info->outcome.at_proof = in->chain_time_set;
	ids_init(&ids, in->id_prefix);
	c.ctx = ctx, c.in = in, c.r = r, c.ids = &ids, c.entry = in->sig_entry, c.info = info;
	ERR_clear_error();
	if (check_structure(&c, in->der, in->der_len) != 0 && c.signer == NULL) {
		info->outcome.result = in->trust ? COCO_CMS_INVALID : COCO_CMS_NOT_CHECKED;
		goto out;
	}
	fill_info(&c);
	if (!in->trust) {
		check_attributes(&c);
		goto out;
	}
	verify_trusted(&c, &st, before);
out:
	ERR_clear_error();
	sk_X509_pop_free(c.certs, X509_free);
	CMS_ContentInfo_free(c.cms);
	return COCO_OK;
}

/* ---- signing ---------------------------------------------------------------------- */

enum coco_err coco_cms_sign(struct coco_ctx *ctx, const struct coco_signer *s,
			    const unsigned char *data, size_t len, unsigned char **out,
			    size_t *out_len)
{
	const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_CADES | CMS_NOSMIMECAP;
	const EVP_MD *md = EVP_sha256();
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si = NULL;
	ASN1_TIME *st = NULL;
	BIO *bio = NULL;
	unsigned char *der = NULL;
	enum coco_err err = COCO_ERR_CRYPTO;
	int i, n;

	*out = NULL;
	if (s->key == NULL) /* deferred (COCO_SIGNER_DEFER_KEY) and not unlocked */
		return coco_seterr(ctx, COCO_ERR_ARG, "the key of '%s' is not loaded", s->subject);
	ERR_clear_error();
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL ||
	    (cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL)) == NULL ||
	    (si = CMS_add1_signer(cms, s->cert, s->key, md, flags)) == NULL) {
		coco_seterr_ssl(ctx, err, "cannot sign as '%s'", s->subject);
		goto out;
	}
	/* The context's time is the signing-time claim (the time set, or the clock read once),
	 * so that what the caller recorded beside the signature (a sign-off's decision time)
	 * is exactly the signature's. */
	if ((st = ASN1_TIME_set(NULL, coco_ctx_time(ctx))) == NULL ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, st->type, st, -1)) {
		coco_seterr_ssl(ctx, err, "cannot set the signing time");
		goto out;
	}
	for (i = 0; i < sk_X509_num(s->chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(s->chain, i))) {
			coco_seterr_ssl(ctx, err, "cannot add the chain of '%s'", s->subject);
			goto out;
		}
	if (!CMS_final(cms, bio, NULL, flags) || (n = i2d_CMS_ContentInfo(cms, &der)) <= 0) {
		coco_seterr_ssl(ctx, err, "cannot sign as '%s'", s->subject);
		goto out;
	}
	*out = der;
	*out_len = (size_t)n;
	err = COCO_OK;
out:
	ASN1_TIME_free(st);
	BIO_free(bio);
	CMS_ContentInfo_free(cms);
	return err;
}
