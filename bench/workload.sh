# shellcheck shell=sh
# Reproducible workloads for bench/run.sh (sourced; the cache key is this file's checksum,
# so changing how workloads are made rebuilds them). Content is an AES-128-CTR keystream
# under a fixed key (the seed): incompressible, like real PDFs, and the same bytes on
# every machine. Each workload is fixtures/example plus evidence/certificate-N.pdf files,
# each referenced from the CoCo-1 element, since `create` packages exactly the files the
# assessment references.

# prng BYTES SEED: BYTES deterministic pseudo-random bytes on stdout.
prng() {
	openssl enc -aes-128-ctr -nosalt -K "$(printf '%032x' "$2")" -iv 0 </dev/zero 2>/dev/null |
		head -c "$1"
}

# reference DIR N: adds <supportingFile> for certificate-1..N right after CoCo-1's statement.
reference() {
	refs=""
	i=1
	while [ "$i" -le "$2" ]; do
		refs="$refs<supportingFile>evidence/certificate-$i.pdf</supportingFile>"
		i=$((i + 1))
	done
	sed -i "/<element id=\"CoCo-1\">/s|</statement>|</statement>$refs|" "$1/assessment.xml"
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
		prng "$3" $(($4 + i)) >"$1/evidence/certificate-$i.pdf"
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
		mv "$c" "$reg.src/evidence/certificate-1.pdf"
		"$@" "$reg.src" -o "$reg/$n.coco" >/dev/null
	done
	rm -rf "$reg.src" "$reg.chunks"
}
