/* ceh unit - register, correct, remove, list and show units (单位). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "key.h"
#include "queue.h"
#include "site.h"
#include "trust.h"
#include "cmd.h"
#include "table.h"
#include "util.h"

static const char usage[] =
    "usage: ceh unit add CODE --name NAME --kind employer|supervisor|agency\n"
    "                [--parent CODE] [--region REGION] [--public-key KEY]\n"
    "       ceh unit edit CODE [--name NAME] [--region REGION|none]\n"
    "                [--parent CODE|none]\n"
    "       ceh unit remove CODE\n"
    "       ceh unit certify CODE --public-key KEY --as AGENCY [--key FILE]\n"
    "       ceh unit revoke CODE --as AGENCY [--key FILE] [--effective TIME]\n"
    "                [--reason TEXT]\n"
    "       ceh unit list [--kind KIND] [--format " FMT_LIST_USAGE "]\n"
    "                     " CMD_OUT_USAGE "\n"
    "       ceh unit show CODE [--format text|json]\n";

/* A --parent for unit code: another unit, registered, a supervisor
 * (class 1, or 3 when it is not registered). */
static int
parent_check(struct store *s, const char *code, const char *pcode,
    struct ceh_err *e)
{
	const struct unit *p;

	if (strcmp(pcode, code) == 0)
		return ceh_fail(e, CEH_EINPUT, _("a unit cannot be its own "
		    "parent"));
	if ((p = units_find(&s->units, pcode)) == NULL)
		return ceh_fail(e, CEH_ENOTFOUND, _("parent unit %s is not "
		    "registered; add it first"), pcode);
	if (p->kind != UNIT_SUPERVISOR)
		return ceh_fail(e, CEH_EINPUT, _("parent unit %s is %s, not a "
		    "supervisor"), pcode, unit_kind_name(p->kind));
	return 0;
}

/* --public-key at unit add sets the anchor: the store's first agency
 * only; in a signed store the first agency must have it. */
static int
anchor_check(struct store *s, enum unit_kind k, int has_key,
    struct ceh_err *e)
{
	const char *anchor = trust_anchor_unit(s);

	if (has_key && (k != UNIT_AGENCY || anchor[0]))
		return ceh_fail(e, CEH_EINPUT, _("--public-key at unit add sets "
		    "the trust anchor, the key of the store's first agency%s; "
		    "certify other keys with ceh unit certify"), anchor[0] ?
		    _(" (already set)") : "");
	if (!has_key && k == UNIT_AGENCY && !anchor[0] && trust_signed(s))
		return ceh_fail(e, CEH_EINPUT, _("this store is signed: its "
		    "first agency is its trust anchor and needs --public-key "
		    "KEY (ceh key generate), or make the store with ceh init "
		    "--unsigned"));
	return 0;
}

