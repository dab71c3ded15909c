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
    "       ceh send --status\n";

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
		CMD_OPT_END
	};
	const char *to = NULL, *out = NULL, *key = NULL;
	int ch, rc, full = 0, status = 0;
	struct exch_report r;
	struct site st;
	struct ceh_err e;

	while ((ch = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 't': to = optarg; break;
		case 'o': out = optarg; break;
		case 'F': full = 1; break;
		case 'S': status = 1; break;
		case 'k': key = optarg; break;
		default: return cmd_opt_other(argv, usage, ch);
		}
	}
	if (status && (to || out || full || key))
		return cmd_usage_error("send", usage, _("--status takes no "
		    "other option"));
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
	if (status)
		rc = exchange_status(s, &st, &r, &e);
	else
		rc = exchange_send(s, &st, to, out, full, key, &r, &e);
	site_close(&st);
	if (rc < 0)
		return cmd_error("send", &e);
	if (status)
		return 0;
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
