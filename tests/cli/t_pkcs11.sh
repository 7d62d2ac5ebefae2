# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Keys on PKCS#11 tokens (issue 17): create and countersign with --pkcs11-uri against a
# SoftHSM2 token initialised here, in the case's folder (its own SOFTHSM2_CONF and token
# directory), holding the fixture director's RSA and P-256 keys and the SIRO's key (and, in
# one case, their certificates, for create without --cert). The PIN comes from the --pass
# sources or a terminal prompt; each bundle verifies PASSED with --at. Then the refusals: a
# wrong PIN, an unknown object, a missing module, each one line with nothing written.

P11_URI="pkcs11:token=coco-test;object=director"
P11_AT=2027-01-01T09:00:00Z

# p11_module: SoftHSM2's module as Debian installs it.
p11_module() {
	for m in /usr/lib/softhsm/libsofthsm2.so \
		"/usr/lib/$(cc -print-multiarch 2>/dev/null)/softhsm/libsofthsm2.so"; do
		[ -f "$m" ] && echo "$m" && return 0
	done
	fail "SoftHSM2's module not found: install softhsm2 (make deps)"
}

# p11_import KEY LABEL ID: the fixture key KEY (fixtures/pki/KEY.key) on the token as LABEL.
p11_import() {
	openssl pkcs8 -topk8 -nocrypt -in "$FX/pki/$1.key" -out "$1.pk8" ||
		fail "cannot convert $1.key"
	softhsm2-util --import "$1.pk8" --token coco-test --label "$2" --id "$3" --pin 1234 \
		>/dev/null || fail "cannot import $1 into the token"
	rm -f "$1.pk8"
}

# p11_setup: a fresh token 'coco-test' (user PIN 1234) in ./tokens with the director's RSA
# key (object director), its P-256 key (director-ec), the SIRO's (siro) and an expired
# director's (expired); sets MOD to SoftHSM2's module.
p11_setup() {
	command -v softhsm2-util >/dev/null || fail "softhsm2 is not installed (make deps)"
	# SAN=1: the engine's own leaks on its error paths (the file says which, and why); the
	# slow unwinder, as libcrypto has no frame pointers and the names are below it
	LSAN_OPTIONS="suppressions=$CLI/lsan-libp11.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
	export LSAN_OPTIONS ASAN_OPTIONS
	MOD=$(p11_module)
	mkdir tokens
	printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$PWD" >softhsm2.conf
	SOFTHSM2_CONF=$PWD/softhsm2.conf
	export SOFTHSM2_CONF
	softhsm2-util --init-token --free --label coco-test --pin 1234 --so-pin 5678 >/dev/null ||
		fail "cannot initialise the token"
	p11_import director director 01
	p11_import director-ec director-ec 02
	p11_import siro siro 03
	p11_import expired expired 04
}

# p11_create OUT OBJECT CERT [ARGS...]: create signed by the token's OBJECT.
p11_create() {
	o=$1 obj=$2 cert=$3
	shift 3
	run "$COCO" create "$FX/example" -o "$o" --pkcs11-uri "pkcs11:token=coco-test;object=$obj" \
		--cert "$FX/pki/$cert.pem" --chain "$FX/pki/chain.pem" --at "$P11_AT" \
		--trust "$FX/trust" "$@"
}

# p11_passed BUNDLE SUBJECT: BUNDLE verifies PASSED, its signature by SUBJECT.
p11_passed() {
	verify_json "$1"
	[ "$rc" -eq 0 ] || fail "verify $1: exit $rc"
	grep -q '"verdict": "PASSED"' out || fail "$1 did not PASS"
	finding signature.value pass
	finding_on signer.chain pass "$2"
}

