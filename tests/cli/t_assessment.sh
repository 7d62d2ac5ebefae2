# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# The submission workflow: init -> fill in -> lint -> create -> verify, and the CoCo and
# evidence checks as the command line shows them (exit codes, text and JSON, refusals).

# The README's walk-through: a skeleton fails lint until it is filled in.
assessment_lifecycle() {
	expect 0 "$COCO" init sub --org "Example Guarding Ltd"
	has_err "wrote 'sub/assessment.xml'"
	# a trailing slash names the same folder: no double slash in the path shown
	expect 0 "$COCO" init sub2/
	has_err "wrote 'sub2/assessment.xml'; fill it in, add the evidence, then run 'coco-bundle lint sub2/'"
	[ -d sub/evidence ] && [ -d sub/policies ] || fail "evidence/ or policies/ missing"
	grep -q '<legalName>Example Guarding Ltd</legalName>' sub/assessment.xml ||
		fail "--org not written"
	grep -q 'CoCo-8 (SIA.s requirement): The systems used to connect to the SIA portal will not run any automation applications or macros against the portal.' sub/assessment.xml || fail "no requirement comment"
	run "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	[ "$rc" -eq 1 ] || fail "lint of the skeleton: exit $rc, want 1"
	finding_on assessment.statement fail CoCo-1
	finding_on assessment.statement fail CoCo-11
	# issue 16: the skeleton is version 2, and its attestations fail until stated
	grep -q "urn:x-coco-bundle:assessment:2" sub/assessment.xml || fail "skeleton not version 2"
	finding_on assessment.complies fail CoCo-1
	finding_on assessment.automation fail CoCo-8
	finding_on assessment.placeholder fail authorisation/name
	finding_on assessment.reference fail evidence/certificate.pdf
	# "Edit": the finished example's assessment and files.
	cp "$FX/example/assessment.xml" sub/
	cp "$FX/example/evidence/"* sub/evidence/
	cp "$FX/example/policies/"* sub/policies/
	expect 0 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	[ "$(tail -n 1 out)" = "verdict    PASSED" ] || fail "lint: $(tail -n 1 out)"
	has_out "^Manual checks for the SIRO (0)"
	expect 0 "$COCO" create sub -o sub.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --at 2027-01-01 \
		--trust "$FX/trust"
	expect 0 "$COCO" verify sub.coco --trust "$FX/trust" --at 2027-06-01
	has_out "^organisation  Example Guarding Ltd$"
	has_out "^certificate   cyber-essentials-plus CEP-TEST-000123, expires 2027-09-15 (106 days left)$"
	# init never overwrites
	cp sub/assessment.xml before.xml
	expect 2 "$COCO" init sub
	one_line_err
	has_err "already exists"
	cmp -s sub/assessment.xml before.xml || fail "init changed an existing assessment"
}
run_case assessment_lifecycle assessment_lifecycle

# The published schema accepts the sample, as the issue asks (xmllint, not our parser).
assessment_schema_xmllint() {
	command -v xmllint >/dev/null 2>&1 || { echo "skipped: no xmllint"; return 0; }
	xmllint --noout --schema "$ROOT/docs/schema/coco-assessment-2.xsd" \
		"$FX/example/assessment.xml" 2>err || fail "xmllint: $(cat err)"
	example_v1 >v1.xml
	xmllint --noout --schema "$ROOT/docs/schema/coco-assessment-1.xsd" v1.xml 2>err ||
		fail "xmllint version 1: $(cat err)"
	xmllint --noout --schema "$ROOT/docs/schema/coco-policy-1.xsd" "$ROOT/trust/policy.xml" \
		2>err || fail "xmllint policy: $(cat err)"
	xmllint --noout --schema "$ROOT/docs/schema/coco-bodies-1.xsd" \
		"$ROOT/trust/bodies/bodies.xml" 2>err || fail "xmllint bodies: $(cat err)"
	"$COCO" init skel >/dev/null 2>&1 || fail "init"
	xmllint --noout --schema "$ROOT/docs/schema/coco-assessment-2.xsd" skel/assessment.xml \
		2>err || fail "xmllint skeleton: $(cat err)"
}
run_case assessment_schema_xmllint assessment_schema_xmllint

