/* Unit tests of lib/config: defaults, round trip, refusals. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "tap.h"
#include "xalloc.h"

static struct ceh_err e;

static int
refused(const char *text, int code, const char *frag)
{
	struct config c;

	ceh_err_clear(&e);
	if (config_parse(&c, text, strlen(text), "store.yaml", &e) == 0) {
		config_release(&c);
		printf("# accepted: %s\n", text);
		return 0;
	}
	if (e.code != code || strncmp(e.msg, "store.yaml", 10) != 0 ||
	    strstr(e.msg, frag) == NULL) {
		printf("# message (class %d): %s\n", e.code, e.msg);
		return 0;
	}
	return 1;
}

int
main(void)
{
	struct config c, d;
	struct sbuf out = SBUF_INIT, out2 = SBUF_INIT;
	const char *t;

	config_defaults(&c);
	ok(c.format == CEH_STORE_FORMAT && c.scheme == RULE_HUNAN &&
	    c.total_min == 90 && c.public_min == 30 && c.pro_min == 60 &&
	    c.share_num == 2 && c.share_den == 3 && c.attach_required == 1,
	    "Hunan defaults 90/30/60, national share 2/3, attachments required");
	ok(config_year_met(&c, 60, 120), "30 + 60 meets the Hunan rule");
	ok(!config_year_met(&c, 59, 130), "29.5 public does not");
	ok(!config_year_met(&c, 80, 100), "50 public + 50 pro does not");
	ok(config_emit(&c, &out, &e) == 0, "emit");
	ok(config_parse(&d, out.buf, out.len, "store.yaml", &e) == 0,
	    "parse back");
	ok(config_emit(&d, &out2, &e) == 0 && strcmp(out.buf, out2.buf) == 0,
	    "emit(parse(emit(defaults))) is stable");
	ok(strstr(out.buf, "湖南省专业技术人员继续教育学时认定单") != NULL,
	    "UTF-8 written as UTF-8");
	config_release(&d);
	config_release(&c);
	sb_release(&out);
	sb_release(&out2);

	t = "format: 1\nrules:\n  scheme: national\n  professional_share: 3/4\n"
	    "attachments:\n  required: false\n";
	ok(config_parse(&c, t, strlen(t), "store.yaml", &e) == 0 &&
	    c.scheme == RULE_NATIONAL && c.share_num == 3 && c.share_den == 4 &&
	    c.attach_required == 0 && c.total_min == 90,
	    "national scheme, partial settings keep defaults");
	ok(config_year_met(&c, 40, 140) && !config_year_met(&c, 60, 120),
	    "national: professional share 3/4 of the total");
	config_release(&c);
	ok(config_parse(&c, "format: 1\n", 10, "store.yaml", &e) == 0,
	    "format alone is enough");
	config_release(&c);

	ok(refused("format: 2\n", CEH_ESTATE, "newer"),
	    "newer store format: class 4");
	ok(refused("format: 2\nfuture_key: 1\n", CEH_ESTATE, "newer"),
	    "newer format is refused before its unknown keys");
	ok(refused("rules: {}\n", CEH_EINPUT, "'format' is missing"),
	    "format missing");
	ok(refused("format: 1\ncolour: red\n", CEH_EINPUT,
	    "unknown field 'colour'"), "unknown top-level key");
	ok(refused("format: 1\nrules:\n  anual_total: 90\n", CEH_EINPUT,
	    "unknown field 'anual_total'"), "a typo in a setting");
	ok(refused("format: 1\nrules:\n  annual_total: lots\n", CEH_EINPUT,
	    "annual_total"), "a number that is not one");
	ok(refused("format: 1\nrules:\n  annual_total: -5\n", CEH_EINPUT,
	    "annual_total"), "a negative minimum");
	ok(refused("format: 1\nrules:\n  scheme: texas\n", CEH_EINPUT,
	    "hunan or national"), "unknown scheme");
	ok(refused("format: 1\nrules:\n  professional_share: 4/3\n",
	    CEH_EINPUT, "fraction"), "share over 1");
	ok(refused("format: 1\nrules:\n  professional_share: 2/3x\n",
	    CEH_EINPUT, "fraction"), "share with junk");
	ok(refused("format: 1\nrules:\n  professional_share: "
	    "\"3/999999999999999999999999999994\"\n", CEH_EINPUT,
	    "fraction"), "a share too large to compute with (found by "
	    "the fuzzer: an overflow in config_year_met)");
	ok(refused("format: 1\nrules:\n  professional_share: -1/3\n",
	    CEH_EINPUT, "fraction"), "negative share");
	ok(refused("format: 1\nattachments:\n  required: maybe\n", CEH_EINPUT,
	    "true or false"), "boolean that is not one");
	ok(refused("format: 1\nrules: [1, 2]\n", CEH_EINPUT, "'rules' must be"),
	    "rules a list");
	ok(refused("format: 1\nformat: 1\n", CEH_EINPUT, "duplicate"),
	    "duplicate key");
	ok(refused("format: &a 1\n", CEH_EINPUT, "anchors"), "anchor");
	return done_testing();
}
