#!/bin/sh
# ceh print-slip --format pdf: one A4 page, Chinese text extractable with
# pdftotext, the font embedded as a subset, a small file, the same text
# for the same slip.
. "$(dirname "$0")/lib.sh"
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
	echo "1..0 # SKIP pdftotext/pdfinfo not installed (poppler-utils; tools/deps.sh)"
	exit 0
fi
. "$(dirname "$0")/0500-slip-lib.sh"
plan 38

expect_code 0 "pdf to a file" ceh print-slip --id $ID1 --from 2019 --to 2023 --format pdf -o "$T/s.pdf"
num=$(cut -f1 "$T/out")
code=$(cut -f2 "$T/out")
ok "it is a PDF" sh -c "head -c 5 '$T/s.pdf' | grep -q '%PDF-'"
pdfinfo "$T/s.pdf" > "$T/info" 2>&1
like "$T/info" "^Pages: +1$" "one page"
like "$T/info" "^Page size: +595.2[0-9]* x 841.8[0-9]* pts \(A4\)" "A4"
like "$T/info" "^Title: +湖南省专业技术人员继续教育学时认定单$" "title in the metadata"
like "$T/info" "^CreationDate: .*2025" "creation date is the issue time, not the wall clock"
pdffonts "$T/s.pdf" > "$T/fonts" 2>&1
ok "every font is embedded and subset" sh -c "awk 'NR > 2 && (\$(NF-4) != \"yes\" || \$(NF-3) != \"yes\") { bad = 1 } END { exit bad }' '$T/fonts'"
like "$T/fonts" "^[A-Z]{6}\+" "subset fonts have tagged names"
# bold is the regular face drawn twice, not cairo's synthetic-bold Type 1
# fallback: one font, at most its CID and its WinAnsi subset
nfonts=$(awk 'NR > 2' "$T/fonts" | wc -l)
ok "at most two font subsets, no Type 1 fallback ($nfonts)" sh -c "test $nfonts -le 2 && ! grep -q 'Type 1' '$T/fonts'"
size=$(stat -c %s "$T/s.pdf")
echo "# pdf size: $size bytes"
ok "small: under 100 kB ($size bytes)" test "$size" -lt 100000
pdftotext -layout "$T/s.pdf" "$T/s.txt"
like "$T/s.txt" "湖南省专业技术人员继续教育学时认定单" "title extractable"
like "$T/s.txt" "编号：$num" "number"
like "$T/s.txt" "打印日期：2025-06-01" "date printed"
like "$T/s.txt" "姓名 +张三 +性别 +男 +证件号码 +$ID1" "person"
like "$T/s.txt" "湖南某民营建筑公司（$EMP3）" "employer"
like "$T/s.txt" "工程 +子专业 +建筑学 +拟申报职称 +正高级" "series, specialty, title level"
like "$T/s.txt" "2019 +30 +远程教育 +60 +培训班 +90 +达标" "2019 row"
like "$T/s.txt" "2020 +20 +远程教育 +70 +培训班 +90 +不达标" "2020 row, not met"
like "$T/s.txt" "数字产业化和" "subjects wrap inside their cells"
like "$T/s.txt" "2021 +未核认（无审核通过的学时） +无 +不达标" "2021 shown as not approved"
like "$T/s.txt" "2023 +未核认（无审核通过的学时） +无 +不达标" "2023 shown as not approved"
like "$T/s.txt" "2022 +40.5 +远程教育 .*60 +培训班 +100.5 +达标" "2022: half hours"
like "$T/s.txt" "BIM<应用" "the subject as given (wrapped in its cell)"
like "$T/s.txt" ">&\"实践\"" "to its end"
like "$T/s.txt" "合计 +90.5 +190 +280.5 +2/5" "totals"
like "$T/s.txt" "核认跨度内各年度均达标：否" "range not met"
like "$T/s.txt" "人社部令第25号" "basis"
like "$T/s.txt" "验证码：$code" "code"
ok "the code on the PDF verifies" ceh verify-slip "$code"

# the same slip gives the same text: two slips differ only in number and code
ceh print-slip --id $ID1 --from 2019 --to 2023 --format pdf > "$T/t.pdf" 2>"$T/err"
pdftotext "$T/s.pdf" "$T/s.raw"
pdftotext "$T/t.pdf" "$T/t.raw"
norm() { sed -e 's/[0-9]\{8\}-[0-9A-Z]\{10\}/NUMBER/' -e 's/[0-9A-Z]\{4\}\(-[0-9A-Z]\{4\}\)\{4\}/CODE/' "$1" | tr -s ' \n' | LC_ALL=C sort; }
norm "$T/s.raw" > "$T/s.norm"
norm "$T/t.raw" > "$T/t.norm"
same "$T/s.norm" "$T/t.norm" "pdf to stdout: the same text but for number and code"

# ten years: one page with names of usual length; with names at the limit
# the text gets smaller, then rows go on to a second page, none is lost
A=$(apply_std $ID2 --unit $EMP3) || exit 1
B=$(apply_std $ID3 --unit $EMP3) || exit 1
long=$(python3 -c 'print("建筑信息模型技术在装配式建筑施工中的应用与实践" * 4)')
for y in 2015 2016 2017 2018 2019 2020 2021 2022 2023 2024; do
	yr $A $y 30 60 '建筑信息模型（BIM）技术在装配式建筑施工中的应用与实践'
	yr $B $y 30 60 "$long"
done
approve $A && approve $B || exit 1
expect_code 0 "ten years" ceh print-slip --id $ID2 --from 2015 --to 2024 --format pdf -o "$T/ten.pdf"
pdfinfo "$T/ten.pdf" > "$T/info" 2>&1
like "$T/info" "^Pages: +1$" "fit on one page"
expect_code 0 "ten years of 92-character subjects" ceh print-slip --id $ID3 --from 2015 --to 2024 --format pdf -o "$T/huge.pdf"
pdftotext -layout "$T/huge.pdf" "$T/huge.txt"
ok "every year is there" sh -c "for y in 2015 2016 2017 2018 2019 2020 2021 2022 2023 2024; do grep -q \"^ *\$y \" '$T/huge.txt' || exit 1; done"
like "$T/huge.txt" "验证码：[0-9A-Z-]{24}" "and the code after them"

# a name with characters outside the main font (Ext A 䶮, Ext B 𠀾): the
# fallback font supplies them, embedded and extractable
P=$(apply_std 370101190102039973 --unit $EMP3 --name '王䶮𠀾') || exit 1
yr $P 2022 30 60 && approve $P || exit 1
expect_code 0 "a rare name" ceh print-slip --id 370101190102039973 --from 2022 --to 2022 --format pdf -o "$T/rare.pdf"
pdftotext "$T/rare.pdf" "$T/rare.txt"
like "$T/rare.txt" "王䶮𠀾" "is extracted as written"
pdffonts "$T/rare.pdf" > "$T/fonts" 2>&1
ok "all its fonts are embedded subsets" sh -c "awk 'NR > 2 && (\$(NF-4) != \"yes\" || \$(NF-3) != \"yes\") { bad = 1 } END { exit bad }' '$T/fonts'"
done_testing
