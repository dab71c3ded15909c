/*
 * records_priv.h - what the records store (records.c) shares with its
 * import engine (records_import.c).  No other module includes it: the
 * public contracts are records.h and records_import.h.
 *
 * It holds the store's formats that both sides read or write:
 *   - the shard functions: a person's shard is a hash of the ID number,
 *     a record key's shard a hash of (培训机构, 记录编号); the hashes are
 *     stored in the key index, so they are the same on every machine;
 *   - the TSV escaping of a stored record (tab, newline, CR, backslash)
 *     and the record line itself (rec_line);
 *   - the state file (records/state: the committed size of every shard)
 *     and the reading of a shard's committed part;
 *   - the key index (SS.key: 24-byte entries, two key hashes and a
 *     content hash, little-endian) and its in-memory table.
 * The small hashing and number helpers are inline here: the import calls
 * them for every row.
 */
#ifndef CEH_RECORDS_PRIV_H
#define CEH_RECORDS_PRIV_H

#include "escape.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csvimport.h"
#include "records.h"
#include "xalloc.h"

#define REC_NFIELDS 11		/* fields of a stored record */
#define REC_NONE UINT32_MAX

/* murmur3's finaliser: FNV's low bits alone make a poor table index */
static inline uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* A fast 64-bit hash of n bytes, 8 at a time (little-endian loads, so
 * the values - stored in the key index - are the same on every machine).
 * seed and mul give independent functions: H1 and H2. */
static inline uint64_t
hash64(const void *v, size_t n, uint64_t seed, uint64_t mul)
{
	const unsigned char *p = v;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL), w;
	size_t i;

	for (; n >= 8; n -= 8, p += 8) {
		w = (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
		    (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
		    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
		h = (h ^ w) * mul;
		h ^= h >> 29;
	}
	w = 0;
	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	h = (h ^ w) * mul;
	return mix64(h);
}

#define H1 0x243f6a8885a308d3ULL, 0xff51afd7ed558ccdULL
#define H2 0x13198a2e03707344ULL, 0xc4ceb9fe1a85ec53ULL

/* The person shard of an ID number. */
static inline unsigned
shard_of(const char *id)
{
	return (unsigned)(hash64(id, IDNUM_LEN, H1) >> 56) &
	    (REC_SHARDS - 1);
}

static inline void
shard_name(unsigned sh, char out[8])
{
	snprintf(out, 8, "%02x.tsv", sh);
}

/* The key shard of a record key's first hash. */
static inline unsigned
key_shard(uint64_t k1)
{
	return (unsigned)(k1 >> 56) & (REC_SHARDS - 1);
}

static inline void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Append v in decimal (sb_addf is too slow for every row). */
static inline void
sb_addl(struct sbuf *b, long v)
{
	char d[24];
	int i = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	do
		d[i++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		d[i++] = '-';
	sb_grow(b, (size_t)i);
	while (i > 0)
		b->buf[b->len++] = d[--i];
	b->buf[b->len] = '\0';
}

/* ---- TSV (records.c) ---- */

/* Fields are escaped by tsv_put and split by tsv_split (escape.h). */
/* The first 9 fields of a stored record (证件号码 .. 记录编号), escaped,
 * without the import number, the source and the newline. */
void rec_line(struct sbuf *b, const struct hour_record *r);

/* ---- the state file and the shards (records.c) ---- */

struct rstate {
	long imports;
	long long size[REC_SHARDS];	/* person shards SS.tsv */
	long long ksize[REC_SHARDS];	/* key shards SS.key */
};

/* Read records/state (recfd -1 or no state: all zero).  A state that is
 * not understood is damage (class 5). */
int rec_state_read(int recfd, struct rstate *st, struct ceh_err *e);
/* Replace records/state (atomic_write): the commit point. */
int rec_state_write(int recfd, const struct rstate *st, struct ceh_err *e);
/* The records directory: its fd, -1 with e filled, or -1 with class 3
 * when there is none and create is 0. */
int rec_dir(struct store *s, int create, struct ceh_err *e);
/* ceh_fail_errno for the file records/NAME: -1. */
int rec_path_fail(struct ceh_err *e, const char *name);
/* The committed part (size bytes) of shard sh, NUL-terminated; caller
 * frees.  A shard shorter than that is damage (class 5). */
int rec_shard_load(int recfd, unsigned sh, long long size, char **out,
    struct ceh_err *e);

/* ---- the key index (records.c) ---- */

#define KENT_BYTES 24		/* k1 k2 ch, 8 bytes each */

/* Record keys (培训机构, 记录编号) as two independent 64-bit hashes, with
 * the content hash of the record. */
struct kent {
	uint64_t k1, k2, ch;
};

/* An open-addressing table of key entries; zeroed is empty. */
struct ktab {
	struct kent *v;
	size_t n, cap;
	uint32_t *slot;
	size_t nslot;
};

void rec_key_hash(const char *provider, const char *recid, uint64_t *k1,
    uint64_t *k2);
struct kent *ktab_get(const struct ktab *t, uint64_t k1, uint64_t k2);
void ktab_add(struct ktab *t, uint64_t k1, uint64_t k2, uint64_t ch);
void ktab_reset(struct ktab *t);
void ktab_free(struct ktab *t);
/* The committed part of key shard sh (size bytes, a whole number of
 * entries; 0: *out NULL), caller frees.  Damage is class 5. */
int rec_keys_raw(int recfd, unsigned sh, long long size, unsigned char **out,
    struct ceh_err *e);
/* Read the committed part of key shard sh into t; *count (may be NULL)
 * gets the number of entries added to, *dups (may be NULL) how many keys
 * appear twice.  Damage is class 5. */
int rec_keys_load(int recfd, unsigned sh, long long size, struct ktab *t,
    long *count, long *dups, struct ceh_err *e);

#endif
