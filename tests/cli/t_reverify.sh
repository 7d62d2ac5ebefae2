# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# reverify: statuses over time (OK, EXPIRING, EXPIRED), FAILED and INDETERMINATE rows, the
# walk (sorted, temporary and partial files skipped, links to folders not followed), CSV
# quoting and formula neutralising, JSON, -j independence, usage errors, progress.
# The sample's CE+ certificate CEP-TEST-000123 expires 2027-09-15 (valid through that day);
# the director's signing certificate on 2036-01-01.

CE="cyber-essentials-plus certificate CEP-TEST-000123"

# rv ARGS...: reverify against the fixtures' trust directory.
rv() { run "$COCO" reverify --trust "$FX/trust" "$@"; }

# row_status PATH: the status of PATH's row in the CSV in ./out.
row_status() { grep "^$1," out | cut -d, -f2; }

# want_status PATH STATUS
want_status() {
	got=$(row_status "$1")
	[ "$got" = "$2" ] || {
		cat out
		fail "$1: status '$got', want '$2'"
	}
}

# want_exit CODE: the last run exited CODE.
want_exit() {
	[ "$rc" -eq "$1" ] || {
		cat out err
		fail "exit $rc, want $1"
	}
}

# want_out TEXT: stdout is exactly TEXT (plus the final newline).
want_out() {
	printf '%s\n' "$1" >want.txt
	cmp -s want.txt out || {
		diff want.txt out
		fail "output differs"
	}
}

# One bundle at several dates: OK, then EXPIRING (inside 60 days, and on the expiry day
# itself), then EXPIRED the day after; --within moves the window.
reverify_over_time() {
	mkdir reg
	create_bundle reg/b.coco
	rv reg --at 2027-06-01
	want_exit 0
	want_out "STATUS  DAYS  EXPIRES     VERDICT  SIGN-OFF  ORGANISATION          BUNDLE      DETAIL
OK       106  2027-09-15  PASSED   none      Example Guarding Ltd  reg/b.coco  $CE
1 bundle at 2027-06-01T00:00:00Z, expiring within 60 days: 0 FAILED, 0 REJECTED, 0 EXPIRED, 0 INDETERMINATE, 0 EXPIRING, 1 OK"
	[ ! -s err ] || fail "stderr: $(cat err)"
	rv reg --at 2027-07-17 # 60 days left: the window is inclusive
	want_exit 4
	has_out "^EXPIRING    60  2027-09-15  PASSED   none "
	rv reg --at 2027-07-16
	want_exit 0
	has_out "^OK  *61  2027-09-15 "
	rv reg --at 2027-07-20
	want_exit 4
	want_out "STATUS    DAYS  EXPIRES     VERDICT  SIGN-OFF  ORGANISATION          BUNDLE      DETAIL
EXPIRING    57  2027-09-15  PASSED   none      Example Guarding Ltd  reg/b.coco  $CE
1 bundle at 2027-07-20T00:00:00Z, expiring within 60 days: 0 FAILED, 0 REJECTED, 0 EXPIRED, 0 INDETERMINATE, 1 EXPIRING, 0 OK"
	rv reg --at 2027-07-20 --within 30
	want_exit 0
	has_out "^OK  *57  2027-09-15 "
	has_out "expiring within 30 days: .* 1 OK$"
	rv reg --at 2027-09-15T23:59:59Z
	want_exit 4
	has_out "^EXPIRING     0  2027-09-15 "
	# The day after, verify itself FAILS (evidence.expired, evidence.baseline); the cause
	# is the expiry, so the status is EXPIRED.
	rv reg --at 2027-09-16
	want_exit 1
	want_out "STATUS   DAYS  EXPIRES     VERDICT  SIGN-OFF  ORGANISATION          BUNDLE      DETAIL
EXPIRED    -1  2027-09-15  FAILED   none      Example Guarding Ltd  reg/b.coco  evidence.expired 'CEP-TEST-000123': Cyber Essentials Plus certificate expired on 2027-09-15, 1 day ago
1 bundle at 2027-09-16T00:00:00Z, expiring within 60 days: 0 FAILED, 0 REJECTED, 1 EXPIRED, 0 INDETERMINATE, 0 EXPIRING, 0 OK"
	# After the signing certificate too has expired (signer.expired, INDETERMINATE):
	# still EXPIRED, and the earliest expiry is still the CE+ certificate.
	rv reg --at 2036-02-01 --format csv
	want_exit 1
	want_status reg/b.coco EXPIRED
	grep -q "^reg/b.coco,EXPIRED,Example Guarding Ltd,FAILED,none,,,2027-09-15T00:00:00Z,$CE,-3061," out ||
		fail "row: $(cat out)"
}
run_case reverify_over_time reverify_over_time

