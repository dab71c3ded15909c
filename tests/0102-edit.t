#!/bin/sh
# ceh edit: change the applicant's details of a draft.
. "$(dirname "$0")/lib.sh"
plan 37
ceh init --unsigned >/dev/null
mk_units
A=$(apply_std $ID1)
shard=$(printf %s $ID1 | cut -c15-17)
f="$CEH_STORE/people/$shard/$ID1/draft/${A#*-}.yaml"

expect_code 0 "edit --help" ceh edit --help
like "$T/out" '^usage: ceh edit APP ' "usage on stdout"
expect_code 0 "edit the name and phone" ceh edit $A --name 张三丰 --phone 0731-84123456
like "$T/out" "^$A\$" "prints the id"
like "$f" '^  name: 张三丰$' "name changed"
like "$f" '^  phone: "0731-84123456"$' "phone changed"
like "$f" '^  event: edited$' "an edited event"
like "$f" '^  detail: name,phone$' "naming the fields changed"
like "$f" '^revision: 2$' "revision bumped"
expect_code 0 "options may come before the id" ceh edit --unit $EMP2 --title-level 中级 --education 大专 $A
like "$f" "^  unit: \"$EMP2\"\$" "unit changed"
like "$f" '^  education: 大学专科$' "alias stored as the canonical name"
expect_code 0 "remark can be cleared" ceh edit $A --remark ''
like "$f" '^  remark: ""$' "remark empty"

store_digest > "$T/before"
expect_code 0 "an edit that changes nothing" ceh edit $A --name 张三丰
store_digest > "$T/after"
same "$T/before" "$T/after" "writes nothing"
expect_code 2 "no id" ceh edit --name x
expect_code 2 "nothing to change" ceh edit $A
expect_code 2 "the ID number cannot change" ceh edit $A --id $ID2
like "$T/err" "cannot change" "says so"
expect_code 2 "unknown option" ceh edit $A --colour red
expect_code 1 "invalid phone" ceh edit $A --phone 123
like "$T/err" "^ceh edit: --phone '123' is not a phone number" "names --phone"
expect_code 1 "invalid title level" ceh edit $A --title-level 特级
like "$T/err" "choose one of: 正高级 副高级 中级 助理级 员级" "lists the choices"
expect_code 1 "empty name" ceh edit $A --name ''
expect_code 1 "one bad value refuses the whole edit" ceh edit $A --name 李四 --region 火星
expect_code 3 "an unregistered unit" ceh edit $A --unit 91430100MA4L33333R
expect_code 1 "a supervisor as --unit is refused" ceh edit $A --unit $SUP2
like "$T/err" "^ceh edit: --unit $SUP2 is a supervisor, not an employer" "says so"
expect_code 3 "an unknown application" ceh edit ${ID1}-00000000000000000000 --name x
expect_code 1 "a malformed application id" ceh edit ../../x --name x
store_digest > "$T/after"
same "$T/before" "$T/after" "refusals left the store byte-identical"

# an application under review cannot be edited (made by hand here; the
# workflow commands do it for real)
mkdir -p "$CEH_STORE/people/$shard/$ID1/review"
sed -e 's/^stage: draft$/stage: review/' -e "/^stage: review\$/a waiting_at: \"$EMP2\"" \
    "$f" > "$CEH_STORE/people/$shard/$ID1/review/${A#*-}.yaml"
rm "$f"
check "hand-made review document is valid" ceh show $A
store_digest > "$T/before"
expect_code 4 "edit of an application under review: wrong state" ceh edit $A --name 李四
like "$T/err" "only a draft can be changed" "says so"
store_digest > "$T/after"
same "$T/before" "$T/after" "store byte-identical"
done_testing
