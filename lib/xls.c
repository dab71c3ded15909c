/* xls.c - .xls (BIFF) reader over libfreexl (see xls.h). */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <freexl.h>

#include "err.h"
#include "i18n.h"
#include "normalize.h"
#include "sheet.h"
#include "util.h"
#include "xalloc.h"
#include "xls.h"

#define MAX_FILE (256L << 20)

struct xls {
	const void *h;
	char *path;
	char **names;
	size_t nsheets, sel;
	unsigned rows, next;
	unsigned short cols;
	struct sbuf arena;
	size_t *off, *len;
	char **cell;
	unsigned char *kind;
};

/* what: a message about the file, with %s for its name. */
static int
xfail(struct xls *b, const char *what, int rc, struct ceh_err *e)
{
	char head[600];

	snprintf(head, sizeof(head), what, b->path);
	/* TRANSLATORS: %s is one of the sentences "'FILE' cannot be read"
	 * ... */
	return ceh_fail(e, CEH_EINPUT, _("%s (libfreexl error %d): a "
	    "damaged or unsupported .xls file; open it in Excel or WPS and "
	    "save it as Excel workbook (.xlsx)"), head, rc);
}

static int
open_file(struct xls *b, struct ceh_err *e)
{
	struct stat st;
	unsigned info = 0;
	int rc;

	if (stat(b->path, &st) < 0)
		return errno == ENOENT ? ceh_fail(e, CEH_ENOTFOUND, _("no such "
		    "file '%s'"), b->path) : ceh_fail_errno(e, _("cannot read "
		    "'%s'"), b->path);
	if (st.st_size > MAX_FILE)
		return ceh_fail(e, CEH_EINPUT, _("'%s' is larger than %ld MiB: "
		    "refused; save it as .xlsx"), b->path, MAX_FILE >> 20);
	if ((rc = freexl_open(b->path, &b->h)) != FREEXL_OK)
		return xfail(b, _("'%s' cannot be read"), rc, e);
	if (freexl_get_info(b->h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
	    info == FREEXL_BIFF_OBFUSCATED)
		return ceh_fail(e, CEH_EINPUT, _("'%s' is protected by a "
		    "password: remove the protection and save it again"),
		    b->path);
	if ((rc = freexl_get_info(b->h, FREEXL_BIFF_SHEET_COUNT, &info)) !=
	    FREEXL_OK)
		return xfail(b, _("'%s' has no readable sheet list"), rc, e);
	if (info == 0)
		return ceh_fail(e, CEH_EINPUT, _("'%s' has no sheets"),
		    b->path);
	b->nsheets = info;
	b->names = xcalloc(info, sizeof(char *));
	for (info = 0; info < b->nsheets; info++) {
		const char *nm = NULL;

		rc = freexl_get_worksheet_name(b->h, (unsigned short)info, &nm);
		b->names[info] = xstrdup(rc == FREEXL_OK && nm &&
		    utf8_valid(nm, strlen(nm)) ? nm : "?");
	}
	return 0;
}

static int
select_sheet(struct xls *b, const char *name, struct ceh_err *e)
{
	struct sbuf list = SBUF_INIT;
	char shown[200];
	size_t i;
	int rc;

	b->sel = b->nsheets;
	if (name == NULL)
		b->sel = 0;
	for (i = 0; name && i < b->nsheets && b->sel == b->nsheets; i++)
		if (strcmp(b->names[i], name) == 0)
			b->sel = i;
	for (i = 0; name && i < b->nsheets && b->sel == b->nsheets; i++)
		if (strcasecmp(b->names[i], name) == 0)
			b->sel = i;
	if (b->sel == b->nsheets) {
		for (i = 0; i < b->nsheets && list.len < 600; i++)
			sb_addf(&list, "%s'%s'", i ? ", " : "", b->names[i]);
		ceh_fail(e, CEH_ENOTFOUND, _("no sheet '%s' in '%s'; its "
		    "sheets: %s"), utf8_clip(shown, sizeof(shown),
		    safe_echo(name), 40), b->path, sb_str(&list));
		sb_release(&list);
		return -1;
	}
	if ((rc = freexl_select_active_worksheet(b->h,
	    (unsigned short)b->sel)) != FREEXL_OK ||
	    (rc = freexl_worksheet_dimensions(b->h, &b->rows, &b->cols)) !=
	    FREEXL_OK)
		return xfail(b, _("'%s' has a sheet that cannot be read"), rc,
		    e);
	b->off = xcalloc(b->cols + 1u, sizeof(size_t));
	b->len = xcalloc(b->cols + 1u, sizeof(size_t));
	b->cell = xcalloc(b->cols + 1u, sizeof(char *));
	b->kind = xcalloc(b->cols + 1u, 1);
	return 0;
}

int
xls_open(const char *path, const char *name, unsigned flags,
    struct xls **out, struct ceh_err *e)
{
	struct xls *b = xcalloc(1, sizeof(*b));

	(void)flags;	/* no merges from libfreexl */
	*out = NULL;
	b->path = xstrdup(path);
	if (open_file(b, e) < 0 || select_sheet(b, name, e) < 0) {
		xls_close(b);
		return -1;
	}
	*out = b;
	return 0;
}

/* The text of one cell into the arena; its kind. */
static int
cell_text(struct xls *b, const FreeXL_CellValue *v, struct ceh_err *e)
{
	char buf[64];
	int k;

	switch (v->type) {
	case FREEXL_CELL_INT:
		snprintf(buf, sizeof(buf), "%d", v->value.int_value);
		sb_adds(&b->arena, buf);
		return SC_NUMBER;
	case FREEXL_CELL_DOUBLE:
		if ((k = sheet_double_text(v->value.double_value, buf,
		    sizeof(buf))) < 0)
			return ceh_fail(e, CEH_EINPUT, _("'%s': a number cell "
			    "that holds no number"), b->path);
		sb_adds(&b->arena, buf);
		return k;
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_DATETIME:
	case FREEXL_CELL_TIME:
		if (v->value.text_value == NULL || !utf8_valid(
		    v->value.text_value, strlen(v->value.text_value)))
			return ceh_fail(e, CEH_EINPUT, _("'%s': a cell that is "
			    "not valid text"), b->path);
		sb_adds(&b->arena, v->value.text_value);
		return v->type == FREEXL_CELL_TEXT ||
		    v->type == FREEXL_CELL_SST_TEXT ? SC_TEXT : SC_DATE;
	default:
		return SC_EMPTY;
	}
}

/* Read row r into the arrays; the number of cells up to the last
 * non-empty one. */
static long
read_row(struct xls *b, unsigned r, struct ceh_err *e)
{
	size_t n = 0;
	unsigned short c;

	sb_reset(&b->arena);
	for (c = 0; c < b->cols; c++) {
		FreeXL_CellValue v;
		int k, rc;

		b->off[c] = b->arena.len;
		if ((rc = freexl_get_cell_value(b->h, r, c, &v)) != FREEXL_OK)
			return xfail(b, _("'%s' has a cell that cannot be "
			    "read"), rc, e);
		if ((k = cell_text(b, &v, e)) < 0)
			return -1;
		b->kind[c] = (unsigned char)k;
		if (k != SC_EMPTY && b->arena.len > b->off[c])
			n = c + 1u;
		else
			b->kind[c] = SC_EMPTY;
		sb_addc(&b->arena, '\0');
	}
	return (long)n;
}

int
xls_next(struct xls *b, struct sheet_row *row, struct ceh_err *e)
{
	while (b->next < b->rows) {
		unsigned r = b->next++;
		long n = read_row(b, r, e);
		size_t c;

		if (n < 0)
			return -1;
		if (n == 0)
			continue;
		for (c = 0; c < (size_t)n; c++) {
			b->cell[c] = b->arena.buf + b->off[c];
			b->len[c] = strlen(b->cell[c]);
		}
		row->num = (long)r + 1;
		row->n = (size_t)n;
		row->cell = b->cell;
		row->len = b->len;
		row->kind = b->kind;
		row->merged = 0;
		return 1;
	}
	return 0;
}

void
xls_close(struct xls *b)
{
	size_t i;

	if (b == NULL)
		return;
	if (b->h)
		freexl_close(b->h);
	for (i = 0; i < b->nsheets; i++)
		free(b->names[i]);
	free(b->names);
	free(b->path);
	sb_release(&b->arena);
	free(b->off);
	free(b->len);
	free(b->cell);
	free(b->kind);
	free(b);
}

const char *
xls_sheet(const struct xls *b)
{
	return b->names[b->sel];
}

const char *const *
xls_sheets(const struct xls *b, size_t *n)
{
	*n = b->nsheets;
	return (const char *const *)b->names;
}
