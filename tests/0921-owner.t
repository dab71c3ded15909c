#!/bin/sh
# A store belongs to the owner of its folder.  root (or any other user)
# may read a clerk's store but refuses to write it without --allow-owner,
# naming the owner and changing nothing; with --allow-owner root acts as
# the owner, so every file stays the clerk's and the clerk's commands keep
# working.  fsck of another user's store is a read-only check, and fsck
# reports files of another owner.  (Needs root: the clerk is `nobody`.)
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
	echo "1..0 # SKIP needs root, setpriv and a user 'nobody'"; exit 0
fi
G=$(id -g nobody)
clerk() { setpriv --reuid=nobody --regid="$G" --clear-groups "$@"; }
if ! clerk "$CEH_BIN" --version >/dev/null 2>&1; then
	echo "1..0 # SKIP user nobody cannot run $CEH_BIN"; exit 0
fi
plan 31
chmod 755 "$T" "$T/bin"
# --unsigned: ownership of the store's files is checked here, not keys
# (root acting as the clerk could not read root's key folder)
ceh init --unsigned >/dev/null && mk_units || echo "# setup failed"
sed -i 's/^  required: true$/  required: false/' "$CEH_STORE/store.yaml"
year() { ceh add-year "$1" --year "$2" --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null; }
A=$(apply_std $ID1); year $A 2021
ceh submit $A >/dev/null
for u in $EMP1 $SUP2 $SUP1 $AGENCY; do ceh review --as $u --approve $A >/dev/null; done
B=$(apply_std $ID2); year $B 2022
chown -R nobody:"$G" "$CEH_STORE"
foreign() { find "$CEH_STORE" ! -user nobody | sed 's/^/#   /'; }

store_digest > "$T/before"
expect_code 5 "root: submit in the clerk's store is refused" ceh submit $B
like "$T/err" "store '.*' belongs to user 'nobody' \(uid 65534\), not to you \('root' \(uid 0\)\)" "naming the owner and the caller"
like "$T/err" "--allow-owner" "... and the way out"
expect_code 5 "root: edit refused" ceh edit $B --phone 15556565657
expect_code 5 "root: add-year refused" ceh add-year $B --year 2023 --pro-subject 课 --pro-hours 9 --pro-form 培训班
expect_code 5 "root: apply refused" apply_std $ID3
expect_code 5 "root: unit add refused" ceh unit add 91430100MA4L33333R --name 某单位 --kind employer
expect_code 5 "root: print-slip refused (it records the slip)" ceh print-slip --id $ID1 --from 2021 --to 2021 --format json
expect_code 5 "root: fsck --repair refused" ceh fsck --repair
store_digest > "$T/after"
same "$T/before" "$T/after" "the store is byte-identical"
check "no file of another owner appeared" test -z "$(foreign)"

expect_code 0 "root: show works" ceh show $B
expect_code 0 "root: list works" ceh list
like "$T/out" "$B" "... and lists the draft"
expect_code 0 "root: log works" ceh log $A
expect_code 0 "root: fsck works as a read-only check" ceh fsck
like "$T/out" "^read-only check \(it belongs to user 'nobody' \(uid 65534\)\): no locks taken, a concurrent writer may cause false reports" "... and says so"
check "the read-only check created no file" test -z "$(foreign)"

expect_code 0 "root with --allow-owner: submit" ceh --allow-owner submit $B
expect_code 0 "root with --allow-owner: apply" ceh --allow-owner apply --id $ID3 --name 张三 --ethnicity 汉族 --unit $EMP1 \
    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级
C=$(cat "$T/out")
expect_code 0 "root with --allow-owner: a year and a slip" sh -c "ceh --allow-owner add-year $C --year 2021 --pro-subject 课 --pro-hours 90 --pro-form 培训班 && ceh --allow-owner print-slip --id $ID1 --from 2021 --to 2021 --format json"
foreign > "$T/foreign"
ok "every file is still the clerk's" test ! -s "$T/foreign"
cat "$T/foreign"
expect_code 0 "the clerk: list" clerk ceh list
like "$T/out" "$C" "... sees the new application"
like "$T/out" "$B" "... and the submitted one"
expect_code 0 "the clerk: show" clerk ceh show $C
expect_code 0 "the clerk: submit" clerk ceh submit $C
expect_code 0 "the clerk: review" clerk ceh review --as $EMP1 --approve $B
expect_code 0 "the clerk: fsck --repair" clerk ceh fsck --repair

# a root-owned file left in the store (by an older ceh, or by hand)
chown root "$(ls "$CEH_STORE"/people/*/$ID3/review/*.yaml)"
expect_code 5 "the clerk's fsck reports a file of another owner (which it cannot read)" clerk ceh fsck
like "$T/out" "review/[0-9a-v]+\.yaml: owned by user 'root' \(uid 0\), not by the store's owner 'nobody' \(uid 65534\)" "naming both"
done_testing
