# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# One escaping layer (the library's coco_escape) for every output: an organisation and a
# bundle name carrying U+202E (RLO), U+200E (LRM), U+200F (RLM), U+061C (ALM), U+2028 and
# U+2029 between letters come out with each replaced, '?' in text and on stderr, U+FFFD
# elsewhere, through reverify's text, JSON and CSV, verify's text, JSON, HTML and XML, and
# the command line's own lines on stderr and stdout.

# The hostile letters, and what each form must show for them.
esc_raw=$(printf 'a\342\200\256b\342\200\216c\342\200\217d\330\234e\342\200\250f\342\200\251g')
esc_q='a?b?c?d?e?f?g'
esc_r=$(printf 'a\357\277\275b\357\277\275c\357\277\275d\357\277\275e\357\277\275f\357\277\275g')

# no_raw FILE: FILE holds none of the six characters (nor U+202A..U+202E, U+2066..U+2069).
no_raw() {
	for c in '\342\200\256' '\342\200\216' '\342\200\217' '\330\234' '\342\200\250' \
		'\342\200\251' '\342\200\252' '\342\201\246' '\342\201\251'; do
		! grep -qF "$(printf "$c")" "$1" || fail "$1 carries $c raw: $(cat "$1")"
	done
}

# has FILE TEXT: FILE holds TEXT (fixed string).
has() { grep -qF -e "$2" "$1" || fail "$1 lacks '$2': $(cat "$1")"; }

# esc_bundle: reg/<hostile>.coco, the sample with legalName "Org <hostile>" and one more
# file, evidence/<hostile>.txt, referenced by CoCo-2 (signed with --no-lint: the name is no
# longer the certificate holder's).
esc_bundle() {
	cp -R "$FX/example" sub
	printf 'notes\n' >"sub/evidence/$esc_raw.txt"
	sed -e "s|<legalName>Example Guarding Ltd</legalName>|<legalName>Org $esc_raw</legalName>|" \
		-e "s|visitor access is logged.</statement>|&<supportingFile>evidence/$esc_raw.txt</supportingFile>|" \
		"$FX/example/assessment.xml" >sub/assessment.xml
	mkdir reg
	run "$COCO" create sub -o "reg/$esc_raw.coco" --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" \
		--at 2027-01-01T09:00:00Z --trust "$FX/trust" --no-lint
	[ "$rc" -eq 0 ] || fail "create failed: $(cat err)"
	# stdout names the bundle; stderr lists the failures lint found, quoting the name
	has out "created 'reg/$esc_q.coco', signed by 'CN=Jane Director - TEST ONLY"
	has err "not by the applicant 'Org $esc_q'"
	no_raw out
	no_raw err
}

escape_reverify() {
	esc_bundle
	run "$COCO" reverify reg --trust "$FX/trust" --at 2027-06-01 --format csv
	cp out csv
	has csv "reg/$esc_r.coco,FAILED,Org $esc_r,FAILED,none,"
	no_raw csv
	run "$COCO" reverify reg --trust "$FX/trust" --at 2027-06-01 --format json
	cp out json
	has json "{\"path\": \"reg/$esc_r.coco\", \"status\": \"FAILED\", \"organisation\": \"Org $esc_r\", \"verdict\": \"FAILED\""
	no_raw json
	run "$COCO" reverify reg --trust "$FX/trust" --at 2027-06-01
	cp out text
	# the columns line up: each hostile character is one '?' wide
	has text "STATUS  DAYS  EXPIRES     VERDICT  SIGN-OFF  ORGANISATION       BUNDLE                  DETAIL"
	has text "FAILED   106  2027-09-15  FAILED   none      Org $esc_q  reg/$esc_q.coco  "
	no_raw text
}
run_case escape_reverify escape_reverify

escape_verify() {
	esc_bundle
	b="reg/$esc_raw.coco"
	run "$COCO" verify "$b" --trust "$FX/trust" --at 2027-06-01
	cp out text
	has text "bundle     reg/$esc_q.coco"
	has text "organisation  Org $esc_q"
	no_raw text
	run "$COCO" verify "$b" --trust "$FX/trust" --at 2027-06-01 --format json
	cp out json
	has json "\"organisation\": \"Org $esc_r\""
	has json "\"path\": \"reg/$esc_r.coco\""
	has json "{\"name\": \"evidence/$esc_r.txt\", "
	no_raw json
	run "$COCO" verify "$b" --trust "$FX/trust" --at 2027-06-01 --format html
	cp out html
	has html "Org $esc_r"
	no_raw html
	run "$COCO" verify "$b" --trust "$FX/trust" --at 2027-06-01 --format xml
	cp out xml
	has xml " organisation=\"Org $esc_r\""
	has xml "<entry name=\"evidence/$esc_r.txt\""
	no_raw xml
	run "$COCO" inspect "$b"
	cp out inspect
	has inspect "  evidence/$esc_q.txt"
	no_raw inspect
}
run_case escape_verify escape_verify

# The program's own one-line errors quote names through the same layer.
escape_stderr() {
	expect 2 "$COCO" verify "nope$esc_raw.coco" --trust "$FX/trust" --at 2027-06-01
	has err "coco-bundle: cannot open 'nope$esc_q.coco': No such file or directory"
	no_raw err
	expect 2 "$COCO" verify b.coco --format "x$esc_raw"
	has err "coco-bundle verify: unknown format 'x$esc_q' (text, json, xml or html)"
	no_raw err
	expect 2 "$COCO" lint "dir$esc_raw"
	has err "coco-bundle: cannot open 'dir$esc_q': No such file or directory"
	no_raw err
}
run_case escape_stderr escape_stderr
