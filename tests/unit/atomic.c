/* Unit tests of lib/atomic: atomic_write publishes the whole file with
 * mode 0600 and leaves no temp file; a failed write, fsync or rename
 * (CEH_FAULT) leaves the old file intact and returns class 5.  Each fault
 * runs in a child process because fault.c reads CEH_FAULT once. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "tap.h"
#include "xalloc.h"

static struct ceh_err e;
static int dirfd_;

static int
count_temps(void)
{
	DIR *d = opendir(".");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (is_temp_name(de->d_name))
			n++;
	closedir(d);
	return n;
}

static int
content_is(const char *name, const char *want)
{
	char *buf = NULL;
	size_t len;
	struct ceh_err e2;
	int same;

	if (read_file_at(dirfd_, name, 1 << 20, &buf, &len, &e2) < 0)
		return 0;
	same = len == strlen(want) && memcmp(buf, want, len) == 0;
	free(buf);
	return same;
}

/* In a child with CEH_FAULT=spec, atomic_write NAME; the child exits
 * with the error class (0 on success).  The child re-executes this
 * program, since fault.c reads CEH_FAULT once per process. */
static int
write_with_fault(const char *spec, const char *name, const char *data,
    char *msg, size_t msgsize)
{
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		setenv("CEH_FAULT", spec, 1);
		execl("/proc/self/exe", "atomic", "child", name, data,
		    (char *)NULL);
		_exit(99);
	}
	close(pfd[1]);
	n = read(pfd[0], msg, msgsize - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n++;
	closedir(d);
	return n;
}

/* The child of temp_case: one scenario of the temp-file model. */
static int
temp_child(const char *what)
{
	struct tempfile t;
	int before, rc;
	pid_t pid;

	dirfd_ = open(".", O_RDONLY | O_DIRECTORY);
	before = count_fds();
	if (temp_create(&t, dirfd_, "people/123/X/draft", "t.yaml", &e) < 0)
		return 90;
	if (strcmp(what, "fdleak") == 0) {	/* with CEH_FAULT=write:1 */
		rc = temp_write(&t, "x\n", 2, &e);
		printf("%s", e.msg);
		return rc < 0 && count_fds() == before && count_temps() == 0 ?
		    0 : 91;
	}
	if (temp_write(&t, "x\n", 2, &e) < 0)
		return 92;
	if (strcmp(what, "exit") == 0)
		exit(0);	/* atexit removes it */
	if (strcmp(what, "signal") == 0)
		raise(SIGTERM);	/* the handler removes it */
	if (strcmp(what, "fork") == 0) {
		if ((pid = fork()) == 0)
			exit(0);	/* not the owner: must not remove it */
		waitpid(pid, NULL, 0);
		if (count_temps() != 1)
			return 93;
		return temp_close(&t, TEMP_SYNC, &e) == 0 &&
		    temp_commit(&t, &e) == 0 && count_temps() == 0 ? 0 : 94;
	}
	return 95;
}

/* Run a temp_child scenario (with CEH_FAULT=fault if not NULL); its exit
 * status, or 128 + the signal that ended it. */
