#!/bin/sh
# Stores on the media offices use: a real FAT (fusefat: no hard links, no
# RENAME_NOREPLACE), exFAT (exfat-fuse on a loop device: no hard links)
# and NTFS (ntfs-3g: no RENAME_NOREPLACE) image, mounted here when the
# machine can (root, /dev/fuse, the tools; else skipped with the reason).
# On each, with no switch forcing anything: the whole workflow with
# attachments, single and batch review, crashes in the fallbacks' claims
# and moves repaired by fsck --repair, and a clean fsck at the end.
# Images are always unmounted (trap).
. "$(dirname "$0")/lib.sh"
skip() { echo "1..0 # SKIP $1"; exit 0; }
[ "${CEH_VALGRIND:-0}" = 1 ] && skip "under valgrind (FUSE is slow enough)"
[ "$(id -u)" = 0 ] || skip "needs root to mount images"
[ -c /dev/fuse ] || skip "no /dev/fuse"
KINDS=""
command -v mkfs.vfat >/dev/null && command -v fusefat >/dev/null && KINDS="$KINDS fat"
command -v mkfs.exfat >/dev/null && command -v mount.exfat-fuse >/dev/null && command -v losetup >/dev/null && KINDS="$KINDS exfat"
command -v mkntfs >/dev/null && command -v ntfs-3g >/dev/null && KINDS="$KINDS ntfs"
[ -n "$KINDS" ] || skip "none of fusefat, exfat-fuse, ntfs-3g installed (tools/deps.sh)"
M=$T/mnt LOOP=
cleanup() {
	if mountpoint -q "$M" 2>/dev/null; then
		fusermount -u "$M" 2>/dev/null || umount "$M" 2>/dev/null ||
		    umount -l "$M" 2>/dev/null
	fi
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	LOOP=
}
trap 'cleanup; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
mount_img() { # KIND: make and mount an image at $M; 1 if it cannot
	rm -f "$T/img"; truncate -s 96M "$T/img"; mkdir -p "$M"
	case $1 in
	fat) mkfs.vfat -F 32 "$T/img" >/dev/null 2>&1 && fusefat -o rw+ "$T/img" "$M" >/dev/null 2>&1 ;;
	exfat) mkfs.exfat "$T/img" >/dev/null 2>&1 && LOOP=$(losetup -f --show "$T/img" 2>/dev/null) &&
		mount.exfat-fuse "$LOOP" "$M" >/dev/null 2>&1 ;;
	ntfs) mkntfs -F -f -q "$T/img" >/dev/null 2>&1 && ntfs-3g "$T/img" "$M" >/dev/null 2>&1 ;;
	esac && mountpoint -q "$M"
}
set -- $KINDS
plan $(($# * 21))
printf '%%PDF-1.4\n%% a\n%%%%EOF\n' > "$T/a.pdf"
printf '%%PDF-1.4\n%% b\n%%%%EOF\n' > "$T/b.pdf"
for k in $KINDS; do
	if ! mount_img $k; then
		cleanup
		for i in $(seq 21); do echo "ok $((_n + 1)) # SKIP $k: the image cannot be mounted here"; _n=$((_n + 1)); done
		continue
	fi
	export CEH_STORE=$M/store
	ok "$k: init" ceh init --signed
	ok "$k: units" mk_units
	ok "$k: apply (a new person folder, a publish without overwrite)" apply_std $ID1
	A=$(cat "$T/out")
	ok "$k: add-year" ceh add-year $A --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班
	ok "$k: attach two" ceh attach $A --year 2023 "$T/a.pdf" "$T/b.pdf"
	ok "$k: attach --remove" ceh attach $A --remove --year 2023 b.pdf
	ok "$k: submit (a move: the document and its archive)" ceh submit $A
	ok "$k: withdraw, submit again" sh -c "ceh withdraw $A && ceh submit $A"
	B=$(apply_std $ID2) && ceh add-year $B --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 >/dev/null
	ceh attach $B --year 2023 "$T/a.pdf" >/dev/null && ceh submit $B >/dev/null
	ok "$k: batch review at the employer" sh -c "printf '%s\n%s\n' $A $B | ceh review --as $EMP1 --approve - | grep -c forwarded | grep -qx 2"
	ok "$k: up the chain to the final approval" sh -c "ceh review --as $SUP2 --approve $A $B && ceh review --as $SUP1 --approve $A $B && ceh review --as $AGENCY --approve $A"
	ok "$k: approved, with its evidence" sh -c "ceh show $A | grep -q 审核通过 && ceh attach $A --list --format tsv | grep -q a.pdf"
	expect_code 0 "$k: fsck is clean" ceh fsck
	# no hard links: the claim is taken by itself, nothing forced
	case $k in ntfs) pt=atomic-after-rename ;; *) pt=atomic-after-claim ;; esac
	expect_code 137 "$k: apply killed in its publish ($pt)" env CEH_CRASH=$pt ceh apply --id $ID3 --name 张三 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级
	expect_code 0 "$k: fsck --repair after it" ceh fsck --repair
	expect_code 137 "$k: the final approval killed in its move" env CEH_CRASH=move-after-link ceh review --as $AGENCY --approve $B
	expect_code 1 "$k: fsck reports it" ceh fsck
	expect_code 0 "$k: fsck --repair" ceh fsck --repair
	expect_code 0 "$k: then fsck is clean" ceh fsck
	ok "$k: both approved, each once" sh -c "test \$(ls '$CEH_STORE'/people/*/*/approved/*.yaml | wc -l) = 2 && test \$(ls '$CEH_STORE'/people/*/*/*/*.yaml | wc -l) -le 3"
	ok "$k: the archive next to its document" sh -c "ls '$CEH_STORE'/people/*/$ID2/approved/*.zip >/dev/null && ! ls '$CEH_STORE'/people/*/$ID2/review/*.zip 2>/dev/null"
	ok "$k: print-slip" ceh print-slip --id $ID1 --from 2023 --to 2023 --format json
	cleanup
done
done_testing
