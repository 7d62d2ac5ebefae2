/*
 * The TSA transport behind --tsa URL: RFC 3161 §3.4 over HTTP, a POST of the DER
 * TimeStampReq as application/timestamp-query, the DER TimeStampResp read back. The
 * library never touches the network; it calls this through coco_tsa_fn. Bounded: http
 * and https only, no redirects, a reply of at most CLI_TSA_MAX_REPLY bytes, and time
 * limits, so a slow or hostile TSA cannot hang or flood create.
 *
 * libcurl is loaded with dlopen the first time a TSA is asked, not linked: linked, it and
 * the libraries it pulls in (GnuTLS, Kerberos, LDAP, ICU...) add about 4.7 MB to the peak
 * memory of every run, verify included, which has no use for them (docs/PERFORMANCE.md).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cli.h"

#define CLI_TSA_MAX_REPLY (256 * 1024)
#define CLI_CURL_SONAME "libcurl.so.4" /* Debian's libcurl4, the OpenSSL flavour */

/* The libcurl functions used here, looked up by name in the loaded library. */
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	void (*easy_cleanup)(CURL *c);
	const char *(*easy_strerror)(CURLcode rc);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
} curl;

/* dlsym's object pointer into a function pointer, by its bytes (ISO C has no cast). */
static int sym(void *lib, const char *name, void *fn, size_t fn_size)
{
	void *p = dlsym(lib, name);

	if (p == NULL || fn_size != sizeof(p))
		return -1;
	memcpy(fn, &p, sizeof(p));
	return 0;
}

#define SYM(lib, field, name) sym(lib, name, &curl.field, sizeof(curl.field))

/* Loads libcurl once; 0, or -1 with the reason in why. */
static int load_curl(char *why, size_t why_size)
{
	static void *lib;
	const char *err;

	if (lib != NULL)
		return 0;
	if ((lib = dlopen(CLI_CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		err = dlerror();
		snprintf(why, why_size, "cannot load %s for --tsa (%s): install Debian's libcurl4",
			 CLI_CURL_SONAME, err != NULL ? err : "not found");
		return -1;
	}
	if (SYM(lib, global_init, "curl_global_init") || SYM(lib, easy_init, "curl_easy_init") ||
	    SYM(lib, easy_setopt, "curl_easy_setopt") ||
	    SYM(lib, easy_perform, "curl_easy_perform") ||
	    SYM(lib, easy_cleanup, "curl_easy_cleanup") ||
	    SYM(lib, easy_strerror, "curl_easy_strerror") ||
	    SYM(lib, slist_append, "curl_slist_append") ||
	    SYM(lib, slist_free_all, "curl_slist_free_all")) {
		snprintf(why, why_size, "%s lacks a function --tsa needs", CLI_CURL_SONAME);
		dlclose(lib);
		lib = NULL;
		return -1;
	}
	return 0;
}

struct reply {
	unsigned char *buf;
	size_t len;
	int too_large;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	size_t add = size * n;
	unsigned char *p;

	if (add > CLI_TSA_MAX_REPLY - r->len) {
		r->too_large = 1;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	if ((p = realloc(r->buf, r->len + add)) == NULL)
		return 0;
	memcpy(p + r->len, data, add);
	r->buf = p;
	r->len += add;
	return add;
}

static int setup(CURL *c, const char *url, const unsigned char *req, size_t req_len,
		 struct curl_slist *hdr, struct reply *r)
{
	return curl.easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_FAILONERROR, 1L) != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L) != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_TIMEOUT, 60L) != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_HTTPHEADER, hdr) != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)req) != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req_len) != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
	       curl.easy_setopt(c, CURLOPT_WRITEDATA, r) != CURLE_OK;
}

int cli_tsa_post(void *arg, const unsigned char *req, size_t req_len, unsigned char **reply,
		 size_t *reply_len, char *why, size_t why_size)
{
	const char *url = arg;
	struct reply r = {NULL, 0, 0};
	struct curl_slist *hdr = NULL;
	char ebuf[CURL_ERROR_SIZE] = "";
	CURL *c = NULL;
	CURLcode rc;
	int ret = -1;

	*reply = NULL;
	if (load_curl(why, why_size) != 0)
		return -1;
	if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || (c = curl.easy_init()) == NULL ||
	    (hdr = curl.slist_append(NULL, "Content-Type: application/timestamp-query")) == NULL ||
	    setup(c, url, req, req_len, hdr, &r) ||
	    curl.easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf) != CURLE_OK) {
		snprintf(why, why_size, "cannot set up HTTP for '%s'", url);
		goto out;
	}
	if ((rc = curl.easy_perform(c)) != CURLE_OK) {
		if (r.too_large)
			snprintf(why, why_size, "'%s' answered more than %d bytes", url,
				 CLI_TSA_MAX_REPLY);
		else
			snprintf(why, why_size, "'%s': %s", url,
				 ebuf[0] ? ebuf : curl.easy_strerror(rc));
		goto out;
	}
	*reply = r.buf;
	*reply_len = r.len;
	r.buf = NULL; /* transferred */
	ret = 0;
out:
	free(r.buf);
	if (hdr != NULL)
		curl.slist_free_all(hdr);
	if (c != NULL)
		curl.easy_cleanup(c);
	return ret;
}

int cli_tsa_url_ok(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}