static int
unit_add(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "parent", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "public-key", required_argument, NULL, 'K' },
		CMD_OPT_END
	};
	const char *name = NULL, *kind = NULL, *parent = NULL, *region = NULL,
	    *pubtext = NULL;
	struct ceh_key pub;
	char code[CREDIT_LEN + 1], pcode[CREDIT_LEN + 1] = "", ts[32];
	const struct code_item *reg = NULL;
	struct unit u;
	struct ceh_err e;
	struct lock lk;
	enum unit_kind k;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'k': kind = optarg; break;
		case 'p': parent = optarg; break;
		case 'r': region = optarg; break;
		case 'K': pubtext = optarg; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error("unit", usage, _("unit add needs one "
		    "CODE"));
	if (name == NULL || kind == NULL)
		return cmd_usage_error("unit", usage, _("unit add needs --name "
		    "and --kind"));
	if (credit_check(_("unit code"), argv[optind], code, &e) < 0 ||
	    name_check("--name", name, 100, &e) < 0 ||
	    (parent && credit_check("--parent", parent, pcode, &e) < 0))
		return cmd_error("unit", &e);
	if (unit_kind_parse(kind, &k) < 0)
		return cmd_usage_error("unit", usage, _("--kind must be employer, "
		    "supervisor or agency, not '%s'"), kind);
	if (pubtext && key_public_parse("--public-key", pubtext, &pub, &e) < 0)
		return cmd_error("unit", &e);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (region && codes_resolve(&s->codes, CL_REGION, "--region", region,
	    &reg, &e) < 0)
		return cmd_error("unit", &e);
	if (k == UNIT_AGENCY && parent) {
		ceh_fail(&e, CEH_EINPUT, _("an agency is the last reviewer and "
		    "has no --parent"));
		return cmd_error("unit", &e);
	}
	if (store_lock(s, &lk, &e) < 0)
		return cmd_error("unit", &e);
	if (store_load_units(s, &e) < 0)
		goto fail;
	if (units_find(&s->units, code)) {
		ceh_fail(&e, CEH_ESTATE, _("unit %s is already registered"),
		    code);
		goto fail;
	}
	if (parent) {
		if (parent_check(s, code, pcode, &e) < 0)
			goto fail;
	}
	if (anchor_check(s, k, pubtext != NULL, &e) < 0)
		goto fail;
	iso_time(now(), ts, sizeof(ts));
	u.code = xstrdup(code);
	u.name = xstrdup(name);
	u.kind = k;
	u.parent = xstrdup(pcode);
	u.region = xstrdup(reg ? reg->code : "");
	u.added = xstrdup(ts);
	s->units.v = xreallocarray(s->units.v, s->units.n + 1,
	    sizeof(*s->units.v));
	s->units.v[s->units.n++] = u;
	if (units_check(&s->units, &s->codes, "units.yaml", &e) < 0)
		goto fail;
	/* the anchor first: a crash between leaves a key for a unit not
	 * yet registered, which unit add then registers without a key */
	if (pubtext && trust_certify(s, code, k, pub.pub, NULL, NULL, &e) < 0)
		goto fail;
	if (store_save_units(s, &e) < 0)
		goto fail;
	lock_release(&lk);
	printf("%s\n", code);
	return 0;
fail:
	lock_release(&lk);
	return cmd_error("unit", &e);
}

/* ---- edit and remove ---- */

/*
 * The applications waiting at the units whose route changes, checked
 * against the registry as it will be (s->units, changed in memory): each
 * must still have a way up to an agency that does not lead back to a
 * unit it has waited at since its submission, which review would refuse
 * as a cycle.  top: the units at and below it; NULL: every unit (an
 * agency's change changes which units it serves).
 */
#define STRAND_NAMED 5
struct strand {
	struct store *s;
	size_t waiting, stranded;
	struct sbuf why;
	struct ceh_err err;
	int failed;
};

/* Has app waited at unit since its last submission (review's rule)? */
static int
waited_at(const struct application *app, const char *unit)
{
	size_t i, k = 0;

	for (i = 0; i < app->nhistory; i++)
		if (strcmp(app->history[i].what, "submitted") == 0)
			k = i;
	for (i = k; i < app->nhistory; i++) {
		const struct event *ev = &app->history[i];

		if (strcmp(ev->next, unit) == 0 ||
		    (strcmp(ev->what, "submitted") != 0 &&
		    strcmp(ev->unit, unit) == 0))
			return 1;
	}
	return 0;
}

/* Why app, waiting at unit w, cannot go on along the new route; NULL if
 * it can. */
static const char *
route_blocked(struct store *s, const struct application *app,
    const struct unit *w, char *buf, size_t size)
{
	const struct unit *p = w, *a;
	size_t steps;

	if (w->kind == UNIT_AGENCY)
		return NULL;
	for (steps = 0; p->parent[0] && steps <= s->units.n; steps++) {
		p = units_find(&s->units, p->parent);
		if (p == NULL)
			return NULL;	/* units_check reports it */
		if (waited_at(app, p->code)) {
			snprintf(buf, size, _("its new way up leads back to %s, "
			    "where it has waited since its submission"),
			    p->code);
			return buf;
		}
	}
	a = units_agency_for(&s->units, &s->codes, p->region);
	if (a == NULL) {
		snprintf(buf, size, _("no agency is registered for the region "
		    "of %s ('%s')"), p->code, p->region);
		return buf;
	}
	if (waited_at(app, a->code)) {
		snprintf(buf, size, _("its new way up leads back to %s, where "
		    "it has waited since its submission"), a->code);
		return buf;
	}
	return NULL;
}

