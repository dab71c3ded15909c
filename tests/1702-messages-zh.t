#!/bin/sh
# Messages of the commands in the user's language (issue 17): the same
# refusal in zh_CN.UTF-8 and in C has the same exit code and leaves the
# same store; only the sentence changes.  Table headers are the Chinese
# field names in every language; what scripts read stays the same.
. "${0%/*}/lib.sh"
plan 104
unset LANGUAGE
ceh init --signed >/dev/null && mk_units || exit 1
certify_unit $EMP1 >/dev/null
APP=$(apply_std $ID1)
ceh add-year $APP --year 2024 --public-subject 政策法规 --public-hours 30 \
    --public-form 远程教育 --pro-subject 建筑结构 \
    --pro-hours 60 --pro-form 培训班 >/dev/null || exit 1
printf '%%PDF-1.4 test\n' > "$T/证书.pdf"
ceh attach $APP --year 2024 "$T/证书.pdf" >/dev/null || exit 1
D0=$(store_digest)

both() { # both CODE NAME ZH-REGEX C-REGEX CMD...: the refusal in each language
	_code=$1 _name=$2 _zh=$3 _c=$4; shift 4
	LC_ALL=zh_CN.UTF-8 expect_code "$_code" "$_name (zh_CN)" "$@"
	like "$T/err" "$_zh" "... in Chinese"
	LC_ALL=C expect_code "$_code" "$_name (C)" "$@"
	like "$T/err" "$_c" "... in English"
}
both 2 "review without --as" '缺少 --as 单位' 'missing --as UNIT' \
    ceh review --approve $APP
both 2 "unit add without --name" 'unit add 需要 --name 和 --kind' \
    'unit add needs --name and --kind' ceh unit add $EMP2
both 3 "rm-year of a year that is not there" "申报 $APP 没有 2019 年度" \
    "application $APP has no year 2019" ceh rm-year $APP --year 2019
both 1 "verify-slip with garbage" '既不是核验码' 'is not a verification code' \
    ceh verify-slip not-a-code
both 4 "approving a draft" "申报 $APP 的状态为暂存，不在待审核中；无法审核通过" \
    "application $APP is 暂存, not waiting for a decision; cannot approve it" \
    ceh review --as $AGENCY --approve $APP
# the library's messages (validate, codes, key, bundle) follow the locale too
both 1 "an ID number with a wrong check digit" \
    "--id '430602197811307898'：校验码错误（应为 9）；请核对号码" \
    "--id '430602197811307898': check digit is wrong \\(expected 9\\)" \
    apply_std 430602197811307898
both 1 "an unknown region: the list's name and the closest" \
    "--region '长沙' 不是有效的地区；最接近的：长沙市" \
    "--region '长沙' is not a valid region; closest: 长沙市" \
    apply_std $ID3 --region 长沙
both 1 "a public key that is not one" '--public-key：不是公钥' \
    '--public-key: not a public key' \
    ceh unit certify $EMP2 --as $AGENCY --public-key garbage
both 3 "a key file that is not there" "没有密钥文件 '$T/nokey'" \
    "no key file '$T/nokey'" ceh key show --key "$T/nokey"
printf 'hello\n' > "$T/note.txt"
both 1 "an attachment that is not a PDF, JPEG or PNG" \
    '不是 PDF、JPEG 或 PNG 文件（类型按文件内容而非文件名判断）' \
    'is not a PDF, JPEG or PNG file \(type decided by its content' \
    ceh attach $APP --year 2024 "$T/note.txt"
both 2 "print-slip without --id" '缺少 --id' 'missing --id' ceh print-slip --from 2020 --to 2024
LC_ALL=zh_CN.UTF-8 ceh fsck > /dev/null 2> "$T/fsck.zh"
like "$T/fsck.zh" '^ceh fsck：已检查 1 人的 1 份申报；0 个问题' "fsck's summary in Chinese"
LC_ALL=C ceh fsck > /dev/null 2> "$T/fsck.c"
like "$T/fsck.c" '^ceh fsck: 1 application\(s\) of 1 people checked; 0 problem' "... and in English"
same_digest() { [ "$(store_digest)" = "$D0" ]; }
ok "every refusal left the store as it was" same_digest
# a damaged store file (ytree): the same refusal, its place, in each language
cp -r "$CEH_STORE" "$T/broken"
printf 'format: 1\n' >> "$T/broken/units.yaml"
D1=$(CEH_STORE="$T/broken" store_digest)
both 1 "units.yaml with a key twice" "units.yaml:[0-9]*:1：键 'format' 重复" \
    "units.yaml:[0-9]*:1: duplicate key 'format'" \
    ceh --store "$T/broken" unit list
