#!/bin/sh
# ceh unit remove CODE (issue 18): only a unit nothing refers to goes --
# no unit below it, no key in trust.log (whose signatures must stay
# verifiable), no application naming it as employer, waiting at it or in
# any event of its history (a transfer's old employer included);
# and, at a site of the exchange, no branch sent to or received for it;
# otherwise refused naming what refers to it, the store byte-identical.
. "$(dirname "$0")/lib.sh"
plan 35
ceh init --unsigned >/dev/null && mk_units || exit 1
X=91430100MA4L33333R
Y=91430100MA4L44444J
AG2=11430100MB0000001G
ceh unit add $X --name 临时录入单位 --kind employer --region 430100 >/dev/null || exit 1
ceh unit add $Y --name 录错的单位 --kind employer --region 430100 >/dev/null || exit 1
ceh unit add $AG2 --name 长沙市人力资源和社会保障局 --kind agency --region 430100 >/dev/null || exit 1
A=$(apply_std $ID1)
Z=$(ceh apply --id $ID2 --name 李四 --ethnicity 汉族 --unit $X --unit-nature 国有企业 \
    --title-level 中级 --phone 15556565657 --series 工程 --specialty 建筑学 --region 长沙市)
ceh transfer $ID2 --to $EMP3 >/dev/null 2>&1 || exit 1
C=$(ceh apply --id $ID3 --name 王五 --ethnicity 汉族 --unit $EMP3 --unit-nature 国有企业 \
    --title-level 中级 --phone 15556565658 --series 工程 --specialty 建筑学 --region 长沙市)
ceh add-year $C --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null &&
printf '%%PDF-1.4 evidence\n' > "$T/ev.pdf" && ceh attach $C --year 2023 "$T/ev.pdf" >/dev/null &&
ceh submit $C >/dev/null || exit 1

before=$(store_digest)
expect_code 2 "remove without CODE" ceh unit remove
expect_code 2 "remove with two" ceh unit remove $X $Y
expect_code 2 "an unknown option" ceh unit remove $Y --force
expect_code 1 "a bad code" ceh unit remove 91430100MA4L44444K
expect_code 3 "an unknown unit" ceh unit remove 91430100MA4L99999E
like "$T/err" "^ceh unit: unit 91430100MA4L99999E is not registered\$" "says so"
expect_code 4 "a supervisor with units below it" ceh unit remove $SUP1
like "$T/err" "^ceh unit: unit $SUP1 has 2 units below it; give them another parent first \(ceh unit edit --parent\)\$" "says how many and what to do"
expect_code 4 "an employer named by an application" ceh unit remove $EMP1
like "$T/err" "^ceh unit: unit $EMP1 is named by 1 application \(1 as employer, 0 waiting at it, 0 in its history; the first: $A\) and stays registered\$" "names it"
expect_code 4 "the old employer of a transfer" ceh unit remove $X
like "$T/err" "named by 1 application \(0 as employer, 0 waiting at it, 1 in its history; the first: $Z\)" "found in the history"
expect_code 4 "an employer something waits at" ceh unit remove $EMP3
like "$T/err" "named by 2 applications \(2 as employer, 0 waiting at it, 0 in their histories" "Z and C, each counted once, as employer"
LC_ALL=zh_CN.UTF-8 ceh unit remove $EMP1 2>"$T/zh"
like "$T/zh" "被 1 份申报引用.*第一份：$A" "the Chinese message names it too"
check "refused: the store is byte-identical" test "$before" = "$(store_digest)"

# a unit nothing refers to
expect_code 0 "remove Y" ceh unit remove $Y
like "$T/out" "^$Y	removed\$" "prints CODE<TAB>removed"
expect_code 3 "Y is gone" ceh unit show $Y
check "units.yaml parses (PyYAML) without Y, the rest in order" /usr/bin/python3 -c "
import yaml; d=yaml.safe_load(open('$CEH_STORE/units.yaml'))
codes=[u['code'] for u in d['units']]
assert codes==['$AGENCY','$SUP1','$SUP2','$EMP1','$EMP2','$EMP3','$X','$AG2'], codes"
expect_code 0 "Y can be added again" ceh unit add $Y --name 长沙某设计公司 --kind employer --region 430100
expect_code 0 "and found" ceh unit show $Y

# an agency: what waits below still reaches one (C at EMP3, of 长沙市:
# the province's agency serves it once AG2 is gone)
expect_code 0 "remove the city agency AG2" ceh unit remove $AG2
ceh unit show $EMP3 --format json > "$T/c.json"
check "EMP3's chain now ends at the province's agency" /usr/bin/python3 -c "
import json; d=json.load(open('$T/c.json'))
assert d['chain'][-1]['code']=='$AGENCY', d['chain']"
expect_code 0 "C goes on to the agency" ceh review --as $EMP3 --approve $C
like "$T/out" "forwarded to $AGENCY" "forwarded there"
expect_code 0 "fsck after the removals" ceh fsck
check "fsck reports nothing" test ! -s "$T/out"

# a signed store: a unit with a key stays (its signatures must verify)
export CEH_STORE="$T/signed"
ceh init --signed --site hr >/dev/null && mk_units || exit 1
before=$(store_digest)
expect_code 4 "a unit with a certified key" ceh unit remove $EMP3
like "$T/err" "^ceh unit: unit $EMP3 has a key in trust.log \([0-9a-f-]*, certified by $AGENCY\), which must stay verifiable; revoke it instead \(ceh unit revoke\)\$" "says why and what to do"
check "refused: the store is byte-identical" test "$before" = "$(store_digest)"
ceh unit add $Y --name 录错的单位 --kind employer --region 430100 >/dev/null
expect_code 0 "a unit never certified goes, without a key" ceh unit remove $Y
# a site of the exchange: a unit with a branch stays
ceh unit add $X --name 临时录入单位 --kind employer --region 430100 >/dev/null &&
ceh send --to $X -o "$T/x.bundle" >/dev/null 2>&1 || echo "# send failed"
before=$(store_digest)
expect_code 4 "a unit something was sent to" ceh unit remove $X
like "$T/err" "^ceh unit: unit $X has a branch of the exchange \(ceh-exchange\(7\)\) and stays registered\$" "says so"
check "refused: the store is byte-identical" test "$before" = "$(store_digest)"
done_testing