static int
strand_entry(struct store *s, const char *unit, const char *appid,
    void *arg)
{
	struct strand *st = arg;
	struct application app;
	const struct unit *w;
	const char *why;
	char buf[256];

	app_init(&app);
	if (queue_read_app(s, appid, &app, &st->err) < 0) {
		if (st->err.code == CEH_ENOTFOUND)
			return 0;	/* a stale entry */
		ceh_err_prefix(&st->err, _("cannot check application %s "
		    "(run 'ceh fsck')"), appid);
		st->failed = 1;
		return 1;
	}
	if (app.stage != STAGE_REVIEW || strcmp(app.waiting_at, unit) != 0 ||
	    (w = units_find(&s->units, unit)) == NULL) {
		app_release(&app);
		return 0;
	}
	st->waiting++;
	why = route_blocked(s, &app, w, buf, sizeof(buf));
	/* the first few named, all counted */
	if (why && st->stranded++ < STRAND_NAMED) {
		if (st->why.len)
			sb_adds(&st->why, "; ");
		sb_addf(&st->why, _("%s at %s: %s"), app.id, unit, why);
	}
	app_release(&app);
	return 0;
}

/* 0 and st->waiting counted, or -1: e says which are stranded. */
static int
strand_check(struct store *s, const char *top, struct strand *st,
    struct ceh_err *e)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->s = s;
	sb_init(&st->why);
	ceh_err_clear(&st->err);
	for (i = 0; i < s->units.n && !st->failed; i++) {
		const char *code = s->units.v[i].code;

		if (top && !units_below(&s->units, code, top))
			continue;
		if (queue_walk(s, code, strand_entry, st, e) < 0) {
			sb_release(&st->why);
			return -1;
		}
	}
	if (st->failed) {
		*e = st->err;
		sb_release(&st->why);
		return -1;
	}
	if (st->stranded) {
		if (st->stranded > STRAND_NAMED)
			sb_addf(&st->why, _("; and %zu more"), st->stranded -
			    STRAND_NAMED);
		ceh_fail(e, CEH_ESTATE, Q_("the change would strand %zu "
		    "application waiting for review: %s; let it be decided or "
		    "returned first", "the change would strand %zu "
		    "applications waiting for review: %s; let them be decided "
		    "or returned first", st->stranded),
		    st->stranded, st->why.buf);
		sb_release(&st->why);
		return -1;
	}
	sb_release(&st->why);
	return 0;
}

static int
unit_edit(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "parent", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		CMD_OPT_END
	};
	const char *name = NULL, *parent = NULL, *region = NULL;
	char code[CREDIT_LEN + 1], pcode[CREDIT_LEN + 1] = "";
	const struct code_item *reg = NULL;
	const char *newreg = NULL;
	struct unit *u;
	struct strand st;
	struct ceh_err e;
	struct lock lk;
	int ch, rc, route;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'p': parent = optarg; break;
		case 'r': region = optarg; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error("unit", usage, _("unit edit needs one "
		    "CODE"));
	if (!name && !parent && !region)
		return cmd_usage_error("unit", usage, _("unit edit needs "
		    "--name, --region or --parent"));
	if (credit_check(_("unit code"), argv[optind], code, &e) < 0 ||
	    (name && name_check("--name", name, 100, &e) < 0) ||
	    (parent && strcmp(parent, "none") != 0 &&
	    credit_check("--parent", parent, pcode, &e) < 0))
		return cmd_error("unit", &e);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (region && strcmp(region, "none") == 0)
		newreg = "";
	else if (region) {
		if (codes_resolve(&s->codes, CL_REGION, "--region", region,
		    &reg, &e) < 0)
			return cmd_error("unit", &e);
		newreg = reg->code;
	}
	if (store_lock(s, &lk, &e) < 0)
		return cmd_error("unit", &e);
	if (store_load_units(s, &e) < 0)
		goto fail;
	u = (struct unit *)units_find(&s->units, code);
	if (u == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, _("unit %s is not registered"),
		    code);
		goto fail;
	}
	if (parent && pcode[0]) {
		if (u->kind == UNIT_AGENCY) {
			ceh_fail(&e, CEH_EINPUT, _("an agency is the last "
			    "reviewer and has no --parent"));
			goto fail;
		}
		if (parent_check(s, code, pcode, &e) < 0)
			goto fail;
		if (units_below(&s->units, pcode, code)) {
			ceh_fail(&e, CEH_EINPUT, _("parent unit %s is below %s: "
			    "the tree would have a cycle"), pcode, code);
			goto fail;
		}
	}
	route = (parent && strcmp(u->parent, pcode) != 0) ||
	    (newreg && strcmp(u->region, newreg) != 0);
	if (!route && (!name || strcmp(u->name, name) == 0)) {
		lock_release(&lk);
		printf("%s\tunchanged\n", code);	/* machine: outcome */
		return 0;
	}
	if (name) {
		free(u->name);
		u->name = xstrdup(name);
	}
	if (parent) {
		free(u->parent);
		u->parent = xstrdup(pcode);
	}
	if (newreg) {
		free(u->region);
		u->region = xstrdup(newreg);
	}
	if (units_check(&s->units, &s->codes, "units.yaml", &e) < 0)
		goto fail;
	if (route && strand_check(s, u->kind == UNIT_AGENCY ? NULL : code,
	    &st, &e) < 0)
		goto fail;
	if (store_save_units(s, &e) < 0)
		goto fail;
	lock_release(&lk);
	printf("%s\tedited\n", code);	/* machine: outcome */
	if (route && st.waiting)
		fprintf(stderr, Q_("ceh unit: %zu application waiting for "
		    "review goes on along the new way up\n", "ceh unit: %zu "
		    "applications waiting for review go on along the new way "
		    "up\n", st.waiting), st.waiting);
	return 0;
