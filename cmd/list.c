/* ceh list - list applications (the guide's list view), or a unit's queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "index.h"
#include "queue.h"
#include "report.h"
#include "report_src.h"
#include "table.h"
#include "trust.h"
#include "util.h"

static const char usage[] =
    "usage: ceh list [--stage STAGE] [--unit CODE [--subtree]] [--at CODE]\n"
    "                [--id IDNUMBER] [--name NAME] [--region REGION]\n"
    "                [--year YEAR | --from YEAR --to YEAR] [--series SERIES]\n"
    "                [--level LEVEL] [--sort COLUMN]\n"
    "                [--format " FMT_LIST_USAGE "] " CMD_OUT_USAGE "\n";

static const char stage_words[] = "draft, review (or waiting), approved, "
    "rejected, returned, withdrawn, or 暂存, 待审核, 审核通过, 审核不通过, "
    "退回, 已撤销";

#define NCOLS 12
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
	{ "verified", "签名核验", COL_TEXT },
};

/*
 * The filters.  --at is checked on the document; the others (the scope
 * of ceh-stats(1) and --stage) on its report record (report.h), made
 * only when one of them is given.
 */
struct filter {
	unsigned stages;	/* 1 << RS_x; 0: any */
	const char *at;		/* waiting at */
	struct report_scope sc;
	struct report_env env;
	int by_record;		/* a scope or stage filter is given */
	const char *name;	/* --name: exact, or a prefix ending in '*' */
};

struct row {
	char *cells[NCOLS];
};

struct ctx {
	struct store *s;
	struct report_listed *listed;	/* a signed store's listing cache */
	struct filter f;
	struct report_app ra;	/* the record of the application at hand */
	struct row *rows;
	size_t n;
	long bad;
	struct ceh_err e;
};

/* Does app pass the filters?  A record that cannot be made (a damaged
 * document) is reported and counted as unreadable. */
static int
match(struct store *s, struct ctx *c, const struct application *app)
{
	const struct filter *f = &c->f;
	struct ceh_err e;

	if (f->at && (app->stage != STAGE_REVIEW ||
	    strcmp(app->waiting_at, f->at) != 0))
		return 0;
	if (!f->by_record)
		return 1;
	if (report_app_fill(&c->ra, app, &s->units, &e) < 0) {
		fprintf(stderr, _("ceh list: skipped: %s\n"), e.msg);
		c->bad++;
		return 0;
	}
	return report_scope_match(&f->sc, &f->env, &c->ra) &&
	    report_years_match(&f->sc, &c->ra) &&
	    (f->stages == 0 || (f->stages >> c->ra.stage & 1));
}

/* The verified column: "unsigned" in an unsigned store, else whether
 * the history verifies (trust.h, through the cache). */
static const char *
verified(struct store *s, const struct application *app,
    const unsigned char *raw)
{
	struct ceh_err e;

	if (!trust_signed(s))
		return "unsigned";
	return trust_doc_verified(s, app, raw, &e) == 0 ? "yes" : "no";
}

/* Add a row for app if it passes the filters; 1 when its history
 * verified (a signed store's listing cache may learn it), else 0.  raw:
 * the SHA-256 of the bytes app was read from, or NULL. */
static int
add_row(struct store *s, struct ctx *c, const struct application *app,
    const unsigned char *raw)
{
	struct sbuf years = SBUF_INIT;
	struct row *r;
	size_t i;

	if (!match(s, c, app))
		return 0;
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
	r->cells[11] = xstrdup(verified(s, app, raw));
	return strcmp(r->cells[11], "yes") == 0;
}

/* A document listed in a signed store (add_row), and learned by the
 * listing cache when it verified. */
static void
add_doc(struct ctx *c, const struct application *app)
{
	if (add_row(c->s, c, app, NULL) && c->listed)
		report_listed_learn(c->listed, app);
}

/* A row of the index that the listing cache does not hold: its
 * document, read and verified.  Gone meanwhile (withdrawn, or moved
 * and found nowhere): not listed, as the walk would not. */
static int
read_doc(struct ctx *c, const char *appid)
{
	struct app_handle h;
	struct ceh_err e;

	app_handle_init(&h);
	if (app_open(c->s, appid, 0, &h, &e) == 0)
		add_doc(c, &h.app);
	else if (e.code != CEH_ENOTFOUND) {
		fprintf(stderr, _("ceh list: skipped: %s\n"), e.msg);
		c->bad++;
	}
	app_close(&h);
	return 0;
}

/* The status column of a record (app_status of its document). */
static const char *
ra_status(const struct report_app *ra)
{
	switch (ra->stage) {
	case RS_WAIT_EMPLOYER:
	case RS_WAIT_SUPERVISOR:
	case RS_WAIT_AGENCY:
		return "待审核";
	default:
		return report_stage_label(ra->stage);
	}
}

/* One application from the summary index (index.h): its record, or its
 * document where the index cannot be trusted.  In a signed store a
 * record is listed as verified only when the listing cache holds it
 * (report_src.h); else its document is read. */
