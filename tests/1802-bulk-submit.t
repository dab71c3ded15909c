#!/bin/sh
# submit and withdraw of many applications (issue 18, bulk steps): ids
# as operands and on stdin (-), one outcome line per id, a summary, the
# worst exit class, one failure not stopping the rest; in a signed store
# each application signed by its own employer's key; every year that
# lacks an attachment named at once.
. "$(dirname "$0")/lib.sh"
plan 25
ceh init --signed >/dev/null && mk_units || exit 1
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
att() { printf '%%PDF-1.4 evidence %s %s\n' "$1" "$2" > "$T/ev-$2.pdf"; ceh attach "$1" --year "$2" "$T/ev-$2.pdf" >/dev/null; }

A=$(apply_std $ID1)
B=$(apply_std $ID2)
C=$(ceh apply --id $ID3 --name 欧阳娜娜 --ethnicity 土家族 --unit $EMP2 --unit-nature 事业单位 \
    --title-level 中级 --phone 0731-84123456 --series 工程 --specialty 城乡规划 --region 长沙市)
for x in $A $B $C; do yr $x 2023; att $x 2023; done
N=$(apply_std 110101199003077774)
yr $N 2021; yr $N 2022; yr $N 2023; att $N 2022

# every year without evidence at once
before=$(store_digest)
expect_code 1 "submit of a draft with two bare years" ceh submit $N
like "$T/err" "^ceh submit: application $N: years 2021, 2023 have no attachment" "both years named in one message"
check "refused: nothing changed" test "$before" = "$(store_digest)"
LANG=zh_CN.UTF-8 ceh submit $N 2>"$T/zh" >/dev/null
like "$T/zh" "2021, 2023" "the Chinese message names them too"

# many ids: operands and stdin, two employers' keys, one failure
printf '%s\n\n# the second employer\n%s\n' "$B" "$C" > "$T/ids"
expect_code 1 "submit A, N and the ids on stdin" sh -c "ceh submit $A $N - < '$T/ids'"
like "$T/out" "^$A	submitted to $EMP1\$" "A submitted"
like "$T/out" "^$B	submitted to $EMP1\$" "B from stdin submitted"
like "$T/out" "^$C	submitted to $EMP2\$" "C submitted to its own employer"
like "$T/out" "^$N	error 1: application $N: years 2021, 2023 have no attachment" "N's outcome line"
check "four outcome lines, in input order" test "$(cut -f1 "$T/out" | tr '\n' ' ')" = "$A $N $B $C "
like "$T/err" "^ceh submit: 3 of 4 done, 1 failed$" "the summary"
for x in $A $B $C; do
	ceh verify $x >/dev/null 2>&1 || echo "no $x"
done > "$T/bad"
check "each submission verifies (signed by its employer)" test ! -s "$T/bad"
ceh log $C --format tsv > "$T/logc"
like "$T/logc" "submitted	.*$EMP2" "C's submission is its employer's"

# withdraw many; one already a draft
expect_code 4 "withdraw A, C and the draft N" ceh withdraw $A $C $N
like "$T/out" "^$A	withdrawn\$" "A withdrawn"
like "$T/out" "^$C	withdrawn\$" "C withdrawn"
like "$T/out" "^$N	error 4: " "N refused with its class"
like "$T/err" "^ceh withdraw: 2 of 3 done, 1 failed$" "the summary"

# a key that is not the employer's: each of its applications refused, the others done
mk_key $EMP1 >/dev/null
expect_code 1 "submit with --key of EMP1 for A and C" ceh submit --key "$XDG_CONFIG_HOME/ceh/keys/$EMP1.key" $A $C
like "$T/out" "^$A	submitted to $EMP1\$" "A, EMP1's, is done"
like "$T/out" "^$C	error 1: the key in .* is not the key registered for $EMP2" "C is refused: not EMP2's key"

expect_code 2 "no ids" ceh submit
expect_code 0 "empty stdin: nothing to do" sh -c "ceh submit - < /dev/null"
like "$T/err" "no application ids on standard input" "says so"
expect_code 3 "an unknown id alone" ceh withdraw 430104199001014562-00000000000000000000
