/* site.c - the site repository of a store (site.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "fault.h"
#include "i18n.h"
#include "key.h"
#include "site.h"
#include "store.h"
#include "trust.h"
#include "util.h"

#define SITE_FILE "site"
#define SITE_STATE_MAX (64 << 20)

int
site_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > SITE_NAME_MAX || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

static int
site_git_open(struct store *s, struct git *g, struct ceh_err *e)
{
	char *dir = xasprintf("%s/%s", s->root, SITE_DIR);
	int rc = git_open(g, dir, e);

	free(dir);
	return rc;
}


/* The repository is made whole under site.new (a leftover of an
 * interrupted init removed first) and renamed to site/ last: a store is
 * a site, or not at all, never half of one. */
#define SITE_NEW SITE_DIR ".new"

int
site_init(struct store *s, const char *name, const char *anchor_line,
    struct ceh_err *e)
{
	static const char *const init[] = { "init", "--bare", "--quiet",
		"--template=", "--shared=0600", NULL };
	static const char *const cfg[][5] = {
		{ "config", "gc.auto", "0", NULL },
		{ "config", "core.logAllRefUpdates", "false", NULL },
		{ "config", "transfer.fsckObjects", "true", NULL },
		{ "config", "receive.denyNonFastForwards", "false", NULL },
	};
	struct git g;
	struct stat st;
	struct sbuf text = SBUF_INIT;
	char *tmp;
	int fd, rc = -1;
	size_t i;

