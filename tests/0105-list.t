#!/bin/sh
# ceh list: the guide's list columns in every format, the filters, and
# Chinese table alignment by display width.
. "$(dirname "$0")/lib.sh"
plan 46
ceh init --unsigned >/dev/null
mk_units

expect_code 0 "list of an empty store" ceh list --format csv
check "csv header only, with the guide's columns" python3 -c "
import csv
rows=list(csv.reader(open('$T/out', newline='', encoding='utf-8')))
assert rows==[['申报编号','姓名','身份证','工作单位','最高学历','联系电话','申报年度','申报系列','审核状态','待审核单位','不通过意见','签名核验']], rows"
expect_code 0 "empty json is []" ceh list --format json
like "$T/out" '^\[\]$' "[]"

A=$(apply_std $ID1 --education 大学本科)
ceh add-year $A --year 2024 --pro-subject 专业 --pro-hours 60 --pro-form 培训班 >/dev/null
ceh add-year $A --year 2023 --pro-subject 专业 --pro-hours 60 --pro-form 培训班 >/dev/null
B=$(ceh apply --id $ID2 --name 欧阳娜娜 --ethnicity 土家族 --unit $EMP2 --unit-nature 事业单位 \
    --title-level 中级 --phone 0731-84123456 --series 工程 --specialty 城乡规划 --region 长沙市)
ceh add-year $B --year 2023 --public-subject 公需 --public-hours 30 --public-form 远程教育 >/dev/null
C=$(ceh apply --id $ID3 --name 'Li, "Lee"' --ethnicity 汉族 --unit $EMP3 --unit-nature 民营企业 \
    --title-level 员级 --phone 15556565656 --series 会计 --specialty 会计 --region 430100)
D=$(apply_std $ID1 --name 张三)

expect_code 0 "list (table)" ceh list
cp "$T/out" "$T/table"
check "header and four rows" test "$(wc -l < "$T/table")" = 5
like "$T/table" '^申报编号 +姓名 +身份证 +工作单位 +最高学历 +联系电话 +申报年度 +申报系列 +审核状态 +待审核单位 +不通过意见 +签名核验$' "table header"
like "$T/table" "^$A +张三 +$ID1 +湖南建工集团有限公司 +大学本科 +15556565656 +2023,2024 +工程 +暂存" "a row: name, unit name, years"
expect_code 0 "list --format tsv" ceh list --format tsv
cp "$T/out" "$T/tsv"
check "tsv: 12 fields on every line" awk -F'\t' 'NF != 12 { exit 1 }' "$T/tsv"
check "rows sorted by id" sh -c "tail -n +2 '$T/tsv' | cut -f1 | sort -c"
check "table columns aligned by display width (CJK counts 2)" python3 - "$T/tsv" "$T/table" <<'PY'
import sys, unicodedata
def dw(s): return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
rows = [l.split('\t') for l in open(sys.argv[1], encoding='utf-8').read().splitlines()]
table = open(sys.argv[2], encoding='utf-8').read().splitlines()
w = [max(dw(r[c]) for r in rows) for c in range(len(rows[0]))]
for r, got in zip(rows, table):
    want = '  '.join(v + ' ' * (w[c] - dw(v)) if c < len(r) - 1 else v
                     for c, v in enumerate(r)).rstrip(' ')
    assert got == want, (got, want)   # and no trailing blanks
assert len(rows) == len(table)
PY
expect_code 0 "list --format csv" ceh list --format csv
check "csv parses with python's csv module, CRLF" python3 -c "
import csv
data=open('$T/out', newline='', encoding='utf-8').read()
assert data.count('\r\n')==5, repr(data[:80])
rows=list(csv.reader(data.splitlines(True)))
assert len(rows)==5 and all(len(r)==12 for r in rows), rows
byid={r[0]: r for r in rows[1:]}
assert byid['$C'][1]=='Li, \"Lee\"', byid['$C']
assert byid['$A'][6]=='2023,2024' and byid['$B'][3]=='长沙市规划设计院'"
expect_code 0 "list --format json" ceh list --format json
check "json parses" python3 -m json.tool "$T/out"
check "json objects keyed by column keys; unit by code with its name, years an array (format of 2026-12)" python3 -c "
import json; d=json.load(open('$T/out'))
assert len(d)==4
r={x['id']: x for x in d}['$B']
assert r['name']=='欧阳娜娜' and r['id_number']=='$ID2' and r['unit']=='$EMP2' and r['unit_name']=='长沙市规划设计院' and r['phone']=='0731-84123456' and r['years']==[2023] and r['series']=='工程' and r['status']=='暂存' and r['reason']=='' and r['waiting_at']=='' and r['waiting_at_name']=='' and r['verified']=='unsigned', r
a={x['id']: x for x in d}['$A']
assert a['years']==[2023, 2024], a"

# filters
n() { tail -n +2 "$T/out" | wc -l; }
expect_code 0 "--stage draft" ceh list --stage draft --format tsv
check "all four" test "$(n)" = 4
expect_code 0 "--stage approved" ceh list --stage approved --format tsv
check "none" test "$(n)" = 0
expect_code 0 "--unit" ceh list --unit $EMP2 --format tsv
check "one row, the right one" sh -c "[ \$(tail -n +2 '$T/out' | wc -l) = 1 ] && grep -q '^$B	' '$T/out'"
expect_code 0 "--unit in lower case" ceh list --unit $(echo $EMP1 | tr A-Z a-z) --format tsv
check "two rows" test "$(n)" = 2
expect_code 0 "--id" ceh list --id $ID1 --format tsv
check "that person's two" sh -c "[ \$(tail -n +2 '$T/out' | wc -l) = 2 ] && ! grep -q '^$ID2' '$T/out'"
expect_code 0 "--id with lower-case x" ceh list --id 43010219850312123x --format tsv
check "same two" test "$(n)" = 2
expect_code 0 "--id of a person without applications" ceh list --id 11010519491231002X --format tsv
check "nothing" test "$(n)" = 0
expect_code 0 "--year 2023" ceh list --year 2023 --format tsv
check "the two with 2023" sh -c "[ \$(tail -n +2 '$T/out' | wc -l) = 2 ] && grep -q '^$A	' '$T/out' && grep -q '^$B	' '$T/out'"
expect_code 0 "--year 2024 --unit --id combined" ceh list --year 2024 --unit $EMP1 --id $ID1 --format tsv
check "only A" sh -c "[ \$(tail -n +2 '$T/out' | wc -l) = 1 ] && grep -q '^$A	' '$T/out'"

store_digest > "$T/before"
expect_code 2 "unknown --stage" ceh list --stage pending
like "$T/err" "draft, review .*approved, rejected, returned, withdrawn" "lists the stages"
expect_code 1 "bad --unit" ceh list --unit 91430100MA4L12345B
like "$T/err" "^ceh list: --unit " "names --unit"
expect_code 1 "bad --id" ceh list --id 430102198503121231
like "$T/err" "^ceh list: --id .*check digit" "names --id"
expect_code 1 "bad --year (an invalid value, as in ceh stats)" ceh list --year 20x4
like "$T/err" "^ceh list: --year '20x4' must be a four-digit year" "names --year"
expect_code 2 "--format yaml is not a list format" ceh list --format yaml
expect_code 2 "an operand" ceh list $A
store_digest > "$T/after"
same "$T/before" "$T/after" "list never writes"
done_testing
