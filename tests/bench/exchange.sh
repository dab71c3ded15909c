#!/bin/sh
# tests/bench/exchange.sh - the cost of an exchange (issue 14): send and
# receive a bundle of the applications changed since the last exchange,
# against a store of APPS applications, and the same change done by hand
# with git (git bundle create of the same commits, git fetch of it).
#
#   CEH_BIN=./ceh BENCH_BUILD=build/bench BENCH_SCALE=0.02 sh tests/bench/exchange.sh
#
# BENCH_SCALE 1: 100,000 applications, 10,000 changed (the review batch of
# genstore); 0.02: 2,000 and 200.  BENCH_CHANGED=N changes only N of them
# (the same change against stores of other sizes: an incremental send
# costs the change, not the store; send --full walks the store, as every
# send did before the cursor).  Prints one Markdown row per step.
set -eu
: "${CEH_BIN:?CEH_BIN must name the ceh binary}"
: "${BENCH_BUILD:?BENCH_BUILD must name the directory of genstore}"
: "${BENCH_SCALE:=0.02}"
root=$(cd "$(dirname "$0")/../.." && pwd)
export CEH_DATADIR="${CEH_DATADIR:-$root/data}" CEH_USER=bench LC_ALL=C.UTF-8
d=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/ceh-bench-exchange.XXXXXX")
trap 'rm -rf "$d"' EXIT
export XDG_CONFIG_HOME=$d/keys
apps=$(python3 -c "print(max(200, int(100000 * $BENCH_SCALE)))")
review=$(python3 -c "print(max(20, int(10000 * $BENCH_SCALE)))")
ceh() { "$CEH_BIN" "$@"; }
secs() { python3 -c 'import sys,time,subprocess; t=time.monotonic(); r=subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print("%.3f" % (time.monotonic()-t)) if r.returncode in (0,) else sys.exit("failed: %s" % " ".join(sys.argv[1:]))' "$@"; }

"$BENCH_BUILD/genstore" -n "$apps" -r "$review" "$d/S" "$d/info" >/dev/null
. "$d/info"
AG=$REVIEW_UNIT
ceh key generate --unit $AG >/dev/null
ceh key show --unit $AG > "$d/agency.pub"
ceh --store "$d/S" migrate --as $AG --public-key "$(head -1 "$d/agency.pub")" >/dev/null
ceh --store "$d/S" site init hr >/dev/null
ceh --store "$d/R" init --site hr2 --trust "$d/agency.pub" >/dev/null
# the receiver R: the site of the supervising unit above QUEUE_UNIT
SUP=$(awk -v q="$QUEUE_UNIT" '$0 ~ "code: \""q"\"" { f = 1 } f && /parent:/ { gsub(/[" ]|parent:/, ""); print; exit }' "$d/S/units.yaml")
# the first exchange, both ways, so the next one is incremental
ceh --store "$d/S" send --to $SUP -o "$d/0.bundle" 2>/dev/null
ceh --store "$d/R" receive "$d/0.bundle" >/dev/null 2>&1 || true
ceh --store "$d/R" send --to $QUEUE_UNIT -o "$d/r0.bundle" 2>/dev/null
ceh --store "$d/S" receive "$d/r0.bundle" >/dev/null 2>&1
# the change: the employer QUEUE_UNIT forwards its queue to the agency,
# with its own certified key
ceh key generate --unit $QUEUE_UNIT >/dev/null
ceh --store "$d/S" unit certify $QUEUE_UNIT --as $AG --public-key "$(ceh key show --unit $QUEUE_UNIT | head -1)" >/dev/null
ceh --store "$d/S" list --at $QUEUE_UNIT --format tsv | tail -n +2 | cut -f1 |
	head -n "${BENCH_CHANGED:-1000000000}" > "$d/ids"
n=$(wc -l < "$d/ids")
ceh --store "$d/S" review --as $QUEUE_UNIT --approve - < "$d/ids" >/dev/null
cp -a "$d/R" "$d/R2"
t_send=$(secs "$CEH_BIN" --store "$d/S" send --to $SUP -o "$d/1.bundle")
t_recv=$(secs "$CEH_BIN" --store "$d/R" receive "$d/1.bundle")
# by hand: the same commits bundled and fetched with git alone
acked=$(GIT_DIR="$d/S/site" git rev-parse refs/acked/$SUP)
t_gb=$(secs env GIT_DIR="$d/S/site" git bundle create "$d/h.bundle" refs/heads/to/$SUP "^$acked")
t_gf=$(secs env GIT_DIR="$d/R2/site" git fetch -q "$d/h.bundle" "refs/heads/to/$SUP:refs/x")
t_full=$(secs "$CEH_BIN" --store "$d/S" send --to $SUP --full -o "$d/full.bundle")
size=$(stat -c %s "$d/1.bundle")
echo "| operation | store | changed | ceh | git by hand | ratio |"
echo "|---|---|---|---|---|---|"
python3 - "$apps" "$n" "$t_send" "$t_gb" "$t_recv" "$t_gf" "$size" "$t_full" <<'PY'
import sys
apps, n, ts, tg, tr, tf, size, tfull = sys.argv[1:]
print("| send --full (for comparison) | %s apps | all | %ss | | |" % (apps, tfull))
print("| send (incremental bundle, %s bytes) | %s apps | %s | %ss | %ss (git bundle create) | %.1fx |" % (size, apps, n, ts, tg, float(ts) / max(float(tg), 1e-3)))
print("| receive (verify + merge) | %s apps | %s | %ss | %ss (git fetch) | %.1fx |" % (apps, n, tr, tf, float(tr) / max(float(tf), 1e-3)))
PY
