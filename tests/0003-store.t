#!/bin/sh
# The store: where it is (--store, $CEH_STORE, the XDG default), and
# malformed store files, each refused with the file named and the store
# left byte-identical.
. "$(dirname "$0")/lib.sh"
plan 112

# --- location ------------------------------------------------------------
mkdir -p "$T/home"
expect_code 0 "init with no configuration at all" \
    env -u CEH_STORE -u XDG_DATA_HOME HOME="$T/home" ceh init --unsigned
like "$T/out" "^$T/home/.local/share/ceh\$" "init prints the store path"
ok "default store is ~/.local/share/ceh" test -f "$T/home/.local/share/ceh/store.yaml"
ok "directories it made are private" \
    sh -c "[ \$(stat -c %a '$T/home/.local') = 700 ]"
expect_code 0 "the default store is used by other commands" \
    env -u CEH_STORE -u XDG_DATA_HOME HOME="$T/home" ceh unit add $AGENCY --name 人社厅 --kind agency
ok "unit went into the default store" grep -q $AGENCY "$T/home/.local/share/ceh/units.yaml"
expect_code 0 "XDG_DATA_HOME moves the default" \
    env -u CEH_STORE XDG_DATA_HOME="$T/xdg" HOME="$T/home" ceh init --unsigned
ok "store at \$XDG_DATA_HOME/ceh" test -f "$T/xdg/ceh/store.yaml"
expect_code 0 "CEH_STORE beats XDG_DATA_HOME" \
    env CEH_STORE="$T/env" XDG_DATA_HOME="$T/xdg" ceh init --unsigned
ok "store at \$CEH_STORE" test -f "$T/env/store.yaml"
expect_code 0 "--store beats CEH_STORE" \
    env CEH_STORE="$T/env" ceh --store "$T/opt" init --unsigned
ok "store at --store" test -f "$T/opt/store.yaml"
expect_code 0 "unit add through --store" \
    env CEH_STORE="$T/env" ceh --store "$T/opt" unit add $SUP1 --name 住建厅 --kind supervisor
ok "went to the --store store only" sh -c "grep -q $SUP1 '$T/opt/units.yaml' && ! grep -q $SUP1 '$T/env/units.yaml'"
expect_code 3 "--store naming no store: not found" ceh --store "$T/nowhere" list
like "$T/err" "no store at '$T/nowhere'.*ceh init" "says where and to run ceh init"
mkdir "$T/empty"
expect_code 3 "a directory without store.yaml is not a store" ceh --store "$T/empty" unit list
like "$T/err" "not a ceh store" "and says so"
expect_code 2 "--store without a value" ceh --store
expect_code 2 "--wait needs a number of seconds" ceh --wait soon list
like "$T/err" "--wait needs a number of seconds, not 'soon'" "says so"
expect_code 2 "--wait is at most a day" ceh --wait 86401 list
expect_code 0 "help mentions the default" ceh help
like "$T/out" 'XDG_DATA_HOME' "help names XDG_DATA_HOME"

# --- a store to break ----------------------------------------------------
ceh init --unsigned >/dev/null
mk_units
A=$(apply_std $ID1)
B=$(apply_std $ID2 --name 李四)
S=$CEH_STORE
cp "$S/store.yaml" "$T/store.yaml.good"
cp "$S/units.yaml" "$T/units.yaml.good"

# store.yaml of a newer format
sed -i 's/^format: 1$/format: 2/' "$S/store.yaml"
store_digest > "$T/before"
for c in "list" "unit list" "show $A" "apply_std $ID3" "add-year $A --year 2024 --pro-subject x --pro-hours 60 --pro-form 培训班" "edit $A --name 王五"; do
	case $c in apply_std*) expect_code 4 "newer store format: $c refused (4)" $c ;;
	*) expect_code 4 "newer store format: ceh $c refused (4)" ceh $c ;; esac
done
like "$T/err" "store.yaml: store format 2 is newer than this ceh" "message names store.yaml and the format"
expect_code 4 "init does not overwrite it" ceh init
store_digest > "$T/after"
same "$T/before" "$T/after" "store byte-identical"
cp "$T/store.yaml.good" "$S/store.yaml"

# store.yaml with an unknown key, with broken YAML, missing, a symlink
printf 'anual_total: 90\n' >> "$S/store.yaml"
expect_code 1 "unknown key in store.yaml refused" ceh list
like "$T/err" "store.yaml:[0-9]+: unknown field 'anual_total'" "naming the key and the line"
printf 'format: 1\nrules: {annual_total: 90\n' > "$S/store.yaml"
expect_code 1 "broken store.yaml refused" ceh unit list
like "$T/err" "store.yaml:" "naming store.yaml"
rm "$S/store.yaml"
ln -s "$T/store.yaml.good" "$S/store.yaml"
expect_code 1 "a symlinked store.yaml is not followed" ceh list
like "$T/err" "symbolic link" "saying so"
rm "$S/store.yaml"
cp "$T/store.yaml.good" "$S/store.yaml"

