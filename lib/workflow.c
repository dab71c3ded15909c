#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "bundle.h"
#include "err.h"
#include "fault.h"
#include "i18n.h"
#include "queue.h"
#include "store.h"
#include "util.h"
#include "validate.h"
#include "workflow.h"
#include "chain.h"
#include "key.h"
#include "trust.h"
#include "xalloc.h"

struct wf_ctx {
	struct store *s;
	struct person *p;
	struct application *app;
	const struct wf_request *rq;
	const struct unit *at;		/* unit it waits at, if registered */
	char next[CREDIT_LEN + 1];	/* where it goes (set by pre) */
	const char *undone;		/* the event undone (pre_undo) */
};

static int pre_submit(struct wf_ctx *, struct ceh_err *);
static int pre_withdraw(struct wf_ctx *, struct ceh_err *);
static int pre_forward(struct wf_ctx *, struct ceh_err *);
static int pre_final(struct wf_ctx *, struct ceh_err *);
static int pre_undo(struct wf_ctx *, struct ceh_err *);
static int pre_revoke(struct wf_ctx *, struct ceh_err *);

#define FROM(st) (1u << (st))

const struct wf_transition wf_table[] = {
	{ "submit", WF_SUBMIT, WF_ANYWHERE, FROM(STAGE_DRAFT), STAGE_REVIEW,
	    WF_APPLICANT, 0, 1, "submitted", pre_submit,
	    "the applicant's details are complete and valid, there is at "
	    "least one year row and every row is complete (with at least one "
	    "attachment each when the store requires attachments), the "
	    "employer is a registered unit, and no year is already approved "
	    "in another application of the person; it then waits at the "
	    "employer" },
	{ "withdraw", WF_WITHDRAW, WF_ANYWHERE, FROM(STAGE_REVIEW),
	    STAGE_DRAFT, WF_APPLICANT, 0, 0, "withdrawn", pre_withdraw,
	    "it still waits at its first reviewer (the employer) and nobody "
	    "has decided on it since it was submitted" },
	{ "review --approve", WF_APPROVE, WF_AT_REVIEWER, FROM(STAGE_REVIEW),
	    STAGE_REVIEW, WF_WAITING_UNIT, 0, 1, "forwarded", pre_forward,
	    "the next unit is --next (a registered supervising unit, or "
	    "\"agency\"), else the unit's parent, else the agency of the "
	    "unit's region; it is not the unit itself nor any unit the "
	    "application has already waited at since it was submitted; no "
	    "year is approved in another application" },
	{ "review --approve", WF_APPROVE, WF_AT_AGENCY, FROM(STAGE_REVIEW),
	    STAGE_APPROVED, WF_WAITING_UNIT, 0, 1, "approved", pre_final,
	    "no --next (the agency's approval is final) and no year of it is "
	    "approved in another application of the person" },
	{ "review --reject", WF_REJECT, WF_ANYWHERE, FROM(STAGE_REVIEW),
	    STAGE_REJECTED, WF_WAITING_UNIT, 1, 0, "rejected", NULL,
	    "none (final: the applicant files a new application)" },
	{ "review --return", WF_RETURN, WF_ANYWHERE, FROM(STAGE_REVIEW),
	    STAGE_DRAFT, WF_WAITING_UNIT, 1, 0, "returned", NULL,
	    "none (the applicant corrects it and submits it again; it then "
	    "starts at the employer)" },
	{ "review --undo", WF_UNDO, WF_ANYWHERE, FROM(STAGE_REVIEW) |
	    FROM(STAGE_DRAFT) | FROM(STAGE_REJECTED) | FROM(STAGE_APPROVED),
	    STAGE_REVIEW, WF_DECIDING_UNIT, 0, 1, "undone", pre_undo,
	    "the last event of its history (\"upgraded\" aside) is a "
	    "forwarding, rejection or return made by the unit itself: the "
	    "next unit has not decided, the applicant has not changed or "
	    "resubmitted it; it then waits at the unit again, as before the "
	    "decision (a final approval is not undone: it is revoked)" },
	{ "review --revoke", WF_REVOKE, WF_ANYWHERE, FROM(STAGE_APPROVED),
	    STAGE_REJECTED, WF_DECIDING_UNIT, 1, 0, "revoked", pre_revoke,
	    "the unit is the agency that gave the final approval; the "
	    "application ends 审核不通过 with the reason, its hours no longer "
	    "count, and slips that counted them verify as revoked (final: "
	    "the applicant files a new application)" },
};
const size_t wf_table_len = sizeof(wf_table) / sizeof(wf_table[0]);

/* what a request does, in a message ("cannot %s it"): translated where
 * printed */
static const char *const action_verbs[] = { N_("submit"), N_("withdraw"),
    N_("approve"), N_("reject"), N_("return"), N_("undo"), N_("revoke") };

const char *
wf_actor_text(enum wf_actor a)
{
	return a == WF_APPLICANT ? "the applicant" :
	    a == WF_DECIDING_UNIT ? "the unit that made the last decision "
	    "(--as)" : "the unit it waits at (--as)";
}

/* ---- the rule that a year is approved once ---- */

struct year_check {
	struct store *s;
	const struct application *app;
	struct ceh_err *e;
};

