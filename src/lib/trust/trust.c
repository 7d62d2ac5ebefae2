/*
 * The context's making and freeing, and its trust store (its plain fields, hooks and last
 * error are util/ctx.c's). A trust directory (docs/TRUST.md) holds anchors in signers/
 * (applicant signatures), bodies/ (certification bodies' PDF signatures), siro/ (sign-offs)
 * and tsa/ (time-stamping authorities: signature/timestamp.c), CRLs in crl/, and SIA's
 * policy and reference data (policy.xml, bodies/bodies.xml, registers/, loaded by
 * policy.c). Files are read in name order, each bounded in size, PEM or DER, and any file
 * that does not parse is an error naming it: a trust store is never half loaded silently.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <libxml/xmlschemas.h>

#include "trust/pki.h"
#include "trust/policy.h"

enum coco_err coco_ctx_new(struct coco_ctx **out)
{
	static const struct coco_limits defaults = {
	    .entries = COCO_MAX_ENTRIES,
	    .meta_size = COCO_MAX_META_SIZE,
	    .entry_size = COCO_MAX_ENTRY_SIZE,
	    .cd_size = COCO_MAX_CD_SIZE,
	    .bundle_size = COCO_MAX_BUNDLE_SIZE,
	    .trust_total = COCO_MAX_TRUST_TOTAL,
	    .trust_files = COCO_MAX_TRUST_FILES,
	    .register_rows = COCO_MAX_REGISTER_ROWS,
	};

	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return COCO_ERR_NOMEM;
	(*out)->limits = defaults;
	return COCO_OK;
}

void coco_ctx_free(struct coco_ctx *ctx)
{
	size_t s;

	if (ctx == NULL)
		return;
	for (s = 0; s < COCO_N_ANCHOR_SETS; s++)
		X509_STORE_free(ctx->stores[s]);
	if (ctx->manifest_schema != NULL)
		xmlSchemaFree(ctx->manifest_schema);
	if (ctx->assessment_schema != NULL)
		xmlSchemaFree(ctx->assessment_schema);
	if (ctx->assessment_schema2 != NULL)
		xmlSchemaFree(ctx->assessment_schema2);
	if (ctx->policy_schema != NULL)
		xmlSchemaFree(ctx->policy_schema);
	if (ctx->bodies_schema != NULL)
		xmlSchemaFree(ctx->bodies_schema);
	if (ctx->signoff_schema != NULL)
		xmlSchemaFree(ctx->signoff_schema);
	coco_policy_free(ctx->policy);
	free(ctx);
}

/* Counts len more bytes against the trust directory's total. */
static enum coco_err trust_count(struct coco_ctx *ctx, const char *path, uint64_t len)
{
	if (len > ctx->limits.trust_total - ctx->trust_bytes)
		return coco_seterr(ctx, COCO_ERR_LIMIT,
				   "cannot load '%s': the trust directory's files add up to more "
				   "than %llu bytes",
				   path, (unsigned long long)ctx->limits.trust_total);
	ctx->trust_bytes += len;
	return COCO_OK;
}

enum coco_err coco_trust_file_read(struct coco_ctx *ctx, const char *path, unsigned char **out,
				   size_t *out_len)
{
	enum coco_err err = coco_file_read(ctx, path, COCO_MAX_TRUST_FILE, out, out_len);

	if (err == COCO_OK && (err = trust_count(ctx, path, *out_len)) != COCO_OK) {
		free(*out);
		*out = NULL;
	}
	return err;
}

