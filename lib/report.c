/*
 * report.c - compliance statistics and shortfall lists over a stream of
 * struct report_app (see report.h for the definitions of every figure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "i18n.h"
#include "report.h"
#include "util.h"

static const char *const stage_keys[RS__COUNT] = { "draft",
    "waiting_employer", "waiting_supervisor", "waiting_agency", "approved",
    "rejected", "returned", "withdrawn" };
static const char *const stage_labels[RS__COUNT] = { "暂存",
    "待用人单位审核", "待主管部门审核", "待人社部门审核", "审核通过",
    "审核不通过", "退回", "已撤销" };
static const char *const level_keys[RL__COUNT] = { "employer", "supervisor",
    "agency" };
static const char *const level_labels[RL__COUNT] = { "用人单位", "主管部门",
    "人社部门" };
static const char *const key_names[RK__COUNT] = { "unit", "supervisor",
    "region", "series", "level", "year", "stage" };
static const char *const key_labels[RK__COUNT] = { "单位", "主管部门",
    "行政区划", "申报系列", "拟申报职称", "年度", "审核状态" };

const char *report_stage_key(enum report_stage s) { return stage_keys[s]; }
const char *report_stage_label(enum report_stage s) { return stage_labels[s]; }
const char *report_level_key(enum report_level l) { return level_keys[l]; }
const char *report_level_label(enum report_level l) { return level_labels[l]; }
const char *report_key_name(enum report_key k) { return key_names[k]; }
const char *report_key_label(enum report_key k) { return key_labels[k]; }

int
report_stage_parse(const char *s, unsigned *mask)
{
	static const struct { const char *word; unsigned mask; } alias[] = {
		{ "review", 7u << RS_WAIT_EMPLOYER },
		{ "waiting", 7u << RS_WAIT_EMPLOYER },
		{ "待审核", 7u << RS_WAIT_EMPLOYER },
	};
	size_t i;

	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcmp(s, alias[i].word) == 0) {
			*mask = alias[i].mask;
			return 0;
		}
	for (i = 0; i < RS__COUNT; i++)
		if (strcmp(s, stage_keys[i]) == 0 ||
		    strcmp(s, stage_labels[i]) == 0) {
			*mask = 1u << i;
			return 0;
		}
	return -1;
}

int
report_key_parse(const char *s, enum report_key *out)
{
	int i;

	for (i = 0; i < RK__COUNT; i++)
		if (strcmp(s, key_names[i]) == 0) {
			*out = (enum report_key)i;
			return 0;
		}
	return -1;
}

/* ---- filling a record from a document ---- */

static int
copy_field(char *dst, size_t size, const char *src, const char *what,
    const char *id, struct ceh_err *e)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		return ceh_fail(e, CEH_ESYS, _("application %s: %s is too long "
		    "for a report record"), id, what);
	memcpy(dst, src ? src : "", n + 1);
	return 0;
}

enum report_level
report_unit_level(const struct units *u, const char *code)
{
	const struct unit *un = code && code[0] ? units_find(u, code) : NULL;

	if (un == NULL)
		return RL_SUPERVISOR;
	if (un->kind == UNIT_EMPLOYER)
		return RL_EMPLOYER;
	return un->kind == UNIT_AGENCY ? RL_AGENCY : RL_SUPERVISOR;
}

static enum report_stage
stage_of(const struct application *app, const struct units *u)
{
	const char *st;

	switch (app->stage) {
	case STAGE_REVIEW:
		switch (report_unit_level(u, app->waiting_at)) {
		case RL_EMPLOYER:
			return RS_WAIT_EMPLOYER;
		case RL_AGENCY:
			return RS_WAIT_AGENCY;
		default:
			return RS_WAIT_SUPERVISOR;
		}
	case STAGE_APPROVED:
		return RS_APPROVED;
	case STAGE_REJECTED:
		return RS_REJECTED;
	default:
		st = app_status(app);	/* the one reading of the history */
		if (strcmp(st, "退回") == 0)
			return RS_RETURNED;
		if (strcmp(st, "已撤销") == 0)
			return RS_WITHDRAWN;
		return RS_DRAFT;
	}
}

