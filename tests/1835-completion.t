#!/bin/sh
# Shell completion (issue 18): completion/ceh.bash driven as bash drives
# it (COMP_WORDS, COMP_CWORD, then COMPREPLY): commands, the options of
# each command, subcommands, option choices, unit codes of the store
# (also one named by --store), stage names (each one `ceh list --stage`
# accepts), application ids; completion/_ceh passes `zsh -n` where zsh is
# installed; `make install` installs both.
. "$(dirname "$0")/lib.sh"
plan 35
F="$CEH_ROOT/completion/ceh.bash"
# comp WORD...: the completions of the last word, one a line, sorted
comp() {
	bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; _ceh; printf "%s\n" "${COMPREPLY[@]}"' "$F" "$@" | sed '/^$/d' | LC_ALL=C sort
}
has() { # has MSG WORD WORDS...: WORD is among the completions of WORDS
	_m=$1 _w=$2; shift 2
	comp "$@" > "$T/c"
	if grep -qxF -- "$_w" "$T/c"; then _report 0 "$_m"; else _report 1 "$_m"; sed 's/^/#   got: /' "$T/c" | head -20; fi
}
ok "bash -n" bash -n "$F"
ceh init --unsigned >/dev/null && mk_units || exit 1
A=$(apply_std $ID1)

comp ceh '' > "$T/cmds"
LC_ALL=C ceh --help | awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }' | LC_ALL=C sort > "$T/want"
echo help >> "$T/want"; LC_ALL=C sort -o "$T/want" "$T/want"
same "$T/cmds" "$T/want" "every command, and help"
has "a prefix: su -> submit" submit ceh su
check "... and nothing that does not start so" test "$(comp ceh su)" = submit
has "global options first" --operator ceh --
has "the options of a command: add-year --replace" --replace ceh add-year x --re
has "... --public-hours" --public-hours ceh add-year x --pub
has "-o where a command has it" -o ceh log x -
has "global options after the command name too" --store ceh list --st
has "subcommands of unit" certify ceh unit ''
has "subcommands of key" generate ceh key g
has "choices of --format" csv-excel ceh log x --format c
has "choices of --kind" supervisor ceh unit add C --kind s
has "unit codes for --unit" $EMP1 ceh list --unit ''
has "unit codes for review --as" $AGENCY ceh review --as 9143
has "review --next: unit codes and agency" agency ceh review --as $EMP1 --approve --next ''
has "unit show CODE" $SUP1 ceh unit show 1243
check "no unit codes for a free-text value (--name)" test -z "$(comp ceh unit add C --name '')"
# the stages, each one ceh list accepts
comp ceh list --stage '' > "$T/st"
has "--stage offers the stages" waiting_agency ceh list --stage w
bad=
for s in $(cat "$T/st"); do ceh list --stage "$s" >/dev/null 2>&1 || bad="$bad $s"; done
check "every stage offered is one ceh list --stage accepts" test -z "$bad" -a "$(wc -l < "$T/st")" -ge 8
has "application ids once part is typed" "$A" ceh show 4301
has "file names for -o" "$T/cmds" ceh log x -o "$T/cm"
# a store named on the line is the one asked
mkdir "$T/other" && CEH_STORE="$T/other/s" ceh init --unsigned >/dev/null &&
    CEH_STORE="$T/other/s" ceh unit add 91430100MA4L99999E --name 另一家 --kind employer --region 430100 >/dev/null 2>&1
check "(a second store with its own unit)" test $? = 0
has "--store DIR before the command: its units" 91430100MA4L99999E ceh --store "$T/other/s" list --unit 9143
has "--store DIR after the command name: its units" 91430100MA4L99999E ceh list --store "$T/other/s" --unit 9143
check "... and not the other store's" test -z "$(comp ceh list --store "$T/other/s" --unit 1243)"
# zsh
# zsh: the function run with compadd and _files stubbed to print what they
# are given (zsh itself then filters by the typed prefix)
zc() {
	zsh -c 'compadd() { if [[ $1 == -a ]]; then shift; for n; do print -l -- ${(P)n}; done; else [[ $1 == -- ]] && shift; print -l -- "$@"; fi }; _files() { print FILES }; words=("$@"); CURRENT=$#; source "$0"' "$CEH_ROOT/completion/_ceh" "$@" 2>&1
}
if command -v zsh >/dev/null 2>&1; then
	ok "zsh -n completion/_ceh" zsh -n "$CEH_ROOT/completion/_ceh"
	zc ceh '' > "$T/z"; check "zsh: every command" sh -c "LC_ALL=C sort '$T/z' | cmp -s - '$T/want'"
	zc ceh unit '' > "$T/z"; check "zsh: subcommands" grep -qx certify "$T/z"
	zc ceh review --as $EMP1 --approve --next '' > "$T/z"; check "zsh: unit codes and agency" sh -c "grep -qx $AGENCY '$T/z' && grep -qx agency '$T/z'"
	zc ceh list --stage '' > "$T/z"; check "zsh: stages" sh -c "LC_ALL=C sort '$T/z' | cmp -s - '$T/st'"
	zc ceh add-year x --re > "$T/z"; check "zsh: options of the command" grep -qx -- --replace "$T/z"
else
	for _i in 1 2 3 4 5 6; do _n=$((_n + 1)); echo "ok $_n # skip zsh not installed"; done
fi
check "_ceh is a zsh completion function for ceh" sh -c "head -1 '$CEH_ROOT/completion/_ceh' | grep -qx '#compdef ceh'"
# make install puts both where the shells look
if [ -f "$CEH_ROOT/Makefile" ] && [ -x "$CEH_ROOT/ceh" ]; then
	make -s -C "$CEH_ROOT" install-completion PREFIX=/usr DESTDIR="$T/root" >/dev/null 2>&1
	check "make install-completion: bash" test -f "$T/root/usr/share/bash-completion/completions/ceh"
	check "make install-completion: zsh" test -f "$T/root/usr/share/zsh/site-functions/_ceh"
else
	_n=$((_n + 1)); echo "ok $_n # skip no Makefile"
	_n=$((_n + 1)); echo "ok $_n # skip no Makefile"
fi
done_testing
