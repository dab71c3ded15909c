/*
 * index.h - the summary index: what the reports (report.h) need of each
 * application, a few bytes each, so `ceh stats` and `ceh shortfall` read
 * one file per shard instead of every document.  Derived data: the
 * documents are the truth, `ceh fsck` compares, `ceh fsck --repair`
 * rebuilds (ceh-store(5) INDEX).
 *
 *   STORE/index/.lock       never deleted; a shard's writers hold an
 *                           open-file-description lock on byte SSS of it
 *   STORE/index/SSS.log     one per shard of people/ (SSS as there)
 *
 * A log is a sequence of frames, appended and never rewritten in place:
 *
 *   u32 magic "CIX1" | u32 n | n bytes body | u32 CRC-32C(n, body) | u32 n
 *
 * little-endian; the body is one type byte, the application id (39
 * bytes), the first 16 bytes of the SHA-256 of the document's bytes and
 * a payload.  Types: 'H' header (first frame; payload: format, shard,
 * the log's size when it was last rewritten), 'R' record (a document as
 * it is: written by a rebuild or a compaction), 'P' pending (the
 * document a commit is about to publish, with its payload), 'F' final
 * (that commit is done: the payload is the latest P's with the same
 * hash).  The payload (index_encode) holds the stage, employer, name,
 * series, title level, region, waiting_at, time of the last change,
 * each year's hours, the review stints (unit, arrival, departure), and
 * the columns `ceh list` shows besides (education, phone, the last
 * reason), so it depends on the document alone, not on the units.
 *
 * The commit discipline (store.h commit path).  A writer, holding its
 * person's lock, appends P before the commit point (app_prepare, and
 * app_create before its publish), durable when the commit is (fdatasync
 * with COMMIT_SYNC; a batch's syncfs otherwise), and F right after the
 * commit point, not synced.  A failure before the commit point takes P
 * back (index_abort: the log is truncated to where it was when nothing
 * was appended since).  So at any crash, for each application the
 * latest frame is R or F naming the payload of the document as it is
 * (trusted), or a P or F whose document may or may not be committed
 * (untrusted: the reader reads that one document).  A reader trusts
 * nothing else: a log that is missing, whose header is wrong, or that
 * holds a frame failing its CRC before its end, makes its whole shard
 * stale, read from the documents; a torn last frame (a crash in the
 * middle of an append) is ignored, and the next writer cuts it off.
 *
 * The log of a shard whose writer finds it missing is rebuilt from the
 * shard's documents first (a new shard: nothing to read).  A log grown
 * past three times its size when last rewritten (and 64 KiB) is
 * compacted under the shard lock: one R per application, each resolved
 * against its document when untrusted, written to a temp file, synced
 * and renamed over the log.
 *
 * An index that is not there (a store made before it, or index/ removed)
 * costs nothing: writers write none, readers read the documents.
 * CEH_INDEX=off (test-only) makes readers ignore it; writers keep it.
 * CEH_INDEX_COMPACT=BYTES (test-only) replaces the 64 KiB.
 *
 * The final frame and the compaction's writes do not pass through the
 * write fault point (fault.h): a lost F is an untrusted entry, which a
 * reader resolves; failing the command for it would report an error
 * for a change that is made.
 *
 * Signatures.  The payload carries a flags byte; IDX_F_UNVERIFIED is
 * reserved for an approval whose signature does not verify, for readers
 * that exclude those.  Whether a signature verifies depends on the key
 * registry too, which changes without a transition: such a reader must
 * treat the flag as a hint and verify from the documents when the
 * registry is newer than the index.
 */
#ifndef CEH_INDEX_H
#define CEH_INDEX_H

#include <stddef.h>
#include <sys/types.h>

struct application;
struct ceh_err;
struct report_app;
struct store;
struct units;

#define IDX_F_NOREC 0x01	/* not representable: read the document */
#define IDX_F_UNVERIFIED 0x02	/* reserved (see above) */

/* CRC-32C (Castagnoli) of len bytes, continuing from crc (0 to start). */
unsigned index_crc32c(unsigned crc, const void *data, size_t len);

/* 1 when STORE/index exists (writers keep it, readers may use it). */
int index_present(struct store *s);
/* Create STORE/index (empty: every shard is rebuilt on first use).  At
 * `ceh init`; existing is fine. */
int index_create(struct store *s, struct ceh_err *e);

/*
 * Writers.  A struct index_txn is the caller's; index_pending appends P
 * for app, whose document bytes hash to sha256_hex (64 hex digits),
 * with sync made durable before it returns; class 5 on a failure (the
 * commit must not go on).  index_final appends F (best effort; no-op
 * when nothing is pending); index_abort takes P back.  All three are
 * no-ops without an index.
 */
struct index_txn {
	int active;		/* P appended, neither F nor abort yet */
	int shard;
	int created;		/* the log was made by this P */
	off_t start, end;	/* where P sits in the log */
	char appid[48];
	unsigned char sha[16];
};
int index_pending(struct store *s, const struct application *app,
    const char *sha256_hex, int sync, struct index_txn *t,
    struct ceh_err *e);
void index_final(struct store *s, struct index_txn *t);
void index_abort(struct store *s, struct index_txn *t);

/*
 * Readers.  index_feed gives fn one struct report_app per application
 * (u gives the kind of each unit), a person's applications one after
 * another, from the index where it can be trusted and from the documents
 * where not (see above); documents that cannot be read are counted in
 * *unreadable.  Returns 1 without calling fn when there is no index to
 * use (absent, or CEH_INDEX=off): the caller reads the documents.
 * Memory: one shard's log at a time.  *stale_shards (may be NULL) gets
 * the number of shards read from the documents.
 */
