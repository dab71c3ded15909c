#!/bin/sh
# ceh transfer ID --to UNIT (调动, issue 18): the person's drafts (暂存,
# 退回, 已撤销) move to the new employer with a chained "transferred"
# event naming the old and the new unit; an application under review
# stays with the unit it waits at, an approved one as it is; list --unit
# shows the moved drafts, the queues, the summary index and fsck stay
# right; every refusal leaves the store byte-identical.
. "$(dirname "$0")/lib.sh"
plan 50
ceh init --signed >/dev/null && mk_units || exit 1
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
att() { printf '%%PDF-1.4 evidence %s %s\n' "$1" "$2" > "$T/ev-$1-$2.pdf"; ceh attach "$1" --year "$2" "$T/ev-$1-$2.pdf" >/dev/null; }
full() { yr "$1" "$2" && att "$1" "$2"; }

# ID1 has: a plain draft D, a returned draft R, a withdrawn draft W, one
# waiting at SUP2 (V) and one approved (P); ID2 a draft of its own
D=$(apply_std $ID1); yr $D 2024
R=$(apply_std $ID1); full $R 2021
W=$(apply_std $ID1); full $W 2022
V=$(apply_std $ID1); full $V 2023
P=$(apply_std $ID1); full $P 2020
O=$(apply_std $ID2)
ceh submit $R $W $V $P >/dev/null 2>&1 || exit 1
ceh review --as $EMP1 --return $R --reason 缺证明 >/dev/null || exit 1
ceh withdraw $W >/dev/null || exit 1
ceh review --as $EMP1 --approve $V $P >/dev/null 2>&1 || exit 1
ceh review --as $SUP2 --approve $P >/dev/null &&
ceh review --as $SUP1 --approve $P >/dev/null &&
ceh review --as $AGENCY --approve $P >/dev/null || exit 1
ceh list --format tsv > "$T/list0"

# refusals: the store byte-identical after each
before=$(store_digest)
expect_code 2 "no --to" ceh transfer $ID1
expect_code 2 "no ID number" ceh transfer --to $EMP3
expect_code 1 "a bad ID number" ceh transfer 430102198503121231 --to $EMP3
expect_code 3 "--to not registered" ceh transfer $ID1 --to 91430100MA4L99999E
like "$T/err" "not a registered unit" "says so"
expect_code 1 "--to a supervisor" ceh transfer $ID1 --to $SUP1
like "$T/err" "^ceh transfer: --to $SUP1 is supervisor, not an employer" "says what it is"
expect_code 1 "--to the agency" ceh transfer $ID1 --to $AGENCY
expect_code 3 "a person without applications" ceh transfer $ID3 --to $EMP3
like "$T/err" "no applications for ID number $ID3" "names the ID number"
expect_code 1 "a bad --unit-nature" ceh transfer $ID1 --to $EMP3 --unit-nature 外星企业
check "refused: the store is byte-identical" test "$before" = "$(store_digest)"

# the transfer
expect_code 0 "transfer ID1 to EMP3" ceh transfer $ID1 --to $EMP3
cp "$T/out" "$T/moved"; cp "$T/err" "$T/moved.err"
check "one line per moved draft, three" test "$(wc -l < "$T/moved")" = 3
for x in $D $R $W; do
	like "$T/moved" "^$x	transferred from $EMP1 to $EMP3\$" "moved: $x"
done
unlike "$T/moved" "$V|$P|$O" "nothing else moved"
like "$T/moved.err" "^ceh transfer: $V stays in review at $SUP2, filed by $EMP1" "the one in review is named with the unit it waits at"
like "$T/moved.err" "^ceh transfer: to $EMP3 \(湖南某民营建筑公司\): 3 moved, 0 already there, 1 staying in review, 1 decided, 0 failed\$" "the summary"

