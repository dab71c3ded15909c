/* ceh stats - compliance statistics (达标率) of a population. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "progress.h"
#include "i18n.h"
#include "report.h"
#include "report_html.h"
#include "report_src.h"
#include "table.h"
#include "util.h"

static const char usage[] =
    "usage: ceh stats [--by KEY[,KEY...]] [--unit CODE [--subtree]]\n"
    "                 [--region REGION] [--year YEAR | --from YEAR --to YEAR]\n"
    "                 [--series SERIES] [--level LEVEL]\n"
    "                 [--format " FMT_LIST_USAGE "|html] " CMD_OUT_USAGE "\n";

#define NFIG 17		/* figure columns after the key columns */
#define MAXCOLS (2 * REPORT_MAX_KEYS + NFIG)

static const struct column fig_cols[NFIG] = {
	{ "people", "人数", COL_INT },
	{ "applications", "申报数", COL_INT },
	{ "draft", "暂存", COL_INT },
	{ "waiting_employer", "待用人单位审核", COL_INT },
	{ "waiting_supervisor", "待主管部门审核", COL_INT },
	{ "waiting_agency", "待人社部门审核", COL_INT },
	{ "approved", "审核通过", COL_INT },
	{ "rejected", "审核不通过", COL_INT },
	{ "returned", "退回", COL_INT },
	{ "withdrawn", "已撤销", COL_INT },
	{ "years_met", "达标年度", COL_INT },
	{ "years_not_met", "未达标年度", COL_INT },
	{ "met_rate", "达标率(%)", COL_DECIMAL },
	{ "days_employer", "用人单位平均审核天数", COL_DECIMAL },
	{ "days_supervisor", "主管部门平均审核天数", COL_DECIMAL },
	{ "days_agency", "人社部门平均审核天数", COL_DECIMAL },
	{ "approval_rate", "通过率(%)", COL_DECIMAL },
};

struct cols {
	struct column c[MAXCOLS];
	size_t n, nkey;		/* all columns, key columns */
	char names[REPORT_MAX_KEYS][32];
};

/* What the records go to, and the progress line over them. */
struct feeding {
	struct report_stats *st;
	struct progress pr;
	long n;
};

/* The one place the records come from (report_src.h). */
static int
sink(void *arg, const struct report_app *ra, struct ceh_err *e)
{
	struct feeding *fd = arg;

	if ((++fd->n & 1023) == 0)
		progress_step(&fd->pr, fd->n);
	return report_stats_add(fd->st, ra, e);
}

static int
feed(struct store *s, const struct report_scope *sc, struct report_stats *st,
    long *bad, struct ceh_err *e)
{
	struct feeding fd;
	int rc;

	fd.st = st;
	fd.n = 0;
	/* TRANSLATORS: the progress line of a report over the store */
	progress_begin(&fd.pr, "stats", _("read"), _("applications"), 0);
	rc = report_feed_scope(s, sc, sink, &fd, bad, e);
	progress_end(&fd.pr);

	if (report_unverified() > 0)
		fprintf(stderr, _("ceh stats: %ld approved application(s) left "
		    "out: their approval does not verify (ceh fsck)\n"),
		    report_unverified());
	return rc;
}

static int
has_name(enum report_key k)
{
	return k == RK_UNIT || k == RK_SUPERVISOR || k == RK_STAGE;
}

static void
col_add(struct cols *c, const char *key, const char *label,
    enum col_kind kind)
{
	c->c[c->n].key = key;
	c->c[c->n].label = label;
	c->c[c->n++].kind = kind;
}

/* Key columns: the value, and for units and stages a name beside it (in
 * JSON a unit column writes its KEY_name itself, report_html.h). */
