#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "i18n.h"
#include "normalize.h"
#include "util.h"
#include "validate.h"

/* in for a message: at most n characters, cut at a character boundary,
 * control characters and invalid bytes as '?', a value holding
 * invisible or direction characters as a whole '?' (one static buffer: one
 * use a message) */
static const char *
shown(const char *in, size_t n)
{
	static char buf[160];

	return utf8_clip(buf, sizeof(buf), safe_echo(in), n);
}

static const int id_weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
    5, 8, 4, 2 };

char
idnum_check_char(const char *first17)
{
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (first17[i] - '0') * id_weights[i];
	return "10X98765432"[sum % 11];
}

static int
real_date(long y, long m, long d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

static int
province_ok(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) ||
	    (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
	    (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
	    p == 81 || p == 82;
}

int
idnum_check(const char *field, const char *in, char out[IDNUM_LEN + 1],
    struct ceh_err *e)
{
	size_t len = strlen(in);
	long y, m, d, birth;
	char want;
	int i;

	if (len == 0)
		return ceh_fail(e, CEH_EINPUT, _("%s is empty"), field);
	if (norm_is_rounded(in) ||
	    (strpbrk(in, "Ee") && strchr(in, '.') && len < 18))
		return ceh_fail(e, CEH_EINPUT, _("%s '%s' looks like a number "
		    "a spreadsheet rounded to scientific notation; the last "
		    "digits are lost: format the column as text and export "
		    "again"), field, shown(in, 40));
	if (len == 15 && strspn(in, "0123456789") == 15)
		return ceh_fail(e, CEH_EINPUT, _("%s '%s' is an old 15-digit "
		    "number; use the 18-character resident ID"), field, in);
	if (len != IDNUM_LEN && utf8_count(in) == IDNUM_LEN)
		return ceh_fail(e, CEH_EINPUT, _("%s '%s' must be 18 half-width "
		    "characters (digits and X)"), field, shown(in, 40));
	if (len != IDNUM_LEN)
		return ceh_fail(e, CEH_EINPUT, _("%s '%s' must be 18 "
		    "characters, not %zu"), field, shown(in, 40),
		    utf8_count(in));
	for (i = 0; i < 17; i++)
		if (!isdigit((unsigned char)in[i]))
			return ceh_fail(e, CEH_EINPUT, _("%s '%s': character "
			    "%d must be a digit"), field,
			    shown(in, 18), i + 1);
	if (!isdigit((unsigned char)in[17]) && in[17] != 'X' &&
	    in[17] != 'x')
		return ceh_fail(e, CEH_EINPUT, _("%s '%s': the last "
		    "character must be a digit or X"), field,
		    shown(in, 18));
	memcpy(out, in, IDNUM_LEN);
	out[IDNUM_LEN] = '\0';
	if (out[17] == 'x')
		out[17] = 'X';
	if (!province_ok((out[0] - '0') * 10 + (out[1] - '0')))
		return ceh_fail(e, CEH_EINPUT, _("%s '%s': '%.2s' is not a "
		    "province code"), field, out, out);
	y = strtol((char[]){ out[6], out[7], out[8], out[9], 0 }, NULL, 10);
	m = (out[10] - '0') * 10 + (out[11] - '0');
	d = (out[12] - '0') * 10 + (out[13] - '0');
	birth = y * 10000 + m * 100 + d;
	if (y < 1800 || !real_date(y, m, d))
		return ceh_fail(e, CEH_EINPUT, _("%s '%s': birth date %.8s is "
		    "not a real date"), field, out, out + 6);
	if (birth > today_ymd())
		return ceh_fail(e, CEH_EINPUT, _("%s '%s': birth date %.8s is "
		    "in the future"), field, out, out + 6);
	want = idnum_check_char(out);
	if (out[17] != want && strcmp(out + 15, "000") == 0)
		return ceh_fail(e, CEH_EINPUT, _("%s '%s' ends in 000 and its "
		    "check digit is wrong: a spreadsheet kept only its first "
		    "15 digits; the last digits are lost: format the column as "
		    "text, enter the numbers again and export again"), field,
		    out);
	if (out[17] != want)
		return ceh_fail(e, CEH_EINPUT, _("%s '%s': check digit is wrong "
		    "(expected %c); please check the number"), field, out,
		    want);
	return 0;
}

const char *
idnum_sex(const char *id)
{
	return ((id[16] - '0') % 2) ? "男" : "女";
}

long
idnum_birth(const char *id)
{
	return strtol((char[]){ id[6], id[7], id[8], id[9], id[10], id[11],
	    id[12], id[13], 0 }, NULL, 10);
}

static const char credit_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int credit_weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29,
    25, 13, 8, 24, 10, 30, 28 };

static int
credit_value(char c)
{
	const char *p = c ? strchr(credit_chars, c) : NULL;

	return p ? (int)(p - credit_chars) : -1;
}

char
credit_check_char(const char *first17)
{
	int i, sum = 0, c;

	for (i = 0; i < 17; i++)
		sum += credit_value(first17[i]) * credit_weights[i];
	c = 31 - sum % 31;
	return credit_chars[c == 31 ? 0 : c];
}

int
credit_check(const char *field, const char *in, char out[CREDIT_LEN + 1],
    struct ceh_err *e)
{
	size_t len = strlen(in);
	char want;
	int i;

	if (len != CREDIT_LEN)
		return ceh_fail(e, CEH_EINPUT, _("%s '%s' must be an "
		    "18-character unified social credit code, not %zu "
		    "characters"), field, shown(in, 40),
		    utf8_count(in));
	for (i = 0; i < CREDIT_LEN; i++) {
		out[i] = (char)toupper((unsigned char)in[i]);
		if (credit_value(out[i]) < 0)
			return ceh_fail(e, CEH_EINPUT, _("%s '%s': character "
			    "%d '%c' is not allowed (0-9 and A-Z without I, "
			    "O, S, V, Z)"), field, shown(in, 18),
			    i + 1, isprint((unsigned char)in[i]) ? in[i] :
			    '?');
	}
	out[CREDIT_LEN] = '\0';
	want = credit_check_char(out);
	if (out[17] != want)
		return ceh_fail(e, CEH_EINPUT, _("%s '%s': check character is "
		    "wrong (expected %c)"), field, out, want);
	return 0;
}

int
phone_check(const char *field, const char *in, struct ceh_err *e)
{
	const char *p = in;
	size_t digits = 0, len;

	if (strncmp(p, "+86", 3) == 0)
		p += 3;
	len = strlen(p);
	if (len == 11 && strspn(p, "0123456789") == 11 && p[0] == '1' &&
	    p[1] >= '3' && p[1] <= '9')
		return 0;
	if (p[0] == '0' && len <= 20 && strspn(p, "0123456789-") == len &&
	    strchr(p, '-') != NULL && p[len - 1] != '-' &&
	    strstr(p, "--") == NULL) {
		for (const char *q = p; *q; q++)
			digits += *q != '-';
		if (digits >= 10 && digits <= 16)
			return 0;
	}
	return ceh_fail(e, CEH_EINPUT, _("%s '%s' is not a phone number: "
	    "give 11 mobile digits (e.g. 15556565656) or a landline with its "
	    "area code (e.g. 0731-84123456)"), field,
	    shown(in, 40));
}

int
year_check(const char *field, long y, struct ceh_err *e)
{
	int cur = current_year();

	if (y < 1990 || y > cur)
		return ceh_fail(e, CEH_EINPUT, _("%s %ld is out of range "
		    "(1990 to %d)"), field, y, cur);
	return 0;
}

int
year_parse(const char *field, const char *in, int *out, struct ceh_err *e)
{
	long y;

	if (strlen(in) != 4 || strspn(in, "0123456789") != 4 ||
	    parse_long(in, &y) < 0)
		return ceh_fail(e, CEH_EINPUT, _("%s '%s' must be a "
		    "four-digit year"), field, shown(in, 20));
	if (year_check(field, y, e) < 0)
		return -1;
	*out = (int)y;
	return 0;
}

int
hours_parse(const char *field, const char *in, long max_half, long *out,
    struct ceh_err *e)
{
	const char *p = in;
	long whole = 0, half;
	int ndig = 0;

	if (*p == '-')
		return ceh_fail(e, CEH_EINPUT, _("%s '%s' must not be "
		    "negative"), field, shown(in, 20));
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++ndig > 6)
			goto bad;
		whole = whole * 10 + (*p - '0');
	}
	if (ndig == 0)
		goto bad;
	half = whole * 2;
	if (*p == '.') {
		/* .0 or .5, then zeros only: "30.50" as a sheet saves it */
		const char *frac = ++p;
		size_t nfrac = strspn(frac, "0123456789");

		p += nfrac;
		if (nfrac == 0 || *p != '\0')
			goto bad;	/* "30.", "30.5h" */
		if ((frac[0] != '0' && frac[0] != '5') ||
		    strspn(frac + 1, "0") != nfrac - 1)
			return ceh_fail(e, CEH_EINPUT, _("%s '%s' must be in "
			    "half hours (like 30 or 30.5)"), field,
			    shown(in, 20));
		if (frac[0] == '5')
			half += 1;
	}
	if (*p != '\0')
		goto bad;
	if (half > max_half)
		return ceh_fail(e, CEH_EINPUT, _("%s %s is more than the limit "
		    "of %ld hours"), field, in, max_half / 2);
	*out = half;
	return 0;
