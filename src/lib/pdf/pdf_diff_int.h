/*
 * The difference analysis's own header, private to pdf_diff.c (the analysis: the two
 * indexes, comparing values, new signature fields, the rules for changed objects, the
 * signed revision, the verdict) and pdf_diff_form.c (form filling where the DocMDP
 * permissions allow it, field locks, the form's /DR): the state of one analysis and the
 * helpers the two share.
 */
#ifndef COCO_PDF_DIFF_INT_H
#define COCO_PDF_DIFF_INT_H

#include "pdf/pdf_diff.h"

#define MAX_FIELDS 1024u /* the form's /Fields searched for the signature's own field */
#define LIST 480u        /* the updates, listed in the pass message */
#define MAX_DSS 5u       /* the DSS and its /VRI, /Certs, /CRLs, /OCSPs, when indirect */

/* What a DSS part is (ETSI EN 319 142-1 5.4.2): the DSS dictionary, its /VRI map, or one of
 * its /Certs, /CRLs and /OCSPs arrays. */
enum dss_kind { DSS_DICT, DSS_VRI, DSS_ARRAY };

/* One analysis: the file, the signed revision, what the rules found. */
struct diff {
	struct scan *s; /* the file as it is: its index is the newest */
	struct scan *t; /* the signed revision's index, sharing s's reader (see sync) */
	uint64_t end;   /* the signed bytes end here */
	size_t k;       /* sections 1 .. k of s (1 = newest) are the updates */
	long long root, info, meta, acro, dss[MAX_DSS];
	unsigned char dss_kind[MAX_DSS]; /* enum dss_kind of each dss[] */
	long long fields;      /* the form's /Fields when it is an indirect array, or -1 */
	long long dr, dr_font; /* the form's /DR and its /Font when objects of their own, or -1 */
	int mdp; /* the DocMDP /P (docmdp), or the field lock's lower one: 0 none, 1 no changes */
	int lock_p1;     /* mdp is 1 by the signature field's /Lock, not a certification */
	int draws;       /* an allowed signature field brings an appearance (/AP) */
	int filled;      /* an allowed update filled in form fields (form_key, acroform_key) */
	long sig;        /* the signature's dictionary, whose FieldMDP transforms lock fields */
	struct obj sigo; /* that dictionary as the signed revision holds it */
	struct obj fieldo, locko; /* its signature field, and that field's /Lock if indirect */
	const struct val *lock;   /* that /Lock dictionary, in fieldo or locko, or NULL */
	long long field;          /* the form field being filled in (form_key) */
	int widget;               /* the object being filled in is a widget (form_key) */
	const char *dr_cat;       /* the /DR category being compared (dr_entry) */
	size_t ndss, n_new;
	int refused;
	char why[256];
	char list[LIST];
};

static const struct val empty_dict = {.t = V_DICT};

typedef int (*change_fn)(struct diff *d, long num, const char *key, const struct val *was,
			 const struct val *now);

/* pdf_diff.c's helpers, for pdf_diff_form.c (each documented where it is defined): a
 * refusal, with the first reason; one where DocMDP or a field lock allows no changes; an
 * allowed update listed; object num as the signed revision (old) or the file holds it,
 * released with coco_pdfd_release; a value dereferenced; fn on each changed key of two
 * dictionaries; whether v refers only to objects the updates added. */
int coco_pdfd_refuse(struct diff *d, const char *fmt, ...) COCO_PRINTF(2, 3);
int coco_pdfd_refuse_p1(struct diff *d, const char *fmt, ...) COCO_PRINTF(2, 3);
void coco_pdfd_note(struct diff *d, const char *fmt, ...) COCO_PRINTF(2, 3);
int coco_pdfd_fetch(struct diff *d, int old, long long num, struct obj *o);
void coco_pdfd_release(struct diff *d, struct obj *o);
int coco_pdfd_deref(struct diff *d, int old, const struct val *v, struct obj *o,
		    const struct val **out);
int coco_pdfd_each_change(struct diff *d, long num, const struct val *a, const struct val *b,
			  change_fn fn);
int coco_pdfd_refs_new(const struct diff *d, const struct val *v);

/* pdf_diff_form.c's, for pdf_diff.c's rules for changed objects (each documented where it
 * is defined): whether the DocMDP permissions allow form filling; a field lock's refusal;
 * the form's /DR and one of its categories; the form field an object of the signed
 * revision is, or is the widget of (-1 none, -2 a read failed); that field filled in. */
int coco_pdfd_may_fill(const struct diff *d);
int coco_pdfd_lock_check(struct diff *d, long long field);
int coco_pdfd_dr_change(struct diff *d, long num, const struct val *was, const struct val *now);
int coco_pdfd_dr_grow(struct diff *d, long num, const char *cat, const struct val *was,
		      const struct val *now);
long long coco_pdfd_form_field(struct diff *d, long num, const struct val *a);
int coco_pdfd_fill_form(struct diff *d, long num, long long field, const struct val *a,
			const struct val *b);

#endif /* COCO_PDF_DIFF_INT_H */
