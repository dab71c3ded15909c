#!/bin/sh
# ceh add-year and rm-year: year rows, their hours/subject/form rules.
. "$(dirname "$0")/lib.sh"
plan 80
ceh init --unsigned >/dev/null
mk_units
A=$(apply_std $ID1)
shard=$(printf %s $ID1 | cut -c15-17)
f="$CEH_STORE/people/$shard/$ID1/draft/${A#*-}.yaml"
pub() { echo --public-subject 公需科目 --public-hours "$1" --public-form "$2"; }
pro() { echo --pro-subject 专业科目 --pro-hours "$1" --pro-form "$2"; }

expect_code 0 "add-year --help" ceh add-year --help
like "$T/out" '^usage: ceh add-year APP --year YEAR' "usage on stdout"
# shellcheck disable=SC2046
expect_code 0 "add 2024 with both subjects" ceh add-year $A --year 2024 $(pub 30 远程教育) $(pro 60.5 培训班)
like "$T/out" "^$A\$" "prints the id"
like "$f" '^  total_hours: 90.5$' "the total is computed"
like "$f" '^  public_hours: 30$' "public hours"
like "$f" '^  professional_hours: 60.5$' "half hours kept"
like "$f" '^  event: year-added$' "a year-added event"
# shellcheck disable=SC2046
expect_code 0 "a year with only the professional subject" ceh add-year $A --year 2022 $(pro 72 岗位培训)
like "$f" '^  professional_form: 培训班$' "alias 岗位培训 stored as 培训班"
# shellcheck disable=SC2046
expect_code 0 "a year with only the public subject, alias 网络培训" ceh add-year $A --year 2023 $(pub 30 网络培训)
like "$f" '^  public_form: 远程教育$' "网络培训 stored as 远程教育"
unlike "$f" '网络培训' "the alias is not stored"
expect_code 0 "form by code" ceh add-year $A --year 2021 --pro-subject x --pro-hours 0.5 --pro-form 06
like "$f" '^  professional_form: 学术会议$' "code 06 stored as 学术会议"
ok "years kept sorted" sh -c "grep '^- year:' '$f' | tr -d -c '0-9\n' | sort -c"
expect_code 0 "show lists four years" ceh show $A --format json
check "json has 4 years" python3 -c "
import json; d=json.load(open('$T/out'))
assert [y['year'] for y in d['years']]==[2021,2022,2023,2024], d['years']
assert d['years'][3]['total_hours']==90.5 and d['years'][3]['met'] is True"

store_digest > "$T/before"
# shellcheck disable=SC2046
expect_code 4 "a year already present is refused" ceh add-year $A --year 2024 $(pro 60 培训班)
like "$T/err" "year 2024 is already in application .*--replace" "says to use --replace"
# every invalid hours value
for h in 30.25 30.3 -1 -0.5 abc '' 1e2 1000.5; do
	# shellcheck disable=SC2046
	expect_code 1 "hours '$h' refused" ceh add-year $A --year 2020 --pro-subject x --pro-hours "$h" --pro-form 培训班
done
like "$T/err" "^ceh add-year: --pro-hours 1000.5 is more than the limit of 1000 hours" "the bound is named"
expect_code 1 "a year total over the store's bound" ceh add-year $A --year 2020 $(pub 500 培训班) $(pro 500.5 培训班)
like "$T/err" "total 1000.5 hours is more than the store's limit of 1000" "says so"
expect_code 1 "a subject without hours and form" ceh add-year $A --year 2020 --pro-subject x
like "$T/err" "--pro-subject, --pro-hours and --pro-form together" "names the three options"
expect_code 1 "hours without a subject" ceh add-year $A --year 2020 --public-hours 30 --public-form 培训班
expect_code 1 "an empty subject" ceh add-year $A --year 2020 --pro-subject '' --pro-hours 3 --pro-form 培训班
expect_code 1 "an unknown form" ceh add-year $A --year 2020 --pro-subject x --pro-hours 3 --pro-form 空中课堂
like "$T/err" "^ceh add-year: --pro-form '空中课堂' is not .*(choose one of|closest): .*培训班" "names the field and the choices"
expect_code 1 "a future year" ceh add-year $A --year 2999 --pro-subject x --pro-hours 3 --pro-form 培训班
like "$T/err" "--year 2999 is out of range" "names --year"
expect_code 1 "1989" ceh add-year $A --year 1989 --pro-subject x --pro-hours 3 --pro-form 培训班
expect_code 1 "a two-digit year" ceh add-year $A --year 24 --pro-subject x --pro-hours 3 --pro-form 培训班
expect_code 2 "no --year" ceh add-year $A --pro-subject x --pro-hours 3 --pro-form 培训班
expect_code 2 "no subject at all" ceh add-year $A --year 2020
expect_code 2 "no application" ceh add-year --year 2020 --pro-subject x --pro-hours 3 --pro-form 培训班
expect_code 2 "unknown option" ceh add-year $A --year 2020 --bonus 3
expect_code 3 "an unknown application" ceh add-year ${ID2}-00000000000000000000 --year 2020 --pro-subject x --pro-hours 3 --pro-form 培训班
expect_code 1 "a malformed application id" ceh add-year nonsense --year 2020 --pro-subject x --pro-hours 3 --pro-form 培训班
store_digest > "$T/after"
same "$T/before" "$T/after" "every refusal left the store byte-identical"

