#!/bin/sh
# --format xlsx -o FILE for every list and table output (issue 15), each
# checked by openpyxl: a bold header row frozen in view, ID numbers,
# codes, phones and record numbers as text cells in text-formatted
# columns, hours, counts, rates and years as number cells, column widths
# that fit Chinese text (two columns per character); and --format
# csv-excel (a byte order mark, ="..." for digits a spreadsheet would
# change) for each of them.
. "$(dirname "$0")/lib.sh"
plan 26
ceh init --unsigned >/dev/null
mk_units
A=$(apply_std $ID1 --education 大学本科)
ceh add-year $A --year 2024 --pro-subject 专业 --pro-hours 60.5 --pro-form 培训班 >/dev/null
ceh apply --id $ID2 --name 李四 --ethnicity 汉族 --unit $EMP2 --unit-nature 事业单位 \
    --title-level 中级 --phone 0731-84123456 --series 工程 --specialty 结构 \
    --region 长沙市 >/dev/null
printf '\211PNG\r\n\032\n\0\0\0\rIHDRpng-body' > "$T/scan.png"
ceh attach $A --year 2024 "$T/scan.png" >/dev/null
ceh submit $A >/dev/null
P1=湖南大学继续教育学院
cat > "$T/in.csv" <<CSV
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
$ID2,李四,2024,专业科目,合理用药,12.5,研修,$P1,000123
$ID2,李四,2024,公需科目,诚信,6,网络培训,$P1,00000000000000000001
CSV
ceh import "$T/in.csv" 2>/dev/null

# xl OUTPUT FILE SPEC: SPEC is python: columns by header label (or
# labels: "a|b"), each
# "text" (a string cell, format @) or "number" (a number cell)
xl() {
	_what=$1 _file=$2 _spec=$3
	check "$_what: bold frozen header; $(echo "$_spec" | tr -d '{}"')" /usr/bin/python3 - "$_file" "$_spec" <<'PY'
import sys, ast, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
spec = ast.literal_eval(sys.argv[2])
hdr = [c.value for c in ws[1]]
assert ws.freeze_panes == "A2", ws.freeze_panes
assert all(c.font.b for c in ws[1] if c.value), "header not bold"
assert ws.max_row >= 2, "no data rows"
for label, kind in spec.items():
    # "a|b": the label as one version or another names it
    col = [hdr.index(a) for a in label.split("|") if a in hdr][0] + 1
    cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)
             if ws.cell(r, col).value is not None]
    assert cells, "no values in " + label
    for c in cells:
        if kind == "text":
            assert c.data_type == "s" and c.number_format == "@", (label, c.value, c.data_type, c.number_format)
        else:
            assert c.data_type == "n" and isinstance(c.value, (int, float)), (label, c.value, c.data_type)
PY
}
ceh_xlsx() { # ceh_xlsx FILE ARGS...: ceh ARGS --format xlsx -o FILE
	_f=$1; shift
	expect_code 0 "$* --format xlsx -o" ceh "$@" --format xlsx -o "$_f"
}
ceh_xlsx "$T/list.xlsx" list
xl "list" "$T/list.xlsx" '{"申报编号": "text", "身份证": "text", "联系电话": "text"}'
check "list: CJK-aware widths (工作单位 wider than its label and wider than 联系电话)" /usr/bin/python3 - "$T/list.xlsx" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
hdr = [c.value for c in ws[1]]
w = lambda label: ws.column_dimensions[openpyxl.utils.get_column_letter(hdr.index(label) + 1)].width
# 湖南建工集团有限公司: 10 characters, 20 columns; 0731-84123456: 13
assert w("工作单位") >= 20 and w("工作单位") > w("联系电话") >= 13, (w("工作单位"), w("联系电话"))
PY
ceh_xlsx "$T/rec.xlsx" records --id $ID2
xl "records" "$T/rec.xlsx" '{"证件号码": "text", "记录编号": "text", "学时": "number", "年度": "number"}'
check "records: 000123 and a 20-digit record number kept whole" /usr/bin/python3 -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
assert {r[8] for r in ws.iter_rows(min_row=2, values_only=True)} == {"000123", "00000000000000000001"}' "$T/rec.xlsx"
ceh_xlsx "$T/log.xlsx" log $A
xl "log" "$T/log.xlsx" '{"时间": "text", "事件": "text", "操作人": "text"}'
ceh_xlsx "$T/units.xlsx" unit list
xl "unit list" "$T/units.xlsx" '{"统一社会信用代码": "text", "行政区划": "text"}'
ceh_xlsx "$T/att.xlsx" attach $A --list
xl "attach --list" "$T/att.xlsx" '{"附件名称": "text", "sha256|SHA-256": "text", "年度": "number", "size|大小(字节)": "number"}'
ceh_xlsx "$T/stats.xlsx" stats --by unit
xl "stats" "$T/stats.xlsx" '{"统一社会信用代码": "text", "人数": "number", "申报数": "number", "达标率(%)": "number"}'
ceh_xlsx "$T/short.xlsx" shortfall --year 2024
xl "shortfall" "$T/short.xlsx" '{"身份证": "text", "统一社会信用代码": "text", "年度": "number", "已核认专业学时": "number", "缺合计学时": "number"}'

# csv-excel for each: a BOM, the ID numbers as ="..."
for c in "list" "records --id $ID2" "log $A" "unit list" "attach $A --list" "stats --by unit" "shortfall --year 2024"; do
	# shellcheck disable=SC2086
	expect_code 0 "$c --format csv-excel" ceh $c --format csv-excel
done
check "a byte order mark on the last" sh -c "head -c 3 '$T/out' | od -An -tx1 | grep -q 'ef bb bf'"
like "$T/out" "^\"=\"\"$ID2\"\"\",李四," "an all-digit ID number as =\"...\""
like "$T/out" "^$ID1,张三," "one ending in X as it is (a spreadsheet keeps it)"
done_testing
