#!/bin/sh
# ceh stats and ceh shortfall on a store with known answers, every figure
# checked twice: against numbers worked out by hand below, and against an
# independent computation (tests/1600-oracle.py: Python over `ceh show
# --format json` of every application, `ceh unit list`, `ceh records`).
#
# Day 0 is 2025-06-01 (CEH_NOW); the report runs on day 12.
#   P1 ID1  EMP1 (EMP1 < SUP2 < SUP1), 工程 副高级, 湖南省省本级
#       A1 2020 30+60, 2021 30+60, 2022 30.5+60, 2023 40+50 (below the
#          rule): submitted and approved by EMP1 d0, SUP2 d5, SUP1 d6,
#          agency d10: approved
#       A2 2022 (approved in A1: declared again) 30+60, 2024 30+60: draft
#       a record of 2019 on file, never declared
#   P2 ID2  EMP2 (< SUP1), 工程 中级, 长沙市
#       B1 2023 30+60: submitted d1, returned by EMP2 d3
#       B2 2024 15+80: submitted d4, EMP2 d4: waits at SUP1 since d4
#   P3 ID3  EMP3 (first-level), 卫生 正高级, 芙蓉区 (under 长沙市)
#       C1 2022, 2023 30+60: submitted d2, withdrawn d3
#       C2 2021 30+60: submitted d3, EMP3 d5, agency d7: approved
#   P4 EMP1, 工程 中级: D1 2023 30+60 submitted d1, rejected d2;
#       D2 2023 30+60 submitted d3: waits at EMP1 since d3
#   P5 EMP2: E1 a draft without years
#   P6 EMP3: records of 2024 (公需 12.5 + 专业 40 + 专业 20) and 2023
#       (公需 30); F1 draft 2024 from two of the 2024 records
. "$(dirname "$0")/lib.sh"
ORACLE="/usr/bin/python3 $CEH_ROOT/tests/1600-oracle.py"
P4=430102198001011014
P5=430102198102022126
P6=430102198203033238
D=86400
BASE=1748736000
day() { CEH_NOW=$((BASE + $1 * D)); export CEH_NOW; }
day 0
ceh init >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"

# yr APP YEAR PUBLIC PRO
yr() {
	ceh add-year "$1" --year "$2" --public-subject 公需科目 --public-hours "$3" \
	    --public-form 远程教育 --pro-subject 专业科目 --pro-hours "$4" \
	    --pro-form 培训班 >/dev/null || echo "yr $*: failed" >&2
}
new() { # new ID UNIT SERIES LEVEL REGION
	ceh apply --id "$1" --name 测试 --ethnicity 汉族 --unit "$2" \
	    --unit-nature 事业单位 --title-level "$4" --phone 15556565656 \
	    --series "$3" --specialty 综合 --region "$5"
}
rv() { ceh review --as "$1" "$2" "$3" ${4:+--reason "$4"} >/dev/null || echo "review $*: failed" >&2; }

A1=$(new $ID1 $EMP1 工程 副高级 湖南省省本级)
yr $A1 2020 30 60; yr $A1 2021 30 60; yr $A1 2022 30.5 60; yr $A1 2023 40 50
A2=$(new $ID1 $EMP1 工程 副高级 湖南省省本级)
yr $A2 2022 30 60; yr $A2 2024 30 60
B1=$(new $ID2 $EMP2 工程 中级 长沙市); yr $B1 2023 30 60
B2=$(new $ID2 $EMP2 工程 中级 长沙市); yr $B2 2024 15 80
C1=$(new $ID3 $EMP3 卫生 正高级 芙蓉区); yr $C1 2022 30 60; yr $C1 2023 30 60
C2=$(new $ID3 $EMP3 卫生 正高级 芙蓉区); yr $C2 2021 30 60
D1=$(new $P4 $EMP1 工程 中级 湖南省省本级); yr $D1 2023 30 60
D2=$(new $P4 $EMP1 工程 中级 湖南省省本级); yr $D2 2023 30 60
E1=$(new $P5 $EMP2 工程 中级 长沙市)
cat > "$T/rec.csv" <<EOF
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
$P6,测试,2024,公需科目,数字经济,12.5,远程教育,机构甲,R1
$P6,测试,2024,专业科目,专业课一,40,培训班,机构甲,R2
$P6,测试,2024,专业科目,专业课二,20,培训班,机构乙,R3
$P6,测试,2023,公需科目,公需课,30,远程教育,机构甲,R4
$ID1,测试,2019,专业科目,专业课,8,培训班,机构乙,R5
EOF
ceh import "$T/rec.csv" >/dev/null 2>&1 || echo "import failed" >&2
F1=$(new $P6 $EMP3 工程 中级 长沙市)
ceh add-year $F1 --year 2024 --from-records --record R1 --record R2 >/dev/null || echo "from-records failed" >&2

