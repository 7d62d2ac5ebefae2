/*
 * ASiC manifest parsing and building. A manifest is parsed with the hardened XML
 * reader, validated against the embedded ETSI schema, and then held to the rules the
 * schema cannot say: URIs are relative, percent-decoded to safe entry names and unique;
 * digests use an allow-listed algorithm and have the right length; no critical
 * extension is present (none is understood).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/manifest.h"
#include "util/xml.h"

const struct coco_digest_alg coco_digest_algs[COCO_N_DIGEST_ALGS] = {
    {COCO_SHA256_URI, "SHA256", 32},
    {"http://www.w3.org/2001/04/xmldsig-more#sha384", "SHA384", 48},
    {"http://www.w3.org/2001/04/xmlenc#sha512", "SHA512", 64},
};

void coco_manifest_free(struct coco_manifest *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->refs[i].name);
		free(m->refs[i].mime);
	}
	free(m->refs);
	free(m->entry);
	free(m->sigref);
	free(m);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes a relative URI into a checked entry name; NULL with why set. */
static char *uri_to_name(const char *uri, const char **why)
{
	size_t i, o = 0, len = strlen(uri);
	char *out;
	int is_dir;

	if (strpbrk(uri, "?#") != NULL || strchr(uri, ':') != NULL) {
		*why = "URI is not a relative path (scheme, query or fragment)";
		return NULL;
	}
	if ((out = malloc(len + 1)) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	for (i = 0; i < len; i++) {
		int hi, lo;
		if (uri[i] != '%') {
			out[o++] = uri[i];
			continue;
		}
		if (i + 2 >= len || (hi = hexval(uri[i + 1])) < 0 ||
		    (lo = hexval(uri[i + 2])) < 0) {
			free(out);
			*why = "malformed percent-escape in URI";
			return NULL;
		}
		out[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	out[o] = '\0';
	if ((*why = coco_name_problem(out, o, &is_dir)) == NULL && is_dir)
		*why = "URI names a folder";
	if (*why != NULL) {
		free(out);
		return NULL;
	}
	return out;
}

static int find_alg(const char *uri)
{
	int i;

	for (i = 0; i < COCO_N_DIGEST_ALGS; i++)
		if (strcmp(uri, coco_digest_algs[i].uri) == 0)
			return i;
	return -1;
}

/* An xsd:boolean attribute value is true: "true" or "1" after whitespace collapsing. */
static int xsd_true(const xmlChar *v)
{
	const char *p = (const char *)v, *end;

	if (p == NULL)
		return 0;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return (end - p == 4 && strncmp(p, "true", 4) == 0) || (end - p == 1 && *p == '1');
}

/* Fails if any Extension below list is marked Critical="true" (or "1"). */
static int has_critical(xmlNode *list)
{
	xmlNode *x;

	for (x = list != NULL ? coco_xml_elem(list->children) : NULL; x;
	     x = coco_xml_elem(x->next)) {
		xmlChar *c = xmlGetNoNsProp(x, (const xmlChar *)"Critical");
		int crit = xsd_true(c);
		xmlFree(c);
		if (crit)
			return 1;
	}
	return 0;
}

struct parse {
	struct coco_report *r;
	const char *entry;
	struct coco_manifest *m;
	int bad;
};

static void bad(struct parse *p, const char *id, const char *subject, const char *msg,
		const char *detail)
{
	p->bad = 1;
	coco_report_add(p->r, COCO_STATUS_FAIL, id, subject, "%s%s%s", msg, detail ? ": " : "",
			detail ? detail : "");
}

/* Reads DigestMethod and DigestValue of one DataObjectReference into ref. */
static void parse_digest(struct parse *p, xmlNode *dor, struct coco_manifest_ref *ref)
{
	xmlNode *dm = coco_xml_elem(dor->children), *dv = dm ? coco_xml_elem(dm->next) : NULL;
	xmlChar *alg = dm ? xmlGetNoNsProp(dm, (const xmlChar *)"Algorithm") : NULL;
	xmlChar *val = dv ? xmlNodeGetContent(dv) : NULL;
	long n;

	if (alg == NULL || val == NULL) {
		bad(p, "manifest.schema", p->entry, "DataObjectReference without digest",
		    ref->name);
	} else if ((ref->alg = find_alg((const char *)alg)) < 0) {
		bad(p, "manifest.digest_algorithm", ref->name,
		    "digest algorithm not allowed (only SHA-256, SHA-384, SHA-512)",
		    (const char *)alg);
	} else if (coco_xml_elem(dm->children) != NULL) {
		bad(p, "manifest.digest_algorithm", ref->name, "unexpected DigestMethod parameters",
		    NULL);
	} else if ((n = coco_base64_decode((const char *)val, strlen((const char *)val),
					   ref->digest, sizeof(ref->digest))) < 0 ||
		   (size_t)n != coco_digest_algs[ref->alg].len) {
		bad(p, "manifest.reference", ref->name,
		    "DigestValue has the wrong length for its algorithm", NULL);
	}
	if (dv != NULL && has_critical(coco_xml_elem(dv->next)))
		bad(p, "manifest.extension", ref->name, "critical extension not understood", NULL);
	xmlFree(alg);
	xmlFree(val);
}

static int parse_ref(struct parse *p, xmlNode *dor)
{
	struct coco_manifest_ref *ref = &p->m->refs[p->m->n];
	xmlChar *uri = xmlGetNoNsProp(dor, (const xmlChar *)"URI");
	xmlChar *mime = xmlGetNoNsProp(dor, (const xmlChar *)"MimeType");
	xmlChar *root = xmlGetNoNsProp(dor, (const xmlChar *)"Rootfile");
	const char *why = NULL;

	memset(ref, 0, sizeof(*ref));
	ref->name = uri ? uri_to_name((const char *)uri, &why) : NULL;
	ref->mime = mime ? coco_strndup((const char *)mime, strlen((const char *)mime)) : NULL;
	ref->rootfile = xsd_true(root);
	if (ref->name == NULL) {
		bad(p, "manifest.reference", uri ? (const char *)uri : p->entry,
		    "bad DataObjectReference URI", why);
	} else {
		p->m->n++;
		parse_digest(p, dor, ref);
	}
	if (ref->name == NULL)
		free(ref->mime);
	xmlFree(uri);
	xmlFree(mime);
	xmlFree(root);
	return 0;
}

static int cmp_ref_names(const void *a, const void *b)
{
	const struct coco_manifest_ref *x = *(const struct coco_manifest_ref *const *)a;
	const struct coco_manifest_ref *y = *(const struct coco_manifest_ref *const *)b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : (x > y) - (x < y);
}

/* Each reference that repeats an earlier one's name, in document order: sorted, so that a
 * manifest of thousands of references costs n log n. -1 if memory runs out. */
static int find_repeats(struct parse *p)
{
	const struct coco_manifest_ref **s = malloc((p->m->n ? p->m->n : 1) * sizeof(*s));
	unsigned char *twice = calloc(p->m->n ? p->m->n : 1, 1);
	size_t i;

	if (s == NULL || twice == NULL) {
		free(s);
		free(twice);
		return -1;
	}
	for (i = 0; i < p->m->n; i++)
		s[i] = &p->m->refs[i];
	qsort(s, p->m->n, sizeof(*s), cmp_ref_names);
	for (i = 1; i < p->m->n; i++)
		if (strcmp(s[i - 1]->name, s[i]->name) == 0)
			twice[s[i] - p->m->refs] = 1;
	for (i = 0; i < p->m->n; i++)
		if (twice[i])
			bad(p, "manifest.reference", p->m->refs[i].name,
			    "referenced twice in one manifest", NULL);
	free(s);
	free(twice);
	return 0;
}

static size_t count_children(xmlNode *root)
{
	size_t n = 0;
	xmlNode *c;

	for (c = coco_xml_elem(root->children); c != NULL; c = coco_xml_elem(c->next))
		n++;
	return n;
}

static void parse_root(struct parse *p, xmlNode *root)
{
	xmlNode *c = coco_xml_elem(root->children);
	xmlChar *uri = xmlGetNoNsProp(c, (const xmlChar *)"URI");
	const char *why = NULL;

	p->m->sigref = uri ? uri_to_name((const char *)uri, &why) : NULL;
	if (p->m->sigref == NULL)
		bad(p, "manifest.sigref", p->entry, "bad SigReference URI", why);
	xmlFree(uri);
	for (c = coco_xml_elem(c->next); c != NULL; c = coco_xml_elem(c->next)) {
		if (coco_xml_is(c, COCO_NS_ASIC, "DataObjectReference"))
			parse_ref(p, c);
		else if (has_critical(c))
			bad(p, "manifest.extension", p->entry, "critical extension not understood",
			    NULL);
	}
}

static xmlSchemaPtr manifest_schema(struct coco_ctx *ctx, char *why, size_t why_size)
{
	if (ctx->manifest_schema == NULL)
		ctx->manifest_schema = coco_xml_schema(coco_xsd_asic, why, why_size);
	return ctx->manifest_schema;
}

enum coco_err coco_manifest_parse(struct coco_ctx *ctx, const char *entry, const unsigned char *xml,
				  size_t len, struct coco_report *r, struct coco_manifest **out)
{
	struct parse p = {r, entry, NULL, 0};
	struct coco_xml_refusal no;
	xmlDocPtr doc = NULL;
	xmlSchemaPtr schema;
	enum coco_err err = COCO_OK;
	char why[512];

	*out = NULL;
	if ((doc = coco_xml_parse(xml, len, ctx->limits.meta_size, entry, &no)) == NULL) {
		coco_report_add(r, COCO_STATUS_FAIL,
				no.fault == COCO_XML_DOCTYPE ? "manifest.doctype" : "manifest.xml",
				entry, "%s", no.why);
		goto out;
	}
	if ((schema = manifest_schema(ctx, why, sizeof(why))) == NULL) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "%s", why);
		goto out;
	}
	if (coco_xml_validate(schema, doc, why, sizeof(why)) != 0) {
		coco_report_add(r, COCO_STATUS_FAIL, "manifest.schema", entry,
				"not a valid ASiC manifest: %s", why);
		goto out;
	}
	p.m = calloc(1, sizeof(*p.m));
	if (p.m == NULL || (p.m->entry = coco_strndup(entry, strlen(entry))) == NULL ||
	    (p.m->refs = calloc(count_children(xmlDocGetRootElement(doc)), sizeof(*p.m->refs))) ==
		NULL) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory parsing '%s'", entry);
		goto out;
	}
	parse_root(&p, xmlDocGetRootElement(doc));
	if (find_repeats(&p) != 0) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory parsing '%s'", entry);
		goto out;
	}
	if (!p.bad) {
		coco_report_add(r, COCO_STATUS_PASS, "manifest.schema", entry,
				"valid ASiC manifest with %zu references", p.m->n);
		*out = p.m;
		p.m = NULL; /* transferred */
	}
