/*
 * trust.h - the store's registry of unit keys (STORE/trust.log, see
 * ceh-trust(7)): the trust anchor, the key valid for a unit at a time,
 * and whether the store is signed.
 *
 * trust_anchor: the anchor agency's public key; class 3 if the store has
 * none.  trust_unit_key: the key of unit valid at time at; -1 when the
 * unit has no key valid then (class 3: never had one; class 4: its key
 * was revoked or replaced before at).  trust_signed: 1 if the store's
 * decisions are signed, 0 for an unsigned store.
 */
#ifndef CEH_TRUST_H
#define CEH_TRUST_H

#include <stdint.h>
#include <time.h>

struct ceh_err;
struct store;

int trust_anchor(struct store *s, uint8_t pub[32], struct ceh_err *e);
int trust_unit_key(struct store *s, const char *unit, time_t at,
    uint8_t pub[32], struct ceh_err *e);
int trust_signed(struct store *s);

#endif
