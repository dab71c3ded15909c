/*
 * sign.c - Ed25519 through libsodium (sign.h).
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "sign.h"

#if crypto_sign_PUBLICKEYBYTES != ED25519_PUB_LEN || \
    crypto_sign_SEEDBYTES != ED25519_SEED_LEN || \
    crypto_sign_BYTES != ED25519_SIG_LEN || \
    crypto_sign_SECRETKEYBYTES != ED25519_SEED_LEN + ED25519_PUB_LEN
#error "libsodium's Ed25519 sizes differ from RFC 8032"
#endif

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

/* sodium_init picks the library's implementations; it cannot fail in a
 * way that matters here (-1 is only its random source, which ceh does
 * not take from it). */
static void
sodium_start(void)
{
	(void)!sodium_init();
}

void
ed25519_public(const unsigned char seed[ED25519_SEED_LEN],
    unsigned char pub[ED25519_PUB_LEN])
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];

	pthread_once(&sodium_once, sodium_start);
	crypto_sign_seed_keypair(pub, sk, seed);
	sodium_memzero(sk, sizeof(sk));
}

/* libsodium's secret key is the seed followed by its public key. */
void
ed25519_sign(const unsigned char seed[ED25519_SEED_LEN],
    const unsigned char pub[ED25519_PUB_LEN], const void *msg, size_t len,
    unsigned char sig[ED25519_SIG_LEN])
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES];

	pthread_once(&sodium_once, sodium_start);
	memcpy(sk, seed, ED25519_SEED_LEN);
	memcpy(sk + ED25519_SEED_LEN, pub, ED25519_PUB_LEN);
	crypto_sign_detached(sig, NULL, msg, len, sk);
	sodium_memzero(sk, sizeof(sk));
}

int
ed25519_verify(const unsigned char pub[ED25519_PUB_LEN], const void *msg,
    size_t len, const unsigned char sig[ED25519_SIG_LEN])
{
	pthread_once(&sodium_once, sodium_start);
	return crypto_sign_verify_detached(sig, msg, len, pub) == 0;
}
