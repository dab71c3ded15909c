/*
 * report_src.c - the reports' records from the documents (report_src.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "i18n.h"
#include "index.h"
#include "records.h"
#include "report_src.h"
#include "trust.h"

struct feed {
	report_sink_fn fn;
	void *arg;
	long bad;
	struct report_app ra;
	struct ceh_err e;	/* the sink's failure, returned by the walk */
};

static long unverified;	/* of the last report_feed */

/* In a signed store an approved application counts only if its history
 * verifies (through the cache, trust.h); 1 if it is left out. */
static int
unverified_approval(struct store *s, const struct application *app)
{
	struct ceh_err e;

	if (!trust_signed(s) || app->stage != STAGE_APPROVED ||
	    trust_app_verified(s, app, &e) == 0)
		return 0;
	unverified++;
	return 1;
}

long
report_unverified(void)
{
	return unverified;
}

/* app as a record to fn (f NULL: into ra, failing into e). */
static int
feed_app(struct store *s, struct feed *f, const struct application *app,
    struct report_app *ra, report_sink_fn fn, void *arg, struct ceh_err *e)
{
	if (f) {
		if (unverified_approval(s, app))
			return 0;
		ra = &f->ra;
		fn = f->fn;
		arg = f->arg;
		e = &f->e;
	}
	if (report_app_fill(ra, app, &s->units, e) < 0 ||
	    fn(arg, ra, e) < 0)
		return -1;
	return 0;
}

/* store_walk reads each application once, even one moved meanwhile. */
static int
visit(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct feed *f = arg;

	(void)p;
	(void)folder;
	(void)err;
	if (app == NULL) {
		f->bad++;
		return 0;
	}
	return feed_app(s, f, app, NULL, NULL, NULL, NULL);
}

int
report_feed(struct store *s, report_sink_fn fn, void *arg, long *unreadable,
    struct ceh_err *e)
{
	struct feed f;
	int rc;

	memset(&f, 0, sizeof(f));
	unverified = 0;
	f.fn = fn;
	f.arg = arg;
	rc = store_walk(s, NULL, visit, &f, e);
	if (rc != 0 && f.e.msg[0])
		*e = f.e;
	if (unreadable)
		*unreadable = f.bad;
	return rc ? -1 : 0;
}

struct keys {
	char **v;
	size_t n;
};

static int
collect_keys(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct keys *k = arg;
	size_t i, j;

	(void)s;
	(void)p;
	(void)folder;
	(void)err;
	if (app == NULL)
		return 0;	/* counted by the report's own walk */
	for (i = 0; i < app->nyears; i++)
		for (j = 0; j < app->years[i].nrecords; j++) {
			k->v = xreallocarray(k->v, k->n + 1, sizeof(*k->v));
			k->v[k->n++] = xstrdup(app->years[i].records[j]);
		}
	return 0;
}

int
report_undeclared(struct store *s, const char *idnum, int year, long *n,
    long *pub_half, long *pro_half, struct ceh_err *e)
{
	struct keys k = { NULL, 0 };
	struct hrec *r = NULL;
	size_t nr = 0, i, j;
	int rc;

	*n = *pub_half = *pro_half = 0;
	rc = records_lookup(s, idnum, year, &r, &nr, e);
	if (rc == 0 && nr > 0)
		rc = store_walk(s, idnum, collect_keys, &k, e);
	for (i = 0; rc == 0 && i < nr; i++) {
		char *key = hrec_key(&r[i]);

		for (j = 0; j < k.n && strcmp(k.v[j], key) != 0; j++)
			;
		if (j == k.n) {
			(*n)++;
			*(r[i].pro ? pro_half : pub_half) += r[i].half;
		}
		free(key);
	}
	for (j = 0; j < k.n; j++)
		free(k.v[j]);
	free(k.v);
	hrecs_free(r, nr);
	return rc < 0 ? -1 : 0;
}

static int
scope_year(const char *opt, const char *val, int *out, struct ceh_err *e)
{
	char field[16];

	snprintf(field, sizeof(field), "--%s", opt);
	return year_parse(field, val, out, e);
}

int
report_scope_option(struct store *s, struct report_scope *sc,
    const char *opt, const char *val, struct ceh_err *e)
{
	const struct code_item *it;
	const struct unit *un;
	char code[CREDIT_LEN + 1];

	if (strcmp(opt, "unit") == 0) {
		if (credit_check("--unit", val, code, e) < 0)
			return -1;
		if ((un = units_find(&s->units, code)) == NULL)
			return ceh_fail(e, CEH_ENOTFOUND, _("no unit '%s' is "
			    "registered"), code);
		sc->unit = un->code;
		return 0;
	}
	if (strcmp(opt, "region") == 0) {
		if (codes_resolve(&s->codes, CL_REGION, "--region", val, &it,
		    e) < 0)
			return -1;
		sc->region = it->code;
		return 0;
	}
	if (strcmp(opt, "series") == 0 || strcmp(opt, "level") == 0) {
		int series = opt[0] == 's';

		if (codes_resolve(&s->codes, series ? CL_SERIES :
		    CL_TITLE_LEVEL, series ? "--series" : "--level", val, &it,
		    e) < 0)
			return -1;
		*(series ? &sc->series : &sc->level) = it->name;
		return 0;
	}
	if ((strcmp(opt, "year") == 0 && (sc->from || sc->to)) || sc->to < 0)
		return ceh_fail(e, CEH_EUSAGE, _("give --year or --from and "
		    "--to, not both"));
	if (strcmp(opt, "year") == 0) {
		if (scope_year(opt, val, &sc->from, e) < 0)
			return -1;
		sc->to = -sc->from;	/* marks --year, see report_scope_done */
		return 0;
	}
	return scope_year(opt, val, strcmp(opt, "from") == 0 ? &sc->from :
	    &sc->to, e);
}

