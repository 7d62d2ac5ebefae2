/*
 * Test helpers that build bundles from parts (see bundletool.h). Bundles are written by
 * the library's canonical writer, so a test changes exactly the one thing it is about;
 * malformed signatures are made with raw OpenSSL CMS calls; zips are read back with
 * libzip, an independent reader.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <zip.h>
#include <zlib.h>

#include "container/archive.h"
#include "bundletool.h"

/* ---- files and folders ------------------------------------------------------------ */

const char *bt_fixtures(void)
{
	const char *f = getenv("COCO_FIXTURES");

	return f != NULL && f[0] != '\0' ? f : "fixtures";
}

char *bt_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = coco_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

char *bt_fixture(const char *fmt, ...)
{
	va_list ap;
	char *rel, *s;

	va_start(ap, fmt);
	rel = coco_vasprintf(fmt, ap);
	va_end(ap);
	s = rel != NULL ? bt_fmt("%s/%s", bt_fixtures(), rel) : NULL;
	free(rel);
	return s;
}

int bt_read(const char *path, unsigned char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;

	*out = NULL;
	*len = 0;
	if (f == NULL)
		return -1;
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int bt_write(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc;

	if (f == NULL)
		return -1;
	rc = fwrite(p, 1, len, f) == len ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* Set by bt_tmp_setup in the runner's process, so forked tests inherit it. */
static char *tmp_base;

void bt_tmp_setup(void)
{
	if (tmp_base == NULL && (tmp_base = bt_fmt("/tmp/coco-test-XXXXXX")) != NULL &&
	    mkdtemp(tmp_base) == NULL) {
		free(tmp_base);
		tmp_base = NULL;
	}
}

void bt_tmp_teardown(void)
{
	bt_rmtree(tmp_base);
	free(tmp_base);
	tmp_base = NULL;
}

char *bt_mkdtemp(void)
{
	char *t = tmp_base ? bt_fmt("%s/t-XXXXXX", tmp_base) : bt_fmt("/tmp/coco-test-XXXXXX");

	if (t != NULL && mkdtemp(t) == NULL) {
		free(t);
		t = NULL;
	}
	return t;
}

void bt_rmtree(const char *path)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	char *sub;

	if (path == NULL || lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (dir = opendir(path)) != NULL) {
		while ((d = readdir(dir)) != NULL) {
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			if ((sub = bt_fmt("%s/%s", path, d->d_name)) != NULL)
				bt_rmtree(sub);
			free(sub);
		}
		closedir(dir);
		(void)rmdir(path);
		return;
	}
	(void)unlink(path);
}

int bt_copytree(const char *src, const char *dst)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	unsigned char *buf;
	size_t len;
	int rc = 0;

	if (lstat(src, &st) != 0)
		return -1;
	if (S_ISREG(st.st_mode)) {
		if (bt_read(src, &buf, &len) != 0)
			return -1;
		rc = bt_write(dst, buf, len);
		free(buf);
		return rc;
	}
	if (!S_ISDIR(st.st_mode) || (mkdir(dst, 0755) != 0 && errno != EEXIST) ||
	    (dir = opendir(src)) == NULL)
		return -1;
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		char *s, *t;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		s = bt_fmt("%s/%s", src, d->d_name);
		t = bt_fmt("%s/%s", dst, d->d_name);
		rc = s != NULL && t != NULL ? bt_copytree(s, t) : -1;
		free(s);
		free(t);
	}
	closedir(dir);
	return rc;
}

long bt_tree_count(const char *path)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	long n = 0, sub;

	if ((dir = opendir(path)) == NULL)
		return -1;
	while (n >= 0 && (d = readdir(dir)) != NULL) {
		char *s;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		n++;
		if ((s = bt_fmt("%s/%s", path, d->d_name)) == NULL || lstat(s, &st) != 0)
			n = -1;
		else if (S_ISDIR(st.st_mode))
			n = (sub = bt_tree_count(s)) < 0 ? -1 : n + sub;
		free(s);
	}
	closedir(dir);
	return n;
}

