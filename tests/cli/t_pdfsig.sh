# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# Certificate PDFs signed by a real PDF signer from Debian (issue 15): poppler's `pdfsig`
# (poppler-utils) over an NSS database made at test time with `certutil` and `pk12util`
# (libnss3-tools), holding the fixture certification body's CA and, from a PKCS#12, its
# document signer ("Certificate Signing - TEST ONLY", issued by body-ca: the signer of
# the sample's own certificate PDF, fixtures/mkpdf.py). The unsigned certificate is made
# by the fixture generator's own functions. pdfsig stamps the clock's time into the
# signature's /M, so it runs under faketime, frozen at 2026-09-15T12:00:00Z (mkpdf.py's
# signing time): its RSA output is then the same on every run. pdfsig's verdict is read from its
# lines, never from its exit code (it exits 0 on a digest mismatch). coco-bundle always
# gets --at. The last case signs with PoDoFo's podofosign, the other PDF signer in Debian.

PDFSIG_TIME=2026-09-15T12:00:00Z
PDFSIG_PWD=nss-test-only
PDFSIG_SIGNER="CN=Certificate Signing - TEST ONLY, O=Example Certification Body Ltd - TEST ONLY, C=GB"
EVIDENCE=evidence/cyber-essentials-plus.pdf

# pdfsig_nss: ./nss, an NSS database with a password (./nss.pwd) trusting the certification
# body's CA, with its document signer's certificate and key imported from a PKCS#12.
pdfsig_nss() {
	for t in pdfsig certutil pk12util faketime qpdf; do
		command -v $t >/dev/null 2>&1 ||
			fail "$t is not installed: 'make deps' installs poppler-utils, libnss3-tools, faketime and qpdf"
	done
	mkdir nss && printf '%s\n' "$PDFSIG_PWD" >nss.pwd
	certutil -N -d sql:nss -f nss.pwd >nss.log 2>&1 || fail "certutil -N: $(cat nss.log)"
	certutil -A -d sql:nss -f nss.pwd -n body-ca -t CT,C,C -i "$FX/pki/body-ca.pem" \
		>nss.log 2>&1 || fail "certutil -A: $(cat nss.log)"
	openssl pkcs12 -export -inkey "$FX/pki/body-signer.key" -in "$FX/pki/body-signer.pem" \
		-name body-signer -passout pass:p12-test-only -out signer.p12 >nss.log 2>&1 ||
		fail "openssl pkcs12: $(cat nss.log)"
	pk12util -i signer.p12 -d sql:nss -k nss.pwd -W p12-test-only >nss.log 2>&1 ||
		fail "pk12util: $(cat nss.log)"
	pdfsig -list-nicks -nssdir sql:nss -nss-pwd "$PDFSIG_PWD" 2>/dev/null | grep -qx body-signer ||
		fail "pdfsig does not list the nickname body-signer"
}

