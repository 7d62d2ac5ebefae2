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

/*
 * Checks a standalone token (an RFC 3161 TimeStampToken in der, as an ASiC
 * META-INF/timestamp*.tst holds one) over data, by the same rules as a signature
 * timestamp's, adding timestamp.* findings about entry. Returns 0 when it holds, with
 * *gen_time the proven time and *tsa (malloc'd) the TSA's subject; else -1, *tsa NULL.
 */
int coco_timestamp_check_data(struct coco_ctx *ctx, const unsigned char *der, size_t len,
			      const unsigned char *data, size_t data_len, struct coco_report *r,
			      const char *entry, time_t *gen_time, char **tsa);

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

#endif /* COCO_TIMESTAMP_H */
