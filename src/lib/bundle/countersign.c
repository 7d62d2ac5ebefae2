/*
 * countersign (coco.h): records the SIRO's decision in a bundle. It verifies the bundle,
 * then appends a decision (signoff/decision-NNN.xml), the report it was made on
 * (signoff/report-NNN.xml), a manifest over every earlier entry and the two new files,
 * and the SIRO's CAdES-B-B signature over that manifest. The earlier entries are copied
 * byte for byte, so the applicant's signature still verifies with any tool. Sign-off
 * verification is signoff/check.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "bundle/verify.h"
#include "container/archive.h"
#include "container/manifest.h"
#include "signature/cms.h"
#include "signature/timestamp.h"
#include "signoff/signoff.h"

/* True if none of the four names numbered n is in the archive. */
static int number_free(const struct coco_archive *ar, long n)
{
	char name[4][64];
	size_t f;

	snprintf(name[0], sizeof(name[0]), "META-INF/ASiCManifest%03ld.xml", n);
	snprintf(name[1], sizeof(name[1]), "META-INF/signature%03ld.p7s", n);
	snprintf(name[2], sizeof(name[2]), "signoff/decision-%03ld.xml", n);
	snprintf(name[3], sizeof(name[3]), "signoff/report-%03ld.xml", n);
	for (f = 0; f < 4; f++)
		if (coco_archive_find(ar, name[f]) >= 0)
			return 0;
	return 1;
}

/* The number for a new sign-off: one past the highest of any numbered manifest, signature
 * or sign-off file, and at least 2 (001 is the applicant's); if that is taken or too big
 * (an applicant's entry can claim any number), the lowest free one. -1 if none is. */
static long next_number(const struct coco_archive *ar)
{
	static const char *const forms[][2] = {{"META-INF/ASiCManifest", ".xml"},
					       {"META-INF/signature", ".p7s"},
					       {"signoff/decision-", ".xml"},
					       {"signoff/report-", ".xml"}};
	long max = 1, k, n;
	size_t i, f;

	for (i = 0; i < ar->n; i++)
		for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
			if ((k = coco_signoff_numbered(ar->e[i].name, forms[f][0], forms[f][1])) >
			    max)
				max = k;
	if (max < 999999 && number_free(ar, max + 1))
		return max + 1;
	for (n = 2; n <= 999999; n++)
		if (number_free(ar, n))
			return n;
	return -1;
}

/* A comment is printable UTF-8 (newlines and tabs allowed, nothing coco_utf8_unsafe
 * rejects), at most COCO_MAX_COMMENT bytes. */
static int comment_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;

	if (left > COCO_MAX_COMMENT)
		return 0;
	while (left > 0) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F ||
		    (n = coco_utf8_seq(p, left)) == 0 || coco_utf8_unsafe(p, n))
			return 0;
		p += n;
		left -= n;
	}
	return 1;
}

static void put_el(struct coco_buf *b, const char *name, const char *text)
{
	coco_buf_printf(b, "  <%s>", name);
	coco_buf_safe(b, text, COCO_BUF_MARKUP);
	coco_buf_printf(b, "</%s>\n", name);
}

/* An approval's statementsRead: the CoCo elements whose statements the SIRO confirmed
 * reading against SIA's requirement (those the report lists). */
static void put_read(struct coco_buf *b, const struct coco_countersign_opts *o,
		     const struct coco_report *r)
{
	size_t i;

	if (o->decision != COCO_DECISION_APPROVED || !o->confirm_statements || r->n_elements == 0)
		return;
	coco_buf_str(b, "  <statementsRead>");
	for (i = 0; i < r->n_elements; i++) {
		coco_buf_str(b, i > 0 ? " " : "");
		coco_buf_safe(b, r->elements[i].id, COCO_BUF_MARKUP);
	}
	coco_buf_str(b, "</statementsRead>\n");
}

struct newfiles {
	char decision[64], report[64], manifest[64], sig[64];
	char *rep, *dec, *man;
	size_t rep_len, dec_len, man_len;
	unsigned char *der;
	size_t der_len;
};

static void newfiles_release(struct newfiles *f)
{
	free(f->rep);
	free(f->dec);
	free(f->man);
	OPENSSL_free(f->der);
}

