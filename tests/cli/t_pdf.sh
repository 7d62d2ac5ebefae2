# shellcheck shell=sh
# PDF evidence end to end: lint and verify name a hostile PDF's finding; the sample's signed
# certificate passes evidence.authentic; and, where qpdf and pdfsig are installed, their
# verdicts on every fixture in fixtures/pdf/ agree with ours (their lines are parsed, not
# their exit codes: pdfsig exits 0 on manipulated files).

# hostile_folder FIXTURE: ./sub is the sample with its certificate replaced by FIXTURE.
hostile_folder() {
	cp -R "$FX/example" sub
	cp "$FX/pdf/$1" sub/evidence/cyber-essentials-plus.pdf
}

pdf_lint_hostile() {
	hostile_folder js-openaction.pdf
	run "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding_on pdf.javascript fail evidence/cyber-essentials-plus.pdf
	# create refuses it too (it runs lint)
	expect 1 "$COCO" create sub -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --at 2027-01-01 \
		--trust "$FX/trust"
	[ ! -e b.coco ] || fail "create signed a hostile PDF"
}
run_case pdf_lint_hostile pdf_lint_hostile

pdf_verify_hostile() {
	hostile_folder launch.pdf
	"$COCO" create sub -o b.coco --no-lint --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z \
		--trust "$FX/trust" >/dev/null 2>&1 || fail "create --no-lint failed"
	verify_json b.coco
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding_on pdf.launch fail evidence/cyber-essentials-plus.pdf
}
run_case pdf_verify_hostile pdf_verify_hostile

pdf_verify_signed_certificate() {
	create_bundle b.coco
	verify_json b.coco
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0"
	finding_on pdf.signature pass evidence/cyber-essentials-plus.pdf
	finding_on evidence.authentic pass CEP-TEST-000123
}
run_case pdf_verify_signed_certificate pdf_verify_signed_certificate

# A certificate signed under a root bodies/ lacks (issue 15): no worse than an unsigned one.
# Both bundles verify with the same exit status; the signed one's manual checks name the
# root and its SHA-256, so the SIRO can confirm it and SIA can add it to bodies/.
pdf_verify_untrusted_certificate() {
	for f in plain.pdf signed-untrusted.pdf; do
		rm -rf sub && hostile_folder "$f"
		"$COCO" create sub -o "$f.coco" --key "$FX/pki/director.key" \
			--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" \
			--at 2027-01-01T09:00:00Z --trust "$FX/trust" >/dev/null 2>create.err ||
			fail "create with $f failed: $(cat create.err)"
		verify_json "$f.coco"
		[ "$rc" -eq 0 ] || fail "$f: exit $rc, want 0"
		finding_on evidence.authentic warn CEP-TEST-000123
	done
	finding_on pdf.signer warn evidence/cyber-essentials-plus.pdf
	grep -q 'chains to root .CN=CoCo Rogue Root CA - TEST ONLY, O=coco-bundle fixtures, C=GB. (SHA-256 dd9052a08c394029196ed0376ad5263cf75f887f591ea5b3967699ef8511b092)' out ||
		fail "pdf.signer does not name the root and its SHA-256"
	! grep -q '"status": "indeterminate"' out || fail "an indeterminate finding"
}
run_case pdf_verify_untrusted_certificate pdf_verify_untrusted_certificate

# ours FIXTURE: our JSON report on a folder holding only FIXTURE, in ./out.
ours() {
	rm -rf one && mkdir one && cp "$FX/pdf/$1" one/
	run "$COCO" lint one --trust "$FX/trust" --at 2027-01-01 --format json
}

has_fail() { # ID...: ./out has a fail finding with one of the ids
	for id in "$@"; do
		grep -q "{\"id\": \"$id\", \"status\": \"fail\"" out && return 0
	done
	return 1
}

pdf_oracles_agree() {
	if ! command -v qpdf >/dev/null 2>&1 || ! command -v pdfsig >/dev/null 2>&1; then
		echo "qpdf or pdfsig not installed: cross-check skipped"
		return 0
	fi
	n=0
	for f in "$FX"/pdf/*.pdf; do
		name=${f##*/}
		ours "$name"
		if [ "$name" = objstm-overlap.pdf ] || [ "$name" = decodeparms-dp.pdf ]; then
			# stricter than qpdf by design: object-stream entries that share bytes; a
			# /DP that pdf.js reads as /DecodeParms and qpdf ignores
			has_fail pdf.structure || fail "$name: not refused"
		elif qpdf --check "$f" 2>&1 | grep -q '^No syntax or stream encoding errors found'; then
			! has_fail pdf.structure pdf.xref pdf.header ||
				fail "$name: qpdf finds no error, we fail its structure"
		else
			has_fail pdf.structure pdf.xref pdf.encrypted ||
				fail "$name: qpdf finds errors, we do not"
		fi
		sig=$(pdfsig "$f" 2>/dev/null | sed -n 's/^ *- \(.*document signed\)$/\1/p')
		case $sig in
		"Not total document signed")
			has_fail pdf.coverage pdf.byterange pdf.contents ||
				fail "$name: pdfsig says not total document signed, we do not" ;;
		"Total document signed")
			! has_fail pdf.coverage pdf.byterange ||
				fail "$name: pdfsig says total document signed, we say otherwise" ;;
		"") ! grep -q '"id": "pdf.signature"' out ||
			fail "$name: pdfsig finds no signature, we do" ;;
		*) fail "$name: unexpected pdfsig line '$sig'" ;;
		esac
		n=$((n + 1))
	done
	[ "$n" -ge 22 ] || fail "only $n fixtures"
}
run_case pdf_oracles_agree pdf_oracles_agree
