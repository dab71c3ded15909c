#!/bin/sh
# ceh apply --from FILE (单位代报, issue 15): one draft per row of a staff
# list (.xlsx, .xls or CSV), every bad row reported with its sheet, row
# and reason, nothing created while a row is bad, idempotent on re-run;
# a list exported by ceh list --format xlsx, re-saved and completed,
# reads back without losing a digit.
. "$(dirname "$0")/lib.sh"
plan 25
ceh init --unsigned >/dev/null
mk_units
/usr/bin/python3 - "$T" "$EMP1" "$EMP2" <<'PY'
import os, sys
import openpyxl
T, EMP1, EMP2 = sys.argv[1:4]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def idn(seq):
    s = "43010219850312%03d" % seq
    return s + "10X98765432"[sum(int(c) * w for c, w in zip(s, W)) % 11]
ids = [idn(k) for k in range(200, 204)]
open(os.path.join(T, "ids"), "w").write("\n".join(ids) + "\n")
H = ["证件号码", "姓名", "民族", "工作单位", "单位性质", "拟申报职称", "联系电话",
     "最高学历", "申报大类", "子专业名称", "行政区划名称"]
def staff(name, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "人员"
    ws["A1"] = "2024年度继续教育学时核认单位代报名单"
    ws.merge_cells("A1:K1")
    ws.append(H)
    for r in rows:
        ws.append(r)
    ws.append(["制表人：刘"])
    wb.save(os.path.join(T, name))
good = [
    [ids[0], "张三", "汉族", EMP1, "国有企业", "副高级", "15556565656", "大学本科", "工程", "建筑学", "湖南省省本级"],
    [ids[1], "李四", "土家族", "湖南建工集团有限公司", "国有企业", "中级", "１５５５６５６５６５７", "", "工程", "结构", "长沙市"],
    [ids[2].lower(), "王五", "汉族", EMP2, "事业单位", "中级", "0731-84123456", "硕士研究生", "工程", "城乡规划", "长沙市"],
]
staff("staff.xlsx", good)
bad = [list(r) for r in good] + [
    [ids[3], "赵六", "火星族", EMP1, "国有企业", "中级", "123", "", "工程", "结构", "长沙市"],
    [ids[0], "张三", "汉族", EMP1, "国有企业", "副高级", "15556565656", "", "工程", "建筑学", "湖南省省本级"],
]
staff("bad.xlsx", bad)
PY
read -r I0 < "$T/ids"

digest0=$(store_digest)
expect_code 1 "a staff list with bad rows" ceh apply --from "$T/bad.xlsx"
like "$T/err" 'bad.xlsx: sheet 人员 row 6: 民族' "a bad row named by sheet, row and column"
like "$T/err" 'bad.xlsx: sheet 人员 row 6: .*' "its reason"
like "$T/err" "bad.xlsx: sheet 人员 row 7: 证件号码 $I0 is already on row 3" "a person twice in the file"
like "$T/err" '2 of 5 rows refused; no draft created' "all or nothing"
ok "refused: the store is byte-identical" test "$(store_digest)" = "$digest0"
expect_code 3 "a missing file" ceh apply --from "$T/none.xlsx"
expect_code 2 "--from with applicant options is a usage error" ceh apply --from "$T/staff.xlsx" --name 张三
expect_code 0 "--dry-run" ceh apply --from "$T/staff.xlsx" --dry-run
like "$T/err" '3 rows, 3 drafts would be created' "says what it would do"
ok "dry run: the store is byte-identical" test "$(store_digest)" = "$digest0"

expect_code 0 "apply --from staff.xlsx" ceh apply --from "$T/staff.xlsx"
like "$T/err" 'rows skipped: 1 above the header .*1 footer' "title and footer skipped"
like "$T/err" 'values normalised: .*full-width' "full-width phone digits counted"
like "$T/err" '3 rows, 3 drafts created, 0 already drafts' "three drafts"
ok "three ids printed" test "$(grep -c '	created$' "$T/out")" = 3
expect_code 0 "list" ceh list --format tsv
like "$T/out" "	李四	.*	湖南建工集团有限公司	" "the unit given by its name"
like "$T/out" "	15556565657	" "the phone made half-width"
digest1=$(store_digest)
expect_code 0 "the same list again" ceh apply --from "$T/staff.xlsx"
like "$T/err" '3 rows, 0 drafts created, 3 already drafts' "nothing new"
ok "a re-run changes nothing" test "$(store_digest)" = "$digest1"

# the round trip: ceh's list workbook, opened and saved again by an
# office (openpyxl here), completed with the columns a list does not
# show, reads back as the same people: every digit kept
ceh list --format xlsx -o "$T/list.xlsx"
/usr/bin/python3 - "$T/list.xlsx" "$T/back.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
rows = [list(r) for r in ws.iter_rows(values_only=True)]
h = rows[0]
extra = {"张三": ["汉族", "国有企业", "副高级", "建筑学", "湖南省省本级"],
         "李四": ["土家族", "国有企业", "中级", "结构", "长沙市"],
         "王五": ["汉族", "事业单位", "中级", "城乡规划", "长沙市"]}
out = openpyxl.Workbook()
o = out.active
o.append(h + ["民族", "单位性质", "拟申报职称", "子专业名称", "行政区划名称"])
for r in rows[1:]:
    o.append(r + extra[r[1]])
for col in ("A", "C", "F"):
    for c in o[col]:
        c.number_format = "@"
out.save(sys.argv[2])
PY
expect_code 0 "the re-saved list reads back through apply --from" ceh apply --from "$T/back.xlsx"
like "$T/err" '3 rows, 0 drafts created, 3 already drafts' "the same people, every digit kept"
ok "and changes nothing" test "$(store_digest)" = "$digest1"
done_testing