int
report_scope_done(struct report_scope *sc, int need_years,
    struct ceh_err *e)
{
	if (sc->to < 0)
		sc->to = sc->from;
	else if ((sc->from == 0) != (sc->to == 0))
		return ceh_fail(e, CEH_EUSAGE, _("--from and --to go together"));
	if (sc->from > sc->to)
		return ceh_fail(e, CEH_EUSAGE, _("--from %d is after --to %d"),
		    sc->from, sc->to);
	if (need_years && sc->from == 0)
		return ceh_fail(e, CEH_EUSAGE, _("say which years: --year, "
		    "--from and --to, or --for with --year"));
	if (sc->subtree && sc->unit == NULL)
		return ceh_fail(e, CEH_EUSAGE, _("--subtree needs --unit"));
	return 0;
}

int
report_args_add(struct report_args *a, int ch, const char *val)
{
	static const char *const names[] = { "unit", NULL, "region", "year",
	    "from", "to", "series", "level" };

	if (ch < RO_UNIT || ch > RO_LEVEL)
		return 0;
	if (ch == RO_SUBTREE) {
		a->subtree = 1;
		return 1;
	}
	if (a->n == REPORT_MAX_ARGS)
		return -1;
	a->name[a->n] = names[ch - RO_UNIT];
	a->val[a->n++] = val;
	return 1;
}

int
report_args_resolve(struct store *s, const struct report_args *a,
    struct report_scope *sc, struct ceh_err *e)
{
	size_t i;

	sc->subtree = a->subtree;
	for (i = 0; i < a->n; i++)
		if (a->name[i] && report_scope_option(s, sc, a->name[i],
		    a->val[i], e) < 0)
			return -1;
	return 0;
}

/* ---- the summary index (index.h) ---- */

int
report_feed_fast(struct store *s, report_sink_fn fn, void *arg,
    long *unreadable, struct ceh_err *e)
{
	return report_feed_scope(s, NULL, fn, arg, unreadable, e);
}

/*
 * A signed store through the index.  The index is nobody's signed word,
 * so what it says of an approval is not believed: every application it
 * gives as approved is read from its document and counted only when
 * that document is approved and its history verifies (trust_app_verified,
 * through the verification cache); its hours are the document's.  What
 * is taken from the index is what the documents' walk takes without
 * verifying either: the applications that are not approved (which count
 * no hours), and which people a --unit selects.  A forged index can so
 * hide an approval (a person shown short), never add hours.
 */
struct signed_feed {
	struct store *s;
	report_sink_fn fn;
	void *arg;
	long bad;
	struct report_app ra;
};

static int
signed_sink(void *arg, const struct report_app *ra, struct ceh_err *e)
{
	struct signed_feed *f = arg;
	struct app_handle h;
	struct ceh_err sub;
	int rc = 0;

	if (ra->stage != RS_APPROVED)
		return f->fn(f->arg, ra, e);
	app_handle_init(&h);
	if (app_open(f->s, ra->id, 0, &h, &sub) < 0) {
		if (sub.code != CEH_ENOTFOUND)
			f->bad++;	/* unreadable, as the walk counts it */
	} else if (!unverified_approval(f->s, &h.app))
		rc = feed_app(f->s, NULL, &h.app, &f->ra, f->fn, f->arg, e);
	app_close(&h);
	return rc;
}

int
report_feed_scope(struct store *s, const struct report_scope *sc,
    report_sink_fn fn, void *arg, long *unreadable, struct ceh_err *e)
{
	struct signed_feed *sf = NULL;
	int rc;

	if (trust_signed(s)) {
		sf = xcalloc(1, sizeof(*sf));
		sf->s = s;
		sf->fn = fn;
		sf->arg = arg;
		unverified = 0;
		rc = index_feed_scope(s, &s->units, sc, signed_sink, sf,
		    unreadable, NULL, e);
		if (rc == 0 && unreadable)
			*unreadable += sf->bad;
		free(sf);
	} else
		rc = index_feed_scope(s, &s->units, sc, fn, arg, unreadable,
		    NULL, e);
	if (rc == 1)	/* no index to use: the documents */
		return report_feed(s, fn, arg, unreadable, e);
	return rc;
}
