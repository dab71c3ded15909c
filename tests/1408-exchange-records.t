#!/bin/sh
# The provider records an application cites travel with it (issue 14,
# ceh-exchange(7)): exactly those, nothing else (not the person's other
# years, never another person's), merged into the receiver's records on
# receive; a bundle whose records are not the ones cited is refused.
. "$(dirname "$0")/lib.sh"
plan 16
. "$(dirname "$0")/1400-exchange-lib.sh"
at E import "$CEH_ROOT/examples/provider-records.csv" >/dev/null 2>&1
expect_code 0 "the employer has the providers' records" at E records --id $ID1 --format tsv
A=$(at E apply --id $ID1 --name 张三 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 \
    --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级) || exit 1
ok "a year from the records" at E add-year $A --year 2024 --from-records
at E submit $A >/dev/null && at E review --as $EMP1 --approve $A >/dev/null || exit 1
expect_code 0 "send to the supervisor" at E send --to $SUP2 -o "$U/1.bundle"
rm -rf "$T/g" && git init -q "$T/g" && (cd "$T/g" && git fetch -q "$U/1.bundle" "refs/heads/to/$SUP2:refs/heads/x" &&
	git ls-tree -r --name-only x > "$T/tree" && git show "x:records/$A.csv" > "$T/rec.csv" 2>/dev/null; git show "x:apps/$A.yaml" > "$T/doc.yaml")
like "$T/tree" "^records/$A.csv$" "the bundle carries the application's records"
ok "exactly the records its year cites: of its person, of 2024, each cited once" /usr/bin/python3 - "$T/rec.csv" "$T/doc.yaml" $ID1 <<'PY'
import csv, sys, yaml
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))
doc = yaml.safe_load(open(sys.argv[2], encoding='utf-8'))
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == 'records' and isinstance(v, list): yield from v
            else: yield from find(v)
    elif isinstance(o, list):
        for v in o: yield from find(v)
cited = sorted(find(doc))
got = sorted(r['培训机构'] + '/' + r['记录编号'] for r in rows)
assert cited and got == cited, (got, cited)
assert all(r['证件号码'] == sys.argv[3] and r['年度'] == '2024' for r in rows), rows
PY
ok "no other person's records in any bundle" sh -c "! grep -l '430104199001014562\|430602197811307899' '$T/rec.csv'"
expect_code 0 "the supervisor receives" at S receive "$U/1.bundle"
like "$T/out" "^records	taken	4 new, 0 already on record" "the four records merged"
expect_code 0 "ceh records at the supervisor" at S records --id $ID1 --format tsv
ok "the 2024 records, not the 2025 one nor anyone else's" test "$(tail -n +2 "$T/out" | wc -l)" = 4
ok "the supervisor's copy verifies" at S verify $A
# the same bundle again: nothing new; the records are not imported twice
expect_code 0 "the same bundle again" at S receive "$U/1.bundle"
ok "still four" sh -c "XDG_CONFIG_HOME='$T/keys-sup' ceh --store '$S' records --id $ID1 --format tsv | tail -n +2 | wc -l | grep -qx 4"
# a record it does not cite slipped in
rm -rf "$T/f" && git init -q "$T/f" && (cd "$T/f" && git fetch -q "$U/1.bundle" "refs/heads/to/$SUP2:refs/heads/to/$SUP2" &&
	git checkout -q "to/$SUP2" && grep '^43010219850312123X,.*,2025,' "$CEH_ROOT/examples/provider-records.csv" >> "records/$A.csv" &&
	git add -A && git -c user.name=x -c user.email=x@x commit -qm forged && git bundle create -q "$U/forged.bundle" "refs/heads/to/$SUP2") || exit 1
XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/s3" init --site sup3 --trust "$T/agency.pub" >/dev/null &&
XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/s3" receive "$U/hr-sup-0.bundle" >/dev/null 2>&1 || exit 1
before=$(digest_of "$T/s3")
expect_code 1 "a record not cited is refused" env XDG_CONFIG_HOME=$T/keys-sup ceh --store "$T/s3" receive "$U/forged.bundle"
like "$T/out" "^$A	refused	.*provider records hold one it does not cite" "says so"
echo "$before" > "$T/before"
ok "unchanged but the receipt: no record taken" test "$(digest_of "$T/s3" | diff "$T/before" - | sed -n 's/^[<>] \([^ ]*\).*/\1/p' | sort -u)" = ./site/ceh/refused
done_testing
