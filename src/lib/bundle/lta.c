/*
 * timestamp (coco.h): the archive timestamp of ETSI EN 319 162-1 (A.5, CAdES LTA in an
 * ASiC-E container). It verifies the bundle, embeds the CRLs of the trust directory that
 * verification used (META-INF/revocation/NNN.crl), then appends an archive manifest
 * (META-INF/ASiCArchiveManifestNNN.xml) listing every entry with its SHA-256, and an RFC
 * 3161 token over that manifest's bytes (META-INF/timestampNNN.tst) from the context's TSA.
 * Earlier entries are copied byte for byte, so earlier archive manifests are never renamed:
 * they are numbered instead (docs/FORMAT.md). Verification is bundle/archive_ts.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>
#include <openssl/x509.h>

#include "bundle/archive_ts.h"
#include "bundle/verify.h"
#include "container/archive.h"
#include "container/manifest.h"
#include "signature/timestamp.h"

struct lta_crl {
	char name[64];
	unsigned char *der;
	size_t len;
};

struct lta_files {
	char manifest[64], tst[64];
	struct lta_crl *crls;
	size_t n_crls;
	char *man;
	size_t man_len;
	unsigned char *tok;
	size_t tok_len;
};

static void lta_release(struct lta_files *f)
{
	size_t i;

	for (i = 0; i < f->n_crls; i++)
		OPENSSL_free(f->crls[i].der);
	free(f->crls);
	free(f->man);
	free(f->tok);
}

/* The number of a numbered archive entry (ASiCArchiveManifestNNN.xml, timestampNNN.tst,
 * revocation/NNN.crl), or 0. */
static long entry_number(const char *name)
{
	static const char *const forms[][2] = {{"META-INF/ASiCArchiveManifest", ".xml"},
					       {"META-INF/timestamp", ".tst"},
					       {"META-INF/revocation/", ".crl"}};
	size_t f, p, q, n = strlen(name);
	char *end;
	long k;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		p = strlen(forms[f][0]), q = strlen(forms[f][1]);
		if (n <= p + q || strncmp(name, forms[f][0], p) != 0 ||
		    strcmp(name + n - q, forms[f][1]) != 0 || name[p] < '0' || name[p] > '9')
			continue;
		k = strtol(name + p, &end, 10);
		if (end == name + n - q && k > 0 && k < 1000000)
			return k;
	}
	return 0;
}

/* One past the highest number of any archive entry (at least 1). */
static long next_number(const struct coco_archive *ar)
{
	long max = 0, k;
	size_t i;

	for (i = 0; i < ar->n; i++)
		if ((k = entry_number(ar->e[i].name)) > max)
			max = k;
	return max + 1;
}

/* The trust directory's CRLs, DER, named META-INF/revocation/NNN.crl from number *num on;
 * a CRL the bundle already holds (the same bytes) is not added again. */
static enum coco_err collect_crls(struct coco_ctx *ctx, const struct coco_vstate *v,
				  struct lta_files *f, long *num)
{
	STACK_OF(X509_OBJECT) *objs =
	    ctx->stores[0] != NULL ? X509_STORE_get0_objects(ctx->stores[0]) : NULL;
	int i, n = objs != NULL ? sk_X509_OBJECT_num(objs) : 0;

	if ((f->crls = calloc((size_t)n + 1, sizeof(*f->crls))) == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		X509_CRL *crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objs, i));
		struct lta_crl *c = &f->crls[f->n_crls];
		unsigned char *der = NULL;
		int len;

		if (crl == NULL)
			continue;
		if ((len = i2d_X509_CRL(crl, &der)) <= 0)
			return coco_seterr_ssl(ctx, COCO_ERR_CRYPTO, "cannot encode a CRL");
		if (coco_archive_ts_holds(v, der, (size_t)len)) {
			OPENSSL_free(der);
			continue;
		}
		c->der = der, c->len = (size_t)len;
		snprintf(c->name, sizeof(c->name), "META-INF/revocation/%03ld.crl", (*num)++);
		f->n_crls++;
	}
	return COCO_OK;
}

/* The archive manifest: every entry but the mimetype and folders, and the new CRLs. */
static enum coco_err build_manifest(struct coco_ctx *ctx, const struct coco_vstate *v,
				    struct lta_files *f)
{
	const struct coco_archive *ar = coco_vstate_archive(v);
	struct coco_manifest_ref *refs = calloc(ar->n + f->n_crls + 1, sizeof(*refs));
	size_t i, n;

