/* slip.c - collect, seal, record and verify hour verification slips. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "atomic.h"
#include "config.h"
#include "doc.h"
#include "err.h"
#include "hash.h"
#include "i18n.h"
#include "slip.h"
#include "store.h"
#include "table.h"
#include "trust.h"
#include "units.h"
#include "util.h"
#include "ytree.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* ---- the fields of a slip: one table ---- */

/*
 * Every field of a slip, in the order of its JSON and its record (both
 * read back by slip_parse), with the key of its line in the canonical
 * form (slip_canonical, which the verification code seals: its bytes for
 * a given slip must never change, tests/unit/slip.c pins them).  A new
 * field is one line here (and a new SLIP_FORMAT).
 */
enum group { G_TOP, G_RULE, G_PERSON, G_YEARS, G_TOTALS, G__COUNT };

static const char *const group_key[G__COUNT] = {
	NULL, "rule", "person", "years", "totals"
};

enum ftype {
	T_STR,		/* char *: text without control characters */
	T_IDNUM,	/* char [IDNUM_LEN + 1] */
	T_LONG,		/* long, min..max */
	T_INT,		/* int, min..max */
	T_BOOL,		/* int 0 or 1: true / false */
	T_UNSIGNED,	/* int unsigned_store, written negated as signed_store:
			 * true / false (F_OPT: absent in older slips) */
	T_HALF,		/* long half hours: hours (a number) in JSON and the
			 * record, the half hours in the canonical form */
	T_SCHEME,	/* int national: "national" or "hunan" */
	T_SHARE,	/* struct slip_rule's share_num/share_den: "2/3" */
	T_NYEARS	/* size_t nyears: written, read back as a check */
};

#define F_FULL	1	/* canonical form: only the full one */
#define F_FIRST	2	/* canonical form: before the rest of its group */
#define F_OPT	4	/* may be absent (read as ""); not written when "" */
#define F_JSON	8	/* written in JSON only, not in the record */

struct field {
	enum group g;
	const char *key;	/* in JSON and in the record */
	const char *canon;	/* canonical key; NULL: not sealed */
	enum ftype t;
	size_t off;		/* in struct slip; struct slip_year for G_YEARS */
	long min, max;		/* T_LONG, T_INT, T_NYEARS: min..max;
				 * T_HALF: 0..max */
	int flags;
};

#define S(m) offsetof(struct slip, m)
#define Y(m) offsetof(struct slip_year, m)
#define HMAX (2L * 100000 * SLIP_MAX_YEARS)

