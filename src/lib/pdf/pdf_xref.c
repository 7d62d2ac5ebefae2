/*
 * The pdf module's cross-reference: the header, startxref and %%EOF, classic tables and
 * xref streams along the /Prev chain (hybrid files included) into the object index; and
 * object streams, decoded into a one-stream cache with their offset tables.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdf_diff.h"
#include "pdf/pdf_int.h"

#define TAIL 1024u /* %%EOF and startxref are looked for in the last TAIL bytes */
_Static_assert(TAIL >= COCO_PDF_SNIFF, "find_start reads the header's bytes into t");

/* ---- cross-reference ---------------------------------------------------------------- */

/* Makes room in the index for object number num. */
int coco_pdf_xgrow(struct scan *s, uint64_t num)
{
	struct xent *nx;
	size_t want;
	uint64_t add;

	if (num >= COCO_PDF_MAX_OBJECTS)
		return coco_pdf_fail(s, "pdf.limits", "object number %llu: more than %u objects",
				     (unsigned long long)num, COCO_PDF_MAX_OBJECTS);
	if (num < s->nx)
		return 0;
	want = s->nx ? s->nx : 64;
	while (want <= num)
		want *= 2;
	if (want > COCO_PDF_MAX_OBJECTS)
		want = COCO_PDF_MAX_OBJECTS;
	add = s->nx == 0 ? MEM_BLOCK(want * sizeof(*nx)) : (want - s->nx) * sizeof(*nx);
	if (mem_over(s, add))
		return coco_pdf_fail(s, "pdf.limits", MEM_MSG " (an index of object number %llu)",
				     (unsigned long long)num);
	if ((nx = realloc(s->x, want * sizeof(*nx))) == NULL)
		return s->nomem = 1, -1;
	s->mem += add;
	memset(nx + s->nx, 0, (want - s->nx) * sizeof(*nx));
	s->x = nx, s->nx = want;
	return 0;
}

static int xset(struct scan *s, uint64_t num, int type, uint64_t a, uint64_t b)
{
	if (coco_pdf_xgrow(s, num) != 0)
		return -1;
	/* A newer section decided it; but in a hybrid section, the /XRefStm stream fills in
	 * what the same section's table lists as free (objects in object streams). */
	if (s->x[num].set && !(s->x[num].sec == s->nsec && s->x[num].type == 0 && type != 0))
		return 0;
	s->x[num].sec = (uint16_t)s->nsec;
	s->x[num].set = 1;
	s->x[num].type = (uint8_t)type;
	s->x[num].off = a;
	s->x[num].gen = (uint32_t)(b > UINT32_MAX ? UINT32_MAX : b);
	return 0;
}

/* One "offset generation n|f" entry of a classic table, for object num. */
static int xref_entry(struct scan *s, struct lex *x, uint64_t num)
{
	struct val a, c;
	char w[16];
	int rc = -1;

	memset(&c, 0, sizeof(c));
	if (coco_pdf_parse_top(x, &a) != 0 || coco_pdf_parse_top(x, &c) != 0)
		goto out;
	skip_ws(x);
	coco_pdf_word(x, w, sizeof(w));
	if (a.t != V_INT || c.t != V_INT || a.i < 0 || c.i < 0 ||
	    (strcmp(w, "n") != 0 && strcmp(w, "f") != 0))
		coco_pdf_lfail(x, "pdf.xref", "a malformed cross-reference entry");
	else
		rc = xset(s, num, w[0] == 'n' ? 1 : 0, (uint64_t)a.i, (uint64_t)c.i);
out:
	coco_pdf_val_release(s, &a);
	coco_pdf_val_release(s, &c);
	return rc;
}

/* A subsection: "first count" and count entries. */
static int xref_subsection(struct scan *s, struct lex *x)
{
	struct val a, b;
	long long k;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	if (coco_pdf_parse_top(x, &a) != 0 || coco_pdf_parse_top(x, &b) != 0)
		goto out;
	if (a.t != V_INT || b.t != V_INT || a.i < 0 || b.i < 0) {
		coco_pdf_lfail(x, "pdf.xref", "a malformed cross-reference subsection");
		goto out;
	}
	if (a.i + b.i > (long long)COCO_PDF_MAX_OBJECTS) {
		coco_pdf_fail(s, "pdf.limits", "a cross-reference subsection past object number %u",
			      COCO_PDF_MAX_OBJECTS - 1);
		goto out;
	}
	for (k = 0; k < b.i; k++)
		if (xref_entry(s, x, (uint64_t)(a.i + k)) != 0)
			goto out;
	rc = 0;
out:
	coco_pdf_val_release(s, &a);
	coco_pdf_val_release(s, &b);
	return rc;
}