# The director's RSA key through p11-kit's proxy (the default module, which loads SoftHSM2
# as registered with p11-kit), the PIN from the environment.
p11_rsa_default_module() {
	p11_setup
	p11_create b.coco director director --pass env:P11_PIN_VAR
	[ "$rc" -eq 2 ] || fail "an unset variable: exit $rc"
	P11_PIN_VAR=1234
	export P11_PIN_VAR
	p11_create b.coco director director --pass env:P11_PIN_VAR
	[ "$rc" -eq 0 ] || fail "create: $(cat err)"
	has_out "created 'b.coco', signed by 'CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB'"
	! grep -q 1234 err || fail "the PIN reached stderr"
	p11_passed b.coco "CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
	no_tmp_files
}
run_case p11_rsa_default_module p11_rsa_default_module

# The P-256 key through SoftHSM2's own module, the PIN from a file, fd 3 and stdin.
p11_ec_pin_sources() {
	p11_setup
	echo 1234 >pin.txt
	subject="CN=Jane Director EC - TEST ONLY, O=Example Guarding Ltd, C=GB"
	p11_create f.coco director-ec director-ec --pkcs11-module "$MOD" --pass file:pin.txt
	[ "$rc" -eq 0 ] || fail "create (file:): $(cat err)"
	p11_passed f.coco "$subject"
	p11_create d.coco director-ec director-ec --pkcs11-module "$MOD" --pass fd:3 3<pin.txt
	[ "$rc" -eq 0 ] || fail "create (fd:3): $(cat err)"
	p11_passed d.coco "$subject"
	p11_create s.coco director-ec director-ec --pkcs11-module "$MOD" --pass stdin <pin.txt
	[ "$rc" -eq 0 ] || fail "create (stdin): $(cat err)"
	p11_passed s.coco "$subject"
	# ECDSA: the signature algorithm verify saw
	unzip -p s.coco META-INF/signature001.p7s >sig.p7s
	openssl cms -cmsout -print -inform DER -in sig.p7s | grep -q ecdsa-with-SHA256 ||
		fail "not an ECDSA signature"
}
run_case p11_ec_pin_sources p11_ec_pin_sources

# The SIRO's key on the token countersigns; the signed-off bundle verifies PASSED.
p11_countersign() {
	p11_setup
	create_bundle a.coco
	run "$COCO" countersign a.coco -o b.coco --pkcs11-uri "pkcs11:token=coco-test;object=siro" \
		--pkcs11-module "$MOD" --cert "$FX/pki/siro.pem" --pass pass:1234 \
		--decision approved --confirm-statements --trust "$FX/trust" --at 2027-01-05
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
	has_out "recorded 'approved' by 'CN=Sam Siro - TEST ONLY"
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01
	has_out "^verdict    PASSED"
	has_out "^signed off    approved by Sam Siro - TEST ONLY on 2027-01-05T00:00:00Z$"
	# a wrong PIN: nothing written, the input unchanged
	cp a.coco keep.coco
	run "$COCO" countersign a.coco -o a.coco --pkcs11-uri "pkcs11:token=coco-test;object=siro" \
		--pkcs11-module "$MOD" --cert "$FX/pki/siro.pem" --pass pass:0000 \
		--decision approved --confirm-statements --trust "$FX/trust" --at 2027-01-05
	[ "$rc" -eq 2 ] || fail "wrong PIN: exit $rc"
	one_line_err
	has_err "^coco-bundle: cannot use the private key 'pkcs11:token=coco-test;object=siro' on the token: PIN incorrect$"
	cmp -s a.coco keep.coco || fail "the bundle changed"
	no_tmp_files
}
run_case p11_countersign p11_countersign

# p11_store_cert NAME OBJECT ID: fixtures/pki/NAME.pem on the token as OBJECT's certificate
# (tests/cli/p11cert.py: softhsm2-util imports keys only).
p11_store_cert() {
	openssl x509 -in "$FX/pki/$1.pem" -outform DER -out "$1.der" || fail "cannot convert $1.pem"
	python3 "$CLI/p11cert.py" "$MOD" 1234 "$1.der" "$2" "$3" || fail "cannot store $1.pem"
}