/* 1 if everything below a is also below b, with the same type and content. */
static int tree_contained(const char *a, const char *b)
{
	struct stat sa, sb;
	struct dirent *d;
	DIR *dir;
	int ok = 1;

	if (lstat(a, &sa) != 0 || lstat(b, &sb) != 0 ||
	    (sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT))
		return 0;
	if (S_ISREG(sa.st_mode)) {
		unsigned char *x = NULL, *y = NULL;
		size_t nx = 0, ny = 0;
		ok = bt_read(a, &x, &nx) == 0 && bt_read(b, &y, &ny) == 0 && nx == ny &&
		     memcmp(x, y, nx) == 0;
		free(x);
		free(y);
		return ok;
	}
	if (!S_ISDIR(sa.st_mode) || (dir = opendir(a)) == NULL)
		return 0;
	while (ok && (d = readdir(dir)) != NULL) {
		char *s, *t;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		s = bt_fmt("%s/%s", a, d->d_name);
		t = bt_fmt("%s/%s", b, d->d_name);
		ok = s != NULL && t != NULL && tree_contained(s, t);
		free(s);
		free(t);
	}
	closedir(dir);
	return ok;
}

int bt_tree_equal(const char *a, const char *b)
{
	return tree_contained(a, b) && bt_tree_count(a) == bt_tree_count(b);
}

int bt_dir_has_prefix(const char *path, const char *prefix)
{
	DIR *dir = opendir(path);
	struct dirent *d;
	int found = 0;

	if (dir == NULL)
		return 0;
	while (!found && (d = readdir(dir)) != NULL)
		found = strncmp(d->d_name, prefix, strlen(prefix)) == 0;
	closedir(dir);
	return found;
}

time_t bt_time(const char *date)
{
	time_t t = 0;

	if (coco_time_parse(date, &t) != COCO_OK)
		abort();
	return t;
}

/* ---- test PKI -------------------------------------------------------------------- */

X509 *bt_cert(const char *name)
{
	char *path = bt_fixture("pki/%s.pem", name);
	FILE *f = path ? fopen(path, "r") : NULL;
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f != NULL)
		fclose(f);
	free(path);
	return x;
}

EVP_PKEY *bt_key(const char *name)
{
	char *path = bt_fixture("pki/%s.key", name);
	FILE *f = path ? fopen(path, "r") : NULL;
	EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;

	if (f != NULL)
		fclose(f);
	free(path);
	return k;
}

STACK_OF(X509) * bt_chain(void)
{
	char *path = bt_fixture("pki/chain.pem");
	FILE *f = path ? fopen(path, "r") : NULL;
	STACK_OF(X509) *sk = sk_X509_new_null();
	X509 *x;

	while (f != NULL && sk != NULL && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x))
			X509_free(x);
	ERR_clear_error();
	if (f != NULL)
		fclose(f);
	free(path);
	return sk;
}

char *bt_subject(const char *name)
{
	X509 *x = bt_cert(name);
	char *s = x ? coco_name_oneline(X509_get_subject_name(x)) : NULL;

	X509_free(x);
	return s;
}

struct coco_signer *bt_signer(struct coco_ctx *ctx, const char *name)
{
	char *key = bt_fixture("pki/%s.key", name), *cert = bt_fixture("pki/%s.pem", name);
	char *chain = bt_fixture("pki/chain.pem");
	struct coco_signer_opts o = {
	    .key_path = key, .cert_path = cert, .chain_path = chain, .p12_path = NULL};
	struct coco_signer *s = NULL;

	if (key != NULL && cert != NULL && chain != NULL)
		(void)coco_signer_load(ctx, &o, &s);
	free(key);
	free(cert);
	free(chain);
	return s;
}