# The whole life of a submission through the CLI, up to the sign-off, which the
# countersign command adds: init and fill in, lint, create, verify, reverify over time.
reverify_lifecycle() {
	expect 0 "$COCO" init sub --org "Example Guarding Ltd"
	cp "$FX/example/assessment.xml" sub/assessment.xml
	cp -R "$FX/example/evidence/." sub/evidence/
	cp -R "$FX/example/policies/." sub/policies/
	expect 0 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01
	mkdir register
	expect 0 "$COCO" create sub -o register/example.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z \
		--trust "$FX/trust"
	expect 0 "$COCO" verify register/example.coco --trust "$FX/trust" --at 2027-01-02
	expect 0 "$COCO" countersign register/example.coco -o register/example.coco \
		--decision approved --confirm-statements --key "$FX/pki/siro.key" --cert "$FX/pki/siro.pem" \
		--trust "$FX/trust" --at 2027-01-05
	expect 0 "$COCO" verify register/example.coco --trust "$FX/trust" --at 2027-01-06
	has_out "Signed off: approved by Sam Siro - TEST ONLY on 2027-01-05"
	for spec in 2027-03-01:OK:0 2027-08-01:EXPIRING:4 2027-10-01:EXPIRED:1; do
		at=${spec%%:*}
		rest=${spec#*:}
		rv register --at "$at" --format csv
		want_exit "${rest#*:}"
		want_status register/example.coco "${rest%%:*}"
		grep -q "^register/example.coco,.*,approved,Sam Siro - TEST ONLY,2027-01-05" out ||
			fail "no approval in the row: $(cat out)"
	done
}
run_case reverify_lifecycle reverify_lifecycle

# Long-term validity: director-short's certificate ends 2027-07-01. Unsigned-off, the bundle
# is EXPIRED on 2027-08-01 (its signing certificate); approved on 2027-01-05, it is only
# EXPIRING (the CE+ certificate, 45 days left), because the approval proves the signature.
reverify_long_term() {
	mkdir reg
	create_bundle reg/plain.coco director-short
	expect 0 "$COCO" countersign reg/plain.coco -o reg/approved.coco --decision approved --confirm-statements \
		--key "$FX/pki/siro.key" --cert "$FX/pki/siro.pem" --trust "$FX/trust" \
		--at 2027-01-05
	rv reg --at 2027-08-01 --format csv
	want_exit 1
	want_status reg/plain.coco EXPIRED
	want_status reg/approved.coco EXPIRING
	grep -q '^reg/plain.coco,.*,signing certificate of Jane Director - TEST ONLY,-31,' out ||
		fail "plain: $(grep '^reg/plain' out)"
	grep -q '^reg/approved.coco,.*,cyber-essentials-plus certificate CEP-TEST-000123,45,' out ||
		fail "approved: $(grep '^reg/approved' out)"
}
run_case reverify_long_term reverify_long_term

# FAILED rows: a bundle with a byte appended, a copy with a byte changed, a file that is
# no zip, a link to nothing, a FIFO (never opened); each with its reason. Rows sorted by
# status, then days left (none last), then path.
reverify_failed() {
	mkdir reg
	create_bundle reg/good.coco
	{
		cat reg/good.coco
		printf 'x'
	} >reg/appended.coco
	size=$(wc -c <reg/good.coco)
	# a byte inside the central directory's first entry name (mimetype -> nimetype)
	off=$(grep -abo 'mimetype' reg/good.coco | tail -n 1 | cut -d: -f1)
	cp reg/good.coco reg/corrupt.coco
	printf 'n' | dd of=reg/corrupt.coco bs=1 seek="$off" conv=notrunc 2>/dev/null
	[ "$(wc -c <reg/corrupt.coco)" -eq "$size" ] || fail "corrupt copy changed size"
	printf 'not a zip\n' >reg/x.coco
	ln -s nowhere reg/dangling.coco
	mkfifo reg/fifo.coco
	rv reg --at 2027-06-01 --format csv
	want_exit 1
	want_status reg/appended.coco FAILED
	want_status reg/corrupt.coco FAILED
	want_status reg/x.coco FAILED
	want_status reg/dangling.coco FAILED
	want_status reg/fifo.coco FAILED
	want_status reg/good.coco OK
	has_out '^reg/appended.coco,FAILED,,FAILED,none,,,,,,container.eocd: archive comment or data after the end record'
	has_out '^reg/x.coco,FAILED,,FAILED,none,,,,,,container.eocd: not a zip archive: no end of central directory record'
	has_out '^reg/dangling.coco,FAILED,,,,,,,,,a link to nothing readable'
	has_out '^reg/fifo.coco,FAILED,,,,,,,,,not a regular file'
	grep '^reg/corrupt.coco,FAILED,' out | grep -q ',container\.' ||
		fail "corrupt: $(grep '^reg/corrupt' out)"
	cut -d, -f1 out >order
	printf '%s\n' path reg/appended.coco reg/corrupt.coco reg/dangling.coco reg/fifo.coco \
		reg/x.coco reg/good.coco >want.order
	cmp -s want.order order || fail "order: $(cat order)"
	rv reg --at 2027-06-01
	want_exit 1
	has_out "^FAILED  *-  -  *-  *-  *-  *reg/fifo.coco  *not a regular file$"
	has_out "^6 bundles at 2027-06-01T00:00:00Z, expiring within 60 days: 5 FAILED, 0 REJECTED, 0 EXPIRED, 0 INDETERMINATE, 0 EXPIRING, 1 OK"
	# a file named on the command line is verified whatever its name
	cp reg/good.coco renamed.bin
	rv renamed.bin --at 2027-06-01 --format csv
	want_exit 0
	want_status renamed.bin OK
}
run_case reverify_failed reverify_failed

# No trust anchors (a trust directory with only the policy): the chain is untrusted, so
# INDETERMINATE, exit 3. Once the CE+ certificate has expired, EXPIRED wins (exit 1).
reverify_indeterminate() {
	mkdir reg notrust
	cp "$FX/trust/policy.xml" notrust/
	create_bundle reg/b.coco
	run "$COCO" reverify reg --trust notrust --at 2027-06-01 --format csv
	want_exit 3
	want_status reg/b.coco INDETERMINATE
	has_out "^reg/b.coco,INDETERMINATE,Example Guarding Ltd,INDETERMINATE,none,,,2027-09-15T00:00:00Z,$CE,106,\"signer.untrusted 'CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB': no trust anchors loaded"
	run "$COCO" reverify reg --trust notrust --at 2027-08-01 --format csv
	want_exit 3 # INDETERMINATE outranks EXPIRING
	want_status reg/b.coco INDETERMINATE
	run "$COCO" reverify reg --trust notrust --at 2027-09-16 --format csv
	want_exit 1
	want_status reg/b.coco EXPIRED
	# with a FAILED bundle beside it, exit 1
	printf 'junk' >reg/bad.coco
	run "$COCO" reverify reg --trust notrust --at 2027-06-01 --format csv
	want_exit 1
}
run_case reverify_indeterminate reverify_indeterminate

# The walk: sorted and recursive; hidden files and folders, temporary (the writers'
# .coco-tmp-NAME.XXXXXX, an older extract's .coco-extract-PID.tmp) and partial files
# skipped; links to folders not followed; a folder named twice is verified once.
reverify_walk() {
	mkdir -p reg/sub/deeper reg/.trash elsewhere
	create_bundle reg/b.coco
	cp reg/b.coco reg/sub/deeper/c.coco
	cp reg/b.coco reg/.trash/old.coco # a hidden folder is not walked
	cp reg/b.coco elsewhere/linked.coco
	ln -s ../elsewhere reg/link-to-folder
	ln -s ../elsewhere/linked.coco reg/link.coco # a link to a bundle is read
	for f in .coco-tmp-b.coco.Ab12Cd .coco-extract-123.tmp .hidden.coco b.coco.part \
		b.coco.tmp b.coco~ notes.txt sub/.coco-tmp-c.coco.XyZ123; do
		printf 'junk' >"reg/$f"
	done
	rv reg reg/ --at 2027-06-01 --format csv
	want_exit 0
	printf '%s\n' path reg/b.coco reg/link.coco reg/sub/deeper/c.coco >want.order
	cut -d, -f1 out >order
	cmp -s want.order order || fail "rows: $(cat order)"
	mkdir empty
	rv empty --at 2027-06-01
	want_exit 0
	has_err "warning: no bundles (\*.coco) found"
	want_out "0 bundles at 2027-06-01T00:00:00Z, expiring within 60 days: 0 FAILED, 0 REJECTED, 0 EXPIRED, 0 INDETERMINATE, 0 EXPIRING, 0 OK"
}
run_case reverify_walk reverify_walk

# CSV (RFC 4180): a header, CRLF line ends, fields with commas or quotes quoted; a value
# from a bundle or a file name that starts like a formula gets a leading apostrophe; the
# text table shows the name as it is.
reverify_csv() {
	cp -R "$FX/example" eq
	sed 's|<legalName>Example Guarding Ltd</legalName>|<legalName>=Example Guarding Ltd</legalName>|' \
		"$FX/example/assessment.xml" >eq/assessment.xml
	expect 0 "$COCO" lint eq --trust "$FX/trust" --at 2027-01-01
	mkdir reg
	"$COCO" create eq -o 'reg/q,"x".coco' --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z \
		--trust "$FX/trust" >/dev/null 2>&1 || fail "create of the '=' submission failed"
	create_bundle reg/-lead.coco
	(cd reg && "$COCO" reverify --trust "$FX/trust" --at 2027-06-01 --format csv \
		-- -lead.coco 'q,"x".coco' >../out 2>../err)
	[ $? -eq 0 ] || fail "exit status $?: $(cat err)"
	cr=$(printf '\r')
	printf '%s\r\n' \
		"path,status,organisation,verdict,decision,decided_by,decided_at,expires,expiring,days_left,reason" \
		"'-lead.coco,OK,Example Guarding Ltd,PASSED,none,,,2027-09-15T00:00:00Z,$CE,106," \
		"\"q,\"\"x\"\".coco\",OK,'=Example Guarding Ltd,PASSED,none,,,2027-09-15T00:00:00Z,$CE,106," >want.csv
	cmp -s want.csv out || {
		diff want.csv out
		fail "CSV differs"
	}
	[ "$(grep -c "$cr\$" out)" -eq 3 ] || fail "lines do not end in CRLF"
	rv reg --at 2027-06-01
	has_out "^OK  *106  2027-09-15  PASSED   none      =Example Guarding Ltd  reg/q,\"x\".coco  "
	if command -v python3 >/dev/null 2>&1; then
		rv reg --at 2027-06-01 --format csv
		python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0][0] == "path" and len(rows) == 3, rows
assert rows[2][0] == "reg/q,\"x\".coco" and rows[2][2] == "\x27=Example Guarding Ltd", rows[2]
assert all(len(r) == 11 for r in rows), rows' out || fail "python csv disagrees"
	fi
}
run_case reverify_csv reverify_csv

