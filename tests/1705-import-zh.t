#!/bin/sh
# Import, apply --from and add-year in the user's language (issue 17):
# the refusals, a rejected row's reason (on stderr and in the --rejects
# file), the summaries and the per-row outcome lines follow the locale
# (zh_CN.UTF-8 or C) with the same exit codes; the outcome column on
# stdout, the --rejects file's data and the TSV/JSON of what was
# imported or created are byte-identical in both.
. "${0%/*}/lib.sh"
plan 81
unset LANGUAGE
ceh init --unsigned >/dev/null && mk_units || exit 1
A=$(apply_std $ID1) || exit 1
H=证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
P=湖南大学继续教育学院
# a provider's file: one good row (its hours in full-width digits), one
# whose 科目类型 is neither type, one with a bad ID number
cat > "$T/mixed.csv" <<CSV
$H
$ID1,张三,2024,公需科目,职业道德与诚信建设,３０,网络培训,$P,H-0001
$ID1,张三,2024,选修科目,建筑工程施工质量控制,40,培训班,$P,H-0002
430602197811307898,王五,2024,专业科目,人工智能与健康,6,培训班,$P,H-0003
CSV

both() { # both CODE NAME ZH-REGEX C-REGEX CMD...: the message in each language
	_code=$1 _name=$2 _zh=$3 _c=$4; shift 4
	LC_ALL=zh_CN.UTF-8 expect_code "$_code" "$_name (zh_CN)" "$@"
	like "$T/err" "$_zh" "... in Chinese"
	cp "$T/out" "$T/both.zh"
	LC_ALL=C expect_code "$_code" "$_name (C)" "$@"
	like "$T/err" "$_c" "... in English"
}
D0=$(store_digest)

# ---- ceh import ----
both 1 "a dry run with rejected rows: the summary" \
    '^ceh import：.*mixed.csv：读取 3，导入 1，重复 0，冲突 0，拒绝 2$' \
    '^ceh import: .*mixed.csv: read 3, imported 1, duplicates 0, conflicts 0, rejected 2$' \
    ceh import --dry-run "$T/mixed.csv"
LC_ALL=zh_CN.UTF-8 ceh import --dry-run "$T/mixed.csv" 2> "$T/imp.zh"
LC_ALL=C ceh import --dry-run "$T/mixed.csv" 2> "$T/imp.c"
like "$T/imp.zh" "mixed.csv:3：科目类型 '选修科目' 既不是公需科目也不是专业科目" \
    "a rejected row's reason in Chinese"
like "$T/imp.c" "mixed.csv:3: 科目类型 '选修科目' is neither 公需科目 nor 专业科目" \
    "... and in English"
like "$T/imp.zh" '^ceh import：.*mixed.csv：编码 utf-8（自动识别）$' "the encoding line in Chinese"
like "$T/imp.c" '^ceh import: .*mixed.csv: encoding utf-8 \(detected\)$' "... and in English"
like "$T/imp.zh" '^ceh import：.*mixed.csv：规范化的值：1 个值的全角字符改为半角$' \
    "the normalisation count in Chinese"
like "$T/imp.c" '^ceh import: .*mixed.csv: values normalised: 1 value with full-width characters made half-width$' \
    "... and in English"
like "$T/imp.zh" '^ceh import：试运行：未写入任何内容$' "the dry run said in Chinese"
check "the dry runs wrote nothing" test "$(store_digest)" = "$D0"

