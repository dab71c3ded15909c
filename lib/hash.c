#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "hash.h"
#include "xalloc.h"

struct hash_ctx {
	struct sha256_ctx c;
};

static void
hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

struct hash_ctx *
hash_new(void)
{
	struct hash_ctx *h = xmalloc(sizeof(*h));

	sha256_init(&h->c);
	return h;
}

void
hash_update(struct hash_ctx *h, const void *data, size_t len)
{
	sha256_update(&h->c, len, data);
}

void
hash_final_hex(struct hash_ctx *h, char out[SHA256_HEX_LEN + 1])
{
	unsigned char d[SHA256_DIGEST_SIZE];

	sha256_digest(&h->c, sizeof(d), d);
	hex(d, sizeof(d), out);
	free(h);
}

void
sha256_bin(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	struct sha256_ctx c;	/* on the stack: no allocation per call */

	sha256_init(&c);
	sha256_update(&c, len, data);
	sha256_digest(&c, SHA256_LEN, out);
}

void
sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	unsigned char d[SHA256_LEN];

	sha256_bin(data, len, d);
	hex(d, sizeof(d), out);
}

void
hmac_sha256_hex(const void *key, size_t keylen, const void *data,
    size_t len, char out[SHA256_HEX_LEN + 1])
{
	struct hmac_sha256_ctx c;
	unsigned char d[SHA256_DIGEST_SIZE];

	hmac_sha256_set_key(&c, keylen, key);
	hmac_sha256_update(&c, len, data);
	hmac_sha256_digest(&c, sizeof(d), d);
	hex(d, sizeof(d), out);
}

int
hash_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = la != lb;

	for (i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}
