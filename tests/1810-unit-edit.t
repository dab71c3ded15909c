#!/bin/sh
# ceh unit edit CODE [--name] [--region] [--parent] (issue 18): a unit is
# corrected without editing units.yaml by hand.  Cycles, a parent of the
# wrong kind and unknown units are refused; a parent change that would
# strand an application waiting below the unit (its new way up leads back
# to a unit it has waited at) is refused naming it and how many, otherwise
# what waits below follows the new tree; the registry is not signed, so no
# key is needed, and every history still verifies.  The store is
# byte-identical after every refusal.
. "$(dirname "$0")/lib.sh"
plan 59
ceh init --signed >/dev/null && mk_units || exit 1
SUP3=12430000MB7654321R
ceh unit add $SUP3 --name 湖南省交通运输厅 --kind supervisor --region 439900 >/dev/null &&
certify_unit $SUP3 || exit 1
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
att() { printf '%%PDF-1.4 evidence %s %s\n' "$1" "$2" > "$T/ev-$1-$2.pdf"; ceh attach "$1" --year "$2" "$T/ev-$1-$2.pdf" >/dev/null; }

expect_code 0 "unit --help names edit" ceh unit --help
like "$T/out" "^       ceh unit edit CODE \[--name NAME\] \[--region REGION\|none\]" "in the usage"
like "$T/out" "^       ceh unit remove CODE" "and remove"

# refusals
before=$(store_digest)
expect_code 2 "edit without a CODE" ceh unit edit --name x
expect_code 2 "edit with nothing to change" ceh unit edit $EMP1
like "$T/err" "needs --name, --region or --parent" "says what it needs"
expect_code 2 "an unknown option" ceh unit edit $EMP1 --kind agency
expect_code 1 "a bad code" ceh unit edit 91430100MA4L12345B --name x
expect_code 3 "an unknown unit" ceh unit edit 91430100MA4L99999E --name x
like "$T/err" "^ceh unit: unit 91430100MA4L99999E is not registered" "says so"
expect_code 1 "an empty name" ceh unit edit $EMP1 --name ''
expect_code 3 "an unregistered parent" ceh unit edit $EMP1 --parent 91430100MA4L99999E
like "$T/err" "parent unit 91430100MA4L99999E is not registered" "says so"
expect_code 1 "an employer as parent" ceh unit edit $EMP1 --parent $EMP2
like "$T/err" "parent unit $EMP2 is employer, not a supervisor" "says so"
expect_code 1 "the agency as parent" ceh unit edit $EMP1 --parent $AGENCY
like "$T/err" "is agency, not a supervisor" "says so"
expect_code 1 "a parent for the agency" ceh unit edit $AGENCY --parent $SUP1
like "$T/err" "no --parent" "says so"
expect_code 1 "its own parent" ceh unit edit $SUP1 --parent $SUP1
expect_code 1 "a cycle: SUP1 under SUP2, which is under SUP1" ceh unit edit $SUP1 --parent $SUP2
like "$T/err" "parent unit $SUP2 is below $SUP1: the tree would have a cycle" "names the cycle"
expect_code 1 "an unknown region" ceh unit edit $EMP1 --region 长沙
check "refused: the store is byte-identical" test "$before" = "$(store_digest)"

# the name, nothing else
cp "$CEH_STORE/units.yaml" "$T/units0"
expect_code 0 "a name corrected" ceh unit edit $EMP1 --name 湖南建工集团股份有限公司
like "$T/out" "^$EMP1	edited\$" "prints CODE<TAB>edited"
check "units.yaml: one line changed" test "$(diff "$T/units0" "$CEH_STORE/units.yaml" | grep -c '^[<>]')" = 2
ceh unit show $EMP1 --format json > "$T/show.json"
check "show has the new name, the rest as before" /usr/bin/python3 -c "
import json; d=json.load(open('$T/show.json'))
assert d['name']=='湖南建工集团股份有限公司', d
assert d['parent']=='$SUP2' and d['region']=='439900' and d['kind']=='employer', d"
check "units.yaml still parses (PyYAML) and keeps every unit" /usr/bin/python3 -c "
import yaml; d=yaml.safe_load(open('$CEH_STORE/units.yaml'))
assert len(d['units'])==7, len(d['units'])"
before=$(store_digest)
expect_code 0 "the same name again" ceh unit edit $EMP1 --name 湖南建工集团股份有限公司
like "$T/out" "^$EMP1	unchanged\$" "says unchanged"
check "and writes nothing" test "$before" = "$(store_digest)"

