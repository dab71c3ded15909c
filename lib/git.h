/*
 * git.h - the one adapter to git (the Debian `git` package), run as a
 * subprocess for the site repository of an exchange (site.h,
 * ceh-exchange(7)).  The only file that runs git.
 *
 * Every run is fork + execve of the git binary with an argv, never a
 * shell, in a fixed environment made here and nowhere else:
 *
 *   GIT_DIR=<the site repository>   never found by searching upwards
 *   GIT_CONFIG_NOSYSTEM=1, GIT_CONFIG_GLOBAL=/dev/null, HOME=<the site
 *                                   repository>: no user or system
 *                                   configuration is read
 *   -c core.hooksPath=/dev/null     no hooks run
 *   GIT_TERMINAL_PROMPT=0, LC_ALL=C, PATH=/usr/bin:/bin, umask 077
 *
 * The binary is $CEH_GIT if set (tests), else /usr/bin/git.  Nothing of
 * the user's environment but these reaches git.
 */
#ifndef CEH_GIT_H
#define CEH_GIT_H

#include <stddef.h>
#include <sys/types.h>

#include "xalloc.h"

struct ceh_err;

struct git {
	char *gitdir;		/* absolute path of the repository */
	/* a quarantine: new objects go to objdir, which also sees the
	 * repository's (GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_
	 * DIRECTORIES); NULL normally */
	char *objdir;
};

/* g->gitdir = an absolute form of dir (need not exist yet). */
int git_open(struct git *g, const char *dir, struct ceh_err *e);
void git_close(struct git *g);
/* A copy of g writing new objects to objdir (freed by git_close). */
void git_quarantine(const struct git *g, const char *objdir,
    struct git *q);

/*
 * Run git with args (NULL-terminated, without "git" itself), feeding in
 * (inlen bytes, may be NULL) on its standard input and collecting its
 * standard output into out (may be NULL: discarded) and standard error
 * into err (may be NULL: discarded).  *status gets the exit status (0
 * success; 128+N for a signal).  -1 (class 5) only when git could not be
 * run at all.
 */
int git_run(const struct git *g, const char *const *args, const char *in,
    size_t inlen, struct sbuf *out, struct sbuf *err, int *status,
    struct ceh_err *e);
/* git_run, then a non-zero status is class 5 naming the command and
 * git's first line of error. */
int git_ok(const struct git *g, const char *const *args, const char *in,
    size_t inlen, struct sbuf *out, struct ceh_err *e);

/*
 * `git cat-file --batch`, one object at a time: git_batch_get asks for
 * an object and reads it whole into out (at most max bytes: bigger is
 * class 1, nothing read).  type gets "blob", "tree", ...; a missing
 * object is class 1.
 */
struct git_batch {
	pid_t pid;
	int to, from;		/* its standard input and output */
	char buf[65536];
	size_t have, off;
};
int git_batch_open(const struct git *g, struct git_batch *b,
    struct ceh_err *e);
int git_batch_get(struct git_batch *b, const char *oid, size_t max,
    char type[16], struct sbuf *out, struct ceh_err *e);
void git_batch_close(struct git_batch *b);

/* An object id: 40 lower-case hex digits (SHA-1 repositories). */
int git_oid_valid(const char *s);

#endif
