#!/bin/sh
# keys.sh - signing keys (密钥) for the units of the four-roles example:
# the HR agency and an employer each make a key pair, show the public key
# they hand over (to be certified, see ceh-trust(7)), and see the key
# file refused once it is readable by others.
#
#   CEH_BIN=./ceh sh examples/keys.sh
#
# Works in a temporary key folder that is removed at the end; your own
# ~/.config/ceh/keys is not touched.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "keys.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
unset CEH_KEY 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-keys.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@"; }

AGENCY=91430000MA4L00001D	# 湖南省人力资源和社会保障厅
EMP=91430100MA4L12345A		# 湖南建工集团有限公司

say "the agency makes its key pair; the private key stays in its key folder"
run key generate --unit $AGENCY
ls -l "$XDG_CONFIG_HOME/ceh/keys" | sed 1d | awk '{ print $1, $NF }'

say "the employer keeps its key on a removable medium instead"
mkdir -p "$tmp/usb"
run key generate --unit $EMP --key "$tmp/usb/emp.key"

say "what each hands over: the public line (and its fingerprint to read out)"
run key show --unit $AGENCY
export CEH_KEY=$tmp/usb/emp.key
echo "$ export CEH_KEY=$CEH_KEY"
run key show
unset CEH_KEY
pub=$(ceh key show --key "$tmp/usb/emp.key")
printf 'for: ceh unit certify %s --public-key "%s" ...\n' $EMP "$(echo "$pub" | head -1)"

say "a second key for the same unit is refused: keys are never overwritten"
run key generate --unit $AGENCY 2>&1 || echo "(refused, exit status $?)"

say "a key file others can read is refused before it is used"
chmod 644 "$tmp/usb/emp.key"
run key show --key "$tmp/usb/emp.key" 2>&1 || echo "(refused, exit status $?)"
