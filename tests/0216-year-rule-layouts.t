#!/bin/sh
# The rule that a year is approved once reads the person's approved
# documents lightly when they are laid out as ceh writes them, and in full
# otherwise (lib/workflow.c, year_scan): an approved document written by
# hand in another valid layout (the year quoted, a comment, the rows
# indented, keys in another order, the years after the history, CRLF line
# ends) still blocks a second approval of its year, in a batch and for one
# application, and a layout the light reading takes blocks nothing but the
# years it holds.
. "$(dirname "$0")/lib.sh"
plan 46
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
to_agency() { ceh submit "$1" >/dev/null && ceh review --as $EMP1 --approve --next agency "$1" >/dev/null; }

# A holds 2021 and 2022, B 2022 (A's year) and 2020, C only 2023, D
# (another person) 2022: all wait at the agency, which approves A
A=$(apply_std $ID1); yr $A 2021; yr $A 2022
B=$(apply_std $ID1); yr $B 2022; yr $B 2020
C=$(apply_std $ID1); yr $C 2023
D=$(apply_std $ID2); yr $D 2022
to_agency $A && to_agency $B && to_agency $C && to_agency $D || exit 1
ceh review --as $AGENCY --approve $A >/dev/null || exit 1
DOC=$(find "$CEH_STORE/people" -path "*/approved/${A#*-}.yaml")
cp "$DOC" "$T/orig.yaml"

# layout NAME SCRIPT: A's document rewritten by the python SCRIPT (on s)
layout() {
	cp "$T/orig.yaml" "$DOC"
	python3 - "$DOC" "$2" <<'PY'
import sys
path, code = sys.argv[1], sys.argv[2]
s = open(path, encoding="utf-8").read()
s = eval(code, {"s": s})
open(path, "w", encoding="utf-8", newline="").write(s)
PY
}
# blocked NAME: B's approval is refused for 2022, alone and in a batch
# with C, and nothing of B changes
blocked() {
	ok "$1: A still reads" ceh show $A
	_b=$(find "$CEH_STORE/people" -name "${B#*-}.yaml")
	_before=$(sha256sum < "$_b")
	expect_code 1 "$1: one application" ceh review --as $AGENCY --approve $B
	like "$T/err" "year 2022 of $B is already approved in application $A" "$1: named"
	printf '%s\n%s\n' $B $B > "$T/ids"
	expect_code 1 "$1: a batch" sh -c "ceh review --as $AGENCY --approve - < '$T/ids'"
	like "$T/out" "^$B	error 1: year 2022 of $B is already approved in application $A" "$1: named in the batch"
	ok "$1: B unchanged" test "$_before" = "$(sha256sum < "$_b")"
}

blocked "as ceh writes it"
layout "quoted" 's.replace("- year: 2022\n", "- year: \"2022\"\n")'
blocked "the year quoted"
layout "comment" 's.replace("years:\n", "years:   # 年度\n")'
blocked "a comment"
layout "indented" '(lambda i, j: s[:i] + "".join("  " + l for l in s[i:j].splitlines(True)) + s[j:])(s.index("years:\n") + 7, s.index("history:"))'
blocked "the rows indented"
layout "order" 's.replace("- year: 2022\n  public_subject: 公需课\n", "- public_subject: 公需课\n  year: 2022\n")'
blocked "the year not first in its row"
layout "years last" '(lambda i, j: s[:i] + s[j:] + s[i:j])(s.index("years:"), s.index("history:"))'
blocked "the years after the history"
layout "crlf" 's.replace("\n", "\r\n")'
blocked "CRLF line ends"

# the light reading refuses nothing but the years it holds
cp "$T/orig.yaml" "$DOC"
printf '%s\n%s\n' $C $D > "$T/ids"
expect_code 0 "another year, and another person's, are approved in a batch" sh -c "ceh review --as $AGENCY --approve - < '$T/ids'"
like "$T/out" "^$C	approved" "C approved"
like "$T/out" "^$D	approved" "D approved"
ok "fsck is clean" ceh fsck
done_testing
