/*
 * ceh review - decide on applications waiting at a unit (审核, 批量审核):
 * approve (forward to the next level, or final at the agency), reject or
 * return; take back a decision nobody acted on (--undo) or revoke a final
 * approval (--revoke).  The decisions themselves are lib/workflow.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "progress.h"
#include "key.h"
#include "trust.h"
#include "workflow.h"

static const char usage[] =
    "usage: ceh review --as UNIT [--key FILE] --approve [--next UNIT|agency]\n"
    "                  APP...|-\n"
    "       ceh review --as UNIT [--key FILE] --reject --reason TEXT APP...|-\n"
    "       ceh review --as UNIT [--key FILE] --return --reason TEXT APP...|-\n"
    "       ceh review --as UNIT [--key FILE] --undo [--reason TEXT] APP...|-\n"
    "       ceh review --as AGENCY [--key FILE] --revoke --reason TEXT "
    "APP...|-\n";

struct tally {
	size_t ok, failed;
	int worst;
	struct progress pr;	/* done of all, on a terminal */
};

static void
report(void *arg, const struct wf_item *it)
{
	struct tally *t = arg;

	progress_clear(&t->pr);
	if (it->code == 0) {
		printf("%s\t%s\n", it->id, it->msg);
		t->ok++;
	} else {
		printf("%s\terror %d: %s\n", it->id, it->code, it->msg); /* machine: outcome column */
		if (cmd_list_error())	/* --max-errors */
			fprintf(stderr, "ceh review: %s\n", it->msg); /* machine: a prefix, no words */
		t->failed++;
		if (it->code > t->worst)
			t->worst = it->code;
	}
	progress_step(&t->pr, (long)(t->ok + t->failed));
}

CMD_FN(review)
{
	static const struct option opts[] = {
		{ "approve", no_argument, NULL, 'A' },
		{ "as", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "next", required_argument, NULL, 'n' },
		{ "reason", required_argument, NULL, 'r' },
		{ "reject", no_argument, NULL, 'J' },
		{ "return", no_argument, NULL, 'R' },
		{ "revoke", no_argument, NULL, 'V' },
		{ "undo", no_argument, NULL, 'U' },
		CMD_OPT_END
	};
	struct wf_request rq = { WF_APPROVE, NULL, NULL, NULL, NULL };
	char as[CREDIT_LEN + 1], next[CREDIT_LEN + 1];
	const char *as_arg = NULL, *keyopt = NULL;
	struct ceh_key key;
	struct tally t;
	struct wf_item *items;
	struct ceh_err e;
	char **ids = NULL;
	size_t n = 0, i;
	int ch, nact = 0, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'A':
			rq.action = WF_APPROVE;
			nact++;
			break;
		case 'J':
			rq.action = WF_REJECT;
			nact++;
			break;
		case 'R':
			rq.action = WF_RETURN;
			nact++;
			break;
		case 'U':
			rq.action = WF_UNDO;
			nact++;
			break;
		case 'V':
			rq.action = WF_REVOKE;
			nact++;
			break;
		case 'a':
			as_arg = optarg;
			break;
		case 'k':
			keyopt = optarg;
			break;
		case 'n':
			rq.next = optarg;
			break;
		case 'r':
			rq.reason = optarg;
			break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (as_arg == NULL)
		return cmd_usage_error(argv[0], usage, _("missing --as UNIT (the "
		    "reviewing unit)"));
	if (nact != 1)
		return cmd_usage_error(argv[0], usage, _("give exactly one of "
		    "--approve, --reject, --return, --undo and --revoke"));
	if (rq.next && rq.action != WF_APPROVE)
		return cmd_usage_error(argv[0], usage, _("--next goes with "
		    "--approve only"));
	if (rq.action != WF_APPROVE && rq.action != WF_UNDO &&
	    (rq.reason == NULL || !rq.reason[0]))
		return cmd_usage_error(argv[0], usage, _("--%s needs --reason "
		    "TEXT"), rq.action == WF_REJECT ? "reject" :
		    rq.action == WF_REVOKE ? "revoke" : "return");
	if (optind == argc)
		return cmd_usage_error(argv[0], usage, _("give application ids, "
		    "or - to read them from standard input"));
	if (credit_check("--as", as_arg, as, &e) < 0)
		return cmd_error(argv[0], &e);
	rq.as = as;
	if ((rc = cmd_setup(s)) != 0)
		return rc;

	if (units_find(&s->units, as) == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, _("--as %s is not a registered unit"),
		    as);
		return cmd_error(argv[0], &e);
	}
	/* --next is checked here once, not once per application */
	if (rq.next && strcmp(rq.next, "agency") != 0) {
		if (credit_check("--next", rq.next, next, &e) < 0)
			return cmd_error(argv[0], &e);
		if (units_find(&s->units, next) == NULL) {
			ceh_fail(&e, CEH_ENOTFOUND, _("--next %s is not a "
			    "registered unit"), next);
			return cmd_error(argv[0], &e);
		}
		rq.next = next;
	}
	memset(&key, 0, sizeof(key));
	memset(&t, 0, sizeof(t));
	if (trust_signed(s)) {
		/* trust.log's signatures verified once, not per batch */
		trust_registry_cache(s);
		if (trust_signer(s, as, keyopt, &key, &e) < 0)
			return cmd_error(argv[0], &e);
		rq.key = &key;
	}
	if (cmd_read_ids(argc, argv, &ids, &n, &e) < 0) {
		cmd_free_ids(ids, n);
		key_wipe(&key);
		return cmd_error(argv[0], &e);
	}
	if (n == 0) {
		key_wipe(&key);
		free(ids);
		fprintf(stderr, _("ceh review: no application ids on standard "
		    "input\n"));
		return CEH_OK;
	}
	items = xreallocarray(NULL, n, sizeof(*items));
	for (i = 0; i < n; i++) {
		items[i].id = ids[i];
		items[i].code = 0;
		items[i].msg[0] = '\0';
	}
	/* TRANSLATORS: the progress line of a batch review */
	progress_begin(&t.pr, "review", _("decided"), _("applications"),
	    (long)n);
	rc = wf_batch(s, &rq, items, n, report, &t, &e);
	progress_end(&t.pr);
	key_wipe(&key);
	cmd_free_ids(ids, n);
	free(items);
	if (rc < 0)
		return cmd_error(argv[0], &e);
	cmd_errors_unlisted(argv[0]);
	if (n > 1)
		fprintf(stderr, _("ceh review: %zu of %zu done, %zu failed\n"),
		    t.ok, n, t.failed);
	return t.worst;
}
