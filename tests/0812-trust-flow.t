#!/bin/sh
# The workflow conformance of a signed history (chain_flow.h, ceh-trust(7)
# VERIFICATION): histories forged by tests/0812-forge.py, an independent
# script (python3-cryptography, PyYAML) holding real unit keys, so every
# hash and signature holds and only the workflow is wrong: a decision
# signed by a validly certified key of the wrong unit, a final approval by
# the employer, events removed or reordered and chained again, hours
# edited after the approval.  Each is found by fsck, verify and show,
# refused by print-slip, shown as verified=no by list and left out of
# stats.
. "$(dirname "$0")/lib.sh"
plan 142
PY=/usr/bin/python3
K="$XDG_CONFIG_HOME/ceh/keys"
FORGE="$CEH_ROOT/tests/0812-forge.py"
ceh init --signed >/dev/null
mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
A=$(apply_std $ID1)
ceh add-year $A --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60.5 --pro-form 培训班 >/dev/null
{ ceh submit $A && ceh review --as $EMP1 --approve $A &&
  ceh review --as $SUP2 --approve $A && ceh review --as $SUP1 --approve $A &&
  ceh review --as $AGENCY --approve $A; } >/dev/null || exit 1
doc=$(ls "$CEH_STORE"/people/*/*/approved/*.yaml)
cp "$doc" "$T/good"
# events: 0 created, 1 year-added, 2 submitted, 3 forwarded by EMP1,
# 4 forwarded by SUP2, 5 forwarded by SUP1, 6 approved by AGENCY
expect_code 0 "the real history verifies" ceh verify $A
expect_code 0 "fsck of the good store" ceh fsck
expect_code 0 "list" ceh list --format tsv
like "$T/out" "	审核通过		.*	yes\$" "list: verified yes"
expect_code 0 "stats" ceh stats --year 2023 --format json
like "$T/out" '"approved": 1, .*"years_met": 1,' "stats count its approval"
cp "$K/$AGENCY.key" "$T/agency.key"
expect_code 0 "shortfall of the good store" ceh shortfall --year 2023 --format json
unlike "$T/err" "left out" "nothing left out"
expect_code 0 "a slip of the good store" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key" --format json -o "$T/slip.json"
# the forger's copy must still pass the independent chain check
cp "$doc" "$T/copy"
ok "the forge script reproduces ceh's chain and signatures" sh -c "$PY '$FORGE' '$T/copy' '$K' && $PY '$CEH_ROOT/tests/trust-check.py' '$T/copy' '$CEH_STORE/trust.log' && cp '$T/copy' '$doc' && ceh verify $A >/dev/null"
cp "$T/good" "$doc"

forged() { # forged MSG MESSAGE-REGEX FORGE-OP...
	_m=$1 _re=$2; shift 2
	cp "$T/good" "$doc"
	$PY "$FORGE" "$doc" "$K" "$@" || { echo "# forge failed"; return 1; }
	ok "$_m: the forged chain and signatures hold (independent check)" sh -c "$PY '$CEH_ROOT/tests/trust-check.py' '$doc' '$CEH_STORE/trust.log' >/dev/null || case '$*' in *nochain*) exit 0;; *) exit 1;; esac"
	expect_code 1 "$_m: fsck reports it" ceh fsck
	like "$T/out" "${doc##*/}: .*$_re" "$_m: fsck names the document and why"
	expect_code 1 "$_m: verify refuses" ceh verify $A
	like "$T/err" "$_re" "$_m: verify says why"
	ceh show $A > "$T/show" 2>&1
	like "$T/show" "NOT VERIFIED" "$_m: show marks it"
	expect_code 0 "$_m: show --format json" ceh show $A --format json
	like "$T/out" '"verified": false' "$_m: JSON verified false"
	before=$(store_digest)
	expect_code 5 "$_m: print-slip refuses" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key"
	like "$T/err" "application $A approves year 2023 of the range, but its approval does not verify" "$_m: print-slip names the application"
	ok "$_m: store byte-identical after the refusal" test "$(store_digest)" = "$before"
	expect_code 0 "$_m: list" ceh list --format json
	like "$T/out" '"verified": "no"' "$_m: list says verified no"
	# the reports of a user whose ceh never verified the genuine
	# document (with it verified and cached, a report counts the verified
	# record, and fsck finds the edit: tests/1609, ceh-stats(1))
	_c=$XDG_CACHE_HOME; XDG_CACHE_HOME=$(mktemp -d "$T/cache.XXXXXX")
	expect_code 0 "$_m: stats" ceh stats --year 2023 --format json
	like "$T/out" '"approved": 0, .*"years_met": 0,' "$_m: stats leave its approval and hours out"
	like "$T/err" "ceh stats: 1 approved application\(s\) left out: their approval does not verify" "$_m: stats say so"
	expect_code 0 "$_m: shortfall" ceh shortfall --year 2023 --format json
	XDG_CACHE_HOME=$_c
	like "$T/err" "ceh shortfall: 1 approved application\(s\) left out: their approval does not verify" "$_m: shortfall leaves it out and says so"
}
forged "a decision signed by a valid key of the wrong unit" \
    "event 4 \(forwarded\) was signed by $EMP2, but the application was waiting at $SUP2" \
    ev 4 unit $EMP2
forged "the employer's key makes the final approval" \
    "event 3 \(approved\) is a final approval by $EMP1, which is not certified as an agency" \
    del 5 del 4 del 3 ev 3 unit $EMP1
forged "an event removed and the chain made again" \
    "event 4 \(forwarded\) was signed by $SUP1, but the application was waiting at $SUP2" \
    del 4
forged "two events reordered and the chain made again" \
    "event 4 \(forwarded\) was signed by $SUP1, but the application was waiting at $SUP2" \
    swap 4 5
forged "hours edited after the approval, the edit chained" \
    "event 7 \(edited\) changed it while it was approved" \
    hours 2023 100 add event=edited detail=public_hours
forged "a submission signed by another employer" \
    "event 2 \(submitted\) was signed by $EMP2 but sent it to $EMP1" \
    ev 2 unit $EMP2
forged "an event removed, not chained again" \
    "" \
    nochain del 4

cp "$T/good" "$doc"
expect_code 0 "the good document back: verify" ceh verify $A
expect_code 0 "fsck clean again" ceh fsck
expect_code 0 "list" ceh list --format json
like "$T/out" '"verified": "yes"' "list verified yes again"

# an unsigned store says "unsigned"
mkdir "$T/u"
CEH_STORE="$T/u/store" ceh init --unsigned >/dev/null
expect_code 0 "list of an unsigned store" env CEH_STORE="$T/u/store" sh -c "$(command -v ceh) unit add $EMP1 --name x --kind employer >/dev/null && $(command -v ceh) apply --id $ID2 --name 李四 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级 >/dev/null && $(command -v ceh) list --format tsv"
like "$T/out" "	unsigned\$" "verified unsigned"
