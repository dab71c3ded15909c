#!/bin/sh
# Concurrency torture: several ceh processes at once on one store.
#  - four reviewers approve (or return) the same queue: every application
#    is decided exactly once, and each decision reported as done is in its
#    history exactly once;
#  - four processes attach files to different applications of one person,
#    and three to the same application: no attachment lost;
#  - concurrent applies for one new person, add-year of different years
#    to one draft, unit registrations: nothing lost, fsck clean;
#  - importing overlapping CSV files at once: no record twice (when the
#    import command exists).
# CONC_APPS (default 12) sets the size of the review queue.
. "$(dirname "$0")/lib.sh"
plan 24
N=${CONC_APPS:-12}
W=60	# seconds a process may wait for a lock
ceh init --signed >/dev/null && mk_units || echo "# setup failed"
sed -i 's/^  required: true$/  required: false/' "$CEH_STORE/store.yaml"
# N valid ID numbers
ids() {
	python3 -c "
import sys
w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
for i in range(int(sys.argv[1]), int(sys.argv[2])):
    b = '430103%04d0101%03d' % (1960 + i % 40, i % 1000)
    print(b + '10X98765432'[sum(int(c) * k for c, k in zip(b, w)) % 11])
" "$@"
}
history_count() { # APP EVENT -> number of such events
	ceh log "$1" --format tsv | awk -F'\t' -v e="$2" '$2 == e' | wc -l
}

# ---- 1. four reviewers, one queue ----
: > "$T/queue"
for id in $(ids 0 "$N"); do
	a=$(apply_std $id) &&
	ceh add-year $a --year 2022 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null &&
	ceh submit $a >/dev/null && echo $a >> "$T/queue"
done
ok "$N applications waiting at the employer" sh -c "[ \$(wc -l < '$T/queue') = $N ]"
for r in 1 2 3 4; do
	shuf "$T/queue" > "$T/q$r"
	ceh --wait $W review --as $EMP1 --approve - < "$T/q$r" >"$T/r$r.out" 2>"$T/r$r.err" &
done
# and fsck --repair at the same time: it must not get in their way
ceh --wait $W fsck --repair >"$T/fsck.out" 2>&1 &
wait
cat "$T"/r[1-4].out > "$T/all"
ok "every application reported decided exactly once" sh -c "
	[ \$(grep -c '	forwarded to ' '$T/all') = $N ] &&
	[ \$(grep '	forwarded to ' '$T/all' | cut -f1 | sort -u | wc -l) = $N ]"
ok "the others were refused as not waiting there (exit 4)" sh -c "
	[ \$(grep -c '	error 4: ' '$T/all') = $((3 * N)) ]"
bad=0
while read -r a; do
	[ "$(history_count $a forwarded)" = 1 ] || bad=$((bad + 1))
done < "$T/queue"
ok "each history holds exactly one decision of the employer ($bad wrong)" test $bad = 0
ceh list --at $SUP2 --format tsv > "$T/l"
ok "all $N now wait at the next unit" sh -c "[ \$(tail -n +2 '$T/l' | wc -l) = $N ]"
ceh list --at $EMP1 --format tsv > "$T/l"
ok "the employer's queue is empty" sh -c "[ \$(tail -n +2 '$T/l' | wc -l) = 0 ]"
# approve and return race on the same queue at the next level
ceh --wait $W review --as $SUP2 --approve - < "$T/q1" >"$T/a.out" 2>/dev/null &
ceh --wait $W review --as $SUP2 --return --reason 退回 - < "$T/q2" >"$T/b.out" 2>/dev/null &
ceh --wait $W review --as $SUP2 --approve - < "$T/q3" >"$T/c.out" 2>/dev/null &
wait
cat "$T/a.out" "$T/b.out" "$T/c.out" > "$T/all"
ok "approve against return: each decided once" sh -c "
	[ \$(grep -v '	error' '$T/all' | cut -f1 | sort | uniq -d | wc -l) = 0 ] &&
	[ \$(grep -v '	error' '$T/all' | cut -f1 | sort -u | wc -l) = $N ]"
bad=0
while read -r a; do
	n=$(( $(history_count $a forwarded) + $(history_count $a returned) ))
	[ "$n" = 2 ] || bad=$((bad + 1))
done < "$T/queue"
ok "each history holds one decision per level ($bad wrong)" test $bad = 0
ok "fsck --repair during the race found nothing to repair" \
    grep -q ' 0 problem(s) left, 0 repaired' "$T/fsck.out"
expect_code 0 "fsck is clean after the review race" ceh fsck

# ---- 2. attachments: different applications of one person, one app ----
P=$(ids 900 901)
: > "$T/papps"
for i in 1 2 3 4; do
	a=$(apply_std $P) && echo $a >> "$T/papps" &&
	ceh add-year $a --year 2022 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
done
for i in 1 2 3 4 5 6; do printf '%%PDF-1.4\n%% file %s\n%%%%EOF\n' $i > "$T/f$i.pdf"; done
for a in $(cat "$T/papps"); do
	(for i in 1 2 3 4 5; do
		ceh --wait $W attach $a --year 2022 --name "f$i.pdf" "$T/f$i.pdf" >/dev/null || echo fail
	done) > "$T/att.${a#*-}" 2>&1 &
