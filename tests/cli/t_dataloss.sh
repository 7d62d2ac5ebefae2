# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# No output replaces an input (issue 18, items 1, 2 and 5): create never writes into the
# submission folder or over a file it reads; verify, inspect, lint and reverify never write
# over what they read; a missing output folder is named; extract -d makes missing parents.
# Every refusal is one exact line, and the work folder w/ is checked unchanged.

DL_KEY="--key w/director.key --cert w/director.pem --chain $FX/pki/chain.pem"
DL_SIRO="--key $FX/pki/siro.key --cert w/siro.pem --decision approved --confirm-statements"

# dl_setup: w/sub (the sample applicant), w/b.coco (signed), and copies of the keys.
dl_setup() {
	mkdir w
	cp -R "$FX/example" w/sub
	cp "$FX/pki/director.key" "$FX/pki/director.pem" "$FX/pki/siro.pem" w/
	chmod 600 w/director.key
	create_bundle w/b.coco
}

# refused EXIT MESSAGE CMD...: CMD exits EXIT with stderr's error line exactly
# "coco-bundle: MESSAGE", and changes nothing in w/.
refused() {
	want=$1
	msg=$2
	shift 2
	snapshot w >before.snap
	expect "$want" "$@"
	one_line_err
	grep -v ': warning: ' err | head -n 1 >got.msg
	printf 'coco-bundle: %s\n' "$msg" >want.msg
	cmp -s want.msg got.msg || fail "stderr '$(cat got.msg)', want '$(cat want.msg)'"
	snapshot w >after.snap
	cmp -s before.snap after.snap || fail "w/ changed: $(diff before.snap after.snap)"
}

# Item 1: the output of create is never inside the submission folder, however it is named,
# nor another name for one of its files, nor a key or certificate create reads.
dataloss_create_into_folder() {
	dl_setup
	# shellcheck disable=SC2086 # DL_KEY is a list of words without blanks
	set -- "$COCO" create w/sub $DL_KEY --at 2027-01-01T09:00:00Z --trust "$FX/trust" -o
	refused 2 "refusing to write 'w/sub/assessment.xml' inside the submission folder 'w/sub'" \
		"$@" w/sub/assessment.xml
	refused 2 "refusing to write 'w/sub/evidence/x.pdf' inside the submission folder 'w/sub'" \
		"$@" w/sub/evidence/x.pdf
	refused 2 "refusing to write 'w/sub/../sub/new.coco' inside the submission folder 'w/sub'" \
		"$@" w/sub/../sub/new.coco
	ln -s sub w/alias
	refused 2 "refusing to write 'w/alias/assessment.xml' inside the submission folder 'w/sub'" \
		"$@" w/alias/assessment.xml
	refused 2 "cannot write 'w/sub': it is a folder" "$@" w/sub
	ln w/sub/assessment.xml w/hard.xml
	refused 2 "refusing to write 'w/hard.xml' over 'w/sub/assessment.xml' of the submission folder 'w/sub' (the same file)" \
		"$@" w/hard.xml
	refused 2 "refusing to write 'w/director.key' over the key 'w/director.key'" \
		"$@" w/director.key
	refused 2 "refusing to write './w/director.pem' over the certificate 'w/director.pem'" \
		"$@" ./w/director.pem
	# the folder given through a link is resolved too
	refused 2 "refusing to write 'w/sub/x.coco' inside the submission folder 'w/alias'" \
		"$COCO" create w/alias $DL_KEY --at 2027-01-01T09:00:00Z --trust "$FX/trust" \
		-o w/sub/x.coco
	expect 0 "$@" w/new.coco
}
run_case dataloss_create_into_folder dataloss_create_into_folder

