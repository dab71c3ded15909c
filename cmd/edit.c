/* ceh edit - change the applicant's details of a draft (修改保存). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The index of an applicant field in applicant_fields. */
static int
field(const char *option)
{
	int i;

	for (i = 0; applicant_fields[i].option; i++)
		if (strcmp(applicant_fields[i].option, option) == 0)
			break;
	return i;
}

CMD_FN(edit)
{
	const char *usage = cmd_applicant_usage("edit", "APP", 1);
	const char *given[APPLICANT_NFIELDS];
	struct sbuf changed = SBUF_INIT;
	struct app_handle h;
	struct ceh_err e;
	int i, n, rc;

	if ((rc = cmd_applicant_args(argc, argv, usage, given, &n,
	    NULL)) != CMD_GO)
		return rc;
	if (optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, _("give one application "
		    "id"));
	if (given[field("id")])
		return cmd_usage_error(argv[0], usage, _("the ID number of an "
		    "application cannot change; create a new application"));
	if (n == 0)
		return cmd_usage_error(argv[0], usage, _("nothing to change"));
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (cmd_open_draft(s, argv[optind], &h, &e) < 0)
		goto fail;
	for (i = 0; applicant_fields[i].option; i++) {
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
		if (strcmp(old, applicant_get(&h.app.a, opt)) != 0) {
			sb_addf(&changed, "%s%s", changed.len ? "," : "", opt);
			app_note_change(&h.app, opt, old,
			    applicant_get(&h.app.a, opt));
		}
		free(old);
	}
	if (given[field("unit")] && cmd_employer(s, h.app.a.unit, &e) < 0)
		goto fail;
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
