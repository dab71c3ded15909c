#!/bin/sh
# examples/four-roles.sh plays the four roles of the guide from a clean
# store to approved applications.
. "$(dirname "$0")/lib.sh"
plan 9
expect_code 0 "four-roles.sh runs" sh "$CEH_ROOT/examples/four-roles.sh"
cp "$T/out" "$T/ex"; cp "$T/err" "$T/exerr"
like "$T/ex" '^==> Role 4, the HR agency' "it reaches the agency"
like "$T/ex" '	approved$' "the agency approves in batch"
like "$T/ex" '	returned$' "a supervisor returns one"
like "$T/ex" '	rejected$' "an employer rejects one"
like "$T/ex" '	withdrawn$' "the applicant withdraws once"
ok "three approved in the final list" test "$(grep -cE ' 审核通过( |$)' "$T/ex")" = 3
like "$T/ex" 'approved    rensheting@' "the log shows who decided"
like "$T/exerr" '^ceh fsck: .* 0 problem\(s\) found' "the store ends consistent"
done_testing
