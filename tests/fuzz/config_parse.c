/*
 * config_parse: STORE/store.yaml.  Properties: refusals are class 1 or 4
 * and name the file; accepted settings emit YAML that parses back to the
 * same emitted bytes.
 */
#include "config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c, c2;
	struct sbuf out = SBUF_INIT, out2 = SBUF_INIT, rule = SBUF_INIT;
	struct ceh_err e;

	if (config_parse(&c, (const char *)data, size, "store.yaml",
	    &e) < 0) {
		FUZZ_CHECK(e.code == CEH_EINPUT || e.code == CEH_ESTATE,
		    "class %d: %s", e.code, e.msg);
		FUZZ_CHECK(strstr(e.msg, "store.yaml") != NULL,
		    "message does not name the file: %s", e.msg);
		config_release(&c);
		return 0;
	}
	config_rule_text(&c, &rule);
	(void)config_year_met(&c, 180, 120);
	(void)config_year_met(&c, 0, 0);
	FUZZ_CHECK(config_emit(&c, &out, &e) == 0, "emit: %s", e.msg);
	FUZZ_CHECK(config_parse(&c2, out.buf, out.len, "emitted.yaml",
	    &e) == 0, "re-parse: %s\n%s", e.msg, out.buf);
	FUZZ_CHECK(config_emit(&c2, &out2, &e) == 0, "emit 2: %s", e.msg);
	FUZZ_CHECK(out.len == out2.len && memcmp(out.buf, out2.buf,
	    out.len) == 0, "emit(parse(emit(x))) != emit(x)");
	sb_release(&out);
	sb_release(&out2);
	sb_release(&rule);
	config_release(&c);
	config_release(&c2);
	return 0;
}