static int mint_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* The director's key certified by signer-ca under subject (see bt_signer_minted). */
static X509 *mint(const char *const *subject, long serial, EVP_PKEY *key, X509 *ca,
		  EVP_PKEY *ca_key)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	int ok = x != NULL && name != NULL && key != NULL && ca != NULL && ca_key != NULL;
	size_t i;

	for (i = 0; ok && subject[i] != NULL; i++) {
		const char *eq = strchr(subject[i], '=');
		char *type = eq ? bt_fmt("%.*s", (int)(eq - subject[i]), subject[i]) : NULL;
		ok = type != NULL &&
		     X509_NAME_add_entry_by_txt(name, type, MBSTRING_UTF8,
						(const unsigned char *)eq + 1, -1, -1, 0);
		free(type);
	}
	ok = ok && X509_set_version(x, 2) &&
	     ASN1_INTEGER_set(X509_get_serialNumber(x), 0x7E570000L + serial) &&
	     X509_set_subject_name(x, name) && X509_set_issuer_name(x, X509_get_subject_name(ca)) &&
	     ASN1_TIME_set(X509_getm_notBefore(x), bt_time("2026-01-01")) != NULL &&
	     ASN1_TIME_set(X509_getm_notAfter(x), bt_time("2036-01-01")) != NULL &&
	     X509_set_pubkey(x, key);
	ok = ok && mint_ext(x, ca, NID_basic_constraints, "critical,CA:FALSE") &&
	     mint_ext(x, ca, NID_key_usage, "critical,digitalSignature,nonRepudiation") &&
	     mint_ext(x, ca, NID_ext_key_usage, "emailProtection") &&
	     mint_ext(x, ca, NID_subject_key_identifier, "hash") &&
	     mint_ext(x, ca, NID_authority_key_identifier, "keyid:always") &&
	     X509_sign(x, ca_key, EVP_sha256()) > 0;
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

struct coco_signer *bt_signer_minted(struct coco_ctx *ctx, const char *dir,
				     const char *const *subject, long serial)
{
	EVP_PKEY *key = bt_key("director"), *ca_key = bt_key("signer-ca");
	X509 *ca = bt_cert("signer-ca"), *x = mint(subject, serial, key, ca, ca_key);
	char *pem = bt_fmt("%s/minted-%ld.pem", dir, serial), *kp = bt_fixture("pki/director.key");
	char *chain = bt_fixture("pki/chain.pem");
	struct coco_signer_opts o = {
	    .key_path = kp, .cert_path = pem, .chain_path = chain, .p12_path = NULL};
	struct coco_signer *s = NULL;
	FILE *f = x != NULL && pem != NULL ? fopen(pem, "w") : NULL;
	int ok = f != NULL && PEM_write_X509(f, x);

	if (f != NULL && fclose(f) != 0)
		ok = 0;
	if (ok && kp != NULL && chain != NULL)
		(void)coco_signer_load(ctx, &o, &s);
	X509_free(x);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
	free(pem);
	free(kp);
	free(chain);
	return s;
}

/* ---- raw CMS ---------------------------------------------------------------------- */

static int add_signing_time(CMS_SignerInfo *si, time_t t)
{
	ASN1_TIME *tm = ASN1_TIME_adj(NULL, t, 0, 0);
	int ok =
	    tm != NULL && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, tm->type, tm, -1);

	ASN1_TIME_free(tm);
	return ok ? 0 : -1;
}

static CMS_SignerInfo *add_signer(CMS_ContentInfo *cms, X509 *cert, EVP_PKEY *key,
				  const struct bt_sign *o, unsigned flags)
{
	const EVP_MD *md = o->md;
	CMS_SignerInfo *si;

	if (md == NULL)
		md = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? EVP_sha512() : EVP_sha256();
	if ((si = CMS_add1_signer(cms, cert, key, md, flags)) == NULL)
		return NULL;
	if (flags & CMS_NOATTR)
		return si;
	return add_signing_time(si, o->signing_time) == 0 ? si : NULL;
}

static int flip_signature(CMS_SignerInfo *si)
{
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	unsigned char *copy;
	int len = sig ? ASN1_STRING_length(sig) : 0, ok;

	if (len <= 0 || (copy = malloc((size_t)len)) == NULL)
		return -1;
	memcpy(copy, ASN1_STRING_get0_data(sig), (size_t)len);
	copy[len / 2] ^= 0x01;
	ok = ASN1_STRING_set(sig, copy, len);
	free(copy);
	return ok ? 0 : -1;
}

static int cms_to_der(CMS_ContentInfo *cms, unsigned trailing, unsigned char **der, size_t *der_len)
{
	static const unsigned char junk[] = {0x00, 0x01, 0x02, 0x03, 'j', 'u', 'n', 'k'};
	unsigned char *p = NULL, *out;
	int n = i2d_CMS_ContentInfo(cms, &p);
	size_t extra = trailing ? sizeof(junk) : 0;

	if (n <= 0 || (out = malloc((size_t)n + extra)) == NULL) {
		OPENSSL_free(p);
		return -1;
	}
	memcpy(out, p, (size_t)n);
	memcpy(out + n, junk, extra);
	OPENSSL_free(p);
	*der = out;
	*der_len = (size_t)n + extra;
	return 0;
}

