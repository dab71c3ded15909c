/*
 * ceh transfer - a person moves to another employer (调动): the move is
 * recorded for the person (moves.h: people/.../transfers.log, signed by
 * the new employer in a signed store), so the reports count the person
 * and their approved hours there; the person's drafts (returned and
 * withdrawn ones too) follow, each with a "transferred" event;
 * applications under review stay with the unit they wait at, decided
 * ones as they are (ceh-transfer(1)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "key.h"
#include "moves.h"
#include "trust.h"

static const char usage[] =
    "usage: ceh transfer IDNUMBER --to UNIT [--unit-nature NATURE] "
    "[--key FILE]\n";

/* The person's applications as the walk found them (not locked). */
struct found {
	struct item {
		char id[APP_ID_LEN + 1];
		enum stage stage;
		char unit[CREDIT_LEN + 1];
		char waiting[CREDIT_LEN + 1];
		char updated[32];
	} *v;
	size_t n;
	struct ceh_err err;
	int failed;
};

static int
collect(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct found *f = arg;
	struct item *it;

	(void)s;
	(void)p;
	(void)folder;
	if (app == NULL) {
		f->err = *err;
		f->failed = 1;
		return 1;
	}
	f->v = xreallocarray(f->v, f->n + 1, sizeof(*f->v));
	it = &f->v[f->n++];
	snprintf(it->id, sizeof(it->id), "%s", app->id);
	it->stage = app->stage;
	snprintf(it->unit, sizeof(it->unit), "%s", app->a.unit);
	snprintf(it->waiting, sizeof(it->waiting), "%s", app->waiting_at);
	snprintf(it->updated, sizeof(it->updated), "%s", app->updated ?
	    app->updated : "");
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->id,
	    ((const struct item *)b)->id);
}

/* Move one draft: under the person's lock, read again (it as it is
 * now); 1 moved, 0 nothing to move (no longer a draft, or there
 * already), -1 failed. */
static int
move_one(struct store *s, struct item *it, const char *to,
    const char *nature, char *old, size_t oldlen, struct ceh_err *e)
{
	struct app_handle h;
	char *oldnat = NULL;
	int rc = -1;

	app_handle_init(&h);
	if (app_open(s, it->id, 1, &h, e) < 0)
		goto out;
	it->stage = h.app.stage;
	snprintf(it->unit, sizeof(it->unit), "%s", h.app.a.unit);
	snprintf(it->waiting, sizeof(it->waiting), "%s", h.app.waiting_at);
	snprintf(old, oldlen, "%s", h.app.a.unit);
	oldnat = xstrdup(h.app.a.unit_nature ? h.app.a.unit_nature : "");
	if (h.app.stage != STAGE_DRAFT) {
		rc = 0;
		goto out;
	}
	if (applicant_set(&h.app.a, "unit", to, &s->codes, e) < 0 ||
	    (nature && applicant_set(&h.app.a, "unit-nature", nature,
	    &s->codes, e) < 0))
		goto out;
	if (strcmp(old, to) == 0 && strcmp(oldnat, h.app.a.unit_nature ?
	    h.app.a.unit_nature : "") == 0) {
		rc = 0;		/* already there: nothing written */
		goto out;
	}
	/* next: the new employer; detail: the old one (ceh-store(5)) */
	app_add_event(&h.app, "transferred", NULL, to, NULL, old);
	if (app_save(s, &h, e) < 0)
		goto out;
	rc = 1;
out:
	free(oldnat);
	app_close(&h);
	return rc;
}

/*
 * Record the move for the person (moves.h), unless the person works at
 * to already: where the person works now is the last transfer's unit,
 * else the employer of the application changed last.  In a signed store
 * the new employer signs it (as it signs its staff's submissions), so
 * its key is read before anything is written.  1 recorded, 0 already
 * there, -1 failed (nothing recorded).
 */
static int
record_move(struct store *s, const char *idnum, const struct found *f,
    const char *to, const char *keyopt, char *from, size_t fromlen,
    struct ceh_err *e)
{
	struct ceh_key k, *kp = NULL;
	struct person p;
	size_t i, last = 0;
	int rc;

	rc = moves_current(s, -1, idnum, from, e);
	if (rc < 0) {
		ceh_err_prefix(e, _("the transfers of %s do not check, so none "
		    "is added ('ceh fsck' says more)"), idnum);
		e->code = CEH_ESYS;
		return -1;
	}
	if (rc == 1 && strcmp(from, to) == 0)
		return 0;
	if (rc == 0) {
		int elsewhere = 0;

		for (i = 0; i < f->n; i++) {
			if (strcmp(f->v[i].updated, f->v[last].updated) > 0)
				last = i;
			elsewhere |= strcmp(f->v[i].unit, to) != 0;
		}
		/* a first move of someone all of whose applications are
		 * at to already: nothing to record */
		if (!elsewhere)
			return 0;
		snprintf(from, fromlen, "%s", f->v[last].unit);
	}
	if (trust_signed(s)) {
		if (trust_signer(s, to, keyopt, &k, e) < 0)
			return -1;
		kp = &k;
	}
	rc = -1;
	if (moves_list_add(s, idnum, e) == 0 &&
	    person_open(s, idnum, 0, &p, e) == 0) {
		if (person_lock(s, &p, e) == 0 &&
		    moves_append(s, &p, from, to, kp, e) == 0)
			rc = 1;
		person_close(&p);
	}
	if (kp)
		key_wipe(kp);
	return rc;
}

