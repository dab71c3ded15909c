#!/bin/sh
# Trust (ceh-trust(7)): a signed store needs its anchor and keys; every
# decision is signed and chained; tampering with any field or event is
# found by fsck, verify and show; revocation and rotation; an unsigned
# store says so; python3-cryptography checks the documented forms.
. "$(dirname "$0")/lib.sh"
plan 75
PY=/usr/bin/python3
K="$XDG_CONFIG_HOME/ceh/keys"
ceh init --signed >/dev/null
ok "a new store is signed" grep -q '^trust: signed$' "$CEH_STORE/store.yaml"
before=$(store_digest)
expect_code 1 "its first agency needs --public-key" ceh unit add $AGENCY --name 人社厅 --kind agency --region 430000
like "$T/err" "this store is signed: its first agency is its trust anchor and needs --public-key" "says so"
ok "store byte-identical" test "$(store_digest)" = "$before"
mk_units || exit 1
ok "trust.log has the anchor and five certificates" test "$(grep -c '^ceh-certify-v1$' "$CEH_STORE/trust.log")" = 6
ok "no private key in the store" sh -c "! grep -rq 'ceh-ed25519-private' '$CEH_STORE'"
expect_code 0 "unit show" ceh unit show $EMP1
fp=$(ceh key show --unit $EMP1 | sed -n 's/^fingerprint //p')
like "$T/out" "^密钥 +$fp\$" "shows the key's fingerprint"
like "$T/out" "^认证 +$AGENCY since " "and who certified it"
expect_code 0 "unit show of the agency" ceh unit show $AGENCY
like "$T/out" "^认证 +\(trust anchor\)" "the anchor"
expect_code 1 "a second anchor is refused" ceh unit add 12430000MB1234568U --name x --kind agency --public-key "$(ceh key show --unit $AGENCY | head -1)"
expect_code 1 "only an agency certifies" ceh unit certify $EMP2 --as $SUP1 --public-key "$(ceh key show --unit $EMP2 | head -1)"

sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
yr() { ceh add-year "$1" --year "${2:-2023}" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60.5 --pro-form 培训班 >/dev/null; }
A=$(apply_std $ID1) && yr $A
mv "$K" "$T/keys.away"
before=$(store_digest)
expect_code 1 "submit without the employer's key is refused" ceh submit $A
like "$T/err" "this store is signed: $EMP1 must sign with its private key" "says whose key is missing"
ok "store byte-identical" test "$(store_digest)" = "$before"
mv "$T/keys.away" "$K"
expect_code 1 "submit with another unit's key is refused" ceh submit --key "$K/$EMP2.key" $A
like "$T/err" "is not the key registered for $EMP1" "says it is not the registered key"
ok "store byte-identical" test "$(store_digest)" = "$before"
expect_code 0 "submit with the employer's key (key folder)" ceh submit $A
expect_code 0 "the employer forwards" ceh review --as $EMP1 --approve --next agency $A
before=$(store_digest)
CEH_KEY="$K/$SUP1.key" expect_code 1 "review with a key that is not the agency's" ceh review --as $AGENCY --approve $A
like "$T/err" "not the key registered for $AGENCY" "refused, named"
ok "store byte-identical" test "$(store_digest)" = "$before"
cp "$K/$AGENCY.key" "$T/agency.key"
expect_code 0 "the agency approves (--key FILE)" ceh review --as $AGENCY --key "$T/agency.key" --approve $A
expect_code 0 "verify" ceh verify $A
like "$T/out" "	approved	$AGENCY	signed [0-9a-f-]{19}\$" "the approval signed by the agency's key"
like "$T/out" "	submitted	$EMP1	signed $fp\$" "the submission by the employer's"
like "$T/out" "^$A	verified\$" "verified"
doc=$(ls "$CEH_STORE"/people/*/*/approved/*.yaml)
ok "python3-cryptography verifies chain, content and signatures from ceh-trust(7)" $PY "$CEH_ROOT/tests/trust-check.py" "$doc" "$CEH_STORE/trust.log"
like "$T/out" "^ok 3 signatures" "three signatures checked independently"
expect_code 0 "fsck of the signed store" ceh fsck

# tampering: each edit by hand must be reported by fsck, verify and show
cp "$doc" "$T/good"
tamper() { # tamper MSG SED-or-PYTHON...
	_m=$1; shift
	cp "$T/good" "$doc"
	"$@" "$doc"
	expect_code 1 "$_m: fsck reports it" ceh fsck
	grep -q "${doc##*/}" "$T/out" || echo "# fsck output does not name the document"
	expect_code 1 "$_m: verify refuses" ceh verify $A
	ceh show $A > "$T/show" 2>&1
	like "$T/show" "NOT VERIFIED" "$_m: show marks it"
}
tamper "hours edited after approval" sed -i 's/^  professional_hours: 60.5$/  professional_hours: 90/; s/^  total_hours: 90.5$/  total_hours: 120/'
tamper "the name edited" sed -i 's/^  name: 张三$/  name: 李四/'
tamper "an event's reason added" sed -i '0,/^  event: forwarded$/s//  event: forwarded\n  reason: x/'
tamper "the approval's unit changed" sed -i "s/^  unit: \"$AGENCY\"\$/  unit: \"$SUP1\"/"
tamper "an event removed" $PY -c '
import sys, yaml
p = sys.argv[1]; d = yaml.safe_load(open(p))
del d["history"][2]; open(p, "w").write(yaml.safe_dump(d, allow_unicode=True))'
tamper "two events swapped" $PY -c '
import sys, yaml
p = sys.argv[1]; d = yaml.safe_load(open(p)); h = d["history"]
h[1], h[2] = h[2], h[1]; open(p, "w").write(yaml.safe_dump(d, allow_unicode=True))'
tamper "a forged signature" $PY -c '
import sys, yaml
p = sys.argv[1]; d = yaml.safe_load(open(p)); e = d["history"][-1]
e["sig"] = ("B" if e["sig"][0] != "B" else "C") + e["sig"][1:]; open(p, "w").write(yaml.safe_dump(d, allow_unicode=True))'
cp "$T/good" "$doc"
expect_code 0 "restored: verifies again" ceh verify $A

