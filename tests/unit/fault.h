/*
 * Fault injection for the atomic-write tests. The unit-test binary is linked with
 * -Wl,--wrap=fsync,--wrap=rename,--wrap=renameat2 (Makefile), so the library's fsync(),
 * rename() and renameat2() calls come through fault.c, which passes them on unless a test armed a
 * failure: the n-th call from now fails with EIO, as a full or failing disk would make it.
 */
#ifndef COCO_TEST_FAULT_H
#define COCO_TEST_FAULT_H

enum fault_call { FAULT_FSYNC, FAULT_RENAME /* rename and renameat2 */ };

/* Makes the n-th call of kind from now fail with EIO (n >= 1); n 0 disarms. */
void fault_arm(enum fault_call kind, int n);
/* Calls of kind since the last fault_arm, counting the failed one. */
int fault_calls(enum fault_call kind);
/* 1 if the armed failure happened. */
int fault_fired(enum fault_call kind);

#endif /* COCO_TEST_FAULT_H */
