#!/bin/sh
# tests/bench/run.sh - run the ceh benchmarks (issue 7); `make bench` calls it.
#
#   CEH_BIN=build/ceh BENCH_BUILD=build/bench sh tests/bench/run.sh
#
# BENCH_SCALE=0.01 for a quick run (CI runs 0.001 only to prove the harness
# works: tests/0700-bench-smoke.t), 1 for the real figures (100,000 and
# 1,000,000 rows/applications; about 20 GB of scratch space and 20 minutes).
# Other knobs (BENCH_RUNS, BENCH_DIR, BENCH_OUT, ...): see bench.py.
# Needs python3 and sqlite3 (the reference for imports).
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
