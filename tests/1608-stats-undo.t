#!/bin/sh
# The waiting days after an undo and a revocation (review --undo and
# --revoke, issue 18): an undo ends the stint at the unit the decision
# had sent the application to and starts one again at the unit that
# undid it; a revoked approval counts as rejected.  Checked by hand and
# against tests/1600-oracle.py, through the index and without it.
. "$(dirname "$0")/lib.sh"
ORACLE="/usr/bin/python3 $CEH_ROOT/tests/1600-oracle.py"
D=86400
BASE=1748736000
day() { CEH_NOW=$((BASE + $1 * D)); export CEH_NOW; }
plan 7
day 0
ceh init --unsigned >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
A=$(apply_std $ID1)
ceh add-year $A --year 2023 --public-subject 公需 --public-hours 30 --public-form 远程教育 \
    --pro-subject 专业 --pro-hours 60 --pro-form 培训班 >/dev/null
ceh submit $A >/dev/null
day 1; ceh review --as $EMP1 --approve $A >/dev/null    # to SUP2
day 3; ceh review --as $EMP1 --undo $A >/dev/null       # back at EMP1
day 4; ceh review --as $EMP1 --approve $A >/dev/null    # to SUP2 again
day 6; ceh review --as $SUP2 --approve $A >/dev/null    # to SUP1
day 7; ceh review --as $SUP1 --approve --next agency $A >/dev/null
day 9; ceh review --as $AGENCY --approve $A >/dev/null
day 10; ceh review --as $AGENCY --revoke --reason 材料不实 $A >/dev/null
day 12
$ORACLE dump > "$T/dump.json" || exit 1
# employer: 0-1 and 3-4 = 2 days / 2 stints; supervisors: SUP2 1-3 and
# 4-6, SUP1 6-7 = 5 / 3; agency 7-9 = 2 / 1; the approval revoked
expect_code 0 "stats" ceh stats --format json
$ORACLE norm-stats < "$T/out" > "$T/got"
like "$T/got" " approved=0 rejected=1 " "the revoked approval counts as rejected"
like "$T/got" " days_employer=1 days_supervisor=1.7 days_agency=2 " "the days around the undo, by hand"
$ORACLE stats "$T/dump.json" > "$T/want"
same "$T/want" "$T/got" "the oracle agrees"
expect_code 0 "stats without the index" env CEH_INDEX=off ceh stats --format json
$ORACLE norm-stats < "$T/out" > "$T/got2"
same "$T/want" "$T/got2" "the documents agree"
expect_code 0 "fsck is clean" ceh fsck
