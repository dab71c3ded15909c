#!/bin/sh
# spreadsheets.sh - a 30-person office declares for its staff from
# spreadsheets (单位代报): ceh apply --from, ceh add-year --from, a
# provider's .xlsx through ceh import, and lists written as .xlsx and as
# Excel-friendly CSV.
#
#   CEH_BIN=./ceh sh examples/spreadsheets.sh
#
# Works in a temporary store that is removed at the end.  The workbooks
# are made here with python3-openpyxl the way offices make them: a title
# row and a merged banner above the header, full-width digits, a 合计
# total row and a 制表人 footer.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "spreadsheets.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
export CEH_USER="${CEH_USER:-demo}"
unset CEH_FAULT CEH_CRASH CEH_NOW 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-sheets.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CEH_STORE=$tmp/store

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@" 2>&1; }
# run_some N ARGS...: run, showing the first N lines of standard output
# and then all of standard error
run_some() {
	_n=$1
	shift
	printf '$ ceh %s\n' "$*"
	ceh "$@" > "$tmp/o" 2> "$tmp/e"
	head -n "$_n" "$tmp/o"
	echo "    ... ($(wc -l < "$tmp/o") lines)"
	cat "$tmp/e"
}
# run_rc WANT ARGS...: run, expecting exit status WANT
run_rc() {
	_want=$1
	shift
	printf '$ ceh %s\n' "$*"
	set +e; ceh "$@" 2>&1; _rc=$?; set -e
	[ "$_rc" = "$_want" ] || { echo "spreadsheets.sh: exit $_rc, expected $_want" >&2; exit 1; }
	echo "(exit status $_rc)"
}

# --unsigned: sheets in and out only, no decision is taken here
ceh init --unsigned >/dev/null
EMP=91430100MA4L12345A
ceh unit add 91430000MA4L00001D --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 >/dev/null
ceh unit add $EMP --name 湖南建工集团有限公司 --kind employer --region 湖南省省本级 >/dev/null

/usr/bin/python3 - "$tmp" <<'PY'
import os, sys
import openpyxl
T = sys.argv[1]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def idn(seq):
    s = "43010219850312%03d" % seq
    return s + "10X98765432"[sum(int(c) * w for c, w in zip(s, W)) % 11]
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
SUR = "张李王赵刘陈杨黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"
people = [(idn(100 + k), SUR[k] + "工", "1555656%04d" % (5600 + k)) for k in range(30)]
def book(name, title, header, rows, footer):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["A1"] = title
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(["填报单位：湖南建工集团有限公司"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    for r in footer:
        ws.append(r)
    wb.save(os.path.join(T, name))
H = ["序号", "证件号码", "姓名", "民族", "工作单位", "单位性质", "拟申报职称",
     "联系电话", "最高学历", "申报大类", "子专业名称", "行政区划名称"]
staff = [[k + 1, p[0], p[1], "汉族", "湖南建工集团有限公司", "国有企业", "中级",
          p[2].translate(FULL) if k % 7 == 0 else p[2], "大学本科", "工程",
          "建筑学", "湖南省省本级"] for k, p in enumerate(people)]
bad = [list(r) for r in staff]
bad[4][3] = "汉"          # not an ethnicity
bad[11][7] = "123"        # not a phone
book("staff-draft.xlsx", "2024年度继续教育学时核认单位代报名单", H, bad,
     [["制表人：刘", None, None, "审核人：王"]])
book("staff.xlsx", "2024年度继续教育学时核认单位代报名单", H, staff,
     [["制表人：刘", None, None, "审核人：王"]])
YH = ["证件号码", "年度", "公需科目名称", "公需学时", "公需继续教育形式",
      "专业科目名称", "专业学时", "专业继续教育形式"]
years = [[p[0], 2024, "专业技术人员职业道德", "30学时", "网络培训",
          "建筑工程施工质量控制", "６０", "培训班"] for p in people]
book("years.xlsx", "2024年度学时明细", YH, years,
     [["合计", None, None, 900, None, None, 1800]])
RH = ["证件号码", "姓名", "年度", "科目类型", "科目名称", "学时", "继续教育形式",
      "培训机构", "记录编号"]
recs = [[p[0], p[1], 2024, "专业科目", "装配式建筑设计", "12学时", "培训班",
         "湖南大学继续教育学院", "JX%06d" % (k + 1)] for k, p in enumerate(people)]
book("provider.xlsx", "湖南大学继续教育学院 2024年学时证明清单", RH, recs,
     [["合计", None, None, None, None, 360], ["制表日期：2024-12-01"]])
PY

say "The office's staff list has two wrong rows: every one is named, nothing is created"
run_rc 1 apply --from "$tmp/staff-draft.xlsx"
say "Fixed: one draft per person (the title, banner and footer rows are skipped)"
run_some 3 apply --from "$tmp/staff.xlsx"
say "Run again: every row is recognised as done, nothing new"
run_some 2 apply --from "$tmp/staff.xlsx"
say "Their 2024 hours from a sheet, keyed by ID number (30学时 and ６０ normalised)"
run_some 3 add-year --from "$tmp/years.xlsx"
say "A provider's .xlsx with a title and a total row goes straight into ceh import"
run import "$tmp/provider.xlsx"
say "The drafts as a workbook for the office (ID numbers and phones as text)"
run list --format xlsx -o "$tmp/list.xlsx"
/usr/bin/python3 -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = list(ws.iter_rows(values_only=True))
print("    list.xlsx: %d rows; %s %s" % (len(rows) - 1, rows[1][2], type(rows[1][2]).__name__))
' "$tmp/list.xlsx"
say "Or as CSV for Excel: a byte order mark, IDs as =\"...\" so no digit is lost"
run records --id 430102198503121002 --format csv-excel
