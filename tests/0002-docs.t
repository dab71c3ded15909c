#!/bin/sh
# The manual: every page passes mandoc -Tlint -Wwarning; every command in
# `ceh help` has man/ceh-CMD.1 whose SYNOPSIS is the command's --help usage
# (compared word by word after rendering the page with mandoc); ceh.1's
# SYNOPSIS is ceh's usage and its command table names every command; every
# command appears in an example (the checklist of cmd/cmd.h).
. "$(dirname "$0")/lib.sh"
M="$CEH_ROOT/man"
ceh help > "$T/help"
cmds=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' "$T/help")
pages=$(ls "$M"/*.[1-9] 2>/dev/null)
plan $(( $(echo "$pages" | wc -w) + 2 * $(echo "$cmds" | wc -w) + 5 ))

for p in $pages; do
	mandoc -Tlint -Wwarning "$p" > "$T/lint" 2>&1
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$T/lint" ]; then _report 0 "mandoc lint: ${p##*/}"
	else _report 1 "mandoc lint: ${p##*/}"; sed 's/^/#   /' "$T/lint" | head -10; fi
done

# synopsis PAGE: the rendered SYNOPSIS, one line, words normalized
synopsis() {
	mandoc -Tutf8 -Owidth=500 "$1" | python3 -c '
import re, sys
t = re.sub(r".\x08", "", sys.stdin.read())
m = re.search(r"\nSYNOPSIS\n(.*?)\n(?=\S)", t, re.S)
print(m.group(1) if m else "")' | norm
}
# norm: one line; no space around | or inside [ ] ( ); "usage:" dropped
norm() {
	tr '\n' ' ' | sed -e 's/^ *usage: *//' -e 's/  */ /g' -e 's/ *| */|/g' \
	    -e 's/\[ /[/g' -e 's/ \]/]/g' -e 's/( /(/g' -e 's/ )/)/g' \
	    -e 's/ \.\.\./.../g' -e 's/ *$//' -e 's/^ *//'
}

for c in $cmds; do
	p="$M/ceh-$c.1"
	ceh "$c" --help > "$T/u" 2> "$T/uerr"
	if [ ! -f "$p" ]; then
		if grep -q 'not implemented' "$T/u" "$T/uerr"; then
			_report 0 "# SKIP ceh $c is not implemented yet: no page needed"
			_report 0 "# SKIP ceh $c synopsis"
		else
			_report 1 "man/ceh-$c.1 exists"
			_report 1 "ceh $c --help matches the SYNOPSIS of man/ceh-$c.1"
		fi
		continue
	fi
	_report 0 "man/ceh-$c.1 exists"
	want=$(norm < "$T/u")
	got=$(synopsis "$p")
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		_report 0 "ceh $c --help matches the SYNOPSIS of man/ceh-$c.1"
	else
		_report 1 "ceh $c --help matches the SYNOPSIS of man/ceh-$c.1"
		echo "#   --help: $want"
		echo "#   page:   $got"
	fi
done

# ceh.1: its SYNOPSIS is ceh's usage, its command table has every command
ok "ceh.1 exists" test -f "$M/ceh.1"
want=$(sed '/^$/,$d' "$T/help" | norm)
got=$(synopsis "$M/ceh.1")
if [ "$want" = "$got" ]; then _report 0 "ceh --help usage matches ceh.1 SYNOPSIS"
else _report 1 "ceh --help usage matches ceh.1 SYNOPSIS"; echo "#   help: $want"; echo "#   page: $got"; fi
missing=
for c in $cmds; do
	grep -q "^\.It Cm $c\$" "$M/ceh.1" 2>/dev/null || missing="$missing $c"
done
if [ -z "$missing" ]; then _report 0 "ceh.1 lists every command"
else _report 1 "ceh.1 lists every command (missing:$missing)"; fi
ok "ceh-store.5 exists" test -f "$M/ceh-store.5"
# every command is run by an example (directly or through the examples'
# helpers run, as USER, refused USER)
missing=
for c in $cmds; do
	grep -qE "(ceh|run|as [a-z]+|refused [a-z]+|CEH_BIN\"?)( --[a-z]+ [^ ]+)* $c( |\$)" \
	    "$CEH_ROOT"/examples/*.sh || missing="$missing $c"
done
if [ -z "$missing" ]; then _report 0 "every command appears in an example"
else _report 1 "every command appears in an example (missing:$missing)"; fi
done_testing
