#!/bin/sh
# slip.sh - the hour verification slip (学时认定单) from approval to check.
#
#   CEH_BIN=./ceh sh examples/slip.sh [OUTDIR]
#
# Builds a small store in a temporary directory, takes one person's
# applications through the workflow (employer, then the HR department),
# prints the slip for a senior-title application in 2025 as text, JSON,
# HTML and PDF, then verifies it: as issued, altered, forged, and after the
# approved data changed.  Then the agency signs slips with its key, and
# a title committee elsewhere checks one, from its QR payload or its JSON,
# with nothing but the agency's public key; an unsigned copy (副本) and
# the slip as an Open Badges 3.0 credential.  With OUTDIR the HTML, JSON and PDF (and a PNG of
# the PDF, if pdftoppm is installed) are left there: that is how
# examples/slip-example.pdf and .png were made.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "slip.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
export CEH_USER="${CEH_USER:-demo}"
# a fixed clock, so the example slip is the same each time it is made
export CEH_NOW="${CEH_NOW:-1748743200}"	# 2025-06-01 10:00 Beijing time
unset CEH_FAULT CEH_CRASH 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-slip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CEH_STORE="$tmp/store"
export XDG_CONFIG_HOME="$tmp/config"	# the key folder: empty
out=${1:-$tmp}
mkdir -p "$out"

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@"; }

AGENCY=91430000MA4L00001D
EMP=91430100MA4L12345A
ID=43010219850312123X

say "A store, the provincial HR department and one first-level employer"
# --unsigned: first the store's own verification codes, then the agency's
# signature added with --key (a signed store signs every slip: demo.sh)
ceh init --unsigned >/dev/null
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"  # no evidence files in this example
ceh unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000
ceh unit add $EMP --name 湖南建工集团有限公司 --kind employer --region 湖南省省本级

# apply_years TITLE-LEVEL YEAR:PUBLIC:PRO... -> application id
apply_years() {
	_lvl=$1; shift
	_app=$(ceh apply --id $ID --name 张三 --ethnicity 汉族 --unit $EMP \
	    --unit-nature 国有企业 --title-level "$_lvl" --phone 15556565656 \
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
	echo "$_app"
}
approve() {
	ceh submit "$1" >/dev/null
	ceh review --as $EMP --approve "$1" >/dev/null
	ceh review --as $AGENCY --approve "$1" >/dev/null
}

say "Hours for 2020-2023 are applied for and approved; 2024 is still a draft"
a=$(apply_years 中级 2020:30:60 2021:30:64.5)
approve "$a"
b=$(apply_years 副高级 2022:20:72 2023:32:60)
approve "$b"
c=$(apply_years 副高级 2024:30:60)
run list

say "The slip for a senior title in 2025 covers 2020-2024 (only approved hours count)"
run print-slip --id $ID --for senior --year 2025

say "JSON, for scripts: every figure"
run print-slip --id $ID --for senior --year 2025 --format json -o "$out/slip-example.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([(y["year"], y["total_hours"], y["met"]) for y in d["years"]])' \
    "$out/slip-example.json" 2>/dev/null || true
code=$(sed -n 's/^  "code": "\(.*\)",$/\1/p' "$out/slip-example.json")

say "HTML (one A4 page for a browser) and PDF (A4, font embedded as a subset)"
run print-slip --id $ID --for senior --year 2025 --format html -o "$out/slip-example.html"
run print-slip --id $ID --for senior --year 2025 --format pdf -o "$out/slip-example.pdf"
ls -l "$out/slip-example.pdf" | awk '{ print "    " $5 " bytes" }'
if command -v pdftoppm >/dev/null 2>&1; then
	pdftoppm -png -r 60 -singlefile "$out/slip-example.pdf" "$out/slip-example"
fi
if command -v pdftotext >/dev/null 2>&1; then
	echo "    pdftotext reads it back:"
	pdftotext -layout "$out/slip-example.pdf" - | sed -n '1,3p;/^ *2022/p' | sed 's/^/    /'
fi

say "Every slip issued is recorded in the store"
ls "$CEH_STORE/slips" | sed 's/^/    /'

say "Verify by the code printed on the slip (case and dashes do not matter)"
run verify-slip "$(echo "$code" | tr 'A-Z' 'a-z')"
run verify-slip --file "$out/slip-example.json"

say "An altered slip, a forged code: refused, with distinct exit codes"
sed 's/"professional_hours": 72,/"professional_hours": 82,/' "$out/slip-example.json" > "$tmp/altered.json"
run verify-slip --file "$tmp/altered.json" || echo "    (exit $?: altered)"
run verify-slip 7K3M-9Q2X-A7BD-0PWE-H5TN || echo "    (exit $?: unknown)"

say "The agency signs its slips with its key (ceh key generate; --key, \$CEH_KEY or the key folder)"
ceh key generate --unit $AGENCY --key "$tmp/agency.key" > "$tmp/agency.pub"
sed 's/^/    /' "$tmp/agency.pub"
run print-slip --id $ID --for senior --year 2025 --key "$tmp/agency.key" | tail -n 5
run print-slip --id $ID --for senior --year 2025 --key "$tmp/agency.key" --format json -o "$tmp/signed.json"
payload=$(ceh print-slip --id $ID --for senior --year 2025 --key "$tmp/agency.key" | sed -n 's/^核验码：//p')

say "A committee elsewhere: no store, only the agency's public key (agency.pub)"
CEH_STORE=$tmp/nowhere run verify-slip --trust "$tmp/agency.pub" "$payload"
CEH_STORE=$tmp/nowhere run verify-slip --trust "$tmp/agency.pub" --file "$tmp/signed.json"
sed 's/"professional_hours": 72,/"professional_hours": 82,/' "$tmp/signed.json" > "$tmp/signed-altered.json"
CEH_STORE=$tmp/nowhere run verify-slip --trust "$tmp/agency.pub" --file "$tmp/signed-altered.json" || echo "    (exit $?: altered)"
ceh key generate --unit $AGENCY --key "$tmp/other.key" > "$tmp/other.pub"
CEH_STORE=$tmp/nowhere run verify-slip --trust "$tmp/other.pub" "$payload" || echo "    (exit $?: unknown key)"

say "Without the key: an unsigned copy, marked 副本; a credential needs the key"
run print-slip --id $ID --for senior --year 2025 --copy | sed -n '2p;$p'
run print-slip --id $ID --for senior --year 2025 --format vc || echo "    (exit $?: refused)"

say "The slip as an Open Badges 3.0 / CLR 2.0 credential (a compact JWS, did:key issuer)"
run print-slip --id $ID --for senior --year 2025 --key "$tmp/agency.key" --format vc -o "$tmp/slip.jwt"
cut -d. -f1 "$tmp/slip.jwt" | python3 -c 'import base64,sys; s=sys.stdin.read().strip(); print("    header:", base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode())' 2>/dev/null || true

say "2024 is approved later: the old slip no longer tells the whole truth"
CEH_NOW=$((CEH_NOW + 86400)); export CEH_NOW
approve "$c"
run verify-slip "$code" || echo "    (exit $?: changed)"
run print-slip --id $ID --for senior --year 2025 | tail -n 6
if [ "$out" = "$tmp" ]; then :; else rm -f "$out/slip-example.json" "$out/slip-example.html"; fi
