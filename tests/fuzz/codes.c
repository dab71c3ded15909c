/*
 * codes: a store's code lists (STORE/codes/NAME.yaml), which offices may
 * edit.  The input replaces one of the six files (chosen by its first
 * byte) in a scratch copy of the installed lists; then every lookup runs
 * on the rest of the input.  Properties: a refusal is class 1 or 3 and
 * names the file; codes_resolve accepts exactly what codes_find finds.
 */
#include <sys/stat.h>

#include "atomic.h"
#include "fuzz.h"

static int dirfd_ = -1;
static char *orig[8];
static size_t origlen[8];

static char tmpl[] = "/tmp/ceh-fuzz-codes.XXXXXX";

static void
cleanup(void)
{
	int i;

	for (i = 0; codes_files[i]; i++)
		unlinkat(dirfd_, codes_files[i], 0);
	rmdir(tmpl);
}

static void
setup(void)
{
	char path[4096];
	const char *dir = getenv("CEH_DATADIR");
	struct ceh_err e;
	int src, i;

	if (mkdtemp(tmpl) == NULL)
		abort();
	dirfd_ = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/codes", dir && *dir ? dir :
	    FUZZ_DATADIR);
	src = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_ < 0 || src < 0)
		abort();
	for (i = 0; codes_files[i]; i++) {
		if (read_file_at(src, codes_files[i], 4 << 20, &orig[i],
		    &origlen[i], &e) < 0 || atomic_write(dirfd_,
		    codes_files[i], orig[i], origlen[i], &e) < 0) {
			fprintf(stderr, "fuzz: %s\n", e.msg);
			abort();
		}
	}
	close(src);
	atexit(cleanup);
}

static void
put_file(int i, const void *data, size_t len)
{
	int fd = openat(dirfd_, codes_files[i], O_WRONLY | O_TRUNC |
	    O_CLOEXEC);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
		abort();
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct code_item *it, *it2;
	struct codes c;
	struct ceh_err e;
	char *s;
	int f, id, rc;

	if (dirfd_ < 0)
		setup();
	if (size < 1)
		return 0;
	f = data[0] % 6;
	put_file(f, data + 1, size - 1);
	rc = codes_load(&c, dirfd_, &e);
	put_file(f, orig[f], origlen[f]);
	if (rc < 0) {
		FUZZ_CHECK(e.code == CEH_EINPUT || e.code == CEH_ENOTFOUND,
		    "class %d: %s", e.code, e.msg);
		FUZZ_CHECK(strstr(e.msg, codes_files[f]) != NULL,
		    "message does not name the file: %s", e.msg);
		return 0;
	}
	/* look up every line of the input in every list */
	s = fuzz_str(data + 1, size - 1);
	for (char *line = s, *nl; line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		for (id = 0; id < CL__COUNT; id++) {
			it = codes_find(&c, (enum code_list_id)id, line);
			rc = codes_resolve(&c, (enum code_list_id)id, "field",
			    line, &it2, &e);
			FUZZ_CHECK((it != NULL) == (rc == 0),
			    "codes_find and codes_resolve disagree on '%s'",
			    line);
		}
	}
	free(s);
	codes_release(&c);
	return 0;
}