	if (!site_name_valid(name))
		return ceh_fail(e, CEH_EINPUT, _("'%s' is not a site name: 1 to "
		    "%d letters, digits, '.', '_' or '-', not starting with "
		    "'.' or '-'"), safe_echo(name), SITE_NAME_MAX);
	if (!trust_signed(s))
		return ceh_fail(e, CEH_EINPUT, _("this store is unsigned: an "
		    "exchange believes only signed decisions (ceh migrate "
		    "makes it signed)"));
	if (fstatat(s->rootfd, SITE_DIR, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return ceh_fail(e, CEH_ESTATE, _("this store is a site already "
		    "(ceh site show)"));
	tmp = xasprintf("%s/%s", s->root, SITE_NEW);
	rm_tree(tmp);
	if (git_open(&g, tmp, e) < 0) {
		free(tmp);
		return -1;
	}
	if (git_ok(&g, init, NULL, 0, NULL, e) < 0)
		goto out;
	for (i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++)
		if (git_ok(&g, cfg[i], NULL, 0, NULL, e) < 0)
			goto out;
	if ((fd = open_dir_at(s->rootfd, SITE_NEW "/ceh", 1, e)) < 0)
		goto out;
	sb_addf(&text, "ceh-site-v1\nname=%s\nanchor=%s\n", name,
	    anchor_line ? anchor_line : "");
	rc = atomic_write(fd, SITE_FILE, text.buf, text.len, e);
	close(fd);
	if (rc < 0)
		goto out;
	if (fault_hit("rename") ? (errno = EIO, 1) :
	    renameat(s->rootfd, SITE_NEW, s->rootfd, SITE_DIR) < 0)
		rc = ceh_fail_errno(e, _("cannot make the site"));
	else
		rc = fsync_dir(s->rootfd, ".", e);
out:
	if (rc < 0)
		rm_tree(tmp);
	free(tmp);
	sb_release(&text);
	git_close(&g);
	return rc;
}

int
site_open(struct store *s, struct site *st, struct ceh_err *e)
{
	char *buf = NULL, *name;
	size_t len;
	struct ceh_err sub;

	memset(st, 0, sizeof(*st));
	st->dirfd = -1;
	if ((st->dirfd = open_dir_at(s->rootfd, SITE_DIR "/ceh", 0, &sub)) <
	    0 || read_file_at(st->dirfd, SITE_FILE, 1 << 16, &buf, &len,
	    &sub) < 0) {
		if (st->dirfd >= 0)
			close(st->dirfd);
		st->dirfd = -1;
		if (sub.code == CEH_ENOTFOUND)
			return ceh_fail(e, CEH_ENOTFOUND, _("this store is not a "
			    "site: make it one with ceh site init NAME"));
		*e = sub;
		return -1;
	}
	name = text_field(buf, "name");
	st->anchor_line = text_field(buf, "anchor");
	if (strncmp(buf, "ceh-site-v1\n", 12) != 0 || name == NULL ||
	    !site_name_valid(name) || st->anchor_line == NULL) {
		free(name);
		free(buf);
		site_close(st);
		return ceh_fail(e, CEH_ESYS, _("site/ceh/site is damaged"));
	}
	snprintf(st->name, sizeof(st->name), "%s", name);
	free(name);
	free(buf);
	if (site_git_open(s, &st->git, e) < 0) {
		site_close(st);
		return -1;
	}
	return 0;
}

void
site_close(struct site *st)
{
	free(st->anchor_line);
	st->anchor_line = NULL;
	git_close(&st->git);
	if (st->dirfd >= 0)
		close(st->dirfd);
	st->dirfd = -1;
}

int
site_anchor(struct store *s, const struct site *st, uint8_t pub[32],
    char hash[SHA256_HEX_LEN + 1], struct ceh_err *e)
{
	struct ceh_err sub;

	if (trust_anchor(s, pub, &sub) < 0) {
		struct ceh_key k;

		if (sub.code != CEH_ENOTFOUND || !st->anchor_line[0]) {
			*e = sub;
			return -1;
		}
		if (key_public_parse("anchor", st->anchor_line, &k, e) < 0)
			return -1;
		memcpy(pub, k.pub, 32);
	}
	sha256_hex(pub, 32, hash);
	return 0;
}

int
site_log_root(const char *log, size_t len, char hash[SHA256_HEX_LEN + 1])
{
	char *rec, *end, *v;
	size_t i;
	int rc = -1;

	if (len < 16 || strncmp(log, "ceh-certify-v1\n", 15) != 0)
		return -1;
	end = memmem(log, len, "\n\n", 2);
	rec = xstrndup(log, end ? (size_t)(end - log) + 1 : len);
	v = text_field(rec, "certifier_key");
	if (v && strlen(v) == SHA256_HEX_LEN) {
		for (i = 0; i < SHA256_HEX_LEN; i++)
			if (!((v[i] >= '0' && v[i] <= '9') ||
			    (v[i] >= 'a' && v[i] <= 'f')))
				break;
		if (i == SHA256_HEX_LEN) {
			memcpy(hash, v, SHA256_HEX_LEN + 1);
			rc = 0;
		}
	}
	free(v);
	free(rec);
	return rc;
}

int
site_root(struct store *s, const struct site *st,
    char hash[SHA256_HEX_LEN + 1], struct ceh_err *e)
{
	struct ceh_err sub;
	struct ceh_key k;
	char *log;
	size_t len;

	if (read_file_at(s->rootfd, "trust.log", 64 << 20, &log, &len,
	    &sub) == 0) {
		int rc = site_log_root(log, len, hash);

		free(log);
		if (rc == 0)
			return 0;
	} else if (sub.code != CEH_ENOTFOUND) {
		*e = sub;
		return -1;
	}
	if (!st->anchor_line || !st->anchor_line[0])
		return ceh_fail(e, CEH_ENOTFOUND, _("this site has no trust "
		    "anchor yet"));
	if (key_public_parse("anchor", st->anchor_line, &k, e) < 0)
		return -1;
	sha256_hex(k.pub, 32, hash);
	return 0;
}

int
site_ref(const struct site *st, const char *ref, char oid[41],
    struct ceh_err *e)
{
	struct sbuf out = SBUF_INIT;
	char *spec = xasprintf("%s^{commit}", ref);
	const char *args[] = { "rev-parse", "--quiet", "--verify", spec,
		NULL };
	int status;

	oid[0] = '\0';
	if (git_run(&st->git, args, NULL, 0, &out, NULL, &status, e) < 0) {
		free(spec);
		sb_release(&out);
		return -1;
	}
	if (status == 0 && out.len >= 40) {
		memcpy(oid, out.buf, 40);
		oid[40] = '\0';
		if (!git_oid_valid(oid))
			oid[0] = '\0';
	}
	free(spec);
	sb_release(&out);
	return 0;
}

int
site_update_ref(const struct site *st, const char *ref, const char *oid,
    struct ceh_err *e)
{
	const char *args[] = { "update-ref", ref, oid, NULL };

	return git_ok(&st->git, args, NULL, 0, NULL, e);
}

int
site_refs(const struct site *st, const char *prefix, struct sbuf *out,
    struct ceh_err *e)
{
	const char *args[] = { "for-each-ref",
		"--format=%(objectname) %(refname)", prefix, NULL };

	return git_ok(&st->git, args, NULL, 0, out, e);
}

int
site_is_ancestor(const struct git *g, const char *a, const char *b,
    struct ceh_err *e)
{
	const char *args[] = { "merge-base", "--is-ancestor", a, b, NULL };
	int status;

	if (git_run(g, args, NULL, 0, NULL, NULL, &status, e) < 0)
		return -1;
	return status == 0;
}

int
site_state_read(const struct site *st, const char *name, struct sbuf *out,
    struct ceh_err *e)
{
	char *buf;
	size_t len;
	struct ceh_err sub;

	sb_reset(out);
	if (read_file_at(st->dirfd, name, SITE_STATE_MAX, &buf, &len,
	    &sub) < 0) {
		if (sub.code == CEH_ENOTFOUND)
			return 0;
		*e = sub;
		return -1;
	}
	sb_add(out, buf, len);
	free(buf);
	return 0;
}

int
site_state_write(const struct site *st, const char *name, const char *data,
    size_t len, struct ceh_err *e)
{
	return atomic_write_at(st->dirfd, "site/ceh", name, data, len, e);
}
