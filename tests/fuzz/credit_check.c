/*
 * credit_check: 统一社会信用代码 (unit codes on the command line, in
 * units.yaml and in documents, and used as names in messages).
 * Properties: an accepted code is 18 upper-case characters of the code
 * alphabet with the right check character, accepted again unchanged; a
 * refusal is class 1 with a message free of control characters.
 */
#include "fuzz.h"
#include "util.h"
#include "validate.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	char out[CREDIT_LEN + 1], out2[CREDIT_LEN + 1];
	struct ceh_err e;

	if (credit_check("unit", s, out, &e) == 0) {
		FUZZ_CHECK(strlen(out) == CREDIT_LEN, "%s", out);
		FUZZ_CHECK(strspn(out, "0123456789ABCDEFGHJKLMNPQRTUWXY") ==
		    CREDIT_LEN, "%s", out);
		FUZZ_CHECK(credit_check_char(out) == out[17], "%s", out);
		FUZZ_CHECK(credit_check("unit", out, out2, &e) == 0 &&
		    strcmp(out, out2) == 0, "not idempotent: %s", out);
	} else {
		FUZZ_REFUSED(e);
	}
	free(s);
	return 0;
}