fail:
	lock_release(&lk);
	return cmd_error("unit", &e);
}

/* What refers to a unit about to be removed: applications that name it
 * anywhere (employer, waiting, any event of a history: a decision, where
 * it went, the unit a transfer left). */
struct refs {
	const char *code;
	size_t employer, waiting, history;
	char first[APP_ID_LEN + 1];
	struct ceh_err err;
	int failed;
};

static int
refs_visit(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct refs *r = arg;
	int hit = 0;
	size_t i;

	(void)s;
	(void)p;
	(void)folder;
	if (app == NULL) {
		r->err = *err;
		ceh_err_prefix(&r->err, _("cannot check every application "
		    "(run 'ceh fsck')"));
		r->failed = 1;
		return 1;
	}
	if (strcmp(app->a.unit, r->code) == 0) {
		r->employer++;
		hit = 1;
	} else if (strcmp(app->waiting_at, r->code) == 0) {
		r->waiting++;
		hit = 1;
	} else {
		for (i = 0; i < app->nhistory && !hit; i++)
			if (strcmp(app->history[i].unit, r->code) == 0 ||
			    strcmp(app->history[i].next, r->code) == 0 ||
			    strcmp(app->history[i].detail, r->code) == 0)
				hit = 1;
		r->history += hit;
	}
	if (hit && !r->first[0])
		snprintf(r->first, sizeof(r->first), "%s", app->id);
	return 0;
}

/* 1 if the store is a site of the exchange with a branch of unit code
 * (sent to it, or received for it), 0 if not, -1 on error. */
