#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "i18n.h"
#include "fault.h"
#include "hash.h"
#include "queue.h"
#include "store.h"
#include "util.h"
#include "xalloc.h"

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
		return ceh_fail(e, CEH_EINPUT, _("'%.40s' is not a unit code"),
		    unit);
	qfd = open_dir_at(s->rootfd, "queues", create, e);
	if (qfd < 0)
		return -1;
	ufd = open_dir_at(qfd, unit, create, e);
	close(qfd);
	return ufd;
}

/*
 * A new entry: created with O_EXCL and its content (none, or a listing
 * cache line), with sync the file and then the folder fsynced, so the
 * name is durable and names an inode that is (ext2 writes neither for
 * the other).  An existing entry is left as it is (a stale one's cache
 * line names other document bytes and is ignored by readers).
 */
static int
entry_create(int ufd, const char *unit, const char *appid,
    const struct sbuf *line, int sync, struct ceh_err *e)
{
	int fd, rc = 0;

	if (fault_hit("write")) {
		errno = ENOSPC;
		fd = -1;
	} else
		fd = openat(ufd, appid, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return sync ? fsync_dir(ufd, unit, e) : 0;
	if (fd < 0)
		return ceh_fail_errno(e, _("cannot add '%s' to the queue of %s"),
		    appid, unit);
	if (line && line->len && write_all(fd, line->buf, line->len) < 0)
		rc = ceh_fail_errno(e, _("cannot add '%s' to the queue of %s"),
		    appid, unit);
	if (rc == 0 && sync && fsync(fd) < 0)
		rc = ceh_fail_errno(e, _("cannot add '%s' to the queue of %s"),
		    appid, unit);
	close(fd);
	if (rc < 0) {
		unlinkat(ufd, appid, 0);
		return -1;
	}
	return sync ? fsync_dir(ufd, unit, e) : 0;
}

static int
add_entry(struct store *s, const char *unit, const char *appid,
    const struct sbuf *line, int sync, struct ceh_err *e)
{
	int ufd, rc;

	if (!appid_name_ok(appid))
		return ceh_fail(e, CEH_EINPUT, _("'%.60s' is not an application "
		    "id"), appid);
	if ((ufd = unit_dir(s, unit, 1, e)) < 0)
		return -1;
	rc = entry_create(ufd, unit, appid, line, sync, e);
	close(ufd);
	return rc;
}

int
queue_add(struct store *s, const char *unit, const char *appid, int sync,
    struct ceh_err *e)
{
	return add_entry(s, unit, appid, NULL, sync, e);
}

static int note_line(const struct application *app, const char *hex,
    struct sbuf *sb);

int
queue_add_app(struct store *s, const char *unit,
    const struct application *app, const char *doc_sha256, int sync,
    struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	int rc;

	if (doc_sha256 == NULL || !note_line(app, doc_sha256, &sb))
		sb.len = 0;
	rc = add_entry(s, unit, app->id, &sb, sync, e);
	sb_release(&sb);
	return rc;
}

int
queue_del_sync(struct store *s, const char *unit, const char *appid,
    int sync, struct ceh_err *e)
{
	int ufd, rc = 0;

	if (!appid_name_ok(appid))
		return ceh_fail(e, CEH_EINPUT, _("'%.60s' is not an application "
		    "id"), appid);
	if ((ufd = unit_dir(s, unit, 0, e)) < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	if (unlinkat(ufd, appid, 0) < 0) {
		if (errno != ENOENT)
			rc = ceh_fail_errno(e, _("cannot remove '%s' from the "
			    "queue of %s"), appid, unit);
	} else if (sync)
		/* the freed inode must not be reused while the name is
		 * still on disk (ext2): the folder is synced at once */
		rc = fsync_dir(ufd, unit, e);
	close(ufd);
	return rc;
}

int
queue_del(struct store *s, const char *unit, const char *appid,
    struct ceh_err *e)
{
	return queue_del_sync(s, unit, appid, 1, e);
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
queue_leftover(const char *name)
{
	return is_temp_name(name) || strncmp(name, ".note.", 6) == 0;
}

static int
sweep_unit(int qfd, const char *name, void *arg)
{
	struct sweep *sw = arg;
	struct ceh_err e;
	char where[64];
	int ufd;

	if (!unit_name_ok(name))
		return 0;
	ufd = openat(qfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (ufd < 0)
		return 0;
	snprintf(where, sizeof(where), "queues/%s", name);
	(void)temp_sweep(ufd, where, queue_leftover, sw, &e);
	close(ufd);
	return 0;
}

int
queue_sweep(struct store *s, struct sweep *sw, struct ceh_err *e)
{
	int qfd, rc;

	if ((qfd = open_dir_at(s->rootfd, "queues", 0, e)) < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	rc = temp_sweep(qfd, "queues", queue_leftover, sw, e);
	if (rc == 0 && dir_each(qfd, sweep_unit, sw) < 0)
		rc = ceh_fail_errno(e, _("cannot read 'queues'"));
	close(qfd);
	return rc;
}

struct unit_walk {
	struct store *s;
	const char *unit;
	queue_visit_fn fn;
	void *arg;
	int rc;
};

static int
walk_entry(int ufd, const char *name, void *arg)
{
	struct unit_walk *w = arg;

	(void)ufd;
	if (name[0] == '.' || strlen(name) != APP_ID_LEN ||
	    !appid_name_ok(name))
		return 0;
	w->rc = w->fn(w->s, w->unit, name, w->arg);
	return w->rc != 0;
}

static int
walk_unit(struct store *s, int ufd, const char *unit, queue_visit_fn fn,
    void *arg, struct ceh_err *e)
{
	struct unit_walk w = { s, unit, fn, arg, 0 };

	if (dir_each(ufd, walk_entry, &w) < 0)
		return ceh_fail_errno(e, _("cannot read the queue of %s"), unit);
	return w.rc;
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

struct all_walk {
	struct store *s;
	queue_visit_fn fn;
	void *arg;
	struct ceh_err *e;
	int rc;
};

static int
walk_one_unit(int qfd, const char *name, void *arg)
{
	struct all_walk *w = arg;
	int ufd;

	if (!unit_name_ok(name))
		return 0;
	ufd = openat(qfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (ufd < 0)
		return 0;
	w->rc = walk_unit(w->s, ufd, name, w->fn, w->arg, w->e);
	close(ufd);
	return w->rc != 0;
}

int
queue_walk_all(struct store *s, queue_visit_fn fn, void *arg,
    struct ceh_err *e)
{
	struct all_walk w = { s, fn, arg, e, 0 };
	int qfd;

	if ((qfd = open_dir_at(s->rootfd, "queues", 0, e)) < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	if (dir_each(qfd, walk_one_unit, &w) < 0)
		w.rc = ceh_fail_errno(e, _("cannot read 'queues'"));
	close(qfd);
	return w.rc;
}

static int no_openat2;

/* The fast path: one system call, no symbolic links anywhere. */
static int
read_review_doc(struct store *s, const struct app_ref *r, char **buf,
    size_t *len, char *fname, size_t fsize, struct ceh_err *e)
{
	struct open_how how;
	char shard[4], path[128];
	struct stat st;
	size_t n = 0;
	ssize_t got = 0;
	int fd;

	person_shard(r->idnum, shard);
	snprintf(path, sizeof(path), "%s/%s/review/%s.yaml", shard, r->idnum,
	    r->uniq);
	snprintf(fname, fsize, "people/%s", path);
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH;
	/* without openat2 (Linux < 5.6, valgrind) the caller searches */
	fd = no_openat2 ? -1 : (int)syscall(SYS_openat2, s->peoplefd, path,
	    &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		no_openat2 = 1;
	if (fd < 0)
		return ceh_fail(e, CEH_ENOTFOUND, _("'%s' not found"), fname);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > DOC_MAX_BYTES) {
		close(fd);
		return ceh_fail(e, CEH_EINPUT, _("%s: not a regular file of at "
		    "most %d bytes"), fname, DOC_MAX_BYTES);
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size &&
	    ((got = read(fd, *buf + n, (size_t)st.st_size - n)) > 0 ||
	    (got < 0 && errno == EINTR)))
		if (got > 0)
			n += (size_t)got;
	if (got < 0) {
		ceh_fail_errno(e, _("cannot read '%s'"), fname);
		close(fd);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	close(fd);
	(*buf)[n] = '\0';
	*len = n;
	return 0;
}

int
queue_read_app(struct store *s, const char *appid, struct application *app,
    struct ceh_err *e)
{
	return queue_read_app_digest(s, appid, app, NULL, e) < 0 ? -1 : 0;
}

int
queue_read_app_digest(struct store *s, const char *appid,
    struct application *app, unsigned char *digest, struct ceh_err *e)
{
	char fname[160], *buf = NULL;
	struct app_ref r;
	struct person p;
	enum stage folder;
	size_t len = 0;
	int rc;

	app_init(app);
	if (app_ref_parse(appid, &r, e) < 0)
		return -1;
	if (read_review_doc(s, &r, &buf, &len, fname, sizeof(fname), e) == 0) {
		if (digest != NULL)
			sha256_bin(buf, len, digest);
		rc = doc_parse(app, buf, len, fname, &s->rules, e);
		free(buf);
		if (rc == 0 && strcmp(app->id, appid) != 0) {
			ceh_fail(e, CEH_EINPUT, _("%s: its id '%.60s' does not "
			    "match the file name"), fname, app->id);
			app_release(app);
			rc = -1;
		}
		return rc < 0 ? -1 : digest != NULL;
	}
	if (e->code != CEH_ENOTFOUND)
		return -1;
	/* not in review/: look everywhere (it may be moving) */
	if (person_open(s, r.idnum, 0, &p, e) < 0)
		return -1;
	rc = app_load(s, &p, r.uniq, &folder, app, e);
	person_close(&p);
	return rc;
}

/* ---- the listing cache ---- */

#define NOTE_MAGIC "ceh-queue-2"
#define NOTE_FIELDS 10

static int
plain(const char *v)
{
	return v && strpbrk(v, "\t\n\r") == NULL;
}

/* The cache line of app, for a document whose bytes hash to hex; 0 if
 * some column cannot be written in it. */
static int
note_line(const struct application *app, const char *hex, struct sbuf *sb)
{
	const char *v[7];
	size_t i;

	v[0] = app->id;
	v[1] = app->a.name;
	v[2] = app->a.id_number;
	v[3] = app->a.unit;
	v[4] = app->a.education ? app->a.education : "";
	v[5] = app->a.phone;
	v[6] = app->a.series;
	for (i = 0; i < 7; i++)
		if (!plain(v[i]))
			return 0;	/* not representable: no cache */
	sb_addf(sb, "%s\t%s", NOTE_MAGIC, hex);
	for (i = 0; i < 6; i++)
		sb_addf(sb, "\t%s", v[i]);
	sb_addf(sb, "\t");
	for (i = 0; i < app->nyears; i++)
		sb_addf(sb, "%s%d", i ? "," : "", app->years[i].year);
	sb_addf(sb, "\t%s\n", v[6]);
	return 1;
}

int
queue_note(struct store *s, const char *unit, int reviewfd,
    const struct application *app, struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	char name[64], where[64], hex[SHA256_HEX_LEN + 1], *doc;
	struct tempfile t;
	struct ceh_err sub;
	size_t len;
	int ufd, rc = 0;

	snprintf(name, sizeof(name), "%s.yaml", app->id + IDNUM_LEN + 1);
	if (read_file_at(reviewfd, name, DOC_MAX_BYTES, &doc, &len, &sub) < 0)
		return 0;	/* not in review/: nothing to note */
	sha256_hex(doc, len, hex);
	free(doc);
	if (!note_line(app, hex, &sb)) {
		sb_release(&sb);
		return 0;
	}
	if ((ufd = unit_dir(s, unit, 1, e)) < 0) {
		sb_release(&sb);
		return -1;
	}
	/* a cache: its content is not synced; a failure leaves the entry
	 * as it was; the folder is, for the entry it replaced is freed */
	snprintf(where, sizeof(where), "queues/%s", unit);
	if (temp_file(&t, ufd, where, app->id, sb.buf, sb.len, TEMP_NOSYNC,
	    e) < 0 || temp_commit(&t, e) < 0 || fsync_dir(ufd, where, e) < 0)
		rc = -1;
	close(ufd);
	sb_release(&sb);
	return rc;
}

/* Split line (modified) at tabs into at most n fields; the count. */
static size_t
split_tabs(char *line, char **f, size_t n)
{
	size_t k = 0;

	while (k < n) {
		f[k++] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return line ? n + 1 : k;
}

/* The folder of the queue being read, kept open across entries. */
static struct {
	int fd;
	char unit[CREDIT_LEN + 1];
} note = { -1, "" };

static int
note_dir(struct store *s, const char *unit)
{
	struct ceh_err e;

	if (note.fd >= 0 && strcmp(note.unit, unit) == 0)
		return 0;
	if (note.fd >= 0)
		close(note.fd);
	note.unit[0] = '\0';
	if ((note.fd = unit_dir(s, unit, 0, &e)) < 0)
		return -1;
	snprintf(note.unit, sizeof(note.unit), "%s", unit);
	return 0;
}

/* Fill app from the cache line if it was written for exactly these
 * document bytes. */
static int
from_note(struct store *s, const char *unit, const char *appid,
    const char *doc, size_t doclen, struct application *app)
{
	char buf[2048], hex[SHA256_HEX_LEN + 1], *f[NOTE_FIELDS + 1];
	char *p, *nl;
	ssize_t n;
	int fd;

	if (note_dir(s, unit) < 0)
		return -1;
	fd = openat(note.fd, appid, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) == NULL || nl[1] != '\0')
		return -1;
	*nl = '\0';
	if (split_tabs(buf, f, NOTE_FIELDS) != NOTE_FIELDS ||
	    strcmp(f[0], NOTE_MAGIC) != 0 || strcmp(f[2], appid) != 0)
		return -1;
	sha256_hex(doc, doclen, hex);
	if (strcmp(hex, f[1]) != 0)
		return -1;
	app_init(app);
	app->stage = STAGE_REVIEW;
	app->id = xstrdup(appid);
	app->waiting_at = xstrdup(unit);
	app->a.name = xstrdup(f[3]);
	snprintf(app->a.id_number, sizeof(app->a.id_number), "%s", f[4]);
	app->a.unit = xstrdup(f[5]);
	app->a.education = xstrdup(f[6]);
	app->a.phone = xstrdup(f[7]);
	app->a.series = xstrdup(f[9]);
	for (p = f[8]; *p; ) {
		long y = strtol(p, &p, 10);

		if (y < 1000 || y > 9999 || (*p && *p != ',')) {
			app_release(app);
			return -1;
		}
		if (*p == ',')
			p++;
		app->years = xreallocarray(app->years, app->nyears + 1,
		    sizeof(*app->years));
		memset(&app->years[app->nyears], 0, sizeof(*app->years));
		app->years[app->nyears++].year = (int)y;
	}
	return 0;
}

int
queue_read_listing(struct store *s, const char *unit, const char *appid,
    struct application *app, struct ceh_err *e)
{
	char fname[160], *buf = NULL;
	struct app_ref r;
	size_t len = 0;
	int rc;

	app_init(app);
	if (app_ref_parse(appid, &r, e) < 0)
		return -1;
	if (read_review_doc(s, &r, &buf, &len, fname, sizeof(fname), e) < 0) {
		if (e->code != CEH_ENOTFOUND)
			return -1;
		return queue_read_app(s, appid, app, e);	/* moving */
	}
	if (from_note(s, unit, appid, buf, len, app) == 0) {
		free(buf);
		return 0;
	}
	rc = doc_parse(app, buf, len, fname, &s->rules, e);
	free(buf);
	if (rc == 0 && strcmp(app->id, appid) != 0) {
		ceh_fail(e, CEH_EINPUT, _("%s: its id '%.60s' does not match "
		    "the file name"), fname, app->id);
		app_release(app);
		rc = -1;
	}
	return rc;
}

int
queue_note_valid(struct store *s, const char *unit, const char *appid)
{
	struct application app;
	char fname[160], *buf = NULL;
	struct app_ref r;
	struct ceh_err e;
	size_t len = 0;
	int rc;

	if (app_ref_parse(appid, &r, &e) < 0 ||
	    read_review_doc(s, &r, &buf, &len, fname, sizeof(fname), &e) < 0)
		return 0;
	rc = from_note(s, unit, appid, buf, len, &app) == 0;
	free(buf);
	if (rc)
		app_release(&app);
	return rc;
}
