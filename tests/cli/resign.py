#!/usr/bin/env python3
"""resign.py IN OUT MANIFEST KEY CERT [ENTRY=FILE ...]

Test helper: rewrites a bundle with some entries replaced (ENTRY=FILE), fixes the
SHA-256 digests of those entries in MANIFEST, and signs MANIFEST again with KEY/CERT
(detached CAdES via the openssl CLI), so that a sign-off can be made to say something
else while still verifying. Entry order and compression are kept."""
import base64
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile


def main():
    src, dst, manifest, key, cert = sys.argv[1:6]
    repl = dict(a.split("=", 1) for a in sys.argv[6:])
    with zipfile.ZipFile(src) as z:
        infos = z.infolist()
        data = {i.filename: z.read(i.filename) for i in infos}
    for name, path in repl.items():
        with open(path, "rb") as f:
            data[name] = f.read()
    man = data[manifest].decode()
    for name in repl:
        digest = base64.b64encode(hashlib.sha256(data[name]).digest()).decode()
        pat = r'(URI="%s"[^>]*>\s*<ds:DigestMethod[^>]*/>\s*<ds:DigestValue>)[^<]*' % re.escape(name)
        man, n = re.subn(pat, r"\g<1>" + digest, man)
        if n != 1 and name != manifest:
            sys.exit("resign: %s not in %s" % (name, manifest))
    data[manifest] = man.encode()
    sigref = re.search(r'SigReference URI="([^"]+)"', man).group(1)
    with tempfile.NamedTemporaryFile() as m, tempfile.NamedTemporaryFile() as s:
        m.write(data[manifest])
        m.flush()
        subprocess.run(["openssl", "cms", "-sign", "-binary", "-cades", "-nosmimecap",
                        "-md", "sha256", "-in", m.name, "-signer", cert, "-inkey", key,
                        "-outform", "DER", "-out", s.name], check=True)
        data[sigref] = s.read()
    with zipfile.ZipFile(dst, "w") as z:
        for i in infos:
            zi = zipfile.ZipInfo(i.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = i.compress_type
            zi.external_attr = 0o100644 << 16
            zi.create_system = 3
            z.writestr(zi, data[i.filename])


if __name__ == "__main__":
    main()
