/* ceh add-year - add or replace a year row (申报年度明细) of a draft. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "records.h"

static const char usage[] =
    "usage: ceh add-year APP --year YEAR [--public-subject NAME\n"
    "                    --public-hours HOURS --public-form FORM]\n"
    "                    [--pro-subject NAME --pro-hours HOURS --pro-form FORM]\n"
    "                    [--replace]\n"
    "       ceh add-year APP --year YEAR --from-records [--record ID ...]\n"
    "                    [--replace]\n";

enum { O_YEAR = 1, O_PS, O_PH, O_PF, O_RS, O_RH, O_RF, O_REPLACE, O_FROM,
    O_RECORD };

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
		return ceh_fail(e, CEH_EINPUT, "a %s subject needs "
		    "--%s-subject, --%s-hours and --%s-form together", which,
		    which, which, which);
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
		CMD_OPT_END
	};
	const char *v[O_REPLACE] = { NULL };
	struct year_row row, *old;
	struct app_handle h;
	struct ceh_err e;
	char detail[16];
	int ch, rc, replace = 0, year, had, from = 0;
	char **sel = NULL;
	size_t nsel = 0;

	memset(&row, 0, sizeof(row));
	app_handle_init(&h);
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch == 'h')
			return cmd_help(usage);
		if (ch == O_REPLACE)
			replace = 1;
		else if (ch == O_FROM)
			from = 1;
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
		return cmd_usage_error(argv[0], usage, "give one application "
		    "id");
	if (v[O_YEAR] == NULL)
		return cmd_usage_error(argv[0], usage, "missing --year");
	if (from && (v[O_PS] || v[O_PH] || v[O_PF] || v[O_RS] || v[O_RH] ||
	    v[O_RF])) {
		free(sel);
		return cmd_usage_error(argv[0], usage, "--from-records takes "
		    "the subjects from the records; give no subject options");
	}
	if (nsel && !from) {
		free(sel);
		return cmd_usage_error(argv[0], usage, "--record needs "
		    "--from-records");
	}
	if (!from && !v[O_PS] && !v[O_PH] && !v[O_PF] && !v[O_RS] &&
	    !v[O_RH] && !v[O_RF])
		return cmd_usage_error(argv[0], usage, "give a public or a "
		    "professional subject (or both)");
	if (year_parse("--year", v[O_YEAR], &year, &e) < 0) {
		free(sel);
		return cmd_error(argv[0], &e);
	}
	if ((rc = cmd_setup(s)) != 0) {
		free(sel);
		return rc;
	}
	row.year = year;
	if (!from && (fill_line(&row.pub, v[O_PS], v[O_PH], v[O_PF],
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
		ceh_fail(&e, CEH_ESTATE, "year %d is already in application "
		    "%s; use --replace to change it", year, h.app.id);
		goto fail;
	}
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
