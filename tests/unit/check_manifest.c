/*
 * Unit tests of the ASiC manifest parser (coco_manifest_parse) and builder: every rule
 * of docs/FORMAT.md with its exact finding id and subject, hostile XML (DOCTYPE, XXE,
 * billion laughs, deep nesting), and a round trip through coco_manifest_build.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "bundletool.h"
#include "suites.h"

#define ENTRY "META-INF/ASiCManifest001.xml"
#define SIG "META-INF/signature001.p7s"

#define XMLDECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define ROOT                                                                                       \
	"<asic:ASiCManifest xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\" "                     \
	"xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n"
#define HEAD XMLDECL ROOT
#define TAIL "</asic:ASiCManifest>\n"
#define SIGREF "<asic:SigReference URI=\"" SIG "\" MimeType=\"application/pkcs7-signature\"/>\n"
#define SHA1 "http://www.w3.org/2000/09/xmldsig#sha1"
#define MD5 "http://www.w3.org/2001/04/xmldsig-more#md5"
#define SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define SHA384 "http://www.w3.org/2001/04/xmldsig-more#sha384"
#define SHA512 "http://www.w3.org/2001/04/xmlenc#sha512"
/* SHA-256, SHA-384 and SHA-512 of the empty string. */
#define D256 "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
#define D384 "OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb"
#define D512                                                                                       \
	"z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
#define DOR_EXT(uri, alg, val, ext)                                                                \
	"<asic:DataObjectReference URI=\"" uri "\">\n"                                             \
	"<ds:DigestMethod Algorithm=\"" alg "\"/>\n"                                               \
	"<ds:DigestValue>" val "</ds:DigestValue>\n" ext "</asic:DataObjectReference>\n"
#define DOR(uri, alg, val) DOR_EXT(uri, alg, val, "")
#define DOR_OK(uri) DOR(uri, SHA256, D256)

struct fixture {
	struct coco_ctx *ctx;
	struct coco_report *r;
	struct coco_manifest *m;
};

static void setup(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	ck_assert_int_eq(coco_ctx_new(&fx->ctx), COCO_OK);
	coco_ctx_set_time(fx->ctx, bt_time("2027-01-01"));
	ck_assert_int_eq(coco_report_new(&fx->r), COCO_OK);
}

static void teardown(struct fixture *fx)
{
	coco_manifest_free(fx->m);
	coco_report_free(fx->r);
	coco_ctx_free(fx->ctx);
}

static enum coco_err parse(struct fixture *fx, const char *xml, size_t len)
{
	return coco_manifest_parse(fx->ctx, ENTRY, (const unsigned char *)xml, len, fx->r, &fx->m);
}

/* Asserts a FAIL finding with id and subject, a FAILED verdict and no manifest. */
static void expect_fail(struct fixture *fx, const char *id, const char *subject)
{
	const struct coco_finding *f = bt_find_status(fx->r, id, COCO_STATUS_FAIL, subject);
	char *dump = bt_dump(fx->r);

	ck_assert_msg(f != NULL, "expected fail %s '%s', got:\n%s", id, subject ? subject : "",
		      dump);
	ck_assert_msg(coco_report_verdict(fx->r) == COCO_VERDICT_FAILED, "verdict:\n%s", dump);
	ck_assert_msg(fx->m == NULL, "an unusable manifest was returned:\n%s", dump);
	ck_assert_ptr_null(bt_find_status(fx->r, "manifest.schema", COCO_STATUS_PASS, NULL));
	free(dump);
}

/* ---- a valid manifest ---- */

static const char valid_xml[] =
    HEAD SIGREF "<asic:DataObjectReference URI=\"assessment.xml\" MimeType=\"application/xml\" "
		"Rootfile=\"true\">\n"
		"<ds:DigestMethod Algorithm=\"" SHA256 "\"/>\n"
		"<ds:DigestValue>" D256 "</ds:DigestValue>\n"
		"</asic:DataObjectReference>\n" DOR("evidence/a%20b.pdf", SHA384, D384)
		    DOR("policies/%C3%BC%2Bx.pdf", SHA512, D512) TAIL;

