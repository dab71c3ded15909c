#!/bin/sh
# The printed slip as an official reads it (issue 18): the seal block
# names the issuing agency, with a date line (年 月 日) and lines for
# 经办人 and 审核人; the verification line says how anyone checks it (the
# number or the code, whom to ask, what to run; for a signed slip the QR
# code and the public key); the table headers never wrap (合计学时 is one
# word in the PDF and in the HTML printed by a browser); and the PDF and
# the HTML share one layout and one typeface (the same font, headers at
# the same places on the page, measured with pdftotext -bbox).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 26
AG=湖南省人力资源和社会保障厅

# ---- text ----
expect_code 0 "text slip" ceh print-slip --id $ID1 --from 2019 --to 2023
cp "$T/out" "$T/s.txt"
code=$(sed -n 's/^验证码：\([^（]*\)（.*/\1/p' "$T/s.txt")
tr -d '\n' < "$T/s.txt" > "$T/s.joined"
like "$T/s.joined" "验证码：$code（核验：凭本单编号或验证码向$AG查询" "the code line says whom to ask"
ok "and what they run" sh -c "tr -d '\n' < '$T/s.txt' | grep -q 'ceh verify-slip $code；任何数据被改动'"
like "$T/s.txt" "^经办人：_+ +经办机构（盖章）：$AG$" "seal block: the agency by name, a line for 经办人"
like "$T/s.txt" "^审核人：_+ +年　　月　　日$" "a line for 审核人 and the date line"
ok "no line wider than the slip (72 columns)" python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
sys.exit(max(w(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")) > 72)' "$T/s.txt"

# ---- PDF ----
if ! command -v pdftotext >/dev/null 2>&1; then
	for i in $(seq 20); do _report 0 "# SKIP no pdftotext"; done
	done_testing; exit 0
fi
expect_code 0 "PDF slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --format pdf -o "$T/s.pdf"
pdftotext -layout "$T/s.pdf" "$T/p.txt"
like "$T/p.txt" "经办人：" "PDF: 经办人"
like "$T/p.txt" "审核人：" "PDF: 审核人"
like "$T/p.txt" "经办机构（盖章）：$AG" "PDF: the agency by name"
like "$T/p.txt" "年 +月 +日" "PDF: the date line"
like "$T/p.txt" "验证码：$code（核验：凭本单编号或验证码向$AG" "PDF: the verification line"
pdftotext -bbox "$T/s.pdf" "$T/p.bbox"
# words WORD... in BBOX: each a word of its own (never cut), "x y" each
words() {
	python3 -c '
import re, sys
ws = {}
for m in re.finditer(r"<word xMin=\"([\d.]+)\" yMin=\"([\d.]+)\"[^>]*>([^<]*)</word>", open(sys.argv[1], encoding="utf-8").read()):
    ws.setdefault(m.group(3), (float(m.group(1)), float(m.group(2))))
for w in sys.argv[2:]:
    if w not in ws:
        sys.exit("not one word: " + w)
    print(w, "%.1f %.1f" % ws[w])' "$@"
}
HEADS="年度 公需科目 专业科目 合计学时 是否达标 核认机构及日期 经办人： 审核人："
ok "PDF: every header is one word, never wrapped" words "$T/p.bbox" $HEADS
words "$T/p.bbox" $HEADS > "$T/p.pos" 2>/dev/null
pdffonts "$T/s.pdf" > "$T/p.fonts"
like "$T/p.fonts" "WenQuanYiMicroHei" "PDF: the typeface is WenQuanYi Micro Hei"

# ---- HTML ----
expect_code 0 "HTML slip" ceh print-slip --id $ID1 --from 2019 --to 2023 --format html -o "$T/s.html"
like "$T/s.html" "body \{ font-family: WenQuanYi Micro Hei, Noto Sans CJK SC," "HTML: the PDF's typeface first"
like "$T/s.html" "th \{ font-weight: bold; .*white-space: nowrap;" "HTML: headers do not wrap"
like "$T/s.html" "<p>经办机构（盖章）：$AG</p><p>年　　月　　日</p>" "HTML: the seal block"
like "$T/s.html" "经办人：<span class=\"blank\"></span>" "HTML: a line for 经办人"
like "$T/s.html" "验证码：<span class=\"code\">$code</span>（核验：凭本单编号或验证码向$AG" "HTML: the verification line"

# ---- the HTML in a browser, against the PDF ----
chrome=
for c in chromium chromium-browser google-chrome; do
	if command -v $c >/dev/null 2>&1; then chrome=$c; break; fi
done
if [ -z "$chrome" ]; then
	for i in 1 2 3 4; do _report 0 "# SKIP no headless chromium"; done
else
	timeout 120 $chrome --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
	    --user-data-dir="$T/chrome" --print-to-pdf="$T/h.pdf" "file://$T/s.html" >/dev/null 2>&1
	pdfinfo "$T/h.pdf" > "$T/h.info" 2>&1
	like "$T/h.info" "^Pages: +1$" "browser: one page"
	pdftotext -bbox "$T/h.pdf" "$T/h.bbox"
	ok "browser: every header is one word, never wrapped" words "$T/h.bbox" $HEADS
	words "$T/h.bbox" $HEADS > "$T/h.pos" 2>/dev/null
	ok "the same layout: each header within 3 pt across, 12 pt down of the PDF's" python3 -c '
import sys
p = dict((l.split()[0], tuple(map(float, l.split()[1:]))) for l in open(sys.argv[1]))
h = dict((l.split()[0], tuple(map(float, l.split()[1:]))) for l in open(sys.argv[2]))
bad = [(w, p[w], h[w]) for w in p if abs(p[w][0] - h[w][0]) > 3 or abs(p[w][1] - h[w][1]) > 12]
sys.exit(str(bad) if bad else 0)' "$T/p.pos" "$T/h.pos"
	pdftotext -layout "$T/h.pdf" "$T/h.txt"
	like "$T/h.txt" "经办机构（盖章）：$AG" "browser: the seal block"
fi

# ---- a signed slip: how to check the QR code ----
ceh key generate --unit $AGENCY --key "$T/agency.key" > "$T/agency.pub" || exit 1
expect_code 0 "signed text slip" ceh print-slip --id $ID1 --from 2019 --to 2022 --key "$T/agency.key"
tr -d '\n' < "$T/out" > "$T/signed.joined"
like "$T/signed.joined" "离线核验：扫描二维码或照抄下方核验码，凭${AG}公布的公钥运行 ceh verify-slip --trust 公钥文件 '核验码'" "anyone: scan or type, with the agency's public key"
done_testing
