#!/bin/sh
# The unit registry travels signed by the agency (issue 14,
# ceh-exchange(7)): the HR site signs units.yaml's canonical form at
# send (units.sig); a receiver believes it only as far as that signature
# goes under its trust anchor, refuses the bundle whole otherwise (the
# store byte for byte as it was), keeps a newer registry against an
# older one, and forwards only the registry the agency signed.
. "$(dirname "$0")/lib.sh"
plan 44
. "$(dirname "$0")/1400-exchange-lib.sh"
forge() { # forge IN OUT UNIT SCRIPT (as in 1402)
	rm -rf "$T/f" && git init -q "$T/f" &&
	(cd "$T/f" && git fetch -q "$1" "refs/heads/to/$3:refs/heads/to/$3" &&
	git checkout -q "to/$3" && sh -c "$4" &&
	git add -A && git -c user.name=x -c user.email=x@x commit -qm forged &&
	git bundle create -q "$2" "refs/heads/to/$3")
}
tree_of() { # tree_of BUNDLE UNIT: its file names
	rm -rf "$T/g" && git init -q "$T/g" &&
	(cd "$T/g" && git fetch -q "$1" "refs/heads/to/$2:refs/heads/x" && git ls-tree -r --name-only x)
}

ok "the first bundle carried the registry with its signature" sh -c "tree_of() { :; }; test -s '$E/site/ceh/units.sig'"
like "$E/site/ceh/units.sig" "^ceh-units-v1$" "its form"
like "$E/site/ceh/units.sig" "^unit=$AGENCY$" "signed by the agency"
ok "the same signature at both sites" cmp "$H/site/ceh/units.sig" "$E/site/ceh/units.sig"
# the signature checked by an independent tool: ed25519 of
# "ceh-signature-v1\nceh-units\n" + the text before sig=, under the
# agency's key; units= is the sha256 of units.yaml
ok "python's cryptography verifies it, and units= is units.yaml's sha256" /usr/bin/python3 - "$E/site/ceh/units.sig" "$E/units.yaml" "$T/agency.pub" <<'PY'
import sys, base64, hashlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
sig = open(sys.argv[1], 'rb').read()
head, _, rest = sig.partition(b'\nsig=')
b = rest.strip()
raw = base64.urlsafe_b64decode(b + b'=' * (-len(b) % 4))
fields = dict(l.split(b'=', 1) for l in head.split(b'\n')[1:])
assert fields[b'units'].decode() == hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest()
k = open(sys.argv[3]).read().split()[1]
pub = base64.urlsafe_b64decode(k + '=' * (-len(k) % 4))
Ed25519PublicKey.from_public_bytes(pub[-32:]).verify(raw, b'ceh-signature-v1\nceh-units\n' + head + b'\n')
PY

at H send --full --to $EMP1 -o "$U/full.bundle" 2>/dev/null || exit 1
# an edited registry: EMP2 moved under SUP2
forge "$U/full.bundle" "$U/moved.bundle" $EMP1 "/usr/bin/python3 -c \"
import re; p='units.yaml'; s=open(p).read()
i=s.index('$EMP2'); j=s.index('parent:', i)
open(p,'w').write(s[:j] + 'parent: \\\"$SUP2\\\"' + s[s.index(chr(10), j):])\"" || exit 1
before=$(digest_of "$E")
expect_code 1 "an edited registry is refused" at E receive "$U/moved.bundle"
like "$T/err" "registry of units is refused: it is not the registry the agency signed" "says so"
ok "the whole store unchanged" test "$(digest_of "$E")" = "$before"
ok "EMP2 still under SUP1" sh -c "XDG_CONFIG_HOME='$T/keys-emp' ceh --store '$E' unit show $EMP2 | grep -q '$SUP1'"
# the signature's hash made to match: the signature no longer verifies
forge "$U/moved.bundle" "$U/resigned.bundle" $EMP1 'sed -i "s/^units=.*/units=$(sha256sum < units.yaml | cut -c1-64)/" units.sig' || exit 1
expect_code 1 "a registry whose signature does not verify is refused" at E receive "$U/resigned.bundle"
like "$T/err" "signature does not verify under this site's trust anchor" "says so"
ok "unchanged" test "$(digest_of "$E")" = "$before"
forge "$U/moved.bundle" "$U/nosig.bundle" $EMP1 'git rm -q units.sig' || exit 1
expect_code 1 "a registry without its signature is refused" at E receive "$U/nosig.bundle"
like "$T/err" "not signed by the agency \(no units.sig\)" "says so"
ok "unchanged" test "$(digest_of "$E")" = "$before"
forge "$U/full.bundle" "$U/other.bundle" $EMP1 "sed -i 's/^unit=.*/unit=$EMP1/' units.sig" || exit 1
expect_code 1 "a registry signed by another unit is refused" at E receive "$U/other.bundle"
like "$T/err" "signed by $EMP1, not by the agency" "names the signer"
ok "unchanged" test "$(digest_of "$E")" = "$before"
forge "$U/full.bundle" "$U/damaged.bundle" $EMP1 'echo garbage > units.sig' || exit 1
expect_code 1 "a damaged signature is refused" at E receive "$U/damaged.bundle"
ok "unchanged" test "$(digest_of "$E")" = "$before"

