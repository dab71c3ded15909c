#!/bin/sh
# examples/exchange.sh runs to the end: three sites, a USB stick.
. "$(dirname "$0")/lib.sh"
plan 6
export HOME="$T/home"
expect_code 0 "examples/exchange.sh runs" sh "$CEH_ROOT/examples/exchange.sh"
like "$T/out" "	new	待审核$" "the application arrives at the supervisor and the agency"
like "$T/out" "	updated	审核通过$" "the approval comes back to the employer"
like "$T/out" "	verified$" "and verifies there"
like "$T/out" "^valid: slip " "the HR department's slip verifies at the employer's"
like "$T/err" "already received from hr; nothing new" "the same bundle twice changes nothing"
done_testing
