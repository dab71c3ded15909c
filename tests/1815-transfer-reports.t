#!/bin/sh
# After `ceh transfer` the reports follow the person (issue 18): the move
# is recorded for the person (people/.../transfers.log, signed by the new
# employer; index/moved lists who moved), and stats and shortfall count
# the person, with their approved hours, at the new employer, its
# supervising chain and its region; the documents are not changed (each
# history still says which unit decided what), list --unit and the
# queues stay with the applications.  Checked by hand before and after,
# against tests/1600-oracle.py (its definitions, each application's
# employer replaced by the last "to" of the person's transfers.log, read
# here in Python), through the index and without it.  A forged or
# unsigned record in a signed store moves nobody; fsck says so, and
# checks and rebuilds index/moved.
. "$(dirname "$0")/lib.sh"
ORACLE="/usr/bin/python3 $CEH_ROOT/tests/1600-oracle.py"
D=86400
BASE=1748736000
day() { CEH_NOW=$((BASE + $1 * D)); export CEH_NOW; }
plan 62
day 0
ceh init >/dev/null && mk_units || exit 1
app() { # ID UNIT
	ceh apply --id "$1" --name 张三 --ethnicity 汉族 --unit "$2" \
	    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
	    --series 工程 --specialty 建筑学 --region 湖南省省本级 --allow-second
}
yr() { ceh add-year "$1" --year "$2" --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null; }
att() { printf '%%PDF-1.4 evidence %s %s\n' "$1" "$2" > "$T/ev-$1-$2.pdf"; ceh attach "$1" --year "$2" "$T/ev-$1-$2.pdf" >/dev/null; }
full() { yr "$1" "$2" && att "$1" "$2"; }
# ID1 at EMP1 (< SUP2 < SUP1): A1 2022 and 2023 approved, A2 a draft for
# 2024, A3 2021 waiting at EMP1; ID2 at EMP1: B1 2023 approved; ID3 at
# EMP3 (first-level, 长沙市): C1 a draft for 2023
A1=$(app $ID1 $EMP1); full $A1 2022; full $A1 2023
A2=$(app $ID1 $EMP1); yr $A2 2024
A3=$(app $ID1 $EMP1); full $A3 2021
B1=$(app $ID2 $EMP1); full $B1 2023
C1=$(app $ID3 $EMP3); yr $C1 2023
ceh submit $A1 $B1 >/dev/null 2>&1 || exit 1
day 1; ceh review --as $EMP1 --approve $A1 $B1 >/dev/null 2>&1 || exit 1
ceh submit $A3 >/dev/null 2>&1 || exit 1
day 2; ceh review --as $SUP2 --approve $A1 $B1 >/dev/null 2>&1 || exit 1
day 3; ceh review --as $SUP1 --approve $A1 $B1 >/dev/null 2>&1 || exit 1
ceh review --as $AGENCY --approve $A1 $B1 >/dev/null 2>&1 || exit 1
ceh log $A1 --format tsv > "$T/a1.log"

# stats --year 2023 --unit U: "people=N ... years_met=M years_not_met=K"
st() { ceh stats --year 2023 --format json "$@" | $ORACLE norm-stats; }
day 4
st --unit $EMP1 > "$T/b.emp1"; st --unit $EMP3 > "$T/b.emp3"
like "$T/b.emp1" "^people=2 applications=2 .* approved=2 .* years_met=2 years_not_met=0 " "before: EMP1 has ID1 and ID2, both met 2023"
like "$T/b.emp3" "^people=1 applications=1 draft=1 .* years_met=0 years_not_met=1 " "before: EMP3 has ID3 alone"

# refusals first: the store byte-identical
before=$(store_digest)
expect_code 1 "the new employer's key is needed in a signed store" ceh transfer $ID1 --to $EMP3 --key "$T/no.key"
like "$T/err" "$EMP3 must sign with its private key" "says which unit must sign"
expect_code 1 "another unit's key is refused" ceh transfer $ID1 --to $EMP3 --key "$XDG_CONFIG_HOME/ceh/keys/$EMP2.key"
check "refused: the store is byte-identical" test "$before" = "$(store_digest)"

