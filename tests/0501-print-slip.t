#!/bin/sh
# ceh print-slip: content of the text, HTML and JSON slips, the span of
# --for, rule marking (Hunan and national), empty years, the record in the
# store, and the refusals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 95

expect_code 0 "--help" ceh print-slip --help
like "$T/out" "^usage: ceh print-slip --id IDNUMBER" "usage on stdout"

# ---- text ----
n0=$(slips)
expect_code 0 "text slip for 2019-2023" ceh print-slip --id $ID1 --from 2019 --to 2023
cp "$T/out" "$T/slip.txt"
like "$T/slip.txt" "^ +湖南省专业技术人员继续教育学时认定单$" "title, centred"
like "$T/slip.txt" "^编号：20250601-[0-9A-Z]{10} +打印日期：2025-06-01$" "number and date printed"
like "$T/slip.txt" "^姓名：张三 +性别：男 +证件号码：$ID1$" "name, sex from the ID number, ID number"
like "$T/slip.txt" "^工作单位：湖南某民营建筑公司（$EMP3）$" "employer by name and code"
like "$T/slip.txt" "^申报系列/子专业：工程 / 建筑学 +拟申报职称：正高级$" "series, specialty and title level of the latest approved application"
like "$T/slip.txt" "^核认年度：2019—2023（共 5 年）$" "the range"
like "$T/slip.txt" "^认定标准：每年合计≥90，公需科目≥30，专业科目≥60$" "the rule"
like "$T/slip.txt" "^2019  公需  数字产业化和产业数字化 +30  远程教育$" "2019 public line"
like "$T/slip.txt" "^      专业  建筑结构抗震新技术 +60  培训班$" "professional line"
ok "2019 met, 2020 (public 20) not met under Hunan's rule" sh -c "grep -A2 '^2019' '$T/slip.txt' | grep -q '合计 *90  达标\$' && grep -A2 '^2020' '$T/slip.txt' | grep -q '合计 *90  不达标\$'"
like "$T/slip.txt" "^      核认  湖南省人力资源和社会保障厅 2025-06-01$" "approving agency and date"
like "$T/slip.txt" "^2021  未核认（无审核通过的学时） +无  不达标$" "2021 only in a draft: shown as not approved"
like "$T/slip.txt" "^2023  未核认（无审核通过的学时） +无  不达标$" "2023 without any application: shown, not left out"
like "$T/slip.txt" "^ +合计 +100.5  达标$" "half hours add up (40.5 + 60)"
like "$T/slip.txt" "^合计：公需科目 90.5 学时，专业科目 190 学时，共 280.5 学时$" "totals"
like "$T/slip.txt" "^核认年度 3/5，达标年度 2/5；核认跨度内各年度均达标：否$" "years approved, met, range not met"
like "$T/slip.txt" "^依据：.*人社部令第25号" "the basis"
like "$T/slip.txt" "^验证码：[0-9A-Z]{4}(-[0-9A-Z]{4}){4}" "a grouped verification code"
ok "the hours column is aligned (CJK counts two columns)" python3 -c '
import sys, unicodedata
def w(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
ends = set()
for l in open(sys.argv[1], encoding="utf-8"):
    l = l.rstrip("\n")
    if (l[:4].isdigit() or l[:4] == "    ") and (l[6:8] in ("公需", "专业", "合计") or "未核认" in l):
        tail = l.rsplit("  ", 1)[0].rstrip()
        ends.add(w(tail))
sys.exit(0 if len(ends) == 1 else 1)' "$T/slip.txt"
ok "the slip is recorded in the store" test "$(slips)" = $((n0 + 1))
num=$(sed -n 's/^编号：\([^ ]*\) .*/\1/p' "$T/slip.txt")
code=$(sed -n 's/^验证码：\([^（]*\)（.*/\1/p' "$T/slip.txt")
ok "the record is named by number and code, mode 600" sh -c "f=\$(ls '$CEH_STORE'/slips/$num.*.yaml) && [ \"\$f\" = '$CEH_STORE/slips/$num.'\$(echo $code | tr -d -)'.yaml' ] && [ \$(stat -c %a \"\$f\") = 600 ]"
ok "the record never holds the secret" sh -c "! grep -q \$(cat '$CEH_STORE/secret') '$CEH_STORE'/slips/*"
# the same figures again: the slip already issued (issue 18; more in
# tests/1820-slip-reissue.t)
expect_code 0 "the same range again" ceh print-slip --id $ID1 --from 2019 --to 2023
like "$T/out" "^编号：$num " "is the slip already issued: same number"
ok "not recorded again" test "$(slips)" = $((n0 + 1))

# ---- --for ----
expect_code 0 "--for senior --year 2024" ceh print-slip --id $ID1 --for senior --year 2024
like "$T/out" "^核认年度：2019—2023（共 5 年）$" "senior: Y-5..Y-1"
expect_code 0 "--for intermediate --year 2024" ceh print-slip --id $ID1 --for intermediate --year 2024 --format json
cp "$T/out" "$T/j"
ok "intermediate: Y-4..Y-1, four rows" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["from"], d["to"]) == (2020, 2023), d
assert [y["year"] for y in d["years"]] == [2020, 2021, 2022, 2023]
assert d["totals"]["years"] == 4' "$T/j"