static int
exchange_branch(struct store *s, const char *code, struct ceh_err *e)
{
	struct sbuf refs = SBUF_INIT, ref = SBUF_INIT;
	struct site st;
	char oid[41] = "";
	int rc = -1;

	if (site_open(s, &st, e) < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	sb_addf(&ref, "refs/heads/to/%s", code);
	if (site_ref(&st, ref.buf, oid, e) < 0 ||
	    site_refs(&st, "refs/in/", &refs, e) < 0)
		goto out;
	sb_release(&ref);
	sb_addf(&ref, "/%s\n", code);
	rc = oid[0] != '\0' || (refs.buf && strstr(refs.buf, ref.buf));
out:
	sb_release(&ref);
	sb_release(&refs);
	site_close(&st);
	return rc;
}

static int
unit_remove(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		CMD_OPT_END
	};
	char code[CREDIT_LEN + 1];
	const struct unit *u;
	struct trust_info ti;
	struct strand st;
	struct refs r;
	struct ceh_err e;
	struct lock lk;
	size_t i, n;
	int ch, rc, agency;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1)
		return cmd_opt_other(argv, usage, ch);
	if (optind + 1 != argc)
		return cmd_usage_error("unit", usage, _("unit remove needs one "
		    "CODE"));
	if (credit_check(_("unit code"), argv[optind], code, &e) < 0)
		return cmd_error("unit", &e);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (store_lock(s, &lk, &e) < 0)
		return cmd_error("unit", &e);
	if (store_load_units(s, &e) < 0)
		goto fail;
	if ((u = units_find(&s->units, code)) == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, _("unit %s is not registered"),
		    code);
		goto fail;
	}
	for (i = n = 0; i < s->units.n; i++)
		n += strcmp(s->units.v[i].parent, code) == 0;
	if (n) {
		ceh_fail(&e, CEH_ESTATE, Q_("unit %s has %zu unit below it; "
		    "give it another parent first (ceh unit edit --parent)",
		    "unit %s has %zu units below it; give them another parent "
		    "first (ceh unit edit --parent)", n), code, n);
		goto fail;
	}
	if (trust_unit_info(s, code, &ti) == 0) {
		ceh_fail(&e, CEH_ESTATE, _("unit %s has a key in trust.log "
		    "(%s, certified by %s), which must stay verifiable; revoke "
		    "it instead (ceh unit revoke)"), code, ti.fingerprint,
		    ti.certified_by);
		goto fail;
	}
	if ((rc = exchange_branch(s, code, &e)) != 0) {
		if (rc > 0)
			ceh_fail(&e, CEH_ESTATE, _("unit %s has a branch of the "
			    "exchange (ceh-exchange(7)) and stays registered"),
			    code);
		goto fail;
	}
	memset(&r, 0, sizeof(r));
	r.code = code;
	if (store_walk(s, NULL, refs_visit, &r, &e) < 0 && !r.failed)
		goto fail;
	if (r.failed) {
		e = r.err;
		goto fail;
	}
	n = r.employer + r.waiting + r.history;
	if (n) {
		ceh_fail(&e, CEH_ESTATE, Q_("unit %s is named by %zu "
		    "application (%zu as employer, %zu waiting at it, %zu in "
		    "its history; the first: %s) and stays registered",
		    "unit %s is named by %zu applications (%zu as employer, "
		    "%zu waiting at it, %zu in their histories; the first: %s) "
		    "and stays registered", n), code, n, r.employer, r.waiting,
		    r.history, r.first);
		goto fail;
	}
	agency = u->kind == UNIT_AGENCY;
	(void)units_remove(&s->units, code);
	if (units_check(&s->units, &s->codes, "units.yaml", &e) < 0)
		goto fail;
	/* an agency serves regions: what waits below it must still reach
	 * one */
	if (agency && strand_check(s, NULL, &st, &e) < 0)
		goto fail;
	if (store_save_units(s, &e) < 0)
		goto fail;
	lock_release(&lk);
	printf("%s\tremoved\n", code);	/* machine: outcome */
	return 0;
fail:
	lock_release(&lk);
	return cmd_error("unit", &e);
}

struct keyop {
	char code[CREDIT_LEN + 1];
	char as[CREDIT_LEN + 1];
	const char *keyfile, *pubtext, *effective, *reason;
};

/* The options of certify and revoke; CMD_GO or the exit code. */
static int
keyop_args(int argc, char **argv, struct keyop *o)
{
	static const struct option opts[] = {
		{ "public-key", required_argument, NULL, 'K' },
		{ "as", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "effective", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		CMD_OPT_END
	};
	const char *as = NULL;
	struct ceh_err e;
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'K': o->pubtext = optarg; break;
		case 'a': as = optarg; break;
		case 'k': o->keyfile = optarg; break;
		case 't': o->effective = optarg; break;
		case 'r': o->reason = optarg; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error("unit", usage, _("unit %s needs one CODE"),
		    argv[0]);
	if (as == NULL)
		return cmd_usage_error("unit", usage, _("unit %s needs --as "
		    "AGENCY"), argv[0]);
	if (credit_check(_("unit code"), argv[optind], o->code, &e) < 0 ||
	    credit_check("--as", as, o->as, &e) < 0 ||
	    (o->reason && text_check("--reason", o->reason, 500, 1, 1, &e) < 0))
		return cmd_error("unit", &e);
	return CMD_GO;
}

/* ceh unit certify / revoke: under the store lock, with the agency's
 * private key. */
static int
unit_keyop(int argc, char **argv, struct store *s, int revoke)
{
	struct keyop o;
	struct ceh_key pub, signer;
	const struct unit *u;
	struct ceh_err e;
	struct lock lk;
	time_t eff;
	int rc;

	if ((rc = keyop_args(argc, argv, &o)) != CMD_GO)
		return rc;
	if (!revoke && o.pubtext == NULL)
		return cmd_usage_error("unit", usage, _("unit certify needs "
		    "--public-key KEY"));
	if (revoke && o.pubtext)
		return cmd_usage_error("unit", usage, _("unit revoke takes no "
		    "--public-key"));
	if (!revoke && key_public_parse("--public-key", o.pubtext, &pub,
	    &e) < 0)
		return cmd_error("unit", &e);
	eff = now();
	if (o.effective && parse_iso_time(o.effective, &eff) < 0)
		return cmd_usage_error("unit", usage, _("--effective must be a "
		    "time like 2026-01-31T08:00:00Z"));
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (store_lock(s, &lk, &e) < 0)
		return cmd_error("unit", &e);
	memset(&signer, 0, sizeof(signer));
	rc = -1;
	if (store_load_units(s, &e) < 0)
		goto out;
	if ((u = units_find(&s->units, o.code)) == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, _("unit %s is not registered"),
		    o.code);
		goto out;
	}
	if (trust_signer(s, o.as, o.keyfile, &signer, &e) < 0)
		goto out;
	rc = revoke ? trust_revoke(s, o.code, eff, o.reason, o.as, &signer,
	    &e) : trust_certify(s, o.code, u->kind, pub.pub, o.as, &signer,
	    &e);
out:
	key_wipe(&signer);
	lock_release(&lk);
	if (rc < 0)
		return cmd_error("unit", &e);
	printf("%s\t%s\n", o.code, revoke ? "revoked" : "certified");
	return 0;
}

