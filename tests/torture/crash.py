#!/usr/bin/env python3
"""Crash torture: a mixed workload on one store, killed at random moments.

Run by tests/0902-crash-torture.t (which sets up $CEH_STORE with the
standard units and puts the ceh under test on PATH).  Each round runs one
command (apply, add-year, rm-year, edit, submit, withdraw, review of a
batch at some unit, attach) either to the end, or with CEH_CRASH=POINT:N
(the process SIGKILLs itself at the N-th pass through a crash point named
in lib/ or cmd/), or with a SIGKILL after a random few milliseconds.
After a kill, `ceh fsck --repair` runs.  Then the whole store is read back
and checked against what the model knows, and the model becomes what was
read:

  - every application ever acknowledged (exit 0, or its line on stdout for
    a batch) still exists, exactly once (one UNIQ.yaml across the stage
    folders), in the folder its stage names, and parses (`ceh show`);
  - an acknowledged command's change is there; a refused one changed
    nothing; a killed one either did its whole change or nothing;
  - history is append-only, and applications the command did not touch
    are byte-for-byte what they were;
  - no temp file survives fsck --repair; every zip sits next to its
    document and holds exactly the attachments the document lists, with
    their SHA-256;
  - `ceh list --at UNIT` shows exactly the applications waiting there;
  - `ceh fsck` (no repair) then reports a clean store.

Prints TAP.  TORTURE_ROUNDS (default 40) and TORTURE_SEED (default random,
printed) control the run.
"""
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import zipfile

STORE = os.environ["CEH_STORE"]
ROOT = os.environ["CEH_ROOT"]
ROUNDS = int(os.environ.get("TORTURE_ROUNDS", "40"))
SEED = int(os.environ.get("TORTURE_SEED", str(random.randrange(1 << 30))))
rng = random.Random(SEED)
STAGES = ("draft", "review", "approved", "rejected")

AGENCY = "91430000MA4L00001D"
SUP1 = "12430000MB1234567W"
SUP2 = "11430000006123456E"
EMP1 = "91430100MA4L12345A"
EMP2 = "91430100MA4L222221"
EMP3 = "91350100M000100Y43"
UNITS = [AGENCY, SUP1, SUP2, EMP1, EMP2, EMP3]


def idnum(i):
    """A valid Hunan resident ID number, different for each i."""
    body = "430102%04d%02d%02d%03d" % (1970 + i % 30, 1 + i % 12,
                                       1 + i % 28, 100 + i)
    w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    s = sum(int(c) * k for c, k in zip(body, w))
    return body + "10X98765432"[s % 11]


PERSONS = [(idnum(i), (EMP1, EMP2, EMP3)[i % 3]) for i in range(5)]
YEARS = list(range(2019, 2025))

# crash points named in the sources: the command may or may not pass them
POINTS = sorted(set(re.findall(
    r'crash_point\("([^"]+)"\)',
    "".join(open(os.path.join(ROOT, d, f), encoding="utf-8").read()
            for d in ("lib", "cmd")
            for f in os.listdir(os.path.join(ROOT, d)) if f.endswith(".c")))))

n_test = 0
n_fail = 0
hits = {}
stats = dict(rounds=0, kills=0, crash_points=0, timer_kills=0, acked=0,
             refused=0, checks=0, fsck=0)


def tap(ok, msg):
    global n_test, n_fail
    n_test += 1
    if not ok:
        n_fail += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n_test, msg), flush=True)
    return ok


failures = []


def check(cond, msg):
    """An invariant: counted; a failure is kept for the TAP report."""
    stats["checks"] += 1
    if not cond:
        failures.append("seed %d round %d: %s" % (SEED, stats["rounds"], msg))
    return cond


