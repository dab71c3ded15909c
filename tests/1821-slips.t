#!/bin/sh
# ceh slips --id ID: the slips issued to a person, oldest first, with how
# each stands now (valid, changed, altered), in every list format; the
# empty list; refusals; nothing written (issue 18).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 39

expect_code 0 "--help" ceh slips --help
like "$T/out" "^usage: ceh slips --id IDNUMBER" "usage on stdout"
before=$(store_digest)
expect_code 2 "no --id" ceh slips
like "$T/err" "missing --id" "says so"
expect_code 2 "an operand" ceh slips --id $ID1 extra
expect_code 2 "an unknown format" ceh slips --id $ID1 --format yaml
expect_code 2 "xlsx to the terminal's stdout" ceh slips --id $ID1 --format xlsx
expect_code 1 "a bad ID number" ceh slips --id 430102198503121230

# ---- none issued ----
expect_code 3 "none issued: the table says so" ceh slips --id $ID1
like "$T/err" "^ceh slips: no slip has been issued to $ID1$" "in words"
expect_code 0 "JSON: the empty list" ceh slips --id $ID1 --format json
ok "is []" test "$(tr -d ' \n' < "$T/out")" = "[]"
expect_code 0 "TSV: the header alone" ceh slips --id $ID1 --format tsv
ok "one line" test "$(wc -l < "$T/out")" = 1
expect_code 0 "a person never seen: [] too" ceh slips --id $ID2 --format json
ok "nothing was written by any of these" test "$before" = "$(store_digest)"

# ---- two slips ----
ceh print-slip --id $ID1 --from 2019 --to 2023 > "$T/s1.txt" || exit 1
CEH_NOW=$((CEH_NOW + 60))
ceh print-slip --id $ID1 --from 2019 --to 2020 > "$T/s2.txt" || exit 1
ceh print-slip --id $ID1 --from 2019 --to 2023 >/dev/null 2>&1 || exit 1	# the first again
n1=$(sed -n 's/^编号：\([^ ]*\) .*/\1/p' "$T/s1.txt")
n2=$(sed -n 's/^编号：\([^ ]*\) .*/\1/p' "$T/s2.txt")
c1=$(sed -n 's/^验证码：\([^（]*\)（.*/\1/p' "$T/s1.txt")
before=$(store_digest)
expect_code 0 "the table" ceh slips --id $ID1
cp "$T/out" "$T/table"
like "$T/table" "^编号 +证件号码 +姓名 +起始年度 +截止年度 +合计学时 +达标年数 +签发时间 +验证码 +签发机构 +状态$" "the header"
like "$T/table" "^$n1 +$ID1 +张三 +2019 +2023 +280.5 +2 +2025-06-01T02:00:00Z +$c1 +湖南省人力资源和社会保障厅 +valid$" "the first slip, once"
ok "oldest first: the first, then the second" sh -c "grep -n '^2025' '$T/table' | cut -d: -f2 | cut -c1-19 | tr '\n' ' ' | grep -qx '$n1 $n2 '"
like "$T/table" "^2 slips issued to $ID1$" "counted"
expect_code 0 "JSON" ceh slips --id $ID1 --format json
cp "$T/out" "$T/list.json"
ok "JSON: types and values" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [r["number"] for r in d] == [sys.argv[2], sys.argv[3]], d
r = d[0]
assert list(r) == ["number", "id_number", "name", "from", "to", "total_hours", "years_met", "issued", "code", "agency", "agency_name", "status", "status_label"], list(r)
for k in ("from", "to", "years_met"):
    assert type(r[k]) is int, (k, r[k])
assert type(r["total_hours"]) in (int, float) and r["total_hours"] == 280.5
assert (r["from"], r["to"], r["years_met"]) == (2019, 2023, 2)
for k in ("number", "id_number", "name", "issued", "code", "agency", "agency_name", "status", "status_label"):
    assert isinstance(r[k], str), k
assert r["agency"] == "91430000MA4L00001D" and r["agency_name"] == "湖南省人力资源和社会保障厅"
assert r["status"] == "valid" and r["status_label"] == "有效"
assert d[1]["total_hours"] == 180 and d[1]["to"] == 2020
' "$T/list.json" "$n1" "$n2"
expect_code 0 "TSV" ceh slips --id $ID1 --format tsv
like "$T/out" "^编号	证件号码	姓名	起始年度	截止年度	合计学时	达标年数	签发时间	验证码	签发机构	状态$" "TSV header"
like "$T/out" "^$n2	$ID1	张三	2019	2020	180	1	2025-06-01T02:01:00Z	[0-9A-Z-]{24}	湖南省人力资源和社会保障厅	valid$" "TSV row: the machine word"
expect_code 0 "CSV" ceh slips --id $ID1 --format csv
like "$T/out" "^$n1,$ID1,张三,2019,2023,280.5,2," "CSV row"
expect_code 0 "xlsx to a file" ceh slips --id $ID1 --format xlsx -o "$T/slips.xlsx"
ok "xlsx: two rows, the ID number kept as text" /usr/bin/python3 -c '
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = list(ws.iter_rows(values_only=True))
assert len(rows) == 3, rows
assert rows[1][1] == sys.argv[2] and rows[1][3] == 2019, rows[1]' "$T/slips.xlsx" "$ID1"
ok "listing wrote nothing" test "$before" = "$(store_digest)"
ok "the same in Chinese: the status label" sh -c "LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 ceh slips --id $ID1 | grep -q ' 有效\$'"

# ---- how each stands ----
A4=$(apply_std $ID1 --unit $EMP3) && yr $A4 2023 30 60 && approve $A4 || exit 1
expect_code 0 "after 2023 was approved" ceh slips --id $ID1 --format tsv
like "$T/out" "^$n1	.*	changed$" "the slip covering 2023 is changed"
like "$T/out" "^$n2	.*	valid$" "the one of 2019-2020 is still valid"
rec=$(ls "$CEH_STORE"/slips/$n2.*.yaml)
sed -i 's/^  name: 张三$/  name: 李四/' "$rec"
expect_code 0 "a record edited by hand" ceh slips --id $ID1 --format tsv
like "$T/out" "^$n2	.*	altered$" "is altered"
printf 'person:\n  id_number: %s\n  [broken\n' $ID1 > "$rec"
expect_code 5 "a damaged record of the person" ceh slips --id $ID1
like "$T/err" "damaged slip record" "says so"
done_testing
