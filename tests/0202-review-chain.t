#!/bin/sh
# The approval chain: employer -> supervisor -> supervisor -> agency, with
# default next levels and --next; return and resubmit; reject and a new
# application.
. "$(dirname "$0")/lib.sh"
plan 49
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
yr() { ceh add-year "$1" --year "${2:-2023}" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
mkapp() { _y=$1; shift; _a=$(apply_std "$@") && yr $_a $_y && echo $_a; }
stage_of() { ls "$CEH_STORE"/people/*/*/*/"${1#*-}.yaml" | awk -F/ '{print $(NF-1)}'; }
# in_queue UNIT APP: the unit's queue lists the application
in_queue() { ceh list --at "$1" --format tsv | cut -f1 | grep -qx "$2"; }

A=$(mkapp 2023 $ID1)
ceh submit $A >/dev/null
ok "waits at the employer EMP1" in_queue $EMP1 $A
expect_code 0 "EMP1 approves (default: its parent)" ceh review --as $EMP1 --approve $A
like "$T/out" "^$A	forwarded to $SUP2\$" "forwarded to SUP2"
ok "now in SUP2's queue" in_queue $SUP2 $A
ok "no longer in EMP1's queue" sh -c "! ceh list --at $EMP1 --format tsv | grep -q $A"
expect_code 0 "SUP2 approves" ceh review --as $SUP2 --approve $A
like "$T/out" "forwarded to $SUP1" "forwarded to SUP2's parent SUP1"
ok "in SUP1's queue" in_queue $SUP1 $A
expect_code 0 "SUP1 (first-level) approves" ceh review --as $SUP1 --approve $A
like "$T/out" "forwarded to $AGENCY" "forwarded to the agency of its region"
ok "in the agency's queue" in_queue $AGENCY $A
ok "still in review/" test "$(stage_of $A)" = review
expect_code 0 "the agency approves" ceh review --as $AGENCY --approve $A
like "$T/out" "^$A	approved\$" "final approval"
ok "in approved/" test "$(stage_of $A)" = approved
ok "in no queue" sh -c "! ls '$CEH_STORE'/queues/*/$A 2>/dev/null | grep -q ."
expect_code 0 "show" ceh show $A
like "$T/out" "审核通过" "status 审核通过"
expect_code 0 "log" ceh log $A --format tsv
cut -f2 "$T/out" | tail -n +2 | tr '\n' ' ' > "$T/events"
echo 'created year-added submitted forwarded forwarded forwarded approved ' | tr -d '\n' > "$T/want"
same "$T/events" "$T/want" "the history has every step, oldest first"
before=$(store_digest)
expect_code 4 "the agency cannot decide twice" ceh review --as $AGENCY --approve $A
like "$T/err" "审核通过" "the message says it is approved"
ok "nothing changed" test "$before" = "$(store_digest)"

# --next: skip a level, then name the agency
B=$(mkapp 2023 $ID2 --unit $EMP2)
ceh submit $B >/dev/null
expect_code 0 "EMP2 approves with --next agency" ceh review --as $EMP2 --approve --next agency $B
like "$T/out" "forwarded to $AGENCY" "straight to the agency"
expect_code 0 "agency approves" ceh review --as $AGENCY --approve $B
C=$(mkapp 2023 $ID3)
ceh submit $C >/dev/null
expect_code 0 "EMP1 approves with --next SUP1 (skipping SUP2)" ceh review --as $EMP1 --approve --next $SUP1 $C
ok "in SUP1's queue" in_queue $SUP1 $C

# a first-level employer sends to the agency of its region
D=$(mkapp 2023 $ID3 --unit $EMP3)
ceh submit $D >/dev/null
expect_code 0 "first-level EMP3 approves" ceh review --as $EMP3 --approve $D
like "$T/out" "forwarded to $AGENCY" "to the agency of its region"

# return and resubmit
expect_code 2 "return needs a reason" ceh review --as $SUP1 --return $C
expect_code 0 "SUP1 returns it with a reason" ceh review --as $SUP1 --return --reason "请补充2023年证书" $C
like "$T/out" "^$C	returned\$" "returned"
ok "back in draft/" test "$(stage_of $C)" = draft
expect_code 0 "show a returned application" ceh show $C
like "$T/out" "退回" "status 退回"
like "$T/out" "请补充2023年证书" "and the reason"
expect_code 0 "list" ceh list --id $ID3 --format tsv
like "$T/out" "^$C	.*	退回		请补充2023年证书	[a-z]+\$" "list shows 退回 and the reason"
expect_code 0 "the applicant corrects it" ceh add-year $C --year 2023 --replace --public-subject 公需课 --public-hours 31 --public-form 远程教育
expect_code 0 "and submits again" ceh submit $C
like "$T/out" "submitted to $EMP1" "it starts from the employer again"
expect_code 0 "EMP1 approves again (default route)" ceh review --as $EMP1 --approve $C
like "$T/out" "forwarded to $SUP2" "the chain after resubmission starts afresh"

# reject and a new application
E=$(mkapp 2022 $ID2 --unit $EMP2)
ceh submit $E >/dev/null
expect_code 0 "EMP2 rejects with a reason" ceh review --as $EMP2 --reject --reason "学时证明不实" $E
ok "in rejected/" test "$(stage_of $E)" = rejected
expect_code 0 "list" ceh list --id $ID2 --format tsv
like "$T/out" "^$E	.*	审核不通过		学时证明不实	[a-z]+\$" "status 审核不通过 with the reason"
F=$(mkapp 2022 $ID2 --unit $EMP2)
ceh submit $F >/dev/null
ceh review --as $EMP2 --approve $F >/dev/null
ceh review --as $SUP1 --approve $F >/dev/null
expect_code 0 "a new application for the rejected year goes through" ceh review --as $AGENCY --approve $F
done_testing
