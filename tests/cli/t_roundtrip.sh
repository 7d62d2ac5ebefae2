# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# create then verify: every supported signer form, the JSON report's shape, -o.

roundtrip_text() {
	create_bundle b.coco
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01
	[ "$(tail -n 1 out)" = "verdict    PASSED" ] || fail "last line: $(tail -n 1 out)"
	no_out '^fail'
	! grep -q "$(printf '\033')" out || fail "colour written to a pipe"
}
run_case roundtrip_text roundtrip_text

roundtrip_json() {
	create_bundle b.coco
	verify_json b.coco
	[ "$rc" -eq 0 ] || fail "exit $rc"
	for k in '"verdict": "PASSED"' '"checks": \[' '"signer": {"subject": "CN=Jane Director' \
		'"signing_time": "2027-01-01T09:00:00Z"' '"bundle": {"path": "b.coco"' '"sha256": "' \
		'"entries": \[' '"name": "evidence/cyber-essentials-plus.pdf"' '"serial": "1001"' \
		'"verification_time": "2027-06-01T00:00:00Z"'; do
		has_out "$k"
	done
	finding signature.value pass
	finding signer.chain pass
	finding manifest.coverage pass
	if command -v python3 >/dev/null 2>&1; then
		python3 -m json.tool out >/dev/null || fail "JSON does not parse"
	fi
	cp out stdout.json
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format json -o report.json
	[ ! -s out ] || fail "report also written to stdout"
	cmp -s report.json stdout.json || fail "-o differs from stdout"
	no_tmp_files
}
run_case roundtrip_json roundtrip_json

roundtrip_signer_forms() {
	expect 0 "$COCO" create "$FX/example" -o p12.coco --p12 "$FX/pki/director.p12" \
		--pass pass:test-pass --at 2027-01-01
	expect 0 env KEYPASS=test-pass "$COCO" create "$FX/example" -o env.coco \
		--key "$FX/pki/director-enc.key" --cert "$FX/pki/director.pem" \
		--chain "$FX/pki/chain.pem" --pass env:KEYPASS --at 2027-01-01
	printf 'test-pass\n' >pw
	expect 0 "$COCO" create "$FX/example" -o file.coco --key "$FX/pki/director-enc.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --pass file:pw --at 2027-01-01
	expect 0 "$COCO" create "$FX/example" -o fd.coco --key "$FX/pki/director-enc.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --pass fd:3 --at 2027-01-01 3<pw
	create_bundle ec.coco director-ec
	for b in p12 env file fd ec; do
		expect 0 "$COCO" verify "$b.coco" --trust "$FX/trust" --at 2027-06-01
	done
	expect 2 "$COCO" create "$FX/example" -o bad.coco --key "$FX/pki/director-enc.key" \
		--cert "$FX/pki/director.pem" --pass pass:wrong </dev/null
	has_err "cannot load private key"
	[ ! -e bad.coco ] || fail "output written"
}
run_case roundtrip_signer_forms roundtrip_signer_forms

roundtrip_key_mode_warning() {
	cp "$FX/pki/director.key" k.pem
	chmod 644 k.pem
	expect 0 "$COCO" create "$FX/example" -o b.coco --key k.pem --cert "$FX/pki/director.pem" \
		--at 2027-01-01
	has_err "warning: private key 'k.pem' is readable by group or others"
	chmod 600 k.pem
	expect 0 "$COCO" create "$FX/example" -o b.coco --key k.pem --cert "$FX/pki/director.pem" \
		--chain "$FX/pki/chain.pem" --at 2027-01-01 --trust "$FX/trust"
	[ ! -s err ] || fail "unexpected warning: $(cat err)"
}
run_case roundtrip_key_mode_warning roundtrip_key_mode_warning

# The reports of a PASSED bundle against golden files, with paths, times, serials and
# digests normalised (see normalise in lib.sh); the times and serial are asserted exactly
# elsewhere (roundtrip_json).
roundtrip_golden() {
	create_bundle b.coco
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01
	golden verify-pass.txt
	verify_json b.coco
	[ "$rc" -eq 0 ] || fail "exit $rc"
	golden verify-pass.json
	expect 0 "$COCO" inspect b.coco
	golden inspect.txt
}
run_case roundtrip_golden roundtrip_golden

roundtrip_deterministic() {
	create_bundle a.coco
	create_bundle b.coco
	# Byte-identical up to the signature entry's local header (the signature is randomised).
	off=$(grep -obUa 'META-INF/signature001.p7s' a.coco | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || fail "no signature entry"
	cmp -s -n "$off" a.coco b.coco || fail "bundles differ before the signature"
}
run_case roundtrip_deterministic roundtrip_deterministic

# A pass-phrase source that cannot be read is an error about that source, named as the
# style guide asks ("cannot open 'F'"), not a guess at a wrong pass-phrase.
roundtrip_pass_source_errors() {
	expect 2 "$COCO" create "$FX/example" -o b.coco --key "$FX/pki/director-enc.key" \
		--cert "$FX/pki/director.pem" --pass file:no-such-pw --at 2027-01-01
	one_line_err
	has_err "'no-such-pw'"
	unset COCO_NO_SUCH_VAR
	expect 2 "$COCO" create "$FX/example" -o b.coco \
		--key "$FX/pki/director-enc.key" --cert "$FX/pki/director.pem" \
		--pass env:COCO_NO_SUCH_VAR --at 2027-01-01
	one_line_err
	has_err "COCO_NO_SUCH_VAR"
	[ ! -e b.coco ] || fail "output written"
}
run_case roundtrip_pass_source_errors roundtrip_pass_source_errors
