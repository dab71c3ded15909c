/*
 * validate.h - checks of single values that come from outside: resident
 * ID numbers (GB 11643-1999), unified social credit codes (GB 32100-2015),
 * phone numbers, years, hours and free text.  Each fills e (class 1) with
 * a message naming the field and what is wrong, and returns -1.
 */
#ifndef CEH_VALIDATE_H
#define CEH_VALIDATE_H

#include <stddef.h>

struct ceh_err;

#define IDNUM_LEN 18
#define CREDIT_LEN 18

/*
 * 证件号码: 18 characters, MOD 11-2 check character, a real birth date
 * not in the future, a real province prefix.  Lower-case x is accepted;
 * out gets the canonical upper-case form (19 bytes with NUL).  A number
 * that a spreadsheet turned into 4.30102E+17 gets a message saying so.
 */
int idnum_check(const char *field, const char *in, char out[IDNUM_LEN + 1],
    struct ceh_err *e);
/* The check character for the first 17 digits. */
char idnum_check_char(const char *first17);
/* "男" or "女" from the sequence digit of a canonical number. */
const char *idnum_sex(const char *id);
/* Birth date as YYYYMMDD from a canonical number. */
long idnum_birth(const char *id);

/* 统一社会信用代码: 18 characters of 0-9 and A-Z without I O S V Z, the
 * last a MOD 31 check character.  Lower case accepted; out upper-case. */
int credit_check(const char *field, const char *in,
    char out[CREDIT_LEN + 1], struct ceh_err *e);
char credit_check_char(const char *first17);

/* 联系电话: an 11-digit mainland mobile (1[3-9]x), or a landline
 * 0AA(A)-NNNNNNN(N) with optional -EXT; digits, '-' and one leading '+86'
 * only. */
int phone_check(const char *field, const char *in, struct ceh_err *e);

/* A four-digit year from 1990 to the current year. */
int year_parse(const char *field, const char *in, int *out,
    struct ceh_err *e);
int year_check(const char *field, long y, struct ceh_err *e);

/*
 * Hours in half hours: "30", "30.0", "30.5", "0.5" -> 60, 60, 61, 1.
 * Non-negative, a multiple of 0.5 ("30.50" too, not "30."), at most
 * max_half (half hours).  Values are kept as integer half hours
 * everywhere so sums are exact.
 */
int hours_parse(const char *field, const char *in, long max_half, long *out,
    struct ceh_err *e);
/* Format half hours: 61 -> "30.5", 60 -> "30".  buf >= 24 bytes. */
char *hours_fmt(long half, char *buf, size_t size);

/* Free text: valid UTF-8, no control characters (newline only when
 * multiline), at most maxchars characters, not blank when required. */
int text_check(const char *field, const char *in, size_t maxchars,
    int required, int multiline, struct ceh_err *e);
/* A name shown to others (a unit's name): text_check (required, one
 * line) and no invisible direction or format character (has_invisible,
 * util.h); the message names the code point, never echoes the name. */
int name_check(const char *field, const char *in, size_t maxchars,
    struct ceh_err *e);

#endif
