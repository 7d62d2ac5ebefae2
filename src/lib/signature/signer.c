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
#include <openssl/provider.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "signature/cms.h"
#include "signature/pkcs11.h"

void coco_signer_free(struct coco_signer *s)
{
	if (s == NULL)
		return;
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
	coco_p11_free(s->p11); /* after the key, which uses it */
	sk_X509_pop_free(s->chain, X509_free);
	free(s->subject);
	free(s->key_path);
	free(s->p12_path);
	free(s->chain_path);
	free(s->warning);
	free(s);
}

const char *coco_signer_subject(const struct coco_signer *s)
{
	return s->subject;
}

const char *coco_signer_warning(const struct coco_signer *s)
{
	return s->warning;
}

/* ---- reading files ------------------------------------------------------------- */

/* Reads the whole file at path (links followed, as a user's key may be one), at most
 * COCO_MAX_TRUST_FILE bytes, into a malloc'd buffer. */
static enum coco_err read_file(struct coco_ctx *ctx, const char *path, unsigned char **out,
			       size_t *out_len)
{
	FILE *f;
	unsigned char *buf = NULL;
	size_t n = 0;
	enum coco_err err = COCO_OK;

	*out = NULL;
	errno = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path,
				   errno ? strerror(errno) : "cannot read file");
	if ((buf = malloc(COCO_MAX_TRUST_FILE + 1)) == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory reading '%s'", path);
	else if ((n = fread(buf, 1, COCO_MAX_TRUST_FILE + 1, f)) > COCO_MAX_TRUST_FILE)
		err = coco_seterr(ctx, COCO_ERR_LIMIT, "cannot read '%s': larger than %u bytes",
				  path, COCO_MAX_TRUST_FILE);
	else if (ferror(f))
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': %s", path,
				  errno ? strerror(errno) : "read error");
	fclose(f);
	if (err != COCO_OK) {
		free(buf);
		return err;
	}
	*out = buf;
	*out_len = n;
	return COCO_OK;
}

/* Names what a file holds when it is not what was asked for ("a certificate"). */
static enum coco_err not_a(struct coco_ctx *ctx, const char *path, const unsigned char *buf,
			   size_t len, const char *wanted)
{
	const char *kind = coco_pki_kind(buf, len);

	if (kind != NULL && strcmp(kind, wanted) != 0)
		return coco_seterr(ctx, COCO_ERR_FORMAT, "'%s' is %s, not %s", path, kind, wanted);
	return coco_seterr(ctx, COCO_ERR_FORMAT, "'%s' is not %s (PEM or DER)", path, wanted);
}

/* ---- a key and certificate in PEM or DER --------------------------------------------- */

struct pass_adapter {
	coco_pass_cb cb;
	void *arg;
	int probe; /* only find out whether a pass-phrase is needed */
	int asked; /* a pass-phrase was needed */
	int gave;  /* and the callback gave one */
};

static int pem_pass(char *buf, int size, int rwflag, void *u)
{
	struct pass_adapter *a = u;
	int n;

	(void)rwflag;
	a->asked = 1;
	if (a->probe || a->cb == NULL)
		return -1;
	n = a->cb(buf, size, a->arg);
	if (n < 0 || n > size)
		return -1;
	a->gave = 1;
	return n;
}

/* Loads the PEM (or plain DER) private key at path; with a->probe, an encrypted key is left
 * for later: *key stays NULL and a->asked is set. */
static enum coco_err load_key(struct coco_ctx *ctx, const char *path, struct pass_adapter *a,
			      EVP_PKEY **key)
{
	unsigned char *buf = NULL;
	const unsigned char *p;
	size_t len = 0;
	BIO *bio;
	enum coco_err err;

	if ((err = read_file(ctx, path, &buf, &len)) != COCO_OK)
		return err;
	if ((bio = BIO_new_mem_buf(buf, (int)len)) != NULL)
		*key = PEM_read_bio_PrivateKey(bio, NULL, pem_pass, a);
	BIO_free(bio);
	if (*key == NULL && !a->asked && (p = buf, coco_pem_kind(buf, len) == NULL))
		*key = d2i_AutoPrivateKey(NULL, &p, (long)len);
	if (*key == NULL && a->asked && !a->probe)
		err =
		    a->gave
			? coco_seterr_ssl(ctx, COCO_ERR_CRYPTO,
					  "cannot load private key '%s' (wrong pass-phrase?)", path)
			: coco_seterr(ctx, COCO_ERR_CRYPTO,
				      "private key '%s' is encrypted: a pass-phrase is needed",
				      path);
	else if (*key == NULL && !a->asked)
		err = not_a(ctx, path, buf, len, "a private key");
	ERR_clear_error();
	OPENSSL_clear_free(buf, len);
	return err;
}

