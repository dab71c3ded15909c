#!/bin/sh
# reports.sh - the three questions an HR office is asked every round,
# answered on the example store (examples/demo.sh) with ceh stats and
# ceh shortfall:
#   1. how many of our staff met the requirement in 2024?
#   2. which of them fall short, and by how much?
#   3. the approval rate of each employer under a supervising department,
#      and what is still waiting where?
#
#   CEH_BIN=./ceh sh examples/reports.sh [DIR]
#
# The store is built by demo.sh in DIR (kept) or in a temporary directory
# (removed at the end); two more applications are added so that some
# work is still waiting.  The printable pages (--format html) are written
# next to the store as stats.html and shortfall.html.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "reports.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
export CEH_USER="${CEH_USER:-demo}"
if [ $# -ge 1 ]; then
	dir=$1
	mkdir -p "$dir"
	keep=1
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/ceh-reports.XXXXXX")
	keep=0
fi
trap '[ "$keep" = 1 ] || rm -rf "$dir"' EXIT
CEH_STORE=$dir/store
# the store is signed (demo.sh): the units' keys are in demo.sh's key
# folder next to it, which the two applications below are decided with
XDG_CONFIG_HOME=$dir/store.keys
export CEH_STORE XDG_CONFIG_HOME
unset CEH_KEY 2>/dev/null || true
ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@"; }

SUP1=12430000MB1234567W
EMP1=91430100MA4L12345A
EMP2=91430100MA4L222221

say "The example store (examples/demo.sh), built quietly in $CEH_STORE"
CEH_BIN=$CEH_BIN sh "$root/examples/demo.sh" "$CEH_STORE" > "$dir/demo.log" 2>&1 ||
    { echo "reports.sh: demo.sh failed, see $dir/demo.log" >&2; exit 1; }
# Two more applications, still under review: 王五 (short of professional
# hours) waits at his employer, 欧阳娜娜's 2023 at the supervising unit.
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' > "$dir/证书.pdf"
w=$(ceh apply --id 430102198001011014 --name 王五 --ethnicity 汉族 --unit $EMP2 \
    --unit-nature 事业单位 --title-level 中级 --phone 13800000000 \
    --series 工程 --specialty 城乡规划 --region 长沙市)
ceh add-year "$w" --year 2024 --public-subject 公需科目 --public-hours 30 \
    --public-form 远程教育 --pro-subject 城市设计 --pro-hours 40 --pro-form 培训班 >/dev/null
ceh attach "$w" --year 2024 "$dir/证书.pdf" >/dev/null
ceh submit "$w" >/dev/null
o=$(ceh apply --id 430104199001014562 --name 欧阳娜娜 --ethnicity 土家族 --unit $EMP2 \
    --unit-nature 事业单位 --title-level 中级 --phone 0731-84123456 \
    --series 工程 --specialty 城乡规划 --region 长沙市)
ceh add-year "$o" --year 2023 --public-subject 公需科目 --public-hours 30 \
    --public-form 远程教育 --pro-subject 国土空间规划 --pro-hours 60 --pro-form 学术会议 >/dev/null
ceh attach "$o" --year 2023 "$dir/证书.pdf" >/dev/null
ceh submit "$o" >/dev/null
ceh review --as $EMP2 --approve "$o" >/dev/null

say "1. How many of our staff met the requirement in 2024?  One employer:"
run stats --unit $EMP1 --year 2024
say "   Every employer at once (达标率 = years met per person-year):"
run stats --year 2024 --by unit

say "2. Which of them fall short in 2024, and by how much (per category)?"
run shortfall --year 2024
say "   Who cannot yet apply for a senior title in 2025 (the span 2020-2024), as TSV for a script:"
run shortfall --for senior --year 2025 --format tsv | cut -f1,2,5,7,11-13 | head -n 8

say "3. Under the supervising department $SUP1: each employer's approval rate"
run stats --unit $SUP1 --subtree --by unit
say "   and what is still waiting where (stage), with the average days at each level:"
run stats --unit $SUP1 --subtree --by stage
run stats --by stage --format tsv | cut -f1,2,4
say "   and which applications those are, by the unit they wait at (待审核):"
run list --unit $SUP1 --subtree --stage 待审核 --sort waiting_at --format tsv | cut -f1,2,9,10

say "Printable pages (one self-contained HTML file each, A4, no script):"
ceh stats --unit $SUP1 --subtree --by unit --format html > "$dir/stats.html"
ceh shortfall --year 2024 --format html > "$dir/shortfall.html"
ls -l "$dir/stats.html" "$dir/shortfall.html" | sed 's/^/    /'
if [ "$keep" = 1 ]; then
	echo "Open them in a browser; the store is kept in $CEH_STORE."
fi
