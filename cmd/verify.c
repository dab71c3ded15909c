/*
 * ceh verify - check one application's chain and signatures and say who
 * signed what (ceh-trust(7)).  Reads only; lib/trust.c does the check.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "trust.h"

static const char usage[] = "usage: ceh verify APP\n";

static void
row(void *arg, size_t i, const char *status, const char *fp)
{
	const struct application *app = arg;
	const struct event *ev = &app->history[i];

	printf("%zu\t%s\t%s\t%s\t%s%s%s\n", i, ev->at, ev->what,
	    ev->unit[0] ? ev->unit : "-", status, fp[0] ? " " : "", fp);
}

CMD_FN(verify)
{
	static const struct option opts[] = {
		CMD_OPT_END
	};
	struct app_handle h;
	struct ceh_err e;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1)
		return cmd_opt_other(argv, usage, ch);
	if ((rc = cmd_ready(s, argc, argv, usage, 1)) != CMD_GO)
		return rc;
	if (app_open(s, argv[optind], 0, &h, &e) < 0) {
		app_close(&h);
		return cmd_error(argv[0], &e);
	}
	if (trust_app_check(s, &h.app, row, &h.app, &e) < 0) {
		e.code = CEH_EINPUT;
		app_close(&h);
		return cmd_error(argv[0], &e);
	}
	printf("%s\tverified%s\n", h.app.id, trust_signed(s) ? "" : /* machine: the verdict column */
	    " (unsigned store: its decisions are unsigned)");
	app_close(&h);
	return 0;
}
