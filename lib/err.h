/*
 * err.h - the one way ceh reports failure.
 *
 * Library functions never print and never exit (except xalloc on OOM).
 * They return 0 on success or -1 on failure after filling a caller-owned
 * struct ceh_err: an exit class (below), the saved errno and a one-line
 * message that names the file, field or value at fault.  Commands print
 * that message once, as "ceh CMD: message", and exit with e.code.
 */
#ifndef CEH_ERR_H
#define CEH_ERR_H

/* Exit codes, documented in ceh(1) and used by every command. */
enum ceh_exit {
	CEH_OK = 0,		/* success */
	CEH_EINPUT = 1,		/* invalid input, or a rule refused it */
	CEH_EUSAGE = 2,		/* usage error */
	CEH_ENOTFOUND = 3,	/* no such application, unit, person, store */
	CEH_ESTATE = 4,		/* wrong state, conflicting change, busy lock */
	CEH_ESYS = 5		/* system error: I/O, out of space, permissions */
};

struct ceh_err {
	int code;		/* enum ceh_exit */
	int saved_errno;	/* errno at the failure, or 0 */
	char msg[1024];
};

void ceh_err_clear(struct ceh_err *e);

/* Fill e with code and a printf-style message; return -1. */
int ceh_fail(struct ceh_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Class 5 with ": strerror(errno)" appended; errno is saved; return -1. */
int ceh_fail_errno(struct ceh_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Put "prefix: " in front of an existing message (e.g. a file name). */
void ceh_err_prefix(struct ceh_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
