# shellcheck shell=sh
# Reproducible workloads for bench/run.sh (sourced; the cache key is this file's checksum,
# so changing how workloads are made rebuilds them). Content is an AES-128-CTR keystream
# under a fixed key (the seed): incompressible, like real PDFs, and the same bytes on
# every machine. Each workload is fixtures/example plus evidence/certificate-N.pdf files
# (the keystream wrapped as a PDF image stream),
# each referenced from the CoCo-1 element, since `create` packages exactly the files the
# assessment references.

# prng BYTES SEED: BYTES deterministic pseudo-random bytes on stdout.
prng() {
	openssl enc -aes-128-ctr -nosalt -K "$(printf '%032x' "$2")" -iv 0 </dev/zero 2>/dev/null |
		head -c "$1"
}

# pdf_wrap BYTES: BYTES bytes of stdin as the one image stream (DCTDecode: not inflated,
# like a scanned certificate) of a minimal valid PDF on stdout; `verify` and `lint` scan
# every .pdf, so evidence must be real PDFs.
pdf_wrap() {
	h='%PDF-1.7
'
	o1='1 0 obj
<< /Type /Catalog /Pages 2 0 R >>
endobj
'
	o2='2 0 obj
<< /Type /Pages /Kids [] /Count 0 >>
endobj
'
	o3="3 0 obj
<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length $1 >>
stream
"
	t='
endstream
endobj
'
	a=${#h}
	b=$((a + ${#o1}))
	c=$((b + ${#o2}))
	x=$((c + ${#o3} + $1 + ${#t}))
	printf '%s%s%s%s' "$h" "$o1" "$o2" "$o3"
	head -c "$1"
	printf '%s' "$t"
	printf 'xref\n0 4\n0000000000 65535 f \n%010d 00000 n \n%010d 00000 n \n%010d 00000 n \n' \
		"$a" "$b" "$c"
	printf 'trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' "$x"
}

# reference DIR N: adds <supportingFile> for certificate-1..N right after CoCo-1's statement.
reference() {
	refs=""
	i=1
	while [ "$i" -le "$2" ]; do
		refs="$refs<supportingFile>evidence/certificate-$i.pdf</supportingFile>"
		i=$((i + 1))
	done
	sed -i "/<element id=\"CoCo-1\"[ >]/s|</statement>|</statement>$refs|" "$1/assessment.xml"
	grep -q "$refs" "$1/assessment.xml" || {
		echo "bench: cannot reference the evidence in $1/assessment.xml" >&2
		return 1
	}
}

# make_workload DIR FILES BYTES_EACH SEED: the folder to bundle.
make_workload() {
	rm -rf "$1"
	cp -R fixtures/example "$1"
	i=1
	while [ "$i" -le "$2" ]; do
		prng "$3" $(($4 + i)) | pdf_wrap "$3" >"$1/evidence/certificate-$i.pdf"
		i=$((i + 1))
	done
	reference "$1" "$2"
}

# make_register DIR COUNT BYTES SEED CREATE...: COUNT bundles DIR/NNNN.coco of one
# BYTES-sized evidence file each (distinct content), made by running CREATE SRC -o OUT.
make_register() {
	reg=$1
	count=$2
	bytes=$3
	seed=$4
	shift 4
	rm -rf "$reg" "$reg.src" "$reg.chunks"
	mkdir -p "$reg" "$reg.chunks"
	make_workload "$reg.src" 1 1 "$seed"
	prng $((count * bytes)) "$seed" | (cd "$reg.chunks" && split -a 4 -d -b "$bytes" - c)
	for c in "$reg.chunks"/c*; do
		n=${c##*/c}
		pdf_wrap "$bytes" <"$c" >"$reg.src/evidence/certificate-1.pdf"
		rm -f "$c"
		"$@" "$reg.src" -o "$reg/$n.coco" >/dev/null
	done
	rm -rf "$reg.src" "$reg.chunks"
}
