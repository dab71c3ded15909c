#!/bin/sh
# Messages in characters, valid UTF-8 always (issue 15): lengths counted
# in characters, long values cut at a character boundary with "…", the
# message text and the --rejects file (CSV, or .xlsx for a workbook or
# on request) valid under strict decoding, for UTF-8 and GB18030 input;
# the rejects file, fixed, imports again.  Checked by /usr/bin/python3
# with errors="strict", not by ceh.
. "$(dirname "$0")/lib.sh"
plan 38
ceh init --unsigned >/dev/null
mk_units
P1=湖南大学继续教育学院
LONG=$(printf '公需科目%.0s' 1 2 3 4 5 6 7 8 9 10 11 12)
FORM=$(printf '网络培训%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
REC=$(printf '编号%.0s' $(seq 1 40))
# 17 full-width digits: 17 characters (51 bytes); a long Chinese ID
cat > "$T/in.csv" <<CSV
证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号
４３０１０２１９８５０３１２１２３,张三,2024,公需科目,诚信,3,网络培训,$P1,R-1
$P1$P1$P1$P1$P1$P1,张三,2024,公需科目,诚信,3,网络培训,$P1,R-2
$ID1,张三,2024,$LONG,诚信,3,网络培训,$P1,R-3
$ID1,张三,2024,公需科目,诚信,3,$FORM,$P1,R-4
$ID1,张三,2024,公需科目,诚信,3,网络培训,$P1,R-5$REC
$ID1,张三,2024,公需科目,诚信,3,网络培训,$P1,R-6
CSV
strict() { # strict FILE ENCODING: the file decodes strictly
	/usr/bin/python3 -c 'import sys; open(sys.argv[1], encoding=sys.argv[2], errors="strict").read()' "$1" "$2"
}

digest0=$(store_digest)
expect_code 1 "import --dry-run: five rows refused" ceh import --dry-run --rejects "$T/rej.csv" "$T/in.csv"
cp "$T/err" "$T/err1"
ok "dry run: the store is unchanged" test "$(store_digest)" = "$digest0"
check "the messages are valid UTF-8 (strict)" strict "$T/err1" utf-8
like "$T/err1" "in.csv:2: 证件号码 '43010219850312123' must be 18 characters, not 17" "17 full-width digits: 17 characters, not 51 bytes"
like "$T/err1" "in.csv:3: 证件号码 '($P1){4}…' must be 18 characters, not 60" "a 60-character ID: cut at 40 characters with …, its length in characters"
like "$T/err1" "in.csv:4: 科目类型 '(公需科目){10}…' is neither 公需科目 nor 专业科目" "科目类型 cut at 40 characters, not 40 bytes"
like "$T/err1" "in.csv:5: 继续教育形式 is too long \\(64 characters, limit 60\\)" "继续教育形式: characters, not bytes"
like "$T/err1" "in.csv:6: 记录编号 is too long \\(83 characters, limit 64\\)" "记录编号: characters, not bytes"
like "$T/err1" 'read 6, imported 1, duplicates 0, conflicts 0, rejected 5' "the summary"
check "the rejects file is valid UTF-8 (strict)" strict "$T/rej.csv" utf-8-sig
check "rejects: the header, five rows, each with its reason, valid CSV" /usr/bin/python3 - "$T/rej.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", errors="strict", newline="")))
assert rows[0][0] == "证件号码" and rows[0][-1] == "原因", rows[0]
assert len(rows) == 6, len(rows)
assert [r[-1].split(":")[1] for r in rows[1:]] == ["2", "3", "4", "5", "6"], rows
assert "科目类型 '" + "公需科目" * 10 + "…'" in rows[3][-1], rows[3][-1]
PY

# fix the rejects file (the 原因 column left in: it is ignored) and
# import it again
fix() { # fix IN OUT: the five rows made good
	/usr/bin/python3 - "$1" "$2" "$ID2" "$ID3" <<'PY'
import csv, sys
src, dst, id2, id3 = sys.argv[1:5]
rows = list(csv.reader(open(src, encoding="utf-8-sig", errors="strict", newline="")))
for r in rows[1:]:
    if len(r[0]) != 18:
        r[0] = id2 if r[8] == "R-1" else id3
    r[3] = "公需科目"
    r[6] = "网络培训"
    r[8] = r[8][:10]
csv.writer(open(dst, "w", encoding="utf-8", newline="")).writerows(rows)
PY
}
fix "$T/rej.csv" "$T/fixed.csv"
expect_code 0 "the fixed rejects file imports" ceh import "$T/fixed.csv"
like "$T/err" 'read 5, imported 5, duplicates 0, conflicts 0, rejected 0' "all five rows"