START_TEST(test_valid)
{
	struct fixture fx;
	unsigned char e256[32], e384[48], e512[64];

	setup(&fx);
	ck_assert_int_eq(parse(&fx, valid_xml, strlen(valid_xml)), COCO_OK);
	ck_assert_ptr_nonnull(fx.m);
	ck_assert_int_eq(coco_report_verdict(fx.r), COCO_VERDICT_PASSED);
	ck_assert_ptr_nonnull(bt_find_status(fx.r, "manifest.schema", COCO_STATUS_PASS, ENTRY));
	ck_assert_str_eq(fx.m->entry, ENTRY);
	ck_assert_str_eq(fx.m->sigref, SIG);
	ck_assert_uint_eq(fx.m->n, 3);
	ck_assert_str_eq(fx.m->refs[0].name, "assessment.xml");
	ck_assert_str_eq(fx.m->refs[0].mime, "application/xml");
	ck_assert_int_eq(fx.m->refs[0].rootfile, 1);
	ck_assert_int_eq(fx.m->refs[0].alg, 0);
	ck_assert_str_eq(fx.m->refs[1].name, "evidence/a b.pdf");
	ck_assert_ptr_null(fx.m->refs[1].mime);
	ck_assert_int_eq(fx.m->refs[1].rootfile, 0);
	ck_assert_int_eq(fx.m->refs[1].alg, 1);
	ck_assert_str_eq(fx.m->refs[2].name, "policies/\xc3\xbc+x.pdf");
	ck_assert_int_eq(fx.m->refs[2].alg, 2);
	EVP_Digest("", 0, e256, NULL, EVP_sha256(), NULL);
	EVP_Digest("", 0, e384, NULL, EVP_sha384(), NULL);
	EVP_Digest("", 0, e512, NULL, EVP_sha512(), NULL);
	ck_assert_mem_eq(fx.m->refs[0].digest, e256, 32);
	ck_assert_mem_eq(fx.m->refs[1].digest, e384, 48);
	ck_assert_mem_eq(fx.m->refs[2].digest, e512, 64);
	teardown(&fx);
}
END_TEST

/* Extensions that are not critical are allowed, wherever they sit. */
static const char *const ok_xml[] = {
    HEAD SIGREF DOR_EXT(
	"a.pdf", SHA256, D256,
	"<asic:DataObjectReferenceExtensions><asic:Extension Critical=\"false\">"
	"x</asic:Extension></asic:DataObjectReferenceExtensions>\n") "<asic:ASiCManifestExtensions>"
								     "<asic:Extension>note</"
								     "asic:Extension>"
								     "<asic:Extension "
								     "Critical=\"0\"><foo "
								     "xmlns=\"urn:x\"/></"
								     "asic:Extension>"
								     "</"
								     "asic:ASiCManifestExtensions>"
								     "\n" TAIL,
    /* the default namespace instead of a prefix, and whitespace inside the base64 */
    "<ASiCManifest xmlns=\"http://uri.etsi.org/02918/v1.2.1#\">"
    "<SigReference URI=\"" SIG "\"/>"
    "<DataObjectReference URI=\"a.pdf\">"
    "<DigestMethod xmlns=\"http://www.w3.org/2000/09/xmldsig#\" Algorithm=\"" SHA256 "\"/>"
    "<DigestValue xmlns=\"http://www.w3.org/2000/09/xmldsig#\">47DEQpj8HBSa+/TImW+5JCeu\n"
    "QeRkm5NMpJWZG3hSuFU=</DigestValue></DataObjectReference></ASiCManifest>",
    /* pretty-printed: whitespace around the base64 (xsd:base64Binary collapses it) */
    HEAD SIGREF DOR("a.pdf", SHA256, "\n    " D256 "\n  ") TAIL,
};

START_TEST(test_valid_variants)
{
	struct fixture fx;
	char *dump;

	setup(&fx);
	ck_assert_int_eq(parse(&fx, ok_xml[_i], strlen(ok_xml[_i])), COCO_OK);
	dump = bt_dump(fx.r);
	ck_assert_msg(fx.m != NULL, "case %d rejected:\n%s", _i, dump);
	ck_assert_int_eq(coco_report_verdict(fx.r), COCO_VERDICT_PASSED);
	ck_assert_uint_eq(fx.m->n, 1);
	ck_assert_str_eq(fx.m->refs[0].name, "a.pdf");
	free(dump);
	teardown(&fx);
}
END_TEST