# --rejects: the reason column is the user's; the rows' data the same
LC_ALL=zh_CN.UTF-8 ceh import --dry-run --rejects "$T/rej.zh.csv" "$T/mixed.csv" 2> "$T/err"
like "$T/err" '^ceh import：2 行已写入 .*rej.zh.csv$' "rows written to the rejects file, said in Chinese"
LC_ALL=C ceh import --dry-run --rejects "$T/rej.c.csv" "$T/mixed.csv" 2> "$T/err"
like "$T/err" '^ceh import: 2 rows written to .*rej.c.csv$' "... and in English"
like "$T/rej.zh.csv" '既不是公需科目也不是专业科目' "the rejects file's reason in Chinese"
like "$T/rej.c.csv" 'is neither 公需科目 nor 专业科目' "... and in English"
/usr/bin/python3 - "$T/rej.zh.csv" "$T/rej.c.csv" > "$T/rejcmp" <<'PY'
import csv, sys
rows = [list(csv.reader(open(p, encoding="utf-8-sig", newline=""))) for p in sys.argv[1:]]
zh, c = rows
print(len(zh), len(c))
print(all(a[:-1] == b[:-1] for a, b in zip(zh, c)) and len(zh) == len(c) == 3)
print(zh[0][-1] == c[0][-1] == "原因")
PY
same "$T/rejcmp" /dev/stdin "the rejects files: the same header and data, only the reason differs" <<EOF
3 3
True
True
EOF

# a zip that is no workbook, and a file with no header row
/usr/bin/python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("a.txt", "hi")' "$T/fake.xlsx"
both 1 "a .xlsx that is no workbook" "fake.xlsx' 是 zip 压缩包，但不是 .xlsx 工作簿：其中没有 'xl/workbook.xml'" \
    "fake.xlsx' is a zip archive but not an .xlsx workbook: it has no 'xl/workbook.xml'" \
    ceh import --dry-run "$T/fake.xlsx"
like "$T/err" 'fake.xlsx: nothing imported from this file' "... nothing imported (C)"
printf 'a,b,c\n1,2,3\n' > "$T/nohdr.csv"
both 1 "a CSV without a header row" 'nohdr.csv：没有表头行' \
    'nohdr.csv: no header row' ceh import --dry-run "$T/nohdr.csv"
check "... and those refusals changed nothing" test "$(store_digest)" = "$D0"

# the real import (in Chinese); then a name that differs from the one
# on record (a pass-2 refusal: its arguments in another order)
LC_ALL=zh_CN.UTF-8 ceh import "$T/mixed.csv" 2>/dev/null
cat > "$T/name.csv" <<CSV
$H
$ID1,李四,2024,专业科目,建筑施工,12,培训班,$P,H-0009
CSV
both 1 "a name that differs from the one on record" \
    "name.csv:2：姓名 '李四' 与 $ID1 已有记录中的 '张三' 不同" \
    "name.csv:2: 姓名 '李四' differs from '张三' already on record for $ID1" \
    ceh import --dry-run "$T/name.csv"
LC_ALL=zh_CN.UTF-8 ceh records --id $ID1 --format tsv > "$T/r.zh.tsv"
LC_ALL=C ceh records --id $ID1 --format tsv > "$T/r.c.tsv"
same "$T/r.zh.tsv" "$T/r.c.tsv" "records TSV: the same in zh_CN and C"
LC_ALL=zh_CN.UTF-8 ceh records --id $ID1 --format json > "$T/r.zh.json"
LC_ALL=C ceh records --id $ID1 --format json > "$T/r.c.json"
same "$T/r.zh.json" "$T/r.c.json" "records JSON: the same in zh_CN and C"

# ---- ceh add-year ----
both 2 "add-year without a subject" '请给出公需科目或专业科目' \
    'give a public or a professional subject \(or both\)' ceh add-year $A --year 2024
both 3 "add-year --from-records of a year with no records" \
    "没有 $ID1 在 2020 年度的学时记录（请用 ceh import 导入）" \
    "no hour records on file for $ID1 in 2020 \\(import them with ceh import\\)" \
    ceh add-year $A --year 2020 --from-records
ceh add-year $A --year 2024 --from-records >/dev/null || echo "# add-year --from-records failed"
both 4 "a year already there" "2024 年度已在申报 $A 中；如需修改请用 --replace" \
    "year 2024 is already in application $A; use --replace to change it" \
    ceh add-year $A --year 2024 --from-records
