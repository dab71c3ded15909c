#!/bin/sh
# Disk full and I/O errors (tests/torture/faults.py): every mutating
# command with CEH_FAULT=write|fsync|rename|mkdir|link:N for every N: exit
# 5 with a message and the store unchanged, or exit 0 and fully done.
. "$(dirname "$0")/lib.sh"
if [ "${CEH_VALGRIND:-0}" = 1 ]; then
	echo "1..0 # SKIP under valgrind (hundreds of runs; see 0904 for ENOSPC)"
	exit 0
fi
export CEH_NOW=1790000000
setup() {
	ceh init --signed >/dev/null && mk_units || return 1
	sed -i 's/^  required: true$/  required: false/' "$CEH_STORE/store.yaml"
	printf '%%PDF-1.4\n%% evidence\n%%%%EOF\n' > "$T/e.pdf"
	APP_A=$(apply_std $ID1) &&
	ceh add-year $APP_A --year 2022 --pro-subject 课 --pro-hours 90 \
	    --pro-form 培训班 >/dev/null &&
	printf '%%PDF-1.4\n%% evidence a\n%%%%EOF\n' > "$T/a.pdf" &&
	ceh attach $APP_A --year 2022 "$T/a.pdf" >/dev/null &&
	ceh add-year $APP_A --year 2021 --pro-subject 课 --pro-hours 60 \
	    --pro-form 培训班 >/dev/null &&
	APP_B=$(apply_std $ID2) &&
	ceh add-year $APP_B --year 2021 --pro-subject 课 --pro-hours 90 \
	    --pro-form 培训班 >/dev/null &&
	ceh submit $APP_B >/dev/null &&
	APP_C=$(apply_std $ID3) &&
	ceh add-year $APP_C --year 2021 --pro-subject 课 --pro-hours 90 \
	    --pro-form 培训班 >/dev/null &&
	ceh submit $APP_C >/dev/null &&
	APP_D=$(apply_std 430103196001010019) &&
	ceh add-year $APP_D --year 2021 --pro-subject 课 --pro-hours 90 \
	    --pro-form 培训班 >/dev/null &&
	ceh submit $APP_D >/dev/null &&
	for u in $EMP1 $SUP2 $SUP1 $AGENCY; do
		ceh review --as $u --approve $APP_D >/dev/null || return 1
	done &&
	# two waiting at the agency: a batch's final approval moves them (the
	# batch goes through the same commit path as one application)
	for id in 430103196101010024 43010319620101003X; do
		a=$(apply_std $id) &&
		ceh add-year $a --year 2021 --pro-subject 课 --pro-hours 90 \
		    --pro-form 培训班 >/dev/null &&
		ceh attach $a --year 2021 --name a.pdf "$T/e.pdf" >/dev/null &&
		ceh submit $a >/dev/null &&
		ceh review --as $EMP1 --approve --next agency $a >/dev/null &&
		echo $a || return 1
	done > "$T/at-agency" &&
	{ echo '证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号'
	  echo "$ID1,张三,2022,专业科目,课程1,2,培训班,培训机构甲,R1"
	  echo "$ID2,李四,2021,公需科目,课程2,1.5,远程教育,培训机构甲,R2"
	  echo "$ID1,张三,2023,专业科目,课程3,8,培训班,培训机构乙,R3"; } > "$T/hours.csv" &&
	cp -a "$CEH_STORE" "$T/base"
}
if ! setup; then echo "1..1"; echo "not ok 1 - setup"; cat "$T/err" 2>/dev/null; exit 1; fi
AT_AGENCY=$(cat "$T/at-agency")
export APP_A APP_B APP_C APP_D AT_AGENCY CEH_ROOT
exec python3 "$CEH_ROOT/tests/torture/faults.py"
