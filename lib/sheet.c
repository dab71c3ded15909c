/* sheet.c - one sheet of a workbook, row by row (see sheet.h): the format
 * dispatch and the text of numbers and dates, shared by both readers. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "err.h"
#include "i18n.h"
#include "sheet.h"
#include "sheetpipe.h"
#include "xalloc.h"
#include "xls.h"
#include "xlsx.h"

struct sheet {
	struct xlsx *x;		/* one of the two */
	struct xls *b;
	struct sheetpipe *pipe;	/* reading x ahead, or NULL */
	long nread;		/* rows read from x in this thread */
};

/* The rows of an .xlsx sheet read in the caller's thread before a reader
 * thread takes over (sheetpipe.h): a header scan or a short sheet makes
 * no thread. */
#define PIPE_AFTER 1000

static const unsigned char ole2[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1,
    0x1a, 0xe1 };

/* Read the first bytes; 'z' zip, 'o' OLE2, 'h' HTML or XML (a web page
 * or an XML spreadsheet saved as .xls), 0 anything else, -1 error. */
static int
magic(const char *path, struct ceh_err *e)
{
	unsigned char b[512];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), i;

	if (fd < 0) {
		if (errno == ENOENT)
			return ceh_fail(e, CEH_ENOTFOUND, _("no such file "
			    "'%s'"), path);
		return ceh_fail_errno(e, _("cannot open '%s'"), path);
	}
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n < 0)
		return ceh_fail_errno(e, _("cannot read '%s'"), path);
	if (n >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] < 9 && b[3] < 9)
		return 'z';
	if (n >= 8 && memcmp(b, ole2, 8) == 0)
		return 'o';
	for (i = 0; i < n && (isspace(b[i]) || b[i] >= 0x80); i++)
		;	/* a BOM, blank lines */
	if (i < n && b[i] == '<')
		return 'h';
	return 0;
}

int
sheet_sniff(const char *path, struct ceh_err *e)
{
	int m = magic(path, e);

	return m < 0 ? -1 : m == 'z' || m == 'o';
}

int
sheet_open(const char *path, const char *name, unsigned flags,
    struct sheet **out, struct ceh_err *e)
{
	struct sheet *s;
	int m = magic(path, e), rc;

