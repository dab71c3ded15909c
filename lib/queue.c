#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "fault.h"
#include "queue.h"
#include "store.h"

/* A unit code as a folder name: 18 characters [0-9A-Z]. */
static int
unit_name_ok(const char *u)
{
	return strlen(u) == CREDIT_LEN &&
	    strspn(u, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == CREDIT_LEN;
}

static int
appid_name_ok(const char *id)
{
	struct app_ref r;
	struct ceh_err e;

	return app_ref_parse(id, &r, &e) == 0;
}

/* The folder of a unit's queue; -1 with class 3 if there is none. */
static int
unit_dir(struct store *s, const char *unit, int create, struct ceh_err *e)
{
	int qfd, ufd;

	if (!unit_name_ok(unit))
		return ceh_fail(e, CEH_EINPUT, "'%.40s' is not a unit code",
		    unit);
	qfd = open_dir_at(s->rootfd, "queues", create, e);
	if (qfd < 0)
		return -1;
	ufd = open_dir_at(qfd, unit, create, e);
	close(qfd);
	return ufd;
}

int
queue_add(struct store *s, const char *unit, const char *appid, int sync,
    struct ceh_err *e)
{
	int ufd, fd, rc = 0;

	if (!appid_name_ok(appid))
		return ceh_fail(e, CEH_EINPUT, "'%.60s' is not an application "
		    "id", appid);
	if ((ufd = unit_dir(s, unit, 1, e)) < 0)
		return -1;
	if (fault_hit("write")) {
		errno = ENOSPC;
		fd = -1;
	} else
		fd = openat(ufd, appid, O_WRONLY | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		rc = ceh_fail_errno(e, "cannot add '%s' to the queue of %s",
		    appid, unit);
	else
		close(fd);
	if (rc == 0 && sync)
		rc = fsync_dir(ufd, unit, e);
	close(ufd);
	return rc;
}

int
queue_del(struct store *s, const char *unit, const char *appid,
    struct ceh_err *e)
{
	int ufd, rc = 0;

	if (!appid_name_ok(appid))
		return ceh_fail(e, CEH_EINPUT, "'%.60s' is not an application "
		    "id", appid);
	if ((ufd = unit_dir(s, unit, 0, e)) < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	if (unlinkat(ufd, appid, 0) < 0 && errno != ENOENT)
		rc = ceh_fail_errno(e, "cannot remove '%s' from the queue of "
		    "%s", appid, unit);
	close(ufd);
	return rc;
}

int
queue_has(struct store *s, const char *unit, const char *appid)
{
	struct ceh_err e;
	struct stat st;
	int ufd, rc;

	if (!appid_name_ok(appid) || (ufd = unit_dir(s, unit, 0, &e)) < 0)
		return 0;
	rc = fstatat(ufd, appid, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode);
	close(ufd);
	return rc;
}

static int
walk_unit(struct store *s, int ufd, const char *unit, queue_visit_fn fn,
    void *arg, struct ceh_err *e)
{
	struct dirent *d;
	DIR *dir;
	int fd, rc = 0;

	fd = dup(ufd);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return ceh_fail_errno(e, "cannot read the queue of %s", unit);
	}
	while (rc == 0 && (d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.' && strlen(d->d_name) == APP_ID_LEN &&
		    appid_name_ok(d->d_name))
			rc = fn(s, unit, d->d_name, arg);
	closedir(dir);
	return rc;
}

int
queue_walk(struct store *s, const char *unit, queue_visit_fn fn, void *arg,
    struct ceh_err *e)
{
	int ufd, rc;

	if ((ufd = unit_dir(s, unit, 0, e)) < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	rc = walk_unit(s, ufd, unit, fn, arg, e);
	close(ufd);
	return rc;
}

int
queue_walk_all(struct store *s, queue_visit_fn fn, void *arg,
    struct ceh_err *e)
{
	struct dirent *d;
	DIR *dir;
	int qfd, fd, ufd, rc = 0;

	if ((qfd = open_dir_at(s->rootfd, "queues", 0, e)) < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	fd = dup(qfd);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		close(qfd);
		return ceh_fail_errno(e, "cannot read 'queues'");
	}
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		if (!unit_name_ok(d->d_name))
			continue;
		ufd = openat(qfd, d->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (ufd < 0)
			continue;
		rc = walk_unit(s, ufd, d->d_name, fn, arg, e);
		close(ufd);
	}
	closedir(dir);
	close(qfd);
	return rc;
}
