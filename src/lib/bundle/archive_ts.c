/*
 * Archive manifests (ETSI EN 319 162-1 4.4.3 and A.5): another tool's CAdES LTA container
 * holds META-INF/ASiCArchiveManifest.xml, an ASiCManifest whose SigReference names an RFC
 * 3161 token (META-INF/timestamp*.tst) over the manifest's exact bytes, and whose
 * references list the data objects, manifests and signatures it preserves. Each is checked
 * here as far as it goes: the references against the digests the pass computed, and the
 * token by the rules of a signature timestamp (signature/timestamp.c) against tsa/. The
 * proven time is reported; the signatures are still judged at the verification time, so an
 * archive timestamp that does not hold is indeterminate, never a failure of the bundle's
 * signatures, and a TSA outside tsa/ only a warning (docs/FORMAT.md). Time-assertion
 * manifests (an ASiCManifest whose SigReference names a token) are checked the same way.
 * This file also owns the standard META-INF names that verify.c sorts entries by.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "bundle/archive_ts.h"
#include "container/manifest.h"
#include "signature/timestamp.h"

#define REREAD_BUDGET (64u << 20) /* entries read again for SHA-384/512, in all */
#define MAX_TOKEN (1u << 20)      /* a token is a few KiB */

/* One archive manifest's check. */
struct acheck {
	struct coco_vstate *v;
	struct coco_ctx *ctx;
	struct coco_report *r;
	const struct coco_archive *ar;
	const char *entry;
	int assertion; /* a time-assertion manifest (ASiCManifest*.xml), not an archive one */
	const unsigned char *xml;      /* the manifest's bytes: own_xml, or the run's */
	const struct coco_manifest *m; /* the manifest: own_m, or the run's */
	unsigned char *own_xml, *tst;  /* what this check read (an archive manifest's) */
	struct coco_manifest *own_m;   /* what this check parsed */
	size_t xml_len, tst_len;
	unsigned char *named_tst; /* per entry: some archive manifest names it */
	unsigned char *listed;    /* per entry: some archive manifest lists it */
	uint64_t reread;          /* bytes read again for digests the pass did not compute */
	time_t judge;             /* judge_set: the TSA is judged then, a newer one's proof */
	int judge_set;
	time_t proven;  /* check_token: the time the token proves, when held */
	time_t tsa_end; /* and its TSA certificate's end */
	int held;
};

/* One archive manifest kept for the chain: read, parsed, its references checked. */
struct kept {
	const char *entry;
	unsigned char *xml, *tst;
	size_t xml_len, tst_len;
	struct coco_manifest *m;
	int refs_ok;
	time_t gen; /* the token's genTime as it says (0 if unreadable): the chain's order */
	int held;
	time_t proven, tsa_end;
};

/* The first finding of scratch that did not pass, or NULL. */
static const struct coco_finding *first_problem(const struct coco_report *scratch)
{
	size_t i;

	for (i = 0; i < coco_report_count(scratch); i++) {
		const struct coco_finding *f = coco_report_get(scratch, i);
		if (coco_finding_status(f) != COCO_STATUS_PASS &&
		    coco_finding_status(f) != COCO_STATUS_INFO)
			return f;
	}
	return NULL;
}

/* Parses the manifest; 0 if it is usable and names a token in the bundle. */
static enum coco_err parse(struct acheck *a, int *usable)
{
	struct coco_report *scratch = NULL;
	const struct coco_finding *f;
	enum coco_err err;

	*usable = 0;
	if ((err = coco_report_new(&scratch)) != COCO_OK ||
	    (err = coco_manifest_parse(a->ctx, a->entry, a->xml, a->xml_len, scratch, &a->own_m)) !=
		COCO_OK)
		goto out;
	f = first_problem(scratch);
	a->m = a->own_m;
	if (a->m == NULL)
		coco_report_add(a->r, COCO_STATUS_INDETERMINATE, "archive.manifest", a->entry,
				"not a valid ASiC manifest: %s",
				f ? coco_finding_message(f) : "unreadable");
	else if (!coco_asic_token_name(a->m->sigref) || coco_archive_find(a->ar, a->m->sigref) < 0)
		coco_report_add(a->r, COCO_STATUS_INDETERMINATE, "archive.manifest", a->entry,
				"its SigReference '%s' is not a META-INF/timestamp*.tst in the "
				"bundle",
				a->m->sigref);
	else
		*usable = 1;
out:
	coco_report_free(scratch);
	return err;
}

