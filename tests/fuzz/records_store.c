/*
 * records_store: a shard of the imported-records store (STORE/records/
 * SS.tsv) as found in a hostile store: the input replaces the shard that
 * holds one person's records, and the state file commits all of it.  Then
 * the person's records are looked up (what `ceh records` and `add-year
 * --from-records` read) and the whole records store is checked (fsck).
 * Then a year row is built from them (add-year --from-records) and
 * checked.  Properties: no crash or leak; every record returned belongs
 * to the person asked for (years and hours are not re-validated by the
 * lookup: the year row check downstream does that); a lookup that fails
 * on bad content says it is damage (class 5, "run ceh fsck"); fsck never
 * fails with a system error on bad content.
 */
#include <dirent.h>

#include "doc.h"
#include "fuzz.h"
#include "records.h"
#include "records_import.h"

#define FZ_ID "43010219850312123X"

static int recfd = -1;
static char shard[16];

static void
setup(struct store *s)
{
	char csv[] = "/tmp/ceh-fuzz-rec.XXXXXX";
	static const char text[] = "证件号码,姓名,年度,科目类型,科目名称,学时,"
	    "继续教育形式,培训机构,记录编号\n" FZ_ID ",张三,2022,专业科目,"
	    "课程,2,培训班,机构甲,R1\n";
	struct import_opts o;
	struct import_stats st;
	struct ceh_err e;
	struct dirent *d;
	DIR *dir;
	int fd = mkstemp(csv);

	if (fd < 0 || write(fd, text, sizeof(text) - 1) < 0)
		abort();
	close(fd);
	memset(&o, 0, sizeof(o));
	o.max_half = 2000;
	if (records_import(s, csv, &o, &st, &e) < 0) {
		fprintf(stderr, "fuzz: %s\n", e.msg);
		exit(1);
	}
	unlink(csv);
	recfd = openat(s->rootfd, "records", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (recfd < 0 || (dir = fdopendir(dup(recfd))) == NULL)
		abort();
	while ((d = readdir(dir)) != NULL)
		if (strlen(d->d_name) == 6 && strcmp(d->d_name + 2,
		    ".tsv") == 0)
			snprintf(shard, sizeof(shard), "%s", d->d_name);
	closedir(dir);
	if (shard[0] == '\0')
		abort();
}

static void
put(const char *name, const void *data, size_t len)
{
	int fd = openat(recfd, name, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0600);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
		abort();
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store *s = fuzz_store();
	struct records_report rep;
	struct hrec *r = NULL;
	struct ceh_err e;
	char state[128];
	size_t n = 0, i;

	if (recfd < 0)
		setup(s);
	put(shard, data, size);
	snprintf(state, sizeof(state), "ceh-records 1\nimports 1\n%.2s %zu\n",
	    shard, size);
	put("state", state, strlen(state));
	if (records_lookup(s, FZ_ID, 0, &r, &n, &e) == 0) {
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(strcmp(r[i].id, FZ_ID) == 0, "record of %s",
			    r[i].id);
			free(hrec_key(&r[i]));
		}
		hrecs_free(r, n);
	} else {
		/* bad content is damage: class 5, saying what to do */
		FUZZ_CHECK(e.code == CEH_ESYS && (e.saved_errno != 0 ||
		    strstr(e.msg, "(run ceh fsck)") != NULL),
		    "lookup: not class 5 damage: %d %s", e.code, e.msg);
	}
	{
		struct year_row row;
		struct ceh_err e2;

		memset(&row, 0, sizeof(row));
		if (records_year_row(s, FZ_ID, 2022, NULL, 0, &row, &e2) == 0)
			(void)year_row_check(&row, &s->rules, &e2);
		year_row_release(&row);
	}
	memset(&rep, 0, sizeof(rep));
	if (records_fsck(s, 0, &rep, &e) < 0)
		FUZZ_CHECK(e.code != CEH_ESYS || e.saved_errno != 0,
		    "fsck: system error without errno: %s", e.msg);
	return 0;
}
