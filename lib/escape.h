/*
 * escape.h - the one CSV quoter, the one TSV escaper and the one HTML
 * escaper of ceh, so that what ceh writes it reads back unchanged.
 *
 *   csv_put   one CSV field (RFC 4180): written as it is unless it holds
 *             a comma, a quote, CR or LF, or begins or ends with a space
 *             or a tab; then it is quoted and its quotes doubled.  The
 *             space rule is there because csvimport.c (libcsv) trims
 *             unquoted fields: a quoted field keeps its blanks, so every
 *             CSV ceh writes (lists, --rejects) imports back as written.
 *   csv_put_excel  one CSV field for a spreadsheet (table.h csv-excel):
 *             text a spreadsheet would turn into a number or a date, or
 *             read as a formula (an ID number, 000123, 2024-01-05, =1+1),
 *             as the formula ="..." whose value is that text, then
 *             csv_put; rowsrc.c reads ="..." back as the text;
 *   tsv_put   one TSV field: tab, LF, CR and backslash written as \t, \n,
 *             \r and \\ (the records store's shards, --format tsv);
 *   tsv_split the inverse for a whole line;
 *   html_put  text for an HTML page (slips, report pages): & < > " '
 *             as entities, written to a FILE.
 * The CSV and TSV writers append to an sbuf (xalloc.h); nothing here can
 * fail.
 */
#ifndef CEH_ESCAPE_H
#define CEH_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

#include "xalloc.h"

void csv_put(struct sbuf *b, const char *s);
void csv_put_excel(struct sbuf *b, const char *s);
void tsv_put(struct sbuf *b, const char *s);
/* Split a NUL-terminated line at tabs in place and unescape each field
 * (f[i] point into line).  Returns the number of fields: at most max,
 * more is counted as max + 1. */
size_t tsv_split(char *line, char **f, size_t max);
/* s (NULL is empty) as HTML text. */
void html_put(FILE *out, const char *s);

#endif
