# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Usage: --help, --version, and one-line errors with exit 2 for every misuse.

# command:source:table for every subcommand's getopt_long options.
OPTION_TABLES="init:cmd_init.c:init_opts lint:cmd_lint.c:lint_opts create:cmd_create.c:create_opts
verify:cmd_verify.c:verify_opts inspect:cmd_verify.c:inspect_opts extract:cmd_extract.c:extract_opts
countersign:cmd_countersign.c:countersign_opts reverify:cmd_reverify.c:reverify_opts"

usage_help() {
	expect 0 "$COCO" --help
	for c in create verify inspect extract; do has_out "$c"; done
	expect 0 "$COCO" --version
	has_out '^coco-bundle [0-9]'
	expect 0 "$COCO" create --help
	for o in --output --key --cert --chain --p12 --pass --at --help; do has_out "$o"; done
	expect 0 "$COCO" verify --help
	for o in --trust --at --format --output --help; do has_out "$o"; done
	expect 0 "$COCO" inspect --help
	for o in --format --output --help; do has_out "$o"; done
	expect 0 "$COCO" extract --help
	for o in --directory --trust --at --help; do has_out "$o"; done
}
run_case usage_help usage_help

# Every long option in a subcommand's getopt table (read from the source, so a new option
# without help text fails here) appears in that subcommand's --help.
usage_help_lists_every_option() {
	for spec in $OPTION_TABLES; do
		cmd=${spec%%:*}
		rest=${spec#*:}
		table=${rest#*:}
		opts=$(sed -n "/$table\[\] = {/,/};/p" "$ROOT/src/cli/${rest%%:*}" |
			grep -o '{"[a-z0-9-]*"' | tr -d '{"')
		[ -n "$opts" ] || fail "no options found in $table"
		expect 0 "$COCO" "$cmd" --help
		for o in $opts; do has_out "--$o"; done
		expect 0 "$COCO" "$cmd" -h
		has_out "^usage: coco-bundle $cmd"
	done
}
run_case usage_help_lists_every_option usage_help_lists_every_option

# Every command has a section in the man page and every option of every command is in it
# (compared with roff's \- escapes undone).
usage_man_matches_help() {
	sed 's/\\-/-/g' "$ROOT/docs/coco-bundle.1" >man.txt
	for spec in $OPTION_TABLES; do
		cmd=${spec%%:*}
		rest=${spec#*:}
		table=${rest#*:}
		grep -q "^\.SS $cmd\$" man.txt || fail "man page lacks a section for $cmd"
		for o in $(sed -n "/$table\[\] = {/,/};/p" "$ROOT/src/cli/${rest%%:*}" |
			grep -o '{"[a-z0-9-]*"' | tr -d '{"'); do
			grep -q -e "--$o\>" man.txt || fail "man page lacks --$o ($cmd)"
		done
	done
	grep -q -e '--version' man.txt || fail "man page lacks --version"
}
run_case usage_man_matches_help usage_man_matches_help

usage_errors() {
	# arguments quoted in errors cannot break the line or drive the terminal
	expect 2 "$COCO" lint x --format "$(printf 'te\nxt')"
	one_line_err
	expect 2 "$COCO" verify x.coco "$(printf -- '--bogus\033[31m')"
	! grep -q "$(printf '\033')" err || fail "an escape character reached stderr"
	expect 2 "$COCO"
	has_err "^usage: coco-bundle"
	expect 2 "$COCO" frobnicate
	one_line_err
	has_err "'frobnicate' is not a command"
	expect 2 "$COCO" verify x.coco --bogus
	has_err "--bogus"
	expect 2 "$COCO" create d -o o.coco --key k --cert c --bogus
	has_err "--bogus"
	expect 2 "$COCO" inspect x.coco -z
	expect 2 "$COCO" extract x.coco -d d --bogus
	expect 2 "$COCO" verify x.coco --at
	expect 2 "$COCO" verify
	has_err "expected a BUNDLE"
	expect 2 "$COCO" verify x.coco --at 2027-01-01 --at 2027-01-02
	has_err "more than once"
	expect 2 "$COCO" create d -o a.coco -o b.coco --key k --cert c
	has_err "more than once"
	expect 2 "$COCO" inspect x.coco --format json --format text
	has_err "more than once"
	expect 2 "$COCO" extract x.coco -d a -d b
	has_err "more than once"
	for t in 2027-02-30 2027-01-01T25:00:00Z 27-01-01 yesterday ""; do
		expect 2 "$COCO" verify x.coco --at "$t"
		has_err "invalid --at '$t'"
	done
	expect 2 "$COCO" extract x.coco -d d --at 2027-13-01
	has_err "invalid --at"
	expect 2 "$COCO" create "$FX/example" -o o.coco --key k --cert c --at 2027-13-01
	has_err "invalid --at"
	expect 2 "$COCO" verify x.coco --at 2027-02-30
	has_err "invalid --at '2027-02-30'"
	expect 2 "$COCO" verify x.coco --format yaml
	has_err "unknown format 'yaml'"
	expect 2 "$COCO" inspect x.coco --format html
	has_err "format 'html' is for verify and lint"
	one_line_err
	expect 2 "$COCO" create "$FX/example" --key k --cert c
	has_err "-o OUT is required"
	expect 2 "$COCO" create "$FX/example" -o o.coco --p12 p --key k
	has_err "cannot be combined"
	expect 2 "$COCO" create "$FX/example" -o o.coco --key k
	has_err "give --key and --cert, --p12, or --pkcs11-uri"
	expect 2 "$COCO" create "$FX/example" -o - --key k --cert c
	has_err "standard output"
	expect 2 "$COCO" create "$FX/example" -o o.coco --key k --cert c --pass secret
	has_err "invalid --pass: not a pass-phrase source"
	! grep -q secret err || fail "the --pass value is shown"
	[ ! -e o.coco ] || fail "output written"
	expect 2 "$COCO" extract b.coco
	has_err "-d DIR is required"
}
run_case usage_errors usage_errors

usage_missing_files() {
	expect 2 "$COCO" verify missing.coco --trust "$FX/trust" --at 2027-01-01
	one_line_err
	has_err "cannot open 'missing.coco': No such file or directory"
	expect 2 "$COCO" verify missing.coco --trust no-such-trust --at 2027-01-01
	one_line_err
	has_err "cannot open trust directory 'no-such-trust'"
	mkdir adir
	expect 2 "$COCO" verify adir --trust "$FX/trust" --at 2027-01-01
	has_err "'adir' is a folder, not a bundle: 'verify' takes a bundle (.coco); check a submission folder with 'coco-bundle lint'"
	expect 2 "$COCO" inspect missing.coco
	has_err "missing.coco"
	expect 2 "$COCO" create "$FX/example" -o o.coco --key nokey.pem --cert "$FX/pki/director.pem"
	one_line_err
	has_err "cannot open 'nokey.pem'"
	[ ! -e o.coco ] || fail "output written"
	expect 2 env COCO_TRUST=no-such-env-trust "$COCO" verify missing.coco --at 2027-01-01
	has_err "no-such-env-trust"
	expect 2 "$COCO" create no-such-dir -o o.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --at 2027-01-01
	one_line_err
	has_err "'no-such-dir'"
	[ ! -e o.coco ] || fail "output written"
	expect 2 "$COCO" extract missing.coco -d dest --trust "$FX/trust" --at 2027-01-01
	has_err "missing.coco"
	[ ! -e dest ] || fail "destination created for a missing bundle"
}
run_case usage_missing_files usage_missing_files

usage_every_id_documented() {
	ids=$(grep -ohE '"(container|manifest|signature|signer|verify|assessment|evidence|signoff|pdf|timestamp|archive)\.[a-z_0-9]+"' "$ROOT"/src/lib/*.c "$ROOT"/src/lib/*/*.c |
		tr -d '"' | sort -u | grep -vE '\.(h|c)$')
	[ -n "$ids" ] || fail "no ids found in the sources"
	for id in $ids; do
		grep -q "\`$id\`" "$ROOT/docs/checks.md" || fail "$id is not in docs/checks.md"
	done
}
run_case usage_every_id_documented usage_every_id_documented
