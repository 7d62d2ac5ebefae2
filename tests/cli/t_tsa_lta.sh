# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# B-LT and LTA (issue 17): `coco-bundle timestamp` adds an archive timestamp (EN 319 162-1
# A.5: META-INF/revocation/NNN.crl, ASiCArchiveManifestNNN.xml, timestampNNN.tst), and
# verify walks the chain of archive timestamps, judging a signature whose certificates have
# expired or been revoked since at the earliest proven time (archive.proof). The TSA is
# tests/cli/tsa.py on 127.0.0.1 with fixed genTimes; certificates and CRLs are made at test
# time with fixed dates. Named after t_tsa.sh and t_reverify_signoff.sh, whose helpers
# (tsa_pki, tsa_start, siro_short) it uses: run.sh sources the files in name order.

# lta_pki: tsa_pki, then TSA certificates tsa1 (ends 2027-08-01), tsa2 (2027-09-01) and
# tsa3 (2036-01-01) from the same root, and siro-short.pem (ends 2027-03-01).
lta_pki() {
	tsa_pki
	for p in tsa1:20270801000000Z tsa2:20270901000000Z tsa3:20360101000000Z; do
		n=${p%%:*}
		openssl req -new -newkey rsa:2048 -noenc -keyout "$n.key" -out "$n.csr" \
			-subj "/CN=CoCo Test TSA $n - TEST ONLY/O=CoCo Test" 2>ca.err &&
			openssl ca -batch -config tsadb/ca.cnf -cert "$FX/pki/root-ca.pem" \
				-keyfile "$FX/pki/root-ca.key" -extensions tsa -startdate 20260101000000Z \
				-enddate "${p#*:}" -in "$n.csr" -out "$n.pem" -notext 2>ca.err ||
			fail "openssl ca: $(cat ca.err)"
	done
	siro_short siro-short.pem
}

# lta_signed OUT [TSA-FOR-SIRO]: director-short's bundle timestamped by tsa1 at
# 2027-01-01T10:00Z, approved by siro-short on 2027-01-05 (its signature timestamped by tsa1
# at 10:00Z unless the second argument is "no").
lta_signed() {
	tsa_start 20270101100000Z good tsa1
	tsa_create a.coco director-short
	tsa_stop
	tsa_start 20270105100000Z good tsa1
	if [ "${2:-yes}" = no ]; then
		run "$COCO" countersign a.coco -o "$1" --decision approved --confirm-statements \
			--key "$FX/pki/siro.key" --cert siro-short.pem --trust trust-tsa \
			--at 2027-01-05T09:00:00Z
	else
		run "$COCO" countersign a.coco -o "$1" --decision approved --confirm-statements \
			--key "$FX/pki/siro.key" --cert siro-short.pem --trust trust-tsa \
			--at 2027-01-05T09:00:00Z --tsa "$TSA"
	fi
	tsa_stop
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
}

# lta_stamp IN OUT GENTIME AT CERT: coco-bundle timestamp with the TSA on CERT.
lta_stamp() {
	tsa_start "$3" good "$5"
	run "$COCO" timestamp "$1" -o "$2" --trust trust-tsa --at "$4" --tsa "$TSA"
	tsa_stop
	[ "$rc" -eq 0 ] || fail "timestamp: exit $rc: $(cat err)"
}

# lta_token_ok BUNDLE NNN CERT ATTIME: stock openssl ts -verify accepts the archive token
# NNN over its manifest's bytes (the FORMAT.md recipe).
lta_token_ok() {
	rm -rf tok && mkdir tok && (cd tok && unzip -q "../$1" "META-INF/ASiCArchiveManifest$2.xml" \
		"META-INF/timestamp$2.tst") || fail "no archive manifest $2 in $1"
	openssl ts -verify -data "tok/META-INF/ASiCArchiveManifest$2.xml" \
		-in "tok/META-INF/timestamp$2.tst" -token_in -CAfile "$FX/pki/root-ca.pem" \
		-untrusted "$3.pem" -attime "$4" >ts.out 2>&1 || fail "openssl ts -verify $2: $(cat ts.out)"
	grep -q 'Verification: OK' ts.out || fail "openssl ts -verify $2: $(cat ts.out)"
}