# No --cert: the token's certificate under the same URI, read without the PIN, so it is
# still checked before the PIN is used.
p11_cert_from_token() {
	p11_setup
	p11_store_cert director director 01
	p11_store_cert director-ec director-ec 02
	p11_store_cert expired expired 04
	run "$COCO" create "$FX/example" -o b.coco --pkcs11-uri "$P11_URI" \
		--chain "$FX/pki/chain.pem" --at "$P11_AT" --trust "$FX/trust" --pass pass:1234
	[ "$rc" -eq 0 ] || fail "create (RSA): $(cat err)"
	p11_passed b.coco "CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
	run "$COCO" create "$FX/example" -o e.coco --pkcs11-module "$MOD" \
		--pkcs11-uri "pkcs11:token=coco-test;object=director-ec" --chain "$FX/pki/chain.pem" \
		--at "$P11_AT" --trust "$FX/trust" --pass pass:1234
	[ "$rc" -eq 0 ] || fail "create (P-256): $(cat err)"
	p11_passed e.coco "CN=Jane Director EC - TEST ONLY, O=Example Guarding Ltd, C=GB"
	run "$COCO" create "$FX/example" -o x.coco --pkcs11-module "$MOD" \
		--pkcs11-uri "pkcs11:token=coco-test;object=expired" --chain "$FX/pki/chain.pem" \
		--at "$P11_AT" --trust "$FX/trust" --pass pass:9999
	[ "$rc" -eq 2 ] || fail "expired: exit $rc, want 2"
	one_line_err
	has_err "^coco-bundle: refusing to sign as 'CN=[^']*': certificate expired on "
	[ ! -e x.coco ] || fail "output written"
}
run_case p11_cert_from_token p11_cert_from_token

# A key that asks for the PIN again before each signature (CKA_ALWAYS_AUTHENTICATE, as on
# signature cards) gets the same PIN: the P-256 key stored with the mark, and its
# certificate, under the object 'card'.
p11_always_authenticate() {
	p11_setup
	openssl ec -in "$FX/pki/director-ec.key" -outform DER -out card.der 2>/dev/null ||
		fail "cannot convert director-ec.key"
	python3 "$CLI/p11cert.py" "$MOD" 1234 --always-auth card.der card 05 ||
		fail "cannot store the key"
	openssl x509 -in "$FX/pki/director-ec.pem" -outform DER -out director-ec.der
	python3 "$CLI/p11cert.py" "$MOD" 1234 director-ec.der card 05 || fail "cannot store the cert"
	echo 1234 >pin.txt
	run "$COCO" create "$FX/example" -o b.coco --pkcs11-module "$MOD" \
		--pkcs11-uri "pkcs11:token=coco-test;object=card" --chain "$FX/pki/chain.pem" \
		--at "$P11_AT" --trust "$FX/trust" --pass file:pin.txt
	[ "$rc" -eq 0 ] || fail "create: $(cat err)"
	p11_passed b.coco "CN=Jane Director EC - TEST ONLY, O=Example Guarding Ltd, C=GB"
}
run_case p11_always_authenticate p11_always_authenticate

