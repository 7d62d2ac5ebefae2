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
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "bundle/archive_ts.h"
#include "container/manifest.h"
#include "signature/timestamp.h"

#define ARCHIVE_PREFIX "META-INF/ASiCArchiveManifest"
#define TST_PREFIX "META-INF/timestamp"
#define REREAD_BUDGET (64u << 20) /* entries read again for SHA-384/512, in all */
#define MAX_TOKEN (1u << 20)      /* a token is a few KiB */

static int named(const char *s, const char *pre, const char *suf)
{
	size_t n = strlen(s), p = strlen(pre), q = strlen(suf);

	return n >= p + q && strncmp(s, pre, p) == 0 && strcmp(s + n - q, suf) == 0 &&
	       strchr(s + p, '/') == NULL;
}

int coco_asic_manifest_name(const char *name)
{
	return named(name, "META-INF/ASiCManifest", ".xml");
}

int coco_asic_signature_name(const char *name)
{
	return named(name, "META-INF/signature", ".p7s");
}

static int is_archive_manifest(const char *name)
{
	return named(name, ARCHIVE_PREFIX, ".xml");
}

static int is_token(const char *name)
{
	return named(name, TST_PREFIX, ".tst");
}

int coco_archive_ts_token(const char *name)
{
	return is_token(name);
}

int coco_archive_ts_name(const char *name)
{
	return is_archive_manifest(name) || is_token(name);
}

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
	uint64_t reread;          /* bytes read again for digests the pass did not compute */
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
	else if (!is_token(a->m->sigref) || coco_archive_find(a->ar, a->m->sigref) < 0)
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
	char tb[21], *tsa = NULL;
	time_t when = 0;

	if (coco_report_new(&scratch) != COCO_OK)
		return;
	if (coco_timestamp_check_data(a->ctx, a->tst, a->tst_len, a->xml, a->xml_len, scratch,
				      a->m->sigref, &when, &tsa) == 0)
		coco_report_add(a->r, COCO_STATUS_PASS, id, a->m->sigref,
				"'%s'%s existed at %s: RFC 3161 timestamp by '%s'", a->entry,
				refs_ok ? " and every entry it lists" : "",
				coco_time_format(when, tb), tsa ? tsa : "?");
	else if ((f = first_problem(scratch)) != NULL)
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

/* The token an archive or time-assertion manifest names, over the manifest's bytes; for an
 * archive manifest, its references first. */
static enum coco_err check_named_token(struct acheck *a)
{
	long idx = coco_archive_find(a->ar, a->m->sigref);
	enum coco_err err;
	int refs_ok = 0;

	a->named_tst[idx] = 1;
	if (a->ar->e[idx].usize > MAX_TOKEN) {
		coco_report_add(a->r, COCO_STATUS_INDETERMINATE, "archive.manifest", a->m->sigref,
				"larger than 1 MiB: not a timestamp token");
		return COCO_OK;
	}
	if ((err = read_entry(a, a->m->sigref, &a->tst, &a->tst_len)) != COCO_OK || a->tst == NULL)
		return err;
	/* a time assertion's references are the digests stage's (manifest.digest) */
	if (!a->assertion && (err = check_refs(a, &refs_ok)) != COCO_OK)
		return err;
	check_token(a, refs_ok);
	return COCO_OK;
}

/* An archive manifest: read, parsed, then its token. */
static enum coco_err check_archive(struct acheck *a)
{
	enum coco_err err;
	int usable = 0;

	if ((err = read_entry(a, a->entry, &a->own_xml, &a->xml_len)) != COCO_OK ||
	    a->own_xml == NULL)
		return err;
	a->xml = a->own_xml;
	if ((err = parse(a, &usable)) != COCO_OK || !usable)
		return err;
	return check_named_token(a);
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
		if (m[k] == NULL || bytes[k] == NULL || !is_token(m[k]->sigref) ||
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
		if (is_archive_manifest(a->ar->e[i].name)) {
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

enum coco_err coco_archive_ts_stage(struct coco_vstate *v)
{
	struct acheck a = {0};
	const struct coco_archive *ar = coco_vstate_archive(v);
	struct coco_report *r;
	enum coco_err err = COCO_OK;
	size_t i;

	a.v = v, a.ar = ar, a.r = r = coco_vstate_report(v, &a.ctx);
	if (too_many(&a))
		return COCO_OK;
	if ((a.named_tst = calloc(ar->n + 1, 1)) == NULL)
		return coco_seterr(a.ctx, COCO_ERR_NOMEM, "out of memory");
	for (i = 0; i < ar->n && err == COCO_OK; i++) {
		if (!is_archive_manifest(ar->e[i].name))
			continue;
		a.entry = ar->e[i].name;
		err = check_archive(&a);
		coco_manifest_free(a.own_m);
		free(a.own_xml);
		free(a.tst);
		a.own_m = NULL, a.m = NULL, a.own_xml = a.tst = NULL, a.xml = NULL;
	}
	if (err == COCO_OK)
		err = check_assertions(&a);
	for (i = 0; i < ar->n && err == COCO_OK; i++)
		if (is_token(ar->e[i].name) && !a.named_tst[i])
			coco_report_add(
			    r, COCO_STATUS_FAIL, "manifest.unsigned", ar->e[i].name,
			    "a timestamp token that no manifest names: unsigned content is not "
			    "accepted");
	free(a.named_tst);
	return err;
}
