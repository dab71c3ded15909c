#!/bin/sh
# Signed slips (issue 13): print-slip --key signs with the agency's key,
# verify-slip --trust checks the JSON and the payload with the public key
# alone; every figure altered is caught, another key is an unknown key;
# --copy; the refusals.  (The registry's path, trust_anchor and
# trust_unit_key, is tested where lib/trust.c lands.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 68
export XDG_CONFIG_HOME="$T/config"	# an empty key folder

ceh key generate --unit $AGENCY --key "$T/agency.key" > "$T/agency.pub" || exit 1
ceh key generate --unit $AGENCY --key "$T/other.key" > "$T/other.pub" || exit 1
ceh key show --key "$T/agency.key" --format did > "$T/agency.did" 2>/dev/null ||
    python3 -c 'print(open("'"$T/agency.pub"'").read().split()[1])' >/dev/null

# ---- issuing ----
expect_code 0 "a signed slip as JSON" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key" --format json -o "$T/s.json"
num=$(cut -f1 "$T/out")
ok "it names the signer" grep -q "\"signer\": \"$AGENCY\"" "$T/s.json"
ok "and the key hash of its public key" /usr/bin/python3 -c '
import base64, hashlib, json, sys
pub = open(sys.argv[1]).read().split()[1]
raw = base64.urlsafe_b64decode(pub + "=" * (-len(pub) % 4))
d = json.load(open(sys.argv[2]))
assert d["signer_key"] == hashlib.sha256(raw).hexdigest(), d["signer_key"]
assert len(d["signature"]) == 86' "$T/agency.pub" "$T/s.json"
expect_code 0 "the text slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key"
like "$T/out" "^签发：$AGENCY（密钥指纹 [0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}）$" "shows the signer and fingerprint"
like "$T/out" "^核验码：CEHSLIP1 [0-9]{8}-[0-9A-Z]{10} $ID1 2019-2023 561 2/5 " "shows the payload"
like "$T/out" "^注意：本库的审核决定未经数字签名" "and that the store's decisions are unsigned"
sed -n 's/^核验码：//p' "$T/out" > "$T/payload"
ok "the payload is one line of 11 fields" test "$(wc -w < "$T/payload")" = 11
ok "of at most 300 bytes" test "$(wc -c < "$T/payload")" -le 300

# ---- the signed text of ceh-trust(7), rebuilt by another implementation ----
ok "python3-cryptography verifies the payload's signature over the documented text" /usr/bin/python3 -c '
import base64, hashlib, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
def b64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
pub = b64(open(sys.argv[1]).read().split()[1])
f = open(sys.argv[2]).read().split()
assert f[0] == "CEHSLIP1" and len(f) == 11
kh = hashlib.sha256(pub).digest()
assert b64(f[8]) == kh[:9]
fr, to = f[3].split("-")
met, years = f[5].split("/")
text = ("ceh-slip-sig-v1\nnumber=%s\nperson.id_number=%s\nfrom=%s\nto=%s\n"
    "totals.total_half=%s\ntotals.years_met=%s\nyears=%s\ndigest=%s\n"
    "signer=%s\nsigner_key=%s\nissued=%s\n") % (f[1], f[2], fr, to, f[4],
    met, years, b64(f[9]).hex(), f[7], kh.hex(), f[6])
msg = b"ceh-signature-v1\nceh-slip\n" + text.encode()
Ed25519PublicKey.from_public_bytes(pub).verify(b64(f[10]), msg)' "$T/agency.pub" "$T/payload"

# ---- verifying with the public key alone ----
before=$(store_digest)
expect_code 0 "the JSON with --trust" ceh verify-slip --trust "$T/agency.pub" --file "$T/s.json"
like "$T/out" "^valid: slip $num was issued by $AGENCY on 2025-06-01, signed with key " "says valid"
like "$T/out" "^slip $num for 张三 \($ID1\), 2019-2023: 2 of 5 years met, 280.5 hours in all$" "and what it certifies"
expect_code 0 "the payload with --trust" ceh verify-slip --trust "$T/agency.pub" "$(cat "$T/payload")"
like "$T/out" "^slip [0-9A-Z-]+ for $ID1, 2019-2023: 2 of 5 years met, 280.5 hours in all$" "what the payload certifies"
expect_code 0 "the payload with white space around it" ceh verify-slip --trust "$T/agency.pub" "  $(cat "$T/payload")
"
expect_code 0 "with no store at all" env CEH_STORE="$T/nowhere" ceh verify-slip --trust "$T/agency.pub" --file "$T/s.json"
ok "verifying changed nothing" test "$before" = "$(store_digest)"
ok "the HMAC code of a signed slip still verifies in its store" ceh verify-slip --file "$T/s.json"

