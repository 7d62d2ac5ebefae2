/*
 * Keys on PKCS#11 tokens through libp11's OpenSSL engine (Debian's
 * libengine-pkcs11-openssl). OpenSSL 3's successor, a PKCS#11 provider (pkcs11-provider),
 * is not in Debian 12's (bookworm's) archive, which this project builds on, only in its
 * backports; the engine is, and OpenSSL 3.0 still runs engines. The engine API is deprecated in
 * OpenSSL 3 and the build hides deprecated declarations (OPENSSL_NO_DEPRECATED,
 * OPENSSL_API_COMPAT=30000) and turns warnings into errors, so this file alone re-exposes them,
 * below, before any header: every deprecated call of the library is here, where a move to a
 * provider (OSSL_STORE with a "pkcs11:" URI) would replace it. The engine never becomes a default
 * for any algorithm: only the key loaded from it uses it.
 */
#undef OPENSSL_NO_DEPRECATED
#undef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 10101
#define OPENSSL_SUPPRESS_DEPRECATED

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/ui.h>

#include "signature/pkcs11.h"

struct coco_p11 {
	ENGINE *e;     /* a functional reference (ENGINE_init) */
	UI_METHOD *ui; /* the engine's prompts: answered by answer_prompt, never a terminal */
	char *uri;
	char *pin;  /* kept from coco_p11_key for keys that ask again, wiped by coco_p11_free */
	int loaded; /* the key is loaded: later prompts are the key's own */
};

const char *coco_p11_uri(const struct coco_p11 *p)
{
	return p->uri;
}

void coco_p11_free(struct coco_p11 *p)
{
	if (p == NULL)
		return;
	if (p->e != NULL) {
		ENGINE_finish(p->e);
		ENGINE_free(p->e);
	}
	UI_destroy_method(p->ui);
	free(p->uri);
	if (p->pin != NULL)
		OPENSSL_clear_free(p->pin, strlen(p->pin));
	free(p);
}

/*
 * The engine asks through this UI method, never on the terminal (the library does no I/O).
 * While the key is being loaded a prompt means the token refused the PIN or had none: no
 * answer, so a wrong PIN is tried once and never again. Once the key is loaded, a prompt is
 * the key's own: a key marked CKA_ALWAYS_AUTHENTICATE (signature cards, a PIV card's
 * signing slot) needs the PIN again before each signature, and gets the same PIN.
 */
static int answer_prompt(UI *ui, UI_STRING *uis)
{
	const struct coco_p11 *p = UI_get0_user_data(ui);

	switch (UI_get_string_type(uis)) {
	case UIT_PROMPT:
	case UIT_VERIFY:
		if (p == NULL || !p->loaded || p->pin == NULL)
			return 0;
		return UI_set_result(ui, uis, p->pin) == 0;
	default:
		return 1; /* information and errors: nothing is shown */
	}
}

/* A "pkcs11:" URI without a PIN in it: the PIN comes from --pass, and the URI is shown
 * in messages. */
static enum coco_err check_uri(struct coco_ctx *ctx, const char *uri)
{
	const char *q;

	if (strncasecmp(uri, "pkcs11:", 7) != 0)
		return coco_seterr(ctx, COCO_ERR_ARG,
				   "'%s' is not a PKCS#11 URI (pkcs11:token=LABEL;object=LABEL)",
				   uri);
	/* an attribute (RFC 7512: after ':' or ';' in the path, '?' or '&' in the query), not
	 * the same letters inside a label */
	for (q = uri; *q != '\0'; q++)
		if ((*q == ':' || *q == ';' || *q == '?' || *q == '&') &&
		    (strncasecmp(q + 1, "pin-value=", 10) == 0 ||
		     strncasecmp(q + 1, "pin-source=", 11) == 0))
			return coco_seterr(ctx, COCO_ERR_ARG,
					   "a PKCS#11 URI must not hold the PIN: give it with "
					   "--pass");
	return COCO_OK;
}

/* The module can be opened and is an ELF shared object: checked before the engine, whose
 * loader would print its own error on stderr. */
static enum coco_err check_module(struct coco_ctx *ctx, const char *module)
{
	unsigned char magic[4] = {0};
	FILE *f;
	size_t n;

	errno = 0;
	if ((f = fopen(module, "rb")) == NULL)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open PKCS#11 module '%s': %s", module,
				   errno ? strerror(errno) : "cannot read file");
	n = fread(magic, 1, sizeof(magic), f);
	fclose(f);
	if (n != sizeof(magic) || memcmp(magic, "\177ELF", 4) != 0)
		return coco_seterr(ctx, COCO_ERR_IO,
				   "'%s' is not a PKCS#11 module (a shared library, such as "
				   "p11-kit-proxy.so or libsofthsm2.so)",
				   module);
	return COCO_OK;
}