check "... and the damaged store is left as it was" \
    test "$(CEH_STORE="$T/broken" store_digest)" = "$D1"

# a human table: the headers are Chinese field names in both languages,
# the TSV identical in both
LC_ALL=zh_CN.UTF-8 ceh attach $APP --list --format tsv > "$T/zh.tsv"
LC_ALL=C ceh attach $APP --list --format tsv > "$T/c.tsv"
same "$T/zh.tsv" "$T/c.tsv" "attach --list TSV is the same in zh_CN and C"
head -1 "$T/c.tsv" > "$T/hdr"
like "$T/hdr" '^年度	附件名称	存档条目	大小\(字节\)	文件类型	SHA-256	添加时间$' \
    "... its header the Chinese field names, no English column"

# unit list: people read the kind's label, scripts its word (JSON: both)
LC_ALL=zh_CN.UTF-8 ceh unit list > "$T/units"
like "$T/units" "^$AGENCY .*人社部门" "unit list: the table shows the kind's label in Chinese"
LC_ALL=C ceh unit list > "$T/units"
like "$T/units" "^$AGENCY .* agency " "... and its word in C"
ceh unit list --format tsv > "$T/units.tsv"
like "$T/units.tsv" "^$AGENCY	[^	]*	agency	" "... TSV its word"
ceh unit list --format json > "$T/units.json"
like "$T/units.json" '"kind": "agency", "kind_label": "人社部门"' "... JSON both"
ceh unit list --kind 经办机构 --format tsv > "$T/agencies"
check "--kind in Chinese (the guide's 经办机构)" test "$(wc -l < "$T/agencies")" = 2
ceh unit list --kind 上级审核单位 --format tsv > "$T/sups"
check "... and 上级审核单位" test "$(wc -l < "$T/sups")" = 3
# ceh log: the events' labels for people in Chinese, codes for scripts
LC_ALL=zh_CN.UTF-8 ceh log $APP > "$T/log.zh"
like "$T/log.zh" "  新增年度明细  " "log table (zh_CN): 新增年度明细 for year-added"
LC_ALL=C ceh log $APP > "$T/log.c"
like "$T/log.c" "  year-added  " "... (C): the code"
ceh log $APP --format json > "$T/log.json"
like "$T/log.json" '"event": "attached", "event_label": "添加附件"' "... JSON: both"
# the usage: its word follows the locale, the synopsis stays (0002 checks
# it against the man page in C), the lines below stay aligned
LC_ALL=zh_CN.UTF-8 ceh unit --help > "$T/use.zh"
like "$T/use.zh" "^用法： ceh unit add CODE --name NAME" "usage (zh_CN): 用法："
LC_ALL=C ceh unit --help > "$T/use.c"
check "... the rest of the synopsis is the same" test "$(tail -n +2 "$T/use.zh")" = "$(tail -n +2 "$T/use.c")"
LC_ALL=zh_CN.UTF-8 ceh submit 2> "$T/use.err"
like "$T/use.err" "^用法： ceh submit \\[--key FILE\\] APP\\.\\.\\.\\|-$" "a usage error's synopsis too"

# the library's own messages: the store, a lock, the slip's years and
# --for words, the chain of a history (verify), fsck's problem lines
both 3 "no store there" "'$T/nostore' 没有存储库；请运行 'ceh init' 创建" \
    "no store at '$T/nostore'; run 'ceh init' to create one" \
    ceh --store "$T/nostore" list
