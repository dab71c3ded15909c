#!/bin/sh
# ceh review --undo (issue 18, Corrections): the unit whose forwarding,
# rejection or return is the last event takes it back with a signed,
# chained "undone" event; the application waits at that unit again (its
# queue, its stage folder).  Refused, store byte-identical: by another
# unit, after the next unit acted, after the applicant changed a returned
# draft, an undo of an undo, the agency's final approval, a wrong key.
# verify and fsck stay clean; a forged undo is refused by verify.
. "$(dirname "$0")/lib.sh"
plan 54
ceh init --signed >/dev/null && mk_units || exit 1
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
att() { printf '%%PDF-1.4 evidence %s %s\n' "$1" "$2" > "$T/ev-$1-$2.pdf"; ceh attach "$1" --year "$2" "$T/ev-$1-$2.pdf" >/dev/null; }
full() { yr "$1" "$2" && att "$1" "$2"; }
refused() { # refused CODE MSG CMD...: exit CODE and the store unchanged
	_c=$1; _m=$2; shift 2
	store_digest > "$T/d0"
	expect_code "$_c" "$_m" "$@"
	store_digest > "$T/d1"
	same "$T/d0" "$T/d1" "$_m: store byte-identical"
}
A=$(apply_std $ID1); full $A 2021
B=$(apply_std $ID1); full $B 2022
C=$(apply_std $ID1); full $C 2023
D=$(apply_std $ID2); full $D 2023
E=$(apply_std $ID3); full $E 2023
ceh submit $A $B $C $D $E >/dev/null 2>&1 || exit 1

# a forwarding taken back
ceh review --as $EMP1 --approve $A >/dev/null || exit 1
refused 4 "another unit cannot undo it" ceh review --as $SUP2 --undo $A
like "$T/err" "made by $EMP1, not by $SUP2" "the message names the unit that decided"
expect_code 0 "EMP1 undoes its forwarding" ceh review --as $EMP1 --undo --reason 误点通过 $A
like "$T/out" "^$A	undone forwarded, waiting at $EMP1\$" "outcome line"
ceh show $A --format json > "$T/j"
like "$T/j" '"status": "待审核"' "in review again"
like "$T/j" "\"waiting_at\": \"$EMP1\"" "waiting at EMP1 again"
ceh list --at $EMP1 --format tsv > "$T/q1" 2>&1; like "$T/q1" "^$A" "in EMP1's queue"
ceh list --at $SUP2 --format tsv > "$T/q2" 2>&1; unlike "$T/q2" "^$A" "gone from SUP2's queue"
ceh log $A --format tsv > "$T/log"
like "$T/log" "undone" "the history records the undo"
refused 4 "an undo is not undone" ceh review --as $EMP1 --undo $A
like "$T/err" "no decision to undo" "nothing to undo"
# it can be forwarded to the same unit again, and then withdrawn after an undo
expect_code 0 "forwarded again" ceh review --as $EMP1 --approve $A
ceh review --as $EMP1 --undo $A >/dev/null || exit 1
expect_code 0 "withdrawn: the undone decision counts for nothing" ceh withdraw $A

# the next unit acted: too late
ceh review --as $EMP1 --approve $B >/dev/null &&
ceh review --as $SUP2 --approve $B >/dev/null || exit 1
refused 4 "EMP1 cannot undo once SUP2 decided" ceh review --as $EMP1 --undo $B
expect_code 0 "SUP2 undoes its own forwarding" ceh review --as $SUP2 --undo $B
like "$T/out" "waiting at $SUP2\$" "back at SUP2"
ceh review --as $SUP2 --approve $B >/dev/null &&
ceh review --as $SUP1 --approve $B >/dev/null &&
ceh review --as $AGENCY --approve $B >/dev/null || exit 1
refused 4 "a final approval is not undone" ceh review --as $AGENCY --undo $B
like "$T/err" "revoke" "the message points to --revoke"

