#!/bin/sh
# Two writers of the records store where the store lock keeps nobody out
# (issue 12.2: a shared folder whose flock does not reach the other
# computer), simulated with the test-only CEH_FS_COMPAT=noflock and a
# first import held just before its commit (CEH_STOP).  Before, the
# second import cut the first one's appended records, the first then
# committed sizes naming the second one's bytes, and an undo deleted
# .key files another import had committed.  Now the writer marker
# STORE/.writer refuses the second writer clearly, an undo never removes
# or cuts what another import committed, and the store stays fsck-clean.
. "$(dirname "$0")/lib.sh"
plan 38
python3 "$CEH_ROOT/tests/bench/gen-records.py" --rows 3000 --seed 3 -o "$T/all.csv"
head -1001 "$T/all.csv" > "$T/base.csv"
{ head -1 "$T/all.csv"; sed -n '1002,2001p' "$T/all.csv"; } > "$T/x.csv"
{ head -1 "$T/all.csv"; tail -n +2002 "$T/all.csv"; } > "$T/y.csv"
export CEH_FS_COMPAT=noflock
stopped() { # stopped PID: wait until the process has stopped itself
	for _i in $(seq 200); do
		[ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" = T ] && return 0
		sleep 0.05
	done
	return 1
}
nrec() { ceh records --id "$1" --format tsv 2>/dev/null | wc -l; }

# 1. the second writer is refused while the first holds the marker
ceh init --unsigned >/dev/null
expect_code 0 "a first import (the store has records)" ceh import "$T/base.csv"
CEH_STOP=records-before-commit ceh import "$T/x.csv" >"$T/x.out" 2>&1 &
X=$!
ok "import X stops just before its commit, shards appended" stopped $X
ok "it holds the writer marker" test -f "$CEH_STORE/.writer"
like "$CEH_STORE/.writer" "^pid $X\$" "the marker names its pid"
like "$CEH_STORE/.writer" "^locks none\$" "and that the lock probe found the locks do not work"
expect_code 4 "import Y meanwhile: refused (busy), not run" ceh import "$T/y.csv"
like "$T/err" "records are being written by another ceh \(pid $X on [^ ]+ since" "the message names the holder"
like "$T/err" "'.writer'" "and the marker file"
like "$T/err" "locks of this file system do not work" "and says the locks do not work here"
expect_code 4 "with --wait 1: refused after waiting" ceh --wait 1 import "$T/y.csv"
expect_code 4 "fsck (no repair) meanwhile: records busy, not misread" ceh fsck
like "$T/out" "records: not checked: records are being written" "says why"
expect_code 4 "fsck --repair meanwhile: does not cut the import's bytes" ceh fsck --repair
kill -CONT $X
wait $X
check "import X then commits" test $? = 0
ok "and removes its marker" test ! -e "$CEH_STORE/.writer"
expect_code 0 "fsck is clean" ceh fsck
expect_code 0 "import Y afterwards" ceh import "$T/y.csv"
like "$T/err" 'y.csv: read 1000, imported 1000, duplicates 0' "all of Y imported"
expect_code 0 "import of all three again: every record on file once" ceh import "$T/all.csv"
like "$T/err" 'all.csv: read 3000, imported 0, duplicates 3000, conflicts 0' "3000 duplicates"
expect_code 0 "fsck clean at the end" ceh fsck

# 2. the marker removed by hand while X runs (the wrong fix for a "stale"
# one): Y commits over X's appended bytes; X then finds the state moved
# on, refuses, and its undo keeps every file Y committed
rm -rf "$CEH_STORE"
ceh init --unsigned >/dev/null
ceh import "$T/base.csv" 2>/dev/null
CEH_STOP=records-before-commit ceh import "$T/x.csv" >"$T/x.out" 2>&1 &
X=$!
ok "import X stopped before its commit" stopped $X
rm "$CEH_STORE/.writer"
expect_code 0 "import Y runs (no marker) and commits" ceh import "$T/y.csv"
cp -r "$CEH_STORE/records" "$T/after-y"
kill -CONT $X
wait $X
check "import X is refused at its commit (exit 4)" test $? = 4
like "$T/x.out" "another import committed while this one ran" "it says why"
expect_code 0 "no committed file was removed or cut: fsck is clean" ceh fsck
kept() { # every file Y committed is there, none shorter (an empty one
	# is X's own, cut back by Y: X removes it)
	for f in "$T"/after-y/*.key "$T"/after-y/*.tsv; do
		test -s "$f" || continue
		g="$CEH_STORE/records/${f##*/}"
		test -e "$g" && test "$(stat -c %s "$g")" -ge "$(stat -c %s "$f")" || return 1
	done
}
ok "every file Y committed is still there, none cut" kept
expect_code 0 "X again: imports what it did not commit" ceh import "$T/x.csv"
like "$T/err" 'x.csv: read 1000, imported 1000, duplicates 0' "all of X, once"
expect_code 0 "fsck clean" ceh fsck

# 3. stale and foreign markers
unset CEH_FS_COMPAT
rm -rf "$CEH_STORE"
ceh init --unsigned >/dev/null
expect_code 137 "an import killed mid-way leaves its marker" env CEH_CRASH=records-shard ceh import "$T/all.csv"
expect_code 1 "fsck reports a marker whose ceh is gone" ceh fsck
like "$T/out" "'.writer': left by a ceh that is no longer running \(pid [0-9]+\); ceh fsck --repair removes it" "and says how it goes"
expect_code 0 "the next import takes a stale marker of this computer over" ceh import "$T/all.csv"
ok "and removes it at its end" test ! -e "$CEH_STORE/.writer"
printf 'ceh-writer 1\nhost other-pc\npid 1234\nboot x\nsince 2025-01-01 08:00:00 UTC\nlocks local\n' > "$CEH_STORE/.writer"
store_digest > "$T/d1"
expect_code 4 "a marker of another computer: import refused" ceh import "$T/all.csv"
like "$T/err" "pid 1234 on other-pc since 2025-01-01 08:00:00 UTC.*if no ceh is running there, remove '.writer'" "naming the holder and how to clear it"
store_digest > "$T/d2"
same "$T/d1" "$T/d2" "the store is untouched"