# JSON: parses, names its format, carries the time, the window, the summary and the rows.
reverify_json() {
	mkdir reg
	create_bundle reg/b.coco
	printf 'junk' >reg/x.coco
	rv reg --at 2027-07-20 --format json
	want_exit 1
	for k in '"format": "coco-bundle-reverify/1"' '"verification_time": "2027-07-20T00:00:00Z"' \
		'"within_days": 60' '"summary": {"bundles": 2, "FAILED": 1, "REJECTED": 0, "EXPIRED": 0, "INDETERMINATE": 0, "EXPIRING": 1, "OK": 0}' \
		'{"path": "reg/x.coco", "status": "FAILED", "organisation": null, "verdict": "FAILED"' \
		'{"path": "reg/b.coco", "status": "EXPIRING", "organisation": "Example Guarding Ltd", "verdict": "PASSED"' \
		'"decision": "none", "decided_by": null, "decided_at": null' \
		"\"expires\": \"2027-09-15T00:00:00Z\", \"expiring\": \"$CE\", \"days_left\": 57, \"reason\": null"; do
		grep -qF -e "$k" out || fail "JSON lacks $k"
	done
	if command -v python3 >/dev/null 2>&1; then
		python3 -m json.tool out >/dev/null || fail "JSON does not parse"
		python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert [r["status"] for r in d["rows"]] == ["FAILED", "EXPIRING"], d
assert d["rows"][1]["days_left"] == 57, d' out || fail "JSON content"
	fi
	cp out stdout.json
	rv reg --at 2027-07-20 --format json -o report.json
	want_exit 1
	[ ! -s out ] || fail "also written to stdout"
	cmp -s report.json stdout.json || fail "-o differs from stdout"
	no_tmp_files
}
run_case reverify_json reverify_json

