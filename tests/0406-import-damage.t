#!/bin/sh
# Review findings, each a test that failed before its fix: a records shard
# shorter than its committed size is an error (it crashed with SIGBUS); a
# file that fails half-way does not make the later files of the same
# import fail; --rejects can never be one of the inputs; --record X/Y
# means the record Y of provider X, not also record 'X/Y' of another.
. "$(dirname "$0")/lib.sh"
plan 26
H=证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
P1=湖南大学继续教育学院
mkfile() { # mkfile FILE IDNUMBER NAME PREFIX COUNT
	{
		echo "$H"
		i=1
		while [ $i -le "$5" ]; do
			echo "$2,$3,2024,专业科目,建筑工程施工质量控制第${i}讲,1,培训班,$P1,$4-$i"
			i=$((i + 1))
		done
	} > "$1"
}
mkfile "$T/a.csv" $ID1 张三 A 150
mkfile "$T/b.csv" $ID2 李四 B 3

# 1. a damaged shard
ceh init --unsigned >/dev/null
mk_units
expect_code 0 "import 150 records of one person" ceh import "$T/a.csv"
shard=$(cd "$CEH_STORE/records" && ls -S *.tsv | head -1)
truncate -s 100 "$CEH_STORE/records/$shard"
expect_code 5 "records of a shard cut short: a system error, no crash" ceh records --id $ID1
like "$T/err" "records/$shard: shorter than its committed size \(run ceh fsck\)" "names the shard and says what to do"
expect_code 5 "add-year --from-records too" sh -c "app=\$(ceh apply --id $ID1 --name 张三 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级 2>/dev/null); ceh add-year \$app --year 2024 --from-records"

# 1b. damage inside a shard or the state file is a system error (exit 5)
# everywhere, as fsck says: records --id gave 1 for it
rm -rf "$CEH_STORE"
ceh init --unsigned >/dev/null
mk_units
mkfile "$T/c.csv" $ID1 张三 C 3
ceh import "$T/c.csv" >/dev/null 2>&1
shard=$(cd "$CEH_STORE/records" && ls *.tsv)
sed -i '2s/\t2024\t/\t20x4\t/' "$CEH_STORE/records/$shard"
expect_code 5 "a damaged record of a shard: exit 5" ceh records --id $ID1
like "$T/err" "records/$shard: a record of $ID1 is damaged \(run ceh fsck\)" "names the shard and the person"
expect_code 5 "add-year --from-records on it: exit 5 too" sh -c "app=\$(ceh apply --id $ID1 --name 张三 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级 2>/dev/null); ceh add-year \$app --year 2024 --from-records"
expect_code 1 "fsck reports it as a problem" ceh fsck
like "$T/out" "records/$shard:2: damaged record" "at its line"
sed -i '2s/^imports /imports x/' "$CEH_STORE/records/state"
expect_code 5 "a damaged records/state: records --id exits 5" ceh records --id $ID1
like "$T/err" "records/state: line 2 is not understood" "names the state file and the line"
expect_code 5 "import into it: exit 5" ceh import "$T/c.csv"

# 2. a failed file does not poison the next one: the faulted file appends
# to shards that exist already (so a failure leaves bytes past their
# committed size), then a second file follows in the same import
rm -rf "$CEH_STORE"
ceh init --unsigned >/dev/null
mk_units
mkfile "$T/base1.csv" $ID1 张三 C 2
mkfile "$T/base2.csv" $ID2 李四 D 2
{ cat "$T/base1.csv"; tail -n +2 "$T/base2.csv"; } > "$T/base.csv"
{ mkfile "$T/x1.csv" $ID1 张三 E 5; mkfile "$T/x2.csv" $ID2 李四 F 5
  cat "$T/x1.csv"; tail -n +2 "$T/x2.csv"; } > "$T/a2.csv"
mkfile "$T/b.csv" $ID3 王五 B 3
# the second file appends to the same shards
{ mkfile "$T/y1.csv" $ID1 张三 G 2; mkfile "$T/y2.csv" $ID2 李四 H 1
  cat "$T/y1.csv"; tail -n +2 "$T/y2.csv"; } > "$T/b2.csv"
ceh import "$T/base.csv" >/dev/null 2>&1
cp -a "$CEH_STORE/records" "$T/records.base"
poisoned=0
n=1
while [ $n -le 16 ]; do
	rm -rf "$CEH_STORE/records"
	cp -a "$T/records.base" "$CEH_STORE/records"
	CEH_FAULT=write:$n ceh import "$T/a2.csv" "$T/b2.csv" >/dev/null 2>"$T/err.$n"
	grep -q "is not the committed" "$T/err.$n" && poisoned=$((poisoned + 1)) &&
	    sed "s/^/#   write:$n: /" "$T/err.$n"
	n=$((n + 1))
done
ok "no later file refused for the leftovers of a failed one (16 fault points)" test "$poisoned" = 0
expect_code 0 "and the store checks out" ceh fsck
rm -rf "$CEH_STORE/records"
expect_code 0 "a clean import of both" ceh import "$T/a.csv" "$T/b.csv"
ceh records --id $ID3 --format tsv > "$T/b.tsv"
ok "the second file's records are there" test "$(tail -n +2 "$T/b.tsv" | wc -l)" = 3

# 3. --rejects is never an input
cp "$T/b.csv" "$T/b.keep"
expect_code 2 "--rejects naming an input is a usage error" ceh import --rejects "$T/b.csv" "$T/a.csv" "$T/b.csv"
like "$T/err" "is one of the files to import" "says why"
ok "the input is untouched" cmp -s "$T/b.csv" "$T/b.keep"
# 4. a selector that is a full key takes that record only
rm -rf "$CEH_STORE"
ceh init --unsigned >/dev/null
mk_units
cat > "$T/xy.csv" <<CSV
$H
$ID1,张三,2024,专业科目,课一,10,培训班,X,Y
$ID1,张三,2024,专业科目,课二,20,培训班,P,X/Y
CSV
ceh import "$T/xy.csv" >/dev/null 2>&1
app=$(apply_std $ID1)
expect_code 0 "--record X/Y" ceh add-year $app --year 2024 --from-records --record X/Y
ceh show $app --format json > "$T/xy.json"
ok "only provider X's record Y counts (10 hours, not 30)" python3 -c "
import json; d = json.load(open('$T/xy.json'))
y = d['years'][0]; assert y['total_hours'] == 10 and y['records'] == ['X/Y'], y"
expect_code 0 "the other is taken by its full key" ceh add-year $app --year 2024 --replace --from-records --record P/X/Y
done_testing

# 5. a temp file left in records/ by an interrupted state write is found
# by the store's one sweep: reported by fsck, removed by --repair
rm -rf "$CEH_STORE"
ceh init --unsigned >/dev/null
mk_units
ceh import "$T/b.csv" >/dev/null 2>&1
echo partial > "$CEH_STORE/records/.tmp.state.4242.abcdef"
expect_code 1 "fsck reports the leftover" ceh fsck
like "$T/out" "^records/\.tmp\.state\.4242\.abcdef: temp file of an interrupted write$" "named from the store root"
expect_code 0 "fsck --repair removes it" ceh fsck --repair
ok "gone" test ! -e "$CEH_STORE/records/.tmp.state.4242.abcdef"
