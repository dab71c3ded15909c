#!/bin/sh
# The main scenarios in both languages (issue 17): every example script
# (the four roles, import, reports, slips, spreadsheets, attachments,
# keys, office) runs to the end under zh_CN.UTF-8 and under C, and under zh_CN
# no message of ceh is an English sentence ("ceh CMD: " followed by
# English words, or an English outcome summary).
. "$(dirname "$0")/lib.sh"
set -- four-roles import reports slip spreadsheets attachments keys undo transfer slip-desk office
plan $(( 3 * $# ))
for ex in "$@"; do
	expect_code 0 "examples/$ex.sh in C" env LC_ALL=C CEH_BIN="$CEH_BIN" sh "$CEH_ROOT/examples/$ex.sh"
	expect_code 0 "examples/$ex.sh in zh_CN.UTF-8" env LC_ALL=zh_CN.UTF-8 CEH_BIN="$CEH_BIN" sh "$CEH_ROOT/examples/$ex.sh"
	cat "$T/out" "$T/err" > "$T/all"
	unlike "$T/all" "^ceh [a-z-]+: [A-Za-z]+ [a-z]+ [a-z]+|[0-9]+ of [0-9]+ done|^ceh [a-z-]+: [0-9]+ (rows?|records?|applications?) " "... no English message from ceh"
done
