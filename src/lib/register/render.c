/*
 * The register's renderings: an aligned text table with a summary line, JSON
 * ("coco-bundle-reverify/1") and CSV (RFC 4180). Every string, and above all those taken
 * from a bundle or a file name, goes through the one escaping layer (coco_escape), so a
 * hostile name can neither drive a terminal, reorder what a reader sees, break the JSON
 * nor run as a spreadsheet formula.
 */
#include <stdlib.h>
#include <string.h>

#include "register/register.h"
#include "util/buf.h"

/* Appends s escaped for mode; a failure sticks in b. */
static void put(struct coco_buf *b, const char *s, enum coco_escape mode)
{
	char *e = coco_escape(s, mode);

	if (e == NULL)
		b->failed = 1;
	else
		coco_buf_str(b, e);
	free(e);
}

static void date_of(time_t t, char out[11])
{
	char buf[21];

	coco_time_format(t, buf);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

static int decided(const struct coco_rv_row *row)
{
	return row->decision_state != COCO_RV_DECISION_NONE;
}

/* The decision as JSON and CSV show it: its name, and the state when it is not in force
 * (a reader matching "approved" must not take a lapsed approval for one). */
static char *decision_value(const struct coco_rv_row *row)
{
	const char *name = coco_decision_name(row->decision);

	if (!row->verified)
		return NULL;
	if (row->decision_state == COCO_RV_DECISION_LAPSED)
		return coco_asprintf("%s (no longer provable: SIRO certificate expired)", name);
	return coco_strndup(name, strlen(name));
}

/* The sign-off cell: "none", "undetermined", "approved by NAME on DATE", or that with
 * "(approval no longer provable: SIRO certificate expired)". */
static char *signoff_text(const struct coco_rv_row *row)
{
	const char *name = row->verified ? coco_decision_name(row->decision) : "-";
	char d[11];

	if (!decided(row))
		return coco_strndup(name, strlen(name));
	date_of(row->decided_at, d);
	if (row->decision_state == COCO_RV_DECISION_LAPSED)
		return coco_asprintf("%s by %s on %s (%s no longer provable: SIRO certificate "
				     "expired)",
				     name, row->siro ? row->siro : "?", d,
				     row->decision == COCO_DECISION_APPROVED ? "approval"
									     : "rejection");
	return coco_asprintf("%s by %s on %s", name, row->siro ? row->siro : "?", d);
}

/* ---- text ---- */

enum { C_STATUS, C_DAYS, C_EXPIRES, C_VERDICT, C_SIGNOFF, C_ORG, C_PATH, C_DETAIL, C_N };

static const char *const headers[C_N] = {"STATUS",   "DAYS",         "EXPIRES", "VERDICT",
					 "SIGN-OFF", "ORGANISATION", "BUNDLE",  "DETAIL"};

/* The cells of one row, each escaped for a terminal; NULL when memory ran out. */
static char **text_cells(const struct coco_rv_row *row)
{
	char **cells = calloc(C_N, sizeof(*cells)), days[24], d[11], *signoff;
	const char *raw[C_N];
	size_t c;

	if (cells == NULL || (signoff = signoff_text(row)) == NULL) {
		free(cells);
		return NULL;
	}
	snprintf(days, sizeof(days), "%ld", row->days_left);
	date_of(row->expires, d);
	raw[C_STATUS] = coco_rv_status_name(row->status);
	raw[C_DAYS] = row->has_expiry ? days : "-";
	raw[C_EXPIRES] = row->has_expiry ? d : "-";
	raw[C_VERDICT] = row->verified ? coco_verdict_name(row->verdict) : "-";
	raw[C_SIGNOFF] = signoff;
	raw[C_ORG] = row->organisation ? row->organisation : "-";
	raw[C_PATH] = row->path;
	raw[C_DETAIL] = row->reason ? row->reason : row->has_expiry ? row->expiring : "";
	for (c = 0; c < C_N; c++)
		cells[c] = coco_escape(raw[c], COCO_ESCAPE_TEXT);
	free(signoff);
	return cells;
}

static void cells_free(char **cells)
{
	size_t c;

	for (c = 0; cells != NULL && c < C_N; c++)
		free(cells[c]);
	free(cells);
}

/* Display width: the code points of an escaped cell (each unsafe character is one '?'). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void text_line(struct coco_buf *b, char *const cells[C_N], const size_t widths[C_N])
{
	size_t c, pad;

	for (c = 0; c < C_N; c++) {
		pad = widths[c] - width(cells[c]);
		if (c == C_DAYS)
			coco_buf_printf(b, "%*s", (int)pad, "");
		coco_buf_str(b, cells[c]);
		if (c + 1 == C_N || (c + 2 == C_N && cells[c + 1][0] == '\0'))
			break; /* no trailing blanks */
		coco_buf_printf(b, "%*s", (int)(c == C_DAYS ? 2 : pad + 2), "");
	}
	coco_buf_str(b, "\n");
}