/* ---- rejected manifests ---- */

struct bad_case {
	const char *what;
	const char *xml;
	const char *id;
	const char *subject; /* NULL: the manifest entry */
};

#define XXE_DTD "<!DOCTYPE asic:ASiCManifest [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
#define LOLS                                                                                       \
	"<!DOCTYPE lolz [<!ENTITY lol \"lol\">"                                                    \
	"<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"                    \
	"<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"          \
	"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"          \
	"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"          \
	"<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"          \
	"<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"          \
	"<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"          \
	"<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"          \
	"<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>\n"

static const struct bad_case bad_cases[] = {
    /* hostile XML */
    {"doctype", XMLDECL "<!DOCTYPE asic:ASiCManifest>\n" ROOT SIGREF DOR_OK("a.pdf") TAIL,
     "manifest.doctype", NULL},
    {"xxe",
     "<?xml version=\"1.0\"?>\n" XXE_DTD
     "<asic:ASiCManifest xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\" "
     "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n"
     "<asic:SigReference URI=\"&xxe;\"/>" DOR_OK("a.pdf") "<!-- &xxe; -->" TAIL,
     "manifest.doctype", NULL},
    {"billion laughs",
     "<?xml version=\"1.0\"?>\n" LOLS
     "<asic:ASiCManifest xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\">"
     "<asic:SigReference URI=\"&lol9;\"/></asic:ASiCManifest>",
     "manifest.doctype", NULL},
    {"undeclared entity", HEAD "<asic:SigReference URI=\"&xxe;\"/>" DOR_OK("a.pdf") TAIL,
     "manifest.xml", NULL},
    {"not well-formed", HEAD SIGREF DOR_OK("a.pdf"), "manifest.xml", NULL},
    {"empty", "", "manifest.xml", NULL},
    {"mismatched tags", HEAD SIGREF "<asic:DataObjectReference></asic:SigReference>" TAIL,
     "manifest.xml", NULL},
    /* schema */
    {"wrong namespace",
     "<asic:ASiCManifest xmlns:asic=\"http://uri.etsi.org/02918/v1.1.1#\" "
     "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" SIGREF DOR_OK("a.pdf") TAIL,
     "manifest.schema", NULL},
    {"no namespace",
     "<ASiCManifest><SigReference URI=\"" SIG "\"/><DataObjectReference URI=\"a.pdf\">"
     "<DigestMethod Algorithm=\"" SHA256 "\"/><DigestValue>" D256 "</DigestValue>"
     "</DataObjectReference></ASiCManifest>",
     "manifest.schema", NULL},
    {"wrong root",
     "<asic:XAdESSignatures xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\">"
     "</asic:XAdESSignatures>",
     "manifest.schema", NULL},
    {"no SigReference", HEAD DOR_OK("a.pdf") TAIL, "manifest.schema", NULL},
    {"two SigReferences", HEAD SIGREF SIGREF DOR_OK("a.pdf") TAIL, "manifest.schema", NULL},
    {"SigReference without URI", HEAD "<asic:SigReference/>" DOR_OK("a.pdf") TAIL,
     "manifest.schema", NULL},
    {"no DataObjectReference", HEAD SIGREF TAIL, "manifest.schema", NULL},
    {"reference before SigReference", HEAD DOR_OK("a.pdf") SIGREF TAIL, "manifest.schema", NULL},
    {"DigestValue missing",
     HEAD SIGREF "<asic:DataObjectReference URI=\"a.pdf\"><ds:DigestMethod Algorithm=\"" SHA256
		 "\"/></asic:DataObjectReference>" TAIL,
     "manifest.schema", NULL},
    {"DigestValue not base64", HEAD SIGREF DOR("a.pdf", SHA256, "not*base64!") TAIL,
     "manifest.schema", NULL},
    {"unknown element", HEAD SIGREF DOR_OK("a.pdf") "<asic:Other/>" TAIL, "manifest.schema", NULL},
    /* digest algorithms */
    {"SHA-1", HEAD SIGREF DOR("a.pdf", SHA1, "2jmj7l5rSw0yVb/vlWAYkK/YBwk=") TAIL,
     "manifest.digest_algorithm", "a.pdf"},
    {"MD5", HEAD SIGREF DOR("a.pdf", MD5, "1B2M2Y8AsgTpgAmY7PhCfg==") TAIL,
     "manifest.digest_algorithm", "a.pdf"},
    {"DigestMethod parameters",
     HEAD SIGREF "<asic:DataObjectReference URI=\"a.pdf\"><ds:DigestMethod Algorithm=\"" SHA256
		 "\"><p xmlns=\"urn:x\"/></ds:DigestMethod><ds:DigestValue>" D256
		 "</ds:DigestValue></asic:DataObjectReference>" TAIL,
     "manifest.digest_algorithm", "a.pdf"},
    {"DigestValue too short", HEAD SIGREF DOR("a.pdf", SHA256, "AAAA") TAIL, "manifest.reference",
     "a.pdf"},
    {"DigestValue of SHA-256 length for SHA-512", HEAD SIGREF DOR("a.pdf", SHA512, D256) TAIL,
     "manifest.reference", "a.pdf"},
    {"DigestValue empty", HEAD SIGREF DOR("a.pdf", SHA256, "") TAIL, "manifest.reference", "a.pdf"},
    /* URIs */
    {"scheme", HEAD SIGREF DOR_OK("http://x/a") TAIL, "manifest.reference", "http://x/a"},
    {"file scheme", HEAD SIGREF DOR_OK("file:///etc/passwd") TAIL, "manifest.reference",
     "file:///etc/passwd"},
    {"fragment", HEAD SIGREF DOR_OK("a.pdf#frag") TAIL, "manifest.reference", "a.pdf#frag"},
    {"query", HEAD SIGREF DOR_OK("a.pdf?x=1") TAIL, "manifest.reference", "a.pdf?x=1"},
    {"dot-dot", HEAD SIGREF DOR_OK("../a") TAIL, "manifest.reference", "../a"},
    {"inner dot-dot", HEAD SIGREF DOR_OK("evidence/../../a") TAIL, "manifest.reference",
     "evidence/../../a"},
    {"absolute", HEAD SIGREF DOR_OK("/abs") TAIL, "manifest.reference", "/abs"},
    {"encoded dot-dot", HEAD SIGREF DOR_OK("%2e%2e/a") TAIL, "manifest.reference", "%2e%2e/a"},
    {"encoded slash to absolute", HEAD SIGREF DOR_OK("%2fetc/passwd") TAIL, "manifest.reference",
     "%2fetc/passwd"},
    {"encoded NUL", HEAD SIGREF DOR_OK("a%00.pdf") TAIL, "manifest.reference", "a%00.pdf"},
    {"encoded backslash", HEAD SIGREF DOR_OK("..%5ca.pdf") TAIL, "manifest.reference",
     "..%5ca.pdf"},
    /* xs:anyURI rejects a malformed escape before the URI decoder sees it. */
    {"bad escape", HEAD SIGREF DOR_OK("a%zz.pdf") TAIL, "manifest.schema",
     "META-INF/ASiCManifest001.xml"},
    {"truncated escape", HEAD SIGREF DOR_OK("a.pdf%2") TAIL, "manifest.schema",
     "META-INF/ASiCManifest001.xml"},
    {"folder", HEAD SIGREF DOR_OK("evidence/") TAIL, "manifest.reference", "evidence/"},
    {"empty segment", HEAD SIGREF DOR_OK("evidence//a.pdf") TAIL, "manifest.reference",
     "evidence//a.pdf"},
    {"invalid UTF-8", HEAD SIGREF DOR_OK("a%C0%AF.pdf") TAIL, "manifest.reference", "a%C0%AF.pdf"},
    {"empty URI", HEAD SIGREF DOR_OK("") TAIL, "manifest.reference", ""},
    {"same URI twice", HEAD SIGREF DOR_OK("a.pdf") DOR_OK("b.pdf") DOR_OK("a.pdf") TAIL,
     "manifest.reference", "a.pdf"},
    {"same name, encoded differently", HEAD SIGREF DOR_OK("a b.pdf") DOR_OK("a%20b.pdf") TAIL,
     "manifest.reference", "a b.pdf"},
    {"bad SigReference URI",
     HEAD "<asic:SigReference URI=\"../META-INF/signature001.p7s\"/>" DOR_OK("a.pdf") TAIL,
     "manifest.sigref", NULL},
    {"SigReference with scheme",
     HEAD "<asic:SigReference URI=\"http://x/s.p7s\"/>" DOR_OK("a.pdf") TAIL, "manifest.sigref",
     NULL},
    /* extensions */
    {"critical manifest extension",
     HEAD SIGREF DOR_OK("a.pdf") "<asic:ASiCManifestExtensions><asic:Extension "
				 "Critical=\"true\">x</asic:Extension>"
				 "</asic:ASiCManifestExtensions>" TAIL,
     "manifest.extension", NULL},
    {"critical manifest extension, boolean with spaces",
     HEAD SIGREF DOR_OK("a.pdf") "<asic:ASiCManifestExtensions><asic:Extension "
				 "Critical=\" true \">x</asic:Extension>"
				 "</asic:ASiCManifestExtensions>" TAIL,
     "manifest.extension", NULL},
    {"critical reference extension",
     HEAD SIGREF DOR_EXT("a.pdf", SHA256, D256,
			 "<asic:DataObjectReferenceExtensions><asic:Extension/>"
			 "<asic:Extension Critical=\"1\"/></asic:DataObjectReferenceExtensions>")
	 TAIL,
     "manifest.extension", "a.pdf"},
};

