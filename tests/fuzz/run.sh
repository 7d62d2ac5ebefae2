#!/bin/sh
# Runs the libFuzzer harnesses built in build-fuzz/fuzz/ (see tests/fuzz/README).
#   run.sh fuzz SECONDS JOBS [HARNESS...]  fuzz each harness for SECONDS, JOBS at a time; new
#                                           inputs go to build-fuzz/corpus/<harness>/, crashes
#                                           to build-fuzz/artifacts/<harness>/
#   run.sh regress [HARNESS...]             run every committed input once through its harness
# Prints one line per harness (fuzz: exec count, exec/s, cov, ft, corpus size) and fails if
# any harness crashed, leaked, timed out or ran out of memory.
set -eu
cd "$(dirname "$0")/../.."
B=build-fuzz
ALL="pdf archive verify cms manifest assessment"
# A slow input is a bug: hostile inputs must be rejected within 2 s in a release build,
# and the instrumented build is several times slower than that.
TIMEOUT=${FUZZ_TIMEOUT:-10}
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

maxlen() {
	case $1 in
	archive | verify | pdf) echo 65536 ;;
	*) echo 16384 ;;
	esac
}

# Options shared by both modes.
opts() {
	o="-timeout=$TIMEOUT -rss_limit_mb=2048 -malloc_limit_mb=2048"
	[ ! -f "tests/fuzz/$1.dict" ] || o="$o -dict=tests/fuzz/$1.dict"
	echo "$o"
}

# fuzz_one HARNESS SECONDS: fuzzes, and writes the summary line to $B/logs/HARNESS.sum.
fuzz_one() {
	h=$1 secs=$2
	log=$B/logs/$h.log
	mkdir -p "$B/corpus/$h" "$B/artifacts/$h" "$B/logs" "tests/fuzz/regress/$h"
	rm -f "$B/artifacts/$h"/*
	set +e
	# shellcheck disable=SC2046
	"$B/fuzz/fuzz_$h" $(opts "$h") -max_len="$(maxlen "$h")" -max_total_time="$secs" \
		-print_final_stats=1 -artifact_prefix="$B/artifacts/$h/" \
		"$B/corpus/$h" "tests/fuzz/corpus/$h" "tests/fuzz/regress/$h" >"$log" 2>&1
	rc=$?
	set -e
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([^ ]*\).*/\1/p')
	crashes=$(ls "$B/artifacts/$h" | wc -l)
	if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]; then st=ok; else st="FAILED (exit $rc, see $log)"; fi
	printf 'fuzz_%-10s %s s: %s execs (%s/s), cov %s, ft %s, corpus %s: %s\n' "$h" "$secs" \
		"${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$st" >"$B/logs/$h.sum"
	for a in "$B/artifacts/$h"/*; do
		[ -e "$a" ] && echo "    input: $a (reproduce: $B/fuzz/fuzz_$h $a)" >>"$B/logs/$h.sum"
	done
	[ "$st" = ok ]
}

regress_one() {
	h=$1
	set -- $(ls -d "tests/fuzz/corpus/$h"/* "tests/fuzz/regress/$h"/* 2>/dev/null || true)
	[ $# -gt 0 ] || { echo "fuzz_$h: no inputs"; return 0; }
	# shellcheck disable=SC2046
	if "$B/fuzz/fuzz_$h" $(opts "$h") "$@" >"$B/logs/$h.regress.log" 2>&1; then
		echo "fuzz_$h: $# inputs ok"
	else
		echo "fuzz_$h: FAILED on an input, see $B/logs/$h.regress.log:"
		grep -E 'Running: |ERROR|SUMMARY' "$B/logs/$h.regress.log" | tail -n 4 | sed 's/^/    /'
		return 1
	fi
}

mode=${1:-}
case $mode in
_one) fuzz_one "$2" "$3" ;;
fuzz)
	secs=${2:?seconds}
	jobs=${3:-1}
	if [ $# -ge 3 ]; then shift 3; else shift $#; fi
	harnesses=${*:-$ALL}
	mkdir -p "$B/logs"
	status=0
	# shellcheck disable=SC2086
	printf '%s\n' $harnesses | xargs -P "$jobs" -I{} sh "$0" _one {} "$secs" || status=1
	for h in $harnesses; do cat "$B/logs/$h.sum"; done
	exit $status
	;;
regress)
	shift
	mkdir -p "$B/logs"
	status=0
	for h in ${*:-$ALL}; do regress_one "$h" || status=1; done
	exit $status
	;;
*)
	echo "usage: run.sh fuzz SECONDS JOBS [HARNESS...] | run.sh regress [HARNESS...]" >&2
	exit 2
	;;
esac
