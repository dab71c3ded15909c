#!/bin/sh
# Times (issue 18): stored in UTC; human tables (log, attach --list, show's
# text) show them in the display zone with the offset -- TZ when set, else
# the store's display.timezone, else the system's; TSV, CSV and JSON keep
# the stored ISO 8601 UTC form ("Z" is the offset) whatever the zone.
. "$(dirname "$0")/lib.sh"
plan 21
ceh init --unsigned >/dev/null && mk_units || exit 1
ok "a new store says display.timezone Asia/Shanghai" grep -qx '  timezone: Asia/Shanghai' "$CEH_STORE/store.yaml"
unset TZ
# 2026-01-31T08:00:00Z = 16:00 in Beijing
A=$(CEH_NOW=1769846400 apply_std $ID1)
printf '%%PDF-1.4 x\n' > "$T/c.pdf"
CEH_NOW=1769846400 ceh add-year $A --year 2024 --public-subject 公需课 --public-hours 30 --public-form 远程教育 >/dev/null
CEH_NOW=1769846400 ceh attach $A --year 2024 "$T/c.pdf" >/dev/null
ok "log" ceh log $A
like "$T/out" '^2026-01-31 16:00:00 \+08:00  created' "the table shows Beijing time from the store's setting"
ok "log with TZ=UTC" env TZ=UTC ceh log $A
like "$T/out" '^2026-01-31 08:00:00 \+00:00  created' "TZ wins over the store's setting"
ok "log with TZ=America/New_York" env TZ=America/New_York ceh log $A
like "$T/out" '^2026-01-31 03:00:00 -05:00  created' "a negative offset"
ok "attach --list" ceh attach $A --list
like "$T/out" '2026-01-31 16:00:00 \+08:00$' "attach --list shows the added time in the zone"
for f in tsv csv; do
	ok "log --format $f" env TZ=Asia/Tokyo ceh log $A --format $f
	like "$T/out" '^2026-01-31T08:00:00Z[	,]created' "$f keeps the stored UTC time"
done
ok "log --format json" env TZ=Asia/Tokyo ceh log $A --format json
like "$T/out" '"at": "2026-01-31T08:00:00Z"' "JSON keeps the stored UTC time"
ok "show --format json" ceh show $A --format json
check "show's JSON keeps created in UTC" grep -q '"created": "2026-01-31T08:00:00Z"' "$T/out"
# a store without the setting: the system's zone (TZ here)
sed -i '/^display:/d; /^  timezone:/d' "$CEH_STORE/store.yaml"
ok "no setting, TZ=Asia/Kolkata" env TZ=Asia/Kolkata ceh log $A
like "$T/out" '^2026-01-31 13:30:00 \+05:30  created' "without the setting, the system's zone"
# a bad zone name is refused like any bad setting
printf 'display:\n  timezone: ../../etc/passwd\n' >> "$CEH_STORE/store.yaml"
expect_code 1 "a path as display.timezone is refused" ceh log $A
like "$T/err" "display.timezone must be a zone name" "the message names the setting"
done_testing
