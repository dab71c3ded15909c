#!/usr/bin/env python3
"""storedigest.py [--files] STORE: print a digest of a store, one line per
file (and folder): name, mode, content hash, compared as readers see the
store.  Used by tests/torture/faults.py and tests/0904-enospc.t to tell
"the store is as it was" from "something changed"."""
import hashlib
import os
import stat
import sys
import zipfile


def committed_sizes(STORE):
    """records/state: the committed size of each records shard."""
    sizes = {}
    try:
        with open(os.path.join(STORE, "records", "state")) as fh:
            for ln in fh:
                f = ln.split()
                if len(f) != 2 or not f[1].isdigit() or f[0] == "imports":
                    continue
                if len(f[0]) == 3 and f[0][0] == "k":   # key shard
                    sizes[f[0][1:] + ".key"] = int(f[1])
                else:
                    sizes[f[0] + ".tsv"] = int(f[1])
    except FileNotFoundError:
        pass
    return sizes


def digest(STORE, files_only=False):
    """Names, modes and contents of every file; lock files' contents (the
    holder's pid) left out, as in tests/lib.sh store_digest.  Derived or
    uncommitted data is compared as readers see it: an entry of the queue
    index is compared by name (its content is a listing cache), so is a
    log of the summary index (its content follows the documents: checked
    by tests/1605-index.t), empty
    folders of the queue index and the records store are not data, and a records shard
    counts only up to its committed size (records.h: bytes past it are
    invisible and the next import overwrites them); an empty slips/ folder
    is not data either."""
    out = []
    sizes = committed_sizes(STORE)
    for d, dirs, files in os.walk(STORE):
        dirs.sort()
        rel = os.path.relpath(d, STORE)
        if not files_only and rel.split("/")[0] not in ("queues", "records",
                                                         "slips"):
            out.append("%s/ %o" % (rel, stat.S_IMODE(os.lstat(d).st_mode)))
        for f in sorted(files):
            p = os.path.join(d, f)
            st = os.lstat(p)
            if rel == "index" and f == "summary":
                continue            # built by fsck --repair and reports,
                                    # never by a commit (ceh-store(5))
            if rel == "index" and f == "moved.lock":
                continue            # the lock of index/moved, made by
                                    # fsck --repair and ceh transfer
            if f == ".lock":
                if files_only:      # made on the way, never data
                    continue
                out.append("%s/%s lock" % (rel, f))
                continue
            if stat.S_ISLNK(st.st_mode):
                h = "->" + os.readlink(p)
            elif rel.startswith("queues/"):
                h = "entry"         # a cache of the listing: derived
            elif rel == "index":
                h = "derived"       # the summary index: tests/1605
            elif rel == "records" and f.endswith((".tsv", ".key")):
                if not sizes.get(f):
                    continue
                with open(p, "rb") as fh:
                    h = hashlib.sha256(fh.read(sizes[f])).hexdigest()[:16]
            elif f.endswith(".zip") and zipfile.is_zipfile(p):
                # entries and contents: libzip stamps entries with the
                # wall clock, which CEH_NOW does not pin
                with zipfile.ZipFile(p) as z:
                    h = "zip:" + hashlib.sha256(repr(sorted(
                        (n, hashlib.sha256(z.read(n)).hexdigest())
                        for n in z.namelist())).encode()).hexdigest()[:16]
            else:
                with open(p, "rb") as fh:
                    h = hashlib.sha256(fh.read()).hexdigest()[:16]
            out.append("%s/%s %o %s" % (rel, f, stat.S_IMODE(st.st_mode), h))
    return "\n".join(out)


if __name__ == "__main__":
    args = sys.argv[1:]
    only = args[:1] == ["--files"]
    print(digest(args[-1], files_only=only))