/* The light reading (batch review speed, issues 13 and 19). */
/*
 * The light reading of the person's approved documents (year_light).  The
 * rule needs three things of each: its id, its stage and the year of each
 * row.  The full reading (doc_parse: libyaml, the tree, every field
 * checked) cost most of a batch decision where people hold several
 * approved applications, so each document is first read line by line, in
 * the block layout ceh writes (doc_emit), and read in full for anything
 * else.  year_scan answers only for a document every line of which has
 * one of these shapes:
 *
 *   INDENT KEY:                      (a block follows)
 *   INDENT KEY: VALUE
 *   INDENT - KEY:   or   INDENT - KEY: VALUE   or   INDENT - VALUE
 *
 * with INDENT an even number of spaces, KEY of [a-z0-9_], and VALUE "[]",
 * a quoted scalar closed on its line (double quotes with backslash
 * escapes, single quotes with ''), or a plain scalar that starts with
 * none of YAML's indicators and holds neither ": " nor " #" and ends in
 * neither ':' nor a space.  So no line continues a scalar of the line
 * before (a plain scalar continues only on lines indented past its key
 * that are not KEY: lines, a quoted one only when it is not closed), every
 * top-level key is a line at column 0, and every key of a year row is the
 * "- KEY" at column 0 that opens the row or a line at column 2 below it:
 * the years read are the ones doc_parse reads.  Besides: plain text
 * (doc_text_plain: no control character but the newline), a final
 * newline; top-level keys from doc_parse's
 * list, each once; format 1; the id exactly the file's (quoted, as
 * written); the stage exactly "approved"; every row one year key of four
 * plain digits (1000-9999), no two rows the same year.
 *
 * Any other document, one that cannot be read, and one holding one of
 * the years asked for, is read in full (year_in_other): conflicts, their
 * messages and the check of the conflicting approval's signature are the
 * full reading's, and so are the errors of a document that does not even
 * have that layout.  What the light reading does not look at (the other
 * fields' values, the history and its chain) cannot make a conflict: a
 * document whose years are not the application's holds none of them,
 * whatever else it holds, and a damaged one is fsck's to report.
 */
#define SCAN_FULL (-1)
#define SCAN_MAX_YEARS 64

struct year_scan {
	int years[SCAN_MAX_YEARS];
	size_t nyears;
};

static const char *const scan_top[] = { "format", "id", "stage",
    "waiting_at", "revision", "created", "updated", "applicant", "years",
    "history", NULL };
enum { TOP_FORMAT, TOP_ID, TOP_STAGE, TOP_YEARS = 8 };

/* The text after "KEY:" (v up to end): 1 if nothing (a block follows),
 * 0 if a one-line scalar or [], SCAN_FULL otherwise. */
static int
scan_value(const char *v, const char *end)
{
	const char *q;

	if (v == end)
		return 1;
	if (*v++ != ' ' || v == end)
		return SCAN_FULL;
	if (*v == '"') {
		for (q = v + 1; q < end && *q != '"'; q++)
			if (*q == '\\' && ++q == end)
				return SCAN_FULL;
		return q + 1 == end ? 0 : SCAN_FULL;
	}
	if (*v == '\'') {
		for (q = v + 1; q < end; q++)
			if (*q == '\'') {
				if (q + 1 < end && q[1] == '\'')
					q++;
				else
					break;
			}
		return q + 1 == end ? 0 : SCAN_FULL;
	}
	if (end - v == 2 && v[0] == '[' && v[1] == ']')
		return 0;
	/* (no NUL in the buffer: strchr never matches the terminator) */
	if (strchr("-?:,[]{}#&*!|>%@`\"' ", *v) != NULL || end[-1] == ':' ||
	    end[-1] == ' ')
		return SCAN_FULL;
	for (q = v; q + 1 < end; q++)
		if ((q[0] == ':' && q[1] == ' ') || (q[0] == ' ' && q[1] == '#'))
			return SCAN_FULL;
	return 0;
}

/* "KEY:" at s: the key's length, or 0. */
static size_t
scan_key(const char *s, const char *end)
{
	const char *k = s;

	while (k < end && ((*k >= 'a' && *k <= 'z') || (*k >= '0' &&
	    *k <= '9') || *k == '_'))
		k++;
	return k > s && k < end && *k == ':' ? (size_t)(k - s) : 0;
}

/* The text after "KEY:" is exactly " lit". */
static int
scan_is(const char *v, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - v) == n + 1 && v[0] == ' ' &&
	    memcmp(v + 1, lit, n) == 0;
}

/* A row's year: the text after "year:" is " DDDD" (1000-9999), or -1. */
static int
scan_year(const char *v, const char *end)
{
	int y = 0;

	if (end - v != 5 || v[0] != ' ' || v[1] < '1' || v[1] > '9')
		return -1;
	for (v++; v < end; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		y = y * 10 + (*v - '0');
	}
	return y;
}

/* A key of the current year row: its year, or whether a block follows. */
static int
scan_row_key(const char *k, size_t klen, const char *end, int *row_year,
    int *deep, struct year_scan *ys)
{
	size_t i;
	int v, y;

	if (klen == 4 && memcmp(k, "year", 4) == 0) {
		if (*row_year || (y = scan_year(k + 5, end)) < 0 ||
		    ys->nyears == SCAN_MAX_YEARS)
			return SCAN_FULL;
		for (i = 0; i < ys->nyears; i++)
			if (ys->years[i] == y)
				return SCAN_FULL;
		ys->years[ys->nyears++] = y;
		*row_year = 1;
		*deep = 0;
		return 0;
	}
	if ((v = scan_value(k + klen + 1, end)) == SCAN_FULL)
		return SCAN_FULL;
	*deep = v == 1;
	return 0;
}

