#!/bin/sh
# ceh import and ceh records: encodings, line ends, quoting, header
# mapping, every refusal, duplicates, conflicts, --dry-run, --rejects.
. "$(dirname "$0")/lib.sh"
plan 113
ceh init --unsigned >/dev/null
H=证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
P1=湖南大学继续教育学院
P2=湖南省专业技术人员继续教育网络平台
# a provider's file: 5 records of 3 people, UTF-8
cat > "$T/good.csv" <<CSV
$H
$ID1,张三,2024,公需科目,专业技术人员职业道德与诚信建设,30,网络培训,$P2,W-0001
$ID1,张三,2024,专业科目,建筑工程施工质量控制,40,培训班,$P1,H-0001
$ID1,张三,2025,专业科目,"装配式建筑设计, 第二期",24.5,学术会议,$P1,H-0002
$ID2,李四,2024,专业科目,"临床""合理""用药",12,研修,$P1,H-0003
$ID3,王五,2023,公需科目,人工智能与健康,6,05,$P2,W-0002
CSV
digest0=$(store_digest)

expect_code 0 "import --help" ceh import --help
like "$T/out" '^usage: ceh import ' "usage on stdout"
expect_code 2 "no file is a usage error" ceh import
expect_code 2 "unknown encoding" ceh import --encoding latin1 "$T/good.csv"
expect_code 3 "a missing file" ceh import "$T/nonexistent.csv"
like "$T/err" 'nonexistent.csv: no such file' "names the file"
ok "refusals changed nothing" test "$(store_digest)" = "$digest0"

# --dry-run first: same report, nothing written
expect_code 0 "--dry-run" ceh import --dry-run "$T/good.csv"
like "$T/err" 'read 5, imported 5, duplicates 0, conflicts 0, rejected 0' "dry run reports what it would import"
like "$T/err" 'dry run: nothing was written' "and says so"
ok "--dry-run changed nothing" test "$(store_digest)" = "$digest0"
expect_code 3 "still no records" ceh records --id $ID1

expect_code 0 "import a UTF-8 file" ceh import "$T/good.csv"
like "$T/err" 'good.csv: encoding utf-8 \(detected\)' "encoding detected and said"
like "$T/err" 'good.csv: read 5, imported 5, duplicates 0, conflicts 0, rejected 0' "summary"
ok "records are not world-readable" sh -c "[ -z \"\$(find '$CEH_STORE/records' -perm /077)\" ]"
expect_code 0 "records --id" ceh records --id $ID1 --format tsv
like "$T/out" "^$ID1	张三	2024	公需科目	专业技术人员职业道德与诚信建设	30	远程教育	$P2	W-0001	1	good.csv:2\$" "alias 网络培训 stored as 远程教育, source file:line"
like "$T/out" "	装配式建筑设计, 第二期	24.5	学术会议	" "quoted comma and half hours kept"
ok "three records for ID1" test "$(wc -l < "$T/out")" = 4
expect_code 0 "records --year" ceh records --id $ID1 --year 2025 --format csv
ok "one record in 2025" test "$(wc -l < "$T/out")" = 2
expect_code 0 "records json" ceh records --id $ID2 --format json
like "$T/out" '"subject": "临床\\"合理\\"用药"' "doubled quotes read as quotes"
like "$T/out" '"form": "研修班"' "alias 研修"
expect_code 0 "records table" ceh records --id $ID3
like "$T/out" '人工智能与健康 +6 +远程教育' "form by code 05"
like "$T/out" '^1 records: 公需科目 6 hours, 专业科目 0 hours' "table ends with the sums"
expect_code 0 "lower-case x in --id" ceh records --id "$(echo $ID1 | tr X x)"
expect_code 1 "a bad --id" ceh records --id 430102198503121231
expect_code 2 "records without --id" ceh records
expect_code 3 "records of an unknown person" ceh records --id 110101199003077774
expect_code 3 "no records that year" ceh records --id $ID1 --year 2020
expect_code 0 "none that year, as JSON: the empty list" ceh records --id $ID1 --year 2020 --format json
like "$T/out" '^\[\]$' "[] (issue 18: it was exit 3 with nothing on stdout)"
expect_code 0 "none, as TSV: the header only" ceh records --id 110101199003077774 --format tsv
check "one line" test "$(wc -l < "$T/out")" = 1

