#!/bin/sh
# The Chinese manual (man/zh_CN): every page is a translation of the English
# page of the same name in man/ and keeps its skeleton: it passes mandoc
# -Tlint -Wwarning, and at -Wall says nothing the English page does not say
# too (line numbers aside); it has the same .Dt, the same names in NAME and
# a description, the same SYNOPSIS source, the same set of options (the
# arguments of every Fl macro) and the same number of sections (.Sh); and
# rendered by mandoc it is no wider than the English page (or 80 columns):
# mandoc breaks lines only at blanks, so a long run of Chinese with no
# blank would stick out of the terminal.
. "$(dirname "$0")/lib.sh"
M="$CEH_ROOT/man"
pages=$(cd "$M/zh_CN" 2>/dev/null && ls *.[1-9] 2>/dev/null)
plan $(( 1 + 7 * $(echo $pages | wc -w) ))
check "man/zh_CN holds pages" test -n "$pages"

# lint PAGE: mandoc -Tlint -Wall, one message a line without file, line and
# column, sorted, unique (the state of mandoc.db is not the page's)
lint() {
	mandoc -Tlint -Wall "$1" 2>&1 | grep -v 'mandoc\.db' |
	    sed -e 's/^mandoc: [^:]*:[0-9]*:[0-9]*: //' -e 's/ ([0-9]* times)$//' |
	    LC_ALL=C sort -u
}
# facts PAGE: what must be the same in both languages, one fact a line
facts() {
	mandoc -Ttree "$1" | python3 -c '
import re, sys
lines = sys.stdin.read().split("\n")
names, opts, nsec, sec, nd, seen = [], set(), 0, None, False, set()
for i, l in enumerate(lines):
    m = re.match(r"^( *)(\S+) \((elem|block|head|body|text)\)", l)
    if not m:
        continue
    ind, what, kind = len(m.group(1)), m.group(2), m.group(3)
    if what == "Sh" and kind == "block":
        nsec += 1
        sec = re.match(r"^ *(.*) \(text\)", lines[i + 2]).group(1) if "(text)" in lines[i + 2] else ""
    if what == "Nm" and kind in ("elem", "head") and sec == "NAME":
        for k in lines[i + 1:]:
            t = re.match(r"^( *)(.*) \(text\)", k)
            if not t or len(t.group(1)) <= ind:
                break
            names.append(t.group(2))
    if what == "Nd" and kind == "body" and "(text)" in lines[i + 1]:
        nd = True
    if what == "Fl" and kind == "elem":
        # after a delimiter mandoc goes on with the same Fl (same line and
        # column) for every further word: keep those that are options
        pos = re.search(r"\d+:\d+", l).group(0)
        again = pos in seen
        seen.add(pos)
        args = []
        for k in lines[i + 1:]:
            t = re.match(r"^( *)(.*) \(text\)", k)
            if not t or len(t.group(1)) <= ind:
                break
            args.append(t.group(2))
        for a in args or [""]:
            if not again or a.startswith("-"):
                opts.add("-" + a.rstrip(".,:;)"))
print("names:", " ".join(names))
print("description:", "yes" if nd else "none")
print("sections:", nsec)
for o in sorted(opts):
    print("option:", o)
'
}
# width PAGE: the widest rendered line, in terminal columns
width() {
	LC_ALL=C.UTF-8 mandoc -Tutf8 "$1" | python3 -c '
import re, sys, unicodedata
w = 0
for l in sys.stdin.read().split("\n"):
    l = re.sub(r".\x08", "", l)
    w = max(w, sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l))
print(w)'
}
synopsis() { awk '/^\.Sh /{ s = ($2 == "SYNOPSIS") } s' "$1"; }

for n in $pages; do
	zh="$M/zh_CN/$n" en="$M/$n"
	mandoc -Tlint -Wwarning "$zh" > "$T/lint" 2>&1
	if [ $? = 0 ] && ! grep -v 'mandoc\.db' "$T/lint" | grep -q .; then _report 0 "$n: mandoc -Tlint -Wwarning clean"
	else _report 1 "$n: mandoc -Tlint -Wwarning clean"; sed 's/^/#   /' "$T/lint" | head -10; fi
	if [ -f "$en" ]; then lint "$en" > "$T/en.lint"; else : > "$T/en.lint"; fi
	lint "$zh" > "$T/zh.lint"
	LC_ALL=C comm -13 "$T/en.lint" "$T/zh.lint" > "$T/extra"
	if [ ! -s "$T/extra" ]; then _report 0 "$n: -Wall says nothing the English page does not"
	else _report 1 "$n: -Wall says nothing the English page does not"; sed 's/^/#   /' "$T/extra" | head -10; fi
	check "$n: has an English original" test -f "$en"
	if [ -f "$en" ]; then
		grep '^\.Dt' "$en" > "$T/en.dt"; grep '^\.Dt' "$zh" > "$T/zh.dt"
		same "$T/en.dt" "$T/zh.dt" "$n: same .Dt"
		facts "$en" > "$T/en.facts"; facts "$zh" > "$T/zh.facts"
		same "$T/en.facts" "$T/zh.facts" "$n: same NAME, sections and options"
		synopsis "$en" > "$T/en.syn"; synopsis "$zh" > "$T/zh.syn"
		same "$T/en.syn" "$T/zh.syn" "$n: same SYNOPSIS"
		we=$(width "$en") wz=$(width "$zh")
		[ "$we" -ge 80 ] || we=80
		check "$n: rendered no wider than $we columns (is $wz)" test "$wz" -le "$we"
	else
		for _i in 1 2 3 4; do _report 1 "$n: no English original"; done
	fi
done
done_testing
