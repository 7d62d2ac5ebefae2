/*
 * The pdf module's difference analysis: when bytes follow a signature's signed range, the
 * incremental updates they hold are compared with the signed revision, in the spirit of
 * pyHanko's DiffPolicy but more conservative. The updates must be cross-reference
 * sections whose /Prev chain leads to the signed revision's, with its /Root; every object
 * they change that the signed revision lists is judged by a rule (the catalogue's /DSS,
 * /AcroForm, /Metadata and /Extensions; the DSS; /Info; the XMP metadata; new signature
 * fields in /AcroForm /Fields and as widgets on a page's /Annots, direct arrays or
 * indirect ones; an empty signature field filled in; where the DocMDP permissions allow
 * it, form fields filled in with new appearances, unless the signature's FieldMDP
 * transform or its field's /Lock locks them; fonts added to the form's /DR), and anything
 * else refuses the coverage. The signed revision's index is loaded into a copy of the
 * scan that shares its reader and counts, so the limits of docs/SECURITY.md hold for this
 * pass too. The updates are judged together, as the file
 * now stands against the signed revision: what a viewer shows is the newest state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdf_diff_int.h"

#define TAIL 1024u /* startxref and %%EOF are looked for in the signed bytes' last TAIL */

/* Records why the updates are refused (the first reason); returns -1. */
int coco_pdfd_refuse(struct diff *d, const char *fmt, ...)
{
	va_list ap;

	if (d->refused)
		return -1;
	d->refused = 1;
	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* refuse, where no changes are allowed (d->mdp 1): by the certification, or by the /P 1
 * of the signature field's lock. */
int coco_pdfd_refuse_p1(struct diff *d, const char *fmt, ...)
{
	char rest[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rest, sizeof(rest), fmt, ap);
	va_end(ap);
	return coco_pdfd_refuse(
	    d, "%s, yet %s",
	    d->lock_p1 ? "the signature's field lock allows no changes (/Lock /P 1)"
		       : "the document is certified with no changes allowed (DocMDP /P 1)",
	    rest);
}

/* Adds an allowed update to the list, once; a list too long ends with "...". */
void coco_pdfd_note(struct diff *d, const char *fmt, ...)
{
	char one[96];
	size_t n = strlen(d->list);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	if (strstr(d->list, one) != NULL)
		return;
	if (n + strlen(one) + 8 < LIST)
		snprintf(d->list + n, LIST - n, "%s%s", n ? "; " : "", one);
	else if (n + 5 < LIST && (n < 3 || strcmp(d->list + n - 3, "...") != 0))
		snprintf(d->list + n, LIST - n, "; ...");
}

/* ---- the two indexes ---------------------------------------------------------------- */

/* The reader and the counts move between the scan and its copy, which take turns. */
static void sync(struct scan *to, const struct scan *from)
{
	to->d = from->d;
	to->work = from->work, to->base = from->base, to->values = from->values;
	to->mem = from->mem, to->kept = from->kept, to->probed = from->probed;
	to->failed = from->failed, to->nomem = from->nomem, to->spent = from->spent;
}

/* The signed revision's index: the sections from its startxref (start) along /Prev. */
static int load_old(struct diff *d, uint64_t start)
{
	struct scan *t = malloc(sizeof(*t));
	int rc;

	if (t == NULL)
		return d->s->nomem = 1, -1;
	*t = *d->s;
	t->x = NULL, t->nx = 0, t->nsec = 0, t->ntab = 0;
	t->cache = NULL, t->cache_off = NULL, t->cache_obj = NULL;
	t->cache_mem = 0, t->cache_num = -1;
	d->t = t;
	rc = coco_pdf_load_chain(t, start);
	sync(d->s, t);
	return rc;
}

static void unload(struct diff *d)
{
	struct scan *t = d->t;

	if (t == NULL)
		return;
	sync(t, d->s);
	coco_pdf_cache_drop(t);
	if (t->x != NULL)
		t->mem -= MEM_BLOCK(t->nx * sizeof(*t->x));
	free(t->x);
	sync(d->s, t);
	free(t);
	d->t = NULL;
}

/* Object num as the signed revision (old) or the file now holds it; null if absent. */
int coco_pdfd_fetch(struct diff *d, int old, long long num, struct obj *o)
{
	int rc;

	if (!old)
		return coco_pdf_fetch(d->s, num, o);
	sync(d->t, d->s);
	rc = coco_pdf_fetch(d->t, num, o);
	sync(d->s, d->t);
	return rc;
}

void coco_pdfd_release(struct diff *d, struct obj *o)
{
	coco_pdf_val_release(d->s, &o->v);
}

/* The entry of num in the signed revision's index, or NULL if it lists none. */
static const struct xent *old_entry(const struct diff *d, long long num)
{
	return num >= 0 && (size_t)num < d->t->nx && d->t->x[num].set ? &d->t->x[num] : NULL;
}

/* Whether an update added object num: the file lists it, the signed revision does not. */
static int is_new(const struct diff *d, long long num)
{
	const struct xent *e = xget(d->s, num), *o = old_entry(d, num);

	return e != NULL && e->set && e->sec <= d->k && (o == NULL || o->type == 0);
}

/* v, or (a reference) the object it names on the side asked, in o (released by the
 * caller). *out is NULL when v is. */
int coco_pdfd_deref(struct diff *d, int old, const struct val *v, struct obj *o,
		    const struct val **out)
{
	memset(o, 0, sizeof(*o));
	*out = v;
	if (v == NULL || v->t != V_REF)
		return 0;
	if (coco_pdfd_fetch(d, old, v->i, o) != 0)
		return -1;
	*out = o->has_stream ? NULL : &o->v;
	return 0;
}

/* ---- comparing values --------------------------------------------------------------- */

#define FEW_KEYS 16u /* a dictionary of more keys is compared through its sorted keys */

static int key_cmp(const void *x, const void *y)
{
	const struct val *a = *(const struct val *const *)x, *b = *(const struct val *const *)y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n > 0 ? memcmp(a->s, b->s, n) : 0;

	return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

/* Dictionary v's keys, sorted by name, in *out (each key's value follows it in v->k;
 * NULL when v has none), so that two dictionaries compare in n log n, not n squared (a
 * dictionary may hold 131,072 keys). -1 when memory runs out. */
static int sorted_keys(struct diff *d, const struct val *v, const struct val ***out)
{
	size_t i, n = v->n / 2;

	*out = NULL;
	if (n == 0)
		return 0;
	if ((*out = malloc(n * sizeof(**out))) == NULL)
		return d->s->nomem = 1, -1;
	for (i = 0; i < n; i++)
		(*out)[i] = &v->k[2 * i];
	qsort(*out, n, sizeof(**out), key_cmp);
	return 0;
}

/* A key that dictionary v holds twice, or NULL (also when memory runs out: nomem). Viewers
 * differ on which of the two values counts, so the analysis cannot say what one shows. */
static const struct val *dup_key(struct diff *d, const struct val *v)
{
	const struct val **k, *dup = NULL;
	size_t i, j;

	if (v->t != V_DICT)
		return NULL;
	for (i = 0; v->n / 2 <= FEW_KEYS && i < v->n / 2; i++)
		for (j = i + 1; j < v->n / 2; j++)
			if (v->k[2 * i].len == v->k[2 * j].len &&
			    memcmp(v->k[2 * i].s, v->k[2 * j].s, v->k[2 * i].len) == 0)
				return &v->k[2 * j];
	if (v->n / 2 <= FEW_KEYS || sorted_keys(d, v, &k) != 0)
		return NULL;
	for (i = 1; i < v->n / 2 && dup == NULL; i++)
		if (key_cmp(&k[i - 1], &k[i]) == 0)
			dup = k[i];
	free(k);
	return dup;
}

static int val_eq(struct diff *d, const struct val *a, const struct val *b);

/* Whether dictionaries a and b (as many keys) have the same keys with the same values; one
 * that holds a key twice equals nothing. */
static int dict_eq(struct diff *d, const struct val *a, const struct val *b)
{
	const struct val **ka = NULL, **kb = NULL, *bv;
	size_t i, n = a->n / 2;
	int eq = 1;

	if (n <= FEW_KEYS) {
		for (i = 0; eq && i < n; i++)
			eq = (bv = dget(b, (const char *)a->k[2 * i].s)) != NULL &&
			     val_eq(d, &a->k[2 * i + 1], bv);
		for (i = 0; eq && i < n; i++)
			eq = dget(a, (const char *)b->k[2 * i].s) != NULL;
		return eq && dup_key(d, a) == NULL && dup_key(d, b) == NULL;
	}
	if (sorted_keys(d, a, &ka) != 0 || sorted_keys(d, b, &kb) != 0)
		eq = 0;
	for (i = 0; eq && i < n; i++)
		eq = key_cmp(&ka[i], &kb[i]) == 0 && (i == 0 || key_cmp(&ka[i - 1], &ka[i]) != 0) &&
		     (i == 0 || key_cmp(&kb[i - 1], &kb[i]) != 0) &&
		     val_eq(d, ka[i] + 1, kb[i] + 1);
	free(ka), free(kb);
	return eq;
}

/* Whether a and b are the same value (real numbers to the sixth decimal place). */
static int val_eq(struct diff *d, const struct val *a, const struct val *b)
{
	size_t i;

	if (a->t != b->t || a->n != b->n)
		return 0;
	switch (a->t) {
	case V_NULL:
		return 1;
	case V_BOOL:
	case V_INT:
	case V_REF:
	case V_REAL:
		return a->i == b->i;
	case V_STR:
	case V_NAME:
		return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
	case V_ARRAY:
		for (i = 0; i < a->n; i++)
			if (!val_eq(d, &a->k[i], &b->k[i]))
				return 0;
		return 1;
	default: /* V_DICT: the same keys, in any order, with the same values */
		return dict_eq(d, a, b);
	}
}

/* Calls fn for each key whose value differs between dictionaries a and b (was or now
 * NULL: the key is absent on that side), in the keys' order; stops at the first -1. A
 * dictionary that holds a key twice is refused. */
int coco_pdfd_each_change(struct diff *d, long num, const struct val *a, const struct val *b,
			  change_fn fn)
{
	const struct val **ka = NULL, **kb = NULL, *dup;
	size_t i = 0, j = 0, na = a->n / 2, nb = b->n / 2;
	int rc = 0, c;

	if ((dup = dup_key(d, a)) != NULL || (dup = dup_key(d, b)) != NULL)
		return coco_pdfd_refuse(
		    d,
		    "object %ld holds the key /%s twice: viewers differ on which value "
		    "counts",
		    num, (const char *)dup->s);
	if (d->s->nomem || sorted_keys(d, a, &ka) != 0 || sorted_keys(d, b, &kb) != 0)
		rc = -1;
	while (rc == 0 && (i < na || j < nb)) {
		c = i == na ? 1 : j == nb ? -1 : key_cmp(&ka[i], &kb[j]);
		if (c < 0)
			rc = fn(d, num, (const char *)ka[i]->s, ka[i] + 1, NULL), i++;
		else if (c > 0)
			rc = fn(d, num, (const char *)kb[j]->s, NULL, kb[j] + 1), j++;
		else if (!val_eq(d, ka[i] + 1, kb[j] + 1))
			rc = fn(d, num, (const char *)ka[i]->s, ka[i] + 1, kb[j] + 1), i++, j++;
		else
			i++, j++;
	}
	free(ka), free(kb);
	return rc != 0 || d->s->nomem ? -1 : 0;
}

/* Whether every reference inside v names an object the updates added. */
int coco_pdfd_refs_new(const struct diff *d, const struct val *v)
{
	size_t i;

	if (v->t == V_REF)
		return is_new(d, v->i);
	for (i = 0; (v->t == V_ARRAY || v->t == V_DICT) && i < v->n; i++)
		if (!coco_pdfd_refs_new(d, &v->k[i]))
			return 0;
	return 1;
}

/* ---- new signature fields ----------------------------------------------------------- */

/* A field's /V: a new signature dictionary (/Type /Sig or /DocTimeStamp) with a
 * /ByteRange, so that it is checked as a signature of its own (coco_pdf_record_sig). */
static int sig_value(struct diff *d, long long field, const struct val *v)
{
	struct obj o;
	const struct val *type;
	int rc = 0;

	if (v == NULL || v->t != V_REF || !is_new(d, v->i))
		return coco_pdfd_refuse(
		    d, "the /V of signature field %lld is not a new signature dictionary", field);
	if (coco_pdfd_fetch(d, 0, v->i, &o) != 0)
		return -1;
	type = dget(&o.v, "Type");
	if (dup_key(d, &o.v) != NULL)
		rc = coco_pdfd_refuse(
		    d, "the /V of signature field %lld, object %lld, holds a key twice", field,
		    v->i);
	else if (o.has_stream || o.v.t != V_DICT ||
		 !(name_is(type, "Sig") || name_is(type, "DocTimeStamp")))
		rc = coco_pdfd_refuse(
		    d,
		    "the /V of signature field %lld, object %lld, is not a /Sig or "
		    "/DocTimeStamp dictionary",
		    field, v->i);
	else if (d->mdp == 1 && !name_is(type, "DocTimeStamp"))
		rc = coco_pdfd_refuse_p1(d, "signature field %lld holds a new signature", field);
	else if (dget(&o.v, "ByteRange") == NULL)
		rc = coco_pdfd_refuse(
		    d,
		    "the /V of signature field %lld, object %lld, has no /ByteRange: it "
		    "signs nothing, so the field's appearance is no signature's",
		    field, v->i);
	coco_pdfd_release(d, &o);
	return rc;
}

/* Object num, added to /AcroForm /Fields or (widget) to a page's /Annots: a new
 * signature field with its widget (one dictionary), its value and appearance new too. */
static int new_field(struct diff *d, long long num, int widget)
{
	const char *where = widget ? "a page's /Annots" : "/AcroForm /Fields";
	const struct val *v, *ap;
	struct obj o;
	int rc = 0;

	if (!is_new(d, num))
		return coco_pdfd_refuse(d, "object %lld, added to %s, is not a new object", num,
					where);
	if (coco_pdfd_fetch(d, 0, num, &o) != 0)
		return -1;
	v = &o.v, ap = dget(v, "AP");
	if (v->t == V_DICT && dup_key(d, v) != NULL)
		rc = coco_pdfd_refuse(
		    d,
		    "object %lld, added to %s, holds a key twice: viewers differ on "
		    "which value counts",
		    num, where);
	else if (o.has_stream || v->t != V_DICT || !name_is(dget(v, "FT"), "Sig") ||
		 dget(v, "Kids") != NULL || (widget && !name_is(dget(v, "Subtype"), "Widget")))
		rc = coco_pdfd_refuse(d,
				      "object %lld, added to %s, is not a signature field with its "
				      "widget in one dictionary",
				      num, where);
	else if (dget(v, "V") == NULL && d->mdp == 1)
		rc = coco_pdfd_refuse_p1(d, "empty signature field %lld was added", num);
	else if (dget(v, "V") == NULL && ap != NULL)
		rc = coco_pdfd_refuse(
		    d,
		    "new empty signature field %lld has an appearance: only a signed "
		    "field may draw on the page",
		    num);
	else if (dget(v, "V") != NULL && sig_value(d, num, dget(v, "V")) != 0)
		rc = -1;
	else if (ap != NULL && !coco_pdfd_refs_new(d, ap))
		rc = coco_pdfd_refuse(
		    d,
		    "the appearance of new signature field %lld uses objects of the "
		    "signed revision",
		    num);
	else
		coco_pdfd_note(d, "signature field %lld added", num), d->draws |= ap != NULL;
	coco_pdfd_release(d, &o);
	return rc;
}

/* An array (/Fields, /Annots) that keeps the signed revision's items first and appends
 * new signature fields. */
static int appended(struct diff *d, long num, const char *key, const struct val *was,
		    const struct val *now, int widget)
{
	size_t i, n = was != NULL && was->t == V_ARRAY ? was->n : 0;

	if ((was != NULL && was->t != V_ARRAY) || now == NULL || now->t != V_ARRAY || now->n < n)
		return coco_pdfd_refuse(
		    d,
		    "object %ld's /%s is not a direct array that keeps the signed "
		    "revision's items",
		    num, key);
	for (i = 0; i < n; i++)
		if (!val_eq(d, &was->k[i], &now->k[i]))
			return coco_pdfd_refuse(
			    d, "object %ld's /%s changes the signed revision's items", num, key);
	for (; i < now->n; i++)
		if (now->k[i].t != V_REF || new_field(d, now->k[i].i, widget) != 0)
			return d->refused
				   ? -1
				   : coco_pdfd_refuse(d, "object %ld's /%s adds a direct value",
						      num, key);
	return 0;
}

/* The page that holds indirect array num as its /Annots, for the widgets an update
 * appended to it (items from index from of now): each names, by its /P, one page of the
 * signed revision whose /Annots is a reference to num (pdfsig writes such arrays). -1 if
 * not so, -2 if a read failed. */
static long long annots_page(struct diff *d, long num, size_t from, const struct val *now)
{
	struct obj o;
	const struct val *p, *annots;
	long long page = -1;
	size_t i;
	int rc = 0, ok;

	for (i = from; rc == 0 && i < now->n; i++) {
		memset(&o, 0, sizeof(o));
		if (now->k[i].t != V_REF || !is_new(d, now->k[i].i))
			rc = -1;
		else if (coco_pdfd_fetch(d, 0, now->k[i].i, &o) != 0)
			rc = -2;
		else if ((p = dget(&o.v, "P")) == NULL || p->t != V_REF ||
			 (page >= 0 && p->i != page))
			rc = -1;
		else
			page = p->i;
		coco_pdfd_release(d, &o);
	}
	if (rc != 0 || page < 0)
		return rc != 0 ? rc : -1;
	memset(&o, 0, sizeof(o));
	if (coco_pdfd_fetch(d, 1, page, &o) != 0)
		return -2;
	annots = dget(&o.v, "Annots");
	ok = !o.has_stream && name_is(dget(&o.v, "Type"), "Page") && annots != NULL &&
	     annots->t == V_REF && annots->i == num;
	coco_pdfd_release(d, &o);
	return ok ? page : -1;
}

/* An indirect array of the signed revision that an update rewrote: the form's /Fields, or
 * a page's /Annots (annots_page), may only append new signature fields. */
static int indirect_array(struct diff *d, long num, const struct val *was, const struct val *now)
{
	long long page;

	if (num == d->fields)
		return appended(d, num, "Fields", was, now, 0);
	page = now->n > was->n ? annots_page(d, num, was->n, now) : -1;
	if (page == -2)
		return -1;
	if (page < 0)
		return coco_pdfd_refuse(
		    d, "object %ld, an array the signed revision holds, changed", num);
	coco_pdfd_note(d, "page object %lld's /Annots (object %ld)", page, num);
	return appended(d, num, "Annots", was, now, 1);
}

/* ---- the rules for changed objects -------------------------------------------------- */

static int acroform_key(struct diff *d, long num, const char *key, const struct val *was,
			const struct val *now)
{
	struct obj a, b;
	const struct val *av, *bv;
	int rc = -1;

	if (strcmp(key, "Fields") == 0)
		return appended(d, num, "Fields", was, now, 0);
	if (strcmp(key, "SigFlags") == 0)
		return 0;
	if (strcmp(key, "NeedAppearances") == 0 && coco_pdfd_may_fill(d) &&
	    (now == NULL || now->t == V_BOOL)) {
		coco_pdfd_note(d, "the /AcroForm's /NeedAppearances");
		return d->filled = 1, 0;
	}
	if (strcmp(key, "DR") != 0)
		return coco_pdfd_refuse(d, "the /AcroForm's /%s changed", key);
	memset(&b, 0, sizeof(b));
	if (coco_pdfd_deref(d, 1, was, &a, &av) == 0 && coco_pdfd_deref(d, 0, now, &b, &bv) == 0)
		rc = coco_pdfd_dr_change(d, num, av, bv);
	coco_pdfd_release(d, &a), coco_pdfd_release(d, &b);
	return rc;
}

/* The form (object num, or the catalogue's direct /AcroForm): new signature fields. */
static int acroform(struct diff *d, long num, const struct val *was, const struct val *now)
{
	if (was == NULL || was->t != V_DICT)
		was = &empty_dict;
	if (now == NULL || now->t != V_DICT)
		return coco_pdfd_refuse(d, "the /AcroForm is not a dictionary");
	return coco_pdfd_each_change(d, num, was, now, acroform_key);
}

static int catalogue_key(struct diff *d, long num, const char *key, const struct val *was,
			 const struct val *now)
{
	struct obj a, b;
	const struct val *av, *bv;
	int rc = -1;

	if (strcmp(key, "Metadata") == 0 && d->mdp == 1)
		return coco_pdfd_refuse_p1(d, "the catalogue's /Metadata changed");
	if (strcmp(key, "DSS") == 0 || strcmp(key, "Metadata") == 0 ||
	    strcmp(key, "Extensions") == 0) {
		coco_pdfd_note(d, "the catalogue's /%s", key);
		return now != NULL ? 0
				   : coco_pdfd_refuse(d, "the catalogue's /%s was removed", key);
	}
	if (strcmp(key, "AcroForm") != 0)
		return coco_pdfd_refuse(d, "the catalogue's /%s changed", key);
	memset(&b, 0, sizeof(b));
	if (coco_pdfd_deref(d, 1, was, &a, &av) == 0 && coco_pdfd_deref(d, 0, now, &b, &bv) == 0)
		rc = acroform(d, num, av, bv);
	coco_pdfd_release(d, &a), coco_pdfd_release(d, &b);
	return rc;
}

static int page_key(struct diff *d, long num, const char *key, const struct val *was,
		    const struct val *now)
{
	if (strcmp(key, "Annots") != 0)
		return coco_pdfd_refuse(d, "page object %ld's /%s changed", num, key);
	coco_pdfd_note(d, "page object %ld's /Annots", num);
	return appended(d, num, "Annots", was, now, 1);
}

static int fill_key(struct diff *d, long num, const char *key, const struct val *was,
		    const struct val *now)
{
	if (strcmp(key, "V") == 0 && (was == NULL || was->t == V_NULL))
		return sig_value(d, num, now);
	if (strcmp(key, "AP") == 0 && now != NULL && coco_pdfd_refs_new(d, now))
		return d->draws = 1, 0;
	return coco_pdfd_refuse(d, "signature field %ld's /%s changed as it was filled in", num,
				key);
}

/* Whether object num is the DSS or one of its indirect parts: 1 + its enum dss_kind, or 0. */
static int in_dss(const struct diff *d, long long num)
{
	size_t i;

	for (i = 0; i < d->ndss; i++)
		if (d->dss[i] == num)
			return 1 + d->dss_kind[i];
	return 0;
}

static int cmp_ll(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return (a > b) - (a < b);
}

/* A /Certs, /CRLs or /OCSPs array of the DSS (object num, or direct in it) as an update
 * leaves it: references only, each to a new stream or to an item it already held, so
 * that an array the signed revision also uses elsewhere (as a page's /Annots, say) cannot
 * take anything a viewer would show. */
static int dss_array(struct diff *d, long num, const struct val *was, const struct val *now)
{
	size_t i, n = was != NULL && was->t == V_ARRAY ? was->n : 0;
	long long *old = malloc((n + 1) * sizeof(*old));
	struct obj o;
	int rc = 0;

	if (old == NULL)
		return d->s->nomem = 1, -1;
	for (i = 0; i < n; i++)
		old[i] = was->k[i].t == V_REF ? was->k[i].i : -1;
	qsort(old, n, sizeof(*old), cmp_ll);
	for (i = 0; rc == 0 && now != NULL && now->t == V_ARRAY && i < now->n; i++) {
		const struct val *it = &now->k[i];
		if (it->t != V_REF)
			rc = coco_pdfd_refuse(
			    d, "the DSS's array (object %ld) holds a direct value", num);
		else if (!is_new(d, it->i) && bsearch(&it->i, old, n, sizeof(*old), cmp_ll) == NULL)
			rc = coco_pdfd_refuse(
			    d,
			    "the DSS's array (object %ld) takes object %lld of the signed "
			    "revision",
			    num, it->i);
		else if (is_new(d, it->i)) {
			memset(&o, 0, sizeof(o));
			rc = coco_pdfd_fetch(d, 0, it->i, &o) != 0 ? -1
			     : !o.has_stream
				 ? coco_pdfd_refuse(
				       d,
				       "the DSS's array (object %ld) takes object %lld, which is "
				       "not a stream (a certificate, CRL or OCSP response)",
				       num, it->i)
				 : 0;
			coco_pdfd_release(d, &o);
		}
	}
	free(old);
	if (rc == 0 && (now == NULL || now->t != V_ARRAY))
		rc = coco_pdfd_refuse(
		    d, "the DSS's /Certs, /CRLs or /OCSPs (object %ld) is not an array", num);
	return rc;
}

/* A key of the DSS dictionary: /Type /DSS, /VRI, /Certs, /CRLs, /OCSPs (arrays checked
 * as dss_array does when direct), nothing else. */
static int dss_key(struct diff *d, long num, const char *key, const struct val *was,
		   const struct val *now)
{
	int array =
	    strcmp(key, "Certs") == 0 || strcmp(key, "CRLs") == 0 || strcmp(key, "OCSPs") == 0;

	if (strcmp(key, "Type") == 0 && (now == NULL || name_is(now, "DSS")))
		return 0;
	if (strcmp(key, "VRI") == 0 && (now == NULL || now->t == V_REF || now->t == V_DICT))
		return 0;
	if (array && (now == NULL || now->t == V_REF))
		return 0;
	if (array && now->t == V_ARRAY)
		return dss_array(d, num, was != NULL && was->t == V_ARRAY ? was : NULL, now);
	return coco_pdfd_refuse(d, "the DSS (object %ld) changes /%s, which a DSS does not hold",
				num, key);
}

/* A key of the /VRI map: the upper-case hex SHA-1 of a signature's /Contents (40 digits),
 * for a dictionary. */
static int vri_key(struct diff *d, long num, const char *key, const struct val *was,
		   const struct val *now)
{
	size_t i, n = strlen(key);

	(void)was;
	for (i = 0; n == 40 && i < n; i++)
		if (!((key[i] >= '0' && key[i] <= '9') || (key[i] >= 'A' && key[i] <= 'F')))
			break;
	if (n == 40 && i == n && (now == NULL || now->t == V_REF || now->t == V_DICT))
		return 0;
	return coco_pdfd_refuse(
	    d,
	    "the DSS's /VRI (object %ld) changes /%s, which is not a signature's "
	    "SHA-1 with its dictionary",
	    num, key);
}

/* A change to a DSS part (in_dss gave kind + 1). */
static int dss_change(struct diff *d, long num, int kind, const struct val *was,
		      const struct val *now)
{
	if (kind == 1 + DSS_ARRAY)
		return dss_array(d, num, was, now);
	if (was->t != V_DICT || now->t != V_DICT)
		return coco_pdfd_refuse(d, "the DSS's dictionary (object %ld) is not a dictionary",
					num);
	return coco_pdfd_each_change(d, num, was, now, kind == 1 + DSS_DICT ? dss_key : vri_key);
}

/* Whether v is a dictionary that a viewer draws or acts on (a page, annotation, field,
 * form, or one with resources or contents): a key of these, or a /Type other than the
 * ones given (NULL-terminated). */
static int draws(const struct val *v, const char *const *types)
{
	static const char *const keys[] = {"Subtype", "FT",     "Parent", "Kids",     "Contents",
					   "AP",      "Annots", "Pages",  "Resources"};
	const struct val *type = dget(v, "Type");
	size_t i;
	int ok = type == NULL;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (dget(v, keys[i]) != NULL)
			return 1;
	for (i = 0; types[i] != NULL; i++)
		ok |= name_is(type, types[i]);
	return !ok;
}

/* What may change freely: the trailer's /Info (a plain dictionary), the catalogue's XMP
 * /Metadata (a stream of /Type /Metadata), the DSS and its parts (arrays, or dictionaries
 * of /Type /DSS or /VRI, or none). Each is checked to be what it claims, so that a
 * document prepared with /Info or /Metadata naming its page cannot be changed through
 * them. A phrase for the list, or NULL. */
static const char *free_change(const struct diff *d, long num, const struct obj *was,
			       const struct obj *now)
{
	static const char *const none[] = {NULL}, *const dss[] = {"DSS", "VRI", NULL};
	const struct val *a = &was->v;
	int dicts = !was->has_stream && !now->has_stream && a->t == V_DICT && now->v.t == V_DICT;

	if (num == d->dr || num == d->dr_font)
		return NULL; /* a /DR shared with these is judged as /DR */
	if (num == d->info && dicts && !draws(a, none) && !draws(&now->v, none))
		return "the document information dictionary";
	if (num == d->meta && was->has_stream && now->has_stream &&
	    name_is(dget(a, "Type"), "Metadata") && name_is(dget(&now->v, "Type"), "Metadata"))
		return "the XMP metadata";
	if (in_dss(d, num) && !was->has_stream && !now->has_stream &&
	    ((a->t == V_ARRAY && now->v.t == V_ARRAY) ||
	     (dicts && !draws(a, dss) && !draws(&now->v, dss))))
		return "the DSS";
	return NULL;
}

/* A value /Info may take or lose: text, a date, a name, a number (ISO 32000-2 14.3.3), not a
 * reference or a container, which a document prepared with /Info as, say, its page's
 * /Resources would draw. */
static int plain(const struct val *v)
{
	return v == NULL || (v->t != V_REF && v->t != V_ARRAY && v->t != V_DICT);
}

static int info_key(struct diff *d, long num, const char *key, const struct val *was,
		    const struct val *now)
{
	if (plain(was) && plain(now))
		return 0;
	return coco_pdfd_refuse(
	    d,
	    "the document information dictionary (object %ld) changes /%s, which is "
	    "not text, a name or a number",
	    num, key);
}

/* An object of the signed revision that the updates replaced: was and now as read. */
static int changed(struct diff *d, long num, const struct obj *was, const struct obj *now)
{
	const struct val *a = &was->v, *b = &now->v;
	int dicts = !was->has_stream && !now->has_stream && a->t == V_DICT && b->t == V_DICT;
	const char *what = free_change(d, num, was, now);
	long long field;

	if (!was->has_stream && !now->has_stream && val_eq(d, a, b))
		return 0; /* written again, unchanged */
	if (what != NULL && (num == d->info || num == d->meta) && d->mdp == 1)
		return coco_pdfd_refuse_p1(d, "object %ld, the document's metadata, changed", num);
	if (what != NULL && num == d->info && coco_pdfd_each_change(d, num, a, b, info_key) != 0)
		return -1;
	if (what != NULL && num != d->info && num != d->meta && in_dss(d, num) &&
	    dss_change(d, num, in_dss(d, num), a, b) != 0)
		return -1;
	if (what != NULL) {
		coco_pdfd_note(d, "%s", what);
		return 0;
	}
	if (dicts && num == d->root)
		return coco_pdfd_each_change(d, num, a, b, catalogue_key);
	if (dicts && num == d->acro)
		return acroform(d, num, a, b);
	if (dicts && name_is(dget(a, "Type"), "Page"))
		return coco_pdfd_each_change(d, num, a, b, page_key);
	if (dicts && name_is(dget(a, "FT"), "Sig") && dget(a, "V") == NULL) {
		if (coco_pdfd_lock_check(d, num) != 0)
			return -1;
		coco_pdfd_note(d, "signature field %ld filled in", num);
		return coco_pdfd_each_change(d, num, a, b, fill_key);
	}
	if (dicts && num == d->dr)
		return coco_pdfd_dr_change(d, num, a, b);
	if (dicts && num == d->dr_font)
		return d->mdp == 1 ? coco_pdfd_refuse_p1(d, "the /AcroForm's /DR changed")
				   : coco_pdfd_dr_grow(d, num, "Font", a, b);
	if (dicts && (field = coco_pdfd_form_field(d, num, a)) != -1)
		return field < 0 ? -1 : coco_pdfd_fill_form(d, num, field, a, b);
	if (!was->has_stream && !now->has_stream && a->t == V_ARRAY && b->t == V_ARRAY)
		return indirect_array(d, num, a, b);
	return coco_pdfd_refuse(d, "object %ld, which the signed revision holds, changed", num);
}

static int judge_changed(struct diff *d, long num)
{
	struct obj was, now;
	int rc = -1;

	memset(&now, 0, sizeof(now));
	if (coco_pdfd_fetch(d, 1, num, &was) == 0 && coco_pdfd_fetch(d, 0, num, &now) == 0)
		rc = changed(d, num, &was, &now);
	coco_pdfd_release(d, &was), coco_pdfd_release(d, &now);
	return rc;
}

/* Every object the updates list: added, freed, or changed. */
static int walk(struct diff *d)
{
	const struct xent *e, *o;
	size_t num;

	for (num = 1; num < d->t->nx; num++)
		if (d->t->x[num].type == 1 && d->t->x[num].off >= d->end)
			return coco_pdfd_refuse(
			    d,
			    "the signed revision places object %zu after its signed "
			    "bytes",
			    num);
	for (num = 1; num < d->s->nx && !d->refused && !d->s->failed; num++) {
		e = &d->s->x[num], o = old_entry(d, (long long)num);
		if (!e->set || e->sec > d->k ||
		    (o != NULL && o->type == e->type && o->off == e->off && o->gen == e->gen))
			continue;
		if (e->type == 0 && o != NULL && o->type != 0)
			return coco_pdfd_refuse(
			    d, "object %zu, which the signed revision holds, was freed", num);
		if (e->type != 0 && o != NULL && o->type == 0)
			return coco_pdfd_refuse(
			    d,
			    "object %zu reuses a number the signed revision lists as "
			    "free",
			    num);
		if (e->type != 0 && o == NULL && e->oldref > d->k)
			return coco_pdfd_refuse(
			    d,
			    "object %zu, which an update adds, is referred to by the "
			    "signed revision",
			    num);
		if (e->type != 0 && o == NULL)
			d->n_new++;
		else if (e->type != 0 && judge_changed(d, (long)num) != 0)
			return -1;
	}
	return d->refused || d->s->failed ? -1 : 0;
}

/* ---- references from older revisions ------------------------------------------------ */

static int reg_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

/* The revision whose bytes hold offset at: the section (1 = newest) of the first
 * cross-reference at or after it, or 0 if none follows. */
static unsigned region(struct scan *s, uint64_t at)
{
	size_t i, lo = 0, hi;

	if (s->nreg == 0) {
		for (i = 0; i < s->nsec; i++)
			s->reg[i][0] = s->sec[i], s->reg[i][1] = i + 1;
		s->nreg = s->nsec;
		qsort(s->reg, s->nreg, sizeof(s->reg[0]), reg_cmp);
	}
	hi = s->nreg;
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (s->reg[i][0] < at)
			lo = i + 1;
		else
			hi = i;
	}
	return lo < s->nreg ? (unsigned)s->reg[lo][1] : 0;
}

static void refs(struct scan *s, const struct val *v, unsigned r)
{
	struct xent *e;
	size_t i;

	if (v->t == V_REF && v->i >= 0 && (size_t)v->i < s->nx) {
		e = &s->x[v->i];
		if (e->type != 0 && r > e->sec && r > e->oldref)
			e->oldref = (uint8_t)(r > 255 ? 255 : r);
	}
	for (i = 0; (v->t == V_ARRAY || v->t == V_DICT) && i < v->n; i++)
		refs(s, &v->k[i], r);
}

void coco_pdf_note_refs(struct scan *s, const struct val *v)
{
	unsigned r;

	if (s->nsec < 2 || (r = region(s, s->refs_at)) < 2)
		return;
	refs(s, v, r);
}

/* ---- the signed revision ------------------------------------------------------------ */

/* The offset the signed bytes' own startxref gives (they must end a revision). */
static int signed_start(struct diff *d, uint64_t *start)
{
	unsigned char t[TAIL + 1];
	size_t n = d->end < TAIL ? (size_t)d->end : TAIL, e, i;
	unsigned long long v = 0;

	if (coco_pdf_read(&d->s->d, t, n, d->end - n) != 0)
		return d->s->d.ioerr = 1, -1;
	for (e = n; e > 0 && is_ws(t[e - 1]); e--)
		;
	if (e < 5 || memcmp(t + e - 5, "%%EOF", 5) != 0)
		return coco_pdfd_refuse(
		    d, "the signed bytes do not end with %%%%EOF: they are not a whole "
		       "revision");
	for (i = e - 5; i >= 9 && memcmp(t + i - 9, "startxref", 9) != 0; i--)
		;
	if (i < 9)
		return coco_pdfd_refuse(d,
					"the signed bytes do not end with startxref and %%%%EOF");
	while (i < e && is_ws(t[i]))
		i++;
	for (n = 0; i < e && t[i] >= '0' && t[i] <= '9' && n < 19; i++, n++)
		v = v * 10 + (unsigned)(t[i] - '0');
	if (n == 0 || v >= d->end)
		return coco_pdfd_refuse(
		    d, "the signed revision's startxref is not inside the signed bytes");
	*start = v;
	return 0;
}

/* The signed revision among the file's sections: the updates (sections 1 .. k) all lie
 * after the signed bytes, lead to it along /Prev, and keep its /Root. */
static int find_revision(struct diff *d, uint64_t *start)
{
	const struct scan *s = d->s;
	uint64_t alt = *start;
	size_t i, j;
	int c;

	while (alt < d->end && (c = rd_byte(&d->s->d, alt)) >= 0 && is_ws(c))
		alt++; /* a startxref at the end of line before "xref" */
	for (i = 0; i < s->nsec && s->sec[i] != *start && s->sec[i] != alt; i++)
		if (s->sec[i] < d->end)
			return coco_pdfd_refuse(
			    d,
			    "the /Prev chain reaches byte offset %llu, inside the "
			    "signed bytes, not the signed revision's cross-reference",
			    (unsigned long long)s->sec[i]);
	if (i == s->nsec)
		return coco_pdfd_refuse(d,
					"the /Prev chain does not lead to the signed revision's "
					"cross-reference at byte offset %llu",
					(unsigned long long)*start);
	if (i == 0)
		return coco_pdfd_refuse(
		    d, "no cross-reference section follows the signed revision: the "
		       "bytes after it are not an incremental update");
	if (i >= 255)
		return coco_pdfd_refuse(d, "more than 254 updates follow the signed revision");
	*start = s->sec[i];
	for (j = 0; j < i; j++)
		if (s->sec_root[j] != s->sec_root[i])
			return coco_pdfd_refuse(
			    d,
			    "an update's trailer does not keep /Root %lld 0 R, the "
			    "signed revision's catalogue",
			    s->sec_root[i]);
	d->k = i, d->root = s->sec_root[i], d->info = s->sec_info[i];
	return d->root >= 0 ? 0
			    : coco_pdfd_refuse(d, "the signed revision's /Root is not a reference");
}

static void dss_part(struct diff *d, const struct val *v, enum dss_kind kind)
{
	if (v != NULL && v->t == V_REF && d->ndss < MAX_DSS)
		d->dss_kind[d->ndss] = (unsigned char)kind, d->dss[d->ndss++] = v->i;
}

/* The DocMDP permissions of the signed revision's certification (ISO 32000-2 12.8.2.2):
 * the /P of the DocMDP transform in the /Reference of the signature dictionary that the
 * catalogue's /Perms /DocMDP names (2 if absent); 0 when the document is not certified,
 * and 1, the strictest, when the certification cannot be read. -1: a read failed. */
static int docmdp(struct diff *d, const struct val *cat)
{
	const struct val *perms = dget(cat, "Perms"), *ref, *r, *p;
	struct obj po, so;
	int mdp = 1;
	size_t i;

	memset(&so, 0, sizeof(so));
	if (coco_pdfd_deref(d, 1, perms, &po, &perms) != 0) {
		coco_pdfd_release(d, &po);
		return -1;
	}
	if ((ref = dget(perms, "DocMDP")) == NULL)
		mdp = 0;
	else if (ref->t == V_REF && coco_pdfd_fetch(d, 1, ref->i, &so) != 0)
		mdp = -1;
	r = dget(&so.v, "Reference");
	for (i = 0; mdp > 0 && r != NULL && r->t == V_ARRAY && i < r->n; i++)
		if (name_is(dget(&r->k[i], "TransformMethod"), "DocMDP")) {
			p = dget(dget(&r->k[i], "TransformParams"), "P");
			mdp = p == NULL                                 ? 2
			      : p->t == V_INT && p->i >= 1 && p->i <= 3 ? (int)p->i
									: 1;
		}
	coco_pdfd_release(d, &po), coco_pdfd_release(d, &so);
	return mdp;
}

/* The signature's field: the one among the form's /Fields (up to MAX_FIELDS of them) whose
 * /V is the signature dictionary; its /Lock (ISO 32000-2 12.7.5.5) into d->lock, and the
 * lock's /P (PDF 2.0) lowers the permissions: 3 when not certified, a higher /P ignored. */
static int find_lock(struct diff *d, const struct val *fields)
{
	const struct val *v, *p;
	struct obj o;
	size_t i;

	for (i = 0; fields != NULL && fields->t == V_ARRAY && i < fields->n && i < MAX_FIELDS;
	     i++) {
		if (fields->k[i].t != V_REF)
			continue;
		if (coco_pdfd_fetch(d, 1, fields->k[i].i, &o) != 0)
			return -1;
		v = dget(&o.v, "V");
		if (!o.has_stream && v != NULL && v->t == V_REF && v->i == d->sig) {
			d->fieldo = o; /* transferred */
			break;
		}
		coco_pdfd_release(d, &o);
	}
	v = dget(&d->fieldo.v, "Lock");
	if (coco_pdfd_deref(d, 1, v, &d->locko, &v) != 0)
		return -1;
	d->lock = v != NULL && v->t != V_NULL ? v : NULL;
	p = dget(d->lock, "P");
	if (p != NULL && p->t == V_INT && p->i == 1 && d->mdp != 1)
		d->mdp = 1, d->lock_p1 = 1; /* 2 and 3 allow what no certification does */
	return 0;
}

/* The form's /DR and its /Font, when objects of their own (acro: the form, or NULL). */
static int prepare_form(struct diff *d, const struct val *acro)
{
	const struct val *dr = dget(acro, "DR"), *font;
	struct obj o;
	int rc;

	d->dr = dr != NULL && dr->t == V_REF ? dr->i : -1;
	rc = coco_pdfd_deref(d, 1, dr, &o, &dr);
	font = dget(dr, "Font");
	d->dr_font = rc == 0 && font != NULL && font->t == V_REF ? font->i : -1;
	coco_pdfd_release(d, &o);
	return rc;
}

/* What the signed revision's /AcroForm (v, the catalogue's value) refers to: its /DR, its
 * /Fields when an indirect array, and the signature's field with its /Lock. */
static int prepare_acroform(struct diff *d, const struct val *v)
{
	struct obj acro, fields;
	int rc = -1;

	memset(&fields, 0, sizeof(fields));
	if (coco_pdfd_deref(d, 1, v, &acro, &v) != 0 || prepare_form(d, v) != 0)
		goto out;
	v = dget(v, "Fields"), d->fields = v && v->t == V_REF ? v->i : -1;
	if (coco_pdfd_deref(d, 1, v, &fields, &v) == 0 && find_lock(d, v) == 0)
		rc = 0;
out:
	coco_pdfd_release(d, &acro), coco_pdfd_release(d, &fields);
	return rc;
}

/* What the signed revision's catalogue refers to: /Metadata, /AcroForm, /DSS (parts), the
 * certification; and the signature's dictionary. */
static int prepare(struct diff *d)
{
	const char *parts[] = {"VRI", "Certs", "CRLs", "OCSPs"};
	struct obj cat, dss;
	const struct val *v;
	size_t i;
	int rc = -1;

	memset(&dss, 0, sizeof(dss));
	if (coco_pdfd_fetch(d, 1, d->root, &cat) != 0 || (d->mdp = docmdp(d, &cat.v)) < 0)
		goto out;
	v = dget(&cat.v, "Metadata"), d->meta = v && v->t == V_REF ? v->i : -1;
	v = dget(&cat.v, "AcroForm"), d->acro = v && v->t == V_REF ? v->i : -1;
	if (prepare_acroform(d, v) != 0)
		goto out;
	dss_part(d, v = dget(&cat.v, "DSS"), DSS_DICT);
	if (coco_pdfd_deref(d, 1, v, &dss, &v) != 0)
		goto out;
	for (i = 0; v != NULL && i < sizeof(parts) / sizeof(parts[0]); i++)
		dss_part(d, dget(v, parts[i]), i == 0 ? DSS_VRI : DSS_ARRAY);
	if (coco_pdfd_fetch(d, 1, d->sig, &d->sigo) == 0)
		rc = 0;
out:
	coco_pdfd_release(d, &cat), coco_pdfd_release(d, &dss);
	return rc;
}

/* ---- the verdict -------------------------------------------------------------------- */

static void report(struct diff *d, const struct sigrec *g, struct coco_pdf_sig *sig, int *bad)
{
	unsigned long long after = d->s->size - sig->end;

	if (d->refused || d->s->failed) {
		sig->coverage = COCO_PDF_COVER_NONE;
		(*bad)++;
		coco_report_add(d->s->r, COCO_STATUS_FAIL, "pdf.coverage", d->s->name,
				"signature in object %ld covers bytes 0..%llu, but %llu bytes "
				"follow: not covered, as %s",
				g->obj, (unsigned long long)sig->end, after,
				d->refused ? d->why : "the updates after it cannot be read");
		return;
	}
	sig->coverage = COCO_PDF_COVER_REVISION;
	sig->updates_draw = d->draws;
	sig->updates_fill = d->filled;
	if (d->n_new > 0)
		coco_pdfd_note(d, "%zu new object%s", d->n_new, d->n_new == 1 ? "" : "s");
	coco_report_add(d->s->r, COCO_STATUS_PASS, "pdf.coverage", d->s->name,
			"signature in object %ld covers the entire revision with allowed "
			"updates: bytes 0..%llu, then %llu bytes of incremental updates (%s)",
			g->obj, (unsigned long long)sig->end, after,
			d->list[0] ? d->list : "nothing changed");
}

enum coco_err coco_pdf_coverage(struct scan *s, const struct sigrec *g, struct coco_pdf_sig *sig,
				int *bad)
{
	struct diff d;
	uint64_t start = 0;

	memset(&d, 0, sizeof(d));
	d.s = s, d.end = sig->end;
	d.root = d.info = d.meta = d.acro = d.fields = d.dr = d.dr_font = -1;
	d.sig = g->obj;
	if (signed_start(&d, &start) == 0 && find_revision(&d, &start) == 0 &&
	    load_old(&d, start) == 0 && prepare(&d) == 0)
		walk(&d);
	coco_pdfd_release(&d, &d.sigo), coco_pdfd_release(&d, &d.fieldo),
	    coco_pdfd_release(&d, &d.locko);
	unload(&d);
	if (s->d.ioerr)
		return coco_seterr(s->ctx, COCO_ERR_IO, "cannot read '%s'", s->name);
	if (s->nomem)
		return coco_seterr(s->ctx, COCO_ERR_NOMEM, "out of memory");
	report(&d, g, sig, bad);
	return COCO_OK;
}
