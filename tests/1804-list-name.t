#!/bin/sh
# ceh list --name (issue 18, search): the exact name, or a prefix ending
# in '*'; with --id both hold; in every format; a bad --name is a usage
# error.
. "$(dirname "$0")/lib.sh"
plan 12
ceh init --unsigned >/dev/null && mk_units || exit 1
A=$(apply_std $ID1)
B=$(apply_std $ID2 --name 张三丰)
C=$(apply_std $ID3 --name 李四)
expect_code 0 "--name 张三: exact" ceh list --name 张三 --format tsv
check "only A" test "$(tail -n +2 "$T/out" | cut -f1)" = "$A"
expect_code 0 "--name '张*': a prefix" ceh list --name '张*' --format tsv
check "A and B" test "$(tail -n +2 "$T/out" | cut -f1 | sort | tr '\n' ' ')" = "$(printf '%s\n%s\n' $A $B | sort | tr '\n' ' ')"
expect_code 0 "--name 张三丰 --id of another person: none" ceh list --name 张三丰 --id $ID1 --format json
like "$T/out" '^\[\]$' "[]"
expect_code 0 "--name 王五: none, the table's header" ceh list --name 王五
check "the header only" test "$(wc -l < "$T/out")" = 1
expect_code 0 "with a stage filter" ceh list --name '李*' --stage draft --format tsv
check "C" test "$(tail -n +2 "$T/out" | cut -f1)" = "$C"
expect_code 2 "--name '' is a usage error" ceh list --name ''
expect_code 2 "--name '*' alone too" ceh list --name '*'
