#!/bin/sh
# ceh key generate|show: the key pair, its files and their refusals, and
# the signatures checked by an independent Ed25519 (python3-cryptography);
# a JWS and a QR code made by lib/ (through the unit test binary's helper
# modes, so no user command signs arbitrary bytes) checked by python and
# by zbarimg.  No secret ever appears in an output.
. "$(dirname "$0")/lib.sh"
plan 52
PY=/usr/bin/python3
H="$CEH_BUILD/unit/key"
A=$AGENCY E=$EMP1
export XDG_CONFIG_HOME="$T/config" HOME="$T/home"
K="$T/config/ceh/keys"
: > "$T/all"
# run N MSG CMD...: expect_code, and keep every output for the secret check
run() { expect_code "$@"; cat "$T/out" "$T/err" >> "$T/all"; }

run 0 "key generate --unit writes into the key folder" ceh key generate --unit $A
cp "$T/out" "$T/gen"
like "$T/out" "^ceh-ed25519 [A-Za-z0-9_-]{43} $A\$" "the first line is the public key line"
like "$T/out" "^fingerprint [0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}\$" "the second its fingerprint"
ok "nothing on stderr" test ! -s "$T/err"
ok "two lines" test "$(wc -l < "$T/gen")" = 2
ok "the key file is $K/$A.key, mode 0600" test "$(stat -c %a "$K/$A.key")" = 600
ok "the key folder is 0700" test "$(stat -c %a "$K")" = 700
ok "no store was needed or made" test ! -e "$CEH_STORE"
pub=$(sed -n 1p "$T/gen" | cut -d' ' -f2)
seed=$(sed -n 's/^ceh-ed25519-private //p' "$K/$A.key")
ok "the file holds the seed and the same public line" grep -qxF "$(sed -n 1p "$T/gen")" "$K/$A.key"
check "python derives the same public key from the seed (RFC 8032)" $PY -c '
import base64, sys
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives import serialization as s
d = lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
k = ed25519.Ed25519PrivateKey.from_private_bytes(d(sys.argv[1]))
sys.exit(k.public_key().public_bytes(s.Encoding.Raw, s.PublicFormat.Raw) != d(sys.argv[2]))
' "$seed" "$pub"
check "the fingerprint is SHA-256 of the public key bytes" $PY -c '
import base64, hashlib, sys
h = hashlib.sha256(base64.urlsafe_b64decode(sys.argv[1] + "=")).hexdigest()
sys.exit(sys.argv[2] != "-".join(h[i:i + 4] for i in (0, 4, 8, 12)))
' "$pub" "$(sed -n 's/^fingerprint //p' "$T/gen")"

run 0 "key show --unit prints the same two lines" ceh key show --unit $A
same "$T/out" "$T/gen" "identical to what generate printed"
sum=$(sha256sum < "$K/$A.key")
run 4 "a second generate refuses (exit 4)" ceh key generate --unit $A
like "$T/err" "exists already; refusing to overwrite" "and says why"
ok "the key file is unchanged" test "$(sha256sum < "$K/$A.key")" = "$sum"

# --key FILE and $CEH_KEY
run 0 "generate --key FILE" ceh key generate --unit $E --key "$T/emp.key"
cp "$T/out" "$T/emp"
ok "FILE is 0600" test "$(stat -c %a "$T/emp.key")" = 600
ok "nothing was written to the key folder" test ! -e "$K/$E.key"
CEH_KEY="$T/emp.key" run 0 "show finds \$CEH_KEY" ceh key show
same "$T/out" "$T/emp" "its public key"
CEH_KEY="$T/emp.key" run 0 "--key comes before \$CEH_KEY" ceh key show --key "$K/$A.key"
same "$T/out" "$T/gen" "the --key file's public key"
run 1 "show --unit refuses a file made for another unit" ceh key show --unit $A --key "$T/emp.key"
like "$T/err" "is the key of unit '$E', not of '$A'" "and names both"
run 3 "a --key folder that does not exist (exit 3)" ceh key generate --unit $E --key "$T/none/x.key"
run 3 "show of a unit without a key (exit 3)" ceh key show --unit $SUP1
like "$T/err" "make one with 'ceh key generate --unit $SUP1'" "says how to make one"
env -u XDG_CONFIG_HOME sh -c 'ceh key generate --unit "$1" > /dev/null' - $SUP2
ok "without XDG_CONFIG_HOME the folder is ~/.config/ceh/keys" test -f "$HOME/.config/ceh/keys/$SUP2.key"

# refusals of a key file
cp "$T/emp.key" "$T/k"
chmod 640 "$T/k"
run 1 "a key file readable by the group is refused" ceh key show --key "$T/k"
like "$T/err" "open to other users \(mode 0640\)" "the message gives the mode"
chmod 604 "$T/k"
run 1 "readable by others: refused" ceh key show --key "$T/k"
chmod 600 "$T/k"
ln -s "$T/k" "$T/link.key"
run 1 "a symbolic link is refused" ceh key show --key "$T/link.key"
like "$T/err" "symbolic link" "and says so"
if [ "$(id -u)" = 0 ]; then
	cp "$T/emp.key" "$T/other.key"; chown 65534 "$T/other.key"
	run 1 "a key file owned by another user is refused" ceh key show --key "$T/other.key"
	like "$T/err" "belongs to another user" "and says so"
else
	_report 0 "# SKIP chown needs root"; _report 0 "# SKIP chown needs root"
