#!/bin/sh
# Review findings, each a test that failed before its fix: a batch of
# many people stays inside the open-file limit; a document copied into a
# second stage folder is reported by fsck and no longer locks the person's
# other applications; a read error on the id list is not end of input.
. "$(dirname "$0")/lib.sh"
plan 10
ceh init --signed >/dev/null
mk_units
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"

# 1. 80 people in one batch with at most 150 descriptors
python3 - > "$T/ids" <<'PY'
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
for i in range(80):
    b = "4301021985%04d%03d" % (101 + i % 28, 100 + i)
    print(b + "10X98765432"[sum(int(c) * w for c, w in zip(b, W)) % 11])
PY
: > "$T/apps"
while read -r id; do
	a=$(apply_std "$id") && ceh add-year "$a" --year 2024 --pro-subject 课 \
	    --pro-hours 60 --pro-form 培训班 >/dev/null && ceh submit "$a" >/dev/null &&
	    echo "$a" >> "$T/apps"
done < "$T/ids"
ok "80 applications of 80 people in review" test "$(wc -l < "$T/apps")" = 80
expect_code 0 "a batch of them with a 150-descriptor limit" sh -c "ulimit -n 150 && ceh review --as $EMP1 --approve - < '$T/apps'"
ok "every one decided" test "$(grep -c 'forwarded to' "$T/out")" = 80

# 2. a document copied into a second stage folder
A=$(apply_std $ID1)
B=$(apply_std $ID1)
ceh add-year $A --year 2023 --pro-subject 课 --pro-hours 60 --pro-form 培训班 >/dev/null
ceh submit $A >/dev/null
dir=$(dirname "$(find "$CEH_STORE/people" -name "${A#*-}.yaml")")
cp "$dir/${A#*-}.yaml" "$dir/../draft/"
expect_code 0 "the person's other application can still change" ceh edit $B --phone 0731-84123456
# the same bytes (an interrupted move): the copy outside its stage's
# folder goes; different bytes are left for a person to decide
ok "an identical copy is removed by the writer's repair" test ! -e "$dir/../draft/${A#*-}.yaml"
sed 's/^stage: review$/stage: draft/' "$dir/${A#*-}.yaml" > "$dir/../draft/${A#*-}.yaml"
expect_code 1 "fsck reports a different copy" ceh fsck
like "$T/out" "${A#*-}.yaml is in both draft/ and review/" "naming both folders"
expect_code 1 "fsck --repair leaves it for a person to decide" ceh fsck --repair

# 3. a read error on standard input
expect_code 5 "an unreadable id list is a system error" sh -c "ceh review --as $EMP1 --approve - < '$CEH_STORE/people'"
like "$T/err" "cannot read ids from standard input" "says so"
done_testing
