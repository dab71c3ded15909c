#!/bin/sh
# The operator of an event (issue 18): the clerk's name from --operator
# (before or after the command name) or CEH_OPERATOR, recorded in by as
# "NAME (user@host)"; the option wins; a bad name refuses the command and
# changes nothing; without either, user@host as before.  Signed events
# carry it inside the signature (ceh verify).
. "$(dirname "$0")/lib.sh"
plan 27
ceh init --signed >/dev/null && mk_units || exit 1
A=$(apply_std $ID1)
ok "log" ceh log $A --format tsv
like "$T/out" '	created	tester@[^	(]*	' "no operator: the account alone"

expect_code 0 "--operator before the command" ceh --operator 王芳 edit $A --phone 15556565657
expect_code 0 "--operator after the command name" ceh edit $A --operator 李四 --phone 15556565658
expect_code 0 "CEH_OPERATOR" env CEH_OPERATOR=赵六 ceh edit $A --phone 15556565659
expect_code 0 "--operator wins over CEH_OPERATOR" env CEH_OPERATOR=赵六 ceh edit $A --operator 钱七 --phone 15556565650
ok "log" ceh log $A --format tsv
check "four edits" test "$(grep -c '	edited	' "$T/out")" = 4
like "$T/out" '	edited	王芳 \(tester@[^)]*\)	' "by: the name, then the account"
like "$T/out" '	edited	李四 \(tester@' "the name given after the command"
like "$T/out" '	edited	赵六 \(tester@' "the name from CEH_OPERATOR"
like "$T/out" '	edited	钱七 \(tester@' "the option, not the variable"
ok "json" ceh log $A --format json
like "$T/out" '"by": "王芳 \(tester@' "JSON by carries the name"
ok "the signed history still verifies" ceh verify $A

before=$(store_digest)
for bad in '' 'a(b' "$(printf 'a\tb')" "$(printf 'x\342\200\256y')" "$(printf '%065d' 0)"; do
	expect_code 2 "bad --operator '$bad' is a usage error" ceh --operator "$bad" edit $A --phone 15556565651
done
like "$T/err" 'operator is too long' "the message says what is wrong"
expect_code 2 "a bad CEH_OPERATOR refuses the command" env CEH_OPERATOR='a)b' ceh edit $A --phone 15556565651
like "$T/err" "^ceh: CEH_OPERATOR must not contain" "the message names the variable"
check "refused: nothing changed" test "$before" = "$(store_digest)"
expect_code 0 "--version with a bad CEH_OPERATOR still answers" env CEH_OPERATOR='a)b' ceh --version
expect_code 0 "a good --operator wins over a bad CEH_OPERATOR" env CEH_OPERATOR='a)b' ceh --operator 孙八 edit $A --phone 15556565652
# the name is inside the signed form: changing it breaks the signature
f=$(find "$CEH_STORE/people" -path "*/${A%%-*}/draft/${A#*-}.yaml")
sed -i 's/by: 王芳 (/by: 王五 (/' "$f"
expect_code 1 "an operator changed in the file fails ceh verify" ceh verify $A
done_testing
