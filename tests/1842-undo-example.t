#!/bin/sh
# examples/undo.sh: a decision undone by the unit that made it, an undo
# refused once the next unit decided, an approval revoked by the agency
# and the slip that counted it verifying as revoked; the store ends
# consistent.  In C and in zh_CN.UTF-8 (no English message of ceh there).
. "$(dirname "$0")/lib.sh"
plan 14
expect_code 0 "undo.sh runs" sh "$CEH_ROOT/examples/undo.sh"
cp "$T/out" "$T/ex"; cp "$T/err" "$T/exerr"
like "$T/ex" '	undone forwarded, waiting at 91430100MA4L12345A$' "the forwarding undone"
like "$T/exerr" 'made by 91430100MA4L12345A, not by 12430000MB1234567W' "another unit cannot undo it"
like "$T/exerr" 'made by 12430000MB1234567W, not by 91430100MA4L12345A' "too late once the next unit decided"
like "$T/ex" 'undone .*误点通过，证书缺失  forwarded' "the log shows the undo"
like "$T/ex" '	revoked$' "the approval revoked"
like "$T/ex" '^revoked: slip [0-9]{8}-[0-9A-Z]{10} counted the hours of application .*证书系伪造$' "the slip is revoked"
like "$T/ex" '^\(exit status 4\)$' "verify-slip's exit status 4"
like "$T/ex" '	verified$' "it verifies"
like "$T/exerr" '^ceh fsck: .* 0 problem\(s\) found' "the store ends consistent"
expect_code 0 "undo.sh in zh_CN.UTF-8" env LC_ALL=zh_CN.UTF-8 sh "$CEH_ROOT/examples/undo.sh"
cat "$T/out" "$T/err" > "$T/all"
unlike "$T/all" "^ceh [a-z-]+: [A-Za-z]+ [a-z]+ [a-z]+|[0-9]+ of [0-9]+ done" "no English message from ceh"
like "$T/all" "只有作出该决定的单位才能撤回" "the refusal in Chinese"
like "$T/all" "^revoked: 学时认定单 .* 撤销：证书系伪造" "the verdict word stays, the explanation in Chinese"
done_testing