static void
cols_init(struct cols *c, const enum report_key *by, size_t nby)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < nby; i++) {
		const char *key = report_key_name(by[i]);

		if (by[i] == RK_UNIT || by[i] == RK_SUPERVISOR)
			col_add(c, key, "统一社会信用代码", COL_UNIT_CODE);
		else if (by[i] == RK_STAGE)
			col_add(c, key, "状态代码", COL_TEXT);
		else
			col_add(c, key, report_key_label(by[i]),
			    by[i] == RK_YEAR ? COL_INT : COL_TEXT);
		if (!has_name(by[i]))
			continue;
		snprintf(c->names[i], sizeof(c->names[i]), "%s_name", key);
		col_add(c, c->names[i], report_key_label(by[i]), COL_TEXT);
	}
	c->nkey = c->n;
	for (i = 0; i < NFIG; i++)
		c->c[c->n++] = fig_cols[i];
}

static const char *
key_display(struct store *s, enum report_key k, const char *v)
{
	const struct unit *u;
	size_t i;

	if (k == RK_STAGE) {
		for (i = 0; i < RS__COUNT; i++)
			if (strcmp(v, report_stage_key((enum report_stage)i)) ==
			    0)
				return report_stage_label((enum report_stage)i);
		return v;
	}
	if (!v[0])
		return k == RK_SUPERVISOR ? "（无主管部门）" : "（未申报年度）";
	u = units_find(&s->units, v);
	return u ? u->name : v;
}

static void
tenths(char *buf, size_t size, long v)
{
	if (v < 0)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, "%ld.%ld", v / 10, v % 10);
}

/* One row: key cells (NULL g->key: the total), then the figures. */
static void
add_row(struct table *t, struct store *s, const enum report_key *by,
    size_t nby, const struct report_group *g, int total)
{
	char fig[NFIG][24];
	const char *row[MAXCOLS];
	size_t i, n = 0;
	int l;

	for (i = 0; i < nby; i++) {
		/* the total: "合计" in the first column a page shows */
		row[n++] = total ? (i == 0 && !has_name(by[i]) ? "合计" : "") :
		    g->key[i];
		if (has_name(by[i]))
			row[n++] = total ? (i == 0 ? "合计" : "") :
			    key_display(s, by[i], g->key[i]);
	}
	snprintf(fig[0], 24, "%ld", g->people);
	snprintf(fig[1], 24, "%ld", g->apps);
	for (i = 0; i < RS__COUNT; i++)
		snprintf(fig[2 + i], 24, "%ld", g->stage[i]);
	snprintf(fig[10], 24, "%ld", g->years_met);
	snprintf(fig[11], 24, "%ld", g->years_short);
	tenths(fig[12], 24, report_met_permille(g));
	for (l = 0; l < RL__COUNT; l++)
		tenths(fig[13 + l], 24, report_wait_tenths(g,
		    (enum report_level)l));
	tenths(fig[16], 24, report_approval_permille(g));
	for (i = 0; i < NFIG; i++)
		row[n++] = fig[i];
	table_add(t, row);
}

static int
parse_by(const char *arg, enum report_key *by, size_t *nby)
{
	char *copy = xstrdup(arg), *p, *save = NULL;
	size_t i;
	int rc = 0;

	*nby = 0;
	for (p = strtok_r(copy, ",", &save); p && rc == 0;
	    p = strtok_r(NULL, ",", &save)) {
		if (*nby == REPORT_MAX_KEYS || report_key_parse(p,
		    &by[*nby]) < 0)
			rc = -1;
		for (i = 0; rc == 0 && i < *nby; i++)
			if (by[i] == by[*nby])
				rc = -1;
		(*nby)++;
	}
	free(copy);
	return *nby == 0 ? -1 : rc;
}


/* Key values of g shown to a person, joined. */
static void
group_label(struct sbuf *sb, struct store *s, const enum report_key *by,
    size_t nby, const struct report_group *g)
{
	size_t i;

	sb_reset(sb);
	for (i = 0; i < nby; i++) {
		const char *v = g->key[i];

		if (by[i] == RK_YEAR)
			v = v[0] ? v : "（未申报年度）";
		else if (by[i] != RK_REGION && by[i] != RK_SERIES &&
		    by[i] != RK_LEVEL)
			v = key_display(s, by[i], v);
		sb_addf(sb, "%s%s", i ? " · " : "", v);
	}
}

