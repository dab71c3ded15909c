#!/bin/sh
# The summary index (lib/index.h, ceh-store(5) INDEX): kept by every kind
# of transition and by import, read by ceh stats and ceh shortfall, checked
# by ceh fsck and rebuilt by ceh fsck --repair.  Every figure is compared
# three ways: through the index, through the documents (CEH_INDEX=off) and
# against the independent computation of tests/1600-oracle.py.
. "$(dirname "$0")/lib.sh"
# the store of tests/1600-stats.t (apply, add-year, edit by import,
# submit, approve, forward, reject, return, withdraw), made unsigned: a
# signed store's reports count approvals from their verified documents,
# not from the index (report_src.h)
STORE_INIT=--unsigned
. "$(dirname "$0")/1600-store.sh"
IX=$CEH_STORE/index
CEH_STORE_LOGS() { ls "$IX" | grep -c '\.log$'; }
differ() { ! cmp -s "$1" "$2"; }
# every file's content, the index's included (store_digest shows its logs
# by name only), but the queue index's (a stale entry is allowed there,
# queue.h: tests 0207, 0903)
full_digest() { (cd "$CEH_STORE" && find . -path ./queues -prune -o -type f ! -name .lock -print | LC_ALL=C sort | xargs sha256sum); }

plan 114

# same3 MSG ARGS...: `ceh ARGS --format json` through the index equals
# the documents' and (stats, shortfall) the oracle's
n=0
same3() {
	_m=$1; shift
	n=$((n + 1))
	command ceh "$@" --format json > "$T/ix.$n" 2> "$T/ix.err"
	_a=$?
	CEH_INDEX=off command ceh "$@" --format json > "$T/doc.$n" 2>&1
	_b=$?
	if [ $_a != 0 ] || [ $_b != 0 ] || ! cmp -s "$T/ix.$n" "$T/doc.$n"; then
		_report 1 "$_m: index and documents agree ($*)"
		diff "$T/ix.$n" "$T/doc.$n" | sed 's/^/#   /' | head -10
		sed 's/^/#   /' "$T/ix.err" | head -3
		return
	fi
	_c=$1; shift
	case $_c in
	stats)
		$ORACLE dump > "$T/dump.$n" &&
		$ORACLE stats "$T/dump.$n" "$@" > "$T/want.$n" &&
		$ORACLE norm-stats < "$T/ix.$n" > "$T/got.$n" ;;
	shortfall)
		$ORACLE dump > "$T/dump.$n" &&
		$ORACLE shortfall "$T/dump.$n" "$@" > "$T/want.$n" &&
		$ORACLE norm-shortfall < "$T/ix.$n" > "$T/got.$n" ;;
	*)	cp "$T/ix.$n" "$T/want.$n"; cp "$T/ix.$n" "$T/got.$n" ;;
	esac
	if [ -s "$T/want.$n" ] && cmp -s "$T/want.$n" "$T/got.$n"; then
		_report 0 "$_m ($_c $*)"
	else
		_report 1 "$_m: the oracle disagrees ($_c $*)"
		diff "$T/want.$n" "$T/got.$n" | sed 's/^/#   /' | head -10
	fi
}
# all_same MSG: the usual reports all agree three ways
all_same() {
	same3 "$1: list" list
	same3 "$1: stats" stats --by unit,stage
	same3 "$1: stats by year" stats --by year --from 2019 --to 2025
	same3 "$1: shortfall" shortfall --from 2021 --to 2024
}
# fsck_clean MSG: ceh fsck exits 0 and says nothing of the index
fsck_clean() {
	command ceh fsck > "$T/fsck.out" 2>&1
	if [ $? = 0 ] && ! grep -q '^index' "$T/fsck.out"; then _report 0 "$1"
	else _report 1 "$1"; sed 's/^/#   /' "$T/fsck.out" | head -8; fi
}

# ---- the index after every kind of transition and the import ----
ok "ceh init made the index folder" test -d "$IX"
check "every shard of people/ has its log" test "$(CEH_STORE_LOGS)" = "$(ls "$CEH_STORE/people" | wc -l)"
fsck_clean "fsck: the index agrees with the documents"
all_same "after the store was built"
same3 "stats by unit and year" stats --by unit,year
same3 "stats of a subtree" stats --unit $SUP1 --subtree --by unit
same3 "stats of one employer" stats --unit $EMP1 --by year
same3 "shortfall of a subtree" shortfall --unit $SUP1 --subtree --year 2024
same3 "shortfall with the span rule" shortfall --for senior --year 2024

same3 "list of the whole store" list
same3 "list by stage" list --stage waiting
same3 "list of a subtree, sorted" list --unit $SUP1 --subtree --sort name
same3 "list of a year range" list --from 2022 --to 2023 --stage approved

