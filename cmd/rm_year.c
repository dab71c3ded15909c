/* ceh rm-year - remove a year row of a draft (删除). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

static const char usage[] = "usage: ceh rm-year APP --year YEAR\n";

CMD_FN(rm_year)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, 'y' },
		CMD_OPT_END
	};
	const char *ys = NULL;
	struct year_row *row;
	struct app_handle h;
	struct ceh_err e;
	long year;
	int ch, rc;

	app_handle_init(&h);
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch == 'h')
			return cmd_help(usage);
		if (ch != 'y')
			return cmd_opt_other(argv, usage, ch);
		ys = optarg;
	}
	if (optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, _("give one application "
		    "id"));
	if (ys == NULL)
		return cmd_usage_error(argv[0], usage, _("missing --year"));
	if (parse_long(ys, &year) < 0 || year < 1000 || year > 9999)
		return cmd_usage_error(argv[0], usage, _("--year needs a "
		    "four-digit year, not '%s'"), ys);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (cmd_open_draft(s, argv[optind], &h, &e) < 0)
		goto fail;
	row = app_year(&h.app, (int)year);
	if (row == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, _("application %s has no year %ld"),
		    h.app.id, year);
		goto fail;
	}
	if (row->natt > 0) {
		ceh_fail(&e, CEH_ESTATE, _("year %ld of %s has %zu attachment(s); "
		    "remove them first with 'ceh attach --remove'"), year,
		    h.app.id, row->natt);
		goto fail;
	}
	app_remove_year(&h.app, (int)year);
	app_add_event(&h.app, "year-removed", NULL, NULL, NULL, ys);
	if (app_save(s, &h, &e) < 0)
		goto fail;
	printf("%s\n", h.app.id);
	app_close(&h);
	return 0;
fail:
	app_close(&h);
	return cmd_error(argv[0], &e);
}
