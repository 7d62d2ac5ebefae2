/*
 * The pdf module's reading and parsing: the 64 KiB read window over the file (or an
 * inflated object stream in memory), the values the parser builds and the memory they are
 * charged, the scan's first-failure findings, and the lexer and recursive parser of PDF
 * values, bounded in depth, values, token length, memory and total work.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdf_int.h"

/* ---- reading ------------------------------------------------------------------------ */

/* n bytes at offset off of the PDF: by the source's reader, or by pread. 0, or -1. */
int coco_pdf_read(const struct rd *d, void *buf, size_t n, uint64_t off)
{
	return d->read != NULL ? d->read(d->read_arg, buf, n, off)
			       : coco_pread_all(d->fd, buf, n, d->base + off);
}

/* Refills the window around pos; the byte there, or -1 past the end or on an I/O error. */
int coco_pdf_fill(struct rd *d, uint64_t pos)
{
	uint64_t start;
	size_t want;

	if (pos >= d->size)
		return -1;
	/* A backward jump (an indirect /Length behind its stream) centres the window, so
	 * going back and forth near pos does not reread 64 KiB each time. */
	start = pos < d->boff && pos > WIN / 2 ? pos - WIN / 2 : pos;
	want = d->size - start < WIN ? (size_t)(d->size - start) : WIN;
	if (coco_pdf_read(d, d->buf, want, start) != 0) {
		d->ioerr = 1;
		d->blen = 0;
		return -1;
	}
	d->boff = start;
	d->blen = want;
	return d->buf[pos - d->boff];
}

/* ---- values ------------------------------------------------------------------------- */

/* Frees what v holds; returns the bytes it was charged (see charge_val). */
static uint64_t val_free(struct val *v)
{
	uint64_t freed = 0;
	size_t i;

	for (i = 0; (v->deep & DEEP_OWNS) && i < v->n; i++)
		if (v->k[i].k != NULL || v->k[i].s != NULL) /* scalars own nothing */
			freed += val_free(&v->k[i]);
	if (v->k != NULL)
		freed += MEM_BLOCK((uint64_t)v->kcap * sizeof(*v->k));
	if (v->s != NULL)
		freed += MEM_BLOCK(v->cap);
	free(v->k);
	free(v->s);
	memset(v, 0, sizeof(*v));
	return freed;
}

/* Frees a value, giving back what it was charged. */
void coco_pdf_val_release(struct scan *s, struct val *v)
{
	s->mem -= val_free(v);
}

/* Records the first structural problem as a finding; later ones are consequences. */
int coco_pdf_fail(struct scan *s, const char *id, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (s->failed)
		return -1;
	s->failed = 1;
	va_start(ap, fmt);
	msg = coco_vasprintf(fmt, ap);
	va_end(ap);
	if (msg == NULL)
		s->nomem = 1;
	else
		coco_report_add(s->r, COCO_STATUS_FAIL, id, s->name, "%s", msg);
	free(msg);
	return -1;
}

/* A problem at the lexer's position: the byte offset in the file or object stream. */
int coco_pdf_lfail(struct lex *x, const char *id, const char *what)
{
	if (x->d->ioerr)
		return -1; /* an I/O error, reported by the caller */
	if (x->objstm >= 0)
		return coco_pdf_fail(x->s, id, "%s in object stream %ld at offset %llu", what,
				     x->objstm, (unsigned long long)x->pos);
	return coco_pdf_fail(x->s, id, "%s at byte offset %llu", what, (unsigned long long)x->pos);
}

/* ---- the lexer ---------------------------------------------------------------------- */

