#!/bin/sh
# Readers take no lock, so a transition may move a document between the
# moment a reader finds it and the moment it reads it.  CEH_STOP stops the
# reader exactly there (SIGSTOP at a named point); the test makes the move
# and lets it go on.  show and log must find the document in its new
# folder (lib/store.c app_load), and list must show each application once
# (store_walk).
. "$(dirname "$0")/lib.sh"
plan 16
ceh init --signed >/dev/null && mk_units || exit 1
sed -i 's/required: true/required: false/' "$CEH_STORE/store.yaml"
new_draft() {
	A=$(apply_std "$1") &&
	ceh add-year $A --year 2023 --public-subject 公需课 --public-hours 30 \
	    --public-form 远程教育 >/dev/null
}
# stopped PID: wait (up to 10 s) until the process is stopped
stopped() {
	_i=0
	while [ $_i -lt 500 ]; do
		[ "$(sed 's/^.*) //' /proc/$1/stat 2>/dev/null | cut -c1)" = T ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.02
		_i=$((_i + 1))
	done
	return 1
}
# race POINT MOVE READER...: run READER stopped at POINT, run MOVE, go on;
# the reader's exit code is in $rc, its output in $T/r.out, r.err
race() {
	_point=$1 _move=$2; shift 2
	CEH_STOP=$_point "$@" >"$T/r.out" 2>"$T/r.err" &
	_pid=$!
	if stopped $_pid; then $_move >/dev/null 2>&1; _mrc=$?; else _mrc=99; fi
	kill -CONT $_pid 2>/dev/null
	wait $_pid
	rc=$?
	return $_mrc
}

new_draft $ID1
race app-after-find "ceh submit $A" ceh show $A
ok "show: the transition ran while show was stopped" test $? = 0
ok "show: found the document in its new folder (exit $rc)" test $rc = 0
like "$T/r.out" "待审核" "show: shows the new state"

race app-after-find "ceh withdraw $A" ceh log $A --format tsv
ok "log: the transition ran while log was stopped" test $? = 0
ok "log: found the document in its new folder (exit $rc)" test $rc = 0
like "$T/r.out" "	withdrawn	" "log: shows the new event"

# the walk: a document read in draft/ and then moved into review/ (a
# folder still to be walked) is listed once
race walk-after-visit "ceh submit $A" ceh list --id $ID1 --format tsv
ok "list: the transition ran while list was stopped" test $? = 0
ok "list: exit 0 (got $rc)" test $rc = 0
ok "list: the application is listed once" test "$(grep -c "^$A	" "$T/r.out")" = 1

# moved back into a folder already walked (review/ -> draft/ by a return):
# read again where it is now
new_draft $ID2
B=$A
ceh submit $B >/dev/null
race walk-after-visit "ceh review --as $EMP1 --return --reason 补材料 $B" ceh list --format tsv
ok "list: the return ran while list was stopped" test $? = 0
ok "list: exit 0 (got $rc)" test $rc = 0
ok "list: each application listed once" test "$(cut -f1 "$T/out" | sort | uniq -d | wc -l)" = 0
like "$T/r.out" "^$B	" "list: the returned one is there"

# a document gone for good between find and read is "not found", not an
# error of another kind
new_draft $ID3
C=$A
race app-after-find "rm -f $CEH_STORE/people/789/$ID3/draft/${C#*-}.yaml" ceh show $C
ok "show: the document was removed while show was stopped" test $? = 0
ok "show: not found (exit 3, got $rc)" test $rc = 3
like "$T/r.err" "no application $C" "show: says so"
done_testing
