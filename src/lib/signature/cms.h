/*
 * CAdES-B-B signatures (CMS SignedData, detached, over a manifest's bytes): strict
 * verification with explicit allow-lists, and signing. Also the signer-certificate
 * rules (key usage, extended key usage, key strength) that create applies too.
 */
#ifndef COCO_CMS_H
#define COCO_CMS_H

#include <openssl/cms.h>
#include <openssl/x509.h>

#include "report/report.h"
#include "trust/pki.h"

struct coco_signer {
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) * chain;
	char *subject;
	char *key_path; /* an encrypted key left to coco_signer_unlock, else NULL */
	/* a PKCS#12 file that needs a pass-phrase, left whole to coco_signer_unlock (cert is
	 * NULL until then), with its --chain and the COCO_SIGNER_* flags; else NULL */
	char *p12_path, *chain_path;
	unsigned flags;
	coco_pass_cb pass_cb;
	void *pass_arg; /* borrowed from the options, for coco_signer_unlock */
	char *warning;  /* coco_signer_warning, or NULL */
	/* a key on a PKCS#11 token (signature/pkcs11.h): key uses it, so it is freed after
	 * key; else NULL */
	struct coco_p11 *p11;
};

/* The name's last commonName as UTF-8 (malloc'd), or NULL (none, or it holds a NUL). */
char *coco_cert_common_name(const X509_NAME *name);
/* The same for its organizationName (O) and organizationIdentifier (2.5.4.97). */
char *coco_cert_organisation(const X509_NAME *name);
char *coco_cert_org_id(const X509_NAME *name);

/*
 * Checks cert against the signer rules. With r set, adds signer.key, signer.key_usage
 * and signer.ext_key_usage findings about subject; without, writes the first problem
 * into why. Returns 0 when every rule holds.
 */
int coco_cert_check_signer(X509 *cert, struct coco_report *r, const char *subject, char *why,
			   size_t why_size);

/* The signed attribute nid of si: its one value when it is there once with one value, else
 * NULL; *count how many times it is there. */
ASN1_TYPE *coco_cms_signed_attr(CMS_SignerInfo *si, int nid, int *count);
/* Whether the ESS signing-certificate-v2 value v2 (when has_v2) and the v1 value v1 (when
 * has_v1) each decode and name cert (RFC 5035, RFC 2634); 0 when neither is given. */
int coco_ess_identifies(const ASN1_TYPE *v2, int has_v2, const ASN1_TYPE *v1, int has_v1,
			X509 *cert);

/* What coco_cms_verify checks: a detached CMS over some data, against one anchor set. */
struct coco_cms_check {
	const char *sig_entry; /* names the signature in findings */
	/* The group the findings are filed under. NULL: a bundle signature's own ids
	 * (signature.*, signer.*, docs/checks.md), as for sign-offs too. A group such as "pdf"
	 * (at most 30 bytes), for a signature embedded in a document: <group>.contents (not one
	 * well-formed detached CMS), <group>.digest (the signed bytes changed),
	 * <group>.signature (any other rule of the signature) and <group>.signer (the signer's
	 * certificate and chain). */
	const char *id_prefix;
	const unsigned char *der;
	size_t der_len;
	const char *data_entry; /* names the signed data in messages */
	/* The signed data: in memory, or (data NULL) digested on demand by digest(), which
	 * returns 0 and fills out/out_len with md's digest of the data, or -1. OpenSSL's
	 * CMS_verify cross-check runs only on in-memory data. */
	const unsigned char *data;
	size_t data_len;
	int (*digest)(void *arg, const EVP_MD *md, unsigned char *out, unsigned int *out_len);
	void *digest_arg;
	int trust; /* 0: only parse and fill info (inspect) */
	enum coco_anchor_set anchors;
	int strict;        /* a chain that reaches no anchor fails rather than being indeterminate
			      (only an expired certificate stays indeterminate) */
	time_t chain_time; /* when chain_time_set: validate the chain at this time, not ctx's */
	int chain_time_set;
	int archived; /* chain_time is an archive timestamp's proven time: the signature's own
		       * timestamps are judged then too (bundle/archive_ts.c) */
	int no_anchors_silent; /* an empty anchor set is the caller's to report: no finding, only
				* the outcome (UNTRUSTED, no_anchors) */
	int untrusted_silent;  /* so is a chain that reaches no anchor of a set that has some:
				* no finding, only the outcome (UNTRUSTED, root_subject,
				* root_sha256) */
	/* The rules of CAdES-B-B a document's own profile does not have (0: none, as for a
	 * bundle signature and a sign-off, which stay CAdES-B-B): COCO_CMS_* below. */
	unsigned relax;
};

/* coco_cms_check.relax: PAdES (ETSI EN 319 142-1) forbids the signing-time attribute (the
 * claimed time is the PDF dictionary's /M), so it may be absent; the older ESS
 * signing-certificate (v1, RFC 2634) is accepted as well as v2 (RFC 5035), and for
 * adbe.pkcs7.detached (ISO 32000-1 12.8.3.3) neither is required. Whichever is present
 * must still identify the signer's certificate. */
#define COCO_CMS_TIME_OPTIONAL 1u /* no signing-time attribute is not a failure */
#define COCO_CMS_ESS_V1 2u        /* ESS signing-certificate v1 stands for v2 */
#define COCO_CMS_ESS_OPTIONAL 4u  /* neither ESS attribute is required */

/*
 * Verifies a detached CAdES/CMS signature, adding findings (ids as c->id_prefix says) about
 * c->sig_entry and filling info: the signer, valid, value_ok, and info->outcome, the
 * conclusion as data (report.h), so that no caller reads it back from finding ids:
 *   NOT_CHECKED  inspect (c->trust 0): only parsed and described;
 *   VALID        every check passed (info->valid);
 *   EXPIRED      the chain failed because a certificate had expired at outcome.at
 *                (outcome.depth says which, expired_at its notAfter);
 *   REVOKED      a certificate was revoked: listed by a CRL at outcome.at, or, with
 *                chain_time set, revoked before that proof time (revoked_at,
 *                revocation_reason; depth);
 *   UNTRUSTED    the chain reaches no anchor of c->anchors (no_anchors: the set is empty);
 *   INVALID      any other failed or indeterminate check.
 * EXPIRED, REVOKED and UNTRUSTED say why the chain failed whatever else did: info->value_ok
 * says whether the signature itself held (every signature check), outcome.value whether
 * its value was checked at all and verified: it is not checked when there are no signed
 * attributes or an algorithm is outside the allow-list (the findings then say that, never
 * that the value does not verify; nor is a refused digest algorithm used to check the
 * message digest). outcome.at is the time the chain was judged
 * at (at_proof: c->chain_time rather than the context's verification time); the signer's claimed
 * signing time is info->signing_time. Returns COCO_OK unless memory runs out (the report then says
 * so: coco_report_failed).
 */
enum coco_err coco_cms_verify(struct coco_ctx *ctx, const struct coco_cms_check *c,
			      struct coco_report *r, struct coco_report_signature *info);

/* Signs data: DER CMS, detached, CAdES-B-B. *out is malloc'd. */
enum coco_err coco_cms_sign(struct coco_ctx *ctx, const struct coco_signer *s,
			    const unsigned char *data, size_t len, unsigned char **out,
			    size_t *out_len);

/* The store verify callback: tolerates only missing or stale revocation data. */
int coco_verify_cb(int ok, X509_STORE_CTX *sctx);

#endif /* COCO_CMS_H */