START_TEST(test_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct fixture fx;

	setup(&fx);
	ck_assert_msg(parse(&fx, c->xml, strlen(c->xml)) == COCO_OK, "case '%s'", c->what);
	ck_assert_msg(
	    bt_find_status(fx.r, c->id, COCO_STATUS_FAIL, c->subject ? c->subject : ENTRY) != NULL,
	    "case '%s': expected %s '%s', got:\n%s", c->what, c->id,
	    c->subject ? c->subject : ENTRY, bt_dump(fx.r));
	expect_fail(&fx, c->id, c->subject ? c->subject : ENTRY);
	teardown(&fx);
}
END_TEST

/* The entity is never expanded, so no finding can carry the file's content. */
START_TEST(test_xxe_no_leak)
{
	static const char xml[] = "<?xml version=\"1.0\"?>\n" XXE_DTD
				  "<asic:ASiCManifest xmlns:asic=\"http://uri.etsi.org/02918/"
				  "v1.2.1#\"><asic:SigReference URI=\"&xxe;\"/>"
				  "<x>&xxe;</x></asic:ASiCManifest>";
	struct fixture fx;
	size_t i;

	setup(&fx);
	ck_assert_int_eq(parse(&fx, xml, strlen(xml)), COCO_OK);
	expect_fail(&fx, "manifest.doctype", ENTRY);
	for (i = 0; i < coco_report_count(fx.r); i++) {
		const struct coco_finding *f = coco_report_get(fx.r, i);
		ck_assert_ptr_null(strstr(coco_finding_message(f), "root:"));
		ck_assert_ptr_null(
		    strstr(coco_finding_subject(f) ? coco_finding_subject(f) : "", "root:"));
	}
	teardown(&fx);
}
END_TEST

