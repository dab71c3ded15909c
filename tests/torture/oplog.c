/*
 * oplog.c - test-only recorder of what a process does to a store, for the
 * power-loss model (tests/torture/powerloss.py).  Built as a preloaded
 * library (LD_PRELOAD); it changes nothing, it only writes down every
 * system call that changes a file or a directory below $OPLOG_ROOT and
 * every call that makes something durable, in the order they return:
 *
 *   C PATH INO          a file created (open with O_CREAT, new name)
 *   M PATH INO          a directory made
 *   R FROM TO INO OLD   a rename (OLD: the inode replaced at TO, or 0)
 *   L FROM TO INO       a hard link
 *   U PATH INO          a name removed (unlink)
 *   D PATH INO          a directory removed
 *   W INO OFF LEN DOFF  LEN bytes written at OFF (the bytes are in the
 *                       data file $OPLOG.data at DOFF)
 *   T INO LEN           truncated to LEN (O_TRUNC or ftruncate)
 *   S INO               fsync or fdatasync of that file or directory
 *   F                   syncfs or sync: everything so far is durable
 *
 * Inodes are st_ino.  Calls that fail are not recorded (they changed
 * nothing).  Each line is one write(2) to a file opened O_APPEND, so a
 * process killed at a crash point leaves a log that ends at the last
 * completed call.  The recorder watches the calls ceh makes through libc
 * (open, openat, mkdir(at), rename(at,at2), link(at), unlink(at), rmdir,
 * write, pwrite, ftruncate, fsync, fdatasync, syncfs, sync); ceh has no
 * other way to change a store (libzip builds archives in memory).
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int logfd = -2, datafd = -1;
static char root[PATH_MAX];
static size_t rootlen;

#define REAL(ret, name, args) \
	static ret (*real_##name) args; \
	if (real_##name == NULL) \
		real_##name = (ret (*) args)dlsym(RTLD_NEXT, #name)

static int
sys_open(const char *path, int flags, mode_t mode)
{
	REAL(int, open, (const char *, int, ...));
	return real_open(path, flags, mode);
}

static void
setup(void)
{
	const char *lp = getenv("OPLOG"), *rp = getenv("OPLOG_ROOT");
	char data[PATH_MAX];

	logfd = -1;
	if (lp == NULL || rp == NULL || realpath(rp, root) == NULL)
		return;
	rootlen = strlen(root);
	snprintf(data, sizeof(data), "%s.data", lp);
	datafd = sys_open(data, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600);
	logfd = sys_open(lp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

static int
on(void)
{
	int saved = errno;

	if (logfd == -2)
		setup();
	errno = saved;
	return logfd >= 0;
}

/* The path of dirfd/name below the root, relative to it ("." for the
 * root), or NULL if it is outside. */
static const char *
rel(int dirfd, const char *name, char *buf, size_t size)
{
	char dir[PATH_MAX], link[64];
	ssize_t n;

	if (name && name[0] == '/')
		snprintf(dir, sizeof(dir), "%s", name);
	else {
		if (dirfd == AT_FDCWD) {
			if (getcwd(dir, sizeof(dir)) == NULL)
				return NULL;
		} else {
			snprintf(link, sizeof(link), "/proc/self/fd/%d",
			    dirfd);
			n = readlink(link, dir, sizeof(dir) - 1);
			if (n < 0)
				return NULL;
			dir[n] = '\0';
		}
		if (name && *name) {
			size_t l = strlen(dir);

			snprintf(dir + l, sizeof(dir) - l, "/%s", name);
		}
	}
	if (strncmp(dir, root, rootlen) != 0 ||
	    (dir[rootlen] != '/' && dir[rootlen] != '\0'))
		return NULL;
	snprintf(buf, size, "%s", dir[rootlen] ? dir + rootlen + 1 : ".");
	return buf;
}

static void
say(const char *fmt, ...)
{
	char line[3 * PATH_MAX];
	va_list ap;
	int n, saved = errno;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(line) - 1) {
		line[n++] = '\n';
		REAL(ssize_t, write, (int, const void *, size_t));
		(void)!real_write(logfd, line, (size_t)n);
	}
	errno = saved;
}

static unsigned long
ino_at(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return (unsigned long)st.st_ino;
}

static unsigned long
ino_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	return (unsigned long)st.st_ino;
}

/* The file behind fd is in the store. */
static int
fd_in(int fd)
{
	char buf[PATH_MAX];

	return fd >= 0 && fd != logfd && fd != datafd &&
	    rel(fd, NULL, buf, sizeof(buf)) != NULL;
}

static int
do_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	REAL(int, openat, (int, const char *, int, ...));
	char buf[PATH_MAX];
	const char *r = NULL;
	int existed = 1, fd;

	if (on() && (flags & (O_CREAT | O_TRUNC)) &&
	    (r = rel(dirfd, path, buf, sizeof(buf))) != NULL)
		existed = ino_at(dirfd, path) != 0;
	fd = real_openat(dirfd, path, flags, mode);
	if (fd >= 0 && r) {
		if (!existed)
			say("C\t%s\t%lu", r, ino_fd(fd));
		else if (flags & O_TRUNC)
			say("T\t%lu\t0", ino_fd(fd));
	}
	return fd;
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return do_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
	__attribute__((alias("openat")));

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return do_openat(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	REAL(int, mkdirat, (int, const char *, mode_t));
	char buf[PATH_MAX];
	int rc = real_mkdirat(dirfd, path, mode);

	if (rc == 0 && on() && rel(dirfd, path, buf, sizeof(buf)))
		say("M\t%s\t%lu", buf, ino_at(dirfd, path));
	return rc;
}

