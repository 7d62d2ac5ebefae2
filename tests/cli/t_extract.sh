# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# extract writes the data objects of a PASSED bundle only, never overwrites, never
# writes for a bundle that does not pass.

extract_passed() {
	create_bundle b.coco
	expect 0 "$COCO" extract b.coco -d dest --trust "$FX/trust" --at 2027-06-01
	(cd "$FX/example" && find . -type f | sort) >want
	(cd dest && find . -type f | sort) >got
	cmp -s want got || fail "extracted set differs: $(diff want got)"
	while read -r f; do cmp -s "$FX/example/$f" "dest/$f" || fail "$f differs"; done <want
	if [ -e dest/META-INF ] || [ -e dest/mimetype ]; then fail "META-INF or mimetype extracted"; fi
	# A second extract refuses and changes nothing, even with one file already edited.
	snapshot dest >before
	expect 2 "$COCO" extract b.coco -d dest --trust "$FX/trust" --at 2027-06-01
	has_err "refusing to overwrite"
	snapshot dest >after
	cmp -s before after || fail "destination changed: $(diff before after)"
	echo changed >dest/assessment.xml
	rm dest/policies/acceptable-use-policy.pdf
	snapshot dest >before
	expect 2 "$COCO" extract b.coco -d dest --trust "$FX/trust" --at 2027-06-01
	has_err "overwrite"
	snapshot dest >after
	cmp -s before after || fail "destination changed: $(diff before after)"
}
run_case extract_passed extract_passed

extract_refuses_failed() {
	create_bundle b.coco
	printf x >>b.coco
	expect 1 "$COCO" extract b.coco -d dest --trust "$FX/trust" --at 2027-06-01
	has_err "not extracting"
	[ -z "$(ls -A dest 2>/dev/null)" ] || fail "files written for a FAILED bundle"
}
run_case extract_refuses_failed extract_refuses_failed

extract_refuses_tampered_and_indeterminate() {
	create_bundle b.coco
	off=$(grep -obUa 'Cyber Essentials Plus Certificate' b.coco | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || fail "marker not found"
	printf 'K' | dd of=b.coco bs=1 seek="$off" conv=notrunc 2>/dev/null
	expect 1 "$COCO" extract b.coco -d dest --trust "$FX/trust" --at 2027-06-01
	has_out "container.crc"
	[ -z "$(ls -A dest 2>/dev/null)" ] || fail "files written for a FAILED bundle"
	create_bundle u.coco untrusted
	expect 3 "$COCO" extract u.coco -d dest2 --trust "$FX/trust" --at 2027-06-01
	has_out "signer.untrusted"
	[ -z "$(ls -A dest2 2>/dev/null)" ] || fail "files written for an INDETERMINATE bundle"
}
run_case extract_refuses_tampered_and_indeterminate extract_refuses_tampered_and_indeterminate

extract_no_links() {
	create_bundle b.coco
	mkdir dest elsewhere
	ln -s ../elsewhere dest/evidence
	expect 2 "$COCO" extract b.coco -d dest --trust "$FX/trust" --at 2027-06-01
	has_err "symbolic link"
	[ -z "$(ls -A elsewhere)" ] || fail "wrote through a link"
	[ ! -e dest/assessment.xml ] || fail "wrote some files before refusing"
	ln -s elsewhere linkdir
	expect 2 "$COCO" extract b.coco -d linkdir --trust "$FX/trust" --at 2027-06-01
	[ -z "$(ls -A elsewhere)" ] || fail "wrote through a linked target"
}
run_case extract_no_links extract_no_links
