/*
 * init: a skeleton submission folder. assessment.xml carries, for each CoCo element,
 * SIA's requirement in SIA's words (sia.c), SIA's Cyber Essentials reference and our
 * labelled guidance as comments and a placeholder that lint reports
 * (assessment.statement, assessment.placeholder) until it is replaced, so an unedited
 * skeleton can never pass. The baseline certificate's schemes come from the policy's scheme
 * table (the trust directory's, else the built-in default). Nothing existing is overwritten. A new
 * folder is built under a temporary name and renamed into place whole; in an existing one the
 * subfolders come first and assessment.xml, written atomically, last.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "submission/assessment.h"

/* Appends s to b (realloc'd), XML-escaped when esc; b becomes NULL on failure. */
static void put(char **b, size_t *len, const char *s, int esc)
{
	size_t n = strlen(s), i, extra = 0;
	char *nb;

	if (*b == NULL)
		return;
	for (i = 0; esc && i < n; i++)
		extra += s[i] == '&' ? 4 : s[i] == '<' || s[i] == '>' ? 3 : s[i] == '"' ? 5 : 0;
	if ((nb = realloc(*b, *len + n + extra + 1)) == NULL) {
		free(*b);
		*b = NULL;
		return;
	}
	*b = nb;
	for (i = 0; i < n; i++) {
		const char *rep = !esc          ? NULL
				  : s[i] == '&' ? "&amp;"
				  : s[i] == '<' ? "&lt;"
				  : s[i] == '>' ? "&gt;"
				  : s[i] == '"' ? "&quot;"
						: NULL;
		if (rep != NULL) {
			memcpy(nb + *len, rep, strlen(rep));
			*len += strlen(rep);
		} else {
			nb[(*len)++] = s[i];
		}
	}
	nb[*len] = '\0';
}

static const char head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!--\n"
    "  Code of Connection self-assessment, written by 'coco-bundle init'.\n"
    "  Replace every REPLACE placeholder and every 1970-01-01 date, put the certificate\n"
    "  PDF in evidence/ and any policies in policies/, reference every file you add, then\n"
    "  run 'coco-bundle lint' until it passes. docs/ASSESSMENT.md explains each field.\n"
    "  Each element says whether you comply (complies=\"yes\", \"no\" or \"partly\") and,\n"
    "  where a machine can judge it, carries fields: they start at values that fail, so\n"
    "  state yours. The statement is your explanation, read by SIA's SIRO.\n"
    "-->\n"
    "<assessment xmlns=\"urn:x-coco-bundle:assessment:2\" version=\"2\">\n"
    "  <organisation>\n"
    "    <legalName>";

static const char middle[] =
    "</legalName>\n"
    "    <!-- Leave companyNumber out if you have none (a sole trader or partnership). -->\n"
    "    <companyNumber>REPLACE: Companies House number</companyNumber>\n"
    "    <!-- <siaApprovedContractorReference>optional</siaApprovedContractorReference> "
    "-->\n"
    "    <address>REPLACE: registered address</address>\n"
    "    <telephone>REPLACE: telephone</telephone>\n"
    "  </organisation>\n"
    "  <!-- The director (or other competent person, e.g. the CISO) who authorises this\n"
    "       assessment; the bundle should be signed with their certificate. -->\n"
    "  <authorisation>\n"
    "    <!-- SIA's statement of commitment, word for word: leave it as it is. -->\n"
    "    <declaration>I confirm that the code of connection is accurately completed and has\n"
    "      been authorised by the following:</declaration>\n"
    "    <name>REPLACE: full name</name>\n"
    "    <role>REPLACE: role, e.g. Director</role>\n"
    "    <email>REPLACE: email</email>\n"
    "    <date>1970-01-01</date>\n"
    "  </authorisation>\n"
    "  <!-- Your own certificate (an IT supplier's is not accepted). Repeat the element for\n"
    "       more. licenceManagementInScope: yes only if licence-management operations come\n"
    "       within the certificate's scope (SIA requires it of ISO/IEC 27001). scheme is one\n"
    "       of the policy's scheme ids (docs/TRUST.md):\n      ";

static const char cert_fields[] =
    "    <number>REPLACE: certificate number</number>\n"
    "    <body>REPLACE: certification body, as printed</body>\n"
    "    <holder>REPLACE: holder, as printed</holder>\n"
    "    <scope>REPLACE: scope, as printed (e.g. Whole organisation)</scope>\n"
    "    <issued>1970-01-01</issued>\n"
    "    <expires>1970-01-01</expires>\n";

static const char tail[] =
    "  <!-- Policies (optional unless the SIA policy requires a kind): kind is one of\n"
    "       information-security acceptable-use access-control audit logging anti-virus\n"
    "       patching incident-management data-protection other.\n"
    "  <policies>\n"
    "    <policy kind=\"information-security\" file=\"policies/information-security.pdf\">\n"
    "      <title>Information Security Policy</title>\n"
    "      <version>1.0</version>\n"
    "      <approved>2026-01-01</approved>\n"
    "      <nextReview>2027-01-01</nextReview>\n"
    "    </policy>\n"
    "  </policies>\n"
    "  -->\n"
    "</assessment>\n";

