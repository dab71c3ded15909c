#!/bin/sh
# The benchmark harness still works (no timing asserts): a store made by
# tests/bench/genstore is a valid ceh store, and tests/bench/run.sh at a
# tiny scale produces the results table with every row.
. "$(dirname "$0")/lib.sh"
plan 25
B=$CEH_BUILD/bench
# scratch on tmpfs when there is one: this test proves the harness works,
# it does not time anything, and a loaded disk would only make it slow
BD=$T
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	BD=$(mktemp -d /dev/shm/ceh-bench-smoke.XXXXXX) || BD=$T
	trap 'rm -rf "$T" "$BD"' EXIT
fi
ok "bench tools are built" test -x "$B/genstore" -a -x "$B/csvfloor" -a -x "$B/durable_rename"

# a generated store, checked by ceh itself
S=$BD/gen
expect_code 0 "genstore builds a 300-application store" "$B/genstore" -n 300 -q 25 -r 20 -j 2 "$S" "$T/info"
. "$T/info"
export CEH_STORE="$S"
expect_code 0 "ceh show reads the slip person's application" ceh show "$SLIP_APP" --format yaml
like "$T/out" '^stage: approved' "it is approved"
expect_code 0 "ceh list reads every generated application" ceh list --format tsv
ok "and lists all 300" test "$(($(wc -l < "$T/out") - 1))" = 300
expect_code 0 "ceh list --at the queue unit" ceh list --at "$QUEUE_UNIT" --format tsv
ok "lists exactly its queue of 25" test "$(($(wc -l < "$T/out") - 1))" = 25
ok "20 ids for the batch review" test "$(wc -l < "$T/info.review-ids")" = 20
if ceh fsck --help 2>&1 | grep -q 'not implemented'; then
	_report 0 "ceh fsck finds no problem # SKIP fsck not implemented yet"
else
	expect_code 0 "ceh fsck finds no problem in a generated store" ceh fsck
fi
# a signed one (genstore -s): every history chained and signed; -C
# fills the user's verification cache as one fsck would
S=$BD/gen-signed
expect_code 0 "genstore -s -C builds a signed store" env XDG_CACHE_HOME="$T/cache" "$B/genstore" -n 100 -q 10 -r 10 -e 10 -j 2 -s -C "$S" "$T/sinfo"
expect_code 0 "ceh fsck --no-cache verifies every chain, signature and workflow" env CEH_STORE="$S" XDG_CACHE_HOME="$T/cache" ceh fsck --no-cache
ok "genstore -C wrote the verification cache" sh -c "ls '$T'/cache/ceh/verified/* >/dev/null"
cachesum() { cat "$T"/cache/ceh/verified/* | cksum; }
before=$(cachesum)
expect_code 0 "ceh fsck with that cache" env CEH_STORE="$S" XDG_CACHE_HOME="$T/cache" ceh fsck
ok "found every document in it (the cache is not rewritten)" test "$(cachesum)" = "$before"
expect_code 0 "ceh list of it" env CEH_STORE="$S" ceh list --format tsv
ok "every application verified" test "$(cut -f12 "$T/out" | sort | uniq -c | awk '{print $1, $2}' | tr '\n' ' ')" = "100 yes 1 签名核验 "
ok "the floors run" sh -c "'$B/durable_rename' '$T' 5 && '$B/csvfloor' /dev/null"
unset CEH_STORE

# the whole harness at a tiny scale
expect_code 0 "run.sh at BENCH_SCALE=0.001 succeeds" env CEH_BIN="$CEH_BIN" BENCH_BUILD="$B" \
    BENCH_SCALE=0.001 BENCH_RUNS=1 BENCH_DIR="$BD" BENCH_MEMDIR="$BD" BENCH_OUT="$T/results.md" sh "$CEH_ROOT/tests/bench/run.sh"
ok "it wrote the results file" test -s "$T/results.md"
# every row: start-up x3; import vs sqlite3, vs the floor and again, at
# three sizes; import with vs without the index; .xlsx; batch review at
# two sizes (vs the floor, with vs without the index, signed vs the floor
# and vs unsigned), signing per decision; on an unsigned and a signed
# store of two sizes: list --at, list, stats x2, shortfall x2 (a
# department's subtree, the whole store), fsck
# --no-cache (and for the signed: vs unsigned, with the cache); slips
# text and pdf on the larger two
for op in 'start-up: ceh' 'import vs sqlite3' 'import vs libcsv floor' 'import again' 'import: with vs' '\.xlsx import vs CSV' 'review --approve - \(batch\) vs' 'review batch: with vs' 'review batch: signed vs' 'signing, per decision' 'list --at UNIT' 'list \(whole store' 'stats \(whole store\)' 'stats --unit' 'shortfall --unit' 'shortfall \(whole store\)' 'print-slip \(text\)' 'print-slip \(pdf\)' 'fsck --no-cache vs' 'fsck --no-cache: signed vs' 'fsck \(verification cache warm\)'; do
	grep -E "^\| $op" "$T/results.md"
done > "$T/rows"
ok "the table has all 59 rows" test "$(wc -l < "$T/rows")" = 59
ok "and no other (59 and the header)" test "$(grep -c '^| ' "$T/results.md")" = 60
unlike "$T/results.md" '\| error \|' "no row failed"
ok "each row has a wall and a CPU figure (or says why not)" sh -c "! grep -vE '\\| (> )?([0-9.]+ m?s|n/a \\([^)]*\\)) \\| (> )?([0-9.]+ m?s|—) \\|' '$T/rows'"
ok "the scratch data is gone" sh -c "! ls -d '$BD'/ceh-bench.* 2>/dev/null"
done_testing
