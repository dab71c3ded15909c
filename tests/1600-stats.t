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
. "$(dirname "$0")/1600-store.sh"

$ORACLE dump > "$T/dump.json" || exit 1
before=$(store_digest)

plan 66

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
printf '[{"people": 1, "met_rate": "33.3"}]' > "$T/bad.json"
ok "the oracle's type check can fail: a rate given as a string" sh -c "! $ORACLE norm-stats < '$T/bad.json' 2>/dev/null"
printf '[{"id_number": "1", "year": 2024, "public_hours": "30"}]' > "$T/bad.json"
ok "and hours given as a string" sh -c "! $ORACLE norm-shortfall < '$T/bad.json' 2>/dev/null"
ok "stats and shortfall changed nothing" test "$before" = "$(store_digest)"
done_testing
