#!/bin/sh
# valgrind's memcheck for `make check VALGRIND=1`.
#   sh tests/valgrind.sh run LOGDIR CMD [ARGS...]
#       runs CMD under memcheck with a log per process in LOGDIR (a forked child, such as
#       one of Check's per-test processes, gets its own), the command line beside them
#   sh tests/valgrind.sh report LOGDIR [WHAT]
#       prints every non-empty log with its command line to stderr, then one summary line;
#       exits 1 if any log is non-empty
# tests/cli/run.sh points $COCO at a wrapper that calls `run` for each coco-bundle
# invocation; the Makefile runs the unit suite through `run`. Errors are invalid reads and
# writes, uses of uninitialised values, bad frees and leaks that are definite, indirect or
# possible. Memory still reachable at exit (OpenSSL's and libxml2's global tables) is not a
# leak. tests/valgrind.supp holds the suppressions, each with its reason. The error exit
# status, 97, is one no test expects, but the logs decide: a case that expects a failure
# exit would not notice the status.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

case ${1:-} in
run)
	[ $# -ge 3 ] || {
		echo "usage: $0 run LOGDIR CMD [ARGS...]" >&2
		exit 2
	}
	dir=$2
	shift 2
	log=$(mktemp "$dir/vg-XXXXXXXX")
	printf '%s\n' "$*" >"$log.cmd"
	exec valgrind --tool=memcheck --quiet --error-exitcode=97 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --track-fds=no \
		--num-callers=30 --suppressions="$here/valgrind.supp" --log-file="$log.%p" "$@"
	;;
report)
	[ $# -ge 2 ] || {
		echo "usage: $0 report LOGDIR [WHAT]" >&2
		exit 2
	}
	n=0 bad=0
	for cmd in "$2"/vg-*.cmd; do
		[ -e "$cmd" ] || continue
		n=$((n + 1))
		for log in "${cmd%.cmd}".*; do
			if [ "$log" = "$cmd" ] || [ ! -s "$log" ]; then continue; fi
			bad=$((bad + 1))
			{
				echo "valgrind: $(cat "$cmd")"
				cat "$log"
			} >&2
		done
	done
	echo "valgrind: ${3:-commands}: $n run, $bad logs with errors or leaks"
	[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
	;;
*)
	echo "usage: $0 run LOGDIR CMD [ARGS...] | report LOGDIR [WHAT]" >&2
	exit 2
	;;
esac