static int xref_table(struct scan *s, struct lex *x, struct val *trailer)
{
	char w[16];

	for (;;) {
		skip_ws(x);
		if (peek(x) != 't') {
			if (xref_subsection(s, x) != 0)
				return -1;
			continue;
		}
		coco_pdf_word(x, w, sizeof(w));
		if (strcmp(w, "trailer") != 0)
			return coco_pdf_lfail(x, "pdf.xref", "a malformed cross-reference table");
		if (coco_pdf_parse_top(x, trailer) != 0)
			return -1;
		return trailer->t == V_DICT
			   ? 0
			   : coco_pdf_lfail(x, "pdf.xref", "a trailer that is not a dictionary");
	}
}

static uint64_t be(const unsigned char *p, long long w, uint64_t dflt)
{
	uint64_t v = 0;
	long long i;

	if (w == 0)
		return dflt;
	for (i = 0; i < w; i++)
		v = v << 8 | p[i];
	return v;
}

/* An xref stream's field widths /W, checked. */
static int xref_widths(struct scan *s, const struct val *d, long long wd[3])
{
	const struct val *w = dget(d, "W"), *size = dget(d, "Size");
	size_t i;

	if (w == NULL || w->t != V_ARRAY || w->n != 3 || size == NULL || size->t != V_INT ||
	    size->i < 0 || size->i > (long long)COCO_PDF_MAX_OBJECTS)
		return coco_pdf_fail(s, "pdf.xref", "an xref stream has a bad /W or /Size");
	for (i = 0; i < 3; i++) {
		if (w->k[i].t != V_INT || w->k[i].i < 0 || w->k[i].i > 8)
			return coco_pdf_fail(s, "pdf.xref", "an xref stream has a bad /W");
		wd[i] = w->k[i].i;
	}
	if (wd[0] + wd[1] + wd[2] == 0)
		return coco_pdf_fail(s, "pdf.xref", "an xref stream has a bad /W");
	return 0;
}

/* The rows of one /Index subsection, from *pos in the decoded data. */
static int xref_rows(struct scan *s, const long long wd[3], long long first, long long count,
		     const unsigned char *p, size_t len, size_t *pos)
{
	size_t rowlen = (size_t)(wd[0] + wd[1] + wd[2]);
	const unsigned char *row;
	long long k;
	uint64_t t;

	for (k = 0; k < count; k++, *pos += rowlen) {
		if (*pos + rowlen > len)
			return coco_pdf_fail(s, "pdf.xref",
					     "an xref stream is shorter than its /Index says");
		row = p + *pos;
		t = be(row, wd[0], 1);
		if (t > 2)
			continue; /* reserved types are free objects */
		if (xset(s, (uint64_t)(first + k), (int)t, be(row + wd[0], wd[1], 0),
			 be(row + wd[0] + wd[1], wd[2], 0)) != 0)
			return -1;
	}
	return 0;
}

/* Entries of an xref stream's decoded data: /W field widths, /Index subsections. */
static int xref_fill(struct scan *s, const struct val *d, const unsigned char *p, size_t len)
{
	const struct val *idx = dget(d, "Index"), *size = dget(d, "Size");
	long long wd[3], first, count;
	size_t i, pos = 0;

	if (xref_widths(s, d, wd) != 0)
		return -1;
	if (idx != NULL && (idx->t != V_ARRAY || idx->n % 2 != 0))
		return coco_pdf_fail(s, "pdf.xref", "an xref stream has a bad /Index");
	for (i = 0; i < (idx ? idx->n : 2); i += 2) {
		first = idx ? idx->k[i].i : 0;
		count = idx ? idx->k[i + 1].i : size->i;
		if ((idx && (idx->k[i].t != V_INT || idx->k[i + 1].t != V_INT)) || first < 0 ||
		    count < 0 || first + count > (long long)COCO_PDF_MAX_OBJECTS)
			return coco_pdf_fail(s, "pdf.xref", "an xref stream has a bad /Index");
		if (xref_rows(s, wd, first, count, p, len, &pos) != 0)
			return -1;
	}
	return 0;
}