/*
 * Entry idx's digest with coco_digest_algs[alg] into d: the pass's, or, for an algorithm
 * only an archive manifest asks for, over the entry read again (within the meta_size
 * limit). *have is 0 when it cannot be had; an error only when the run fails.
 */
static enum coco_err entry_digest(struct acheck *a, size_t idx, int alg, unsigned char *d,
				  int *have)
{
	const unsigned char *pass = coco_vstate_digest(a->v, idx, alg);
	const EVP_MD *md = EVP_get_digestbyname(coco_digest_algs[alg].name);
	unsigned char *buf = NULL;
	size_t len = 0;
	enum coco_err err;

	*have = 0;
	if (pass != NULL) {
		memcpy(d, pass, coco_digest_algs[alg].len);
		*have = 1;
		return COCO_OK;
	}
	if ((a->reread += a->ar->e[idx].usize) > REREAD_BUDGET)
		return COCO_OK;
	err = coco_vstate_read(a->v, idx, &buf, &len);
	if (err == COCO_ERR_IO || err == COCO_ERR_NOMEM)
		return err;
	*have = err == COCO_OK && md != NULL && EVP_Digest(buf, len, d, NULL, md, NULL) == 1;
	free(buf);
	return COCO_OK;
}

/* One reference's digest against the entry's: *why NULL when it matches, else why not. */
static enum coco_err ref_problem(struct acheck *a, const struct coco_manifest_ref *ref,
				 const char **why)
{
	long idx = coco_archive_find(a->ar, ref->name);
	unsigned char d[COCO_MAX_DIGEST];
	enum coco_err err;
	int have = 0;

	*why = NULL;
	if (idx < 0)
		*why = "not in the bundle";
	else if (strcmp(ref->name, a->entry) == 0 || strcmp(ref->name, a->m->sigref) == 0 ||
		 a->ar->e[idx].is_dir || idx == 0)
		*why = "not something an archive manifest can cover";
	if (*why != NULL)
		return COCO_OK;
	if ((err = entry_digest(a, (size_t)idx, ref->alg, d, &have)) != COCO_OK)
		return err;
	if (!have)
		*why = "its digest cannot be computed: for a digest other than SHA-256 it is "
		       "read again, and it is larger than the limit, or past the 64 MiB read "
		       "again in all, or unreadable";
	else if (CRYPTO_memcmp(d, ref->digest, coco_digest_algs[ref->alg].len) != 0)
		*why = "digest does not match: it changed since the archive timestamp";
	return COCO_OK;
}

/* archive.digest: every reference against the entries' digests; *ok when all hold. */
static enum coco_err check_refs(struct acheck *a, int *ok)
{
	const char *why = NULL;
	enum coco_err err = COCO_OK;
	size_t k, bad = 0;

	for (k = 0; k < a->m->n && err == COCO_OK; k++)
		if (a->listed != NULL && coco_archive_find(a->ar, a->m->refs[k].name) >= 0)
			a->listed[coco_archive_find(a->ar, a->m->refs[k].name)] = 1;
	for (k = 0; k < a->m->n && err == COCO_OK; k++)
		if ((err = ref_problem(a, &a->m->refs[k], &why)) == COCO_OK && why != NULL) {
			bad++;
			coco_report_add(a->r, COCO_STATUS_INDETERMINATE, "archive.digest",
					a->m->refs[k].name, "%s (in '%s')", why, a->entry);
		}
	if (err == COCO_OK && bad == 0)
		coco_report_add(a->r, COCO_STATUS_PASS, "archive.digest", a->entry,
				"the %zu entries it lists are unchanged", a->m->n);
	*ok = err == COCO_OK && bad == 0;
	return err;
}

/* archive.timestamp (archive.time_assertion): the token over the manifest's bytes, against
 * tsa/. */
