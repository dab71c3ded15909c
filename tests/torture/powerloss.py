#!/usr/bin/env python3
"""Power loss: states reachable by dropping what was not yet durable.

Run by tests/0920-power-loss.t, which makes $CEH_STORE with the standard
units and builds the recorder tests/torture/oplog.c ($OPLOG_LIB).  A
workload that passes through every commit path (apply of a new person and
of a known one, add-year, rm-year, edit, attach and its removal, submit,
withdraw, single and batch review up to the final approval, reject,
return, import of records, add-year --from-records, unit add, print-slip,
a command killed at a crash point and the fsck --repair after it) runs
with the recorder preloaded: every change to a file or a directory of the
store and every fsync and syncfs, in order (oplog.c).

The model (a file system without a journal, ext2 as it is): each
directory and each file is written back on its own, at any moment, so
what a power loss leaves of it is its state at some moment between the
last call that made it durable (fsync of it, or syncfs) and the loss; a
rename between two folders is two changes, one in each.  A name whose
inode was never made durable is gone (e2fsck clears it), and so is
everything in a directory that was never made durable.

Two checks:
  1. Order (static, over the whole log): an inode freed (its last name
     removed, or a file cut short) must be made durable (its folder, or
     the file, synced) before anything new is allocated; otherwise ext2
     may hand the inode or its blocks to the new file or folder while the
     old name still points at it on disk (issue 12: a queue entry and a
     new person folder sharing one inode).  Each such pair is a failure.
  2. Cycles: a loss after a random call of the log, each directory and
     file cut at its last durable state ("all unsynced dropped") or at a
     random later moment, materialised in a copy, then `ceh fsck
     --repair`; then `ceh fsck` must be clean, every application that
     existed before the interrupted command exists exactly once with the
     bytes it had before or after that command (never a mix, never
     another's), its archive likewise, units.yaml and the records store's
     committed contents likewise.

POWERLOSS_CYCLES (default 60) and POWERLOSS_SEED (default random, printed)
control the run.  Prints TAP.
"""
import hashlib
import os
import random
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from storedigest import committed_sizes  # noqa: E402

STORE = os.environ["CEH_STORE"]
T = os.path.dirname(STORE)
WORK = os.path.join(T, "lost")
OPLOG = os.path.join(T, "oplog")
LIB = os.environ["OPLOG_LIB"]
CYCLES = int(os.environ.get("POWERLOSS_CYCLES", "60"))
SEED = int(os.environ.get("POWERLOSS_SEED", str(random.randrange(1 << 30))))
rng = random.Random(SEED)
STAGES = ("draft", "review", "approved", "rejected")

AGENCY = "91430000MA4L00001D"
SUP1 = "12430000MB1234567W"
SUP2 = "11430000006123456E"
EMP1 = "91430100MA4L12345A"
UNITS = [AGENCY, SUP1, SUP2, EMP1]

n_test = 0
n_fail = 0


def tap(ok, msg, diag=()):
    global n_test, n_fail
    n_test += 1
    n_fail += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", n_test, msg), flush=True)
    for d in list(diag)[:12]:
        print("#   " + d)
    return ok


def run(args, store=STORE, log=True, env_extra=None, stdin=None):
    env = dict(os.environ)
    env["CEH_STORE"] = store
    for k in ("OPLOG", "OPLOG_ROOT", "LD_PRELOAD", "CEH_CRASH"):
        env.pop(k, None)
    if log:
        env.update(OPLOG=OPLOG, OPLOG_ROOT=STORE, LD_PRELOAD=LIB)
        # a sanitized ceh wants its runtime first; the recorder only
        # wraps libc calls
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                               ":verify_asan_link_order=0").lstrip(":")
    env.update(env_extra or {})
    p = subprocess.run(["ceh"] + args, env=env, capture_output=True,
                       input=stdin.encode() if stdin else None, timeout=120)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


# ---- the logical state of a store, as the checks compare it ----

