/* ceh apply - create a draft application (新增学时核认申报). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const char usage[] =
    "usage: ceh apply --id IDNUMBER --name NAME --ethnicity ETHNICITY\n"
    "                 --unit CODE --unit-nature NATURE --title-level LEVEL\n"
    "                 --phone PHONE --series SERIES --specialty SPECIALTY\n"
    "                 --region REGION [--education EDUCATION] [--remark TEXT]\n";

CMD_FN(apply)
{
	const char *given[16] = { NULL };
	struct application app;
	struct person p;
	struct app_ref ref;
	struct ceh_err e;
	char id[APP_ID_LEN + 1];
	int ch, i, rc;

	while ((ch = getopt_long(argc, argv, "h", cmd_applicant_options,
	    NULL)) != -1) {
		if (ch == 'h')
			return cmd_help(usage);
		if (ch < 0 || ch > 11)
			return cmd_usage_error(argv[0], usage, "unknown option "
			    "'%s'", argv[optind - 1]);
		given[ch] = optarg;
	}
	if (optind != argc)
		return cmd_usage_error(argv[0], usage, "unexpected argument "
		    "'%s'", argv[optind]);
	for (i = 0; applicant_fields[i].option; i++)
		if (applicant_fields[i].required && given[i] == NULL)
			return cmd_usage_error(argv[0], usage, "missing --%s "
			    "(%s)", applicant_fields[i].option,
			    applicant_fields[i].label);
	app_init(&app);
	for (i = 0; applicant_fields[i].option; i++)
		if (applicant_set(&app.a, applicant_fields[i].option,
		    given[i] ? given[i] : "", &s->codes, &e) < 0)
			goto fail;
	if (store_load_units(s, &e) < 0)
		goto fail;
	if (units_find(&s->units, app.a.unit) == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, "--unit %s is not a registered "
		    "unit; register it with 'ceh unit add'", app.a.unit);
		goto fail;
	}
	if (app_ref_new(app.a.id_number, &ref, &e) < 0)
		goto fail;
	app_ref_format(&ref, id);
	app.id = xstrdup(id);
	app.waiting_at = xstrdup("");
	app_add_event(&app, "created", NULL, NULL, NULL, NULL);
	if (person_open(s, app.a.id_number, 1, &p, &e) < 0)
		goto fail;
	rc = person_lock(s, &p, &e);
	if (rc == 0)
		rc = app_create(s, &p, &app, &e);
	person_close(&p);
	if (rc < 0)
		goto fail;
	printf("%s\n", id);
	app_release(&app);
	return 0;
fail:
	app_release(&app);
	return cmd_error(argv[0], &e);
}
