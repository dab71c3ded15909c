#!/bin/sh
# Files the store creates hold personal data: none is readable by group or
# others (files 0600, folders 0700), whatever the caller's umask, and the
# store's secret is its owner's only.  Files ceh writes outside the store
# (extracted attachments) are 0600 too.
. "$(dirname "$0")/lib.sh"
plan 9
umask 000
ceh init --signed >/dev/null && mk_units || echo "# setup failed"
sed -i 's/^  required: true$/  required: false/' "$CEH_STORE/store.yaml"
printf '%%PDF-1.4\n%% evidence\n%%%%EOF\n' > "$T/e.pdf"
A=$(apply_std $ID1)
ceh add-year $A --year 2022 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
ceh attach $A --year 2022 "$T/e.pdf" >/dev/null
ceh submit $A >/dev/null
for u in $EMP1 $SUP2 $SUP1 $AGENCY; do ceh review --as $u --approve $A >/dev/null; done
B=$(apply_std $ID2)
ceh add-year $B --year 2021 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
ceh submit $B >/dev/null
ceh review --as $EMP1 --return --reason 退回 $B >/dev/null
{ echo '证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号'
  echo "$ID1,张三,2023,专业科目,课程1,2,培训班,培训机构甲,R1"; } > "$T/h.csv"
ceh import "$T/h.csv" >/dev/null 2>&1
ceh print-slip --id $ID1 --from 2021 --to 2022 --format json >/dev/null
C=$(apply_std $ID3)
ceh add-year $C --year 2021 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
ceh submit $C >/dev/null
ceh fsck --repair >/dev/null 2>&1
ok "the workload made documents, archives, queue entries, records and slips" sh -c "
	find '$CEH_STORE' -name '*.yaml' -path '*approved*' | grep -q . &&
	find '$CEH_STORE' -name '*.zip' | grep -q . &&
	find '$CEH_STORE/queues' -type f | grep -q . &&
	find '$CEH_STORE/records' -name '*.tsv' | grep -q . &&
	find '$CEH_STORE/slips' -type f | grep -q ."
find "$CEH_STORE" -type f -perm /077 > "$T/open-files"
ok "no file of the store is readable by group or others" test ! -s "$T/open-files"
sed 's/^/#   /' "$T/open-files" | head -5
find "$CEH_STORE" -type d -perm /077 > "$T/open-dirs"
ok "no folder of the store is open to group or others" test ! -s "$T/open-dirs"
sed 's/^/#   /' "$T/open-dirs" | head -5
ok "every file is 0600" sh -c "! find '$CEH_STORE' -type f ! -perm 600 | grep -q ."
ok "every folder is 0700" sh -c "! find '$CEH_STORE' -type d ! -perm 700 | grep -q ."
ok "the secret is 0600" sh -c "[ \$(stat -c %a '$CEH_STORE/secret') = 600 ]"
ok "no symbolic links in the store" sh -c "! find '$CEH_STORE' -type l | grep -q ."
mkdir "$T/x"
ceh attach $A --extract "$T/x" >/dev/null
ok "extracted attachments are 0600" sh -c "
	find '$T/x' -type f | grep -q . && ! find '$T/x' -type f ! -perm 600 | grep -q ."
ceh print-slip --id $ID1 --from 2021 --to 2022 --format html -o "$T/slip.html" >/dev/null
ok "a slip written with -o is not world-readable" sh -c "[ -f '$T/slip.html' ] && ! find '$T/slip.html' -perm /077 | grep -q ."
done_testing
