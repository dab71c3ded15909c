#!/bin/sh
# apply --from and add-year --from (issue 15) when something happens
# between the check of every row and the writing, which is one draft at
# a time: another command adding the same draft or year meanwhile
# (CEH_STOP holds the bulk command there), a crash after some drafts
# (CEH_CRASH) or a failing write (CEH_FAULT).  Under the person's lock
# the open applications and the year are looked at again: no second
# draft of a person, no year overwritten without --replace; and after a
# crash or a failure, running the same file again finishes the job with
# every person once.
. "$(dirname "$0")/lib.sh"
plan 30
ceh init --unsigned >/dev/null
mk_units
/usr/bin/python3 - "$T" "$EMP1" <<'PY'
import os, sys
T, EMP1 = sys.argv[1:3]
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def idn(seq):
    s = "43010219850312%03d" % seq
    return s + "10X98765432"[sum(int(c) * w for c, w in zip(s, W)) % 11]
ids = [idn(k) for k in range(300, 306)]
open(os.path.join(T, "ids"), "w").write("\n".join(ids) + "\n")
with open(os.path.join(T, "staff.csv"), "w") as f:
    f.write("证件号码,姓名,民族,工作单位,单位性质,拟申报职称,联系电话,申报大类,子专业名称,行政区划名称\n")
    for k, i in enumerate(ids):
        f.write("%s,%s工,汉族,%s,国有企业,中级,1555656%04d,工程,建筑学,湖南省省本级\n" % (i, "张李王赵刘陈"[k], EMP1, 5600 + k))
with open(os.path.join(T, "years.csv"), "w") as f:
    f.write("证件号码,年度,公需科目名称,公需学时,公需继续教育形式,专业科目名称,专业学时,专业继续教育形式\n")
    for i in ids:
        f.write("%s,2024,职业道德,30,网络培训,施工质量,60,培训班\n" % i)
