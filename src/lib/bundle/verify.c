/*
 * The verification pipeline: a table of stages (stages[], docs/ARCHITECTURE.md) over one
 * run's state. Each stage adds findings; one whose needs an earlier stage did not
 * establish is skipped, and that earlier stage says so in one info finding. The whole file
 * is read once for the data (every entry hashed while it streams, with the bundle's own
 * SHA-256), and every later stage uses the bytes that pass hashed: assessment.xml is kept
 * in memory as it passes; the signatures, a sign-off's own files and the PDF data objects
 * are kept by the spool (spool.h: copied to a private temporary file, or, for a stored
 * PDF, read again block by block and checked against SHA-256 states the pass kept). Only
 * the manifests are read before the pass, as they decide which digests each entry needs;
 * the pass's digest of each must then match what was read. So a writer racing the
 * verification cannot show a parser or the PDF scanner other bytes than those hashed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "container/archive.h"
#include "submission/assessment.h"
#include "signature/cms.h"
#include "container/manifest.h"
#include "pdf/pdf.h"
#include "signoff/signoff.h"
#include "container/spool.h"
#include "bundle/verify.h"
#include "bundle/archive_ts.h"

#include "bundle/vstate.h"

struct coco_archive_proof *coco_vstate_archive_proof(struct coco_vstate *v)
{
	return &v->aproof;
}

void coco_vstate_free(struct coco_vstate *v)
{
	size_t i, a;

	if (v == NULL)
		return;
	free(v->aproof.at);
	for (i = 0; v->entries != NULL && v->archive != NULL && i < v->archive->n; i++) {
		for (a = 0; a < COCO_N_DIGEST_ALGS; a++)
			EVP_MD_CTX_free(v->entries[i].md[a]);
		free(v->entries[i].head);
		coco_kept_release(&v->entries[i].kept);
	}
	for (i = 0; i < v->n_manifests; i++) {
		coco_manifest_free(v->manifests[i]);
		free(v->manifest_bytes[i]);
	}
	free(v->entries);
	free(v->manifests);
	free(v->manifest_bytes);
	free(v->manifest_len);
	free(v->assessment_xml);
	coco_spool_close(&v->spool);
	coco_pdf_files_free(v->pdfs, v->n_pdfs);
	coco_report_free(v->signoff_part);
	coco_assessment_free(v->assessment);
	free(v->submission_files);
	coco_archive_free(v->archive);
	free(v);
}

/* ---- manifests ---------------------------------------------------------------------- */

static enum coco_err load_manifests(struct coco_vstate *v)
{
	struct coco_archive *ar = v->archive;
	size_t i, n = 0;
	uint64_t total = 0;
	enum coco_err err;

	for (i = 0; i < ar->n; i++)
		if (coco_asic_manifest_name(ar->e[i].name)) {
			n++;
			total += ar->e[i].usize;
		}
	if (n == 0) {
		coco_report_add(v->report, COCO_STATUS_FAIL, "manifest.missing", NULL,
				"no META-INF/ASiCManifest*.xml in the bundle");
		return COCO_OK;
	}
	if (n > COCO_MAX_MANIFESTS || total > COCO_MAX_MANIFEST_TOTAL) {
		coco_report_add(v->report, COCO_STATUS_FAIL, "container.limits", NULL,
				n > COCO_MAX_MANIFESTS ? "more than %u manifests"
						       : "manifests of more than 8 MiB in all",
				COCO_MAX_MANIFESTS);
		return COCO_OK;
	}
	v->manifests = calloc(n, sizeof(*v->manifests));
	v->manifest_bytes = calloc(n, sizeof(*v->manifest_bytes));
	v->manifest_len = calloc(n, sizeof(*v->manifest_len));
	if (v->manifests == NULL || v->manifest_bytes == NULL || v->manifest_len == NULL)
		return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
	for (i = 0; i < ar->n; i++) {
		if (!coco_asic_manifest_name(ar->e[i].name))
			continue;
		v->entries[i].role = ROLE_MANIFEST;
		err = coco_archive_read(v->ctx, ar, i, v->ctx->limits.meta_size,
					&v->manifest_bytes[v->n_manifests],
					&v->manifest_len[v->n_manifests]);
		if (err == COCO_ERR_NOMEM || err == COCO_ERR_IO)
			return err;
		if (err != COCO_OK)
			coco_report_add(v->report, COCO_STATUS_FAIL, "manifest.xml", ar->e[i].name,
					"%s", coco_ctx_error(v->ctx));
		else if ((err = coco_manifest_parse(v->ctx, ar->e[i].name,
						    v->manifest_bytes[v->n_manifests],
						    v->manifest_len[v->n_manifests], v->report,
						    &v->manifests[v->n_manifests])) != COCO_OK)
			return err;
		v->n_manifests++;
	}
	return COCO_OK;
}