# pdfsig_unsigned OUT [FIELD]: the sample's certificate PDF as mkpdf.py writes it, unsigned;
# with FIELD, with an empty signature field of that name (a body's certificate template).
pdfsig_unsigned() {
	python3 - "$FX" "$1" "${2:-}" <<'EOF' || fail "cannot make the unsigned PDF"
import sys
sys.path.insert(0, sys.argv[1])
import mkpdf
fx, out, field = sys.argv[1:4]
t = b"Cyber Essentials Plus Certificate"
ln = b"Example Guarding Ltd - certificate CEP-TEST-000123 - whole organisation"
if field:
    objs = mkpdf.page_objects(t, ln, b" /AcroForm << /Fields [7 0 R] >>", b" /Annots [7 0 R]")
    objs[7] = (b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (" + field.encode() +
               b") /Rect [0 0 0 0] /F 132 /P 3 0 R >>")
else:
    objs = mkpdf.page_objects(t, ln)
with open(out, "wb") as f:
    f.write(mkpdf.build(objs))
EOF
}

# pdfsig_run ARGS...: pdfsig signing at $PDFSIG_TIME (SHA-256) with the body's signer (or the
# NSS nickname $PDFSIG_NICK).
pdfsig_run() {
	TZ=UTC faketime -f "$(echo "$PDFSIG_TIME" | sed 's/T/ /; s/Z$//')" pdfsig "$@" \
		-nssdir sql:nss -nss-pwd "$PDFSIG_PWD" -nick "${PDFSIG_NICK:-body-signer}" -digest SHA256 \
		>sign.out 2>sign.err
}

# pdfsig_add IN OUT [FIELD]: pdfsig -add-signature, a new field (default "Certification body").
pdfsig_add() {
	pdfsig_run -add-signature -new-signature-field-name "${3:-Certification body}" "$1" "$2" ||
		fail "pdfsig -add-signature: $(cat sign.err)"
	[ -s "$2" ] || fail "pdfsig wrote no $2"
}

# pdfsig_read PDF: pdfsig's report on PDF in ./pdfsig.out ("Signature #N:" blocks); no OCSP.
pdfsig_read() {
	TZ=UTC pdfsig -nssdir sql:nss -nss-pwd "$PDFSIG_PWD" -no-ocsp "$1" >pdfsig.out 2>/dev/null
	grep -q '^Signature #1:' pdfsig.out || fail "pdfsig finds no signature in $1"
}

# pdfsig_line N FIELD: the value of pdfsig's line "  - FIELD: value" for signature N, or
# (FIELD "document") its coverage line ("Total document signed" or "Not total ...").
pdfsig_line() {
	awk -v n="$1" -v f="$2" '/^Signature #/ { s = $2 == "#" n ":" }
		s && f == "document" && /document signed$/ { sub(/^ *- /, ""); print }
		s && index($0, "  - " f ": ") == 1 { print substr($0, length(f) + 7) }' pdfsig.out
}

# pdfsig_valid N TYPE: pdfsig calls signature N a valid TYPE signature over the whole file,
# signed by the body's signer at $PDFSIG_TIME.
pdfsig_valid() {
	[ "$(pdfsig_line "$1" "Signature Validation")" = "Signature is Valid." ] ||
		fail "pdfsig: signature $1: $(pdfsig_line "$1" "Signature Validation")"
	[ "$(pdfsig_line "$1" document)" = "Total document signed" ] ||
		fail "pdfsig: signature $1: $(pdfsig_line "$1" document)"
	[ "$(pdfsig_line "$1" "Signature Type")" = "$2" ] ||
		fail "pdfsig: signature $1 is $(pdfsig_line "$1" "Signature Type"), want $2"
	[ "$(pdfsig_line "$1" "Signer Certificate Common Name")" = "Certificate Signing - TEST ONLY" ] ||
		fail "pdfsig: signature $1 by $(pdfsig_line "$1" "Signer Certificate Common Name")"
	t=$(date -u -d "$(pdfsig_line "$1" "Signing Time")" +%Y-%m-%dT%H:%M:%SZ)
	[ "$t" = "$PDFSIG_TIME" ] || fail "pdfsig: signature $1 signed at $t, want $PDFSIG_TIME"
}

# qpdf_clean PDF: qpdf --check finds no syntax or stream error.
qpdf_clean() {
	qpdf --check "$1" >qpdf.out 2>&1 || fail "qpdf --check $1: $(tail -n 1 qpdf.out)"
	grep -q '^No syntax or stream encoding errors found' qpdf.out || fail "qpdf --check $1"
}

# pdfsig_folder PDF: ./sub, the sample applicant with PDF as its CE+ certificate.
pdfsig_folder() {
	rm -rf sub && cp -R "$FX/example" sub && cp "$1" "sub/$EVIDENCE"
}

# pdfsig_we_accept TYPE: the JSON report in ./out passes the PDF's one signature, naming the
# signer and the /M time, and evidence.authentic passes on it.
pdfsig_we_accept() {
	finding_on pdf.signature pass "$EVIDENCE"
	has_out "\"signature in object [0-9]* by '$PDFSIG_SIGNER', signed at $PDFSIG_TIME (the signer's claim, the dictionary's /M), covers the whole file but its /Contents"
	finding_on evidence.authentic pass CEP-TEST-000123
	has_out "is signed by '$PDFSIG_SIGNER' of the named certification body"
	no_out '"status": "fail"'
	has_out '"verdict": "PASSED"'
	[ "$(grep -c '"id": "pdf.signature"' out)" -eq 1 ] || fail "not one pdf.signature finding"
	echo "NOTE pdfsig's $1 signature accepted"
}

# pdfsig_lint_accepts PDF TYPE: pdfsig and qpdf accept PDF, and so does lint of a folder
# with it as the certificate.
pdfsig_lint_accepts() {
	pdfsig_read "$1"
	pdfsig_valid 1 "$2"
	# not asserted: NSS checks the e-mail signer usage, which the documentSigning EKU fails
	echo "NOTE pdfsig's certificate validation: $(pdfsig_line 1 "Certificate Validation")"
	qpdf_clean "$1"
	pdfsig_folder "$1"
	expect 0 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	pdfsig_we_accept "$2"
}

pdfsig_pkcs7_lint() {
	pdfsig_nss
	pdfsig_unsigned unsigned.pdf
	pdfsig_add unsigned.pdf signed.pdf
	pdfsig_lint_accepts signed.pdf adbe.pkcs7.detached
}
run_case pdfsig_pkcs7_lint pdfsig_pkcs7_lint

pdfsig_pkcs7_bundle() {
	pdfsig_nss
	pdfsig_unsigned unsigned.pdf
	pdfsig_add unsigned.pdf signed.pdf
	pdfsig_folder signed.pdf
	expect 0 "$COCO" create sub -o b.coco --key "$FX/pki/director.key" \
		--cert "$FX/pki/director.pem" --chain "$FX/pki/chain.pem" \
		--at 2027-01-01T09:00:00Z --trust "$FX/trust"
	verify_json b.coco
	[ "$rc" -eq 0 ] || fail "verify: exit $rc, want 0"
	pdfsig_we_accept adbe.pkcs7.detached
	expect 0 "$COCO" extract b.coco -d dest --trust "$FX/trust" --at 2027-06-01
	cmp -s "dest/$EVIDENCE" signed.pdf || fail "extracted certificate differs"
}
run_case pdfsig_pkcs7_bundle pdfsig_pkcs7_bundle

# The ETSI.CAdES.detached sub filter: poppler 22.12 (Debian 12) refuses `-etsi` with
# -add-signature ("not supported yet") and, signing an existing empty field with -sign,
# ignores it and writes adbe.pkcs7.detached. Both are asserted as pdfsig's own report says,
# so that a poppler that does write ETSI.CAdES.detached is checked here unchanged.
pdfsig_etsi_add() {
	pdfsig_nss
	pdfsig_unsigned unsigned.pdf
	if ! pdfsig_run -add-signature -etsi -new-signature-field-name CB unsigned.pdf signed.pdf; then
		cat sign.err >>sign.out # the message goes to stdout
		grep -q -e '-etsi is not supported yet with -add-signature' sign.out ||
			fail "pdfsig -add-signature -etsi: $(cat sign.out)"
		[ ! -e signed.pdf ] || fail "pdfsig refused -etsi but wrote a file"
		echo "NOTE pdfsig $(pdfsig -v 2>&1 | sed -n 's/^pdfsig version //p'): -etsi is refused with -add-signature"
		return 0
	fi
	pdfsig_lint_accepts signed.pdf ETSI.CAdES.detached
}
run_case pdfsig_etsi_add pdfsig_etsi_add

pdfsig_etsi_sign_field() {
	pdfsig_nss
	pdfsig_unsigned template.pdf "Certification body"
	pdfsig_run -sign "Certification body" -etsi template.pdf signed.pdf ||
		fail "pdfsig -sign: $(cat sign.err)"
	pdfsig_read signed.pdf
	type=$(pdfsig_line 1 "Signature Type")
	case $type in
	adbe.pkcs7.detached | ETSI.CAdES.detached) ;;
	*) fail "pdfsig -sign -etsi wrote a $type signature" ;;
	esac
	grep -aq "/SubFilter */$type" signed.pdf || fail "pdfsig reports $type, the file says otherwise"
	echo "NOTE pdfsig -sign FIELD -etsi wrote a $type signature"
	[ "$(pdfsig_line 1 "Signature Field Name")" = "Certification body" ] ||
		fail "pdfsig did not sign the template's field"
	pdfsig_lint_accepts signed.pdf "$type"
}
run_case pdfsig_etsi_sign_field pdfsig_etsi_sign_field

