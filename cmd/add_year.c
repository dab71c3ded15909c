/* ceh add-year - add or replace a year row (申报年度明细) of a draft. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "fault.h"
#include "records.h"

static const char usage[] =
    "usage: ceh add-year APP --year YEAR [--public-subject NAME\n"
    "                    --public-hours HOURS --public-form FORM]\n"
    "                    [--pro-subject NAME --pro-hours HOURS --pro-form FORM]\n"
    "                    [--replace [--no-public] [--no-pro]]\n"
    "       ceh add-year APP --year YEAR --from-records [--record ID ...]\n"
    "                    [--replace]\n"
    "       ceh add-year --from FILE [--sheet NAME]\n"
    "                    [--encoding auto|utf-8|gb18030] [--replace] [--dry-run]\n";

enum { O_YEAR = 1, O_PS, O_PH, O_PF, O_RS, O_RH, O_RF, O_REPLACE, O_FROM,
    O_RECORD, O_NOPUB, O_NOPRO };

static int
fill_line(struct subject_line *l, const char *subject, const char *hours,
    const char *form, const char *which, struct store *s, struct ceh_err *e)
{
	const struct code_item *it;
	char field[48];

	l->subject = xstrdup(subject ? subject : "");
	l->form = xstrdup("");
	l->hours = 0;
	if (subject == NULL && hours == NULL && form == NULL)
		return 0;
	if (subject == NULL || hours == NULL || form == NULL)
		return ceh_fail(e, CEH_EINPUT, strcmp(which, "public") == 0 ?
		    _("a public subject needs --public-subject, "
		    "--public-hours and --public-form together") :
		    _("a pro subject needs --pro-subject, --pro-hours and "
		    "--pro-form together"));
	snprintf(field, sizeof(field), "--%s-subject", which);
	if (text_check(field, subject, 100, 1, 0, e) < 0)
		return -1;
	snprintf(field, sizeof(field), "--%s-hours", which);
	if (hours_parse(field, hours, s->cfg.max_hours_year * 2, &l->hours,
	    e) < 0)
		return -1;
	snprintf(field, sizeof(field), "--%s-form", which);
	if (text_check(field, form, 60, 1, 0, e) < 0 ||
	    codes_resolve(&s->codes, CL_CE_FORM, field, form, &it, e) < 0)
		return -1;
	free(l->form);
	l->form = xstrdup(it->name);
	return 0;
}

/* One line of a replaced year: what is not given is kept from l (if it
 * has a subject); drop empties it.  hbuf holds the kept hours. */
static void
keep_line(const char **subject, const char **hours, const char **form,
    const struct subject_line *l, int drop, char *hbuf, size_t hlen)
{
	if (drop) {
		*subject = *hours = *form = NULL;
		return;
	}
	if (l == NULL || l->subject == NULL || l->subject[0] == '\0')
		return;
	if (*subject == NULL)
		*subject = l->subject;
	if (*hours == NULL)
		*hours = hours_fmt(l->hours, hbuf, hlen);
	if (*form == NULL)
		*form = l->form;
}

/*
 * --replace: each line (public, pro) of the year there (old; NULL when it
 * is not there) keeps what is not given, so one field changes without
 * restating the others; --no-public / --no-pro drop the line.  v[] as
 * the options gave them; the row is checked whole.
 */
static int
fill_replaced(struct year_row *row, const struct year_row *old,
    const char **v, int nopub, int nopro, struct store *s,
    struct ceh_err *e)
{
	char ph[24], rh[24];

	keep_line(&v[O_PS], &v[O_PH], &v[O_PF], old ? &old->pub : NULL,
	    nopub, ph, sizeof(ph));
	keep_line(&v[O_RS], &v[O_RH], &v[O_RF], old ? &old->pro : NULL,
	    nopro, rh, sizeof(rh));
	if (fill_line(&row->pub, v[O_PS], v[O_PH], v[O_PF], "public", s,
	    e) < 0 ||
	    fill_line(&row->pro, v[O_RS], v[O_RH], v[O_RF], "pro", s, e) < 0)
		return -1;
	return year_row_check(row, &s->rules, e);
}

/* ---- add-year --from FILE: year rows from a sheet ---- */

enum { YC_APP, YC_ID, YC_YEAR, YC_PS, YC_PH, YC_PF, YC_RS, YC_RH, YC_RF,
    YC__COUNT };
