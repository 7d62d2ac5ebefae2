/*
 * The pdf module's private header: the scan's state (struct scan), the values the parser
 * builds, the byte reader, and the functions the module's files share. The files are
 * pdf_lexer.c (reading, values, the lexer and parser), pdf_filter.c (FlateDecode,
 * predictors, stream decoding), pdf_object.c (objects, stream extents, the object pass),
 * pdf_xref.c (the cross-reference and object streams), pdf_content.c (active content),
 * pdf_sig.c (signature dictionaries and their checks), pdf_docts.c (document timestamps),
 * pdf_diff.c (the updates after a signed revision, with its own header pdf_diff.h) and
 * pdf.c (the scan and the public functions of pdf.h). Only these files include it: pdf.h is
 * the module's interface.
 */
#ifndef COCO_PDF_INT_H
#define COCO_PDF_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "pdf/pdf.h"

#define WIN (64u << 10) /* the read window, and the inflate buffers */

struct rd;
struct val;
struct scan;
struct lex;
struct obj;
struct sigrec;

/* ---- shared functions: each file says the contract above its definition ------------- */

/* pdf_lexer.c: reading, values, findings, the lexer */
int coco_pdf_read(const struct rd *d, void *buf, size_t n, uint64_t off);
int coco_pdf_fill(struct rd *d, uint64_t pos);
void coco_pdf_val_release(struct scan *s, struct val *v);
int coco_pdf_fail(struct scan *s, const char *id, const char *fmt, ...) COCO_PRINTF(3, 4);
int coco_pdf_lfail(struct lex *x, const char *id, const char *what);
int coco_pdf_mem_fail(struct scan *s, long obj);
void coco_pdf_skip_ws_run(struct lex *x);
void coco_pdf_word(struct lex *x, char *w, size_t size);
int coco_pdf_parse_top(struct lex *x, struct val *v);

/* pdf_filter.c: streams */
int coco_pdf_is_flate(const struct val *f);
int coco_pdf_inflate(struct scan *s, uint64_t data, uint64_t len, long obj, int collect,
		     unsigned char **out, size_t *out_len, uint64_t *out_mem);
int coco_pdf_stream_mem(struct scan *s, const struct val *dict, uint64_t data, uint64_t len,
			long num, unsigned char **out, size_t *out_len, uint64_t *out_mem);

/* pdf_object.c: objects and the object pass */
int coco_pdf_read_object(struct scan *s, uint64_t off, long num, int length_direct, struct obj *o);
int coco_pdf_scan_objects(struct scan *s);
int coco_pdf_fetch(struct scan *s, long long num, struct obj *o);

/* pdf_xref.c: the cross-reference and object streams */
int coco_pdf_xgrow(struct scan *s, uint64_t num);
long coco_pdf_magic(const unsigned char *p, size_t n);
int coco_pdf_load_xref(struct scan *s);
int coco_pdf_load_chain(struct scan *s, uint64_t off);
void coco_pdf_cache_drop(struct scan *s);
int coco_pdf_objstm_load(struct scan *s, const struct val *dict, uint64_t data, uint64_t len,
			 long num);
int coco_pdf_objstm_scan(struct scan *s);

/* pdf_content.c: active content */
void coco_pdf_note_name(struct scan *s, long long num, const struct val *v);
void coco_pdf_judge(struct scan *s, const struct val *v, long obj, int in_file);
int coco_pdf_judge_refs(struct scan *s);
void coco_pdf_report_content(struct scan *s);

/* pdf_sig.c: signatures */
void coco_pdf_record_sig(struct scan *s, const struct val *d, long obj, int in_file);
/* Checks signature dictionary g, adding pdf.* findings, into sig (obj set, the rest
 * zeroed): COCO_OK whatever the verdict, or COCO_ERR_NOMEM. */
enum coco_err coco_pdf_check_sig(struct scan *s, const struct sigrec *g, struct coco_pdf_sig *sig);
/* The digest callback of coco_cms_check and coco_timestamp_token over a signature's two
 * byte ranges ([off[i], off[i] + len[i]), i = 0, 1), streamed from the file. */
struct ranges {
	struct scan *s;
	uint64_t off[2], len[2];
};
int coco_pdf_digest_ranges(void *arg, const EVP_MD *md, unsigned char *out, unsigned int *out_len);
/* Copies a scratch report's non-pass findings (ids already in the pdf group) about the
 * signature in object obj to the scan's report, counting failed and indeterminate ones. */
void coco_pdf_sig_translate(struct scan *s, const struct coco_report *tmp, long obj, int *bad,
			    int *unknown);

/* pdf_docts.c: document timestamps */
/* Whether g is a document timestamp (/SubFilter /ETSI.RFC3161). */
int coco_pdf_is_docts(const struct sigrec *g);
/* Checks the timestamp token in g's /Contents (its first der_len bytes) over g's byte
 * range, which passed the byte-range and contents rules (bad: the failures already found
 * for it), and sets sig's status and proven time: COCO_OK whatever the verdict, or
 * COCO_ERR_NOMEM. */
enum coco_err coco_pdf_check_docts(struct scan *s, const struct sigrec *g, size_t der_len, int bad,
				   struct coco_pdf_sig *sig);

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

