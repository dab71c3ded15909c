#!/bin/sh
# examples/import.sh runs from a clean checkout and shows what it says.
. "$(dirname "$0")/lib.sh"
plan 8
expect_code 0 "import.sh runs" sh "$CEH_ROOT/examples/import.sh"
like "$T/out" 'provider-records.csv: read 12, imported 10, duplicates 0, conflicts 0, rejected 2' "the example file: 10 imported, 2 rejected"
like "$T/out" 'fixed.csv: read 2, imported 1' "the fixed rejects file imports the fixed row"
like "$T/out" 'gbk.csv: encoding gb18030' "the GB18030 copy is detected"
like "$T/out" 'gbk.csv: read 12, imported 0, duplicates 10' "and holds the same records"
like "$T/out" 'changed.csv:2: conflict' "a reused record number is a conflict"
like "$T/out" '2024 学时来源 \(imported records\): .*JX001-00000201' "show lists the provenance"
ok "the example CSV starts with a BOM and uses CRLF" sh -c "[ \"\$(head -c3 '$CEH_ROOT/examples/provider-records.csv' | od -An -tx1 | tr -d ' ')\" = efbbbf ] && head -1 '$CEH_ROOT/examples/provider-records.csv' | grep -q \"\$(printf '\\r')\""
done_testing
