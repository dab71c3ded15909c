#!/bin/sh
# The offline exchange (issue 14, ceh-exchange(7)): three sites in
# separate folders, each holding only its own private keys; applications
# travel up the chain and their decisions back by bundles on a "USB
# stick"; a slip printed at the HR site verifies at the employer's site;
# git itself checks the bundles; receipts and --status; repeated, old
# and out-of-order bundles change nothing.
. "$(dirname "$0")/lib.sh"
plan 68
. "$(dirname "$0")/1400-exchange-lib.sh"
G="$T/gitcheck"
git init -q --bare "$G"

expect_code 0 "site show at the employer" at E site show
like "$T/out" "^name	emp$" "its name"
like "$T/out" "^anchor	$(at H key show --unit $AGENCY | sed -n 's/^fingerprint //p')$" "the agency's key as anchor"
like "$T/out" "^received	hr/$EMP1	[0-9a-f]{12}$" "the HR site's first bundle received"
ok "the employer got the registry" at E unit show $EMP2
ok "and the certified keys: trust.log is the HR site's" cmp "$H/trust.log" "$E/trust.log"
ok "git verifies the first bundle on its own" env GIT_DIR="$G" git bundle verify -q "$U/hr-emp-0.bundle"
ok "it holds one branch" sh -c "GIT_DIR='$G' git bundle list-heads '$U/hr-emp-0.bundle' | grep -qx '[0-9a-f]\{40\} refs/heads/to/$EMP1'"

# up: employer -> supervisor -> HR
A=$(app_at E $ID1) || exit 1
B=$(app_at E $ID2 $EMP2) || exit 1
ok "the employer submits (its own key)" at E submit $A
ok "and forwards to its supervisor" at E review --as $EMP1 --approve $A
expect_code 0 "send --to the supervisor" at E send --to $SUP2 -o "$U/emp-sup-1.bundle"
like "$T/err" "1 application to $SUP2" "one application"
ok "git verifies it" env GIT_DIR="$G" git bundle verify -q "$U/emp-sup-1.bundle"
mkdir "$T/x" && (cd "$T/x" && git init -q && git fetch -q "$U/emp-sup-1.bundle" "refs/heads/to/$SUP2:refs/heads/x" && git ls-tree -r --name-only x) > "$T/tree"
like "$T/tree" "^apps/$A.yaml$" "the bundle's tree holds the application"
unlike "$T/tree" "$B" "not the draft of another employer's staff"
unlike "$T/tree" "\.key$|secret" "no key, no secret"
ok "no private key in any bundle" sh -c "! grep -l 'ceh-ed25519-private' '$U'/*.bundle"
expect_code 0 "the supervisor receives" at S receive "$U/emp-sup-1.bundle"
like "$T/out" "^$A	new	待审核$" "a new application, waiting"
ok "it verifies there" at S verify $A
expect_code 0 "the supervisor forwards" at S review --as $SUP2 --approve $A
expect_code 0 "and its parent too" at S review --as $SUP1 --approve $A
expect_code 0 "send --to the agency" at S send --to $AGENCY -o "$U/sup-hr-1.bundle"
expect_code 0 "the HR site receives" at H receive "$U/sup-hr-1.bundle"
like "$T/out" "^$A	new	待审核$" "waiting at the agency"
expect_code 0 "the agency approves" at H review --as $AGENCY --approve $A
ok "verify at the HR site" at H verify $A

# back down: the decision to the supervisor and the employer
expect_code 0 "send --to the employer" at H send --to $EMP1 -o "$U/hr-emp-1.bundle"
like "$T/err" "since what it acknowledged|full" "a bundle"
expect_code 0 "the employer receives the decision" at E receive "$U/hr-emp-1.bundle"
like "$T/out" "^$A	updated	审核通过$" "approved"
ok "the employer's copy verifies" at E verify $A
ok "the same document at both ends" cmp "$(ls "$H"/people/*/*/approved/*.yaml)" "$(ls "$E"/people/*/*/approved/*.yaml)"
expect_code 0 "send --to the supervisor" at H send --to $SUP2 -o "$U/hr-sup-1.bundle"
like "$T/err" "since what it acknowledged" "incremental: the supervisor acknowledged the first"
ok "git verify of an incremental bundle needs its prerequisite" sh -c "! GIT_DIR='$G' git bundle verify -q '$U/hr-sup-1.bundle' 2>/dev/null"
ok "which the supervisor's site has" env GIT_DIR="$S/site" git bundle verify -q "$U/hr-sup-1.bundle"
expect_code 0 "the supervisor receives" at S receive "$U/hr-sup-1.bundle"
like "$T/out" "^$A	updated	审核通过$" "approved there too"