# On a terminal the PIN is asked for after lint, as an encrypted key's pass-phrase is: a
# folder lint refuses never asks; the PIN is not echoed; a wrong one is not asked again (by
# the engine either). The terminal is tests/cli/ttyrun.py's.
p11_prompt_after_lint() {
	p11_setup
	"$COCO" init skel --org "Example Guarding Ltd" 2>/dev/null || fail "init failed"
	run python3 "$CLI/ttyrun.py" 1234 tty.out "$COCO" create skel -o a.coco \
		--pkcs11-uri "$P11_URI" --pkcs11-module "$MOD" --cert "$FX/pki/director.pem" \
		--at "$P11_AT" --trust "$FX/trust"
	[ "$rc" -eq 1 ] || fail "skeleton: exit $rc, want 1: $(cat tty.out)"
	! grep -q 'PIN for' tty.out || fail "asked for the PIN before lint refused"
	run python3 "$CLI/ttyrun.py" 1234 tty.out "$COCO" create "$FX/example" -o b.coco \
		--pkcs11-uri "$P11_URI" --pkcs11-module "$MOD" --cert "$FX/pki/director.pem" \
		--chain "$FX/pki/chain.pem" --at "$P11_AT" --trust "$FX/trust"
	[ "$rc" -eq 0 ] || fail "sample: exit $rc, want 0: $(cat tty.out)"
	grep -q "^PIN for '$P11_URI': " tty.out || fail "not asked: $(cat tty.out)"
	grep -q "created 'b.coco', signed by 'CN=Jane Director - TEST ONLY" tty.out ||
		fail "$(cat tty.out)"
	! grep -q 1234 tty.out || fail "the PIN was echoed"
	p11_passed b.coco "CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
	run python3 "$CLI/ttyrun.py" 9999 tty.out "$COCO" create "$FX/example" -o c.coco \
		--pkcs11-uri "$P11_URI" --pkcs11-module "$MOD" --cert "$FX/pki/director.pem" \
		--chain "$FX/pki/chain.pem" --at "$P11_AT" --trust "$FX/trust"
	[ "$rc" -eq 2 ] || fail "wrong PIN: exit $rc, want 2: $(cat tty.out)"
	[ "$(grep -c 'PIN' tty.out)" -eq 2 ] || fail "asked again: $(cat tty.out)"
	grep -q "on the token: PIN incorrect" tty.out || fail "$(cat tty.out)"
	[ ! -e a.coco ] && [ ! -e c.coco ] || fail "a refused create wrote its output"
}
run_case p11_prompt_after_lint p11_prompt_after_lint

# p11_refused MESSAGE ARGS...: create with ARGS fails with exit 2 and exactly MESSAGE on one
# line, and writes nothing.
p11_refused() {
	want=$1
	shift
	run "$COCO" create "$FX/example" -o b.coco --chain "$FX/pki/chain.pem" --at "$P11_AT" \
		--trust "$FX/trust" "$@"
	[ "$rc" -eq 2 ] || fail "exit $rc, want 2: $*"
	one_line_err
	printf 'coco-bundle: %s\n' "$want" >want.msg
	cmp -s want.msg err || fail "stderr '$(cat err)', want '$want'"
	[ ! -e b.coco ] || fail "output written: $*"
	no_tmp_files
}

p11_wrong_pin() {
	p11_setup
	p11_refused "cannot use the private key '$P11_URI' on the token: PIN incorrect" \
		--pkcs11-uri "$P11_URI" --pkcs11-module "$MOD" --cert "$FX/pki/director.pem" \
		--pass pass:9999
	! grep -q 9999 err || fail "the PIN reached stderr"
	# no PIN source and no terminal: how to give one
	p11_refused "the key '$P11_URI' on the token needs a PIN: give --pass (pass:TEXT, env:VAR, file:PATH, fd:N or stdin), or run on a terminal to be asked" \
		--pkcs11-uri "$P11_URI" --pkcs11-module "$MOD" --cert "$FX/pki/director.pem" \
		</dev/null
	# the right PIN still works: the wrong ones did not lock the token
	p11_create b.coco director director --pkcs11-module "$MOD" --pass pass:1234
	[ "$rc" -eq 0 ] || fail "create after wrong PINs: $(cat err)"
}
run_case p11_wrong_pin p11_wrong_pin

p11_unknown_object() {
	p11_setup
	u="pkcs11:token=coco-test;object=nobody"
	p11_refused "cannot use the private key '$u' on the token: object not found" \
		--pkcs11-uri "$u" --pkcs11-module "$MOD" --cert "$FX/pki/director.pem" --pass pass:1234
	u="pkcs11:token=no-such-token;object=director"
	p11_refused "cannot use the private key '$u' on the token: object not found" \
		--pkcs11-uri "$u" --pkcs11-module "$MOD" --cert "$FX/pki/director.pem" --pass pass:1234
	# the letters of a PIN attribute inside a label are a label (RFC 7512), not a PIN
	u="pkcs11:token=coco-test;object=pin-value-key"
	p11_refused "cannot use the private key '$u' on the token: object not found" \
		--pkcs11-uri "$u" --pkcs11-module "$MOD" --cert "$FX/pki/director.pem" --pass pass:1234
	# no --cert, and the token holds no certificate
	p11_refused "no certificate '$P11_URI' on the token: give the signer's certificate with --cert" \
		--pkcs11-uri "$P11_URI" --pkcs11-module "$MOD" --pass pass:1234
	# the key is not the certificate's
	p11_refused "refusing to sign as 'CN=Jane Director EC - TEST ONLY, O=Example Guarding Ltd, C=GB': the private key does not match the certificate" \
		--pkcs11-uri "$P11_URI" --pkcs11-module "$MOD" --cert "$FX/pki/director-ec.pem" \
		--pass pass:1234
}
run_case p11_unknown_object p11_unknown_object

