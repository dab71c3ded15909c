#!/bin/sh
# An incremental send costs what changed, not the store (issue 14,
# ceh-exchange(7)): it reads the applications the summary index names
# since the last send to that unit, never the rest: a document damaged
# by hand since (not changed through ceh) is not even read, while
# --full, which walks the whole store, finds it.  Without the index, or
# with a cursor of another commit, the whole store is walked.
. "$(dirname "$0")/lib.sh"
plan 15
. "$(dirname "$0")/1400-exchange-lib.sh"
A=$(app_at E $ID1) && B=$(app_at E $ID2) || exit 1
for x in $A $B; do
	at E submit $x >/dev/null && at E review --as $EMP1 --approve $x >/dev/null || exit 1
done
expect_code 0 "the first send walks the store" at E send --to $SUP2 -o "$U/1.bundle"
like "$T/err" "2 applications" "both"
ok "a cursor kept for the unit" test -s "$E/site/ceh/cursor.$SUP2"
like "$E/site/ceh/cursor.$SUP2" "^commit=$(GIT_DIR=$E/site git rev-parse refs/heads/to/$SUP2)$" "naming the commit sent"
C=$(app_at E $ID3) || exit 1
at E submit $C >/dev/null && at E review --as $EMP1 --approve $C >/dev/null || exit 1
# B damaged by hand: no commit of ceh names it
docB=$(ls "$E"/people/*/"$ID2"/review/*.yaml)
printf 'garbage: [\n' >> "$docB"
expect_code 0 "the next send reads only what changed" at E send --to $SUP2 -o "$U/2.bundle"
ok "so the damaged document was not read" true
changed=$(GIT_DIR=$E/site git diff-tree -r --name-only refs/heads/to/$SUP2~1 refs/heads/to/$SUP2 -- apps/ | tr '\n' ' ')
ok "the commit changes only the new application" test "$changed" = "apps/$C.yaml "
expect_code 1 "--full walks the whole store and finds the damage" at E send --to $SUP2 --full -o "$U/3.bundle"
like "$T/err" "$ID2" "names it"
# another unit registry: who sees what may have changed, so everything
expect_code 0 "with the damage, an incremental send still does not read it" at E send --to $SUP2 -o "$U/6.bundle"
at H unit add $EMP3 --name 湖南某民营建筑公司 --kind employer --parent $SUP2 --region 430100 >/dev/null &&
at H send --to $EMP1 -o "$U/h1.bundle" 2>/dev/null && at E receive "$U/h1.bundle" >/dev/null 2>&1 || exit 1
expect_code 1 "after a new registry the send walks the whole store" at E send --to $SUP2 -o "$U/8.bundle"
# fixed by hand again; without the index the whole store is walked
sed -i '$d' "$docB"
rm -rf "$E/index"
expect_code 0 "without the index" at E send --to $SUP2 --full -o "$U/4.bundle"
printf 'garbage: [\n' >> "$docB"
expect_code 1 "an incremental send without the index walks everything" at E send --to $SUP2 -o "$U/5.bundle"
sed -i '$d' "$docB"
expect_code 0 "the supervisor receives the bundles in order" sh -c "XDG_CONFIG_HOME='$T/keys-sup' ceh --store '$S' receive '$U/1.bundle' >/dev/null && XDG_CONFIG_HOME='$T/keys-sup' ceh --store '$S' receive '$U/2.bundle'"
ok "all three there" sh -c "for x in $A $B $C; do XDG_CONFIG_HOME='$T/keys-sup' ceh --store '$S' verify \$x >/dev/null || exit 1; done"
done_testing
