#!/bin/sh
# four-roles.sh - the review workflow of the guide played by its four
# roles, each on its own turn:
#
#   the applicant (申报人)            apply, declare, attach, submit, withdraw,
#                                     correct a returned application
#   the employer (用人单位)            its queue, the materials, approve/reject
#   the supervising departments       the same decisions one level up, at any
#   (主管部门 / 上级审核单位)          depth (two levels here)
#   the HR agency (人社部门)           final approval, in batch (批量审核)
#
#   CEH_BIN=./ceh sh examples/four-roles.sh
#
# The store is signed (ceh-trust(7)): every organisation holds its own
# private key in its own key folder ($XDG_CONFIG_HOME/ceh/keys, one
# folder per organisation here); the agency's public key is the trust
# anchor and the agency certifies every other unit's key.  The employer's
# clerk submits and withdraws for its staff, with the employer's key.
#
# Works in a temporary store that is removed at the end.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "four-roles.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
unset CEH_FAULT CEH_CRASH CEH_NOW CEH_BATCH_CHUNK 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-roles.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CEH_STORE=$tmp/store

ceh() { "$CEH_BIN" "$@"; }
# org WHO: the key folder of the organisation a person acts for
org() {
	case $1 in
	zhangsan|lisi|hr-jiangong) echo "$tmp/keys/emp1" ;;
	wangwu|hr-minying) echo "$tmp/keys/emp3" ;;
	zhijianzhan) echo "$tmp/keys/sup2" ;;
	zhujianting) echo "$tmp/keys/sup1" ;;
	*) echo "$tmp/keys/agency" ;;
	esac
}
say() { printf '\n==> %s\n' "$*"; }
# as ROLE ARGS...: run a command as one of the roles (CEH_USER goes into
# the history as "by")
as() { _who=$1; shift; printf '[%s] $ ceh %s\n' "$_who" "$*"; CEH_USER=$_who XDG_CONFIG_HOME=$(org "$_who") ceh "$@"; }
refused() {
	_who=$1; shift
	printf '[%s] $ ceh %s\n' "$_who" "$*"
	set +e; CEH_USER=$_who XDG_CONFIG_HOME=$(org "$_who") ceh "$@"; _rc=$?; set -e
	[ "$_rc" != 0 ] || { echo "four-roles.sh: expected a refusal" >&2; exit 1; }
	echo "(refused, exit status $_rc)"
}
# queue UNIT: the ids waiting at a unit
queue() { ceh list --at "$1" --format tsv | tail -n +2 | cut -f1; }

AGENCY=91430000MA4L00001D	# 湖南省人力资源和社会保障厅
SUP1=12430000MB1234567W		# 湖南省住房和城乡建设厅
SUP2=11430000006123456E		# 省建设工程质量安全监督总站 (under SUP1)
EMP1=91430100MA4L12345A		# 湖南建工集团有限公司 (under SUP2)
EMP3=91350100M000100Y43		# 湖南某民营建筑公司 (first-level)

