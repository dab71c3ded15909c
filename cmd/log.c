/* ceh log - the history of an application, oldest first. */
#include <stdio.h>

#include "cmd.h"
#include "table.h"

static const char usage[] =
    "usage: ceh log APP [--format table|tsv|csv|json]\n";

#define NCOLS 7
static const char *keys[NCOLS] = { "at", "event", "by", "unit", "next",
    "reason", "detail" };
static const char *labels[NCOLS] = { "时间", "事件", "操作人", "单位",
    "下一级", "原因", "说明" };

CMD_FN(log)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum out_format fmt = FMT_TABLE;
	struct app_handle h;
	struct ceh_err e;
	struct table t;
	size_t i;
	int ch;

	app_handle_init(&h);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (format_parse(optarg, 1 << FMT_TABLE | 1 << FMT_TSV |
			    1 << FMT_CSV | 1 << FMT_JSON, &fmt) < 0)
				return cmd_usage_error(argv[0], usage, "unknown "
				    "--format '%s'", optarg);
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_usage_error(argv[0], usage, "unknown option "
			    "'%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, "give one application "
		    "id");
	if (app_open(s, argv[optind], 0, &h, &e) < 0) {
		app_close(&h);
		return cmd_error(argv[0], &e);
	}
	table_init(&t, NCOLS, keys, labels);
	for (i = 0; i < h.app.nhistory; i++) {
		const struct event *ev = &h.app.history[i];
		const char *row[NCOLS] = { ev->at, ev->what, ev->by, ev->unit,
		    ev->next, ev->reason, ev->detail };

		table_add(&t, row);
	}
	table_print(&t, fmt, stdout);
	table_free(&t);
	app_close(&h);
	return 0;
}
