/*
 * report_src.c - the reports' records from the documents (report_src.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "i18n.h"
#include "index.h"
#include "moves.h"
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

static int
feed_docs(struct store *s, report_sink_fn fn, void *arg, long *unreadable,
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

static int
feed_scope_index(struct store *s, const struct report_scope *sc,
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
	return rc;	/* 1: no index to use */
}

/*
 * ---- where a person works now (moves.h) ----
 *
 * Every record of a person whose transfers check is given with the
 * person's current unit as its employer, and that unit's region when it
 * has one, so the reports count the person and every application of
 * theirs (their approved hours too) at the new employer, its
 * supervising chain and its region; the documents are not changed (each
 * history still names who decided what).  The people who have moved are
 * those of index/moved where the index is used, else each person's file
 * is looked at.  Through the index a --unit selects people by their
 * applications' employers: the moved people whose current unit the
 * scope matches are fed from their documents after the rest, and left
 * out of the index's stream.  A transfer that does not check (unsigned
 * or forged in a signed store, damaged) moves nobody.
 */
struct cur_feed {
	struct store *s;
	report_sink_fn fn;
	void *arg;
	int use_list;			/* only the listed people moved */
	struct moves_list list;		/* index/moved */
	struct moves_list extra;	/* fed from their documents */
	char idnum[IDNUM_LEN + 1];	/* the person looked up last */
	char unit[CREDIT_LEN + 1];	/* their current unit, "" none */
	struct report_app ra;
};

static const char *
cur_unit(struct cur_feed *c, const char *idnum)
{
	struct ceh_err e;

	if (strcmp(c->idnum, idnum) == 0)
		return c->unit;
	snprintf(c->idnum, sizeof(c->idnum), "%s", idnum);
	c->unit[0] = '\0';
	if ((!c->use_list || moves_list_has(&c->list, idnum)) &&
	    moves_current(c->s, -1, idnum, c->unit, &e) < 0)
		c->unit[0] = '\0';	/* does not check: nobody moved */
	return c->unit;
}

/* ra with the person's current unit. */
static int
cur_give(void *arg, const struct report_app *ra, struct ceh_err *e)
{
	struct cur_feed *c = arg;
	const char *unit = cur_unit(c, ra->idnum);
	const struct unit *un;
	const struct code_item *it;

	if (unit[0] == '\0')
		return c->fn(c->arg, ra, e);
	memcpy(&c->ra, ra, REPORT_APP_SIZE(ra));
	snprintf(c->ra.unit, sizeof(c->ra.unit), "%s", unit);
	if ((un = units_find(&c->s->units, unit)) != NULL && un->region[0] &&
	    (it = codes_find(&c->s->codes, CL_REGION, un->region)) != NULL &&
	    strlen(it->name) < sizeof(c->ra.region))
		snprintf(c->ra.region, sizeof(c->ra.region), "%s", it->name);
	return c->fn(c->arg, &c->ra, e);
}

/* The index's stream: the people fed from their documents left out. */
static int
cur_sink(void *arg, const struct report_app *ra, struct ceh_err *e)
{
	struct cur_feed *c = arg;

	if (moves_list_has(&c->extra, ra->idnum))
		return 0;
	return cur_give(arg, ra, e);
}

int
report_feed(struct store *s, report_sink_fn fn, void *arg, long *unreadable,
    struct ceh_err *e)
{
	struct cur_feed *c = xcalloc(1, sizeof(*c));
	int rc;

	c->s = s;
	c->fn = fn;
	c->arg = arg;
	rc = feed_docs(s, cur_give, c, unreadable, e);
	free(c);
	return rc;
}

int
report_feed_scope(struct store *s, const struct report_scope *sc,
    report_sink_fn fn, void *arg, long *unreadable, struct ceh_err *e)
{
	struct cur_feed *c;
	long more = 0;
	size_t i;
	int rc;

	c = xcalloc(1, sizeof(*c));
	c->s = s;
	c->fn = fn;
	c->arg = arg;
	if (moves_list_read(s, &c->list) <= 0) {
		/* no index, or its list of moved people damaged: the
		 * documents, and each person's transfers */
		free(c);
		return report_feed(s, fn, arg, unreadable, e);
	}
	c->use_list = 1;
	for (i = 0; sc && sc->unit && i < c->list.n; i++) {
		const char *unit = cur_unit(c, c->list.id[i]);

		if (unit[0] && report_unit_match(sc, &s->units, unit)) {
			c->extra.id = xreallocarray(c->extra.id, c->extra.n + 1,
			    sizeof(*c->extra.id));
			memcpy(c->extra.id[c->extra.n++], c->list.id[i],
			    IDNUM_LEN + 1);
		}
	}
	rc = feed_scope_index(s, sc, cur_sink, c, unreadable, e);
	if (rc == 1) {		/* no index to use after all */
		c->use_list = 0;
		c->extra.n = 0;
		c->idnum[0] = '\0';
		rc = feed_docs(s, cur_give, c, unreadable, e);
	}
	for (i = 0; rc == 0 && i < c->extra.n; i++) {
		struct feed f;

		memset(&f, 0, sizeof(f));
		f.fn = cur_give;
		f.arg = c;
		rc = store_walk(s, c->extra.id[i], visit, &f, e);
		if (rc != 0 && f.e.msg[0])
			*e = f.e;
		more += f.bad;
		rc = rc ? -1 : 0;
	}
	if (unreadable)
		*unreadable += more;
	moves_list_free(&c->list);
	moves_list_free(&c->extra);
	free(c);
	return rc;
}