/* The engine by id, quiet, bound to module, its prompts sent to answer_prompt with p, and
 * initialised. */
static enum coco_err load_engine(struct coco_ctx *ctx, const char *module, struct coco_p11 *p)
{
	ERR_clear_error();
	if ((p->e = ENGINE_by_id("pkcs11")) == NULL) {
		ERR_clear_error();
		return coco_seterr(ctx, COCO_ERR_CRYPTO,
				   "cannot load OpenSSL's PKCS#11 engine (pkcs11): is "
				   "libengine-pkcs11-openssl installed?");
	}
	(void)ENGINE_ctrl_cmd_string(p->e, "QUIET", NULL, 1); /* else it prints on stderr */
	if (!ENGINE_ctrl_cmd_string(p->e, "MODULE_PATH", module, 0) ||
	    !ENGINE_ctrl_cmd(p->e, "SET_USER_INTERFACE", 0, p->ui, NULL, 0) ||
	    !ENGINE_ctrl_cmd(p->e, "SET_CALLBACK_DATA", 0, p, NULL, 0) || !ENGINE_init(p->e)) {
		ENGINE_free(p->e);
		p->e = NULL;
		return coco_seterr_ssl(ctx, COCO_ERR_CRYPTO,
				       "cannot set up the PKCS#11 engine for module '%s'", module);
	}
	return COCO_OK;
}

enum coco_err coco_p11_open(struct coco_ctx *ctx, const char *module, const char *uri,
			    struct coco_p11 **out)
{
	struct coco_p11 *p = NULL;
	enum coco_err err;

	*out = NULL;
	if (module == NULL || uri == NULL)
		return coco_seterr(ctx, COCO_ERR_ARG, "a PKCS#11 key needs a module and a URI");
	if ((err = check_uri(ctx, uri)) != COCO_OK)
		return err;
	if ((err = check_module(ctx, module)) != COCO_OK)
		return err;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->uri = coco_strndup(uri, strlen(uri))) == NULL ||
	    (p->ui = UI_create_method("coco-bundle: no terminal")) == NULL ||
	    UI_method_set_reader(p->ui, answer_prompt) != 0) {
		coco_p11_free(p);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	if ((err = load_engine(ctx, module, p)) != COCO_OK) {
		coco_p11_free(p);
		return err;
	}
	*out = p;
	return COCO_OK;
}

enum coco_err coco_p11_cert(struct coco_ctx *ctx, struct coco_p11 *p, X509 **out)
{
	struct {
		const char *id;
		X509 *cert;
	} params = {p->uri, NULL};

	*out = NULL;
	ERR_clear_error();
	/* a certificate the token shows only after login is not looked for: no PIN yet */
	if (!ENGINE_ctrl_cmd(p->e, "LOAD_CERT_CTRL", 0, &params, NULL, 0) || params.cert == NULL) {
		ERR_clear_error();
		return coco_seterr(ctx, COCO_ERR_CRYPTO,
				   "no certificate '%s' on the token: give the signer's "
				   "certificate with --cert",
				   p->uri);
	}
	*out = params.cert;
	return COCO_OK;
}

enum coco_err coco_p11_key(struct coco_ctx *ctx, struct coco_p11 *p, const char *pin,
			   EVP_PKEY **out)
{
	enum coco_err err = COCO_OK;

	*out = NULL;
	ERR_clear_error();
	if (p->pin != NULL)
		OPENSSL_clear_free(p->pin, strlen(p->pin));
	p->pin = NULL;
	p->loaded = 0;
	if (pin != NULL && ((p->pin = coco_strndup(pin, strlen(pin))) == NULL ||
			    !ENGINE_ctrl_cmd_string(p->e, "PIN", pin, 0)))
		return coco_seterr_ssl(ctx, COCO_ERR_NOMEM, "cannot pass the PIN to the engine");
	if ((*out = ENGINE_load_private_key(p->e, p->uri, p->ui, p)) == NULL)
		err = coco_seterr_ssl(ctx, COCO_ERR_CRYPTO,
				      "cannot use the private key '%s' on the token", p->uri);
	p->loaded = *out != NULL;
	/* libp11 wipes and frees its copy of the PIN when given none, then complains */
	(void)ENGINE_ctrl_cmd(p->e, "PIN", 0, NULL, NULL, 0);
	ERR_clear_error();
	return err;
}
