/*
 * bundle_check: an application's attachment archive (UNIQ.zip) as found
 * in a hostile store - damaged, truncated, bombs, odd entry names, wrong
 * contents.  The document is fixed (two attachments of 2022, see the seed
 * corpus, made with the same contents); the input is the archive.  Each
 * run: check, extract to a scratch directory, repair, check again.
 * Properties: no crash, leak or hang; extraction writes only the files the
 * document lists, inside the scratch directory; after a repair no
 * leftover entries remain.
 */
#include <sys/stat.h>

#include "bundle.h"
#include "fuzz.h"
#include "hash.h"

#define FZ_ID "43010219850312123X"
#define FZ_UNIQ "01lgip4ridg9t9c3ll0a"

static const char pdf[] = "%PDF-1.4\n% fuzz evidence\n%%EOF\n";
static const char png[] = "\x89PNG\r\n\x1a\n fuzz evidence";

static struct application app;
static struct person p;
static int xfd = -1;
static char xdir[64];
static char *wrote[16];
static size_t nwrote;

static void
on_wrote(void *arg, const char *path)
{
	(void)arg;
	if (nwrote < 16)
		wrote[nwrote++] = xstrdup(path);
}

static void
setup(struct store *s)
{
	static struct attachment att[2];
	static struct year_row row;
	static char sh[2][SHA256_HEX_LEN + 1];
	char tmpl[] = "/tmp/ceh-fuzz-x.XXXXXX";
	struct ceh_err e;

	if (person_open(s, FZ_ID, 1, &p, &e) < 0 ||
	    person_lock(s, &p, &e) < 0) {
		fprintf(stderr, "fuzz: %s\n", e.msg);
		exit(1);
	}
	sha256_hex(pdf, sizeof(pdf) - 1, sh[0]);
	sha256_hex(png, sizeof(png) - 1, sh[1]);
	att[0] = (struct attachment){ xstrdup("a.pdf"),
	    xstrdup("2022/1-a.pdf"), (long)sizeof(pdf) - 1,
	    xstrdup("application/pdf"), sh[0],
	    xstrdup("2026-11-27T11:10:28Z") };
	att[1] = (struct attachment){ xstrdup("b.png"),
	    xstrdup("2022/2-b.png"), (long)sizeof(png) - 1,
	    xstrdup("image/png"), sh[1], xstrdup("2026-11-27T11:10:28Z") };
	row.year = 2022;
	row.att = att;
	row.natt = 2;
	app_init(&app);
	app.id = xstrdup(FZ_ID "-" FZ_UNIQ);
	app.stage = STAGE_DRAFT;
	app.years = &row;
	app.nyears = 1;
	if (mkdtemp(tmpl) == NULL)
		abort();
	snprintf(xdir, sizeof(xdir), "%s", tmpl);
	xfd = open(xdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (xfd < 0)
		abort();
}

static void
clean_extracted(void)
{
	size_t i;

	for (i = 0; i < nwrote; i++) {
		const char *rel = wrote[i] + strlen(xdir) + 1;

		FUZZ_CHECK(strncmp(wrote[i], xdir, strlen(xdir)) == 0 &&
		    strstr(rel, "..") == NULL && strncmp(rel, "2022/", 5) == 0,
		    "extracted outside its directory: %s", wrote[i]);
		FUZZ_CHECK(unlink(wrote[i]) == 0, "reported but not written: "
		    "%s", wrote[i]);
		free(wrote[i]);
	}
	nwrote = 0;
	unlinkat(xfd, "2022", AT_REMOVEDIR);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store *s = fuzz_store();
	struct bundle_report rep;
	struct ceh_err e;
	int fd;

	if (xfd < 0)
		setup(s);
	fd = openat(p.stagefd[STAGE_DRAFT], FZ_UNIQ ".zip", O_WRONLY |
	    O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);

	memset(&rep, 0, sizeof(rep));
	(void)bundle_check(s, &p, &app, STAGE_DRAFT, &rep, 0, &e);
	memset(&rep, 0, sizeof(rep));
	rep.wrote = on_wrote;
	(void)bundle_extract(s, &p, &app, STAGE_DRAFT, 0, xfd, xdir, &rep,
	    &e);
	clean_extracted();
	memset(&rep, 0, sizeof(rep));
	if (bundle_check(s, &p, &app, STAGE_DRAFT, &rep, 1, &e) == 0) {
		memset(&rep, 0, sizeof(rep));
		if (bundle_check(s, &p, &app, STAGE_DRAFT, &rep, 0, &e) == 0)
			FUZZ_CHECK(rep.leftovers == 0, "%ld leftovers after a "
			    "repair", rep.leftovers);
	}
	unlinkat(p.stagefd[STAGE_DRAFT], FZ_UNIQ ".zip", 0);
	return 0;
}
