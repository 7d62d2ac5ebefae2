# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# PDF document timestamps (issue 15): the sample's certificate replaced by a PDF whose only
# signature is a /Type /DocTimeStamp (/SubFilter /ETSI.RFC3161) by a test TSA (made here by
# tests/cli/mkdocts.py with tsa.py's token maker: fixed genTime, no network, no clock). A
# valid one passes pdf.timestamp with its proven time and fails nothing, but it is not the
# certification body's signature: evidence.authentic stays a manual check. Broken ones give
# their exact ids; pdfsig, where installed, agrees on coverage and the TSA it names.

# docts_folder [--tamper]: ./sub, the sample with its certificate timestamped (genTime
# 2026-10-01T10:00:00Z); the PDF is also ./ts.pdf.
docts_folder() {
	python3 "$CLI/mkdocts.py" --cert tsa.pem --key tsa.key --time 20261001100000Z \
		--out ts.pdf "$@" 2>mk.err || fail "mkdocts.py: $(cat mk.err)"
	rm -rf sub && cp -R "$FX/example" sub && cp ts.pdf sub/evidence/cyber-essentials-plus.pdf
}

CEP=evidence/cyber-essentials-plus.pdf

# A valid document timestamp: lint and verify pass it with the proven time; no
# pdf.subfilter, pdf.contents or pdf.digest (what it gave before); evidence.authentic is the
# register check an unsigned certificate gets, not a pass.
docts_valid() {
	tsa_pki
	docts_folder
	run "$COCO" lint sub --trust trust-tsa --at 2027-01-01 --format json
	[ "$rc" -eq 0 ] || fail "lint: exit $rc, want 0"
	finding_on pdf.timestamp pass "$CEP"
	grep -q 'existed at 2026-10-01T10:00:00Z (RFC 3161, proven)' out || fail "no proven time"
	for id in subfilter contents digest signature signer coverage; do
		! grep -q "\"id\": \"pdf.$id\"" out || fail "pdf.$id: $(grep "pdf.$id" out)"
	done
	finding evidence.authentic warn
	! grep -q '"id": "evidence.authentic", "status": "pass"' out || fail "a TSA made it authentic"
	"$COCO" create sub -o b.coco --key "$FX/pki/director.key" --cert "$FX/pki/director.pem" \
		--chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z --trust trust-tsa \
		>/dev/null 2>create.err || fail "create: $(cat create.err)"
	run "$COCO" verify b.coco --trust trust-tsa --at 2027-06-01 --format json
	[ "$rc" -eq 0 ] || fail "verify: exit $rc, want 0"
	finding_on pdf.timestamp pass "$CEP"
	finding evidence.authentic warn
}
run_case docts_valid docts_valid

# Each broken or unproven timestamp gives its own id: the signed bytes changed after
# timestamping (fail); no tsa/ at all (a warning: it proves nothing, the PDF is no worse
# than an unsigned one).
docts_negative() {
	tsa_pki
	docts_folder --tamper
	run "$COCO" lint sub --trust trust-tsa --at 2027-01-01 --format json
	[ "$rc" -eq 1 ] || fail "tampered: exit $rc, want 1"
	finding_on pdf.timestamp_imprint fail "$CEP"
	grep -q 'not the hash of the signed byte range' out || fail "imprint message"
	finding evidence.authentic fail
	! grep -q '"id": "pdf.timestamp", ' out || fail "a tampered PDF proved a time"
	docts_folder
	run "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	[ "$rc" -eq 0 ] || fail "no tsa/: exit $rc, want 0"
	finding_on pdf.timestamp_untrusted warn "$CEP"
	finding evidence.authentic warn
	! grep -q '"id": "pdf.timestamp", ' out || fail "an untrusted TSA proved a time"
}
run_case docts_negative docts_negative

# A TSA certificate without an authority key identifier: the tolerance for signers'
# certificates (docs/TRUST.md) does not cover a TSA's chain, which keeps every strict rule.
docts_tsa_no_akid() {
	TSA_AKI=none tsa_pki
	! openssl x509 -in tsa.pem -noout -text | grep -q "Authority Key Identifier" ||
		fail "the TSA certificate has an AKI"
	docts_folder
	run "$COCO" lint sub --trust trust-tsa --at 2027-01-01 --format json
	finding_on pdf.timestamp_chain fail "$CEP"
	grep -q 'Missing Authority Key Identifier' out || fail "chain message"
	! grep -q '"id": "pdf.timestamp", ' out || fail "an AKI-less TSA proved a time"
}
run_case docts_tsa_no_akid docts_tsa_no_akid

# pdfsig (poppler 22.12 lists a document timestamp but cannot validate one: "Signature Type:
# unknown") agrees on what it can see: the whole document is covered and the TSA's name.
docts_pdfsig() {
	if ! command -v pdfsig >/dev/null 2>&1; then
		echo "pdfsig not installed: cross-check skipped"
		return 0
	fi
	tsa_pki
	docts_folder
	pdfsig ts.pdf >ps.out 2>&1
	grep -q '^ *- Total document signed$' ps.out || fail "pdfsig: $(cat ps.out)"
	cn=$(sed -n 's/^ *- Signer Certificate Common Name: //p' ps.out)
	[ "$cn" = "CoCo Test TSA tsa - TEST ONLY" ] || fail "pdfsig names '$cn'"
	run "$COCO" lint sub --trust trust-tsa --at 2027-01-01 --format json
	grep -q "by TSA 'CN=$cn, O=CoCo Test'" out || fail "we name another TSA than pdfsig"
	# a poppler that validates document timestamps must agree with us
	if grep -q 'Signature Validation: Signature is Valid' ps.out; then
		finding pdf.timestamp pass
	fi
}
run_case docts_pdfsig docts_pdfsig
