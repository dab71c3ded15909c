#!/usr/bin/env python3
"""Disk full and I/O errors: every mutating command, every write point.

Run by tests/0903-fault-injection.t.  For each command of the list below
and each fault kind of lib/fault.h (write: ENOSPC, fsync, rename, mkdir,
link: EIO), N counts up from 1 and the command runs on a fresh copy of one
prepared store with CEH_FAULT=KIND:N (the N-th such call fails).  Each run
must end one of two ways:
  - exit 5, one error line "ceh CMD: ..." on stderr, and the store
    byte-identical to before (names, modes, contents; the never-deleted
    lock files aside);
  - exit 0 and the store identical to the one a fault-free run leaves
    (CEH_NOW pins the clock; random names are avoided or normalised).
The loop for a kind ends when the fault no longer fires (two fault-free
exits in a row).  A third outcome, exit 5 after the change was committed
(fsck --repair then completes it), is reported as "committed but reported
failed" and fails the test: the user would retry a change that is done.

Prints TAP.
"""
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from storedigest import digest as _digest  # noqa: E402

STORE = os.environ["CEH_STORE"]
T = os.path.dirname(STORE)
BASE = os.path.join(T, "base")
KINDS = ("write", "fsync", "rename", "mkdir", "link")
MAXN = int(os.environ.get("FAULT_MAXN", "60"))

n_test = 0
n_fail = 0


def tap(ok, msg, diag=()):
    global n_test, n_fail
    n_test += 1
    n_fail += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", n_test, msg), flush=True)
    for d in diag:
        print("#   " + d)


def run(args, env_extra=None, stdin=None):
    env = dict(os.environ)
    env.pop("CEH_FAULT", None)
    env.update(env_extra or {})
    p = subprocess.run(["ceh"] + args, env=env, capture_output=True,
                       input=stdin.encode() if stdin else None, timeout=120)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def digest():
    return _digest(STORE)


def restore():
    shutil.rmtree(STORE)
    shutil.copytree(BASE, STORE, symlinks=True)


def diff(a, b):
    sa, sb = set(a.splitlines()), set(b.splitlines())
    return ["- " + x for x in sorted(sa - sb)][:4] + \
        ["+ " + x for x in sorted(sb - sa)][:4]


# ---- the prepared store ----
A = os.environ["APP_A"]      # a draft with year 2022 and one attachment
B = os.environ["APP_B"]      # submitted, waiting at EMP1
C = os.environ["APP_C"]      # submitted, waiting at EMP1
EMP1 = "91430100MA4L12345A"
PDF = os.path.join(T, "e.pdf")
CSV = os.path.join(T, "hours.csv")

COMMANDS = [
    ("apply", ["apply", "--id", "430602197811307899", "--name", "李四",
               "--ethnicity", "汉族", "--unit", EMP1, "--unit-nature",
               "国有企业", "--title-level", "中级", "--phone", "15556565656",
               "--series", "工程", "--specialty", "建筑学", "--region",
               "湖南省省本级", "--allow-second"], None),
    ("add-year", ["add-year", A, "--year", "2023", "--pro-subject", "课",
                  "--pro-hours", "60", "--pro-form", "培训班"], None),
    ("edit", ["edit", A, "--phone", "15556560000"], None),
    ("rm-year", ["rm-year", A, "--year", "2021"], None),
    ("attach", ["attach", A, "--year", "2022", "--name", "b.pdf", PDF], None),
    ("attach --remove", ["attach", A, "--remove", "--year", "2022",
                         "a.pdf"], None),
    ("submit", ["submit", A], None),
    ("withdraw", ["withdraw", B], None),
    ("review --approve", ["review", "--as", EMP1, "--approve", B], None),
    ("review --return", ["review", "--as", EMP1, "--return", "--reason",
                         "缺材料", B], None),
    ("review batch", ["review", "--as", EMP1, "--approve", "-"],
     B + "\n" + C + "\n"),
    ("unit add", ["unit", "add", "91430100MA4L33333R", "--name", "新单位",
                  "--kind", "employer", "--region", "430100"], None),
]
AT_AGENCY = os.environ.get("AT_AGENCY", "").split()
if AT_AGENCY:    # final approvals: the batch moves documents and zips
    COMMANDS.append(("review batch final", ["review", "--as",
                     "91430000MA4L00001D", "--approve", "-"],
                     "\n".join(AT_AGENCY) + "\n"))
if os.path.exists(CSV):
    COMMANDS.append(("import", ["import", CSV], None))
D = os.environ.get("APP_D")  # approved: a slip can be printed
if D:
    COMMANDS.append(("print-slip", ["print-slip", "--id", D[:18], "--from",
                                    "2020", "--to", "2021", "--format",
                                    "json"], None))
# commands whose result holds random names: compared up to those names
RANDOM = {"print-slip": r"slips/\S*( \d+ [0-9a-f]+)?", "apply": None}