static const char *
region_name(struct store *s, const char *code)
{
	const struct code_item *it = code[0] ?
	    codes_find(&s->codes, CL_REGION, code) : NULL;

	return it ? it->name : code;
}

static int
unit_list(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	static const struct column cols[] = {
		{ "code", "统一社会信用代码", COL_TEXT },
		{ "name", "单位名称", COL_TEXT },
		{ "kind", "类型", COL_WORD },
		{ "parent", "上级单位", COL_UNIT_CODE },
		{ "region", "行政区划", COL_TEXT },
	};
	enum out_format f = FMT_TABLE;
	enum unit_kind k = UNIT_EMPLOYER;
	const char *out = NULL;
	int ch, rc, bykind = 0;
	struct ceh_err e;
	struct table t;
	size_t i;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'k':
			if (unit_kind_parse(optarg, &k) < 0)
				return cmd_usage_error("unit", usage, _("unknown "
				    "--kind '%s'"), optarg);
			bykind = 1;
			break;
		case 'f':
			if ((rc = cmd_format(usage, optarg, FMT_LIST, &f)) != 0)
				return rc;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if ((rc = cmd_output_check(usage, f, out)) != CMD_GO ||
	    (rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO)
		return rc;
	if (store_load_units(s, &e) < 0)
		return cmd_error("unit", &e);
	table_init(&t, cols, 5, &s->units);
	for (i = 0; i < s->units.n; i++) {
		const struct unit *u = &s->units.v[i];
		const char *row[5];

		if (bykind && u->kind != k)
			continue;
		row[0] = u->code;
		row[1] = u->name;
		row[2] = unit_kind_name(u->kind);
		row[3] = u->parent;
		row[4] = f == FMT_TABLE ? region_name(s, u->region) : u->region;
		table_add(&t, row);
	}
	rc = cmd_table_out(&t, f, out);
	table_free(&t);
	return rc;
}

/* The unit's key: fingerprint, who certified it, since when. */
static void
show_key(struct store *s, const struct unit *u)
{
	struct trust_info ti;

	/* the labels are field names, Chinese in every language (as in
	 * every table header); the values follow the user's language */
	if (trust_unit_info(s, u->code, &ti) < 0) {
		printf("密钥              %s\n", trust_signed(s) ?
		    _("(none): this unit cannot sign") : _("(none)"));
		return;
	}
	printf("密钥              %s%s\n", ti.fingerprint, ti.revoked ?
	    _(" (revoked)") : "");
	fputs("认证              ", stdout);
	printf(_("%s since %s\n"), ti.certified_by, ti.valid_from);
}

static void
key_json(struct store *s, struct json *j, const struct unit *u)
{
	struct trust_info ti;
	int has = trust_unit_info(s, u->code, &ti) == 0;

	json_str(j, "key_fingerprint", has ? ti.fingerprint : "");
	json_str(j, "key_certified_by", has ? ti.certified_by : "");
	json_str(j, "key_valid_from", has ? ti.valid_from : "");
	json_bool(j, "key_revoked", has && ti.revoked);
}

/* A unit as JSON: every code with its name beside it (ceh-unit(1)). */
static void
show_json(struct store *s, const struct unit *u)
{
	const struct unit *p, *parent = u->parent[0] ?
	    units_find(&s->units, u->parent) : NULL;
	struct json j;
	int n;

	json_init(&j, stdout, 1);
	json_obj_begin(&j, NULL);
	json_str(&j, "code", u->code);
	json_str(&j, "name", u->name);
	json_str(&j, "kind", unit_kind_name(u->kind));
	json_str(&j, "parent", u->parent);
	json_str(&j, "parent_name", parent ? parent->name : "");
	json_str(&j, "region", u->region);
	json_str(&j, "region_name", u->region[0] ? region_name(s, u->region) :
	    "");
	key_json(s, &j, u);
	json_arr_begin(&j, "chain");
	for (p = u, n = 0; p && p->parent[0] && n < 64; n++) {
		p = units_find(&s->units, p->parent);
		if (p) {
			json_obj_begin(&j, NULL);
			json_str(&j, "code", p->code);
			json_str(&j, "name", p->name);
			json_obj_end(&j);
		}
	}
	p = units_agency_for(&s->units, &s->codes, u->region);
	if (u->kind != UNIT_AGENCY && p) {
		json_obj_begin(&j, NULL);
		json_str(&j, "code", p->code);
		json_str(&j, "name", p->name);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

static int
unit_show(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		CMD_OPT_END
	};
	enum out_format f = FMT_TEXT;
	char code[CREDIT_LEN + 1];
	const struct unit *u, *p;
	struct ceh_err e;
	int ch, rc, n = 0;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'f':
			if ((rc = cmd_format(usage, optarg, FMT_BIT(FMT_TEXT) |
			    FMT_BIT(FMT_JSON), &f)) != 0)
				return rc;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error("unit", usage, _("unit show needs one "
		    "CODE"));
	if (credit_check(_("unit code"), argv[optind], code, &e) < 0)
		return cmd_error("unit", &e);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (store_load_units(s, &e) < 0)
		return cmd_error("unit", &e);
	u = units_find(&s->units, code);
	if (u == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, _("unit %s is not registered"), code);
		return cmd_error("unit", &e);
	}
	if (f == FMT_JSON) {
		show_json(s, u);
		return 0;
	}
	printf("统一社会信用代码  %s\n", u->code);
	printf("单位名称          %s\n", u->name);
	printf("类型              %s (%s)\n", unit_kind_label(u->kind),
	    unit_kind_name(u->kind));
	if (u->parent[0]) {
		p = units_find(&s->units, u->parent);
		printf("上级单位          %s %s\n", u->parent, p ? p->name : "");
	}
	if (u->region[0])
		printf("行政区划          %s %s\n", u->region,
		    region_name(s, u->region));
	show_key(s, u);
	if (u->kind != UNIT_AGENCY) {
		printf("审核链            %s", u->name);
		for (p = u; p && p->parent[0] && n < 64; n++) {
			p = units_find(&s->units, p->parent);
			if (p)
				printf(" → %s", p->name);
		}
		p = units_agency_for(&s->units, &s->codes, u->region);
		printf(" → %s\n", p ? p->name : _("(no agency registered for "
		    "this region)"));
	}
	return 0;
}

CMD_FN(unit)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cmd_help(usage);
	if (argc < 2)
		return cmd_usage_error("unit", usage, _("missing subcommand "
		    "(add, edit, remove, certify, revoke, list or show)"));
	if (strcmp(argv[1], "add") == 0)
		return unit_add(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "edit") == 0)
		return unit_edit(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "remove") == 0)
		return unit_remove(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "certify") == 0)
		return unit_keyop(argc - 1, argv + 1, s, 0);
	if (strcmp(argv[1], "revoke") == 0)
		return unit_keyop(argc - 1, argv + 1, s, 1);
	if (strcmp(argv[1], "list") == 0)
		return unit_list(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "show") == 0)
		return unit_show(argc - 1, argv + 1, s);
	return cmd_usage_error("unit", usage, _("unknown subcommand '%s'"),
	    argv[1]);
}
