/*
 * xlsxout.h - writing a table as an .xlsx workbook: the only file that
 * includes xlsxwriter.h (libxlsxwriter).
 *
 * One sheet: a bold header row, frozen so it stays in view; then one row
 * per call.  Each column has a kind:
 *   XO_TEXT    a text cell, and the column formatted as text ("@"), so ID
 *              numbers, unit codes, phones and record numbers like 000123
 *              keep every digit when the file is opened, edited and saved
 *              again by Excel, WPS or LibreOffice;
 *   XO_NUMBER  a number cell when the value is a decimal number ("30",
 *              "8.5"), so hours can be summed; anything else is text.
 * Empty values leave the cell empty.  Column widths follow the display
 * width of the widest value (CJK counts 2, as utf8_width), capped.
 * Rows are written in constant-memory mode (libxlsxwriter keeps one row),
 * so widths must be known when the workbook is opened: give them, or use
 * xlsxout_table, which measures every row first.
 *
 * The workbook is built in a private temp file (mode 0600, $TMPDIR or
 * /tmp) and published by xlsxout_commit through atomic_write, so the
 * target is the whole workbook or untouched; xlsxout_commit_fd copies it
 * to a descriptor (standard output).  Both free the writer, on failure
 * too; xlsxout_abort frees it without output.
 * Errors: class 1 for a bad sheet name, a value over 32,767 characters or
 * more rows than a sheet holds (1,048,575 after the header); class 5 I/O.
 */
#ifndef CEH_XLSXOUT_H
#define CEH_XLSXOUT_H

#include <stddef.h>

struct ceh_err;
struct xlsx_out;

enum xo_kind { XO_TEXT, XO_NUMBER };

/* labels and kinds: ncols each; widths: ncols display widths, or NULL
 * (from the labels).  Strings are copied. */
int xlsxout_open(const char *sheet, size_t ncols, const char *const *labels,
    const enum xo_kind *kinds, const size_t *widths, struct xlsx_out **out,
    struct ceh_err *e);
/* One row of ncols values (NULL means empty). */
int xlsxout_row(struct xlsx_out *w, const char *const *cells,
    struct ceh_err *e);
int xlsxout_commit(struct xlsx_out *w, int dirfd, const char *name,
    struct ceh_err *e);
int xlsxout_commit_fd(struct xlsx_out *w, int fd, struct ceh_err *e);
void xlsxout_abort(struct xlsx_out *w);	/* NULL is fine */
/* Commit to a path as the user gave it ("out/list.xlsx"): published in
 * its directory (xlsxout_parent). */
int xlsxout_commit_path(struct xlsx_out *w, const char *path,
    struct ceh_err *e);
/* The directory of path opened (O_DIRECTORY; the caller closes it) and
 * *base the name in it, for atomic_write; -1 with class 3 when the
 * directory does not exist, 5 on other errors. */
int xlsxout_parent(const char *path, const char **base, struct ceh_err *e);

/* All at once, in struct table's layout: cells is nrows * ncols values,
 * row after row.  name NULL writes to the descriptor dirfd. */
int xlsxout_table(int dirfd, const char *name, const char *sheet,
    size_t ncols, const char *const *labels, const enum xo_kind *kinds,
    const char *const *cells, size_t nrows, struct ceh_err *e);

#endif