static const struct field fields[] = {
	{ G_TOP, "format", "format", T_LONG, S(format), 1, SLIP_FORMAT, 0 },
	{ G_TOP, "title", "title", T_STR, S(title), 0, 0, F_FULL },
	{ G_TOP, "number", "number", T_STR, S(number), 0, 0, F_FULL },
	{ G_TOP, "code", NULL, T_STR, S(code), 0, 0, 0 },
	/* the signature covers the canonical form through its digest
	 * (slip_sign.c), so these three are outside it */
	{ G_TOP, "signer", NULL, T_STR, S(signer), 0, 0, F_OPT },
	{ G_TOP, "signer_key", NULL, T_STR, S(signer_key), 0, 0, F_OPT },
	{ G_TOP, "signature", NULL, T_STR, S(signature), 0, 0, F_OPT },
	/* false: the store's decisions are unsigned (as show --format json
	 * says it); not sealed, and absent from slips made before it */
	{ G_TOP, "signed_store", NULL, T_UNSIGNED, S(unsigned_store), 0, 0,
	    F_OPT | F_JSON },
	{ G_TOP, "issued", "issued", T_STR, S(issued), 0, 0, F_FULL },
	{ G_TOP, "printed_on", "printed_on", T_STR, S(printed_on), 0, 0,
	    F_FULL },
	{ G_TOP, "basis", "basis", T_STR, S(basis), 0, 0, F_FULL },
	{ G_RULE, "scheme", "rule.scheme", T_SCHEME, S(rule.national), 0, 0,
	    0 },
	{ G_RULE, "annual_total", "rule.annual_total", T_LONG,
	    S(rule.total_min), 0, 10000, 0 },
	{ G_RULE, "annual_public", "rule.annual_public", T_LONG,
	    S(rule.public_min), 0, 10000, 0 },
	{ G_RULE, "annual_professional", "rule.annual_professional", T_LONG,
	    S(rule.pro_min), 0, 10000, 0 },
	{ G_RULE, "professional_share", "rule.professional_share", T_SHARE,
	    S(rule), 0, 0, 0 },
	{ G_RULE, "text", "rule.text", T_STR, S(rule.text), 0, 0,
	    F_FULL | F_FIRST },
	{ G_PERSON, "id_number", "person.id_number", T_IDNUM, S(id_number), 0,
	    0, 0 },
	{ G_PERSON, "name", "person.name", T_STR, S(name), 0, 0, F_FULL },
	{ G_PERSON, "sex", "person.sex", T_STR, S(sex), 0, 0, F_FULL },
	{ G_PERSON, "unit", "person.unit", T_STR, S(unit), 0, 0, F_FULL },
	{ G_PERSON, "unit_name", "person.unit_name", T_STR, S(unit_name), 0, 0,
	    F_FULL },
	{ G_PERSON, "series", "person.series", T_STR, S(series), 0, 0,
	    F_FULL },
	{ G_PERSON, "specialty", "person.specialty", T_STR, S(specialty), 0, 0,
	    F_FULL },
	{ G_PERSON, "title_level", "person.title_level", T_STR, S(title_level),
	    0, 0, F_FULL },
	{ G_PERSON, "application", "person.application", T_STR, S(application),
	    0, 0, F_FULL },
	{ G_TOP, "from", "from", T_INT, S(from), 1900, 9999, 0 },
	{ G_TOP, "to", "to", T_INT, S(to), 1900, 9999, 0 },
	{ G_YEARS, "year", "year", T_INT, Y(year), 1900, 9999, 0 },
	{ G_YEARS, "approved", " approved", T_BOOL, Y(approved), 0, 0, 0 },
	{ G_YEARS, "public_subject", " public_subject", T_STR, Y(pub_subject),
	    0, 0, 0 },
	{ G_YEARS, "public_hours", " public_half", T_HALF, Y(pub_half), 0, HMAX,
	    0 },
	{ G_YEARS, "public_form", " public_form", T_STR, Y(pub_form), 0, 0,
	    0 },
	{ G_YEARS, "professional_subject", " professional_subject", T_STR,
	    Y(pro_subject), 0, 0, 0 },
	{ G_YEARS, "professional_hours", " professional_half", T_HALF,
	    Y(pro_half), 0, HMAX, 0 },
	{ G_YEARS, "professional_form", " professional_form", T_STR,
	    Y(pro_form), 0, 0, 0 },
	{ G_YEARS, "total_hours", " total_half", T_HALF, Y(total_half), 0, HMAX,
	    0 },
	{ G_YEARS, "met", " met", T_BOOL, Y(met), 0, 0, 0 },
	{ G_YEARS, "agency", " agency", T_STR, Y(agency), 0, 0, 0 },
	{ G_YEARS, "agency_name", " agency_name", T_STR, Y(agency_name), 0, 0,
	    F_FULL },
	{ G_YEARS, "approved_on", " approved_on", T_STR, Y(approved_on), 0, 0,
	    0 },
	{ G_YEARS, "application", " application", T_STR, Y(application), 0, 0,
	    0 },
	{ G_TOTALS, "public_hours", "totals.public_half", T_HALF, S(pub_half),
	    0, HMAX, 0 },
	{ G_TOTALS, "professional_hours", "totals.professional_half", T_HALF,
	    S(pro_half), 0, HMAX, 0 },
	{ G_TOTALS, "total_hours", "totals.total_half", T_HALF, S(total_half),
	    0, HMAX, 0 },
	{ G_TOTALS, "years", NULL, T_NYEARS, S(nyears), 1, SLIP_MAX_YEARS, 0 },
	{ G_TOTALS, "years_approved", "totals.years_approved", T_LONG,
	    S(years_approved), 0, SLIP_MAX_YEARS, 0 },
	{ G_TOTALS, "years_met", "totals.years_met", T_LONG, S(years_met), 0,
	    SLIP_MAX_YEARS, 0 },
	{ G_TOP, "all_met", "all_met", T_BOOL, S(all_met), 0, 0, 0 },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* The next run of fields of one group: fields[*i..*j), starting at *j
 * (0 at first).  0 after the last. */
static int
next_run(size_t *i, size_t *j)
{
	*i = *j;
	if (*i >= NFIELDS)
		return 0;
	for (*j = *i; *j < NFIELDS && fields[*j].g == fields[*i].g; (*j)++)
		;
	return 1;
}

/* The member of base (a struct slip or a struct slip_year) f names. */
static void *
member(const void *base, const struct field *f)
{
	return (char *)(uintptr_t)base + f->off;
}

#define STR(b, f)	(*(char **)member(b, f))
#define LONGV(b, f)	(*(long *)member(b, f))
#define INTV(b, f)	(*(int *)member(b, f))

/* Free (or, with empty, set to "") every text field of base in group g. */
static void
texts_reset(void *base, enum group g, int empty)
{
	size_t k;

	for (k = 0; k < NFIELDS; k++) {
		if (fields[k].g != g || fields[k].t != T_STR)
			continue;
		free(STR(base, &fields[k]));
		STR(base, &fields[k]) = empty ? xstrdup("") : NULL;
	}
}

/* A field as the text of its canonical line (also of the string-typed
 * ones in JSON and the record). */
static const char *
field_text(const void *base, const struct field *f, char *buf, size_t size)
{
	const struct slip_rule *r;

	switch (f->t) {
	case T_STR: return STR(base, f) ? STR(base, f) : "";
	case T_IDNUM: return (const char *)member(base, f);
	case T_SCHEME: return INTV(base, f) ? "national" : "hunan";
	case T_SHARE:
		r = member(base, f);
		snprintf(buf, size, "%ld/%ld", r->share_num, r->share_den);
		return buf;
	case T_INT:
	case T_BOOL: snprintf(buf, size, "%d", INTV(base, f)); return buf;
	case T_UNSIGNED: return INTV(base, f) ? "false" : "true";
	case T_LONG:
	case T_HALF: snprintf(buf, size, "%ld", LONGV(base, f)); return buf;
	case T_NYEARS:
		snprintf(buf, size, "%zu", *(size_t *)member(base, f));
		return buf;
	}
	return "";
}

void
slip_init(struct slip *sl)
{
	memset(sl, 0, sizeof(*sl));
	sl->format = SLIP_FORMAT;
}

static void
year_release(struct slip_year *y)
{
	texts_reset(y, G_YEARS, 0);
}

void
slip_release(struct slip *sl)
{
	size_t i;
	int g;

	for (i = 0; i < sl->nyears; i++)
		year_release(&sl->years[i]);
	free(sl->years);
	for (g = 0; g < G__COUNT; g++)
		if (g != G_YEARS)
			texts_reset(sl, (enum group)g, 0);
	slip_init(sl);
}

static void
year_empty(struct slip_year *y, int year)
{
	memset(y, 0, sizeof(*y));
	y->year = year;
	texts_reset(y, G_YEARS, 1);
}

int
slip_range_check(long from, long to, struct ceh_err *e)
{
	if (year_check("--from", from, e) < 0 || year_check("--to", to, e) < 0)
		return -1;
	if (from > to)
		return ceh_fail(e, CEH_EINPUT, _("the range %ld-%ld is inverted: "
		    "--from must not be after --to"), from, to);
	if (to - from + 1 > SLIP_MAX_YEARS)
		return ceh_fail(e, CEH_EINPUT, _("the range %ld-%ld spans %ld "
		    "years; a slip covers at most %d"), from, to,
		    to - from + 1, SLIP_MAX_YEARS);
	return 0;
}

int
slip_range_for(const char *kind, long y, int *from, int *to,
    struct ceh_err *e)
{
	int span;

	if (strcmp(kind, "senior") == 0 || strcmp(kind, "高级") == 0)
		span = 5;
	else if (strcmp(kind, "intermediate") == 0 ||
	    strcmp(kind, "中级") == 0)
		span = 4;
	else
		return ceh_fail(e, CEH_EINPUT, _("--for must be senior or "
		    "intermediate, not '%.40s'"), kind);
	if (y < 1990 + span || y > current_year() + 1)
		return ceh_fail(e, CEH_EINPUT, _("--year %ld is out of range "
		    "(%d to %d)"), y, 1990 + span, current_year() + 1);
	*from = (int)y - span;
	*to = (int)y - 1;
	return slip_range_check(*from, *to, e);
}

/* ---- collecting ---- */

struct found {
	struct application app;
	const struct event *approval;	/* into app.history, or NULL */
};

struct collect {
	struct person p;
	struct found *v;
	size_t n;
	struct ceh_err err;
	int failed;
};

static int
visit(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct collect *c = arg;
	size_t i;

	(void)s;
	(void)p;
	(void)folder;
	if (app == NULL) {	/* moves are handled by store_walk */
		c->err = *err;
		c->failed = 1;
		return -1;
	}
	if (app->stage != STAGE_APPROVED)
		return 0;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n].app = *app;	/* moved out of the walk */
	app_init(app);
	c->v[c->n].approval = NULL;
	for (i = c->v[c->n].app.nhistory; i-- > 0;)
		if (strcmp(c->v[c->n].app.history[i].what, "approved") == 0) {
			c->v[c->n].approval = &c->v[c->n].app.history[i];
			break;
		}
	c->n++;
	return 0;
}

static const char *
approval_time(const struct found *f)
{
	return f->approval ? f->approval->at : f->app.updated;
}

/* ISO time -> Beijing date YYYY-MM-DD. */
static char *
beijing_date(const char *iso)
{
	struct tm tm;
	time_t t;
	char buf[48];

	if (iso == NULL || parse_iso_time(iso, &t) < 0)
		return xstrdup("");
	t += 8 * 3600;
	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	return xstrdup(buf);
}

static void
rule_from_config(struct slip_rule *r, const struct config *c)
{
	struct sbuf sb = SBUF_INIT;

	r->national = c->scheme == RULE_NATIONAL;
	r->total_min = c->total_min;
	r->public_min = c->public_min;
	r->pro_min = c->pro_min;
	r->share_num = c->share_num;
	r->share_den = c->share_den;
	config_rule_text(c, &sb);
	free(r->text);
	r->text = sb_detach(&sb);
}

static int
year_met(const struct slip_rule *r, long pub, long pro)
{
	struct config c;

	memset(&c, 0, sizeof(c));
	c.scheme = r->national ? RULE_NATIONAL : RULE_HUNAN;
	c.total_min = r->total_min;
	c.public_min = r->public_min;
	c.pro_min = r->pro_min;
	c.share_num = r->share_num;
	c.share_den = r->share_den;
	return config_year_met(&c, pub, pro);
}

