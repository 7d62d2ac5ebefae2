# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Keys, certificates and pass-phrases as a new user has them (issue 18, items 6 to 9): a CA
# made by openssl req -x509 (no keyUsage) is refused before signing with its remedy, and
# docs/TRUST.md's recipe works; legacy and chainless PKCS#12 files; pass-phrase sources and
# messages; DER certificates, anchors and CRLs; wrong file types named in plain words; a
# chain that reaches no root warned about. Every input is made here with the openssl CLI.

KEYS_SIGNER="CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
KEYS_PASSHINT="give --pass (pass:TEXT, env:VAR, file:PATH, fd:N or stdin), or run on a terminal to be asked"

# err_is MESSAGE: stderr's first line that is not a warning is exactly "coco-bundle: MESSAGE".
err_is() {
	grep -v ': warning: ' err | head -n 1 >got.msg
	printf 'coco-bundle: %s\n' "$1" >want.msg
	cmp -s want.msg got.msg || fail "stderr '$(cat got.msg)', want '$(cat want.msg)'"
}

# at_after CERT: an --at one day after CERT's notBefore (certificates made here start now;
# the time comes from the certificate, not the clock).
at_after() {
	nb=$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)
	date -u -d "@$(($(date -u -d "$nb" +%s) + 86400))" +%Y-%m-%dT%H:%M:%SZ
}

# The recipe of docs/TRUST.md, run as written (extracted, so the document cannot drift), then
# create (from the .p12, and from the PEM files) and verify against its CA.
keys_trust_recipe() {
	sed -n '/^<!-- recipe: director-ca/,/^```$/p' "$ROOT/docs/TRUST.md" |
		sed '1,2d;$d' >recipe.sh
	grep -q 'openssl pkcs12 -export' recipe.sh || fail "recipe not found in docs/TRUST.md"
	P12_PASS=recipe-pass sh -e recipe.sh >recipe.log 2>&1 || fail "recipe: $(cat recipe.log)"
	at=$(at_after director.pem)
	mkdir -p t/signers
	cp director-ca.pem t/signers/
	# --no-lint: the sample's evidence dates are fixed, the recipe's certificates start now
	expect 0 env P12_PASS=recipe-pass "$COCO" create "$FX/example" -o p12.coco \
		--p12 director.p12 --pass env:P12_PASS --at "$at" --no-lint
	! grep -q 'not self-signed' err || fail "the .p12 lacks its chain: $(cat err)"
	chmod 600 director.key
	expect 0 "$COCO" create "$FX/example" -o pem.coco --key director.key \
		--cert director.pem --chain director-ca.pem --at "$at" --no-lint
	! grep -q 'not self-signed' err || fail "create: $(cat err)"
	for b in p12.coco pem.coco; do
		run "$COCO" verify "$b" --trust t --at "$at" --format json
		finding signature.value pass
		finding signer.key_usage pass
		finding_on signer.chain pass "CN=Jane Director, O=Example Guarding Ltd, C=GB"
		! grep -q '"id": "sign[a-z]*\.[a-z_]*", "status": "\(fail\|indeterminate\)"' out ||
			fail "$b: a signature or signer finding did not pass"
	done
}
run_case keys_trust_recipe keys_trust_recipe

# Item 6: a CA the usual way (no keyUsage) is refused by create and countersign, naming the
# CA and the remedy, before anything is asked or written.
keys_ca_without_key_usage() {
	openssl req -x509 -newkey rsa:2048 -noenc -days 3650 -keyout ca.key -out ca.pem \
		-subj "/CN=Plain CA/O=Example Guarding Ltd/C=GB" 2>/dev/null
	openssl req -new -newkey rsa:2048 -noenc -keyout d.key -out d.csr \
		-subj "/CN=Jane Director/O=Example Guarding Ltd/C=GB" 2>/dev/null
	printf '%s\n' "keyUsage = critical, digitalSignature" "subjectKeyIdentifier = hash" \
		"authorityKeyIdentifier = keyid" >d.ext
	openssl x509 -req -in d.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 \
		-extfile d.ext -out d.pem 2>/dev/null
	openssl verify -CAfile ca.pem d.pem >/dev/null || fail "openssl verify rejects the chain"
	chmod 600 d.key
	at=$(at_after d.pem)
	msg="refusing to sign as 'CN=Jane Director, O=Example Guarding Ltd, C=GB': verify would reject the chain at 'CN=Plain CA, O=Example Guarding Ltd, C=GB': CA cert does not include key usage extension; re-issue that CA certificate with 'keyUsage = critical, keyCertSign, cRLSign' (docs/TRUST.md has a recipe)"
	expect 2 "$COCO" create "$FX/example" -o b.coco --key d.key --cert d.pem --chain ca.pem \
		--at "$at"
	one_line_err
	err_is "$msg"
	[ ! -e b.coco ] || fail "output written"
	# the CA in the trust directory instead of the chain: the same rules
	mkdir -p t/signers
	cp ca.pem t/signers/
	expect 2 "$COCO" create "$FX/example" -o b.coco --key d.key --cert d.pem --at "$at" \
		--trust t
	err_is "$msg"
	create_bundle in.coco
	mkdir -p t/siro
	cp ca.pem t/siro/
	expect 2 "$COCO" countersign in.coco -o out.coco --key d.key --cert d.pem \
		--chain ca.pem --decision approved --confirm-statements --trust t --at "$at"
	err_is "$msg"
	[ ! -e out.coco ] || fail "output written"
}
run_case keys_ca_without_key_usage keys_ca_without_key_usage

