#!/bin/sh
# The queue index (STORE/queues/UNIT/APP-ID) and ceh fsck: list --at reads
# only the queue's documents, stale entries are ignored, fsck finds stale
# and missing entries, temp files and broken documents, and --repair fixes
# what can be fixed; report-only changes nothing.
. "$(dirname "$0")/lib.sh"
plan 55
# unsigned: in a signed store list --at verifies each document and so
# never lists from the listing cache that this test is about
ceh init --unsigned >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
mkapp() { _a=$(apply_std "$@") && ceh add-year $_a --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 >/dev/null && echo $_a; }
Q="$CEH_STORE/queues"
pdir() { echo "$CEH_STORE/people/$(echo $1 | cut -c15-17)/$1"; }

expect_code 0 "fsck on a store without applications" ceh fsck
ok "prints no problem" test -z "$(cat "$T/out")"
A=$(mkapp $ID1); B=$(mkapp $ID2); C=$(mkapp $ID3)
for x in $A $B $C; do ceh submit $x >/dev/null; done
ceh review --as $EMP1 --approve $C >/dev/null
ok "queue entries are files named by the id" test -f "$Q/$EMP1/$A"
ok "holding the listing cache line" sh -c "grep -q '^ceh-queue-2	[0-9a-f]*	$A	张三	' '$Q/$EMP1/$A'"
ok "the forwarded one moved to SUP2's queue" test -f "$Q/$SUP2/$C" -a ! -e "$Q/$EMP1/$C"
ok "entries are not world-readable" test "$(stat -c %a "$Q/$EMP1/$A")" = 600
expect_code 0 "fsck is clean" ceh fsck
like "$T/err" "3 application\(s\) of 3 people checked; 0 problem" "summary on stderr"

