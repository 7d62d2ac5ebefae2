/*
 * The applicant's details that the sign-off sheet shows besides the organisation's name:
 * company number and address, CoCo-10's countries, CoCo-11's contact, and the policies.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static int dup_into(char **dst, const char *s)
{
	free(*dst);
	*dst = NULL;
	if (s == NULL)
		return 0;
	return (*dst = coco_strndup(s, strlen(s))) == NULL ? -1 : 0;
}

enum coco_err coco_report_set_applicant(struct coco_report *r, const char *company_number,
					const char *address, const char *countries,
					const char *incident_contact)
{
	struct coco_report_applicant *a = &r->applicant;

	if (dup_into(&a->company_number, company_number) != 0 ||
	    dup_into(&a->address, address) != 0 || dup_into(&a->countries, countries) != 0 ||
	    dup_into(&a->incident_contact, incident_contact) != 0) {
		r->nomem = 1;
		return COCO_ERR_NOMEM;
	}
	return COCO_OK;
}

enum coco_err coco_report_set_declaration(struct coco_report *r, const char *text)
{
	if (dup_into(&r->applicant.declaration, text) != 0) {
		r->nomem = 1;
		return COCO_ERR_NOMEM;
	}
	return COCO_OK;
}

static void policy_free(struct coco_report_policy *p)
{
	free(p->kind);
	free(p->title);
	free(p->version);
	free(p->file);
}

enum coco_err coco_report_add_policy(struct coco_report *r, const struct coco_report_policy *p)
{
	struct coco_report_applicant *a = &r->applicant;
	struct coco_report_policy *q, *grown;

	if (a->n_policies == a->cap_policies) {
		size_t cap = a->cap_policies ? 2 * a->cap_policies : 8;
		if ((grown = realloc(a->policies, cap * sizeof(*grown))) == NULL)
			goto nomem;
		a->policies = grown;
		a->cap_policies = cap;
	}
	q = &a->policies[a->n_policies];
	memset(q, 0, sizeof(*q));
	q->approved = p->approved;
	q->next_review = p->next_review;
	if (dup_into(&q->kind, p->kind) != 0 || dup_into(&q->title, p->title) != 0 ||
	    dup_into(&q->version, p->version) != 0 || dup_into(&q->file, p->file) != 0) {
		policy_free(q);
		goto nomem;
	}
	a->n_policies++;
	return COCO_OK;
nomem:
	r->nomem = 1;
	return COCO_ERR_NOMEM;
}

void coco_report_applicant_free(struct coco_report_applicant *a)
{
	size_t i;

	for (i = 0; i < a->n_policies; i++)
		policy_free(&a->policies[i]);
	free(a->policies);
	free(a->company_number);
	free(a->address);
	free(a->countries);
	free(a->incident_contact);
	free(a->declaration);
	memset(a, 0, sizeof(*a));
}
