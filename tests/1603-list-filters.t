#!/bin/sh
# ceh list's filters of issue 16 (those of ceh stats, --stage, --sort) on
# the store with known answers of tests/1600-store.sh: the ids listed are
# checked by hand and against the independent computation of
# tests/1600-oracle.py (Python over `ceh show --format json`).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/1600-store.sh"

$ORACLE dump > "$T/dump.json" || exit 1
before=$(store_digest)
plan 74

ids() { tail -n +2 "$T/out" | cut -f1; }
n=0
# check_list ARGS...: the ids of ceh list ARGS, in order, as the oracle says
check_list() {
	n=$((n + 1))
	$ORACLE list "$T/dump.json" "$@" > "$T/want.$n"
	ceh list "$@" --format tsv > "$T/out" 2> "$T/err"
	ids > "$T/got.$n"
	[ -s "$T/want.$n" ] && found=$((found + 1))
	same "$T/want.$n" "$T/got.$n" "list $*"
}
found=0

# ---- by hand ----
expect_code 0 "--stage draft: 暂存 only" ceh list --stage draft --format tsv
ok "A2, E1, F1 (not the returned B1 nor the withdrawn C1)" test "$(ids | sort | tr '\n' ' ')" = "$(printf '%s\n' $A2 $E1 $F1 | sort | tr '\n' ' ')"
expect_code 0 "--stage returned" ceh list --stage returned --format tsv
ok "B1" test "$(ids)" = "$B1"
expect_code 0 "--stage 已撤销" ceh list --stage 已撤销 --format tsv
ok "C1" test "$(ids)" = "$C1"
expect_code 0 "--stage review: every level" ceh list --stage review --format tsv
ok "B2 at SUP1 and D2 at EMP1" test "$(ids | sort | tr '\n' ' ')" = "$(printf '%s\n' $B2 $D2 | sort | tr '\n' ' ')"
expect_code 0 "--stage waiting_supervisor" ceh list --stage waiting_supervisor --format tsv
ok "B2" test "$(ids)" = "$B2"
expect_code 0 "--unit SUP1 --subtree --year 2024" ceh list --unit $SUP1 --subtree --year 2024 --format tsv
ok "A2 and B2 (EMP1 and EMP2 are under SUP1)" test "$(ids | sort | tr '\n' ' ')" = "$(printf '%s\n' $A2 $B2 | sort | tr '\n' ' ')"
expect_code 0 "--sort status" ceh list --sort status --format tsv
check "rows in the order of the status column" sh -c "tail -n +2 '$T/out' | cut -f9 | LC_ALL=C sort -c"
check "ties (three 暂存) keep the order by id" sh -c "test \$(grep -c '	暂存	' '$T/out') = 3 && tail -n +2 '$T/out' | awk -F'\t' '\$9 == \"暂存\" { print \$1 }' | LC_ALL=C sort -c"

# ---- against the oracle ----
check_list
for st in draft review waiting 待审核 approved 审核通过 rejected 审核不通过 returned 退回 withdrawn \
    已撤销 暂存 waiting_employer waiting_supervisor waiting_agency 待主管部门审核; do
	check_list --stage $st
done
check_list --unit $EMP1
check_list --unit $SUP1 --subtree
check_list --unit $SUP2 --subtree --stage approved
check_list --region 430100
check_list --region 长沙市 --stage draft
check_list --series 卫生
check_list --level 中级 --year 2024
check_list --year 2023
check_list --from 2021 --to 2022
check_list --from 2022 --to 2024 --unit $EMP1
check_list --id $ID1 --stage draft
check_list --at $EMP1
check_list --at $SUP1 --unit $EMP2
check_list --at $SUP1 --stage draft
for col in id name id_number unit education phone years series status waiting_at reason; do
	check_list --sort $col
done
check_list --sort years --year 2023
check_list --sort unit --stage review --unit $SUP1 --subtree

ok "the oracle found applications in all but two of the $n checks" test $found = $((n - 2))

# ---- --at stays the queue's fast path ----
expect_code 0 "--at reads the queue" ceh list --at $EMP1 --format tsv
ok "D2 waits at EMP1" test "$(ids)" = "$D2"

# ---- errors ----
expect_code 2 "an unknown --stage" ceh list --stage pending
like "$T/err" "draft, review .*returned, withdrawn, or 暂存, 待审核" "names the stages, English and Chinese"
expect_code 2 "an unknown --sort column" ceh list --sort 姓名
like "$T/err" "^ceh list: --sort takes a column name" "names --sort"
expect_code 2 "--sort without a column" ceh list --sort
like "$T/err" "option '--sort' needs an argument" "says it needs an argument"
expect_code 2 "--subtree without --unit" ceh list --subtree
expect_code 3 "an unregistered --unit" ceh list --unit 91430100MA4L99999E
expect_code 1 "a bad --region" ceh list --region 火星
expect_code 2 "--year with --from" ceh list --year 2024 --from 2023 --to 2024
ok "list changed nothing" test "$before" = "$(store_digest)"
done_testing
