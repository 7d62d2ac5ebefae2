/*
 * The pdf module: a strict PDF reader for evidence files. It follows the cross-reference
 * from startxref along the /Prev chain (classic tables, xref streams and hybrid files),
 * parses every object it lists with explicit limits, inflates FlateDecode streams with
 * zlib (counting, not keeping, except object and xref streams, which are held in memory
 * under COCO_PDF_MAX_INMEM), judges active content by meaning (decoded names, objects
 * inside object streams) and validates each signature dictionary (NOTES.md section 6).
 * Bytes are read by pread through one 64 KiB window, so memory is bounded by the limits,
 * never by the file's size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "signature/cms.h"
#include "pdf/pdf.h"

#define WIN (64u << 10)
#define TAIL 1024u /* %%EOF and startxref are looked for in the last TAIL bytes */
_Static_assert(TAIL >= COCO_PDF_SNIFF, "find_start reads the header's bytes into t");

/* ---- reading ------------------------------------------------------------------------ */

struct rd {
	int fd;
	uint64_t base, size;
	coco_pdf_reader read; /* the source's reader (fd and base unused), or NULL */
	void *read_arg;
	const unsigned char *mem; /* a memory source (an inflated object stream), or NULL */
	unsigned char *buf;
	uint64_t boff;
	size_t blen;
	int ioerr;
};

/* n bytes at offset off of the PDF: by the source's reader, or by pread. 0, or -1. */
static int rd_read(const struct rd *d, void *buf, size_t n, uint64_t off)
{
	return d->read != NULL ? d->read(d->read_arg, buf, n, off)
			       : coco_pread_all(d->fd, buf, n, d->base + off);
}

/* Refills the window around pos; the byte there, or -1 past the end or on an I/O error. */
static int rd_fill(struct rd *d, uint64_t pos)
{
	uint64_t start;
	size_t want;

	if (pos >= d->size)
		return -1;
	/* A backward jump (an indirect /Length behind its stream) centres the window, so
	 * going back and forth near pos does not reread 64 KiB each time. */
	start = pos < d->boff && pos > WIN / 2 ? pos - WIN / 2 : pos;
	want = d->size - start < WIN ? (size_t)(d->size - start) : WIN;
	if (rd_read(d, d->buf, want, start) != 0) {
		d->ioerr = 1;
		d->blen = 0;
		return -1;
	}
	d->boff = start;
	d->blen = want;
	return d->buf[pos - d->boff];
}

/* The byte at pos, or -1 past the end. The lexer calls this for every byte, so the
 * common cases (a memory source, a byte inside the window) are inline; the window never
 * extends past the end. */
static inline int rd_byte(struct rd *d, uint64_t pos)
{
	if (d->mem != NULL)
		return pos < d->size ? d->mem[pos] : -1;
	if (pos - d->boff < d->blen) /* unsigned: also false when pos < boff */
		return d->buf[pos - d->boff];
	return rd_fill(d, pos);
}

/* ---- values ------------------------------------------------------------------------- */

enum vt { V_NULL, V_BOOL, V_INT, V_REAL, V_STR, V_NAME, V_ARRAY, V_DICT, V_REF };

/* 64 bytes: one object may hold COCO_PDF_MAX_NODES of them (see COCO_PDF_MAX_OBJMEM). */
struct val {
	unsigned char t;         /* enum vt */
	unsigned char hex, pure; /* a hex string; with nothing but hex digits inside */
	unsigned char deep;      /* DEEP_* bits: what the items hold (walks skip the rest) */
	uint32_t len, cap;       /* string or name bytes (at most COCO_PDF_MAX_TOKEN) */
	uint32_t n, kcap;        /* items (at most COCO_PDF_MAX_NODES) */
	long long i;             /* integer, boolean, or the object number of a reference */
	unsigned char *s;        /* string or name bytes, NUL-terminated */
	struct val *k;           /* array items; a dictionary's keys and values alternate */
	uint64_t off, end;       /* the token's first byte and the byte after it */
};
enum { DEEP_NEST = 1, DEEP_OWNS = 2 }; /* an item is a container; an item owns memory */
_Static_assert(sizeof(struct val) <= 64, "struct val is counted against COCO_PDF_MAX_OBJMEM");

/* What an allocation of n bytes is charged: the block and the allocator's overhead. */
#define MEM_BLOCK(n) ((uint64_t)(n) + 16u)

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

static int name_is(const struct val *v, const char *s)
{
	return v != NULL && v->t == V_NAME && v->len == strlen(s) && memcmp(v->s, s, v->len) == 0;
}

static const struct val *dget(const struct val *d, const char *key)
{
	size_t i;

	for (i = 0; d != NULL && d->t == V_DICT && i + 1 < d->n; i += 2)
		if (name_is(&d->k[i], key))
			return &d->k[i + 1];
	return NULL;
}

/* ---- the scan's state --------------------------------------------------------------- */

enum kind { K_JS, K_LAUNCH, K_EMB, K_RICH, K_XFA, K_URI, K_SUBMIT, K_GOTOR, K_IMPORT, N_KINDS };

struct xent {
	uint64_t off;     /* type 1: byte offset; type 2: the object stream's number */
	uint32_t gen;     /* type 1: generation; type 2: index in the stream */
	uint8_t type;     /* 0 free or unset, 1 in the file, 2 in an object stream */
	uint8_t set;      /* a newer section already decided this number */
	uint8_t objstm;   /* type 1: the object is an object stream */
	uint8_t refkeys;  /* REF_* bits: /S, /Type or /Subtype values that refer to it */
	uint16_t sec;     /* the section (1 = newest) that decided it */
	uint8_t inflated; /* its stream was inflated once (counted in the budget) */
	uint32_t names;   /* bit 0: some version is a name; bit 1 + i: it is rules[i]'s value */
};

/* Keys whose value names an action or object type: a reference there is resolved. */
enum { REF_S = 1, REF_TYPE = 2, REF_SUBTYPE = 4 };

struct sigrec {
	long obj;
	int in_file; /* the dictionary is in the file's bytes, not an object stream */
	int br_n, br_ints;
	long long br[4];
	uint64_t br_off, br_end;
	int has_ct, ct_hex, ct_pure;
	uint64_t ct_off, ct_end;
	unsigned char *ct;
	size_t ct_len;
	char *subfilter;
};

struct scan {
	struct coco_ctx *ctx;
	struct coco_report *r;
	const char *name;
	struct rd d;
	uint64_t size;
	struct xent *x;
	size_t nx;
	uint64_t sec[COCO_PDF_MAX_SECTIONS];
	size_t nsec;
	uint64_t tab[COCO_PDF_MAX_SECTIONS][2]; /* classic tables and trailers: [start, end) */
	size_t ntab;
	/* work, base, values, kept and probed count on from the budget the scan draws on
	 * (struct coco_pdf_budget: every PDF of a bundle or folder), and go back to it */
	uint64_t work, base; /* parser work so far; its budget's base (sizes + inflated) */
	uint64_t values;     /* values parsed so far, in all (COCO_PDF_MAX_VALUES) */
	uint64_t mem;        /* bytes held now: see mem_over (COCO_PDF_MAX_MEM) */
	uint64_t kept;       /* bytes inflated from object and xref streams, every time */
	uint64_t probed;     /* other FlateDecode streams, inflated (COCO_PDF_MAX_PROBED) */
	uint64_t pin, pout;  /* this PDF's other FlateDecode streams: bytes read, inflated */
	int encrypted, nomem, failed;
	int spent;           /* a limit the budget shares was passed */
	unsigned *sigs_left; /* the budget's signature checks left */
	int unanchored;      /* a signature's chain was not checked: bodies/ is empty */
	long hit[N_KINDS];
	const char *hit_how[N_KINDS];
	struct sigrec sigs[COCO_PDF_MAX_SIGS];
	size_t nsigs;
	size_t n_objects;
	unsigned char *out; /* inflate output window */
	long cache_num;     /* the object stream held in cache, or -1 */
	unsigned char *cache;
	size_t cache_len, cache_first, cache_n;
	size_t cache_mem;  /* what the cache and its offset table are charged (see mem_over) */
	size_t *cache_off; /* per index: offset of the object in cache */
	long *cache_obj;
};

/* Frees a value, giving back what it was charged. */
static void val_release(struct scan *s, struct val *v)
{
	s->mem -= val_free(v);
}

