#!/bin/sh
# examples/spreadsheets.sh (a 30-person office from spreadsheets) runs
# from a clean checkout and shows what it says.
. "$(dirname "$0")/lib.sh"
plan 9
expect_code 0 "spreadsheets.sh runs" env -u CEH_STORE CEH_BIN="$CEH_BIN" \
    sh "$CEH_ROOT/examples/spreadsheets.sh"
like "$T/out" 'staff-draft.xlsx: sheet 名单 row 8: 民族' "a bad row named by sheet and row"
like "$T/out" 'staff-draft.xlsx: 2 of 30 rows refused; no draft created' "nothing created while a row is bad"
like "$T/out" 'staff.xlsx: 30 rows, 30 drafts created, 0 already drafts' "30 drafts"
like "$T/out" 'staff.xlsx: 30 rows, 0 drafts created, 30 already drafts' "a re-run creates nothing"
like "$T/out" 'years.xlsx: 30 rows, 30 years added' "30 year rows"
like "$T/out" 'provider.xlsx: read 30, imported 30, duplicates 0, conflicts 0, rejected 0' "the provider's workbook imported"
like "$T/out" 'list.xlsx: 30 rows; 430102198503121002 str' "the list workbook keeps IDs as text"
like "$T/out" '^"=""430102198503121002""",张工,2024,' "csv-excel keeps the ID as text"
done_testing
