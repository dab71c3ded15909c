#!/bin/sh
# examples/transfer.sh: registry corrections (unit edit, unit remove) and
# a person's move to another employer (transfer) from a clean store to a
# consistent one.
. "$(dirname "$0")/lib.sh"
plan 9
expect_code 0 "transfer.sh runs" sh "$CEH_ROOT/examples/transfer.sh"
cp "$T/out" "$T/ex"; cp "$T/err" "$T/exerr"
like "$T/ex" '^91430100MA4L12345A	edited$' "a name corrected"
like "$T/ex" '^审核链 .*湖南建工集团有限公司 → 省建设工程质量安全监督总站 → 湖南省住房和城乡建设厅 → 湖南省人力资源和社会保障厅$' "the new chain, the corrected name"
like "$T/ex" '^91430100MA4L44444J	removed$' "a unit removed"
like "$T/exerr" 'has 1 unit below it' "one in use kept"
like "$T/ex" '	transferred from 91430100MA4L12345A to 91350100M000100Y43$' "the draft moved"
like "$T/ex" '	submitted to 91350100M000100Y43$' "the new employer submits it"
like "$T/ex" '	verified$' "it verifies"
like "$T/exerr" '^ceh fsck: .* 0 problem\(s\) found' "the store ends consistent"
done_testing
