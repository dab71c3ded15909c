/*
 * normalize.h - the normalisation of what people type into spreadsheets,
 * the classification of the rows around the data, and UTF-8-safe text
 * for messages.  No I/O, no allocation except where said.
 *
 * norm_value() rewrites a NUL-terminated UTF-8 value in place (every
 * step only shrinks it) and returns the bits of what it changed, so an
 * import summary can count each kind (norm_count) and never change a
 * value silently.  The mode says which steps run, in this order:
 *   NORM_FULLWIDTH  full-width ASCII forms U+FF01..U+FF5E to ASCII and
 *                   U+3000 to a space ("２０２４" -> "2024"); with
 *                   NORM_ALNUM_ONLY only digits and letters, so free text
 *                   keeps Chinese punctuation such as （ ） and ，;
 *   NORM_LINEBREAK  each line break in a cell (Alt+Enter), with the spaces
 *                   around it, folded to one space;
 *   NORM_TRIM       surrounding spaces removed: ASCII space and tab,
 *                   U+3000, U+00A0;
 *   NORM_UNIT       a unit after hours ("12学时", "8.5 小时", "30课时",
 *                   "4h", "4H") removed, only when a plain number remains;
 *   NORM_UPPER_X    the check character x of an 18-character ID to X.
 * Presets: NORM_TEXT (names, subjects, providers), NORM_CODE (years,
 * codes, record numbers, phones), NORM_HOURS, NORM_IDNUM.
 */
#ifndef CEH_NORMALIZE_H
#define CEH_NORMALIZE_H

#include <stddef.h>

struct ceh_err;

enum {
	NORM_FULLWIDTH = 1 << 0,
	NORM_LINEBREAK = 1 << 1,
	NORM_TRIM = 1 << 2,
	NORM_UNIT = 1 << 3,
	NORM_UPPER_X = 1 << 4,
	NORM__BITS = 5,
	NORM_ALNUM_ONLY = 1 << 8	/* mode only, never returned */
};
#define NORM_TEXT (NORM_FULLWIDTH | NORM_ALNUM_ONLY | NORM_LINEBREAK | \
	NORM_TRIM)
#define NORM_CODE (NORM_FULLWIDTH | NORM_LINEBREAK | NORM_TRIM)
#define NORM_HOURS (NORM_CODE | NORM_UNIT)
#define NORM_IDNUM (NORM_CODE | NORM_UPPER_X)

/* Normalise s in place; the bits of what changed (0: nothing). */
unsigned norm_value(char *s, unsigned mode);

/* Counts per bit, for a summary. */
struct norm_counts {
	size_t n[NORM__BITS];
};
void norm_count(struct norm_counts *c, unsigned changed);
/* What bit i means, for a summary line: a format for its count n of
 * values, "%zu values with full-width characters made half-width", ...
 * (translated, singular or plural by n); NULL past the last. */
const char *norm_what(int i, size_t n);
/* The counts of c that are not 0, in the user's language ("3 surrounding
 * spaces removed, 1 hours units removed"), into buf; "" if none. */
char *norm_counts_text(const struct norm_counts *c, char *buf, size_t size);

/*
 * 1 if s is the scientific form a spreadsheet turns a long number into
 * ("4.30104199001015E+017", "4.30104E+17", "4E+17"): its last digits are
 * lost.  norm_rounded_fail fills e (class 1) with the spreadsheet
 * message for field and returns -1.
 */
int norm_is_rounded(const char *s);
int norm_rounded_fail(const char *field, const char *value,
    struct ceh_err *e);

/*
 * The rows around the data.  Cells are compared after full-width forms
 * are made half-width and all spaces removed ("合 计" is 合计):
 *   ROW_BLANK   no cell holds anything but spaces;
 *   ROW_TOTAL   one of the first three non-empty cells is 合计, 小计,
 *               总计, 共计 or 总合计 (a ':' after it allowed), or the first
 *               begins with one followed by punctuation or a digit,
 *               and no cell holds an ID number (15 digits in a row);
 *   ROW_FOOTER  at most four non-empty cells, one beginning with a word
 *               of a form's footer: 制表人, 制表日期, 填表人, 填报人,
 *               审核人, 复核人, 负责人, 经办人, 联系人, 盖章, 签字 ..., or
 *               holding "(盖章)", or a note "注：", "说明：";
 *   ROW_TITLE   one non-empty cell, or a merged banner (merged >= 2);
 *   ROW_DATA    anything else.
 * A title is only a title above the header; the caller decides.
 */
enum row_class { ROW_DATA, ROW_BLANK, ROW_TOTAL, ROW_FOOTER, ROW_TITLE };
enum row_class norm_classify(char *const *cells, size_t n, size_t merged);
const char *row_class_name(enum row_class c);	/* "blank", "total" ... */

/*
 * Header detection.  expected[i] names a column by its alternatives,
 * separated by '|' ("证件号码|身份证号码|身份证号|id_number").  A cell
 * matches after full-width forms, spaces and line breaks are removed, a
 * leading '*' (a required mark) and a trailing note in brackets
 * ("(必填)", a unit as in "学时（小时）") dropped and ASCII
 * case ignored.
 */
/* Index of the expected column cell names, or -1. */
int norm_header_col(const char *cell, const char *const *expected,
    size_t nexp);
/* How many different expected columns the row names. */
size_t norm_header_score(char *const *cells, size_t n,
    const char *const *expected, size_t nexp);
struct norm_row {
	char *const *cell;
	size_t n;
};
/* The first of rows[0..nrows) naming at least need expected columns:
 * 0 and *at.  -1 if none; *at and *score then give the best candidate
 * (for a message such as "row 3 names only 2 of 9 columns"). */
int norm_find_header(const struct norm_row *rows, size_t nrows,
    const char *const *expected, size_t nexp, size_t need, size_t *at,
    size_t *score);

/*
 * UTF-8 for messages.  Both are safe on invalid input (an invalid byte
 * counts as one character).
 * utf8_count: characters in s.
 * utf8_clip: copy at most maxchars characters of s into buf (size > 4),
 * cut only at a character boundary, with control characters and invalid
 * bytes shown as '?', and "…" appended when something was cut; the result
 * is always valid UTF-8.  Returns buf.
 */
size_t utf8_count(const char *s);
char *utf8_clip(char *buf, size_t size, const char *s, size_t maxchars);
/* utf8_repair: in place, each byte that does not begin a valid UTF-8
 * sequence (a stray continuation byte, a sequence cut short by a buffer
 * or a %.Ns format) becomes '?'; the last line of defence before a
 * message reaches a terminal or a --rejects file.  Returns s. */
char *utf8_repair(char *s);

#endif
