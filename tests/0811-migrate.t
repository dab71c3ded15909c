#!/bin/sh
# ceh migrate: a store made before trust (no trust setting, histories
# without chains) is chained, then made signed by its agency; nothing is
# lost, it is idempotent, and a crash at any commit is finished by
# running it again.
. "$(dirname "$0")/lib.sh"
plan 32
K="$XDG_CONFIG_HOME/ceh/keys"
# old_store: an unsigned store as ceh wrote it before trust
old_store() {
	rm -rf "$CEH_STORE"
	ceh init --unsigned >/dev/null && mk_units || return 1
	sed -i 's/required: true/required: false/; /^trust:/d' "$CEH_STORE/store.yaml"
	for id in $ID1 $ID2 $ID3; do
		a=$(apply_std $id) &&
		ceh add-year $a --year 2023 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null &&
		ceh submit $a >/dev/null || return 1
	done
	ceh review --as $EMP1 --approve --next agency $a >/dev/null &&
	ceh review --as $AGENCY --approve $a >/dev/null || return 1
	# no chains: what ceh wrote before
	sed -i '/^  \(prev\|content\|key\|sig\): /d' "$CEH_STORE"/people/*/*/*/*.yaml
	APP=$a
}
old_store || { echo "not ok 1 - setup"; exit 1; }
expect_code 0 "an old store checks clean" ceh fsck
like "$T/err" "this store is unsigned" "and is unsigned"
expect_code 0 "verify: unsigned history" ceh verify $APP
like "$T/out" "	approved	$AGENCY	unsigned history\$" "the approval is unsigned history"
cp -a "$CEH_STORE" "$T/old"
expect_code 0 "migrate (unsigned): chains every history" ceh migrate
like "$T/err" "the store stays unsigned" "says the store stays unsigned"
ok "three upgraded" test "$(grep -c '	upgraded$' "$T/out")" = 3
expect_code 0 "verify" ceh verify $APP
like "$T/out" "	upgraded	-	unsigned\$" "an unsigned upgraded event"
before=$(store_digest)
expect_code 0 "migrate again changes nothing" ceh migrate
ok "store byte-identical" test "$(store_digest)" = "$before"
ok "nothing lost: every old event is still there" sh -c "ceh log $APP --format tsv | cut -f2 | tr '\n' ' ' | grep -q '^事件 created year-added submitted forwarded approved upgraded \$'"

ceh key generate --unit $AGENCY >/dev/null 2>&1
pub=$(ceh key show --unit $AGENCY | head -1)
before=$(store_digest)
expect_code 1 "a signed upgrade needs the agency's key" env XDG_CONFIG_HOME="$T/nokeys" ceh migrate --as $AGENCY --public-key "$pub"
expect_code 0 "migrate --as the agency: signed" ceh migrate --as $AGENCY --public-key "$pub"
ok "three upgraded" test "$(grep -c '	upgraded$' "$T/out")" = 3
ok "the store is signed now" grep -q '^trust: signed$' "$CEH_STORE/store.yaml"
expect_code 0 "verify" ceh verify $APP
like "$T/out" "	upgraded	$AGENCY	signed " "the agency signed the upgrade"
expect_code 0 "fsck: clean" ceh fsck
before=$(store_digest)
expect_code 0 "migrate --as again changes nothing" ceh migrate --as $AGENCY
ok "store byte-identical" test "$(store_digest)" = "$before"

# a crash at each commit of a signed upgrade (1 the anchor in trust.log,
# 2 store.yaml, then the applications), then the run again
for n in 1 2 3 4 5; do
	rm -rf "$CEH_STORE"; cp -a "$T/old" "$CEH_STORE"
	expect_code 137 "crash at commit $n: killed" env CEH_CRASH=atomic-after-rename:$n ceh migrate --as $AGENCY --public-key "$pub"
	ceh migrate --as $AGENCY --public-key "$pub" >/dev/null 2>&1
	ok "crash at commit $n: run again, every application upgraded once" sh -c "test \$(grep -l '^  event: upgraded' '$CEH_STORE'/people/*/*/*/*.yaml | wc -l) = 3 && ! grep -c '^  event: upgraded' '$CEH_STORE'/people/*/*/*/*.yaml | grep -v ':1\$'"
done
expect_code 0 "and fsck is clean" ceh fsck
done_testing
