#!/bin/sh
# examples/demo.sh (make demo) runs from a clean checkout and leaves a
# store that the other commands read.
. "$(dirname "$0")/lib.sh"
plan 11
expect_code 0 "demo.sh runs in a temporary store" env -u CEH_STORE sh "$CEH_ROOT/examples/demo.sh"
like "$T/out" '^==> 1\. Create a store' "prints a tour"
like "$T/out" '^\$ ceh list$' "shows the commands it runs"
expect_code 0 "demo.sh into a given directory" sh "$CEH_ROOT/examples/demo.sh" "$T/demo-store"
expect_code 0 "the kept store can be listed" ceh --store "$T/demo-store" list --format tsv
check "with the demo's applications" test "$(tail -n +2 "$T/out" | wc -l)" -ge 3
ok "the demo's store is signed" grep -qx 'trust: signed' "$T/demo-store/store.yaml"
ok "its units' keys are next to it, in DIR.keys" test -f "$T/demo-store.keys/ceh/keys/91430000MA4L00001D.key"
ok "and never in it" sh -c "! grep -rq 'ceh-ed25519-private' '$T/demo-store'"
expect_code 0 "every chain and signature verifies" ceh --store "$T/demo-store" fsck
expect_code 4 "a second run into the same directory refuses to overwrite it" sh "$CEH_ROOT/examples/demo.sh" "$T/demo-store"
done_testing