/* Binds each manifest to the signature its SigReference names. */
static void bind_signatures(struct coco_vstate *v)
{
	size_t i, j;
	long idx;

	for (i = 0; i < v->n_manifests; i++) {
		struct coco_manifest *m = v->manifests[i];
		if (m == NULL)
			continue;
		idx = coco_archive_find(v->archive, m->sigref);
		if (!(coco_asic_signature_name(m->sigref) || coco_asic_token_name(m->sigref)) ||
		    idx < 0) {
			coco_report_add(v->report, COCO_STATUS_FAIL, "manifest.sigref", m->entry,
					idx < 0
					    ? "SigReference names '%s', which is not in the bundle"
					    : "SigReference names '%s', which is not a "
					      "META-INF/signature*.p7s or timestamp*.tst",
					m->sigref);
			continue;
		}
		for (j = 0; j < i; j++)
			if (v->manifests[j] != NULL &&
			    strcmp(v->manifests[j]->sigref, m->sigref) == 0)
				coco_report_add(v->report, COCO_STATUS_FAIL, "manifest.sigref",
						m->entry, "'%s' is also claimed by '%s'", m->sigref,
						v->manifests[j]->entry);
		if (coco_asic_signature_name(
			m->sigref)) /* else a time assertion's (archive_ts.c) */
			v->entries[idx].role = ROLE_SIGNATURE;
	}
}

/* Resolves each reference to an entry and records which digests it needs. */
static void resolve_refs(struct coco_vstate *v)
{
	size_t i, k;

	for (i = 0; i < v->n_manifests; i++) {
		struct coco_manifest *m = v->manifests[i];
		for (k = 0; m != NULL && k < m->n; k++) {
			struct coco_manifest_ref *ref = &m->refs[k];
			long idx = coco_archive_find(v->archive, ref->name);
			const char *why = NULL;

			ref->entry = -1;
			if (idx < 0)
				why = "referenced by the manifest but not in the bundle";
			else if (v->entries[idx].role == ROLE_MIMETYPE ||
				 v->entries[idx].role == ROLE_DIR)
				why = "the mimetype and folders are not data objects";
			else if (strcmp(ref->name, m->entry) == 0 ||
				 strcmp(ref->name, m->sigref) == 0)
				why = "a manifest cannot cover itself or its own signature";
			if (why != NULL) {
				coco_report_add(v->report, COCO_STATUS_FAIL, "manifest.reference",
						ref->name, "%s (in '%s')", why, m->entry);
				continue;
			}
			ref->entry = idx;
			v->entries[idx].need |= 1u << ref->alg;
			v->entries[idx].referenced = 1;
		}
	}
}

/* A manifest that lists its own sign-off decision is a SIRO's; every other is an
 * applicant's. */
static void assign_roles(struct coco_vstate *v)
{
	size_t i;

	for (i = 0; i < v->n_manifests; i++)
		v->manifest_role[i] =
		    coco_signoff_is_siro(v->manifests[i]) ? COCO_SIG_SIRO : COCO_SIG_APPLICANT;
}

static const unsigned char *view_sha256(const void *pipeline, size_t i)
{
	return coco_vstate_sha256(pipeline, i);
}

static enum coco_err view_read(void *pipeline, size_t i, unsigned char **out, size_t *out_len)
{
	return coco_vstate_read(pipeline, i, out, out_len);
}

/* What sign-off verification reads of this run: the arrays it points to fill in as the
 * stages run (references matched by the digests stage, signature rows by the next). */
static void build_signoff_view(struct coco_vstate *v)
{
	struct coco_signoff_view *sv = &v->signoff;

	sv->ctx = v->ctx;
	sv->entries = v->archive->e;
	sv->n_entries = v->archive->n;
	sv->manifests = (const struct coco_manifest *const *)v->manifests;
	sv->roles = v->manifest_role;
	sv->signature_rows = v->signature_row;
	sv->n_manifests = v->n_manifests;
	sv->sha256 = view_sha256;
	sv->read = view_read;
	sv->pipeline = v;
}

/* Where findings about manifest i go: a SIRO's belong to the sign-off part, so that the
 * applicant's part of the report stands on its own. */
static struct coco_report *part(const struct coco_vstate *v, size_t i)
{
	return v->manifest_role[i] == COCO_SIG_SIRO ? v->signoff_part : v->report;
}