static int xref_stream(struct scan *s, uint64_t off, struct val *trailer)
{
	unsigned char *p = NULL;
	size_t len = 0;
	uint64_t mem = 0;
	struct obj o;
	int rc;

	rc = coco_pdf_read_object(s, off, -1, 1, &o);
	if (rc == 0 && (!o.has_stream || !name_is(dget(&o.v, "Type"), "XRef")))
		rc =
		    coco_pdf_fail(s, "pdf.xref",
				  "byte offset %llu holds neither an xref table nor an xref stream",
				  (unsigned long long)off);
	if (rc == 0)
		rc = coco_pdf_stream_mem(s, &o.v, o.data, o.len, -1, &p, &len, &mem);
	if (rc == 0)
		rc = xref_fill(s, &o.v, p, len);
	if (p != NULL)
		s->mem -= mem;
	free(p);
	*trailer = o.v; /* transferred */
	return rc;
}

static int want_offset(struct scan *s, const struct val *v, const char *key, uint64_t *off)
{
	if (v == NULL)
		return 0;
	if (v->t != V_INT || v->i < 0 || (uint64_t)v->i >= s->size)
		return coco_pdf_fail(s, "pdf.xref", "%s is not a byte offset inside the file", key);
	*off = (uint64_t)v->i;
	return 1;
}

/* Where a section pointed at by off starts: startxref and /Prev may point at the white
 * space before it (writers that count the end-of-line before "xref"), which viewers' lexers
 * skip. At most LEAD bytes are skipped, so 256 offsets into a run of white space cost no
 * more than 256 sections. */
#define LEAD 16u
static uint64_t section_start(struct scan *s, uint64_t off)
{
	uint64_t p;
	int c;

	for (p = off; p - off < LEAD && (c = rd_byte(&s->d, p)) >= 0 && is_ws(c); p++)
		;
	return p - off < LEAD && p < s->size ? p : off;
}

/* The object a trailer's value refers to, or -1 (pdf_diff.c compares them). */
static long long ref_num(const struct val *v)
{
	return v != NULL && v->t == V_REF ? v->i : -1;
}

/* One section at off: a table (with its hybrid /XRefStm) or a stream. *prev: next. */
static int xref_section(struct scan *s, uint64_t off, uint64_t *prev, int *more)
{
	struct val tr, hy;
	const struct val *enc;
	struct lex x;
	char w[8];
	uint64_t hoff = 0;
	size_t i;
	int rc, h;

	*more = 0;
	memset(&tr, 0, sizeof(tr));
	memset(&hy, 0, sizeof(hy));
	off = section_start(s, off);
	for (i = 0; i < s->nsec; i++)
		if (s->sec[i] == off)
			return coco_pdf_fail(s, "pdf.xref",
					     "the /Prev chain loops back to byte offset %llu",
					     (unsigned long long)off);
	if (s->nsec == COCO_PDF_MAX_SECTIONS)
		return coco_pdf_fail(s, "pdf.limits", "more than %u cross-reference sections",
				     COCO_PDF_MAX_SECTIONS);
	s->sec[s->nsec++] = off;
	lex_init(&x, s, &s->d, off, -1);
	coco_pdf_word(&x, w, sizeof(w));
	if (strcmp(w, "xref") == 0) {
		rc = xref_table(s, &x, &tr);
		s->tab[s->ntab][0] = off, s->tab[s->ntab++][1] = x.pos;
	} else {
		rc = xref_stream(s, off, &tr);
	}
	/* a key whose value is null is absent (ISO 32000-2 7.3.9): /Encrypt null encrypts
	 * nothing, and viewers open such a file in the clear */
	if (rc == 0 && (enc = dget(&tr, "Encrypt")) != NULL && enc->t != V_NULL)
		s->encrypted = 1;
	if (rc == 0 && (h = want_offset(s, dget(&tr, "XRefStm"), "/XRefStm", &hoff)) != 0)
		rc = h < 0 ? -1 : xref_stream(s, hoff, &hy);
	s->sec_root[s->nsec - 1] = ref_num(dget(&tr, "Root"));
	s->sec_info[s->nsec - 1] = ref_num(dget(&tr, "Info"));
	if (rc == 0 && s->nsec == 1 && dget(&tr, "Root") == NULL)
		rc = coco_pdf_fail(s, "pdf.xref", "the trailer has no /Root");
	if (rc == 0 && (h = want_offset(s, dget(&tr, "Prev"), "/Prev", prev)) != 0)
		rc = h < 0 ? -1 : (*more = 1, 0);
	coco_pdf_val_release(s, &tr);
	coco_pdf_val_release(s, &hy);
	return rc;
}