# One byte of the first signed range changed after pdfsig signed (a letter of the page's
# text): pdfsig says "Digest Mismatch.", we fail pdf.digest and so evidence.authentic.
pdfsig_tampered() {
	pdfsig_nss
	pdfsig_unsigned unsigned.pdf
	pdfsig_add unsigned.pdf signed.pdf
	python3 - <<'EOF' || fail "cannot tamper"
d = bytearray(open("signed.pdf", "rb").read())
i = d.index(b"(Cyber Essentials Plus Certificate)") + 1
assert i < int(d[d.rindex(b"/ByteRange [") + 12:].split()[1])  # inside [0, a)
d[i] = ord("c")
open("tampered.pdf", "wb").write(d)
EOF
	pdfsig_read tampered.pdf
	[ "$(pdfsig_line 1 "Signature Validation")" = "Digest Mismatch." ] ||
		fail "pdfsig: $(pdfsig_line 1 "Signature Validation")"
	pdfsig_folder tampered.pdf
	expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	finding_on pdf.digest fail "$EVIDENCE"
	has_out "message digest does not match the bytes of '$EVIDENCE'"
	finding_on evidence.authentic fail CEP-TEST-000123
	no_out '"id": "pdf.signature", "status": "pass"'
}
run_case pdfsig_tampered pdfsig_tampered