def logical(store):
    """apps: id -> (folders, doc bytes or None, zip bytes or None),
    units.yaml bytes, records: committed bytes of every shard."""
    apps = {}
    people = os.path.join(store, "people")
    for shard in sorted(os.listdir(people)) if os.path.isdir(people) else ():
        sd = os.path.join(people, shard)
        for person in sorted(os.listdir(sd)):
            for st in STAGES:
                d = os.path.join(sd, person, st)
                if not os.path.isdir(d):
                    continue
                for name in sorted(os.listdir(d)):
                    m = re.fullmatch(r"([0-9a-v]{20})\.(yaml|zip)", name)
                    if not m:
                        continue
                    a = apps.setdefault(person + "-" + m.group(1),
                                        dict(folders=[], zfolders=[],
                                             doc=None, zip=None))
                    with open(os.path.join(d, name), "rb") as fh:
                        data = fh.read()
                    if m.group(2) == "yaml":
                        a["folders"].append(st)
                        a["doc"] = data
                    else:
                        a["zfolders"].append(st)
                        a["zip"] = data
    units = None
    up = os.path.join(store, "units.yaml")
    if os.path.exists(up):
        with open(up, "rb") as fh:
            units = fh.read()
    rec = {}
    rdir = os.path.join(store, "records")
    for name, size in committed_sizes(store).items():
        if not re.fullmatch(r"[0-9a-f]{2}\.(tsv|key)", name):
            continue
        with open(os.path.join(rdir, name), "rb") as fh:
            rec[name] = fh.read(size)
    return dict(apps=apps, units=units, records=rec)


# ---- the log ----

def read_log():
    ops = []
    with open(OPLOG, encoding="utf-8", errors="surrogateescape") as fh:
        for ln in fh:
            f = ln.rstrip("\n").split("\t")
            ops.append(f)
    return ops


def log_len():
    try:
        with open(OPLOG, "rb") as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


