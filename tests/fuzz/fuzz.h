/*
 * fuzz.h - shared helpers of the fuzz targets (tests/fuzz/NAME.c).
 *
 * Each target defines LLVMFuzzerTestOneInput() and is built two ways:
 *   - `make fuzz`: with clang -fsanitize=fuzzer,address,undefined into
 *     build-fuzz/fuzz/NAME.fuzz, run by tests/fuzz/run.sh;
 *   - `make check`: with the project's compiler and replay.c's main() into
 *     $(B)/fuzz/NAME, which runs the target over the seed corpus and every
 *     crash ever found (tests/fuzz/corpus/NAME, tests/fuzz/crashes/NAME),
 *     from tests/0901-fuzz-replay.t.
 * A target checks properties beyond "no crash" (e.g. emit(parse(x)) parses
 * back to the same thing) with FUZZ_CHECK, which aborts.
 */
#ifndef CEH_FUZZ_H
#define CEH_FUZZ_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codes.h"
#include "err.h"
#include "store.h"
#include "util.h"
#include "xalloc.h"

#ifndef FUZZ_DATADIR
#define FUZZ_DATADIR "data"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: property failed: %s: ", __FILE__, \
		    __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} \
} while (0)

/* e is the refusal of bad input: class 1, with a message that has no
 * control characters (it is printed). */
#define FUZZ_REFUSED(e) do { \
	FUZZ_CHECK((e).code == CEH_EINPUT, "class %d", (e).code); \
	FUZZ_CHECK(!has_control((e).msg), "control character in message: " \
	    "%s", (e).msg); \
} while (0)

/* A NUL-terminated copy of the input; caller frees. */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The installed code lists (data/codes of the source tree), loaded once. */
static inline const struct codes *
fuzz_codes(void)
{
	static struct codes c;
	static int loaded;
	struct ceh_err e;
	const char *dir = getenv("CEH_DATADIR");
	char path[4096];
	int fd;

	if (loaded)
		return &c;
	snprintf(path, sizeof(path), "%s/codes", dir && *dir ? dir :
	    FUZZ_DATADIR);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || codes_load(&c, fd, &e) < 0) {
		fprintf(stderr, "fuzz: cannot load code lists from %s: %s\n",
		    path, fd < 0 ? "cannot open" : e.msg);
		exit(1);
	}
	close(fd);
	loaded = 1;
	return &c;
}

/*
 * A scratch store made once per process (store_init + store_open with
 * the source tree's code lists), removed at exit.  For targets whose
 * input is a file inside a store.
 */
static char fuzz_store_path[64];

static inline void
fuzz_store_cleanup(void)
{
	char cmd[128];

	if (fuzz_store_path[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_store_path);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: cannot remove %s\n", fuzz_store_path);
}

static inline struct store *
fuzz_store(void)
{
	static struct store s;
	static int open_;
	char path[4096], tmpl[] = "/tmp/ceh-fuzz-store.XXXXXX";
	const char *dir = getenv("CEH_DATADIR");
	struct ceh_err e;

	if (open_)
		return &s;
	if (mkdtemp(tmpl) == NULL)
		abort();
	snprintf(fuzz_store_path, sizeof(fuzz_store_path), "%s", tmpl);
	atexit(fuzz_store_cleanup);
	snprintf(path, sizeof(path), "%s/store", tmpl);
	if (store_init(path, dir && *dir ? dir : FUZZ_DATADIR, 1, &e) < 0 ||
	    store_open(&s, path, &e) < 0 || store_load_units(&s, &e) < 0) {
		fprintf(stderr, "fuzz: cannot make a store: %s\n", e.msg);
		exit(1);
	}
	open_ = 1;
	return &s;
}

#endif
