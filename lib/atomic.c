#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "fault.h"
#include "util.h"
#include "xalloc.h"

/* ---- the registry of active temp files ---- */

/* A doubly linked list walked forward only by the handlers: unlinking
 * takes one store to the forward chain, so a signal sees the list with
 * or without the entry, never a broken one. */
static struct tempfile *volatile temps;

void
atomic_cleanup(void)
{
	struct tempfile *t;
	pid_t me = getpid();

	for (t = temps; t; t = t->next)
		if (t->active && t->owner == me)
			unlinkat(t->dirfd, t->name, 0);
}

static void
on_signal(int sig)
{
	atomic_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
temp_register(struct tempfile *t)
{
	static int installed;

	if (!installed) {
		installed = 1;
		atexit(atomic_cleanup);
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
	}
	t->owner = getpid();
	t->prev = NULL;
	t->next = temps;
	if (temps)
		temps->prev = t;
	t->active = 1;
	temps = t;
}

static void
temp_unregister(struct tempfile *t)
{
	if (!t->active)
		return;
	if (t->prev)
		t->prev->next = t->next;
	else
		temps = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->active = 0;
	t->next = t->prev = NULL;
}

/* ---- temp files ---- */

int
is_temp_name(const char *name)
{
	return strncmp(name, ".tmp.", 5) == 0;
}

const char *
where_name(const char *where, const char *name, char *buf, size_t size)
{
	if (where == NULL || where[0] == '\0')
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%s/%s", where, name);
	return buf;
}

/* The target's path from the store root, for messages. */
static const char *
shown(const struct tempfile *t, const char *name, char *buf, size_t size)
{
	return where_name(t->where, name, buf, size);
}

int
temp_create(struct tempfile *t, int dirfd, const char *where,
    const char *target, struct ceh_err *e)
{
	unsigned rnd = 0;
	char path[WHERE_MAX + TEMP_NAME_MAX];

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->dirfd = dirfd;
	snprintf(t->where, sizeof(t->where), "%s", where ? where : "");
	random_bytes(&rnd, sizeof(rnd));
	if ((size_t)snprintf(t->target, sizeof(t->target), "%s", target) >=
	    sizeof(t->target) || (size_t)snprintf(t->name, sizeof(t->name),
	    ".tmp.%.200s.%ld.%08x", target, (long)getpid(), rnd) >=
	    sizeof(t->name))
		return ceh_fail(e, CEH_ESYS, "file name too long: '%.200s'",
		    target);
	t->fd = openat(dirfd, t->name, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (t->fd < 0)
		return ceh_fail_errno(e, "cannot create '%s'",
		    shown(t, t->name, path, sizeof(path)));
	temp_register(t);
	return 0;
}

void
temp_rollback(struct tempfile *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->active) {
		unlinkat(t->dirfd, t->name, 0);
		temp_unregister(t);
	}
}

/* Fail with "cannot write WHERE/TARGET" (errno kept) and roll back. */
static int
temp_fail(struct tempfile *t, const char *verb, struct ceh_err *e)
{
	char path[WHERE_MAX + TEMP_NAME_MAX];
	int saved = errno;

	temp_rollback(t);
	errno = saved;
	return ceh_fail_errno(e, "cannot %s '%s'", verb,
	    shown(t, t->target, path, sizeof(path)));
}

int
temp_write(struct tempfile *t, const void *data, size_t len,
    struct ceh_err *e)
{
	if (fault_hit("write")) {
		errno = ENOSPC;
		return temp_fail(t, "write", e);
	}
	if (write_all(t->fd, data, len) < 0)
		return temp_fail(t, "write", e);
	return 0;
}

int
temp_close(struct tempfile *t, enum temp_sync sync, struct ceh_err *e)
{
	int fd = t->fd;

	if (sync == TEMP_SYNC) {
		if (fault_hit("fsync")) {
			errno = EIO;
			return temp_fail(t, "write", e);
		}
		if (fsync(fd) < 0)
			return temp_fail(t, "write", e);
	}
	t->fd = -1;
	if (close(fd) < 0)
		return temp_fail(t, "write", e);
	return 0;
}

int
temp_file(struct tempfile *t, int dirfd, const char *where,
    const char *target, const void *data, size_t len, enum temp_sync sync,
    struct ceh_err *e)
{
	if (temp_create(t, dirfd, where, target, e) < 0 ||
	    temp_write(t, data, len, e) < 0)
		return -1;
	return temp_close(t, sync, e);
}

int
temp_commit(struct tempfile *t, struct ceh_err *e)
{
	crash_point("atomic-before-rename");
	if (fault_hit("rename")) {
		errno = EIO;
		return temp_fail(t, "replace", e);
	}
	if (renameat(t->dirfd, t->name, t->dirfd, t->target) < 0)
		return temp_fail(t, "replace", e);
	temp_unregister(t);
	crash_point("atomic-after-rename");
	return 0;
}

int
temp_commit_new(struct tempfile *t, struct ceh_err *e)
{
	char path[WHERE_MAX + TEMP_NAME_MAX];

	crash_point("atomic-before-rename");
	if (fault_hit("link")) {
		errno = EIO;
		return temp_fail(t, "create", e);
	}
	if (linkat(t->dirfd, t->name, t->dirfd, t->target, 0) < 0) {
		if (errno != EEXIST)
			return temp_fail(t, "create", e);
		temp_rollback(t);
		return ceh_fail(e, CEH_ESTATE, "'%s' already exists",
		    shown(t, t->target, path, sizeof(path)));
	}
	temp_rollback(t);	/* the temp name only; the target stays */
	crash_point("atomic-after-rename");
	return 0;
}

/* ---- the sweep of leftovers ---- */

static void
sweep_say(struct sweep *sw, const char *path, const char *how)
{
	char msg[WHERE_MAX + TEMP_NAME_MAX + 200];

	if (sw->say == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s: temp file of an interrupted write%s",
	    path, how);
	sw->say(sw->arg, msg);
}

void
temp_sweep_one(int dirfd, const char *where, const char *name,
    struct sweep *sw)
{
	char path[WHERE_MAX + TEMP_NAME_MAX], how[160];

	where_name(where, name, path, sizeof(path));
	sw->found++;
	if (!sw->repair) {
		sweep_say(sw, path, "");
		return;
	}
	if (unlinkat(dirfd, name, 0) == 0) {
		sw->removed++;
		sweep_say(sw, path, ", removed");
		return;
	}
	snprintf(how, sizeof(how), ", cannot remove it: %s", strerror(errno));
	sweep_say(sw, path, how);
}

struct sweep_walk {
	const char *where;
	int (*leftover)(const char *);
	struct sweep *sw;
};

static int
sweep_name(int dirfd, const char *name, void *arg)
{
	struct sweep_walk *w = arg;

	if (w->leftover(name))
		temp_sweep_one(dirfd, w->where, name, w->sw);
	return 0;
}

int
temp_sweep(int dirfd, const char *where, int (*leftover)(const char *),
    struct sweep *sw, struct ceh_err *e)
{
	struct sweep_walk w = { where, leftover ? leftover : is_temp_name,
	    sw };

	if (dir_each(dirfd, sweep_name, &w) < 0)
		return ceh_fail_errno(e, "cannot read '%s'",
		    where && where[0] ? where : ".");
	return 0;
}

/* ---- whole files ---- */

int
fsync_dir(int dirfd, const char *what, struct ceh_err *e)
{
	if (fault_hit("fsync")) {
		errno = EIO;
		return ceh_fail_errno(e, "cannot sync directory '%s'", what);
	}
	if (fsync(dirfd) < 0 && errno != EINVAL)
		return ceh_fail_errno(e, "cannot sync directory '%s'", what);
	return 0;
}

int
atomic_write_at(int dirfd, const char *where, const char *name,
    const void *data, size_t len, struct ceh_err *e)
{
	struct tempfile t;
	char path[WHERE_MAX + TEMP_NAME_MAX];

	if (temp_file(&t, dirfd, where, name, data, len, TEMP_SYNC, e) < 0 ||
	    temp_commit(&t, e) < 0)
		return -1;
	if (fsync_dir(dirfd, where && where[0] ? where : ".", e) < 0) {
		/* the new content is in place: say so, a retry may find the
		 * change already made */
		ceh_err_prefix(e, "'%s' is written but may not survive a "
		    "power loss", where_name(where, name, path, sizeof(path)));
		return -1;
	}
	return 0;
}

int
atomic_write(int dirfd, const char *name, const void *data, size_t len,
    struct ceh_err *e)
{
	return atomic_write_at(dirfd, NULL, name, data, len, e);
}

int
atomic_create_at(int dirfd, const char *where, const char *name,
    const void *data, size_t len, struct ceh_err *e)
{
	struct tempfile t;

	if (temp_file(&t, dirfd, where, name, data, len, TEMP_SYNC, e) < 0 ||
	    temp_commit_new(&t, e) < 0)
		return -1;
	if (fsync_dir(dirfd, where && where[0] ? where : ".", e) < 0) {
		/* NAME did not exist before (link would have failed): take
		 * it back, so a failure changes nothing and a retry cannot
		 * make a second copy (e.g. of an application) */
		unlinkat(dirfd, name, 0);
		return -1;
	}
	return 0;
}

int
atomic_create(int dirfd, const char *name, const void *data, size_t len,
    struct ceh_err *e)
{
	return atomic_create_at(dirfd, NULL, name, data, len, e);
}

int
move_file(int fromdir, const char *fromwhere, int todir, const char *towhere,
    const char *name, enum temp_sync sync, struct ceh_err *e)
{
	char from[WHERE_MAX + TEMP_NAME_MAX], to[WHERE_MAX + TEMP_NAME_MAX];

	where_name(fromwhere, name, from, sizeof(from));
	where_name(towhere, name, to, sizeof(to));
	crash_point("move-before-rename");
	if (fault_hit("rename")) {
		errno = EIO;
		return ceh_fail_errno(e, "cannot move '%s'", from);
	}
	if (renameat2(fromdir, name, todir, name, RENAME_NOREPLACE) < 0) {
		if (errno == EEXIST)
			return ceh_fail(e, CEH_ESTATE,
			    "cannot move '%s': '%s' already exists", from, to);
		return ceh_fail_errno(e, "cannot move '%s'", from);
	}
	crash_point("move-after-rename");
	if (sync == TEMP_NOSYNC)
		return 0;
	if (fsync_dir(todir, towhere && towhere[0] ? towhere : ".", e) < 0)
		return -1;
	return fsync_dir(fromdir, fromwhere && fromwhere[0] ? fromwhere : ".",
	    e);
}

int
read_file_at(int dirfd, const char *name, size_t max, char **out,
    size_t *lenp, struct ceh_err *e)
{
	struct stat st;
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	int fd;

	/* O_NONBLOCK: opening a FIFO planted in the store must not hang;
	 * it is refused below as not a regular file */
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return ceh_fail(e, CEH_ENOTFOUND, "'%s' not found",
			    name);
		if (errno == ELOOP)
			return ceh_fail(e, CEH_EINPUT,
			    "'%s' is a symbolic link; refusing to follow it",
			    name);
		return ceh_fail_errno(e, "cannot open '%s'", name);
	}
	if (fstat(fd, &st) < 0) {
		ceh_fail_errno(e, "cannot stat '%s'", name);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ceh_fail(e, CEH_EINPUT, "'%s' is not a regular file", name);
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		ceh_fail(e, CEH_EINPUT, "'%s' is too large (%lld bytes, "
		    "limit %zu)", name, (long long)st.st_size, max);
		goto fail;
	}
	sb_grow(&sb, (size_t)st.st_size);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			ceh_fail_errno(e, "cannot read '%s'", name);
			goto fail;
		}
		if (r == 0)
			break;
		if (sb.len + (size_t)r > max) {
			ceh_fail(e, CEH_EINPUT, "'%s' is too large (limit "
			    "%zu bytes)", name, max);
			goto fail;
		}
		sb_add(&sb, buf, (size_t)r);
	}
	close(fd);
	*lenp = sb.len;
	*out = sb_detach(&sb);
	return 0;