typedef int (*index_sink_fn)(void *arg, const struct report_app *ra,
    struct ceh_err *e);
struct report_scope;
int index_feed(struct store *s, const struct units *u, index_sink_fn fn,
    void *arg, long *unreadable, long *stale_shards, struct ceh_err *e);
/*
 * The same for the people a scope's --unit (and --subtree) can select:
 * every application of each person one of whose applications has an
 * employer the scope matches (report_unit_match), or whose employer the
 * index cannot tell (an untrusted entry); the others are not fed (the
 * reports would not count them).  sc NULL, or naming no unit: everyone.
 * From the summary (below) where it is fresh, reading only the selected
 * people's blocks; elsewhere from the logs, as index_feed.
 */
int index_feed_scope(struct store *s, const struct units *u,
    const struct report_scope *sc, index_sink_fn fn, void *arg,
    long *unreadable, long *stale_shards, struct ceh_err *e);

/*
 * The summary, STORE/index/summary: the logs resolved, one file, so a
 * report reads the people it selects, not every log (ceh-store(5)
 * SUMMARY INDEX).  Derived from the logs (not the documents): built by
 * index_check with repair (ceh fsck --repair) from every log under its
 * shard's lock, written to a temp file and renamed; never written by a
 * commit.  For each shard it records the log it was made from (inode,
 * size, its last 8 bytes); a reader uses a shard's part only while its
 * log is still that one (a commit appends to the log, a compaction
 * renames a new one: either makes the part stale), and reads a stale
 * shard's log instead.  Untrusted entries are kept as such (the reader
 * reads their documents).  A summary that is missing or damaged is not
 * used; fsck checks the fresh parts against their logs.
 */
int index_summary_build(struct store *s, struct ceh_err *e);

/*
 * For `ceh list`: the applications are those of the shards' folders (one
 * readdir each, as the documents' walk), and fn gets, for each, either
 * its record and
 * the columns the record lacks (ra and x, app NULL: from the index), or
 * its document (app, ra and x NULL: not trusted, or its shard stale, or
 * the document is not a regular file in the folder of its stage that
 * was last modified before the log was: one fstatat each, so that a
 * document broken by hand is still read and reported);
 * an unreadable document is said on stderr ("ceh list: skipped: ...")
 * and counted.  Returns 1 when there is no index to use, like
 * index_feed.
 */
#define INDEX_REASON 1024
struct index_extra {
	char education[244];
	char phone[244];
	char reason[INDEX_REASON];	/* app_last_reason */
};
typedef int (*index_list_fn)(void *arg, const struct report_app *ra,
    const struct index_extra *x, const struct application *app,
    struct ceh_err *e);
int index_feed_list(struct store *s, const struct units *u, index_list_fn fn,
    void *arg, long *unreadable, struct ceh_err *e);
/* What index_feed_list gives for app from a fresh index entry (its
 * payload encoded and decoded): 0, or -1 when app has no record. */
int index_row(const struct application *app, const struct units *u,
    struct report_app *ra, struct index_extra *x);

/* The payload of app (for tests and fsck); 0, or -1 when it cannot be
 * represented (then a payload flagged IDX_F_NOREC is made). */
struct sbuf;
int index_encode(const struct application *app, struct sbuf *out);
/* A payload into ra; -1 when it is damaged or flagged IDX_F_NOREC. */
int index_decode(const unsigned char *p, size_t len, const char *appid,
    const struct units *u, struct report_app *ra);

/*
 * fsck.  For every shard of people/ (and every log without one): the log
 * is missing, damaged (a frame failing its CRC before the end), torn (its
 * last frame cut short), lists an application that is not in the store,
 * misses one that is, or holds a trusted payload that differs from the
 * document's.  Each finding is said once per shard ("index/SSS.log:
 * ..."); with repair the shard is rebuilt from its documents (under the
 * shard lock).  Without an index, nothing is checked; repair creates it
 * and builds every shard.  An untrusted entry (a commit in flight, or
 * one that crashed) is not a finding; repair resolves it too.
 */
struct index_report {
	long shards;		/* shards checked */
	long bad;		/* shards with findings */
	long rebuilt;		/* of them, rebuilt */
	int absent;		/* there was no index */
	void (*say)(void *arg, const char *msg);
	void *arg;
};
int index_check(struct store *s, int repair, struct index_report *r,
    struct ceh_err *e);

/*
 * fsck's walk parses every document already; index_check_seen is
 * index_check told what that walk saw, so it need not read and parse
 * the documents a second time.  index_seen_id: a document's name found
 * in a folder (before it is read); index_seen_doc: its parse;
 * index_seen_gap: the walk could not see all of idnum's shard (NULL:
 * of some shard).  A shard whose log lists exactly the ids seen, each
 * trusted entry with the payload of the document parsed, has no
 * findings; any other shard is checked as index_check does (its folders
 * read again and its documents parsed under the shard's lock), so every
 * finding is made and said as before.
 */
struct index_seen;
struct index_seen *index_seen_new(void);
void index_seen_id(struct index_seen *v, const char *appid);
void index_seen_doc(struct index_seen *v, const struct application *app);
void index_seen_gap(struct index_seen *v, const char *idnum);
void index_seen_free(struct index_seen *v);
int index_check_seen(struct store *s, int repair, struct index_seen *seen,
    struct index_report *r, struct ceh_err *e);

#endif
