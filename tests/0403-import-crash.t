#!/bin/sh
# ceh import killed (SIGKILL) at every step of its commit, then rerun: the
# records end up byte for byte as after an uninterrupted import - nothing
# lost, nothing doubled - and readers never see a half import.
. "$(dirname "$0")/lib.sh"
plan 41
GEN="$CEH_ROOT/tests/bench/gen-records.py"
python3 "$GEN" --rows 300 --seed 11 -o "$T/a.csv"
# another provider's numbers: the generator numbers from 1 for any seed
python3 "$GEN" --rows 200 --seed 12 | sed 's/,\(JX[0-9]*\)-/,\1B-/' > "$T/b.csv"
ONE=$(sed -n 2p "$T/a.csv" | cut -d, -f1)

records_digest() { (cd "$CEH_STORE/records" && for f in state *.tsv; do printf '%s ' "$f"; sha256sum < "$f"; done); }

# the reference: both files imported without interruption
export CEH_STORE="$T/ref"
ceh init --unsigned >/dev/null
ceh import "$T/a.csv" 2>/dev/null
records_digest > "$T/ref-a"
ceh import "$T/b.csv" 2>/dev/null
records_digest > "$T/ref-ab"
n_ab=$(ceh records --id "$ONE" --format tsv | wc -l)

# (the first atomic publish of an import is its writer marker, .writer:
# the state is the second)
i=0
for pt in records-shard records-shard:5 records-before-commit \
    atomic-before-rename:2 atomic-after-rename:2 records-after-commit; do
	i=$((i + 1))
	export CEH_STORE="$T/s$i"
	ceh init --unsigned >/dev/null
	expect_code 137 "first import killed at $pt" env CEH_CRASH=$pt ceh import "$T/a.csv"
	case $pt in
	records-after-commit|atomic-after-rename:2)
		expect_code 0 "$pt: committed, readers see it" ceh records --id "$ONE" ;;
	*)
		expect_code 3 "$pt: not committed, readers see nothing" ceh records --id "$ONE" ;;
	esac
	if [ $pt = records-before-commit ]; then
		ok "$pt: uncommitted records were left in the shards" sh -c "cat '$CEH_STORE'/records/*.tsv | grep -q ."
		expect_code 1 "$pt: fsck finds the uncommitted records" ceh fsck
		like "$T/out" 'bytes of an interrupted import past the committed size' "$pt: and says what they are"
		expect_code 0 "$pt: fsck --repair cuts them off" ceh fsck --repair
		expect_code 0 "$pt: fsck is clean then" ceh fsck
	fi
	expect_code 0 "$pt: rerun" ceh import "$T/a.csv"
	records_digest > "$T/got"
	same "$T/got" "$T/ref-a" "$pt: records as after one clean import"
done

# a second import killed over a store that has records
export CEH_STORE="$T/s2nd"
ceh init --unsigned >/dev/null
ceh import "$T/a.csv" 2>/dev/null
expect_code 137 "second import killed before its commit" env CEH_CRASH=records-before-commit ceh import "$T/b.csv"
expect_code 0 "the first import's records are intact" ceh records --id "$ONE" --format tsv
ok "and only those" test "$(wc -l < "$T/out")" -le "$n_ab"
expect_code 0 "rerun of the second import" ceh import "$T/b.csv"
like "$T/err" 'b.csv: read 200, imported 200, duplicates 0' "everything imported once"
records_digest > "$T/got"
same "$T/got" "$T/ref-ab" "records as after two clean imports"
expect_code 0 "the first import again" ceh import "$T/a.csv"
like "$T/err" 'a.csv: read 300, imported 0, duplicates 300' "all duplicates"

# fsck checks every committed record
export CEH_STORE="$T/ref"
expect_code 0 "fsck of a store with records" ceh fsck
like "$T/out" '^records: 500 record\(s\) in [0-9]+ shard\(s\) checked' "counts them"
f=$(ls "$CEH_STORE"/records/*.tsv | head -1)
python3 -c '
import sys
p = sys.argv[1]
b = open(p, "rb").read()
open(p, "wb").write(b.replace("\t公需科目\t".encode(), "\t公需课目\t".encode(), 1).replace("\t专业科目\t".encode(), "\t专业课目\t".encode(), 1))' "$f"
expect_code 1 "fsck finds a damaged record" ceh fsck
like "$T/out" 'records/[0-9a-f]+\.tsv:[0-9]+: damaged record' "file and line"
done_testing
