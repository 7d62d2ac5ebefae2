# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Outputs are atomic: a failed create leaves an existing OUT untouched and no temporary
# file behind; inspect lists without judging.

atomic_create() {
	create_bundle b.coco
	cp b.coco before.coco
	expect 2 "$COCO" create "$FX/example" -o b.coco --key "$FX/pki/expired.key" \
		--cert "$FX/pki/expired.pem" --at 2027-01-01
	cmp -s b.coco before.coco || fail "existing output changed"
	no_tmp_files
	# OUT is a folder: the rename fails, and the temporary file is removed.
	mkdir outdir
	expect 2 "$COCO" create "$FX/example" -o outdir --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --at 2027-01-01
	one_line_err
	[ -z "$(ls -A outdir)" ] || fail "wrote into the folder"
	no_tmp_files
	mkdir src
	cp -r "$FX/example/." src/
	ln -s /etc/passwd src/evidence/link.pdf
	expect 1 "$COCO" create src -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --at 2027-01-01
	has_err "fail assessment.file 'evidence/link.pdf': a symbolic link: links are not packaged"
	cmp -s b.coco before.coco || fail "existing output changed"
	no_tmp_files
	rm src/evidence/link.pdf
	mkfifo src/evidence/pipe.pdf
	expect 1 "$COCO" create src -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --at 2027-01-01
	has_err "fail assessment.file 'evidence/pipe.pdf': not a regular file"
	rm src/evidence/pipe.pdf src/assessment.xml
	expect 1 "$COCO" create src -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --at 2027-01-01
	has_err "fail assessment.missing 'assessment.xml'"
	has_err "refusing to package 'src'"
	cmp -s b.coco before.coco || fail "existing output changed"
}
run_case atomic_create atomic_create

inspect_lists() {
	create_bundle b.coco
	expect 0 "$COCO" inspect b.coco
	for n in mimetype assessment.xml evidence/cyber-essentials-plus.pdf \
		META-INF/ASiCManifest001.xml META-INF/signature001.p7s "signer   CN=Jane Director"; do
		has_out "$n"
	done
	no_out verdict
	expect 0 "$COCO" inspect b.coco --format json
	has_out '"entries": \['
	no_out '"verdict"'
	echo "hello" >text.coco
	expect 2 "$COCO" inspect text.coco
	one_line_err
	has_err "cannot read 'text.coco'"
}
run_case inspect_lists inspect_lists
