#!/bin/sh
# make demo: the applicant's and SIA's main job on the sample data. Starts a submission
# with init and shows lint failing it, lints the finished sample applicant, bundles it with
# the TEST ONLY director key, verifies it, then shows a tampered copy failing. Times are
# fixed (--at), so the demo tells the same story on any day. Then the SIRO approves it with
# countersign and verify shows the sign-off. Runs from the repository root.
set -eu
COCO=${COCO:-build/coco-bundle}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
SIGN_AT=2027-01-01T09:00:00Z
VERIFY_AT=2027-06-01T00:00:00Z
# git does not keep 0600; a private key must not be readable by others (create warns).
cp fixtures/pki/director.key "$work/director.key"
cp fixtures/pki/siro.key "$work/siro.key"
chmod 600 "$work/director.key" "$work/siro.key"
SIGNOFF_AT=2027-01-05T10:00:00Z

if [ -t 1 ]; then bold=$(printf '\033[1m') off=$(printf '\033[0m'); else bold='' off=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }

step "init: start a submission folder"
"$COCO" init "$work/new-submission" --org "Example Guarding Ltd"
sed -n '/CoCo-1:/,/<\/element>/p' "$work/new-submission/assessment.xml"

step "lint: the untouched skeleton fails (first lines of the report)"
set +e
"$COCO" lint "$work/new-submission" --trust fixtures/trust --at "$SIGN_AT" >"$work/lint.txt"
rc=$?
set -e
sed -n '1,12p' "$work/lint.txt"
echo "   ... $(grep -c '^fail' "$work/lint.txt") failed checks; $(tail -n 1 "$work/lint.txt")"
if [ "$rc" -ne 1 ]; then
	echo "demo: expected lint to fail the skeleton (exit 1), got $rc" >&2
	exit 1
fi

step "lint: the finished sample applicant (fixtures/example) passes"
"$COCO" lint fixtures/example --trust fixtures/trust --at "$SIGN_AT"

step "create: package fixtures/example, signed by the TEST ONLY director key"
"$COCO" create fixtures/example -o "$work/example-guarding.coco" --trust fixtures/trust \
	--key "$work/director.key" --cert fixtures/pki/director.pem --chain fixtures/pki/chain.pem \
	--at "$SIGN_AT"

step "inspect: what is inside"
"$COCO" inspect "$work/example-guarding.coco"

step "verify: against the test trust directory (fixtures/trust), at $VERIFY_AT"
"$COCO" verify "$work/example-guarding.coco" --trust fixtures/trust --at "$VERIFY_AT"

step "tamper: change one byte of the Cyber Essentials certificate inside the bundle"
cp "$work/example-guarding.coco" "$work/tampered.coco"
offset=$(grep -obUa 'TEST ONLY' "$work/tampered.coco" | head -n 1 | cut -d: -f1)
printf 'X' | dd of="$work/tampered.coco" bs=1 seek="$offset" conv=notrunc 2>/dev/null
set +e
"$COCO" verify "$work/tampered.coco" --trust fixtures/trust --at "$VERIFY_AT"
rc=$?
set -e
if [ "$rc" -ne 1 ]; then
	echo "demo: expected the tampered bundle to fail (exit 1), got $rc" >&2
	exit 1
fi
step "countersign: the SIRO approves the bundle (TEST ONLY SIRO key), at $SIGNOFF_AT"
"$COCO" countersign "$work/example-guarding.coco" -o "$work/example-guarding.coco" \
	--decision approved --confirm-statements --comment "CE+ certificate confirmed on the register" \
	--key "$work/siro.key" --cert fixtures/pki/siro.pem --trust fixtures/trust --at "$SIGNOFF_AT"

step "verify: the signed-off bundle shows the decision (summary and verdict)"
"$COCO" verify "$work/example-guarding.coco" --trust fixtures/trust --at "$VERIFY_AT" \
	>"$work/signed-off.txt"
sed -n '/^organisation/,/^signed off/p' "$work/signed-off.txt"
tail -n 1 "$work/signed-off.txt"
"$COCO" verify "$work/example-guarding.coco" --trust fixtures/trust --at "$VERIFY_AT" \
	--format html -o "$work/sheet.html"
echo "   (the printable sign-off sheet: verify --format html; docs/signoff-sheet.png)"

step "reverify: the register of accepted bundles, on three days"
mkdir "$work/register"
cp "$work/example-guarding.coco" "$work/register/"
for day in 2027-06-01 2027-08-01 2027-10-01; do
	set +e
	"$COCO" reverify "$work/register" --trust fixtures/trust --at "$day" >"$work/rv.txt"
	rc=$?
	set -e
	sed -n 2p "$work/rv.txt" | sed "s|$work/||"
	case $rc in
	0) meaning="all OK" ;;
	4) meaning="something expires soon" ;;
	1) meaning="something FAILED, was REJECTED or has EXPIRED" ;;
	*) meaning="see 'coco-bundle reverify --help'" ;;
	esac
	echo "   ... on $day: exit status $rc, meaning $meaning"
done

step "done: the skeleton failed lint, the signed bundle PASSED, the tampered copy FAILED, the SIRO's approval is in the bundle, and reverify saw it go from OK to EXPIRING to EXPIRED"