/* 0 and ys filled, or SCAN_FULL (read it in full).  id: the file's. */
static int
year_scan(const char *buf, size_t len, const char *id, struct year_scan *ys)
{
	const char *p = buf, *end = buf + len;
	char want[APP_ID_LEN + 3];
	unsigned seen = 0;
	int top = -1;		/* the current top-level key (scan_top) */
	int open = 0;		/* it holds a block */
	int row = 0;		/* in a year row */
	int row_year = 0;	/* the row has its year */
	int deep = 0;		/* the row's last key holds a block */

	ys->nyears = 0;
	if (len == 0 || buf[len - 1] != '\n' || !doc_text_plain(buf, len))
		return SCAN_FULL;
	snprintf(want, sizeof(want), "\"%s\"", id);
	while (p < end) {
		const char *line = p, *s = p, *k;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ind, klen;
		int dash = 0, v, t;

		p = nl + 1;
		while (s < nl && *s == ' ')
			s++;
		ind = (size_t)(s - line);
		if (s == nl || (ind & 1))
			return SCAN_FULL;
		if (nl - s >= 2 && s[0] == '-' && s[1] == ' ') {
			dash = 1;
			s += 2;
		}
		k = s;
		klen = scan_key(k, nl);
		if (ind == 0 && !dash) {
			/* a top-level key: the year row before it ends */
			if (klen == 0 || (row && !row_year))
				return SCAN_FULL;
			row = 0;
			for (t = 0; scan_top[t] != NULL; t++)
				if (strlen(scan_top[t]) == klen &&
				    memcmp(scan_top[t], k, klen) == 0)
					break;
			if (scan_top[t] == NULL || (seen & (1u << t)))
				return SCAN_FULL;
			seen |= 1u << t;
			top = t;
			if ((v = scan_value(k + klen + 1, nl)) == SCAN_FULL)
				return SCAN_FULL;
			open = v == 1;
			if ((t == TOP_FORMAT && !scan_is(k + klen + 1, nl, "1")) ||
			    (t == TOP_ID && !scan_is(k + klen + 1, nl, want)) ||
			    (t == TOP_STAGE && !scan_is(k + klen + 1, nl,
			    "approved")) ||
			    (t == TOP_YEARS && !open && !scan_is(k + klen + 1,
			    nl, "[]")))
				return SCAN_FULL;
			continue;
		}
		/* below a top-level key that holds a block */
		if (!open)
			return SCAN_FULL;
		if (klen == 0) {
			/* "- VALUE": a scalar item, never a year row */
			if (!dash || ind == 0 || scan_value(s - 1, nl) != 0)
				return SCAN_FULL;
		} else if (top != TOP_YEARS &&
		    scan_value(k + klen + 1, nl) == SCAN_FULL)
			return SCAN_FULL;
		if (top != TOP_YEARS)
			continue;
		if (ind == 0) {
			/* "- KEY...": a new row, KEY its first key */
			if (klen == 0 || (row && !row_year))
				return SCAN_FULL;
			row = 1;
			row_year = 0;
			if (scan_row_key(k, klen, nl, &row_year, &deep,
			    ys) == SCAN_FULL)
				return SCAN_FULL;
		} else if (ind == 2 && !dash) {
			/* the row's next key */
			if (!row || scan_row_key(k, klen, nl, &row_year, &deep,
			    ys) == SCAN_FULL)
				return SCAN_FULL;
		} else {
			/* inside a row's block (records, attachments) */
			if (!row || !deep || (klen && scan_value(k + klen + 1,
			    nl) == SCAN_FULL))
				return SCAN_FULL;
		}
	}
	if ((row && !row_year) || (seen & 7u) != 7u)
		return SCAN_FULL;
	return 0;
}

/* The light reading of one approved document (above): 0 if none of
 * app's years is in it, SCAN_FULL if it is to be read in full. */
static int
year_light(struct person *p, enum stage folder, const char *uniq,
    const struct application *app)
{
	struct year_scan ys;
	struct ceh_err sub;
	char name[64], id[APP_ID_LEN + 1];
	char *buf;
	size_t len, i, j;
	int rc;

	if (p->stagefd[folder] < 0)
		return SCAN_FULL;
	snprintf(name, sizeof(name), "%s.yaml", uniq);
	snprintf(id, sizeof(id), "%s-%s", p->idnum, uniq);
	if (read_file_at(p->stagefd[folder], name, DOC_MAX_BYTES, &buf, &len,
	    &sub) < 0)
		return SCAN_FULL;
	rc = year_scan(buf, len, id, &ys);
	free(buf);
	if (rc == SCAN_FULL)
		return SCAN_FULL;
	for (i = 0; i < app->nyears; i++)
		for (j = 0; j < ys.nyears; j++)
			if (app->years[i].year == ys.years[j])
				return SCAN_FULL;
	return 0;
}

/* One approved document of the person against app's years: 1 (e filled)
 * if it holds one of them, -1 if it cannot be read. */
static int
year_in_other(struct person *p, enum stage folder, const char *uniq,
    void *arg)
{
	struct year_check *yc = arg;
	const struct application *app = yc->app;
	struct application other;
	struct ceh_err sub;
	size_t i;
	int hit = 0;

	if (strncmp(uniq, app->id + IDNUM_LEN + 1, APP_UNIQ_LEN) == 0)
		return 0;
	if (year_light(p, folder, uniq, app) == 0)
		return 0;
	if (app_read(yc->s, p, folder, uniq, &other, yc->e) < 0) {
		ceh_err_prefix(yc->e, _("cannot check the years approved "
		    "before (run 'ceh fsck')"));
		return -1;
	}
	for (i = 0; i < app->nyears && !hit; i++)
		if (other.stage == STAGE_APPROVED &&
		    app_year(&other, app->years[i].year) != NULL) {
			ceh_fail(yc->e, CEH_EINPUT, _("year %d of %s is already "
			    "approved in application %s"), app->years[i].year,
			    app->id, other.id);
			hit = 1;
		}
	/* an approval that does not verify counts no hours (trust.h);
	 * checked only when it matters, as verifying costs */
	if (hit && trust_app_check(yc->s, &other, NULL, NULL, &sub) < 0)
		hit = 0;
	app_release(&other);
	return hit;
}

/* Only the approved/ folder of the (locked) person is read: under the
 * lock every document is in the folder of its stage (person_repair). */
int
wf_year_conflict(struct store *s, struct person *p,
    const struct application *app, struct ceh_err *e)
{
	struct year_check yc = { s, app, e };

	return folder_docs(p, STAGE_APPROVED, year_in_other, &yc, e);
}

/* ---- preconditions ---- */

static int
pre_submit(struct wf_ctx *c, struct ceh_err *e)
{
	struct application *app = c->app;
	const struct unit *u;
	struct sbuf bare = SBUF_INIT;	/* "2021, 2022": years without evidence */
	size_t i, nbare = 0;
	int rc;

	if (applicant_check(&app->a, &c->s->codes, e) < 0) {
		ceh_err_prefix(e, _("application %s is incomplete"), app->id);
		return -1;
	}
	if (app->nyears == 0)
		return ceh_fail(e, CEH_EINPUT, _("application %s has no year "
		    "rows; add one with 'ceh add-year'"), app->id);
	for (i = 0; i < app->nyears; i++) {
		if (year_row_check(&app->years[i], &c->s->rules, e) < 0) {
			ceh_err_prefix(e, _("application %s"), app->id);
			sb_release(&bare);
			return -1;
		}
		/* every year without evidence is named at once */
		if (c->s->cfg.attach_required && app->years[i].natt == 0)
			sb_addf(&bare, "%s%d", nbare++ ? ", " : "",
			    app->years[i].year);
	}
	if (nbare) {
		rc = ceh_fail(e, CEH_EINPUT, Q_("application %s: year %s has "
		    "no attachment (the store requires evidence for every "
		    "year; add it with 'ceh attach')", "application %s: years "
		    "%s have no attachment (the store requires evidence for "
		    "every year; add it with 'ceh attach')", nbare), app->id,
		    bare.buf);
		sb_release(&bare);
		return rc;
	}
	u = units_find(&c->s->units, app->a.unit);
	if (u == NULL)
		return ceh_fail(e, CEH_ENOTFOUND, _("the employer %s of %s is "
		    "not a registered unit"), app->a.unit, app->id);
	if (wf_year_conflict(c->s, c->p, app, e) != 0)
		return -1;
	snprintf(c->next, sizeof(c->next), "%s", u->code);
	return 0;
}

