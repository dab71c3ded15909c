#!/bin/sh
# examples/slip-desk.sh runs to the end: the slip printed again is the
# same slip, ceh slips lists it, verify-slip by number shows its years,
# and after a later approval the old slip is changed and a new one valid.
. "$(dirname "$0")/lib.sh"
plan 7
expect_code 0 "examples/slip-desk.sh runs" sh "$CEH_ROOT/examples/slip-desk.sh"
like "$T/err" "the same figures were issued as slip 20250601-" "printed again: the slip already issued"
like "$T/out" "^1 slip issued to 43010219850312123X$" "one slip listed after two prints"
like "$T/out" "^valid: slip 20250601-" "checked by number"
like "$T/out" "^2021 +30 +64.5 +94.5 +met" "year by year"
like "$T/out" "^20250601-.* changed$" "the old slip changed"
like "$T/out" "^20250602-.* valid$" "the new one valid"
done_testing
