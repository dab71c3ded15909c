#!/bin/sh
# The verification cache (trust.h: trust_app_verified) outside the store,
# in $XDG_CACHE_HOME/ceh/verified: a hit gives the same answers without
# rewriting it; a document changed after caching is verified again (the
# key is its content digest); a damaged, foreign or other-registry cache
# is ignored; verify, show and fsck --no-cache never use it.
. "$(dirname "$0")/lib.sh"
plan 68
PY=/usr/bin/python3
K="$XDG_CONFIG_HOME/ceh/keys"
FORGE="$CEH_ROOT/tests/0812-forge.py"
C="$XDG_CACHE_HOME/ceh/verified"
ceh init --signed >/dev/null
mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
yr() { ceh add-year "$1" --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60.5 --pro-form 培训班 >/dev/null; }
A=$(apply_std $ID1) && yr $A
B=$(apply_std $ID2 --name 李四) && yr $B
{ ceh submit $A && ceh submit $B && ceh review --as $EMP1 --approve --next agency $A &&
  ceh review --as $AGENCY --approve $A; } >/dev/null || exit 1
doc=$(ls "$CEH_STORE"/people/*/*/approved/*.yaml)
cp "$doc" "$T/good"
cp "$K/$AGENCY.key" "$T/agency.key"

expect_code 0 "fsck --no-cache does not make a cache" ceh fsck --no-cache
ok "no cache after fsck --no-cache" test ! -e "$C"
expect_code 0 "list (cache cold)" ceh list --format json
cp "$T/out" "$T/list1"
ok "one cache file for the store" test "$(ls "$C" | wc -l)" = 1
F="$C/$(ls "$C")"
ok "named by the hash of the store's real path" test "${F##*/}" = "$(printf %s "$(realpath "$CEH_STORE")" | sha256sum | cut -c1-64)"
ok "folder 0700, file not writable by others" sh -c "test \$(stat -c %a '$C') = 700 && test \$(( 0\$(stat -c %a '$F') & 022 )) = 0"
ok "header, two documents, sum" test "$(sed -n 1p "$F")" = ceh-verified-v1 -a "$(grep -c '^[0-9a-f]\{64\}$' "$F")" = 2
ok "the sum covers the rest" test "$(tail -1 "$F")" = "sum=$(head -n -1 "$F" | sha256sum | cut -c1-64)"
ok "an entry is the SHA-256 of the document as ceh writes it" grep -qx "$(sha256sum < "$doc" | cut -c1-64)" "$F"
stamp() { stat -c '%i %Y %s' "$F"; sha256sum < "$F"; }
s1=$(stamp)
sleep 1
expect_code 0 "list again (cache hit)" ceh list --format json
same "$T/list1" "$T/out" "a hit gives the same answer"
ok "a hit does not rewrite the cache" test "$(stamp)" = "$s1"
expect_code 0 "stats (cache)" ceh stats --year 2023 --format json
like "$T/out" '"approved": 1, ' "stats count the approval"
expect_code 0 "print-slip through the cache" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key" --format json -o "$T/slip.json"

# the document changed after caching: its digest is another key
$PY "$FORGE" "$doc" "$K" hours 2023 100 add event=edited detail=public_hours || exit 1
expect_code 0 "list after the hours were edited" ceh list --format json
like "$T/out" '"verified": "no"' "the changed document is verified again and fails"
expect_code 5 "print-slip refuses it" ceh print-slip --id $ID1 --from 2019 --to 2023 --key "$T/agency.key"
like "$T/err" "application $A approves year 2023 of the range, but its approval does not verify" "names it"
# the reports' own cache knows the record as verified (ceh-stats(1)):
# a report counts the verified record, fsck finds the edit, and a user
# whose ceh never verified it leaves it out
expect_code 0 "stats" ceh stats --year 2023 --format json
like "$T/out" '"approved": 1, ' "stats count the record verified before the edit"
XDG_CACHE_HOME="$T/cache2" expect_code 0 "stats, another user's cache" ceh stats --year 2023 --format json
like "$T/out" '"approved": 0, ' "stats leave it out"
ok "a failure is not cached" test "$(grep -c '^[0-9a-f]\{64\}$' "$F")" = 2

# a poisoned entry: the forged document's digest, with a good sum
cp "$T/good" "$doc"
$PY "$FORGE" "$doc" "$K" ev 3 unit $EMP2 || exit 1
# (ceh writes the digests sorted and looks them up in that order)
poison() { # poison MODE: the cache with the forged document's digest
	P=$(sha256sum < "$doc" | cut -c1-64)
	{ head -2 "$F"
	  { sed -n '3,$p' "$F" | grep -v '^sum='; echo $P; } | LC_ALL=C sort; } > "$T/c"
	{ cat "$T/c"; echo "sum=$(sha256sum < "$T/c" | cut -c1-64)"; } > "$F"
	chmod "$1" "$F"
}
poison 600
expect_code 0 "list with the poisoned entry" ceh list --format json
like "$T/out" '"verified": "yes"' "list takes the cache's word (it is the user's own)"
expect_code 0 "fsck takes the user's own cache's word too" ceh fsck
expect_code 1 "fsck --no-cache does not use the cache" ceh fsck --no-cache
like "$T/out" "was signed by $EMP2, but the application was waiting at $EMP1" "fsck --no-cache finds the forgery"
expect_code 1 "verify never uses it" ceh verify $A
ceh show $A > "$T/show" 2>&1
like "$T/show" "NOT VERIFIED" "show never uses it"
poison 664
expect_code 0 "a cache writable by others is ignored" ceh list --format json
like "$T/out" '"verified": "no"' "verified again"
poison 600
sed -i "s/^$P\$/$(echo $P | tr 0123456789abcdef 123456789abcdef0)/" "$F"
expect_code 0 "the poisoned entry damaged (its sum not mended)" ceh list --format json
like "$T/out" '"verified": "no"' "a damaged line never hits: verified again"

