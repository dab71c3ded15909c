#!/bin/sh
# ceh log: every event oldest first, with unit, next unit, reason; formats.
. "$(dirname "$0")/lib.sh"
plan 17
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
A=$(apply_std $ID1)
ceh add-year $A --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 >/dev/null
ceh submit $A >/dev/null
ceh withdraw $A >/dev/null
ceh submit $A >/dev/null
ceh review --as $EMP1 --approve $A >/dev/null
ceh review --as $SUP2 --return --reason "请补充: 2023年证书" $A >/dev/null
expect_code 0 "log as tsv" ceh log $A --format tsv
cp "$T/out" "$T/log"
ok "a header and seven events" test "$(wc -l < "$T/log")" = 8
like "$T/log" "^时间	事件	操作人	单位	下一级	原因	说明	修改内容\$" "tsv header (修改内容: changes, since December 2026)"
cut -f2 "$T/log" | tail -n +2 | tr '\n' ' ' > "$T/ev"
ok "oldest first (as recorded)" sh -c "grep -q '^created year-added submitted withdrawn submitted forwarded returned \$' '$T/ev'"
like "$T/log" "	submitted	tester@[^	]*	$EMP1	$EMP1			\$" "submitted: next is the employer, who signs it (a signed store)"
like "$T/log" "	forwarded	tester@[^	]*	$EMP1	$SUP2			\$" "forwarded: unit and next"
like "$T/log" "	returned	tester@[^	]*	$SUP2		请补充: 2023年证书		\$" "returned: unit and reason"
like "$T/log" "^20[0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-9:]*Z	" "ISO times"
ok "times are in order" sh -c "cut -f1 '$T/log' | tail -n +2 | sort -c"
expect_code 0 "log as json" ceh log $A --format json
like "$T/out" '"event": *"returned"' "json has the events"
like "$T/out" '"reason": *"请补充: 2023年证书"' "and the reason"
expect_code 0 "log as a table" ceh log $A
like "$T/out" "事件" "table header in Chinese"
expect_code 3 "log of an unknown application" ceh log 430104199001014562-00000000000000000000
expect_code 2 "log with a bad format" ceh log $A --format yaml
expect_code 2 "log without an id" ceh log
done_testing