/* The latest approved application: by approval time, then by id. */
static const struct found *
latest_found(const struct collect *c)
{
	const struct found *latest = NULL;
	size_t i;
	int cmp;

	for (i = 0; i < c->n; i++) {
		const struct found *f = &c->v[i];

		if (latest == NULL || (cmp = strcmp(approval_time(f),
		    approval_time(latest))) > 0 ||
		    (cmp == 0 && strcmp(f->app.id, latest->app.id) > 0))
			latest = f;
	}
	return latest;
}

/* Row sy from year row r of the approved application f. */
static void
year_fill(struct store *s, struct slip_year *sy, const struct year_row *r,
    const struct found *f)
{
	year_release(sy);
	memset(sy, 0, sizeof(*sy));
	sy->year = r->year;
	sy->approved = 1;
	sy->pub_subject = xstrdup(r->pub.subject);
	sy->pub_form = xstrdup(r->pub.form);
	sy->pub_half = r->pub.hours;
	sy->pro_subject = xstrdup(r->pro.subject);
	sy->pro_form = xstrdup(r->pro.form);
	sy->pro_half = r->pro.hours;
	sy->agency = xstrdup(f->approval && f->approval->unit ?
	    f->approval->unit : "");
	sy->agency_name = xstrdup(units_name(s->units_loaded ? &s->units :
	    NULL, sy->agency, ""));
	sy->approved_on = beijing_date(approval_time(f));
	sy->application = xstrdup(f->app.id);
}

/* A row per year of sl's range, filled from the approved applications;
 * class 4 if two of them carry the same year. */
static int
years_fill(struct store *s, const struct collect *c, struct slip *sl,
    struct ceh_err *e)
{
	size_t i, j;
	int y;

	sl->nyears = (size_t)(sl->to - sl->from + 1);
	sl->years = xcalloc(sl->nyears, sizeof(*sl->years));
	for (y = sl->from; y <= sl->to; y++)
		year_empty(&sl->years[y - sl->from], y);
	for (i = 0; i < c->n; i++)
		for (j = 0; j < c->v[i].app.nyears; j++) {
			const struct year_row *r = &c->v[i].app.years[j];
			struct slip_year *sy;

			if (r->year < sl->from || r->year > sl->to)
				continue;
			sy = &sl->years[r->year - sl->from];
			if (sy->approved)
				return ceh_fail(e, CEH_ESTATE, _("year %d of %s "
				    "is approved in two applications, %s and "
				    "%s; run 'ceh fsck'"), r->year,
				    sl->id_number, sy->application,
				    c->v[i].app.id);
			year_fill(s, sy, r, &c->v[i]);
		}
	return 0;
}

/* In a signed store, every approved application with a year in the
 * range must verify (trust.h, through the cache): a slip never counts
 * hours whose approval does not.  Class 5 naming it and why. */
static int
approvals_verify(struct store *s, const struct collect *c, int from, int to,
    struct ceh_err *e)
{
	struct ceh_err sub;
	size_t i, j;

	if (!trust_signed(s))
		return 0;
	for (i = 0; i < c->n; i++)
		for (j = 0; j < c->v[i].app.nyears; j++) {
			int y = c->v[i].app.years[j].year;

			if (y < from || y > to)
				continue;
			if (trust_app_verified(s, &c->v[i].app, &sub) < 0)
				return ceh_fail(e, CEH_ESYS, _("application %s "
				    "approves year %d of the range, but its "
				    "approval does not verify (%s); no slip "
				    "counts it: see ceh verify %s and ceh "
				    "fsck"), c->v[i].app.id, y, sub.msg,
				    c->v[i].app.id);
			break;
		}
	return 0;
}

/* Per year total and mark, and the totals of the slip. */
static void
totals_fill(struct slip *sl)
{
	size_t i;

	for (i = 0; i < sl->nyears; i++) {
		struct slip_year *sy = &sl->years[i];

		sy->total_half = sy->pub_half + sy->pro_half;
		sy->met = sy->approved && year_met(&sl->rule, sy->pub_half,
		    sy->pro_half);
		sl->pub_half += sy->pub_half;
		sl->pro_half += sy->pro_half;
		sl->years_approved += sy->approved;
		sl->years_met += sy->met;
	}
	sl->total_half = sl->pub_half + sl->pro_half;
	sl->all_met = sl->years_met == (long)sl->nyears;
}

/* The person's details, from the latest approved application. */
static void
person_fill(struct store *s, struct slip *sl, const struct found *latest)
{
	const struct applicant *a = &latest->app.a;

	sl->name = xstrdup(a->name);
	sl->sex = xstrdup(idnum_sex(sl->id_number));
	sl->unit = xstrdup(a->unit);
	sl->unit_name = xstrdup(units_name(s->units_loaded ? &s->units :
	    NULL, a->unit, ""));
	sl->series = xstrdup(a->series);
	sl->specialty = xstrdup(a->specialty);
	sl->title_level = xstrdup(a->title_level);
	sl->application = xstrdup(latest->app.id);
}

/* Everything but the person and the figures: range, title, rule. */
static void
head_fill(struct store *s, const char *idnum, int from, int to,
    const struct slip_rule *rule, struct slip *sl)
{
	slip_release(sl);
	memcpy(sl->id_number, idnum, sizeof(sl->id_number));
	sl->from = from;
	sl->to = to;
	sl->title = xstrdup(s->cfg.slip_title);
	sl->basis = xstrdup(s->cfg.slip_basis);
	if (rule) {
		sl->rule = *rule;
		sl->rule.text = xstrdup(rule->text ? rule->text : "");
	} else
		rule_from_config(&sl->rule, &s->cfg);
}

/* Collect with a given rule (the store's for a new slip, the slip's own
 * when verifying). */
static int
collect(struct store *s, const char *idnum_in, int from, int to,
    const struct slip_rule *rule, struct slip *sl, struct ceh_err *e)
{
	struct collect c;
	char idnum[IDNUM_LEN + 1];
	struct ceh_err ue;
	size_t i;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	if (idnum_check("--id", idnum_in, idnum, e) < 0)
		return -1;
	if (slip_range_check(from, to, e) < 0)
		return -1;
	if (person_open(s, idnum, 0, &c.p, e) < 0) {
		if (e->code == CEH_ENOTFOUND)
			ceh_fail(e, CEH_ENOTFOUND, _("unknown person: no "
			    "applications for ID number %s"), idnum);
		return -1;
	}
	if (store_walk(s, idnum, visit, &c, e) != 0) {
		if (c.failed)
			*e = c.err;
		goto out;
	}
	/* names are a courtesy; codes are shown anyway */
	if (!s->units_loaded)
		(void)store_load_units(s, &ue);
	if (approvals_verify(s, &c, from, to, e) < 0)
		goto out;
	head_fill(s, idnum, from, to, rule, sl);
	if (years_fill(s, &c, sl, e) < 0)
		goto out;
	totals_fill(sl);
	if (sl->years_approved == 0) {
		if (c.n == 0)
			ceh_fail(e, CEH_ENOTFOUND, _("%s has no approved "
			    "application"), idnum);
		else
			ceh_fail(e, CEH_ENOTFOUND, _("%s has no approved hours "
			    "in %d-%d"), idnum, from, to);
		goto out;
	}
	person_fill(s, sl, latest_found(&c));
	rc = 0;
out:
	for (i = 0; i < c.n; i++)
		app_release(&c.v[i].app);
	free(c.v);
	person_close(&c.p);
	if (rc < 0)
		slip_release(sl);
	return rc;
}

