/*
 * Unit tests of the SIRO's sign-off: coco_countersign, the verification of sign-offs
 * (signoff.* ids), long-term validity through an approval, the decision in force (chosen
 * by coverage, whatever the zip's order; undetermined when sign-offs stand side by side),
 * the report accessors that reverify uses, and the XML report against its schema. Bundles are
 * made by the library at fixed times (every signature's signing-time is the context's
 * time); a lying sign-off is made by rewriting its decision and signing its manifest again
 * with the SIRO's key, so that only the lie is wrong.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "bundletool.h"
#include "report/report.h"
#include "suites.h"
#include "util/xml.h"

#define SIRO_CN "Sam Siro - TEST ONLY"
#define DECISION "signoff/decision-002.xml"
#define REPORT "signoff/report-002.xml"
#define MANIFEST2 "META-INF/ASiCManifest002.xml"
#define SIG2 "META-INF/signature002.p7s"

struct fixture {
	struct coco_ctx *ctx;
	struct coco_report *r;
	char *tmp, *example, *applicant, *signed_off;
};

static void set_time(struct fixture *fx, const char *date)
{
	coco_ctx_set_time(fx->ctx, bt_time(date));
}

static void setup(struct fixture *fx)
{
	char *trust = bt_fixture("trust");

	memset(fx, 0, sizeof(*fx));
	ck_assert_int_eq(coco_ctx_new(&fx->ctx), COCO_OK);
	ck_assert_msg(coco_ctx_load_trust(fx->ctx, trust) == COCO_OK, "%s",
		      coco_ctx_error(fx->ctx));
	ck_assert_int_eq(coco_report_new(&fx->r), COCO_OK);
	fx->tmp = bt_mkdtemp();
	ck_assert_ptr_nonnull(fx->tmp);
	fx->example = bt_fixture("example");
	fx->applicant = bt_fmt("%s/applicant.coco", fx->tmp);
	fx->signed_off = bt_fmt("%s/signed-off.coco", fx->tmp);
	free(trust);
}

static void teardown(struct fixture *fx)
{
	bt_rmtree(fx->tmp);
	free(fx->tmp);
	free(fx->example);
	free(fx->applicant);
	free(fx->signed_off);
	coco_report_free(fx->r);
	coco_ctx_free(fx->ctx);
}

/* The sample applicant signed by `who` on 2027-01-01. */
static void create_as(struct fixture *fx, const char *who)
{
	struct coco_signer *s;

	set_time(fx, "2027-01-01");
	s = bt_signer(fx->ctx, who);
	ck_assert_msg(s != NULL, "%s", coco_ctx_error(fx->ctx));
	ck_assert_msg(coco_create(fx->ctx, fx->example, fx->applicant, s, NULL) == COCO_OK, "%s",
		      coco_ctx_error(fx->ctx));
	coco_signer_free(s);
}

/* Records decision d by `who` in in (written to out) on date; returns the library's code. */
static enum coco_err countersign(struct fixture *fx, const char *in, const char *out,
				 const char *who, enum coco_decision d, const char *date)
{
	struct coco_countersign_opts o = {d, "checked the register", NULL,
					  d == COCO_DECISION_APPROVED};
	struct coco_signer *s;
	enum coco_err err;

	set_time(fx, date);
	s = bt_signer(fx->ctx, who);
	ck_assert_msg(s != NULL, "%s", coco_ctx_error(fx->ctx));
	err = coco_countersign(fx->ctx, in, out, s, &o);
	coco_signer_free(s);
	return err;
}

static void verify_at(struct fixture *fx, const char *path, const char *date)
{
	coco_report_free(fx->r);
	ck_assert_int_eq(coco_report_new(&fx->r), COCO_OK);
	set_time(fx, date);
	ck_assert_msg(coco_verify(fx->ctx, path, fx->r) == COCO_OK, "%s", coco_ctx_error(fx->ctx));
	bt_check_causes(fx->r);
}

/* The findings that are not passes, for failure messages (Check limits their length). */
static const char *problems(const struct coco_report *r)
{
	static char buf[3000];
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; i < coco_report_count(r) && at < sizeof(buf) - 200; i++) {
		const struct coco_finding *f = coco_report_get(r, i);
		if (coco_finding_status(f) == COCO_STATUS_PASS)
			continue;
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s %s '%s': %.80s\n",
				       coco_status_name(coco_finding_status(f)), coco_finding_id(f),
				       coco_finding_subject(f) ? coco_finding_subject(f) : "",
				       coco_finding_message(f));
	}
	return buf;
}

static void expect(const struct coco_report *r, const char *id, enum coco_status st,
		   const char *subject, enum coco_verdict verdict)
{
	ck_assert_msg(bt_find_status(r, id, st, subject) != NULL, "expected %s %s '%s', got:\n%s",
		      coco_status_name(st), id, subject ? subject : "", problems(r));
	ck_assert_msg(coco_report_verdict(r) == verdict, "expected %s, got:\n%s",
		      coco_verdict_name(verdict), problems(r));
}

/* The applicant signed by the director and approved by the SIRO on 2027-01-05. */
static void approved(struct fixture *fx)
{
	create_as(fx, "director");
	ck_assert_msg(countersign(fx, fx->applicant, fx->signed_off, "siro", COCO_DECISION_APPROVED,
				  "2027-01-05") == COCO_OK,
		      "%s", coco_ctx_error(fx->ctx));
}

/* ---- the happy path ---- */

START_TEST(test_approved)
{
	struct fixture fx;
	const char *who = NULL;
	time_t at = 0, when = 0;
	char what[128];

	setup(&fx);
	approved(&fx);
	verify_at(&fx, fx.signed_off, "2027-02-01");
	expect(fx.r, "signoff.decision", COCO_STATUS_PASS, DECISION, COCO_VERDICT_PASSED);
	expect(fx.r, "signoff.coverage", COCO_STATUS_PASS, DECISION, COCO_VERDICT_PASSED);
	expect(fx.r, "signoff.latest", COCO_STATUS_INFO, NULL, COCO_VERDICT_PASSED);
	ck_assert_int_eq(coco_report_decision(fx.r, &who, &at), COCO_DECISION_APPROVED);
	ck_assert_str_eq(who, SIRO_CN);
	ck_assert(at == bt_time("2027-01-05"));
	ck_assert_str_eq(coco_report_organisation(fx.r), "Example Guarding Ltd");
	ck_assert_int_eq(coco_report_earliest_expiry(fx.r, &when, what, sizeof(what)), 1);
	ck_assert(when == bt_time("2027-09-15"));
	ck_assert_str_eq(what, "cyber-essentials-plus certificate CEP-TEST-000123");
	ck_assert_int_eq(fx.r->n_sigs, 2);
	ck_assert_int_eq(fx.r->sigs[0].role, COCO_SIG_APPLICANT);
	ck_assert_int_eq(fx.r->sigs[1].role, COCO_SIG_SIRO);
	teardown(&fx);
}
END_TEST

/* The applicant's bytes are kept: the signed-off bundle starts with them, up to where the
 * applicant's central directory began. */
START_TEST(test_applicant_bytes_kept)
{
	struct fixture fx;
	unsigned char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0, cd;

	setup(&fx);
	approved(&fx);
	ck_assert_int_eq(bt_read(fx.applicant, &a, &alen), 0);
	ck_assert_int_eq(bt_read(fx.signed_off, &b, &blen), 0);
	ck_assert_uint_ge(alen, 22);
	cd = (size_t)a[alen - 6] | (size_t)a[alen - 5] << 8 | (size_t)a[alen - 4] << 16 |
	     (size_t)a[alen - 3] << 24;
	ck_assert_uint_gt(blen, alen);
	ck_assert_int_eq(memcmp(a, b, cd), 0);
	free(a);
	free(b);
	teardown(&fx);
}
END_TEST

