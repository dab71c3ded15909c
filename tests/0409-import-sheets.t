#!/bin/sh
# ceh import of spreadsheets made the way offices make them (issue 15):
# .xlsx (openpyxl) and .xls (xlwt) read directly, told by content; the
# header below title rows and a merged banner; total and footer rows
# skipped with a count; full-width digits, units after hours, line breaks
# in cells, a lower-case x normalised and counted; an ID typed as a
# number kept when exact and refused with the spreadsheet message when
# rounded; --sheet; the same row classes for CSV; refusals change nothing.
. "$(dirname "$0")/lib.sh"
plan 46
ceh init --unsigned >/dev/null
P1=湖南大学继续教育学院
/usr/bin/python3 - "$T" <<'PY'
import os, sys
import openpyxl, xlwt
T = sys.argv[1]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def ck(s):
    return "10X98765432"[sum(int(c) * w for c, w in zip(s, W)) % 11]
def idn(seq):
    s = "43010419900101%03d" % seq
    return s + ck(s)
H = ["证件号码", "姓名", "年度", "科目类型", "科目名称", "学时", "继续教育形式",
     "培训机构", "记录编号"]
P1 = "湖南大学继续教育学院"
ids = [idn(i) for i in range(11, 20)]
open(os.path.join(T, "ids"), "w").write("\n".join(ids) + "\n")
x_id = [i for i in (idn(k) for k in range(100, 400)) if i.endswith("X")][0]
open(os.path.join(T, "xid"), "w").write(x_id + "\n")

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "说明"
ws["A1"] = "本表为填报说明"
ws = wb.create_sheet("学时")
ws["A1"] = "2024年度继续教育学时登记表"
ws.merge_cells("A1:I1")
ws["A2"] = "填报单位：长沙市第一医院"
ws.append([])
ws.append(["*" + H[0]] + H[1:])
ws.append([int(ids[0]), "张三", 2024, "公需科目", "职业道德", 30, "网络培训", P1, "S-1"])
ws.append([ids[1], "李四", "２０２４", "专业科目", "护理质量\n与安全管理", "12学时", "培训班", P1, "S-2"])
ws.append([x_id.lower(), "王五", 2024, "专业科目", "急救", "８.５小时", "培训班", " " + P1 + " ", "S-3"])
ws.append(["4.30104199001015E+017", "赵六", 2024, "专业科目", "急救", 6, "培训班", P1, "S-4"])
ws.append([4.30104199001015e17, "钱七", 2024, "专业科目", "急救", 6, "培训班", P1, "S-5"])
ws.append([ids[2], "孙八", 2024, "专业科目", "急救", "12学分", "培训班", P1, "S-6"])
ws.append([ids[8], "郑十", 2024, "专业科目", "急救", 6, "培训班", P1])
ws.append(["合计", None, None, None, None, 62.5])
ws.append(["制表人：刘", None, None, "制表日期：2024-12-01"])
wb.save(os.path.join(T, "office.xlsx"))
# openpyxl writes an int through a float (4.301041990010101e+17): what
# another program writes for an exact 18-digit number is every digit
import zipfile
src = zipfile.ZipFile(os.path.join(T, "office.xlsx"))
dst = zipfile.ZipFile(os.path.join(T, "office2.xlsx"), "w", zipfile.ZIP_DEFLATED)
for it in src.infolist():
    data = src.read(it.filename)
    if it.filename == "xl/worksheets/sheet2.xml":
        lit = repr(float(int(ids[0]))).encode()
        assert data.count(b"<v>" + lit + b"</v>") == 1, lit
        data = data.replace(b"<v>" + lit + b"</v>", b"<v>" + ids[0].encode() + b"</v>")
    dst.writestr(it, data)
dst.close()
os.replace(os.path.join(T, "office2.xlsx"), os.path.join(T, "office.xlsx"))

wb = xlwt.Workbook()
s = wb.add_sheet("Sheet1")
s.write(0, 0, "2024年度学时")
for c, h in enumerate(H):
    s.write(1, c, h)
