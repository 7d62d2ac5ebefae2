# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Conventions a newcomer expects (issue 18, "Smaller"): 'coco-bundle help COMMAND',
# --format values in any case, the bundle's size in a report that stopped early, and one
# trust directory named by every document.

conv_help_command() {
	for c in init lint create verify inspect extract countersign reverify; do
		expect 0 "$COCO" "$c" --help
		mv out want.txt
		expect 0 "$COCO" help "$c"
		cmp -s want.txt out || fail "'help $c' differs from '$c --help'"
	done
	expect 0 "$COCO" --help
	mv out want.txt
	expect 0 "$COCO" help
	cmp -s want.txt out || fail "'help' differs from '--help'"
	has_out "coco-bundle help COMMAND"
	has_out "^Trust directory: --trust DIR, else \$COCO_TRUST, else /.*/share/coco-bundle/trust\.\$"
	expect 2 "$COCO" help frobnicate
	one_line_err
	has_err "^coco-bundle: 'frobnicate' is not a command; see 'coco-bundle --help'\$"
	expect 2 "$COCO" help verify lint
	one_line_err
}
run_case conv_help_command conv_help_command

conv_format_any_case() {
	create_bundle b.coco
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format JSON
	has_out '"format": "coco-bundle-report/1"'
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2027-06-01 --format Html
	has_out '<!DOCTYPE html>'
	expect 0 "$COCO" inspect b.coco --format Xml
	has_out '<?xml'
	expect 2 "$COCO" inspect b.coco --format HTML
	has_err "format 'html' is for verify and lint"
	run "$COCO" lint "$FX/example" --trust "$FX/trust" --at 2027-06-01 --format Json
	has_out '"verdict"'
	run "$COCO" reverify b.coco --trust "$FX/trust" --at 2027-06-01 --format CSV
	has_out '^path,status,'
	run "$COCO" reverify b.coco --trust "$FX/trust" --at 2027-06-01 --format jSoN
	has_out '"format": "coco-bundle-reverify/1"'
	expect 2 "$COCO" verify b.coco --format yaml
	has_err "unknown format 'yaml'"
}
run_case conv_format_any_case conv_format_any_case

# A file that is not a zip stops verify before the archive is open: the report still
# gives the file's size.
conv_size_when_failed_early() {
	printf 'not a zip, 27 bytes long..\n' >g.coco
	[ "$(wc -c <g.coco)" -eq 27 ] || fail "test file is not 27 bytes"
	expect 1 "$COCO" verify g.coco --trust "$FX/trust" --at 2027-06-01 --format json
	has_out '"bundle": {"path": "g.coco", "size": 27, '
}
run_case conv_size_when_failed_early conv_size_when_failed_early

# Every document names the same default trust directory, the one the Makefile compiles in,
# and no other trust path.
conv_one_trust_path() {
	want=$(sed -n 's/^DATADIR = \$(PREFIX)\(.*\)$/\1/p' "$ROOT/Makefile")/trust
	[ "$want" = /share/coco-bundle/trust ] || fail "Makefile's DATADIR moved: $want"
	for doc in README.md docs/coco-bundle.1 docs/TRUST.md docs/OPERATIONS.md trust/README; do
		sed 's/\\-/-/g' "$ROOT/$doc" >doc.txt
		grep -q "/usr/local$want\|PREFIX$want" doc.txt || fail "$doc does not name the default"
		grep -o '[A-Za-z/._-]*/trust\>' doc.txt | grep -v "^/usr/local$want\$" |
			grep -v "^PREFIX$want\$" | grep '^/' && fail "$doc names another trust path"
	done
	return 0
}
run_case conv_one_trust_path conv_one_trust_path

# Issue 18 item 11: the other kind of input is named, with the command that takes it, before
# anything else (no trust directory needed, nothing written).
conv_wrong_input_kind() {
	create_bundle b.coco
	for c in verify inspect; do
		expect 2 "$COCO" "$c" "$FX/example"
		one_line_err
		has_err "^coco-bundle: '$FX/example' is a folder, not a bundle: '$c' takes a bundle (\.coco); check a submission folder with 'coco-bundle lint'\$"
	done
	expect 2 "$COCO" extract "$FX/example" -d x
	has_err "is a folder, not a bundle: 'extract' takes a bundle"
	[ ! -e x ] || fail "extract made its folder"
	expect 2 "$COCO" countersign "$FX/example" -o y.coco --decision approved \
		--key "$FX/pki/siro.key" --cert "$FX/pki/siro.pem"
	has_err "is a folder, not a bundle: 'countersign' takes a bundle"
	expect 2 "$COCO" lint b.coco
	one_line_err
	has_err "^coco-bundle: 'b.coco' is a bundle, not a submission folder: 'lint' takes a folder; check a bundle with 'coco-bundle verify'\$"
	expect 2 "$COCO" create b.coco -o c.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem"
	has_err "'b.coco' is a bundle, not a submission folder: 'create' takes a folder"
	[ ! -e c.coco ] || fail "create wrote c.coco"
}
run_case conv_wrong_input_kind conv_wrong_input_kind

# Issue 18 "Smaller": verify of several bundles, a summary line, the worst exit.
conv_verify_several() {
	create_bundle a.coco
	cp a.coco b.coco
	printf 'not a zip' >c.coco
	expect 0 "$COCO" verify a.coco b.coco --trust "$FX/trust" --at 2027-06-01
	[ "$(grep -c '^verdict    PASSED' out)" = 2 ] || fail "want two reports"
	has_out "^2 bundles: 2 PASSED, 0 FAILED, 0 INDETERMINATE, 0 not verified\$"
	expect 1 "$COCO" verify a.coco c.coco b.coco --trust "$FX/trust" --at 2027-06-01
	has_out "^3 bundles: 2 PASSED, 1 FAILED, 0 INDETERMINATE, 0 not verified\$"
	expect 2 "$COCO" verify a.coco missing.coco c.coco --trust "$FX/trust" --at 2027-06-01
	has_out "^3 bundles: 1 PASSED, 1 FAILED, 0 INDETERMINATE, 1 not verified\$"
	has_err "^coco-bundle: cannot open 'missing.coco': No such file or directory\$"
	# a signer no anchor reaches is INDETERMINATE: worse than PASSED, better than FAILED
	create_bundle u.coco untrusted
	expect 3 "$COCO" verify a.coco u.coco --trust "$FX/trust" --at 2027-06-01
	has_out "^2 bundles: 1 PASSED, 0 FAILED, 1 INDETERMINATE, 0 not verified\$"
	expect 1 "$COCO" verify u.coco c.coco --trust "$FX/trust" --at 2027-06-01
	expect 2 "$COCO" verify a.coco b.coco --format json
	one_line_err
	has_err "several bundles give text reports on standard output: for --format or -o, verify one bundle at a time"
	expect 2 "$COCO" verify a.coco b.coco -o r.txt --trust "$FX/trust"
	[ ! -e r.txt ] || fail "wrote r.txt"
}
run_case conv_verify_several conv_verify_several

# Issue 18 "Smaller": create prints the bundle's SHA-256 as sha256sum does.
conv_create_sha256() {
	expect 0 "$COCO" create "$FX/example" -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" --at 2027-01-01
	[ "$(sed -n 2p out)" = "$(sha256sum b.coco)" ] ||
		fail "second line '$(sed -n 2p out)', sha256sum says '$(sha256sum b.coco)'"
	sed -n 2p out | sha256sum -c --quiet - || fail "sha256sum -c refused the line"
}
run_case conv_create_sha256 conv_create_sha256