expect_code 0 "transfer ID1 to EMP3" ceh transfer $ID1 --to $EMP3
like "$T/err" "^ceh transfer: $ID1 now works at $EMP3 \(湖南某民营建筑公司\), recorded, signed by the new employer" "says the move is recorded and signed"
rec=$(ls "$CEH_STORE"/people/*/$ID1/transfers.log)
like "$rec" "^to=$EMP3\$" "the record names the new employer"
like "$rec" "^from=$EMP1\$" "and the old one"
like "$CEH_STORE/index/moved" "^$ID1\$" "index/moved lists the person"
cp "$rec" "$T/rec1"
expect_code 0 "transfer again" ceh transfer $ID1 --to $EMP3
same "$rec" "$T/rec1" "already there: nothing recorded again"

day 5
st --unit $EMP1 > "$T/a.emp1"; st --unit $EMP3 > "$T/a.emp3"
like "$T/a.emp1" "^people=1 applications=1 .* approved=1 .* years_met=1 years_not_met=0 " "after: EMP1 keeps ID2 alone"
like "$T/a.emp3" "^people=2 applications=2 draft=1 .* approved=1 .* years_met=1 years_not_met=1 " "after: ID1 and the approved 2023 count at EMP3"
st --unit $SUP1 --subtree > "$T/a.sup1"
like "$T/a.sup1" "^people=1 " "EMP3 is under no supervisor: SUP1's subtree has ID2 alone"
st --region 430100 > "$T/a.r"
like "$T/a.r" "^people=1 .* years_met=1 " "ID1 counts in EMP3's region (长沙市; ID3 applied for 湖南省省本级)"
ceh stats --format json --unit $EMP3 | $ORACLE norm-stats > "$T/a.all3"
like "$T/a.all3" "^people=2 applications=4 draft=2 waiting_employer=1 .* approved=1 " "all of ID1's applications count at EMP3, the one waiting at EMP1 too"
ceh shortfall --year 2024 --unit $EMP3 --format json | $ORACLE norm-shortfall > "$T/s3"
like "$T/s3" "^id_number=$ID1 .* unit=$EMP3 year=2024 status=not_approved " "shortfall at EMP3: ID1's 2024, at EMP3"
like "$T/s3" "^id_number=$ID3 .* year=2024 status=undeclared " "and ID3"
ceh shortfall --year 2024 --unit $EMP1 --format json | $ORACLE norm-shortfall > "$T/s1"
unlike "$T/s1" "$ID1" "shortfall at EMP1: ID1 no more"
like "$T/s1" "^id_number=$ID2 " "ID2 still"
for a in "--year 2023 --by unit" "--by supervisor" "--by region" "--year 2023 --unit $EMP3"; do
	ceh stats $a --format json > "$T/i.json"; CEH_INDEX=off ceh stats $a --format json > "$T/d.json"
	same "$T/i.json" "$T/d.json" "stats $a: the index and the documents agree"
done

# the documents are as they were: the history says who decided, list
# --unit is the application's employer, the employer's queue keeps A3
ceh log $A1 --format tsv > "$T/a1.log2"
same "$T/a1.log" "$T/a1.log2" "A1's history is unchanged (EMP1, SUP2, SUP1 and the agency decided)"
ceh verify $A1 >/dev/null 2>&1; check "A1 still verifies" test $? = 0
ceh list --unit $EMP1 --format tsv | sed 1d | cut -f1 | sort > "$T/l1"
printf '%s\n' $A1 $A3 $B1 | sort > "$T/w1"
same "$T/l1" "$T/w1" "list --unit EMP1: the applications filed there (the draft moved)"
ceh list --at $EMP1 --format tsv | sed 1d | cut -f1 > "$T/q1"
like "$T/q1" "^$A3\$" "A3 waits in EMP1's queue"

# the oracle: its definitions, with each application of a person who
# moved given the person's current unit (the last "to" of the file)
ceh review --as $EMP1 --approve $A3 >/dev/null 2>&1
$ORACLE dump > "$T/dump0.json" || exit 1
/usr/bin/python3 - "$T/dump0.json" "$CEH_STORE" > "$T/dump.json" <<'PY' || exit 1
import glob, json, os, sys
d = json.load(open(sys.argv[1]))
cur = {}
for f in glob.glob(sys.argv[2] + "/people/*/*/transfers.log"):
    to = [l[3:] for l in open(f).read().split("\n") if l.startswith("to=")]
    cur[os.path.basename(os.path.dirname(f))] = to[-1]
units = {u["code"]: u for u in d["units"]}
names = {r["code"]: r["name"] for r in d["regions"]}
for a in d["apps"]:
    u = cur.get(a["applicant"]["id_number"])
    if u:
        a["applicant"]["unit"] = u
        if units[u].get("region"):
            a["applicant"]["region"] = names.get(units[u]["region"], units[u]["region"])
json.dump(d, sys.stdout, ensure_ascii=False)
PY
n=0
check_stats() {
	n=$((n + 1))
	$ORACLE stats "$T/dump.json" "$@" > "$T/want.$n"
	ceh stats "$@" --format json | $ORACLE norm-stats > "$T/got.$n"
	if [ -s "$T/want.$n" ]; then same "$T/want.$n" "$T/got.$n" "oracle: stats $*"
	else _report 1 "stats $* (the oracle found nothing)"; fi
}
check_short() {
	n=$((n + 1))
	$ORACLE shortfall "$T/dump.json" "$@" > "$T/want.$n"
	ceh shortfall "$@" --format json | $ORACLE norm-shortfall > "$T/got.$n"
	if [ -s "$T/want.$n" ]; then same "$T/want.$n" "$T/got.$n" "oracle: shortfall $*"
	else _report 1 "shortfall $* (the oracle found nothing)"; fi
}
check_stats --by unit
check_stats --by supervisor,year
check_stats --unit $EMP3 --by year
check_stats --unit $SUP1 --subtree --by unit
check_stats --region 430100 --by region
check_short --from 2021 --to 2024
check_short --year 2024 --unit $EMP3

# a forged record moves nobody: ID1 back at EMP1 in the reports
cp "$rec" "$T/good"
sed -i "s/^to=$EMP3\$/to=$EMP2/" "$rec"
st --unit $EMP2 > "$T/f.emp2"; st --unit $EMP1 > "$T/f.emp1"
like "$T/f.emp2" "^people=0 " "forged to EMP2: EMP2 gets nobody"
like "$T/f.emp1" "^people=2 .* years_met=2 " "ID1 counts at the employer of the applications"
CEH_INDEX=off st --unit $EMP1 > "$T/f.emp1d"
same "$T/f.emp1" "$T/f.emp1d" "the same from the documents"
expect_code 1 "fsck: the forged record" ceh fsck
like "$T/out" "transfers.log: the signature of transfer 1 of $ID1 by $EMP2 does not verify" "names it"
expect_code 5 "transfer refuses to add to transfers that do not check" ceh transfer $ID1 --to $EMP2
# an unsigned record in a signed store moves nobody either
sed -e 's/^key=.*/key=/' -e 's/^sig=.*/sig=/' "$T/good" > "$rec"
st --unit $EMP1 > "$T/u.emp1"
like "$T/u.emp1" "^people=2 .* years_met=2 " "unsigned: ID1 counts at EMP1 still"
expect_code 1 "fsck: the unsigned record" ceh fsck
like "$T/out" "transfer 1 of $ID1 to $EMP3 is unsigned in a signed store" "names it"
cp "$T/good" "$rec"

# index/moved: derived, checked and rebuilt by fsck
rm "$CEH_STORE/index/moved"
expect_code 1 "fsck: index/moved missing a person" ceh fsck
like "$T/out" "^index/moved: 1 of the people with a transfers.log are not listed" "says so"
expect_code 0 "fsck --repair" ceh fsck --repair
like "$T/out" "^index/moved: .*, repaired\$" "rebuilt"
like "$CEH_STORE/index/moved" "^$ID1\$" "lists ID1 again"
echo junk >> "$CEH_STORE/index/moved"
st --unit $EMP3 > "$T/j.emp3"
same "$T/j.emp3" "$T/a.emp3" "a damaged list is not used: the reports read every person's file"
expect_code 1 "fsck: damaged" ceh fsck
like "$T/out" "^index/moved: damaged" "says so"
ceh fsck --repair >/dev/null 2>&1
expect_code 0 "fsck is clean" ceh fsck

# moving back: a second record, chained to the first
expect_code 0 "transfer ID1 back to EMP1" ceh transfer $ID1 --to $EMP1
check "two records" test "$(grep -c '^ceh-transfer-v1$' "$rec")" = 2
st --unit $EMP1 > "$T/back"
like "$T/back" "^people=2 .* years_met=2 " "back at EMP1"
expect_code 0 "fsck is clean" ceh fsck

# an unsigned store: the record is unsigned and believed
export CEH_STORE=$T/unsigned
ceh init --unsigned >/dev/null && mk_units || exit 1
U1=$(app $ID1 $EMP1); full $U1 2023
ceh submit $U1 >/dev/null 2>&1
for u in $EMP1 $SUP2 $SUP1 $AGENCY; do ceh review --as $u --approve $U1 >/dev/null 2>&1; done
expect_code 0 "unsigned store: transfer" ceh transfer $ID1 --to $EMP2
like "$(ls "$CEH_STORE"/people/*/$ID1/transfers.log)" "^sig=\$" "the record is unsigned"
st --unit $EMP2 > "$T/us"
like "$T/us" "^people=1 .* approved=1 .* years_met=1 " "and counts ID1 at EMP2"
done_testing
