# shellcheck shell=sh
# The SIRO's sign-off end to end: countersign, verify showing the decision, the XML report
# against its schema, stock OpenSSL verifying both signatures (docs/FORMAT.md), refusals,
# and usage errors.

# countersign_as IN OUT KEY DECISION AT [ARGS...]
countersign_as() {
	in=$1 o=$2 k=$3 d=$4 a=$5
	shift 5
	if [ "$d" = approved ]; then set -- --confirm-statements "$@"; fi
	run "$COCO" countersign "$in" -o "$o" --key "$FX/pki/$k.key" --cert "$FX/pki/$k.pem" \
		--decision "$d" --trust "$FX/trust" --at "$a" "$@"
}

signoff_lifecycle() {
	create_bundle a.coco
	countersign_as a.coco b.coco siro approved 2027-01-05 --comment "CE+ checked <on> the register"
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
	has_out "recorded 'approved' by 'CN=Sam Siro - TEST ONLY"
	# issue 16: the approval records that the SIRO read the eleven statements
	unzip -p b.coco signoff/decision-002.xml | grep -q '<statementsRead>CoCo-1 CoCo-2 CoCo-3 CoCo-4 CoCo-5 CoCo-6 CoCo-7 CoCo-8 CoCo-9 CoCo-10 CoCo-11</statementsRead>' ||
		fail "no statementsRead in the decision"
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01
	has_out "signoff.latest: Signed off: approved by Sam Siro - TEST ONLY on 2027-01-05T00:00:00Z"
	has_out "^verdict    PASSED"
	has_out "^signed off    approved by Sam Siro - TEST ONLY on 2027-01-05T00:00:00Z$"
	has_out "^signature  META-INF/signature002.p7s (sign-off, over META-INF/ASiCManifest002.xml)$"
	verify_json b.coco
	grep -q '{"entry": "signoff/decision-002.xml", "decision": "approved", "siro": "Sam Siro - TEST ONLY", "time": "2027-01-05T00:00:00Z", "verdict": "PASSED", "comment": "CE+ checked <on> the register", "valid": true, "in_force": true}' out ||
		fail "no sign-off row in the JSON"
	grep -q '^  "decision": {"outcome": "approved", "entry": "signoff/decision-002.xml", "siro": "Sam Siro - TEST ONLY", "time": "2027-01-05T00:00:00Z"},$' out ||
		fail "no decision in force in the JSON"
	grep -q '"role": "siro", "valid": true}' out || fail "no SIRO signature in the JSON"
	finding_on signoff.decision pass signoff/decision-002.xml
	finding_on signoff.coverage pass signoff/decision-002.xml
	# the applicant's bytes are unchanged: b.coco starts with a.coco up to its central directory
	python3 -c '
import sys, zipfile
a = open("a.coco", "rb").read(); b = open("b.coco", "rb").read()
cd = int.from_bytes(a[-6:-2], "little")
sys.exit(0 if b[:cd] == a[:cd] else 1)' || fail "the applicant's bytes changed"
	unzip -p b.coco signoff/decision-002.xml >decision.xml
	grep -q "<comment>CE+ checked &lt;on&gt; the register</comment>" decision.xml ||
		fail "comment not recorded escaped"
	xmllint --noout --schema "$ROOT/docs/schema/coco-signoff-1.xsd" decision.xml 2>xl.err ||
		fail "decision not valid: $(cat xl.err)"
	unzip -p b.coco signoff/report-002.xml >report.xml
	xmllint --noout --schema "$ROOT/docs/schema/coco-report-1.xsd" report.xml 2>xl.err ||
		fail "report not valid: $(cat xl.err)"
	# the sign-off sheet of the signed-off bundle shows the decision and the SIRO's signature
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format html -o sheet.html
	grep -q "Sam Siro - TEST ONLY on 2027-01-05" sheet.html || fail "the sheet lacks the decision"
	grep -q "CE+ checked &lt;on&gt; the register" sheet.html || fail "the sheet lacks the comment"
	! grep -qi "<script" sheet.html || fail "the sheet has a script"
	no_tmp_files
}
run_case signoff_lifecycle signoff_lifecycle

