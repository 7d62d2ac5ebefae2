/*
 * The Check suites of the unit tests, one per module (tests/unit/check_<module>.c),
 * run together by check_main.c.
 */
#ifndef COCO_TEST_SUITES_H
#define COCO_TEST_SUITES_H

#include <check.h>

Suite *util_suite(void);
Suite *report_suite(void);
Suite *archive_suite(void);
Suite *manifest_suite(void);
Suite *cms_suite(void);
Suite *verify_suite(void);
Suite *assessment_suite(void);
Suite *signoff_suite(void);
Suite *html_suite(void);
Suite *pdf_suite(void);
Suite *pades_suite(void);
Suite *docts_suite(void);
Suite *limits_suite(void);
Suite *hostile_suite(void);
Suite *race_suite(void);
Suite *register_suite(void);

/* check_coco --measure RESULT PROGRAM ARGS...: the hostile suite's launcher (see
 * check_hostile.c). */
int hostile_measure(int argc, char **argv);

/* The runner's own binary, as an absolute path (for the launcher), or NULL. */
extern char *test_self;
/* Set by $COCO_TEST_SLOW (make check VALGRIND=1): in-process durations are not bounded. */
extern int test_slow;

#endif /* COCO_TEST_SUITES_H */
