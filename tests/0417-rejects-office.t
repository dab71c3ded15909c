#!/bin/sh
# The --rejects file as an office uses it (issue 15): opened in a
# spreadsheet, fixed there, imported again.  The CSV rejects file keeps
# ID numbers and record numbers such as 000123 as ="..." so that a
# spreadsheet opening it (LibreOffice here, headless) keeps every digit;
# and the rejects of several files whose columns come in different
# orders land under the one header, each value in its column, so that
# the fixed file imports whole.
. "$(dirname "$0")/lib.sh"
plan 22
ceh init --unsigned >/dev/null
P1=湖南大学继续教育学院
H=证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
cat > "$T/a.csv" <<CSV
$H
$ID2,李四,2024,专业科目,合理用药,12学分,培训班,$P1,000123
$ID2,李四,2024,专业科目,急救,6,培训班,$P1,000124
CSV
# the same columns in another order, and one more
cat > "$T/b.csv" <<CSV
姓名,记录编号,证件号码,备注,年度,科目类型,科目名称,学时,继续教育形式,培训机构
张三,000200,$ID1,补录,2024,公需科目,诚信,8学分,网络培训,$P1
CSV
expect_code 1 "two files, a bad row in each" ceh import --rejects "$T/rej.csv" "$T/a.csv" "$T/b.csv"
like "$T/err" '2 rows written to .*rej.csv' "both rows in the rejects file"
check "the rejects file: one header, each value under its column, IDs and record numbers as =\"...\" (but one ending in X)" /usr/bin/python3 - "$T/rej.csv" "$ID1" "$ID2" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", errors="strict", newline="")))
assert rows[0] == "证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号,原因".split(","), rows[0]
a, b = rows[1], rows[2]
assert a[:9] == ['="%s"' % sys.argv[3], "李四", "2024", "专业科目", "合理用药", "12学分", "培训班", "湖南大学继续教育学院", '="000123"'], a
assert b[:9] == [sys.argv[2], "张三", "2024", "公需科目", "诚信", "8学分", "网络培训", "湖南大学继续教育学院", '="000200"'], b
assert a[9].startswith("a.csv:2: 学时") and b[9].startswith("b.csv:2: 学时"), rows
assert len(rows) == 3
PY
sed 's/12学分/12/; s/8学分/8/' "$T/rej.csv" > "$T/fixed.csv"
digest0=$(store_digest)
expect_code 0 "the fixed rejects file imports whole" ceh import --dry-run "$T/fixed.csv"
like "$T/err" 'read 2, imported 2, duplicates 0, conflicts 0, rejected 0' "both rows, none misplaced"
ok "a dry run changes nothing" test "$(store_digest)" = "$digest0"

# the .xlsx rejects file: the same columns, every cell text
expect_code 1 "the same two files, rejects as .xlsx" ceh import --dry-run --rejects "$T/rej.xlsx" "$T/a.csv" "$T/b.csv"
check "the .xlsx rejects: one header, each value under its column" /usr/bin/python3 - "$T/rej.xlsx" "$ID1" "$ID2" <<'PY'
import sys, openpyxl
rows = list(openpyxl.load_workbook(sys.argv[1]).active.iter_rows(values_only=True))
assert rows[1][:9] == (sys.argv[3], "李四", "2024", "专业科目", "合理用药", "12学分", "培训班", "湖南大学继续教育学院", "000123"), rows[1]
assert rows[2][:9] == (sys.argv[2], "张三", "2024", "公需科目", "诚信", "8学分", "网络培训", "湖南大学继续教育学院", "000200"), rows[2]
PY

# a row with a field too many is written as it was read, not cut
printf '%s\n%s\n' "$H" "$ID2,李四,2024,专业科目,急救,1,5,培训班,$P1,000125" > "$T/c.csv"
expect_code 1 "a row with an unquoted comma" ceh import --dry-run --rejects "$T/rej-c.csv" "$T/c.csv"
like "$T/err" 'c.csv:2: wrong number of fields: 10, the header has 9' "refused"
like "$T/rej-c.csv" ',急救,1,"=""5""",培训班,.*,"=""000125""","c.csv:2: wrong number' "every field kept, the reason after them"

if ! command -v soffice >/dev/null 2>&1; then
	for k in 1 2 3 4 5 6 7 8 9 10 11; do echo "ok $((11 + k)) # SKIP soffice (LibreOffice) not found: tools/deps.sh"; done
	exit 0
fi
# the office opens the CSV rejects file in LibreOffice, and saves it as
# .xlsx; then the fixed one (fixed.csv above), as .xlsx and as CSV
lo() {
	_out=$1 _flt=$2; shift 2
	mkdir -p "$_out"
	HOME=$T soffice -env:UserInstallation=file://$T/lo-profile --headless \
	    --norestore --convert-to "$_flt" --outdir "$_out" "$@" >>"$T/lo.log" 2>&1
}
lo "$T/lo" xlsx --infilter="CSV:44,34,76,1" "$T/rej.csv"
ok "LibreOffice opened the rejects file and saved it" test -s "$T/lo/rej.xlsx"
check "LibreOffice kept the ID numbers and record numbers as text" /usr/bin/python3 - "$T/lo/rej.xlsx" "$ID1" "$ID2" <<'PY'
import sys, openpyxl
rows = list(openpyxl.load_workbook(sys.argv[1], data_only=True).active.iter_rows(values_only=True))
assert [r[0] for r in rows[1:]] == [sys.argv[3], sys.argv[2]], rows
assert [r[8] for r in rows[1:]] == ["000123", "000200"], rows
PY
lo "$T/lo2" xlsx --infilter="CSV:44,34,76,1" "$T/fixed.csv"
lo "$T/lo3" 'csv:Text - txt - csv (StarCalc):44,34,76,1' "$T/lo2/fixed.xlsx"
ok "the fixed file, saved by LibreOffice as .xlsx and CSV" test -s "$T/lo2/fixed.xlsx" -a -s "$T/lo3/fixed.csv"
expect_code 0 "the fixed .xlsx imports" ceh import "$T/lo2/fixed.xlsx"
like "$T/err" 'read 2, imported 2, duplicates 0, conflicts 0, rejected 0' "both rows imported"
expect_code 0 "records of $ID2" ceh records --id "$ID2" --format tsv
like "$T/out" "^$ID2	李四	2024	专业科目	合理用药	12	培训班	$P1	000123	" "every digit kept: the ID and 000123"
expect_code 0 "records of $ID1" ceh records --id "$ID1" --format tsv
like "$T/out" "^$ID1	张三	2024	公需科目	诚信	8	远程教育	$P1	000200	" "and the row of the second file"
expect_code 0 "the fixed file saved as CSV by LibreOffice: the same records" ceh import "$T/lo3/fixed.csv"
like "$T/err" 'read 2, imported 0, duplicates 2, conflicts 0, rejected 0' "duplicates, no conflict: nothing changed on the way"
done_testing