fi
sed 's/^ceh-ed25519-private \(.\)/ceh-ed25519-private A\1/' "$T/emp.key" > "$T/bad.key"; chmod 600 "$T/bad.key"
run 1 "a damaged key file is refused" ceh key show --key "$T/bad.key"
mkfifo "$T/fifo.key"; chmod 600 "$T/fifo.key"
run 1 "a FIFO is refused without hanging" ceh key show --key "$T/fifo.key"
run 1 "a bad unit code" ceh key generate --unit 91430000MA4L00001X
run 2 "generate needs --unit" ceh key generate --key "$T/x.key"
run 2 "an unknown subcommand" ceh key sign
ceh key --help > "$T/help"
ok "--help is the usage, exit 0" grep -q '^usage: ceh key generate --unit CODE \[--key FILE\]$' "$T/help"

# signatures by lib/ checked by python: a namespaced one and a JWS
printf 'decision\n\000bytes' > "$T/msg"
"$H" sign "$T/emp.key" ceh-event < "$T/msg" > "$T/sig"
epub=$(sed -n 1p "$T/emp" | cut -d' ' -f2)
cat > "$T/v.py" <<'PY'
import base64, sys
from cryptography.hazmat.primitives.asymmetric import ed25519
d = lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
pub = ed25519.Ed25519PublicKey.from_public_bytes(d(sys.argv[1]))
msg = b"ceh-signature-v1\n" + sys.argv[2].encode() + b"\n" + open(sys.argv[3], "rb").read()
pub.verify(d(open(sys.argv[4]).read().strip()), msg)
PY
check "python verifies ceh's signature of 'ceh-signature-v1' LF ns LF body" $PY "$T/v.py" "$epub" ceh-event "$T/msg" "$T/sig"
expect_code 1 "python refuses it for another namespace" $PY "$T/v.py" "$epub" ceh-slip "$T/msg" "$T/sig"
printf 'decision\n\000bytez' > "$T/msg2"
expect_code 1 "and for a changed body" $PY "$T/v.py" "$epub" ceh-event "$T/msg2" "$T/sig"
printf '{"iss": "x", "sub": "张三"}' | "$H" jws "$T/emp.key" vc+jwt > "$T/jws"
cat "$T/jws" >> "$T/all"
cat > "$T/j.py" <<'PY'
import base64, json, sys
from cryptography.hazmat.primitives.asymmetric import ed25519
d = lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
raw = d(sys.argv[1])
b58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
n, s = int.from_bytes(b"\xed\x01" + raw, "big"), ""
while n: n, r = divmod(n, 58); s = b58[r] + s
did = "did:key:z" + s
h, p, sig = open(sys.argv[2]).read().strip().split(".")
hdr = json.loads(d(h))
assert hdr == {"alg": "EdDSA", "typ": "vc+jwt", "kid": did + "#z" + s}, hdr
ed25519.Ed25519PublicKey.from_public_bytes(raw).verify(d(sig), (h + "." + p).encode())
assert json.loads(d(p)) == {"iss": "x", "sub": "张三"}
PY
check "python verifies the JWS: header EdDSA, kid the did:key, signature, payload" $PY "$T/j.py" "$epub" "$T/jws"
sed 's/\.\(.\)/.X\1/' "$T/jws" > "$T/jws2"
expect_code 1 "python refuses an altered JWS" $PY "$T/j.py" "$epub" "$T/jws2"

# QR codes read back by zbarimg: the matrix (as PGM) and the SVG
payload="CEH1 20250601-74X1VX7MF5 9d79c4ac6bca1f45 f5c5pRhpMQGxCScJGK8gIjXIUuVlf9b-n9AxZCc3sDY"
"$H" qr-pgm "$payload" "$T/q.pgm"
ok "zbarimg reads the QR matrix" test "$(zbarimg --raw -q "$T/q.pgm" 2>/dev/null)" = "$payload"
"$H" qr-svg "$payload" "$T/q.svg"
rsvg-convert -w 300 -b white "$T/q.svg" -o "$T/q.png" 2>/dev/null
ok "zbarimg reads the SVG (rendered by rsvg-convert)" test "$(zbarimg --raw -q "$T/q.png" 2>/dev/null)" = "$payload"

# no secret in any output: the seeds in base64url, base64 and hex
# leaks FILE: prints every form of every seed found in FILE
leaks() {
	for f in "$K/$A.key" "$T/emp.key"; do
		s=$(sed -n 's/^ceh-ed25519-private //p' "$f")
		hex=$($PY -c 'import base64,sys; print(base64.urlsafe_b64decode(sys.argv[1]+"=").hex())' "$s")
		b64=$($PY -c 'import base64,sys; print(base64.b64encode(base64.urlsafe_b64decode(sys.argv[1]+"=")).decode().rstrip("="))' "$s")
		[ ${#s} = 43 ] && [ ${#hex} = 64 ] && [ ${#b64} = 43 ] || echo "bad forms of $f"
		# base64 equals base64url when the seed has no '-' or '_'
		printf '%s\n' "$s" "$hex" "$b64" | sort -u | while read -r form; do
			grep -qiF -- "$form" "$1" && echo "$form"
		done
	done
}
ok "the search finds a seed where it is (the key file)" test "$(leaks "$T/emp.key" | wc -l)" = 1
leaks "$T/all" > "$T/leak"
ok "no secret bytes in any stdout or stderr" test ! -s "$T/leak"
ok "and the outputs were collected" test "$(grep -c . "$T/all")" -gt 20
done_testing
