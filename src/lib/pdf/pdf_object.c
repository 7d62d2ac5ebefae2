/*
 * The pdf module's objects: "num gen obj" headers, an object's value and its stream's
 * extent (/Length direct or indirect, or the repair scanners' first endstream for objects
 * no cross-reference lists), objects inside object streams, and the one pass over the
 * file in offset order that parses and judges every object, listed or not.
 */
#include <stdlib.h>
#include <string.h>

#include "pdf/pdf_diff.h"
#include "pdf/pdf_int.h"

/* ---- objects ------------------------------------------------------------------------ */

/* A token of digits only, any number of them (viewers accept "00000000003"): 0, -1 if it
 * is not one, -2 if it has more than 10 significant digits (past every limit). */
static int digit_run(struct lex *x, long long *out)
{
	long long v = 0;
	int c, n = 0, sig = 0, bad = 0;

	while (is_regular(c = peek(x))) {
		if (c < '0' || c > '9')
			bad = 1;
		else if (v > 0 || c != '0')
			sig++, v = sig <= 10 ? v * 10 + (c - '0') : v;
		n++;
		x->pos++;
	}
	if (n == 0 || bad)
		return -1;
	*out = v;
	return sig > 10 ? -2 : 0;
}

/* Reads "num gen obj" at the lexer's position into *num and *gen; -1 if it is not one,
 * -2 if it is one whose number or generation is past every limit. */
static int header_at(struct lex *x, long long *num, long long *gen)
{
	char w[8];
	int a, b;

	skip_ws(x);
	a = digit_run(x, num);
	skip_ws(x);
	b = a == -1 ? -1 : digit_run(x, gen);
	skip_ws(x);
	coco_pdf_word(x, w, sizeof(w));
	if (a == -1 || b == -1 || strcmp(w, "obj") != 0)
		return -1;
	return a == -2 || b == -2 ? -2 : 0;
}

static int obj_header(struct lex *x, long long *num, long long *gen)
{
	int rc = header_at(x, num, gen);

	if (rc == -2)
		return coco_pdf_lfail(
		    x, "pdf.limits",
		    "an object header whose number or generation has more than 10 "
		    "digits");
	if (rc != 0)
		return coco_pdf_lfail(
		    x, "pdf.xref", "the cross-reference points to something that is not an object");
	return 0;
}

/* The object the cross-reference lists as num must carry its number and generation. */
static int check_header(struct scan *s, uint64_t off, long num, const struct obj *o)
{
	const struct xent *e = xget(s, num);

	if (o->num != num)
		return coco_pdf_fail(
		    s, "pdf.xref",
		    "the cross-reference places object %ld at byte offset %llu, where "
		    "object %lld is",
		    num, (unsigned long long)off, o->num);
	if (e != NULL && e->type == 1 && (uint64_t)o->gen != e->gen)
		return coco_pdf_fail(
		    s, "pdf.xref",
		    "the cross-reference places object %ld generation %u at byte offset "
		    "%llu, where generation %lld is",
		    num, e->gen, (unsigned long long)off, o->gen);
	return 0;
}

/* The start of a stream's data and its length, checked against endstream. */
static int stream_extent(struct scan *s, struct lex *x, const struct val *dict, int length_direct,
			 uint64_t *data, uint64_t *len);

/* After the stream keyword: its data extent, endstream and (if present) endobj. */
static int read_stream(struct scan *s, struct lex *x, int length_direct, struct obj *o)
{
	char w[16];
	uint64_t save;

	if (peek(x) == '\r')
		x->pos++;
	if (peek(x) != '\n')
		return coco_pdf_lfail(x, "pdf.structure",
				      "the stream keyword not followed by an end of line");
	x->pos++;
	o->has_stream = 1;
	if (stream_extent(s, x, &o->v, length_direct, &o->data, &o->len) != 0)
		return -1;
	save = x->pos;
	skip_ws(x);
	coco_pdf_word(x, w, sizeof(w));
	o->end = strcmp(w, "endobj") == 0 ? x->pos : save;
	return 0;
}

