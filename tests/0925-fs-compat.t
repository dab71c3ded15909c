#!/bin/sh
# The fallbacks for file systems without hard links or without
# renameat2(RENAME_NOREPLACE) (FAT32, exFAT, SMB; ntfs-3g and FUSE 2),
# forced everywhere by the test-only switch CEH_FS_COMPAT: the workflow,
# attachment, crash and power-loss tests run again under each forced mode
# and must pass as they do natively.
#   FS_COMPAT_MODES   the modes (default "nolink nolink,norename2")
#   FS_COMPAT_TESTS   the test files (default: a set that passes through
#                     every commit path; FS_COMPAT_TESTS=all for the
#                     workflow, attachment, crash and fault tests)
. "$(dirname "$0")/lib.sh"
if [ "${CEH_VALGRIND:-0}" = 1 ]; then
	echo "1..0 # SKIP under valgrind (reruns other tests)"
	exit 0
fi
modes=${FS_COMPAT_MODES:-"nolink nolink,norename2"}
tests=${FS_COMPAT_TESTS:-"0201-submit-withdraw 0204-batch-review 0206-crash-fsck 0302-attach-crash 0920-power-loss 0926-fs-fallbacks"}
if [ "$tests" = all ]; then
	tests="0101-apply 0201-submit-withdraw 0202-review-chain 0204-batch-review 0206-crash-fsck 0300-attach 0302-attach-crash 0303-attach-workflow 0501-print-slip 0902-crash-torture 0903-fault-injection 0920-power-loss 0926-fs-fallbacks"
fi
set -- $modes
nm=$#
set -- $tests
plan $((nm * $#))
for m in $modes; do
	for t in $tests; do
		f=$CEH_ROOT/tests/$t.t
		CEH_FS_COMPAT=$m POWERLOSS_CYCLES=${POWERLOSS_CYCLES:-20} \
		    TORTURE_ROUNDS=${TORTURE_ROUNDS:-15} sh "$f" > "$T/sub.out" 2>&1
		rc=$?
		bad=$(grep -c '^not ok' "$T/sub.out")
		ran=$(grep -c '^ok' "$T/sub.out")
		if [ $rc = 0 ] && [ "$bad" = 0 ]; then
			_report 0 "CEH_FS_COMPAT=$m $t: $ran passed"
		else
			_report 1 "CEH_FS_COMPAT=$m $t: exit $rc, $bad failed"
			grep -A3 '^not ok' "$T/sub.out" | head -12 | sed 's/^/#   /'
		fi
	done
done
done_testing
