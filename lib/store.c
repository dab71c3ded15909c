#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "err.h"
#include "fault.h"
#include "hash.h"
#include "i18n.h"
#include "moves.h"
#include "store.h"
#include "table.h"
#include "trust.h"
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
	char exe[PATH_MAX], *p;

	if (v && *v)
		return xstrdup(v);
	if (exe_dir(exe, sizeof(exe)) == 0) {
		p = xasprintf("%s/data", exe);
		if (has_codes(p))
			return p;
		free(p);
		p = xasprintf("%s/../data", exe);
		if (has_codes(p))
			return p;
		free(p);
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
		rc = ceh_fail(e, CEH_ESYS, _("cannot open the code lists in "
		    "'%s' (set CEH_DATADIR?): %s"), dir, strerror(errno));
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

/* A new directory's entry in its parent, durable (best effort: the store
 * is made again by a second init if it is lost). */
static void
sync_parent(const char *path)
{
	char *p = xstrdup(path), *slash = strrchr(p, '/');
	int fd;

	if (slash == p)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	fd = open(slash ? p : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(p);
}

int
store_init(const char *path, const char *datadir, int unsigned_store,
    struct ceh_err *e)
{
	struct config cfg;
	struct sbuf sb = SBUF_INIT;
	struct codes codes;
	struct stat st;
	unsigned char key[32];
	char hex[65];
	int rootfd = -1, fd, i, rc = -1;

	mkdir_parents(path);
	if (mkdir(path, 0700) < 0) {
		if (errno != EEXIST)
			return ceh_fail_errno(e, _("cannot create store '%s'"),
			    path);
	} else
		sync_parent(path);
	rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ceh_fail_errno(e, _("cannot open store '%s'"), path);
	if (fstatat(rootfd, "store.yaml", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		close(rootfd);
		return ceh_fail(e, CEH_ESTATE, _("a store already exists at '%s'"),
		    path);
	}
	if ((fd = open_dir_at(rootfd, "people", 1, e)) < 0)
		goto out;
	close(fd);
	/* the summary index (index.h): empty, each shard built on first use */
	if ((fd = open_dir_at(rootfd, "index", 1, e)) < 0)
		goto out;
	i = openat(fd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	close(fd);
	if (i < 0) {
		ceh_fail_errno(e, _("cannot create '%s'"), "index/.lock");
		goto out;
	}
	close(i);
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
			ceh_fail_errno(e, _("cannot get random bytes"));
			goto out;
		}
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", key[i]);
		hex[64] = '\n';
		if (atomic_write(rootfd, "secret", hex, 65, e) < 0)
			goto out;
	}
	config_defaults(&cfg);
	cfg.signed_store = !unsigned_store;
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

	struct stat st;

	memset(s, 0, sizeof(*s));
	s->rootfd = s->peoplefd = -1;
	s->root = xstrdup(path);
	s->rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd >= 0 && fstat(s->rootfd, &st) == 0) {
		s->owner = st.st_uid;
		s->group = st.st_gid;
		s->has_modes = fs_has_modes(s->rootfd);
	}
	if (s->rootfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			ceh_fail(e, CEH_ENOTFOUND, _("no store at '%s'; run 'ceh "
			    "init' to create one (or set --store or "
			    "CEH_STORE)"), path);
		else
			ceh_fail_errno(e, _("cannot open store '%s'"), path);
		goto fail;
	}
	if (read_file_at(s->rootfd, "store.yaml", 1 << 20, &buf, &len,
	    e) < 0) {
		if (e->code == CEH_ENOTFOUND)
			ceh_fail(e, CEH_ENOTFOUND, _("'%s' is not a ceh store "
			    "(no store.yaml); run 'ceh init' to create one"),
			    path);
		goto fail;
	}
	if (config_parse(&s->cfg, buf, len, "store.yaml", e) < 0) {
		free(buf);
		ceh_err_prefix(e, "%s", path);
		goto fail;
	}
	free(buf);
	table_timezone(s->cfg.display_tz);
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
	fs_probe(s->rootfd);
	s->fs = fs_caps();
	/* one answer to "does this file system keep modes": both probes */
	if (s->fs->no_modes)
		s->has_modes = 0;
	return 0;
fail:
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	trust_cache_save(s);
	if (s->rootfd >= 0)
		close(s->rootfd);
	if (s->peoplefd >= 0)
		close(s->peoplefd);
	config_release(&s->cfg);
	codes_release(&s->codes);
	units_release(&s->units);
	trust_free(s->trust);
	free(s->root);
	memset(s, 0, sizeof(*s));
	s->rootfd = s->peoplefd = -1;
}

/* ---- who may write, and modes ---- */

const char *
user_label(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];

	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res &&
	    !has_control(pw.pw_name))
		snprintf(buf, size, "'%.64s' (uid %lu)", pw.pw_name,
		    (unsigned long)uid);
	else
		snprintf(buf, size, "uid %lu", (unsigned long)uid);
	return buf;
}

int
store_may_write(const struct store *s, struct ceh_err *e)
{
	char owner[96], me[96];

	if (!s->has_modes || s->allow_owner || s->owner == geteuid())
		return 0;
	return ceh_fail(e, CEH_ESYS, _("store '%s' belongs to user %s, not to "
	    "you (%s): refusing to write it; run ceh as its owner, or give "
	    "--allow-owner"), s->root, user_label(s->owner, owner,
	    sizeof(owner)), user_label(geteuid(), me, sizeof(me)));
}

int
store_adopt_owner(struct store *s, struct ceh_err *e)
{
	char owner[96];

	if (!s->allow_owner || !s->has_modes || geteuid() != 0 ||
	    s->owner == 0)
		return 0;
	if (setgroups(1, &s->group) < 0 ||
	    setresgid(s->group, s->group, s->group) < 0 ||
	    setresuid(s->owner, s->owner, s->owner) < 0)
		return ceh_fail_errno(e, _("cannot act as the owner %s of store "
		    "'%s'"), user_label(s->owner, owner, sizeof(owner)),
		    s->root);
	return 0;
}

const char *
store_read_only(const struct store *s, char *buf, size_t size)
{
	struct statvfs sv;
	char owner[96];

	if (fstatvfs(s->rootfd, &sv) == 0 && (sv.f_flag & ST_RDONLY))
		snprintf(buf, size, _("its filesystem is mounted read-only"));
	else if (s->has_modes && !s->allow_owner && s->owner != geteuid())
		snprintf(buf, size, _("it belongs to user %s"), user_label(
		    s->owner, owner, sizeof(owner)));
	else if (faccessat(s->rootfd, ".", W_OK, AT_EACCESS) < 0)
		snprintf(buf, size, _("its folder is not writable (%s)"),
		    strerror(errno));
	else
		return NULL;
	return buf;
}

/* Filesystems whose modes and owners are made up at mount time. */
#define FS_MSDOS	0x4d44u
#define FS_EXFAT	0x2011bab0u
#define FS_NTFS3	0x7366746eu
#define FS_NTFS		0x5346544eu
#define FS_FUSE		0x65735546u
#define FS_SMB		0x517bu
#define FS_CIFS		0xff534d42u
#define FS_SMB2		0xfe534d42u

