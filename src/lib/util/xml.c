/*
 * Safe XML parsing and schema validation on top of libxml2. A SAX internalSubset hook
 * stops the parser at any DOCTYPE, so no entity is ever declared, let alone expanded;
 * a process-wide loader refuses every external resource except the embedded schemas;
 * and errors are collected per context instead of being printed.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>

#include "util/xml.h"

struct parse_state {
	int doctype;
	char msg[512];
};

/* The fix, in plain words, for the mistakes people make writing XML by hand; NULL for the
 * rest, which keep libxml2's words alone. Keyed on libxml2's error codes. */
static const char *plain_words(int code)
{
	switch (code) {
	case XML_ERR_NAME_REQUIRED: /* "xmlParseEntityRef: no name", "StartTag: invalid ..." */
	case XML_ERR_ENTITYREF_SEMICOL_MISSING:
	case XML_ERR_LT_IN_ATTRIBUTE:
		return "a bare '&' or '<' in text: write '&amp;' for '&' and '&lt;' for '<'";
	case XML_ERR_UNDECLARED_ENTITY:
		return "XML knows only &amp; &lt; &gt; &quot; and &apos;: write any other "
		       "character "
		       "as itself (the file is UTF-8)";
	case XML_ERR_TAG_NAME_MISMATCH:
		return "a closing tag does not match the tag it closes: check both are spelled the "
		       "same";
	case XML_ERR_TAG_NOT_FINISHED:
		return "the file ends inside an element: a closing tag is missing";
	case XML_ERR_INVALID_CHAR:
	case XML_ERR_INVALID_ENCODING:
		return "the file is not UTF-8: save it as UTF-8";
	case XML_ERR_DOCUMENT_END:
		return "text after the closing tag of the root element";
	case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1: /* "... not a valid value of the atomic type" */
		return "a value is not of its type (a date is YYYY-MM-DD, a number is digits)";
	case XML_SCHEMAV_ELEMENT_CONTENT:
		return "an element is missing, misspelt or out of order";
	case XML_SCHEMAV_CVC_ENUMERATION_VALID: /* complies="maybe", "fortnightly" */
		return "a value is not one of the words allowed here (lower case, as listed)";
	case XML_SCHEMAV_CVC_PATTERN_VALID:
		return "a value is not written in the form allowed here";
	default:
		return NULL;
	}
}

/* A "{...}" at msg that is a namespace URI ("{urn:x-coco-bundle:assessment:2}"), not the
 * set of allowed values ("{'yes', 'no', 'partly'}") or a pattern's count ("{2}"). */
static int namespace_at(const char *msg)
{
	size_t n = strcspn(msg, "}'");

	return msg[n] == '}' && memchr(msg, ':', n) != NULL;
}

/* libxml2's message without its trailing new line and without the namespace URIs
 * ("{urn:...}date" is "date"), which only repeat what the file says. */
static void tidy_message(char *dst, size_t size, const char *msg)
{
	size_t n = 0;

	for (; *msg != '\0' && n + 1 < size; msg++) {
		if (*msg == '{' && namespace_at(msg)) {
			msg = strchr(msg, '}');
			continue;
		}
		dst[n++] = *msg;
	}
	while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == ' '))
		n--;
	dst[n] = '\0';
}

/* The id attribute of node or of the nearest element around it ("CoCo-7", for an error in
 * <element id="CoCo-7"> or one of its fields), so that a schema error names which one;
 * NULL when there is none. Freed by the caller. */
static xmlChar *id_around(xmlNode *node)
{
	xmlChar *id = NULL;

	for (; node != NULL && id == NULL; node = node->parent)
		if (node->type == XML_ELEMENT_NODE)
			id = xmlGetNoNsProp(node, (const xmlChar *)"id");
	return id;
}

/* The first error, on one line: "line N[, in CoCo-7]: plain words (libxml2's words)".
 * near: the node a schema error is about, or NULL (a parser error's tree is unfinished). */
static void keep_first(char *dst, size_t size, const xmlError *e, xmlNode *near)
{
	char said[256], where[96];
	const char *plain;
	xmlChar *id;
	size_t n;

	if (dst[0] != '\0' || e == NULL || e->message == NULL)
		return;
	tidy_message(said, sizeof(said), e->message);
	where[0] = '\0';
	if ((id = id_around(near)) != NULL)
		snprintf(where, sizeof(where), ", in %.64s", (const char *)id);
	xmlFree(id);
	if ((plain = plain_words(e->code)) != NULL)
		snprintf(dst, size, "line %d%s: %s (%s)", e->line, where, plain, said);
	else
		snprintf(dst, size, "line %d%s: %s", e->line, where, said);
	/* libxml2's messages may span lines ("Bytes: 0x.."): keep the error on one line */
	for (n = 0; dst[n] != '\0'; n++)
		if ((unsigned char)dst[n] < 0x20 || dst[n] == 0x7f)
			dst[n] = ' ';
	while (n > 0 && dst[n - 1] == ' ')
		dst[--n] = '\0';
}

static void parse_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct parse_state *st = ctxt->_private;

	if (e->level >= XML_ERR_ERROR)
		keep_first(st->msg, sizeof(st->msg), e, NULL);
}

static void reject_doctype(void *data, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = data;
	struct parse_state *st = ctxt->_private;

	(void)name, (void)ext, (void)sys;
	st->doctype = 1;
	xmlStopParser(ctxt);
}

