#!/bin/sh
# Refusals of the exchange (issue 14, ceh-exchange(7)): an edited
# approved hour, a forged approval, a decision by the wrong unit, a
# replayed old bundle, a bundle from an unknown site, a truncated bundle,
# a diverged history, a path leaving the store and a symbolic link in a
# bundle made by hand with git.  Each: a clear message, its exit code,
# the store unchanged (a bundle refused whole changes nothing at all; an
# application refused changes nothing but the receipt the site keeps
# for the sender, site/ceh/refused).
. "$(dirname "$0")/lib.sh"
plan 70
. "$(dirname "$0")/1400-exchange-lib.sh"
# snap DIR: remember the whole store (site/ too: git objects, refs,
# receipts); changed DIR: the paths that differ since, one line each
snap() { digest_of "$1" > "$T/snap"; }
changed() { digest_of "$1" | diff "$T/snap" - | sed -n 's/^[<>] \([^ ]*\).*/\1/p' | LC_ALL=C sort -u; }
# forge IN OUT UNIT SCRIPT: bundle IN's branch to/UNIT checked out, SCRIPT
# run in it (sh -c, $A set), committed on top and written as bundle OUT
forge() {
	rm -rf "$T/f" && git init -q "$T/f" &&
	(cd "$T/f" && git fetch -q "$1" "refs/heads/to/$3:refs/heads/to/$3" &&
	git checkout -q "to/$3" && A=$A sh -c "$4" &&
	git add -A && git -c user.name=x -c user.email=x@x commit -qm forged &&
	git bundle create -q "$2" "refs/heads/to/$3")
}

# the application up to the agency, and the decision back
A=$(app_at E $ID1) || exit 1
at E submit $A >/dev/null && at E review --as $EMP1 --approve $A >/dev/null &&
at E send --to $SUP2 -o "$U/e1.bundle" 2>/dev/null &&
at S receive "$U/e1.bundle" >/dev/null 2>&1 &&
cp -a "$S" "$T/sup-copy" &&	# the supervisor's store before it decides
at S review --as $SUP2 --approve $A >/dev/null &&
at S review --as $SUP1 --approve $A >/dev/null &&
at S send --to $AGENCY -o "$U/s1.bundle" 2>/dev/null &&
at H receive "$U/s1.bundle" >/dev/null 2>&1 &&
at H review --as $AGENCY --approve $A >/dev/null &&
at H send --to $EMP1 -o "$U/h1.bundle" 2>/dev/null &&
at E receive "$U/h1.bundle" >/dev/null 2>&1 || exit 1

# an edited approved hour
forge "$U/h1.bundle" "$U/edited.bundle" $EMP1 'sed -i "s/^  professional_hours: 60.5$/  professional_hours: 90/; s/^  total_hours: 90.5$/  total_hours: 120/" apps/$A.yaml' || exit 1
snap "$E"
expect_code 1 "an edited approved hour is refused" at E receive "$U/edited.bundle"
like "$T/out" "^$A	refused	.*does not match its last event" "the application named, its content does not match its chain"
like "$T/err" "1 application\(s\) of the bundle refused" "the command says so"
ok "the store unchanged but the receipt kept for the sender (no git object, no ref of the bundle)" test "$(changed "$E")" = ./site/ceh/refused
like "$E/site/ceh/refused" "^hr	$EMP1	$A	" "the refusal kept for the sender"
ok "the employer still has the approved one, and it verifies" at E verify $A
like "$T/out" "^$A	verified$" "verified"

# a forged approval: the agency's signature replaced
forge "$U/h1.bundle" "$U/forged.bundle" $EMP1 '
	s1=$(grep "^  sig: " apps/$A.yaml | sed -n 1p); s2=$(grep "^  sig: " apps/$A.yaml | tail -1)
	sed -i "s|^$s2\$|$s1|" apps/$A.yaml' || exit 1
