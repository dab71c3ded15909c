#!/bin/sh
# Unit names with invisible text-direction or format characters (U+202E
# and its kin) are refused by `unit add` and by the units.yaml loader,
# and no message echoes them raw; attachment names use the same check.
. "$(dirname "$0")/lib.sh"
plan 20
ceh init --unsigned >/dev/null && mk_units || echo "# setup failed"
store_digest > "$T/before"
NEW=91430100MA4L33333R
for cp in 202E:342200256 202A:342200252 2066:342201246 2069:342201251 \
    200E:342200216 200F:342200217 061C:330234; do
	oct=${cp#*:} cp=${cp%:*}
	ch=$(printf "$(echo "$oct" | sed 's/\(...\)/\\\1/g')")
	expect_code 1 "unit add refuses U+$cp in --name" \
	    ceh unit add $NEW --name "某单位${ch}gpj.exe" --kind employer --parent $SUP1
done
like "$T/err" 'name contains an invisible direction or format character \(U\+061C\)' \
    "the message names the code point"
check "no refusal echoed an override character" sh -c "! grep -q \"\$(printf '\\342\\200\\256')\" '$T/err'"
store_digest > "$T/after"
same "$T/before" "$T/after" "the store is unchanged"
RLO=$(printf '\342\200\256')
expect_code 1 "a unit code with U+202E is refused" ceh unit add "9143${RLO}0100MA4L3333" --name x --kind employer
check "... and not echoed raw" sh -c "! grep -q '$RLO' '$T/err'"
like "$T/err" "'\?'" "... shown as '?'"
expect_code 1 "an --region with U+202E is refused" ceh unit add $NEW --name x --kind employer --region "湖南${RLO}省"
check "... and not echoed raw" sh -c "! grep -q '$RLO' '$T/err'"

# a units.yaml edited by hand: the loader refuses the name, naming the line
sed -i "s/^  name: 长沙市规划设计院\$/  name: 长沙市${RLO}院计设划规/" "$CEH_STORE/units.yaml"
ok "units.yaml now holds an override (setup)" grep -q "$RLO" "$CEH_STORE/units.yaml"
expect_code 1 "unit list refuses to load it" ceh unit list
like "$T/err" 'units.yaml:[0-9]+: unit name contains an invisible direction or format character \(U\+202E\)' \
    "naming the file, the line and the code point"
check "... without echoing the name" sh -c "! grep -q '$RLO' '$T/err'"
expect_code 1 "fsck reports it too" ceh fsck
done_testing
