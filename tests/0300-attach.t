#!/bin/sh
# ceh attach: add, list, extract, remove, and every refusal of a file.
. "$(dirname "$0")/lib.sh"
plan 118

ceh init --unsigned >/dev/null && mk_units || exit 1
APP=$(apply_std $ID1) || exit 1
ceh add-year $APP --year 2024 --public-subject 公需 --public-hours 30 \
    --public-form 网络培训 --pro-subject 专业 --pro-hours 60 \
    --pro-form 网络培训 >/dev/null || exit 1
ceh add-year $APP --year 2023 --public-subject 公需 --public-hours 30 \
    --public-form 网络培训 --pro-subject 专业 --pro-hours 60 \
    --pro-form 网络培训 >/dev/null || exit 1
D="$T/files"; mkdir -p "$D"
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > "$D/证书.pdf"
printf '\211PNG\r\n\032\n\0\0\0\rIHDRpng-body' > "$D/scan.png"
printf '\377\330\377\340\0\020JFIFjpeg-body' > "$D/photo.jpg"
ZIP() { ls "$CEH_STORE"/people/*/$ID1/$1/*.zip 2>/dev/null; }

# --- adding ---
expect_code 0 "attach three files to 2024" ceh attach $APP --year 2024 \
    "$D/证书.pdf" "$D/scan.png" "$D/photo.jpg"
like "$T/out" '^2024/1-证书\.pdf$' "prints the entry of the pdf"
like "$T/out" '^2024/3-photo\.jpg$' "and of the jpeg"
ok "the archive is next to the document" test -f "$(ZIP draft)"
ok "the archive is not world-readable" sh -c "[ \$(stat -c %a '$(ZIP draft)') = 600 ]"
# zipinfo (Info-ZIP, not libzip) reads the mode stored with each entry:
# the store's 0600, not libzip's default 0666
zipinfo "$(ZIP draft)" > "$T/zipinfo" 2>&1
like "$T/zipinfo" '^-rw------- .* 2024/1-' "zipinfo: entries are stored with mode 0600"
unlike "$T/zipinfo" '^-rw-rw-rw-' "zipinfo: no entry is 0666"
mkdir -p "$D/v2"	# another file of the same name (the same file twice is refused)
printf '%%PDF-1.4\n2 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > "$D/v2/证书.pdf"
expect_code 0 "the same name again in the same year" ceh attach $APP \
    --year 2024 "$D/v2/证书.pdf"
like "$T/out" '^2024/4-证书\.pdf$' "gets its own entry"
expect_code 0 "--name gives the display name" ceh attach $APP --year 2023 \
    --name 继续教育证明.pdf "$D/scan.png"
like "$T/out" '^2023/1-继续教育证明\.pdf$' "entry uses the display name"

# --- listing ---
expect_code 0 "--list" ceh attach $APP --list
like "$T/out" '^2024 +证书\.pdf +2024/1-证书\.pdf +[0-9]+ +application/pdf' "table row for the pdf"
like "$T/out" 'image/png' "png typed by content"
like "$T/out" 'image/jpeg' "jpeg typed by content"
like "$T/out" '^2023 +继续教育证明\.pdf .*image/png' "display name kept, type from content"
expect_code 0 "--list --format tsv" ceh attach $APP --list --format tsv
cp "$T/out" "$T/tsv"
ok "tsv: header plus five rows" sh -c "[ \$(wc -l < '$T/tsv') = 6 ]"
SHA=$(sha256sum < "$D/scan.png" | cut -c1-64)
like "$T/tsv" "	$SHA	" "tsv holds the SHA-256 of the file"
expect_code 0 "--list --year 2023 --format json" ceh attach $APP --list \
    --year 2023 --format json
like "$T/out" '"name": "继续教育证明\.pdf"' "json names the attachment"
unlike "$T/out" '"year": "2024"' "only 2023 listed"
expect_code 0 "show lists them" ceh show $APP
like "$T/out" '2024  photo\.jpg' "show: attachment line"
unlike "$T/out" '^  !' "show: no problem reported"
expect_code 0 "show --format json" ceh show $APP --format json
like "$T/out" '"entry": "2024/2-scan\.png"' "show json: entry"
ceh show $APP --format yaml > "$T/doc.yaml"
like "$T/doc.yaml" 'event: attached' "history records attached"

# --- extracting ---
expect_code 0 "--extract writes the files" ceh attach $APP --extract "$T/x"
same "$T/x/2024/证书.pdf" "$D/证书.pdf" "pdf extracted byte for byte"
same "$T/x/2024/证书 (2).pdf" "$D/v2/证书.pdf" "repeated name gets (2)"
same "$T/x/2023/继续教育证明.pdf" "$D/scan.png" "display name used for output"
same "$T/x/2024/photo.jpg" "$D/photo.jpg" "jpeg extracted"
like "$T/out" "^$T/x/2024/scan\.png\$" "prints what it wrote"
expect_code 4 "extracting again refuses to overwrite" ceh attach $APP \
    --extract "$T/x"
like "$T/err" 'exists; refusing to overwrite' "says so"
expect_code 0 "--extract --year" ceh attach $APP --extract "$T/y" --year 2023
ok "only that year" sh -c "[ -d '$T/y/2023' ] && [ ! -e '$T/y/2024' ]"
mkdir -p "$T/z"; ln -s /tmp "$T/z/2024"
expect_code 4 "a symlinked year folder in DIR is refused" ceh attach $APP \
    --extract "$T/z"
ok "nothing written through it" test ! -e /tmp/photo.jpg

# --- refusals: nothing changes ---
refuse() { # refuse CODE MSG REGEX ARGS...
	_c=$1 _m=$2 _r=$3; shift 3
	store_digest > "$T/before"
	expect_code "$_c" "$_m" ceh attach $APP "$@"
	like "$T/err" "$_r" "$_m: message"
	store_digest > "$T/after"
	same "$T/before" "$T/after" "$_m: store unchanged"
}
printf 'not a pdf at all' > "$D/fake.pdf"
refuse 1 "wrong type by content with a .pdf name" \
    'not a PDF, JPEG or PNG' --year 2024 "$D/fake.pdf"
: > "$D/empty.pdf"
refuse 1 "zero-byte file" 'not a PDF, JPEG or PNG' --year 2024 "$D/empty.pdf"
ln -s "$D/证书.pdf" "$D/link.pdf"
refuse 1 "symbolic link" 'symbolic link' --year 2024 "$D/link.pdf"
mkdir "$D/dir.pdf"
refuse 1 "directory" 'a directory' --year 2024 "$D/dir.pdf"
refuse 1 "one bad file refuses the whole call" 'not a PDF' --year 2024 \
    "$D/证书.pdf" "$D/fake.pdf"
mkfifo "$D/fifo.pdf"
refuse 1 "a FIFO (not opened for long)" 'a special file' --year 2024 \
    "$D/fifo.pdf"
refuse 1 "a device" 'a special file' --year 2024 /dev/null
refuse 3 "a missing file" "not found" --year 2024 "$D/nope.pdf"
refuse 1 "a right-to-left override in the name" 'invisible' --year 2024 \
    --name "$(printf 'x\342\200\256fdp.exe')" "$D/证书.pdf"
refuse 3 "missing year row" 'no year 2022' --year 2022 "$D/证书.pdf"
refuse 1 "--name ../x" "contains '/'" --year 2024 --name ../x "$D/证书.pdf"
refuse 1 "--name /etc/x" "contains '/'" --year 2024 --name /etc/x "$D/证书.pdf"
refuse 1 "--name with a newline" 'control character' --year 2024 \
    --name "$(printf 'a\nb')" "$D/证书.pdf"
refuse 1 "--name .hidden" 'starts with a dot' --year 2024 --name .hidden \
    "$D/证书.pdf"
refuse 1 "--name a\\b" "contains '/' or" --year 2024 --name 'a\b' \
    "$D/证书.pdf"
cp "$D/证书.pdf" "$D/.hidden.pdf"
refuse 1 "a file named .hidden.pdf" 'starts with a dot' --year 2024 \
    "$D/.hidden.pdf"
# keep this last in the refusals: it changes the settings
sed -i 's/max_file_bytes: [0-9]*/max_file_bytes: 40/' "$CEH_STORE/store.yaml"
refuse 1 "over max_file_bytes" 'too large' --year 2024 "$D/证书.pdf"
sed -i 's/max_file_bytes: [0-9]*/max_file_bytes: 20971520/; s/max_total_bytes: [0-9]*/max_total_bytes: 200/' "$CEH_STORE/store.yaml"
refuse 1 "over max_total_bytes" 'over the limit of 200' --year 2024 "$D/证书.pdf"
sed -i 's/max_total_bytes: [0-9]*/max_total_bytes: 104857600/' "$CEH_STORE/store.yaml"

# --- removing ---
refuse 1 "removing an ambiguous name asks for the entry" 'give the entry' \
    --remove --year 2024 证书.pdf
refuse 3 "removing an unknown name" "no attachment 'nope.pdf'" \
    --remove --year 2024 nope.pdf
expect_code 0 "remove by entry" ceh attach $APP --remove --year 2024 \
    2024/4-证书.pdf
expect_code 0 "remove by display name" ceh attach $APP --remove --year 2024 \
    scan.png
expect_code 0 "list after removing" ceh attach $APP --list --format tsv
unlike "$T/out" 'scan\.png|2024/4-' "removed ones are gone"
ok "archive holds exactly what the document lists" sh -c "python3 -c \"
import zipfile,sys; print('\\n'.join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))\" '$(ZIP draft)' > '$T/names'"
printf '2023/1-继续教育证明.pdf\n2024/1-证书.pdf\n2024/3-photo.jpg\n' > "$T/want"
same "$T/names" "$T/want" "archive entries"
expect_code 0 "show is clean after removals" ceh show $APP
ceh attach $APP --remove --year 2024 证书.pdf >/dev/null &&
ceh attach $APP --remove --year 2024 photo.jpg >/dev/null &&
ceh attach $APP --remove --year 2023 继续教育证明.pdf >/dev/null
ok "removing the last attachment removes the archive" test -z "$(ZIP draft)"
expect_code 0 "show without attachments" ceh show $APP
like "$T/out" '^  \(none\)' "no attachments"
expect_code 0 "extract without attachments writes nothing" ceh attach $APP \
    --extract "$T/none"
expect_code 0 "attach again after everything was removed" ceh attach $APP \
    --year 2024 "$D/photo.jpg"
like "$T/out" '^2024/1-photo\.jpg$' "numbering starts again"

# --- usage ---
expect_code 2 "no --year" ceh attach $APP "$D/photo.jpg"
expect_code 2 "no file" ceh attach $APP --year 2024
expect_code 2 "--list with --remove" ceh attach $APP --list --remove
expect_code 0 "--help" ceh attach --help
like "$T/out" '^usage: ceh attach APP --year YEAR' "usage on stdout"
done_testing
