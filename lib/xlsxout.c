/* xlsxout.c - a table as an .xlsx workbook over libxlsxwriter (see
 * xlsxout.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "atomic.h"
#include "err.h"
#include "i18n.h"
#include "util.h"
#include "xalloc.h"
#include "xlsxout.h"

#define MAX_ROWS 1048575		/* after the header */
#define MAX_WIDTH 60
#define MAX_OUT (1L << 31)		/* bytes of the finished workbook */

struct xlsx_out {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *text;
	size_t ncols;
	enum xo_kind *kinds;
	lxw_row_t row;
	char *tmp, *tmpdir;
};

static int
lxw_fail(struct ceh_err *e, const char *what, lxw_error err)
{
	if (err == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
		return ceh_fail(e, CEH_EINPUT, _("%s: a value is longer than "
		    "the 32,767 characters a cell holds"), what);
	if (err == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE)
		return ceh_fail(e, CEH_EINPUT, _("%s: more rows than a sheet "
		    "holds"), what);
	if (err == LXW_ERROR_CREATING_XLSX_FILE ||
	    err == LXW_ERROR_CREATING_TMPFILE ||
	    err == LXW_ERROR_ZIP_FILE_OPERATION ||
	    err == LXW_ERROR_ZIP_FILE_ADD || err == LXW_ERROR_ZIP_CLOSE)
		return ceh_fail(e, CEH_ESYS, "%s: %s", what,
		    lxw_strerror(err));
	return ceh_fail(e, CEH_EINPUT, "%s: %s", what, lxw_strerror(err));
}

/* A private temp file for the workbook: its path in w->tmp. */
static int
make_temp(struct xlsx_out *w, struct ceh_err *e)
{
	const char *d = getenv("TMPDIR");
	int fd;

	w->tmpdir = xstrdup(d && *d ? d : "/tmp");
	w->tmp = xasprintf("%s/ceh-xlsx-XXXXXX", w->tmpdir);
	fd = mkstemp(w->tmp);
	if (fd < 0) {
		ceh_fail_errno(e, _("cannot create a temp file in '%s'"),
		    w->tmpdir);
		free(w->tmp);
		w->tmp = NULL;
		return -1;
	}
	close(fd);	/* libxlsxwriter opens it by name; it stays 0600 */
	return 0;
}

static void
out_free(struct xlsx_out *w)
{
	if (w->tmp) {
		unlink(w->tmp);
		free(w->tmp);
	}
	free(w->tmpdir);
	free(w->kinds);
	free(w);
}

static void
set_columns(struct xlsx_out *w, const char *const *labels,
    const size_t *widths)
{
	size_t c;

	for (c = 0; c < w->ncols; c++) {
		size_t dw = utf8_width(labels[c] ? labels[c] : "");

		if (widths && widths[c] > dw)
			dw = widths[c];
		dw += 2;
		if (dw > MAX_WIDTH)
			dw = MAX_WIDTH;
		worksheet_set_column(w->ws, (lxw_col_t)c, (lxw_col_t)c,
		    (double)dw, w->kinds[c] == XO_TEXT ? w->text : NULL);
	}
}

int
xlsxout_open(const char *sheet, size_t ncols, const char *const *labels,
    const enum xo_kind *kinds, const size_t *widths, struct xlsx_out **out,
    struct ceh_err *e)
{
	lxw_workbook_options opt = { 0 };
	struct xlsx_out *w = xcalloc(1, sizeof(*w));
	lxw_error err;
	size_t c;

	*out = NULL;
	if (ncols == 0 || ncols > LXW_COL_MAX || make_temp(w, e) < 0) {
		if (ncols == 0 || ncols > LXW_COL_MAX)
			ceh_fail(e, CEH_EINPUT, _("cannot write %zu columns"),
			    ncols);
		out_free(w);
		return -1;
	}
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = w->tmpdir;
	w->wb = workbook_new_opt(w->tmp, &opt);
	if (w->wb == NULL) {
		ceh_fail(e, CEH_ESYS, _("cannot start a workbook in '%s'"),
		    w->tmpdir);
		out_free(w);
		return -1;
	}
	if ((err = workbook_validate_sheet_name(w->wb, sheet)) != LXW_NO_ERROR
	    || (w->ws = workbook_add_worksheet(w->wb, sheet)) == NULL) {
		ceh_fail(e, CEH_EINPUT, _("sheet name '%.40s': %s"), sheet,
		    err ? lxw_strerror(err) : _("refused"));
		xlsxout_abort(w);
		return -1;
	}
	w->ncols = ncols;
	w->kinds = xcalloc(ncols, sizeof(*w->kinds));
	memcpy(w->kinds, kinds, ncols * sizeof(*kinds));
	w->bold = workbook_add_format(w->wb);
	format_set_bold(w->bold);
	w->text = workbook_add_format(w->wb);
	format_set_num_format(w->text, "@");
	set_columns(w, labels, widths);
	worksheet_freeze_panes(w->ws, 1, 0);
	for (c = 0; c < ncols; c++)
		if ((err = worksheet_write_string(w->ws, 0, (lxw_col_t)c,
		    labels[c] ? labels[c] : "", w->bold)) != LXW_NO_ERROR) {
			/* TRANSLATORS: the part that could not be written */
			lxw_fail(e, _("header"), err);
			xlsxout_abort(w);
			return -1;
		}
	*out = w;
	return 0;
}

/* A plain decimal number ("30", "-2", "8.5"), nothing else. */
static int
as_number(const char *s, double *v)
{
	char *end;

	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' &&
	    s[1] <= '9')) || strspn(s, "-0123456789.") != strlen(s))
		return 0;
	errno = 0;
	*v = strtod(s, &end);
	return *end == '\0' && errno == 0 && isfinite(*v);
}