static const struct bulk_col year_cols[YC__COUNT] = {
	{ "申报编号|application|app", 0, NORM_CODE },
	{ "证件号码|身份证号码|身份证号|身份证|id_number|id", 0, NORM_IDNUM },
	{ "年度|申报年度|year", 1, NORM_CODE },
	{ "公需科目名称|公需科目|public_subject", 0, NORM_TEXT },
	{ "公需学时|公需科目学时|public_hours", 0, NORM_HOURS },
	{ "公需继续教育形式|公需形式|public_form", 0, NORM_TEXT },
	{ "专业科目名称|专业科目|pro_subject", 0, NORM_TEXT },
	{ "专业学时|专业科目学时|pro_hours", 0, NORM_HOURS },
	{ "专业继续教育形式|专业形式|pro_form", 0, NORM_TEXT },
};

struct yrow {
	char *app;		/* the draft's id */
	long line;
	struct year_row row;
	int same;		/* the draft has this year as it is */
};
struct years {
	struct store *s;
	int replace;
	struct yrow *v;
	size_t n, cap;
};

/* One subject line of a sheet row, messages by column label. */
static int
sheet_line(struct subject_line *l, const char **v, int first,
    const char *which, struct store *s, struct ceh_err *e)
{
	const struct code_item *it;
	char f[3][48];

	l->subject = xstrdup(v[first]);
	l->form = xstrdup("");
	l->hours = 0;
	if (!*v[first] && !*v[first + 1] && !*v[first + 2])
		return 0;
	snprintf(f[0], sizeof(f[0]), "%s科目名称", which);
	snprintf(f[1], sizeof(f[1]), "%s学时", which);
	snprintf(f[2], sizeof(f[2]), "%s继续教育形式", which);
	if (text_check(f[0], v[first], 100, 1, 0, e) < 0 ||
	    hours_parse(f[1], v[first + 1], s->cfg.max_hours_year * 2,
	    &l->hours, e) < 0 || text_check(f[2], v[first + 2], 60, 1, 0,
	    e) < 0 || codes_resolve(&s->codes, CL_CE_FORM, f[2],
	    v[first + 2], &it, e) < 0)
		return -1;
	free(l->form);
	l->form = xstrdup(it->name);
	return 0;
}

/* The draft a row is for: its 申报编号, else the person's one draft. */
struct onedraft {
	char *id;
	int n;
};

static int
count_drafts(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct onedraft *d = arg;

	(void)s;
	(void)p;
	(void)err;
	if (app == NULL || folder != STAGE_DRAFT)
		return 0;
	if (d->n++ == 0)
		d->id = xstrdup(app->id);
	return 0;
}

static char *
row_draft(struct years *ys, const char **v, struct ceh_err *e)
{
	struct onedraft d = { NULL, 0 };
	char id[IDNUM_LEN + 1];

	if (*v[YC_APP])
		return xstrdup(v[YC_APP]);
	if (!*v[YC_ID]) {
		ceh_fail(e, CEH_EINPUT, _("give 申报编号 or 证件号码"));
		return NULL;
	}
	if (idnum_check("证件号码", v[YC_ID], id, e) < 0 ||
	    store_walk(ys->s, id, count_drafts, &d, e) < 0)
		return NULL;
	if (d.n == 1)
		return d.id;
	free(d.id);
	if (d.n)
		ceh_fail(e, CEH_EINPUT, Q_("%s has %d draft: give the 申报编号 "
		    "column", "%s has %d drafts: give the 申报编号 column", d.n),
		    id, d.n);
	else
		ceh_fail(e, CEH_EINPUT, _("%s has no draft: create it with "
		    "'ceh apply'"), id);
	return NULL;
}

static int
same_line(const struct subject_line *a, const struct subject_line *b)
{
	return strcmp(a->subject, b->subject) == 0 && a->hours == b->hours &&
	    strcmp(a->form, b->form) == 0;
}

