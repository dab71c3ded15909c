#!/bin/sh
# What scripts read does not change with the language (issue 17): on the
# example store, every TSV, CSV and JSON output and the outcome column of
# batch output are byte-identical under zh_CN.UTF-8 and C, and so are the
# exit codes.  The human table and messages do change.
. "${0%/*}/lib.sh"
unset LANGUAGE
env CEH_BIN="$CEH_BIN" sh "$CEH_ROOT/examples/reports.sh" "$T/ex" > "$T/ex.log" 2>&1 ||
    { echo "Bail out! examples/reports.sh failed"; cat "$T/ex.log"; exit 1; }
export CEH_STORE="$T/ex/store"
# the demo store is signed; its units' keys are kept beside it
export XDG_CONFIG_HOME="$T/ex/store.keys"
APP=$(ceh list --format tsv | sed -n 2p | cut -f1)
ID=43010219850312123X	# the demo imports provider records for this person
n=0
for args in "list --format tsv" "list --format csv" "list --format json" \
    "list --stage 待审核 --format tsv" "list --stage review --format tsv" \
    "show $APP --format json" "log $APP --format tsv" "log $APP --format json" \
    "verify $APP" \
    "records --id $ID --format tsv" "records --id $ID --format json" \
    "unit list --format tsv" "unit list --format json" \
    "unit show 91430100MA4L12345A --format json" \
    "attach $APP --list --format json" \
    "stats --format tsv" "stats --format json" "stats --format csv" \
    "shortfall --year 2024 --format tsv" "shortfall --year 2024 --format json"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	LC_ALL=zh_CN.UTF-8 ceh $args > "$T/zh.$n" 2>/dev/null; zc=$?
	# shellcheck disable=SC2086
	LC_ALL=C ceh $args > "$T/c.$n" 2>/dev/null; cc=$?
	if [ "$zc" = "$cc" ] && cmp -s "$T/zh.$n" "$T/c.$n" && [ -s "$T/c.$n" ]; then
		_report 0 "ceh $args: the same in zh_CN and C (exit $cc)"
	else
		_report 1 "ceh $args: the same in zh_CN and C (exit $zc vs $cc)"
		diff "$T/zh.$n" "$T/c.$n" | head -5 | sed 's/^/#   /'
	fi
done
# a batch: its outcome column (id, "error N") is the same in both
# languages; the sentence after it is the user's
LC_ALL=zh_CN.UTF-8 ceh review --as 91430000MA4L00001D --approve "$APP" nosuch > "$T/zo" 2> "$T/ze"; zc=$?
LC_ALL=C ceh review --as 91430000MA4L00001D --approve "$APP" nosuch > "$T/co" 2> "$T/ce"; cc=$?
check "a refused batch: the same exit code in both ($cc)" test "$zc" = "$cc" -a "$cc" != 0
sed 's/:.*//' "$T/zo" > "$T/zo.col"; sed 's/:.*//' "$T/co" > "$T/co.col"
same "$T/zo.col" "$T/co.col" "... and the same outcome column on stdout"
like "$T/co.col" "^nosuch	error 1$" "... which says error 1 for the malformed id"
# a message the commands themselves write
LC_ALL=zh_CN.UTF-8 ceh review --approve "$APP" 2> "$T/ze"
LC_ALL=C ceh review --approve "$APP" 2> "$T/ce"
check "but the sentence follows the language" test "$(head -1 "$T/ze")" != "$(head -1 "$T/ce")"
LC_ALL=zh_CN.UTF-8 ceh log "$APP" > "$T/zt"; LC_ALL=C ceh log "$APP" > "$T/ct"
check "the human table follows the language (log's events)" test "$(sed -n 2p "$T/zt")" != "$(sed -n 2p "$T/ct")"
head -1 "$T/zt" | tr -s ' ' > "$T/zh1"; head -1 "$T/ct" | tr -s ' ' > "$T/ch1"
same "$T/zh1" "$T/ch1" "... its header the Chinese field names in both"
echo "1..$((n + 6))"
done_testing
