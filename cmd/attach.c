/* ceh attach - add, list, remove and extract attachments (上传附件). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cmd.h"
#include "table.h"

static const char usage[] =
    "usage: ceh attach APP --year YEAR [--name NAME] FILE...\n"
    "       ceh attach APP --list [--year YEAR] [--format " FMT_LIST_USAGE "]\n"
    "                  " CMD_OUT_USAGE "\n"
    "       ceh attach APP --remove --year YEAR NAME\n"
    "       ceh attach APP --extract DIR [--year YEAR]\n";

enum { O_YEAR = 1, O_NAME, O_LIST, O_REMOVE, O_EXTRACT, O_FORMAT };

static void
say_err(void *arg, const char *msg)
{
	fprintf(stderr, "ceh %s: %s\n", (const char *)arg, msg);
}

static void
say_wrote(void *arg, const char *path)
{
	(void)arg;
	printf("%s\n", path);
}

static int
do_list(struct store *s, const char *cmd, const char *id, int year,
    enum out_format f, const char *out)
{
	struct app_handle h;
	struct ceh_err e;
	struct table t;
	int rc;

	if (app_open(s, id, 0, &h, &e) < 0) {
		app_close(&h);
		return cmd_error(cmd, &e);
	}
	cmd_attachments_table(&t, &h.app, year);
	if (year && app_year(&h.app, year) == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, _("application %s has no year %d"),
		    h.app.id, year);
		table_free(&t);
		app_close(&h);
		return cmd_error(cmd, &e);
	}
	rc = cmd_table_out(&t, f, out);
	table_free(&t);
	app_close(&h);
	return rc;
}

static int
do_extract(struct store *s, const char *cmd, const char *id, int year,
    const char *dir)
{
	struct bundle_report rep;
	struct app_handle h;
	struct ceh_err e;
	int dfd, rc;

	if (app_open(s, id, 0, &h, &e) < 0) {
		app_close(&h);
		return cmd_error(cmd, &e);
	}
	if (year && app_year(&h.app, year) == NULL) {
		ceh_fail(&e, CEH_ENOTFOUND, _("application %s has no year %d"),
		    h.app.id, year);
		app_close(&h);
		return cmd_error(cmd, &e);
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		ceh_fail_errno(&e, _("cannot create '%s'"), dir);
		app_close(&h);
		return cmd_error(cmd, &e);
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ceh_fail_errno(&e, _("cannot open directory '%s'"), dir);
		app_close(&h);
		return cmd_error(cmd, &e);
	}
	memset(&rep, 0, sizeof(rep));
	rep.say = say_err;
	rep.wrote = say_wrote;
	rep.arg = (void *)cmd;
	rc = bundle_extract(s, &h.p, &h.app, h.folder, year, dfd, dir, &rep,
	    &e);
	close(dfd);
	if (rc < 0) {
		app_close(&h);
		return cmd_error(cmd, &e);
	}
	if (rep.problems || rep.leftovers) {
		ceh_fail(&e, CEH_EINPUT, _("the attachments of %s are damaged "
		    "or tampered with: %ld not extracted, %ld unlisted "
		    "entries; see 'ceh fsck'"), h.app.id, rep.problems,
		    rep.leftovers);
		app_close(&h);
		return cmd_error(cmd, &e);
	}
	app_close(&h);
	return 0;
}

CMD_FN(attach)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, O_YEAR },
		{ "name", required_argument, NULL, O_NAME },
		{ "list", no_argument, NULL, O_LIST },
		{ "remove", no_argument, NULL, O_REMOVE },
		{ "extract", required_argument, NULL, O_EXTRACT },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	const char *yarg = NULL, *name = NULL, *dir = NULL, *fmt = NULL;
	const char *out = NULL;
	int ch, list = 0, rm = 0, year = 0, nmodes, nops;
	enum out_format f = FMT_TABLE;
	struct bundle_input *in;
	struct app_handle h;
	struct ceh_err e;
	char removed[256];
	const char *id;
	int rc, i;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case O_YEAR:
			yarg = optarg;
			break;
		case O_NAME:
			name = optarg;
			break;
		case O_LIST:
			list = 1;
			break;
		case O_REMOVE:
			rm = 1;
			break;
		case O_EXTRACT:
			dir = optarg;
			break;
		case O_FORMAT:
			fmt = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	nmodes = list + rm + (dir != NULL);
	nops = argc - optind;
	if (nmodes > 1)
		return cmd_usage_error(argv[0], usage, _("give only one of "
		    "--list, --remove and --extract"));
	if (nops < 1)
		return cmd_usage_error(argv[0], usage, _("give an application "
		    "id"));
	id = argv[optind];
	if ((fmt || out) && !list)
		return cmd_usage_error(argv[0], usage, _("%s goes with --list"),
		    fmt ? "--format" : "-o");
	if (name && nmodes)
		return cmd_usage_error(argv[0], usage, _("--name goes with "
		    "adding a file"));
	if (fmt && (rc = cmd_format(usage, fmt, FMT_LIST, &f)) != 0)
		return rc;
	if ((rc = cmd_output_check(usage, f, out)) != CMD_GO)
		return rc;
	if (yarg && year_parse("--year", yarg, &year, &e) < 0)
		return cmd_error(argv[0], &e);
	if (list || dir) {
		if (nops != 1)
			return cmd_usage_error(argv[0], usage, _("unexpected "
			    "operand '%s'"), argv[optind + 1]);
		if ((rc = cmd_setup(s)) != 0)
			return rc;
		return list ? do_list(s, argv[0], id, year, f, out) :
		    do_extract(s, argv[0], id, year, dir);
	}
	if (yarg == NULL)
		return cmd_usage_error(argv[0], usage, _("missing --year"));
	if (rm && nops != 2)
		return cmd_usage_error(argv[0], usage, _("--remove takes one "
		    "attachment NAME"));
	if (!rm && nops < 2)
		return cmd_usage_error(argv[0], usage, _("give a FILE to "
		    "attach"));
	if (name && nops != 2)
		return cmd_usage_error(argv[0], usage, _("--name goes with one "
		    "FILE"));
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (app_open(s, id, 1, &h, &e) < 0)
		goto fail;
	if (rm) {
		if (bundle_remove(s, &h, year, argv[optind + 1], removed,
		    &e) < 0)
			goto fail;
		printf("%s\n", removed);
		app_close(&h);
		return 0;
	}
	in = xcalloc((size_t)nops - 1, sizeof(*in));
	for (i = 1; i < nops; i++) {
		in[i - 1].path = argv[optind + i];
		in[i - 1].name = name;
	}
	rc = bundle_add(s, &h, year, in, (size_t)nops - 1, &e);
	free(in);
	if (rc < 0)
		goto fail;
	{
		const struct year_row *r = app_year(&h.app, year);
		size_t j;

		for (j = r->natt - (size_t)(nops - 1); j < r->natt; j++)
			printf("%s\n", r->att[j].entry);
	}
	app_close(&h);
	return 0;
fail:
	app_close(&h);
	return cmd_error(argv[0], &e);
}