ceh submit $A1 >/dev/null; rv $EMP1 --approve $A1
day 1; ceh submit $B1 >/dev/null; ceh submit $D1 >/dev/null
day 2; rv $EMP1 --reject $D1 不符; ceh submit $C1 >/dev/null
day 3; rv $EMP2 --return $B1 补材料; ceh withdraw $C1 >/dev/null
ceh submit $C2 >/dev/null; ceh submit $D2 >/dev/null
day 4; ceh submit $B2 >/dev/null; rv $EMP2 --approve $B2
day 5; rv $SUP2 --approve $A1; rv $EMP3 --approve $C2
day 6; rv $SUP1 --approve $A1
day 7; rv $AGENCY --approve $C2
day 10; rv $AGENCY --approve $A1
day 12

$ORACLE dump > "$T/dump.json" || exit 1
before=$(store_digest)

plan 64

# ---- figures worked out by hand ----
expect_code 0 "stats of the whole store" ceh stats --format json
$ORACLE norm-stats < "$T/out" > "$T/all"
like "$T/all" "^people=6 applications=10 draft=3 waiting_employer=1 waiting_supervisor=1 waiting_agency=0 approved=2 rejected=1 returned=1 withdrawn=1 " "people, applications and every stage"
# person-years without a range: P1 2020-2024 (met 2020 2021 2022; 2023
# below; 2024 draft) 3/5; P2 2023 2024 0/2; P3 2021 2022 2023 1/3;
# P4 2023 0/1; P5 none; P6 2024 0/1 -> 4 met of 12
like "$T/all" " years_met=4 years_not_met=8 met_rate=33.3 " "years met once each, a year approved once and declared again counts once"
# employer stints: A1 0, B1 2, B2 0, C1 1, C2 2, D1 1, D2 9 (open) = 15/7;
# supervisor: A1 at SUP2 5, at SUP1 1, B2 at SUP1 8 (open) = 14/3;
# agency: A1 4, C2 2 = 6/2; approved 2 of 3 decided
like "$T/all" " days_employer=2.1 days_supervisor=4.7 days_agency=3 approval_rate=66.7$" "average days at each level, open stints up to now"
expect_code 0 "2024 by unit" ceh stats --year 2024 --by unit --format json
$ORACLE norm-stats < "$T/out" > "$T/y24"
like "$T/y24" "^unit=$EMP1 .* people=2 applications=1 .* years_met=0 years_not_met=2 met_rate=0 " "EMP1 in 2024: two staff, one application for 2024, none met"
like "$T/y24" "^unit=$EMP3 .* people=2 applications=1 .* years_met=0 years_not_met=2 " "EMP3 in 2024: P3 without a 2024 row counts as not met"
expect_code 0 "2021 overall" ceh stats --year 2021 --format json
$ORACLE norm-stats < "$T/out" > "$T/y21"
like "$T/y21" "^people=6 applications=2 .* years_met=2 years_not_met=4 met_rate=33.3 " "2021: P1 and P3 met, of six people"
expect_code 0 "half hours: 30.5 public stays 30.5" ceh show $A1 --format json
like "$T/out" '"public_hours": 30.5[,}]' "the half hour is in the document (a number)"

# ---- every figure against the independent computation ----
n=0
check_stats() { # ARGS...: ceh stats ARGS against the oracle
	n=$((n + 1))
	$ORACLE stats "$T/dump.json" "$@" > "$T/want.$n"
	ceh stats "$@" --format json > "$T/got.json" 2> "$T/err"
	$ORACLE norm-stats < "$T/got.json" > "$T/got.$n"
	if [ -s "$T/want.$n" ]; then same "$T/want.$n" "$T/got.$n" "stats $*"
	else _report 1 "stats $* (the oracle found nothing)"; fi
}
check_stats
for k in unit supervisor region series level year stage; do check_stats --by $k; done
check_stats --by unit,year
check_stats --by stage,year --from 2022 --to 2024
check_stats --by year --from 2019 --to 2025
check_stats --by unit --year 2023
check_stats --unit $SUP1 --subtree --by unit
check_stats --unit $SUP2 --subtree --by supervisor,stage
check_stats --unit $EMP1 --by year
check_stats --region 430100 --by region
check_stats --region 长沙市 --by unit,stage
check_stats --series 卫生 --by level
check_stats --level 中级 --by unit,year --year 2024

