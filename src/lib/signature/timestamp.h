/*
 * RFC 3161 signature timestamps (CAdES-B-T, ETSI EN 319 122-1 §5.3): the
 * signatureTimeStampToken unsigned attribute over a SignerInfo's signature value.
 * Verification proves when the signature existed; creation asks a time-stamping
 * authority, through the caller's transport, for a token and adds it.
 */
#ifndef COCO_TIMESTAMP_H
#define COCO_TIMESTAMP_H

#include <openssl/cms.h>

#include "report/report.h"

/*
 * Checks every signatureTimeStampToken of si, adding timestamp.* findings about entry:
 * the token's structure and CMS signature, its messageImprint against the hash of si's
 * signature value, the TSA certificate's extended key usage (timeStamping only, critical:
 * RFC 3161 §2.3) and its chain to the tsa/ anchors at the verification time. With no
 * token, adds nothing. When a token holds, sets info->has_timestamp, info->timestamp_time
 * (the earliest proven genTime) and info->tsa (malloc'd, the TSA's subject).
 */
void coco_timestamp_check(struct coco_ctx *ctx, CMS_SignerInfo *si, struct coco_report *r,
			  const char *entry, struct coco_report_signature *info);

/* A token that stands alone: a PDF document timestamp (ISO 32000-2 12.8.5, ETSI EN 319
 * 142-1 5.4), whose messageImprint is the hash of the data the caller digests. */
struct coco_timestamp_token {
	const char *entry; /* the findings' subject (NULL: none) */
	/* NULL: timestamp.* ids; a group such as "pdf" (at most 20 bytes):
	 * <group>.timestamp_parse, _signature, _imprint, _tsa_eku, _time, _untrusted, _chain,
	 * one for each timestamp.* id (docs/checks.md) */
	const char *id_group;
	const char *name; /* names the token in messages ("/Contents") */
	const char *what; /* what its imprint must be the hash of, in messages */
	const unsigned char *der;
	size_t der_len; /* the token: exactly one DER ContentInfo */
	/* fills out/out_len with md's digest of the timestamped data: 0, or -1 */
	int (*digest)(void *arg, const EVP_MD *md, unsigned char *out, unsigned int *out_len);
	void *digest_arg;
};

enum coco_ts_result {
	COCO_TS_VALID,    /* every rule holds and the TSA chains to tsa/: gen_time is proven */
	COCO_TS_UNPROVEN, /* only warnings: the TSA is not trusted (tsa/ empty, another CA, no
			     certificate in the token) or its certificate has expired; the
			     token proves nothing, and says nothing against the data either */
	COCO_TS_INVALID,  /* a rule failed (fail findings): a broken token, other data, a
			     TSA certificate without the timeStamping EKU, a bad genTime */
};

struct coco_timestamp_proof {
	enum coco_ts_result result;
	time_t gen_time; /* the token's genTime, when has_gen_time (proven only when VALID) */
	int has_gen_time;
	char *tsa; /* the TSA certificate's subject (malloc'd; the caller frees), or NULL */
	time_t tsa_not_after; /* the TSA certificate's end (0 if unknown) */
	int nomem;            /* the subject could not be copied */
};

/*
 * Checks in's token by the rules coco_timestamp_check applies to a signature timestamp
 * (structure, its CMS signature, the imprint against in->digest's hash, the TSA's EKU,
 * genTime inside its certificate's validity and not after the verification time, its
 * chain to tsa/ at the verification time), adding fail and warn findings (ids as
 * in->id_group says; no pass finding: the caller reports a proven time in its own words)
 * and filling *out (zeroed first). Returns out->result.
 */
enum coco_ts_result coco_timestamp_verify(struct coco_ctx *ctx,
					  const struct coco_timestamp_token *in,
					  struct coco_report *r, struct coco_timestamp_proof *out);

/*
 * Checks a standalone token (an RFC 3161 TimeStampToken in der, as an ASiC
 * META-INF/timestamp*.tst holds one) over data, by the same rules as a signature
 * timestamp's, adding timestamp.* findings about entry and filling *out as
 * coco_timestamp_verify does. Returns 0 when it holds (out->tsa malloc'd: the caller frees
 * it); else -1, out->tsa NULL.
 */
int coco_timestamp_check_data(struct coco_ctx *ctx, const unsigned char *der, size_t len,
			      const unsigned char *data, size_t data_len, struct coco_report *r,
			      const char *entry, struct coco_timestamp_proof *out);
/*
 * Asks the TSA, through fn, for a token over the signature value of the CMS in *der
 * (one SignerInfo) and adds it as the signatureTimeStampToken attribute; on success
 * *der and *len are replaced (both buffers OpenSSL's, as coco_cms_sign's: the old one is
 * freed). The reply must be granted and carry
 * a token whose imprint and nonce are the request's (RFC 3161 §2.4.2); its bytes are
 * added as the TSA wrote them. On failure sets the context's error (COCO_ERR_REFUSED for
 * a TSA that failed or answered badly) and leaves *der unchanged.
 */
enum coco_err coco_timestamp_add(struct coco_ctx *ctx, coco_tsa_fn fn, void *arg,
				 unsigned char **der, size_t *len);

/*
 * Asks the TSA, through fn, for a token over the SHA-256 of data (an archive manifest's
 * bytes), checking the reply as coco_timestamp_add does. On success *tok (malloc'd) holds
 * the token's DER as the TSA wrote it; on failure *tok is NULL and the context's error is
 * set (COCO_ERR_IO: the TSA could not be reached; COCO_ERR_REFUSED: it failed or answered
 * badly).
 */
enum coco_err coco_timestamp_request(struct coco_ctx *ctx, coco_tsa_fn fn, void *arg,
				     const unsigned char *data, size_t len, unsigned char **tok,
				     size_t *tok_len);

#endif /* COCO_TIMESTAMP_H */