static int
visit_index(void *arg, const struct report_app *ra,
    const struct index_extra *x, const struct application *app,
    struct ceh_err *e)
{
	struct ctx *c = arg;
	const struct filter *f = &c->f;
	struct sbuf years = SBUF_INIT;
	struct row *r;
	int i;

	(void)e;
	if (app) {
		add_doc(c, app);
		return 0;
	}
	if (f->by_record && !(report_scope_match(&f->sc, &f->env, ra) &&
	    report_years_match(&f->sc, ra) &&
	    (f->stages == 0 || (f->stages >> ra->stage & 1))))
		return 0;
	if (c->listed && !report_listed_has(c->listed, ra, x))
		return read_doc(c, ra->id);
	for (i = 0; i < ra->nyears; i++)
		sb_addf(&years, "%s%d", i ? "," : "", ra->years[i].year);
	c->rows = xreallocarray(c->rows, c->n + 1, sizeof(*c->rows));
	r = &c->rows[c->n++];
	r->cells[0] = xstrdup(ra->id);
	r->cells[1] = xstrdup(ra->name);
	r->cells[2] = xstrdup(ra->idnum);
	r->cells[3] = xstrdup(ra->unit);
	r->cells[4] = xstrdup(x->education);
	r->cells[5] = xstrdup(x->phone);
	r->cells[6] = sb_detach(&years);
	r->cells[7] = xstrdup(ra->series);
	r->cells[8] = xstrdup(ra_status(ra));
	r->cells[9] = xstrdup(ra->waiting_at);
	r->cells[10] = xstrdup(x->reason);
	/* machine: the verified column (a signed store's row is the
	 * listing cache's: its document verified) */
	r->cells[11] = xstrdup(c->listed ? "yes" : "unsigned");
	return 0;
}

/* One application of the walk (store_walk handles documents moved by a
 * transition meanwhile). */
static int
visit(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct ctx *c = arg;

	(void)s;
	(void)p;
	(void)folder;
	if (app == NULL) {
		fprintf(stderr, _("ceh list: skipped: %s\n"), err->msg);
		c->bad++;
		return 0;
	}
	add_doc(c, app);
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
	unsigned char raw[SHA256_LEN];
	int rc;

	/* the listing cache has no history to verify: a signed store reads
	 * the document, and looks it up in the verification cache by the
	 * digest of its bytes (trust_doc_verified) */
	rc = trust_signed(s) ? queue_read_app_digest(s, appid, &app, raw, &e) :
	    queue_read_listing(s, unit, appid, &app, &e);
	if (rc < 0) {
		if (e.code != CEH_ENOTFOUND) {
			fprintf(stderr, _("ceh list: skipped: %s\n"), e.msg);
			c->bad++;
		}
		return 0;	/* not found: a stale entry */
	}
	add_row(s, c, &app, trust_signed(s) && rc == 1 ? raw : NULL);
	app_release(&app);
	return 0;
}

static size_t sort_col;	/* the --sort column, for by_column */

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->cells[0],
	    ((const struct row *)b)->cells[0]);
}

/* The --sort column, then the id (unique): stable against the order by
 * id. */
static int
by_column(const void *a, const void *b)
{
	int c = strcmp(((const struct row *)a)->cells[sort_col],
	    ((const struct row *)b)->cells[sort_col]);

	return c ? c : by_id(a, b);
}

static int
column_parse(const char *key, size_t *col)
{
	size_t i;

	for (i = 0; i < NCOLS; i++)
		if (strcmp(key, cols[i].key) == 0) {
			*col = i;
			return 0;
		}
	return -1;
}

struct opts {
	struct report_args a;
	char at[CREDIT_LEN + 1], idnum[IDNUM_LEN + 1];
	const char *id;
	const char *out;	/* -o FILE, or NULL */
	enum out_format fmt;
};