static int hexval(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

void coco_pdf_skip_ws_run(struct lex *x)
{
	int c;

	for (;;) {
		c = peek(x);
		if (c == '%') {
			while ((c = peek(x)) >= 0 && c != '\r' && c != '\n')
				x->pos++;
			continue;
		}
		if (c < 0 || !is_ws(c))
			return;
		x->pos++;
	}
}

/* Reads a keyword (regular characters) into w; longer words are cut (and never match). */
void coco_pdf_word(struct lex *x, char *w, size_t size)
{
	size_t n = 0;
	int c;

	while (is_regular(c = peek(x))) {
		if (n + 1 < size)
			w[n++] = (char)c;
		else
			w[0] = '\0', n = size; /* too long: matches nothing */
		x->pos++;
	}
	w[n < size ? n : 0] = '\0';
}

int coco_pdf_mem_fail(struct scan *s, long obj)
{
	return coco_pdf_fail(s, "pdf.limits", MEM_MSG " (at object %ld)", obj);
}

/* A value's block growing from old to new bytes: 0, or -1 past the limit. */
static int charge_val(struct lex *x, size_t old, size_t new)
{
	uint64_t add = old == 0 ? MEM_BLOCK(new) : new - old;

	if (!mem_over(x->s, add))
		return 0;
	return coco_pdf_lfail(x, "pdf.limits", MEM_MSG);
}

static int push(struct lex *x, struct val *v, int c)
{
	unsigned char *nb;
	uint32_t cap;

	if (v->len == COCO_PDF_MAX_TOKEN)
		return coco_pdf_lfail(x, "pdf.limits", "a string or name longer than 1 MiB");
	if (v->len + 1 >= v->cap) {
		cap = v->cap ? v->cap * 2 : 24; /* the smallest block malloc hands out */
		if (cap > COCO_PDF_MAX_TOKEN + 1)
			cap = COCO_PDF_MAX_TOKEN + 1;
		if (charge_val(x, v->cap, cap) != 0)
			return -1;
		if ((nb = realloc(v->s, cap)) == NULL) {
			x->s->nomem = 1;
			return -1;
		}
		x->s->mem += v->cap == 0 ? MEM_BLOCK(cap) : cap - v->cap;
		v->s = nb;
		v->cap = cap;
	}
	v->s[v->len++] = (unsigned char)c;
	v->s[v->len] = '\0';
	return 0;
}

static int parse_name(struct lex *x, struct val *v)
{
	int c, h, l;

	v->t = V_NAME;
	x->pos++;
	if (push(x, v, 0) != 0)
		return -1;
	v->len = 0;
	while (is_regular(c = peek(x))) {
		if (c == '#') {
			h = hexval(rd_byte(x->d, x->pos + 1));
			l = hexval(rd_byte(x->d, x->pos + 2));
			if (h < 0 || l < 0 || h * 16 + l == 0)
				return coco_pdf_lfail(x, "pdf.structure",
						      "a bad #xx escape in a name");
			c = h * 16 + l;
			x->pos += 2;
		}
		if (push(x, v, c) != 0)
			return -1;
		x->pos++;
	}
	return 0;
}

static int literal_escape(struct lex *x, int *out)
{
	static const char from[] = "nrtbf()\\", to[] = "\n\r\t\b\f()\\";
	const char *p;
	int c = peek(x), n = 0, k;

	if (c >= '0' && c <= '7') {
		for (k = 0; k < 3 && (c = peek(x)) >= '0' && c <= '7'; k++, x->pos++)
			n = n * 8 + (c - '0');
		*out = n & 0xff;
		return 1;
	}
	x->pos++;
	if (c == '\r' || c == '\n') { /* a line continuation */
		if (c == '\r' && peek(x) == '\n')
			x->pos++;
		return 0;
	}
	p = c > 0 ? strchr(from, c) : NULL;
	*out = p != NULL ? to[p - from] : c;
	return 1;
}

static int parse_literal(struct lex *x, struct val *v)
{
	int c, depth = 1;

	v->t = V_STR;
	x->pos++;
	if (push(x, v, 0) != 0)
		return -1;
	v->len = 0;
	for (;;) {
		if ((c = peek(x)) < 0)
			return coco_pdf_lfail(x, "pdf.structure", "an unterminated string");
		x->pos++;
		if (c == '\\') {
			if (literal_escape(x, &c) == 0)
				continue;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			return 0;
		}
		if (push(x, v, c) != 0)
			return -1;
	}
}

static int parse_hex(struct lex *x, struct val *v)
{
	int c, h = -1, d;

	v->t = V_STR;
	v->hex = v->pure = 1;
	x->pos++;
	if (push(x, v, 0) != 0)
		return -1;
	v->len = 0;
	while ((c = peek(x)) != '>') {
		if (c < 0)
			return coco_pdf_lfail(x, "pdf.structure", "an unterminated hex string");
		x->pos++;
		if (is_ws(c)) {
			v->pure = 0;
			continue;
		}
		if ((d = hexval(c)) < 0)
			return coco_pdf_lfail(x, "pdf.structure",
					      "a non-hex character in a hex string");
		if (h < 0) {
			h = d;
		} else {
			if (push(x, v, h * 16 + d) != 0)
				return -1;
			h = -1;
		}
	}
	x->pos++;
	if (h >= 0) {
		v->pure = 0; /* an odd number of digits */
		return push(x, v, h * 16);
	}
	return 0;
}

static int parse_value(struct lex *x, unsigned depth, struct val *v);

/* Array items or dictionary entries up to the closing token. */
static int parse_items(struct lex *x, unsigned depth, struct val *v, int dict)
{
	struct val *nk, *item;
	uint32_t kcap;
	int c, rc;

	x->pos += dict ? 2 : 1;
	for (;;) {
		skip_ws(x);
		c = peek(x);
		if (c < 0)
			return coco_pdf_lfail(x, "pdf.structure",
					      dict ? "an unterminated dictionary"
						   : "an unterminated array");
		if (!dict && c == ']') {
			x->pos++;
			return 0;
		}
		if (dict && c == '>' && rd_byte(x->d, x->pos + 1) == '>') {
			x->pos += 2;
			return (v->n % 2) == 0
				   ? 0
				   : coco_pdf_lfail(x, "pdf.structure", "a key without a value");
		}
		if (dict && v->n % 2 == 0 && c != '/')
			return coco_pdf_lfail(x, "pdf.structure",
					      "a dictionary key that is not a name");
		if (v->n == v->kcap) {
			kcap = v->kcap ? v->kcap * 2 : 2; /* most arrays are short: [0 0 612 792] */
			if (charge_val(x, v->kcap * sizeof(*nk), kcap * sizeof(*nk)) != 0)
				return -1;
			if ((nk = realloc(v->k, kcap * sizeof(*nk))) == NULL) {
				x->s->nomem = 1;
				return -1;
			}
			x->s->mem += v->kcap == 0 ? MEM_BLOCK(kcap * sizeof(*nk))
						  : (kcap - v->kcap) * sizeof(*nk);
			v->k = nk;
			v->kcap = kcap;
		}
		item = &v->k[v->n++];
		rc = parse_value(x, depth + 1, item);
		if (item->t == V_ARRAY || item->t == V_DICT)
			v->deep |= DEEP_NEST;
		if (item->k != NULL || item->s != NULL)
			v->deep |= DEEP_OWNS;
		if (rc != 0)
			return -1;
	}
}

/*
 * The common case of a number, read in place: a run of at most 18 digits that ends the
 * token. Sets *out and moves past it (1); anything else (a sign, a point, a longer run,
 * another regular character) is left to the general path (0, position unchanged).
 */
static int plain_uint(struct lex *x, long long *out)
{
	uint64_t pos = x->pos;
	long long v = 0;
	int c, n = 0;

	if (x->la_end != 0 && x->la_pos == pos) {
		*out = x->la_val;
		x->pos = x->la_end;
		return 1;
	}
	while ((c = rd_byte(x->d, pos)) >= '0' && c <= '9' && n < 18)
		v = v * 10 + (c - '0'), n++, pos++;
	if (n == 0 || is_regular(c)) /* a 19th digit is regular too */
		return 0;
	x->la_pos = x->pos, x->la_end = pos, x->la_val = v;
	*out = v;
	x->pos = pos;
	return 1;
}

/* A real's value in millionths, saturated (its integer part at 10^12): what pdf_diff.c
 * compares; digits past the sixth decimal place are ignored. */
static long long real_millionths(const char *w)
{
	long long v = 0;
	int neg = 0, dot = 0, frac = 0;

	for (; *w == '+' || *w == '-'; w++)
		neg ^= *w == '-';
	for (; *w != '\0'; w++) {
		if (*w == '.' && !dot)
			dot = 1;
		else if (*w < '0' || *w > '9')
			break;
		else if (dot && frac < 6)
			v = v * 10 + (*w - '0'), frac++;
		else if (!dot && v < 1000000000000LL)
			v = v * 10 + (*w - '0');
	}
	for (; frac < 6; frac++)
		v *= 10;
	return neg ? -v : v;
}

/* A number token in general: signs, reals, overlong or malformed runs. */
static int number_token(struct lex *x, struct val *v)
{
	char w[32];
	char *end;

	coco_pdf_word(x, w, sizeof(w));
	if (w[0] == '\0' || strspn(w, "+-.0123456789") != strlen(w))
		return coco_pdf_lfail(x, "pdf.structure", "a malformed number");
	if (strchr(w, '.') != NULL) {
		v->t = V_REAL;
		v->i = real_millionths(w);
		return 0;
	}
	errno = 0;
	v->i = strtoll(w, &end, 10);
	if (errno != 0 || *end != '\0' || strlen(w) > 18)
		return coco_pdf_lfail(x, "pdf.structure", "a malformed or too large integer");
	v->t = V_INT;
	return w[0] == '+' || w[0] == '-' || v->i < 0 ? 1 : 0; /* 1: cannot start a reference */
}

/* A generation after an unsigned integer, as a reference's: *gen, or -1 if it is not a
 * whole token of digits (a word of 32 or more characters reads as 0, as it always has). */
static long long ref_generation(struct lex *x)
{
	char w[32];
	char *end;
	long long gen;

	if (plain_uint(x, &gen))
		return gen;
	coco_pdf_word(x, w, sizeof(w));
	gen = strtoll(w, &end, 10);
	return *end == '\0' ? gen : -1;
}

/* A number, or "num gen R" when two unsigned integers and R follow. */
static int parse_number(struct lex *x, struct val *v)
{
	uint64_t save;
	long long gen;
	int rc;

	if (plain_uint(x, &v->i)) {
		v->t = V_INT;
	} else if ((rc = number_token(x, v)) != 0) {
		return rc < 0 ? -1 : 0;
	} else if (v->t == V_REAL) {
		return 0;
	}
	save = x->pos;
	skip_ws(x);
	if (peek(x) >= '0' && peek(x) <= '9') {
		gen = ref_generation(x);
		skip_ws(x);
		if (gen >= 0 && gen <= 65535 && peek(x) == 'R' &&
		    !is_regular(rd_byte(x->d, x->pos + 1))) {
			x->pos++;
			v->t = V_REF;
			return 0;
		}
	}
	x->pos = save;
	return 0;
}

static int parse_atom(struct lex *x, struct val *v)
{
	char w[16];
	int c = peek(x);

	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')
		return parse_number(x, v);
	coco_pdf_word(x, w, sizeof(w));
	if (strcmp(w, "true") == 0 || strcmp(w, "false") == 0) {
		v->t = V_BOOL;
		v->i = w[0] == 't';
		return 0;
	}
	if (strcmp(w, "null") == 0)
		return 0;
	return coco_pdf_lfail(x, "pdf.structure",
			      c < 0 ? "an unexpected end of data" : "an unexpected token");
}

static int parse_value(struct lex *x, unsigned depth, struct val *v);

/* The parser's budget: see COCO_PDF_WORK_FACTOR. */
static int over_budget(const struct scan *s)
{
	return s->work > COCO_PDF_WORK_FACTOR * s->base + COCO_PDF_WORK_FLOOR;
}

/* A top-level value (an object, a table entry): the node count starts afresh, and the
 * bytes and values it took are charged to the scan's budget. */
int coco_pdf_parse_top(struct lex *x, struct val *v)
{
	uint64_t start = x->pos;
	int rc;

	memset(v, 0, sizeof(*v));
	if (over_budget(x->s)) {
		x->s->spent = 1;
		return coco_pdf_lfail(
		    x, "pdf.limits",
		    "the parser's work exceeds 4 times the size of this PDF and those "
		    "scanned before it, with their inflated streams (objects that "
		    "overlap or are parsed again)");
	}
	x->nodes = 0;
	rc = parse_value(x, 0, v);
	x->s->work += (x->pos > start ? x->pos - start : 0) + x->nodes;
	x->s->values += x->nodes;
	if (rc == 0 && x->s->values > COCO_PDF_MAX_VALUES) {
		x->s->spent = 1;
		rc = coco_pdf_lfail(
		    x, "pdf.limits",
		    "more than 8388608 values in this PDF and those scanned before it "
		    "(files and object streams)");
	}
	return rc;
}

static int parse_value(struct lex *x, unsigned depth, struct val *v)
{
	int c, rc;

	memset(v, 0, sizeof(*v));
	if (depth >= COCO_PDF_MAX_DEPTH)
		return coco_pdf_lfail(x, "pdf.limits",
				      "arrays or dictionaries nested more than 64 deep");
	if (++x->nodes > COCO_PDF_MAX_NODES)
		return coco_pdf_lfail(x, "pdf.limits", "an object with more than 262144 values");
	skip_ws(x);
	v->off = x->pos;
	c = peek(x);
	if (c == '/')
		rc = parse_name(x, v);
	else if (c == '(')
		rc = parse_literal(x, v);
	else if (c == '<' && rd_byte(x->d, x->pos + 1) == '<')
		v->t = V_DICT, rc = parse_items(x, depth, v, 1);
	else if (c == '<')
		rc = parse_hex(x, v);
	else if (c == '[')
		v->t = V_ARRAY, rc = parse_items(x, depth, v, 0);
	else
		rc = parse_atom(x, v);
	v->end = x->pos;
	return rc;
}