# pdfsig signing a PDF that already carries its signature: a second signature in an
# incremental update. pdfsig calls both valid, the first "Not total document signed".
# coco-bundle's difference analysis (pdf_diff.c) allows the update: a new signature field,
# appended to /AcroForm /Fields and, as a widget, to the page's /Annots, which pdfsig
# writes as an indirect array. The first signature covers its revision with allowed
# updates, the second the whole file, and evidence.authentic passes.
pdfsig_second_signature() {
	pdfsig_nss
	pdfsig_unsigned unsigned.pdf
	pdfsig_add unsigned.pdf once.pdf
	pdfsig_add once.pdf twice.pdf "Second signature"
	size=$(wc -c <once.pdf | tr -d ' ')
	pdfsig_read twice.pdf
	[ "$(pdfsig_line 1 "Signature Validation")" = "Signature is Valid." ] ||
		fail "pdfsig: signature 1: $(pdfsig_line 1 "Signature Validation")"
	[ "$(pdfsig_line 1 document)" = "Not total document signed" ] ||
		fail "pdfsig: signature 1: $(pdfsig_line 1 document)"
	pdfsig_valid 2 adbe.pkcs7.detached
	qpdf_clean twice.pdf
	pdfsig_folder twice.pdf
	expect 0 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	finding_on pdf.coverage pass "$EVIDENCE"
	has_out "covers the entire revision with allowed updates: bytes 0..$size, then [0-9]* bytes of incremental updates (signature field [0-9]* added; page object [0-9]*'s /Annots (object [0-9]*); [0-9]* new objects)"
	[ "$(grep -c '"id": "pdf.signature", "status": "pass"' out)" -eq 2 ] ||
		fail "not two pdf.signature passes"
	finding_on evidence.authentic pass CEP-TEST-000123
}
run_case pdfsig_second_signature pdfsig_second_signature

