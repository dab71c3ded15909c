#!/usr/bin/env python3
"""tests/bench/bench.py - the benchmark driver behind `make bench` (issue 7).

Run through tests/bench/run.sh, which checks the environment:
  CEH_BIN       the ceh binary under test
  BENCH_BUILD   directory holding genstore, csvfloor, durable_rename
  BENCH_SCALE   size factor (default 1: 100k/1M rows and applications)
  BENCH_RUNS    runs per measurement, the median is reported (default 3)
  BENCH_SLOW_RUNS  runs of the slow whole-store rows (default: BENCH_RUNS,
                but 1 at BENCH_SCALE >= 0.5)
  BENCH_DIR     parent of the scratch directory (default $TMPDIR or /tmp)
  BENCH_OUT     results file (default tests/bench/RESULTS.md at scale 1,
                else $BENCH_BUILD/RESULTS.md)
  BENCH_JOBS    processes for building stores (default: nproc)
  BENCH_MEMDIR  tmpfs for the read-only stores (default /dev/shm; "none":
                use BENCH_DIR)
  BENCH_BUDGET  a run longer than this many seconds is not repeated
                (default 20)
  BENCH_ONLY    comma-separated groups to run (default all): import,
                review, list, slip, fsck, trust (the signed-store rows of
                review and fsck: batch review and fsck, signed against
                unsigned, and the signing cost per decision), xlsx (the
                .xlsx import row alone), reports (stats and shortfall
                through the index, issue 16); trust alone means
                review,fsck,trust

Every row is measured against its reference in the same run; commands
that are still "not implemented" give "n/a (not implemented)".
Generated data lives in a scratch directory that is removed at the end.
"""
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CEH = os.environ["CEH_BIN"]
BUILD = os.environ["BENCH_BUILD"]
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SLOW_RUNS = int(os.environ.get("BENCH_SLOW_RUNS", "1" if SCALE >= 0.5 else str(RUNS)))
BUDGET = float(os.environ.get("BENCH_BUDGET", "20"))
JOBS = int(os.environ.get("BENCH_JOBS", str(os.cpu_count() or 1)))
OUT = os.environ.get("BENCH_OUT") or (
    os.path.join(ROOT, "tests/bench/RESULTS.md") if SCALE >= 1
    else os.path.join(BUILD, "RESULTS.md"))
GENSTORE = os.path.join(BUILD, "genstore")
CSVFLOOR = os.path.join(BUILD, "csvfloor")
DURABLE = os.path.join(BUILD, "durable_rename")
GENREC = os.path.join(ROOT, "tests/bench/gen-records.py")
NA = "n/a (not implemented)"
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
if ONLY == {"trust"}:
    ONLY |= {"review", "fsck"}


def wanted(group):
    return not ONLY or group in ONLY

ENV = dict(os.environ)
ENV["CEH_DATADIR"] = os.path.join(ROOT, "data")
ENV["CEH_USER"] = "bench"
ENV["LC_ALL"] = "C.UTF-8"
ENV.pop("CEH_NOW", None)

rows = []      # dicts: op size ceh ref ratio target met notes cmds
notes = []     # free text for the results file
WORK = None


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def scaled(n, minimum):
    return max(int(n * SCALE), minimum)