static enum coco_err build_decision(struct coco_ctx *ctx, const struct coco_signer *siro,
				    const struct coco_countersign_opts *o,
				    const struct coco_report *r, struct newfiles *f)
{
	struct coco_buf b = {NULL, 0, 0, 0};
	unsigned char md[32];
	char hex[65], tb[21], *cn = coco_cert_common_name(X509_get_subject_name(siro->cert));

	SHA256((const unsigned char *)f->rep, f->rep_len, md);
	coco_hex(md, sizeof(md), hex);
	coco_buf_str(
	    &b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<decision xmlns=\"" COCO_NS_SIGNOFF
		"\" version=\"1\">\n");
	put_el(&b, "outcome", coco_decision_name(o->decision));
	if (o->comment != NULL && o->comment[0] != '\0')
		put_el(&b, "comment", o->comment);
	put_read(&b, o, r);
	put_el(&b, "siro", cn ? cn : siro->subject);
	put_el(&b, "siroSubject", siro->subject);
	put_el(&b, "time", coco_time_format(coco_ctx_time(ctx), tb));
	put_el(&b, "verdict", coco_verdict_name(coco_report_verdict(r)));
	coco_buf_printf(&b, "  <verifiedBundle sha256=\"%s\"/>\n", r->sha256);
	coco_buf_printf(&b, "  <report href=\"%s\" sha256=\"%s\"/>\n</decision>\n", f->report, hex);
	free(cn);
	if (b.failed) {
		free(b.p);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	f->dec = b.p;
	f->dec_len = b.len;
	return COCO_OK;
}

/* The SIRO's manifest: every earlier entry but the mimetype and folders, and the new two. */
static enum coco_err build_manifest(struct coco_ctx *ctx, const struct coco_vstate *v,
				    struct newfiles *f)
{
	const struct coco_archive *ar = coco_vstate_archive(v);
	struct coco_manifest_ref *refs = calloc(ar->n + 2, sizeof(*refs));
	size_t n;

	if (refs == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	n = coco_vstate_entry_refs(v, refs);
	refs[n].name = f->decision;
	SHA256((const unsigned char *)f->dec, f->dec_len, refs[n++].digest);
	refs[n].name = f->report;
	SHA256((const unsigned char *)f->rep, f->rep_len, refs[n++].digest);
	f->man = coco_manifest_build(f->sig, refs, n, &f->man_len);
	free(refs);
	if (f->man == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	/* verify reads no more: a sign-off it cannot read would be no sign-off */
	if (f->man_len > ctx->limits.meta_size)
		return coco_seterr(
		    ctx, COCO_ERR_LIMIT,
		    "cannot add a sign-off to '%s': its manifest of %zu entries would "
		    "be %zu bytes, over the %zu bytes verify reads",
		    ar->path, n, f->man_len, ctx->limits.meta_size);
	return COCO_OK;
}

/* Writes the bundle ar with f added; sha256 (hex) is the digest the verify pass made of the
 * file, which the copy must match. */
static enum coco_err write_out(struct coco_ctx *ctx, struct coco_archive *ar, const char *sha256,
			       const char *out_path, const struct newfiles *f)
{
	const struct coco_new_entry e[] = {
	    {f->decision, (const unsigned char *)f->dec, f->dec_len, 1},
	    {f->report, (const unsigned char *)f->rep, f->rep_len, 1},
	    {f->manifest, (const unsigned char *)f->man, f->man_len, 1},
	    {f->sig, f->der, f->der_len, 0}};

	return coco_zipw_append_atomic(ctx, ar, sha256, out_path, e, sizeof(e) / sizeof(e[0]));
}

/* Whether a decision can be recorded in the verified bundle, and approval allowed. */
static enum coco_err may_sign(struct coco_ctx *ctx, const struct coco_archive *ar,
			      const struct coco_report *r, const char *in_path,
			      const struct coco_countersign_opts *o)
{
	enum coco_decision decision = o->decision;
	enum coco_verdict verdict = coco_report_verdict(r);
	size_t i;

	if (ar == NULL || !ar->ok)
		return coco_seterr(ctx, COCO_ERR_REFUSED,
				   "cannot record a decision in '%s': its container failed "
				   "verification",
				   in_path);
	for (i = 0; i < ar->n; i++)
		if (!ar->e[i].is_dir && !ar->e[i].data_ok)
			return coco_seterr(ctx, COCO_ERR_REFUSED,
					   "cannot record a decision in '%s': entry '%s' cannot "
					   "be read",
					   in_path, ar->e[i].name);
	if (decision == COCO_DECISION_APPROVED && verdict != COCO_VERDICT_PASSED)
		return coco_seterr(ctx, COCO_ERR_REFUSED,
				   "refusing to approve '%s': its verification is %s", in_path,
				   coco_verdict_name(verdict));
	if (decision == COCO_DECISION_APPROVED && !o->confirm_statements && r->n_elements > 0)
		return coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to approve '%s' unconfirmed: an approval records that "
		    "the SIRO has read each of its %zu CoCo statements against SIA's "
		    "requirement (the manual checks assessment.statement_read)",
		    in_path, r->n_elements);
	return COCO_OK;
}

/*
 * The signature just made must be one verify accepts: by a certificate that chains to the
 * trust directory's siro/ anchors at this time. Refuses (nothing is written) otherwise.
 */
static enum coco_err check_siro(struct coco_ctx *ctx, const struct newfiles *f)
{
	struct coco_report *r = NULL;
	struct coco_report_signature *info;
	struct coco_cms_check in;
	const struct coco_finding *why = NULL;
	enum coco_err err;
	size_t i;

	if (coco_report_new(&r) != COCO_OK || (info = coco_report_add_signature(r)) == NULL) {
		coco_report_free(r);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	memset(&in, 0, sizeof(in));
	in.sig_entry = f->sig, in.der = f->der, in.der_len = f->der_len;
	in.data_entry = f->manifest, in.data = (const unsigned char *)f->man;
	in.data_len = f->man_len, in.trust = 1, in.anchors = COCO_ANCHORS_SIRO, in.strict = 1;
	if ((err = coco_cms_verify(ctx, &in, r, info)) == COCO_OK && !info->valid) {
		for (i = 0; i < coco_report_count(r) && why == NULL; i++)
			if (coco_finding_status(coco_report_get(r, i)) >= COCO_STATUS_INDETERMINATE)
				why = coco_report_get(r, i);
		err = coco_seterr(
		    ctx, COCO_ERR_REFUSED,
		    "refusing to sign off: verify would not accept this SIRO "
		    "signature (%s: %s); is the SIRO's CA in the trust directory's siro/?",
		    why ? coco_finding_id(why) : "invalid",
		    why ? coco_finding_message(why) : "signature does not verify");
	}
	coco_report_free(r);
	return err;
}

static enum coco_err check_opts(struct coco_ctx *ctx, const struct coco_countersign_opts *o)
{
	if (o == NULL ||
	    (o->decision != COCO_DECISION_APPROVED && o->decision != COCO_DECISION_REJECTED))
		return coco_seterr(ctx, COCO_ERR_ARG, "the decision must be approved or rejected");
	if (o->comment != NULL && !comment_ok(o->comment))
		return coco_seterr(ctx, COCO_ERR_ARG,
				   "the comment must be printable UTF-8 of at most %u bytes",
				   COCO_MAX_COMMENT);
	return COCO_OK;
}

enum coco_err coco_countersign(struct coco_ctx *ctx, const char *in_path, const char *out_path,
			       const struct coco_signer *siro,
			       const struct coco_countersign_opts *opts)
{
	struct coco_report *own = NULL, *r = opts != NULL ? opts->report : NULL;
	struct coco_vstate *v = NULL;
	struct newfiles f;
	long num;
	enum coco_err err;

	memset(&f, 0, sizeof(f));
	if ((err = check_opts(ctx, opts)) != COCO_OK)
		return err;
	if (r == NULL && (err = coco_report_new(&own)) != COCO_OK)
		return coco_seterr(ctx, err, "out of memory");
	if (r == NULL)
		r = own;
	if ((err = coco_vstate_run(ctx, in_path, r, COCO_MODE_VERIFY, &v)) != COCO_OK ||
	    (err = may_sign(ctx, coco_vstate_archive(v), r, in_path, opts)) != COCO_OK)
		goto out;
	if ((num = next_number(coco_vstate_archive(v))) > 999999) {
		err = coco_seterr(ctx, COCO_ERR_LIMIT,
				  "cannot add a sign-off to '%s': numbers run out", in_path);
		goto out;
	}
	snprintf(f.decision, sizeof(f.decision), "signoff/decision-%03ld.xml", num);
	snprintf(f.report, sizeof(f.report), "signoff/report-%03ld.xml", num);
	snprintf(f.manifest, sizeof(f.manifest), "META-INF/ASiCManifest%03ld.xml", num);
	snprintf(f.sig, sizeof(f.sig), "META-INF/signature%03ld.p7s", num);
	if (coco_report_render(r, COCO_FORMAT_XML, 0, &f.rep, &f.rep_len) != COCO_OK) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((err = build_decision(ctx, siro, opts, r, &f)) != COCO_OK ||
	    (err = build_manifest(ctx, v, &f)) != COCO_OK ||
	    (err = coco_cms_sign(ctx, siro, (const unsigned char *)f.man, f.man_len, &f.der,
				 &f.der_len)) != COCO_OK ||
	    (err = check_siro(ctx, &f)) != COCO_OK)
		goto out;
	/* after check_siro: the SIRO's chain is checked as signed; the token is the TSA's */
	if (ctx->tsa != NULL &&
	    (err = coco_timestamp_add(ctx, ctx->tsa, ctx->tsa_arg, &f.der, &f.der_len)) != COCO_OK)
		goto out;
	if (f.der_len > ctx->limits.meta_size) {
		err =
		    coco_seterr(ctx, COCO_ERR_LIMIT,
				"cannot add a sign-off to '%s': the signature would be %zu bytes, "
				"over the %zu bytes verify reads",
				in_path, f.der_len, ctx->limits.meta_size);
		goto out;
	}
	err = write_out(ctx, coco_vstate_archive(v), r->sha256, out_path, &f);
out:
	newfiles_release(&f);
	coco_vstate_free(v);
	coco_report_free(own);
	return err;
}
