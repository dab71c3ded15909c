/*
 * report_src.c - the reports' records from the documents (report_src.h).
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "records.h"
#include "report_src.h"

struct feed {
	report_sink_fn fn;
	void *arg;
	long bad;
	struct report_app ra;
	struct ceh_err e;	/* the sink's failure, returned by the walk */
};

static int
feed_app(struct store *s, struct feed *f, const struct application *app)
{
	if (report_app_fill(&f->ra, app, &s->units, &f->e) < 0 ||
	    f->fn(f->arg, &f->ra, &f->e) < 0)
		return -1;
	return 0;
}

static int
visit(struct store *s, struct person *p, enum stage folder,
    const char *uniq, void *arg)
{
	struct feed *f = arg;
	struct application app;
	struct ceh_err e;
	enum stage now;
	int rc;

	if (app_read(s, p, folder, uniq, &app, &e) < 0) {
		/* moved since listed: a folder still to come shows it; one
		 * already walked is read again (as ceh list does) */
		if (e.code != CEH_ENOTFOUND || app_find(p, uniq, &now, &e) < 0 ||
		    now >= folder || app_read(s, p, now, uniq, &app, &e) < 0) {
			if (e.code != CEH_ENOTFOUND)
				f->bad++;
			return 0;
		}
	}
	rc = feed_app(s, f, &app);
	app_release(&app);
	return rc;
}

int
report_feed(struct store *s, report_sink_fn fn, void *arg, long *unreadable,
    struct ceh_err *e)
{
	struct feed f;
	int rc;

	memset(&f, 0, sizeof(f));
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
    const char *uniq, void *arg)
{
	struct keys *k = arg;
	struct application app;
	struct ceh_err e;
	size_t i, j;

	if (app_read(s, p, folder, uniq, &app, &e) < 0)
		return 0;	/* a moved one is named by its new copy */
	for (i = 0; i < app.nyears; i++)
		for (j = 0; j < app.years[i].nrecords; j++) {
			k->v = xreallocarray(k->v, k->n + 1, sizeof(*k->v));
			k->v[k->n++] = xstrdup(app.years[i].records[j]);
		}
	app_release(&app);
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
