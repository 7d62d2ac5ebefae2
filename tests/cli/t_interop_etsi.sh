# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Standard ETSI ASiC-E CAdES containers as other tools make them (issue 17, Interop), built
# here with openssl cms and openssl ts after EN 319 162-1 and re-packed canonically with
# Python's zipfile: certificates real CAs issue (no authority key identifier on the end
# entity; clientAuth beside documentSigning or emailProtection), two applicant signatures,
# and an archive manifest with its RFC 3161 token. Sourced after t_interop.sh, whose
# interop_assessment it uses; openssl stamps the real signing time, so cases verify at
# 2035-06-01, as t_interop.sh's do.

ETSI_AT=2035-06-01

# etsi_cert NAME SUBJECT EXT...: NAME.pem and NAME.key, issued now for 4000 days by the
# fixtures' signer CA, with the extension lines EXT (keyUsage digitalSignature and a
# subject key identifier are always added).
etsi_cert() {
	n=$1 subj=$2
	shift 2
	printf '%s\n' "keyUsage = critical, digitalSignature, nonRepudiation" \
		"subjectKeyIdentifier = hash" "$@" >"$n.ext"
	openssl req -new -newkey rsa:2048 -noenc -keyout "$n.key" -out "$n.csr" -subj "$subj" \
		2>req.err || fail "openssl req: $(cat req.err)"
	openssl x509 -req -in "$n.csr" -CA "$FX/pki/signer-ca.pem" -CAkey "$FX/pki/signer-ca.key" \
		-set_serial "0x$(openssl rand -hex 8)" -days 4000 -extfile "$n.ext" -out "$n.pem" \
		2>req.err || fail "openssl x509: $(cat req.err)"
}

# etsi_data: src/ with the data objects (assessment.xml, evidence/ce.pdf) and the mimetype.
etsi_data() {
	mkdir -p src/evidence src/META-INF
	interop_assessment src/assessment.xml evidence/ce.pdf
	cp "$FX/example/evidence/cyber-essentials-plus.pdf" src/evidence/ce.pdf
	printf %s application/vnd.etsi.asic-e+zip >src/mimetype
}

# etsi_manifest FILE SIGREF NAME...: an ASiCManifest at src/FILE over the entries NAME.
etsi_manifest() {
	f=$1 sigref=$2
	shift 2
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
		echo "<asic:SigReference URI=\"$sigref\"/>"
		for n in "$@"; do
			d=$(openssl dgst -sha256 -binary "src/$n" | base64)
			echo "<asic:DataObjectReference URI=\"$n\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>$d</ds:DigestValue></asic:DataObjectReference>"
		done
		echo '</asic:ASiCManifest>'
	} >"src/$f"
}

# etsi_sign N CERT KEY: META-INF/ASiCManifestN.xml over the data objects, and its detached
# CAdES signature META-INF/signatureN.p7s by CERT (chain: the fixtures' signer CA).
etsi_sign() {
	etsi_manifest "META-INF/ASiCManifest$1.xml" "META-INF/signature$1.p7s" assessment.xml \
		evidence/ce.pdf
	openssl cms -sign -binary -cades -md sha256 -outform DER -signer "$2" -inkey "$3" \
		-certfile "$FX/pki/chain.pem" -in "src/META-INF/ASiCManifest$1.xml" \
		-out "src/META-INF/signature$1.p7s" 2>sign.err || fail "openssl cms: $(cat sign.err)"
}

# etsi_pack OUT: src/ zipped canonically: mimetype stored first, every other file deflated
# in name order, fixed dates, no extra fields.
etsi_pack() {
	python3 - "$1" <<'PY' || fail "python zipfile"
import os, sys, zipfile
files = sorted(os.path.relpath(os.path.join(d, f), "src")
               for d, _, fs in os.walk("src") for f in fs if f != "mimetype")
with zipfile.ZipFile(sys.argv[1], "w") as z:
    def put(name, method):
        zi = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
        zi.compress_type = method
        zi.external_attr = 0o100644 << 16
        z.writestr(zi, open("src/" + name, "rb").read())
    put("mimetype", zipfile.ZIP_STORED)
    for f in files:
        put(f, zipfile.ZIP_DEFLATED)
PY
}

# etsi_verify BUNDLE [TRUST]: verify's JSON report in ./out at ETSI_AT.
etsi_verify() {
	run "$COCO" verify "$1" --trust "${2:-$FX/trust}" --at "$ETSI_AT" --format json
}

# A director's certificate without an authority key identifier (RFC 5280 4.2.1.1 wants
# one; real CAs omit it): accepted, with an info finding, as its issuer's name names one
# key. With a second key under that name in the trust directory it fails as before.
etsi_akid_missing() {
	etsi_cert d "/CN=Jane Director - TEST ONLY/O=Example Guarding Ltd/C=GB" \
		"authorityKeyIdentifier = none"
	openssl x509 -in d.pem -noout -text | grep -q "Authority Key Identifier" &&
		fail "the certificate has an AKI"
	etsi_data
	etsi_sign 001 d.pem d.key
	etsi_pack b.coco
	etsi_verify b.coco
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0 (PASSED)"
	finding_on signer.akid info "CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
	finding signer.chain pass
	cp -R "$FX/trust" t
	openssl req -x509 -newkey rsa:2048 -noenc -days 7000 -keyout other.key -out t/signers/other.pem \
		-subj "/CN=CoCo Test Signer CA - TEST ONLY/O=coco-bundle fixtures/C=GB" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null || fail "openssl req"
	etsi_verify b.coco t
	[ "$rc" -eq 1 ] || fail "ambiguous issuer: exit $rc, want 1"
	finding signer.chain fail
	no_out '"id": "signer.akid"'
}
run_case etsi_akid_missing etsi_akid_missing

# A qualified signer's EKU mixes: clientAuth beside Microsoft's or RFC 9336's documentSigning,
# or beside emailProtection, is accepted (the certificate may be used for any purpose it
# lists); clientAuth alone, or with serverAuth, names no signing purpose and fails.
etsi_eku_mix() {
	qc="1.3.6.1.5.5.7.1.3 = DER:300a3008060604008e460101" # qcStatements: QcCompliance
	for eku in "clientAuth, 1.3.6.1.4.1.311.10.3.12" "clientAuth, 1.3.6.1.5.5.7.3.36" \
		"clientAuth, emailProtection" "clientAuth" "clientAuth, serverAuth"; do
		rm -rf src
		etsi_cert d "/CN=Jane Director - TEST ONLY/O=Example Guarding Ltd/C=GB" \
			"authorityKeyIdentifier = keyid" "extendedKeyUsage = $eku" "$qc"
		etsi_data
		etsi_sign 001 d.pem d.key
		etsi_pack b.coco
		etsi_verify b.coco
		case $eku in
		*311* | *3.36 | *emailProtection)
			[ "$rc" -eq 0 ] || fail "$eku: exit $rc, want 0 (PASSED)"
			finding signer.key_usage pass
			no_out '"id": "signer.ext_key_usage"'
			;;
		*)
			[ "$rc" -eq 1 ] || fail "$eku: exit $rc, want 1 (FAILED)"
			finding signer.ext_key_usage fail
			;;
		esac
	done
}
run_case etsi_eku_mix etsi_eku_mix
