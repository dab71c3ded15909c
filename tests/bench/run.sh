#!/bin/sh
# tests/bench/run.sh - run the ceh benchmarks (issues 7, 13, 16, 19);
# `make bench` calls it.
#
#   CEH_BIN=build/ceh BENCH_BUILD=build/bench sh tests/bench/run.sh
#
# BENCH_SCALE=0.01 for a quick run (CI runs 0.001 only to prove the harness
# works: tests/0700-bench-smoke.t), 1 for the real figures (10,000 to
# 1,000,000 rows, batches of 1,000 and 10,000, stores of 100,000 and
# 1,000,000 applications, unsigned and signed).  Scale 1 needs one store
# at a time on /dev/shm (about 5 GB and 2.6 million free inodes for the
# 1M stores: bench.py warns at the start when there is not) and about
# 2 GB on the disk of BENCH_DIR; see bench.py for its duration.
# Other knobs (BENCH_RUNS, BENCH_DIR, BENCH_OUT, BENCH_CAP, ...): see
# bench.py.  Needs python3 (with openpyxl for the .xlsx row: the Debian
# package python3-openpyxl) and sqlite3 (the reference for imports);
# perf (linux-perf) for the start-up rows, which are skipped without it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${CEH_BIN:?CEH_BIN must name the ceh binary}"
: "${BENCH_BUILD:?BENCH_BUILD must name the directory of genstore, csvfloor and durable_rename}"
for t in genstore csvfloor durable_rename; do
	[ -x "$BENCH_BUILD/$t" ] || { echo "run.sh: $BENCH_BUILD/$t is missing (make bench builds it)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "run.sh: python3 is needed" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "run.sh: sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
CEH_BIN=$(cd "$(dirname "$CEH_BIN")" && pwd)/$(basename "$CEH_BIN")
BENCH_BUILD=$(cd "$BENCH_BUILD" && pwd)
export CEH_BIN BENCH_BUILD
exec python3 "$here/bench.py"
