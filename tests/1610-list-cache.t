#!/bin/sh
# The listing cache of a signed store (lib/report_src.c report_listed,
# ceh-list(1) TRUST): `ceh list` of the whole store takes a row from the
# summary index, as verified, without reading its document, when this
# user's ceh made the same row before from a document whose history
# verified, under the same registry; any other row is read from its
# document and verified.  Shown by a document edited by hand with its
# time kept (so the index's own check of the file does not see it):
# listed as it was while the cache vouches for the row, read (and found
# not to verify) as soon as the cache cannot (a forged index record, a
# registry change, a cache file others can write, no cache).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/1600-store.sh"
FORGE="/usr/bin/python3 $CEH_ROOT/tests/1609-forge.py"
CACHE=$XDG_CACHE_HOME/ceh/listed

plan 24

# agree MSG ARGS...: through the index and from the documents, the same
agree() {
	_m=$1; shift
	command ceh list "$@" --format tsv > "$T/ix" 2> "$T/ix.err"
	CEH_INDEX=off command ceh list "$@" --format tsv > "$T/doc" 2> "$T/doc.err"
	if cmp -s "$T/ix" "$T/doc" && cmp -s "$T/ix.err" "$T/doc.err"; then
		_report 0 "$_m"
	else
		_report 1 "$_m"
		diff "$T/ix" "$T/doc" | sed 's/^/#   /' | head -10
		diff "$T/ix.err" "$T/doc.err" | sed 's/^/#   /' | head -4
	fi
}
# edit: the approved application of ID1 renamed by hand, its time kept
edit() { sed -i 's/测试/改名/' "$X" && touch -r "$T/x.orig" "$X"; }
unedit() { cp -p "$T/x.orig" "$X"; }
# the edited application's row, and its name and verified columns
row() { ceh list --format tsv 2>/dev/null | grep "^$Y	" | cut -f2,12; }

expect_code 0 "fsck --repair builds the summary" ceh fsck --repair
ok "fsck wrote the listing cache (ceh-fsck(1))" \
	sh -c "ls '$CACHE' | grep -qE '^[0-9a-f]{64}\$'"
rm -rf "$CACHE"
agree "first list: index and documents agree"
ok "the list wrote the listing cache, outside the store" \
	sh -c "ls '$CACHE' | grep -qE '^[0-9a-f]{64}\$'"
ok "the cache folder is the user's only" \
	sh -c "[ \"\$(stat -c %a '$CACHE')\" = 700 ]"
head -c 23 "$CACHE"/* > "$T/magic"; printf 'ceh-listed-verified-v1\n' > "$T/want"
same "$T/want" "$T/magic" "the cache file's header"
cut -f12 "$T/ix" | tail -n +2 | sort -u > "$T/v"; echo yes > "$T/want"
same "$T/want" "$T/v" "every row of the signed store verified"
agree "the same with a filter" --stage approved --unit $EMP1 --subtree

X=$(ls "$CEH_STORE"/people/*/$ID1/approved/*.yaml | head -1)
Y=$ID1-$(basename "$X" .yaml)
cp -p "$X" "$T/x.orig"
edit
printf '测试\tyes\n' > "$T/want"; row > "$T/got"
same "$T/want" "$T/got" "cache used: the row verified before is listed, its document not read"
CEH_INDEX=off command ceh list --format tsv 2>/dev/null | grep "^$Y	" | cut -f2,12 > "$T/got"
printf '改名\tno\n' > "$T/want"
same "$T/want" "$T/got" "the documents' walk reads it: it does not verify"
command ceh fsck > "$T/fsck" 2>&1
check "fsck finds the edited document" test $? = 1
ceh fsck --repair > /dev/null 2>&1
row > "$T/got"
same "$T/want" "$T/got" "after fsck --repair the edited document is read and does not verify"
unedit
ceh fsck --repair > /dev/null 2>&1
agree "restored: index and documents agree again"

# a forged index record (more hours in 2023, a column the list does not
# show): its row is another key, so the document is read
log=$CEH_STORE/index/$(echo $ID1 | cut -c15-17).log
$FORGE "$log" "$Y" 2023 20 || echo "forge failed" >&2
edit
printf '改名\tno\n' > "$T/want"; row > "$T/got"
same "$T/want" "$T/got" "a forged index record is not believed: its document is read"
unedit
command ceh fsck > "$T/fsck" 2>&1
check "fsck finds the forged record" test $? = 1
expect_code 0 "fsck --repair rebuilds the index" ceh fsck --repair

# a cache file that others can write is not used
command ceh list > /dev/null 2>&1	# the cache warm
edit
chmod g+w "$CACHE"/*
row > "$T/got"
same "$T/want" "$T/got" "a cache file writable by others is not used"
ok "that list wrote the file again, the user's only" \
	sh -c "[ \"\$(stat -c %a '$CACHE'/*)\" = 600 ]"
row > "$T/got"
same "$T/want" "$T/got" "without the entries of the file it did not trust"

# a registry change: a unit's name
ceh unit edit $EMP2 --name 改名单位 > /dev/null
printf '改名\tno\n' > "$T/want"; row > "$T/got"
same "$T/want" "$T/got" "after a unit is edited the cache is not used"
unedit

# fsck teaches it; --no-cache neither reads nor teaches it
rm -rf "$CACHE"
expect_code 0 "fsck of the clean store, no listing cache" ceh fsck
edit
printf '测试\tyes\n' > "$T/want"; row > "$T/got"
same "$T/want" "$T/got" "after fsck the list read no document"
unedit
rm -rf "$CACHE"
expect_code 0 "fsck --no-cache" ceh fsck --no-cache
ok "fsck --no-cache writes no listing cache" test ! -e "$CACHE"
done_testing
