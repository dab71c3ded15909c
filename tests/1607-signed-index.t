#!/bin/sh
# Reports of a signed store through the summary index (report_src.c
# report_feed_scope): an application the index gives as approved is read
# from its document and counted only when its approval verifies (unless
# the records cache holds its record, made from a document that
# verified: tests/1609-report-cache.t); the others are taken from the
# index, as the documents' walk takes them without verifying.  The store
# of tests/1600-stats.t, signed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/1600-store.sh"
IX=$CEH_STORE/index

plan 12

expect_code 0 "fsck --repair builds the summary" ceh fsck --repair
ok "the summary is there" test -s "$IX/summary"
for args in "stats --by unit,stage" "stats --unit $EMP1 --by year" "shortfall --from 2021 --to 2024"; do
	command ceh $args --format json > "$T/ix" 2>&1
	CEH_INDEX=off command ceh $args --format json > "$T/doc" 2>&1
	same "$T/doc" "$T/ix" "signed store, index and documents agree: $args"
done

# a waiting application edited by hand (not through the commit path):
# the index's record of it is what the reports use
w=$(find "$CEH_STORE/people" -path '*/review/*.yaml' | head -1)
sed -i 's/测试/改名/' "$w"
command ceh shortfall --from 2021 --to 2024 --format json > "$T/ix" 2>&1
CEH_INDEX=off command ceh shortfall --from 2021 --to 2024 --format json > "$T/doc" 2>&1
ok "a waiting application: the documents' walk reads the edit" grep -q 改名 "$T/doc"
ok "a waiting application: the index's record is used" sh -c "! grep -q 改名 '$T/ix'"

# an approved application edited by hand: its approval no longer
# verifies; the index's record of it, which the reports above made from
# the document when it verified, is counted while the records cache
# holds it (tests/1609-report-cache.t); without the cache, the document
# is read and left out
a=$(find "$CEH_STORE/people" -path '*/approved/*.yaml' | head -1)
sed -i 's/测试/改名/' "$a"
command ceh stats --by stage --format json > "$T/ix" 2> "$T/ix.err"
ok "the record verified before is counted through the records cache" test ! -s "$T/ix.err"
rm -r "$XDG_CACHE_HOME/ceh/reports"
command ceh stats --by stage --format json > "$T/ix" 2> "$T/ix.err"
CEH_INDEX=off command ceh stats --by stage --format json > "$T/doc" 2> "$T/doc.err"
like "$T/ix.err" "ceh stats: 1 approved application\(s\) left out: their approval does not verify" "an approval that does not verify is left out through the index"
like "$T/doc.err" "ceh stats: 1 approved application\(s\) left out" "and from the documents"
same "$T/doc" "$T/ix" "and both count the same"
command ceh shortfall --from 2021 --to 2024 --format json > "$T/ix" 2>&1
CEH_INDEX=off command ceh shortfall --from 2021 --to 2024 --format json > "$T/doc" 2>&1
ni=$(grep -o '"year"' "$T/ix" | wc -l); nd=$(grep -o '"year"' "$T/doc" | wc -l)
check "shortfall lists the same person-years through the index as from the documents" test "$ni" = "$nd"
done_testing
