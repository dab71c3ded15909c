/* rowsrc.c - CSV files and sheets through one row pipeline (see rowsrc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "i18n.h"
#include "rowsrc.h"
#include "sheet.h"
#include "xalloc.h"

struct rs {
	const struct rowsrc_opts *o;
	struct rowsrc_info *info;
	csv_row_fn fn;
	void *arg;
	int is_sheet;
	int have_header;
	size_t nhdr;
	long nseen;			/* non-blank rows before the header */
	size_t best;			/* best header score so far */
	long bestline;
	char (*canon)[64];		/* first name of each expected column */
	const char **cells;		/* header or padded row */
	size_t *lens;
	size_t cap;
	char empty[1];			/* padding cells: writable, as the
					 * callback may normalise in place */
};

static void
rs_room(struct rs *r, size_t n)
{
	if (n <= r->cap)
		return;
	r->cap = n + 16;
	r->cells = xreallocarray(r->cells, r->cap, sizeof(*r->cells));
	r->lens = xreallocarray(r->lens, r->cap, sizeof(*r->lens));
}

/* The header row: cells naming an expected column as its first name. */
static int
rs_header(struct rs *r, long line, char *const *f, const size_t *len,
    size_t n, struct ceh_err *e)
{
	size_t i;

	while (n && f[n - 1][0] == '\0')	/* trailing empty cells */
		n--;
	rs_room(r, n);
	for (i = 0; i < n; i++) {
		int c = norm_header_col(f[i], r->o->expected, r->o->nexp);

		r->cells[i] = c >= 0 ? r->canon[c] : f[i];
		r->lens[i] = c >= 0 ? strlen(r->canon[c]) : len[i];
	}
	r->have_header = 1;
	r->nhdr = n;
	r->info->header_line = line;
	return r->fn(r->arg, line, (char *const *)r->cells, r->lens, n, e);
}

/* A row above the header: the header, or skipped and counted. */
static int
rs_above(struct rs *r, long line, char *const *f, const size_t *len,
    size_t n, struct ceh_err *e)
{
	size_t score = norm_header_score(f, n, r->o->expected, r->o->nexp);
	size_t i;

	if (score >= r->o->need && score > 0)
		return rs_header(r, line, f, len, n, e);
	if (norm_classify(f, n, 0) == ROW_BLANK)
		return 0;
	if (score > r->best || r->bestline == 0) {
		r->best = score;
		r->bestline = line;
	}
	if (r->info->above++ == 0)
		for (i = 0; i < n; i++)
			if (f[i][0]) {
				utf8_clip(r->info->title,
				    sizeof(r->info->title), f[i], 30);
				break;
			}
	if (++r->nseen >= ROWSRC_SCAN)
		return ceh_fail(e, CEH_EINPUT, _("no header row in the first "
		    "%d rows (the best, row %ld, names %zu of the %zu "
		    "columns)"),
		    ROWSRC_SCAN, r->bestline, r->best, r->o->nexp);
	return 0;
}

/* A CSV cell in the form ="..." (table.h csv-excel: text a spreadsheet
 * keeps as text) to its text, in place. */
