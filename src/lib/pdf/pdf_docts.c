/*
 * The pdf module's document timestamps (ISO 32000-2 12.8.5, ETSI EN 319 142-1 5.4): a
 * signature dictionary (/Type /DocTimeStamp) whose /SubFilter is ETSI.RFC3161 and whose
 * /Contents is an RFC 3161 TimeStampToken, its TSTInfo's messageImprint the hash of the
 * /ByteRange bytes. pdf_sig.c checks the byte range, /Contents and coverage as for any
 * signature, then hands the token here; it is verified by the timestamp module (the same
 * rules as a bundle signature's timestamp: its CMS signature, the TSA's timeStamping EKU,
 * its chain to the trust directory's tsa/ anchors), with the imprint over the byte range,
 * its findings in the pdf group (pdf.timestamp_*). A valid one proves when the signed bytes
 * existed; it is no one's signature, so it never stands for the certification body's.
 */
#include <stdlib.h>
#include <string.h>

#include "pdf/pdf_int.h"
#include "signature/timestamp.h"

static const char docts_subfilter[] = "ETSI.RFC3161";

int coco_pdf_is_docts(const struct sigrec *g)
{
	return g->subfilter != NULL && strcmp(g->subfilter, docts_subfilter) == 0;
}

/* The pass: what a valid document timestamp proves. */
static void report_proof(struct scan *s, const struct sigrec *g, const struct ranges *rg,
			 const struct coco_timestamp_proof *p)
{
	char tb[21];

	coco_report_add(s->r, COCO_STATUS_PASS, "pdf.timestamp", s->name,
			"document timestamp in object %ld by TSA '%s': the bytes it covers (%llu "
			"of %llu, the whole file but its /Contents) existed at %s (RFC 3161, "
			"proven)",
			g->obj, p->tsa ? p->tsa : "?",
			(unsigned long long)(rg->len[0] + rg->len[1]), (unsigned long long)s->size,
			coco_time_format(p->gen_time, tb));
}

/* What the token's result and the failures found before make the timestamp. */
static enum coco_pdf_sig_status docts_status(int bad, int unknown, enum coco_ts_result res)
{
	if (bad > 0 || res == COCO_TS_INVALID)
		return COCO_PDF_SIG_BAD;
	if (unknown > 0 || res != COCO_TS_VALID)
		return COCO_PDF_SIG_UNKNOWN;
	return COCO_PDF_SIG_VALID;
}

enum coco_err coco_pdf_check_docts(struct scan *s, const struct sigrec *g, size_t der_len, int bad,
				   struct coco_pdf_sig *sig)
{
	struct ranges rg = {s, {0, (uint64_t)g->br[2]}, {(uint64_t)g->br[1], (uint64_t)g->br[3]}};
	struct coco_timestamp_token tok;
	struct coco_timestamp_proof proof;
	struct coco_report *tmp = NULL;
	int unknown = 0;

	memset(&proof, 0, sizeof(proof));
	if (coco_report_new(&tmp) != COCO_OK)
		return coco_seterr(s->ctx, COCO_ERR_NOMEM, "out of memory");
	memset(&tok, 0, sizeof(tok));
	tok.entry = NULL, tok.id_group = "pdf", tok.name = "the document timestamp's /Contents";
	tok.what = "the signed byte range";
	tok.der = g->ct, tok.der_len = der_len;
	tok.digest = coco_pdf_digest_ranges, tok.digest_arg = &rg;
	(void)coco_timestamp_verify(s->ctx, &tok, tmp, &proof);
	if (coco_report_failed(tmp) || proof.nomem) {
		free(proof.tsa);
		coco_report_free(tmp);
		return coco_seterr(s->ctx, COCO_ERR_NOMEM, "out of memory");
	}
	coco_pdf_sig_translate(s, tmp, g->obj, &bad, &unknown);
	coco_report_free(tmp);
	sig->status = docts_status(bad, unknown, proof.result);
	if (sig->status == COCO_PDF_SIG_VALID) {
		report_proof(s, g, &rg, &proof);
		sig->proven_time = proof.gen_time, sig->has_proven_time = 1;
	}
	free(sig->signer);
	sig->signer = proof.tsa;
	proof.tsa = NULL; /* transferred */
	return COCO_OK;
}
