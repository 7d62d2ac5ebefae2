/*
 * The unit-test runner: every module's suite in one Check runner. Fixtures are read
 * from $COCO_FIXTURES (default "fixtures"); no test reads the clock or the network (the
 * hostile suite measures its child processes' wall time, as issue 6 asks). With
 * "--measure", the binary is the hostile suite's launcher instead (check_hostile.c).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "coco/coco.h"
#include "suites.h"

char *test_self;
int test_slow;

int main(int argc, char **argv)
{
	SRunner *sr;
	int failed;

	if (argc > 1 && strcmp(argv[1], "--measure") == 0)
		return hostile_measure(argc - 2, argv + 2);
	/* Not /proc/self/exe: under valgrind that is valgrind's own tool. */
	test_self = realpath(argv[0], NULL);
	test_slow = getenv("COCO_TEST_SLOW") != NULL;
	sr = srunner_create(util_suite());
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
	srunner_add_suite(sr, pades_suite());
	srunner_add_suite(sr, docts_suite());
	srunner_add_suite(sr, limits_suite());
	srunner_add_suite(sr, hostile_suite());
	srunner_add_suite(sr, race_suite());
	srunner_add_suite(sr, register_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	coco_library_cleanup();
	free(test_self);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