# the same file again: all duplicates, nothing changes
digest1=$(store_digest)
expect_code 0 "re-import" ceh import "$T/good.csv"
like "$T/err" 'read 5, imported 0, duplicates 5, conflicts 0, rejected 0' "all duplicates"
ok "the store is unchanged" test "$(store_digest)" = "$digest1"

# GB18030 + CRLF + BOM-less: the same records, so duplicates again
iconv -f UTF-8 -t GB18030 "$T/good.csv" | sed 's/$/\r/' > "$T/gb.csv"
ok "the GB18030 copy is not UTF-8" sh -c "! iconv -f UTF-8 -t UTF-8 '$T/gb.csv' >/dev/null 2>&1"
expect_code 0 "import GB18030 with CRLF" ceh import "$T/gb.csv"
like "$T/err" 'gb.csv: encoding gb18030 \(detected\)' "GB18030 detected"
like "$T/err" 'read 5, imported 0, duplicates 5' "same content after conversion"
expect_code 0 "--encoding gb18030 forced" ceh import --encoding gb18030 "$T/gb.csv"
expect_code 1 "--encoding utf-8 on a GB18030 file" ceh import --encoding utf-8 "$T/gb.csv"
like "$T/err" 'no header row .*names 0 of the 9 columns; is the encoding right' "its header cannot be read, and the encoding is suspected"
ok "the store is still unchanged" test "$(store_digest)" = "$digest1"

# UTF-8 with BOM, CRLF, English headers in another order, an extra column
printf '\357\273\277"record_id",Name,ID_Number,year,type,subject,hours,form,provider,note\r\nR-1,赵六,%s,2024,专业科目,岩土工程勘察新规范解读,16,进修,%s,备注\r\nR-2,赵六,%s,2024,公需科目,乡村振兴战略解读,8.0,在线学习,%s,\r\n' \
    430524199208150024 "$P1" 430524199208150024 "$P1" > "$T/en.csv"
expect_code 0 "BOM, quoted first header, English aliases, CRLF" ceh import "$T/en.csv"
like "$T/err" 'en.csv: encoding utf-8 \(byte order mark\)' "BOM reported"
like "$T/err" 'read 2, imported 2' "both imported"
expect_code 0 "records of 赵六" ceh records --id 430524199208150024 --year 2024 --format tsv
like "$T/out" '	8	远程教育	' "8.0 hours stored as 8; 在线学习 as 远程教育"
like "$T/out" '	en.csv:2$' "line 2 after the BOM header"

# line numbers: blank lines, a quoted field over two lines
printf '%s\n\n%s,钱七,2024,专业科目,"护理质量\n与安全管理",12,培训班,%s,N-1\n\n%s,钱七,2024,专业科目,急危重症护理,12x,培训班,%s,N-2\n%s,钱七,2024,专业科目,急危重症护理,12,培训班,%s,N-3' \
    "$H" 110101199003077774 "$P1" 110101199003077774 "$P1" 110101199003077774 "$P1" > "$T/lines.csv"
expect_code 1 "rejected rows: exit 1" ceh import "$T/lines.csv"
like "$T/err" 'lines.csv: values normalised: 1 cell with line breaks folded to one line' "a line break in a cell (Alt+Enter) folded to a space, and counted"
like "$T/err" "lines.csv:6: 学时 '12x' is not a number" "hours: physical line after a quoted newline and blank lines"
like "$T/err" 'read 3, imported 2, duplicates 0, conflicts 0, rejected 1' "last row without newline imported"
# the same file with bare-CR line ends (old Mac files, some exporters)
tr '\n' '\r' < "$T/lines.csv" > "$T/cr.csv"
expect_code 1 "bare CR line ends: rejected rows, exit 1" ceh import "$T/cr.csv"
like "$T/err" 'cr.csv: values normalised: 1 cell with line breaks' "bare CR: the quoted line break folded"
like "$T/err" "cr.csv:6: 学时 '12x' is not a number" "bare CR: the row on line 6"

