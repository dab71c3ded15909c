#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fault.h"
#include "store.h"
#include "util.h"
#include "xalloc.h"
#include "ytree.h"

#ifndef CEH_DATADIR
#define CEH_DATADIR "/usr/local/share/ceh"
#endif

char *
store_default_path(void)
{
	const char *v = getenv("CEH_STORE"), *home;

	if (v && *v)
		return xstrdup(v);
	v = getenv("XDG_DATA_HOME");
	if (v && *v == '/')
		return xasprintf("%s/ceh", v);
	home = getenv("HOME");
	if (home && *home)
		return xasprintf("%s/.local/share/ceh", home);
	return xstrdup("ceh-store");
}

static int
has_codes(const char *dir)
{
	char *p = xasprintf("%s/codes/ethnic-groups.yaml", dir);
	int ok = access(p, R_OK) == 0;

	free(p);
	return ok;
}

char *
store_data_dir(void)
{
	const char *v = getenv("CEH_DATADIR");
	char exe[PATH_MAX], *slash, *p;
	ssize_t n;

	if (v && *v)
		return xstrdup(v);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			p = xasprintf("%s/data", exe);
			if (has_codes(p))
				return p;
			free(p);
			p = xasprintf("%s/../data", exe);
			if (has_codes(p))
				return p;
			free(p);
		}
	}
	return xstrdup(CEH_DATADIR);
}

static int
copy_codes(int codesfd, const char *datadir, struct ceh_err *e)
{
	char *dir = xasprintf("%s/codes", datadir);
	int srcfd, i, rc = 0;

	srcfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (srcfd < 0) {
		rc = ceh_fail(e, CEH_ESYS, "cannot open the code lists in "
		    "'%s' (set CEH_DATADIR?): %s", dir, strerror(errno));
		free(dir);
		return rc;
	}
	for (i = 0; codes_files[i] && rc == 0; i++) {
		char *buf;
		size_t len;

		if (read_file_at(srcfd, codes_files[i], 4 << 20, &buf, &len,
		    e) < 0) {
			ceh_err_prefix(e, "%s", dir);
			rc = -1;
			break;
		}
		rc = atomic_write(codesfd, codes_files[i], buf, len, e);
		free(buf);
	}
	close(srcfd);
	free(dir);
	return rc;
}

/* mkdir -p of the directories above path (mode 0700), so the default
 * store ~/.local/share/ceh works on an account that has no ~/.local. */
static void
mkdir_parents(const char *path)
{
	char *p = xstrdup(path), *slash;

	for (slash = strchr(p + 1, '/'); slash; slash = strchr(slash + 1,
	    '/')) {
		*slash = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			break;
		*slash = '/';
	}
	free(p);
}

