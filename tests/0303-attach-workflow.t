#!/bin/sh
# Attachments and the workflow: required for submission (a store setting),
# frozen once submitted, changeable again after a return, readable and
# extractable at any stage, following the document between folders.
. "$(dirname "$0")/lib.sh"
plan 29

ceh init --signed >/dev/null && mk_units || exit 1
APP=$(apply_std $ID1) || exit 1
ceh add-year $APP --year 2024 --public-subject 公需 --public-hours 30 \
    --public-form 网络培训 --pro-subject 专业 --pro-hours 60 \
    --pro-form 网络培训 >/dev/null || exit 1
ceh add-year $APP --year 2023 --public-subject 公需 --public-hours 30 \
    --public-form 网络培训 --pro-subject 专业 --pro-hours 60 \
    --pro-form 网络培训 >/dev/null || exit 1
D="$T/files"; mkdir -p "$D"
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > "$D/a.pdf"
printf '\211PNG\r\n\032\n\0\0\0\rIHDRpng-body' > "$D/b.png"
P="$CEH_STORE/people/123/$ID1"

store_digest > "$T/before"
expect_code 1 "submit without attachments is refused" ceh submit $APP
like "$T/err" 'attachment' "the message names attachments"
store_digest > "$T/after"
same "$T/before" "$T/after" "store unchanged"
ceh attach $APP --year 2024 "$D/a.pdf" >/dev/null
expect_code 1 "one year still without attachments is refused" ceh submit $APP
like "$T/err" '2023' "naming the year"
ceh attach $APP --year 2023 "$D/b.png" >/dev/null
expect_code 0 "submit with one attachment per year" ceh submit $APP
ok "the archive moved with the document" sh -c "ls '$P'/review/*.zip && ! ls '$P'/draft/*.zip" 
expect_code 0 "show in review verifies the archive" ceh show $APP
like "$T/out" '2023  b\.png' "lists it"

store_digest > "$T/before"
expect_code 4 "attach after submission is refused" ceh attach $APP \
    --year 2024 "$D/b.png"
like "$T/err" 'only change while it is a draft' "frozen"
expect_code 4 "remove after submission is refused" ceh attach $APP \
    --remove --year 2024 a.pdf
store_digest > "$T/after"
same "$T/before" "$T/after" "store unchanged"
expect_code 0 "list works in review" ceh attach $APP --list
expect_code 0 "extract works in review (for the reviewer)" ceh attach $APP \
    --extract "$T/x"
same "$T/x/2024/a.pdf" "$D/a.pdf" "extracted in review"

expect_code 0 "the employer returns it" ceh review --as $EMP1 --return \
    --reason 附件不清晰 $APP
ok "archive back in draft" sh -c "ls '$P'/draft/*.zip"
expect_code 0 "a returned application can change its attachments" \
    ceh attach $APP --year 2024 "$D/b.png"
expect_code 0 "and remove them" ceh attach $APP --remove --year 2024 a.pdf
expect_code 0 "show after the return" ceh show $APP
expect_code 0 "submit again" ceh submit $APP
expect_code 0 "approve at every level" sh -c "ceh review --as $EMP1 --approve $APP && ceh review --as $SUP2 --approve $APP && ceh review --as $SUP1 --approve $APP && ceh review --as $AGENCY --approve $APP"
ok "approved: archive next to it" sh -c "ls '$P'/approved/*.zip"
expect_code 4 "frozen when approved" ceh attach $APP --year 2024 "$D/a.pdf"
expect_code 0 "extract when approved" ceh attach $APP --extract "$T/y"
expect_code 0 "fsck is clean" ceh fsck
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
APP2=$(apply_std $ID2) || exit 1
ceh add-year $APP2 --year 2024 --public-subject 公需 --public-hours 30 \
    --public-form 网络培训 --pro-subject 专业 --pro-hours 60 \
    --pro-form 网络培训 >/dev/null || exit 1
expect_code 0 "with attachments.required false, submit needs none" \
    ceh submit $APP2
expect_code 0 "and show has no archive to check" ceh show $APP2
done_testing