say "Set up: a store and the unit tree (the HR office does this once)"
ceh init --signed
say "Every organisation makes its key pair; the private key stays in its own key folder"
for o in agency:$AGENCY sup1:$SUP1 sup2:$SUP2 emp1:$EMP1 emp3:$EMP3; do
	XDG_CONFIG_HOME=$tmp/keys/${o%%:*} ceh key generate --unit ${o#*:} >/dev/null
done
pub() { XDG_CONFIG_HOME=$tmp/keys/$1 ceh key show --unit $2 | head -1; }
say "The agency's public key is the store's trust anchor"
ceh unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 --public-key "$(pub agency $AGENCY)" >/dev/null
ceh unit add $SUP1 --name 湖南省住房和城乡建设厅 --kind supervisor --region 湖南省省本级 >/dev/null
ceh unit add $SUP2 --name 省建设工程质量安全监督总站 --kind supervisor --parent $SUP1 --region 湖南省省本级 >/dev/null
ceh unit add $EMP1 --name 湖南建工集团有限公司 --kind employer --parent $SUP2 --region 湖南省省本级 >/dev/null
ceh unit add $EMP3 --name 湖南某民营建筑公司 --kind employer --region 长沙市 >/dev/null
ceh unit list
say "The other units send their public keys to the agency, which certifies them"
for o in sup1:$SUP1 sup2:$SUP2 emp1:$EMP1 emp3:$EMP3; do
	as rensheting unit certify ${o#*:} --as $AGENCY --public-key "$(pub ${o%%:*} ${o#*:})"
done
as rensheting unit show $EMP1
say "Without its key nobody can decide for a unit: another unit's key is refused"
refused hr-jiangong review --as $SUP2 --approve 43010219850312123X-00000000000000000000

ev=$tmp/evidence
mkdir -p "$ev"
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' > "$ev/证书.pdf"
printf '%%PDF-1.4\n2 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 2 0 R>>\n%%%%EOF\n' > "$ev/结业证书.pdf"

# an applicant's draft with one year and its evidence; prints the id
draft() { # draft WHO ID NAME UNIT YEAR [APPLY OPTIONS]
	_w=$1 _i=$2 _n=$3 _u=$4 _y=$5; shift 5
	_a=$(CEH_USER=$_w ceh apply --id "$_i" --name "$_n" --ethnicity 汉族 --unit "$_u" \
	    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
	    --series 工程 --specialty 建筑学 --region 湖南省省本级 "$@")
	set -- "$_w" "$_i" "$_n" "$_u" "$_y"
	CEH_USER=$1 ceh add-year "$_a" --year "$5" --public-subject 公需科目 --public-hours 30 \
	    --public-form 远程教育 --pro-subject 建筑结构新技术 --pro-hours 60 --pro-form 培训班 >/dev/null
	CEH_USER=$1 ceh attach "$_a" --year "$5" "$ev/证书.pdf" >/dev/null
	echo "$_a"
}

# ---------------------------------------------------------------------------
say "Role 1, the applicant: declare, attach evidence, submit (提交)"
a=$(draft zhangsan 43010219850312123X 张三 $EMP1 2024)
as zhangsan show "$a"
as zhangsan submit "$a"
say "Submitted: the applicant can change nothing now"
refused zhangsan edit "$a" --phone 13800000000
say "...but can take it back (撤销) while the employer has not decided"
as zhangsan withdraw "$a"
as zhangsan edit "$a" --phone 13800000000
as zhangsan submit "$a"
say "Two colleagues apply too (one of them twice for the same year)"
b=$(draft lisi 430104199001014562 李四 $EMP1 2024); as lisi submit "$b"
c=$(draft wangwu 430602197811307899 王五 $EMP3 2024); as wangwu submit "$c"
say "A second open application for the same person is refused unless meant"
refused wangwu apply --id 430602197811307899 --name 王五 --ethnicity 汉族 --unit $EMP3 \
    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
    --series 工程 --specialty 建筑学 --region 湖南省省本级
d=$(draft wangwu 430602197811307899 王五 $EMP3 2024 --allow-second); as wangwu submit "$d"

# ---------------------------------------------------------------------------
say "Role 2, the employers (学时核认申报单位审核): their queues"
as hr-jiangong list --at $EMP1
as hr-jiangong attach "$a" --list
say "Approve: it goes up to the employer's supervising unit"
as hr-jiangong review --as $EMP1 --approve "$a" "$b"
say "Only the unit an application waits at may decide"
refused hr-jiangong review --as $EMP1 --approve "$a"
say "A first-level employer sends straight to the agency of its region"
as hr-minying review --as $EMP3 --approve "$c"
say "...and rejects the duplicate (审核不通过, final; a reason is required)"
refused hr-minying review --as $EMP3 --reject "$d"
as hr-minying review --as $EMP3 --reject --reason "与已提交的申报重复" "$d"
refused wangwu withdraw "$d"

# ---------------------------------------------------------------------------
say "Role 3, the supervising departments (学时核认上级单位审核)"
as zhijianzhan list --at $SUP2
say "SUP2 returns one (退回) with a reason"
as zhijianzhan review --as $SUP2 --return --reason "请补充2024年培训班结业证书" "$b"
as lisi show "$b"
say "The applicant corrects it and submits again: it starts at the employer"
as lisi attach "$b" --year 2024 "$ev/结业证书.pdf"
as lisi submit "$b"
as hr-jiangong review --as $EMP1 --approve "$b"
say "SUP2 approves both in one batch (ids on standard input); then SUP1"
queue $SUP2 | as zhijianzhan review --as $SUP2 --approve -
queue $SUP1 | as zhujianting review --as $SUP1 --approve -

# ---------------------------------------------------------------------------
say "Role 4, the HR agency (人社部门): batch review of its whole queue (批量审核)"
as rensheting list --at $AGENCY
queue $AGENCY | as rensheting review --as $AGENCY --approve -
say "The agency's approval is final"
refused rensheting review --as $AGENCY --approve "$a"

# ---------------------------------------------------------------------------
say "Everyone sees the status and the latest reason"
ceh list
say "The history of an application: every event, oldest first (ceh log)"
ceh log "$b"
say "Who signed what: every decision verifies with its unit's certified key (ceh verify)"
ceh verify "$a"
say "The store is consistent, every chain and signature checked (ceh fsck)"
ceh fsck
