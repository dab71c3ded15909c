#!/bin/sh
# The key index (records/SS.key) is derived from the person shards, so
# fsck --repair rebuilds it (issue 12.3): a missing, truncated or altered
# .key file is found, rebuilt byte for byte as the imports wrote it, and
# import works again.  Before, one such file blocked every import and
# fsck --repair answered "2 problem(s) left, 0 repaired".
. "$(dirname "$0")/lib.sh"
plan 35
python3 "$CEH_ROOT/tests/bench/gen-records.py" --rows 3000 --seed 1 -o "$T/all.csv"
head -2001 "$T/all.csv" > "$T/a.csv"
{ head -1 "$T/all.csv"; tail -n +2002 "$T/all.csv" | head -800; } > "$T/b.csv"
ceh init --unsigned >/dev/null
expect_code 0 "first import" ceh import "$T/a.csv"
expect_code 0 "second import (a second batch in each key shard)" ceh import "$T/b.csv"
cp -r "$CEH_STORE/records" "$T/orig"
store_digest > "$T/digest-orig"
K=$(cd "$CEH_STORE/records" && ls *.key | head -1)
K2=$(cd "$CEH_STORE/records" && ls *.key | sed -n 2p)
same_keys() { # every key shard as the imports wrote it
	for f in "$T"/orig/*.key; do
		cmp -s "$f" "$CEH_STORE/records/${f##*/}" || return 1
	done
}

damage_case() { # damage_case WHAT CMD...: damage, find, repair, compare
	what=$1; shift
	"$@"
	if [ "$what" != "altered .key" ]; then
		expect_code 5 "$what: import refused" ceh import "$T/all.csv"
		like "$T/err" "records/[0-9a-f]+\.key.*run ceh fsck" "$what: names the key file and says to run fsck"
	fi
	expect_code 1 "$what: fsck finds it" ceh fsck
	like "$T/out" "ceh fsck --repair rebuilds it from the records" "$what: and says --repair rebuilds it"
	expect_code 0 "$what: fsck --repair rebuilds it" ceh fsck --repair
	like "$T/out" "rebuilt from the records" "$what: says so"
	ok "$what: the rebuilt index is byte-identical to the original" same_keys
	expect_code 0 "$what: fsck is clean then" ceh fsck
}
damage_case "missing .key" rm "$CEH_STORE/records/$K"
damage_case "truncated .key" truncate -s 48 "$CEH_STORE/records/$K"
damage_case "altered .key" sh -c "printf 'XYZ' | dd of='$CEH_STORE/records/$K' bs=1 seek=30 conv=notrunc 2>/dev/null"
store_digest > "$T/digest"
same "$T/digest" "$T/digest-orig" "the whole store is as before the damage"
expect_code 0 "import works again" ceh import "$T/b.csv"
like "$T/err" 'b.csv: read 800, imported 0, duplicates 800, conflicts 0' "with the rebuilt index: all duplicates"

# every key file gone (and an extra uncommitted tail on another)
rm "$CEH_STORE"/records/*.key
expect_code 0 "all key files gone: fsck --repair rebuilds them" ceh fsck --repair
ok "all 256 rebuilt byte-identical" same_keys
expect_code 0 "import works again: the new rows in, the old ones duplicates" ceh import "$T/all.csv"
like "$T/err" 'all.csv: read 3000, imported 200, duplicates 2800, conflicts 0' "the rebuilt index knows every record"
expect_code 0 "fsck clean after it" ceh fsck

# a damaged record: the index is not rebuilt from what cannot be read
rm -rf "$CEH_STORE"
ceh init --unsigned >/dev/null
ceh import "$T/a.csv" 2>/dev/null
S=$(cd "$CEH_STORE/records" && ls -S *.tsv | head -1)
sed -i '1s/\t/@/9' "$CEH_STORE/records/$S"
rm "$CEH_STORE/records/$K2"
expect_code 1 "a damaged record and a missing key file: fsck --repair leaves both" ceh fsck --repair
like "$T/out" "not rebuilt: some records cannot be read" "and says why the index is not rebuilt"
test -e "$CEH_STORE/records/$K2"
ok "no key file was written from damaged records" test $? = 1
