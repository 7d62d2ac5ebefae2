/*
 * The eleven CoCo elements as SIA words them: the one table that init's skeleton, the
 * report, the sign-off sheet and the SIRO's manual checks quote. `requirement` is the
 * "Description" column of SIA's Licence Management Code of Connection guidance, verbatim
 * (fixtures/sia/coco-requirements.tsv holds a copy a unit test compares with);
 * `ce_reference` is the Cyber Essentials requirement the guidance names beside the element
 * (its "Guidance" column), NULL where it names none. `guidance` is coco-bundle's own advice
 * on what to write: it is labelled as such wherever it is shown, never as SIA's.
 */
#include <stddef.h>

#include "submission/assessment.h"

struct element_text {
	const char *requirement;
	const char *ce_reference;
	const char *guidance;
};

static const struct element_text elements[COCO_N_ELEMENTS] = {
    {"Information security, acceptable use, access control, audit, logging, anti-virus and "
     "patching policies or standards are in place and documented.",
     NULL,
     "Name each policy or standard, who approved it and when it is reviewed. SIA needs no "
     "copies besides the Cyber Essentials Plus (or ISO/IEC 27001) certificate unless it asks "
     "for them."},
    {"All hosts and network equipment are located in secure accommodation, which is "
     "commensurate with protecting information assets appropriately.",
     "Access",
     "Say where the hosts and network equipment used for the portal are and how physical "
     "access to them is controlled."},
    {"An acceptable use policy is in place and users positively confirm their acceptance to "
     "all policies.",
     NULL, "Say how and when users confirm their acceptance and where it is recorded."},
    {"All local, remote attached devices and network infrastructure supporting devices are "
     "security hardened",
     "Secure Configuration",
     "Describe how devices, including any personal devices (BYOD), are hardened and how "
     "that is checked."},
    {"The minimum security standards applicable to the approved contractor, using the "
     "licence management service, shall be certification against Cyber Essentials Plus.",
     "Cyber Essentials Plus",
     "Refer to the baseline certificate below. ISO/IEC 27001 is accepted instead only where "
     "licence-management operations come within its scope."},
    {"Only information requested shall be introduced to the SIA portal.",
     "Boundary Firewalls & Internet Gateways",
     "Say who enters information into the portal and how they know what is requested."},
    {"The systems used to connect to the SIA portal are protected by either a hardware or "
     "software firewall, or antivirus applications with regular daily updates.",
     "Malware Protection", "Name the firewall and anti-virus and how often they are updated."},
    {"The systems used to connect to the SIA portal will not run any automation "
     "applications or macros against the portal.",
     "Secure Configuration",
     "Say how staff know that automation software and macros against the portal are "
     "prohibited."},
    {"The systems used to connect to the SIA portal is subject to an operating system and "
     "application patching regime.",
     "Patch Management", "Describe the patching regime and its time scales."},
    {"The systems used to connect to the SIA portal will be operated and supported within "
     "the EU.",
     NULL,
     "List every country where the systems are operated or supported, including by "
     "suppliers. coco-bundle's policy reads \"within the EU\" as the UK and the EEA."},
    {"Incidents, which may lead to the compromise of the SIA data, will be reported to the "
     "SIA without undue delay but in any event no later than 24 hours upon becoming aware.",
     NULL,
     "Name the incident contact and describe how incidents, including near misses, are "
     "escalated and reported to SIA."},
};

const char *coco_element_requirement(unsigned num)
{
	return num >= 1 && num <= COCO_N_ELEMENTS ? elements[num - 1].requirement : NULL;
}

const char *coco_element_ce_reference(unsigned num)
{
	return num >= 1 && num <= COCO_N_ELEMENTS ? elements[num - 1].ce_reference : NULL;
}

const char *coco_element_guidance(unsigned num)
{
	return num >= 1 && num <= COCO_N_ELEMENTS ? elements[num - 1].guidance : NULL;
}

const char *coco_element_id(unsigned num)
{
	static const char *const ids[COCO_N_ELEMENTS] = {"CoCo-1", "CoCo-2",  "CoCo-3", "CoCo-4",
							 "CoCo-5", "CoCo-6",  "CoCo-7", "CoCo-8",
							 "CoCo-9", "CoCo-10", "CoCo-11"};

	return num >= 1 && num <= COCO_N_ELEMENTS ? ids[num - 1] : "element";
}

/* SIA's "Statement of commitment" on its Code of Connection form, verbatim: the director
 * (or other competent person) confirms it, and the signature over assessment.xml covers it. */
const char *coco_sia_declaration(void)
{
	return "I confirm that the code of connection is accurately completed and has been "
	       "authorised by the following:";
}