/* A second decision follows the first: numbered 003, and the latest is what counts. */
START_TEST(test_second_decision)
{
	struct fixture fx;
	char *third;
	const char *who = NULL;

	setup(&fx);
	approved(&fx);
	third = bt_fmt("%s/third.coco", fx.tmp);
	ck_assert_msg(countersign(&fx, fx.signed_off, third, "siro", COCO_DECISION_REJECTED,
				  "2027-03-01") == COCO_OK,
		      "%s", coco_ctx_error(fx.ctx));
	verify_at(&fx, third, "2027-03-02");
	expect(fx.r, "signoff.decision", COCO_STATUS_PASS, "signoff/decision-003.xml",
	       COCO_VERDICT_PASSED);
	expect(fx.r, "signoff.coverage", COCO_STATUS_PASS, "signoff/decision-003.xml",
	       COCO_VERDICT_PASSED);
	ck_assert_int_eq(coco_report_decision(fx.r, &who, NULL), COCO_DECISION_REJECTED);
	ck_assert_int_eq(fx.r->n_signoffs, 2);
	free(third);
	teardown(&fx);
}
END_TEST

/* In place: OUT may be the bundle itself. */
START_TEST(test_in_place)
{
	struct fixture fx;

	struct stat st;

	setup(&fx);
	create_as(&fx, "director");
	ck_assert_int_eq(chmod(fx.applicant, 0600), 0);
	ck_assert_msg(countersign(&fx, fx.applicant, fx.applicant, "siro", COCO_DECISION_APPROVED,
				  "2027-01-05") == COCO_OK,
		      "%s", coco_ctx_error(fx.ctx));
	verify_at(&fx, fx.applicant, "2027-02-01");
	expect(fx.r, "signoff.latest", COCO_STATUS_INFO, NULL, COCO_VERDICT_PASSED);
	ck_assert_int_eq(bt_dir_has_prefix(fx.tmp, ".coco-tmp"), 0);
	/* as private as before */
	ck_assert_int_eq(stat(fx.applicant, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	teardown(&fx);
}
END_TEST

/* ---- refusals ---- */

/* Approval needs PASSED (an untrusted applicant is INDETERMINATE); nothing is written. A
 * rejection is recorded all the same. */
START_TEST(test_approve_refused)
{
	struct fixture fx;

	setup(&fx);
	create_as(&fx, "untrusted");
	ck_assert_int_eq(countersign(&fx, fx.applicant, fx.signed_off, "siro",
				     COCO_DECISION_APPROVED, "2027-01-05"),
			 COCO_ERR_REFUSED);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), "INDETERMINATE"));
	ck_assert_int_ne(access(fx.signed_off, F_OK), 0);
	ck_assert_msg(countersign(&fx, fx.applicant, fx.signed_off, "siro", COCO_DECISION_REJECTED,
				  "2027-01-05") == COCO_OK,
		      "%s", coco_ctx_error(fx.ctx));
	verify_at(&fx, fx.signed_off, "2027-02-01");
	ck_assert_int_eq(coco_report_decision(fx.r, NULL, NULL), COCO_DECISION_REJECTED);
	expect(fx.r, "signoff.decision", COCO_STATUS_PASS, DECISION, COCO_VERDICT_INDETERMINATE);
	teardown(&fx);
}
END_TEST

START_TEST(test_bad_options)
{
	struct fixture fx;
	struct coco_signer *s;
	struct coco_countersign_opts o = {COCO_DECISION_APPROVED, "line one\033[2J", NULL, 0};

	setup(&fx);
	create_as(&fx, "director");
	s = bt_signer(fx.ctx, "siro");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(coco_countersign(fx.ctx, fx.applicant, fx.signed_off, s, &o),
			 COCO_ERR_ARG);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), "comment"));
	o.comment = "fine \xef\xbf\xbf"; /* U+FFFF: XML cannot carry it */
	ck_assert_int_eq(coco_countersign(fx.ctx, fx.applicant, fx.signed_off, s, &o),
			 COCO_ERR_ARG);
	o.comment = "fine \xe2\x80\xae"; /* U+202E: reverses what the reader sees */
	ck_assert_int_eq(coco_countersign(fx.ctx, fx.applicant, fx.signed_off, s, &o),
			 COCO_ERR_ARG);
	o.comment = NULL;
	/* issue 16: an approval the SIRO has not confirmed reading the statements for */
	set_time(&fx, "2027-01-05");
	ck_assert_int_eq(coco_countersign(fx.ctx, fx.applicant, fx.signed_off, s, &o),
			 COCO_ERR_REFUSED);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), "unconfirmed: an approval records"));
	o.decision = COCO_DECISION_NONE;
	ck_assert_int_eq(coco_countersign(fx.ctx, fx.applicant, fx.signed_off, s, &o),
			 COCO_ERR_ARG);
	ck_assert_int_ne(access(fx.signed_off, F_OK), 0);
	coco_signer_free(s);
	teardown(&fx);
}
END_TEST

/* ---- lying and broken sign-offs ---- */

/* Rewrites the signed-off bundle with `entry` replaced (or, with drop, left out of the SIRO
 * manifest), then signs the SIRO manifest again as the SIRO on 2027-01-05. */