# Item 7: a legacy .p12 (RC2/3DES) opens; without the legacy provider the error says so.
keys_p12_legacy() {
	openssl pkcs12 -export -legacy -inkey "$FX/pki/director.key" -in "$FX/pki/director.pem" \
		-certfile "$FX/pki/chain.pem" -passout pass:pw -out leg.p12 2>/dev/null ||
		fail "openssl cannot write a legacy .p12"
	expect 0 "$COCO" create "$FX/example" -o b.coco --p12 leg.p12 --pass pass:pw \
		--at 2027-01-01T09:00:00Z --trust "$FX/trust"
	verify_json b.coco
	[ "$rc" -eq 0 ] || fail "verify exit $rc"
	expect 2 env OPENSSL_MODULES=/nonexistent "$COCO" create "$FX/example" -o c.coco \
		--p12 leg.p12 --pass pass:pw --at 2027-01-01T09:00:00Z --trust "$FX/trust"
	one_line_err
	err_is "cannot open PKCS#12 file 'leg.p12': it is encrypted with a legacy cipher (RC2 or 3DES) and OpenSSL's legacy provider is not installed; export it again without -legacy (AES)"
	[ ! -e c.coco ] || fail "output written"
}
run_case keys_p12_legacy keys_p12_legacy

# Items 7 and 9: a .p12 exported without its chain signs with a warning naming the gap, and
# without one when --chain completes it.
keys_p12_chain_and_warning() {
	openssl pkcs12 -export -inkey "$FX/pki/director.key" -in "$FX/pki/director.pem" \
		-passout pass:pw -out bare.p12
	expect 0 "$COCO" create "$FX/example" -o b.coco --p12 bare.p12 --pass pass:pw \
		--at 2027-01-01T09:00:00Z --trust "$FX/trust"
	grep -qx "coco-bundle: warning: the chain embedded in the bundle ends at '$KEYS_SIGNER', which is not self-signed: verify will need its issuer 'CN=CoCo Test Signer CA - TEST ONLY, O=coco-bundle fixtures, C=GB' in the trust directory; give --chain with the CA certificates up to the root" err ||
		fail "no exact warning: $(cat err)"
	verify_json b.coco
	finding signer.untrusted indeterminate
	expect 0 "$COCO" create "$FX/example" -o b.coco --p12 bare.p12 --chain "$FX/pki/chain.pem" \
		--pass pass:pw --at 2027-01-01T09:00:00Z --trust "$FX/trust"
	! grep -q 'warning: the chain' err || fail "warned with the chain given: $(cat err)"
	verify_json b.coco
	[ "$rc" -eq 0 ] || fail "verify exit $rc"
	# the chain up to the root: no warning even without a trust directory
	cat "$FX/pki/chain.pem" "$FX/pki/root-ca.pem" >full.pem
	expect 0 "$COCO" create "$FX/example" -o b.coco --p12 bare.p12 --chain full.pem \
		--pass pass:pw --at 2027-01-01T09:00:00Z
	! grep -q 'warning: the chain' err || fail "warned with the full chain: $(cat err)"
}
run_case keys_p12_chain_and_warning keys_p12_chain_and_warning

