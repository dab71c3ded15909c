#!/bin/sh
# ceh apply: the draft it creates, every required option, every invalid
# value (exit 1 naming the field; code lists name the choices), an
# unknown unit (3).  Every refusal leaves the store byte-identical.
. "$(dirname "$0")/lib.sh"
plan 99
ceh init --unsigned >/dev/null
mk_units

expect_code 0 "apply --help" ceh apply --help
like "$T/out" '^usage: ceh apply --id IDNUMBER' "usage on stdout"

expect_code 0 "apply creates a draft" apply_std $ID1 --education 大学本科 --remark 测试
check "prints exactly one line" test "$(wc -l < "$T/out")" = 1
like "$T/out" "^$ID1-[0-9a-v]{20}\$" "and it is the id: IDNUMBER-UNIQ"
A=$(cat "$T/out")
uniq=${A#*-}
shard=$(printf %s $ID1 | cut -c15-17)
f="$CEH_STORE/people/$shard/$ID1/draft/$uniq.yaml"
check "the document is people/SSS/IDNUMBER/draft/UNIQ.yaml" test -f "$f"
check "mode 0600" sh -c "[ \$(stat -c %a '$f') = 600 ]"
check "person directory is private" sh -c "[ \$(stat -c %a '$CEH_STORE/people/$shard/$ID1') = 700 ]"
like "$f" '^stage: draft$' "stage draft"
like "$f" '^  sex: 男$' "sex derived from the ID number"
like "$f" '^  education: 大学本科$' "optional education stored"
like "$f" '^- at: ".*"$' "a history event"
like "$f" '^  event: created$' "the created event"
like "$f" '^  by: tester@' "by CEH_USER"
expect_code 0 "stderr is empty on success" test ! -s "$T/err"

# a second open application for the same person (issue 18): refused,
# naming the one there, unless --allow-second says it is meant
second() { ceh apply --id $ID1 --name 张三 --ethnicity 汉族 --unit $EMP1 \
    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
    --series 工程 --specialty 建筑学 --region 湖南省省本级 "$@"; }
before=$(store_digest)
expect_code 4 "a second open application is refused" second
like "$T/err" "^ceh apply: $ID1 already has an open application $A \\(暂存\\): change that one, or give --allow-second" "naming the draft there"
check "the store is unchanged" test "$(store_digest)" = "$before"
expect_code 2 "edit does not take --allow-second" ceh edit $A --allow-second
expect_code 0 "a second application for the same person, with --allow-second" second --allow-second
B=$(cat "$T/out")
check "gets a different id" test "$A" != "$B"
check "both files exist" test "$(ls "$CEH_STORE/people/$shard/$ID1/draft" | wc -l)" = 2

expect_code 0 "lower-case x in the ID number" apply_std 43010219850312123x
like "$T/out" "^43010219850312123X-" "is stored upper-case"
C=$(cat "$T/out")
expect_code 0 "code-list values by code and alias" ceh apply --id $ID2 --name 李四 \
    --ethnicity 01 --unit $(echo $EMP2 | tr A-Z a-z) --unit-nature 国有企业 --title-level 中级 \
    --phone 0731-84123456 --series 工程 --specialty 给排水 --region 430100 --education 大专
D=$(cat "$T/out")
expect_code 0 "show it as yaml" ceh show $D --format yaml
like "$T/out" '^  ethnicity: 汉族$' "ethnicity code 01 stored as 汉族"
like "$T/out" '^  region: 长沙市$' "region code stored as its name"
like "$T/out" '^  education: 大学专科$' "alias 大专 stored as 大学专科"
like "$T/out" "^  unit: \"$EMP2\"\$" "unit code upper-cased"
like "$T/out" '^  sex: 女$' "sex 女"

# --- refusals --------------------------------------------------------------
store_digest > "$T/before"
# every required option missing: usage error 2
set -- --id $ID3 --name 王五 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 \
    --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级
missing() { # missing OPT: apply without --OPT
	_o=$1
	set -- --id $ID3 --name 王五 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 \
	    --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级
	_n_args=$#
	while [ $_n_args -gt 0 ]; do
		if [ "$1" = "--$_o" ]; then shift 2; _n_args=$((_n_args - 2)); continue; fi
		set -- "$@" "$1" "$2"; shift 2; _n_args=$((_n_args - 2))
	done
	expect_code 2 "missing --$_o: usage error" ceh apply "$@"
	like "$T/err" "missing --$_o " "names --$_o"
}
for opt in id name ethnicity unit unit-nature title-level phone series specialty region; do
	missing $opt
done
expect_code 2 "unknown option" apply_std $ID3 --colour red
expect_code 2 "an operand" apply_std $ID3 extra

# every invalid value: exit 1, the message names the field
bad() { # bad OPTION VALUE REGEX MSG
	expect_code 1 "$4" apply_std $ID3 "--$1" "$2"
	like "$T/err" "^ceh apply: --$1 .*$3" "message names --$1"
}
bad id 430602197811307898 "check digit is wrong \(expected 9\)" "wrong check digit"
bad id 4.30102E+17 "spreadsheet" "Excel's scientific notation"
bad id 430602781130789 "15-digit" "a 15-digit number"
bad id 430602190002297893 "not a real date" "Feb 29 of 1900"
bad name 张3 "cannot have" "a name with a digit"
bad name '' "empty" "an empty name"
bad ethnicity 火星族 "closest: 汉族 蒙古族" "an unknown ethnicity lists the choices"
bad unit 91430100MA4L12345B "check character is wrong" "a bad credit code"
bad unit-nature 外星企业 "choose one of: .*国有企业" "an unknown unit nature lists the choices"
bad title-level 特级 "choose one of: 正高级 副高级 中级 助理级 员级" "an unknown title level lists the choices"
bad phone 1555656565 "not a phone number" "a 10-digit phone"
bad series 魔法 "series" "an unknown series"
bad specialty '   ' "empty" "a blank specialty"
bad region 长沙 "closest: 长沙市" "an unknown region lists the closest"
bad education 本科 "choose one of: 博士研究生 硕士研究生 大学本科" "an unknown education lists the choices"
bad remark "$(printf '%0201d' 0)" "too long" "a remark over 200 characters"
bad name "$(printf 'a\tb')" "control" "a control character"
bad name "$(printf '\325\305')" "UTF-8" "GBK bytes"
expect_code 3 "an unregistered unit: not found" apply_std $ID3 --unit 91430100MA4L33333R
like "$T/err" "91430100MA4L33333R is not a registered unit" "says so"
# the applicant's unit is an employer, not a supervisor or the agency
expect_code 1 "a supervisor as --unit is refused" apply_std $ID3 --unit $SUP1
like "$T/err" "^ceh apply: --unit $SUP1 is a supervisor, not an employer" "says it is a supervisor"
expect_code 1 "the agency as --unit is refused" apply_std $ID3 --unit $AGENCY
like "$T/err" "^ceh apply: --unit $AGENCY is an agency, not an employer" "says it is an agency"
expect_code 2 "an option without its argument" apply_std $ID3 --remark
like "$T/err" "^ceh apply: option '--remark' needs an argument" "says the option needs an argument"
store_digest > "$T/after"
same "$T/before" "$T/after" "every refusal left the store byte-identical"
check "no person directory for the refused applicant" sh -c "! ls -d '$CEH_STORE'/people/*/$ID3 2>/dev/null"
done_testing
