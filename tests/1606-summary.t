#!/bin/sh
# The summary of the index (index/summary, lib/index.h, ceh-store(5)
# SUMMARY INDEX): built by ceh fsck --repair, read by stats and shortfall
# (--unit: only the selected people's blocks), its stale shards read from
# their logs, checked by ceh fsck and rebuilt by ceh fsck --repair.  Every
# figure is compared three ways as in tests/1605-index.t: through the
# index, through the documents (CEH_INDEX=off) and against the oracle.
. "$(dirname "$0")/lib.sh"
STORE_INIT=--unsigned
. "$(dirname "$0")/1600-store.sh"
IX=$CEH_STORE/index

plan 26

# same3 MSG ARGS...: `ceh ARGS --format json` through the index equals
# the documents' and (stats, shortfall) the oracle's
n=0
same3() {
	_m=$1; shift
	n=$((n + 1))
	command ceh "$@" --format json > "$T/ix.$n" 2> "$T/ix.err"
	_a=$?
	CEH_INDEX=off command ceh "$@" --format json > "$T/doc.$n" 2>&1
	_b=$?
	if [ $_a != 0 ] || [ $_b != 0 ] || ! cmp -s "$T/ix.$n" "$T/doc.$n"; then
		_report 1 "$_m: index and documents agree ($*)"
		diff "$T/ix.$n" "$T/doc.$n" | sed 's/^/#   /' | head -10
		sed 's/^/#   /' "$T/ix.err" | head -3
		return
	fi
	_c=$1; shift
	case $_c in
	stats)
		$ORACLE dump > "$T/dump.$n" &&
		$ORACLE stats "$T/dump.$n" "$@" > "$T/want.$n" &&
		$ORACLE norm-stats < "$T/ix.$n" > "$T/got.$n" ;;
	shortfall)
		$ORACLE dump > "$T/dump.$n" &&
		$ORACLE shortfall "$T/dump.$n" "$@" > "$T/want.$n" &&
		$ORACLE norm-shortfall < "$T/ix.$n" > "$T/got.$n" ;;
	*)	cp "$T/ix.$n" "$T/want.$n"; cp "$T/ix.$n" "$T/got.$n" ;;
	esac
	if [ -s "$T/want.$n" ] && cmp -s "$T/want.$n" "$T/got.$n"; then
		_report 0 "$_m ($_c $*)"
	else
		_report 1 "$_m: the oracle disagrees ($_c $*)"
		diff "$T/want.$n" "$T/got.$n" | sed 's/^/#   /' | head -10
	fi
}
scoped() {
	same3 "$1: stats of one employer" stats --unit $EMP1 --by year
	same3 "$1: stats of a subtree" stats --unit $SUP1 --subtree --by unit,stage
	same3 "$1: shortfall of one employer" shortfall --unit $EMP2 --from 2021 --to 2024
	same3 "$1: shortfall of a subtree" shortfall --unit $SUP1 --subtree --year 2023
	same3 "$1: the whole store" stats --by unit,stage
}
# fsck_says MSG PATTERN: ceh fsck exits 1 and says PATTERN
fsck_says() {
	command ceh fsck > "$T/fsck.out" 2>&1
	if [ $? = 1 ] && grep -q "$2" "$T/fsck.out"; then _report 0 "$1"
	else _report 1 "$1"; sed 's/^/#   /' "$T/fsck.out" | head -8; fi
}
fsck_clean() {
	command ceh fsck > "$T/fsck.out" 2>&1
	if [ $? = 0 ] && ! grep -q '^index' "$T/fsck.out"; then _report 0 "$1"
	else _report 1 "$1"; sed 's/^/#   /' "$T/fsck.out" | head -8; fi
}
# flip BYTE: change one byte of the summary
flip() {
	/usr/bin/python3 -c 'import sys
p, o = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[o] ^= 0x5a; open(p, "wb").write(bytes(b))' "$IX/summary" "$1"
}

ok "no summary before a repair" test ! -e "$IX/summary"
fsck_clean "fsck: a missing summary is no finding"
expect_code 0 "fsck --repair" ceh fsck --repair
ok "fsck --repair built the summary" test -s "$IX/summary"
fsck_clean "fsck: the new summary agrees with the logs"
scoped "fresh summary"

# a transition makes its shard stale: read from its log (the summary not
# refreshed by the reports meanwhile)
expect_code 0 "an approval after the summary was built" ceh review --as $SUP1 --approve $B2
old=$(cksum < "$IX/summary")
export CEH_INDEX_REFRESH=off
scoped "a stale shard"
fsck_clean "fsck: a stale part is no finding"
unset CEH_INDEX_REFRESH
# a report that finds more than an eighth of the shards stale rebuilds it
command ceh stats --unit $EMP1 > /dev/null 2>&1
check "a report refreshed the stale summary" test "$(cksum < "$IX/summary")" != "$old"
fsck_clean "fsck: the refreshed summary agrees with the logs"

# damage: the reports do not use what fails its checks (and would
# rebuild it: not here, so that fsck finds it)
export CEH_INDEX_REFRESH=off
expect_code 0 "rebuilt" ceh fsck --repair
flip $(($(stat -c %s "$IX/summary") - 40))
fsck_says "fsck: a damaged units section is found" 'index/summary: damaged'
same3 "a damaged summary is not used" stats --unit $EMP1 --by year
command ceh fsck --repair > "$T/rep.out" 2>&1
check "fsck --repair rebuilt the summary" grep -q 'index/summary: rebuilt from the logs' "$T/rep.out"
fsck_clean "fsck: clean after the repair"
flip 40100
fsck_says "fsck: a damaged block is found" 'index/summary: disagrees with'
same3 "a damaged block: its shard read from its log" shortfall --unit $SUP1 --subtree --year 2023
done_testing
