/*
 * Reading the files a user or a trust directory hands us (trust/pki.c): what a PEM or DER
 * file holds, certificates in either encoding, and a store with the verifier's rules for
 * checking a chain before signing (trust.c).
 */
#ifndef COCO_TRUST_PKI_H
#define COCO_TRUST_PKI_H

#include <stddef.h>

#include <openssl/x509.h>

#include "internal.h"

/* What the first PEM block of buf holds, in plain words ("a certificate", ...), or NULL
 * when buf has no PEM block (it may be DER). */
const char *coco_pem_kind(const unsigned char *buf, size_t len);
/* What a PEM or DER file holds, in words ("a certificate", "a private key", "a CRL",
 * "a PKCS#12 file", ...), or NULL when it is none of those. */
const char *coco_pki_kind(const unsigned char *buf, size_t len);
/* Appends up to max certificates from buf to out: PEM (several) or, failing that, one DER
 * certificate filling buf. Returns how many. */
int coco_read_certs(const unsigned char *buf, size_t len, size_t max, STACK_OF(X509) * out);
/* A new store with the verifier's parameters (trust.c) holding the trust directory's anchors of
 * set and its CRLs, if loaded, for checking a chain before signing; NULL if out of memory. */
X509_STORE *coco_trust_store_for(struct coco_ctx *ctx, enum coco_anchor_set set);

#endif
