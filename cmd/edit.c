/* ceh edit - change the applicant's details of a draft (修改保存). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const char usage[] =
    "usage: ceh edit APP [--name NAME] [--ethnicity ETHNICITY] [--unit CODE]\n"
    "                [--unit-nature NATURE] [--title-level LEVEL]\n"
    "                [--phone PHONE] [--series SERIES] [--specialty SPECIALTY]\n"
    "                [--region REGION] [--education EDUCATION] [--remark TEXT]\n";

CMD_FN(edit)
{
	const char *given[16] = { NULL };
	struct sbuf changed = SBUF_INIT;
	struct app_handle h;
	struct ceh_err e;
	int ch, i, n = 0;

	while ((ch = getopt_long(argc, argv, "h", cmd_applicant_options,
	    NULL)) != -1) {
		if (ch == 'h')
			return cmd_help(usage);
		if (ch < 0 || ch > 11)
			return cmd_usage_error(argv[0], usage, "unknown option "
			    "'%s'", argv[optind - 1]);
		given[ch] = optarg;
		n++;
	}
	if (optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, "give one application "
		    "id");
	if (given[0])
		return cmd_usage_error(argv[0], usage, "the ID number of an "
		    "application cannot change; create a new application");
	if (n == 0)
		return cmd_usage_error(argv[0], usage, "nothing to change");
	if (app_open(s, argv[optind], 1, &h, &e) < 0)
		goto fail;
	if (h.app.stage != STAGE_DRAFT) {
		ceh_fail(&e, CEH_ESTATE, "application %s is %s; only a draft "
		    "can be changed", h.app.id, app_status(&h.app));
		goto fail;
	}
	for (i = 1; applicant_fields[i].option; i++) {
		const char *opt = applicant_fields[i].option;
		char *old;

		if (given[i] == NULL)
			continue;
		old = xstrdup(applicant_get(&h.app.a, opt));
		if (applicant_set(&h.app.a, opt, given[i], &s->codes,
		    &e) < 0) {
			free(old);
			goto fail;
		}
		if (strcmp(old, applicant_get(&h.app.a, opt)) != 0)
			sb_addf(&changed, "%s%s", changed.len ? "," : "", opt);
		free(old);
	}
	if (given[3]) {
		if (store_load_units(s, &e) < 0)
			goto fail;
		if (units_find(&s->units, h.app.a.unit) == NULL) {
			ceh_fail(&e, CEH_ENOTFOUND, "--unit %s is not a "
			    "registered unit", h.app.a.unit);
			goto fail;
		}
	}
	if (changed.len) {
		app_add_event(&h.app, "edited", NULL, NULL, NULL, changed.buf);
		if (app_save(s, &h, &e) < 0)
			goto fail;
	}
	printf("%s\n", h.app.id);
	sb_release(&changed);
	app_close(&h);
	return 0;
fail:
	sb_release(&changed);
	app_close(&h);
	return cmd_error(argv[0], &e);
}
