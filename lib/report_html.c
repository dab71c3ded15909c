/*
 * report_html.c - self-contained HTML report pages (report_html.h).
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "report_html.h"
#include "units.h"
#include "util.h"
#include "xalloc.h"

/* s cut to at most cols display columns, with "…" when cut. */
static void
esc_cut(FILE *out, const char *s, size_t cols)
{
	char ch[8];
	size_t w = 0, n, cw;

	if (utf8_width(s) <= cols) {
		html_put(out, s);
		return;
	}
	while (*s) {
		n = 1;
		while (n < 4 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n++;
		memcpy(ch, s, n);
		ch[n] = '\0';
		cw = utf8_width(ch);
		if (w + cw > cols - 1)
			break;
		html_put(out, ch);
		w += cw;
		s += n;
	}
	fputs("…", out);
}

static const char css[] =
    "@page { size: A4; margin: 14mm 12mm; }\n"
    "* { box-sizing: border-box; }\n"
    "body { margin: 0 auto; max-width: 186mm; color: #111; font-family: "
    "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"WenQuanYi Micro Hei\", "
    "\"Microsoft YaHei\", \"PingFang SC\", sans-serif; font-size: 9.5pt; "
    "line-height: 1.45; }\n"
    "h1 { font-size: 16pt; text-align: center; margin: 4mm 0 2mm; }\n"
    "h2 { font-size: 11.5pt; margin: 5mm 0 2mm; padding-bottom: 1mm; "
    "border-bottom: 0.4mm solid #345; break-after: avoid; }\n"
    ".note { text-align: center; color: #444; font-size: 8.5pt; "
    "margin: 0.5mm 0; }\n"
    ".figs { display: flex; gap: 3mm; margin: 4mm 0 2mm; }\n"
    ".fig { flex: 1; border: 0.3mm solid #9ab; border-radius: 1.5mm; "
    "padding: 2mm; text-align: center; }\n"
    ".fig b { display: block; font-size: 15pt; color: #234; }\n"
    ".fig span { font-size: 8.5pt; color: #444; }\n"
    "table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }\n"
    "th, td { border: 0.25mm solid #999; padding: 0.8mm 1.2mm; "
    "vertical-align: top; }\n"
    "th { background: #e8eef3; font-weight: bold; text-align: center; }\n"
    "td.r { text-align: right; white-space: nowrap; "
    "font-variant-numeric: tabular-nums; }\n"
    "td.s { font-size: 7pt; word-break: break-all; color: #333; }\n"
    "tr { break-inside: avoid; }\n"
    "thead { display: table-header-group; }\n"
    "tbody tr:nth-child(even) td { background: #f6f8fa; }\n"
    "svg { display: block; width: 100%; height: auto; break-inside: avoid; "
    "}\n"
    "svg text { font-family: inherit; }\n"
    ".chart { break-inside: avoid; margin: 1mm 0 3mm; }\n"
    "@media print { tbody tr:nth-child(even) td { background: none; } "
    "body { max-width: none; } }\n";

void
rh_begin(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", out);
	html_put(out, title);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>",
	    css);
	html_put(out, title);
	fputs("</h1>\n", out);
}

void
rh_heading(FILE *out, const char *text)
{
	fputs("<h2>", out);
	html_put(out, text);
	fputs("</h2>\n", out);
}

void
rh_note(FILE *out, const char *text)
{
	fputs("<p class=\"note\">", out);
	html_put(out, text);
	fputs("</p>\n", out);
}

void
rh_figures(FILE *out, const char *const *labels, const char *const *values,
    size_t n)
{
	size_t i;

	fputs("<div class=\"figs\">\n", out);
	for (i = 0; i < n; i++) {
		fputs("<div class=\"fig\"><b>", out);
		html_put(out, values[i]);
		fputs("</b><span>", out);
		html_put(out, labels[i]);
		fputs("</span></div>\n", out);
	}
	fputs("</div>\n", out);
}

/* What the page shows of a cell: a COL_UNIT cell by the unit's name. */
static const char *
cell_text(const struct table *t, size_t r, size_t c)
{
	const char *v = t->cells[r * t->ncols + c];
	const struct unit *u;

	if (t->cols[c].kind != COL_UNIT || t->units == NULL || !v[0] ||
	    (u = units_find(t->units, v)) == NULL)
		return v;
	return u->name;
}

