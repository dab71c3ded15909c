#!/bin/sh
# The Makefile: the default target builds and never installs; `make
# install` installs the binary, the PDF module, the man pages and the code
# lists under DESTDIR.  (A broken edit once turned the install rule into a
# second default rule, so every `make` wrote into /usr/local.)
. "$(dirname "$0")/lib.sh"
plan 6
cd "$CEH_ROOT" || exit 1
make -n B="$T/b" all > "$T/all" 2>&1
ok "make -n all works" test -s "$T/all"
unlike "$T/all" "^install " "the default target installs nothing"
make -n B="$T/b" install DESTDIR="$T/inst" PREFIX=/usr > "$T/inst.log" 2>&1
like "$T/inst.log" "^install -m 755 .*/ceh $T/inst/usr/bin/ceh$" "install puts the binary under DESTDIR"
like "$T/inst.log" "slip-pdf.so $T/inst/usr/lib/ceh/slip-pdf.so$" "and the PDF module"
like "$T/inst.log" "man/\*\.1 $T/inst/usr/share/man/man1/" "and the man pages"
like "$T/inst.log" "data/codes/\*\.yaml $T/inst/usr/share/ceh/codes/" "and the code lists"
done_testing
