/* ceh apply - create a draft application (新增学时核认申报); its options
 * and usage are made from the table of applicant fields (cmd.h). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

CMD_FN(apply)
{
	const char *usage = cmd_applicant_usage("apply", "", 0);
	const char *given[APPLICANT_NFIELDS];
	struct application app;
	struct person p;
	struct app_ref ref;
	struct ceh_err e;
	char id[APP_ID_LEN + 1];
	int i, n, rc;

	if ((rc = cmd_applicant_args(argc, argv, usage, given, &n)) != CMD_GO)
		return rc;
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO)
		return rc;
	for (i = 0; applicant_fields[i].option; i++)
		if (applicant_fields[i].required && given[i] == NULL)
			return cmd_usage_error(argv[0], usage, "missing --%s "
			    "(%s)", applicant_fields[i].option,
			    applicant_fields[i].label);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	app_init(&app);
	for (i = 0; applicant_fields[i].option; i++)
		if (applicant_set(&app.a, applicant_fields[i].option,
		    given[i] ? given[i] : "", &s->codes, &e) < 0)
			goto fail;
	if (cmd_employer(s, app.a.unit, &e) < 0)
		goto fail;
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