# an approval that does not verify counts no hours: the year is free
sed -i 's/^  professional_hours: 60.5$/  professional_hours: 90/; s/^  total_hours: 90.5$/  total_hours: 120/' "$doc"
B=$(apply_std $ID1) && yr $B
expect_code 0 "a year approved only by a tampered document can be submitted" ceh submit $B
cp "$T/good" "$doc"

# revocation: earlier signatures stay valid, later ones are refused (times
# are whole seconds: the clock is moved on, CEH_NOW)
t0=$(date +%s)
export CEH_NOW=$((t0 + 10))
expect_code 0 "the agency revokes the employer's key" ceh unit revoke $EMP1 --as $AGENCY --reason lost
expect_code 0 "the approval made before still verifies" ceh verify $A
C=$(apply_std $ID2) && yr $C
export CEH_NOW=$((t0 + 11))
before=$(store_digest)
expect_code 1 "a submission with the revoked key is refused" ceh submit $C
ok "store byte-identical" test "$(store_digest)" = "$before"
expect_code 0 "unit show marks it revoked" ceh unit show $EMP1
like "$T/out" "^密钥 +$fp \(revoked\)\$" "revoked"
rm "$K/$EMP1.key"
export CEH_NOW=$((t0 + 20))
expect_code 0 "rotation: a new key certified" certify_unit $EMP1
expect_code 0 "submit with the new key" ceh submit $C
expect_code 0 "the old approval still verifies" ceh verify $A
expect_code 0 "fsck: all chains and signatures hold" ceh fsck
ok "trust.log records: 6 certificates, a revocation, a rotation" test "$(grep -c '^ceh-certify-v1$' "$CEH_STORE/trust.log")/$(grep -c '^ceh-revoke-v1$' "$CEH_STORE/trust.log")" = 7/1
cp "$CEH_STORE/trust.log" "$T/log"
sed -i '0,/^certified_by=/s/^certified_by=.*/certified_by=X/' "$CEH_STORE/trust.log"
expect_code 5 "a damaged trust.log: fsck says so" ceh fsck
like "$T/out" "trust.log: record 0 is damaged" "names the record"
cp "$T/log" "$CEH_STORE/trust.log"

# an unsigned store
unset CEH_NOW
export CEH_STORE="$T/unsigned"
ceh init --unsigned >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
U=$(apply_std $ID1) && yr $U
expect_code 0 "an unsigned store decides without keys" sh -c "XDG_CONFIG_HOME=$T/nokeys ceh submit $U"
expect_code 0 "fsck" ceh fsck
like "$T/err" "this store is unsigned: its decisions are unsigned" "fsck says its decisions are unsigned"
expect_code 0 "show" ceh show $U
like "$T/out" "unsigned store: its decisions are unsigned" "show says so"
expect_code 0 "verify: chained, unsigned" ceh verify $U
like "$T/out" "	submitted	-	unsigned\$" "the submission is unsigned"
done_testing
