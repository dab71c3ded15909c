#!/bin/sh
# make install puts the catalog and the Chinese pages where gettext and
# man-db look (issue 17): `man -L zh_CN ceh-review` shows the Chinese
# page, the installed ceh speaks Chinese from the installed catalog.
. "${0%/*}/lib.sh"
plan 8
I=$T/inst
cd "$CEH_ROOT" || exit 1
# the build the suite runs (plain or SANITIZE=1), never rebuilt here
SAN=SANITIZE=0
case $CEH_BUILD in *build-san) SAN=SANITIZE=1 ;; esac
check "make install into a DESTDIR works" \
    make --no-print-directory install $SAN B="$CEH_BUILD" BIN="$CEH_BIN" DESTDIR="$I" PREFIX=/usr
cd "$T" || exit 1
ok "the catalog is installed" test -s "$I/usr/share/locale/zh_CN/LC_MESSAGES/ceh.mo"
ok "and the Chinese pages" test -s "$I/usr/share/man/zh_CN/man1/ceh-review.1"
# man-db, as a user runs it
LANG=C.UTF-8 MANPATH="$I/usr/share/man" MANWIDTH=80 man -L zh_CN ceh-review > "$T/zh" 2>"$T/err"
like "$T/zh" "审核" "man -L zh_CN ceh-review shows the Chinese page"
LANG=C.UTF-8 MANPATH="$I/usr/share/man" MANWIDTH=80 man -L en ceh-review > "$T/en" 2>"$T/err"
like "$T/en" "approve" "man -L en ceh-review the English one"
unlike "$T/en" "^ *描述" "... which is not the Chinese page"
# the installed binary and the installed catalog
LC_ALL=zh_CN.UTF-8 CEH_LOCALEDIR="$I/usr/share/locale" "$I/usr/bin/ceh" help > "$T/help" 2>&1
like "$T/help" '^  review +审核' "the installed ceh, in Chinese from the installed catalog"
LC_ALL=C CEH_LOCALEDIR="$I/usr/share/locale" "$I/usr/bin/ceh" help > "$T/help" 2>&1
like "$T/help" '^  review +approve' "... and in English under C"
done_testing