/* Loads up to max certificates (PEM, several; or one DER) from path into out. */
static enum coco_err load_certs(struct coco_ctx *ctx, const char *path, size_t max,
				STACK_OF(X509) * out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	enum coco_err err;

	if ((err = read_file(ctx, path, &buf, &len)) != COCO_OK)
		return err;
	if (coco_read_certs(buf, len, max, out) == 0)
		err = not_a(ctx, path, buf, len, "a certificate");
	free(buf);
	return err;
}

/* Loads the one certificate (PEM or DER) at path into *out. */
static enum coco_err load_cert(struct coco_ctx *ctx, const char *path, X509 **out)
{
	STACK_OF(X509) *one = sk_X509_new_null();
	enum coco_err err;

	if (one == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	err = load_certs(ctx, path, 1, one);
	if (err == COCO_OK)
		*out = sk_X509_shift(one);
	sk_X509_free(one);
	return err;
}

static enum coco_err load_pem(struct coco_ctx *ctx, const struct coco_signer_opts *o,
			      struct coco_signer *s)
{
	struct pass_adapter a = {o->pass_cb, o->pass_arg, 0, 0, 0};
	enum coco_err err;

	if ((s->chain = sk_X509_new_null()) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	/* the certificate first: a swapped key and certificate is named as such */
	err = load_cert(ctx, o->cert_path, &s->cert);
	a.probe = (o->flags & COCO_SIGNER_DEFER_KEY) != 0;
	if (err == COCO_OK)
		err = load_key(ctx, o->key_path, &a, &s->key);
	if (err == COCO_OK && s->key == NULL &&
	    (s->key_path = coco_strndup(o->key_path, strlen(o->key_path))) == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	/* one more than verify accepts is enough to refuse (refuse_unusable) */
	if (err == COCO_OK && o->chain_path != NULL)
		err = load_certs(ctx, o->chain_path, COCO_MAX_CERTS, s->chain);
	return err;
}

/* ---- a key on a PKCS#11 token ------------------------------------------------------ */

/* The module and certificate (--cert, else the token's), and the chain; the key waits for
 * its PIN (coco_signer_unlock), after the certificate's checks. */
static enum coco_err load_p11(struct coco_ctx *ctx, const struct coco_signer_opts *o,
			      struct coco_signer *s)
{
	enum coco_err err;

	if (o->key_path != NULL || o->p12_path != NULL)
		return coco_seterr(ctx, COCO_ERR_ARG,
				   "a PKCS#11 key cannot be combined with a key file or PKCS#12");
	if ((s->chain = sk_X509_new_null()) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if ((err = coco_p11_open(ctx, o->pkcs11_module, o->pkcs11_uri, &s->p11)) != COCO_OK)
		return err;
	if (o->cert_path != NULL)
		err = load_cert(ctx, o->cert_path, &s->cert);
	else
		err = coco_p11_cert(ctx, s->p11, &s->cert);
	if (err == COCO_OK && o->chain_path != NULL)
		err = load_certs(ctx, o->chain_path, COCO_MAX_CERTS, s->chain);
	return err;
}

/* Asks for the PIN, logs in and loads the key; the PIN is wiped. */
static enum coco_err unlock_p11(struct coco_ctx *ctx, struct coco_signer *s)
{
	char pin[COCO_MAX_PASS + 1];
	int n = s->pass_cb != NULL ? s->pass_cb(pin, COCO_MAX_PASS, s->pass_arg) : -1;
	enum coco_err err;

	if (n < 0 || n > COCO_MAX_PASS)
		err = coco_seterr(ctx, COCO_ERR_CRYPTO, "the key '%s' on the token needs a PIN",
				  coco_p11_uri(s->p11));
	else {
		pin[n] = '\0';
		err = coco_p11_key(ctx, s->p11, pin, &s->key);
	}
	OPENSSL_cleanse(pin, sizeof(pin));
	return err;
}

static enum coco_err unlock_p12(struct coco_ctx *ctx, struct coco_signer *s);

enum coco_err coco_signer_unlock(struct coco_ctx *ctx, struct coco_signer *s)
{
	struct pass_adapter a = {s->pass_cb, s->pass_arg, 0, 0, 0};
	enum coco_err err;

	if (s->key != NULL)
		return COCO_OK;
	if (s->p12_path != NULL)
		return unlock_p12(ctx, s);
	if (s->key_path == NULL && s->p11 == NULL)
		return coco_seterr(ctx, COCO_ERR_ARG, "no private key to load");
	ERR_clear_error();
	err = s->p11 != NULL ? unlock_p11(ctx, s) : load_key(ctx, s->key_path, &a, &s->key);
	if (err != COCO_OK)
		return err;
	if (s->key != NULL && X509_check_private_key(s->cert, s->key) != 1) {
		ERR_clear_error();
		EVP_PKEY_free(s->key); /* another unlock must not find it loaded */
		s->key = NULL;
		return coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to sign as '%s': the private key does not match the certificate",
		    s->subject);
	}
	return COCO_OK;
}

/* ---- PKCS#12 ----------------------------------------------------------------------- */

/*
 * PKCS#12 files are decoded in a library context of their own with OpenSSL's legacy
 * provider beside the default one: files exported with RC2 or 3DES (openssl pkcs12
 * -legacy, older Windows and Java) then open, while nothing else the library does can use
 * a legacy algorithm. The key and certificates are re-encoded into the default context.
 */
struct p12_ctx {
	OSSL_LIB_CTX *lib;
	OSSL_PROVIDER *legacy, *deflt;
};

static void p12_ctx_free(struct p12_ctx *pc)
{
	OSSL_PROVIDER_unload(pc->legacy);
	OSSL_PROVIDER_unload(pc->deflt);
	OSSL_LIB_CTX_free(pc->lib);
}

static enum coco_err p12_decode(struct coco_ctx *ctx, const char *path, struct p12_ctx *pc,
				PKCS12 **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	const unsigned char *p;
	PKCS12 *p12 = NULL;
	enum coco_err err;

	*out = NULL;
	if ((err = read_file(ctx, path, &buf, &len)) != COCO_OK)
		return err;
	if ((pc->lib = OSSL_LIB_CTX_new()) == NULL ||
	    (pc->deflt = OSSL_PROVIDER_load(pc->lib, "default")) == NULL ||
	    (p12 = PKCS12_init_ex(NID_pkcs7_data, pc->lib, NULL)) == NULL) {
		err = coco_seterr_ssl(ctx, COCO_ERR_NOMEM, "cannot set up PKCS#12 decoding");
		goto out;
	}
	pc->legacy = OSSL_PROVIDER_load(pc->lib, "legacy"); /* NULL: not installed */
	ERR_clear_error();
	p = buf;
	if ((*out = d2i_PKCS12(&p12, &p, (long)len)) == NULL) {
		p12 = NULL; /* freed by d2i */
		err = not_a(ctx, path, buf, len, "a PKCS#12 file");
	}
out:
	free(buf);
	if (*out == NULL)
		PKCS12_free(p12);
	return err;
}

/* Moves an object decoded in the PKCS#12 context into the default one, by DER. */
static X509 *cert_to_default(X509 *x)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_X509(x, &der);
	X509 *y = NULL;

	if (n > 0 && (p = der) != NULL)
		y = d2i_X509(NULL, &p, n);
	OPENSSL_free(der);
	return y;
}

static EVP_PKEY *key_to_default(EVP_PKEY *k)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_PrivateKey(k, &der);
	EVP_PKEY *y = NULL;

