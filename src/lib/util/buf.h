/*
 * A growable output buffer for the renderers (report.c and its siblings). Any allocation
 * failure sticks: later calls do nothing and the caller checks `failed` at the end.
 */
#ifndef COCO_BUF_H
#define COCO_BUF_H

#include "internal.h"

struct coco_buf {
	char *p;
	size_t len, cap;
	int failed;
};

/*
 * In every mode, invalid UTF-8, C1 controls, U+FFFE and U+FFFF and the characters that
 * reorder or hide text (bidirectional overrides, embeddings and isolates, the LRM, RLM and
 * ALM marks, the line and paragraph separators: coco_utf8_unsafe) and the characters that
 * show as nothing (U+00AD, U+200B..U+200D, U+2060, U+FEFF) are replaced: by '?' in text,
 * by U+FFFD in the others. The public form is coco_escape() (coco.h).
 */
enum coco_buf_mode {
	COCO_BUF_TEXT,   /* controls become '?' */
	COCO_BUF_JSON,   /* inside a JSON string: quotes and backslashes escaped, controls
			    written \u00XX */
	COCO_BUF_MARKUP, /* HTML or XML text and attribute values: <>&"' escaped, controls
			    other than newline and tab become U+FFFD */
	COCO_BUF_CSV,    /* inside a quoted CSV field: quotes doubled, controls other than
			    newline and tab become U+FFFD */
};

void coco_buf_add(struct coco_buf *b, const char *s, size_t n);
void coco_buf_str(struct coco_buf *b, const char *s);
void coco_buf_printf(struct coco_buf *b, const char *fmt, ...) COCO_PRINTF(2, 3);
void coco_buf_safe(struct coco_buf *b, const char *s, enum coco_buf_mode mode);
/* s as a JSON string, escaped as coco_buf_safe's COCO_BUF_JSON does, or null when s is NULL. */
void coco_buf_json_str(struct coco_buf *b, const char *s);

#endif /* COCO_BUF_H */