int bt_cms_sign(const struct bt_sign *o, const unsigned char *data, size_t len, unsigned char **der,
		size_t *der_len)
{
	unsigned flags = CMS_BINARY | CMS_NOSMIMECAP;
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si = NULL;
	BIO *bio = NULL;
	int i, rc = -1;

	*der = NULL;
	flags |= (o->flaws & BT_EMBED) ? 0 : CMS_DETACHED;
	flags |= (o->flaws & BT_NOCADES) ? 0 : CMS_CADES;
	flags |= (o->flaws & BT_NOATTR) ? CMS_NOATTR : 0;
	flags |= (o->flaws & BT_NOCERTS) ? CMS_NOCERTS : 0;
	ERR_clear_error();
	if ((cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL)) == NULL ||
	    (si = add_signer(cms, o->cert, o->key, o, flags)) == NULL)
		goto out;
	if ((o->flaws & BT_TWO_SIGNERS) && add_signer(cms, o->cert2 ? o->cert2 : o->cert,
						      o->key2 ? o->key2 : o->key, o, flags) == NULL)
		goto out;
	for (i = 0; !(o->flaws & BT_NOCERTS) && i < sk_X509_num(o->chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(o->chain, i)))
			goto out;
	if ((o->flaws & BT_ECONTENT) &&
	    !CMS_set1_eContentType(cms, OBJ_nid2obj(NID_id_smime_ct_TSTInfo)))
		goto out;
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL || !CMS_final(cms, bio, NULL, flags))
		goto out;
	if ((o->flaws & BT_BADSIG) && flip_signature(si) != 0)
		goto out;
	/* OpenSSL refuses to sign attributes with a repeated signing-time, so it is added
	 * after signing: the signature value no longer covers it. */
	if ((o->flaws & BT_TWO_TIMES) && add_signing_time(si, o->signing_time) != 0)
		goto out;
	rc = cms_to_der(cms, o->flaws & BT_TRAILING, der, der_len);
out:
	ERR_clear_error();
	BIO_free(bio);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* ---- zips ---------------------------------------------------------------------------- */

int bt_zip_write(struct coco_ctx *ctx, const char *path, const struct bt_part *parts, size_t n)
{
	struct coco_zipw *w = NULL;
	size_t i;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), rc = -1;

	if (fd < 0 || coco_zipw_new(ctx, fd, path, &w) != COCO_OK)
		goto out;
	for (i = 0; i < n; i++)
		if (strcmp(parts[i].name, "mimetype") != 0 &&
		    coco_zipw_add_mem(w, parts[i].name, parts[i].data, parts[i].len,
				      parts[i].deflate) != COCO_OK)
			goto out;
	if (coco_zipw_finish(w) == COCO_OK)
		rc = 0;
out:
	coco_zipw_free(w);
	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	return rc;
}

int bt_parts_add(struct bt_parts *l, const char *name, const void *data, size_t len)
{
	struct bt_part *np = realloc(l->p, (l->n + 1) * sizeof(*np));
	char *nm = bt_fmt("%s", name);
	unsigned char *d = malloc(len + 1);

	if (np != NULL)
		l->p = np;
	if (np == NULL || nm == NULL || d == NULL) {
		free(nm);
		free(d);
		return -1;
	}
	if (len > 0)
		memcpy(d, data, len);
	l->p[l->n].name = nm;
	l->p[l->n].data = d;
	l->p[l->n].len = len;
	l->p[l->n].deflate = 0;
	l->n++;
	return 0;
}

struct bt_part *bt_parts_find(struct bt_parts *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->p[i].name, name) == 0)
			return &l->p[i];
	return NULL;
}

int bt_parts_remove(struct bt_parts *l, const char *name)
{
	struct bt_part *p = bt_parts_find(l, name);
	size_t i;

	if (p == NULL)
		return -1;
	i = (size_t)(p - l->p);
	free((void *)p->name);
	free((void *)p->data);
	memmove(&l->p[i], &l->p[i + 1], (l->n - i - 1) * sizeof(*l->p));
	l->n--;
	return 0;
}

