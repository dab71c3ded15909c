#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The fast path: one system call, no symbolic links anywhere. */
static int
read_review_doc(struct store *s, const struct app_ref *r, char **buf,
    size_t *len, char *fname, size_t fsize, struct ceh_err *e)
{
	struct open_how how;
	char shard[4], path[128];
	struct stat st;
	size_t n = 0;
	ssize_t got;
	int fd;

	person_shard(r->idnum, shard);
	snprintf(path, sizeof(path), "%s/%s/review/%s.yaml", shard, r->idnum,
	    r->uniq);
	snprintf(fname, fsize, "people/%s", path);
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH;
	fd = (int)syscall(SYS_openat2, s->peoplefd, path, &how, sizeof(how));
	if (fd < 0)
		return ceh_fail(e, CEH_ENOTFOUND, "'%s' not found", fname);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > DOC_MAX_BYTES) {
		close(fd);
		return ceh_fail(e, CEH_EINPUT, "%s: not a regular file of at "
		    "most %d bytes", fname, DOC_MAX_BYTES);
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size &&
	    (got = read(fd, *buf + n, (size_t)st.st_size - n)) > 0)
		n += (size_t)got;
	close(fd);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

int
queue_read_app(struct store *s, const char *appid, struct application *app,
    struct ceh_err *e)
{
	char fname[160], *buf = NULL;
	struct app_ref r;
	struct person p;
	enum stage folder;
	size_t len = 0;
	int rc, tries;

	app_init(app);
	if (app_ref_parse(appid, &r, e) < 0)
		return -1;
	if (read_review_doc(s, &r, &buf, &len, fname, sizeof(fname), e) == 0) {
		rc = doc_parse(app, buf, len, fname, &s->rules, e);
		free(buf);
		if (rc == 0 && strcmp(app->id, appid) != 0) {
			ceh_fail(e, CEH_EINPUT, "%s: its id '%.60s' does not "
			    "match the file name", fname, app->id);
			app_release(app);
			rc = -1;
		}
		return rc;
	}
	if (e->code != CEH_ENOTFOUND)
		return -1;
	/* not in review/: look everywhere (it may be moving) */
	if (person_open(s, r.idnum, 0, &p, e) < 0)
		return -1;
	for (tries = 0, rc = -1; tries < 2 && rc < 0; tries++) {
		if (app_find(&p, r.uniq, &folder, e) < 0)
			break;
		rc = app_read(s, &p, folder, r.uniq, app, e);
		if (rc < 0 && e->code != CEH_ENOTFOUND)
			break;
	}
	person_close(&p);
	return rc;
}
