#!/bin/sh
# office.sh - an employer's clerk enters 30 staff from a file and takes
# them through review in batches (单位代报, 批量提交, 批量审核):
#
#   30 people from staff.csv                 ceh apply --from
#   their 2024 hours from years.csv          ceh add-year --from
#   a certificate each                       ceh attach
#   the same file twice is refused           (same SHA-256)
#   all 30 submitted at once, ids on stdin   ceh submit -
#   the employer approves them in one batch  ceh review --approve -
#   the supervisor returns one, passes 29    ceh review --return / -
#   the returned one is corrected, resent     ceh attach, ceh submit
#   the HR department approves all 30        ceh review --approve -
#   a provider's records found by name       ceh records --name '张*'
#
#   CEH_BIN=./ceh sh examples/office.sh
#
# The ids go from one command to the next as TSV without a header
# (--no-header), the way scripts chain commands.  Works in a temporary
# store that is removed at the end.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
: "${CEH_BIN:=$root/ceh}"
[ -x "$CEH_BIN" ] || { echo "office.sh: no ceh binary at $CEH_BIN (run make first)" >&2; exit 1; }
export CEH_DATADIR="${CEH_DATADIR:-$root/data}"
export CEH_USER="${CEH_USER:-clerk}"
unset CEH_FAULT CEH_CRASH CEH_NOW CEH_BATCH_CHUNK 2>/dev/null || true
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ceh-office.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CEH_STORE=$tmp/store

ceh() { "$CEH_BIN" "$@"; }
say() { printf '\n==> %s\n' "$*"; }
run() { printf '$ ceh %s\n' "$*"; ceh "$@"; }
# run_some N ARGS...: run, showing the first N lines of standard output,
# then all of standard error
run_some() {
	_n=$1; shift
	printf '$ ceh %s\n' "$*"
	ceh "$@" > "$tmp/o" 2> "$tmp/e"
	head -n "$_n" "$tmp/o"
	echo "    ... ($(wc -l < "$tmp/o") lines)"
	cat "$tmp/e"
}
refused() {
	printf '$ ceh %s\n' "$*"
	set +e; ceh "$@"; _rc=$?; set -e
	[ "$_rc" != 0 ] || { echo "office.sh: expected a refusal" >&2; exit 1; }
	echo "(refused, exit status $_rc)"
}
# the ids of the applications waiting at a unit, one a line
queue() { ceh list --at "$1" --format tsv --no-header | cut -f1; }

AGENCY=91430000MA4L00001D	# 湖南省人力资源和社会保障厅
SUP=12430000MB1234567W		# 湖南省住房和城乡建设厅
EMP=91430100MA4L12345A		# 湖南建工集团有限公司

# --unsigned: about the office's bulk work; ceh-trust(7) and
# examples/four-roles.sh show the signed store where each unit signs
ceh init --unsigned >/dev/null
ceh unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 >/dev/null
ceh unit add $SUP --name 湖南省住房和城乡建设厅 --kind supervisor --region 湖南省省本级 >/dev/null
ceh unit add $EMP --name 湖南建工集团有限公司 --kind employer --parent $SUP --region 湖南省省本级 >/dev/null