/* The scope in words, for the page's subtitle. */
static void
scope_text(struct sbuf *sb, struct store *s, const struct report_scope *sc)
{
	const struct code_item *it;

	sb_adds(sb, "统计范围：");
	if (sc->unit)
		sb_addf(sb, "%s%s；", key_display(s, RK_UNIT, sc->unit),
		    sc->subtree ? "（含下级单位）" : "");
	if (sc->region && (it = codes_find(&s->codes, CL_REGION,
	    sc->region)) != NULL)
		sb_addf(sb, "%s（含下级区划）；", it->name);
	if (sc->series)
		sb_addf(sb, "申报系列%s；", sc->series);
	if (sc->level)
		sb_addf(sb, "拟申报职称%s；", sc->level);
	if (sc->from && sc->from == sc->to)
		sb_addf(sb, "%d年度；", sc->from);
	else if (sc->from)
		sb_addf(sb, "%d—%d年度；", sc->from, sc->to);
	if (sb->len == strlen("统计范围："))
		sb_adds(sb, "全部申报；");
	sb->buf[sb->len -= strlen("；")] = '\0';
}

/* Columns cols of t as a table of their own (its columns in sub). */
static void
sub_table(const struct table *t, const size_t *cols, size_t n,
    struct column *sub, struct table *out)
{
	const char *row[MAXCOLS];
	size_t r, k;

	for (k = 0; k < n; k++)
		sub[k] = t->cols[cols[k]];
	table_init(out, sub, n, t->units);
	for (r = 0; r < t->nrows; r++) {
		for (k = 0; k < n; k++)
			row[k] = t->cells[r * t->ncols + cols[k]];
		table_add(out, row);
	}
}

static void
html_part(FILE *out, const char *title, const struct table *t, size_t nkey,
    const size_t *figs, size_t nfig)
{
	struct column sub_cols[MAXCOLS];
	size_t cols[MAXCOLS], n = 0, i;
	struct table sub;
	int skip;

	for (i = 0; i < nkey; i++) {
		/* the codes are for scripts: the page shows names */
		skip = i + 1 < nkey && strncmp(t->cols[i + 1].key,
		    t->cols[i].key, strlen(t->cols[i].key)) == 0;
		if (!skip)	/* "unit" before "unit_name" */
			cols[n++] = i;
	}
	for (i = 0; i < nfig; i++)
		cols[n++] = nkey + figs[i];
	sub_table(t, cols, n, sub_cols, &sub);
	rh_heading(out, title);
	rh_table(out, &sub, ~0ULL << (n - nfig), 0);
	table_free(&sub);
}

#define MAX_BARS 40

static void
html_charts(FILE *out, struct store *s, struct report_stats *st,
    const enum report_key *by, size_t nby)
{
	static const char *const legend[RS__COUNT] = { "暂存", "待用人单位",
	    "待主管部门", "待人社部门", "通过", "不通过", "退回", "已撤销" };
	struct rh_chart rate = { "达标率（按分组）", 1, NULL, 1000 };
	struct rh_chart stage = { "审核进度（申报数）", RS__COUNT, legend, 0 };
	size_t n = report_stats_count(st), i, k;
	struct rh_bar *b1, *b2;
	struct sbuf *lab, txt[MAX_BARS * 2];

	if (n > MAX_BARS)
		n = MAX_BARS;
	b1 = xcalloc(n + 1, sizeof(*b1));
	b2 = xcalloc(n + 1, sizeof(*b2));
	lab = xcalloc(n + 1, sizeof(*lab));
	for (i = 0; i < n; i++) {
		const struct report_group *g = report_stats_group(st, i);
		long pm = report_met_permille(g);

		sb_init(&txt[2 * i]);
		sb_init(&txt[2 * i + 1]);
		group_label(&lab[i], s, by, nby, g);
		b1[i].label = b2[i].label = sb_str(&lab[i]);
		b1[i].seg[0] = pm < 0 ? 0 : pm;
		if (pm < 0)
			sb_adds(&txt[2 * i], "无应达标年度");
		else
			sb_addf(&txt[2 * i], "%ld.%ld%%（%ld/%ld）", pm / 10,
			    pm % 10, g->years_met, g->years_met +
			    g->years_short);
		for (k = 0; k < RS__COUNT; k++)
			b2[i].seg[k] = g->stage[k];
		sb_addf(&txt[2 * i + 1], "%ld", g->apps);
		b1[i].text = sb_str(&txt[2 * i]);
		b2[i].text = sb_str(&txt[2 * i + 1]);
	}
	rh_chart(out, &rate, b1, n);
	rh_chart(out, &stage, b2, n);
	if (report_stats_count(st) > n)
		rh_note(out, "（图中只画前 40 组，表中列出全部分组）");
	for (i = 0; i < n; i++) {
		sb_release(&lab[i]);
		sb_release(&txt[2 * i]);
		sb_release(&txt[2 * i + 1]);
	}
	free(lab);
	free(b1);
	free(b2);
}