# ---- every figure of the JSON ----
alter() { # alter PYTHON-STATEMENT -> $T/alt.json
	rm -f "$T/alt.json"
	/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
'"$1"'
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False, indent=2)' "$T/s.json" "$T/alt.json"
}
n_alt=0 n_f=0
for f in $(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k, v in d.items():
    if k in ("signer_key", "signature", "code", "format", "signed_store"):
        continue
    if isinstance(v, dict):
        for kk in v:
            if kk != "years":
                print(k + "." + kk)
    elif isinstance(v, list):
        for i, y in enumerate(v):
            for kk in y:
                print("%s.%d.%s" % (k, i, kk))
    else:
        print(k)' "$T/s.json"); do
	alter '
p = "'"$f"'".split(".")
o = d
for k in p[:-1]:
    o = o[int(k)] if k.isdigit() else o[k]
v = o[p[-1]]
if isinstance(v, bool): o[p[-1]] = not v
elif isinstance(v, int): o[p[-1]] = v + 1
elif isinstance(v, float): o[p[-1]] = v + 0.5
elif p[-1] == "id_number": o[p[-1]] = "430102198503121248"
elif p[-1] == "scheme": o[p[-1]] = "national" if v == "hunan" else "hunan"
elif p[-1] == "professional_share": o[p[-1]] = "1/2"
elif p[-1] == "number": o[p[-1]] = v[:-1] + ("0" if v[-1] != "0" else "1")
elif p[-1] == "signer": o[p[-1]] = "91430000MA4L00002B"
else: o[p[-1]] = v + "x"'
	n_f=$((n_f + 1))
	ceh verify-slip --trust "$T/agency.pub" --file "$T/alt.json" > "$T/out" 2>&1
	rc=$?
	if [ $rc = 1 ] && grep -q "^altered: " "$T/out"; then :; else
		echo "# $f: exit $rc"; sed 's/^/#   /' "$T/out" | head -3; n_alt=$((n_alt + 1)); fi
done
ok "each of the slip's $n_f figures changed in the JSON: altered (exit 1)" test $n_alt = 0 -a $n_f -gt 80
alter 'd["signature"] = d["signature"][:-2] + ("AA" if d["signature"][-2:] != "AA" else "AQ")'
expect_code 1 "a changed signature" ceh verify-slip --trust "$T/agency.pub" --file "$T/alt.json"
like "$T/out" "^altered: " "altered"
alter 'd["signature"] = "not a signature"'
expect_code 1 "a damaged signature" ceh verify-slip --trust "$T/agency.pub" --file "$T/alt.json"
like "$T/out" "^altered: the signature of slip .* is damaged" "altered, damaged"
alter 'del d["signature"]; del d["signer"]; del d["signer_key"]'
expect_code 1 "an unsigned slip with --trust" ceh verify-slip --trust "$T/agency.pub" --file "$T/alt.json"
like "$T/err" "carries no signature" "says it carries no signature"

# ---- every field of the payload ----
n_alt=0
for i in 2 3 4 5 6 7 8 9 10 11; do
	/usr/bin/python3 -c '
import sys
f = open(sys.argv[1]).read().split()
i = int(sys.argv[2]) - 1
v = f[i]
if i == 1: v = v[:-1] + ("0" if v[-1] != "0" else "1")
elif i == 2: v = "430102198503121248"
elif i == 3: v = "2019-2024" if v == "2018-2022" else "2018-2022"
elif i == 4: v = str(int(v) + 1)
elif i == 5: v = "3/5" if v != "3/5" else "4/5"
elif i == 6: v = v.replace(":00Z", ":01Z") if v.endswith(":00Z") else v[:-3] + "00Z"
elif i == 7: v = "91430000MA4L00002B"
else: v = ("B" if v[0] != "B" else "C") + v[1:]
f[i] = v
print(" ".join(f))' "$T/payload" $i > "$T/alt.payload"
	ceh verify-slip --trust "$T/agency.pub" "$(cat "$T/alt.payload")" > "$T/out" 2>&1
	rc=$?
	case $i in
	9) want="^unknown key: "; wrc=3 ;;	# the key id
	*) want="^altered: "; wrc=1 ;;
	esac
	if [ $rc = $wrc ] && grep -q "$want" "$T/out"; then :; else
		echo "# field $i: exit $rc"; sed 's/^/#   /' "$T/out" | head -3; n_alt=$((n_alt + 1)); fi
done
ok "each field of the payload changed: altered (the key id: unknown key)" test $n_alt = 0
expect_code 1 "a payload with a field missing" ceh verify-slip --trust "$T/agency.pub" "$(cut -d' ' -f1-10 "$T/payload")"
like "$T/err" "not a slip payload: its fields" "says so"
expect_code 1 "a payload with a bad ID number" ceh verify-slip --trust "$T/agency.pub" "$(sed 's/ '$ID1' / 43010219850312123Y /' "$T/payload")"
like "$T/err" "not a slip payload: the ID number is not well formed" "names the field"
expect_code 1 "a payload with two spaces" ceh verify-slip --trust "$T/agency.pub" "$(sed 's/ /  /2' "$T/payload")"

