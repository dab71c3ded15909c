/*
 * ceh - continuing-education hour verification (继续教育学时核认) from the
 * shell.  This file is the dispatcher: global options, the command table
 * with what each command needs set up (cmd.h: the command parses its
 * options, then cmd_setup opens the store by these flags), and the check
 * of stdout at exit.  The shared skeleton is in common.c.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "i18n.h"
#include "err.h"
#include "store.h"
#include "util.h"

#ifndef CEH_VERSION
#define CEH_VERSION "0.1"
#endif

/* Sorted by name; `ceh help` prints it in this order. */
static const struct command commands[] = {
	{ "add-year", cmd_add_year, CMD_STORE | CMD_WRITES,
	    N_("add or replace a year row (申报年度明细) of a draft") },
	{ "apply", cmd_apply, CMD_UNITS | CMD_WRITES,
	    N_("create a draft application (新增学时核认申报)") },
	{ "attach", cmd_attach, CMD_STORE | CMD_WRITES,
	    N_("add, list, remove or extract evidence (上传附件)") },
	{ "edit", cmd_edit, CMD_UNITS | CMD_WRITES,
	    N_("change the applicant's details of a draft") },
	{ "fsck", cmd_fsck, CMD_UNITS | CMD_WRITES,
	    N_("check the store and repair interrupted changes") },
	{ "import", cmd_import, CMD_STORE | CMD_WRITES,
	    N_("import training providers' CSV hour records") },
	{ "init", cmd_init, 0, N_("create a new store") },
	{ "key", cmd_key, 0, N_("make and show a unit's signing key (密钥)") },
	{ "list", cmd_list, CMD_UNITS,
	    N_("list applications, or a unit's review queue") },
	{ "log", cmd_log, CMD_UNITS, N_("show the history of an application") },
	{ "migrate", cmd_migrate, CMD_UNITS | CMD_WRITES,
	    N_("upgrade a store made before trust: chain and sign histories") },
	{ "print-slip", cmd_print_slip, CMD_STORE,
	    N_("print the hour verification slip (学时认定单)") },
	{ "receive", cmd_receive, CMD_UNITS | CMD_WRITES,
	    N_("merge a bundle from another site (交换)") },
	{ "records", cmd_records, CMD_STORE,
	    N_("list the hours on record for a person") },
	{ "review", cmd_review, CMD_UNITS | CMD_WRITES,
	    N_("approve, reject or return applications (审核)") },
	{ "rm-year", cmd_rm_year, CMD_STORE | CMD_WRITES,
	    N_("remove a year row of a draft") },
	{ "send", cmd_send, CMD_UNITS | CMD_WRITES,
	    N_("write a bundle for another site, or list what is in transit") },
	{ "shortfall", cmd_shortfall, CMD_UNITS,
	    N_("who falls short of the yearly hours, and by how much") },
	{ "show", cmd_show, CMD_UNITS, N_("show one application") },
	{ "site", cmd_site, CMD_STORE | CMD_WRITES,
	    N_("make the store a site of the offline exchange, show it") },
	{ "slips", cmd_slips, CMD_UNITS,
	    N_("list the slips issued to a person, and how each stands") },
	{ "stats", cmd_stats, CMD_UNITS,
	    N_("compliance statistics (达标率) of a unit, region or year") },
	{ "submit", cmd_submit, CMD_UNITS | CMD_WRITES,
	    N_("submit a draft for review (提交)") },
	{ "transfer", cmd_transfer, CMD_UNITS | CMD_WRITES,
	    N_("move a person's drafts to a new employer (调动)") },
	{ "unit", cmd_unit, CMD_STORE | CMD_WRITES,
	    N_("register, correct, remove, list and show units (单位)") },
	{ "verify", cmd_verify, CMD_UNITS,
	    N_("check an application's chain and signatures") },
	{ "verify-slip", cmd_verify_slip, CMD_STORE,
	    N_("check that a slip was issued here and still holds") },
	{ "withdraw", cmd_withdraw, CMD_UNITS | CMD_WRITES,
	    N_("take a submitted application back (撤销)") },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage[] =
    "usage: ceh [--store DIR] [--wait SECONDS] [--allow-owner] [--quiet]\n"
    "           [--max-errors N] [--operator NAME] [--no-header]\n"
    "           COMMAND [ARGS...]\n"
    "       ceh --help | --version | help [COMMAND]\n";

static const char *current_cmd = "ceh";

static void
print_commands(FILE *out)
{
	size_t i;

	cmd_put_usage(out, usage);
	fputs(_("\ncommands:\n"), out);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name,
		    _(commands[i].summary));
	fputs(_("\nThe store is --store DIR, else $CEH_STORE, else "
	    "$XDG_DATA_HOME/ceh (~/.local/share/ceh).\n"
	    "'ceh help COMMAND' and 'man ceh-COMMAND' describe each "
	    "command.\n"), out);
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
			fprintf(stderr, "ceh %s: %s: %s\n", current_cmd,
			    _("cannot write output"), strerror(errno));
			return CEH_ESYS;
		}
		return rc;
	}
	if (fstat(1, &st) == 0 && (S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode)))
		return rc;
	if (fclose(stdout) != 0 && rc == 0) {
		fprintf(stderr, "ceh %s: %s: %s\n", current_cmd,
		    _("cannot write output"), strerror(errno));
		return CEH_ESYS;
	}
	return rc;
}

