/*
 * jws.h - compact JSON Web Signatures (RFC 7515) with EdDSA (RFC 8037,
 * Ed25519): the form of a W3C Verifiable Credential secured as a VC-JWT.
 *
 * ceh writes exactly one header per key and type, with lib/json.h:
 *   {"alg": "EdDSA", "typ": TYP, "kid": "did:key:z6Mk...#z6Mk..."}
 * and the token is BASE64URL(header) "." BASE64URL(payload) "."
 * BASE64URL(signature of the ASCII of the first two parts).
 */
#ifndef CEH_JWS_H
#define CEH_JWS_H

#include <stddef.h>

#include "sign.h"

struct ceh_err;
struct ceh_key;

/* The header JSON for pub and typ ("JWT", "vc+jwt"); caller frees. */
char *jws_header(const unsigned char pub[ED25519_PUB_LEN], const char *typ);
/* The compact JWS of payload[0..len) signed with k (it needs its seed,
 * else class 1 and NULL); the caller frees the token. */
char *jws_sign(const struct ceh_key *k, const char *typ, const void *payload,
    size_t len, struct ceh_err *e);
/*
 * Check a compact JWS against pub: three base64url parts, a header that
 * is exactly jws_header(pub, typ) for typ "JWT" or "vc+jwt" (so no other
 * algorithm or key can be slipped in), and a valid signature.  On success
 * *payload gets the decoded payload, NUL-terminated, for the caller to
 * free, and *len its length.  Class 1 with a message saying what failed.
 */
int jws_verify(const unsigned char pub[ED25519_PUB_LEN], const char *token,
    char **payload, size_t *len, struct ceh_err *e);

#endif