static void resign_as(struct fixture *fx, const char *who, const char *entry, const char *from,
		      const char *to, const char *drop)
{
	struct bt_parts l;
	struct bt_part *p, refs[32];
	struct coco_signer *s;
	unsigned char *sig = NULL;
	char *man, *edited;
	size_t i, n = 0, mlen = 0, slen = 0;

	ck_assert_int_eq(bt_zip_read(fx->signed_off, &l), 0);
	if (entry != NULL) {
		char *text, *at;
		ck_assert_ptr_nonnull(p = bt_parts_find(&l, entry));
		text = bt_fmt("%.*s", (int)p->len, (const char *)p->data); /* NUL-terminated */
		ck_assert_ptr_nonnull(at = strstr(text, from));
		edited = bt_fmt("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
		free(text);
		free((void *)p->data);
		p->data = (unsigned char *)edited;
		p->len = strlen(edited);
	}
	for (i = 0; i < l.n; i++)
		if (strcmp(l.p[i].name, "mimetype") != 0 && strcmp(l.p[i].name, MANIFEST2) != 0 &&
		    strcmp(l.p[i].name, SIG2) != 0 &&
		    (drop == NULL || strcmp(l.p[i].name, drop) != 0))
			refs[n++] = l.p[i];
	ck_assert_ptr_nonnull(man = bt_manifest(SIG2, refs, n, NULL, &mlen));
	set_time(fx, "2027-01-05");
	ck_assert_ptr_nonnull(s = bt_signer(fx->ctx, who));
	ck_assert_int_eq(coco_cms_sign(fx->ctx, s, (unsigned char *)man, mlen, &sig, &slen),
			 COCO_OK);
	p = bt_parts_find(&l, MANIFEST2);
	free((void *)p->data);
	p->data = (unsigned char *)man;
	p->len = mlen;
	p = bt_parts_find(&l, SIG2);
	free((void *)p->data);
	ck_assert_ptr_nonnull(p->data = malloc(slen));
	memcpy((void *)p->data, sig, slen);
	p->len = slen;
	ck_assert_int_eq(bt_zip_write(fx->ctx, fx->signed_off, l.p, l.n), 0);
	OPENSSL_free(sig);
	coco_signer_free(s);
	bt_parts_free(&l);
}

static void resign(struct fixture *fx, const char *entry, const char *from, const char *to,
		   const char *drop)
{
	resign_as(fx, "siro", entry, from, to, drop);
}

static const struct {
	const char *entry, *from, *to, *drop; /* what the lie changes */
	const char *id;                       /* the failure it gets */
	const char *subject;
	int alone; /* the only failure */
} lies[] = {
    {DECISION, "<siro>" SIRO_CN, "<siro>Someone Else", NULL, "signoff.siro", DECISION, 1},
    {DECISION, "2027-01-05T00:00:00Z", "2027-01-04T00:00:00Z", NULL, "signoff.time", DECISION, 1},
    {DECISION, "sha256=\"", "sha256=\"0", NULL, "signoff.xml", DECISION, 1},
    {REPORT, "version=\"1\"", "version=\"1\" ", NULL, "signoff.report", DECISION, 1},
    {DECISION, "<verdict>PASSED", "<verdict>FAILED", NULL, "signoff.decision", DECISION, 1},
    {DECISION, "<outcome>", "<outcome>really ", NULL, "signoff.xml", DECISION, 1},
    {DECISION, "<time>2027-01-05", "<time>2027-02-30", NULL, "signoff.xml", DECISION, 1},
    {NULL, NULL, NULL, "assessment.xml", "signoff.coverage", DECISION, 1},
    /* the report then is a file no signature covers (the sign-off's, not the applicant's) */
    {NULL, NULL, NULL, REPORT, "signoff.structure", MANIFEST2, 0},
};

START_TEST(test_lies)
{
	struct fixture fx;

	setup(&fx);
	approved(&fx);
	resign(&fx, lies[_i].entry, lies[_i].from, lies[_i].to, lies[_i].drop);
	verify_at(&fx, fx.signed_off, "2027-02-01");
	expect(fx.r, lies[_i].id, COCO_STATUS_FAIL, lies[_i].subject, COCO_VERDICT_FAILED);
	/* the applicant's part stands on its own: every failure is in the sign-off part */
	expect(fx.r, "signoff.applicant", COCO_STATUS_INFO, NULL, COCO_VERDICT_FAILED);
	ck_assert_ptr_nonnull(
	    strstr(coco_finding_message(bt_find(fx.r, "signoff.applicant", NULL)), "PASSED"));
	if (lies[_i].alone)
		ck_assert_msg(bt_count_status(fx.r, COCO_STATUS_FAIL) == 1,
			      "one failure expected:\n%s", problems(fx.r));
	else /* and the report, listed by no manifest now, is unsigned */
		expect(fx.r, "manifest.unsigned", COCO_STATUS_FAIL, REPORT, COCO_VERDICT_FAILED);
	ck_assert_int_eq(coco_report_decision(fx.r, NULL, NULL), COCO_DECISION_NONE);
	teardown(&fx);
}
END_TEST

/* A decision changed after signing: its digest fails, and nothing covers it validly. */
START_TEST(test_tampered_decision)
{
	struct fixture fx;
	struct bt_parts l;
	struct bt_part *p;

	setup(&fx);
	approved(&fx);
	ck_assert_int_eq(bt_zip_read(fx.signed_off, &l), 0);
	ck_assert_ptr_nonnull(p = bt_parts_find(&l, DECISION));
	((unsigned char *)p->data)[p->len - 3] ^= 1;
	ck_assert_int_eq(bt_zip_write(fx.ctx, fx.signed_off, l.p, l.n), 0);
	bt_parts_free(&l);
	verify_at(&fx, fx.signed_off, "2027-02-01");
	expect(fx.r, "manifest.digest", COCO_STATUS_FAIL, DECISION, COCO_VERDICT_FAILED);
	expect(fx.r, "signoff.structure", COCO_STATUS_FAIL, MANIFEST2, COCO_VERDICT_FAILED);
	ck_assert_int_eq(coco_report_decision(fx.r, NULL, NULL), COCO_DECISION_NONE);
	teardown(&fx);
}
END_TEST

/* A "sign-off" by someone who is not a SIRO (the director's key, anchored in signers/, not
 * siro/): countersign refuses to make it, and verify fails one made by other means. */
START_TEST(test_not_a_siro)
{
	struct fixture fx;

	setup(&fx);
	create_as(&fx, "director");
	ck_assert_int_eq(countersign(&fx, fx.applicant, fx.signed_off, "director",
				     COCO_DECISION_APPROVED, "2027-01-05"),
			 COCO_ERR_REFUSED);
	ck_assert_ptr_nonnull(strstr(coco_ctx_error(fx.ctx), "siro/"));
	ck_assert_int_ne(access(fx.signed_off, F_OK), 0);
	ck_assert(countersign(&fx, fx.applicant, fx.signed_off, "siro", COCO_DECISION_APPROVED,
			      "2027-01-05") == COCO_OK);
	resign_as(&fx, "director", NULL, NULL, NULL, NULL);
	verify_at(&fx, fx.signed_off, "2027-02-01");
	/* the director's chain does not reach siro/'s SIA CA: a fail, not indeterminate */
	expect(fx.r, "signer.untrusted", COCO_STATUS_FAIL, NULL, COCO_VERDICT_FAILED);
	expect(fx.r, "signoff.applicant", COCO_STATUS_INFO, NULL, COCO_VERDICT_FAILED);
	ck_assert_int_eq(coco_report_decision(fx.r, NULL, NULL), COCO_DECISION_NONE);
	teardown(&fx);
}
END_TEST

/* ---- long-term validity ---- */

/* director-short expires 2027-07-01. Verified on 2027-08-01: without a sign-off the
 * signature is INDETERMINATE; with an approval from 2027-01-05 its chain is validated
 * then; a rejection proves nothing. */
START_TEST(test_long_term)
{
	struct fixture fx;
	char *rejected;

	setup(&fx);
	create_as(&fx, "director-short");
	verify_at(&fx, fx.applicant, "2027-08-01");
	expect(fx.r, "signer.expired", COCO_STATUS_INDETERMINATE, NULL, COCO_VERDICT_INDETERMINATE);
	{
		time_t when = 0;
		char what[128];
		ck_assert_int_eq(coco_report_earliest_expiry(fx.r, &when, what, sizeof(what)), 1);
		ck_assert_str_eq(what, "signing certificate of Jane Director - TEST ONLY");
		ck_assert(when == bt_time("2027-07-01"));
	}
	ck_assert_msg(countersign(&fx, fx.applicant, fx.signed_off, "siro", COCO_DECISION_APPROVED,
				  "2027-01-05") == COCO_OK,
		      "%s", coco_ctx_error(fx.ctx));
	/* before the certificate ends, the approval already stands for it (reverify) */
	verify_at(&fx, fx.signed_off, "2027-06-01");
	{
		time_t when = 0;
		char what[128];
		ck_assert_int_eq(coco_report_earliest_expiry(fx.r, &when, what, sizeof(what)), 1);
		ck_assert_str_eq(what, "cyber-essentials-plus certificate CEP-TEST-000123");
	}
	verify_at(&fx, fx.signed_off, "2027-08-01");
	expect(fx.r, "signoff.proof", COCO_STATUS_INFO, "META-INF/signature001.p7s",
	       COCO_VERDICT_PASSED);
	ck_assert_ptr_nonnull(strstr(coco_finding_message(bt_find(fx.r, "signoff.proof", NULL)),
				     "expired at 2027-07-01"));
	ck_assert_ptr_null(bt_find(fx.r, "signer.expired", NULL));
	/* the expired signing certificate no longer counts as what runs out first */
	{
		time_t when = 0;
		char what[128];
		ck_assert_int_eq(coco_report_earliest_expiry(fx.r, &when, what, sizeof(what)), 1);
		ck_assert_str_eq(what, "cyber-essentials-plus certificate CEP-TEST-000123");
	}
	rejected = bt_fmt("%s/rejected.coco", fx.tmp);
	ck_assert(countersign(&fx, fx.applicant, rejected, "siro", COCO_DECISION_REJECTED,
			      "2027-01-05") == COCO_OK);
	verify_at(&fx, rejected, "2027-08-01");
	expect(fx.r, "signer.expired", COCO_STATUS_INDETERMINATE, NULL, COCO_VERDICT_INDETERMINATE);
	ck_assert_ptr_null(bt_find(fx.r, "signoff.proof", NULL));
	free(rejected);
	teardown(&fx);
}
END_TEST

/* An approval cannot be made once the applicant's certificate has expired. */
START_TEST(test_approval_after_expiry)
{
	struct fixture fx;

	setup(&fx);
	create_as(&fx, "director-short");
	ck_assert_int_eq(countersign(&fx, fx.applicant, fx.signed_off, "siro",
				     COCO_DECISION_APPROVED, "2027-07-15"),
			 COCO_ERR_REFUSED);
	teardown(&fx);
}
END_TEST

/* Rewrites the applicant bundle with extra data objects in its manifest, signed again as
 * `who` on 2027-01-01 (names[i] holding texts[i]). */
static void applicant_plus(struct fixture *fx, const char *who, const char *const *names,
			   const char *const *texts, size_t n)
{
	struct bt_parts l;
	struct bt_bundle b;
	struct bt_part data[32];
	struct coco_signer *s;
	size_t i, nd = 0;

	ck_assert_int_eq(bt_zip_read(fx->applicant, &l), 0);
	for (i = 0; i < l.n; i++)
		if (strcmp(l.p[i].name, "mimetype") != 0 &&
		    strncmp(l.p[i].name, "META-INF/", 9) != 0)
			data[nd++] = l.p[i];
	for (i = 0; i < n; i++) {
		data[nd].name = names[i];
		data[nd].data = (const unsigned char *)texts[i];
		data[nd].len = strlen(texts[i]);
		data[nd++].deflate = 1;
	}
	set_time(fx, "2027-01-01");
	ck_assert_ptr_nonnull(s = bt_signer(fx->ctx, who));
	memset(&b, 0, sizeof(b));
	b.data = data;
	b.n = nd;
	b.signer = s;
	ck_assert_msg(bt_bundle_write(fx->ctx, fx->applicant, &b) == 0, "%s",
		      coco_ctx_error(fx->ctx));
	coco_signer_free(s);
	bt_parts_free(&l);
}

/* A file the applicant puts under signoff/ is the applicant's: unreferenced by the
 * assessment, it fails, before and after a sign-off, and it cannot be approved. */
START_TEST(test_applicant_signoff_folder)
{
	static const char *const names[] = {"signoff/payload.html", "signoff/decision-002.xml"};
	static const char *const texts[] = {"<script>1</script>", "<decision/>"};
	struct fixture fx;

	setup(&fx);
	create_as(&fx, "director");
	applicant_plus(&fx, "director", names + _i, texts + _i, 1);
	verify_at(&fx, fx.applicant, "2027-01-02");
	expect(fx.r, "assessment.unreferenced", COCO_STATUS_FAIL, names[_i], COCO_VERDICT_FAILED);
	ck_assert_int_eq(countersign(&fx, fx.applicant, fx.signed_off, "siro",
				     COCO_DECISION_APPROVED, "2027-01-05"),
			 COCO_ERR_REFUSED);
	if (_i == 0) {
		ck_assert_int_eq(countersign(&fx, fx.applicant, fx.signed_off, "siro",
					     COCO_DECISION_REJECTED, "2027-01-05"),
				 COCO_OK);
		verify_at(&fx, fx.signed_off, "2027-02-01");
		expect(fx.r, "assessment.unreferenced", COCO_STATUS_FAIL, names[0],
		       COCO_VERDICT_FAILED);
		ck_assert_int_eq(coco_report_decision(fx.r, NULL, NULL), COCO_DECISION_REJECTED);
		ck_assert_int_eq(countersign(&fx, fx.signed_off, fx.applicant, "siro",
					     COCO_DECISION_APPROVED, "2027-02-01"),
				 COCO_ERR_REFUSED);
	}
	teardown(&fx);
}
END_TEST

/* A sign-off cannot predate the signature it covers: rejected on 2026-12-31, it covers a
 * signature that claims 2027-01-01. */
START_TEST(test_signoff_before_signature)
{
	struct fixture fx;

	setup(&fx);
	create_as(&fx, "director");
	ck_assert_msg(countersign(&fx, fx.applicant, fx.signed_off, "siro", COCO_DECISION_REJECTED,
				  "2026-12-31") == COCO_OK,
		      "%s", coco_ctx_error(fx.ctx));
	verify_at(&fx, fx.signed_off, "2027-02-01");
	expect(fx.r, "signoff.time", COCO_STATUS_FAIL, DECISION, COCO_VERDICT_FAILED);
	ck_assert_int_eq(coco_report_decision(fx.r, NULL, NULL), COCO_DECISION_NONE);
	ck_assert_ptr_null(bt_find(fx.r, "signoff.decision", NULL));
	teardown(&fx);
}
END_TEST

/* The sign-off's files may sit anywhere: moved to the front, it still covers the rest. */
START_TEST(test_signoff_moved_first)
{
	struct fixture fx;
	struct bt_parts l;
	struct bt_part moved[32];
	size_t i, n = 0;

	setup(&fx);
	approved(&fx);
	ck_assert_int_eq(bt_zip_read(fx.signed_off, &l), 0);
	for (i = 0; i < l.n; i++)
		if (strcmp(l.p[i].name, DECISION) == 0 || strcmp(l.p[i].name, REPORT) == 0 ||
		    strcmp(l.p[i].name, MANIFEST2) == 0 || strcmp(l.p[i].name, SIG2) == 0)
			moved[n++] = l.p[i];
	for (i = 0; i < l.n; i++)
		if (strcmp(l.p[i].name, DECISION) != 0 && strcmp(l.p[i].name, REPORT) != 0 &&
		    strcmp(l.p[i].name, MANIFEST2) != 0 && strcmp(l.p[i].name, SIG2) != 0)
			moved[n++] = l.p[i];
	ck_assert_int_eq(bt_zip_write(fx.ctx, fx.signed_off, moved, n), 0);
	bt_parts_free(&l);
	verify_at(&fx, fx.signed_off, "2027-02-01");
	expect(fx.r, "signoff.coverage", COCO_STATUS_PASS, DECISION, COCO_VERDICT_PASSED);
	ck_assert_int_eq(coco_report_decision(fx.r, NULL, NULL), COCO_DECISION_APPROVED);
	teardown(&fx);
}
END_TEST

/* An applicant's entry cannot take the numbers away: with signoff/report-999999.xml in the
 * bundle, a rejection is still recorded, as 002. */
START_TEST(test_numbers_not_blocked)
{
	static const char *const names[] = {"signoff/report-999999.xml"};
	static const char *const texts[] = {"<x/>"};
	struct fixture fx;
	struct bt_parts l;

	setup(&fx);
	create_as(&fx, "director");
	applicant_plus(&fx, "director", names, texts, 1);
	ck_assert_msg(countersign(&fx, fx.applicant, fx.signed_off, "siro", COCO_DECISION_REJECTED,
				  "2027-01-05") == COCO_OK,
		      "%s", coco_ctx_error(fx.ctx));
	ck_assert_int_eq(bt_zip_read(fx.signed_off, &l), 0);
	ck_assert_ptr_nonnull(bt_parts_find(&l, DECISION));
	bt_parts_free(&l);
	verify_at(&fx, fx.signed_off, "2027-02-01");
	ck_assert_int_eq(coco_report_decision(fx.r, NULL, NULL), COCO_DECISION_REJECTED);
	expect(fx.r, "assessment.unreferenced", COCO_STATUS_FAIL, names[0], COCO_VERDICT_FAILED);
	teardown(&fx);
}
END_TEST

/* An approval proves only the signatures its manifest covers: a second applicant signature
 * added after the sign-off (director-short, signed 2027-01-03) is not proven by it, and the
 * sign-off, which no longer covers every other entry, fails. */
START_TEST(test_proof_bound_to_signature)
{
	struct fixture fx;
	struct bt_parts l;
	struct bt_part *p;
	struct coco_signer *s;
	unsigned char *sig = NULL;
	char *man;
	size_t mlen = 0, slen = 0;

	setup(&fx);
	create_as(&fx, "director-short");
	ck_assert(countersign(&fx, fx.applicant, fx.signed_off, "siro", COCO_DECISION_APPROVED,
			      "2027-01-05") == COCO_OK);
	ck_assert_int_eq(bt_zip_read(fx.signed_off, &l), 0);
	ck_assert_ptr_nonnull(p = bt_parts_find(&l, "assessment.xml"));
	ck_assert_ptr_nonnull(man = bt_manifest("META-INF/signature003.p7s", p, 1, NULL, &mlen));
	set_time(&fx, "2027-01-03");
	ck_assert_ptr_nonnull(s = bt_signer(fx.ctx, "director-short"));
	ck_assert_int_eq(coco_cms_sign(fx.ctx, s, (unsigned char *)man, mlen, &sig, &slen),
			 COCO_OK);
	ck_assert_int_eq(bt_parts_add(&l, "META-INF/ASiCManifest003.xml", man, mlen), 0);
	ck_assert_int_eq(bt_parts_add(&l, "META-INF/signature003.p7s", sig, slen), 0);
	ck_assert_int_eq(bt_zip_write(fx.ctx, fx.signed_off, l.p, l.n), 0);
	verify_at(&fx, fx.signed_off, "2027-08-01");
	/* added beside the sign-off, it shows: the sign-off no longer covers everything */
	expect(fx.r, "signoff.coverage", COCO_STATUS_FAIL, DECISION, COCO_VERDICT_FAILED);
	ck_assert_ptr_null(bt_find(fx.r, "signoff.proof", "META-INF/signature003.p7s"));
	expect(fx.r, "signer.expired", COCO_STATUS_INDETERMINATE, NULL, COCO_VERDICT_FAILED);
	OPENSSL_free(sig);
	free(man);
	coco_signer_free(s);
	bt_parts_free(&l);
	teardown(&fx);
}
END_TEST

/* ---- the decision in force: chosen by coverage, not by zip order ---- */

/* True if name is one of the four files of sign-off number nnn ("003"). */
static int signoff_file(const char *name, const char *nnn)
{
	static const char *const forms[][2] = {{"META-INF/ASiCManifest", ".xml"},
					       {"META-INF/signature", ".p7s"},
					       {"signoff/decision-", ".xml"},
					       {"signoff/report-", ".xml"}};
	char want[64];
	size_t f;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		snprintf(want, sizeof(want), "%s%s%s", forms[f][0], nnn, forms[f][1]);
		if (strcmp(name, want) == 0)
			return 1;
	}
	return 0;
}