P=$(ls -d "$CEH_STORE"/people/*/$ID1)
both 4 "the person's lock held by another ceh" \
    "'people/[0-9]+/$ID1/\\.lock' 已被另一个 ceh 锁定（[^）]*）；请稍后重试或使用 --wait" \
    "'people/[0-9]+/$ID1/\\.lock' is locked by another ceh \\([^)]*\\); retry later or use --wait" \
    flock "$P/.lock" ceh edit $APP --phone 15556560000
both 1 "print-slip --for with a word it does not know" \
    "--for 须为 senior（高级）或 intermediate（中级），不能是 'junior'" \
    "--for must be senior or intermediate, not 'junior'" \
    ceh print-slip --id $ID1 --for junior --year 2025
both 1 "print-slip over more years than a slip covers" \
    '范围 2010-2025 跨 16 年；一张学时认定单最多 10 年' \
    'the range 2010-2025 spans 16 years; a slip covers at most 10' \
    ceh print-slip --id $ID1 --from 2010 --to 2025
# verify-slip's verdict: its word (for scripts) the same, its reason the user's
LC_ALL=zh_CN.UTF-8 expect_code 3 "verify-slip of a code this store never issued (zh_CN)" \
    ceh verify-slip 7K3M-9Q2X-A7BD-0PWE-H5TN
like "$T/out" '^unknown: 本存储库未出具核验码为 7K3M-9Q2X-A7BD-0PWE-H5TN 的学时认定单$' \
    "... the verdict word, then the reason in Chinese"
LC_ALL=C expect_code 3 "verify-slip of a code this store never issued (C)" \
    ceh verify-slip 7K3M-9Q2X-A7BD-0PWE-H5TN
like "$T/out" '^unknown: no slip with code 7K3M-9Q2X-A7BD-0PWE-H5TN was issued by this store$' \
    "... the same word, the reason in English"
ok "these refusals left the store as it was" same_digest
# a document edited by hand, a stranger in the person's folder and a
# stale queue entry: verify's chain verdict and fsck's problem lines
cp -a "$CEH_STORE" "$T/edited"
doc=$(ls "$T/edited"/people/*/$ID1/draft/*.yaml)
sed -i 's/15556565656/15556565657/' "$doc"
mkdir "$T/edited/people/${P#"$CEH_STORE"/people/}/junk"
mkdir -p "$T/edited/queues/$EMP1"
: > "$T/edited/queues/$EMP1/$ID2-00000000000000000000"
both 1 "verify: a document edited by hand" \
    "申报 $APP：文档与其最后一个事件（attached）不符：它在 ceh 之外被改动过" \
    "application $APP: the document does not match its last event \\(attached\\): it was changed outside ceh" \
    ceh --store "$T/edited" verify $APP
LC_ALL=zh_CN.UTF-8 expect_code 1 "fsck of the damaged copy (zh_CN)" ceh --store "$T/edited" fsck
like "$T/out" "^people/[0-9]+/$ID1/junk：不是 ceh 的文件（未处理）\$" "... a stranger in Chinese"
like "$T/out" "^people/[0-9]+/$ID1/draft/[0-9a-v]+\\.yaml：申报 $APP：文档与其最后一个事件（attached）不符" "... the chain's verdict"
like "$T/out" "^queues/$EMP1/$ID2-0+：过时的条目（没有此申报）\$" "... a stale queue entry"
mv "$T/out" "$T/fsck.zh.out"
LC_ALL=C expect_code 1 "fsck of the damaged copy (C)" ceh --store "$T/edited" fsck
like "$T/out" "^people/[0-9]+/$ID1/junk: not a file of ceh \\(left alone\\)\$" "... in English"
like "$T/out" "^people/[0-9]+/$ID1/draft/[0-9a-v]+\\.yaml: application $APP: the document does not match its last event \\(attached\\)" "... the chain's verdict"
like "$T/out" "^queues/$EMP1/$ID2-0+: stale entry \\(no such application\\)\$" "... a stale queue entry"
check "... as many lines in each language" \
    test "$(wc -l < "$T/fsck.zh.out")" = "$(wc -l < "$T/out")"
# --for in the guide's words: 高级 is senior, 中级 intermediate
for f in tsv html; do
	ceh shortfall --for senior --year 2025 --format $f > "$T/senior.$f"
	ceh shortfall --for 高级 --year 2025 --format $f > "$T/gj.$f"
	same "$T/senior.$f" "$T/gj.$f" "shortfall --for 高级 is --for senior ($f)"
done
like "$T/gj.html" '高级职称申报 2025 年的核认跨度' "... its page names the senior span"
ceh shortfall --for 中级 --year 2025 --format html > "$T/zj.html"
like "$T/zj.html" '中级职称申报 2025 年的核认跨度' "... and 中级 the intermediate one"
done_testing
