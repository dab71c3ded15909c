#!/bin/sh
# The QR code of a signed slip (issue 13), read back by zbarimg: from the
# HTML slip's SVG (rsvg-convert) and from the PDF page (pdftoppm), it is
# the payload printed under it, and verify-slip accepts it.  A copy's PDF
# says 副本 on every page (pdftotext).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 17
export XDG_CONFIG_HOME="$T/config"
ceh key generate --unit $AGENCY --key "$T/agency.key" > "$T/agency.pub" || exit 1

# ---- HTML ----
expect_code 0 "a signed HTML slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key" --format html -o "$T/s.html"
/usr/bin/python3 -c '
import html, re, sys
t = open(sys.argv[1]).read()
m = re.search(r"<svg.*?</svg>", t, re.S)
open(sys.argv[2], "w").write(m.group(0) if m else "")
m = re.search(r"<span class=\"payload\">(.*?)</span>", t, re.S)
open(sys.argv[3], "w").write(html.unescape(m.group(1)) + "\n" if m else "")' "$T/s.html" "$T/qr.svg" "$T/printed"
ok "it has one QR code" test -s "$T/qr.svg"
ok "and the payload printed under it" grep -q "^CEHSLIP1 " "$T/printed"
ok "rsvg-convert renders the SVG" rsvg-convert -w 400 -b white -o "$T/qr.png" "$T/qr.svg"
ok "zbarimg reads it" sh -c "zbarimg -q --raw '$T/qr.png' > '$T/scanned'"
ok "the scanned text is the printed payload" sh -c "cmp '$T/scanned' '$T/printed'"
expect_code 0 "verify-slip accepts what was scanned" ceh verify-slip --trust "$T/agency.pub" "$(cat "$T/scanned")"
like "$T/out" "^valid: " "valid"

# ---- PDF ----
expect_code 0 "a signed PDF slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key" --format pdf -o "$T/s.pdf"
ok "pdftoppm renders its page" pdftoppm -r 200 -png -f 1 -l 1 -singlefile "$T/s.pdf" "$T/page"
ok "zbarimg finds one QR code on the page" sh -c "zbarimg -q --raw '$T/page.png' > '$T/pscanned' && test \$(wc -l < '$T/pscanned') = 1"
pdftotext -raw "$T/s.pdf" - | tr -d ' \n' > "$T/ptext"
# (compared without white space: the payload wraps at its spaces)
ok "the payload is the text printed under the code (pdftotext)" grep -qF "$(tr -d ' \n' < "$T/pscanned")" "$T/ptext"
expect_code 0 "verify-slip accepts the PDF's code" ceh verify-slip --trust "$T/agency.pub" "$(cat "$T/pscanned")"

# ---- a copy ----
expect_code 0 "an unsigned copy as PDF" ceh print-slip --id $ID1 --from 2010 --to 2019 --copy --format pdf -o "$T/c.pdf"
pages=$(pdfinfo "$T/c.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
n=0 i=1
while [ "$i" -le "${pages:-0}" ]; do
	pdftotext -f $i -l $i "$T/c.pdf" - | grep -q 副本 || n=$((n + 1))
	i=$((i + 1))
done
ok "副本 on every page ($pages)" test "${pages:-0}" -ge 1 -a $n = 0
pdftoppm -r 150 -png -singlefile "$T/c.pdf" "$T/cpage"
ok "and no QR code" sh -c "! zbarimg -q --raw '$T/cpage.png' >/dev/null 2>&1"
pdftotext "$T/c.pdf" - > "$T/ctext"
like "$T/ctext" "未经人社部门签发" "says what a copy is"
done_testing
