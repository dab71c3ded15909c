#!/bin/sh
# Tampered evidence does not pass the workflow: submit and every approval
# (single and batch, forwarding and final) check the archive against the
# document first; a zip bomb, a truncated or an altered archive is exit 5
# saying the evidence is damaged, and the store is byte-identical.  A
# reviewer can still return or reject such an application.
. "$(dirname "$0")/lib.sh"
plan 23
ceh init --signed >/dev/null && mk_units || echo "# setup failed"
grep -q '^  required: true$' "$CEH_STORE/store.yaml" || echo "# attachments not required?"
D="$T/files"; mkdir -p "$D"
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > "$D/a.pdf"
# new_app ID: a draft of year 2024 with a.pdf attached; prints its id
new_app() {
	_a=$(apply_std "$1") &&
	ceh add-year $_a --year 2024 --pro-subject 专业 --pro-hours 90 \
	    --pro-form 网络培训 >/dev/null &&
	ceh attach $_a --year 2024 "$D/a.pdf" >/dev/null && echo $_a
}
zip_of() { ls "$CEH_STORE"/people/*/"${1%%-*}"/*/"${1#*-}.zip"; }
# plant MODE APP: replace the application's archive (keeping a copy)
plant() {
	_z=$(zip_of "$2")
	[ -e "$T/good-$2.zip" ] || cp "$_z" "$T/good-$2.zip"
	python3 - "$1" "$_z" "$D/a.pdf" <<'PY' || echo "# plant $1 failed"
import sys, zipfile, struct
mode, out, a = sys.argv[1:4]
A = open(a, 'rb').read()
E = '2024/1-a.pdf'
if mode == 'truncated':
    d = open(out, 'rb').read()
    open(out, 'wb').write(d[:len(d) // 2])
    sys.exit(0)
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr(E, A.replace(b'obj', b'OBJ') if mode == 'altered' else A)
if mode == 'bomb':
    # the headers declare 4 GiB - 1 bytes for the entry
    d = bytearray(open(out, 'rb').read())
    i = d.find(b'PK\x03\x04'); struct.pack_into('<I', d, i + 22, 0xffffffff)
    i = d.find(b'PK\x01\x02'); struct.pack_into('<I', d, i + 24, 0xffffffff)
    open(out, 'wb').write(d)
PY
}
restore() { cp "$T/good-$1.zip" "$(zip_of "$1")"; }
# refused CMD...: exit 5, the message, the store unchanged
refused() {
	_what=$1; shift
	store_digest > "$T/before"
	expect_code 5 "$_what: exit 5" "$@"
	like "$T/err" "the evidence of [^ ]+ is damaged" "$_what: says the evidence is damaged"
	store_digest > "$T/after"
	same "$T/before" "$T/after" "$_what: the store is unchanged"
}

A=$(new_app $ID1)
plant bomb $A
expect_code 1 "setup: show reports the bomb" ceh show $A
refused "submit with a 4 GiB bomb" ceh submit $A
like "$T/err" "nothing was changed" "... and that nothing was changed"
plant truncated $A
refused "submit with a truncated archive" ceh submit $A
restore $A
expect_code 0 "submit with the archive restored" ceh submit $A

plant truncated $A
refused "single approve (forwarding) with a truncated archive" ceh review --as $EMP1 --approve $A
restore $A
for u in $EMP1 $SUP2 $SUP1; do ceh review --as $u --approve $A >/dev/null; done
plant altered $A
refused "final approve at the agency with altered content" ceh review --as $AGENCY --approve $A
like "$T/out" "^$A	" "batch output names the application"
expect_code 0 "the agency can still return it" ceh review --as $AGENCY --return --reason 附件损坏 $A
restore $A

B=$(new_app $ID2); C=$(new_app $ID3)
ceh submit $B >/dev/null; ceh submit $C >/dev/null
plant bomb $B
store_digest > "$T/before"
expect_code 5 "batch approve: exit 5 (the highest class)" ceh review --as $EMP1 --approve $B $C
like "$T/out" "^$B	.*evidence of $B is damaged" "batch: the bombed application is refused"
like "$T/out" "^$C	forwarded to $SUP2" "batch: the intact one is forwarded"
ceh show $B --format json > "$T/b.json" 2>/dev/null
like "$T/b.json" "\"waiting_at\": \"$EMP1\"" "batch: the bombed one still waits at the employer"
restore $B
expect_code 0 "batch approve after the restore" ceh review --as $EMP1 --approve $B
expect_code 0 "fsck is clean at the end" ceh fsck
done_testing
