# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# A conforming ASiC-E/CAdES container made by another implementation (Info-ZIP zip and
# the openssl CLI, with a different entry order, deflated data, a default-namespace
# manifest and percent-encoded URIs) must verify PASSED. openssl stamps the real
# signing time, so the case verifies at 2035-06-01, inside the certificate's validity.

interop_zip_openssl() {
	mkdir -p src/evidence src/META-INF
	cp "$FX/example/assessment.xml" src/
	cp "$FX/example/evidence/cyber-essentials-plus.pdf" "src/evidence/CE plus certificate.pdf"
	printf %s application/vnd.etsi.asic-e+zip >src/mimetype
	d1=$(openssl dgst -sha256 -binary src/assessment.xml | base64)
	d2=$(openssl dgst -sha512 -binary "src/evidence/CE plus certificate.pdf" | base64 | tr -d '\n')
	cat >src/META-INF/ASiCManifest.xml <<XML
<?xml version="1.0" encoding="UTF-8"?>
<ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:dsig="http://www.w3.org/2000/09/xmldsig#">
	<SigReference URI="META-INF/signature.p7s" MimeType="application/x-pkcs7-signature"/>
	<DataObjectReference URI="evidence/CE%20plus%20certificate.pdf">
		<dsig:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha512"/>
		<dsig:DigestValue>$d2</dsig:DigestValue>
	</DataObjectReference>
	<DataObjectReference URI="assessment.xml" MimeType="text/xml">
		<dsig:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
		<dsig:DigestValue>$d1</dsig:DigestValue>
	</DataObjectReference>
</ASiCManifest>
XML
	openssl cms -sign -binary -cades -md sha256 -outform DER -signer "$FX/pki/director.pem" \
		-inkey "$FX/pki/director.key" -certfile "$FX/pki/chain.pem" \
		-in src/META-INF/ASiCManifest.xml -out src/META-INF/signature.p7s 2>sign.err ||
		fail "openssl cms -sign: $(cat sign.err)"
	(cd src && zip -q -X -0 ../b.coco mimetype &&
		zip -q -X -9 -r ../b.coco evidence assessment.xml META-INF) || fail "zip"
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2035-06-01 --format json
	finding container.structure pass
	finding manifest.digest pass
	finding signature.value pass
	finding signer.chain pass
	has_out '"name": "evidence/CE plus certificate.pdf"'
}
run_case interop_zip_openssl interop_zip_openssl
