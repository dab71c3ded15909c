#!/bin/sh
# The reports' records cache of a signed store (lib/report_src.c,
# ceh-stats(1) TRUST): an approved application's record is counted from
# the index without reading its document when this user's ceh made the
# same record before from a document whose approval verified, under the
# same registry; any other is read from its document and counted only
# when its approval verifies.  Shown by a document edited by hand (the
# index not told): counted as verified while the cache holds its record,
# left out as soon as the cache cannot vouch for it (a forged index
# record, a registry change, a revocation, a cache file others can
# write); fsck finds the edit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/1600-store.sh"
FORGE="/usr/bin/python3 $CEH_ROOT/tests/1609-forge.py"
CACHE=$XDG_CACHE_HOME/ceh/reports
LEFT="1 approved application\(s\) left out: their approval does not verify"

plan 32

# agree MSG ARGS...: through the index and from the documents, the same
agree() {
	_m=$1; shift
	command ceh "$@" --format json > "$T/ix" 2> "$T/ix.err"
	CEH_INDEX=off command ceh "$@" --format json > "$T/doc" 2> "$T/doc.err"
	if cmp -s "$T/ix" "$T/doc" && cmp -s "$T/ix.err" "$T/doc.err"; then
		_report 0 "$_m"
	else
		_report 1 "$_m"
		diff "$T/ix" "$T/doc" | sed 's/^/#   /' | head -10
		diff "$T/ix.err" "$T/doc.err" | sed 's/^/#   /' | head -4
	fi
}

expect_code 0 "fsck --repair builds the summary" ceh fsck --repair
ok "fsck --repair wrote the records cache (ceh-fsck(1))" \
	sh -c "ls '$CACHE' | grep -qE '^[0-9a-f]{64}\$'"
rm -rf "$CACHE"
agree "first report: index and documents agree" stats --by unit,stage
ok "the report wrote the records cache, outside the store" \
	sh -c "ls '$CACHE' | grep -qE '^[0-9a-f]{64}\$'"
ok "the cache folder is the user's only" \
	sh -c "[ \"\$(stat -c %a '$CACHE')\" = 700 ]"
head -c 23 "$CACHE"/* > "$T/magic"; printf 'ceh-report-verified-v2\n' > "$T/want"
same "$T/want" "$T/magic" "the cache file's header"

# an approved application (of A1, approved by SUP1) edited by hand
X=$(ls "$CEH_STORE"/people/*/$ID1/approved/*.yaml | head -1)
cp -p "$X" "$T/x.orig"
sed -i 's/测试/改名/' "$X"
command ceh stats --by stage --format json > "$T/ix" 2> "$T/ix.err"
CEH_INDEX=off command ceh stats --by stage --format json > "$T/doc" 2> "$T/doc.err"
ok "cache used: the record verified before is counted, its document not read" \
	test ! -s "$T/ix.err"
like "$T/doc.err" "ceh stats: $LEFT" "the documents' walk leaves the edited one out"
command ceh fsck > "$T/fsck" 2>&1
check "fsck finds the edited document" test $? = 1
like "$T/fsck" "$ID1" "and names it"
ceh fsck --repair > /dev/null 2>&1
command ceh stats --by stage --format json > "$T/ix" 2> "$T/ix.err"
like "$T/ix.err" "ceh stats: $LEFT" "after fsck --repair the edited document is verified and left out"
same "$T/doc" "$T/ix" "as from the documents"
cp -p "$T/x.orig" "$X"
ceh fsck --repair > /dev/null 2>&1

# a forged index record: the approved application's record with the
# 10 hours that 2023 lacks (a frame appended to its log, well formed)
Y=$ID1-$(basename "$X" .yaml)
log=$CEH_STORE/index/$(echo $ID1 | cut -c15-17).log
agree "before forging: index and documents agree" shortfall --from 2021 --to 2024
ceh shortfall --from 2021 --to 2024 --format tsv > "$T/tsv"
like "$T/tsv" "^$ID1	.*	2023	below_rule	" "its 2023 is short by 10 hours"
$FORGE "$log" "$Y" 2023 20 || echo "forge failed" >&2
ceh shortfall --from 2021 --to 2024 --format tsv > "$T/tsv"
like "$T/tsv" "^$ID1	.*	2023	below_rule	" "after the forgery too"
agree "a forged index record is not believed: its document is read" shortfall --from 2021 --to 2024
agree "nor in the stats" stats --by unit,year
command ceh fsck > "$T/fsck" 2>&1
check "fsck finds the forged record" test $? = 1
expect_code 0 "fsck --repair rebuilds the index" ceh fsck --repair

# fsck teaches the records cache: after a fsck with no records cache,
# a report reads no approved document (the one edited next is counted
# from the record fsck verified); --no-cache teaches nothing
rm -rf "$CACHE"
expect_code 0 "fsck of the clean store, no records cache" ceh fsck
ok "fsck wrote the records cache" \
	sh -c "ls '$CACHE' | grep -qE '^[0-9a-f]{64}\$'"
sed -i 's/测试/改名/' "$X"
command ceh stats --by stage --format json > "$T/ix" 2> "$T/ix.err"
ok "after fsck the report read no approved document" test ! -s "$T/ix.err"
cp -p "$T/x.orig" "$X"
agree "and what it counts is what the documents say" stats --by unit,stage
rm -rf "$CACHE"
expect_code 0 "fsck --no-cache" ceh fsck --no-cache
ok "fsck --no-cache writes no records cache" test ! -e "$CACHE"
sed -i 's/测试/改名/' "$X"
command ceh stats --by stage --format json > /dev/null 2> "$T/ix.err"
like "$T/ix.err" "ceh stats: $LEFT" "so the report reads and verifies the documents"
cp -p "$T/x.orig" "$X"

# a cache file that others can write is not used
sed -i 's/测试/改名/' "$X"
chmod g+w "$CACHE"/*
command ceh stats --by stage --format json > /dev/null 2> "$T/ix.err"
like "$T/ix.err" "ceh stats: $LEFT" "a cache file writable by others is not used"
cp -p "$T/x.orig" "$X"

# a registry change: a unit's name
command ceh stats --by stage > /dev/null 2>&1	# the cache warm again
sed -i 's/测试/改名/' "$X"
command ceh stats --by stage --format json > /dev/null 2> "$T/ix.err"
ok "warm again: the edited one counted" test ! -s "$T/ix.err"
ceh unit edit $EMP2 --name 改名单位 > /dev/null
command ceh stats --by stage --format json > /dev/null 2> "$T/ix.err"
like "$T/ix.err" "ceh stats: $LEFT" "after a unit is edited the cache is not used"
cp -p "$T/x.orig" "$X"

# a revocation: SUP1's key, from before it approved A1
command ceh stats --by stage > /dev/null 2>&1
command ceh stats --by stage --format json > /dev/null 2> "$T/ix.err"
ok "warm again: nothing left out" test ! -s "$T/ix.err"
ceh unit revoke $SUP1 --as $AGENCY --effective 2025-06-04T00:00:00Z > /dev/null ||
	echo "revoke failed" >&2
agree "after a revocation the approvals it voids are left out, as from the documents" stats --by unit,stage
like "$T/ix.err" "left out: their approval does not verify" "and some are"
done_testing
