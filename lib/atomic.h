/*
 * atomic.h - the one way ceh changes a file, and the one way it reads one.
 *
 * atomic_write() publishes a whole file or nothing:
 *   1. create ".tmp.NAME.PID.RAND" in the target directory with
 *      O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0600 (personal data);
 *   2. write everything; 3. fsync; 4. close (checked);
 *   5. renameat over NAME; 6. fsync the directory.
 * On any failure the temp file is unlinked, NAME is untouched and the
 * error is class 5 with errno (ENOSPC included).  A temp file left by a
 * kill -9 starts with ".tmp." and is ignored by every reader and removed
 * by fsck --repair.
 *
 * move_file() moves NAME between two directories of one store with
 * renameat2(RENAME_NOREPLACE), then fsyncs both directories: a second
 * copy is never created and an existing target is never overwritten.
 *
 * Every step passes a fault point (see fault.h): "write", "fsync",
 * "rename" can be made to fail and crash points "atomic-before-rename",
 * "atomic-after-rename", "move-before-rename", "move-after-rename" kill
 * the process there.
 *
 * All functions take directory descriptors (openat family) and refuse to
 * follow symbolic links.
 */
#ifndef CEH_ATOMIC_H
#define CEH_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

struct ceh_err;

int atomic_write(int dirfd, const char *name, const void *data, size_t len,
    struct ceh_err *e);
/* Like atomic_write but fails with class 4 if NAME already exists
 * (link(2) of the temp file: Maildir's way to detect a collision). */
int atomic_create(int dirfd, const char *name, const void *data, size_t len,
    struct ceh_err *e);
int move_file(int fromdir, const char *from, int todir, const char *to,
    struct ceh_err *e);
int fsync_dir(int dirfd, const char *what, struct ceh_err *e);

/* Read a regular file (not a symlink) of at most max bytes into a
 * NUL-terminated buffer the caller frees.  ENOENT is class 3. */
int read_file_at(int dirfd, const char *name, size_t max, char **out,
    size_t *len, struct ceh_err *e);

/* Open (creating with mode 0700 if asked) a directory below dirfd without
 * following symlinks.  Returns the fd or -1.  ENOENT is class 3. */
int open_dir_at(int dirfd, const char *name, int create, struct ceh_err *e);

/* 1 if NAME is a temp file of atomic_write (".tmp." prefix). */
int is_temp_name(const char *name);

/*
 * A writer lock that cannot go stale: flock(2) on a file that is never
 * deleted (nq's protocol).  The kernel drops it when the process dies.
 * lock_take waits up to wait_secs (0: not at all); busy is class 4 and the
 * message names the holder recorded in the file.
 */
struct lock {
	int fd;
};
int lock_take(int dirfd, const char *name, int wait_secs, struct lock *lk,
    struct ceh_err *e);
void lock_release(struct lock *lk);

/* Remove registered temp files; called from atexit and signal handlers. */
void atomic_cleanup(void);

#endif