static void count(const struct coco_register *reg, size_t counts[COCO_RV_N_STATUS])
{
	size_t i;

	memset(counts, 0, COCO_RV_N_STATUS * sizeof(*counts));
	for (i = 0; i < reg->n; i++)
		counts[reg->v[i].row.status]++;
}

/* Whether the summaries list status i: REVOKED only when a row has it, so that format 1's
 * summaries are unchanged for every register without a revocation. */
static int listed(const size_t counts[COCO_RV_N_STATUS], size_t i)
{
	return i != COCO_RV_REVOKED || counts[i] > 0;
}

static void summary(struct coco_buf *b, const struct coco_register *reg)
{
	size_t counts[COCO_RV_N_STATUS], i;
	const char *sep = "";
	char t[21];

	count(reg, counts);
	coco_buf_printf(b, "%zu bundle%s at %s, expiring within %ld days:", reg->n,
			reg->n == 1 ? "" : "s", coco_time_format(reg->at, t), reg->within);
	for (i = 0; i < COCO_RV_N_STATUS; i++, sep = ",")
		if (listed(counts, i))
			coco_buf_printf(b, "%s %zu %s", sep, counts[i],
					coco_rv_status_name((enum coco_rv_status)i));
	coco_buf_str(b, "\n");
}

/* The cells of every row, escaped; NULL when memory ran out. */
static char ***all_cells(const struct coco_register *reg, size_t widths[C_N])
{
	char ***rows = calloc(reg->n + 1, sizeof(*rows));
	size_t i, c;

	for (c = 0; c < C_N; c++)
		widths[c] = width(headers[c]);
	for (i = 0; rows != NULL && i < reg->n; i++) {
		if ((rows[i] = text_cells(&reg->v[i].row)) == NULL)
			goto nomem;
		for (c = 0; c < C_N; c++)
			if (rows[i][c] == NULL)
				goto nomem;
			else if (width(rows[i][c]) > widths[c])
				widths[c] = width(rows[i][c]);
	}
	return rows;
nomem:
	for (i = 0; i < reg->n; i++)
		cells_free(rows[i]);
	free(rows);
	return NULL;
}

static void render_text(struct coco_buf *b, const struct coco_register *reg)
{
	size_t widths[C_N], i;
	char ***rows = all_cells(reg, widths);

	if (rows == NULL) {
		b->failed = 1;
		return;
	}
	if (reg->n > 0)
		text_line(b, (char *const *)headers, widths);
	for (i = 0; i < reg->n; i++) {
		text_line(b, rows[i], widths);
		cells_free(rows[i]);
	}
	free(rows);
	summary(b, reg);
}

/* ---- JSON ---- */

static void json_time(struct coco_buf *b, int has, time_t t)
{
	char buf[21];

	coco_buf_json_str(b, has ? coco_time_format(t, buf) : NULL);
}

static void json_row(struct coco_buf *b, const struct coco_rv_row *row)
{
	char *dec = decision_value(row);

	if (row->verified && dec == NULL)
		b->failed = 1;
	coco_buf_str(b, "    {\"path\": ");
	coco_buf_json_str(b, row->path);
	coco_buf_printf(
	    b, ", \"status\": \"%s\", \"organisation\": ", coco_rv_status_name(row->status));
	coco_buf_json_str(b, row->organisation);
	coco_buf_str(b, ", \"verdict\": ");
	coco_buf_json_str(b, row->verified ? coco_verdict_name(row->verdict) : NULL);
	coco_buf_str(b, ",\n     \"decision\": ");
	coco_buf_json_str(b, dec);
	coco_buf_str(b, ", \"decided_by\": ");
	coco_buf_json_str(b, row->siro);
	coco_buf_str(b, ", \"decided_at\": ");
	json_time(b, decided(row), row->decided_at);
	coco_buf_str(b, ",\n     \"expires\": ");
	json_time(b, row->has_expiry, row->expires);
	coco_buf_str(b, ", \"expiring\": ");
	coco_buf_json_str(b, row->expiring);
	if (row->has_expiry)
		coco_buf_printf(b, ", \"days_left\": %ld", row->days_left);
	else
		coco_buf_str(b, ", \"days_left\": null");
	coco_buf_str(b, ", \"reason\": ");
	coco_buf_json_str(b, row->reason);
	coco_buf_str(b, "}");
	free(dec);
}

