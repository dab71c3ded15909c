#!/bin/sh
# The order of import's verdicts (issue 19 made pass 2 find the
# duplicates of stored records first, from the key index alone): a row
# whose name differs from the name on record is refused even when its
# key is on record; a refused row does not take its key, so a later row
# with that key is new; within a file a key's second row is a
# duplicate or a conflict of the first; a duplicate of a stored record
# needs no name from the shards.  Each case counted and said.
. "$(dirname "$0")/lib.sh"
plan 12
H=证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
P=湖南大学继续教育学院
ceh init --unsigned >/dev/null
{ echo "$H"
  echo "$ID1,张三,2024,专业科目,建筑施工,10,培训班,$P,R1"
  echo "$ID1,张三,2024,专业科目,建筑施工,12,培训班,$P,R2"
} > "$T/a.csv"
expect_code 0 "the first file" ceh import "$T/a.csv"
like "$T/err" "read 2, imported 2, duplicates 0, conflicts 0, rejected 0" "both imported"
{ echo "$H"
  echo "$ID1,张三,2024,专业科目,建筑施工,10,培训班,$P,R1"
  echo "$ID1,李四,2024,专业科目,建筑施工,12,培训班,$P,R2"
  echo "$ID1,李四,2024,专业科目,建筑施工,8,培训班,$P,R3"
  echo "$ID1,张三,2024,专业科目,建筑施工,6,培训班,$P,R4"
  echo "$ID1,张三,2024,专业科目,建筑施工,6,培训班,$P,R4"
  echo "$ID1,张三,2024,专业科目,建筑施工,7,培训班,$P,R4"
  echo "$ID1,李四,2024,专业科目,建筑施工,9,培训班,$P,R5"
  echo "$ID1,张三,2024,专业科目,建筑施工,9,培训班,$P,R5"
  echo "$ID1,张三,2024,专业科目,建筑施工,11,培训班,$P,R1"
  echo "$ID2,王五,2024,专业科目,建筑施工,6,培训班,$P,R6"
  echo "$ID2,赵六,2024,专业科目,建筑施工,6,培训班,$P,R7"
} > "$T/b.csv"
expect_code 1 "the second file: refusals and conflicts" ceh import "$T/b.csv"
like "$T/err" "read 11, imported 3, duplicates 2, conflicts 2, rejected 4" "counted"
like "$T/err" "b.csv:3: 姓名 '李四' differs from '张三' already on record" "a stored key with another name: refused for the name"
like "$T/err" "b.csv:7: conflict: 记录编号 'R4'" "a key's second row in the file with other content: a conflict"
like "$T/err" "b.csv:10: conflict: 记录编号 'R1'" "a stored key with other content: a conflict"
like "$T/err" "b.csv:12: 姓名 '赵六' differs from '王五' given for $ID2 on line 11" "a new person's second name: refused"
ceh records --id "$ID1" > "$T/recs"
like "$T/recs" "R5" "the key of a refused row is taken by the next row"
expect_code 1 "the second file again" ceh import "$T/b.csv"
like "$T/err" "read 11, imported 0, duplicates 5, conflicts 2, rejected 4" "now the new rows are duplicates"
like "$T/err" "b.csv:3: 姓名 '李四' differs from '张三' already on record" "the refusal stays"