/*
 * Parses the object at off into o. num >= 0: the cross-reference lists it as num, so its
 * header must say so (number and generation). length_direct: /Length must be an integer.
 */
int coco_pdf_read_object(struct scan *s, uint64_t off, long num, int length_direct, struct obj *o)
{
	struct lex x;
	char w[16];

	memset(o, 0, sizeof(*o));
	lex_init(&x, s, &s->d, off, -1);
	x.lenient = num < 0 && !length_direct;
	if (obj_header(&x, &o->num, &o->gen) != 0)
		return -1;
	if (num >= 0 && check_header(s, off, num, o) != 0)
		return -1;
	if (coco_pdf_parse_top(&x, &o->v) != 0)
		return -1;
	skip_ws(&x);
	coco_pdf_word(&x, w, sizeof(w));
	o->end = x.pos;
	if (strcmp(w, "endobj") == 0)
		return 0;
	if (strcmp(w, "stream") != 0 || o->v.t != V_DICT)
		return coco_pdf_lfail(&x, "pdf.structure", "an object not followed by endobj");
	return read_stream(s, &x, length_direct, o);
}

/* Object stream osn, decoded into the cache (if it is not there already). */
static int objstm_cached(struct scan *s, long osn)
{
	const struct xent *e = xget(s, osn);
	struct obj o;
	int rc;

	if (s->cache_num == osn && osn >= 0)
		return 0;
	if (e == NULL || e->type != 1)
		return coco_pdf_fail(s, "pdf.xref",
				     "object stream %ld is not an object in the file", osn);
	rc = coco_pdf_read_object(s, e->off, osn, 0, &o);
	if (rc == 0 && (!o.has_stream || !name_is(dget(&o.v, "Type"), "ObjStm")))
		rc = coco_pdf_fail(s, "pdf.xref", "object %ld is not an object stream", osn);
	if (rc == 0)
		rc = coco_pdf_objstm_load(s, &o.v, o.data, o.len, osn);
	coco_pdf_val_release(s, &o.v);
	return rc;
}

/* Object num, which the cross-reference puts at index idx of object stream osn. */
static int objstm_value(struct scan *s, long long num, long osn, size_t idx, struct val *v)
{
	struct rd d;
	struct lex x;

	memset(v, 0, sizeof(*v));
	if (objstm_cached(s, osn) != 0)
		return -1;
	if (idx >= s->cache_n || s->cache_obj[idx] != num)
		return coco_pdf_fail(s, "pdf.xref",
				     "object %lld is not at index %zu of object stream %ld", num,
				     idx, osn);
	memset(&d, 0, sizeof(d));
	d.mem = s->cache, d.size = s->cache_len;
	lex_init(&x, s, &d, s->cache_off[idx], osn);
	return coco_pdf_parse_top(&x, v);
}

/*
 * Object num as the index places it (in the file or an object stream) into o, released by
 * the caller (coco_pdf_val_release); a number the index does not list gives null. Returns
 * 0, or -1 with a finding.
 */
int coco_pdf_fetch(struct scan *s, long long num, struct obj *o)
{
	const struct xent *e = xget(s, num);

	memset(o, 0, sizeof(*o));
	if (e == NULL)
		return 0;
	if (e->type == 1)
		return coco_pdf_read_object(s, e->off, (long)num, 0, o);
	return objstm_value(s, num, (long)e->off, e->gen, &o->v);
}

/*
 * An indirect /Length: an integer object, in the file or (except for an object stream's
 * own /Length, which must be readable before the stream is) in an object stream.
 */
