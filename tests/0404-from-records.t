#!/bin/sh
# ceh add-year --from-records: year rows built from imported records,
# with their provenance kept and shown; every refusal leaves the store as
# it was.
. "$(dirname "$0")/lib.sh"
plan 42
ceh init --unsigned >/dev/null
mk_units
P1=湖南大学继续教育学院
P2=湖南省专业技术人员继续教育网络平台
P3=湖南省土木建筑学会
cat > "$T/r.csv" <<CSV
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
$ID1,张三,2024,公需科目,专业技术人员职业道德与诚信建设,20,网络培训,$P2,W-1
$ID1,张三,2024,公需科目,人工智能与健康,12,远程教育,$P2,W-2
$ID1,张三,2024,专业科目,建筑工程施工质量控制,40,培训班,$P1,H-1
$ID1,张三,2024,专业科目,装配式建筑设计,24.5,学术会议,$P1,H-2
$ID1,张三,2024,专业科目,工程造价管理实务,8,培训班,$P3,H-1
$ID1,张三,2023,专业科目,岩土工程勘察新规范解读,30,研修,$P3,T-9
$ID2,张三,2024,专业科目,急危重症护理,50,培训班,$P1,H-3
CSV
for i in 1 2 3 4 5 6; do
	echo "$ID1,张三,2022,专业科目,第${i}期建筑结构抗震设计新规范与工程实例解析,10,培训班,$P3,L-$i"
done >> "$T/r.csv"
ceh import "$T/r.csv" 2>/dev/null
A=$(apply_std $ID1)
shard=$(printf %s $ID1 | cut -c15-17)
f="$CEH_STORE/people/$shard/$ID1/draft/${A#*-}.yaml"

expect_code 0 "add-year --help shows --from-records" ceh add-year --help
like "$T/out" '--from-records \[--record ID \.\.\.\]' "second usage form"
expect_code 0 "a year from all its records" ceh add-year $A --year 2024 --from-records
like "$T/out" "^$A\$" "prints the id"
like "$f" '^  public_hours: 32$' "public hours summed (20 + 12)"
like "$f" '^  professional_hours: 72.5$' "professional hours summed (40 + 24.5 + 8)"
like "$f" '^  total_hours: 104.5$' "total"
like "$f" 'public_subject: "?专业技术人员职业道德与诚信建设；人工智能与健康"?$' "public subjects joined with ；"
like "$f" 'professional_subject: "?建筑工程施工质量控制；装配式建筑设计；工程造价管理实务"?$' "professional subjects joined"
like "$f" '^  public_form: 远程教育$' "form of the largest record (canonical)"
like "$f" '^  professional_form: 培训班$' "form of the largest record"
like "$f" "湖南省专业技术人员继续教育网络平台/W-1" "provenance: record keys kept"
like "$f" "湖南省土木建筑学会/H-1" "provenance: same number, other provider kept apart"
unlike "$f" "H-3" "another person's record is not used"
expect_code 0 "show" ceh show $A
like "$T/out" "2024 学时来源.*$P1/H-1.*$P1/H-2" "show lists where the hours came from"

expect_code 0 "a year from named records" ceh add-year $A --year 2024 --replace --from-records --record H-2 --record W-2
like "$f" '^  professional_hours: 24.5$' "only the named professional record"
like "$f" '^  public_hours: 12$' "only the named public record"
like "$f" '^  professional_form: 学术会议$' "its form"
unlike "$f" "$P1/H-1" "the others are not in the provenance"

expect_code 0 "many subjects: the first and a count" ceh add-year $A --year 2022 --from-records
like "$f" 'professional_subject: "?第1期建筑结构抗震设计新规范与工程实例解析等6项"?$' "subject ≤ 100 characters: first name 等6项"
like "$f" '^  professional_hours: 60$' "six records summed"

d=$(store_digest)
expect_code 1 "an ambiguous record number" ceh add-year $A --year 2024 --replace --from-records --record H-1
like "$T/err" "record 'H-1' is ambiguous" "says so"
expect_code 0 "disambiguated by provider" ceh add-year $A --year 2024 --replace --from-records --record "$P3/H-1"
like "$f" '^  professional_hours: 8$' "the named provider's record"
d=$(store_digest)
expect_code 3 "a record not on file" ceh add-year $A --year 2024 --replace --from-records --record H-9
like "$T/err" "record 'H-9' is not on file for $ID1 in 2024" "named"
expect_code 3 "another person's record" ceh add-year $A --year 2024 --replace --from-records --record H-3
expect_code 3 "a year without records" ceh add-year $A --year 2021 --from-records
like "$T/err" "no hour records on file for $ID1 in 2021" "named"
expect_code 4 "the year is there already" ceh add-year $A --year 2024 --from-records
expect_code 2 "subject options with --from-records" ceh add-year $A --year 2023 --from-records --pro-subject x --pro-hours 1 --pro-form 培训班
expect_code 2 "--record without --from-records" ceh add-year $A --year 2023 --record T-9
ok "refusals changed nothing" test "$(store_digest)" = "$d"

B=$(apply_std $ID2 --name 李四)
expect_code 3 "an applicant without records" ceh add-year $B --year 2023 --from-records
expect_code 0 "records of the applicant only" ceh add-year $B --year 2024 --from-records
shard2=$(printf %s $ID2 | cut -c15-17)
like "$CEH_STORE/people/$shard2/$ID2/draft/${B#*-}.yaml" "$P1/H-3" "ID2's own record"
expect_code 0 "show --format json" ceh show $B --format json
check "provenance in JSON" /usr/bin/python3 -c "
import json, sys; d = json.load(open(sys.argv[1]))
assert d['years'][0]['records'] == ['$P1/H-3'], d['years']" "$T/out"
done_testing
