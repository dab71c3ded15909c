#!/bin/sh
# ceh submit and ceh withdraw: completeness, the employer's queue, and
# withdrawal allowed only at the first reviewer before any decision.
. "$(dirname "$0")/lib.sh"
plan 55
ceh init --signed >/dev/null && mk_units || exit 1
yr() { ceh add-year "$1" --year "${2:-2023}" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
stage_of() { ls "$CEH_STORE"/people/*/*/*/"${1#*-}.yaml" | awk -F/ '{print $(NF-1)}'; }
qfile() { echo "$CEH_STORE/queues/$1/$2"; }

A=$(apply_std $ID1)
# attachments are required by default: a year row without evidence is refused
yr $A
before=$(store_digest)
expect_code 1 "submit refuses a year without attachments when the store requires them" ceh submit $A
like "$T/err" "year 2023 has no attachment" "the message names the year"
ok "refused submit changed nothing" test "$before" = "$(store_digest)"
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"

E=$(apply_std $ID2)
before=$(store_digest)
expect_code 1 "submit refuses an application without year rows" ceh submit $E
like "$T/err" "has no year rows" "and says why"
ok "nothing changed" test "$before" = "$(store_digest)"

expect_code 0 "submit a complete draft" ceh submit $A
like "$T/out" "^$A	submitted to $EMP1\$" "stdout names the employer it now waits at"
ok "it is in review/" test "$(stage_of $A)" = review
ok "the employer's queue has it" test -f "$(qfile $EMP1 $A)"
expect_code 0 "show" ceh show $A
like "$T/out" "待审核" "status 待审核"
before=$(store_digest)
expect_code 4 "submitting twice is refused" ceh submit $A
like "$T/err" "待审核 at $EMP1" "the message says where it waits"
expect_code 4 "the applicant cannot edit a submitted application" ceh edit $A --phone 13800000000
expect_code 4 "nor add a year" ceh add-year $A --year 2022 --public-subject x --public-hours 30 --public-form 远程教育
ok "refusals changed nothing" test "$before" = "$(store_digest)"

# withdraw at the employer, before a decision
expect_code 0 "withdraw while waiting at the employer" ceh withdraw $A
like "$T/out" "^$A	withdrawn\$" "stdout says withdrawn"
ok "back in draft/" test "$(stage_of $A)" = draft
ok "gone from the employer's queue" test ! -e "$(qfile $EMP1 $A)"
expect_code 0 "list" ceh list --format tsv
like "$T/out" "^$A	.*	已撤销	" "list shows 已撤销"
expect_code 0 "log" ceh log $A --format tsv
like "$T/out" "	withdrawn	.*	$EMP1	" "the history keeps the withdrawal"
before=$(store_digest)
expect_code 4 "withdrawing a draft is refused" ceh withdraw $A
like "$T/err" "not waiting for a decision" "with a reason"
ok "nothing changed" test "$before" = "$(store_digest)"
expect_code 0 "a withdrawn application can be edited" ceh edit $A --phone 13800000000

# resubmit; after the employer's decision withdraw is refused
expect_code 0 "resubmit" ceh submit $A
expect_code 0 "employer approves" ceh review --as $EMP1 --approve $A
like "$T/out" "forwarded to $SUP2" "forwarded to the parent SUP2"
before=$(store_digest)
expect_code 4 "withdraw at the supervisor is refused" ceh withdraw $A
like "$T/err" "already decided on by $EMP1" "the message names the deciding unit"
like "$T/err" "退回" "and says only a return gives it back"
ok "nothing changed" test "$before" = "$(store_digest)"

# after a return, withdraw is refused (it is a draft) and resubmit starts over
expect_code 0 "supervisor returns it" ceh review --as $SUP2 --return --reason "补充材料" $A
expect_code 4 "withdraw of a returned draft is refused" ceh withdraw $A
expect_code 0 "resubmit after return" ceh submit $A
like "$T/out" "submitted to $EMP1" "it starts at the employer again"
expect_code 0 "withdraw right after resubmission" ceh withdraw $A

# final stages
expect_code 0 "resubmit" ceh submit $A
for u in $EMP1 $SUP2 $SUP1 $AGENCY; do ceh review --as $u --approve $A >/dev/null; done
ok "approved" test "$(stage_of $A)" = approved
before=$(store_digest)
expect_code 4 "withdraw of an approved application is refused" ceh withdraw $A
like "$T/err" "审核通过" "the message gives the status"
ok "nothing changed" test "$before" = "$(store_digest)"

B=$(apply_std $ID3); yr $B
ceh submit $B >/dev/null
expect_code 0 "employer rejects" ceh review --as $EMP1 --reject --reason "材料不实" $B
before=$(store_digest)
expect_code 4 "withdraw of a rejected application is refused" ceh withdraw $B
expect_code 4 "submit of a rejected application is refused" ceh submit $B
ok "nothing changed" test "$before" = "$(store_digest)"

expect_code 3 "withdraw of an unknown application" ceh withdraw 430104199001014562-00000000000000000000
expect_code 1 "withdraw of a malformed id" ceh withdraw nonsense
expect_code 2 "submit without an id" ceh submit
expect_code 0 "submit --help" ceh submit --help
like "$T/out" "^usage: ceh submit \[--key FILE\] APP" "usage on stdout"
done_testing
