#!/bin/sh
# exchange.sh - three organisations, three stores, one USB stick
# (ceh-exchange(7)): an employer, a supervising department and the HR
# department each keep their own site with their own keys only; an
# application travels up by bundles, its approval comes back, and a slip
# printed at the HR department verifies at the employer's.
#
#   CEH_BIN=./ceh sh examples/exchange.sh
#
# Works in a temporary folder that is removed at the end.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "exchange.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
unset CEH_KEY CEH_STORE 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-exchange.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
usb=$tmp/usb
mkdir -p "$usb"

AGENCY=91430000MA4L00001D	# 湖南省人力资源和社会保障厅
SUP1=12430000MB1234567W		# 湖南省住房和城乡建设厅
SUP2=11430000006123456E		# 省建设工程质量安全监督总站
EMP=91430100MA4L12345A		# 湖南建工集团有限公司

# each organisation: its own store and its own key folder
# ceh --at SITE CMD...: run ceh at that organisation, hr, sup or emp
ceh() {
	_at=$2; shift 2
	printf '[%s] $ ceh %s\n' "$_at" "$*"
	XDG_CONFIG_HOME=$tmp/$_at-keys "$CEH_BIN" --store "$tmp/$_at" "$@"
}
say() { printf '\n==> %s\n' "$*"; }

say "each organisation makes its own keys; only public lines are handed over"
ceh --at hr key generate --unit $AGENCY
ceh --at sup key generate --unit $SUP1 >/dev/null
ceh --at sup key generate --unit $SUP2 >/dev/null
ceh --at emp key generate --unit $EMP >/dev/null
XDG_CONFIG_HOME=$tmp/hr-keys "$CEH_BIN" key show --unit $AGENCY > "$usb/agency.pub"
line() { XDG_CONFIG_HOME=$tmp/$1-keys "$CEH_BIN" key show --unit "$2" | head -1; }

say "the HR department's site: the registry and the certified keys"
ceh --at hr init --signed --site hr
ceh --at hr unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 --public-key "$(line hr $AGENCY)"
ceh --at hr unit add $SUP1 --name 湖南省住房和城乡建设厅 --kind supervisor --region 439900
ceh --at hr unit add $SUP2 --name 省建设工程质量安全监督总站 --kind supervisor --parent $SUP1 --region 439900
ceh --at hr unit add $EMP --name 湖南建工集团有限公司 --kind employer --parent $SUP2 --region 439900
ceh --at hr unit certify $SUP1 --as $AGENCY --public-key "$(line sup $SUP1)"
ceh --at hr unit certify $SUP2 --as $AGENCY --public-key "$(line sup $SUP2)"
ceh --at hr unit certify $EMP --as $AGENCY --public-key "$(line emp $EMP)"

say "the other two start from the agency's public key alone"
ceh --at emp init --signed --site employer --trust "$usb/agency.pub"
ceh --at sup init --signed --site supervisor --trust "$usb/agency.pub"
ceh --at hr send --to $EMP -o "$usb/hr-to-emp.bundle"
ceh --at hr send --to $SUP2 -o "$usb/hr-to-sup.bundle"
ceh --at emp receive "$usb/hr-to-emp.bundle"
ceh --at sup receive "$usb/hr-to-sup.bundle"
ceh --at emp site show
for s in hr sup emp; do sed -i 's/required: true/required: false/' "$tmp/$s/store.yaml"; done

say "the employer: an application, submitted and forwarded, onto the stick"
app=$(XDG_CONFIG_HOME=$tmp/emp-keys "$CEH_BIN" --store "$tmp/emp" apply --id 43010219850312123X --name 张三 --ethnicity 汉族 --unit $EMP \
    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 --series 工程 \
    --specialty 建筑学 --region 湖南省省本级)
echo "$app"
ceh --at emp add-year "$app" --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 \
    --pro-subject 专业课 --pro-hours 60.5 --pro-form 培训班
ceh --at emp submit "$app"
ceh --at emp review --as $EMP --approve "$app"
ceh --at emp send --to $SUP2 -o "$usb/emp-to-sup.bundle"

say "the supervising department: receive, review at both levels, on to the agency"
ceh --at sup receive "$usb/emp-to-sup.bundle"
ceh --at sup review --as $SUP2 --approve "$app"
ceh --at sup review --as $SUP1 --approve "$app"
ceh --at sup send --to $AGENCY -o "$usb/sup-to-hr.bundle"

say "the HR department: receive, approve, and send the decision back"
ceh --at hr receive "$usb/sup-to-hr.bundle"
ceh --at hr review --as $AGENCY --approve "$app"
ceh --at hr send --to $EMP -o "$usb/hr-to-emp-2.bundle"
ceh --at hr send --status

say "the employer: the approval arrives, signed; its receipt goes back"
ceh --at emp receive "$usb/hr-to-emp-2.bundle"
ceh --at emp verify "$app"
ceh --at emp send --to $AGENCY -o "$usb/emp-to-hr.bundle"
ceh --at hr receive "$usb/emp-to-hr.bundle"
ceh --at hr send --status

say "a slip printed at the HR department verifies at the employer's"
cp "$tmp/hr-keys/ceh/keys/$AGENCY.key" "$tmp/agency.key"
ceh --at hr print-slip --id 43010219850312123X --from 2023 --to 2023 --key "$tmp/agency.key" --format json -o "$usb/slip.json"
ceh --at emp verify-slip --file "$usb/slip.json"

say "the same bundle twice changes nothing"
ceh --at emp receive "$usb/hr-to-emp-2.bundle"