def run(args, kill=None, stdin=None):
    """Run ceh; kill is None, ("crash", point, n) or ("timer", seconds).
    Returns (rc, stdout, stderr); rc -9 when killed."""
    env = dict(os.environ)
    env.pop("CEH_CRASH", None)
    if kill and kill[0] == "crash":
        env["CEH_CRASH"] = kill[1]
    p = subprocess.Popen(["ceh"] + args, env=env, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    timeout = kill[1] if kill and kill[0] == "timer" else 120
    try:
        out, err = p.communicate(stdin.encode() if stdin else None,
                                 timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    return p.returncode, out.decode(errors="replace"), \
        err.decode(errors="replace")


def have(cmd):
    rc, out, err = run([cmd, "--help"])
    return rc == 0


# ---- reading the store back ----

cache = {}


def scan():
    """Files of the store: uniq -> {'yaml': [folders], 'zip': [folders],
    'idnum': ...}, plus temp files and unexpected names."""
    apps, temps, odd = {}, [], []
    people = os.path.join(STORE, "people")
    for shard in os.listdir(people):
        for person in os.listdir(os.path.join(people, shard)):
            pdir = os.path.join(people, shard, person)
            for st in os.listdir(pdir):
                if st == ".lock":
                    continue
                sdir = os.path.join(pdir, st)
                if st not in STAGES:
                    odd.append(sdir)
                    continue
                for name in os.listdir(sdir):
                    m = re.fullmatch(r"([0-9a-v]{20})\.(yaml|zip)", name)
                    if m:
                        a = apps.setdefault(m.group(1), dict(
                            yaml=[], zip=[], idnum=person))
                        a[m.group(2)].append(st)
                    elif name.startswith(".tmp.") or ".zip." in name:
                        temps.append(os.path.join(sdir, name))
                    else:
                        odd.append(os.path.join(sdir, name))
    return apps, temps, odd


def read_app(app_id, folder):
    path = os.path.join(STORE, "people", app_id[14:17], app_id[:18], folder,
                        app_id[19:] + ".yaml")
    st = os.stat(path)
    key = (path, st.st_ino, st.st_mtime_ns, st.st_size)
    if key in cache:
        return cache[key]
    rc, out, err = run(["show", app_id, "--format", "json"])
    if not check(rc == 0, "ceh show %s exits 0 (%d: %s)" % (app_id, rc,
                                                         err.strip())):
        return None
    doc = json.loads(out)
    cache[key] = doc
    return doc


def zip_matches(app_id, folder, doc):
    path = os.path.join(STORE, "people", app_id[14:17], app_id[:18], folder,
                        app_id[19:] + ".zip")
    want = {}
    for y in doc["years"]:
        for a in y.get("attachments", []):
            want[a["entry"]] = a["sha256"]
    if not os.path.exists(path):
        return check(not want, "%s lists attachments but has no zip" %
                     app_id)
    try:
        with zipfile.ZipFile(path) as z:
            got = {n: hashlib.sha256(z.read(n)).hexdigest()
                   for n in z.namelist()}
    except Exception as ex:  # noqa: BLE001 - any damage is a failure
        return check(False, "%s: zip unreadable: %s" % (app_id, ex))
    return check(got == want, "%s: zip entries %s match the document %s" %
                 (app_id, sorted(got), sorted(want)))


def snapshot(repaired):
    """Read every application; check the store-wide invariants."""
    apps, temps, odd = scan()
    docs = {}
    for uniq, a in apps.items():
        app_id = a["idnum"] + "-" + uniq
        check(len(a["yaml"]) <= 1, "%s exists once (found in %s)" %
              (app_id, a["yaml"]))
        if not a["yaml"]:
            check(False, "%s: zip without a document in %s" %
                  (app_id, a["zip"]))
            continue
        doc = read_app(app_id, a["yaml"][0])
        if doc is None:
            continue
        docs[app_id] = doc
        if repaired:
            check(a["yaml"][0] == doc["stage"], "%s is in the folder of "
                  "its stage (%s, in %s)" % (app_id, doc["stage"],
                                             a["yaml"][0]))
            check(a["zip"] in ([], a["yaml"]), "%s: zip next to it (%s)"
                  % (app_id, a["zip"]))
            zip_matches(app_id, a["yaml"][0], doc)
    if repaired:
        check(not temps, "no temp files after repair: %s" % temps[:3])
    check(not odd, "no unexpected files: %s" % odd[:3])
    return docs


def queue_check(docs):
    for u in UNITS:
        rc, out, err = run(["list", "--at", u, "--format", "tsv"])
        if not check(rc == 0, "list --at %s: %s" % (u, err.strip())):
            continue
        got = {line.split("\t")[0] for line in out.splitlines()[1:] if line}
        want = {i for i, d in docs.items()
                if d["stage"] == "review" and d["waiting_at"] == u}
        check(got == want, "list --at %s shows %s, want %s" %
              (u, sorted(got), sorted(want)))


# ---- the model: what the store held after the last round ----

model = {}          # app id -> doc (JSON of ceh show)
acked_ids = set()   # every application whose creation was acknowledged


def same(a, b):
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def events(old, new):
    """The events appended, or None if history was not appended to."""
    h0, h1 = old["history"], new["history"]
    if len(h1) < len(h0) or not same(h1[:len(h0)], h0):
        return None
    return h1[len(h0):]


def years_of(doc):
    return {y["year"]: y for y in doc["years"]}


def done_add_year(year, hours):
    def f(old, new):
        ev = events(old, new)
        y = years_of(new).get(year)
        return (ev is not None and [e["event"] for e in ev] in
                (["year-added"], ["year-replaced"]) and old["stage"] ==
                "draft" and new["stage"] == "draft" and y is not None and
                y["professional_hours"] == hours)
    return f


def done_from_records(year):
    def f(old, new):
        ev = events(old, new)
        y = years_of(new).get(year)
        return (ev is not None and [e["event"] for e in ev] in
                (["year-added"], ["year-replaced"]) and y is not None and
                len(y["records"]) > 0)
    return f


def done_rm_year(year):
    def f(old, new):
        ev = events(old, new)
        return (ev is not None and [e["event"] for e in ev] ==
                ["year-removed"] and year in years_of(old) and
                year not in years_of(new))
    return f


def done_edit(phone):
    def f(old, new):
        ev = events(old, new)
        return (ev is not None and len(ev) == 1 and
                new["applicant"]["phone"] == phone)
    return f


def done_event(what, stage=None, unit=None):
    def f(old, new):
        ev = events(old, new)
        if ev is None or len(ev) != 1:
            return False
        e = ev[0]
        whats = what if isinstance(what, tuple) else (what,)
        return (e["event"] in whats and (stage is None or new["stage"] in
                (stage if isinstance(stage, tuple) else (stage,))) and
                (unit is None or e["unit"] == unit) and
                same(new["years"], old["years"]))
    return f


def done_attach(year, name):
    def f(old, new):
        ev = events(old, new)
        y0, y1 = years_of(old).get(year), years_of(new).get(year)
        if ev is None or len(ev) != 1 or y0 is None or y1 is None:
            return False
        names0 = [a["name"] for a in y0["attachments"]]
        names1 = [a["name"] for a in y1["attachments"]]
        return len(names1) == len(names0) + 1 and name in names1
    return f


# ---- the workload ----

def pick_app(stage=None):
    ids = [i for i, d in model.items() if stage is None or
           d["stage"] == stage]
    if stage and not ids or rng.random() < 0.1:
        ids = list(model)
    return rng.choice(ids) if ids else None


def make_op():
    """Returns (args, stdin, targets) where targets maps app id ->
    done(old, new); a None target means 'apply' (new application)."""
    r = rng.random()
    if not model or r < 0.12:
        person, emp = rng.choice(PERSONS)
        return (["apply", "--id", person, "--name", "张三", "--ethnicity",
                 "汉族", "--unit", emp, "--unit-nature", "国有企业",
                 "--title-level", "副高级", "--phone", "15556565656",
                 "--series", "工程", "--specialty", "建筑学", "--region",
                 "湖南省省本级"], None, None)
    if r < 0.35:
        a, y = pick_app("draft"), rng.choice(YEARS)
        h = rng.choice((60, 75.5, 90, 120))
        return (["add-year", a, "--year", str(y), "--public-subject",
                 "公需课", "--public-hours", "30", "--public-form",
                 "远程教育", "--pro-subject", "专业课", "--pro-hours",
                 str(h), "--pro-form", "培训班", "--replace"], None,
                {a: done_add_year(y, h)})
    if r < 0.38 and HAVE["import"]:
        a, y = pick_app("draft"), rng.choice(YEARS)
        return (["add-year", a, "--year", str(y), "--from-records",
                 "--replace"], None, {a: done_from_records(y)})
    if r < 0.40:
        a = pick_app("draft")
        ys = list(years_of(model[a])) or YEARS
        y = rng.choice(ys)
        return (["rm-year", a, "--year", str(y)], None, {a: done_rm_year(y)})
    if r < 0.45:
        a = pick_app("draft")
        ph = "1555656%04d" % rng.randrange(10000)
        return (["edit", a, "--phone", ph], None, {a: done_edit(ph)})
    if r < 0.50 and HAVE["import"]:
        return make_import()
    if r < 0.55 and HAVE["attach"]:
        a = pick_app("draft")
        ys = list(years_of(model[a])) or YEARS
        y = rng.choice(ys)
        name = "证书%d.pdf" % rng.randrange(1000)
        stats["attach_files"] = stats.get("attach_files", 0) + 1
        with open(PDF, "wb") as f:  # new content: the same is refused
            f.write(b"%%PDF-1.4\n%% torture evidence %d\n%%%%EOF\n" %
                    stats["attach_files"])
        return (["attach", a, "--year", str(y), "--name", name, PDF], None,
                {a: done_attach(y, name)})
    if r < 0.68 and HAVE["submit"]:
        a = pick_app("draft")
        return (["submit", a], None,
                {a: done_event("submitted", "review")})
    if r < 0.72 and HAVE["withdraw"]:
        a = pick_app("review")
        return (["withdraw", a], None,
                {a: done_event("withdrawn", "draft")})
    if HAVE["review"]:
        waiting = {}
        for i, d in model.items():
            if d["stage"] == "review":
                waiting.setdefault(d["waiting_at"], []).append(i)
        if waiting and rng.random() < 0.9:
            unit = rng.choice(sorted(waiting))
        else:
            unit = rng.choice(UNITS)
        ids = list(waiting.get(unit, []))
        if rng.random() < 0.3 and model:
            ids.append(rng.choice(list(model)))
        if not ids:
            ids = [rng.choice(list(model))]
        ids = sorted(set(ids))
        d = rng.random()
        if d < 0.7:
            args, done = ["--approve"], done_event(
                ("forwarded", "approved"), ("review", "approved"), unit)
        elif d < 0.85:
            args, done = ["--return", "--reason", "材料不全"], done_event(
                "returned", "draft", unit)
        else:
            args, done = ["--reject", "--reason", "不符合"], done_event(
                "rejected", "rejected", unit)
        if rng.random() < 0.5:
            return (["review", "--as", unit] + args + ["-"],
                    "\n".join(ids) + "\n", {i: done for i in ids})
        return (["review", "--as", unit] + args + ids, None,
                {i: done for i in ids})
    return make_op()


# ---- imported records ----

held = set()        # (provider, record id) held after the last round
n_csv = 0


def record_row(key):
    """The one content a record key always has (so overlaps are
    duplicates, never conflicts)."""
    prov, rid = key
    h = int(hashlib.sha256(("%s/%s" % key).encode()).hexdigest(), 16)
    person = PERSONS[h % len(PERSONS)][0]
    return "%s,张三,%d,%s,课程%s,%d,培训班,%s,%s" % (
        person, YEARS[h % len(YEARS)], ("专业科目", "公需科目")[h % 2], rid,
        1 + h % 8, prov, rid)


def make_import():
    global n_csv
    n_csv += 1
    keys = sorted({(rng.choice(("培训机构甲", "培训机构乙")),
                    "R%d" % rng.randrange(60))
                   for _ in range(rng.randint(2, 8))})
    path = os.path.join(os.path.dirname(STORE), "imp%d.csv" % n_csv)
    with open(path, "w", encoding="utf-8") as f:
        f.write("证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,"
                "培训机构,记录编号\n")
        for k in keys:
            f.write(record_row(k) + "\n")
    return (["import", path], None, ("import", set(keys)))


def records_snapshot():
    keys = []
    for person, _ in PERSONS:
        rc, out, err = run(["records", "--id", person, "--format", "tsv"])
        if rc == 3:
            continue
        if not check(rc == 0, "records --id %s: %s" % (person, err.strip())):
            continue
        lines = out.splitlines()
        if not lines:
            continue
        head = lines[0].split("\t")
        ip, ir = head.index("培训机构"), head.index("记录编号")
        for ln in lines[1:]:
            f = ln.split("\t")
            keys.append((f[ip], f[ir]))
    check(len(keys) == len(set(keys)), "no record held twice (%d rows, "
          "%d keys)" % (len(keys), len(set(keys))))
    return set(keys)


def check_import(keys, rc, killed):
    global held
    now = records_snapshot()
    check(held <= now, "no record lost (%d missing)" % len(held - now))
    new = now - held
    check(new <= keys, "only this import's records appeared")
    if rc == 0:
        stats["acked"] += 1
        check(keys <= now, "acknowledged import: all %d records held "
              "(%d missing)" % (len(keys), len(keys - now)))
    elif killed:
        check(not new or new == keys - held, "killed import: all or "
              "nothing (%d of %d new)" % (len(new), len(keys - held)))
    else:
        stats["refused"] += 1
        check(not new, "refused import added nothing")
    held = now


def acked_items(args, rc, out):
    """For a review batch: ids reported done on stdout."""
    done = set()
    if args[0] == "review":
        for line in out.splitlines():
            f = line.split("\t")
            if len(f) >= 2 and not f[1].startswith("error"):
                done.add(f[0])
    return done


def one_round():
    stats["rounds"] += 1
    args, stdin, targets = make_op()
    k = rng.random()
    kill = None
    if k < 0.5 and POINTS:
        # several points at once (the first reached fires): more hits
        kill = ("crash", ",".join("%s:%d" % (p, rng.randint(1, 2)) for p in
                                  rng.sample(POINTS, min(4, len(POINTS)))))
    elif k < 0.8:
        kill = ("timer", rng.uniform(0.001, 0.04))
    rc, out, err = run(args, kill, stdin)
    killed = rc == -9
    if killed:
        stats["kills"] += 1
        stats["crash_points" if kill[0] == "crash" else "timer_kills"] += 1
        if kill[0] == "crash":
            hits[kill[1]] = hits.get(kill[1], 0) + 1
        frc, fout, ferr = run(["fsck", "--repair"]) if HAVE["fsck"] else \
            (0, "", "")
        stats["fsck"] += HAVE["fsck"]
        check(frc in (0, 1), "fsck --repair after a kill exits 0 or 1 "
              "(%d: %s)" % (frc, ferr.strip()[:200]))
    else:
        check(rc in (0, 1, 3, 4), "%s exits 0, 1, 3 or 4, not %d: %s" %
              (args[0], rc, err.strip()[:200]))
    docs = snapshot(repaired=HAVE["fsck"])
    # nothing acknowledged is ever lost
    for i in acked_ids:
        check(i in docs, "acknowledged application %s exists" % i)
    if isinstance(targets, tuple):  # import
        check_import(targets[1], rc, killed)
        for i in docs:
            check(i in model and same(model[i], docs[i]),
                  "%s untouched by import" % i)
    elif targets is None:  # apply
        new = [i for i in docs if i not in model]
        if rc == 0:
            app_id = out.strip()
            acked_ids.add(app_id)
            stats["acked"] += 1
            check(new == [app_id], "apply created exactly %s (new: %s)" %
                  (app_id, new))
        elif killed:
            check(len(new) <= 1, "a killed apply made at most one "
                  "application (%s)" % new)
        else:
            check(not new, "a refused apply created nothing")
        for i in new:
            d = docs[i]
            check(d["stage"] == "draft" and [e["event"] for e in
                  d["history"]] == ["created"], "%s is a fresh draft" % i)
    else:
        items = acked_items(args, rc, out)
        for i in docs:
            if i not in model:
                check(False, "%s appeared from nowhere" % i)
                continue
            old, new = model[i], docs[i]
            ev = events(old, new)
            check(ev is not None, "%s: history only appended to" % i)
            if i not in targets:
                check(same(old, new), "%s untouched by %s" % (i, args[0]))
                continue
            f = targets[i]
            did = f(old, new)
            if args[0] == "review" and i in items or \
                    args[0] != "review" and rc == 0:
                stats["acked"] += 1
                check(did, "%s: acknowledged %s is done (%s -> %s, +%s)" %
                      (i, args[0], old["stage"], new["stage"],
                       [e["event"] for e in (ev or [])]))
            elif killed:
                check(did or same(old, new), "%s: killed %s did all or "
                      "nothing" % (i, args[0]))
            else:
                stats["refused"] += 1
                check(same(old, new), "%s: refused %s changed nothing "
                      "(rc %d: %s)" % (i, args[0], rc, err.strip()[:200]))
        for i in model:
            check(i in docs, "%s still exists" % i)
    if HAVE["fsck"] and killed:
        frc, fout, ferr = run(["fsck"])
        check(frc == 0, "fsck after repair is clean (%d: %s %s)" %
              (frc, fout.strip()[:200], ferr.strip()[:200]))
    if stats["rounds"] % 10 == 0 or killed:
        queue_check(docs)
    model.clear()
    model.update(docs)


HAVE = {c: have(c) for c in ("submit", "withdraw", "review", "attach",
                             "fsck", "import")}
PDF = os.path.join(os.path.dirname(STORE), "torture-evidence.pdf")
with open(PDF, "wb") as f:
    f.write(b"%PDF-1.4\n% torture evidence\n%%EOF\n")

print("# seed %d, %d rounds, crash points: %s" % (SEED, ROUNDS,
      " ".join(POINTS)))
print("# commands present: %s" % " ".join(c for c in HAVE if HAVE[c]))
for _ in range(ROUNDS):
    before = len(failures)
    one_round()
    if len(failures) > before and len(failures) > 20:
        break
tap(not failures, "%d rounds, %d kills (%d at crash points, %d by timer), "
    "%d acknowledged changes, %d refusals, %d invariant checks" %
    (stats["rounds"], stats["kills"], stats["crash_points"],
     stats["timer_kills"], stats["acked"], stats["refused"],
     stats["checks"]))
for f in failures[:20]:
    print("#   " + f)
tap(len(acked_ids) == 0 or all(i in model for i in acked_ids),
    "all %d acknowledged applications exist at the end" % len(acked_ids))
decided = sum(1 for d in model.values() for e in d["history"]
              if e["event"] in ("forwarded", "approved", "rejected",
                                "returned"))
pts = {}
for spec, n in hits.items():
    for p in spec.split(","):
        pts[p.split(":")[0]] = pts.get(p.split(":")[0], 0) + n
print("# kills with these points armed: %s" % " ".join(
    "%s=%d" % kv for kv in sorted(pts.items())))
print("# applications %d, decisions in their histories %d, records held "
      "%d" % (len(model), decided, len(held)))
print("1..%d" % n_test)
sys.exit(1 if n_fail else 0)
