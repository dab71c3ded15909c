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

/* An .xlsx rejects file: the first header opens the workbook (its
 * columns and 原因), every row after it goes in, cut or padded to those
 * columns with the reason last; the first error stops the writing and
 * is reported at the end. */
struct xrej {
	struct xlsx_out *w;
	size_t ncols;
	int failed;
	struct ceh_err e;
};

static void
xrej_row(void *arg, char *const *f, size_t n, const char *reason)
{
	struct xrej *x = arg;
	const char **cells;
	enum xo_kind *kinds;
	size_t i;

	if (x->failed)
		return;
	if (x->w == NULL) {
		x->ncols = n + 1;
		kinds = xcalloc(x->ncols, sizeof(*kinds));	/* XO_TEXT */
		cells = xcalloc(x->ncols, sizeof(*cells));
		for (i = 0; i < n; i++)
			cells[i] = f[i];
		cells[n] = reason;
		x->failed = xlsxout_open("rejects", x->ncols, cells, kinds,
		    NULL, &x->w, &x->e) < 0;
		free(kinds);
		free(cells);
		return;
	}
	cells = xcalloc(x->ncols, sizeof(*cells));
	for (i = 0; i + 1 < x->ncols; i++)
		cells[i] = i < n ? f[i] : "";
	cells[x->ncols - 1] = reason;
	x->failed = xlsxout_row(x->w, cells, &x->e) < 0;
	free(cells);
}

/* Publish the .xlsx rejects file (none when nothing was rejected: an
 * old one is removed); 0 or -1 with x->e filled. */
static int
xrej_finish(struct xrej *x, const char *path)
{
	if (x->failed) {
		xlsxout_abort(x->w);
		return -1;
	}
	if (x->w == NULL)
		return unlink(path) < 0 && errno != ENOENT ?
		    ceh_fail_errno(&x->e, "%s", path) : 0; /* machine: a path */
	return xlsxout_commit_path(x->w, path, &x->e);
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
	struct xrej xr;
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
		if (is_xlsx_name(rejects)) {
			o.reject_row = xrej_row;
			o.reject_arg = &xr;
		} else
			o.rejects = fopen(rejects, "w");
		if (o.rejects == NULL && o.reject_row == NULL) {
			ceh_fail_errno(&e, "%s", rejects);
			records_writer_release(s, &w);
			lock_release(&lk);
			return cmd_error(argv[0], &e);
		}
		o.rejects_header = 1;
	}
	/* TRANSLATORS: what the progress line counts */
	progress_begin(&pr, "import", "", _("rows"), 0);
	o.say = say;
	o.arg = &pr;
	o.progress = progress;
	for (i = optind; i < argc; i++) {
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
	if (o.reject_row && xrej_finish(&xr, rejects) < 0) {
		cmd_error(argv[0], &xr.e);
		if (rc == 0 || rc == CEH_EINPUT)
			rc = xr.e.code;
	} else if (o.reject_row && tot.rejected + tot.conflicts)
		fprintf(stderr, Q_("ceh import: %ld row written to %s\n",
		    "ceh import: %ld rows written to %s\n", tot.rejected +
		    tot.conflicts), tot.rejected + tot.conflicts, rejects);
	if (o.rejects) {
		if (fclose(o.rejects) != 0) {
			ceh_fail_errno(&e, "%s", rejects);
			cmd_error(argv[0], &e);
			if (rc == 0 || rc == CEH_EINPUT)
				rc = CEH_ESYS;
		} else if (tot.rejected + tot.conflicts)
			fprintf(stderr, Q_("ceh import: %ld row written to "
			    "%s\n", "ceh import: %ld rows written to %s\n",
			    tot.rejected + tot.conflicts), tot.rejected +
			    tot.conflicts, rejects);
	}
	progress_end(&pr);
	records_writer_release(s, &w);
	lock_release(&lk);
	return rc;
}