	if (n > 0 && (p = der) != NULL)
		y = d2i_AutoPrivateKey(NULL, &p, n);
	OPENSSL_clear_free(der, n > 0 ? (size_t)n : 0);
	return y;
}

static enum coco_err p12_take(struct coco_ctx *ctx, EVP_PKEY *key, X509 *cert, STACK_OF(X509) * ca,
			      struct coco_signer *s)
{
	int i;

	s->key = key_to_default(key);
	s->cert = cert_to_default(cert);
	for (i = 0; s->chain != NULL && i < sk_X509_num(ca) && i < (int)COCO_MAX_CERTS; i++) {
		X509 *y = cert_to_default(sk_X509_value(ca, i));
		if (y == NULL || !sk_X509_push(s->chain, y)) {
			X509_free(y);
			return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		}
	}
	if (s->key == NULL || s->cert == NULL)
		return coco_seterr_ssl(ctx, COCO_ERR_NOMEM, "cannot copy the PKCS#12 contents");
	return COCO_OK;
}

/* Why PKCS12_parse failed, in words: a legacy cipher without the provider, or else. */
static enum coco_err p12_failed(struct coco_ctx *ctx, const char *path, const struct p12_ctx *pc,
				int gave)
{
	unsigned long e = ERR_peek_last_error();

	if (pc->legacy == NULL && ERR_GET_REASON(e) == ERR_R_UNSUPPORTED) {
		ERR_clear_error();
		return coco_seterr(ctx, COCO_ERR_CRYPTO,
				   "cannot open PKCS#12 file '%s': it is encrypted with a legacy "
				   "cipher (RC2 or 3DES) and OpenSSL's legacy provider is not "
				   "installed; export it again without -legacy (AES)",
				   path);
	}
	return coco_seterr_ssl(ctx, COCO_ERR_CRYPTO, "cannot open PKCS#12 file '%s'%s", path,
			       gave ? " (wrong pass-phrase?)" : "");
}

/*
 * A PKCS#12 file that needs a pass-phrase holds its certificates encrypted too, as OpenSSL 3
 * and Windows export them: with COCO_SIGNER_DEFER_KEY the whole file is left to
 * coco_signer_unlock, so a submission lint refuses is refused before anything is asked.
 */
static enum coco_err defer_p12(struct coco_ctx *ctx, const struct coco_signer_opts *o,
			       struct coco_signer *s)
{
	s->flags = o->flags & ~COCO_SIGNER_DEFER_KEY;
	s->p12_path = coco_strndup(o->p12_path, strlen(o->p12_path));
	if (o->chain_path != NULL)
		s->chain_path = coco_strndup(o->chain_path, strlen(o->chain_path));
	if (s->p12_path == NULL || (o->chain_path != NULL && s->chain_path == NULL))
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	return COCO_OK;
}

static enum coco_err load_p12(struct coco_ctx *ctx, const struct coco_signer_opts *o,
			      struct coco_signer *s)
{
	struct p12_ctx pc = {NULL, NULL, NULL};
	PKCS12 *p12 = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *ca = NULL;
	char pass[COCO_MAX_PASS + 1];
	int n = 0;
	enum coco_err err = p12_decode(ctx, o->p12_path, &pc, &p12);

