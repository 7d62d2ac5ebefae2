#!/usr/bin/env python3
"""Writes a one-page PDF whose only signature is a document timestamp (ISO 32000-2
12.8.5): a /Type /DocTimeStamp dictionary, /SubFilter /ETSI.RFC3161, whose /Contents is an
RFC 3161 TimeStampToken over the SHA-256 of its /ByteRange bytes, made by the test TSA
(tsa.py: fixed genTime --time, signed with `openssl cms -sign`). --tamper changes one signed
byte after timestamping (the imprint no longer matches). For t_docts.sh. TEST ONLY."""
import argparse
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tsa import TSA, der  # noqa: E402

CONTENTS_BYTES = 8192
BR_HOLD = b"[0 0000000000 0000000000 0000000000]"
SHA256 = bytes.fromhex("0609608648016503040201")  # OID 2.16.840.1.101.3.4.2.1


def unstamped():
    text = b"BT /F1 18 Tf 72 760 Td (Timestamped certificate - TEST ONLY) Tj ET"
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] /SigFlags 3 >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4"
           b" 0 R >> >> /Contents 5 0 R /Annots [6 0 R] >>",
        4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        5: b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        6: b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Timestamp) /V 7 0 R /Rect [0 0 0 0]"
           b" /F 132 /P 3 0 R >>",
        7: b"<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 /ByteRange "
           + BR_HOLD + b" /Contents <" + b"0" * (2 * CONTENTS_BYTES) + b"> >>",
    }
    out, offs = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), {}
    for n in sorted(objs):
        offs[n] = len(out)
        out += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 8\n0000000000 65535 f \n"
    for n in range(1, 8):
        out += b"%010d 00000 n \n" % offs[n]
    out += b"trailer\n<< /Size 8 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


def main():
    ap = argparse.ArgumentParser()
    for a in ("--cert", "--key", "--time", "--out"):
        ap.add_argument(a, required=True)
    ap.add_argument("--tamper", action="store_true")
    args = ap.parse_args()
    args.mode = "good"
    pdf = unstamped()
    a = pdf.index(b"/Contents <0") + len(b"/Contents ")
    b = a + 2 + 2 * CONTENTS_BYTES
    br = b"[0 %010d %010d %010d]" % (a, b, len(pdf) - b)
    i = pdf.index(BR_HOLD)
    pdf[i:i + len(br)] = br
    h = hashlib.sha256(bytes(pdf[:a]) + bytes(pdf[b:])).digest()
    req = der(0x30, der(0x02, b"\x01") +
              der(0x30, der(0x30, SHA256 + der(0x05, b"")) + der(0x04, h)))
    tok = TSA(args).token(req).hex().encode()
    assert len(tok) <= 2 * CONTENTS_BYTES
    pdf[a + 1:a + 1 + len(tok)] = tok
    if args.tamper:  # the page's text, after timestamping
        j = pdf.index(b"Timestamped certificate")
        pdf[j] = ord("t")
    with open(args.out, "wb") as f:
        f.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