/* Where %PDF- is in the first n bytes (at most COCO_PDF_SNIFF), or -1. */
long coco_pdf_magic(const unsigned char *p, size_t n)
{
	size_t i;

	n = n < COCO_PDF_SNIFF ? n : COCO_PDF_SNIFF;
	for (i = 0; i + 5 <= n; i++)
		if (p[i] == '%' && memcmp(p + i, "%PDF-", 5) == 0)
			return (long)i;
	return -1;
}

/* The first byte in t[i, e), between startxref's offset and the final %%EOF, that is
 * neither white space nor in a comment (a second number, as some writers leave, or
 * junk), or -1: viewers differ on what they make of it. */
static int tail_junk(const unsigned char *t, size_t i, size_t e)
{
	while (i < e) {
		if (t[i] == '%')
			while (i < e && t[i] != '\r' && t[i] != '\n')
				i++;
		else if (is_ws(t[i]))
			i++;
		else
			return t[i];
	}
	return -1;
}

/* The header, the final %%EOF and startxref's offset. */
static int find_start(struct scan *s, uint64_t *start)
{
	unsigned char t[TAIL + 1];
	size_t n = s->size < TAIL ? (size_t)s->size : TAIL, i, e;
	char *end;
	long long v;
	long at;
	int c;

	if (coco_pdf_read(&s->d, t, n, 0) != 0)
		return s->d.ioerr = 1, -1;
	if ((at = coco_pdf_magic(t, n)) > 0)
		return coco_pdf_fail(
		    s, "pdf.header",
		    "the %%PDF- header is at byte offset %ld, not at the start: viewers "
		    "open it as a PDF, but bytes before the header shift every offset",
		    at);
	if (n < 9 || memcmp(t, "%PDF-", 5) != 0 ||
	    !((t[5] == '1' && t[6] == '.' && t[7] >= '0' && t[7] <= '7') ||
	      (t[5] == '2' && t[6] == '.' && t[7] == '0')) ||
	    !is_ws(t[8]))
		return coco_pdf_fail(s, "pdf.header",
				     "does not start with a %%PDF-1.0 .. 1.7 or %%PDF-2.0 "
				     "header: not a PDF");
	if (coco_pdf_read(&s->d, t, n, s->size - n) != 0)
		return s->d.ioerr = 1, -1;
	t[n] = '\0';
	for (e = n; e > 0 && is_ws(t[e - 1]); e--)
		;
	if (e < 5 || memcmp(t + e - 5, "%%EOF", 5) != 0)
		return coco_pdf_fail(s, "pdf.structure", "the file does not end with %%%%EOF");
	for (i = e - 5; i >= 9; i--)
		if (memcmp(t + i - 9, "startxref", 9) == 0)
			break;
	if (i < 9)
		return coco_pdf_fail(s, "pdf.xref", "no startxref before the final %%%%EOF");
	while (i < e && is_ws(t[i]))
		i++;
	errno = 0;
	v = strtoll((const char *)t + i, &end, 10);
	if (errno != 0 || end == (char *)t + i || v < 0 || (uint64_t)v >= s->size)
		return coco_pdf_fail(s, "pdf.xref",
				     "startxref does not give a byte offset inside the file");
	if ((c = tail_junk(t, (size_t)(end - (char *)t), e - 5)) >= '0' && c <= '9')
		return coco_pdf_fail(s, "pdf.xref",
				     "startxref is followed by two numbers, not one byte offset: "
				     "which one locates the cross-reference is ambiguous");
	if (c >= 0)
		return coco_pdf_fail(s, "pdf.xref",
				     "startxref's byte offset is followed by something other than "
				     "%%%%EOF");
	*start = (uint64_t)v;
	return 0;
}

int coco_pdf_load_xref(struct scan *s)
{
	uint64_t off = 0;

	if (find_start(s, &off) != 0)
		return -1;
	return coco_pdf_load_chain(s, off);
}

/* The sections from the one at off along /Prev into the index. */
int coco_pdf_load_chain(struct scan *s, uint64_t off)
{
	uint64_t prev = 0;
	int more = 1;

	while (more) {
		if (xref_section(s, off, &prev, &more) != 0)
			return -1;
		off = prev;
	}
	return 0;
}

/* ---- object streams ----------------------------------------------------------------- */

