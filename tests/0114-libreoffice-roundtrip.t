#!/bin/sh
# The office round trip with a real office (issue 15): what ceh list and
# ceh records write as .xlsx, opened and saved again by LibreOffice
# (headless) as .xlsx, as UTF-8 CSV and as GB18030 CSV (the list also
# as .xls), reads back through ceh import and ceh apply --from into a
# fresh store with every digit kept: ID numbers (with X), phones with
# a leading 0, record numbers 000123 and 20-digit ones, text that looks
# like a date, a number in E notation or a formula.  The csv-excel
# export survives LibreOffice too; the plain CSV export does not, and
# ceh says why.
# LibreOffice comes from tools/deps.sh (libreoffice-calc-nogui).
. "$(dirname "$0")/lib.sh"
if ! command -v soffice >/dev/null 2>&1; then
	echo "1..0 # SKIP soffice (LibreOffice) not found: run tools/deps.sh as root (it installs libreoffice-calc-nogui)"
	exit 0
fi
plan 34
# lo OUTDIR FILTER [INFILTER] FILE: LibreOffice saves FILE into OUTDIR
lo() {
	_out=$1 _flt=$2; shift 2
	mkdir -p "$_out"
	HOME=$T soffice -env:UserInstallation=file://$T/lo-profile --headless \
	    --norestore --convert-to "$_flt" --outdir "$_out" "$@" >>"$T/lo.log" 2>&1
}
UTF8_CSV='csv:Text - txt - csv (StarCalc):44,34,76,1'
GB_CSV='csv:Text - txt - csv (StarCalc):44,34,85,1'	# 85: GB18030
STORE_A=$CEH_STORE
ceh init --unsigned >/dev/null
mk_units
A=$(apply_std $ID1 --education 大学本科)
ceh apply --id $ID2 --name 李四 --ethnicity 土家族 --unit $EMP2 \
    --unit-nature 事业单位 --title-level 中级 --phone 0731-84123456 \
    --series 工程 --specialty 结构 --region 长沙市 >/dev/null
ceh apply --id $ID3 --name 王五 --ethnicity 汉族 --unit $EMP1 \
    --unit-nature 国有企业 --title-level 中级 --phone 010-62345678 \
    --series 工程 --specialty 城乡规划 --region 长沙市 >/dev/null
P1=湖南大学继续教育学院
cat > "$T/in.csv" <<CSV
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
$ID2,李四,2024,专业科目,合理用药,12.5,研修,$P1,000123
$ID2,李四,2024,专业科目,建筑结构,8,培训班,$P1,00123456789012345678
$ID2,李四,2024,公需科目,诚信,6,网络培训,$P1,2024-01-05
$ID2,李四,2024,公需科目,法治,3.5,网络培训,$P1,1E5
$ID2,李四,2023,公需科目,安全,4,网络培训,$P1,=1+1
$ID2,李四,2023,专业科目,质量,10,培训班,$P1,0001
CSV
ceh import "$T/in.csv" 2>"$T/imp.err" || cat "$T/imp.err"
ceh records --id $ID2 --format tsv | cut -f1-9 | sort > "$T/recs-a"
ceh list --format tsv | cut -f2-6 | sort > "$T/list-a"
ok "the store has six records and three applicants" sh -c "test \$(wc -l < '$T/recs-a') = 7 && test \$(wc -l < '$T/list-a') = 4"

# records: ceh's workbook, re-saved by LibreOffice three ways
expect_code 0 "records --format xlsx -o" ceh records --id $ID2 --format xlsx -o "$T/rec.xlsx"
lo "$T/lo-x" xlsx "$T/rec.xlsx"
lo "$T/lo-u" "$UTF8_CSV" "$T/rec.xlsx"
lo "$T/lo-g" "$GB_CSV" "$T/rec.xlsx"
ok "LibreOffice wrote .xlsx, UTF-8 CSV and GB18030 CSV" test -s "$T/lo-x/rec.xlsx" -a -s "$T/lo-u/rec.csv" -a -s "$T/lo-g/rec.csv"
check "the GB18030 CSV is GB18030, not UTF-8" /usr/bin/python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
try:
    b.decode("utf-8"); sys.exit("still UTF-8")
except UnicodeDecodeError:
    pass
assert "证件号码" in b.decode("gb18030", errors="strict")' "$T/lo-g/rec.csv"
check "LibreOffice kept text cells as text (openpyxl reads its .xlsx)" /usr/bin/python3 - "$T/lo-x/rec.xlsx" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = list(ws.iter_rows(values_only=True))
recs = {r[8] for r in rows[1:]}
assert {"000123", "00123456789012345678", "2024-01-05", "1E5", "=1+1", "0001"} == recs, recs
assert all(isinstance(r[0], str) and r[0] == "430104199001014562" for r in rows[1:]), rows
assert isinstance(rows[1][5], (int, float)), rows[1]
PY

