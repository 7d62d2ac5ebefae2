#!/usr/bin/env python3
"""bench/pdf50.py OUT: a 50 MB text-heavy PDF for `make bench` (deterministic).

Pages whose content streams are FlateDecode-compressed text operators (about 4:1), the
worst case for the PDF scan's bomb probe; no active content, so lint passes it.
"""
import random
import sys
import zlib

WORDS = [b"BT", b"/F1 12 Tf", b"72 700 Td", b"(Cyber Essentials Plus)", b"Tj", b"ET",
         b"(whole organisation)", b"(certificate)", b"0 -14 Td", b"q", b"Q", b"1 0 0 1"]


def main():
    rng = random.Random(4)
    out = bytearray(b"%PDF-1.7\n")
    offs, kids, n = {}, [], 3

    def add(num, body):
        offs[num] = len(out)
        out.extend(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    add(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    while len(out) < 50_000_000:
        text = b" ".join(WORDS[rng.randrange(len(WORDS))] + b" %d" % rng.randrange(1000)
                         for _ in range(150_000))
        z = zlib.compress(text, 6)
        add(n + 1, b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(z) + z +
            b"\nendstream")
        add(n, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
            % (n + 1))
        kids.append(n)
        n += 2
    add(2, b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) +
        b"] /Count %d >>" % len(kids))
    x = len(out)
    out.extend(b"xref\n0 %d\n0000000000 65535 f \n" % n)
    for i in range(1, n):
        out.extend(b"%010d 00000 n \n" % offs[i])
    out.extend(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (n, x))
    with open(sys.argv[1], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
