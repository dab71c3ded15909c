#!/bin/sh
# Two reviewers racing on the same application, many rounds: exactly one
# wins each time, the other gets exit 4, and exactly one decision is in the
# history.  Then two batch reviewers racing on the same 20 applications.
. "$(dirname "$0")/lib.sh"
plan 8
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
gen_id() {
	printf '43010219850101%03d' "$1" | awk '{
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		s = 0
		for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]
		print $0 substr("10X98765432", s % 11 + 1, 1) }'
}
mkapp() {
	_a=$(apply_std "$1") && ceh add-year $_a --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 >/dev/null && ceh submit $_a >/dev/null && echo $_a
}
ROUNDS=30
: > "$T/apps"
for i in $(seq 1 $ROUNDS); do mkapp $(gen_id $((i % 10))) >> "$T/apps"; done
good=0 bad=""
r=0
while read -r A; do
	r=$((r + 1))
	# odd rounds: the loser waits for the lock and then sees the decision;
	# even rounds: no waiting, the loser may find the lock busy (also 4)
	w=0; [ $((r % 2)) = 1 ] && w=10
	(ceh --wait $w review --as $EMP1 --approve $A > "$T/o1" 2> "$T/e1"; echo $? > "$T/rc1") &
	(ceh --wait $w review --as $EMP1 --return --reason 竞争 $A > "$T/o2" 2> "$T/e2"; echo $? > "$T/rc2") &
	wait
	rcs="$(cat "$T/rc1") $(cat "$T/rc2")"
	n=$(ceh log $A --format tsv | grep -c '	\(forwarded\|returned\)	')
	case "$rcs" in
	"0 4"|"4 0") [ "$n" = 1 ] && good=$((good + 1)) || bad="$bad $r:decisions=$n" ;;
	*) bad="$bad $r:rc=$rcs" ;;
	esac
done < "$T/apps"
ok "exactly one winner in each of $ROUNDS rounds (failures:${bad:- none})" test "$good" = $ROUNDS
ok "the loser's message is about the state or the lock" sh -c "grep -qE 'waiting at|not waiting|locked' '$T/e1' '$T/e2'"
expect_code 0 "fsck: the store is consistent" ceh fsck
n_fwd=$(ceh list --at $SUP2 --format tsv | tail -n +2 | wc -l)
n_ret=$(ceh list --stage returned --format tsv | tail -n +2 | wc -l)
ok "every application is either forwarded or returned ($n_fwd + $n_ret)" test $((n_fwd + n_ret)) = $ROUNDS
ok "and none waits at the employer" test -z "$(ceh list --at $EMP1 --format tsv | tail -n +2)"

# two batches racing over the same 20 applications (with --wait)
: > "$T/b"
for i in $(seq 40 59); do mkapp $(gen_id $i) >> "$T/b"; done
(ceh --wait 20 review --as $EMP1 --approve - < "$T/b" > "$T/b1" 2>/dev/null; echo $? > "$T/brc1") &
(sort -r "$T/b" | ceh --wait 20 review --as $EMP1 --reject --reason 竞争 - > "$T/b2" 2>/dev/null; echo $? > "$T/brc2") &
wait
won=$(cat "$T/b1" "$T/b2" | grep -cv '	error ')
lost=$(cat "$T/b1" "$T/b2" | grep -c '	error 4: ')
ok "each of the 20 decided exactly once ($won won, $lost lost)" test "$won" = 20 -a "$lost" = 20
total=0
while read -r A; do
	total=$((total + $(ceh log $A --format tsv | grep -c '	\(forwarded\|rejected\)	')))
done < "$T/b"
ok "twenty decisions in the histories" test "$total" = 20
expect_code 0 "fsck after the batch race" ceh fsck
done_testing
