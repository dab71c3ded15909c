#!/bin/sh
# print-slip --format vc (issue 13): an Open Badges 3.0 / CLR 2.0
# credential as a compact JWS, checked by an independent implementation
# (python3-cryptography): header, did:key issuer, signature, shape.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 9
export XDG_CONFIG_HOME="$T/config"
ceh key generate --unit $AGENCY --key "$T/agency.key" > "$T/agency.pub" || exit 1

expect_code 0 "a credential" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key" --format vc -o "$T/s.jwt"
num=$(cut -f1 "$T/out") code=$(cut -f2 "$T/out")
ok "one line, three base64url parts" grep -qE '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$' "$T/s.jwt"
cat > "$T/check.py" <<'PY'
import base64, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.exceptions import InvalidSignature

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
def b64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
def b58(s):
    n = 0
    for c in s: n = n * 58 + B58.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(s) - len(s.lstrip("1"))) + raw
def did_key(did):
    assert did.startswith("did:key:z"), did
    raw = b58(did[len("did:key:z"):])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34, raw[:2]
    return raw[2:]

what, tok, publine, number = sys.argv[1:5]
tok = open(tok).read().strip()
h64, p64, s64 = tok.split(".")
hdr = json.loads(b64(h64))
pl = json.loads(b64(p64))
if what == "header":
    assert hdr["alg"] == "EdDSA" and hdr["typ"] == "vc+jwt", hdr
    did, frag = hdr["kid"].split("#")
    assert frag == did[len("did:key:"):], hdr["kid"]
    assert pl["issuer"]["id"] == did and pl["iss"] == did
    k = open(publine).read().split()[1]
    assert did_key(did) == b64(k), "did:key is not the agency's key"
elif what == "signature":
    pub = Ed25519PublicKey.from_public_bytes(did_key(hdr["kid"].split("#")[0]))
    pub.verify(b64(s64), (h64 + "." + p64).encode())
    bad = bytearray(b64(s64)); bad[5] ^= 1
    try:
        pub.verify(bytes(bad), (h64 + "." + p64).encode())
        raise SystemExit("a changed signature verified")
    except InvalidSignature:
        pass
    forged = base64.urlsafe_b64encode(json.dumps(dict(pl, name="x")).encode()).rstrip(b"=").decode()
    try:
        pub.verify(b64(s64), (h64 + "." + forged).encode())
        raise SystemExit("a changed payload verified")
    except InvalidSignature:
        pass
elif what == "shape":
    ctx = pl["@context"]
    assert ctx[0] == "https://www.w3.org/ns/credentials/v2", ctx
    assert any("/spec/clr/v2p0/" in c for c in ctx) and any("/spec/ob/v3p0/" in c for c in ctx), ctx
    assert pl["type"] == ["VerifiableCredential", "ClrCredential"], pl["type"]
    assert pl["id"] == "urn:ceh:slip:" + number and pl["jti"] == pl["id"]
    assert pl["validFrom"] == "2025-06-01T02:00:00Z", pl["validFrom"]
    assert "Profile" in pl["issuer"]["type"] and pl["issuer"]["name"]
    cs = pl["credentialSubject"]
    assert "ClrSubject" in cs["type"], cs["type"]
    ident = cs["identifier"][0]
    assert ident["type"] == "IdentityObject" and ident["identityHash"] == "43010219850312123X"
    years = [a["id"].rsplit(":", 1)[1] for a in cs["achievement"]]
    assert years == ["2019", "2020", "2022"], years	# the approved years only
    for a in cs["achievement"]:
        assert a["type"] == ["Achievement"] and a["name"] and a["criteria"]["narrative"]
    creds = cs["verifiableCredential"]
    assert len(creds) == 3
    for c, y, h in zip(creds, years, (90, 90, 100.5)):
        assert c["type"] == ["VerifiableCredential", "AchievementCredential"], c["type"]
        assert c["issuer"]["id"] == pl["issuer"]["id"]
        s = c["credentialSubject"]
        assert "AchievementSubject" in s["type"] and s["achievement"]["id"].endswith(":" + y)
        assert s["creditsEarned"] == h, (y, s["creditsEarned"])
PY
ok "the header: EdDSA, vc+jwt, kid the agency's did:key, issuer the same" /usr/bin/python3 "$T/check.py" header "$T/s.jwt" "$T/agency.pub" "$num"
ok "python3-cryptography verifies the signature (and refuses a changed one)" /usr/bin/python3 "$T/check.py" signature "$T/s.jwt" "$T/agency.pub" "$num"
ok "the payload: @context, type, issuer, validFrom, a ClrSubject with an achievement and a credential per approved year" /usr/bin/python3 "$T/check.py" shape "$T/s.jwt" "$T/agency.pub" "$num"
ok "the credential's slip is recorded: its code verifies" ceh verify-slip "$code"
before=$(store_digest)
expect_code 1 "no credential without the agency's key" ceh print-slip --id $ID1 --from 2019 --to 2023 --format vc
ok "and the store is unchanged" test "$before" = "$(store_digest)"
expect_code 2 "no copy of a credential" ceh print-slip --id $ID1 --from 2019 --to 2023 --format vc --copy
done_testing
