# shellcheck shell=sh
# Helpers for the end-to-end tests (sourced by run.sh). A case is a shell function run
# by run_case in a subshell inside a fresh temporary folder; any failed expectation
# ends the case with a message. stdout gets one line per case (and, with CLI_NOTES=1,
# the case's "NOTE ..." lines); the tail of a failed case's log goes to stderr.

# run_case NAME FUNCTION
run_case() {
	case $1 in *"$ONLY"*) ;; *) return 0 ;; esac
	tmp=$(mktemp -d)
	if (cd "$tmp" && "$2") >"$tmp.log" 2>&1; then
		passed=$((passed + 1))
		echo "ok $1"
		# With CLI_NOTES=1, the lines a case logged as "NOTE ..." (figures it measured).
		[ -z "${CLI_NOTES:-}" ] || sed -n "s/^NOTE /    $1: /p" "$tmp.log"
	else
		failed=$((failed + 1))
		echo "FAIL $1: $(tail -n 1 "$tmp.log")"
		tail -n 15 "$tmp.log" | sed "s/^/    $1: /" >&2
	fi
	rm -rf "$tmp" "$tmp.log"
}

fail() {
	echo "$*"
	exit 1
}

# run CMD...: runs it, keeping stdout in ./out, stderr in ./err and the status in $rc.
run() {
	"$@" >out 2>err
	rc=$?
	return 0
}

# expect EXIT CMD...: run, and require the exit status.
expect() {
	want=$1
	shift
	run "$@"
	[ "$rc" -eq "$want" ] || {
		cat out err
		fail "exit $rc, want $want: $*"
	}
}

# no_tmp_files: no temporary output (.coco-tmp-*) is left in the current folder.
no_tmp_files() {
	for f in .coco-tmp-*; do
		[ ! -e "$f" ] || fail "temporary file left: $f"
	done
}

# snapshot DIR: a listing of every path under DIR with its checksum, for "unchanged" checks.
snapshot() {
	(cd "$1" && find . -print | LC_ALL=C sort | while IFS= read -r f; do
		if [ -f "$f" ] && [ ! -h "$f" ]; then echo "$f $(cksum <"$f")"; else echo "$f"; fi
	done)
}

# normalise [FILE]: a report with what varies between runs or fixture regenerations
# replaced by placeholders: bundle paths, RFC 3339 times, serials, hex and base64 digests,
# and the sizes of the bundle and its signature entry (the signature holds the certificates).
normalise() {
	sed -e 's/^bundle     .*/bundle     <PATH>/' \
		-e 's/"path": "[^"]*"/"path": "<PATH>"/' \
		-e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/<TIME>/g' \
		-e 's/^\(  serial   \).*/\1<SERIAL>/' \
		-e 's/"serial": "[^"]*"/"serial": "<SERIAL>"/g' \
		-e 's/[0-9a-f]\{64\}/<SHA256>/g' \
		-e 's/"size": [0-9]*, "sha256"/"size": <N>, "sha256"/' \
		-e '/signature001\.p7s", "size"/s/"size": [0-9]*, "compressed_size": [0-9]*/"size": <N>, "compressed_size": <N>/' \
		-e 's/^size       [0-9]* bytes$/size       <N> bytes/' \
		-e "s|the policy '$FX/|the policy '<FIXTURES>/|" \
		-e '/  META-INF\/signature001\.p7s$/s/^ *[0-9][0-9]*/<N>/' \
		"$@"
}

# golden NAME: ./out, normalised, equals tests/cli/golden/NAME (itself normalised).
# With UPDATE_GOLDEN=1 the golden file is rewritten instead (check it by eye).
golden() {
	normalise out >got.norm
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp got.norm "$CLI/golden/$1"
		return 0
	fi
	normalise "$CLI/golden/$1" >want.norm
	cmp -s want.norm got.norm || {
		diff want.norm got.norm
		fail "output differs from golden/$1"
	}
}

has_out() { grep -q -e "$1" out || fail "stdout lacks '$1'"; }
has_err() { grep -q -e "$1" err || fail "stderr lacks '$1'"; }
no_out() { ! grep -q -e "$1" out || fail "stdout has '$1'"; }

# one_line_err: a usage or I/O error is one line naming the problem (plus an optional hint,
# and the key-permission warning a git checkout's 0644 keys get).
one_line_err() {
	n=$(grep -v '^Try ' err | grep -cv ': warning: private key')
	[ "$n" -eq 1 ] || fail "stderr has $n lines, want 1"
}

# finding ID STATUS: the JSON report in ./out has this finding.
finding() {
	grep -q "{\"id\": \"$1\", \"status\": \"$2\"" out || {
		grep '"id"' out
		fail "no finding $1 with status $2"
	}
}

# finding_on ID STATUS SUBJECT: the JSON report in ./out has this finding about SUBJECT.
finding_on() {
	grep -q "{\"id\": \"$1\", \"status\": \"$2\", \"subject\": \"$3\"" out || {
		grep '"id"' out
		fail "no finding $1 with status $2 about '$3'"
	}
}

