/*
 * Small utilities every module uses: error messages, string helpers, base64 and hex,
 * time conversion without the process time zone, zip-name safety, and the atomic
 * temporary-file protocol (temporary file beside the target, fsync, rename, fsync dir).
 */
#define _GNU_SOURCE /* sync_file_range and renameat2, where the C library has them */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/err.h>

#include "internal.h"

#define WRITEBACK_MIN (256u << 10) /* smaller writes are headers and metadata */

static const char *const err_names[] = {
    [COCO_OK] = "success",
    [COCO_ERR_NOMEM] = "out of memory",
    [COCO_ERR_IO] = "input/output error",
    [COCO_ERR_ARG] = "invalid argument",
    [COCO_ERR_FORMAT] = "invalid format",
    [COCO_ERR_CRYPTO] = "cryptographic operation failed",
    [COCO_ERR_EXISTS] = "output exists",
    [COCO_ERR_REFUSED] = "refused by policy",
    [COCO_ERR_LIMIT] = "resource limit exceeded",
};

const char *coco_strerror(enum coco_err err)
{
	if ((size_t)err >= sizeof(err_names) / sizeof(err_names[0]) || err_names[err] == NULL)
		return "unknown error";
	return err_names[err];
}

static void vseterr(struct coco_ctx *ctx, const char *fmt, va_list ap, const char *suffix)
    COCO_PRINTF(2, 0);

static void vseterr(struct coco_ctx *ctx, const char *fmt, va_list ap, const char *suffix)
{
	int n;

	if (ctx == NULL)
		return;
	n = vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	if (n < 0)
		ctx->err[0] = '\0';
	else if (suffix != NULL && suffix[0] != '\0' && (size_t)n < sizeof(ctx->err))
		snprintf(ctx->err + n, sizeof(ctx->err) - (size_t)n, ": %s", suffix);
}

enum coco_err coco_seterr(struct coco_ctx *ctx, enum coco_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vseterr(ctx, fmt, ap, NULL);
	va_end(ap);
	return err;
}

enum coco_err coco_seterr_ssl(struct coco_ctx *ctx, enum coco_err err, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	coco_ssl_reason(reason, sizeof(reason));
	va_start(ap, fmt);
	vseterr(ctx, fmt, ap, reason);
	va_end(ap);
	return err;
}

void coco_ssl_reason(char *buf, size_t size)
{
	unsigned long e, last = 0;
	const char *reason;

	/* The first error is usually the root cause; later ones are callers unwinding. */
	while ((e = ERR_get_error_all(NULL, NULL, NULL, NULL, NULL)) != 0)
		if (last == 0)
			last = e;
	buf[0] = '\0';
	if (last == 0)
		return;
	reason = ERR_reason_error_string(last);
	if (reason != NULL)
		snprintf(buf, size, "%s", reason);
	else
		snprintf(buf, size, "openssl error %lx", last);
}

char *coco_vasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	char *out;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	out = malloc((size_t)n + 1);
	if (out != NULL)
		vsnprintf(out, (size_t)n + 1, fmt, ap);
	return out;
}

char *coco_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = coco_vasprintf(fmt, ap);
	va_end(ap);
	return out;
}

