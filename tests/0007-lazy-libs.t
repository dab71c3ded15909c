#!/bin/sh
# The libraries not every command needs (lib/lazy.h: libyaml, libcsv, libzip, libxlsxwriter,
# expat, libfreexl, libqrencode, nettle, libsodium) are not linked: ceh
# loads each on the first call of one of its functions.  A library that
# cannot be loaded then is a clear system error (5) that leaves the store
# as it was, and a command that does not need it never notices.
. "$(dirname "$0")/lib.sh"
plan 10
if command -v ldd >/dev/null 2>&1; then
	ldd "$CEH_BIN" > "$T/ldd" 2>&1
	unlike "$T/ldd" "libyaml|libcsv|libzip|libxlsxwriter|libexpat|libfreexl|libqrencode|libnettle|libsodium|libhogweed|libcrypto|libgmp" "ceh links none of them (nor libcrypto, which libzip brings)"
else
	_report 0 "# SKIP no ldd"
fi
soname=$(sed -n 's/^#define SONAME_zip "\(.*\)"$/\1/p' "$CEH_BUILD/gen/sonames.h")
ok "the build names libzip's soname" test -n "$soname"
ceh init --unsigned >/dev/null && mk_units || exit 1
APP=$(apply_std $ID1) || exit 1
ceh add-year $APP --year 2024 --public-subject 公需 --public-hours 30 \
    --public-form 网络培训 --pro-subject 专业 --pro-hours 60 \
    --pro-form 网络培训 >/dev/null || exit 1
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > "$T/证书.pdf"
# a library of that soname without libzip's functions, found first
mkdir -p "$T/fake"
printf 'int ceh_fake_zip;\n' > "$T/fake.c"
ok "a fake libzip builds" cc -shared -fPIC -Wl,-soname,"$soname" \
    -o "$T/fake/$soname" "$T/fake.c"
before=$(store_digest)
expect_code 0 "show needs no libzip" env LD_LIBRARY_PATH="$T/fake" \
    "$CEH_BIN" show $APP
expect_code 5 "attach without a usable libzip is a system error" \
    env LD_LIBRARY_PATH="$T/fake" "$CEH_BIN" attach $APP --year 2024 \
    "$T/证书.pdf"
like "$T/err" "^ceh: cannot load the library $soname: .*reinstall" "the message names the library"
after=$(store_digest)
ok "the store is as it was" test "$before" = "$after"
ok "no archive" sh -c "! ls '$CEH_STORE'/people/*/$ID1/*/*.zip 2>/dev/null | grep -q ."
expect_code 0 "with the real one, attach works" ceh attach $APP --year 2024 "$T/证书.pdf"
ok "and the archive is there" sh -c "ls '$CEH_STORE'/people/*/$ID1/*/*.zip >/dev/null 2>&1"
done_testing
