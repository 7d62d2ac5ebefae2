#!/bin/sh
# End-to-end tests of the coco-bundle program. Usage, from the repository root:
#   COCO=/abs/path/to/coco-bundle sh tests/cli/run.sh [PATTERN]
# Runs every case in tests/cli/t_*.sh (or those whose name contains PATTERN), each in its
# own temporary folder, and ends with the line "N passed, M failed". No case reads the
# clock to judge (verify and extract always get --at) or uses the network.
# With VALGRIND=1 every coco-bundle invocation runs under valgrind's memcheck (through a
# wrapper that $COCO then names), each with its own log; the run fails if any log reports
# an error or a leak, whatever exit status the case expected.
# Every bundle that a case verifies PASSED is also read by other zip readers (unzip, Python's
# zipfile, 7z, bsdtar, ziptool: tests/cli/readers.sh), which must see exactly the entries and
# bytes coco-bundle read; the run fails if one does not.
set -u
: "${COCO:?set COCO to the absolute path of the coco-bundle binary}"
ROOT=$(pwd)
FX=$ROOT/fixtures
CLI=$ROOT/tests/cli
ONLY=${1:-}
COCO_REAL=$COCO
export COCO ROOT FX CLI COCO_REAL
unset COCO_TRUST NO_COLOR
passed=0
failed=0

# shellcheck source=tests/cli/lib.sh
. "$CLI/lib.sh"

vg_dir=
if [ "${VALGRIND:-}" = 1 ]; then
	command -v valgrind >/dev/null || {
		echo "VALGRIND=1 but valgrind is not installed" >&2
		exit 2
	}
	vg_dir=$(mktemp -d)
	vg_setup "$vg_dir"
fi
readers_dir=$(mktemp -d)
readers_setup "$readers_dir"

for file in "$CLI"/t_*.sh; do
	# shellcheck disable=SC1090
	. "$file"
done

if [ -n "$vg_dir" ]; then
	sh "$ROOT/tests/valgrind.sh" report "$vg_dir" "coco-bundle" || failed=$((failed + 1))
	rm -rf "$vg_dir"
fi
sh "$CLI/readers.sh" report "$readers_dir" || failed=$((failed + 1))
rm -rf "$readers_dir"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
