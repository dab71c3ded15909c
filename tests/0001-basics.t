#!/bin/sh
# ceh itself: help, version, unknown commands, init, a missing store.
. "$(dirname "$0")/lib.sh"
plan 14
expect_code 0 "ceh --help exits 0" ceh --help
like "$T/out" '^  apply ' "help lists apply"
expect_code 0 "ceh --version" ceh --version
like "$T/out" '^ceh [0-9]' "version printed"
expect_code 2 "no command is a usage error" ceh
expect_code 2 "unknown command" ceh aply
like "$T/err" "did you mean 'apply'" "suggests the closest command"
expect_code 3 "a missing store is 'not found'" ceh list
like "$T/err" "run 'ceh init'" "and says to run ceh init"
expect_code 0 "init creates a store" ceh init
ok "store.yaml exists" test -f "$CEH_STORE/store.yaml"
ok "secret is readable by its owner only" sh -c "[ \$(stat -c %a '$CEH_STORE/secret') = 600 ]"
expect_code 4 "init refuses an existing store" ceh init
expect_code 0 "help COMMAND works without a store" sh -c 'CEH_STORE=/nonexistent ceh help apply'
done_testing