bad:
	return ceh_fail(e, CEH_EINPUT, _("%s '%s' is not a number of hours "
	    "(like 30 or 30.5)"), field, shown(in, 20));
}

char *
hours_fmt(long half, char *buf, size_t size)
{
	if (half % 2)
		snprintf(buf, size, "%ld.5", half / 2);
	else
		snprintf(buf, size, "%ld", half / 2);
	return buf;
}

/* Is s printable ASCII only (valid UTF-8 without a control character,
 * one character a byte)?  *len: its length. */
static int
printable_ascii(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	*len = (size_t)(p - (const unsigned char *)s);
	return 1;
}

int
text_check(const char *field, const char *in, size_t maxchars, int required,
    int multiline, struct ceh_err *e)
{
	const char *p;
	size_t n;

	if (printable_ascii(in, &n)) {	/* the checks below, in one pass */
		for (p = in; *p == ' '; p++)
			;
		if (required && *p == '\0')
			return ceh_fail(e, CEH_EINPUT, _("%s must not be empty"),
			    field);
		if (n > maxchars)
			return ceh_fail(e, CEH_EINPUT, _("%s is too long (%zu "
			    "characters, limit %zu)"), field, n, maxchars);
		return 0;
	}
	if (!utf8_valid(in, strlen(in)))
		return ceh_fail(e, CEH_EINPUT, _("%s is not valid UTF-8 (convert "
		    "it from GBK first?)"), field);
	for (p = in; *p == ' '; p++)
		;
	if (required && *p == '\0')
		return ceh_fail(e, CEH_EINPUT, _("%s must not be empty"), field);
	for (p = in; *p; p++)
		if (((unsigned char)*p < 0x20 && !(multiline && *p == '\n')) ||
		    *p == 0x7f)
			return ceh_fail(e, CEH_EINPUT, _("%s contains a control "
			    "character"), field);
	if (has_control(in) && !multiline)
		return ceh_fail(e, CEH_EINPUT, _("%s contains a control "
		    "character"), field);
	n = utf8_chars(in);
	if (n > maxchars)
		return ceh_fail(e, CEH_EINPUT, _("%s is too long (%zu "
		    "characters, limit %zu)"), field, n, maxchars);
	return 0;
}

int
name_check(const char *field, const char *in, size_t maxchars,
    struct ceh_err *e)
{
	unsigned c;

	if (text_check(field, in, maxchars, 1, 0, e) < 0)
		return -1;
	if ((c = has_invisible(in)) != 0)
		return ceh_fail(e, CEH_EINPUT, _("%s contains an invisible "
		    "direction or format character (U+%04X)"), field, c);
	return 0;
}