/* Reads a whole trust file (bounded, and counted against the directory's total). */
static enum coco_err read_buf(struct coco_ctx *ctx, const char *path, unsigned char **out,
			      size_t *out_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	unsigned char *buf = NULL;
	ssize_t n = 0;

	*out = NULL;
	if (fd < 0)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': not a regular file", path);
	}
	if ((uint64_t)st.st_size > COCO_MAX_TRUST_FILE) {
		close(fd);
		return coco_seterr(ctx, COCO_ERR_LIMIT, "cannot load '%s': larger than %u bytes",
				   path, COCO_MAX_TRUST_FILE);
	}
	if (trust_count(ctx, path, (uint64_t)st.st_size) != COCO_OK) {
		close(fd);
		return COCO_ERR_LIMIT;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf != NULL)
		n = pread(fd, buf, (size_t)st.st_size, 0);
	close(fd);
	if (buf == NULL || n != (ssize_t)st.st_size) {
		free(buf);
		return coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s'", path);
	}
	*out = buf;
	*out_len = (size_t)n;
	return COCO_OK;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && strcmp(s + n - k, suf) == 0;
}

static const char *const anchor_folder_name[COCO_N_ANCHOR_SETS] = {"signers/", "bodies/", "siro/",
								   "tsa/"};

/* What a trust file that holds none of what its folder wants is, in plain words. */
static enum coco_err wrong_kind(struct coco_ctx *ctx, const char *path, const unsigned char *buf,
				size_t len, const char *wanted)
{
	const char *kind = coco_pki_kind(buf, len);

	if (kind != NULL && strcmp(kind, wanted) != 0)
		return coco_seterr(ctx, COCO_ERR_FORMAT, "'%s' is %s, not %s", path, kind, wanted);
	return coco_seterr(ctx, COCO_ERR_FORMAT, "'%s' is not %s (PEM or DER)", path, wanted);
}