for r, row in enumerate([[ids[3], "周九", 2024, "公需科目", "诚信", 10, "网络培训", P1, "X-1"],
                          [ids[4], "吴十", 2024, "专业科目", "质量", 8.5, "培训班", P1, "X-2"]]):
    for c, v in enumerate(row):
        s.write(2 + r, c, v)
s.write(4, 0, "小计")
s.write(4, 5, 18.5)
wb.save(os.path.join(T, "old.xls"))
PY
read -r ID_A < "$T/ids"
XID=$(cat "$T/xid")

digest0=$(store_digest)
expect_code 3 "--sheet that does not exist" ceh import --sheet 没有 "$T/office.xlsx"
like "$T/err" "没有" "names the sheet"
ok "a refusal changes nothing" test "$(store_digest)" = "$digest0"
expect_code 1 "a sheet without a header (--sheet 说明)" ceh import --sheet 说明 "$T/office.xlsx"
like "$T/err" 'no header row' "says there is no header"
ok "store unchanged" test "$(store_digest)" = "$digest0"

expect_code 1 "import the office's .xlsx (some rows rejected)" ceh import --rejects "$T/rej.csv" "$T/office.xlsx"
like "$T/err" "office.xlsx: sheet '学时' \\(xlsx\\), header on row 4" "the sheet with a header chosen, the header found on row 4"
like "$T/err" 'rows skipped: 2 above the header \(title .2024年度继续教育学时登记表.\), 1 total, 1 footer' "title rows, total and footer skipped, counted once"
like "$T/err" 'values normalised: .*values? with full-width characters made half-width' "full-width digits counted"
like "$T/err" 'values normalised: .*cells? with line breaks folded to one line' "line break counted"
like "$T/err" 'values normalised: .*hours values? without (its|their) unit' "hours unit counted"
like "$T/err" 'values normalised: .*lower-case x' "lower-case x counted"
like "$T/err" 'values normalised: .*values? trimmed of surrounding spaces' "spaces counted"
like "$T/err" "office.xlsx:8: 证件号码 '4.30104199001015E\\+017' looks like a number a spreadsheet rounded" "LibreOffice's scientific text: the spreadsheet message"
like "$T/err" "office.xlsx:9: 证件号码 '4.30104199001015E\\+17' looks like a number a spreadsheet rounded" "a rounded number cell: the spreadsheet message"
like "$T/err" "office.xlsx:10: 学时 '12学分' is not a number of hours" "an unknown unit is refused, not guessed"
like "$T/err" "office.xlsx:11: 记录编号 must not be empty" "a row without its last cells: padded to the header, then refused"
like "$T/err" 'read 7, imported 3, duplicates 0, conflicts 0, rejected 4' "summary: total and footer are not rejections"
ok "the rejects file is valid UTF-8" python3 -c 'import sys; open(sys.argv[1], encoding="utf-8-sig").read()' "$T/rej.csv"
expect_code 0 "records of the ID stored as a number" ceh records --id "$ID_A" --format tsv
like "$T/out" "^$ID_A	张三	2024	公需科目	职业道德	30	" "an 18-digit number cell read exactly"
expect_code 0 "records of the lower-case x" ceh records --id "$XID" --format tsv
like "$T/out" "急救	8.5	培训班	$P1	S-3" "８.５小时 read as 8.5, the provider trimmed"

# fix the rejects file and import it again
python3 - "$T/rej.csv" "$T/fixed.csv" "$T/ids" <<'PY'
import csv, sys
ids = open(sys.argv[3]).read().split()
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
hdr = rows[0][:-1]
out = [hdr]
for k, r in enumerate(rows[1:4]):
    r = r[:-1]
    if r[5] == "12学分":
        r[5] = "12"
    else:
        r[0] = ids[5 + k]
    out.append(r)
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows(out)
PY
# the same with an .xlsx rejects file: a workbook, fixed and imported
expect_code 1 "--rejects FILE.xlsx (--dry-run)" ceh import --dry-run --rejects "$T/rej.xlsx" "$T/office.xlsx"
like "$T/err" '4 rows written to .*rej.xlsx' "four rows written to the workbook"
check "the rejects workbook: header, 原因, text cells as the file had them" /usr/bin/python3 - "$T/rej.xlsx" "$T/fixed2.xlsx" "$T/ids" <<'PY'
import sys, openpyxl
ids = open(sys.argv[3]).read().split()
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
rows = [list(r) for r in ws.iter_rows(values_only=True)]
assert rows[0][0] == "证件号码" and rows[0][-1] == "原因", rows[0]
assert len(rows) == 5, rows
assert rows[1][0] == "4.30104199001015E+017" and "office.xlsx:8:" in rows[1][-1], rows[1]
out = openpyxl.Workbook()
o = out.active
o.append(rows[0][:-1])
for k, r in enumerate(rows[1:4]):
    r = r[:-1]
    if r[5] == "12学分":
        r[5] = "12"
    else:
        r[0] = ids[5 + k]
    o.append(r)
