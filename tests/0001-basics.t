#!/bin/sh
# ceh itself: help, version, unknown commands, init, a missing store; the
# command skeleton (cmd/cmd.h): options are parsed before the store is
# opened, and a missing argument is told from an unknown option.
. "$(dirname "$0")/lib.sh"
ceh help > "$T/help"
cmds=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' "$T/help")
plan $((26 + 3 * $(echo "$cmds" | wc -w)))
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
ok "a new store is signed by default (ceh-trust(7))" grep -qx 'trust: signed' "$CEH_STORE/store.yaml"
expect_code 0 "init --unsigned" ceh --store "$T/u" init --unsigned
ok "makes an unsigned store" grep -qx 'trust: unsigned' "$T/u/store.yaml"
expect_code 0 "init --signed is accepted (the default, explicit)" ceh --store "$T/s" init --signed
expect_code 0 "help COMMAND works without a store" sh -c 'CEH_STORE=/nonexistent ceh help apply'

# every command: --help and a usage error need no store
for c in $cmds; do
	expect_code 0 "ceh $c --help without a store" env CEH_STORE=/nonexistent ceh $c --help
	like "$T/out" "^usage: ceh (\\[--store DIR\\] )?$c" "ceh $c --help prints its usage"
	expect_code 2 "ceh $c --bogus without a store is a usage error, not 'no store'" env CEH_STORE=/nonexistent ceh $c --bogus
done
expect_code 2 "list --bogus without a store: exit 2" env CEH_STORE=/nonexistent ceh list --bogus
like "$T/err" "^ceh list: unknown option '--bogus'" "names the unknown option"
expect_code 2 "review --approve --as: a missing argument" ceh review --approve --as
like "$T/err" "^ceh review: option '--as' needs an argument" "says the option needs an argument"
expect_code 2 "a missing argument of a global option" ceh --wait
like "$T/err" "^ceh: option '--wait' needs an argument" "says so"
expect_code 2 "an unknown --format names the choices" ceh list --format xml
like "$T/err" "^ceh list: unknown --format 'xml' \(choose table, tsv, csv, json, csv-excel or xlsx\)" "table, tsv, csv, json, csv-excel or xlsx"
done_testing