/* Rewrites path with sign-off nnn's four entries moved in front of the entry named before
 * (NULL: first of all), as an attacker would with stock tools: a canonical zip again, every
 * offset right, every signature intact (none covers the order of the entries). */
static void move_signoff(struct fixture *fx, const char *path, const char *nnn, const char *before)
{
	struct bt_parts l;
	struct bt_part moved[64];
	size_t i, k, n = 0;

	ck_assert_int_eq(bt_zip_read(path, &l), 0);
	ck_assert_uint_le(l.n, 60);
	for (i = 0; i <= l.n; i++) {
		if (i == l.n || before == NULL ? i == 0 : strcmp(l.p[i].name, before) == 0)
			for (k = 0; k < l.n; k++)
				if (signoff_file(l.p[k].name, nnn))
					moved[n++] = l.p[k];
		if (i < l.n && !signoff_file(l.p[i].name, nnn))
			moved[n++] = l.p[i];
	}
	ck_assert_uint_eq(n, l.n);
	ck_assert_int_eq(bt_zip_write(fx->ctx, path, moved, n), 0);
	bt_parts_free(&l);
}

/* The report rendered in a format (malloc'd). */
static char *rendered(const struct coco_report *r, enum coco_format format)
{
	char *out = NULL;

	ck_assert_int_eq(coco_report_render(r, format, 0, &out, NULL), COCO_OK);
	return out;
}

