#!/bin/sh
# demo.sh - a guided tour of ceh on a fresh example store.
#
#   CEH_BIN=./ceh sh examples/demo.sh [DIR]
#
# `make demo` runs it.  Without DIR the store lives in a temporary
# directory that is removed at the end; with DIR (e.g. ./demo-store) it is
# created there and kept, so you can keep exploring:
#   CEH_STORE=./demo-store ./ceh list
#
# The store is signed (ceh-trust(7)), as every new store is: each unit of
# the tour makes a key pair, the agency's public key is the trust anchor
# and the agency certifies the other units' keys.  The private keys are
# never in the store: they are in the tour's own key folder
# ($XDG_CONFIG_HOME/ceh/keys, with XDG_CONFIG_HOME set to a temporary
# directory, or to DIR.keys when the store is kept; yours is not touched).
# Here one key folder holds every unit's key; examples/four-roles.sh gives
# each organisation its own.
#
# The tour is in numbered sections; later features append their own
# sections at the end (see the marker there), using the same helpers:
#   say TEXT...   print a heading
#   run ARGS...   print "$ ceh ARGS" and run it (stops the demo on failure)
#   run_keep NAME ARGS...  run, and keep the id it prints under NAME
#   app_of NAME   the application id kept under NAME
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "demo.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
export CEH_USER="${CEH_USER:-demo}"
unset CEH_FAULT CEH_CRASH CEH_NOW CEH_KEY 2>/dev/null || true

