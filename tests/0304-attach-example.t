#!/bin/sh
# examples/attachments.sh runs from a clean checkout and shows what it says.
. "$(dirname "$0")/lib.sh"
plan 5
expect_code 0 "attachments.sh runs" env -u CEH_STORE CEH_BIN="$CEH_BIN" \
    sh "$CEH_ROOT/examples/attachments.sh"
like "$T/out" '^2024/2-scan\.png$' "it attaches"
like "$T/out" '^\(refused, exit status 1\)$' "it shows refusals"
like "$T/out" "evil\.sh' is not listed by the document" "it shows tampering"
like "$T/out" '^\(refused, exit status 4\)$' "it shows the freeze after submit"
done_testing
