# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Schemes from one source (docs/TRUST.md, "Adding a scheme"): a scheme that coco-bundle was
# never built with is added by writing trust files only (policy.xml's scheme table,
# bodies/bodies.xml and a register snapshot), and a bundle whose evidence uses it is
# accepted end to end, its printed name on the sign-off sheet.

SCHEME=example-assurance-2027
LABEL='Example Assurance Scheme 2027 - TEST ONLY'

# schemes_trust DIR [MONTHS]: the repository's default trust directory plus the fixtures'
# test anchors (signers, siro, CRLs, the certification body's CA), with the scheme
# $SCHEME added: certificates run at most MONTHS (default 24) months, and the body that
# signed the example's certificate PDF may certify it.
schemes_trust() {
	cp -R "$ROOT/trust" "$1"
	for d in signers siro crl; do
		cp "$FX/trust/$d/"* "$1/$d/"
	done
	cp "$FX/trust/bodies/body-ca.pem" "$1/bodies/"
	anchor=$(openssl x509 -in "$1/bodies/body-ca.pem" -outform DER | sha256sum | cut -c1-64)
	awk -v id="$SCHEME" -v label="$LABEL" -v months="${2:-24}" '
		/^  <countries>/ {
			printf "  <scheme id=\"%s\" maxValidityMonths=\"%s\">\n", id, months
			printf "    <name>%s</name>\n", label
			print "    <wholeScope>whole organisation</wholeScope>"
			print "    <register>the Example Assurance register - TEST ONLY</register>"
			print "  </scheme>"
		}
		{ print }' "$ROOT/trust/policy.xml" >"$1/policy.xml"
	cat >"$1/bodies/bodies.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<bodies xmlns="urn:x-coco-bundle:bodies:1" version="1">
  <body schemes="$SCHEME">
    <name>Example Certification Body Ltd - TEST ONLY</name>
    <anchor sha256="$anchor"/>
  </body>
</bodies>
EOF
	printf 'scheme,number,holder,issued,expires\n%s,CEP-TEST-000123,Example Guarding Ltd,2026-09-15,2027-09-15\n' \
		"$SCHEME" >"$1/registers/$SCHEME.csv"
}

# schemes_bundle TRUST OUT: the example, its certificate claimed under $SCHEME, signed.
schemes_bundle() {
	cp -R "$FX/example" sub
	sed -e "s/scheme=\"cyber-essentials-plus\"/scheme=\"$SCHEME\"/" -e '/<basicIssued>/d' \
		"$FX/example/assessment.xml" >sub/assessment.xml
	grep -q "scheme=\"$SCHEME\"" sub/assessment.xml || fail "the scheme edit did not apply"
	expect 0 "$COCO" create sub -o "$2" --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" \
		--at 2027-01-01T09:00:00Z --trust "$1"
}

schemes_added_by_trust_files() {
	schemes_trust trust
	schemes_bundle trust b.coco
	expect 0 "$COCO" verify b.coco --trust trust --at 2027-06-01 --format json
	finding_on assessment.schema pass assessment.xml
	for id in evidence.holder evidence.scope evidence.body evidence.register \
		evidence.authentic evidence.baseline; do
		finding_on "$id" pass CEP-TEST-000123
	done
	has_out "\"scheme\": \"$SCHEME\""
	has_out '"verdict": "PASSED"'
	expect 0 "$COCO" verify b.coco --trust trust --at 2027-06-01 --format html -o sheet.html
	grep -q "<td>$LABEL</td>" sheet.html || fail "the sheet's table lacks the label '$LABEL'"
	grep -q "<text class=\"scheme\" x=\"0\" y=\"[0-9.]*\">$LABEL</text>" sheet.html ||
		fail "the sheet's timeline lacks the label '$LABEL'"
	# init offers it in the skeleton, which is valid against the published schema.
	expect 0 "$COCO" init skel --trust trust
	grep -q "^       cyber-essentials-plus iso27001-2022 iso27001-2013 $SCHEME\$" \
		skel/assessment.xml || fail "init's skeleton does not list $SCHEME"
	xmllint --noout --schema "$ROOT/docs/schema/coco-assessment-2.xsd" skel/assessment.xml \
		2>err || fail "xmllint skeleton: $(cat err)"
	# lint, before signing, accepts it too.
	expect 0 "$COCO" lint sub --trust trust --at 2027-01-01
	[ "$(tail -n 1 out)" = "verdict    PASSED" ] || fail "lint: $(tail -n 1 out)"
}
run_case schemes_added_by_trust_files schemes_added_by_trust_files

# The scheme's rules are the table's: at most 6 months, the 12-month certificate is refused.
schemes_rules_from_table() {
	schemes_trust trust
	schemes_bundle trust b.coco
	schemes_trust short 6
	run "$COCO" verify b.coco --trust short --at 2027-06-01 --format json
	[ "$rc" -eq 1 ] || fail "verify with a 6-month rule: exit $rc, want 1"
	finding_on evidence.validity fail CEP-TEST-000123
	finding evidence.baseline fail
}
run_case schemes_rules_from_table schemes_rules_from_table

# Without the trust files the scheme is unknown: the assessment names an id no policy has.
schemes_unknown_without_table() {
	schemes_trust trust
	schemes_bundle trust b.coco
	run "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format json
	[ "$rc" -eq 1 ] || fail "verify with the stock trust: exit $rc, want 1"
	finding_on assessment.schema fail assessment.xml
	has_out "names the scheme '$SCHEME'"
}
run_case schemes_unknown_without_table schemes_unknown_without_table

# A malformed scheme id is refused wherever it is written: policy.xml, bodies.xml, the
# assessment (one-line errors naming the file; assessment.schema).
schemes_malformed_ids() {
	schemes_trust trust
	cp -R trust bad
	sed "s/id=\"$SCHEME\"/id=\"Example_Assurance\"/" trust/policy.xml >bad/policy.xml
	expect 2 "$COCO" lint "$FX/example" --trust bad --at 2027-01-01
	one_line_err
	has_err "bad/policy.xml"
	cp trust/policy.xml bad/policy.xml
	sed "s/schemes=\"$SCHEME\"/schemes=\"$SCHEME nope\"/" trust/bodies/bodies.xml \
		>bad/bodies/bodies.xml
	expect 2 "$COCO" lint "$FX/example" --trust bad --at 2027-01-01
	one_line_err
	has_err "bad/bodies/bodies.xml' line 3: body 'Example Certification Body Ltd - TEST ONLY' names the scheme 'nope'"
	cp -R "$FX/example" sub
	sed 's/scheme="cyber-essentials-plus"/scheme="Cyber-Essentials-Plus"/' \
		"$FX/example/assessment.xml" >sub/assessment.xml
	run "$COCO" lint sub --trust trust --at 2027-01-01 --format json
	[ "$rc" -eq 1 ] || fail "lint of a malformed id: exit $rc, want 1"
	finding_on assessment.schema fail assessment.xml
}
run_case schemes_malformed_ids schemes_malformed_ids
