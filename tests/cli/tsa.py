#!/usr/bin/env python3
"""A small RFC 3161 time-stamping authority for the tests (t_tsa.sh): HTTP on 127.0.0.1
only, a port of the kernel's choosing written to --port-file. It builds the TSTInfo
itself, so that genTime is the fixed --time (no test reads the clock), and has the TSA
sign it with `openssl cms -sign -cades` (eContentType id-ct-TSTInfo, ESS
signing-certificate-v2), which `openssl ts -verify` accepts; with --mode openssl the
reply is stock `openssl ts -reply`'s instead (genTime then the clock's). Other modes
misbehave on purpose: imprint (over other data), nonce (not the request's), broken (the token's
signature spoilt), noess (no ESS signing-certificate binding the TSA's certificate), refuse (status rejection), http500, big (an answer over the limit).
Bounded: at most --max requests, requests of at most 64 KiB, and it exits after --life
seconds whatever happens. TEST ONLY."""
import argparse
import http.server
import os
import subprocess
import sys
import tempfile
import time


def tlv(data, pos):
    """(tag, start of value, end of value) of the DER element at pos."""
    tag, n = data[pos], data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[pos:pos + k], "big")
        pos += k
    return tag, pos, pos + n


def der(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + head + body


def parse_request(req):
    """The messageImprint and the nonce (whole DER elements; nonce may be None)."""
    _, p, end = tlv(req, 0)
    _, _, p = tlv(req, p)  # version
    _, s, e = tlv(req, p)
    imprint = req[p:e]
    p, nonce = e, None
    while p < end:
        tag, s, e = tlv(req, p)
        if tag == 0x02:
            nonce = req[p:e]
        p = e
    return imprint, nonce


class TSA:
    def __init__(self, args):
        self.args = args
        self.serial = 0

    def token(self, req):
        imprint, nonce = parse_request(req)
        mode = self.args.mode
        if mode == "imprint":
            imprint = imprint[:-1] + bytes([imprint[-1] ^ 1])
        if mode == "nonce" and nonce is not None:
            nonce = nonce[:-1] + bytes([nonce[-1] ^ 1])
        self.serial += 1
        tst = der(0x30, der(0x02, b"\x01") + der(0x06, b"\x2a\x03\x04") + imprint +
                  der(0x02, bytes([self.serial])) + der(0x18, self.args.time.encode()) +
                  (nonce or b""))
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "tst"), "wb") as f:
                f.write(tst)
            cades = [] if mode == "noess" else ["-cades"]  # noess: no signing-certificate
            subprocess.run(["openssl", "cms", "-sign", "-binary", "-nodetach"] + cades +
                           ["-nosmimecap", "-md", "sha256", "-econtent_type",
                            "id-smime-ct-TSTInfo", "-signer", self.args.cert, "-inkey",
                            self.args.key, "-in", os.path.join(d, "tst"), "-outform", "DER",
                            "-out", os.path.join(d, "tok")], check=True)
            with open(os.path.join(d, "tok"), "rb") as f:
                tok = f.read()
        if mode == "broken":  # the SignerInfo's signature value ends the token
            tok = tok[:-1] + bytes([tok[-1] ^ 1])
        return tok

    def openssl_reply(self, req):
        """The reply `openssl ts -reply` makes (its genTime is the clock's)."""
        with tempfile.TemporaryDirectory() as d:
            cnf = os.path.join(d, "ts.cnf")
            with open(cnf, "w") as f:
                f.write("[ tsa ]\ndefault_tsa = t\n[ t ]\nserial = %s/serial\n"
                        "signer_cert = %s\ncerts = %s\nsigner_key = %s\n"
                        "signer_digest = sha256\ndefault_policy = 1.2.3.4.1\n"
                        "digests = sha256, sha384, sha512\naccuracy = secs:1\n"
                        "ess_cert_id_chain = no\n" % (d, self.args.cert, self.args.cert,
                                                       self.args.key))
            with open(os.path.join(d, "serial"), "w") as f:
                f.write("01\n")
            with open(os.path.join(d, "q.tsq"), "wb") as f:
                f.write(req)
            subprocess.run(["openssl", "ts", "-reply", "-config", cnf, "-queryfile",
                            os.path.join(d, "q.tsq"), "-out", os.path.join(d, "r.tsr")],
                           check=True, stderr=subprocess.DEVNULL)
            with open(os.path.join(d, "r.tsr"), "rb") as f:
                return f.read()

    def reply(self, req):
        if self.args.mode == "openssl":
            return self.openssl_reply(req)
        if self.args.mode == "refuse":
            return der(0x30, der(0x30, der(0x02, b"\x02")))
        return der(0x30, der(0x30, der(0x02, b"\x00")) + self.token(req))


def main():
    ap = argparse.ArgumentParser()
    for a in ("--cert", "--key", "--time", "--port-file"):
        ap.add_argument(a, required=True)
    ap.add_argument("--mode", default="good")
    ap.add_argument("--max", type=int, default=8)
    ap.add_argument("--life", type=float, default=120)
    args = ap.parse_args()
    tsa = TSA(args)
    served = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            served[0] += 1
            n = int(self.headers.get("Content-Length", "0"))
            if n > 65536 or self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(400)
                return
            if args.mode == "http500":
                self.send_error(500)
                return
            body = b"\0" * (300 * 1024) if args.mode == "big" else tsa.reply(self.rfile.read(n))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    srv.timeout = 1
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    deadline = time.monotonic() + args.life
    while time.monotonic() < deadline and served[0] < args.max:
        srv.handle_request()
    return 0


if __name__ == "__main__":
    sys.exit(main())