# a new registry at the HR site is signed at send, with the agency's key
at H unit add $EMP3 --name 湖南某民营建筑公司 --kind employer --parent $SUP2 --region 430100 >/dev/null || exit 1
expect_code 1 "send without the agency's key cannot sign the new registry" env XDG_CONFIG_HOME=$T/nokeys ceh --store "$H" send --to $EMP1 -o "$U/n.bundle"
like "$T/err" "the unit registry travels signed by the agency $AGENCY" "says why"
ok "no file written" test ! -e "$U/n.bundle"
expect_code 0 "with --key it signs" env XDG_CONFIG_HOME=$T/nokeys ceh --store "$H" send --to $EMP1 --key "$T/keys-hr/ceh/keys/$AGENCY.key" -o "$U/h1.bundle"
expect_code 0 "the employer takes the new registry" at E receive "$U/h1.bundle"
like "$T/out" "^units.yaml	taken	1 unit\(s\) more, signed by the agency$" "one unit more"
# an older signed registry replayed on top of the newest bundle
tree_of "$U/full.bundle" $EMP1 >/dev/null && (cd "$T/g" && git show x:units.yaml > "$T/old-units.yaml" && git show x:units.sig > "$T/old-units.sig") || exit 1
at H send --full --to $EMP1 -o "$U/full2.bundle" 2>/dev/null
forge "$U/full2.bundle" "$U/replay.bundle" $EMP1 "cp '$T/old-units.yaml' units.yaml && cp '$T/old-units.sig' units.sig" || exit 1
expect_code 0 "an older signed registry" at E receive "$U/replay.bundle"
like "$T/out" "^units.yaml	kept	.*older than ours" "is kept out"
ok "the newer one stays" at E unit show $EMP3
# forwarded as signed; a registry changed locally is not forwarded
expect_code 0 "the employer sends to its supervisor" at E send --to $SUP2 -o "$U/e1.bundle"
ok "with the agency's signature as it came" sh -c "tree_of() { :; }; rm -rf '$T/g' && git init -q '$T/g' && cd '$T/g' && git fetch -q '$U/e1.bundle' 'refs/heads/to/$SUP2:refs/heads/x' && git show x:units.sig | cmp - '$H/site/ceh/units.sig'"
ok "the supervisor takes it" at S receive "$U/e1.bundle"
# a unit added at the employer's own site is not the agency's registry
ok "a unit added at the employer's site" at E unit add 91430100MA4L77777W --name 本地单位 --kind employer --parent $SUP2 --region 430100
expect_code 0 "after a local change the employer sends" at E send --full --to $SUP2 -o "$U/e2.bundle"
tree_of "$U/e2.bundle" $SUP2 > "$T/tree"
unlike "$T/tree" "^units\.(yaml|sig)$" "without a registry (it is not the one the agency signed)"

# a rotation of the trust anchor: the agency's new key certified by its
# old one at the HR site; the other sites follow it by the next bundle
XDG_CONFIG_HOME=$T/keys-new ceh key generate --unit $AGENCY >/dev/null || exit 1
new=$(XDG_CONFIG_HOME=$T/keys-new ceh key show --unit $AGENCY | head -1)
expect_code 0 "the HR site rotates the anchor" at H unit certify $AGENCY --as $AGENCY --public-key "$new"
cp "$T/keys-new/ceh/keys/$AGENCY.key" "$T/keys-hr/ceh/keys/$AGENCY.key"
newfp=$(XDG_CONFIG_HOME=$T/keys-new ceh key show --unit $AGENCY | sed -n 's/^fingerprint //p')
at H site show > "$T/hr-show"
like "$T/hr-show" "^anchor	$newfp$" "its anchor is the new key"
ok "and adds a unit" at H unit add 91430100MA4L88888M --name 新单位 --kind employer --parent $SUP2 --region 430100
expect_code 0 "the HR site sends with the new key" at H send --to $EMP1 -o "$U/rot.bundle"
expect_code 0 "the employer, still on the old anchor, takes it: the same root" at E receive "$U/rot.bundle"
like "$T/out" "^trust.log	taken" "the rotation arrives in the registry of keys"
like "$T/out" "^units.yaml	taken" "and the registry signed with the new key"
at E site show > "$T/e-show"
like "$T/e-show" "^anchor	$newfp$" "the employer's anchor is the new key now"
mkdir -p "$T/e3"
XDG_CONFIG_HOME=$T/keys-emp ceh --store "$T/e3/s" init --site emp3 --trust "$T/agency.pub" >/dev/null || exit 1
at H send --to $EMP2 -o "$U/rot2.bundle" 2>/dev/null || exit 1
expect_code 0 "a site made with the old --trust key takes a first bundle sent after the rotation" env XDG_CONFIG_HOME=$T/keys-emp ceh --store "$T/e3/s" receive "$U/rot2.bundle"
done_testing