static void compare_digests(struct coco_vstate *v)
{
	size_t i, k, bad;

	for (i = 0; i < v->n_manifests; i++) {
		const struct coco_manifest *m = v->manifests[i];
		if (m == NULL)
			continue;
		for (k = 0, bad = 0; k < m->n; k++) {
			const struct coco_manifest_ref *ref = &m->refs[k];
			long idx = ref->entry;
			/* Rejected references already have a manifest.reference failure. */
			if (idx < 0) {
				bad++;
				continue;
			}
			if (!v->archive->e[idx].data_ok) {
				bad++;
			} else if (CRYPTO_memcmp(v->entries[idx].out[ref->alg], ref->digest,
						 coco_digest_algs[ref->alg].len) != 0) {
				bad++;
				coco_report_add(part(v, i), COCO_STATUS_FAIL, "manifest.digest",
						ref->name,
						"content does not match its %s digest in '%s'",
						coco_digest_algs[ref->alg].name, m->entry);
			} else {
				v->manifests[i]->refs[k].matched = 1;
				v->entries[idx].covered = 1;
				if (idx == v->assessment_entry &&
				    v->manifest_role[i] == COCO_SIG_APPLICANT)
					v->assessment_signed |= 1ull << i;
			}
		}
		if (bad == 0)
			coco_report_add(part(v, i), COCO_STATUS_PASS, "manifest.digest", m->entry,
					"all %zu data object digests match", m->n);
	}
}

/* ---- signatures and coverage --------------------------------------------------------- */

/* Adds a report signature row for each manifest bound to a signature, in manifest order. */
static enum coco_err add_signature_rows(struct coco_vstate *v)
{
	struct coco_report_signature *info;
	size_t i;

	for (i = 0; i < v->n_manifests; i++) {
		const struct coco_manifest *m = v->manifests[i];
		if (m == NULL || coco_archive_find(v->archive, m->sigref) < 0 ||
		    !coco_asic_signature_name(m->sigref))
			continue;
		v->signature_row[i] = (long)coco_report_signature_count(v->report);
		if ((info = coco_report_add_signature(v->report)) == NULL ||
		    (info->manifest = coco_strndup(m->entry, strlen(m->entry))) == NULL ||
		    (info->file = coco_strndup(m->sigref, strlen(m->sigref))) == NULL)
			return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
		info->role = v->manifest_role[i];
	}
	return COCO_OK;
}

static struct coco_report_signature *sig_info(const struct coco_vstate *v, size_t i)
{
	return v->signature_row[i] < 0 ? NULL
				       : (struct coco_report_signature *)coco_report_signature_at(
					     v->report, (size_t)v->signature_row[i]);
}

/* Verifies manifest i's signature into r; with chain_time set, the chain at that time
 * (archived: an archive timestamp's time, when the signature's own timestamps are judged). */
static enum coco_err verify_at(struct coco_vstate *v, size_t i, struct coco_report *r,
			       const time_t *chain_time, int archived)
{
	const struct coco_manifest *m = v->manifests[i];
	struct coco_report_signature *info = sig_info(v, i);
	struct coco_cms_check in;
	unsigned char *der = NULL;
	size_t len = 0;
	enum coco_err err;

	err = coco_vstate_read(v, (size_t)coco_archive_find(v->archive, m->sigref), &der, &len);
	if (err == COCO_ERR_NOMEM || err == COCO_ERR_IO)
		return err;
	if (err != COCO_OK) {
		coco_report_add(r, COCO_STATUS_FAIL, "signature.parse", m->sigref, "%s",
				coco_ctx_error(v->ctx));
		info->outcome.result = COCO_CMS_INVALID;
		return COCO_OK;
	}
	memset(&in, 0, sizeof(in));
	in.sig_entry = m->sigref, in.der = der, in.der_len = len;
	in.data_entry = m->entry, in.data = v->manifest_bytes[i], in.data_len = v->manifest_len[i];
	in.trust = v->mode == COCO_MODE_VERIFY;
	in.anchors =
	    v->manifest_role[i] == COCO_SIG_SIRO ? COCO_ANCHORS_SIRO : COCO_ANCHORS_SIGNERS;
	/* "a sign-off signature that does not verify is a fail": one by a key SIA does not
	 * trust is no sign-off at all */
	in.strict = v->manifest_role[i] == COCO_SIG_SIRO;
	if (chain_time != NULL) {
		in.chain_time = *chain_time;
		in.chain_time_set = 1;
	}
	in.archived = archived;
	err = coco_cms_verify(v->ctx, &in, r, info);
	free(der);
	return err;
}

/* Manifest i's signature; with no chain_time, archive_ts.c judges it again at an archive
 * timestamp's proven time when its chain has expired or been revoked since. */
static enum coco_err verify_one(struct coco_vstate *v, size_t i, struct coco_report *r,
				const time_t *chain_time)
{
	if (chain_time != NULL)
		return verify_at(v, i, r, chain_time, 0);
	return coco_archive_ts_judge(v, i, sig_info(v, i), r, verify_at);
}

