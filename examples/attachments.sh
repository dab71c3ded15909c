#!/bin/sh
# attachments.sh - evidence for the year rows of an application
# (上传附件): add, list, show, extract, remove; refusals; what a damaged
# archive looks like and how fsck reports it.
#
#   CEH_BIN=./ceh sh examples/attachments.sh
#
# Works in a temporary store that is removed at the end.  The sample
# PDF, PNG and JPEG files are tiny and made here with printf.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "attachments.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
export CEH_USER="${CEH_USER:-demo}"
unset CEH_FAULT CEH_CRASH CEH_NOW 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-attach.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CEH_STORE=$tmp/store

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@"; }
# refused ARGS...: run, and show that it was refused (and with what code)
refused() {
	printf '$ ceh %s\n' "$*"
	set +e; ceh "$@"; _rc=$?; set -e
	[ "$_rc" != 0 ] || { echo "attachments.sh: expected a refusal" >&2; exit 1; }
	echo "(refused, exit status $_rc)"
}

EMP=91430100MA4L12345A
# --unsigned: about evidence files; its one decision, submit, needs no key here
ceh init --unsigned >/dev/null
ceh unit add 91430000MA4L00001D --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 >/dev/null
ceh unit add $EMP --name 湖南建工集团有限公司 --kind employer --region 湖南省省本级 >/dev/null
app=$(ceh apply --id 43010219850312123X --name 张三 --ethnicity 汉族 --unit $EMP \
    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
    --series 工程 --specialty 建筑学 --region 湖南省省本级)
ceh add-year "$app" --year 2024 --public-subject 公需科目 --public-hours 30 \
    --public-form 远程教育 --pro-subject 建筑结构新技术 --pro-hours 60 --pro-form 培训班 >/dev/null

# Tiny sample files: only the first bytes decide the type.
f=$tmp/files; mkdir -p "$f"
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' > "$f/继续教育证书.pdf"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0' > "$f/scan.png"
printf '\377\330\377\340\0\020JFIF\0\1\1\0\0\1\0\1\0\0\377\331' > "$f/IMG_0001.jpg"
printf 'just text' > "$f/renamed.pdf"

say "Attach evidence to the 2024 row; each entry name is printed"
run attach "$app" --year 2024 "$f/继续教育证书.pdf" "$f/scan.png"
say "--name sets the name shown to reviewers"
run attach "$app" --year 2024 --name 学时证明.jpg "$f/IMG_0001.jpg"
say "The same name twice in one year (another file): both are kept"
mkdir -p "$f/v2"
printf '%%PDF-1.4\n2 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 2 0 R>>\n%%%%EOF\n' > "$f/v2/继续教育证书.pdf"
run attach "$app" --year 2024 "$f/v2/继续教育证书.pdf"
say "The same file (same SHA-256) twice in one year is refused, naming the one there"
refused attach "$app" --year 2024 "$f/scan.png"
run attach "$app" --list
say "show lists them and checks the archive against the document"
run show "$app"

say "Refused: type by content, names, links, limits (nothing changes)"
refused attach "$app" --year 2024 "$f/renamed.pdf"
refused attach "$app" --year 2024 --name ../../etc/passwd "$f/scan.png"
refused attach "$app" --year 2024 --name .hidden.png "$f/scan.png"
ln -s "$f/scan.png" "$f/link.png"
refused attach "$app" --year 2024 "$f/link.png"
refused attach "$app" --year 2023 "$f/scan.png"

say "Extract for a reviewer: DIR/YEAR/NAME, verified while written"
run attach "$app" --extract "$tmp/review"
say "Never overwrites"
refused attach "$app" --extract "$tmp/review"

say "Remove one; an ambiguous name asks for the entry"
refused attach "$app" --remove --year 2024 继续教育证书.pdf
run attach "$app" --remove --year 2024 2024/4-继续教育证书.pdf
run attach "$app" --list --format tsv

say "A tampered archive is reported by show, --extract and fsck"
zip=$(ls "$CEH_STORE"/people/*/*/draft/*.zip)
cp "$zip" "$tmp/good.zip"
python3 - "$zip" <<'PY' 2>/dev/null || printf 'PK\3\4garbage' > "$zip"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'a') as z:
    z.writestr('../../evil.sh', '#!/bin/sh\n')
PY
refused show "$app"
refused attach "$app" --extract "$tmp/review2"
refused fsck
say "A leftover entry is removed by fsck --repair"
run fsck --repair || true
cp "$tmp/good.zip" "$zip"
run fsck

say "After submission the attachments are frozen"
run submit "$app"
refused attach "$app" --year 2024 "$f/scan.png"
say "Done."
