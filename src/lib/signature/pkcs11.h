/*
 * Keys on PKCS#11 tokens (smart cards, HSMs), through libp11's OpenSSL engine. The only
 * part of the library that uses OpenSSL's engine API, deprecated in OpenSSL 3 (see
 * pkcs11.c for why it is used and how the deprecation is contained).
 */
#ifndef COCO_PKCS11_H
#define COCO_PKCS11_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "internal.h"

struct coco_p11;

/*
 * Loads the engine for the PKCS#11 module at module (a shared object, e.g. p11-kit's proxy
 * or SoftHSM's) and the key named by uri (an RFC 7512 "pkcs11:" URI). Nothing is read
 * from the token yet. COCO_ERR_IO when the module cannot be opened, COCO_ERR_CRYPTO when
 * the engine is not installed, COCO_ERR_ARG for a uri that is not a "pkcs11:" URI; the
 * reason in ctx. *out is set only on success; free with coco_p11_free.
 */
enum coco_err coco_p11_open(struct coco_ctx *ctx, const char *module, const char *uri,
			    struct coco_p11 **out);
/* The token's certificate for the URI (no PIN is used), into *out; COCO_ERR_CRYPTO with
 * the reason when there is none. */
enum coco_err coco_p11_cert(struct coco_ctx *ctx, struct coco_p11 *p, X509 **out);
/* Logs in with pin (NUL-terminated; NULL: no login) and loads the private key into *out.
 * The engine's copy of the PIN is wiped before returning; p keeps one, wiped by
 * coco_p11_free, for a key that asks for it again before each signature
 * (CKA_ALWAYS_AUTHENTICATE). COCO_ERR_CRYPTO with the token's reason ("PIN incorrect",
 * "object not found") on failure. The key is usable only while p lives: free it first. */
enum coco_err coco_p11_key(struct coco_ctx *ctx, struct coco_p11 *p, const char *pin,
			   EVP_PKEY **out);
/* The URI p was opened with; valid while p lives. */
const char *coco_p11_uri(const struct coco_p11 *p);
void coco_p11_free(struct coco_p11 *p);

#endif
