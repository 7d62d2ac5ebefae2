#!/bin/sh
# The reader differential for the end-to-end tests (docs/SECURITY.md, "Reader differentials").
#   sh tests/cli/readers.sh run LOGDIR REAL INNER [ARGS...]
#       runs INNER ARGS (coco-bundle, or the valgrind wrapper around it) and exits with its
#       status; when ARGS are a `verify` that PASSED (exit 0), it then reads the bundle with
#       the other zip readers (tests/differential.py, coco-bundle's reading being REAL's
#       `inspect`) and records in LOGDIR whether they agree, once per distinct bundle; a
#       bundle over 16 MiB is only counted (two of t_crash.sh, 33 MB of the sample's kind
#       that inflate to far more, would take the readers 30 s to extract three times)
#   sh tests/cli/readers.sh report LOGDIR
#       prints every disagreement with the command that verified the bundle to stderr, then
#       one summary line; exits 1 if any reader disagreed or the differential could not run
# tests/cli/run.sh points $COCO at a wrapper that calls `run` for each invocation. Another
# command, or a run stopped on purpose (COCO_TEST_PAUSE, tests/cli/t_crash.sh), is the
# program itself (exec), so its process id and signals are the test's to use.
set -u
here=$(cd "$(dirname "$0")" && pwd)

# bundle_arg ARGS...: verify's BUNDLE, the first operand (options taking a value skipped).
bundle_arg() {
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--trust | --at | --format | -o | --output) shift ;;
		--) [ $# -ge 2 ] && printf '%s\n' "$2"; return 0 ;;
		-*) ;;
		*) printf '%s\n' "$1"; return 0 ;;
		esac
		shift
	done
}

case ${1:-} in
run)
	[ $# -ge 4 ] || {
		echo "usage: $0 run LOGDIR REAL INNER [ARGS...]" >&2
		exit 2
	}
	dir=$2 real=$3 inner=$4
	shift 4
	if [ "${1:-}" != verify ] || [ -n "${COCO_TEST_PAUSE:-}" ]; then
		exec "$inner" "$@"
	fi
	"$inner" "$@"
	rc=$?
	b=$(bundle_arg "$@")
	if [ "$rc" -eq 0 ] && [ -n "$b" ] && [ -f "$b" ]; then
		sum=$(sha256sum <"$b" | cut -c1-64)
		if [ "$(stat -c %s "$b")" -gt 16777216 ]; then
			: >"$dir/$sum.big"
		elif [ ! -e "$dir/$sum.ok" ] && [ ! -e "$dir/$sum.bad" ]; then
			# Debian's python3; a python3 earlier in PATH may be a slow shim (pyenv)
			py=/usr/bin/python3
			[ -x "$py" ] || py=python3
			if "$py" "$here/../differential.py" --coco "$real" "$b" >"$dir/$sum.log" 2>&1
			then
				mv "$dir/$sum.log" "$dir/$sum.ok"
			else
				{
					printf 'readers: %s (in %s)\n' "$*" "$(pwd)"
					cat "$dir/$sum.log"
				} >"$dir/$sum.bad"
				rm -f "$dir/$sum.log"
			fi
		fi
	fi
	exit "$rc"
	;;
report)
	[ $# -ge 2 ] || {
		echo "usage: $0 report LOGDIR" >&2
		exit 2
	}
	ok=0 bad=0 big=0
	for f in "$2"/*.ok "$2"/*.bad "$2"/*.big; do
		case $f in
		*'*'*) ;;
		*.ok) ok=$((ok + 1)) ;;
		*.big) big=$((big + 1)) ;;
		*)
			bad=$((bad + 1))
			cat "$f" >&2
			;;
		esac
	done
	echo "readers: $((ok + bad)) bundles that verified PASSED read by unzip, python zipfile, 7z, bsdtar and ziptool: $bad with a disagreement ($big over 16 MiB not read)"
	[ "$bad" -eq 0 ]
	;;
*)
	echo "usage: $0 run LOGDIR REAL INNER [ARGS...] | report LOGDIR" >&2
	exit 2
	;;
esac