# damaged caches are ignored and replaced
cp "$T/good" "$doc"
for how in garbage truncated empty; do
	case $how in
	garbage) head -c 500 /dev/urandom > "$F" ;;
	truncated) ceh list >/dev/null; head -c 100 "$F" > "$T/c" && cat "$T/c" > "$F" ;;
	empty) : > "$F" ;;
	esac
	expect_code 0 "$how cache: list" ceh list --format json
	same "$T/list1" "$T/out" "$how cache: the same answer"
done
ok "the cache is whole again" test "$(tail -1 "$F")" = "sum=$(head -n -1 "$F" | sha256sum | cut -c1-64)"
ok "its digests are written sorted (a look-up reads a few lines, not the file)" \
	sh -c "sed -n '3,\$p' '$F' | grep -v '^sum=' | LC_ALL=C sort -c"

# a cache written unsorted (by ceh before 2026-12) is no damage: its
# lines are only not found where a look-up seeks them, the documents
# are verified again, and the file is written again sorted
{ head -2 "$F"; sed -n '3,$p' "$F" | grep -v '^sum=' | LC_ALL=C sort -r; } > "$T/c"
{ cat "$T/c"; echo "sum=$(sha256sum < "$T/c" | cut -c1-64)"; } > "$F"
expect_code 0 "an unsorted cache: list" ceh list --format json
same "$T/list1" "$T/out" "the same answer"
ok "written again, sorted" sh -c "sed -n '3,\$p' '$F' | grep -v '^sum=' | LC_ALL=C sort -c"

# another registry (a key rotated) invalidates every entry
reg=$(sed -n 2p "$F")
mv "$K/$EMP3.key" "$T/emp3.old"
certify_unit $EMP3 || exit 1
expect_code 0 "list after a key rotation" ceh list --format json
same "$T/list1" "$T/out" "the same answer"
ok "the cache names the new registry" test "$(sed -n 2p "$F")" != "$reg"

# no usable cache folder: verification still works
: > "$T/notadir"
XDG_CACHE_HOME="$T/notadir" expect_code 0 "XDG_CACHE_HOME a file: list" ceh list --format json
same "$T/list1" "$T/out" "the same answer without a cache"

# fsck looks a document up by the SHA-256 of its bytes as read (no
# emission again): for a document ceh wrote that is the very digest the
# other readers use, for any other a key of its own.  A comment added
# changes the bytes, not the application: fsck verifies it again and
# learns that digest; what a reader checks by emitting it still hits.
cp "$T/good" "$doc"
expect_code 0 "fsck (the cache warm)" ceh fsck
n0=$(grep -c '^[0-9a-f]\{64\}$' "$F")
ok "the document as ceh wrote it is in the cache" grep -qx "$(sha256sum < "$doc" | cut -c1-64)" "$F"
printf '# 手工加的注释\n' >> "$doc"
expect_code 0 "fsck of the document with a comment added" ceh fsck
like "$T/err" "; 0 problem.s. found" "it verifies"
ok "fsck learned the SHA-256 of the bytes it read" grep -qx "$(sha256sum < "$doc" | cut -c1-64)" "$F"
ok "one entry more" test "$(grep -c '^[0-9a-f]\{64\}$' "$F")" = $((n0 + 1))
expect_code 0 "list of it" ceh list --format json
like "$T/out" '"verified": "yes"' "list (by its emission) still finds it verified"
# the same bytes changed in a signed field: the digest misses
sed -i -e 's/^\(  *public_hours: \)30$/\1300/' -e 's/^\(  *total_hours: "*\)90\.5/\1360.5/' "$doc"
ok "the edit applied" grep -q 'total_hours: "*360.5' "$doc"
expect_code 1 "fsck of the edited, commented document" ceh fsck
like "$T/out" "$(basename "$doc"): .*it was changed outside ceh" "names it: its content no longer matches its signed event"
cp "$T/good" "$doc"

# list --at reads each queued document and looks it up by the digest of
# its bytes as well
qdoc=$(ls "$CEH_STORE"/people/*/*/review/*.yaml)
qat=$(sed -n 's/^waiting_at: *"*\([0-9A-Z]*\)"*$/\1/p' "$qdoc")
cp "$qdoc" "$T/qgood"
printf '# 手工加的注释\n' >> "$qdoc"
expect_code 0 "list --at, a queued document with a comment added" ceh list --at "$qat" --format json
like "$T/out" '"verified": "yes"' "it verifies"
ok "list --at learned the SHA-256 of its bytes" grep -qx "$(sha256sum < "$qdoc" | cut -c1-64)" "$F"
sed -i -e 's/^\(  *public_hours: \)30$/\1300/' -e 's/^\(  *total_hours: "*\)90\.5/\1360.5/' "$qdoc"
ok "the edit applied" grep -q 'total_hours: "*360.5' "$qdoc"
expect_code 0 "list --at, the queued document edited" ceh list --at "$qat" --format json
like "$T/out" '"verified": "no"' "its digest misses: verified again, and it fails"
cp "$T/qgood" "$qdoc"