/* 1,000 to 100,000 levels: refused as not well-formed, without crashing. */
START_TEST(test_deep_nesting)
{
	static const size_t depths[] = {300, 1000, 100000};
	size_t depth = depths[_i], i, len = 0;
	char *xml = malloc(depth * 8 + 1);
	struct fixture fx;

	ck_assert_ptr_nonnull(xml);
	for (i = 0; i < depth; i++) {
		memcpy(xml + len, "<a>", 3);
		len += 3;
	}
	for (i = 0; i < depth; i++) {
		memcpy(xml + len, "</a>", 4);
		len += 4;
	}
	setup(&fx);
	ck_assert_int_eq(parse(&fx, xml, len), COCO_OK);
	expect_fail(&fx, "manifest.xml", ENTRY);
	teardown(&fx);
	free(xml);
}
END_TEST

/* Nesting inside an otherwise valid manifest, below libxml2's limit and above it. */
START_TEST(test_nesting_in_extension)
{
	const size_t depth = _i == 0 ? 100 : 1000;
	const char *pre =
	    HEAD SIGREF DOR_OK("a.pdf") "<asic:ASiCManifestExtensions><asic:Extension>";
	const char *post = "</asic:Extension></asic:ASiCManifestExtensions>" TAIL;
	size_t i, len = 0;
	char *xml = malloc(strlen(pre) + strlen(post) + depth * 24);
	struct fixture fx;

	ck_assert_ptr_nonnull(xml);
	memcpy(xml, pre, strlen(pre));
	len = strlen(pre);
	for (i = 0; i < depth; i++) {
		memcpy(xml + len, "<x:a xmlns:x=\"u\">", 17);
		len += 17;
	}
	for (i = 0; i < depth; i++) {
		memcpy(xml + len, "</x:a>", 6);
		len += 6;
	}
	memcpy(xml + len, post, strlen(post));
	len += strlen(post);
	setup(&fx);
	ck_assert_int_eq(parse(&fx, xml, len), COCO_OK);
	if (_i == 0) {
		ck_assert_ptr_nonnull(fx.m);
		ck_assert_int_eq(coco_report_verdict(fx.r), COCO_VERDICT_PASSED);
	} else {
		expect_fail(&fx, "manifest.xml", ENTRY);
	}
	teardown(&fx);
	free(xml);
}
END_TEST