# docs/FORMAT.md: each signature verifies with stock openssl over its manifest.
signoff_stock_openssl() {
	create_bundle a.coco
	countersign_as a.coco b.coco siro approved 2027-01-05
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
	mkdir x && (cd x && unzip -q ../b.coco) || fail "unzip failed"
	cat "$FX/pki/root-ca.pem" "$FX/pki/chain.pem" >applicant-ca.pem
	openssl cms -verify -binary -inform DER -in x/META-INF/signature001.p7s \
		-content x/META-INF/ASiCManifest001.xml -CAfile applicant-ca.pem -purpose any \
		-attime 1801000000 -out /dev/null 2>v.err || fail "applicant: $(cat v.err)"
	openssl cms -verify -binary -inform DER -in x/META-INF/signature002.p7s \
		-content x/META-INF/ASiCManifest002.xml -CAfile "$FX/pki/sia-ca.pem" -purpose any \
		-attime 1801000000 -out /dev/null 2>v.err || fail "SIRO: $(cat v.err)"
	# the SIRO's manifest lists every earlier entry, the mimetype aside
	for e in $(unzip -Z1 a.coco | grep -v '^mimetype$'); do
		grep -q "URI=\"$e\"" x/META-INF/ASiCManifest002.xml || fail "$e not covered"
	done
}
run_case signoff_stock_openssl signoff_stock_openssl

# Approval needs PASSED: refused with the reasons, exit 1, nothing written; rejection works.
signoff_approve_refused() {
	create_bundle a.coco untrusted
	echo old >b.coco
	countersign_as a.coco b.coco siro approved 2027-01-05
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	has_err "refusing to approve 'a.coco': its verification is INDETERMINATE"
	has_err "indeterminate signer.untrusted"
	[ "$(cat b.coco)" = old ] || fail "the existing output was changed"
	countersign_as a.coco b.coco siro rejected 2027-01-05 --comment "untrusted signer"
	[ "$rc" -eq 0 ] || fail "reject: $(cat err)"
	expect 3 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01
	has_out "Signed off: rejected by Sam Siro - TEST ONLY"
	no_tmp_files
}
run_case signoff_approve_refused signoff_approve_refused

# A later decision follows an earlier one; the latest is reported.
signoff_second_decision() {
	create_bundle a.coco
	countersign_as a.coco a.coco siro approved 2027-01-05
	[ "$rc" -eq 0 ] || fail "first: $(cat err)"
	countersign_as a.coco a.coco siro rejected 2027-03-01 --comment "certificate withdrawn"
	[ "$rc" -eq 0 ] || fail "second: $(cat err)"
	unzip -Z1 a.coco | grep -q '^META-INF/signature003.p7s$' || fail "no signature003"
	expect 0 "$COCO" verify a.coco --trust "$FX/trust" --at 2027-06-01
	has_out "Signed off: rejected by Sam Siro - TEST ONLY on 2027-03-01"
}
run_case signoff_second_decision signoff_second_decision

# Long-term validity: director-short expires 2027-07-01.
signoff_long_term() {
	create_bundle a.coco director-short
	expect 3 "$COCO" verify a.coco --trust "$FX/trust" --at 2027-08-01
	has_out "signer.expired"
	countersign_as a.coco b.coco siro approved 2027-01-05
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-08-01
	has_out "signoff.proof 'META-INF/signature001.p7s'"
	no_out "signer.expired"
}
run_case signoff_long_term signoff_long_term

signoff_usage() {
	create_bundle a.coco
	for args in "--decision maybe" "" "--decision approved --confirm-statements --comment $(printf 'a\033b')" \
		"--decision approved" "--decision rejected --confirm-statements"; do
		# shellcheck disable=SC2086
		run "$COCO" countersign a.coco -o b.coco --key "$FX/pki/siro.key" \
			--cert "$FX/pki/siro.pem" --trust "$FX/trust" --at 2027-01-05 $args
		[ "$rc" -eq 2 ] || fail "exit $rc for '$args', want 2"
		one_line_err
		[ ! -e b.coco ] || fail "b.coco written for '$args'"
	done
	expect 2 "$COCO" countersign a.coco --decision approved --key "$FX/pki/siro.key" \
		--cert "$FX/pki/siro.pem"
	has_err "-o OUT is required"
	run "$COCO" countersign a.coco -o b.coco --key "$FX/pki/siro.key" --cert "$FX/pki/siro.pem" \
		--trust "$FX/trust" --at 2027-01-05 --decision approved
	has_err "^coco-bundle countersign: --decision approved needs --confirm-statements: confirm that you have read each CoCo statement against SIA's requirement"
	expect 2 "$COCO" countersign missing.coco -o b.coco --decision rejected \
		--key "$FX/pki/siro.key" --cert "$FX/pki/siro.pem" --trust "$FX/trust" --at 2027-01-05
	has_err "missing.coco"
	one_line_err
}
run_case signoff_usage signoff_usage