int
fs_has_modes(int fd)
{
	static const unsigned long none[] = { FS_MSDOS, FS_EXFAT, FS_NTFS3,
	    FS_NTFS, FS_FUSE, FS_SMB, FS_CIFS, FS_SMB2 };
	const char *t = getenv("CEH_TEST_NO_MODES");
	struct statfs sf;
	size_t i;

	if (t && strcmp(t, "1") == 0)
		return 0;
	if (fstatfs(fd, &sf) < 0)
		return 1;
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if ((unsigned long)(unsigned)sf.f_type == none[i])
			return 0;
	return 1;
}

int
private_file_check(int dirfd, const char *name, const char *shown,
    struct ceh_err *e)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode) || !(st.st_mode & 077) ||
	    !fs_has_modes(dirfd))
		return 0;	/* missing, a link: its reader's to report */
	return ceh_fail(e, CEH_ESYS, _("'%s' may be read by others (mode "
	    "%04o): refusing to use it; it must be its owner's only "
	    "(run 'ceh fsck --repair', or chmod 600 it)"), shown,
	    (unsigned)(st.st_mode & 07777));
}

struct mode_walk {
	struct store *s;
	int repair;
	struct mode_report *r;
};

static void
mode_say(struct mode_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
mode_say(struct mode_report *r, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (r->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->say(r->arg, msg);
}

static void walk_modes(struct mode_walk *w, int fd, const char *path,
    int depth);

/* Tighten the mode of NAME in dirfd, opened without following a link
 * and checked to be the file that was looked at. */
static int
tighten(int dirfd, const char *name, const struct stat *st)
{
	struct stat now;
	int fd, rc = -1;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &now) == 0 && now.st_ino == st->st_ino &&
	    now.st_dev == st->st_dev)
		rc = fchmod(fd, st->st_mode & 0700);
	close(fd);
	return rc;
}

/* One file or folder of the store (dirfd/name, shown as path): its mode
 * and its owner. */
static void
check_one_mode(struct mode_walk *w, int dirfd, const char *name,
    const struct stat *st, const char *path)
{
	mode_t want = S_ISDIR(st->st_mode) ? 0700 : 0600;
	char owner[96], store_owner[96];
	int fixed;

	if (st->st_mode & 077) {
		fixed = w->repair && tighten(dirfd, name, st) == 0;
		mode_say(w->r, fixed ? _("%s: mode %04o is looser than the "
		    "store's %04o, repaired") : _("%s: mode %04o is looser "
		    "than the store's %04o"), path,
		    (unsigned)(st->st_mode & 07777), (unsigned)want);
		w->r->loose++;
		w->r->fixed += fixed;
	}
	if (st->st_uid != w->s->owner) {
		mode_say(w->r, _("%s: owned by user %s, not by the store's owner "
		    "%s (as root: chown -R it back)"), path, user_label(
		    st->st_uid, owner, sizeof(owner)), user_label(w->s->owner,
		    store_owner, sizeof(store_owner)));
		w->r->foreign++;
	}
}

struct mode_entry {
	struct mode_walk *w;
	const char *path;
	int depth;
};

static int
mode_entry(int dirfd, const char *name, void *arg)
{
	struct mode_entry *me = arg;
	char path[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s%s%s", me->path, me->path[0] ? "/" :
	    "", name);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    S_ISLNK(st.st_mode))
		return 0;	/* gone, or a link: not ceh's, fsck says so */
	check_one_mode(me->w, dirfd, name, &st, path);
	if (!S_ISDIR(st.st_mode))
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0) {
		mode_say(me->w->r, _("%s: cannot be opened to check what is in "
		    "it: %s"), path, strerror(errno));
		me->w->r->foreign++;
		return 0;
	}
	walk_modes(me->w, fd, path, me->depth + 1);
	close(fd);
	return 0;
}

static void
walk_modes(struct mode_walk *w, int fd, const char *path, int depth)
{
	struct mode_entry me = { w, path, depth };

	if (depth < 8)
		(void)dir_each(fd, mode_entry, &me);
}

int
store_check_modes(struct store *s, int repair, struct mode_report *r,
    struct ceh_err *e)
{
	struct mode_walk w = { s, repair, r };
	struct stat st;
	int fd;

