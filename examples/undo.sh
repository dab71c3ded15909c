#!/bin/sh
# undo.sh - correcting a decision made by mistake (issue 18):
#
#   the employer forwarded one by mistake     ceh review --undo
#   (the supervisor has not decided yet)
#   too late once the next unit has decided   (refused)
#   the agency approved on false evidence     ceh review --revoke --reason
#   the slip that counted it                  ceh verify-slip: revoked
#
#   CEH_BIN=./ceh sh examples/undo.sh
#
# The store is signed (ceh-trust(7)): every correction is signed by the
# unit that makes it, like the decision it corrects, and is an event of
# the history, never an edit.  Every unit's key is in one key folder here,
# for brevity.  Works in a temporary store that is removed at the end.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "undo.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
unset CEH_FAULT CEH_CRASH CEH_NOW CEH_BATCH_CHUNK CEH_KEY 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-undo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CEH_STORE=$tmp/store XDG_CONFIG_HOME=$tmp/config

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@"; }
refused() {
	printf '$ ceh %s\n' "$*"
	set +e; ceh "$@"; _rc=$?; set -e
	[ "$_rc" != 0 ] || { echo "undo.sh: expected a refusal" >&2; exit 1; }
	echo "(refused, exit status $_rc)"
}
# verdict: a command whose exit status is its answer (verify-slip: 4 for
# a slip no longer good)
verdict() {
	printf '$ ceh %s\n' "$*"
	set +e; ceh "$@"; _rc=$?; set -e
	echo "(exit status $_rc)"
}

AGENCY=91430000MA4L00001D	# 湖南省人力资源和社会保障厅
SUP1=12430000MB1234567W		# 湖南省住房和城乡建设厅
EMP1=91430100MA4L12345A		# 湖南建工集团有限公司
ID=43010219850312123X

say "Set up: a signed store, the unit tree and every unit's key"
ceh init --signed
for u in $AGENCY $SUP1 $EMP1; do ceh key generate --unit $u >/dev/null; done
pub() { ceh key show --unit "$1" | head -1; }
ceh unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 --public-key "$(pub $AGENCY)" >/dev/null
ceh unit add $SUP1 --name 湖南省住房和城乡建设厅 --kind supervisor --region 湖南省省本级 >/dev/null
ceh unit add $EMP1 --name 湖南建工集团有限公司 --kind employer --parent $SUP1 --region 湖南省省本级 >/dev/null
for u in $SUP1 $EMP1; do
	ceh unit certify $u --as $AGENCY --public-key "$(pub $u)" >/dev/null
done

say "张三 applies for 2024; his employer submits it"
A=$(ceh apply --id $ID --name 张三 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 \
    --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级)
ceh add-year $A --year 2024 --public-subject 公需课 --public-hours 30 --public-form 远程教育 \
    --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null
printf '%%PDF-1.4 evidence 2024\n' > "$tmp/2024.pdf"
ceh attach $A --year 2024 "$tmp/2024.pdf" >/dev/null
run submit $A

say "The employer forwards it by mistake (the certificate is missing), and takes it back"
run review --as $EMP1 --approve $A
refused review --as $SUP1 --undo $A
run review --as $EMP1 --undo --reason 误点通过，证书缺失 $A
run list --at $EMP1
run review --as $EMP1 --return --reason 请补充2024年证书 $A

say "The clerk adds the certificate and submits again; this time it goes up"
printf '%%PDF-1.4 certificate 2024\n' > "$tmp/cert.pdf"
ceh attach $A --year 2024 "$tmp/cert.pdf" >/dev/null
run submit $A
run review --as $EMP1 --approve $A
run review --as $SUP1 --approve $A
say "The supervisor has decided: the employer can no longer undo"
refused review --as $EMP1 --undo $A
run review --as $AGENCY --approve $A

say "A slip is issued for 2020-2024"
ceh print-slip --id $ID --from 2020 --to 2024 --key "$XDG_CONFIG_HOME/ceh/keys/$AGENCY.key" > "$tmp/slip.txt"
num=$(sed -n 's/^编号：\([^ ]*\) .*/\1/p' "$tmp/slip.txt")
run verify-slip $num

say "The certificate turns out forged: the agency revokes its approval, with the reason"
refused review --as $AGENCY --undo $A
run review --as $AGENCY --revoke --reason 证书系伪造 $A
run log $A
say "The slip that counted it is revoked; the hours count nowhere"
verdict verify-slip $num
run stats --year 2024
run verify $A
run fsck
