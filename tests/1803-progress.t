#!/bin/sh
# The progress line and the error cap (issue 18, scripting details): on a
# terminal a long import shows "FILE: N rows, R/s" on stderr; --quiet
# hides it; it never reaches a file or a pipe.  --max-errors N lists at
# most N row errors, still counting all, and says how many were not
# listed; outcome lines and the rejects file are not cut.  script(1)
# (util-linux) gives the command a terminal.
. "$(dirname "$0")/lib.sh"
plan 29
ceh init --unsigned >/dev/null && mk_units || exit 1
/usr/bin/python3 - "$T/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号\n")
    for i in range(20000):
        f.write("43010219850312123X,张三,2024,公需科目,课%d,1,远程教育,机构,R%d\n" % (i, i))
    for i in range(5):
        f.write("43010219850312123Y,张三,2024,公需科目,课,1,远程教育,机构,B%d\n" % i)
PY
export CEH_PROGRESS_DELAY=0
tty() { script -qec "$*" /dev/null > "$T/tty" 2>&1; }
tty "ceh import --dry-run '$T/big.csv'"
like "$T/tty" "ceh import: $T/big.csv: [0-9]+ rows, [0-9]+/s" "on a terminal: the progress line"
like "$T/tty" "$(printf '\r')" "drawn in place"
tty "LC_ALL=zh_CN.UTF-8 ceh import --dry-run '$T/big.csv'"
like "$T/tty" "ceh import：$T/big.csv：[0-9]+ 行，[0-9]+/秒" "... in Chinese under zh_CN"
tty "ceh --quiet import --dry-run '$T/big.csv'"
unlike "$T/tty" "rows, [0-9]+/s" "--quiet: none"
tty "ceh import --dry-run --quiet '$T/big.csv'"
unlike "$T/tty" "rows, [0-9]+/s" "--quiet after the command name: none"
expect_code 1 "stderr a file" ceh import --dry-run "$T/big.csv"
unlike "$T/err" "rows, [0-9]+/s|$(printf '\033')" "not a terminal: no progress, no escape"
like "$T/err" "rejected 5" "five bad rows"
check "all five listed" test "$(grep -c "^ceh import: $T/big.csv:2000[2-6]: " "$T/err")" = 5

expect_code 1 "--max-errors 2" ceh --max-errors 2 import --dry-run --rejects "$T/rej.csv" "$T/big.csv"
check "two listed" test "$(grep -c "^ceh import: $T/big.csv:2000[2-6]: " "$T/err")" = 2
like "$T/err" "^ceh import: 3 more errors not listed \\(--max-errors 2\\)$" "the rest counted"
like "$T/err" "rejected 5" "the summary counts all five"
check "the rejects file has all five" test "$(tail -n +2 "$T/rej.csv" | wc -l)" = 5
expect_code 2 "--max-errors needs a number" ceh import --max-errors many "$T/big.csv"
like "$T/err" "^ceh import: --max-errors needs a number, not 'many'" "says so"

# fsck: the applications checked; its stdout lines never mixed with it
for i in 1 2 3; do apply_std $ID1 > /dev/null; done
tty "ceh fsck"
like "$T/tty" "ceh fsck: checked: [0-9]+ applications, [0-9]+/s" "fsck on a terminal: the progress line"
expect_code 0 "fsck with stderr a file" ceh fsck
unlike "$T/err" "applications, [0-9]+/s" "... none in a file"

# a batch review: decided of all
ids=$(ceh list --stage draft --format tsv | tail -n +2 | cut -f1)
for a in $ids; do ceh add-year $a --year 2024 --public-subject 公需 --public-hours 30 --public-form 远程教育 >/dev/null; done
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
echo "$ids" | ceh submit - > /dev/null 2>&1
echo "$ids" > "$T/ids"
tty "ceh review --as $EMP1 --approve - < '$T/ids'"
like "$T/tty" "ceh review: decided: [0-9]+/3 applications \([0-9]+%\)" "batch review on a terminal: done of all"
like "$T/tty" "forwarded to" "and its outcome lines"
check "three outcome lines" test "$(grep -c 'forwarded to' "$T/tty")" = 3

# a report over 3,000 documents (genstore's store; the index would be
# too quick to show anything)
"$CEH_BUILD/bench/genstore" -n 3000 -q 10 -r 10 "$T/big" "$T/big.info" >/dev/null 2>&1
tty "CEH_STORE='$T/big' CEH_INDEX=off ceh stats"
like "$T/tty" "ceh stats: read: [0-9]+ applications, [0-9]+/s" "stats on a terminal: the applications read"
tty "CEH_STORE='$T/big' CEH_INDEX=off ceh shortfall --year 2024 --format tsv"
like "$T/tty" "ceh shortfall: read: [0-9]+ applications, [0-9]+/s" "shortfall too"

# the bulk forms and a batch's failures
printf '年度,证件号码\n2024,\n2024,\n2024,\n' > "$T/years.csv"
expect_code 1 "add-year --from: three bad rows, one listed" ceh --max-errors 1 add-year --from "$T/years.csv"
check "one row error listed" test "$(grep -c "years.csv:[0-9]" "$T/err")" = 1
like "$T/err" "2 more errors not listed" "and the others counted"
expect_code 3 "withdraw of three unknown ids, none listed" ceh --max-errors 0 withdraw ${ID1}-00000000000000000000 ${ID2}-00000000000000000000 ${ID3}-00000000000000000000
check "three outcome lines all the same" test "$(grep -c "	error 3: " "$T/out")" = 3
