/*
 * Loading a signer: a PEM key (plain or encrypted) with its certificate and optional
 * chain, or a PKCS#12 file. Pass-phrases come only through the caller's callback and
 * are wiped after use. A certificate the verifier would reject at the context's time
 * (expired, not yet valid, wrong key usage, weak key) is refused before anything is
 * signed with it.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "signature/cms.h"

void coco_signer_free(struct coco_signer *s)
{
	if (s == NULL)
		return;
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
	sk_X509_pop_free(s->chain, X509_free);
	free(s->subject);
	free(s);
}

const char *coco_signer_subject(const struct coco_signer *s)
{
	return s->subject;
}

struct pass_adapter {
	const struct coco_signer_opts *opts;
	int asked;
};

static int pem_pass(char *buf, int size, int rwflag, void *u)
{
	struct pass_adapter *a = u;
	int n;

	(void)rwflag;
	if (a->opts->pass_cb == NULL)
		return -1;
	a->asked = 1;
	n = a->opts->pass_cb(buf, size, a->opts->pass_arg);
	return n < 0 || n > size ? -1 : n;
}

static BIO *open_file(struct coco_ctx *ctx, const char *path)
{
	BIO *bio;

	errno = 0;
	bio = BIO_new_file(path, "rb");
	if (bio == NULL)
		coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path,
			    errno ? strerror(errno) : "cannot read file");
	ERR_clear_error();
	return bio;
}

static enum coco_err load_pem(struct coco_ctx *ctx, const struct coco_signer_opts *o,
			      struct coco_signer *s)
{
	struct pass_adapter a = {o, 0};
	BIO *bio = NULL;
	X509 *x;

	if ((bio = open_file(ctx, o->key_path)) == NULL)
		return COCO_ERR_IO;
	s->key = PEM_read_bio_PrivateKey(bio, NULL, pem_pass, &a);
	BIO_free(bio);
	if (s->key == NULL)
		return coco_seterr_ssl(ctx, COCO_ERR_CRYPTO, "cannot load private key '%s'%s",
				       o->key_path, a.asked ? " (wrong pass-phrase?)" : "");
	if ((bio = open_file(ctx, o->cert_path)) == NULL)
		return COCO_ERR_IO;
	s->cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (s->cert == NULL)
		return coco_seterr_ssl(ctx, COCO_ERR_FORMAT, "cannot load certificate '%s'",
				       o->cert_path);
	if ((s->chain = sk_X509_new_null()) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (o->chain_path == NULL)
		return COCO_OK;
	if ((bio = open_file(ctx, o->chain_path)) == NULL)
		return COCO_ERR_IO;
	/* one more than verify accepts is enough to refuse (refuse_unusable) */
	while (sk_X509_num(s->chain) < (int)COCO_MAX_CERTS &&
	       (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(s->chain, x)) {
			X509_free(x);
			break;
		}
	BIO_free(bio);
	ERR_clear_error();
	if (sk_X509_num(s->chain) == 0)
		return coco_seterr(ctx, COCO_ERR_FORMAT, "no PEM certificate in chain file '%s'",
				   o->chain_path);
	return COCO_OK;
}

static enum coco_err load_p12(struct coco_ctx *ctx, const struct coco_signer_opts *o,
			      struct coco_signer *s)
{
	BIO *bio = open_file(ctx, o->p12_path);
	PKCS12 *p12 = NULL;
	char pass[COCO_MAX_PASS + 1];
	int n = 0;
	enum coco_err err = COCO_OK;

