#!/bin/sh
# make screenshot: regenerates docs/signoff-sheet.png, the sign-off sheet of the sample
# applicant as the SIRO sees it. Bundles fixtures/example with the TEST ONLY director key,
# verifies it at a fixed time close to the evidence's expiry against a copy of the test
# trust directory without register snapshots (so one check is left to the SIRO), and
# renders the HTML with Debian's headless chromium in a throw-away profile. Runs from the
# repository root: sh scripts/screenshot.sh [OUT.png]
set -eu
COCO=${COCO:-build/coco-bundle}
case $COCO in /*) ;; *) COCO=$(pwd)/$COCO ;; esac
OUT=${1:-docs/signoff-sheet.png}
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
ROOT=$(pwd)
command -v chromium >/dev/null 2>&1 || {
	echo "screenshot: chromium is not installed (apt-get install chromium)" >&2
	exit 2
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cp "$ROOT/fixtures/pki/director.key" "$work/director.key"
chmod 600 "$work/director.key"
cp -R "$ROOT/fixtures/trust" "$work/trust"
rm -rf "$work/trust/registers"
cd "$work"
"$COCO" create "$ROOT/fixtures/example" -o example-guarding.coco --trust trust \
	--key director.key --cert "$ROOT/fixtures/pki/director.pem" \
	--chain "$ROOT/fixtures/pki/chain.pem" --at 2027-01-01T09:00:00Z >/dev/null
rc=0
"$COCO" verify example-guarding.coco --trust trust --at 2027-08-20T10:30:00Z --format html \
	-o signoff-sheet.html || rc=$?
[ "$rc" -eq 0 ] || echo "screenshot: verify exited $rc (the sheet is rendered all the same)" >&2
mkdir home
HOME=$work/home timeout 60 chromium --headless=new --no-sandbox --disable-gpu \
	--user-data-dir="$work/profile" --no-first-run --no-default-browser-check \
	--disable-extensions --disable-sync --disable-background-networking \
	--disable-component-update --hide-scrollbars --window-size=1240,1754 \
	--screenshot="$work/sheet.png" "file://$work/signoff-sheet.html" >chromium.log 2>&1 || {
	tail -n 5 chromium.log >&2
	exit 2
}
cp sheet.png "$OUT"
echo "wrote $OUT"
