/*
 * cmd.h - what every command file shares: the command functions named in
 * the dispatch table of ceh.c, the command-table flags, and the helpers
 * of the common skeleton in common.c (options, setup, errors, output).
 *
 * Adding a command `ceh foo` (in the manner of git's builtin.h): every
 * file it touches, and the test that checks each step.
 *
 *   1. cmd/foo.c defines CMD_FN(foo) (every cmd/NAME.c is built by a
 *      wildcard; the Makefile needs no change).  Its usage string is the man page's
 *      SYNOPSIS.  It parses every option first, with cmd_getopt and
 *      cmd_opt_other (--help, unknown options, missing arguments) and
 *      cmd_format for --format, and only then calls cmd_setup(s), which
 *      opens what the command table says it needs (cmd_ready does the
 *      usual operand check and cmd_setup in one).  It prints through
 *      cmd_error / cmd_usage_error, and lists through lib/table.h (JSON
 *      through lib/json.h, never by hand).
 *        tests/0001-basics.t: every command's --help works without a
 *        store, and a bogus option without a store is a usage error
 *        (exit 2), not "no store" (exit 3).
 *   2. cmd.h declares CMD_FN(foo) below.
 *   3. ceh.c's commands[] gets { "foo", cmd_foo, FLAGS, "summary" },
 *      sorted by name; FLAGS are the CMD_* below.
 *        tests/0001-basics.t and 0002-docs.t (`ceh help` lists it).
 *   4. man/ceh-foo.1 (mdoc): SYNOPSIS identical to the usage; EXIT
 *      STATUS; a JSON section if it has --format json; and a row in
 *      ceh.1's command table.
 *        tests/0002-docs.t: mandoc -Tlint clean, --help is the SYNOPSIS,
 *        ceh.1 names every command.
 *   5. An example under examples/ runs it.
 *        tests/0002-docs.t: every command appears in an example.
 *   6. tests/NNNN-foo.t drives it as a user does (exit codes, output,
 *      store_digest unchanged after every refusal); its JSON is checked
 *      for types with /usr/bin/python3 in tests/0106-json.t.
 *   7. README.md's tour, if users meet it early.
 *   8. Every sentence a person reads is marked for translation (lib/
 *      i18n.h: _() for a message, Q_() for one that depends on a count,
 *      N_() in a table), and has its Chinese in po/zh_CN.po in the same
 *      commit: `make pot` brings the catalog up to date, then translate
 *      the new entries (the guide's terms, see the catalog's header).
 *      Words scripts read (stage and event codes, TSV/CSV/JSON keys, the
 *      outcome column) are never translated: where the scanner would
 *      take such a literal for a message, a comment holding the word
 *      "machine" on its line (or the line before) says it is not one.
 *      man/zh_CN/ceh-foo.1 is the page in Chinese.
 *        tests/1701-catalog.t: no unmarked message (tools/i18n-scan.py),
 *        every message of the sources translated, msgfmt --check clean.
 *
 * A command is "int cmd_NAME(int argc, char **argv, struct store *s)":
 * argv[0] is the command name.  s is the store the dispatcher prepared
 * but has NOT opened: after parsing its options the command calls
 * cmd_setup(s), which opens it (and loads what the flags say) or prints
 * why not and returns the exit code.  This order is what makes a usage
 * error a usage error (exit 2) whether a store exists or not, and --help
 * work anywhere.  The dispatcher closes the store after the command
 * returns, if cmd_setup opened it.  The command returns the exit code
 * (err.h) and prints its result on stdout and at most one error line on
 * stderr, through cmd_error().
 */
#ifndef CEH_CMD_H
#define CEH_CMD_H

#include <getopt.h>
#include <stdio.h>

#include "err.h"
#include "i18n.h"
#include "rowsrc.h"
#include "store.h"
#include "table.h"

struct store;

#define CMD_FN(name) int cmd_##name(int argc, char **argv, struct store *s)

CMD_FN(init);
CMD_FN(unit);
CMD_FN(apply);
CMD_FN(edit);
CMD_FN(add_year);
CMD_FN(rm_year);
CMD_FN(show);
CMD_FN(list);
CMD_FN(submit);
CMD_FN(withdraw);
CMD_FN(review);
CMD_FN(log);
CMD_FN(fsck);
CMD_FN(attach);
CMD_FN(import);
CMD_FN(records);
CMD_FN(print_slip);
CMD_FN(migrate);
CMD_FN(verify);
CMD_FN(verify_slip);
CMD_FN(slips);
CMD_FN(stats);
CMD_FN(shortfall);
CMD_FN(key);
CMD_FN(site);
CMD_FN(send);
CMD_FN(receive);
CMD_FN(transfer);

