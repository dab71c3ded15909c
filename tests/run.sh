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
# $? of the pipeline is tee's: prove's verdict is its last line
if grep -q '^Result: PASS' "$out"; then rc=0; else rc=1; fi
# Count from prove's output: passed = test points that ran and passed;
# failed = test points that failed, planned tests that never ran, and one
# for each file that died (a signal, a non-zero exit, no plan) without a
# failed test point to show for it.
set -- $(awk '
/^Files=[0-9]+, Tests=[0-9]+,/ { sub(/^Files=[0-9]+, Tests=/, ""); sub(/,.*/, ""); total = $0 + 0 }
/^Test Summary Report/ { summary = 1 }
summary && /^[^ ].*\(Wstat: / {
	close_file()
	f = $0; sub(/.*Failed: /, "", f); sub(/\).*/, "", f); failed_pts = f + 0
	w = $0; sub(/.*\(Wstat: /, "", w); sub(/[^0-9].*/, "", w); wstat = w + 0
	infile = 1; missing = 0; parse = 0
	next
}
summary && infile && /Parse errors:/ {
	parse = 1
	if (match($0, /You planned [0-9]+ tests but ran [0-9]+/)) {
		split(substr($0, RSTART, RLENGTH), a, " ")
		if (a[3] > a[7]) missing = a[3] - a[7]
	}
}
function close_file() {
	if (!infile) return
	n = failed_pts + missing
	if (n == 0 && (wstat != 0 || parse)) n = 1
	failed += n; failed_points += failed_pts; infile = 0
}
END { close_file(); printf "%d %d\n", total - failed_points, failed }
' "$out")
passed=${1:-0} failed=${2:-0}
[ "$rc" != 0 ] && [ "$failed" = 0 ] && failed=1
[ "$failed" != 0 ] && rc=1
echo "$passed passed, $failed failed"
exit $rc
