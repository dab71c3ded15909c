/*
 * rowsrc.h - the one row pipeline of the files people fill in (import,
 * apply --from, add-year --from): a CSV file (csvimport.h) or a sheet of
 * a workbook (.xlsx, .xls: sheet.h), told apart by content (sheet_sniff,
 * never by the name), handed row by row to the same callback type,
 * csv_row_fn, after the header is found and the rows around the data
 * are classified (normalize.h norm_classify):
 *
 *   - the header is the first of the first ROWSRC_SCAN rows that names
 *     at least `need' of the expected columns (norm_header_score); the
 *     rows above it (titles, merged banners, blank rows, notes) are
 *     skipped and counted in info->above, the first non-blank one kept
 *     in info->title for the one message that reports them.  None found:
 *     class 1, naming the best candidate row and how many columns it
 *     names.  The header is handed on with every cell that names an
 *     expected column replaced by that column's first name ("*身份证号
 *     (必填)" becomes "证件号码"), so the caller maps it exactly;
 *   - after the header, blank, total (合计, 小计 ...) and footer (制表人,
 *     盖章, 注：...) rows are skipped and counted in info->skipped[class];
 *     every other row goes to the callback, with the physical line (CSV)
 *     or the spreadsheet's row number (sheet) as its line;
 *   - a CSV cell written as ="..." (ceh's csv-excel format, table.h) is
 *     read as the text inside;
 *   - a sheet row shorter than the header is padded with empty cells to
 *     the header's width (a spreadsheet leaves trailing cells out), and
 *     trailing empty cells past the header are dropped.
 *
 * The sheet: o->sheet by name (sheet.h), or else the first sheet with a
 * recognisable header in its first ROWSRC_SCAN rows (else the first
 * sheet, which then fails with the header message).  Its name is in
 * info->sheet.
 *
 * rowsrc_normalize() applies normalize.h's norm_value to the fields of a
 * row, each with its own mode, and counts what changed.
 */
#ifndef CEH_ROWSRC_H
#define CEH_ROWSRC_H

#include <stddef.h>

#include "csvimport.h"
#include "normalize.h"

struct ceh_err;

#define ROWSRC_SCAN 20	/* rows searched for the header */

struct rowsrc_opts {
	enum csv_encoding enc;		/* CSV only */
	const char *sheet;		/* or NULL */
	/* the expected columns, as norm_header_col takes them */
	const char *const *expected;
	size_t nexp;
	size_t need;			/* columns a header names at least */
};

struct rowsrc_info {
	const char *format;		/* "csv", "xlsx" or "xls" */
	char sheet[128];		/* the sheet read ("" for CSV) */
	enum csv_encoding used;		/* CSV: the encoding read */
	int bom;			/* CSV: a byte order mark was stripped */
	long header_line;
	long above;			/* rows skipped above the header */
	char title[96];			/* the first of them, clipped */
	long skipped[ROW_TITLE + 1];	/* rows skipped after it, by class */
};

/* Read path: fn gets the header first, then the data rows.  Errors as
 * csv_read_file and sheet_open, and class 1 for no header. */
int rowsrc_read(const char *path, const struct rowsrc_opts *o,
    struct rowsrc_info *info, csv_row_fn fn, void *arg, struct ceh_err *e);

/* 1 if path is a workbook (.xlsx, .xls) by its content, 0 if not, -1 on
 * error (e filled). */
int rowsrc_is_sheet(const char *path, struct ceh_err *e);

/* norm_value(f[i], modes[i]) for each of the n fields (modes[i] 0: left
 * alone), counted into c; returns the bits of all changes. */
unsigned rowsrc_normalize(char *const *f, size_t n, const unsigned *modes,
    struct norm_counts *c);

/* The summary of info's skipped rows, "2 above the header (title
 * '...'), 1 total, 1 footer", into buf; "" when none. */
char *rowsrc_skipped_text(const struct rowsrc_info *info, char *buf,
    size_t size);

#endif
