/*
 * ceh migrate - upgrade a store made before trust (ceh-trust(7),
 * UPGRADE): chain every history and, with --as, make the store signed,
 * the agency's signed "upgraded" event vouching for each application as
 * it is found.  Idempotent; every application goes through the one
 * commit path (app_commit) under its person's lock, so an interrupted
 * run is finished by running it again.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "key.h"
#include "trust.h"

static const char usage[] =
    "usage: ceh migrate [--as AGENCY [--key FILE] [--public-key KEY]]\n";

struct mig {
	struct store *s;
	const char *as;
	const struct ceh_key *signer;
	long apps, upgraded, problems;
};

/* One document of a locked person. */
static int
mig_doc(struct person *p, enum stage folder, const char *uniq, void *arg)
{
	struct mig *m = arg;
	struct application app;
	struct ceh_err e;
	int rc;

	if (app_read(m->s, p, folder, uniq, &app, &e) < 0) {
		printf("%s\n", e.msg);
		m->problems++;
		return 0;
	}
	m->apps++;
	rc = trust_upgrade_app(m->s, &app, m->as, m->signer, &e);
	if (rc > 0)
		rc = app_commit(m->s, p, &app, folder, &e) < 0 ? -1 : 1;
	if (rc < 0) {
		printf(_("%s: not upgraded: %s\n"), app.id, e.msg);
		m->problems++;
	} else if (rc > 0) {
		printf("%s\tupgraded\n", app.id); /* machine: outcome column */
		m->upgraded++;
	}
	app_release(&app);
	return 0;
}

static int
mig_person(struct store *s, struct person *p, const struct ceh_err *err,
    void *arg)
{
	struct mig *m = arg;
	struct ceh_err e;
	int i;

	if (p == NULL) {
		printf("%s\n", err->msg);
		m->problems++;
		return 0;
	}
	if (person_lock(s, p, &e) < 0) {
		printf(_("%s: not upgraded: %s\n"), p->dir, e.msg);
		m->problems++;
		return 0;
	}
	for (i = 0; i < STAGE__COUNT; i++)
		if (folder_docs(p, (enum stage)i, mig_doc, m, &e) < 0) {
			printf("%s\n", e.msg);
			m->problems++;
		}
	return 0;
}

/* With --as: the anchor (if --public-key), the agency's key, then
 * "trust: signed", all under the store lock, before any application. */
static int
mig_sign(struct store *s, const char *as, const char *keyfile,
    const char *pubtext, struct ceh_key *signer, struct ceh_err *e)
{
	const struct unit *u = units_find(&s->units, as);
	struct ceh_key pub;
	struct lock lk;
	int rc = -1;

	if (u == NULL || u->kind != UNIT_AGENCY)
		return ceh_fail(e, CEH_EINPUT, _("--as %s is not a registered "
		    "agency"), as);
	if (store_lock(s, &lk, e) < 0)
		return -1;
	if (pubtext && trust_anchor_unit(s)[0] == '\0' &&
	    (key_public_parse("--public-key", pubtext, &pub, e) < 0 ||
	    trust_certify(s, as, UNIT_AGENCY, pub.pub, NULL, NULL, e) < 0))
		goto out;
	if (trust_signer(s, as, keyfile, signer, e) < 0)
		goto out;
	rc = trust_signed(s) ? 0 : trust_set_signed(s, e);
out:
	lock_release(&lk);
	return rc;
}

CMD_FN(migrate)
{
	static const struct option opts[] = {
		{ "as", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "public-key", required_argument, NULL, 'K' },
		CMD_OPT_END
	};
	const char *as_arg = NULL, *keyfile = NULL, *pubtext = NULL;
	char as[CREDIT_LEN + 1];
	struct ceh_key signer;
	struct mig m;
	struct ceh_err e;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'a': as_arg = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'K': pubtext = optarg; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (as_arg == NULL && (keyfile || pubtext))
		return cmd_usage_error(argv[0], usage, _("--key and --public-key "
		    "go with --as AGENCY"));
	if (as_arg && credit_check("--as", as_arg, as, &e) < 0)
		return cmd_error(argv[0], &e);
	if ((rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO)
		return rc;
	memset(&m, 0, sizeof(m));
	memset(&signer, 0, sizeof(signer));
	m.s = s;
	if (as_arg) {
		if (mig_sign(s, as, keyfile, pubtext, &signer, &e) < 0)
			return cmd_error(argv[0], &e);
		m.as = as;
		m.signer = &signer;
	} else if (trust_signed(s)) {
		ceh_fail(&e, CEH_EUSAGE, _("the store is signed: upgrade it with "
		    "--as AGENCY"));
		return cmd_error(argv[0], &e);
	}
	if (store_people(s, mig_person, &m, &e) < 0) {
		printf("%s\n", e.msg);
		m.problems++;
	}
	key_wipe(&signer);
	fflush(stdout);
	fprintf(stderr, _("ceh migrate: %ld application(s), %ld upgraded, %ld "
	    "problem(s)%s\n"), m.apps, m.upgraded, m.problems, as_arg ? "" :
	    _("; the store stays unsigned (--as AGENCY makes it signed)"));
	return m.problems ? CEH_EINPUT : 0;
}
