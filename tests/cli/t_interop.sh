# shellcheck shell=sh disable=SC2154 # rc is set by run() in lib.sh
# A conforming ASiC-E/CAdES container made by another implementation (Info-ZIP zip and
# the openssl CLI, with a different entry order, deflated data, a default-namespace
# manifest and percent-encoded URIs) must verify PASSED. openssl stamps the real
# signing time, so the case verifies at 2035-06-01, inside the certificate's validity,
# with an assessment whose (ISO/IEC 27001) baseline certificate is current then.

# interop_assessment OUT CERT [FILE...]: an assessment.xml with an ISO/IEC 27001:2022
# certificate valid 2034-06-01..2037-05-31 in the PDF CERT, referencing each FILE too.
interop_assessment() {
	out=$1
	cert=$2
	shift 2
	sed -e 's|<baselineCertificate scheme="cyber-essentials-plus"|<baselineCertificate scheme="iso27001-2022"|' \
		-e 's|<number>CEP-TEST-000123</number>|<number>ISO-TEST-2034</number>|' \
		-e 's|<body>Example Certification Body Ltd - TEST ONLY</body>|<body>Example ISO Registrar Ltd - TEST ONLY</body>|' \
		-e 's|<scope>Whole organisation</scope>|<scope>SIA licence management and guarding operations</scope>|' \
		-e 's|<issued>2026-09-15</issued>|<issued>2034-06-01</issued>|' \
		-e 's|<expires>2027-09-15</expires>|<expires>2037-05-31</expires>|' \
		-e '/<basicIssued>/d' \
		-e "s|<file>evidence/cyber-essentials-plus.pdf</file>|<file>$cert</file>|" \
		-e 's|<date>2026-10-01</date>|<date>2026-01-01</date>|' \
		-e 's|<supportingFile>[^<]*</supportingFile>||' \
		-e '/<policies>/,/<\/policies>/d' "$FX/example/assessment.xml" >"$out.tmp"
	refs=
	for f in "$@"; do refs="$refs<supportingFile>$f</supportingFile>"; done
	sed "s|</statement></element>|</statement>$refs</element>|" "$out.tmp" |
		awk 'n == 0 && /<\/element>/ { n = 1; print; next } { gsub(/<supportingFile>[^<]*<\/supportingFile>/, ""); print }' >"$out"
	rm -f "$out.tmp"
}

interop_zip_openssl() {
	mkdir -p src/evidence src/META-INF
	interop_assessment src/assessment.xml "evidence/CE plus certificate.pdf"
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
	finding evidence.baseline pass
	finding evidence.scope pass
	has_out '"name": "evidence/CE plus certificate.pdf"'
}
run_case interop_zip_openssl interop_zip_openssl

# interop_sign_manifest MANIFEST SIG: a detached CAdES signature made with the openssl CLI.
interop_sign_manifest() {
	openssl cms -sign -binary -cades -md sha256 -outform DER -signer "$FX/pki/director.pem" \
		-inkey "$FX/pki/director.key" -certfile "$FX/pki/chain.pem" \
		-in "$1" -out "$2" 2>sign.err || fail "openssl cms -sign: $(cat sign.err)"
}

# interop_tree: src/ with the sample data objects (one renamed with a space), a manifest
# with a default namespace, no MimeType attributes and only SHA-256, and its signature.
interop_tree() {
	mkdir -p src/evidence src/policies src/META-INF
	interop_assessment src/assessment.xml "evidence/CE plus.pdf" policies/acceptable-use-policy.pdf
	cp "$FX/example/evidence/cyber-essentials-plus.pdf" "src/evidence/CE plus.pdf"
	cp "$FX/example/policies/acceptable-use-policy.pdf" src/policies/
	printf %s application/vnd.etsi.asic-e+zip >src/mimetype
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#">'
		echo '<SigReference URI="META-INF/signature.p7s"/>'
		for n in policies/acceptable-use-policy.pdf "evidence/CE plus.pdf" assessment.xml; do
			d=$(openssl dgst -sha256 -binary "src/$n" | base64)
			printf '<DataObjectReference URI="%s">' "$(printf %s "$n" | sed 's/ /%20/g')"
			printf '<DigestMethod xmlns="http://www.w3.org/2000/09/xmldsig#" '
			printf 'Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
			printf '<DigestValue xmlns="http://www.w3.org/2000/09/xmldsig#">%s</DigestValue>' "$d"
			echo '</DataObjectReference>'
		done
		echo '</ASiCManifest>'
	} >src/META-INF/ASiCManifest.xml
	interop_sign_manifest src/META-INF/ASiCManifest.xml src/META-INF/signature.p7s
}