/*
 * The applicant's signature i. When its certificate has expired or been revoked by the
 * verification time but a valid approved sign-off (SIA's own signature) over it was made
 * while it was valid, the sign-off proves the signature existed then: the chain is
 * validated at that time, and revocation against current CRLs (revoked before then fails).
 */
static enum coco_err verify_applicant(struct coco_vstate *v, size_t i)
{
	struct coco_report_signature *info = sig_info(v, i);
	struct coco_report *scratch = NULL;
	const struct coco_report_signoff *proof;
	enum coco_err err;

	if (v->mode != COCO_MODE_VERIFY || v->report->n_signoffs == 0)
		return verify_one(v, i, v->report, NULL);
	if (coco_report_new(&scratch) != COCO_OK)
		return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
	if ((err = verify_one(v, i, scratch, NULL)) == COCO_OK) {
		const int expired = info->outcome.result == COCO_CMS_EXPIRED;
		proof = coco_signoff_proof(&v->signoff, v->report, i, info);
		/* a proven signature no longer depends on its certificate's end (reverify) */
		info->proven = proof != NULL;
		/* only expiry and revocation depend on when the chain is judged */
		if (proof == NULL || (!expired && info->outcome.result != COCO_CMS_REVOKED)) {
			err = coco_report_append(v->report, scratch);
		} else {
			coco_report_signature_clear(info);
			info->proven = 1;
			if ((err = verify_one(v, i, v->report, &proof->signed_at)) == COCO_OK)
				coco_signoff_note_proof(v->report, info, proof, expired);
		}
	}
	coco_report_free(scratch);
	return err;
}

/* Marks each entry that some manifest whose signature value verified lists with its
 * digest: one pass over the references, not one per entry. */
static void mark_verified_cover(const struct coco_vstate *v, unsigned char *vc)
{
	const struct coco_report_signature *sig;
	size_t i, k;

	for (i = 0; i < v->n_manifests; i++) {
		if (v->manifests[i] == NULL || (sig = sig_info(v, i)) == NULL || !sig->value_ok)
			continue;
		for (k = 0; k < v->manifests[i]->n; k++)
			if (v->manifests[i]->refs[k].entry >= 0 && v->manifests[i]->refs[k].matched)
				vc[v->manifests[i]->refs[k].entry] = 1;
	}
}

/* manifest.unsigned: every data object must be covered by a signature that verifies. */
static enum coco_err stage_coverage(struct coco_vstate *v)
{
	unsigned char *vc = calloc(v->archive->n + 1, 1);
	size_t i, bad = 0, data_n = 0;

	if (vc == NULL)
		return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
	mark_verified_cover(v, vc);
	for (i = 0; i < v->archive->n; i++) {
		struct coco_report *r =
		    coco_signoff_owns(&v->signoff, i) ? v->signoff_part : v->report;
		if (v->entries[i].role != ROLE_DATA)
			continue;
		data_n++;
		if (!v->entries[i].referenced) {
			bad++;
			coco_report_add(
			    r, COCO_STATUS_FAIL, "manifest.unsigned", v->archive->e[i].name,
			    "not covered by any manifest: unsigned content is not accepted");
		} else if (v->entries[i].covered && !vc[i]) {
			/* a digest mismatch is already a manifest.digest failure */
			bad++;
			coco_report_add(r, COCO_STATUS_FAIL, "manifest.unsigned",
					v->archive->e[i].name,
					"covered only by signatures that do not verify, or "
					"by time assertions");
		}
	}
	if (bad == 0)
		coco_report_add(v->report, COCO_STATUS_PASS, "manifest.coverage", NULL,
				"every data object (%zu) is referenced by a manifest", data_n);
	free(vc);
	return COCO_OK;
}

/* ---- PDF data objects ------------------------------------------------------------------ */

/*
 * Scans entry i as the pass kept it (pread: the scanner's random access never holds the
 * PDF in memory), drawing on the bundle's budget: a copy from the spool, or a stored entry
 * read through the spool's checks. A block that differs from what the pass hashed is a
 * bundle that changed while being read.
 */
static enum coco_err scan_pdf(struct coco_vstate *v, size_t i, struct coco_pdf_result *res)
{
	const struct coco_entry *e = &v->archive->e[i];
	const struct coco_kept *k = &v->entries[i].kept;
	struct coco_pdf_src src = {-1, k->off, e->usize, &v->pdf_budget, NULL, NULL};
	struct coco_spool_reader rd = {&v->spool,   k,        v->archive->fd,
				       e->data_off, e->usize, v->entries[i].out[0],
				       NULL,        NULL,     0};
	enum coco_err err;

