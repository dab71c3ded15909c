#!/bin/sh
# ceh verify-slip: the slip number works as well as the code, and a valid
# or changed slip's figures are shown year by year (公需科目, 专业科目,
# total, met) for the official to compare with the paper (issue 18).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 31

ceh print-slip --id $ID1 --from 2019 --to 2023 > "$T/slip.txt" || exit 1
num=$(sed -n 's/^编号：\([^ ]*\) .*/\1/p' "$T/slip.txt")
code=$(sed -n 's/^验证码：\([^（]*\)（.*/\1/p' "$T/slip.txt")
before=$(store_digest)

# ---- by number ----
expect_code 0 "by its number" ceh verify-slip $num
cp "$T/out" "$T/bynum"
like "$T/bynum" "^valid: slip $num was issued by this store on 2025-06-01" "valid"
like "$T/bynum" "^slip $num for 张三 \($ID1\), 2019-2023: 2 of 5 years met, 280.5 hours in all$" "what it certifies"
expect_code 0 "by its code" ceh verify-slip $code
same "$T/out" "$T/bynum" "says the same as by the code"
lower=$(echo $num | tr 'A-Z' 'a-z')
expect_code 0 "the number in lower case" ceh verify-slip "$lower"
# O for 0, I/L for 1 after the dash, as on the code (where the random
# part has a 0 or a 1)
typo=$(echo $num | sed 's/\(-.*\)0/\1O/g; s/\(-.*\)1/\1l/g')
expect_code 0 "O for 0 and l for 1 after the dash" ceh verify-slip "$typo"
expect_code 0 "spaces around it" ceh verify-slip " $num "
expect_code 3 "a number never issued" ceh verify-slip 20250601-0000000000
like "$T/out" "^unknown: no slip numbered 20250601-0000000000 was issued by this store$" "unknown"
expect_code 1 "neither a code nor a number" ceh verify-slip 2025-06-01-ABC
like "$T/err" "is not a verification code .*, a slip number \(e.g. 20250601-74X1VX7MF5\) nor a slip payload" "names the three forms"
expect_code 2 "a number with --trust" ceh verify-slip --trust /dev/null $num
like "$T/err" "a verification code or slip number is checked only in the store that issued it" "says why"

# ---- year by year ----
ok "the table: a header, five years, the totals" python3 -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith("year "))
assert lines[i].split() == ["year", "public", "(公需科目)", "professional", "(专业科目)", "total", "met"], lines[i]
rows = [l.split() for l in lines[i + 1:i + 7]]
assert rows[0] == ["2019", "30", "60", "90", "met", "(达标)"], rows[0]
assert rows[1] == ["2020", "20", "70", "90", "not", "met", "(不达标)"], rows[1]
assert rows[2] == ["2021", "not", "approved", "(未核认)"], rows[2]
assert rows[3] == ["2022", "40.5", "60", "100.5", "met", "(达标)"], rows[3]
assert rows[4] == ["2023", "not", "approved", "(未核认)"], rows[4]
assert rows[5] == ["in", "all", "90.5", "190", "280.5", "2", "of", "5", "years", "met"], rows[5]
' "$T/bynum"
ok "the figures are right-aligned in their columns" python3 -c '
import sys, unicodedata
def w(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith("year "))
ends = set()
for l in [lines[i + 1], lines[i + 2], lines[i + 4], lines[i + 6]]:
    # the end of the total column: just before the two spaces that precede the mark
    t = l.rstrip().rsplit("  ", 1)[0]
    ends.add(w(t))
assert len(ends) == 1, ends' "$T/bynum"
ok "in Chinese: the guide's words" sh -c "LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 ceh verify-slip $num > '$T/zh'"
like "$T/zh" "^年度 +公需科目 +专业科目 +合计 +是否达标$" "Chinese header"
like "$T/zh" "^2020 +20 +70 +90 +不达标$" "Chinese mark"
like "$T/zh" "^2021 +未核认$" "未核认"
like "$T/zh" "^合计 +90.5 +190 +280.5 +5 个年度中 2 个达标$" "Chinese totals"
like "$T/zh" "^valid: " "the verdict word stays the machine word"

# ---- a JSON file; a changed slip ----
ceh print-slip --id $ID1 --from 2019 --to 2023 --format json > "$T/slip.json" 2>/dev/null || exit 1
expect_code 0 "--file shows the years too" ceh verify-slip --file "$T/slip.json"
like "$T/out" "^2022 +40.5 +60 +100.5 +met" "2022 from the file"
A4=$(apply_std $ID1 --unit $EMP3) && yr $A4 2023 30 60 && approve $A4 || exit 1
expect_code 4 "after 2023 was approved: changed" ceh verify-slip $num
like "$T/out" "^changed: .*2023: slip 未核认, now 公需 30 \+ 专业 60 = 90" "names the year"
like "$T/out" "^2023 +not approved" "the table is the slip's, as printed"
expect_code 1 "an altered file" sh -c "sed 's/\"professional_hours\": 70,/\"professional_hours\": 80,/' '$T/slip.json' > '$T/alt.json' && ceh verify-slip --file '$T/alt.json'"
unlike "$T/out" "^year " "no table for an altered slip"

# ---- a signed slip: its payload, in the store and elsewhere ----
ceh key generate --unit $AGENCY --key "$T/agency.key" > "$T/agency.pub" || exit 1
ceh print-slip --id $ID1 --from 2020 --to 2022 --key "$T/agency.key" > "$T/signed.txt" || exit 1
payload=$(sed -n 's/^核验码：//p' "$T/signed.txt")
expect_code 0 "a payload checked with --trust" ceh verify-slip --trust "$T/agency.pub" "$payload"
unlike "$T/out" "^year " "no store: no figures to show beyond the payload's"
done_testing
