#!/bin/sh
# Regenerates the committed seed corpora tests/fuzz/corpus/<harness>/ and the manifest
# that fuzz_cms's seed signatures sign (tests/fuzz/cms-manifest.xml), from the fixtures and
# bundles made here with the built CLI at fixed times. Needs `make`, openssl, python3.
# ECDSA signatures are randomised, so those seeds differ from run to run; the rest is
# reproducible. Run from anywhere: sh tests/fuzz/mkseeds.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
coco="$root/build/coco-bundle"
pki="$root/fixtures/pki"
out="$root/tests/fuzz/corpus"
[ -x "$coco" ] || { echo "mkseeds: build the CLI first (make)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
rm -rf "$out"
for h in archive manifest cms assessment pdf verify; do mkdir -p "$out/$h"; done

key() { cp "$pki/$1.key" "$1.key" && chmod 600 "$1.key"; }
create() { # create OUT SIGNER [FOLDER]
	key "$2"
	"$coco" create "${3:-$root/fixtures/example}" -o "$1" --key "$2.key" --cert "$pki/$2.pem" \
		--chain "$pki/chain.pem" --at 2027-01-01T09:00:00Z >/dev/null 2>&1
}

# ---- bundles: the sample, signed by RSA and ECDSA, stored instead of deflated, countersigned
create sample.coco director
create ec.coco director-ec
key siro
"$coco" countersign sample.coco -o signed-off.coco --key siro.key --cert "$pki/siro.pem" \
	--decision approved --comment 'fuzz seed' --trust "$root/fixtures/trust" \
	--at 2027-01-05T10:00:00Z >/dev/null
mkdir u && (cd u && unzip -q ../sample.coco && zip -q -X -0 -D ../stored.coco mimetype \
	assessment.xml evidence/cyber-essentials-plus.pdf policies/acceptable-use-policy.pdf \
	policies/information-security-policy.pdf META-INF/ASiCManifest001.xml META-INF/signature001.p7s)
mkdir s && (cd s && unzip -q ../signed-off.coco)

# Small zips of the shapes the reader handles: zip64 extra fields, data descriptors.
python3 - <<'PY'
import io, zipfile
mt = b"application/vnd.etsi.asic-e+zip"
def small(path, zip64=False, stream=False):
    raw = io.BytesIO()
    class Unseekable(io.RawIOBase):
        def writable(self): return True
        def write(self, b): return raw.write(b)
    with zipfile.ZipFile(Unseekable() if stream else raw, "w") as z:
        i = zipfile.ZipInfo("mimetype", (1980, 1, 1, 0, 0, 0))
        z.writestr(i, mt, compress_type=zipfile.ZIP_STORED)
        for name, data in (("assessment.xml", b"<assessment/>\n" * 8),
                           ("META-INF/ASiCManifest001.xml", b"<m/>")):
            i = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            i.compress_type = zipfile.ZIP_DEFLATED
            with z.open(i, "w", force_zip64=zip64) as f:
                f.write(data)
    open(path, "wb").write(raw.getvalue())
small("minimal.zip")
small("zip64.zip", zip64=True)
small("descriptor.zip", stream=True)

# The sample in zip64 form: zip64 end record and locator, saturated end-record fields,
# every entry but the mimetype with saturated sizes and zip64 extras (it verifies PASSED).
import struct, zlib
zin = zipfile.ZipFile("sample.coco")
out, cen = bytearray(), bytearray()
for info in zin.infolist():
    data, name = zin.read(info.filename), info.filename.encode()
    comp, method = data, 0
    if info.compress_type == zipfile.ZIP_DEFLATED:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        comp, method = c.compress(data) + c.flush(), 8
    big = name != b"mimetype"
    x = struct.pack("<HHQQ", 1, 16, len(data), len(comp)) if big else b""
    cs, us = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(comp), len(data))
    ver, crc, off = 45 if big else 20, zlib.crc32(data), len(out)
    out += struct.pack("<IHHHHHIIIHH", 0x04034B50, ver, 0, method, 0, 0x21, crc, cs, us,
                       len(name), len(x)) + name + x + comp
    cen += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, ver, 0, method, 0, 0x21, crc,
                       cs, us, len(name), len(x), 0, 0, 0, 0o100644 << 16, off) + name + x