static size_t
unwrap_formula(char *s, size_t len)
{
	char *r, *w, *end = s + len - 1;

	if (len < 3 || s[0] != '=' || s[1] != '"' || *end != '"')
		return len;
	for (r = s + 2; r < end; r++)
		if (*r == '"' && (r + 1 == end || *++r != '"'))
			return len;	/* a lone quote: another formula */
	for (r = s + 2, w = s; r < end; r++) {
		*w++ = *r;
		if (*r == '"')
			r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* A CSV row's cells, ="..." unwrapped, into r->cells and r->lens. */
static void
csv_cells(struct rs *r, char *const *f, const size_t *len, size_t n)
{
	size_t i;

	rs_room(r, n);
	for (i = 0; i < n; i++) {
		r->cells[i] = f[i];
		r->lens[i] = strlen(f[i]) == len[i] ?
		    unwrap_formula(f[i], len[i]) : len[i];
	}
}

/* Every row of either source (a csv_row_fn). */
static int
rs_row(void *arg, long line, char *const *f, const size_t *len, size_t n,
    struct ceh_err *e)
{
	struct rs *r = arg;
	enum row_class c;
	size_t i;

	if (!r->is_sheet) {
		csv_cells(r, f, len, n);
		len = r->lens;
	}
	if (!r->have_header)
		return rs_above(r, line, f, len, n, e);
	c = norm_classify(f, n, 0);
	if (c == ROW_BLANK || c == ROW_TOTAL || c == ROW_FOOTER) {
		r->info->skipped[c]++;
		return 0;
	}
	if (!r->is_sheet)
		return r->fn(r->arg, line, f, len, n, e);
	while (n > r->nhdr && f[n - 1][0] == '\0')
		n--;
	rs_room(r, n > r->nhdr ? n : r->nhdr);
	for (i = 0; i < n || i < r->nhdr; i++) {
		r->cells[i] = i < n ? f[i] : (r->empty[0] = '\0', r->empty);
		r->lens[i] = i < n ? len[i] : 0;
	}
	return r->fn(r->arg, line, (char *const *)r->cells, r->lens, i, e);
}

int
rowsrc_is_sheet(const char *path, struct ceh_err *e)
{
	return sheet_sniff(path, e);
}

/* 1 if sheet name of path has a header in its first rows. */
static int
has_header(const char *path, const char *name, const struct rowsrc_opts *o,
    struct ceh_err *e)
{
	struct sheet *sh;
	struct sheet_row row;
	int i, rc;

	if (sheet_open(path, name, 0, &sh, e) < 0)
		return -1;
	for (i = 0; i < ROWSRC_SCAN && (rc = sheet_next(sh, &row, e)) == 1;
	    i++)
		if (norm_header_score(row.cell, row.n, o->expected,
		    o->nexp) >= o->need) {
			rc = 2;
			break;
		}
	sheet_close(sh);
	return rc < 0 ? -1 : rc == 2;
}

/* The sheet to read: o->sheet, else the first with a header, else the
 * first; into info->sheet. */
static int
pick_sheet(const char *path, const struct rowsrc_opts *o,
    struct rowsrc_info *info, struct ceh_err *e)
{
	struct sheet *sh;
	const char *const *names;
	size_t n, i;
	int rc = 0;

	if (sheet_open(path, o->sheet, 0, &sh, e) < 0)
		return -1;
	snprintf(info->sheet, sizeof(info->sheet), "%s", sheet_name(sh));
	info->format = strcmp(sheet_format(sh), "xls") == 0 ? "xls" : "xlsx";
	names = sheet_names(sh, &n);
	for (i = 0; o->sheet == NULL && i < n && n > 1; i++) {
		rc = has_header(path, names[i], o, e);
		if (rc < 0)
			break;
		if (rc == 1) {
			snprintf(info->sheet, sizeof(info->sheet), "%s",
			    names[i]);
			break;
		}
	}
	sheet_close(sh);
	return rc < 0 ? -1 : 0;
}

static int
read_sheet(const char *path, struct rs *r, struct ceh_err *e)
{
	struct sheet *sh;
	struct sheet_row row;
	int rc;

	if (pick_sheet(path, r->o, r->info, e) < 0 ||
	    sheet_open(path, r->info->sheet, 0, &sh, e) < 0)
		return -1;
	while ((rc = sheet_next(sh, &row, e)) == 1)
		if (rs_row(r, row.num, row.cell, row.len, row.n, e) < 0) {
			rc = -1;
			break;
		}
	sheet_close(sh);
	if (rc < 0)
		ceh_err_prefix(e, _("%s: sheet %s"), path, r->info->sheet);
	return rc;
}

int
rowsrc_read(const char *path, const struct rowsrc_opts *o,
    struct rowsrc_info *info, csv_row_fn fn, void *arg, struct ceh_err *e)
{
	struct rs r;
	size_t c, k;
	int rc;

	memset(info, 0, sizeof(*info));
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.info = info;
	r.fn = fn;
	r.arg = arg;
	r.canon = xcalloc(o->nexp ? o->nexp : 1, sizeof(*r.canon));
	for (c = 0; c < o->nexp; c++) {
		k = strcspn(o->expected[c], "|");
		snprintf(r.canon[c], sizeof(r.canon[c]), "%.*s",
		    (int)(k < 63 ? k : 63), o->expected[c]);
	}
	/* unreadable: csv_read_file says why, as it always did */
	r.is_sheet = rowsrc_is_sheet(path, e) == 1;
	info->format = "csv";
	if (r.is_sheet)
		rc = read_sheet(path, &r, e);
	else
		rc = csv_read_file(path, o->enc, &info->used, &info->bom,
		    rs_row, &r, e);
	if (rc == 0 && !r.have_header) {
		if (r.nseen == 0)
			rc = ceh_fail(e, CEH_EINPUT, _("%s: empty file (no "
			    "header row)"), path);
		else if (r.best == 0 && !r.is_sheet)
			rc = ceh_fail(e, CEH_EINPUT, _("%s: no header row (the "
			    "best, row %ld, names %zu of the %zu columns; is "
			    "the encoding right? see --encoding)"), path,
			    r.bestline, r.best, o->nexp);
		else
			rc = ceh_fail(e, CEH_EINPUT, _("%s: no header row (the "
			    "best, row %ld, names %zu of the %zu columns)"),
			    path, r.bestline, r.best, o->nexp);
	}
	free(r.canon);
	free(r.cells);
	free(r.lens);
	return rc < 0 ? -1 : 0;
}

unsigned
rowsrc_normalize(char *const *f, size_t n, const unsigned *modes,
    struct norm_counts *c)
{
	unsigned all = 0, ch;
	size_t i;

	for (i = 0; i < n; i++) {
		if (modes[i] == 0)
			continue;
		ch = norm_value(f[i], modes[i]);
		norm_count(c, ch);
		all |= ch;
	}
	return all;
}

char *
rowsrc_skipped_text(const struct rowsrc_info *info, char *buf, size_t size)
{
	/* the rows skipped of each class, by count */
	static const char *const what[] = {
		[ROW_BLANK] = N_("%ld blank"),
		[ROW_TOTAL] = N_("%ld total"),
		[ROW_FOOTER] = N_("%ld footer"),
	};
	size_t len = 0;
	int k;

	buf[0] = '\0';
	if (info->above)
		len += (size_t)snprintf(buf, size, _("%ld above the header "
		    "(title '%s')"), info->above, info->title);
	for (k = ROW_BLANK; k <= ROW_FOOTER && len < size; k++) {
		if (!info->skipped[k])
			continue;
		if (len)
			len += (size_t)snprintf(buf + len, size - len, "%s",
			    _(", "));
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len,
			    _(what[k]), info->skipped[k]);
	}
	return buf;
}