/* The ids of the policy's schemes with (basic 1) or without (0) a basic-certificate rule,
 * or of all (-1), each after a space. Ids cannot hold "--" (the schemas' pattern), so they
 * are safe inside a comment. */
static void scheme_ids(char **b, size_t *len, const struct coco_policy *p, int basic)
{
	size_t i;

	for (i = 0; i < p->n_schemes; i++)
		if (basic < 0 || (p->schemes[i].basic_within_months > 0) == basic) {
			put(b, len, " ", 0);
			put(b, len, p->schemes[i].id, 0);
		}
}

/* The baseline certificate, from the policy's scheme table: its first scheme, with
 * basicIssued where that scheme has a basic-certificate rule. */
static void certificate(char **b, size_t *len, const struct coco_policy *p)
{
	const struct coco_scheme_rule *first = p->n_schemes > 0 ? &p->schemes[0] : NULL;
	size_t i, basic = 0;

	scheme_ids(b, len, p, -1);
	for (i = 0; i < p->n_schemes; i++)
		basic += p->schemes[i].basic_within_months > 0;
	if (basic > 0) {
		put(b, len, "\n       basicIssued (the date of the basic certificate) is for:", 0);
		scheme_ids(b, len, p, 1);
	}
	put(b, len, " -->\n  <baselineCertificate scheme=\"", 0);
	put(b, len, first != NULL ? first->id : "", 0);
	put(b, len, "\" licenceManagementInScope=\"no\">\n", 0);
	put(b, len, cert_fields, 0);
	if (first != NULL && first->basic_within_months > 0)
		put(b, len, "    <basicIssued>1970-01-01</basicIssued>\n", 0);
	put(b, len, "    <file>evidence/certificate.pdf</file>\n  </baselineCertificate>\n", 0);
}

/* CoCo element k's comment: SIA's requirement verbatim, SIA's Cyber Essentials reference
 * and our guidance, labelled as ours. */
static void put_comment(char **b, size_t *len, unsigned k, const char *num)
{
	put(b, len, "  <!-- CoCo-", 0);
	put(b, len, num, 0);
	put(b, len, " (SIA's requirement): ", 0);
	put(b, len, coco_element_requirement(k), 0);
	if (coco_element_ce_reference(k) != NULL) {
		put(b, len, "\n       SIA's Cyber Essentials reference: ", 0);
		put(b, len, coco_element_ce_reference(k), 0);
	}
	put(b, len, "\n       Guidance (coco-bundle's, not an SIA requirement): ", 0);
	put(b, len, coco_element_guidance(k), 0);
}

/* Each element's version 2 fields, at values that fail until the applicant states theirs. */
static const char *const fields[COCO_N_ELEMENTS] = {
    "",
    "",
    "",
    "",
    "",
    "",
    "    <!-- firewall: yes or no; antivirusUpdates: continuous, hourly, daily, weekly,\n"
    "         monthly or never -->\n"
    "    <firewall>no</firewall>\n    <antivirusUpdates>never</antivirusUpdates>\n",
    "    <!-- automation: yes if any automation application or macro runs against the\n"
    "         portal -->\n"
    "    <automation>yes</automation>\n",
    "    <!-- the longest time, in days, before a patch is applied -->\n"
    "    <patchWindowDays>9999</patchWindowDays>\n",
    "    <!-- ISO 3166-1 alpha-2 codes, e.g. GB IE: where the systems used for the portal are\n"
    "         hosted, where they are supported from (suppliers too), where staff enter data -->\n"
    "    <hostedIn></hostedIn>\n    <supportedFrom></supportedFrom>\n"
    "    <dataEntryIn></dataEntryIn>\n",
    "    <!-- the longest delay, in hours, before an incident is reported to SIA -->\n"
    "    <maxReportingDelayHours>9999</maxReportingDelayHours>\n"
    "    <incidentContact>REPLACE: name and email</incidentContact>\n",
};

static char *skeleton(const struct coco_policy *p, const char *organisation, size_t *len)
{
	char *b = malloc(1), num[8];
	size_t i;

	*len = 0;
	if (b != NULL)
		b[0] = '\0';
	put(&b, len, head, 0);
	put(&b, len, organisation ? organisation : "REPLACE: legal name", organisation != NULL);
	put(&b, len, middle, 0);
	certificate(&b, len, p);
	for (i = 0; i < COCO_N_ELEMENTS; i++) {
		snprintf(num, sizeof(num), "%zu", i + 1);
		put_comment(&b, len, (unsigned)i + 1, num);
		put(&b, len, " -->\n  <element id=\"CoCo-", 0);
		put(&b, len, num, 0);
		put(&b, len, "\" complies=\"no\">\n    <statement>REPLACE: how you meet CoCo-", 0);
		put(&b, len, num, 0);
		put(&b, len, "</statement>\n", 0);
		put(&b, len, fields[i], 0);
		put(&b, len,
		    "    <!-- <supportingFile>evidence/optional.pdf</supportingFile> -->\n"
		    "  </element>\n",
		    0);
	}
	put(&b, len, tail, 0);
	return b;
}

