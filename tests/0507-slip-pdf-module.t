#!/bin/sh
# The PDF renderer is a module (slip-pdf.so) that only print-slip --format
# pdf loads: ceh itself does not link pango/cairo, and a missing module is a
# clear system error that leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 7
if command -v ldd >/dev/null 2>&1; then
	ldd "$CEH_BIN" > "$T/ldd" 2>&1
	unlike "$T/ldd" "libpango|libcairo|libfontconfig" "ceh does not link pango, cairo or fontconfig"
else
	_report 0 "# SKIP no ldd"
fi
expect_code 0 "text slips need no module" ceh print-slip --id $ID1 --from 2019 --to 2023
# a copy of the binary with no module beside it; CEH_LIBDIR (when set, the
# only place searched) names an empty folder
mkdir -p "$T/lonely" "$T/empty"
cp "$CEH_BIN" "$T/lonely/ceh"
before=$(store_digest)
expect_code 5 "pdf without the module is a system error" env CEH_LIBDIR="$T/empty" "$T/lonely/ceh" print-slip --id $ID1 --from 2019 --to 2023 --format pdf -o "$T/x.pdf"
like "$T/err" "PDF output needs the module slip-pdf.so" "the message names the module"
ok "no PDF file left" test ! -e "$T/x.pdf"
after=$(store_digest)
ok "no slip recorded" test "$before" = "$after"
expect_code 0 "CEH_LIBDIR points at the module" env CEH_LIBDIR="$CEH_BUILD" "$T/lonely/ceh" print-slip --id $ID1 --from 2019 --to 2023 --format pdf -o "$T/y.pdf"
done_testing
