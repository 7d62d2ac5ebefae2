/*
 * Form filling after a signature (pdf_diff_int.h): where the DocMDP permissions allow it
 * (/P 2, /P 3 held to /P 2, or no certification), a form field's /V and its widget's /AS
 * and new /AP may change; a field the signature's FieldMDP transform or its field's /Lock
 * locks may not; the form's /DR may only gain fonts and encodings. Split from pdf_diff.c,
 * whose rules for changed objects call these.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdf_diff_int.h"

#define MAX_DEPTH 8u    /* the /Parent chain followed for a field's name */
#define FIELD_NAME 512u /* the longest fully qualified field name compared */

/* Whether the DocMDP permissions allow form filling: not certified, or /P 2 or /P 3. */
int coco_pdfd_may_fill(const struct diff *d)
{
	return d->mdp != 1;
}

/* The fully qualified name of field num in the signed revision (ISO 32000-2 12.7.4.2):
 * the /T of it and of its /Parent fields, joined by periods, into name (*len bytes, not
 * terminated). 0; 1 when it does not fit or the chain is too deep; -1 if a read failed. */
static int field_name(struct diff *d, long long num, char *name, size_t *len)
{
	const struct val *t, *p;
	struct obj o;
	size_t depth, n = 0, add;

	for (depth = 0; num >= 0 && depth < MAX_DEPTH; depth++) {
		if (coco_pdfd_fetch(d, 1, num, &o) != 0)
			return -1;
		t = dget(&o.v, "T"), p = dget(&o.v, "Parent");
		add = t != NULL && t->t == V_STR && t->len > 0 ? t->len + (n > 0) : 0;
		if (add > 0 && n + add <= FIELD_NAME) {
			memmove(name + add, name, n);
			memcpy(name, t->s, t->len);
			if (n > 0)
				name[t->len] = '.';
		}
		n += add;
		num = p != NULL && p->t == V_REF && !o.has_stream ? p->i : -1;
		coco_pdfd_release(d, &o);
	}
	*len = n;
	return num < 0 && n <= FIELD_NAME ? 0 : 1;
}

/* Whether list (a FieldMDP /Fields array) names the field called name (len bytes), or one
 * of the fields above it. */
static int listed(const struct val *list, const char *name, size_t len)
{
	const struct val *f;
	size_t i;

	for (i = 0; list != NULL && list->t == V_ARRAY && i < list->n; i++) {
		f = &list->k[i];
		if (f->t == V_STR && f->len <= len && memcmp(f->s, name, f->len) == 0 &&
		    (f->len == len || name[f->len] == '.'))
			return 1;
	}
	return 0;
}

/* Whether p, a FieldMDP transform's parameters or a signature field's /Lock, locks the
 * field called name (len bytes; NULL: a name not known, locked by any): /Action /Include
 * listing it, /Exclude not listing it, /All or anything else. */
static int locks(const struct val *p, const char *name, size_t len)
{
	const struct val *a = dget(p, "Action"), *f = dget(p, "Fields");

	return name == NULL || !((name_is(a, "Include") && !listed(f, name, len)) ||
				 (name_is(a, "Exclude") && listed(f, name, len)));
}

/* Whether the signature locks the field called name (as locks): by a FieldMDP transform
 * in its dictionary's /Reference (ISO 32000-2 12.8.2.4), or by the /Lock of its field
 * (12.7.5.5). A /Reference that is not a direct array of direct dictionaries, which
 * cannot be read here, locks every field. */
static int locked(const struct diff *d, const char *name, size_t len)
{
	const struct val *r = dget(&d->sigo.v, "Reference");
	size_t i;

	if (r != NULL && r->t != V_ARRAY && r->t != V_NULL)
		return 1;
	for (i = 0; r != NULL && r->t == V_ARRAY && i < r->n; i++) {
		if (r->k[i].t != V_DICT)
			return 1;
		if (name_is(dget(&r->k[i], "TransformMethod"), "FieldMDP") &&
		    locks(dget(&r->k[i], "TransformParams"), name, len))
			return 1;
	}
	return d->lock != NULL && locks(d->lock, name, len);
}

