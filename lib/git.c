/* git.c - run git as a subprocess in a fixed environment (git.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "i18n.h"
#include "git.h"
#include "util.h"

#define GIT_MAX_ARGS 64

int
git_oid_valid(const char *s)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[40] == '\0';
}

int
git_open(struct git *g, const char *dir, struct ceh_err *e)
{
	char cwd[PATH_MAX];

	if (dir[0] == '/') {
		g->gitdir = xstrdup(dir);
		g->objdir = NULL;
		return 0;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return ceh_fail_errno(e, _("cannot name the current folder"));
	g->gitdir = xasprintf("%s/%s", cwd, dir);
	g->objdir = NULL;
	return 0;
}

void
git_quarantine(const struct git *g, const char *objdir, struct git *q)
{
	q->gitdir = xstrdup(g->gitdir);
	q->objdir = xstrdup(objdir);
}

void
git_close(struct git *g)
{
	free(g->gitdir);
	free(g->objdir);
	g->gitdir = g->objdir = NULL;
}

static const char *
git_binary(void)
{
	const char *b = getenv("CEH_GIT");

	return b && b[0] ? b : "/usr/bin/git";
}

/* The child's side: never returns. */
static void
git_exec(const struct git *g, const char *const *args, int in, int out,
    int err)
{
	char *argv[GIT_MAX_ARGS + 4], *envp[14];
	size_t n = 0, i;

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(127);
#ifdef SYS_close_range
	syscall(SYS_close_range, 3U, ~0U, 0);
#else
	for (i = 3; i < 1024; i++)
		close((int)i);
#endif
	umask(077);
	signal(SIGPIPE, SIG_DFL);
	argv[n++] = (char *)"git";
	argv[n++] = (char *)"-c";
	argv[n++] = (char *)"core.hooksPath=/dev/null";
	for (i = 0; args[i] && n < GIT_MAX_ARGS + 3; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	n = 0;
	envp[n++] = xasprintf("GIT_DIR=%s", g->gitdir);
	envp[n++] = xasprintf("HOME=%s", g->gitdir);
	envp[n++] = (char *)"GIT_CONFIG_NOSYSTEM=1";
	envp[n++] = (char *)"GIT_CONFIG_GLOBAL=/dev/null";
	envp[n++] = (char *)"GIT_TERMINAL_PROMPT=0";
	envp[n++] = (char *)"GIT_ATTR_NOSYSTEM=1";
	envp[n++] = (char *)"LC_ALL=C";
	envp[n++] = (char *)"PATH=/usr/bin:/bin";
	if (g->objdir) {
		envp[n++] = xasprintf("GIT_OBJECT_DIRECTORY=%s", g->objdir);
		envp[n++] = xasprintf("GIT_ALTERNATE_OBJECT_DIRECTORIES="
		    "%s/objects", g->gitdir);
	}
	envp[n] = NULL;
	execve(git_binary(), argv, envp);
	_exit(127);
}

static int
spawn(const struct git *g, const char *const *args, int fds[3],
    pid_t *pid, struct ceh_err *e)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	size_t n;

	for (n = 0; args[n]; n++)
		;
	if (n > GIT_MAX_ARGS)
		return ceh_fail(e, CEH_ESYS, _("git: too many arguments"));
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
	    pipe2(err, O_CLOEXEC) < 0) {
		ceh_fail_errno(e, _("cannot run git"));
		goto fail;
	}
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		ceh_fail_errno(e, _("cannot run git"));
		goto fail;
	}
	if (*pid == 0)
		git_exec(g, args, in[0], out[1], err[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	fds[0] = in[1];
	fds[1] = out[0];
	fds[2] = err[0];
	return 0;
fail:
	for (n = 0; n < 2; n++) {
		if (in[n] >= 0)
			close(in[n]);
		if (out[n] >= 0)
			close(out[n]);
		if (err[n] >= 0)
			close(err[n]);
	}
	return -1;
}

static int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int
git_run(const struct git *g, const char *const *args, const char *in,
    size_t inlen, struct sbuf *out, struct sbuf *err, int *status,
    struct ceh_err *e)
{
	struct sigaction ign, old;
	int fds[3];
	pid_t pid;
	size_t off = 0;
	char buf[65536];

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (spawn(g, args, fds, &pid, e) < 0) {
		sigaction(SIGPIPE, &old, NULL);
		return -1;
	}
	if (in == NULL || inlen == 0) {
		close(fds[0]);
		fds[0] = -1;
	} else
		fcntl(fds[0], F_SETFL, O_NONBLOCK);
	while (fds[0] >= 0 || fds[1] >= 0 || fds[2] >= 0) {
		struct pollfd p[3];
		int i, np = 0, which[3];

		for (i = 0; i < 3; i++) {
			if (fds[i] < 0)
				continue;
			p[np].fd = fds[i];
			p[np].events = i == 0 ? POLLOUT : POLLIN;
			p[np].revents = 0;
			which[np++] = i;
		}
		if (poll(p, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < np; i++) {
			int k = which[i];
			ssize_t r;

			if (p[i].revents == 0)
				continue;
			if (k == 0) {
				r = write(fds[0], in + off, inlen - off);
				if (r > 0)
					off += (size_t)r;
				if ((r < 0 && errno != EAGAIN &&
				    errno != EINTR) || off == inlen) {
					close(fds[0]);
					fds[0] = -1;
				}
				continue;
			}
			r = read(fds[k], buf, sizeof(buf));
			if (r > 0) {
				struct sbuf *to = k == 1 ? out : err;

				if (to)
					sb_add(to, buf, (size_t)r);
			} else if (r == 0 || (errno != EINTR &&
			    errno != EAGAIN)) {
				close(fds[k]);
				fds[k] = -1;
			}
		}
	}
	*status = reap(pid);
	sigaction(SIGPIPE, &old, NULL);
	if (*status == 127)
		return ceh_fail(e, CEH_ESYS, _("cannot run %s (is the git "
		    "package installed?)"), git_binary());
	return 0;
}

int
git_ok(const struct git *g, const char *const *args, const char *in,
    size_t inlen, struct sbuf *out, struct ceh_err *e)
{
	struct sbuf err = SBUF_INIT;
	int st;
	char *nl;

	if (git_run(g, args, in, inlen, out, &err, &st, e) < 0) {
		sb_release(&err);
		return -1;
	}
	if (st != 0) {
		const char *m = sb_str(&err);

		if ((nl = strchr(m, '\n')) != NULL)
			*nl = '\0';
		ceh_fail(e, CEH_ESYS, _("git %s failed (status %d): %s"),
		    args[0], st, m[0] ? m : "no message");
		sb_release(&err);
		return -1;
	}
	sb_release(&err);
	return 0;
}

int
git_batch_open(const struct git *g, struct git_batch *b, struct ceh_err *e)
{
	static const char *const args[] = { "cat-file", "--batch", NULL };
	int fds[3];

	memset(b, 0, sizeof(*b));
	b->to = b->from = -1;
	if (spawn(g, args, fds, &b->pid, e) < 0)
		return -1;
	close(fds[2]);
	b->to = fds[0];
	b->from = fds[1];
	return 0;
}

/* Up to n bytes of the batch's output into dst (NULL: skipped). */
static int
batch_read(struct git_batch *b, char *dst, size_t n)
{
	while (n > 0) {
		size_t k;

		if (b->off == b->have) {
			ssize_t r = read(b->from, b->buf, sizeof(b->buf));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			b->have = (size_t)r;
			b->off = 0;
		}
		k = b->have - b->off < n ? b->have - b->off : n;
		if (dst) {
			memcpy(dst, b->buf + b->off, k);
			dst += k;
		}
		b->off += k;
		n -= k;
	}
	return 0;
}

int
git_batch_get(struct git_batch *b, const char *oid, size_t max,
    char type[16], struct sbuf *out, struct ceh_err *e)
{
	struct sigaction ign, old;
	char line[160], req[64], got[64];
	size_t n = 0;
	unsigned long long size;
	int rc;

	if (!git_oid_valid(oid))
		return ceh_fail(e, CEH_EINPUT, _("not an object id: %.60s"), oid);
	snprintf(req, sizeof(req), "%s\n", oid);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	rc = write_all(b->to, req, strlen(req));
	sigaction(SIGPIPE, &old, NULL);
	if (rc < 0)
		return ceh_fail_errno(e, _("git cat-file stopped"));
	for (;;) {
		if (n + 1 >= sizeof(line) || batch_read(b, line + n, 1) < 0)
			return ceh_fail(e, CEH_ESYS, _("git cat-file stopped"));
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	if (sscanf(line, "%63s %15s %llu", got, type, &size) != 3 ||
	    strcmp(got, oid) != 0)
		return ceh_fail(e, CEH_EINPUT, _("the bundle has no object %s"),
		    oid);
	if (size > max) {
		/* skip it, so the next request lines up */
		if (batch_read(b, NULL, (size_t)size + 1) < 0)
			return ceh_fail(e, CEH_ESYS, _("git cat-file stopped"));
		return ceh_fail(e, CEH_EINPUT, _("object %s is %llu bytes, "
		    "more than the %zu allowed"), oid, size, max);
	}
	sb_reset(out);
	sb_grow(out, (size_t)size + 1);
	if (batch_read(b, out->buf, (size_t)size) < 0 ||
	    batch_read(b, line, 1) < 0)
		return ceh_fail(e, CEH_ESYS, _("git cat-file stopped"));
	out->len = (size_t)size;
	out->buf[out->len] = '\0';
	return 0;
}

void
git_batch_close(struct git_batch *b)
{
	if (b->to >= 0)
		close(b->to);
	if (b->from >= 0)
		close(b->from);
	if (b->pid > 0)
		reap(b->pid);
	b->to = b->from = -1;
	b->pid = 0;
}
