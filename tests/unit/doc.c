/* Unit tests of lib/doc: canonical files survive parse and emit byte for
 * byte, an application built in memory survives emit and parse, and
 * malformed or hostile documents are refused with the file named. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codes.h"
#include "doc.h"
#include "err.h"
#include "tap.h"
#include "xalloc.h"

static struct ceh_err e;
static struct codes codes;
static struct doc_rules rules;

static const char canonical[] =
    "format: 1\n"
    "id: \"43010219850312123X-01lgip1cll768hd7rtof\"\n"
    "stage: draft\n"
    "revision: 4\n"
    "created: \"2026-01-05T08:00:00Z\"\n"
    "updated: \"2026-01-05T09:30:00Z\"\n"
    "applicant:\n"
    "  id_number: \"43010219850312123X\"\n"
    "  name: 张三\n"
    "  sex: 男\n"
    "  ethnicity: 汉族\n"
    "  unit: \"91430100MA4L12345A\"\n"
    "  unit_nature: 国有企业\n"
    "  title_level: 副高级\n"
    "  phone: \"15556565656\"\n"
    "  education: 大学本科\n"
    "  series: 工程\n"
    "  specialty: 建筑学\n"
    "  region: 湖南省省本级\n"
    "  remark: \"yes\"\n"
    "years:\n"
    "- year: 2023\n"
    "  professional_subject: \"a: b\"\n"
    "  professional_hours: 60\n"
    "  professional_form: 培训班\n"
    "  total_hours: 60\n"
    "  records:\n"
    "  - \"p1:2023:0001\"\n"
    "  - r2\n"
    "- year: 2024\n"
    "  public_subject: 公需课\n"
    "  public_hours: 30.5\n"
    "  public_form: 远程教育\n"
    "  professional_subject: 专业课\n"
    "  professional_hours: 60\n"
    "  professional_form: 培训班\n"
    "  total_hours: 90.5\n"
    "  attachments:\n"
    "  - name: 证书.pdf\n"
    "    entry: \"2024/0001-证书.pdf\"\n"
    "    size: 1234\n"
    "    type: application/pdf\n"
    "    sha256: "
    "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n"
    "    added: \"2026-01-05T09:00:00Z\"\n"
    "history:\n"
    "- at: \"2026-01-05T08:00:00Z\"\n"
    "  event: created\n"
    "  by: clerk@host\n"
    "- at: \"2026-01-05T09:30:00Z\"\n"
    "  event: returned\n"
    "  by: boss@host\n"
    "  unit: \"91430100MA4L12345A\"\n"
    "  reason: 材料不全\n"
    "  detail: \"2024\"\n";

/* Replace the first 'from' in the canonical text by 'to'. */
static char *
variant(const char *from, const char *to)
{
	const char *p = strstr(canonical, from);
	struct sbuf sb = SBUF_INIT;

	if (p == NULL) {
		printf("# variant: '%s' not in the canonical text\n", from);
		exit(1);
	}
	sb_add(&sb, canonical, (size_t)(p - canonical));
	sb_adds(&sb, to);
	sb_adds(&sb, p + strlen(from));
	return sb_detach(&sb);
}

/* The variant is refused: class, the file named, and 'frag'. */
static int
refused_as(const char *from, const char *to, int code, const char *frag)
{
	struct application app;
	char *text = variant(from, to);
	int rc;

	ceh_err_clear(&e);
	rc = doc_parse(&app, text, strlen(text), "people/x/draft/u.yaml",
	    &rules, &e);
	free(text);
	if (rc == 0) {
		app_release(&app);
		printf("# accepted\n");
		return 0;
	}
	if (e.code != code || strstr(e.msg, "people/x/draft/u.yaml") == NULL ||
	    (frag && strstr(e.msg, frag) == NULL)) {
		printf("# message (class %d): %s\n", e.code, e.msg);
		return 0;
	}
	return 1;
}

