#!/bin/sh
# stats and shortfall write files with -o like every list: xlsx (checked
# by openpyxl), the HTML page and JSON published whole; xlsx needs -o.
. "$(dirname "$0")/lib.sh"
plan 9
ceh init --unsigned >/dev/null
mk_units
expect_code 2 "stats --format xlsx without -o is a usage error" ceh stats --format xlsx
like "$T/err" "give -o FILE" "saying what to give"
expect_code 0 "stats --format xlsx -o" ceh stats --by unit --format xlsx -o "$T/s.xlsx"
ok "openpyxl reads it: a header row with 人数" /usr/bin/python3 -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
hdr = [c.value for c in ws[1]]
sys.exit(0 if "人数" in hdr else 1)' "$T/s.xlsx"
expect_code 0 "shortfall --format html -o" ceh shortfall --year 2024 --format html -o "$T/f.html"
like "$T/f.html" "<html" "the page is in the file"
ok "nothing on standard output" test ! -s "$T/out"
expect_code 0 "stats --format json -o" ceh stats --format json -o "$T/s.json"
ok "the file is JSON" /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/s.json"
done_testing
