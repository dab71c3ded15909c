#!/bin/sh
# usage: OLD=DIR NEW=DIR sh tests/bench/before-after.sh   (DIR: a built checkout, with build/bench/genstore)
# Issue 13's targets read literally: batch review of 10,000 and fsck of 100,000
# against their figures before the change (382a88b, main just before the
# chained and signed histories merged at 3c43568), on this machine, runs alternating.
set -u
OLD=${OLD:?OLD: a build of the commit before (382a88b)} NEW=${NEW:?NEW: a build of the commit after}
W=${TMPDIR:-/tmp}/ba; rm -rf $W /dev/shm/ba; mkdir -p $W /dev/shm/ba
export XDG_CACHE_HOME=$W/cache
T() { /usr/bin/time -f "%e %U %S" "$@" > /dev/null 2>> $W/time.err; tail -1 $W/time.err; }
echo "== review stores (on disk, $W)"
CEH_DATADIR=$OLD/data $OLD/build/bench/genstore -n 72620 -q 10 -r 66000 -e 200 -j 2 -p 36310 $W/old-rs $W/old-rs.info > /dev/null || exit 1
CEH_DATADIR=$NEW/data $NEW/build/bench/genstore -s -n 72620 -q 10 -r 66000 -e 200 -j 2 -p 36310 $W/new-rs $W/new-rs.info > /dev/null || exit 1
sync
OU=$(sed -n 's/^REVIEW_UNIT=//p' $W/old-rs.info); NU=$(sed -n 's/^REVIEW_UNIT=//p' $W/new-rs.info)
for i in 0 1 2; do
	sed -n "$((i * 10000 + 1)),$((i * 10000 + 10000))p" $W/old-rs.info.review-ids > $W/old.$i
	sed -n "$((i * 10000 + 1)),$((i * 10000 + 10000))p" $W/new-rs.info.review-ids > $W/new.$i
	printf 'review 10k round %d old (unsigned, before): ' $i
	CEH_DATADIR=$OLD/data CEH_STORE=$W/old-rs T sh -c "$OLD/ceh review --as $OU --approve - < $W/old.$i"
	printf 'review 10k round %d new (signed):           ' $i
	CEH_DATADIR=$NEW/data CEH_STORE=$W/new-rs T sh -c "$NEW/ceh review --as $NU --key $W/new-rs.agency.key --approve - < $W/new.$i"
done
CEH_DATADIR=$NEW/data CEH_STORE=$W/new-rs $NEW/ceh show $(head -1 $W/new.2) | grep -m1 '状态\|stage' 
CEH_DATADIR=$OLD/data CEH_STORE=$W/old-rs $OLD/ceh show $(head -1 $W/old.2) | grep -m1 '状态\|stage'
rm -rf $W/old-rs $W/new-rs
echo "== fsck stores (tmpfs)"
CEH_DATADIR=$OLD/data $OLD/build/bench/genstore -n 100000 -p 50000 -q 1000 -r 10000 -e 200 -j 2 /dev/shm/ba/old /dev/shm/ba/old.info > /dev/null || exit 1
CEH_DATADIR=$NEW/data $NEW/build/bench/genstore -s -C -n 100000 -p 50000 -q 1000 -r 10000 -e 200 -j 2 /dev/shm/ba/new /dev/shm/ba/new.info > /dev/null || exit 1
for i in 0 1; do
	printf 'fsck 100k round %d old (before):                 ' $i
	CEH_DATADIR=$OLD/data CEH_STORE=/dev/shm/ba/old T $OLD/ceh fsck
	printf 'fsck 100k round %d new signed, --no-cache:       ' $i
	CEH_DATADIR=$NEW/data CEH_STORE=/dev/shm/ba/new T $NEW/ceh fsck --no-cache
	printf 'fsck 100k round %d new signed, cache warm:       ' $i
	CEH_DATADIR=$NEW/data CEH_STORE=/dev/shm/ba/new T $NEW/ceh fsck
done
rm -rf /dev/shm/ba