/* Index of the latest "submitted" event, or -1. */
static long
last_submit(const struct application *app)
{
	size_t i;

	for (i = app->nhistory; i > 0; i--)
		if (strcmp(app->history[i - 1].what, "submitted") == 0)
			return (long)(i - 1);
	return -1;
}

static int
is_decision(const char *what)
{
	static const char *const d[] = { "forwarded", "approved", "rejected",
	    "returned", NULL };

	return str_in(what, d);
}

/* Index of the last event but "upgraded" (which changes nothing), or
 * -1; before is an index to look before (nhistory for the last). */
static long
last_act(const struct application *app, size_t before)
{
	size_t i;

	for (i = before; i > 0; i--)
		if (strcmp(app->history[i - 1].what, "upgraded") != 0)
			return (long)(i - 1);
	return -1;
}

/* Is the decision at i taken back (the next event but "upgraded" is
 * "undone")?  Such a decision counts for nothing. */
static int
taken_back(const struct application *app, size_t i)
{
	size_t j;

	for (j = i + 1; j < app->nhistory; j++)
		if (strcmp(app->history[j].what, "upgraded") != 0)
			return strcmp(app->history[j].what, "undone") == 0;
	return 0;
}

static int
pre_withdraw(struct wf_ctx *c, struct ceh_err *e)
{
	const struct application *app = c->app;
	long k = last_submit(app);
	const char *first;
	size_t i;

	if (k < 0)
		return ceh_fail(e, CEH_ESTATE, _("application %s has no "
		    "submission in its history"), app->id);
	first = app->history[k].next[0] ? app->history[k].next : app->a.unit;
	for (i = (size_t)k + 1; i < app->nhistory; i++)
		if (is_decision(app->history[i].what) && !taken_back(app, i))
			return ceh_fail(e, CEH_ESTATE, _("application %s was "
			    "already decided on by %s (%s); only a return "
			    "(退回) gives it back now"), app->id,
			    app->history[i].unit, app->history[i].what);
	if (strcmp(app->waiting_at, first) != 0)
		return ceh_fail(e, CEH_ESTATE, _("application %s waits at %s, "
		    "past its first reviewer %s; it cannot be withdrawn"),
		    app->id, app->waiting_at, first);
	return 0;
}

/* Was unit already in the chain since the last submission? */
static int
in_chain(const struct application *app, const char *unit)
{
	long k = last_submit(app);
	size_t i;

	if (k < 0)
		return 0;
	for (i = (size_t)k; i < app->nhistory; i++) {
		const struct event *ev = &app->history[i];

		if (is_decision(ev->what) && taken_back(app, i))
			continue;
		if (strcmp(ev->next, unit) == 0 ||
		    (strcmp(ev->what, "submitted") != 0 &&
		    strcmp(ev->unit, unit) == 0))
			return 1;
	}
	return 0;
}

static int
pre_forward(struct wf_ctx *c, struct ceh_err *e)
{
	struct store *s = c->s;
	const struct unit *at = c->at, *nx = NULL;
	const char *asked = c->rq->next;
	char code[CREDIT_LEN + 1];

	if (at == NULL)
		return ceh_fail(e, CEH_ENOTFOUND, _("%s is not a registered unit"),
		    c->rq->as);
	if (asked && strcmp(asked, "agency") == 0) {
		nx = units_agency_for(&s->units, &s->codes, at->region);
		if (nx == NULL)
			return ceh_fail(e, CEH_ENOTFOUND, _("no agency is "
			    "registered for the region of %s ('%s'); register "
			    "one with 'ceh unit add --kind agency'"), at->code,
			    at->region);
	} else if (asked) {
		if (credit_check("--next", asked, code, e) < 0)
			return -1;
		nx = units_find(&s->units, code);
		if (nx == NULL)
			return ceh_fail(e, CEH_ENOTFOUND, _("--next %s is not a "
			    "registered unit"), code);
		if (strcmp(nx->code, at->code) == 0)
			return ceh_fail(e, CEH_EINPUT, _("--next %s is the "
			    "deciding unit itself"), nx->code);
		if (nx->kind == UNIT_EMPLOYER)
			return ceh_fail(e, CEH_EINPUT, _("--next %s is an "
			    "employer; the next level is a supervising unit or "
			    "the agency"), code);
	} else if (at->parent[0]) {
		nx = units_find(&s->units, at->parent);
		if (nx == NULL)
			return ceh_fail(e, CEH_ENOTFOUND, _("the parent %s of %s "
			    "is not a registered unit"), at->parent, at->code);
	} else {
		nx = units_agency_for(&s->units, &s->codes, at->region);
		if (nx == NULL)
			return ceh_fail(e, CEH_ENOTFOUND, _("%s is first-level "
			    "and no agency is registered for its region "
			    "('%s'); register one or give --next"), at->code,
			    at->region);
	}
	if (strcmp(nx->code, at->code) == 0)
		return ceh_fail(e, CEH_EINPUT, _("--next %s is the deciding unit "
		    "itself"), nx->code);
	if (in_chain(c->app, nx->code))
		return ceh_fail(e, CEH_EINPUT, _("%s has already reviewed "
		    "application %s since it was submitted (a cycle); choose "
		    "another --next"), nx->code, c->app->id);
	if (wf_year_conflict(s, c->p, c->app, e) != 0)
		return -1;
	snprintf(c->next, sizeof(c->next), "%s", nx->code);
	return 0;
}