if [ $# -ge 1 ]; then
	CEH_STORE=$1
	XDG_CONFIG_HOME=${1%/}.keys
	keep_store=1
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-demo.XXXXXX")
	CEH_STORE=$tmp/store
	XDG_CONFIG_HOME=$tmp/config
	keep_store=0
fi
export CEH_STORE XDG_CONFIG_HOME
ids=$(mktemp "${TMPDIR:-/tmp}/ceh-demo-ids.XXXXXX")
other=$(mktemp -d "${TMPDIR:-/tmp}/ceh-demo-unsigned.XXXXXX")
trap 'rm -f "$ids"; rm -rf "$other"; [ "$keep_store" = 1 ] || rm -rf "${tmp:-}"' EXIT

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() {
	printf '$ ceh'
	for _arg in "$@"; do
		case $_arg in
		*[\ \"\']*) printf " '%s'" "$_arg" ;;
		*) printf ' %s' "$_arg" ;;
		esac
	done
	printf '\n'
	ceh "$@"
}
keep() { printf '%s %s\n' "$1" "$2" >> "$ids"; }   # keep NAME ID
# run_keep NAME ARGS...: run, and keep the id it prints under NAME
run_keep() {
	_name=$1; shift
	_out=$(run "$@")
	printf '%s\n' "$_out"
	keep "$_name" "$(printf '%s\n' "$_out" | tail -n 1)"
}
app_of() { awk -v n="$1" '$1 == n { print $2 }' "$ids"; }
# pub UNIT: the public line of the unit's key (in the key folder)
pub() { ceh key show --unit "$1" | head -n 1; }

# Units used by the tour: the provincial HR department (agency), the
# provincial housing department (supervisor) with a sub-supervisor, and
# three employers.
AGENCY=91430000MA4L00001D
SUP1=12430000MB1234567W
SUP2=11430000006123456E
EMP1=91430100MA4L12345A
EMP2=91430100MA4L222221
EMP3=91350100M000100Y43

# ---------------------------------------------------------------------------
say "1. Create a store (ceh init; signed, the default) in $CEH_STORE"
run init

# ---------------------------------------------------------------------------
say "2. Every unit makes its key pair (ceh key generate); the private key stays in its key folder"
for u in $AGENCY $SUP1 $SUP2 $EMP1 $EMP2 $EMP3; do
	run key generate --unit $u
done
say "Register units: agency, supervisors, employers (ceh unit add); the agency's public key is the store's trust anchor"
run unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 --public-key "$(pub $AGENCY)"
run unit add $SUP1 --name 湖南省住房和城乡建设厅 --kind supervisor --region 湖南省省本级
run unit add $SUP2 --name 省建设工程质量安全监督总站 --kind supervisor --parent $SUP1 --region 湖南省省本级
run unit add $EMP1 --name 湖南建工集团有限公司 --kind employer --parent $SUP2 --region 湖南省省本级
run unit add $EMP2 --name 长沙市规划设计院 --kind employer --parent $SUP1 --region 长沙市
run unit add $EMP3 --name 湖南某民营建筑公司 --kind employer --region 长沙市
say "The agency certifies every other unit's public key (ceh unit certify); no decision is taken without a key"
for u in $SUP1 $SUP2 $EMP1 $EMP2 $EMP3; do
	run unit certify $u --as $AGENCY --public-key "$(pub $u)"
done
run unit list
say "A unit's review chain runs up to the agency of its region"
run unit show $EMP1

# ---------------------------------------------------------------------------
say "3. Create draft applications (ceh apply prints the new id)"
run_keep zhang apply --id 43010219850312123X --name 张三 --ethnicity 汉族 --unit $EMP1 \
    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
    --series 工程 --specialty 建筑学 --region 湖南省省本级 --education 大学本科
a=$(app_of zhang)
run_keep ouyang apply --id 430104199001014562 --name 欧阳娜娜 --ethnicity 土家族 --unit $EMP2 \
    --unit-nature 事业单位 --title-level 中级 --phone 0731-84123456 \
    --series 工程 --specialty 城乡规划 --region 长沙市
b=$(app_of ouyang)
run_keep li apply --id 430602197811307899 --name 李四 --ethnicity 汉族 --unit $EMP3 \
    --unit-nature 民营企业 --title-level 正高级 --phone 13912345678 \
    --series 工程 --specialty 岩土工程 --region 430100 --education 硕士研究生
c=$(app_of li)

say "4. Declare the hours of each year (ceh add-year); the total is computed"
run add-year "$a" --year 2023 \
    --public-subject 公需科目：专业技术人员职业道德 --public-hours 30 --public-form 远程教育 \
    --pro-subject 装配式建筑施工技术 --pro-hours 60 --pro-form 培训班
run add-year "$a" --year 2024 \
    --public-subject 公需科目：数字经济 --public-hours 30 --public-form 网络培训 \
    --pro-subject 建筑结构新技术 --pro-hours 64.5 --pro-form 研修班
say "   (网络培训 is an alias: it is stored as 远程教育)"
run add-year "$b" --year 2024 \
    --public-subject 公需科目 --public-hours 30 --public-form 远程教育 \
    --pro-subject 国土空间规划 --pro-hours 40 --pro-form 学术会议
run add-year "$c" --year 2022 --pro-subject 岩土工程前沿 --pro-hours 72 --pro-form 培训班
run add-year "$c" --year 2023 --pro-subject 岩土工程前沿 --pro-hours 70 --pro-form 培训班
say "A year appears once; --replace changes it"
run add-year "$b" --year 2024 --replace \
    --public-subject 公需科目 --public-hours 30 --public-form 远程教育 \
    --pro-subject 国土空间规划 --pro-hours 60 --pro-form 学术会议
say "Fix a detail of the applicant (ceh edit) and drop a year (ceh rm-year)"
run edit "$c" --phone 0731-88886666
run rm-year "$c" --year 2022
say "Bad input is refused with a clear message, an exit code and no change"
if run add-year "$a" --year 2024 --pro-subject x --pro-hours 30.25 --pro-form 培训班; then
	echo "demo.sh: expected a refusal" >&2; exit 1
else
	echo "(exit status $?)"
fi

# ---------------------------------------------------------------------------
say "5. Show one application (the guide's detail view)"
run show "$a"
say "List all applications (the guide's list view)"
run list
say "The same as CSV for a spreadsheet, filtered to one year"
run list --year 2024 --format csv

# ---------------------------------------------------------------------------
# Later sections (workflow, attachments, import, slips) go below this line.
# ---------------------------------------------------------------------------

# ---------------------------------------------------------------------------
say "6. Attach evidence to every year row (ceh attach); the type is decided by content"
ev=$(mktemp -d "${TMPDIR:-/tmp}/ceh-demo-files.XXXXXX")
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' > "$ev/继续教育证书.pdf"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\10\2\0\0\0' > "$ev/学时证明.png"
printf '\377\330\377\340\0\020JFIF\0\1\1\0\0\1\0\1\0\0\377\331' > "$ev/scan.jpg"
run attach "$a" --year 2023 "$ev/继续教育证书.pdf"
run attach "$a" --year 2024 "$ev/继续教育证书.pdf" "$ev/scan.jpg"
run attach "$b" --year 2024 --name 学术会议证明.png "$ev/学时证明.png"
run attach "$c" --year 2023 "$ev/继续教育证书.pdf"
run attach "$a" --list
say "A reviewer extracts them (verified against the document while written)"
run attach "$a" --extract "$ev/review"
rm -rf "$ev"

# ---------------------------------------------------------------------------
say "7. The review workflow (see ceh-workflow(7)): submit (提交) to the employer, signed with its key"
run submit "$a"
run submit "$b"
run submit "$c"
say "The employer's reviewer works through its queue; approval goes to its supervising unit"
run list --at $EMP1
run review --as $EMP1 --approve "$a"
say "A supervising unit returns it (退回) with a reason; the applicant corrects it and submits again"
run review --as $SUP2 --return --reason 请补充2024年研修班结业证书 "$a"
run list --id 43010219850312123X
run submit "$a"
run review --as $EMP1 --approve "$a"
run review --as $SUP2 --approve "$a"
say "EMP2 approves; SUP1 then decides on both in one batch (ids on standard input)"
run review --as $EMP2 --approve "$b"
printf '%s\n%s\n' "$a" "$b" | run review --as $SUP1 --approve -
say "A first-level employer rejects (审核不通过, final, with a reason)"
run review --as $EMP3 --reject --reason 学时证明与培训记录不符 "$c"
say "The agency (人社部门) approves its whole queue in one batch (批量审核); that is final"
run list --at $AGENCY
ceh list --at $AGENCY --format tsv | tail -n +2 | cut -f1 | run review --as $AGENCY --approve -
say "Every decision is in the history (ceh log), oldest first"
run log "$a"
run list
say "Who signed what: every event chained, every decision signed by its unit's certified key (ceh verify)"
run verify "$a"
say "And the store checks out, every chain and signature (ceh fsck)"
run fsck

# ---------------------------------------------------------------------------
# Slips: once the tour has approved applications (the workflow section).
slip_id=$(find "$CEH_STORE/people" -path '*/approved/*.yaml' 2>/dev/null | head -n 1 | awk -F/ '{ print $(NF-2) }')
if [ -n "$slip_id" ]; then
	say "Print the hour verification slip (ceh print-slip): approved hours only, every year shown"
	slip_out=$(run print-slip --id "$slip_id" --for senior --year 2025)
	printf '%s\n' "$slip_out"
	slip_code=$(printf '%s\n' "$slip_out" | sed -n 's/^验证码：\([0-9A-Z-]*\).*/\1/p')
	say "Check a slip by its code (ceh verify-slip)"
	run verify-slip "$slip_code"
fi

# ---------------------------------------------------------------------------
# Import: a training provider's CSV of hour records (see examples/import.sh).
say "Import a training provider's hour records (ceh import); two rows are wrong on purpose"
printf '$ ceh import examples/provider-records.csv\n'
"$CEH_BIN" import "$root/examples/provider-records.csv" 2>&1 || true
say "The hours on record for a person (ceh records)"
run records --id 43010219850312123X --year 2024

# ---------------------------------------------------------------------------
# Trust (ceh-trust(7)): a store made with --unsigned, for a single office
# that wants no keys, says so; ceh migrate makes it signed.  (A second,
# temporary store: this tour's own is signed from the start.)
say "A store made with ceh init --unsigned decides without keys, and says its decisions are unsigned"
# u ARGS...: ceh in that store, with an empty key folder
u() { XDG_CONFIG_HOME=$other/no-keys "$CEH_BIN" --store "$other/store" "$@"; }
printf '$ ceh --store %s init --unsigned\n' "$other/store"
u init --unsigned
u unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 >/dev/null
u unit add $EMP3 --name 湖南某民营建筑公司 --kind employer --region 长沙市 >/dev/null
printf '%%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n' > "$other/证书.pdf"
w=$(u apply --id 430602197811307899 --name 李四 --ethnicity 汉族 --unit $EMP3 \
    --unit-nature 民营企业 --title-level 正高级 --phone 13912345678 \
    --series 工程 --specialty 岩土工程 --region 430100)
u add-year "$w" --year 2023 --pro-subject 岩土工程前沿 --pro-hours 70 --pro-form 培训班 >/dev/null
u attach "$w" --year 2023 "$other/证书.pdf" >/dev/null
say "   Its units are registered without keys; 李四 applies and the employer approves, no key anywhere"
printf '$ ceh submit %s\n' "$w"; u submit "$w"
printf '$ ceh review --as %s --approve %s\n' $EMP3 "$w"; u review --as $EMP3 --approve "$w"
printf '$ ceh show %s | grep 签名\n' "$w"; u show "$w" | grep '^签名'
printf '$ ceh fsck\n'; u fsck 2>&1
say "The agency makes it signed (ceh migrate): its key becomes the trust anchor; the history so far is kept, marked unsigned"
run --store "$other/store" migrate --as $AGENCY --public-key "$(pub $AGENCY)"
run --store "$other/store" verify "$w"
run --store "$other/store" fsck 2>&1

say "Done.  The store is plain files:"
(cd "$CEH_STORE" && find . -name .lock -prune -o -type f -print | LC_ALL=C sort | sed 's/^/    /')
if [ "$keep_store" = 1 ]; then
	echo "It is kept in $CEH_STORE, the units' keys in $XDG_CONFIG_HOME/ceh/keys:"
	echo "try CEH_STORE=$CEH_STORE $CEH_BIN list (to decide: XDG_CONFIG_HOME=$XDG_CONFIG_HOME too)"
fi
