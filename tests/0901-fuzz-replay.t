#!/bin/sh
# Every fuzz target (tests/fuzz/NAME.c), built as a plain replay binary,
# runs over its seed corpus and every crash file ever found
# (tests/fuzz/crashes/NAME/): nothing crashes, no property fails, and the
# regression files of fixed bugs stay fixed.
. "$(dirname "$0")/lib.sh"
targets=$(cd "$CEH_ROOT/tests/fuzz" && ls *.c | sed -e '/^replay\.c$/d' -e 's/\.c$//')
plan $(($(echo $targets | wc -w) * 2))
for t in $targets; do
	bin=$CEH_BUILD/fuzz/$t
	ok "$t replay binary is built" test -x "$bin"
	if [ "${CEH_VALGRIND:-0}" = 1 ]; then
		set -- valgrind -q --error-exitcode=99 --leak-check=full \
		    --errors-for-leak-kinds=definite "$bin"
	else
		set -- "$bin"
	fi
	ok "$t: corpus and past crashes replay cleanly" \
	    "$@" "$CEH_ROOT/tests/fuzz/corpus/$t" "$CEH_ROOT/tests/fuzz/crashes/$t"
	sed 's/^/# /' "$T/out"
done
done_testing