/* The stints at each level, from the history (see report.h). */
static void
fill_waits(struct report_app *ra, const struct application *app,
    const struct units *u)
{
	/* an undo ends the stint at the unit it took back from and starts
	 * one again at the unit that undid its decision (its next) */
	static const char *const ends[] = { "forwarded", "approved",
	    "rejected", "returned", "withdrawn", "undone", NULL };
	int cur = -1;
	size_t i;

	for (i = 0; i < app->nhistory; i++) {
		const struct event *ev = &app->history[i];
		time_t t;

		if (parse_iso_time(ev->at, &t) < 0)
			continue;
		if (cur >= 0 && (str_in(ev->what, ends) ||
		    strcmp(ev->what, "submitted") == 0)) {
			ra->wait[cur].left = t;
			ra->wait[cur].secs += t > ra->wait[cur].arrived ?
			    t - ra->wait[cur].arrived : 0;
			cur = -1;
		}
		if ((strcmp(ev->what, "submitted") == 0 ||
		    strcmp(ev->what, "forwarded") == 0 ||
		    strcmp(ev->what, "undone") == 0) && ev->next &&
		    ev->next[0]) {
			cur = (int)report_unit_level(u, ev->next);
			ra->wait[cur].stints++;
			ra->wait[cur].arrived = t;
			ra->wait[cur].left = 0;
		}
	}
}

int
report_app_fill(struct report_app *ra, const struct application *app,
    const struct units *u, struct ceh_err *e)
{
	time_t t;
	size_t i;

	memset(ra, 0, sizeof(*ra));
	if (copy_field(ra->id, sizeof(ra->id), app->id, _("the id"), app->id,
	    e) < 0 ||
	    copy_field(ra->idnum, sizeof(ra->idnum), app->a.id_number,
	    _("the ID number"), app->id, e) < 0 ||
	    copy_field(ra->name, sizeof(ra->name), app->a.name, _("the name"),
	    app->id, e) < 0 ||
	    copy_field(ra->unit, sizeof(ra->unit), app->a.unit, _("the unit"),
	    app->id, e) < 0 ||
	    copy_field(ra->series, sizeof(ra->series), app->a.series,
	    _("the series"), app->id, e) < 0 ||
	    copy_field(ra->level, sizeof(ra->level), app->a.title_level,
	    _("the title level"), app->id, e) < 0 ||
	    copy_field(ra->region, sizeof(ra->region), app->a.region,
	    _("the region"), app->id, e) < 0 ||
	    copy_field(ra->waiting_at, sizeof(ra->waiting_at),
	    app->stage == STAGE_REVIEW ? app->waiting_at : "",
	    "waiting_at", app->id, e) < 0)
		return -1;
	if (app->nyears > REPORT_MAX_YEARS)
		return ceh_fail(e, CEH_ESYS, _("application %s: more than %d "
		    "years for a report record"), app->id, REPORT_MAX_YEARS);
	for (i = 0; i < app->nyears; i++) {
		const struct year_row *y = &app->years[i];

		if (y->year < REPORT_YEAR_MIN || y->year > REPORT_YEAR_MAX)
			return ceh_fail(e, CEH_ESYS, _("application %s: year %d "
			    "is out of range"), app->id, y->year);
		ra->years[i].year = y->year;
		ra->years[i].pub_half = y->pub.hours;
		ra->years[i].pro_half = y->pro.hours;
		ra->years[i].approved = app->stage == STAGE_APPROVED;
	}
	ra->nyears = (int)app->nyears;
	ra->stage = stage_of(app, u);
	if (app->updated && parse_iso_time(app->updated, &t) == 0)
		ra->updated = t;
	fill_waits(ra, app, u);
	return 0;
}