# a return taken back; after the applicant's change it is too late
ceh review --as $EMP1 --return --reason 缺证明 $C >/dev/null || exit 1
expect_code 0 "a return undone" ceh review --as $EMP1 --undo $C
ceh show $C --format json > "$T/j"; like "$T/j" '"status": "待审核"' "the return undone: in review"
ceh review --as $EMP1 --return --reason 缺证明 $C >/dev/null || exit 1
ceh edit $C --phone 15556565657 >/dev/null || exit 1
refused 4 "the applicant changed it: too late" ceh review --as $EMP1 --undo $C
# a rejection taken back
ceh submit $C >/dev/null && ceh review --as $EMP1 --reject --reason 不符 $C >/dev/null || exit 1
expect_code 0 "a rejection undone" ceh review --as $EMP1 --undo $C
ceh list --format tsv > "$T/list"
unlike "$T/list" "^$C	.*不符" "list: the rejection's reason is gone with it"
ceh show $C --format json > "$T/j"; like "$T/j" "\"waiting_at\": \"$EMP1\"" "the rejection undone: waits at EMP1"

# usage and keys
refused 2 "--undo with --approve" ceh review --as $EMP1 --undo --approve $C
ceh review --as $EMP1 --approve $C >/dev/null || exit 1
mv "$XDG_CONFIG_HOME/ceh/keys/$EMP1.key" "$T/emp1.key"
ceh key generate --unit $EMP1 >/dev/null
refused 1 "an undo signed with another key" ceh review --as $EMP1 --undo $C
mv "$T/emp1.key" "$XDG_CONFIG_HOME/ceh/keys/$EMP1.key"
expect_code 0 "--key FILE" ceh review --as $EMP1 --key "$XDG_CONFIG_HOME/ceh/keys/$EMP1.key" --undo $C

# many ids, one outcome line each
ceh review --as $EMP1 --approve $C >/dev/null || exit 1
printf '%s\n%s\n' $C $B | ceh review --as $EMP1 --undo - > "$T/out" 2> "$T/err"
like "$T/out" "^$C	undone forwarded" "batch: the first undone"
like "$T/out" "^$B	error 4" "batch: the second refused"

expect_code 0 "ceh verify clean" sh -c "ceh verify $A && ceh verify $B && ceh verify $C"
expect_code 0 "ceh fsck clean" ceh fsck
like "$T/err" " 0 problem" "no problem"

# a forged undo, chained and signed with SUP2's real key (tests/0812-forge.py):
# SUP2 takes back EMP1's forwarding of D
ceh review --as $EMP1 --approve $D >/dev/null || exit 1
f=$(find "$CEH_STORE/people" -path "*/review/${D#*-}.yaml")
cp "$f" "$T/saved"
ok "the forged undo is chained and signed" /usr/bin/python3 "$CEH_ROOT/tests/0812-forge.py" "$f" "$XDG_CONFIG_HOME/ceh/keys" add event=undone unit=$SUP2 next=$SUP2 detail=forwarded key=x
expect_code 1 "verify refuses the forged undo" ceh verify $D
like "$T/err" "event [0-9]+ \(undone\) by $SUP2 does not take back the event before it" "verify says why"
expect_code 1 "fsck reports it" ceh fsck
cp "$T/saved" "$f"
expect_code 0 "restored: verified" ceh verify $D

# a crash in an undo (the commit path of every transition): a return
# undone moves the document from draft/ back to review/; killed before
# and after the commit point, fsck --repair leaves it old or new, whole
crash() { # crash POINT WANT(0|1: undone events after the repair)
	ceh review --as $EMP1 --return --reason 缺证明 $E >/dev/null || exit 1
	expect_code 137 "undo killed at $1" env CEH_CRASH=$1 ceh review --as $EMP1 --undo $E
	ceh fsck --repair >/dev/null 2>&1
	expect_code 0 "$1: fsck clean after the repair" ceh fsck
	ceh log $E --format tsv > "$T/log"
	n=$(awk -F '\t' '$2 == "undone"' "$T/log" | wc -l)
	ok "$1: the undo is there or not, whole" test "$n" = "$(( undone0 + $2 ))"
	expect_code 0 "$1: it verifies" ceh verify $E
	# not there: it is made now, as the clerk would after the crash
	[ "$2" = 1 ] || ceh review --as $EMP1 --undo $E >/dev/null || exit 1
	undone0=$(ceh log $E --format tsv | awk -F '\t' '$2 == "undone"' | wc -l)
	ceh show $E --format json > "$T/j"
	like "$T/j" "\"waiting_at\": \"$EMP1\"" "$1: waits at EMP1 after all"
}
undone0=0
crash wf-after-queue-add 0
crash move-after-link 1
done_testing
