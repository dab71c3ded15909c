#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

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
#include "i18n.h"
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
		return ceh_fail(e, CEH_ESYS, _("file name too long: '%.200s'"),
		    target);
	t->fd = openat(dirfd, t->name, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (t->fd < 0)
		return ceh_fail_errno(e, _("cannot create '%s'"),
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

/* Fail with fmt ("cannot write '%s'", translated; '%s' the file) with
 * errno kept, and roll back. */
static int
temp_fail(struct tempfile *t, const char *fmt, struct ceh_err *e)
{
	char path[WHERE_MAX + TEMP_NAME_MAX];
	int saved = errno, had = t->active;

	temp_rollback(t);
	/* the temp file's inode is freed: durable before anything new */
	if (had)
		(void)fsync(t->dirfd);
	errno = saved;
	return ceh_fail_errno(e, fmt, shown(t, t->target, path, sizeof(path)));
}

int
temp_write(struct tempfile *t, const void *data, size_t len,
    struct ceh_err *e)
{
	if (fault_hit("write")) {
		errno = ENOSPC;
		return temp_fail(t, _("cannot write '%s'"), e);
	}
	if (write_all(t->fd, data, len) < 0)
		return temp_fail(t, _("cannot write '%s'"), e);
	return 0;
}

int
temp_close(struct tempfile *t, enum temp_sync sync, struct ceh_err *e)
{
	int fd = t->fd;

	if (sync == TEMP_SYNC) {
		if (fault_hit("fsync")) {
			errno = EIO;
			return temp_fail(t, _("cannot write '%s'"), e);
		}
		if (fsync(fd) < 0)
			return temp_fail(t, _("cannot write '%s'"), e);
	}
	t->fd = -1;
	if (close(fd) < 0)
		return temp_fail(t, _("cannot write '%s'"), e);
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
		return temp_fail(t, _("cannot replace '%s'"), e);
	}
	if (renameat(t->dirfd, t->name, t->dirfd, t->target) < 0)
		return temp_fail(t, _("cannot replace '%s'"), e);
	temp_unregister(t);
	crash_point("atomic-after-rename");
	return 0;
}

/* ---- what the file system can do (fs_caps) ---- */

static struct fs_caps caps;

/* 1 if the comma-separated list v holds the word tok. */
static int
list_has(const char *v, const char *tok)
{
	size_t n = strlen(tok);
	const char *p;

	for (p = v; p && (p = strstr(p, tok)) != NULL; p += n)
		if ((p == v || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

/* CEH_FS_COMPAT (test-only, man/ceh.1): the fallbacks forced, whatever
 * the file system can do; "noflock": lock_take takes no lock, as on a
 * shared folder whose flock does not reach the other computers. */
static void
caps_forced(void)
{
	const char *v = getenv("CEH_FS_COMPAT");

	if (v == NULL)
		return;
	if (list_has(v, "nolink"))
		caps.no_link = caps.forced = 1;
	if (list_has(v, "norename2"))
		caps.no_rename2 = caps.forced = 1;
	if (list_has(v, "nomodes"))
		caps.no_modes = caps.forced = 1;
	if (list_has(v, "noflock"))
		caps.no_flock = caps.forced = 1;
}

const struct fs_caps *
fs_caps(void)
{
	if (!caps.loaded) {
		caps.loaded = 1;
		caps_forced();
	}
	return &caps;
}

/* The mount table's name of the file system holding dev, into out. */
static void
mount_type(dev_t dev, char *out, size_t size)
{
	char line[4096], want[32], *dash;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	out[0] = '\0';
	if (f == NULL)
		return;
	snprintf(want, sizeof(want), " %u:%u ", major(dev), minor(dev));
	while (fgets(line, sizeof(line), f))
		if (strstr(line, want) && (dash = strstr(line, " - ")) != NULL) {
			dash += 3;
			snprintf(out, size, "%.*s", (int)strcspn(dash, " \n"),
			    dash);
			break;
		}
	fclose(f);
}

/* statfs(2) magic numbers of file systems without Unix modes or hard
 * links (the kernel's drivers; FUSE ones are told by the mount table) */
#define FS_MSDOS 0x4d44
#define FS_EXFAT 0x2011BAB0
#define FS_NTFS 0x5346544e
#define FS_NTFS3 0x7366746e
#define FS_SMB 0x517B
#define FS_CIFS 0xFF534D42
#define FS_SMB2 0xFE534D42
#define FS_FUSE 0x65735546

void
fs_probe(int dirfd)
{
	struct statfs sf;
	struct stat st;
	long t;

	(void)fs_caps();
	if (fstatfs(dirfd, &sf) < 0 || fstat(dirfd, &st) < 0)
		return;
	t = (long)sf.f_type;
	if (t == FS_FUSE)
		mount_type(st.st_dev, caps.fstype, sizeof(caps.fstype));
	if (t == FS_MSDOS || t == FS_EXFAT || t == FS_SMB || t == FS_CIFS ||
	    t == FS_SMB2)
		caps.no_link = 1;
	if (t == FS_MSDOS || t == FS_EXFAT || t == FS_NTFS || t == FS_NTFS3 ||
	    t == FS_SMB || t == FS_CIFS || t == FS_SMB2 ||
	    strcmp(caps.fstype, "fuseblk") == 0 || strstr(caps.fstype, "fat") ||
	    strstr(caps.fstype, "ntfs"))
		caps.no_modes = 1;
}

/* linkat and renameat2 failing this way say the file system cannot (no
 * hard links on FAT, exFAT, SMB; no RENAME_NOREPLACE on FUSE 2): nothing
 * was changed, and the fallback is used from now on. */
static int
unsupported(int err)
{
	return err == EPERM || err == EINVAL || err == ENOSYS ||
	    err == EOPNOTSUPP || err == ENOTSUP;
}

/*
 * Publish temp as its target, failing if the target exists, the best way
 * the file system allows: link(2) (then the temp name goes); without hard
 * links renameat2(RENAME_NOREPLACE); without that a claim: the target
 * created empty with O_EXCL, then the temp renamed over it.  The caller
 * holds the lock of the target's writers, so nobody else claims or fills
 * the name meanwhile; a crash between claim and rename leaves an empty
 * target, which is never a valid file of the store (person_repair
 * removes it).  Returns 0, 1 if the target exists, -1 with errno.
 */
static int
publish_new(int dirfd, const char *from, const char *to, int *unlink_from)
{
	const struct fs_caps *c = fs_caps();
	int fd;

	*unlink_from = 0;
	if (!c->no_link) {
		if (linkat(dirfd, from, dirfd, to, 0) == 0) {
			*unlink_from = 1;
			return 0;
		}
		if (errno == EEXIST)
			return 1;
		if (!unsupported(errno))
			return -1;
		caps.no_link = 1;
	}
	if (!c->no_rename2) {
		if (renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno == EEXIST)
			return 1;
		if (!unsupported(errno))
			return -1;
		caps.no_rename2 = 1;
	}
	fd = openat(dirfd, to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 1 : -1;
	close(fd);
	crash_point("atomic-after-claim");
	if (renameat(dirfd, from, dirfd, to) == 0)
		return 0;
	unlinkat(dirfd, to, 0);
	return -1;
}

int
temp_commit_new(struct tempfile *t, struct ceh_err *e)
{
	char path[WHERE_MAX + TEMP_NAME_MAX];
	int rc, linked;

	crash_point("atomic-before-rename");
	if (fault_hit("link")) {
		errno = EIO;
		return temp_fail(t, _("cannot create '%s'"), e);
	}
	rc = publish_new(t->dirfd, t->name, t->target, &linked);
	if (rc < 0)
		return temp_fail(t, _("cannot create '%s'"), e);
	if (rc == 1) {
		temp_rollback(t);
		return ceh_fail(e, CEH_ESTATE, _("'%s' already exists"),
		    shown(t, t->target, path, sizeof(path)));
	}
	if (linked)
		temp_rollback(t);	/* the temp name only; the target stays */
	else
		temp_unregister(t);
	crash_point("atomic-after-rename");
	return 0;
}

/* ---- the sweep of leftovers ---- */

/* fmt: the translated sentence, '%s' the path (then strerror) */
static void
sweep_say(struct sweep *sw, const char *fmt, const char *path,
    const char *why)
{
	char msg[WHERE_MAX + TEMP_NAME_MAX + 400];

	if (sw->say == NULL)
		return;
	snprintf(msg, sizeof(msg), fmt, path, why);
	sw->say(sw->arg, msg);
}

void
temp_sweep_one(int dirfd, const char *where, const char *name,
    struct sweep *sw)
{
	char path[WHERE_MAX + TEMP_NAME_MAX];

	where_name(where, name, path, sizeof(path));
	sw->found++;
	if (!sw->repair) {
		sweep_say(sw, _("%s: temp file of an interrupted write"),
		    path, "");
		return;
	}
	if (unlinkat(dirfd, name, 0) == 0) {
		sw->removed++;
		sweep_say(sw, _("%s: temp file of an interrupted write, "
		    "removed"), path, "");
		return;
	}
	sweep_say(sw, _("%s: temp file of an interrupted write, cannot "
	    "remove it: %s"), path, strerror(errno));
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
		return ceh_fail_errno(e, _("cannot read '%s'"),
		    where && where[0] ? where : ".");
	return 0;
}

/* ---- whole files ---- */

int
fsync_dir(int dirfd, const char *what, struct ceh_err *e)
{
	if (fault_hit("fsync")) {
		errno = EIO;
		return ceh_fail_errno(e, _("cannot sync directory '%s'"), what);
	}
	if (fsync(dirfd) < 0 && errno != EINVAL)
		return ceh_fail_errno(e, _("cannot sync directory '%s'"), what);
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
		ceh_err_prefix(e, _("'%s' is written but may not survive a "
		    "power loss"), where_name(where, name, path, sizeof(path)));
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

/* The copy of a move where there are no hard links: NAME copied into
 * todir through a temp file and published without overwriting. */
static int
copy_into(int fromdir, const char *from, int todir, const char *towhere,
    const char *name, enum temp_sync sync, struct ceh_err *e)
{
	struct tempfile t;
	char buf[65536];
	ssize_t n;
	int fd, rc = 0;

	fd = openat(fromdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ceh_fail_errno(e, _("cannot move '%s'"), from);
	if (temp_create(&t, todir, towhere, name, e) < 0) {
		close(fd);
		return -1;
	}
	while (rc == 0 && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ceh_fail_errno(e, _("cannot move '%s'"), from);
			temp_rollback(&t);
			rc = -1;
		} else
			rc = temp_write(&t, buf, (size_t)n, e);
	}
	close(fd);
	if (rc == 0 && (rc = temp_close(&t, sync, e)) == 0)
		rc = temp_commit_new(&t, e);
	return rc;
}

int
move_begin(int fromdir, const char *fromwhere, int todir,
    const char *towhere, const char *name, enum temp_sync sync,
    struct ceh_err *e)
{
	char from[WHERE_MAX + TEMP_NAME_MAX], to[WHERE_MAX + TEMP_NAME_MAX];
	int rc = -1;

	where_name(fromwhere, name, from, sizeof(from));
	where_name(towhere, name, to, sizeof(to));
	crash_point("move-before-rename");
	if (fault_hit("rename")) {
		errno = EIO;
		return ceh_fail_errno(e, _("cannot move '%s'"), from);
	}
	if (!fs_caps()->no_link) {
		rc = linkat(fromdir, name, todir, name, 0);
		if (rc < 0 && unsupported(errno))
			caps.no_link = 1;
		else if (rc < 0 && errno == EEXIST)
			return ceh_fail(e, CEH_ESTATE,
			    _("cannot move '%s': '%s' already exists"), from, to);
		else if (rc < 0)
			return ceh_fail_errno(e, _("cannot move '%s'"), from);
	}
	/* without hard links a copy, always synced: its claim (if any) is
	 * freed by the rename over it and must be durable at once */
	if (rc < 0 && (sync = TEMP_SYNC, copy_into(fromdir, from, todir,
	    towhere, name, sync, e)) < 0) {
		if (e->code == CEH_ESTATE)
			return ceh_fail(e, CEH_ESTATE,
			    _("cannot move '%s': '%s' already exists"), from, to);
		return -1;
	}
	if (sync == TEMP_SYNC && fsync_dir(todir, towhere && towhere[0] ?
	    towhere : ".", e) < 0) {
		/* not durable: take the new name back, the move never was */
		unlinkat(todir, name, 0);
		return -1;
	}
	crash_point("move-after-link");
	return 0;
}

int
move_end(int fromdir, const char *fromwhere, const char *name,
    enum temp_sync sync, struct ceh_err *e)
{
	char from[WHERE_MAX + TEMP_NAME_MAX];

	where_name(fromwhere, name, from, sizeof(from));
	if (unlinkat(fromdir, name, 0) < 0 && errno != ENOENT)
		return ceh_fail_errno(e, _("cannot remove '%s' after moving it"),
		    from);
	crash_point("move-after-rename");
	if (sync == TEMP_NOSYNC)
		return 0;
	return fsync_dir(fromdir, fromwhere && fromwhere[0] ? fromwhere : ".",
	    e);
}

int
move_file(int fromdir, const char *fromwhere, int todir, const char *towhere,
    const char *name, enum temp_sync sync, struct ceh_err *e)
{
	if (move_begin(fromdir, fromwhere, todir, towhere, name, sync, e) < 0)
		return -1;
	return move_end(fromdir, fromwhere, name, sync, e);
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
			return ceh_fail(e, CEH_ENOTFOUND, _("'%s' not found"),
			    name);
		if (errno == ELOOP)
			return ceh_fail(e, CEH_EINPUT,
			    _("'%s' is a symbolic link; refusing to follow it"),
			    name);
		return ceh_fail_errno(e, _("cannot open '%s'"), name);
	}
	if (fstat(fd, &st) < 0) {
		ceh_fail_errno(e, _("cannot stat '%s'"), name);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ceh_fail(e, CEH_EINPUT, _("'%s' is not a regular file"), name);
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		ceh_fail(e, CEH_EINPUT, _("'%s' is too large (%lld bytes, "
		    "limit %zu)"), name, (long long)st.st_size, max);
		goto fail;
	}
	sb_grow(&sb, (size_t)st.st_size);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			ceh_fail_errno(e, _("cannot read '%s'"), name);
			goto fail;
		}
		if (r == 0)
			break;
		if (sb.len + (size_t)r > max) {
			ceh_fail(e, CEH_EINPUT, _("'%s' is too large (limit "
			    "%zu bytes)"), name, max);
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
			return ceh_fail_errno(e, _("cannot create directory "
			    "'%s'"), name);
		}
		if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
			return ceh_fail_errno(e, _("cannot create directory "
			    "'%s'"), name);
		if (fsync_dir(dirfd, name, e) < 0)
			return -1;
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		if (errno == ENOENT)
			return ceh_fail(e, CEH_ENOTFOUND, _("'%s' not found"),
			    name);
		if (errno == ELOOP || errno == ENOTDIR)
			return ceh_fail(e, CEH_EINPUT, _("'%s' is not a "
			    "directory (symbolic links are not followed)"),
			    name);
		return ceh_fail_errno(e, _("cannot open directory '%s'"), name);
	}
	return fd;
}

/*
 * dir_each reads the whole listing first, on dirfd itself (lseek to the
 * start, then getdents64 until the end: 3 system calls for a small
 * folder, where dup, fdopendir, rewinddir, readdir and closedir made 8
 * and a 32 KB allocation), then calls fn for each name: fn may open,
 * rename, remove or list anything, dirfd included.  A listing longer
 * than the buffer on the stack goes on the heap.
 */
#define LISTING_STACK 16384

int
dir_each(int dirfd, int (*fn)(int dirfd, const char *name, void *arg),
    void *arg)
{
	union {
		struct dirent64 d;	/* the records' alignment */
		char b[LISTING_STACK];
	} stack;
	char *buf = stack.b;
	size_t cap = sizeof(stack), len = 0, off;
	ssize_t n;
	int rc = 0;

	if (lseek(dirfd, 0, SEEK_SET) < 0)
		return -1;
	for (;;) {
		if (cap - len < 2048) {	/* room for the longest name */
			char *more = xmalloc(cap * 2);

			memcpy(more, buf, len);
			if (buf != stack.b)
				free(buf);
			buf = more;
			cap *= 2;
		}
		if ((n = getdents64(dirfd, buf + len, cap - len)) < 0) {
			int saved = errno;

			if (buf != stack.b)
				free(buf);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	for (off = 0; rc == 0 && off < len; ) {
		const struct dirent64 *d = (const struct dirent64 *)(buf + off);

		off += d->d_reclen;
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			rc = fn(dirfd, d->d_name, arg);
	}
	if (buf != stack.b)
		free(buf);
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
	return ceh_fail(e, CEH_ESTATE, _("'%s' is locked by another ceh (%s); "
	    "retry later or use --wait"), path, info[0] ? info :
	    _("unknown holder"));
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
		return ceh_fail_errno(e, _("cannot open lock '%s'"), path);
	while (!fs_caps()->no_flock && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			ceh_fail_errno(e, _("cannot lock '%s'"), path);
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

/* File systems whose flock may not reach another computer: SMB/CIFS,
 * FUSE (locks local to the kernel unless the daemon forwards them), 9p. */
static int
fs_remote(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) < 0)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case 0xff534d42UL:	/* CIFS */
	case 0xfe534d42UL:	/* SMB2 */
	case 0x517bUL:		/* SMB */
	case 0x65735546UL:	/* FUSE */
	case 0x01021997UL:	/* 9p */
		return 1;
	default:
		return 0;
	}
}

int
lock_probe(int dirfd, const char *where, const char *name,
    const struct lock *lk, struct ceh_err *e)
{
	char path[WHERE_MAX + TEMP_NAME_MAX];
	int fd, err;

	where_name(where, name, path, sizeof(path));
	fd = openat(dirfd, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ceh_fail_errno(e, _("cannot open lock '%s'"), path);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		flock(fd, LOCK_UN);
		close(fd);
		return LOCKS_NONE;
	}
	err = errno;
	close(fd);
	if (err != EWOULDBLOCK) {
		errno = err;
		return ceh_fail_errno(e, _("cannot lock '%s'"), path);
	}
	return fs_remote(lk->fd) ? LOCKS_LOCAL : LOCKS_OK;
}

void
lock_release(struct lock *lk)
{
	if (lk->fd >= 0) {
		/* empty again before the unlock, while still ours: a lock
		 * file not held is empty, so a command leaves it as it was */
		(void)!ftruncate(lk->fd, 0);
		flock(lk->fd, LOCK_UN);
		close(lk->fd);
	}
	lk->fd = -1;
}
