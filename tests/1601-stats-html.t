#!/bin/sh
# The HTML pages of ceh stats and ceh shortfall: self-contained (no
# script, no external resource) and readable in a real browser: headless
# Chromium prints them on A4 with the Chinese text intact, and takes an A4
# screenshot (kept as $T/*.png while debugging: KEEP_PNG=DIR).
# Skipped where chromium is not installed (it is not a build dependency).
. "$(dirname "$0")/lib.sh"
chrome=
for c in chromium chromium-browser google-chrome; do
	if command -v $c >/dev/null 2>&1; then chrome=$c; break; fi
done
if [ -z "$chrome" ] || ! command -v pdftotext >/dev/null 2>&1; then
	echo "1..0 # SKIP no headless chromium (or no pdftotext) on this machine"
	exit 0
fi
plan 16
CEH_BIN=$CEH_BIN sh "$CEH_ROOT/examples/demo.sh" "$CEH_STORE" > "$T/demo.log" 2>&1
ok "the example store" test -f "$CEH_STORE/store.yaml"
expect_code 0 "stats page" ceh stats --by unit,stage --format html
cp "$T/out" "$T/stats.html"
expect_code 0 "shortfall page" ceh shortfall --for senior --year 2025 --format html
cp "$T/out" "$T/short.html"
for p in stats short; do
	unlike "$T/$p.html" "<script|javascript:|on[a-z]+=" "$p: no script"
	unlike "$T/$p.html" "https?:|src=|href=|url\(|@import" "$p: nothing fetched from anywhere"
done
# render PAGE: print to PDF and take an A4-sized screenshot
render() {
	timeout 120 $chrome --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
	    --user-data-dir="$T/chrome" --print-to-pdf="$T/$1.pdf" "file://$T/$1.html" >/dev/null 2>&1
	timeout 120 $chrome --headless --no-sandbox --disable-gpu --hide-scrollbars \
	    --user-data-dir="$T/chrome" --window-size=794,1123 \
	    --screenshot="$T/$1.png" "file://$T/$1.html" >/dev/null 2>&1
	pdfinfo "$T/$1.pdf" > "$T/$1.info" 2>&1
	pdftotext -layout "$T/$1.pdf" "$T/$1.txt"
	[ -n "${KEEP_PNG:-}" ] && cp "$T/$1.png" "$T/$1.pdf" "$KEEP_PNG/"
	return 0
}
render stats
like "$T/stats.info" "^Page size: .*\(A4\)" "stats prints on A4"
like "$T/stats.txt" "继续教育学时达标情况统计" "the title in Chinese"
like "$T/stats.txt" "湖南建工集团有限公司" "unit names"
like "$T/stats.txt" "达标率" "the met rate"
ok "a screenshot" test -s "$T/stats.png"
render short
like "$T/short.info" "^Page size: .*\(A4\)" "shortfall prints on A4"
like "$T/short.txt" "继续教育学时未达标人员名单" "its title"
like "$T/short.txt" "未申报" "the status of each year"
ok "a screenshot" test -s "$T/short.png"
done_testing
