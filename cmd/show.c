/* ceh show - show one application (the guide's detail view). */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "bundle.h"
#include "cmd.h"
#include "moves.h"
#include "table.h"
#include "trust.h"
#include "util.h"

static const char usage[] =
    "usage: ceh show APP [--format text|yaml|json]\n";

/* What the signatures say about app: NULL if it verifies, else why
 * not (static).  *text is the 签名 line of the text view. */
static const char *
verdict(struct store *s, const struct application *app, const char **text)
{
	static struct ceh_err e;

	if (trust_app_check(s, app, NULL, NULL, &e) < 0) {
		*text = _("NOT VERIFIED: see below and ceh verify");
		return e.msg;
	}
	*text = trust_signed(s) ? _("verified: every decision signed "
	    "(ceh verify)") : _("unsigned store: its decisions are unsigned");
	return NULL;
}

/*
 * Where the person works now, as the reports count them (moves.h): the
 * last transfer's unit, else the application's employer; also the
 * latter when the transfers do not check, *bad (static) saying why, else
 * "".  pfd is the person's folder.
 */
static const char *
current_unit(struct store *s, int pfd, const struct application *app,
    const char **bad)
{
	static char cur[CREDIT_LEN + 1];
	static struct ceh_err e;

	*bad = "";
	switch (moves_current(s, pfd, app->a.id_number, cur, &e)) {
	case 1:
		return cur;
	case -1:
		*bad = e.msg;
		break;
	}
	return app->a.unit;
}

