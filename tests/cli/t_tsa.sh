# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# CAdES-B-T (issue 17): create/countersign --tsa ask a TSA for an RFC 3161 timestamp over
# the signature value; verify checks the token (signature, imprint, the TSA's timeStamping
# EKU, its chain to tsa/) and judges the signer's chain at the proven time. The TSA is
# tests/cli/tsa.py on 127.0.0.1 (a loopback listener the case starts and stops), with a
# fixed genTime; its certificates come from the fixtures' root CA, made at test time with
# fixed dates. No case uses the network or the clock.

# tsa_start TIME [MODE [CERT]]: starts the TSA; $TSA is its URL. tsa_stop stops it.
tsa_start() {
	cert=${3:-tsa}
	rm -f port
	python3 "$CLI/tsa.py" --cert "$cert.pem" --key "$cert.key" --time "$1" \
		--mode "${2:-good}" --port-file port --life 60 2>tsa.err &
	tsa_pid=$!
	n=0
	while [ ! -s port ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -s port ] || fail "the test TSA did not start: $(cat tsa.err)"
	TSA="http://127.0.0.1:$(cat port)/"
}
tsa_stop() { kill "$tsa_pid" 2>/dev/null; wait "$tsa_pid" 2>/dev/null; }

# tsa_create OUT [SIGNER]: create_bundle with --tsa $TSA.
tsa_create() {
	s=${2:-director}
	run "$COCO" create "$FX/example" -o "$1" --key "$FX/pki/$s.key" --cert "$FX/pki/$s.pem" \
		--chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z --trust "$FX/trust" --tsa "$TSA"
	[ "$rc" -eq 0 ] || fail "create --tsa: $(cat err)"
}

# tsa_verify BUNDLE TRUST [AT]: verify's JSON report in ./out (AT defaults to 2027-06-01).
tsa_verify() {
	run "$COCO" verify "$1" --trust "$2" --at "${3:-2027-06-01}" --format json
}

# token BUNDLE: the signature's timestamp token, as tok.der (openssl cms -print finds it).
tsa_token() {
	unzip -p "$1" META-INF/signature001.p7s >sig.p7s
	python3 - <<'PY' || fail "no token in the signature"
d = open("sig.p7s", "rb").read()
oid = bytes.fromhex("060b2a864886f70d010910020e")  # id-aa-signatureTimeStampToken
i = d.index(oid) + len(oid)
assert d[i] == 0x31  # SET
n, i = d[i + 1], i + 2
if n & 0x80:
    i += n & 0x7F
j, m = i + 1, d[i + 1]
if m & 0x80:
    k = m & 0x7F
    m, j = int.from_bytes(d[i + 2:i + 2 + k], "big"), i + 2 + k
else:
    j = i + 2
open("tok.der", "wb").write(d[i:j + m])
PY
}

