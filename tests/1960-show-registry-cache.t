#!/bin/sh
# show and list take trust.log's verified prefix from the user's cache,
# as print-slip and the reports do (trust.h trust_registry_cache,
# ceh-trust(7)): the registry's signatures are verified once by a user,
# not at every show (verify, the check a user asks for, like fsck, never
# reads the cache).  Their verdicts are the same; the application's own
# chain and signatures are still verified every time; a trust.log that
# no longer begins with the cached bytes is verified in full, so a
# tampered record (the last one, or one inside the cached prefix) is
# still detected, as it is when the cache file is writable by others,
# and nothing is written to the store.
. "$(dirname "$0")/lib.sh"
plan 27
PY=/usr/bin/python3
R="$XDG_CACHE_HOME/ceh/registry"
ceh init --signed >/dev/null
mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
a=$(apply_std $ID1) &&
ceh add-year $a --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null &&
ceh submit $a >/dev/null || exit 1
for u in $EMP1 $SUP2 $SUP1 $AGENCY; do
	ceh review --as $u --approve $a >/dev/null || exit 1
done
sum() { sha256sum < "$CEH_STORE/trust.log" | cut -c1-64; }

rm -rf "$R"
expect_code 0 "show" ceh show $a
like "$T/out" "^签名 +verified: every decision signed" "says every decision signed"
ok "show leaves the registry's verified prefix in the user's cache" test "$(ls "$R" 2>/dev/null | wc -l)" = 1
F="$R/$(ls "$R")"
ok "saying the whole of trust.log verified" grep -qx "sha256=$(sum)" "$F"
expect_code 0 "show again, through the cache" ceh show $a
like "$T/out" "^签名 +verified: every decision signed" "the same verdict"
expect_code 0 "show --format json through the cache" ceh show $a --format json
like "$T/out" '"verified": true' "JSON: verified"
expect_code 0 "verify" ceh verify $a
like "$T/out" "	verified$" "verify: verified"
rm -rf "$R"
expect_code 0 "verify alone" ceh verify $a
ok "verify never uses the cache (it verifies trust.log in full)" test ! -e "$R"
rm -rf "$R"
expect_code 0 "list --unit" ceh list --unit $EMP1 --format tsv
like "$T/out" "$a" "lists the application"
ok "list fills the cache too" test -f "$F"

# a signature in trust.log changed after a cached run (the last record's,
# or the first certificate's, inside the cached prefix): the log does not
# begin with the cached bytes, so it is verified in full
cp "$CEH_STORE/trust.log" "$T/trust.log.good"
tamper() { # tamper last|first: change a character of that signature
	$PY -c '
import sys
p, which = sys.argv[1], sys.argv[2]
t = open(p).read()
i = (t.rindex("\nsig=") if which == "last" else t.index("\nsig=")) + 5
t = t[:i] + ("B" if t[i] != "B" else "C") + t[i + 1:]
open(p, "w").write(t)' "$CEH_STORE/trust.log" "$1"
}
for which in last first; do
	cp "$T/trust.log.good" "$CEH_STORE/trust.log"
	ceh show $a >/dev/null 2>&1	# the cache knows the good log
	tamper $which
	before=$(store_digest)
	expect_code 0 "$which record tampered: show still shows the application" ceh show $a
	like "$T/out" "^签名 +NOT VERIFIED" "$which record tampered: marked NOT VERIFIED despite the cache"
	like "$T/err" "^ceh show: NOT VERIFIED: .*no valid key" "$which record tampered: saying why on stderr"
	expect_code 1 "$which record tampered: verify refuses" ceh verify $a
	ok "$which record tampered: store unchanged" test "$(store_digest)" = "$before"
done
# a cache vouching for the tampered log, writable by others: ignored
printf 'ceh-trust-verified-v1\nlength=%s\nsha256=%s\n' "$(wc -c < "$CEH_STORE/trust.log")" "$(sum)" > "$F"
chmod 664 "$F"
expect_code 0 "a cache writable by others: show" ceh show $a --format json
like "$T/out" '"verified": false' "is ignored: JSON verified false"
done_testing
