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
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "i18n.h"
#include "index.h"
#include "cmd.h"
#include "moves.h"
#include "progress.h"
#include "records.h"
#include "queue.h"
#include "report_src.h"
#include "util.h"
#include "trust.h"
#include "workflow.h"

static const char usage[] = "usage: ceh fsck [--repair | --read-only] [--no-cache]\n";

/*
 * The signatures of the documents are verified by worker threads
 * (trust_app_check only reads the registry and the units, loaded before
 * they start) while this thread reads and checks the next documents.  A
 * job is a document whose verification is pending; everything printed
 * after it waits in the job's after text, and jobs are printed in the
 * order they were made, so the output is what one thread prints.
 */
struct vjob {
	struct application app;
	char where[128];		/* people/SHARD/ID/STAGE/UNIQ.yaml */
	char digest[SHA256_HEX_LEN + 1];	/* the cache's key, or "" */
	int state;			/* 0 queued, 1 running, 2 done */
	int learn;			/* report_learn_app's record */
	int rc;
	struct ceh_err e;
	struct sbuf after;		/* printed after its verdict */
	struct vjob *next;
};

struct vpool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct store *s;
	struct vjob *head, *tail;	/* not printed yet, in order */
	struct vjob *todo;		/* the first job not started */
	size_t queued;			/* jobs not started */
	int stop;
	pthread_t *th;
	int nth;
};

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
	struct vpool *pool;	/* NULL: verified in this thread */
	struct index_seen *seen;	/* what the walk saw, for check_index */
	int direct;		/* printing a job's verdict */
	struct progress pr;	/* the applications checked, on a terminal */
	struct moves_fsck mf;	/* the people's transfers (moves.h) */
	struct report_learn *learn;	/* NULL: the reports' records cache
					 * is not taught (report_src.h) */
	/* the person at hand's folders as person_repair listed them, the
	 * person locked; NULL: not known (a read-only check) */
	const struct folder_list *names;
	/* its documents' bytes as person_repair read them (NULL: read
	 * each again) */
	const struct doc_bytes_list *kept;
};