/* The byte at pos, or -1 past the end. The lexer calls this for every byte, so the
 * common cases (a memory source, a byte inside the window) are inline; the window never
 * extends past the end. */
static inline int rd_byte(struct rd *d, uint64_t pos)
{
	if (d->mem != NULL)
		return pos < d->size ? d->mem[pos] : -1;
	if (pos - d->boff < d->blen) /* unsigned: also false when pos < boff */
		return d->buf[pos - d->boff];
	return coco_pdf_fill(d, pos);
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
	long long i;             /* integer, boolean, the object number of a reference, or a
				    real in millionths */
	unsigned char *s;        /* string or name bytes, NUL-terminated */
	struct val *k;           /* array items; a dictionary's keys and values alternate */
	uint64_t off, end;       /* the token's first byte and the byte after it */
};
enum { DEEP_NEST = 1, DEEP_OWNS = 2 }; /* an item is a container; an item owns memory */
_Static_assert(sizeof(struct val) <= 64, "struct val is counted against COCO_PDF_MAX_OBJMEM");

/* What an allocation of n bytes is charged: the block and the allocator's overhead. */
#define MEM_BLOCK(n) ((uint64_t)(n) + 16u)

static inline int name_is(const struct val *v, const char *s)
{
	return v != NULL && v->t == V_NAME && v->len == strlen(s) && memcmp(v->s, s, v->len) == 0;
}

static inline const struct val *dget(const struct val *d, const char *key)
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
	uint8_t oldref;   /* the oldest section (capped at 255) whose bytes refer to it, when
			     older than sec (coco_pdf_note_refs) */
	uint32_t names;   /* bit 0: some version is a name; bit 1 + i: it is rules[i]'s value */
};
_Static_assert(sizeof(struct xent) <= 24, "the index is charged per entry (coco_pdf_xgrow)");

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
	time_t m; /* /M, the signing time the dictionary claims (has_m) */
	int has_m;
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
	/* each section's trailer /Root and /Info: the objects they refer to, or -1 */
	long long sec_root[COCO_PDF_MAX_SECTIONS], sec_info[COCO_PDF_MAX_SECTIONS];
	/* the sections by offset, [offset, section], for coco_pdf_note_refs (nreg 0: not yet) */
	uint64_t reg[COCO_PDF_MAX_SECTIONS][2];
	size_t nreg;
	uint64_t refs_at; /* where the object being judged is (an object stream's offset) */
	/* work, base, values, kept and probed count on from the budget the scan draws on
	 * (struct coco_pdf_budget: every PDF of a bundle or folder), and go back to it */
	uint64_t work, base; /* parser work so far; its budget's base (sizes + inflated) */
	uint64_t values;     /* values parsed so far, in all (COCO_PDF_MAX_VALUES) */
	uint64_t mem;        /* bytes held now: see mem_over (COCO_PDF_MAX_MEM) */
	uint64_t kept;       /* bytes inflated from object and xref streams, every time */
	uint64_t probed;     /* other FlateDecode streams, inflated (COCO_PDF_MAX_PROBED) */
	int encrypted, nomem, failed;
	int spent;           /* a limit the budget shares was passed */
	unsigned *sigs_left; /* the budget's signature checks left */
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

static inline void lex_init(struct lex *x, struct scan *s, struct rd *d, uint64_t pos, long objstm)
{
	x->s = s, x->d = d, x->pos = pos, x->nodes = 0, x->objstm = objstm, x->lenient = 0;
	x->la_pos = 0, x->la_end = 0, x->la_val = 0;
}

/* One object as read from the file. */
struct obj {
	struct val v;
	long long num, gen; /* as its header says */
	int has_stream;
	uint64_t data, len; /* a stream's data extent */
	uint64_t end;       /* the byte after endobj (or endstream, if endobj is missing) */
};

static inline const struct xent *xget(const struct scan *s, long long num)
{
	return num >= 0 && (size_t)num < s->nx && s->x[num].type != 0 ? &s->x[num] : NULL;
}

/* ---- the lexer ---------------------------------------------------------------------- */

static inline int is_ws(int c)
{
	return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
}

static inline int is_delim(int c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static inline int is_regular(int c)
{
	return c >= 0 && !is_ws(c) && !is_delim(c);
}

static inline int peek(struct lex *x)
{
	return rd_byte(x->d, x->pos);
}

/* Skips white space and comments; inline, as most calls find a token at once. */
static inline void skip_ws(struct lex *x)
{
	int c = peek(x);

	if (c == '%' || (c >= 0 && is_ws(c)))
		coco_pdf_skip_ws_run(x);
}

/*
 * Memory the scan holds at once: the cross-reference index, an object or xref stream in
 * memory with its offset table, the values parsed and not yet released, and signature
 * contents. Every such allocation is charged (MEM_BLOCK of its size) before it is made,
 * and given back when freed, so a file cannot make the scan hold more than
 * COCO_PDF_MAX_MEM, whichever structure it inflates.
 */
static inline int mem_over(const struct scan *s, uint64_t add)
{
	return s->mem + add > COCO_PDF_MAX_MEM;
}

#define MEM_MSG "the scan needs more than 40 MiB of memory at once"

#endif /* COCO_PDF_INT_H */