void bt_parts_free(struct bt_parts *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free((void *)l->p[i].name);
		free((void *)l->p[i].data);
	}
	free(l->p);
	l->p = NULL;
	l->n = 0;
}

static int read_entry(zip_t *z, zip_uint64_t i, struct bt_parts *l)
{
	zip_stat_t st;
	zip_file_t *zf = NULL;
	unsigned char *buf = NULL;
	int rc = -1;

	zip_stat_init(&st);
	if (zip_stat_index(z, i, ZIP_FL_ENC_RAW, &st) != 0 || st.size > (64u << 20) ||
	    (buf = malloc(st.size + 1)) == NULL || (zf = zip_fopen_index(z, i, 0)) == NULL)
		goto out;
	if (zip_fread(zf, buf, st.size) != (zip_int64_t)st.size)
		goto out;
	if (bt_parts_add(l, st.name, buf, st.size) != 0)
		goto out;
	l->p[l->n - 1].deflate = st.comp_method == ZIP_CM_DEFLATE;
	rc = 0;
out:
	if (zf != NULL)
		zip_fclose(zf);
	free(buf);
	return rc;
}

int bt_zip_read(const char *path, struct bt_parts *l)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	zip_int64_t i, n;
	int rc = 0;

	l->p = NULL;
	l->n = 0;
	if (z == NULL)
		return -1;
	n = zip_get_num_entries(z, 0);
	for (i = 0; rc == 0 && i < n; i++)
		rc = read_entry(z, (zip_uint64_t)i, l);
	zip_discard(z);
	if (rc != 0)
		bt_parts_free(l);
	return rc;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static size_t le32(const unsigned char *p)
{
	return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
}

static void put_le32(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int bt_zip_locate(const unsigned char *zip, size_t len, const char *name, struct bt_loc *loc)
{
	size_t off, i, n, nlen = strlen(name);
	const unsigned char *end;

	if (len < 22 || le32(zip + len - 22) != 0x06054b50u)
		return -1;
	end = zip + len - 22;
	n = le16(end + 10);
	off = le32(end + 16);
	for (i = 0; i < n && off + 46 <= len; i++) {
		const unsigned char *c = zip + off;
		size_t fl = le16(c + 28), xl = le16(c + 30), cl = le16(c + 32);
		if (le32(c) != 0x02014b50u || off + 46 + fl > len)
			return -1;
		if (fl == nlen && memcmp(c + 46, name, nlen) == 0) {
			const unsigned char *h = zip + le32(c + 42);
			loc->central_off = off;
			loc->local_off = le32(c + 42);
			loc->csize = le32(c + 20);
			loc->method = le16(c + 10);
			loc->data_off = loc->local_off + 30 + le16(h + 26) + le16(h + 28);
			return loc->data_off + loc->csize <= len ? 0 : -1;
		}
		off += 46 + fl + xl + cl;
	}
	return -1;
}

int bt_zip_flip_stored(unsigned char *zip, size_t len, const char *name, size_t at)
{
	struct bt_loc loc;
	uLong crc;

	if (bt_zip_locate(zip, len, name, &loc) != 0 || loc.method != 0 || at >= loc.csize)
		return -1;
	zip[loc.data_off + at] ^= 0x20;
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, zip + loc.data_off, (uInt)loc.csize);
	put_le32(zip + loc.local_off + 14, (size_t)crc);
	put_le32(zip + loc.central_off + 16, (size_t)crc);
	return 0;
}

/* ---- manifests and bundles ---------------------------------------------------------- */

/* Percent-encodes all but RFC 3986 unreserved characters and '/', as create does. */
static char *uri_encode(const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0, len = strlen(name);
	char *out = malloc(len * 3 + 1);

	for (i = 0; out != NULL && i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c) != NULL) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (out != NULL)
		out[o] = '\0';
	return out;
}

static int digest(const struct bt_part *p, int alg, unsigned char *out)
{
	return EVP_Digest(p->data, p->len, out, NULL,
			  EVP_get_digestbyname(coco_digest_algs[alg].name), NULL)
		   ? 0
		   : -1;
}

