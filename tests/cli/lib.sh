# Helpers for the end-to-end tests (sourced by run.sh). A case is a shell function run
# by run_case in a subshell inside a fresh temporary folder; any failed expectation
# ends the case with a message.

# run_case NAME FUNCTION
run_case() {
	case $1 in *"$ONLY"*) ;; *) return 0 ;; esac
	tmp=$(mktemp -d)
	if (cd "$tmp" && "$2") >"$tmp.log" 2>&1; then
		passed=$((passed + 1))
		echo "ok $1"
	else
		failed=$((failed + 1))
		echo "FAIL $1: $(tail -n 1 "$tmp.log")"
		sed 's/^/    /' "$tmp.log" | tail -n 15
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

# create_bundle OUT [SIGNER]: the sample applicant signed by SIGNER (default director).
create_bundle() {
	s=${2:-director}
	"$COCO" create "$FX/example" -o "$1" --key "$FX/pki/$s.key" --cert "$FX/pki/$s.pem" \
		--chain "$FX/pki/chain.pem" --at 2027-01-01T09:00:00Z >/dev/null 2>create.err ||
		fail "create with $s failed: $(cat create.err)"
}

verify_json() { # BUNDLE [ARGS...]
	b=$1
	shift
	run "$COCO" verify "$b" --trust "$FX/trust" --at 2027-06-01 --format json "$@"
}