	if (!k->kept || v->spool.f == NULL) /* every referenced PDF is kept: see keep_choice */
		return coco_seterr(v->ctx, COCO_ERR_IO, "'%s' in '%s' was not kept for its scan",
				   e->name, v->archive->path);
	src.fd = fileno(v->spool.f);
	if (k->how == COCO_KEEP_CHECK) {
		if (coco_spool_reader_init(&rd) != 0)
			return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
		src.read = coco_spool_read, src.read_arg = &rd;
	}
	err = coco_pdf_scan(v->ctx, &src, e->name, v->report, res);
	if (rd.changed)
		err = coco_vstate_changed(v, i);
	coco_spool_reader_release(&rd);
	return err;
}

/* A PDF by its name, or by its first bytes whatever its name (a viewer goes by them),
 * as the streaming pass saw them. */
static int entry_is_pdf(const struct coco_vstate *v, size_t i)
{
	const struct entry_state *h = &v->entries[i];

	return coco_pdf_is_pdf_name(v->archive->e[i].name) ||
	       (h->head != NULL && coco_pdf_is_pdf_start(h->head, h->head_len));
}

/*
 * The pdf.* stage: every PDF data object whose bytes the container pass verified and a
 * signature that verifies covers. One no such signature covers already fails
 * manifest.unsigned; scanning it would only spend the budget every PDF shares.
 */
static enum coco_err stage_pdfs(struct coco_vstate *v)
{
	unsigned char *vc = calloc(v->archive->n + 1, 1);
	const char *name;
	enum coco_err err = COCO_OK;
	size_t i;

	if (vc == NULL || (v->pdfs = calloc(v->archive->n + 1, sizeof(*v->pdfs))) == NULL) {
		free(vc);
		return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
	}
	mark_verified_cover(v, vc);
	for (i = 0; i < v->archive->n && err == COCO_OK; i++) {
		struct coco_pdf_file *f = &v->pdfs[v->n_pdfs];
		name = v->archive->e[i].name;
		if (v->entries[i].role != ROLE_DATA || !v->archive->e[i].data_ok ||
		    !entry_is_pdf(v, i))
			continue;
		if (!vc[i])
			coco_report_add(v->report, COCO_STATUS_INFO, "verify.skipped", name,
					"pdf checks not run: no signature that verifies covers it");
		else if ((f->name = coco_strndup(name, strlen(name))) == NULL)
			err = coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
		else
			v->n_pdfs++, err = scan_pdf(v, i, &f->res);
	}
	free(vc);
	v->have |= err == COCO_OK ? HAVE_PDFS : 0;
	return err;
}

static void skipped(struct coco_report *r, const char *stage, const char *why)
{
	coco_report_add(r, COCO_STATUS_INFO, "verify.skipped", NULL, "%s not checked: %s", stage,
			why);
}

/* ---- the submission: assessment and evidence ------------------------------------------ */

/*
 * The applicant's signature: of those whose own manifest lists assessment.xml with a
 * matching digest and which themselves verify, the authorising director's, else the first
 * (coco_assessment_pick_signer). Its signer and time stand for the applicant; a signature
 * over other files says nothing about the assessment.
 */
static const struct coco_report_signature *applicant_signature(const struct coco_vstate *v)
{
	const struct coco_report_signature *sig, *cand[COCO_MAX_MANIFESTS];
	const char *cns[COCO_MAX_MANIFESTS];
	size_t i, n = 0;

	for (i = 0; i < v->n_manifests && i < COCO_MAX_MANIFESTS; i++) {
		if (!(v->assessment_signed & (1ull << i)) || v->signature_row[i] < 0 ||
		    v->manifest_role[i] != COCO_SIG_APPLICANT)
			continue;
		sig = coco_report_signature_at(v->report, (size_t)v->signature_row[i]);
		if (sig != NULL && sig->value_ok)
			cand[n] = sig, cns[n++] = sig->common_name;
	}
	return n == 0 ? NULL
		      : cand[coco_assessment_pick_signer(v->ctx, v->assessment_xml,
							 v->assessment_len, cns, n)];
}

/* What the assessment and evidence checks are told about the bundle: its other data
 * objects, the applicant's signer and signing day, and the PDFs scanned. */
