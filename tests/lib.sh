# tests/lib.sh - helpers for the CLI tests (TAP, run by prove).
#
# Each test file sources this, gets a fresh scratch directory $T and a
# fresh store $CEH_STORE inside it, a clean environment (every CEH_*
# variable unset but the ones set here) and `ceh` on PATH (the binary
# under test: $CEH_BIN, plain or sanitized; under CEH_VALGRIND=1 it runs
# through valgrind memcheck).
#
#   plan N                 print the TAP plan
#   ok MSG CMD...          check an arbitrary command (runs CMD; its
#                          output replaces $T/out and $T/err)
#   check MSG CMD...       the same, leaving $T/out and $T/err alone
#   expect_code N MSG CMD...   run CMD, check its exit code; its stdout
#                          is in $T/out, its stderr in $T/err
#   like FILE REGEX MSG    FILE contains a line matching REGEX (grep -E)
#   unlike FILE REGEX MSG
#   same FILE1 FILE2 MSG   files are identical
#   store_digest           prints a digest of every file in the store
#                          (names, modes and contents; the logs of the
#                          summary index, derived data, by name) to
#                          compare before and after a refused command
#   mk_units               registers a standard tree of units (see below);
#                          in a signed store each with a key in the key
#                          folder $XDG_CONFIG_HOME/ceh/keys, certified
#                          by the agency (the anchor)
set -u
unset $(env | sed -n 's/^\(CEH_[A-Z_]*\)=.*/\1/p' | grep -v -e '^CEH_BIN$' -e '^CEH_BUILD$' -e '^CEH_FS_COMPAT$' -e '^CEH_TEST_STORES$' -e '^CEH_VALGRIND$' -e '^CEH_ROOT$') 2>/dev/null
: "${CEH_BIN:?CEH_BIN must name the ceh binary}"
CEH_ROOT=${CEH_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/ceh-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
# CEH_TEST_STORES (0923): the store on another file system (a mounted
# FAT, exFAT or NTFS image), the scratch files still in $T
export CEH_STORE="${CEH_TEST_STORES:-$T}/store"
export CEH_DATADIR="$CEH_ROOT/data"
export CEH_USER=tester
# the key folder (ceh-key(1)) is the test's own, never the user's:
# mk_units puts its units' keys there
export XDG_CONFIG_HOME="$T/config"
export XDG_CACHE_HOME="$T/cache"
export LC_ALL=C.UTF-8
# the language is the locale's (ceh(1) LANGUAGE): a user's LANGUAGE must not leak in
unset LANGUAGE
# third-party leaks at exit (fontconfig, cairo: see tests/leaks.lsan)
export LSAN_OPTIONS="suppressions=$CEH_ROOT/tests/leaks.lsan"
export VALGRIND_OPTS="--suppressions=$CEH_ROOT/tests/leaks.supp"
mkdir -p "$T/bin"
if [ "${CEH_VALGRIND:-0}" = 1 ]; then
	# valgrind's own messages go to a log, not into ceh's stderr (a
	# warning such as "unhandled syscall: openat2" would otherwise fail
	# tests that check stderr); memcheck errors still exit 99, and
	# done_testing shows them
	cat > "$T/bin/ceh" <<VG
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --log-file="$T/valgrind.%p.log" "$CEH_BIN" "\$@"
VG
	chmod +x "$T/bin/ceh"
else
	ln -s "$CEH_BIN" "$T/bin/ceh"
fi
PATH="$T/bin:$PATH"
export PATH

_n=0
_failed=0
plan() { echo "1..$1"; }
_report() { # status msg
	_n=$((_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
		if [ -s "$T/err" ]; then sed 's/^/#   stderr: /' "$T/err" | head -5; fi
	fi
}
ok() { # ok MSG CMD...
	_msg=$1; shift
	if "$@" >"$T/out" 2>"$T/err"; then _report 0 "$_msg"; else _report 1 "$_msg"; fi
}
check() { # check MSG CMD...: like ok, but $T/out and $T/err stay as they are
	_msg=$1; shift
	if "$@" >"$T/check.out" 2>"$T/check.err"; then _report 0 "$_msg"
	else echo "not ok $((_n + 1)) - $_msg"; _n=$((_n + 1)); _failed=$((_failed + 1))
		sed 's/^/#   stderr: /' "$T/check.err" | head -5; fi
}
expect_code() { # expect_code N MSG CMD...
	_want=$1 _msg=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	_got=$?
	if [ "$_got" = "$_want" ]; then
		_report 0 "$_msg"
	else
		_report 1 "$_msg (exit $_got, want $_want)"
	fi
}
like() { if grep -qE -- "$2" "$1"; then _report 0 "$3"; else _report 1 "$3"; echo "#   no line matching /$2/ in:"; sed 's/^/#     /' "$1" | head -10; fi; }
unlike() { if grep -qE -- "$2" "$1"; then _report 1 "$3"; echo "#   unexpected /$2/ in:"; grep -E -- "$2" "$1" | sed 's/^/#     /' | head -5; else _report 0 "$3"; fi; }
same() { if cmp -s "$1" "$2"; then _report 0 "$3"; else _report 1 "$3"; diff "$1" "$2" | sed 's/^/#   /' | head -20; fi; }
store_digest() {
	(cd "$CEH_STORE" && find . \( -name .lock -prune \) -o -print | LC_ALL=C sort |
	while read -r f; do
		case $f in ./index/summary|./index/moved.lock) continue;; esac
		case $f in ./index/*.log) printf '%s %s derived\n' "$f" "$(stat -c %a "$f")"; continue;; esac
		if [ -f "$f" ]; then printf '%s %s\n' "$f" "$(stat -c %a "$f") $(sha256sum < "$f" | cut -c1-16)"; else printf '%s\n' "$f"; fi
	done)
}
done_testing() {
	if [ "${CEH_VALGRIND:-0}" = 1 ]; then
		for _l in "$T"/valgrind.*.log; do
			[ -s "$_l" ] || continue
			grep -qE "Invalid|uninitialised|definitely lost|Mismatched" "$_l" &&
			    sed 's/^/#   valgrind: /' "$_l" | head -40
		done
	fi
	[ "$_failed" = 0 ]
}

# Standard units: an agency for Hunan, a provincial supervisor with a
# sub-supervisor, and three employers (one under each supervisor, one
# first-level).
AGENCY=91430000MA4L00001D
SUP1=12430000MB1234567W
SUP2=11430000006123456E
EMP1=91430100MA4L12345A
EMP2=91430100MA4L222221
EMP3=91350100M000100Y43
mk_units() {
	_anchor=
	if grep -q '^trust: signed' "$CEH_STORE/store.yaml" 2>/dev/null; then
		mk_key $AGENCY &&
		_anchor=$(ceh key show --unit $AGENCY | head -1) || return 1
	fi
	ceh unit add $AGENCY --name 湖南省人力资源和社会保障厅 --kind agency --region 430000 ${_anchor:+--public-key "$_anchor"} >/dev/null &&
	ceh unit add $SUP1 --name 湖南省住房和城乡建设厅 --kind supervisor --region 439900 >/dev/null &&
	ceh unit add $SUP2 --name 省建设工程质量安全监督总站 --kind supervisor --parent $SUP1 --region 439900 >/dev/null &&
	ceh unit add $EMP1 --name 湖南建工集团有限公司 --kind employer --parent $SUP2 --region 439900 >/dev/null &&
	ceh unit add $EMP2 --name 长沙市规划设计院 --kind employer --parent $SUP1 --region 430100 >/dev/null &&
	ceh unit add $EMP3 --name 湖南某民营建筑公司 --kind employer --region 430100 >/dev/null || return 1
	[ -n "$_anchor" ] || return 0
	for _u in $SUP1 $SUP2 $EMP1 $EMP2 $EMP3; do
		certify_unit $_u || return 1
	done
}
# mk_key CODE: unit CODE's key in the key folder, made if not there yet
mk_key() {
	[ -f "$XDG_CONFIG_HOME/ceh/keys/$1.key" ] ||
	ceh key generate --unit "$1" >/dev/null
}
# certify_unit CODE: a new key for unit CODE in the key folder, certified
# by the standard agency (signed stores)
certify_unit() {
	mk_key "$1" &&
	ceh unit certify "$1" --as $AGENCY --public-key "$(ceh key show --unit "$1" | head -1)" >/dev/null
}
# Valid ID numbers for tests.
ID1=43010219850312123X
ID2=430104199001014562
ID3=430602197811307899
# apply_std ID [extra options] -> prints the new application id
apply_std() {
	_id=$1; shift
	ceh apply --id "$_id" --name 张三 --ethnicity 汉族 --unit $EMP1 \
	    --unit-nature 国有企业 --title-level 副高级 --phone 15556565656 \
	    --series 工程 --specialty 建筑学 --region 湖南省省本级 --allow-second "$@"
}