static void render_json(struct coco_buf *b, const struct coco_register *reg)
{
	size_t counts[COCO_RV_N_STATUS], i;

	count(reg, counts);
	coco_buf_str(b, "{\n  \"format\": \"coco-bundle-reverify/1\",\n  \"verification_time\": ");
	json_time(b, 1, reg->at);
	coco_buf_printf(b, ",\n  \"within_days\": %ld,\n  \"summary\": {\"bundles\": %zu",
			reg->within, reg->n);
	for (i = 0; i < COCO_RV_N_STATUS; i++)
		if (listed(counts, i))
			coco_buf_printf(b, ", \"%s\": %zu",
					coco_rv_status_name((enum coco_rv_status)i), counts[i]);
	coco_buf_str(b, "},\n  \"rows\": [");
	for (i = 0; i < reg->n; i++) {
		coco_buf_str(b, i ? ",\n" : "\n");
		json_row(b, &reg->v[i].row);
	}
	coco_buf_str(b, reg->n ? "\n  ]\n}\n" : "]\n}\n");
}

/* ---- CSV (RFC 4180) ---- */

/* One field; a value taken from a bundle or a file name is untrusted (one that a
 * spreadsheet would read as a formula gets a leading apostrophe). */
static void csv_field(struct coco_buf *b, const char *s, int untrusted, int last)
{
	put(b, s != NULL ? s : "", untrusted ? COCO_ESCAPE_CSV_UNTRUSTED : COCO_ESCAPE_CSV);
	coco_buf_str(b, last ? "\r\n" : ",");
}

static void csv_row(struct coco_buf *b, const struct coco_rv_row *row)
{
	char t1[21], t2[21], days[24], *dec = decision_value(row);

	if (row->verified && dec == NULL)
		b->failed = 1;
	snprintf(days, sizeof(days), "%ld", row->days_left);
	csv_field(b, row->path, 1, 0);
	csv_field(b, coco_rv_status_name(row->status), 0, 0);
	csv_field(b, row->organisation, 1, 0);
	csv_field(b, row->verified ? coco_verdict_name(row->verdict) : NULL, 0, 0);
	csv_field(b, dec, 0, 0);
	csv_field(b, row->siro, 1, 0);
	csv_field(b, decided(row) ? coco_time_format(row->decided_at, t1) : NULL, 0, 0);
	csv_field(b, row->has_expiry ? coco_time_format(row->expires, t2) : NULL, 0, 0);
	csv_field(b, row->expiring, 1, 0);
	csv_field(b, row->has_expiry ? days : NULL, 0, 0);
	csv_field(b, row->reason, 1, 1);
	free(dec);
}

static void render_csv(struct coco_buf *b, const struct coco_register *reg)
{
	size_t i;

	coco_buf_str(b, "path,status,organisation,verdict,decision,decided_by,decided_at,expires,"
			"expiring,days_left,reason\r\n");
	for (i = 0; i < reg->n; i++)
		csv_row(b, &reg->v[i].row);
}

static void (*const renderers[])(struct coco_buf *, const struct coco_register *) = {
    [COCO_RV_TEXT] = render_text,
    [COCO_RV_JSON] = render_json,
    [COCO_RV_CSV] = render_csv,
};

enum coco_err coco_register_render(const struct coco_register *reg, enum coco_rv_format format,
				   char **out, size_t *out_len)
{
	struct coco_buf b = {NULL, 0, 0, 0};

	*out = NULL;
	*out_len = 0;
	if ((size_t)format >= sizeof(renderers) / sizeof(renderers[0]))
		return COCO_ERR_ARG;
	renderers[format](&b, reg);
	coco_buf_add(&b, "", 0); /* an empty register renders something all the same */
	if (b.failed || b.p == NULL) {
		free(b.p);
		return COCO_ERR_NOMEM;
	}
	*out = b.p;
	*out_len = b.len;
	return COCO_OK;
}