static int resolve_length(struct scan *s, long long num, int objstm, long long *out)
{
	const struct xent *e = xget(s, num);
	struct obj o;
	int rc;

	memset(&o, 0, sizeof(o));
	if (e == NULL || (e->type == 2 && objstm))
		return coco_pdf_fail(
		    s, "pdf.xref", "a stream /Length refers to object %lld, which is missing%s",
		    num, objstm ? " or compressed (an object stream's /Length cannot be)" : "");
	if (e->type == 1)
		rc = coco_pdf_read_object(s, e->off, (long)num, 1, &o);
	else
		rc = objstm_value(s, num, (long)e->off, e->gen, &o.v);
	if (rc == 0 && (o.v.t != V_INT || o.has_stream))
		rc = coco_pdf_fail(s, "pdf.structure",
				   "object %lld, a stream /Length, is not an integer", num);
	*out = o.v.i;
	coco_pdf_val_release(s, &o.v);
	return rc;
}

/* Whether n bytes of stream data at data end where endstream is. */
static int ends_at(struct lex *x, uint64_t data, long long n)
{
	char w[16];

	if (n < 0 || (uint64_t)n > x->d->size - data)
		return 0;
	x->pos = data + (uint64_t)n;
	skip_ws(x);
	coco_pdf_word(x, w, sizeof(w));
	return strcmp(w, "endstream") == 0;
}

/* The first "endstream" after data, as repair scanners find it: the nine bytes, whatever
 * follows them (every byte searched is charged to the budget); the end of line before it
 * is not data. */
static int find_endstream(struct scan *s, struct lex *x, uint64_t data, uint64_t *len)
{
	static const char kw[] = "endstream";
	uint64_t pos,
	    end = x->d->size - data > COCO_PDF_MAX_STREAM ? data + COCO_PDF_MAX_STREAM : x->d->size;
	size_t k;

	for (pos = data; pos + 9 <= end; pos++) {
		for (k = 0; k < 9 && rd_byte(x->d, pos + k) == kw[k]; k++)
			;
		if (k == 9)
			break;
	}
	s->work += pos - data;
	if (pos + 9 > end)
		return coco_pdf_lfail(x, "pdf.structure", "a stream without endstream");
	*len = pos - data;
	if (*len > 0 && rd_byte(x->d, data + *len - 1) == '\n')
		(*len)--;
	if (*len > 0 && rd_byte(x->d, data + *len - 1) == '\r')
		(*len)--;
	x->pos = pos + 9;
	return 0;
}

/*
 * The extent of a stream in an object no cross-reference lists (an older revision's, an
 * orphan's), which only a viewer rebuilding the file reads: as MuPDF's and pdf.js's repair
 * do, an indirect /Length is ignored and the data ends at the first "endstream", unless a
 * direct /Length ends at an endstream no later than that. Whatever follows is scanned as
 * objects, as those viewers would read it.
 */
static int lenient_extent(struct scan *s, struct lex *x, const struct val *l, uint64_t data,
			  uint64_t *len)
{
	uint64_t first = 0;
	long long n = l != NULL && l->t == V_INT ? l->i : -1;

	if (find_endstream(s, x, data, &first) != 0)
		return -1;
	if (n >= 0 && (uint64_t)n <= first && ends_at(x, data, n)) {
		*len = (uint64_t)n;
		return 0;
	}
	*len = first;
	x->pos = data + first;
	skip_ws(x);
	x->pos += 9; /* past the first "endstream" */
	return 0;
}

/*
 * The stream's data extent: /Length, direct or (unless length_direct) indirect, must end
 * at endstream. For an object no cross-reference lists, see lenient_extent.
 */
