/* bulk.c - the rows of a file people filled in, for the commands that
 * take --from FILE (apply, add-year): see cmd.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "normalize.h"
#include "rowsrc.h"
#include "xalloc.h"

/* The header: each column found by its names, the required ones there. */
static int
bulk_header(struct bulk *b, char *const *f, size_t n, struct ceh_err *e)
{
	const char *alts[BULK_MAXCOLS];
	size_t i, c;
	int k;

	for (c = 0; c < b->ncols; c++) {
		alts[c] = b->cols[c].alts;
		b->idx[c] = -1;
	}
	for (i = 0; i < n; i++) {
		k = norm_header_col(f[i], alts, b->ncols);
		if (k < 0)
			continue;
		if (b->idx[k] >= 0)
			return ceh_fail(e, CEH_EINPUT, _("header: column %.*s "
			    "appears twice"), (int)strcspn(alts[k], "|"),
			    alts[k]);
		b->idx[k] = (int)i;
	}
	for (c = 0; c < b->ncols; c++)
		if (b->cols[c].required && b->idx[c] < 0)
			return ceh_fail(e, CEH_EINPUT, _("header: missing "
			    "column %.*s"), (int)strcspn(alts[c], "|"),
			    alts[c]);
	b->have_header = 1;
	return 0;
}

static int
bulk_row(void *arg, long line, char *const *f, const size_t *len, size_t n,
    struct ceh_err *e)
{
	struct bulk *b = arg;
	const char *v[BULK_MAXCOLS];
	size_t c;

	if (!b->have_header)
		return bulk_header(b, f, n, e);
	b->rows++;
	for (c = 0; c < b->ncols; c++) {
		int k = b->idx[c];

		if (k >= 0 && (size_t)k < n && strlen(f[k]) == len[k]) {
			norm_count(&b->norm, norm_value(f[k],
			    b->cols[c].norm));
			v[c] = f[k];
		} else
			v[c] = "";
	}
	return b->row(b, line, v, e);
}

int
cmd_bulk_read(struct bulk *b, struct ceh_err *e)
{
	const char *alts[BULK_MAXCOLS];
	struct rowsrc_opts o;
	size_t c;

	memset(&o, 0, sizeof(o));
	for (c = 0; c < b->ncols; c++)
		alts[c] = b->cols[c].alts;
	o.enc = b->enc;
	o.sheet = b->sheet;
	o.expected = alts;
	o.nexp = b->ncols;
	o.need = 2;
	b->have_header = 0;
	if (rowsrc_read(b->path, &o, &b->info, bulk_row, b, e) < 0)
		return -1;
	return 0;
}

void
cmd_bulk_bad(struct bulk *b, long line, const char *reason)
{
	char where[200], *m;

	if (b->info.sheet[0])
		snprintf(where, sizeof(where), _("%s: sheet %s row %ld"),
		    b->path, b->info.sheet, line);
	else
		snprintf(where, sizeof(where), "%s:%ld", b->path, line);
	/* TRANSLATORS: a refused row: its place, then why it is refused */
	b->bad++;
	if (!cmd_list_error())	/* --max-errors: counted, not listed */
		return;
	m = utf8_repair(xasprintf(_("%s: %s"), where, reason));
	fprintf(stderr, "ceh %s: %s\n", b->cmd, m);
	free(m);
}

void
cmd_bulk_summary(const struct bulk *b)
{
	char buf[512];

	cmd_errors_unlisted(b->cmd);
	if (rowsrc_skipped_text(&b->info, buf, sizeof(buf))[0])
		fprintf(stderr, _("ceh %s: %s: rows skipped: %s\n"), b->cmd,
		    b->path, buf);
	if (norm_counts_text(&b->norm, buf, sizeof(buf))[0])
		fprintf(stderr, _("ceh %s: %s: values normalised: %s\n"),
		    b->cmd, b->path, buf);
}

int
cmd_bulk_option(struct bulk *b, const char *usage, char **argv, int ch)
{
	switch (ch) {
	case 'F':
		b->path = optarg;
		return 1;
	case 'S':
		b->sheet = optarg;
		return 1;
	case 'E':
		if (csv_encoding_parse(optarg, &b->enc) < 0)
			return cmd_usage_error(argv[0], usage, _("unknown "
			    "encoding '%s'"), optarg);
		return 1;
	default:
		return 0;
	}
}