# shellcheck disable=SC2046
expect_code 0 "--replace changes a year" ceh add-year $A --year 2024 $(pub 31 远程教育) --replace
like "$f" '^  public_hours: 31$' "new hours"
ok "the professional line not given is kept (issue 18)" sh -c "awk '/^- year: 2024/,/^history/' '$f' | grep -q professional"
yr2024() { awk '/^- year: 2024/,/^- year: 20(1|2[0-35-9])|^history/' "$f"; }
yr2024 > "$T/y0"
expect_code 0 "--replace with one field changes only it" ceh add-year $A --year 2024 --replace --pro-hours 12.5
yr2024 > "$T/y1"
like "$T/y1" "professional_hours: 12.5" "the new hours"
check "nothing else of the row changed (the hours and their total)" test "$(diff "$T/y0" "$T/y1" | grep -c "^[<>]")" = 4
expect_code 1 "a field of a line the year does not have needs the whole line" ceh add-year $A --year 2023 --replace --pro-hours 10
expect_code 0 "--no-pro drops the professional line" ceh add-year $A --year 2024 --replace --no-pro
ok "the professional line is gone" sh -c "! awk '/^- year: 2024/,/^history/' '$f' | grep -q professional"
before=$(store_digest)
expect_code 2 "--no-public without --replace" ceh add-year $A --year 2024 --no-public
expect_code 2 "--replace with nothing to change" ceh add-year $A --year 2024 --replace
expect_code 1 "--no-public of the only line left: a year needs a subject" ceh add-year $A --year 2024 --replace --no-public
check "the refusals changed nothing" test "$(store_digest)" = "$before"
like "$f" '^  event: year-replaced$' "a year-replaced event"
# shellcheck disable=SC2046
expect_code 0 "--replace of a new year just adds it" ceh add-year $A --year 2019 $(pro 60 培训班) --replace
like "$f" '^- year: 2019$' "added"

# rm-year
expect_code 0 "rm-year --help" ceh rm-year --help
like "$T/out" '^usage: ceh rm-year APP --year YEAR$' "usage on stdout"
expect_code 0 "remove 2019" ceh rm-year $A --year 2019
like "$T/out" "^$A\$" "prints the id"
unlike "$f" '^- year: 2019$' "the row is gone"
like "$f" '^  event: year-removed$' "a year-removed event"
store_digest > "$T/before"
expect_code 3 "removing a year that is not there" ceh rm-year $A --year 2019
like "$T/err" "has no year 2019" "says so"
expect_code 2 "rm-year without --year" ceh rm-year $A
expect_code 2 "rm-year without an application" ceh rm-year --year 2020
expect_code 3 "rm-year of an unknown application" ceh rm-year ${ID2}-00000000000000000000 --year 2020
store_digest > "$T/after"
same "$T/before" "$T/after" "refusals left the store byte-identical"

# not a draft any more (made by hand; the workflow commands do it for real)
mkdir -p "$CEH_STORE/people/$shard/$ID1/approved"
sed -e 's/^stage: draft$/stage: approved/' "$f" > "$CEH_STORE/people/$shard/$ID1/approved/${A#*-}.yaml"
rm "$f"
store_digest > "$T/before"
expect_code 4 "add-year on an approved application" ceh add-year $A --year 2020 --pro-subject x --pro-hours 3 --pro-form 培训班
like "$T/err" "审核通过; only a draft can be changed" "says why"
expect_code 4 "rm-year on an approved application" ceh rm-year $A --year 2021
store_digest > "$T/after"
same "$T/before" "$T/after" "store byte-identical"
done_testing