# year rows from a sheet (CSV): a bad row, then the summary and outcomes
printf '申报编号,年度,公需科目名称,公需学时,公需继续教育形式\n%s,2025,法治建设,20,网络培训\n%s,2025,法治建设,20,网络培训\n' \
    "$A" "$A" > "$T/years-bad.csv"
both 1 "add-year --from: a year twice" \
    "years-bad.csv:3：$A 的 2025 年度已在第 2 行" \
    "years-bad.csv:3: year 2025 of $A is already on row 2" \
    ceh add-year --from "$T/years-bad.csv"
like "$T/err" '1 of 2 rows refused; no year added' "... the refusal counted (C)"
head -2 "$T/years-bad.csv" > "$T/years.csv"
D1=$(store_digest)
both 0 "add-year --from --dry-run: the summary" \
    '^ceh add-year：.*years.csv：共 1 行，将新增 1 个年度，0 个已存在$' \
    'years.csv: 1 rows, 1 years would be added, 0 already there$' \
    ceh add-year --from "$T/years.csv" --dry-run
same "$T/both.zh" "$T/out" "... its outcome lines the same in both"
like "$T/out" "^$A	2025	would be added\$" "... the machine word"
check "the dry run and the refusals changed nothing" test "$(store_digest)" = "$D1"
LC_ALL=zh_CN.UTF-8 expect_code 0 "add-year --from in Chinese" ceh add-year --from "$T/years.csv"
like "$T/out" "^$A	2025	added\$" "... the outcome column is the machine word"
like "$T/err" '共 1 行，新增 1 个年度，0 个已存在' "... the summary in Chinese"
LC_ALL=C expect_code 0 "the same again in C: nothing to do" ceh add-year --from "$T/years.csv"
like "$T/out" "^$A	2025	unchanged\$" "... unchanged"
like "$T/err" '1 rows, 0 years added, 1 already there' "... the summary in English"

# ---- ceh apply --from ----
S=证件号码,姓名,民族,工作单位,单位性质,拟申报职称,联系电话,申报大类,子专业名称,行政区划名称
printf '%s\n%s,李四,汉族,%s,事业单位,中级,0731-84123456,工程,城乡规划,长沙市\n%s,李四,汉族,%s,事业单位,中级,0731-84123456,工程,城乡规划,长沙市\n' \
    "$S" $ID2 $EMP2 $ID2 $EMP2 > "$T/staff-bad.csv"
both 1 "apply --from: an ID number twice" \
    "staff-bad.csv:3：证件号码 $ID2 已在第 2 行出现" \
    "staff-bad.csv:3: 证件号码 $ID2 is already on row 2" \
    ceh apply --from "$T/staff-bad.csv"
like "$T/err" '1 of 2 rows refused; no draft created' "... the refusal counted (C)"
head -2 "$T/staff-bad.csv" > "$T/staff.csv"
both 0 "apply --from --dry-run: the summary" \
    'staff.csv：共 1 行，将新增 1 份暂存申报，0 份已是暂存申报$' \
    'staff.csv: 1 rows, 1 drafts would be created, 0 already drafts$' \
    ceh apply --from "$T/staff.csv" --dry-run
same "$T/both.zh" "$T/out" "... its outcome lines the same in both"
like "$T/out" "^$ID2	would be created\$" "... the machine words"
LC_ALL=zh_CN.UTF-8 expect_code 0 "apply --from in Chinese" ceh apply --from "$T/staff.csv"
like "$T/out" "	created\$" "... the outcome column is the machine word"
like "$T/err" '共 1 行，新增 1 份暂存申报，0 份已是暂存申报' "... the summary in Chinese"

# what scripts read of all this: the same in both languages
for args in "list --format tsv" "list --format json" "show $A --format json" \
    "log $A --format tsv"; do
	# shellcheck disable=SC2086
	LC_ALL=zh_CN.UTF-8 ceh $args > "$T/zh.out" 2>&1
	# shellcheck disable=SC2086
	LC_ALL=C ceh $args > "$T/c.out" 2>&1
	same "$T/zh.out" "$T/c.out" "ceh $args: the same in zh_CN and C"
done
done_testing
