/*
 * The pdf module: a strict PDF reader for evidence files. It follows the cross-reference
 * from startxref along the /Prev chain (classic tables, xref streams and hybrid files),
 * parses every object it lists with explicit limits, inflates FlateDecode streams with
 * zlib (counting, not keeping, except object and xref streams, which are held in memory
 * under COCO_PDF_MAX_INMEM), judges active content by meaning (decoded names, objects
 * inside object streams) and validates each signature dictionary (NOTES.md section 6).
 * Bytes are read by pread through one 64 KiB window, so memory is bounded by the limits,
 * never by the file's size. This file runs the scan and holds pdf.h's functions; the
 * stages live in the other pdf_*.c files (see pdf_int.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdf/pdf_int.h"

/* ---- the scan ----------------------------------------------------------------------- */

static void scan_release(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->nsigs; i++) {
		free(s->sigs[i].ct);
		free(s->sigs[i].subfilter);
	}
	coco_pdf_cache_drop(s);
	free(s->x);
	free(s->d.buf);
	free(s->out);
}

/* An entry for each signature dictionary, each checked unless the scan failed first (or
 * the budget's count ran out); the result's flags summarise their statuses. */
static enum coco_err check_sigs(struct scan *s, struct coco_pdf_result *res)
{
	enum coco_err err = COCO_OK;
	enum coco_pdf_sig_status st;
	size_t i;

	res->n_sigs = s->nsigs;
	if (s->nsigs == 0)
		return COCO_OK;
	if ((res->sigs = calloc(s->nsigs, sizeof(*res->sigs))) == NULL)
		return coco_seterr(s->ctx, COCO_ERR_NOMEM, "out of memory");
	for (i = 0; i < s->nsigs; i++)
		res->sigs[i].obj = s->sigs[i].obj;
	for (i = 0; !s->failed && i < s->nsigs && err == COCO_OK; i++)
		err = coco_pdf_check_sig(s, &s->sigs[i], &res->sigs[i]);
	for (i = 0; i < s->nsigs; i++) {
		st = res->sigs[i].status;
		res->sig_bad |= st == COCO_PDF_SIG_BAD;
		if (res->sigs[i].doc_timestamp) /* no one's signature: see pdf.h */
			continue;
		res->sig_valid |= st == COCO_PDF_SIG_VALID;
		res->sig_unknown |= st == COCO_PDF_SIG_UNKNOWN;
		res->sig_unanchored |= st == COCO_PDF_SIG_UNANCHORED;
	}
	return err;
}

static enum coco_err scan_run(struct scan *s, struct coco_pdf_result *res)
{
	size_t i, before = coco_report_mark(s->r);
	enum coco_err err = COCO_OK;
	int active = 0;

	res->scanned = 1;
	if (coco_pdf_load_xref(s) == 0 && s->encrypted)
		coco_pdf_fail(s, "pdf.encrypted",
			      "the PDF is encrypted: encrypted evidence is refused");
	if (!s->failed && !s->d.ioerr && !s->nomem)
		coco_pdf_scan_objects(s);
	if (s->d.ioerr)
		return coco_seterr(s->ctx, COCO_ERR_IO, "cannot read '%s': %s", s->name,
				   strerror(errno ? errno : EIO));
	if (s->nomem)
		return coco_seterr(s->ctx, COCO_ERR_NOMEM, "out of memory");
	coco_pdf_report_content(s);
	for (i = 0; i < N_KINDS; i++)
		active |= s->hit[i] >= 0;
	if (!s->failed && s->sigs_left != NULL && s->nsigs > *s->sigs_left)
		coco_pdf_fail(
		    s, "pdf.limits",
		    "more than %u PDF signatures in the bundle or folder: this PDF's are not "
		    "checked",
		    COCO_PDF_MAX_SIGS_ALL);
	else if (!s->failed && s->sigs_left != NULL)
		*s->sigs_left -= (unsigned)s->nsigs;
	err = check_sigs(s, res);
	if (err == COCO_OK && !s->failed && !active)
		coco_report_add(s->r, COCO_STATUS_PASS, "pdf.clean", s->name,
				"%zu objects, no active content, %zu signature%s", s->n_objects,
				s->nsigs, s->nsigs == 1 ? "" : "s");
	res->ok = coco_report_verdict_since(s->r, before) == COCO_VERDICT_PASSED;
	return err;
}

