/*
 * ceh send - write a bundle for another site, or list what is in
 * transit (ceh-send(1), ceh-exchange(7)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exchange.h"
#include "i18n.h"

static const char usage[] =
    "usage: ceh send --to UNIT -o FILE [--full] [--key FILE]\n"
    "       ceh send --status [--format text|tsv|csv|json]\n";

/* send --status as a table: the keys are stable (ceh-send(1)) */
static const struct column status_cols[] = {
	{ "status", "status", COL_TEXT },
	{ "site", "site", COL_TEXT },
	{ "unit", "unit", COL_UNIT_CODE },
	{ "applications", "applications", COL_INT },
	{ "acknowledged", "acknowledged", COL_TEXT },
	{ "application", "application", COL_TEXT },
	{ "employer", "employer", COL_UNIT_CODE },
	{ "reason", "reason", COL_TEXT },
};

static void
status_row(void *arg, const struct exch_status_row *r)
{
	struct table *t = arg;
	char n[32];
	const char *row[8];

	snprintf(n, sizeof(n), "%ld", r->apps);
	row[0] = r->status;
	row[1] = r->site;
	row[2] = r->unit;
	/* machine */
	row[3] = strcmp(r->status, "in-transit") == 0 ? n : "";
	row[4] = r->acked;
	row[5] = r->app;
	row[6] = r->employer;
	row[7] = r->reason;
	table_add(t, row);
}

static void
line(void *arg, const char *msg)
{
	(void)arg;
	printf("%s\n", msg);
}

CMD_FN(send)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "full", no_argument, NULL, 'F' },
		{ "status", no_argument, NULL, 'S' },
		{ "key", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		CMD_OPT_END
	};
	const char *to = NULL, *out = NULL, *key = NULL, *fmt_s = NULL;
	enum out_format fmt = FMT_TEXT;
	struct table t;
	int ch, rc, full = 0, status = 0;
	struct exch_report r;
	struct site st;
	struct ceh_err e;

	while ((ch = cmd_getopt_short(argc, argv, ":ho:", opts)) != -1) {
		switch (ch) {
		case 't': to = optarg; break;
		case 'o': out = optarg; break;
		case 'F': full = 1; break;
		case 'S': status = 1; break;
		case 'k': key = optarg; break;
		case 'f': fmt_s = optarg; break;
		default: return cmd_opt_other(argv, usage, ch);
		}
	}
	if (status && (to || out || full || key))
		return cmd_usage_error("send", usage, _("--status takes no "
		    "other option"));
	if (fmt_s && !status)
		return cmd_usage_error("send", usage, _("--format goes with "
		    "--status"));
	if (fmt_s && (rc = cmd_format(usage, fmt_s, FMT_BIT(FMT_TEXT) |
	    FMT_BIT(FMT_TSV) | FMT_BIT(FMT_CSV) | FMT_BIT(FMT_JSON),
	    &fmt)) != 0)
		return rc;
	if (!status && (!to || !out))
		return cmd_usage_error("send", usage, _("give --to UNIT and "
		    "-o FILE"));
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO ||
	    (rc = cmd_setup(s)) != 0)
		return rc;
	if (site_open(s, &st, &e) < 0)
		return cmd_error("send", &e);
	memset(&r, 0, sizeof(r));
	r.say = line;
	table_init(&t, status_cols, sizeof(status_cols) /
	    sizeof(status_cols[0]), &s->units);
	if (status && fmt != FMT_TEXT) {
		r.row = status_row;
		r.arg = &t;
	}
	if (status)
		rc = exchange_status(s, &st, &r, &e);
	else
		rc = exchange_send(s, &st, to, out, full, key, &r, &e);
	site_close(&st);
	if (rc < 0) {
		table_free(&t);
		return cmd_error("send", &e);
	}
	if (status) {
		rc = fmt == FMT_TEXT ? 0 : cmd_table_out(&t, fmt, NULL);
		table_free(&t);
		return rc;
	}
	table_free(&t);
	if (r.nothing_new)
		fprintf(stderr, _("ceh send: nothing new for %s since what it "
		    "acknowledged; no file written (--full sends everything "
		    "again)\n"), to);
	else
		fprintf(stderr, Q_("ceh send: %ld application to %s in %s "
		    "(%s)\n", "ceh send: %ld applications to %s in %s (%s)\n",
		    r.apps), r.apps, to, out, r.full ? _("full") :
		    _("since what it acknowledged"));
	return 0;
}
