#!/bin/sh
# ceh records --name: the hour records of everyone of a name (exact, or a
# prefix with a trailing '*'), across all record shards, each read only up
# to its committed size; --id and --name together narrow.
. "$(dirname "$0")/lib.sh"
plan 36

ceh init --unsigned >/dev/null || exit 1
P=湖南大学继续教育学院
# three people named 张三 (in different shards, most likely), 张三丰, 李四
IDA=$ID1 IDB=$ID2 IDC=$ID3 IDD=11010519491231002X IDE=110101199003070134
cat > "$T/r.csv" <<CSV
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
$IDA,张三,2024,公需科目,职业道德,20,网络培训,$P,A-1
$IDA,张三,2023,专业科目,施工质量,40,培训班,$P,A-2
$IDB,张三,2024,专业科目,护理,30,培训班,$P,B-1
$IDC,张三丰,2024,公需科目,太极,10,网络培训,$P,C-1
$IDD,李四,2024,公需科目,安全,12,网络培训,$P,D-1
$IDE,张 三,2024,公需科目,其他,5,网络培训,$P,E-1
$IDA,张三 ,2022,公需科目,旧课,6,网络培训,$P,A-3
CSV
ceh import "$T/r.csv" >/dev/null 2>&1 || exit 1
shards=$(ls "$CEH_STORE"/records/*.tsv | wc -l)

expect_code 0 "--name 张三" ceh records --name 张三 --format tsv
cut -f1,2,3 "$T/out" | tail -n +2 > "$T/got"
printf '%s\t张三\t2022\n%s\t张三\t2023\n%s\t张三\t2024\n%s\t张三\t2024\n' $IDA $IDA $IDA $IDB | sort -s -t "$(printf '\t')" -k1,1 > "$T/want"
same "$T/want" "$T/got" "exact: every 张三 (the import trimmed '张三 '), by ID number then year"
unlike "$T/out" "张三丰|张 三|李四" "not 张三丰, 张 三 or 李四"
ok "the people are in $shards shards (more than one)" test "$shards" -ge 3
expect_code 0 "--name '张*': a prefix" ceh records --name '张*' --format tsv
like "$T/out" "^$IDC	张三丰	" "prefix: 张三丰"
like "$T/out" "^$IDE	张 三	" "prefix: 张 三"
unlike "$T/out" "李四" "prefix: not 李四"
check "prefix: 6 records" test "$(tail -n +2 "$T/out" | wc -l)" -eq 6
expect_code 0 "--name '张三*'" ceh records --name '张三*' --format tsv
check "张三*: 张三 and 张三丰, 5 records" test "$(tail -n +2 "$T/out" | wc -l)" -eq 5
expect_code 0 "--name --year" ceh records --name 张三 --year 2024 --format tsv
check "2024 only: 2 records" test "$(tail -n +2 "$T/out" | wc -l)" -eq 2
expect_code 0 "--name --id narrow to that person" ceh records --name 张三 --id $IDB --format tsv
check "--id --name: only $IDB" sh -c "tail -n +2 '$T/out' | cut -f1 | sort -u | grep -qx $IDB && [ \$(tail -n +2 '$T/out' | wc -l) = 1 ]"
expect_code 0 "--id with another name: nothing (tsv: header, exit 0)" \
    ceh records --name 李四 --id $IDA --format tsv
check "just the header" test "$(wc -l < "$T/out")" -eq 1
expect_code 3 "no such name in the table format: class 3" ceh records --name 王五
like "$T/err" "no hour records on file for the name 王五" "says so"
expect_code 3 "no such prefix" ceh records --name '王*'
like "$T/err" "a name starting with 王" "says prefix"
expect_code 0 "JSON of an unknown name is []" ceh records --name 王五 --format json
like "$T/out" '^\[\]$' "[]"
expect_code 0 "the table ends with the summary" ceh records --name 张三
like "$T/out" '^4 records: 公需科目 26 hours, 专业科目 70 hours$' "summary of the four"
expect_code 0 "full-width and spaces are normalised like the import" ceh records --name ' 张三 ' --format tsv
check "the same 4" test "$(tail -n +2 "$T/out" | wc -l)" -eq 4
expect_code 2 "an empty --name" ceh records --name ''
expect_code 2 "'*' alone" ceh records --name '*'
expect_code 2 "'*' in the middle" ceh records --name '张*三'
expect_code 2 "neither --id nor --name" ceh records
LC_ALL=zh_CN.UTF-8 expect_code 3 "zh_CN: no such name" ceh records --name 王五
like "$T/err" "没有.*王五" "the Chinese message names it"
# an import past the committed size is not seen: a torn tail after the state
for f in "$CEH_STORE"/records/*.tsv; do
	printf '%s\t张三\t2021\t公需科目\t未提交\t9\t网络培训\t%s\tX-9\t9\tx:1\n' $IDA "$P" >> "$f"
done
expect_code 0 "uncommitted bytes are not read" ceh records --name 张三 --format tsv
unlike "$T/out" "未提交" "no uncommitted record"
# a shard shorter than committed is damage: class 5
f=$(ls "$CEH_STORE"/records/*.tsv | head -1); : > "$f"
expect_code 5 "a shard cut short: class 5" ceh records --name 张三
done_testing