static int
pre_final(struct wf_ctx *c, struct ceh_err *e)
{
	if (c->rq->next)
		return ceh_fail(e, CEH_EINPUT, _("application %s waits at the "
		    "agency %s, whose approval is final; --next does not "
		    "apply"), c->app->id, c->app->waiting_at);
	return wf_year_conflict(c->s, c->p, c->app, e) != 0 ? -1 : 0;
}

static int
pre_undo(struct wf_ctx *c, struct ceh_err *e)
{
	const struct application *app = c->app;
	long k = last_act(app, app->nhistory);
	const struct event *ev = k < 0 ? NULL : &app->history[k];

	if (app->stage == STAGE_APPROVED)
		return ceh_fail(e, CEH_ESTATE, _("application %s is 审核通过: "
		    "the agency's final approval is not undone; the agency "
		    "revokes it with 'ceh review --revoke --reason TEXT'"),
		    app->id);
	if (ev == NULL || !is_decision(ev->what))
		return ceh_fail(e, CEH_ESTATE, _("application %s has no "
		    "decision to undo: its last event is '%s' (only a "
		    "decision nobody acted on since is undone)"), app->id,
		    ev ? ev->what : "-");
	if (strcmp(ev->unit, c->rq->as) != 0)
		return ceh_fail(e, CEH_ESTATE, _("the last decision on %s "
		    "(%s) was made by %s, not by %s; only the unit that made it "
		    "undoes it"), app->id, ev->what, ev->unit, c->rq->as);
	c->undone = ev->what;
	snprintf(c->next, sizeof(c->next), "%s", ev->unit);
	return 0;
}

static int
pre_revoke(struct wf_ctx *c, struct ceh_err *e)
{
	const struct application *app = c->app;
	long k = last_act(app, app->nhistory);

	while (k >= 0 && strcmp(app->history[k].what, "approved") != 0)
		k = last_act(app, (size_t)k);
	if (k < 0)
		return ceh_fail(e, CEH_ESTATE, _("application %s has no "
		    "approval in its history"), app->id);
	if (strcmp(app->history[k].unit, c->rq->as) != 0)
		return ceh_fail(e, CEH_ESTATE, _("application %s was approved "
		    "by %s, not by %s; only the agency that approved it revokes "
		    "its approval"), app->id, app->history[k].unit, c->rq->as);
	return 0;
}

/* ---- the evidence ---- */

/* The first finding of a check, for the message. */
static void
first_finding(void *arg, const char *msg)
{
	char *first = arg;

	if (first[0] == '\0')
		snprintf(first, 512, "%s", msg);
}

/* The archive against the document (names, sizes before decompressing,
 * SHA-256 of what is read): under the lock the document is in the folder
 * of its stage.  Leftovers (entries the document does not list) are no
 * evidence and do not count; fsck --repair removes them. */
static int
evidence_intact(struct wf_ctx *c, struct ceh_err *e)
{
	struct bundle_report br;
	char first[512] = "";

	memset(&br, 0, sizeof(br));
	br.say = first_finding;
	br.arg = first;
	if (bundle_check(c->s, c->p, c->app, c->app->stage, &br, 0, e) < 0) {
		ceh_err_prefix(e, _("cannot check the evidence of %s"),
		    c->app->id);
		return -1;
	}
	if (br.problems == 0)
		return 0;
	return ceh_fail(e, CEH_ESYS, _("the evidence of %s is damaged (%ld "
	    "problem(s); %s); nothing was changed, see 'ceh fsck'"),
	    c->app->id, br.problems, first);
}

/* ---- applying ---- */

static const char *
unit_label(struct store *s, const char *code)
{
	static char buf[256];
	const struct unit *u = units_find(&s->units, code);

	if (u == NULL)
		return code;
	snprintf(buf, sizeof(buf), "%s (%s)", code, u->name);
	return buf;
}

/* The row of the table for action at the unit it waits at (NULL: none). */
static const struct wf_transition *
wf_row(enum wf_action action, const struct unit *at)
{
	int agency = at && at->kind == UNIT_AGENCY;
	size_t i;

	for (i = 0; i < wf_table_len; i++) {
		const struct wf_transition *r = &wf_table[i];

		if (r->action == action &&
		    !(r->where == WF_AT_AGENCY && !agency) &&
		    !(r->where == WF_AT_REVIEWER && agency))
			return r;
	}
	return NULL;
}

/* The history event of row t, and the outcome told to the user; wf_apply
 * seals or signs it once the stage has changed. */
static void
record(struct application *app, const struct wf_transition *t,
    const struct wf_request *rq, const char *next,
    const char *what_undone, char *out, size_t size)
{
	switch (rq->action) {
	case WF_SUBMIT:
		app_push_event(app, t->event, NULL, next, NULL, NULL);
		/* machine: the outcome column (ceh-review(1)) */
		snprintf(out, size, "submitted to %s", next);
		break;
	case WF_WITHDRAW:
		app_push_event(app, t->event, app->waiting_at, NULL, NULL,
		    NULL);
		snprintf(out, size, "withdrawn"); /* machine: outcome */
		break;
	case WF_APPROVE:
		app_push_event(app, t->event, rq->as, next[0] ? next : NULL,
		    rq->reason, NULL);
		if (t->to == STAGE_REVIEW)
			snprintf(out, size, "forwarded to %s", next); /* machine */
		else
			snprintf(out, size, "approved"); /* machine: outcome */
		break;
	case WF_REJECT:
	case WF_RETURN:
		app_push_event(app, t->event, rq->as, NULL, rq->reason, NULL);
		snprintf(out, size, "%s", t->event);
		break;
	case WF_UNDO:
		/* detail: the event undone (the one before, "upgraded"
		 * aside); next: the unit it waits at again */
		app_push_event(app, t->event, rq->as, next, rq->reason,
		    what_undone);
		/* machine: the outcome column */
		snprintf(out, size, "undone %s, waiting at %s", what_undone,
		    next);
		break;
	case WF_REVOKE:
		app_push_event(app, t->event, rq->as, NULL, rq->reason,
		    "approved");
		snprintf(out, size, "revoked"); /* machine: outcome */
		break;
	}
}

