/*
 * The TSA transport behind --tsa URL: RFC 3161 §3.4 over HTTP, a POST of the DER
 * TimeStampReq as application/timestamp-query, the DER TimeStampResp read back. The
 * library never touches the network; it calls this through coco_tsa_fn. Bounded: http
 * and https only, no redirects, a reply of at most CLI_TSA_MAX_REPLY bytes, and time
 * limits, so a slow or hostile TSA cannot hang or flood create.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cli.h"

#define CLI_TSA_MAX_REPLY (256 * 1024)

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
	return curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L) != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L) != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L) != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr) != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)req) != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req_len) != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
	       curl_easy_setopt(c, CURLOPT_WRITEDATA, r) != CURLE_OK;
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
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || (c = curl_easy_init()) == NULL ||
	    (hdr = curl_slist_append(NULL, "Content-Type: application/timestamp-query")) == NULL ||
	    setup(c, url, req, req_len, hdr, &r) ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf) != CURLE_OK) {
		snprintf(why, why_size, "cannot set up HTTP for '%s'", url);
		goto out;
	}
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		if (r.too_large)
			snprintf(why, why_size, "'%s' answered more than %d bytes", url,
				 CLI_TSA_MAX_REPLY);
		else
			snprintf(why, why_size, "'%s': %s", url,
				 ebuf[0] ? ebuf : curl_easy_strerror(rc));
		goto out;
	}
	*reply = r.buf;
	*reply_len = r.len;
	r.buf = NULL; /* transferred */
	ret = 0;
out:
	free(r.buf);
	curl_slist_free_all(hdr);
	if (c != NULL)
		curl_easy_cleanup(c);
	return ret;
}

int cli_tsa_url_ok(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}