static int
same_app(const struct application *a, const struct application *b)
{
	const struct applicant_field *f;
	size_t i;

	if (a->format != b->format || strcmp(a->id, b->id) ||
	    a->stage != b->stage || strcmp(a->waiting_at, b->waiting_at) ||
	    a->revision != b->revision || strcmp(a->created, b->created) ||
	    strcmp(a->updated, b->updated) || a->nyears != b->nyears ||
	    a->nhistory != b->nhistory)
		return 0;
	for (f = applicant_fields; f->option; f++)
		if (strcmp(applicant_get(&a->a, f->option),
		    applicant_get(&b->a, f->option)) != 0)
			return 0;
	for (i = 0; i < a->nyears; i++) {
		const struct year_row *x = &a->years[i], *y = &b->years[i];

		if (x->year != y->year || strcmp(x->pub.subject,
		    y->pub.subject) || strcmp(x->pub.form, y->pub.form) ||
		    x->pub.hours != y->pub.hours || strcmp(x->pro.subject,
		    y->pro.subject) || strcmp(x->pro.form, y->pro.form) ||
		    x->pro.hours != y->pro.hours ||
		    x->nrecords != y->nrecords || x->natt != y->natt)
			return 0;
	}
	for (i = 0; i < a->nhistory; i++) {
		const struct event *x = &a->history[i], *y = &b->history[i];

		if (strcmp(x->at, y->at) || strcmp(x->what, y->what) ||
		    strcmp(x->by, y->by) || strcmp(x->unit, y->unit) ||
		    strcmp(x->next, y->next) || strcmp(x->reason, y->reason) ||
		    strcmp(x->detail, y->detail))
			return 0;
	}
	return 1;
}