char *coco_strndup(const char *s, size_t n)
{
	char *out = malloc(n + 1);

	if (out == NULL)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

void coco_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int is_xml_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

long coco_base64_decode(const char *in, size_t in_len, unsigned char *out, size_t out_size)
{
	unsigned char quad[4];
	size_t i, nq = 0, o = 0, pad = 0;

	for (i = 0; i < in_len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (is_xml_space(c))
			continue;
		if (c == '=') {
			if (nq < 2)
				return -1;
			pad++;
			quad[nq++] = 0;
		} else {
			if (pad != 0 || (v = b64_value(c)) < 0)
				return -1;
			quad[nq++] = (unsigned char)v;
		}
		if (nq < 4)
			continue;
		if (o + 3 - pad > out_size)
			return -1;
		out[o++] = (unsigned char)(quad[0] << 2 | quad[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)(quad[1] << 4 | quad[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)(quad[2] << 6 | quad[3]);
		/* Padding may only close the text; non-canonical trailing bits are refused. */
		if ((pad == 1 && (quad[2] & 3) != 0) || (pad == 2 && (quad[1] & 15) != 0))
			return -1;
		nq = 0;
		if (pad != 0)
			break;
	}
	for (i++; pad != 0 && i < in_len; i++)
		if (!is_xml_space((unsigned char)in[i]))
			return -1;
	if (nq != 0)
		return -1;
	return (long)o;
}

char *coco_base64_encode(const unsigned char *in, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((n + 2) / 3 * 4 + 1);
	size_t i, o = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v =
		    (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = tab[v & 63];
	}
	if (i < n) {
		unsigned long v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static time_t tm_to_time(const struct tm *tm)
{
	long long days = days_from_civil((long long)tm->tm_year + 1900, (unsigned)tm->tm_mon + 1,
					 (unsigned)tm->tm_mday);

	return (time_t)(days * 86400 + tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec);
}

int coco_asn1_time_to_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = tm_to_time(&tm);
	return 0;
}

char *coco_time_format(time_t t, char buf[21])
{
	char tmp[64];
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		snprintf(buf, 21, "invalid-time");
		return buf;
	}
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(buf, tmp, 20);
	buf[20] = '\0';
	return buf;
}

/* Reads exactly n digits at *p into *out, advancing *p. */
static int take_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : days[m - 1];
}

static int parse_date(const char **p, struct tm *tm)
{
	int y, m, d;

	if (take_digits(p, 4, &y) || *(*p)++ != '-' || take_digits(p, 2, &m) || *(*p)++ != '-' ||
	    take_digits(p, 2, &d))
		return -1;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	return 0;
}

/* "HH:MM:SS[.frac](Z|+hh:mm|-hh:mm)"; sets the UTC offset in seconds. */
static int parse_clock(const char **p, struct tm *tm, long *offset)
{
	int h, mi, s, oh, om, sign;

	if (take_digits(p, 2, &h) || *(*p)++ != ':' || take_digits(p, 2, &mi) || *(*p)++ != ':' ||
	    take_digits(p, 2, &s))
		return -1;
	if (h > 23 || mi > 59 || s > 60)
		return -1;
	if (**p == '.') {
		(*p)++;
		if (**p < '0' || **p > '9')
			return -1;
		while (**p >= '0' && **p <= '9')
			(*p)++;
	}
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = s == 60 ? 59 : s;
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*offset = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = *(*p)++ == '-' ? -1 : 1;
	if (take_digits(p, 2, &oh) || *(*p)++ != ':' || take_digits(p, 2, &om) || oh > 23 ||
	    om > 59)
		return -1;
	*offset = sign * (oh * 3600L + om * 60L);
	return 0;
}

enum coco_err coco_time_parse(const char *text, time_t *out)
{
	struct tm tm;
	const char *p = text;
	long offset = 0;

	if (text == NULL || out == NULL)
		return COCO_ERR_ARG;
	memset(&tm, 0, sizeof(tm));
	if (parse_date(&p, &tm))
		return COCO_ERR_ARG;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (parse_clock(&p, &tm, &offset))
			return COCO_ERR_ARG;
	}
	if (*p != '\0')
		return COCO_ERR_ARG;
	*out = tm_to_time(&tm) - (time_t)offset;
	return COCO_OK;
}

/* RFC 2253 escaping, most significant RDN first, ", " between: "CN=Jane, O=Acme, C=GB". */
#define NAME_FLAGS                                                                                 \
	((ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |  \
	 XN_FLAG_DUMP_UNKNOWN_FIELDS)

char *coco_name_oneline(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *out = NULL;
	long len;

	if (bio == NULL)
		return NULL;
	if (X509_NAME_print_ex(bio, name, 0, NAME_FLAGS) >= 0) {
		len = BIO_get_mem_data(bio, &data);
		if (len >= 0)
			out = coco_strndup(data, (size_t)len);
	}
	BIO_free(bio);
	return out;
}

/* Length of the valid UTF-8 sequence at s (max n bytes), or 0 if invalid or overlong. */
size_t coco_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3Fu);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/*
 * Valid UTF-8 that is still unsafe to show: C1 controls (U+0080..U+009F, such as CSI);
 * what reorders or hides text for a reader (Trojan Source, CVE-2021-42574): the
 * bidirectional embeddings and overrides U+202A..U+202E, the isolates U+2066..U+2069, the
 * marks LRM U+200E, RLM U+200F and ALM U+061C, and the line and paragraph separators
 * U+2028 and U+2029, which break a line where no newline is seen; and U+FFFE and U+FFFF,
 * which XML 1.0 does not allow.
 */
int coco_utf8_unsafe(const unsigned char *p, size_t n)
{
	return (n == 2 && p[0] == 0xC2 && p[1] < 0xA0) ||
	       (n == 2 && p[0] == 0xD8 && p[1] == 0x9C) ||
	       (n == 3 && p[0] == 0xE2 && p[1] == 0x80 &&
		(p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xA8 && p[2] <= 0xAE))) ||
	       (n == 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9) ||
	       (n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE);
}