# ---- JSON ----
expect_code 0 "json slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --format json
cp "$T/out" "$T/slip.json"
ok "json: every figure, stable keys" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["format", "title", "number", "code", "signed_store", "issued", "printed_on", "basis", "rule", "person", "from", "to", "years", "totals", "all_met"], list(d)
assert d["signed_store"] is False  # an unsigned store (0500-slip-lib.sh)
assert list(d["person"]) == ["id_number", "name", "sex", "unit", "unit_name", "series", "specialty", "title_level", "application"]
keys = ["year", "approved", "public_subject", "public_hours", "public_form", "professional_subject", "professional_hours", "professional_form", "total_hours", "met", "agency", "agency_name", "approved_on", "application"]
assert all(list(y) == keys for y in d["years"])
y = {r["year"]: r for r in d["years"]}
assert y[2019]["met"] and y[2019]["total_hours"] == 90 and y[2019]["approved"]
assert not y[2020]["met"] and y[2020]["public_hours"] == 20
assert not y[2021]["approved"] and y[2021]["total_hours"] == 0 and y[2021]["agency"] == ""
assert y[2022]["public_hours"] == 40.5 and y[2022]["professional_subject"] == "BIM<应用>&\"实践\""
assert y[2022]["agency"] == "91430000MA4L00001D" and y[2022]["approved_on"] == "2025-06-01"
assert d["totals"] == {"public_hours": 90.5, "professional_hours": 190, "total_hours": 280.5, "years": 5, "years_approved": 3, "years_met": 2}
assert d["all_met"] is False
assert d["person"]["title_level"] == "正高级" and d["person"]["sex"] == "男"
assert d["rule"]["scheme"] == "hunan" and d["rule"]["annual_public"] == 30
assert len(d["code"]) == 24' "$T/slip.json"

# ---- HTML ----
expect_code 0 "html slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --format html
cp "$T/out" "$T/slip.html"
like "$T/slip.html" "^<!DOCTYPE html>" "an HTML document"
like "$T/slip.html" "@page \{ size: A4;" "A4 page size for printing"
unlike "$T/slip.html" "(src|href)=|<link|<script" "self-contained: no external resources, no script"
like "$T/slip.html" "<h1>湖南省专业技术人员继续教育学时认定单</h1>" "title"
like "$T/slip.html" "<td>$ID1</td>" "ID number"
like "$T/slip.html" "BIM&lt;应用&gt;&amp;&quot;实践&quot;" "text is escaped"
unlike "$T/slip.html" "BIM<应用>" "no raw markup from the data"
like "$T/slip.html" "<tr><td>2021</td><td class=\"none\" colspan=\"6\">未核认" "empty year shown"
like "$T/slip.html" "<td class=\"n\">100.5</td><td>达标</td>" "2022 total and met"
like "$T/slip.html" "验证码：<span class=\"code\">[0-9A-Z-]{24}</span>" "code"

# ---- other rules from store.yaml ----
cp "$CEH_STORE/store.yaml" "$T/store.yaml.hunan"
sed -i 's/scheme: hunan/scheme: national/' "$CEH_STORE/store.yaml"
expect_code 0 "national rule (total 90, professional >= 2/3)" ceh print-slip --id $ID1 --from 2019 --to 2023 --format json
cp "$T/out" "$T/j"
ok "national: 2020 (20 + 70) is met, 2022 (40.5 + 60 < 2/3) is not" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
y = {r["year"]: r["met"] for r in d["years"]}
assert y == {2019: True, 2020: True, 2021: False, 2022: False, 2023: False}, y
assert d["rule"]["scheme"] == "national"' "$T/j"
expect_code 0 "national rule in text" ceh print-slip --id $ID1 --from 2019 --to 2020
like "$T/out" "^认定标准：每年合计≥90，专业科目≥合计的2/3$" "the rule is named"
like "$T/out" "^核认年度 2/2，达标年度 2/2；核认跨度内各年度均达标：是$" "both years met, and the range"
cp "$T/store.yaml.hunan" "$CEH_STORE/store.yaml"
sed -i 's/annual_public: 30/annual_public: 20/' "$CEH_STORE/store.yaml"
expect_code 0 "Hunan scheme with public >= 20" ceh print-slip --id $ID1 --from 2020 --to 2020 --format json
cp "$T/out" "$T/j"
ok "2020 now met" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["years"][0]["met"] and d["all_met"]' "$T/j"
cp "$T/store.yaml.hunan" "$CEH_STORE/store.yaml"
sed -i 's/^  title: .*/  title: 湖南省专业技术人员继续教育学时核验单/' "$CEH_STORE/store.yaml"
expect_code 0 "the title is a store setting" ceh print-slip --id $ID1 --from 2019 --to 2019
like "$T/out" "^ +湖南省专业技术人员继续教育学时核验单$" "title from store.yaml"
cp "$T/store.yaml.hunan" "$CEH_STORE/store.yaml"