/* Check the year row against its draft: 1 if it is there as it is. */
static int
row_against_draft(struct years *ys, struct yrow *y, struct ceh_err *e)
{
	struct app_handle h;
	const struct year_row *old;
	int rc = 0;

	app_handle_init(&h);
	if (app_open(ys->s, y->app, 0, &h, e) < 0) {
		app_close(&h);
		return -1;
	}
	if (h.folder != STAGE_DRAFT)
		rc = ceh_fail(e, CEH_ESTATE, _("application %s is not a draft "
		    "(%s)"), y->app, stage_name(h.folder));
	else if ((old = app_year(&h.app, y->row.year)) != NULL) {
		if (same_line(&old->pub, &y->row.pub) &&
		    same_line(&old->pro, &y->row.pro))
			rc = 1;
		else if (!ys->replace)
			rc = ceh_fail(e, CEH_ESTATE, _("year %d is already in "
			    "application %s with other subjects; use "
			    "--replace to change it"), y->row.year, y->app);
	}
	app_close(&h);
	return rc;
}

static int
year_row_in(struct bulk *b, long line, const char **v, struct ceh_err *e)
{
	struct years *ys = b->arg;
	struct yrow y;
	struct ceh_err re;
	size_t k;
	int year, rc;

	(void)e;
	memset(&y, 0, sizeof(y));
	y.line = line;
	if (year_parse("年度", v[YC_YEAR], &year, &re) < 0)
		goto bad;
	y.row.year = year;
	if (sheet_line(&y.row.pub, v, YC_PS, "公需", ys->s, &re) < 0 ||
	    sheet_line(&y.row.pro, v, YC_RS, "专业", ys->s, &re) < 0)
		goto bad;
	if (!*y.row.pub.subject && !*y.row.pro.subject) {
		ceh_fail(&re, CEH_EINPUT, _("give a 公需 or a 专业 subject (or "
		    "both)"));
		goto bad;
	}
	if (year_row_check(&y.row, &ys->s->rules, &re) < 0 ||
	    (y.app = row_draft(ys, v, &re)) == NULL)
		goto bad;
	if (*v[YC_ID] && strncmp(y.app, v[YC_ID], IDNUM_LEN) != 0 &&
	    strncasecmp(y.app, v[YC_ID], IDNUM_LEN) != 0) {
		ceh_fail(&re, CEH_EINPUT, _("申报编号 %s is not of 证件号码 %s"),
		    y.app, v[YC_ID]);
		goto bad;
	}
	for (k = 0; k < ys->n; k++)
		if (strcmp(ys->v[k].app, y.app) == 0 &&
		    ys->v[k].row.year == year) {
			ceh_fail(&re, CEH_EINPUT, _("year %d of %s is already "
			    "on row %ld"), year, y.app, ys->v[k].line);
			goto bad;
		}
	if ((rc = row_against_draft(ys, &y, &re)) < 0)
		goto bad;
	y.same = rc;
	if (ys->n == ys->cap) {
		ys->cap = ys->cap ? ys->cap * 2 : 32;
		ys->v = xreallocarray(ys->v, ys->cap, sizeof(*ys->v));
	}
	ys->v[ys->n++] = y;
	return 0;
bad:
	cmd_bulk_bad(b, line, re.msg);
	year_row_release(&y.row);
	free(y.app);
	return 0;
}

/* Put one checked year row into its draft: 0, 1 when the draft has
 * the year as it is by now, or -1.  The year is looked at again under
 * the lock: another command may have added it since the row was
 * checked, and without --replace it is not overwritten. */
static int
put_year(struct store *s, struct yrow *y, int replace, struct ceh_err *e)
{
	struct app_handle h;
	struct year_row *old;
	char detail[16];
	int had, year = y->row.year;

	app_handle_init(&h);
	if (cmd_open_draft(s, y->app, &h, e) < 0) {
		app_close(&h);
		return -1;
	}
	old = app_year(&h.app, y->row.year);
	had = old != NULL;
	if (old && same_line(&old->pub, &y->row.pub) &&
	    same_line(&old->pro, &y->row.pro)) {
		app_close(&h);
		return 1;
	}
	if (old && !replace) {
		app_close(&h);
		return ceh_fail(e, CEH_ESTATE, _("year %d is already in "
		    "application %s with other subjects; use --replace to "
		    "change it"), year, y->app);
	}
	if (old) {
		y->row.att = old->att;
		y->row.natt = old->natt;
		old->att = NULL;
		old->natt = 0;
	}
	app_put_year(&h.app, &y->row);
	memset(&y->row, 0, sizeof(y->row));
	snprintf(detail, sizeof(detail), "%d", year);
	app_add_event(&h.app, had ? "year-replaced" : "year-added", NULL, NULL,
	    NULL, detail);
	if (app_save(s, &h, e) < 0) {
		app_close(&h);
		return -1;
	}
	app_close(&h);
	return 0;
}

