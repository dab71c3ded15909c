/*
 * util.h - small helpers with no domain knowledge: UTF-8 checks and
 * terminal display width, strict number parsing, time stamps, random ids.
 */
#ifndef CEH_UTIL_H
#define CEH_UTIL_H

#include <stddef.h>
#include <time.h>

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates, no NUL). */
int utf8_valid(const char *s, size_t len);
/* Number of code points; s must be valid UTF-8. */
size_t utf8_chars(const char *s);
/* Columns on a terminal: CJK and full-width forms count 2, others 1. */
size_t utf8_width(const char *s);
/* 1 if s holds a C0/C1 control character or DEL (tab and newline too). */
int has_control(const char *s);
/* The first invisible character of valid UTF-8 s that makes text display
 * as something else, or 0: U+061C (Arabic letter mark), U+200B-U+200F
 * (zero width, LRM, RLM), U+202A-U+202E (embeddings and overrides, e.g.
 * "gpj.exe" shown backwards), U+2066-U+2069 (isolates), U+FEFF.  Refused
 * in names (units, attachments) and never echoed. */
unsigned has_invisible(const char *s);
/* s, or "?" when it holds a control or invisible character: what a
 * message may echo of a rejected input. */
const char *safe_echo(const char *s);

/* The value of the line "key=VALUE" in text (lines of key=value), a
 * copy the caller frees, or NULL when there is none. */
char *text_field(const char *text, const char *key);

/* The index of the record equal to key[0..klen) among the n records of
 * width bytes at base, sorted by their first klen bytes (memcmp), or
 * (size_t)-1.  key64 gives a record's (or the key's) first 64 bits of
 * that order as a number; the records are uniform (digests), so
 * interpolation between the keys known to bound key finds it in a few
 * probes, halving after 8.  Records out of order can only be missed. */
size_t sorted_find(const void *base, size_t n, size_t width,
    const void *key, size_t klen, unsigned long long (*key64)(const void *));
/*
 * For many look-ups in one large sorted set: a directory of where each
 * of 2^bits ranges of key64 begins (about 8 records each), made in one
 * pass over the records, so that a look-up reads the directory (a few
 * hundred kB, in cache) and one range (a cache line or two) instead of
 * probing across the file.  sorted_dir_find answers as sorted_find;
 * with no directory (too few records, or none made) it is sorted_find.
 * Records out of order can only be missed.
 */
struct sorted_dir {
	unsigned bits;		/* 0: none */
	unsigned *start;	/* 2^bits + 1 entries */
};
void sorted_dir_build(struct sorted_dir *d, const void *base, size_t n,
    size_t width, unsigned long long (*key64)(const void *));
size_t sorted_dir_find(const struct sorted_dir *d, const void *base,
    size_t n, size_t width, const void *key, size_t klen,
    unsigned long long (*key64)(const void *));
/* Start fetching the range where sorted_dir_find will look for key
 * (nothing without a directory). */
void sorted_dir_prefetch(const struct sorted_dir *d, const void *base,
    size_t width, const void *key, unsigned long long (*key64)(const void *));
void sorted_dir_free(struct sorted_dir *d);

/* Parse a whole decimal integer; 0 on success, -1 if s is not one. */
int parse_long(const char *s, long *out);

/* Current time; CEH_NOW=EPOCH-SECONDS overrides it (tests only). */
time_t now(void);
/* "2026-11-27T10:54:44Z" into buf (at least 21 bytes). */
void iso_time(time_t t, char *buf, size_t size);
/* Parse the form above; -1 if malformed. */
int parse_iso_time(const char *s, time_t *out);
/* Current calendar year (UTC+8, Beijing time, as the offices use). */
int current_year(void);
/* Today's date in Beijing time as YYYYMMDD. */
long today_ymd(void);

/* Fill buf with n random bytes from getrandom(2); -1 on failure. */
int random_bytes(void *buf, size_t n);
/* Lower-case base32 (0-9a-v, sortable) of n bits of v, most significant
 * first, n a multiple of 5; writes n/5 chars plus NUL. */
void base32_bits(unsigned long long v, int nbits, char *out);

/* 1 if s equals one of the NULL-terminated list of strings. */
int str_in(const char *s, const char *const *list);

/* The folder of the running executable (/proc/self/exe without its last
 * name) into buf; -1 when it cannot be read.  Where an uninstalled ceh
 * finds its data, PDF module and message catalog. */
int exe_dir(char *buf, size_t size);

/* Write all of buf to fd, retrying short writes; -1 with errno on error. */
int write_all(int fd, const void *buf, size_t len);

/* rm -r of path, best effort, symlinks not followed: for what a command
 * made itself outside the store's commit path (a half-made site or new
 * store, a receive's quarantine). */
void rm_tree(const char *path);

#endif