static int stream_extent(struct scan *s, struct lex *x, const struct val *dict, int length_direct,
			 uint64_t *data, uint64_t *len)
{
	const struct val *l = dget(dict, "Length");
	long long n = -1;

	*data = x->pos;
	if (x->lenient)
		return lenient_extent(s, x, l, *data, len);
	if (l != NULL && l->t == V_INT)
		n = l->i;
	else if (l != NULL && l->t == V_REF && !length_direct &&
		 resolve_length(s, l->i, name_is(dget(dict, "Type"), "ObjStm"), &n) != 0)
		return -1;
	if (n > 0 && (uint64_t)n > COCO_PDF_MAX_STREAM)
		return coco_pdf_lfail(x, "pdf.limits", "a stream /Length over 2 GiB");
	if (n < 0)
		return coco_pdf_lfail(x, "pdf.structure", "a stream without a usable /Length");
	if ((uint64_t)n > x->d->size - *data)
		return coco_pdf_lfail(x, "pdf.structure",
				      "a stream /Length that runs past the end of the file");
	*len = (uint64_t)n;
	if (!ends_at(x, *data, n))
		return coco_pdf_lfail(x, "pdf.structure",
				      "no endstream where the stream's /Length ends");
	return 0;
}

/* ---- the object pass ---------------------------------------------------------------- */

/* Judges the object at off (num >= 0: the cross-reference's object num; -1: an object
 * header no cross-reference points at); *end receives the byte after it. */
static int scan_at(struct scan *s, uint64_t off, long num, uint64_t *end)
{
	struct obj o;
	int rc;

	rc = coco_pdf_read_object(s, off, num, 0, &o);
	if (rc == 0) {
		*end = o.end;
		s->n_objects++;
		coco_pdf_note_name(s, o.num, &o.v);
		coco_pdf_judge(s, &o.v, (long)o.num, 1);
		s->refs_at = off;
		coco_pdf_note_refs(s, &o.v);
	}
	if (rc == 0 && o.has_stream && name_is(dget(&o.v, "Type"), "ObjStm")) {
		if (num >= 0)
			s->x[num].objstm = 1;
		rc = coco_pdf_objstm_load(s, &o.v, o.data, o.len, (long)o.num);
		if (rc == 0)
			rc = coco_pdf_objstm_scan(s);
		coco_pdf_cache_drop(s);
	} else if (rc == 0 && o.has_stream && coco_pdf_is_flate(dget(&o.v, "Filter"))) {
		rc = coco_pdf_inflate(s, o.data, o.len, (long)o.num, 0, NULL, NULL, NULL);
	}
	coco_pdf_val_release(s, &o.v);
	return rc;
}

struct fobj {
	uint64_t off;
	long num;
};

static int fobj_cmp(const void *a, const void *b)
{
	const struct fobj *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off ? 1 : (x->num > y->num) - (x->num < y->num);
}

/* The objects the cross-reference places in the file, in offset order. */
static int listed_objects(struct scan *s, struct fobj **out, size_t *n)
{
	size_t i, k = 0;

	*out = NULL, *n = 0;
	for (i = 0; i < s->nx; i++)
		k += s->x[i].type == 1;
	if (k > 0 && (*out = malloc(k * sizeof(**out))) == NULL)
		return s->nomem = 1, -1;
	for (i = 0; i < s->nx; i++)
		if (s->x[i].type == 1)
			(*out)[(*n)++] = (struct fobj){s->x[i].off, (long)i};
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), fobj_cmp);
	return 0;
}

/* An object the cross-reference places before the end of the one read before it. */
static int overlap(struct scan *s, const struct fobj *f, uint64_t prev_end)
{
	struct lex x;
	struct obj o;

	memset(&o, 0, sizeof(o));
	lex_init(&x, s, &s->d, f->off, -1);
	if (obj_header(&x, &o.num, &o.gen) != 0 || check_header(s, f->off, f->num, &o) != 0)
		return -1;
	return coco_pdf_fail(
	    s, "pdf.structure",
	    "object %ld at byte offset %llu overlaps the object before it, which ends "
	    "at byte offset %llu",
	    f->num, (unsigned long long)f->off, (unsigned long long)prev_end);
}

static int tab_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