static void
show_json(struct store *s, int pfd, const struct application *app)
{
	const char *text, *bad = verdict(s, app, &text);
	const char *mbad, *cur = current_unit(s, pfd, app, &mbad);
	const struct applicant_field *f;
	struct json j;
	struct table t;
	size_t i, k;

	json_init(&j, stdout, 1);
	json_obj_begin(&j, NULL);
	json_str(&j, "id", app->id);
	json_str(&j, "stage", stage_name(app->stage));
	json_str(&j, "status", app_status(app));
	json_str(&j, "waiting_at", app->waiting_at);
	json_str(&j, "waiting_at_name", units_name(&s->units, app->waiting_at,
	    ""));
	json_str(&j, "reason", app_last_reason(app));
	json_int(&j, "revision", app->revision);
	json_str(&j, "created", app->created);
	json_str(&j, "updated", app->updated);
	json_bool(&j, "signed_store", trust_signed(s));
	json_bool(&j, "verified", bad == NULL);
	json_str(&j, "verify_error", bad ? bad : "");
	json_obj_begin(&j, "applicant");
	for (f = applicant_fields; f->option; f++)
		json_str(&j, f->key, applicant_get(&app->a, f->option));
	json_str(&j, "sex", idnum_sex(app->a.id_number));
	json_str(&j, "unit_name", units_name(&s->units, app->a.unit, ""));
	json_obj_end(&j);
	json_str(&j, "current_unit", cur);
	json_str(&j, "current_unit_name", units_name(&s->units, cur, ""));
	json_str(&j, "transfers_error", mbad);
	json_arr_begin(&j, "years");
	for (i = 0; i < app->nyears; i++) {
		const struct year_row *r = &app->years[i];

		json_obj_begin(&j, NULL);
		json_int(&j, "year", r->year);
		json_str(&j, "public_subject", r->pub.subject);
		json_hours(&j, "public_hours", r->pub.hours);
		json_str(&j, "public_form", r->pub.form);
		json_str(&j, "professional_subject", r->pro.subject);
		json_hours(&j, "professional_hours", r->pro.hours);
		json_str(&j, "professional_form", r->pro.form);
		json_hours(&j, "total_hours", year_total(r));
		json_bool(&j, "met", config_year_met(&s->cfg, r->pub.hours,
		    r->pro.hours));
		json_arr_begin(&j, "records");
		for (k = 0; k < r->nrecords; k++)
			json_str(&j, NULL, r->records[k]);
		json_arr_end(&j);
		cmd_attachments_table(&t, app, r->year);
		table_json(&t, &j, "attachments");
		table_free(&t);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	cmd_history_table(&t, s, app);
	table_json(&t, &j, "history");
	table_free(&t);
	json_obj_end(&j);
	json_end(&j);
}

static void
line(const char *label, const char *value)
{
	if (value[0] == '\0') {	/* no trailing blanks */
		printf("%s\n", label);
		return;
	}
	print_padded(stdout, label, 14);
	printf("%s\n", value);
}

/* The year rows (申报年度明细), their records and the attachments. */
static void
show_years(struct store *s, const struct application *app)
{
	static const struct column cols[] = {
		{ "year", "年度", COL_INT },
		{ "public_subject", "公需科目名称", COL_TEXT },
		{ "public_hours", "折算学时", COL_HOURS },
		{ "public_form", "继续教育形式", COL_TEXT },
		{ "professional_subject", "专业科目名称", COL_TEXT },
		{ "professional_hours", "折算学时", COL_HOURS },
		{ "professional_form", "继续教育形式", COL_TEXT },
		{ "total_hours", "合计学时", COL_HOURS },
		{ "met", "达标", COL_TEXT },
	};
	struct table t;
	char y[8], h1[24], h2[24], h3[24];
	size_t i, k;

	printf("\n申报年度明细\n");
	table_init(&t, cols, 9, NULL);
	for (i = 0; i < app->nyears; i++) {
		const struct year_row *r = &app->years[i];
		const char *row[9];

		snprintf(y, sizeof(y), "%d", r->year);
		row[0] = y;
		row[1] = r->pub.subject;
		row[2] = r->pub.subject[0] ? hours_fmt(r->pub.hours, h1,
		    sizeof(h1)) : "";
		row[3] = r->pub.form;
		row[4] = r->pro.subject;
		row[5] = r->pro.subject[0] ? hours_fmt(r->pro.hours, h2,
		    sizeof(h2)) : "";
		row[6] = r->pro.form;
		row[7] = hours_fmt(year_total(r), h3, sizeof(h3));
		row[8] = config_year_met(&s->cfg, r->pub.hours, r->pro.hours) ?
		    "是" : "否";
		table_add(&t, row);
	}
	if (app->nyears)
		table_print(&t, FMT_TABLE, stdout);
	else
		printf(_("  (none)\n"));
	table_free(&t);
	for (i = 0; i < app->nyears; i++) {
		const struct year_row *r = &app->years[i];

		if (r->nrecords) {
			printf(_("  %d 学时来源 (imported records):"), r->year);
			for (k = 0; k < r->nrecords; k++)
				printf(" %s", r->records[k]);
			printf("\n");
		}
	}
	printf("\n附件\n");
	for (i = 0, k = 0; i < app->nyears; i++) {
		const struct year_row *r = &app->years[i];
		size_t j;

		for (j = 0; j < r->natt; j++, k++)
			printf(_("  %d  %s  %ld bytes  %s  sha256 %.16s…\n"),
			    r->year, r->att[j].name, r->att[j].size,
			    r->att[j].type, r->att[j].sha256);
	}
	if (k == 0)
		printf(_("  (none)\n"));
}

static void
show_text(struct store *s, int pfd, const struct application *app)
{
	const struct applicant_field *f;
	struct sbuf sb = SBUF_INIT;
	const char *verd, *mbad, *cur = current_unit(s, pfd, app, &mbad);

	line("申报编号", app->id);
	sb_addf(&sb, "%s", app_status(app));
	if (app->stage == STAGE_REVIEW)
		sb_addf(&sb, "（%s %s）", units_name(&s->units, app->waiting_at, ""),
		    app->waiting_at);
	line("审核状态", sb_str(&sb));
	sb_reset(&sb);
	(void)verdict(s, app, &verd);
	line("签名", verd);
	if (app_last_reason(app)[0])
		line(strcmp(app_status(app), "退回") == 0 ? "退回原因" :
		    "不通过意见", app_last_reason(app));
	printf("\n申报人信息\n");
	for (f = applicant_fields; f->option; f++) {
		const char *v = applicant_get(&app->a, f->option);

		if (strcmp(f->option, "unit") == 0) {
			sb_addf(&sb, "%s %s", units_name(&s->units, v, ""), v);
			v = sb_str(&sb);
		}
		printf("  ");
		line(f->label, v);
		/* the person moved away from the application's employer
		 * (ceh transfer): where they work now, as the reports
		 * count them */
		if (strcmp(f->option, "unit") == 0 &&
		    strcmp(cur, app->a.unit) != 0) {
			sb_reset(&sb);
			sb_addf(&sb, "%s %s", units_name(&s->units, cur, ""),
			    cur);
			printf("  ");
			line("现单位", sb_str(&sb));
		}
		if (strcmp(f->option, "unit") == 0 && mbad[0]) {
			printf("  ");
			line("现单位", _("the transfers do not check (see ceh "
			    "fsck): counted at the unit above"));
		}
		if (strcmp(f->option, "name") == 0) {
			printf("  ");
			line("性别", idnum_sex(app->a.id_number));
		}
	}
	sb_release(&sb);
	show_years(s, app);
}

static void
say_text(void *arg, const char *msg)
{
	(void)arg;
	printf("  ! %s\n", msg);
}

static void
say_err(void *arg, const char *msg)
{
	fprintf(stderr, "ceh %s: %s\n", (const char *)arg, msg);
}

CMD_FN(show)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		CMD_OPT_END
	};
	enum out_format f = FMT_TEXT;
	struct sbuf sb = SBUF_INIT;
	struct bundle_report rep;
	struct app_handle h;
	struct ceh_err e;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch != 'f')
			return cmd_opt_other(argv, usage, ch);
		if ((rc = cmd_format(usage, optarg, FMT_BIT(FMT_TEXT) |
		    FMT_BIT(FMT_YAML) | FMT_BIT(FMT_JSON), &f)) != 0)
			return rc;
	}
	if ((rc = cmd_ready(s, argc, argv, usage, 1)) != CMD_GO)
		return rc;
	/* trust.log's signatures verified once by this user, not at every
	 * show (trust.h); the application's own are verified every time */
	trust_registry_cache(s);
	if (app_open(s, argv[optind], 0, &h, &e) < 0) {
		app_close(&h);
		return cmd_error(argv[0], &e);
	}
	if (f == FMT_YAML) {
		if (doc_emit(&h.app, &sb, &e) < 0) {
			app_close(&h);
			return cmd_error(argv[0], &e);
		}
		fwrite(sb.buf, 1, sb.len, stdout);
		sb_release(&sb);
	} else if (f == FMT_JSON) {
		show_json(s, h.p.fd, &h.app);
	} else {
		show_text(s, h.p.fd, &h.app);
	}
	/* the archive is checked against the document, never trusted */
	memset(&rep, 0, sizeof(rep));
	rep.say = f == FMT_TEXT ? say_text : say_err;
	rep.arg = argv[0];
	if (bundle_check(s, &h.p, &h.app, h.folder, &rep, 0, &e) < 0) {
		app_close(&h);
		return cmd_error(argv[0], &e);
	}
	{
		const char *text, *bad = verdict(s, &h.app, &text);

		/* marked, not refused: the document is shown as it is */
		if (bad)
			fprintf(stderr, _("ceh show: NOT VERIFIED: %s\n"), bad);
	}
	if (rep.problems || rep.leftovers) {
		ceh_fail(&e, CEH_EINPUT, _("the attachments of %s are damaged "
		    "or tampered with (%ld problem(s), %ld unlisted); see "
		    "'ceh fsck'"), h.app.id, rep.problems, rep.leftovers);
		app_close(&h);
		return cmd_error(argv[0], &e);
	}
	app_close(&h);
	return 0;
}
