#!/bin/sh
# examples/office.sh runs from a clean checkout and shows what it says:
# 30 people from a file, their years, a certificate each, a batch submit
# from stdin and batch reviews up to the final approval.
. "$(dirname "$0")/lib.sh"
plan 12
expect_code 0 "office.sh runs" env -u CEH_STORE CEH_BIN="$CEH_BIN" \
    sh "$CEH_ROOT/examples/office.sh"
cp "$T/out" "$T/all"; cat "$T/err" >> "$T/all"
like "$T/all" 'staff\.csv: 30 rows, 30 drafts created, 0 already drafts' "30 drafts from staff.csv"
like "$T/all" 'staff\.csv: 30 rows, 0 drafts created, 30 already drafts' "run again: nothing new"
like "$T/all" '^    30 drafts; the first: ' "30 ids through --no-header"
like "$T/all" 'years\.csv: 30 rows, 30 years added' "30 years from years.csv"
like "$T/all" "is already attached to year 2024 of .* same SHA-256\)" "the duplicate certificate is refused"
like "$T/all" '^\(refused, exit status 4\)$' "with exit status 4"
like "$T/all" '^ceh submit: 30 of 30 done, 0 failed$' "batch submit from stdin: all 30"
like "$T/all" '^ceh review: 30 of 30 done, 0 failed$' "batch reviews"
like "$T/all" '	returned$' "one returned"
like "$T/all" '^    approved\.tsv: 30 rows, no header line$' "all 30 approved in the end"
like "$T/all" '^430102198503122005  张立新  2024' "records --name '张*' finds 张立新"
done_testing