static enum coco_err describe_submission(struct coco_vstate *v,
					 const struct coco_report_signature *sig)
{
	struct coco_submission *s = &v->submission;
	size_t i;

	if ((v->submission_files = calloc(v->archive->n + 1, sizeof(*v->submission_files))) == NULL)
		return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
	for (i = 0; i < v->archive->n; i++)
		/* every data object but the assessment, META-INF/ included: extra files there
		 * are files the assessment does not reference */
		if (v->entries[i].role == ROLE_DATA && (long)i != v->assessment_entry &&
		    !coco_signoff_owns(&v->signoff, i))
			v->submission_files[s->n_files++] = v->archive->e[i].name;
	s->files = v->submission_files;
	s->at_day = s->signed_day = coco_day_of(coco_ctx_time(v->ctx));
	s->signed_bundle = 1;
	s->siro_reads = 1;
	if (sig != NULL) {
		s->signer_cn = sig->common_name;
		s->signer_subject = sig->subject;
		s->signer_org = sig->organisation;
		s->signer_org_id = sig->org_id;
		if (sig->has_signing_time) {
			s->signed_day = coco_day_of(sig->signing_time);
			s->signed_known = 1;
		}
	}
	s->too_large = v->assessment_too_large;
	s->pdfs = v->pdfs;
	s->n_pdfs = v->n_pdfs;
	return COCO_OK;
}

/* ---- the stages ------------------------------------------------------------------- */

static enum coco_err add_entries(struct coco_vstate *v)
{
	size_t i;

	for (i = 0; i < v->archive->n; i++) {
		const struct coco_entry *e = &v->archive->e[i];
		struct coco_report_entry *re = coco_report_add_entry(v->report, e->name);

		if (re == NULL)
			return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
		re->size = e->usize;
		re->compressed_size = e->csize;
		re->method = e->method;
		re->is_dir = e->is_dir;
		v->entries[i].role = i == 0 && strcmp(e->name, "mimetype") == 0 ? ROLE_MIMETYPE
				     : e->is_dir                                ? ROLE_DIR
				     : coco_asic_archive_name(e->name)          ? ROLE_ARCHIVE
										: ROLE_DATA;
	}
	return COCO_OK;
}

/* container.*: opens the file as a zip and checks its container rules. Later stages need
 * every check passed; when they are skipped, one note says so. */
static enum coco_err stage_container(struct coco_vstate *v)
{
	const char *why = "the container failed its checks";
	enum coco_err err;
	struct stat st;

	/* the file's size even if the container checks stop before the archive is open;
	 * once it is, the size it was opened with replaces this one */
	if ((err = coco_report_set_bundle(
		 v->report, v->path,
		 stat(v->path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0,
		 coco_ctx_time(v->ctx))) != COCO_OK)
		return coco_seterr(v->ctx, err, "out of memory");
	if ((err = coco_archive_open(v->ctx, v->path, v->report, &v->archive)) != COCO_OK)
		return err;
	if (v->archive == NULL) {
		why = "the file is not a readable zip container";
		goto skip;
	}
	if ((err = coco_report_set_bundle(v->report, v->path, v->archive->size,
					  coco_ctx_time(v->ctx))) != COCO_OK ||
	    (v->entries = calloc(v->archive->n, sizeof(*v->entries))) == NULL)
		return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
	if ((err = add_entries(v)) != COCO_OK)
		return err;
	v->assessment_entry = coco_archive_find(v->archive, COCO_ASSESSMENT_NAME);
	if (v->archive->ok) {
		v->have |= HAVE_SOUND_CONTAINER;
		return COCO_OK;
	}
skip:
	skipped(v->report, "manifest, digests, signatures, assessment and evidence", why);
	return COCO_OK;
}

/* manifest.*: reads every manifest (before the pass: they decide which digests each entry
 * needs), binds each to its signature, resolves its references and tells SIRO from
 * applicant manifests. */
static enum coco_err stage_manifests(struct coco_vstate *v)
{
	enum coco_err err;

	if ((err = load_manifests(v)) != COCO_OK)
		return err;
	bind_signatures(v);
	resolve_refs(v);
	assign_roles(v);
	build_signoff_view(v);
	v->have |= HAVE_MANIFESTS | (v->n_manifests > 0 ? HAVE_ANY_MANIFEST : 0);
	return COCO_OK;
}

/* The one streaming pass (every entry hashed, the bundle's SHA-256, what later stages
 * need kept), then each reference's digest compared. */
static enum coco_err stage_digests(struct coco_vstate *v)
{
	enum coco_err err;

	if ((err = coco_vstate_pass(v)) != COCO_OK)
		return err;
	compare_digests(v);
	v->have |= HAVE_DIGESTS;
	return COCO_OK;
}

/* A report row for every signature, then the SIRO signatures, into the sign-off part. */
static enum coco_err stage_signoff_signatures(struct coco_vstate *v)
{
	enum coco_err err;
	size_t i;

	if ((err = add_signature_rows(v)) != COCO_OK)
		return err;
	for (i = 0; i < v->n_manifests; i++)
		if (v->signature_row[i] >= 0 && v->manifest_role[i] == COCO_SIG_SIRO &&
		    (err = verify_one(v, i, v->signoff_part, NULL)) != COCO_OK)
			return err;
	v->have |= HAVE_SIGNATURE_ROWS;
	return COCO_OK;
}

static enum coco_err stage_signoff_decisions(struct coco_vstate *v) /* signoff.h */
{
	return coco_signoff_check(&v->signoff, v->report, v->signoff_part);
}

/* The applicant's signatures, which may lean on a sign-off's proof of time. */
static enum coco_err stage_signatures(struct coco_vstate *v)
{
	enum coco_err err;
	size_t i;