# every kind of refused row, with --rejects
cat > "$T/bad.csv" <<CSV
$H,备注
430102198503121231,甲,2024,专业科目,课程,10,培训班,$P1,B-01,
$ID2,,2024,专业科目,课程,10,培训班,$P1,B-02,
$ID2,李四,1989,专业科目,课程,10,培训班,$P1,B-03,
$ID2,李四,2024,选修课,课程,10,培训班,$P1,B-04,
$ID2,李四,2024,专业科目,课程,十二,培训班,$P1,B-05,
$ID2,李四,2024,专业科目,课程,10.25,培训班,$P1,B-06,
$ID2,李四,2024,专业科目,课程,0,培训班,$P1,B-07,
$ID2,李四,2024,专业科目,课程,1001,培训班,$P1,B-08,
$ID2,李四,2024,专业科目,课程,10,函授,$P1,B-09,
$ID2,李四,2024,专业科目,课程,10,培训班,$P1,B-10
$ID2,李四,2024,专业科目,,10,培训班,$P1,B-11,
$ID2,李四,2024,专业科目,课程,10,培训班,,B-12,
$ID2,李四,2024,专业科目,课程,10,培训班,$P1,,
$ID2,李斯,2024,专业科目,课程,10,培训班,$P1,B-14,
$ID1,张三,2024,专业科目,建筑工程施工质量控制,41,培训班,$P1,H-0001,
$ID2,李四,2024,专业科目,课程,10,培训班,$P1,B-16,ok
4.30102E+17,李四,2024,专业科目,课程,10,培训班,$P1,B-17,
$ID2,李四,2024,专业科目,建筑工程施工质量控制,40,培训班,$P1,H-0001,
CSV
digest2=$(store_digest)
expect_code 1 "a file of bad rows" ceh import --rejects "$T/rej.csv" "$T/bad.csv"
like "$T/err" 'bad.csv:2: 证件号码 .*check' "bad check digit"
like "$T/err" 'bad.csv:3: 姓名 must not be empty' "empty name"
like "$T/err" 'bad.csv:4: 年度' "year out of range"
like "$T/err" "bad.csv:5: 科目类型 '选修课' is neither" "unknown subject type"
like "$T/err" "bad.csv:6: 学时 '十二' is not a number" "hours not a number"
like "$T/err" "bad.csv:7: 学时 '10.25' must be in half hours" "hours not in half hours"
like "$T/err" 'bad.csv:8: 学时 0 is not above zero' "zero hours"
like "$T/err" 'bad.csv:9: 学时 1001 is more than the limit' "hours above the limit"
like "$T/err" 'bad.csv:10: .*函授.*(培训班|远程教育)' "unknown form, naming valid ones"
like "$T/err" 'bad.csv:11: wrong number of fields: 9, the header has 10' "wrong number of fields"
like "$T/err" 'bad.csv:12: 科目名称 must not be empty' "empty subject"
like "$T/err" 'bad.csv:13: 培训机构 must not be empty' "empty provider"
like "$T/err" 'bad.csv:14: 记录编号 must not be empty' "empty record id"
like "$T/err" "bad.csv:15: 姓名 '李斯' differs from '李四' already on record for $ID2" "name differs from the one on record"
like "$T/err" "bad.csv:16: conflict: 记录编号 'H-0001' of 培训机构 '$P1' is already on record" "conflict"
like "$T/err" 'bad.csv:18: .*scientific notation' "a spreadsheet-rounded ID number"
like "$T/err" "bad.csv:19: conflict: 记录编号 'H-0001' of 培训机构 '$P1' is already on record" "a record number reused for another person is a conflict"
like "$T/err" 'read 18, imported 1, duplicates 0, conflicts 2, rejected 15' "summary counts"
like "$T/err" '17 rows written to .*rej.csv' "rejects file written"
ok "rejects: header plus 17 rows" test "$(wc -l < "$T/rej.csv")" = 18
ok "rejects start with a BOM" sh -c "[ \"\$(head -c3 '$T/rej.csv' | od -An -tx1 | tr -d ' ')\" = efbbbf ]"
like "$T/rej.csv" '证件号码,姓名,.*,记录编号,备注,原因.$' "then the input's header plus 原因"
# the ID number as ="..." (csv-excel): a spreadsheet opening the file to
# fix it keeps every digit
ok "rejected rows unchanged plus the reason" grep -q "^\"=\"\"$ID2\"\"\",李四,2024,专业科目,课程,十二,培训班,$P1,B-05,,bad.csv:6: 学时 '十二' is not a number" "$T/rej.csv"
expect_code 0 "conflict not overwritten" ceh records --id $ID1 --year 2024 --format tsv
like "$T/out" '建筑工程施工质量控制	40	培训班	湖南大学继续教育学院	H-0001	1	good.csv:3' "the first record stays"
expect_code 0 "the good row was imported" ceh records --id $ID2 --year 2024 --format tsv
like "$T/out" 'B-16	' "B-16 on record"