int
store_init(const char *path, const char *datadir, struct ceh_err *e)
{
	struct config cfg;
	struct sbuf sb = SBUF_INIT;
	struct codes codes;
	struct stat st;
	unsigned char key[32];
	char hex[65];
	int rootfd = -1, fd, i, rc = -1;

	mkdir_parents(path);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return ceh_fail_errno(e, "cannot create store '%s'", path);
	rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ceh_fail_errno(e, "cannot open store '%s'", path);
	if (fstatat(rootfd, "store.yaml", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		close(rootfd);
		return ceh_fail(e, CEH_ESTATE, "a store already exists at '%s'",
		    path);
	}
	if ((fd = open_dir_at(rootfd, "people", 1, e)) < 0)
		goto out;
	close(fd);
	if ((fd = open_dir_at(rootfd, "codes", 1, e)) < 0)
		goto out;
	rc = copy_codes(fd, datadir, e);
	if (rc == 0) {
		rc = codes_load(&codes, fd, e);	/* prove they load */
		if (rc == 0)
			codes_release(&codes);
	}
	close(fd);
	if (rc < 0)
		goto out;
	rc = -1;
	if (fstatat(rootfd, "units.yaml", &st, AT_SYMLINK_NOFOLLOW) < 0) {
		static const char units[] = "format: 1\nunits: []\n";

		if (atomic_write(rootfd, "units.yaml", units,
		    sizeof(units) - 1, e) < 0)
			goto out;
	}
	if (fstatat(rootfd, "secret", &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (random_bytes(key, sizeof(key)) < 0) {
			ceh_fail_errno(e, "cannot get random bytes");
			goto out;
		}
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", key[i]);
		hex[64] = '\n';
		if (atomic_write(rootfd, "secret", hex, 65, e) < 0)
			goto out;
	}
	config_defaults(&cfg);
	rc = config_emit(&cfg, &sb, e);
	config_release(&cfg);
	if (rc == 0)
		rc = atomic_write(rootfd, "store.yaml", sb.buf, sb.len, e);
	sb_release(&sb);
out:
	close(rootfd);
	return rc;
}

int
store_open(struct store *s, const char *path, struct ceh_err *e)
{
	char *buf;
	size_t len;
	int fd;

	memset(s, 0, sizeof(*s));
	s->rootfd = s->peoplefd = -1;
	s->root = xstrdup(path);
	s->rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			ceh_fail(e, CEH_ENOTFOUND, "no store at '%s'; run 'ceh "
			    "init' to create one (or set --store or "
			    "CEH_STORE)", path);
		else
			ceh_fail_errno(e, "cannot open store '%s'", path);
		goto fail;
	}
	if (read_file_at(s->rootfd, "store.yaml", 1 << 20, &buf, &len,
	    e) < 0) {
		if (e->code == CEH_ENOTFOUND)
			ceh_fail(e, CEH_ENOTFOUND, "'%s' is not a ceh store "
			    "(no store.yaml); run 'ceh init' to create one",
			    path);
		goto fail;
	}
	if (config_parse(&s->cfg, buf, len, "store.yaml", e) < 0) {
		free(buf);
		ceh_err_prefix(e, "%s", path);
		goto fail;
	}
	free(buf);
	if ((s->peoplefd = open_dir_at(s->rootfd, "people", 0, e)) < 0)
		goto fail;
	if ((fd = open_dir_at(s->rootfd, "codes", 0, e)) < 0)
		goto fail;
	if (codes_load(&s->codes, fd, e) < 0) {
		close(fd);
		goto fail;
	}
	close(fd);
	s->rules.codes = &s->codes;
	s->rules.max_half_year = s->cfg.max_hours_year * 2;
	return 0;
fail:
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->peoplefd >= 0)
		close(s->peoplefd);
	config_release(&s->cfg);
	codes_release(&s->codes);
	units_release(&s->units);
	free(s->root);
	memset(s, 0, sizeof(*s));
	s->rootfd = s->peoplefd = -1;
}

int
store_load_units(struct store *s, struct ceh_err *e)
{
	char *buf;
	size_t len;
	int rc;

	if (s->units_loaded) {
		units_release(&s->units);
		s->units_loaded = 0;
	}
	if (read_file_at(s->rootfd, "units.yaml", 16 << 20, &buf, &len,
	    e) < 0)
		return -1;
	rc = units_parse(&s->units, buf, len, "units.yaml", e);
	free(buf);
	if (rc == 0)
		s->units_loaded = 1;
	return rc;
}

int
store_save_units(struct store *s, struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	int rc;

	rc = units_emit(&s->units, &sb, e);
	if (rc == 0)
		rc = atomic_write(s->rootfd, "units.yaml", sb.buf, sb.len, e);
	sb_release(&sb);
	return rc;
}

int
store_lock(struct store *s, struct lock *lk, struct ceh_err *e)
{
	return lock_take(s->rootfd, ".lock", s->wait_secs, lk, e);
}

/* ---- application ids ---- */

static int
uniq_valid(const char *u, size_t len)
{
	return len == APP_UNIQ_LEN &&
	    strspn(u, "0123456789abcdefghijklmnopqrstuv") == APP_UNIQ_LEN;
}

