/* Unit tests of lib/bundle: type sniffing, name checks, and the
 * document/archive invariant through the library (add, check, repair of
 * leftovers, extraction). */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "err.h"
#include "store.h"
#include "tap.h"
#include "xalloc.h"

static struct ceh_err e;
static int nsaid, nwrote;

static void
said(void *arg, const char *msg)
{
	(void)arg;
	nsaid++;
	printf("#   %s\n", msg);
}

static void
wrote(void *arg, const char *path)
{
	(void)arg;
	(void)path;
	nwrote++;
}

/* The document forgets its last attachment of row (the archive keeps
 * it). */
static void
forget_last(struct year_row *row)
{
	struct attachment *at = &row->att[--row->natt];

	free(at->name);
	free(at->entry);
	free(at->type);
	free(at->sha256);
	free(at->added);
}

static void
put(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static int
check(struct store *s, struct app_handle *h, int repair,
    struct bundle_report *r)
{
	memset(r, 0, sizeof(*r));
	r->say = said;
	nsaid = 0;
	return bundle_check(s, &h->p, &h->app, h->folder, r, repair, &e);
}

static int
names_ok(const char *name)
{
	return bundle_name_check("t", name, &e) == 0;
}

int
main(void)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a,
	    0x1a, 0x0a, 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
	static const unsigned char jpg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16,
	    'J', 'F', 'I', 'F' };
	static const char pdf[] = "%PDF-1.4\n%%EOF\n";
	const char *root = getenv("CEH_ROOT");
	char tmpl[] = "/tmp/ceh-bundle.XXXXXX", longname[400], path[600];
	struct bundle_input in[2];
	struct bundle_report r;
	struct application app;
	struct app_handle h;
	struct app_ref ref;
	struct person p;
	struct store s;
	char id[APP_ID_LEN + 1], *datadir, *sroot;
	int i, dfd;

	/* sniffing by content */
	is_str(bundle_sniff(pdf, sizeof(pdf) - 1), "application/pdf", "pdf");
	is_str(bundle_sniff(png, sizeof(png)), "image/png", "png");
	is_str(bundle_sniff(jpg, sizeof(jpg)), "image/jpeg", "jpeg");
	ok(bundle_sniff("GIF89a", 6) == NULL, "gif refused");
	ok(bundle_sniff("%PDF", 4) == NULL, "truncated pdf magic refused");
	ok(bundle_sniff(png, 7) == NULL, "truncated png magic refused");
	ok(bundle_sniff("", 0) == NULL, "empty refused");
	ok(bundle_sniff("<html>%PDF-", 11) == NULL, "magic not at the start");

	/* display names */
	ok(names_ok("证书.pdf"), "Chinese name");
	ok(names_ok("scan 01 (final).jpg"), "spaces and brackets");
	ok(names_ok("a..b.pdf"), "dots inside");
	ok(!names_ok(""), "empty");
	ok(!names_ok("."), ".");
	ok(!names_ok(".."), "..");
	ok(!names_ok(".hidden"), "leading dot");
	ok(!names_ok("../x"), "../x");
	ok(!names_ok("/etc/x"), "/etc/x");
	ok(!names_ok("a\\b"), "backslash");
	ok(!names_ok("a\nb"), "newline");
	ok(!names_ok("a\tb"), "tab");
	ok(!names_ok("a\x7f"), "DEL");
	ok(!names_ok("a\xc2\x85"), "C1 control (NEL)");
	ok(!names_ok("\xff\xfe.pdf"), "invalid UTF-8");
	ok(!names_ok("photo\xe2\x80\xae" "gpj.exe"), "U+202E right-to-left "
	    "override");
	ok(!names_ok("a\xe2\x80\x8b" "b.pdf"), "U+200B zero width space");
	ok(!names_ok("a\xe2\x81\xa6" "b.pdf"), "U+2066 isolate");
	ok(!names_ok("\xef\xbb\xbf" "a.pdf"), "U+FEFF");
	ok(names_ok("a\xe2\x80\x94" "b.pdf"), "U+2014 em dash is fine");
	ok(!names_ok("\xc0\xaf.pdf"), "overlong UTF-8 '/'");
	memset(longname, 'a', BUNDLE_NAME_MAX_CHARS);
	longname[BUNDLE_NAME_MAX_CHARS] = '\0';
	ok(names_ok(longname), "%d characters", BUNDLE_NAME_MAX_CHARS);
	strcat(longname, "a");
	ok(!names_ok(longname), "%d characters", BUNDLE_NAME_MAX_CHARS + 1);
	longname[0] = '\0';
	for (i = 0; i < 81; i++)
		strcat(longname, "证");	/* 81 chars, 243 bytes */
	ok(!names_ok(longname), "over %d bytes", BUNDLE_NAME_MAX_BYTES);

	/* a store with one draft application */
	setenv("CEH_USER", "tester", 1);
	if (mkdtemp(tmpl) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	umask(077);
	datadir = xasprintf("%s/data", root ? root : ".");
	sroot = xasprintf("%s/store", tmpl);
	if (store_init(sroot, datadir, 1, &e) < 0 ||
	    store_open(&s, sroot, &e) < 0) {
		printf("Bail out! store: %s\n", e.msg);
		return 1;
	}
	app_init(&app);
	if (applicant_set(&app.a, "id", "43010219850312123X", &s.codes,
	    &e) < 0 ||
	    applicant_set(&app.a, "name", "张三", &s.codes, &e) < 0 ||
	    applicant_set(&app.a, "ethnicity", "汉族", &s.codes, &e) < 0 ||
	    applicant_set(&app.a, "unit", "91430100MA4L12345A", &s.codes,
	    &e) < 0 ||
	    applicant_set(&app.a, "unit-nature", "国有企业", &s.codes, &e) < 0 ||
	    applicant_set(&app.a, "title-level", "中级", &s.codes, &e) < 0 ||
	    applicant_set(&app.a, "phone", "15556565656", &s.codes, &e) < 0 ||
	    applicant_set(&app.a, "series", "工程", &s.codes, &e) < 0 ||
	    applicant_set(&app.a, "specialty", "建筑学", &s.codes, &e) < 0 ||
	    applicant_set(&app.a, "region", "湖南省省本级", &s.codes, &e) < 0 ||
	    applicant_set(&app.a, "education", "", &s.codes, &e) < 0 ||
	    applicant_set(&app.a, "remark", "", &s.codes, &e) < 0 ||
	    app_ref_new(app.a.id_number, &ref, &e) < 0) {
		printf("Bail out! applicant: %s\n", e.msg);
		return 1;
	}
	app_ref_format(&ref, id);
	app.id = xstrdup(id);
	app.waiting_at = xstrdup("");
	app_add_event(&app, "created", NULL, NULL, NULL, NULL);
	{
		struct year_row row;

		memset(&row, 0, sizeof(row));
		row.year = 2024;
		row.pub.subject = xstrdup("公需");
		row.pub.hours = 60;
		row.pub.form = xstrdup("远程教育");
		row.pro.subject = xstrdup("");
		row.pro.form = xstrdup("");
		app_put_year(&app, &row);
	}
	if (person_open(&s, app.a.id_number, 1, &p, &e) < 0 ||
	    person_lock(&s, &p, &e) < 0 || app_create(&s, &p, &app, &e) < 0) {
		printf("Bail out! create: %s\n", e.msg);
		return 1;
	}
	person_close(&p);
	app_release(&app);

	snprintf(path, sizeof(path), "%s/a.pdf", tmpl);
	put(path, pdf, sizeof(pdf) - 1);
	in[0].path = xstrdup(path);
	in[0].name = NULL;
	snprintf(path, sizeof(path), "%s/b.png", tmpl);
	put(path, png, sizeof(png));
	in[1].path = xstrdup(path);
	in[1].name = "扫描件.png";

	ok(app_open(&s, id, 1, &h, &e) == 0, "open the draft");
	ok(check(&s, &h, 0, &r) == 0 && r.problems == 0 && r.leftovers == 0 &&
	    nsaid == 0, "no archive, no attachments: clean");
	ok(bundle_add(&s, &h, 2023, in, 1, &e) < 0 && e.code == CEH_ENOTFOUND,
	    "a year the application lacks: class 3");
	ok(bundle_add(&s, &h, 2024, in, 2, &e) == 0, "add two files");
	ok(h.app.years[0].natt == 2, "the document lists two");
	is_str(h.app.years[0].att[0].entry, "2024/1-a.pdf", "entry 1");
	is_str(h.app.years[0].att[1].entry, "2024/2-扫描件.png",
	    "entry 2 from the display name");
	is_str(h.app.years[0].att[1].type, "image/png", "type from content");
	ok(h.app.years[0].att[0].size == (long)sizeof(pdf) - 1, "size");
	ok(check(&s, &h, 0, &r) == 0 && r.checked == 2 && r.problems == 0 &&
	    r.leftovers == 0, "check: both verify");
	app_close(&h);

	/* a leftover entry: the document forgets one (as after a crash
	 * between publishing the archive and the document) */
	ok(app_open(&s, id, 1, &h, &e) == 0, "reopen");
	forget_last(&h.app.years[0]);
	ok(app_save(&s, &h, &e) == 0, "save the document without it");
	ok(check(&s, &h, 0, &r) == 0 && r.leftovers == 1 && r.problems == 0 &&
	    nsaid == 1, "check: one leftover, reported");
	ok(check(&s, &h, 1, &r) == 0 && r.fixed == 1, "repair removes it");
	ok(check(&s, &h, 0, &r) == 0 && r.leftovers == 0 && r.checked == 1,
	    "clean after repair");

	/* extraction */
	snprintf(path, sizeof(path), "%s/out", tmpl);
	mkdir(path, 0700);
	dfd = open(path, O_RDONLY | O_DIRECTORY);
	memset(&r, 0, sizeof(r));
	r.wrote = wrote;
	r.say = said;
	ok(bundle_extract(&s, &h.p, &h.app, h.folder, 0, dfd, path, &r,
	    &e) == 0 && nwrote == 1 && r.problems == 0, "extract one file");
	nwrote = 0;
	ok(bundle_extract(&s, &h.p, &h.app, h.folder, 0, dfd, path, &r,
	    &e) < 0 && e.code == CEH_ESTATE && nwrote == 0,
	    "extract again: class 4, nothing written");
	close(dfd);

	/* the whole archive a leftover: the document lists nothing */
	forget_last(&h.app.years[0]);
	ok(app_save(&s, &h, &e) == 0, "save a document without attachments");
	ok(check(&s, &h, 0, &r) == 0 && r.leftovers == 1,
	    "the archive is a leftover");
	ok(check(&s, &h, 1, &r) == 0 && r.fixed == 1, "repair removes it");
	snprintf(path, sizeof(path), "%s/people/123/%s/draft/%s.zip", sroot,
	    h.p.idnum, h.ref.uniq);
	ok(access(path, F_OK) < 0, "no archive left");

	/* a zero-byte archive is damage when something is listed (Z5) */
	ok(bundle_add(&s, &h, 2024, in, 1, &e) == 0, "add again");
	put(path, "", 0);
	ok(check(&s, &h, 0, &r) == 0 && r.problems == 1,
	    "zero-byte archive: a problem");
	ok(bundle_add(&s, &h, 2024, in + 1, 1, &e) < 0 && e.code == CEH_ESYS,
	    "adding to a damaged archive is refused, class 5 (damage in "
	    "the store)");
	ok(bundle_remove(&s, &h, 2024, "a.pdf", NULL, &e) == 0,
	    "removing the damaged one works");
	ok(access(path, F_OK) < 0, "and removes the archive");
	app_close(&h);

	store_close(&s);
	free(datadir);
	free(sroot);
	free((char *)in[0].path);
	free((char *)in[1].path);
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpl);

		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpl);
		free(cmd);
	}
	return done_testing();
}
