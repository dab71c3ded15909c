#!/bin/sh
# ceh's own CSV reads back through ceh import unchanged, so re-importing
# the export finds every record a duplicate, not a conflict.  Blanks
# around a value, quoted or not, are what people type by mistake: import
# removes them (issue 15) and counts it in the summary.
. "$(dirname "$0")/lib.sh"
plan 11
ceh init --unsigned >/dev/null
H=证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
cat > "$T/in.csv" <<CSV
$H
$ID1,张三,2024,公需科目," 职业道德 ",30,网络培训,"  湖南大学 ",W-1
$ID1,张三,2024,专业科目,"施工, ""质量"" 控制 ",12.5,培训班,湖南大学,"H-2 "
$ID2,李四,2023,专业科目,合理用药,6,研修,湖南大学,H-3
CSV
expect_code 0 "import a file whose quoted cells have blanks" ceh import "$T/in.csv"
like "$T/err" 'read 3, imported 3' "all imported"
like "$T/err" 'values normalised: 4 values trimmed of surrounding spaces' "the blanks removed, and counted"
expect_code 0 "records --format csv" ceh records --id $ID1 --format csv
cp "$T/out" "$T/export.csv"
like "$T/export.csv" ',职业道德,' "the subject without its blanks"
like "$T/export.csv" ',湖南大学,H-2,' "so are the provider and the record number"
ceh records --id $ID1 --format tsv > "$T/before"
expect_code 0 "the export imports back" ceh import "$T/export.csv"
like "$T/err" 'read 2, imported 0, duplicates 2, conflicts 0, rejected 0' "every record a duplicate of itself, none a conflict"
expect_code 0 "records as TSV" ceh records --id $ID1 --format tsv
same "$T/before" "$T/out" "the records are as before"
check "the subject as stored" grep -q "	职业道德	" "$T/out"
done_testing
