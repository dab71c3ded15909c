#!/bin/sh
# ceh import on generated provider files (tests/bench/gen-records.py) with
# injected faults: every faulty row is rejected at its line, no good row
# is; the same in every encoding and line end; quoted fields with commas,
# quotes and line breaks; re-import and the rejects file.
. "$(dirname "$0")/lib.sh"
plan 30
GEN="$CEH_ROOT/tests/bench/gen-records.py"
ceh init --unsigned >/dev/null
FAULTS=checksum,name,hours,subject,columns

# rejected_lines FILE-BASENAME < stderr: the line numbers reported
rejected_lines() { sed -n "s/^ceh import: .*$1:\([0-9][0-9]*\): .*/\1/p" | sort -n; }

python3 "$GEN" --rows 600 --seed 7 --bad-rate 0.2 --faults $FAULTS \
    --fault-log "$T/faults.txt" -o "$T/u8.csv"
nf=$(wc -l < "$T/faults.txt")
ok "the generator injected faults" test "$nf" -gt 50
awk '{ print $1 + 1 }' "$T/faults.txt" | sort -n > "$T/want"
for k in checksum name hours subject columns; do
	ok "faults of kind $k present" grep -q " $k\$" "$T/faults.txt"
done

expect_code 1 "import a file with faulty rows" ceh import --rejects "$T/rej.csv" "$T/u8.csv"
rejected_lines u8.csv < "$T/err" > "$T/got"
same "$T/got" "$T/want" "exactly the faulty rows are rejected, at their lines"
like "$T/err" "u8.csv: read 600, imported $((600 - nf)), duplicates 0, conflicts 0, rejected $nf\$" "summary"
ok "the rejects file holds them all" test "$(wc -l < "$T/rej.csv")" = $((nf + 1))

expect_code 1 "import it again" ceh import "$T/u8.csv"
like "$T/err" "u8.csv: read 600, imported 0, duplicates $((600 - nf)), conflicts 0, rejected $nf\$" "the good rows are duplicates now"
expect_code 1 "import the rejects file" ceh import "$T/rej.csv"
like "$T/err" "rej.csv: read $nf, imported 0, duplicates 0, conflicts 0, rejected $nf\$" "its rows are still rejected"

# the same data in other encodings and line ends, into fresh stores
for v in "utf-8-sig --crlf" "gb18030 --crlf" "gb18030"; do
	set -- $v
	enc=$1
	shift
	export CEH_STORE="$T/store-$enc-$#"
	ceh init --unsigned >/dev/null
	python3 "$GEN" --rows 600 --seed 7 --bad-rate 0.2 --faults $FAULTS \
	    --encoding $enc "$@" -o "$T/x.csv"
	expect_code 1 "$enc $*: import" ceh import "$T/x.csv"
	rejected_lines x.csv < "$T/err" > "$T/got"
	same "$T/got" "$T/want" "$enc $*: the same rows rejected at the same lines"
	like "$T/err" "x.csv: read 600, imported $((600 - nf)), duplicates 0, conflicts 0, rejected $nf\$" "$enc $*: summary"
done

# quoted fields: commas and quotes are data, a line break in a cell is
# folded to a space
# (a fresh store: the generator numbers records from 1 for any seed, so
# the same numbers with other content would be conflicts)
export CEH_STORE="$T/store-q"
ceh init --unsigned >/dev/null
python3 "$GEN" --rows 400 --seed 3 --bad-rate 0.4 --faults quoted --crlf \
    --fault-log "$T/q.txt" -o "$T/q.csv"
python3 - "$T/q.csv" > "$T/qwant" <<'PY'
import csv, sys
f = open(sys.argv[1], newline="", encoding="utf-8")
r = csv.reader(f)
next(r)
start = r.line_num + 1
for row in r:
    if any("\n" in x or "\r" in x for x in row):
        print(start)
    start = r.line_num + 1
PY
nq=$(wc -l < "$T/qwant")
ok "some quoted faults have line breaks" test "$nq" -gt 0
ok "some have only commas or quotes" test "$(wc -l < "$T/q.txt")" -gt "$nq"
expect_code 0 "import quoted fields" ceh import "$T/q.csv"
like "$T/err" "q.csv: values normalised: $nq cells? with line breaks folded to one line" "a line break inside a field (Alt+Enter) is folded to a space, and counted"
like "$T/err" "q.csv: read 400, imported 400, duplicates 0, conflicts 0, rejected 0\$" "every row is imported"
python3 - "$T/q.csv" > "$T/pick" <<'PY'
import csv, json, sys
r = csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))
next(r)
for row in r:
    if ('"' in row[4] or "," in row[4]) and "\n" not in row[4] and "\r" not in row[4]:
        print(json.dumps({"id": row[0], "subject": row[4], "rec": row[8]}))
        break
PY
expect_code 0 "records of a person with such a subject" ceh records --format json \
    --id "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$T/pick")"
cp "$T/out" "$T/rj"
ok "a subject with a comma or quotes is stored as written" python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
sys.exit(0 if any(x["record_id"] == p["rec"] and x["subject"] == p["subject"] for x in r) else 1)' "$T/pick" "$T/rj"
done_testing
