# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# reverify and the sign-off (issue 18, items 14 and 15): an approval whose SIRO certificate
# has since expired is shown with its state, not as "none"; a director certificate revoked
# after the approval that proves the signature is REVOKED, a status that needs action.
# Certificates and CRLs are made at test time from the fixtures' CA keys, with fixed dates.

# rvs_want FILE: stdout is exactly FILE.
rvs_want() {
	cmp -s "$1" out || {
		diff "$1" out
		fail "output differs"
	}
}

# siro_short OUT: the fixtures' SIRO key, certified by sia-ca for 2026-01-01 .. 2027-03-01
# with the SIRO's own subject and extensions (a throw-away openssl ca database).
siro_short() {
	rm -rf cadb && mkdir cadb && touch cadb/index.txt && echo 5001 >cadb/serial
	cat >cadb/ca.cnf <<CNF
[ ca ]
default_ca = d
[ d ]
database = cadb/index.txt
serial = cadb/serial
new_certs_dir = cadb
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
organizationName = optional
countryName = optional
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
	openssl req -new -key "$FX/pki/siro.key" -out cadb/siro.csr \
		-subj "/CN=Sam Siro - TEST ONLY/O=Security Industry Authority/C=GB" 2>ca.err &&
		openssl ca -batch -config cadb/ca.cnf -cert "$FX/pki/sia-ca.pem" \
			-keyfile "$FX/pki/sia-ca.key" -extensions leaf -startdate 20260101000000Z \
			-enddate 20270301000000Z -in cadb/siro.csr -out "$1" -notext 2>ca.err ||
		fail "openssl ca: $(cat ca.err)"
}

# rvs_revoke_director OUT: signer-ca's CRL of 2027-05-01 (next 2027-08-01) listing the
# director's certificate, serial 1001, revoked on 2027-02-01 for keyCompromise.
rvs_revoke_director() {
	mk_crl signer-ca "$1" 20270501000000Z 20270801000000Z \
		"$(printf 'R\t360101000000Z\t270201000000Z,keyCompromise\t1001\tunknown\t/CN=Jane Director - TEST ONLY')"
}

# An approval of 2027-01-05 by a SIRO whose certificate ends 2027-03-01: on 2027-06-01 the
# sign-off no longer verifies (signer.expired), so no decision is in force; the row shows
# the approval and that it can no longer be proven, in text, CSV and JSON. Status EXPIRED
# (the cause is the expiry), exit 1.
reverify_siro_expired() {
	siro_short siro-short.pem
	create_bundle a.coco
	mkdir reg
	run "$COCO" countersign a.coco -o reg/b.coco --decision approved --confirm-statements --key "$FX/pki/siro.key" \
		--cert siro-short.pem --trust "$FX/trust" --at 2027-01-05
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
	run "$COCO" reverify reg --trust "$FX/trust" --at 2027-06-01
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	cat >want <<TXT
STATUS   DAYS  EXPIRES     VERDICT        SIGN-OFF                                                                                                ORGANISATION          BUNDLE      DETAIL
EXPIRED   -92  2027-03-01  INDETERMINATE  approved by Sam Siro - TEST ONLY on 2027-01-05 (approval no longer provable: SIRO certificate expired)  Example Guarding Ltd  reg/b.coco  signer.expired 'CN=Sam Siro - TEST ONLY, O=Security Industry Authority, C=GB': certificate has expired (certificate at chain depth 0)
1 bundle at 2027-06-01T00:00:00Z, expiring within 60 days: 0 FAILED, 0 REJECTED, 1 EXPIRED, 0 INDETERMINATE, 0 EXPIRING, 0 OK
TXT
	rvs_want want
	run "$COCO" reverify reg --trust "$FX/trust" --at 2027-06-01 --format csv
	printf '%s\r\n' \
		"path,status,organisation,verdict,decision,decided_by,decided_at,expires,expiring,days_left,reason" \
		"reg/b.coco,EXPIRED,Example Guarding Ltd,INDETERMINATE,approved (no longer provable: SIRO certificate expired),Sam Siro - TEST ONLY,2027-01-05T00:00:00Z,2027-03-01T00:00:00Z,SIRO signing certificate of Sam Siro - TEST ONLY,-92,\"signer.expired 'CN=Sam Siro - TEST ONLY, O=Security Industry Authority, C=GB': certificate has expired (certificate at chain depth 0)\"" >want.csv
	rvs_want want.csv
	run "$COCO" reverify reg --trust "$FX/trust" --at 2027-06-01 --format json
	grep -qF '"decision": "approved (no longer provable: SIRO certificate expired)", "decided_by": "Sam Siro - TEST ONLY", "decided_at": "2027-01-05T00:00:00Z"' out ||
		fail "JSON: $(cat out)"
	# while the certificate is valid the approval is in force, and its end is the expiry
	run "$COCO" reverify reg --trust "$FX/trust" --at 2027-02-01 --format csv
	[ "$rc" -eq 4 ] || fail "exit $rc before the SIRO certificate ended: $(cat out)"
	grep -q '^reg/b.coco,EXPIRING,Example Guarding Ltd,PASSED,approved,Sam Siro - TEST ONLY,2027-01-05T00:00:00Z,2027-03-01T00:00:00Z,SIRO signing certificate of Sam Siro - TEST ONLY,28,' out ||
		fail "before: $(cat out)"
}
run_case reverify_siro_expired reverify_siro_expired