export CEH_STORE=$T/store-b
ceh init --unsigned >/dev/null
expect_code 0 "the LibreOffice .xlsx imports into a fresh store" ceh import "$T/lo-x/rec.xlsx"
like "$T/err" 'read 6, imported 6, duplicates 0, conflicts 0, rejected 0' "all six records"
ceh records --id $ID2 --format tsv | cut -f1-9 | sort > "$T/recs-b"
same "$T/recs-a" "$T/recs-b" "the same records, every digit kept"
expect_code 0 "the LibreOffice UTF-8 CSV imports" ceh import "$T/lo-u/rec.csv"
like "$T/err" 'encoding utf-8' "read as UTF-8"
like "$T/err" 'read 6, imported 0, duplicates 6, conflicts 0, rejected 0' "the same six records (no conflict: nothing changed)"
expect_code 0 "the LibreOffice GB18030 CSV imports" ceh import "$T/lo-g/rec.csv"
like "$T/err" 'encoding gb18030' "read as GB18030"
like "$T/err" 'read 6, imported 0, duplicates 6, conflicts 0, rejected 0' "the same six records again"

# csv-excel survives LibreOffice; plain csv loses the ID digits, and
# ceh says so instead of importing a wrong number
export CEH_STORE=$STORE_A
ceh records --id $ID2 --format csv-excel > "$T/ex.csv"
ceh records --id $ID2 --format csv > "$T/plain.csv"
lo "$T/lo-e" xlsx --infilter="CSV:44,34,76,1" "$T/ex.csv"
lo "$T/lo-p" xlsx --infilter="CSV:44,34,76,1" "$T/plain.csv"
export CEH_STORE=$T/store-b
digest_b=$(store_digest)
expect_code 0 "the csv-excel export, opened and saved by LibreOffice, imports" ceh import "$T/lo-e/ex.xlsx"
like "$T/err" 'read 6, imported 0, duplicates 6, conflicts 0, rejected 0' "every record a duplicate: no digit lost"
expect_code 1 "the plain csv export through LibreOffice is refused" ceh import --dry-run "$T/lo-p/plain.xlsx"
like "$T/err" "证件号码 '4.30104199001015E\\+17' looks like a number a spreadsheet rounded" "the spreadsheet message, not a wrong ID"
ok "the store is unchanged" test "$(store_digest)" = "$digest_b"

# the list: ceh's workbook, completed by the office with the columns a
# list does not show, saved by LibreOffice, read by apply --from
export CEH_STORE=$STORE_A
expect_code 0 "list --format xlsx -o" ceh list --format xlsx -o "$T/list.xlsx"
/usr/bin/python3 - "$T/list.xlsx" "$T/staff.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
extra = {"张三": ["汉族", "国有企业", "副高级", "建筑学", "湖南省省本级"],
         "李四": ["土家族", "事业单位", "中级", "结构", "长沙市"],
         "王五": ["汉族", "国有企业", "中级", "城乡规划", "长沙市"]}
col = ws.max_column
for k, h in enumerate(["民族", "单位性质", "拟申报职称", "子专业名称", "行政区划名称"]):
    ws.cell(1, col + 1 + k, h)
for r in range(2, ws.max_row + 1):
    for k, v in enumerate(extra[ws.cell(r, 2).value]):
        ws.cell(r, col + 1 + k, v)
wb.save(sys.argv[2])
PY
lo "$T/lo-lx" xlsx "$T/staff.xlsx"
lo "$T/lo-lu" "$UTF8_CSV" "$T/staff.xlsx"
lo "$T/lo-lg" "$GB_CSV" "$T/staff.xlsx"
lo "$T/lo-ls" 'xls:MS Excel 97' "$T/staff.xlsx"
ok "LibreOffice saved the list four ways" test -s "$T/lo-lx/staff.xlsx" -a -s "$T/lo-lu/staff.csv" -a -s "$T/lo-lg/staff.csv" -a -s "$T/lo-ls/staff.xls"
export CEH_STORE=$T/store-c
ceh init --unsigned >/dev/null
mk_units
expect_code 0 "apply --from the LibreOffice workbook into a fresh store" ceh apply --from "$T/lo-lx/staff.xlsx"
like "$T/err" '3 rows, 3 drafts created, 0 already drafts' "three drafts"
ceh list --format tsv | cut -f2-6 | sort > "$T/list-c"
same "$T/list-a" "$T/list-c" "the same people: ID numbers, units, education and phones (0731-84123456, 010-62345678) kept"
digest_c=$(store_digest)
expect_code 0 "apply --from the LibreOffice UTF-8 CSV" ceh apply --from "$T/lo-lu/staff.csv"
like "$T/err" '3 rows, 0 drafts created, 3 already drafts' "the same three people"
expect_code 0 "apply --from the LibreOffice GB18030 CSV" ceh apply --from "$T/lo-lg/staff.csv"
like "$T/err" '3 rows, 0 drafts created, 3 already drafts' "the same three people again"
expect_code 0 "apply --from the LibreOffice .xls" ceh apply --from "$T/lo-ls/staff.xls"
like "$T/err" '3 rows, 0 drafts created, 3 already drafts' "the same three people from BIFF too"
ok "re-runs changed nothing" test "$(store_digest)" = "$digest_c"

# a digit changed on the way is not taken for the same person
sed 's/0731-84123456/0731-84123457/' "$T/lo-lu/staff.csv" > "$T/changed.csv"
expect_code 1 "a changed phone is caught" ceh apply --from "$T/changed.csv"
like "$T/err" 'already has draft .* with other' "named as a draft with other details"
ok "store unchanged" test "$(store_digest)" = "$digest_c"
done_testing
