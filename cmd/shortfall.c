/* ceh shortfall - who does not meet the yearly hours, and what they lack. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "progress.h"
#include "i18n.h"
#include "report.h"
#include "report_html.h"
#include "report_src.h"
#include "slip.h"
#include "table.h"
#include "util.h"

static const char usage[] =
    "usage: ceh shortfall (--year YEAR | --from YEAR --to YEAR |\n"
    "                     --for senior|intermediate --year YEAR)\n"
    "                     [--unit CODE [--subtree]] [--region REGION]\n"
    "                     [--series SERIES] [--level LEVEL]\n"
    "                     [--format " FMT_LIST_USAGE "|html] " CMD_OUT_USAGE "\n";

#define NCOLS 19
static const struct column cols[NCOLS] = {
	{ "id_number", "身份证", COL_TEXT },
	{ "name", "姓名", COL_TEXT },
	{ "unit", "统一社会信用代码", COL_UNIT_CODE },
	{ "unit_name", "工作单位", COL_TEXT },	/* in JSON from "unit" */
	{ "year", "年度", COL_INT },
	{ "status", "情况代码", COL_TEXT },
	{ "status_name", "情况", COL_TEXT },
	{ "public_hours", "已核认公需学时", COL_HOURS },
	{ "professional_hours", "已核认专业学时", COL_HOURS },
	{ "total_hours", "已核认合计学时", COL_HOURS },
	{ "lack_public", "缺公需学时", COL_HOURS },
	{ "lack_professional", "缺专业学时", COL_HOURS },
	{ "lack_total", "缺合计学时", COL_HOURS },
	{ "declared_public", "待核认公需学时", COL_HOURS },
	{ "declared_professional", "待核认专业学时", COL_HOURS },
	{ "records_undeclared", "未申报记录数", COL_INT },
	{ "records_public", "未申报记录公需学时", COL_HOURS },
	{ "records_professional", "未申报记录专业学时", COL_HOURS },
	{ "applications", "申报情况", COL_TEXT },
};

/* What the records go to, and the progress line over them. */
struct feeding {
	struct report_short *sh;
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
	return report_short_add(fd->sh, ra, e);
}

static int
feed(struct store *s, const struct report_scope *sc, struct report_short *sh,
    long *bad, struct ceh_err *e)
{
	struct feeding fd;
	int rc;

	fd.sh = sh;
	fd.n = 0;
	/* TRANSLATORS: the progress line of a report over the store */
	progress_begin(&fd.pr, "shortfall", _("read"), _("applications"), 0);
	rc = report_feed_scope(s, sc, sink, &fd, bad, e);
	progress_end(&fd.pr);

	if (report_unverified() > 0)
		fprintf(stderr, _("ceh shortfall: %ld approved application(s) left "
		    "out: their approval does not verify (ceh fsck)\n"),
		    report_unverified());
	return rc;
}

static void
hours(char *buf, size_t size, long half)
{
	if (half < 0)
		snprintf(buf, size, "%s", "");
	else
		hours_fmt(half, buf, size);
}

/* The cells of one row, in buffers of its own. */
struct rowbuf {
	char yr[8], h[10][24], n[24];
	const char *row[NCOLS];
};

static void
row_cells(struct rowbuf *b, struct store *s, const struct report_short_row *r)
{
	snprintf(b->yr, sizeof(b->yr), "%d", r->year);
	hours(b->h[0], 24, r->pub_half);
	hours(b->h[1], 24, r->pro_half);
	hours(b->h[2], 24, r->pub_half + r->pro_half);
	hours(b->h[3], 24, r->lack_pub);
	hours(b->h[4], 24, r->lack_pro);
	hours(b->h[5], 24, r->lack_total);
	hours(b->h[6], 24, r->decl_pub);
	hours(b->h[7], 24, r->decl_pro);
	hours(b->h[8], 24, r->rec_pub);
	hours(b->h[9], 24, r->rec_pro);
	snprintf(b->n, sizeof(b->n), "%ld", r->rec_n);
	b->row[0] = r->idnum;
	b->row[1] = r->name;
	b->row[2] = r->unit;
	b->row[3] = units_name(&s->units, r->unit, r->unit);
	b->row[4] = b->yr;
	b->row[5] = report_short_status_key(r->status);
	b->row[6] = report_short_status_label(r->status);
	b->row[7] = b->h[0];
	b->row[8] = b->h[1];
	b->row[9] = b->h[2];
	b->row[10] = b->h[3];
	b->row[11] = b->h[4];
	b->row[12] = b->h[5];
	b->row[13] = b->h[6];
	b->row[14] = b->h[7];
	b->row[15] = b->n;
	b->row[16] = b->h[8];
	b->row[17] = b->h[9];
	b->row[18] = r->apps;
}