/* Command-table flags: what cmd_setup prepares for the command. */
#define CMD_STORE	0x1	/* opens the store (--store, $CEH_STORE, ...) */
#define CMD_UNITS	0x2	/* and loads units.yaml once (implies STORE) */
#define CMD_WRITES	0x4	/* takes locks, may change the store: --wait */
/*
 * Readers never lock, so --wait is given to writers only.  CMD_WRITES is
 * also where the dispatcher would set up what writers alone need (the
 * removal of temp files on exit and signals, issue 11 point 2).
 */

struct command {
	const char *name;
	int (*fn)(int, char **, struct store *);
	int flags;
	const char *summary;
};

/* The dispatcher: the command about to run (the global options are
 * taken by cmd_take_global before it, and by cmd_getopt after it). */
void cmd_start(const struct command *c);
/*
 * The global options of ceh(1): --store DIR, --wait SECONDS,
 * --allow-owner, --quiet (no progress line), --max-errors N (list at
 * most N row errors; all are still counted), --operator NAME (the
 * clerk named in the events, app_operator_set), --no-header (TSV and CSV
 * without their header line, table_no_header).  cmd_with_globals(o) is o
 * with them added (a table that lives until exit); cmd_take_global(ch,
 * arg) takes one of them: 0, ch itself when it is not one, or a value
 * for cmd_opt_other when its argument is bad.
 */
const struct option *cmd_with_globals(const struct option *o);
int cmd_take_global(int ch, const char *arg);
extern int ceh_quiet;
extern long ceh_max_errors;
/* --operator NAME was given (CEH_OPERATOR then is not read) */
extern int ceh_operator_given;
/* Whether to print one more row error under --max-errors (counts it
 * either way); cmd_errors_unlisted says how many were not printed. */
int cmd_list_error(void);
void cmd_errors_unlisted(const char *cmd);
/*
 * Open what the running command's flags ask for into *s.  Returns 0, or
 * the exit code after printing the error ("no store at ...": 3).  A
 * command without CMD_STORE gets 0 and s untouched.
 */
int cmd_setup(struct store *s);
/* For the dispatcher: close the store if cmd_setup opened it. */
void cmd_finish(struct store *s);
/* The store path given by --store, or NULL (for init). */
extern const char *ceh_store_path;
/* --allow-owner: write a store owned by another user (ceh-store(5)). */
extern int ceh_allow_owner;