const char *
wf_signer_unit(const struct application *app, const struct wf_request *rq)
{
	if (rq->action == WF_SUBMIT || rq->action == WF_WITHDRAW)
		return app->a.unit;
	return rq->as ? rq->as : "";
}

/* In a signed store: is rq->key the key registered for the signer? */
static int
wf_sign_check(struct store *s, const struct application *app,
    const struct wf_request *rq, struct ceh_err *e)
{
	const char *unit = wf_signer_unit(app, rq);
	uint8_t pub[32];

	if (!trust_signed(s))
		return 0;
	if (rq->key == NULL)
		return ceh_fail(e, CEH_EINPUT, _("this store is signed: %s must "
		    "sign with its private key"), unit);
	if (trust_unit_key(s, unit, now(), pub, e) < 0) {
		e->code = CEH_EINPUT;
		return -1;
	}
	if (memcmp(pub, rq->key->pub, 32) != 0)
		return ceh_fail(e, CEH_EINPUT, _("the key given is not the key "
		    "registered for %s"), unit);
	return 0;
}

int
wf_apply(struct store *s, struct person *p, struct application *app,
    const struct wf_request *rq, const char **outcome, struct ceh_err *e)
{
	static char out[128];
	const struct wf_transition *t = NULL;
	struct wf_ctx c;

	memset(&c, 0, sizeof(c));
	c.s = s;
	c.p = p;
	c.app = app;
	c.rq = rq;
	if (app->stage == STAGE_REVIEW)
		c.at = units_find(&s->units, app->waiting_at);
	if ((t = wf_row(rq->action, c.at)) == NULL)
		return ceh_fail(e, CEH_ESYS, _("no transition for this request"));
	if (!(t->from & FROM(app->stage))) {
		if (app->stage == STAGE_REVIEW)
			return ceh_fail(e, CEH_ESTATE, _("application %s is "
			    "待审核 at %s; cannot %s it"), app->id,
			    unit_label(s, app->waiting_at),
			    _(action_verbs[rq->action]));
		return ceh_fail(e, CEH_ESTATE, _("application %s is %s, not "
		    "waiting for a decision; cannot %s it"), app->id,
		    app_status(app), _(action_verbs[rq->action]));
	}
	if (t->actor == WF_WAITING_UNIT &&
	    (rq->as == NULL || strcmp(rq->as, app->waiting_at) != 0))
		return ceh_fail(e, CEH_ESTATE, _("application %s is waiting at "
		    "%s, not at %s"), app->id, unit_label(s, app->waiting_at),
		    rq->as ? rq->as : "?");
	if (t->reason_required && (rq->reason == NULL || !rq->reason[0]))
		return ceh_fail(e, CEH_EUSAGE, _("a reason (--reason) is "
		    "required to %s"), _(action_verbs[rq->action]));
	if (rq->reason && rq->reason[0] &&
	    text_check("--reason", rq->reason, 500, 1, 1, e) < 0)
		return -1;
	if (t->pre && t->pre(&c, e) < 0)
		return -1;
	if (t->evidence && evidence_intact(&c, e) < 0)
		return -1;
	if (wf_sign_check(s, app, rq, e) < 0)
		return -1;
	{
		/* the undone event's name outlives the history's growth */
		char what[32];

		snprintf(what, sizeof(what), "%s", c.undone ? c.undone : "");
		record(app, t, rq, c.next, what, out, sizeof(out));
	}
	app->stage = t->to;
	free(app->waiting_at);
	app->waiting_at = xstrdup(t->to == STAGE_REVIEW ? c.next : "");
	/* the event again, now that the document is what it leaves */
	if (!trust_signed(s))
		chain_seal(app);
	else if (chain_sign(app, wf_signer_unit(app, rq), rq->key, e) < 0)
		return -1;
	if (outcome)
		*outcome = out;
	return 0;
}

/* ---- committing: one path for one application and for a batch ---- */

/*
 * A transition being committed: the new unit's queue entry, the document
 * (app_prepare, app_finish), then the old unit's entry.  With COMMIT_SYNC
 * every step is synced on its own; with COMMIT_NOSYNC the batch syncs the
 * store between wf_prepare and wf_finish and after it.
 */
struct wf_step {
	struct app_commit ac;
	char old_wait[CREDIT_LEN + 1];
	char new_wait[CREDIT_LEN + 1];
};

/* app (decided by wf_apply) read from folder of p, waiting at old_wait
 * before: the new document in a temp file, then the new unit's entry
 * with its listing cache line (the hash of those bytes). */
static int
wf_prepare(struct store *s, struct person *p, const struct application *app,
    enum stage folder, const char *old_wait, enum commit_sync sync,
    struct wf_step *w, struct ceh_err *e)
{
	snprintf(w->old_wait, sizeof(w->old_wait), "%s", old_wait);
	snprintf(w->new_wait, sizeof(w->new_wait), "%s", app->waiting_at);
	if (app_prepare(s, p, app, folder, sync, &w->ac, e) < 0)
		return -1;
	if (w->new_wait[0] && strcmp(w->new_wait, w->old_wait) != 0 &&
	    queue_add_app(s, w->new_wait, app, w->ac.sha256,
	    w->ac.sync == COMMIT_SYNC, e) < 0) {
		app_abort(&w->ac);
		return -1;
	}
	crash_point("wf-after-queue-add");
	return 0;
}

/* The old unit's entry (a stale entry is harmless, so this cannot
 * fail); synced at once unless the batch syncs after. */
static void
wf_leave(struct store *s, struct wf_step *w, const char *appid)
{
	struct ceh_err sub;

	crash_point("wf-before-queue-del");
	if (w->old_wait[0] && strcmp(w->old_wait, w->new_wait) != 0)
		(void)queue_del_sync(s, w->old_wait, appid,
		    w->ac.sync == COMMIT_SYNC, &sub);
}

/* The commit point and the moves; with COMMIT_SYNC also the old names'
 * removal and the old unit's entry (a batch does those after a sync). */
static int
wf_finish(struct store *s, struct wf_step *w, const struct application *app,
    struct ceh_err *e)
{
	if (app_finish(s, &w->ac, e) < 0)
		return -1;
	if (w->ac.sync == COMMIT_SYNC)
		wf_leave(s, w, app->id);
	return 0;
}

