/* ceh withdraw - take a submitted application back to a draft (撤销). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "workflow.h"

static const char usage[] = "usage: ceh withdraw APP\n";

CMD_FN(withdraw)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct wf_request rq = { WF_WITHDRAW, NULL, NULL, NULL };
	struct app_handle h;
	struct ceh_err e;
	const char *outcome;
	char old[CREDIT_LEN + 1];
	int ch;

	app_handle_init(&h);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cmd_help(usage);
		return cmd_usage_error(argv[0], usage, "unknown option '%s'",
		    argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, "give one application "
		    "id");
	if (store_load_units(s, &e) < 0 ||
	    app_open(s, argv[optind], 1, &h, &e) < 0)
		goto fail;
	snprintf(old, sizeof(old), "%s", h.app.waiting_at);
	if (wf_apply(s, &h.p, &h.app, &rq, &outcome, &e) < 0 ||
	    wf_commit(s, &h, old, &e) < 0)
		goto fail;
	printf("%s\t%s\n", h.app.id, outcome);
	app_close(&h);
	return 0;
fail:
	app_close(&h);
	return cmd_error(argv[0], &e);
}