fail:
	close(fd);
	sb_release(&sb);
	return -1;
}

int
open_dir_at(int dirfd, const char *name, int create, struct ceh_err *e)
{
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (fault_hit("mkdir")) {
			errno = EIO;
			return ceh_fail_errno(e, "cannot create directory "
			    "'%s'", name);
		}
		if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
			return ceh_fail_errno(e, "cannot create directory "
			    "'%s'", name);
		if (fsync_dir(dirfd, name, e) < 0)
			return -1;
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return ceh_fail(e, CEH_ENOTFOUND, "'%s' not found",
			    name);
		if (errno == ELOOP || errno == ENOTDIR)
			return ceh_fail(e, CEH_EINPUT, "'%s' is not a "
			    "directory (symbolic links are not followed)",
			    name);
		return ceh_fail_errno(e, "cannot open directory '%s'", name);
	}
	return fd;
}

int
dir_each(int dirfd, int (*fn)(int dirfd, const char *name, void *arg),
    void *arg)
{
	struct dirent *d;
	DIR *dir;
	int fd, rc = 0;

	if ((fd = dup(dirfd)) < 0)
		return -1;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	rewinddir(dir);	/* the dup shares its offset with dirfd */
	while (rc == 0 && (d = readdir(dir)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			rc = fn(dirfd, d->d_name, arg);
	closedir(dir);
	return rc;
}

/* ---- locks ---- */

/* Busy: the holder's pid and host, as recorded in the file. */
static int
lock_busy(int fd, const char *path, struct ceh_err *e)
{
	char info[256];
	ssize_t n = pread(fd, info, sizeof(info) - 1, 0);

	info[n > 0 ? n : 0] = '\0';
	info[strcspn(info, "\n")] = '\0';
	close(fd);
	return ceh_fail(e, CEH_ESTATE, "'%s' is locked by another ceh (%s); "
	    "retry later or use --wait", path, info[0] ? info :
	    "unknown holder");
}

int
lock_take(int dirfd, const char *where, const char *name, int wait_secs,
    struct lock *lk, struct ceh_err *e)
{
	struct timespec delay = { 0, 20 * 1000 * 1000 };
	time_t deadline = time(NULL) + wait_secs;
	char info[256], host[64] = "?", path[WHERE_MAX + TEMP_NAME_MAX];
	int fd;

	lk->fd = -1;
	where_name(where, name, path, sizeof(path));
	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return ceh_fail_errno(e, "cannot open lock '%s'", path);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			ceh_fail_errno(e, "cannot lock '%s'", path);
			close(fd);
			return -1;
		}
		if (time(NULL) >= deadline)
			return lock_busy(fd, path, e);
		nanosleep(&delay, NULL);
		if (delay.tv_nsec < 200 * 1000 * 1000)
			delay.tv_nsec *= 2;
	}
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(info, sizeof(info), "pid %ld on %s\n", (long)getpid(), host);
	if (ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, info, strlen(info), 0);
	lk->fd = fd;
	return 0;
}

void
lock_release(struct lock *lk)
{
	if (lk->fd >= 0) {
		flock(lk->fd, LOCK_UN);
		close(lk->fd);
	}
	lk->fd = -1;
}
