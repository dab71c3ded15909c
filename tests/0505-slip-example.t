#!/bin/sh
# examples/slip.sh runs to the end and shows each verdict.
. "$(dirname "$0")/lib.sh"
plan 12
mkdir -p "$T/ex"
expect_code 0 "examples/slip.sh runs" sh "$CEH_ROOT/examples/slip.sh" "$T/ex"
like "$T/out" "^valid: slip " "a valid slip"
like "$T/out" "^altered: " "an altered one"
like "$T/out" "^unknown: " "a forged code"
like "$T/out" "^changed: .*2024: slip 未核认, now 公需 30 \+ 专业 60 = 90" "changed data"
like "$T/out" "^2024  未核认（无审核通过的学时）" "the empty year on the text slip"
like "$T/out" "^valid: slip .* was issued by 91430000MA4L00001D on .*, signed with key " "a signed slip verified with the public key alone"
like "$T/out" "\(exit 1: altered\)" "a signed slip altered"
like "$T/out" "^unknown key: " "another key"
like "$T/out" "^ +副本$" "an unsigned copy"
like "$T/out" "header: \{\"alg\": \"EdDSA\", \"typ\": \"vc\+jwt\", \"kid\": \"did:key:z6Mk" "the credential's header"
ok "it leaves the PDF" test -s "$T/ex/slip-example.pdf"
done_testing
