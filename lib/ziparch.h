/*
 * ziparch.h - reading a zip archive, read-only and bounded: the generic
 * zip reading that the .xlsx reader needs (and that bundle.c can move onto:
 * today it still calls libzip itself).  libzip stays behind this file and
 * bundle.c only.
 *
 * An archive is opened with ZIP_RDONLY|ZIP_CHECKCONS (STYLE.md Z7, Z13).
 * Entries are found by name (ASCII case ignored: OOXML part names are case
 * insensitive) and streamed in chunks; nothing is ever extracted to a path
 * built from an entry name (Z9).  Zip bombs are refused twice over:
 *   - before decompressing, an entry whose declared size is over the
 *     caller's limit, or over what is left of the archive's total budget;
 *   - while decompressing, by counting the bytes actually produced: more
 *     than declared, or more than the limit, stops the read.
 * Errors: class 1 for a file that is not a zip, a damaged archive or an
 * entry over a limit (the message names the archive and the entry),
 * class 3 for a missing file, class 5 for I/O.
 */
#ifndef CEH_ZIPARCH_H
#define CEH_ZIPARCH_H

#include <stddef.h>

struct ceh_err;
struct ziparch;

/* Open path read-only.  total is the most bytes all reads together may
 * unpack.  *out is the caller's, freed with ziparch_close. */
int ziparch_open(const char *path, unsigned long long total,
    struct ziparch **out, struct ceh_err *e);
void ziparch_close(struct ziparch *z);	/* NULL is fine */

/* Number of entries, and the name of entry i (borrowed until close; NULL
 * if the archive cannot give it). */
size_t ziparch_count(const struct ziparch *z);
const char *ziparch_name(const struct ziparch *z, size_t i);
/* Index of the entry called name (ASCII case ignored), or -1. */
long long ziparch_find(const struct ziparch *z, const char *name);
/* Declared unpacked size of entry idx; -1 (class 1) if it gives none. */
int ziparch_size(const struct ziparch *z, long long idx,
    unsigned long long *size, struct ceh_err *e);

/* Called with each chunk of an entry, in order; return -1 (e filled) to
 * stop the read, which then fails with that error. */
typedef int (*ziparch_chunk_fn)(void *arg, const char *buf, size_t len,
    struct ceh_err *e);

/* Stream entry idx through fn, at most limit bytes unpacked. */
int ziparch_stream(struct ziparch *z, long long idx, unsigned long long limit,
    ziparch_chunk_fn fn, void *arg, struct ceh_err *e);
/* The same as a pull: open entry idx (declared size checked against limit
 * and the budget first), read up to n bytes at a time (returns the count,
 * 0 at the end, -1 with e filled, including a short or overlong entry),
 * close.  The reader is the caller's; ziparch_fclose(NULL) is fine.  The
 * archive must outlive it. */
struct ziparch_file;
int ziparch_fopen(struct ziparch *z, long long idx, unsigned long long limit,
    struct ziparch_file **out, struct ceh_err *e);
long ziparch_fread(struct ziparch_file *f, char *buf, size_t n,
    struct ceh_err *e);
void ziparch_fclose(struct ziparch_file *f);

/* Read entry idx whole (at most limit bytes) into a NUL-terminated buffer
 * the caller frees; len (may be NULL) gets its size. */
int ziparch_read(struct ziparch *z, long long idx, unsigned long long limit,
    char **out, size_t *len, struct ceh_err *e);

#endif