int
app_ref_parse(const char *s, struct app_ref *r, struct ceh_err *e)
{
	size_t len = strlen(s);
	char canon[IDNUM_LEN + 1];
	struct ceh_err sub;

	if (len != APP_ID_LEN || s[IDNUM_LEN] != '-' ||
	    !uniq_valid(s + IDNUM_LEN + 1, APP_UNIQ_LEN))
		return ceh_fail(e, CEH_EINPUT, "'%.60s' is not an application "
		    "id (expected ID-NUMBER-XXXXXXXXXXXXXXXXXXXX as printed by "
		    "'ceh apply')", has_control(s) ? "?" : s);
	memcpy(r->idnum, s, IDNUM_LEN);
	r->idnum[IDNUM_LEN] = '\0';
	memcpy(r->uniq, s + IDNUM_LEN + 1, APP_UNIQ_LEN + 1);
	if (idnum_check("application id", r->idnum, canon, &sub) < 0)
		return ceh_fail(e, CEH_EINPUT, "'%.60s' is not an application "
		    "id: %s", has_control(s) ? "?" : s, sub.msg);
	memcpy(r->idnum, canon, IDNUM_LEN + 1);	/* x -> X */
	return 0;
}

int
app_ref_new(const char *idnum, struct app_ref *r, struct ceh_err *e)
{
	unsigned long long rnd;
	char part[16];

	if (random_bytes(&rnd, sizeof(rnd)) < 0)
		return ceh_fail_errno(e, "cannot get random bytes");
	memcpy(r->idnum, idnum, IDNUM_LEN + 1);
	base32_bits((unsigned long long)now() & ((1ULL << 40) - 1), 40,
	    r->uniq);
	base32_bits(rnd >> 4, 60, part);
	memcpy(r->uniq + 8, part, 13);
	return 0;
}

void
app_ref_format(const struct app_ref *r, char *out)
{
	memcpy(out, r->idnum, IDNUM_LEN);
	out[IDNUM_LEN] = '-';
	memcpy(out + IDNUM_LEN + 1, r->uniq, APP_UNIQ_LEN + 1);
}

/* ---- people ---- */

void
person_shard(const char *idnum, char out[4])
{
	memcpy(out, idnum + 14, 3);
	out[3] = '\0';
}

int
person_open(struct store *s, const char *idnum, int create,
    struct person *p, struct ceh_err *e)
{
	char shard[4];
	int sfd, i;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->lock.fd = -1;
	for (i = 0; i < STAGE__COUNT; i++)
		p->stagefd[i] = -1;
	if (strlen(idnum) != IDNUM_LEN ||
	    strspn(idnum, "0123456789") < 17 ||
	    (idnum[17] != 'X' && (idnum[17] < '0' || idnum[17] > '9')))
		return ceh_fail(e, CEH_EINPUT, "bad ID number '%.40s'", idnum);
	memcpy(p->idnum, idnum, IDNUM_LEN + 1);
	person_shard(idnum, shard);
	sfd = open_dir_at(s->peoplefd, shard, create, e);
	if (sfd < 0)
		goto notfound;
	p->fd = open_dir_at(sfd, idnum, create, e);
	close(sfd);
	if (p->fd < 0)
		goto notfound;
	for (i = 0; i < STAGE__COUNT; i++) {
		p->stagefd[i] = open_dir_at(p->fd, stage_name(i), create, e);
		if (p->stagefd[i] < 0 && e->code != CEH_ENOTFOUND)
			goto fail;
		if (p->stagefd[i] < 0 && create)
			goto fail;
		/* a missing stage folder of an existing person is created
		 * lazily by writers; readers treat it as empty */
	}
	return 0;
notfound:
	if (e->code == CEH_ENOTFOUND)
		ceh_fail(e, CEH_ENOTFOUND, "no applications for ID number %s",
		    idnum);
fail:
	person_close(p);
	return -1;
}

void
person_close(struct person *p)
{
	int i;

	lock_release(&p->lock);
	for (i = 0; i < STAGE__COUNT; i++)
		if (p->stagefd[i] >= 0)
			close(p->stagefd[i]);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	for (i = 0; i < STAGE__COUNT; i++)
		p->stagefd[i] = -1;
}

