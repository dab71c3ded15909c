/*
 * units_parse: STORE/units.yaml, then the registry checks (parents,
 * cycles, regions) and the agency lookup every approval uses.
 * Properties: refusals name the file; an accepted registry emits YAML
 * that parses back to the same emitted bytes.
 */
#include "fuzz.h"
#include "units.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct codes *codes = fuzz_codes();
	struct units u, u2;
	struct sbuf out = SBUF_INIT, out2 = SBUF_INIT;
	struct ceh_err e;
	size_t i;

	memset(&u, 0, sizeof(u));
	if (units_parse(&u, (const char *)data, size, "units.yaml",
	    &e) < 0) {
		FUZZ_CHECK(e.code == CEH_EINPUT || e.code == CEH_ESTATE,
		    "class %d: %s", e.code, e.msg);
		FUZZ_CHECK(strstr(e.msg, "units.yaml") != NULL,
		    "message does not name the file: %s", e.msg);
		units_release(&u);
		return 0;
	}
	if (units_check(&u, codes, "units.yaml", &e) == 0) {
		for (i = 0; i < u.n; i++) {
			(void)units_find(&u, u.v[i].code);
			(void)units_agency_for(&u, codes, u.v[i].region);
		}
		(void)units_agency_for(&u, codes, "430100");
	} else {
		FUZZ_CHECK(strstr(e.msg, "units.yaml") != NULL,
		    "check message does not name the file: %s", e.msg);
	}
	FUZZ_CHECK(units_emit(&u, &out, &e) == 0, "emit: %s", e.msg);
	memset(&u2, 0, sizeof(u2));
	FUZZ_CHECK(units_parse(&u2, out.buf, out.len, "emitted.yaml",
	    &e) == 0, "re-parse: %s\n%s", e.msg, out.buf);
	FUZZ_CHECK(units_emit(&u2, &out2, &e) == 0, "emit 2: %s", e.msg);
	FUZZ_CHECK(out.len == out2.len && memcmp(out.buf, out2.buf,
	    out.len) == 0, "emit(parse(emit(x))) != emit(x)");
	sb_release(&out);
	sb_release(&out2);
	units_release(&u);
	units_release(&u2);
	return 0;
}