# what moved and what stayed
ceh show $R --format json > "$T/r.json"
check "R's employer is EMP3, its status still 退回" /usr/bin/python3 -c "
import json,sys; d=json.load(open('$T/r.json'))
assert d['applicant']['unit']=='$EMP3', d['applicant']
assert d['status']=='退回', d['status']
assert d['stage']=='draft'"
ceh log $W --format tsv > "$T/w.log"
like "$T/w.log" "^[^	]*	transferred	[^	]*		$EMP3		$EMP1	\$" "W's history: transferred, next the new unit, detail the old"
check "V still EMP1's, waiting at SUP2" sh -c "ceh show $V --format json | /usr/bin/python3 -c \"
import json,sys; d=json.load(sys.stdin)
assert d['applicant']['unit']=='$EMP1' and d['waiting_at']=='$SUP2', d\""
check "P still approved, EMP1's" sh -c "ceh show $P --format json | /usr/bin/python3 -c \"
import json,sys; d=json.load(sys.stdin)
assert d['applicant']['unit']=='$EMP1' and d['stage']=='approved', d\""
for x in $D $R $W $V $P; do ceh verify $x >/dev/null 2>&1 || echo "bad $x"; done > "$T/bad"
check "every application of ID1 still verifies (chain and signatures)" test ! -s "$T/bad"
ceh list --unit $EMP3 --format tsv | sed 1d | cut -f1 | sort > "$T/at3"
printf '%s\n' $D $R $W | sort > "$T/want3"
same "$T/at3" "$T/want3" "list --unit EMP3 shows the moved drafts"
CEH_INDEX=off ceh list --unit $EMP3 --format tsv | sed 1d | cut -f1 | sort > "$T/at3b"
same "$T/at3b" "$T/want3" "the same read from the documents (index off)"
ceh list --at $SUP2 --format tsv | cut -f1 > "$T/q"
like "$T/q" "^$V\$" "V is still in SUP2's queue"
ceh list --unit $EMP1 --format tsv | sed 1d | cut -f1 | sort > "$T/at1"
printf '%s\n' $V $P $O | sort > "$T/want1"
same "$T/at1" "$T/want1" "list --unit EMP1: the one in review, the approved one, ID2's draft"
expect_code 0 "fsck after the transfer" ceh fsck
check "fsck reports nothing" test ! -s "$T/out"
expect_code 0 "fsck --no-cache too (every signature checked again)" ceh fsck --no-cache

# the new employer submits the moved draft, signed with its own key
expect_code 0 "EMP3 submits R" ceh submit $R
like "$T/out" "^$R	submitted to $EMP3\$" "R waits at EMP3 now"
check "R verifies after its new submission" ceh verify $R
rdoc=$(ls "$CEH_STORE"/people/*/$ID1/review/${R#*-}.yaml)
ok "an independent check (python3-cryptography, ceh-trust(7)) holds: chain through the transfer, EMP3's signature" \
    /usr/bin/python3 "$CEH_ROOT/tests/trust-check.py" "$rdoc" "$CEH_STORE/trust.log"

# a transferred event is a drafting event: one forged after the approval
# (chained and signed again, every hash holding) is refused
pdoc=$(ls "$CEH_STORE"/people/*/$ID1/approved/*.yaml)
cp "$pdoc" "$T/p.good"
/usr/bin/python3 "$CEH_ROOT/tests/0812-forge.py" "$pdoc" "$XDG_CONFIG_HOME/ceh/keys" add event=transferred next=$EMP3 detail=$EMP1 || echo "# forge failed"
expect_code 1 "an approved application transferred by a forger: verify refuses" ceh verify $P
like "$T/err" "event [0-9]+ \(transferred\) changed it while it was approved" "says why"
cp "$T/p.good" "$pdoc"

# again: nothing to move, nothing written
before=$(store_digest)
expect_code 0 "a second transfer to the same unit" ceh transfer $ID1 --to $EMP3
check "moves nothing" test ! -s "$T/out"
like "$T/err" ": 0 moved, 2 already there, 2 staying in review, 1 decided, 0 failed\$" "and says so"
check "the store is byte-identical" test "$before" = "$(store_digest)"

# --unit-nature with the employer
expect_code 0 "ID2 to EMP2, a 民营企业" ceh transfer $ID2 --to $EMP2 --unit-nature 民营企业
like "$T/out" "^$O	transferred from $EMP1 to $EMP2\$" "O moved"
check "O's employer and its nature" sh -c "ceh show $O --format json | /usr/bin/python3 -c \"
import json,sys; d=json.load(sys.stdin)['applicant']
assert d['unit']=='$EMP2' and d['unit_nature']=='民营企业', d\""
expect_code 0 "the nature alone, to the same employer" ceh transfer $ID2 --to $EMP2 --unit-nature 国有企业
like "$T/out" "^$O	transferred from $EMP2 to $EMP2\$" "a change of nature is recorded too"

# Chinese
LC_ALL=zh_CN.UTF-8 ceh transfer $ID1 --to $EMP2 2>"$T/zh" >"$T/zh.out"
like "$T/zh.out" "^$D	transferred from $EMP3 to $EMP2\$" "the outcome lines are machine words, the same in Chinese"
like "$T/zh" "^ceh transfer：调到 $EMP2（长沙市规划设计院）：转移 2 份" "the summary in Chinese"
like "$T/zh" "仍在 $SUP2 待审核" "the one in review named in Chinese"
done_testing