def norm(dig, label):
    pat = RANDOM.get(label)
    return re.sub(pat, "slips/RANDOM", dig) if pat else dig


def apply_normalise(out):
    """apply makes a random id: rename it to a fixed one so stores
    compare.  Returns nothing; renames files in place."""
    app_id = out.strip()
    if not re.fullmatch(r"[0-9X]{18}-[0-9a-v]{20}", app_id):
        return
    uniq = app_id[19:]
    for d, dirs, files in os.walk(STORE):
        for f in files:
            if uniq in f:
                p = os.path.join(d, f)
                if f.endswith(".yaml"):
                    with open(p, encoding="utf-8") as fh:
                        text = fh.read().replace(uniq, "U" * 20)
                    # the content hash covers the id (ceh-trust(7))
                    text = re.sub(r"(content|prev): \"?[0-9a-f]{64}\"?",
                                  r"\1: HASH", text)
                    with open(p, "w", encoding="utf-8") as fh:
                        fh.write(text)
                os.rename(p, os.path.join(d, f.replace(uniq, "U" * 20)))


summary = []
all_committed = []


def app_lines(dig, app_id):
    return [ln for ln in dig.splitlines() if app_id[19:] in ln]


for label, args, stdin in COMMANDS:
    restore()
    rc, out, err = run(args, stdin=stdin)
    if label == "apply":
        apply_normalise(out)
    ref = norm(digest(), label)
    if rc != 0:
        tap(False, "%s: works without faults (exit %d: %s)" %
            (label, rc, err.strip()))
        continue
    restore()
    rc2, out2, err2 = run(args, stdin=stdin)
    if label == "apply":
        apply_normalise(out2)
    if norm(digest(), label) != ref:
        tap(False, "%s: two fault-free runs leave the same store" % label,
            diff(ref, digest()))
        continue
    fails, runs, kinds_hit = [], 0, []
    committed, batch_partial = [], []
    for kind in KINDS:
        clean = 0
        fired = 0
        for n in range(1, MAXN + 1):
            restore()
            before = digest()
            rc, out, err = run(args, {"CEH_FAULT": "%s:%d" % (kind, n)},
                               stdin)
            runs += 1
            if label == "apply" and rc == 0:
                apply_normalise(out)
            after = digest()
            what = "%s:%d" % (kind, n)
            if rc == 0:
                after = norm(after, label)
            lines = [ln for ln in err.splitlines() if ln]
            if rc == 0:
                if after != ref:
                    fails.append("%s: exit 0 but the change is not the "
                                 "fault-free one: %s" %
                                 (what, "; ".join(diff(ref, after))))
                clean += 1
                if clean >= 2:
                    break
                continue
            clean = 0
            fired += 1
            if rc != 5:
                fails.append("%s: exit %d, want 5: %s" %
                             (what, rc, err.strip()[:200]))
                continue
            if not lines or not all(ln.startswith("ceh ") for ln in
                                    lines):
                fails.append("%s: no clear error message (%r)" %
                             (what, err[:200]))
            if after == before:
                continue
            # changed although it failed: debris, or committed?
            run(["fsck", "--repair"])
            fixed = digest()
            if norm(fixed, label) == ref:
                fixed = ref
            if fixed == before:
                continue    # only debris, which fsck --repair removed
            if fixed == ref:
                # the failure came after the commit point (a directory
                # fsync or the move into the new stage folder): the change
                # is made and fsck --repair completes it exactly
                committed.append(what)
                continue
            if stdin is not None:   # a batch: each item on its own
                done = {ln.split("\t")[0] for ln in out.splitlines()
                        if "\t" in ln and not ln.split("\t")[1]
                        .startswith("error")}
                bad = [i for i in stdin.split() if
                       app_lines(fixed, i) != app_lines(
                           ref if i in done else before, i)]
                if not bad:
                    batch_partial.append(what)
                    continue
            fails.append("%s: exit 5 (%s) but the store changed: %s" % (
                what, lines[0][:120] if lines else "",
                "; ".join(diff(before, fixed))))
        if fired:
            kinds_hit.append("%s x%d" % (kind, fired))
    tap(not fails, "%s: %d runs, faults fired: %s" %
        (label, runs, ", ".join(kinds_hit) or "none"), fails[:6])
    if committed:
        print("#   exit 5 after the commit point (done; fsck --repair "
              "completes it): %s" % " ".join(committed))
        all_committed.extend("%s %s" % (label, c) for c in committed)
    if batch_partial:
        print("#   batch partly done, each item as reported: %s" %
              " ".join(batch_partial))
    summary.append(runs)

print("# %d faulted runs in all; %d ended with exit 5 after the commit "
      "point" % (sum(summary), len(all_committed)))
print("1..%d" % n_test)
sys.exit(1 if n_fail else 0)
