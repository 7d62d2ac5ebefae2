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
# subject key identifier are always added); an RSA key of ETSI_BITS (2048 unless set).
etsi_cert() {
	n=$1 subj=$2
	shift 2
	printf '%s\n' "keyUsage = critical, digitalSignature, nonRepudiation" \
		"subjectKeyIdentifier = hash" "$@" >"$n.ext"
	openssl req -new -newkey "rsa:${ETSI_BITS:-2048}" -noenc -keyout "$n.key" -out "$n.csr" -subj "$subj" \
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

# etsi_manifest FILE SIGREF NAME...: an ASiCManifest at src/FILE over the entries NAME, with
# the digest ETSI_ALG (sha256 unless set; or sha512).
etsi_manifest() {
	f=$1 sigref=$2
	shift 2
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
		echo "<asic:SigReference URI=\"$sigref\"/>"
		for n in "$@"; do
			d=$(openssl dgst "-${ETSI_ALG:-sha256}" -binary "src/$n" | base64 | tr -d '\n')
			echo "<asic:DataObjectReference URI=\"$n\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#${ETSI_ALG:-sha256}\"/><ds:DigestValue>$d</ds:DigestValue></asic:DataObjectReference>"
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

# The same, with the issuing CA first among the signature's certificates (DER sorts the
# SET OF by encoding: a 4096-bit end entity's is longer, so the CA's comes first). The
# issuer is carried, not in the trust store: it must be found wherever it stands.
etsi_akid_missing_ca_first() {
	ETSI_BITS=4096 etsi_cert d "/CN=Jane Director - TEST ONLY/O=Example Guarding Ltd/C=GB" \
		"authorityKeyIdentifier = none"
	etsi_data
	etsi_sign 001 d.pem d.key
	openssl cms -cmsout -print -inform DER -in src/META-INF/signature001.p7s |
		grep -m1 'subject: CN=' >first.txt
	grep -q 'Signer CA' first.txt || fail "the CA is not the first certificate: $(cat first.txt)"
	etsi_pack b.coco
	etsi_verify b.coco
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0 (PASSED)"
	finding_on signer.akid info "CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
	finding signer.chain pass
}
run_case etsi_akid_missing_ca_first etsi_akid_missing_ca_first

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

# Two applicant signatures, as EN 319 162-1 makes them: ASiCManifest001.xml with
# signature001.p7s and ASiCManifest002.xml with signature002.p7s, each over the data
# objects, by the authorising director and by another director of the applicant. Both are
# verified and reported; the director's stands for the applicant (assessment.director),
# whichever comes first. Without it, the other director's signature is no authorisation:
# a manual check, as for any signer who is not the authorising director. A second
# signature that does not verify fails the bundle, as any signature does.
etsi_two_signatures() {
	etsi_cert d2 "/CN=John Deputy - TEST ONLY/O=Example Guarding Ltd/C=GB" \
		"authorityKeyIdentifier = keyid" "extendedKeyUsage = emailProtection"
	jane="CN=Jane Director - TEST ONLY, O=Example Guarding Ltd, C=GB"
	john="CN=John Deputy - TEST ONLY, O=Example Guarding Ltd, C=GB"
	for order in director-first deputy-first; do
		rm -rf src
		etsi_data
		if [ $order = director-first ]; then
			etsi_sign 001 "$FX/pki/director.pem" "$FX/pki/director.key"
			etsi_sign 002 d2.pem d2.key
		else
			etsi_sign 001 d2.pem d2.key
			etsi_sign 002 "$FX/pki/director.pem" "$FX/pki/director.key"
		fi
		etsi_pack $order.coco
		etsi_verify $order.coco
		[ "$rc" -eq 0 ] || fail "$order: exit $rc, want 0 (PASSED)"
		finding_on signature.value pass META-INF/signature001.p7s
		finding_on signature.value pass META-INF/signature002.p7s
		finding_on signer.chain pass "$jane"
		finding_on signer.chain pass "$john"
		finding_on assessment.director pass "Jane Director"
		no_out '"id": "signoff\.'
	done
	rm src/META-INF/*002*
	etsi_pack deputy-only.coco
	etsi_verify deputy-only.coco
	finding_on assessment.director warn "Jane Director"
	has_out "the assessment is authorised by 'Jane Director' but signed by 'John Deputy - TEST ONLY'"
	# the deputy's manifest changed after signing: its signature fails, and the bundle
	etsi_sign 002 "$FX/pki/director.pem" "$FX/pki/director.key"
	sed -i 's|<asic:SigReference URI="META-INF/signature001.p7s"/>|&\n|' src/META-INF/ASiCManifest001.xml
	etsi_pack broken.coco
	etsi_verify broken.coco
	[ "$rc" -eq 1 ] || fail "broken: exit $rc, want 1 (FAILED)"
	finding_on signature.digest fail META-INF/signature001.p7s
	finding_on signature.value pass META-INF/signature002.p7s
	finding_on assessment.director pass "Jane Director"
}
run_case etsi_two_signatures etsi_two_signatures

# etsi_tsa: tsa.pem and tsa.key, a TSA certificate (timeStamping, critical) issued now by
# the fixtures' root CA; ts.cnf, an `openssl ts -reply` configuration for it; trust-tsa/,
# the fixtures' trust directory with root-ca in tsa/.
etsi_tsa() {
	printf '%s\n' "basicConstraints = critical, CA:FALSE" \
		"keyUsage = critical, digitalSignature" "extendedKeyUsage = critical, timeStamping" \
		"subjectKeyIdentifier = hash" "authorityKeyIdentifier = keyid" >tsa.ext
	openssl req -new -newkey rsa:2048 -noenc -keyout tsa.key -out tsa.csr \
		-subj "/CN=CoCo Test Archive TSA - TEST ONLY/O=CoCo Test" 2>req.err ||
		fail "TSA key: $(cat req.err)"
	openssl x509 -req -in tsa.csr -CA "$FX/pki/root-ca.pem" -CAkey "$FX/pki/root-ca.key" \
		-set_serial 0x7101 -days 4000 -extfile tsa.ext -out tsa.pem 2>req.err ||
		fail "TSA certificate: $(cat req.err)"
	echo 01 >tsa.serial
	printf '%s\n' "[ tsa ]" "default_tsa = t" "[ t ]" "serial = tsa.serial" \
		"signer_cert = tsa.pem" "certs = tsa.pem" "signer_key = tsa.key" \
		"signer_digest = sha256" "default_policy = 1.2.3.4.1" "digests = sha256" \
		"accuracy = secs:1" "ess_cert_id_chain = no" >ts.cnf
	cp -R "$FX/trust" trust-tsa && mkdir trust-tsa/tsa && cp "$FX/pki/root-ca.pem" trust-tsa/tsa/
}

# etsi_token FILE OUT: OUT, stock `openssl ts`'s RFC 3161 token over FILE's SHA-256 (the
# query is left in q.tsq).
etsi_token() {
	openssl ts -query -data "$1" -sha256 -cert -out q.tsq 2>ts.err ||
		fail "openssl ts -query: $(cat ts.err)"
	openssl ts -reply -config ts.cnf -queryfile q.tsq -token_out -out "$2" 2>ts.err ||
		fail "openssl ts -reply: $(cat ts.err)"
}

# etsi_archive: src/META-INF/ASiCArchiveManifest.xml over every data object, manifest and
# signature, and META-INF/timestamp.tst, stock `openssl ts` over its exact bytes (EN 319
# 162-1 A.5: CAdES LTA in ASiC-E).
etsi_archive() {
	etsi_manifest META-INF/ASiCArchiveManifest.xml META-INF/timestamp.tst assessment.xml \
		evidence/ce.pdf META-INF/ASiCManifest001.xml META-INF/signature001.p7s
	sed -i 's|<asic:SigReference URI="META-INF/timestamp.tst"/>|<asic:SigReference URI="META-INF/timestamp.tst" MimeType="application/vnd.etsi.timestamp-token"/>|' \
		src/META-INF/ASiCArchiveManifest.xml
	etsi_token src/META-INF/ASiCArchiveManifest.xml src/META-INF/timestamp.tst
}

# An archive manifest and its timestamp verify: the proven time is reported, the entries
# it lists are unchanged, and stock `openssl ts -verify` accepts the token over the
# manifest. The TSA outside tsa/ proves nothing (warn); a token over other bytes, a listed
# entry that changed, or a timestamp no archive manifest names are reported precisely.
etsi_archive_timestamp() {
	etsi_tsa
	etsi_data
	etsi_sign 001 "$FX/pki/director.pem" "$FX/pki/director.key"
	etsi_archive
	openssl ts -verify -data src/META-INF/ASiCArchiveManifest.xml -in src/META-INF/timestamp.tst \
		-token_in -CAfile "$FX/pki/root-ca.pem" -untrusted tsa.pem >ts.out 2>&1 ||
		fail "openssl ts -verify: $(cat ts.out)"
	etsi_pack b.coco
	etsi_verify b.coco trust-tsa
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0 (PASSED)"
	finding_on archive.digest pass META-INF/ASiCArchiveManifest.xml
	finding_on archive.timestamp pass META-INF/timestamp.tst
	has_out "'META-INF/ASiCArchiveManifest.xml' and every entry it lists existed at 20[0-9-]*T[0-9:]*Z: RFC 3161 timestamp by 'CN=CoCo Test Archive TSA - TEST ONLY, O=CoCo Test'"
	no_out '"id": "manifest.unsigned"'
	finding manifest.coverage pass
	# SHA-512 in the archive manifest only: the entries are hashed again for it
	mv src/META-INF/timestamp.tst ts256.tst
	cp src/META-INF/ASiCArchiveManifest.xml am256.xml
	ETSI_ALG=sha512 etsi_archive
	grep -q 'xmlenc#sha512' src/META-INF/ASiCArchiveManifest.xml || fail "not SHA-512"
	etsi_pack sha512.coco
	etsi_verify sha512.coco trust-tsa
	[ "$rc" -eq 0 ] || fail "SHA-512: exit $rc, want 0 (PASSED)"
	finding_on archive.digest pass META-INF/ASiCArchiveManifest.xml
	finding_on archive.timestamp pass META-INF/timestamp.tst
	mv ts256.tst src/META-INF/timestamp.tst
	mv am256.xml src/META-INF/ASiCArchiveManifest.xml
	# no tsa/ anchors: the archive timestamp proves nothing, the bundle still passes
	etsi_verify b.coco
	[ "$rc" -eq 0 ] || fail "untrusted TSA: exit $rc, want 0 (PASSED)"
	finding_on archive.timestamp warn META-INF/timestamp.tst
	# the archive manifest changed after it was timestamped
	cp src/META-INF/ASiCArchiveManifest.xml am.xml
	printf '\n' >>src/META-INF/ASiCArchiveManifest.xml
	etsi_pack imprint.coco
	etsi_verify imprint.coco trust-tsa
	[ "$rc" -eq 3 ] || fail "changed archive manifest: exit $rc, want 3 (INDETERMINATE)"
	finding_on archive.timestamp indeterminate META-INF/timestamp.tst
	has_out "its imprint is not the hash of"
	no_out '"status": "fail"'
	cp am.xml src/META-INF/ASiCArchiveManifest.xml
	# a data object the archive manifest lists changed, with its signature made again
	printf '\n' >>src/assessment.xml
	etsi_sign 001 "$FX/pki/director.pem" "$FX/pki/director.key"
	etsi_pack digest.coco
	etsi_verify digest.coco trust-tsa
	[ "$rc" -eq 3 ] || fail "changed entry: exit $rc, want 3 (INDETERMINATE)"
	finding_on archive.digest indeterminate assessment.xml
	finding_on signature.value pass META-INF/signature001.p7s
	# a timestamp that no archive manifest names is unsigned content
	rm -rf src && etsi_data && etsi_sign 001 "$FX/pki/director.pem" "$FX/pki/director.key"
	cp q.tsq src/META-INF/timestamp.tst
	etsi_pack stray.coco
	etsi_verify stray.coco trust-tsa
	[ "$rc" -eq 1 ] || fail "stray token: exit $rc, want 1 (FAILED)"
	finding_on manifest.unsigned fail META-INF/timestamp.tst
}
run_case etsi_archive_timestamp etsi_archive_timestamp

# A time-assertion manifest (EN 319 162-1: an ASiCManifest whose SigReference names a
# timestamp token, not a signature) beside the director's signature: its token is verified
# over it and its time reported. A timestamp proves when, not who: a data object that only
# a time assertion lists is unsigned content.
etsi_time_assertion() {
	etsi_tsa
	etsi_data
	etsi_sign 001 "$FX/pki/director.pem" "$FX/pki/director.key"
	etsi_manifest META-INF/ASiCManifest002.xml META-INF/timestamp002.tst assessment.xml \
		evidence/ce.pdf META-INF/ASiCManifest001.xml META-INF/signature001.p7s
	etsi_token src/META-INF/ASiCManifest002.xml src/META-INF/timestamp002.tst
	etsi_pack b.coco
	etsi_verify b.coco trust-tsa
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0 (PASSED)"
	finding_on archive.time_assertion pass META-INF/timestamp002.tst
	finding_on manifest.digest pass META-INF/ASiCManifest002.xml
	no_out '"id": "manifest.sigref"'
	no_out '"id": "manifest.unsigned"'
	# the token is over other bytes: the time assertion proves nothing
	cp q.tsq src/META-INF/other.bin
	etsi_manifest META-INF/ASiCManifest002.xml META-INF/timestamp002.tst assessment.xml \
		evidence/ce.pdf META-INF/other.bin
	etsi_pack other.coco
	etsi_verify other.coco trust-tsa
	finding_on archive.time_assertion indeterminate META-INF/timestamp002.tst
	finding_on manifest.unsigned fail META-INF/other.bin
	[ "$rc" -eq 1 ] || fail "unsigned entry: exit $rc, want 1 (FAILED)"
}
run_case etsi_time_assertion etsi_time_assertion

# The manifests' limits hold for archive manifests: a token over 1 MiB is not read, and
# more than 64 archive manifests are not checked at all.
etsi_archive_limits() {
	etsi_tsa
	etsi_data
	etsi_sign 001 "$FX/pki/director.pem" "$FX/pki/director.key"
	etsi_archive
	openssl rand -out src/META-INF/timestamp.tst 1100000
	etsi_pack big.coco
	etsi_verify big.coco trust-tsa
	[ "$rc" -eq 3 ] || fail "big token: exit $rc, want 3 (INDETERMINATE)"
	finding_on archive.manifest indeterminate META-INF/timestamp.tst
	has_out "larger than 1 MiB: not a timestamp token"
	etsi_archive
	for i in $(seq 1 64); do
		cp src/META-INF/ASiCArchiveManifest.xml "src/META-INF/ASiCArchiveManifest$i.xml"
	done
	etsi_pack many.coco
	etsi_verify many.coco trust-tsa
	[ "$rc" -eq 3 ] || fail "65 archive manifests: exit $rc, want 3 (INDETERMINATE)"
	has_out '{"id": "archive.manifest", "status": "indeterminate", "subject": null, "message": "more than 64 archive manifests'
	no_out '"id": "archive.timestamp"'
	# an archive manifest is parsed as hardened as any manifest: no DOCTYPE, no entities
	rm src/META-INF/ASiCArchiveManifest?*.xml
	printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' \
		'<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#">&e;</asic:ASiCManifest>' \
		>src/META-INF/ASiCArchiveManifest.xml
	etsi_pack xxe.coco
	etsi_verify xxe.coco trust-tsa
	finding_on archive.manifest indeterminate META-INF/ASiCArchiveManifest.xml
	has_out "not a valid ASiC manifest: DOCTYPE declarations are not allowed"
	no_out "root:"
}
run_case etsi_archive_limits etsi_archive_limits

# etsi_add_unsigned P7S OID: adds an unsigned attribute OID (its value an empty SEQUENCE) to
# the first SignerInfo of the DER CMS P7S, as a CAdES LTA tool adds archive timestamps.
etsi_add_unsigned() {
	python3 - "$1" "$2" <<'PY' || fail "adding an unsigned attribute"
import sys
def tlv(d, i):
    t, n, i = d[i], d[i + 1], i + 2
    if n & 0x80:
        k = n & 0x7F
        n, i = int.from_bytes(d[i:i + k], "big"), i + k
    return t, d[i:i + n], i + n
def kids(body):
    out, i = [], 0
    while i < len(body):
        t, v, j = tlv(body, i)
        out.append((t, v))
        i = j
    return out
def enc(t, v):
    n = len(v)
    ln = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([t]) + ln + v
def oid(s):
    a = [int(x) for x in s.split(".")]
    out = bytes([40 * a[0] + a[1]])
    for x in a[2:]:
        b = [x & 0x7F]
        while x > 0x7F:
            x >>= 7
            b.insert(0, 0x80 | (x & 0x7F))
        out += bytes(b)
    return enc(0x06, out)
d = open(sys.argv[1], "rb").read()
_, ci, _ = tlv(d, 0)
ct, explicit = kids(ci)
_, sd, _ = tlv(explicit[1], 0)
sdk = kids(sd)
sis = kids(sdk[-1][1])
si = kids(sis[0][1])
attr = enc(0x30, oid(sys.argv[2]) + enc(0x31, enc(0x30, b"")))
si.append((0xA1, attr))
sis[0] = (0x30, b"".join(enc(t, v) for t, v in si))
sdk[-1] = (0x31, b"".join(enc(t, v) for t, v in sis))
sd = enc(0x30, b"".join(enc(t, v) for t, v in sdk))
out = enc(0x30, enc(ct[0], ct[1]) + enc(0xA0, sd))
open(sys.argv[1], "wb").write(out)
PY
}

# A CAdES archive timestamp v3 inside the signature is not verified: an info says so, and
# the signature is judged as it stands (an unsigned attribute is outside the signature).
etsi_archive_v3() {
	etsi_data
	etsi_sign 001 "$FX/pki/director.pem" "$FX/pki/director.key"
	etsi_add_unsigned src/META-INF/signature001.p7s 0.4.0.1733.2.4
	openssl cms -cmsout -print -inform DER -in src/META-INF/signature001.p7s 2>/dev/null |
		grep -q "unsignedAttrs:" || fail "no unsigned attribute added"
	etsi_pack b.coco
	etsi_verify b.coco
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0 (PASSED)"
	finding_on timestamp.archive_v3 info META-INF/signature001.p7s
	has_out "1 CAdES archive timestamp v3 (archive-time-stamp-v3): not verified"
	finding_on signature.value pass META-INF/signature001.p7s
}
run_case etsi_archive_v3 etsi_archive_v3
