#!/bin/sh
# ceh transfer interrupted (issue 18): each draft is committed on its own
# through the store's one commit path, so a crash in the middle of the
# second draft leaves the first moved and the second either moved whole
# or not at all; running transfer again finishes the rest, and fsck finds
# nothing wrong.  A failed write (ENOSPC) is reported for that draft and
# changes nothing of it; the person's record of the move (transfers.log,
# after index/moved) is published whole or not at all; unit edit and unit remove, which rewrite
# units.yaml whole, leave it as it was when its write fails.
. "$(dirname "$0")/lib.sh"
plan 36
ceh init --unsigned >/dev/null && mk_units || exit 1
A=$(apply_std $ID1)
B=$(apply_std $ID1)
C=$(apply_std $ID1)

# a crash at the second draft's commit point
expect_code 137 "transfer killed at the second commit" env CEH_CRASH=atomic-before-rename:4 ceh transfer $ID1 --to $EMP3
check "the line of the first draft was out before the crash" test "$(wc -l < "$T/out")" = 1
ceh list --unit $EMP3 --format tsv | sed 1d | cut -f1 > "$T/moved"
check "one draft moved, the others still EMP1's" test "$(wc -l < "$T/moved")" = 1
same "$T/moved" /dev/stdin "the one printed" <<EOF2
$(cut -f1 "$T/out")
EOF2
expect_code 1 "fsck after the crash: the temp file of the interrupted write" ceh fsck
like "$T/out" "draft/\.tmp\..*: temp file of an interrupted write" "named"
check "and nothing else" test "$(wc -l < "$T/out")" = 1
expect_code 0 "transfer again" ceh transfer $ID1 --to $EMP3
check "the two others move now" test "$(wc -l < "$T/out")" = 2
like "$T/err" ": 2 moved, 1 already there, 0 staying in review, 0 decided, 0 failed\$" "the summary counts the one already there"
ceh list --unit $EMP3 --format tsv | sed 1d | cut -f1 | sort > "$T/all"
printf '%s\n' $A $B $C | sort > "$T/want"
same "$T/all" "$T/want" "all three at EMP3"
for x in $A $B $C; do
	test "$(ceh log $x --format tsv | grep -c '	transferred	')" = 1 || echo "$x"
done > "$T/twice"
check "each history has one transferred event" test ! -s "$T/twice"
expect_code 0 "fsck at the end" ceh fsck
check "fsck reports nothing" test ! -s "$T/out"

# a write that fails: reported for its draft, nothing of it changed, the
# others moved all the same (each is committed on its own)
first=$(printf '%s\n' $A $B $C | sort | head -1)
doc=$(ls "$CEH_STORE"/people/*/$ID1/draft/${first#*-}.yaml)
cp "$doc" "$T/first.yaml"
expect_code 5 "transfer with the first write failing (ENOSPC)" env CEH_FAULT=write:2 ceh transfer $ID1 --to $EMP2
like "$T/out" "^$first	error 5: .*No space left on device" "an error line for the first draft"
check "two others moved" test "$(grep -c '	transferred from ' "$T/out")" = 2
same "$doc" "$T/first.yaml" "the first draft's document is byte-identical"
like "$T/err" ": 2 moved, 0 already there, 0 staying in review, 0 decided, 1 failed\$" "the summary counts the failure"
expect_code 0 "fsck after the failed write" ceh fsck

# a crash at the commit point of the person's record: index/moved lists
# ID2 already (it is written first), transfers.log is not there, so ID2
# still counts at EMP1; fsck finds only the temp file (a person listed
# without a file is no finding), and transfer again records the move
E=$(apply_std $ID2)
expect_code 137 "transfer killed at the record's commit point" env CEH_CRASH=atomic-before-rename:2 ceh transfer $ID2 --to $EMP3
check "nothing printed, nothing moved" test ! -s "$T/out"
like "$CEH_STORE/index/moved" "^$ID2\$" "index/moved lists ID2 before the record is published"
check "no record" test -z "$(ls "$CEH_STORE"/people/*/$ID2/transfers.log 2>/dev/null)"
ceh stats --unit $EMP3 --format tsv | sed 1d | cut -f1 > "$T/n3"
check "the reports do not count ID2 at EMP3 (ID1's three drafts are EMP2's now)" test "$(cat "$T/n3")" = 0
expect_code 1 "fsck after the crash" ceh fsck
like "$T/out" "^people/[0-9]+/$ID2/\.tmp\.transfers\.log\..*: temp file of an interrupted write" "the temp file is named"
check "and nothing else" test "$(wc -l < "$T/out")" = 1
expect_code 0 "transfer again" ceh transfer $ID2 --to $EMP3
like "$T/err" "$ID2 now works at $EMP3" "the move is recorded now"
expect_code 0 "fsck --repair sweeps the temp file" ceh fsck --repair
expect_code 0 "fsck at the end" ceh fsck

# units.yaml is written whole: a failed write leaves it as it was
cp "$CEH_STORE/units.yaml" "$T/units0"
expect_code 5 "unit edit with its write failing" env CEH_FAULT=write:1 ceh unit edit $EMP2 --name 改名
same "$CEH_STORE/units.yaml" "$T/units0" "units.yaml unchanged"
ceh unit add 91430100MA4L44444J --name 录错 --kind employer >/dev/null
cp "$CEH_STORE/units.yaml" "$T/units1"
expect_code 5 "unit remove with its write failing" env CEH_FAULT=write:1 ceh unit remove 91430100MA4L44444J
same "$CEH_STORE/units.yaml" "$T/units1" "units.yaml unchanged"
done_testing