# fix the rejects and import them again
sed -e 's/,十二,/,12,/' "$T/rej.csv" > "$T/fixed.csv"
expect_code 1 "the fixed rejects file is read (BOM, reason column ignored)" ceh import "$T/fixed.csv"
like "$T/err" 'fixed.csv: read 17, imported 1, duplicates 0, conflicts 2, rejected 14' "the fixed row imported"

# name consistency inside one file
cat > "$T/names.csv" <<CSV
$H
110105199001010010,孙八,2024,专业科目,课程,10,培训班,$P1,S-1
110105199001010010,孙捌,2024,专业科目,课程,10,培训班,$P1,S-2
CSV
expect_code 1 "two names for one ID in a file" ceh import "$T/names.csv"
like "$T/err" "names.csv:3: 姓名 '孙捌' differs from '孙八' given for 110105199001010010 on line 2" "the second is rejected"

# file-level errors import nothing from that file
digest3=$(store_digest)
printf '%s\n%s,周九,2024,专业科目,a"b,10,培训班,%s,Q-1\n' "$H" 110105199001010010 "$P1" > "$T/stray.csv"
expect_code 1 "a stray quote" ceh import "$T/stray.csv"
like "$T/err" 'stray.csv:2: CSV syntax error' "syntax error with line"
like "$T/err" 'stray.csv: nothing imported from this file' "nothing imported"
printf '%s\n%s,周九,2024,专业科目,课程,10,培训班,%s,Q-2\n%s,周九,2024,专业科目,"open,10,培训班,%s,Q-3\n' "$H" 110105199001010010 "$P1" 110105199001010010 "$P1" > "$T/open.csv"
expect_code 1 "an unterminated quote" ceh import "$T/open.csv"
like "$T/err" 'open.csv:4: a quoted field opened on line 3 is never closed' "names both lines"
printf '姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构\n张三,2024,专业科目,课程,10,培训班,x\n' > "$T/nocol.csv"
expect_code 1 "missing columns" ceh import "$T/nocol.csv"
like "$T/err" 'nocol.csv:1: header: missing columns 证件号码, 记录编号' "names the missing columns"
printf '%s,id\n' "$H" > "$T/dupcol.csv"
expect_code 1 "a column twice" ceh import "$T/dupcol.csv"
like "$T/err" 'column 证件号码 appears twice' "named"
: > "$T/empty.csv"
expect_code 1 "an empty file" ceh import "$T/empty.csv"
{ printf '%s\n' "$H" | iconv -f UTF-8 -t GB18030; printf 'ok\377\n'; } > "$T/badgb.csv"
expect_code 1 "bytes invalid in GB18030" ceh import --encoding gb18030 "$T/badgb.csv"
like "$T/err" 'badgb.csv:2: bytes not valid in GB18030' "with the line"
ok "file-level errors changed nothing" test "$(store_digest)" = "$digest3"

# several files: each its own batch, a total line
cat > "$T/more.csv" <<CSV
$H
110105199001010010,孙八,2023,专业科目,课程,10,培训班,$P1,M-1
CSV
expect_code 1 "several files, one bad" ceh import "$T/more.csv" "$T/stray.csv" "$T/good.csv"
like "$T/err" 'more.csv: read 1, imported 1' "the good file imported"
like "$T/err" 'total: read 6, imported 1, duplicates 5' "total line"
expect_code 0 "records of the batch" ceh records --id 110105199001010010 --year 2023 --format tsv
like "$T/out" '	M-1	[0-9]+	more.csv:2$' "import number and source"

# the store lock serializes imports
if command -v flock >/dev/null; then
	digest4=$(store_digest)
	expect_code 4 "another import holds the store lock" flock "$CEH_STORE/.lock" ceh import "$T/more.csv"
	ok "busy: nothing written" test "$(store_digest)" = "$digest4"
else
	_report 0 "# SKIP no flock(1)"
	_report 0 "# SKIP no flock(1)"
fi
done_testing