/* A manifest with a chosen algorithm per reference (coco_manifest_build is SHA-256 only). */
static char *manifest_algs(const char *sigref, const struct bt_part *data, size_t n,
			   const int *algs, size_t *len)
{
	unsigned char md[COCO_MAX_DIGEST];
	char *buf = bt_fmt("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			   "<asic:ASiCManifest xmlns:asic=\"" COCO_NS_ASIC
			   "\" xmlns:ds=\"" COCO_NS_DS "\">\n  <asic:SigReference URI=\"%s\"/>\n",
			   sigref);
	size_t i;

	for (i = 0; buf != NULL && i < n; i++) {
		char *uri = uri_encode(data[i].name), *b64 = NULL, *nb = NULL;
		if (uri != NULL && digest(&data[i], algs[i], md) == 0)
			b64 = coco_base64_encode(md, coco_digest_algs[algs[i]].len);
		if (b64 != NULL)
			nb = bt_fmt("%s  <asic:DataObjectReference URI=\"%s\">\n"
				    "    <ds:DigestMethod Algorithm=\"%s\"/>\n"
				    "    <ds:DigestValue>%s</ds:DigestValue>\n"
				    "  </asic:DataObjectReference>\n",
				    buf, uri, coco_digest_algs[algs[i]].uri, b64);
		free(uri);
		free(b64);
		free(buf);
		buf = nb;
	}
	if (buf != NULL) {
		char *nb = bt_fmt("%s</asic:ASiCManifest>\n", buf);
		free(buf);
		buf = nb;
	}
	if (buf != NULL)
		*len = strlen(buf);
	return buf;
}

