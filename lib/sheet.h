/*
 * sheet.h - one sheet of a workbook (.xlsx or .xls) read row by row, as
 * the text the user sees in each cell.
 *
 * sheet_open() tells the format by the file's first bytes (a zip: Office
 * Open XML, read by xlsx.c with libzip and expat; an OLE2 compound file:
 * BIFF .xls, read by xls.c with libfreexl) and selects the sheet by name
 * (exact, then ASCII case ignored), or the first sheet when name is NULL.
 *
 * Rows come in order with their 1-based row number as the spreadsheet
 * shows it; rows the file leaves out are not returned (row numbers jump).
 * A row has as many cells as its last non-empty one; cells the file
 * leaves out within it are empty strings.  Every cell is NUL-terminated
 * valid UTF-8 (len gives the bytes) with a kind:
 *   SC_EMPTY, SC_TEXT (shared or inline strings, formula strings),
 *   SC_NUMBER (see below), SC_BOOL ("TRUE"/"FALSE"), SC_DATE
 *   ("YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or "HH:MM:SS" by the cell's
 *   number format), SC_ERROR ("#N/A" and the like).
 * Numbers are written as the text a user means by them:
 *   - an integer of up to 15 digits exactly ("30", "2024", "123456");
 *   - a fraction to 15 significant digits, no exponent for ordinary
 *     magnitudes ("8.5", "0.3" for a stored 0.30000000000000004);
 *   - an integer of more than 15 digits (an 18-digit ID typed as a
 *     number) only when its digits are exact: see sheet_number_text.
 *     Otherwise the cell is flagged SC_LOSSY and its text is the
 *     scientific form a spreadsheet shows ("4.30104199001015E+17"), which
 *     the ID check refuses as "looks like a number a spreadsheet
 *     rounded".
 * merged (per row) is the widest horizontal merge (<mergeCells>) that
 * covers the row, in columns (0: none); .xls files give none.
 *
 * Memory is bounded by the widest row, the shared-string table and the
 * merge list, never by the number of rows (the .xlsx sheet is streamed;
 * libfreexl loads an .xls sheet whole, bounded by the format's 65,536
 * rows).  Past its first 1,000 rows an .xlsx sheet is read ahead by a
 * reader thread (sheetpipe.h), with the same rows and errors.  Errors:
 * class 1 for a file that is not a workbook or is damaged or too large
 * (zip bombs included), class 3 for a missing file or sheet (the
 * message lists the sheets), class 5 for I/O.
 */
#ifndef CEH_SHEET_H
#define CEH_SHEET_H

#include <stddef.h>

struct ceh_err;
struct sheet;

enum sheet_kind {
	SC_EMPTY, SC_TEXT, SC_NUMBER, SC_BOOL, SC_DATE, SC_ERROR
};
#define SC_LOSSY 0x80	/* or-ed into kind: digits were lost */

struct sheet_row {
	long num;		/* 1-based row number */
	size_t n;		/* cells */
	char **cell;		/* n NUL-terminated strings, borrowed */
	size_t *len;		/* their byte lengths */
	unsigned char *kind;	/* enum sheet_kind | SC_LOSSY */
	size_t merged;		/* widest merge over this row, in columns */
};

/* Flags of sheet_open. */
#define SHEET_MERGES 1	/* .xlsx: read <mergeCells> first (one more pass
			 * over the sheet) so rows carry merged */

/* *out is the caller's, freed with sheet_close. */
int sheet_open(const char *path, const char *name, unsigned flags,
    struct sheet **out, struct ceh_err *e);
/* 1 with *row filled (valid until the next call or close), 0 at the end,
 * -1 on error. */
int sheet_next(struct sheet *s, struct sheet_row *row, struct ceh_err *e);
void sheet_close(struct sheet *s);	/* NULL is fine */

/* The selected sheet's name, the workbook's sheet names (borrowed until
 * close) and the format ("xlsx" or "xls"). */
const char *sheet_name(const struct sheet *s);
const char *const *sheet_names(const struct sheet *s, size_t *n);
const char *sheet_format(const struct sheet *s);

/* 1 if the file at path starts like a workbook (zip or OLE2), 0 if not,
 * -1 if it cannot be read (e filled). */
int sheet_sniff(const char *path, struct ceh_err *e);

/*
 * The text of a number, as above, from its decimal literal as the file
 * stores it (.xlsx <v>).  An integer of more than 15 digits is exact when
 * the literal spells every digit out (no exponent, no fraction) and is
 * not what a program holding the number as a binary double could have
 * written for a different number: not the double nearest to it, nor that
 * double rounded to 15, 16 or 17 significant digits.  So an ID written
 * by a program from an integer ("430104199001015123") is kept, and one
 * that went through Excel's 15 digits or a double ("4.30104199001015E+17",
 * "430104199001015000", "430104199001015104") is SC_LOSSY.  Returns the
 * kind (SC_NUMBER, maybe | SC_LOSSY) or -1 if lit is not a number; buf
 * gets the text (at least 40 bytes).
 */
int sheet_number_text(const char *lit, char *buf, size_t size);
/* The same from a double (.xls): more than 15 digits is always lossy. */
int sheet_double_text(double v, char *buf, size_t size);
/* A date serial as YYYY-MM-DD[ HH:MM:SS] (or HH:MM:SS below 1), 1900 or
 * 1904 system; -1 if out of range (years 1900-9999). */
int sheet_date_text(double serial, int date1904, char *buf, size_t size);
/* 1 if number format id (built in) or code (custom) shows a date/time. */
int sheet_format_is_date(int id, const char *code);
/* The width of a custom format that shows an integer with leading zeros
 * ("000000": 123 shown as 000123, how offices keep record numbers and
 * staff numbers), its first section made of '0' only, 2 to 40 of them;
 * 0 for any other format. */
int sheet_format_zero_pad(const char *code);
/* An integer's text (digits only) in buf left-padded with zeros to
 * width digits, as such a format shows it; anything else unchanged. */
void sheet_zero_pad(char *buf, size_t size, int width);

#endif