/* Refuses a change to field field (an object of the signed revision) when the signature
 * locks it; 0 when it does not. */
int coco_pdfd_lock_check(struct diff *d, long long field)
{
	char name[FIELD_NAME];
	size_t len = 0;
	int named = field_name(d, field, name, &len);

	if (named < 0)
		return -1;
	if (locked(d, named == 0 ? name : NULL, len))
		return coco_pdfd_refuse(
		    d,
		    "form field %lld is locked by the signature's FieldMDP transform, "
		    "yet it changed",
		    field);
	return 0;
}

/* What kind of field /FT ft makes: a phrase, or NULL for a signature field or none. */
static const char *field_kind(const struct val *ft)
{
	return name_is(ft, "Tx")    ? "text field"
	       : name_is(ft, "Ch")  ? "choice field"
	       : name_is(ft, "Btn") ? "button field"
				    : NULL;
}

/* The form field that the signed revision's dictionary a (object num) is, or is the
 * widget of: a text, choice or button field with its /FT, or a widget (no /FT) whose
 * /Parent is one. -1 if neither, -2 if a read failed. */
long long coco_pdfd_form_field(struct diff *d, long num, const struct val *a)
{
	const struct val *p = dget(a, "Parent");
	struct obj o;
	long long field = -1;

	if (field_kind(dget(a, "FT")) != NULL)
		return num;
	if (dget(a, "FT") != NULL || !name_is(dget(a, "Subtype"), "Widget") || p == NULL ||
	    p->t != V_REF)
		return -1;
	if (coco_pdfd_fetch(d, 1, p->i, &o) != 0)
		return -2;
	if (!o.has_stream && field_kind(dget(&o.v, "FT")) != NULL)
		field = p->i;
	coco_pdfd_release(d, &o);
	return field;
}

/* A key of a form field or its widget (object num) that changed as it was filled in: the
 * field's /V (referring only to new objects), a widget's /AS and its /AP (the same). */
static int form_key(struct diff *d, long num, const char *key, const struct val *was,
		    const struct val *now)
{
	(void)was;
	if (strcmp(key, "V") == 0 && num == d->field && (now == NULL || coco_pdfd_refs_new(d, now)))
		return 0;
	if (strcmp(key, "V") == 0 && num == d->field)
		return coco_pdfd_refuse(
		    d, "the new /V of form field %ld uses objects of the signed revision", num);
	if (strcmp(key, "AS") == 0 && d->widget && (now == NULL || now->t == V_NAME))
		return 0;
	if (strcmp(key, "AP") == 0 && d->widget && now != NULL && coco_pdfd_refs_new(d, now))
		return 0;
	if (strcmp(key, "AP") == 0 && d->widget && now != NULL)
		return coco_pdfd_refuse(
		    d,
		    "the new appearance of form field %ld uses objects of the signed "
		    "revision",
		    num);
	return coco_pdfd_refuse(d, "form field %ld's /%s changed as it was filled in", num, key);
}

/* Object num of the signed revision, form field field or its widget, changed (a, b):
 * filled in, where the DocMDP permissions allow it and no FieldMDP lock forbids it. */