/* Bigger than the 1 MiB limit for META-INF entries. */
START_TEST(test_too_large)
{
	size_t len = (1u << 20) + 1;
	char *xml = malloc(len);
	struct fixture fx;

	ck_assert_ptr_nonnull(xml);
	memset(xml, ' ', len);
	memcpy(xml, HEAD SIGREF DOR_OK("a.pdf"), strlen(HEAD SIGREF DOR_OK("a.pdf")));
	memcpy(xml + len - strlen(TAIL), TAIL, strlen(TAIL));
	setup(&fx);
	ck_assert_int_eq(parse(&fx, xml, len), COCO_OK);
	expect_fail(&fx, "manifest.xml", ENTRY);
	teardown(&fx);
	free(xml);
}
END_TEST

/* ---- round trip with the builder ---- */

START_TEST(test_build_roundtrip)
{
	struct coco_manifest_ref refs[4];
	static const char *const names[] = {"assessment.xml", "evidence/a b.pdf",
					    "policies/\xc3\xa9t\xc3\xa9 100%.pdf",
					    "evidence/odd & 'x'+y=z.txt"};
	struct fixture fx;
	size_t i, len = 0;
	char *xml;

	memset(refs, 0, sizeof(refs));
	for (i = 0; i < 4; i++) {
		refs[i].name = (char *)(uintptr_t)names[i];
		refs[i].rootfile = i == 0;
		memset(refs[i].digest, (int)(0x11 * (i + 1)), 32);
	}
	refs[3].mime = (char *)(uintptr_t) "text/x-custom";
	xml = coco_manifest_build(SIG, refs, 4, &len);
	ck_assert_ptr_nonnull(xml);
	ck_assert_uint_eq(len, strlen(xml));
	setup(&fx);
	ck_assert_int_eq(parse(&fx, xml, len), COCO_OK);
	ck_assert_msg(fx.m != NULL, "builder output rejected:\n%s\n%s", xml, bt_dump(fx.r));
	ck_assert_int_eq(coco_report_verdict(fx.r), COCO_VERDICT_PASSED);
	ck_assert_str_eq(fx.m->sigref, SIG);
	ck_assert_uint_eq(fx.m->n, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_str_eq(fx.m->refs[i].name, names[i]);
		ck_assert_int_eq(fx.m->refs[i].rootfile, i == 0);
		ck_assert_int_eq(fx.m->refs[i].alg, 0);
		ck_assert_mem_eq(fx.m->refs[i].digest, refs[i].digest, 32);
	}
	ck_assert_str_eq(fx.m->refs[0].mime, "application/xml");
	ck_assert_str_eq(fx.m->refs[1].mime, "application/pdf");
	ck_assert_str_eq(fx.m->refs[3].mime, "text/x-custom");
	teardown(&fx);
	free(xml);
}
END_TEST