for c in o["A"]:
    c.number_format = "@"
out.save(sys.argv[2])
PY
expect_code 0 "the fixed rejects file imports" ceh import "$T/fixed.csv"
like "$T/err" 'read 3, imported 3, duplicates 0, conflicts 0, rejected 0' "all three rows now"
expect_code 0 "the fixed rejects workbook imports too (duplicates of the fixed CSV)" ceh import "$T/fixed2.xlsx"
like "$T/err" 'read 3, imported 0, duplicates 3, conflicts 0, rejected 0' "the same three rows"
expect_code 1 "the .xlsx again: nothing new (its bad rows still bad)" ceh import "$T/office.xlsx"
like "$T/err" 'read 7, imported 0, duplicates 3' "re-import finds duplicates"

expect_code 0 "an .xls (BIFF) file, told by content" ceh import "$T/old.xls"
like "$T/err" "old.xls: sheet 'Sheet1' \\(xls\\), header on row 2" ".xls sheet and header row"
like "$T/err" 'rows skipped: 1 above the header .*, 1 total' "title and 小计 skipped"
like "$T/err" 'read 2, imported 2, duplicates 0, conflicts 0, rejected 0' ".xls rows imported"
cp "$T/old.xls" "$T/old-named.csv"
expect_code 0 "a workbook named .csv is still read as a workbook" ceh import "$T/old-named.csv"
like "$T/err" 'read 2, imported 0, duplicates 2' "by content, not by name"

# CSV: the same title, total and footer rows
{
	echo '2024年度继续教育学时登记表,,,,,,,,'
	echo '证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号'
	echo "$ID1,张三,２０２４,公需科目,诚信,6学时,网络培训,$P1,C-1"
	echo ',,,,,,,,'
	echo '合 计,,,,,6,,,'
	echo '制表人：刘,,,审核人：王,,,,,'
} > "$T/office.csv"
expect_code 0 "a CSV file with a title, a total and a footer" ceh import "$T/office.csv"
like "$T/err" 'rows skipped: 1 above the header .*, 1 blank, 1 total, 1 footer' "skipped with a count (the blank row as a spreadsheet saves it, ,,,,, too)"

# a record number typed as the number 123 in a column formatted 000000
# is the 000123 the office sees (and the CSV it saves), not 123
/usr/bin/python3 - "$T/padded.xlsx" "$ID2" "$P1" <<'PY'
import sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["证件号码", "姓名", "年度", "科目类型", "科目名称", "学时", "继续教育形式", "培训机构", "记录编号"])
ws.append([sys.argv[2], "李四", 2024, "专业科目", "补录", 2, "培训班", sys.argv[3], 123])
ws.append([sys.argv[2], "李四", 2024, "专业科目", "补录二", 2, "培训班", sys.argv[3], 1234567])
ws.append([sys.argv[2], "李四", 2024, "专业科目", "补录三", 2, "培训班", sys.argv[3], 77])
for r in (2, 3):
    ws.cell(r, 9).number_format = "000000"
wb.save(sys.argv[1])
PY
expect_code 0 "a record number column formatted 000000" ceh import "$T/padded.xlsx"
expect_code 0 "its records" ceh records --id "$ID2" --format tsv
like "$T/out" '	补录	2	培训班	.*	000123	' "123 shown as 000123 is read as 000123"
like "$T/out" '	补录二	2	培训班	.*	1234567	' "a longer number is not cut"
like "$T/out" '	补录三	2	培训班	.*	77	' "a General cell stays as it is"
done_testing
