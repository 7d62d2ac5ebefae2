/*
 * The --wrap targets for fsync and rename (fault.h). Each test runs in its own forked
 * process (Check's default), so the counters need no reset between tests.
 */
#define _GNU_SOURCE /* renameat2 */
#include <errno.h>
#include <stdio.h>

#include "fault.h"

int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __wrap_rename(const char *from, const char *to);
int __real_renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags);
int __wrap_renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags);

static int armed[2], calls[2], fired[2];

void fault_arm(enum fault_call kind, int n)
{
	armed[kind] = n;
	calls[kind] = 0;
	fired[kind] = 0;
}

int fault_calls(enum fault_call kind)
{
	return calls[kind];
}

int fault_fired(enum fault_call kind)
{
	return fired[kind];
}

/* Counts a call of kind; 1 if this one is to fail. */
static int hit(enum fault_call kind)
{
	if (++calls[kind] != armed[kind] || armed[kind] == 0)
		return 0;
	fired[kind] = 1;
	errno = EIO;
	return 1;
}

int __wrap_fsync(int fd)
{
	return hit(FAULT_FSYNC) ? -1 : __real_fsync(fd);
}

int __wrap_rename(const char *from, const char *to)
{
	return hit(FAULT_RENAME) ? -1 : __real_rename(from, to);
}

int __wrap_renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags)
{
	return hit(FAULT_RENAME) ? -1 : __real_renameat2(fromfd, from, tofd, to, flags);
}