/* ---- scope ---- */

static int
unit_under(const struct units *u, const char *code, const char *top)
{
	const struct unit *un;
	int depth;

	for (depth = 0; code && code[0] && depth < 64; depth++) {
		if (strcmp(code, top) == 0)
			return 1;
		un = units_find(u, code);
		if (un == NULL)
			return 0;
		code = un->parent;
	}
	return 0;
}

static int
region_under(const struct codes *c, const char *name, const char *top)
{
	const struct code_item *it;
	int depth;

	if (c == NULL)
		return 0;
	it = codes_find(c, CL_REGION, name);
	for (depth = 0; it && depth < 16; depth++) {
		if (strcmp(it->code, top) == 0)
			return 1;
		if (it->parent == NULL || !it->parent[0])
			return 0;
		it = codes_find(c, CL_REGION, it->parent);
	}
	return 0;
}

int
report_unit_match(const struct report_scope *sc, const struct units *u,
    const char *code)
{
	if (sc->unit == NULL)
		return 1;
	return sc->subtree ? unit_under(u, code, sc->unit) :
	    strcmp(code, sc->unit) == 0;
}

int
report_scope_match(const struct report_scope *sc,
    const struct report_env *env, const struct report_app *ra)
{
	if (sc->unit && !(sc->subtree ? unit_under(env->units, ra->unit,
	    sc->unit) : strcmp(ra->unit, sc->unit) == 0))
		return 0;
	if (sc->region && !region_under(env->codes, ra->region, sc->region))
		return 0;
	if (sc->series && strcmp(ra->series, sc->series) != 0)
		return 0;
	if (sc->level && strcmp(ra->level, sc->level) != 0)
		return 0;
	return 1;
}

static int
declares(const struct report_app *ra, int year)
{
	int i;

	for (i = 0; i < ra->nyears; i++)
		if (ra->years[i].year == year)
			return 1;
	return 0;
}

static int
declares_in(const struct report_app *ra, int from, int to)
{
	int i;

	if (from == 0)
		return 1;
	for (i = 0; i < ra->nyears; i++)
		if (ra->years[i].year >= from && ra->years[i].year <= to)
			return 1;
	return 0;
}

int
report_years_match(const struct report_scope *sc,
    const struct report_app *ra)
{
	return declares_in(ra, sc->from, sc->to);
}

/* ---- one person's records, and what their approved years are ---- */

struct person_buf {
	struct report_app *v;
	size_t n, cap;
	long serial;			/* persons completed so far */
	unsigned long long met[2];	/* approved and meets the rule */
	unsigned long long approved[2];	/* approved at all */
};

static int
bit_get(const unsigned long long *m, int year)
{
	int b = year - REPORT_YEAR_MIN;

	return (m[b / 64] >> (b % 64)) & 1;
}

static void
bit_set(unsigned long long *m, int year)
{
	int b = year - REPORT_YEAR_MIN;

	m[b / 64] |= 1ULL << (b % 64);
}

static void
pbuf_push(struct person_buf *pb, const struct report_app *ra)
{
	if (pb->n == pb->cap) {
		pb->cap = pb->cap ? pb->cap * 2 : 8;
		pb->v = xreallocarray(pb->v, pb->cap, sizeof(*pb->v));
	}
	memcpy(&pb->v[pb->n++], ra, REPORT_APP_SIZE(ra));
}

/* Does ra start a new person (so the buffered one is complete)? */
static int
pbuf_new_person(const struct person_buf *pb, const struct report_app *ra)
{
	return pb->n > 0 && strcmp(pb->v[0].idnum, ra->idnum) != 0;
}

static void
pbuf_years(struct person_buf *pb, const struct config *cfg)
{
	size_t i;
	int k;

	memset(pb->met, 0, sizeof(pb->met));
	memset(pb->approved, 0, sizeof(pb->approved));
	for (i = 0; i < pb->n; i++) {
		const struct report_app *ra = &pb->v[i];

		for (k = 0; k < ra->nyears; k++) {
			const struct report_year *y = &ra->years[k];

			if (!y->approved)
				continue;
			bit_set(pb->approved, y->year);
			if (config_year_met(cfg, y->pub_half, y->pro_half))
				bit_set(pb->met, y->year);
		}
	}
}

