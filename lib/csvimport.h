/*
 * csvimport.h - reading training providers' CSV exports of hour records
 * (the input of `ceh import`).  The only module that includes libcsv's
 * csv.h (STYLE.md R13, R15, pitfalls C1-C14).
 *
 * csv_read_file() streams a file through libcsv in strict mode
 * (CSV_STRICT|CSV_STRICT_FINI|CSV_APPEND_NULL) and hands every row, with
 * the physical line it starts on, to a callback:
 *   - a UTF-8 byte order mark is stripped before the first byte is parsed
 *     (C10);
 *   - encoding: CSVENC_AUTO takes a file with a BOM, or whose first 64 KiB
 *     of non-ASCII text is valid UTF-8, as UTF-8, anything else as
 *     GB18030 (a superset of GBK/CP936, what Excel writes on Chinese
 *     Windows), converted to UTF-8 with iconv(3) as it is read; bytes
 *     invalid in GB18030 stop the file with the line number;
 *   - line numbers are counted by this module (C4, C7): the input is fed
 *     to libcsv one physical line at a time, so a row's number is the
 *     line its first field starts on, also after quoted newlines and
 *     blank lines; a line ends at LF, CRLF or a CR alone (old Mac
 *     files; libcsv ends a row at each of them too);
 *   - unquoted fields are trimmed of spaces and tabs (libcsv's default,
 *     documented in ceh-import(1)); a row of empty fields only (,,,,
 *     as spreadsheets save a blank row) is given to the callback, which
 *     skips and counts it; an empty line is not a row;
 *   - a row (quoted newlines included) may be at most CSV_ROW_MAX bytes
 *     of UTF-8: a longer one stops the file (class 1, naming the line it
 *     starts on), so at most that plus a read chunk is held in memory.
 * Fields are copied out of libcsv's buffer (C2) and NUL-terminated; the
 * callback may keep nothing after it returns.
 *
 * The column map and the record check turn a row into a struct
 * hour_record, validating every field with lib/validate and the code list
 * of continuing-education forms (aliases included).
 */
#ifndef CEH_CSVIMPORT_H
#define CEH_CSVIMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "validate.h"

struct ceh_err;
struct codes;

enum csv_encoding { CSVENC_AUTO, CSVENC_UTF8, CSVENC_GB18030 };

#define CSV_ROW_MAX (1 << 20)	/* bytes of one row */

/* "auto", "utf-8" (or "utf8"), "gb18030" (or "gbk", "gb2312"). */
int csv_encoding_parse(const char *s, enum csv_encoding *out);
const char *csv_encoding_name(enum csv_encoding enc);

/*
 * Called for each row: the physical line it starts on, its fields
 * (NUL-terminated UTF-8 or whatever the file held; len gives the byte
 * count) and their number.  Return 0 to go on, -1 to stop (with e
 * filled): csv_read_file then returns -1 with that error.
 */
typedef int (*csv_row_fn)(void *arg, long line, char *const *f,
    const size_t *len, size_t n, struct ceh_err *e);

/*
 * Read path row by row.  *used gets the encoding read (the one detected
 * for CSVENC_AUTO), and *bom whether a byte order mark was stripped;
 * either may be NULL.  Errors: class 3 no such file, class 1 a CSV
 * syntax error (unterminated quote, stray quote) or bytes invalid in the
 * encoding, with the line; class 5 I/O.
 */
int csv_read_file(const char *path, enum csv_encoding enc,
    enum csv_encoding *used, int *bom, csv_row_fn fn, void *arg,
    struct ceh_err *e);
/* The same on a buffer (tests). */
int csv_read_buf(const char *buf, size_t len, const char *name,
    enum csv_encoding enc, enum csv_encoding *used, int *bom, csv_row_fn fn,
    void *arg, struct ceh_err *e);

/* The columns of a provider's file, found by header name. */
enum rec_col {
	RC_ID,		/* 证件号码 */
	RC_NAME,	/* 姓名 */
	RC_YEAR,	/* 年度 */
	RC_TYPE,	/* 科目类型: 公需科目 | 专业科目 */
	RC_SUBJECT,	/* 科目名称 */
	RC_HOURS,	/* 学时 */
	RC_FORM,	/* 继续教育形式 */
	RC_PROVIDER,	/* 培训机构 */
	RC_RECID,	/* 记录编号 */
	RC__COUNT
};
/* The Chinese header name of a column. */
const char *rec_col_label(enum rec_col c);
/* Its names, as normalize.h's header detection takes them:
 * "证件号码|身份证号码|...|id_number|..." (static storage). */
const char *rec_col_alts(enum rec_col c);

struct colmap {
	int idx[RC__COUNT];	/* field index of each column */
	size_t nfields;		/* fields in the header row */
	/* forms seen, as written -> canonical name (a provider writes a
	 * handful; saves a code-list search per row) */
	struct {
		char raw[48];
		const char *name;
	} fc[16];
	int nfc;
	int cur_year;		/* the current year when the header was read */
	/* may be set after colmap_from_header: 1 if an ID number (as in
	 * the file, 18 bytes, no lower-case x) passed idnum_check already
	 * in this file, which record_from_row then skips */
	int (*id_known)(void *arg, const char *id);
	void *id_arg;
};
/*
 * Map a header row: names compared after trimming, ASCII case ignored,
 * English aliases accepted (id_number, name, year, subject_type,
 * subject, hours, form, provider, record_id ...).  Unknown columns are
 * ignored.  A missing or repeated column is an error (class 1) naming it.
 */
int colmap_from_header(struct colmap *m, char *const *f, size_t n,
    struct ceh_err *e);

/* One validated record; strings point into the row's fields or into
 * static/code-list storage: valid while the row is. */
struct hour_record {
	char id[IDNUM_LEN + 1];	/* canonical */
	const char *name;
	int year;
	int pro;		/* 0 公需科目, 1 专业科目 */
	const char *subject;
	long half;		/* hours, in half hours, > 0 */
	const char *form;	/* canonical name from the code list */
	const char *provider;
	const char *recid;
};
/*
 * Check one data row against the column map: field count, ID number,
 * name, year, subject type, subject, hours (> 0, at most max_half), form
 * (code list incl. aliases), provider, record id.  Class 1 with the
 * reason on failure.
 */
int record_from_row(struct colmap *m, char *const *f, size_t n,
    const struct codes *c, long max_half, struct hour_record *r,
    struct ceh_err *e);

/* Write one CSV row (RFC 4180, CRLF), quoting where needed; extra (may
 * be NULL) is appended as one more field. */
void csv_put_row(FILE *out, char *const *f, size_t n, const char *extra);

#endif
