/*
 * moves.h - where a person works now (调动): the person's transfers, and
 * the list of the people who have any (ceh-store(5) TRANSFERS).
 *
 *   people/SSS/IDNUMBER/transfers.log   the truth: one record per
 *                                       `ceh transfer`, only appended to
 *                                       (rewritten whole, atomic_write,
 *                                       under the person's lock)
 *   index/moved                         derived: the ID numbers of the
 *                                       people with a transfers.log, so
 *                                       the reports find them without a
 *                                       walk of people/
 *   index/moved.lock                    its writers' lock (never deleted)
 *
 * A record is a canonical text (chain.h canon_put: "key=value" lines),
 * "ceh-transfer-v1", person, from, to, at, by, prev (the record hash of
 * the record before, 64 zeros for the first), key (the key hash of the
 * signing key, "" unsigned), then "sig=" (base64url Ed25519 of the text
 * before it in namespace "ceh-transfer", "" unsigned) and an empty line.
 * The record hash is the SHA-256 of the text and its sig line.  In a
 * signed store a record is signed by its new employer ("to"), with the
 * key valid for it at "at", as the employer signs its staff's
 * submissions; unsigned records are believed in an unsigned store only.
 *
 * The person's current unit is the "to" of the last record, when every
 * record of the file checks (the person, the chain, and in a signed store
 * every signature); a file that does not check moves nobody: the reports
 * count the person at their applications' employers, as before any
 * transfer, and fsck says why.
 *
 * The commit order (store.h): transfer adds the person to index/moved
 * (synced) before it publishes the new transfers.log, so the list never
 * lags the truth; a crash between leaves a person listed whose file says
 * less, which readers take from the file.  Without an index (index/
 * absent) no list is written and readers look at each person's file.
 */
#ifndef CEH_MOVES_H
#define CEH_MOVES_H

#include <stddef.h>

#include "validate.h"

struct ceh_err;
struct ceh_key;
struct person;
struct store;

#define MOVES_FILE "transfers.log"

struct move {
	char person[IDNUM_LEN + 1];
	char from[CREDIT_LEN + 1];
	char to[CREDIT_LEN + 1];
	char at[32];
	char by[480];
	char prev[65];
	char key[65];
	char sig[128];
	char hash[65];		/* record hash */
};

struct moves {
	struct move *v;
	size_t n;
};

/* Read people/.../transfers.log of the person folder pfd: 0 (n 0 when
 * there is none), or -1 when it cannot be read or parsed (class 5). */
int moves_read(int pfd, const char *dir, const char *idnum, struct moves *m,
    struct ceh_err *e);
void moves_free(struct moves *m);
/* Check the records (person, chain, signatures as above): 0 or -1. */
int moves_verify(struct store *s, const char *idnum, const struct moves *m,
    struct ceh_err *e);
/*
 * The person's current unit as the reports believe it, into out: 1, 0
 * when the person has no transfer, -1 when the transfers do not check
 * (e says why; nobody moved).  pfd -1: the person's folder is opened.
 */
int moves_current(struct store *s, int pfd, const char *idnum,
    char out[CREDIT_LEN + 1], struct ceh_err *e);

/*
 * transfer.  moves_list_add puts idnum in index/moved (a no-op without
 * an index, or when it is listed), durably, before moves_append, which,
 * with p locked, appends a record from -> to signed with k (NULL: an
 * unsigned record) and publishes the file (atomic_write).  Class 5 on a
 * failure; nothing is published then.
 */
int moves_list_add(struct store *s, const char *idnum, struct ceh_err *e);
int moves_append(struct store *s, struct person *p, const char *from,
    const char *to, const struct ceh_key *k, struct ceh_err *e);

/*
 * Readers of index/moved: 1 and the sorted ID numbers (l->n may be 0),
 * 0 when there is no index to use (absent, or CEH_INDEX=off: the caller
 * looks at each person's file), -1 when the list is damaged: not usable
 * either (the caller reads the documents and each person's file).  An
 * index without the list (made before transfers were recorded): nobody
 * listed.
 */
struct moves_list {
	char (*id)[IDNUM_LEN + 1];
	size_t n;
};
int moves_list_read(struct store *s, struct moves_list *l);
int moves_list_has(const struct moves_list *l, const char *idnum);
void moves_list_free(struct moves_list *l);

/*
 * fsck.  moves_check_person (person locked, or a read-only check) checks
 * p's transfers.log and notes the person in mf when it has one; after
 * every person, moves_check_list compares index/moved with what was
 * noted and, with repair, rewrites it.  Each finding is said once;
 * problems and repaired are counted into mf.
 */
struct moves_fsck {
	char (*id)[IDNUM_LEN + 1];
	size_t n;
	long problems, repaired;
	void (*say)(void *arg, const char *msg);
	void *arg;
};
void moves_check_person(struct store *s, struct person *p,
    struct moves_fsck *mf);
void moves_check_list(struct store *s, int repair, struct moves_fsck *mf);

#endif
