#!/usr/bin/env python3
"""tests/bench/bench.py - the benchmark driver behind `make bench` (issues
7, 13, 16, 19): one row per target of those issues, each against its
reference measured in the same run.

Run through tests/bench/run.sh, which checks the environment:
  CEH_BIN       the ceh binary under test
  BENCH_BUILD   directory holding genstore, csvfloor, durable_rename
  BENCH_SCALE   size factor (default 1: 10k/100k/1M rows, 1k/10k batches,
                100k/1M applications)
  BENCH_RUNS    runs per measurement, the median is reported (default 3)
  BENCH_SLOW_RUNS  runs of the slow whole-store rows (find -exec cat,
                fsck; default: BENCH_RUNS, but 1 at BENCH_SCALE >= 0.5)
  BENCH_DIR     parent of the scratch directory (default $TMPDIR or /tmp);
                the batch review stores live there (a disk: they fsync)
  BENCH_OUT     results file (default tests/bench/RESULTS.md at scale 1,
                else $BENCH_BUILD/RESULTS.md)
  BENCH_JOBS    processes for building stores (default: nproc)
  BENCH_MEMDIR  tmpfs for the read-only stores (default /dev/shm; "none":
                use BENCH_DIR)
  BENCH_BUDGET  a run longer than this many seconds is not repeated
                (default 20)
  BENCH_CAP     a ceh run of the read-only stores' rows is stopped after
                this many seconds (default 60; 0: never) and its row says
                "> 60 s (stopped)": far past every target of those rows,
                it bounds the time of the signed 1M store's slow rows
                (stats and shortfall, whose targets are under a second:
                30 s; the fsck rows: at least 2.2x their reference, so
                that their 2x target is judged)
  BENCH_IMPORT_DIR  where the import rows make their stores and sqlite3
                its databases (default: the scratch directory); on a
                disk without a journal ext4 skips inodes freed in the
                last minutes, which a first import's 512 new files pay
                for (RESULTS-2026-12-08-fsck.md): a journaled file
                system gives the figures a clerk's disk would
  BENCH_ONLY    comma-separated groups to run (default all): startup,
                import, xlsx (the .xlsx row and the import at its size),
                review (unsigned and signed batch review, signing),
                list, reports, fsck, slip (the last four on the read-only
                stores, unsigned and signed); "trust" means review,fsck

Duration: BENCH_SCALE=0.1 took 33 minutes under a load average of 11-17
(2026-12-03, with BENCH_CAP at 90 s); BENCH_SCALE=1 is estimated at
30-35 minutes on an idle 2-CPU machine, a quarter of it building the two
1M stores (genstore's summary index is built in one process), and
much longer under load.

Every row gives the ceh command's wall time and CPU time (user + sys of
the process, from wait4) and the same for its reference, so that a row
can be judged by CPU when the machine is loaded; the load average at the
start and the end is in the header.  Generated data lives in a scratch
directory that is removed at the end.
"""
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CEH = os.environ["CEH_BIN"]
BUILD = os.environ["BENCH_BUILD"]
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SLOW_RUNS = int(os.environ.get("BENCH_SLOW_RUNS", "1" if SCALE >= 0.5 else str(RUNS)))
BUDGET = float(os.environ.get("BENCH_BUDGET", "20"))
CAP = float(os.environ.get("BENCH_CAP", "60")) or None
JOBS = int(os.environ.get("BENCH_JOBS", str(os.cpu_count() or 1)))
OUT = os.environ.get("BENCH_OUT") or (
    os.path.join(ROOT, "tests/bench/RESULTS.md") if SCALE >= 1
    else os.path.join(BUILD, "RESULTS.md"))
GENSTORE = os.path.join(BUILD, "genstore")
CSVFLOOR = os.path.join(BUILD, "csvfloor")
DURABLE = os.path.join(BUILD, "durable_rename")
GENREC = os.path.join(ROOT, "tests/bench/gen-records.py")
NA = "n/a"
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
if "trust" in ONLY:
    ONLY |= {"review", "fsck"}


def wanted(group):
    return not ONLY or group in ONLY


ENV = dict(os.environ)
ENV["CEH_DATADIR"] = os.path.join(ROOT, "data")
ENV["CEH_USER"] = "bench"
ENV["LC_ALL"] = "C.UTF-8"
ENV.pop("CEH_NOW", None)
ENV.pop("CEH_KEY", None)
ENV.pop("CEH_INDEX", None)
ENV.pop("CEH_FSCK_THREADS", None)

rows = []      # dicts, see add()
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


class M:
    """One measurement: median wall and CPU seconds, peak RSS in KiB."""

    def __init__(self, wall, cpu, rss=0, walls=(), capped=False):
        self.wall, self.cpu, self.rss, self.walls = wall, cpu, rss, list(walls)
        self.capped = capped


STOPPED = [False]   # the last run() was stopped at its cap


