/*
 * chain_flow.c - replay a history against the workflow table
 * (chain_flow.h has the rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_flow.h"
#include "doc.h"
#include "err.h"
#include "i18n.h"
#include "store.h"
#include "trust.h"
#include "units.h"
#include "util.h"
#include "xalloc.h"

/* The state of the application after the events replayed so far. */
struct flow {
	enum stage stage;
	const char *waiting;	/* into the history; "" outside review */
	const char *first;	/* first reviewer of the current submission */
	int decided;		/* a decision since the submission */
	const char **seen;	/* units it has waited at since the submission */
	size_t nseen;
	const char *approver;	/* the unit of the final approval */
	/* the state before the last event, when that event is a decision
	 * its unit may undo (forwarded, rejected, returned) */
	struct {
		int valid;
		const char *what, *unit;
		enum stage stage;
		const char *waiting;
		int decided;
		size_t nseen;
	} undo;
};

static int
is_drafting(const char *what)
{
	static const char *const d[] = { "created", "edited", "year-added",
	    "year-replaced", "year-removed", "attached", "detached",
	    "transferred", NULL };

	return str_in(what, d);
}

static int
seen(const struct flow *f, const char *unit)
{
	size_t i;

	for (i = 0; i < f->nseen; i++)
		if (strcmp(f->seen[i], unit) == 0)
			return 1;
	return 0;
}

static void
see(struct flow *f, const char *unit)
{
	f->seen = xreallocarray(f->seen, f->nseen + 1, sizeof(*f->seen));
	f->seen[f->nseen++] = unit;
}

/* The kind of unit as the event's signature vouches for it: its
 * certificate at the event's time when the event is signed, else the
 * registry of units.  -1 if neither knows the unit. */
static int
kind_of(struct store *s, const struct event *ev, enum unit_kind *k)
{
	const struct unit *u;
	time_t at;

	if (ev->sig[0])
		return parse_iso_time(ev->at, &at) < 0 ? -1 :
		    trust_unit_kind(s, ev->unit, at, k);
	if ((u = units_find(&s->units, ev->unit)) == NULL)
		return -1;
	*k = u->kind;
	return 0;
}

/* A decision (forwarded, approved, rejected, returned) at i: it must be
 * in review and signed by the unit it waits at. */
static int
decision(const struct application *app, size_t i, const struct flow *f,
    struct ceh_err *e)
{
	const struct event *ev = &app->history[i];

	if (f->stage != STAGE_REVIEW)
		return ceh_fail(e, CEH_ESYS, _("application %s: event %zu "
		    "(%s) by %s decides on it while it is %s, not in review"),
		    app->id, i, ev->what, ev->unit[0] ? ev->unit : "-",
		    stage_name(f->stage));
	if (strcmp(ev->unit, f->waiting) != 0)
		return ceh_fail(e, CEH_ESYS, _("application %s: event %zu "
		    "(%s) was signed by %s, but the application was waiting "
		    "at %s: a decision by a unit it was not waiting at"),
		    app->id, i, ev->what, ev->unit[0] ? ev->unit : _("(nobody)"),
		    f->waiting);
	return 0;
}

/* undone at i: the event before ("upgraded" aside) is a forwarding,
 * rejection or return by the same unit, and the state before it
 * returns. */
static int
undo(const struct application *app, size_t i, struct flow *f,
    struct ceh_err *e)
{
	const struct event *ev = &app->history[i];

	if (!f->undo.valid || strcmp(ev->unit, f->undo.unit) != 0 ||
	    strcmp(ev->detail, f->undo.what) != 0 ||
	    strcmp(ev->next, f->undo.waiting) != 0)
		return ceh_fail(e, CEH_ESYS, _("application %s: event %zu "
		    "(undone) by %s does not take back the event before it: "
		    "only the unit that made a forwarding, rejection or return "
		    "undoes it, while nobody has acted since"), app->id, i,
		    ev->unit[0] ? ev->unit : _("(nobody)"));
	f->stage = f->undo.stage;
	f->waiting = f->undo.waiting;
	f->decided = f->undo.decided;
	f->nseen = f->undo.nseen;
	f->undo.valid = 0;
	return 0;
}

/* revoked at i: after the final approval, by the agency that gave it,
 * with a reason; the application ends rejected. */
static int
revoke(struct store *s, const struct application *app, size_t i,
    struct flow *f, struct ceh_err *e)
{
	const struct event *ev = &app->history[i];
	enum unit_kind k;

	if (f->stage != STAGE_APPROVED)
		return ceh_fail(e, CEH_ESYS, _("application %s: event %zu "
		    "(revoked) while it was %s, not approved"), app->id, i,
		    stage_name(f->stage));
	if (strcmp(ev->unit, f->approver) != 0 || kind_of(s, ev, &k) < 0 ||
	    k != UNIT_AGENCY)
		return ceh_fail(e, CEH_ESYS, _("application %s: event %zu "
		    "(revoked) was signed by %s, but the agency %s approved "
		    "it; only that agency revokes its approval"), app->id, i,
		    ev->unit[0] ? ev->unit : _("(nobody)"), f->approver);
	if (ev->reason[0] == '\0')
		return ceh_fail(e, CEH_ESYS, _("application %s: event %zu "
		    "(revoked) gives no reason"), app->id, i);
	f->stage = STAGE_REJECTED;
	f->waiting = "";
	return 0;
}

/* Remember the state before a decision at ev that its unit may undo. */
static void
keep_undo(struct flow *f, const struct event *ev)
{
	f->undo.valid = 1;
	f->undo.what = ev->what;
	f->undo.unit = ev->unit;
	f->undo.stage = f->stage;
	f->undo.waiting = f->waiting;
	f->undo.decided = f->decided;
	f->undo.nseen = f->nseen;
}