/* out is valid against docs/schema/coco-report-1.xsd. */
static void xml_valid(const char *out)
{
	char *xsd_path = bt_fmt("%s/../docs/schema/coco-report-1.xsd", bt_fixtures());
	unsigned char *xsd = NULL;
	size_t len = 0;
	char why[512];
	xmlSchemaPtr schema;
	xmlDocPtr doc;

	ck_assert_int_eq(bt_read(xsd_path, &xsd, &len), 0);
	ck_assert_ptr_nonnull(schema = coco_xml_schema((const char *)xsd, why, sizeof(why)));
	doc = coco_xml_read((const unsigned char *)out, strlen(out), COCO_MAX_META_SIZE,
			    "report.xml", why, sizeof(why));
	ck_assert_msg(doc != NULL, "%s", why);
	ck_assert_msg(coco_xml_validate(schema, doc, why, sizeof(why)) == 0, "%s\n%s", why, out);
	xmlFreeDoc(doc);
	xmlSchemaFree(schema);
	free(xsd);
	free(xsd_path);
}

/* The text, JSON, XML and HTML forms state that decision (`word`, by the test SIRO at
 * `when`, "YYYY-MM-DD") is in force, and that entry is the sign-off in force. */
static void shows_in_force(const struct coco_report *r, const char *word, const char *lower,
			   const char *entry, const char *when)
{
	char *text = rendered(r, COCO_FORMAT_TEXT), *json = rendered(r, COCO_FORMAT_JSON);
	char *xml = rendered(r, COCO_FORMAT_XML), *html = rendered(r, COCO_FORMAT_HTML);
	char *want[5];
	size_t i;

	want[0] = bt_fmt("\ndecision   %s by " SIRO_CN " on %sT00:00:00Z\n", word, when);
	want[1] = bt_fmt("\"decision\": {\"outcome\": \"%s\", \"entry\": \"%s\", \"siro\": "
			 "\"" SIRO_CN "\", \"time\": \"%sT00:00:00Z\"}",
			 lower, entry, when);
	want[2] = bt_fmt("<decision outcome=\"%s\" entry=\"%s\" siro=\"" SIRO_CN
			 "\" time=\"%sT00:00:00Z\"/>",
			 lower, entry, when);
	want[3] = bt_fmt("<span>Sign-off</span><strong>%s</strong><span class=\"by\">by " SIRO_CN
			 " on %s 00:00 UTC</span>",
			 word, when);
	want[4] = bt_fmt("{\"entry\": \"%s\", \"decision\": \"%s\"", entry, lower);
	ck_assert_msg(strstr(text, want[0]) != NULL, "text lacks '%s':\n%s", want[0], text);
	ck_assert_msg(strstr(json, want[1]) != NULL, "JSON lacks '%s'", want[1]);
	ck_assert_msg(strstr(xml, want[2]) != NULL, "XML lacks '%s'", want[2]);
	ck_assert_msg(strstr(html, want[3]) != NULL, "HTML lacks '%s'", want[3]);
	/* that sign-off's row is the one in force, and no other is */
	ck_assert_ptr_nonnull(strstr(strstr(json, want[4]), "\"in_force\": true}"));
	ck_assert_ptr_null(strstr(strstr(json, "\"in_force\": true}") + 1, "\"in_force\": true}"));
	xml_valid(xml);
	for (i = 0; i < 5; i++)
		free(want[i]);
	free(text);
	free(json);
	free(xml);
	free(html);
}

