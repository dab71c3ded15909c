#!/bin/sh
# ceh print-slip: printing the same figures again gives the slip already
# issued (same number and code, nothing recorded, a note on stderr), in
# every format and for --for as for --from/--to; a changed figure, range
# or rule gives a new slip; a record that no longer matches its code is
# never handed out again; in a signed store the signed slip prints again
# without the key, while a new one still needs it (issue 18).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 44

num_of() { sed -n 's/^编号：\([^ ]*\) .*/\1/p' "$1"; }
code_of() { sed -n 's/^验证码：\([^（]*\)（.*/\1/p' "$1"; }

# ---- the same figures again ----
n0=$(slips)
expect_code 0 "a slip for 2019-2023" ceh print-slip --id $ID1 --from 2019 --to 2023
cp "$T/out" "$T/first.txt"
num=$(num_of "$T/first.txt") code=$(code_of "$T/first.txt")
ok "it is recorded" test "$(slips)" = $((n0 + 1))
unlike "$T/err" "." "a new slip: nothing on stderr"
CEH_NOW=$((CEH_NOW + 86400))
before=$(store_digest)
expect_code 0 "a day later, the same range again" ceh print-slip --id $ID1 --from 2019 --to 2023
same "$T/out" "$T/first.txt" "the very same slip: number, code, issue date"
like "$T/err" "^ceh print-slip: the same figures were issued as slip $num on 2025-06-01; that slip again \(same number and code\)$" "a note says so"
ok "nothing new is recorded: the store is byte-identical" test "$before" = "$(store_digest)"
expect_code 0 "--for senior --year 2024 is the same range" ceh print-slip --id $ID1 --for senior --year 2024
like "$T/out" "^编号：$num " "the same number"
expect_code 0 "as JSON" ceh print-slip --id $ID1 --from 2019 --to 2023 --format json
cp "$T/out" "$T/again.json"
ok "the same number and code in JSON" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["number"] == sys.argv[2] and d["code"] == sys.argv[3], d
assert d["issued"] == "2025-06-01T02:00:00Z", d["issued"]' "$T/again.json" "$num" "$code"
expect_code 0 "as HTML" ceh print-slip --id $ID1 --from 2019 --to 2023 --format html
like "$T/out" "编号：$num<" "the same number in HTML"
expect_code 0 "with -o FILE" ceh print-slip --id $ID1 --from 2019 --to 2023 -o "$T/o.txt"
like "$T/out" "^$num	$code	$T/o.txt$" "stdout names the same number and code"
if command -v pdftotext >/dev/null 2>&1; then
	expect_code 0 "as PDF" ceh print-slip --id $ID1 --from 2019 --to 2023 --format pdf -o "$T/o.pdf"
	pdftotext "$T/o.pdf" "$T/o.pdf.txt"
	like "$T/o.pdf.txt" "$num" "the same number in the PDF"
else
	_report 0 "# SKIP no pdftotext"; _report 0 "# SKIP no pdftotext"
fi
ok "still one record for all of these" test "$(slips)" = $((n0 + 1))
expect_code 0 "a copy is never the slip issued" ceh print-slip --id $ID1 --from 2019 --to 2023 --copy
unlike "$T/out" "$num" "no number on a copy"

# ---- a change gives a new slip ----
expect_code 0 "another range" ceh print-slip --id $ID1 --from 2019 --to 2022
ok "is a new slip" sh -c "! grep -q '$num' '$T/out'"
ok "recorded" test "$(slips)" = $((n0 + 2))
cp "$CEH_STORE/store.yaml" "$T/store.yaml.keep"
sed -i 's/scheme: hunan/scheme: national/' "$CEH_STORE/store.yaml"
expect_code 0 "another rule" ceh print-slip --id $ID1 --from 2019 --to 2023
ok "is a new slip" sh -c "! grep -q '$num' '$T/out'"
cp "$T/store.yaml.keep" "$CEH_STORE/store.yaml"
n1=$(slips)
# a figure changes: 2023 approved since
A4=$(apply_std $ID1 --unit $EMP3) && yr $A4 2023 30 60 && approve $A4
expect_code 0 "after 2023 was approved" ceh print-slip --id $ID1 --from 2019 --to 2023
num2=$(num_of "$T/out")
ok "a new slip with a new number" test -n "$num2" -a "$num2" != "$num"
ok "recorded" test "$(slips)" = $((n1 + 1))
unlike "$T/err" "." "no note for a new slip"
expect_code 4 "the first slip is changed now" ceh verify-slip $code
expect_code 0 "printing again gives the second one" ceh print-slip --id $ID1 --from 2019 --to 2023
like "$T/out" "^编号：$num2 " "its number"

# ---- a record that does not match its code is not handed out ----
rec=$(ls "$CEH_STORE"/slips/$num2.*.yaml)
sed -i 's/^issued: .*/issued: 2025-06-01T09:09:09Z/' "$rec"
n2=$(slips)
expect_code 0 "its record altered: the same figures" ceh print-slip --id $ID1 --from 2019 --to 2023
ok "are issued anew" sh -c "! grep -q '$num2' '$T/out'"
ok "as a new record" test "$(slips)" = $((n2 + 1))

# ---- a signed store ----
export CEH_STORE="$T/signed"
ceh init >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
S=$(apply_std $ID2 --unit $EMP3) && yr $S 2023 30 60 && approve $S || exit 1
expect_code 0 "signed: a slip with the agency's key (key folder)" ceh print-slip --id $ID2 --from 2023 --to 2023
cp "$T/out" "$T/signed.txt"
like "$T/signed.txt" "^签发：$AGENCY" "signed"
mv "$XDG_CONFIG_HOME" "$T/keys.away"
before=$(store_digest)
expect_code 0 "without the key: the slip already issued" ceh print-slip --id $ID2 --from 2023 --to 2023
same "$T/out" "$T/signed.txt" "the same signed slip"
ok "store byte-identical" test "$before" = "$(store_digest)"
expect_code 1 "but a new range needs the key" ceh print-slip --id $ID2 --from 2022 --to 2023
like "$T/err" "private key of agency '$AGENCY' is not here" "says so"
expect_code 1 "and a credential is signed anew: needs it too" ceh print-slip --id $ID2 --from 2023 --to 2023 --format vc
ok "refusals changed nothing" test "$before" = "$(store_digest)"
mv "$T/keys.away" "$XDG_CONFIG_HOME"
done_testing
