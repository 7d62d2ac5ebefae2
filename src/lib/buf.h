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

/* In every mode, C1 controls, bidirectional overrides and isolates, U+FFFE and U+FFFF are
 * replaced like invalid UTF-8. */
enum coco_buf_mode {
	COCO_BUF_TEXT,   /* controls and invalid UTF-8 become '?' */
	COCO_BUF_JSON,   /* inside a JSON string: quotes, backslashes and controls escaped,
			    invalid UTF-8 becomes \ufffd */
	COCO_BUF_MARKUP, /* HTML or XML text and attribute values: <>&"' escaped, controls
			    other than newline and tab and invalid UTF-8 become U+FFFD */
};

void coco_buf_add(struct coco_buf *b, const char *s, size_t n);
void coco_buf_str(struct coco_buf *b, const char *s);
void coco_buf_printf(struct coco_buf *b, const char *fmt, ...) COCO_PRINTF(2, 3);
void coco_buf_safe(struct coco_buf *b, const char *s, enum coco_buf_mode mode);

#endif /* COCO_BUF_H */