out:
	coco_manifest_free(p.m);
	xmlFreeDoc(doc);
	return err;
}

/* ---- building -------------------------------------------------------------------- */

static const struct {
	const char *ext, *mime;
} mime_types[] = {
    {".pdf", "application/pdf"},
    {".xml", "application/xml"},
    {".txt", "text/plain"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".csv", "text/csv"},
    {".html", "text/html"},
    {".p7s", "application/pkcs7-signature"},
    {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {".odt", "application/vnd.oasis.opendocument.text"},
};

static int ascii_caseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;
		if ((ca >= 'A' && ca <= 'Z' ? ca + 32 : ca) != cb)
			return 0;
	}
	return *a == *b;
}

const char *coco_mime_for(const char *name)
{
	size_t i, nlen = strlen(name);

	for (i = 0; i < sizeof(mime_types) / sizeof(mime_types[0]); i++) {
		size_t elen = strlen(mime_types[i].ext);
		if (nlen > elen && ascii_caseeq(name + nlen - elen, mime_types[i].ext))
			return mime_types[i].mime;
	}
	return "application/octet-stream";
}

/* Percent-encodes everything but RFC 3986 unreserved characters and '/'. */
static char *uri_encode(const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0, len = strlen(name);
	char *out = malloc(len * 3 + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c) != NULL) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