	pass[0] = '\0';
	if (err != COCO_OK)
		goto out;
	if (!PKCS12_verify_mac(p12, "", 0) && !PKCS12_verify_mac(p12, NULL, 0)) {
		if (o->flags & COCO_SIGNER_DEFER_KEY) { /* all of it after lint */
			err = defer_p12(ctx, o, s);
			goto out;
		}
		n = o->pass_cb != NULL ? o->pass_cb(pass, COCO_MAX_PASS, o->pass_arg) : -1;
		if (n < 0 || n > COCO_MAX_PASS) {
			err = coco_seterr(ctx, COCO_ERR_CRYPTO,
					  "PKCS#12 file '%s' is encrypted: a pass-phrase is needed",
					  o->p12_path);
			goto out;
		}
		pass[n] = '\0';
	}
	ERR_clear_error();
	if (!PKCS12_parse(p12, pass, &key, &cert, &ca) || key == NULL || cert == NULL)
		err = p12_failed(ctx, o->p12_path, &pc, n > 0);
	else if ((s->chain = sk_X509_new_null()) == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	else
		err = p12_take(ctx, key, cert, ca, s);
	/* a .p12 exported without its chain: --chain adds it */
	if (err == COCO_OK && o->chain_path != NULL)
		err = load_certs(ctx, o->chain_path, COCO_MAX_CERTS, s->chain);
out:
	OPENSSL_cleanse(pass, sizeof(pass));
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	p12_ctx_free(&pc);
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
	if (EVP_PKEY_get_base_id(X509_get0_pubkey(s->cert)) == EVP_PKEY_ED25519)
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
	if (s->key != NULL && X509_check_private_key(s->cert, s->key) != 1) {
		ERR_clear_error();
		return coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to sign as '%s': the private key does not match the certificate",
		    s->subject);
	}
	return COCO_OK;
}

/* ---- the signer's own chain, by the verifier's rules ------------------------------- */

/* The last certificate of the path from the signer through the chain it embeds: a
 * self-signed one, or the first whose issuer the chain does not hold. */
static X509 *embedded_top(const struct coco_signer *s)
{
	X509 *top = s->cert;
	int i, steps;

	for (steps = 0; steps <= (int)COCO_MAX_CERTS && !X509_self_signed(top, 0); steps++) {
		X509 *next = NULL;
		for (i = 0; i < sk_X509_num(s->chain) && next == NULL; i++)
			if (X509_check_issued(sk_X509_value(s->chain, i), top) == X509_V_OK &&
			    sk_X509_value(s->chain, i) != top)
				next = sk_X509_value(s->chain, i);
		if (next == NULL)
			break;
		top = next;
	}
	ERR_clear_error();
	return top;
}

/* A remedy for the chain errors a user can fix by re-issuing a certificate; else NULL. */
static const char *chain_remedy(int err)
{
	switch (err) {
	case X509_V_ERR_CA_CERT_MISSING_KEY_USAGE:
		return "re-issue that CA certificate with 'keyUsage = critical, keyCertSign, "
		       "cRLSign' (docs/TRUST.md has a recipe)";
	case X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER:
	case X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER:
		return "re-issue it with 'subjectKeyIdentifier = hash' and "
		       "'authorityKeyIdentifier = keyid' (docs/TRUST.md has a recipe)";
	case X509_V_ERR_INVALID_CA:
		return "a certificate in the chain is not a CA: check --chain";
	default:
		return NULL;
	}
}

static enum coco_err chain_refused(struct coco_ctx *ctx, const struct coco_signer *s,
				   X509_STORE_CTX *sctx)
{
	int err = X509_STORE_CTX_get_error(sctx);
	X509 *at = X509_STORE_CTX_get_current_cert(sctx);
	char *name = at != NULL ? coco_name_oneline(X509_get_subject_name(at)) : NULL;
	const char *remedy = chain_remedy(err);
	enum coco_err e;

	e = coco_seterr(ctx, COCO_ERR_REFUSED,
			"refusing to sign as '%s': verify would reject the chain at '%s': %s%s%s",
			s->subject, name != NULL ? name : "?", X509_verify_cert_error_string(err),
			remedy != NULL ? "; " : "", remedy != NULL ? remedy : "");
	free(name);
	return e;
}

static void warn_no_root(struct coco_signer *s, X509 *top)
{
	char *name = coco_name_oneline(X509_get_subject_name(top));
	char *issuer = coco_name_oneline(X509_get_issuer_name(top));

	s->warning = coco_asprintf(
	    "the chain embedded in the bundle ends at '%s', which is not self-signed: verify "
	    "will need its issuer '%s' in the trust directory; give --chain with the CA "
	    "certificates up to the root",
	    name ? name : "?", issuer ? issuer : "?");
	free(name);
	free(issuer);
}

/* One validation of s's chain at ctx's time in store, with extra param flags; 1 if it
 * passed, else 0 with *err and *sctx_out holding why (the caller frees it). */
static int try_chain(struct coco_ctx *ctx, const struct coco_signer *s, X509_STORE *store,
		     unsigned long flags, X509_STORE_CTX **sctx_out)
{
	X509_STORE_CTX *sctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;
	int ok;

	*sctx_out = sctx;
	if (sctx == NULL || !X509_STORE_CTX_init(sctx, store, s->cert, s->chain))
		return -1;
	X509_STORE_CTX_set_verify_cb(sctx, coco_verify_cb); /* the verifier's rules */
	param = X509_STORE_CTX_get0_param(sctx);
	X509_VERIFY_PARAM_set_time(param, coco_ctx_time(ctx));
	if (flags != 0)
		X509_VERIFY_PARAM_set_flags(param, flags);
	/* The certificates' own shape only: revocation is for verify to judge (the CRLs at
	 * hand may not be SIA's), and a partial chain's top has no issuer to check it. */
	X509_VERIFY_PARAM_clear_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	ok = X509_verify_cert(sctx) == 1;
	return ok;
}

static int issuer_missing(const X509_STORE_CTX *sctx)
{
	int e = X509_STORE_CTX_get_error((X509_STORE_CTX *)sctx);

	return e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT;
}

/*
 * Validates the signer's chain with the verifier's store (trust.c: the same strict mode,
 * security level, depth, purpose and callback; CRLs aside) at ctx's time, anchored at the trust
 * directory's anchors (if loaded) and at the root the chain embeds, which is what the trust
 * directory should hold. A chain that verify's rules reject is refused. A chain that reaches
 * neither gets a warning, as verify will need its issuer, and is checked as far as it goes.
 */
static enum coco_err check_own_chain(struct coco_ctx *ctx, struct coco_signer *s,
				     enum coco_anchor_set set)
{
	X509_STORE *store = coco_trust_store_for(ctx, set);
	X509_STORE_CTX *sctx = NULL;
	X509 *top = embedded_top(s);
	int self = X509_self_signed(top, 0) == 1, ok;
	enum coco_err err = COCO_OK;