# create_bundle OUT [SIGNER]: the sample applicant signed by SIGNER (default director).
create_bundle() {
	s=${2:-director}
	"$COCO" create "$FX/example" -o "$1" --key "$FX/pki/$s.key" --cert "$FX/pki/$s.pem" \
		--chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z --trust "$FX/trust" \
		>/dev/null 2>create.err ||
		fail "create with $s failed: $(cat create.err)"
}

# The sample applicant's assessment (version 2) as version 1, on stdout: no complies, no
# judged fields, CoCo-10's countries in one list (the sample before issue 16).
example_v1() {
	perl -0pe 's#assessment:2" version="2"#assessment:1" version="1"#;
		s# complies="yes"##g; s# licenceManagementInScope="yes"##;
		s#\n    <(firewall|automation|patchWindowDays|maxReportingDelayHours)>.*?(?=</element>|<incidentContact>)##g;
		s#\n    <hostedIn>.*?</dataEntryIn>#<countries>GB IE</countries>#;
		s#\n    <declaration>.*?</declaration>##' "$FX/example/assessment.xml"
}

verify_json() { # BUNDLE [ARGS...]
	b=$1
	shift
	run "$COCO" verify "$b" --trust "$FX/trust" --at 2027-06-01 --format json "$@"
}

# readers_setup DIR: points $COCO at DIR/coco-bundle, a wrapper that runs the current $COCO
# and, after each verify that PASSED, reads the bundle with the other zip readers
# (tests/cli/readers.sh) with their verdicts in DIR.
readers_setup() {
	printf '#!/bin/sh\nexec sh "%s/tests/cli/readers.sh" run "%s" "%s" "%s" "$@"\n' "$ROOT" "$1" \
		"$COCO_REAL" "$COCO" >"$1/coco-bundle"
	chmod +x "$1/coco-bundle"
	COCO=$1/coco-bundle
}

# vg_setup DIR: points $COCO at DIR/coco-bundle, a wrapper that runs the real binary under
# valgrind's memcheck (tests/valgrind.sh) with its logs in DIR.
vg_setup() {
	printf '#!/bin/sh\nexec sh "%s/tests/valgrind.sh" run "%s" "%s" "$@"\n' "$ROOT" "$1" \
		"$COCO" >"$1/coco-bundle"
	chmod +x "$1/coco-bundle"
	COCO=$1/coco-bundle
}

# mk_crl CA OUT LAST NEXT [INDEX-LINE]: a CRL of fixtures/pki/CA with fixed dates, listing
# the index.txt line given (a revoked certificate), made with openssl ca from a throw-away
# database.
mk_crl() {
	rm -rf crldb && mkdir crldb
	[ -z "${5:-}" ] || printf '%s\n' "$5" >crldb/index.txt
	touch crldb/index.txt
	echo 2000 >crldb/crlnumber
	cat >crldb/ca.cnf <<CNF
[ ca ]
default_ca = d
[ d ]
database = crldb/index.txt
crlnumber = crldb/crlnumber
default_md = sha256
CNF
	openssl ca -batch -config crldb/ca.cnf -gencrl -cert "$FX/pki/$1.pem" \
		-keyfile "$FX/pki/$1.key" -crl_lastupdate "$3" -crl_nextupdate "$4" \
		-out "$2" 2>crl.err || fail "openssl ca -gencrl: $(cat crl.err)"
}

# tsa_pki: tsa.pem (EKU timeStamping, critical), tsa-noncrit.pem (the same EKU, not
# critical) and their keys, issued by root-ca for 2026-01-01 .. 2036-01-01; trust-tsa/, a
# copy of the fixtures' trust with root-ca in tsa/. TSA_AKI sets tsa.pem's
# authorityKeyIdentifier (keyid unless set; none for a certificate without one).
tsa_pki() {
	rm -rf tsadb && mkdir tsadb && touch tsadb/index.txt && echo 7001 >tsadb/serial
	cat >tsadb/ca.cnf <<CNF
[ ca ]
default_ca = d
[ d ]
database = tsadb/index.txt
serial = tsadb/serial
new_certs_dir = tsadb
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
organizationName = optional
[ tsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = ${TSA_AKI:-keyid}
[ noncrit ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
	for p in tsa:tsa noncrit:tsa-noncrit; do
		ext=${p%%:*} name=${p#*:}
		openssl req -new -newkey rsa:2048 -noenc -keyout "$name.key" -out "$name.csr" \
			-subj "/CN=CoCo Test TSA $ext - TEST ONLY/O=CoCo Test" 2>ca.err &&
			openssl ca -batch -config tsadb/ca.cnf -cert "$FX/pki/root-ca.pem" \
				-keyfile "$FX/pki/root-ca.key" -extensions "$ext" \
				-startdate 20260101000000Z -enddate 20360101000000Z -in "$name.csr" \
				-out "$name.pem" -notext 2>ca.err || fail "openssl ca: $(cat ca.err)"
	done
	cp -R "$FX/trust" trust-tsa && mkdir trust-tsa/tsa && cp "$FX/pki/root-ca.pem" trust-tsa/tsa/
}