	for (i = 0; i < v->n_manifests; i++)
		if (v->signature_row[i] >= 0 && v->manifest_role[i] == COCO_SIG_APPLICANT &&
		    (err = verify_applicant(v, i)) != COCO_OK)
			return err;
	v->have |= HAVE_SIGNATURES;
	return COCO_OK;
}

/* assessment.*: judges only what a verified signature covers; a missing assessment is
 * judged. An assessment.xml read badly has no matching digest: it is skipped. */
static enum coco_err stage_assessment(struct coco_vstate *v)
{
	const struct coco_report_signature *sig = applicant_signature(v);
	enum coco_err err;

	if (v->assessment_entry >= 0 && sig == NULL) {
		skipped(v->report, "assessment and evidence",
			"assessment.xml is not covered by a verified signature");
		return COCO_OK;
	}
	if ((err = describe_submission(v, sig)) != COCO_OK)
		return err;
	err = coco_assessment_check(v->ctx, v->report,
				    v->assessment_entry < 0 ? NULL
				    : v->assessment_xml     ? v->assessment_xml
							    : (const unsigned char *)"",
				    v->assessment_len, &v->submission, &v->assessment);
	if (err == COCO_OK && v->assessment != NULL)
		v->have |= HAVE_ASSESSMENT;
	return err;
}

/* evidence.*: the certificates the assessment claims, against the evidence and policy. */
static enum coco_err stage_evidence(struct coco_vstate *v)
{
	enum coco_err err = coco_evidence_check(v->ctx, v->report, v->assessment,
						coco_ctx_policy(v->ctx), &v->submission);

	if (err == COCO_OK && coco_report_failed(v->report))
		err = coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
	return err;
}

static enum coco_err stage_signoff(struct coco_vstate *v) /* signoff.h */
{
	return coco_signoff_finish(&v->signoff, v->report, v->signoff_part);
}

/*
 * The pipeline, in order (docs/ARCHITECTURE.md, "Stages"). A stage runs only when every
 * fact it needs was established by an earlier stage (or the mode); otherwise it is
 * skipped, and the stage that could not establish the fact has said so.
 */
static const struct stage {
	const char *name;
	unsigned needs; /* enum fact bits */
	enum coco_err (*run)(struct coco_vstate *v);
} stages[] = {
    {"container", 0, stage_container},
    {"manifests", HAVE_SOUND_CONTAINER, stage_manifests},
    {"digests", HAVE_MANIFESTS, stage_digests},
    {"archive timestamps", HAVE_DIGESTS | MODE_VERIFY, coco_archive_ts_stage},
    {"sign-off signatures", HAVE_DIGESTS, stage_signoff_signatures},
    {"sign-off decisions", HAVE_SIGNATURE_ROWS | MODE_VERIFY, stage_signoff_decisions},
    {"signatures", HAVE_SIGNATURE_ROWS, stage_signatures},
    {"coverage", HAVE_SIGNATURES | HAVE_ANY_MANIFEST, stage_coverage},
    {"pdf", HAVE_SIGNATURES | MODE_VERIFY, stage_pdfs},
    {"assessment", HAVE_SIGNATURES | MODE_VERIFY, stage_assessment},
    {"evidence", HAVE_ASSESSMENT | HAVE_PDFS | MODE_VERIFY, stage_evidence},
    {"sign-off", HAVE_SIGNATURES, stage_signoff},
};

static enum coco_err vstate_init(struct coco_vstate *v, struct coco_ctx *ctx, const char *path,
				 struct coco_report *r, enum coco_mode mode)
{
	size_t i;

	v->ctx = ctx;
	v->path = path;
	v->report = r;
	v->mode = mode;
	v->have = mode == COCO_MODE_VERIFY ? MODE_VERIFY : 0;
	v->assessment_entry = -1;
	for (i = 0; i < COCO_MAX_MANIFESTS; i++)
		v->signature_row[i] = -1;
	coco_pdf_budget_init(&v->pdf_budget);
	if (coco_report_new(&v->signoff_part) != COCO_OK)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	return COCO_OK;
}

enum coco_err coco_vstate_run(struct coco_ctx *ctx, const char *path, struct coco_report *r,
			      enum coco_mode mode, struct coco_vstate **out)
{
	struct coco_vstate *v = calloc(1, sizeof(*v));
	enum coco_err err;
	size_t i;

