#!/bin/sh
# Permissions are checked: fsck reports every mode looser than the
# store's (files 0600, folders 0700) and --repair tightens it; commands
# refuse a secret that others may read.  On a filesystem without Unix
# modes (FAT, exFAT, NTFS, SMB, FUSE) nothing of this is checked.
. "$(dirname "$0")/lib.sh"
plan 28
# --unsigned: its slips' codes use the store's secret, whose mode is checked
ceh init --unsigned >/dev/null && mk_units || echo "# setup failed"
sed -i 's/^  required: true$/  required: false/' "$CEH_STORE/store.yaml"
A=$(apply_std $ID1)
ceh add-year $A --year 2021 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
ceh submit $A >/dev/null
for u in $EMP1 $SUP2 $SUP1 $AGENCY; do ceh review --as $u --approve $A >/dev/null; done
expect_code 0 "setup: fsck is clean" ceh fsck
slip() { ceh print-slip --id $ID1 --from 2021 --to 2021 --format json; }
expect_code 0 "setup: a slip can be printed" slip
cp "$T/out" "$T/slip.json"
P=$(dirname "$(ls "$CEH_STORE"/people/*/$ID1/approved/*.yaml)")
P=${P%/approved}

chmod 666 "$CEH_STORE/secret" "$CEH_STORE/units.yaml"
chmod 777 "$P/review"
store_digest > "$T/before"
expect_code 1 "fsck finds the loose modes" ceh fsck
like "$T/out" "^secret: mode 0666 is looser than the store's 0600$" "the secret"
like "$T/out" "^units.yaml: mode 0666 is looser than the store's 0600$" "units.yaml"
like "$T/out" "^people/[0-9]+/$ID1/review: mode 0777 is looser than the store's 0700$" "the stage folder"
like "$T/err" "3 problem\(s\) found" "three problems"
store_digest > "$T/after"
same "$T/before" "$T/after" "fsck without --repair changes nothing"

expect_code 5 "print-slip refuses a secret others may read" slip
like "$T/err" "'.*/secret' may be read by others \(mode 0666\): refusing to use it" "saying so"
check "... without its content" sh -c "! grep -q \"\$(cat '$CEH_STORE/secret')\" '$T/err'"
expect_code 5 "verify-slip refuses it too" ceh verify-slip --file "$T/slip.json"
like "$T/err" "may be read by others" "saying so"
chmod 640 "$CEH_STORE/secret"
expect_code 5 "a group-readable secret is refused too" slip

expect_code 0 "fsck --repair tightens them" ceh fsck --repair
like "$T/out" "^units.yaml: mode 0666 is looser than the store's 0600, repaired$" "saying repaired"
ok "the secret is 0600 again" sh -c "[ \$(stat -c %a '$CEH_STORE/secret') = 600 ]"
ok "units.yaml is 0600 again" sh -c "[ \$(stat -c %a '$CEH_STORE/units.yaml') = 600 ]"
ok "the stage folder is 0700 again" sh -c "[ \$(stat -c %a '$P/review') = 700 ]"
expect_code 0 "fsck is clean afterwards" ceh fsck
expect_code 0 "print-slip works again" slip
chmod 755 "$CEH_STORE"
expect_code 1 "the store's own folder is checked" ceh fsck
like "$T/out" "^the store's folder: mode 0755 is looser than the store's 0700$" "naming it"
chmod 700 "$CEH_STORE"

# a filesystem without modes: the test switch of fs_has_modes
chmod 644 "$CEH_STORE/secret"
expect_code 0 "without modes: print-slip uses the secret" env CEH_TEST_NO_MODES=1 ceh print-slip --id $ID1 --from 2021 --to 2021 --format json
expect_code 0 "without modes: fsck does not check modes" env CEH_TEST_NO_MODES=1 ceh fsck
like "$T/out" "^modes and owners not checked: the store's filesystem keeps no Unix modes$" "saying so"
chmod 600 "$CEH_STORE/secret"

# a real FAT filesystem through FUSE (fusefat), where the machine allows
M="$T/fat"
skip2() { echo "ok $((_n + 1)) # SKIP $1"; echo "ok $((_n + 2)) # SKIP $1"; _n=$((_n + 2)); }
if command -v fusefat >/dev/null && command -v mkfs.vfat >/dev/null && [ -e /dev/fuse ] &&
    truncate -s 16M "$T/fat.img" && mkfs.vfat "$T/fat.img" >/dev/null 2>&1 &&
    mkdir "$M" && fusefat -o rw+ "$T/fat.img" "$M" 2>/dev/null; then
	trap 'fusermount -u "$M" 2>/dev/null || umount "$M" 2>/dev/null; rm -rf "$T"' EXIT
	if CEH_STORE="$M/s" ceh init --unsigned >/dev/null 2>"$T/fat.err"; then
		expect_code 0 "FAT (fusefat): fsck of a new store is clean" env CEH_STORE="$M/s" ceh fsck
		like "$T/out" "modes and owners not checked" "FAT: modes not checked"
	else
		skip2 "ceh init fails on fusefat: $(head -1 "$T/fat.err")"
	fi
else
	skip2 "no fusefat, mkfs.vfat or /dev/fuse"
fi
done_testing