p11_module_not_found() {
	p11_setup
	p11_refused "cannot open PKCS#11 module '$PWD/none.so': No such file or directory" \
		--pkcs11-uri "$P11_URI" --pkcs11-module "$PWD/none.so" \
		--cert "$FX/pki/director.pem" --pass pass:1234
	# the engine missing (OpenSSL looks for it where OPENSSL_ENGINES says)
	OPENSSL_ENGINES=$PWD/no-engines
	export OPENSSL_ENGINES
	p11_refused "cannot load OpenSSL's PKCS#11 engine (pkcs11): is libengine-pkcs11-openssl installed?" \
		--pkcs11-uri "$P11_URI" --pkcs11-module "$MOD" \
		--cert "$FX/pki/director.pem" --pass pass:1234
	unset OPENSSL_ENGINES
	echo 'not a library' >fake.so
	p11_refused "'fake.so' is not a PKCS#11 module (a shared library, such as p11-kit-proxy.so or libsofthsm2.so)" \
		--pkcs11-uri "$P11_URI" --pkcs11-module fake.so \
		--cert "$FX/pki/director.pem" --pass pass:1234
}
run_case p11_module_not_found p11_module_not_found

# The certificate's checks come before the PIN (issue 18): an expired certificate is refused
# with a PIN that would be wrong, as the token is never asked.
p11_chain_checked_first() {
	p11_setup
	u="pkcs11:token=coco-test;object=expired"
	run "$COCO" create "$FX/example" -o b.coco --pkcs11-uri "$u" --pkcs11-module "$MOD" \
		--cert "$FX/pki/expired.pem" --chain "$FX/pki/chain.pem" --at "$P11_AT" \
		--trust "$FX/trust" --pass pass:9999
	[ "$rc" -eq 2 ] || fail "exit $rc, want 2"
	one_line_err
	has_err "^coco-bundle: refusing to sign as 'CN=[^']*': certificate expired on "
	[ ! -e b.coco ] || fail "output written"
}
run_case p11_chain_checked_first p11_chain_checked_first

# Usage: the URI's form, no PIN in it, and the options that do not mix.
p11_usage() {
	p11_refused "'token=coco-test' is not a PKCS#11 URI (pkcs11:token=LABEL;object=LABEL)" \
		--pkcs11-uri token=coco-test --cert "$FX/pki/director.pem"
	p11_refused "a PKCS#11 URI must not hold the PIN: give it with --pass" \
		--pkcs11-uri "$P11_URI;pin-value=1234" --cert "$FX/pki/director.pem"
	p11_refused "a PKCS#11 URI must not hold the PIN: give it with --pass" \
		--pkcs11-uri "$P11_URI?pin-source=file:pin.txt" --cert "$FX/pki/director.pem"
	expect 2 "$COCO" create "$FX/example" -o b.coco --pkcs11-uri "$P11_URI" \
		--key "$FX/pki/director.key" --cert "$FX/pki/director.pem"
	has_err "--pkcs11-uri cannot be combined with --key or --p12"
	expect 2 "$COCO" create "$FX/example" -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --pkcs11-module /usr/lib/none.so
	has_err "--pkcs11-module goes with --pkcs11-uri"
	expect 2 "$COCO" countersign x.coco -o b.coco --pkcs11-uri "$P11_URI" \
		--p12 "$FX/pki/director.p12" --decision rejected
	has_err "--pkcs11-uri cannot be combined with --key or --p12"
}
run_case p11_usage p11_usage