/* Adds path's CA certificates (PEM, several per file; or one DER) to anchor set `set`. */
static enum coco_err load_anchor_file(struct coco_ctx *ctx, enum coco_anchor_set set,
				      const char *path)
{
	STACK_OF(X509) *certs = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;
	enum coco_err err;
	int i, n;

	/* bodies/ also holds bodies.xml: only its certificate files are anchors */
	if (set == COCO_ANCHORS_BODIES && !has_suffix(path, ".pem") && !has_suffix(path, ".crt") &&
	    !has_suffix(path, ".der"))
		return COCO_OK;
	if ((err = read_buf(ctx, path, &buf, &len)) != COCO_OK)
		return err;
	if ((certs = sk_X509_new_null()) == NULL) {
		free(buf);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	/* PEM, several per file; or one DER certificate */
	n = coco_read_certs(buf, len, COCO_MAX_ANCHORS + 1, certs);
	if (n == 0)
		err = wrong_kind(ctx, path, buf, len, "a certificate");
	for (i = 0; err == COCO_OK && i < n; i++) {
		X509 *x = sk_X509_value(certs, i);
		if (!(X509_get_extension_flags(x) & EXFLAG_CA) ||
		    !X509_STORE_add_cert(ctx->stores[set], x))
			err = coco_seterr_ssl(
			    ctx, COCO_ERR_FORMAT,
			    "cannot use '%s' as a trust anchor: not a CA certificate", path);
		else if (++ctx->n_anchors[set] > COCO_MAX_ANCHORS)
			err = coco_seterr(ctx, COCO_ERR_LIMIT,
					  "cannot load '%s': more than %u certificates in %s", path,
					  COCO_MAX_ANCHORS, anchor_folder_name[set]);
	}
	sk_X509_pop_free(certs, X509_free);
	free(buf);
	ERR_clear_error();
	return err;
}

/* Adds crl to every anchor set's store; 0 on failure. */
static int add_crl(struct coco_ctx *ctx, X509_CRL *crl)
{
	size_t s;

	for (s = 0; s < COCO_N_ANCHOR_SETS; s++)
		if (!X509_STORE_add_crl(ctx->stores[s], crl))
			return 0;
	return 1;
}

/* One DER CRL filling buf, added to the stores: 1, or 0. */
static int load_der_crl(struct coco_ctx *ctx, const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
	int ok = crl != NULL && p == buf + len && add_crl(ctx, crl);

	X509_CRL_free(crl);
	return ok;
}

static enum coco_err load_crl_file(struct coco_ctx *ctx, enum coco_anchor_set set, const char *path)
{
	unsigned char *buf = NULL;
	size_t len = 0, before = ctx->n_crls;
	BIO *bio = NULL;
	X509_CRL *crl;
	enum coco_err err;

	(void)set; /* a CRL goes to every set (add_crl) */
	if ((err = read_buf(ctx, path, &buf, &len)) != COCO_OK)
		return err;
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		free(buf);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	while (ctx->n_crls <= COCO_MAX_CRLS &&
	       (crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
		int ok = add_crl(ctx, crl);
		X509_CRL_free(crl);
		if (!ok)
			break;
		ctx->n_crls++;
	}
	BIO_free(bio);
	ERR_clear_error();
	if (ctx->n_crls == before && load_der_crl(ctx, buf, len))
		ctx->n_crls++;
	if (ctx->n_crls > COCO_MAX_CRLS)
		err =
		    coco_seterr(ctx, COCO_ERR_LIMIT, "cannot load '%s': more than %u CRLs in crl/",
				path, COCO_MAX_CRLS);
	else if (ctx->n_crls == before)
		err = wrong_kind(ctx, path, buf, len, "a CRL");
	free(buf);
	ERR_clear_error();
	return err;
}

static int visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Calls fn(ctx, set, path) on each visible file of dir/sub, in name order; a missing folder
 * is fine. */
static enum coco_err
load_folder(struct coco_ctx *ctx, const char *dir, const char *sub, enum coco_anchor_set set,
	    enum coco_err (*fn)(struct coco_ctx *, enum coco_anchor_set, const char *))
{
	struct dirent **names = NULL;
	char *folder = coco_asprintf("%s/%s", dir, sub), *path;
	enum coco_err err = COCO_OK;
	int i, n;

	if (folder == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	n = scandir(folder, &names, visible, alphasort);
	if (n < 0) {
		err = errno == ENOENT ? COCO_OK
				      : coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': %s",
						    folder, strerror(errno));
		free(folder);
		return err;
	}
	if ((size_t)n > ctx->limits.trust_files)
		err = coco_seterr(ctx, COCO_ERR_LIMIT, "cannot load '%s': more than %zu files",
				  folder, ctx->limits.trust_files);
	for (i = 0; i < n; i++) {
		if (err == COCO_OK) {
			path = coco_asprintf("%s/%s", folder, names[i]->d_name);
			err = path ? fn(ctx, set, path)
				   : coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
			free(path);
		}
		free(names[i]);
	}
	free(names);
	free(folder);
	return err;
}

static X509_STORE *new_store(void)
{
	X509_STORE *store = X509_STORE_new();
	X509_VERIFY_PARAM *param;

	if (store == NULL)
		return NULL;
	param = X509_STORE_get0_param(store);
	/* Purpose ANY: documentSigning signers must not fail the S/MIME default (NOTES 3). */
	if (!X509_STORE_set_purpose(store, X509_PURPOSE_ANY) ||
	    !X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL |
					     X509_V_FLAG_X509_STRICT)) {
		X509_STORE_free(store);
		return NULL;
	}
	X509_VERIFY_PARAM_set_auth_level(param, 2);
	X509_VERIFY_PARAM_set_depth(param, COCO_MAX_CHAIN_DEPTH);
	/* the verifier's callback is the verifier's to set (signature/cms.c) */
	return store;
}

/* A new store with src's certificates and CRLs (up-referenced, not copied), so that each
 * context owns its verification parameters (the time) while the objects are shared. */
static X509_STORE *copy_store(X509_STORE *src)
{
	X509_STORE *dst = new_store();
	STACK_OF(X509_OBJECT) * objs;
	int i, ok = dst != NULL && X509_STORE_lock(src);

	if (!ok) {
		X509_STORE_free(dst);
		return NULL;
	}
	objs = X509_STORE_get0_objects(src);
	for (i = 0; ok && i < sk_X509_OBJECT_num(objs); i++) {
		X509_OBJECT *o = sk_X509_OBJECT_value(objs, i);
		X509 *x = X509_OBJECT_get0_X509(o);
		X509_CRL *crl = X509_OBJECT_get0_X509_CRL(o);
		if (x != NULL)
			ok = X509_STORE_add_cert(dst, x);
		else if (crl != NULL)
			ok = X509_STORE_add_crl(dst, crl);
	}
	X509_STORE_unlock(src);
	if (!ok) {
		X509_STORE_free(dst);
		return NULL;
	}
	return dst;
}

X509_STORE *coco_trust_store_for(struct coco_ctx *ctx, enum coco_anchor_set set)
{
	return ctx->stores[set] != NULL ? copy_store(ctx->stores[set]) : new_store();
}

static void free_stores(struct coco_ctx *ctx)
{
	size_t s;

	for (s = 0; s < COCO_N_ANCHOR_SETS; s++) {
		X509_STORE_free(ctx->stores[s]);
		ctx->stores[s] = NULL;
		ctx->n_anchors[s] = 0;
	}
	ctx->n_crls = 0;
}

enum coco_err coco_ctx_share_trust(struct coco_ctx *dst, struct coco_ctx *src)
{
	X509_STORE *stores[COCO_N_ANCHOR_SETS] = {NULL};
	size_t s;

	if (dst == src)
		return COCO_OK;
	if (src->policy == NULL && coco_ctx_policy(src) == NULL)
		return coco_seterr(dst, COCO_ERR_NOMEM, "%s", coco_ctx_error(src));
	for (s = 0; s < COCO_N_ANCHOR_SETS; s++)
		if (src->stores[s] != NULL && (stores[s] = copy_store(src->stores[s])) == NULL) {
			while (s-- > 0)
				X509_STORE_free(stores[s]);
			return coco_seterr(dst, COCO_ERR_NOMEM, "out of memory");
		}
	free_stores(dst);
	for (s = 0; s < COCO_N_ANCHOR_SETS; s++) {
		dst->stores[s] = stores[s];
		dst->n_anchors[s] = src->n_anchors[s];
	}
	dst->n_crls = src->n_crls;
	coco_policy_free(dst->policy);
	__atomic_add_fetch(&src->policy->refs, 1, __ATOMIC_ACQ_REL);
	dst->policy = src->policy;
	return COCO_OK;
}

enum coco_err coco_ctx_load_trust(struct coco_ctx *ctx, const char *dir)
{
	struct coco_policy *policy = NULL;
	struct stat st;
	enum coco_err err;
	size_t s;

	if (stat(dir, &st) != 0)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open trust directory '%s': %s", dir,
				   strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return coco_seterr(ctx, COCO_ERR_IO,
				   "cannot open trust directory '%s': not a directory", dir);
	free_stores(ctx);
	ctx->trust_bytes = 0;
	for (s = 0; s < COCO_N_ANCHOR_SETS; s++)
		if ((ctx->stores[s] = new_store()) == NULL) {
			free_stores(ctx);
			return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory loading '%s'", dir);
		}
	ERR_clear_error();
	if ((err = load_folder(ctx, dir, "signers", COCO_ANCHORS_SIGNERS, load_anchor_file)) ==
	    COCO_OK)
		err = load_folder(ctx, dir, "bodies", COCO_ANCHORS_BODIES, load_anchor_file);
	if (err == COCO_OK)
		err = load_folder(ctx, dir, "siro", COCO_ANCHORS_SIRO, load_anchor_file);
	if (err == COCO_OK)
		err = load_folder(ctx, dir, "tsa", COCO_ANCHORS_TSA, load_anchor_file);
	if (err == COCO_OK) /* the set is unused: a CRL goes to every set */
		err = load_folder(ctx, dir, "crl", COCO_ANCHORS_SIGNERS, load_crl_file);
	if (err == COCO_OK)
		err = coco_policy_load(ctx, dir, &policy);
	if (err != COCO_OK) {
		free_stores(ctx);
		return err;
	}
	coco_policy_free(ctx->policy);
	ctx->policy = policy;
	return COCO_OK;
}