void
rh_table(FILE *out, const struct table *t, unsigned long long right,
    unsigned long long small)
{
	size_t r, c;

	fputs("<table>\n<thead><tr>", out);
	for (c = 0; c < t->ncols; c++) {
		fputs("<th>", out);
		html_put(out, t->cols[c].label);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (r = 0; r < t->nrows; r++) {
		fputs("<tr>", out);
		for (c = 0; c < t->ncols; c++) {
			if (c < 64 && (right >> c & 1))
				fputs("<td class=\"r\">", out);
			else if (c < 64 && (small >> c & 1))
				fputs("<td class=\"s\">", out);
			else
				fputs("<td>", out);
			html_put(out, cell_text(t, r, c));
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

static const char *const palette[RH_MAX_SEG] = { "#2f6f9f", "#e0a030",
    "#d05a40", "#7a5ea8", "#4a9a5a", "#8c8c8c", "#c0c0c0", "#3aa0b0" };

/* Geometry in SVG user units (1 unit is about 0.27 mm at full width). */
#define CH_W 680
#define CH_LABEL 190
#define CH_BAR 400
#define CH_ROW 20
#define CH_TOP 6

static void
chart_legend(FILE *out, const struct rh_chart *c, int y)
{
	size_t i;
	int x = CH_LABEL;

	for (i = 0; i < c->nseg; i++) {
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		    "fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">", x,
		    y, palette[i], x + 14, y + 9);
		html_put(out, c->legend[i]);
		fputs("</text>\n", out);
		x += 26 + 12 * (int)(utf8_width(c->legend[i]) / 2 + 1);
	}
}

static void
chart_bar(FILE *out, const struct rh_chart *c, const struct rh_bar *b,
    long max, int y)
{
	size_t i;
	double x = CH_LABEL;

	fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	    "text-anchor=\"end\"><title>", CH_LABEL - 6, y + 13);
	html_put(out, b->label);
	fputs("</title>", out);
	esc_cut(out, b->label, 30);
	fputs("</text>\n", out);
	for (i = 0; i < c->nseg; i++) {
		double w = max > 0 ? (double)b->seg[i] * CH_BAR / (double)max :
		    0;

		if (w <= 0)
			continue;
		fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
		    "height=\"%d\" fill=\"%s\"/>\n", x, y + 3, w, CH_ROW - 6,
		    palette[i]);
		x += w;
	}
	fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">", x + 5,
	    y + 13);
	html_put(out, b->text);
	fputs("</text>\n", out);
}

void
rh_chart(FILE *out, const struct rh_chart *c, const struct rh_bar *b,
    size_t n)
{
	long max = c->max, sum;
	size_t i, k;
	int h, y;

	for (i = 0; c->max == 0 && i < n; i++) {
		for (sum = 0, k = 0; k < c->nseg; k++)
			sum += b[i].seg[k];
		if (sum > max)
			max = sum;
	}
	h = CH_TOP + (int)n * CH_ROW + (c->legend ? 24 : 6);
	fputs("<div class=\"chart\">\n", out);
	if (c->title)
		rh_heading(out, c->title);
	fprintf(out, "<svg viewBox=\"0 0 "
	    "%d %d\" role=\"img\">\n", CH_W, h);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#666\" stroke-width=\"1\"/>\n", CH_LABEL, CH_TOP,
	    CH_LABEL, CH_TOP + (int)n * CH_ROW);
	for (i = 0, y = CH_TOP; i < n; i++, y += CH_ROW)
		chart_bar(out, c, &b[i], max, y);
	if (c->legend)
		chart_legend(out, c, y + 8);
	fputs("</svg>\n</div>\n", out);
}

void
rh_end(FILE *out)
{
	fputs("</body>\n</html>\n", out);
}

/* Is column c the KEY_name text column after a unit column KEY? */
static int
name_beside_unit(const struct table *t, size_t c)
{
	const struct column *u = c > 0 ? &t->cols[c - 1] : NULL;
	size_t n;

	if (u == NULL || (u->kind != COL_UNIT && u->kind != COL_UNIT_CODE))
		return 0;
	n = strlen(u->key);
	return strncmp(t->cols[c].key, u->key, n) == 0 &&
	    strcmp(t->cols[c].key + n, "_name") == 0;
}

void
report_table_print(const struct table *t, enum out_format f, FILE *out)
{
	struct column *cols;
	struct table j;
	const char **row;
	size_t r, c, n = 0;

	if (f != FMT_JSON) {
		table_print(t, f, out);
		return;
	}
	cols = xcalloc(t->ncols, sizeof(*cols));
	row = xcalloc(t->ncols, sizeof(*row));
	for (c = 0; c < t->ncols; c++)
		if (!name_beside_unit(t, c))
			cols[n++] = t->cols[c];
	table_init(&j, cols, n, t->units);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0, n = 0; c < t->ncols; c++)
			if (!name_beside_unit(t, c))
				row[n++] = t->cells[r * t->ncols + c];
		table_add(&j, row);
	}
	table_print(&j, f, out);
	table_free(&j);
	free(row);
	free(cols);
}

/* ---- report_table_print as a stream ---- */

struct report_stream {
	struct column *cols;
	unsigned char *keep;	/* of t's columns, those printed */
	size_t ncols;		/* of t */
	struct table inner;
	struct table_stream *ts;
	const char **row;
};

struct report_stream *
report_stream_begin(const struct table *t, enum out_format f, FILE *out)
{
	struct report_stream *rs = xcalloc(1, sizeof(*rs));
	size_t c, n = 0;

	rs->ncols = t->ncols;
	rs->cols = xcalloc(t->ncols ? t->ncols : 1, sizeof(*rs->cols));
	rs->keep = xcalloc(t->ncols ? t->ncols : 1, 1);
	rs->row = xcalloc(t->ncols ? t->ncols : 1, sizeof(*rs->row));
	for (c = 0; c < t->ncols; c++)
		if (f != FMT_JSON || !name_beside_unit(t, c)) {
			rs->keep[c] = 1;
			rs->cols[n++] = t->cols[c];
		}
	table_init(&rs->inner, rs->cols, n, t->units);
	rs->ts = table_stream_begin(&rs->inner, f, out);
	return rs;
}

void
report_stream_row(struct report_stream *rs, const char *const *row)
{
	size_t c, n = 0;

	for (c = 0; c < rs->ncols; c++)
		if (rs->keep[c])
			rs->row[n++] = row[c];
	table_stream_row(rs->ts, rs->row);
}

void
report_stream_end(struct report_stream *rs)
{
	table_stream_end(rs->ts);
	free(rs->cols);
	free(rs->keep);
	free(rs->row);
	free(rs);
}
