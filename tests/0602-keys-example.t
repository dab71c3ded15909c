#!/bin/sh
# examples/keys.sh runs to the end and shows each step.
. "$(dirname "$0")/lib.sh"
plan 6
export HOME="$T/home"
expect_code 0 "examples/keys.sh runs" sh "$CEH_ROOT/examples/keys.sh"
like "$T/out" "^ceh-ed25519 [A-Za-z0-9_-]{43} 91430000MA4L00001D$" "the agency's public line"
like "$T/out" "^-rw------- 91430000MA4L00001D.key$" "its private key file, mode 0600"
like "$T/out" "^ceh-ed25519 [A-Za-z0-9_-]{43} 91430100MA4L12345A$" "the employer's"
like "$T/out" "refusing to overwrite" "a second key is refused"
like "$T/out" "open to other users \(mode 0644\)" "an open key file is refused"
done_testing