def run(argv, stdin=None, stdout=None, env=None, check=True, ok=(0,),
        cap=None):
    """Run argv once; return (wall seconds, CPU seconds, peak RSS KiB,
    exit code).  cap: seconds after which it is killed (STOPPED[0] then
    says so, and the figures are those at the kill)."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    fout = open(stdout, "wb") if stdout else subprocess.DEVNULL
    STOPPED[0] = False
    timer = None
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=fin, stdout=fout,
                             stderr=subprocess.PIPE, env=env or ENV)
        if cap:
            def stop():
                STOPPED[0] = True
                p.kill()
            timer = threading.Timer(cap, stop)
            timer.start()
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if timer:
            timer.cancel()
        if stdin:
            fin.close()
        if stdout:
            fout.close()
    if STOPPED[0]:
        return t1 - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode
    if check and p.returncode not in ok:
        raise RuntimeError("%s exited %d: %s" % (" ".join(argv), p.returncode,
                                                 err.decode(errors="replace")[-800:]))
    return t1 - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode


def sh(cmd):
    return ["sh", "-c", cmd]


def measure(argv_fn, runs, prep=None, **kw):
    """Medians over runs; argv_fn(i) gives argv, prep(i) runs untimed
    before each run.  A run over BUDGET seconds is not repeated; one
    stopped at its cap (cap=...) is the figure."""
    walls, cpus, rss = [], [], 0
    for i in range(runs):
        if prep:
            prep(i)
        argv = argv_fn(i) if callable(argv_fn) else argv_fn
        t, c, m, _ = run(argv, **kw)
        if STOPPED[0]:
            return M(t, c, m, [t], capped=True)
        walls.append(t)
        cpus.append(c)
        rss = max(rss, m)
        if t > BUDGET:
            break
    return M(statistics.median(walls), statistics.median(cpus), rss, walls)


def fmt_s(t):
    if t is None:
        return NA
    if t < 0.001:
        return "%.3f ms" % (t * 1000)
    if t < 1:
        return "%.1f ms" % (t * 1000)
    return "%.2f s" % t


def add(op, size, ceh, ref, target="—", limit=None, ratio_target=None,
        notes_="", cmds=(), na=None, cpu_limit=None):
    """ceh and ref: M (or None).  limit: seconds the ceh figure (wall) must
    stay under; ratio_target: bound on ceh/ref (wall); cpu_limit: seconds
    the CPU figure must stay under.  na: why there is no figure."""
    def ratio(a, b):
        return "%.2f×" % (a / b) if a is not None and b else "—"
    met = "—"
    stopped = ceh is not None and ceh.capped
    if ref is not None and ref.capped and limit is None and \
            cpu_limit is None:
        met = "?"
        notes_ = "the reference was stopped at BENCH_CAP; " + notes_
    if stopped:
        bound = limit if limit is not None else (
            ratio_target * ref.wall if ratio_target and ref and
            not ref.capped else None)
        met = "**no**" if bound is not None and bound < ceh.wall else "?"
        notes_ = ("stopped after %s (BENCH_CAP): the figures are lower "
                  "bounds; " % fmt_s(ceh.wall)) + notes_
    elif ceh is not None and met != "?":
        if cpu_limit is not None:
            met = "yes" if ceh.cpu < cpu_limit else "**no**"
        elif limit is not None:
            met = "yes" if ceh.wall < limit else "**no**"
            if met != "yes" and ceh.cpu < limit:
                met += " (CPU yes)"
        elif ratio_target is not None and ref is not None and ref.wall:
            met = "yes" if ceh.wall / ref.wall <= ratio_target else "**no**"
            if met != "yes" and ref.cpu and ceh.cpu / ref.cpu <= ratio_target:
                met += " (CPU yes)"
    rows.append(dict(
        op=op, size=size,
        ceh=("> " if stopped else "") + fmt_s(ceh.wall) if ceh else
        "%s (%s)" % (NA, na or "not measured"),
        cpu=("> " if stopped else "") + fmt_s(ceh.cpu) if ceh else "—",
        ref=("> " if ref and ref.capped else "") + fmt_s(ref.wall) if ref
        else "—",
        refcpu=fmt_s(ref.cpu) if ref else "—",
        ratio=bounded(stopped, ref, ratio(ceh and ceh.wall, ref and ref.wall)),
        cratio=bounded(stopped, ref, ratio(ceh and ceh.cpu, ref and ref.cpu)),
        target=target, met=met, notes=notes_, cmds=list(cmds)))
    log("%s %s: ceh %s (CPU %s), ref %s, %s [%s: %s]" % (
        op, size, rows[-1]["ceh"], rows[-1]["cpu"], rows[-1]["ref"],
        rows[-1]["ratio"], target, met))


def bounded(stopped, ref, r):
    """A ratio whose ceh figure (stopped) or reference was stopped at the
    cap is a bound."""
    rc = ref is not None and ref.capped
    if r == "—" or not (stopped or rc):
        return r
    return "?" if stopped and rc else ("> " if stopped else "< ") + r


def rss_mb(m):
    return "%.1f MB" % (m.rss / 1024)


# ---------------------------------------------------------------- start-up

def perf_stat(argv, runs=30):
    """task-clock and duration_time means of `perf stat -r runs`, in
    seconds; None if perf is missing or may not count."""
    if not shutil.which("perf"):
        return None, "perf is not installed"
    out = os.path.join(WORK, "perf.txt")
    p = subprocess.run(["perf", "stat", "-o", out, "-x,", "-r", str(runs),
                        "-e", "task-clock,duration_time", "--"] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env=ENV)
    vals = {}
    try:
        with open(out) as f:
            for line in f:
                fl = line.strip().split(",")
                if len(fl) >= 3 and fl[0][:1].isdigit():
                    v = float(fl[0])
                    vals[fl[2]] = v / 1000 if fl[1] == "msec" else v / 1e9
    except OSError:
        pass
    if p.returncode != 0 or "task-clock" not in vals:
        return None, "perf stat failed: %s" % (
            p.stderr.decode(errors="replace").strip().replace("\n", " ")[:120]
            or "no task-clock (perf_event_paranoid?)")
    return M(vals.get("duration_time", vals["task-clock"]),
             vals["task-clock"]), ""


def bench_startup():
    """Issue 19: every command starts in under 2 ms of CPU (task-clock);
    reference: /bin/true, the cost of a process itself."""
    true = shutil.which("true") or "/bin/true"
    ref, why = perf_stat([true])
    for args in (["--version"], ["review", "--help"], ["stats", "--help"]):
        ce, why = perf_stat([CEH] + args) if ref else (None, why)
        op = "start-up: ceh %s (perf stat task-clock)" % " ".join(args)
        cmds = ["perf stat -r 30 -e task-clock,duration_time ceh %s" %
                " ".join(args), "perf stat -r 30 ... %s" % true]
        if ce is None:
            add(op, "30 runs", None, None, target="< 2 ms CPU",
                notes_="skipped: " + why, cmds=cmds, na="no perf")
            continue
        add(op, "30 runs", ce, ref, target="< 2 ms CPU",
            notes_="means of 30 runs: wall = duration_time, CPU = "
            "task-clock; reference: %s" % true, cmds=cmds, cpu_limit=0.002)


# ---------------------------------------------------------------- import

def gen_records(n, path):
    run([sys.executable, GENREC, "--rows", str(n), "--seed", "1", "-o", path])


def new_store(path, signed=False):
    shutil.rmtree(path, ignore_errors=True)
    env = dict(ENV, CEH_STORE=path)
    run([CEH, "init", "--unsigned"], env=env)  # imports only: no keys
    return env


def csv_to_xlsx(csv_path, xlsx_path):
    """The same rows as a workbook (untimed), every cell as text, as an
    office that formats the sheet as text saves it: openpyxl writes the
    workbook with the header row, and its sheet's rows are then written
    as openpyxl writes them (inline strings), streamed: openpyxl itself
    needs minutes for a million rows."""
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    run([py, "-c", r"""
import csv, io, sys, zipfile
import openpyxl
src, dst = sys.argv[1], sys.argv[2]
f = open(src, newline="", encoding="utf-8-sig")
rows = csv.reader(f)
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("records")
ws.append(next(rows))
tmpl = io.BytesIO()
wb.save(tmpl)
zin = zipfile.ZipFile(tmpl)
sheet = [n for n in zin.namelist() if n.startswith("xl/worksheets/")][0]
text = zin.read(sheet).decode()
head, tail = text.split("</sheetData>")
cols = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
def amp(v):
    return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
