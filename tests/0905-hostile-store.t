#!/bin/sh
# A hostile store: symbolic links planted inside it are never followed out
# of it; unexpected files in stage folders are skipped by readers and
# reported by fsck; malformed documents (huge, deeply nested, wrong types,
# duplicate keys, aliases, invalid UTF-8, NUL) are refused with a message
# naming the file; and nothing given on the command line (ids, unit codes,
# years, attachment names, slip numbers) addresses a path outside the
# store.
. "$(dirname "$0")/lib.sh"
plan 117

ceh init --signed >/dev/null && mk_units || echo "# setup failed"
sed -i 's/^  required: true$/  required: false/' "$CEH_STORE/store.yaml"
printf '%%PDF-1.4\n%% evidence\n%%%%EOF\n' > "$T/e.pdf"
A=$(apply_std $ID1)
ceh add-year $A --year 2022 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
ceh attach $A --year 2022 "$T/e.pdf" >/dev/null
B=$(apply_std $ID2)
ceh add-year $B --year 2021 --pro-subject 课 --pro-hours 90 --pro-form 培训班 >/dev/null
ceh submit $B >/dev/null
PA=$CEH_STORE/people/123/$ID1
PB=$CEH_STORE/people/456/$ID2
UA=${A#*-}
UB=${B#*-}
# the outside world, which must never be read as store data or changed
O=$T/outside
mkdir -p "$O"
outside_digest() { (cd "$O" && find . -print | LC_ALL=C sort | while read -r f; do
	if [ -f "$f" ]; then printf '%s %s\n' "$f" "$(sha256sum < "$f")"; else echo "$f"; fi; done); }
restore() { rm -rf "$CEH_STORE"; cp -a "$T/base" "$CEH_STORE"; }
cp -a "$CEH_STORE" "$T/base"

# ---- symbolic links ----
# 1. a stage folder pointing outside: the application there is not seen
mkdir -p "$O/review"
mv "$PB/review/$UB.yaml" "$O/review/"
sed -i 's/^  name: .*/  name: 外部数据/' "$O/review/$UB.yaml"	# data from outside
rmdir "$PB/review" && ln -s "$O/review" "$PB/review"
od0=$(outside_digest)
expect_code 1 "stage folder symlink: show refuses it" ceh show $B
like "$T/err" "'review' is not a directory.*symbolic" "message says why"
expect_code 0 "list still works" ceh list --format tsv
unlike "$T/out" "$UB|外部数据" "the application outside is not listed"
ceh list --at $EMP1 --format tsv >"$T/list" 2>"$T/lerr"
ok "list --at the employer works or reports it (exit 0 or 1)" test $? -le 1
unlike "$T/list" "外部数据" "the queue shows nothing read from outside"
ceh fsck >"$T/fsck" 2>&1
ok "fsck reports a problem" test $? -ne 0
like "$T/fsck" "review" "fsck names the stage folder"
expect_code 1 "review of it is refused, not followed" \
    ceh review --as $EMP1 --approve $B
ceh fsck --repair >/dev/null 2>&1
same_od() { [ "$(outside_digest)" = "$od0" ]; }
ok "outside untouched (even by fsck --repair)" same_od
restore

# 2. an application file that is a symlink to a copy outside
cp "$PA/draft/$UA.yaml" "$O/doc.yaml"
rm "$PA/draft/$UA.yaml" && ln -s "$O/doc.yaml" "$PA/draft/$UA.yaml"
od0=$(outside_digest)
expect_code 1 "document symlink: show refuses it" ceh show $A
like "$T/err" "$UA.yaml.*symbolic link" "message names the file and says why"
expect_code 1 "add-year refuses it" ceh add-year $A --year 2023 \
    --pro-subject 课 --pro-hours 60 --pro-form 培训班
ceh fsck >"$T/fsck" 2>&1
ok "fsck reports it" test $? -ne 0
like "$T/fsck" "$UA.yaml" "fsck names it"
ceh fsck --repair >/dev/null 2>&1
ok "outside untouched" same_od
restore

# 3. a person directory and a shard directory that are symlinks
mv "$PA" "$O/person" && ln -s "$O/person" "$PA"
od0=$(outside_digest)
expect_code 1 "person dir symlink: show refuses" ceh show $A
like "$T/err" "$ID1.*not a directory|symbolic" "message names the directory"
expect_code 1 "apply for that person refuses" apply_std $ID1
ceh list --format tsv >"$T/out" 2>"$T/err"
unlike "$T/out" "$UA" "list skips it"
ceh fsck --repair >/dev/null 2>&1
ok "outside untouched" same_od
restore
mv "$CEH_STORE/people/456" "$O/shard" && ln -s "$O/shard" "$CEH_STORE/people/456"
od0=$(outside_digest)
expect_code 1 "shard dir symlink: show refuses" ceh show $B
expect_code 1 "apply into that shard refuses" apply_std 430104199001014562
ceh fsck --repair >/dev/null 2>&1
ok "outside untouched" same_od
restore

# 4. store files that are symlinks: store.yaml, units.yaml, a code list,
#    the secret
for f in store.yaml units.yaml codes/ethnic-groups.yaml; do
	cp "$CEH_STORE/$f" "$O/x"
	rm "$CEH_STORE/$f" && ln -s "$O/x" "$CEH_STORE/$f"
	od0=$(outside_digest)
	expect_code 1 "$f symlink: list refuses" ceh list
	like "$T/err" "${f##*/}.*symbolic link" "message names $f"
	ceh unit add 91430100MA4L33333R --name 新 --kind employer >/dev/null 2>&1
	ok "$f: outside untouched after unit add" same_od
	restore
done
cp "$CEH_STORE/secret" "$O/secret"
rm "$CEH_STORE/secret" && ln -s "$O/secret" "$CEH_STORE/secret"
ceh review --as $EMP1 --approve $B >/dev/null 2>&1
ceh review --as $SUP2 --approve $B >/dev/null 2>&1
ceh review --as $SUP1 --approve $B >/dev/null 2>&1
ceh review --as $AGENCY --approve $B >/dev/null 2>&1
expect_code 1 "secret symlink: print-slip refuses" \
    ceh print-slip --id $ID2 --from 2021 --to 2021 --format json
like "$T/err" "secret" "message names the secret"
restore

# 5. lock files that are symlinks: a writer must not create, truncate or
#    write through them
echo "precious" > "$O/lockfile"
ln -sf "$O/lockfile" "$PA/.lock"
od0=$(outside_digest)
expect_code 5 "person .lock symlink: edit fails" ceh edit $A --phone 15556560001
like "$T/err" "lock" "message names the lock"
ok "target of the lock symlink unchanged" same_od
rm "$PA/.lock"
ln -s "$O/nolock" "$PA/.lock"
ceh edit $A --phone 15556560001 >/dev/null 2>&1
ok "a dangling lock symlink is not created through" test ! -e "$O/nolock"
restore
ln -sf "$O/lockfile" "$CEH_STORE/.lock"
od0=$(outside_digest)
ceh unit add 91430100MA4L33333R --name 新 --kind employer >"$T/out" 2>"$T/err"
ok "store .lock symlink: unit add fails" test $? -ne 0
ok "target unchanged" same_od
restore

# 6. derived folders that are symlinks: the queue of a unit, slips/
mkdir -p "$O/q"
mkdir -p "$CEH_STORE/queues"
rm -rf "$CEH_STORE/queues/$SUP2"
ln -s "$O/q" "$CEH_STORE/queues/$SUP2"
od0=$(outside_digest)
ceh review --as $EMP1 --approve $B >"$T/out" 2>"$T/err"
ok "queue folder symlink: nothing written outside" same_od
ceh list --at $SUP2 >/dev/null 2>&1
ceh fsck --repair >/dev/null 2>&1
ok "nor by list or fsck --repair" same_od
restore
mkdir -p "$O/slips"
ln -s "$O/slips" "$CEH_STORE/slips"
od0=$(outside_digest)
for u in $EMP1 $SUP2 $SUP1 $AGENCY; do ceh review --as $u --approve $B >/dev/null 2>&1; done
ceh print-slip --id $ID2 --from 2021 --to 2021 --format json >"$T/out" 2>"$T/err"
ok "slips/ symlink: print-slip refuses" test $? -ne 0
ok "no slip record written outside" same_od
restore

# 6b. the records store: its folder, a shard and the state as symlinks
{ echo '证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式,培训机构,记录编号'
  echo "$ID1,张三,2022,专业科目,课程1,2,培训班,培训机构甲,R1"; } > "$T/h.csv"
mkdir -p "$O/records"
ln -s "$O/records" "$CEH_STORE/records"
od0=$(outside_digest)
ceh import "$T/h.csv" >"$T/out" 2>"$T/err"
ok "records/ symlink: import refuses" test $? -ne 0
ok "nothing written outside" same_od
restore
ceh import "$T/h.csv" >/dev/null 2>&1
for f in $(cd "$CEH_STORE/records" && ls); do
	cp "$CEH_STORE/records/$f" "$O/$f"
	rm "$CEH_STORE/records/$f" && ln -s "$O/$f" "$CEH_STORE/records/$f"
done
od0=$(outside_digest)
ceh records --id $ID1 >"$T/out" 2>"$T/err"
ok "records shard and state symlinks: records refuses" test $? -ne 0
ceh import "$T/h.csv" >/dev/null 2>&1
ceh fsck --repair >/dev/null 2>&1
ok "import and fsck --repair write nothing outside" same_od
restore

# 7. an archive that is a symlink
cp "$PA/draft/$UA.zip" "$O/a.zip"
rm "$PA/draft/$UA.zip" && ln -s "$O/a.zip" "$PA/draft/$UA.zip"
od0=$(outside_digest)
expect_code 1 "zip symlink: show refuses the archive" ceh show $A
like "$T/out" "$UA.zip" "report names the archive"
ceh attach $A --year 2022 --name c.pdf "$T/e.pdf" >/dev/null 2>&1
ceh fsck --repair >/dev/null 2>&1
ok "outside archive untouched" same_od
restore

# ---- unexpected files ----
echo junk > "$PA/draft/notes.txt"
cp "$PA/draft/$UA.yaml" "$PA/draft/$UA.yaml.bak"
echo junk > "$PA/draft/.hidden"
mkdir "$PA/archive"
ceh list --format tsv >"$T/list" 2>"$T/lerr"
ok "unexpected files: list works" test $? = 0
ok "list shows each application once" sh -c "[ \$(grep -c '$UA' '$T/list') = 1 ]"
expect_code 0 "show works" ceh show $A
expect_code 0 "add-year works" ceh add-year $A --year 2023 --pro-subject 课 \
    --pro-hours 60 --pro-form 培训班
ceh fsck >"$T/fsck" 2>&1
ok "fsck reports unexpected files" test $? -ne 0
like "$T/fsck" "notes.txt" "fsck names notes.txt"
like "$T/fsck" "$UA.yaml.bak" "fsck names the .bak copy"
like "$T/fsck" "draft/.hidden" "fsck names the dot file"
like "$T/fsck" "$ID1/archive" "fsck names the unknown folder"
ceh fsck --repair >/dev/null 2>&1
ok "fsck --repair leaves them alone" test -f "$PA/draft/notes.txt"
restore
mkdir "$PA/draft/0123456789abcdefghij.yaml"
ceh list --format tsv >"$T/list" 2>"$T/lerr"
ok "a folder posing as a document: list reports it" test $? -ne 0
like "$T/lerr" "0123456789abcdefghij.yaml.*not a regular file" "and names it"
ok "list still lists the others" grep -q "$UA" "$T/list"
ceh fsck >"$T/fsck" 2>&1
like "$T/fsck" "0123456789abcdefghij.yaml" "fsck names it"
restore

# ---- malformed documents ----
doc=$PA/draft/$UA.yaml
bad_doc() { # label, then the document is in $doc
	expect_code 1 "$1: show refuses" ceh show $A
	like "$T/err" "$UA.yaml" "$1: message names the file"
	ceh list --format tsv >"$T/list" 2>"$T/lerr"
	ok "$1: list still lists the other application" grep -q "$UB" "$T/list"
	ceh fsck >"$T/fsck" 2>&1
	ok "$1: fsck reports it" test $? -ne 0
	like "$T/fsck" "$UA.yaml" "$1: fsck names it"
	restore
}
head -c 9000000 /dev/zero | tr '\0' 'a' > "$doc"
bad_doc "huge document"
python3 -c "print('format: 1\nid: x\napplicant: ' + '[' * 200 + ']' * 200)" > "$doc"
bad_doc "deeply nested"
sed -i 's/^revision: .*/revision: [1, 2]/' "$doc"
bad_doc "wrong type"
printf 'stage: approved\n' >> "$doc"
bad_doc "duplicate key"
python3 -c "
import sys
s = 'a: &a [x, x, x, x, x, x, x, x]\n'
for i in range(1, 12):
    s += 'a%d: &a%d [*a%d, *a%d, *a%d, *a%d]\n' % (i, i, i - 1 if i > 1 else 0, i - 1 if i > 1 else 0, i - 1 if i > 1 else 0, i - 1 if i > 1 else 0)
sys.stdout.write(s.replace('*a0', '*a'))" > "$doc"
bad_doc "alias bomb"
printf 'format: 1\nid: "\377\376"\n' > "$doc"
bad_doc "invalid UTF-8"
printf 'format: 1\nid: a\0b\n' > "$doc"
bad_doc "NUL byte"

# ---- command-line values never reach outside the store ----
touch "$T/victim"
expect_code 1 "id with ../ is refused" ceh show "../../../../$(echo $T | cut -c2-)/victim"
expect_code 1 "id with ../ in the unique part is refused" \
    ceh show "$ID1-../../../../../../victim"
expect_code 1 "id with / is refused by add-year" ceh add-year "$ID1/../$UA" \
    --year 2023 --pro-subject 课 --pro-hours 60 --pro-form 培训班
expect_code 1 "unit code with ../ is refused" ceh unit show ../../units
expect_code 1 "list --at with ../ is refused" ceh list --at ../../people
expect_code 1 "review --as with ../ is refused" ceh review --as ../.. --approve $B
ok "year with ../ is refused" sh -c "! ceh add-year $A --year ../2022 --pro-subject 课 --pro-hours 60 --pro-form 培训班 2>/dev/null"
expect_code 1 "attachment name with ../ is refused" \
    ceh attach $A --year 2022 --name ../../../victim2.pdf "$T/e.pdf"
ok "nothing written outside" test ! -e "$T/victim2.pdf"
expect_code 1 "attachment name with / is refused" \
    ceh attach $A --year 2022 --name a/b.pdf "$T/e.pdf"
ceh attach $A --remove --year 2022 ../../../../victim >/dev/null 2>&1
ok "attach --remove of ../ touches nothing outside" test -e "$T/victim"
mkdir "$T/x"
expect_code 0 "attach --extract writes into its directory" ceh attach $A --extract "$T/x"
ok "extracted files stay inside it" sh -c "[ \$(find '$T/x' -type f | wc -l) = 1 ] && find '$T/x' -type f | grep -q '^$T/x/2022/'"
expect_code 1 "slip number with ../ is refused" ceh verify-slip ../../../victim
expect_code 1 "records --id with ../ is refused" ceh records --id ../../victim
ok "the victim file survived" test -e "$T/victim"
done_testing
