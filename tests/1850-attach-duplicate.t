#!/bin/sh
# ceh attach: the same file (same SHA-256) twice in one year is refused
# (class 4), naming the attachment already there; the store is untouched.
. "$(dirname "$0")/lib.sh"
plan 20

ceh init --unsigned >/dev/null && mk_units || exit 1
APP=$(apply_std $ID1) || exit 1
for y in 2023 2024; do
	ceh add-year $APP --year $y --public-subject 公需 --public-hours 30 \
	    --public-form 网络培训 --pro-subject 专业 --pro-hours 60 \
	    --pro-form 网络培训 >/dev/null || exit 1
done
D="$T/files"; mkdir -p "$D"
printf '%%PDF-1.4\nfirst\n%%%%EOF\n' > "$D/证书.pdf"
cp "$D/证书.pdf" "$D/copy.pdf"
printf '%%PDF-1.4\nsecond\n%%%%EOF\n' > "$D/other.pdf"

expect_code 0 "first attach" ceh attach $APP --year 2024 "$D/证书.pdf"
store_digest > "$T/before"
expect_code 4 "the same file again in the same year: class 4" \
    ceh attach $APP --year 2024 "$D/证书.pdf"
like "$T/err" "already attached to year 2024 of $APP as '证书\.pdf' \(2024/1-证书\.pdf" \
    "the message names the attachment already there"
store_digest > "$T/after"; same "$T/before" "$T/after" "store digest unchanged"
expect_code 4 "a copy under another name: same SHA-256, refused" \
    ceh attach $APP --year 2024 "$D/copy.pdf"
like "$T/err" "'.*copy\.pdf' is already attached" "names the file given"
expect_code 4 "--name does not get around it" \
    ceh attach $APP --year 2024 --name 新名字.pdf "$D/copy.pdf"
expect_code 4 "one duplicate among new files refuses the whole call" \
    ceh attach $APP --year 2024 "$D/other.pdf" "$D/copy.pdf"
store_digest > "$T/after"; same "$T/before" "$T/after" "store still unchanged (nothing of other.pdf)"
expect_code 4 "the same file twice in one call" \
    ceh attach $APP --year 2023 "$D/other.pdf" "$D/other.pdf"
like "$T/err" "are the same file \(same SHA-256\)" "says the two are the same"
store_digest > "$T/after"; same "$T/before" "$T/after" "store unchanged"
expect_code 0 "the same file in another year is fine" \
    ceh attach $APP --year 2023 "$D/证书.pdf"
expect_code 0 "another file in the same year is fine" \
    ceh attach $APP --year 2024 "$D/other.pdf"
expect_code 0 "after removing it, the file can come back" \
    ceh attach $APP --remove --year 2024 2024/1-证书.pdf
expect_code 0 "attach it again" ceh attach $APP --year 2024 "$D/copy.pdf"
LC_ALL=zh_CN.UTF-8 expect_code 4 "zh_CN: refused the same way" \
    ceh attach $APP --year 2024 "$D/copy.pdf"
like "$T/err" "已作为" "the message is in Chinese"
expect_code 0 "the history has one attached event per accepted file" \
    sh -c "ceh show $APP --format yaml | grep -c 'event: attached' | grep -qx 4"
expect_code 0 "fsck finds nothing wrong" ceh fsck
done_testing
