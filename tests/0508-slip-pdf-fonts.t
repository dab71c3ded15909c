#!/bin/sh
# The PDF module gives fontconfig a configuration of its own: the folders
# of the slip's fonts as the build found them (build/gen/slip_fonts.h).
# A character those fonts lack is still drawn, from a font of the
# system's whole configuration (the slip is drawn again with it), and the
# slip reads the same through pdftotext.
. "$(dirname "$0")/lib.sh"
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdffonts >/dev/null 2>&1 ||
    ! command -v fc-list >/dev/null 2>&1; then
	echo "1..0 # SKIP pdftotext/pdffonts/fc-list not installed (tools/deps.sh)"
	exit 0
fi
# U+263A, in DejaVu Sans (fonts-dejavu-core) but in neither WenQuanYi
# Micro Hei nor Noto CJK
if [ -z "$(fc-list ':charset=263a' family)" ] ||
    [ -n "$(fc-list ':charset=263a' family | grep -E 'WenQuanYi|Noto Sans CJK')" ]; then
	echo "1..0 # SKIP no font here that only the system's configuration has for U+263A"
	exit 0
fi
. "$(dirname "$0")/0500-slip-lib.sh"
plan 7
ok "the build found the slip's font folders" grep -q '^#define SLIP_FONT_DIRS "/' "$CEH_BUILD/gen/slip_fonts.h"
expect_code 0 "a slip of the slip's fonts" ceh print-slip --id $ID1 --from 2019 --to 2023 --format pdf -o "$T/a.pdf"
pdffonts "$T/a.pdf" > "$T/fonts-a" 2>&1
unlike "$T/fonts-a" "DejaVu|OpenSymbol" "drawn with the slip's fonts only"
B=$(apply_std $ID2 --unit $EMP3) || exit 1
ceh add-year $B --year 2024 --public-subject '数字经济☺' --public-hours 30 \
    --public-form 远程教育 --pro-subject 专业 --pro-hours 60 \
    --pro-form 培训班 >/dev/null && approve $B || exit 1
expect_code 0 "a character the slip's fonts lack" ceh print-slip --id $ID2 --from 2024 --to 2024 --format pdf -o "$T/b.pdf"
pdffonts "$T/b.pdf" > "$T/fonts-b" 2>&1
like "$T/fonts-b" "DejaVu|OpenSymbol" "is drawn from a font of the system's configuration"
like "$T/fonts-b" "WenQuanYi|Noto" "the rest still with the slip's font"
pdftotext -layout "$T/b.pdf" "$T/b.txt"
like "$T/b.txt" "数字经济☺" "and the text reads back"
done_testing
