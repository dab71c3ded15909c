#!/bin/sh
# What a crash or a power loss can leave, and fsck --repair's rules for it:
# - the claim of a publish without hard links (CEH_FS_COMPAT, test-only):
#   an empty UNIQ.yaml is never trusted as a document and is removed;
# - a name in two stage folders (a move is link, sync, unlink, sync: a
#   power loss between leaves both): a document with the same bytes keeps
#   the copy in its stage's folder; an archive keeps the copy that holds
#   the evidence the document lists when the other holds nothing more;
#   otherwise both stay and are reported, never deleted silently.
. "$(dirname "$0")/lib.sh"
plan 38
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
printf '%%PDF-1.4\n%% a\n%%%%EOF\n' > "$T/a.pdf"
printf '%%PDF-1.4\n%% b\n%%%%EOF\n' > "$T/b.pdf"
printf '%%PDF-1.4\n%% c\n%%%%EOF\n' > "$T/c.pdf"
gen_id() {
	printf '43010219900101%03d' "$1" | awk '{
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		s = 0
		for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]
		print $0 substr("10X98765432", s % 11 + 1, 1) }'
}
n=0
draft() {
	n=$((n + 1)); I=$(gen_id $n)
	A=$(apply_std $I) && ceh add-year $A --year 2023 --public-subject 公需课 \
	    --public-hours 30 --public-form 远程教育 >/dev/null
	P=$CEH_STORE/people/$(echo $I | cut -c15-17)/$I U=${A#*-}
}

# 1. a claim left by apply (no hard links, no RENAME_NOREPLACE)
n=$((n + 1)); I=$(gen_id $n)
expect_code 137 "apply killed between claim and rename" env CEH_FS_COMPAT=nolink,norename2 CEH_CRASH=atomic-after-claim ceh apply --id $I --name 张三 --ethnicity 汉族 --unit $EMP1 --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 --series 工程 --specialty 建筑学 --region 湖南省省本级
D=$CEH_STORE/people/$(echo $I | cut -c15-17)/$I/draft
ok "an empty claimed name is left" sh -c "ls '$D' | grep -q '^[0-9a-v]\{20\}\.yaml\$' && ! test -s '$D'/*.yaml"
expect_code 1 "fsck reports it" ceh fsck
like "$T/out" "draft/[0-9a-v]{20}\.yaml: empty: the claim of an interrupted write$" "as the claim of an interrupted write"
expect_code 0 "fsck --repair" ceh fsck --repair
ok "no document, no temp file left" test -z "$(ls -A "$D")"
expect_code 0 "then fsck is clean" ceh fsck
CEH_FS_COMPAT=nolink,norename2; export CEH_FS_COMPAT
expect_code 0 "apply works again" apply_std $I
unset CEH_FS_COMPAT

# 2. a claim left by a move that copies (submit, no hard links)
draft
expect_code 137 "submit killed in a copy-move's claim" env CEH_FS_COMPAT=nolink,norename2 CEH_CRASH=atomic-after-claim ceh submit $A
ok "the claim is in review/, the document in draft/" test -f "$P/review/$U.yaml" -a ! -s "$P/review/$U.yaml" -a -s "$P/draft/$U.yaml"
expect_code 0 "fsck --repair" ceh fsck --repair
ok "the document is in review/, alone" test -s "$P/review/$U.yaml" -a ! -e "$P/draft/$U.yaml"
expect_code 0 "then fsck is clean" ceh fsck
ok "waiting at the employer" sh -c "ceh list --at $EMP1 --format tsv | grep -q '^$A	'"

# 3. one document in two folders with the same bytes (the move's link
#    made durable, the unlink not)
draft; ceh submit $A >/dev/null
cp "$P/review/$U.yaml" "$P/draft/$U.yaml"
chmod 600 "$P/draft/$U.yaml"
expect_code 1 "a second copy: fsck reports it" ceh fsck
like "$T/out" "draft/$U\.yaml: a second copy of the document \(an interrupted move\)$" "as a second copy"
expect_code 0 "fsck --repair" ceh fsck --repair
ok "the copy outside its stage's folder is gone" test ! -e "$P/draft/$U.yaml" -a -s "$P/review/$U.yaml"
expect_code 0 "then fsck is clean" ceh fsck

# 4. two different documents under one name: never merged
draft; ceh submit $A >/dev/null
sed 's/15556565656/15556565657/' "$P/review/$U.yaml" > "$P/draft/$U.yaml"
chmod 600 "$P/draft/$U.yaml"	# as ceh makes it (fsck --repair would fix a looser mode)
before=$(store_digest)
expect_code 1 "two versions: fsck --repair cannot clean it" ceh fsck --repair
like "$T/out" "$U\.yaml is in both draft/ and review/ with different contents \(left alone" "says so"
ok "both kept as they were" test "$before" = "$(store_digest)"
rm "$P/draft/$U.yaml"

# 5. an archive in two folders: the same bytes
draft; ceh attach $A --year 2023 --name a.pdf "$T/a.pdf" >/dev/null; ceh submit $A >/dev/null
cp "$P/review/$U.zip" "$P/draft/$U.zip"
expect_code 1 "the same archive twice: fsck reports it" ceh fsck
like "$T/out" "draft/$U\.zip: a second copy of the archive \(an interrupted move\)$" "as a second copy"
expect_code 0 "fsck --repair" ceh fsck --repair
ok "the copy away from the document is gone" test ! -e "$P/draft/$U.zip" -a -s "$P/review/$U.zip"
expect_code 0 "then fsck is clean" ceh fsck

# 6. next to the document the archive that lists it all; in the old folder
#    an older one holding nothing more: the older goes
draft; ceh attach $A --year 2023 --name a.pdf "$T/a.pdf" >/dev/null
cp "$P/draft/$U.zip" "$T/old.zip"
ceh attach $A --year 2023 --name b.pdf "$T/b.pdf" >/dev/null; ceh submit $A >/dev/null
cp "$T/old.zip" "$P/draft/$U.zip"
expect_code 0 "an older archive in the old folder: fsck --repair" ceh fsck --repair
like "$T/out" "draft/$U\.zip: an older copy of the archive next to the document holds nothing more, removed$" "removes it, saying why"
ok "the evidence stays next to the document" sh -c "cd '$T' && ceh attach $A --list --format tsv | grep -c pdf | grep -qx 2"
expect_code 0 "then fsck is clean" ceh fsck

# 7. the other way round: next to the document the older archive, the
#    complete one left in the old folder: the complete one takes its place
draft; ceh attach $A --year 2023 --name a.pdf "$T/a.pdf" >/dev/null
cp "$P/draft/$U.zip" "$T/old.zip"
ceh attach $A --year 2023 --name b.pdf "$T/b.pdf" >/dev/null; ceh submit $A >/dev/null
cp "$P/review/$U.zip" "$P/draft/$U.zip"; cp "$T/old.zip" "$P/review/$U.zip"
expect_code 0 "the complete archive in the old folder: fsck --repair" ceh fsck --repair
ok "it is next to the document now, alone" sh -c "cmp -s '$P/review/$U.zip' '$T/old.zip' && exit 1; test ! -e '$P/draft/$U.zip'"
expect_code 0 "then fsck is clean" ceh fsck

# 8. the archive in the old folder holds something the one next to the
#    document does not: both kept, reported
draft; ceh attach $A --year 2023 --name a.pdf "$T/a.pdf" >/dev/null
ceh attach $A --year 2023 --name c.pdf "$T/c.pdf" >/dev/null
cp "$P/draft/$U.zip" "$T/more.zip"
ceh attach $A --remove --year 2023 c.pdf >/dev/null; ceh submit $A >/dev/null
cp "$T/more.zip" "$P/draft/$U.zip"
before=$(store_digest)
expect_code 1 "an archive with more evidence in the old folder" ceh fsck --repair
like "$T/out" "$U\.zip is in both draft/ and review/ with different evidence \(both kept" "is kept and reported"
ok "both stay as they were" test "$before" = "$(store_digest)"
rm "$P/draft/$U.zip"
expect_code 0 "and with it gone fsck is clean" ceh fsck --repair
done_testing