PY
set -- $(cat "$T/ids")
I0=$1 I1=$2 I2=$3
# stopped PID: wait (up to 10 s) until the process is stopped
stopped() {
	_i=0
	while [ $_i -lt 500 ]; do
		[ "$(sed 's/^.*) //' /proc/$1/stat 2>/dev/null | cut -c1)" = T ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
	return 1
}
# race POINT MOVE CMD...: run CMD stopped at POINT, run MOVE, go on; CMD's
# exit status in $rc, its output in $T/r.out and $T/r.err
race() {
	_point=$1 _move=$2; shift 2
	CEH_STOP=$_point "$@" >"$T/r.out" 2>"$T/r.err" &
	_pid=$!
	if stopped $_pid; then sh -c "$_move" >/dev/null 2>&1; _mrc=$?; else _mrc=99; fi
	kill -CONT $_pid 2>/dev/null
	wait $_pid
	rc=$?
	return $_mrc
}
# drafts ID: the number of drafts of a person
drafts() { ceh list --id "$1" --format tsv | tail -n +2 | wc -l | tr -d ' '; }

# 1. the same draft made meanwhile: unchanged, not made twice
race apply-from-checked "$(command -v ceh) apply --id $I0 --name 张工 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 --title-level 中级 --phone 15556565600 --series 工程 --specialty 建筑学 --region 湖南省省本级" ceh apply --from "$T/staff.csv"
ok "apply --from stopped after its checks, the same draft made meanwhile" test $? = 0
ok "apply --from then succeeds (exit $rc)" test $rc = 0
like "$T/r.err" '6 rows, 5 drafts created, 1 already drafts' "that row counted as already there"
ok "one draft of that person, not two" test "$(drafts $I0)" = 1
ok "six people, six drafts" test "$(ceh list --format tsv | tail -n +2 | wc -l | tr -d ' ')" = 6

# 2. another open application made meanwhile: refused, not doubled
export CEH_STORE=$T/store2
ceh init --unsigned >/dev/null
mk_units
race apply-from-checked "$(command -v ceh) apply --id $I1 --name 李工 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 --title-level 中级 --phone 15556565699 --series 工程 --specialty 建筑学 --region 湖南省省本级" ceh apply --from "$T/staff.csv"
ok "apply --from stopped, another draft of row 2's person made meanwhile" test $? = 0
ok "apply --from stops there: exit 4 (got $rc)" test $rc = 4
like "$T/r.err" "$I1 already has an open application" "the message names the person"
ok "still one draft of that person" test "$(drafts $I1)" = 1
expect_code 1 "running the file again: the row is a bad row now" ceh apply --from "$T/staff.csv"
like "$T/err" "$I1 already has draft .* with other details" "named with its draft"
expect_code 0 "with --allow-second the rest is created" ceh apply --from "$T/staff.csv" --allow-second
ok "every other person once" sh -c "for i in $I0 $I2 $(sed -n '4,6p' "$T/ids" | tr '\n' ' '); do test \"\$(ceh list --id \$i --format tsv | tail -n +2 | wc -l)\" = 1 || exit 1; done"

# 3. a crash after two drafts, and a failing write: the rerun finishes
export CEH_STORE=$T/store3
ceh init --unsigned >/dev/null
mk_units
CEH_CRASH=atomic-after-rename:2 ceh apply --from "$T/staff.csv" >/dev/null 2>&1
ok "apply --from killed after its second draft" test $? = 137
n=$(ceh list --format tsv | tail -n +2 | wc -l | tr -d ' ')
ok "drafts are made one at a time: some are there ($n)" test "$n" -ge 1 -a "$n" -lt 6
expect_code 0 "the same file again" ceh apply --from "$T/staff.csv"
like "$T/err" "6 rows, $((6 - n)) drafts created, $n already drafts" "the rest created, the first ones recognised"
ok "every person once" sh -c "for i in \$(cat '$T/ids'); do test \"\$(ceh list --id \$i --format tsv | tail -n +2 | wc -l)\" = 1 || exit 1; done"
export CEH_STORE=$T/store4
ceh init --unsigned >/dev/null
mk_units
ceh apply --from "$T/staff.csv" --dry-run >/dev/null 2>&1
CEH_FAULT=rename:3 ceh apply --from "$T/staff.csv" >/dev/null 2>"$T/f.err"
ok "apply --from with the third rename failing: exit 5" test $? = 5
expect_code 0 "the same file again" ceh apply --from "$T/staff.csv"
ok "every person once" sh -c "for i in \$(cat '$T/ids'); do test \"\$(ceh list --id \$i --format tsv | tail -n +2 | wc -l)\" = 1 || exit 1; done"

# 4. add-year --from: a year added meanwhile with other subjects is not
# overwritten; the same year is counted as there; a crash, then a rerun
export CEH_STORE=$T/store3
A1=$(ceh list --id $I1 --format tsv | tail -n 1 | cut -f1)
race add-year-from-checked "$(command -v ceh) add-year $A1 --year 2024 --public-subject 法治 --public-hours 10 --public-form 网络培训" ceh add-year --from "$T/years.csv"
ok "add-year --from stopped, row 2's year added meanwhile by hand" test $? = 0
ok "add-year --from stops there: exit 4 (got $rc)" test $rc = 4
like "$T/r.err" "year 2024 is already in application $A1 with other subjects" "said so"
expect_code 0 "the year added by hand" ceh show $A1 --format json
check "is still there, not overwritten" /usr/bin/python3 -c '
import json, sys
y = json.load(open(sys.argv[1]))["years"]
assert [(r["year"], r["public_subject"], r["professional_subject"]) for r in y] == [(2024, "法治", "")], y' "$T/out"
CEH_CRASH=atomic-after-rename:2 ceh add-year --from "$T/years.csv" --replace >/dev/null 2>&1
ok "add-year --from --replace killed after its second draft" test $? = 137
expect_code 0 "the same file again" ceh add-year --from "$T/years.csv" --replace
like "$T/err" '6 rows, [0-9] years added, [1-9] already there' "finished: the rows done before recognised"
ok "every draft has the year of the file" sh -c "for i in \$(cat '$T/ids'); do ceh show \$(ceh list --id \$i --format tsv | tail -n 1 | cut -f1) --format json | grep -q 施工质量 || exit 1; done"
done_testing
