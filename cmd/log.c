/* ceh log - the history of an application, oldest first. */
#include <stdio.h>

#include "cmd.h"
#include "table.h"

static const char usage[] =
    "usage: ceh log APP [--format " FMT_LIST_USAGE "] " CMD_OUT_USAGE "\n";

CMD_FN(log)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	enum out_format fmt = FMT_TABLE;
	const char *out = NULL;
	struct app_handle h;
	struct ceh_err e;
	struct table t;
	int ch, rc;

	app_handle_init(&h);
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'f':
			if ((rc = cmd_format(usage, optarg, FMT_LIST,
			    &fmt)) != 0)
				return rc;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if ((rc = cmd_output_check(usage, fmt, out)) != CMD_GO ||
	    (rc = cmd_ready(s, argc, argv, usage, 1)) != CMD_GO)
		return rc;
	if (app_open(s, argv[optind], 0, &h, &e) < 0) {
		app_close(&h);
		return cmd_error(argv[0], &e);
	}
	cmd_history_table(&t, s, &h.app);
	rc = cmd_table_out(&t, fmt, out);
	table_free(&t);
	app_close(&h);
	return rc;
}