# A second signature in an update by a signer under a root bodies/ lacks: the update is an
# allowed one (a new signature field), but whoever added it could have drawn on the page
# with its appearance, and bodies/ cannot say who that is. The body's own signature is no
# longer the whole story: evidence.authentic is a manual check naming the later signer.
pdfsig_second_signature_rogue() {
	pdfsig_nss
	openssl pkcs12 -export -inkey "$FX/pki/untrusted.key" -in "$FX/pki/untrusted.pem" \
		-name rogue -passout pass:p12-test-only -out rogue.p12 >nss.log 2>&1 ||
		fail "openssl pkcs12: $(cat nss.log)"
	pk12util -i rogue.p12 -d sql:nss -k nss.pwd -W p12-test-only >nss.log 2>&1 ||
		fail "pk12util: $(cat nss.log)"
	pdfsig_unsigned unsigned.pdf
	pdfsig_add unsigned.pdf once.pdf
	PDFSIG_NICK=rogue pdfsig_add once.pdf twice.pdf "Later signature"
	pdfsig_folder twice.pdf
	expect 0 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	finding_on pdf.coverage pass "$EVIDENCE"
	finding_on evidence.authentic warn CEP-TEST-000123
	has_out "a later signature, by 'CN=Untrusted Signer - TEST ONLY"
	no_out '"id": "evidence.authentic", "status": "pass"'
}
run_case pdfsig_second_signature_rogue pdfsig_second_signature_rogue

# A form filled in after the body's signature (issue 15, form filling): the certificate has
# a text field (7) when pdfsig signs it, and an update, as a viewer writes it, then gives
# the field a value and a new appearance. The difference analysis allows that in an
# uncertified document (docs/checks.md), but no signature covers what the field now shows
# on the page: evidence.authentic is a manual check, not a pass.
pdfsig_form_filled() {
	pdfsig_nss
	python3 - "$FX" unsigned.pdf <<'EOF' || fail "cannot make the PDF with a text field"
import sys
sys.path.insert(0, sys.argv[1])
import mkpdf
objs = mkpdf.page_objects(b"Cyber Essentials Plus Certificate",
                          b"Example Guarding Ltd - certificate CEP-TEST-000123 - whole organisation",
                          b" /AcroForm << /Fields [7 0 R] /DR << /Font << /Helv 4 0 R >> >> >>",
                          b" /Annots [7 0 R]")
objs[7] = (b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (Scope) /Rect [72 600 500 620] /F 4"
           b" /P 3 0 R /DA (/Helv 11 Tf 0 g) >>")
with open(sys.argv[2], "wb") as f:
    f.write(mkpdf.build(objs))
EOF
	pdfsig_add unsigned.pdf signed.pdf
	python3 - signed.pdf filled.pdf <<'EOF' || fail "cannot fill in the form"
import re, sys
data = open(sys.argv[1], "rb").read()
prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
n = int(re.findall(rb"/Size (\d+)", data)[-1])
text = b"/Tx BMC BT /Helv 11 Tf 2 6 Td (Scope: any organisation at all) Tj ET EMC"
out = bytearray(data)
off7 = len(out)
out += (b"7 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Tx /T (Scope) /Rect [72 600 500 620]"
        b" /F 4 /P 3 0 R /DA (/Helv 11 Tf 0 g) /V (any organisation at all) /AP << /N %d 0 R"
        b" >> >>\nendobj\n" % n)
offn = len(out)
out += (b"%d 0 obj\n<< /Type /XObject /Subtype /Form /BBox [0 0 428 20] /Resources << /Font"
        b" << /Helv 4 0 R >> >> /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (n, len(text), text))
x = len(out)
out += b"xref\n0 1\n0000000000 65535 f \n7 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n" % (
    off7, n, offn)
out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
    n + 1, prev, x)
open(sys.argv[2], "wb").write(out)
EOF
	qpdf_clean filled.pdf
	pdfsig_folder filled.pdf
	expect 0 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	finding_on pdf.coverage pass "$EVIDENCE"
	has_out "incremental updates (text field 7 filled in; 1 new object)"
	finding_on pdf.signature pass "$EVIDENCE"
	finding_on evidence.authentic warn CEP-TEST-000123
	has_out "but form fields were filled in after it, in an incremental update no signature covers"
	no_out '"id": "evidence.authentic", "status": "pass"'
	# the body signs again after the form was filled in: its later signature covers what
	# the field shows, and evidence.authentic passes
	pdfsig_add filled.pdf twice.pdf "Second signature"
	pdfsig_folder twice.pdf
	expect 0 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
	has_out "text field 7 filled in; [0-9]* new objects)"
	finding_on evidence.authentic pass CEP-TEST-000123
}
run_case pdfsig_form_filled pdfsig_form_filled

