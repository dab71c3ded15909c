/*
 * atomic.h - the one way ceh changes a file, and the one way it reads one.
 *
 * Temp files (git's tempfile model).  Every new content is written to a
 * temp file beside its target and published by one rename:
 *
 *   temp_create   ".tmp.TARGET.PID.RAND" in the target's directory,
 *                 O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0600 (personal
 *                 data); from here on the file is registered and removed
 *                 by an atexit or signal handler (SIGINT, SIGTERM, SIGHUP)
 *                 of the process that made it (owner pid checked), until
 *                 it is committed or rolled back;
 *   temp_write    all of the data (may be called again);
 *   temp_close    with TEMP_SYNC fsync first, then close (checked);
 *   temp_commit   rename over TARGET (the commit point; the directory is
 *                 not synced: the caller decides, see atomic_write);
 *   temp_commit_new  publish as TARGET without replacing it, class 4 if
 *                 it exists: link(2) to TARGET then remove the temp name
 *                 (Maildir's collision check); where the file system has
 *                 no hard links renameat2(RENAME_NOREPLACE); where it has
 *                 neither, a claim: TARGET created empty with O_EXCL,
 *                 then the temp renamed over it (crash point
 *                 "atomic-after-claim" between), so a crash can leave an
 *                 empty TARGET, which is never a valid file of the store:
 *                 person_repair removes it;
 *   temp_rollback close and remove; a no-op when not active.
 *
 * A struct tempfile is the caller's (stack or heap) and must stay in place
 * while active: the registry points at it.  Every failure rolls the temp
 * file back.  A kill -9 leaves ".tmp.*" behind: every reader skips dot
 * files, and temp_sweep (the one sweep, run under the lock its writers
 * hold: person_lock, fsck) removes them.
 *
 * atomic_write() is temp_file + temp_commit + fsync of the directory:
 * the whole new content or the old, never a mix; on a failure before the
 * rename NAME is untouched (class 5 with errno, ENOSPC included).
 *
 * move_file() moves NAME between two directories of one store, never
 * replacing an existing target, in two steps a power loss cannot undo
 * out of order even without a journal: move_begin links NAME into the
 * target directory (where there are no hard links: copies it there
 * through a temp file published by temp_commit_new, synced), with sync
 * fsyncing the target directory; move_end removes the source name, with
 * sync fsyncing the source directory.  A rename between two directories
 * is two directory writes that ext2 may write back in either order (the
 * file in neither folder); link then unlink is never worse than the file
 * in both folders, with the same bytes, which person_repair resolves.
 * A batch calls the two steps apart with a syncfs between (workflow.h).
 *
 * What the file system can do is learnt once per process (fs_caps): a
 * link(2) or renameat2 refused as unsupported (EPERM, EINVAL, ENOTSUP:
 * FAT, exFAT, SMB have no hard links, FUSE 2 and ntfs-3g no
 * RENAME_NOREPLACE) changes nothing, and from then on the fallback is
 * used without trying again; no probe file is written (read-only stores
 * and commands stay untouched).  fs_probe (at store open) adds what
 * statfs(2) and the mount table tell without writing: whether files have
 * Unix modes (not on FAT, exFAT, NTFS, SMB).  The environment variable
 * CEH_FS_COMPAT (test-only, ceh(1)) forces fallbacks: "nolink",
 * "norename2", "nomodes", comma-separated.
 *
 * Messages name files by their path from the store root: the functions
 * that take "where" (the directory's path from the store root, NULL for
 * the root itself or a directory outside the store) print WHERE/NAME.
 *
 * Fault points (fault.h): "write", "fsync", "rename", "link", "mkdir" can
 * be made to fail; crash points "atomic-before-rename",
 * "atomic-after-rename" (every temp commit), "atomic-after-claim",
 * "move-before-rename", "move-after-link" (the target name made, the
 * source still there) and "move-after-rename" (the source name removed)
 * kill the process there.
 *
 * All functions take directory descriptors (openat family) and refuse to
 * follow symbolic links.
 */
#ifndef CEH_ATOMIC_H
#define CEH_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

struct ceh_err;

#define TEMP_NAME_MAX 256
#define WHERE_MAX 96

enum temp_sync { TEMP_NOSYNC, TEMP_SYNC };

struct tempfile {
	struct tempfile *volatile next, *volatile prev;	/* the registry */
	volatile int active;	/* created, not committed nor rolled back */
	pid_t owner;
	int dirfd;		/* borrowed: must stay open while active */
	int fd;			/* open while being written, else -1 */
	char where[WHERE_MAX];	/* dirfd's path from the store root, or "" */
	char name[TEMP_NAME_MAX];	/* the temp name */
	char target[TEMP_NAME_MAX];	/* the name it commits to */
};

int temp_create(struct tempfile *t, int dirfd, const char *where,
    const char *target, struct ceh_err *e);
int temp_write(struct tempfile *t, const void *data, size_t len,
    struct ceh_err *e);
int temp_close(struct tempfile *t, enum temp_sync sync, struct ceh_err *e);
int temp_commit(struct tempfile *t, struct ceh_err *e);
int temp_commit_new(struct tempfile *t, struct ceh_err *e);
void temp_rollback(struct tempfile *t);
/* temp_create + temp_write + temp_close: a closed temp file holding data,
 * ready to commit (or, on failure, nothing). */
int temp_file(struct tempfile *t, int dirfd, const char *where,
    const char *target, const void *data, size_t len, enum temp_sync sync,
    struct ceh_err *e);

/* 1 if NAME is a temp file (".tmp." prefix). */
int is_temp_name(const char *name);