static void
years_free(struct years *ys)
{
	size_t k;

	for (k = 0; k < ys->n; k++) {
		year_row_release(&ys->v[k].row);
		free(ys->v[k].app);
	}
	free(ys->v);
}

/* Check every row, then (none bad) put the year rows not yet there. */
static int
years_from(struct store *s, struct bulk *b, int replace, int dry)
{
	struct years ys;
	struct ceh_err e;
	long put = 0, same = 0;
	size_t k;
	int rc = 0;

	memset(&ys, 0, sizeof(ys));
	ys.s = s;
	ys.replace = replace;
	b->arg = &ys;
	b->row = year_row_in;
	if (cmd_bulk_read(b, &e) < 0) {
		years_free(&ys);
		return cmd_error(b->cmd, &e);
	}
	cmd_bulk_summary(b);
	if (b->bad) {
		fprintf(stderr, _("ceh add-year: %s: %ld of %ld rows refused; "
		    "no year added\n"), b->path, b->bad, b->rows);
		years_free(&ys);
		return CEH_EINPUT;
	}
	/* a test stops here to change a draft behind the checks' back */
	stop_point("add-year-from-checked");
	for (k = 0; k < ys.n && rc == 0; k++) {
		struct yrow *y = &ys.v[k];
		int year = y->row.year;

		if (!y->same && !dry) {
			rc = put_year(s, y, replace, &e);
			if (rc < 0) {
				rc = cmd_error(b->cmd, &e);
				break;
			}
			if (rc == 0) {
				/* machine: outcome column */
				printf("%s\t%d\tadded\n", y->app, year);
				put++;
				continue;
			}
			rc = 0;		/* added meanwhile, the same */
			y->same = 1;
		}
		if (y->same) {
			/* machine: outcome column */
			printf("%s\t%d\tunchanged\n", y->app, year);
			same++;
		} else {
			/* machine: outcome column */
			printf("%s\t%d\twould be added\n", y->app, year);
			put++;
		}
	}
	if (dry)
		fprintf(stderr, _("ceh add-year: %s: %ld rows, %ld years would "
		    "be added, %ld already there\n"), b->path, b->rows, put,
		    same);
	else
		fprintf(stderr, _("ceh add-year: %s: %ld rows, %ld years added, "
		    "%ld already there\n"), b->path, b->rows, put, same);
	years_free(&ys);
	return rc;
}

static int
add_year_from(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'F' },
		{ "sheet", required_argument, NULL, 'S' },
		{ "encoding", required_argument, NULL, 'E' },
		{ "replace", no_argument, NULL, 'R' },
		{ "dry-run", no_argument, NULL, 'D' },
		CMD_OPT_END
	};
	struct bulk b;
	int ch, rc, dry = 0, replace = 0;

	memset(&b, 0, sizeof(b));
	b.cmd = "add-year";
	b.cols = year_cols;
	b.ncols = YC__COUNT;
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if ((rc = cmd_bulk_option(&b, usage, argv, ch)) == 1)
			continue;
		if (rc != 0)
			return rc;
		switch (ch) {
		case 'R':
			replace = 1;
			break;
		case 'D':
			dry = 1;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if ((rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO)
		return rc;
	return years_from(s, &b, replace, dry);
}

/* --from (not --from-records) before "--": the sheet form. */
static int
wants_from(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--from") == 0 ||
		    strncmp(argv[i], "--from=", 7) == 0)
			return 1;
	return 0;
}

