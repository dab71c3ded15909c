/*
 * chain.h - the hash chain of an application's history and the
 * canonical texts that are hashed and signed (byte-exact in
 * ceh-trust(7)): "ceh-event-v1" for an event, "ceh-content-v1" for the
 * document an event leaves behind.  No store, no registry: lib/trust.h
 * checks signatures against the registry of keys.
 *
 * Every event made by this ceh carries prev (the event hash of the one
 * before, 64 zeros for the first) and content (the content hash of the
 * document after it).  Events without content are history from before
 * chains ("unsigned history"); they may only come first.
 */
#ifndef CEH_CHAIN_H
#define CEH_CHAIN_H

#include <stddef.h>

#include "doc.h"
#include "hash.h"
#include "xalloc.h"

struct ceh_err;
struct ceh_key;

#define CHAIN_ZERO \
    "0000000000000000000000000000000000000000000000000000000000000000"

/* One line "key=value" LF of a canonical text, backslash and LF in the
 * value escaped (ceh-trust(7)). */
void canon_put(struct sbuf *out, const char *key, const char *v);
/* The canonical texts, appended to out. */
void chain_content_text(const struct application *app, struct sbuf *out);
void chain_event_text(const struct application *app, size_t i,
    struct sbuf *out);
/* The content hash of app as it is now. */
void chain_content_hash(const struct application *app,
    char out[SHA256_HEX_LEN + 1]);
/* The event hash of event i (its text and its sig line). */
void chain_event_hash(const struct application *app, size_t i,
    char out[SHA256_HEX_LEN + 1]);

/* Set prev and content of the last event from app as it is now, and
 * drop any signature it had (it no longer covers the event). */
void chain_seal(struct application *app);
/* chain_seal, then sign the last event as unit with k (its seed): sets
 * unit, key and sig.  Class 1 without a seed. */
int chain_sign(struct application *app, const char *unit,
    const struct ceh_key *k, struct ceh_err *e);

/* Does event name need a signature in a signed store? (submitted,
 * withdrawn, forwarded, approved, rejected, returned, upgraded) */
int chain_event_signed(const char *what);

/*
 * Check the chain alone: the unsigned-history prefix, every prev, times
 * that never decrease and the last content hash against app.  0, or -1
 * with a message naming the event (class 5: damage in the store).
 */
int chain_check(const struct application *app, struct ceh_err *e);

#endif
