/* ceh import - import training providers' hour records (CSV, .xlsx,
 * .xls). */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "escape.h"
#include "progress.h"
#include "records.h"
#include "records_import.h"
#include "xalloc.h"
#include "xlsxout.h"

static const char usage[] =
    "usage: ceh import [--dry-run] [--encoding auto|utf-8|gb18030]\n"
    "                  [--sheet NAME] [--rejects FILE] FILE...\n";

enum { O_DRY = 1, O_ENC, O_REJ, O_SHEET };

/* A row's message: the progress line cleared first, at most
 * --max-errors of them listed. */
static void
say(void *arg, const char *msg)
{
	struct progress *p = arg;

	if (!cmd_list_error())
		return;
	progress_clear(p);
	/* machine: a prefix, no words */
	fprintf(stderr, "ceh import: %s\n", msg);
}

static void
progress(void *arg, const char *file, long rows)
{
	struct progress *p = arg;

	if (rows < 0) {
		progress_clear(p);
		return;
	}
	p->what = file;
	progress_step(p, rows);
}

static void
summary(const char *what, const struct import_stats *t)
{
	fprintf(stderr, _("ceh import: %s: read %ld, imported %ld, duplicates "
	    "%ld, conflicts %ld, rejected %ld\n"), what, t->read, t->imported,
	    t->duplicates, t->conflicts, t->rejected);
}

/*
 * The rejects file, CSV or .xlsx.  The header of the first file with a
 * rejected row gives its columns (and 原因 last); the header of every
 * later file (records_import gives it again as each file's first
 * rejected row, rejects_header being set before each file) is matched
 * to those columns by name, so a row of a file whose columns come in
 * another order lands under the right header: a column only a later
 * file has is left out (import ignores it anyway), one it lacks is
 * empty.  A CSV row with the wrong number of fields is written as it
 * was read (an .xlsx row is cut or padded to the columns).  CSV cells a spreadsheet would change (an ID number, 000123)
 * are written as ="..." (escape.h csv_put_excel), but 年度 and 学时,
 * which are numbers; .xlsx cells are all text.  The first error stops
 * the writing and is reported at the end.
 */
struct rej {
	int xlsx;
	FILE *csv;
	struct xlsx_out *w;
	int want_header;	/* the next call is a file's header */
	size_t ncols;		/* the columns, 原因 included (0: none yet) */
	char **names;		/* the first header's ncols - 1 names */
	int *map;		/* each column's cell in the current file */
	size_t curn;		/* the current file's header cells */
	int identity;		/* its columns are the first file's */
	unsigned char *plain;	/* CSV: a number column, written as is */
	int failed;
	struct ceh_err e;
};

static void
rej_header(struct rej *x, char *const *f, size_t n)
{
	struct sbuf line = SBUF_INIT;
	enum xo_kind *kinds;
	const char **cells;
	size_t i, j;

	x->curn = n;
	if (x->ncols) {		/* a later file: its columns by name */
		unsigned char *used = xcalloc(n ? n : 1, 1);

		x->identity = n + 1 == x->ncols;
		for (i = 0; i + 1 < x->ncols; i++) {
			x->map[i] = -1;
			for (j = 0; j < n; j++)
				if (!used[j] && strcmp(f[j], x->names[i]) == 0) {
					used[j] = 1;
					x->map[i] = (int)j;
					x->identity &= i == j;
					break;
				}
		}
		free(used);
		return;
	}
	x->ncols = n + 1;
	x->identity = 1;
	x->names = xcalloc(x->ncols, sizeof(*x->names));
	x->map = xcalloc(x->ncols, sizeof(*x->map));
	x->plain = xcalloc(x->ncols, 1);
	cells = xcalloc(x->ncols, sizeof(*cells));
	for (i = 0; i < n; i++) {
		x->names[i] = xstrdup(f[i]);
		x->map[i] = (int)i;
		x->plain[i] = strcmp(f[i], "年度") == 0 ||
		    strcmp(f[i], "学时") == 0;
		cells[i] = f[i];
	}
	cells[n] = "原因";
	if (x->xlsx) {
		kinds = xcalloc(x->ncols, sizeof(*kinds));	/* XO_TEXT */
		x->failed = xlsxout_open("rejects", x->ncols, cells, kinds,
		    NULL, &x->w, &x->e) < 0;
		free(kinds);
	} else {
		sb_adds(&line, "\xef\xbb\xbf");
		for (i = 0; i < x->ncols; i++) {
			if (i)
				sb_addc(&line, ',');
			csv_put(&line, cells[i]);
		}
		sb_adds(&line, "\r\n");
		fwrite(line.buf, 1, line.len, x->csv);
		sb_release(&line);
	}
	free(cells);
}

