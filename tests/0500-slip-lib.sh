# tests/0500-slip-lib.sh - shared set-up of the slip tests (sourced after
# lib.sh): a person ID1 with hours approved through the real workflow.
#
#   2019  30 + 60    met (Hunan and national)
#   2020  20 + 70    Hunan: not met (public < 30); national: met
#   2021  -          only in a draft: not approved, shown as 未核认
#   2022  40.5 + 60  met, with a subject that needs HTML escaping
#   2023  -          nothing at all
# The first application (2019, 2020) is approved first; the second (2022)
# later, with title level 正高级, so the person's details come from it.
export CEH_NOW=1748736000	# 2025-06-01T00:00:00Z, 08:00 in Beijing
# --unsigned: slips with the store's own codes (HMAC), and signed with
# --key where a test asks (a signed store's slips:
# tests/0815-secure-default.t)
ceh init --unsigned >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"

# yr APP YEAR PUBLIC PRO [PRO-SUBJECT]
yr() {
	ceh add-year "$1" --year "$2" --public-subject 数字产业化和产业数字化 \
	    --public-hours "$3" --public-form 远程教育 \
	    --pro-subject "${5:-建筑结构抗震新技术}" --pro-hours "$4" \
	    --pro-form 培训班 >/dev/null
}
# approve APP: employer EMP3 (first-level) then the agency
approve() {
	ceh submit "$1" >/dev/null &&
	ceh review --as $EMP3 --approve "$1" >/dev/null &&
	ceh review --as $AGENCY --approve "$1" >/dev/null
}
A1=$(apply_std $ID1 --unit $EMP3) || exit 1
yr $A1 2019 30 60 && yr $A1 2020 20 70 && approve $A1 || exit 1
CEH_NOW=$((CEH_NOW + 3600))
A2=$(apply_std $ID1 --unit $EMP3 --title-level 正高级) || exit 1
yr $A2 2022 40.5 60 'BIM<应用>&"实践"' && approve $A2 || exit 1
CEH_NOW=$((CEH_NOW + 3600))
A3=$(apply_std $ID1 --unit $EMP3) || exit 1
yr $A3 2021 30 60 || exit 1
slips() { ls "$CEH_STORE/slips" 2>/dev/null | wc -l; }
