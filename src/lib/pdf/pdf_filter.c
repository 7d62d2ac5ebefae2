/*
 * The pdf module's streams: FlateDecode inflation under the bomb limits (a probe of other
 * streams, object and xref streams kept in memory), PNG predictors, and the /Filter and
 * /DecodeParms of a stream held in memory, read the way viewers read them.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "pdf/pdf_int.h"

/* ---- streams ------------------------------------------------------------------------ */

int coco_pdf_is_flate(const struct val *f)
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

/* The probe's prefix inflates past COCO_PDF_PROBE_FLOOR: only the whole stream's size
 * tells a bomb from a scan whose pages are mostly white paper (231:1 and 362:1 are real). */
static int flate_suspect(const struct flate *f)
{
	return f->total > COCO_PDF_PROBE_FLOOR;
}

/* Feeds the next chunk of compressed bytes. 1 when the probe's prefix is used up. */
static int flate_feed(struct flate *f)
{
	struct scan *s = f->s;
	size_t chunk;

	if (f->done == f->budget && f->budget < f->len) {
		if (!flate_suspect(f))
			return 1;
		f->budget = f->len; /* a bomb, or a scan's white page: the whole says */
	}
	if (f->done == f->len)
		return coco_pdf_fail(s, "pdf.structure",
				     "the FlateDecode data of object %ld is truncated", f->obj);
	chunk = f->budget - f->done < WIN ? (size_t)(f->budget - f->done) : WIN;
	if (s->d.mem != NULL) {
		memcpy(f->in, s->d.mem + f->data + f->done, chunk);
	} else if (coco_pdf_read(&s->d, f->in, chunk, f->data + f->done) != 0) {
		s->d.ioerr = 1;
		return -1;
	}
	f->done += chunk;
	f->z.next_in = f->in, f->z.avail_in = (uInt)chunk;
	return 0;
}

/*
 * Whether the output so far is a bomb: judged by its size, not by its ratio to the
 * compressed bytes (a scanned page compresses far beyond any ratio a bomb would need, and
 * deflate cannot pass about 1032:1 anyway). Kept streams (object and xref streams) are
 * held under COCO_PDF_MAX_INMEM; other streams, inflated to their end when the probe's
 * prefix passes COCO_PDF_PROBE_FLOOR (flate_suspect), under COCO_PDF_MAX_FLATE each, and
 * under COCO_PDF_MAX_PROBED all together (flate_run).
 */
static const char *flate_over(const struct flate *f)
{
	if (f->collect && f->total > COCO_PDF_MAX_INMEM)
		return "more than 16 MiB";
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
			return coco_pdf_mem_fail(f->s, f->obj);
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
			return coco_pdf_fail(s, "pdf.structure",
					     "the FlateDecode data of object %ld is corrupt",
					     f->obj);
		chunk = WIN - f->z.avail_out;
		f->total += chunk;
		if (!f->collect)
			s->probed += chunk;
		if (!f->collect && s->probed > COCO_PDF_MAX_PROBED) {
			s->spent = 1;
			return coco_pdf_fail(
			    s, "pdf.limits",
			    "object %ld and the FlateDecode streams before it (in this PDF "
			    "and those scanned before it) inflate to more than 512 MiB in all",
			    f->obj);
		}
		if ((why = flate_over(f)) != NULL)
			return coco_pdf_fail(
			    s, "pdf.limits",
			    "object %ld inflates past the limit (%s): a decompression bomb", f->obj,
			    why);
		if (flate_keep(f, chunk) != 0)
			return -1;
	}
	return 0;
}

/*
 * Inflates len bytes at data (of object obj), counting the output against the size
 * limits. With collect, keeps the output (at most COCO_PDF_MAX_INMEM) in *out. Without,
 * it is a bomb probe over the first COCO_PDF_PROBE compressed bytes, and the whole stream
 * only when they inflate past COCO_PDF_PROBE_FLOOR: a bomb of repetitive data inflates at
 * its full ratio from its first bytes, and the scan must stay within twice the time of
 * hashing the file, which inflating every content and image stream in full cannot (zlib
 * inflates at a fraction of SHA-256's speed).
 */