	*out = NULL;
	if (m < 0)
		return -1;
	if (m == 'h')
		return ceh_fail(e, CEH_EINPUT, _("'%s' is a web page or an XML "
		    "spreadsheet, not an Excel workbook: open it in Excel or "
		    "WPS and save it as Excel workbook (.xlsx)"), path);
	if (m == 0)
		return ceh_fail(e, CEH_EINPUT, _("'%s' is not an Excel "
		    "workbook (.xlsx or .xls)"), path);
	s = xcalloc(1, sizeof(*s));
	rc = m == 'z' ? xlsx_open(path, name, flags, &s->x, e) :
	    xls_open(path, name, flags, &s->b, e);
	if (rc < 0) {
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int
sheet_next(struct sheet *s, struct sheet_row *row, struct ceh_err *e)
{
	int rc;

	if (s->b)
		return xls_next(s->b, row, e);
	if (s->pipe == NULL && s->nread == PIPE_AFTER && sheetpipe_wanted())
		s->pipe = sheetpipe_start(s->x);	/* NULL: go on here */
	if (s->pipe)
		return sheetpipe_next(s->pipe, row, e);
	rc = xlsx_next(s->x, row, e);
	if (rc == 1 && s->nread < PIPE_AFTER)
		s->nread++;
	return rc;
}

void
sheet_close(struct sheet *s)
{
	if (s == NULL)
		return;
	sheetpipe_close(s->pipe);	/* gives x back */
	xlsx_close(s->x);
	xls_close(s->b);
	free(s);
}

const char *
sheet_name(const struct sheet *s)
{
	return s->x ? xlsx_sheet(s->x) : xls_sheet(s->b);
}

const char *const *
sheet_names(const struct sheet *s, size_t *n)
{
	return s->x ? xlsx_sheets(s->x, n) : xls_sheets(s->b, n);
}

const char *
sheet_format(const struct sheet *s)
{
	return s->x ? "xlsx" : "xls";
}

/* ---- numbers ---- */

/* A decimal literal split up: value = sign * digits * 10^exp, digits
 * without leading or trailing zeros ("" for zero). */
struct dec {
	int neg, plain;		/* plain: only digits were written */
	char digits[48];
	long exp;
};

static int
dec_parse(const char *s, struct dec *d)
{
	size_t n = 0, lead;
	long fracdigits = 0, ex = 0;
	int seen = 0, point = 0, hasexp = 0;
	char *end;

	memset(d, 0, sizeof(*d));
	d->neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	for (; isdigit((unsigned char)*s) || (*s == '.' && !point); s++) {
		if (*s == '.') {
			point = 1;
			continue;
		}
		seen = 1;
		if (n == 0 && *s == '0') {
			fracdigits += point;
			continue;
		}
		if (n + 1 >= sizeof(d->digits))
			return -1;	/* more digits than any cell holds */
		d->digits[n++] = *s;
		fracdigits += point;
	}
	if (!seen)
		return -1;
	if (*s == 'e' || *s == 'E') {
		hasexp = 1;
		errno = 0;
		ex = strtol(s + 1, &end, 10);
		if (end == s + 1 || errno || ex > 400 || ex < -400)
			return -1;
		s = end;
	}
	if (*s != '\0')
		return -1;
	d->plain = !point && !hasexp;
	for (lead = n; lead > 0 && d->digits[lead - 1] == '0'; lead--)
		ex++;
	d->digits[lead] = '\0';
	d->exp = ex - fracdigits;
	return 0;
}

/* The integer d denotes, written out (d->exp >= 0, at most 40 digits). */
static void
dec_int(const struct dec *d, char *buf, size_t size)
{
	if (d->digits[0] == '\0') {
		snprintf(buf, size, "0");
		return;
	}
	snprintf(buf, size, "%s%s%0*d", d->neg ? "-" : "", d->digits,
	    (int)d->exp, 0);
	if (d->exp == 0)	/* "%0*d" of 0 with width 0 wrote "0" */
		buf[strlen(buf) - 1] = '\0';
}

/* 1 if a program holding v as a double could have written the integer
 * text want: %.0f, or v to 15, 16 or 17 significant digits. */
static int
double_could_write(double v, const char *want)
{
	char buf[400];
	struct dec d;
	int prec;

	snprintf(buf, sizeof(buf), "%.0f", v);
	if (strcmp(buf, want) == 0)
		return 1;
	for (prec = 14; prec <= 16; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, v);
		if (dec_parse(buf, &d) == 0 && d.exp >= 0) {
			dec_int(&d, buf, sizeof(buf));
			if (strcmp(buf, want) == 0)
				return 1;
		}
	}
	return 0;
}

/* Excel's scientific form: "4.30104199001015E+17". */
static void
sci_text(double v, char *buf, size_t size)
{
	char m[40], *e, *z;

	snprintf(m, sizeof(m), "%.14E", v);
	e = strchr(m, 'E');
	if (e == NULL) {
		snprintf(buf, size, "%s", m);
		return;
	}
	for (z = e; z > m && z[-1] == '0'; z--)
		;
	if (z > m && z[-1] == '.')
		z--;
	snprintf(buf, size, "%.*s%s", (int)(z - m), m, e);
}

int
sheet_number_text(const char *lit, char *buf, size_t size)
{
	struct dec d;
	double v;
	char *end;
	size_t n;

	n = strspn(lit, "0123456789");
	if (lit[n] == '\0' && n > 0 && n <= 15 && (lit[0] != '0' || n == 1) &&
	    n < size) {		/* the common case: a short integer */
		memcpy(buf, lit, n + 1);
		return SC_NUMBER;
	}
	if (dec_parse(lit, &d) < 0)
		return -1;
	errno = 0;
	v = strtod(lit, &end);
	if (*end != '\0' || !isfinite(v))
		return -1;
	if (d.exp < 0) {	/* a fraction */
		snprintf(buf, size, "%.15g", v);
		return SC_NUMBER;
	}
	if ((long)strlen(d.digits) + d.exp <= 15) {
		dec_int(&d, buf, size);
		return SC_NUMBER;
	}
	if (d.plain && (long)strlen(d.digits) + d.exp <= 40) {
		dec_int(&d, buf, size);
		if (!double_could_write(v, buf + d.neg))
			return SC_NUMBER;
	}
	sci_text(v, buf, size);
	return SC_NUMBER | SC_LOSSY;
}

int
sheet_double_text(double v, char *buf, size_t size)
{
	char lit[64];

	if (!isfinite(v))
		return -1;
	/* a double's digits past the 15th are never the ones typed */
	snprintf(lit, sizeof(lit), "%.17e", v);
	return sheet_number_text(lit, buf, size);
}

/* ---- dates ---- */

/* Civil date of a day count from 1970-01-01 (H. Hinnant's algorithm). */
static void
civil(long z, long *y, int *m, int *d)
{
	long era, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	yoe = z - era * 146097;
	yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
	doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
sheet_date_text(double serial, int date1904, char *buf, size_t size)
{
	long days, secs, y;
	double frac;
	int m, d;

	if (!isfinite(serial) || serial < 0 || serial > 2958466)
		return -1;
	/* floor and lround without libm (serial >= 0, so truncation is
	 * floor; x - (long)x is exact below 2^52, so the rounding is
	 * lround's, half away from zero) */
	days = (long)serial;
	frac = (serial - (double)days) * 86400.0;
	secs = (long)frac;
	if (frac - (double)secs >= 0.5)
		secs++;
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	if (!date1904 && days == 60)
		return -1;	/* 1900-02-29: Lotus's leap day, never real */
	if (days == 0 && !date1904) {
		snprintf(buf, size, "%02ld:%02ld:%02ld", secs / 3600,
		    secs / 60 % 60, secs % 60);
		return 0;
	}
	/* 1900 system: day 1 is 1900-01-01, and days after the fake
	 * 1900-02-29 are one too many; 1904 system: day 0 is 1904-01-01 */
	if (date1904)
		days += 1462;
	else
		days += days < 60 ? 1 : 0;
	civil(days - 25569, &y, &m, &d);
	if (y > 9999)
		return -1;
	if (secs == 0)
		snprintf(buf, size, "%04ld-%02d-%02d", y, m, d);
	else
		snprintf(buf, size, "%04ld-%02d-%02d %02ld:%02ld:%02ld", y, m,
		    d, secs / 3600, secs / 60 % 60, secs % 60);
	return 0;
}

/* Built-in formats that show dates or times: 14-22 and 45-47, and in
 * Chinese, Japanese and Korean Excel 27-36 and 50-58. */
static int
builtin_date(int id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
	    (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

int
sheet_format_zero_pad(const char *code)
{
	size_t n = strspn(code, "0");

	if (n < 2 || n > 40 || (code[n] != '\0' && code[n] != ';'))
		return 0;
	return (int)n;
}

void
sheet_zero_pad(char *buf, size_t size, int width)
{
	size_t n = strlen(buf);

	if (width <= 0 || n == 0 || n >= (size_t)width ||
	    (size_t)width >= size || strspn(buf, "0123456789") != n)
		return;
	memmove(buf + (size_t)width - n, buf, n + 1);
	memset(buf, '0', (size_t)width - n);
}

int
sheet_format_is_date(int id, const char *code)
{
	const char *s;

	if (code == NULL || *code == '\0')
		return builtin_date(id);
	/* letters outside quotes, escapes and [colour] brackets; [h] [mm]
	 * [ss] (elapsed time) count */
	for (s = code; *s; s++) {
		char c = (char)(*s | 0x20);

		if (*s == '"') {
			s = strchr(s + 1, '"');
			if (s == NULL)
				return 0;
		} else if (*s == '\\' || *s == '_' || *s == '*') {
			if (*++s == '\0')
				return 0;
		} else if (*s == '[') {
			c = (char)(s[1] | 0x20);
			if (c == 'h' || c == 'm' || c == 's')
				return 1;
			s = strchr(s, ']');
			if (s == NULL)
				return 0;
		} else if (*s == ';') {
			return 0;	/* only the first section counts */
		} else if (strncasecmp(s, "general", 7) == 0) {
			s += 6;
		} else if (c == 'y' || c == 'm' || c == 'd' || c == 'h' ||
		    c == 's') {
			return 1;
		}
	}
	return 0;
}
