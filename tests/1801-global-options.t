#!/bin/sh
# The global options after the command name (issue 18, scripting
# details): `ceh list --store DIR` is `ceh --store DIR list`, `ceh init
# --store D` makes D, --wait and --allow-owner go after the name as well,
# and the last --store given wins.  Before, the first was an unknown
# option and the second too.
. "$(dirname "$0")/lib.sh"
plan 17
D=$T/other
unset CEH_STORE

expect_code 0 "init --store D" ceh init --store "$D" --unsigned
check "D is a store" test -f "$D/store.yaml"
check "no store elsewhere" test ! -e "$T/store"
CEH_STORE=$D
export CEH_STORE
mk_units
unset CEH_STORE
A=$(CEH_STORE=$D apply_std $ID1)
expect_code 0 "list --store D" ceh list --store "$D" --format tsv
cp "$T/out" "$T/after"
expect_code 0 "--store D list" ceh --store "$D" list --format tsv
same "$T/out" "$T/after" "both places give the same list"
like "$T/out" "^$A	" "the application is listed"
expect_code 3 "list --store of no store" ceh list --store "$T/nope"
like "$T/err" "no store at '$T/nope'" "the message names the folder"
ceh init --store "$T/empty" --unsigned >/dev/null
expect_code 0 "the last --store wins" ceh --store "$T/empty" list --store "$D" --format tsv
same "$T/out" "$T/after" "it listed D"
expect_code 2 "a bad --wait after the name" ceh submit "$A" --store "$D" --wait soon
like "$T/err" "^ceh submit: --wait needs a number of seconds, not 'soon'" "says so, naming the command"
D0=$(CEH_STORE=$D store_digest)
expect_code 0 "show --store D, and --wait/--allow-owner accepted" ceh show "$A" --store "$D" --wait 1 --allow-owner
check "the store is unchanged" test "$(CEH_STORE=$D store_digest)" = "$D0"
expect_code 3 "print-slip --store (its own -o parser) takes it" ceh print-slip --store "$D" --id $ID2 --from 2020 --to 2024 --copy -o "$T/slip.txt"
expect_code 0 "a subcommand takes it too" ceh unit list --store "$D" --format tsv