# The lifecycle of issue 17's "Done when": create --tsa -> verify -> countersign --tsa ->
# timestamp -> verify on 2027-08-15, after the director's (2027-07-01), the SIRO's
# (2027-03-01) and the first TSA's (2027-08-01) certificates have all expired: PASSED, with
# the proven times; then a second archive timestamp by tsa3 on 2027-08-20 and verify on
# 2027-09-10, after tsa2's has expired too (2027-09-01): still PASSED, the first archive
# timestamp's TSA judged at the second's time.
lta_lifecycle() {
	lta_pki
	lta_signed b.coco
	tsa_verify a.coco trust-tsa 2027-01-10
	[ "$rc" -eq 0 ] || fail "the fresh bundle: exit $rc"
	lta_stamp b.coco c.coco 20270201100000Z 2027-02-01T12:00:00Z tsa2
	has_out "archive timestamp added to 'b.coco' in 'c.coco'"
	unzip -l c.coco >list
	for e in META-INF/revocation/001.crl META-INF/revocation/004.crl \
		META-INF/ASiCArchiveManifest005.xml META-INF/timestamp005.tst; do
		grep -q " $e\$" list || fail "no $e: $(cat list)"
	done
	unzip -p c.coco META-INF/ASiCArchiveManifest005.xml >am.xml
	grep -q 'SigReference URI="META-INF/timestamp005.tst" MimeType="application/vnd.etsi.timestamp-token"' am.xml ||
		fail "SigReference: $(head -3 am.xml)"
	for e in assessment.xml META-INF/signature001.p7s META-INF/ASiCManifest002.xml \
		signoff/decision-002.xml META-INF/revocation/003.crl; do
		grep -q "URI=\"$e\"" am.xml || fail "the archive manifest does not list $e"
	done
	# without the archive timestamp, on 2027-08-15 the bundle no longer verifies
	tsa_verify b.coco trust-tsa 2027-08-15
	[ "$rc" -ne 0 ] || fail "b.coco PASSED without an archive timestamp"
	tsa_verify c.coco trust-tsa 2027-08-15
	[ "$rc" -eq 0 ] || fail "c.coco on 2027-08-15: exit $rc, want 0"
	finding_on archive.timestamp pass META-INF/timestamp005.tst
	finding_on archive.digest pass META-INF/ASiCArchiveManifest005.xml
	finding_on archive.proof info META-INF/signature001.p7s
	finding_on archive.proof info META-INF/signature002.p7s
	finding signoff.decision pass
	! grep -q '"id": "signer.expired"' out || fail "signer.expired despite the archive timestamp"
	grep -q '"timestamp": "2027-01-01T10:00:00Z"' out || fail "no proven time for the director"
	grep -q '"timestamp": "2027-01-05T10:00:00Z"' out || fail "no proven time for the SIRO"
	run "$COCO" verify c.coco --trust trust-tsa --at 2027-08-15
	has_out '  proven   2027-01-01T10:00:00Z (RFC 3161 timestamp by CN=CoCo Test TSA tsa1'
	has_out "existed at 2027-02-01T10:00:00Z: RFC 3161 timestamp by 'CN=CoCo Test TSA tsa2"
	has_out 'verdict    PASSED'
	lta_token_ok c.coco 005 tsa2 1801310400
	# the second archive timestamp, and a verification after tsa2's end
	lta_stamp c.coco d.coco 20270820100000Z 2027-08-20T12:00:00Z tsa3
	tsa_verify c.coco trust-tsa 2027-09-10
	[ "$rc" -ne 0 ] || fail "c.coco PASSED after tsa2 expired"
	tsa_verify d.coco trust-tsa 2027-09-10
	[ "$rc" -eq 0 ] || fail "d.coco on 2027-09-10: exit $rc, want 0"
	n=$(unzip -l d.coco | grep -c 'META-INF/ASiCArchiveManifest')
	[ "$n" -eq 2 ] || fail "$n archive manifests, want 2"
	new=$(unzip -l d.coco | sed -n 's#.*META-INF/timestamp\([0-9]*\)\.tst$#\1#p' | sort | tail -1)
	[ "$new" != 005 ] || fail "the second token reuses 005"
	finding_on archive.timestamp pass "META-INF/timestamp$new.tst"
	finding_on archive.timestamp pass META-INF/timestamp005.tst
	grep -q 'its TSA judged at 2027-08-20T10:00:00Z' out || fail "the older TSA not judged at the newer proof"
	finding_on archive.proof info META-INF/signature002.p7s
	lta_token_ok d.coco "$new" tsa3 1820491200
}