# the index is what the reports read: a hand edit of a document is not
# seen through it (the index is derived data, not rechecked by readers)
# until fsck finds the disagreement and --repair rebuilds it
f=$(ls "$CEH_STORE"/people/*/$P4/rejected/*.yaml)
cp "$f" "$T/saved.yaml"
sed -i 's/^  region: 湖南省省本级$/  region: 长沙市/' "$f"
command ceh stats --by region --format json > "$T/a" 2>&1
CEH_INDEX=off command ceh stats --by region --format json > "$T/b" 2>&1
check "the reports read the index, not the documents" differ "$T/a" "$T/b"
expect_code 1 "fsck: a document changed by hand" ceh fsck
like "$T/out" "^index/[0-9]{3}\.log: 1 application\(s\) disagree with their documents \(first $P4-" "fsck names the shard and the application"
# (the edit broke the document's seal: fsck still reports that)
expect_code 1 "fsck --repair" ceh fsck --repair
like "$T/out" "^index/[0-9]{3}\.log: rebuilt from the documents" "the shard is rebuilt"
same3 "after the rebuild the index sees the edit" stats --by region
cp "$T/saved.yaml" "$f"
command ceh fsck --repair >/dev/null 2>&1
fsck_clean "fsck clean again"

# ---- damage: fsck reports, readers fall back, --repair rebuilds ----
# the shard of E1 (a draft, so a writer can be run on it later)
sh=$(echo $E1 | cut -c15-17)
log=$IX/$sh.log
# a byte in the middle of the first record, flipped (writing a fixed
# byte there changed nothing when it was that byte already)
/usr/bin/python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(150); b = f.read(1)
f.seek(150); f.write(bytes([b[0] ^ 0xff]))' "$log"
all_same "a damaged log: the shard read from its documents"
expect_code 1 "fsck: a damaged log" ceh fsck
like "$T/out" "^index/$sh\.log: damaged at byte [0-9]+ \(a frame fails its checksum\)" "fsck says where"
expect_code 0 "fsck --repair rebuilds it" ceh fsck --repair
fsck_clean "repaired"
# a torn tail: the last frame cut short (a crash in an append)
printf 'CIX1\177\000\000\000PPPP' >> "$log"
all_same "a torn tail is ignored"
expect_code 1 "fsck: a torn tail" ceh fsck
like "$T/out" "^index/$sh\.log: ends in a torn frame at byte " "fsck reports the torn tail"
# the next writer cuts it off
sz=$(stat -c %s "$log")
ok "a writer of the shard" ceh edit $E1 --phone 15556560001
check "it cut the torn tail off before appending" test "$(stat -c %s "$log")" -gt "$sz"
fsck_clean "the next writer of the shard cut the torn tail off"
all_same "after the writer"
# a truncated log (a frame lost at the end is a torn tail; here the
# whole log but its header): the shard misses its applications
head -c 88 "$log" > "$T/h" && cat "$T/h" > "$log"
expect_code 1 "fsck: a truncated log" ceh fsck
like "$T/out" "^index/$sh\.log: misses [0-9]+ application\(s\)" "fsck: the applications it misses"
expect_code 0 "fsck --repair" ceh fsck --repair
fsck_clean "rebuilt"
# a missing log
rm "$log"
all_same "a missing log: the shard read from its documents"
expect_code 1 "fsck: a missing log" ceh fsck
like "$T/out" "^index/$sh\.log: missing \([0-9]+ application\(s\) in the shard\)" "fsck reports it missing"
command ceh fsck --repair >/dev/null 2>&1
fsck_clean "rebuilt again"
# no index at all (a store made before it): documents, and --repair builds it
rm -r "$IX"
all_same "without an index"
expect_code 0 "fsck without an index is not a problem" ceh fsck
like "$T/out" "^index: none" "fsck says there is none"
expect_code 0 "fsck --repair builds it" ceh fsck --repair
like "$T/out" "^index: built from the documents" "built"
fsck_clean "the built index agrees"

# ---- crashes in the middle of a commit ----
day 13
G1=$(command ceh apply --id 430103196001010019 --name 测试 --ethnicity 汉族 \
    --unit $EMP1 --unit-nature 事业单位 --title-level 中级 --phone 15556565656 \
    --series 工程 --specialty 综合 --region 湖南省省本级)
ceh add-year $G1 --year 2024 --public-subject 公需 --public-hours 30 \
    --public-form 远程教育 --pro-subject 专业 --pro-hours 60 --pro-form 培训班 >/dev/null
# before the commit point: pending frame written, document not published
expect_code 137 "killed between the pending frame and the commit" env CEH_CRASH=wf-after-queue-add ceh submit $G1
all_same "a pending frame without its commit: the document's old state"
# after the commit point, before the final frame
expect_code 137 "killed right after the commit point" env CEH_CRASH=atomic-after-rename ceh submit $G1
all_same "a commit without its final frame: the document's new state"
expect_code 137 "killed in the move" env CEH_CRASH=commit-after-write ceh review --as $EMP1 --return --reason 补材料 $G1
all_same "a commit interrupted in its move"
expect_code 137 "killed in the move's second half" env CEH_CRASH=commit-after-move ceh submit $G1
all_same "a commit interrupted in the second half of its move"
command ceh fsck > "$T/fsck.out" 2>&1
unlike "$T/fsck.out" "^index" "fsck: an interrupted commit is not an index problem"
command ceh fsck --repair >/dev/null 2>&1
fsck_clean "after fsck --repair"
all_same "after fsck --repair"
# a crash inside a batch, between its commits
printf '%s\n' $G1 $D2 > "$T/ids"
expect_code 137 "a batch killed after its prepare" sh -c "CEH_CRASH=batch-after-prepare ceh review --as $EMP1 --approve - < '$T/ids'"
all_same "a batch killed between prepare and commit"
command ceh fsck --repair >/dev/null 2>&1
expect_code 0 "the batch again" sh -c "ceh review --as $EMP1 --approve - < '$T/ids'"
all_same "after the batch"
fsck_clean "fsck after the batch"

# ---- faults: every write and sync of a submit fails in turn ----
H1=$(command ceh apply --id 430103196101010024 --name 测试 --ethnicity 汉族 \
    --unit $EMP2 --unit-nature 事业单位 --title-level 中级 --phone 15556565656 \
    --series 工程 --specialty 综合 --region 长沙市)
ceh add-year $H1 --year 2023 --public-subject 公需 --public-hours 30 \
    --public-form 远程教育 --pro-subject 专业 --pro-hours 60 --pro-form 培训班 >/dev/null
cp -a "$CEH_STORE" "$T/fbase"
bad=0 fired=0
for kind in write fsync; do
	for i in 1 2 3 4 5 6 7 8; do
		rm -rf "$CEH_STORE"; cp -a "$T/fbase" "$CEH_STORE"
		before=$(full_digest)
		CEH_FAULT=$kind:$i command ceh submit $H1 >/dev/null 2>"$T/ferr"
		rc=$?
		[ $rc = 0 ] && continue
		fired=$((fired + 1))
		[ $rc = 5 ] || { bad=$((bad + 1)); echo "# $kind:$i exit $rc"; continue; }
		# unchanged, unless the failure came after the commit point
		grep -q "is now 待审核 but" "$T/ferr" ||
		    [ "$(full_digest)" = "$before" ] || { bad=$((bad + 1)); echo "# $kind:$i: the store changed"; }
		command ceh stats --by stage --format json > "$T/a" 2>&1
		CEH_INDEX=off command ceh stats --by stage --format json > "$T/b" 2>&1
		cmp -s "$T/a" "$T/b" || { bad=$((bad + 1)); echo "# $kind:$i: stats differ"; }
	done
done
check "faults fired" test $fired -gt 2
check "each faulted submit: exit 5, store (index included) unchanged before the commit point, stats right" test $bad = 0
rm -rf "$CEH_STORE"; cp -a "$T/fbase" "$CEH_STORE"

# ---- a refusal writes nothing, the index included ----
before=$(full_digest)
expect_code 4 "a review by the wrong unit is refused" ceh review --as $EMP1 --approve $H1
check "the refusal left the store and its index as they were" test "$(full_digest)" = "$before"

# ---- compaction: a log grown past three times its size is rewritten ----
# (CEH_INDEX_COMPACT: from 4 KiB on instead of 64 KiB)
slog=$IX/$(echo ${H1%%-*} | cut -c15-17).log
ln "$slog" "$T/old.log"	# held, so that its inode number is not reused
i=0
while [ $i -lt 40 ]; do CEH_INDEX_COMPACT=4096 ceh edit $H1 --phone 1555656$(printf %04d $i) >/dev/null || break; i=$((i + 1)); done
size=$(stat -c %s "$slog")
check "40 edits: the log was rewritten (a new file)" test ! "$slog" -ef "$T/old.log"
check "and it stays small ($size bytes)" test "$size" -lt 4800
fsck_clean "fsck after the compactions"
all_same "after the compactions"
# the import leaves the index as the documents say (undeclared hours on
# record are looked up in the records store)
cat > "$T/rec2.csv" <<EOF
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
${H1%%-*},测试,2022,专业科目,专业课,8,培训班,机构乙,R9
EOF
ok "import" ceh import "$T/rec2.csv"
same3 "shortfall after the import" shortfall --year 2022

done_testing