# ---- -o ----
expect_code 0 "-o FILE" ceh print-slip --id $ID1 --from 2019 --to 2023 --format json -o "$T/o.json"
like "$T/out" "^20250601-[0-9A-Z]{10}	[0-9A-Z-]{24}	$T/o.json$" "stdout: number, code, file"
ok "the file is the JSON slip" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/o.json"
# an existing -o FILE is kept unless --force (issue 18): refused before
# anything is issued, so the store is unchanged too
cp "$T/o.json" "$T/o.keep"
before=$(store_digest)
expect_code 4 "-o onto an existing file" ceh print-slip --id $ID1 --from 2019 --to 2023 --format json -o "$T/o.json"
like "$T/err" "^ceh print-slip: '$T/o.json' exists; give --force to replace it$" "says so"
same "$T/o.json" "$T/o.keep" "the file is kept"
check "nothing issued: the store is unchanged" test "$(store_digest)" = "$before"
expect_code 2 "--force without -o" ceh print-slip --id $ID1 --from 2019 --to 2023 --force
expect_code 0 "--force replaces it" ceh print-slip --id $ID1 --from 2019 --to 2023 -o "$T/o.json" --force
like "$T/o.json" "学时认定单" "now the text slip"

# ---- refusals: exit code, message, store unchanged ----
before=$(store_digest)
expect_code 3 "unknown person" ceh print-slip --id $ID2 --from 2019 --to 2023
like "$T/err" "^ceh print-slip: unknown person: no applications for ID number $ID2$" "says so"
expect_code 3 "nothing approved in the range" ceh print-slip --id $ID1 --from 2010 --to 2015
like "$T/err" "has no approved hours in 2010-2015" "says so"
expect_code 3 "only a draft in the range" ceh print-slip --id $ID1 --from 2021 --to 2021
expect_code 1 "a bad ID number" ceh print-slip --id 430102198503121230 --from 2019 --to 2023
expect_code 1 "inverted range" ceh print-slip --id $ID1 --from 2023 --to 2019
like "$T/err" "inverted" "says inverted"
expect_code 1 "a range wider than 10 years" ceh print-slip --id $ID1 --from 2000 --to 2023
like "$T/err" "at most 10" "says the limit"
expect_code 1 "a future year" ceh print-slip --id $ID1 --from 2024 --to 2026
expect_code 1 "a year that is not a number" ceh print-slip --id $ID1 --from 20x9 --to 2023
expect_code 1 "--for with an unknown kind" ceh print-slip --id $ID1 --for junior --year 2024
expect_code 1 "--for with a year too far ahead" ceh print-slip --id $ID1 --for senior --year 2030
expect_code 2 "--from without --to" ceh print-slip --id $ID1 --from 2019
expect_code 2 "--from with --for" ceh print-slip --id $ID1 --from 2019 --to 2023 --for senior --year 2024
expect_code 2 "no --id" ceh print-slip --from 2019 --to 2023
expect_code 2 "unknown format" ceh print-slip --id $ID1 --from 2019 --to 2023 --format docx
ok "refusals changed nothing" test "$before" = "$(store_digest)"

# ---- a failing disk: no slip handed out unless it is recorded ----
for f in write:1 fsync:1 fsync:2 link:1; do
	# a range never printed, so a new slip is recorded
	expect_code 5 "CEH_FAULT=$f: exit 5" env CEH_FAULT=$f ceh print-slip --id $ID1 --from 2021 --to 2022
	cp "$T/out" "$T/fault.out"
	ok "CEH_FAULT=$f: nothing printed" test ! -s "$T/fault.out"
	ok "CEH_FAULT=$f: no record left" test "$before" = "$(store_digest)"
done
done_testing
