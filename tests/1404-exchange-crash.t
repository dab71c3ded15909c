#!/bin/sh
# An interrupted receive (kill -9 at every atomic step, a full disk at
# every write) leaves each application as it was or as received, never
# half; receiving the bundle again finishes it (ceh-exchange(7)).
. "$(dirname "$0")/lib.sh"
plan 34
. "$(dirname "$0")/1400-exchange-lib.sh"
A=$(app_at E $ID1) && B=$(app_at E $ID2) || exit 1
for x in $A $B; do
	at E submit $x >/dev/null && at E review --as $EMP1 --approve $x >/dev/null || exit 1
done
at E send --to $SUP2 -o "$U/e.bundle" 2>/dev/null || exit 1
cp -a "$S" "$T/sup0"
# after: each application absent or verified; fsck clean; again: both
after() { # after MSG
	n=0
	for x in $A $B; do
		if XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/s" show $x >/dev/null 2>&1; then
			XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/s" verify $x >/dev/null 2>&1 || n=99
			n=$((n + 1))
		fi
	done
	ok "$1: each application absent or whole ($n of 2)" test $n -le 2
	ok "$1: received again, it is finished" env XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/s" receive "$U/e.bundle"
	ok "$1: both there and verified" sh -c "XDG_CONFIG_HOME='$T/keys-sup' ceh --store '$T/s' verify $A && XDG_CONFIG_HOME='$T/keys-sup' ceh --store '$T/s' verify $B"
	ok "$1: then fsck is clean (no leftover, the queue index right)" ceh --store "$T/s" fsck
}
for c in atomic-after-rename:1 atomic-after-rename:3 atomic-after-rename:4 atomic-before-rename:2 atomic-before-rename:1; do
	rm -rf "$T/s"; cp -a "$T/sup0" "$T/s"
	CEH_CRASH=$c XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/s" receive "$U/e.bundle" >/dev/null 2>&1
	rc=$?
	ok "crash at $c: killed (exit $rc)" test $rc = 137
	after "crash at $c"
done
for f in write:1 write:3 fsync:2; do
	rm -rf "$T/s"; cp -a "$T/sup0" "$T/s"
	CEH_FAULT=$f XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/s" receive "$U/e.bundle" >/dev/null 2>"$T/err"
	rc=$?
	ok "fault $f: exit 5" test $rc = 5
	ok "fault $f: received again, it is finished" env XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/s" receive "$U/e.bundle"
	ok "fault $f: then fsck is clean" ceh --store "$T/s" fsck
done
done_testing