static void check_token(struct acheck *a, int refs_ok)
{
	const char *id = a->assertion ? "archive.time_assertion" : "archive.timestamp";

	struct coco_report *scratch = NULL;
	const struct coco_finding *f;
	struct coco_timestamp_proof proof;
	char tb[21], jb[21], *tsa = NULL;
	time_t when = 0;
	int held;

	a->held = 0;
	if (coco_report_new(&scratch) != COCO_OK)
		return;
	a->ctx->ts_at = a->judge, a->ctx->ts_at_set = a->judge_set;
	held = coco_timestamp_check_data(a->ctx, a->tst, a->tst_len, a->xml, a->xml_len, scratch,
					 a->m->sigref, &proof) == 0;
	when = proof.gen_time, tsa = proof.tsa, a->tsa_end = proof.tsa_not_after;
	a->ctx->ts_at_set = 0;
	if (held) {
		a->held = 1, a->proven = when;
		coco_report_add(a->r, COCO_STATUS_PASS, id, a->m->sigref,
				"'%s'%s existed at %s: RFC 3161 timestamp by '%s'%s%s", a->entry,
				refs_ok ? " and every entry it lists" : "",
				coco_time_format(when, tb), tsa ? tsa : "?",
				a->judge_set ? ", its TSA judged at " : "",
				a->judge_set ? coco_time_format(a->judge, jb) : "");
	} else if ((f = first_problem(scratch)) != NULL)
		/* a TSA outside tsa/ proves nothing, as for a signature timestamp; any other
		 * fault leaves the archive timestamp unverified */
		coco_report_add(a->r,
				coco_finding_status(f) == COCO_STATUS_WARN
				    ? COCO_STATUS_WARN
				    : COCO_STATUS_INDETERMINATE,
				id, a->m->sigref, "the timestamp over '%s' proves nothing: %s",
				a->entry, coco_finding_message(f));
	free(tsa);
	coco_report_free(scratch);
}

/* Reads entry name's bytes into *out; COCO_OK with *out NULL (and a finding) when the
 * entry itself is at fault. */
static enum coco_err read_entry(struct acheck *a, const char *name, unsigned char **out,
				size_t *len)
{
	long idx = coco_archive_find(a->ar, name);
	enum coco_err err = coco_vstate_read(a->v, (size_t)idx, out, len);

	if (err == COCO_ERR_IO || err == COCO_ERR_NOMEM)
		return err;
	if (err != COCO_OK)
		coco_report_add(a->r, COCO_STATUS_INDETERMINATE, "archive.manifest", name,
				"cannot read it: %s", coco_ctx_error(a->ctx));
	return COCO_OK;
}

/* The token the manifest names (marked named), read into a->tst; NULL there when it is too
 * large for a token (indeterminate) or cannot be read (read_entry's finding). */
static enum coco_err read_named_token(struct acheck *a)
{
	long idx = coco_archive_find(a->ar, a->m->sigref);

	a->named_tst[idx] = 1;
	if (a->ar->e[idx].usize > MAX_TOKEN) {
		coco_report_add(a->r, COCO_STATUS_INDETERMINATE, "archive.manifest", a->m->sigref,
				"larger than 1 MiB: not a timestamp token");
		return COCO_OK;
	}
	return read_entry(a, a->m->sigref, &a->tst, &a->tst_len);
}

/* The token a time-assertion manifest names, over the manifest's bytes. */
static enum coco_err check_named_token(struct acheck *a)
{
	enum coco_err err;

	if ((err = read_named_token(a)) != COCO_OK || a->tst == NULL)
		return err;
	/* a time assertion's references are the digests stage's (manifest.digest) */
	check_token(a, 0);
	return COCO_OK;
}

/* The genTime a token states, unchecked (0 if unreadable): only the chain's order. */
static time_t token_time(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	TS_TST_INFO *ti = p7 != NULL ? PKCS7_to_TS_TST_INFO(p7) : NULL;
	time_t t = 0;

	if (ti == NULL ||
	    coco_asn1_time_to_time((const ASN1_TIME *)TS_TST_INFO_get_time(ti), &t) != 0)
		t = 0;
	TS_TST_INFO_free(ti);
	PKCS7_free(p7);
	ERR_clear_error();
	return t;
}

/* An archive manifest's token read and its references checked, kept (k) for the chain. */
static enum coco_err prepare_archive(struct acheck *a, struct kept *k)
{
	enum coco_err err;

	if ((err = read_named_token(a)) != COCO_OK || a->tst == NULL)
		return err;
	if ((err = check_refs(a, &k->refs_ok)) != COCO_OK)
		return err;
	k->entry = a->entry, k->xml = a->own_xml, k->xml_len = a->xml_len, k->m = a->own_m;
	k->tst = a->tst, k->tst_len = a->tst_len;
	a->own_xml = a->tst = NULL, a->own_m = NULL; /* transferred */
	k->gen = token_time(k->tst, k->tst_len);
	return COCO_OK;
}

