/* ceh init - create a new store. */
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"
#include "key.h"
#include "site.h"

static const char usage[] =
    "usage: ceh [--store DIR] init [--signed | --unsigned]\n"
    "       ceh [--store DIR] init --site NAME [--trust FILE]\n";

/* --site NAME [--trust FILE]: the new store is a site of the exchange
 * (ceh-site(1)); FILE is the agency's public key for a site that is not
 * the agency's own. */
static int
init_site(const char *path, const char *name, const char *trust,
    struct ceh_err *e)
{
	struct store st;
	struct lock lk = { -1 };
	struct ceh_key k;
	char *buf = NULL, *line = NULL;
	size_t len;
	int rc = -1;

	if (trust) {
		if (read_file_at(AT_FDCWD, trust, 1 << 16, &buf, &len, e) < 0) {
			ceh_err_prefix(e, _("cannot read '%s'"), trust);
			return -1;
		}
		rc = key_public_parse("--trust", buf, &k, e);
		free(buf);
		if (rc < 0)
			return -1;
		line = key_public_line(&k);
		rc = -1;
	}
	memset(&st, 0, sizeof(st));
	if (store_open(&st, path, e) < 0) {
		free(line);
		return -1;
	}
	if (store_lock(&st, &lk, e) == 0) {
		rc = site_init(&st, name, line, e);
		lock_release(&lk);
	}
	store_close(&st);
	free(line);
	return rc;
}

CMD_FN(init)
{
	static const struct option opts[] = {
		{ "signed", no_argument, NULL, 'S' },
		{ "unsigned", no_argument, NULL, 'u' },
		{ "site", required_argument, NULL, 's' },
		{ "trust", required_argument, NULL, 't' },
		CMD_OPT_END
	};
	struct ceh_err e;
	char *path, *data;
	/* secure by default (ceh-trust(7)): signed unless --unsigned */
	int ch, rc, unsigned_store = 0, gave_unsigned = 0;
	const char *site = NULL, *trust = NULL;

	(void)s;
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch == 'u' || ch == 'S') {
			unsigned_store = ch == 'u';
			gave_unsigned |= ch == 'u';
			continue;
		}
		if (ch == 's' || ch == 't') {
			*(ch == 's' ? &site : &trust) = optarg;
			continue;
		}
		return cmd_opt_other(argv, usage, ch);
	}
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO)
		return rc;
	if (trust && !site)
		return cmd_usage_error("init", usage, _("--trust goes with "
		    "--site NAME"));
	if (site && gave_unsigned)
		return cmd_usage_error("init", usage, _("a site is signed: "
		    "--site and --unsigned exclude each other"));
	if (site)
		unsigned_store = 0;
	path = ceh_store_path ? xstrdup(ceh_store_path) : store_default_path();
	data = store_data_dir();
	rc = store_init(path, data, unsigned_store, &e);
	if (rc == 0 && site)
		rc = init_site(path, site, trust, &e);
	if (rc == 0)
		printf("%s\n", path);
	free(path);
	free(data);
	return rc < 0 ? cmd_error(argv[0], &e) : 0;
}