/* signoff.decision for entry passes, and says it is superseded by `by` (NULL: it is not). */
static void decision_superseded(const struct coco_report *r, const char *entry, const char *by)
{
	const struct coco_finding *f =
	    bt_find_status(r, "signoff.decision", COCO_STATUS_PASS, entry);
	char *want = by ? bt_fmt("; superseded by '%s', which covers it", by) : NULL;

	ck_assert_msg(f != NULL, "no signoff.decision pass for '%s':\n%s", entry, problems(r));
	if (want != NULL)
		ck_assert_msg(strstr(coco_finding_message(f), want) != NULL, "'%s' lacks '%s'",
			      coco_finding_message(f), want);
	else
		ck_assert_ptr_null(strstr(coco_finding_message(f), "superseded"));
	free(want);
}

/*
 * Issue 13, point 3: approved (002), then rejected (003), then 003's four entries moved in
 * front of 002's (variant 0) or in front of everything (variant 1). No signature breaks;
 * 003 still covers 002, so the rejection is in force, in every form.
 */
START_TEST(test_rejection_reordered)
{
	struct fixture fx;
	char *third;
	const char *who = NULL;
	time_t at = 0;

	setup(&fx);
	approved(&fx);
	third = bt_fmt("%s/third.coco", fx.tmp);
	ck_assert_msg(countersign(&fx, fx.signed_off, third, "siro", COCO_DECISION_REJECTED,
				  "2027-03-01") == COCO_OK,
		      "%s", coco_ctx_error(fx.ctx));
	move_signoff(&fx, third, "003", _i == 0 ? MANIFEST2 : NULL);
	verify_at(&fx, third, "2027-03-02");
	ck_assert_int_eq(fx.r->n_signoffs, 2);
	ck_assert_str_eq(fx.r->signoffs[0].entry, "signoff/decision-003.xml"); /* zip order */
	expect(fx.r, "signoff.coverage", COCO_STATUS_PASS, DECISION, COCO_VERDICT_PASSED);
	expect(fx.r, "signoff.coverage", COCO_STATUS_PASS, "signoff/decision-003.xml",
	       COCO_VERDICT_PASSED);
	decision_superseded(fx.r, DECISION, "signoff/decision-003.xml");
	decision_superseded(fx.r, "signoff/decision-003.xml", NULL);
	expect(fx.r, "signoff.latest", COCO_STATUS_INFO, NULL, COCO_VERDICT_PASSED);
	ck_assert_str_eq(coco_finding_message(bt_find(fx.r, "signoff.latest", NULL)),
			 "Signed off: rejected by " SIRO_CN " on 2027-03-01T00:00:00Z "
			 "('signoff/decision-003.xml', which no other valid sign-off covers, is "
			 "in force)");
	ck_assert_ptr_null(bt_find(fx.r, "signoff.ambiguous", NULL));
	ck_assert_int_eq(bt_count_status(fx.r, COCO_STATUS_FAIL), 0);
	ck_assert_int_eq(coco_report_decision(fx.r, &who, &at), COCO_DECISION_REJECTED);
	ck_assert_str_eq(who, SIRO_CN);
	ck_assert(at == bt_time("2027-03-01"));
	shows_in_force(fx.r, "REJECTED", "rejected", "signoff/decision-003.xml", "2027-03-01");
	free(third);
	teardown(&fx);
}
END_TEST

/* Rewrites sign-off `from` of the bundle at in as sign-off `to` in out: its decision names
 * its report anew, and its manifest, listing every entry but the mimetype, is signed again
 * by the SIRO on date. So two sign-offs made apart from one bundle can sit side by side. */
static void renumber(struct fixture *fx, const char *in, const char *out, const char *from,
		     const char *to, const char *date)
{
	struct bt_parts l;
	struct bt_part refs[64];
	struct coco_signer *s;
	unsigned char *sig = NULL;
	char *old_rep = bt_fmt("signoff/report-%s.xml", from), *new_rep;
	char *man, *name, *text, *at, *sigref = bt_fmt("META-INF/signature%s.p7s", to);
	size_t i, n = 0, mlen = 0, slen = 0;

	new_rep = bt_fmt("signoff/report-%s.xml", to);
	ck_assert_int_eq(bt_zip_read(in, &l), 0);
	for (i = 0; i < l.n; i++) {
		struct bt_part *p = &l.p[i];
		if (!signoff_file(p->name, from))
			continue;
		if (strncmp(p->name, "signoff/decision-", 17) == 0) {
			text = bt_fmt("%.*s", (int)p->len, (const char *)p->data);
			ck_assert_ptr_nonnull(at = strstr(text, old_rep));
			free((void *)p->data);
			p->data = (unsigned char *)bt_fmt("%.*s%s%s", (int)(at - text), text,
							  new_rep, at + strlen(old_rep));
			p->len = strlen((const char *)p->data);
			free(text);
		}
		name = bt_fmt("%.*s%s%s", (int)(strstr(p->name, from) - p->name), p->name, to,
			      strstr(p->name, from) + strlen(from));
		free((void *)p->name);
		p->name = name;
	}
	for (i = 0; i < l.n; i++)
		if (strcmp(l.p[i].name, "mimetype") != 0 && !signoff_file(l.p[i].name, to))
			refs[n++] = l.p[i];
	for (i = 0; i < l.n; i++)
		if (strncmp(l.p[i].name, "signoff/", 8) == 0 && signoff_file(l.p[i].name, to))
			refs[n++] = l.p[i];
	ck_assert_ptr_nonnull(man = bt_manifest(sigref, refs, n, NULL, &mlen));
	set_time(fx, date);
	ck_assert_ptr_nonnull(s = bt_signer(fx->ctx, "siro"));
	ck_assert_int_eq(coco_cms_sign(fx->ctx, s, (unsigned char *)man, mlen, &sig, &slen),
			 COCO_OK);
	for (i = 0; i < l.n; i++) {
		struct bt_part *p = &l.p[i];
		if (signoff_file(p->name, to) && strncmp(p->name, "META-INF/ASiC", 13) == 0) {
			free((void *)p->data);
			p->data = (unsigned char *)man;
			p->len = mlen;
		} else if (signoff_file(p->name, to) && strncmp(p->name, "META-INF/sig", 12) == 0) {
			free((void *)p->data);
			ck_assert_ptr_nonnull(p->data = malloc(slen));
			memcpy((void *)p->data, sig, slen);
			p->len = slen;
		}
	}
	ck_assert_int_eq(bt_zip_write(fx->ctx, out, l.p, l.n), 0);
	OPENSSL_free(sig);
	coco_signer_free(s);
	bt_parts_free(&l);
	free(old_rep);
	free(new_rep);
	free(sigref);
}

