#!/bin/sh
# A refused command leaves every file of the store byte-identical, lock
# files included (issue 18): a lock file holds its holder's line only
# while held and is empty otherwise (ceh-store(5)).  store_digest prunes
# .lock, so this digest keeps them.
. "$(dirname "$0")/lib.sh"
plan 19
all_digest() {
	(cd "$CEH_STORE" && find . -type f | LC_ALL=C sort | while read -r f; do
		printf '%s %s\n' "$f" "$(sha256sum < "$f" | cut -c1-16)"
	done)
}
ceh init --signed >/dev/null && mk_units || exit 1
A=$(apply_std $ID1)
ceh add-year $A --year 2024 --public-subject 公需课 --public-hours 30 --public-form 远程教育 \
    --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null || exit 1
lock=$(find "$CEH_STORE/people" -name .lock | head -1)
check "the person has a lock file" test -f "$lock"
check "a lock file nobody holds is empty" test ! -s "$lock"
check "the store lock too" test ! -s "$CEH_STORE/.lock"

refused() { # refused CODE MSG CMD...: refused, and every file as it was
	_code=$1 _msg=$2; shift 2
	_before=$(all_digest)
	expect_code "$_code" "$_msg" "$@"
	_after=$(all_digest)
	if [ "$_before" = "$_after" ]; then _report 0 "... every file byte-identical, locks included"
	else _report 1 "... every file byte-identical, locks included"
		printf '%s\n' "$_before" > "$T/d1"; printf '%s\n' "$_after" > "$T/d2"
		diff "$T/d1" "$T/d2" | sed 's/^/#   /'
	fi
}
refused 1 "edit with a bad phone" ceh edit $A --phone 123
refused 1 "edit with an unknown ethnicity" ceh edit $A --ethnicity 火星族
refused 4 "add-year of an existing year without --replace" ceh add-year $A --year 2024 --public-subject 课 --public-hours 30 --public-form 远程教育
refused 1 "submit without evidence" ceh submit $A
refused 1 "attach a file that is not evidence" sh -c "printf 'not a pdf' > '$T/x.txt' && ceh attach $A --year 2024 '$T/x.txt'"
refused 1 "unit add with a bad code" ceh unit add 91430100MA4L12345B --name 某公司 --kind employer --region 430100
refused 4 "review of a draft" ceh review $A --as $EMP1 --approve
# a successful change leaves the lock empty as well
expect_code 0 "a successful edit" ceh edit $A --phone 13300001111
check "... and its lock file is empty afterwards" test ! -s "$lock"
done_testing