static void
add_row(struct table *t, struct store *s, const struct report_short_row *r)
{
	struct rowbuf b;

	row_cells(&b, s, r);
	table_add(t, b.row);
}

/* TSV, CSV and JSON: each row printed as it is made, none kept (to
 * standard output, or into memory for -o's atomic write). */
static int
stream_rows(struct store *s, struct report_short *sh, enum out_format fmt,
    const char *path)
{
	struct report_stream *rs;
	struct rowbuf b;
	struct table t;
	char *data = NULL;
	size_t len = 0, i;
	FILE *out = stdout, *mem = NULL;
	int rc = 0;

	if (path && strcmp(path, "-") != 0 &&
	    (out = mem = open_memstream(&data, &len)) == NULL)
		abort();
	table_init(&t, cols, NCOLS, &s->units);
	rs = report_stream_begin(&t, fmt, out);
	for (i = 0; i < report_short_count(sh); i++) {
		row_cells(&b, s, report_short_row(sh, i));
		report_stream_row(rs, b.row);
	}
	report_stream_end(rs);
	if (mem) {
		fclose(mem);
		rc = cmd_bytes_out(path, data, len);
		free(data);
	}
	return rc;
}

/* The hours on record never declared, for every listed person-year. */
static int
add_records(struct store *s, struct report_short *sh, struct ceh_err *e)
{
	struct stat st;
	size_t i;

	/* no records/ (nothing imported): every lookup would find none */
	if (fstatat(s->rootfd, "records", &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno == ENOENT) {
		for (i = 0; i < report_short_count(sh); i++) {
			struct report_short_row *r = report_short_row(sh, i);

			r->rec_n = r->rec_pub = r->rec_pro = 0;
		}
		return 0;
	}
	return report_short_records(s, sh, e);
}


struct opts {
	struct report_args a;
	const char *kind;	/* --for */
	const char *year;	/* --year with --for */
	const char *out;	/* -o FILE, or NULL */
};

/* Resolve the scope options; --for turns --year into its span. */
static int
resolve(struct store *s, struct opts *o, struct report_scope *sc,
    struct ceh_err *e)
{
	size_t i;
	long y;

	for (i = 0; o->kind && i < o->a.n; i++)
		if (strcmp(o->a.name[i], "year") == 0) {
			o->year = o->a.val[i];
			o->a.name[i] = NULL;	/* not a scope year */
		}
	if (report_args_resolve(s, &o->a, sc, e) < 0)
		return -1;
	if (o->kind) {
		if (o->year == NULL || sc->from || sc->to)
			return ceh_fail(e, CEH_EUSAGE, _("--for goes with --year "
			    "(the year of the title application) only"));
		if (parse_long(o->year, &y) < 0)
			return ceh_fail(e, CEH_EINPUT, _("--year must be a year, "
			    "not '%.40s'"), o->year);
		if (slip_range_for(o->kind, y, &sc->from, &sc->to, e) < 0)
			return -1;
	}
	return report_scope_done(sc, 1, e);
}

/* ---- the HTML page ---- */

static void
scope_note(FILE *out, struct store *s, const struct report_scope *sc,
    const struct opts *o)
{
	const struct code_item *it;
	struct sbuf sb = SBUF_INIT;
	long ymd = today_ymd();

	sb_adds(&sb, "范围：");
	if (sc->unit)
		sb_addf(&sb, "%s%s；", units_name(&s->units, sc->unit,
		    sc->unit), sc->subtree ?
		    "（含下级单位）" : "");
	if (sc->region && (it = codes_find(&s->codes, CL_REGION,
	    sc->region)) != NULL)
		sb_addf(&sb, "%s（含下级区划）；", it->name);
	if (sc->series)
		sb_addf(&sb, "申报系列%s；", sc->series);
	if (sc->level)
		sb_addf(&sb, "拟申报职称%s；", sc->level);
	if (!sc->unit && !sc->region && !sc->series && !sc->level)
		sb_adds(&sb, "全部人员；");
	if (sc->from == sc->to)
		sb_addf(&sb, "核查%d年度", sc->from);
	else
		sb_addf(&sb, "核查%d—%d年度", sc->from, sc->to);
	if (o->kind)
		sb_addf(&sb, "（%s职称申报 %s 年的核认跨度）",
		    strcmp(o->kind, "senior") == 0 || strcmp(o->kind, "高级") == 0 ?
		    "高级" : "中级", o->year);
	rh_note(out, sb_str(&sb));
	sb_reset(&sb);
	sb_adds(&sb, "达标规则（每年度）：");
	config_rule_text(&s->cfg, &sb);
	sb_addf(&sb, "　　制表日期：%04ld-%02ld-%02ld", ymd / 10000,
	    ymd / 100 % 100, ymd % 100);
	rh_note(out, sb_str(&sb));
	sb_release(&sb);
}

#define MAX_BARS 40

/* People listed per unit (rows are sorted by unit). */
static void
chart_units(FILE *out, struct store *s, struct report_short *sh)
{
	struct rh_chart c = { "各单位未达标人数", 1, NULL, 0 };
	struct rh_bar b[MAX_BARS];
	char txt[MAX_BARS][16];
	const char *last_id = "";
	size_t i, n = 0;

	memset(b, 0, sizeof(b));
	for (i = 0; i < report_short_count(sh); i++) {
		const struct report_short_row *r = report_short_row(sh, i);
		const char *name = units_name(&s->units, r->unit, r->unit);

		if (n == 0 || strcmp(b[n - 1].label, name)) {
			if (n == MAX_BARS)
				break;
			b[n++].label = name;
			last_id = "";
		}
		if (strcmp(last_id, r->idnum) != 0)
			b[n - 1].seg[0]++;
		last_id = r->idnum;
	}
	for (i = 0; i < n; i++) {
		snprintf(txt[i], sizeof(txt[i]), "%ld 人", b[i].seg[0]);
		b[i].text = txt[i];
	}
	rh_chart(out, &c, b, n);
}

/* Person-years per status and per category lacking. */
static void
chart_lacks(FILE *out, struct report_short *sh)
{
	struct rh_chart c = { "未达标人年：情况与缺口", 1, NULL, 0 };
	static const char *const lab[6] = { "未申报", "已申报未核认",
	    "已核认未达标", "缺公需学时", "缺专业学时", "缺合计学时" };
	struct rh_bar b[6];
	char txt[6][16];
	size_t i;
	int k;

	memset(b, 0, sizeof(b));
	for (i = 0; i < report_short_count(sh); i++) {
		const struct report_short_row *r = report_short_row(sh, i);

		b[r->status].seg[0]++;
		b[3].seg[0] += r->lack_pub > 0;
		b[4].seg[0] += r->lack_pro > 0;
		b[5].seg[0] += r->lack_total > 0;
	}
	for (k = 0; k < 6; k++) {
		b[k].label = lab[k];
		snprintf(txt[k], sizeof(txt[k]), "%ld", b[k].seg[0]);
		b[k].text = txt[k];
	}
	rh_chart(out, &c, b, 6);
}

static void
shortfall_html(FILE *out, struct store *s, const struct report_scope *sc,
    const struct opts *o, struct report_short *sh, const struct table *t)
{
	static const size_t page_cols[] = { 1, 0, 3, 4, 6, 9, 10, 11, 12, 16,
	    17, 18 };
	static const char *const short_labels[12] = { "姓名", "身份证号",
	    "单位", "年度", "情况", "已核认", "缺公需", "缺专业", "缺合计",
	    "记录未报公需", "记录未报专业", "各份申报" };
	static const char *const flab[] = { "范围内人数", "未达标人数",
	    "未达标人年" };
	struct column sub_cols[12];
	const char *fp[3];
	char fv[3][24];
	struct table sub;
	size_t i, r;

	rh_begin(out, "继续教育学时未达标人员名单");
	scope_note(out, s, sc, o);
	snprintf(fv[0], 24, "%ld", report_short_scope(sh));
	snprintf(fv[1], 24, "%ld", report_short_people(sh));
	snprintf(fv[2], 24, "%zu", report_short_count(sh));
	for (i = 0; i < 3; i++)
		fp[i] = fv[i];
	rh_figures(out, flab, fp, 3);
	if (report_short_count(sh) > 0) {
		chart_units(out, s, sh);
		chart_lacks(out, sh);
	}
	for (i = 0; i < 12; i++) {
		sub_cols[i] = t->cols[page_cols[i]];
		sub_cols[i].label = short_labels[i];
	}
	table_init(&sub, sub_cols, 12, t->units);
	for (r = 0; r < t->nrows; r++) {
		const char *row[12];

		for (i = 0; i < 12; i++)
			row[i] = t->cells[r * t->ncols + page_cols[i]];
		table_add(&sub, row);
	}
	rh_heading(out, "名单（学时单位：学时）");
	rh_table(out, &sub, 0x7e8ULL, 1ULL << 11);
	table_free(&sub);
	rh_note(out, "情况：未申报＝无申报含该年度；已申报未核认＝申报尚未审核通过"
	    "（申报情况列出每份申报的状态）；已核认未达标＝审核通过但学时不足。"
	    "缺口按已核认学时计；“记录中未申报”为培训机构已报送、但未写入任何申报"
	    "的学时。");
	rh_end(out);
}

/* The options; CMD_GO or the exit code. */
static int
parse(int argc, char **argv, struct opts *o, enum out_format *fmt)
{
	static const struct option opts[] = {
		REPORT_SCOPE_OPTIONS,
		{ "for", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	int ch, k, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o':
			o->out = optarg;
			break;
		case 'k':
			o->kind = optarg;
			break;
		case 'f':
			if ((rc = cmd_format(usage, optarg, FMT_LIST |
			    FMT_BIT(FMT_HTML), fmt)) != 0)
				return rc;
			break;
		default:
			if ((k = report_args_add(&o->a, ch, optarg)) < 0)
				return cmd_usage_error(argv[0], usage, _("too "
				    "many options"));
			if (k == 0)
				return cmd_opt_other(argv, usage, ch);
		}
	}
	return cmd_output_check(usage, *fmt, o->out);
}

CMD_FN(shortfall)
{
	struct report_scope sc;
	struct report_env env;
	struct report_short *sh;
	struct ceh_err e;
	enum out_format fmt = FMT_TABLE;
	struct opts o;
	struct table t;
	size_t i;
	long bad = 0;
	int rc;

	memset(&sc, 0, sizeof(sc));
	memset(&o, 0, sizeof(o));
	if ((rc = parse(argc, argv, &o, &fmt)) != CMD_GO ||
	    (rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO)
		return rc;
	if (resolve(s, &o, &sc, &e) < 0)
		return e.code == CEH_EUSAGE ? cmd_usage_error(argv[0], usage,
		    "%s", e.msg) : cmd_error(argv[0], &e);
	env.cfg = &s->cfg;
	env.units = &s->units;
	env.codes = &s->codes;
	env.now = now();
	sh = report_short_new(&sc, &env);
	rc = feed(s, &sc, sh, &bad, &e);
	if (rc == 0) {
		report_short_end(sh);
		rc = add_records(s, sh, &e);
	}
	if (rc < 0) {
		report_short_free(sh);
		return cmd_error(argv[0], &e);
	}
	if (table_streams(fmt)) {
		rc = stream_rows(s, sh, fmt, o.out);
		report_short_free(sh);
		goto done;
	}
	table_init(&t, cols, NCOLS, &s->units);
	for (i = 0; i < report_short_count(sh); i++)
		add_row(&t, s, report_short_row(sh, i));
	if (fmt == FMT_HTML) {
		char *data = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&data, &len);

		if (mem == NULL)
			abort();
		shortfall_html(mem, s, &sc, &o, sh, &t);
		fclose(mem);
		rc = cmd_bytes_out(o.out, data, len);
		free(data);
	} else
		rc = cmd_table_out(&t, fmt, o.out);
	table_free(&t);
	report_short_free(sh);
done:
	if (rc)
		return rc;
	if (bad) {
		fprintf(stderr, _("ceh shortfall: %ld document(s) could not be "
		    "read; run 'ceh fsck'\n"), bad);
		return CEH_EINPUT;
	}
	return 0;
}
