/*
 * The ASiC manifest (META-INF/ASiCManifest*.xml): parsing with every rule of FORMAT.md,
 * and building the canonical manifest that create signs.
 */
#ifndef COCO_MANIFEST_H
#define COCO_MANIFEST_H

#include <openssl/evp.h>

#include "report/report.h"

#define COCO_MAX_DIGEST 64

struct coco_digest_alg {
	const char *uri;
	const char *name; /* OpenSSL name */
	size_t len;
};

/* The allow-listed digest algorithms: SHA-256, SHA-384, SHA-512. */
extern const struct coco_digest_alg coco_digest_algs[];
#define COCO_N_DIGEST_ALGS 3
#define COCO_SHA256_URI "http://www.w3.org/2001/04/xmlenc#sha256"

struct coco_manifest_ref {
	char *name; /* the URI, percent-decoded: an entry name */
	char *mime;
	int rootfile;
	int alg;     /* index into coco_digest_algs */
	long entry;  /* the archive entry it names, set by verify; -1 if rejected */
	int matched; /* set by verify: the entry's digest equals this reference's */
	unsigned char digest[COCO_MAX_DIGEST];
};

struct coco_manifest {
	char *entry;  /* the manifest's own entry name */
	char *sigref; /* SigReference URI, percent-decoded */
	struct coco_manifest_ref *refs;
	size_t n;
};

/*
 * Parses and checks the manifest held in entry, adding manifest.* findings to r.
 * Returns COCO_OK with *out set when it is usable, COCO_OK with *out NULL when it is
 * not (the findings say why), or COCO_ERR_NOMEM.
 */
enum coco_err coco_manifest_parse(struct coco_ctx *ctx, const char *entry, const unsigned char *xml,
				  size_t len, struct coco_report *r, struct coco_manifest **out);
void coco_manifest_free(struct coco_manifest *m);

/*
 * Builds a canonical manifest: SigReference sigref, then one DataObjectReference per
 * ref (SHA-256), Rootfile="true" on refs marked rootfile. malloc'd; NULL on failure.
 */
char *coco_manifest_build(const char *sigref, const struct coco_manifest_ref *refs, size_t n,
			  size_t *out_len);

/* A MIME type guessed from the file name's extension. */
const char *coco_mime_for(const char *name);

/* The standard META-INF names of ETSI EN 319 162-1, each in META-INF itself (or, for
 * revocation data, META-INF/revocation/): a manifest (ASiCManifest*.xml), a signature
 * (signature*.p7s), an archive manifest (ASiCArchiveManifest*.xml), a timestamp token
 * (timestamp*.tst: an archive manifest's SigReference, or a time-assertion manifest's),
 * revocation data an archive timestamp embeds (META-INF/revocation/NNN.crl, bundle/lta.c),
 * and coco_asic_archive_name: any of the last three. */
int coco_asic_manifest_name(const char *name);
int coco_asic_signature_name(const char *name);
int coco_asic_archive_manifest_name(const char *name);
int coco_asic_token_name(const char *name);
int coco_asic_revocation_name(const char *name);
int coco_asic_archive_name(const char *name);

#endif /* COCO_MANIFEST_H */