static const char *segment_problem(const char *seg, size_t len)
{
	if (len == 0)
		return "empty path segment";
	if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
		return "'.' or '..' segment";
	if (seg[len - 1] == '.' || seg[len - 1] == ' ')
		return "a name or folder ending in a dot or a space (Windows drops it)";
	return NULL;
}

const char *coco_name_problem(const char *name, size_t len, int *is_dir)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i, seg = 0, step;
	const char *why;

	*is_dir = 0;
	if (len == 0)
		return "empty name";
	if (len > COCO_MAX_NAME_LEN)
		return "name too long";
	if (s[0] == '/')
		return "absolute path";
	if (len >= 2 && s[1] == ':' && ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
		return "drive letter";
	if (s[len - 1] == '/') {
		*is_dir = 1;
		len--;
	}
	for (i = 0; i < len; i += step) {
		if (s[i] == '\0')
			return "NUL byte in name";
		if (s[i] < 0x20 || s[i] == 0x7F)
			return "control character in name";
		if (s[i] == '\\')
			return "backslash in name";
		if (strchr(":*?\"<>|", s[i]) != NULL)
			return "character not portable in a file name";
		if ((step = coco_utf8_seq(s + i, len - i)) == 0)
			return "invalid UTF-8 in name";
		if (step == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0)
			return "control character in name"; /* C1: U+0080..U+009F */
		if (s[i] == '/') {
			if ((why = segment_problem(name + seg, i - seg)) != NULL)
				return why;
			seg = i + 1;
		}
	}
	return segment_problem(name + seg, len - seg);
}

int coco_pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = pread(fd, p, n, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EIO;
			return -1;
		}
		p += got;
		n -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

int coco_write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t done = 0;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		done += (size_t)n;
	}
#ifdef SYNC_FILE_RANGE_WRITE
	/* Every file written here is fsync'd before it counts: start the disk on what a
	 * large write dirtied now, so that fsync waits for the tail and not the whole
	 * bundle. Asynchronous, and only a hint (it fails on a pipe, harmlessly). */
	if (done >= WRITEBACK_MIN)
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
	return 0;
}

/* The length of path without trailing slashes (but "/" stays "/"). */
static size_t trimmed_len(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

/* ".coco-tmp-NAME.XXXXXX" in the folder that holds path, for mkstemp or mkdtemp. */
static char *tmp_template(const char *path)
{
	size_t n = trimmed_len(path), dirlen = n;

	while (dirlen > 0 && path[dirlen - 1] != '/')
		dirlen--;
	/* A leading dot and a fixed marker: reverify skips it, and it is easy to clean. */
	return coco_asprintf("%.*s.coco-tmp-%.*s.XXXXXX", (int)dirlen, path, (int)(n - dirlen),
			     path + dirlen);
}

/* Why no temporary file or folder could be made beside path: a missing folder is named. */
static enum coco_err tmp_error(struct coco_ctx *ctx, const char *path, const char *what, int e)
{
	size_t n = trimmed_len(path);

	while (n > 0 && path[n - 1] != '/')
		n--;
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (e == ENOENT || e == ENOTDIR)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot write '%s': %s'%.*s' %s", path,
				   e == ENOENT ? "folder " : "", n == 0 ? 1 : (int)n,
				   n == 0 ? "." : path,
				   e == ENOENT ? "does not exist" : "is not a folder");
	return coco_seterr(ctx, COCO_ERR_IO, "cannot create a temporary %s beside '%s': %s", what,
			   path, strerror(e));
}

enum coco_err coco_tmp_open(struct coco_ctx *ctx, const char *path, char **tmp_out, int *fd_out)
{
	char *tmp = tmp_template(path);
	int fd;