# The same rows in the same order whatever -j; no progress when stderr is not a terminal.
reverify_jobs() {
	mkdir -p reg/a reg/b
	create_bundle reg/a/1.coco
	for n in 2 3 4 5; do cp reg/a/1.coco "reg/b/$n.coco"; done
	cp reg/a/1.coco reg/a/6.coco
	printf 'junk' >reg/b/0.coco
	for f in text json csv; do
		rv -j 1 reg --at 2027-07-20 --format "$f"
		want_exit 1
		[ ! -s err ] || fail "stderr not empty: $(cat err)"
		mv out one.$f
		for j in 2 5 64; do
			rv reg --jobs "$j" --at 2027-07-20 --format "$f"
			want_exit 1
			[ ! -s err ] || fail "stderr not empty: $(cat err)"
			cmp -s one.$f out || fail "-j $j differs from -j 1 ($f)"
		done
	done
	rv reg --at 2027-07-20 --format csv # the default -j
	cmp -s one.csv out || fail "default -j differs from -j 1"
}
run_case reverify_jobs reverify_jobs

# Progress goes to stderr on a terminal (script(1) gives it one), and not into stdout.
reverify_progress() {
	command -v script >/dev/null 2>&1 || return 0
	mkdir reg
	create_bundle reg/a.coco
	cp reg/a.coco reg/b.coco
	script -qec "'$COCO' reverify -j 1 --trust '$FX/trust' --at 2027-06-01 reg --format csv -o table.csv" \
		/dev/null >tty.txt 2>&1 </dev/null || fail "script: $(cat tty.txt)"
	grep -q 'reverify: 1/2 bundles' tty.txt || fail "no progress: $(cat tty.txt)"
	grep -q 'reverify: 2/2 bundles' tty.txt || fail "no final progress: $(cat tty.txt)"
	! grep -q reverify table.csv || fail "progress in the output"
	[ "$(wc -l <table.csv)" -eq 3 ] || fail "table: $(cat table.csv)"
}
run_case reverify_progress reverify_progress