int
main(void)
{
	const char *root = getenv("CEH_ROOT");
	struct application app, back;
	struct sbuf out = SBUF_INIT, out2 = SBUF_INIT;
	struct year_row row;
	char *dir, *text;
	int fd;

	setenv("CEH_NOW", "1780286400", 1);	/* 2026-06-01T04:00:00Z */
	setenv("CEH_USER", "tester", 1);
	dir = xasprintf("%s/data/codes", root ? root : ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || codes_load(&codes, fd, &e) < 0) {
		printf("Bail out! cannot load %s: %s\n", dir, e.msg);
		return 1;
	}
	close(fd);
	free(dir);
	rules.codes = &codes;
	rules.max_half_year = 2000;

	/* canonical file: parse then emit gives the same bytes */
	ok(doc_parse(&app, canonical, strlen(canonical), "canon.yaml",
	    &rules, &e) == 0, "canonical document parses");
	ok(app.nyears == 2 && app.years[1].pub.hours == 61 &&
	    year_total(&app.years[1]) == 181, "hours in half hours");
	ok(app.years[0].nrecords == 2 && app.years[1].natt == 1,
	    "records and attachments");
	is_str(app_status(&app), "退回", "status from history");
	is_str(app_last_reason(&app), "材料不全", "reason from history");
	ok(doc_emit(&app, &out, &e) == 0, "emit");
	is_str(out.buf, canonical, "emit(parse(x)) == x byte for byte");
	app_release(&app);
	sb_release(&out);

	/* a long history (a hostile file can have 100000s of events) is
	 * read in linear time */
	{
		struct sbuf sb = SBUF_INIT;
		int k;

		sb_adds(&sb, canonical);
		for (k = 0; k < 50000; k++)
			sb_adds(&sb, "- at: \"2026-01-05T09:30:00Z\"\n"
			    "  event: edited\n");
		ok(doc_parse(&app, sb.buf, sb.len, "long.yaml", &rules,
		    &e) == 0 && app.nhistory == 50002, "50002 events parse");
		app_add_event(&app, "edited", NULL, NULL, NULL, "name");
		ok(app.nhistory == 50003 && strcmp(app.history[50002].detail,
		    "name") == 0, "and one more can be added");
		app_release(&app);
		sb_release(&sb);
	}

	/* an application built in memory: parse(emit(app)) == app */
	app_init(&app);
	ok(applicant_set(&app.a, "id", "43010419900101456x", &codes, &e) < 0,
	    "a wrong ID is refused by applicant_set");
	ok(applicant_set(&app.a, "id", "430104199001014562", &codes, &e) == 0 &&
	    applicant_set(&app.a, "name", "李四", &codes, &e) == 0 &&
	    applicant_set(&app.a, "ethnicity", "汉族", &codes, &e) == 0 &&
	    applicant_set(&app.a, "unit", "91430100ma4l12345a", &codes,
	    &e) == 0 &&
	    applicant_set(&app.a, "unit-nature", "国有企业", &codes, &e) == 0 &&
	    applicant_set(&app.a, "title-level", "中级", &codes, &e) == 0 &&
	    applicant_set(&app.a, "phone", "0731-84123456", &codes, &e) == 0 &&
	    applicant_set(&app.a, "education", "", &codes, &e) == 0 &&
	    applicant_set(&app.a, "series", "工程", &codes, &e) == 0 &&
	    applicant_set(&app.a, "specialty", "true", &codes, &e) == 0 &&
	    applicant_set(&app.a, "region", "湖南省省本级", &codes, &e) == 0 &&
	    applicant_set(&app.a, "remark", "备注: 123", &codes, &e) == 0,
	    "applicant_set for every field");
	is_str(app.a.unit, "91430100MA4L12345A", "credit code upper-cased");
	ok(applicant_check(&app.a, &codes, &e) == 0, "applicant_check");
	ok(applicant_set(&app.a, "ethnicity", "火星族", &codes, &e) < 0 &&
	    strstr(e.msg, "--ethnicity") && strstr(e.msg, "汉族"),
	    "unknown ethnicity refused, choices listed");
	app.id = xstrdup("430104199001014562-01lgip1cll768hd7rtof");
	app.waiting_at = xstrdup("");
	app_add_event(&app, "created", NULL, NULL, NULL, NULL);
	memset(&row, 0, sizeof(row));
	row.year = 2025;
	row.pub.subject = xstrdup("null");
	row.pub.hours = 1;
	row.pub.form = xstrdup("远程教育");
	row.pro.subject = xstrdup("");
	row.pro.form = xstrdup("");
	ok(year_row_check(&row, &rules, &e) == 0, "year row valid");
	app_put_year(&app, &row);
	memset(&row, 0, sizeof(row));
	row.year = 2021;
	row.pro.subject = xstrdup("专业");
	row.pro.hours = 120;
	row.pro.form = xstrdup("培训班");
	row.pub.subject = xstrdup("");
	row.pub.form = xstrdup("");
	app_put_year(&app, &row);
	ok(app.nyears == 2 && app.years[0].year == 2021, "years kept sorted");
	app_add_event(&app, "year-added", NULL, NULL, NULL, "2025");
	ok(app.revision == 2, "revision counts events");
	ok(doc_emit(&app, &out, &e) == 0, "emit built application");
	ok(doc_parse(&back, out.buf, out.len, "built.yaml", &rules, &e) == 0,
	    "and parse it back");
	ok(same_app(&app, &back), "parse(emit(app)) equals app");
	ok(doc_emit(&back, &out2, &e) == 0 && strcmp(out.buf, out2.buf) == 0,
	    "and emits the same text again");
	app_release(&back);
	sb_release(&out2);
	ok(app_remove_year(&app, 2021) == 0 && app.nyears == 1 &&
	    app.years[0].year == 2025, "remove a year");
	ok(app_remove_year(&app, 2021) < 0, "remove a missing year fails");
	app_release(&app);
	sb_release(&out);

	/* year row rules */
	memset(&row, 0, sizeof(row));
	row.year = 2024;
	row.pub.subject = xstrdup("公需");
	row.pub.hours = 60;
	row.pub.form = xstrdup("");
	ok(year_row_check(&row, &rules, &e) < 0 && strstr(e.msg, "form"),
	    "subject without form refused");
	free(row.pub.form);
	row.pub.form = xstrdup("网络培训");
	ok(year_row_check(&row, &rules, &e) < 0 &&
	    strstr(e.msg, "canonical form '远程教育'"),
	    "an alias is not canonical in a document");
	free(row.pub.form);
	row.pub.form = xstrdup("远程教育");
	row.pub.hours = 2001;
	ok(year_row_check(&row, &rules, &e) < 0 && strstr(e.msg, "limit"),
	    "over the store's yearly bound refused");
	free(row.pub.subject);
	row.pub.subject = xstrdup("");
	row.pub.hours = 10;
	ok(year_row_check(&row, &rules, &e) < 0 &&
	    strstr(e.msg, "without a subject"), "hours without subject");
	year_row_release(&row);
	row.year = 2024;
	ok(year_row_check(&row, &rules, &e) < 0 &&
	    strstr(e.msg, "public or a professional"), "empty row refused");
	row.year = 2031;
	ok(year_row_check(&row, &rules, &e) < 0 && strstr(e.msg, "2031"),
	    "future year refused");

	/* malformed and hostile documents, each refused naming the file */
	ok(refused_as("format: 1\n", "format: 2\n", CEH_ESTATE, "newer"),
	    "newer document format refused as class 4");
	ok(refused_as("format: 1\n", "format: x\n", CEH_EINPUT, "format"),
	    "format not a number");
	ok(refused_as("format: 1\n", "", CEH_EINPUT, "'format' is missing"),
	    "format missing");
	ok(refused_as("stage: draft\n", "stage: draft\ncolour: red\n",
	    CEH_EINPUT, "unknown field 'colour'"), "unknown top-level key");
	ok(refused_as("  remark:", "  nickname: x\n  remark:", CEH_EINPUT,
	    "unknown field 'nickname'"), "unknown applicant key");
	ok(refused_as("  total_hours: 60\n", "  total_hours: 60\n  bonus: 1\n",
	    CEH_EINPUT, "unknown field 'bonus'"), "unknown year key");
	ok(refused_as("    added:", "    x: 1\n    added:", CEH_EINPUT,
	    "unknown field 'x'"), "unknown attachment key");
	ok(refused_as("  event: created\n", "  event: created\n  when: now\n",
	    CEH_EINPUT, "unknown field 'when'"), "unknown event key");
	ok(refused_as("revision: 4\n", "revision: four\n", CEH_EINPUT,
	    "revision"), "revision not a number");
	ok(refused_as("revision: 4\n", "revision: [4]\n", CEH_EINPUT,
	    "must be a value, not a list"), "revision a list");
	ok(refused_as("applicant:\n", "applicant: []\nx:\n", CEH_EINPUT,
	    NULL), "applicant a list");
	ok(refused_as("years:\n", "years: {}\nyz:\n", CEH_EINPUT, NULL),
	    "years a mapping");
	ok(refused_as("  name: 张三\n", "  name: [张三]\n", CEH_EINPUT,
	    "'name' must be a value"), "name a list");
	ok(refused_as("stage: draft\n", "stage: limbo\n", CEH_EINPUT,
	    "unknown stage"), "unknown stage");
	ok(refused_as("stage: draft\n", "stage: draft\nwaiting_at: "
	    "\"91430100MA4L12345A\"\n", CEH_EINPUT, "waiting_at"),
	    "waiting_at on a draft");
	ok(refused_as("stage: draft\n", "stage: review\n", CEH_EINPUT,
	    "waiting_at"), "review without waiting_at");
	ok(refused_as("  total_hours: 90.5\n", "  total_hours: 91\n",
	    CEH_EINPUT, "total_hours"), "total not the sum");
	ok(refused_as("  public_hours: 30.5\n", "  public_hours: 30.25\n",
	    CEH_EINPUT, "half hours"), "quarter hours in a file");
	ok(refused_as("  public_hours: 30.5\n", "  public_hours: -30\n",
	    CEH_EINPUT, "negative"), "negative hours in a file");
	ok(refused_as("  public_form: 远程教育\n", "  public_form: 网络培训\n",
	    CEH_EINPUT, "canonical"), "alias instead of canonical form");
	ok(refused_as("  public_form: 远程教育\n", "  public_form: 空中课堂\n",
	    CEH_EINPUT, "public form"), "unknown form");
	ok(refused_as("- year: 2024\n", "- year: 2023\n", CEH_EINPUT,
	    "year 2023 appears twice"), "a year twice");
	ok(refused_as("- year: 2024\n", "- year: 2099\n", CEH_EINPUT, "2099"),
	    "a future year");
	ok(refused_as("  sex: 男\n", "  sex: 女\n", CEH_EINPUT, "sex"),
	    "sex that does not match the ID number");
	ok(refused_as("  id_number: \"43010219850312123X\"\n",
	    "  id_number: \"430602197811307899\"\n", CEH_EINPUT, "does not "
	    "belong"), "id of another person");
	ok(refused_as("  id_number: \"43010219850312123X\"\n",
	    "  id_number: \"430102198503121231\"\n", CEH_EINPUT,
	    "check digit"), "bad ID number in a file");
	ok(refused_as("  ethnicity: 汉族\n", "  ethnicity: 汉\n", CEH_EINPUT,
	    NULL), "non-canonical ethnicity");
	ok(refused_as("  phone: \"15556565656\"\n", "  phone: \"12\"\n",
	    CEH_EINPUT, "phone"), "bad phone");
	ok(refused_as("  unit: \"91430100MA4L12345A\"\n",
	    "  unit: \"91430100MA4L12345B\"\n", CEH_EINPUT, "check "
	    "character"), "bad unit code");
	ok(refused_as("  name: 张三\n", "  name: \"\"\n", CEH_EINPUT, "missing"),
	    "empty name");
	ok(refused_as("    sha256: ", "    sha256: \"xyz\"\n    junk: ",
	    CEH_EINPUT, NULL), "bad sha256");
	ok(refused_as("    entry: \"2024/0001-证书.pdf\"\n",
	    "    entry: ../../etc/passwd\n", CEH_EINPUT, "unsafe"),
	    "attachment entry escaping the zip");
	ok(refused_as("- at: \"2026-01-05T08:00:00Z\"\n",
	    "- at: yesterday\n", CEH_EINPUT, "event time"), "bad event time");
	ok(refused_as("  reason: 材料不全\n", "  reason: \"a\\tb\"\n",
	    CEH_EINPUT, "control"), "control character in a reason");
	ok(refused_as("  name: 张三\n", "  name: &n 张三\n", CEH_EINPUT,
	    "anchors"), "anchor in a document");
	ok(refused_as("  name: 张三\n", "  name: !!str 张三\n", CEH_EINPUT,
	    "tags"), "tag in a document");
	ok(refused_as("  name: 张三\n", "  name: 张三\n  name: 李四\n",
	    CEH_EINPUT, "duplicate key 'name'"), "duplicate key");
	ok(refused_as("  name: 张三\n", "  name: \xd5\xc5\n", CEH_EINPUT,
	    "UTF-8"), "invalid UTF-8");
	ok(refused_as("history:\n", "history:\n---\n", CEH_EINPUT,
	    "more than one document"), "second document");
	ok(refused_as("  remark: \"yes\"\n", "  remark: [[[[[[[[[x]]]]]]]]]\n",
	    CEH_EINPUT, "nested too deeply"), "deep nesting");
	text = variant("format: 1\n", "format: 1\n");
	text[20] = '\0';
	ok(doc_parse(&app, text, 60, "nul.yaml", &rules, &e) < 0 &&
	    strstr(e.msg, "nul.yaml") && strstr(e.msg, "NUL"),
	    "NUL byte refused");
	free(text);
	ok(doc_parse(&app, "", 0, "empty.yaml", &rules, &e) < 0 &&
	    strstr(e.msg, "empty.yaml"), "empty file refused");
	ok(doc_parse(&app, "- a\n", 4, "list.yaml", &rules, &e) < 0 &&
	    strstr(e.msg, "list.yaml") && strstr(e.msg, "must be a mapping"),
	    "a list instead of a document");
	codes_release(&codes);
	return done_testing();
}
