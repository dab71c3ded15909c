/* records_writer.c - the records store's writer marker STORE/.writer
 * (see records.h): one writer at a time even where flock keeps nobody
 * out, by a file created with O_EXCL, which every file system ceh runs
 * on (SMB and NFS servers included) creates once. */
#include <sys/stat.h>
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
#include "records.h"
#include "store.h"
#include "util.h"

#define WRITER ".writer"
#define WRITER_MAX 1024
/* a marker that does not parse (published whole by atomic_create, so
 * only damage or the claim of a file system without links) counts as
 * being written unless it is older than this */
#define WRITER_UNSET_SECS 60

/* This computer: host name and boot id (a marker of an earlier boot is
 * stale whatever its pid). */
static void
this_machine(char *host, size_t hostsz, char *boot, size_t bootsz)
{
	FILE *f;

	snprintf(host, hostsz, "?");
	gethostname(host, hostsz - 1);
	host[hostsz - 1] = '\0';
	host[strcspn(host, " \t\n")] = '\0';
	boot[0] = '\0';
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (f == NULL)
		return;
	if (fgets(boot, (int)bootsz, f) == NULL)
		boot[0] = '\0';
	boot[strcspn(boot, "\n")] = '\0';
	fclose(f);
}

static const char *
locks_name(int locks)
{
	return locks == LOCKS_NONE ? "none" : locks == LOCKS_LOCAL ?
	    "local" : "ok";
}

/* Create the marker with our text: 0 made, 1 there is one, -1 error. */
static int
writer_create(struct store *s, struct records_writer *w, struct ceh_err *e)
{
	char host[256], boot[64], since[32];
	time_t t = time(NULL);
	struct tm tm;
	int n;

	this_machine(host, sizeof(host), boot, sizeof(boot));
	gmtime_r(&t, &tm);
	strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S UTC", &tm);
	n = snprintf(w->text, sizeof(w->text), "ceh-writer 1\nhost %s\n"
	    "pid %ld\nboot %s\nsince %s\nlocks %s\n", host, (long)getpid(),
	    boot, since, locks_name(w->locks));
	/* published whole (temp file, fsync, no-overwrite link): a power
	 * loss never leaves a marker without its holder */
	if (atomic_create(s->rootfd, WRITER, w->text, (size_t)n, e) < 0)
		return e->code == CEH_ESTATE ? 1 : -1;
	w->held = 1;
	return 0;
}

/* The value of "KEY VALUE" in text, into out (empty if none). */
static void
field(const char *text, const char *key, char *out, size_t outsz)
{
	size_t k = strlen(key), n;
	const char *p;

	out[0] = '\0';
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, k) == 0 && p[k] == ' ') {
			n = strcspn(p + k + 1, "\n");
			if (n >= outsz)
				n = outsz - 1;
			memcpy(out, p + k + 1, n);
			out[n] = '\0';
			return;
		}
}

/* The marker there is: 0 none (gone), 1 live, 2 left by a ceh of this
 * computer that is no longer running (*pid), -1 error.  text gets it,
 * who a description for messages. */
static int
writer_judge(struct store *s, char *text, size_t textsz, long *pid,
    char *who, size_t whosz, struct ceh_err *e)
{
	char host[256], boot[64], mhost[256], mboot[64], mpid[24], since[64];
	struct stat sb;
	size_t len;
	char *buf;

	*pid = 0;
	if (read_file_at(s->rootfd, WRITER, WRITER_MAX, &buf, &len, e) < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	snprintf(text, textsz, "%s", buf);
	free(buf);
	field(text, "host", mhost, sizeof(mhost));
	field(text, "boot", mboot, sizeof(mboot));
	field(text, "pid", mpid, sizeof(mpid));
	field(text, "since", since, sizeof(since));
	if (strncmp(text, "ceh-writer 1\n", 13) != 0 || mhost[0] == '\0' ||
	    parse_long(mpid, pid) < 0 || *pid <= 0) {
		snprintf(who, whosz, "%s", _("a writer that is starting"));
		if (fstatat(s->rootfd, WRITER, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    time(NULL) - sb.st_mtime > WRITER_UNSET_SECS)
			return 2;
		return 1;
	}
	snprintf(who, whosz, _("pid %ld on %s since %s"), *pid, mhost, since);
	this_machine(host, sizeof(host), boot, sizeof(boot));
	if (strcmp(mhost, host) == 0 && (strcmp(mboot, boot) != 0 ||
	    (kill((pid_t)*pid, 0) < 0 && errno == ESRCH)))
		return 2;
	return 1;
}

/* Remove the marker if it still holds text (never another's). */
static void
writer_remove_if(struct store *s, const char *text)
{
	struct ceh_err e;
	size_t len;
	char *buf;

	if (read_file_at(s->rootfd, WRITER, WRITER_MAX, &buf, &len, &e) < 0)
		return;
	/* the removal is made durable before anything new is allocated (a
	 * freed inode must not be reused while its name is on disk) */
	if (strcmp(buf, text) == 0 && unlinkat(s->rootfd, WRITER, 0) == 0)
		(void)fsync(s->rootfd);
	free(buf);
}

static int
writer_busy(const struct records_writer *w, const char *who,
    struct ceh_err *e)
{
	if (w->locks == LOCKS_NONE)
		return ceh_fail(e, CEH_ESTATE, _("records are being written by "
		    "another ceh (%s, as '%s' in the store says); the locks "
		    "of this file system do not work, so that file alone "
		    "keeps writers apart; retry later or use --wait; if no "
		    "ceh is running there, remove '%s'"), who, WRITER, WRITER);
	if (w->locks == LOCKS_LOCAL)
		return ceh_fail(e, CEH_ESTATE, _("records are being written by "
		    "another ceh (%s, as '%s' in the store says); the locks "
		    "of this file system may not reach other computers, so "
		    "that file keeps writers apart; retry later or use "
		    "--wait; if no ceh is running there, remove '%s'"), who,
		    WRITER, WRITER);
	return ceh_fail(e, CEH_ESTATE, _("records are being written by "
	    "another ceh (%s, as '%s' in the store says); retry later or use "
	    "--wait; if no ceh is running there, remove '%s'"), who, WRITER,
	    WRITER);
}

int
records_writer_claim(struct store *s, const struct lock *lk, int take,
    struct records_writer *w, struct ceh_err *e)
{
	struct timespec delay = { 0, 50 * 1000 * 1000 };
	time_t deadline = time(NULL) + s->wait_secs;
	char text[WRITER_MAX + 1], who[400];
	long pid;
	int r, spins = 0;

	memset(w, 0, sizeof(*w));
	if (lk && (w->locks = lock_probe(s->rootfd, NULL, ".lock", lk,
	    e)) < 0)
		return -1;
	for (;;) {
		if (take && (r = writer_create(s, w, e)) <= 0)
			return r;
		r = writer_judge(s, text, sizeof(text), &pid, who, sizeof(who),
		    e);
		if (r < 0)
			return -1;
		if (r == 2)
			w->stale_pid = pid ? pid : -1;
		if (r == 2 && take)
			writer_remove_if(s, text);
		if (r != 1 && !take)
			return 0;
		if (r != 1 && ++spins < 100)
			continue;	/* gone, or stale and removed: again */
		if (r == 1 && time(NULL) < deadline)
			nanosleep(&delay, NULL);
		else
			return writer_busy(w, who, e);
	}
}

void
records_writer_release(struct store *s, struct records_writer *w)
{
	if (w->held)
		writer_remove_if(s, w->text);
	w->held = 0;
}
