#!/bin/sh
# Secure by default (issue 13, ceh-trust(7)): `ceh init` makes a signed
# store, `ceh init --unsigned` one that decides without keys; show, fsck
# and every slip of an unsigned store (text, HTML, PDF read back by
# pdftotext) say plainly that its decisions are unsigned, and a signed
# store's say nothing of the kind; the JSON slip says it with show's key
# ("signed_store": false; true in a signed store).  A signed store's slip is issued only
# where the agency's key is: elsewhere refused, store unchanged, or an
# unsigned copy (副本) with --copy.
. "$(dirname "$0")/lib.sh"
plan 53
NOTE='注意：本库的审核决定未经数字签名（unsigned store）'
yr() { ceh add-year "$1" --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
# approved: ID1's application through EMP3 (first-level) and the agency
approved() {
	_a=$(apply_std $ID1 --unit $EMP3) && yr $_a &&
	ceh submit $_a >/dev/null &&
	ceh review --as $EMP3 --approve $_a >/dev/null &&
	ceh review --as $AGENCY --approve $_a >/dev/null && echo $_a
}
slip() { ceh print-slip --id $ID1 --from 2023 --to 2023 "$@"; }
have_pdf=0
command -v pdftotext >/dev/null 2>&1 && have_pdf=1
# pdf_says FILE REGEX MSG: the PDF's text (pdftotext, lines joined)
pdf_says() {
	if [ $have_pdf = 0 ]; then _report 0 "# SKIP no pdftotext: $3"; return; fi
	pdftotext "$1" - | tr -d '\n ' > "$1.txt"
	like "$1.txt" "$2" "$3"
}
pdf_silent() {
	if [ $have_pdf = 0 ]; then _report 0 "# SKIP no pdftotext: $3"; return; fi
	pdftotext "$1" - | tr -d '\n ' > "$1.txt"
	unlike "$1.txt" "$2" "$3"
}

# ---- the default: signed ----
expect_code 0 "ceh init" ceh init
ok "makes a signed store" grep -qx 'trust: signed' "$CEH_STORE/store.yaml"
before=$(store_digest)
expect_code 1 "its first agency needs a public key" ceh unit add $AGENCY --name 人社厅 --kind agency --region 430000
ok "store byte-identical" test "$(store_digest)" = "$before"
mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
A=$(approved)
ok "the workflow with the units' keys" test -n "$A"
expect_code 0 "show" ceh show $A
like "$T/out" "^签名 +verified: every decision signed" "says every decision is signed"
unlike "$T/out" "unsigned" "and nothing of unsigned"
expect_code 0 "fsck" ceh fsck
unlike "$T/err" "unsigned" "fsck says nothing of unsigned"
expect_code 0 "a slip where the agency's key is (the key folder)" slip
like "$T/out" "^签发：$AGENCY（密钥指纹 " "signed by the agency"
unlike "$T/out" "未经数字签名" "no unsigned note"
expect_code 0 "HTML" slip --format html -o "$T/s.html"
unlike "$T/s.html" "未经数字签名" "no unsigned note in HTML"
expect_code 0 "PDF" slip --format pdf -o "$T/s.pdf"
pdf_silent "$T/s.pdf" "未经数字签名" "no unsigned note in the PDF"
expect_code 0 "JSON" slip --format json -o "$T/s.json"
ok "its JSON says signed_store: true" /usr/bin/python3 -c '
import json, sys
assert json.load(open(sys.argv[1]))["signed_store"] is True' "$T/s.json"
mv "$XDG_CONFIG_HOME" "$T/keys.away"
before=$(store_digest)
# (a range not issued yet: the slip already issued prints again without
# the key, tests/1820-slip-reissue.t)
expect_code 1 "without the agency's key the slip is refused" ceh print-slip --id $ID1 --from 2022 --to 2023
like "$T/err" "slip not issued: .*private key of agency '$AGENCY' is not here" "saying whose key is missing"
like "$T/err" "\-\-copy" "and naming --copy"
ok "store byte-identical" test "$(store_digest)" = "$before"
expect_code 0 "an unsigned copy with --copy" slip --copy
like "$T/out" "副本" "marked 副本"
mv "$T/keys.away" "$XDG_CONFIG_HOME"

# ---- --unsigned ----
export CEH_STORE="$T/unsigned"
expect_code 0 "ceh init --unsigned" ceh init --unsigned
ok "makes an unsigned store" grep -qx 'trust: unsigned' "$CEH_STORE/store.yaml"
export XDG_CONFIG_HOME="$T/nokeys"	# no key anywhere
mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
U=$(approved)
ok "the workflow without any key" test -n "$U"
ok "no key was made" test ! -e "$XDG_CONFIG_HOME"
expect_code 0 "show" ceh show $U
like "$T/out" "^签名 +unsigned store: its decisions are unsigned$" "show says its decisions are unsigned"
expect_code 0 "show --format json" ceh show $U --format json
like "$T/out" '"signed_store": false' "and its JSON"
expect_code 0 "fsck" ceh fsck
like "$T/err" "^ceh fsck: this store is unsigned: its decisions are unsigned" "fsck says so"
expect_code 0 "fsck --read-only" ceh fsck --read-only
like "$T/err" "its decisions are unsigned" "a read-only fsck too"
expect_code 0 "the text slip" slip
like "$T/out" "^$NOTE\$" "says its decisions are unsigned"
expect_code 0 "the HTML slip" slip --format html -o "$T/u.html"
like "$T/u.html" "$NOTE" "says so"
expect_code 0 "the PDF slip" slip --format pdf -o "$T/u.pdf"
pdf_says "$T/u.pdf" "本库的审核决定未经数字签名" "says so (pdftotext)"
expect_code 0 "a copy" slip --copy
like "$T/out" "^$NOTE\$" "says so too"
expect_code 0 "the JSON slip" slip --format json -o "$T/u.json"
ok "says signed_store: false, the key and word of show --format json" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["signed_store"] is False
assert list(d).index("signed_store") == list(d).index("code") + 1, list(d)' "$T/u.json"
expect_code 0 "verify-slip reads it" ceh verify-slip --file "$T/u.json"
like "$T/out" "^valid" "valid"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
del d["signed_store"]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False, indent=2)' "$T/u.json" "$T/old.json"
expect_code 0 "a JSON slip from before the key verifies as before" ceh verify-slip --file "$T/old.json"
like "$T/out" "^valid" "valid"
sed 's/"signed_store": false/"signed_store": "no"/' "$T/u.json" > "$T/bad.json"
expect_code 1 "signed_store must be true or false" ceh verify-slip --file "$T/bad.json"
like "$T/err" "signed_store.*true or false" "saying so"
done_testing
