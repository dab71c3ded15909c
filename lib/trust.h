/*
 * trust.h - the registry of unit keys rooted in the agency,
 * STORE/trust.log, and the check of an application's signed history
 * (ceh-trust(7) is the design and the byte-exact formats).
 *
 * trust.log is only appended to (rewritten whole through atomic_write
 * under the store lock): records "ceh-certify-v1" and "ceh-revoke-v1",
 * each its canonical text, a "sig=" line and an empty line, chained by
 * prev.  Record 0 is the anchor, the first agency's key as given to
 * `unit add --public-key`; it carries no signature (a verifier trusts
 * the anchor from outside the store).  Every other record is signed by
 * an agency key valid at its time, found in the records before it, so
 * every key in a registry that loads is certified up to the anchor.
 *
 * A store is signed ("trust: signed" in store.yaml, the default of
 * `ceh init`) or unsigned (`ceh init --unsigned`, and stores made before
 * trust).  In a signed store every decision must be signed by a key
 * valid for its unit at its time.
 *
 * The registry is read once per store handle and kept in s->trust
 * (freed by store_close through trust_free).
 */
#ifndef CEH_TRUST_H
#define CEH_TRUST_H

#include <stdint.h>
#include <time.h>

#include "hash.h"
#include "sign.h"
#include "units.h"

struct ceh_err;
struct ceh_key;
struct store;
struct application;

/* Read and check trust.log (every record's chain and signature): 0, or
 * -1 naming the first bad record (class 5). */
int trust_registry_check(struct store *s, struct ceh_err *e);
/*
 * Let this process take the verified prefix of trust.log from the user's
 * cache (batch review: the registry is verified once, not once per
 * command): $XDG_CACHE_HOME/ceh/registry/HASH (HASH and the folders as
 * for the verification cache below) holds "ceh-trust-verified-v1",
 * "length=N" and "sha256=H", each a line: the first N bytes of
 * trust.log, whose SHA-256 is H, verified before.  The records within them are still parsed and checked
 * (chain, form, who certified whom) but their signatures not verified
 * again; a trust.log that does not begin with those bytes is verified in
 * full.  A file not the user's own or writable by others is ignored.
 * Written (atomic_write) when a load verified more than it said.
 * Without this call (fsck, verify, unit show, ...) trust.log is verified in
 * full.
 */
void trust_registry_cache(struct store *s);
/* 1 if the store is signed, else 0. */
int trust_signed(struct store *s);
/* The anchor's key now (the first agency's, or its rotation).  Class 3
 * if the store has none; class 5 if trust.log is damaged. */
int trust_anchor(struct store *s, uint8_t pub[32], struct ceh_err *e);
/* The unit of the anchor ("" if none). */
const char *trust_anchor_unit(struct store *s);
/* The key valid for unit at time at: the certificate with the latest
 * valid_from at or before at, not revoked at at.  Class 3 if the unit
 * never had a key valid then, class 4 if its key was revoked by then
 * (verify-slip tells "unknown key" from "revoked" by it). */
int trust_unit_key(struct store *s, const char *unit, time_t at,
    uint8_t pub[32], struct ceh_err *e);

/* Who certified unit's current key and when (for unit show): 0 and the
 * strings (static, valid until the next call), or -1 if it has none. */
struct trust_info {
	char fingerprint[32];
	char certified_by[64];
	char valid_from[32];
	int revoked;		/* its latest key is revoked */
};
int trust_unit_info(struct store *s, const char *unit,
    struct trust_info *ti);

/*
 * Append a certificate for unit (kind k) with key pub, valid from now.
 * signer NULL: the anchor record (only when there are no records yet);
 * else signer is the private key of agency by, which must be valid for
 * it now and, to certify an agency, be the anchor's.  The caller holds
 * the store lock.  Class 1 refused, 4 an anchor already there.
 */
int trust_certify(struct store *s, const char *unit, enum unit_kind k,
    const uint8_t pub[32], const char *by, const struct ceh_key *signer,
    struct ceh_err *e);
/* Append a revocation of unit's current key, effective at effective,
 * signed by agency by's key signer.  The caller holds the store lock. */
int trust_revoke(struct store *s, const char *unit, time_t effective,
    const char *reason, const char *by, const struct ceh_key *signer,
    struct ceh_err *e);

/* The private key that unit must sign with now: read from keyopt
 * (--key), $CEH_KEY or the key folder (key_path) and checked against
 * the registered key.  Class 1 with a message saying what to do. */
int trust_signer(struct store *s, const char *unit, const char *keyopt,
    struct ceh_key *k, struct ceh_err *e);

/*
 * Check one application: the chain (chain_check), every signature
 * against the key valid for its unit at its time, and, in a signed
 * store, that every decision after the last "upgraded" event is signed,
 * and then that the history follows the workflow (chain_flow.h: every
 * decision by the unit it waited at, final approvals by an agency).
 * each (may be NULL) is told every event with "signed", "unsigned" or
 * "unsigned history" and the key's fingerprint ("" if none).  0 if it
 * verifies; -1 with the first failure in e (class 5).
 */
