/*
 * Hardened libxml2 use (NOTES.md section 5): no DTD, no entities, no network, no
 * output to stderr, and schemas compiled from strings embedded in the binary.
 */
#ifndef COCO_XML_H
#define COCO_XML_H

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "internal.h"

/*
 * Parses buf as a standalone XML document of at most max bytes. Refuses a DOCTYPE (so no
 * entity is ever declared), malformed XML and what libxml2 refuses without
 * XML_PARSE_HUGE: elements nested more than 256 deep, a name over 50,000 bytes, a text
 * node, comment or attribute value over 10,000,000 bytes. Returns the document, or NULL
 * with a one-line reason (with the line number) in why.
 */
xmlDocPtr coco_xml_read(const unsigned char *buf, size_t len, size_t max, const char *name,
			char *why, size_t why_size);

/* Why coco_xml_parse refused a document, for callers whose finding depends on it. */
enum coco_xml_fault {
	COCO_XML_OK,
	COCO_XML_TOO_LARGE, /* over max bytes */
	COCO_XML_NOMEM,
	COCO_XML_DOCTYPE, /* a DOCTYPE declaration */
	COCO_XML_MALFORMED,
	COCO_XML_NO_ROOT,
};

struct coco_xml_refusal {
	enum coco_xml_fault fault;
	char why[512]; /* the one-line reason, as coco_xml_read gives it; "" when OK */
};

/* coco_xml_read, saying why as data too: the document, or NULL with *no filled. */
xmlDocPtr coco_xml_parse(const unsigned char *buf, size_t len, size_t max, const char *name,
			 struct coco_xml_refusal *no);

/* Compiles an embedded schema; NULL with the reason in why. */
xmlSchemaPtr coco_xml_schema(const char *xsd, char *why, size_t why_size);

/* 0 if doc is valid against schema, else -1 with the first error (and its line) in why. */
int coco_xml_validate(xmlSchemaPtr schema, xmlDocPtr doc, char *why, size_t why_size);

/* True if node is an element with this namespace and local name. */
int coco_xml_is(const xmlNode *node, const char *ns, const char *name);

/* The next element sibling starting at node (inclusive), skipping text and comments. */
xmlNode *coco_xml_elem(xmlNode *node);

/* The first child element with this namespace and name, or NULL. */
xmlNode *coco_xml_child(xmlNode *parent, const char *ns, const char *name);
/* A malloc'd copy of node's text content or of an unqualified attribute; NULL if absent. */
char *coco_xml_text(xmlNode *node);
char *coco_xml_attr(xmlNode *node, const char *name);

/* Files embedded by scripts/embed.sh (build/gen/embedded.c), each NUL-terminated. */
extern const unsigned char coco_xsd_assessment[];
extern const unsigned char coco_xsd_assessment2[];
extern const unsigned char coco_xsd_policy[];
extern const unsigned char coco_xsd_bodies[];
extern const unsigned char coco_xsd_signoff[];
extern const unsigned char coco_default_policy[];
extern const size_t coco_default_policy_len;

/* The embedded schemas (schemas.c). */
extern const char coco_xsd_asic[];
extern const char coco_xsd_xmldsig[];
#define COCO_XSD_XMLDSIG_URL "coco-embedded:xmldsig-core-subset.xsd"

#endif /* COCO_XML_H */
