/*
 * ceh site - make a store a site of the offline exchange, show it, and
 * resolve a diverged application (ceh-site(1), ceh-exchange(7)).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exchange.h"
#include "i18n.h"
#include "key.h"
#include "site.h"
#include "trust.h"
#include "util.h"

static const char usage[] =
    "usage: ceh site init NAME [--trust FILE]\n"
    "       ceh site show\n"
    "       ceh site resolve APP --keep-ours|--take-theirs\n";

static int
site_init_cmd(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		CMD_OPT_END
	};
	struct ceh_err e;
	struct lock lk = { -1 };
	struct ceh_key k;
	const char *trust = NULL;
	char *buf = NULL, *line = NULL;
	size_t len;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch == 't') {
			trust = optarg;
			continue;
		}
		return cmd_opt_other(argv, usage, ch);
	}
	if (optind + 1 != argc)
		return cmd_usage_error("site", usage, optind < argc ?
		    _("unexpected argument '%s'") : _("missing the site's "
		    "NAME%s"), optind < argc ? argv[optind + 1] : "");
	/* --trust FILE: the agency's public key, for a site that is not
	 * the agency's own (as ceh init --site NAME --trust FILE) */
	if (trust) {
		if (read_file_at(AT_FDCWD, trust, 1 << 16, &buf, &len, &e) < 0) {
			ceh_err_prefix(&e, _("cannot read '%s'"), trust);
			return cmd_error("site", &e);
		}
		rc = key_public_parse("--trust", buf, &k, &e);
		free(buf);
		if (rc < 0)
			return cmd_error("site", &e);
		line = key_public_line(&k);
	}
	if ((rc = cmd_setup(s)) != 0) {
		free(line);
		return rc;
	}
	if (store_lock(s, &lk, &e) < 0) {
		free(line);
		return cmd_error("site", &e);
	}
	rc = site_init(s, argv[optind], line, &e);
	lock_release(&lk);
	free(line);
	if (rc < 0)
		return cmd_error("site", &e);
	printf("%s\n", argv[optind]);
	return 0;
}

static int
site_show_cmd(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = { CMD_OPT_END };
	struct site st;
	struct ceh_err e;
	struct sbuf refs = SBUF_INIT;
	char hash[SHA256_HEX_LEN + 1], fp[KEY_FP_LEN + 1];
	uint8_t pub[32];
	int ch, rc;
	char *p;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1)
		return cmd_opt_other(argv, usage, ch);
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO ||
	    (rc = cmd_setup(s)) != 0)
		return rc;
	if (site_open(s, &st, &e) < 0)
		return cmd_error("site", &e);
	/* machine: the keys of the lines are for scripts */
	printf("name\t%s\n", st.name);
	if (site_anchor(s, &st, pub, hash, &e) == 0) {
		key_fingerprint(pub, fp);
		/* machine */
		printf("anchor\t%s\n", fp);
	} else
		/* machine */
		printf("anchor\t-\n");
	if (site_refs(&st, "refs/", &refs, &e) < 0) {
		site_close(&st);
		return cmd_error("site", &e);
	}
	for (p = refs.buf; p && *p; ) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (strlen(p) > 41 && strncmp(p + 41, "refs/heads/to/", 14) == 0)
			/* machine */
			printf("sent\t%s\t%.12s\n", p + 55, p);
		else if (strlen(p) > 41 && strncmp(p + 41, "refs/acked/", 11)
		    == 0)
			/* machine */
			printf("acknowledged\t%s\t%.12s\n", p + 52, p);
		else if (strlen(p) > 41 && strncmp(p + 41, "refs/in/", 8) == 0)
			/* machine */
			printf("received\t%s\t%.12s\n", p + 49, p);
		p = nl ? nl + 1 : NULL;
	}
	sb_release(&refs);
	site_close(&st);
	return 0;
}

static int
site_resolve_cmd(int argc, char **argv, struct store *s)
{
	static const struct option opts[] = {
		{ "keep-ours", no_argument, NULL, 'o' },
		{ "take-theirs", no_argument, NULL, 't' },
		CMD_OPT_END
	};
	struct site st;
	struct ceh_err e;
	int ch, rc, how = -1;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch == 'o' || ch == 't') {
			if (how >= 0 && how != (ch == 't'))
				return cmd_usage_error("site", usage,
				    _("--keep-ours and --take-theirs exclude "
				    "each other"));
			how = ch == 't';
			continue;
		}
		return cmd_opt_other(argv, usage, ch);
	}
	if (how < 0)
		return cmd_usage_error("site", usage, _("say --keep-ours or "
		    "--take-theirs"));
	if ((rc = cmd_ready(s, argc, argv, usage, 1)) != CMD_GO)
		return rc;
	if ((rc = store_load_units(s, &e)) < 0 || site_open(s, &st, &e) < 0)
		return cmd_error("site", &e);
	rc = exchange_resolve(s, &st, argv[optind], how, &e);
	site_close(&st);
	if (rc < 0)
		return cmd_error("site", &e);
	/* machine */
	printf("%s\t%s\n", argv[optind], how ? "took-theirs" : "kept-ours");
	return 0;
}

CMD_FN(site)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cmd_help(usage);
	if (argc < 2)
		return cmd_usage_error("site", usage, _("missing subcommand "
		    "(init, show or resolve)"));
	if (strcmp(argv[1], "init") == 0)
		return site_init_cmd(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "show") == 0)
		return site_show_cmd(argc - 1, argv + 1, s);
	if (strcmp(argv[1], "resolve") == 0)
		return site_resolve_cmd(argc - 1, argv + 1, s);
	return cmd_usage_error("site", usage, _("unknown subcommand '%s'"),
	    argv[1]);
}