int coco_pdfd_fill_form(struct diff *d, long num, long long field, const struct val *a,
			const struct val *b)
{
	const struct val *fv = a, *ff;
	struct obj fo;
	int rc;

	memset(&fo, 0, sizeof(fo));
	if (field != num && coco_pdfd_fetch(d, 1, field, &fo) != 0)
		return -1;
	fv = field != num ? &fo.v : a, ff = dget(fv, "Ff");
	if (!coco_pdfd_may_fill(d))
		rc = coco_pdfd_refuse_p1(d, "form field %lld was filled in", field);
	else if (ff != NULL && (ff->t != V_INT || (ff->i & 1) != 0))
		rc = coco_pdfd_refuse(d, "form field %lld is read-only (/Ff), yet it changed",
				      field);
	else if (name_is(dget(fv, "FT"), "Btn") && ff != NULL && (ff->i & 0x10000) != 0)
		rc = coco_pdfd_refuse(
		    d,
		    "form field %lld is a push button, which holds no value, yet it "
		    "changed",
		    field);
	else if (coco_pdfd_lock_check(d, field) != 0)
		rc = -1;
	else {
		d->field = field, d->widget = name_is(dget(a, "Subtype"), "Widget");
		if (field == num)
			coco_pdfd_note(d, "%s %lld filled in", field_kind(dget(fv, "FT")), field);
		else
			coco_pdfd_note(d, "widget %ld of %s %lld", num, field_kind(dget(fv, "FT")),
				       field);
		rc = coco_pdfd_each_change(d, num, a, b, form_key);
		d->filled |= rc == 0;
	}
	coco_pdfd_release(d, &fo);
	return rc;
}

/* An entry of a resource category (d->dr_cat) of the form's /DR that differs: one the
 * update adds, referring only to new objects. */
static int dr_entry(struct diff *d, long num, const char *key, const struct val *was,
		    const struct val *now)
{
	(void)num;
	if (was != NULL)
		return coco_pdfd_refuse(
		    d, "the /AcroForm's /DR /%s /%s changed: resources may only be added",
		    d->dr_cat, key);
	if (!coco_pdfd_refs_new(d, now))
		return coco_pdfd_refuse(
		    d,
		    "the /AcroForm's /DR /%s /%s, which an update adds, uses objects of "
		    "the signed revision",
		    d->dr_cat, key);
	return 0;
}

/* A resource category (/Font, /Encoding) of the form's /DR, in object num, now: the
 * signed revision's entries kept, and new ones that refer only to new objects. */
int coco_pdfd_dr_grow(struct diff *d, long num, const char *cat, const struct val *was,
		      const struct val *now)
{
	if (was == NULL || was->t != V_DICT)
		was = &empty_dict;
	if (now == NULL || now->t != V_DICT)
		return coco_pdfd_refuse(d, "the /AcroForm's /DR /%s is not a dictionary", cat);
	d->dr_cat = cat;
	if (coco_pdfd_each_change(d, num, was, now, dr_entry) != 0)
		return -1;
	coco_pdfd_note(d, "resources added to the /AcroForm's /DR");
	return 0;
}

static int dr_key(struct diff *d, long num, const char *key, const struct val *was,
		  const struct val *now)
{
	struct obj a, b;
	const struct val *av, *bv;
	int rc = -1;

	if (strcmp(key, "Font") != 0 && strcmp(key, "Encoding") != 0)
		return coco_pdfd_refuse(
		    d, "the /AcroForm's /DR /%s changed: only fonts may be added", key);
	memset(&b, 0, sizeof(b));
	if (coco_pdfd_deref(d, 1, was, &a, &av) == 0 && coco_pdfd_deref(d, 0, now, &b, &bv) == 0)
		rc = coco_pdfd_dr_grow(d, num, key, av, bv);
	coco_pdfd_release(d, &a), coco_pdfd_release(d, &b);
	return rc;
}

/* The form's default resources (/DR), was and now (dictionaries, or NULL): fonts and
 * encodings may be added, as viewers do when they fill in a form or add a signature
 * field; nothing else may change. */
int coco_pdfd_dr_change(struct diff *d, long num, const struct val *was, const struct val *now)
{
	if (d->mdp == 1)
		return coco_pdfd_refuse_p1(d, "the /AcroForm's /DR changed");
	if (now == NULL || now->t != V_DICT)
		return coco_pdfd_refuse(d, "the /AcroForm's /DR is not a dictionary");
	return coco_pdfd_each_change(d, num, was != NULL && was->t == V_DICT ? was : &empty_dict,
				     now, dr_key);
}
