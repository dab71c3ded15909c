#!/bin/sh
# The message catalog (issue 17): every message of the sources marked
# for translation and translated, the catalog clean for msgfmt, and the
# language chosen by the locale as documented in ceh(1) LANGUAGE.
. "${0%/*}/lib.sh"
plan 15
R=$CEH_ROOT
PY=/usr/bin/python3

# po/POTFILES: the sources whose messages are all marked - every one
(cd "$R" && ls cmd/*.c lib/*.c lib/plugin/*.c) | LC_ALL=C sort > "$T/sources"
LC_ALL=C sort "$R/po/POTFILES" > "$T/potfiles"
check "po/POTFILES lists every source file (a new one is scanned too)" \
    sh -c "LC_ALL=C comm -23 '$T/sources' '$T/potfiles' | sed 's/^/#   not in po\/POTFILES: /' >&2; test -z \"\$(LC_ALL=C comm -23 '$T/sources' '$T/potfiles')\""
ok "no unmarked user-facing string in the files of po/POTFILES" \
    $PY "$R/tools/i18n-scan.py" $(sed "s|^|$R/|" "$R/po/POTFILES")
# the scanner is not blind: an unmarked message is found
cat > "$T/bad.c" <<'C'
static int f(struct ceh_err *e) {
	return ceh_fail(e, 1, "the year %d is not valid", 3);
}
C
expect_code 1 "the scanner finds an unmarked ceh_fail message" \
    $PY "$R/tools/i18n-scan.py" "$T/bad.c"
like "$T/out" 'bad.c:2: the year %d is not valid' "... naming file and line"
sed -i 's/"the year %d is not valid"/_("the year %d is not valid")/' "$T/bad.c"
ok "... and not a marked one" $PY "$R/tools/i18n-scan.py" "$T/bad.c"
# ... nor blind to the helpers that print a report's lines (fsck's)
cat > "$T/say.c" <<'C'
static void f(struct repair_report *rep, const char *p) {
	say(rep, "%s: not a file of ceh (left alone)", p);
	problem(f, 0, "queues/%s: stale entry", p);
}
C
expect_code 1 "the scanner finds an unmarked say() and problem() line" \
    $PY "$R/tools/i18n-scan.py" "$T/say.c"
check "... both" test "$(grep -c 'say.c:[23]:' "$T/out")" = 2

# every message xgettext finds in the sources is in the catalog, translated
xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kQ_:1,2 --no-location \
    -o "$T/ceh.pot" $(ls "$R"/lib/*.c "$R"/cmd/*.c "$R"/lib/plugin/*.c) 2>"$T/err"
check "xgettext reads the sources" test -s "$T/ceh.pot"
msgmerge -q --no-location -o "$T/merged.po" "$R/po/zh_CN.po" "$T/ceh.pot" 2>"$T/err"
LC_ALL=C msgfmt --check --statistics -o /dev/null "$T/merged.po" 2>"$T/stat"
unlike "$T/stat" 'untranslated|fuzzy' "every message of the sources has its translation"
LC_ALL=C msgfmt --check --statistics -o /dev/null "$R/po/zh_CN.po" 2>"$T/stat"
unlike "$T/stat" 'untranslated|fuzzy|error' "po/zh_CN.po: msgfmt --check, 0 untranslated, 0 fuzzy"

# the locale decides
unset LANGUAGE
LC_ALL=zh_CN.UTF-8 ceh help > "$T/zh" 2>&1
like "$T/zh" '^  review +审核' "zh_CN.UTF-8: the command list in Chinese"
LC_ALL=C ceh help > "$T/c" 2>&1
like "$T/c" '^  review +approve, reject or return' "C: in English"
LC_ALL=en_US.UTF-8 ceh help > "$T/en" 2>&1
same "$T/c" "$T/en" "en_US.UTF-8: the same English"
# a zh_CN locale the system lacks: UTF-8 text handling, Chinese messages
mkdir -p "$T/nolocales"
LOCPATH="$T/nolocales" LC_ALL=zh_CN.UTF-8 ceh help > "$T/missing" 2>&1
same "$T/zh" "$T/missing" "zh_CN.UTF-8 missing on the system: still Chinese, nothing garbled"
LC_ALL=en_US.UTF-8 LANGUAGE=zh_CN ceh help > "$T/lang" 2>&1
same "$T/zh" "$T/lang" "LANGUAGE=zh_CN over an English locale: Chinese"
done_testing