/* An archive manifest: read, parsed, then its references; kept in k when it is usable. */
static enum coco_err check_archive(struct acheck *a, struct kept *k)
{
	enum coco_err err;
	int usable = 0;

	if ((err = read_entry(a, a->entry, &a->own_xml, &a->xml_len)) != COCO_OK ||
	    a->own_xml == NULL)
		return err;
	a->xml = a->own_xml;
	if ((err = parse(a, &usable)) != COCO_OK || !usable)
		return err;
	return prepare_archive(a, k);
}

static int newest_first(const void *x, const void *y)
{
	const struct kept *p = x, *q = y;

	return (p->gen < q->gen) - (p->gen > q->gen);
}

/* Whether newer, which holds, lists older's manifest and token, every digest matching. */
static int covers(const struct kept *newer, const struct kept *older)
{
	int man = 0, tok = 0;
	size_t r;

	if (!newer->held || !newer->refs_ok)
		return 0;
	for (r = 0; r < newer->m->n; r++) {
		man |= strcmp(newer->m->refs[r].name, older->entry) == 0;
		tok |= strcmp(newer->m->refs[r].name, older->m->sigref) == 0;
	}
	return man && tok;
}

/*
 * The chain of archive timestamps (EN 319 102-1 5.6.2.5), newest first: the newest is
 * judged at the verification time; an older one that a newer, holding one covers (its
 * manifest and token listed) at the nearest such one's proven time, so a TSA certificate
 * that has expired since still proves its time; any other at the verification time.
 */
static void judge_chain(struct acheck *a, struct kept *k, size_t n)
{
	size_t i, j;

	qsort(k, n, sizeof(*k), newest_first);
	for (i = 0; i < n; i++) {
		a->judge_set = 0;
		for (j = i; j-- > 0 && !a->judge_set;)
			if (covers(&k[j], &k[i]))
				a->judge = k[j].proven, a->judge_set = 1;
		a->entry = k[i].entry, a->m = k[i].m, a->xml = k[i].xml, a->xml_len = k[i].xml_len;
		a->tst = k[i].tst, a->tst_len = k[i].tst_len;
		check_token(a, k[i].refs_ok);
		k[i].held = a->held, k[i].proven = a->proven, k[i].tsa_end = a->tsa_end;
	}
	a->judge_set = 0, a->tst = NULL, a->m = NULL, a->xml = NULL;
}

/* Each entry's proof: the earliest proven time of an archive timestamp that holds and
 * lists it, its digests all matching (coco_archive_ts_reprove). */
static enum coco_err set_proof(struct acheck *a, const struct kept *k, size_t n)
{
	struct coco_archive_proof *p = coco_vstate_archive_proof(a->v);
	size_t i, r;
	long idx;

	for (i = 0; i < n; i++) {
		if (!k[i].held || !k[i].refs_ok)
			continue;
		/* k is newest first: the first that holds is the one to renew before its end */
		if (a->r->archive_token[0] == '\0') {
			snprintf(a->r->archive_token, sizeof(a->r->archive_token), "%s",
				 k[i].m->sigref);
			a->r->archive_until = k[i].tsa_end;
		}
		if (p->at == NULL && (p->at = calloc(a->ar->n + 1, sizeof(*p->at))) == NULL)
			return coco_seterr(a->ctx, COCO_ERR_NOMEM, "out of memory");
		for (r = 0; r < k[i].m->n; r++)
			if ((idx = coco_archive_find(a->ar, k[i].m->refs[r].name)) >= 0 &&
			    (p->at[idx] == 0 || k[i].proven < p->at[idx]))
				p->at[idx] = k[i].proven;
	}
	return COCO_OK;
}

/* The run's manifests whose SigReference names a token in the bundle: time assertions. */
static enum coco_err check_assertions(struct acheck *a)
{
	const struct coco_manifest *const *m;
	const unsigned char *const *bytes;
	const size_t *len;
	size_t k, n = coco_vstate_manifests(a->v, &m, &bytes, &len);
	enum coco_err err = COCO_OK;

	a->assertion = 1;
	for (k = 0; k < n && err == COCO_OK; k++) {
		if (m[k] == NULL || bytes[k] == NULL || !coco_asic_token_name(m[k]->sigref) ||
		    coco_archive_find(a->ar, m[k]->sigref) < 0)
			continue;
		a->entry = m[k]->entry, a->m = m[k], a->xml = bytes[k], a->xml_len = len[k];
		err = check_named_token(a);
		free(a->tst);
		a->tst = NULL;
	}
	return err;
}