int
xlsxout_row(struct xlsx_out *w, const char *const *cells,
    struct ceh_err *e)
{
	lxw_error err = LXW_NO_ERROR;
	size_t c;
	double v;

	if (w->row >= MAX_ROWS)
		return ceh_fail(e, CEH_EINPUT, _("more than %d rows: an .xlsx "
		    "sheet holds at most 1,048,576"), MAX_ROWS);
	w->row++;
	for (c = 0; c < w->ncols && err == LXW_NO_ERROR; c++) {
		const char *s = cells[c];

		if (s == NULL || *s == '\0')
			continue;
		if (w->kinds[c] == XO_NUMBER && as_number(s, &v))
			err = worksheet_write_number(w->ws, w->row,
			    (lxw_col_t)c, v, NULL);
		else
			err = worksheet_write_string(w->ws, w->row,
			    (lxw_col_t)c, s, w->kinds[c] == XO_TEXT ?
			    w->text : NULL);
	}
	if (err != LXW_NO_ERROR)
		/* TRANSLATORS: the part that could not be written */
		return lxw_fail(e, _("row"), err);
	return 0;
}

void
xlsxout_abort(struct xlsx_out *w)
{
	if (w == NULL)
		return;
	if (w->wb)
		lxw_workbook_free(w->wb);
	out_free(w);
}

/* Finish the workbook and read it back; the writer is freed. */
static int
finish(struct xlsx_out *w, char **buf, size_t *len, struct ceh_err *e)
{
	lxw_error err = workbook_close(w->wb);
	int rc = 0;

	w->wb = NULL;
	if (err != LXW_NO_ERROR)
		rc = lxw_fail(e, _("cannot write the workbook"), err);
	else if (read_file_at(AT_FDCWD, w->tmp, MAX_OUT, buf, len, e) < 0)
		rc = -1;
	out_free(w);
	return rc;
}

int
xlsxout_commit(struct xlsx_out *w, int dirfd, const char *name,
    struct ceh_err *e)
{
	char *buf;
	size_t len;
	int rc;

	if (finish(w, &buf, &len, e) < 0)
		return -1;
	rc = atomic_write(dirfd, name, buf, len, e);
	free(buf);
	return rc;
}

int
xlsxout_commit_fd(struct xlsx_out *w, int fd, struct ceh_err *e)
{
	char *buf;
	size_t len;
	int rc = 0;

	if (finish(w, &buf, &len, e) < 0)
		return -1;
	if (write_all(fd, buf, len) < 0)
		rc = ceh_fail_errno(e, _("cannot write the workbook"));
	free(buf);
	return rc;
}

int
xlsxout_table(int dirfd, const char *name, const char *sheet,
    size_t ncols, const char *const *labels, const enum xo_kind *kinds,
    const char *const *cells, size_t nrows, struct ceh_err *e)
{
	struct xlsx_out *w;
	size_t *widths = xcalloc(ncols ? ncols : 1, sizeof(size_t));
	size_t r, c;
	int rc;

	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c];
			size_t dw = s ? utf8_width(s) : 0;

			if (dw > widths[c])
				widths[c] = dw;
		}
	rc = xlsxout_open(sheet, ncols, labels, kinds, widths, &w, e);
	free(widths);
	if (rc < 0)
		return -1;
	for (r = 0; r < nrows; r++)
		if (xlsxout_row(w, cells + r * ncols, e) < 0) {
			xlsxout_abort(w);
			return -1;
		}
	return name ? xlsxout_commit(w, dirfd, name, e) :
	    xlsxout_commit_fd(w, dirfd, e);
}

int
xlsxout_parent(const char *path, const char **base, struct ceh_err *e)
{
	const char *b = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *dir;
	int fd;

	*base = b;
	dir = b == path ? xstrdup(".") :
	    xstrndup(path, b - path > 1 ? (size_t)(b - path - 1) : 1);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			ceh_fail(e, CEH_ENOTFOUND, _("no such directory '%s'"),
			    dir);
		else
			ceh_fail_errno(e, "%s", dir);
	}
	free(dir);
	return fd;
}

int
xlsxout_commit_path(struct xlsx_out *w, const char *path, struct ceh_err *e)
{
	const char *base;
	int dfd = xlsxout_parent(path, &base, e), rc;

	if (dfd < 0) {
		xlsxout_abort(w);
		return -1;
	}
	rc = xlsxout_commit(w, dfd, base, e);
	close(dfd);
	return rc;
}
