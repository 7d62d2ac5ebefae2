/*
 * The pdf module's active-content policy: keys and name values that mean JavaScript,
 * launch actions, embedded files, rich media, XFA (refused) or links (for review), judged
 * after #xx escapes are decoded and through references for /S, /Type and /Subtype; and
 * the findings they become.
 */
#include <string.h>

#include "pdf/pdf_int.h"

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

/* A /S, /Type or /Subtype given by reference: judged once the whole file is read. */
static void note_ref(struct scan *s, const struct val *key, const struct val *value)
{
	size_t i;

	for (i = 0; i < sizeof(ref_keys) / sizeof(ref_keys[0]); i++) {
		if (!name_is(key, ref_keys[i].key))
			continue;
		if (value->i >= (long long)COCO_PDF_MAX_OBJECTS) {
			coco_pdf_fail(
			    s, "pdf.structure",
			    "/%s refers to object %lld, past the object limit: it cannot be "
			    "judged",
			    ref_keys[i].key, value->i);
			return;
		}
		if (coco_pdf_xgrow(s, (uint64_t)value->i) == 0)
			s->x[value->i].refkeys |= (uint8_t)ref_keys[i].bit;
	}
}

/* Records which rule values an object that is a bare name matches (any version of it:
 * the cross-reference's, an orphan, an older revision). */
void coco_pdf_note_name(struct scan *s, long long num, const struct val *v)
{
	size_t i;
	uint32_t m = 1;

	if (v->t != V_NAME || num < 0 || num >= (long long)COCO_PDF_MAX_OBJECTS ||
	    coco_pdf_xgrow(s, (uint64_t)num) != 0)
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
int coco_pdf_judge_refs(struct scan *s)
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
				return coco_pdf_fail(
				    s, "pdf.structure",
				    "a /%s entry refers to object %zu, which is not a name "
				    "(or is missing): the action or type cannot be judged",
				    ref_keys[k].key, n);
	}
	return s->failed ? -1 : 0;
}

void coco_pdf_judge(struct scan *s, const struct val *v, long obj, int in_file)
{
	size_t i;

	if (v->t == V_DICT) {
		for (i = 0; i + 1 < v->n; i += 2)
			judge_pair(s, &v->k[i], &v->k[i + 1], obj);
		if (name_is(dget(v, "Type"), "Sig") || dget(v, "ByteRange") != NULL)
			coco_pdf_record_sig(s, v, obj, in_file);
	}
	if ((v->t == V_DICT || v->t == V_ARRAY) && (v->deep & DEEP_NEST))
		for (i = 0; i < v->n; i++)
			if (v->k[i].t == V_DICT || v->k[i].t == V_ARRAY)
				coco_pdf_judge(s, &v->k[i], obj, in_file);
}

void coco_pdf_report_content(struct scan *s)
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