# A day after the baseline certificate expires: FAILED, naming it. 30 days before: a warn
# with the exact number of days left (and PASSED).
assessment_expiry() {
	create_bundle b.coco
	run "$COCO" verify b.coco --trust "$FX/trust" --at 2027-09-16
	[ "$rc" -eq 1 ] || fail "a day after expiry: exit $rc, want 1"
	has_out "^fail          evidence.expired 'CEP-TEST-000123': Cyber Essentials Plus certificate expired on 2027-09-15, 1 day ago$"
	[ "$(tail -n 1 out)" = "verdict    FAILED" ] || fail "verdict: $(tail -n 1 out)"
	run "$COCO" verify b.coco --trust "$FX/trust" --at 2027-08-16
	[ "$rc" -eq 0 ] || fail "30 days before: exit $rc, want 0"
	has_out "^warn          evidence.expiring 'CEP-TEST-000123': Cyber Essentials Plus certificate expires on 2027-09-15: 30 days left$"
}
run_case assessment_expiry assessment_expiry

# Manual checks are listed again for the SIRO; JSON marks them.
assessment_manual_checks() {
	mkdir t
	cp -R "$FX/trust/." t/
	rm -r t/registers
	create_bundle b.coco
	expect 0 "$COCO" verify b.coco --trust t --at 2027-06-01
	has_out "^Manual checks for the SIRO (12)$"
	# issue 16: every statement is the SIRO's to read, against SIA's own words
	[ "$(grep -c "^warn          assessment.statement_read 'CoCo-" out)" -eq 22 ] ||
		fail "not one statement_read per element (findings and manual list)"
	has_out "^warn          assessment.statement_read 'CoCo-11': read CoCo-11 against: Incidents, which may lead to the compromise of the SIA data, will be reported to the SIA without undue delay but in any event no later than 24 hours upon becoming aware.$"
	[ "$(grep -c "evidence.register_missing 'CEP-TEST-000123'" out)" -eq 2 ] ||
		fail "the manual check is not listed twice"
	has_out "look up certificate 'CEP-TEST-000123' in the IASME"
	run "$COCO" verify b.coco --trust t --at 2027-06-01 --format json
	grep -q '"id": "evidence.register_missing", "status": "warn", "subject": "CEP-TEST-000123", "message": "[^"]*", "manual": true' out ||
		fail "JSON does not mark the manual check"
	has_out '"summary": {"organisation": "Example Guarding Ltd", "director": "Jane Director (Director)"'
	has_out '"number": "CEP-TEST-000123", "expires": "2027-09-15", "days_left": 106'
}
run_case assessment_manual_checks assessment_manual_checks

# create packages exactly what the assessment references: the full list of problems, exit
# 1, nothing written; --no-lint does not lift that, but does lift other failures.
assessment_create_refusals() {
	mkdir sub
	cp -R "$FX/example/." sub/
	echo x >sub/evidence/stray.pdf
	echo x >sub/notes.txt
	rm sub/policies/information-security-policy.pdf
	expect 1 "$COCO" create sub -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --at 2027-01-01 --trust "$FX/trust" --no-lint
	has_err "fail assessment.unreferenced 'evidence/stray.pdf'"
	has_err "fail assessment.unreferenced 'notes.txt'"
	has_err "fail assessment.reference 'policies/information-security-policy.pdf'"
	has_err "refusing to package 'sub': 3 problems"
	[ ! -e b.coco ] || fail "wrote a bundle"
	no_tmp_files
	# An expired certificate fails lint: refused, unless --no-lint.
	rm -r sub
	mkdir sub
	cp -R "$FX/example/." sub/
	expect 1 "$COCO" create sub -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --at 2027-09-20 --trust "$FX/trust"
	has_err "fail evidence.expired 'CEP-TEST-000123'"
	has_err "pass --no-lint"
	[ ! -e b.coco ] || fail "wrote a bundle"
	expect 0 "$COCO" create sub -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --at 2027-09-20 --trust "$FX/trust" --no-lint
	has_err "fail evidence.expired 'CEP-TEST-000123'"
	has_err "warning: signed despite 2 failed checks (--no-lint)"
	run "$COCO" verify b.coco --trust "$FX/trust" --at 2027-09-20 --format json
	[ "$rc" -eq 1 ] || fail "verify: exit $rc, want 1"
	finding_on evidence.expired fail CEP-TEST-000123
}
run_case assessment_create_refusals assessment_create_refusals

# The summary says when a certificate's expiry is not the whole story.
assessment_summary_note() {
	mkdir sub
	cp -R "$FX/example/." sub/
	sed -e 's|scheme="cyber-essentials-plus"|scheme="iso27001-2013"|' \
		-e 's|<scope>Whole organisation</scope>|<scope>Licence management</scope>|' \
		-e '/<basicIssued>/d' "$FX/example/assessment.xml" >sub/assessment.xml
	run "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	has_out "^certificate   iso27001-2013 CEP-TEST-000123, expires 2027-09-15 (257 days left): scheme withdrawn$"
	has_out "^fail          evidence.withdrawn 'CEP-TEST-000123'"
	expect 2 "$COCO" init o --org "$(printf 'Acme\001 Ltd')"
	one_line_err
	has_err "control characters"
}
run_case assessment_summary_note assessment_summary_note

# lint: exit codes, a file argument, JSON, errors.
assessment_lint_cli() {
	expect 0 "$COCO" lint "$FX/example/assessment.xml" --trust "$FX/trust" --at 2027-01-01 \
		--format json -o report.json
	grep -q '"verdict": "PASSED"' report.json || fail "JSON verdict"
	grep -q '"folder": ' report.json || fail "JSON folder"
	# No trust directory at all: the built-in policy, no recognised bodies or registers.
	if [ ! -e /usr/local/share/coco-bundle/trust ]; then
		expect 0 "$COCO" lint "$FX/example" --at 2027-01-01
		has_out "^warn          evidence.body 'CEP-TEST-000123'"
		has_out "^warn          evidence.register_missing 'CEP-TEST-000123'"
		# bodies/ is empty too: the certificate's signature cannot be tied to a body
		has_out "^warn          pdf.signer 'evidence/cyber-essentials-plus.pdf'"
		has_out "^warn          evidence.authentic 'CEP-TEST-000123': confirm certificate"
		has_out "^Manual checks for the SIRO (4)$"
	fi
	expect 2 "$COCO" lint nowhere --trust "$FX/trust" --at 2027-01-01
	one_line_err
	has_err "cannot open 'nowhere'"
	expect 2 "$COCO" lint "$FX/example" "$FX/example"
	has_err "expected exactly one"
	expect 2 "$COCO" lint "$FX/example" --format yaml
	mkdir t
	printf '<policy xmlns="urn:x-coco-bundle:policy:1"/>' >t/policy.xml
	expect 2 "$COCO" lint "$FX/example" --trust t --at 2027-01-01
	one_line_err
	has_err "t/policy.xml"
	# SIA tightens the policy: a policy kind becomes required.
	cp -R "$FX/trust/." t/
	sed 's|<requiredPolicies></requiredPolicies>|<requiredPolicies>incident-management</requiredPolicies>|' \
		"$FX/trust/policy.xml" >t/policy.xml
	run "$COCO" lint "$FX/example" --trust t --at 2027-01-01 --format json
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	finding_on assessment.policy_kind fail incident-management
}
run_case assessment_lint_cli assessment_lint_cli

# Strings from the assessment cannot break the text report or the terminal: C0 controls
# are not XML at all; a C1 control (CSI, U+009B) is, and is replaced when printed.
assessment_hostile_text() {
	mkdir sub
	cp -R "$FX/example/." sub/
	esc=$(printf '\033')
	csi=$(printf '\302\233')
	sed "s|<holder>Example Guarding Ltd</holder>|<holder>Evil${esc}[2J Ltd</holder>|" \
		"$FX/example/assessment.xml" >sub/assessment.xml
	run "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	has_out "^fail          assessment.xml 'assessment.xml': not well-formed XML: line 20"
	sed "s|<holder>Example Guarding Ltd</holder>|<holder>Evil${csi}2J Ltd</holder>|" \
		"$FX/example/assessment.xml" >sub/assessment.xml
	run "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	[ "$rc" -eq 1 ] || fail "exit $rc, want 1"
	! grep -q "$csi" out || fail "a C1 control reached the output"
	has_out "evidence.holder 'CEP-TEST-000123': held by 'Evil?2J Ltd'"
}
run_case assessment_hostile_text assessment_hostile_text

# A hostile file name in the folder cannot drive the terminal through create's errors.
assessment_create_hostile_name() {
	mkdir sub
	cp -R "$FX/example/." sub/
	esc=$(printf '\033')
	: >"sub/evil${esc}[2J.txt"
	expect 1 "$COCO" create sub -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --at 2027-01-01 --trust "$FX/trust"
	! grep -q "$esc" err || fail "an escape character reached stderr"
	has_err "fail assessment.file 'evil?\[2J.txt': the name cannot be packaged: control character"
	# lint reports it the same way: a finding, exit 1
	run "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	[ "$rc" -eq 1 ] || fail "lint: exit $rc, want 1"
	grep -q '"id": "assessment.file", "status": "fail", "subject": "evil\\u001b\[2J.txt"' out ||
		fail "lint: no assessment.file finding"
	! grep -q "$esc" out || fail "an escape character reached the JSON"
	[ ! -e b.coco ] || fail "wrote a bundle"
}
run_case assessment_create_hostile_name assessment_create_hostile_name

# Issue 18 item 10: the usual typos in a hand-written assessment get the fix in plain
# words, with libxml2's own words after it in brackets.
assessment_typos_plain_words() {
	mkdir sub
	cp -R "$FX/example/." sub/
	sed 's#<legalName>\([^<]*\)</legalName>#<legalName>Smith \& Jones</legalName>#' \
		"$FX/example/assessment.xml" >sub/assessment.xml
	expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	has_out "^fail          assessment.xml 'assessment.xml': not well-formed XML: line 5: a bare '&' or '<' in text: write '&amp;' for '&' and '&lt;' for '<' (xmlParseEntityRef: no name)\$"
	sed 's#<role>\(.*\)</role>#<rolle>\1</rolle>#' "$FX/example/assessment.xml" >sub/assessment.xml
	expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	has_out "^fail          assessment.schema 'assessment.xml': not valid against coco-assessment-2.xsd: line 13: an element is missing, misspelt or out of order (Element 'rolle': This element is not expected. Expected is ( role ).)\$"
	sed 's#<issued>[^<]*</issued>#<issued>15/09/2026</issued>#' "$FX/example/assessment.xml" >sub/assessment.xml
	expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	has_out "not valid against coco-assessment-2.xsd: line [0-9]*: a value is not of its type (a date is YYYY-MM-DD, a number is digits) (Element 'issued': '15/09/2026' is not a valid value of the atomic type 'Date'.)\$"
	sed 's#Ltd</legalName>#Ltd\&nbsp;</legalName>#' "$FX/example/assessment.xml" >sub/assessment.xml
	expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	has_out "line 5: XML knows only &amp; &lt; &gt; &quot; and &apos;: write any other character as itself (the file is UTF-8) (Entity 'nbsp' not defined)\$"
	# issue 16: version 2's fields, each error one line naming the CoCo element and, for a
	# word, the words allowed (libxml2's set, which the namespace tidying once cut out)
	sed 's#id="CoCo-3" complies="yes"#id="CoCo-3" complies="maybe"#' "$FX/example/assessment.xml" >sub/assessment.xml
	expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	has_out "^fail          assessment.schema 'assessment.xml': not valid against coco-assessment-2.xsd: line [0-9]*, in CoCo-3: a value is not one of the words allowed here (lower case, as listed) (Element 'element', attribute 'complies': \[facet 'enumeration'\] The value 'maybe' is not an element of the set {'yes', 'no', 'partly'}.)\$"
	sed 's#<antivirusUpdates>daily<#<antivirusUpdates>fortnightly<#' "$FX/example/assessment.xml" >sub/assessment.xml
	expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	has_out "^fail          assessment.schema 'assessment.xml': not valid against coco-assessment-2.xsd: line [0-9]*, in CoCo-7: a value is not one of the words allowed here (lower case, as listed) (Element 'antivirusUpdates': \[facet 'enumeration'\] The value 'fortnightly' is not an element of the set {'continuous', 'hourly', 'daily', 'weekly', 'monthly', 'never'}.)\$"
	sed 's#<patchWindowDays>14<#<patchWindowDays>two weeks<#' "$FX/example/assessment.xml" >sub/assessment.xml
	expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	has_out "^fail          assessment.schema 'assessment.xml': not valid against coco-assessment-2.xsd: line [0-9]*, in CoCo-9: a value is not of its type (a date is YYYY-MM-DD, a number is digits) (Element 'patchWindowDays': 'two weeks' is not a valid value of the atomic type 'Count'.)\$"
	sed 's#<hostedIn>GB<#<hostedIn>GBR<#' "$FX/example/assessment.xml" >sub/assessment.xml
	expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	has_out "^fail          assessment.schema 'assessment.xml': not valid against coco-assessment-2.xsd: line [0-9]*, in CoCo-10: a value is not written in the form allowed here (Element 'hostedIn': \[facet 'pattern'\] The value 'GBR' is not accepted by the pattern '\[A-Za-z\]{2}'.)\$"
	[ "$(grep -c '^fail' out)" -eq 1 ] || fail "more than one line for one mistake"
}
run_case assessment_typos_plain_words assessment_typos_plain_words