# list --at reads only the queue: a broken document elsewhere does not matter
D=$(mkapp $ID1)
printf 'garbage: [\n' > "$(pdir $ID1)"/draft/${D#*-}.yaml
# a hand edit in the same clock tick as the index's last write (coarse
# timestamps made this happen by chance in CI): same time as the log
touch -r "$CEH_STORE/index/$(echo $ID1 | cut -c15-17).log" "$(pdir $ID1)"/draft/${D#*-}.yaml
expect_code 0 "list --at is not disturbed by a broken document outside the queue" ceh list --at $EMP1 --format tsv
ok "and lists the queue" test "$(tail -n +2 "$T/out" | cut -f1 | sort | tr '\n' ' ')" = "$(printf '%s\n' $A $B | sort | tr '\n' ' ')"
expect_code 1 "the full list does read it and says so" ceh list --format tsv
like "$T/err" "skipped" "skipped message"
before=$(store_digest)
expect_code 1 "fsck reports the broken document" ceh fsck
like "$T/out" "${D#*-}.yaml" "naming the file"
expect_code 1 "--repair cannot fix it: still exit 1" ceh fsck --repair
like "$T/err" "1 problem\(s\) left" "one problem left"
rm "$(pdir $ID1)"/draft/${D#*-}.yaml

# the listing cache is checked against the document: a changed document
# (new inode, size or time) or a damaged cache line falls back to the file
ceh list --at $EMP1 --format tsv > "$T/q1"
sed -i 's/15556565656/13912345678/' "$(pdir $ID2)/review/${B#*-}.yaml"
expect_code 0 "list --at after a hand edit of a queued document" ceh list --at $EMP1 --format tsv
like "$T/out" "^$B	.*	13912345678	" "shows the document, not the stale cache"
printf 'ceh-queue-1	garbage\n' > "$Q/$EMP1/$A"
expect_code 0 "list --at with a damaged cache line" ceh list --at $EMP1 --format tsv
like "$T/out" "^$A	张三	" "still lists it from the document"
: > "$Q/$EMP1/$A"
expect_code 0 "and with an empty entry" ceh list --at $EMP1 --format tsv
like "$T/out" "^$A	张三	" "the same"
sed -i 's/13912345678/15556565656/' "$(pdir $ID2)/review/${B#*-}.yaml"
ceh list --at $EMP1 --format tsv > "$T/q2"
same "$T/q1" "$T/q2" "back to the first listing"
# a cache line made for exactly the document's bytes is used as it is
doc="$(pdir $ID1)/review/${A#*-}.yaml"
hash=$(sha256sum < "$doc" | cut -c1-64)
printf 'ceh-queue-2\t%s\t%s\t缓存\t%s\t%s\t\t15556565656\t2023\t工程\n' "$hash" $A $ID1 $EMP1 > "$Q/$EMP1/$A"
expect_code 0 "list --at with a cache line for the document's exact content" ceh list --at $EMP1 --format tsv
if [ "${CEH_VALGRIND:-0}" = 1 ]; then
	# valgrind 3.19 has no openat2(2); without it the cache is not used
	_report 0 "lists from the cache # SKIP no openat2 under valgrind"
else
	like "$T/out" "^$A	缓存	" "lists from the cache (without parsing the document)"
fi
sed -i 's/15556565656/13912345678/' "$doc"
expect_code 0 "changing the document voids it" ceh list --at $EMP1 --format tsv
like "$T/out" "^$A	张三	.*	13912345678	" "read from the document again"
sed -i 's/13912345678/15556565656/' "$doc"
: > "$Q/$EMP1/$A"
expect_code 0 "fsck --repair renews the cache" ceh fsck --repair
ok "with the real name" sh -c "grep -q '	$A	张三	' '$Q/$EMP1/$A'"

# a stale entry is ignored by list and removed by fsck --repair
touch "$Q/$EMP1/$C"
mkdir -p "$Q/$EMP2" && touch "$Q/$EMP2/$A"
touch "$Q/$EMP1/430104199001014562-00000000000000000000"
touch "$Q/$EMP1/not-an-id" "$Q/$EMP1/.hidden"
expect_code 0 "list --at ignores stale entries" ceh list --at $EMP1 --format tsv
ok "only A and B" test "$(tail -n +2 "$T/out" | wc -l)" = 2
expect_code 0 "EMP2's queue is empty (its entry is stale)" ceh list --at $EMP2 --format tsv
ok "empty" test "$(tail -n +2 "$T/out" | wc -l)" = 0
before=$(store_digest)
expect_code 1 "fsck reports stale entries" ceh fsck
like "$T/out" "^queues/$EMP1/$C: stale entry \(it waits at $SUP2\)\$" "forwarded elsewhere"
like "$T/out" "^queues/$EMP2/$A: stale entry \(it waits at $EMP1\)\$" "waiting at another unit"
like "$T/out" "^queues/$EMP1/430104199001014562-00000000000000000000: stale entry \(no such application\)\$" "no such application"
ok "report-only changed nothing" test "$before" = "$(store_digest)"
expect_code 0 "fsck --repair" ceh fsck --repair
like "$T/out" "stale entry .*, repaired\$" "says repaired"
ok "the stale entries are gone" test ! -e "$Q/$EMP1/$C" -a ! -e "$Q/$EMP2/$A" -a ! -e "$Q/$EMP1/430104199001014562-00000000000000000000"
ok "the real ones stay" test -e "$Q/$EMP1/$A" -a -e "$Q/$EMP1/$B" -a -e "$Q/$SUP2/$C"

# a missing entry: fsck finds it, --repair puts it back
rm "$Q/$EMP1/$B"
expect_code 1 "fsck reports a missing entry" ceh fsck
like "$T/out" "^queues/$EMP1/$B: missing" "named"
expect_code 0 "--repair" ceh fsck --repair
ok "restored" test -f "$Q/$EMP1/$B"
expect_code 0 "list --at shows it again" ceh list --at $EMP1 --format tsv
like "$T/out" "^$B	" "B listed"

# the whole index is derived: fsck --repair rebuilds it
rm -rf "$Q"
expect_code 0 "--repair rebuilds a deleted index" ceh fsck --repair
ok "every queue is back" test -f "$Q/$EMP1/$A" -a -f "$Q/$EMP1/$B" -a -f "$Q/$SUP2/$C"
expect_code 0 "and fsck is clean" ceh fsck

# temp files of interrupted writes, in a stage folder and at the top
touch "$(pdir $ID1)"/review/.tmp.x.yaml.1.2 "$CEH_STORE/.tmp.units.yaml.1.2"
expect_code 1 "fsck reports temp files" ceh fsck
ok "both" test "$(grep -c 'temp file of an interrupted write' "$T/out")" = 2
expect_code 0 "--repair removes them" ceh fsck --repair
ok "gone" test -z "$(find "$CEH_STORE" -name '.tmp.*')"
done_testing
