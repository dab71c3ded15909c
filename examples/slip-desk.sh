#!/bin/sh
# slip-desk.sh - the slips at an HR office's desk: printed again, listed,
# checked by number against the paper.
#
#   CEH_BIN=./ceh sh examples/slip-desk.sh
#
# Builds a small store in a temporary directory with one person's hours
# approved, then does what the office does with slips (学时认定单): prints
# the slip for a senior-title application, prints it again (the same slip,
# not a new one), lists the slips issued to the person (ceh slips), checks
# one by its number the way an official holding the paper does (the
# figures year by year), and, once another year is approved, prints the
# new slip and sees the old one marked changed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "slip-desk.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
export CEH_USER="${CEH_USER:-demo}"
export CEH_NOW="${CEH_NOW:-1748743200}"	# 2025-06-01 10:00 Beijing time
unset CEH_FAULT CEH_CRASH 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-slip-desk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CEH_STORE="$tmp/store"
export XDG_CONFIG_HOME="$tmp/config"

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@"; }

AGENCY=91430000MA4L00001D
EMP=91430100MA4L12345A
ID=43010219850312123X

say "A signed store: the HR department holds its key, the employer its own"
ceh init >/dev/null
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"  # no evidence files here
ceh key generate --unit $AGENCY >/dev/null
ceh unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 \
    --public-key "$(ceh key show --unit $AGENCY | head -1)"
ceh unit add $EMP --name 湖南建工集团有限公司 --kind employer --region 湖南省省本级
ceh key generate --unit $EMP >/dev/null
ceh unit certify $EMP --as $AGENCY --public-key "$(ceh key show --unit $EMP | head -1)" >/dev/null

# apply YEAR:PUBLIC:PRO... -> an approved application's id
apply() {
	_app=$(ceh apply --id $ID --name 张三 --ethnicity 汉族 --unit $EMP \
	    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
	    --series 工程 --specialty 建筑学 --region 湖南省省本级)
	for _y in "$@"; do
		IFS=: read -r _year _pub _pro <<EOF
$_y
EOF
		ceh add-year "$_app" --year "$_year" \
		    --public-subject 专业技术人员职业道德与诚信建设 --public-hours "$_pub" \
		    --public-form 远程教育 --pro-subject 装配式建筑施工技术 \
		    --pro-hours "$_pro" --pro-form 培训班 >/dev/null
	done
	ceh submit "$_app" >/dev/null
	ceh review --as $EMP --approve "$_app" >/dev/null
	echo "$_app"
}

say "2020-2023 approved by the HR department; 2024 waits at its desk"
a=$(apply 2020:30:60 2021:30:64.5 2022:20:72 2023:32:60)
ceh review --as $AGENCY --approve "$a" >/dev/null
b=$(apply 2024:30:60)

say "The slip for a senior title in 2025 (2020-2024), as a PDF for the person"
run print-slip --id $ID --for senior --year 2025 --format pdf -o "$tmp/slip.pdf" > "$tmp/issued"
cat "$tmp/issued"
number=$(tail -n 1 "$tmp/issued" | cut -f1)

say "The person lost it and comes back: the same slip, not a new one"
run print-slip --id $ID --for senior --year 2025 > "$tmp/again.txt"
sed -n '1p;/^编号/p' "$tmp/again.txt"
run slips --id $ID

say "A title committee's official phones in the number on the paper"
run verify-slip "$number"

say "2024 is approved: the old slip no longer tells the whole truth"
CEH_NOW=$((CEH_NOW + 86400)); export CEH_NOW
ceh review --as $AGENCY --approve "$b" >/dev/null
run verify-slip "$number" || echo "    (exit $?: changed)"
run print-slip --id $ID --for senior --year 2025 -o "$tmp/new.txt"
run slips --id $ID
run slips --id $ID --format json