class Model:
    """The store as the log built it: every directory's and every file's
    changes in order, and what made each durable."""

    def __init__(self, store):
        self.kind = {}        # ino -> 'd' or 'f'
        self.base = {}        # ino -> entries (dir) or bytes (file)
        self.born = {}        # ino -> op index of creation (-1: base)
        self.changes = {}     # ino -> [(index, change)]
        self.syncs = {}       # ino -> [index of fsync]
        self.global_syncs = []
        self.ns = {}          # dir ino -> {name: ino} now
        self.size = {}        # file ino -> size now
        self.links = {}       # ino -> number of names now
        # the file system reuses inode numbers: the model's inodes are
        # its own numbers; cur maps a real st_ino to the one it is now
        self.cur = {}
        self.next_ino = 1 << 40
        st = os.stat(store)
        self.root = st.st_ino
        self.cur[st.st_ino] = st.st_ino
        self._scan(store, st.st_ino)
        self.hazards = []
        self.pending = []     # (index, what, ino whose sync resolves it)

    def _scan(self, path, ino):
        self.kind[ino] = "d"
        self.born[ino] = -1
        ents = {}
        for name in os.listdir(path):
            p = os.path.join(path, name)
            st = os.lstat(p)
            self.cur[st.st_ino] = st.st_ino
            ents[name] = st.st_ino
            self.links[st.st_ino] = self.links.get(st.st_ino, 0) + 1
            if os.path.isdir(p) and not os.path.islink(p):
                self._scan(p, st.st_ino)
            else:
                self.kind[st.st_ino] = "f"
                self.born[st.st_ino] = -1
                with open(p, "rb") as fh:
                    self.base[st.st_ino] = fh.read()
                self.size[st.st_ino] = len(self.base[st.st_ino])
        self.base[ino] = dict(ents)
        self.ns[ino] = ents

    def lookup(self, rel):
        """(parent dir ino, name) of a path relative to the root."""
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        d = self.root
        for p in parts[:-1]:
            d = self.ns[d][p]
        return d, parts[-1]

    def change(self, i, ino, c):
        self.changes.setdefault(ino, []).append((i, c))

    def durable(self, ino, i):
        self.syncs.setdefault(ino, []).append(i)
        self.pending = [p for p in self.pending if p[2] != ino]

    def alloc(self, i, what):
        for p in self.pending:
            self.hazards.append("op %d %s, then op %d %s before it was "
                                "synced" % (p[0], p[1], i, what))
        self.pending = []    # one report per free

    def unname(self, i, d, name, what):
        ino = self.ns[d].pop(name)
        self.change(i, d, (name, None))
        self.links[ino] -= 1
        if self.links[ino] == 0 and not name.endswith(".lock"):
            self.pending.append((i, "%s freed inode %d" % (what, ino), d))
        return ino

    def name(self, i, d, name, ino):
        self.ns[d][name] = ino
        self.change(i, d, (name, ino))
        self.links[ino] = self.links.get(ino, 0) + 1

    def apply(self, i, f):
        op = f[0]
        if op in ("C", "M"):
            d, n = self.lookup(f[1])
            ino = self.next_ino
            self.next_ino += 1
            self.cur[int(f[2])] = ino
            self.alloc(i, "%s %s" % ("create" if op == "C" else "mkdir",
                                     f[1]))
            self.kind[ino] = "f" if op == "C" else "d"
            self.born[ino] = i
            self.base[ino] = b"" if op == "C" else {}
            if op == "M":
                self.ns[ino] = {}
            self.size[ino] = 0
            self.name(i, d, n, ino)
        elif op == "R":
            d1, n1 = self.lookup(f[1])
            d2, n2 = self.lookup(f[2])
            ino = self.ns[d1][n1]
            if n2 in self.ns[d2]:
                self.unname(i, d2, n2, "rename over %s" % f[2])
            self.ns[d1].pop(n1)
            self.change(i, d1, (n1, None))
            self.ns[d2][n2] = ino
            self.change(i, d2, (n2, ino))
        elif op == "L":
            d1, n1 = self.lookup(f[1])
            d2, n2 = self.lookup(f[2])
            self.name(i, d2, n2, self.ns[d1][n1])
        elif op in ("U", "D"):
            d, n = self.lookup(f[1])
            self.unname(i, d, n, "unlink %s" % f[1])
        elif op == "W":
            ino, off, ln, doff = self.cur.get(int(f[1])), int(f[2]), \
                int(f[3]), int(f[4])
            if ino not in self.kind:
                return      # a file no longer in the store
            if off + ln > self.size.get(ino, 0):
                self.alloc(i, "write to inode %d" % ino)
                self.size[ino] = off + ln
            self.change(i, ino, ("w", off, ln, doff))
        elif op == "T":
            ino, ln = self.cur.get(int(f[1])), int(f[2])
            if ino not in self.kind:
                return
            if ln < self.size.get(ino, 0) and self.links.get(ino, 0) and \
                    not self._is_lock(ino):
                self.pending.append((i, "truncate of inode %d" % ino, ino))
            self.size[ino] = ln
            self.change(i, ino, ("t", ln))
        elif op == "S":
            ino = self.cur.get(int(f[1]))
            if ino in self.kind:
                self.durable(ino, i)
        elif op == "F":
            self.global_syncs.append(i)
            self.pending = []

    def _is_lock(self, ino):
        return any(n.endswith(".lock") and v == ino
                   for ents in self.ns.values() for n, v in ents.items())

    # ---- a state after a loss ----

    def last_durable(self, ino, k):
        best = -1
        for i in self.syncs.get(ino, ()):
            if i <= k:
                best = max(best, i)
        for i in self.global_syncs:
            if i <= k:
                best = max(best, i)
        return best

    def cut(self, ino, k, mode):
        """The op index up to which ino's changes survive a loss after op
        k: its last durable moment, or a random moment after it."""
        lb = self.last_durable(ino, k)
        if mode == "drop":
            return lb
        later = [i for i, _ in self.changes.get(ino, ()) if lb < i <= k]
        if self.born.get(ino, -1) > lb:
            later.append(self.born[ino])
        return rng.choice([lb] + later) if later and \
            rng.random() < 0.8 else (k if rng.random() < 0.5 else lb)

    def entries(self, ino, c):
        ents = dict(self.base[ino])
        for i, (name, target) in self.changes.get(ino, ()):
            if i > c:
                break
            if target is None:
                ents.pop(name, None)
            else:
                ents[name] = target
        return ents

    def content(self, ino, c, data):
        buf = bytearray(self.base[ino])
        for i, ch in self.changes.get(ino, ()):
            if i > c:
                break
            if ch[0] == "w":
                _, off, ln, doff = ch
                if len(buf) < off:
                    buf.extend(b"\0" * (off - len(buf)))
                buf[off:off + ln] = data[doff:doff + ln]
            else:
                del buf[ch[1]:]
        return bytes(buf)

    def materialise(self, k, mode, data, dest):
        cuts = {}

        def cut_of(ino):
            if ino not in cuts:
                cuts[ino] = self.cut(ino, k, mode)
            return cuts[ino]

        def exists(ino):
            return self.born.get(ino, -1) <= cut_of(ino) and \
                (self.born.get(ino, -1) <= k)

        def build(ino, path, depth):
            os.mkdir(path, 0o700)
            for name, child in sorted(self.entries(ino, cut_of(ino))
                                      .items()):
                if not exists(child):
                    continue    # e2fsck clears a name of a lost inode
                p = os.path.join(path, name)
                if self.kind[child] == "d":
                    if depth < 12:
                        build(child, p, depth + 1)
                else:
                    with open(p, "wb") as fh:
                        fh.write(self.content(child, cut_of(child), data))
                    os.chmod(p, 0o600)

        if os.path.exists(dest):
            shutil.rmtree(dest)
        build(self.root, dest, 0)


# ---- the workload ----

