/*
 * table.h - rows of text printed as an aligned table, TSV, CSV or JSON:
 * the one place where list-like output is formatted, so every command
 * that lists things offers the same --format choices and they stay
 * stable for scripts (documented in ceh(1) OUTPUT FORMATS).
 *
 *   table  columns aligned by display width (CJK counts 2), header first;
 *   tsv    header line, then one line per row; tabs and newlines inside a
 *          value are written as \t and \n, backslash as \\;
 *   csv    RFC 4180, header line, CRLF line ends, UTF-8 without BOM;
 *   json   an array of objects keyed by the column keys (not labels).
 * Cells are copied; the table owns them until table_free.
 */
#ifndef CEH_TABLE_H
#define CEH_TABLE_H

#include <stddef.h>
#include <stdio.h>

enum out_format { FMT_TABLE, FMT_TSV, FMT_CSV, FMT_JSON, FMT_TEXT, FMT_YAML };

struct table {
	size_t ncols;
	const char **keys;	/* borrowed: JSON keys, e.g. "name" */
	const char **labels;	/* borrowed: header, e.g. "姓名" */
	char **cells;		/* rows * ncols, owned */
	size_t nrows, cap;
};

/* keys and labels: arrays of ncols borrowed strings that outlive t. */
void table_init(struct table *t, size_t ncols, const char **keys,
    const char **labels);
/* Add a row: ncols strings (NULL means empty). */
void table_add(struct table *t, const char *const *row);
void table_print(const struct table *t, enum out_format f, FILE *out);
void table_free(struct table *t);

/* Parse "table", "tsv", "csv", "json", "text", "yaml" into *f if it is in
 * the allowed mask (1 << FMT_x); -1 otherwise. */
int format_parse(const char *s, unsigned allowed, enum out_format *f);

/* Print s padded with spaces to width columns (display width). */
void print_padded(FILE *out, const char *s, size_t width);

#endif