	*out = NULL;
	if (v == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	err = vstate_init(v, ctx, path, r, mode);
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]) && err == COCO_OK; i++)
		if ((v->have & stages[i].needs) == stages[i].needs)
			err = stages[i].run(v);
	if (err != COCO_OK) {
		coco_vstate_free(v);
		return err;
	}
	*out = v;
	return COCO_OK;
}

enum coco_err coco_verify(struct coco_ctx *ctx, const char *path, struct coco_report *report)
{
	struct coco_vstate *v = NULL;
	enum coco_err err = coco_vstate_run(ctx, path, report, COCO_MODE_VERIFY, &v);

	coco_vstate_free(v);
	return err;
}

enum coco_err coco_inspect(struct coco_ctx *ctx, const char *path, struct coco_report *report)
{
	struct coco_vstate *v = NULL;
	enum coco_err err = coco_vstate_run(ctx, path, report, COCO_MODE_INSPECT, &v);

	if (err == COCO_OK && v->archive == NULL) {
		const struct coco_finding *f = coco_report_get(report, 0);
		err = coco_seterr(ctx, COCO_ERR_FORMAT, "cannot read '%s': %s", path,
				  f ? coco_finding_message(f) : "not a zip container");
	}
	coco_vstate_free(v);
	return err;
}

/* An entry the pass did not keep is read again: it must hash as it did in the pass. */
static enum coco_err reread(struct coco_vstate *v, size_t i, unsigned char **out, size_t *out_len)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	enum coco_err err;

	err = coco_archive_read(v->ctx, v->archive, i, v->ctx->limits.meta_size, out, out_len);
	if (err == COCO_OK && (SHA256(*out, *out_len, md) == NULL ||
			       CRYPTO_memcmp(md, v->entries[i].out[0], sizeof(md)) != 0)) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		err = coco_vstate_changed(v, i);
	}
	return err;
}

enum coco_err coco_vstate_read(struct coco_vstate *v, size_t i, unsigned char **out,
			       size_t *out_len)
{
	const struct coco_entry *e = &v->archive->e[i];
	const struct entry_state *h = &v->entries[i];
	unsigned char *p;

	*out = NULL;
	*out_len = 0;
	if (h->kept.how != COCO_KEEP_COPY || !h->kept.kept || !e->data_ok)
		return reread(v, i, out, out_len);
	/* keep_choice copies it only within the meta_size limit */
	if ((p = malloc((size_t)e->usize + 1)) == NULL)
		return coco_seterr(v->ctx, COCO_ERR_NOMEM, "out of memory");
	if (coco_pread_all(fileno(v->spool.f), p, (size_t)e->usize, h->kept.off) != 0) {
		free(p);
		return coco_seterr(v->ctx, COCO_ERR_IO,
				   "cannot read a temporary file to verify '%s': %s",
				   v->archive->path, strerror(errno ? errno : EIO));
	}
	p[e->usize] = '\0';
	*out = p;
	*out_len = (size_t)e->usize;
	return COCO_OK;
}

int coco_vstate_is_data_object(const struct coco_vstate *v, size_t i)
{
	return v->entries[i].role == ROLE_DATA && v->entries[i].covered &&
	       strncmp(v->archive->e[i].name, "META-INF/", 9) != 0;
}

const unsigned char *coco_vstate_sha256(const struct coco_vstate *v, size_t i)
{
	return v->entries[i].out[0];
}

size_t coco_vstate_entry_refs(const struct coco_vstate *v, struct coco_manifest_ref *refs)
{
	const struct coco_archive *ar = v->archive;
	size_t i, n = 0;

	for (i = 0; i < ar->n; i++) {
		const struct coco_entry *e = &ar->e[i];
		if (e->is_dir || (i == 0 && strcmp(e->name, "mimetype") == 0))
			continue;
		refs[n].name = e->name;
		memcpy(refs[n++].digest, coco_vstate_sha256(v, i), 32);
	}
	return n;
}

const unsigned char *coco_vstate_digest(const struct coco_vstate *v, size_t i, int alg)
{
	return alg == 0 || (v->entries[i].need & (1u << alg)) ? v->entries[i].out[alg] : NULL;
}

size_t coco_vstate_manifests(const struct coco_vstate *v, const struct coco_manifest *const **m,
			     const unsigned char *const **bytes, const size_t **len)
{
	*m = (const struct coco_manifest *const *)v->manifests;
	*bytes = (const unsigned char *const *)v->manifest_bytes;
	*len = v->manifest_len;
	return v->n_manifests;
}

struct coco_report *coco_vstate_report(const struct coco_vstate *v, struct coco_ctx **ctx)
{
	*ctx = v->ctx;
	return v->report;
}

struct coco_archive *coco_vstate_archive(const struct coco_vstate *v)
{
	return v->archive;
}
