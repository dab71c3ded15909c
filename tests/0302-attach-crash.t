#!/bin/sh
# Crashes (kill -9 at named points) and failed writes in the middle of an
# attachment change: the document and the archive agree afterwards, or
# `ceh fsck --repair` makes them agree.  Never a listed attachment lost.
. "$(dirname "$0")/lib.sh"
plan 56

ceh init --unsigned >/dev/null && mk_units || exit 1
APP=$(apply_std $ID1) || exit 1
ceh add-year $APP --year 2024 --public-subject 公需 --public-hours 30 \
    --public-form 网络培训 --pro-subject 专业 --pro-hours 60 \
    --pro-form 网络培训 >/dev/null || exit 1
D="$T/files"; mkdir -p "$D"
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > "$D/a.pdf"
printf '\211PNG\r\n\032\n\0\0\0\rIHDRpng-body' > "$D/b.png"
printf '\377\330\377\340\0\020JFIFjpeg-body' > "$D/c.jpg"
ceh attach $APP --year 2024 "$D/a.pdf" >/dev/null || exit 1
ZDIR=$(ls -d "$CEH_STORE"/people/*/$ID1/draft)
entries() { python3 -c "import zipfile,sys; print(' '.join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))" "$ZDIR"/*.zip 2>/dev/null || echo none; }
listed() { ceh attach $APP --list --format tsv | sed 1d | cut -f3 | sort | tr '\n' ' ' | sed 's/ $//'; }
# consistent MSG: show, fsck clean and the archive holds exactly the list
consistent() {
	expect_code 0 "$1: show is clean" ceh show $APP
	expect_code 0 "$1: fsck is clean" ceh fsck
	_l=$(listed); _z=$(entries); [ -z "$_l" ] && _l=none
	ok "$1: archive entries = document list ($_z)" test "$_l" = "$_z"
}

# 1. adding: killed after the archive is published, before the document
expect_code 137 "crash at attach-after-zip" env CEH_CRASH=attach-after-zip \
    ceh attach $APP --year 2024 "$D/b.png"
ok "the document still lists one attachment" test "$(listed)" = "2024/1-a.pdf"
ok "the archive holds the new entry too" test "$(entries)" = "2024/1-a.pdf 2024/2-b.png"
expect_code 1 "show reports the leftover entry" ceh show $APP
like "$T/out" "entry '2024/2-b\.png' is not listed" "naming it"
expect_code 1 "fsck reports it" ceh fsck
like "$T/out" "2024/2-b\.png' is not listed" "fsck names it"
expect_code 0 "fsck --repair removes it" ceh fsck --repair
like "$T/out" "removed" "and says so"
consistent "after repair"

# 2. adding: killed before the archive is renamed into place
expect_code 137 "crash at atomic-before-rename while adding" \
    env CEH_CRASH=atomic-before-rename ceh attach $APP --year 2024 "$D/b.png"
ok "a temp file was left" sh -c "ls -a '$ZDIR' | grep -q '^\.tmp\.'"
ok "document unchanged" test "$(listed)" = "2024/1-a.pdf"
expect_code 0 "show ignores the temp file" ceh show $APP
expect_code 0 "fsck --repair removes the temp file" ceh fsck --repair
ok "temp file gone" sh -c "! ls -a '$ZDIR' | grep -q '^\.tmp\.'"
consistent "after temp cleanup"

# 3. the next change rolls a leftover away by itself
expect_code 137 "crash at attach-after-zip again" \
    env CEH_CRASH=attach-after-zip ceh attach $APP --year 2024 "$D/b.png"
expect_code 0 "the next attach works" ceh attach $APP --year 2024 "$D/c.jpg"
consistent "after the next attach"

# 4. removing: killed after the document, before the archive
expect_code 137 "crash at attach-after-doc while removing" \
    env CEH_CRASH=attach-after-doc ceh attach $APP --remove --year 2024 a.pdf
ok "document no longer lists it" sh -c "! ceh attach $APP --list | grep -q a.pdf"
ok "archive still holds it" sh -c "echo '$(entries)' | grep -q 1-a.pdf"
expect_code 1 "show reports the leftover" ceh show $APP
expect_code 0 "fsck --repair" ceh fsck --repair
consistent "after an interrupted removal"

# 5. removing the last one: killed before the archive is unlinked
expect_code 137 "crash removing the last attachment" \
    env CEH_CRASH=attach-after-doc ceh attach $APP --remove --year 2024 c.jpg
ok "the archive is left" sh -c "ls '$ZDIR'/*.zip >/dev/null 2>&1"
expect_code 1 "fsck reports an archive the document does not list" ceh fsck
like "$T/out" "archive not listed by the document" "naming it"
expect_code 0 "fsck --repair removes it" ceh fsck --repair
ok "no archive now" sh -c "! ls '$ZDIR'/*.zip >/dev/null 2>&1"
consistent "after removing the last"

# 6. failed writes, fsyncs and renames at every step: either done or the
#    document unchanged, and always consistent after fsck --repair
ceh attach $APP --year 2024 "$D/a.pdf" >/dev/null
bad=0
# adding: the archive (write 1, fsync 1-2, rename 1), then the document
# (write 2, fsync 3-4, rename 2), then the restore of the archive (write 3)
for f in write:1 write:2 write:3 fsync:1 fsync:2 fsync:3 fsync:4 rename:1 rename:2; do
	op=${f%:*} n=${f#*:}
	{
		before=$(listed)
		CEH_FAULT=$op:$n ceh attach $APP --year 2024 "$D/b.png" \
		    >/dev/null 2>&1
		rc=$?
		after=$(listed)
		# exit 5 with the document changed: the failure came after
		# the commit point (an fsync of the folder after the rename)
		if [ $rc != 0 ] && [ $rc != 5 ]; then
			echo "# $op:$n: exit $rc, list '$before' -> '$after'"
			bad=1
		fi
		ceh fsck --repair >/dev/null 2>&1
		# show verifies every listed entry and reports unlisted ones
		if ! ceh fsck >/dev/null 2>&1 || ! ceh show $APP >/dev/null 2>&1; then
			echo "# $op:$n: not consistent after repair"
			bad=1
		fi
		if [ "$after" != "$before" ]; then
			ceh attach $APP --remove --year 2024 b.png >/dev/null
		fi
	}
done
ok "adding under injected faults: exit 0 or 5, consistent after repair" test $bad = 0
bad=0
# removing: the document (write 1, fsync 1-2, rename 1), then the archive
for f in write:1 write:2 fsync:1 fsync:2 fsync:3 fsync:4 rename:1 rename:2; do
	op=${f%:*} n=${f#*:}
	{
		ceh attach $APP --year 2024 "$D/b.png" >/dev/null || bad=1
		CEH_FAULT=$op:$n ceh attach $APP --remove --year 2024 b.png \
		    >/dev/null 2>&1
		rc=$?
		case $rc in 0|5) ;; *) echo "# remove $op:$n: exit $rc"; bad=1;; esac
		ceh fsck --repair >/dev/null 2>&1
		# show verifies every listed entry and reports unlisted ones
		if ! ceh fsck >/dev/null 2>&1 || ! ceh show $APP >/dev/null 2>&1; then
			echo "# remove $op:$n: not consistent after repair"
			bad=1
		fi
		ceh attach $APP --remove --year 2024 b.png >/dev/null 2>&1
	}
done
ok "removing under injected faults: consistent after repair" test $bad = 0
consistent "at the end"

# the archive left behind in another folder (a move cut short): fsck
# finds it there, though the document's folder has none (fsck looks the
# archive up in the listing of every folder, not in the document's only)
P=$(dirname "$ZDIR")
mkdir -p "$P/review" && mv "$ZDIR"/*.zip "$P/review/"
expect_code 1 "an archive left in review/: fsck reports it" ceh fsck
if grep -q "missing, the document lists" "$T/out"; then
	_report 1 "and does not call it missing"; sed 's/^/#   /' "$T/out"
else
	_report 0 "and does not call it missing"
fi
expect_code 0 "fsck --repair moves it next to its document" ceh fsck --repair
consistent "moved back"
rm "$ZDIR"/*.zip
expect_code 1 "no archive anywhere: fsck reports it" ceh fsck
like "$T/out" "missing, the document lists 1 attachment" "as missing"
done_testing
