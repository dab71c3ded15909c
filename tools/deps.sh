#!/bin/sh
# Make sure the build and test dependencies are installed.
# As root: install what is missing with apt-get.  Otherwise: print the
# exact command to run and fail.
set -u
pkgs=""
need() { # need PACKAGE TEST...
	pkg=$1; shift
	if ! "$@" >/dev/null 2>&1; then pkgs="$pkgs $pkg"; fi
}
need build-essential sh -c 'command -v cc && command -v make'
need pkg-config command -v pkg-config
need libyaml-dev pkg-config --exists yaml-0.1
need libzip-dev pkg-config --exists libzip
need nettle-dev pkg-config --exists nettle
need libsodium-dev pkg-config --exists libsodium
need libcsv-dev test -f /usr/include/csv.h
# spreadsheets: .xlsx in (expat over libzip), .xls in, .xlsx out; the
# tests build workbooks with openpyxl and xlwt and read ours back
need libexpat1-dev pkg-config --exists expat
need libxlsxwriter-dev pkg-config --exists xlsxwriter
need libfreexl-dev pkg-config --exists freexl
need python3-openpyxl /usr/bin/python3 -c 'import openpyxl'
need python3-xlwt /usr/bin/python3 -c 'import xlwt'
# a real office round trip and the committed fixtures (tests/0114,
# tests/fixtures/make.sh): LibreOffice Calc without its GUI, headless
# (about 200 MB with its dependencies, about 20 s to install here)
need libreoffice-calc-nogui command -v soffice
# keys and QR codes (issue 13): the QR library, an independent QR decoder
# (reading a PNG rendered from the SVG by rsvg-convert) and an independent
# Ed25519 for the tests
need libqrencode-dev pkg-config --exists libqrencode
need zbar-tools command -v zbarimg
need librsvg2-bin command -v rsvg-convert
need python3-yaml /usr/bin/python3 -c 'import yaml'
need python3-cryptography /usr/bin/python3 -c 'import cryptography.hazmat.primitives.asymmetric.ed25519'
# print-slip --format pdf: cairo + pango (fontconfig), CJK fonts, pdftotext
need libpango1.0-dev pkg-config --exists pangocairo
need libcairo2-dev pkg-config --exists cairo-pdf
need libfontconfig-dev pkg-config --exists fontconfig
need fonts-wqy-microhei test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
need fonts-noto-cjk test -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
need poppler-utils command -v pdftotext
# PDF/A checks of print-slip --pdfa (tests/1825): qpdf, pikepdf, littlecms
need qpdf command -v qpdf
need python3-pikepdf /usr/bin/python3 -c 'import pikepdf'
need python3-pil /usr/bin/python3 -c 'from PIL import ImageCms'
# the zsh completion is loaded by zsh itself (tests/1835)
need zsh command -v zsh
# stats/shortfall --format html rendered in a real browser (tests skip without)
need chromium command -v chromium
need mandoc command -v mandoc
# messages in Chinese (issue 17): msgfmt/xgettext at build time, and the
# zh_CN.UTF-8 and en_US.UTF-8 locales the tests and the demo run in
need gettext sh -c 'command -v msgfmt && command -v xgettext'
need locales test -f /usr/share/i18n/locales/zh_CN
need man-db command -v man
need perl command -v prove
need python3 command -v python3
need sqlite3 command -v sqlite3
# how often fsck opens a document (tests/0219; skipped where ptrace is not allowed)
need strace command -v strace
need unzip command -v zipinfo
# tests 0923: real FAT, exFAT and NTFS images (mounted through FUSE when
# the machine allows; skipped otherwise)
need dosfstools command -v mkfs.vfat
need fusefat command -v fusefat
need ntfs-3g command -v ntfs-3g
need exfat-fuse command -v mount.exfat-fuse
need exfatprogs command -v mkfs.exfat
need clang command -v clang
need libclang-rt-14-dev sh -c 'ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a'
# the locales themselves (generated, not packaged): made where packages
# are installed, i.e. as root
has_locale() { locale -a 2>/dev/null | grep -qix "$1"; }
make_locales() {
	for l in zh_CN en_US; do
		has_locale "$l.utf8" && continue
		if [ "$(id -u)" = 0 ]; then
			echo "deps: generating the $l.UTF-8 locale" >&2
			localedef -i "$l" -f UTF-8 "$l.UTF-8" >&2 || return 1
		else
			echo "ceh: the $l.UTF-8 locale is missing; as root:" >&2
			echo "  localedef -i $l -f UTF-8 $l.UTF-8" >&2
			return 1
		fi
	done
}
[ -z "$pkgs" ] && { make_locales; exit; }
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$pkgs" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || exit 1
	apt-get install -y -qq --no-install-recommends $pkgs >&2 || exit 1
	make_locales
	exit
fi
echo "ceh: missing build dependencies. Install them with:" >&2
echo "  sudo apt-get install$pkgs" >&2
exit 1