/* Print "ceh CMD: message" on stderr and return e->code. */
int cmd_error(const char *cmd, const struct ceh_err *e);
/* Print "ceh CMD: message" and the usage on stderr; return 2. */
int cmd_usage_error(const char *cmd, const char *usage, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
/* Print a usage text on f, its "usage: " in the user's language. */
void cmd_put_usage(FILE *f, const char *use);
/* Print the usage on stdout for --help; return 0. */
int cmd_help(const char *usage);
/* Set by `ceh help CMD`: cmd_help then prints the description and the
 * options of the command's man page too (help.h), in the user's
 * language. */
extern int cmd_long_help;

/*
 * Options.  cmd_getopt is getopt_long over argv with the long options o
 * and the short option -h; give it an option table whose --help has val
 * 'h'.  Whatever the command does not handle itself goes to
 * cmd_opt_other (the default: of its switch): --help prints the usage
 * (0); an option that needs an argument and has none says so ("option
 * '--as' needs an argument"), and an unknown one says that, both with
 * the usage (2).  The global options --store, --wait and --allow-owner
 * are accepted after the command name as well: cmd_getopt takes them
 * itself and never returns them.
 */
int cmd_getopt(int argc, char **argv, const struct option *o);
/* The same with short options of the command's own (":ho:" for a -o
 * without --output, as print-slip and send have); starts with ':'. */
int cmd_getopt_short(int argc, char **argv, const char *shortopts,
    const struct option *o);
/* A --wait value: 0 .. 86400 seconds, else -1. */
int cmd_wait_value(const char *arg, long *wait);
int cmd_opt_other(char **argv, const char *usage, int ch);
/* --format NAME out of the formats in allowed (FMT_LIST for lists):
 * 0, or a usage error naming the choices (2). */
int cmd_format(const char *usage, const char *name, unsigned allowed,
    enum out_format *f);
/*
 * Output of a list to a file: a command with --format FMT_LIST takes
 * -o FILE / --output FILE (an option with val 'o' in its table makes
 * cmd_getopt accept -o).  cmd_output_check, after parsing: --format
 * xlsx without -o, or with -o - to a terminal, is a usage error (2).
 * cmd_table_out writes the table (table_write: a file is published
 * whole, standard output when path is NULL or "-") and returns 0 or the
 * exit code after printing the error.
 */
int cmd_output_check(const char *usage, enum out_format f, const char *path);
int cmd_table_out(const struct table *t, enum out_format f, const char *path);
/* Bytes a command made (a page, a JSON document) to path like
 * cmd_table_out: published whole, or standard output for NULL or "-". */
int cmd_bytes_out(const char *path, const char *data, size_t len);
#define CMD_OUT_USAGE "[-o FILE]"
/* Parse helpers return CMD_GO to go on, else the exit code. */
#define CMD_GO (-1)
/* The end of every option table: --help, then the terminator. */
#define CMD_OPT_END { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }

/*
 * The applicant options of apply and edit, made from applicant_fields
 * (doc.h): --OPTION METAVAR for each field.  cmd_applicant_args parses
 * them into given[APPLICANT_NFIELDS] (NULL when not given; *n counts
 * those given), and apply's --allow-second into *allow_second (NULL:
 * the option is refused, as edit does), and returns CMD_GO, or the exit
 * code (help, usage).
 * cmd_applicant_usage writes "usage: ceh CMD OPERANDS" followed by the
 * options (the required ones bare and first, unless all_optional), and
 * wraps lines as the man pages' SYNOPSIS does; the string lives until
 * exit.
 */
int cmd_applicant_args(int argc, char **argv, const char *usage,
    const char **given, int *n, int *allow_second);
const char *cmd_applicant_usage(const char *cmd, const char *operands,
    int all_optional);

/* An applicant's --unit: registered (else class 3) and an employer, not
 * a supervisor or agency (else class 1).  Needs the units loaded. */
int cmd_employer(const struct store *s, const char *code,
    struct ceh_err *e);

/* Open application id for a change (app_open, person locked) and check
 * it is a draft (else class 4); the caller app_closes h either way. */
int cmd_open_draft(struct store *s, const char *id, struct app_handle *h,
    struct ceh_err *e);
/* After the options: CMD_GO if no operand is left, else a usage error
 * ("unexpected argument 'X'", 2). */
int cmd_no_operands(int argc, char **argv, const char *usage);
/* The usual end of parsing: no operand left (nops 0) or exactly one
 * application id (nops 1, argv[optind]), else a usage error; then
 * cmd_setup.  CMD_GO, or the exit code. */
int cmd_ready(struct store *s, int argc, char **argv, const char *usage,
    int nops);

/*
 * --from FILE (apply, add-year; cmd/bulk.c): a CSV file or a sheet read
 * through rowsrc.h (header below titles, blank/total/footer rows
 * skipped), the columns found by their names (alts as norm_header_col
 * takes them, the required ones must be there), each value normalised
 * by its column's mode and counted, and each data row handed to row()
 * with its values by column ("" for a missing column).  row() checks the
 * row and reports a bad one with cmd_bulk_bad ("ceh CMD: FILE: sheet S
 * row N: reason" or "FILE:LINE: reason", counted in bad) and returns 0;
 * -1 stops the file (e filled).  cmd_bulk_summary prints the rows
 * skipped and the values normalised.
 */
#define BULK_MAXCOLS 32
struct bulk_col {
	const char *alts;	/* "证件号码|身份证号码|id" */
	int required;
	unsigned norm;		/* normalize.h mode */
};
struct bulk {
	const char *cmd, *path, *sheet;
	enum csv_encoding enc;
	const struct bulk_col *cols;
	size_t ncols;
	int (*row)(struct bulk *b, long line, const char **v,
	    struct ceh_err *e);
	void *arg;
	/* filled by cmd_bulk_read */
	int idx[BULK_MAXCOLS];
	int have_header;
	struct rowsrc_info info;
	struct norm_counts norm;
	long rows, bad;
};
int cmd_bulk_read(struct bulk *b, struct ceh_err *e);
/* The options every --from command shares: --from ('F'), --sheet ('S'),
 * --encoding ('E').  1 if ch was one of them, 0 if not, else the exit
 * code (usage error). */
int cmd_bulk_option(struct bulk *b, const char *usage, char **argv, int ch);
void cmd_bulk_bad(struct bulk *b, long line, const char *reason);
void cmd_bulk_summary(const struct bulk *b);

/*
 * submit and withdraw: parse "CMD [--key FILE] APP...|-", then apply one
 * workflow transition (an enum wf_action) to each application in turn,
 * each committed on its own (one failure does not stop the rest), in a
 * signed store with its employer's key (read once per unit).  Prints
 * "ID<TAB>outcome" or "ID<TAB>error N: message" (and the message on
 * stderr) per id, and a summary on stderr for more than one; returns the
 * worst exit class.
 */
int cmd_transitions(int argc, char **argv, struct store *s,
    const char *usage, int action);
/* The application ids of argv[optind..]: each operand, and "-" the ids
 * on stdin (one a line; blank lines and #comments skipped; read once).
 * Appends to *ids (*n of them; free with cmd_free_ids). */
int cmd_read_ids(int argc, char **argv, char ***ids, size_t *n,
    struct ceh_err *e);
void cmd_free_ids(char **ids, size_t n);

/*
 * Output shared by several commands, so the same thing has the same
 * columns and JSON everywhere: an application's history (log, show) and
 * its attachments (attach --list, show).  year 0: every year.  The
 * tables borrow the store's units for names; the caller frees them with
 * table_free.
 */
void cmd_history_table(struct table *t, const struct store *s,
    const struct application *app);
void cmd_attachments_table(struct table *t, const struct application *app,
    int year);

#endif
