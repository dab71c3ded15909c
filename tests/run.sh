#!/bin/sh
# Run every test (unit tests and CLI tests) with prove and finish with one
# line "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:?}" "${CEH_BUILD:?}"
export CEH_BIN CEH_BUILD CEH_ROOT="$root"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cd "$root" || exit 1
jobs=${TEST_JOBS:-2}
prove -j"$jobs" ${PROVE_FLAGS:-} tests/*.t 2>&1 | tee "$out"
rc=$?
total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$out" | tail -1)
failed=$(sed -n 's/^.*Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
badfiles=$(grep -c 'Wstat: [1-9]' "$out")
total=${total:-0}
passed=$((total - failed))
[ "$rc" != 0 ] && [ "$failed" = 0 ] && failed=$badfiles
echo "$passed passed, $failed failed"
exit $rc
