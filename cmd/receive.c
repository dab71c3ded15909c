/*
 * ceh receive - merge a bundle from another site (ceh-receive(1),
 * ceh-exchange(7)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exchange.h"
#include "i18n.h"

static const char usage[] =
    "usage: ceh receive FILE\n";

static void
line(void *arg, const char *msg)
{
	(void)arg;
	printf("%s\n", msg);
}

CMD_FN(receive)
{
	static const struct option opts[] = { CMD_OPT_END };
	struct exch_report r;
	struct site st;
	struct ceh_err e;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1)
		return cmd_opt_other(argv, usage, ch);
	if (optind + 1 != argc)
		return cmd_usage_error("receive", usage, optind < argc ?
		    _("unexpected argument '%s'") : _("missing the bundle's "
		    "FILE%s"), optind < argc ? argv[optind + 1] : "");
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (site_open(s, &st, &e) < 0)
		return cmd_error("receive", &e);
	memset(&r, 0, sizeof(r));
	r.say = line;
	rc = exchange_receive(s, &st, argv[optind], &r, &e);
	site_close(&st);
	if (r.nothing_new)
		fprintf(stderr, _("ceh receive: %s: already received from %s; "
		    "nothing new\n"), argv[optind], r.from);
	else if (r.from[0])
		fprintf(stderr, _("ceh receive: from %s: %ld application(s): "
		    "%ld taken, %ld the same, %ld older, %ld refused, %ld "
		    "diverged\n"), r.from, r.apps, r.taken, r.same, r.older,
		    r.refused, r.diverged);
	if (rc < 0)
		return cmd_error("receive", &e);
	return 0;
}