/* The builder is deterministic: same input, same bytes. */
START_TEST(test_build_deterministic)
{
	struct coco_manifest_ref ref;
	char *a, *b;
	size_t la = 0, lb = 0;

	memset(&ref, 0, sizeof(ref));
	ref.name = (char *)(uintptr_t) "assessment.xml";
	ref.rootfile = 1;
	a = coco_manifest_build(SIG, &ref, 1, &la);
	b = coco_manifest_build(SIG, &ref, 1, &lb);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(la, lb);
	ck_assert_mem_eq(a, b, la);
	ck_assert_ptr_nonnull(strstr(a, "Rootfile=\"true\""));
	ck_assert_ptr_nonnull(strstr(a, "URI=\"" SIG "\""));
	free(a);
	free(b);
}
END_TEST

/* An archive manifest's SigReference (EN 319 162-1 A.5) names a token, with its MIME type;
 * a signature manifest's keeps application/pkcs7-signature. */
START_TEST(test_build_archive_sigref)
{
	struct coco_manifest_ref ref;
	char *a, *b;
	size_t la = 0, lb = 0;

	memset(&ref, 0, sizeof(ref));
	ref.name = (char *)(uintptr_t) "META-INF/signature001.p7s";
	a = coco_manifest_build("META-INF/timestamp005.tst", &ref, 1, &la);
	b = coco_manifest_build(SIG, &ref, 1, &lb);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(strstr(a, "<asic:SigReference URI=\"META-INF/timestamp005.tst\" "
					"MimeType=\"application/vnd.etsi.timestamp-token\"/>"));
	ck_assert_ptr_nonnull(strstr(b, "MimeType=\"application/pkcs7-signature\"/>"));
	free(a);
	free(b);
}
END_TEST

/* ---- coco_mime_for ---- */

static const struct {
	const char *name, *mime;
} mime_cases[] = {
    {"a.pdf", "application/pdf"},
    {"evidence/CE-PLUS.PDF", "application/pdf"},
    {"assessment.xml", "application/xml"},
    {"notes.txt", "text/plain"},
    {"scan.jpeg", "image/jpeg"},
    {"scan.JPG", "image/jpeg"},
    {"shot.png", "image/png"},
    {"list.csv", "text/csv"},
    {"page.html", "text/html"},
    {"doc.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"doc.odt", "application/vnd.oasis.opendocument.text"},
    {"sig.p7s", "application/pkcs7-signature"},
    {"noext", "application/octet-stream"},
    {".pdf", "application/octet-stream"},
    {"a.pdf.exe", "application/octet-stream"},
    {"a.tar.gz", "application/octet-stream"},
    {"apdf", "application/octet-stream"},
    {"", "application/octet-stream"},
};

START_TEST(test_mime_for)
{
	ck_assert_str_eq(coco_mime_for(mime_cases[_i].name), mime_cases[_i].mime);
}
END_TEST

Suite *manifest_suite(void)
{
	Suite *s = suite_create("manifest");
	TCase *tc = tcase_create("parse");
	TCase *tb = tcase_create("build");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_valid);
	tcase_add_loop_test(tc, test_valid_variants, 0, (int)(sizeof(ok_xml) / sizeof(ok_xml[0])));
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_xxe_no_leak);
	tcase_add_loop_test(tc, test_deep_nesting, 0, 3);
	tcase_add_loop_test(tc, test_nesting_in_extension, 0, 2);
	tcase_add_test(tc, test_too_large);
	suite_add_tcase(s, tc);
	tcase_add_test(tb, test_build_roundtrip);
	tcase_add_test(tb, test_build_deterministic);
	tcase_add_test(tb, test_build_archive_sigref);
	tcase_add_loop_test(tb, test_mime_for, 0,
			    (int)(sizeof(mime_cases) / sizeof(mime_cases[0])));
	suite_add_tcase(s, tb);
	return s;
}