# applications on their way: A waits at SUP2 (from EMP1); B went EMP1 ->
# SUP3 -> SUP2 by --next, so SUP3 is behind it
A=$(apply_std $ID1); yr $A 2023; att $A 2023
B=$(apply_std $ID2); yr $B 2022; att $B 2022
ceh submit $A $B >/dev/null 2>&1 &&
ceh review --as $EMP1 --approve $A >/dev/null &&
ceh review --as $EMP1 --approve $B --next $SUP3 >/dev/null &&
ceh review --as $SUP3 --approve $B --next $SUP2 >/dev/null || exit 1

before=$(store_digest)
expect_code 4 "SUP2 under SUP3 would send B back to SUP3" ceh unit edit $SUP2 --parent $SUP3
like "$T/err" "^ceh unit: the change would strand 1 application waiting for review: $B at $SUP2: its new way up leads back to $SUP3, where it has waited since its submission; let it be decided or returned first\$" "names it, where it waits and why"
check "refused: the store is byte-identical" test "$before" = "$(store_digest)"
LC_ALL=zh_CN.UTF-8 ceh unit edit $SUP2 --parent $SUP3 2>"$T/zh"
like "$T/zh" "无路可走：$B（在 $SUP2 等待审核）：新的审核路线回到 $SUP3" "the Chinese message names it too"

# B decided by SUP2 (to SUP1), then the same move is allowed; A follows it
ceh review --as $SUP2 --approve $B >/dev/null || exit 1
mv "$XDG_CONFIG_HOME/ceh/keys" "$T/keys.away"
expect_code 0 "SUP2 under SUP3, with no key at hand" ceh unit edit $SUP2 --parent $SUP3
mv "$T/keys.away" "$XDG_CONFIG_HOME/ceh/keys"
like "$T/out" "^$SUP2	edited\$" "edited"
like "$T/err" "^ceh unit: 1 application waiting for review goes on along the new way up\$" "says what waits below follows"
ceh unit show $EMP1 --format json > "$T/chain.json"
check "EMP1's chain: SUP2, SUP3, the agency" /usr/bin/python3 -c "
import json; d=json.load(open('$T/chain.json'))
assert [c['code'] for c in d['chain']]==['$SUP2','$SUP3','$AGENCY'], d['chain']"
expect_code 0 "SUP2 forwards A" ceh review --as $SUP2 --approve $A
like "$T/out" "forwarded to $SUP3" "A goes to SUP2's new parent"
expect_code 0 "SUP3 forwards A to the agency" ceh review --as $SUP3 --approve $A
like "$T/out" "forwarded to $AGENCY" "its parentless region's agency"
for x in $A $B; do ceh verify $x >/dev/null 2>&1 || echo "bad $x"; done > "$T/bad"
check "both still verify" test ! -s "$T/bad"

# the agency's region decides whom it serves: every waiting application
# is checked (B waits at SUP1, of 湖南省省本级, which an agency of 长沙市
# would not serve)
before=$(store_digest)
expect_code 4 "the only agency moved to 长沙市 would leave B without one" ceh unit edit $AGENCY --region 430100
like "$T/err" "strand 1 application waiting for review: $B at $SUP1: no agency is registered for the region of $SUP1 \('439900'\)" "names it and why"
check "refused: the store is byte-identical" test "$before" = "$(store_digest)"
expect_code 0 "its name may change all the same" ceh unit edit $AGENCY --name 湖南省人社厅
check "no routing change, nothing said" test ! -s "$T/err"

# first-level again, and a region
expect_code 0 "SUP3 --parent none is already first-level: unchanged" ceh unit edit $SUP3 --parent none
like "$T/out" "unchanged" "unchanged"
expect_code 0 "EMP2 to region 长沙市, first-level" ceh unit edit $EMP2 --region 长沙市 --parent none
grep -A5 "code: \"$EMP2\"" "$CEH_STORE/units.yaml" > "$T/emp2"
like "$T/emp2" 'parent: ""' "no parent"
like "$T/emp2" 'region: "430100"' "the region stored as its code"
expect_code 0 "EMP2 --region none" ceh unit edit $EMP2 --region none
grep -A5 "code: \"$EMP2\"" "$CEH_STORE/units.yaml" > "$T/emp2"
like "$T/emp2" 'region: ""' "no region"
expect_code 0 "fsck after the edits" ceh fsck
check "fsck reports nothing" test ! -s "$T/out"
done_testing
