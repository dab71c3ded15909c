#!/bin/sh
# A year row's subject and form, as a document read back checks them
# (lib/doc.c line_check): each fault named with its year, its line and
# its field, and the document refused.  The field's name is made only
# when there is a fault (the check runs on every document read).
. "$(dirname "$0")/lib.sh"
plan 14
ceh init --unsigned >/dev/null
mk_units
A=$(apply_std $ID1)
ceh add-year $A --year 2024 --public-subject 公需科目 --public-hours 30 --public-form 远程教育 \
    --pro-subject 建筑结构新技术 --pro-hours 60.5 --pro-form 培训班 >/dev/null
shard=$(printf %s $ID1 | cut -c15-17)
f="$CEH_STORE/people/$shard/$ID1/draft/${A#*-}.yaml"
cp "$f" "$T/good"
expect_code 0 "show of the good document" ceh show $A
# bad EDIT WANT: the document with one field edited is refused, naming it
bad() {
	cp "$T/good" "$f"
	sed -i "$1" "$f"
	expect_code 1 "show: $3" ceh show $A
	like "$T/err" "$2" "$3: the message"
}
bad 's/远程教育/函授进修/' "year 2024: public form '函授进修'" "a public form not in the code list"
bad 's/^\(  *professional_form: \).*/\1岗位培训/' "year 2024: professional form '岗位培训' is not in its canonical form '培训班'" "a professional form not in its canonical form"
bad 's/^\(  *public_subject: \).*/\1"a\\tb"/' "year 2024: public subject contains a control character" "a control character in the public subject"
bad 's/^\(  *professional_form: \).*/\1"x\\u0001y"/' "year 2024: professional form contains a control character" "a control character in the professional form"
bad 's/^\(  *public_form: \).*/\1""/' "year 2024: public subject '公需科目' needs a form of education" "a public subject without a form"
bad "s/^\\(  *professional_subject: \\).*/\\1$(printf '很%.0s' $(seq 101))/" "year 2024: professional subject is too long .101 characters, limit 100." "a professional subject too long"
cp "$T/good" "$f"
expect_code 0 "the good document again" ceh show $A
