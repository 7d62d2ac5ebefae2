/*
 * A growable output buffer for the renderers.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void coco_buf_add(struct coco_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap == 0 ? 4096 : b->cap;
		char *np;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void coco_buf_str(struct coco_buf *b, const char *s)
{
	coco_buf_add(b, s, strlen(s));
}

void coco_buf_printf(struct coco_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = coco_vasprintf(fmt, ap);
	va_end(ap);
	if (s == NULL) {
		b->failed = 1;
		return;
	}
	coco_buf_add(b, s, strlen(s));
	free(s);
}

/* Appends s escaped for mode, with bytes that are not valid UTF-8 replaced, so hostile
 * names cannot break the output or a terminal. */
void coco_buf_safe(struct coco_buf *b, const char *s, enum coco_buf_mode mode)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;
	int json = mode == COCO_BUF_JSON, markup = mode == COCO_BUF_MARKUP;

	while (left > 0) {
		n = 1;
		if (json && (*p == '"' || *p == '\\')) {
			char esc[2] = {'\\', (char)*p};
			coco_buf_add(b, esc, 2);
		} else if (markup &&
			   (*p == '<' || *p == '>' || *p == '&' || *p == '"' || *p == '\'')) {
			coco_buf_str(b, *p == '<'   ? "&lt;"
					: *p == '>' ? "&gt;"
					: *p == '&' ? "&amp;"
					: *p == '"' ? "&quot;"
						    : "&#39;");
		} else if (*p < 0x20 || *p == 0x7F) {
			if (json)
				coco_buf_printf(b, "\\u%04x", *p);
			else if (markup && (*p == '\n' || *p == '\t'))
				coco_buf_add(b, (const char *)p, 1);
			else
				coco_buf_str(b, markup ? "\xEF\xBF\xBD" : "?");
		} else if ((n = coco_utf8_seq(p, left)) == 0) {
			coco_buf_str(b, json ? "\\ufffd" : markup ? "\xEF\xBF\xBD" : "?");
			n = 1;
		} else if (coco_utf8_unsafe(p, n)) {
			coco_buf_str(b, json ? "\\ufffd" : markup ? "\xEF\xBF\xBD" : "?");
		} else {
			coco_buf_add(b, (const char *)p, n);
		}
		p += n;
		left -= n;
	}
}
