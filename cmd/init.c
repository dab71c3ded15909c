/* ceh init - create a new store. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fault.h"
#include "i18n.h"
#include "key.h"
#include "site.h"
#include "util.h"

static const char usage[] =
    "usage: ceh [--store DIR] init [--signed | --unsigned]\n"
    "       ceh [--store DIR] init --site NAME [--trust FILE]\n";

/* mkdir -p of the folders above path (store_init makes the same). */
static void
mkdir_above(const char *path)
{
	char *p = xstrdup(path), *slash;

	for (slash = strchr(p + 1, '/'); slash; slash = strchr(slash + 1,
	    '/')) {
		*slash = '\0';
		(void)mkdir(p, 0700);
		*slash = '/';
	}
	free(p);
}

/* The rename of the new store into place, durable (best effort, as
 * store_init's own folder). */
static void
sync_above(const char *path)
{
	char *p = xstrdup(path), *slash;
	size_t l = strlen(p);
	int fd;

	while (l > 1 && p[l - 1] == '/')
		p[--l] = '\0';
	slash = strrchr(p, '/');
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

/* The names in folder path, one a line ("" if it does not exist). */
static int
names_of(const char *path, struct sbuf *out, int *exists)
{
	DIR *d = opendir(path);
	struct dirent *de;

	*exists = d != NULL || errno != ENOENT;
	if (d == NULL)
		return *exists ? -1 : 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			sb_addf(out, "%s\n", de->d_name);
	closedir(d);
	return 0;
}

/* The store at path made a site (store_open, the lock, site_init). */
static int
make_site(const char *path, const char *name, const char *line,
    struct ceh_err *e)
{
	struct store st;
	struct lock lk = { -1 };
	int rc = -1;

	memset(&st, 0, sizeof(st));
	if (store_open(&st, path, e) < 0)
		return -1;
	if (store_lock(&st, &lk, e) == 0) {
		rc = site_init(&st, name, line, e);
		lock_release(&lk);
	}
	store_close(&st);
	return rc;
}

/*
 * init --site NAME [--trust FILE]: a new store that is a site of the
 * exchange (ceh-site(1)); FILE is the agency's public key for a site
 * that is not the agency's own.  Whole or nothing: FILE and NAME are
 * checked before anything is made; a new store (no folder, or an empty
 * one) is made in a hidden folder beside path and renamed to path last,
 * so a failure or a crash leaves no store at path; in a folder that has
 * files already, what init made is removed again on a failure.
 */
static int
init_site(const char *path, const char *data, const char *name,
    const char *trust, struct ceh_err *e)
{
	struct ceh_key k;
	struct sbuf had = SBUF_INIT;
	char *buf = NULL, *line = NULL, *tmp = NULL, *p;
	size_t len;
	int rc = -1, exists;

	if (!site_name_valid(name))
		return ceh_fail(e, CEH_EINPUT, _("'%s' is not a site name: 1 to "
		    "%d letters, digits, '.', '_' or '-', not starting with "
		    "'.' or '-'"), safe_echo(name), SITE_NAME_MAX);
	if (trust) {
		if (read_file_at(AT_FDCWD, trust, 1 << 16, &buf, &len, e) < 0) {
			ceh_err_prefix(e, _("cannot read '%s'"), trust);
			return -1;
		}
		rc = key_public_parse("--trust", buf, &k, e);
		free(buf);
		if (rc < 0)
			return -1;
		line = key_public_line(&k);
		rc = -1;
	}
	if (names_of(path, &had, &exists) < 0) {
		ceh_fail_errno(e, _("cannot read '%s'"), path);
		goto out;
	}
	if (!exists || had.len == 0) {
		size_t l = strlen(path);

		while (l > 1 && path[l - 1] == '/')
			l--;
		tmp = xasprintf("%.*s.init-XXXXXX", (int)l, path);
		if ((p = strrchr(tmp, '/')) != NULL && p[1]) {
			/* .NAME.init-XXXXXX beside NAME */
			memmove(p + 2, p + 1, strlen(p + 1) + 1);
			p[1] = '.';
		} else {
			free(tmp);
			tmp = xasprintf(".%.*s.init-XXXXXX", (int)l, path);
		}
		mkdir_above(tmp);
		if (mkdtemp(tmp) == NULL) {
			ceh_fail_errno(e, _("cannot create store '%s'"), path);
			free(tmp);
			tmp = NULL;
			goto out;
		}
		if (store_init(tmp, data, 0, e) == 0 &&
		    make_site(tmp, name, line, e) == 0) {
			if (fault_hit("rename") ? (errno = EIO, 1) :
			    rename(tmp, path) < 0)
				ceh_fail_errno(e, _("cannot create store '%s'"),
				    path);
			else {
				sync_above(path);
				rc = 0;
			}
		}
		if (rc < 0)
			rm_tree(tmp);
		goto out;
	}
	if (store_init(path, data, 0, e) == 0 &&
	    make_site(path, name, line, e) == 0)
		rc = 0;
	else if (e->code != CEH_ESTATE) {
		/* undo: what was not there before init */
		struct sbuf now = SBUF_INIT;

		if (names_of(path, &now, &exists) == 0)
			for (p = now.buf; p && *p; ) {
				char *nl = strchr(p, '\n'), *x, *hit;
				size_t nlen;

				*nl = '\0';
				nlen = strlen(p);
				hit = had.buf ? strstr(had.buf, p) : NULL;
				while (hit && !((hit == had.buf ||
				    hit[-1] == '\n') && hit[nlen] == '\n'))
					hit = strstr(hit + 1, p);
				if (hit == NULL) {
					x = xasprintf("%s/%s", path, p);
					rm_tree(x);
					free(x);
				}
				p = nl + 1;
			}
		sb_release(&now);
	}
out:
	free(tmp);
	free(line);
	sb_release(&had);
	return rc;
}

CMD_FN(init)
{
	static const struct option opts[] = {
		{ "signed", no_argument, NULL, 'S' },
		{ "unsigned", no_argument, NULL, 'u' },
		{ "site", required_argument, NULL, 's' },
		{ "trust", required_argument, NULL, 't' },
		CMD_OPT_END
	};
	struct ceh_err e;
	char *path, *data;
	/* secure by default (ceh-trust(7)): signed unless --unsigned */
	int ch, rc, unsigned_store = 0, gave_unsigned = 0;
	const char *site = NULL, *trust = NULL;

	(void)s;
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch == 'u' || ch == 'S') {
			unsigned_store = ch == 'u';
			gave_unsigned |= ch == 'u';
			continue;
		}
		if (ch == 's' || ch == 't') {
			*(ch == 's' ? &site : &trust) = optarg;
			continue;
		}
		return cmd_opt_other(argv, usage, ch);
	}
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO)
		return rc;
	if (trust && !site)
		return cmd_usage_error("init", usage, _("--trust goes with "
		    "--site NAME"));
	if (site && gave_unsigned)
		return cmd_usage_error("init", usage, _("a site is signed: "
		    "--site and --unsigned exclude each other"));
	if (site)
		unsigned_store = 0;
	path = ceh_store_path ? xstrdup(ceh_store_path) : store_default_path();
	data = store_data_dir();
	if (site)
		rc = init_site(path, data, site, trust, &e);
	else
		rc = store_init(path, data, unsigned_store, &e);
	if (rc == 0)
		printf("%s\n", path);
	free(path);
	free(data);
	return rc < 0 ? cmd_error(argv[0], &e) : 0;
}