	if (refs == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	n = coco_vstate_entry_refs(v, refs);
	for (i = 0; i < f->n_crls; i++) {
		refs[n].name = f->crls[i].name;
		SHA256(f->crls[i].der, f->crls[i].len, refs[n++].digest);
	}
	f->man = coco_manifest_build(f->tst, refs, n, &f->man_len);
	free(refs);
	if (f->man == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (f->man_len > ctx->limits.meta_size)
		return coco_seterr(ctx, COCO_ERR_LIMIT,
				   "cannot timestamp '%s': its archive manifest of %zu entries "
				   "would be %zu bytes, over the %zu bytes verify reads",
				   ar->path, n, f->man_len, ctx->limits.meta_size);
	return COCO_OK;
}

/* Writes the bundle ar with f added, atomically; sha256 is the verified file's digest. */
static enum coco_err write_out(struct coco_ctx *ctx, struct coco_archive *ar, const char *sha256,
			       const char *out_path, const struct lta_files *f)
{
	struct coco_new_entry *e = calloc(f->n_crls + 2, sizeof(*e));
	enum coco_err err;
	size_t i;

	if (e == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	for (i = 0; i < f->n_crls; i++)
		e[i] = (struct coco_new_entry){f->crls[i].name, f->crls[i].der, f->crls[i].len, 0};
	e[i++] = (struct coco_new_entry){f->manifest, (const unsigned char *)f->man, f->man_len, 1};
	e[i++] = (struct coco_new_entry){f->tst, f->tok, f->tok_len, 0};
	err = coco_zipw_append_atomic(ctx, ar, sha256, out_path, e, i);
	free(e);
	return err;
}

/* Only a bundle that verified is worth preserving: a FAILED one is refused. */
static enum coco_err may_timestamp(struct coco_ctx *ctx, const struct coco_archive *ar,
				   const struct coco_report *r, const char *in_path)
{
	enum coco_verdict verdict = coco_report_verdict(r);

	if (ar == NULL || !ar->ok || verdict == COCO_VERDICT_FAILED)
		return coco_seterr(ctx, COCO_ERR_REFUSED,
				   "refusing to timestamp '%s': its verification is %s", in_path,
				   coco_verdict_name(verdict));
	if (ctx->tsa == NULL)
		return coco_seterr(ctx, COCO_ERR_ARG, "an archive timestamp needs a TSA");
	return COCO_OK;
}

enum coco_err coco_archive_timestamp(struct coco_ctx *ctx, const char *in_path,
				     const char *out_path, struct coco_report *report)
{
	struct coco_report *own = NULL, *r = report;
	struct coco_vstate *v = NULL;
	struct lta_files f;
	long num;
	enum coco_err err;

	memset(&f, 0, sizeof(f));
	if (r == NULL && (err = coco_report_new(&own)) != COCO_OK)
		return coco_seterr(ctx, err, "out of memory");
	if (r == NULL)
		r = own;
	if ((err = coco_vstate_run(ctx, in_path, r, COCO_MODE_VERIFY, &v)) != COCO_OK ||
	    (err = may_timestamp(ctx, coco_vstate_archive(v), r, in_path)) != COCO_OK)
		goto out;
	num = next_number(coco_vstate_archive(v));
	if ((err = collect_crls(ctx, v, &f, &num)) != COCO_OK)
		goto out;
	if (num > 999999) {
		err = coco_seterr(ctx, COCO_ERR_LIMIT, "cannot timestamp '%s': numbers run out",
				  in_path);
		goto out;
	}
	snprintf(f.manifest, sizeof(f.manifest), "META-INF/ASiCArchiveManifest%03ld.xml", num);
	snprintf(f.tst, sizeof(f.tst), "META-INF/timestamp%03ld.tst", num);
	if ((err = build_manifest(ctx, v, &f)) != COCO_OK ||
	    (err = coco_timestamp_request(ctx, ctx->tsa, ctx->tsa_arg, (const unsigned char *)f.man,
					  f.man_len, &f.tok, &f.tok_len)) != COCO_OK ||
	    (err = coco_archive_ts_accept(ctx, f.man, f.man_len, f.tok, f.tok_len, f.tst)) !=
		COCO_OK)
		goto out;
	err = write_out(ctx, coco_vstate_archive(v), r->sha256, out_path, &f);
out:
	lta_release(&f);
	coco_vstate_free(v);
	coco_report_free(own);
	return err;
}
