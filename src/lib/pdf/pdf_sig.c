/*
 * The pdf module's signatures: what each signature dictionary holds, and its checks
 * (NOTES.md sections 6 and 8): the sub filter, the byte range, the CMS in /Contents (DER
 * or BER) and its zero padding, coverage to the end of the file, and the CMS itself,
 * verified by the cms module against the certification-body anchors with the rules of
 * its sub filter (PAdES: no signing-time, the claimed time is /M), its findings in the pdf
 * group (coco_cms_check.id_prefix).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "pdf/pdf_diff.h"
#include "pdf/pdf_int.h"
#include "signature/cms.h"

/* ---- signatures --------------------------------------------------------------------- */

static char *dupz(const unsigned char *p, size_t n)
{
	return coco_strndup((const char *)p, n);
}

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d (H. Hinnant's algorithm). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits at p[*i] (n 2 or 4) as a number, advancing *i; -1 if they are not there. */
static int digits(const unsigned char *p, size_t len, size_t *i, int n)
{
	int v = 0, k;

	for (k = 0; k < n; k++, (*i)++)
		if (*i >= len || p[*i] < '0' || p[*i] > '9')
			return -1;
		else
			v = v * 10 + (p[*i] - '0');
	return v;
}

/*
 * A PDF date (ISO 32000-2 7.9.4) "D:YYYYMMDDHHmmSSOHH'mm'", every field after the year
 * optional, O one of + - Z, as UTC in *out. Returns 0, or -1 if it is not one.
 */
static int pdf_date(const unsigned char *p, size_t len, time_t *out)
{
	static const int lo[5] = {1, 1, 0, 0, 0}, hi[5] = {12, 31, 23, 59, 59};
	int f[5] = {1, 1, 0, 0, 0}, y, k, sign = 0, oh = 0, om = 0;
	size_t i = len >= 2 && p[0] == 'D' && p[1] == ':' ? 2 : 0;

	if ((y = digits(p, len, &i, 4)) < 0)
		return -1;
	for (k = 0; k < 5 && i < len && p[i] >= '0' && p[i] <= '9'; k++)
		if ((f[k] = digits(p, len, &i, 2)) < lo[k] || f[k] > hi[k])
			return -1;
	if (i < len && (p[i] == '+' || p[i] == '-')) {
		sign = p[i++] == '+' ? 1 : -1;
		if ((oh = digits(p, len, &i, 2)) < 0 || oh > 23)
			return -1;
		if (i < len && p[i] == '\'')
			i++;
		if (i < len && (om = digits(p, len, &i, 2)) < 0)
			return -1;
	} else if (i < len && p[i] == 'Z') {
		i++; /* "Z" and, as some producers write, "Z00'00'" */
	}
	for (; i < len; i++) /* the offset's closing quote, or Z's zeros */
		if (p[i] != '\'' && (p[i] < '0' || p[i] > '9'))
			return -1;
	*out = (time_t)(days_from_civil(y, (unsigned)f[0], (unsigned)f[1]) * 86400LL +
			f[2] * 3600LL + f[3] * 60LL + f[4] - sign * (oh * 3600LL + om * 60LL));
	return 0;
}

/* Keeps what the signature checks need from a signature dictionary. */
void coco_pdf_record_sig(struct scan *s, const struct val *d, long obj, int in_file)
{
	const struct val *br = dget(d, "ByteRange"), *ct = dget(d, "Contents");
	const struct val *sf = dget(d, "SubFilter"), *m = dget(d, "M");
	struct sigrec *g;
	size_t i;

	if (s->nsigs == COCO_PDF_MAX_SIGS) {
		coco_pdf_fail(s, "pdf.limits", "more than %u signature dictionaries",
			      COCO_PDF_MAX_SIGS);
		return;
	}
	g = &s->sigs[s->nsigs++];
	g->obj = obj;
	g->in_file = in_file;
	if (br != NULL && br->t == V_ARRAY) {
		g->br_n = (int)(br->n < 5 ? br->n : 5);
		g->br_ints = 1;
		for (i = 0; i < br->n; i++)
			if (br->k[i].t != V_INT || br->k[i].i < 0)
				g->br_ints = 0;
			else if (i < 4)
				g->br[i] = br->k[i].i;
		g->br_off = br->off, g->br_end = br->end;
	}
	if (ct != NULL && ct->t == V_STR) {
		g->has_ct = 1, g->ct_hex = ct->hex, g->ct_pure = ct->pure;
		g->ct_off = ct->off, g->ct_end = ct->end;
		if (mem_over(s, MEM_BLOCK(ct->len + 1))) {
			coco_pdf_mem_fail(s, obj);
		} else if ((g->ct = malloc(ct->len + 1)) == NULL) {
			s->nomem = 1;
		} else {
			memcpy(g->ct, ct->s, ct->len);
			g->ct_len = ct->len;
			s->mem += MEM_BLOCK(ct->len + 1);
		}
	}
	if (m != NULL && m->t == V_STR && pdf_date(m->s, m->len, &g->m) == 0)
		g->has_m = 1;
	if (sf != NULL && sf->t == V_NAME && (g->subfilter = dupz(sf->s, sf->len)) == NULL)
		s->nomem = 1;
}

static const char *const subfilters[] = {"adbe.pkcs7.detached", "ETSI.CAdES.detached"};

/* What the sub filter's profile does not require of CAdES-B-B (coco_cms_check.relax):
 * ETSI.CAdES.detached (PAdES, ETSI EN 319 142-1) forbids the signing-time attribute and
 * the ESS signing-certificate may be v1 or v2; adbe.pkcs7.detached (ISO 32000-1 12.8.3.3)
 * requires neither ESS attribute. An unknown sub filter (already failed) is judged as
 * PAdES. */
static unsigned sig_relax(const char *subfilter)
{
	unsigned relax = COCO_CMS_TIME_OPTIONAL | COCO_CMS_ESS_V1;

	if (subfilter != NULL && strcmp(subfilter, subfilters[0]) == 0)
		relax |= COCO_CMS_ESS_OPTIONAL;
	return relax;
}

/* coco_cms_check's digest callback: the two signed ranges, streamed from the file. */
int coco_pdf_digest_ranges(void *arg, const EVP_MD *md, unsigned char *out, unsigned int *out_len)
{
	struct ranges *g = arg;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char *buf = malloc(COCO_IO_CHUNK);
	uint64_t done;
	size_t i, n;
	int rc = -1;

	if (c == NULL || buf == NULL || !EVP_DigestInit_ex(c, md, NULL))
		goto out;
	for (i = 0; i < 2; i++)
		for (done = 0; done < g->len[i]; done += n) {
			n = g->len[i] - done < COCO_IO_CHUNK ? (size_t)(g->len[i] - done)
							     : COCO_IO_CHUNK;
			if (coco_pdf_read(&g->s->d, buf, n, g->off[i] + done) != 0 ||
			    !EVP_DigestUpdate(c, buf, n))
				goto out;
		}
	rc = EVP_DigestFinal_ex(c, out, out_len) ? 0 : -1;
out:
	EVP_MD_CTX_free(c);
	free(buf);
	return rc;
}

/* The byte-range rules (NOTES.md section 6). Returns 0 when the ranges can be digested. */
static int check_byterange(struct scan *s, const struct sigrec *g)
{
	uint64_t a = (uint64_t)g->br[1], b = (uint64_t)g->br[2], c = (uint64_t)g->br[3];
	const char *why = NULL;

	if (!g->in_file)
		why = "the signature dictionary is inside an object stream, so its /Contents is "
		      "not a byte range of the file";
	else if (g->br_n != 4 || !g->br_ints)
		why = "/ByteRange is not exactly four non-negative integers";
	else if (g->br[0] != 0 || a > b || b > s->size || c > s->size - b)
		why = "/ByteRange is not [0 a b c] inside the file";
	else if (!g->has_ct || !g->ct_hex || !g->ct_pure || g->ct_off != a || g->ct_end != b)
		why = "the gap in /ByteRange is not exactly this signature's /Contents hex string";
	else if (!(g->br_end <= a || (g->br_off >= b && g->br_end <= b + c)))
		why = "the /ByteRange token is not inside the signed bytes";
	if (why == NULL)
		return 0;
	coco_report_add(s->r, COCO_STATUS_FAIL, "pdf.byterange", s->name,
			"signature in object %ld: %s", g->obj, why);
	return -1;
}

/*
 * The length of the CMS ContentInfo at the start of p, DER or BER (Adobe writes indefinite
 * lengths; RFC 5652 allows BER outside the signed attributes, whose DER re-encoding the
 * signature value is checked over), or 0 if none parses there. The padding after it is
 * the caller's to check: OpenSSL would ignore it.
 */
static size_t cms_length(const unsigned char *p, size_t n)
{
	const unsigned char *q = p;
	CMS_ContentInfo *cms;

	if (n == 0 || n > (size_t)LONG_MAX)
		return 0;
	cms = d2i_CMS_ContentInfo(NULL, &q, (long)n);
	ERR_clear_error();
	if (cms == NULL)
		return 0;
	CMS_ContentInfo_free(cms);
	return (size_t)(q - p);
}

static int check_contents(struct scan *s, const struct sigrec *g, size_t *der_len)
{
	size_t n = cms_length(g->ct, g->ct_len), i;

	*der_len = n;
	for (i = n; n > 0 && i < g->ct_len; i++)
		if (g->ct[i] != 0)
			break;
	if (n > 0 && i == g->ct_len)
		return 0;
	coco_report_add(s->r, COCO_STATUS_FAIL, "pdf.contents", s->name,
			n == 0
			    ? "signature in object %ld: /Contents is not a CMS structure (DER or "
			      "BER)"
			    : "signature in object %ld: /Contents has non-zero bytes after the "
			      "CMS structure",
			g->obj);
	return -1;
}

/* Copies the scratch report's findings (already in the pdf group: coco_cms_check.id_prefix)
 * about the signature in object obj, counting failures and indeterminate ones. */
void coco_pdf_sig_translate(struct scan *s, const struct coco_report *tmp, long obj, int *bad,
			    int *unknown)
{
	size_t i;

	for (i = 0; i < tmp->n; i++) {
		const struct coco_finding *f = &tmp->findings[i];
		const char *id = f->id;
		if (f->status == COCO_STATUS_PASS)
			continue;
		*bad += f->status == COCO_STATUS_FAIL;
		*unknown += f->status == COCO_STATUS_INDETERMINATE;
		if (f->manual)
			coco_report_add_manual(s->r, id, s->name,
					       "signature in object %ld: %s%s%s%s", obj,
					       f->subject ? "'" : "", f->subject ? f->subject : "",
					       f->subject ? "': " : "", f->message);
		else
			coco_report_add(s->r, f->status, id, s->name,
					"signature in object %ld: %s%s%s%s", obj,
					f->subject ? "'" : "", f->subject ? f->subject : "",
					f->subject ? "': " : "", f->message);
	}
}

/* SIA has configured no body CAs (bodies/ is empty): the register decides, as for an
 * unsigned PDF, so the signer is a manual check rather than untrusted. */
static void unanchored(struct scan *s, long obj, const char *signer, int *una)
{
	coco_report_add_manual(s->r, "pdf.signer", s->name,
			       "signature in object %ld: no certification-body CA in the trust "
			       "directory's bodies/, so signer '%s' is not checked",
			       obj, signer);
	*una = 1; /* this signature's own: a later one is judged on its own chain */
}

/*
 * The chain reaches no CA of bodies/. A signature that otherwise holds is no worse than
 * none: a manual check, as for an unsigned PDF, that names the root so the SIRO can
 * confirm it and SIA can add it to bodies/ (1, and the root kept in sig). One that failed
 * a check stays undetermined as to its signer, and its failures fail it anyway (0).
 */
static int untrusted(struct scan *s, const struct coco_report_signature *info,
		     struct coco_pdf_sig *sig, int bad, int *unknown)
{
	const struct coco_cms_outcome *o = &info->outcome;
	const char *signer = info->subject ? info->subject : "?";
	const char *root = o->root_subject[0] ? o->root_subject : "?";

	if (bad > 0 || !info->value_ok) {
		(*unknown)++;
		coco_report_add(s->r, COCO_STATUS_INDETERMINATE, "pdf.signer", s->name,
				"signature in object %ld: signer '%s' chains to root '%s' (SHA-256 "
				"%s), which is not a CA in the trust directory's bodies/",
				sig->obj, signer, root, o->root_sha256);
		return 0;
	}
	coco_report_add_manual(s->r, "pdf.signer", s->name,
			       "signature in object %ld verifies, but signer '%s' chains to root "
			       "'%s' (SHA-256 %s), which is not a CA in the trust directory's "
			       "bodies/: confirm that root is the certification body's, and ask "
			       "SIA to add it to bodies/",
			       sig->obj, signer, root, o->root_sha256);
	free(sig->root);
	if ((sig->root = coco_strndup(root, strlen(root))) == NULL)
		s->nomem = 1;
	memcpy(sig->root_sha256, o->root_sha256, sizeof(sig->root_sha256));
	return 1;
}

static void keep_signer(struct scan *s, struct coco_pdf_sig *sig,
			const struct coco_report_signature *info)
{
	free(sig->signer), free(sig->signer_cn), free(sig->signer_org);
	sig->signer = info->subject ? coco_strndup(info->subject, strlen(info->subject)) : NULL;
	sig->signer_cn =
	    info->common_name ? coco_strndup(info->common_name, strlen(info->common_name)) : NULL;
	sig->signer_org = info->organisation
			      ? coco_strndup(info->organisation, strlen(info->organisation))
			      : NULL;
	memcpy(sig->anchor_sha256, info->anchor_sha256, sizeof(sig->anchor_sha256));
	sig->signing_time = info->signing_time;
	sig->has_signing_time = info->has_signing_time;
	sig->time_from_m = 0;
	if ((info->subject && !sig->signer) || (info->common_name && !sig->signer_cn) ||
	    (info->organisation && !sig->signer_org))
		s->nomem = 1;
}

/* The CMS inside /Contents, checked as bundle signatures are, against bodies/. */
static enum coco_err check_cms(struct scan *s, const struct sigrec *g, size_t der_len,
			       struct coco_pdf_sig *sig, int *bad, int *unknown, int *una)
{
	struct ranges rg = {s, {0, (uint64_t)g->br[2]}, {(uint64_t)g->br[1], (uint64_t)g->br[3]}};
	struct coco_report *tmp = NULL;
	struct coco_report_signature *info;
	struct coco_cms_check in;
	enum coco_err err;
	char tb[21];

	if ((err = coco_report_new(&tmp)) != COCO_OK ||
	    (info = coco_report_add_signature(tmp)) == NULL) {
		coco_report_free(tmp);
		return coco_seterr(s->ctx, COCO_ERR_NOMEM, "out of memory");
	}
	memset(&in, 0, sizeof(in));
	in.sig_entry = s->name, in.der = g->ct, in.der_len = der_len;
	in.data_entry = s->name, in.digest = coco_pdf_digest_ranges, in.digest_arg = &rg;
	in.trust = 1, in.anchors = COCO_ANCHORS_BODIES, in.id_prefix = "pdf";
	in.no_anchors_silent = 1; /* reported below, as a manual check */
	in.untrusted_silent = 1;  /* so is a chain to a root bodies/ lacks */
	in.relax = sig_relax(g->subfilter);
	err = coco_cms_verify(s->ctx, &in, tmp, info);
	if (err == COCO_OK && coco_report_failed(tmp))
		err = coco_seterr(s->ctx, COCO_ERR_NOMEM, "out of memory");
	if (err == COCO_OK) {
		coco_pdf_sig_translate(s, tmp, g->obj, bad, unknown);
		if (info->outcome.no_anchors)
			unanchored(s, g->obj, info->subject ? info->subject : s->name, una);
		else if (info->outcome.result == COCO_CMS_UNTRUSTED)
			*una = untrusted(s, info, sig, *bad, unknown);
		if (*bad == 0 && *unknown == 0 && !*una)
			coco_report_add(
			    s->r, COCO_STATUS_PASS, "pdf.signature", s->name,
			    "signature in object %ld by '%s', signed at %s (the signer's "
			    "claim%s), covers %s but its /Contents (%llu of %llu bytes)",
			    g->obj, info->subject ? info->subject : "?",
			    info->has_signing_time ? coco_time_format(info->signing_time, tb)
			    : g->has_m             ? coco_time_format(g->m, tb)
						   : "an unknown time",
			    !info->has_signing_time && g->has_m ? ", the dictionary's /M" : "",
			    sig->coverage == COCO_PDF_COVER_REVISION
				? "its revision, with allowed updates after it,"
				: "the whole file",
			    (unsigned long long)(rg.len[0] + rg.len[1]),
			    (unsigned long long)s->size);
		keep_signer(s, sig, info);
		if (!sig->has_signing_time && g->has_m)
			sig->signing_time = g->m, sig->has_signing_time = sig->time_from_m = 1;
	}
	coco_report_free(tmp);
	return err;
}

/* What a signature's counts of failed and indeterminate findings make it; una: its
 * signer is a manual check (no CA in bodies/ to check it against). */
static enum coco_pdf_sig_status sig_status(int bad, int unknown, int una)
{
	if (bad > 0)
		return COCO_PDF_SIG_BAD;
	if (unknown > 0)
		return COCO_PDF_SIG_UNKNOWN;
	return una ? COCO_PDF_SIG_UNANCHORED : COCO_PDF_SIG_VALID;
}

enum coco_err coco_pdf_check_sig(struct scan *s, const struct sigrec *g, struct coco_pdf_sig *sig)
{
	size_t i, der_len = 0;
	int bad = 0, unknown = 0, known = 0, una = 0;
	enum coco_err err;
	uint64_t after;

	sig->doc_timestamp = known = coco_pdf_is_docts(g); /* pdf_docts.c */
	for (i = 0; g->subfilter != NULL && i < sizeof(subfilters) / sizeof(subfilters[0]); i++)
		known |= strcmp(g->subfilter, subfilters[i]) == 0;
	if (!known) {
		bad++;
		coco_report_add(s->r, COCO_STATUS_FAIL, "pdf.subfilter", s->name,
				"signature in object %ld: /SubFilter '%s' is not "
				"adbe.pkcs7.detached, ETSI.CAdES.detached or ETSI.RFC3161",
				g->obj, g->subfilter ? g->subfilter : "(none)");
	}
	sig->status = COCO_PDF_SIG_BAD;
	if (check_byterange(s, g) != 0)
		return COCO_OK;
	sig->range_ok = 1;
	sig->covered = (uint64_t)g->br[1] + (uint64_t)g->br[3];
	sig->end = (uint64_t)g->br[2] + (uint64_t)g->br[3];
	sig->whole = sig->end == s->size;
	if (check_contents(s, g, &der_len) != 0)
		return COCO_OK;
	after = s->size - (uint64_t)g->br[2] - (uint64_t)g->br[3];
	sig->coverage = COCO_PDF_COVER_FILE;
	if (after > 0 && (err = coco_pdf_coverage(s, g, sig, &bad)) != COCO_OK)
		return err; /* the updates after it: pdf_diff.c */
	if (sig->doc_timestamp)
		return coco_pdf_check_docts(s, g, der_len, bad, sig);
	if (check_cms(s, g, der_len, sig, &bad, &unknown, &una) != COCO_OK)
		return COCO_ERR_NOMEM;
	sig->status = sig_status(bad, unknown, una);
	return COCO_OK;
}