struct lex {
	struct scan *s;
	struct rd *d;
	uint64_t pos;
	size_t nodes;
	long objstm; /* -1: the file; else the object stream the bytes come from */
	int lenient; /* an object no cross-reference lists: see stream_extent */
	/* The last plain integer read (see plain_uint): a reference's lookahead reads the
	 * next number before it is parsed as a value, so "0 0 0 ..." is lexed once. */
	uint64_t la_pos, la_end; /* la_end 0: none */
	long long la_val;
};

/* Records the first structural problem as a finding; later ones are consequences. */
static int fail(struct scan *s, const char *id, const char *fmt, ...) COCO_PRINTF(3, 4);
static int fail(struct scan *s, const char *id, const char *fmt, ...)
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
static int lfail(struct lex *x, const char *id, const char *what)
{
	if (x->d->ioerr)
		return -1; /* an I/O error, reported by the caller */
	if (x->objstm >= 0)
		return fail(x->s, id, "%s in object stream %ld at offset %llu", what, x->objstm,
			    (unsigned long long)x->pos);
	return fail(x->s, id, "%s at byte offset %llu", what, (unsigned long long)x->pos);
}

/* ---- the lexer ---------------------------------------------------------------------- */

static int is_ws(int c)
{
	return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
}

static int is_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static int is_regular(int c)
{
	return c >= 0 && !is_ws(c) && !is_delim(c);
}

