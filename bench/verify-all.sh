#!/bin/sh
# bench/verify-all.sh COCO JOBS DIR TRUST AT: verifies every DIR/*.coco, one coco-bundle
# process per bundle, JOBS at a time. The stand-in for `coco-bundle reverify -j JOBS`
# until that exists; exits non-zero if any bundle does not verify.
set -eu
find "$3" -name '*.coco' -print0 |
	xargs -0 -P "$2" -I{} "$1" verify {} --trust "$4" --at "$5" >/dev/null
