/* Unit tests of lib/units: parse, emit, the tree checks, the agency of a
 * region. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codes.h"
#include "err.h"
#include "tap.h"
#include "units.h"
#include "validate.h"
#include "xalloc.h"

static struct ceh_err e;

#define HEAD "format: 1\nunits:\n"
#define AGENCY "- code: \"91430000MA4L00001D\"\n  name: 人社厅\n" \
    "  kind: agency\n  region: \"430000\"\n"
#define SUP "- code: \"12430000MB1234567W\"\n  name: 住建厅\n" \
    "  kind: supervisor\n"
#define EMP "- code: \"91430100MA4L12345A\"\n  name: 建工集团\n" \
    "  kind: employer\n  parent: \"12430000MB1234567W\"\n"

static int
refused(const char *text, int code, const char *frag)
{
	struct units u;

	ceh_err_clear(&e);
	if (units_parse(&u, text, strlen(text), "units.yaml", &e) == 0) {
		units_release(&u);
		printf("# accepted\n");
		return 0;
	}
	if (e.code != code || strncmp(e.msg, "units.yaml", 10) != 0 ||
	    strstr(e.msg, frag) == NULL) {
		printf("# message (class %d): %s\n", e.code, e.msg);
		return 0;
	}
	return 1;
}

int
main(void)
{
	const char *root = getenv("CEH_ROOT");
	const char *good = HEAD AGENCY SUP EMP;
	struct units u, v;
	struct codes codes;
	struct sbuf out = SBUF_INIT, out2 = SBUF_INIT;
	const struct unit *a;
	enum unit_kind k;
	char *dir;
	int fd;

	dir = xasprintf("%s/data/codes", root ? root : ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || codes_load(&codes, fd, &e) < 0) {
		printf("Bail out! cannot load %s\n", dir);
		return 1;
	}
	close(fd);
	free(dir);

	ok(units_parse(&u, good, strlen(good), "units.yaml", &e) == 0 &&
	    u.n == 3, "three units parse");
	ok(units_check(&u, &codes, "units.yaml", &e) == 0, "tree is valid");
	a = units_find(&u, "91430100MA4L12345A");
	ok(a && a->kind == UNIT_EMPLOYER && strcmp(a->name, "建工集团") == 0,
	    "find an employer");
	ok(units_find(&u, "91430100MA4L222221") == NULL, "find a missing one");
	a = units_agency_for(&u, &codes, "430100");
	ok(a && strcmp(a->code, "91430000MA4L00001D") == 0,
	    "the province's agency serves a city without its own");
	a = units_agency_for(&u, &codes, "439900");
	ok(a && strcmp(a->code, "91430000MA4L00001D") == 0,
	    "and the province's own level (省本级)");
	ok(units_emit(&u, &out, &e) == 0, "emit");
	ok(units_parse(&v, out.buf, out.len, "units.yaml", &e) == 0 &&
	    units_emit(&v, &out2, &e) == 0 && strcmp(out.buf, out2.buf) == 0,
	    "emit(parse(emit(u))) is stable");
	units_release(&v);
	ok(units_below(&u, "91430100MA4L12345A", "12430000MB1234567W") &&
	    units_below(&u, "91430100MA4L12345A", "91430100MA4L12345A") &&
	    !units_below(&u, "12430000MB1234567W", "91430100MA4L12345A") &&
	    !units_below(&u, "91430100MA4L12345A", "91430000MA4L00001D"),
	    "units_below: at or under the top, not above nor beside it");
	ok(units_remove(&u, "91430100MA4L12345A") == 0 && u.n == 2 &&
	    units_remove(&u, "91430100MA4L12345A") < 0,
	    "units_remove: once, then it is not there");
	/* a unit added right after a removal, as unit add appends: the
	 * index must not be taken for current because n is as before */
	u.v = xreallocarray(u.v, u.n + 1, sizeof(*u.v));
	u.v[u.n].code = xstrdup("91430100MA4L222221");
	u.v[u.n].name = xstrdup("设计院");
	u.v[u.n].kind = UNIT_EMPLOYER;
	u.v[u.n].parent = xstrdup("");
	u.v[u.n].region = xstrdup("");
	u.v[u.n].added = xstrdup("");
	u.n++;
	a = units_find(&u, "91430100MA4L222221");
	ok(a && strcmp(a->name, "设计院") == 0 &&
	    units_find(&u, "91430100MA4L12345A") == NULL &&
	    units_find(&u, "12430000MB1234567W") != NULL,
	    "after a removal and an append every find is right");
	units_release(&u);
	sb_release(&out);
	sb_release(&out2);
	ok(unit_kind_parse("supervisor", &k) == 0 && k == UNIT_SUPERVISOR &&
	    unit_kind_parse("boss", &k) < 0, "unit_kind_parse");
	is_str(unit_kind_label(UNIT_EMPLOYER), "用人单位", "label");

	ok(refused(HEAD EMP, CEH_EINPUT, "not registered"),
	    "a parent that does not exist");
	ok(refused(HEAD AGENCY "- code: \"91430100MA4L12345A\"\n  name: x\n"
	    "  kind: employer\n  parent: \"91430000MA4L00001D\"\n", CEH_EINPUT,
	    "must be a supervisor"), "a parent that is not a supervisor");
	ok(refused(HEAD "- code: \"91430000MA4L00001D\"\n  name: x\n"
	    "  kind: agency\n  parent: \"12430000MB1234567W\"\n" SUP,
	    CEH_EINPUT, "agency and cannot have a parent"),
	    "an agency with a parent");
	ok(refused(HEAD "- code: \"12430000MB1234567W\"\n  name: a\n"
	    "  kind: supervisor\n  parent: \"11430000006123456E\"\n"
	    "- code: \"11430000006123456E\"\n  name: b\n"
	    "  kind: supervisor\n  parent: \"12430000MB1234567W\"\n",
	    CEH_EINPUT, "cycle"), "a cycle of two");
	ok(refused(HEAD "- code: \"12430000MB1234567W\"\n  name: a\n"
	    "  kind: supervisor\n  parent: \"12430000MB1234567W\"\n",
	    CEH_EINPUT, "cycle"), "its own parent");
	ok(refused(HEAD SUP SUP, CEH_EINPUT, "listed twice"), "listed twice");
	ok(refused(HEAD "- code: \"12430000MB1234567X\"\n  name: a\n"
	    "  kind: supervisor\n", CEH_EINPUT, "check character"),
	    "a bad credit code");
	ok(refused(HEAD "- code: \"12430000MB1234567W\"\n  name: a\n"
	    "  kind: boss\n", CEH_EINPUT, "employer, supervisor or agency"),
	    "an unknown kind");
	ok(refused(HEAD "- code: \"12430000MB1234567W\"\n  name: a\n"
	    "  kind: supervisor\n  colour: red\n", CEH_EINPUT,
	    "unknown field 'colour'"), "an unknown key");
	ok(refused(HEAD "- code: \"12430000MB1234567W\"\n  kind: supervisor\n",
	    CEH_EINPUT, "'name' is missing"), "a missing name");
	ok(refused("format: 1\nunits: {}\n", CEH_EINPUT, "'units' must be"),
	    "units a mapping");
	ok(refused("format: 2\nunits: []\n", CEH_ESTATE, "newer"),
	    "a newer format: class 4");
	ok(refused("format: 1\nunits: [\n", CEH_EINPUT, "units.yaml"),
	    "broken YAML");
	{
		const char *t = HEAD "- code: \"91430100MA4L12345A\"\n"
		    "  name: x\n  kind: employer\n  region: \"999999\"\n";

		ok(units_parse(&u, t, strlen(t), "units.yaml", &e) == 0 &&
		    units_check(&u, &codes, "units.yaml", &e) < 0 &&
		    strstr(e.msg, "unknown region '999999'"),
		    "an unknown region is found by units_check");
		units_release(&u);
	}
	{
		/* a big registry: parse and look-ups are n log n (a
		 * search per unit made 100000 units take 110 s) */
		struct sbuf sb = SBUF_INIT;
		char c17[18], code[19];
		int j, found = 0;

		sb_adds(&sb, "format: 1\nunits:\n");
		for (j = 0; j < 50000; j++) {
			snprintf(c17, sizeof(c17), "9143010%010d", j);
			snprintf(code, sizeof(code), "%s%c", c17,
			    credit_check_char(c17));
			sb_addf(&sb, "- code: \"%s\"\n  name: u%d\n"
			    "  kind: employer\n", code, j);
		}
		ok(units_parse(&u, sb.buf, sb.len, "units.yaml", &e) == 0 &&
		    u.n == 50000, "50000 units parse");
		for (j = 0; j < 50000; j += 7) {
			snprintf(c17, sizeof(c17), "9143010%010d", j);
			snprintf(code, sizeof(code), "%s%c", c17,
			    credit_check_char(c17));
			found += units_find(&u, code) != NULL;
		}
		ok(found == (50000 + 6) / 7, "every one is found");
		units_release(&u);
		snprintf(c17, sizeof(c17), "9143010%010d", 123);
		sb_addf(&sb, "- code: \"%s%c\"\n  name: again\n"
		    "  kind: employer\n", c17, credit_check_char(c17));
		ceh_err_clear(&e);
		ok(units_parse(&u, sb.buf, sb.len, "units.yaml", &e) < 0 &&
		    strstr(e.msg, "units.yaml:150003: unit 91430100000000123") &&
		    strstr(e.msg, "listed twice"),
		    "a code listed twice among 50001 is found, with its line");
		sb_release(&sb);
	}
	codes_release(&codes);
	return done_testing();
}
