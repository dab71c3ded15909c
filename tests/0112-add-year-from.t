#!/bin/sh
# ceh add-year --from FILE (issue 15): year rows from a sheet, each row's
# draft by its 申报编号 or, without one, the person's only draft (by
# 证件号码); every bad row reported with its sheet, row and reason,
# nothing changed while one is bad; a year already there as it is is
# done (a re-run changes nothing), one with other subjects needs
# --replace.
. "$(dirname "$0")/lib.sh"
plan 24
ceh init --unsigned >/dev/null
mk_units
A=$(apply_std $ID1)
B=$(ceh apply --id $ID2 --name 李四 --ethnicity 汉族 --unit $EMP2 --unit-nature 事业单位 \
    --title-level 中级 --phone 0731-84123456 --series 工程 --specialty 城乡规划 --region 长沙市)
C1=$(apply_std $ID3)
C2=$(apply_std $ID3)
/usr/bin/python3 - "$T" "$A" "$B" "$ID1" "$ID2" "$ID3" <<'PY'
import os, sys
import openpyxl, xlwt
T, A, B, ID1, ID2, ID3 = sys.argv[1:7]
H = ["申报编号", "证件号码", "年度", "公需科目名称", "公需学时", "公需继续教育形式",
     "专业科目名称", "专业学时", "专业继续教育形式"]
good = [[A, "", 2024, "职业道德", "30学时", "网络培训", "建筑施工", 60, "培训班"],
        ["", ID2, "２０２３", "", "", "", "城乡规划", "48", "研修"]]
def book(name, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年度明细"
    ws["A1"] = "学时明细"
    ws.append(H)
    for r in rows:
        ws.append(r)
    ws.append(["合计", None, None, None, 30, None, None, 108])
    wb.save(os.path.join(T, name))
book("years.xlsx", good)
book("bad.xlsx", good + [
    ["", ID3, 2024, "诚信", 10, "网络培训", "", "", ""],
    [A, "", 2024, "职业道德", 30, "网络培训", "", "", ""],
    ["", ID1, 2024, "", "", "", "建筑", "十二", "培训班"],
    ["", "", 2024, "诚信", 10, "网络培训", "", "", ""],
])
wb = xlwt.Workbook()
s = wb.add_sheet("Sheet1")
for c, h in enumerate(H):
    s.write(0, c, h)
for c, v in enumerate([A, "", 2024, "职业道德", 40, "网络培训", "建筑施工", 60, "培训班"]):
    s.write(1, c, v)
wb.save(os.path.join(T, "change.xls"))
PY

digest0=$(store_digest)
expect_code 1 "a sheet with bad rows" ceh add-year --from "$T/bad.xlsx"
like "$T/err" "bad.xlsx: sheet 年度明细 row 5: $ID3 has 2 drafts: give the 申报编号 column" "two drafts: which one?"
like "$T/err" "bad.xlsx: sheet 年度明细 row 6: year 2024 of $A is already on row 3" "a year twice"
like "$T/err" "bad.xlsx: sheet 年度明细 row 7: 专业学时 '十二' is not a number of hours" "bad hours by column label"
like "$T/err" 'bad.xlsx: sheet 年度明细 row 8: give 申报编号 or 证件号码' "no key"
like "$T/err" '4 of 6 rows refused; no year added' "all or nothing"
ok "refused: the store is byte-identical" test "$(store_digest)" = "$digest0"
expect_code 2 "--from with an APP is a usage error" ceh add-year $A --from "$T/years.xlsx"

expect_code 0 "add-year --from years.xlsx" ceh add-year --from "$T/years.xlsx"
like "$T/out" "^$A	2024	added$" "by 申报编号"
like "$T/out" "^$B	2023	added$" "by 证件号码, the person's one draft"
like "$T/err" 'rows skipped: 1 above the header .*1 total' "title and total skipped"
like "$T/err" 'values normalised: .*hours values? without (its|their) unit' "30学时 counted"
expect_code 0 "show A" ceh show $A --format json
check "the year row as in the sheet" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
y = [r for r in d["years"] if r["year"] == 2024][0]
assert y["public_hours"] == 30 and y["public_form"] == "远程教育" and y["professional_hours"] == 60, y
' "$T/out"
digest1=$(store_digest)
expect_code 0 "the same sheet again" ceh add-year --from "$T/years.xlsx"
like "$T/err" '2 rows, 0 years added, 2 already there' "nothing new"
ok "a re-run changes nothing" test "$(store_digest)" = "$digest1"

expect_code 1 "other subjects for a year already there" ceh add-year --from "$T/change.xls"
like "$T/err" 'change.xls: sheet Sheet1 row 2: year 2024 is already in application .* use --replace' "needs --replace"
ok "store unchanged" test "$(store_digest)" = "$digest1"
expect_code 0 "--replace" ceh add-year --from "$T/change.xls" --replace
like "$T/out" "^$A	2024	added$" "replaced"
expect_code 0 "show A" ceh show $A --format json
done_testing
