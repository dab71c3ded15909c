#!/bin/sh
# The listing cache of the queue index is written through the one temp-file
# model (lib/atomic.h): a crash or a failed write while noting leaves no
# file that nothing removes, and fsck sweeps queues/ (also the ".note.*"
# files older versions left).  Messages name files from the store root,
# and a failure after the commit point says what state the application is
# in now.
. "$(dirname "$0")/lib.sh"
plan 19
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
new_draft() {
	A=$(apply_std "$1") &&
	ceh add-year $A --year 2023 --public-subject 公需课 --public-hours 30 \
	    --public-form 远程教育 >/dev/null
}
Q=$CEH_STORE/queues/$EMP1
dotfiles() { ls -A "$Q" | grep '^\.' | wc -l; }

# 1. killed while writing the cache line (fsck --repair rewrites a lost
#    one through a temp file; a transition writes it with the entry)
new_draft $ID1
ceh submit $A >/dev/null && : > "$Q/$A"
expect_code 137 "fsck --repair killed while noting the cache line" env CEH_CRASH=atomic-before-rename ceh fsck --repair
ok "a temp file is left in the queue's folder" test "$(dotfiles)" = 1
expect_code 1 "fsck reports it" ceh fsck
like "$T/out" "^queues/$EMP1/\.tmp\.$A\.[0-9]+\.[0-9a-f]+: temp file of an interrupted write$" "naming it from the store root"
expect_code 0 "fsck --repair removes it" ceh fsck --repair
ok "gone" test "$(dotfiles)" = 0
expect_code 0 "then fsck is clean" ceh fsck

# 2. what older versions left
touch "$Q/.note.$A.4242"
expect_code 1 "fsck reports an old .note file" ceh fsck
like "$T/out" "^queues/$EMP1/\.note\.$A\.4242: temp file of an interrupted write$" "naming it"
expect_code 0 "fsck --repair removes it" ceh fsck --repair
ok "gone" test "$(dotfiles)" = 0

# 3. the cache line is written with the entry (the second write of a
#    submit: document, entry): a failure there is before the commit point
#    and leaves nothing; without a failure the entry holds the line
new_draft $ID2
expect_code 5 "submit with the entry's write failing" env CEH_FAULT=write:2 ceh submit $A
ok "no entry, no temp file left" test ! -e "$Q/$A" -a "$(dotfiles)" = 0
ceh submit $A >/dev/null
ok "the entry holds its cache line" test -s "$Q/$A"
expect_code 0 "list --at shows it" ceh list --at $EMP1 --format tsv
like "$T/out" "^$A	" "listed"

# 4. messages name files from the store root
new_draft $ID3
P=$CEH_STORE/people/789/$ID3
expect_code 4 "a busy person lock" flock "$P/.lock" ceh edit $A --phone 15556560000
like "$T/err" "'people/789/$ID3/\.lock' is locked by another ceh" "names the lock from the store root"

# 5. a failed directory sync after the commit point of one application
n=1 found=
while [ $n -le 12 ]; do
	cp -a "$CEH_STORE" "$T/copy"
	CEH_FAULT=fsync:$n ceh submit $A >"$T/out" 2>"$T/err"
	if grep -q "is now 待审核 but may not survive a power loss" "$T/err"; then found=$n; break; fi
	rm -rf "$CEH_STORE"; mv "$T/copy" "$CEH_STORE"
	n=$((n + 1))
done
check "a directory sync failure after the commit says '$A is now 待审核 but …' (fsync:$found)" \
    grep -q "^ceh submit: $A is now 待审核 but may not survive a power loss: cannot sync directory 'people/789/$ID3/draft'" "$T/err"
done_testing