static void out(struct fsck *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* printf, or after the last pending job (struct vjob) */
static void
vout(struct fsck *f, const char *fmt, va_list ap)
{
	struct vpool *vp = f ? f->pool : NULL;

	if (vp == NULL || vp->tail == NULL || f->direct) {
		if (f)
			progress_clear(&f->pr);
		vprintf(fmt, ap);
		return;
	}
	sb_vaddf(&vp->tail->after, fmt, ap);
}

static void
out(struct fsck *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vout(f, fmt, ap);
	va_end(ap);
}

static void
say(void *arg, const char *msg)
{
	out(arg, "%s\n", msg);
}

static void
problem(struct fsck *f, int fixed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(struct fsck *f, int fixed, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vout(f, fmt, ap);
	va_end(ap);
	/* TRANSLATORS: ends a problem line of fsck that --repair fixed */
	out(f, "%s\n", fixed ? _(", repaired") : "");
	if (fixed)
		f->repaired++;
	else
		f->problems++;
}

static void
syserr(struct fsck *f, const struct ceh_err *e)
{
	out(f, "%s\n", e->msg);
	if (e->code == CEH_ESYS)
		f->syserr++;
	else
		f->problems++;
}

/* ---- the verification threads ---- */

/* j or the first job after it that is still queued */
static struct vjob *
next_queued(struct vjob *j)
{
	while (j && j->state != 0)
		j = j->next;
	return j;
}

static void *
vworker(void *arg)
{
	struct vpool *vp = arg;
	struct vjob *j;

	pthread_mutex_lock(&vp->mu);
	for (;;) {
		while (vp->todo == NULL && !vp->stop)
			pthread_cond_wait(&vp->work, &vp->mu);
		if (vp->todo == NULL)
			break;
		j = vp->todo;
		vp->todo = next_queued(j->next);
		vp->queued--;
		j->state = 1;
		pthread_mutex_unlock(&vp->mu);
		j->rc = trust_app_check(vp->s, &j->app, NULL, NULL, &j->e);
		pthread_mutex_lock(&vp->mu);
		j->state = 2;
		pthread_cond_broadcast(&vp->done);
	}
	pthread_mutex_unlock(&vp->mu);
	return NULL;
}

/* Workers: CEH_FSCK_THREADS if set (0: none), else one per CPU but
 * this one, at most 7. */
static int
vthreads(void)
{
	const char *env = getenv("CEH_FSCK_THREADS");
	long n;

	if (env && parse_long(env, &n) == 0 && n >= 0 && n <= 64)
		return (int)n;
	n = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	return n < 0 ? 0 : n > 7 ? 7 : (int)n;
}

static void
vpool_start(struct fsck *f)
{
	struct vpool *vp;
	int i, n = vthreads();

	if (n == 0)
		return;
	vp = xcalloc(1, sizeof(*vp));
	pthread_mutex_init(&vp->mu, NULL);
	pthread_cond_init(&vp->work, NULL);
	pthread_cond_init(&vp->done, NULL);
	vp->s = f->s;
	vp->th = xreallocarray(NULL, (size_t)n, sizeof(*vp->th));
	for (i = 0; i < n; i++)
		if (pthread_create(&vp->th[vp->nth], NULL, vworker, vp) == 0)
			vp->nth++;
	if (vp->nth == 0) {
		free(vp->th);
		free(vp);
		return;
	}
	f->pool = vp;
}

/* Print the verdict of job j (done) and what followed it; free it. */
static void
vjob_print(struct fsck *f, struct vjob *j)
{
	f->direct = 1;
	progress_clear(&f->pr);
	if (j->rc < 0)
		problem(f, 0, _("%s: %s"), j->where, j->e.msg);
	else {
		trust_app_remember(f->s, j->digest);
		report_learn_app(f->learn, &j->app, j->learn);
	}
	fwrite(j->after.buf ? j->after.buf : "", 1, j->after.len, stdout);
	f->direct = 0;
	sb_release(&j->after);
	app_release(&j->app);
	free(j);
}

/* Print the jobs done at the head; with all, wait for every job (this
 * thread verifies the ones no worker has started). */
static void
vpool_flush(struct fsck *f, int all)
{
	struct vpool *vp = f->pool;
	struct vjob *j;

	pthread_mutex_lock(&vp->mu);
	while ((j = vp->head) != NULL) {
		if (j->state != 2) {
			if (!all)
				break;
			if (vp->todo) {
				struct vjob *t = vp->todo;

				vp->todo = next_queued(t->next);
				vp->queued--;
				t->state = 1;
				pthread_mutex_unlock(&vp->mu);
				t->rc = trust_app_check(vp->s, &t->app, NULL,
				    NULL, &t->e);
				pthread_mutex_lock(&vp->mu);
				t->state = 2;
			} else
				pthread_cond_wait(&vp->done, &vp->mu);
			continue;
		}
		vp->head = j->next;
		if (vp->head == NULL)
			vp->tail = NULL;
		pthread_mutex_unlock(&vp->mu);
		vjob_print(f, j);
		pthread_mutex_lock(&vp->mu);
	}
	pthread_mutex_unlock(&vp->mu);
}

static void
vpool_stop(struct fsck *f)
{
	struct vpool *vp = f->pool;
	int i;

	if (vp == NULL)
		return;
	vpool_flush(f, 1);
	pthread_mutex_lock(&vp->mu);
	vp->stop = 1;
	pthread_cond_broadcast(&vp->work);
	pthread_mutex_unlock(&vp->mu);
	for (i = 0; i < vp->nth; i++)
		pthread_join(vp->th[i], NULL);
	pthread_mutex_destroy(&vp->mu);
	pthread_cond_destroy(&vp->work);
	pthread_cond_destroy(&vp->done);
	free(vp->th);
	free(vp);
	f->pool = NULL;
}

/* Verify *app (taken over: *app is left empty) in a worker; its verdict
 * is printed where this call is in the output.  When the workers are
 * behind, this thread verifies it at once.  The document is the job's
 * (returned): the caller may read it, never change it, until it calls
 * vpool_flush, which frees it. */
static const struct application *
vpool_submit(struct fsck *f, struct application *app, const char *where,
    const char *digest, int record)
{
	struct vpool *vp = f->pool;
	struct vjob *j = xcalloc(1, sizeof(*j));

	j->app = *app;
	app_init(app);
	snprintf(j->where, sizeof(j->where), "%s", where);
	snprintf(j->digest, sizeof(j->digest), "%s", digest);
	j->learn = record;
	pthread_mutex_lock(&vp->mu);
	if (vp->queued >= (size_t)(8 * vp->nth)) {
		pthread_mutex_unlock(&vp->mu);
		j->rc = trust_app_check(vp->s, &j->app, NULL, NULL, &j->e);
		j->state = 2;
		pthread_mutex_lock(&vp->mu);
	} else {
		if (vp->todo == NULL)
			vp->todo = j;
		vp->queued++;
		pthread_cond_signal(&vp->work);
	}
	if (vp->tail)
		vp->tail->next = j;
	else
		vp->head = j;
	vp->tail = j;
	pthread_mutex_unlock(&vp->mu);
	return &j->app;
}

/* The last workflow event, or NULL. */
static const struct event *
last_flow(const struct application *app)
{
	static const char *const flow[] = { "submitted", "withdrawn",
	    "forwarded", "approved", "rejected", "returned", "undone",
	    "revoked", NULL };
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
		if (!ev || (strcmp(w, "submitted") && strcmp(w, "forwarded") &&
		    strcmp(w, "undone")))
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
		if (!ev || (strcmp(w, "rejected") && strcmp(w, "revoked")))
			return _("rejected without a rejection as its last "
			    "decision");
		break;
	default:
		break;
	}
	return NULL;
}

/* Did the listing of the locked person's folders show no UNIQ.zip?
 * Then bundle_check need not look for it in each folder. */
static int
no_archive(const struct fsck *f, const char *uniq)
{
	char name[64];
	int i;

	if (f->names == NULL)
		return 0;
	snprintf(name, sizeof(name), "%s.zip", uniq);
	for (i = 0; i < STAGE__COUNT; i++)
		if (folder_list_has(&f->names[i], name))
			return 0;
	return 1;
}

/* Check one document of a locked person. */
static void
check_app(struct fsck *f, struct person *p, enum stage folder,
    const char *uniq)
{
	struct store *s = f->s;
	struct application own;
	const struct application *ap = &own;
	struct ceh_err e;
	const char *why;
	char shard[4], where[128], digest[SHA256_HEX_LEN + 1], name[64];
	unsigned char raw[SHA256_LEN];
	const struct doc_bytes *kb;
	int record, rc;

	person_shard(p->idnum, shard);
	snprintf(where, sizeof(where), "%s-%s", p->idnum, uniq);
	index_seen_id(f->seen, where);
	/* the bytes person_repair read under this lock, or read again */
	snprintf(name, sizeof(name), "%s.yaml", uniq);
	kb = doc_bytes_find(f->kept, folder, name);
	rc = kb ? app_parse_bytes(s, p, folder, uniq, kb->buf, kb->len, &own,
	    raw, &e) : app_read_digest(s, p, folder, uniq, &own, raw, &e);
	if (rc < 0) {
		syserr(f, &e);
		return;
	}
	index_seen_doc(f->seen, &own);
	f->apps++;
	progress_step(&f->pr, f->apps);
	snprintf(where, sizeof(where), "people/%s/%s/%s/%s.yaml", shard,
	    p->idnum, stage_name(folder), uniq);
	if ((why = flow_mismatch(&own)) != NULL)
		problem(f, 0, _("%s: %s"), where, why);
	/* the user's verification cache (trust.h) spares the signatures of
	 * a document verified before, byte for byte under the same registry
	 * (the digest of the bytes read: trust_doc_cached); --no-cache
	 * verifies them all.  A document that verifies is also a
	 * row ceh list need not read again, and an approved one whose
	 * workflow is whole a record the reports need not (report_src.h). */
	record = why == NULL;
	digest[0] = '\0';
	if (!f->no_cache && trust_doc_cached(s, raw, digest))
		report_learn_app(f->learn, &own, record);
	else if (f->pool)
		ap = vpool_submit(f, &own, where, digest, record);
	else if (trust_app_check(s, &own, NULL, NULL, &e) < 0)
		problem(f, 0, _("%s: %s"), where, e.msg);
	else {
		trust_app_remember(s, digest);
		report_learn_app(f->learn, &own, record);
	}
	if (ap->stage == STAGE_REVIEW) {
		if (units_find(&s->units, ap->waiting_at) == NULL)
			problem(f, 0, _("%s: waits at %s, which is not a "
			    "registered unit"), where, ap->waiting_at);
		if (!queue_has(s, ap->waiting_at, ap->id)) {
			int fixed = f->repair &&
			    queue_add(s, ap->waiting_at, ap->id, 1, &e) == 0;


			problem(f, fixed, _("queues/%s/%s: missing (the "
			    "application waits there)"), ap->waiting_at,
			    ap->id);
		}
		/* the listing cache is no problem, but --repair renews it */
		if (f->repair && folder == STAGE_REVIEW &&
		    !queue_note_valid(s, ap->waiting_at, ap->id))
			(void)queue_note(s, ap->waiting_at,
			    p->stagefd[STAGE_REVIEW], ap, &e);
		f->expect = xreallocarray(f->expect, f->nexpect + 1,
		    sizeof(*f->expect));
		f->expect[f->nexpect++] = xasprintf("%s/%s", ap->waiting_at,
		    ap->id);
	}
	/* the zip against the document: names, sizes, SHA-256; with
	 * --repair leftovers of interrupted changes are removed */
	{
		struct bundle_report br;

		memset(&br, 0, sizeof(br));
		br.say = say;
		br.arg = f;
		br.no_archive = no_archive(f, uniq);
		if (bundle_check(s, p, ap, folder, &br, f->repair, &e) < 0)
			syserr(f, &e);
		f->problems += br.problems + br.leftovers - br.fixed;
		f->repaired += br.fixed;
	}
	app_release(&own);	/* empty if a job took it */
	if (f->pool)
		vpool_flush(f, 0);
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
	struct folder_list names[STAGE__COUNT];
	struct doc_bytes_list kept = { NULL, 0 };
	struct ceh_err e;
	int i;

	if (p == NULL) {
		index_seen_gap(f->seen, NULL);
		syserr(f, err);
		return 0;
	}
	f->people++;
	if (person_lock_mode(s, p, f->ro ? LOCK_NONE : LOCK_ONLY, &e) < 0) {
		index_seen_gap(f->seen, p->idnum);
		out(f, _("%s: skipped: %s\n"), p->dir, e.msg);
		if (e.code == CEH_ESTATE)
			f->busy++;
		else
			f->syserr++;
		return 0;
	}
	memset(&rep, 0, sizeof(rep));
	memset(names, 0, sizeof(names));
	rep.say = say;
	rep.arg = f;
	rep.names = names;	/* each folder listed once, not twice */
	rep.kept = f->ro ? NULL : &kept;	/* each document read once */
	if (person_repair(s, p, f->repair, &rep, &e) < 0)
		syserr(f, &e);
	f->problems += rep.problems;
	f->repaired += rep.moved + rep.zips_moved + rep.temps_removed;
	moves_check_person(s, p, &f->mf);	/* its transfers.log */
	if (f->ro)	/* not locked: each folder as it is now */
		for (i = 0; i < STAGE__COUNT; i++)
			names[i].failed = 1;
	else {
		f->names = names;
		f->kept = &kept;
	}
	for (i = 0; i < STAGE__COUNT; i++)
		if (folder_list_docs(p, (enum stage)i, &names[i], check_doc, f,
		    &e) < 0) {
			index_seen_gap(f->seen, p->idnum);
			syserr(f, &e);
		}
	f->names = NULL;
	f->kept = NULL;
	doc_bytes_free(&kept);
	for (i = 0; i < STAGE__COUNT; i++)
		folder_list_free(&names[i]);
	return 0;
}

static void
check_people(struct fsck *f)
{
	struct ceh_err e;

	if (store_people(f->s, check_person, f, &e) < 0) {
		index_seen_gap(f->seen, NULL);
		syserr(f, &e);
	}
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
	if (index_check_seen(f->s, f->repair, f->seen, &ir, &e) < 0) {
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

/*
 * Modes looser than 0600/0700 and files of another owner, everywhere.
 * Without --repair the walk (store_check_modes: only fstatat and
 * listings, of descriptors of its own) runs in a thread of its own while
 * the people are checked, its lines kept until modes_end prints them
 * where the walk in line would have; with --repair it runs in line
 * (modes_end), after the repairs that move files.
 */
struct modes_job {
	struct fsck *f;
	struct mode_report mr;
	struct sbuf lines;	/* what the walk said, a line each */
	struct ceh_err e;
	int rc;
	int threaded;
	pthread_t th;
};

static void
modes_say(void *arg, const char *msg)
{
	struct modes_job *m = arg;

	sb_adds(&m->lines, msg);
	sb_addc(&m->lines, '\n');
}

static void *
modes_run(void *arg)
{
	struct modes_job *m = arg;

	m->rc = store_check_modes(m->f->s, m->f->repair, &m->mr, &m->e);
	return NULL;
}

static void
modes_begin(struct fsck *f, struct modes_job *m)
{
	memset(m, 0, sizeof(*m));
	m->f = f;
	m->mr.say = modes_say;
	m->mr.arg = m;
	m->lines = (struct sbuf)SBUF_INIT;
	if (f->s->has_modes && !f->repair &&
	    pthread_create(&m->th, NULL, modes_run, m) == 0)
		m->threaded = 1;
}

static void
modes_end(struct fsck *f, struct modes_job *m)
{
	if (!f->s->has_modes) {
		printf(_("modes and owners not checked: the store's filesystem "
		    "keeps no Unix modes\n"));
		return;
	}
	if (m->threaded)
		pthread_join(m->th, NULL);
	else
		modes_run(m);
	if (m->lines.len)
		out(f, "%s", m->lines.buf);
	sb_release(&m->lines);
	if (m->rc < 0)
		syserr(f, &m->e);
	f->problems += m->mr.loose - m->mr.fixed + m->mr.foreign;
	f->repaired += m->mr.fixed;
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
	struct modes_job modes;
	struct ceh_err e;
	size_t i;
	int ch, rc, ro_asked = 0;

	memset(&f, 0, sizeof(f));
	f.s = s;
	f.mf.say = say;
	f.mf.arg = &f;
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
	/* threads verify only what reads a registry and units loaded, and
	 * only signatures: an unsigned store's checks cost less than a job */
	else if (trust_signed(s) &&
	    (s->units_loaded || store_load_units(s, &e) == 0)) {
		vpool_start(&f);
		if (!f.no_cache)
			f.learn = report_learn_open(s);
	}
	/* TRANSLATORS: the progress line of fsck: "ceh fsck: checked: N
	 * applications, R/s" */
	progress_begin(&f.pr, "fsck", _("checked"), _("applications"), 0);
	if (index_present(s))
		f.seen = index_seen_new();
	modes_begin(&f, &modes);
	check_people(&f);
	vpool_stop(&f);
	/* every approved record, when the walk saw everyone */
	report_learn_close(f.learn, f.busy == 0 && f.syserr == 0);
	f.learn = NULL;
	progress_end(&f.pr);
	if (f.nexpect)	/* qsort(NULL, 0) is undefined (UBSan) */
		qsort(f.expect, f.nexpect, sizeof(*f.expect), cmp_str);
	if (queue_walk_all(s, check_entry, &f, &e) < 0)
		syserr(&f, &e);
	check_records(&f);
	check_index(&f);
	index_seen_free(f.seen);
	f.seen = NULL;
	/* index/moved against the people's transfers (moves.h) */
	moves_check_list(s, f.repair, &f.mf);
	f.problems += f.mf.problems;
	f.repaired += f.mf.repaired;
	modes_end(&f, &modes);
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