# ---- another key ----
expect_code 3 "the JSON against another key" ceh verify-slip --trust "$T/other.pub" --file "$T/s.json"
like "$T/out" "^unknown key: slip $num is signed with a key other than the trusted key " "unknown key"
expect_code 3 "the payload against another key" ceh verify-slip --trust "$T/other.pub" "$(cat "$T/payload")"
like "$T/out" "^unknown key: " "unknown key"
ok "a slip signed with the other key verifies with it" sh -c "ceh print-slip --id $ID1 --from 2019 --to 2023 --key '$T/other.key' --format json -o '$T/o.json' && ceh verify-slip --trust '$T/other.pub' --file '$T/o.json'"
expect_code 3 "but not with the agency's" ceh verify-slip --trust "$T/agency.pub" --file "$T/o.json"
/usr/bin/python3 -c 'print(open("'"$T/agency.key"'").read())' > /dev/null
expect_code 1 "a private key file given as --trust is refused" ceh verify-slip --trust "$T/agency.key" --file "$T/s.json"
unlike "$T/err" "$(sed -n 's/^ceh-ed25519-private //p' "$T/agency.key" | cut -c1-20)" "and never echoed"
expect_code 3 "a missing trust file" ceh verify-slip --trust "$T/none.pub" --file "$T/s.json"

# ---- without --trust: the store's registry (none here) ----
expect_code 3 "a payload in a store without a trust anchor" ceh verify-slip "$(cat "$T/payload")"
like "$T/err" "no trust anchor .* give --trust FILE" "says to give --trust"
expect_code 2 "a code with --trust" ceh verify-slip --trust "$T/agency.pub" DHKF-W2B7-00CW-H8JM-H18W
like "$T/err" "checked only in the store that issued it" "says why"

# ---- copies ----
before=$(store_digest)
expect_code 0 "an unsigned copy as text" ceh print-slip --id $ID1 --from 2019 --to 2023 --copy
like "$T/out" "^ +副本$" "marked 副本 at the top"
like "$T/out" "^副本：未经人社部门签发" "says what a copy is"
unlike "$T/out" "验证码|核验码" "no code, no payload"
ok "a copy is not recorded: the store is unchanged" test "$before" = "$(store_digest)"
expect_code 0 "an unsigned copy as HTML" ceh print-slip --id $ID1 --from 2019 --to 2023 --copy --format html -o "$T/c.html"
like "$T/c.html" 'class="copymark">副本<' "marked 副本 on the page (position: fixed: every printed page)"
unlike "$T/c.html" "<svg" "without a QR code"
expect_code 2 "--copy --format json" ceh print-slip --id $ID1 --from 2019 --to 2023 --copy --format json
expect_code 2 "--copy with --key" ceh print-slip --id $ID1 --from 2019 --to 2023 --copy --key "$T/agency.key"
ok "the refused copies changed nothing" test "$before" = "$(store_digest)"

# ---- refusals ----
before=$(store_digest)
expect_code 1 "a credential without the agency's key" ceh print-slip --id $ID1 --from 2019 --to 2023 --format vc -o "$T/refused.jwt"
like "$T/err" "private key of agency '$AGENCY' is not here \(looked for $T/config/ceh/keys/$AGENCY.key\)" "says where it looked"
ok "nothing written" test ! -e "$T/refused.jwt"
ok "store unchanged" test "$before" = "$(store_digest)"
chmod 644 "$T/agency.key"
expect_code 1 "a key file readable by others" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key" -o "$T/refused.txt"
chmod 600 "$T/agency.key"
expect_code 3 "a missing --key file" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/none.key" -o "$T/refused.txt"
ok "nothing written, store unchanged" test ! -e "$T/refused.txt" -a "$before" = "$(store_digest)"
mkdir -p "$T/config/ceh/keys" && chmod 700 "$T/config/ceh/keys" "$T/config/ceh" "$T/config"
cp -p "$T/agency.key" "$T/config/ceh/keys/$AGENCY.key"
expect_code 0 "the key folder's file for the agency signs" ceh print-slip --id $ID1 --from 2019 --to 2023 --format json -o "$T/kd.json"
expect_code 0 "and verifies" ceh verify-slip --trust "$T/agency.pub" --file "$T/kd.json"
rm "$T/config/ceh/keys/$AGENCY.key"
# (another range: the same figures again would be the signed slip already issued)
expect_code 0 "an unsigned store without the key: an HMAC slip, as before" ceh print-slip --id $ID1 --from 2019 --to 2022 --format json -o "$T/plain.json"
ok "without a signature" sh -c "! grep -q signature '$T/plain.json'"
expect_code 0 "which verifies in its store" ceh verify-slip --file "$T/plain.json"
done_testing
