#!/bin/sh
# The PDF renderer is a module (slip-pdf.so) that only print-slip --format
# pdf loads: ceh itself does not link pango/cairo, and a missing module is a
# clear system error that leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/0500-slip-lib.sh"
plan 17
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
# a stale module: the real renderer built for another ABI version, and one
# from before the ABI check (its old entry point only); both are refused
# before the slip is issued, so nothing is recorded
stale() {	# NAME REGEX: print-slip with the module in $T/NAME
	before=$(store_digest)
	expect_code 5 "$1 module is refused" env CEH_LIBDIR="$T/$1" "$T/lonely/ceh" print-slip --id $ID1 --from 2019 --to 2023 --format pdf -o "$T/z.pdf"
	like "$T/err" "$2" "$1 module: the message says why"
	ok "$1 module: no PDF file" test ! -e "$T/z.pdf"
	after=$(store_digest)
	ok "$1 module: no slip recorded" test "$before" = "$after"
}
mkdir -p "$T/abi0" "$T/old"
ok "a module for ABI version 0 builds" sh -c 'cc -shared -fPIC -D_GNU_SOURCE \
    -I"$1/lib" -DSLIP_RENDER_ABI=0 $(pkg-config --cflags pangocairo cairo-pdf fontconfig) \
    -o "$2/abi0/slip-pdf.so" "$1/lib/plugin/slip_pdf.c" \
    $(pkg-config --libs pangocairo cairo-pdf fontconfig)' sh "$CEH_ROOT" "$T"
stale abi0 "slip-pdf.so' is the PDF module of another ceh version \(version 0, this ceh needs [1-9]"
printf 'int slip_pdf_plugin_render(void);\nint slip_pdf_plugin_render(void) { return 0; }\n' > "$T/old.c"
ok "a module of the old layout builds" cc -shared -fPIC -o "$T/old/slip-pdf.so" "$T/old.c"
stale old "slip-pdf.so' is not a PDF module of this ceh \(it has no version"
done_testing