# pdfsig_ec_signer: a second document signer of the body, ECDSA P-256, issued by body-ca at
# test time (`openssl ca`, the fixtures' fixed leaf dates) and imported as ec-signer.
pdfsig_ec_signer() {
	mkdir -p ca/new && : >ca/index.txt && echo 4242 >ca/serial
	cat >ca/ca.cnf <<EOF
[ ca ]
default_ca = body
[ body ]
dir = ca
database = ca/index.txt
new_certs_dir = ca/new
certificate = $FX/pki/body-ca.pem
private_key = $FX/pki/body-ca.key
serial = ca/serial
default_md = sha256
policy = any
x509_extensions = leaf
[ any ]
commonName = supplied
organizationName = optional
countryName = optional
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = 1.3.6.1.5.5.7.3.36
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	{
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key \
			-subj "/CN=Certificate Signing EC - TEST ONLY/O=Example Certification Body Ltd - TEST ONLY/C=GB" \
			-out ec.csr &&
			openssl ca -batch -config ca/ca.cnf -in ec.csr -out ec.pem -notext \
				-startdate 20260101000000Z -enddate 20360101000000Z &&
			openssl pkcs12 -export -inkey ec.key -in ec.pem -name ec-signer \
				-passout pass:p12-test-only -out ec.p12 &&
			pk12util -i ec.p12 -d sql:nss -k nss.pwd -W p12-test-only
	} >ec.log 2>&1 || fail "cannot make the ECDSA signer: $(tail -n 3 ec.log)"
}

# ECDSA: pdfsig 22.12 seems to size /Contents from one signing and then sign again, and an ECDSA
# value's DER length varies (random k), so about half its ECDSA signatures come out broken:
# it exits 3 ("unable update signature") and leaves a file whose message digest does not
# match, which pdfsig itself then calls "Digest Mismatch.". Whatever it made, we must agree
# with pdfsig's own reading: a valid signature passes pdf.signature and evidence.authentic
# under the EC signer's name, a mismatch fails pdf.digest. Eight tries of each mode.
pdfsig_ecdsa_agree() {
	pdfsig_nss
	pdfsig_ec_signer
	pdfsig_unsigned unsigned.pdf
	pdfsig_unsigned template.pdf "Certification body"
	valid=0 broken=0
	for i in 1 2 3 4 5 6 7 8; do
		rm -f a.pdf b.pdf
		PDFSIG_NICK=ec-signer pdfsig_run -add-signature -new-signature-field-name CB unsigned.pdf a.pdf
		PDFSIG_NICK=ec-signer pdfsig_run -sign "Certification body" template.pdf b.pdf
		for f in a.pdf b.pdf; do
			[ -s $f ] || fail "try $i: pdfsig wrote no $f: $(cat sign.err)"
			pdfsig_read $f
			v=$(pdfsig_line 1 "Signature Validation")
			pdfsig_folder $f
			run "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
			case $v in
			"Signature is Valid.")
				valid=$((valid + 1))
				[ "$rc" -eq 0 ] || fail "try $i, $f: pdfsig says valid, lint exits $rc"
				finding_on pdf.signature pass "$EVIDENCE"
				has_out "by 'CN=Certificate Signing EC - TEST ONLY, O=Example Certification Body Ltd - TEST ONLY, C=GB', signed at $PDFSIG_TIME"
				finding_on evidence.authentic pass CEP-TEST-000123
				;;
			"Digest Mismatch.")
				broken=$((broken + 1))
				[ "$rc" -eq 1 ] || fail "try $i, $f: pdfsig says digest mismatch, lint exits $rc"
				finding_on pdf.digest fail "$EVIDENCE"
				finding_on evidence.authentic fail CEP-TEST-000123
				;;
			*) fail "try $i, $f: pdfsig says '$v'" ;;
			esac
		done
	done
	echo "NOTE pdfsig ECDSA P-256: $valid valid and $broken broken signatures of 16, each judged as pdfsig judges it"
}
run_case pdfsig_ecdsa_agree pdfsig_ecdsa_agree

