#!/bin/sh
# print-slip takes trust.log's verified prefix from the user's cache, as
# batch review does (trust.h trust_registry_cache, ceh-trust(7)): a desk
# printing slips one by one verifies the registry once.  A trust.log that
# no longer begins with the cached bytes is verified in full, so a
# tampered record still refuses the slip, and the store is unchanged.
. "$(dirname "$0")/lib.sh"
plan 7
PY=/usr/bin/python3
K="$XDG_CONFIG_HOME/ceh/keys"
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
rm -rf "$R"
expect_code 0 "a slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --format json -o "$T/slip1.json"
ok "leaves the registry's verified prefix in the user's cache" test "$(ls "$R" | wc -l)" = 1
F="$R/$(ls "$R")"
ok "saying the whole of trust.log verified" grep -qx "sha256=$(sha256sum < "$CEH_STORE/trust.log" | cut -c1-64)" "$F"
expect_code 0 "a second slip, through the cache" ceh print-slip --id $ID1 --from 2019 --to 2023 --format json -o "$T/slip2.json"
# the last record's signature, one character changed
$PY -c '
import sys
p = sys.argv[1]
t = open(p).read()
i = t.rindex("\nsig=") + 5
t = t[:i] + ("B" if t[i] != "B" else "C") + t[i + 1:]
open(p, "w").write(t)' "$CEH_STORE/trust.log"
before=$(store_digest)
expect_code 5 "print-slip refuses a tampered trust.log despite the cache" ceh print-slip --id $ID1 --from 2019 --to 2023 --format json -o "$T/slip3.json"
like "$T/err" "its approval does not verify" "saying its approval does not verify"
ok "store unchanged" test "$(store_digest)" = "$before"
done_testing
