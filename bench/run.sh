#!/bin/sh
# make bench: run from the repository root with COCO set to the absolute path of
# build/coco-bundle. Builds reproducible workloads (bench/workload.sh; cached in
# bench/work/cache), measures coco-bundle create and verify at 1, 20 and 200 MB, a
# register of 1,000 1 MB bundles, and peers on the same bytes: the SHA-256 floor, the
# stock unzip + openssl cms + sha256sum check, and jarsigner. Wall time is the median of
# RUNS timed runs (hyperfine if installed, else date(1)); peak RSS is the median of RUNS
# runs under GNU time. Prints the table and writes docs/PERFORMANCE.md.
set -eu
COCO=${COCO:-$(pwd)/build/coco-bundle}
RUNS=${RUNS:-3}
AT=2026-12-01T00:00:00Z
TRUST=fixtures/trust
CA=fixtures/trust/signers/root-ca.pem
P12=fixtures/pki/director.p12
P12_PASS=test-pass
work=bench/work
cache=$work/cache
run=$work/run
. bench/workload.sh

rm -rf "$run"
mkdir -p "$run" "$cache"
trap 'rm -rf "$run"' EXIT INT TERM
epoch=$(date -u -d "$AT" +%s)
cp fixtures/pki/director.key "$run/key.pem"
chmod 600 "$run/key.pem"
CREATE="$COCO create --key $run/key.pem --cert fixtures/pki/director.pem --chain fixtures/pki/chain.pem --at $AT"

have() { command -v "$1" >/dev/null 2>&1; }

create_src() { # SRC -o OUT
	# shellcheck disable=SC2086 # CREATE is split on purpose; its paths have no spaces
	$CREATE "$@"
}

# ---- workloads (cached) -------------------------------------------------------------

key=$(cat bench/workload.sh bench/pdf50.py fixtures/pki/director.pem fixtures/pki/chain.pem \
	fixtures/example/assessment.xml | sha256sum | cut -c1-16)
if [ ! -f "$cache/$key.done" ]; then
	echo "bench: generating workloads in $cache (once)" >&2
	rm -rf "${cache:?}"/*
	make_workload "$cache/w1" 1 1000000 100
	make_workload "$cache/w20" 1 20000000 200
	make_workload "$cache/w200" 4 50000000 300
	make_register "$cache/register" 1000 1000000 400 create_src
	# PDF scanning: the sample plus one 50 MB PDF, a scanned image or Flate text pages
	make_workload "$cache/pdfimg" 1 50000000 500
	make_workload "$cache/pdftext" 1 1 600
	python3 bench/pdf50.py "$cache/pdftext/evidence/certificate-1.pdf"
	touch "$cache/$key.done"
fi

# ---- measuring ----------------------------------------------------------------------

# q ARG: ARG single-quoted for hyperfine's own word splitting.
q() { printf "'%s' " "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# wall CMD...: median wall seconds of RUNS runs; FRESH names a file removed before each.
wall() {
	if have hyperfine; then
		cmd=""
		for a in "$@"; do cmd="$cmd$(q "$a")"; done
		if [ -n "${FRESH:-}" ]; then set -- --prepare "rm -f $(q "$FRESH")"; else set --; fi
		hyperfine -N --runs "$RUNS" --style none --export-json "$run/h.json" "$@" "$cmd" \
			>/dev/null 2>&1
		sed -n 's/.*"median": *\([0-9.eE+-]*\).*/\1/p' "$run/h.json" | head -n 1
	else
		for _ in $(seq "$RUNS"); do
			rm -f "${FRESH:-/nonexistent/.}"
			t0=$(date +%s%N)
			"$@" >/dev/null 2>&1
			t1=$(date +%s%N)
			echo "$(((t1 - t0) / 1000))" | awk '{ print $1 / 1e6 }'
		done | median
	fi
}

# rss CMD...: median peak RSS (KB) of RUNS runs; for a pipeline, its largest process.
rss() {
	for _ in $(seq "$RUNS"); do
		rm -f "${FRESH:-/nonexistent/.}"
		/usr/bin/time -f '%M' -o "$run/t" "$@" >/dev/null 2>&1
		tail -n 1 "$run/t"
	done | median
}