# lta_revoke_siro OUT DATE: sia-ca's CRL of 2027-08-01 (next 2028-08-01) listing
# siro-short (serial 0x5001) as revoked on DATE (YYMMDDhhmmssZ) for keyCompromise.
lta_revoke_siro() {
	mk_crl sia-ca "$1" 20270801000000Z 20280801000000Z \
		"$(printf 'R\t270301000000Z\t%s,keyCompromise\t5001\tunknown\t/CN=Sam Siro - TEST ONLY' "$2")"
}

# The SIRO's certificate revoked after the archive timestamp of 2027-02-01 (on 2027-02-15):
# the sign-off still stands on 2027-08-15 (signer.revocation info); revoked before it (on
# 2027-01-20), signer.revoked FAILED. With the SIRO's own signature timestamp of 2027-01-05
# the revocation of 2027-01-20 is after the proof, and stands too.
lta_revoked() {
	lta_pki
	lta_signed b.coco no
	lta_stamp b.coco c.coco 20270201100000Z 2027-02-01T12:00:00Z tsa2
	cp -R trust-tsa trust-late && lta_revoke_siro trust-late/crl/siro.crl.pem 270215000000Z
	cp -R trust-tsa trust-early && lta_revoke_siro trust-early/crl/siro.crl.pem 270120000000Z
	tsa_verify c.coco trust-late 2027-08-15
	[ "$rc" -eq 0 ] || fail "revoked after the archive timestamp: exit $rc, want 0"
	finding_on archive.proof info META-INF/signature002.p7s
	finding signer.revocation info
	grep -q 'revoked on 2027-02-15T00:00:00Z, after 2027-02-01T10:00:00Z' out || fail "no revocation after the proof"
	tsa_verify c.coco trust-early 2027-08-15
	[ "$rc" -eq 1 ] || fail "revoked before the archive timestamp: exit $rc, want 1"
	finding signer.revoked fail
	grep -q 'revoked on 2027-01-20T00:00:00Z, before 2027-02-01T10:00:00Z' out || fail "no revocation before the proof"
	# the SIRO's signature timestamped on 2027-01-05: the revocation of 01-20 is after it
	lta_signed bt.coco
	lta_stamp bt.coco ct.coco 20270201100000Z 2027-02-01T12:00:00Z tsa2
	tsa_verify ct.coco trust-early 2027-08-15
	[ "$rc" -eq 0 ] || fail "revoked after the SIRO's own timestamp: exit $rc, want 0"
	grep -q 'revoked on 2027-01-20T00:00:00Z, after 2027-01-05T10:00:00Z' out || fail "not judged at the signature timestamp"
}

