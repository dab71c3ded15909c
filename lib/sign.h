/*
 * sign.h - Ed25519 (RFC 8032, SHA-512) through libsodium: the only file
 * that includes sodium.h.  Keys and signatures are plain byte arrays;
 * lib/key.h gives them files, text forms and names.  The signatures are
 * RFC 8032's, deterministic: the bytes nettle's ed25519_sha512_sign
 * gave for the same seed and message (ceh signed through nettle until
 * 2026-12; libsodium verifies twice as fast).  A signature libsodium
 * refuses as not canonical (S not below the group order, a public key or
 * R of small order) is invalid here.
 *
 * The secret is the 32-byte seed of RFC 8032 (what the RFC calls the
 * private key).  These functions keep no copy of it: the secret key
 * libsodium takes (the seed and the public key) is made on the stack
 * and wiped (sodium_memzero); libsodium expands it on its own stack
 * while signing, which this adapter cannot wipe.  Safe in several
 * threads at once (fsck's workers verify).
 */
#ifndef CEH_SIGN_H
#define CEH_SIGN_H

#include <stddef.h>

#define ED25519_PUB_LEN 32
#define ED25519_SEED_LEN 32
#define ED25519_SIG_LEN 64

/* The public key of a seed. */
void ed25519_public(const unsigned char seed[ED25519_SEED_LEN],
    unsigned char pub[ED25519_PUB_LEN]);
/* The signature of msg[0..len) under seed, whose public key is pub. */
void ed25519_sign(const unsigned char seed[ED25519_SEED_LEN],
    const unsigned char pub[ED25519_PUB_LEN], const void *msg, size_t len,
    unsigned char sig[ED25519_SIG_LEN]);
/* 1 if sig is a valid signature of msg under pub, else 0. */
int ed25519_verify(const unsigned char pub[ED25519_PUB_LEN],
    const void *msg, size_t len, const unsigned char sig[ED25519_SIG_LEN]);

#endif
