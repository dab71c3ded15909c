#!/bin/sh
# --no-header (a global option): TSV, CSV and csv-excel of every list
# command without the header line; the table, JSON and xlsx unchanged.
. "$(dirname "$0")/lib.sh"
plan 34

ceh init --unsigned >/dev/null && mk_units || exit 1
APP=$(apply_std $ID1) || exit 1
cat > "$T/r.csv" <<CSV
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
$ID1,张三,2024,公需科目,职业道德,20,网络培训,湖南大学继续教育学院,W-1
$ID1,张三,2024,专业科目,施工质量,40,培训班,湖南大学继续教育学院,W-2
CSV
ceh import "$T/r.csv" >/dev/null 2>&1 || exit 1

# every list command: the header line is the first line without --no-header,
# and is gone with it (before or after the command name); the rows stay
for c in "list" "records --id $ID1" "unit list" "log $APP"; do
	ceh $c --format tsv > "$T/with" 2>/dev/null
	n=$(wc -l < "$T/with")
	expect_code 0 "ceh $c --no-header --format tsv" ceh $c --no-header --format tsv
	tail -n +2 "$T/with" > "$T/want"
	same "$T/want" "$T/out" "ceh $c: tsv = the rows without the header"
	check "ceh $c: there were rows ($n lines with the header)" test "$n" -ge 2
	expect_code 0 "ceh --no-header $c --format csv (before the command)" \
	    sh -c "ceh --no-header $c --format csv"
	ceh $c --format csv > "$T/withcsv" 2>/dev/null
	tail -n +2 "$T/withcsv" > "$T/want"
	same "$T/want" "$T/out" "ceh $c: csv = the rows without the header"
done

# the reports go through the same writer
ceh stats --format csv > "$T/with"
expect_code 0 "stats --format csv --no-header" ceh stats --format csv --no-header
tail -n +2 "$T/with" > "$T/want"
same "$T/want" "$T/out" "stats: the rows without the header"

# csv-excel keeps its BOM, loses the header
ceh list --format csv-excel > "$T/with"
expect_code 0 "csv-excel --no-header" ceh list --format csv-excel --no-header
check "csv-excel starts with the byte order mark" sh -c "head -c3 '$T/out' | od -An -tx1 | grep -q 'ef bb bf'"
unlike "$T/out" "申报编号" "csv-excel: no header label"
check "csv-excel: one line less" test "$(wc -l < "$T/out")" -eq $(( $(wc -l < "$T/with") - 1 ))

# the table, JSON and xlsx are unchanged
ceh list > "$T/t1"; ceh list --no-header > "$T/t2"
same "$T/t1" "$T/t2" "the table keeps its header"
ceh log $APP --format json > "$T/j1"; ceh log $APP --format json --no-header > "$T/j2"
same "$T/j1" "$T/j2" "JSON unchanged"
ceh list --format xlsx -o "$T/a.xlsx" && ceh list --format xlsx -o "$T/b.xlsx" --no-header
expect_code 0 "xlsx keeps its header row (openpyxl)" /usr/bin/python3 -c "
import openpyxl, sys
a = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[1]).active.iter_rows()]
b = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[2]).active.iter_rows()]
assert a == b and len(a) == 2, (a, b)" "$T/a.xlsx" "$T/b.xlsx"
# an independent reader: Python's csv reads the rows with no header
ceh list --format csv --no-header > "$T/nh.csv"
expect_code 0 "python csv: one row, its first field the application id" /usr/bin/python3 -c "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
assert len(rows) == 1 and rows[0][0] == sys.argv[2], rows" "$T/nh.csv" "$APP"
expect_code 2 "--no-header takes no value" ceh list --no-header=1
ok "ceh --help names it" sh -c "ceh --help 2>&1 | grep -q -- '--no-header'"
# bash completion offers it before and after the command name
F="$CEH_ROOT/completion/ceh.bash"
comp() { bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ceh; printf "%s\n" "${COMPREPLY[@]}"' "$F" "$@"; }
comp ceh --no-h > "$T/c1"; comp ceh list x --no-h > "$T/c2"
check "completion: ceh --no-h" grep -qx -- --no-header "$T/c1"
check "completion: ceh list --no-h" grep -qx -- --no-header "$T/c2"
done_testing