static int append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	char *nb = realloc(*buf, *len + n + 1);

	if (nb == NULL)
		return -1;
	memcpy(nb + *len, s, n + 1);
	*buf = nb;
	*len += n;
	return 0;
}

static int append_ref(char **buf, size_t *len, const struct coco_manifest_ref *ref)
{
	char *uri = uri_encode(ref->name), *b64 = coco_base64_encode(ref->digest, 32), *s = NULL;
	int rc = -1;

	if (uri != NULL && b64 != NULL)
		s = coco_asprintf("  <asic:DataObjectReference URI=\"%s\" MimeType=\"%s\"%s>\n"
				  "    <ds:DigestMethod Algorithm=\"" COCO_SHA256_URI "\"/>\n"
				  "    <ds:DigestValue>%s</ds:DigestValue>\n"
				  "  </asic:DataObjectReference>\n",
				  uri, ref->mime ? ref->mime : coco_mime_for(ref->name),
				  ref->rootfile ? " Rootfile=\"true\"" : "", b64);
	if (s != NULL)
		rc = append(buf, len, s);
	free(s);
	free(uri);
	free(b64);
	return rc;
}

/* An archive manifest's SigReference names an RFC 3161 token (EN 319 162-1 A.5). */
static const char *sigref_type(const char *sigref)
{
	size_t n = strlen(sigref);

	return n > 4 && strcmp(sigref + n - 4, ".tst") == 0 ? "application/vnd.etsi.timestamp-token"
							    : "application/pkcs7-signature";
}

