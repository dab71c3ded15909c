/*
 * vc.h - a slip (slip.h) as a W3C Verifiable Credential in the Open
 * Badges 3.0 / CLR 2.0 vocabulary, secured as a compact JWS (jws.h,
 * EdDSA, typ "vc+jwt") with the agency's did:key as issuer and kid.
 *
 * The payload is a ClrCredential for the slip's span: its subject (a
 * ClrSubject, named by an IdentityObject of type nationalIdentityNumber)
 * holds one Achievement per approved year and, for each, an embedded
 * AchievementCredential whose AchievementSubject earned it; the embedded
 * credentials have no proof of their own, the JWS around the CLR covers
 * them.  The JWT claims iss, nbf and jti repeat issuer.id, validFrom and
 * id.  ceh-trust(7) shows a whole example.
 */
#ifndef CEH_VC_H
#define CEH_VC_H

#include <stdio.h>

struct ceh_err;
struct ceh_key;
struct slip;

/* The credential's JSON (pretty, UTF-8), unsigned, to out, with k's
 * did:key as issuer. */
void vc_slip_json(const struct slip *sl, const struct ceh_key *k, FILE *out);
/* The compact JWS of that JSON, signed with k (it needs its seed, else
 * class 1); the caller frees. */
char *vc_slip_jws(const struct slip *sl, const struct ceh_key *k,
    struct ceh_err *e);

#endif
