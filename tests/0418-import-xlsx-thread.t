#!/bin/sh
# ceh import of a long .xlsx (openpyxl, 5,000 rows, faults injected): the
# sheet read ahead in a reader thread (lib/sheetpipe.c, after the first
# 1,000 rows; CEH_SHEET_THREAD=1 forces it on any machine) gives the
# same verdicts at the same rows, the same rejects file and the same
# store as the rows read in one thread (CEH_SHEET_THREAD=0), and the
# same as the CSV the sheet was made from.
. "$(dirname "$0")/lib.sh"
plan 15
GEN="$CEH_ROOT/tests/bench/gen-records.py"
PY=/usr/bin/python3

"$PY" "$GEN" --rows 5000 --seed 11 --bad-rate 0.05 \
    --faults checksum,name,hours,subject --fault-log "$T/faults.txt" \
    -o "$T/r.csv"
"$PY" - "$T/r.csv" "$T/r.xlsx" <<'PY'
import csv, sys
import openpyxl
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("学时记录")
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f):
        ws.append(row)
wb.save(sys.argv[2])
PY
nf=$(wc -l < "$T/faults.txt")
ok "faults injected past the first 1,000 rows" \
    test "$(awk '$1 > 1100' "$T/faults.txt" | wc -l)" -gt 100

# verdicts: the line of each rejected row, and the summary
verdicts() { sed -n 's/^ceh import: .*r\.xlsx//p' "$T/err"; }
for t in 0 1; do
	export CEH_STORE="$T/store-$t" CEH_SHEET_THREAD=$t
	ceh init --unsigned >/dev/null
	expect_code 1 "CEH_SHEET_THREAD=$t: import, faulty rows rejected" \
	    env CEH_NOW=1796000000 ceh import --rejects "$T/rej-$t.csv" "$T/r.xlsx"
	verdicts > "$T/v-$t"
	like "$T/err" "read 5000, imported $((5000 - nf)), duplicates 0, conflicts 0, rejected $nf\$" \
	    "CEH_SHEET_THREAD=$t: summary"
	store_digest | grep -v '^./secret ' > "$T/d-$t"
done
unset CEH_SHEET_THREAD
same "$T/v-0" "$T/v-1" "the same verdicts, in the same order, at the same rows"
same "$T/rej-0.csv" "$T/rej-1.csv" "the same rejects file"
same "$T/d-0" "$T/d-1" "the same store"
sed -n 's/^:\([0-9]*\): .*/\1/p' "$T/v-1" > "$T/lines"
awk '{ print $1 + 1 }' "$T/faults.txt" | sort -n > "$T/want"
same "$T/lines" "$T/want" "exactly the faulty rows are rejected, at their rows"

# the CSV it was made from: the same records
export CEH_STORE="$T/store-csv"
ceh init --unsigned >/dev/null
expect_code 1 "the CSV import" env CEH_NOW=1796000000 ceh import "$T/r.csv"
like "$T/err" "rejected $nf\$" "the CSV rejects as many rows"
# (each record names its source, file:row)
recs() { cat "$1"/records/*.tsv | sed 's/r\.[a-z]*:\([0-9]*\)$/r:\1/'; }
recs "$T/store-csv" > "$T/recs-csv"
recs "$T/store-1" > "$T/recs-1"
ok "records were written" test "$(wc -l < "$T/recs-1")" = $((5000 - nf))
same "$T/recs-1" "$T/recs-csv" "the same records as from the CSV, at the same rows"

# an import again from the sheet: every good row a duplicate
export CEH_STORE="$T/store-1" CEH_SHEET_THREAD=1
expect_code 1 "the sheet again" ceh import "$T/r.xlsx"
like "$T/err" "imported 0, duplicates $((5000 - nf)), conflicts 0, rejected $nf\$" \
    "every good row is a duplicate now"
done_testing