# Long-term validity with CRLs issued after the approval (as real, current CRLs are): the
# chain is built at the approval time without them, then each certificate is checked
# against the current CRL. Revoked after the approval: the proof stands. Revoked before it:
# FAILED.
signoff_long_term_current_crls() {
	create_bundle a.coco director-short
	countersign_as a.coco b.coco siro approved 2027-01-05
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
	serial=$(openssl x509 -in "$FX/pki/director-short.pem" -noout -serial | cut -d= -f2)
	for when in none 270201000000Z 270102000000Z; do
		rm -rf trust && cp -R "$FX/trust" trust && rm -f trust/crl/*
		line=""
		[ "$when" = none ] ||
			line=$(printf 'R\t270701000000Z\t%s\t%s\tunknown\t/CN=Jane Director - TEST ONLY\n' \
				"$when" "$serial")
		mk_crl signer-ca trust/crl/signer-ca.pem 20270715000000Z 20270915000000Z "$line"
		mk_crl root-ca trust/crl/root-ca.pem 20270715000000Z 20270915000000Z
		mk_crl sia-ca trust/crl/sia-ca.pem 20270715000000Z 20270915000000Z
		run "$COCO" verify b.coco --trust trust --at 2027-08-01 --format json
		case $when in
		none)
			[ "$rc" -eq 0 ] || fail "exit $rc with current CRLs: $(grep '"status": "\(fail\|warn\|indet' out)"
			finding signoff.proof info
			finding_on signer.revocation pass "CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
			;;
		270201000000Z)
			[ "$rc" -eq 0 ] || fail "exit $rc, revoked after the approval"
			finding_on signer.revocation info "CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
			;;
		*)
			[ "$rc" -eq 1 ] || fail "exit $rc, revoked before the approval"
			finding_on signer.revoked fail "CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
			;;
		esac
	done
}
run_case signoff_long_term_current_crls signoff_long_term_current_crls

# move_first BUNDLE PATTERN BEFORE: rewrites BUNDLE with the entries whose names match the
# regular expression PATTERN moved in front of the entry named BEFORE, byte for byte, as an
# attacker would: local records and central records reordered, every offset fixed, so the
# container is canonical again and no signature breaks (none covers the order).
move_first() {
	python3 - "$@" <<'PY' || fail "move_first failed"
import re, struct, sys
path, pattern, before = sys.argv[1], sys.argv[2], sys.argv[3]
z = open(path, "rb").read()
eocd = z.rfind(b"PK\x05\x06")
n, cd_size, cd_off = struct.unpack("<HII", z[eocd + 10:eocd + 20])
entries, p = [], cd_off
for _ in range(n):
    fl, cl = struct.unpack("<HH", z[p + 28:p + 32])
    ml, = struct.unpack("<H", z[p + 32:p + 34])
    name = z[p + 46:p + 46 + fl].decode()
    csize, = struct.unpack("<I", z[p + 20:p + 24])
    off, = struct.unpack("<I", z[p + 42:p + 46])
    lf, le = struct.unpack("<HH", z[off + 26:off + 30])
    central = z[p:p + 46 + fl + cl + ml]
    flags, = struct.unpack("<H", z[off + 6:off + 8])
    assert not flags & 8, "data descriptors are not expected"
    entries.append((name, z[off:off + 30 + lf + le + csize], central))
    p += 46 + fl + cl + ml
moved = [e for e in entries if re.search(pattern, e[0])]
rest = [e for e in entries if not re.search(pattern, e[0])]
at = [e[0] for e in rest].index(before)
order = rest[:at] + moved + rest[at:]
out, cds = b"", b""
for name, local, central in order:
    cds += central[:42] + struct.pack("<I", len(out)) + central[46:]
    out += local
tail = z[eocd:eocd + 22]
tail = tail[:12] + struct.pack("<II", len(cds), len(out)) + tail[20:]
open(path, "wb").write(out + cds + tail)
PY
}

# Issue 13, point 3, and issue 18, item 13: approved (002), then rejected (003), then 003's
# four entries moved in front of 002's. The rejection is in force everywhere: verify's text
# (PASSED: the evidence is good; the decision line beside it), JSON, XML and the sheet, and
# reverify's REJECTED row, sorted with FAILED, exit 1.
signoff_rejection_reordered() {
	create_bundle a.coco
	countersign_as a.coco b.coco siro approved 2027-01-05
	[ "$rc" -eq 0 ] || fail "approve: $(cat err)"
	countersign_as b.coco c.coco siro rejected 2027-03-01 --comment "certificate withdrawn"
	[ "$rc" -eq 0 ] || fail "reject: $(cat err)"
	move_first c.coco '^(META-INF/(ASiCManifest|signature)|signoff/(decision|report)-)003\.' \
		signoff/decision-002.xml
	unzip -Z1 c.coco | grep -n "00[23]" | head -1 | grep -q "003" || fail "003 is not first"
	expect 0 "$COCO" verify c.coco --trust "$FX/trust" --at 2027-03-02
	[ "$(tail -n 2 out)" = "verdict    PASSED
decision   REJECTED by Sam Siro - TEST ONLY on 2027-03-01T00:00:00Z" ] ||
		fail "last lines: $(tail -n 2 out)"
	has_out "^signed off    rejected by Sam Siro - TEST ONLY on 2027-03-01T00:00:00Z$"
	has_out "signoff.decision 'signoff/decision-002.xml': approved by .*; superseded by 'signoff/decision-003.xml', which covers it$"
	no_out "^fail"
	expect 0 "$COCO" verify c.coco --trust "$FX/trust" --at 2027-03-02 --format json
	grep -q '^  "decision": {"outcome": "rejected", "entry": "signoff/decision-003.xml", "siro": "Sam Siro - TEST ONLY", "time": "2027-03-01T00:00:00Z"},$' out ||
		fail "JSON: $(grep '"decision"' out)"
	expect 0 "$COCO" verify c.coco --trust "$FX/trust" --at 2027-03-02 --format xml -o r.xml
	grep -q '<decision outcome="rejected" entry="signoff/decision-003.xml" siro="Sam Siro - TEST ONLY" time="2027-03-01T00:00:00Z"/>' r.xml ||
		fail "XML: $(grep '<decision' r.xml)"
	xmllint --noout --schema "$ROOT/docs/schema/coco-report-1.xsd" r.xml 2>xl.err ||
		fail "report not valid: $(cat xl.err)"
	expect 0 "$COCO" verify c.coco --trust "$FX/trust" --at 2027-03-02 --format html -o s.html
	grep -q '<title>Example Guarding Ltd — PASSED — REJECTED — coco-bundle</title>' s.html ||
		fail "title: $(grep '<title>' s.html)"
	grep -q '<div class="verdict v-failed"><span>Sign-off</span><strong>REJECTED</strong><span class="by">by Sam Siro - TEST ONLY on 2027-03-01 00:00 UTC</span></div>' s.html ||
		fail "the sheet does not show the rejection beside the verdict"
	# reverify: REJECTED, after FAILED and before the rest; exit 1
	mkdir reg && cp c.coco reg/c.coco && cp b.coco reg/b.coco && echo junk >reg/x.coco
	expect 1 "$COCO" reverify reg --trust "$FX/trust" --at 2027-03-02 --format csv
	[ "$(cut -d, -f1,2,5,6,7 out | sed -n 2,4p | tr '\n' ' ')" = "reg/x.coco,FAILED,none,, reg/c.coco,REJECTED,rejected,Sam Siro - TEST ONLY,2027-03-01T00:00:00Z reg/b.coco,OK,approved,Sam Siro - TEST ONLY,2027-01-05T00:00:00Z " ] ||
		fail "rows: $(cat out)"
	rm reg/x.coco
	expect 1 "$COCO" reverify reg --trust "$FX/trust" --at 2027-03-02
	has_out "^REJECTED .* rejected by Sam Siro - TEST ONLY on 2027-03-01 .*reg/c.coco"
	has_out "^2 bundles at 2027-03-02T00:00:00Z, expiring within 60 days: 0 FAILED, 1 REJECTED, 0 EXPIRED, 0 INDETERMINATE, 0 EXPIRING, 1 OK$"
}
run_case signoff_rejection_reordered signoff_rejection_reordered

# Issue 13, point 7: on the long-term path (director-short expired 2027-07-01, proven by the
# approval of 2027-01-05), a CRL that is out of date at the verification time still counts
# for what it lists. It revokes the director on 2027-01-03, before the approval: FAILED,
# alone (stale) or beside a current CRL that does not list it. Revoked on 2027-01-07,
# after the approval: the proof stands, and the stale CRL is still a gap to confirm.
signoff_long_term_stale_crl() {
	create_bundle a.coco director-short
	countersign_as a.coco b.coco siro approved 2027-01-05
	[ "$rc" -eq 0 ] || fail "countersign: $(cat err)"
	serial=$(openssl x509 -in "$FX/pki/director-short.pem" -noout -serial | cut -d= -f2)
	subject="CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
	for spec in before:stale before:both after:stale; do
		when=270103000000Z
		[ "${spec%%:*}" = before ] || when=270107000000Z
		rm -rf trust && cp -R "$FX/trust" trust && rm -f trust/crl/signer-ca.crl.pem
		line=$(printf 'R\t270701000000Z\t%s,keyCompromise\t%s\tunknown\t/CN=Jane Director - TEST ONLY\n' \
			"$when" "$serial")
		mk_crl signer-ca trust/crl/signer-ca-old.pem 20270108000000Z 20270201000000Z "$line"
		[ "${spec#*:}" = stale ] ||
			mk_crl signer-ca trust/crl/signer-ca.pem 20270715000000Z 20270915000000Z
		run "$COCO" verify b.coco --trust trust --at 2027-08-01 --format json
		case $spec in
		before:*)
			[ "$rc" -eq 1 ] || fail "$spec: exit $rc, revoked before the approval"
			finding_on signer.revoked fail "$subject"
			grep -q '"message": "revoked on 2027-01-03T00:00:00Z, before 2027-01-05T00:00:00Z, when the signature is proven to exist"' out ||
				fail "$spec: $(grep signer.revoked out)"
			;;
		*)
			[ "$rc" -eq 0 ] || fail "$spec: exit $rc, revoked after the approval"
			finding_on signer.revocation info "$subject"
			finding_on signer.revocation warn "$subject"
			no_out '"signer.revoked"'
			;;
		esac
	done
}
run_case signoff_long_term_stale_crl signoff_long_term_stale_crl

# Issue 18 "Smaller": a SIRO certificate without a CRL in the trust directory is one manual
# check, however many sign-offs it made (and however often each is verified).
signoff_missing_crl_once() {
	create_bundle a.coco
	countersign_as a.coco b.coco siro approved 2027-01-05
	countersign_as b.coco c.coco siro rejected 2027-01-06
	cp -R "$FX/trust" t
	rm t/crl/sia-ca.crl.pem
	expect 0 "$COCO" verify c.coco --trust t --at 2027-02-01
	n=$(grep -c "^warn          signer.revocation 'CN=Sam Siro - TEST ONLY, O=Security Industry Authority, C=GB': no revocation data: no CRL from this certificate's issuer in the trust directory: confirm the certificate is not revoked\$" out)
	[ "$n" = 2 ] || fail "listed $n times, want 2 (the findings, and Manual checks)"
	has_out "^Manual checks for the SIRO (12)\$"
}
run_case signoff_missing_crl_once signoff_missing_crl_once

# Issue 18 item 16: the SIRO's comment in the text report, under the decision in force.
signoff_comment_in_text() {
	create_bundle a.coco
	countersign_as a.coco b.coco siro approved 2027-01-05 --comment "CE+ checked
on the register"
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01
	grep -A2 '^signed off    approved by Sam Siro - TEST ONLY on 2027-01-05T00:00:00Z$' out >c.txt
	[ "$(sed -n 2p c.txt)" = "  comment     CE+ checked" ] || fail "comment line: $(cat c.txt)"
	[ "$(sed -n 3p c.txt)" = "              on the register" ] || fail "second line: $(cat c.txt)"
}
run_case signoff_comment_in_text signoff_comment_in_text
