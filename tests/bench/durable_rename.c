/*
 * durable_rename - the floor for any crash-safe change of one file: N times
 * write a temp file, fsync it, rename it over its name, fsync the
 * directory.  This is what atomic_write (lib/atomic.c) does once per
 * changed file, without anything else; `ceh review` of N applications is
 * measured against it (tests/bench/run.sh).
 *
 * usage: durable_rename DIR N [BYTES]   (BYTES of payload, default 2048)
 * Files go to DIR/f0 ... DIR/f(N-1); prints nothing, exits non-zero on
 * any error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
die(const char *what)
{
	fprintf(stderr, "durable_rename: %s: %s\n", what, strerror(errno));
	exit(1);
}

int
main(int argc, char **argv)
{
	char tmp[64], name[64], *buf;
	long i, n, bytes = 2048;
	int dfd, fd;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: durable_rename DIR N [BYTES]\n");
		return 2;
	}
	n = atol(argv[2]);
	if (argc == 4)
		bytes = atol(argv[3]);
	if (n < 1 || bytes < 1)
		return 2;
	buf = malloc((size_t)bytes);
	if (buf == NULL)
		die("malloc");
	memset(buf, 'x', (size_t)bytes);
	dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		die(argv[1]);
	for (i = 0; i < n; i++) {
		snprintf(tmp, sizeof(tmp), ".tmp.f%ld.%ld", i, (long)getpid());
		snprintf(name, sizeof(name), "f%ld", i);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);
		if (fd < 0)
			die(tmp);
		if (write(fd, buf, (size_t)bytes) != (ssize_t)bytes)
			die("write");
		if (fsync(fd) < 0)
			die("fsync");
		if (close(fd) < 0)
			die("close");
		if (renameat(dfd, tmp, dfd, name) < 0)
			die("rename");
		if (fsync(dfd) < 0)
			die("fsync dir");
	}
	close(dfd);
	free(buf);
	return 0;
}