# Errors: nothing written, one clear line, a non-zero exit.
lta_errors() {
	lta_pki
	create_bundle a.coco
	for m in refuse:'the TSA refused the request' http500:'returned error: 500' \
		imprint:'its imprint is not the one asked for' nonce:'nonce is not the request' \
		big:'answered more than 262144 bytes'; do
		tsa_start 20270101100000Z "${m%%:*}" tsa2
		run "$COCO" timestamp a.coco -o out.coco --trust trust-tsa --at 2027-01-02 --tsa "$TSA"
		tsa_stop
		[ "$rc" -eq 2 ] || fail "${m%%:*}: exit $rc, want 2"
		has_err "${m#*:}"
		one_line_err
		[ ! -e out.coco ] || fail "${m%%:*}: a bundle was written"
		no_tmp_files
	done
	# nobody listening (the port of the TSA just stopped)
	run "$COCO" timestamp a.coco -o out.coco --trust trust-tsa --at 2027-01-02 --tsa "$TSA"
	[ "$rc" -eq 2 ] || fail "unreachable: exit $rc, want 2"
	has_err "timestamp request failed: '$TSA'"
	one_line_err
	[ ! -e out.coco ] || fail "unreachable: a bundle was written"
	# a TSA outside tsa/ (the fixtures' trust has none)
	tsa_start 20270101100000Z good tsa2
	run "$COCO" timestamp a.coco -o out.coco --trust "$FX/trust" --at 2027-01-02 --tsa "$TSA"
	tsa_stop
	[ "$rc" -eq 2 ] || fail "untrusted: exit $rc, want 2"
	has_err "refusing the TSA's archive timestamp: verify would not accept it (timestamp.untrusted"
	one_line_err
	[ ! -e out.coco ] || fail "untrusted: a bundle was written"
	no_tmp_files
	# a bundle that FAILED: an unsigned file added
	cp a.coco bad.coco && echo x >extra.txt && zip -q -X bad.coco extra.txt
	run "$COCO" timestamp bad.coco -o out.coco --trust trust-tsa --at 2027-01-02 --tsa http://127.0.0.1:9/
	[ "$rc" -eq 1 ] || fail "FAILED bundle: exit $rc, want 1"
	has_err "refusing to timestamp 'bad.coco': its verification is FAILED"
	has_err "manifest.unsigned"
	[ ! -e out.coco ] || fail "FAILED bundle: a bundle was written"
	# OUT is BUNDLE; no --tsa; no -o
	cp a.coco same.coco && before=$(cksum <same.coco)
	expect 2 "$COCO" timestamp same.coco -o same.coco --trust trust-tsa --at 2027-01-02 --tsa http://127.0.0.1:9/
	one_line_err
	[ "$(cksum <same.coco)" = "$before" ] || fail "the input changed"
	expect 2 "$COCO" timestamp a.coco -o out.coco --trust trust-tsa --at 2027-01-02
	has_err -- '--tsa URL is required'
	expect 2 "$COCO" timestamp a.coco --tsa http://127.0.0.1:9/
	has_err -- '-o OUT is required'
	# a revocation file no archive manifest lists is unsigned content
	lta_stamp a.coco s.coco 20270101100000Z 2027-01-02 tsa2
	mkdir -p x/META-INF/revocation && cp "$FX/trust/crl/root-ca.crl.pem" x/META-INF/revocation/900.crl
	cp s.coco u.coco && (cd x && zip -q -X ../u.coco META-INF/revocation/900.crl)
	tsa_verify u.coco trust-tsa 2027-01-03
	[ "$rc" -eq 1 ] || fail "unlisted revocation data: exit $rc, want 1"
	finding_on manifest.unsigned fail META-INF/revocation/900.crl
	# and revocation data that is not one DER CRL (a PEM one here) is refused as such
	finding_on archive.revocation fail META-INF/revocation/900.crl
	tsa_verify s.coco trust-tsa 2027-01-03
	[ "$rc" -eq 0 ] || fail "s.coco: exit $rc, want 0"
	# the embedded CRLs are DER
	for c in 001 002 003 004; do
		unzip -p s.coco "META-INF/revocation/$c.crl" | openssl crl -inform DER -noout 2>/dev/null ||
			fail "META-INF/revocation/$c.crl is not a DER CRL"
	done
}

run_case lta_lifecycle lta_lifecycle
run_case lta_revoked lta_revoked
run_case lta_errors lta_errors

# reverify: an archive-timestamped bundle lasts until the newest archive timestamp's TSA
# certificate ends; within the window it is EXPIRING with that cause, so operations
# timestamp it again; after that the next end is the CE+ certificate's (2027-09-15).
lta_reverify() {
	lta_pki
	lta_signed b.coco
	lta_stamp b.coco c.coco 20270201100000Z 2027-02-01T12:00:00Z tsa2
	mkdir reg && cp c.coco reg/
	run "$COCO" reverify reg --trust trust-tsa --at 2027-08-15 --within 30 --format csv
	grep -q "^reg/c.coco,EXPIRING,.*2027-09-01.*TSA certificate of the newest archive timestamp 'META-INF/timestamp005.tst'" out ||
		fail "reverify: $(cat out)"
	lta_stamp c.coco reg/c.coco 20270815100000Z 2027-08-15T12:00:00Z tsa3
	run "$COCO" reverify reg --trust trust-tsa --at 2027-08-16 --within 30 --format csv
	grep -q "^reg/c.coco,EXPIRING,.*2027-09-15.*cyber-essentials-plus certificate" out ||
		fail "reverify after timestamping again: $(cat out)"
	run "$COCO" reverify reg --trust trust-tsa --at 2027-08-16 --within 10 --format csv
	grep -q "^reg/c.coco,OK," out || fail "reverify, 10 days: $(cat out)"
}

run_case lta_reverify lta_reverify