char *bt_manifest(const char *sigref, const struct bt_part *data, size_t n, const int *algs,
		  size_t *len)
{
	struct coco_manifest_ref *refs;
	char *out = NULL;
	size_t i;

	if (algs != NULL)
		return manifest_algs(sigref, data, n, algs, len);
	if ((refs = calloc(n ? n : 1, sizeof(*refs))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		refs[i].name = (char *)(uintptr_t)data[i].name;
		refs[i].rootfile = strcmp(data[i].name, "assessment.xml") == 0;
		if (digest(&data[i], 0, refs[i].digest) != 0)
			goto out;
	}
	out = coco_manifest_build(sigref, refs, n, len);
out:
	free(refs);
	return out;
}

int bt_bundle_write(struct coco_ctx *ctx, const char *path, const struct bt_bundle *b)
{
	const char *sigref = b->sigref ? b->sigref : BT_SIGNATURE;
	const char *sig_entry = b->sig_entry ? b->sig_entry : BT_SIGNATURE;
	const char *man_entry = b->manifest_entry ? b->manifest_entry : BT_MANIFEST;
	struct bt_part *parts = calloc(b->n + b->nextra + 2, sizeof(*parts));
	unsigned char *sig = NULL;
	char *man = NULL;
	size_t mlen = 0, slen = 0, n = 0, i;
	int rc = -1;

	if (parts == NULL)
		return -1;
	man = b->refs ? bt_manifest(sigref, b->refs, b->nrefs, b->algs, &mlen)
		      : bt_manifest(sigref, b->data, b->n, b->algs, &mlen);
	if (man == NULL ||
	    coco_cms_sign(ctx, b->signer, (unsigned char *)man, mlen, &sig, &slen) != COCO_OK)
		goto out;
	for (i = 0; i < b->n; i++)
		parts[n++] = b->data[i];
	if (man_entry[0] != '\0')
		parts[n++] = (struct bt_part){man_entry, (unsigned char *)man, mlen, 1};
	if (sig_entry[0] != '\0')
		parts[n++] = (struct bt_part){sig_entry, sig, slen, 0};
	for (i = 0; i < b->nextra; i++)
		parts[n++] = b->extra[i];
	rc = bt_zip_write(ctx, path, parts, n);
out:
	OPENSSL_free(sig);
	free(man);
	free(parts);
	return rc;
}

/* ---- reports -------------------------------------------------------------------------- */

/* status -1 matches any status. */
static const struct coco_finding *find(const struct coco_report *r, const char *id, int status,
				       const char *subject)
{
	size_t i;

	for (i = 0; i < coco_report_count(r); i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		const char *s = coco_finding_subject(f);
		if (strcmp(coco_finding_id(f), id) != 0 ||
		    (status >= 0 && (int)coco_finding_status(f) != status))
			continue;
		if (subject == NULL || (s != NULL && strcmp(s, subject) == 0))
			return f;
	}
	return NULL;
}

const struct coco_finding *bt_find_status(const struct coco_report *r, const char *id,
					  enum coco_status status, const char *subject)
{
	return find(r, id, (int)status, subject);
}

const struct coco_finding *bt_find(const struct coco_report *r, const char *id, const char *subject)
{
	return find(r, id, -1, subject);
}

size_t bt_count_status(const struct coco_report *r, enum coco_status status)
{
	size_t i, n = 0;

	for (i = 0; i < coco_report_count(r); i++)
		n += coco_finding_status(coco_report_get(r, i)) == status;
	return n;
}

size_t bt_count_findings(const struct coco_report *r, const char *id, enum coco_status status)
{
	size_t i, n = 0;

	for (i = 0; i < coco_report_count(r); i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		if (coco_finding_status(f) == status && strcmp(coco_finding_id(f), id) == 0)
			n += coco_finding_count(f);
	}
	return n;
}

/* The cause a finding should carry, judged by its id, status and message (what callers
 * once had to read): the library sets it as data where the finding is made. */
static enum coco_cause cause_wanted(const struct coco_finding *f, int evidence_expired)
{
	const char *id = coco_finding_id(f);

	if (strcmp(id, "signer.expired") == 0 || strcmp(id, "evidence.expired") == 0 ||
	    (strcmp(id, "evidence.baseline") == 0 && coco_finding_status(f) == COCO_STATUS_FAIL &&
	     evidence_expired))
		return COCO_CAUSE_EXPIRY;
	if (strcmp(id, "signer.revocation") == 0 && coco_finding_status(f) == COCO_STATUS_INFO &&
	    strstr(coco_finding_message(f), "the signature stands") != NULL)
		return COCO_CAUSE_REVOKED_LATER;
	if (strcmp(id, "assessment.statement_read") == 0)
		return COCO_CAUSE_STATEMENT;
	return COCO_CAUSE_NONE;
}

size_t bt_cause_mismatch(const struct coco_report *r)
{
	const int evidence_expired = coco_report_find(r, "evidence.expired") != NULL;
	size_t i;

	for (i = 0; i < coco_report_count(r); i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		if (coco_finding_cause(f) != cause_wanted(f, evidence_expired))
			return i;
	}
	return SIZE_MAX;
}

char *bt_dump(const struct coco_report *r)
{
	char *out = NULL;

	if (coco_report_render(r, COCO_FORMAT_TEXT, 0, &out, NULL) != COCO_OK || out == NULL)
		out = bt_fmt("(report could not be rendered)");
	return out;
}

int bt_add_reference(const char *dir, const char *rel)
{
	char *path = bt_fmt("%s/assessment.xml", dir), *out = NULL, *at;
	unsigned char *xml = NULL;
	size_t len = 0;
	int rc = -1;

	if (path == NULL || bt_read(path, &xml, &len) != 0 ||
	    (at = strstr((char *)xml, "</element>")) == NULL || strpbrk(rel, "&<>") != NULL)
		goto out;
	out = bt_fmt("%.*s<supportingFile>%s</supportingFile>%s", (int)(at - (char *)xml),
		     (char *)xml, rel, at);
	rc = out != NULL ? bt_write(path, out, strlen(out)) : -1;
out:
	free(out);
	free(xml);
	free(path);
	return rc;
}

int bt_replace(const char *path, const char *from, const char *to)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char *at, *out = NULL;
	int rc = -1;

	if (bt_read(path, &buf, &len) != 0 || (at = strstr((char *)buf, from)) == NULL)
		goto out;
	out = bt_fmt("%.*s%s%s", (int)(at - (char *)buf), (char *)buf, to, at + strlen(from));
	rc = out != NULL ? bt_write(path, out, strlen(out)) : -1;
out:
	free(out);
	free(buf);
	return rc;
}

void bt_sb_add(struct bt_sb *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void bt_sb_str(struct bt_sb *b, const char *s)
{
	bt_sb_add(b, s, strlen(s));
}

void bt_sb_fmt(struct bt_sb *b, const char *fmt, ...)
{
	va_list ap;
	char s[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(s))
		abort();
	bt_sb_add(b, s, (size_t)n);
}
