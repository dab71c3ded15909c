#!/bin/sh
# A crash (SIGKILL at a named point, CEH_CRASH) between the steps of a
# transition, then fsck: report-only finds the damage and changes nothing,
# --repair fixes it, and afterwards the store is clean with no application
# lost or duplicated and no decision lost or made twice.
. "$(dirname "$0")/lib.sh"
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
gen_id() {
	printf '43010219850101%03d' "$1" | awk '{
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		s = 0
		for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]
		print $0 substr("10X98765432", s % 11 + 1, 1) }'
}
# draft / at_agency: a new application (a new person each time) in $A
n=0
draft() { n=$((n + 1)); A=$(apply_std $(gen_id $n)) && ceh add-year $A --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 >/dev/null; }
at_agency() { draft && ceh submit $A >/dev/null && ceh review --as $EMP1 --approve --next agency $A >/dev/null; }
copies() { ls "$CEH_STORE"/people/*/*/*/"${1#*-}.yaml" 2>/dev/null | wc -l; }
events() { ceh log "$1" --format tsv | cut -f2 | grep -c "^$2\$"; }

# after_crash DESC FSCK_CODE: the fsck cycle, 6 checks
after_crash() {
	before=$(store_digest)
	expect_code "$2" "$1: fsck reports (exit $2)" ceh fsck
	ok "$1: report-only fsck changed nothing" test "$before" = "$(store_digest)"
	expect_code 0 "$1: fsck --repair" ceh fsck --repair
	expect_code 0 "$1: then fsck is clean" ceh fsck
	ok "$1: and prints nothing" test -z "$(cat "$T/out")"
}

# case: KIND POINT RESULT(old|new) FSCK_CODE  (11 checks each)
one() {
	kind=$1 point=$2 want=$3 fcode=$4
	case $kind in
	submit) draft; cmd="ceh submit $A"; ev=submitted; newstage=待审核; oldstage=暂存 ;;
	approve) at_agency; cmd="ceh review --as $AGENCY --approve $A"; ev=approved; newstage=审核通过; oldstage=待审核 ;;
	return) draft; ceh submit $A >/dev/null; cmd="ceh review --as $EMP1 --return --reason 退回测试 $A"; ev=returned; newstage=退回; oldstage=待审核 ;;
	esac
	d="$kind crash at $point"
	expect_code 137 "$d: killed" env CEH_CRASH=$point $cmd
	after_crash "$d" $fcode
	ok "$d: one copy of the application" test "$(copies $A)" = 1
	if [ $want = new ]; then
		ok "$d: the decision survived" test "$(events $A $ev)" = 1
		ok "$d: status $newstage" sh -c "ceh list --id ${A%-*} --format tsv | grep -q '	$newstage	'"
		expect_code 4 "$d: doing it again is refused" $cmd
	else
		ok "$d: no decision recorded" test "$(events $A $ev)" = 0
		ok "$d: status $oldstage" sh -c "ceh list --id ${A%-*} --format tsv | grep -q '	$oldstage	'"
		expect_code 0 "$d: doing it again works" $cmd
	fi
	ok "$d: the queues agree" sh -c "ceh fsck >/dev/null 2>&1"
}

CASES="
submit atomic-before-rename old 1
submit atomic-after-rename new 1
submit commit-after-write new 1
submit move-before-rename new 1
submit move-after-link new 1
submit move-after-rename new 0
submit commit-after-move new 0
submit wf-after-queue-add old 1
submit wf-before-queue-del new 0
approve atomic-before-rename old 1
approve atomic-after-rename new 1
approve commit-after-write new 1
approve move-after-link new 1
approve move-after-rename new 1
approve wf-after-queue-add old 1
approve wf-before-queue-del new 1
return commit-after-write new 1
return commit-after-move new 1
"
ncases=$(echo "$CASES" | grep -c .)
# batches go through the same crash points as single transitions (one
# commit path, lib/store.h), plus batch-after-prepare between the phases;
# the old names and queue entries go only after every item of the chunk
# is committed and synced (workflow.h), so a crash there keeps them all;
# without hard links (CEH_FS_COMPAT=nolink, a test-only switch) each item
# is committed on its own, and a move is a copy published through a temp
# file (more crash points pass): the last column
BATCHES="
batch-after-prepare 0 1 0
wf-after-queue-add:2 0 1 0
atomic-before-rename:2 1 1 1
atomic-after-rename:2 2 1 1
commit-after-write:2 2 1 2
move-before-rename:1 1 1 1
move-after-rename:3 3 1 3
commit-after-move:1 3 1 1
wf-before-queue-del:2 3 1 2
"
nbatches=$(echo "$BATCHES" | grep -c .)
plan $((ncases * 11 + nbatches * 12))
while read -r k p w f; do [ -n "$k" ] && one $k $p $w $f; done <<LIST
$CASES
LIST

# batches: three applications at the agency, final approval, killed at
# POINT:N; DECIDED of them survive (12 checks each)
batch() {
	point=$1 decided=$2 fcode=$3
	case ${CEH_FS_COMPAT:-} in *nolink*) decided=$4 ;; esac
	d="batch crash at $point"
	: > "$T/ids"
	for i in 1 2 3; do at_agency; echo $A >> "$T/ids"; done
	expect_code 137 "$d: killed" sh -c "CEH_CRASH=$point ceh review --as $AGENCY --approve - < '$T/ids'"
	after_crash "$d" $fcode
	c=0 e=0
	while read -r A; do c=$((c + $(copies $A))); e=$((e + $(events $A approved))); done < "$T/ids"
	ok "$d: three applications, one copy each" test $c = 3
	ok "$d: $decided decision(s) survived" test $e = $decided
	rc=4; [ $decided = 0 ] && rc=0
	expect_code $rc "$d: rerun: the rest are decided, the decided refused" sh -c "ceh review --as $AGENCY --approve - < '$T/ids'"
	ok "$d: $decided refused" test "$(grep -c '	error 4: ' "$T/out")" = $decided
	e=0
	while read -r A; do e=$((e + $(events $A approved))); done < "$T/ids"
	ok "$d: each approved exactly once" test $e = 3
	expect_code 0 "$d: fsck clean" ceh fsck
}
while read -r p d f nl; do [ -n "$p" ] && batch $p $d $f $nl; done <<LIST
$BATCHES
LIST
done_testing