	if (bio == NULL)
		return COCO_ERR_IO;
	p12 = d2i_PKCS12_bio(bio, NULL);
	BIO_free(bio);
	if (p12 == NULL)
		return coco_seterr_ssl(ctx, COCO_ERR_FORMAT, "cannot parse PKCS#12 file '%s'",
				       o->p12_path);
	pass[0] = '\0';
	if (!PKCS12_verify_mac(p12, "", 0) && !PKCS12_verify_mac(p12, NULL, 0)) {
		n = o->pass_cb != NULL ? o->pass_cb(pass, COCO_MAX_PASS, o->pass_arg) : -1;
		if (n < 0 || n > COCO_MAX_PASS) {
			err = coco_seterr(ctx, COCO_ERR_CRYPTO, "'%s' needs a pass-phrase",
					  o->p12_path);
			goto out;
		}
		pass[n] = '\0';
	}
	if (!PKCS12_parse(p12, pass, &s->key, &s->cert, &s->chain) || s->key == NULL ||
	    s->cert == NULL)
		err = coco_seterr_ssl(ctx, COCO_ERR_CRYPTO,
				      "cannot open PKCS#12 file '%s' (wrong pass-phrase?)",
				      o->p12_path);
	else if (s->chain == NULL && (s->chain = sk_X509_new_null()) == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	PKCS12_free(p12);
	return err;
}

/* The checks create shares with verify, so it never signs what verify would reject. */
static enum coco_err refuse_unusable(struct coco_ctx *ctx, struct coco_signer *s)
{
	time_t at = coco_ctx_time(ctx);
	char why[256], tb[21];
	time_t nb, na;

	if (coco_asn1_time_to_time(X509_get0_notBefore(s->cert), &nb) != 0 ||
	    coco_asn1_time_to_time(X509_get0_notAfter(s->cert), &na) != 0)
		return coco_seterr(ctx, COCO_ERR_REFUSED,
				   "refusing to sign as '%s': unreadable validity", s->subject);
	if (at > na)
		return coco_seterr(ctx, COCO_ERR_REFUSED,
				   "refusing to sign as '%s': certificate expired on %s",
				   s->subject, coco_time_format(na, tb));
	if (at < nb)
		return coco_seterr(ctx, COCO_ERR_REFUSED,
				   "refusing to sign as '%s': certificate not valid until %s",
				   s->subject, coco_time_format(nb, tb));
	/* OpenSSL 3.0's CMS cannot sign or verify with EdDSA (added in 3.2). */
	if (EVP_PKEY_get_base_id(s->key) == EVP_PKEY_ED25519)
		return coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to sign as '%s': Ed25519 CMS signatures need OpenSSL 3.2 or "
		    "later (this build has %s)",
		    s->subject, OpenSSL_version(OPENSSL_VERSION));
	if (coco_cert_check_signer(s->cert, NULL, NULL, why, sizeof(why)) != 0)
		return coco_seterr(ctx, COCO_ERR_REFUSED, "refusing to sign as '%s': %s",
				   s->subject, why);
	if (1 + sk_X509_num(s->chain) > (int)COCO_MAX_CERTS)
		return coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to sign as '%s': the certificate and its chain are more "
		    "than %u certificates, which verify refuses",
		    s->subject, COCO_MAX_CERTS);
	if (X509_check_private_key(s->cert, s->key) != 1) {
		ERR_clear_error();
		return coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to sign as '%s': the private key does not match the certificate",
		    s->subject);
	}
	return COCO_OK;
}

enum coco_err coco_signer_load(struct coco_ctx *ctx, const struct coco_signer_opts *opts,
			       struct coco_signer **out)
{
	struct coco_signer *s = NULL;
	enum coco_err err;

	*out = NULL;
	if (opts->p12_path == NULL && (opts->key_path == NULL || opts->cert_path == NULL))
		return coco_seterr(ctx, COCO_ERR_ARG,
				   "a signer needs a key and a certificate, or PKCS#12");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	ERR_clear_error();
	err = opts->p12_path != NULL ? load_p12(ctx, opts, s) : load_pem(ctx, opts, s);
	if (err == COCO_OK &&
	    (s->subject = coco_name_oneline(X509_get_subject_name(s->cert))) == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (err == COCO_OK)
		err = refuse_unusable(ctx, s);
	if (err != COCO_OK) {
		coco_signer_free(s);
		return err;
	}
	*out = s;
	return COCO_OK;
}
