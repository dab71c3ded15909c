/*
 * hash.h - SHA-256 and HMAC-SHA-256 (nettle), as lower-case hex (or bytes).
 * The only file that includes nettle's headers (lib/lazy.c aside).
 */
#ifndef CEH_HASH_H
#define CEH_HASH_H

#include <stddef.h>

#define SHA256_HEX_LEN 64
#define SHA256_LEN 32

/* Incremental SHA-256: hash_new, hash_update..., hash_final_hex (frees). */
struct hash_ctx;
struct hash_ctx *hash_new(void);
void hash_update(struct hash_ctx *h, const void *data, size_t len);
void hash_final_hex(struct hash_ctx *h, char out[SHA256_HEX_LEN + 1]);

/* One-shot SHA-256 of a buffer: the 32 bytes, or as hex. */
void sha256_bin(const void *data, size_t len, unsigned char out[SHA256_LEN]);
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);
/* HMAC-SHA-256 of data under key. */
void hmac_sha256_hex(const void *key, size_t keylen, const void *data,
    size_t len, char out[SHA256_HEX_LEN + 1]);
/* Compare two strings in time independent of where they differ. */
int hash_equal(const char *a, const char *b);

#endif
