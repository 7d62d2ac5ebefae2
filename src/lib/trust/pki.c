/*
 * What a key, certificate or CRL file holds, in plain words, and certificates read as PEM
 * (several) or DER (one): for the signer's files (signature/signer.c) and the trust
 * directory's anchors (trust.c) alike, so that both accept what a user would expect.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "trust/pki.h"

static BIO *mem_bio(const unsigned char *buf, size_t len)
{
	return BIO_new_mem_buf(buf, (int)len);
}

/* The first occurrence of the n bytes of needle in buf, or NULL (memmem is not POSIX). */
static const char *find(const unsigned char *buf, size_t len, const char *needle, size_t n)
{
	size_t i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (buf[i] == (unsigned char)needle[0] && memcmp(buf + i, needle, n) == 0)
			return (const char *)buf + i;
	return NULL;
}

const char *coco_pem_kind(const unsigned char *buf, size_t len)
{
	static const struct {
		const char *label, *kind;
	} kinds[] = {
	    {"-----BEGIN CERTIFICATE-----", "a certificate"},
	    {"-----BEGIN TRUSTED CERTIFICATE-----", "a certificate"},
	    {"-----BEGIN X509 CRL-----", "a CRL"},
	    {"-----BEGIN CERTIFICATE REQUEST-----", "a certificate request"},
	    {"-----BEGIN NEW CERTIFICATE REQUEST-----", "a certificate request"},
	    {"-----BEGIN PUBLIC KEY-----", "a public key"},
	    {"-----BEGIN PKCS7-----", "a PKCS#7 file"},
	    {"-----BEGIN CMS-----", "a CMS signature"},
	};
	const char *p = find(buf, len, "-----BEGIN ", 11);
	size_t i, rest;

	if (p == NULL)
		return NULL;
	rest = len - (size_t)(p - (const char *)buf);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (rest >= strlen(kinds[i].label) &&
		    memcmp(p, kinds[i].label, strlen(kinds[i].label)) == 0)
			return kinds[i].kind;
	return find((const unsigned char *)p, rest, "PRIVATE KEY-----", 16) != NULL
		   ? "a private key"
		   : NULL;
}

const char *coco_pki_kind(const unsigned char *buf, size_t len)
{
	const unsigned char *p;
	const char *kind = coco_pem_kind(buf, len);
	void *obj;

	if (kind != NULL)
		return kind;
	p = buf;
	if ((obj = d2i_X509(NULL, &p, (long)len)) != NULL)
		kind = "a certificate", X509_free(obj);
	else if (p = buf, (obj = d2i_X509_CRL(NULL, &p, (long)len)) != NULL)
		kind = "a CRL", X509_CRL_free(obj);
	else if (p = buf, (obj = d2i_PKCS12(NULL, &p, (long)len)) != NULL)
		kind = "a PKCS#12 file", PKCS12_free(obj);
	else if (p = buf, (obj = d2i_AutoPrivateKey(NULL, &p, (long)len)) != NULL)
		kind = "a private key", EVP_PKEY_free(obj);
	ERR_clear_error();
	return kind;
}

int coco_read_certs(const unsigned char *buf, size_t len, size_t max, STACK_OF(X509) * out)
{
	BIO *bio = mem_bio(buf, len);
	const unsigned char *p = buf;
	X509 *x;
	int n = 0;

	while (bio != NULL && (size_t)n < max && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (!sk_X509_push(out, x)) {
			X509_free(x);
			break;
		}
		n++;
	}
	BIO_free(bio);
	ERR_clear_error();
	/* not PEM: one DER certificate, with nothing after it */
	if (n == 0 && max > 0 && (x = d2i_X509(NULL, &p, (long)len)) != NULL) {
		if (p == buf + len && sk_X509_push(out, x))
			n++;
		else
			X509_free(x);
	}
	ERR_clear_error();
	return n;
}
