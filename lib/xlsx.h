/*
 * xlsx.h - the .xlsx (Office Open XML) reader behind sheet.h: libzip via
 * ziparch.h to open the package (every part's size bounded), expat to
 * stream its XML.  The only file that includes expat.h.
 *
 * xlsx_open reads the small parts whole: _rels/.rels and the workbook
 * (sheet names, targets by xl/_rels/workbook.xml.rels, the 1904 date
 * system), the shared strings (rich-text runs joined, phonetic runs
 * left out, _xHHHH_ escapes decoded) and the styles (numFmts and
 * cellXfs: which cell styles show dates).  The sheet itself is parsed
 * as it is read, one row per xlsx_next (expat suspended at </row>).
 * A DTD anywhere is refused.  Use it through sheet.h; the contract of
 * rows, cells and errors is there.
 */
#ifndef CEH_XLSX_H
#define CEH_XLSX_H

#include <stddef.h>

struct ceh_err;
struct sheet_row;
struct xlsx;

int xlsx_open(const char *path, const char *name, unsigned flags,
    struct xlsx **out, struct ceh_err *e);
int xlsx_next(struct xlsx *x, struct sheet_row *row, struct ceh_err *e);
void xlsx_close(struct xlsx *x);
const char *xlsx_sheet(const struct xlsx *x);
const char *const *xlsx_sheets(const struct xlsx *x, size_t *n);

#endif