int
slip_collect(struct store *s, const char *idnum, int from, int to,
    struct slip *sl, struct ceh_err *e)
{
	return collect(s, idnum, from, to, NULL, sl, e);
}

/* ---- sealing ---- */

static void
canon(struct sbuf *sb, const char *key, const char *val)
{
	sb_adds(sb, key);
	sb_addc(sb, '=');
	for (; *val; val++) {
		if (*val == '\\')
			sb_adds(sb, "\\\\");
		else if (*val == '\n')
			sb_adds(sb, "\\n");
		else
			sb_addc(sb, *val);
	}
	sb_addc(sb, '\n');
}

/* The canonical lines of fields[i..j) of base: those marked F_FIRST,
 * then the others. */
static void
canon_run(const void *base, size_t i, size_t j, int full, struct sbuf *out)
{
	char buf[48];
	size_t k;
	int first;

	for (first = 1; first >= 0; first--)
		for (k = i; k < j; k++) {
			const struct field *f = &fields[k];

			if (f->canon == NULL || (!full && (f->flags & F_FULL)) ||
			    ((f->flags & F_FIRST) != 0) != first)
				continue;
			canon(out, f->canon, field_text(base, f, buf,
			    sizeof(buf)));
		}
}

void
slip_canonical(const struct slip *sl, int full, struct sbuf *out)
{
	size_t i, j = 0, y;

	sb_adds(out, full ? "ceh-slip\n" : "ceh-slip-figures\n");
	while (next_run(&i, &j)) {
		if (fields[i].g != G_YEARS) {
			canon_run(sl, i, j, full, out);
			continue;
		}
		for (y = 0; y < sl->nyears; y++)
			canon_run(&sl->years[y], i, j, full, out);
	}
}

static int
read_secret(struct store *s, unsigned char key[32], struct ceh_err *e)
{
	char *buf = NULL;
	size_t len, i;
	int rc = -1;
	char shown[PATH_MAX];

	snprintf(shown, sizeof(shown), "%s/secret", s->root);
	if (private_file_check(s->rootfd, "secret", shown, e) < 0)
		return -1;
	if (read_file_at(s->rootfd, "secret", 256, &buf, &len, e) < 0) {
		if (e->code == CEH_ENOTFOUND)
			ceh_fail(e, CEH_ESYS, _("the store has no secret file "
			    "'%s/secret'; slips cannot be sealed"), s->root);
		return -1;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len != 64 || strspn(buf, "0123456789abcdef") < 64) {
		ceh_fail(e, CEH_ESYS, _("'%s/secret' is not 64 hex digits"),
		    s->root);
		goto out;
	}
	for (i = 0; i < 32; i++) {
		unsigned v;

		sscanf(buf + 2 * i, "%2x", &v);
		key[i] = (unsigned char)v;
	}
	rc = 0;
out:
	if (buf)
		memset(buf, 0, len);
	free(buf);
	return rc;
}

/* 100 bits of a hex digest as 20 Crockford characters, grouped by 4. */
static void
code_from_hex(const char *hex, char out[SLIP_CODE_LEN + 1])
{
	unsigned bits = 0, nbits = 0;
	int i, o = 0, n = 0;

	for (i = 0; n < SLIP_CODE_CHARS; i++) {
		char c = hex[i];

		bits = (bits << 4) | (unsigned)(c <= '9' ? c - '0' :
		    c - 'a' + 10);
		nbits += 4;
		while (nbits >= 5 && n < SLIP_CODE_CHARS) {
			if (n && n % 4 == 0)
				out[o++] = '-';
			out[o++] = crockford[(bits >> (nbits - 5)) & 31];
			nbits -= 5;
			n++;
		}
		bits &= (1u << nbits) - 1;
	}
	out[o] = '\0';
}

int
slip_compute_code(struct store *s, const struct slip *sl,
    char out[SLIP_CODE_LEN + 1], struct ceh_err *e)
{
	unsigned char key[32];
	struct sbuf sb = SBUF_INIT;
	char hex[SHA256_HEX_LEN + 1];

	if (read_secret(s, key, e) < 0)
		return -1;
	slip_canonical(sl, 1, &sb);
	hmac_sha256_hex(key, sizeof(key), sb.buf, sb.len, hex);
	memset(key, 0, sizeof(key));
	sb_release(&sb);
	code_from_hex(hex, out);
	return 0;
}

int
slip_code_normalise(const char *in, char out[SLIP_CODE_LEN + 1])
{
	int n = 0, o = 0;

	for (; *in; in++) {
		char c = *in;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		if (c == '\0' || strchr(crockford, c) == NULL ||
		    n == SLIP_CODE_CHARS)
			return -1;
		if (n && n % 4 == 0)
			out[o++] = '-';
		out[o++] = c;
		n++;
	}
	out[o] = '\0';
	return n == SLIP_CODE_CHARS ? 0 : -1;
}

int
slip_issue(struct store *s, struct slip *sl, struct ceh_err *e)
{
	unsigned char rnd[8];
	unsigned long long v = 0;
	char iso[32], code[SLIP_CODE_LEN + 1], num[SLIP_NUMBER_LEN + 1];
	long ymd = today_ymd();
	int i;

	if (random_bytes(rnd, sizeof(rnd)) < 0)
		return ceh_fail_errno(e, _("cannot get random bytes"));
	for (i = 0; i < 8; i++)
		v = (v << 8) | rnd[i];
	snprintf(num, sizeof(num), "%08ld-", ymd);
	for (i = 0; i < 10; i++)
		num[9 + i] = crockford[(v >> (5 * (9 - i))) & 31];
	num[SLIP_NUMBER_LEN] = '\0';
	free(sl->number);
	sl->number = xstrdup(num);
	iso_time(now(), iso, sizeof(iso));
	free(sl->issued);
	sl->issued = xstrdup(iso);
	free(sl->printed_on);
	sl->printed_on = beijing_date(iso);
	if (slip_compute_code(s, sl, code, e) < 0)
		return -1;
	free(sl->code);
	sl->code = xstrdup(code);
	return 0;
}

/* ---- writing: JSON and the record ---- */

/* A writer of nested maps and lists (lib/json.h or ytree.h's ywriter). */
struct emitter {
	void (*open)(void *w, const char *key, int list);
	void (*close)(void *w, int list);
	void (*str)(void *w, const char *key, const char *v);
	void (*num)(void *w, const char *key, long v);
	void (*hours)(void *w, const char *key, long half);
	void (*flag)(void *w, const char *key, int v);
};

static const struct emitter json_emitter;

static void
emit_field(const struct emitter *em, void *w, const void *base,
    const struct field *f)
{
	char buf[48];

	if ((f->flags & F_JSON) && em != &json_emitter)
		return;
	if ((f->flags & F_OPT) && f->t == T_STR &&
	    (STR(base, f) == NULL || *STR(base, f) == '\0'))
		return;
	switch (f->t) {
	case T_LONG: em->num(w, f->key, LONGV(base, f)); break;
	case T_INT: em->num(w, f->key, INTV(base, f)); break;
	case T_NYEARS:
		em->num(w, f->key, (long)*(size_t *)member(base, f));
		break;
	case T_BOOL: em->flag(w, f->key, INTV(base, f)); break;
	case T_UNSIGNED: em->flag(w, f->key, !INTV(base, f)); break;
	case T_HALF: em->hours(w, f->key, LONGV(base, f)); break;
	default:
		em->str(w, f->key, field_text(base, f, buf, sizeof(buf)));
	}
}