/* The manifests' limits (COCO_MAX_MANIFESTS, 8 MiB in all) for archive manifests too. */
static int too_many(struct acheck *a)
{
	uint64_t total = 0;
	size_t i, n = 0;

	for (i = 0; i < a->ar->n; i++)
		if (coco_asic_archive_manifest_name(a->ar->e[i].name)) {
			n++;
			total += a->ar->e[i].usize;
		}
	if (n <= COCO_MAX_MANIFESTS && total <= COCO_MAX_MANIFEST_TOTAL)
		return 0;
	coco_report_add(a->r, COCO_STATUS_INDETERMINATE, "archive.manifest", NULL,
			"more than %u archive manifests, or more than 8 MiB of them in all: none "
			"is checked",
			COCO_MAX_MANIFESTS);
	return 1;
}

static void kept_free(struct kept *k, size_t n)
{
	size_t i;

	for (i = 0; k != NULL && i < n; i++) {
		free(k[i].xml);
		free(k[i].tst);
		coco_manifest_free(k[i].m);
	}
	free(k);
}

/* Every archive manifest read and checked into k (*n of them), then the chain judged. */
static enum coco_err archives(struct acheck *a, struct kept *k, size_t *n)
{
	enum coco_err err = COCO_OK;
	size_t i;

	for (i = 0; i < a->ar->n && err == COCO_OK; i++) {
		if (!coco_asic_archive_manifest_name(a->ar->e[i].name))
			continue;
		a->entry = a->ar->e[i].name;
		if ((err = check_archive(a, &k[*n])) == COCO_OK && k[*n].m != NULL)
			(*n)++;
		coco_manifest_free(a->own_m);
		free(a->own_xml);
		free(a->tst);
		a->own_m = NULL, a->m = NULL, a->own_xml = a->tst = NULL, a->xml = NULL;
	}
	if (err != COCO_OK)
		return err;
	judge_chain(a, k, *n);
	return set_proof(a, k, *n);
}

/* archive.revocation: revocation data must be what it says, one DER CRL, so that the name
 * smuggles nothing in beside the signed content. An error only when the run fails. */
static enum coco_err check_crl(struct acheck *a, size_t i)
{
	unsigned char *buf = NULL;
	const unsigned char *p;
	size_t len = 0;
	X509_CRL *crl = NULL;
	enum coco_err err = coco_vstate_read(a->v, i, &buf, &len);

	if (err == COCO_ERR_IO || err == COCO_ERR_NOMEM)
		return err;
	p = buf;
	if (err == COCO_OK && len < LONG_MAX)
		crl = d2i_X509_CRL(NULL, &p, (long)len);
	if (crl == NULL || p != buf + len)
		coco_report_add(a->r, COCO_STATUS_FAIL, "archive.revocation", a->ar->e[i].name,
				"not one DER CRL: revocation data must be exactly that");
	X509_CRL_free(crl);
	ERR_clear_error();
	free(buf);
	return COCO_OK;
}

/* manifest.unsigned: a token no manifest names, revocation data no archive manifest lists. */
static void unnamed(struct acheck *a)
{
	size_t i;

	for (i = 0; i < a->ar->n; i++)
		if (coco_asic_token_name(a->ar->e[i].name) && !a->named_tst[i])
			coco_report_add(
			    a->r, COCO_STATUS_FAIL, "manifest.unsigned", a->ar->e[i].name,
			    "a timestamp token that no manifest names: unsigned content is not "
			    "accepted");
		else if (coco_asic_revocation_name(a->ar->e[i].name) && !a->listed[i])
			coco_report_add(a->r, COCO_STATUS_FAIL, "manifest.unsigned",
					a->ar->e[i].name,
					"revocation data that no archive manifest lists: unsigned "
					"content is not accepted");
}

enum coco_err coco_archive_ts_stage(struct coco_vstate *v)
{
	struct acheck a = {0};
	const struct coco_archive *ar = coco_vstate_archive(v);
	struct kept *k = NULL;
	enum coco_err err = COCO_OK;
	size_t n = 0, i;

