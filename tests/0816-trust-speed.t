#!/bin/sh
# What makes signed stores fast keeps every guarantee (issue 13):
# - review takes trust.log's verified prefix from the user's cache
#   ($XDG_CACHE_HOME/ceh/registry/HASH, ceh-trust(7)): a log that does not
#   begin with the cached bytes is verified in full (a tampered record is
#   refused), a cache writable by others is ignored, a record appended is
#   verified once; fsck and verify never read it;
# - fsck verifies in worker threads (CEH_FSCK_THREADS): the same output,
#   line for line and in order, and the same exit code as in one thread,
#   forged documents included.
. "$(dirname "$0")/lib.sh"
plan 32
PY=/usr/bin/python3
K="$XDG_CONFIG_HOME/ceh/keys"
FORGE="$CEH_ROOT/tests/0812-forge.py"
R="$XDG_CACHE_HOME/ceh/registry"
ceh init --signed >/dev/null
mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
# nine applications of three people waiting at the agency
ids=
for id in $ID1 $ID2 $ID3; do
	for y in 2021 2022 2023; do
		a=$(apply_std $id) && yr $a $y && ceh submit $a >/dev/null &&
		ceh review --as $EMP1 --approve --next agency $a >/dev/null || exit 1
		ids="$ids $a"
	done
done
set -- $ids
rm -rf "$XDG_CACHE_HOME"

# ---- the registry's verified prefix ----
expect_code 0 "a batch review in a signed store" ceh review --as $AGENCY --approve $1 $2
F="$R/$(printf %s "$(realpath "$CEH_STORE")" | sha256sum | cut -c1-64)"
ok "leaves the registry's cache, named by the store's real path" test -f "$F"
ok "folder 0700, file 0600" sh -c "test \$(stat -c %a '$R') = 700 && test \$(stat -c %a '$F') = 600"
ok "saying the whole of trust.log verified: its length and SHA-256" test "$(cat "$F")" = "$(printf 'ceh-trust-verified-v1\nlength=%s\nsha256=%s' "$(wc -c < "$CEH_STORE/trust.log")" "$(sha256sum < "$CEH_STORE/trust.log" | cut -c1-64)")"
stamp() { stat -c '%i %Y %s' "$F"; sha256sum < "$F"; }
s1=$(stamp)
sleep 1
expect_code 0 "another review" ceh review --as $AGENCY --approve $3
ok "the same registry does not rewrite it" test "$(stamp)" = "$s1"

# a record appended (a key rotated): verified once, the cache follows
mv "$K/$EMP3.key" "$T/emp3.old"
certify_unit $EMP3 || exit 1
expect_code 0 "a review after a record was appended" ceh review --as $AGENCY --approve $4
ok "the cache covers the longer log" grep -qx "length=$(wc -c < "$CEH_STORE/trust.log")" "$F"

# a signature in trust.log altered: the log is no longer the cached bytes
cp "$CEH_STORE/trust.log" "$T/trust.good"
# the last record's signature, one character changed (an earlier one
# would break the next record's prev as well)
$PY -c '
import sys
p = sys.argv[1]
t = open(p).read()
i = t.rindex("\nsig=") + 5
t = t[:i] + ("B" if t[i] != "B" else "C") + t[i + 1:]
open(p, "w").write(t)' "$CEH_STORE/trust.log"
last=$(($(grep -c '^sig=' "$CEH_STORE/trust.log") - 1))
before=$(store_digest)
expect_code 1 "review refuses a tampered trust.log despite the cache" ceh review --as $AGENCY --approve $5
like "$T/err" "trust.log: record $last is damaged or not signed by a valid agency key" "naming the record"
ok "store unchanged" test "$(store_digest)" = "$before"
# a poisoned cache that vouches for the tampered log
poison() {
	printf 'ceh-trust-verified-v1\nlength=%s\nsha256=%s\n' "$(wc -c < "$CEH_STORE/trust.log")" "$(sha256sum < "$CEH_STORE/trust.log" | cut -c1-64)" > "$F"
	chmod "$1" "$F"
}
poison 664
expect_code 1 "a cache writable by others is ignored" ceh review --as $AGENCY --approve $5
ok "store unchanged" test "$(store_digest)" = "$before"
poison 600
expect_code 0 "the user's own cache is taken at its word by review" ceh review --as $AGENCY --approve $5
expect_code 5 "fsck never reads it" ceh fsck --read-only
like "$T/out" "trust.log: record $last is damaged or not signed by a valid agency key" "and finds the record"
expect_code 5 "nor does fsck --no-cache" ceh fsck --no-cache --read-only
expect_code 1 "nor verify: the application does not verify" ceh verify $5
printf 'ceh-trust-verified-v1\nlength=%s\nsha256=%s\n' 99999999 "$(sha256sum < "$CEH_STORE/trust.log" | cut -c1-64)" > "$F"
expect_code 1 "a cache longer than the log is ignored" ceh review --as $AGENCY --approve $6
cp "$T/trust.good" "$CEH_STORE/trust.log"
expect_code 0 "the good log again: verified in full, the cache renewed" ceh review --as $AGENCY --approve $6
ok "the cache names it again" grep -qx "sha256=$(sha256sum < "$CEH_STORE/trust.log" | cut -c1-64)" "$F"

# ---- fsck in threads ----
# forgeries in three documents: a decision by a unit it did not wait at,
# hours edited after approval, and a document changed outside ceh
doc() { ls "$CEH_STORE"/people/*/*/*/"${1#*-}".yaml; }
$PY "$FORGE" "$(doc $1)" "$K" ev 3 unit $EMP2 || exit 1
$PY "$FORGE" "$(doc $3)" "$K" hours 2021 100 add event=edited detail=public_hours || exit 1
sed -i 's/^  phone: "15556565656"$/  phone: "15556565657"/' "$(doc $7)"
for n in 0 1 3; do
	CEH_FSCK_THREADS=$n ceh fsck --no-cache --read-only > "$T/fsck.$n" 2> "$T/err.$n"
	echo $? > "$T/rc.$n"
done
ok "one thread: exit 1" test "$(cat "$T/rc.0")" = 1
like "$T/fsck.0" "was signed by $EMP2, but the application was waiting at $EMP1" "the forged decision is found"
like "$T/fsck.0" "changed it while it was approved; only a draft is changed" "the hours edited after approval"
like "$T/fsck.0" "the document does not match its last event" "the document changed outside ceh"
like "$T/err.0" " 4 problem\(s\) found" "four problems (the index disagrees with the changed document)"
same "$T/fsck.0" "$T/fsck.1" "one worker: the same output, in the same order"
same "$T/fsck.0" "$T/fsck.3" "three workers: the same output"
ok "and the same exit codes" test "$(cat "$T/rc.1") $(cat "$T/rc.3")" = "1 1"
same "$T/err.0" "$T/err.3" "and the same summary"
CEH_FSCK_THREADS=0 ceh fsck > "$T/plain.0" 2>/dev/null
CEH_FSCK_THREADS=2 expect_code 1 "fsck with the cache, in threads" ceh fsck
same "$T/plain.0" "$T/out" "the same output as in one thread"
done_testing
