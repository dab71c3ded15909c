/*
 * queue.h - the review queue index: which applications wait at a unit.
 *
 *   STORE/queues/UNITCODE/IDNUMBER-UNIQ     one file per application
 *                                           (empty, or a listing cache)
 *
 * The index is derived data.  The truth is the application document (its
 * stage and waiting_at fields); the index only lets `ceh list --at UNIT`
 * find a unit's queue without reading every application in the store.
 *
 * Invariant kept by every transition (see workflow.h): the index is a
 * SUPERSET of the truth at every moment a crash can happen.  A transition
 * adds the entry for the unit it sends the application to, durably,
 * BEFORE it commits the document, and removes the entry of the unit it
 * leaves AFTER.  So an interrupted transition can leave a stale entry
 * (harmless: readers verify each entry against the document and skip it)
 * but never a missing one.  A missing entry can only come from outside
 * (a lost or hand-edited file); `ceh fsck` finds both kinds and
 * `ceh fsck --repair` fixes them.  Entries are added and removed under the
 * lock of the application's person, so fsck's fixes (made under the same
 * lock, after re-reading the document) cannot race a transition.
 *
 * Unit codes are validated credit codes and ids validated application ids
 * before they become names, so no entry names a path outside queues/.
 */
#ifndef CEH_QUEUE_H
#define CEH_QUEUE_H

struct ceh_err;
struct store;

/* Add STORE/queues/UNIT/APPID (existing is fine: left as it is).  With
 * sync the new entry and then the unit's folder are fsynced, so the entry
 * is durable when this returns. */
int queue_add(struct store *s, const char *unit, const char *appid, int sync,
    struct ceh_err *e);
/* queue_add holding the listing cache line of app, whose document bytes
 * (to be committed) hash to doc_sha256: written with the entry, before
 * the document is committed (readers use it only once the document in
 * review/ has those bytes), so no transition rewrites an entry. */
struct application;
int queue_add_app(struct store *s, const char *unit,
    const struct application *app, const char *doc_sha256, int sync,
    struct ceh_err *e);
/* Remove the entry (absent is fine).  queue_del syncs the unit's folder
 * when it removed one: the entry's inode is freed, and a file system
 * without a journal (ext2) may give it to the next file or folder made
 * while the name is still on disk.  queue_del_sync without sync is for a
 * batch, which syncs the store before it makes anything new. */
int queue_del(struct store *s, const char *unit, const char *appid,
    struct ceh_err *e);
int queue_del_sync(struct store *s, const char *unit, const char *appid,
    int sync, struct ceh_err *e);
/* temp_sweep of queues/ and every unit's folder in it: temp files of the
 * listing cache writer, and the ".note.*" files older versions left. */
struct sweep;
int queue_sweep(struct store *s, struct sweep *sw, struct ceh_err *e);
/* 1 if the entry exists, 0 if not. */
int queue_has(struct store *s, const char *unit, const char *appid);

/* Visit the entries of one unit's queue (any order; names that are not
 * application ids are skipped).  A unit without a queue folder has an
 * empty queue.  A non-zero return of fn stops the walk and is returned. */
typedef int (*queue_visit_fn)(struct store *s, const char *unit,
    const char *appid, void *arg);
int queue_walk(struct store *s, const char *unit, queue_visit_fn fn,
    void *arg, struct ceh_err *e);
/* Visit every entry of every unit's queue (for fsck); names that are
 * not unit codes or application ids are skipped. */
int queue_walk_all(struct store *s, queue_visit_fn fn, void *arg,
    struct ceh_err *e);

/*
 * Read the document of a queue entry, validated in full.  The usual case
 * is one openat2(2) of people/SSS/IDNUMBER/review/UNIQ.yaml (no symbolic
 * link followed anywhere on the path); a document not in review/ (being
 * moved, or the entry is stale) is looked for in every stage folder, once
 * more if it moves meanwhile.  Class 3 if there is no such application:
 * the entry is stale.  The caller checks stage and waiting_at.
 */
struct application;
int queue_read_app(struct store *s, const char *appid,
    struct application *app, struct ceh_err *e);
/* queue_read_app, and the SHA-256 of the bytes parsed (trust.h:
 * trust_doc_verified): 1 when digest is filled, 0 when the document was
 * found elsewhere than in review/ (digest not filled), -1 on error;
 * digest: 32 bytes (SHA256_LEN), or NULL. */
int queue_read_app_digest(struct store *s, const char *appid,
    struct application *app, unsigned char *digest, struct ceh_err *e);

/*
 * The listing cache.  An entry may hold one line: the SHA-256 of the
 * document's bytes in review/ and the columns of `ceh list` (id, name, ID
 * number, employer, education, phone, years, series), tab-separated.
 * A transition writes it with the entry (queue_add_app); queue_note
 * (fsck) rewrites it for a document in review/ (temp file and rename, the
 * content not synced: it is a cache; the folder synced, since the old
 * entry is freed); reviewfd is the person's review/ folder.  The line depends only on the document, so
 * stores with equal documents have equal indexes.
 *
 * queue_read_listing reads the document (one openat2) and, if its bytes
 * hash to the cached value, fills app from the cache without parsing:
 * only those columns, stage review and waiting_at = unit, no history, no
 * year details.  Otherwise it parses the document (or, if it is not in
 * review/, searches like queue_read_app).  The caller checks stage and
 * waiting_at as before.
 */
int queue_note(struct store *s, const char *unit, int reviewfd,
    const struct application *app, struct ceh_err *e);
int queue_read_listing(struct store *s, const char *unit, const char *appid,
    struct application *app, struct ceh_err *e);
/* 1 if the entry holds a cache line valid for the document now. */
int queue_note_valid(struct store *s, const char *unit, const char *appid);

#endif