	a.v = v, a.ar = ar, a.r = coco_vstate_report(v, &a.ctx);
	if (too_many(&a))
		return COCO_OK;
	if ((a.named_tst = calloc(ar->n + 1, 1)) == NULL ||
	    (a.listed = calloc(ar->n + 1, 1)) == NULL ||
	    (k = calloc(COCO_MAX_MANIFESTS + 1, sizeof(*k))) == NULL)
		err = coco_seterr(a.ctx, COCO_ERR_NOMEM, "out of memory");
	if (err == COCO_OK)
		err = archives(&a, k, &n);
	if (err == COCO_OK)
		err = check_assertions(&a);
	if (err == COCO_OK)
		unnamed(&a);
	for (i = 0; i < ar->n && err == COCO_OK; i++)
		if (coco_asic_revocation_name(ar->e[i].name))
			err = check_crl(&a, i);
	kept_free(k, n);
	free(a.named_tst);
	free(a.listed);
	return err;
}

/* Whether signature sigref, whose chain info says has expired or been revoked at the
 * verification time, is to be judged again at *at: an archive timestamp proves it older.
 * Marks info->archived when an archive timestamp that holds lists it. */
static int reprove(struct coco_vstate *v, const char *sigref, struct coco_report_signature *info,
		   time_t *at)
{
	const struct coco_archive_proof *p = coco_vstate_archive_proof(v);
	long idx = coco_archive_find(coco_vstate_archive(v), sigref);

	if (p->at == NULL || idx < 0 || p->at[idx] == 0)
		return 0;
	info->archived = 1;
	if (info->outcome.result != COCO_CMS_EXPIRED && info->outcome.result != COCO_CMS_REVOKED)
		return 0;
	*at = p->at[idx];
	return 1;
}

/* archive.proof (info): info's signature was judged at at, an archive timestamp's time
 * (info->archived set again: judging it cleared the row). */
static void note_proof(struct coco_report *r, struct coco_report_signature *info, time_t at)
{
	char tb[21];

	info->archived = 1;
	coco_report_add(r, COCO_STATUS_INFO, "archive.proof", info->file,
			"an archive timestamp proves the signature existed at %s: its chain and "
			"its own timestamps are judged then",
			coco_time_format(at, tb));
}

enum coco_err coco_archive_ts_judge(struct coco_vstate *v, size_t i,
				    struct coco_report_signature *info, struct coco_report *r,
				    coco_judge_fn judge)
{
	struct coco_report *scratch = NULL;
	struct coco_ctx *ctx = NULL;
	enum coco_err err;
	time_t at;

	(void)coco_vstate_report(v, &ctx);
	if (coco_vstate_archive_proof(v)->at == NULL)
		return judge(v, i, r, NULL, 0);
	if (coco_report_new(&scratch) != COCO_OK)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	err = judge(v, i, scratch, NULL, 0);
	if (err == COCO_OK && !reprove(v, info->file, info, &at)) {
		err = coco_report_append(r, scratch);
	} else if (err == COCO_OK) {
		coco_report_signature_clear(info);
		if ((err = judge(v, i, r, &at, 1)) == COCO_OK)
			note_proof(r, info, at);
	}
	coco_report_free(scratch);
	return err;
}

int coco_archive_ts_holds(const struct coco_vstate *v, const unsigned char *der, size_t len)
{
	const struct coco_archive *ar = coco_vstate_archive(v);
	unsigned char md[32];
	size_t i;

	SHA256(der, len, md);
	for (i = 0; i < ar->n; i++)
		if (coco_asic_revocation_name(ar->e[i].name) &&
		    memcmp(coco_vstate_sha256(v, i), md, sizeof(md)) == 0)
			return 1;
	return 0;
}

enum coco_err coco_archive_ts_accept(struct coco_ctx *ctx, const char *xml, size_t xml_len,
				     const unsigned char *tok, size_t tok_len, const char *name)
{
	struct coco_report *scratch = NULL;
	const struct coco_finding *f;
	enum coco_err err = COCO_OK;
	struct coco_timestamp_proof proof;

	if (coco_report_new(&scratch) != COCO_OK)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (coco_timestamp_check_data(ctx, tok, tok_len, (const unsigned char *)xml, xml_len,
				      scratch, name, &proof) != 0) {
		f = first_problem(scratch);
		err = coco_seterr(ctx, COCO_ERR_REFUSED,
				  "refusing the TSA's archive timestamp: verify would not accept "
				  "it (%s: %s); is the TSA's CA in the trust directory's tsa/?",
				  f ? coco_finding_id(f) : "invalid",
				  f ? coco_finding_message(f) : "the token does not verify");
	}
	free(proof.tsa);
	coco_report_free(scratch);
	return err;
}