# PoDoFo's podofosign (libpodofo-utils 0.9.8, Debian 12), the other PDF signer packaged in
# Debian, signing with the body signer's PEM key (no chain option: only the signer's own
# certificate goes in, twice). It writes TWO SignerInfos for the one signer: with -digest
# SHA256 two identical ones; by default one SHA-256 and one SHA-512. pdfsig verifies only
# the first and calls the file valid. We refuse any CMS without exactly one SignerInfo
# (cms.c, the rule for bundle signatures too, `signature.signers`): in a PDF, several
# signers sign in several signature dictionaries, as pdfsig's second signature above does.
# So TODAY a podofosign certificate fails pdf.signature ("exactly one SignerInfo is
# required") and evidence.authentic; accepting it (every SignerInfo verifies and names the
# same certificate) would be a policy change, not made here.
pdfsig_podofosign() {
	command -v podofosign >/dev/null 2>&1 ||
		fail "podofosign is not installed: 'make deps' installs libpodofo-utils"
	pdfsig_nss
	pdfsig_unsigned unsigned.pdf
	for digest in SHA256 SHA512; do
		rm -f p.pdf p.pdf.sig0
		TZ=UTC faketime -f "$(echo "$PDFSIG_TIME" | sed 's/T/ /; s/Z$//')" podofosign \
			-in unsigned.pdf -out p.pdf -digest $digest -field-name "Certification body" \
			-cert "$FX/pki/body-signer.pem" -pkey "$FX/pki/body-signer.key" >sign.out 2>&1 ||
			fail "podofosign -digest $digest: $(cat sign.out)"
		pdfsig_read p.pdf
		pdfsig_valid 1 adbe.pkcs7.detached
		qpdf_clean p.pdf
		pdfsig -dump p.pdf >/dev/null 2>&1
		[ -s p.pdf.sig0 ] || fail "pdfsig -dump p.pdf wrote no p.pdf.sig0"
		n=$(openssl cms -cmsout -print -noout -inform DER -in p.pdf.sig0 |
			grep -c 'd\.issuerAndSerialNumber\|d\.subjectKeyIdentifier')
		[ "$n" -eq 2 ] || fail "podofosign -digest $digest wrote $n SignerInfos, want 2"
		pdfsig_folder p.pdf
		expect 1 "$COCO" lint sub --trust "$FX/trust" --at 2027-01-01 --format json
		finding_on pdf.signature fail "$EVIDENCE"
		has_out "exactly one SignerInfo is required"
		finding_on evidence.authentic fail CEP-TEST-000123
	done
	echo "NOTE podofosign $(dpkg-query -W -f='${Version}' libpodofo-utils 2>/dev/null): two SignerInfos, refused"
}
run_case pdfsig_podofosign pdfsig_podofosign
