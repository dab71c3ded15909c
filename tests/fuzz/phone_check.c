/*
 * phone_check: 联系电话.  Properties: an accepted number holds only
 * digits, '-' and a leading "+86"; a refusal is class 1 with a message
 * free of control characters.
 */
#include "fuzz.h"
#include "util.h"
#include "validate.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	struct ceh_err e;

	if (phone_check("phone", s, &e) == 0) {
		const char *p = strncmp(s, "+86", 3) == 0 ? s + 3 : s;

		FUZZ_CHECK(strspn(p, "0123456789-") == strlen(p), "%s", s);
		FUZZ_CHECK(strlen(p) >= 11 && strlen(p) <= 20, "%s", s);
	} else {
		FUZZ_REFUSED(e);
	}
	free(s);
	return 0;
}
