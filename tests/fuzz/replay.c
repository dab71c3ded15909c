/*
 * replay.c - main() of the replay build of a fuzz target: run
 * LLVMFuzzerTestOneInput over every file named, or every file in every
 * directory named (missing ones are skipped), so the seed corpus and the
 * regression files of past crashes run in `make check` with the project's
 * compiler (and under ASan/UBSan with SANITIZE=1).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static long runs;

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	/* like libFuzzer: the input is an exact-size heap copy */
	{
		uint8_t *copy = xmalloc(sb.len ? sb.len : 1);

		memcpy(copy, sb.buf ? sb.buf : "", sb.len);
		LLVMFuzzerTestOneInput(copy, sb.len);
		free(copy);
	}
	sb_release(&sb);
	runs++;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_dir(const char *dir)
{
	struct dirent *d;
	char **v = NULL;
	size_t n = 0, i;
	int rc = 0;
	DIR *dp = opendir(dir);

	if (dp == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xasprintf("%s/%s", dir, d->d_name);
	}
	closedir(dp);
	qsort(v, n, sizeof(*v), cmp);
	for (i = 0; i < n; i++) {
		struct stat st;

		if (stat(v[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    run_file(v[i]) < 0)
			rc = -1;
		free(v[i]);
	}
	free(v);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			if (errno != ENOENT)
				rc = 1;
			continue;
		}
		if ((S_ISDIR(st.st_mode) ? run_dir(argv[i]) :
		    run_file(argv[i])) < 0)
			rc = 1;
	}
	printf("replayed %ld inputs\n", runs);
	return rc;
}
