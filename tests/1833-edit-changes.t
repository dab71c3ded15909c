#!/bin/sh
# ceh log shows old and new values of an edit (issue 18): the edited and
# year-replaced events record what changed (changes: 'KEY: "OLD" →
# "NEW"; ...'), shown in log's table and TSV and as a JSON array of
# {field, old, new}; inside the signed event (ceh verify), so a change to
# the recorded values is caught; events without changes keep their
# signatures.
. "$(dirname "$0")/lib.sh"
plan 22
ceh init --signed >/dev/null && mk_units || exit 1
A=$(apply_std $ID1 --remark '旧的 "备注" \ 一')
ceh add-year $A --year 2024 --public-subject 公需课 --public-hours 30 --public-form 远程教育 \
    --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null || exit 1
expect_code 0 "edit two fields" ceh edit $A --phone 13300001111 --remark '新的 "备注" \ 二'
expect_code 0 "edit to the same value" ceh edit $A --phone 13300001111
expect_code 0 "replace a year, one line changed" ceh add-year $A --year 2024 --replace \
    --public-subject 公需课 --public-hours 32.5 --public-form 学术讲座 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班
ok "log tsv" ceh log $A --format tsv
like "$T/out" "^时间	事件	操作人	单位	下一级	原因	说明	修改内容$" "TSV header: changes (修改内容) is the last column"
like "$T/out" '	edited	.*	phone,remark	phone: "15556565656" → "13300001111"; remark: ' "the edit's old and new phone"
like "$T/out" '	year-replaced	.*	2024	public-hours: "30" → "32.5"; public-form: "远程教育" → "学术讲座"$' "the replaced year: only what changed"
check "an edit that changes nothing records nothing" test "$(grep -c '	edited	' "$T/out")" = 1
ok "log json" ceh log $A --format json
python3 - "$T/out" > "$T/py" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
ed = [r for r in rows if r["event"] == "edited"][0]
yr = [r for r in rows if r["event"] == "year-replaced"][0]
cr = [r for r in rows if r["event"] == "created"][0]
assert ed["changes"] == [
    {"field": "phone", "old": "15556565656", "new": "13300001111"},
    {"field": "remark", "old": '旧的 "备注" \\ 一', "new": '新的 "备注" \\ 二'}], ed["changes"]
assert yr["changes"] == [
    {"field": "public-hours", "old": "30", "new": "32.5"},
    {"field": "public-form", "old": "远程教育", "new": "学术讲座"}], yr["changes"]
assert cr["changes"] == [], cr
print("ok")
PY
like "$T/py" '^ok$' "JSON changes: an array of {field, old, new}, quotes and backslashes intact, [] when none"
ok "show's history has the same changes" ceh show $A --format json
python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["history"]; assert any(e["changes"] for e in h)' "$T/out" &&
    _report 0 "show JSON history.changes" || _report 1 "show JSON history.changes"
ok "the signed history verifies" ceh verify $A
ok "log table" ceh log $A
like "$T/out" '修改内容' "the table's header names the column"
like "$T/out" 'phone: "15556565656" → "13300001111"' "the table shows old and new"
like "$T/out" 'remark: "旧的 "备注" ' "the table shows quotes in values unescaped"

# the changes are inside the signature
f=$(find "$CEH_STORE/people" -path "*/${A%%-*}/draft/${A#*-}.yaml")
cp "$f" "$T/saved"
sed -i "/changes:/s/13300001111/13300009999/" "$f"
check "the file was altered" test -n "$(cmp "$f" "$T/saved" 2>&1)"
expect_code 1 "a recorded new value changed in the file fails ceh verify" ceh verify $A
cp "$T/saved" "$f"
ok "restored, it verifies again" ceh verify $A
# a long value is cut, the event stays bounded and valid
long=$(printf '%0200d' 0)
expect_code 0 "edit a 200-character remark" ceh edit $A --remark "$long"
ok "and it verifies" ceh verify $A
done_testing