static int
step(struct store *s, const struct application *app, size_t i,
    struct flow *f, struct ceh_err *e)
{
	const struct event *ev = &app->history[i];
	const char *w = ev->what;
	enum unit_kind k;

	if (strcmp(w, "upgraded") == 0) {
		if (ev->sig[0] && (kind_of(s, ev, &k) < 0 || k != UNIT_AGENCY))
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (upgraded) is signed by %s, which is not an "
			    "agency"), app->id, i, ev->unit);
		return 0;
	}
	if (strcmp(w, "undone") == 0)
		return undo(app, i, f, e);
	f->undo.valid = 0;	/* any other event: nothing to undo */
	if (strcmp(w, "revoked") == 0)
		return revoke(s, app, i, f, e);
	if (is_drafting(w)) {
		if (f->stage != STAGE_DRAFT)
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (%s) changed it while it was %s; only a draft "
			    "is changed (edited after submission or "
			    "approval)"), app->id, i, w, stage_name(f->stage));
		return 0;
	}
	if (f->stage == STAGE_APPROVED || f->stage == STAGE_REJECTED)
		return ceh_fail(e, CEH_ESYS, _("application %s: event %zu (%s) "
		    "follows its final decision (it was %s)"), app->id, i, w,
		    stage_name(f->stage));
	if (strcmp(w, "submitted") == 0) {
		if (f->stage != STAGE_DRAFT)
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (submitted) while it was %s, not a draft"),
			    app->id, i, stage_name(f->stage));
		if (ev->next[0] == '\0' || (ev->unit[0] &&
		    strcmp(ev->unit, ev->next) != 0))
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (submitted) was signed by %s but sent it to "
			    "%s; the employer that receives it signs its "
			    "submission"), app->id, i, ev->unit[0] ? ev->unit :
			    "-", ev->next[0] ? ev->next : _("(nobody)"));
		f->stage = STAGE_REVIEW;
		f->waiting = f->first = ev->next;
		f->decided = 0;
		f->nseen = 0;
		see(f, ev->next);
		return 0;
	}
	if (strcmp(w, "withdrawn") == 0) {
		if (f->stage != STAGE_REVIEW)
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (withdrawn) while it was %s, not in review"),
			    app->id, i, stage_name(f->stage));
		if (f->decided || strcmp(f->waiting, f->first) != 0)
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (withdrawn) after a decision on it (it waited "
			    "at %s, past its first reviewer %s)"), app->id, i,
			    f->waiting, f->first);
		if (strcmp(ev->unit, f->first) != 0)
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (withdrawn) was signed by %s, but the "
			    "application was waiting at %s, whose withdrawal "
			    "it is"), app->id, i, ev->unit[0] ? ev->unit :
			    _("(nobody)"), f->first);
		f->stage = STAGE_DRAFT;
		f->waiting = "";
		return 0;
	}
	if (strcmp(w, "forwarded") == 0) {
		if (decision(app, i, f, e) < 0)
			return -1;
		if (kind_of(s, ev, &k) == 0 && k == UNIT_AGENCY)
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (forwarded) by the agency %s, whose approval "
			    "is final"), app->id, i, ev->unit);
		if (ev->next[0] == '\0' || strcmp(ev->next, ev->unit) == 0 ||
		    seen(f, ev->next))
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (forwarded) by %s sends it to %s, which is "
			    "not a next reviewer (itself, nobody, or a unit "
			    "it has waited at since its submission)"),
			    app->id, i, ev->unit, ev->next[0] ? ev->next :
			    _("(nobody)"));
		keep_undo(f, ev);
		f->waiting = ev->next;
		f->decided = 1;
		see(f, ev->next);
		return 0;
	}
	if (strcmp(w, "approved") == 0) {
		if (decision(app, i, f, e) < 0)
			return -1;
		if (kind_of(s, ev, &k) < 0 || k != UNIT_AGENCY)
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (approved) is a final approval by %s, which "
			    "is not certified as an agency; only an agency "
			    "approves finally"), app->id, i, ev->unit);
		f->stage = STAGE_APPROVED;
		f->waiting = "";
		f->approver = ev->unit;
		return 0;
	}
	if (strcmp(w, "rejected") == 0 || strcmp(w, "returned") == 0) {
		if (decision(app, i, f, e) < 0)
			return -1;
		keep_undo(f, ev);
		f->stage = w[2] == 'j' ? STAGE_REJECTED : STAGE_DRAFT;
		f->waiting = "";
		return 0;
	}
	return ceh_fail(e, CEH_ESYS, _("application %s: event %zu is '%s', "
	    "which is no event of the workflow"), app->id, i, w);
}

int
chain_flow_check(struct store *s, const struct application *app,
    struct ceh_err *e)
{
	struct flow f;
	size_t i;
	int rc = 0;

	memset(&f, 0, sizeof(f));
	f.stage = STAGE_DRAFT;
	f.waiting = f.first = f.approver = "";
	for (i = 0; i < app->nhistory && rc == 0; i++)
		rc = step(s, app, i, &f, e);
	if (rc == 0 && (f.stage != app->stage ||
	    strcmp(f.waiting, app->waiting_at) != 0))
		rc = ceh_fail(e, CEH_ESYS, _("application %s is %s%s%s, but "
		    "its history leaves it %s%s%s"), app->id,
		    stage_name(app->stage), app->waiting_at[0] ? _(" at ") : "",
		    app->waiting_at, stage_name(f.stage), f.waiting[0] ?
		    _(" at ") : "", f.waiting);
	free(f.seen);
	return rc;
}
