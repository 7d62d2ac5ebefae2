#!/usr/bin/env python3
"""The reader differential (docs/SECURITY.md, "Reader differentials").

usage: differential.py --coco COCO BUNDLE...
       differential.py --readers-only BUNDLE...

Reads each bundle with five other zip readers: Info-ZIP unzip (`unzip -Z1` lists,
`unzip -d` extracts), Python's zipfile, 7-Zip (`7z l -slt`, `7z x`), bsdtar (`bsdtar -t`,
`bsdtar -x`, and `bsdtar -xf -` reading the bundle from a pipe, as a streaming reader that
never sees the central directory) and libzip's ziptool (`stat`, `cat`). Each must list exactly the entries that
coco-bundle reads, and give each file byte for byte the same content: coco-bundle's reading
is `COCO inspect BUNDLE --format json` (every entry's name and the SHA-256 of the bytes it
read, the bytes verify hashed and extract writes). The extractions are also walked: a file
must come out as a regular file, a folder entry as a folder, and nothing else may appear (no
link, no other name). With --readers-only (for a bundle coco-bundle refuses, to show that the
readers themselves disagree on it) the readers are compared with unzip's reading instead.

Prints one line per disagreement, "BUNDLE: READER: what". Exit status: 0 every reader
agrees, 1 a disagreement, 2 it could not run (a tool missing, coco-bundle refusing the
bundle, a usage error). Run by tests/cli/run.sh after every verify that PASSED and by the
hostile suite for its accepted bundles (tests/unit/check_hostile.c).
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

ENV = dict(os.environ, LC_ALL="C.UTF-8", TZ="UTC")
TOOLS = ["unzip", "7z", "bsdtar", "ziptool"]


class CannotRun(Exception):
    pass


def sha(b):
    return "file " + hashlib.sha256(b).hexdigest()


# What a view says of a name: "file <sha256>", "dir", "listed" (a listing, which gives
# names only), "link to <target>" or "not a file". A reader that failed has the name
# "(exit N)" or "(error)" with its message.
def describe(v):
    return "a file" if v.startswith("file ") else "a folder" if v == "dir" else v


def run(argv, cwd=None, data=None):
    """Runs argv; with data, fed to its standard input through a pipe (not seekable)."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                       cwd=cwd, input=data,
                       stdin=subprocess.DEVNULL if data is None else None, check=False)
    return p.returncode, p.stdout, p.stderr


def entries_view(pairs):
    """{name: "file <sha256>", or "dir" for a folder entry} from (name, bytes or None)."""
    view = {}
    for name, data in pairs:
        if name in view:
            name += " (again)"
        view[name] = "dir" if name.endswith("/") else sha(data)
    return view


def tree_view(root):
    """What an extraction left: the same shape as entries_view, with links and other
    types named as such, and every folder (implied or not) as "dir"."""
    view = {}
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        for n in dirs + files:
            p = os.path.join(d, n)
            name = n if rel == "." else rel + "/" + n
            if os.path.islink(p):
                view[name] = "link to " + os.readlink(p)
            elif os.path.isdir(p):
                view[name + "/"] = "dir"
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    view[name] = sha(f.read())
            else:
                view[name] = "not a file"
    return view


def with_parents(view):
    """view plus a "dir" for every folder its names imply: what an extraction makes."""
    out = dict(view)
    for name in view:
        parts = name.rstrip("/").split("/")[:-1]
        for k in range(1, len(parts) + 1):
            out["/".join(parts[:k]) + "/"] = "dir"
    return out


# ---- the readers: each returns a list of (how, view); "how" names the reading ----------

def coco_view(coco, bundle):
    rc, out, err = run([coco, "inspect", bundle, "--format", "json"])
    if rc != 0:
        raise CannotRun("coco-bundle inspect exit %d: %s" % (rc, err.decode(errors="replace")))
    entries = json.loads(out)["bundle"]["entries"]
    return {e["name"]: "dir" if e["name"].endswith("/") else "file " + e["sha256"]
            for e in entries}


def extracted(argv, tmp, bundle, data=None):
    """Runs an extractor into a fresh folder (data: its standard input); its tree, or a
    note of how it failed."""
    dest = tempfile.mkdtemp(dir=tmp)
    rc, _, err = run([a.replace("@DEST", dest).replace("@BUNDLE", bundle) for a in argv],
                     data=data)
    if rc != 0:
        return {"(exit %d)" % rc: err.decode(errors="replace").strip()[:200]}
    return tree_view(dest)


def read_unzip(bundle, tmp):
    rc, out, err = run(["unzip", "-Z1", bundle])
    listed = ({"(exit %d)" % rc: err.decode(errors="replace")[:200]} if rc != 0 else
              {n: "listed" for n in out.decode("utf-8", "replace").splitlines()})
    tree = extracted(["unzip", "-qq", "-o", "@BUNDLE", "-d", "@DEST"], tmp, bundle)
    return [("unzip -Z1", listed), ("unzip extraction", tree)]