done
wait
ok "every attach succeeded" sh -c "! cat '$T'/att.* | grep -q ."
bad=0
for a in $(cat "$T/papps"); do
	n=$(ceh attach $a --list --format tsv | tail -n +2 | wc -l)
	[ "$n" = 5 ] || bad=$((bad + 1))
done
ok "each of the person's applications has its 5 attachments ($bad wrong)" test $bad = 0
a=$(head -1 "$T/papps")
for k in 1 2 3; do	# six different files: the same file twice is refused
	for x in g h; do printf '%%PDF-1.4\n%% file %s%s\n%%%%EOF\n' $x $k > "$T/$x$k.pdf"; done
	ceh --wait $W attach $a --year 2022 "$T/g$k.pdf" >/dev/null 2>&1 &
	ceh --wait $W attach $a --year 2022 "$T/h$k.pdf" >/dev/null 2>&1 &
done
wait
n=$(ceh attach $a --list --format tsv | tail -n +2 | wc -l)
ok "six attaches at once to one application: none lost ($n of 11)" test "$n" = 11
n=$(history_count $a attached)
ok "its history has 11 attach events ($n)" test "$n" = 11
expect_code 0 "fsck is clean after the attach race" ceh fsck

# ---- 3. applies for one new person, years of one draft, units ----
P=$(ids 950 951)
for i in 1 2 3 4 5 6; do
	(ceh --wait $W apply --id $P --name 王五 --ethnicity 汉族 --unit $EMP1 \
	    --unit-nature 国有企业 --title-level 中级 --phone 15556565656 \
	    --series 工程 --specialty 建筑学 --region 湖南省省本级 --allow-second >> "$T/new" 2>&1) &
done
wait
ok "six concurrent applies for a new person: six ids" sh -c "[ \$(grep -c '^$P-' '$T/new') = 6 ]"
n=$(ceh list --id $P --format tsv | tail -n +2 | wc -l)
ok "and six applications ($n)" test "$n" = 6
a=$(grep "^$P-" "$T/new" | head -1)
for y in 2018 2019 2020 2021 2022 2023; do
	ceh --wait $W add-year $a --year $y --pro-subject 课 --pro-hours 60 \
	    --pro-form 培训班 >/dev/null 2>&1 &
	ceh --wait $W edit $a --phone 1555656$y >/dev/null 2>&1 &
done
wait
n=$(ceh show $a --format json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['years']))")
ok "six add-years at once: six years ($n)" test "$n" = 6
n=$(history_count $a year-added)
ok "and six year-added events ($n)" test "$n" = 6
for i in 1 2 3 4 5 6; do
	c=$(python3 -c "
cs = '0123456789ABCDEFGHJKLMNPQRTUWXY'
w = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
b = '91430100MA4L9999$i'
s = sum(cs.index(c) * k for c, k in zip(b, w))
print(b + cs[(31 - s % 31) % 31])")
	echo $c >> "$T/units"
	ceh --wait $W unit add $c --name "并发单位$i" --kind employer --region 430100 >/dev/null 2>&1 &
done
wait
bad=0
for c in $(cat "$T/units"); do ceh unit show $c >/dev/null 2>&1 || bad=$((bad + 1)); done
ok "six unit registrations at once: all kept ($bad lost)" test $bad = 0
expect_code 0 "fsck is clean" ceh fsck

# ---- 4. overlapping imports ----
if ceh import --help >/dev/null 2>&1 && ! ceh import /dev/null 2>&1 | grep -q 'not implemented'; then
	hdr='证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号'
	ids 0 10 > "$T/ids10"
	for f in 1 2 3; do
		echo "$hdr" > "$T/imp$f.csv"
		for r in $(seq 1 30); do
			# files overlap: record r is in file f when r mod 3 != f - 1,
			# so every record is in two of the three files
			[ $((r % 3)) = $((f - 1)) ] && continue
			id=$(sed -n "$((r % 10 + 1))p" "$T/ids10")
			echo "$id,张三,2022,专业科目,课程$r,2,培训班,培训机构甲,R$r" >> "$T/imp$f.csv"
		done
	done
	for f in 1 2 3; do
		ceh --wait $W import "$T/imp$f.csv" >"$T/i$f.out" 2>&1 &
	done
	wait
	ok "three overlapping imports at once succeed" sh -c "! grep -q 'ceh import:.*error' '$T'/i[123].out"
	total=0
	for id in $(cat "$T/ids10"); do
		n=$(ceh records --id $id --format tsv | tail -n +2 | wc -l)
		total=$((total + n))
	done
	ok "each of the 30 records is held exactly once ($total)" test $total = 30
	expect_code 0 "fsck is clean after the import race" ceh fsck
else
	for i in 1 2 3; do echo "ok $((_n + 1)) # SKIP import is not implemented"; _n=$((_n + 1)); done
fi
done_testing