/*
 * The one sweep of leftovers.  temp_sweep visits dirfd and handles every
 * name for which leftover(name) holds (NULL: is_temp_name); temp_sweep_one
 * handles one name for a caller that classifies names itself.  Each is
 * said as "WHERE/NAME: temp file of an interrupted write", and with
 * sw->repair removed (", removed") or, failing that, ", cannot remove it:
 * ERROR".  Call it only holding the lock the files' writers hold.
 * temp_sweep returns -1 (class 5) only if the folder cannot be read.
 */
struct sweep {
	int repair;			/* remove (else only report) */
	long found, removed;		/* leftovers seen; removed of them */
	void (*say)(void *arg, const char *msg);	/* may be NULL */
	void *arg;
};
int temp_sweep(int dirfd, const char *where, int (*leftover)(const char *),
    struct sweep *sw, struct ceh_err *e);
void temp_sweep_one(int dirfd, const char *where, const char *name,
    struct sweep *sw);

/* Publish data as NAME in dirfd: temp file, fsync, rename, fsync of the
 * directory.  A failed directory sync says NAME is written but may not
 * survive a power loss. */
int atomic_write(int dirfd, const char *name, const void *data, size_t len,
    struct ceh_err *e);
int atomic_write_at(int dirfd, const char *where, const char *name,
    const void *data, size_t len, struct ceh_err *e);
/* Like atomic_write but fails with class 4 if NAME already exists
 * (temp_commit_new); a failed directory sync takes NAME back. */
int atomic_create(int dirfd, const char *name, const void *data, size_t len,
    struct ceh_err *e);
int atomic_create_at(int dirfd, const char *where, const char *name,
    const void *data, size_t len, struct ceh_err *e);
/* Move NAME from fromdir to todir (never replacing; class 4 if the target
 * exists): move_begin + move_end; with TEMP_SYNC both directories are
 * synced, the target's first. */
int move_file(int fromdir, const char *fromwhere, int todir,
    const char *towhere, const char *name, enum temp_sync sync,
    struct ceh_err *e);
/* The target name made (a failed sync takes it back); then the source
 * name removed (absent is fine). */
int move_begin(int fromdir, const char *fromwhere, int todir,
    const char *towhere, const char *name, enum temp_sync sync,
    struct ceh_err *e);
int move_end(int fromdir, const char *fromwhere, const char *name,
    enum temp_sync sync, struct ceh_err *e);

/* What the file system of the store can do (see the top). */
struct fs_caps {
	int loaded;
	int forced;		/* CEH_FS_COMPAT set some of these */
	int no_link;		/* no hard links */
	int no_rename2;		/* no renameat2(RENAME_NOREPLACE) */
	int no_modes;		/* no Unix modes (FAT, exFAT, NTFS, SMB) */
	int no_flock;		/* flock keeps nobody out (test-only) */
	char fstype[32];	/* as the mount table names it, or "" */
};
/* The process's view (learnt as it goes); valid for the process. */
const struct fs_caps *fs_caps(void);
/* At store open: statfs of dirfd and the mount table, no write. */
void fs_probe(int dirfd);
/* fsync a directory; what names it in the message. */
int fsync_dir(int dirfd, const char *what, struct ceh_err *e);

/* "WHERE/NAME", or NAME when where is NULL or "", into buf. */
const char *where_name(const char *where, const char *name, char *buf,
    size_t size);

/* Read a regular file (not a symlink) of at most max bytes into a
 * NUL-terminated buffer the caller frees.  ENOENT is class 3. */
int read_file_at(int dirfd, const char *name, size_t max, char **out,
    size_t *len, struct ceh_err *e);

/* Open (creating with mode 0700 if asked) a directory below dirfd without
 * following symlinks.  Returns the fd or -1.  ENOENT is class 3. */
int open_dir_at(int dirfd, const char *name, int create, struct ceh_err *e);

/* Call fn for every name in dirfd but "." and "..", in directory order,
 * until it returns non-zero, which must be > 0 (returned).  The listing
 * is read whole before the first call, so fn may change the folder or
 * list it again; a name it removes meanwhile is still given.  dirfd's
 * file offset is moved.  -1 with errno only if dirfd cannot be read. */
int dir_each(int dirfd, int (*fn)(int dirfd, const char *name, void *arg),
    void *arg);

/*
 * A writer lock that cannot go stale: flock(2) on a file that is never
 * deleted (nq's protocol).  The kernel drops it when the process dies.
 * lock_take waits up to wait_secs (0: not at all); busy is class 4 and the
 * message names WHERE/NAME and the holder recorded in the file.  The
 * holder ("pid N on HOST") is in the file only while it holds the lock:
 * lock_release empties it before unlocking, so a lock file not held is
 * empty and a command (a refused one too) leaves it byte for byte as it
 * found it (ceh-store(5)); a holder killed leaves its line, which the next
 * holder replaces.
 */
struct lock {
	int fd;
};
int lock_take(int dirfd, const char *where, const char *name, int wait_secs,
    struct lock *lk, struct ceh_err *e);
void lock_release(struct lock *lk);

/*
 * Whether locks work here, asked while holding lk (lock_take on the same
 * dirfd/name): a second open file description of the file tries to take
 * it too.  LOCKS_NONE: it got it, so flock keeps nobody out (a no-op, or
 * the test switch CEH_FS_COMPAT=noflock); LOCKS_LOCAL: it did not, but
 * the file system is one (SMB/CIFS, FUSE, 9p) whose locks may not reach
 * the other computers sharing it; LOCKS_OK.  -1 with e on an error.
 */
enum { LOCKS_OK, LOCKS_LOCAL, LOCKS_NONE };
int lock_probe(int dirfd, const char *where, const char *name,
    const struct lock *lk, struct ceh_err *e);

/* Remove this process's active temp files (atexit and signal handlers). */
void atomic_cleanup(void);

#endif
