/*
 * report_html.h - how the reports are printed beyond table.h.
 *
 * report_table_print is table_print, except that in JSON a text column
 * KEY_name right after a unit column KEY (COL_UNIT or COL_UNIT_CODE) is
 * left out: the unit column writes KEY_name itself there.  So table,
 * TSV and CSV show a unit's code and name in two columns, and JSON has
 * the same two keys once.
 *
 * The rest: a report as one self-contained HTML page (`ceh stats
 * --format html`, `ceh shortfall --format html`): headings, paragraphs,
 * tables (struct table, table.h) and horizontal bar charts drawn as
 * inline SVG.  No script, no external resource (fonts are named, not
 * loaded: the reader's CJK fonts are used), print CSS for A4, so a clerk
 * can open it, print it or mail it.
 *
 * Call rh_begin, then any of the others, then rh_end; everything is
 * written to out as it comes.  Text is escaped here.
 */
#ifndef CEH_REPORT_HTML_H
#define CEH_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "table.h"

#define RH_MAX_SEG 8

/* One bar: a label and up to RH_MAX_SEG stacked segments. */
struct rh_bar {
	const char *label;
	long seg[RH_MAX_SEG];
	const char *text;	/* shown after the bar, e.g. "85.0%" */
};

struct rh_chart {
	const char *title;
	size_t nseg;			/* segments per bar, >= 1 */
	const char *const *legend;	/* nseg names, NULL: no legend */
	long max;			/* full scale; 0: the largest bar */
};

void rh_begin(FILE *out, const char *title);
void rh_heading(FILE *out, const char *text);
/* A line of small print under the title (scope, rule, date). */
void rh_note(FILE *out, const char *text);
/* Headline figures: n pairs of label and value, in boxes. */
void rh_figures(FILE *out, const char *const *labels,
    const char *const *values, size_t n);
void report_table_print(const struct table *t, enum out_format f,
    FILE *out);
/* report_table_print row by row (table.h table_stream_begin), for the
 * formats table_streams accepts; t gives the columns (no rows needed)
 * and outlives the stream. */
struct report_stream;
struct report_stream *report_stream_begin(const struct table *t,
    enum out_format f, FILE *out);
void report_stream_row(struct report_stream *rs, const char *const *row);
void report_stream_end(struct report_stream *rs);

/* A table (a COL_UNIT cell by its unit's name); right: a mask of columns aligned right (numbers), small: of
 * columns of long text in small print. */
void rh_table(FILE *out, const struct table *t, unsigned long long right,
    unsigned long long small);
void rh_chart(FILE *out, const struct rh_chart *c, const struct rh_bar *b,
    size_t n);
void rh_end(FILE *out);

#endif