def idnum(i):
    body = "430102%04d%02d%02d%03d" % (1970 + i % 30, 1 + i % 12,
                                       1 + i % 28, 100 + i)
    w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    s = sum(int(c) * k for c, k in zip(body, w))
    return body + "10X98765432"[s % 11]


PDF = os.path.join(T, "e.pdf")
with open(PDF, "wb") as fh:
    fh.write(b"%PDF-1.4\n% power loss evidence\n%%EOF\n")
# a second file: the same one twice in a year is refused (issue 18)
PDF2 = os.path.join(T, "f.pdf")
with open(PDF2, "wb") as fh:
    fh.write(b"%PDF-1.4\n% more power loss evidence\n%%EOF\n")


def apply_args(person):
    return ["apply", "--id", person, "--name", "张三", "--ethnicity", "汉族",
            "--unit", EMP1, "--unit-nature", "国有企业", "--title-level",
            "副高级", "--phone", "15556565656", "--series", "工程",
            "--specialty", "建筑学", "--region", "湖南省省本级"]


def add_year(a, y, h=90):
    return ["add-year", a, "--year", str(y), "--public-subject", "公需课",
            "--public-hours", "30", "--public-form", "远程教育",
            "--pro-subject", "专业课", "--pro-hours", str(h), "--pro-form",
            "培训班", "--replace"]


def csv_file(n, rows):
    path = os.path.join(T, "imp%d.csv" % n)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,"
                 "培训机构,记录编号\n")
        for r in rows:
            fh.write(r + "\n")
    return path


commands = []     # (args, rc, log length after, logical state after)


def do(args, stdin=None, crash=None):
    rc, out, err = run(args, env_extra={"CEH_CRASH": crash} if crash
                       else None, stdin=stdin)
    commands.append((args, rc, log_len(), logical(STORE)))
    if rc not in (0, -9) and not crash:
        print("# %s: exit %d: %s" % (" ".join(args[:3]), rc,
                                     err.strip()[:200]))
    return rc, out.strip()


def workload():
    P = [idnum(i) for i in range(6)]
    ids = []
    for p in P[:3]:
        rc, a = do(apply_args(p))
        ids.append(a)
    a1, a2, a3 = ids
    do(add_year(a1, 2022))
    do(add_year(a2, 2021))
    do(add_year(a3, 2021))
    do(add_year(a3, 2020, 60))
    do(["attach", a1, "--year", "2022", "--name", "a.pdf", PDF])
    do(["attach", a1, "--year", "2022", "--name", "b.pdf", PDF2])
    do(["attach", a1, "--remove", "--year", "2022", "b.pdf"])
    do(["attach", a3, "--year", "2021", "--name", "c.pdf", PDF])
    do(["attach", a3, "--year", "2021", "--name", "d.pdf", PDF2])
    do(["attach", a3, "--remove", "--year", "2021", "c.pdf"])
    do(["attach", a3, "--remove", "--year", "2021", "d.pdf"])
    do(["edit", a2, "--phone", "15556560001"])
    do(["rm-year", a3, "--year", "2020"])
    for a in ids:
        do(["submit", a])
    do(["withdraw", a2])
    # issue 12: a queue entry removed, then a new person folder
    rc, a4 = do(apply_args(P[3]))
    do(add_year(a4, 2021))
    do(["submit", a2])
    do(["submit", a4])
    do(["review", "--as", EMP1, "--approve", a1])
    do(["review", "--as", EMP1, "--approve", "-"], stdin="%s\n%s\n%s\n" %
       (a2, a3, a4))
    for u in (SUP2, SUP1):
        do(["review", "--as", u, "--approve", a1])
    do(["review", "--as", SUP2, "--return", "--reason", "材料不全", a3])
    do(["review", "--as", SUP2, "--reject", "--reason", "不符合", a4])
    do(["review", "--as", SUP2, "--approve", "-"], stdin=a2 + "\n")
    do(["review", "--as", SUP1, "--approve", "-"], stdin=a2 + "\n")
    do(["review", "--as", AGENCY, "--approve", a1])       # final, with zip
    do(["review", "--as", AGENCY, "--approve", "-"], stdin=a2 + "\n")
    rows = ["%s,张三,2023,专业科目,课程%d,8,培训班,培训机构甲,R%d" %
            (P[i % 3], i, i) for i in range(6)]
    do(["import", csv_file(1, rows)])
    do(["import", csv_file(2, rows[3:] + [
        "%s,张三,2023,公需科目,课程9,4,远程教育,培训机构乙,R9" % P[4]])])
    rc, a5 = do(apply_args(P[4]))
    do(["add-year", a5, "--year", "2023", "--from-records", "--replace"])
    do(["unit", "add", "91430100MA4L33333R", "--name", "新单位", "--kind",
        "employer", "--region", "430100"])
    do(["print-slip", "--id", P[0], "--from", "2022", "--to", "2022",
        "--format", "json"])
    # a command killed at a crash point, and the repair after it
    do(["submit", a3], crash="commit-after-write")
    do(["fsck", "--repair"])
    do(["attach", a5, "--year", "2023", "--name", "e.pdf", PDF],
       crash="attach-after-zip")
    do(["fsck", "--repair"])
    rc, a6 = do(apply_args(P[5]))
    do(add_year(a6, 2022))
    do(["submit", a6])
    do(["withdraw", a6])
    do(["review", "--as", EMP1, "--approve", a3])


