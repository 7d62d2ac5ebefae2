# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Refused signers, untrusted and revoked signers, and tampered bundles: each asserts the
# exit status and the exact finding id.

neg_create_refuses() {
	for s in expired:expired wrongku:keyUsage rsa1024:"RSA key shorter than 2048" \
		nokuext:"no keyUsage" wrongeku:extendedKeyUsage notyet:"not valid until" \
		director-ed25519:Ed25519; do
		name=${s%%:*}
		expect 2 "$COCO" create "$FX/example" -o out.coco --key "$FX/pki/$name.key" \
			--cert "$FX/pki/$name.pem" --at 2027-01-01
		has_err "refusing to sign"
		has_err "${s#*:}"
		one_line_err
		[ ! -e out.coco ] || fail "$name: output written"
	done
	expect 2 "$COCO" create "$FX/example" -o out.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/wrongku.pem" --at 2027-01-01
	has_err "refusing to sign"
}
run_case neg_create_refuses neg_create_refuses

neg_untrusted() {
	expect 0 "$COCO" create "$FX/example" -o b.coco --key "$FX/pki/untrusted.key" \
		--cert "$FX/pki/untrusted.pem" --at 2027-01-01
	verify_json b.coco
	[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
	finding signer.untrusted indeterminate
	has_out '"verdict": "INDETERMINATE"'
	create_bundle good.coco
	mkdir empty-trust
	run "$COCO" verify good.coco --trust empty-trust --at 2027-06-01 --format json
	[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
	finding signer.untrusted indeterminate
}
run_case neg_untrusted neg_untrusted

neg_revoked() {
	create_bundle b.coco revoked
	verify_json b.coco
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding signer.revoked fail
	# Without the CRL the same bundle passes, with a revocation warning.
	mkdir -p t/signers
	cp "$FX/trust/signers/root-ca.pem" t/signers/
	run "$COCO" verify b.coco --trust t --at 2027-06-01 --format json
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0"
	finding signer.revocation warn
	grep -q '"id": "signer.revocation", "status": "warn", .*"manual": true' out ||
		fail "an unchecked revocation is not a manual check for the SIRO"
	finding verify.policy info
}
run_case neg_revoked neg_revoked

neg_expired_at_verification() {
	create_bundle b.coco
	run "$COCO" verify b.coco --trust "$FX/trust" --at 2036-06-01 --format json
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1 (the CE+ certificate has expired too)"
	finding signer.expired indeterminate
	finding evidence.expired fail
	run "$COCO" verify b.coco --trust "$FX/trust" --at 2026-12-01 --format json
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding signature.signing_time fail
}
run_case neg_expired_at_verification neg_expired_at_verification

neg_appended_byte() {
	create_bundle b.coco
	printf x >>b.coco
	verify_json b.coco
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding container.eocd fail
	finding verify.skipped info
}
run_case neg_appended_byte neg_appended_byte

neg_added_file() {
	create_bundle b.coco
	echo "not signed" >extra.txt
	# zip rewrites the archive canonically, so the container holds: the new entry is unsigned.
	zip -q -X b.coco extra.txt
	verify_json b.coco
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding manifest.unsigned fail
	has_out '"subject": "extra.txt"'
}
run_case neg_added_file neg_added_file

neg_flipped_byte() {
	create_bundle b.coco
	off=$(grep -obUa 'Cyber Essentials Plus Certificate' b.coco | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || fail "marker not found"
	printf 'K' | dd of=b.coco bs=1 seek="$off" conv=notrunc 2>/dev/null
	verify_json b.coco
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding container.crc fail
	has_out '"subject": "evidence/cyber-essentials-plus.pdf"'
}
run_case neg_flipped_byte neg_flipped_byte

neg_not_a_bundle() {
	echo "hello" >text.coco
	verify_json text.coco
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding container.eocd fail
	: >empty.coco
	verify_json empty.coco
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding container.eocd fail
	# A plain zip without the ASiC mimetype.
	echo hi >a.txt
	zip -q -X plain.zip a.txt
	verify_json plain.zip
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding container.mimetype fail
}
run_case neg_not_a_bundle neg_not_a_bundle
