#!/bin/sh
# fsck checks the summary index from the documents its walk already
# parsed (index_check_seen, lib/index.h); a shard that does not agree
# with the walk is checked again from its folders, as before, so every
# finding is the same: a document removed by hand, one that does not
# parse, one in a form ceh does not write (read through libyaml, not
# the fast path of lib/ytree.c), and a log that is gone.
. "$(dirname "$0")/lib.sh"
STORE_INIT=--unsigned
. "$(dirname "$0")/1600-store.sh"
IX=$CEH_STORE/index

plan 12

expect_code 0 "the store is clean" ceh fsck

# a document in a form ceh does not write, the same content: a comment,
# a value single-quoted, a sequence indented (libyaml reads it)
f=$(ls "$CEH_STORE"/people/*/$P4/*/*.yaml | head -1)
cp "$f" "$T/saved.yaml"
/usr/bin/python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
t = open(p, encoding="utf-8").read()
t = "# edited by hand\n" + t.replace("stage: ", "stage:   ", 1)
open(p, "w", encoding="utf-8").write(t)
PY
expect_code 0 "fsck: the same document in another form is no finding" ceh fsck
unlike "$T/out" "^index/" "the index agrees with it"
cp "$T/saved.yaml" "$f"

# a document removed by hand: its shard lists an application not in the
# store
mv "$f" "$T/moved.yaml"
id=$P4-$(basename "$f" .yaml)
expect_code 1 "fsck: a document removed by hand" ceh fsck
like "$T/out" "^index/[0-9]{3}\.log: lists 1 application\(s\) not in the store \(first $id\)" "the index lists it, named"
mv "$T/moved.yaml" "$f"
expect_code 0 "clean again with the document back" ceh fsck

# a document that does not parse: said by the walk, not by the index
cp "$f" "$T/saved.yaml"
printf 'format: 1\nid: [\n' > "$f"
expect_code 1 "fsck: a document that does not parse" ceh fsck
like "$T/out" "$(basename "$f")" "the document is named"
unlike "$T/out" "^index/.*disagree" "no index finding for it"
cp "$T/saved.yaml" "$f"

# a log that is gone
sh=$(echo $P4 | cut -c15-17)
mv "$IX/$sh.log" "$T/log"
expect_code 1 "fsck: a missing log" ceh fsck
like "$T/out" "^index/$sh\.log: missing \([0-9]+ application\(s\) in the shard\)" "the log is missing"
mv "$T/log" "$IX/$sh.log"
expect_code 0 "clean at the end" ceh fsck
done_testing
