#!/bin/sh
# Batch review (批量审核): ids from stdin, each decided on its own, one
# stdout line per id in input order, a summary on stderr, exit 0 only when
# all succeeded (else the highest failing exit class).
. "$(dirname "$0")/lib.sh"
plan 38
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
# gen_id N: a valid ID number 43010219850101NNN + check character
gen_id() {
	printf '43010219850101%03d' "$1" | awk '{
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		s = 0
		for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]
		print $0 substr("10X98765432", s % 11 + 1, 1) }'
}
mkapp() { # mkapp IDNUM YEAR -> submitted application id
	_a=$(apply_std "$1") && ceh add-year $_a --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 >/dev/null && ceh submit $_a >/dev/null && echo $_a
}
: > "$T/apps"
for i in 1 2 3 4 5 6; do mkapp $(gen_id $i) 2023 >> "$T/apps"; done
mkapp $(gen_id 1) 2022 >> "$T/apps"	# a second application of person 1
set -- $(cat "$T/apps")
A1=$1 A2=$2 A3=$3 A4=$4 A5=$5 A6=$6 A7=$7

expect_code 0 "a batch where all succeed exits 0" sh -c "printf '%s\n' $A1 $A2 $A7 | ceh review --as $EMP1 --approve -"
printf '%s\tforwarded to %s\n' $A1 $SUP2 $A2 $SUP2 $A7 $SUP2 > "$T/want"
same "$T/out" "$T/want" "one line per application, in input order"
like "$T/err" "^ceh review: 3 of 3 done, 0 failed\$" "summary on stderr"
ceh list --at $SUP2 --format tsv > "$T/q"
ok "SUP2's queue holds the three" test "$(tail -n +2 "$T/q" | cut -f1 | sort | tr '\n' ' ')" = "$(printf '%s\n' $A1 $A2 $A7 | sort | tr '\n' ' ')"

# mixed outcomes: decided already (4), malformed (1), unknown (3), a
# blank line and a comment (skipped), a repeated id (the second is 4)
UNKNOWN=$(gen_id 99)-00000000000000000000
cat > "$T/in" <<IN
$A3
$A1

# comment
not-an-id
$UNKNOWN
$A4
$A3
IN
before=$(store_digest)
expect_code 4 "mixed outcomes: exit is the highest failing class" sh -c "ceh review --as $EMP1 --return --reason 补充材料 - < '$T/in'"
cp "$T/out" "$T/res"; cp "$T/err" "$T/reserr"
ok "one stdout line per id" test "$(wc -l < "$T/res")" = 6
like "$T/res" "^$A3	returned\$" "first: returned"
ok "second: already decided, exit 4 named" sh -c "sed -n 2p '$T/res' | grep -q '^$A1	error 4: .*waiting at $SUP2'"
ok "third: malformed id, exit 1" sh -c "sed -n 3p '$T/res' | grep -q '^not-an-id	error 1: '"
ok "fourth: unknown application, exit 3" sh -c "sed -n 4p '$T/res' | grep -q '^$UNKNOWN	error 3: no application'"
ok "fifth: returned" sh -c "sed -n 5p '$T/res' | grep -q '^$A4	returned\$'"
ok "sixth: the repeated id is refused (already returned)" sh -c "sed -n 6p '$T/res' | grep -q '^$A3	error 4: .*暂存\\|^$A3	error 4: .*退回'"
like "$T/reserr" "^ceh review: 2 of 6 done, 4 failed\$" "summary"
ok "the failures are on stderr too" test "$(grep -c 'ceh review: .*\(waiting at\|not an application\|no application\|退回\)' "$T/reserr")" = 4
ok "the store changed (two returns)" test "$before" != "$(store_digest)"
ceh log $A3 --format tsv > "$T/log"
ok "the repeated id was decided once" test "$(grep -c '	returned	' "$T/log")" = 1

# exit code when only not-found and malformed fail: the highest, 3
expect_code 3 "malformed and unknown only: exit 3" sh -c "printf '%s\n' bad $UNKNOWN $A5 | ceh review --as $EMP1 --approve -"
like "$T/out" "^$A5	forwarded to $SUP2\$" "the good one is still decided"

# ids on the command line and stdin together
expect_code 0 "ids as operands work too" ceh review --as $SUP2 --approve $A1 $A2
ok "two lines" test "$(wc -l < "$T/out")" = 2
expect_code 0 "an empty stdin is no work" sh -c "ceh review --as $EMP1 --approve - < /dev/null"

# chunks: a small chunk size (test-only knob) gives the same result,
# including an id repeated inside and across chunks
: > "$T/many"
for i in $(seq 10 29); do mkapp $(gen_id $i) 2023 >> "$T/many"; done
mkapp $(gen_id 10) 2021 >> "$T/many"
mkapp $(gen_id 10) 2020 >> "$T/many"
{ cat "$T/many"; head -3 "$T/many"; } > "$T/in2"
expect_code 4 "a batch over several chunks with repeats" sh -c "CEH_BATCH_CHUNK=4 ceh review --as $EMP1 --approve - < '$T/in2'"
cp "$T/out" "$T/res"
ok "25 lines" test "$(wc -l < "$T/res")" = 25
ok "22 forwarded" test "$(grep -c '	forwarded to ' "$T/res")" = 22
ok "3 refused as already decided" test "$(grep -c '	error 4: ' "$T/res")" = 3
ok "input order kept" test "$(cut -f1 "$T/res" | tr '\n' ' ')" = "$(tr '\n' ' ' < "$T/in2")"
ceh list --at $SUP2 --format tsv > "$T/q"
ok "SUP2's queue holds all 22 + A5 + A7" test "$(tail -n +2 "$T/q" | wc -l)" = 24
ceh list --at $EMP1 --format tsv > "$T/q"
ok "EMP1's queue holds A6 only" test "$(tail -n +2 "$T/q" | cut -f1)" = "$A6"
expect_code 0 "fsck finds the store clean after batches" ceh fsck
ok "no problems printed" test -z "$(cat "$T/out")"

# batch reject and the agency's batch final approval
expect_code 0 "batch at SUP2 forwards to SUP1" sh -c "cut -f1 '$T/many' | ceh review --as $SUP2 --approve -"
expect_code 0 "SUP1 -> agency" sh -c "cut -f1 '$T/many' | ceh review --as $SUP1 --approve -"
expect_code 0 "the agency approves the whole batch" sh -c "ceh review --as $AGENCY --approve - < '$T/many'"
cp "$T/out" "$T/res"
ok "22 approved" test "$(grep -c '	approved$' "$T/res")" = 22
ok "22 in approved/" test "$(ls "$CEH_STORE"/people/*/*/approved/*.yaml | wc -l)" = 22

# two applications of one person with the same year in one batch at the
# agency: the year is approved once, the other is refused naming the first
P=$(gen_id 77)
Y1=$(mkapp $P 2019); Y2=$(mkapp $P 2019)
ceh review --as $EMP1 --approve --next agency $Y1 $Y2 >/dev/null 2>&1
expect_code 1 "one batch approving the same year twice" ceh review --as $AGENCY --approve $Y1 $Y2
cp "$T/out" "$T/res"
ok "one approved" test "$(grep -c '	approved$' "$T/res")" = 1
ok "the other refused, naming the first" sh -c "grep -qE '^($Y1	error 1: year 2019 of $Y1 is already approved in application $Y2|$Y2	error 1: year 2019 of $Y2 is already approved in application $Y1)\$' '$T/res'"
done_testing