# measure ID LABEL CMD...: one untimed run that must succeed (also the warm-up), then the
# timed runs. Appends "ID LABEL seconds KB" (tab-separated) to $run/results.
measure() {
	id=$1
	label=$2
	shift 2
	if ! "$@" >/dev/null 2>"$run/err"; then
		echo "bench: $label failed: $*" >&2
		cat "$run/err" >&2
		exit 1
	fi
	s=$(wall "$@")
	if [ -x /usr/bin/time ] && [ "${NO_RSS:-}" != 1 ]; then kb=$(rss "$@"); else kb=""; fi
	printf '%s\t%s\t%s\t%s\n' "$id" "$label" "$s" "$kb" >>"$run/results"
	printf '%-58s %9s ms %8s KB\n' "$label" "$(awk -v s="$s" 'BEGIN { printf "%.1f", s * 1000 }')" \
		"${kb:-n/a}" >&2
}

: >"$run/results"
alias=""
if have jarsigner && have keytool && have jar; then
	alias=$(keytool -list -keystore "$P12" -storetype PKCS12 -storepass "$P12_PASS" 2>/dev/null |
		sed -n "s/^\(.*\), [A-Z][a-z]* [0-9]*, [0-9]*, PrivateKeyEntry,.*/\1/p" | head -n 1)
fi

# ---- a local TSA for create --tsa (issue 17): tests/cli/tsa.py on 127.0.0.1, its
# certificate issued by the fixtures' root CA with fixed dates, genTime fixed; each request
# costs a python process and an `openssl cms -sign`, as a real TSA costs a round trip.
tsa_url=""
tsa_pid=""
if have python3; then
	mkdir -p "$run/tsadb" && : >"$run/tsadb/index.txt" && echo 7001 >"$run/tsadb/serial"
	cat >"$run/tsadb/ca.cnf" <<CNF