static int hexval(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

static int peek(struct lex *x)
{
	return rd_byte(x->d, x->pos);
}

static void skip_ws_run(struct lex *x)
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

/* Skips white space and comments; inline, as most calls find a token at once. */
static inline void skip_ws(struct lex *x)
{
	int c = peek(x);

	if (c == '%' || (c >= 0 && is_ws(c)))
		skip_ws_run(x);
}

/* Reads a keyword (regular characters) into w; longer words are cut (and never match). */
static void word(struct lex *x, char *w, size_t size)
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

/*
 * Memory the scan holds at once: the cross-reference index, an object or xref stream in
 * memory with its offset table, the values parsed and not yet released, and signature
 * contents. Every such allocation is charged (MEM_BLOCK of its size) before it is made,
 * and given back when freed, so a file cannot make the scan hold more than
 * COCO_PDF_MAX_MEM, whichever structure it inflates.
 */
static int mem_over(const struct scan *s, uint64_t add)
{
	return s->mem + add > COCO_PDF_MAX_MEM;
}

#define MEM_MSG "the scan needs more than 40 MiB of memory at once"

static int mem_fail(struct scan *s, long obj)
{
	return fail(s, "pdf.limits", MEM_MSG " (at object %ld)", obj);
}

/* A value's block growing from old to new bytes: 0, or -1 past the limit. */
static int charge_val(struct lex *x, size_t old, size_t new)
{
	uint64_t add = old == 0 ? MEM_BLOCK(new) : new - old;

	if (!mem_over(x->s, add))
		return 0;
	return lfail(x, "pdf.limits", MEM_MSG);
}

static int push(struct lex *x, struct val *v, int c)
{
	unsigned char *nb;
	uint32_t cap;

	if (v->len == COCO_PDF_MAX_TOKEN)
		return lfail(x, "pdf.limits", "a string or name longer than 1 MiB");
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
				return lfail(x, "pdf.structure", "a bad #xx escape in a name");
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
			return lfail(x, "pdf.structure", "an unterminated string");
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
			return lfail(x, "pdf.structure", "an unterminated hex string");
		x->pos++;
		if (is_ws(c)) {
			v->pure = 0;
			continue;
		}
		if ((d = hexval(c)) < 0)
			return lfail(x, "pdf.structure", "a non-hex character in a hex string");
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
			return lfail(x, "pdf.structure",
				     dict ? "an unterminated dictionary" : "an unterminated array");
		if (!dict && c == ']') {
			x->pos++;
			return 0;
		}
		if (dict && c == '>' && rd_byte(x->d, x->pos + 1) == '>') {
			x->pos += 2;
			return (v->n % 2) == 0 ? 0
					       : lfail(x, "pdf.structure", "a key without a value");
		}
		if (dict && v->n % 2 == 0 && c != '/')
			return lfail(x, "pdf.structure", "a dictionary key that is not a name");
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

/* A number token in general: signs, reals, overlong or malformed runs. */
static int number_token(struct lex *x, struct val *v)
{
	char w[32];
	char *end;

	word(x, w, sizeof(w));
	if (w[0] == '\0' || strspn(w, "+-.0123456789") != strlen(w))
		return lfail(x, "pdf.structure", "a malformed number");
	if (strchr(w, '.') != NULL) {
		v->t = V_REAL;
		return 0;
	}
	errno = 0;
	v->i = strtoll(w, &end, 10);
	if (errno != 0 || *end != '\0' || strlen(w) > 18)
		return lfail(x, "pdf.structure", "a malformed or too large integer");
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
	word(x, w, sizeof(w));
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
	word(x, w, sizeof(w));
	if (strcmp(w, "true") == 0 || strcmp(w, "false") == 0) {
		v->t = V_BOOL;
		v->i = w[0] == 't';
		return 0;
	}
	if (strcmp(w, "null") == 0)
		return 0;
	return lfail(x, "pdf.structure",
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
static int parse_top(struct lex *x, struct val *v)
{
	uint64_t start = x->pos;
	int rc;

	memset(v, 0, sizeof(*v));
	if (over_budget(x->s)) {
		x->s->spent = 1;
		return lfail(x, "pdf.limits",
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
		rc = lfail(x, "pdf.limits",
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
		return lfail(x, "pdf.limits", "arrays or dictionaries nested more than 64 deep");
	if (++x->nodes > COCO_PDF_MAX_NODES)
		return lfail(x, "pdf.limits", "an object with more than 262144 values");
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

/* ---- active content ----------------------------------------------------------------- */

static const struct {
	const char *id;
	int manual;
} kinds[N_KINDS] = {
    [K_JS] = {"pdf.javascript", 0},     [K_LAUNCH] = {"pdf.launch", 0},
    [K_EMB] = {"pdf.embedded_file", 0}, [K_RICH] = {"pdf.richmedia", 0},
    [K_XFA] = {"pdf.xfa", 0},           [K_URI] = {"pdf.link", 1},
    [K_SUBMIT] = {"pdf.link", 1},       [K_GOTOR] = {"pdf.link", 1},
    [K_IMPORT] = {"pdf.link", 1},
};

/* A key (and, if given, its name value) that means active content, judged after #xx
 * escapes are decoded. Keywords inside strings or content streams mean nothing. */
static const struct {
	const char *key, *value;
	enum kind k;
	const char *how;
} rules[] = {
    {"S", "JavaScript", K_JS, "a JavaScript action"},
    {"JS", NULL, K_JS, "a /JS script"},
    {"JavaScript", NULL, K_JS, "a document-level JavaScript name tree"},
    {"S", "Launch", K_LAUNCH, "a /Launch action (runs a program or opens a file)"},
    {"Type", "EmbeddedFile", K_EMB, "an embedded file stream"},
    {"EmbeddedFiles", NULL, K_EMB, "an /EmbeddedFiles name tree"},
    {"EF", NULL, K_EMB, "a file specification with an embedded file"},
    {"S", "GoToE", K_EMB, "a /GoToE action (opens an embedded file)"},
    {"Subtype", "RichMedia", K_RICH, "a /RichMedia annotation"},
    {"RichMediaContent", NULL, K_RICH, "rich media content"},
    {"XFA", NULL, K_XFA, "an XFA form"},
    {"S", "URI", K_URI, "a /URI action (opens a web address)"},
    {"S", "SubmitForm", K_SUBMIT, "a /SubmitForm action (sends form data)"},
    {"S", "GoToR", K_GOTOR, "a /GoToR action (opens another file)"},
    {"S", "ImportData", K_IMPORT, "an /ImportData action (reads another file)"},
    {"OnInstantiate", NULL, K_JS, "a 3D /OnInstantiate script"},
    {"Win", NULL, K_LAUNCH, "a launch parameter /Win (runs a program)"},
    {"Mac", NULL, K_LAUNCH, "a launch parameter /Mac (runs a program)"},
    {"Unix", NULL, K_LAUNCH, "a launch parameter /Unix (runs a program)"},
    {"URI", NULL, K_URI, "a /URI entry (a web address)"},
};

#define N_RULES (sizeof(rules) / sizeof(rules[0]))

static const struct {
	const char *key;
	unsigned bit;
} ref_keys[] = {{"S", REF_S}, {"Type", REF_TYPE}, {"Subtype", REF_SUBTYPE}};

static void hit(struct scan *s, size_t rule, long obj)
{
	if (s->hit[rules[rule].k] < 0) {
		s->hit[rules[rule].k] = obj;
		s->hit_how[rules[rule].k] = rules[rule].how;
	}
}

static unsigned ref_bit(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(ref_keys) / sizeof(ref_keys[0]); i++)
		if (strcmp(key, ref_keys[i].key) == 0)
			return ref_keys[i].bit;
	return 0;
}

static int xgrow(struct scan *s, uint64_t num);

/* A /S, /Type or /Subtype given by reference: judged once the whole file is read. */
static void note_ref(struct scan *s, const struct val *key, const struct val *value)
{
	size_t i;

	for (i = 0; i < sizeof(ref_keys) / sizeof(ref_keys[0]); i++) {
		if (!name_is(key, ref_keys[i].key))
			continue;
		if (value->i >= (long long)COCO_PDF_MAX_OBJECTS) {
			fail(s, "pdf.structure",
			     "/%s refers to object %lld, past the object limit: it cannot be "
			     "judged",
			     ref_keys[i].key, value->i);
			return;
		}
		if (xgrow(s, (uint64_t)value->i) == 0)
			s->x[value->i].refkeys |= (uint8_t)ref_keys[i].bit;
	}
}

/* Records which rule values an object that is a bare name matches (any version of it:
 * the cross-reference's, an orphan, an older revision). */
static void note_name(struct scan *s, long long num, const struct val *v)
{
	size_t i;
	uint32_t m = 1;

	if (v->t != V_NAME || num < 0 || num >= (long long)COCO_PDF_MAX_OBJECTS ||
	    xgrow(s, (uint64_t)num) != 0)
		return;
	for (i = 0; i < N_RULES; i++)
		if (rules[i].value != NULL && name_is(v, rules[i].value))
			m |= 1u << (i + 1);
	s->x[num].names |= m;
}

static void judge_pair(struct scan *s, const struct val *key, const struct val *value, long obj)
{
	size_t i;

	if (value->t == V_REF)
		note_ref(s, key, value);
	for (i = 0; i < N_RULES; i++)
		if (name_is(key, rules[i].key) &&
		    (rules[i].value == NULL || name_is(value, rules[i].value)))
			hit(s, i, obj);
}

/* The values referred to by /S, /Type and /Subtype: a rule's name is a hit in the named
 * object; anything but a name (or nothing) cannot be judged and fails. */
static int judge_refs(struct scan *s)
{
	size_t n, i, k;

	for (n = 0; n < s->nx && !s->failed; n++) {
		if (s->x[n].refkeys == 0)
			continue;
		for (i = 0; i < N_RULES; i++)
			if (rules[i].value != NULL && (s->x[n].refkeys & ref_bit(rules[i].key)) &&
			    (s->x[n].names & (1u << (i + 1))))
				hit(s, i, (long)n);
		for (k = 0; k < sizeof(ref_keys) / sizeof(ref_keys[0]); k++)
			if ((s->x[n].refkeys & ref_keys[k].bit) && !(s->x[n].names & 1u))
				return fail(s, "pdf.structure",
					    "a /%s entry refers to object %zu, which is not a name "
					    "(or is missing): the action or type cannot be judged",
					    ref_keys[k].key, n);
	}
	return s->failed ? -1 : 0;
}

static char *dupz(const unsigned char *p, size_t n)
{
	return coco_strndup((const char *)p, n);
}

/* Keeps what the signature checks need from a signature dictionary. */
static void record_sig(struct scan *s, const struct val *d, long obj, int in_file)
{
	const struct val *br = dget(d, "ByteRange"), *ct = dget(d, "Contents");
	const struct val *sf = dget(d, "SubFilter");
	struct sigrec *g;
	size_t i;

	if (s->nsigs == COCO_PDF_MAX_SIGS) {
		fail(s, "pdf.limits", "more than %u signature dictionaries", COCO_PDF_MAX_SIGS);
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
			mem_fail(s, obj);
		} else if ((g->ct = malloc(ct->len + 1)) == NULL) {
			s->nomem = 1;
		} else {
			memcpy(g->ct, ct->s, ct->len);
			g->ct_len = ct->len;
			s->mem += MEM_BLOCK(ct->len + 1);
		}
	}
	if (sf != NULL && sf->t == V_NAME && (g->subfilter = dupz(sf->s, sf->len)) == NULL)
		s->nomem = 1;
}

static void judge(struct scan *s, const struct val *v, long obj, int in_file)
{
	size_t i;

	if (v->t == V_DICT) {
		for (i = 0; i + 1 < v->n; i += 2)
			judge_pair(s, &v->k[i], &v->k[i + 1], obj);
		if (name_is(dget(v, "Type"), "Sig") || dget(v, "ByteRange") != NULL)
			record_sig(s, v, obj, in_file);
	}
	if ((v->t == V_DICT || v->t == V_ARRAY) && (v->deep & DEEP_NEST))
		for (i = 0; i < v->n; i++)
			if (v->k[i].t == V_DICT || v->k[i].t == V_ARRAY)
				judge(s, &v->k[i], obj, in_file);
}

/* ---- streams ------------------------------------------------------------------------ */

static int is_flate(const struct val *f)
{
	if (f != NULL && f->t == V_ARRAY)
		f = f->n == 1 ? &f->k[0] : NULL; /* a chain: only a lone Flate is decoded */
	return name_is(f, "FlateDecode") || name_is(f, "Fl");
}

/* One FlateDecode stream being inflated: where its compressed bytes are and how far. */
struct flate {
	struct scan *s;
	uint64_t data, len; /* the compressed bytes: offset and declared /Length */
	uint64_t budget;    /* how many of them are read (the probe reads a prefix) */
	uint64_t done;      /* compressed bytes fed so far */
	uint64_t total;     /* bytes inflated so far */
	long obj;
	int collect;
	unsigned char *keep; /* with collect: the output so far */
	size_t kcap;
	z_stream z;
	unsigned char in[WIN];
};

/* The probe's prefix inflates past the ratio: only the whole stream can tell a bomb from
 * a scan whose first rows are white paper. */
static int flate_suspect(const struct flate *f)
{
	return f->total > COCO_PDF_RATIO_FLOOR &&
	       f->total > (uint64_t)COCO_PDF_MAX_RATIO * (f->done ? f->done : 1);
}

/* Feeds the next chunk of compressed bytes. 1 when the probe's prefix is used up. */
static int flate_feed(struct flate *f)
{
	struct scan *s = f->s;
	size_t chunk;

	if (f->done == f->budget && f->budget < f->len) {
		if (!flate_suspect(f))
			return 1;
		s->pin += f->len - f->budget;
		f->budget = f->len; /* a bomb, or a scan's white margin: the whole says */
	}
	if (f->done == f->len)
		return fail(s, "pdf.structure", "the FlateDecode data of object %ld is truncated",
			    f->obj);
	chunk = f->budget - f->done < WIN ? (size_t)(f->budget - f->done) : WIN;
	if (s->d.mem != NULL) {
		memcpy(f->in, s->d.mem + f->data + f->done, chunk);
	} else if (rd_read(&s->d, f->in, chunk, f->data + f->done) != 0) {
		s->d.ioerr = 1;
		return -1;
	}
	f->done += chunk;
	f->z.next_in = f->in, f->z.avail_in = (uInt)chunk;
	return 0;
}

/*
 * Whether the output so far is a bomb. Kept streams (object and xref streams) are judged
 * by the ratio to the compressed bytes read so far, and held under COCO_PDF_MAX_INMEM.
 * Other streams are judged by the whole stream's declared length (the probe goes on to
 * the end when its prefix is over the ratio: see flate_suspect), at most
 * COCO_PDF_MAX_FLATE each (and all of them together: see probe_total).
 */
static const char *flate_over(const struct flate *f)
{
	uint64_t in = f->collect ? (f->done ? f->done : 1) : (f->len ? f->len : 1);

	if (f->collect && f->total > COCO_PDF_MAX_INMEM)
		return "more than 16 MiB";
	if (f->total > COCO_PDF_RATIO_FLOOR && f->total > (uint64_t)COCO_PDF_MAX_RATIO * in)
		return "more than 200 times its compressed size";
	if (!f->collect && f->total > COCO_PDF_MAX_FLATE)
		return "more than 256 MiB";
	return NULL;
}

static int flate_keep(struct flate *f, size_t chunk)
{
	unsigned char *nk;
	size_t cap = COCO_PDF_MAX_INMEM, kcap;
	uint64_t add;

	if (!f->collect || chunk == 0)
		return 0;
	if (f->total + 1 > f->kcap) {
		kcap = (size_t)(f->total * 2 < cap ? f->total * 2 : cap) + 1;
		add = f->kcap == 0 ? MEM_BLOCK(kcap) : kcap - f->kcap;
		if (mem_over(f->s, add))
			return mem_fail(f->s, f->obj);
		if ((nk = realloc(f->keep, kcap)) == NULL) {
			f->s->nomem = 1;
			return -1;
		}
		f->s->mem += add;
		f->keep = nk, f->kcap = kcap;
	}
	memcpy(f->keep + f->total - chunk, f->s->out, chunk);
	return 0;
}

/* Inflates until the stream ends (0), the probe's prefix is used up (0), or a failure. */
static int flate_run(struct flate *f)
{
	struct scan *s = f->s;
	const char *why;
	size_t chunk;
	int zr = Z_OK, rc;

	while (zr != Z_STREAM_END) {
		if (f->z.avail_in == 0 && (rc = flate_feed(f)) != 0)
			return rc > 0 ? 0 : -1;
		f->z.next_out = s->out, f->z.avail_out = WIN;
		zr = inflate(&f->z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return fail(s, "pdf.structure",
				    "the FlateDecode data of object %ld is corrupt", f->obj);
		chunk = WIN - f->z.avail_out;
		f->total += chunk;
		if (!f->collect)
			s->pout += chunk, s->probed += chunk;
		if (!f->collect && s->probed > COCO_PDF_MAX_PROBED) {
			s->spent = 1;
			return fail(
			    s, "pdf.limits",
			    "object %ld and the FlateDecode streams before it (in this PDF "
			    "and those scanned before it) inflate to more than 512 MiB in all",
			    f->obj);
		}
		if ((why = flate_over(f)) != NULL)
			return fail(s, "pdf.limits",
				    "object %ld inflates past the limit (%s): a decompression bomb",
				    f->obj, why);
		if (flate_keep(f, chunk) != 0)
			return -1;
	}
	return 0;
}

/* Streams that are not kept, together, inflate to at most the ratio times the compressed
 * bytes read plus the floor: many small streams, each under the floor, are a bomb too. */
static int probe_total(struct scan *s, long obj)
{
	if (s->pout <= (uint64_t)COCO_PDF_MAX_RATIO * s->pin + COCO_PDF_RATIO_FLOOR)
		return 0;
	return fail(s, "pdf.limits",
		    "object %ld and the FlateDecode streams before it inflate past the limit "
		    "(more than 200 times their compressed bytes read, plus 1 MiB): "
		    "a decompression bomb",
		    obj);
}

/*
 * Inflates len bytes at data (of object obj), counting the output against the size and
 * ratio limits. With collect, keeps the output (at most COCO_PDF_MAX_INMEM) in *out.
 * Without, it is a bomb probe over the first COCO_PDF_PROBE compressed bytes only: a
 * bomb of repetitive data inflates at its full ratio from its first bytes, and the scan
 * must stay within twice the time of hashing the file, which inflating every content and
 * image stream in full cannot (zlib inflates at a fraction of SHA-256's speed).
 */
static int inflate_range(struct scan *s, uint64_t data, uint64_t len, long obj, int collect,
			 unsigned char **out, size_t *out_len, uint64_t *out_mem)
{
	struct flate *f = calloc(1, sizeof(*f));
	int rc = -1;

	if (f == NULL || inflateInit(&f->z) != Z_OK) {
		free(f);
		s->nomem = 1;
		return -1;
	}
	f->s = s, f->data = data, f->len = len, f->obj = obj, f->collect = collect;
	f->budget = collect || len < COCO_PDF_PROBE ? len : COCO_PDF_PROBE;
	if (!collect)
		s->pin += f->budget; /* all of it will be read */
	if (flate_run(f) == 0 && (collect || probe_total(s, obj) == 0)) {
		rc = 0;
		if (collect && f->keep == NULL) { /* nothing came out */
			if ((f->keep = malloc(1)) == NULL)
				s->nomem = 1, rc = -1;
			else
				s->mem += MEM_BLOCK(1), f->kcap = 1;
		}
		if (collect && rc == 0) {
			*out = f->keep, *out_len = (size_t)f->total;
			*out_mem = MEM_BLOCK(f->kcap);
			f->keep = NULL; /* transferred, with its charge */
		}
	}
	inflateEnd(&f->z);
	if (f->keep != NULL)
		s->mem -= MEM_BLOCK(f->kcap);
	free(f->keep);
	free(f);
	return rc;
}

/* PNG predictors (10..15) on rows of cols bytes of bpp-byte pixels, in place; the tag
 * bytes are dropped. */
static int unpredict(unsigned char *p, size_t *len, size_t cols, size_t bpp)
{
	size_t rows, r, i, w = cols + 1;
	unsigned char *prev, *row, *dst = p;
	int a, b, c, pa, pb, pc, pr, tag;

	if (cols == 0 || *len % w != 0)
		return -1;
	rows = *len / w;
	for (r = 0; r < rows; r++) {
		row = p + r * w + 1;
		prev = r > 0 ? dst - cols : NULL;
		tag = row[-1]; /* read first: the output overwrites it */
		for (i = 0; i < cols; i++) {
			a = i >= bpp ? dst[i - bpp] : 0;
			b = prev ? prev[i] : 0;
			c = prev && i >= bpp ? prev[i - bpp] : 0;
			switch (tag) {
			case 0:
				pr = 0;
				break;
			case 1:
				pr = a;
				break;
			case 2:
				pr = b;
				break;
			case 3:
				pr = (a + b) / 2;
				break;
			case 4:
				pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
				pr = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
				break;
			default:
				return -1;
			}
			dst[i] = (unsigned char)(row[i] + pr);
		}
		dst += cols;
	}
	*len = rows * cols;
	return 0;
}

/* Inflated bytes are work; the first inflation of each stream also grows the budget. */
static void charge_stream(struct scan *s, long num, size_t len)
{
	s->work += len;
	if (num < 0 || (size_t)num >= s->nx) {
		s->base += len;
	} else if (!s->x[num].inflated) {
		s->x[num].inflated = 1;
		s->base += len;
	}
}

/* One object as read from the file. */
struct obj {
	struct val v;
	long long num, gen; /* as its header says */
	int has_stream;
	uint64_t data, len; /* a stream's data extent */
	uint64_t end;       /* the byte after endobj (or endstream, if endobj is missing) */
};

static const struct xent *xget(const struct scan *s, long long num)
{
	return num >= 0 && (size_t)num < s->nx && s->x[num].type != 0 ? &s->x[num] : NULL;
}

/* The decoding an object or xref stream asks for: FlateDecode or none, and a predictor. */
struct decode {
	int flate;
	long long pred, cols, colors, bpc;
};

static int read_object(struct scan *s, uint64_t off, long num, int length_direct, struct obj *o);

/*
 * A filter or its parameter, as a viewer reads it: a direct value, or a reference
 * resolved one level to an object in the file (not in an object stream: the stream may
 * be one, or an xref stream read before any). *tmp holds a resolved value, to release.
 */
static int param(struct scan *s, const struct val *v, long num, const char *key, struct val *tmp,
		 const struct val **out)
{
	const struct xent *e;
	struct obj o;

	*out = v;
	if (v == NULL || v->t != V_REF)
		return 0;
	*out = NULL;
	e = xget(s, v->i);
	if (e == NULL || e->type != 1)
		return fail(s, "pdf.structure",
			    "the %s of stream %ld refers to object %lld, which is not an object "
			    "in the file: its decoding cannot be known",
			    key, num, v->i);
	if (read_object(s, e->off, (long)v->i, 1, &o) != 0)
		return -1;
	*tmp = o.v; /* transferred */
	if (o.has_stream)
		return fail(s, "pdf.structure", "the %s of stream %ld refers to a stream", key,
			    num);
	*out = tmp;
	return 0;
}

/* The one item of a one-filter array (a chain of filters is not decoded); v if not one. */
static int one_item(struct scan *s, const struct val *v, long num, const char *key,
		    const struct val **out)
{
	*out = v;
	if (v == NULL || v->t != V_ARRAY)
		return 0;
	if (v->n > 1)
		return fail(s, "pdf.structure",
			    "stream %ld has %zu items in its %s: a chain of "
			    "filters is not decoded",
			    num, (size_t)v->n, key);
	*out = v->n == 1 ? &v->k[0] : NULL;
	return 0;
}

static const struct {
	const char *key;
	size_t at; /* offsetof the field in struct decode */
} dparm_keys[] = {
    {"Predictor", offsetof(struct decode, pred)},
    {"Columns", offsetof(struct decode, cols)},
    {"Colors", offsetof(struct decode, colors)},
    {"BitsPerComponent", offsetof(struct decode, bpc)},
};

/* The integer parameters in the DecodeParms dictionary dp (references resolved). */
static int decode_ints(struct scan *s, const struct val *dp, long num, struct decode *dc)
{
	struct val tmp;
	const struct val *v;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(dparm_keys) / sizeof(dparm_keys[0]) && rc == 0; i++) {
		memset(&tmp, 0, sizeof(tmp));
		rc = param(s, dget(dp, dparm_keys[i].key), num, dparm_keys[i].key, &tmp, &v);
		if (rc == 0 && v != NULL && v->t != V_INT)
			rc = fail(s, "pdf.structure", "the /%s of stream %ld is not an integer",
				  dparm_keys[i].key, num);
		if (rc == 0 && v != NULL)
			*(long long *)((char *)dc + dparm_keys[i].at) = v->i;
		val_release(s, &tmp);
	}
	return rc;
}

/* /Filter and /DecodeParms of a stream to hold in memory, read the way viewers do. */
static int decode_of(struct scan *s, const struct val *dict, long num, struct decode *dc)
{
	struct val tf, tp, ti;
	const struct val *f, *dp;
	int rc, filter_array;

	*dc = (struct decode){0, 1, 1, 1, 8};
	memset(&tf, 0, sizeof(tf)), memset(&tp, 0, sizeof(tp)), memset(&ti, 0, sizeof(ti));
	/* Abbreviations some viewers read (pdf.js takes /DP for /DecodeParms and /F for the
	 * filter) and external stream data: no two readers would agree on the bytes. */
	if (dget(dict, "DP") != NULL || dget(dict, "F") != NULL || dget(dict, "FFilter") != NULL ||
	    dget(dict, "FDecodeParms") != NULL)
		return fail(s, "pdf.structure",
			    "stream %ld has /DP, /F, /FFilter or /FDecodeParms: decoded "
			    "differently by different viewers",
			    num);
	rc = param(s, dget(dict, "Filter"), num, "/Filter", &tf, &f);
	filter_array = rc == 0 && f != NULL && f->t == V_ARRAY;
	if (rc == 0)
		rc = one_item(s, f, num, "/Filter", &f);
	if (rc == 0 && f != NULL && !name_is(f, "FlateDecode") && !name_is(f, "Fl"))
		rc = fail(s, "pdf.structure",
			  "object stream %ld uses a filter other than "
			  "FlateDecode",
			  num);
	dc->flate = f != NULL;
	if (rc == 0)
		rc = param(s, dget(dict, "DecodeParms"), num, "/DecodeParms", &tp, &dp);
	/* a lone filter takes a dictionary: viewers differ on an array there */
	if (rc == 0 && !filter_array && dp != NULL && dp->t == V_ARRAY)
		rc = fail(s, "pdf.structure",
			  "stream %ld has one /Filter but an array of /DecodeParms", num);
	if (rc == 0)
		rc = one_item(s, dp, num, "/DecodeParms", &dp);
	if (rc == 0)
		rc = param(s, dp, num, "/DecodeParms", &ti, &dp);
	if (rc == 0 && dp != NULL && dp->t != V_DICT && dp->t != V_NULL)
		rc = fail(s, "pdf.structure", "the /DecodeParms of stream %ld is not a dictionary",
			  num);
	if (rc == 0 && dc->flate)
		rc = decode_ints(s, dp, num, dc);
	val_release(s, &tf), val_release(s, &tp), val_release(s, &ti);
	return rc;
}

/* Undoes the predictor dc gives on the decoded bytes p (PNG predictors only). */
static int predict(struct scan *s, const struct decode *dc, long num, unsigned char *p, size_t *len)
{
	long long bits = dc->colors * dc->bpc;

	if (dc->pred == 1)
		return 0;
	if (dc->pred < 10 || dc->pred > 15)
		return fail(s, "pdf.xref", "object %ld uses an unsupported predictor", num);
	if (dc->cols <= 0 || dc->cols > 65536 || dc->colors <= 0 || dc->colors > 32 ||
	    (dc->bpc != 1 && dc->bpc != 2 && dc->bpc != 4 && dc->bpc != 8 && dc->bpc != 16) ||
	    unpredict(p, len, (size_t)((bits * dc->cols + 7) / 8), (size_t)((bits + 7) / 8)) !=
		0) /* bytes per pixel, as PNG counts them */
		return fail(s, "pdf.xref", "object %ld has a bad PNG predictor", num);
	return 0;
}

/* An object or xref stream's decoded bytes, held in memory under COCO_PDF_MAX_INMEM. */
static int stream_mem(struct scan *s, const struct val *dict, uint64_t data, uint64_t len, long num,
		      unsigned char **out, size_t *out_len, uint64_t *out_mem)
{
	struct decode dc;
	unsigned char *p;

	*out = NULL;
	if (decode_of(s, dict, num, &dc) != 0)
		return -1;
	if (!dc.flate) {
		if (len > COCO_PDF_MAX_INMEM)
			return fail(s, "pdf.limits", "object stream %ld is larger than 16 MiB",
				    num);
		if (mem_over(s, MEM_BLOCK(len + 1)))
			return mem_fail(s, num);
		if ((p = malloc((size_t)len + 1)) == NULL)
			return s->nomem = 1, -1;
		s->mem += *out_mem = MEM_BLOCK(len + 1);
		*out = p, *out_len = (size_t)len;
		if (rd_read(&s->d, p, (size_t)len, data) != 0) {
			s->d.ioerr = 1;
			goto fail;
		}
	} else if (inflate_range(s, data, len, num, 1, out, out_len, out_mem) != 0) {
		return -1;
	}
	charge_stream(s, num, *out_len);
	if ((s->kept += *out_len) > COCO_PDF_MAX_KEPT) {
		s->spent = 1;
		fail(s, "pdf.limits",
		     "object and xref streams inflate to more than 64 MiB in all (in this PDF "
		     "and those scanned before it, counting a stream inflated again each "
		     "time), at object %ld",
		     num);
		goto fail;
	}
	if (predict(s, &dc, num, *out, out_len) != 0)
		goto fail;
	return 0;
fail:
	s->mem -= *out_mem;
	*out_mem = 0;
	free(*out);
	*out = NULL;
	return -1;
}

/* ---- objects ------------------------------------------------------------------------ */

static void lex_init(struct lex *x, struct scan *s, struct rd *d, uint64_t pos, long objstm)
{
	x->s = s, x->d = d, x->pos = pos, x->nodes = 0, x->objstm = objstm, x->lenient = 0;
	x->la_pos = 0, x->la_end = 0, x->la_val = 0;
}

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
	word(x, w, sizeof(w));
	if (a == -1 || b == -1 || strcmp(w, "obj") != 0)
		return -1;
	return a == -2 || b == -2 ? -2 : 0;
}

static int obj_header(struct lex *x, long long *num, long long *gen)
{
	int rc = header_at(x, num, gen);

	if (rc == -2)
		return lfail(x, "pdf.limits",
			     "an object header whose number or generation has more than 10 "
			     "digits");
	if (rc != 0)
		return lfail(x, "pdf.xref",
			     "the cross-reference points to something that is not an object");
	return 0;
}

/* The object the cross-reference lists as num must carry its number and generation. */
static int check_header(struct scan *s, uint64_t off, long num, const struct obj *o)
{
	const struct xent *e = xget(s, num);

	if (o->num != num)
		return fail(s, "pdf.xref",
			    "the cross-reference places object %ld at byte offset %llu, where "
			    "object %lld is",
			    num, (unsigned long long)off, o->num);
	if (e != NULL && e->type == 1 && (uint64_t)o->gen != e->gen)
		return fail(s, "pdf.xref",
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
		return lfail(x, "pdf.structure",
			     "the stream keyword not followed by an end of line");
	x->pos++;
	o->has_stream = 1;
	if (stream_extent(s, x, &o->v, length_direct, &o->data, &o->len) != 0)
		return -1;
	save = x->pos;
	skip_ws(x);
	word(x, w, sizeof(w));
	o->end = strcmp(w, "endobj") == 0 ? x->pos : save;
	return 0;
}

/*
 * Parses the object at off into o. num >= 0: the cross-reference lists it as num, so its
 * header must say so (number and generation). length_direct: /Length must be an integer.
 */
static int read_object(struct scan *s, uint64_t off, long num, int length_direct, struct obj *o)
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
	if (parse_top(&x, &o->v) != 0)
		return -1;
	skip_ws(&x);
	word(&x, w, sizeof(w));
	o->end = x.pos;
	if (strcmp(w, "endobj") == 0)
		return 0;
	if (strcmp(w, "stream") != 0 || o->v.t != V_DICT)
		return lfail(&x, "pdf.structure", "an object not followed by endobj");
	return read_stream(s, &x, length_direct, o);
}

static int objstm_load(struct scan *s, const struct val *dict, uint64_t data, uint64_t len,
		       long num);

/* Object stream osn, decoded into the cache (if it is not there already). */
static int objstm_cached(struct scan *s, long osn)
{
	const struct xent *e = xget(s, osn);
	struct obj o;
	int rc;

	if (s->cache_num == osn && osn >= 0)
		return 0;
	if (e == NULL || e->type != 1)
		return fail(s, "pdf.xref", "object stream %ld is not an object in the file", osn);
	rc = read_object(s, e->off, osn, 0, &o);
	if (rc == 0 && (!o.has_stream || !name_is(dget(&o.v, "Type"), "ObjStm")))
		rc = fail(s, "pdf.xref", "object %ld is not an object stream", osn);
	if (rc == 0)
		rc = objstm_load(s, &o.v, o.data, o.len, osn);
	val_release(s, &o.v);
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
		return fail(s, "pdf.xref", "object %lld is not at index %zu of object stream %ld",
			    num, idx, osn);
	memset(&d, 0, sizeof(d));
	d.mem = s->cache, d.size = s->cache_len;
	lex_init(&x, s, &d, s->cache_off[idx], osn);
	return parse_top(&x, v);
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
		return fail(s, "pdf.xref",
			    "a stream /Length refers to object %lld, which is missing%s", num,
			    objstm ? " or compressed (an object stream's /Length cannot be)" : "");
	if (e->type == 1)
		rc = read_object(s, e->off, (long)num, 1, &o);
	else
		rc = objstm_value(s, num, (long)e->off, e->gen, &o.v);
	if (rc == 0 && (o.v.t != V_INT || o.has_stream))
		rc = fail(s, "pdf.structure", "object %lld, a stream /Length, is not an integer",
			  num);
	*out = o.v.i;
	val_release(s, &o.v);
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
	word(x, w, sizeof(w));
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
		return lfail(x, "pdf.structure", "a stream without endstream");
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
		return lfail(x, "pdf.limits", "a stream /Length over 2 GiB");
	if (n < 0)
		return lfail(x, "pdf.structure", "a stream without a usable /Length");
	if ((uint64_t)n > x->d->size - *data)
		return lfail(x, "pdf.structure",
			     "a stream /Length that runs past the end of the file");
	*len = (uint64_t)n;
	if (!ends_at(x, *data, n))
		return lfail(x, "pdf.structure", "no endstream where the stream's /Length ends");
	return 0;
}

/* ---- cross-reference ---------------------------------------------------------------- */

/* Makes room in the index for object number num. */
static int xgrow(struct scan *s, uint64_t num)
{
	struct xent *nx;
	size_t want;
	uint64_t add;

	if (num >= COCO_PDF_MAX_OBJECTS)
		return fail(s, "pdf.limits", "object number %llu: more than %u objects",
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
		return fail(s, "pdf.limits", MEM_MSG " (an index of object number %llu)",
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
	if (xgrow(s, num) != 0)
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
	if (parse_top(x, &a) != 0 || parse_top(x, &c) != 0)
		goto out;
	skip_ws(x);
	word(x, w, sizeof(w));
	if (a.t != V_INT || c.t != V_INT || a.i < 0 || c.i < 0 ||
	    (strcmp(w, "n") != 0 && strcmp(w, "f") != 0))
		lfail(x, "pdf.xref", "a malformed cross-reference entry");
	else
		rc = xset(s, num, w[0] == 'n' ? 1 : 0, (uint64_t)a.i, (uint64_t)c.i);
out:
	val_release(s, &a);
	val_release(s, &c);
	return rc;
}

/* A subsection: "first count" and count entries. */
static int xref_subsection(struct scan *s, struct lex *x)
{
	struct val a, b;
	long long k;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	if (parse_top(x, &a) != 0 || parse_top(x, &b) != 0)
		goto out;
	if (a.t != V_INT || b.t != V_INT || a.i < 0 || b.i < 0) {
		lfail(x, "pdf.xref", "a malformed cross-reference subsection");
		goto out;
	}
	if (a.i + b.i > (long long)COCO_PDF_MAX_OBJECTS) {
		fail(s, "pdf.limits", "a cross-reference subsection past object number %u",
		     COCO_PDF_MAX_OBJECTS - 1);
		goto out;
	}
	for (k = 0; k < b.i; k++)
		if (xref_entry(s, x, (uint64_t)(a.i + k)) != 0)
			goto out;
	rc = 0;
out:
	val_release(s, &a);
	val_release(s, &b);
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
		word(x, w, sizeof(w));
		if (strcmp(w, "trailer") != 0)
			return lfail(x, "pdf.xref", "a malformed cross-reference table");
		if (parse_top(x, trailer) != 0)
			return -1;
		return trailer->t == V_DICT
			   ? 0
			   : lfail(x, "pdf.xref", "a trailer that is not a dictionary");
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
		return fail(s, "pdf.xref", "an xref stream has a bad /W or /Size");
	for (i = 0; i < 3; i++) {
		if (w->k[i].t != V_INT || w->k[i].i < 0 || w->k[i].i > 8)
			return fail(s, "pdf.xref", "an xref stream has a bad /W");
		wd[i] = w->k[i].i;
	}
	if (wd[0] + wd[1] + wd[2] == 0)
		return fail(s, "pdf.xref", "an xref stream has a bad /W");
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
			return fail(s, "pdf.xref",
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
		return fail(s, "pdf.xref", "an xref stream has a bad /Index");
	for (i = 0; i < (idx ? idx->n : 2); i += 2) {
		first = idx ? idx->k[i].i : 0;
		count = idx ? idx->k[i + 1].i : size->i;
		if ((idx && (idx->k[i].t != V_INT || idx->k[i + 1].t != V_INT)) || first < 0 ||
		    count < 0 || first + count > (long long)COCO_PDF_MAX_OBJECTS)
			return fail(s, "pdf.xref", "an xref stream has a bad /Index");
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

	rc = read_object(s, off, -1, 1, &o);
	if (rc == 0 && (!o.has_stream || !name_is(dget(&o.v, "Type"), "XRef")))
		rc = fail(s, "pdf.xref",
			  "byte offset %llu holds neither an xref table nor an xref stream",
			  (unsigned long long)off);
	if (rc == 0)
		rc = stream_mem(s, &o.v, o.data, o.len, -1, &p, &len, &mem);
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
		return fail(s, "pdf.xref", "%s is not a byte offset inside the file", key);
	*off = (uint64_t)v->i;
	return 1;
}

/* One section at off: a table (with its hybrid /XRefStm) or a stream. *prev: next. */
static int xref_section(struct scan *s, uint64_t off, uint64_t *prev, int *more)
{
	struct val tr, hy;
	struct lex x;
	char w[8];
	uint64_t hoff = 0;
	size_t i;
	int rc, h;

	*more = 0;
	memset(&tr, 0, sizeof(tr));
	memset(&hy, 0, sizeof(hy));
	for (i = 0; i < s->nsec; i++)
		if (s->sec[i] == off)
			return fail(s, "pdf.xref", "the /Prev chain loops back to byte offset %llu",
				    (unsigned long long)off);
	if (s->nsec == COCO_PDF_MAX_SECTIONS)
		return fail(s, "pdf.limits", "more than %u cross-reference sections",
			    COCO_PDF_MAX_SECTIONS);
	s->sec[s->nsec++] = off;
	lex_init(&x, s, &s->d, off, -1);
	word(&x, w, sizeof(w));
	if (strcmp(w, "xref") == 0) {
		rc = xref_table(s, &x, &tr);
		s->tab[s->ntab][0] = off, s->tab[s->ntab++][1] = x.pos;
	} else {
		rc = xref_stream(s, off, &tr);
	}
	if (rc == 0 && dget(&tr, "Encrypt") != NULL)
		s->encrypted = 1;
	if (rc == 0 && (h = want_offset(s, dget(&tr, "XRefStm"), "/XRefStm", &hoff)) != 0)
		rc = h < 0 ? -1 : xref_stream(s, hoff, &hy);
	if (rc == 0 && s->nsec == 1 && dget(&tr, "Root") == NULL)
		rc = fail(s, "pdf.xref", "the trailer has no /Root");
	if (rc == 0 && (h = want_offset(s, dget(&tr, "Prev"), "/Prev", prev)) != 0)
		rc = h < 0 ? -1 : (*more = 1, 0);
	val_release(s, &tr);
	val_release(s, &hy);
	return rc;
}

/* Where %PDF- is in the first n bytes (at most COCO_PDF_SNIFF), or -1. */
static long pdf_magic(const unsigned char *p, size_t n)
{
	size_t i;

	n = n < COCO_PDF_SNIFF ? n : COCO_PDF_SNIFF;
	for (i = 0; i + 5 <= n; i++)
		if (p[i] == '%' && memcmp(p + i, "%PDF-", 5) == 0)
			return (long)i;
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

	if (rd_read(&s->d, t, n, 0) != 0)
		return s->d.ioerr = 1, -1;
	if ((at = pdf_magic(t, n)) > 0)
		return fail(s, "pdf.header",
			    "the %%PDF- header is at byte offset %ld, not at the start: viewers "
			    "open it as a PDF, but bytes before the header shift every offset",
			    at);
	if (n < 9 || memcmp(t, "%PDF-", 5) != 0 ||
	    !((t[5] == '1' && t[6] == '.' && t[7] >= '0' && t[7] <= '7') ||
	      (t[5] == '2' && t[6] == '.' && t[7] == '0')) ||
	    !is_ws(t[8]))
		return fail(s, "pdf.header",
			    "does not start with a %%PDF-1.0 .. 1.7 or %%PDF-2.0 "
			    "header: not a PDF");
	if (rd_read(&s->d, t, n, s->size - n) != 0)
		return s->d.ioerr = 1, -1;
	t[n] = '\0';
	for (e = n; e > 0 && is_ws(t[e - 1]); e--)
		;
	if (e < 5 || memcmp(t + e - 5, "%%EOF", 5) != 0)
		return fail(s, "pdf.structure", "the file does not end with %%%%EOF");
	for (i = e - 5; i >= 9; i--)
		if (memcmp(t + i - 9, "startxref", 9) == 0)
			break;
	if (i < 9)
		return fail(s, "pdf.xref", "no startxref before the final %%%%EOF");
	while (i < e && is_ws(t[i]))
		i++;
	errno = 0;
	v = strtoll((const char *)t + i, &end, 10);
	if (errno != 0 || end == (char *)t + i || v < 0 || (uint64_t)v >= s->size)
		return fail(s, "pdf.xref", "startxref does not give a byte offset inside the file");
	*start = (uint64_t)v;
	return 0;
}

static int load_xref(struct scan *s)
{
	uint64_t off = 0, prev = 0;
	int more = 1;

	if (find_start(s, &off) != 0)
		return -1;
	while (more) {
		if (xref_section(s, off, &prev, &more) != 0)
			return -1;
		off = prev;
	}
	return 0;
}

/* ---- object streams ----------------------------------------------------------------- */

static void cache_drop(struct scan *s)
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
	if (parse_top(x, &a) != 0 || parse_top(x, &b) != 0)
		goto out;
	if (a.t != V_INT || b.t != V_INT || a.i < 0 || b.i < 0 ||
	    (uint64_t)b.i + s->cache_first >= s->cache_len) {
		lfail(x, "pdf.structure", "a bad object stream offset table");
		goto out;
	}
	if (k > 0 && s->cache_first + (size_t)b.i <= s->cache_off[k - 1]) {
		lfail(x, "pdf.structure", "object stream offsets that are not strictly increasing");
		goto out;
	}
	s->cache_obj[k] = (long)a.i;
	s->cache_off[k] = s->cache_first + (size_t)b.i;
	s->cache_n++;
	rc = 0;
out:
	val_release(s, &a);
	val_release(s, &b);
	return rc;
}

/* Decodes object stream num (dict, data extent) into the cache, with its offset table. */
static int objstm_load(struct scan *s, const struct val *dict, uint64_t data, uint64_t len,
		       long num)
{
	const struct val *n = dget(dict, "N"), *first = dget(dict, "First");
	struct rd d;
	struct lex x;
	long long k;
	uint64_t table;

	cache_drop(s);
	if (n == NULL || n->t != V_INT || n->i < 0 || n->i > (long long)COCO_PDF_MAX_OBJECTS ||
	    first == NULL || first->t != V_INT || first->i < 0)
		return fail(s, "pdf.structure", "object stream %ld has a bad /N or /First", num);
	if (stream_mem(s, dict, data, len, num, &s->cache, &s->cache_len, &s->cache_mem) != 0)
		return -1;
	if ((uint64_t)first->i > s->cache_len)
		return fail(s, "pdf.structure", "object stream %ld has a bad /First", num);
	s->cache_num = num;
	s->cache_first = (size_t)first->i;
	s->cache_n = 0;
	table = MEM_BLOCK(((size_t)n->i + 1) * sizeof(*s->cache_off)) +
		MEM_BLOCK(((size_t)n->i + 1) * sizeof(*s->cache_obj));
	if (mem_over(s, table))
		return mem_fail(s, num);
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
static int objstm_scan(struct scan *s)
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
		rc = parse_top(&x, &v);
		if (rc == 0 && x.pos > limit)
			rc = lfail(&x, "pdf.structure",
				   "an object that runs past the next object's offset");
		if (rc == 0) {
			s->n_objects++;
			note_name(s, s->cache_obj[k], &v);
			judge(s, &v, s->cache_obj[k], 0);
		}
		val_release(s, &v);
	}
	return rc;
}

/* ---- the object pass ---------------------------------------------------------------- */

/* Judges the object at off (num >= 0: the cross-reference's object num; -1: an object
 * header no cross-reference points at); *end receives the byte after it. */
static int scan_at(struct scan *s, uint64_t off, long num, uint64_t *end)
{
	struct obj o;
	int rc;

	rc = read_object(s, off, num, 0, &o);
	if (rc == 0) {
		*end = o.end;
		s->n_objects++;
		note_name(s, o.num, &o.v);
		judge(s, &o.v, (long)o.num, 1);
	}
	if (rc == 0 && o.has_stream && name_is(dget(&o.v, "Type"), "ObjStm")) {
		if (num >= 0)
			s->x[num].objstm = 1;
		rc = objstm_load(s, &o.v, o.data, o.len, (long)o.num);
		if (rc == 0)
			rc = objstm_scan(s);
		cache_drop(s);
	} else if (rc == 0 && o.has_stream && is_flate(dget(&o.v, "Filter"))) {
		rc = inflate_range(s, o.data, o.len, (long)o.num, 0, NULL, NULL, NULL);
	}
	val_release(s, &o.v);
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
	return fail(s, "pdf.structure",
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

static int scan_objects(struct scan *s)
{
	size_t i;

	if (scan_file(s) != 0 || judge_refs(s) != 0)
		return -1;
	for (i = 0; i < s->nx; i++)
		if (s->x[i].type == 2 &&
		    (s->x[i].off >= s->nx || !s->x[(size_t)s->x[i].off].objstm))
			return fail(s, "pdf.xref",
				    "object %zu is said to be in object stream %llu, which is not "
				    "an object stream in the file",
				    i, (unsigned long long)s->x[i].off);
	return 0;
}

/* ---- signatures --------------------------------------------------------------------- */

static const char *const subfilters[] = {"adbe.pkcs7.detached", "ETSI.CAdES.detached"};

struct ranges {
	struct scan *s;
	uint64_t off[2], len[2];
};

/* coco_cms_check's digest callback: the two signed ranges, streamed from the file. */
static int digest_ranges(void *arg, const EVP_MD *md, unsigned char *out, unsigned int *out_len)
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
			if (rd_read(&g->s->d, buf, n, g->off[i] + done) != 0 ||
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

/* The DER length of the CMS at the start of p, or 0 if it is not one DER SEQUENCE. */
static size_t der_length(const unsigned char *p, size_t n)
{
	size_t len = 0, hdr = 2, i, k;

	if (n < 2 || p[0] != 0x30)
		return 0;
	if (p[1] < 0x80) {
		len = p[1];
	} else {
		k = p[1] & 0x7fu;
		if (k == 0 || k > 4 || n < 2 + k)
			return 0;
		for (i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
		hdr += k;
	}
	return len <= n - hdr ? hdr + len : 0;
}

static int check_contents(struct scan *s, const struct sigrec *g, size_t *der_len)
{
	size_t n = der_length(g->ct, g->ct_len), i;

	*der_len = n;
	for (i = n; n > 0 && i < g->ct_len; i++)
		if (g->ct[i] != 0)
			break;
	if (n > 0 && i == g->ct_len)
		return 0;
	coco_report_add(s->r, COCO_STATUS_FAIL, "pdf.contents", s->name,
			n == 0 ? "signature in object %ld: /Contents is not a DER CMS structure"
			       : "signature in object %ld: /Contents has non-zero bytes after the "
				 "DER CMS structure",
			g->obj);
	return -1;
}

/* Copies the scratch report's findings (already in the pdf group: coco_cms_check.id_prefix)
 * about the signature in object obj, counting failures and indeterminate ones. */
static void translate(struct scan *s, const struct coco_report *tmp, long obj, int *bad,
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
static void unanchored(struct scan *s, long obj, const char *signer)
{
	coco_report_add_manual(s->r, "pdf.signer", s->name,
			       "signature in object %ld: no certification-body CA in the trust "
			       "directory's bodies/, so signer '%s' is not checked",
			       obj, signer);
	s->unanchored = 1;
}

static void keep_signer(struct scan *s, struct coco_pdf_result *res,
			const struct coco_report_signature *info)
{
	free(res->signer), free(res->signer_cn), free(res->signer_org);
	res->signer = info->subject ? coco_strndup(info->subject, strlen(info->subject)) : NULL;
	res->signer_cn =
	    info->common_name ? coco_strndup(info->common_name, strlen(info->common_name)) : NULL;
	res->signer_org = info->organisation
			      ? coco_strndup(info->organisation, strlen(info->organisation))
			      : NULL;
	memcpy(res->anchor_sha256, info->anchor_sha256, sizeof(res->anchor_sha256));
	res->signing_time = info->signing_time;
	res->has_signing_time = info->has_signing_time;
	if ((info->subject && !res->signer) || (info->common_name && !res->signer_cn) ||
	    (info->organisation && !res->signer_org))
		s->nomem = 1;
}

/* The CMS inside /Contents, checked as bundle signatures are, against bodies/. */
static enum coco_err check_cms(struct scan *s, const struct sigrec *g, size_t der_len,
			       struct coco_pdf_result *res, int *bad, int *unknown)
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
	in.data_entry = s->name, in.digest = digest_ranges, in.digest_arg = &rg;
	in.trust = 1, in.anchors = COCO_ANCHORS_BODIES, in.id_prefix = "pdf";
	in.no_anchors_silent = 1; /* reported below, as a manual check */
	err = coco_cms_verify(s->ctx, &in, tmp, info);
	if (err == COCO_OK && coco_report_failed(tmp))
		err = coco_seterr(s->ctx, COCO_ERR_NOMEM, "out of memory");
	if (err == COCO_OK) {
		translate(s, tmp, g->obj, bad, unknown);
		if (info->outcome.no_anchors)
			unanchored(s, g->obj, info->subject ? info->subject : s->name);
		if (*bad == 0 && *unknown == 0 && !s->unanchored)
			coco_report_add(
			    s->r, COCO_STATUS_PASS, "pdf.signature", s->name,
			    "signature in object %ld by '%s', signed at %s (the signer's "
			    "claim), covers the whole file but its /Contents (%llu of "
			    "%llu bytes)",
			    g->obj, info->subject ? info->subject : "?",
			    info->has_signing_time ? coco_time_format(info->signing_time, tb)
						   : "an unknown time",
			    (unsigned long long)(rg.len[0] + rg.len[1]),
			    (unsigned long long)s->size);
		if (*bad == 0 && *unknown == 0)
			keep_signer(s, res, info);
	}
	coco_report_free(tmp);
	return err;
}

static enum coco_err check_sig(struct scan *s, const struct sigrec *g, struct coco_pdf_result *res)
{
	size_t i, der_len = 0;
	int bad = 0, unknown = 0, known = 0;
	uint64_t after;

	for (i = 0; g->subfilter != NULL && i < sizeof(subfilters) / sizeof(subfilters[0]); i++)
		known |= strcmp(g->subfilter, subfilters[i]) == 0;
	if (!known) {
		bad++;
		coco_report_add(s->r, COCO_STATUS_FAIL, "pdf.subfilter", s->name,
				"signature in object %ld: /SubFilter '%s' is not "
				"adbe.pkcs7.detached or ETSI.CAdES.detached",
				g->obj, g->subfilter ? g->subfilter : "(none)");
	}
	if (check_byterange(s, g) != 0 || check_contents(s, g, &der_len) != 0) {
		res->sig_bad = 1;
		return COCO_OK;
	}
	after = s->size - (uint64_t)g->br[2] - (uint64_t)g->br[3];
	if (after > 0) {
		bad++;
		coco_report_add(
		    s->r, COCO_STATUS_FAIL, "pdf.coverage", s->name,
		    "signature in object %ld covers bytes 0..%lld, but %llu bytes follow "
		    "(an incremental update or appended data): the document changed "
		    "after signing",
		    g->obj, g->br[2] + g->br[3], (unsigned long long)after);
	}
	if (check_cms(s, g, der_len, res, &bad, &unknown) != COCO_OK)
		return COCO_ERR_NOMEM;
	if (bad > 0)
		res->sig_bad = 1;
	else if (unknown > 0)
		res->sig_unknown = 1;
	else if (!s->unanchored)
		res->sig_valid = 1;
	else
		res->sig_unanchored = 1;
	return COCO_OK;
}

/* ---- the scan ----------------------------------------------------------------------- */

static void report_content(struct scan *s)
{
	size_t k;

	for (k = 0; k < N_KINDS; k++) {
		if (s->hit[k] < 0)
			continue;
		if (kinds[k].manual)
			coco_report_add_manual(s->r, kinds[k].id, s->name,
					       "%s in object %ld: confirm it is harmless before "
					       "opening the file",
					       s->hit_how[k], s->hit[k]);
		else
			coco_report_add(s->r, COCO_STATUS_FAIL, kinds[k].id, s->name,
					"%s in object %ld: active content is not accepted",
					s->hit_how[k], s->hit[k]);
	}
}

static void scan_release(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->nsigs; i++) {
		free(s->sigs[i].ct);
		free(s->sigs[i].subfilter);
	}
	cache_drop(s);
	free(s->x);
	free(s->d.buf);
	free(s->out);
}

static enum coco_err scan_run(struct scan *s, struct coco_pdf_result *res)
{
	size_t i, before = coco_report_mark(s->r);
	enum coco_err err = COCO_OK;
	int active = 0;

	res->scanned = 1;
	if (load_xref(s) == 0 && s->encrypted)
		fail(s, "pdf.encrypted", "the PDF is encrypted: encrypted evidence is refused");
	if (!s->failed && !s->d.ioerr && !s->nomem)
		scan_objects(s);
	if (s->d.ioerr)
		return coco_seterr(s->ctx, COCO_ERR_IO, "cannot read '%s': %s", s->name,
				   strerror(errno ? errno : EIO));
	if (s->nomem)
		return coco_seterr(s->ctx, COCO_ERR_NOMEM, "out of memory");
	report_content(s);
	for (i = 0; i < N_KINDS; i++)
		active |= s->hit[i] >= 0;
	res->n_sigs = s->nsigs;
	if (!s->failed && s->sigs_left != NULL && s->nsigs > *s->sigs_left)
		fail(s, "pdf.limits",
		     "more than %u PDF signatures in the bundle or folder: this PDF's are not "
		     "checked",
		     COCO_PDF_MAX_SIGS_ALL);
	else if (!s->failed && s->sigs_left != NULL)
		*s->sigs_left -= (unsigned)s->nsigs;
	for (i = 0; !s->failed && i < s->nsigs && err == COCO_OK; i++)
		err = check_sig(s, &s->sigs[i], res);
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
	if (res == NULL)
		return;
	free(res->signer);
	free(res->signer_cn);
	free(res->signer_org);
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
	return pdf_magic(p, n) >= 0;
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