CMD_FN(add_year)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, O_YEAR },
		{ "public-subject", required_argument, NULL, O_PS },
		{ "public-hours", required_argument, NULL, O_PH },
		{ "public-form", required_argument, NULL, O_PF },
		{ "pro-subject", required_argument, NULL, O_RS },
		{ "pro-hours", required_argument, NULL, O_RH },
		{ "pro-form", required_argument, NULL, O_RF },
		{ "replace", no_argument, NULL, O_REPLACE },
		{ "from-records", no_argument, NULL, O_FROM },
		{ "record", required_argument, NULL, O_RECORD },
		{ "no-public", no_argument, NULL, O_NOPUB },
		{ "no-pro", no_argument, NULL, O_NOPRO },
		CMD_OPT_END
	};
	const char *v[O_REPLACE] = { NULL };
	int nopub = 0, nopro = 0, partial;
	struct year_row row, *old;
	struct app_handle h;
	struct ceh_err e;
	char detail[16];
	int ch, rc, replace = 0, year, had, from = 0;
	char **sel = NULL;
	size_t nsel = 0;

	if (wants_from(argc, argv))
		return add_year_from(argc, argv, s);
	memset(&row, 0, sizeof(row));
	app_handle_init(&h);
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch == 'h')
			return cmd_help(usage);
		if (ch == O_REPLACE)
			replace = 1;
		else if (ch == O_FROM)
			from = 1;
		else if (ch == O_NOPUB)
			nopub = 1;
		else if (ch == O_NOPRO)
			nopro = 1;
		else if (ch == O_RECORD) {
			sel = xreallocarray(sel, nsel + 1, sizeof(*sel));
			sel[nsel++] = optarg;
		}
		else if (ch >= O_YEAR && ch < O_REPLACE)
			v[ch] = optarg;
		else
			return cmd_opt_other(argv, usage, ch);
	}
	if (optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, _("give one application "
		    "id"));
	if (v[O_YEAR] == NULL)
		return cmd_usage_error(argv[0], usage, _("missing --year"));
	if (from && (v[O_PS] || v[O_PH] || v[O_PF] || v[O_RS] || v[O_RH] ||
	    v[O_RF])) {
		free(sel);
		return cmd_usage_error(argv[0], usage, _("--from-records takes "
		    "the subjects from the records; give no subject options"));
	}
	if (nsel && !from) {
		free(sel);
		return cmd_usage_error(argv[0], usage, _("--record needs "
		    "--from-records"));
	}
	if ((nopub || nopro) && (!replace || from)) {
		free(sel);
		return cmd_usage_error(argv[0], usage, _("--no-public and "
		    "--no-pro go with --replace of subjects given by options"));
	}
	if (!from && !v[O_PS] && !v[O_PH] && !v[O_PF] && !v[O_RS] &&
	    !v[O_RH] && !v[O_RF] && !nopub && !nopro)
		return cmd_usage_error(argv[0], usage, replace ? _("give the "
		    "fields to change (--public-hours, --pro-form, ...) or "
		    "--no-public / --no-pro") : _("give a public or a "
		    "professional subject (or both)"));
	if (year_parse("--year", v[O_YEAR], &year, &e) < 0) {
		free(sel);
		return cmd_error(argv[0], &e);
	}
	if ((rc = cmd_setup(s)) != 0) {
		free(sel);
		return rc;
	}
	row.year = year;
	/* with --replace the row is made once the old one is known */
	partial = replace && !from;
	if (!from && !partial && (fill_line(&row.pub, v[O_PS], v[O_PH], v[O_PF],
	    "public", s, &e) < 0 ||
	    fill_line(&row.pro, v[O_RS], v[O_RH], v[O_RF], "pro", s, &e) < 0 ||
	    year_row_check(&row, &s->rules, &e) < 0))
		goto fail;
	if (cmd_open_draft(s, argv[optind], &h, &e) < 0)
		goto fail;
	/* the hours on record for the applicant (provenance kept) */
	if (from && (records_year_row(s, h.app.a.id_number, year, sel, nsel,
	    &row, &e) < 0 || year_row_check(&row, &s->rules, &e) < 0))
		goto fail;
	old = app_year(&h.app, year);
	had = old != NULL;
	if (old && !replace) {
		ceh_fail(&e, CEH_ESTATE, _("year %d is already in application "
		    "%s; use --replace to change it"), year, h.app.id);
		goto fail;
	}
	if (partial && fill_replaced(&row, old, v, nopub, nopro, s, &e) < 0)
		goto fail;
	if (old) {
		/* the evidence stays with the year */
		row.att = old->att;
		row.natt = old->natt;
		old->att = NULL;
		old->natt = 0;
	}
	app_put_year(&h.app, &row);
	snprintf(detail, sizeof(detail), "%d", year);
	app_add_event(&h.app, had ? "year-replaced" : "year-added", NULL, NULL,
	    NULL, detail);
	if (app_save(s, &h, &e) < 0)
		goto fail;
	printf("%s\n", h.app.id);
	app_close(&h);
	free(sel);
	return 0;
fail:
	year_row_release(&row);
	app_close(&h);
	free(sel);
	return cmd_error(argv[0], &e);
}