# The recipe another implementation would follow with Info-ZIP: mimetype stored first,
# then the data objects deflated (with folder entries), then META-INF added separately.
interop_zip_default_ns() {
	interop_tree
	(cd src && zip -q -X -0 ../b.coco mimetype &&
		zip -q -X -r ../b.coco assessment.xml evidence policies &&
		zip -q -X ../b.coco META-INF/ASiCManifest.xml META-INF/signature.p7s) || fail "zip"
	unzip -tq b.coco >/dev/null || fail "unzip -t"
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2035-06-01
	[ "$(tail -n 1 out)" = "verdict    PASSED" ] || fail "last line: $(tail -n 1 out)"
	expect 0 "$COCO" extract b.coco -d dest --trust "$FX/trust" --at 2035-06-01
	cmp -s "dest/evidence/CE plus.pdf" "$FX/example/evidence/cyber-essentials-plus.pdf" ||
		fail "extracted 'evidence/CE plus.pdf' differs"
}
run_case interop_zip_default_ns interop_zip_default_ns

# Genuinely non-conforming containers from the same tools: EN 319 162-1 A.1 wants the
# mimetype entry stored with no extra field, so zip without -X (which adds the UT/ux
# extra fields) and zip writing to a pipe (which adds data descriptors) both fail. Without
# -X, zip also writes its Unix UID/GID field (ux, 0x7875) on every entry, which is refused
# since issue 13 (docs/FORMAT.md: only zip64 and timestamp fields): `zip -X` it must be.
interop_nonconforming_mimetype() {
	interop_tree
	(cd src && zip -q -0 ../extra.coco mimetype &&
		zip -q -r ../extra.coco assessment.xml evidence policies META-INF) || fail "zip"
	verify_json extra.coco
	[ "$rc" -eq 1 ] || fail "extra field: exit $rc, want 1"
	finding container.mimetype fail
	(cd src && zip -q -X -0 - mimetype assessment.xml evidence/* policies/* META-INF/*) |
		cat >streamed.coco
	unzip -tq streamed.coco >/dev/null || fail "unzip -t streamed"
	verify_json streamed.coco
	[ "$rc" -eq 1 ] || fail "data descriptor: exit $rc, want 1"
	finding container.mimetype fail
	# UT and ux on the data objects only: the ux field is refused (issue 13).
	(cd src && zip -q -X -0 ../ux.coco mimetype &&
		zip -q -r ../ux.coco assessment.xml evidence policies META-INF) || fail "zip"
	verify_json ux.coco
	[ "$rc" -eq 1 ] || fail "ux extra field: exit $rc, want 1"
	finding_on container.extra fail assessment.xml
	has_out "central extra field 0x7875 (Info-ZIP Unix UID/GID 'ux')"
	no_out '"id": "container.mimetype"'
}
run_case interop_nonconforming_mimetype interop_nonconforming_mimetype

# interop_python_zip OUT MODE: the tree zipped by Python's zipfile as a streaming writer
# would: mimetype stored without descriptor, then every other entry deflated with a data
# descriptor. MODE is the Unix mode to record in octal, or "default" for what zipfile
# itself writes (0600, permission bits with no file-type bits).
interop_python_zip() {
	python3 - "$1" "$2" <<'PY' || fail "python zipfile"
import sys, zipfile
out, mode = sys.argv[1], sys.argv[2]
names = ["policies/acceptable-use-policy.pdf", "evidence/CE plus.pdf", "assessment.xml",
         "META-INF/ASiCManifest.xml", "META-INF/signature.p7s"]
def info(name, method):
    zi = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
    zi.compress_type = method
    if mode != "default":
        zi.external_attr = int(mode, 8) << 16
    return zi
with zipfile.ZipFile(out, "w") as z:
    z.writestr(info("mimetype", zipfile.ZIP_STORED), b"application/vnd.etsi.asic-e+zip")
    z._seekable = False  # from here on: data descriptors, as when writing to a socket
    for n in names:
        with z.open(info(n, zipfile.ZIP_DEFLATED), "w") as w, open("src/" + n, "rb") as r:
            w.write(r.read())
PY
}

# Data descriptors on data objects are allowed (only the mimetype must not have one).
interop_python_descriptors() {
	command -v python3 >/dev/null 2>&1 || { echo "skipped: no python3"; return 0; }
	interop_tree
	interop_python_zip b.coco 100644
	unzip -tq b.coco >/dev/null || fail "unzip -t"
	expect 0 "$COCO" verify b.coco --trust "$FX/trust" --at 2035-06-01 --format json
	finding container.structure pass
	finding manifest.digest pass
}
run_case interop_python_descriptors interop_python_descriptors

# Python's zipfile records Unix mode 0600 with no file-type bits for every entry it writes
# with writestr(name, ...) or open(name, "w"). No type bits means "not stated": Info-ZIP
# unzip extracts such entries as regular files, and coco-bundle already accepts a mode of
# 0. Only type bits that say link, device, FIFO or socket are to be refused. Expected PASSED.
interop_python_default_mode() {
	command -v python3 >/dev/null 2>&1 || { echo "skipped: no python3"; return 0; }
	interop_tree
	interop_python_zip b.coco default
	unzip -tq b.coco >/dev/null || fail "unzip -t"
	run "$COCO" verify b.coco --trust "$FX/trust" --at 2035-06-01 --format json
	grep '"status": "fail"' out || :
	[ "$rc" -eq 0 ] || fail "exit $rc, want 0 (PASSED)"
	finding container.structure pass
}
run_case interop_python_default_mode interop_python_default_mode

# interop_sample_tree: the sample bundle's entries unpacked into src/ (verified at 2027-06-01).
interop_sample_tree() {
	create_bundle s.coco
	unzip -q s.coco -d src || fail "unzip"
}

# The entries of the sample, after the mimetype, in the sample's order.
SAMPLE_ENTRIES="assessment.xml evidence/cyber-essentials-plus.pdf policies/acceptable-use-policy.pdf \
policies/information-security-policy.pdf META-INF/ASiCManifest001.xml META-INF/signature001.p7s"

# Python's zipfile with force_zip64: streamed (with data descriptors), each local header has
# a zip64 field of zeros, which says the descriptor has 8-byte sizes (APPNOTE 4.3.9.2):
# PASSED. Written to a seekable file, Python 3.11.4 and later saturate the local sizes and
# give them in the zip64 field: PASSED; Debian 12's 3.11.2 leaves the local sizes as they
# are beside the field (fixed upstream), which APPNOTE 4.5.3 forbids: container.extra.
interop_python_zip64() {
	interop_sample_tree
	python3 - $SAMPLE_ENTRIES <<'PY' || fail "python zipfile"
import sys, zipfile
def info(n, m):
    zi = zipfile.ZipInfo(n, (2026, 1, 1, 0, 0, 0))
    zi.compress_type = m
    zi.external_attr = 0o100644 << 16
    return zi
for out, streamed in (("streamed.coco", True), ("seekable.coco", False)):
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(info("mimetype", zipfile.ZIP_STORED), b"application/vnd.etsi.asic-e+zip")
        if streamed:
            z._seekable = False
        for n in sys.argv[1:]:
            with z.open(info(n, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as w, \
                    open("src/" + n, "rb") as r:
                w.write(r.read())
with open("seekable.coco", "rb") as f:  # the first data object's local header
    f.seek(30 + 8 + 31)
    print("saturated" if f.read(30)[18:26] == b"\xff" * 8 else "plain", file=open("form", "w"))
PY
	expect 0 "$COCO" verify streamed.coco --trust "$FX/trust" --at 2027-06-01 --format json
	finding container.structure pass
	verify_json seekable.coco
	if [ "$(cat form)" = saturated ]; then
		[ "$rc" -eq 0 ] || fail "seekable force_zip64, saturated: exit $rc, want 0"
		return 0
	fi
	[ "$rc" -eq 1 ] || fail "seekable force_zip64, sizes not saturated: exit $rc, want 1"
	finding_on container.extra fail assessment.xml
	has_out "zip64 field although the local sizes are not saturated"
}
run_case interop_python_zip64 interop_python_zip64

# 7-Zip writes NTFS times (0x000a) in the central directory, which are accepted, but sorts
# the entries by name, so its bundle fails only because the mimetype is not first.
interop_7z() {
	command -v 7z >/dev/null 2>&1 || fail "7z is not installed (make deps)"
	interop_sample_tree
	(cd src && 7z a -tzip -mx0 ../7z.coco mimetype >/dev/null &&
		7z a -tzip -mx9 ../7z.coco $SAMPLE_ENTRIES >/dev/null) || fail "7z"
	verify_json 7z.coco
	[ "$rc" -eq 1 ] || fail "7z: exit $rc, want 1"
	finding container.mimetype fail
	[ "$(grep -c '"status": "fail"' out)" -eq 1 ] || fail "7z: more than the mimetype failed"
}
run_case interop_7z interop_7z

# Java's ZipOutputStream (when a JDK is installed: openjdk-17-jdk-headless is in the
# Makefile's DEB_BENCH): the mimetype stored first, then deflated entries with data
# descriptors, extended timestamps (setLastModifiedTime, setCreationTime) and, for a time
# after 2038, NTFS times instead. PASSED. (The `jar` tool cannot make a bundle: it writes
# META-INF/MANIFEST.MF first, with a 0xcafe extra field.)
interop_java() {
	command -v java >/dev/null 2>&1 || { echo "skipped: no java"; return 0; }
	interop_sample_tree
	cat >Zip.java <<'JAVA'
import java.nio.file.*;
import java.nio.file.attribute.FileTime;
import java.util.zip.*;

public class Zip {
	public static void main(String[] a) throws Exception {
		try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(Paths.get(a[0])))) {
			byte[] m = "application/vnd.etsi.asic-e+zip".getBytes("US-ASCII");
			ZipEntry e = new ZipEntry("mimetype");
			CRC32 crc = new CRC32();
			crc.update(m);
			e.setMethod(ZipEntry.STORED);
			e.setSize(m.length);
			e.setCrc(crc.getValue());
			z.putNextEntry(e);
			z.write(m);
			for (int i = 1; i < a.length; i++) {
				ZipEntry d = new ZipEntry(a[i]);
				d.setLastModifiedTime(FileTime.fromMillis(i % 2 == 0 ? 1767225600000L
										      : 4102444800000L));
				d.setCreationTime(FileTime.fromMillis(1767225600000L));
				z.putNextEntry(d);
				z.write(Files.readAllBytes(Paths.get("src", a[i])));
			}
		}
	}
}
JAVA
	java Zip.java java.coco $SAMPLE_ENTRIES 2>java.err || fail "java: $(cat java.err)"
	expect 0 "$COCO" verify java.coco --trust "$FX/trust" --at 2027-06-01 --format json
	finding container.structure pass
}
run_case interop_java interop_java