/* The options of the command line; CMD_GO or the exit code. */
static int
parse(int argc, char **argv, struct opts *o, struct filter *f)
{
	static const struct option opts[] = {
		{ "stage", required_argument, NULL, 's' },
		REPORT_SCOPE_OPTIONS,
		{ "at", required_argument, NULL, 'a' },
		{ "id", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	struct ceh_err e;
	int ch, k;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 's':
			if (report_stage_parse(optarg, &f->stages) < 0)
				return cmd_usage_error(argv[0], usage, _("--stage "
				    "must be %s, not '%.40s'"), stage_words,
				    optarg);
			break;
		case 'a':
			if (credit_check("--at", optarg, o->at, &e) < 0)
				return cmd_error(argv[0], &e);
			f->at = o->at;
			break;
		case 'i':
			if (idnum_check("--id", optarg, o->idnum, &e) < 0)
				return cmd_error(argv[0], &e);
			o->id = o->idnum;
			break;
		case 'n':
			if (optarg[0] == '\0' || strcmp(optarg, "*") == 0)
				return cmd_usage_error(argv[0], usage, _("--name "
				    "needs a name, or the start of one followed "
				    "by '*'"));
			f->name = optarg;
			break;
		case 'S':
			if (column_parse(optarg, &sort_col) < 0)
				return cmd_usage_error(argv[0], usage, _("--sort "
				    "takes a column name of the JSON output "
				    "(id, name, id_number, unit, education, "
				    "phone, years, series, status, waiting_at, "
				    "reason, verified), not '%.40s'"), optarg);
			break;
		case 'f':
			if ((k = cmd_format(usage, optarg, FMT_LIST,
			    &o->fmt)) != 0)
				return k;
			break;
		case 'o':
			o->out = optarg;
			break;
		default:
			if ((k = report_args_add(&o->a, ch, optarg)) < 0)
				return cmd_usage_error(argv[0], usage, _("too "
				    "many options"));
			if (k == 0)
				return cmd_opt_other(argv, usage, ch);
		}
	}
	return cmd_output_check(usage, o->fmt, o->out);
}

/* The scope options, once the store is open: 0 or the exit code. */
static int
scope(struct store *s, const char *cmd, const struct opts *o,
    struct filter *f)
{
	struct ceh_err e;

	if (report_args_resolve(s, &o->a, &f->sc, &e) < 0 ||
	    report_scope_done(&f->sc, 0, &e) < 0)
		return e.code == CEH_EUSAGE ? cmd_usage_error(cmd, usage,
		    "%s", e.msg) : cmd_error(cmd, &e);
	f->env.cfg = &s->cfg;
	f->env.units = &s->units;
	f->env.codes = &s->codes;
	f->env.now = now();
	f->by_record = f->stages || o->a.n > 0 || o->a.subtree;
	return 0;
}

static void
free_rows(struct ctx *c)
{
	size_t i, k;

	for (i = 0; i < c->n; i++)
		for (k = 0; k < NCOLS; k++)
			free(c->rows[i].cells[k]);
	free(c->rows);
	c->rows = NULL;
	c->n = 0;
}

/* --name: the name itself, or with a final '*' every name it begins. */
static int
name_match(const char *want, const char *name)
{
	size_t n = strlen(want);

	if (n > 0 && want[n - 1] == '*')
		return strncmp(name, want, n - 1) == 0;
	return strcmp(name, want) == 0;
}

/* Drop the rows whose name is not --name's (column 1). */
static void
keep_named(struct ctx *c)
{
	size_t i, k, kept = 0;

	for (i = 0; i < c->n; i++) {
		if (name_match(c->f.name, c->rows[i].cells[1])) {
			c->rows[kept++] = c->rows[i];
			continue;
		}
		for (k = 0; k < NCOLS; k++)
			free(c->rows[i].cells[k]);
	}
	c->n = kept;
}

static int
print_rows(struct store *s, struct ctx *c, const struct opts *o)
{
	struct table t;
	size_t i;
	int rc;

	if (c->f.name)
		keep_named(c);
	if (c->n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(c->rows, c->n, sizeof(*c->rows), sort_col ? by_column :
		    by_id);
	table_init(&t, cols, NCOLS, &s->units);
	for (i = 0; i < c->n; i++)
		table_add(&t, (const char *const *)c->rows[i].cells);
	free_rows(c);
	rc = cmd_table_out(&t, o->fmt, o->out);
	table_free(&t);
	return rc;
}

CMD_FN(list)
{
	struct opts o;
	struct ctx c;
	long skipped = 0;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	o.fmt = FMT_TABLE;
	sort_col = 0;
	if ((rc = parse(argc, argv, &o, &c.f)) != CMD_GO ||
	    (rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO ||
	    (rc = scope(s, argv[0], &o, &c.f)) != 0)
		return rc;
	/* the verified column: trust.log's signatures verified once by
	 * this user, as the reports take them (trust.h) */
	trust_registry_cache(s);
	c.s = s;
	if (c.f.at && o.id == NULL)	/* a queue: read only its documents */
		rc = queue_walk(s, c.f.at, visit_queue, &c, &c.e);
	else {
		c.listed = report_listed_open(s);
		if (o.id == NULL && (rc = index_feed_list(s, &s->units,
		    visit_index, &c, &skipped, &c.e)) != 1)
			c.bad += skipped;	/* the whole store from the index */
		else
			rc = store_walk(s, o.id, visit, &c, &c.e);
		report_listed_close(c.listed, rc == 0 && o.id == NULL &&
		    !c.f.by_record);
	}
	if (rc < 0) {
		free_rows(&c);
		return cmd_error(argv[0], &c.e);
	}
	if ((rc = print_rows(s, &c, &o)) != 0)
		return rc;
	if (c.bad) {
		fprintf(stderr, _("ceh list: %ld document(s) could not be read; "
		    "run 'ceh fsck'\n"), c.bad);
		return CEH_EINPUT;
	}
	return 0;
}
