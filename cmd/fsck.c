/*
 * ceh fsck - check the whole store and repair interrupted changes.
 *
 * Person by person, under that person's lock (so it is safe while other
 * commands run): the roll-forward rule of store.h (person_repair), a full
 * validation of every document, the workflow fields against the history,
 * and the queue entry of every application in review.  Then the queue
 * index as a whole (stale entries, re-checked under the person's lock),
 * and temp files at the top of the store (under the store lock), then
 * the modes and owners of every file.
 *
 * A store this process cannot write (a read-only medium, a folder without
 * write permission, another user's store) or --read-only is checked
 * without any lock (LOCK_NONE) and without writing; the output says so.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "i18n.h"
#include "index.h"
#include "cmd.h"
#include "records.h"
#include "queue.h"
#include "util.h"
#include "trust.h"
#include "workflow.h"

static const char usage[] = "usage: ceh fsck [--repair | --read-only] [--no-cache]\n";

struct fsck {
	struct store *s;
	int repair;
	int ro;			/* read-only check: no locks, no writes */
	int no_cache;		/* verify every document (not the cache) */
	long people, apps;
	long problems;		/* found and not (or not yet) repaired */
	long repaired;
	long busy;		/* people skipped: lock busy */
	long syserr;
	char **expect;		/* "UNIT/APPID" of every application in review */
	size_t nexpect;
};

static void
say(void *arg, const char *msg)
{
	(void)arg;
	printf("%s\n", msg);
}

