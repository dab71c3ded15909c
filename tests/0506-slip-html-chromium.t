#!/bin/sh
# The HTML slip prints on one A4 page in a real browser (headless
# Chromium's print to PDF), also for the widest range, ten approved years.
# Skipped where chromium is not installed (it is not a build dependency).
. "$(dirname "$0")/lib.sh"
chrome=
for c in chromium chromium-browser google-chrome; do
	if command -v $c >/dev/null 2>&1; then chrome=$c; break; fi
done
if [ -z "$chrome" ] || ! command -v pdfinfo >/dev/null 2>&1; then
	echo "1..0 # SKIP no headless chromium (or no pdfinfo) on this machine"
	exit 0
fi
. "$(dirname "$0")/0500-slip-lib.sh"
plan 8
A=$(apply_std $ID2 --unit $EMP3) || exit 1
for y in 2015 2016 2017 2018 2019 2020 2021 2022 2023 2024; do
	yr $A $y 30 60 '建筑信息模型（BIM）技术在装配式建筑施工中的应用与实践'
done
approve $A
# print HTML FILE to PDF with chromium; its page count and size
html_pdf() {
	timeout 120 $chrome --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
	    --user-data-dir="$T/chrome" --print-to-pdf="$2" "file://$1" >/dev/null 2>&1
	pdfinfo "$2" > "$2.info" 2>&1
}
expect_code 0 "html slip of five years" ceh print-slip --id $ID1 --from 2019 --to 2023 --format html -o "$T/five.html"
html_pdf "$T/five.html" "$T/five.pdf"
like "$T/five.pdf.info" "^Pages: +1$" "prints on one page"
like "$T/five.pdf.info" "^Page size: .*\(A4\)" "A4"
expect_code 0 "html slip of ten years with long subject names" ceh print-slip --id $ID2 --from 2015 --to 2024 --format html -o "$T/ten.html"
html_pdf "$T/ten.html" "$T/ten.pdf"
like "$T/ten.pdf.info" "^Pages: +1$" "still one page"
like "$T/ten.pdf.info" "^Page size: .*\(A4\)" "A4"
pdftotext -layout "$T/ten.pdf" "$T/ten.txt"
like "$T/ten.txt" "湖南省专业技术人员继续教育学时认定单" "the browser shows the title"
like "$T/ten.txt" "核认跨度内各年度均达标：.*是" "and the last line of figures"
done_testing