int
wf_commit(struct store *s, struct app_handle *h, const char *old_wait,
    struct ceh_err *e)
{
	struct wf_step w;

	if (wf_prepare(s, &h->p, &h->app, h->folder, old_wait, COMMIT_SYNC,
	    &w, e) < 0 || wf_finish(s, &w, &h->app, e) < 0)
		return -1;
	h->folder = h->app.stage;
	return 0;
}

/* ---- batches ---- */

#define CHUNK_MAX 512

struct bperson {
	struct person p;
	int opened;
	struct ceh_err err;	/* when it could not be opened or locked */
};

struct bitem {
	struct wf_item *it;
	struct app_ref ref;
	int valid;		/* id parsed */
	struct bperson *bp;
	enum stage folder, to;
	char appid[APP_ID_LEN + 1];
	struct application app;	/* the new document, while prepared */
	struct wf_step step;	/* its commit, while prepared */
	int prepared;
};

static void
item_fail(struct bitem *b, const struct ceh_err *e)
{
	b->it->code = e->code ? e->code : CEH_ESYS;
	snprintf(b->it->msg, sizeof(b->it->msg), "%s", e->msg);
}

static int
by_ref(const void *x, const void *y)
{
	const struct bitem *a = *(const struct bitem *const *)x;
	const struct bitem *b = *(const struct bitem *const *)y;
	int c = strcmp(a->ref.idnum, b->ref.idnum);

	return c ? c : strcmp(a->ref.uniq, b->ref.uniq);
}

static int
sync_store(struct store *s, struct ceh_err *e)
{
	if (fault_hit("fsync")) {
		errno = EIO;
		return ceh_fail_errno(e, _("cannot sync the store"));
	}
	if (syncfs(s->rootfd) < 0)
		return ceh_fail_errno(e, _("cannot sync the store"));
	return 0;
}

/* A year of app approved by an earlier item of the same chunk (same
 * person) that is not on disk yet: 1 and e filled, else 0. */
static int
chunk_conflict(const struct application *app, struct bitem **order,
    size_t upto, const struct bperson *bp, struct ceh_err *e)
{
	size_t i, y;

	for (i = 0; i < upto; i++) {
		const struct bitem *o = order[i];

		if (o->bp != bp || !o->prepared || o->to != STAGE_APPROVED)
			continue;
		for (y = 0; y < app->nyears; y++)
			if (app_year((struct application *)&o->app,
			    app->years[y].year) != NULL) {
				ceh_fail(e, CEH_EINPUT, _("year %d of %s is "
				    "already approved in application %s"),
				    app->years[y].year, app->id, o->appid);
				return 1;
			}
	}
	return 0;
}

/* Phase 1 for one item: read, decide, prepare its commit (queue entry,
 * temp file, not synced).  The items before it in order are prepared
 * already. */
static void
prepare(struct store *s, const struct wf_request *rq, struct bitem *b,
    struct bitem **order, size_t idx)
{
	struct bperson *bp = b->bp;
	struct application app;
	struct ceh_err e;
	const char *outcome;
	char old_wait[CREDIT_LEN + 1];

	if (!bp->opened) {
		if (bp->err.code == CEH_ENOTFOUND)
			ceh_fail(&bp->err, CEH_ENOTFOUND, _("no application %s"),
			    b->appid);
		item_fail(b, &bp->err);
		return;
	}
	if (app_load(s, &bp->p, b->ref.uniq, &b->folder, &app, &e) < 0)
		goto fail;
	snprintf(old_wait, sizeof(old_wait), "%s", app.waiting_at);
	if (wf_apply(s, &bp->p, &app, rq, &outcome, &e) < 0)
		goto fail;
	if (rq->action == WF_APPROVE &&
	    chunk_conflict(&app, order, idx, bp, &e))
		goto fail;
	b->to = app.stage;
	snprintf(b->it->msg, sizeof(b->it->msg), "%s", outcome);
	if (wf_prepare(s, &bp->p, &app, b->folder, old_wait, COMMIT_NOSYNC,
	    &b->step, &e) < 0)
		goto fail;
	b->prepared = 1;
	b->app = app;		/* kept for the listing cache */
	return;
fail:
	app_release(&app);
	item_fail(b, &e);
}

/* Phase 3 for one item: the commit point and the moves. */
static void
commit(struct store *s, struct bitem *b)
{
	struct ceh_err e;

	if (wf_finish(s, &b->step, &b->app, &e) < 0)
		item_fail(b, &e);
}

/* Phase 1 of a chunk, and its sync (phase 2): 1 if anything is ready to
 * commit. */
static int
prepare_chunk(struct store *s, const struct wf_request *rq,
    struct bitem **order, size_t k)
{
	struct ceh_err e;
	size_t i, nprep = 0;

	for (i = 0; i < k; i++) {
		prepare(s, rq, order[i], order, i);
		nprep += order[i]->prepared;
	}
	if (nprep == 0)
		return 0;
	if (sync_store(s, &e) == 0)
		return 1;
	for (i = 0; i < k; i++)
		if (order[i]->prepared) {
			app_abort(&order[i]->step.ac);
			order[i]->prepared = 0;
			item_fail(order[i], &e);
		}
	return 0;
}

/* Say of every item committed and not failed yet that it may not
 * survive a power loss (a sync of the store failed). */
static void
chunk_late(struct bitem **order, size_t k, const struct ceh_err *e)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (order[i]->prepared && order[i]->step.ac.committed &&
		    order[i]->it->code == 0) {
			struct ceh_err ie = *e;

			app_commit_late(&order[i]->step.ac, COMMIT_LATE_SYNC,
			    &ie);
			item_fail(order[i], &ie);
		}
}

/*
 * Phases 3 and 4 of a chunk: commit each (the commit rename, the new
 * names in the new folders), sync the store; then the old names and the
 * old units' entries go, and the store is synced again.  Nothing is made
 * between a removal and the sync after it, so no freed inode is reused
 * while its old name may still be on disk (ext2).
 */