/* ---- statistics ---- */

struct report_stats {
	const struct report_scope *sc;
	const struct report_env *env;
	enum report_key by[REPORT_MAX_KEYS];
	size_t nby;
	int year_key;			/* index of RK_YEAR in by, or -1 */
	struct report_group **g;	/* sorted by key while adding */
	size_t ng, capg;
	struct report_group **ht;	/* the same, by key hash */
	size_t htcap;			/* a power of two, or 0 */
	struct report_group total;
	struct person_buf pb;
};

struct report_stats *
report_stats_new(const struct report_scope *sc, const enum report_key *by,
    size_t nby, const struct report_env *env)
{
	struct report_stats *st = xcalloc(1, sizeof(*st));
	size_t i;

	st->sc = sc;
	st->env = env;
	st->nby = nby > REPORT_MAX_KEYS ? REPORT_MAX_KEYS : nby;
	st->year_key = -1;
	for (i = 0; i < st->nby; i++) {
		st->by[i] = by[i];
		if (by[i] == RK_YEAR)
			st->year_key = (int)i;
	}
	st->total.last_person = -1;
	return st;
}

static int
key_cmp(char *const *a, char *const *b, size_t n)
{
	size_t i;
	int c;

	for (i = 0; i < n; i++)
		if ((c = strcmp(a[i], b[i])) != 0)
			return c;
	return 0;
}

static size_t
key_hash(char *const *vals, size_t n)
{
	size_t h = 1469598103934665603u, i;
	const unsigned char *p;

	for (i = 0; i < n; i++) {
		for (p = (const unsigned char *)vals[i]; *p; p++)
			h = (h ^ *p) * 1099511628211u;
		h = (h ^ 0xff) * 1099511628211u;
	}
	return h;
}

static void
ht_put(struct report_stats *st, struct report_group *g)
{
	size_t i = key_hash(g->key, st->nby) & (st->htcap - 1);

	while (st->ht[i])
		i = (i + 1) & (st->htcap - 1);
	st->ht[i] = g;
}

