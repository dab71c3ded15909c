/*
 * site.h - a store that exchanges with other organisations' stores
 * through git bundles (ceh-exchange(7)).
 *
 *   STORE/site/              a bare git repository that only ceh uses
 *                            (through git.h), mode 0600/0700
 *     ceh/site               "ceh-site-v1", name=NAME, anchor=KEYLINE
 *                            (the agency's public key of --trust; empty
 *                            at the agency's own site, whose anchor is
 *                            trust.log's record 0)
 *     ceh/refused            what this site refused of each sender, one
 *                            line "SITE TAB UNIT TAB APPID TAB REASON",
 *                            sent back to it as a receipt
 *     ceh/refused-by         what the other sites said they refused of
 *                            ours, the same lines
 *     refs/heads/to/UNIT     what we sent to UNIT, one commit a send
 *     refs/acked/UNIT        the last of them the receiver acknowledged
 *     refs/in/SITE/UNIT      the last commit received from SITE (sent
 *                            by it to our UNIT)
 *   STORE/conflicts/APPID.yaml   their version of an application whose
 *                            history diverged from ours (ceh site
 *                            resolve)
 *
 * Every file of ceh/ and conflicts/ is written with atomic_write under
 * the store lock; git writes its own files (objects, refs) atomically
 * with its lock files.
 */
#ifndef CEH_SITE_H
#define CEH_SITE_H

#include <stdint.h>

#include "git.h"
#include "hash.h"

struct ceh_err;
struct store;

#define SITE_DIR "site"
#define SITE_NAME_MAX 64
#define SITE_CONFLICTS "conflicts"

struct site {
	char name[SITE_NAME_MAX + 1];
	char *anchor_line;	/* the --trust key, or "" */
	struct git git;
	int dirfd;		/* STORE/site/ceh */
};

/* NAME: 1 to 64 of [A-Za-z0-9._-], not starting with '.' or '-'. */
int site_name_valid(const char *name);
/* Make the store a site (class 4 if it is one; class 1 if the store is
 * unsigned).  anchor_line: the public key of the agency (non-agency
 * sites), or NULL.  The caller holds the store lock. */
int site_init(struct store *s, const char *name, const char *anchor_line,
    struct ceh_err *e);
/* Open the store's site: class 3 (with the command to make one) if the
 * store is not a site. */
int site_open(struct store *s, struct site *st, struct ceh_err *e);
void site_close(struct site *st);
/* The anchor this site believes: trust.log's, else the --trust key.
 * Class 3 if it has none yet.  hash: the key hash (sha256 of pub). */
int site_anchor(struct store *s, const struct site *st, uint8_t pub[32],
    char hash[SHA256_HEX_LEN + 1], struct ceh_err *e);

/*
 * The root of the site's trust: the key of trust.log's record 0 (the
 * anchor as first registered: a rotation of the anchor keeps it), else
 * the --trust key; as its hash.  Two sites of one agency have the same
 * root even when one has not yet received a rotation of the anchor.
 * Class 3 if the site has neither.  site_log_root: the same of a
 * trust.log text (-1 if it has no record 0).
 */
int site_root(struct store *s, const struct site *st,
    char hash[SHA256_HEX_LEN + 1], struct ceh_err *e);
int site_log_root(const char *log, size_t len, char hash[SHA256_HEX_LEN + 1]);

/* git rev-parse --verify REF^{commit} into oid ("" when absent). */
int site_ref(const struct site *st, const char *ref, char oid[41],
    struct ceh_err *e);
int site_update_ref(const struct site *st, const char *ref,
    const char *oid, struct ceh_err *e);
/* Lines of git for-each-ref --format="%(objectname) %(refname)" PREFIX. */
int site_refs(const struct site *st, const char *prefix, struct sbuf *out,
    struct ceh_err *e);
/* 1 if a is an ancestor of b (or equal), else 0; -1 on error. */
int site_is_ancestor(const struct git *g, const char *a, const char *b,
    struct ceh_err *e);

/* ceh/NAME: read (missing = empty) and replace. */
int site_state_read(const struct site *st, const char *name,
    struct sbuf *out, struct ceh_err *e);
int site_state_write(const struct site *st, const char *name,
    const char *data, size_t len, struct ceh_err *e);

#endif
