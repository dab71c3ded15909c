#!/bin/sh
# The committed office fixtures (tests/fixtures/make.sh: built by openpyxl,
# saved by LibreOffice as .xlsx, .xls, UTF-8 CSV and GB18030 CSV): one
# provider sheet with a merged banner and a title above the header, a
# header with a required mark and a unit (*证件号码, 学时（小时）), eight
# data rows, a 合计 total (a formula) and a 制表人 footer.  Every format
# gives the same counts and messages:
#   row 5   an ID as text                                      imported
#   row 6   an ID typed as a number, shown as "0"              refused:
#           LibreOffice keeps 15 digits (.xlsx: 4.30104199001015E+017,
#           CSV: 430104199001015000), .xls a double no one can prove exact
#   row 7   an ID typed as a number, General (4.3010419900101E+017) refused
#   row 8   full-width 年度 and 学时 (２０２４, ３０)                  imported
#   row 9   a line break in 科目名称 (Alt+Enter)                    imported
#   row 10  12学时, a space before the provider                    imported
#   row 11  a lower-case x                                         imported
#   row 12  科目类型 其他                                            refused
# and the four files import as the same five records.
. "$(dirname "$0")/lib.sh"
plan 48
F=$CEH_ROOT/tests/fixtures
ceh init --unsigned >/dev/null
TITLE="title '2024年度专业技术人员继续教育学时登记表'"
NORM='2 values with full-width characters made half-width, 1 cell with line breaks folded to one line, 1 value trimmed of surrounding spaces, 1 hours value without its unit, 1 lower-case x in an ID number made upper-case'
ok "the fixtures are small (under 16 kB each)" sh -c "for f in '$F'/office.xlsx '$F'/office.xls '$F'/office-utf8.csv '$F'/office-gb18030.csv; do test \$(wc -c < \$f) -lt 16384 || exit 1; done"
check "the GB18030 CSV is not UTF-8" /usr/bin/python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
try:
    b.decode("utf-8"); sys.exit("UTF-8")
except UnicodeDecodeError:
    assert "证件号码" in b.decode("gb18030")' "$F/office-gb18030.csv"

digest0=$(store_digest)
# fixture FILE HOW ROW6 TYPE-LINE: import --dry-run, the same counts
fixture() {
	_f=$1 _how=$2 _row6=$3 _tl=$4
	expect_code 1 "$_f: import --dry-run (three rows refused)" ceh import --dry-run --rejects "$T/rej-$_f.csv" "$F/$_f"
	like "$T/err" "$_how" "$_f: how it was read"
	like "$T/err" "$_f: rows skipped: 2 above the header \\($TITLE\\), 1 total, 1 footer" "$_f: banner and title above the header, total and footer skipped"
	like "$T/err" "$_f: values normalised: $NORM" "$_f: each normalisation counted"
	like "$T/err" "$_f: read 8, imported 5, duplicates 0, conflicts 0, rejected 3" "$_f: 5 accepted, 3 refused, 4 skipped (not rejections)"
	like "$T/err" "$_f:6: 证件号码 $_row6" "$_f: the ID typed as a number, shown whole: digits lost, said so"
	like "$T/err" "$_f:7: 证件号码 '4.3010419900101E\\+0?17' looks like a number a spreadsheet rounded" "$_f: the ID in General format: the spreadsheet message"
	like "$T/err" "$_f:$_tl: 科目类型 '其他' is neither 公需科目 nor 专业科目" "$_f: a bad 科目类型 on line $_tl"
	check "$_f: the rejects file: 3 rows, strictly valid UTF-8" /usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", errors="strict", newline="")))
assert len(rows) == 4 and rows[0][-1] == "原因", rows' "$T/rej-$_f.csv"
}
fixture office.xlsx "office.xlsx: sheet '学时登记' \\(xlsx\\), header on row 4" "'4.30104199001015E\\+0?17' looks like a number a spreadsheet rounded" 12
fixture office.xls "office.xls: sheet '学时登记' \\(xls\\), header on row 4" "'4.30104199001015E\\+0?17' looks like a number a spreadsheet rounded" 12
# CSV lines are lines of the file: the line break in row 9 moves row 12
# to line 13
fixture office-utf8.csv "office-utf8.csv: encoding utf-8" "'430104199001015000' ends in 000 and its check digit is wrong: a spreadsheet kept only its first 15 digits" 13
fixture office-gb18030.csv "office-gb18030.csv: encoding gb18030" "'430104199001015000' ends in 000 and its check digit is wrong: a spreadsheet kept only its first 15 digits" 13
ok "dry runs: the store is unchanged" test "$(store_digest)" = "$digest0"

expect_code 1 "import the .xlsx" ceh import "$F/office.xlsx"
like "$T/err" 'read 8, imported 5, duplicates 0, conflicts 0, rejected 3' "five records"
check "the records as they were meant" sh -c "
	ceh records --id 430104199001015012 --format tsv | grep -q '	张三	2024	公需科目	职业道德	30	远程教育	湖南大学继续教育学院	000123	' &&
	ceh records --id 430104199001015020 --format tsv | grep -q '	赵六	2024	公需科目	法治	30	' &&
	ceh records --id 430104199001015039 --format tsv | grep -q '	护理质量 与安全管理	8.5	培训班	湖南大学继续教育学院	000127	' &&
	ceh records --id 430104199001015047 --format tsv | grep -q '	院感防控	12	培训班	湖南大学继续教育学院	000128	' &&
	ceh records --id 43010419900101006X --format tsv | grep -q '^43010419900101006X	周九	'"
for f in office.xls office-utf8.csv office-gb18030.csv; do
	expect_code 1 "then the $f" ceh import "$F/$f"
	like "$T/err" "$f: read 8, imported 0, duplicates 5, conflicts 0, rejected 3" "$f: the same five records (no conflict)"
done
done_testing