snap "$E"
expect_code 1 "a forged approval is refused" at E receive "$U/forged.bundle"
like "$T/out" "^$A	refused	.*(signature|sig)" "a bad signature"
ok "unchanged but the receipt" test "$(changed "$E")" = ./site/ceh/refused

# a decision by the wrong unit: a copy of the supervisor's store makes
# the application wait at the parent by hand and the parent decides with
# its own valid key
cp -a "$T/sup-copy" "$T/wrong"
doc=$(ls "$T/wrong"/people/*/*/review/*.yaml)
sed -i "s/^waiting_at: \"$SUP2\"/waiting_at: \"$SUP1\"/" "$doc"
rm -rf "$T/wrong/site/refs/in" "$T/wrong/site/refs/heads"
XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/wrong" review --as $SUP1 --approve $A >/dev/null || exit 1
XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/wrong" send --to $AGENCY -o "$U/wrong.bundle" 2>/dev/null || exit 1
cp -a "$H" "$T/hr-before"	# an HR store that has not seen the application
rm -rf "$T/hr-before/people" "$T/hr-before/queues"
mkdir -m 700 "$T/hr-before/people"
rm -f "$T/hr-before/site/refs/in/sup/$AGENCY"
snap "$T/hr-before"
expect_code 1 "a decision by a unit the application was not waiting at is refused" env XDG_CONFIG_HOME=$T/keys-hr ceh --store "$T/hr-before" receive "$U/wrong.bundle"
like "$T/out" "^$A	refused	.*was signed by $SUP1, but the application was waiting at $SUP2: a decision by a unit it was not waiting at" "names both units"
ok "unchanged but the receipt" test "$(changed "$T/hr-before")" = ./site/ceh/refused

# the receipt travels back: the HR site learns what the employer refused
at E send --to $AGENCY -o "$U/e2.bundle" 2>/dev/null
expect_code 0 "the HR site receives the employer's receipt" at H receive "$U/e2.bundle"
expect_code 0 "send --status at the HR site" at H send --status
like "$T/out" "^emp	$EMP1	$A	.*	refused$" "lists what the employer refused and why"
expect_code 0 "send --status --format json at the HR site" at H send --status --format json
cp "$T/out" "$T/status.json"
ok "the refusal as a JSON row: site, unit, application, employer, reason" /usr/bin/python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
r = [r for r in rows if r["status"] == "refused"][0]
assert (r["site"], r["unit"], r["application"], r["employer"]) == ("emp", sys.argv[2], sys.argv[3], sys.argv[2]), r
assert r["reason"] and r["applications"] is None, r
' "$T/status.json" $EMP1 $A

ok "the employer's site tells another employer nothing of it" sh -c '
	XDG_CONFIG_HOME="$1"/keys-emp ceh --store "$2" send --to "$3" -o "$1/e-emp2.bundle" 2>/dev/null &&
	rm -rf "$1/g2" && git init -q "$1/g2" && cd "$1/g2" &&
	git fetch -q "$1/e-emp2.bundle" "refs/heads/to/$3:refs/heads/x" &&
	git show x:refused > "$1/refused-emp2" && ! grep -q "$4" "$1/refused-emp2" &&
	! git ls-tree -r --name-only x | grep -q "$4"' - "$T" "$E" $EMP2 $A

# a replayed old bundle
at E receive "$U/h1.bundle" >/dev/null 2>&1
before=$(digest_of "$E")
expect_code 0 "a replayed old bundle changes nothing" at E receive "$U/hr-emp-0.bundle"
like "$T/err" "already received from hr; nothing new" "says so"
ok "the whole store unchanged" test "$(digest_of "$E")" = "$before"
expect_code 0 "the same bundle again" at E receive "$U/h1.bundle"
ok "unchanged" test "$(digest_of "$E")" = "$before"

# a bundle from an unknown site: another agency, another anchor
R=$T/rogue
XDG_CONFIG_HOME=$T/keys-rogue ceh key generate --unit $AGENCY >/dev/null
XDG_CONFIG_HOME=$T/keys-rogue ceh --store "$R" init --signed --site hr >/dev/null
XDG_CONFIG_HOME=$T/keys-rogue ceh --store "$R" unit add $AGENCY --name 人社厅 --kind agency --region 430000 --public-key "$(XDG_CONFIG_HOME=$T/keys-rogue ceh key show --unit $AGENCY | head -1)" >/dev/null
XDG_CONFIG_HOME=$T/keys-rogue ceh --store "$R" unit add $EMP1 --name 建工 --kind employer --region 439900 >/dev/null
XDG_CONFIG_HOME=$T/keys-rogue ceh --store "$R" send --to $EMP1 -o "$U/rogue.bundle" 2>/dev/null
before=$(digest_of "$E")
expect_code 1 "a bundle from an unknown site is refused" at E receive "$U/rogue.bundle"
like "$T/err" "unknown site 'hr': it believes another trust anchor" "says why"
ok "the whole store unchanged" test "$(digest_of "$E")" = "$before"

# a truncated bundle
size=$(stat -c %s "$U/h1.bundle")
head -c $((size - 100)) "$U/h1.bundle" > "$U/cut.bundle"
expect_code 1 "a truncated bundle is refused" at E receive "$U/cut.bundle"
like "$T/err" "is damaged or not a bundle" "damaged"
ok "unchanged" test "$(digest_of "$E")" = "$before"
head -c 10 "$U/h1.bundle" > "$U/cut2.bundle"
expect_code 1 "cut in its header" at E receive "$U/cut2.bundle"
like "$T/err" "not a bundle made by ceh send" "not a bundle"
ok "unchanged" test "$(digest_of "$E")" = "$before"
printf 'not a bundle\n' > "$U/text.bundle"
expect_code 1 "a text file" at E receive "$U/text.bundle"
ok "unchanged" test "$(digest_of "$E")" = "$before"
expect_code 3 "no such file" at E receive "$U/none.bundle"
CEH_EXCHANGE_MAX=1000 expect_code 1 "a bundle over the size bound is refused before anything is read" at E receive "$U/h1.bundle"
like "$T/err" "more than the 1000 a bundle may have" "says so"
ok "unchanged" test "$(digest_of "$E")" = "$before"

# a bundle that continues one this site has not received
at H unit add $EMP3 --name 湖南某民营建筑公司 --kind employer --region 430100 >/dev/null
expect_code 0 "the HR site sends what is new since the employer's receipt" at H send --to $EMP1 -o "$U/h2.bundle"
like "$T/err" "since what it acknowledged" "an incremental bundle"
before=$(digest_of "$T/sup-copy")
expect_code 4 "a site that lacks the bundle before it refuses it" env XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/sup-copy" receive "$U/h2.bundle"
like "$T/err" "continues a bundle this site has not received: receive the earlier bundles first, or ask the sender for a full one" "says what to do"
ok "unchanged" test "$(digest_of "$T/sup-copy")" = "$before"
# a bundle whose registry is new but one of whose applications is
# forged: refused, its registry is not taken either
at H send --full --to $EMP1 -o "$U/h2full.bundle" 2>/dev/null &&
forge "$U/h2full.bundle" "$U/h2forged.bundle" $EMP1 'sed -i "s/^  professional_hours: 60.5$/  professional_hours: 90/; s/^  total_hours: 90.5$/  total_hours: 120/" apps/$A.yaml' || exit 1
snap "$E"
expect_code 1 "a new registry with a forged application is refused" at E receive "$U/h2forged.bundle"
unlike "$T/out" "^units.yaml	taken" "the registry not taken"
ok "unchanged but the receipt (units.yaml as it was)" test "$(changed "$E")" = ./site/ceh/refused
expect_code 0 "the employer takes it" at E receive "$U/h2.bundle"
like "$T/out" "^units.yaml	taken	1 unit" "the new unit"

# a symbolic link and a path leaving the store, made with git by hand
forge "$U/h1.bundle" "$U/link.bundle" $EMP1 'rm apps/$A.yaml && ln -s /etc/passwd apps/$A.yaml' || exit 1
before=$(digest_of "$E")
expect_code 1 "a symbolic link in a bundle is refused" at E receive "$U/link.bundle"
like "$T/err" "as a symbolic link \(mode 120000\)" "named a symbolic link"
ok "unchanged" test "$(digest_of "$E")" = "$before"
forge "$U/h1.bundle" "$U/dotdot.bundle" $EMP1 'echo >> apps/$A.yaml' || exit 1
(cd "$T/f" && b=$(echo evil | git hash-object -w --stdin) &&
	sub=$(printf "100644 blob %s\tevil\n" $b | git mktree) &&
	top=$( (git ls-tree HEAD; printf "040000 tree %s\t..\n" $sub) | git mktree) &&
	c=$(echo x | git -c user.name=x -c user.email=x@x commit-tree $top -p HEAD) &&
	git update-ref refs/heads/to/$EMP1 $c &&
	git bundle create -q "$U/dotdot.bundle" refs/heads/to/$EMP1) || exit 1
expect_code 1 "a path leaving the store is refused" at E receive "$U/dotdot.bundle"
like "$T/err" "holds a folder '\.\.'|holds '\.\./evil'" "names the path"
ok "unchanged" test "$(digest_of "$E")" = "$before"
ok "nothing was written outside the store" test ! -e "$T/evil" -a ! -e "$E/../evil"
forge "$U/h1.bundle" "$U/extra.bundle" $EMP1 'echo x > apps/'"$ID1"'-notanid.yaml' || exit 1
expect_code 1 "a name that is not an application id is refused" at E receive "$U/extra.bundle"
like "$T/err" "a path a bundle of ceh never has" "says so"
ok "unchanged" test "$(digest_of "$E")" = "$before"

# a diverged history: the copy of the supervisor's store rejects what the
# supervisor forwarded; both reach the HR site
rm -rf "$T/sup-copy/site/refs/heads"
# later than the supervisor's own decisions, so the histories differ
export CEH_NOW=$(($(date +%s) + 100))
XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/sup-copy" review --as $SUP2 --approve $A >/dev/null &&
XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/sup-copy" review --as $SUP1 --approve $A >/dev/null || exit 1
unset CEH_NOW
XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/sup-copy" send --to $AGENCY -o "$U/div.bundle" 2>/dev/null || exit 1
snap "$H"
expect_code 4 "a diverged history is set aside" at H receive "$U/div.bundle"
like "$T/out" "^$A	diverged	ours is 审核通过, theirs 待审核" "says both"
like "$T/out" "ceh site resolve $A --keep-ours \| --take-theirs" "and the command to resolve it"
ok "ours kept: nothing changed but theirs set aside and the bundle acknowledged (its pack, refs/in)" sh -c "test \"\$(printf '%s\n' \$*)\" = \"\$(printf '%s\n' ./conflicts ./conflicts/$A.from ./conflicts/$A.yaml ./site/objects/pack/pack-X.idx ./site/objects/pack/pack-X.pack ./site/refs/in/sup/$AGENCY)\"" - $(changed "$H" | sed 's/pack-[0-9a-f]*\./pack-X./')
ok "theirs set aside under conflicts/" test -f "$H/conflicts/$A.yaml"
expect_code 3 "resolve of an application with no conflict" at H site resolve ${ID2}-01lh0000000000000000 --keep-ours
expect_code 2 "resolve needs a choice" at H site resolve $A
expect_code 0 "resolve --keep-ours" at H site resolve $A --keep-ours
ok "the conflict is gone" test ! -e "$H/conflicts/$A.yaml"
ok "ours is still approved and verifies" at H verify $A
ok "fsck is clean" ceh --store "$H" fsck
done_testing
