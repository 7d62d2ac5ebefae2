/*
 * The streaming pass of a verification run (vstate.h): the whole file read once, in zip
 * order, every entry hashed as it streams with the digests its manifests need and the
 * bundle's own SHA-256; assessment.xml captured on the way; the signatures, a sign-off's
 * files and the PDF data objects kept by the spool (container/spool.h) for the stages
 * after it; then the manifests, read before the pass, checked against what it hashed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "bundle/vstate.h"

/* Keeps assessment.xml's bytes as they stream past, so it is read only once. */
static int capture(struct coco_vstate *v, const unsigned char *p, size_t len)
{
	unsigned char *nb;

	if (v->assessment_too_large || v->assessment_len + len > v->ctx->limits.meta_size) {
		v->assessment_too_large = 1;
		return 0;
	}
	if ((nb = realloc(v->assessment_xml, v->assessment_len + len + 1)) == NULL)
		return -1;
	memcpy(nb + v->assessment_len, p, len);
	v->assessment_xml = nb;
	v->assessment_len += len;
	v->assessment_xml[v->assessment_len] = '\0';
	return 0;
}

/* An entry's first bytes, kept from the one streaming pass for the %PDF- sniff: a
 * deflated entry cannot hide them behind empty blocks there. */
static int keep_head(struct entry_state *h, const unsigned char *p, size_t len)
{
	size_t n = COCO_PDF_SNIFF - h->head_len;

	if (n == 0 || len == 0)
		return 0;
	if (h->head == NULL && (h->head = malloc(COCO_PDF_SNIFF)) == NULL)
		return -1;
	n = len < n ? len : n;
	memcpy(h->head + h->head_len, p, n);
	h->head_len += n;
	return 0;
}

/* Keeps a copied entry's bytes as they stream past. One that may be a PDF by its first
 * bytes is copied once keep_head has them all (before: its head_len before these bytes). */
static void spool_sink(struct coco_vstate *v, struct entry_state *h, size_t before,
		       const unsigned char *p, size_t len)
{
	struct coco_kept *k = &h->kept;
	size_t took;

	if (k->how == COCO_KEEP_SNIFF) {
		if (h->head_len < COCO_PDF_SNIFF)
			return;
		took = h->head_len - before; /* p's bytes that completed the head */
		k->how =
		    coco_pdf_is_pdf_start(h->head, h->head_len) ? COCO_KEEP_COPY : COCO_KEEP_NO;
		if (k->how == COCO_KEEP_NO)
			return;
		coco_spool_copy(&v->spool, k, h->head, h->head_len);
		p += took, len -= took;
	}
	if (k->how == COCO_KEEP_COPY)
		coco_spool_copy(&v->spool, k, p, len);
}

static int hash_sink(void *arg, size_t idx, const unsigned char *p, size_t len)
{
	struct coco_vstate *v = arg;
	struct entry_state *h = &v->entries[idx];
	size_t a, before = h->head_len;

	if ((long)idx == v->assessment_entry && capture(v, p, len) != 0)
		return -1;
	if (keep_head(h, p, len) != 0)
		return -1;
	if (h->kept.how == COCO_KEEP_COPY || h->kept.how == COCO_KEEP_SNIFF)
		spool_sink(v, h, before, p, len);
	/* a checked entry's SHA-256 (md[0]) is fed by the spool, which keeps its states */
	a = h->kept.how == COCO_KEEP_CHECK ? 1 : 0;
	if (a == 1 && coco_spool_check(&v->spool, &h->kept, h->md[0], p, len) != 0)
		return -1;
	for (; a < COCO_N_DIGEST_ALGS; a++)
		if (h->md[a] != NULL && !EVP_DigestUpdate(h->md[a], p, len))
			return -1;
	return 0;
}

static enum coco_err init_hashes(struct coco_vstate *v, EVP_MD *const *mds)
{
	size_t i, a;

	for (i = 0; i < v->archive->n; i++) {
		struct entry_state *h = &v->entries[i];
		if (v->archive->e[i].is_dir)
			continue;
		h->need |= 1u; /* SHA-256 for the report */
		for (a = 0; a < COCO_N_DIGEST_ALGS; a++) {
			if (!(h->need & (1u << a)))
				continue;
			if ((h->md[a] = EVP_MD_CTX_new()) == NULL ||
			    !EVP_DigestInit_ex(h->md[a], mds[a], NULL))
				return coco_seterr_ssl(v->ctx, COCO_ERR_CRYPTO,
						       "cannot initialise digests");
		}
	}
	return COCO_OK;
}

static void finish_hashes(struct coco_vstate *v)
{
	size_t i, a;

	for (i = 0; i < v->archive->n; i++) {
		struct coco_report_entry *re = coco_report_entry_at(v->report, i);
		for (a = 0; a < COCO_N_DIGEST_ALGS; a++)
			if (v->entries[i].md[a] != NULL)
				EVP_DigestFinal_ex(v->entries[i].md[a], v->entries[i].out[a], NULL);
		if (re != NULL && v->entries[i].md[0] != NULL && v->archive->e[i].data_ok)
			coco_hex(v->entries[i].out[0], 32, re->sha256);
	}
}

/*
 * What the pass keeps for later stages: the signatures and a sign-off's own files (small,
 * read whole after the pass: copied), and every data object a manifest references that is
 * a PDF by its name or first bytes (scanned after the signatures; inspect scans none):
 * stored ones are checked, deflated ones copied inflated. Only the signoff/ entries are
 * asked about, as the sign-off's names are all there.
 */
static enum coco_keep keep_choice(const struct coco_vstate *v, size_t i)
{
	const struct coco_entry *e = &v->archive->e[i];
	const struct entry_state *h = &v->entries[i];