# a slip printed at the HR site verifies at the employer's
cp "$T/keys-hr/ceh/keys/$AGENCY.key" "$T/agency.key"
expect_code 0 "print-slip at the HR site" at H print-slip --id $ID1 --from 2023 --to 2023 --key "$T/agency.key" --format json -o "$T/slip.json"
expect_code 0 "verify-slip at the employer's site, by its registry" at E verify-slip --file "$T/slip.json"
expect_code 0 "and with the agency's public key alone" at E verify-slip --trust "$T/agency.pub" --file "$T/slip.json"

# receipts
expect_code 0 "send --status at the HR site" at H send --status
like "$T/out" "^$EMP1	in-transit	1	" "the decision to the employer not acknowledged yet"
expect_code 0 "the employer sends back (its receipt)" at E send --to $SUP2 -o "$U/emp-sup-2.bundle"
ok "the supervisor receives" at S receive "$U/emp-sup-2.bundle"
ok "the supervisor sends to the agency" at S send --to $AGENCY -o "$U/sup-hr-2.bundle"
ok "the HR site receives" at H receive "$U/sup-hr-2.bundle"
expect_code 0 "send --status" at H send --status
like "$T/out" "^$SUP2	in-transit	0	acknowledged-before$" "the supervisor acknowledged everything"
expect_code 0 "send --status --format tsv" at H send --status --format tsv
like "$T/out" "^status	site	unit	applications	acknowledged	application	employer	reason$" "a header of the documented keys"
like "$T/out" "^in-transit		$SUP2	0	acknowledged-before			$" "the same row"
expect_code 0 "send --status --format json" at H send --status --format json
cp "$T/out" "$T/status.json"
ok "JSON with the documented keys and types" /usr/bin/python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
keys = {"status", "site", "unit", "unit_name", "applications", "acknowledged", "application", "employer", "employer_name", "reason"}
assert rows, rows
for r in rows:
    assert set(r) == keys, set(r) ^ keys
    assert r["status"] in ("in-transit", "refused")
    if r["status"] == "in-transit":
        assert isinstance(r["applications"], int) and r["acknowledged"] in ("acknowledged-before", "never-acknowledged")
sup = [r for r in rows if r["unit"] == sys.argv[2]][0]
assert sup["applications"] == 0 and sup["acknowledged"] == "acknowledged-before", sup
' "$T/status.json" $SUP2
expect_code 2 "--format without --status" at H send --to $SUP2 -o "$T/x.bundle" --format json
expect_code 2 "--format yaml is not one" at H send --status --format yaml

# repeated, old and out of order
for d in E S H; do eval "d_$d=\$(digest_of \$$d)"; done
expect_code 0 "the same bundle twice" at E receive "$U/hr-emp-1.bundle"
like "$T/err" "already received from hr; nothing new" "says so"
ok "the employer's store unchanged" test "$(digest_of "$E")" = "$d_E"
expect_code 0 "an older bundle" at E receive "$U/hr-emp-0.bundle"
like "$T/err" "nothing new" "nothing new"
ok "unchanged" test "$(digest_of "$E")" = "$d_E"
expect_code 0 "an old bundle of the other direction at the supervisor" at S receive "$U/emp-sup-1.bundle"
ok "unchanged" test "$(digest_of "$S")" = "$d_S"
expect_code 0 "fsck at each site" sh -c "at() { :; }; ceh --store '$H' fsck && ceh --store '$S' fsck && ceh --store '$E' fsck"
ok "no private key in any store" sh -c "! grep -rl 'ceh-ed25519-private' '$H' '$S' '$E'"
ok "modes: store_check_modes finds nothing loose" sh -c "! find '$H' '$S' '$E' -perm /077 | grep -q ."
done_testing
