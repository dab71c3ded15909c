/*
 * ceh key - make and show a unit's signing key.  Needs no store: the
 * private key lives in the user's key folder (or --key FILE), never in a
 * store; see ceh-key(1) and ceh-trust(7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "key.h"
#include "validate.h"

static const char usage[] =
    "usage: ceh key generate --unit CODE [--key FILE]\n"
    "       ceh key show [--unit CODE] [--key FILE]\n";

struct key_args {
	char unit[CREDIT_LEN + 1];	/* "" when not given */
	const char *file;		/* --key, or NULL */
};

/* Parse the options of a subcommand (argv[0] is its name); returns -1
 * after cmd_help, or an exit code > 0, or 0 to go on. */
static int
parse(int argc, char **argv, struct key_args *a, int *rc)
{
	static const struct option opts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "key", required_argument, NULL, 'k' },
		CMD_OPT_END
	};
	struct ceh_err e;
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'u':
			if (credit_check("--unit", optarg, a->unit, &e) < 0)
				return *rc = cmd_error("key", &e), -1;
			break;
		case 'k':
			if (*optarg == '\0')
				return *rc = cmd_usage_error("key", usage,
				    _("--key needs a file name")), -1;
			a->file = optarg;
			break;
		default:
			return *rc = cmd_opt_other(argv, usage, ch), -1;
		}
	}
	if (optind != argc)
		return *rc = cmd_usage_error("key", usage, _("unexpected "
		    "argument '%s'"), argv[optind]), -1;
	return 0;
}

/* The public line and the fingerprint line: what --public-key takes. */
static void
print_public(const struct ceh_key *k)
{
	char fp[KEY_FP_LEN + 1], *line = key_public_line(k);

	key_fingerprint(k->pub, fp);
	printf("%s\nfingerprint %s\n", line, fp); /* machine: the public key lines */
	free(line);
}

static int
generate(const struct key_args *a)
{
	struct ceh_key k;
	struct ceh_err e;
	char *path = NULL;
	int in_keydir, rc = -1;

	if (a->unit[0] == '\0')
		return cmd_usage_error("key", usage, _("generate needs --unit "
		    "CODE"));
	if (key_path(a->file, a->unit, &path, &in_keydir, &e) == 0 &&
	    key_generate(&k, a->unit, &e) == 0) {
		rc = key_file_write(path, &k, in_keydir, &e);
		if (rc == 0)
			print_public(&k);
		key_wipe(&k);
	}
	free(path);
	return rc < 0 ? cmd_error("key", &e) : 0;
}

static int
show(const struct key_args *a)
{
	struct ceh_key k;
	struct ceh_err e;
	char *path = NULL, code[CREDIT_LEN + 1];
	int in_keydir, rc = -1;

	if (key_path(a->file, a->unit[0] ? a->unit : NULL, &path, &in_keydir,
	    &e) < 0)
		return e.code == CEH_EUSAGE ? cmd_usage_error("key", usage,
		    "%s", e.msg) : cmd_error("key", &e);
	if (key_file_read(path, &k, &e) < 0) {
		if (e.code == CEH_ENOTFOUND && in_keydir)
			ceh_fail(&e, CEH_ENOTFOUND, _("no key of unit '%s' in "
			    "the key folder ('%s'); make one with 'ceh key "
			    "generate --unit %s'"), a->unit, path, a->unit);
	} else if (a->unit[0] && credit_check("", k.comment, code, &e) == 0 &&
	    strcmp(code, a->unit) != 0) {
		ceh_fail(&e, CEH_EINPUT, _("key file '%s' is the key of unit "
		    "'%s', not of '%s'"), path, code, a->unit);
	} else {
		print_public(&k);
		rc = 0;
	}
	key_wipe(&k);
	free(path);
	return rc < 0 ? cmd_error("key", &e) : 0;
}

CMD_FN(key)
{
	struct key_args a;
	int rc = 0;

	(void)s;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return cmd_help(usage);
	if (argc < 2 || (strcmp(argv[1], "generate") != 0 &&
	    strcmp(argv[1], "show") != 0))
		return cmd_usage_error("key", usage, argc < 2 ? _("give "
		    "'generate' or 'show'") : _("unknown subcommand '%.40s'"),
		    argv[1]);
	if (parse(argc - 1, argv + 1, &a, &rc) < 0)
		return rc;
	return strcmp(argv[1], "generate") == 0 ? generate(&a) : show(&a);
}