int trust_app_check(struct store *s, const struct application *app,
    void (*each)(void *arg, size_t i, const char *status, const char *fp),
    void *arg, struct ceh_err *e);

/* The kind of unit's certificate valid at at: 0, or -1 if it has no
 * valid key then (the workflow check: only an agency approves). */
int trust_unit_kind(struct store *s, const char *unit, time_t at,
    enum unit_kind *k);

/*
 * trust_app_check through the verification cache, for the readers that
 * count hours (list, stats, shortfall, print-slip) and for fsck (not
 * with --no-cache); never for verify or show, which always check in
 * full.  The cache lives outside
 * the store, in $XDG_CACHE_HOME/ceh/verified/HASH (HASH the SHA-256 of
 * the store's real path; ~/.cache without XDG_CACHE_HOME), folders made
 * 0700: a header naming the registry hash (SHA-256 of the rules'
 * version, signed or not, trust.log and units.yaml as emitted), one
 * line per document that verified (the SHA-256 of the document as
 * emitted, doc_emit: any change to it is another key), in sorted order,
 * and a final "sum=" line over the rest.  The file is mapped and a digest
 * looked up where the order puts it: a look-up reads a few pages, not
 * the file; the sum is not checked (a damaged line can only miss).  A file that is absent, damaged, of another
 * registry, not the user's own or writable by others is ignored: the
 * documents are verified again.  Only successes are kept.  New entries
 * are written, atomically (atomic_write), by trust_cache_save, which
 * store_close calls; concurrent writers lose entries, never add wrong
 * ones.  0 if app verifies, else -1 with trust_app_check's error.
 */
int trust_app_verified(struct store *s, const struct application *app,
    struct ceh_err *e);
/* trust_app_verified in two steps, for a caller that verifies elsewhere
 * (fsck's threads): 1 if app is in the cache, else 0 and its digest
 * ("" without a cache); then, once trust_app_check succeeded on it,
 * trust_app_remember.  Neither is to be called by two threads at once. */
int trust_app_cached(struct store *s, const struct application *app,
    char digest[SHA256_HEX_LEN + 1]);
void trust_app_remember(struct store *s, const char *digest);
/* trust_app_cached by the SHA-256 of the document's bytes as read
 * (app_read_digest), without emitting it again: the very key
 * trust_app_cached computes for a document ceh wrote, since ceh writes
 * doc_emit's text.  Of any other document it is a key of its own, and
 * sound: the same bytes parse to the same application (the store's
 * rules only accept or refuse one), so a hit means these bytes verified
 * before.  digest: the key in hex, for trust_app_remember. */
int trust_doc_cached(struct store *s, const unsigned char raw[SHA256_LEN],
    char digest[SHA256_HEX_LEN + 1]);
/* trust_app_verified of an application just read from bytes whose
 * SHA-256 is raw (NULL: not known, and the cache is looked up by the
 * emission, as trust_app_verified does); the app must be those bytes'
 * application, unchanged. */
int trust_doc_verified(struct store *s, const struct application *app,
    const unsigned char *raw, struct ceh_err *e);
/*
 * trust_app_check may run in several threads at once on one store once
 * the registry and the units are loaded (trust_registry_check and
 * store_load_units succeeded): it then only reads them.
 */
void trust_cache_save(struct store *s);

/*
 * For a cache of other facts that depend on the registry (report_src.c:
 * the report records made from documents that verified): the user's
 * cache folder sub, made 0700 as the verification cache's, with in name
 * the SHA-256 of the store's real path (-1 when there is none); and the
 * registry hash that cache's header names (-1 when trust.log or the
 * units cannot be read).  The cache's reader must ignore a file not the
 * user's own or writable by others, as vc_read does.
 */
int trust_cache_folder(struct store *s, const char *sub,
    char name[SHA256_HEX_LEN + 1]);
int trust_registry_digest(struct store *s, char out[SHA256_HEX_LEN + 1]);

/*
 * The upgrade of a store made before trust (ceh-migrate(1)).
 * trust_set_signed rewrites store.yaml with "trust: signed" (the caller
 * holds the store lock).  trust_upgrade_app appends an "upgraded" event
 * to app when it needs one: signed by agency with signer (a signed
 * upgrade) or unsigned (signer NULL: chaining only).  Returns 1 if app
 * was changed (the caller commits it), 0 if it needs nothing (it
 * verifies already, or ends with a chained event when unsigned), -1 if
 * its chain is broken (class 5: it is left for the agency to look at).
 */
int trust_set_signed(struct store *s, struct ceh_err *e);
int trust_upgrade_app(struct store *s, struct application *app,
    const char *agency, const struct ceh_key *signer, struct ceh_err *e);

struct trust;
void trust_free(struct trust *t);

#endif