	ERR_clear_error();
	if (store == NULL || (self && !X509_STORE_add_cert(store, top)) ||
	    (ok = try_chain(ctx, s, store, 0, &sctx)) < 0) {
		err = coco_seterr_ssl(ctx, COCO_ERR_NOMEM, "cannot check the chain of '%s'",
				      s->subject);
		goto out;
	}
	if (!ok && !self && issuer_missing(sctx)) {
		warn_no_root(s, top);
		X509_STORE_CTX_free(sctx);
		sctx = NULL;
		if (!X509_STORE_add_cert(store, top) ||
		    (ok = try_chain(ctx, s, store, X509_V_FLAG_PARTIAL_CHAIN, &sctx)) < 0) {
			err = coco_seterr_ssl(ctx, COCO_ERR_NOMEM, "cannot check the chain of '%s'",
					      s->subject);
			goto out;
		}
	}
	if (!ok)
		err = chain_refused(ctx, s, sctx);
out:
	ERR_clear_error();
	X509_STORE_CTX_free(sctx);
	X509_STORE_free(store);
	return err;
}

/* What a loaded signer must pass before lint: its name, and what verify would refuse. */
static enum coco_err check_loaded(struct coco_ctx *ctx, struct coco_signer *s, unsigned flags)
{
	enum coco_err err;

