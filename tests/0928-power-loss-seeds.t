#!/bin/sh
# Power-loss seeds that once found a bug, replayed every run (as the
# fuzzers' crashes are): tests/0920-power-loss.t with POWERLOSS_SEED.
#   426304257: a loss during apply left a shard of index/summary with no
#   blocks; fsck's summary check passed memcmp a NULL buffer (UBSan).
. "$(dirname "$0")/lib.sh"
if [ "${CEH_VALGRIND:-0}" = 1 ] || [ ! -f "$CEH_BUILD/torture/oplog.so" ]; then
	echo "1..0 # SKIP as tests/0920 (the call recorder is needed)"
	exit 0
fi
set -- 426304257
plan $#
for seed in "$@"; do
	ok "power loss replayed with seed $seed" env POWERLOSS_SEED=$seed \
	    sh "$CEH_ROOT/tests/0920-power-loss.t"
done