static void
rej_row(void *arg, char *const *f, size_t n, const char *reason)
{
	struct rej *x = arg;
	struct sbuf line = SBUF_INIT;
	const char **cells;
	size_t i;

	if (x->failed)
		return;
	if (x->want_header) {
		x->want_header = 0;
		rej_header(x, f, n);
		return;
	}
	if (!x->xlsx && (x->identity || n != x->curn)) {
		/* as read: the first file's columns, or a row whose fields
		 * cannot be matched to them */
		for (i = 0; i <= n; i++) {
			if (i)
				sb_addc(&line, ',');
			if (i == n || (i + 1 < x->ncols && x->plain[i]))
				csv_put(&line, i < n ? f[i] : reason);
			else
				csv_put_excel(&line, f[i]);
		}
		sb_adds(&line, "\r\n");
		fwrite(line.buf, 1, line.len, x->csv);
		sb_release(&line);
		return;
	}
	cells = xcalloc(x->ncols, sizeof(*cells));
	for (i = 0; i + 1 < x->ncols; i++)
		cells[i] = x->map[i] >= 0 && (size_t)x->map[i] < n ?
		    f[x->map[i]] : "";
	cells[x->ncols - 1] = reason;
	if (x->xlsx)
		x->failed = xlsxout_row(x->w, cells, &x->e) < 0;
	else {
		for (i = 0; i < x->ncols; i++) {
			if (i)
				sb_addc(&line, ',');
			if (x->plain[i] || i + 1 == x->ncols)
				csv_put(&line, cells[i]);
			else
				csv_put_excel(&line, cells[i]);
		}
		sb_adds(&line, "\r\n");
		fwrite(line.buf, 1, line.len, x->csv);
		sb_release(&line);
	}
	free(cells);
}

/* Publish the rejects file (an .xlsx only when a row was rejected: an
 * old one is removed); 0 or -1 with x->e filled. */
static int
rej_finish(struct rej *x, const char *path)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < x->ncols; i++)
		free(x->names[i]);
	free(x->names);
	free(x->map);
	free(x->plain);
	if (!x->xlsx) {
		int bad = ferror(x->csv);

		if ((fclose(x->csv) != 0 || bad) && !x->failed) {
			x->failed = 1;
			ceh_fail_errno(&x->e, "%s", path); /* machine: a path */
		}
		return x->failed ? -1 : 0;
	}
	if (x->failed) {
		xlsxout_abort(x->w);
		return -1;
	}
	if (x->w == NULL)
		rc = unlink(path) < 0 && errno != ENOENT ?
		    ceh_fail_errno(&x->e, "%s", path) : 0; /* machine: a path */
	else
		rc = xlsxout_commit_path(x->w, path, &x->e);
	return rc;
}