void coco_pdf_cache_drop(struct scan *s)
{
	s->mem -= s->cache_mem;
	s->cache_mem = 0;
	free(s->cache);
	free(s->cache_off);
	free(s->cache_obj);
	s->cache = NULL, s->cache_off = NULL, s->cache_obj = NULL;
	s->cache_num = -1;
}

/* Entry k of the cached object stream's offset table: "num offset", offsets strictly
 * increasing (so no object is parsed twice). */
static int objstm_entry(struct scan *s, struct lex *x, long long k)
{
	struct val a, b;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	if (coco_pdf_parse_top(x, &a) != 0 || coco_pdf_parse_top(x, &b) != 0)
		goto out;
	if (a.t != V_INT || b.t != V_INT || a.i < 0 || b.i < 0 ||
	    (uint64_t)b.i + s->cache_first >= s->cache_len) {
		coco_pdf_lfail(x, "pdf.structure", "a bad object stream offset table");
		goto out;
	}
	if (k > 0 && s->cache_first + (size_t)b.i <= s->cache_off[k - 1]) {
		coco_pdf_lfail(x, "pdf.structure",
			       "object stream offsets that are not strictly increasing");
		goto out;
	}
	s->cache_obj[k] = (long)a.i;
	s->cache_off[k] = s->cache_first + (size_t)b.i;
	s->cache_n++;
	rc = 0;
out:
	coco_pdf_val_release(s, &a);
	coco_pdf_val_release(s, &b);
	return rc;
}

/* Decodes object stream num (dict, data extent) into the cache, with its offset table. */
int coco_pdf_objstm_load(struct scan *s, const struct val *dict, uint64_t data, uint64_t len,
			 long num)
{
	const struct val *n = dget(dict, "N"), *first = dget(dict, "First");
	struct rd d;
	struct lex x;
	long long k;
	uint64_t table;

	coco_pdf_cache_drop(s);
	if (n == NULL || n->t != V_INT || n->i < 0 || n->i > (long long)COCO_PDF_MAX_OBJECTS ||
	    first == NULL || first->t != V_INT || first->i < 0)
		return coco_pdf_fail(s, "pdf.structure", "object stream %ld has a bad /N or /First",
				     num);
	if (coco_pdf_stream_mem(s, dict, data, len, num, &s->cache, &s->cache_len, &s->cache_mem) !=
	    0)
		return -1;
	if ((uint64_t)first->i > s->cache_len)
		return coco_pdf_fail(s, "pdf.structure", "object stream %ld has a bad /First", num);
	s->cache_num = num;
	s->cache_first = (size_t)first->i;
	s->cache_n = 0;
	table = MEM_BLOCK(((size_t)n->i + 1) * sizeof(*s->cache_off)) +
		MEM_BLOCK(((size_t)n->i + 1) * sizeof(*s->cache_obj));
	if (mem_over(s, table))
		return coco_pdf_mem_fail(s, num);
	if ((s->cache_off = calloc((size_t)n->i + 1, sizeof(*s->cache_off))) == NULL ||
	    (s->cache_obj = calloc((size_t)n->i + 1, sizeof(*s->cache_obj))) == NULL)
		return s->nomem = 1, -1;
	s->mem += table;
	s->cache_mem += table;
	memset(&d, 0, sizeof(d));
	d.mem = s->cache, d.size = s->cache_first;
	lex_init(&x, s, &d, 0, num);
	for (k = 0; k < n->i; k++)
		if (objstm_entry(s, &x, k) != 0)
			return -1;
	return 0;
}

/* Scans every object in the cached object stream; each must end by the next's offset. */
int coco_pdf_objstm_scan(struct scan *s)
{
	struct rd d;
	struct lex x;
	struct val v;
	size_t k, limit;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	d.mem = s->cache, d.size = s->cache_len;
	for (k = 0; k < s->cache_n && rc == 0; k++) {
		limit = k + 1 < s->cache_n ? s->cache_off[k + 1] : s->cache_len;
		lex_init(&x, s, &d, s->cache_off[k], s->cache_num);
		rc = coco_pdf_parse_top(&x, &v);
		if (rc == 0 && x.pos > limit)
			rc = coco_pdf_lfail(&x, "pdf.structure",
					    "an object that runs past the next object's offset");
		if (rc == 0) {
			s->n_objects++;
			coco_pdf_note_name(s, s->cache_obj[k], &v);
			coco_pdf_judge(s, &v, s->cache_obj[k], 0);
			coco_pdf_note_refs(s, &v); /* at the stream's offset */
		}
		coco_pdf_val_release(s, &v);
	}
	return rc;
}