int coco_pdf_inflate(struct scan *s, uint64_t data, uint64_t len, long obj, int collect,
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
	if (flate_run(f) == 0) {
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

/* The decoding an object or xref stream asks for: FlateDecode or none, and a predictor. */
struct decode {
	int flate;
	long long pred, cols, colors, bpc;
};

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
		return coco_pdf_fail(
		    s, "pdf.structure",
		    "the %s of stream %ld refers to object %lld, which is not an object "
		    "in the file: its decoding cannot be known",
		    key, num, v->i);
	if (coco_pdf_read_object(s, e->off, (long)v->i, 1, &o) != 0)
		return -1;
	*tmp = o.v; /* transferred */
	if (o.has_stream)
		return coco_pdf_fail(s, "pdf.structure", "the %s of stream %ld refers to a stream",
				     key, num);
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
		return coco_pdf_fail(s, "pdf.structure",
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
			rc = coco_pdf_fail(s, "pdf.structure",
					   "the /%s of stream %ld is not an integer",
					   dparm_keys[i].key, num);
		if (rc == 0 && v != NULL)
			*(long long *)((char *)dc + dparm_keys[i].at) = v->i;
		coco_pdf_val_release(s, &tmp);
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
		return coco_pdf_fail(s, "pdf.structure",
				     "stream %ld has /DP, /F, /FFilter or /FDecodeParms: decoded "
				     "differently by different viewers",
				     num);
	rc = param(s, dget(dict, "Filter"), num, "/Filter", &tf, &f);
	filter_array = rc == 0 && f != NULL && f->t == V_ARRAY;
	if (rc == 0)
		rc = one_item(s, f, num, "/Filter", &f);
	if (rc == 0 && f != NULL && !name_is(f, "FlateDecode") && !name_is(f, "Fl"))
		rc = coco_pdf_fail(s, "pdf.structure",
				   "object stream %ld uses a filter other than "
				   "FlateDecode",
				   num);
	dc->flate = f != NULL;
	if (rc == 0)
		rc = param(s, dget(dict, "DecodeParms"), num, "/DecodeParms", &tp, &dp);
	/* a lone filter takes a dictionary: viewers differ on an array there */
	if (rc == 0 && !filter_array && dp != NULL && dp->t == V_ARRAY)
		rc = coco_pdf_fail(s, "pdf.structure",
				   "stream %ld has one /Filter but an array of /DecodeParms", num);
	if (rc == 0)
		rc = one_item(s, dp, num, "/DecodeParms", &dp);
	if (rc == 0)
		rc = param(s, dp, num, "/DecodeParms", &ti, &dp);
	if (rc == 0 && dp != NULL && dp->t != V_DICT && dp->t != V_NULL)
		rc = coco_pdf_fail(s, "pdf.structure",
				   "the /DecodeParms of stream %ld is not a dictionary", num);
	if (rc == 0 && dc->flate)
		rc = decode_ints(s, dp, num, dc);
	coco_pdf_val_release(s, &tf), coco_pdf_val_release(s, &tp), coco_pdf_val_release(s, &ti);
	return rc;
}

/* Undoes the predictor dc gives on the decoded bytes p (PNG predictors only). */
static int predict(struct scan *s, const struct decode *dc, long num, unsigned char *p, size_t *len)
{
	long long bits = dc->colors * dc->bpc;

	if (dc->pred == 1)
		return 0;
	if (dc->pred < 10 || dc->pred > 15)
		return coco_pdf_fail(s, "pdf.xref", "object %ld uses an unsupported predictor",
				     num);
	if (dc->cols <= 0 || dc->cols > 65536 || dc->colors <= 0 || dc->colors > 32 ||
	    (dc->bpc != 1 && dc->bpc != 2 && dc->bpc != 4 && dc->bpc != 8 && dc->bpc != 16) ||
	    unpredict(p, len, (size_t)((bits * dc->cols + 7) / 8), (size_t)((bits + 7) / 8)) !=
		0) /* bytes per pixel, as PNG counts them */
		return coco_pdf_fail(s, "pdf.xref", "object %ld has a bad PNG predictor", num);
	return 0;
}

/* An object or xref stream's decoded bytes, held in memory under COCO_PDF_MAX_INMEM. */
int coco_pdf_stream_mem(struct scan *s, const struct val *dict, uint64_t data, uint64_t len,
			long num, unsigned char **out, size_t *out_len, uint64_t *out_mem)
{
	struct decode dc;
	unsigned char *p;

	*out = NULL;
	if (decode_of(s, dict, num, &dc) != 0)
		return -1;
	if (!dc.flate) {
		if (len > COCO_PDF_MAX_INMEM)
			return coco_pdf_fail(s, "pdf.limits",
					     "object stream %ld is larger than 16 MiB", num);
		if (mem_over(s, MEM_BLOCK(len + 1)))
			return coco_pdf_mem_fail(s, num);
		if ((p = malloc((size_t)len + 1)) == NULL)
			return s->nomem = 1, -1;
		s->mem += *out_mem = MEM_BLOCK(len + 1);
		*out = p, *out_len = (size_t)len;
		if (coco_pdf_read(&s->d, p, (size_t)len, data) != 0) {
			s->d.ioerr = 1;
			goto fail;
		}
	} else if (coco_pdf_inflate(s, data, len, num, 1, out, out_len, out_mem) != 0) {
		return -1;
	}
	charge_stream(s, num, *out_len);
	if ((s->kept += *out_len) > COCO_PDF_MAX_KEPT) {
		s->spent = 1;
		coco_pdf_fail(
		    s, "pdf.limits",
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
