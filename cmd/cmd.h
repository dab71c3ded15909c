/*
 * cmd.h - what every command file shares: the command functions named in
 * the dispatch table of ceh.c, and the small helpers for the common
 * skeleton (usage, errors, --help).
 *
 * A command is "int cmd_NAME(int argc, char **argv, struct store *s)":
 * argv[0] is the command name; s is the opened store (NULL for commands
 * that do not need one).  It returns the exit code (err.h).  It prints
 * its result on stdout and at most one error line on stderr, through
 * cmd_error().
 */
#ifndef CEH_CMD_H
#define CEH_CMD_H

#include <getopt.h>

#include "err.h"
#include "store.h"

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
CMD_FN(verify_slip);
CMD_FN(stats);
CMD_FN(shortfall);

/* Print "ceh CMD: message" on stderr and return e->code. */
int cmd_error(const char *cmd, const struct ceh_err *e);
/* Print "ceh CMD: message" and the usage on stderr; return 2. */
int cmd_usage_error(const char *cmd, const char *usage, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
/* Print the usage on stdout for --help; return 0. */
int cmd_help(const char *usage);
/* The store path given by --store or the default (for init). */
extern const char *ceh_store_path;

/* getopt_long options for the applicant fields (apply, edit): each
 * option's val is its index in applicant_fields, plus help (val 'h'). */
extern const struct option cmd_applicant_options[];

/* submit and withdraw: parse "CMD APP", apply one workflow transition
 * (an enum wf_action), print "ID<TAB>outcome"; returns the exit code. */
int cmd_one_transition(int argc, char **argv, struct store *s,
    const char *usage, int action);

/* getopt_long helper: reset state so each command parses its own argv. */
void cmd_getopt_reset(void);

#endif
