/* ceh list - list applications (the guide's list view), or a unit's queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "queue.h"
#include "table.h"
#include "util.h"

static const char usage[] =
    "usage: ceh list [--stage STAGE] [--unit CODE] [--at CODE] [--id IDNUMBER]\n"
    "                [--year YEAR] [--format " FMT_LIST_USAGE "]\n"
    "                " CMD_OUT_USAGE "\n";

#define NCOLS 11
static const struct column cols[NCOLS] = {
	{ "id", "申报编号", COL_TEXT },
	{ "name", "姓名", COL_TEXT },
	{ "id_number", "身份证", COL_TEXT },
	{ "unit", "工作单位", COL_UNIT },
	{ "education", "最高学历", COL_TEXT },
	{ "phone", "联系电话", COL_TEXT },
	{ "years", "申报年度", COL_YEARS },
	{ "series", "申报系列", COL_TEXT },
	{ "status", "审核状态", COL_TEXT },
	{ "waiting_at", "待审核单位", COL_UNIT_CODE },
	{ "reason", "不通过意见", COL_TEXT },
};

struct filter {
	int stage;		/* -1: any */
	const char *unit;	/* employer */
	const char *at;		/* waiting at */
	long year;		/* 0: any */
};

struct row {
	char *cells[NCOLS];
};

struct ctx {
	struct filter f;
	struct row *rows;
	size_t n;
	long bad;
	struct ceh_err e;
};

/* Add a row for app if it passes the filters. */
static void
add_row(struct store *s, struct ctx *c, const struct application *app)
{
	struct sbuf years = SBUF_INIT;
	struct row *r;
	size_t i;
	int match;

	(void)s;	/* unit names: the table's */
	match = (c->f.stage < 0 || (int)app->stage == c->f.stage) &&
	    (c->f.unit == NULL || strcmp(app->a.unit, c->f.unit) == 0) &&
	    (c->f.at == NULL || (app->stage == STAGE_REVIEW &&
	    strcmp(app->waiting_at, c->f.at) == 0)) &&
	    (c->f.year == 0 || app_year((struct application *)app,
	    (int)c->f.year) != NULL);
	if (!match)
		return;
	for (i = 0; i < app->nyears; i++)
		sb_addf(&years, "%s%d", i ? "," : "", app->years[i].year);
	c->rows = xreallocarray(c->rows, c->n + 1, sizeof(*c->rows));
	r = &c->rows[c->n++];
	r->cells[0] = xstrdup(app->id);
	r->cells[1] = xstrdup(app->a.name);
	r->cells[2] = xstrdup(app->a.id_number);
	r->cells[3] = xstrdup(app->a.unit);
	r->cells[4] = xstrdup(app->a.education);
	r->cells[5] = xstrdup(app->a.phone);
	r->cells[6] = sb_detach(&years);
	r->cells[7] = xstrdup(app->a.series);
	r->cells[8] = xstrdup(app_status(app));
	r->cells[9] = xstrdup(app->waiting_at);
	r->cells[10] = xstrdup(app_last_reason(app));
}

/* One application of the walk (store_walk handles documents moved by a
 * transition meanwhile). */
static int
visit(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct ctx *c = arg;

	(void)p;
	(void)folder;
	if (app == NULL) {
		fprintf(stderr, "ceh list: skipped: %s\n", err->msg);
		c->bad++;
		return 0;
	}
	add_row(s, c, app);
	return 0;
}

/*
 * One entry of a unit's queue index (lib/queue.h): find the document and
 * check it really waits there.  The index may hold stale entries (an
 * interrupted or concurrent transition); those are skipped silently.  A
 * document moved between app_find and app_read is looked for once more.
 */
static int
visit_queue(struct store *s, const char *unit, const char *appid, void *arg)
{
	struct ctx *c = arg;
	struct application app;
	struct ceh_err e;

	if (queue_read_listing(s, unit, appid, &app, &e) < 0) {
		if (e.code != CEH_ENOTFOUND) {
			fprintf(stderr, "ceh list: skipped: %s\n", e.msg);
			c->bad++;
		}
		return 0;	/* not found: a stale entry */
	}
	add_row(s, c, &app);
	app_release(&app);
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->cells[0],
	    ((const struct row *)b)->cells[0]);
}

CMD_FN(list)
{
	static const struct option opts[] = {
		{ "stage", required_argument, NULL, 's' },
		{ "unit", required_argument, NULL, 'u' },
		{ "at", required_argument, NULL, 'a' },
		{ "id", required_argument, NULL, 'i' },
		{ "year", required_argument, NULL, 'y' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	char unit[CREDIT_LEN + 1], at[CREDIT_LEN + 1], idnum[IDNUM_LEN + 1];
	const char *id = NULL, *out = NULL;
	enum out_format fmt = FMT_TABLE;
	struct ctx c;
	struct table t;
	enum stage st;
	size_t i, k;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	c.f.stage = -1;
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 's':
			if (stage_parse(optarg, &st) < 0)
				return cmd_usage_error(argv[0], usage, "--stage "
				    "must be draft, review, approved or "
				    "rejected, not '%s'", optarg);
			c.f.stage = (int)st;
			break;
		case 'u':
			if (credit_check("--unit", optarg, unit, &c.e) < 0)
				return cmd_error(argv[0], &c.e);
			c.f.unit = unit;
			break;
		case 'a':
			if (credit_check("--at", optarg, at, &c.e) < 0)
				return cmd_error(argv[0], &c.e);
			c.f.at = at;
			break;
		case 'i':
			if (idnum_check("--id", optarg, idnum, &c.e) < 0)
				return cmd_error(argv[0], &c.e);
			id = idnum;
			break;
		case 'y':
			if (parse_long(optarg, &c.f.year) < 0 ||
			    c.f.year < 1000 || c.f.year > 9999)
				return cmd_usage_error(argv[0], usage, "--year "
				    "needs a four-digit year, not '%s'", optarg);
			break;
		case 'f':
			if ((rc = cmd_format(usage, optarg, FMT_LIST,
			    &fmt)) != 0)
				return rc;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if ((rc = cmd_output_check(usage, fmt, out)) != CMD_GO ||
	    (rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO)
		return rc;
	if (c.f.at && id == NULL)	/* a queue: read only its documents */
		rc = queue_walk(s, c.f.at, visit_queue, &c, &c.e);
	else
		rc = store_walk(s, id, visit, &c, &c.e);
	if (rc < 0)
		return cmd_error(argv[0], &c.e);
	if (c.n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(c.rows, c.n, sizeof(*c.rows), by_id);
	table_init(&t, cols, NCOLS, &s->units);
	for (i = 0; i < c.n; i++) {
		table_add(&t, (const char *const *)c.rows[i].cells);
		for (k = 0; k < NCOLS; k++)
			free(c.rows[i].cells[k]);
	}
	free(c.rows);
	rc = cmd_table_out(&t, fmt, out);
	table_free(&t);
	if (rc)
		return rc;
	if (c.bad) {
		fprintf(stderr, "ceh list: %ld document(s) could not be read; "
		    "run 'ceh fsck'\n", c.bad);
		return CEH_EINPUT;
	}
	return 0;
}