reverify_usage() {
	for w in -1 abc 36501 "" 1.5 +3 " 3"; do
		expect 2 "$COCO" reverify x --within "$w"
		one_line_err
		has_err "invalid --within '$w'"
	done
	for j in 0 65 x -2 ""; do
		expect 2 "$COCO" reverify x -j "$j"
		one_line_err
		has_err "invalid -j '$j'"
	done
	expect 2 "$COCO" reverify x --format xml
	has_err "unknown format 'xml' (text, json or csv)"
	expect 2 "$COCO" reverify
	has_err "expected at least one PATH"
	expect 2 "$COCO" reverify x --within 3 --within 4
	has_err "option '--within' given more than once"
	expect 2 "$COCO" reverify x -j 1 --jobs 2
	has_err "option '--jobs' given more than once"
	expect 2 "$COCO" reverify x --bogus
	has_err "unknown option '--bogus'"
	expect 2 "$COCO" reverify x --at 2027-02-30
	has_err "invalid --at '2027-02-30'"
	expect 2 "$COCO" reverify no-such-folder --trust "$FX/trust" --at 2027-01-01
	one_line_err
	has_err "cannot open 'no-such-folder': No such file or directory"
	expect 2 "$COCO" reverify . --trust no-such-trust --at 2027-01-01
	has_err "cannot open trust directory 'no-such-trust'"
	[ ! -s out ] || fail "output on a usage error"
}
run_case reverify_usage reverify_usage