	if ((s->subject = coco_name_oneline(X509_get_subject_name(s->cert))) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if ((err = refuse_unusable(ctx, s)) == COCO_OK)
		err = check_own_chain(
		    ctx, s, flags & COCO_SIGNER_SIRO ? COCO_ANCHORS_SIRO : COCO_ANCHORS_SIGNERS);
	return err;
}

/* The deferred PKCS#12 file, read now with its pass-phrase and checked as at load. */
static enum coco_err unlock_p12(struct coco_ctx *ctx, struct coco_signer *s)
{
	struct coco_signer_opts o = {.chain_path = s->chain_path,
				     .p12_path = s->p12_path,
				     .pass_cb = s->pass_cb,
				     .pass_arg = s->pass_arg,
				     .flags = s->flags};
	enum coco_err err;

	ERR_clear_error();
	if ((err = load_p12(ctx, &o, s)) == COCO_OK)
		err = check_loaded(ctx, s, s->flags);
	if (err != COCO_OK) { /* still locked: another unlock must not find a refused key */
		EVP_PKEY_free(s->key);
		X509_free(s->cert);
		sk_X509_pop_free(s->chain, X509_free);
		free(s->subject);
		free(s->warning);
		s->key = NULL;
		s->cert = NULL;
		s->chain = NULL;
		s->subject = NULL;
		s->warning = NULL;
	}
	return err;
}

enum coco_err coco_signer_load(struct coco_ctx *ctx, const struct coco_signer_opts *opts,
			       struct coco_signer **out)
{
	struct coco_signer *s = NULL;
	enum coco_err err;

	*out = NULL;
	if (opts->p12_path == NULL && opts->pkcs11_uri == NULL &&
	    (opts->key_path == NULL || opts->cert_path == NULL))
		return coco_seterr(ctx, COCO_ERR_ARG,
				   "a signer needs a key and a certificate, PKCS#12 or PKCS#11");
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	s->pass_cb = opts->pass_cb;
	s->pass_arg = opts->pass_arg;
	ERR_clear_error();
	if (opts->pkcs11_uri != NULL)
		err = load_p11(ctx, opts, s);
	else
		err = opts->p12_path != NULL ? load_p12(ctx, opts, s) : load_pem(ctx, opts, s);
	if (err == COCO_OK && s->cert != NULL) /* else a PKCS#12 file left to unlock */
		err = check_loaded(ctx, s, opts->flags);
	/* a token's key once its certificate passed, unless deferred past lint */
	if (err == COCO_OK && s->p11 != NULL && !(opts->flags & COCO_SIGNER_DEFER_KEY))
		err = coco_signer_unlock(ctx, s);
	if (err != COCO_OK) {
		coco_signer_free(s);
		return err;
	}
	*out = s;
	return COCO_OK;
}
