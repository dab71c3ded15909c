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
 * report_undeclared: the hour records on file for a person and year
 * (records.h) whose key no application of the person names in its
 * provenance: "on record, never declared".
 */
#ifndef CEH_REPORT_SRC_H
#define CEH_REPORT_SRC_H

#include "report.h"

struct ceh_err;
struct store;

typedef int (*report_sink_fn)(void *arg, const struct report_app *ra,
    struct ceh_err *e);

/* The store's units must be loaded.  Stops at the first failure of fn. */
int report_feed(struct store *s, report_sink_fn fn, void *arg,
    long *unreadable, struct ceh_err *e);

/* Number of such records, and their public and professional hours. */
int report_undeclared(struct store *s, const char *idnum, int year,
    long *n, long *pub_half, long *pro_half, struct ceh_err *e);

/*
 * The scope options shared by stats and shortfall, resolved against the
 * store (units loaded): opt is "unit" (a registered unit), "region",
 * "series", "level" (code-list values, canonical names and aliases
 * taken), "year", "from" or "to".  The strings sc then points to belong
 * to s.  Class 1 for a bad value, 3 for an unknown unit.
 */
int report_scope_option(struct store *s, struct report_scope *sc,
    const char *opt, const char *val, struct ceh_err *e);
/* After the options: --year or --from and --to together, from <= to;
 * need_years: a range is required.  Class 2. */
int report_scope_done(struct report_scope *sc, int need_years,
    struct ceh_err *e);

#endif
