/* normalize.c - what people type, the rows around the data, and UTF-8
 * for messages (see normalize.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "i18n.h"
#include "normalize.h"

/* ---- one value ---- */

static int
alnum_ascii(unsigned c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/* Full-width forms to ASCII; 1 if any changed. */
static int
fold_fullwidth(char *s, int alnum_only)
{
	unsigned char *r = (unsigned char *)s, *w = r;
	int changed = 0;

	while (*r) {
		unsigned c = 0;

		if (r[0] == 0xef && (r[1] == 0xbc || r[1] == 0xbd) &&
		    r[2] >= 0x80 && r[2] <= 0xbf) {
			unsigned cp = 0xff00 + (r[1] == 0xbd ? 0x40 : 0) +
			    (r[2] & 0x3f);

			if (cp >= 0xff01 && cp <= 0xff5e)
				c = cp - 0xff01 + 0x21;
		} else if (r[0] == 0xe3 && r[1] == 0x80 && r[2] == 0x80 &&
		    !alnum_only) {
			c = ' ';
		}
		if (c && (!alnum_only || alnum_ascii(c))) {
			*w++ = (unsigned char)c;
			r += 3;
			changed = 1;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return changed;
}

static int
is_blank(const unsigned char *p, size_t *len)
{
	if (*p == ' ' || *p == '\t')
		return (int)(*len = 1);
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return (int)(*len = 3);
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return (int)(*len = 2);
	return 0;
}

/* Line breaks, with the spaces and tabs around them, to one space. */
static int
fold_breaks(char *s)
{
	char *r = s, *w = s;
	int changed = 0;

	while (*r) {
		if (*r != '\r' && *r != '\n') {
			*w++ = *r++;
			continue;
		}
		while (w > s && (w[-1] == ' ' || w[-1] == '\t'))
			w--;
		while (*r == '\r' || *r == '\n' || *r == ' ' || *r == '\t')
			r++;
		*w++ = ' ';
		changed = 1;
	}
	*w = '\0';
	return changed;
}

static int
trim(char *s)
{
	size_t n = strlen(s), k, start = 0, end = n;

	while (start < n && is_blank((unsigned char *)s + start, &k))
		start += k;
	while (end > start) {
		/* the blank that ends at end, if any */
		if (end >= 1 && is_blank((unsigned char *)s + end - 1, &k) &&
		    k == 1)
			end--;
		else if (end >= 2 && is_blank((unsigned char *)s + end - 2,
		    &k) && k == 2)
			end -= 2;
		else if (end >= 3 && is_blank((unsigned char *)s + end - 3,
		    &k) && k == 3)
			end -= 3;
		else
			break;
	}
	if (start == 0 && end == n)
		return 0;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return 1;
}

/* "12学时" -> "12": only when a plain number is left. */
static int
strip_unit(char *s)
{
	static const char *const units[] = { "学时", "小时", "课时", "h",
	    "H", NULL };
	size_t n = strlen(s), u, m;
	int i;

	for (i = 0; units[i]; i++) {
		u = strlen(units[i]);
		if (n <= u || strcmp(s + n - u, units[i]) != 0)
			continue;
		for (m = n - u; m > 0 && s[m - 1] == ' '; m--)
			;
		if (m == 0 || strspn(s, "0123456789.") != m ||
		    !isdigit((unsigned char)s[0]))
			return 0;
		s[m] = '\0';
		return 1;
	}
	return 0;
}

static int
upper_x(char *s)
{
	if (strlen(s) != 18 || strspn(s, "0123456789") != 17 || s[17] != 'x')
		return 0;
	s[17] = 'X';
	return 1;
}

/*
 * 1 when no step of norm_value can change s: no byte that begins a
 * full-width form or U+3000 (0xef, 0xe3), no line break, no blank at
 * either end (a first byte ' ', '\t', 0xc2 or 0xe3; a last byte ' ',
 * '\t', 0xa0 or 0x80), no unit at the end (时 ends in 0xb6, or h/H), no
 * x at the end.  One pass for the usual value; the steps run otherwise.
 */
static int
unchanged(const char *str)
{
	/* stop[c]: the end, or a byte some step may change */
	static const unsigned char stop[256] = {
		[0] = 1, ['\r'] = 1, ['\n'] = 1, [0xe3] = 1, [0xef] = 1,
	};
	const unsigned char *s = (const unsigned char *)str, *p;

	switch (s[0]) {
	case ' ': case '\t': case 0xc2:
		return 0;
	}

	for (p = s; !stop[*p]; p++)
		;
	if (*p)
		return 0;
	if (p == s)
		return 1;
	switch (p[-1]) {
	case ' ': case '\t': case 0xa0: case 0x80: case 0xb6: case 'h':
	case 'H': case 'x':
		return 0;
	}
	return 1;
}

unsigned
norm_value(char *s, unsigned mode)
{
	unsigned changed = 0;

	if (unchanged(s))
		return 0;
	if ((mode & NORM_FULLWIDTH) &&
	    fold_fullwidth(s, (mode & NORM_ALNUM_ONLY) != 0))
		changed |= NORM_FULLWIDTH;
	if ((mode & NORM_LINEBREAK) && fold_breaks(s))
		changed |= NORM_LINEBREAK;
	if ((mode & NORM_TRIM) && trim(s))
		changed |= NORM_TRIM;
	if ((mode & NORM_UNIT) && strip_unit(s))
		changed |= NORM_UNIT;
	if ((mode & NORM_UPPER_X) && upper_x(s))
		changed |= NORM_UPPER_X;
	return changed;
}

void
norm_count(struct norm_counts *c, unsigned changed)
{
	int i;

	for (i = 0; i < NORM__BITS; i++)
		if (changed & (1u << i))
			c->n[i]++;
}

/* Each counts values (cells), not characters. */
const char *
norm_what(int i, size_t n)
{
	switch (i) {
	case 0:
		return Q_("%zu value with full-width characters made half-width",
		    "%zu values with full-width characters made half-width", n);
	case 1:
		return Q_("%zu cell with line breaks folded to one line",
		    "%zu cells with line breaks folded to one line", n);
	case 2:
		return Q_("%zu value trimmed of surrounding spaces",
		    "%zu values trimmed of surrounding spaces", n);
	case 3:
		return Q_("%zu hours value without its unit",
		    "%zu hours values without their unit", n);
	case 4:
		return Q_("%zu lower-case x in an ID number made upper-case",
		    "%zu lower-case x in ID numbers made upper-case", n);
	default:
		return NULL;
	}
}

char *
norm_counts_text(const struct norm_counts *c, char *buf, size_t size)
{
	size_t len = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < NORM__BITS && len < size; k++) {
		if (c->n[k] == 0)
			continue;
		if (len)
			/* TRANSLATORS: between the items of a list of counts */
			len += (size_t)snprintf(buf + len, size - len, "%s",
			    _(", "));
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len,
			    norm_what(k, c->n[k]), c->n[k]);
	}
	return buf;
}

/* ---- spreadsheet-rounded numbers ---- */

int
norm_is_rounded(const char *s)
{
	const char *p = s;

	if (!isdigit((unsigned char)*p++))
		return 0;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p != 'E' && *p != 'e')
		return 0;
	if (*++p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

int
norm_rounded_fail(const char *field, const char *value, struct ceh_err *e)
{
	char v[64];

	return ceh_fail(e, CEH_EINPUT, _("%s '%s' looks like a number a "
	    "spreadsheet rounded to scientific notation; the last digits are "
	    "lost: format the column as text, enter the numbers again and "
	    "export again"), field, utf8_clip(v, sizeof(v), value, 30));
}

/* ---- rows ---- */

/* A comparison key: full-width forms folded, every space and line break
 * removed. */
static void
key_of(const char *cell, char *buf, size_t size)
{
	char *r, *w;
	size_t k;

	snprintf(buf, size, "%s", cell);
	fold_fullwidth(buf, 0);
	for (r = w = buf; *r;) {
		if (*r == '\r' || *r == '\n')
			r++;
		else if (is_blank((unsigned char *)r, &k))
			r += k;
		else
			*w++ = *r++;
	}
	*w = '\0';
}

static int
starts(const char *s, const char *word)
{
	return strncmp(s, word, strlen(word)) == 0;
}

/* key is a total word, maybe with ':' after it (exact = 1), or begins
 * with one followed by punctuation or a digit. */
static int
total_word(const char *key, int exact)
{
	static const char *const words[] = { "总合计", "合计", "小计", "总计",
	    "共计", NULL };
	int i;

	for (i = 0; words[i]; i++) {
		const char *rest = key + strlen(words[i]);

		if (!starts(key, words[i]))
			continue;
		if (*rest == '\0' || strcmp(rest, ":") == 0)
			return 1;
		if (!exact && (ispunct((unsigned char)*rest) ||
		    isdigit((unsigned char)*rest) || starts(rest, "：") ||
		    starts(rest, "（")))
			return 1;
	}
	return 0;
}

static int
footer_word(const char *key)
{
	static const char *const words[] = { "制表人", "制表日期", "制表单位",
	    "制表:", "制表：", "填表人", "填表日期", "填报人", "填报日期",
	    "填报单位", "审核人", "审核日期", "复核人", "负责人", "单位负责人",
	    "经办人", "联系人", "盖章", "(盖章)", "（盖章）", "单位盖章", "签字",
	    "签名", "注:", "注：", "说明:", "说明：", "备注:", "备注：", NULL };
	int i;

	for (i = 0; words[i]; i++)
		if (starts(key, words[i]))
			return 1;
	return strstr(key, "(盖章)") != NULL;
}

/* 15 digits in a row: an ID number (or what a spreadsheet left of one). */
static int
id_like(const char *key)
{
	size_t run = 0;

	for (; *key; key++)
		if (isdigit((unsigned char)*key)) {
			if (++run >= 15)
				return 1;
		} else {
			run = 0;
		}
	return norm_is_rounded(key);
}

/*
 * The common case of a data row without the comparison keys: at least
 * five cells surely non-empty (a first byte that no key_of removes) and
 * a run of 15 ASCII digits within the first 255 bytes of one (what
 * key_of keeps of a cell; removing spaces never breaks such a run).
 * Then the row holds an ID (no total), has more than four cells (no
 * footer) and more than one (no title): ROW_DATA whatever the rest.
 * 0 when it cannot tell; the full classification decides then.
 */
static int
surely_data(char *const *cells, size_t n)
{
	size_t i, filled = 0, run;
	int id = 0;
	const unsigned char *p;

	for (i = 0; i < n; i++) {
		p = (const unsigned char *)(cells[i] ? cells[i] : "");
		switch (*p) {
		case '\0': case ' ': case '\t': case '\r': case '\n':
		case 0xc2: case 0xe3: case 0xef:
			continue;
		}
		filled++;
		if (id)
			continue;
		for (run = 0; *p && p - (const unsigned char *)cells[i] < 255;
		    p++)
			if (*p >= '0' && *p <= '9') {
				if (++run >= 15) {
					id = 1;
					break;
				}
			} else
				run = 0;
	}
	return id && filled >= 5;
}

enum row_class
norm_classify(char *const *cells, size_t n, size_t merged)
{
	char key[256];
	size_t i, filled = 0;
	int total = 0, footer = 0, id = 0;

	if (merged < 2 && surely_data(cells, n))
		return ROW_DATA;
	for (i = 0; i < n; i++) {
		key_of(cells[i] ? cells[i] : "", key, sizeof(key));
		if (key[0] == '\0')
			continue;
		/* every total and footer word begins with a Chinese character
		 * or holds '(' (a cheap test first: this runs for every row); a
		 * footer has at most four cells, so its word is in one of
		 * the first four */
		if (filled < 3 && (unsigned char)key[0] >= 0x80 &&
		    total_word(key, filled > 0))
			total = 1;
		if (filled < 4 && ((unsigned char)key[0] >= 0x80 ||
		    strchr(key, '(')) && footer_word(key))
			footer = 1;
		if (!id && id_like(key))
			id = 1;
		filled++;
	}
	if (filled == 0)
		return ROW_BLANK;
	if (total && !id)
		return ROW_TOTAL;
	if (footer && filled <= 4)
		return ROW_FOOTER;
	if (filled == 1 || merged >= 2)
		return ROW_TITLE;
	return ROW_DATA;
}

const char *
row_class_name(enum row_class c)
{
	static const char *const names[] = { "data", "blank", "total",
	    "footer", "title" };

	return (unsigned)c < 5 ? names[c] : "?";
}

/* ---- the header ---- */

/* A header key: key_of, then a leading '*' and a trailing note in
 * brackets dropped ("(必填)", a unit: "学时（小时）", "学时(h)"), ASCII
 * lower case. */
static void
header_key(const char *cell, char *buf, size_t size)
{
	size_t n;
	char *p;

	key_of(cell, buf, size);
	while (buf[0] == '*')
		memmove(buf, buf + 1, strlen(buf));
	n = strlen(buf);
	if (n > 2 && buf[n - 1] == ')' && (p = strrchr(buf, '(')) != NULL &&
	    p > buf)
		*p = '\0';
	for (p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

static int
names_match(const char *key, const char *alts)
{
	char alt[128], k2[128];

	while (*alts) {
		size_t n = strcspn(alts, "|");

		snprintf(alt, sizeof(alt), "%.*s", (int)n, alts);
		header_key(alt, k2, sizeof(k2));
		if (k2[0] && strcmp(key, k2) == 0)
			return 1;
		alts += n + (alts[n] == '|');
	}
	return 0;
}

int
norm_header_col(const char *cell, const char *const *expected, size_t nexp)
{
	char key[256];
	size_t i;

	header_key(cell, key, sizeof(key));
	if (key[0] == '\0')
		return -1;
	for (i = 0; i < nexp; i++)
		if (names_match(key, expected[i]))
			return (int)i;
	return -1;
}

size_t
norm_header_score(char *const *cells, size_t n, const char *const *expected,
    size_t nexp)
{
	unsigned char seen[64] = { 0 };
	size_t i, score = 0;

	for (i = 0; i < n; i++) {
		int c = norm_header_col(cells[i] ? cells[i] : "", expected,
		    nexp < 64 ? nexp : 64);

		if (c >= 0 && !seen[c]) {
			seen[c] = 1;
			score++;
		}
	}
	return score;
}

int
norm_find_header(const struct norm_row *rows, size_t nrows,
    const char *const *expected, size_t nexp, size_t need, size_t *at,
    size_t *score)
{
	size_t i, best = 0, bests = 0;

	for (i = 0; i < nrows; i++) {
		size_t s = norm_header_score(rows[i].cell, rows[i].n,
		    expected, nexp);

		if (s >= need && s > 0) {
			*at = i;
			*score = s;
			return 0;
		}
		if (s > bests) {
			bests = s;
			best = i;
		}
	}
	*at = best;
	*score = bests;
	return -1;
}

/* ---- UTF-8 for messages ---- */

/* Length of the valid sequence at s, 0 if the byte starts none. */
static size_t
seq_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n, i;

	if (c < 0x80)
		return c ? 1 : 0;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;	/* overlong, surrogate, beyond U+10FFFF */
	return n;
}

size_t
utf8_count(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 0, k;

	while (*s) {
		k = seq_len(s);
		s += k ? k : 1;
		n++;
	}
	return n;
}

char *
utf8_clip(char *buf, size_t size, const char *str, size_t maxchars)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0, chars = 0;

	while (*s && chars < maxchars) {
		size_t k = seq_len(s);
		int bad = k == 0 || (k == 1 && (*s < 0x20 || *s == 0x7f)) ||
		    (k == 2 && s[0] == 0xc2 && s[1] < 0xa0);

		if (w + (bad ? 1 : k) + 4 > size)	/* room for "…" */
			break;
		if (bad)
			buf[w++] = '?';
		else
			memcpy(buf + w, s, k), w += k;
		s += bad && k ? k : bad ? 1 : k;
		chars++;
	}
	if (*s && size >= 4) {
		memcpy(buf + w, "\xe2\x80\xa6", 3);	/* … */
		w += 3;
	}
	buf[w] = '\0';
	return buf;
}

char *
utf8_repair(char *str)
{
	unsigned char *s = (unsigned char *)str;
	size_t k;

	while (*s) {
		k = seq_len(s);
		if (k == 0)
			*s++ = '?';
		else
			s += k;
	}
	return str;
}
