#!/bin/sh
# ceh show: text (the guide's detail view), yaml (the file itself), json.
. "$(dirname "$0")/lib.sh"
plan 37
ceh init --unsigned >/dev/null
mk_units
A=$(apply_std $ID1 --remark '材料齐全: 是')
ceh add-year $A --year 2024 --public-subject 公需科目 --public-hours 30 --public-form 远程教育 \
    --pro-subject 建筑结构新技术 --pro-hours 60.5 --pro-form 培训班 >/dev/null
ceh add-year $A --year 2023 --pro-subject '专业: "引号"' --pro-hours 20 --pro-form 学术会议 >/dev/null
shard=$(printf %s $ID1 | cut -c15-17)
f="$CEH_STORE/people/$shard/$ID1/draft/${A#*-}.yaml"

expect_code 0 "show --help" ceh show --help
like "$T/out" '^usage: ceh show APP \[--format text\|yaml\|json\]$' "usage on stdout"
expect_code 0 "show (text)" ceh show $A
like "$T/out" "^申报编号 +$A\$" "the id"
like "$T/out" '^审核状态 +暂存$' "status 暂存"
like "$T/out" '^申报人信息$' "applicant section"
like "$T/out" "^  证件号码 +$ID1\$" "ID number"
like "$T/out" '^  姓名 +张三$' "name"
like "$T/out" '^  性别 +男$' "sex"
like "$T/out" "^  单位 +湖南建工集团有限公司 $EMP1\$" "unit name and code"
like "$T/out" '^  最高学历$' "no education: the label alone, no trailing blanks"
like "$T/out" '^  备注 +材料齐全: 是$' "remark"
like "$T/out" '^申报年度明细$' "year section"
like "$T/out" '^年度 +公需科目名称 +折算学时 +继续教育形式 +专业科目名称 +折算学时 +继续教育形式 +合计学时 +达标$' "year table header"
like "$T/out" '^2024 +公需科目 +30 +远程教育 +建筑结构新技术 +60.5 +培训班 +90.5 +是$' "2024 row, met"
like "$T/out" '^2023 +专业: "引号" +20 +学术会议 +20 +否$' "2023 row, not met"
like "$T/out" '^附件$' "attachments section"
cp "$T/out" "$T/text"
unlike "$T/text" ' $' "no trailing blanks"
check "labels aligned by display width" python3 - "$T/text" <<'PY'
import sys, unicodedata
def dw(s): return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
# "  LABEL<pad>VALUE": the value starts at display column 2 + 14
for l in lines:
    if l.startswith('  ') and not l.startswith('  (') and '学时来源' not in l:
        label = l[2:].split(' ')[0]
        rest = l[2 + len(label):]
        pad = len(rest) - len(rest.lstrip(' '))
        assert dw(label) + pad == 14 or rest.strip() == '', (l, dw(label), pad)
PY

expect_code 0 "show --format yaml" ceh show $A --format yaml
same "$T/out" "$f" "yaml is the stored document, byte for byte"
expect_code 0 "show --format json" ceh show $A --format json
check "json parses with python3 -m json.tool" python3 -m json.tool "$T/out"
check "json fields" python3 -c "
import json; d=json.load(open('$T/out'))
assert d['id']=='$A' and d['stage']=='draft' and d['status']=='暂存', d
a=d['applicant']
assert a['id_number']=='$ID1' and a['name']=='张三' and a['sex']=='男' and a['unit_name']=='湖南建工集团有限公司', a
y=d['years']
assert [r['year'] for r in y]==[2023,2024] and y[1]['professional_hours']==60.5 and y[1]['total_hours']==90.5
assert y[0]['professional_subject']=='专业: \"引号\"' and y[0]['met'] is False
assert [h['event'] for h in d['history']]==['created','year-added','year-added']"

# a returned application shows its reason (history made by hand; the
# review command writes such events for real)
cat >> "$f" <<EOF2
- at: "2026-01-05T09:30:00Z"
  event: returned
  by: boss@host
  unit: "$EMP1"
  reason: 请补充2024年度证书
EOF2
expect_code 0 "show of a returned draft" ceh show $A
like "$T/out" '^审核状态 +退回$' "status 退回"
like "$T/out" '^退回原因 +请补充2024年度证书$' "and the reason"
expect_code 0 "json too" ceh show $A --format json
check "json status and reason" python3 -c "
import json; d=json.load(open('$T/out'))
assert d['status']=='退回' and d['reason']=='请补充2024年度证书', d"

store_digest > "$T/before"
expect_code 2 "show --format table is not offered" ceh show $A --format table
expect_code 2 "show without an id" ceh show
expect_code 2 "show with two ids" ceh show $A $A
expect_code 3 "show of an unknown application" ceh show ${ID1}-00000000000000000000
like "$T/err" "no application ${ID1}-00000000000000000000" "says so"
expect_code 1 "show of a malformed id" ceh show "$ID1/../x"
like "$T/err" "is not an application id" "says so"
store_digest > "$T/after"
same "$T/before" "$T/after" "show never writes"
done_testing
