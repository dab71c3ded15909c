/*
 * report_src.h - where the reports' records come from (report.h): today
 * a walk over every document of the store; after the store refactor, the
 * summary index.  Only this file changes when the source does.
 *
 * report_feed gives fn one struct report_app per application, a
 * person's applications one after another (store_walk visits a person's
 * folders together), as the report consumers require.  A document that
 * cannot be read is counted in *unreadable and skipped (the caller says
 * so and exits 1, like `ceh list`); a document moved by a concurrent
 * transition while the walk runs is read where it is now.
 *
 * report_short_records: for each row of a shortfall, the hour records on
 * file for the person and year (records.h) whose key no application of
 * the person names in its provenance: "on record, never declared".
 */
#ifndef CEH_REPORT_SRC_H
#define CEH_REPORT_SRC_H

#include <getopt.h>

#include "report.h"

struct ceh_err;
struct store;

typedef int (*report_sink_fn)(void *arg, const struct report_app *ra,
    struct ceh_err *e);

/* The store's units must be loaded.  Stops at the first failure of fn. */
int report_feed(struct store *s, report_sink_fn fn, void *arg,
    long *unreadable, struct ceh_err *e);

/* How many approved applications the last report_feed left out: in a
 * signed store an approval whose history does not verify
 * (trust_app_verified) counts no hours, and the application is not fed
 * at all.  The caller says so on standard error. */
long report_unverified(void);

/* report_feed from the summary index (index.h: trusted entries from the
 * index, the rest from their documents); the documents when there is no
 * index to use.  In a signed store the index (written by anyone who can
 * write the store, and signed by nobody) is not believed for the hours
 * an approval counts: an application it gives as approved is counted
 * from the index only when the user's records cache (report_src.c,
 * ceh-store(5) "Reports in a signed store") holds its record, made
 * before from a document whose approval verified under the same
 * registry hash; any other is read from its document and counted only
 * when that approval verifies (trust_app_verified, through the
 * verification cache), and the cache learns it.  The rest is taken from
 * the index.  Same contract as report_feed. */
int report_feed_fast(struct store *s, report_sink_fn fn, void *arg,
    long *unreadable, struct ceh_err *e);
/* report_feed_fast for a report of scope sc: where the index is used,
 * only the people sc's --unit can select are fed (index_feed_scope); the
 * others would not be counted.  sc NULL: everyone. */
int report_feed_scope(struct store *s, const struct report_scope *sc,
    report_sink_fn fn, void *arg, long *unreadable, struct ceh_err *e);

/*
 * The records cache and the listing cache taught by a caller that has
 * verified documents itself, so that the next report or list of a signed
 * store need not read them again: fsck, which verifies every document
 * (ceh-fsck(1)), and the benchmark's store builder.  report_learn_open:
 * NULL for an unsigned store, or when the user has no cache folder or the
 * registry cannot be read.  report_learn_app: app's history verified
 * under the store's registry as it is now (trust_app_check or
 * trust_app_verified succeeded); its row of ceh list is learned, and with
 * record (its workflow is whole, and it is approved) its report record.
 * report_record_key and report_row_key give the same keys for a caller
 * that verified app in another process (0, or -1 when app is not
 * approved, for the first, or does not fit a record) and
 * report_learn_key and report_learn_row_key learn them.
 * report_learn_close writes the caches (atomic_write; a failure only
 * costs a document read later) and frees l: with whole, what was learned
 * is all that is kept (the caller saw every document); else it is added.
 * Not for two threads at once.
 */
#define REPORT_KEY_LEN 16
struct report_learn;
struct report_learn *report_learn_open(struct store *s);
void report_learn_app(struct report_learn *l, const struct application *app,
    int record);
int report_record_key(const struct application *app, const struct units *u,
    unsigned char key[REPORT_KEY_LEN]);
int report_row_key(const struct application *app, const struct units *u,
    unsigned char key[REPORT_KEY_LEN]);
void report_learn_key(struct report_learn *l,
    const unsigned char key[REPORT_KEY_LEN]);
void report_learn_row_key(struct report_learn *l,
    const unsigned char key[REPORT_KEY_LEN]);
void report_learn_close(struct report_learn *l, int whole);