# broken units.yaml
printf -- '- stray\n' >> "$S/units.yaml"
store_digest > "$T/before"
expect_code 1 "broken units.yaml: unit list refused" ceh unit list
like "$T/err" "units.yaml:[0-9]+:[0-9]+:" "naming units.yaml with the place"
expect_code 1 "broken units.yaml: apply refused" apply_std $ID3
expect_code 1 "broken units.yaml: unit add refused" ceh unit add $EMP2 --name x --kind employer
store_digest > "$T/after"
same "$T/before" "$T/after" "store byte-identical"
cp "$T/units.yaml.good" "$S/units.yaml"

# a corrupt application
fa=$(ls "$S"/people/*/$ID1/draft/*.yaml)
cp "$fa" "$T/good.yaml"
printf 'applicant: [\n' >> "$fa"
store_digest > "$T/before"
expect_code 1 "show of a corrupt application refused" ceh show $A
like "$T/err" "people/.*/$ID1/draft/.*\.yaml:[0-9]+:[0-9]+:" "naming the file and place"
expect_code 1 "list skips it and exits 1" ceh list --format tsv
like "$T/out" "^$B	" "the good application is still listed"
unlike "$T/out" "^$A" "the corrupt one is not"
like "$T/err" "skipped: people/.*$ID1/draft/" "a warning names the file"
expect_code 1 "add-year refuses to touch it" ceh add-year $A --year 2024 --pro-subject x --pro-hours 60 --pro-form 培训班
store_digest > "$T/after"
same "$T/before" "$T/after" "store byte-identical"

# hostile application documents: each refused naming the file, nothing
# changed
cp "$T/good.yaml" "$fa"
hostile() { # hostile CODE MSG SED-SCRIPT | -  (- : content from stdin)
	_code=$1 _msg=$2
	if [ "$3" = - ]; then cat > "$fa"; else sed "$3" "$T/good.yaml" > "$fa"; fi
	store_digest > "$T/before"
	expect_code "$_code" "hostile document: $_msg" ceh show $A
	like "$T/err" "people/.*/$ID1/draft/${A#*-}\.yaml" "$_msg: the file is named"
	expect_code "$_code" "$_msg: edit refused too" ceh edit $A --name 王五
	store_digest > "$T/after"
	same "$T/before" "$T/after" "$_msg: store byte-identical"
	cp "$T/good.yaml" "$fa"
}
hostile 4 "a newer document format" 's/^format: 1$/format: 9/'
hostile 1 "an alias" 's/^  name: .*/  name: *n/'
hostile 1 "an anchor" 's/^  name: \(.*\)/  name: \&n \1/'
hostile 1 "a tag" 's/^  name: \(.*\)/  name: !!binary \1/'
hostile 1 "a duplicate key" 's/^  name: \(.*\)/  name: \1\n  name: 王五/'
hostile 1 "an unknown key" 's/^stage: draft$/stage: draft\nowner: me/'
hostile 1 "a wrong type" 's/^revision: .*/revision: [1]/'
hostile 1 "a second document" '$a ---\nformat: 1'
hostile 1 "deep nesting" 's/^  remark: .*/  remark: [[[[[[[[[[x]]]]]]]]]]/'
hostile 1 "invalid UTF-8" "s/^  name: .*/  name: $(printf '\325\305')/"
hostile 1 "a NUL byte" 's/^  name: .*/  name: a\x00b/'

# a document copied under another name is not taken for that application
fake="${fa%/*}/0000000000000000000a.yaml"
cp "$T/good.yaml" "$fake"
expect_code 1 "a document under a name that is not its id" ceh show $ID1-0000000000000000000a
like "$T/err" "0000000000000000000a\.yaml: its id .* does not match the file name" "says so, naming the file"
rm "$fake"

# a FIFO planted as a document does not hang readers
mkfifo "${fa%/*}/0000000000000000000b.yaml"
expect_code 1 "list skips a FIFO instead of blocking on it" ceh list --format tsv
like "$T/err" "0000000000000000000b\.yaml.* is not a regular file" "naming it"
rm "${fa%/*}/0000000000000000000b.yaml"

# an interrupted write (CEH_FAULT) fails with 5 and leaves nothing behind
for fault in write:1 fsync:1 rename:1; do
	store_digest > "$T/before"
	expect_code 5 "add-year with CEH_FAULT=$fault: system error" \
	    env CEH_FAULT=$fault ceh add-year $B --year 2024 --pro-subject x --pro-hours 60 --pro-form 培训班
	store_digest > "$T/after"
	same "$T/before" "$T/after" "CEH_FAULT=$fault: store byte-identical, no temp file"
done
fault_apply() { (export CEH_FAULT=$1; apply_std $ID3); }
for fault in write:1 link:1; do
	store_digest > "$T/before"
	expect_code 5 "apply with CEH_FAULT=$fault: system error" fault_apply $fault
	store_digest > "$T/after"
	check "CEH_FAULT=$fault: no application file" sh -c "! find '$S/people' -name '*.yaml' -path '*$ID3*' | grep -q ."
done
store_digest > "$T/before"
expect_code 5 "unit add with CEH_FAULT=write:1" env CEH_FAULT=write:1 ceh unit add 91430100MA4L33333R --name x --kind employer
store_digest > "$T/after"
same "$T/before" "$T/after" "units.yaml untouched"
done_testing
