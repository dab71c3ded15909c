#!/bin/sh
# Hostile archives put in place of the real one: show and attach --extract
# report them, nothing is written outside DIR, nothing damaged is extracted.
. "$(dirname "$0")/lib.sh"
plan 89

ceh init --unsigned >/dev/null && mk_units || exit 1
APP=$(apply_std $ID1) || exit 1
ceh add-year $APP --year 2024 --public-subject 公需 --public-hours 30 \
    --public-form 网络培训 --pro-subject 专业 --pro-hours 60 \
    --pro-form 网络培训 >/dev/null || exit 1
D="$T/files"; mkdir -p "$D"
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > "$D/a.pdf"
printf '\211PNG\r\n\032\n\0\0\0\rIHDRpng-body' > "$D/b.png"
ceh attach $APP --year 2024 "$D/a.pdf" "$D/b.png" >/dev/null || exit 1
Z=$(ls "$CEH_STORE"/people/*/$ID1/draft/*.zip)
cp "$Z" "$T/good.zip"

# mkzip MODE: write a hostile archive over $Z (python3's zipfile)
mkzip() {
	python3 - "$1" "$Z" "$D/a.pdf" "$D/b.png" <<'PY'
import sys, zipfile, struct, zlib
mode, out, a, b = sys.argv[1:5]
A = open(a, 'rb').read(); B = open(b, 'rb').read()
def write(entries, comp=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(out, 'w', comp) as z:
        for n, d in entries:
            z.writestr(n, d)
def patch_sizes(name, usize, crc=None):
    d = bytearray(open(out, 'rb').read())
    nb = name.encode()
    # local header: PK\3\4, crc at 14, usize at 22; central PK\1\2: crc 16, usize 24
    i = d.find(b'PK\x03\x04' )
    while i >= 0:
        nlen = struct.unpack('<H', d[i+26:i+28])[0]
        if d[i+30:i+30+nlen] == nb:
            struct.pack_into('<I', d, i+22, usize)
            if crc is not None: struct.pack_into('<I', d, i+14, crc)
        i = d.find(b'PK\x03\x04', i+4)
    i = d.find(b'PK\x01\x02')
    while i >= 0:
        nlen = struct.unpack('<H', d[i+28:i+30])[0]
        if d[i+46:i+46+nlen] == nb:
            struct.pack_into('<I', d, i+24, usize)
            if crc is not None: struct.pack_into('<I', d, i+16, crc)
        i = d.find(b'PK\x01\x02', i+4)
    open(out, 'wb').write(d)
E1, E2 = '2024/1-a.pdf', '2024/2-b.png'
if mode == 'traversal':
    write([(E1, A), (E2, B), ('../../evil.sh', b'#!/bin/sh\n'),
           ('/tmp/ceh-evil-abs', b'x'), ('2024/../../../evil2', b'x')])
elif mode == 'renamed':
    write([('../' + E1, A), (E2, B)])
elif mode == 'altered':
    write([(E1, A.replace(b'obj', b'OBJ')), (E2, B)])
elif mode == 'bigger':
    write([(E1, A + b'more'), (E2, B)])
elif mode == 'bomb':
    # 20 MB of zeros whose headers claim the document's size
    write([(E1, A), (E2, B + b'\0' * (20 << 20))])
    patch_sizes(E2, len(B))
elif mode == 'absurd':
    # a declared size of 4 GB - 1 for a small entry
    write([(E1, A), (E2, B)])
    patch_sizes(E2, 0xffffffff)
elif mode == 'badcrc':
    write([(E1, A), (E2, B)], zipfile.ZIP_STORED)
    patch_sizes(E1, len(A), crc=zlib.crc32(A) ^ 1)
elif mode == 'dup':
    import warnings; warnings.simplefilter('ignore')
    write([(E1, A), (E2, B), (E2, B)])
elif mode == 'missing':
    write([(E1, A)])
PY
}
# check MODE MSG REGEX: show and extract both report, nothing escapes
check() {
	cp "$T/good.zip" "$Z"
	mkzip "$1" || { echo "# mkzip $1 failed"; }
	expect_code 1 "$2: show exits 1" ceh show $APP
	like "$T/out" "$3" "$2: show names the problem"
	like "$T/err" 'damaged or tampered' "$2: show's error line"
	rm -rf "$T/x"
	expect_code 1 "$2: extract exits 1" ceh attach $APP --extract "$T/x"
	like "$T/err" "$3" "$2: extract names the problem"
	ok "$2: nothing outside DIR" sh -c "[ ! -e '$T/evil.sh' ] && [ ! -e '$CEH_STORE/evil.sh' ] && [ ! -e /tmp/ceh-evil-abs ] && [ ! -e '$T/evil2' ]"
}
check traversal "path traversal entries" "entry '\.\./\.\./evil\.sh' is not listed"
same "$T/x/2024/a.pdf" "$D/a.pdf" "traversal: the listed files are still extracted"
ok "traversal: DIR holds only the two listed files" sh -c "[ \$(find '$T/x' -type f | wc -l) = 2 ]"
check renamed "listed entry renamed to ../" "2024 attachment 'a\.pdf'.*missing from the archive"
check altered "altered content" "does not match the SHA-256"
ok "altered: the altered file is not left in DIR" test ! -e "$T/x/2024/a.pdf"
same "$T/x/2024/b.png" "$D/b.png" "altered: the intact one is extracted"
check bigger "content of another size" "size [0-9]+ in the archive, 45 in the document"
check bomb "zip bomb (20 MB behind a small declared size)" "b\.png.*(more than|damaged)"
ok "bomb: nothing large written" sh -c "[ ! -e '$T/x/2024/b.png' ]"
check absurd "absurd declared size" "damaged|size 4294967295 in the archive"
check badcrc "wrong CRC" "a\.pdf.*damaged"
check dup "entry present twice" "more than once|damaged: File already exists"
check missing "entry missing" "b\.png.*missing"
cp "$T/good.zip" "$Z"; head -c 150 "$T/good.zip" > "$Z"
expect_code 1 "truncated archive: show exits 1" ceh show $APP
like "$T/out" "damaged: " "truncated: reported as damaged"
rm -rf "$T/x"
expect_code 1 "truncated archive: extract exits 1" ceh attach $APP --extract "$T/x"
ok "truncated: nothing extracted" sh -c "[ ! -e '$T/x/2024' ]"
: > "$Z"
expect_code 1 "zero-byte archive: show exits 1" ceh show $APP
like "$T/out" "the file is empty" "zero-byte archive is damage, not 'no attachments'"
rm -f "$Z"; ln -s "$T/good.zip" "$Z"
expect_code 1 "archive replaced by a symlink: show exits 1" ceh show $APP
store_digest > "$T/before"
expect_code 5 "attach refuses to build on a damaged archive: damage in the store is exit 5" ceh attach $APP \
    --year 2024 "$D/a.pdf"
like "$T/err" 'damaged|symbolic link' "and says why"
store_digest > "$T/after"
same "$T/before" "$T/after" "store unchanged"
# every other kind of damage is refused the same way (exit 5, unchanged)
add_refused() {
	store_digest > "$T/before"
	expect_code 5 "attach to a $1 archive: exit 5" ceh attach $APP \
	    --year 2024 "$D/a.pdf"
	like "$T/err" "$2" "$1: the message says why"
	store_digest > "$T/after"
	same "$T/before" "$T/after" "$1: store unchanged"
}
rm -f "$Z"; head -c 150 "$T/good.zip" > "$Z"
add_refused truncated 'is damaged \('
: > "$Z"
add_refused empty 'damaged \(empty file\)'
cp "$T/good.zip" "$Z"; mkzip altered
add_refused altered "attachment 'a\.pdf'.*SHA-256"
rm -f "$Z"
add_refused missing 'is missing but the document lists 2'
rm -f "$Z"; cp "$T/good.zip" "$Z"
expect_code 0 "the real archive back: show is clean" ceh show $APP
# the way out of a damaged archive: remove the attachments, attach again
head -c 150 "$T/good.zip" > "$Z"
expect_code 0 "remove from an unreadable archive" ceh attach $APP --remove \
    --year 2024 a.pdf
expect_code 1 "the other one is still reported" ceh show $APP
like "$T/out" "damaged" "as damaged"
expect_code 0 "remove the last one" ceh attach $APP --remove --year 2024 b.png
ok "the damaged archive is gone" test ! -e "$Z"
expect_code 0 "attach again" ceh attach $APP --year 2024 "$D/a.pdf" "$D/b.png"
expect_code 0 "show is clean" ceh show $APP
done_testing
