#include <sys/file.h>
#include <sys/stat.h>

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

/* The temp file being written, so a signal can remove it.  One at a time
 * is enough: ceh writes one file after another. */
static struct {
	int dirfd;
	pid_t owner;
	char name[512];
} active = { -1, 0, "" };

void
atomic_cleanup(void)
{
	if (active.name[0] && active.owner == getpid())
		unlinkat(active.dirfd, active.name, 0);
	active.name[0] = '\0';
}

static void
on_signal(int sig)
{
	atomic_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
register_temp(int dirfd, const char *name)
{
	static int installed;

	if (!installed) {
		installed = 1;
		atexit(atomic_cleanup);
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
	}
	active.dirfd = dirfd;
	active.owner = getpid();
	snprintf(active.name, sizeof(active.name), "%s", name);
}

int
is_temp_name(const char *name)
{
	return strncmp(name, ".tmp.", 5) == 0;
}

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

/* Write data to a fresh temp file in dirfd; its name goes into tmp. */
static int
write_temp(int dirfd, const char *name, const void *data, size_t len,
    char *tmp, size_t tmpsize, struct ceh_err *e)
{
	unsigned rnd = 0;
	int fd;

	random_bytes(&rnd, sizeof(rnd));
	if ((size_t)snprintf(tmp, tmpsize, ".tmp.%.200s.%ld.%08x", name,
	    (long)getpid(), rnd) >= tmpsize)
		return ceh_fail(e, CEH_ESYS, "file name too long: '%s'", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0)
		return ceh_fail_errno(e, "cannot create '%s'", tmp);
	register_temp(dirfd, tmp);
	if (fault_hit("write")) {
		errno = ENOSPC;
		goto fail;
	}
	if (write_all(fd, data, len) < 0)
		goto fail;
	if (fault_hit("fsync")) {
		errno = EIO;
		goto fail;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	ceh_fail_errno(e, "cannot write '%s'", name);
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	active.name[0] = '\0';
	return -1;
}

int
atomic_write(int dirfd, const char *name, const void *data, size_t len,
    struct ceh_err *e)
{
	char tmp[512];

	if (write_temp(dirfd, name, data, len, tmp, sizeof(tmp), e) < 0)
		return -1;
	crash_point("atomic-before-rename");
	if (fault_hit("rename")) {
		errno = EIO;
		goto fail;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0)
		goto fail;
	active.name[0] = '\0';
	crash_point("atomic-after-rename");
	if (fsync_dir(dirfd, name, e) < 0) {
		/* the new content is in place: say so, a retry may find the
		 * change already made */
		ceh_err_prefix(e, "'%s' is written but may not survive a "
		    "power loss", name);
		return -1;
	}
	return 0;
fail:
	ceh_fail_errno(e, "cannot replace '%s'", name);
	unlinkat(dirfd, tmp, 0);
	active.name[0] = '\0';
	return -1;
}

int
atomic_create(int dirfd, const char *name, const void *data, size_t len,
    struct ceh_err *e)
{
	char tmp[512];

	if (write_temp(dirfd, name, data, len, tmp, sizeof(tmp), e) < 0)
		return -1;
	crash_point("atomic-before-rename");
	if (fault_hit("link")) {
		errno = EIO;
		goto fail;
	}
	if (linkat(dirfd, tmp, dirfd, name, 0) < 0) {
		if (errno == EEXIST) {
			unlinkat(dirfd, tmp, 0);
			active.name[0] = '\0';
			return ceh_fail(e, CEH_ESTATE, "'%s' already exists",
			    name);
		}
		goto fail;
	}
	unlinkat(dirfd, tmp, 0);
	active.name[0] = '\0';
	crash_point("atomic-after-rename");
	if (fsync_dir(dirfd, name, e) < 0) {
		/* NAME did not exist before (link would have failed): take
		 * it back, so a failure changes nothing and a retry cannot
		 * make a second copy (e.g. of an application) */
		unlinkat(dirfd, name, 0);
		return -1;
	}
	return 0;
fail:
	ceh_fail_errno(e, "cannot create '%s'", name);
	unlinkat(dirfd, tmp, 0);
	active.name[0] = '\0';
	return -1;
}

int
move_file(int fromdir, const char *from, int todir, const char *to,
    struct ceh_err *e)
{
	crash_point("move-before-rename");
	if (fault_hit("rename")) {
		errno = EIO;
		return ceh_fail_errno(e, "cannot move '%s'", from);
	}
	if (renameat2(fromdir, from, todir, to, RENAME_NOREPLACE) < 0) {
		if (errno == EEXIST)
			return ceh_fail(e, CEH_ESTATE,
			    "cannot move '%s': '%s' already exists", from, to);
		return ceh_fail_errno(e, "cannot move '%s'", from);
	}
	crash_point("move-after-rename");
	if (fsync_dir(todir, to, e) < 0)
		return -1;
	return fsync_dir(fromdir, from, e);
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
lock_take(int dirfd, const char *name, int wait_secs, struct lock *lk,
    struct ceh_err *e)
{
	struct timespec delay = { 0, 20 * 1000 * 1000 };
	time_t deadline = time(NULL) + wait_secs;
	char info[256], host[64] = "?";
	int fd;

	lk->fd = -1;
	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return ceh_fail_errno(e, "cannot open lock '%s'", name);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			ceh_fail_errno(e, "cannot lock '%s'", name);
			close(fd);
			return -1;
		}
		if (time(NULL) >= deadline) {
			ssize_t n = pread(fd, info, sizeof(info) - 1, 0);

			info[n > 0 ? n : 0] = '\0';
			info[strcspn(info, "\n")] = '\0';
			close(fd);
			return ceh_fail(e, CEH_ESTATE, "'%s' is locked by "
			    "another ceh (%s); retry later or use --wait",
			    name, info[0] ? info : "unknown holder");
		}
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
