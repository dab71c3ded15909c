/* Unit tests of lib/validate: ID numbers, credit codes, phones, years,
 * hours, text.  The clock is fixed with CEH_NOW (2026-06-01 12:00 in
 * Beijing) so "future" and "current year" are stable. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tap.h"
#include "validate.h"

static struct ceh_err e;

static int
id_ok(const char *in, char *out)
{
	ceh_err_clear(&e);
	return idnum_check("--id", in, out, &e) == 0;
}

/* refused with class 1 and a message that mentions 'frag' */
static int
id_refused(const char *in, const char *frag)
{
	char out[IDNUM_LEN + 1];

	ceh_err_clear(&e);
	if (idnum_check("--id", in, out, &e) == 0)
		return 0;
	if (e.code != CEH_EINPUT || strstr(e.msg, "--id") == NULL)
		return 0;
	if (strstr(e.msg, frag) == NULL) {
		printf("# message: %s\n", e.msg);
		return 0;
	}
	return 1;
}

static int
credit_refused(const char *in, const char *frag)
{
	char out[CREDIT_LEN + 1];

	ceh_err_clear(&e);
	if (credit_check("--unit", in, out, &e) == 0)
		return 0;
	if (e.code != CEH_EINPUT || strstr(e.msg, "--unit") == NULL)
		return 0;
	if (strstr(e.msg, frag) == NULL) {
		printf("# message: %s\n", e.msg);
		return 0;
	}
	return 1;
}

static long
hours(const char *in, long max_half)
{
	long h = -99;

	ceh_err_clear(&e);
	if (hours_parse("--pro-hours", in, max_half, &h, &e) < 0)
		return e.code == CEH_EINPUT && strstr(e.msg, "--pro-hours") ?
		    -1 : -2;
	return h;
}

static int
phone_ok(const char *in)
{
	ceh_err_clear(&e);
	if (phone_check("--phone", in, &e) == 0)
		return 1;
	return e.code == CEH_EINPUT && strstr(e.msg, "--phone") ? 0 : -1;
}

