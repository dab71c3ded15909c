/*
 * lazy.h - the libraries not every command needs, loaded on first use.
 *
 * libyaml (documents), libcsv (import), libzip (attachments, .xlsx in),
 * libxlsxwriter (.xlsx out), expat (.xlsx in), libfreexl (.xls in),
 * libqrencode (slips), nettle (SHA-256) and hogweed (Ed25519, with gmp)
 * are not linked into ceh, only libc: lazy.c defines each function of
 * theirs that ceh calls, with the prototype of the library's own header,
 * and the first call of one dlopens the library by the soname it was
 * built against (found by the Makefile, tools/soname.sh) and goes on
 * through dlsym.  libzip and libxlsxwriter bring libcrypto in (about
 * 21,000 relocations): loaded with every command they were most of the
 * start-up of `ceh --version`; nettle's and gmp's constructors ask the
 * CPU (cpuid, slow in a VM).
 *
 * A library that cannot be loaded (or lacks a function) is what a missing
 * shared library is at start-up, found at its first call instead: "ceh:
 * cannot load ...", exit 5 there, as xalloc does out of memory (through
 * exit(), so the temporary files of atomic.h are removed).  It is a
 * broken installation, not an input error: the package depends on them.
 * Thread-safe (fsck checks attachments in threads).  The stubs are not
 * exported (ceh exports only what slip-pdf.so calls back), so a library
 * that the PDF module's own libraries load (fontconfig's expat) never
 * binds to them.
 */
#ifndef CEH_LAZY_H
#define CEH_LAZY_H

/* Nothing to call: the stubs are the libraries' own functions. */

#endif
