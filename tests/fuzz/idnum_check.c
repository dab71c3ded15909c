/*
 * idnum_check: 证件号码 from the command line, CSV files and documents,
 * and application ids (IDNUMBER-UNIQ) that commands turn into paths.
 * Properties: an accepted number is canonical (18 chars, upper-case X,
 * right check character) and accepted again unchanged; a refusal is class
 * 1 with a message free of control characters; an accepted application
 * id is exactly 18 + 1 + 20 characters of [0-9X] and [0-9a-v] (no path).
 */
#include "fuzz.h"
#include "store.h"
#include "util.h"
#include "validate.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	char out[IDNUM_LEN + 1], out2[IDNUM_LEN + 1];
	char id[APP_ID_LEN + 1];
	struct app_ref r;
	struct ceh_err e;

	if (idnum_check("id", s, out, &e) == 0) {
		FUZZ_CHECK(strlen(out) == IDNUM_LEN, "length %zu",
		    strlen(out));
		FUZZ_CHECK(strspn(out, "0123456789") >= 17, "%s", out);
		FUZZ_CHECK(idnum_check_char(out) == out[17], "%s", out);
		FUZZ_CHECK(idnum_check("id", out, out2, &e) == 0 &&
		    strcmp(out, out2) == 0, "not idempotent: %s", out);
		FUZZ_CHECK(idnum_birth(out) > 18000000, "%s", out);
		(void)idnum_sex(out);
	} else {
		FUZZ_REFUSED(e);
	}
	if (app_ref_parse(s, &r, &e) == 0) {
		app_ref_format(&r, id);
		FUZZ_CHECK(strlen(id) == APP_ID_LEN, "%s", id);
		FUZZ_CHECK(strspn(r.idnum, "0123456789X") == IDNUM_LEN, "%s",
		    id);
		FUZZ_CHECK(strspn(r.uniq, "0123456789abcdefghijklmnopqrstuv")
		    == APP_UNIQ_LEN, "%s", id);
	} else {
		FUZZ_REFUSED(e);
	}
	free(s);
	return 0;
}