/* Non-empty, valid UTF-8, and no character XML 1.0 forbids or a terminal obeys. */
static int good_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), k;

	if (left == 0)
		return 0;
	for (; left > 0; p += k, left -= k)
		if ((k = coco_utf8_seq(p, left)) == 0 || *p < 0x20 || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] < 0xa0) || (p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe))
			return 0;
	return 1;
}

static enum coco_err make_dir(struct coco_ctx *ctx, const char *path)
{
	struct stat st;

	if (mkdir(path, 0755) == 0)
		return COCO_OK;
	if (errno == EEXIST && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return COCO_OK;
	return coco_seterr(ctx, COCO_ERR_IO, "cannot create folder '%s': %s", path,
			   errno == EEXIST ? "a file of that name exists" : strerror(errno));
}

/*
 * Makes dir/evidence and dir/policies (if missing), then writes dir/assessment.xml (never
 * over one). fresh: dir is a temporary folder, whose subfolders are synced too.
 */
static enum coco_err fill(struct coco_ctx *ctx, const char *dir, const char *xml, size_t len,
			  int fresh)
{
	char *path = coco_asprintf("%s/%s", dir, COCO_ASSESSMENT_NAME);
	char *ev = coco_asprintf("%s/evidence", dir), *pol = coco_asprintf("%s/policies", dir);
	enum coco_err err;

	if (path == NULL || ev == NULL || pol == NULL)
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
	else if ((err = make_dir(ctx, ev)) == COCO_OK && (err = make_dir(ctx, pol)) == COCO_OK &&
		 (err = coco_write_file_new(ctx, path, xml, len)) == COCO_OK && fresh) {
		coco_phase(ctx, COCO_PHASE_WRITTEN, dir, 0);
		if ((err = coco_sync_folder(ctx, ev)) == COCO_OK)
			err = coco_sync_folder(ctx, pol);
	}
	free(path);
	free(ev);
	free(pol);
	return err;
}

/* Removes a temporary folder that fill() worked on, and what it made there. */
static void remove_skeleton(const char *dir)
{
	static const char *const made[] = {COCO_ASSESSMENT_NAME, "evidence", "policies"};
	size_t i;
	char *p;

	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		if ((p = coco_asprintf("%s/%s", dir, made[i])) != NULL) {
			(void)(i == 0 ? unlink(p) : rmdir(p));
			free(p);
		}
	(void)rmdir(dir);
}

/* A folder that does not exist yet is built under a temporary name: it appears whole. */
static enum coco_err init_new(struct coco_ctx *ctx, const char *dir, const char *xml, size_t len)
{
	char *tmp = NULL;
	enum coco_err err;

	if ((err = coco_tmpdir_open(ctx, dir, &tmp)) != COCO_OK)
		return err;
	if ((err = fill(ctx, tmp, xml, len, 1)) == COCO_OK)
		err = coco_tmpdir_commit(ctx, &tmp, dir);
	if (tmp != NULL) /* not renamed */
		remove_skeleton(tmp);
	free(tmp);
	return err;
}

enum coco_err coco_init(struct coco_ctx *ctx, const char *dir, const char *organisation)
{
	const struct coco_policy *p = NULL;
	char *xml = NULL, *path = NULL;
	size_t len = 0;
	struct stat st;
	enum coco_err err;

	if (organisation != NULL && !good_name(organisation))
		return coco_seterr(
		    ctx, COCO_ERR_ARG,
		    "the organisation name must be non-empty UTF-8 text without control "
		    "characters");
	if ((p = coco_ctx_policy(ctx)) == NULL)
		return COCO_ERR_FORMAT; /* the message is in ctx */
	path = coco_asprintf("%s/%s", dir, COCO_ASSESSMENT_NAME);
	xml = skeleton(p, organisation, &len);
	if (path == NULL || xml == NULL) {
		err = coco_seterr(ctx, COCO_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (lstat(path, &st) == 0) {
		err = coco_seterr(ctx, COCO_ERR_EXISTS,
				  "'%s' already exists: init never overwrites a submission", path);
		goto out;
	}
	if (lstat(dir, &st) != 0 && errno == ENOENT)
		err = init_new(ctx, dir, xml, len);
	else if ((err = make_dir(ctx, dir)) == COCO_OK)
		err = fill(ctx, dir, xml, len, 0);
out:
	free(xml);
	free(path);
	return err;
}