# 30 people with valid ID numbers (GB 11643 check digit) and their
# certificates, made here; a real office exports them from its HR sheet
awk -v dir="$tmp" 'BEGIN {
	split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
	split("1 0 X 9 8 7 6 5 4 3 2", c, " ")
	sur = "张 李 王 赵 刘 陈 杨 黄 周 吴 徐 孙 马 朱 胡 郭 何 林 罗 高 郑 梁 谢 宋 唐 许 韩 冯 邓 曹"
	split(sur, s, " ")
	staff = dir "/staff.csv"; years = dir "/years.csv"
	print "证件号码,姓名,民族,工作单位,单位性质,拟申报职称,联系电话,最高学历,申报大类,子专业名称,行政区划名称" > staff
	print "证件号码,年度,公需科目名称,公需学时,公需继续教育形式,专业科目名称,专业学时,专业继续教育形式" > years
	for (k = 0; k < 30; k++) {
		id = sprintf("43010219850312%03d", 200 + k)
		sum = 0
		for (i = 1; i <= 17; i++) sum += substr(id, i, 1) * w[i]
		id = id c[sum % 11 + 1]
		name = s[k + 1] (k % 2 ? "建华" : "立新")
		printf "%s,%s,汉族,湖南建工集团有限公司,国有企业,中级,1555656%04d,大学本科,工程,建筑学,湖南省省本级\n", id, name, 5600 + k > staff
		printf "%s,2024,专业技术人员职业道德,30,网络培训,建筑工程施工质量控制,%d,培训班\n", id, 60 + k % 3 * 6 > years
		printf "%%PDF-1.4\n%% 2024年度继续教育证书 %s %s\n%%%%EOF\n", id, name > (dir "/cert-" id ".pdf")
		print id > (dir "/ids")
	}
}'
# the same people took a provider's course: its records, by ID number
{ echo "证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号"
  k=0; while read -r id; do
	n=$(grep "^$id," "$tmp/staff.csv" | cut -d, -f2)
	echo "$id,$n,2024,专业科目,装配式建筑设计,12,培训班,湖南大学继续教育学院,JX$k"; k=$((k + 1))
  done < "$tmp/ids"; } > "$tmp/provider.csv"

say "staff.csv: 30 rows; one draft per person"
head -3 "$tmp/staff.csv"
run_some 3 apply --from "$tmp/staff.csv"
say "Run again: every row is recognised as done, nothing new"
run_some 2 apply --from "$tmp/staff.csv"
say "The drafts' ids, as a script takes them: TSV without the header"
queue_drafts() { ceh list --stage draft --format tsv --no-header | cut -f1; }
queue_drafts > "$tmp/apps"
echo "    $(wc -l < "$tmp/apps") drafts; the first: $(head -1 "$tmp/apps")"
say "Their 2024 hours from years.csv, keyed by ID number"
run_some 3 add-year --from "$tmp/years.csv"

say "A certificate for each (the file named by the person's ID number)"
while read -r app; do
	ceh attach "$app" --year 2024 "$tmp/cert-${app%%-*}.pdf" >/dev/null
done < "$tmp/apps"
first=$(head -1 "$tmp/apps")
run attach "$first" --list
say "The same file again (also under another name) is refused: same SHA-256"
cp "$tmp/cert-${first%%-*}.pdf" "$tmp/copy.pdf"
refused attach "$first" --year 2024 "$tmp/copy.pdf"

say "All 30 submitted in one call, the ids on standard input"
ceh submit - < "$tmp/apps" > "$tmp/o"
head -3 "$tmp/o"; echo "    ... ($(wc -l < "$tmp/o") lines)"

say "The employer approves its whole queue in one batch"
echo "    $(queue $EMP | wc -l) waiting at $EMP"
queue $EMP | ceh review --as $EMP --approve - > "$tmp/o"
head -2 "$tmp/o"; echo "    ... ($(wc -l < "$tmp/o") lines)"

say "The supervisor returns one (退回) with a reason, approves the other 29"
back=$(queue $SUP | sed -n 7p)
run review --as $SUP --return --reason "请补充2024年培训班结业证书" "$back"
queue $SUP | ceh review --as $SUP --approve - > "$tmp/o"
echo "    $(wc -l < "$tmp/o") approved and sent on to $AGENCY"

say "The clerk adds the missing certificate and submits it again"
printf '%%PDF-1.4\n%% 培训班结业证书 %s\n%%%%EOF\n' "${back%%-*}" > "$tmp/结业证书.pdf"
run attach "$back" --year 2024 "$tmp/结业证书.pdf"
run submit "$back"
run review --as $EMP --approve "$back"
run review --as $SUP --approve "$back"

say "The HR department (人社部门) approves all 30: final (审核通过)"
queue $AGENCY | ceh review --as $AGENCY --approve - > "$tmp/o"
echo "    $(wc -l < "$tmp/o") approved"
run list --stage approved --format tsv --no-header -o "$tmp/approved.tsv"
echo "    approved.tsv: $(wc -l < "$tmp/approved.tsv") rows, no header line"

say "The provider's records arrive; the clerk finds the 张s by name"
ceh import "$tmp/provider.csv" >/dev/null 2>&1
run records --name '张*'