[ ca ]
default_ca = d
[ d ]
database = $run/tsadb/index.txt
serial = $run/tsadb/serial
new_certs_dir = $run/tsadb
default_md = sha256
policy = any
copy_extensions = none
[ any ]
commonName = supplied
[ tsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
	openssl req -new -newkey rsa:2048 -noenc -keyout "$run/tsa.key" -out "$run/tsa.csr" \
		-subj "/CN=CoCo Bench TSA - TEST ONLY" 2>/dev/null
	openssl ca -batch -config "$run/tsadb/ca.cnf" -cert fixtures/pki/root-ca.pem \
		-keyfile fixtures/pki/root-ca.key -extensions tsa -startdate 20260101000000Z \
		-enddate 20360101000000Z -in "$run/tsa.csr" -out "$run/tsa.pem" -notext 2>/dev/null
	python3 tests/cli/tsa.py --cert "$run/tsa.pem" --key "$run/tsa.key" \
		--time 20261201000000Z --port-file "$run/tsa.port" --max 64 --life 900 \
		2>"$run/tsa.err" &
	tsa_pid=$!
	n=0
	while [ ! -s "$run/tsa.port" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	if [ -s "$run/tsa.port" ]; then
		tsa_url="http://127.0.0.1:$(cat "$run/tsa.port")/"
	else
		echo "bench: the local TSA did not start, create --tsa not measured: $(cat "$run/tsa.err")" >&2
	fi
fi
trap 'rm -rf "$run"; [ -z "$tsa_pid" ] || kill "$tsa_pid" 2>/dev/null' EXIT INT TERM

for mb in 1 20 200; do
	w=$cache/w$mb
	files=$(cd "$w" && find . -type f | LC_ALL=C sort | sed 's|^\./||')
	set --
	for f in $files; do set -- "$@" "$w/$f"; done
	# shellcheck disable=SC2086 # CREATE is split on purpose; its paths have no spaces
	# A new bundle each time, as in real use (replacing one adds the old file's unlink).
	FRESH=$run/b$mb.coco measure "create$mb" "coco-bundle create, $mb MB" \
		$CREATE "$w" -o "$run/b$mb.coco"
	if [ "$mb" = 200 ] && [ -n "$tsa_url" ]; then
		FRESH=$run/t$mb.coco measure "tsacreate$mb" "coco-bundle create --tsa (local TSA), $mb MB" \
			$CREATE --tsa "$tsa_url" "$w" -o "$run/t$mb.coco"
	fi
	measure "verify$mb" "coco-bundle verify, $mb MB" "$COCO" verify "$run/b$mb.coco" \
		--trust "$TRUST" --at "$AT"
	measure "floor$mb" "floor: openssl dgst -sha256 FILES, $mb MB" openssl dgst -sha256 "$@"
	measure "pipe$mb" "piped floor: cat FILES | openssl dgst -sha256, $mb MB" \
		sh -c 'cat "$@" | openssl dgst -sha256' sh "$@"
	measure "stock$mb" "stock: unzip + openssl cms + sha256sum, $mb MB" \
		sh bench/stock.sh "$run/b$mb.coco" "$CA" "$epoch"
	if [ -n "$alias" ]; then
		jf=$cache/w$mb.jar
		if [ ! -f "$jf" ]; then
			rm -f "$run/u.jar"
			jar --create --no-compress --file "$run/u.jar" -C "$w" .
			jarsigner -keystore "$P12" -storetype PKCS12 -storepass "$P12_PASS" \
				-signedjar "$jf" "$run/u.jar" "$alias" >/dev/null
		fi
		measure "jar$mb" "jarsigner -verify, $mb MB" jarsigner -verify "$jf"
	fi
done

reg=$cache/register
# One untimed run on a pseudo-terminal (script(1)), so that progress is shown as an operator
# sees it; the last progress line is kept for the report.
progress="not shown (script(1) is not installed)"
if have script; then
	script -qec "$(q "$COCO") reverify -j 2 --trust $(q "$TRUST") --at $AT $(q "$reg") -o $(q "$run/reg.txt")" \
		/dev/null </dev/null | tr '\r' '\n' >"$run/tty" || true
	progress=$(grep -o 'reverify: [0-9]*/[0-9]* bundles' "$run/tty" | tail -n 1)
	progress=${progress:-none: $(tail -n 1 "$run/tty")}
	echo "bench: progress on a terminal: $(grep -c 'reverify: ' "$run/tty") updates, last '$progress'" >&2
fi
for j in 1 2; do
	NO_RSS=1 measure "reg$j" "coco-bundle reverify -j $j, 1000 x 1 MB" \
		"$COCO" reverify -j "$j" --trust "$TRUST" --at "$AT" "$reg"
done

# ---- PDF scanning: lint of the sample plus one 50 MB PDF vs SHA-256 over that PDF -----

for k in img text; do
	p=$cache/pdf$k/evidence/certificate-1.pdf
	measure "pdf$k" "coco-bundle lint, 50 MB PDF ($k)" "$COCO" lint "$cache/pdf$k" \
		--trust "$TRUST" --at "$AT"
	measure "pdfsha$k" "floor: openssl dgst -sha256, that PDF ($k)" openssl dgst -sha256 "$p"
done

# ---- report -------------------------------------------------------------------------

get() { awk -F'\t' -v id="$1" -v f="$2" '$1 == id { print $f }' "$run/results"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
ratio() { # A B: A/B with two decimals, or a dash
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'
}
mark() { awk -v c="$1" 'BEGIN { print (c ? "met" : "NOT met") }'; }

table() {
	echo "| measure | wall (median) | x floor | x jarsigner | peak RSS |"
	echo "|---|---:|---:|---:|---:|"
	tab=$(printf '\t')
	while IFS=$tab read -r id label s kb; do
		size=$(echo "$id" | tr -dc 0-9)
		case $id in reg*) fl="" jr="" ;; *) fl=$(get "floor$size" 3) jr=$(get "jar$size" 3) ;; esac
		echo "| $(echo "$label" | sed 's/|/\\|/g') | $(ms "$s") ms | $(ratio "$s" "$fl") | $(ratio "$s" "$jr") | ${kb:+$kb KB} |"
	done <"$run/results"
}

v200=$(get verify200 3) f200=$(get floor200 3) c200=$(get create200 3) v1=$(get verify1 3)
r1=$(get reg1 3) r2=$(get reg2 3)
maxrss=$(for m in 1 20 200; do get "verify$m" 4; done | sort -n | tail -n 1)
t_verify=$(mark "$(awk -v a="$v200" -v b="$f200" 'BEGIN { print (a <= 1.5 * b) }')")
t_rss=$(mark "$(awk -v a="$maxrss" 'BEGIN { print (a <= 16384) }')")
t_create=$(mark "$(awk -v a="$c200" -v b="$f200" 'BEGIN { print (a <= 2 * b) }')")
t200=$(get tsacreate200 3)
t_tsa=$(mark "$(awk -v a="$t200" -v b="$f200" 'BEGIN { print (a != "" && a <= 2 * b) }')")
t_reg=$(mark "$(awk -v a="$r1" -v b="$r2" 'BEGIN { print (b <= 2.0 && a / b >= 1.7) }')")
t_small=$(mark "$(awk -v a="$v1" 'BEGIN { print (a <= 0.015) }')")

targets() {
	echo "| target | measured | result |"
	echo "|---|---|---|"
	echo "| verify 200 MB <= 1.5x hashing floor | $(ratio "$v200" "$f200") ($(ms "$v200") ms vs $(ms "$f200") ms) | $t_verify |"
	echo "| verify peak RSS <= 16 MB at every size | max $maxrss KB | $t_rss |"
	echo "| create 200 MB <= 2x hashing floor | $(ratio "$c200" "$f200") ($(ms "$c200") ms) | $t_create |"
	echo "| create --tsa 200 MB (local TSA) <= 2x hashing floor | $(ratio "$t200" "$f200") ($(ms "$t200") ms) | $t_tsa |"
	echo "| register 1000 x 1 MB: -j2 <= 2.0 s and >= 1.7x faster than -j1 | -j1 $(ms "$r1") ms, -j2 $(ms "$r2") ms, speed-up $(ratio "$r1" "$r2") | $t_reg |"
	echo "| verify 1 MB <= 15 ms, process start included | $(ms "$v1") ms | $t_small |"
	for k in img text; do
		a=$(get "pdf$k" 3) b=$(get "pdfsha$k" 3)
		echo "| PDF scan, 50 MB ($k) <= 2x SHA-256 over it | $(ratio "$a" "$b") ($(ms "$a") ms vs $(ms "$b") ms) | $(mark "$(awk -v a="$a" -v b="$b" 'BEGIN { print (a <= 2 * b) }')") |"
	done
}

echo >&2
table
echo
targets

zlib=$(dpkg-query -W -f='${Version}' zlib1g 2>/dev/null || echo unknown)
java=$(if have java; then java -version 2>&1 | head -n 1; else echo "not installed"; fi)
gtime=$(dpkg-query -W -f='${Version}' time 2>/dev/null || echo unknown)
hf=$(if have hyperfine; then hyperfine --version; else echo "not installed (date(1) timing)"; fi)
{
	cat <<HDR
# Performance

Generated by \`make bench\` (\`COCO=\$PWD/build/coco-bundle sh bench/run.sh\`); do not edit by
hand. Wall time is the median of $RUNS timed runs after one untimed run (hyperfine
\`-N\`, so no shell is timed unless the measure is itself a pipeline); peak RSS is the
median of $RUNS runs of GNU \`time -f %M\` (for a pipeline: its largest process). Files are
in the page cache, as they are when intake verifies a bundle it has just received.

Workloads (bench/workload.sh, fixed seeds, AES-128-CTR keystream, so the same bytes on
every machine): fixtures/example plus random "PDF" evidence referenced from CoCo-1:
1 MB (one file), 20 MB (one file), 200 MB (four 50 MB files), and a register of 1,000
bundles of one 1 MB file each. Bundles are signed with fixtures/pki/director.key at
\`--at $AT\` and verified with \`--trust fixtures/trust --at $AT\`. \`create\` includes
fsync of the output. "floor" is \`openssl dgst -sha256\` over the bundle's content files
(one SHA-256 pass, the least any verifier must do); the JAR holds the same files, stored,
signed with jarsigner from fixtures/pki/director.p12. \`create --tsa\` asks a local TSA
(tests/cli/tsa.py on 127.0.0.1, a python process and an \`openssl cms -sign\` per request)
for the signature timestamp, so its row includes that round trip.

PDF scanning: \`coco-bundle lint\` of fixtures/example plus one 50 MB PDF, whole process
(the sample's own PDFs, its signed certificate and the assessment included), against
\`openssl dgst -sha256\` over that PDF. "img" is a scanned certificate: one 50 MB image
stream (DCTDecode, the keystream). "text" is bench/pdf50.py: about 100 pages of
FlateDecode text operators (4:1), each content stream probed for a bomb over its first
16 KiB of compressed data (docs/checks.md, PDF limits).

- machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr)
- date: $(date -u +%Y-%m-%dT%H:%MZ)
- coco-bundle $("$COCO" --version | cut -d' ' -f2) ($(git rev-parse --short HEAD 2>/dev/null || echo unknown)), $(openssl version), zlib $zlib
- peers: $(unzip -v | head -n 1 | cut -d' ' -f1-2), $(sha256sum --version | head -n 1), $java
- timing: $hf, GNU time $gtime

## Results

HDR
	table
	cat <<MID

## Targets

MID
	targets
	echo
	echo "Progress of \`reverify -j 2\` over the register on a pseudo-terminal, last line: \`$progress\`."
	echo
	cat bench/explain.md
} >docs/PERFORMANCE.md
echo "wrote docs/PERFORMANCE.md" >&2