	if (!s->has_modes)
		return 0;
	/* a descriptor of its own: a listing moves its offset, and fsck
	 * walks in another thread meanwhile */
	fd = openat(s->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		ceh_fail_errno(e, _("cannot check store '%s'"), s->root);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	check_one_mode(&w, fd, ".", &st, _("the store's folder"));
	walk_modes(&w, fd, "", 0);
	close(fd);
	return 0;
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
	lk->fd = -1;
	if (store_may_write(s, e) < 0)
		return -1;
	return lock_take(s->rootfd, NULL, ".lock", s->wait_secs, lk, e);
}

int
store_sweep(struct store *s, struct sweep *sw, struct ceh_err *e)
{
	int fd, rc;

	if (temp_sweep(s->rootfd, NULL, NULL, sw, e) < 0)
		return -1;
	if ((fd = open_dir_at(s->rootfd, "codes", 0, e)) < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	rc = temp_sweep(fd, "codes", NULL, sw, e);
	close(fd);
	return rc;
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
		return ceh_fail(e, CEH_EINPUT, _("'%.60s' is not an application "
		    "id (expected ID-NUMBER-XXXXXXXXXXXXXXXXXXXX as printed by "
		    "'ceh apply')"), has_control(s) ? "?" : s);
	memcpy(r->idnum, s, IDNUM_LEN);
	r->idnum[IDNUM_LEN] = '\0';
	memcpy(r->uniq, s + IDNUM_LEN + 1, APP_UNIQ_LEN + 1);
	if (idnum_check(_("application id"), r->idnum, canon, &sub) < 0)
		return ceh_fail(e, CEH_EINPUT, _("'%.60s' is not an application "
		    "id: %s"), has_control(s) ? "?" : s, sub.msg);
	memcpy(r->idnum, canon, IDNUM_LEN + 1);	/* x -> X */
	return 0;
}

int
app_ref_new(const char *idnum, struct app_ref *r, struct ceh_err *e)
{
	unsigned long long rnd;
	char part[16];

	if (random_bytes(&rnd, sizeof(rnd)) < 0)
		return ceh_fail_errno(e, _("cannot get random bytes"));
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

/* ---- names ---- */

int
person_dir_name(const char *s)
{
	return strlen(s) == IDNUM_LEN && strspn(s, "0123456789") >= 17 &&
	    (s[17] == 'X' || (s[17] >= '0' && s[17] <= '9'));
}

int
app_file_name(const char *name, const char *ext, char *uniq)
{
	size_t len = strlen(name), elen = strlen(ext);

	if (len != APP_UNIQ_LEN + elen || strcmp(name + APP_UNIQ_LEN, ext) ||
	    !uniq_valid(name, APP_UNIQ_LEN))
		return 0;
	memcpy(uniq, name, APP_UNIQ_LEN);
	uniq[APP_UNIQ_LEN] = '\0';
	return 1;
}

/* ---- people ---- */

void
person_shard(const char *idnum, char out[4])
{
	memcpy(out, idnum + 14, 3);
	out[3] = '\0';
}

int
shard_number(const char *name)
{
	if (strlen(name) != 3 || strspn(name, "0123456789") != 3)
		return -1;
	return (name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0');
}

const char *
person_folder(const struct person *p, enum stage f, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", p->dir, stage_name(f));
	return buf;
}

static void
person_init(struct person *p, const char *idnum)
{
	char shard[4];
	int i;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->lock.fd = -1;
	for (i = 0; i < STAGE__COUNT; i++)
		p->stagefd[i] = -1;
	snprintf(p->idnum, sizeof(p->idnum), "%s", idnum);
	person_shard(p->idnum, shard);
	snprintf(p->dir, sizeof(p->dir), "people/%s/%s", shard, p->idnum);
}

/* The person's folder below its shard folder sfd, and its stage folders;
 * a missing stage folder of an existing person is created lazily by
 * writers and treated as empty by readers. */
static int
person_open_at(int sfd, const char *idnum, int create, struct person *p,
    struct ceh_err *e)
{
	int i;

	person_init(p, idnum);
	if ((p->fd = open_dir_at(sfd, idnum, create, e)) < 0)
		return -1;
	for (i = 0; i < STAGE__COUNT; i++) {
		p->stagefd[i] = open_dir_at(p->fd, stage_name(i), create, e);
		if (p->stagefd[i] < 0 && (create || e->code != CEH_ENOTFOUND)) {
			ceh_err_prefix(e, "%s", p->dir);
			person_close(p);
			return -1;
		}
	}
	return 0;
}

int
person_open(struct store *s, const char *idnum, int create,
    struct person *p, struct ceh_err *e)
{
	char shard[4];
	int sfd, rc;

	person_init(p, "");
	if (!person_dir_name(idnum))
		return ceh_fail(e, CEH_EINPUT, _("bad ID number '%.40s'"), idnum);
	if (create && store_may_write(s, e) < 0)
		return -1;
	person_shard(idnum, shard);
	if ((sfd = open_dir_at(s->peoplefd, shard, create, e)) < 0)
		rc = -1;
	else {
		rc = person_open_at(sfd, idnum, create, p, e);
		close(sfd);
	}
	if (rc < 0 && e->code == CEH_ENOTFOUND)
		ceh_fail(e, CEH_ENOTFOUND, _("no applications for ID number %s"),
		    idnum);
	return rc;
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
person_lock_mode(struct store *s, struct person *p, enum lock_mode m,
    struct ceh_err *e)
{
	struct repair_report rep;

	if (m == LOCK_NONE)
		return 0;
	if (store_may_write(s, e) < 0)
		return -1;
	if (lock_take(p->fd, p->dir, ".lock", s->wait_secs, &p->lock, e) < 0)
		return -1;
	if (m == LOCK_ONLY)
		return 0;
	memset(&rep, 0, sizeof(rep));
	return person_repair(s, p, 1, &rep, e);
}

int
person_lock(struct store *s, struct person *p, struct ceh_err *e)
{
	return person_lock_mode(s, p, LOCK_REPAIR, e);
}

/* ---- the roll-forward repair (person_repair) ---- */

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

int
doc_text_plain(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf, *end = s + len;
	unsigned c;

	while (s < end) {
		/* the plain ASCII run first, eight bytes at a time: no
		 * high bit, no byte below 0x20, none 0x7f */
		while (end - s >= 8) {
			const uint64_t hi = 0x8080808080808080ULL;
			uint64_t x, lt, eq;

			memcpy(&x, s, 8);
			/* per byte b, no borrow between bytes: the high bit
			 * of lt is clear iff (b & 0x7f) < 0x20, of eq iff
			 * (b & 0x7f) == 0x7f */
			lt = (x | hi) - 0x2020202020202020ULL;
			eq = ((x ^ 0x7f7f7f7f7f7f7f7fULL) | hi) -
			    0x0101010101010101ULL;
			if (((x | ~lt | ~eq) & hi) != 0)
				break;
			s += 8;
		}
		while (s < end && *s >= 0x20 && *s < 0x7f)
			s++;
		if (s == end)
			break;
		c = *s;
		if (c == '\n') {
			s++;
			continue;
		}
		if (c < 0xc2 || c > 0xf4)
			return 0;	/* a control, DEL, a stray or overlong */
		if (c < 0xe0) {		/* two bytes; not U+0080-U+009F */
			if (end - s < 2 || (s[1] & 0xc0) != 0x80 ||
			    (c == 0xc2 && s[1] < 0xa0))
				return 0;
			s += 2;
		} else if (c < 0xf0) {	/* three; no overlong, surrogate,
					 * U+FFFE or U+FFFF */
			if (end - s < 3 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80 || (c == 0xe0 && s[1] < 0xa0) ||
			    (c == 0xed && s[1] > 0x9f) ||
			    (c == 0xef && s[1] == 0xbf && s[2] >= 0xbe) ||
			    (c == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 ||
			    s[2] == 0xa9)))
				return 0;
			s += 3;
		} else {		/* four; no overlong, none past U+10FFFF */
			if (end - s < 4 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80 ||
			    (c == 0xf0 && s[1] < 0x90) ||
			    (c == 0xf4 && s[1] > 0x8f))
				return 0;
			s += 4;
		}
	}
	return 1;
}

/* The stage of a document as doc_emit begins it, without libyaml:
 * exactly "format: 1\nid: \"ID\"\nstage: WORD\n" (ID of [0-9A-Za-z-],
 * WORD of [a-z]), a next line that begins with a letter at column 0 (a
 * next key: WORD does not continue, and the token libyaml reads ahead is
 * a plain scalar) and plain text (doc_text_plain, as libyaml's reader
 * takes it).  libyaml reads those bytes as format, id and stage with
 * these values, which is all ytree_peek reads; any other beginning goes
 * to ytree_peek.  1 and val set, or 0. */
static int
stage_prefix(const char *buf, size_t len, char *val, size_t size)
{
	static const char head[] = "format: 1\nid: \"", mid[] = "\"\nstage: ";
	const char *p = buf, *end = buf + len, *w;

	if (len < sizeof(head) - 1 || memcmp(p, head, sizeof(head) - 1) != 0 ||
	    !doc_text_plain(buf, len))
		return 0;
	for (p += sizeof(head) - 1; p < end && ((*p >= '0' && *p <= '9') ||
	    (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '-');
	    p++)
		;
	if ((size_t)(end - p) < sizeof(mid) - 1 ||
	    memcmp(p, mid, sizeof(mid) - 1) != 0)
		return 0;
	p += sizeof(mid) - 1;
	for (w = p; p < end && *p >= 'a' && *p <= 'z'; p++)
		;
	if (p == w || (size_t)(p - w) >= size || end - p < 2 || p[0] != '\n' ||
	    p[1] < 'a' || p[1] > 'z')
		return 0;
	memcpy(val, w, (size_t)(p - w));
	val[p - w] = '\0';
	return 1;
}

/* The stage a document's own field names, read cheaply (ytree_peek). */
static int
doc_stage_peek(struct person *p, enum stage folder, const char *name,
    int *out, char **keep, size_t *keeplen, struct ceh_err *e)
{
	char fname[160], val[32];
	enum stage st;
	char *buf;
	size_t len;
	int rc;

	snprintf(fname, sizeof(fname), "%s/%s/%s", p->dir,
	    stage_name(folder), name);
	if (read_file_at(p->stagefd[folder], name, DOC_MAX_BYTES, &buf, &len,
	    e) < 0) {
		ceh_err_prefix(e, "%s", fname);
		return -1;
	}
	if (!stage_prefix(buf, len, val, sizeof(val)))
		rc = ytree_peek(buf, len, "stage", val, sizeof(val), fname, e);
	else
		rc = 0;
	if (rc == 0 && stage_parse(val, &st) < 0)
		rc = ceh_fail(e, CEH_EINPUT, _("%s: unknown stage '%.30s'"),
		    fname, val);
	if (rc < 0) {
		free(buf);
		return -1;
	}
	*out = (int)st;
	if (keep == NULL)
		free(buf);
	else {
		*keep = buf;	/* the caller's now */
		*keeplen = len;
	}
	return 0;
}

void
doc_bytes_free(struct doc_bytes_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].buf);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct doc_bytes *
doc_bytes_find(const struct doc_bytes_list *l, enum stage folder,
    const char *name)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->v[i].folder == folder && strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* Keep buf (taken) as the bytes of folder/name, or free it. */
static void
doc_bytes_keep(struct doc_bytes_list *l, enum stage folder,
    const char *name, char *buf, size_t len)
{
	struct doc_bytes *d;

	if (l == NULL || strlen(name) >= sizeof(d->name)) {
		free(buf);
		return;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	d = &l->v[l->n++];
	d->folder = folder;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->buf = buf;
	d->len = len;
}

/*
 * The one move of person_repair: NAME from folder f to folder g, or, in
 * a report-only run, the problem said.  why says why (MOVE_STAGE: the
 * document's stage names g; MOVE_BELONGS: the archive's document is in
 * g; MOVE_EVIDENCE: this copy of the archive is the one the document
 * lists); *count is bumped on a move.  A move refused because
 * the target exists is reported (class 4 is not fatal); -1 only for a
 * system error.
 */
enum move_why { MOVE_STAGE, MOVE_BELONGS, MOVE_EVIDENCE };

static const char *const move_said[3][2] = {
	{ N_("%s/%s/%s: its stage is %s"),
	  N_("%s/%s/%s: its stage is %s, moved") },
	{ N_("%s/%s/%s: belongs in %s"),
	  N_("%s/%s/%s: belongs in %s, moved") },
	/* TRANSLATORS: an archive of attachments that is in two folders;
	 * this copy holds what the document lists */
	{ N_("%s/%s/%s: holds the evidence the document lists; belongs in "
	    "%s"),
	  N_("%s/%s/%s: holds the evidence the document lists; belongs in "
	    "%s, moved") },
};

static int
move_or_report(struct person *p, enum stage f, enum stage g,
    const char *name, int repair, enum move_why why, long *count,
    struct repair_report *rep, struct ceh_err *e)
{
	char from[48], to[48];

	if (!repair) {
		say(rep, _(move_said[why][0]), p->dir, stage_name(f), name,
		    stage_name(g));
		rep->problems++;
		return 0;
	}
	if (move_file(p->stagefd[f], person_folder(p, f, from, sizeof(from)),
	    p->stagefd[g], person_folder(p, g, to, sizeof(to)), name,
	    TEMP_SYNC, e) < 0) {
		if (e->code != CEH_ESTATE)
			return -1;
		say(rep, "%s", e->msg);
		rep->problems++;
		return 0;
	}
	say(rep, _(move_said[why][1]), p->dir, stage_name(f), name,
	    stage_name(g));
	(*count)++;
	return 0;
}

/* libzip's temp archive next to UNIQ.zip ("UNIQ.zip.XXXXXX"). */
static int
libzip_temp(const char *name)
{
	return strlen(name) > APP_UNIQ_LEN + 5 &&
	    strncmp(name + APP_UNIQ_LEN, ".zip.", 5) == 0;
}

/* Each stage folder is listed once for the three steps, and again
 * only after a step changed or reported something (a name moved, removed
 * or left alone and said): the steps then see what a fresh readdir sees,
 * and a person with nothing to repair costs one listing per folder. */
static int
name_add(int dirfd, const char *name, void *arg)
{
	struct folder_list *l = arg;

	(void)dirfd;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(name);
	return 0;
}

void
folder_list_free(struct folder_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
names_read(int fd, struct folder_list *l)
{
	folder_list_free(l);
	if (dir_each(fd, name_add, l) < 0)
		l->failed = 1;
}

/* dir_each over the list: fn's first non-zero return, -1 if the folder
 * could not be read, else 0. */
static int
names_each(const struct folder_list *l, int dirfd,
    int (*fn)(int dirfd, const char *name, void *arg), void *arg)
{
	size_t i;
	int rc;

	if (l->failed)
		return -1;
	for (i = 0; i < l->n; i++)
		if ((rc = fn(dirfd, l->v[i], arg)) != 0)
			return rc;
	return 0;
}

/* What person_repair has changed or said so far */
static long
repair_count(const struct repair_report *r)
{
	return r->moved + r->zips_moved + r->temps_removed +
	    r->copies_removed + r->problems;
}

int
folder_list_has(const struct folder_list *l, const char *name)
{
	size_t i;

	if (l->failed)
		return 1;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return 1;
	return 0;
}

struct repair_walk {
	struct store *s;
	struct person *p;
	enum stage f;
	int repair;
	struct repair_report *rep;
	struct ceh_err *e;
	/* the stage folders' names, as listed when nothing had
	 * been changed or said yet (repair_count == listed) */
	const struct folder_list *names;
	long listed;
};

/* May folder g hold name?  The listing answers while it is
 * fresh; else 1 (the caller looks). */
static int
walk_may_have(const struct repair_walk *w, int g, const char *name)
{
	if (w->names == NULL || repair_count(w->rep) != w->listed)
		return 1;
	return folder_list_has(&w->names[g], name);
}

/* Step 1: anything but the lock and the stage folders in the person's
 * folder is reported. */
static int
stranger_in_person(int dirfd, const char *name, void *arg)
{
	struct repair_walk *w = arg;
	enum stage st;

	/* the person's transfers (moves.h) and the temp files of their
	 * interrupted writes */
	if (strcmp(name, MOVES_FILE) == 0)
		return 0;
	if (strncmp(name, ".tmp." MOVES_FILE ".", sizeof(".tmp." MOVES_FILE))
	    == 0) {
		struct sweep sw = { w->repair, 0, 0, w->rep->say, w->rep->arg };

		temp_sweep_one(dirfd, w->p->dir, name, &sw);
		w->rep->temps_removed += sw.removed;
		w->rep->problems += sw.found - sw.removed;
		if (sw.removed)
			(void)fsync_dir(dirfd, w->p->dir, w->e);
		return 0;
	}
	if (strcmp(name, ".lock") != 0 && stage_parse(name, &st) < 0) {
		say(w->rep, _("%s/%s: not a file of ceh (left alone)"), w->p->dir,
		    name);
		w->rep->problems++;
	}
	return 0;
}

/* Remove NAME from folder f (a copy another folder holds, or an empty
 * claim), synced at once (its inode is freed); what says why. */
static int
remove_copy(struct repair_walk *w, enum stage f, const char *name,
    const char *what)
{
	struct person *p = w->p;
	char where[48];

	w->rep->problems++;
	if (!w->repair) {
		say(w->rep, _("%s/%s/%s: %s"), p->dir, stage_name(f), name, what);
		return 0;
	}
	person_folder(p, f, where, sizeof(where));
	if (unlinkat(p->stagefd[f], name, 0) < 0 ||
	    fsync_dir(p->stagefd[f], where, w->e) < 0) {
		say(w->rep, _("%s/%s/%s: %s, cannot remove it: %s"), p->dir,
		    stage_name(f), name, what, strerror(errno));
		return 0;
	}
	w->rep->problems--;
	w->rep->copies_removed++;
	say(w->rep, _("%s/%s/%s: %s, removed"), p->dir, stage_name(f), name, what);
	return 0;
}

/* The same bytes in two folders: 1, else 0 (or unreadable). */
static int
same_bytes(int fa, int fb, const char *name)
{
	struct ceh_err sub;
	char *a, *b;
	size_t la, lb;
	int same;

	if (read_file_at(fa, name, DOC_MAX_BYTES, &a, &la, &sub) < 0)
		return 0;
	if (read_file_at(fb, name, DOC_MAX_BYTES, &b, &lb, &sub) < 0) {
		free(a);
		return 0;
	}
	same = la == lb && memcmp(a, b, la) == 0;
	free(a);
	free(b);
	return same;
}

/* Step 2 for one document: a copy in a second folder (a move cut short
 * by a power loss leaves the same bytes in both) is resolved, then the
 * document is moved to the folder its stage names. */
static int
repair_doc(struct repair_walk *w, const char *name)
{
	struct person *p = w->p;
	struct ceh_err sub;
	struct stat st;
	int other, g = 0;
	char *buf = NULL;
	size_t len = 0;

	/* unreadable: left where it is, for the full reader of the caller
	 * (fsck, the command) to report */
	if (doc_stage_peek(p, w->f, name, &g, w->rep->kept ? &buf : NULL,
	    &len, &sub) < 0)
		return 0;
	for (other = 0; other < STAGE__COUNT; other++) {
		if (other == (int)w->f || p->stagefd[other] < 0 ||
		    !walk_may_have(w, other, name) ||
		    fstatat(p->stagefd[other], name, &st,
		    AT_SYMLINK_NOFOLLOW) < 0 || st.st_size == 0)
			continue;	/* none, or a claim (step 2a) */
		free(buf);	/* a second copy: nothing kept */
		buf = NULL;
		if (!same_bytes(p->stagefd[w->f], p->stagefd[other], name)) {
			/* two versions: never merged by guesswork */
			if (other > (int)w->f) {
				say(w->rep, _("%s: %s is in both %s/ and %s/ "
				    "with different contents (left alone: "
				    "keep the right one by hand)"), p->dir,
				    name, stage_name(w->f), stage_name(other));
				w->rep->problems++;
			}
			return 0;
		}
		/* one document twice: the copy outside its stage's folder
		 * goes (if neither is, the later one) */
		if (other == g || (g != (int)w->f && other < (int)w->f))
			return remove_copy(w, w->f, name, _("a second copy of "
			    "the document (an interrupted move)"));
	}
	if (g == (int)w->f) {
		if (buf != NULL)
			doc_bytes_keep(w->rep->kept, w->f, name, buf, len);
		return 0;
	}
	free(buf);
	return move_or_report(p, w->f, (enum stage)g, name, w->repair,
	    MOVE_STAGE, &w->rep->moved, w->rep, w->e);
}

/* An empty UNIQ.yaml (no document is empty), or an empty UNIQ.zip with a
 * non-empty copy in another folder (an interrupted copy-move); an empty
 * archive alone is left for the reader to report as damaged. */
static int
empty_claim(struct repair_walk *w, int dirfd, const char *name)
{
	char uniq[APP_UNIQ_LEN + 1];
	struct stat st;
	int g;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_size != 0)
		return 0;
	if (app_file_name(name, ".yaml", uniq))
		return 1;
	if (!app_file_name(name, ".zip", uniq))
		return 0;
	for (g = 0; g < STAGE__COUNT; g++)
		if (g != (int)w->f && w->p->stagefd[g] >= 0 &&
		    fstatat(w->p->stagefd[g], name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size > 0)
			return 1;
	return 0;
}

/* Step 2a: the leftovers of interrupted writes in a stage folder, gone
 * before any document is looked at (a claim is in a move's way). */
static int
repair_leftover(int dirfd, const char *name, void *arg)
{
	struct repair_walk *w = arg;
	char where[48];
	struct sweep sw = { w->repair, 0, 0, w->rep->say, w->rep->arg };

	if (is_temp_name(name) || libzip_temp(name)) {
		/* we hold the lock: no writer of this person is alive */
		temp_sweep_one(dirfd, person_folder(w->p, w->f, where,
		    sizeof(where)), name, &sw);
		w->rep->temps_removed += sw.removed;
		w->rep->problems += sw.found - sw.removed;
		if (sw.removed)
			(void)fsync_dir(dirfd, where, w->e);
		return 0;
	}
	if (empty_claim(w, dirfd, name))
		/* a name claimed by a publish without hard links, never
		 * filled (atomic.h) */
		return remove_copy(w, w->f, name, _("empty: the claim of an "
		    "interrupted write")) < 0 ? 1 : 0;
	return 0;
}

/* Step 2b: every other name of one stage folder. */
static int
repair_name(int dirfd, const char *name, void *arg)
{
	struct repair_walk *w = arg;
	char uniq[APP_UNIQ_LEN + 1];
	struct stat st;

	if (is_temp_name(name) || libzip_temp(name))
		return 0;	/* reported by step 2a */
	/* a document gone meanwhile is skipped by repair_doc's read (no
	 * fstatat first: one system call less per document) */
	if (app_file_name(name, ".yaml", uniq))
		return repair_doc(w, name) < 0 ? 1 : 0;
	if (app_file_name(name, ".zip", uniq) ||
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;	/* an archive (step 3), or gone */
	say(w->rep, _("%s/%s/%s: not a file of ceh (left alone)"),
	    w->p->dir, stage_name(w->f), name);
	w->rep->problems++;
	return 0;
}

/*
 * The archive is also next to its document, in folder g: an interrupted
 * move.  The copy that holds the evidence the document lists wins; the
 * other goes only if it holds nothing more (bundle_twins); otherwise both
 * stay and are reported.
 */
static int
repair_zip_twin(struct repair_walk *w, enum stage g, const char *uniq,
    const char *name)
{
	struct person *p = w->p;
	struct application app;
	struct ceh_err sub;
	char where[48];
	int t;

	if (app_read(w->s, p, g, uniq, &app, &sub) < 0)
		return 0;	/* the caller's reader reports the document */
	t = bundle_twins(w->s, p, &app, g, w->f, &sub);
	app_release(&app);
	if (t == TWIN_SAME || t == TWIN_KEEP_A)
		return remove_copy(w, w->f, name, t == TWIN_SAME ?
		    _("a second copy of the archive (an interrupted move)") :
		    _("an older copy of the archive next to the document holds "
		    "nothing more"));
	if (t == TWIN_KEEP_B) {
		/* ours is the evidence: it replaces the one next to the
		 * document, which holds nothing more */
		if (w->repair && (unlinkat(p->stagefd[g], name, 0) < 0 ||
		    fsync_dir(p->stagefd[g], person_folder(p, g, where,
		    sizeof(where)), w->e) < 0))
			return -1;
		return move_or_report(p, w->f, g, name, w->repair,
		    MOVE_EVIDENCE,
		    &w->rep->zips_moved, w->rep, w->e);
	}
	say(w->rep, _("%s: %s is in both %s/ and %s/ with different evidence "
	    "(both kept: keep the right one by hand)"), p->dir, name,
	    stage_name(w->f), stage_name(g));
	w->rep->problems++;
	return 0;
}

/* Step 3 for one name: an archive follows its document. */
static int
repair_zip(int dirfd, const char *name, void *arg)
{
	struct repair_walk *w = arg;
	struct person *p = w->p;
	char uniq[APP_UNIQ_LEN + 1], doc[64];
	enum stage g;
	struct stat st;

	if (!app_file_name(name, ".zip", uniq))
		return 0;
	snprintf(doc, sizeof(doc), "%s.yaml", uniq);
	if (fstatat(dirfd, doc, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	for (g = 0; g < STAGE__COUNT; g++)
		if (g != w->f && p->stagefd[g] >= 0 && fstatat(p->stagefd[g],
		    doc, &st, AT_SYMLINK_NOFOLLOW) == 0)
			break;
	if (g == STAGE__COUNT) {
		say(w->rep, _("%s/%s/%s: attachments without an application"),
		    p->dir, stage_name(w->f), name);
		w->rep->problems++;
		return 0;
	}
	if (fstatat(p->stagefd[g], name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return repair_zip_twin(w, g, uniq, name) < 0 ? 1 : 0;
	return move_or_report(p, w->f, g, name, w->repair, MOVE_BELONGS,
	    &w->rep->zips_moved, w->rep, w->e) < 0 ? 1 : 0;
}


int
person_repair(struct store *s, struct person *p, int repair,
    struct repair_report *rep, struct ceh_err *e)
{
	struct repair_walk w = { s, p, STAGE_DRAFT, repair, rep, e, NULL, -1 };
	struct folder_list names[STAGE__COUNT];
	long listed = -1, count0 = repair_count(rep);
	int f, step, rc = 0;

	for (f = 0; repair && f < STAGE__COUNT; f++)
		if (p->stagefd[f] < 0 && (p->stagefd[f] =
		    open_dir_at(p->fd, stage_name(f), 1, e)) < 0) {
			ceh_err_prefix(e, "%s", p->dir);
			return -1;
		}
	memset(names, 0, sizeof(names));
	/* a folder that cannot be read is skipped here: the caller's
	 * reader reports it */
	(void)dir_each(p->fd, stranger_in_person, &w);
	for (step = 1; step <= 3 && rc == 0; step++) {
		if (repair_count(rep) != listed) {
			for (f = 0; f < STAGE__COUNT; f++)
				if (p->stagefd[f] >= 0)
					names_read(p->stagefd[f], &names[f]);
			listed = repair_count(rep);
			w.names = names;
			w.listed = listed;
		}
		for (f = 0; f < STAGE__COUNT && rc == 0; f++) {
			w.f = (enum stage)f;
			if (p->stagefd[f] >= 0 && names_each(&names[f],
			    p->stagefd[f], step == 1 ? repair_leftover :
			    step == 2 ? repair_name : repair_zip, &w) == 1)
				rc = -1;
		}
	}
	/* the listing as the folders are now, for a caller that asked */
	if (rep->names && rc == 0 && repair_count(rep) != listed)
		for (f = 0; f < STAGE__COUNT; f++)
			if (p->stagefd[f] >= 0)
				names_read(p->stagefd[f], &names[f]);
	for (f = 0; f < STAGE__COUNT; f++) {
		if (rep->names) {
			folder_list_free(&rep->names[f]);
			rep->names[f] = names[f];
			rep->names[f].failed |= rc != 0;
		} else
			folder_list_free(&names[f]);
	}
	/* bytes are handed on only from a person left as it was */
	if (rep->kept && (rc != 0 || repair_count(rep) != count0))
		doc_bytes_free(rep->kept);
	return rc;
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
	return ceh_fail(e, CEH_ENOTFOUND, _("no application %s-%s"), p->idnum,
	    uniq);
}

/* The document UNIQ.yaml of folder, from its bytes: parsed, its id
 * checked against the file's name; digest, when not NULL, gets the
 * SHA-256 of the bytes. */
int
app_parse_bytes(struct store *s, struct person *p, enum stage folder,
    const char *uniq, const char *buf, size_t len, struct application *app,
    unsigned char *digest, struct ceh_err *e)
{
	char fname[160];
	int rc;

	snprintf(fname, sizeof(fname), "%s/%s/%s.yaml", p->dir,
	    stage_name(folder), uniq);
	app_init(app);
	if (digest != NULL)
		sha256_bin(buf, len, digest);
	rc = doc_parse(app, buf, len, fname, &s->rules, e);
	if (rc == 0 && (strncmp(app->id, p->idnum, IDNUM_LEN) != 0 ||
	    strcmp(app->id + IDNUM_LEN + 1, uniq) != 0)) {
		ceh_fail(e, CEH_EINPUT, _("%s: its id '%.60s' does not match the "
		    "file name"), fname, app->id);
		app_release(app);
		rc = -1;
	}
	return rc;
}

/* app_read; digest, when not NULL, gets the SHA-256 of the bytes. */
static int
read_doc_file(struct store *s, struct person *p, enum stage folder,
    const char *uniq, struct application *app,
    unsigned char *digest, struct ceh_err *e)
{
	char name[64], fname[160];
	char *buf;
	size_t len;
	int rc;

	snprintf(name, sizeof(name), "%s.yaml", uniq);
	app_init(app);
	if (p->stagefd[folder] < 0 || read_file_at(p->stagefd[folder], name,
	    DOC_MAX_BYTES, &buf, &len, e) < 0) {
		snprintf(fname, sizeof(fname), "%s/%s/%s", p->dir,
		    stage_name(folder), name);
		if (p->stagefd[folder] < 0)
			return ceh_fail(e, CEH_ENOTFOUND, _("'%s' not found"),
			    fname);
		if (e->code != CEH_ENOTFOUND)
			ceh_err_prefix(e, "%s", fname);
		return -1;
	}
	rc = app_parse_bytes(s, p, folder, uniq, buf, len, app, digest, e);
	free(buf);
	return rc;
}

int
app_read(struct store *s, struct person *p, enum stage folder,
    const char *uniq, struct application *app, struct ceh_err *e)
{
	return read_doc_file(s, p, folder, uniq, app, NULL, e);
}

int
app_read_digest(struct store *s, struct person *p, enum stage folder,
    const char *uniq, struct application *app,
    unsigned char digest[SHA256_LEN], struct ceh_err *e)
{
	return read_doc_file(s, p, folder, uniq, app, digest, e);
}

/* A document moves by one rename at a time, so a few looks find it. */
#define LOAD_TRIES 4

int
app_load(struct store *s, struct person *p, const char *uniq,
    enum stage *folder, struct application *app, struct ceh_err *e)
{
	int tries;

	app_init(app);
	for (tries = 0; tries < LOAD_TRIES; tries++) {
		if (app_find(p, uniq, folder, e) < 0)
			return -1;
		stop_point("app-after-find");
		if (app_read(s, p, *folder, uniq, app, e) == 0)
			return 0;
		if (e->code != CEH_ENOTFOUND)
			return -1;
	}
	return -1;
}

int
app_create(struct store *s, struct person *p, const struct application *app,
    struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	char name[64], where[48];
	int rc;

	struct index_txn ix;
	char hex[SHA256_HEX_LEN + 1];

	snprintf(name, sizeof(name), "%s.yaml", app->id + IDNUM_LEN + 1);
	rc = doc_emit(app, &sb, e);
	if (rc == 0) {
		sha256_hex(sb.buf, sb.len, hex);
		rc = index_pending(s, app, hex, 1, &ix, e);
	}
	if (rc == 0) {
		rc = atomic_create_at(p->stagefd[STAGE_DRAFT], person_folder(p,
		    STAGE_DRAFT, where, sizeof(where)), name, sb.buf, sb.len, e);
		if (rc == 0)
			index_final(s, &ix);
		else
			index_abort(s, &ix);
	}
	sb_release(&sb);
	return rc;
}

/* ---- the commit path ---- */

int
app_prepare(struct store *s, struct person *p, const struct application *app,
    enum stage folder, enum commit_sync sync, struct app_commit *c,
    struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	char name[64], where[48];
	int rc;

	(void)s;
	memset(c, 0, sizeof(*c));
	c->tmp.fd = -1;
	c->p = p;
	c->from = folder;
	c->to = app->stage;
	/* without hard links a move is a copy, synced on its own (atomic.h):
	 * the whole commit is then synced step by step */
	c->sync = fs_caps()->no_link ? COMMIT_SYNC : sync;
	snprintf(c->appid, sizeof(c->appid), "%s", app->id);
	snprintf(c->status, sizeof(c->status), "%s", app_status(app));
	snprintf(name, sizeof(name), "%s.yaml", app->id + IDNUM_LEN + 1);
	rc = doc_emit(app, &sb, e);
	if (rc == 0) {
		sha256_hex(sb.buf, sb.len, c->sha256);
		rc = temp_file(&c->tmp, p->stagefd[folder], person_folder(p,
		    folder, where, sizeof(where)), name, sb.buf, sb.len,
		    c->sync == COMMIT_SYNC ? TEMP_SYNC : TEMP_NOSYNC, e);
	}
	if (rc == 0 && index_pending(s, app, c->sha256,
	    c->sync == COMMIT_SYNC, &c->ix, e) < 0) {
		temp_rollback(&c->tmp);
		rc = -1;
	}
	if (rc == 0)
		c->store = s;
	sb_release(&sb);
	return rc;
}

void
app_abort(struct app_commit *c)
{
	if (!c->committed && c->store)
		index_abort(c->store, &c->ix);
	temp_rollback(&c->tmp);
}

void
app_commit_late(const struct app_commit *c, int why, struct ceh_err *e)
{
	/* TRANSLATORS: the second %s is the stage (待审核 ...) */
	if (why == COMMIT_LATE_SYNC)
		ceh_err_prefix(e, _("%s is now %s but may not survive a power "
		    "loss"), c->appid, c->status);
	else
		ceh_err_prefix(e, _("%s is now %s but is not in its stage "
		    "folder yet (run 'ceh fsck --repair')"), c->appid,
		    c->status);
}

int
app_finish(struct store *s, struct app_commit *c, struct ceh_err *e)
{
	struct person *p = c->p;
	enum temp_sync sync = c->sync == COMMIT_SYNC ? TEMP_SYNC : TEMP_NOSYNC;
	char from[48], to[48];
	struct stat st;
	int fd = p->stagefd[c->from], tofd = p->stagefd[c->to];

	person_folder(p, c->from, from, sizeof(from));
	person_folder(p, c->to, to, sizeof(to));
	if (temp_commit(&c->tmp, e) < 0) {
		index_abort(s, &c->ix);
		return -1;
	}
	c->committed = 1;
	/* the old document's inode is freed: durable before anything new */
	if (sync == TEMP_SYNC && fsync_dir(fd, from, e) < 0)
		goto late_sync;
	if (sync == TEMP_SYNC)
		index_final(s, &c->ix);	/* a batch: app_finish_index */
	if (c->to == c->from)
		return 0;
	crash_point("commit-after-write");
	snprintf(c->zip, sizeof(c->zip), "%.20s.zip", c->tmp.target);
	c->has_zip = fstatat(fd, c->zip, &st, AT_SYMLINK_NOFOLLOW) == 0;
	/* the new names first (document, archive), durable; then the old
	 * names go */
	if (move_begin(fd, from, tofd, to, c->tmp.target, TEMP_NOSYNC, e) < 0 ||
	    (c->has_zip && move_begin(fd, from, tofd, to, c->zip, TEMP_NOSYNC,
	    e) < 0))
		goto late_move;
	if (sync == TEMP_SYNC && fsync_dir(tofd, to, e) < 0)
		goto late_sync;
	c->moving = 1;
	if (sync == TEMP_NOSYNC)
		return 0;	/* the batch syncs, then app_finish_moves */
	return app_finish_moves(s, c, e);
late_sync:
	app_commit_late(c, COMMIT_LATE_SYNC, e);
	return -1;
late_move:
	app_commit_late(c, COMMIT_LATE_MOVE, e);
	return -1;
}

void
app_finish_index(struct store *s, struct app_commit *c)
{
	if (c->committed)
		index_final(s, &c->ix);
}

int
app_finish_moves(struct store *s, struct app_commit *c, struct ceh_err *e)
{
	struct person *p = c->p;
	enum temp_sync sync = c->sync == COMMIT_SYNC ? TEMP_SYNC : TEMP_NOSYNC;
	char from[48];
	int fd = p->stagefd[c->from];

	(void)s;
	if (!c->moving)
		return 0;
	c->moving = 0;
	person_folder(p, c->from, from, sizeof(from));
	if (move_end(fd, from, c->tmp.target, TEMP_NOSYNC, e) < 0)
		goto late;
	crash_point("commit-after-move");
	if (c->has_zip && move_end(fd, from, c->zip, TEMP_NOSYNC, e) < 0)
		goto late;
	if (sync == TEMP_SYNC && fsync_dir(fd, from, e) < 0) {
		app_commit_late(c, COMMIT_LATE_SYNC, e);
		return -1;
	}
	return 0;
late:
	app_commit_late(c, COMMIT_LATE_MOVE, e);
	return -1;
}

int
app_commit(struct store *s, struct person *p, const struct application *app,
    enum stage folder, struct ceh_err *e)
{
	struct app_commit c;

	if (app_prepare(s, p, app, folder, COMMIT_SYNC, &c, e) < 0)
		return -1;
	return app_finish(s, &c, e);
}

/* ---- one application ---- */

void
app_handle_init(struct app_handle *h)
{
	memset(h, 0, sizeof(*h));
	person_init(&h->p, "");
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
			ceh_fail(e, CEH_ENOTFOUND, _("no application %s"), id);
		return -1;
	}
	if (mutate) {
		if (person_lock(s, &h->p, e) < 0)
			return -1;
		h->locked = 1;
	}
	return app_load(s, &h->p, h->ref.uniq, &h->folder, &h->app, e);
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

/* dir_each callbacks stop it with 1 and keep the visitor's own return
 * value in the walk (dir_each's -1 is its own failure). */
struct people_walk {
	struct store *s;
	const char *shard;
	person_visit_fn fn;
	void *arg;
	int rc;
};

/* One name in a shard folder: a person of that shard is opened and
 * visited. */
static int
people_person(int sfd, const char *name, void *arg)
{
	struct people_walk *w = arg;
	struct person p;
	struct ceh_err err;

	if (!person_dir_name(name) || strncmp(name + 14, w->shard, 3) != 0)
		return 0;
	if (person_open_at(sfd, name, 0, &p, &err) < 0) {
		if (err.code == CEH_ENOTFOUND)
			return 0;	/* gone meanwhile */
		w->rc = w->fn(w->s, NULL, &err, w->arg);
	} else {
		w->rc = w->fn(w->s, &p, NULL, w->arg);
		person_close(&p);
	}
	return w->rc != 0;
}

/* One name in people/: a shard folder is walked (an unreadable one is
 * skipped, as a person that cannot be opened would be by readers). */
static int
people_shard(int peoplefd, const char *name, void *arg)
{
	struct people_walk *w = arg;
	int sfd, rc;

	if (shard_number(name) < 0)
		return 0;
	sfd = openat(peoplefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (sfd < 0)
		return 0;
	w->shard = name;
	rc = dir_each(sfd, people_person, w);
	close(sfd);
	return rc > 0;
}

int
store_people(struct store *s, person_visit_fn fn, void *arg,
    struct ceh_err *e)
{
	struct people_walk w = { s, NULL, fn, arg, 0 };

	if (dir_each(s->peoplefd, people_shard, &w) < 0)
		return ceh_fail_errno(e, _("cannot read 'people'"));
	return w.rc;
}

struct docs_walk {
	struct person *p;
	enum stage f;
	doc_name_fn fn;
	void *arg;
	int rc;
};

static int
docs_name(int dirfd, const char *name, void *arg)
{
	struct docs_walk *w = arg;
	char uniq[APP_UNIQ_LEN + 1];

	(void)dirfd;
	if (!app_file_name(name, ".yaml", uniq))
		return 0;
	w->rc = w->fn(w->p, w->f, uniq, w->arg);
	return w->rc != 0;
}

int
folder_docs(struct person *p, enum stage folder, doc_name_fn fn, void *arg,
    struct ceh_err *e)
{
	struct docs_walk w = { p, folder, fn, arg, 0 };
	char where[48];

	if (p->stagefd[folder] < 0)
		return 0;
	if (dir_each(p->stagefd[folder], docs_name, &w) < 0)
		return ceh_fail_errno(e, _("cannot read '%s'"),
		    person_folder(p, folder, where, sizeof(where)));
	return w.rc;
}

int
folder_list_docs(struct person *p, enum stage folder,
    const struct folder_list *l, doc_name_fn fn, void *arg,
    struct ceh_err *e)
{
	struct docs_walk w = { p, folder, fn, arg, 0 };
	size_t i;

	if (l->failed)
		return folder_docs(p, folder, fn, arg, e);
	for (i = 0; i < l->n; i++)
		if (docs_name(p->stagefd[folder], l->v[i], &w) != 0)
			break;
	return w.rc;
}

/* One person's walk: the applications visited so far (a transition may
 * move one into a folder still to be walked). */
struct app_walk {
	struct store *s;
	app_visit_fn fn;
	void *arg;
	char (*seen)[APP_UNIQ_LEN + 1];
	size_t nseen;
};

static int
walk_seen(struct app_walk *w, const char *uniq)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		if (strcmp(w->seen[i], uniq) == 0)
			return 1;
	w->seen = xreallocarray(w->seen, w->nseen + 1, sizeof(*w->seen));
	memcpy(w->seen[w->nseen++], uniq, APP_UNIQ_LEN + 1);
	return 0;
}

static int
walk_doc(struct person *p, enum stage f, const char *uniq, void *arg)
{
	struct app_walk *w = arg;
	struct application app;
	struct ceh_err err;
	enum stage now = f;
	int rc;

	if (walk_seen(w, uniq))
		return 0;
	rc = app_read(w->s, p, f, uniq, &app, &err);
	if (rc < 0 && err.code == CEH_ENOTFOUND) {
		/* moved since the folder was listed: a folder still to be
		 * walked shows it, one already walked is read again */
		if (app_find(p, uniq, &now, &err) < 0 || now > f) {
			w->nseen--;
			return 0;
		}
		rc = app_load(w->s, p, uniq, &now, &app, &err);
	}
	if (rc < 0)
		return w->fn(w->s, p, now, NULL, &err, w->arg);
	rc = w->fn(w->s, p, now, &app, NULL, w->arg);
	app_release(&app);
	stop_point("walk-after-visit");
	return rc;
}

static int
walk_person(struct store *s, struct person *p, const struct ceh_err *err,
    void *arg)
{
	struct app_walk *all = arg;
	struct app_walk w = { s, all->fn, all->arg, NULL, 0 };
	struct ceh_err sub;
	int f, rc = 0;

	(void)err;	/* a person that cannot be opened is skipped */
	if (p == NULL)
		return 0;
	for (f = 0; f < STAGE__COUNT && rc == 0; f++) {
		ceh_err_clear(&sub);
		rc = folder_docs(p, (enum stage)f, walk_doc, &w, &sub);
		if (rc < 0 && sub.code)
			rc = 0;	/* an unreadable folder is skipped */
	}
	free(w.seen);
	return rc;
}

int
store_walk(struct store *s, const char *idnum, app_visit_fn fn, void *arg,
    struct ceh_err *e)
{
	struct app_walk w = { s, fn, arg, NULL, 0 };
	struct person p;
	int rc;

	if (idnum == NULL)
		return store_people(s, walk_person, &w, e);
	if (person_open(s, idnum, 0, &p, e) < 0)
		return 0;	/* no such person: nothing to visit */
	rc = walk_person(s, &p, NULL, &w);
	person_close(&p);
	return rc;
}