/* A batch review keeps many people's folders open. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* A bad --operator or CEH_OPERATOR: "ceh: message", the usage, 2. */
static int
operator_error(const struct ceh_err *e)
{
	fprintf(stderr, "ceh: %s\n", e->msg);
	cmd_put_usage(stderr, usage);
	return CEH_EUSAGE;
}

/* The options before the command.  CMD_GO, or the exit code. */
static int
global_options(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct option *all = cmd_with_globals(opts);
	const char *env = getenv("CEH_OPERATOR");
	struct ceh_err e;
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hV", all, NULL)) != -1) {
		switch ((ch = cmd_take_global(ch, optarg))) {
		case 0:
			break;
		case 'h':
			print_commands(stdout);
			return check_stdout(0);
		case 'V':
			printf("ceh %s\n", CEH_VERSION);	/* machine */
			return check_stdout(0);
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	/* --operator (taken by cmd_take_global) wins over CEH_OPERATOR,
	 * and one after the command name (cmd_getopt) over both */
	if (!ceh_operator_given && env && *env &&
	    app_operator_set("CEH_OPERATOR", env, &e) < 0)
		return operator_error(&e);
	return CMD_GO;
}

/* "ceh: unknown command", with the closest one if suggest; returns 2. */
static int
unknown_command(const char *name, int suggest)
{
	const struct command *best = NULL;
	size_t i, d, bestd = 3;

	for (i = 0; suggest && i < NCOMMANDS; i++)
		if ((d = distance(name, commands[i].name)) < bestd)
			bestd = d, best = &commands[i];
	fprintf(stderr, "ceh: ");
	fprintf(stderr, _("unknown command '%.60s'"), name);
	if (best) {
		fputs("; ", stderr);
		fprintf(stderr, _("did you mean '%s'?"), best->name);
	}
	fputc('\n', stderr);
	if (suggest)
		fputs(_("run 'ceh help' for the list of commands\n"), stderr);
	return CEH_EUSAGE;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	struct store store;
	int rc, help = 0;

	umask(077);
	i18n_init();
	raise_fd_limit();
	if ((rc = global_options(argc, argv)) != CMD_GO)
		return rc;
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
		/* ceh help CMD is ceh CMD --help */
		argv[0] = argv[1];
		argv[1] = (char *)"--help";
		argc = 2;
		help = 1;
		cmd_long_help = 1;
	}
	if ((c = find_command(argv[0])) == NULL)
		return unknown_command(argv[0], !help);
	current_cmd = c->name;
	/* not opened: the command opens it by cmd_setup after its options */
	memset(&store, 0, sizeof(store));
	store.rootfd = store.peoplefd = -1;
	cmd_start(c);
	rc = c->fn(argc, argv, &store);
	cmd_finish(&store);
	return check_stdout(rc);
}
