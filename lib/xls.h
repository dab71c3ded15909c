/*
 * xls.h - the .xls (BIFF5/BIFF8, Excel 97-2003 and WPS) reader behind
 * sheet.h, over libfreexl: the only file that includes freexl.h.
 *
 * libfreexl parses the compound file and the selected sheet whole (the
 * format holds at most 65,536 rows and 256 columns, and the file is
 * refused above 256 MiB), converts text from the file's code page to
 * UTF-8 and tells dates by their formats.  It gives no merged ranges
 * (merged is always 0) and numbers only as doubles, so an ID typed as a
 * number is always SC_LOSSY.  Rows with no cell at all are not returned.
 * A password-protected (encrypted) file is refused with a message.  Use
 * it through sheet.h; the contract of rows, cells and errors is there.
 */
#ifndef CEH_XLS_H
#define CEH_XLS_H

#include <stddef.h>

struct ceh_err;
struct sheet_row;
struct xls;

int xls_open(const char *path, const char *name, unsigned flags,
    struct xls **out, struct ceh_err *e);
int xls_next(struct xls *b, struct sheet_row *row, struct ceh_err *e);
void xls_close(struct xls *b);
const char *xls_sheet(const struct xls *b);
const char *const *xls_sheets(const struct xls *b, size_t *n);

#endif
