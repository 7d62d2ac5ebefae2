/*
 * A growable output buffer for the renderers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

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

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* What stands for a byte or character that must not be shown, per mode. */
static const char *const replacement[] = {
    [COCO_BUF_TEXT] = "?",
    [COCO_BUF_JSON] = REPLACEMENT,
    [COCO_BUF_MARKUP] = REPLACEMENT,
    [COCO_BUF_CSV] = REPLACEMENT,
};

/* The escape for the ASCII byte c in mode (tmp may hold it), or NULL to copy c as it is. */
static const char *ascii_escape(unsigned char c, enum coco_buf_mode mode, char tmp[8])
{
	static const char *const markup[] = {
	    ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['"'] = "&quot;", ['\''] = "&#39;"};

	if (mode == COCO_BUF_JSON && (c == '"' || c == '\\')) {
		tmp[0] = '\\', tmp[1] = (char)c, tmp[2] = '\0';
		return tmp;
	}
	if (mode == COCO_BUF_MARKUP && c < sizeof(markup) / sizeof(markup[0]) && markup[c])
		return markup[c];
	if (mode == COCO_BUF_CSV && c == '"')
		return "\"\"";
	if (c >= 0x20 && c != 0x7F)
		return NULL;
	if (mode == COCO_BUF_JSON) {
		snprintf(tmp, 8, "\\u%04x", c);
		return tmp;
	}
	if ((mode == COCO_BUF_MARKUP || mode == COCO_BUF_CSV) && (c == '\n' || c == '\t'))
		return NULL;
	return replacement[mode];
}

/*
 * Characters that show as nothing, so that two names that look the same are not: the soft
 * hyphen U+00AD, the zero-width space, non-joiner and joiner U+200B..U+200D, the word
 * joiner U+2060 and the zero-width no-break space (byte-order mark) U+FEFF. Not unsafe in
 * a comment (coco_utf8_unsafe), which they cannot reorder; hidden in every output.
 */
static int invisible(const unsigned char *p, size_t n)
{
	return (n == 2 && p[0] == 0xC2 && p[1] == 0xAD) ||
	       (n == 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x8B && p[2] <= 0x8D) ||
	       (n == 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0xA0) ||
	       (n == 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF);
}

/* Appends s escaped for mode, with bytes that are not valid UTF-8 and characters that
 * could reorder or hide what a reader sees replaced, so hostile names cannot break the
 * output, drive a terminal or disguise themselves. Runs of plain text are copied whole. */
void coco_buf_safe(struct coco_buf *b, const char *s, enum coco_buf_mode mode)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;
	size_t left = strlen(s), n;
	const char *e;
	char tmp[8];

	for (; left > 0; p += n, left -= n) {
		n = 1;
		if (*p < 0x80)
			e = ascii_escape(*p, mode, tmp);
		else if ((n = coco_utf8_seq(p, left)) == 0)
			e = replacement[mode], n = 1;
		else
			e = coco_utf8_unsafe(p, n) || invisible(p, n) ? replacement[mode] : NULL;
		if (e == NULL)
			continue;
		coco_buf_add(b, (const char *)run, (size_t)(p - run));
		coco_buf_str(b, e);
		run = p + n;
	}
	coco_buf_add(b, (const char *)run, (size_t)(p - run));
}

/* The library's escaping, for the command line: one layer for every output. */
void coco_buf_json_str(struct coco_buf *b, const char *s)
{
	if (s == NULL) {
		coco_buf_str(b, "null");
		return;
	}
	coco_buf_str(b, "\"");
	coco_buf_safe(b, s, COCO_BUF_JSON);
	coco_buf_str(b, "\"");
}

char *coco_escape(const char *s, enum coco_escape mode)
{
	static const enum coco_buf_mode modes[] = {
	    [COCO_ESCAPE_TEXT] = COCO_BUF_TEXT,         [COCO_ESCAPE_JSON] = COCO_BUF_JSON,
	    [COCO_ESCAPE_MARKUP] = COCO_BUF_MARKUP,     [COCO_ESCAPE_CSV] = COCO_BUF_CSV,
	    [COCO_ESCAPE_CSV_UNTRUSTED] = COCO_BUF_CSV,
	};
	struct coco_buf b = {NULL, 0, 0, 0};
	int csv = mode == COCO_ESCAPE_CSV || mode == COCO_ESCAPE_CSV_UNTRUSTED;
	int quote = csv && strpbrk(s, ",\"\r\n") != NULL;

	if ((size_t)mode >= sizeof(modes) / sizeof(modes[0]))
		return NULL;
	coco_buf_add(&b, "\"", quote ? 1 : 0);
	/* a spreadsheet runs a field that starts like a formula */
	if (mode == COCO_ESCAPE_CSV_UNTRUSTED && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		coco_buf_str(&b, "'");
	coco_buf_safe(&b, s, modes[mode]);
	coco_buf_add(&b, "\"", quote ? 1 : 0);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