int
main(void)
{
	static const char *const good_ids[] = { "11010519491231002X",
	    "440524188001010014", "370101190102039973",
	    "43010219850312123X", "430104199001014562",
	    "430602197811307899", "430102200002291230" /* leap day */,
	    "430102202606011235" /* born today */, NULL };
	static const char *const forbidden = "IOSVZ";
	char out[IDNUM_LEN + 1], cout[CREDIT_LEN + 1], code[CREDIT_LEN + 1];
	char buf[24];
	int y, i;

	setenv("CEH_NOW", "1780286400", 1);	/* 2026-06-01T04:00:00Z */

	/* ID numbers */
	for (i = 0; good_ids[i]; i++) {
		ok(id_ok(good_ids[i], out), "valid ID %s", good_ids[i]);
		is_str(out, good_ids[i], "stored as given");
	}
	ok(id_ok("11010519491231002x", out), "lower-case x accepted");
	is_str(out, "11010519491231002X", "and stored upper-case");
	ok(idnum_check_char("11010519491231002") == 'X', "check char X");
	ok(idnum_check_char("44052418800101001") == '4', "check char 4");
	is_str(idnum_sex("11010519491231002X"), "女", "sex from digit 17 (even)");
	is_str(idnum_sex("370101190102039973"), "男", "sex from digit 17 (odd)");
	ok(idnum_birth("440524188001010014") == 18800101, "birth date");
	ok(id_refused("110105194912310021", "check digit is wrong (expected X)"),
	    "wrong check digit refused, expected one named");
	ok(id_refused("440524188001010015", "check digit"),
	    "wrong check digit refused (2)");
	ok(id_refused("430102190002291234", "not a real date"),
	    "Feb 29 of 1900 (not leap) refused");
	ok(id_refused("430102202302291230", "not a real date"),
	    "Feb 29 of 2023 refused");
	ok(id_refused("430102198513011230", "not a real date"),
	    "month 13 refused");
	ok(id_refused("430102198504311230", "not a real date"),
	    "April 31 refused");
	ok(id_refused("430102202606021230", "in the future"),
	    "birth date tomorrow refused");
	ok(id_refused("4.30102E+17", "spreadsheet"),
	    "Excel's 4.30102E+17 gets a message saying so");
	ok(id_refused("4.30102e+17", "scientific notation"),
	    "and in lower case");
	ok(id_refused("430102850312123", "15-digit"),
	    "15-digit number refused with a message");
	ok(id_refused("43010219850312123", "18 characters"),
	    "17 characters refused");
	ok(id_refused("43010219850312123XX", "18 characters"),
	    "19 characters refused");
	ok(id_refused("43010219850312A23X", "must be a digit"),
	    "a letter inside refused");
	ok(id_refused("43010219850312123Y", "digit or X"),
	    "a last character other than X refused");
	ok(id_refused("", "empty"), "empty refused");
	ok(id_refused("99010219850312123X", "province"),
	    "unknown province refused");
	ok(id_refused("430102179903121235", "not a real date"),
	    "birth year 1799 refused");

	/* credit codes */
	ceh_err_clear(&e);
	ok(credit_check("--unit", "91350100M000100Y43", cout, &e) == 0,
	    "valid credit code 91350100M000100Y43");
	ok(credit_check_char("91350100M000100Y4") == '3', "its check char");
	ok(credit_check("--unit", "91350100m000100y43", cout, &e) == 0,
	    "lower case accepted");
	is_str(cout, "91350100M000100Y43", "stored upper-case");
	ok(credit_refused("91350100M000100Y44", "check character is wrong"),
	    "wrong check char refused");
	ok(credit_refused("91350100M000100Y4", "18-character"),
	    "17 characters refused");
	for (i = 0; forbidden[i]; i++) {
		char msg[8];

		strcpy(code, "91350100M000100Y43");
		code[8] = forbidden[i];
		snprintf(msg, sizeof(msg), "'%c'", forbidden[i]);
		ok(credit_refused(code, msg) &&
		    strstr(e.msg, "I, O, S, V, Z") != NULL,
		    "letter %c refused as not allowed", forbidden[i]);
	}
	ok(credit_refused("91350100M000100Y4-", "not allowed"),
	    "punctuation refused");

	/* phones */
	ok(phone_ok("15556565656") == 1, "mobile");
	ok(phone_ok("+8613912345678") == 1, "mobile with +86");
	ok(phone_ok("0731-84123456") == 1, "landline");
	ok(phone_ok("0731-84123456-123") == 1, "landline with extension");
	ok(phone_ok("010-12345678") == 1, "Beijing landline");
	ok(phone_ok("12345678901") == 0, "mobile starting 12 refused");
	ok(phone_ok("1555656565") == 0, "10 digits refused");
	ok(phone_ok("155565656561") == 0, "12 digits refused");
	ok(phone_ok("1555656565a") == 0, "a letter refused");
	ok(phone_ok("0731--84123456") == 0, "double dash refused");
	ok(phone_ok("073184123456") == 0, "landline without dash refused");
	ok(phone_ok("") == 0, "empty refused");
	ok(strstr(e.msg, "0731-84123456") != NULL,
	    "the message shows an example");

	/* years */
	ceh_err_clear(&e);
	ok(year_parse("--year", "2024", &y, &e) == 0 && y == 2024, "2024");
	ok(year_parse("--year", "2026", &y, &e) == 0 && y == 2026,
	    "the current year");
	ok(year_parse("--year", "2027", &y, &e) < 0 &&
	    strstr(e.msg, "--year 2027") && strstr(e.msg, "2026"),
	    "next year refused");
	ok(year_parse("--year", "1989", &y, &e) < 0, "1989 refused");
	ok(year_parse("--year", "1990", &y, &e) == 0, "1990 accepted");
	ok(year_parse("--year", "24", &y, &e) < 0 &&
	    strstr(e.msg, "four-digit"), "two digits refused");
	ok(year_parse("--year", "2024.0", &y, &e) < 0, "2024.0 refused");
	ok(year_parse("--year", " 2024", &y, &e) < 0, "leading space refused");
	ok(year_parse("--year", "", &y, &e) < 0 && e.code == CEH_EINPUT,
	    "empty refused");

	/* hours, in half hours */
	ok(hours("30", 2000) == 60, "30 -> 60 half hours");
	ok(hours("30.0", 2000) == 60, "30.0");
	ok(hours("30.5", 2000) == 61, "30.5 -> 61");
	ok(hours("0.5", 2000) == 1, "0.5");
	ok(hours("0", 2000) == 0, "0");
	ok(hours("30.25", 2000) == -1, "30.25 refused");
	ok(strstr(e.msg, "half hours") != NULL, "saying half hours");
	ok(hours("30.3", 2000) == -1, "30.3 refused");
	ok(hours("30.50", 2000) == 61, "30.50 accepted as 30.5");
	ok(hours("30.55", 2000) == -1, "30.55 refused");
	ok(hours("-1", 2000) == -1, "negative refused");
	ok(strstr(e.msg, "negative") != NULL, "saying negative");
	ok(hours("-0.5", 2000) == -1, "-0.5 refused");
	ok(hours("1000", 2000) == 2000, "the bound itself accepted");
	ok(hours("1000.5", 2000) == -1, "just over the bound refused");
	ok(strstr(e.msg, "limit of 1000") != NULL, "naming the limit");
	ok(hours("99999999", 2000) == -1, "a huge number refused");
	ok(hours("", 2000) == -1, "empty refused");
	ok(hours("abc", 2000) == -1, "letters refused");
	ok(hours("30.", 2000) == -1, "30. refused");
	ok(strstr(e.msg, "not a number") != NULL, "30. is not a number");
	ok(hours("30.05", 2000) == -1, "30.05 refused");
	ok(strstr(e.msg, "half hours") != NULL, "30.05 is not in half hours");
	ok(hours("30.00", 2000) == 60, "30.00 accepted as 30");
	ok(hours("30.125", 2000) == -1, "30.125 refused");
	ok(strstr(e.msg, "half hours") != NULL, "30.125 is not in half hours");
	ok(hours("30.5000", 2000) == 61, "30.5000 accepted as 30.5");
	ok(hours("30.5x", 2000) == -1 && strstr(e.msg, "not a number"),
	    "30.5x is not a number");
	ok(hours(".5", 2000) == -1, ".5 refused");
	ok(hours("1e2", 2000) == -1, "1e2 refused");
	ok(hours("30 ", 2000) == -1, "trailing space refused");
	ok(hours("0x10", 2000) == -1, "hex refused");
	is_str(hours_fmt(61, buf, sizeof(buf)), "30.5", "format 61");
	is_str(hours_fmt(60, buf, sizeof(buf)), "30", "format 60");
	is_str(hours_fmt(1, buf, sizeof(buf)), "0.5", "format 1");
	is_str(hours_fmt(0, buf, sizeof(buf)), "0", "format 0");

	/* text */
	ceh_err_clear(&e);
	ok(text_check("--name", "张三", 60, 1, 0, &e) == 0, "Chinese text");
	ok(text_check("--name", "", 60, 1, 0, &e) < 0, "empty required");
	ok(text_check("--name", "   ", 60, 1, 0, &e) < 0, "blank required");
	ok(text_check("--remark", "", 60, 0, 0, &e) == 0, "empty optional");
	ok(text_check("--name", "\xd5\xc5\xc8\xfd", 60, 1, 0, &e) < 0 &&
	    strstr(e.msg, "UTF-8"), "GBK bytes refused as not UTF-8");
	ok(text_check("--name", "a\tb", 60, 1, 0, &e) < 0 &&
	    strstr(e.msg, "control"), "tab refused");
	ok(text_check("--name", "a\nb", 60, 1, 0, &e) < 0, "newline refused");
	ok(text_check("--remark", "a\nb", 60, 0, 1, &e) == 0,
	    "newline allowed when multiline");
	ok(text_check("--name", "\xc2\x85", 60, 1, 0, &e) < 0,
	    "C1 control refused");
	ok(text_check("--name", "一二三", 3, 1, 0, &e) == 0,
	    "limit counts characters, not bytes");
	ok(text_check("--name", "一二三四", 3, 1, 0, &e) < 0 &&
	    strstr(e.msg, "too long"), "over the limit refused");
	return done_testing();
}
