# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# docs/FORMAT.md section 5: a bundle checks out with nothing but unzip, openssl and base64.

stock_tools() {
	create_bundle b.coco
	unzip -tq b.coco >/dev/null || fail "unzip -t"
	[ "$(dd if=b.coco bs=1 skip=30 count=8 2>/dev/null)" = mimetype ] || fail "first name"
	[ "$(dd if=b.coco bs=1 skip=38 count=31 2>/dev/null)" = application/vnd.etsi.asic-e+zip ] ||
		fail "media type not at offset 38"
	[ "$(zipinfo -1 b.coco | head -n 1)" = mimetype ] || fail "mimetype not first"
	unzip -p b.coco META-INF/ASiCManifest001.xml >manifest.xml
	unzip -p b.coco META-INF/signature001.p7s >signature.p7s
	# 2027-01-01T00:00:00Z is 1798761600; certificates are checked then.
	openssl cms -verify -binary -cades -inform DER -in signature.p7s -content manifest.xml \
		-CAfile "$FX/trust/signers/root-ca.pem" -purpose any -attime 1798761600 \
		-out /dev/null 2>cms.err || fail "openssl cms -verify: $(cat cms.err)"
	openssl cms -cmsout -print -inform DER -in signature.p7s | grep -q signingTime ||
		fail "no signingTime"
	# Every data object against its DigestValue.
	for name in assessment.xml evidence/cyber-essentials-plus.pdf \
		policies/acceptable-use-policy.pdf policies/information-security-policy.pdf; do
		got=$(unzip -p b.coco "$name" | openssl dgst -sha256 -binary | base64)
		want=$(grep -A2 "URI=\"$name\"" manifest.xml | sed -n 's/.*<ds:DigestValue>\(.*\)<\/ds:DigestValue>.*/\1/p')
		[ -n "$want" ] && [ "$got" = "$want" ] || fail "digest of $name: $got, manifest $want"
		unzip -p b.coco "$name" | cmp -s - "$FX/example/$name" || fail "$name content"
	done
	# A manifest changed by one byte no longer verifies with stock openssl either.
	sed 's/Rootfile="true"/Rootfile="1"   /' manifest.xml >tampered.xml
	! openssl cms -verify -binary -inform DER -in signature.p7s -content tampered.xml \
		-CAfile "$FX/trust/signers/root-ca.pem" -purpose any -attime 1798761600 \
		-out /dev/null 2>/dev/null || fail "tampered manifest verified"
}
run_case stock_tools stock_tools
