#!/bin/sh
# --format xlsx -o FILE and --format csv-excel for every list (issue 15):
# ID numbers, phones, codes and record numbers as text cells, hours and
# years as numbers, a bold frozen header; xlsx refused without -o; the
# csv-excel BOM and ="..." cells; what ceh writes, opened and saved
# again (openpyxl), imports back without losing a digit.
. "$(dirname "$0")/lib.sh"
plan 33
ceh init --unsigned >/dev/null
mk_units
P1=湖南大学继续教育学院
A=$(apply_std $ID1 --education 大学本科)
ceh add-year $A --year 2024 --pro-subject 专业 --pro-hours 60 --pro-form 培训班 >/dev/null
printf '\211PNG\r\n\032\n\0\0\0\rIHDRpng-body' > "$T/scan.png"
ceh attach $A --year 2024 "$T/scan.png" >/dev/null
cat > "$T/in.csv" <<CSV
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
$ID2,李四,2024,专业科目,合理用药,12.5,研修,$P1,000123
$ID2,李四,2024,公需科目,诚信,6,网络培训,$P1,=1+1
$ID2,李四,2024,公需科目,法治,3,网络培训,$P1,2024-01-05
CSV
ceh import "$T/in.csv" 2>/dev/null

digest0=$(store_digest)
for c in "list" "records --id $ID2" "log $A" "unit list" "attach $A --list"; do
	# shellcheck disable=SC2086
	expect_code 2 "$c --format xlsx without -o is a usage error" ceh $c --format xlsx
done
like "$T/err" 'xlsx writes a workbook: give -o FILE' "says why"
ok "refusals changed nothing" test "$(store_digest)" = "$digest0"
expect_code 3 "-o into a missing directory" ceh list --format xlsx -o "$T/nodir/l.xlsx"

expect_code 0 "list --format xlsx -o" ceh list --format xlsx -o "$T/list.xlsx"
check "list.xlsx: text cells for id, ID number and phone; bold frozen header" /usr/bin/python3 - "$T/list.xlsx" "$A" "$ID1" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
rows = list(ws.iter_rows(values_only=True))
assert rows[0][:3] == ("申报编号", "姓名", "身份证"), rows[0]
assert rows[1][0] == sys.argv[2] and rows[1][2] == sys.argv[3], rows[1]
assert isinstance(rows[1][5], str) and rows[1][5] == "15556565656", rows[1]
assert ws["A1"].font.b, "bold header"
assert ws.freeze_panes == "A2", ws.freeze_panes
assert ws["C2"].number_format == "@", ws["C2"].number_format
PY
expect_code 0 "records --format xlsx -o" ceh records --id $ID2 --format xlsx -o "$T/rec.xlsx"
check "records.xlsx: record numbers text (000123, =1+1), hours and years numbers" /usr/bin/python3 - "$T/rec.xlsx" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = list(ws.iter_rows(values_only=True))
byrec = {r[8]: r for r in rows[1:]}
assert set(byrec) == {"000123", "=1+1", "2024-01-05"}, byrec
assert byrec["000123"][5] == 12.5 and byrec["000123"][2] == 2024, byrec
assert ws.cell(2, 9).data_type == "s", ws.cell(2, 9).data_type
PY
for c in "log $A" "unit list" "attach $A --list"; do
	# shellcheck disable=SC2086
	expect_code 0 "$c --format xlsx -o" ceh $c --format xlsx -o "$T/x.xlsx"
	check "$c: a workbook openpyxl reads" /usr/bin/python3 -c 'import sys, openpyxl; ws = openpyxl.load_workbook(sys.argv[1]).active; assert ws.max_row >= 2' "$T/x.xlsx"
done
expect_code 0 "-o with another format writes the file" ceh list --format csv -o "$T/list.csv"
ok "and prints nothing" test ! -s "$T/out"
ceh list --format csv > "$T/list2.csv"
same "$T/list.csv" "$T/list2.csv" "the same bytes as on standard output"
ceh list --format xlsx -o - > "$T/stdout.xlsx"
ok "-o - writes the workbook to a pipe" /usr/bin/python3 -c 'import sys, openpyxl; openpyxl.load_workbook(sys.argv[1])' "$T/stdout.xlsx"

# csv-excel: BOM, ="..." for text a spreadsheet would change
expect_code 0 "records --format csv-excel" ceh records --id $ID2 --format csv-excel
cp "$T/out" "$T/ex.csv"
ok "a UTF-8 byte order mark first" sh -c "head -c 3 '$T/ex.csv' | od -An -tx1 | grep -q 'ef bb bf'"
like "$T/ex.csv" "^.?\"=\"\"$ID2\"\"\",李四,2024," "the ID number as =\"...\", the year a number"
like "$T/ex.csv" ',12.5,研修班,.*,"=""000123""",1,' "000123 kept as text, hours plain"
like "$T/ex.csv" '"=""=1\+1""",' "a formula-like value made a text formula"
expect_code 0 "records --format csv unchanged for scripts" ceh records --id $ID2 --format csv
unlike "$T/out" '=""' "no ="..." in plain csv"
expect_code 0 "the csv-excel export imports back" ceh import "$T/ex.csv"
like "$T/err" 'read 3, imported 0, duplicates 3, conflicts 0, rejected 0' "every record a duplicate: ="..." read as its text"

# the round trip: ceh's workbook, opened and saved again, imports back
/usr/bin/python3 - "$T/rec.xlsx" "$T/resaved.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb.active.title = "记录"
wb.save(sys.argv[2])
PY
expect_code 0 "the re-saved records workbook imports back" ceh import "$T/resaved.xlsx"
like "$T/err" 'read 3, imported 0, duplicates 3, conflicts 0, rejected 0' "not a digit lost: all duplicates"
done_testing
