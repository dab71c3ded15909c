#!/bin/sh
# fsck reads each document once: person_repair's read (for the stage
# field) is handed to the full check, under the person's lock
# (store.h: doc_bytes).  Where the first step moved or reported anything
# for the person, or without the lock (a read-only check), each document
# is read again; the answers are the same either way.
. "$(dirname "$0")/lib.sh"
plan 10
ceh init --unsigned >/dev/null
mk_units
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
yr() { ceh add-year "$1" --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
A=$(apply_std $ID1) && yr $A
B=$(apply_std $ID2 --name 李四) && yr $B
ceh submit $B >/dev/null || exit 1
opens() { # opens LOG UNIQ: how often fsck opened UNIQ.yaml
	grep -c "openat([^\"]*\"$2\.yaml\"" "$1"
}
if strace -f -o /dev/null true 2>/dev/null; then
	strace -f -e trace=openat -o "$T/trace" ceh fsck > "$T/sout" 2> "$T/serr"
	ok "fsck under strace: no problem" grep -q "; 0 problem.s. found" "$T/serr"
	ok "the draft read once" test "$(opens "$T/trace" ${A#*-})" = 1
	ok "the queued document read once" test "$(opens "$T/trace" ${B#*-})" = 1
	# a document in the wrong folder: moved first, then read again
	doc=$(ls "$CEH_STORE"/people/*/*/draft/${A#*-}.yaml)
	mv "$doc" "${doc%/draft/*}/rejected/"
	strace -f -e trace=openat -o "$T/trace" ceh fsck --repair > "$T/sout" 2> "$T/serr"
	ok "fsck --repair moves it back" grep -q "rejected/${A#*-}\.yaml: its stage is draft, moved" "$T/sout"
	ok "and reads it again where it now is" sh -c "grep 'openat(.*${A#*-}\.yaml' '$T/trace' | tail -1 | grep -q '\"${A#*-}\.yaml\"'"
	ok "it is in draft/ again" test -f "$doc"
else
	for i in 1 2 3 4 5 6; do _report 0 "# SKIP strace cannot trace here"; done
fi
expect_code 0 "fsck after" ceh fsck
like "$T/err" "2 application.s. of 2 people checked; 0 problem.s. found" "both checked, no problem"
expect_code 0 "a read-only fsck (no lock, each document read again)" ceh fsck --read-only
like "$T/err" "2 application.s. of 2 people checked; 0 problem.s. found" "the same answer"