	*tmp_out = NULL;
	*fd_out = -1;
	if (tmp == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if ((fd = mkstemp(tmp)) < 0) {
		free(tmp);
		return tmp_error(ctx, path, "file", errno);
	}
	(void)fchmod(fd, 0644);
	*tmp_out = tmp;
	*fd_out = fd;
	coco_phase(ctx, COCO_PHASE_TMP_CREATED, path, 0);
	return COCO_OK;
}

void coco_tmp_abort(int fd, char *tmp)
{
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
}

/* Opens the folder that holds path, to sync it once path is in place. -1 with errno. */
static int open_parent(const char *path)
{
	size_t n = trimmed_len(path);
	char *dir;
	int fd, e;

	while (n > 0 && path[n - 1] != '/')
		n--;
	while (n > 1 && path[n - 1] == '/')
		n--;
	if ((dir = n == 0 ? coco_strndup(".", 1) : coco_strndup(path, n)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	e = errno;
	free(dir);
	errno = e;
	return fd;
}

/*
 * Syncs and closes the folder dfd, which now holds path. The target is already in place,
 * so a failure cannot be undone, only reported. A file system that cannot sync folders
 * (EINVAL) has nothing to report.
 */
static enum coco_err sync_parent(struct coco_ctx *ctx, int dfd, const char *path)
{
	int bad = fsync(dfd) != 0 && errno != EINVAL;
	int e = errno;

	close(dfd);
	if (bad)
		return coco_seterr(ctx, COCO_ERR_IO,
				   "cannot sync the folder of '%s': %s (it is in place, but may "
				   "not survive a power cut)",
				   path, strerror(e));
	coco_phase(ctx, COCO_PHASE_DONE, path, 0);
	return COCO_OK;
}

/*
 * The steps before a temporary file may replace path: fsync, close, and the folder opened
 * for the sync after it (so that every failure comes while the target is still untouched).
 * Returns the folder's descriptor, or -1 with the error in ctx; closes fd either way.
 */
static int tmp_seal(struct coco_ctx *ctx, int fd, const char *tmp, const char *path)
{
	int bad, dfd;

	coco_phase(ctx, COCO_PHASE_WRITTEN, path, 0);
	if ((bad = fsync(fd) != 0))
		coco_seterr(ctx, COCO_ERR_IO, "cannot sync '%s': %s", tmp, strerror(errno));
	if (close(fd) != 0 && !bad) {
		coco_seterr(ctx, COCO_ERR_IO, "cannot close '%s': %s", tmp, strerror(errno));
		bad = 1;
	}
	if (bad)
		return -1;
	if ((dfd = open_parent(path)) < 0) {
		coco_seterr(ctx, COCO_ERR_IO, "cannot open the folder of '%s': %s", path,
			    strerror(errno));
		return -1;
	}
	coco_phase(ctx, COCO_PHASE_SYNCED, path, 0);
	return dfd;
}

enum coco_err coco_tmp_commit(struct coco_ctx *ctx, int fd, char *tmp, const char *path)
{
	int dfd = tmp_seal(ctx, fd, tmp, path);

	if (dfd < 0) {
		coco_tmp_abort(-1, tmp);
		return COCO_ERR_IO;
	}
	if (rename(tmp, path) != 0) {
		coco_seterr(ctx, COCO_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path,
			    strerror(errno));
		coco_tmp_abort(-1, tmp);
		close(dfd);
		return COCO_ERR_IO;
	}
	free(tmp);
	coco_phase(ctx, COCO_PHASE_RENAMED, path, 0);
	return sync_parent(ctx, dfd, path);
}

enum coco_err coco_tmpdir_open(struct coco_ctx *ctx, const char *path, char **tmp_out)
{
	char *tmp = tmp_template(path);

	*tmp_out = NULL;
	if (tmp == NULL)
		return coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	if (mkdtemp(tmp) == NULL) {
		free(tmp);
		return tmp_error(ctx, path, "folder", errno);
	}
	*tmp_out = tmp;
	coco_phase(ctx, COCO_PHASE_TMP_CREATED, path, 0);
	return COCO_OK;
}

/* rename(2) that never replaces: an existing target (even an empty folder) is EEXIST. */
static int rename_new(const char *from, const char *to)
{
	struct stat st;

#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1; /* else the file system cannot say: check, then rename */
#endif
	if (lstat(to, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

enum coco_err coco_sync_folder(struct coco_ctx *ctx, const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int bad = fd < 0 || (fsync(fd) != 0 && errno != EINVAL);
	int e = errno;

	if (fd >= 0)
		close(fd);
	if (bad)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot sync folder '%s': %s", path,
				   strerror(e));
	return COCO_OK;
}

enum coco_err coco_tmpdir_commit(struct coco_ctx *ctx, char **tmp_io, const char *path)
{
	const char *tmp = *tmp_io;
	int dfd;

	if (coco_sync_folder(ctx, tmp) != COCO_OK)
		return COCO_ERR_IO;
	if ((dfd = open_parent(path)) < 0)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open the folder of '%s': %s", path,
				   strerror(errno));
	coco_phase(ctx, COCO_PHASE_SYNCED, path, 0);
	if (rename_new(tmp, path) != 0) {
		int e = errno;
		close(dfd);
		return coco_seterr(
		    ctx, e == EEXIST || e == ENOTEMPTY ? COCO_ERR_EXISTS : COCO_ERR_IO,
		    "cannot rename '%s' to '%s': %s", tmp, path,
		    e == EEXIST || e == ENOTEMPTY ? "it appeared meanwhile" : strerror(e));
	}
	free(*tmp_io);
	*tmp_io = NULL; /* it is path now */
	coco_phase(ctx, COCO_PHASE_RENAMED, path, 0);
	return sync_parent(ctx, dfd, path);
}

/* A temporary file beside path holding data (written, not yet synced), or an error. */
static enum coco_err tmp_write(struct coco_ctx *ctx, const char *path, const void *data, size_t len,
			       char **tmp, int *fd)
{
	enum coco_err err = coco_tmp_open(ctx, path, tmp, fd);

	if (err != COCO_OK)
		return err;
	if (coco_write_all(*fd, data, len) != 0) {
		coco_seterr(ctx, COCO_ERR_IO, "cannot write '%s': %s", *tmp, strerror(errno));
		coco_tmp_abort(*fd, *tmp);
		return COCO_ERR_IO;
	}
	return COCO_OK;
}

enum coco_err coco_write_file_atomic(struct coco_ctx *ctx, const char *path, const void *data,
				     size_t len)
{
	char *tmp = NULL;
	int fd;
	enum coco_err err = tmp_write(ctx, path, data, len, &tmp, &fd);

	return err != COCO_OK ? err : coco_tmp_commit(ctx, fd, tmp, path);
}

int coco_ratio_over(uint64_t usize, uint64_t csize)
{
	/* usize > 200 * csize, without the product (csize may be any 64-bit value) */
	return usize > COCO_RATIO_FLOOR &&
	       (usize / COCO_MAX_RATIO > csize ||
		(usize / COCO_MAX_RATIO == csize && usize % COCO_MAX_RATIO != 0));
}

int coco_total_over(uint64_t usize_total, uint64_t file_size)
{
	/* usize_total > COCO_MAX_TOTAL_RATIO * file_size + COCO_TOTAL_FLOOR, without overflow */
	if (file_size > (UINT64_MAX - COCO_TOTAL_FLOOR) / COCO_MAX_TOTAL_RATIO)
		return 0;
	return usize_total > COCO_MAX_TOTAL_RATIO * file_size + COCO_TOTAL_FLOOR;
}

enum coco_err coco_file_read(struct coco_ctx *ctx, const char *path, size_t limit,
			     unsigned char **out, size_t *out_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	unsigned char *buf = NULL;
	struct stat st;
	ssize_t n = 0;
	enum coco_err err = COCO_OK;

	*out = NULL;
	*out_len = 0;
	if (fd < 0)
		return coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': not a regular file", path);
	else if ((uint64_t)st.st_size > limit)
		err = coco_seterr(ctx, COCO_ERR_LIMIT, "cannot read '%s': larger than %zu bytes",
				  path, limit);
	else if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory reading '%s'", path);
	else if ((n = pread(fd, buf, (size_t)st.st_size, 0)) != (ssize_t)st.st_size)
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': %s", path,
				  n < 0 ? strerror(errno) : "file changed while reading");
	close(fd);
	if (err != COCO_OK) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*out = buf;
	*out_len = (size_t)n;
	return COCO_OK;
}

enum coco_err coco_write_file_new(struct coco_ctx *ctx, const char *path, const void *data,
				  size_t len)
{
	char *tmp = NULL;
	int fd, dfd;
	enum coco_err err = tmp_write(ctx, path, data, len, &tmp, &fd);

	if (err != COCO_OK)
		return err;
	if ((dfd = tmp_seal(ctx, fd, tmp, path)) < 0) {
		coco_tmp_abort(-1, tmp);
		return COCO_ERR_IO;
	}
	if (link(tmp, path) != 0)
		err = coco_seterr(ctx, errno == EEXIST ? COCO_ERR_EXISTS : COCO_ERR_IO,
				  "cannot create '%s': %s", path,
				  errno == EEXIST ? "it already exists (nothing is overwritten)"
						  : strerror(errno));
	coco_tmp_abort(-1, tmp); /* the link, if made, keeps the data */
	if (err != COCO_OK) {
		close(dfd);
		return err;
	}
	coco_phase(ctx, COCO_PHASE_RENAMED, path, 0);
	return sync_parent(ctx, dfd, path);
}
