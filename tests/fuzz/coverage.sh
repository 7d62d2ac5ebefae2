#!/bin/sh
# Line and branch coverage of the library reached by the fuzz corpora: every harness runs
# its scratch corpus (build-fuzz/corpus/<h>/, what `make fuzz` found) and the committed
# inputs once in a clang source-coverage build (build-fuzz-cov/), then llvm-cov reports per
# file of src/lib. Run by `make fuzz-coverage`; the report goes to build-fuzz-cov/report.txt.
set -eu
cd "$(dirname "$0")/../.."
B=build-fuzz-cov
ALL="archive manifest cms assessment pdf verify"
rm -f "$B"/prof/*.profraw
mkdir -p "$B/prof"
for h in ${*:-$ALL}; do
	dirs=""
	for d in "build-fuzz/corpus/$h" "tests/fuzz/corpus/$h" "tests/fuzz/regress/$h"; do
		[ ! -d "$d" ] || dirs="$dirs $d"
	done
	# shellcheck disable=SC2086
	LLVM_PROFILE_FILE="$B/prof/$h.profraw" ASAN_OPTIONS=detect_leaks=0 \
		"$B/fuzz/fuzz_$h" -runs=0 -timeout=30 -rss_limit_mb=4096 $dirs >"$B/prof/$h.log" 2>&1 ||
		{ echo "coverage: fuzz_$h failed, see $B/prof/$h.log" >&2; exit 1; }
done
llvm-profdata-14 merge -o "$B/prof/all.profdata" "$B"/prof/*.profraw
objs=""
for h in ${*:-$ALL}; do objs="$objs${objs:+ -object} $B/fuzz/fuzz_$h"; done
# shellcheck disable=SC2086
llvm-cov-14 report -instr-profile="$B/prof/all.profdata" $objs src/lib/*.c src/lib/*/*.c | tee "$B/report.txt"
