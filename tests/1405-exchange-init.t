#!/bin/sh
# ceh init --site and ceh site init are whole or nothing (issue 14): a
# bad --trust file, git missing or failing, a full disk at any write, a
# crash at any atomic step leave no store at all at the path (or the
# folder as it was), never a plain, half-made one; else a whole site.
. "$(dirname "$0")/lib.sh"
plan 28
ceh key generate --unit $AGENCY >/dev/null
ceh key show --unit $AGENCY | head -1 > "$T/agency.pub"
printf 'not a key\n' > "$T/bad.pub"
# a git that runs but fails at "config" (after init made the repository)
cat > "$T/badgit" <<'SH'
#!/bin/sh
for a; do [ "$a" = config ] && { echo "fatal: no" >&2; exit 1; }; done
exec /usr/bin/git "$@"
SH
chmod +x "$T/badgit"
# whole PATH: a site there, or nothing at all
whole_or_none() { # whole_or_none PATH
	if [ -e "$1" ]; then ceh --store "$1" site show >/dev/null 2>&1; else true; fi
}

expect_code 3 "a --trust file that does not exist" ceh --store "$T/a" init --site emp --trust "$T/none.pub"
ok "no store made" test ! -e "$T/a"
expect_code 1 "a --trust file that is not a key" ceh --store "$T/a" init --site emp --trust "$T/bad.pub"
ok "no store made" test ! -e "$T/a"
expect_code 1 "a bad site name" ceh --store "$T/a" init --site -x
ok "no store made" test ! -e "$T/a"
expect_code 5 "git missing" env CEH_GIT=$T/nogit ceh --store "$T/a" init --site emp --trust "$T/agency.pub"
ok "no store made" test ! -e "$T/a"
expect_code 5 "git failing part-way" env CEH_GIT=$T/badgit ceh --store "$T/a" init --site emp --trust "$T/agency.pub"
ok "no store made, no leftover beside it" test -z "$(ls -A "$T" | grep -e '^a$' -e '^\.a\.')"
mkdir -m 700 "$T/empty"
expect_code 5 "in an empty folder, git missing" env CEH_GIT=$T/nogit ceh --store "$T/empty" init --site emp
ok "the folder still empty" test -d "$T/empty" -a -z "$(ls -A "$T/empty")"
mkdir -m 700 "$T/full" && echo keep > "$T/full/notes.txt"
expect_code 5 "in a folder with a file, git failing" env CEH_GIT=$T/badgit ceh --store "$T/full" init --site emp
ok "the folder as it was" test "$(ls -A "$T/full")" = notes.txt
expect_code 0 "then init --site works there" ceh --store "$T/full" init --site emp --trust "$T/agency.pub"
ok "a whole site" ceh --store "$T/full" site show

# ceh site init of an existing store
ceh --store "$T/plain" init >/dev/null
expect_code 5 "site init with git failing part-way" env CEH_GIT=$T/badgit ceh --store "$T/plain" site init emp
ok "no site/, no site.new left" test ! -e "$T/plain/site" -a ! -e "$T/plain/site.new"
expect_code 0 "then site init works" ceh --store "$T/plain" site init emp
ok "a whole site" ceh --store "$T/plain" site show

# an existing store made a site that is not the agency's: --trust
ceh --store "$T/plain2" init >/dev/null
expect_code 1 "site init --trust with a file that is not a key" ceh --store "$T/plain2" site init emp --trust "$T/bad.pub"
ok "no site made" test ! -e "$T/plain2/site"
expect_code 0 "site init --trust FILE" ceh --store "$T/plain2" site init emp --trust "$T/agency.pub"
expect_code 0 "site show" ceh --store "$T/plain2" site show
like "$T/out" "^anchor	$(ceh key show --unit $AGENCY | sed -n 's/^fingerprint //p')$" "its anchor is the --trust key"

# a full disk at every write, fsync and rename; a crash at every step
bad=0 n=0
for op in write fsync rename mkdir; do
	i=1
	while [ $i -le 40 ]; do
		rm -rf "$T/f"
		CEH_FAULT=$op:$i ceh --store "$T/f" init --site emp --trust "$T/agency.pub" >/dev/null 2>&1
		rc=$?
		whole_or_none "$T/f" || { bad=$((bad + 1)); echo "# $op:$i left a half store"; }
		[ $rc = 0 ] && break
		n=$((n + 1)) i=$((i + 1))
	done
done
ok "a fault at any of $n points: no store or a whole site" test $bad = 0 -a $n -gt 10
bad=0 n=0
for c in atomic-before-rename atomic-after-rename; do
	i=1
	while [ $i -le 20 ]; do
		rm -rf "$T/c"
		CEH_CRASH=$c:$i ceh --store "$T/c" init --site emp --trust "$T/agency.pub" >/dev/null 2>&1
		rc=$?
		whole_or_none "$T/c" || { bad=$((bad + 1)); echo "# crash $c:$i left a half store"; }
		[ $rc = 137 ] || break
		n=$((n + 1)) i=$((i + 1))
	done
done
ok "a crash at any of $n steps: no store or a whole site" test $bad = 0 -a $n -gt 4
ok "and init again makes it" sh -c "rm -rf '$T/c' && ceh --store '$T/c' init --site emp --trust '$T/agency.pub' >/dev/null && ceh --store '$T/c' site show >/dev/null"
done_testing
