# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# verify --format html: the SIRO's sign-off sheet, and lint's pre-signing sheet. Where
# Debian's chromium is installed, the sheet is also rendered headless to PDF and PNG.

# sheet_ok FILE: well-formed XML; libxml2's HTML parser finds nothing wrong beyond the
# HTML5 and SVG element names it does not know; no script and no resource URL.
sheet_ok() {
	xmllint --noout "$1" || fail "$1 is not well-formed"
	xmllint --html --noout "$1" 2>html.err || fail "xmllint --html failed on $1"
	grep 'error' html.err | grep -vE 'Tag (header|section|footer|svg|line|rect|text) invalid' \
		>html.bad || true
	[ ! -s html.bad ] || {
		cat html.bad
		fail "HTML parser errors in $1"
	}
	! grep -qi '<script' "$1" || fail "a script in $1"
	! grep -qiE '<(img|link|iframe|object|embed)[ >/]' "$1" || fail "an external element in $1"
	[ "$(grep -o 'https\{0,1\}://[^"]*' "$1" | sort -u)" = "http://www.w3.org/2000/svg" ] ||
		fail "a URL other than the SVG namespace in $1"
	grep -q "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"" "$1" ||
		fail "no Content-Security-Policy in $1"
}

html_verify_sheet() {
	create_bundle b.coco
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format html -o sheet.html
	[ ! -s out ] || fail "the sheet also went to stdout"
	no_tmp_files
	sheet_ok sheet.html
	for k in '<h1>Example Guarding Ltd</h1>' '<strong>PASSED</strong>' 'v-passed' \
		'SIRO sign-off sheet' '>Manual checks for the SIRO<' '<h2>The CoCo statements<span class="n">11 of 11' \
		'<td class="mono">CEP-TEST-000123</td>' '>verified 2027-06-01</text>' \
		'<td class="role">Applicant</td>' '<h2>SIRO sign-off</h2>' 'not yet: no valid sign-off'; do
		grep -q -e "$k" sheet.html || fail "the sheet lacks '$k'"
	done
	[ "$(grep -c '<rect class="bar ok"' sheet.html)" -eq 1 ] || fail "want one timeline bar"
	! grep -q 'Why the verdict' sheet.html || fail "reasons on a PASSED sheet"
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format html
	cmp -s out sheet.html || fail "stdout differs from -o"
}
run_case html_verify_sheet html_verify_sheet

html_failed_sheet() {
	create_bundle b.coco
	expect 1 "$COCO" verify b.coco --trust "$FX/trust" --at 2028-01-01 --format html -o sheet.html
	sheet_ok sheet.html
	for k in '<strong>FAILED</strong>' 'v-failed' 'evidence.expired' '<rect class="bar expired"' \
		'<h2>Why the verdict is FAILED</h2>' \
		'Manual checks for the SIRO<span class="n">13</span>' 'expired 108 days ago' \
		'read CoCo-2 against: All hosts and network equipment are located in secure accommodation, which is commensurate with protecting information assets appropriately.'; do
		grep -q -e "$k" sheet.html || fail "the sheet lacks '$k'"
	done
}
run_case html_failed_sheet html_failed_sheet

html_lint_sheet() {
	expect 0 "$COCO" lint "$FX/example" --trust "$FX/trust" --at 2027-06-01 --format html \
		-o sheet.html
	sheet_ok sheet.html
	grep -q 'pre-signing check' sheet.html || fail "not a pre-signing sheet"
	grep -q '<h1>Example Guarding Ltd</h1>' sheet.html || fail "no organisation"
	! grep -q '<h2>SIRO sign-off</h2>' sheet.html || fail "a sign-off block before signing"
}
run_case html_lint_sheet html_lint_sheet

# chromium renders the sheet to PDF and PNG, in a throw-away profile, offline.
chromium_render() { # ARGS...
	HOME=$PWD/home timeout 60 chromium --headless=new --no-sandbox --disable-gpu \
		--user-data-dir="$PWD/profile" --no-first-run --no-default-browser-check \
		--disable-extensions --disable-sync --disable-background-networking \
		--disable-component-update --hide-scrollbars "$@" >chromium.log 2>&1
}