def human(n):
    if n >= 1000000 and n % 1000000 == 0:
        return "%dM" % (n // 1000000)
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


def run(argv, stdin=None, stdout=None, env=None, check=True, ok=(0,)):
    """Run argv once; return (seconds, peak RSS in KiB, exit code)."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    fout = open(stdout, "wb") if stdout else subprocess.DEVNULL
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=fin, stdout=fout,
                             stderr=subprocess.PIPE, env=env or ENV)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdin:
            fin.close()
        if stdout:
            fout.close()
    if check and p.returncode not in ok:
        raise RuntimeError("%s exited %d: %s" % (" ".join(argv), p.returncode,
                                                 err.decode(errors="replace")[-800:]))
    LAST_CPU[0] = ru.ru_utime + ru.ru_stime
    return t1 - t0, ru.ru_maxrss, p.returncode


LAST_CPU = [0.0]


def sh(cmd):
    return ["sh", "-c", cmd]


def measure(argv_fn, runs, prep=None, **kw):
    """Median seconds and max peak RSS over runs; argv_fn(i) gives argv,
    prep(i) runs untimed before each run."""
    times, rss, cpu = [], 0, []
    for i in range(runs):
        if prep:
            prep(i)
        argv = argv_fn(i) if callable(argv_fn) else argv_fn
        t, m, _ = run(argv, **kw)
        times.append(t)
        cpu.append(LAST_CPU[0])
        rss = max(rss, m)
        if t > BUDGET:
            break       # a slow run is not repeated
    MEASURED_CPU[0] = statistics.median(cpu)
    return statistics.median(times), rss, times


MEASURED_CPU = [0.0]
FSCK_CPU = [0.0]        # CPU of the unsigned store's fsck --no-cache
REVIEW_CPU = [0.0]      # CPU of the unsigned batch review (with the index)


def cpu_note():
    """CPU time (user + sys) of the last measured command: on a loaded
    machine it says more than the elapsed time."""
    return "CPU %s" % fmt_s(MEASURED_CPU[0])


def implemented(cmd):
    """A command is there when `ceh CMD --help` exits 0 and does not say it
    is not implemented."""
    p = subprocess.run([CEH, cmd, "--help"], capture_output=True, env=ENV)
    return p.returncode == 0 and b"not implemented" not in p.stdout + p.stderr


def usage_of(cmd):
    p = subprocess.run([CEH, cmd, "--help"], capture_output=True, env=ENV)
    return (p.stdout + p.stderr).decode(errors="replace")


def fmt_s(t):
    if t is None:
        return NA
    if t < 0.001:
        return "%.3f ms" % (t * 1000)
    if t < 1:
        return "%.1f ms" % (t * 1000)
    return "%.2f s" % t


def add(op, size, ceh, ref, target=None, limit=None, notes_=None, cmds=(),
        ratio_target=None):
    """ceh/ref in seconds (None: not implemented).  limit: seconds the ceh
    figure must stay under; ratio_target: bound on ceh/ref."""
    ratio = "—"
    met = "—"
    if ceh is not None and ref:
        ratio = "%.2f×" % (ceh / ref)
    if ceh is not None:
        if limit is not None:
            met = "yes" if ceh < limit else "**no**"
        elif ratio_target is not None and ref:
            met = "yes" if ceh / ref <= ratio_target else "**no**"
    rows.append(dict(op=op, size=size, ceh=fmt_s(ceh),
                     cpu=fmt_s(MEASURED_CPU[0]) if ceh is not None else "—",
                     ref=fmt_s(ref) if ref is not None else "—",
                     ratio=ratio, target=target or "—", met=met,
                     notes=notes_ or "", cmds=list(cmds)))
    log("%s %s: ceh %s, ref %s, %s" % (op, size, fmt_s(ceh),
                                       fmt_s(ref) if ref else "—", ratio))


def gen_records(n, path):
    run([sys.executable, GENREC, "--rows", str(n), "--seed", "1", "-o", path])


def new_store(path):
    shutil.rmtree(path, ignore_errors=True)
    env = dict(ENV, CEH_STORE=path)
    run([CEH, "init", "--unsigned"], env=env)  # imports only: no keys
    return env


# ---------------------------------------------------------------- import

def csv_to_xlsx(csv_path, xlsx_path):
    """The same rows as a workbook, written by openpyxl in streaming mode
    (untimed): every cell as text, as an office that formats the sheet as
    text would save it."""
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    run([py, "-c", """
import csv, sys
import openpyxl
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("records")
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for row in csv.reader(f):
        ws.append(row)
wb.save(sys.argv[2])
""", csv_path, xlsx_path])


def ceh_import_runs(path, store):
    """Median seconds, peak RSS and CPU of `ceh import PATH` into a fresh
    store each run."""
    times, rss, cpu = [], 0, []
    for i in range(RUNS):
        env = new_store(store)
        t, m, rc = run([CEH, "import", path], env=env, ok=(0, 1))
        times.append(t)
        cpu.append(LAST_CPU[0])
        rss = max(rss, m)
        if t > BUDGET:
            break
    shutil.rmtree(store, ignore_errors=True)
    MEASURED_CPU[0] = statistics.median(cpu)
    return statistics.median(times), rss


def bench_import_xlsx(n):
    """Issue 15: the same rows as .xlsx against CSV; within 3x, memory
    bounded (the sheet is streamed)."""
    csv_path = os.path.join(WORK, "records-x-%d.csv" % n)
    xlsx = os.path.join(WORK, "records-%d.xlsx" % n)
    gen_records(n, csv_path)
    t0 = time.perf_counter()
    csv_to_xlsx(csv_path, xlsx)
    log("wrote %d rows as .xlsx in %.1f s" % (n, time.perf_counter() - t0))
    store = os.path.join(WORK, "imp-x-store")
    size = "%s rows" % human(n)
    cmds = ["ceh import %s   (a fresh store each run)" % xlsx,
            "ceh import %s   (the same rows as CSV)" % csv_path]
    if not implemented("import"):
        add(".xlsx import vs CSV import", size, None, None, target="≤ 3×",
            cmds=cmds)
        return
    cs, cs_rss = ceh_import_runs(csv_path, store)
    xs, xs_rss = ceh_import_runs(xlsx, store)
    nt = ("%.0f rows/s (CSV %.0f); peak RSS .xlsx %.1f MB, CSV %.1f MB; "
          ".xlsx file %.1f MB" % (n / xs, n / cs, xs_rss / 1024, cs_rss / 1024,
                                  os.path.getsize(xlsx) / 1e6)) + "; " + cpu_note()
    add(".xlsx import vs CSV import", size, xs, cs, target="≤ 3×",
        ratio_target=3.0, notes_=nt, cmds=cmds)
    os.unlink(csv_path)
    os.unlink(xlsx)


def bench_import(n):
    csv = os.path.join(WORK, "records-%d.csv" % n)
    t0 = time.perf_counter()
    gen_records(n, csv)
    log("generated %d rows in %.1f s" % (n, time.perf_counter() - t0))
    size = "%s rows" % human(n)
    store = os.path.join(WORK, "imp-store")
    db = os.path.join(WORK, "imp.db")
    sql_argv = ["sqlite3", "-cmd", "PRAGMA journal_mode=OFF;", db,
                ".import --csv %s records" % csv]

    def prep_db(i):
        for f in (db, db + "-journal"):
            if os.path.exists(f):
                os.unlink(f)

    sq, sq_rss, _ = measure(sql_argv, RUNS, prep=prep_db)
    fl, fl_rss, _ = measure([CSVFLOOR, csv], RUNS)
    cmd_ceh = "ceh import %s   (a fresh store each run)" % csv
    cmds = [cmd_ceh, "sqlite3 -cmd 'PRAGMA journal_mode=OFF;' DB '.import --csv %s records'   (a fresh DB each run)" % csv,
            "%s %s" % (CSVFLOOR, csv)]
    if implemented("import"):
        envs = {}

        def prep(i):
            envs["env"] = new_store(store)
        times, rss, cpu = [], 0, []
        for i in range(RUNS):
            prep(i)
            t, m, rc = run([CEH, "import", csv], env=envs["env"], ok=(0, 1))
            times.append(t)
            cpu.append(LAST_CPU[0])
            rss = max(rss, m)
            if t > BUDGET:
                break
        ce = statistics.median(times)
        MEASURED_CPU[0] = statistics.median(cpu)
        shutil.rmtree(store, ignore_errors=True)
        nt = ("%.0f rows/s (sqlite3 %.0f, floor %.0f); peak RSS ceh %.1f MB, "
              "sqlite3 %.1f MB, floor %.1f MB" % (n / ce, n / sq, n / fl,
                                                  rss / 1024, sq_rss / 1024,
                                                  fl_rss / 1024)) + "; " + cpu_note()
    else:
        ce, nt = None, "sqlite3 %.0f rows/s, floor %.0f rows/s" % (n / sq, n / fl)
    add("import vs sqlite3 .import", size, ce, sq, target="≤ 2×",
        ratio_target=2.0, notes_=nt, cmds=cmds[:2])
    add("import vs libcsv floor", size, ce, fl, notes_="libcsv parse only",
        cmds=[cmds[0], cmds[2]])
    os.unlink(csv)
    for f in (db, db + "-journal"):
        if os.path.exists(f):
            os.unlink(f)


# ---------------------------------------------------------------- stores

def build_store(name, apps, queue, review, where, people=None, signed=False):
    path = os.path.join(where, name)
    info = os.path.join(where, name + ".info")
    argv = [GENSTORE, "-n", str(apps), "-q", str(queue), "-r", str(review),
            "-j", str(JOBS)] + (["-p", str(people)] if people else []) + \
        (["-s"] if signed else []) + [path, info]
    t0 = time.perf_counter()
    run(argv)
    t1 = time.perf_counter()
    subprocess.run(["sync"])   # so later fsyncs do not pay for it
    t2 = time.perf_counter()
    d = {}
    with open(info) as f:
        for line in f:
            k, v = line.strip().split("=", 1)
            d[k] = v
    d["path"] = path
    d["ids"] = info + ".review-ids"
    # a cache of verified documents of its own, never the user's
    d["env"] = dict(ENV, CEH_STORE=path,
                    XDG_CACHE_HOME=os.path.join(WORK, "cache-" + name))
    notes.append("Store %s: %s applications over %s people on %s, built by "
                 "`%s` in %.1f s (+ %.1f s sync)." %
                 (name, d["APPS"], d["PEOPLE"], fstype(where), " ".join(argv),
                  t1 - t0, t2 - t1))
    log(notes[-1])
    return d


def fstype(path):
    p = subprocess.run(["df", "-T", path], capture_output=True, text=True)
    f = p.stdout.splitlines()[-1].split()
    return "%s (%s)" % (f[-1], f[1])


def drop_store(d):
    t0 = time.perf_counter()
    subprocess.run(["rm", "-rf", d["path"], d["path"] + ".info",
                    d["ids"], d["path"] + ".agency.key"])
    log("removed %s in %.1f s" % (d["path"], time.perf_counter() - t0))


def bench_queue(d, size):
    unit = d["QUEUE_UNIT"]
    out = os.path.join(WORK, "queue.tsv")
    argv = [CEH, "list", "--at", unit, "--format", "tsv"]
    ref_cmd = "find %s -name '*.yaml' | wc -l" % d["path"]
    rf, _, _ = measure(sh(ref_cmd + " >/dev/null"), RUNS)
    ce = None
    nt = "queue of %s" % d["QUEUE"]
    if implemented("list"):
        ce, rss, _ = measure(argv, RUNS, stdout=out, env=d["env"])
        with open(out, encoding="utf-8") as f:
            got = sum(1 for _ in f) - 1
        nt += "; listed %d%s; peak RSS %.1f MB; %s" % (
            got, "" if got == int(d["QUEUE"]) else " (WRONG COUNT)", rss / 1024,
            cpu_note())
    add("list --at UNIT (a unit's queue)", "%s apps" % size, ce, rf,
        target="< 50 ms", limit=0.050, notes_=nt,
        cmds=["CEH_STORE=%s ceh list --at %s --format tsv" % (d["path"], unit),
              ref_cmd])


def bench_list_all(d, size):
    out = os.path.join(WORK, "all.tsv")
    ref_cmd = "find %s -name '*.yaml' -exec cat {} + >/dev/null" % d["path"]
    rf, _, _ = measure(sh(ref_cmd), SLOW_RUNS)
    ce, rss, _ = measure([CEH, "list", "--format", "tsv"], SLOW_RUNS,
                         stdout=out, env=d["env"])
    with open(out, encoding="utf-8") as f:
        got = sum(1 for _ in f) - 1
    add("list (whole store, tsv)", "%s apps" % size, ce, rf,
        notes_="listed %d of %s%s; %.0f apps/s; peak RSS %.1f MB; %s" % (
            got, d["APPS"], "" if got == int(d["APPS"]) else " (WRONG COUNT)",
            got / ce, rss / 1024, cpu_note()),
        cmds=["CEH_STORE=%s ceh list --format tsv" % d["path"], ref_cmd])
    os.unlink(out)


def bench_review(d, batch, unsigned=None, offset=0, label=""):
    """The batch review (ids from offset on); with unsigned (the unsigned
    store's figure) the signed store's row against it.  Returns the ceh
    figure."""
    with open(d["ids"]) as f:
        ids = [l.strip() for l in f if l.strip()][offset:]
    unit = d["REVIEW_UNIT"]
    floor_dir = os.path.join(WORK, "floor")

    def prep_floor(i):
        shutil.rmtree(floor_dir, ignore_errors=True)
        os.mkdir(floor_dir)
    fl, _, _ = measure([DURABLE, floor_dir, str(batch)], RUNS, prep=prep_floor)
    shutil.rmtree(floor_dir, ignore_errors=True)
    argv = [CEH, "review", "--as", unit, "--approve", "-"]
    if unsigned is not None:
        argv[4:4] = ["--key", d["AGENCY_KEY"]]
    ce = None
    nt = "floor %.0f renames/s (%.3f ms each)" % (batch / fl, fl / batch * 1000)
    if implemented("review"):
        times, cpu = [], []
        for i in range(RUNS):
            chunk = ids[i * batch:(i + 1) * batch]
            if len(chunk) < batch:
                raise RuntimeError("not enough applications in review")
            path = os.path.join(WORK, "batch-%d.txt" % i)
            with open(path, "w") as f:
                f.write("\n".join(chunk) + "\n")
            t, rss, _ = run(argv, stdin=path, env=d["env"])
            times.append(t)
            cpu.append(LAST_CPU[0])
        ce = statistics.median(times)
        MEASURED_CPU[0] = statistics.median(cpu)
        # the decisions must have happened
        p = subprocess.run([CEH, "show", ids[0], "--format", "yaml"],
                           capture_output=True, env=d["env"])
        ok = b"stage: approved" in p.stdout
        nt = "ceh %.0f apps/s, %s; peak RSS %.1f MB; %s%s" % (
            batch / ce, nt, rss / 1024, cpu_note(),
            "" if ok else " (NOT APPROVED?)")
    if unsigned is None:
        if offset == 0:     # the store as the signed row's reference
            REVIEW_CPU[0] = MEASURED_CPU[0]
        add("review --approve - (batch)" + label, "%s apps" % human(batch), ce, fl,
            target="≤ 2× floor", ratio_target=2.0, notes_=nt,
            cmds=["CEH_STORE=%s ceh review --as %s --approve - < BATCH   (%s ids, "
                  "a new batch each run)" % (d["path"], unit, human(batch)),
                  "%s DIR %d" % (DURABLE, batch)])
        return ce
    add("review --approve - (batch), signed store", "%s apps" % human(batch),
        ce, unsigned, target="≤ 1.2× unsigned", ratio_target=1.2,
        notes_="reference: the same batch in an unsigned store (row above); "
        "every decision signed with the agency's key; " + nt +
        ("; CPU %.2f× the unsigned batch's" % (MEASURED_CPU[0] /
                                               REVIEW_CPU[0])
         if ce is not None and REVIEW_CPU[0] else ""),
        cmds=["CEH_STORE=%s ceh review --as %s --key %s --approve - < BATCH"
              % (d["path"], unit, d["AGENCY_KEY"]),
              "the unsigned row's command"])
    if ce is not None and unsigned and d.get("SIGNED"):
        per = int(d["SIGN_NS"]) / 1e9 / int(d["SIGNED"])
        diff = max(ce - unsigned, 0.0) / batch
        MEASURED_CPU[0] = per
        add("signing, per decision (chain_sign)", "%s events" %
            human(int(d["SIGNED"])), per, unsigned / batch,
            target="< 0.1 ms", limit=0.0001, notes_="CPU time of chain_sign "
            "(canonical texts, hashes, Ed25519) over the %s signed events "
            "genstore -s made; reference: one decision of the unsigned batch "
            "review (its time / batch); "
            "the batch rows above differ by %s per decision (wall: the "
            "signature, the key check and documents larger by their "
            "chain)" % (d["SIGNED"], fmt_s(diff)),
            cmds=["genstore -s ... (SIGN_NS / SIGNED in its INFO)"])
    return ce


def bench_review_index(d, batch):
    """Issue 16: what the summary index costs each transition: the same
    batches with the index and, on the same store, without it."""
    with_ix = bench_review(d, batch, None, 0, " with the index")
    shutil.rmtree(os.path.join(d["path"], "index"))
    without = bench_review(d, batch, None, batch * RUNS, " without the index")
    if with_ix and without:
        add("review batch: with vs without the index", "%s apps" % human(batch),
            with_ix, without, target="< 1.05×", ratio_target=1.05,
            notes_="the same store, the index removed for the second "
            "series; " + cpu_note(),
            cmds=["CEH_STORE=%s ceh review --as %s --approve - < BATCH"
                  % (d["path"], d["REVIEW_UNIT"]),
                  "the same after rm -r %s/index" % d["path"]])
    return with_ix


def bench_reports(d, size):
    """Issue 16: stats and shortfall through the summary index, against
    the same reports from the documents (CEH_INDEX=off)."""
    if not implemented("stats"):
        return
    # the clock pinned, so that open stints count the same in both
    env_ix = dict(d["env"], CEH_NOW=str(int(time.time())))
    env_doc = dict(env_ix, CEH_INDEX="off")
    out = os.path.join(WORK, "report.out")
    rows_ = [
        ("stats (whole store)", ["stats", "--by", "unit,stage"], 1.0,
         "< 1 s at 1M"),
        ("stats --unit EMPLOYER", ["stats", "--unit", d["QUEUE_UNIT"],
                                   "--by", "year"], 0.050, "< 50 ms"),
        ("shortfall --unit SUP --subtree", ["shortfall", "--unit",
                                            d["SUP_UNIT"], "--subtree",
                                            "--year", "2024", "--format",
                                            "tsv"], 0.200, "< 200 ms"),
    ]
    for op, args, limit, target in rows_:
        rf, _, _ = measure([CEH] + args, SLOW_RUNS, env=env_doc, stdout=out)
        with open(out, "rb") as f:
            ref_out = f.read()
        ce, rss, _ = measure([CEH] + args, SLOW_RUNS, env=env_ix,
                             stdout=out)
        with open(out, "rb") as f:
            same = f.read() == ref_out
        add(op + ", index vs documents", "%s apps" % size, ce, rf,
            target=target, limit=limit,
            notes_="peak RSS %.1f MB; output %s the documents'; %s" % (
                rss / 1024, "identical to" if same else "DIFFERENT FROM",
                cpu_note()),
            cmds=["CEH_STORE=%s ceh %s" % (d["path"], " ".join(args)),
                  "CEH_INDEX=off (the same from the documents)"])
    os.unlink(out)


def bench_import_index(n):
    """Issue 16: import into a store with the index and into one without
    (the import writes hour records, which the index does not hold: the
    figure shows that it costs nothing)."""
    csv = os.path.join(WORK, "records-i-%d.csv" % n)
    gen_records(n, csv)
    store = os.path.join(WORK, "imp-i-store")
    res = {}
    for label, keep in (("with", True), ("without", False)):
        times = []
        for i in range(RUNS):
            env = new_store(store)
            if not keep:
                shutil.rmtree(os.path.join(store, "index"))
            t, _, _ = run([CEH, "import", csv], env=env, ok=(0, 1))
            times.append(t)
        res[label] = statistics.median(times)
    shutil.rmtree(store, ignore_errors=True)
    os.unlink(csv)
    add("import: with vs without the index", "%s rows" % human(n),
        res["with"], res["without"], target="< 1.10×", ratio_target=1.10,
        notes_="a fresh store each run; without: its index/ removed",
        cmds=["ceh import %s" % csv, "the same, index/ removed"])


def slip_argv(fmt):
    """The print-slip command line, from its usage (helper P's)."""
    u = usage_of("print-slip")
    argv = [CEH, "print-slip"]
    if "--format" in u:
        argv += ["--format", fmt]
    return argv, u


def bench_slip(d, size):
    show = [CEH, "show", d["SLIP_APP"]]
    rf, _, _ = measure(show, 5, env=d["env"])
    for fmt, limit in (("text", 0.020), ("pdf", None)):
        ce = None
        cmd = "ceh print-slip %s --format %s" % (d["SLIP_ID"], fmt)
        nt = "reference: `ceh show` of one of the person's applications"
        if implemented("print-slip"):
            argv, u = slip_argv(fmt)
            argv += ([d["SLIP_ID"]] if "--id" not in u else ["--id", d["SLIP_ID"]])
            if "--from" in u:
                argv += ["--from", "2021", "--to", "2025"]
            if fmt == "pdf" and "-o" in u:
                argv += ["-o", os.path.join(WORK, "slip.pdf")]
                # every run but the first finds the file there
                if "--force" in u:
                    argv += ["--force"]
            cmd = "CEH_STORE=%s %s" % (d["path"], " ".join(["ceh"] + argv[1:]))
            ce, _, _ = measure(argv, 5, env=d["env"],
                               stdout=os.path.join(WORK, "slip.out"))
            nt += "; " + cpu_note()
        add("print-slip (%s), one person" % fmt, "%s apps" % size, ce, rf,
            target="< 20 ms" if limit else "—", limit=limit, notes_=nt,
            cmds=[cmd, "CEH_STORE=%s ceh show %s" % (d["path"], d["SLIP_APP"])])


def bench_fsck(d, size, unsigned=None):
    """fsck; with unsigned (the unsigned store's figure) the signed
    store's row against it.  Returns the ceh figure."""
    ref_cmd = "find %s -name '*.yaml' -exec cat {} + >/dev/null" % d["path"]
    rf, _, _ = measure(sh(ref_cmd), SLOW_RUNS)
    ce = None
    nt = ""
    # the user's verification cache (ceh-trust(7)) of this run only
    env = dict(d["env"], XDG_CACHE_HOME=os.path.join(WORK, "cache"))
    if implemented("fsck"):
        ce, rss, _ = measure([CEH, "fsck", "--no-cache"], SLOW_RUNS, env=env,
                             ok=(0, 1))
        nt = "%.0f apps/s; peak RSS %.1f MB; %s" % (int(d["APPS"]) / ce,
                                                     rss / 1024, cpu_note())
    if unsigned is None:
        FSCK_CPU[0] = MEASURED_CPU[0]
        add("fsck (check)", "%s apps" % size, ce, rf, notes_=nt,
            cmds=["CEH_STORE=%s ceh fsck --no-cache" % d["path"], ref_cmd])
        return ce

    def cpu_ratio():
        return "; CPU %.2f× the unsigned store's" % (
            MEASURED_CPU[0] / FSCK_CPU[0]) if FSCK_CPU[0] else ""
    add("fsck (check), signed store", "%s apps" % size, ce, unsigned,
        target="≤ 2× unsigned", ratio_target=2.0,
        notes_="reference: fsck --no-cache of the unsigned store of the same "
        "size (row above); every chain, signature and workflow verified in "
        "full (--no-cache), the signatures in worker threads (one per CPU "
        "but the first); " + nt + cpu_ratio(),
        cmds=["CEH_STORE=%s ceh fsck --no-cache" % d["path"],
              "the unsigned row's command"])
    if ce is not None:
        # the same in one thread: what the verification threads save
        c1, rss, _ = measure([CEH, "fsck", "--no-cache"], SLOW_RUNS,
                             env=dict(env, CEH_FSCK_THREADS="0"), ok=(0, 1))
        add("fsck (check), signed store, one thread", "%s apps" % size, c1,
            unsigned, target="—",
            notes_="CEH_FSCK_THREADS=0: every signature verified by the "
            "thread that reads the store; peak RSS %.1f MB; %s%s" % (
                rss / 1024, cpu_note(), cpu_ratio()),
            cmds=["CEH_STORE=%s CEH_FSCK_THREADS=0 ceh fsck --no-cache" %
                  d["path"], "the unsigned row's command"])
    if ce is not None:
        run([CEH, "fsck"], env=env, ok=(0, 1))     # fills the cache
        cw, rss, _ = measure([CEH, "fsck"], SLOW_RUNS, env=env, ok=(0, 1))
        add("fsck (check), signed store, cache warm", "%s apps" % size, cw,
            unsigned, target="≤ 2× unsigned", ratio_target=2.0,
            notes_="the same fsck after one fsck filled the user's "
            "verification cache: unchanged documents are not verified "
            "again; peak RSS %.1f MB; %s" % (rss / 1024, cpu_note()),
            cmds=["CEH_STORE=%s ceh fsck   (after one run)" % d["path"],
                  "the unsigned row's command"])
    return ce


# ---------------------------------------------------------------- report

def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = "%.0f GB RAM" % (int(f.readline().split()[1]) / 1048576)
    except OSError:
        pass
    df = subprocess.run(["df", "-hT", WORK], capture_output=True, text=True).stdout.splitlines()
    disk = df[-1].split() if len(df) > 1 else ["?"] * 7
    return "%d CPUs (nproc), %s, %s; scratch on %s (%s, %s)" % (
        os.cpu_count() or 0, cpu, mem, disk[0], disk[1], disk[2] + " total")


def load():
    try:
        return open("/proc/loadavg").read().split()[:3]
    except OSError:
        return ["?"] * 3


def report(started, load0, mach, commit):
    load1 = load()
    head = ["| operation | size | ceh (median) | reference (median) | ratio | target | met? | ceh CPU | notes |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        head.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["op"], r["size"], r["ceh"], r["ref"], r["ratio"], r["target"],
            r["met"], r["cpu"], r["notes"]))
    table = "\n".join(head)
    lines = ["# ceh benchmark results", "",
             "- date: %s UTC (%.0f s)" % (started.strftime("%Y-%m-%d %H:%M"),
                                          time.time() - started.timestamp()),
             "- machine: %s" % mach,
             "- load average at start %s, at end %s%s" % (
                 " ".join(load0), " ".join(load1),
                 " (other work was running: figures taken under load)"
                 if float(load0[0]) > 0.5 else ""),
             "- ceh: %s (%s)" % (CEH, commit),
             "- BENCH_SCALE=%g, medians of %d runs (%d for the whole-store rows; "
             "a run over %g s is not repeated)" % (SCALE, RUNS, SLOW_RUNS, BUDGET),
             "- ratio = ceh / reference; page cache warm (the reference runs first); "
             "ceh CPU = user + sys time of the ceh process (median)",
             "", table, "", "## Commands", ""]
    for r in rows:
        lines.append("- **%s, %s**" % (r["op"], r["size"]))
        for c in r["cmds"]:
            lines.append("  - `%s`" % c)
    lines += ["", "## Setup", ""] + ["- " + n for n in notes]
    text = "\n".join(lines) + "\n"
    with open(OUT, "w") as f:
        f.write(text)
    print(table)
    print("\nresults written to %s" % OUT)


failures = []


def people_for(apps):
    """People of a read-only store: two applications each up to 100k, then
    four (the 1M store: 250k people, near the ~300k people gen-records.py
    makes for 1M rows, and within a tmpfs's default inode limit)."""
    return apps // 2 if apps <= 100000 else apps // 4


def inodes_for(apps):
    # 1000 shards, a person directory and 4 stage folders per person, one
    # file per application, queue entries
    return 1000 + 5 * people_for(apps) + apps + apps // 10


def memdir(apps):
    """A scratch directory on tmpfs (BENCH_MEMDIR, default /dev/shm) if it
    has room (bytes and inodes) for a store of apps applications, else
    None."""
    base = os.environ.get("BENCH_MEMDIR", "/dev/shm")
    if base == "none" or not os.path.isdir(base):
        return None
    st = os.statvfs(base)
    if st.f_bavail * st.f_frsize < apps * 8192 * 1.5 or \
            (st.f_files and st.f_favail < inodes_for(apps) * 1.1):
        return None
    return tempfile.mkdtemp(prefix="ceh-bench.", dir=base)


def guard(what, fn, *args):
    """Run one benchmark; a failure is reported as a row, not a crash."""
    try:
        return fn(*args)
    except Exception as ex:  # noqa: BLE001 - report anything
        failures.append("%s: %s" % (what, ex))
        log("FAILED %s: %s" % (what, ex))
        rows.append(dict(op=what, size="", ceh="error", cpu="", ref="", ratio="",
                         target="", met="**error**",
                         notes=str(ex).replace("|", "/").replace("\n", " ")[:300],
                         cmds=[]))
        return None


def main():
    global WORK
    started = datetime.datetime.now(datetime.timezone.utc)
    load0 = load()
    base = os.environ.get("BENCH_DIR") or os.environ.get("TMPDIR") or "/tmp"
    WORK = tempfile.mkdtemp(prefix="ceh-bench.", dir=base)
    log("scratch directory %s, scale %g, %d runs" % (WORK, SCALE, RUNS))
    mach = machine()
    git = lambda *a: subprocess.run(["git", "-C", ROOT] + list(a),
                                    capture_output=True, text=True).stdout
    commit = "git %s%s" % (git("rev-parse", "--short", "HEAD").strip() or "?",
                           ", work tree with uncommitted changes"
                           if git("status", "--porcelain", "--untracked-files=no").strip()
                           else "")
    mem = None
    try:
        if wanted("import"):
            for n in (100000, 1000000):
                guard("import", bench_import, scaled(n, 100))
            guard("import and index", bench_import_index, scaled(100000, 100))
        if wanted("import") or wanted("xlsx"):
            guard("import .xlsx", bench_import_xlsx, scaled(1000000, 100))
        small = scaled(100000, 200)
        big = scaled(1000000, 2000)
        batch = scaled(10000, 10)
        # the batch review writes durably: its store is on the disk of
        # BENCH_DIR, with the applications of every run and a few more
        n = 2 * batch * RUNS + batch * RUNS // 2 + 20
        unsigned_review = None
        if wanted("review"):
            d = guard("store", build_store, "review-store", n, 10,
                      2 * batch * RUNS, WORK, n // 2)
            if d:
                unsigned_review = guard("review", bench_review_index, d,
                                        batch)
                drop_store(d)
        if wanted("trust") and unsigned_review:
            d = guard("store", build_store, "review-store-signed", n, 10,
                      batch * RUNS, WORK, n // 2, True)
            if d:
                guard("review (signed)", bench_review, d, batch,
                      unsigned_review)
                drop_store(d)
        # read-only rows: on tmpfs when it has room (deleting a million
        # small files from a disk takes far longer than the benchmark)
        mem = memdir(big)
        for apps in (small, big):
            if apps == small and not (wanted("list") or wanted("reports")):
                continue
            if apps == big and not (wanted("list") or wanted("slip") or
                                    wanted("fsck") or wanted("reports")):
                continue
            queue = min(1000, max(apps // 10, 1))
            d = guard("store", build_store, "store-%s" % human(apps), apps,
                      queue, min(apps // 10, 10000), mem or WORK,
                      people_for(apps))
            if not d:
                continue
            if wanted("list"):
                guard("list --at", bench_queue, d, human(apps))
            if wanted("reports"):
                guard("reports", bench_reports, d, human(apps))
            unsigned_fsck = None
            if apps == small:
                if wanted("list"):
                    guard("list", bench_list_all, d, human(apps))
            else:
                if wanted("slip"):
                    guard("print-slip", bench_slip, d, human(apps))
                if wanted("fsck"):
                    unsigned_fsck = guard("fsck", bench_fsck, d, human(apps))
            drop_store(d)
            if apps == big and wanted("trust") and unsigned_fsck:
                d = guard("store", build_store, "store-%s-signed" %
                          human(apps), apps, queue, min(apps // 10, 10000),
                          mem or WORK, people_for(apps), True)
                if d:
                    guard("fsck (signed)", bench_fsck, d, human(apps),
                          unsigned_fsck)
                    drop_store(d)
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(WORK, ignore_errors=True)
            if mem:
                shutil.rmtree(mem, ignore_errors=True)
    report(started, load0, mach, commit)
    if failures:
        log("%d benchmark(s) failed" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