	if (h->role == ROLE_SIGNATURE ||
	    (h->role == ROLE_DATA && strncmp(e->name, "signoff/", 8) == 0 &&
	     coco_signoff_owns(&v->signoff, i)))
		return e->usize <= v->ctx->limits.meta_size ? COCO_KEEP_COPY : COCO_KEEP_NO;
	if (h->role != ROLE_DATA || !h->referenced || v->mode != COCO_MODE_VERIFY)
		return COCO_KEEP_NO;
	if (e->method == 0)
		return COCO_KEEP_CHECK;
	return coco_pdf_is_pdf_name(e->name) ? COCO_KEEP_COPY : COCO_KEEP_SNIFF;
}

static enum coco_err spool_open(struct coco_vstate *v)
{
	uint64_t check = 0;
	size_t i, n = 0;

	for (i = 0; i < v->archive->n; i++) {
		struct coco_kept *k = &v->entries[i].kept;
		k->how = (unsigned char)keep_choice(v, i);
		n += k->how != COCO_KEEP_NO;
		check += k->how == COCO_KEEP_CHECK ? v->archive->e[i].usize : 0;
	}
	return n > 0 ? coco_spool_open(v->ctx, &v->spool, v->archive->path, check) : COCO_OK;
}

/* After the pass: a copied entry shorter than COCO_PDF_SNIFF is kept if it starts like a
 * PDF (its head holds all of it), an empty one is kept empty; a checked one gets its
 * place. */
static enum coco_err spool_settle(struct coco_vstate *v)
{
	size_t i;

	for (i = 0; i < v->archive->n; i++) {
		struct entry_state *h = &v->entries[i];
		struct coco_kept *k = &h->kept;
		if (k->how == COCO_KEEP_SNIFF && h->head != NULL &&
		    coco_pdf_is_pdf_start(h->head, h->head_len))
			coco_spool_copy(&v->spool, k, h->head, h->head_len);
		else if (k->how == COCO_KEEP_COPY && !k->kept)
			coco_spool_copy(&v->spool, k, NULL, 0);
		else if (k->how == COCO_KEEP_CHECK)
			coco_spool_place(&v->spool, k, v->archive->e[i].usize);
	}
	if (v->spool.err == ENOMEM)
		return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
	if (v->spool.err != 0)
		return coco_seterr(v->ctx, COCO_ERR_IO,
				   "cannot write a temporary file to verify '%s': %s",
				   v->archive->path, strerror(v->spool.err));
	return COCO_OK;
}

enum coco_err coco_vstate_changed(struct coco_vstate *v, size_t i)
{
	return coco_seterr(v->ctx, COCO_ERR_IO, "'%s' in '%s' changed while being read",
			   v->archive->e[i].name, v->archive->path);
}

/* The manifests were read before the pass: what was read must be what the pass hashed. */
static enum coco_err check_unchanged(struct coco_vstate *v)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	size_t i, k = 0;

	for (i = 0; i < v->archive->n && k < v->n_manifests; i++) {
		if (!coco_asic_manifest_name(v->archive->e[i].name))
			continue;
		if (v->manifest_bytes[k] != NULL &&
		    (SHA256(v->manifest_bytes[k], v->manifest_len[k], md) == NULL ||
		     CRYPTO_memcmp(md, v->entries[i].out[0], sizeof(md)) != 0))
			return coco_vstate_changed(v, i);
		k++;
	}
	return COCO_OK;
}

static void read_point(const struct coco_vstate *v, enum coco_read_point at)
{
	if (v->ctx->read_hook != NULL)
		v->ctx->read_hook(v->ctx->read_arg, at, v->archive->path);
}

enum coco_err coco_vstate_pass(struct coco_vstate *v)
{
	int whole = !(v->ctx->options & COCO_OPT_NO_BUNDLE_DIGEST);
	EVP_MD *mds[COCO_N_DIGEST_ALGS] = {NULL, NULL, NULL};
	EVP_MD_CTX *file_md = whole ? EVP_MD_CTX_new() : NULL;
	unsigned char fd[32];
	char hex[65];
	enum coco_err err = COCO_OK;
	size_t a;

	for (a = 0; a < COCO_N_DIGEST_ALGS; a++)
		if ((mds[a] = EVP_MD_fetch(NULL, coco_digest_algs[a].name, NULL)) == NULL)
			err = coco_seterr_ssl(v->ctx, COCO_ERR_CRYPTO, "cannot fetch %s",
					      coco_digest_algs[a].name);
	if (err == COCO_OK && whole &&
	    (file_md == NULL || !EVP_DigestInit_ex(file_md, mds[0], NULL)))
		err = coco_seterr_ssl(v->ctx, COCO_ERR_CRYPTO, "cannot initialise digests");
	if (err == COCO_OK)
		err = init_hashes(v, mds);
	if (err == COCO_OK)
		err = spool_open(v);
	read_point(v, COCO_READ_META);
	if (err == COCO_OK)
		err = coco_archive_stream(v->ctx, v->archive, file_md, hash_sink, v, v->report);
	read_point(v, COCO_READ_PASSED);
	if (err == COCO_OK)
		finish_hashes(v);
	if (err == COCO_OK && (err = spool_settle(v)) == COCO_OK)
		err = check_unchanged(v);
	if (err == COCO_OK && whole) {
		EVP_DigestFinal_ex(file_md, fd, NULL);
		coco_hex(fd, sizeof(fd), hex);
		coco_report_set_bundle_sha256(v->report, hex);
	}
	EVP_MD_CTX_free(file_md);
	for (a = 0; a < COCO_N_DIGEST_ALGS; a++)
		EVP_MD_free(mds[a]);
	return err;
}
