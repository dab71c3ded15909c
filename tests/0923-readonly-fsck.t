#!/bin/sh
# fsck checks a store it cannot write (read-only media, a folder without
# write permission, --read-only) without taking any lock or writing
# anything, and says so; --repair there fails with a clear message.
. "$(dirname "$0")/lib.sh"
plan 23
sed_required() { sed -i 's/^  required: true$/  required: false/' "$CEH_STORE/store.yaml"; }
ceh init --signed >/dev/null && mk_units && sed_required || echo "# setup failed"
A=$(apply_std $ID1)
ceh add-year $A --year 2021 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
ceh submit $A >/dev/null

# --read-only on a writable store: no lock file is created
find "$CEH_STORE" -name .lock -delete
store_digest > "$T/before"
expect_code 0 "fsck --read-only" ceh fsck --read-only
like "$T/out" "^read-only check \(--read-only\): no locks taken, a concurrent writer may cause false reports$" "says so on its first line"
like "$T/err" "\(read-only check, no locks taken\)" "and in its summary"
check "no lock file was created" test -z "$(find "$CEH_STORE" -name .lock)"
store_digest > "$T/after"
same "$T/before" "$T/after" "nothing was written"
expect_code 2 "--repair --read-only is a usage error" ceh fsck --repair --read-only
Q=$(ls -d "$CEH_STORE"/queues/*)
touch "$Q/$ID1-0000000000000000000a"
expect_code 1 "a read-only check still finds problems" ceh fsck --read-only
like "$T/out" "stale entry \(no such application\)" "a stale queue entry"
rm -f "$Q/$ID1-0000000000000000000a"

# a store on a read-only filesystem (a loop-mounted ext2 image)
M="$T/ro"
skip() { _k=$1; shift; while [ "$_k" -gt 0 ]; do echo "ok $((_n + 1)) # SKIP $*"; _n=$((_n + 1)); _k=$((_k - 1)); done; }
if [ "$(id -u)" = 0 ] && command -v mkfs.ext2 >/dev/null &&
    truncate -s 32M "$T/ext2.img" && mkfs.ext2 -q -F "$T/ext2.img" >/dev/null 2>&1 &&
    mkdir "$M" && mount -o loop "$T/ext2.img" "$M" 2>/dev/null; then
	trap 'umount "$M" 2>/dev/null; rm -rf "$T"' EXIT
	cp -a "$CEH_STORE" "$M/store"
	umount "$M" && mount -o loop,ro "$T/ext2.img" "$M"
	RO="$M/store"
	expect_code 0 "ext2 mounted read-only: fsck works" env CEH_STORE="$RO" ceh fsck
	like "$T/out" "^read-only check \(its filesystem is mounted read-only\): no locks taken, a concurrent writer may cause false reports$" "saying why"
	like "$T/err" "1 application\(s\) of 1 people checked; 0 problem\(s\) found" "it checked the application"
	expect_code 0 "show works" env CEH_STORE="$RO" ceh show $A
	expect_code 5 "fsck --repair fails" env CEH_STORE="$RO" ceh fsck --repair
	like "$T/err" "cannot repair store '.*': its filesystem is mounted read-only" "saying why"
	expect_code 5 "withdraw fails" env CEH_STORE="$RO" ceh withdraw $A
	# a problem on the read-only medium is reported
	umount "$M" && mount -o loop "$T/ext2.img" "$M" &&
	    mv "$(ls "$RO"/people/*/$ID1/review/*.yaml)" "$(ls -d "$RO"/people/*/$ID1/draft)/" &&
	    umount "$M" && mount -o loop,ro "$T/ext2.img" "$M"
	expect_code 1 "ext2 read-only: a misplaced document is reported" env CEH_STORE="$RO" ceh fsck
	like "$T/out" "its stage is review" "naming what is wrong"
	umount "$M"
else
	skip 9 "needs root and a loop mount of an ext2 image"
fi

# a store whose folders are not writable (chmod -R a-w), as its owner
G=$(id -g nobody 2>/dev/null)
if [ "$(id -u)" = 0 ] && [ -n "$G" ] && command -v setpriv >/dev/null &&
    setpriv --reuid=nobody --regid="$G" --clear-groups "$CEH_BIN" --version >/dev/null 2>&1; then
	chmod 755 "$T" "$T/bin"
	cp -a "$CEH_STORE" "$T/w"
	chown -R nobody:"$G" "$T/w"
	chmod -R a-w "$T/w"
	clerk() { setpriv --reuid=nobody --regid="$G" --clear-groups env CEH_STORE="$T/w" "$@"; }
	expect_code 0 "chmod -R a-w: its owner's fsck works" clerk ceh fsck
	like "$T/out" "^read-only check \(its folder is not writable \(Permission denied\)\): no locks taken" "saying why"
	like "$T/err" "0 problem\(s\) found" "and finds no problem"
	expect_code 5 "chmod -R a-w: --repair fails" clerk ceh fsck --repair
	like "$T/err" "cannot repair store .*: its folder is not writable" "saying why"
else
	skip 5 "needs root, setpriv and a user nobody"
fi
expect_code 0 "the original store is still clean" ceh fsck
done_testing