def read_python(bundle, tmp):
    del tmp
    try:
        with zipfile.ZipFile(bundle) as z:
            pairs = [(i.filename, None if i.is_dir() else z.read(i)) for i in z.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as e:
        return [("python zipfile", {"(error)": str(e)})]
    return [("python zipfile", entries_view(pairs))]


def read_7z(bundle, tmp):
    rc, out, err = run(["7z", "l", "-slt", "-ba", bundle])
    listed = {}
    if rc != 0:
        listed["(exit %d)" % rc] = err.decode(errors="replace")[:200]
    path = None
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("Path = "):
            path = line[7:]
        elif line.startswith("Folder = ") and path is not None:
            listed[path + ("/" if line.endswith("+") else "")] = "listed"
            path = None
    tree = extracted(["7z", "x", "-y", "-bd", "-o@DEST", "@BUNDLE"], tmp, bundle)
    return [("7z l", listed), ("7z x", tree)]


def read_bsdtar(bundle, tmp):
    rc, out, err = run(["bsdtar", "-tf", bundle])
    listed = ({"(exit %d)" % rc: err.decode(errors="replace")[:200]} if rc != 0 else
              {n: "listed" for n in out.decode("utf-8", "replace").splitlines()})
    tree = extracted(["bsdtar", "-xf", "@BUNDLE", "-C", "@DEST"], tmp, bundle)
    # From a pipe, libarchive cannot seek to the central directory: it reads the local
    # headers in order and must find each entry's end from its header (or guess it).
    with open(bundle, "rb") as f:
        piped = extracted(["bsdtar", "-xf", "-", "-C", "@DEST"], tmp, bundle, f.read())
    return [("bsdtar -t", listed), ("bsdtar -x", tree), ("bsdtar -x from a pipe", piped)]


def parse_ziptool_stats(text):
    """(name, size) of each "stat" block of `ziptool -r`; the rest of text, the data."""
    stats = []
    while text.startswith(b"name: '"):
        end = text.index(b"'\nindex: '")
        name = text[7:end].decode("utf-8", "replace")
        size = int(text[text.index(b"size: '", end) + 7:].split(b"'", 1)[0])
        text = text[text.index(b"encryption method: '", end):]
        text = text[text.index(b"\n") + 1:]
        text = text[1:] if text.startswith(b"\n") else text
        stats.append((name, size))
    return stats, text


def read_ziptool(bundle, tmp):
    del tmp
    rc, out, err = run(["ziptool", bundle, "get_num_entries", "0"])
    if rc != 0:
        return [("ziptool", {"(exit %d)" % rc: err.decode(errors="replace")[:200]})]
    n = int(out.split()[0])
    argv = ["ziptool", "-r", bundle]
    argv += [w for i in range(n) for w in ("stat", str(i))]
    argv += [w for i in range(n) for w in ("cat", str(i))]
    rc, out, err = run(argv)
    if rc != 0:
        return [("ziptool", {"(exit %d)" % rc: err.decode(errors="replace")[:200]})]
    try:
        stats, data = parse_ziptool_stats(out)
    except (ValueError, IndexError):
        return [("ziptool", {"(unreadable output)": out[:200].decode(errors="replace")})]
    pairs, at = [], 0
    for name, size in stats:
        pairs.append((name, data[at:at + size]))
        at += size
    if at != len(data) or len(stats) != n:
        pairs.append(("(%d bytes of output unaccounted)" % (len(data) - at), b""))
    return [("ziptool", entries_view(pairs))]


READERS = [read_unzip, read_python, read_7z, read_bsdtar, read_ziptool]


def differences(want, got):
    """What got says differently from want, one phrase each."""
    out = ["failed %s: %s" % (n, " ".join(v.split())) for n, v in got.items() if n[0] == "("]
    if out:
        return out
    for name in sorted(set(want) | set(got)):
        w, g = want.get(name), got.get(name)
        if g is None:
            out.append("misses '%s'" % name)
        elif w is None:
            out.append("has '%s' (%s), which the reference lacks" % (name, describe(g)))
        elif g.startswith("file ") and w.startswith("file "):
            if g != w:
                out.append("reads other bytes for '%s'" % name)
        elif g not in (w, "listed"):
            out.append("sees '%s' as %s, not %s" % (name, describe(g), describe(w)))
    return out


TREES = ("unzip extraction", "7z x", "bsdtar -x", "bsdtar -x from a pipe")


def compare(bundle, reference):
    """Disagreement lines for one bundle. With no reference (--readers-only), the readers'
    files are compared with those of unzip's extraction, folders aside."""
    lines = []
    tmp = tempfile.mkdtemp(prefix="coco-diff-")
    try:
        views = [v for reader in READERS for v in reader(bundle, tmp)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    files_only = reference is None
    if files_only:
        reference = dict(views[1][1])
    for how, view in views:
        want = with_parents(reference) if how in TREES else reference
        if files_only:
            want = {n: v for n, v in want.items() if v != "dir"}
            view = {n: v for n, v in view.items() if v != "dir" and not n.endswith("/")}
        for d in differences(want, view):
            lines.append("%s: %s: %s" % (bundle, how, d))
    return lines


def main(argv):
    if len(argv) >= 3 and argv[0] == "--coco":
        coco, bundles = argv[1], argv[2:]
    elif len(argv) >= 2 and argv[0] == "--readers-only":
        coco, bundles = None, argv[1:]
    else:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        sys.stderr.write("differential: not installed: %s (make deps installs them)\n"
                         % " ".join(missing))
        return 2
    bad = False
    for b in bundles:
        try:
            lines = compare(b, coco_view(coco, b) if coco else None)
        except CannotRun as e:
            sys.stderr.write("differential: %s: %s\n" % (b, e))
            return 2
        for line in lines:
            print(line)
        bad = bad or bool(lines)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
