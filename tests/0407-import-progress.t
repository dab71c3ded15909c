#!/bin/sh
# ceh import shows progress on stderr when it is a terminal (the rows read
# and the rate, cmd/progress.c; at once here: CEH_PROGRESS_DELAY=0), and
# never when it is not.  tests/1803 checks --quiet and --max-errors.
. "$(dirname "$0")/lib.sh"
if ! command -v script >/dev/null 2>&1; then
	echo "1..0 # SKIP script(1) is not installed"
	exit 0
fi
plan 4
ceh init --unsigned >/dev/null
python3 "$CEH_ROOT/tests/bench/gen-records.py" --rows 70000 --seed 7 -o "$T/r.csv" 2>/dev/null
expect_code 0 "import with stderr a file" ceh import --dry-run "$T/r.csv"
unlike "$T/err" "rows, [0-9]+/s" "no progress when stderr is not a terminal"
# script(1) gives the command a terminal; what it shows comes on stdout
ok "import on a terminal" env CEH_PROGRESS_DELAY=0 script -qec "ceh import --dry-run '$T/r.csv'" /dev/null
like "$T/out" "ceh import: .*r\.csv: [0-9]+ rows, [0-9]+/s" "progress shown on the terminal"
done_testing