# Item 2: a report never replaces what it reads; countersign in place is still allowed.
dataloss_report_over_input() {
	dl_setup
	V="--trust $FX/trust --at 2027-06-01"
	# shellcheck disable=SC2086 # V is a list of words without blanks
	refused 2 "refusing to write 'w/b.coco' over the bundle 'w/b.coco'" \
		"$COCO" verify w/b.coco $V --format html -o w/b.coco
	# shellcheck disable=SC2086
	refused 2 "refusing to write './w/b.coco' over the bundle 'w/b.coco'" \
		"$COCO" verify w/b.coco $V --format json -o ./w/b.coco
	refused 2 "refusing to write 'w/b.coco' over the bundle 'w/b.coco'" \
		"$COCO" inspect w/b.coco -o w/b.coco
	ln -s b.coco w/link.coco
	refused 2 "refusing to write 'w/b.coco' over the bundle 'w/link.coco'" \
		"$COCO" inspect w/link.coco --format json -o w/b.coco
	# shellcheck disable=SC2086
	refused 2 "refusing to write 'w/b.coco' over the bundle 'w/b.coco'" \
		"$COCO" reverify w/b.coco $V --format csv -o w/b.coco
	# a folder given to reverify: the bundles found in it are inputs
	# shellcheck disable=SC2086
	refused 2 "refusing to write 'w/b.coco' over the bundle 'w/b.coco'" \
		"$COCO" reverify w $V --format csv -o w/b.coco
	# lint reads the whole folder: a report written there would be a file create refuses
	# shellcheck disable=SC2086
	refused 2 "refusing to write 'w/sub/lint.txt' inside the submission folder 'w/sub'" \
		"$COCO" lint w/sub $V -o w/sub/lint.txt
	# shellcheck disable=SC2086
	refused 2 "refusing to write 'w/sub/assessment.xml' over the assessment 'w/sub/assessment.xml'" \
		"$COCO" lint w/sub/assessment.xml $V -o w/sub/assessment.xml
	# shellcheck disable=SC2086 # DL_SIRO is a list of words without blanks
	refused 2 "refusing to write 'w/siro.pem' over the certificate 'w/siro.pem'" \
		"$COCO" countersign w/b.coco $DL_SIRO --trust "$FX/trust" \
		--at 2027-02-01T09:00:00Z -o w/siro.pem
	# what is allowed: a report beside the bundles, and countersign in place
	# shellcheck disable=SC2086
	run "$COCO" reverify w $V --format csv -o w/register.csv
	[ "$rc" -ne 2 ] && [ -s w/register.csv ] || fail "reverify -o beside the bundles: exit $rc"
	cp w/b.coco before.coco
	# shellcheck disable=SC2086
	expect 0 "$COCO" countersign w/b.coco $DL_SIRO --trust "$FX/trust" \
		--at 2027-02-01T09:00:00Z -o w/b.coco
	! cmp -s before.coco w/b.coco || fail "countersign in place did not write"
}
run_case dataloss_report_over_input dataloss_report_over_input

# Item 5: a missing output folder is named, by every command that writes a file; extract
# makes the missing parents of -d, as documented.
dataloss_missing_folders() {
	dl_setup
	V="--trust $FX/trust --at 2027-06-01"
	# shellcheck disable=SC2086 # DL_KEY is a list of words without blanks
	refused 2 "cannot write 'w/missingdir/x.coco': folder 'w/missingdir' does not exist" \
		"$COCO" create w/sub $DL_KEY --at 2027-01-01T09:00:00Z --trust "$FX/trust" \
		-o w/missingdir/x.coco
	# shellcheck disable=SC2086 # V is a list of words without blanks
	refused 2 "cannot write 'w/no/r.json': folder 'w/no' does not exist" \
		"$COCO" verify w/b.coco $V --format json -o w/no/r.json
	refused 2 "cannot write 'w/no/r.txt': folder 'w/no' does not exist" \
		"$COCO" inspect w/b.coco -o w/no/r.txt
	# shellcheck disable=SC2086
	refused 2 "cannot write 'w/no/r.html': folder 'w/no' does not exist" \
		"$COCO" lint w/sub $V --format html -o w/no/r.html
	# shellcheck disable=SC2086
	refused 2 "cannot write 'w/no/r.csv': folder 'w/no' does not exist" \
		"$COCO" reverify w/b.coco $V --format csv -o w/no/r.csv
	# shellcheck disable=SC2086 # DL_SIRO is a list of words without blanks
	refused 2 "cannot write 'w/no/s.coco': folder 'w/no' does not exist" \
		"$COCO" countersign w/b.coco $DL_SIRO --trust "$FX/trust" \
		--at 2027-02-01T09:00:00Z -o w/no/s.coco
	refused 2 "cannot write 'w/b.coco/r.txt': 'w/b.coco' is not a folder" \
		"$COCO" inspect w/b.coco -o w/b.coco/r.txt
	# the library's own message, where no check came first (init makes DIR, not parents)
	refused 2 "cannot write 'w/no/sub': folder 'w/no' does not exist" \
		"$COCO" init w/no/sub
	# shellcheck disable=SC2086
	expect 0 "$COCO" extract w/b.coco $V -d w/received/nw/acme
	for f in assessment.xml evidence/cyber-essentials-plus.pdf; do
		cmp -s "$FX/example/$f" "w/received/nw/acme/$f" || fail "$f not extracted"
	done
	# a bundle that fails makes no folder at all
	printf x >>w/b.coco
	# shellcheck disable=SC2086
	expect 1 "$COCO" extract w/b.coco $V -d w/other/nw
	[ ! -e w/other ] || fail "a parent folder was made for a FAILED bundle"
}
run_case dataloss_missing_folders dataloss_missing_folders