# A timestamped bundle verifies PASSED with the proven time in the report (text, JSON,
# XML against the schema), and stock `openssl ts -verify` accepts the token over the
# signature value's SHA-256.
tsa_good() {
	tsa_pki
	tsa_start 20270101100000Z
	tsa_create a.coco
	tsa_stop
	tsa_verify a.coco trust-tsa
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0"
	finding_on timestamp.time pass META-INF/signature001.p7s
	grep -q '"timestamp": "2027-01-01T10:00:00Z", "tsa": "CN=CoCo Test TSA tsa - TEST ONLY' out ||
		fail "no proven time in the signature row: $(grep signing_time out)"
	finding signer.chain pass
	grep -q 'chains to trust anchor .* at 2027-01-01T10:00:00Z' out || fail "chain not judged at the proven time"
	run "$COCO" verify a.coco --trust trust-tsa --at 2027-06-01
	has_out '  proven   2027-01-01T10:00:00Z (RFC 3161 timestamp by CN=CoCo Test TSA tsa'
	run "$COCO" verify a.coco --trust trust-tsa --at 2027-06-01 --format xml
	xmllint --noout --schema "$ROOT/docs/schema/coco-report-1.xsd" out 2>xl.err ||
		fail "XML report invalid: $(cat xl.err)"
	grep -q '<timestamp proven="2027-01-01T10:00:00Z">CN=CoCo Test TSA' out || fail "no <timestamp> in XML"
	# the cross-check: stock openssl ts -verify over the signature value's hash
	tsa_token a.coco
	openssl cms -cmsout -print -inform DER -in sig.p7s >sig.txt
	hex=$(python3 -c '
import hashlib, re, sys
t = open("sig.txt").read()
m = re.search(r"signature:\s*\n((?:\s+[0-9a-f]{4} - .*\n)+)", t)
b = "".join(re.findall(r"(?:- |  )((?:[0-9a-f]{2}[ -]){1,16})", m.group(1)))
print(hashlib.sha256(bytes.fromhex(b.replace("-", " ").replace(" ", ""))).hexdigest())')
	openssl ts -verify -token_in -in tok.der -digest "$hex" -CAfile "$FX/pki/root-ca.pem" \
		-untrusted tsa.pem -attime 1798765200 >ts.out 2>&1 || fail "openssl ts -verify: $(cat ts.out)"
	grep -q 'Verification: OK' ts.out || fail "openssl ts -verify: $(cat ts.out)"
	# and it rejects the token against another imprint: the check is real
	! openssl ts -verify -token_in -in tok.der -digest "$(printf '%064d' 0)" \
		-CAfile "$FX/pki/root-ca.pem" -untrusted tsa.pem -attime 1798765200 >/dev/null 2>&1 ||
		fail "openssl ts -verify accepts any imprint"
}

# The other way round: a token from stock `openssl ts -reply` (ESS signing-certificate v1,
# an accuracy, TSA certificate included) is taken by create and verifies. Its genTime is
# the clock's, so the case asserts only what does not depend on it: every check of the
# token but its time holds, and verify reports a time.
tsa_openssl_reply() {
	tsa_pki
	tsa_start 20270101100000Z openssl
	tsa_create a.coco
	tsa_stop
	tsa_verify a.coco trust-tsa 2035-12-31
	grep -q '"id": "timestamp.time"' out || fail "no timestamp.time finding"
	for id in parse signature imprint tsa_eku untrusted chain; do
		! grep -q "\"id\": \"timestamp.$id\"" out || fail "timestamp.$id: $(grep "timestamp.$id" out)"
	done
}

# The director's certificate (director-short) expires 2027-07-01; on 2027-08-01 its plain
# bundle is signer.expired, INDETERMINATE, but with a timestamp of 2027-01-01 the chain is
# judged then and holds.
tsa_expired_later() {
	tsa_pki
	tsa_start 20270101100000Z
	tsa_create a.coco director-short
	tsa_stop
	create_bundle plain.coco director-short
	tsa_verify plain.coco trust-tsa 2027-08-01
	finding signer.expired indeterminate
	tsa_verify a.coco trust-tsa 2027-08-01
	finding timestamp.time pass
	! grep -q '"id": "signer.expired"' out || fail "signer.expired despite the timestamp"
	grep -q 'chains to trust anchor .* at 2027-01-01T10:00:00Z' out || fail "chain not judged at the proven time"
	# reverify: the timestamped bundle is not EXPIRED (its next end is the CE+ certificate's,
	# 2027-09-15, within 60 days: EXPIRING); the plain one is
	mkdir reg plain && cp a.coco reg/ && cp plain.coco plain/
	run "$COCO" reverify reg --trust trust-tsa --at 2027-08-01 --format csv
	grep -q '^reg/a.coco,EXPIRING,' out || fail "reverify: $(cat out)"
	run "$COCO" reverify plain --trust trust-tsa --at 2027-08-01 --format csv
	grep -q '^plain/plain.coco,EXPIRED,' out || fail "reverify without a timestamp: $(cat out)"
	# a TSA outside tsa/ proves nothing: judged now, the certificate has expired
	tsa_verify a.coco "$FX/trust" 2027-08-01
	[ "$rc" -eq 3 ] || fail "exit $rc, want 3"
	finding timestamp.untrusted warn
	finding signer.expired indeterminate
}

# The director revoked on 2027-02-01 (a CRL of 2027-05-01): a timestamp of 2027-03-01
# proves nothing before it, signer.revoked FAILED; one of 2027-01-01 proves the signature
# older than the revocation, which stands (signer.revocation info).
tsa_revoked() {
	tsa_pki
	rvs_revoke_director trust-tsa/crl/director-revoked.crl.pem
	tsa_start 20270301100000Z
	tsa_create late.coco
	tsa_stop
	tsa_start 20270101100000Z
	tsa_create early.coco
	tsa_stop
	tsa_verify late.coco trust-tsa
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding signer.revoked fail
	tsa_verify early.coco trust-tsa
	finding signer.revocation info
	! grep -q '"id": "signer.revoked"' out || fail "signer.revoked though revoked after the proof"
}

# Each broken token or TSA gives its own finding, exactly.
tsa_negative() {
	tsa_pki
	tsa_start 20270101100000Z
	tsa_create a.coco
	tsa_stop
	# no tsa/ at all (the fixtures' trust): root-ca in signers/ does not anchor a TSA; the
	# token proves nothing (a warning) and the signature is judged now, as without it
	tsa_verify a.coco "$FX/trust"
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0"
	finding timestamp.untrusted warn
	grep -q 'chains to trust anchor .* at the verification time' out || fail "not judged now"
	! grep -q '"timestamp": ' out || fail "an untrusted token proved a time"
	# tsa/ holds another CA
	cp -R "$FX/trust" trust-other && mkdir trust-other/tsa && cp "$FX/pki/sia-ca.pem" trust-other/tsa/
	tsa_verify a.coco trust-other
	finding timestamp.untrusted warn
	# a TSA certificate whose timeStamping EKU is not critical (RFC 3161 2.3)
	tsa_start 20270101100000Z good tsa-noncrit
	tsa_create b.coco
	tsa_stop
	tsa_verify b.coco trust-tsa
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding timestamp.tsa_eku fail
	# the token's own signature spoilt
	tsa_start 20270101100000Z broken
	tsa_create c.coco
	tsa_stop
	tsa_verify c.coco trust-tsa
	finding timestamp.signature fail
	! grep -q '"id": "timestamp.time", "status": "pass"' out || fail "a broken token proved a time"
	# a token from the future
	tsa_start 20280101100000Z
	tsa_create d.coco
	tsa_stop
	tsa_verify d.coco trust-tsa
	finding timestamp.time fail
}

# A token over other data in a bundle: a's token moved onto b's signature (same length:
# the nonce always takes 8 bytes, the serial 1; b signed with another key, as the same key
# would make the same RSA signature) fails timestamp.imprint.
tsa_wrong_imprint() {
	tsa_pki
	tsa_start 20270101100000Z
	tsa_create a.coco
	tsa_create b.coco director-ec
	tsa_stop
	tsa_token a.coco && mv tok.der tok-a.der
	tsa_token b.coco && mv tok.der tok-b.der
	python3 - <<'PY' || fail "cannot swap the tokens"
s, a, b = open("sig.p7s", "rb").read(), open("tok-a.der", "rb").read(), open("tok-b.der", "rb").read()
assert len(a) == len(b) and s.count(b) == 1
open("sig-swapped.p7s", "wb").write(s.replace(b, a))
PY
	mkdir -p x/META-INF && cp sig-swapped.p7s x/META-INF/signature001.p7s
	cp b.coco c.coco && (cd x && zip -q -X ../c.coco META-INF/signature001.p7s)
	tsa_verify c.coco trust-tsa
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding timestamp.imprint fail
}

# A token whose SignerInfo has no ESS signing-certificate attribute (RFC 3161 2.4.1): nothing
# binds the signature to the TSA certificate it carries, so the token fails.
tsa_no_ess() {
	tsa_pki
	tsa_start 20270101100000Z noess
	tsa_create a.coco
	tsa_stop
	tsa_verify a.coco trust-tsa
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding timestamp.signature fail
	has_out "ESS signing-certificate attribute (RFC 3161 2.4.1, RFC 5816) is missing"
}

# A TSA that fails or answers badly: a one-line error naming what went wrong, exit 2,
# nothing written.
tsa_create_errors() {
	tsa_pki
	for m in imprint:'its imprint is not the one asked for' nonce:'nonce is not the request' \
		refuse:'the TSA refused the request' http500:'returned error: 500' \
		big:'answered more than 262144 bytes'; do
		tsa_start 20270101100000Z "${m%%:*}"
		run "$COCO" create "$FX/example" -o out.coco --key "$FX/pki/director.key" \
			--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z \
			--trust "$FX/trust" --tsa "$TSA"
		tsa_stop
		[ "$rc" -eq 2 ] || fail "${m%%:*}: exit $rc, want 2"
		has_err "${m#*:}"
		one_line_err
		[ ! -e out.coco ] || fail "${m%%:*}: a bundle was written"
		no_tmp_files
	done
	# nobody listening (the port of a TSA just stopped)
	run "$COCO" create "$FX/example" -o out.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z \
		--trust "$FX/trust" --tsa "$TSA"
	[ "$rc" -eq 2 ] || fail "unreachable: exit $rc, want 2"
	has_err "timestamp request failed: '$TSA'"
	[ ! -e out.coco ] || fail "unreachable: a bundle was written"
	expect 2 "$COCO" create "$FX/example" -o out.coco --p12 x.p12 --tsa ftp://example.org/
	has_err 'takes an http:// or https:// URL'
}

# countersign --tsa timestamps the SIRO's signature: the sign-off row proves its time.
tsa_countersign() {
	tsa_pki
	create_bundle a.coco
	tsa_start 20270105100000Z
	run "$COCO" countersign a.coco -o b.coco --decision approved --confirm-statements \
		--key "$FX/pki/siro.key" --cert "$FX/pki/siro.pem" --trust trust-tsa \
		--at 2027-01-05T09:00:00Z --tsa "$TSA"
	tsa_stop
	[ "$rc" -eq 0 ] || fail "countersign --tsa: $(cat err)"
	tsa_verify b.coco trust-tsa
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0"
	grep -q '"timestamp": "2027-01-05T10:00:00Z"' out || fail "no proven time for the sign-off"
	finding_on timestamp.time pass META-INF/signature002.p7s
	# a SIRO certificate ending 2027-03-01: on 2027-06-01 the plain approval lapses
	# (signer.expired), the timestamped one stands, its chain judged at 2027-01-05
	siro_short siro-short.pem
	run "$COCO" countersign a.coco -o plain.coco --decision approved --confirm-statements \
		--key "$FX/pki/siro.key" --cert siro-short.pem --trust trust-tsa --at 2027-01-05
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
	tsa_start 20270105100000Z
	run "$COCO" countersign a.coco -o ts.coco --decision approved --confirm-statements \
		--key "$FX/pki/siro.key" --cert siro-short.pem --trust trust-tsa \
		--at 2027-01-05T09:00:00Z --tsa "$TSA"
	tsa_stop
	[ "$rc" -eq 0 ] || fail "countersign --tsa: $(cat err)"
	tsa_verify plain.coco trust-tsa
	finding signer.expired indeterminate
	tsa_verify ts.coco trust-tsa
	[ "$rc" -eq 0 ] || fail "timestamped sign-off: exit $rc, want 0"
	! grep -q '"id": "signer.expired"' out || fail "signer.expired despite the timestamp"
	finding signoff.decision pass
}

run_case tsa_good tsa_good
run_case tsa_openssl_reply tsa_openssl_reply
run_case tsa_expired_later tsa_expired_later
run_case tsa_revoked tsa_revoked
run_case tsa_negative tsa_negative
run_case tsa_wrong_imprint tsa_wrong_imprint
run_case tsa_no_ess tsa_no_ess
run_case tsa_create_errors tsa_create_errors
run_case tsa_countersign tsa_countersign
