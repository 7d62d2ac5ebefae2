/*
 * The SHA-256 of a whole file, streamed (memory does not grow with the file): what create
 * prints so an applicant can tell SIA which bundle they sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "internal.h"

enum coco_err coco_file_sha256(struct coco_ctx *ctx, const char *path, unsigned char out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char buf[65536];
	enum coco_err err = COCO_OK;
	ssize_t got;
	int fd = -1;

	if (md == NULL || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		err = coco_seterr(ctx, COCO_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = coco_seterr(ctx, COCO_ERR_IO, "cannot read '%s': %s", path,
					  strerror(errno));
			goto out;
		}
		EVP_DigestUpdate(md, buf, (size_t)got);
	}
	EVP_DigestFinal_ex(md, out, NULL);
out:
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(md);
	return err;
}