/* The group with these key values, created if new. */
static struct report_group *
group_get(struct report_stats *st, char *const *vals)
{
	size_t lo = 0, hi = st->ng, mid, i;
	struct report_group *g;
	int c;

	if (st->htcap) {
		for (i = key_hash(vals, st->nby) & (st->htcap - 1); st->ht[i];
		    i = (i + 1) & (st->htcap - 1))
			if (key_cmp(st->ht[i]->key, vals, st->nby) == 0)
				return st->ht[i];
	}

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = key_cmp(st->g[mid]->key, vals, st->nby);
		if (c == 0)
			return st->g[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (st->ng == st->capg) {
		st->capg = st->capg ? st->capg * 2 : 16;
		st->g = xreallocarray(st->g, st->capg, sizeof(*st->g));
	}
	g = xcalloc(1, sizeof(*g));
	for (i = 0; i < st->nby; i++)
		g->key[i] = xstrdup(vals[i]);
	g->last_person = -1;
	memmove(st->g + lo + 1, st->g + lo, (st->ng - lo) * sizeof(*st->g));
	st->g[lo] = g;
	st->ng++;
	if (st->ng * 2 > st->htcap) {
		free(st->ht);
		st->htcap = st->htcap ? st->htcap * 2 : 64;
		st->ht = xcalloc(st->htcap, sizeof(*st->ht));
		for (i = 0; i < st->ng; i++)
			ht_put(st, st->g[i]);
	} else
		ht_put(st, g);
	return g;
}

static void
count_year(struct report_group *g, const struct person_buf *pb, int y)
{
	if (y < REPORT_YEAR_MIN || y > REPORT_YEAR_MAX || bit_get(g->seen, y))
		return;
	bit_set(g->seen, y);
	if (bit_get(pb->met, y))
		g->years_met++;
	else
		g->years_short++;
}

/* Count app ra of the current person into g; y is the group's year (0
 * when not grouped by year); counted: whether the application itself
 * counts (it declares a year of the range, or the group's year). */
static void
count_app(struct report_stats *st, struct report_group *g,
    const struct report_app *ra, int y, int counted)
{
	const struct report_scope *sc = st->sc;
	int l, k;

	if (g->last_person != st->pb.serial) {
		g->last_person = st->pb.serial;
		g->people++;
		memset(g->seen, 0, sizeof(g->seen));
	}
	if (y)
		count_year(g, &st->pb, y);
	else if (sc->from)
		for (k = sc->from; k <= sc->to; k++)
			count_year(g, &st->pb, k);
	else
		for (k = 0; k < ra->nyears; k++)
			count_year(g, &st->pb, ra->years[k].year);
	if (!counted)
		return;
	g->apps++;
	g->stage[ra->stage]++;
	for (l = 0; l < RL__COUNT; l++) {
		const struct report_wait *w = &ra->wait[l];

		g->wait_n[l] += w->stints;
		g->wait_secs[l] += w->secs;
		if (w->arrived && !w->left && st->env->now > w->arrived)
			g->wait_secs[l] += st->env->now - w->arrived;
	}
}

/* The value of key k for ra; y is the year when k is RK_YEAR. */
static const char *
key_value(struct report_stats *st, enum report_key k,
    const struct report_app *ra, int y, char *ybuf, size_t ysize)
{
	const struct unit *un;

	switch (k) {
	case RK_UNIT:
		return ra->unit;
	case RK_SUPERVISOR:
		un = units_find(st->env->units, ra->unit);
		return un ? un->parent : "";
	case RK_REGION:
		return ra->region;
	case RK_SERIES:
		return ra->series;
	case RK_LEVEL:
		return ra->level;
	case RK_YEAR:
		if (y == 0)
			return "";
		snprintf(ybuf, ysize, "%d", y);
		return ybuf;
	default:
		return stage_keys[ra->stage];
	}
}

static void
group_app(struct report_stats *st, const struct report_app *ra, int y,
    int counted)
{
	char *vals[REPORT_MAX_KEYS], ybuf[16];
	size_t i;

	for (i = 0; i < st->nby; i++)
		vals[i] = (char *)key_value(st, st->by[i], ra, y, ybuf,
		    sizeof(ybuf));
	count_app(st, group_get(st, vals), ra, y, counted);
}

/* The years an application is grouped under when grouping by year. */
static void
group_by_years(struct report_stats *st, const struct report_app *ra)
{
	const struct report_scope *sc = st->sc;
	int k;

	if (sc->from) {
		for (k = sc->from; k <= sc->to; k++)
			group_app(st, ra, k, declares(ra, k));
	} else if (ra->nyears == 0) {
		group_app(st, ra, 0, 1);
	} else {
		for (k = 0; k < ra->nyears; k++)
			group_app(st, ra, ra->years[k].year, 1);
	}
}

static void
stats_person(struct report_stats *st)
{
	struct person_buf *pb = &st->pb;
	size_t i;

	if (pb->n == 0)
		return;
	pbuf_years(pb, st->env->cfg);
	for (i = 0; i < pb->n; i++) {
		const struct report_app *ra = &pb->v[i];
		int counted = declares_in(ra, st->sc->from, st->sc->to);

		if (!report_scope_match(st->sc, st->env, ra))
			continue;
		count_app(st, &st->total, ra, 0, counted);
		if (st->year_key >= 0)
			group_by_years(st, ra);
		else
			group_app(st, ra, 0, counted);
	}
	pb->n = 0;
	pb->serial++;
}

int
report_stats_add(struct report_stats *st, const struct report_app *ra,
    struct ceh_err *e)
{
	(void)e;
	if (pbuf_new_person(&st->pb, ra))
		stats_person(st);
	pbuf_push(&st->pb, ra);
	return 0;
}

void
report_stats_end(struct report_stats *st)
{
	stats_person(st);	/* the groups are kept sorted by group_get */
}

size_t
report_stats_count(const struct report_stats *st)
{
	return st->ng;
}

const struct report_group *
report_stats_group(const struct report_stats *st, size_t i)
{
	return i < st->ng ? st->g[i] : NULL;
}

const struct report_group *
report_stats_total(const struct report_stats *st)
{
	return &st->total;
}

void
report_stats_free(struct report_stats *st)
{
	size_t i, k;

	if (st == NULL)
		return;
	for (i = 0; i < st->ng; i++) {
		for (k = 0; k < st->nby; k++)
			free(st->g[i]->key[k]);
		free(st->g[i]);
	}
	free(st->g);
	free(st->ht);
	free(st->pb.v);
	free(st);
}

long
report_met_permille(const struct report_group *g)
{
	long n = g->years_met + g->years_short;

	if (n == 0)
		return -1;
	return (g->years_met * 1000 + n / 2) / n;
}

long
report_approval_permille(const struct report_group *g)
{
	long n = g->stage[RS_APPROVED] + g->stage[RS_REJECTED];

	if (n == 0)
		return -1;
	return (g->stage[RS_APPROVED] * 1000 + n / 2) / n;
}

long
report_wait_tenths(const struct report_group *g, enum report_level l)
{
	long long d;

	if (g->wait_n[l] == 0)
		return -1;
	d = (long long)g->wait_n[l] * 86400;
	return (long)((g->wait_secs[l] * 10 + d / 2) / d);
}

/* ---- shortfall ---- */

static const char *const short_labels[] = { "未申报", "未核认", "未达标" };
static const char *const short_keys[] = { "undeclared", "not_approved",
    "below_rule" };

const char *
report_short_status_label(enum report_short_status s)
{
	return short_labels[s];
}

const char *
report_short_status_key(enum report_short_status s)
{
	return short_keys[s];
}

static long
lack(long min_half, long have)
{
	return have < min_half ? min_half - have : 0;
}

void
report_lacks(const struct config *c, long pub_half, long pro_half,
    long *lack_pub, long *lack_pro, long *lack_total)
{
	long total = pub_half + pro_half;
	long long x1, x2;

	*lack_total = lack(c->total_min * 2, total);
	if (c->scheme == RULE_HUNAN) {
		*lack_pub = lack(c->public_min * 2, pub_half);
		*lack_pro = lack(c->pro_min * 2, pro_half);
		return;
	}
	*lack_pub = 0;
	/* fewest x with (pro + x) * den >= max(total + x, minimum) * num:
	 * the share holds as the total grows (x1) and at the minimum (x2) */
	x1 = (long long)total * c->share_num -
	    (long long)pro_half * c->share_den;
	if (c->share_den > c->share_num)
		x1 = x1 <= 0 ? 0 : (x1 + (c->share_den - c->share_num) - 1) /
		    (c->share_den - c->share_num);
	else
		x1 = 0;		/* share 1: only x2 can be met */
	x2 = (long long)c->total_min * 2 * c->share_num -
	    (long long)pro_half * c->share_den;
	x2 = x2 <= 0 ? 0 : (x2 + c->share_den - 1) / c->share_den;
	*lack_pro = (long)(x1 > x2 ? x1 : x2);
}

/* The sort key of a row: unit, ID number (each NUL-padded, so memcmp
 * orders them as strcmp) and year, with the row's index. */
struct short_key {
	char k[CREDIT_LEN + 1 + IDNUM_LEN + 1 + 2];
	unsigned idx;
};

struct report_short {
	const struct report_scope *sc;
	const struct report_env *env;
	struct report_short_row *rows;
	size_t n, cap;
	unsigned *order;	/* after report_short_end: rows by key */
	long people, scope;
	struct person_buf pb;
};

struct report_short *
report_short_new(const struct report_scope *sc, const struct report_env *env)
{
	struct report_short *sh = xcalloc(1, sizeof(*sh));

	sh->sc = sc;
	sh->env = env;
	return sh;
}

/* Rank of a stage for the declared hours shown: the furthest along. */
static int
stage_rank(enum report_stage s)
{
	static const int rank[RS__COUNT] = { 1, 3, 4, 5, 0, -1, 2, 1 };

	return rank[s];
}

/* "ID 状态（单位）：2023,2024" for every application of the person. */
static char *
apps_text(const struct report_short *sh)
{
	const struct person_buf *pb = &sh->pb;
	struct sbuf sb = SBUF_INIT;
	size_t i;
	int k;

	for (i = 0; i < pb->n; i++) {
		const struct report_app *ra = &pb->v[i];

		sb_addf(&sb, "%s%s %s", i ? "；" : "", ra->id,
		    ra->stage >= RS_WAIT_EMPLOYER && ra->stage <=
		    RS_WAIT_AGENCY ? "待审核" : stage_labels[ra->stage]);
		if (ra->waiting_at[0])
			sb_addf(&sb, "（%s）", units_name(sh->env->units,
			    ra->waiting_at, ra->waiting_at));
		for (k = 0; k < ra->nyears; k++)
			sb_addf(&sb, "%s%d", k ? "," : "：", ra->years[k].year);
	}
	return sb_detach(&sb);
}

/* Is a more recent than b (by its last change, then by id)? */
static int
later(const struct report_app *a, const struct report_app *b)
{
	if (b == NULL || a->updated != b->updated)
		return b == NULL || a->updated > b->updated;
	return strcmp(a->id, b->id) > 0;
}

/* Fill the hours of row r for its year from the person's applications. */
static void
short_hours(struct report_short *sh, struct report_short_row *r)
{
	const struct person_buf *pb = &sh->pb;
	int best = -1, approved = 0, declared = 0, k;
	const struct report_app *from = NULL;
	size_t i;

	r->decl_pub = r->decl_pro = -1;
	for (i = 0; i < pb->n; i++) {
		const struct report_app *ra = &pb->v[i];

		for (k = 0; k < ra->nyears; k++) {
			const struct report_year *y = &ra->years[k];

			if (y->year != r->year)
				continue;
			declared = 1;
			if (y->approved && !approved) {
				approved = 1;
				r->pub_half = y->pub_half;
				r->pro_half = y->pro_half;
			} else if (!y->approved && (stage_rank(ra->stage) >
			    best || (stage_rank(ra->stage) == best && best >= 0 &&
			    later(ra, from)))) {
				best = stage_rank(ra->stage);
				from = ra;
				r->decl_pub = y->pub_half;
				r->decl_pro = y->pro_half;
			}
		}
	}
	r->status = approved ? SS_BELOW : declared ? SS_PENDING :
	    SS_UNDECLARED;
	report_lacks(sh->env->cfg, r->pub_half, r->pro_half, &r->lack_pub,
	    &r->lack_pro, &r->lack_total);
}

static struct report_short_row *
short_row_new(struct report_short *sh)
{
	if (sh->n == sh->cap) {
		sh->cap = sh->cap ? sh->cap * 2 : 64;
		sh->rows = xreallocarray(sh->rows, sh->cap, sizeof(*sh->rows));
	}
	memset(&sh->rows[sh->n], 0, sizeof(sh->rows[0]));
	return &sh->rows[sh->n++];
}

static int
app_order(const void *a, const void *b)
{
	return strcmp(((const struct report_app *)a)->id,
	    ((const struct report_app *)b)->id);
}

static void
short_person(struct report_short *sh)
{
	struct person_buf *pb = &sh->pb;
	const struct report_app *who = NULL;
	struct report_short_row *r;
	char *apps = NULL;
	int apps_new = 0;
	size_t i;
	int y;

	/* by id, whatever order the source gives them in (the folders of
	 * the documents, or the summary index) */
	if (pb->n > 1)
		qsort(pb->v, pb->n, sizeof(*pb->v), app_order);

	for (i = 0; i < pb->n; i++)
		if (report_scope_match(sh->sc, sh->env, &pb->v[i]) &&
		    later(&pb->v[i], who))
			who = &pb->v[i];
	if (who == NULL)
		goto out;
	sh->scope++;
	pbuf_years(pb, sh->env->cfg);
	for (y = sh->sc->from; y <= sh->sc->to; y++) {
		if (y < REPORT_YEAR_MIN || y > REPORT_YEAR_MAX ||
		    bit_get(pb->met, y))
			continue;
		if (apps == NULL) {
			apps = apps_text(sh);
			apps_new = 1;
			sh->people++;
		}
		r = short_row_new(sh);
		memcpy(r->idnum, who->idnum, sizeof(r->idnum));
		memcpy(r->name, who->name, sizeof(r->name));
		memcpy(r->unit, who->unit, sizeof(r->unit));
		r->year = y;
		r->apps = apps;		/* one copy, the person's rows share it */
		r->apps_own = apps_new;
		apps_new = 0;
		r->rec_n = 0;
		r->rec_pub = r->rec_pro = -1;
		short_hours(sh, r);
	}
out:
	pb->n = 0;
	pb->serial++;
}

int
report_short_add(struct report_short *sh, const struct report_app *ra,
    struct ceh_err *e)
{
	(void)e;
	if (pbuf_new_person(&sh->pb, ra))
		short_person(sh);
	pbuf_push(&sh->pb, ra);
	return 0;
}

static int
key_order(const void *a, const void *b)
{
	const struct short_key *x = a, *y = b;

	return memcmp(x->k, y->k, sizeof(x->k));
}

void
report_short_end(struct report_short *sh)
{
	struct short_key *k;
	size_t i;

	short_person(sh);
	/* one sort of compact keys, the rows stay where they are */
	k = xcalloc(sh->n ? sh->n : 1, sizeof(*k));
	for (i = 0; i < sh->n; i++) {
		const struct report_short_row *r = &sh->rows[i];
		size_t ul = strnlen(r->unit, CREDIT_LEN),
		    il = strnlen(r->idnum, IDNUM_LEN);

		memcpy(k[i].k, r->unit, ul);
		memcpy(k[i].k + CREDIT_LEN + 1, r->idnum, il);
		k[i].k[sizeof(k[i].k) - 2] = (char)(r->year >> 8);
		k[i].k[sizeof(k[i].k) - 1] = (char)r->year;
		k[i].idx = (unsigned)i;
	}
	if (sh->n > 1)
		qsort(k, sh->n, sizeof(*k), key_order);
	sh->order = xreallocarray(NULL, sh->n ? sh->n : 1,
	    sizeof(*sh->order));
	for (i = 0; i < sh->n; i++)
		sh->order[i] = k[i].idx;
	free(k);
}

size_t
report_short_count(const struct report_short *sh)
{
	return sh->n;
}

struct report_short_row *
report_short_row(struct report_short *sh, size_t i)
{
	if (i >= sh->n)
		return NULL;
	return &sh->rows[sh->order ? sh->order[i] : i];
}

long
report_short_people(const struct report_short *sh)
{
	return sh->people;
}

long
report_short_scope(const struct report_short *sh)
{
	return sh->scope;
}

void
report_short_free(struct report_short *sh)
{
	size_t i;

	if (sh == NULL)
		return;
	for (i = 0; i < sh->n; i++)
		if (sh->rows[i].apps_own)
			free(sh->rows[i].apps);
	free(sh->rows);
	free(sh->order);
	free(sh->pb.v);
	free(sh);
}