n, cd_off = len(zin.infolist()), len(out)
out += cen
e64 = len(out)
out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 45, 0, 0, n, n, len(cen), cd_off)
out += struct.pack("<IIQI", 0x07064B50, 0, e64, 1)
out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
open("sample-zip64.coco", "wb").write(out)
PY

for f in sample.coco ec.coco stored.coco signed-off.coco sample-zip64.coco minimal.zip zip64.zip \
	descriptor.zip; do
	cp "$f" "$out/archive/$f"
done
for f in sample.coco ec.coco stored.coco signed-off.coco sample-zip64.coco minimal.zip; do
	cp "$f" "$out/verify/$f"
done

# ---- manifests: the applicant's and the SIRO's, and variants of the applicant's
cp u/META-INF/ASiCManifest001.xml "$root/tests/fuzz/cms-manifest.xml"
cp u/META-INF/ASiCManifest001.xml "$out/manifest/applicant.xml"
cp s/META-INF/ASiCManifest002.xml "$out/manifest/siro.xml"
sed -e 's|xmlenc#sha256|xmlenc#sha512|' -e 's|URI="policies/|URI="policies%2F|' \
	-e 's|</asic:ASiCManifest>|<asic:ASiCManifestExtensions><asic:Extension Critical="false"/></asic:ASiCManifestExtensions></asic:ASiCManifest>|' \
	u/META-INF/ASiCManifest001.xml >"$out/manifest/variant.xml"

# ---- CMS: signatures over cms-manifest.xml, good ones from create and near-valid ones
cp u/META-INF/signature001.p7s "$out/cms/rsa.der"
unzip -p ec.coco META-INF/signature001.p7s >"$out/cms/ecdsa.der"
unzip -p signed-off.coco META-INF/signature002.p7s >"$out/cms/siro-other-data.der"
m=u/META-INF/ASiCManifest001.xml
cms() { # cms NAME SIGNER [openssl cms options]
	name=$1 signer=$2
	shift 2
	key "$signer"
	openssl cms -sign -binary -nosmimecap -in "$m" -signer "$pki/$signer.pem" -inkey "$signer.key" \
		-outform DER -out "$out/cms/$name.der" "$@"
}
cms sha1 director -cades -md sha1 -certfile "$pki/chain.pem"
cms embedded director -cades -nodetach -certfile "$pki/chain.pem"
cms no-certs director -cades -nocerts
cms no-cades director -md sha256 -certfile "$pki/chain.pem"
key director-ec
cms two-signers director -cades -certfile "$pki/chain.pem" -signer "$pki/director-ec.pem" \
	-inkey director-ec.key
cms expired expired -cades -certfile "$pki/chain.pem"
cms revoked revoked -cades -certfile "$pki/chain.pem"
cms untrusted untrusted-root -cades

# ---- assessments: the sample, init's skeleton, an ISO 27001 variant
cp "$root/fixtures/example/assessment.xml" "$out/assessment/sample.xml"
"$coco" init skel --org 'Fuzz & Seed Ltd' >/dev/null 2>&1
cp skel/assessment.xml "$out/assessment/skeleton.xml"
sed -e 's|scheme="cyber-essentials-plus"|scheme="iso27001-2022"|' -e '/<basicIssued>/d' \
	-e 's|<countries>GB IE</countries>|<countries>UK EL JE CH</countries>|' \
	"$root/fixtures/example/assessment.xml" >"$out/assessment/iso27001.xml"

# ---- PDFs: every PDF fixture and the sample's policies (one copy of each content)
for f in "$root"/fixtures/pdf/*.pdf "$root"/fixtures/example/*/*.pdf; do
	sum=$(cksum <"$f" | cut -d' ' -f1)
	ls "$out/pdf" | grep -q "^$sum-" || cp "$f" "$out/pdf/$sum-$(basename "$f")"
done
for f in "$out"/pdf/*; do
	b=${f##*/}
	mv "$f" "$out/pdf/${b#*-}"
done

du -sk "$out" | sed 's/^/mkseeds: /'