char *coco_manifest_build(const char *sigref, const struct coco_manifest_ref *refs, size_t n,
			  size_t *out_len)
{
	char *buf = NULL, *head, *uri = uri_encode(sigref);
	size_t len = 0, i;
	int rc;

	head = uri ? coco_asprintf("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
				   "<asic:ASiCManifest xmlns:asic=\"" COCO_NS_ASIC "\" "
				   "xmlns:ds=\"" COCO_NS_DS "\">\n"
				   "  <asic:SigReference URI=\"%s\" MimeType=\"%s\"/>\n",
				   uri, sigref_type(sigref))
		   : NULL;
	rc = head != NULL ? append(&buf, &len, head) : -1;
	for (i = 0; rc == 0 && i < n; i++)
		rc = append_ref(&buf, &len, &refs[i]);
	if (rc == 0)
		rc = append(&buf, &len, "</asic:ASiCManifest>\n");
	free(head);
	free(uri);
	if (rc != 0) {
		free(buf);
		return NULL;
	}
	*out_len = len;
	return buf;
}

/* ---- the standard META-INF names ------------------------------------------------------ */

static int named(const char *s, const char *pre, const char *suf)
{
	size_t n = strlen(s), p = strlen(pre), q = strlen(suf);

	return n >= p + q && strncmp(s, pre, p) == 0 && strcmp(s + n - q, suf) == 0 &&
	       strchr(s + p, '/') == NULL;
}

int coco_asic_manifest_name(const char *name)
{
	return named(name, "META-INF/ASiCManifest", ".xml");
}

int coco_asic_signature_name(const char *name)
{
	return named(name, "META-INF/signature", ".p7s");
}

int coco_asic_archive_manifest_name(const char *name)
{
	return named(name, "META-INF/ASiCArchiveManifest", ".xml");
}

int coco_asic_token_name(const char *name)
{
	return named(name, "META-INF/timestamp", ".tst");
}

int coco_asic_revocation_name(const char *name)
{
	return named(name, "META-INF/revocation/", ".crl");
}

int coco_asic_archive_name(const char *name)
{
	return coco_asic_archive_manifest_name(name) || coco_asic_token_name(name) ||
	       coco_asic_revocation_name(name);
}
