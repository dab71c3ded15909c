#!/bin/sh
# ceh review refusals: wrong unit, missing reason, bad --next (self,
# employer, unknown, cycle, at the agency), usage mistakes, and a year
# approved twice.  Every refusal: exit code, message, store unchanged.
. "$(dirname "$0")/lib.sh"
plan 67
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
# refused CODE MSG REGEX CMD...: exit code, stderr matching, store unchanged
refused() {
	_code=$1 _m=$2 _re=$3; shift 3
	_before=$(store_digest)
	expect_code "$_code" "$_m" "$@"
	like "$T/err" "$_re" "$_m: message"
	ok "$_m: store unchanged" test "$_before" = "$(store_digest)"
}

A=$(apply_std $ID1); yr $A 2023
ceh submit $A >/dev/null
refused 4 "a unit it does not wait at" "waiting at $EMP1 \(湖南建工集团有限公司\), not at $SUP1" ceh review --as $SUP1 --approve $A
refused 4 "the agency before its turn" "waiting at $EMP1" ceh review --as $AGENCY --reject --reason x $A
refused 3 "an unregistered --as" "not a registered unit" ceh review --as 91430100MA4L99999E --approve $A
refused 1 "a malformed --as" "--as" ceh review --as 12345 --approve $A
refused 2 "reject without a reason" "needs --reason" ceh review --as $EMP1 --reject $A
refused 2 "return with an empty reason" "needs --reason" ceh review --as $EMP1 --return --reason "" $A
refused 2 "--next with --reject" "--next goes with --approve" ceh review --as $EMP1 --reject --reason x --next $SUP1 $A
refused 2 "two decisions at once" "exactly one" ceh review --as $EMP1 --approve --reject --reason x $A
refused 2 "no decision" "exactly one" ceh review --as $EMP1 $A
refused 2 "no --as" "missing --as" ceh review --approve $A
refused 2 "no application" "give application ids" ceh review --as $EMP1 --approve
refused 1 "--next the unit itself" "deciding unit itself" ceh review --as $EMP1 --approve --next $EMP1 $A
refused 1 "--next an employer" "is an employer" ceh review --as $EMP1 --approve --next $EMP2 $A
refused 3 "--next an unregistered unit" "not a registered unit" ceh review --as $EMP1 --approve --next 91430100MA4L99999E $A
ceh review --as $EMP1 --approve $A >/dev/null	# -> SUP2
ceh review --as $SUP2 --approve $A >/dev/null	# -> SUP1
refused 1 "--next back to a unit already in the chain (cycle)" "already reviewed .* \(a cycle\)" ceh review --as $SUP1 --approve --next $SUP2 $A
ceh review --as $SUP1 --approve $A >/dev/null	# -> AGENCY
refused 1 "--next at the agency (final)" "approval is final" ceh review --as $AGENCY --approve --next $SUP1 $A

# a year approved twice for one person
B=$(apply_std $ID1); yr $B 2023; yr $B 2022
ceh submit $B >/dev/null
ceh review --as $EMP1 --approve --next agency $B >/dev/null
expect_code 0 "the agency approves the first application (2023)" ceh review --as $AGENCY --approve $A
refused 1 "final approval of a year approved in another application" "year 2023 of $B is already approved in application $A" ceh review --as $AGENCY --approve $B
expect_code 0 "the agency can still return it" ceh review --as $AGENCY --return --reason "2023年已核认" $B
refused 1 "resubmitting with the approved year" "year 2023 .* already approved in application $A" ceh submit $B
expect_code 0 "remove the year" ceh rm-year $B --year 2023
expect_code 0 "then it can be submitted" ceh submit $B
expect_code 0 "and approved" ceh review --as $EMP1 --approve --next agency $B
expect_code 0 "finally" ceh review --as $AGENCY --approve $B
C=$(apply_std $ID1); yr $C 2023
refused 1 "a new application with an approved year cannot be submitted" "already approved in application $A" ceh submit $C
# an intermediate approval of the same year is refused as well
D=$(apply_std $ID2); yr $D 2021
E=$(apply_std $ID2); yr $E 2021
ceh submit $D >/dev/null; ceh submit $E >/dev/null
ceh review --as $EMP1 --approve --next agency $D >/dev/null
ceh review --as $AGENCY --approve $D >/dev/null
refused 1 "an employer's approval of a year approved elsewhere" "already approved in application $D" ceh review --as $EMP1 --approve $E
expect_code 0 "a different person's same year is fine" sh -c "F=\$(ceh apply --id $ID3 --name 李四 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 --title-level 中级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级) && ceh add-year \$F --year 2021 --public-subject a --public-hours 30 --public-form 远程教育 >/dev/null && ceh submit \$F"
done_testing
