#!/bin/sh
# transfer.sh - a person moves to another employer (调动), and the HR
# office corrects its registry of units:
#
#   a unit's name mistyped at registration      ceh unit edit --name
#   an employer moved under another supervisor  ceh unit edit --parent
#   a unit registered by mistake                ceh unit remove
#   張三 moves from 湖南建工 to a private firm  ceh transfer
#
#   CEH_BIN=./ceh sh examples/transfer.sh
#
# The store is signed (ceh-trust(7)); every unit's key is in one key
# folder here, for brevity.  Works in a temporary store that is removed
# at the end.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "transfer.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
unset CEH_FAULT CEH_CRASH CEH_NOW CEH_BATCH_CHUNK 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-transfer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CEH_STORE=$tmp/store XDG_CONFIG_HOME=$tmp/config

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@"; }
refused() {
	printf '$ ceh %s\n' "$*"
	set +e; ceh "$@"; _rc=$?; set -e
	[ "$_rc" != 0 ] || { echo "transfer.sh: expected a refusal" >&2; exit 1; }
	echo "(refused, exit status $_rc)"
}

AGENCY=91430000MA4L00001D	# 湖南省人力资源和社会保障厅
SUP1=12430000MB1234567W		# 湖南省住房和城乡建设厅
SUP2=11430000006123456E		# 省建设工程质量安全监督总站
EMP1=91430100MA4L12345A		# 湖南建工集团有限公司
EMP3=91350100M000100Y43		# 湖南某民营建筑公司 (first-level)
WRONG=91430100MA4L44444J	# registered by mistake
ID=43010219850312123X

say "Set up: a signed store, the unit tree and every unit's key"
ceh init --signed
for u in $AGENCY $SUP1 $SUP2 $EMP1 $EMP3; do ceh key generate --unit $u >/dev/null; done
pub() { ceh key show --unit "$1" | head -1; }
ceh unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 --public-key "$(pub $AGENCY)" >/dev/null
ceh unit add $SUP1 --name 湖南省住房和城乡建设厅 --kind supervisor --region 湖南省省本级 >/dev/null
ceh unit add $SUP2 --name 省建设工程质量安全监督总站 --kind supervisor --region 湖南省省本级 >/dev/null
ceh unit add $EMP1 --name 湖南建公集团有限公司 --kind employer --parent $SUP1 --region 湖南省省本级 >/dev/null
ceh unit add $EMP3 --name 湖南某民营建筑公司 --kind employer --region 长沙市 >/dev/null
ceh unit add $WRONG --name 长沙某设计公司 --kind employer --region 长沙市 >/dev/null
for u in $SUP1 $SUP2 $EMP1 $EMP3; do
	ceh unit certify $u --as $AGENCY --public-key "$(pub $u)" >/dev/null
done
ceh unit list

say "Corrections: a mistyped name (建公 for 建工), EMP1 belongs under SUP2"
run unit edit $EMP1 --name 湖南建工集团有限公司
refused unit edit $SUP2 --parent $EMP1
run unit edit $SUP2 --parent $SUP1
run unit edit $EMP1 --parent $SUP2
run unit show $EMP1
say "A unit registered by mistake is removed; one that is in use is not"
run unit remove $WRONG
refused unit remove $SUP1

say "张三 has a draft for 2024, and 2023 under review at his employer's supervisor"
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
att() { printf '%%PDF-1.4 evidence %s\n' "$2" > "$tmp/$2.pdf"; ceh attach "$1" --year "$2" "$tmp/$2.pdf" >/dev/null; }
# two open applications of one person: --allow-second says it is meant
app() { ceh apply --id $ID --name 张三 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 \
    --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级 \
    --allow-second; }
D=$(app); yr $D 2024; att $D 2024
V=$(app); yr $V 2023; att $V 2023
run submit $V
run review --as $EMP1 --approve $V

say "He moves to 湖南某民营建筑公司: the draft follows him, the one under review stays where it waits"
run transfer $ID --to $EMP3 --unit-nature 民营企业
run log $D
run list --unit $EMP3
say "The reports count him at his new employer now: EMP1 has nobody left, EMP3 has him"
run stats --unit $EMP1
run stats --unit $EMP3
say "His new employer submits the draft with its own key; SUP2 decides the other as before"
run submit $D
run review --as $SUP2 --approve $V
run verify $D
run fsck