static void
html_waits(FILE *out, const struct report_group *g)
{
	struct rh_chart c = { "平均审核天数（各级，含仍在等待的）", 1, NULL, 0 };
	struct rh_bar b[RL__COUNT];
	char txt[RL__COUNT][64];
	int l;

	memset(b, 0, sizeof(b));
	for (l = 0; l < RL__COUNT; l++) {
		long v = report_wait_tenths(g, (enum report_level)l);

		b[l].label = report_level_label((enum report_level)l);
		b[l].seg[0] = v < 0 ? 0 : v;
		if (v < 0)
			snprintf(txt[l], sizeof(txt[l]), "未经审核");
		else
			snprintf(txt[l], sizeof(txt[l]), "%ld.%ld 天（%ld 次）",
			    v / 10, v % 10, g->wait_n[l]);
		b[l].text = txt[l];
	}
	rh_chart(out, &c, b, RL__COUNT);
}

static void
stats_html(FILE *out, struct store *s, const struct report_scope *sc,
    struct report_stats *st, const enum report_key *by, size_t nby,
    const struct cols *c, const struct table *t)
{
	const struct report_group *g = report_stats_total(st);
	static const char *const flabels[] = { "人数", "申报数", "达标率",
	    "待审核" };
	char fv[4][48], date[32];
	const char *fp[4] = { fv[0], fv[1], fv[2], fv[3] };
	struct sbuf sb = SBUF_INIT;
	long pm = report_met_permille(g), ymd = today_ymd();
	static const size_t f_met[] = { 0, 1, 10, 11, 12 };
	static const size_t f_stage[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 16 };
	static const size_t f_days[] = { 13, 14, 15 };

	rh_begin(out, "继续教育学时达标情况统计");
	scope_text(&sb, s, sc);
	rh_note(out, sb_str(&sb));
	sb_reset(&sb);
	sb_adds(&sb, "达标规则（每年度）：");
	config_rule_text(&s->cfg, &sb);
	snprintf(date, sizeof(date), "%04ld-%02ld-%02ld", ymd / 10000,
	    ymd / 100 % 100, ymd % 100);
	sb_addf(&sb, "　　统计日期：%s", date);
	rh_note(out, sb_str(&sb));
	snprintf(fv[0], 48, "%ld", g->people);
	snprintf(fv[1], 48, "%ld", g->apps);
	if (pm < 0)
		snprintf(fv[2], 48, "—");
	else
		snprintf(fv[2], 48, "%ld.%ld%%", pm / 10, pm % 10);
	snprintf(fv[3], 48, "%ld", g->stage[RS_WAIT_EMPLOYER] +
	    g->stage[RS_WAIT_SUPERVISOR] + g->stage[RS_WAIT_AGENCY]);
	rh_figures(out, flabels, fp, 4);
	if (nby > 0)
		html_charts(out, s, st, by, nby);
	html_waits(out, g);
	html_part(out, "人数与年度达标", t, c->nkey, f_met, 5);
	html_part(out, "审核状态（申报数）与通过率", t, c->nkey, f_stage, 10);
	html_part(out, "平均审核天数", t, c->nkey, f_days, 3);
	rh_note(out, "年度按人计：有年度范围时，范围内每人每年计一次；否则按所申报"
	    "的年度。某年度有审核通过的申报且学时达到规则即为达标。平均审核天数含"
	    "仍在等待的申报（计至统计时）。");
	rh_end(out);
	sb_release(&sb);
}