static void
emit_run(const struct emitter *em, void *w, const void *base, size_t i,
    size_t j)
{
	for (; i < j; i++)
		emit_field(em, w, base, &fields[i]);
}

/* Every field of sl, in table order, nested by group. */
static void
emit(const struct slip *sl, const struct emitter *em, void *w)
{
	size_t i, j = 0, y;
	enum group g;

	em->open(w, NULL, 0);
	while (next_run(&i, &j)) {
		g = fields[i].g;
		if (g == G_TOP) {
			emit_run(em, w, sl, i, j);
			continue;
		}
		em->open(w, group_key[g], g == G_YEARS);
		if (g != G_YEARS)
			emit_run(em, w, sl, i, j);
		for (y = 0; g == G_YEARS && y < sl->nyears; y++) {
			em->open(w, NULL, 0);
			emit_run(em, w, &sl->years[y], i, j);
			em->close(w, 0);
		}
		em->close(w, g == G_YEARS);
	}
	em->close(w, 0);
}

static void
j_open(void *w, const char *key, int list)
{
	if (list)
		json_arr_begin(w, key);
	else
		json_obj_begin(w, key);
}

static void
j_close(void *w, int list)
{
	if (list)
		json_arr_end(w);
	else
		json_obj_end(w);
}

static void
j_str(void *w, const char *k, const char *v)
{
	json_str(w, k, v);
}

static void
j_num(void *w, const char *k, long v)
{
	json_int(w, k, v);
}

static void
j_hours(void *w, const char *k, long v)
{
	json_hours(w, k, v);
}

static void
j_flag(void *w, const char *k, int v)
{
	json_bool(w, k, v);
}

static const struct emitter json_emitter = {
	j_open, j_close, j_str, j_num, j_hours, j_flag
};

void
slip_json(const struct slip *sl, FILE *out)
{
	struct json j;

	json_init(&j, out, 1);
	emit(sl, &json_emitter, &j);
	json_end(&j);
}

static void
y_open(void *w, const char *key, int list)
{
	if (key)
		yw_plain(w, key);
	if (list)
		yw_seq_start(w);
	else
		yw_map_start(w);
}

static void
y_close(void *w, int list)
{
	if (list)
		yw_seq_end(w);
	else
		yw_map_end(w);
}

static void
y_str(void *w, const char *k, const char *v)
{
	yw_kv(w, k, v);
}

static void
y_num(void *w, const char *k, long v)
{
	yw_kv_long(w, k, v);
}

static void
y_hours(void *w, const char *key, long half)
{
	char buf[24];

	yw_plain(w, key);
	yw_plain(w, hours_fmt(half, buf, sizeof(buf)));
}

static void
y_flag(void *w, const char *key, int v)
{
	yw_plain(w, key);
	yw_plain(w, v ? "true" : "false");
}

static const struct emitter yaml_emitter = {
	y_open, y_close, y_str, y_num, y_hours, y_flag
};

static int
record_emit(const struct slip *sl, struct sbuf *out, struct ceh_err *e)
{
	struct ywriter *w = yw_new();
	int rc;

	emit(sl, &yaml_emitter, w);
	rc = yw_finish(w, out, e);
	yw_free(w);
	return rc;
}

/* ---- the record ---- */

static void
compact_code(const char *code, char out[SLIP_CODE_CHARS + 1])
{
	int o = 0;

	for (; *code && o < SLIP_CODE_CHARS; code++)
		if (*code != '-')
			out[o++] = *code;
	out[o] = '\0';
}

int
slip_record_save(struct store *s, const struct slip *sl, struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	char name[SLIP_NUMBER_LEN + SLIP_CODE_CHARS + 8];
	char cc[SLIP_CODE_CHARS + 1];
	int dfd, rc;

	if (store_may_write(s, e) < 0 || record_emit(sl, &sb, e) < 0)
		return -1;
	if ((dfd = open_dir_at(s->rootfd, "slips", 1, e)) < 0) {
		sb_release(&sb);
		return -1;
	}
	compact_code(sl->code, cc);
	snprintf(name, sizeof(name), "%s.%s.yaml", sl->number, cc);
	rc = atomic_create(dfd, name, sb.buf, sb.len, e);
	if (rc < 0)
		ceh_err_prefix(e, _("cannot record slip %s"), sl->number);
	close(dfd);
	sb_release(&sb);
	return rc;
}

/* NUMBER.CODE.yaml with the exact shapes; fills number and code. */
static int
record_name(const char *n, char num[SLIP_NUMBER_LEN + 1],
    char cc[SLIP_CODE_CHARS + 1])
{
	size_t i;

	if (strlen(n) != SLIP_NUMBER_LEN + 1 + SLIP_CODE_CHARS + 5 ||
	    strcmp(n + SLIP_NUMBER_LEN + 1 + SLIP_CODE_CHARS, ".yaml") != 0 ||
	    n[SLIP_NUMBER_LEN] != '.' || n[8] != '-' ||
	    strspn(n, "0123456789") != 8)
		return 0;
	for (i = 9; i < SLIP_NUMBER_LEN; i++)
		if (strchr(crockford, n[i]) == NULL || n[i] == '\0')
			return 0;
	for (i = SLIP_NUMBER_LEN + 1; i < SLIP_NUMBER_LEN + 1 +
	    SLIP_CODE_CHARS; i++)
		if (strchr(crockford, n[i]) == NULL || n[i] == '\0')
			return 0;
	memcpy(num, n, SLIP_NUMBER_LEN);
	num[SLIP_NUMBER_LEN] = '\0';
	memcpy(cc, n + SLIP_NUMBER_LEN + 1, SLIP_CODE_CHARS);
	cc[SLIP_CODE_CHARS] = '\0';
	return 1;
}

int
slip_record_find(struct store *s, const char *code, const char *number,
    struct slip *sl, struct ceh_err *e)
{
	char want[SLIP_CODE_CHARS + 1], num[SLIP_NUMBER_LEN + 1];
	char cc[SLIP_CODE_CHARS + 1], found[NAME_MAX + 1], fname[NAME_MAX + 8];
	struct dirent *d;
	char *buf = NULL;
	size_t len;
	DIR *dir;
	int dfd, fd, rc;

	found[0] = '\0';
	if (code)
		compact_code(code, want);
	dfd = openat(s->rootfd, "slips", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dfd < 0) {
		if (errno != ENOENT)
			return ceh_fail_errno(e, _("cannot open '%s/slips'"),
			    s->root);
		goto none;
	}
	fd = dup(dfd);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		close(dfd);
		return ceh_fail_errno(e, _("cannot read '%s/slips'"), s->root);
	}
	while ((d = readdir(dir)) != NULL) {
		if (!record_name(d->d_name, num, cc))
			continue;
		if ((code && strcmp(cc, want) == 0) ||
		    (number && strcmp(num, number) == 0)) {
			snprintf(found, sizeof(found), "%s", d->d_name);
			break;
		}
	}
	closedir(dir);
	if (found[0] == '\0') {
		close(dfd);
		goto none;
	}
	rc = read_file_at(dfd, found, 1 << 20, &buf, &len, e);
	close(dfd);
	if (rc < 0)
		return -1;
	snprintf(fname, sizeof(fname), "slips/%s", found);
	rc = slip_parse(buf, len, fname, sl, e);
	free(buf);
	if (rc == 0 && (strcmp(sl->number, num) != 0 ||
	    (compact_code(sl->code, want), strcmp(want, cc) != 0))) {
		slip_release(sl);
		return ceh_fail(e, CEH_EINPUT, _("%s: the number or code inside "
		    "does not match the file name"), fname);
	}
	return rc;