# Item 7: pass-phrase sources. No source and no terminal: one message for a key and a .p12,
# naming the file and --pass; asked only after lint; an invalid --pass never shown; stdin.
keys_pass_phrases() {
	enc=$FX/pki/director-enc.key
	expect 2 "$COCO" create "$FX/example" -o b.coco --key "$enc" --cert "$FX/pki/director.pem" \
		--chain "$FX/pki/chain.pem" --at 2027-01-01 </dev/null
	one_line_err
	err_is "private key '$enc' is encrypted: a pass-phrase is needed: $KEYS_PASSHINT"
	expect 2 "$COCO" create "$FX/example" -o b.coco --p12 "$FX/pki/director.p12" \
		--at 2027-01-01 </dev/null
	one_line_err
	err_is "PKCS#12 file '$FX/pki/director.p12' is encrypted: a pass-phrase is needed: $KEYS_PASSHINT"
	# a submission lint refuses is refused before any pass-phrase is needed
	cp -R "$FX/example" sub
	rm sub/evidence/*.pdf
	expect 1 "$COCO" create sub -o b.coco --key "$enc" --cert "$FX/pki/director.pem" \
		--chain "$FX/pki/chain.pem" --at 2027-01-01 </dev/null
	has_err "refusing to package 'sub'"
	! grep -q 'pass-phrase' err || fail "asked for a pass-phrase before lint: $(cat err)"
	expect 2 "$COCO" create "$FX/example" -o b.coco --key "$enc" --cert "$FX/pki/director.pem" \
		--pass s3cret --at 2027-01-01
	one_line_err
	has_err "^coco-bundle create: invalid --pass: not a pass-phrase source (use pass:TEXT, env:VAR, file:PATH, fd:N or stdin; the value is not shown)$"
	! grep -q s3cret err || fail "the secret was shown"
	echo test-pass | "$COCO" create "$FX/example" -o b.coco --key "$enc" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --pass stdin \
		--at 2027-01-01T09:00:00Z --trust "$FX/trust" >out 2>err || fail "--pass stdin: $(cat err)"
	echo wrong | "$COCO" create "$FX/example" -o c.coco --key "$enc" \
		--cert "$FX/pki/director.pem" --pass stdin --at 2027-01-01 >out 2>err && fail "wrong pass-phrase accepted"
	has_err "cannot load private key '$enc' (wrong pass-phrase?)"
}
run_case keys_pass_phrases keys_pass_phrases

# Item 7: the prompt names the file (a terminal made by script(1)).
keys_prompt_names_file() {
	command -v script >/dev/null || {
		echo "NOTE script(1) missing: prompt not tested"
		return 0
	}
	# typed once the prompt is up: the prompt flushes what was typed before it
	(sleep 2 && printf 'test-pass\n') | script -qec "\"$COCO\" create \"$FX/example\" -o b.coco --key \"$FX/pki/director-enc.key\" --cert \"$FX/pki/director.pem\" --chain \"$FX/pki/chain.pem\" --at 2027-01-01T09:00:00Z --trust \"$FX/trust\"" /dev/null >tty.out 2>&1 ||
		fail "create on a terminal failed: $(cat tty.out)"
	grep -q "Pass-phrase for '$FX/pki/director-enc.key': " tty.out || fail "prompt: $(cat tty.out)"
	[ -s b.coco ] || fail "no bundle"
}
run_case keys_prompt_names_file keys_prompt_names_file

# Item 8: DER certificates, chains, anchors and CRLs are accepted; a swapped key and
# certificate, or a key among the anchors, is named in plain words.
keys_der_and_wrong_types() {
	openssl x509 -in "$FX/pki/director.pem" -outform DER -out director.der
	openssl x509 -in "$FX/pki/chain.pem" -outform DER -out chain.der
	expect 0 "$COCO" create "$FX/example" -o b.coco --key "$FX/pki/director.key" \
		--cert director.der --chain chain.der --at 2027-01-01T09:00:00Z --trust "$FX/trust"
	cp -R "$FX/trust" t
	openssl x509 -in t/signers/root-ca.pem -outform DER -out t/signers/root-ca.der
	rm t/signers/root-ca.pem
	for c in t/crl/*.pem; do
		openssl crl -in "$c" -outform DER -out "${c%.pem}.der"
		rm "$c"
	done
	run "$COCO" verify b.coco --trust t --at 2027-06-01 --format json
	[ "$rc" -eq 0 ] || fail "verify with DER anchors and CRLs: exit $rc"
	finding signer.chain pass
	finding signer.revocation pass
	expect 2 "$COCO" create "$FX/example" -o c.coco --key "$FX/pki/director.pem" \
		--cert "$FX/pki/director.key" --at 2027-01-01
	one_line_err
	err_is "'$FX/pki/director.key' is a private key, not a certificate"
	expect 2 "$COCO" create "$FX/example" -o c.coco --key "$FX/pki/director.pem" \
		--cert "$FX/pki/director.pem" --at 2027-01-01
	one_line_err
	err_is "'$FX/pki/director.pem' is a certificate, not a private key"
	expect 2 "$COCO" create "$FX/example" -o c.coco --p12 "$FX/pki/director.pem" --at 2027-01-01
	err_is "'$FX/pki/director.pem' is a certificate, not a PKCS#12 file"
	cp "$FX/pki/director.key" t/signers/x.pem
	expect 2 "$COCO" verify b.coco --trust t --at 2027-06-01
	one_line_err
	err_is "'t/signers/x.pem' is a private key, not a certificate"
	rm t/signers/x.pem
	cp "$FX/pki/director.pem" t/crl/x.pem
	expect 2 "$COCO" verify b.coco --trust t --at 2027-06-01
	err_is "'t/crl/x.pem' is a certificate, not a CRL"
	[ ! -e c.coco ] || fail "output written"
}
run_case keys_der_and_wrong_types keys_der_and_wrong_types

# Item 12: create names the warnings it counts, among them one lint cannot show (the
# director against the signer: lint has no signer).
keys_create_names_warnings() {
	expect 0 "$COCO" create "$FX/example" -o b.coco --key "$FX/pki/untrusted.key" \
		--cert "$FX/pki/untrusted.pem" --at 2027-01-01 --trust "$FX/trust"
	n=$(grep -c '^  warn ' err)
	[ "$n" -gt 0 ] || fail "no warning listed: $(cat err)"
	grep -qx "coco-bundle: lint passed with $n warnings\{0,1\}:" err ||
		fail "no count line for $n warnings: $(cat err)"
	want="  warn assessment.director 'Jane Director': the assessment is authorised by 'Jane Director' but signed by 'Untrusted Signer - TEST ONLY': confirm the signer may sign for the organisation"
	grep -qxF "$want" err || fail "director warning not named: $(cat err)"
	run "$COCO" lint "$FX/example" --at 2027-01-01 --trust "$FX/trust"
	! grep -q 'Untrusted Signer' out err || fail "lint knows the signer"
}
run_case keys_create_names_warnings keys_create_names_warnings

# Item 7: on a terminal, a .p12's pass-phrase is asked for after lint, so a folder lint
# refuses never asks; the checks that need the certificate (the director, the organisation)
# run once it is unlocked, and may still refuse. The terminal is python3's pty
# (tests/cli/ttyrun.py), answering "test-pass" to the prompt.
keys_p12_asks_after_lint() {
	"$COCO" init skel --org "Example Guarding Ltd" 2>/dev/null || fail "init failed"
	cp "$FX/example/evidence/cyber-essentials-plus.pdf" skel/evidence/certificate.pdf
	run python3 "$CLI/ttyrun.py" test-pass tty.out "$COCO" create skel -o a.coco \
		--p12 "$FX/pki/director.p12" --at 2027-01-01 --trust "$FX/trust"
	[ "$rc" -eq 1 ] || fail "skeleton: exit $rc, want 1: $(cat tty.out)"
	! grep -q 'Pass-phrase for' tty.out || fail "asked for the pass-phrase before lint refused"
	grep -q "refusing to sign 'skel': lint found" tty.out || fail "no refusal: $(cat tty.out)"
	# lint alone passes (no register to say otherwise); with the signer, its organisation
	# is not the applicant's
	cp -R "$FX/trust" t
	rm -r t/registers
	cp -R "$FX/example" other
	sed -i 's/Example Guarding Ltd/Other Guarding Ltd/' other/assessment.xml
	expect 0 "$COCO" lint other --at 2027-01-01 --trust t
	run python3 "$CLI/ttyrun.py" test-pass tty.out "$COCO" create other -o b.coco \
		--p12 "$FX/pki/director.p12" --at 2027-01-01 --trust t
	[ "$rc" -eq 1 ] || fail "other organisation: exit $rc, want 1: $(cat tty.out)"
	grep -q "^Pass-phrase for '$FX/pki/director.p12': " tty.out || fail "not asked: $(cat tty.out)"
	grep -q '^  fail assessment.signer_organisation ' tty.out ||
		fail "the signer's organisation was not checked: $(cat tty.out)"
	run python3 "$CLI/ttyrun.py" test-pass tty.out "$COCO" create "$FX/example" -o c.coco \
		--p12 "$FX/pki/director.p12" --at 2027-01-01 --trust "$FX/trust"
	[ "$rc" -eq 0 ] || fail "sample: exit $rc, want 0: $(cat tty.out)"
	grep -q "created 'c.coco', signed by '$KEYS_SIGNER'" tty.out || fail "$(cat tty.out)"
	! grep -q test-pass tty.out || fail "the pass-phrase was echoed"
	[ ! -e a.coco ] && [ ! -e b.coco ] || fail "a refused create wrote its output"
}
run_case keys_p12_asks_after_lint keys_p12_asks_after_lint
