/*
 * Calendar dates and the text normalisation that the assessment and evidence checks
 * compare with. Dates are whole days since 1970-01-01 (UTC, proleptic Gregorian), as
 * the assessment's xs:date values are: a certificate that "expires 2027-09-15" is valid
 * through that day. Names are compared after normalisation, so "Example Guarding
 * Limited" and "EXAMPLE GUARDING LTD." are the same holder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Howard Hinnant's days_from_civil / civil_from_days. */
long coco_days_from_civil(long y, unsigned m, unsigned d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (long)(m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + (long)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void coco_civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static unsigned month_days(long y, unsigned m)
{
	static const unsigned char n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return n[m - 1] + (m == 2 && leap);
}

int coco_date_parse(const char *s, long *days)
{
	unsigned v[3] = {0, 0, 0}, widths[3] = {4, 2, 2}, i, k;

	for (i = 0; i < 3; i++) {
		for (k = 0; k < widths[i]; k++, s++) {
			if (*s < '0' || *s > '9')
				return -1;
			v[i] = v[i] * 10 + (unsigned)(*s - '0');
		}
		if (i < 2 && *s++ != '-')
			return -1;
	}
	if (*s != '\0' || v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > month_days((long)v[0], v[1]))
		return -1;
	*days = coco_days_from_civil((long)v[0], v[1], v[2]);
	return 0;
}

char *coco_date_format(long days, char buf[16])
{
	long y;
	unsigned m, d;

	coco_civil_from_days(days, &y, &m, &d);
	snprintf(buf, 16, "%04ld-%02u-%02u", y, m, d);
	return buf;
}

long coco_day_of(time_t t)
{
	long long s = (long long)t;

	return (long)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

long coco_date_add_months(long days, unsigned months)
{
	long y;
	unsigned m, d, dim;

	coco_civil_from_days(days, &y, &m, &d);
	y += (long)((m - 1 + months) / 12);
	m = (m - 1 + months) % 12 + 1;
	dim = month_days(y, m);
	return coco_days_from_civil(y, m, d > dim ? dim : d);
}

/* ---- text -------------------------------------------------------------------------- */

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

char *coco_norm_words(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(n * 5 + 1); /* '&' may become " and " */
	int space = 0;

	if (out == NULL)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&') {
			if (o > 0)
				out[o++] = ' ';
			memcpy(out + o, "and", 3);
			o += 3;
			space = 1;
		} else if (is_word_byte(c)) {
			if (space && o > 0)
				out[o++] = ' ';
			space = 0;
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		} else {
			space = 1;
		}
	}
	out[o] = '\0';
	return out;
}

/* Replaces whole-word occurrences of from (a normalised phrase) by to, in place. */
static void replace_words(char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	char *p = s;

	while ((p = strstr(p, from)) != NULL) {
		int starts = p == s || p[-1] == ' ', ends = p[fl] == '\0' || p[fl] == ' ';
		if (!starts || !ends) {
			p++;
			continue;
		}
		memcpy(p, to, tl); /* tl <= fl for every pair used */
		memmove(p + tl, p + fl, strlen(p + fl) + 1);
		p += tl;
	}
}

char *coco_norm_org(const char *s)
{
	static const char *const pairs[][2] = {
	    {"public limited company", "plc"},
	    {"p l c", "plc"},
	    {"limited", "ltd"},
	    {"l t d", "ltd"},
	};
	char *out = coco_norm_words(s);
	size_t i;

	for (i = 0; out != NULL && i < sizeof(pairs) / sizeof(pairs[0]); i++)
		replace_words(out, pairs[i][0], pairs[i][1]);
	return out;
}

int coco_words_contain(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = hay;

	if (n == 0)
		return 0;
	while ((p = strstr(p, needle)) != NULL) {
		if ((p == hay || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
		p++;
	}
	return 0;
}

char *coco_trim(char *s)
{
	size_t n;
	char *p = s;

	if (s == NULL)
		return NULL;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	n = strlen(p);
	while (n > 0 &&
	       (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	memmove(s, p, n);
	s[n] = '\0';
	return s;
}