static void
commit_chunk(struct store *s, struct bitem **order, size_t k)
{
	struct ceh_err e;
	size_t i;

	crash_point("batch-after-prepare");
	for (i = 0; i < k; i++)
		if (order[i]->prepared)
			commit(s, order[i]);
	if (sync_store(s, &e) < 0) {
		chunk_late(order, k, &e);
		return;		/* both names stay: person_repair resolves */
	}
	/* the summary index's final frames, before anything is removed */
	for (i = 0; i < k; i++)
		if (order[i]->prepared && order[i]->step.ac.committed)
			app_finish_index(s, &order[i]->step.ac);
	for (i = 0; i < k; i++)
		if (order[i]->prepared && order[i]->step.ac.committed) {
			if (app_finish_moves(s, &order[i]->step.ac, &e) < 0 &&
			    order[i]->it->code == 0)
				item_fail(order[i], &e);
			wf_leave(s, &order[i]->step, order[i]->appid);
		}
	if (sync_store(s, &e) < 0)
		chunk_late(order, k, &e);
}

/* Open and lock each person of the chunk once, in sorted order (so two
 * batches cannot deadlock); the count of people. */
static size_t
lock_people(struct store *s, struct bitem **order, size_t k,
    struct bperson *bps)
{
	size_t i, np = 0;

	for (i = 0; i < k; i++) {
		struct bperson *bp;

		if (np > 0 && strcmp(bps[np - 1].p.idnum,
		    order[i]->ref.idnum) == 0) {
			order[i]->bp = &bps[np - 1];
			continue;
		}
		bp = &bps[np++];
		memset(bp, 0, sizeof(*bp));
		if (person_open(s, order[i]->ref.idnum, 0, &bp->p,
		    &bp->err) < 0)
			;
		else if (person_lock(s, &bp->p, &bp->err) < 0)
			person_close(&bp->p);
		else
			bp->opened = 1;
		order[i]->bp = bp;
	}
	return np;
}

static void
run_chunk(struct store *s, const struct wf_request *rq, struct bitem *v,
    size_t n)
{
	struct bitem **order = xreallocarray(NULL, n ? n : 1, sizeof(*order));
	struct bperson *bps = xreallocarray(NULL, n ? n : 1, sizeof(*bps));
	size_t i, k = 0, np;

	for (i = 0; i < n; i++)
		if (v[i].valid)
			order[k++] = &v[i];
	qsort(order, k, sizeof(*order), by_ref);
	np = lock_people(s, order, k, bps);
	if (prepare_chunk(s, rq, order, k))
		commit_chunk(s, order, k);
	for (i = 0; i < k; i++)
		app_release(&order[i]->app);
	for (i = 0; i < np; i++)
		if (bps[i].opened)
			person_close(&bps[i].p);
	free(bps);
	free(order);
}

/* One application, the usual way: every step synced on its own. */
static void
decide_one(struct store *s, const struct wf_request *rq, struct wf_item *it)
{
	struct app_handle h;
	struct ceh_err e;
	const char *outcome;
	char old[CREDIT_LEN + 1];

	if (app_open(s, it->id, 1, &h, &e) < 0)
		goto fail;
	snprintf(old, sizeof(old), "%s", h.app.waiting_at);
	if (wf_apply(s, &h.p, &h.app, rq, &outcome, &e) < 0)
		goto fail;
	snprintf(it->msg, sizeof(it->msg), "%s", outcome);
	if (wf_commit(s, &h, old, &e) < 0)
		goto fail;
	it->code = 0;
	app_close(&h);
	return;
fail:
	it->code = e.code ? e.code : CEH_ESYS;
	snprintf(it->msg, sizeof(it->msg), "%s", e.msg);
	app_close(&h);
}

/* Items per chunk: each person of a chunk holds STAGE__COUNT + 2
 * descriptors open (folder, stage folders, lock), so stay well inside the
 * limit; CEH_BATCH_CHUNK asks for smaller chunks (tests of chunking). */
static size_t
chunk_max(void)
{
	size_t max = CHUNK_MAX;
	struct rlimit rl;
	const char *env;
	long chunk;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY) {
		size_t fit = rl.rlim_cur > 64 ? (size_t)(rl.rlim_cur - 64) /
		    (STAGE__COUNT + 2) : 1;

		if (fit < max)
			max = fit ? fit : 1;
	}
	if ((env = getenv("CEH_BATCH_CHUNK")) != NULL &&
	    parse_long(env, &chunk) == 0 && chunk >= 1 && chunk < CHUNK_MAX)
		max = (size_t)chunk;
	return max;
}

/* The next chunk from items: consecutive items, at most max, no id twice
 * (a repeated id is decided after the first one is committed).  The
 * count taken. */
static size_t
fill_chunk(struct bitem *v, size_t max, struct wf_item *items, size_t n)
{
	size_t m = 0, j;

	while (m < n && m < max) {
		struct bitem *b = &v[m];
		struct ceh_err sub;
		int dup = 0;

		memset(b, 0, sizeof(*b));
		b->it = &items[m];
		b->it->code = 0;
		b->it->msg[0] = '\0';
		if (app_ref_parse(b->it->id, &b->ref, &sub) < 0) {
			item_fail(b, &sub);
			m++;
			continue;
		}
		app_ref_format(&b->ref, b->appid);
		for (j = 0; j < m && !dup; j++)
			dup = v[j].valid && strcmp(v[j].appid, b->appid) == 0;
		if (dup)
			break;
		b->valid = 1;
		m++;
	}
	return m;
}

int
wf_batch(struct store *s, const struct wf_request *rq, struct wf_item *items,
    size_t n, void (*done)(void *arg, const struct wf_item *it), void *arg,
    struct ceh_err *e)
{
	struct bitem *v;
	size_t i, m, start, max;

	if (!s->units_loaded && store_load_units(s, e) < 0)
		return -1;
	if (n == 1) {
		decide_one(s, rq, &items[0]);
		done(arg, &items[0]);
		return 0;
	}
	max = chunk_max();
	v = xreallocarray(NULL, max, sizeof(*v));
	for (start = 0; start < n; start += m) {
		m = fill_chunk(v, max, items + start, n - start);
		run_chunk(s, rq, v, m);
		for (i = 0; i < m; i++)
			done(arg, v[i].it);
	}
	free(v);
	return 0;
}