# the same rows in GB18030: messages and rejects file still UTF-8
iconv -f UTF-8 -t GB18030 "$T/in.csv" > "$T/gb.csv"
digest1=$(store_digest)
expect_code 1 "GB18030 input --dry-run" ceh import --dry-run --rejects "$T/rejgb.csv" "$T/gb.csv"
like "$T/err" 'gb.csv: encoding gb18030' "GB18030 detected"
check "messages valid UTF-8 (strict)" strict "$T/err" utf-8
like "$T/err" "gb.csv:4: 科目类型 '(公需科目){10}…' is neither" "the same message from GB18030 input"
ok "the rejects file: UTF-8 with a byte order mark, strictly valid" sh -c "head -c 3 '$T/rejgb.csv' | od -An -tx1 | grep -q 'ef bb bf' && /usr/bin/python3 -c 'import sys; open(sys.argv[1], encoding=\"utf-8-sig\", errors=\"strict\").read()' '$T/rejgb.csv'"
ok "store unchanged" test "$(store_digest)" = "$digest1"

# an .xlsx input: an .xlsx rejects file, its text strictly valid
/usr/bin/python3 - "$T/in.csv" "$T/in.xlsx" <<'PY'
import csv, sys, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "学时"
ws.append(["2024年度学时登记表"])
for r in csv.reader(open(sys.argv[1], encoding="utf-8", newline="")):
    ws.append(r)
wb.save(sys.argv[2])
PY
expect_code 1 "an .xlsx input --dry-run" ceh import --dry-run --rejects "$T/rej.xlsx" "$T/in.xlsx"
check "messages valid UTF-8 (strict)" strict "$T/err" utf-8
like "$T/err" "in.xlsx:5: 科目类型 '(公需科目){10}…' is neither" "rows numbered as the sheet shows them"
like "$T/err" '5 rows written to .*rej.xlsx' "five rows in the workbook"
check "the rejects workbook: every XML part strict UTF-8, header, reasons" /usr/bin/python3 - "$T/rej.xlsx" <<'PY'
import sys, zipfile, openpyxl
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.endswith(".xml") or n.endswith(".rels"):
        z.read(n).decode("utf-8", errors="strict")
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = [list(r) for r in ws.iter_rows(values_only=True)]
assert rows[0][0] == "证件号码" and rows[0][-1] == "原因", rows[0]
assert len(rows) == 6, rows
assert "公需科目" * 10 + "…" in rows[3][-1], rows[3][-1]
assert all(isinstance(r[0], str) for r in rows), rows
PY
/usr/bin/python3 - "$T/rej.xlsx" "$T/fixed.xlsx" "$ID2" "$ID3" <<'PY'
import sys, openpyxl
src, dst, id2, id3 = sys.argv[1:5]
wb = openpyxl.load_workbook(src)
ws = wb.active
for r in ws.iter_rows(min_row=2):
    if len(r[0].value) != 18:
        r[0].value = id2 if r[8].value == "R-1" else id3
    r[3].value = "公需科目"
    r[6].value = "网络培训"
    r[8].value = r[8].value[:10]
wb.save(dst)
PY
expect_code 0 "the fixed rejects workbook imports (the rows are there already)" ceh import "$T/fixed.xlsx"
like "$T/err" 'read 5, imported 0, duplicates 5, conflicts 0, rejected 0' "the same five rows: every value as fixed"

# --rejects FILE.xlsx for a CSV input too
expect_code 1 "a CSV input, --rejects FILE.xlsx" ceh import --dry-run --rejects "$T/rej2.xlsx" "$T/in.csv"
check "a workbook openpyxl reads, strict text" /usr/bin/python3 -c '
import sys, openpyxl
rows = list(openpyxl.load_workbook(sys.argv[1]).active.iter_rows(values_only=True))
assert len(rows) == 6 and rows[0][-1] == "原因", rows
' "$T/rej2.xlsx"

# apply --from: messages in characters, valid UTF-8
ETH=$(printf '火星族%.0s' $(seq 1 20))
cat > "$T/staff.csv" <<CSV
证件号码,姓名,民族,工作单位,单位性质,拟申报职称,联系电话,最高学历,申报大类,子专业名称,行政区划名称
$ID2,李四,$ETH,$EMP1,国有企业,中级,15556565657,大学本科,工程,结构,长沙市
$P1$P1$P1,李四,汉族,$EMP1,国有企业,中级,15556565657,大学本科,工程,结构,长沙市
CSV
digest2=$(store_digest)
expect_code 1 "apply --from with bad rows" ceh apply --from "$T/staff.csv"
check "messages valid UTF-8 (strict)" strict "$T/err" utf-8
like "$T/err" "staff.csv:2: 民族 '(火星族){10}…' is not a valid" "民族 cut at 30 characters"
like "$T/err" "staff.csv:3: 证件号码 '($P1){3}' must be 18 characters, not 30" "the ID length in characters"
like "$T/err" '2 of 2 rows refused; no draft created' "nothing created"
ok "store unchanged" test "$(store_digest)" = "$digest2"

# a long --sheet name: cut at a character
expect_code 3 "--sheet naming no sheet" ceh import --sheet "$P1$P1$P1$P1$P1" "$T/in.xlsx"
check "valid UTF-8 (strict)" strict "$T/err" utf-8
like "$T/err" "no sheet '($P1){4}…' in " "the sheet name cut at 40 characters"
ok "store unchanged" test "$(store_digest)" = "$digest2"
done_testing
