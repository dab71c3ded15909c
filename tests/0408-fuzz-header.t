#!/bin/sh
# tests/fuzz/fuzz.h stands on its own: every fuzz target compiles without
# the build's -DFUZZ_DATADIR (fuzz.h once carried a pasted second copy of
# fuzz_store(), which then was defined twice).
. "$(dirname "$0")/lib.sh"
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || { echo "1..0 # SKIP no C compiler"; exit 0; }
set -- "$CEH_ROOT"/tests/fuzz/*.c
plan $#
for f; do
	ok "$(basename "$f") compiles without FUZZ_DATADIR" \
	    "$cc" -D_GNU_SOURCE -fsyntax-only -Wall -Werror \
	    -I"$CEH_ROOT/lib" "$f"
done
done_testing