none:
	if (code)
		return ceh_fail(e, CEH_ENOTFOUND, _("no slip with code %s was "
		    "issued by this store"), code);
	return ceh_fail(e, CEH_ENOTFOUND, _("no slip numbered %s was issued "
	    "by this store"), number ? number : "");
}

/* ---- reading a slip back (JSON file or record) ---- */

static int
hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			*v = *v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v = *v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v = *v * 16 + (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/*
 * JSON writes a character beyond the BMP as a pair of \u escapes (UTF-16
 * surrogates), which YAML (libyaml) refuses.  Replace each such pair by
 * the character in UTF-8; everything else is copied.  out holds len + 1.
 */
static size_t
join_surrogates(const char *in, size_t len, char *out)
{
	size_t i = 0, o = 0;
	unsigned hi, lo, cp;

	while (i < len) {
		if (in[i] != '\\') {
			out[o++] = in[i++];
			continue;
		}
		if (i + 12 <= len && in[i + 1] == 'u' && in[i + 6] == '\\' &&
		    in[i + 7] == 'u' && hex4(in + i + 2, &hi) == 0 &&
		    hex4(in + i + 8, &lo) == 0 && hi >= 0xd800 && hi < 0xdc00 &&
		    lo >= 0xdc00 && lo < 0xe000) {
			cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
			out[o++] = (char)(0xf0 | (cp >> 18));
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
			i += 12;
			continue;
		}
		/* any other escape, \\ included, is copied whole */
		out[o++] = in[i++];
		if (i < len)
			out[o++] = in[i++];
	}
	out[o] = '\0';
	return o;
}

static int
get_str(const struct ynode *m, const char *key, int required, char **out,
    const char *fname, struct ceh_err *e)
{
	const char *v = "";

	if (ymap_str(m, key, required, &v, fname, e) < 0)
		return -1;
	/* no control characters: a slip file is outside input and its
	 * fields are printed back (a forged number must not be able to
	 * rewrite the verdict line on a terminal) */
	if (!utf8_valid(v, strlen(v)) || strlen(v) > 4000 || has_control(v))
		return ceh_fail(e, CEH_EINPUT, _("%s: field '%s' is not valid "
		    "text"), fname, key);
	free(*out);
	*out = xstrdup(v);
	return 0;
}

/* The fields of the string types that are not free text. */
static int
parse_special(const struct field *f, void *base, const char *v,
    const char *fname, struct ceh_err *e)
{
	struct slip_rule *r;
	long sn, sd;
	char extra;

	switch (f->t) {
	case T_IDNUM:
		if (strlen(v) != IDNUM_LEN)
			return ceh_fail(e, CEH_EINPUT, _("%s: %s.%s is not an ID "
			    "number"), fname, group_key[f->g], f->key);
		memcpy(member(base, f), v, IDNUM_LEN + 1);
		return 0;
	case T_SCHEME:
		if (strcmp(v, "hunan") != 0 && strcmp(v, "national") != 0)
			return ceh_fail(e, CEH_EINPUT, _("%s: %s.%s must be hunan "
			    "or national"), fname, group_key[f->g], f->key);
		INTV(base, f) = strcmp(v, "national") == 0;
		return 0;
	default:	/* T_SHARE */
		if (sscanf(v, "%ld/%ld%c", &sn, &sd, &extra) != 2 || sn < 0 ||
		    sd <= 0 || sn > sd)
			return ceh_fail(e, CEH_EINPUT, _("%s: %s.%s must be a "
			    "fraction like 2/3"), fname, group_key[f->g],
			    f->key);
		r = member(base, f);
		r->share_num = sn;
		r->share_den = sd;
		return 0;
	}
}

/* Read field f of map m into base. */
static int
parse_field(const struct ynode *m, const struct field *f, void *base,
    const char *fname, struct ceh_err *e)
{
	const char *v = NULL;
	char what[64];
	long n;
	int flag;

	switch (f->t) {
	case T_STR:
		return get_str(m, f->key, !(f->flags & F_OPT),
		    (char **)member(base, f), fname, e);
	case T_LONG:
		return ymap_long(m, f->key, 1, f->min, f->max,
		    (long *)member(base, f), fname, e);
	case T_INT:
		if (ymap_long(m, f->key, 1, f->min, f->max, &n, fname, e) < 0)
			return -1;
		INTV(base, f) = (int)n;
		return 0;
	case T_BOOL:
		return ymap_bool(m, f->key, 1, (int *)member(base, f), fname,
		    e);
	case T_UNSIGNED:	/* absent: as the field was before it */
		flag = !INTV(base, f);
		if (ymap_bool(m, f->key, 0, &flag, fname, e) < 0)
			return -1;
		INTV(base, f) = !flag;
		return 0;
	case T_NYEARS:	/* the rows are read before the totals */
		if (ymap_long(m, f->key, 1, f->min, f->max, &n, fname, e) < 0)
			return -1;
		if (n != (long)*(size_t *)member(base, f))
			return ceh_fail(e, CEH_EINPUT, _("%s: %s.%s says %ld but "
			    "the slip lists %zu"), fname, group_key[f->g],
			    f->key, n, *(size_t *)member(base, f));
		return 0;
	default:
		break;
	}
	if (ymap_str(m, f->key, 1, &v, fname, e) < 0)
		return -1;
	if (f->t != T_HALF)
		return parse_special(f, base, v, fname, e);
	snprintf(what, sizeof(what), _("%s: field '%s'"), fname, f->key);
	return hours_parse(what, v, f->max, (long *)member(base, f), e);
}

/* Read fields[i..j) from map m into base (parse_groups has checked that
 * m holds no other key). */
static int
parse_run(const struct ynode *m, void *base, size_t i, size_t j,
    const char *fname, struct ceh_err *e)
{
	size_t k;

	for (k = i; k < j; k++)
		if (parse_field(m, &fields[k], base, fname, e) < 0)
			return -1;
	return 0;
}

/* The keys of group g (G_TOP: with the groups' own keys) for ymap_only,
 * into keys (NFIELDS + G__COUNT + 1). */
static void
group_keys(enum group g, const char **keys)
{
	size_t k, n = 0;
	int h;

	for (k = 0; k < NFIELDS; k++)
		if (fields[k].g == g)
			keys[n++] = fields[k].key;
	for (h = 1; g == G_TOP && h < G__COUNT; h++)
		keys[n++] = group_key[h];
	keys[n] = NULL;
}

/* The root and the groups under it, each of its kind and with only its
 * own keys (the rows are checked in parse_years). */
static int
parse_groups(const struct ynode *root, const struct ynode **node,
    const char *fname, struct ceh_err *e)
{
	const char *keys[NFIELDS + G__COUNT + 1];
	int g;

	group_keys(G_TOP, keys);
	if (ynode_expect(root, Y_MAP, "slip", fname, e) < 0 ||
	    ymap_only(root, keys, fname, e) < 0)
		return -1;
	node[G_TOP] = root;
	for (g = 1; g < G__COUNT; g++)
		if ((node[g] = ymap_get(root, group_key[g])) == NULL)
			return ceh_fail(e, CEH_EINPUT, _("%s: a slip needs rule, "
			    "person, years and totals"), fname);
	for (g = 1; g < G__COUNT; g++) {
		group_keys((enum group)g, keys);
		if (ynode_expect(node[g], g == G_YEARS ? Y_SEQ : Y_MAP,
		    group_key[g], fname, e) < 0 ||
		    (g != G_YEARS && ymap_only(node[g], keys, fname, e) < 0))
			return -1;
	}
	return 0;
}

/* The rows: 1 to SLIP_MAX_YEARS maps of fields[i..j). */
static int
parse_years(const struct ynode *ys, struct slip *sl, size_t i, size_t j,
    const char *fname, struct ceh_err *e)
{
	const char *keys[NFIELDS + G__COUNT + 1];
	size_t k;

	if (ys->n == 0 || ys->n > SLIP_MAX_YEARS)
		return ceh_fail(e, CEH_EINPUT, _("%s: a slip has 1 to %d years"),
		    fname, SLIP_MAX_YEARS);
	group_keys(G_YEARS, keys);
	sl->years = xcalloc(ys->n, sizeof(*sl->years));
	for (k = 0; k < ys->n; k++) {
		const struct ynode *y = ys->vals[k];

		year_empty(&sl->years[k], 0);
		sl->nyears = k + 1;
		if (ynode_expect(y, Y_MAP, "years item", fname, e) < 0 ||
		    ymap_only(y, keys, fname, e) < 0 ||
		    parse_run(y, &sl->years[k], i, j, fname, e) < 0)
			return -1;
	}
	return 0;
}

int
slip_parse(const char *buf, size_t len, const char *fname, struct slip *sl,
    struct ceh_err *e)
{
	const struct ynode *node[G__COUNT];
	struct ynode *root;
	char *joined;
	size_t i, j = 0;
	int rc = -1;

	slip_release(sl);
	joined = xmalloc(len + 1);
	len = join_surrogates(buf, len, joined);
	root = ytree_parse(joined, len, fname, e);
	free(joined);
	if (root == NULL)
		return -1;
	if (parse_groups(root, node, fname, e) < 0)
		goto out;
	while (next_run(&i, &j)) {
		enum group g = fields[i].g;

		if (g == G_YEARS)
			rc = parse_years(node[g], sl, i, j, fname, e);
		else
			rc = parse_run(node[g], sl, i, j, fname, e);
		if (rc < 0)
			goto out;
	}
	rc = 0;
out:
	ytree_free(root);
	if (rc < 0)
		slip_release(sl);
	return rc;
}

/* ---- verifying ---- */

const char *
slip_verdict_name(enum slip_verdict v)
{
	switch (v) {
	case SLIP_VALID: return "valid";
	case SLIP_ALTERED: return "altered";
	case SLIP_UNKNOWN: return "unknown";
	case SLIP_CHANGED: return "changed";
	case SLIP_UNKNOWN_KEY: return "unknown key";
	case SLIP_REVOKED: return "revoked";
	}
	return "?";
}

int
slip_verdict_exit(enum slip_verdict v)
{
	switch (v) {
	case SLIP_VALID: return CEH_OK;
	case SLIP_ALTERED: return CEH_EINPUT;
	case SLIP_UNKNOWN: return CEH_ENOTFOUND;
	case SLIP_CHANGED: return CEH_ESTATE;
	case SLIP_UNKNOWN_KEY: return CEH_ENOTFOUND;
	case SLIP_REVOKED: return CEH_ESTATE;
	}
	return CEH_ESYS;
}

static void
describe_year(const struct slip_year *y, struct sbuf *sb)
{
	char a[24], b[24], c[24];

	if (!y->approved) {
		sb_adds(sb, "未核认");
		return;
	}
	sb_addf(sb, "公需 %s + 专业 %s = %s", hours_fmt(y->pub_half, a,
	    sizeof(a)), hours_fmt(y->pro_half, b, sizeof(b)),
	    hours_fmt(y->total_half, c, sizeof(c)));
}

static int
year_same(const struct slip_year *a, const struct slip_year *b)
{
	return a->year == b->year && a->approved == b->approved &&
	    a->pub_half == b->pub_half && a->pro_half == b->pro_half &&
	    a->met == b->met && strcmp(a->pub_subject, b->pub_subject) == 0 &&
	    strcmp(a->pro_subject, b->pro_subject) == 0 &&
	    strcmp(a->pub_form, b->pub_form) == 0 &&
	    strcmp(a->pro_form, b->pro_form) == 0 &&
	    strcmp(a->agency, b->agency) == 0 &&
	    strcmp(a->approved_on, b->approved_on) == 0 &&
	    strcmp(a->application, b->application) == 0;
}

static int
sb_same(const struct sbuf *a, const struct sbuf *b)
{
	return a->len == b->len && memcmp(a->buf, b->buf, a->len) == 0;
}

/* A slip from a file: a record with its number must exist and say the
 * same.  1 with *v and why set when it does not, 0 if it does, -1. */
static int
check_record(struct store *s, const struct slip *sl, enum slip_verdict *v,
    struct sbuf *why, struct ceh_err *e)
{
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	struct slip rec;
	int rc = 0;

	slip_init(&rec);
	if (slip_record_find(s, NULL, sl->number, &rec, e) < 0) {
		if (e->code != CEH_ENOTFOUND)
			return -1;
		*v = SLIP_UNKNOWN;
		sb_addf(why, _("no slip numbered %s was issued by this store"),
		    sl->number);
		return 1;
	}
	slip_canonical(sl, 1, &a);
	slip_canonical(&rec, 1, &b);
	if (!sb_same(&a, &b)) {
		*v = SLIP_ALTERED;
		sb_addf(why, _("slip %s differs from the store's record of it"),
		    sl->number);
		rc = 1;
	}
	sb_release(&a);
	sb_release(&b);
	slip_release(&rec);
	return rc;
}

/* Compare sl's figures with cur, collected now. */
static void
compare_now(const struct slip *sl, const struct slip *cur,
    enum slip_verdict *v, struct sbuf *why)
{
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	size_t i;

	slip_canonical(sl, 0, &a);
	slip_canonical(cur, 0, &b);
	*v = sb_same(&a, &b) ? SLIP_VALID : SLIP_CHANGED;
	sb_release(&a);
	sb_release(&b);
	if (*v == SLIP_VALID) {
		sb_addf(why, _("slip %s was issued by this store on %s and its "
		    "figures match the approved data"), sl->number,
		    sl->printed_on);
		return;
	}
	sb_addf(why, _("slip %s was issued by this store but the approved data "
	    "have changed since:"), sl->number);
	for (i = 0; i < sl->nyears && i < cur->nyears; i++) {
		if (year_same(&sl->years[i], &cur->years[i]))
			continue;
		/* TRANSLATORS: " 2023: slip 未核认, now 公需 30 + ..." */
		sb_addf(why, _(" %d: slip "), sl->years[i].year);
		describe_year(&sl->years[i], why);
		sb_adds(why, _(", now "));
		describe_year(&cur->years[i], why);
		sb_addc(why, ';');
	}
	if (why->len && why->buf[why->len - 1] == ';')
		why->buf[--why->len] = '\0';
}

void
slip_revoked_approval(struct store *s, const struct slip *sl,
    enum slip_verdict *v, struct sbuf *why)
{
	size_t i, k;

	for (i = 0; i < sl->nyears && (*v == SLIP_CHANGED ||
	    *v == SLIP_VALID); i++) {
		const struct slip_year *y = &sl->years[i];
		struct app_handle h;
		struct ceh_err sub;

		if (!y->approved || y->application == NULL ||
		    !y->application[0])
			continue;
		app_handle_init(&h);
		if (app_open(s, y->application, 0, &h, &sub) == 0 &&
		    h.app.stage == STAGE_REJECTED)
			for (k = h.app.nhistory; k-- > 0;) {
				const struct event *ev = &h.app.history[k];

				if (strcmp(ev->what, "revoked") != 0)
					continue;
				*v = SLIP_REVOKED;
				sb_reset(why);
				sb_addf(why, _("slip %s counted the hours of "
				    "application %s, whose approval %s revoked "
				    "on %.10s: %s"), sl->number, h.app.id,
				    ev->unit, ev->at, ev->reason);
				break;
			}
		app_close(&h);
	}
}

int
slip_verify(struct store *s, const struct slip *sl, int from_file,
    enum slip_verdict *v, struct sbuf *why, struct ceh_err *e)
{
	char code[SLIP_CODE_LEN + 1], given[SLIP_CODE_LEN + 1];
	struct slip cur;
	struct ceh_err ce;
	int rc;

	if (slip_compute_code(s, sl, code, e) < 0)
		return -1;
	if (slip_code_normalise(sl->code, given) < 0 ||
	    !hash_equal(code, given)) {
		*v = SLIP_ALTERED;
		sb_addf(why, from_file ? _("the figures of slip %s do not match "
		    "its verification code: the slip was altered or the code "
		    "is forged") : _("the store's record of slip %s does not "
		    "match its verification code: the record was altered"),
		    sl->number);
		return 0;
	}
	if (from_file && (rc = check_record(s, sl, v, why, e)) != 0)
		return rc < 0 ? -1 : 0;
	slip_init(&cur);
	if (collect(s, sl->id_number, sl->from, sl->to, &sl->rule, &cur,
	    &ce) == 0)
		compare_now(sl, &cur, v, why);
	else if (ce.code == CEH_ENOTFOUND || ce.code == CEH_EINPUT ||
	    ce.code == CEH_ESTATE) {
		*v = SLIP_CHANGED;
		sb_addf(why, _("the approved data no longer give this slip: %s"),
		    ce.msg);
	} else {
		*e = ce;
		return -1;
	}
	slip_release(&cur);
	slip_revoked_approval(s, sl, v, why);
	return 0;
}

/* ---- copies ---- */

void
slip_mark_copy(struct slip *sl)
{
	char iso[32];

	free(sl->number);
	sl->number = xstrdup("");
	free(sl->code);
	sl->code = xstrdup("");
	iso_time(now(), iso, sizeof(iso));
	free(sl->issued);
	sl->issued = xstrdup(iso);
	free(sl->printed_on);
	sl->printed_on = beijing_date(iso);
	sl->copy = 1;
}

/* ---- the slips of a person ---- */

const char *
slip_issuer(const struct slip *sl)
{
	size_t i;

	if (sl->signer && *sl->signer)
		return sl->signer;
	for (i = sl->nyears; i-- > 0;)
		if (sl->years[i].approved && *sl->years[i].agency)
			return sl->years[i].agency;
	return NULL;
}

const char *
slip_issuer_name(const struct slip *sl)
{
	const char *code = slip_issuer(sl);
	size_t i;

	for (i = sl->nyears; code && i-- > 0;)
		if (sl->years[i].approved && strcmp(sl->years[i].agency,
		    code) == 0 && sl->years[i].agency_name &&
		    *sl->years[i].agency_name)
			return sl->years[i].agency_name;
	return code ? code : "";
}

int
slip_same_content(const struct slip *a, const struct slip *b)
{
	struct sbuf ca = SBUF_INIT, cb = SBUF_INIT;
	struct slip t = *b;
	int same;

	/* b as if issued with a's number and at a's time: the rest of
	 * the full canonical form is what the paper says */
	t.number = a->number;
	t.issued = a->issued;
	t.printed_on = a->printed_on;
	slip_canonical(a, 1, &ca);
	slip_canonical(&t, 1, &cb);
	same = sb_same(&ca, &cb);
	sb_release(&ca);
	sb_release(&cb);
	return same;
}

void
slip_records_free(struct slip *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		slip_release(&v[i]);
	free(v);
}

static int
by_issue(const void *pa, const void *pb)
{
	const struct slip *a = pa, *b = pb;
	int c = strcmp(a->issued, b->issued);

	return c ? c : strcmp(a->number, b->number);
}

/* Record fname of dfd into sl if it is idnum's: 1, 0 if it is another
 * person's, -1 (a damaged record of the person: class 5). */
static int
record_of(int dfd, const char *fname, const char *idnum, struct slip *sl,
    struct ceh_err *e)
{
	char shown[NAME_MAX + 8], num[SLIP_NUMBER_LEN + 1], cc[SLIP_CODE_CHARS + 1];
	char want[SLIP_CODE_CHARS + 1];
	char *buf = NULL;
	size_t len;
	int rc;

	if (read_file_at(dfd, fname, 1 << 20, &buf, &len, e) < 0) {
		ceh_err_prefix(e, _("cannot read slips/%s"), fname);
		return -1;
	}
	/* the ID number is written as it is in every record of the person:
	 * others are skipped unparsed */
	if (memmem(buf, len, idnum, IDNUM_LEN) == NULL) {
		free(buf);
		return 0;
	}
	snprintf(shown, sizeof(shown), "slips/%s", fname);
	rc = slip_parse(buf, len, shown, sl, e);
	free(buf);
	if (rc < 0) {
		e->code = CEH_ESYS;
		ceh_err_prefix(e, _("a damaged slip record (see ceh fsck)"));
		return -1;
	}
	if (strcmp(sl->id_number, idnum) != 0) {
		slip_release(sl);
		return 0;
	}
	(void)record_name(fname, num, cc);
	compact_code(sl->code, want);
	if (strcmp(sl->number, num) != 0 || strcmp(want, cc) != 0) {
		slip_release(sl);
		return ceh_fail(e, CEH_ESYS, _("%s: the number or code inside "
		    "does not match the file name"), shown);
	}
	return 1;
}

int
slip_records_of(struct store *s, const char *idnum, struct slip **out,
    size_t *nout, struct ceh_err *e)
{
	char num[SLIP_NUMBER_LEN + 1], cc[SLIP_CODE_CHARS + 1];
	struct slip *v = NULL, one;
	struct dirent *d;
	size_t n = 0;
	DIR *dir;
	int dfd, fd, rc = 0;

	*out = NULL;
	*nout = 0;
	dfd = openat(s->rootfd, "slips", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			return 0;
		return ceh_fail_errno(e, _("cannot open '%s/slips'"), s->root);
	}
	fd = dup(dfd);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		close(dfd);
		return ceh_fail_errno(e, _("cannot read '%s/slips'"), s->root);
	}
	slip_init(&one);
	while ((d = readdir(dir)) != NULL) {
		if (!record_name(d->d_name, num, cc))
			continue;
		if ((rc = record_of(dfd, d->d_name, idnum, &one, e)) < 0)
			break;
		if (rc == 0)
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = one;
		slip_init(&one);
		rc = 0;
	}
	closedir(dir);
	close(dfd);
	if (rc < 0) {
		slip_records_free(v, n);
		return -1;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), by_issue);
	*out = v;
	*nout = n;
	return 0;
}