CMD_FN(transfer)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "unit-nature", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' },
		CMD_OPT_END
	};
	const char *to_arg = NULL, *nature = NULL, *keyopt = NULL;
	char idnum[IDNUM_LEN + 1], to[CREDIT_LEN + 1], old[CREDIT_LEN + 1];
	char from[CREDIT_LEN + 1];
	struct found f;
	const struct unit *u;
	struct ceh_err e;
	enum stage st;
	size_t i, moved = 0, kept = 0, decided = 0, already = 0, failed = 0;
	int ch, rc, worst = 0;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 't': to_arg = optarg; break;
		case 'n': nature = optarg; break;
		case 'k': keyopt = optarg; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, _("give one ID number"));
	if (to_arg == NULL)
		return cmd_usage_error(argv[0], usage, _("transfer needs --to "
		    "UNIT, the new employer"));
	if (idnum_check(_("ID number"), argv[optind], idnum, &e) < 0 ||
	    credit_check("--to", to_arg, to, &e) < 0)
		return cmd_error(argv[0], &e);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (nature) {
		/* checked before anything moves, as applicant_set will */
		struct applicant probe;

		memset(&probe, 0, sizeof(probe));
		rc = applicant_set(&probe, "unit-nature", nature, &s->codes,
		    &e);
		free(probe.unit_nature);
		if (rc < 0)
			return cmd_error(argv[0], &e);
	}
	if ((u = units_find(&s->units, to)) == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, _("--to %s is not a registered "
		    "unit; register it with 'ceh unit add'"), to);
		return cmd_error(argv[0], &e);
	}
	if (u->kind != UNIT_EMPLOYER) {
		ceh_fail(&e, CEH_EINPUT, _("--to %s is %s, not an employer; "
		    "a person moves to an employer"), to,
		    unit_kind_name(u->kind));
		return cmd_error(argv[0], &e);
	}
	memset(&f, 0, sizeof(f));
	if (store_walk(s, idnum, collect, &f, &e) < 0 && !f.failed) {
		free(f.v);
		return cmd_error(argv[0], &e);
	}
	if (f.failed) {
		free(f.v);
		return cmd_error(argv[0], &f.err);
	}
	if (f.n == 0) {
		free(f.v);
		ceh_fail(&e, CEH_ENOTFOUND, _("no applications for ID "
		    "number %s"), idnum);
		return cmd_error(argv[0], &e);
	}
	qsort(f.v, f.n, sizeof(*f.v), by_id);
	ceh_err_clear(&e);
	if ((rc = record_move(s, idnum, &f, to, keyopt, from, sizeof(from),
	    &e)) < 0) {
		free(f.v);
		return cmd_error(argv[0], &e);
	}
	if (rc == 1)
		fprintf(stderr, _("ceh transfer: %s now works at %s (%s), "
		    "recorded%s; the reports count the person there\n"),
		    idnum, to, u->name, trust_signed(s) ? _(", signed by the "
		    "new employer") : "");
	for (i = 0; i < f.n; i++) {
		struct item *it = &f.v[i];

		st = it->stage;
		rc = 0;
		if (st == STAGE_DRAFT) {
			ceh_err_clear(&e);
			rc = move_one(s, it, to, nature, old, sizeof(old), &e);
			st = it->stage;
			if (rc < 0) {
				/* machine: the outcome column, as submit's */
				printf("%s\terror %d: %s\n", it->id, e.code,
				    e.msg);
				fflush(stdout);
				cmd_error(argv[0], &e);
				if (e.code > worst)
					worst = e.code;
				failed++;
				continue;
			}
		}
		if (rc == 1) {
			/* machine: the outcome column */
			printf("%s\ttransferred from %s to %s\n", it->id, old,
			    to);
			fflush(stdout);	/* each line as its draft is committed */
			moved++;
		} else if (st == STAGE_DRAFT)
			already++;
		else if (st == STAGE_REVIEW) {
			fprintf(stderr, _("ceh transfer: %s stays in review at "
			    "%s, filed by %s; transfer again once it is "
			    "returned or withdrawn\n"), it->id, it->waiting,
			    it->unit);
			kept++;
		} else
			decided++;
	}
	fprintf(stderr, _("ceh transfer: to %s (%s): %zu moved, %zu already "
	    "there, %zu staying in review, %zu decided, %zu failed\n"), to,
	    u->name, moved, already, kept, decided, failed);
	free(f.v);
	return worst;
}
