/*
 * hours_parse: 折算学时 from the command line and CSV files, plus the
 * other small text checks (year_parse, text_check).  Properties: accepted
 * hours are 0..max half hours and hours_fmt() of them parses back to the
 * same value; accepted text is valid UTF-8 within its length; refusals are
 * class 1 with messages free of control characters.
 */
#include "fuzz.h"
#include "util.h"
#include "validate.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	char buf[32];
	struct ceh_err e;
	long h, h2;
	int y;

	if (hours_parse("hours", s, 2000, &h, &e) == 0) {
		FUZZ_CHECK(h >= 0 && h <= 2000, "%ld from '%s'", h, s);
		hours_fmt(h, buf, sizeof(buf));
		FUZZ_CHECK(hours_parse("hours", buf, 2000, &h2, &e) == 0 &&
		    h2 == h, "'%s' -> %ld -> '%s'", s, h, buf);
	} else {
		FUZZ_REFUSED(e);
	}
	if (year_parse("year", s, &y, &e) == 0)
		FUZZ_CHECK(y >= 1990 && y <= current_year(), "%d", y);
	else
		FUZZ_CHECK(!has_control(e.msg), "control character in "
		    "message: %s", e.msg);
	if (text_check("remark", s, 200, 1, size & 1, &e) == 0) {
		FUZZ_CHECK(utf8_valid(s, strlen(s)), "invalid UTF-8 passed");
		FUZZ_CHECK(utf8_chars(s) <= 200, "too long passed");
		FUZZ_CHECK((size & 1) || !has_control(s), "control passed");
		(void)utf8_width(s);
	} else {
		FUZZ_REFUSED(e);
	}
	free(s);
	return 0;
}