check_short() {
	n=$((n + 1))
	$ORACLE shortfall "$T/dump.json" "$@" > "$T/want.$n"
	ceh shortfall "$@" --format json > "$T/got.json" 2> "$T/err"
	$ORACLE norm-shortfall < "$T/got.json" > "$T/got.$n"
	if [ -s "$T/want.$n" ]; then same "$T/want.$n" "$T/got.$n" "shortfall $*"
	else _report 1 "shortfall $* (the oracle found nothing)"; fi
}
check_short --year 2024
check_short --year 2023
check_short --from 2019 --to 2024
check_short --for senior --year 2025
check_short --for intermediate --year 2025
check_short --for senior --year 2025 --unit $SUP1 --subtree
check_short --year 2024 --unit $EMP3
check_short --year 2024 --region 430100 --level 中级

# ---- shortfall by hand ----
ceh shortfall --year 2023 --format json > "$T/s23"
$ORACLE norm-shortfall < "$T/s23" > "$T/s23.n"
like "$T/s23.n" "^id_number=$ID1 .* year=2023 status=below_rule public_hours=40 professional_hours=50 total_hours=90 lack_public=0 lack_professional=10 lack_total=0 " "approved below the rule: what it lacks"
like "$T/s23.n" "^id_number=$ID2 .* status=not_approved public_hours=0 .* lack_public=30 lack_professional=60 lack_total=90 declared_public=30 declared_professional=60 " "returned: declared, not approved"
like "$T/s23.n" "^id_number=$P6 .* status=undeclared .* records_undeclared=1 records_public=30 records_professional=0 " "hours on record never declared"
like "$T/s23.n" "^id_number=$ID3 .* year=2023 status=not_approved .* declared_public=30 declared_professional=60 " "withdrawn: declared, not approved"
ceh shortfall --year 2024 --format json > "$T/s24"
$ORACLE norm-shortfall < "$T/s24" > "$T/s24.n"
like "$T/s24.n" "^id_number=$P6 .* year=2024 status=not_approved .* declared_public=12.5 declared_professional=40 records_undeclared=1 records_public=0 records_professional=20 " "half hours declared from records; the record left out is shown"
like "$T/s24.n" "^id_number=$ID2 .* year=2024 .* declared_public=15 declared_professional=80 " "the application waiting at SUP1"
like "$T/s24.n" "^id_number=$P5 .* status=undeclared " "a person with an empty draft falls short"
ceh shortfall --from 2019 --to 2019 --unit $EMP1 --format json > "$T/s19"
like "$T/s19" "\"records_undeclared\": 1," "a 2019 record of P1 never declared"
ceh shortfall --for senior --year 2025 --unit $EMP1 --format tsv > "$T/span"
ok "senior 2025: P1 short in 2023 and 2024 only, P4 in 2020-2024" sh -c "
	test \$(grep -c '^$ID1' '$T/span') = 2 && test \$(grep -c '^$P4' '$T/span') = 5"
like "$T/span" "^$ID1	.*	2023	below_rule	" "the span includes the year approved below the rule"

# ---- the national rule: same documents, other thresholds ----
cp "$CEH_STORE/store.yaml" "$T/store.yaml.hunan"
sed -i 's/scheme: hunan/scheme: national/' "$CEH_STORE/store.yaml"
$ORACLE dump > "$T/dump.json" || exit 1
check_stats --by unit
check_short --from 2020 --to 2024
ceh shortfall --year 2024 --unit $EMP2 --format json > "$T/nat"
$ORACLE norm-shortfall < "$T/nat" > "$T/nat.n"
like "$T/nat.n" "^id_number=$ID2 .* lack_public=0 lack_professional=60 lack_total=90 " "national: no public minimum"
cp "$T/store.yaml.hunan" "$CEH_STORE/store.yaml"

# ---- formats, errors, read-only ----
expect_code 0 "table" ceh stats --by unit
like "$T/out" "^ *合计 " "the table ends with the total"
expect_code 0 "csv" ceh shortfall --year 2024 --format csv
like "$T/out" "^身份证,姓名," "csv header"
expect_code 2 "--by of an unknown key" ceh stats --by colour
expect_code 2 "--subtree without --unit" ceh stats --subtree
expect_code 2 "--year with --from" ceh stats --year 2024 --from 2023 --to 2024
expect_code 3 "an unknown unit" ceh stats --unit 91430100MA4L99999E
like "$T/err" "unit" "names the unit"
expect_code 2 "shortfall needs years" ceh shortfall --unit $EMP1
expect_code 1 "--for of a junior title" ceh shortfall --for junior --year 2025
expect_code 1 "a bad region" ceh shortfall --year 2024 --region 火星
ok "stats and shortfall changed nothing" test "$before" = "$(store_digest)"
done_testing
