#include <stdint.h>

#include <nettle/eddsa.h>

#include "sign.h"

#if ED25519_KEY_SIZE != ED25519_PUB_LEN || \
    ED25519_SIGNATURE_SIZE != ED25519_SIG_LEN
#error "nettle's Ed25519 sizes differ from RFC 8032"
#endif

void
ed25519_public(const unsigned char seed[ED25519_SEED_LEN],
    unsigned char pub[ED25519_PUB_LEN])
{
	ed25519_sha512_public_key(pub, seed);
}

void
ed25519_sign(const unsigned char seed[ED25519_SEED_LEN],
    const unsigned char pub[ED25519_PUB_LEN], const void *msg, size_t len,
    unsigned char sig[ED25519_SIG_LEN])
{
	ed25519_sha512_sign(pub, seed, len, msg, sig);
}

int
ed25519_verify(const unsigned char pub[ED25519_PUB_LEN], const void *msg,
    size_t len, const unsigned char sig[ED25519_SIG_LEN])
{
	return ed25519_sha512_verify(pub, len, msg, sig) == 1;
}