static int
is_xlsx_name(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

/* What was read, what was skipped around the data and what was
 * normalised: one line each. */
static void
source_lines(const char *path, const struct import_opts *o,
    const struct import_stats *st)
{
	char buf[512];

	if (strcmp(st->src.format, "csv") == 0 && st->bom)
		fprintf(stderr, o->enc == CSVENC_AUTO ? _("ceh import: %s: "
		    "encoding %s (byte order mark) (detected)\n") :
		    _("ceh import: %s: encoding %s (byte order mark)\n"), path,
		    csv_encoding_name(st->used));
	else if (strcmp(st->src.format, "csv") == 0)
		fprintf(stderr, o->enc == CSVENC_AUTO ? _("ceh import: %s: "
		    "encoding %s (detected)\n") : _("ceh import: %s: encoding "
		    "%s\n"), path, csv_encoding_name(st->used));
	else
		fprintf(stderr, _("ceh import: %s: sheet '%s' (%s), header on "
		    "row %ld\n"), path, st->src.sheet, st->src.format,
		    st->src.header_line);
	if (rowsrc_skipped_text(&st->src, buf, sizeof(buf))[0])
		fprintf(stderr, _("ceh import: %s: rows skipped: %s\n"), path,
		    buf);
	if (norm_counts_text(&st->norm, buf, sizeof(buf))[0])
		fprintf(stderr, _("ceh import: %s: values normalised: %s\n"),
		    path, buf);
}

CMD_FN(import)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "encoding", required_argument, NULL, O_ENC },
		{ "rejects", required_argument, NULL, O_REJ },
		{ "sheet", required_argument, NULL, O_SHEET },
		CMD_OPT_END
	};
	struct import_opts o;
	struct import_stats st, tot;
	struct ceh_err e;
	struct lock lk = { -1 };
	struct records_writer w = { 0 };
	struct rej xr;
	const char *rejects = NULL;
	struct progress pr;
	int ch, i, rc = 0, nfiles = 0;

	memset(&o, 0, sizeof(o));
	memset(&xr, 0, sizeof(xr));
	memset(&tot, 0, sizeof(tot));
	o.enc = CSVENC_AUTO;
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'h':
			return cmd_help(usage);
		case O_DRY:
			o.dry_run = 1;
			break;
		case O_ENC:
			if (csv_encoding_parse(optarg, &o.enc) < 0)
				return cmd_usage_error(argv[0], usage,
				    _("unknown encoding '%s' (auto, utf-8 or "
				    "gb18030)"), optarg);
			break;
		case O_REJ:
			rejects = optarg;
			break;
		case O_SHEET:
			o.sheet = optarg;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (optind >= argc)
		return cmd_usage_error(argv[0], usage, _("give at least one CSV "
		    "file"));
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	/* the store lock, and the writer marker for where the lock keeps
	 * nobody out (records.h) */
	if (!o.dry_run) {
		if (store_lock(s, &lk, &e) < 0 ||
		    records_writer_claim(s, &lk, 1, &w, &e) < 0 ||
		    records_recover(s, &e) < 0) {
			records_writer_release(s, &w);
			lock_release(&lk);
			return cmd_error(argv[0], &e);
		}
	}
	if (rejects) {
		struct stat rst, ist;

		/* opening it empties it: never one of the inputs */
		if (stat(rejects, &rst) == 0)
			for (i = optind; i < argc; i++)
				if (stat(argv[i], &ist) == 0 &&
				    ist.st_dev == rst.st_dev &&
				    ist.st_ino == rst.st_ino) {
					records_writer_release(s, &w);
					lock_release(&lk);
					return cmd_usage_error(argv[0], usage,
					    _("--rejects '%s' is one of the "
					    "files to import"), rejects);
				}
		xr.xlsx = is_xlsx_name(rejects);
		if (!xr.xlsx && (xr.csv = fopen(rejects, "w")) == NULL) {
			ceh_fail_errno(&e, "%s", rejects);
			records_writer_release(s, &w);
			lock_release(&lk);
			return cmd_error(argv[0], &e);
		}
		o.reject_row = rej_row;
		o.reject_arg = &xr;
	}
	/* TRANSLATORS: what the progress line counts */
	progress_begin(&pr, "import", "", _("rows"), 0);
	o.say = say;
	o.arg = &pr;
	o.progress = progress;
	for (i = optind; i < argc; i++) {
		/* each file's header before its first rejected row */
		o.rejects_header = xr.want_header = rejects != NULL;
		if (records_import(s, argv[i], &o, &st, &e) < 0) {
			progress_clear(&pr);
			cmd_error(argv[0], &e);
			fprintf(stderr, _("ceh import: %s: nothing imported "
			    "from this file\n"), argv[i]);
			if (rc == 0 || rc == CEH_EINPUT)
				rc = e.code;
			/* a file that failed half-way may have left bytes
			 * past the committed sizes: cut them off, or every
			 * later file would be refused */
			if (!o.dry_run && records_recover(s, &e) < 0) {
				cmd_error(argv[0], &e);
				rc = e.code;
				break;
			}
			continue;
		}
		nfiles++;
		progress_clear(&pr);
		cmd_errors_unlisted(argv[0]);
		source_lines(argv[i], &o, &st);
		summary(argv[i], &st);
		tot.read += st.read;
		tot.imported += st.imported;
		tot.duplicates += st.duplicates;
		tot.conflicts += st.conflicts;
		tot.rejected += st.rejected;
		if ((st.rejected || st.conflicts) && rc == 0)
			rc = CEH_EINPUT;
	}
	if (nfiles > 1 || argc - optind > 1)
		/* TRANSLATORS: in place of a file name: all the files */
		summary(_("total"), &tot);
	if (o.dry_run)
		fprintf(stderr, _("ceh import: dry run: nothing was written\n"));
	if (o.reject_row && rej_finish(&xr, rejects) < 0) {
		cmd_error(argv[0], &xr.e);
		if (rc == 0 || rc == CEH_EINPUT)
			rc = xr.e.code;
	} else if (o.reject_row && tot.rejected + tot.conflicts)
		fprintf(stderr, Q_("ceh import: %ld row written to %s\n",
		    "ceh import: %ld rows written to %s\n", tot.rejected +
		    tot.conflicts), tot.rejected + tot.conflicts, rejects);
	progress_end(&pr);
	records_writer_release(s, &w);
	lock_release(&lk);
	return rc;
}
