/*
 * The unit-test runner: every module's suite in one Check runner. Fixtures are read
 * from $COCO_FIXTURES (default "fixtures"); no test reads the clock or the network.
 */
#include <stdlib.h>

#include "coco/coco.h"
#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	coco_library_init();
	srunner_add_suite(sr, report_suite());
	srunner_add_suite(sr, archive_suite());
	srunner_add_suite(sr, manifest_suite());
	srunner_add_suite(sr, cms_suite());
	srunner_add_suite(sr, verify_suite());
	srunner_add_suite(sr, assessment_suite());
	srunner_add_suite(sr, signoff_suite());
	srunner_add_suite(sr, html_suite());
	srunner_add_suite(sr, pdf_suite());
	srunner_add_suite(sr, limits_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	coco_library_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