/* Adds sign-off nnn's four entries from the bundle at from to the bundle at path. */
static void merge_signoff(struct fixture *fx, const char *path, const char *from, const char *nnn)
{
	struct bt_parts a, b;
	size_t i;

	ck_assert_int_eq(bt_zip_read(path, &a), 0);
	ck_assert_int_eq(bt_zip_read(from, &b), 0);
	for (i = 0; i < b.n; i++)
		if (signoff_file(b.p[i].name, nnn))
			ck_assert_int_eq(bt_parts_add(&a, b.p[i].name, b.p[i].data, b.p[i].len), 0);
	ck_assert_int_eq(bt_zip_write(fx->ctx, path, a.p, a.n), 0);
	bt_parts_free(&a);
	bt_parts_free(&b);
}

/*
 * Two sign-offs made apart from the same approved bundle (a rejection 003 and an approval,
 * renumbered 004) and merged: both valid, neither covers the other. No decision is in
 * force (never the more favourable one): signoff.ambiguous, INDETERMINATE, for each.
 */
START_TEST(test_ambiguous)
{
	struct fixture fx;
	char *b = NULL, *c = NULL, *text, *json, *xml;
	const char *who = "x";
	time_t at = 1;

	setup(&fx);
	approved(&fx);
	b = bt_fmt("%s/b.coco", fx.tmp);
	c = bt_fmt("%s/c.coco", fx.tmp);
	ck_assert(countersign(&fx, fx.signed_off, b, "siro", COCO_DECISION_REJECTED,
			      "2027-03-01") == COCO_OK);
	ck_assert(countersign(&fx, fx.signed_off, c, "siro", COCO_DECISION_APPROVED,
			      "2027-03-02") == COCO_OK);
	renumber(&fx, c, c, "003", "004", "2027-03-02");
	merge_signoff(&fx, b, c, "004");
	if (_i == 1) /* the order of the zip changes nothing */
		move_signoff(&fx, b, "004", MANIFEST2);
	verify_at(&fx, b, "2027-03-05");
	ck_assert_int_eq(fx.r->n_signoffs, 3);
	expect(fx.r, "signoff.ambiguous", COCO_STATUS_INDETERMINATE, "signoff/decision-003.xml",
	       COCO_VERDICT_INDETERMINATE);
	expect(fx.r, "signoff.ambiguous", COCO_STATUS_INDETERMINATE, "signoff/decision-004.xml",
	       COCO_VERDICT_INDETERMINATE);
	ck_assert_int_eq(bt_count_status(fx.r, COCO_STATUS_INDETERMINATE), 2);
	ck_assert_int_eq(bt_count_status(fx.r, COCO_STATUS_FAIL), 0);
	ck_assert_str_eq(
	    coco_finding_message(bt_find(fx.r, "signoff.ambiguous", "signoff/decision-004.xml")),
	    "approved by " SIRO_CN " at 2027-03-02T00:00:00Z stands beside 1 other "
	    "valid sign-off: none covers another, so no decision is in force");
	expect(fx.r, "signoff.coverage", COCO_STATUS_PASS, "signoff/decision-004.xml",
	       COCO_VERDICT_INDETERMINATE);
	decision_superseded(fx.r, DECISION, "signoff/decision-003.xml");
	ck_assert_ptr_null(bt_find(fx.r, "signoff.latest", NULL));
	expect(fx.r, "signoff.applicant", COCO_STATUS_INFO, NULL, COCO_VERDICT_INDETERMINATE);
	ck_assert_int_eq(coco_report_decision(fx.r, &who, &at), COCO_DECISION_UNDETERMINED);
	ck_assert_ptr_null(who);
	ck_assert(at == 0);
	text = rendered(fx.r, COCO_FORMAT_TEXT);
	json = rendered(fx.r, COCO_FORMAT_JSON);
	xml = rendered(fx.r, COCO_FORMAT_XML);
	ck_assert_ptr_nonnull(
	    strstr(text, "\nverdict    INDETERMINATE\ndecision   UNDETERMINED: "));
	ck_assert_ptr_nonnull(strstr(json, "\"decision\": {\"outcome\": \"undetermined\", "
					   "\"entry\": null, \"siro\": null, \"time\": null}"));
	ck_assert_ptr_null(strstr(json, "\"in_force\": true"));
	ck_assert_ptr_nonnull(strstr(xml, "<decision outcome=\"undetermined\"/>"));
	xml_valid(xml);
	free(text);
	free(json);
	free(xml);
	free(b);
	free(c);
	teardown(&fx);
}
END_TEST

/*
 * A chain: approved (002), approved (003, covering 002), rejected (004, covering both),
 * with 004's entries first and 002's last: the one no other covers, 004, is in force.
 */
START_TEST(test_chain_reordered)
{
	struct fixture fx;
	char *path;

	setup(&fx);
	approved(&fx);
	path = bt_fmt("%s/chain.coco", fx.tmp);
	ck_assert(countersign(&fx, fx.signed_off, path, "siro", COCO_DECISION_APPROVED,
			      "2027-02-01") == COCO_OK);
	ck_assert(countersign(&fx, path, path, "siro", COCO_DECISION_REJECTED, "2027-03-01") ==
		  COCO_OK);
	move_signoff(&fx, path, "004", NULL);
	move_signoff(&fx, path, "003", MANIFEST2);
	verify_at(&fx, path, "2027-03-02");
	ck_assert_str_eq(fx.r->signoffs[0].entry, "signoff/decision-004.xml");
	ck_assert_str_eq(fx.r->signoffs[2].entry, DECISION);
	/* named by the one in force, wherever it sits */
	decision_superseded(fx.r, DECISION, "signoff/decision-004.xml");
	decision_superseded(fx.r, "signoff/decision-003.xml", "signoff/decision-004.xml");
	decision_superseded(fx.r, "signoff/decision-004.xml", NULL);
	ck_assert_int_eq(coco_report_verdict(fx.r), COCO_VERDICT_PASSED);
	shows_in_force(fx.r, "REJECTED", "rejected", "signoff/decision-004.xml", "2027-03-01");
	free(path);
	teardown(&fx);
}
END_TEST

/*
 * A sign-off that covers a higher-numbered one: the applicant's signoff/report-999998.xml
 * makes the first sign-off 999999 and the second 002 (the lowest free number). 002 covers
 * 999999, so 002 is in force, and 999999, which cannot list what came after it, is valid.
 */
