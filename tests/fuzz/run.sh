#!/bin/sh
# tests/fuzz/run.sh BUILD SECONDS [TARGET...] - run each libFuzzer target
# for SECONDS seconds (`make fuzz FUZZ_SECONDS=N [FUZZ_TARGETS="a b"]`).
#
# Each target starts from its seeds (tests/fuzz/corpus/NAME) and a working
# corpus kept in BUILD/corpus/NAME between runs; a crash is written to
# BUILD/crashes/NAME/ and makes this script fail.  Copy the crash file to
# tests/fuzz/crashes/NAME/ (it is then replayed by `make check`) and fix
# the bug.  The last line per target is libFuzzer's final statistics.
set -u
b=${1:?build dir}; secs=${2:?seconds}; shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
if [ $# = 0 ]; then
	set -- $(ls tests/fuzz/*.c | sed -e '/replay\.c$/d' \
	    -e 's|tests/fuzz/\(.*\)\.c|\1|')
fi
export CEH_DATADIR="$root/data"
fail=0
for t in "$@"; do
	bin=$b/fuzz/$t.fuzz
	[ -x "$bin" ] || { echo "fuzz: no $bin" >&2; fail=1; continue; }
	mkdir -p "$b/corpus/$t" "$b/crashes/$t"
	dict=
	[ -f "tests/fuzz/$t.dict" ] && dict=-dict=tests/fuzz/$t.dict
	log=$b/fuzz-$t.log
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
	    -rss_limit_mb=2048 -max_len=65536 -len_control=200 \
	    -artifact_prefix="$b/crashes/$t/" $dict \
	    "$b/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 |
	    sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/cov: \1 ft: \2/p')
	echo "fuzz $t: ${secs}s, ${runs:-?} runs, ${cov:-cov: ?}, exit $rc"
	if [ "$rc" != 0 ]; then
		fail=1
		grep -E 'ERROR|property failed|SUMMARY' "$log" | head -5
		ls "$b/crashes/$t"
	fi
done
exit $fail
