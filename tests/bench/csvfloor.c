/*
 * csvfloor - the floor for `ceh import`: read a CSV file and parse it with
 * libcsv, nothing else (no decoding, no validation, no writing).  Prints
 * "ROWS FIELDS" so the work cannot be optimised away.
 *
 * usage: csvfloor FILE
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

struct counts {
	unsigned long rows, fields;
};

static void
on_field(void *s, size_t len, void *arg)
{
	(void)s;
	(void)len;
	((struct counts *)arg)->fields++;
}

static void
on_row(int c, void *arg)
{
	(void)c;
	((struct counts *)arg)->rows++;
}

int
main(int argc, char **argv)
{
	static char buf[1 << 16];
	struct csv_parser p;
	struct counts n = { 0, 0 };
	ssize_t r;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: csvfloor FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || csv_init(&p, 0) != 0) {
		fprintf(stderr, "csvfloor: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		if (csv_parse(&p, buf, (size_t)r, on_field, on_row, &n) !=
		    (size_t)r) {
			fprintf(stderr, "csvfloor: %s: %s\n", argv[1],
			    csv_strerror(csv_error(&p)));
			return 1;
		}
	if (r < 0) {
		fprintf(stderr, "csvfloor: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	csv_fini(&p, on_field, on_row, &n);
	csv_free(&p);
	close(fd);
	printf("%lu %lu\n", n.rows, n.fields);
	return 0;
}
