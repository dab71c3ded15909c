/*
 * slip_parse: a slip file given to `ceh verify-slip --file` (JSON or
 * YAML), then verified against a scratch store (its number names a record
 * file under STORE/slips/: no number may reach outside), and verification
 * codes as typed.  Properties: a refusal is class 1 or 4 and names the
 * file; a parsed slip is never "valid" for a store that issued nothing; a
 * normalised code has the grouped length and normalises to itself.
 */
#include "fuzz.h"
#include "slip.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store *s = fuzz_store();
	static FILE *null;
	struct slip sl;
	struct sbuf canon = SBUF_INIT, why = SBUF_INIT;
	struct ceh_err e;
	enum slip_verdict v = SLIP_UNKNOWN;
	char code[SLIP_CODE_LEN + 1], code2[SLIP_CODE_LEN + 1];
	char *str;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	str = fuzz_str(data, size);
	if (slip_code_normalise(str, code) == 0) {
		FUZZ_CHECK(strlen(code) == SLIP_CODE_LEN, "'%s'", code);
		FUZZ_CHECK(slip_code_normalise(code, code2) == 0 &&
		    strcmp(code, code2) == 0, "'%s' -> '%s'", code, code2);
	}
	free(str);
	slip_init(&sl);
	if (slip_parse((const char *)data, size, "slip.json", &sl, &e) < 0) {
		FUZZ_CHECK(e.code == CEH_EINPUT || e.code == CEH_ESTATE,
		    "class %d: %s", e.code, e.msg);
		FUZZ_CHECK(strstr(e.msg, "slip.json") != NULL,
		    "message does not name the file: %s", e.msg);
		slip_release(&sl);
		return 0;
	}
	slip_canonical(&sl, 1, &canon);
	slip_canonical(&sl, 0, &canon);
	slip_json(&sl, null);
	if (slip_verify(s, &sl, 1, &v, &why, &e) == 0)
		FUZZ_CHECK(v != SLIP_VALID, "a slip nobody issued is valid");
	(void)slip_verdict_name(v);
	sb_release(&canon);
	sb_release(&why);
	slip_release(&sl);
	return 0;
}