html_chromium() {
	create_bundle b.coco
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format html -o sheet.html
	mkdir home
	chromium_render --no-pdf-header-footer --print-to-pdf="$PWD/sheet.pdf" "file://$PWD/sheet.html" ||
		fail "chromium could not print: $(tail -n 3 chromium.log)"
	[ -s sheet.pdf ] && [ "$(head -c 5 sheet.pdf)" = "%PDF-" ] || fail "sheet.pdf is not a PDF"
	chromium_render --window-size=1240,1754 --screenshot="$PWD/sheet.png" "file://$PWD/sheet.html" ||
		fail "chromium could not take a screenshot: $(tail -n 3 chromium.log)"
	[ -s sheet.png ] || fail "sheet.png is empty"
	[ "$(od -An -tx1 -N8 sheet.png | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "not a PNG"
	[ "$(od -An -tx1 -j16 -N8 sheet.png | tr -d ' \n')" = 000004d8000006da ] ||
		fail "sheet.png is not 1240x1754"
}
if command -v chromium >/dev/null 2>&1; then
	run_case html_chromium html_chromium
else
	echo "skip html_chromium: chromium is not installed"
fi

# Issue 18 item 16: the sheet shows what the SIRO judges by: company number and address,
# CoCo-10's countries, CoCo-11's contact, the policies with their dates.
html_applicant_details() {
	create_bundle b.coco
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format html -o sheet.html
	sheet_ok sheet.html
	for k in '<h2>Applicant</h2>' \
		'<tr><th>Company number</th><td>01234567</td></tr>' \
		'<tr><th>Address</th><td>Unit 4, Fictional Business Park, Leeds LS1 1AA</td></tr>' \
		'<tr><th>CoCo-10 countries</th><td>GB IE</td></tr>' \
		'<tr><th>CoCo-11 incident contact</th><td>security@example.co.uk</td></tr>' \
		'<h3>Security policies<span class="n">2</span></h3>' \
		'<tr><td>Information Security Policy</td><td>information-security</td><td>3.1</td><td>2026-06-01</td><td>2027-10-01</td></tr>'; do
		grep -qF "$k" sheet.html || fail "sheet lacks: $k"
	done
}
run_case html_applicant_details html_applicant_details

# Issue 16: for a version 2 assessment, SIA's statement of commitment the director confirmed,
# each element's complies under its id and, under each statement with judged fields, one line
# with them as written; the report XML carries them as attributes of the statement. A
# version 1 assessment has none of these.
html_attested() {
	create_bundle b.coco
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format html -o sheet.html
	sheet_ok sheet.html
	for k in '<p class="decl">Statement of commitment, confirmed by Jane Director (Director): <q>I confirm that the code of connection is accurately completed and has been authorised by the following:</q></p>' \
		'CoCo-1<div class="cpl">complies <b>yes</b></div>' \
		'<div class="att muted">attested: firewall <b>yes</b> · anti-virus updates <b>daily</b></div>' \
		'<div class="att muted">attested: automation or macros <b>no</b></div>' \
		'<div class="att muted">attested: patch window, days <b>14</b></div>' \
		'<div class="att muted">attested: hosted in <b>GB</b> · supported from <b>GB IE</b> · data entered in <b>GB</b></div>' \
		'<div class="att muted">attested: reporting delay, hours <b>24</b> · contact <b>security@example.co.uk</b></div>'; do
		grep -qF "$k" sheet.html || fail "sheet lacks: $k"
	done
	[ "$(grep -o 'class="cpl"' sheet.html | wc -l)" -eq 11 ] || fail "not one complies per element"
	[ "$(grep -o 'attested: ' sheet.html | wc -l)" -eq 5 ] || fail "not one attested line for each of CoCo-7 to CoCo-11"
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format xml -o r.xml
	grep -qF 'complies="yes" firewall="yes" antivirusUpdates="daily">' r.xml ||
		fail "report XML lacks CoCo-7's attestation"
	xmllint --noout --schema "$ROOT/docs/schema/coco-report-1.xsd" r.xml 2>xl.err ||
		fail "report XML invalid: $(cat xl.err)"
	mkdir v1
	cp -R "$FX/example/." v1/
	example_v1 >v1/assessment.xml
	expect 0 "$COCO" create v1 -o v1.coco --key "$FX/pki/director.key" --cert "$FX/pki/director.pem" \
		--chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z --trust "$FX/trust"
	expect 0 "$COCO" verify v1.coco --trust "$FX/trust" --at 2027-06-01 --format html -o v1.html
	! grep -q 'attested: \|class="cpl"\|class="decl"' v1.html ||
		fail "a version 1 sheet shows an attestation or a declaration"
}
run_case html_attested html_attested

# The printed sheet of a bundle with two sign-offs fits on 3 A4 pages, and the sign-off
# block is never alone on its page (the recorded decisions print with it).
html_print_pages() {
	create_bundle a.coco
	run "$COCO" countersign a.coco -o b.coco --key "$FX/pki/siro.key" --cert "$FX/pki/siro.pem" \
		--decision approved --confirm-statements --trust "$FX/trust" --at 2027-01-05
	[ "$rc" = 0 ] || fail "countersign: $(cat err)"
	run "$COCO" countersign b.coco -o c.coco --key "$FX/pki/siro.key" --cert "$FX/pki/siro.pem" \
		--decision rejected --trust "$FX/trust" --at 2027-01-06 \
		--comment "The CE+ certificate is not on the register"
	[ "$rc" = 0 ] || fail "countersign: $(cat err)"
	expect 0 "$COCO" verify c.coco --trust "$FX/trust" --at 2027-06-01 --format html -o sheet.html
	mkdir home
	chromium_render --no-pdf-header-footer --print-to-pdf="$PWD/sheet.pdf" "file://$PWD/sheet.html" ||
		fail "chromium could not print: $(tail -n 3 chromium.log)"
	pages=$(pdfinfo sheet.pdf | sed -n 's/^Pages: *//p')
	[ -n "$pages" ] && [ "$pages" -le 3 ] || fail "the sheet prints on $pages pages, want at most 3"
	pdftotext -f "$pages" -l "$pages" sheet.pdf last.txt
	grep -q "SIRO sign-off" last.txt || fail "the sign-off block is not on the last page"
	grep -q "Sign-off decisions recorded" last.txt || fail "the sign-off block is alone on its page"
	# passed checks are counted, not printed
	pdftotext sheet.pdf all.txt
	grep -q "Passed checks are counted above and listed on screen, not printed" all.txt ||
		fail "no note for the passes left out"
	! grep -q "container.structure" all.txt || fail "a passed check was printed"
}
if command -v chromium >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; then
	run_case html_print_pages html_print_pages
else
	echo "skip html_print_pages: chromium or pdfinfo is not installed"
fi