/* --by and the scope options; CMD_GO or the exit code. */
static int
parse(int argc, char **argv, enum report_key *by, size_t *nby,
    struct report_args *a, enum out_format *fmt, const char **out)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		REPORT_SCOPE_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	int ch, k, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'b':
			if (parse_by(optarg, by, nby) < 0)
				return cmd_usage_error(argv[0], usage, _("--by "
				    "takes up to %d different keys of unit, "
				    "supervisor, region, series, level, year, "
				    "stage, not '%s'"), REPORT_MAX_KEYS, optarg);
			break;
		case 'f':
			if ((rc = cmd_format(usage, optarg, FMT_LIST |
			    FMT_BIT(FMT_HTML), fmt)) != 0)
				return rc;
			break;
		case 'o':
			*out = optarg;
			break;
		default:
			if ((k = report_args_add(a, ch, optarg)) < 0)
				return cmd_usage_error(argv[0], usage, _("too "
				    "many options"));
			if (k == 0)
				return cmd_opt_other(argv, usage, ch);
		}
	}
	return cmd_output_check(usage, *fmt, *out);
}

/* The scope, resolved once the store is open; 0 or the exit code. */
static int
scope(struct store *s, const char *cmd, const struct report_args *a,
    struct report_scope *sc)
{
	struct ceh_err e;

	if (report_args_resolve(s, a, sc, &e) == 0 &&
	    report_scope_done(sc, 0, &e) == 0)
		return 0;
	return e.code == CEH_EUSAGE ? cmd_usage_error(cmd, usage, "%s",
	    e.msg) : cmd_error(cmd, &e);
}

CMD_FN(stats)
{
	enum report_key by[REPORT_MAX_KEYS];
	struct report_args a;
	struct report_scope sc;
	struct report_env env;
	struct report_stats *st;
	struct ceh_err e;
	enum out_format fmt = FMT_TABLE;
	const char *out = NULL;
	struct cols c;
	struct table t;
	size_t nby = 0, i;
	long bad = 0;
	int rc;

	memset(&sc, 0, sizeof(sc));
	memset(&a, 0, sizeof(a));
	if ((rc = parse(argc, argv, by, &nby, &a, &fmt, &out)) != CMD_GO ||
	    (rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO ||
	    (rc = scope(s, argv[0], &a, &sc)) != 0)
		return rc;
	env.cfg = &s->cfg;
	env.units = &s->units;
	env.codes = &s->codes;
	env.now = now();
	st = report_stats_new(&sc, by, nby, &env);
	if (feed(s, &sc, st, &bad, &e) < 0) {
		report_stats_free(st);
		return cmd_error(argv[0], &e);
	}
	report_stats_end(st);
	cols_init(&c, by, nby);
	table_init(&t, c.c, c.n, &s->units);
	for (i = 0; nby > 0 && i < report_stats_count(st); i++)
		add_row(&t, s, by, nby, report_stats_group(st, i), 0);
	if (nby == 0 || fmt == FMT_HTML || fmt == FMT_TABLE)
		add_row(&t, s, by, nby, report_stats_total(st), 1);
	if (fmt == FMT_HTML || fmt == FMT_JSON) {
		char *data = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&data, &len);

		if (mem == NULL)
			abort();
		if (fmt == FMT_HTML)
			stats_html(mem, s, &sc, st, by, nby, &c, &t);
		else
			report_table_print(&t, fmt, mem);
		fclose(mem);
		rc = cmd_bytes_out(out, data, len);
		free(data);
	} else
		rc = cmd_table_out(&t, fmt, out);
	table_free(&t);
	report_stats_free(st);
	if (rc)
		return rc;
	if (bad) {
		fprintf(stderr, _("ceh stats: %ld document(s) could not be read; "
		    "run 'ceh fsck'\n"), bad);
		return CEH_EINPUT;
	}
	return 0;
}