xmlDocPtr coco_xml_parse(const unsigned char *buf, size_t len, size_t max, const char *name,
			 struct coco_xml_refusal *no)
{
	struct parse_state st;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	char *why = no->why;
	const size_t why_size = sizeof(no->why);

	memset(&st, 0, sizeof(st));
	why[0] = '\0';
	no->fault = COCO_XML_OK;
	if (len > max || len > INT_MAX) {
		no->fault = COCO_XML_TOO_LARGE;
		snprintf(why, why_size, "document larger than %zu bytes", max);
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		no->fault = COCO_XML_NOMEM;
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	ctxt->_private = &st;
	ctxt->sax->internalSubset = reject_doctype;
	ctxt->sax->serror = parse_error;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	doc = xmlCtxtReadMemory(ctxt, (const char *)buf, (int)len, name, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (st.doctype || (doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL))) {
		no->fault = COCO_XML_DOCTYPE;
		snprintf(why, why_size, "DOCTYPE declarations are not allowed");
	} else if (doc == NULL || !ctxt->wellFormed) {
		no->fault = COCO_XML_MALFORMED;
		snprintf(why, why_size, "not well-formed XML: %.480s",
			 st.msg[0] ? st.msg : "parse error");
	} else if (xmlDocGetRootElement(doc) == NULL) {
		no->fault = COCO_XML_NO_ROOT;
		snprintf(why, why_size, "no root element");
	}
	if (no->fault != COCO_XML_OK) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

xmlDocPtr coco_xml_read(const unsigned char *buf, size_t len, size_t max, const char *name,
			char *why, size_t why_size)
{
	struct coco_xml_refusal no;
	xmlDocPtr doc = coco_xml_parse(buf, len, max, name, &no);

	snprintf(why, why_size, "%s", no.why);
	return doc;
}

static void schema_error(void *data, xmlErrorPtr e)
{
	struct parse_state *st = data;

	if (e->level >= XML_ERR_ERROR)
		keep_first(st->msg, sizeof(st->msg), e,
			   e->domain == XML_FROM_SCHEMASV ? (xmlNode *)e->node : NULL);
}

xmlSchemaPtr coco_xml_schema(const char *xsd, char *why, size_t why_size)
{
	struct parse_state st;
	xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewMemParserCtxt(xsd, (int)strlen(xsd));
	xmlSchemaPtr schema = NULL;

	memset(&st, 0, sizeof(st));
	why[0] = '\0';
	if (pctxt == NULL) {
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	xmlSchemaSetParserStructuredErrors(pctxt, schema_error, &st);
	schema = xmlSchemaParse(pctxt);
	xmlSchemaFreeParserCtxt(pctxt);
	if (schema == NULL)
		snprintf(why, why_size, "embedded schema does not compile: %s", st.msg);
	return schema;
}

int coco_xml_validate(xmlSchemaPtr schema, xmlDocPtr doc, char *why, size_t why_size)
{
	struct parse_state st;
	xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(schema);
	int rc;

	memset(&st, 0, sizeof(st));
	why[0] = '\0';
	if (vctxt == NULL) {
		snprintf(why, why_size, "out of memory");
		return -1;
	}
	xmlSchemaSetValidStructuredErrors(vctxt, schema_error, &st);
	rc = xmlSchemaValidateDoc(vctxt, doc);
	xmlSchemaFreeValidCtxt(vctxt);
	if (rc != 0)
		snprintf(why, why_size, "%s", st.msg[0] ? st.msg : "document is not valid");
	return rc == 0 ? 0 : -1;
}

int coco_xml_is(const xmlNode *node, const char *ns, const char *name)
{
	return node != NULL && node->type == XML_ELEMENT_NODE && node->ns != NULL &&
	       strcmp((const char *)node->ns->href, ns) == 0 &&
	       strcmp((const char *)node->name, name) == 0;
}

xmlNode *coco_xml_elem(xmlNode *node)
{
	while (node != NULL && node->type != XML_ELEMENT_NODE)
		node = node->next;
	return node;
}

/* Serves the embedded schemas by their fixed URLs; refuses every other resource. */
static xmlParserInputPtr embedded_only(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)id;
	if (url == NULL || strcmp(url, COCO_XSD_XMLDSIG_URL) != 0 || ctxt == NULL)
		return NULL;
	return xmlNewStringInputStream(ctxt, (const xmlChar *)coco_xsd_xmldsig);
}

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx, (void)msg;
}

void coco_library_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(embedded_only);
	xmlSetGenericErrorFunc(NULL, silent);
	xmlSetStructuredErrorFunc(NULL, NULL);
}

void coco_library_cleanup(void)
{
	xmlCleanupParser();
}

xmlNode *coco_xml_child(xmlNode *parent, const char *ns, const char *name)
{
	xmlNode *c;

	for (c = parent ? coco_xml_elem(parent->children) : NULL; c; c = coco_xml_elem(c->next))
		if (coco_xml_is(c, ns, name))
			return c;
	return NULL;
}

/* A malloc'd copy of a libxml2 string, which is freed; NULL stays NULL. */
static char *take(xmlChar *t)
{
	char *out;

	if (t == NULL)
		return NULL;
	out = coco_strndup((const char *)t, strlen((const char *)t));
	xmlFree(t);
	return out;
}

char *coco_xml_text(xmlNode *node)
{
	return node ? take(xmlNodeGetContent(node)) : NULL;
}

char *coco_xml_attr(xmlNode *node, const char *name)
{
	return node ? take(xmlGetNoNsProp(node, (const xmlChar *)name)) : NULL;
}
