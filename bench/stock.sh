#!/bin/sh
# bench/stock.sh BUNDLE CAFILE EPOCH: the stock-tool check of docs/FORMAT.md section 5, as a
# peer for `make bench`: unzip, `openssl cms -verify` over the manifest, then sha256sum of
# every data object streamed out of the zip (unzip checks each entry's CRC-32 as it
# inflates) against its DigestValue. Exits non-zero on any mismatch.
set -eu
b=$1
ca=$2
at=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
unzip -p "$b" META-INF/ASiCManifest001.xml >"$tmp/manifest.xml"
unzip -p "$b" META-INF/signature001.p7s >"$tmp/signature.p7s"
openssl cms -verify -binary -cades -inform DER -in "$tmp/signature.p7s" \
	-content "$tmp/manifest.xml" -CAfile "$ca" -purpose any -attime "$at" \
	-out /dev/null 2>"$tmp/cms.err" || {
	cat "$tmp/cms.err" >&2
	exit 1
}
# One "URI HEX" line per DataObjectReference (the writer puts each on its own lines).
sed -n -e 's/.*DataObjectReference URI="\([^"]*\)".*/\1/p' \
	-e 's/.*<ds:DigestValue>\(.*\)<\/ds:DigestValue>.*/\1/p' "$tmp/manifest.xml" |
	while IFS= read -r name && IFS= read -r b64; do
		want=$(printf '%s' "$b64" | base64 -d | od -An -v -tx1 | tr -d ' \n')
		got=$(unzip -p "$b" "$name" | sha256sum | cut -d' ' -f1)
		[ "$got" = "$want" ] || {
			echo "stock: digest of $name differs" >&2
			exit 1
		}
	done
