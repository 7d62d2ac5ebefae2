#!/bin/sh
# make demo: bundle the sample applicant with the TEST ONLY director key, verify it,
# then show a tampered copy failing. Runs from the repository root.
set -eu
COCO=${COCO:-build/coco-bundle}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# git does not keep 0600; a private key must not be readable by others (create warns).
cp fixtures/pki/director.key "$work/director.key"
chmod 600 "$work/director.key"

if [ -t 1 ]; then bold=$(printf '\033[1m') off=$(printf '\033[0m'); else bold='' off=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }

step "create: package fixtures/example, signed by the TEST ONLY director key"
"$COCO" create fixtures/example -o "$work/example-guarding.coco" \
	--key "$work/director.key" --cert fixtures/pki/director.pem --chain fixtures/pki/chain.pem

step "inspect: what is inside"
"$COCO" inspect "$work/example-guarding.coco"

step "verify: against the test trust directory (fixtures/trust)"
"$COCO" verify "$work/example-guarding.coco" --trust fixtures/trust

step "tamper: change one byte of the Cyber Essentials certificate inside the bundle"
cp "$work/example-guarding.coco" "$work/tampered.coco"
offset=$(grep -obUa 'TEST ONLY' "$work/tampered.coco" | head -n 1 | cut -d: -f1)
printf 'X' | dd of="$work/tampered.coco" bs=1 seek="$offset" conv=notrunc 2>/dev/null
set +e
"$COCO" verify "$work/tampered.coco" --trust fixtures/trust
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "demo: expected the tampered bundle to fail (exit 1), got $rc" >&2
	exit 1
fi
step "done: the signed bundle PASSED and the tampered copy FAILED (exit 1)"
