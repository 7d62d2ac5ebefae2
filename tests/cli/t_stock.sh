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
	# The same with the chain given separately and revocation checked against the CRLs
	# (openssl cms in 3.0 has no -CRLfile; the CRLs go in the -CAfile).
	cat "$FX/trust/signers/root-ca.pem" "$FX/trust/crl/"*.crl.pem >ca-crls.pem
	openssl cms -verify -binary -inform DER -in signature.p7s -content manifest.xml \
		-CAfile ca-crls.pem -certfile "$FX/pki/chain.pem" \
		-crl_check_all -purpose any -attime 1798761600 \
		-out /dev/null 2>cms.err || fail "openssl cms -verify -crl_check_all: $(cat cms.err)"
	# ... which does catch a revoked signer.
	create_bundle r.coco revoked
	unzip -p r.coco META-INF/ASiCManifest001.xml >r-manifest.xml
	unzip -p r.coco META-INF/signature001.p7s >r-signature.p7s
	! openssl cms -verify -binary -inform DER -in r-signature.p7s -content r-manifest.xml \
		-CAfile ca-crls.pem -crl_check_all -purpose any -attime 1798761600 \
		-out /dev/null 2>cms.err || fail "revoked signer verified with -crl_check_all"
	grep -q "certificate revoked" cms.err || fail "revoked: $(cat cms.err)"
	# The manifest is valid XML with one DataObjectReference per data object.
	if command -v xmllint >/dev/null 2>&1; then
		n=$(xmllint --xpath 'count(//*[local-name()="DataObjectReference"])' manifest.xml) ||
			fail "xmllint cannot read the manifest"
		[ "$n" = 4 ] || fail "$n DataObjectReferences, want 4"
	fi
	openssl cms -cmsout -print -inform DER -in signature.p7s | grep -q signingTime ||
		fail "no signingTime"
	# Every data object against its DigestValue.
	for name in assessment.xml evidence/cyber-essentials-plus.pdf \
		policies/acceptable-use-policy.pdf policies/information-security-policy.pdf; do
		got=$(unzip -p b.coco "$name" | openssl dgst -sha256 -binary | base64)
		want=$(grep -A2 "URI=\"$name\"" manifest.xml | sed -n 's/.*<ds:DigestValue>\(.*\)<\/ds:DigestValue>.*/\1/p')
		if [ -z "$want" ] || [ "$got" != "$want" ]; then
			fail "digest of $name: $got, manifest $want"
		fi
		unzip -p b.coco "$name" | cmp -s - "$FX/example/$name" || fail "$name content"
	done
	# A manifest changed by one byte no longer verifies with stock openssl either.
	sed 's/Rootfile="true"/Rootfile="1"   /' manifest.xml >tampered.xml
	! openssl cms -verify -binary -inform DER -in signature.p7s -content tampered.xml \
		-CAfile "$FX/trust/signers/root-ca.pem" -purpose any -attime 1798761600 \
		-out /dev/null 2>/dev/null || fail "tampered manifest verified"
}
run_case stock_tools stock_tools

# The same recipe for a name with a space and a bracket: the manifest percent-encodes it,
# and unzip needs the bracket escaped (docs/FORMAT.md section 6).
stock_tools_spaced_name() {
	cp -r "$FX/example" ex
	mv ex/policies/acceptable-use-policy.pdf "ex/policies/HR policy [v2].pdf"
	sed -i 's#policies/acceptable-use-policy.pdf#policies/HR policy [v2].pdf#g' ex/assessment.xml
	"$COCO" create ex -o b.coco --key "$FX/pki/director.key" --cert "$FX/pki/director.pem" \
		--chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z --trust "$FX/trust" \
		>/dev/null 2>create.err || fail "create: $(cat create.err)"
	B=b.coco
	unzip -p "$B" META-INF/ASiCManifest001.xml >manifest.xml
	n="policies/HR policy [v2].pdf"
	got=$(unzip -p "$B" "$(printf %s "$n" | sed 's/[][]/\\&/g')" | openssl dgst -sha256 -binary | base64)
	uri=$(printf %s "$n" | sed 's/%/%25/g; s/ /%20/g; s/\[/%5B/g; s/\]/%5D/g')
	want=$(grep -A2 "URI=\"$uri\"" manifest.xml | sed -n 's/.*<ds:DigestValue>\(.*\)<\/ds:DigestValue>.*/\1/p')
	[ -n "$want" ] || fail "no reference URI=\"$uri\" in the manifest: $(grep URI= manifest.xml)"
	[ "$got" = "$want" ] || fail "digest of '$n': $got, manifest $want"
}
run_case stock_tools_spaced_name stock_tools_spaced_name