tmpls = {}
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
    for n in zin.namelist():
        if n != sheet:
            zout.writestr(n, zin.read(n))
    with zout.open(sheet, "w", force_zip64=True) as out:
        out.write(head.encode())
        buf = []
        for r, row in enumerate(rows, 2):
            t = tmpls.get(len(row))
            if t is None:
                t = tmpls[len(row)] = '<row r="{0}">' + "".join(
                    '<c r="%s{0}" t="inlineStr"><is><t>{%d}</t></is></c>'
                    % (cols[i], i + 1) for i in range(len(row))) + "</row>"
            buf.append(t.format(r, *map(amp, row)))
            if len(buf) == 10000:
                out.write("".join(buf).encode())
                buf = []
        out.write(("".join(buf) + "</sheetData>" + tail).encode())
""", csv_path, xlsx_path])


# The import rows' stores and databases: each run gets its own, and none
# is removed before the end of the bench.  ext4 does not hand out an inode
# freed in the last minutes (ext4_new_inode skips it, one buffer look-up
# each), so a fresh store made right after the last one was removed pays
# for every file of it again: the 512 records shards of a first import
# cost 0.2-0.3 s at every size on this machine (perf: find_get_block_common,
# recently_deleted), where sqlite3 creates one file.  No clerk removes a
# store a second before importing into a new one.
IMPORT_SERIES = [0]
IMPORT_BASES = []   # removed at the end with the scratch directory


def import_dir(name):
    """A new path for an import run's store or database: under
    BENCH_IMPORT_DIR when set (a journaled file system, say), else in
    the scratch directory."""
    IMPORT_SERIES[0] += 1
    base = os.environ.get("BENCH_IMPORT_DIR") or os.path.join(WORK,
                                                             "imports")
    base = os.path.join(base, "ceh-bench-imports-%d" % os.getpid())
    os.makedirs(base, exist_ok=True)
    if base not in IMPORT_BASES:
        IMPORT_BASES.append(base)
    return os.path.join(base, "%s-%d" % (name, IMPORT_SERIES[0]))


def runs_m(v):
    """M of the runs v (run()'s tuples): medians, the largest RSS; None
    for no run."""
    return M(statistics.median(x[0] for x in v),
             statistics.median(x[1] for x in v), max(x[2] for x in v),
             [x[0] for x in v]) if v else None


def import_runs(path, store, again=False):
    """`ceh import PATH` into a fresh store each run (store: a prefix):
    M of the first import and (again) of a second import of the same
    file."""
    first, second = [], []
    for i in range(RUNS):
        env = new_store(import_dir(store))
        first.append(run([CEH, "import", path], env=env, ok=(0, 1)))
        if again:
            second.append(run([CEH, "import", path], env=env, ok=(0, 1)))
        if first[-1][0] > BUDGET:
            break
    return runs_m(first), runs_m(second)


def people_in(csv):
    ids = set()
    with open(csv, encoding="utf-8-sig") as f:
        next(f, None)
        for line in f:
            ids.add(line.split(",", 1)[0])
    return len(ids)


def bench_import(n, largest, with_index, with_xlsx):
    csv = os.path.join(WORK, "records-%d.csv" % n)
    t0 = time.perf_counter()
    gen_records(n, csv)
    log("generated %d rows in %.1f s" % (n, time.perf_counter() - t0))
    size = "%s rows" % human(n)
    store = "imp-store"
    def sql_argv(i):
        return ["sqlite3", "-cmd", "PRAGMA journal_mode=OFF;",
                import_dir("imp") + ".db", ".import --csv %s records" % csv]

    sq = measure(sql_argv, RUNS)
    fl = measure([CSVFLOOR, csv], RUNS)
    ce, again = import_runs(csv, store, again=True)
    npeople = people_in(csv)
    cmd_ceh = "ceh import %s   (a fresh store each run)" % csv
    nt = ("%.0f rows/s (sqlite3 %.0f, floor %.0f); peak RSS ceh %s for "
          "%d people, sqlite3 %s, floor %s" % (
              n / ce.wall, n / sq.wall, n / fl.wall, rss_mb(ce), npeople,
              rss_mb(sq), rss_mb(fl)))
    add("import vs sqlite3 .import (journal_mode=OFF)", size, ce, sq,
        target="≤ 1.0×", ratio_target=1.0, notes_=nt,
        cmds=[cmd_ceh, "sqlite3 -cmd 'PRAGMA journal_mode=OFF;' DB "
              "'.import --csv %s records'   (a fresh DB each run)" % csv])
    add("import vs libcsv floor", size, ce, fl,
        target="≤ 3×" if largest else "— (≤ 3× at 1M)",
        ratio_target=3.0 if largest else None,
        notes_="the floor parses the file with libcsv and does nothing else",
        cmds=[cmd_ceh, "%s %s" % (CSVFLOOR, csv)])
    add("import again (all duplicates) vs the first import", size, again, ce,
        target="≤ 0.5×", ratio_target=0.5,
        notes_="the same file a second time into the store the first "
        "import made (every row a duplicate); peak RSS %s" % rss_mb(again),
        cmds=["ceh import %s   (again, after the first)" % csv, cmd_ceh])
    if with_index:
        guard("import: with vs without the index", bench_import_index, n, csv)
    if with_xlsx:
        guard(".xlsx import", bench_import_xlsx, n, csv, ce)
    os.unlink(csv)


def bench_import_index(n, csv):
    """Issue 16: the import costs under 10 % more with the index (its
    store's index/ removed for the reference).  The two alternate, a
    pair a run, so that a drift of the machine or of the file system
    between two series is not taken for the index's cost."""
    withs, withouts = [], []
    for i in range(RUNS):
        for drop, runs in ((False, withs), (True, withouts)):
            env = new_store(import_dir("imp-i-store"))
            if drop:
                shutil.rmtree(os.path.join(env["CEH_STORE"], "index"))
            runs.append(run([CEH, "import", csv], env=env, ok=(0, 1)))
        if withs[-1][0] > BUDGET:
            break
    add("import: with vs without the index", "%s rows" % human(n),
        runs_m(withs), runs_m(withouts), target="< 1.10×",
        ratio_target=1.10,
        notes_="a fresh store each run, the two alternating; without: "
        "its index/ removed before the import",
        cmds=["ceh import %s" % csv, "the same, index/ removed"])


def bench_import_xlsx(n, csv, cs):
    """Issue 15: the same rows as .xlsx against CSV; within 3x, memory
    bounded (the sheet is streamed)."""
    xlsx = os.path.join(WORK, "records-%d.xlsx" % n)
    t0 = time.perf_counter()
    csv_to_xlsx(csv, xlsx)
    log("wrote %d rows as .xlsx in %.1f s" % (n, time.perf_counter() - t0))
    store = "imp-x-store"
    xs, _ = import_runs(xlsx, store)
    add(".xlsx import vs CSV import", "%s rows" % human(n), xs, cs,
        target="≤ 3×", ratio_target=3.0,
        notes_="%.0f rows/s (CSV %.0f); peak RSS .xlsx %s, CSV %s; .xlsx "
        "file %.1f MB" % (n / xs.wall, n / cs.wall, rss_mb(xs), rss_mb(cs),
                          os.path.getsize(xlsx) / 1e6),
        cmds=["ceh import %s   (a fresh store each run)" % xlsx,
              "ceh import %s   (the same rows as CSV; the import row)" % csv])
    os.unlink(xlsx)


# ---------------------------------------------------------------- stores

def build_store(name, apps, queue, review, where, people=None, signed=False,
                cache=False):
    path = os.path.join(where, name)
    info = os.path.join(where, name + ".info")
    # a cache of verified documents of its own, never the user's
    env = dict(ENV, CEH_STORE=path,
               XDG_CACHE_HOME=os.path.join(WORK, "cache-" + name))
    # 200 employers; fewer in the tiny stores of a smoke run (each unit's
    # certificate in a signed store costs a verification of trust.log)
    nemp = 200 if apps >= 2000 else max(2, apps // 10)
    argv = [GENSTORE, "-n", str(apps), "-q", str(queue), "-r", str(review),
            "-e", str(nemp), "-j", str(JOBS)] + \
        (["-p", str(people)] if people else []) + \
        (["-s"] if signed else []) + (["-C"] if cache else []) + [path, info]
    t0 = time.perf_counter()
    run(argv, env=env)
    t1 = time.perf_counter()
    if where == WORK:
        subprocess.run(["sync"])   # so later fsyncs do not pay for it
    t2 = time.perf_counter()
    d = {}
    with open(info) as f:
        for line in f:
            k, v = line.strip().split("=", 1)
            d[k] = v
    d["path"] = path
    d["EMPLOYERS"] = str(nemp)
    d["ids"] = info + ".review-ids"
    d["env"] = env
    d["next"] = 0
    d["signed"] = signed
    notes.append("Store %s: %s applications over %s people on %s, %s, "
                 "built by `%s` in %.1f s (+ %.1f s sync)." %
                 (name, d["APPS"], d["PEOPLE"], fstype(where),
                  "signed (every decision signed and chained)" if signed
                  else "unsigned (ceh init --unsigned)",
                  " ".join(argv), t1 - t0, t2 - t1))
    log(notes[-1])
    return d


def fstype(path):
    p = subprocess.run(["df", "-T", path], capture_output=True, text=True)
    f = p.stdout.splitlines()[-1].split()
    return "%s (%s)" % (f[-1], f[1])


BACKGROUND = []     # removals running beside the tmpfs rows


def drop_store(d, background=False):
    """Remove a store.  background: the review stores, on the disk of
    BENCH_DIR (mounted with discard, a removal costs 1-2 ms per inode),
    are removed while the rows of the tmpfs stores run, which neither
    write nor sync that disk."""
    argv = ["rm", "-rf", d["path"], d["path"] + ".info", d["ids"],
            d["path"] + ".agency.key", d["env"]["XDG_CACHE_HOME"]]
    if background:
        if shutil.which("ionice"):
            argv = ["ionice", "-c", "3"] + argv
        BACKGROUND.append((d["path"], time.perf_counter(),
                           subprocess.Popen(["nice", "-n", "19"] + argv)))
        return
    t0 = time.perf_counter()
    subprocess.run(argv)
    log("removed %s in %.1f s" % (d["path"], time.perf_counter() - t0))


def wait_background():
    for path, t0, p in BACKGROUND:
        t1 = time.perf_counter()
        done = p.poll() is not None
        p.wait()
        log("removed %s in the background (%s)" % (
            path, "done before the end" if done else
            "waited %.1f s for it at the end" % (time.perf_counter() - t1)))
    del BACKGROUND[:]


def tag(d):
    return ", signed store" if d["signed"] else ""


# ---------------------------------------------------------------- review

def floor_of(batch):
    floor_dir = os.path.join(WORK, "floor")

    def prep_floor(i):
        shutil.rmtree(floor_dir, ignore_errors=True)
        os.mkdir(floor_dir)
    fl = measure([DURABLE, floor_dir, str(batch)], RUNS, prep=prep_floor)
    shutil.rmtree(floor_dir, ignore_errors=True)
    return fl


def review_series(d, batch):
    """RUNS batch reviews of the next ids of d; M of them."""
    with open(d["ids"]) as f:
        ids = [l.strip() for l in f if l.strip()]
    argv = [CEH, "review", "--as", d["REVIEW_UNIT"], "--approve", "-"]
    if d["signed"]:
        argv[4:4] = ["--key", d["AGENCY_KEY"]]
    res = []
    for i in range(RUNS):
        chunk = ids[d["next"]:d["next"] + batch]
        d["next"] += batch
        if len(chunk) < batch:
            raise RuntimeError("not enough applications in review")
        path = os.path.join(WORK, "batch-%d.txt" % i)
        with open(path, "w") as f:
            f.write("\n".join(chunk) + "\n")
        res.append(run(argv, stdin=path, env=d["env"]))
        p = subprocess.run([CEH, "show", chunk[-1], "--format", "yaml"],
                           capture_output=True, env=d["env"])
        if b"stage: approved" not in p.stdout:
            raise RuntimeError("review did not approve %s" % chunk[-1])
    return M(statistics.median(x[0] for x in res),
             statistics.median(x[1] for x in res), max(x[2] for x in res))


def review_cmd(d, batch):
    return "CEH_STORE=%s ceh review --as %s%s --approve - < BATCH   (%s ids, " \
        "a new batch each run)" % (d["path"], d["REVIEW_UNIT"],
                                    " --key %s" % d["AGENCY_KEY"]
                                    if d["signed"] else "", human(batch))


def bench_review(batches):
    """Issues 16, 19, 13: batch review against the durable-rename floor
    (≤ 1.0×) with the summary index, in an unsigned and a signed store;
    the index's cost (with vs without, < 1.05×); signed vs unsigned
    (≤ 1.2×) and the signing cost per decision (< 0.1 ms)."""
    total = sum(batches) * RUNS
    # the review stores are on the disk of BENCH_DIR: they fsync.  The
    # unsigned one serves two series (with and without the index)
    n = 2 * total + total // 5 + 20
    d = build_store("review-store", n, 10, 2 * total, WORK, n // 2)
    floors, unsigned = {}, {}
    du = d
    try:
        for b in batches:
            floors[b] = floor_of(b)
            ce = review_series(d, b)
            unsigned[b] = ce
            add("review --approve - (batch) vs durable-rename floor",
                "%s apps" % human(b), ce, floors[b], target="≤ 1.0×",
                ratio_target=1.0,
                notes_="unsigned store, with the summary index; ceh %.0f "
                "apps/s, floor %.3f ms per rename; peak RSS %s" % (
                    b / ce.wall, floors[b].wall / b * 1000, rss_mb(ce)),
                cmds=[review_cmd(d, b), "%s DIR %d" % (DURABLE, b)])
        shutil.rmtree(os.path.join(d["path"], "index"))
        for b in batches:
            without = review_series(d, b)
            add("review batch: with vs without the index",
                "%s apps" % human(b), unsigned[b], without, target="< 1.05×",
                ratio_target=1.05,
                notes_="the same unsigned store, index/ removed for the "
                "second series",
                cmds=[review_cmd(d, b), "the same after rm -r %s/index" %
                      d["path"]])
        # the same composition as the unsigned store (people, approved
        # documents per person, applications in review), so that "signed
        # vs unsigned" compares like with like
        d = None
        d = build_store("review-store-signed", n, 10, 2 * total, WORK,
                        n // 2, signed=True)
        for b in batches:
            fl = floor_of(b)
            ce = review_series(d, b)
            add("review --approve - (batch) vs durable-rename floor, "
                "signed store", "%s apps" % human(b), ce, fl,
                target="≤ 1.0×", ratio_target=1.0,
                notes_="every decision signed with the agency's key, with "
                "the summary index; ceh %.0f apps/s; peak RSS %s" % (
                    b / ce.wall, rss_mb(ce)),
                cmds=[review_cmd(d, b), "%s DIR %d" % (DURABLE, b)])
            add("review batch: signed vs unsigned store", "%s apps" %
                human(b), ce, unsigned[b], target="≤ 1.2×", ratio_target=1.2,
                notes_="reference: the unsigned store's batch of the same "
                "size (with the index)",
                cmds=[review_cmd(d, b), "the unsigned row's command"])
        if d.get("SIGNED"):
            per = int(d["SIGN_NS"]) / 1e9 / int(d["SIGNED"])
            b = batches[-1]
            add("signing, per decision (chain_sign)", "%s events" %
                human(int(d["SIGNED"])), M(per, per),
                M(unsigned[b].wall / b, unsigned[b].cpu / b),
                target="< 0.1 ms", limit=0.0001,
                notes_="CPU time of chain_sign (canonical texts, hashes, "
                "Ed25519) over the signed events genstore -s made; "
                "reference: one decision of the unsigned %s batch" %
                human(b), cmds=["genstore -s ... (SIGN_NS / SIGNED in its "
                                "INFO)"])
    finally:
        drop_store(du, True)
        if d and d is not du:
            drop_store(d, True)


# ---------------------------------------------------------------- read-only stores

def bench_find(d):
    cmd = "find %s -name '*.yaml' -exec cat {} + >/dev/null" % d["path"]
    m = measure(sh(cmd), SLOW_RUNS)
    m.cmd = cmd
    return m


def bench_queue(d, size, ref, unsigned):
    out = os.path.join(WORK, "queue.tsv")
    argv = [CEH, "list", "--at", d["QUEUE_UNIT"], "--format", "tsv"]
    ce = measure(argv, RUNS, stdout=out, env=d["env"], cap=CAP)
    with open(out, encoding="utf-8") as f:
        got = sum(1 for _ in f) - 1
    add("list --at UNIT (a unit's queue)" + tag(d), "%s apps" % size, ce,
        unsigned or ref, target="< 50 ms", limit=0.050,
        notes_="queue of %s; listed %d%s; peak RSS %s; reference: %s" % (
            d["QUEUE"], got, "" if got == int(d["QUEUE"]) else
            " (WRONG COUNT)", rss_mb(ce), "the unsigned store's"
            if unsigned else "find -exec cat of the store"),
        cmds=["CEH_STORE=%s ceh list --at %s --format tsv" % (
            d["path"], d["QUEUE_UNIT"]),
            "the unsigned row's command" if unsigned else ref.cmd])
    os.unlink(out)
    return ce


def bench_list_all(d, size, ref):
    out = os.path.join(WORK, "all.tsv")
    ce = measure([CEH, "list", "--format", "tsv"], SLOW_RUNS, stdout=out,
                 env=d["env"], cap=CAP)
    with open(out, encoding="utf-8") as f:
        got = sum(1 for _ in f) - 1
    add("list (whole store, tsv) vs find -exec cat" + tag(d),
        "%s apps" % size, ce, ref, target="≤ 1.5×", ratio_target=1.5,
        notes_="listed %d of %s%s; %.0f apps/s; peak RSS %s%s" % (
            got, d["APPS"], "" if got == int(d["APPS"]) else
            " (WRONG COUNT)", got / ce.wall, rss_mb(ce),
            "; from the summary index, each row vouched for by the "
            "user's listing cache (genstore -C wrote it, as a fsck leaves "
            "it)" if d["signed"] else ""),
        cmds=["CEH_STORE=%s ceh list --format tsv" % d["path"], ref.cmd])
    os.unlink(out)
    return ce


REPORTS = [
    ("stats (whole store)", lambda d: ["stats", "--by", "unit,stage"], 1.0,
     "< 1 s"),
    ("stats --unit EMPLOYER", lambda d: ["stats", "--unit", d["QUEUE_UNIT"],
                                         "--by", "year"], 0.050, "< 50 ms"),
    # SUP_UNIT: one supervising department of genstore's (the median by
    # size: 5 of the 199 employers at 20 departments), its subtree
    ("shortfall --unit SUP --subtree", lambda d: [
        "shortfall", "--unit", d["SUP_UNIT"], "--subtree", "--year", "2024",
        "--format", "tsv"], 0.200, "< 200 ms"),
    # information, no target: the same report of every person
    ("shortfall (whole store)", lambda d: [
        "shortfall", "--year", "2024", "--format", "tsv"], None, "—"),
]


def report_note(op, d):
    """What a report row's scope is."""
    if op.startswith("shortfall --unit SUP"):
        return "; SUP_UNIT: a supervising department, %s of the %s " \
            "employers (the median of genstore's %s departments)" % (
                d.get("SUP_EMPLOYERS", "?"), d.get("EMPLOYERS", "?"),
                d.get("DEPTS", "?"))
    if op == "shortfall (whole store)":
        return "; no target: the whole-store figure, for comparison " \
            "with the department's"
    return ""


def bench_reports(d, size, ref, unsigned):
    """Issue 16: stats and shortfall through the summary index; absolute
    targets.  Reference: the store's find -exec cat (unsigned) or the
    unsigned store's figure (signed).  Small stores also check the output
    against the same report from the documents (CEH_INDEX=off)."""
    # the clock pinned, so that open stints count the same in each run
    env = dict(d["env"], CEH_NOW="1764000000")
    out = os.path.join(WORK, "report.out")
    res = {}
    for op, args_fn, limit, target in REPORTS:
        args = args_fn(d)
        # an absolute target: 30 s is far enough past it
        ce = measure([CEH] + args, RUNS, env=env, stdout=out,
                     cap=CAP and (CAP if limit is None else
                                  min(CAP, max(30.0, 30 * limit))))
        res[op] = ce
        check = listed = ""
        if op.startswith("shortfall") and not ce.capped:
            with open(out, "rb") as f:
                listed = "; %d person-years listed" % (
                    sum(1 for _ in f) - 1)
        if int(d["APPS"]) <= 10000:
            with open(out, "rb") as f:
                got = f.read()
            run([CEH] + args, env=dict(env, CEH_INDEX="off"), stdout=out)
            with open(out, "rb") as f:
                check = "; output %s the documents' (CEH_INDEX=off)" % (
                    "identical to" if f.read() == got else "DIFFERENT FROM")
        add(op + tag(d), "%s apps" % size, ce,
            unsigned[op] if unsigned else ref, target=target, limit=limit,
            notes_="peak RSS %s%s; reference: %s%s%s" % (
                rss_mb(ce), listed, "the unsigned store's (same size)"
                if unsigned else "find -exec cat of the store", check,
                report_note(op, d)),
            cmds=["CEH_STORE=%s CEH_NOW=1764000000 ceh %s" % (
                d["path"], " ".join(args)),
                "the unsigned row's command" if unsigned else ref.cmd])
    os.unlink(out)
    return res


def slip_argv(d, fmt):
    argv = [CEH, "print-slip", "--format", fmt, "--id", d["SLIP_ID"],
            "--from", "2021", "--to", "2025"]
    if d["signed"]:
        argv += ["--key", d["AGENCY_KEY"]]
    if fmt == "pdf":
        argv += ["-o", os.path.join(WORK, "slip.pdf"), "--force"]
    return argv


def bench_slip(d, size):
    show = [CEH, "show", d["SLIP_APP"]]
    rf = measure(show, 5, env=d["env"])
    for fmt in ("text", "pdf"):
        argv = slip_argv(d, fmt)
        ce = measure(argv, 5, env=d["env"],
                     stdout=os.path.join(WORK, "slip.out"))
        add("print-slip (%s), one person%s" % (fmt, tag(d)), "%s apps" % size,
            ce, rf, target="< 20 ms", limit=0.020,
            notes_="reference: `ceh show` of one of the person's "
            "applications%s" % ("; the slip signed with the agency's key"
                                if d["signed"] else ""),
            cmds=["CEH_STORE=%s %s" % (d["path"], " ".join(["ceh"] + argv[1:])),
                  "CEH_STORE=%s ceh show %s" % (d["path"], d["SLIP_APP"])])


def bench_fsck(d, size, ref, unsigned):
    """Issues 19 and 13: fsck within 2× find -exec cat, signatures
    included; a signed store's fsck --no-cache within 2× the unsigned
    store's, and fsck as a user runs it (the verification cache warm)."""
    # a cap under 2.2x the reference would leave the 2x target unjudged
    # (the 1M rows passed 60 s at about 1.9x): such a run is let go on
    cap = CAP and max(CAP, 2.2 * ref.wall)
    ce = measure([CEH, "fsck", "--no-cache"], SLOW_RUNS, env=d["env"],
                 cap=cap)
    apps = int(d["APPS"])
    base = "%.0f apps/s; peak RSS %s" % (apps / ce.wall, rss_mb(ce))
    add("fsck --no-cache vs find -exec cat" + tag(d), "%s apps" % size, ce,
        ref, target="≤ 2×", ratio_target=2.0,
        notes_=base + ("; every chain, signature and workflow verified (the "
                       "signatures in worker threads, one per CPU but the "
                       "first)" if d["signed"] else ""),
        cmds=["CEH_STORE=%s ceh fsck --no-cache" % d["path"], ref.cmd])
    if not d["signed"]:
        return ce
    if unsigned:
        add("fsck --no-cache: signed vs unsigned store", "%s apps" % size, ce,
            unsigned, target="≤ 2×", ratio_target=2.0,
            notes_="reference: fsck --no-cache of the unsigned store of the "
            "same size",
            cmds=["CEH_STORE=%s ceh fsck --no-cache" % d["path"],
                  "the unsigned row's command"])
    cw = measure([CEH, "fsck"], SLOW_RUNS, env=d["env"], cap=cap)
    add("fsck (verification cache warm) vs find -exec cat" + tag(d),
        "%s apps" % size, cw, ref, target="≤ 2×", ratio_target=2.0,
        notes_="fsck as a user runs it: the user's verification cache "
        "(ceh-trust(7)) holds every document, as one fsck leaves it "
        "(genstore -C wrote it: one cold fsck of a million documents would "
        "cost as much as the --no-cache row); %.0f apps/s; peak RSS %s" % (
            apps / cw.wall, rss_mb(cw)),
        cmds=["CEH_STORE=%s ceh fsck" % d["path"], ref.cmd])
    return ce


def bench_readonly(apps, where):
    """The rows of one size on an unsigned and then a signed store."""
    queue = min(1000, max(apps // 10, 1))
    size = human(apps)
    unsigned = {}
    for signed in (False, True):
        d = guard("store", build_store, "store-%s%s" % (
            size, "-signed" if signed else ""), apps, queue,
            min(apps // 10, 10000), where, people_for(apps), signed, True)
        if not d:
            continue
        try:
            ref = guard("find -exec cat", bench_find, d)
            if ref is None:
                continue
            u = unsigned if signed else None
            if wanted("list"):
                q = guard("list --at", bench_queue, d, size, ref,
                          u and u.get("queue"))
                if not signed:
                    unsigned["queue"] = q
                guard("list", bench_list_all, d, size, ref)
            if wanted("reports"):
                r = guard("reports", bench_reports, d, size, ref,
                          u and u.get("reports"))
                if not signed:
                    unsigned["reports"] = r
            if wanted("slip") and apps == BIG:
                guard("print-slip", bench_slip, d, size)
            if wanted("fsck"):
                f = guard("fsck", bench_fsck, d, size, ref,
                          u and u.get("fsck"))
                if not signed:
                    unsigned["fsck"] = f
        finally:
            drop_store(d)


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
    head = ["| operation | size | ceh wall | ceh CPU | reference wall | "
            "reference CPU | ratio (wall) | ratio (CPU) | target | met? | notes |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        head.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["op"], r["size"], r["ceh"], r["cpu"], r["ref"], r["refcpu"],
            r["ratio"], r["cratio"], r["target"], r["met"], r["notes"]))
    table = "\n".join(head)
    lines = ["# ceh benchmark results", "",
             "- date: %s UTC (%.0f s)" % (started.strftime("%Y-%m-%d %H:%M"),
                                          time.time() - started.timestamp()),
             "- machine: %s" % mach,
             "- load average at start %s, at end %s%s" % (
                 " ".join(load0), " ".join(load1),
                 " (other work was running: figures taken under load; "
                 "judge by the CPU columns)"
                 if max(float(load0[0]), float(load1[0])) > 0.5 else ""),
             "- ceh: %s (%s)" % (CEH, commit),
             "- BENCH_SCALE=%g, medians of %d runs (%d for the whole-store "
             "find and fsck rows; a run over %g s is not repeated; %s)" % (
                 SCALE, RUNS, SLOW_RUNS, BUDGET,
                 "a run of the read-only stores' rows is stopped at %g s "
                 "(BENCH_CAP): \"> \" marks a lower bound" % CAP if CAP
                 else "no run is stopped (BENCH_CAP=0)"),
             "- wall = elapsed time; CPU = user + sys time of the process "
             "(start-up rows: perf task-clock); ratio = ceh / reference; "
             "\"met?\" judges the wall figure, \"(CPU yes)\" where the CPU "
             "figure would meet it; page cache warm (the reference runs "
             "first)",
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


def tmpfs_free():
    try:
        st = os.statvfs(os.environ.get("BENCH_MEMDIR", "/dev/shm"))
        return st.f_bavail * st.f_frsize / 1e9, st.f_favail
    except OSError:
        return 0.0, 0


def memdir(apps, made=None):
    """A scratch directory on tmpfs (BENCH_MEMDIR, default /dev/shm) if it
    has room (bytes and inodes) for a store of apps applications, else
    None; made: the one made before, if any (empty: one store is there
    at a time)."""
    if not mem_fits(apps):
        return None
    return made or tempfile.mkdtemp(prefix="ceh-bench.", dir=os.environ.get(
        "BENCH_MEMDIR", "/dev/shm"))


def mem_fits(apps):
    base = os.environ.get("BENCH_MEMDIR", "/dev/shm")
    if base == "none" or not os.path.isdir(base):
        return False
    st = os.statvfs(base)
    # a document takes a page (4 KB) on tmpfs, signed or not
    return not (st.f_bavail * st.f_frsize < apps * 8192 or
                (st.f_files and st.f_favail < inodes_for(apps) * 1.1))


def guard(what, fn, *args):
    """Run one benchmark; a failure is reported as a row, not a crash."""
    try:
        return fn(*args)
    except Exception as ex:  # noqa: BLE001 - report anything
        failures.append("%s: %s" % (what, ex))
        log("FAILED %s: %s" % (what, ex))
        rows.append(dict(op=what, size="", ceh="error", cpu="", ref="",
                         refcpu="", ratio="", cratio="", target="",
                         met="**error**",
                         notes=str(ex).replace("|", "/").replace("\n", " ")[:300],
                         cmds=[]))
        return None


BIG = None


def main():
    global WORK, BIG
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
    notes.append("sqlite3's reference import runs with journal_mode=OFF and "
                 "its default synchronous=FULL: the database is synced at "
                 "the end, but a crash during the import can leave it "
                 "corrupt (no journal), and .import reports no bad rows. "
                 "ceh's import is all-or-nothing per file (a crash leaves "
                 "the store as before), durable when it returns, "
                 "exactly-once (duplicates are recognised), and reports "
                 "every rejected row.")
    mem = None
    if any(wanted(g) for g in ("list", "reports", "fsck", "slip")) and \
            not mem_fits(scaled(1000000, 1000)):
        log("WARNING: %s has no room for the largest store (%.1f GB, %d "
            "inodes free, %d needed): it will be on %s, and its removal "
            "can take an hour" % (os.environ.get("BENCH_MEMDIR", "/dev/shm"),
                                  *tmpfs_free(),
                                  inodes_for(scaled(1000000, 1000)), WORK))
    try:
        if wanted("startup"):
            guard("start-up", bench_startup)
        sizes = [scaled(10000, 100), scaled(100000, 200),
                 scaled(1000000, 1000)]
        if wanted("import") or wanted("xlsx"):
            for n in sizes if wanted("import") else sizes[-1:]:
                guard("import", bench_import, n, n == sizes[-1],
                      n == sizes[1] and wanted("import"), n == sizes[-1])
        if wanted("review"):
            guard("review", bench_review, [scaled(1000, 10),
                                           scaled(10000, 20)])
        small = scaled(100000, 200)
        BIG = scaled(1000000, 1000)
        if any(wanted(g) for g in ("list", "reports", "fsck", "slip")):
            # read-only stores on tmpfs when it has room (deleting a
            # million small files from a disk takes far longer than the
            # benchmark), one at a time
            for apps in (small, BIG):
                if apps == small and not any(
                        wanted(g) for g in ("list", "reports", "fsck")):
                    continue
                where = memdir(apps, mem)
                mem = mem or where
                if where is None:
                    log("WARNING: %s has no room for a store of %d "
                        "applications (%.1f GB, %d inodes free); it goes "
                        "to %s, whose removal can take very long" % (
                            os.environ.get("BENCH_MEMDIR", "/dev/shm"), apps,
                            *tmpfs_free(), WORK))
                    notes.append("The %d-application stores were on %s: "
                                 "tmpfs had no room." % (apps, WORK))
                bench_readonly(apps, where or WORK)
    finally:
        wait_background()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(WORK, ignore_errors=True)
            for d in IMPORT_BASES:
                shutil.rmtree(d, ignore_errors=True)
            if mem:
                shutil.rmtree(mem, ignore_errors=True)
    report(started, load0, mach, commit)
    if failures:
        log("%d benchmark(s) failed" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