# ---- one cycle ----

def check_cycle(model, data, k, mode, cmd_of, failures):
    c = cmd_of(k)
    before = commands[c - 1][3] if c > 0 else BASE_STATE
    after = commands[c][3]
    model.materialise(k, mode, data, WORK)
    what = "loss after op %d (%s, in '%s'), %s" % (
        k, " ".join(LOG[k][:2]) if k >= 0 else "-",
        " ".join(commands[c][0][:2]), mode)
    rc, out, err = run(["fsck", "--repair"], store=WORK, log=False)
    if rc not in (0, 1):
        failures.append("%s: fsck --repair exit %d: %s" %
                        (what, rc, (err + out).strip()[:300]))
        return
    rc, out, err = run(["fsck"], store=WORK, log=False)
    if rc != 0:
        failures.append("%s: fsck after repair exit %d: %s" %
                        (what, rc, (out + err).strip().replace("\n", " | ")
                         [:400]))
    got = logical(WORK)
    for app, a in got["apps"].items():
        if len(a["folders"]) != 1:
            failures.append("%s: %s in %s" % (what, app, a["folders"]))
        old, new = before["apps"].get(app), after["apps"].get(app)
        if old is None and new is None:
            failures.append("%s: %s appeared from nowhere" % (what, app))
            continue
        docs = [x["doc"] for x in (old, new) if x]
        if a["doc"] not in docs:
            failures.append("%s: %s holds bytes it never had (%s)" %
                            (what, app, a["doc"][:60]))
        zips = [x["zip"] for x in (old, new) if x]
        if a["zip"] not in zips:
            failures.append("%s: %s: its archive is none it had" %
                            (what, app))
    for app in before["apps"]:
        if app not in got["apps"]:
            failures.append("%s: %s (acknowledged) lost" % (what, app))
    if got["units"] not in (before["units"], after["units"]):
        failures.append("%s: units.yaml is neither before nor after" % what)
    if got["records"] not in (before["records"], after["records"]):
        failures.append("%s: records: committed contents neither before "
                        "nor after (%s)" % (what, sorted(got["records"])))


# ---- main ----

if os.path.exists(OPLOG):
    os.unlink(OPLOG)
BASE_STATE = logical(STORE)
model = Model(STORE)
print("# seed %d, %d cycles" % (SEED, CYCLES))
workload()
LOG = read_log()
with open(OPLOG + ".data", "rb") as fh:
    DATA = fh.read()
bad_cmds = [" ".join(a[:2]) for a, rc, _, _ in commands if rc not in (0, -9)]
tap(not bad_cmds, "the workload: %d commands, %d calls recorded" %
    (len(commands), len(LOG)), bad_cmds)
ops = {}
for i, f in enumerate(LOG):
    ops[f[0]] = ops.get(f[0], 0) + 1
    model.apply(i, f)
print("# calls: %s" % " ".join("%s=%d" % kv for kv in sorted(ops.items())))
tap(not model.hazards, "nothing freed is reused before it is durable "
    "(%d frees and allocations in order)" % len(LOG), model.hazards)
ends = [n for _, _, n, _ in commands]


def cmd_of(k):
    for c, n in enumerate(ends):
        if k < n:
            return c
    return len(ends) - 1


failures = []
modes = {"drop": 0, "random": 0}
for cyc in range(CYCLES):
    k = rng.randrange(len(LOG))
    mode = "drop" if cyc % 3 == 0 else "random"
    modes[mode] += 1
    check_cycle(model, DATA, k, mode, cmd_of, failures)
    if len(failures) > 30:
        break
tap(not failures, "%d power-loss cycles (%d with every unsynced change "
    "dropped, %d with random write-back), each repaired and checked" %
    (CYCLES, modes["drop"], modes["random"]), failures)
print("1..%d" % n_test)
sys.exit(1 if n_fail else 0)