void coco_pdf_budget_init(struct coco_pdf_budget *b)
{
	memset(b, 0, sizeof(*b));
	b->sigs_left = COCO_PDF_MAX_SIGS_ALL;
}

/* The scan counts on from the budget's counts, and gives them back at the end. */
static void budget_take(struct scan *s, struct coco_pdf_budget *b)
{
	s->values = b->values, s->kept = b->kept, s->probed = b->probed;
	s->work = b->work, s->base = b->base + s->size;
	s->sigs_left = &b->sigs_left;
}

static void budget_give(const struct scan *s, struct coco_pdf_budget *b)
{
	b->values = s->values, b->kept = s->kept, b->probed = s->probed;
	b->work = s->work, b->base = s->base;
	b->spent |= s->spent;
}

enum coco_err coco_pdf_scan(struct coco_ctx *ctx, const struct coco_pdf_src *src, const char *name,
			    struct coco_report *r, struct coco_pdf_result *res)
{
	struct coco_pdf_budget own, *b = src->budget;
	struct scan s;
	enum coco_err err;
	size_t i;

	if (b == NULL)
		coco_pdf_budget_init(b = &own);
	if (b->spent) {
		coco_report_add(
		    r, COCO_STATUS_FAIL, "pdf.limits", name,
		    "not scanned: the PDFs before it in the bundle or folder used up the "
		    "values, inflated bytes or parser work that all its PDFs share");
		return COCO_OK;
	}
	memset(&s, 0, sizeof(s));
	s.ctx = ctx, s.r = r, s.name = name, s.size = src->size, s.cache_num = -1;
	s.d.fd = src->fd, s.d.base = src->off, s.d.size = src->size;
	s.d.read = src->read, s.d.read_arg = src->read_arg;
	budget_take(&s, b);
	for (i = 0; i < N_KINDS; i++)
		s.hit[i] = -1;
	if ((s.d.buf = malloc(WIN)) == NULL || (s.out = malloc(WIN)) == NULL) {
		scan_release(&s);
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	}
	errno = 0;
	err = scan_run(&s, res);
	budget_give(&s, b);
	scan_release(&s);
	return err;
}

enum coco_err coco_pdf_scan_path(struct coco_ctx *ctx, const char *path, const char *name,
				 struct coco_pdf_budget *budget, struct coco_report *r,
				 struct coco_pdf_result *res)
{
	struct coco_pdf_src src = {-1, 0, 0, NULL, NULL, NULL};
	struct stat st;
	enum coco_err err;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path,
				  fd < 0 || errno ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return err;
	}
	src.fd = fd, src.off = 0, src.size = (uint64_t)st.st_size, src.budget = budget;
	err = coco_pdf_scan(ctx, &src, name, r, res);
	close(fd);
	return err;
}

void coco_pdf_result_release(struct coco_pdf_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; res->sigs != NULL && i < res->n_sigs; i++) {
		free(res->sigs[i].signer);
		free(res->sigs[i].signer_cn);
		free(res->sigs[i].signer_org);
		free(res->sigs[i].root);
	}
	free(res->sigs);
	memset(res, 0, sizeof(*res));
}

void coco_pdf_files_free(struct coco_pdf_file *f, size_t n)
{
	size_t i;

	for (i = 0; f != NULL && i < n; i++) {
		free(f[i].name);
		coco_pdf_result_release(&f[i].res);
	}
	free(f);
}

int coco_pdf_is_pdf_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 4 && strcasecmp(name + n - 4, ".pdf") == 0;
}

int coco_pdf_is_pdf_start(const unsigned char *p, size_t n)
{
	return coco_pdf_magic(p, n) >= 0;
}

int coco_pdf_path_is_pdf(const char *path, const char *name)
{
	unsigned char head[COCO_PDF_SNIFF];
	ssize_t n;
	int fd, is = 0;

	if (coco_pdf_is_pdf_name(name))
		return 1;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return 0;
	while ((n = pread(fd, head, sizeof(head), 0)) < 0 && errno == EINTR)
		;
	is = n > 0 && coco_pdf_is_pdf_start(head, (size_t)n);
	close(fd);
	return is;
}