static void
problem(struct fsck *f, int fixed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(struct fsck *f, int fixed, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	/* TRANSLATORS: ends a problem line of fsck that --repair fixed */
	printf("%s\n", fixed ? _(", repaired") : "");
	if (fixed)
		f->repaired++;
	else
		f->problems++;
}

static void
syserr(struct fsck *f, const struct ceh_err *e)
{
	printf("%s\n", e->msg);
	if (e->code == CEH_ESYS)
		f->syserr++;
	else
		f->problems++;
}

/* The last workflow event, or NULL. */
static const struct event *
last_flow(const struct application *app)
{
	static const char *const flow[] = { "submitted", "withdrawn",
	    "forwarded", "approved", "rejected", "returned", NULL };
	size_t i;

	for (i = app->nhistory; i > 0; i--)
		if (str_in(app->history[i - 1].what, flow))
			return &app->history[i - 1];
	return NULL;
}

/* Does the stage agree with the history?  NULL if so, else what is
 * wrong. */
static const char *
flow_mismatch(const struct application *app)
{
	const struct event *ev = last_flow(app);
	const char *w = ev ? ev->what : "";

	switch (app->stage) {
	case STAGE_DRAFT:
		if (ev && strcmp(w, "withdrawn") && strcmp(w, "returned"))
			return _("a draft whose last decision is not a return "
			    "or a withdrawal");
		break;
	case STAGE_REVIEW:
		if (!ev || (strcmp(w, "submitted") && strcmp(w, "forwarded")))
			return _("in review without a submission or forwarding "
			    "as its last event");
		if (strcmp(ev->next, app->waiting_at) != 0)
			return _("waiting at a unit its history did not send it "
			    "to");
		break;
	case STAGE_APPROVED:
		if (!ev || strcmp(w, "approved"))
			return _("approved without an approval as its last "
			    "decision");
		break;
	case STAGE_REJECTED:
		if (!ev || strcmp(w, "rejected"))
			return _("rejected without a rejection as its last "
			    "decision");
		break;
	default:
		break;
	}
	return NULL;
}

/* Check one document of a locked person. */
static void
check_app(struct fsck *f, struct person *p, enum stage folder,
    const char *uniq)
{
	struct store *s = f->s;
	struct application app;
	struct ceh_err e;
	const char *why;
	char shard[4];

	person_shard(p->idnum, shard);
	if (app_read(s, p, folder, uniq, &app, &e) < 0) {
		syserr(f, &e);
		return;
	}
	f->apps++;
	if ((why = flow_mismatch(&app)) != NULL)
		problem(f, 0, _("people/%s/%s/%s/%s.yaml: %s"), shard, p->idnum,
		    stage_name(folder), uniq, why);
	/* the user's verification cache (trust.h) spares the signatures of
	 * a document verified before, byte for byte under the same registry;
	 * --no-cache verifies them all */
	if ((f->no_cache ? trust_app_check(s, &app, NULL, NULL, &e) :
	    trust_app_verified(s, &app, &e)) < 0)
		problem(f, 0, _("people/%s/%s/%s/%s.yaml: %s"), shard, p->idnum,
		    stage_name(folder), uniq, e.msg);
	if (app.stage == STAGE_REVIEW) {
		if (units_find(&s->units, app.waiting_at) == NULL)
			problem(f, 0, _("people/%s/%s/%s/%s.yaml: waits at %s, "
			    "which is not a registered unit"), shard, p->idnum,
			    stage_name(folder), uniq, app.waiting_at);
		if (!queue_has(s, app.waiting_at, app.id)) {
			int fixed = f->repair &&
			    queue_add(s, app.waiting_at, app.id, 1, &e) == 0;


			problem(f, fixed, _("queues/%s/%s: missing (the "
			    "application waits there)"), app.waiting_at,
			    app.id);
		}
		/* the listing cache is no problem, but --repair renews it */
		if (f->repair && folder == STAGE_REVIEW &&
		    !queue_note_valid(s, app.waiting_at, app.id))
			(void)queue_note(s, app.waiting_at,
			    p->stagefd[STAGE_REVIEW], &app, &e);
		f->expect = xreallocarray(f->expect, f->nexpect + 1,
		    sizeof(*f->expect));
		f->expect[f->nexpect++] = xasprintf("%s/%s", app.waiting_at,
		    app.id);
	}
	/* the zip against the document: names, sizes, SHA-256; with
	 * --repair leftovers of interrupted changes are removed */
	{
		struct bundle_report br;

		memset(&br, 0, sizeof(br));
		br.say = say;
		if (bundle_check(s, p, &app, folder, &br, f->repair, &e) < 0)
			syserr(f, &e);
		f->problems += br.problems + br.leftovers - br.fixed;
		f->repaired += br.fixed;
	}
	app_release(&app);
}

/* check_app for each document of a folder (folder_docs). */
static int
check_doc(struct person *p, enum stage folder, const char *uniq, void *arg)
{
	check_app(arg, p, folder, uniq);
	return 0;
}

/* One person (store_people), under its lock: the roll-forward rule, then
 * every document of every folder. */
static int
check_person(struct store *s, struct person *p, const struct ceh_err *err,
    void *arg)
{
	struct fsck *f = arg;
	struct repair_report rep;
	struct ceh_err e;
	int i;

	if (p == NULL) {
		syserr(f, err);
		return 0;
	}
	f->people++;
	if (person_lock_mode(s, p, f->ro ? LOCK_NONE : LOCK_ONLY, &e) < 0) {
		printf(_("%s: skipped: %s\n"), p->dir, e.msg);
		if (e.code == CEH_ESTATE)
			f->busy++;
		else
			f->syserr++;
		return 0;
	}
	memset(&rep, 0, sizeof(rep));
	rep.say = say;
	if (person_repair(s, p, f->repair, &rep, &e) < 0)
		syserr(f, &e);
	f->problems += rep.problems;
	f->repaired += rep.moved + rep.zips_moved + rep.temps_removed;
	for (i = 0; i < STAGE__COUNT; i++)
		if (folder_docs(p, (enum stage)i, check_doc, f, &e) < 0)
			syserr(f, &e);
	return 0;
}

static void
check_people(struct fsck *f)
{
	struct ceh_err e;

	if (store_people(f->s, check_person, f, &e) < 0)
		syserr(f, &e);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An entry not expected from the walk: look again under the lock (it may
 * have been added since).  The lock is taken without person_repair, so a
 * report-only run changes nothing. */
static int
check_entry(struct store *s, const char *unit, const char *appid, void *arg)
{
	struct fsck *f = arg;
	char key[80], *kp = key;
	struct application app;
	struct app_ref ref;
	struct person p;
	struct ceh_err e;
	enum stage folder;
	const char *why = NULL;
	char buf[200];

	snprintf(key, sizeof(key), "%s/%s", unit, appid);
	if (f->nexpect && bsearch(&kp, f->expect, f->nexpect,
	    sizeof(*f->expect), cmp_str) != NULL)
		return 0;
	if (app_ref_parse(appid, &ref, &e) < 0)
		return 0;
	app_init(&app);
	if (person_open(s, ref.idnum, 0, &p, &e) < 0) {
		if (e.code != CEH_ENOTFOUND) {
			syserr(f, &e);
			return 0;
		}
		why = _("no such application");
	} else if (person_lock_mode(s, &p, f->ro ? LOCK_NONE : LOCK_ONLY,
	    &e) < 0) {
		if (e.code == CEH_ESTATE) {
			printf(_("queues/%s/%s: skipped: %s\n"), unit, appid,
			    e.msg);
			f->busy++;
		} else {
			syserr(f, &e);
		}
		person_close(&p);
		return 0;
	} else if (app_load(s, &p, ref.uniq, &folder, &app, &e) < 0) {
		if (e.code != CEH_ENOTFOUND) {
			person_close(&p);
			return 0;	/* reported with its person */
		}
		why = _("no such application");
	} else if (app.stage != STAGE_REVIEW) {
		snprintf(buf, sizeof(buf), _("it is %s"), app_status(&app));
		why = buf;
	} else if (strcmp(app.waiting_at, unit) != 0) {
		snprintf(buf, sizeof(buf), _("it waits at %s"), app.waiting_at);
		why = buf;
	}
	if (why)
		problem(f, f->repair && queue_del(s, unit, appid, &e) == 0,
		    _("queues/%s/%s: stale entry (%s)"), unit, appid, why);
	app_release(&app);
	person_close(&p);
	return 0;
}

/* Temp files at the top of the store, in codes/ and in queues/, under
 * the store lock (the writers of the first two hold it; a listing cache
 * line being written meanwhile is only a cache). */
static void
check_top(struct fsck *f)
{
	struct sweep sw;
	struct lock lk = { -1 };
	struct ceh_err e;

	if (!f->ro && store_lock(f->s, &lk, &e) < 0) {
		printf(_("store: top-level temp files not checked: %s\n"), e.msg);
		if (e.code == CEH_ESTATE)
			f->busy++;
		else
			f->syserr++;
		return;
	}
	memset(&sw, 0, sizeof(sw));
	sw.repair = f->repair;
	sw.say = say;
	if (store_sweep(f->s, &sw, &e) < 0 || queue_sweep(f->s, &sw, &e) < 0)
		syserr(f, &e);
	f->problems += sw.found - sw.removed;
	f->repaired += sw.removed;
	lock_release(&lk);
}

/* The imported records (records.h), under the store lock: an import in
 * progress would look like an interrupted one. */
static void
check_records(struct fsck *f)
{
	struct records_report rr;
	struct lock lk = { -1 };
	struct ceh_err e;
	int rc;

	memset(&rr, 0, sizeof(rr));
	rr.say = say;
	if (!f->ro && store_lock(f->s, &lk, &e) < 0) {
		printf(_("records: not checked: %s\n"), e.msg);
		if (e.code == CEH_ESTATE)
			f->busy++;
		else
			f->syserr++;
		return;
	}
	rc = records_fsck(f->s, f->repair, &rr, &e);
	if (rc < 0 && e.code == CEH_ESTATE) {
		/* a live writer (STORE/.writer, records.h) */
		printf(_("records: not checked: %s\n"), e.msg);
		f->busy++;
	} else if (rc < 0)
		syserr(f, &e);
	else if (rr.shards)
		printf(_("records: %ld record(s) in %ld shard(s) checked\n"),
		    rr.records, rr.shards);
	f->problems += rr.problems;
	f->repaired += rr.repaired;
	lock_release(&lk);
}

/* The summary index (index.h) against the documents, shard by shard
 * under each shard's lock (none in a read-only check). */
static void
check_index(struct fsck *f)
{
	struct index_report ir;
	struct ceh_err e;

	memset(&ir, 0, sizeof(ir));
	ir.say = say;
	if (f->ro && !index_present(f->s))
		return;
	if (index_check(f->s, f->repair, &ir, &e) < 0) {
		syserr(f, &e);
		return;
	}
	if (ir.absent) {
		if (f->repair)
			printf(_("index: built from the documents (%ld "
			    "shard(s))\n"), ir.shards);
		else
			printf(_("index: none (a store made before it; 'ceh "
			    "fsck --repair' builds it)\n"));
		return;
	}
	f->problems += ir.bad - ir.rebuilt;
	f->repaired += ir.rebuilt;
}

/* Modes looser than 0600/0700 and files of another owner, everywhere. */
static void
check_modes(struct fsck *f)
{
	struct mode_report mr;
	struct ceh_err e;

	if (!f->s->has_modes) {
		printf(_("modes and owners not checked: the store's filesystem "
		    "keeps no Unix modes\n"));
		return;
	}
	memset(&mr, 0, sizeof(mr));
	mr.say = say;
	if (store_check_modes(f->s, f->repair, &mr, &e) < 0)
		syserr(f, &e);
	f->problems += mr.loose - mr.fixed + mr.foreign;
	f->repaired += mr.fixed;
}

/* --repair needs a store it may write; without it, a store it cannot
 * write gets the read-only check.  Returns -1 (e filled) to stop. */
static int
choose_mode(struct fsck *f, int ro_asked, struct ceh_err *e)
{
	char why[256];
	const char *ro = store_read_only(f->s, why, sizeof(why));

	if (f->repair) {
		if (store_may_write(f->s, e) < 0)
			return -1;
		if (ro)
			return ceh_fail(e, CEH_ESYS, _("cannot repair store "
			    "'%s': %s"), f->s->root, ro);
		return 0;
	}
	if (ro_asked || ro) {
		f->ro = 1;
		printf(_("read-only check (%s): no locks taken, a concurrent "
		    "writer may cause false reports\n"), ro_asked ?
		    "--read-only" : ro);
	}
	return 0;
}

CMD_FN(fsck)
{
	static const struct option opts[] = {
		{ "repair", no_argument, NULL, 'r' },
		{ "read-only", no_argument, NULL, 'o' },
		{ "no-cache", no_argument, NULL, 'C' },
		CMD_OPT_END
	};
	struct fsck f;
	struct ceh_err e;
	size_t i;
	int ch, rc, ro_asked = 0;

	memset(&f, 0, sizeof(f));
	f.s = s;
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'r':
			f.repair = 1;
			break;
		case 'o':
			ro_asked = 1;
			break;
		case 'C':
			f.no_cache = 1;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (f.repair && ro_asked)
		return cmd_usage_error(argv[0], usage, _("--repair and "
		    "--read-only exclude each other"));
	if ((rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO)
		return rc;
	if (choose_mode(&f, ro_asked, &e) < 0)
		return cmd_error(argv[0], &e);
	check_top(&f);
	if (trust_registry_check(s, &e) < 0)
		syserr(&f, &e);
	check_people(&f);
	if (f.nexpect)	/* qsort(NULL, 0) is undefined (UBSan) */
		qsort(f.expect, f.nexpect, sizeof(*f.expect), cmp_str);
	if (queue_walk_all(s, check_entry, &f, &e) < 0)
		syserr(&f, &e);
	check_records(&f);
	check_index(&f);
	check_modes(&f);
	for (i = 0; i < f.nexpect; i++)
		free(f.expect[i]);
	free(f.expect);
	fflush(stdout);
	fprintf(stderr, _("ceh fsck: %ld application(s) of %ld people checked; "
	    "%ld problem(s)%s, %ld repaired%s%s%s\n"), f.apps, f.people,
	    f.problems, f.repair ? _(" left") : _(" found"), f.repaired,
	    f.ro ? _(" (read-only check, no locks taken)") : "",
	    f.busy ? _("; some people were busy (retry, or use --wait)") : "",
	    f.syserr ? _("; system errors") : "");
	if (!trust_signed(s))
		fprintf(stderr, _("ceh fsck: this store is unsigned: its "
		    "decisions are unsigned (ceh-trust(7))\n"));
	if (f.syserr)
		rc = CEH_ESYS;
	else if (f.busy)
		rc = CEH_ESTATE;
	else if (f.problems)
		rc = CEH_EINPUT;
	else
		rc = CEH_OK;
	if (rc == CEH_OK && !f.repair && f.repaired)
		rc = CEH_EINPUT;
	return rc;
}
