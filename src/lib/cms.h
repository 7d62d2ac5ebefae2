/*
 * CAdES-B-B signatures (CMS SignedData, detached, over a manifest's bytes): strict
 * verification with explicit allow-lists, and signing. Also the signer-certificate
 * rules (key usage, extended key usage, key strength) that create applies too.
 */
#ifndef COCO_CMS_H
#define COCO_CMS_H

#include <openssl/x509.h>

#include "report.h"

struct coco_signer {
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) * chain;
	char *subject;
};

/* The name's last commonName as UTF-8 (malloc'd), or NULL (none, or it holds a NUL). */
char *coco_cert_common_name(const X509_NAME *name);

/*
 * Checks cert against the signer rules. With r set, adds signer.key, signer.key_usage
 * and signer.ext_key_usage findings about subject; without, writes the first problem
 * into why. Returns 0 when every rule holds.
 */
int coco_cert_check_signer(X509 *cert, struct coco_report *r, const char *subject, char *why,
			   size_t why_size);

/*
 * Verifies the detached CMS in der (entry sig_entry) over data (entry data_entry), adding
 * signature.* and signer.* findings and filling info. With trust 0 it only parses and
 * fills info (inspect). Returns COCO_OK unless memory runs out.
 */
enum coco_err coco_cms_verify(struct coco_ctx *ctx, const char *sig_entry, const unsigned char *der,
			      size_t der_len, const char *data_entry, const unsigned char *data,
			      size_t data_len, int trust, struct coco_report *r,
			      struct coco_report_signature *info);

/* Signs data: DER CMS, detached, CAdES-B-B. *out is malloc'd. */
enum coco_err coco_cms_sign(struct coco_ctx *ctx, const struct coco_signer *s,
			    const unsigned char *data, size_t len, unsigned char **out,
			    size_t *out_len);

/* The store verify callback: tolerates only missing or stale revocation data. */
int coco_verify_cb(int ok, X509_STORE_CTX *sctx);

#endif /* COCO_CMS_H */
