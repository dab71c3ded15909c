#!/bin/sh
# import.sh - training providers' hour records (ceh import, ceh records)
# and year rows built from them (ceh add-year --from-records).
#
#   CEH_BIN=./ceh sh examples/import.sh
#
# Works in a temporary store that is removed at the end.  The provider's
# file is examples/provider-records.csv (UTF-8 with a byte order mark and
# CRLF line ends, as Excel's "CSV UTF-8" writes; two rows are wrong on
# purpose); a GB18030 copy, as Excel writes on Chinese Windows, is made
# here with iconv.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "import.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
export CEH_USER="${CEH_USER:-demo}"
unset CEH_FAULT CEH_CRASH CEH_NOW 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-import.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CEH_STORE=$tmp/store
csv=$root/examples/provider-records.csv

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@" 2>&1; }
# run_rc WANT ARGS...: run, expecting exit status WANT
run_rc() {
	_want=$1
	shift
	printf '$ ceh %s\n' "$*"
	set +e; ceh "$@" 2>&1; _rc=$?; set -e
	[ "$_rc" = "$_want" ] || { echo "import.sh: exit $_rc, expected $_want" >&2; exit 1; }
	echo "(exit status $_rc)"
}

# --unsigned: records are imported and read, no decision is taken here
ceh init --unsigned >/dev/null
EMP=91430100MA4L12345A
ceh unit add 91430000MA4L00001D --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 >/dev/null
ceh unit add $EMP --name 湖南建工集团有限公司 --kind employer --region 湖南省省本级 >/dev/null

say "A provider's file: 12 records, two of them wrong (a check digit, hours written in words)"
sed 's/^/    /' "$csv"
say "Check it first without writing anything (--dry-run)"
run_rc 1 import --dry-run "$csv"
say "Import it; the rejected rows go to a file that can be fixed and imported again"
run_rc 1 import --rejects "$tmp/rejects.csv" "$csv"
sed 's/^/    /' "$tmp/rejects.csv"
say "Fix the hours (十二 -> 12) and import the rejects file: the fixed row goes in"
sed 's/,十二,/,12,/' "$tmp/rejects.csv" > "$tmp/fixed.csv"
run_rc 1 import "$tmp/fixed.csv"
say "The same records from GB18030 (Excel on Chinese Windows): detected, all duplicates"
iconv -f UTF-8 -t GB18030 "$csv" > "$tmp/gbk.csv"
run_rc 1 import "$tmp/gbk.csv"
say "A provider reusing a record number with other hours: a conflict, not overwritten"
printf '%s\n%s\n' "$(head -n 1 "$csv" | tr -d '\r' | sed 's/^\xef\xbb\xbf//')" \
    "43010219850312123X,张三,2024,专业科目,建筑工程施工质量控制,48,培训班,湖南大学继续教育学院,JX001-00000201" > "$tmp/changed.csv"
run_rc 1 import "$tmp/changed.csv"
say "The hours on record for a person (ceh records)"
run records --id 43010219850312123X
run records --id 43010219850312123X --year 2024 --format json

say "An application's year row from the records on file (ceh add-year --from-records)"
app=$(ceh apply --id 43010219850312123X --name 张三 --ethnicity 汉族 --unit $EMP \
    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
    --series 工程 --specialty 建筑学 --region 湖南省省本级)
run add-year "$app" --year 2024 --from-records
say "Or from chosen records only"
run add-year "$app" --year 2025 --from-records --record JX001-00000388
say "ceh show lists where the hours came from (学时来源)"
run show "$app"
say "fsck checks the records too"
run fsck
