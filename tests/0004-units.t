#!/bin/sh
# ceh unit add | list | show: credit codes, the parent rules, formats.
. "$(dirname "$0")/lib.sh"
plan 57
ceh init --unsigned >/dev/null
expect_code 0 "unit --help without a store" env CEH_STORE=/nonexistent ceh unit --help
like "$T/out" '^usage: ceh unit add CODE' "usage on stdout"
expect_code 2 "unit without subcommand" ceh unit
expect_code 2 "unknown subcommand" ceh unit frob
expect_code 0 "add an agency" ceh unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000
same "$T/out" /dev/stdin "prints the code" <<OUT
$AGENCY
OUT
expect_code 0 "a code in lower case is stored upper-case" ceh unit add 12430000mb1234567w --name 湖南省住房和城乡建设厅 --kind supervisor --region 湖南省省本级
like "$T/out" "^$SUP1\$" "printed upper-case"
ok "region name stored as its code" grep -q 'region: "439900"' "$CEH_STORE/units.yaml"
ok "units.yaml is private" sh -c "[ \$(stat -c %a '$CEH_STORE/units.yaml') = 600 ]"

store_digest > "$T/before"
expect_code 1 "wrong check character refused" ceh unit add 91430100MA4L33333X --name x --kind employer
like "$T/err" "check character is wrong \(expected R\)" "naming the expected one"
for L in I O S V Z; do
	expect_code 1 "letter $L refused" ceh unit add 91430100M${L}4L12345A --name x --kind employer
done
like "$T/err" "not allowed \(0-9 and A-Z without I, O, S, V, Z\)" "the allowed characters are named"
expect_code 1 "17 characters refused" ceh unit add 91430100MA4L1234 --name x --kind employer
expect_code 3 "a parent that does not exist" ceh unit add $EMP1 --name x --kind employer --parent $SUP2
like "$T/err" "parent unit $SUP2 is not registered" "says so"
expect_code 1 "a parent that is not a supervisor (agency)" ceh unit add $EMP1 --name x --kind employer --parent $AGENCY
like "$T/err" "is agency, not a supervisor" "says so"
expect_code 1 "an agency cannot have a parent" ceh unit add 91430100MA4L33333R --name x --kind agency --parent $SUP1
like "$T/err" "no --parent" "says so"
expect_code 1 "a unit cannot be its own parent" ceh unit add $SUP2 --name x --kind supervisor --parent $SUP2
expect_code 1 "a bad parent code" ceh unit add $SUP2 --name x --kind supervisor --parent 11430000006123456F
like "$T/err" "^ceh unit: --parent " "naming --parent"
expect_code 4 "a duplicate unit" ceh unit add $SUP1 --name 另一个 --kind supervisor
like "$T/err" "$SUP1 is already registered" "says so"
expect_code 1 "an unknown region" ceh unit add $EMP1 --name x --kind employer --region 长沙
like "$T/err" "closest: 长沙市" "lists the closest regions"
expect_code 2 "an unknown kind" ceh unit add $EMP1 --name x --kind boss
expect_code 2 "no --name" ceh unit add $EMP1 --kind employer
expect_code 1 "an empty name" ceh unit add $EMP1 --name '' --kind employer
expect_code 2 "two codes" ceh unit add $EMP1 $EMP2 --name x --kind employer
store_digest > "$T/after"
same "$T/before" "$T/after" "refusals left the store byte-identical"

expect_code 0 "sub-supervisor" ceh unit add $SUP2 --name 省建设工程质量安全监督总站 --kind supervisor --parent $SUP1 --region 439900
expect_code 0 "employer under it (options after operands too)" ceh unit add --name 湖南建工集团有限公司 $EMP1 --kind employer --parent $SUP2 --region 439900
expect_code 0 "first-level employer" ceh unit add $EMP3 --name 湖南某民营建筑公司 --kind employer --region 430100

expect_code 0 "unit list" ceh unit list
like "$T/out" '^统一社会信用代码 +单位名称' "table header"
expect_code 0 "unit list --format tsv" ceh unit list --format tsv
cp "$T/out" "$T/o"
ok "tsv: 5 fields on every line" awk -F'\t' 'NF != 5 { exit 1 }' "$T/o"
like "$T/o" "^$EMP1	湖南建工集团有限公司	employer	$SUP2	439900\$" "tsv row"
expect_code 0 "unit list --format csv" ceh unit list --format csv
cp "$T/out" "$T/o"
ok "csv parses: header and 5 units" python3 -c "
import csv,sys
rows=list(csv.reader(open('$T/o', newline='', encoding='utf-8')))
assert len(rows)==6 and all(len(r)==5 for r in rows), rows"
expect_code 0 "unit list --format json" ceh unit list --format json
cp "$T/out" "$T/o"
ok "json parses" python3 -m json.tool "$T/o"
expect_code 0 "unit list --kind supervisor" ceh unit list --kind supervisor --format tsv
cp "$T/out" "$T/o"
ok "two supervisors only" sh -c "[ \$(wc -l < '$T/o') = 3 ] && ! grep -q employer '$T/o'"
expect_code 2 "unit list --format yaml refused" ceh unit list --format yaml
expect_code 0 "unit show" ceh unit show $EMP1
like "$T/out" '审核链 +湖南建工集团有限公司 → 省建设工程质量安全监督总站 → 湖南省住房和城乡建设厅 → 湖南省人力资源和社会保障厅' "review chain up to the agency"
expect_code 0 "unit show --format json" ceh unit show $EMP1 --format json
cp "$T/out" "$T/o"
ok "json chain: codes with names beside them (format of 2026-12)" python3 -c "
import json
d=json.load(open('$T/o'))
assert [u['code'] for u in d['chain']]==['$SUP2','$SUP1','$AGENCY'] and d['kind']=='employer', d
assert d['chain'][2]['name']=='湖南省人力资源和社会保障厅' and d['parent']=='$SUP2' and d['parent_name']=='省建设工程质量安全监督总站', d
assert d['region']=='439900' and d['region_name']=='湖南省省本级', d"
expect_code 3 "unit show of an unknown unit" ceh unit show $EMP2
done_testing