START_TEST(test_covers_higher_number)
{
	static const char *const names[] = {"signoff/report-999998.xml"};
	static const char *const texts[] = {"<x/>"};
	struct fixture fx;
	char *second;
	time_t at = 0;

	setup(&fx);
	create_as(&fx, "director");
	applicant_plus(&fx, "director", names, texts, 1);
	second = bt_fmt("%s/second.coco", fx.tmp);
	ck_assert(countersign(&fx, fx.applicant, fx.signed_off, "siro", COCO_DECISION_REJECTED,
			      "2027-01-05") == COCO_OK);
	ck_assert(countersign(&fx, fx.signed_off, second, "siro", COCO_DECISION_REJECTED,
			      "2027-03-01") == COCO_OK);
	verify_at(&fx, second, "2027-03-02");
	expect(fx.r, "signoff.coverage", COCO_STATUS_PASS, "signoff/decision-999999.xml",
	       COCO_VERDICT_FAILED);
	expect(fx.r, "signoff.coverage", COCO_STATUS_PASS, DECISION, COCO_VERDICT_FAILED);
	decision_superseded(fx.r, "signoff/decision-999999.xml", DECISION);
	/* the applicant's unreferenced file is the only failure */
	expect(fx.r, "assessment.unreferenced", COCO_STATUS_FAIL, names[0], COCO_VERDICT_FAILED);
	ck_assert_int_eq(bt_count_status(fx.r, COCO_STATUS_FAIL), 1);
	ck_assert_int_eq(coco_report_decision(fx.r, NULL, &at), COCO_DECISION_REJECTED);
	ck_assert(at == bt_time("2027-03-01"));
	ck_assert_ptr_eq(coco_report_in_force(fx.r), &fx.r->signoffs[1]);
	free(second);
	teardown(&fx);
}
END_TEST

/* Signs sign-off nnn's manifest in the bundle at path again, unchanged, as `who` on date. */
static void resign_number(struct fixture *fx, const char *path, const char *nnn, const char *who,
			  const char *date)
{
	struct bt_parts l;
	struct bt_part *man, *sig;
	struct coco_signer *s;
	unsigned char *der = NULL;
	char *mname = bt_fmt("META-INF/ASiCManifest%s.xml", nnn);
	char *sname = bt_fmt("META-INF/signature%s.p7s", nnn);
	size_t len = 0;

	ck_assert_int_eq(bt_zip_read(path, &l), 0);
	ck_assert_ptr_nonnull(man = bt_parts_find(&l, mname));
	ck_assert_ptr_nonnull(sig = bt_parts_find(&l, sname));
	set_time(fx, date);
	ck_assert_ptr_nonnull(s = bt_signer(fx->ctx, who));
	ck_assert_int_eq(coco_cms_sign(fx->ctx, s, man->data, man->len, &der, &len), COCO_OK);
	free((void *)sig->data);
	ck_assert_ptr_nonnull(sig->data = malloc(len));
	memcpy((void *)sig->data, der, len);
	sig->len = len;
	ck_assert_int_eq(bt_zip_write(fx->ctx, path, l.p, l.n), 0);
	OPENSSL_free(der);
	coco_signer_free(s);
	bt_parts_free(&l);
	free(mname);
	free(sname);
}

/*
 * An invalid sign-off in the middle: approved (002), an approval 003 signed again with the
 * director's key (not a SIRO's: it fails), then a rejection 004 covering both, moved first.
 * 004 is in force and supersedes 002; the bundle fails for 003, which stands for nothing.
 */
START_TEST(test_invalid_in_middle)
{
	struct fixture fx;
	char *path;

	setup(&fx);
	approved(&fx);
	path = bt_fmt("%s/mid.coco", fx.tmp);
	ck_assert(countersign(&fx, fx.signed_off, path, "siro", COCO_DECISION_APPROVED,
			      "2027-02-01") == COCO_OK);
	resign_number(&fx, path, "003", "director", "2027-02-01");
	ck_assert_msg(countersign(&fx, path, path, "siro", COCO_DECISION_REJECTED, "2027-03-01") ==
			  COCO_OK,
		      "%s", coco_ctx_error(fx.ctx));
	move_signoff(&fx, path, "004", NULL);
	verify_at(&fx, path, "2027-03-02");
	ck_assert_str_eq(fx.r->signoffs[0].entry, "signoff/decision-004.xml");
	expect(fx.r, "signer.untrusted", COCO_STATUS_FAIL, NULL, COCO_VERDICT_FAILED);
	ck_assert_ptr_null(bt_find(fx.r, "signoff.decision", "signoff/decision-003.xml"));
	decision_superseded(fx.r, DECISION, "signoff/decision-004.xml");
	decision_superseded(fx.r, "signoff/decision-004.xml", NULL);
	ck_assert_int_eq(coco_report_decision(fx.r, NULL, NULL), COCO_DECISION_REJECTED);
	ck_assert_ptr_nonnull(coco_report_in_force(fx.r));
	ck_assert_str_eq(coco_report_in_force(fx.r)->entry, "signoff/decision-004.xml");
	free(path);
	teardown(&fx);
}
END_TEST

/* ---- the XML report ---- */

START_TEST(test_xml_report_valid)
{
	struct fixture fx;
	struct coco_report_signature *sig;
	char *out;

	setup(&fx);
	approved(&fx);
	verify_at(&fx, fx.signed_off, "2027-02-01");
	/* hostile strings in every kind of field */
	coco_report_add(fx.r, COCO_STATUS_WARN, "verify.policy", "<a href=\"x\">&\x01'",
			"m\x7f<>\xef\xbf\xbf\xef\xbf\xbe\xe2\x80\xae\xc2\x9b");
	ck_assert_int_eq(coco_report_add_element(fx.r, "CoCo-1", "t<", "</statement>\"\xff", 1),
			 COCO_OK);
	ck_assert_ptr_nonnull(sig = coco_report_add_signature(fx.r));
	sig->file = strdup("]]><x/>");
	out = rendered(fx.r, COCO_FORMAT_XML);
	xml_valid(out);
	ck_assert_ptr_nonnull(strstr(out, "&lt;a href=&quot;x&quot;&gt;&amp;"));
	ck_assert_ptr_nonnull(strstr(out, "decision=\"approved\" siro=\"" SIRO_CN "\""));
	free(out);
	teardown(&fx);
}
END_TEST

Suite *signoff_suite(void)
{
	Suite *s = suite_create("signoff");
	TCase *tc = tcase_create("signoff");

	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, bt_tmp_setup, bt_tmp_teardown);
	tcase_add_test(tc, test_approved);
	tcase_add_test(tc, test_applicant_bytes_kept);
	tcase_add_test(tc, test_second_decision);
	tcase_add_test(tc, test_in_place);
	tcase_add_test(tc, test_approve_refused);
	tcase_add_test(tc, test_bad_options);
	tcase_add_loop_test(tc, test_lies, 0, (int)(sizeof(lies) / sizeof(lies[0])));
	tcase_add_test(tc, test_tampered_decision);
	tcase_add_test(tc, test_not_a_siro);
	tcase_add_test(tc, test_long_term);
	tcase_add_loop_test(tc, test_applicant_signoff_folder, 0, 2);
	tcase_add_test(tc, test_proof_bound_to_signature);
	tcase_add_test(tc, test_numbers_not_blocked);
	tcase_add_test(tc, test_signoff_before_signature);
	tcase_add_test(tc, test_signoff_moved_first);
	tcase_add_test(tc, test_approval_after_expiry);
	tcase_add_test(tc, test_xml_report_valid);
	tcase_add_loop_test(tc, test_rejection_reordered, 0, 2);
	tcase_add_loop_test(tc, test_ambiguous, 0, 2);
	tcase_add_test(tc, test_chain_reordered);
	tcase_add_test(tc, test_covers_higher_number);
	tcase_add_test(tc, test_invalid_in_middle);
	suite_add_tcase(s, tc);
	return s;
}