# The director's certificate (serial 1001) revoked for keyCompromise on 2027-02-01, after the
# approval of 2027-01-05: verify PASSES the approved bundle (the approval proves the
# signature existed before; signer.revocation info), but reverify shows REVOKED, exit 1,
# with that finding as the cause. The same bundle without a sign-off FAILS (signer.revoked).
reverify_revoked_after_approval() {
	mkdir reg
	create_bundle reg/plain.coco
	run "$COCO" countersign reg/plain.coco -o reg/approved.coco --decision approved --confirm-statements \
		--key "$FX/pki/siro.key" --cert "$FX/pki/siro.pem" --trust "$FX/trust" --at 2027-01-05
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
	cp -R "$FX/trust" trust
	rvs_revoke_director trust/crl/signer-ca.crl.pem
	expect 0 "$COCO" verify reg/approved.coco --trust trust --at 2027-06-01
	run "$COCO" reverify reg --trust trust --at 2027-06-01
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	cat >want <<TXT
STATUS   DAYS  EXPIRES     VERDICT  SIGN-OFF                                        ORGANISATION          BUNDLE             DETAIL
FAILED    106  2027-09-15  FAILED   none                                            Example Guarding Ltd  reg/plain.coco     signer.revoked 'CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB': certificate revoked (certificate at chain depth 0)
REVOKED   106  2027-09-15  PASSED   approved by Sam Siro - TEST ONLY on 2027-01-05  Example Guarding Ltd  reg/approved.coco  signer.revocation 'CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB': revoked on 2027-02-01T00:00:00Z, after 2027-01-05T00:00:00Z, when the signature is proven to exist: the signature stands
2 bundles at 2027-06-01T00:00:00Z, expiring within 60 days: 1 FAILED, 0 REJECTED, 0 EXPIRED, 1 REVOKED, 0 INDETERMINATE, 0 EXPIRING, 0 OK
TXT
	rvs_want want
	rm reg/plain.coco
	run "$COCO" reverify reg --trust trust --at 2027-06-01 --format json
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1 (REVOKED alone)"
	grep -qF '"summary": {"bundles": 1, "FAILED": 0, "REJECTED": 0, "EXPIRED": 0, "REVOKED": 1, "INDETERMINATE": 0, "EXPIRING": 0, "OK": 0}' out ||
		fail "JSON summary: $(cat out)"
	grep -qF '{"path": "reg/approved.coco", "status": "REVOKED", ' out || fail "JSON row: $(cat out)"
}
run_case reverify_revoked_after_approval reverify_revoked_after_approval