static int
temp_case(const char *what, const char *fault, char *msg, size_t msgsize)
{
	int pfd[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(pfd) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		if (fault)
			setenv("CEH_FAULT", fault, 1);
		execl("/proc/self/exe", "atomic", "temp", what, (char *)NULL);
		_exit(99);
	}
	close(pfd[1]);
	n = read(pfd[0], msg, msgsize - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
	    WEXITSTATUS(status);
}

static int said_n;
static char said_last[512];

static void
said(void *arg, const char *msg)
{
	(void)arg;
	said_n++;
	snprintf(said_last, sizeof(said_last), "%s", msg);
}

static void
test_temp_model(void)
{
	struct sweep sw;
	struct tempfile t;
	char msg[1100];

	ok(temp_case("fdleak", "write:1", msg, sizeof(msg)) == 0,
	    "a failed temp write closes its descriptor and leaves no file");
	ok(strstr(msg, "cannot write 'people/123/X/draft/t.yaml'") != NULL,
	    "and names the target from the store root: %s", msg);
	ok(temp_case("exit", NULL, msg, sizeof(msg)) == 0 &&
	    count_temps() == 0, "an active temp file is removed at exit");
	ok(temp_case("signal", NULL, msg, sizeof(msg)) == 128 + SIGTERM &&
	    count_temps() == 0, "and on SIGTERM");
	ok(temp_case("fork", NULL, msg, sizeof(msg)) == 0 &&
	    access("t.yaml", F_OK) == 0, "a forked child does not remove its "
	    "parent's temp file (owner pid)");
	ok(temp_create(&t, dirfd_, NULL, "r.yaml", &e) == 0 &&
	    count_temps() == 1, "temp_create");
	temp_rollback(&t);
	ok(count_temps() == 0 && access("r.yaml", F_OK) < 0,
	    "temp_rollback leaves nothing");
	temp_rollback(&t);	/* a no-op now */

	/* the one sweep */
	close(open(".tmp.a.1.2", O_CREAT | O_WRONLY, 0600));
	close(open(".tmp.b.1.2", O_CREAT | O_WRONLY, 0600));
	close(open("keep.yaml", O_CREAT | O_WRONLY, 0600));
	memset(&sw, 0, sizeof(sw));
	sw.say = said;
	ok(temp_sweep(dirfd_, "queues/U", NULL, &sw, &e) == 0 &&
	    sw.found == 2 && sw.removed == 0 && count_temps() == 2 &&
	    said_n == 2, "a report-only sweep finds two and removes none");
	ok(strncmp(said_last, "queues/U/.tmp.", 14) == 0 &&
	    strstr(said_last, ": temp file of an interrupted write") != NULL,
	    "it names them from the store root: %s", said_last);
	memset(&sw, 0, sizeof(sw));
	sw.repair = 1;
	ok(temp_sweep(dirfd_, NULL, NULL, &sw, &e) == 0 && sw.found == 2 &&
	    sw.removed == 2 && count_temps() == 0 &&
	    access("keep.yaml", F_OK) == 0,
	    "a repairing sweep removes them, and nothing else");
	unlink("keep.yaml");
	unlink("t.yaml");
}

int
main(int argc, char **argv)
{
	static const char *const faults[] = { "write:1", "fsync:1",
	    "rename:1", NULL };
	char tmpl[] = "/tmp/ceh-atomic.XXXXXX", msg[1100];
	struct stat st;
	char *buf, big[200000];
	size_t len;
	int i, rc;

	if (argc == 4 && strcmp(argv[1], "child") == 0) {
		/* the child of write_with_fault, in the test directory */
		dirfd_ = open(".", O_RDONLY | O_DIRECTORY);
		ceh_err_clear(&e);
		rc = atomic_write(dirfd_, argv[2], argv[3], strlen(argv[3]),
		    &e);
		fputs(e.msg, stdout);
		return rc < 0 ? e.code : 0;
	}
	if (argc == 3 && strcmp(argv[1], "temp") == 0)
		return temp_child(argv[2]);
	if (mkdtemp(tmpl) == NULL || chdir(tmpl) < 0) {
		printf("Bail out! cannot make a temp directory\n");
		return 1;
	}
	dirfd_ = open(".", O_RDONLY | O_DIRECTORY);
	umask(022);	/* the file must be 0600 whatever the umask */

	ok(atomic_write(dirfd_, "f.yaml", "one\n", 4, &e) == 0, "write");
	ok(content_is("f.yaml", "one\n"), "content");
	ok(stat("f.yaml", &st) == 0 && (st.st_mode & 0777) == 0600,
	    "mode 0600");
	ok(count_temps() == 0, "no temp file left");
	ok(atomic_write(dirfd_, "f.yaml", "two\n", 4, &e) == 0 &&
	    content_is("f.yaml", "two\n"), "replace");
	ok(atomic_write(dirfd_, "empty", "", 0, &e) == 0 &&
	    content_is("empty", ""), "empty file");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(atomic_write(dirfd_, "big", big, strlen(big), &e) == 0 &&
	    content_is("big", big), "200 kB file");

	for (i = 0; faults[i]; i++) {
		rc = write_with_fault(faults[i], "f.yaml", "three\n", msg,
		    sizeof(msg));
		ok(rc == CEH_ESYS, "CEH_FAULT=%s: class 5 (got %d)", faults[i],
		    rc);
		ok(strstr(msg, "f.yaml") != NULL, "CEH_FAULT=%s: message names "
		    "the file: %s", faults[i], msg);
		ok(content_is("f.yaml", "two\n"), "CEH_FAULT=%s: old file "
		    "intact", faults[i]);
		ok(count_temps() == 0, "CEH_FAULT=%s: no temp file left",
		    faults[i]);
	}
	rc = write_with_fault("write:1", "new.yaml", "x\n", msg, sizeof(msg));
	ok(rc == CEH_ESYS && access("new.yaml", F_OK) < 0 &&
	    count_temps() == 0, "failed write of a new file leaves nothing");
	ok(strstr(msg, "No space left") != NULL,
	    "the write fault reports ENOSPC: %s", msg);
	rc = write_with_fault("write:2", "f.yaml", "four\n", msg, sizeof(msg));
	ok(rc == 0 && content_is("f.yaml", "four\n"),
	    "a fault on a later write does not fire on the first");

	test_temp_model();

	/* atomic_create refuses an existing name */
	ok(atomic_create(dirfd_, "c.yaml", "a\n", 2, &e) == 0 &&
	    content_is("c.yaml", "a\n"), "create");
	ok(atomic_create(dirfd_, "c.yaml", "b\n", 2, &e) < 0 &&
	    e.code == CEH_ESTATE && content_is("c.yaml", "a\n") &&
	    count_temps() == 0, "create over an existing file: class 4");

	/* move_file never overwrites */
	mkdir("d1", 0700);
	mkdir("d2", 0700);
	{
		int d1 = open("d1", O_RDONLY | O_DIRECTORY);
		int d2 = open("d2", O_RDONLY | O_DIRECTORY);

		atomic_write(d1, "m", "m1\n", 3, &e);
		atomic_write(d2, "m", "m2\n", 3, &e);
		ok(move_file(d1, "d1", d2, "d2", "m", TEMP_SYNC, &e) < 0 &&
		    e.code == CEH_ESTATE && strstr(e.msg, "'d2/m' already "
		    "exists"), "move onto an existing file: class 4, names it");
		unlinkat(d2, "m", 0);
		ok(move_file(d1, "d1", d2, "d2", "m", TEMP_NOSYNC, &e) == 0 &&
		    faccessat(d1, "m", F_OK, 0) < 0 &&
		    faccessat(d2, "m", F_OK, 0) == 0, "move");
		close(d1);
		close(d2);
	}

	/* reading */
	ok(read_file_at(dirfd_, "missing", 100, &buf, &len, &e) < 0 &&
	    e.code == CEH_ENOTFOUND, "missing file: class 3");
	ok(read_file_at(dirfd_, "big", 100, &buf, &len, &e) < 0 &&
	    e.code == CEH_EINPUT && strstr(e.msg, "too large"),
	    "over the size limit refused");
	ok(symlink("f.yaml", "link") == 0 &&
	    read_file_at(dirfd_, "link", 100, &buf, &len, &e) < 0 &&
	    strstr(e.msg, "symbolic link"), "symlink not followed");
	ok(read_file_at(dirfd_, "d1", 100, &buf, &len, &e) < 0 &&
	    strstr(e.msg, "not a regular file"), "directory refused");
	ok(mkfifo("fifo", 0600) == 0 &&
	    read_file_at(dirfd_, "fifo", 100, &buf, &len, &e) < 0 &&
	    strstr(e.msg, "not a regular file"),
	    "a FIFO is refused at once, without blocking");
	ok(open_dir_at(dirfd_, "link", 0, &e) < 0, "open_dir_at refuses a "
	    "symlink");
	ok(is_temp_name(".tmp.x.1.2") && !is_temp_name("x.yaml"),
	    "is_temp_name");
	ok(symlink("/tmp", "evil") == 0 &&
	    atomic_write(dirfd_, "evil", "z", 1, &e) == 0 &&
	    lstat("evil", &st) == 0 && S_ISREG(st.st_mode),
	    "atomic_write replaces a symlink, never writes through it");

	/* clean up */
	close(dirfd_);
	if (chdir("/") == 0) {
		char *cmd = xasprintf("rm -rf -- '%s'", tmpl);

		rc = system(cmd);
		(void)rc;
		free(cmd);
	}
	return done_testing();
}
