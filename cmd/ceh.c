/*
 * ceh - continuing-education hour verification (继续教育学时核认) from the
 * shell.  This file is the dispatcher: global options, the command table,
 * store setup, and the check of stdout at exit.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "store.h"
#include "util.h"
#include "workflow.h"

#ifndef CEH_VERSION
#define CEH_VERSION "0.1"
#endif

#define NEEDS_STORE 1

struct command {
	const char *name;
	int (*fn)(int, char **, struct store *);
	int flags;
	const char *summary;
};

/* Sorted by name; `ceh help` prints it in this order. */
static const struct command commands[] = {
	{ "add-year", cmd_add_year, NEEDS_STORE,
	    "add or replace a year row (申报年度明细) of a draft" },
	{ "apply", cmd_apply, NEEDS_STORE,
	    "create a draft application (新增学时核认申报)" },
	{ "attach", cmd_attach, NEEDS_STORE,
	    "add, list, remove or extract evidence (上传附件)" },
	{ "edit", cmd_edit, NEEDS_STORE,
	    "change the applicant's details of a draft" },
	{ "fsck", cmd_fsck, NEEDS_STORE,
	    "check the store and repair interrupted changes" },
	{ "import", cmd_import, NEEDS_STORE,
	    "import training providers' CSV hour records" },
	{ "init", cmd_init, 0, "create a new store" },
	{ "list", cmd_list, NEEDS_STORE,
	    "list applications, or a unit's review queue" },
	{ "log", cmd_log, NEEDS_STORE, "show the history of an application" },
	{ "print-slip", cmd_print_slip, NEEDS_STORE,
	    "print the hour verification slip (学时认定单)" },
	{ "records", cmd_records, NEEDS_STORE,
	    "list the hours on record for a person" },
	{ "review", cmd_review, NEEDS_STORE,
	    "approve, reject or return applications (审核)" },
	{ "rm-year", cmd_rm_year, NEEDS_STORE,
	    "remove a year row of a draft" },
	{ "shortfall", cmd_shortfall, NEEDS_STORE, "who falls short of the yearly hours, and by how much" },
	{ "show", cmd_show, NEEDS_STORE, "show one application" },
	{ "stats", cmd_stats, NEEDS_STORE, "compliance statistics (达标率) of a unit, region or year" },
	{ "submit", cmd_submit, NEEDS_STORE,
	    "submit a draft for review (提交)" },
	{ "unit", cmd_unit, NEEDS_STORE,
	    "register, list and show units (单位)" },
	{ "verify-slip", cmd_verify_slip, NEEDS_STORE,
	    "check that a slip was issued here and still holds" },
	{ "withdraw", cmd_withdraw, NEEDS_STORE,
	    "take a submitted application back (撤销)" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage[] =
    "usage: ceh [--store DIR] [--wait SECONDS] COMMAND [ARGS...]\n"
    "       ceh --help | --version | help [COMMAND]\n";

const char *ceh_store_path;

const struct option cmd_applicant_options[] = {
	{ "id", required_argument, NULL, 0 },
	{ "name", required_argument, NULL, 1 },
	{ "ethnicity", required_argument, NULL, 2 },
	{ "unit", required_argument, NULL, 3 },
	{ "unit-nature", required_argument, NULL, 4 },
	{ "title-level", required_argument, NULL, 5 },
	{ "phone", required_argument, NULL, 6 },
	{ "education", required_argument, NULL, 7 },
	{ "series", required_argument, NULL, 8 },
	{ "specialty", required_argument, NULL, 9 },
	{ "region", required_argument, NULL, 10 },
	{ "remark", required_argument, NULL, 11 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};
static const char *current_cmd = "ceh";

int
cmd_error(const char *cmd, const struct ceh_err *e)
{
	fprintf(stderr, "ceh %s: %s\n", cmd, e->msg);
	return e->code ? e->code : CEH_ESYS;
}

int
cmd_usage_error(const char *cmd, const char *use, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ceh %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", use);
	return CEH_EUSAGE;
}

int
cmd_help(const char *use)
{
	fputs(use, stdout);
	return CEH_OK;
}

/* The whole of `ceh submit APP` and `ceh withdraw APP`: one application,
 * one transition of lib/workflow.c, "ID<TAB>outcome" on stdout. */
int
cmd_one_transition(int argc, char **argv, struct store *s, const char *use,
    int action)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct wf_request rq = { (enum wf_action)action, NULL, NULL, NULL };
	struct app_handle h;
	struct ceh_err e;
	const char *outcome;
	char old[CREDIT_LEN + 1];
	int ch;

	app_handle_init(&h);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h')
			return cmd_help(use);
		return cmd_usage_error(argv[0], use, "unknown option '%s'",
		    argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return cmd_usage_error(argv[0], use, "give one application "
		    "id");
	if (store_load_units(s, &e) < 0 ||
	    app_open(s, argv[optind], 1, &h, &e) < 0)
		goto fail;
	snprintf(old, sizeof(old), "%s", h.app.waiting_at);
	if (wf_apply(s, &h.p, &h.app, &rq, &outcome, &e) < 0 ||
	    wf_commit(s, &h, old, &e) < 0)
		goto fail;
	printf("%s\t%s\n", h.app.id, outcome);
	app_close(&h);
	return 0;
fail:
	app_close(&h);
	return cmd_error(argv[0], &e);
}

void
cmd_getopt_reset(void)
{
	optind = 0;	/* GNU: full reinitialisation */
	opterr = 0;
}

static void
print_commands(FILE *out)
{
	size_t i;

	fputs(usage, out);
	fputs("\ncommands:\n", out);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name,
		    commands[i].summary);
	fputs("\nThe store is --store DIR, else $CEH_STORE, else "
	    "$XDG_DATA_HOME/ceh (~/.local/share/ceh).\n"
	    "'ceh COMMAND --help' and 'man ceh-COMMAND' describe each "
	    "command.\n", out);
}

/* Levenshtein distance on bytes, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, tmp;
	size_t row[64];

	if (lb >= 64 || la >= 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev : 1 + (prev <
			    row[j] ? (prev < row[j - 1] ? prev : row[j - 1]) :
			    (row[j] < row[j - 1] ? row[j] : row[j - 1]));
			prev = tmp;
		}
	}
	return row[lb];
}

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* R5: a command that succeeded but whose output was lost must fail. */
static int
check_stdout(int rc)
{
	struct stat st;

	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (rc == 0) {
			fprintf(stderr, "ceh %s: cannot write output: %s\n",
			    current_cmd, strerror(errno));
			return CEH_ESYS;
		}
		return rc;
	}
	if (fstat(1, &st) == 0 && (S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode)))
		return rc;
	if (fclose(stdout) != 0 && rc == 0) {
		fprintf(stderr, "ceh %s: cannot write output: %s\n",
		    current_cmd, strerror(errno));
		return CEH_ESYS;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct command *c;
	struct store store, *sp = NULL;
	struct ceh_err e;
	char *path = NULL;
	long wait = 0;
	int ch, rc;

	umask(077);
	{
		/* a batch review keeps many people's folders open */
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	ceh_err_clear(&e);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			ceh_store_path = optarg;
			break;
		case 'w':
			if (parse_long(optarg, &wait) < 0 || wait < 0 ||
			    wait > 86400)
				return cmd_usage_error("", usage, "--wait needs "
				    "a number of seconds, not '%s'", optarg);
			break;
		case 'h':
			print_commands(stdout);
			return check_stdout(0);
		case 'V':
			printf("ceh %s\n", CEH_VERSION);
			return check_stdout(0);
		default:
			fprintf(stderr, "ceh: unknown option '%s'\n%s",
			    argv[optind - 1], usage);
			return CEH_EUSAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		print_commands(stderr);
		return CEH_EUSAGE;
	}
	if (strcmp(argv[0], "help") == 0) {
		if (argc < 2) {
			print_commands(stdout);
			return check_stdout(0);
		}
		c = find_command(argv[1]);
		if (c == NULL) {
			fprintf(stderr, "ceh: unknown command '%s'\n", argv[1]);
			return CEH_EUSAGE;
		}
		current_cmd = c->name;
		argv[0] = (char *)c->name;
		argv[1] = (char *)"--help";
		cmd_getopt_reset();
		return check_stdout(c->fn(2, argv, NULL));
	}
	c = find_command(argv[0]);
	if (c == NULL) {
		const struct command *best = NULL;
		size_t i, d, bestd = 3;

		for (i = 0; i < NCOMMANDS; i++)
			if ((d = distance(argv[0], commands[i].name)) < bestd)
				bestd = d, best = &commands[i];
		fprintf(stderr, "ceh: unknown command '%.60s'", argv[0]);
		if (best)
			fprintf(stderr, "; did you mean '%s'?", best->name);
		fprintf(stderr, "\nrun 'ceh help' for the list of commands\n");
		return CEH_EUSAGE;
	}
	current_cmd = c->name;
	cmd_getopt_reset();
	if (c->flags & NEEDS_STORE) {
		int i, help = 0;

		/* --help must work without a store */
		for (i = 1; i < argc; i++) {
			if (strcmp(argv[i], "--") == 0)
				break;
			if (strcmp(argv[i], "--help") == 0 ||
			    strcmp(argv[i], "-h") == 0)
				help = 1;
		}
		if (!help) {
			path = ceh_store_path ? strdup(ceh_store_path) :
			    store_default_path();
			if (path == NULL || store_open(&store, path, &e) < 0) {
				free(path);
				return cmd_error(c->name, &e);
			}
			free(path);
			store.wait_secs = (int)wait;
			sp = &store;
		}
	}
	rc = c->fn(argc, argv, sp);
	if (sp)
		store_close(sp);
	return check_stdout(rc);
}