int
person_lock(struct store *s, struct person *p, struct ceh_err *e)
{
	struct repair_report rep;
	int i;

	if (lock_take(p->fd, ".lock", s->wait_secs, &p->lock, e) < 0)
		return -1;
	for (i = 0; i < STAGE__COUNT; i++)
		if (p->stagefd[i] < 0 &&
		    (p->stagefd[i] = open_dir_at(p->fd, stage_name(i), 1,
		    e)) < 0)
			return -1;
	memset(&rep, 0, sizeof(rep));
	return person_repair(s, p, 1, &rep, e);
}

static int
doc_name_uniq(const char *name, const char *ext, char *uniq)
{
	size_t len = strlen(name), elen = strlen(ext);

	if (len != APP_UNIQ_LEN + elen || strcmp(name + APP_UNIQ_LEN, ext) ||
	    !uniq_valid(name, APP_UNIQ_LEN))
		return 0;
	memcpy(uniq, name, APP_UNIQ_LEN);
	uniq[APP_UNIQ_LEN] = '\0';
	return 1;
}

/* Names in a directory, filtered by keep(); caller frees. */
static char **
list_dir(int dirfd, size_t *count)
{
	char **v = NULL;
	size_t n = 0;
	struct dirent *d;
	DIR *dir;
	int fd;

	*count = 0;
	if (dirfd < 0)
		return NULL;
	fd = dup(dirfd);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	rewinddir(dir);
	while ((d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xstrdup(d->d_name);
	}
	closedir(dir);
	*count = n;
	return v;
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
say(struct repair_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
say(struct repair_report *rep, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (rep->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rep->say(rep->arg, msg);
}

/* The stage a document's own field names, read cheaply (ytree_peek). */
static int
doc_stage_peek(struct person *p, enum stage folder, const char *name,
    int *out, struct ceh_err *e)
{
	char shard[4], fname[160], val[32];
	enum stage st;
	char *buf;
	size_t len;
	int rc;

	person_shard(p->idnum, shard);
	snprintf(fname, sizeof(fname), "people/%s/%s/%s/%s", shard, p->idnum,
	    stage_name(folder), name);
	if (read_file_at(p->stagefd[folder], name, DOC_MAX_BYTES, &buf, &len,
	    e) < 0) {
		ceh_err_prefix(e, "%s", fname);
		return -1;
	}
	rc = ytree_peek(buf, len, "stage", val, sizeof(val), fname, e);
	free(buf);
	if (rc < 0)
		return -1;
	if (stage_parse(val, &st) < 0)
		return ceh_fail(e, CEH_EINPUT, "%s: unknown stage '%.30s'",
		    fname, val);
	*out = (int)st;
	return 0;
}

int
person_repair(struct store *s, struct person *p, int repair,
    struct repair_report *rep, struct ceh_err *e)
{
	char shard[4], uniq[APP_UNIQ_LEN + 1], name[64];
	struct stat st;
	int f, g = 0;

	(void)s;
	person_shard(p->idnum, shard);
	/* 1. temp files of interrupted writes (we hold the lock, so no
	 *    writer of this person is alive) */
	for (f = 0; f < STAGE__COUNT; f++) {
		size_t n, i;
		char **v = list_dir(p->stagefd[f], &n);

		for (i = 0; i < n; i++) {
			size_t l = strlen(v[i]);
			int libzip_temp = l > APP_UNIQ_LEN + 5 &&
			    strncmp(v[i] + APP_UNIQ_LEN, ".zip.", 5) == 0;

			if (!is_temp_name(v[i]) && !libzip_temp) {
				/* readers skip anything else; say so */
				if (!doc_name_uniq(v[i], ".yaml", uniq) &&
				    !doc_name_uniq(v[i], ".zip", uniq)) {
					say(rep, "people/%s/%s/%s/%s: not a "
					    "file of ceh (left alone)", shard,
					    p->idnum, stage_name(f), v[i]);
					rep->problems++;
				}
				continue;
			}
			if (repair && unlinkat(p->stagefd[f], v[i], 0) == 0) {
				say(rep, "people/%s/%s/%s/%s: temp file of an "
				    "interrupted write, removed", shard,
				    p->idnum, stage_name(f), v[i]);
				rep->temps_removed++;
			} else {
				say(rep, "people/%s/%s/%s/%s: temp file of an "
				    "interrupted write%s%s", shard, p->idnum,
				    stage_name(f), v[i], repair ?
				    ", cannot remove it: " : "", repair ?
				    strerror(errno) : "");
				rep->problems++;
			}
		}
		free_list(v, n);
	}
	/* 1b. anything but the lock and the stage folders in the person's
	 *     directory */
	{
		size_t n, i;
		char **v = list_dir(p->fd, &n);

		for (i = 0; i < n; i++) {
			enum stage st_;

			if (strcmp(v[i], ".lock") == 0 ||
			    stage_parse(v[i], &st_) == 0)
				continue;
			say(rep, "people/%s/%s/%s: not a file of ceh (left "
			    "alone)", shard, p->idnum, v[i]);
			rep->problems++;
		}
		free_list(v, n);
	}
	/* 2. documents whose stage field names another folder */
	for (f = 0; f < STAGE__COUNT; f++) {
		size_t n, i;
		char **v = list_dir(p->stagefd[f], &n);

		for (i = 0; i < n; i++) {
			struct ceh_err sub;
			int other;

			if (!doc_name_uniq(v[i], ".yaml", uniq))
				continue;
			/* one name in two folders: never merged by guesswork */
			for (other = f + 1; other < STAGE__COUNT; other++)
				if (p->stagefd[other] >= 0 &&
				    fstatat(p->stagefd[other], v[i], &st,
				    AT_SYMLINK_NOFOLLOW) == 0) {
					say(rep, "people/%s/%s: %s is in both "
					    "%s/ and %s/ (left alone: keep the "
					    "right one by hand)", shard,
					    p->idnum, v[i], stage_name(f),
					    stage_name(other));
					rep->problems++;
				}
			/* unreadable: left where it is, for the full reader
			 * of the caller (fsck, the command) to report */
			if (doc_stage_peek(p, (enum stage)f, v[i], &g,
			    &sub) < 0 || g == f)
				continue;
			if (!repair) {
				say(rep, "people/%s/%s/%s/%s: its stage is %s",
				    shard, p->idnum, stage_name(f), v[i],
				    stage_name(g));
				rep->problems++;
				continue;
			}
			if (move_file(p->stagefd[f], v[i], p->stagefd[g], v[i],
			    e) < 0) {
				if (e->code != CEH_ESTATE) {
					free_list(v, n);
					return -1;
				}
				say(rep, "%s", e->msg);
				rep->problems++;
				continue;
			}
			say(rep, "people/%s/%s/%s/%s: its stage is %s, moved",
			    shard, p->idnum, stage_name(f), v[i],
			    stage_name(g));
			rep->moved++;
		}
		free_list(v, n);
	}
	/* 3. archives follow their document */
	for (f = 0; f < STAGE__COUNT; f++) {
		size_t n, i;
		char **v = list_dir(p->stagefd[f], &n);

		for (i = 0; i < n; i++) {
			if (!doc_name_uniq(v[i], ".zip", uniq))
				continue;
			snprintf(name, sizeof(name), "%s.yaml", uniq);
			if (fstatat(p->stagefd[f], name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0)
				continue;
			for (g = 0; g < STAGE__COUNT; g++)
				if (g != f && p->stagefd[g] >= 0 &&
				    fstatat(p->stagefd[g], name, &st,
				    AT_SYMLINK_NOFOLLOW) == 0)
					break;
			if (g == STAGE__COUNT) {
				say(rep, "people/%s/%s/%s/%s: attachments "
				    "without an application", shard, p->idnum,
				    stage_name(f), v[i]);
				rep->problems++;
				continue;
			}
			if (!repair) {
				say(rep, "people/%s/%s/%s/%s: belongs in %s",
				    shard, p->idnum, stage_name(f), v[i],
				    stage_name(g));
				rep->problems++;
				continue;
			}
			if (move_file(p->stagefd[f], v[i], p->stagefd[g], v[i],
			    e) < 0) {
				if (e->code != CEH_ESTATE) {
					free_list(v, n);
					return -1;
				}
				say(rep, "%s", e->msg);
				rep->problems++;
				continue;
			}
			say(rep, "people/%s/%s/%s/%s: belongs in %s, moved",
			    shard, p->idnum, stage_name(f), v[i],
			    stage_name(g));
			rep->zips_moved++;
		}
		free_list(v, n);
	}
	return 0;
}

/* ---- applications ---- */

int
app_find(struct person *p, const char *uniq, enum stage *where,
    struct ceh_err *e)
{
	char name[64];
	struct stat st;
	int f;

	snprintf(name, sizeof(name), "%s.yaml", uniq);
	for (f = 0; f < STAGE__COUNT; f++)
		if (p->stagefd[f] >= 0 && fstatat(p->stagefd[f], name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0) {
			*where = (enum stage)f;
			return 0;
		}
	return ceh_fail(e, CEH_ENOTFOUND, "no application %s-%s", p->idnum,
	    uniq);
}

int
app_read(struct store *s, struct person *p, enum stage folder,
    const char *uniq, struct application *app, struct ceh_err *e)
{
	char name[64], fname[160], shard[4];
	char *buf;
	size_t len;
	int rc;

	person_shard(p->idnum, shard);
	snprintf(name, sizeof(name), "%s.yaml", uniq);
	snprintf(fname, sizeof(fname), "people/%s/%s/%s/%s", shard, p->idnum,
	    stage_name(folder), name);
	app_init(app);
	if (p->stagefd[folder] < 0)
		return ceh_fail(e, CEH_ENOTFOUND, "'%s' not found", fname);
	if (read_file_at(p->stagefd[folder], name, DOC_MAX_BYTES, &buf, &len,
	    e) < 0) {
		if (e->code != CEH_ENOTFOUND)
			ceh_err_prefix(e, "%s", fname);
		return -1;
	}
	rc = doc_parse(app, buf, len, fname, &s->rules, e);
	free(buf);
	if (rc == 0 && (strncmp(app->id, p->idnum, IDNUM_LEN) != 0 ||
	    strcmp(app->id + IDNUM_LEN + 1, uniq) != 0)) {
		ceh_fail(e, CEH_EINPUT, "%s: its id '%.60s' does not match the "
		    "file name", fname, app->id);
		app_release(app);
		rc = -1;
	}
	return rc;
}

int
app_create(struct store *s, struct person *p, const struct application *app,
    struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	char name[64];
	int rc;

	(void)s;
	snprintf(name, sizeof(name), "%s.yaml", app->id + IDNUM_LEN + 1);
	rc = doc_emit(app, &sb, e);
	if (rc == 0)
		rc = atomic_create(p->stagefd[STAGE_DRAFT], name, sb.buf,
		    sb.len, e);
	sb_release(&sb);
	return rc;
}

int
app_commit(struct store *s, struct person *p, const struct application *app,
    enum stage folder, struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	char name[64], zip[64];
	const char *uniq = app->id + IDNUM_LEN + 1;
	struct stat st;
	int rc;

	(void)s;
	snprintf(name, sizeof(name), "%s.yaml", uniq);
	snprintf(zip, sizeof(zip), "%s.zip", uniq);
	rc = doc_emit(app, &sb, e);
	if (rc == 0)
		rc = atomic_write(p->stagefd[folder], name, sb.buf, sb.len, e);
	sb_release(&sb);
	if (rc < 0 || app->stage == folder)
		return rc;
	crash_point("commit-after-write");
	if (move_file(p->stagefd[folder], name, p->stagefd[app->stage], name,
	    e) < 0)
		return -1;
	crash_point("commit-after-move");
	if (fstatat(p->stagefd[folder], zip, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    move_file(p->stagefd[folder], zip, p->stagefd[app->stage], zip,
	    e) < 0)
		return -1;
	return 0;
}

void
app_handle_init(struct app_handle *h)
{
	memset(h, 0, sizeof(*h));
	h->p.fd = -1;
	h->p.lock.fd = -1;
	for (int i = 0; i < STAGE__COUNT; i++)
		h->p.stagefd[i] = -1;
	app_init(&h->app);
}

int
app_open(struct store *s, const char *id, int mutate, struct app_handle *h,
    struct ceh_err *e)
{
	app_handle_init(h);
	if (app_ref_parse(id, &h->ref, e) < 0)
		return -1;
	if (person_open(s, h->ref.idnum, 0, &h->p, e) < 0) {
		if (e->code == CEH_ENOTFOUND)
			ceh_fail(e, CEH_ENOTFOUND, "no application %s", id);
		return -1;
	}
	if (mutate) {
		if (person_lock(s, &h->p, e) < 0)
			return -1;
		h->locked = 1;
	}
	if (app_find(&h->p, h->ref.uniq, &h->folder, e) < 0)
		return -1;
	return app_read(s, &h->p, h->folder, h->ref.uniq, &h->app, e);
}

int
app_save(struct store *s, struct app_handle *h, struct ceh_err *e)
{
	if (app_commit(s, &h->p, &h->app, h->folder, e) < 0)
		return -1;
	h->folder = h->app.stage;
	return 0;
}

void
app_close(struct app_handle *h)
{
	app_release(&h->app);
	person_close(&h->p);
}

/* ---- walking ---- */

static int
idnum_name(const char *s)
{
	return strlen(s) == IDNUM_LEN && strspn(s, "0123456789") >= 17 &&
	    (s[17] == 'X' || (s[17] >= '0' && s[17] <= '9'));
}

static int
walk_person(struct store *s, int sfd, const char *idnum, app_visit_fn fn,
    void *arg, struct ceh_err *e)
{
	char uniq[APP_UNIQ_LEN + 1];
	struct person wp;
	int f, rc = 0;

	memset(&wp, 0, sizeof(wp));
	memcpy(wp.idnum, idnum, IDNUM_LEN + 1);
	wp.lock.fd = -1;
	for (f = 0; f < STAGE__COUNT; f++)
		wp.stagefd[f] = -1;
	wp.fd = openat(sfd, idnum, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (wp.fd < 0)
		return 0;
	for (f = 0; f < STAGE__COUNT; f++)
		wp.stagefd[f] = openat(wp.fd, stage_name(f), O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (f = 0; f < STAGE__COUNT && rc == 0; f++) {
		struct dirent *d;
		DIR *dir;
		int dfd;

		if (wp.stagefd[f] < 0 || (dfd = dup(wp.stagefd[f])) < 0)
			continue;
		if ((dir = fdopendir(dfd)) == NULL) {
			close(dfd);
			continue;
		}
		while (rc == 0 && (d = readdir(dir)) != NULL)
			if (doc_name_uniq(d->d_name, ".yaml", uniq))
				rc = fn(s, &wp, (enum stage)f, uniq, arg);
		closedir(dir);
	}
	person_close(&wp);
	(void)e;
	return rc;
}

int
store_walk(struct store *s, const char *idnum, app_visit_fn fn, void *arg,
    struct ceh_err *e)
{
	struct dirent *d, *d2;
	char shard[4];
	DIR *top, *sd;
	int fd, sfd, rc = 0;

	if (idnum) {
		person_shard(idnum, shard);
		sfd = openat(s->peoplefd, shard, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0)
			return 0;
		rc = walk_person(s, sfd, idnum, fn, arg, e);
		close(sfd);
		return rc;
	}
	fd = dup(s->peoplefd);
	if (fd < 0 || (top = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return ceh_fail_errno(e, "cannot read 'people'");
	}
	rewinddir(top);
	while (rc == 0 && (d = readdir(top)) != NULL) {
		if (strlen(d->d_name) != 3 || strspn(d->d_name,
		    "0123456789") != 3)
			continue;
		sfd = openat(s->peoplefd, d->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0)
			continue;
		fd = dup(sfd);
		if (fd < 0 || (sd = fdopendir(fd)) == NULL) {
			if (fd >= 0)
				close(fd);
			close(sfd);
			continue;
		}
		while (rc == 0 && (d2 = readdir(sd)) != NULL)
			if (idnum_name(d2->d_name))
				rc = walk_person(s, sfd, d2->d_name, fn, arg,
				    e);
		closedir(sd);
		close(sfd);
	}
	closedir(top);
	return rc;
}