/*
 * The listing cache, for `ceh list` of a signed store from the summary
 * index ($XDG_CACHE_HOME/ceh/listed/HASH, as the records cache: the
 * header "ceh-listed-verified-v1", the registry hash, the count, then
 * sorted keys).  A key is the first 16 bytes of the SHA-256 of "listed",
 * a row's record and the columns the record lacks (index.h struct
 * index_extra) as the index gives them for a document whose history
 * verified (trust_app_verified) under that registry hash.  A row of the
 * index whose key is there says what such a document said, and is
 * listed as verified without reading it; any other row is read from its
 * document (the caller verifies it, and report_listed_learn then learns
 * it).  As with the records cache, a forged index can hide a document or
 * show an older state that verified, never a claim nobody signed.
 * report_listed_open: NULL for an unsigned store; without a cache folder
 * nothing is found or kept.  report_listed_close writes the cache when
 * it learned rows (or, with whole: the list was of everyone, when the
 * rows not used outnumber those used) and frees l.
 */
struct report_listed;
struct index_extra;
struct report_listed *report_listed_open(struct store *s);
int report_listed_has(struct report_listed *l, const struct report_app *ra,
    const struct index_extra *x);
void report_listed_learn(struct report_listed *l,
    const struct application *app);
void report_listed_close(struct report_listed *l, int whole);

/* The number of such records and their public and professional hours,
 * for every row of a shortfall (rec_n, rec_pub, rec_pro), each records
 * shard read once (records_lookup_many) and each person's documents
 * walked once, only when they have records. */
struct report_short;
int report_short_records(struct store *s, struct report_short *sh,
    struct ceh_err *e);

/*
 * The scope options shared by stats and shortfall, resolved against the
 * store (units loaded): opt is "unit" (a registered unit), "region",
 * "series", "level" (code-list values, canonical names and aliases
 * taken), "year", "from" or "to".  The strings sc then points to belong
 * to s.  Class 1 for a bad value, 3 for an unknown unit.
 */
int report_scope_option(struct store *s, struct report_scope *sc,
    const char *opt, const char *val, struct ceh_err *e);
/*
 * The scope options as a command's getopt_long entries, and what they
 * were given, kept until the store is open (the options are parsed
 * before it is):
 *
 *   static const struct option opts[] = { ..., REPORT_SCOPE_OPTIONS, ... };
 *   default: if ((k = report_args_add(&a, ch, optarg)) < 0) ...too many
 *            else if (k == 0) return cmd_opt_other(...);
 *   ...cmd_setup, then report_args_resolve(s, &a, &sc, &e) and
 *   report_scope_done(&sc, ...).
 *
 * report_args_add: 1 when ch was a scope option (kept), 0 when it is
 * not one, -1 when more than REPORT_MAX_ARGS were given.
 * report_args_resolve: report_scope_option for each kept option in the
 * order given (one whose name the caller set to NULL is skipped), and
 * --subtree; stops at the first failure (-1, e filled).
 */
#define REPORT_MAX_ARGS 32
enum { RO_UNIT = 0x300, RO_SUBTREE, RO_REGION, RO_YEAR, RO_FROM, RO_TO,
	RO_SERIES, RO_LEVEL };
#define REPORT_SCOPE_OPTIONS \
	{ "unit", required_argument, NULL, RO_UNIT }, \
	{ "subtree", no_argument, NULL, RO_SUBTREE }, \
	{ "region", required_argument, NULL, RO_REGION }, \
	{ "year", required_argument, NULL, RO_YEAR }, \
	{ "from", required_argument, NULL, RO_FROM }, \
	{ "to", required_argument, NULL, RO_TO }, \
	{ "series", required_argument, NULL, RO_SERIES }, \
	{ "level", required_argument, NULL, RO_LEVEL }

struct report_args {
	const char *name[REPORT_MAX_ARGS];	/* "unit", "year", ... */
	const char *val[REPORT_MAX_ARGS];	/* borrowed from argv */
	size_t n;
	int subtree;
};

int report_args_add(struct report_args *a, int ch, const char *val);
int report_args_resolve(struct store *s, const struct report_args *a,
    struct report_scope *sc, struct ceh_err *e);

/* After the options: --year or --from and --to together, from <= to;
 * need_years: a range is required.  Class 2. */
int report_scope_done(struct report_scope *sc, int need_years,
    struct ceh_err *e);

#endif