/* The first classic table (sorted by start) that starts at or after pos. */
static size_t first_table(const struct scan *s, uint64_t pos)
{
	size_t lo = 0, hi = s->ntab, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->tab[mid][0] < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_header(struct scan *s, uint64_t pos)
{
	struct lex x;
	long long n, g;

	lex_init(&x, s, &s->d, pos, -1);
	return header_at(&x, &n, &g) != -1; /* one past the limits fails when read */
}

/* A quick look at the digits at pos: 0 when they certainly start no "N G obj" header
 * (most digits in a file do not), 1 when is_header must decide (one may, or a comment
 * stands between the tokens). Junk such as "1 1 1 ..." costs a few bytes per digit. */
static int maybe_header(struct rd *d, uint64_t pos)
{
	int c = 0, part;

	for (part = 0; part < 2; part++) {
		while ((c = rd_byte(d, pos)) >= '0' && c <= '9')
			pos++;
		if (c == '%')
			return 1;
		if (c < 0 || !is_ws(c))
			return 0;
		while ((c = rd_byte(d, pos)) >= 0 && is_ws(c))
			pos++;
		if (c == '%')
			return 1;
		if (part == 0 && (c < '0' || c > '9'))
			return 0;
	}
	return c == 'o';
}

/* The next "N G obj" header in [pos, limit) that starts a token outside comments and
 * classic tables, or limit: viewers that rebuild a damaged cross-reference find these. */
static uint64_t find_header(struct scan *s, uint64_t pos, uint64_t limit)
{
	size_t t = first_table(s, pos); /* a cursor: each byte costs O(1), not O(tables) */
	int c, prev = '\n';

	while (pos < limit && (c = rd_byte(&s->d, pos)) >= 0) {
		while (t < s->ntab && s->tab[t][0] < pos)
			t++;
		if (t < s->ntab && s->tab[t][0] == pos && s->tab[t][1] > pos) {
			pos = s->tab[t][1], prev = '\n';
			continue;
		}
		if (c == '%') {
			while (pos < limit && (c = rd_byte(&s->d, pos)) >= 0 && c != '\r' &&
			       c != '\n')
				pos++;
			continue;
		}
		if (c >= '0' && c <= '9' && !is_regular(prev) && maybe_header(&s->d, pos) &&
		    is_header(s, pos))
			return pos;
		prev = c, pos++;
	}
	return pos < limit ? pos : limit;
}

/*
 * One pass over the file in offset order: each object the cross-reference lists, and
 * every other object header found between them (orphans, older revisions), is parsed
 * once and judged. Listed objects must not overlap; stream data is skipped by /Length.
 */
static int scan_file(struct scan *s)
{
	struct fobj *f = NULL;
	size_t n = 0, i = 0;
	uint64_t pos = 0, next, p, end = 0;
	int rc = listed_objects(s, &f, &n);

	if (s->ntab > 1)
		qsort(s->tab, s->ntab, sizeof(s->tab[0]), tab_cmp);
	while (rc == 0 && !s->failed && !s->d.ioerr) {
		next = i < n ? f[i].off : s->size;
		if (next < pos) {
			rc = overlap(s, &f[i], pos);
			break;
		}
		p = find_header(s, pos, next);
		if (p < next)
			rc = scan_at(s, p, -1, &end);
		else if (i < n)
			rc = scan_at(s, next, f[i++].num, &end);
		else
			break;
		pos = end;
	}
	free(f);
	return rc != 0 || s->failed ? -1 : 0;
}

int coco_pdf_scan_objects(struct scan *s)
{
	size_t i;

	if (scan_file(s) != 0 || coco_pdf_judge_refs(s) != 0)
		return -1;
	for (i = 0; i < s->nx; i++)
		if (s->x[i].type == 2 &&
		    (s->x[i].off >= s->nx || !s->x[(size_t)s->x[i].off].objstm))
			return coco_pdf_fail(
			    s, "pdf.xref",
			    "object %zu is said to be in object stream %llu, which is not "
			    "an object stream in the file",
			    i, (unsigned long long)s->x[i].off);
	return 0;
}