int
mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

int
renameat2(int fd1, const char *p1, int fd2, const char *p2, unsigned flags)
{
	REAL(int, renameat2, (int, const char *, int, const char *,
	    unsigned));
	char b1[PATH_MAX], b2[PATH_MAX];
	const char *r1 = NULL, *r2 = NULL;
	unsigned long ino = 0, old = 0;
	int rc;

	if (on() && (r1 = rel(fd1, p1, b1, sizeof(b1))) != NULL &&
	    (r2 = rel(fd2, p2, b2, sizeof(b2))) != NULL) {
		ino = ino_at(fd1, p1);
		old = ino_at(fd2, p2);
	}
	rc = real_renameat2(fd1, p1, fd2, p2, flags);
	if (rc == 0 && r1 && r2)
		say("R\t%s\t%s\t%lu\t%lu", r1, r2, ino, old);
	return rc;
}

int
renameat(int fd1, const char *p1, int fd2, const char *p2)
{
	return renameat2(fd1, p1, fd2, p2, 0);
}

int
rename(const char *p1, const char *p2)
{
	return renameat2(AT_FDCWD, p1, AT_FDCWD, p2, 0);
}

int
linkat(int fd1, const char *p1, int fd2, const char *p2, int flags)
{
	REAL(int, linkat, (int, const char *, int, const char *, int));
	char b1[PATH_MAX], b2[PATH_MAX];
	int rc = real_linkat(fd1, p1, fd2, p2, flags);

	if (rc == 0 && on() && rel(fd1, p1, b1, sizeof(b1)) &&
	    rel(fd2, p2, b2, sizeof(b2)))
		say("L\t%s\t%s\t%lu", b1, b2, ino_at(fd2, p2));
	return rc;
}

int
link(const char *p1, const char *p2)
{
	return linkat(AT_FDCWD, p1, AT_FDCWD, p2, 0);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	REAL(int, unlinkat, (int, const char *, int));
	char buf[PATH_MAX];
	const char *r = NULL;
	unsigned long ino = 0;
	int rc;

	if (on() && (r = rel(dirfd, path, buf, sizeof(buf))) != NULL)
		ino = ino_at(dirfd, path);
	rc = real_unlinkat(dirfd, path, flags);
	if (rc == 0 && r)
		say("%s\t%s\t%lu", flags & AT_REMOVEDIR ? "D" : "U", r, ino);
	return rc;
}

int
unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int
rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

static void
log_write(int fd, off_t off, const void *data, ssize_t n)
{
	REAL(ssize_t, write, (int, const void *, size_t));
	struct stat st;

	if (n <= 0 || datafd < 0 || fstat(datafd, &st) < 0)
		return;
	if (real_write(datafd, data, (size_t)n) != n)
		return;
	say("W\t%lu\t%lld\t%lld\t%lld", ino_fd(fd), (long long)off,
	    (long long)n, (long long)st.st_size);
}

ssize_t
write(int fd, const void *data, size_t len)
{
	REAL(ssize_t, write, (int, const void *, size_t));
	off_t off = -1;
	ssize_t n;
	int watch = on() && fd_in(fd);

	if (watch)
		off = lseek(fd, 0, SEEK_CUR);
	n = real_write(fd, data, len);
	if (watch && off >= 0)
		log_write(fd, off, data, n);
	return n;
}

ssize_t
pwrite(int fd, const void *data, size_t len, off_t off)
{
	REAL(ssize_t, pwrite, (int, const void *, size_t, off_t));
	ssize_t n = real_pwrite(fd, data, len, off);

	if (on() && fd_in(fd))
		log_write(fd, off, data, n);
	return n;
}

ssize_t pwrite64(int fd, const void *data, size_t len, off_t off)
	__attribute__((alias("pwrite")));

int
ftruncate(int fd, off_t len)
{
	REAL(int, ftruncate, (int, off_t));
	int rc = real_ftruncate(fd, len);

	if (rc == 0 && on() && fd_in(fd))
		say("T\t%lu\t%lld", ino_fd(fd), (long long)len);
	return rc;
}

int ftruncate64(int fd, off_t len) __attribute__((alias("ftruncate")));

int
fsync(int fd)
{
	REAL(int, fsync, (int));
	int rc = real_fsync(fd);

	if (rc == 0 && on() && fd_in(fd))
		say("S\t%lu", ino_fd(fd));
	return rc;
}

int
fdatasync(int fd)
{
	REAL(int, fdatasync, (int));
	int rc = real_fdatasync(fd);

	if (rc == 0 && on() && fd_in(fd))
		say("S\t%lu", ino_fd(fd));
	return rc;
}

int
syncfs(int fd)
{
	REAL(int, syncfs, (int));
	int rc = real_syncfs(fd);

	if (rc == 0 && on() && fd_in(fd))
		say("F");
	return rc;
}

void
sync(void)
{
	REAL(void, sync, (void));
	real_sync();
	if (on())
		say("F");
}
