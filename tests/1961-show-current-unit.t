#!/bin/sh
# ceh show says where the person works now after `ceh transfer` (issue
# 18): a 现单位 line under 单位 when the person moved away from the
# application's employer, and current_unit / current_unit_name /
# transfers_error in --format json (the application's unit when nobody
# moved, or when the transfers do not check, as the reports count them).
. "$(dirname "$0")/lib.sh"
plan 12
ceh init >/dev/null && mk_units || exit 1
A=$(ceh apply --id $ID1 --name 张三 --ethnicity 汉族 --unit $EMP1 \
    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
    --series 工程 --specialty 建筑学 --region 湖南省省本级) || exit 1
ceh add-year $A --year 2023 --public-subject 公需课 --public-hours 30 --public-form 远程教育 --pro-subject 专业课 --pro-hours 60 --pro-form 培训班 >/dev/null
printf '%%PDF-1.4 evidence\n' > "$T/ev.pdf"; ceh attach $A --year 2023 "$T/ev.pdf" >/dev/null
ceh submit $A >/dev/null 2>&1 || exit 1
expect_code 0 "show before a transfer" ceh show $A
unlike "$T/out" "现单位" "no 现单位 line: the person works at the application's unit"
ceh show $A --format json > "$T/j0"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["current_unit"], d["current_unit_name"] or "-", d["transfers_error"] or "-", d["applicant"]["unit"])' "$T/j0" > "$T/f0"
like "$T/f0" "^$EMP1 .+ - $EMP1\$" "json: current_unit is the application's unit, no error"
expect_code 0 "transfer to EMP3" ceh transfer $ID1 --to $EMP3
expect_code 0 "show after the transfer" ceh show $A
like "$T/out" "^  单位 +.* $EMP1\$" "单位 is still the application's employer"
like "$T/out" "^  现单位 +湖南某民营建筑公司 $EMP3\$" "现单位 names the new employer"
ceh show $A --format json > "$T/j1"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["current_unit"], d["current_unit_name"], d["transfers_error"] or "-", d["applicant"]["unit"])' "$T/j1" > "$T/f1"
like "$T/f1" "^$EMP3 湖南某民营建筑公司 - $EMP1\$" "json: current_unit and its name, the applicant's unit unchanged"
# a forged record moves nobody: show says so
rec=$(ls "$CEH_STORE"/people/*/$ID1/transfers.log)
sed -i "s/^to=$EMP3\$/to=$EMP2/" "$rec"
expect_code 0 "show with a forged transfer" ceh show $A
unlike "$T/out" "现单位 +.*$EMP2" "the forged unit is not shown"
like "$T/out" "^  现单位 +.*ceh fsck" "says the transfers do not check"
ceh show $A --format json > "$T/j2"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["current_unit"], "err" if d["transfers_error"] else "-")' "$T/j2" > "$T/f2"
like "$T/f2" "^$EMP1 err\$" "json: the application's unit and the error"
done_testing
