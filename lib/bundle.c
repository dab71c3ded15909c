/* bundle.c - attachments in one zip per application (see bundle.h). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "atomic.h"
#include "bundle.h"
#include "err.h"
#include "i18n.h"
#include "fault.h"
#include "hash.h"
#include "util.h"
#include "xalloc.h"

#define ZIP_SLACK (1L << 20)	/* central directory and headers */
/* Each entry's external attributes: a regular file of mode 0600, the mode
 * of every file in the store (atomic.h), not libzip's default 0666. */
#define ENTRY_ATTRIBUTES ((zip_uint32_t)0100600 << 16)

/* ---- names and types ---- */

const char *
bundle_sniff(const void *buf, size_t len)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a,
	    0x1a, 0x0a };
	const unsigned char *b = buf;

	if (len >= 5 && memcmp(b, "%PDF-", 5) == 0)
		return "application/pdf";
	if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return "image/jpeg";
	if (len >= 8 && memcmp(b, png, 8) == 0)
		return "image/png";
	return NULL;
}

int
bundle_name_check(const char *field, const char *name, struct ceh_err *e)
{
	size_t len = strlen(name);
	unsigned c;

	if (len == 0)
		return ceh_fail(e, CEH_EINPUT, _("%s: empty file name"), field);
	if (!utf8_valid(name, len))
		return ceh_fail(e, CEH_EINPUT, _("%s: file name is not valid "
		    "UTF-8"), field);
	if (has_control(name))
		return ceh_fail(e, CEH_EINPUT, _("%s: file name contains a "
		    "control character"), field);
	if ((c = has_invisible(name)) != 0)
		return ceh_fail(e, CEH_EINPUT, _("%s: file name contains an "
		    "invisible direction or format character (U+%04X)"), field,
		    c);
	if (strchr(name, '/') || strchr(name, '\\'))
		return ceh_fail(e, CEH_EINPUT, _("%s: file name '%s' contains "
		    "'/' or '\\'"), field, name);
	if (name[0] == '.')
		return ceh_fail(e, CEH_EINPUT, _("%s: file name '%s' starts with "
		    "a dot"), field, name);
	if (len > BUNDLE_NAME_MAX_BYTES ||
	    utf8_chars(name) > BUNDLE_NAME_MAX_CHARS)
		return ceh_fail(e, CEH_EINPUT, _("%s: file name is longer than "
		    "%d characters"), field, BUNDLE_NAME_MAX_CHARS);
	return 0;
}

/* ---- small helpers ---- */

static void
zip_path(const struct person *p, enum stage f, const char *uniq, char *out,
    size_t size)
{
	char shard[4];

	person_shard(p->idnum, shard);
	snprintf(out, size, "people/%s/%s/%s/%s.zip", shard, p->idnum,
	    stage_name(f), uniq);
}

static void
report(struct bundle_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
report(struct bundle_report *rep, const char *fmt, ...)
{
	char msg[1400];
	va_list ap;

	if (rep == NULL || rep->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rep->say(rep->arg, msg);
}

static const char *
uniq_of(const struct application *app)
{
	return app->id + IDNUM_LEN + 1;
}

static int
zfail(struct ceh_err *e, int code, const char *what, zip_error_t *ze)
{
	return ceh_fail(e, code, "%s: %s", what, zip_error_strerror(ze));
}

/* The message of e after "path: ", which load_archive and open_mem put
 * first. */
static const char *
after_path(const struct ceh_err *e, const char *path)
{
	size_t n = strlen(path);

	if (strncmp(e->msg, path, n) == 0 && e->msg[n] == ':' &&
	    e->msg[n + 1] == ' ')
		return e->msg + n + 2;
	return e->msg;
}

/* Documented total of bytes. */
static long
doc_total(const struct application *app)
{
	long t = 0;
	size_t i, j;

	for (i = 0; i < app->nyears; i++)
		for (j = 0; j < app->years[i].natt; j++)
			t += app->years[i].att[j].size;
	return t;
}

static size_t
doc_count(const struct application *app)
{
	size_t i, n = 0;

	for (i = 0; i < app->nyears; i++)
		n += app->years[i].natt;
	return n;
}

/*
 * Read UNIQ.zip of app from folder (or, when search, from any stage
 * folder).  Returns 1 and the bytes, 0 when there is none, -1 on error.
 * The size is bounded (an archive far larger than what it should hold
 * is not read).
 */
static int
load_archive(struct store *s, struct person *p, const struct application *app,
    enum stage folder, int search, char **buf, size_t *len,
    enum stage *where, struct ceh_err *e)
{
	char name[64], path[200];
	long bound = s->cfg.attach_max_total;
	int f;

	if (doc_total(app) > bound)
		bound = doc_total(app);
	bound += ZIP_SLACK + 1024L * (long)doc_count(app);
	snprintf(name, sizeof(name), "%s.zip", uniq_of(app));
	for (f = -1; f < STAGE__COUNT; f++) {
		enum stage g = f < 0 ? folder : (enum stage)f;

		if (f >= 0 && (!search || g == folder))
			continue;
		if (p->stagefd[g] < 0)
			continue;
		if (read_file_at(p->stagefd[g], name, (size_t)bound, buf, len,
		    e) == 0) {
			*where = g;
			return 1;
		}
		if (e->code != CEH_ENOTFOUND) {
			zip_path(p, g, uniq_of(app), path, sizeof(path));
			ceh_err_prefix(e, "%s", path);
			return -1;
		}
	}
	ceh_err_clear(e);
	return 0;
}

/* Open an archive held in memory.  The buffer stays the caller's and must
 * outlive the archive.  With keep, *srcp stays usable after zip_close (the
 * new bytes are read from it). */
static zip_t *
open_mem(const char *buf, size_t len, int flags, zip_source_t **srcp,
    const char *what, struct ceh_err *e)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;

	zip_error_init(&ze);
	if (srcp && len) {
		/* libzip 1.7.3 frees the data of a buffer source it rewrites,
		 * whatever freep says: give it a copy it owns */
		char *copy = xmalloc(len);

		memcpy(copy, buf, len);
		src = zip_source_buffer_create(copy, len, 1, &ze);
		if (src == NULL)
			free(copy);
	} else {
		src = zip_source_buffer_create(len ? buf : NULL, len, 0, &ze);
	}
	if (src == NULL) {
		zfail(e, CEH_ESYS, what, &ze);
		zip_error_fini(&ze);
		return NULL;
	}
	za = zip_open_from_source(src, flags, &ze);
	if (za == NULL) {
		zfail(e, CEH_EINPUT, what, &ze);
		zip_error_fini(&ze);
		zip_source_free(src);
		return NULL;
	}
	zip_error_fini(&ze);
	if (srcp) {
		zip_source_keep(src);
		*srcp = src;
	}
	return za;
}

/* zip_close an archive opened by open_mem with a kept source and take the
 * new bytes out of the source.  The archive is gone afterwards either
 * way (zip_discard on failure, Z1). */
static int
close_mem(zip_t *za, zip_source_t *src, char **out, size_t *outlen,
    const char *what, struct ceh_err *e)
{
	zip_stat_t st;
	zip_int64_t n;

	*out = NULL;
	*outlen = 0;
	if (zip_close(za) < 0) {
		ceh_fail(e, CEH_ESYS, _("%s: cannot write the archive: %s"), what,
		    zip_strerror(za));
		zip_discard(za);
		zip_source_free(src);
		return -1;
	}
	zip_stat_init(&st);
	if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    zip_source_open(src) < 0) {
		ceh_fail(e, CEH_ESYS, _("%s: cannot read the new archive"), what);
		zip_source_free(src);
		return -1;
	}
	*out = xmalloc(st.size ? st.size : 1);
	n = zip_source_read(src, *out, st.size);
	zip_source_close(src);
	zip_source_free(src);
	if (n < 0 || (zip_uint64_t)n != st.size) {
		free(*out);
		*out = NULL;
		return ceh_fail(e, CEH_ESYS, _("%s: cannot read the new archive"),
		    what);
	}
	*outlen = (size_t)n;
	return 0;
}

/* ---- matching an archive to the document ---- */

struct docatt {
	int year;
	const struct attachment *at;
	zip_int64_t idx;	/* archive index, -1 missing */
	int dup;		/* the archive holds the name twice */
	char *why;		/* problem, NULL if it verified */
};

struct scan {
	struct docatt *d;
	size_t n;
	zip_int64_t *extra;	/* archive indices not in the document */
	size_t nextra;
};

static void
scan_release(struct scan *sc)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		free(sc->d[i].why);
	free(sc->d);
	free(sc->extra);
	memset(sc, 0, sizeof(*sc));
}

static void
scan_doc(const struct application *app, int year, struct scan *sc)
{
	size_t i, j;

	memset(sc, 0, sizeof(*sc));
	sc->d = xcalloc(doc_count(app) + 1, sizeof(*sc->d));
	for (i = 0; i < app->nyears; i++) {
		if (year && app->years[i].year != year)
			continue;
		for (j = 0; j < app->years[i].natt; j++) {
			sc->d[sc->n].year = app->years[i].year;
			sc->d[sc->n].at = &app->years[i].att[j];
			sc->d[sc->n].idx = -1;
			sc->n++;
		}
	}
}

/* Match archive entries to the documented attachments by exact name.
 * all_doc: sc lists every attachment of the document (otherwise entries
 * not matched are not counted as extra). */
static void
scan_match(zip_t *za, struct scan *sc, int all_doc)
{
	zip_int64_t i, n = zip_get_num_entries(za, 0);
	size_t k;

	for (i = 0; i < n; i++) {
		const char *nm = zip_get_name(za, (zip_uint64_t)i,
		    ZIP_FL_ENC_RAW);

		for (k = 0; nm && k < sc->n; k++)
			if (strcmp(nm, sc->d[k].at->entry) == 0)
				break;
		if (nm && k < sc->n) {
			if (sc->d[k].idx >= 0)
				sc->d[k].dup = 1;
			else
				sc->d[k].idx = i;
		} else if (all_doc) {
			sc->extra = xreallocarray(sc->extra, sc->nextra + 1,
			    sizeof(*sc->extra));
			sc->extra[sc->nextra++] = i;
		}
	}
}

/* The header of entry idx against the document, before any byte is
 * decompressed: NULL if it fits, else why not (the caller frees). */
static char *
entry_header(zip_t *za, zip_int64_t idx, const struct attachment *at,
    long limit)
{
	zip_stat_t st;

	zip_stat_init(&st);
	if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) < 0)
		return xasprintf(_("cannot read its header: %s"),
		    zip_strerror(za));
	if (!(st.valid & ZIP_STAT_SIZE))
		return xstrdup(_("the archive gives no size"));
	if (st.size != (zip_uint64_t)at->size)
		return xasprintf(_("size %llu in the archive, %ld in the "
		    "document"), (unsigned long long)st.size, at->size);
	if (at->size > limit)
		return xasprintf(_("size %ld is over the limit of %ld bytes"),
		    at->size, limit);
	return NULL;
}

/* Read the open entry zf, never more than one byte past its declared
 * size, hashing into h (and writing to outfd when >= 0); the byte count
 * into *total.  0, 1 with *why set, -1 if writing failed (errno). */
static int
entry_read(zip_file_t *zf, const struct attachment *at, struct hash_ctx *h,
    int outfd, long *total, char **why)
{
	static char buf[65536];
	zip_int64_t got;

	for (;;) {
		size_t want = sizeof(buf);

		if ((long)want > at->size - *total + 1)
			want = (size_t)(at->size - *total + 1);
		got = zip_fread(zf, buf, want);
		if (got < 0) {
			*why = xasprintf(_("damaged: %s"), zip_file_strerror(zf));
			return 1;
		}
		if (got == 0)
			return 0;
		*total += got;
		if (*total > at->size) {
			*why = xasprintf(_("holds more than the %ld bytes it "
			    "declares"), at->size);
			return 1;
		}
		hash_update(h, buf, (size_t)got);
		if (outfd >= 0 && (fault_hit("write") ? (errno = ENOSPC, -1) :
		    write_all(outfd, buf, (size_t)got)) < 0)
			return -1;
	}
}

/*
 * Read entry idx, which the document describes as at, counting and
 * hashing the bytes (and writing them to outfd when >= 0).  Returns 0 if
 * it matches, 1 with *why set if not, -1 if writing failed (errno).
 */
static int
verify_entry(zip_t *za, zip_int64_t idx, const struct attachment *at,
    long limit, int outfd, char **why)
{
	char hex[SHA256_HEX_LEN + 1];
	struct hash_ctx *h;
	zip_file_t *zf;
	long total = 0;
	int rc;

	if ((*why = entry_header(za, idx, at, limit)) != NULL)
		return 1;
	zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
	if (zf == NULL) {
		*why = xasprintf(_("cannot open it: %s"), zip_strerror(za));
		return 1;
	}
	h = hash_new();
	rc = entry_read(zf, at, h, outfd, &total, why);
	hash_final_hex(h, hex);
	zip_fclose(zf);
	if (rc == 0 && total != at->size) {
		*why = xasprintf(_("holds %ld bytes, %ld declared"), total,
		    at->size);
		rc = 1;
	}
	if (rc == 0 && !hash_equal(hex, at->sha256)) {
		*why = xstrdup(_("its content does not match the SHA-256 in the "
		    "document (altered or damaged)"));
		rc = 1;
	}
	return rc;
}

static long
read_limit(const struct store *s, const struct application *app)
{
	long lim = s->cfg.attach_max_file;
	size_t i, j;

	/* attachments added under a larger limit stay readable */
	for (i = 0; i < app->nyears; i++)
		for (j = 0; j < app->years[i].natt; j++)
			if (app->years[i].att[j].size > lim &&
			    app->years[i].att[j].size <= s->cfg.attach_max_total)
				lim = app->years[i].att[j].size;
	return lim;
}

/* Verify every matched attachment of sc; count problems. */
static size_t
scan_verify(zip_t *za, struct scan *sc, long limit)
{
	size_t k, bad = 0;

	for (k = 0; k < sc->n; k++) {
		struct docatt *d = &sc->d[k];

		free(d->why);
		d->why = NULL;
		if (d->idx < 0)
			d->why = xstrdup(_("missing from the archive"));
		else if (d->dup)
			d->why = xstrdup(_("the archive holds this entry name "
			    "more than once"));
		else
			verify_entry(za, d->idx, d->at, limit, -1, &d->why);
		if (d->why)
			bad++;
	}
	return bad;
}

/* A hostile entry name, printable: control bytes escaped, cut at 200. */
static void
escape_name(const char *nm, struct sbuf *sb)
{
	const char *c;

	for (c = nm ? nm : "?"; *c && sb->len < 200; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			sb_addf(sb, "\\x%02x", (unsigned char)*c);
		else
			sb_addc(sb, *c);
}

/* ---- publishing a changed archive ---- */

/* zip_close the archive (gone afterwards either way) and publish its new
 * bytes as name in dirfd, crash point crash (NULL: none) just before. */
static int
publish(zip_t *za, zip_source_t *src, int dirfd, const char *name,
    const char *path, const char *crash, struct ceh_err *e)
{
	char *out;
	size_t outlen;
	int rc;

	if (close_mem(za, src, &out, &outlen, path, e) < 0)
		return -1;
	if (crash)
		crash_point(crash);
	rc = atomic_write(dirfd, name, out, outlen, e);
	free(out);
	return rc;
}

/* No attachment left: the archive goes. */
static int
unlink_archive(int dirfd, const char *name, const char *path,
    struct ceh_err *e)
{
	crash_point("attach-before-unlink");
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return ceh_fail_errno(e, _("%s: cannot remove"), path);
	return fsync_dir(dirfd, path, e);
}

/* Delete from za every entry the document of app does not list (the
 * leftovers of an interrupted change, or the entry just removed). */
static int
drop_leftovers(zip_t *za, const struct application *app, const char *path,
    struct ceh_err *e)
{
	struct scan sc;
	size_t i;
	int rc = 0;

	scan_doc(app, 0, &sc);
	scan_match(za, &sc, 1);
	for (i = 0; i < sc.nextra && rc == 0; i++)
		if (zip_delete(za, (zip_uint64_t)sc.extra[i]) < 0)
			rc = ceh_fail(e, CEH_ESYS, "%s: %s", path,
			    zip_strerror(za));
	scan_release(&sc);
	return rc;
}

/* Repair: rewrite archive bytes buf without what app does not list, or
 * remove the archive when app lists nothing. */
static int
drop_extras(struct person *p, enum stage f, const struct application *app,
    const char *buf, size_t len, const char *path, struct ceh_err *e)
{
	char name[64];
	zip_source_t *src;
	zip_t *za;

	snprintf(name, sizeof(name), "%s.zip", uniq_of(app));
	if (doc_count(app) == 0)
		return unlink_archive(p->stagefd[f], name, path, e);
	za = open_mem(buf, len, ZIP_CHECKCONS, &src, path, e);
	if (za == NULL)
		return -1;
	if (drop_leftovers(za, app, path, e) < 0) {
		zip_discard(za);
		zip_source_free(src);
		return -1;
	}
	return publish(za, src, p->stagefd[f], name, path, NULL, e);
}

/* ---- check and repair ---- */

/* A reader's archive that could not be read (too large, not a regular
 * file, a symbolic link: class 1 from read_file_at) is a finding counted
 * as nprob problems; anything else is a system error (-1). */
static int
unreadable(struct bundle_report *rep, long nprob, struct ceh_err *e)
{
	if (e->code != CEH_EINPUT)
		return -1;
	report(rep, "%s", e->msg);
	rep->problems += nprob;
	ceh_err_clear(e);
	return 0;
}

/* Open loaded archive bytes for a reader: 1 and *za, or 0 when they are
 * damaged (reported, nprob problems), -1 on a system error. */
static int
open_reading(const char *buf, size_t len, const char *path, long nprob,
    zip_t **za, struct bundle_report *rep, struct ceh_err *e)
{
	if (len == 0) {
		/* libzip opens a zero-byte file as an empty archive (Z5) */
		report(rep, _("%s: damaged: the file is empty"), path);
		rep->problems += nprob;
		return 0;
	}
	*za = open_mem(buf, len, ZIP_RDONLY | ZIP_CHECKCONS, NULL, path, e);
	if (*za)
		return 1;
	if (e->code == CEH_ESYS)
		return -1;
	report(rep, _("%s: damaged: %s"), path, after_path(e, path));
	rep->problems += nprob;
	ceh_err_clear(e);
	return 0;
}

/* Report the entries of za that sc does not match (sc->extra when
 * scan_match collected them), never used; fmt is the line (translated,
 * "%s: entry '%s' ..." with the path and the entry). */
static void
report_leftovers(zip_t *za, const struct scan *sc, const char *path,
    const char *fmt, struct bundle_report *rep)
{
	size_t k;

	for (k = 0; k < sc->nextra; k++) {
		const char *nm = zip_get_name(za, (zip_uint64_t)sc->extra[k],
		    ZIP_FL_ENC_RAW);
		struct sbuf sb = SBUF_INIT;

		escape_name(nm, &sb);
		report(rep, fmt, path, sb_str(&sb));
		sb_release(&sb);
	}
	rep->leftovers += (long)sc->nextra;
}

/* The archive exists but the document lists nothing. */
static int
check_unlisted(struct person *p, const struct application *app,
    enum stage where, const char *buf, size_t len, const char *path,
    struct bundle_report *rep, int repair, struct ceh_err *e)
{
	rep->leftovers++;
	if (repair)
		report(rep, _("%s: archive not listed by the document (left "
		    "by an interrupted change), removed"), path);
	else
		report(rep, _("%s: archive not listed by the document (left "
		    "by an interrupted change)"), path);
	if (!repair)
		return 0;
	if (drop_extras(p, where, app, buf, len, path, e) < 0)
		return -1;
	rep->fixed++;
	return 0;
}

/* Verify every listed attachment of an opened archive, report the
 * leftovers, and with repair rewrite it without them. */
static int
check_entries(struct store *s, struct person *p,
    const struct application *app, enum stage where, zip_t *za,
    const char *buf, size_t len, const char *path,
    struct bundle_report *rep, int repair, struct ceh_err *e)
{
	struct scan sc;
	size_t k;
	int rc = 0;

	scan_doc(app, 0, &sc);
	scan_match(za, &sc, 1);
	rep->problems += (long)scan_verify(za, &sc, read_limit(s, app));
	for (k = 0; k < sc.n; k++) {
		if (sc.d[k].why)
			report(rep, _("%s: %d attachment '%s' (entry '%s'): %s"),
			    path, sc.d[k].year, sc.d[k].at->name,
			    sc.d[k].at->entry, sc.d[k].why);
		else
			rep->checked++;
	}
	report_leftovers(za, &sc, path, repair ? _("%s: entry '%s' is not "
	    "listed by the document (left by an interrupted change, or added "
	    "by hand), removed") : _("%s: entry '%s' is not listed by the "
	    "document (left by an interrupted change, or added by hand)"),
	    rep);
	if (repair && sc.nextra) {
		rc = drop_extras(p, where, app, buf, len, path, e);
		if (rc == 0)
			rep->fixed += (long)sc.nextra;
	}
	scan_release(&sc);
	return rc;
}

int
bundle_check(struct store *s, struct person *p, const struct application *app,
    enum stage folder, struct bundle_report *rep, int repair,
    struct ceh_err *e)
{
	char path[200];
	enum stage where = folder;
	size_t len, ndoc = doc_count(app);
	char *buf = NULL;
	zip_t *za = NULL;
	int rc;

	rc = rep->no_archive ? 0 : load_archive(s, p, app, folder, !repair,
	    &buf, &len, &where, e);
	if (rc < 0)
		return unreadable(rep, 1, e);
	zip_path(p, where, uniq_of(app), path, sizeof(path));
	if (rc == 0) {
		if (ndoc) {
			rep->problems += (long)ndoc;
			report(rep, _("%s: missing, the document lists %zu "
			    "attachment(s)"), path, ndoc);
		}
		return 0;
	}
	if (ndoc == 0)
		rc = check_unlisted(p, app, where, buf, len, path, rep, repair,
		    e);
	else if ((rc = open_reading(buf, len, path, (long)ndoc, &za, rep,
	    e)) > 0) {
		rc = check_entries(s, p, app, where, za, buf, len, path, rep,
		    repair, e);
		zip_discard(za);
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

/* ---- two copies of one archive (an interrupted move) ---- */

/* The archive holds every attachment the document lists, verified
 * (entries it does not list are leftovers, removed later). */
static int
twin_matches(struct store *s, const struct application *app,
    const char *buf, size_t len)
{
	struct ceh_err e;
	struct scan sc;
	size_t bad;
	zip_t *za;

	if ((za = open_mem(buf, len, ZIP_CHECKCONS | ZIP_RDONLY, NULL, "zip",
	    &e)) == NULL)
		return 0;
	scan_doc(app, 0, &sc);
	scan_match(za, &sc, 1);
	bad = scan_verify(za, &sc, read_limit(s, app));
	scan_release(&sc);
	zip_discard(za);
	return bad == 0;
}

/* Every entry of the archive in lb is in the one in wb with the same
 * name, size and CRC-32. */
static int
twin_covers(const char *wb, size_t wl, const char *lb, size_t ll)
{
	struct ceh_err e;
	zip_t *w, *l;
	zip_int64_t i, n;
	int ok = 1;

	if ((w = open_mem(wb, wl, ZIP_CHECKCONS | ZIP_RDONLY, NULL, "zip",
	    &e)) == NULL)
		return 0;
	if ((l = open_mem(lb, ll, ZIP_CHECKCONS | ZIP_RDONLY, NULL, "zip",
	    &e)) == NULL) {
		zip_discard(w);
		return 0;
	}
	n = zip_get_num_entries(l, 0);
	for (i = 0; ok && i < n; i++) {
		zip_stat_t a, b;
		const char *nm = zip_get_name(l, (zip_uint64_t)i,
		    ZIP_FL_ENC_RAW);

		zip_stat_init(&a);
		zip_stat_init(&b);
		ok = nm && zip_stat_index(l, (zip_uint64_t)i, 0, &a) == 0 &&
		    zip_stat(w, nm, ZIP_FL_ENC_RAW, &b) == 0 &&
		    (a.valid & b.valid & (ZIP_STAT_SIZE | ZIP_STAT_CRC)) ==
		    (ZIP_STAT_SIZE | ZIP_STAT_CRC) && a.size == b.size &&
		    a.crc == b.crc;
	}
	zip_discard(l);
	zip_discard(w);
	return ok;
}

int
bundle_twins(struct store *s, struct person *p,
    const struct application *app, enum stage a, enum stage b,
    struct ceh_err *e)
{
	char name[64], *ba = NULL, *bb = NULL;
	size_t la, lb;
	size_t bound = (size_t)s->cfg.attach_max_total + ZIP_SLACK +
	    1024 * (doc_count(app) + 16);
	int rc = TWIN_BOTH, ma, mb;

	snprintf(name, sizeof(name), "%s.zip", uniq_of(app));
	if (read_file_at(p->stagefd[a], name, bound, &ba, &la, e) < 0)
		return -1;
	if (read_file_at(p->stagefd[b], name, bound, &bb, &lb, e) < 0) {
		free(ba);
		return -1;
	}
	if (la == lb && memcmp(ba, bb, la) == 0)
		rc = TWIN_SAME;
	else {
		ma = twin_matches(s, app, ba, la);
		mb = twin_matches(s, app, bb, lb);
		if (ma && twin_covers(ba, la, bb, lb))
			rc = TWIN_KEEP_A;
		else if (!ma && mb && twin_covers(bb, lb, ba, la))
			rc = TWIN_KEEP_B;
	}
	free(ba);
	free(bb);
	return rc;
}

/* ---- adding ---- */

struct newfile {
	char *data;
	size_t len;
	const char *type;
	char *name;
	char sha[SHA256_HEX_LEN + 1];
};

/* Read fd (the file path) into nf: at most limit bytes, reading one
 * more to notice a file that grows. */
static int
read_bounded(int fd, const char *path, long limit, struct newfile *nf,
    struct ceh_err *e)
{
	ssize_t r;
	size_t got = 0;

	nf->data = xmalloc((size_t)limit + 1);
	while ((r = read(fd, nf->data + got, (size_t)limit + 1 - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ceh_fail_errno(e, _("cannot read '%s'"), path);
		got += (size_t)r;
		if (got > (size_t)limit)
			return ceh_fail(e, CEH_EINPUT, _("'%s' is too large (over "
			    "the limit of %ld bytes per file)"), path, limit);
	}
	nf->len = got;
	return 0;
}

/* Open a file to attach: not a symbolic link, a regular file within
 * limit.  The descriptor, or -1. */
static int
open_input(const char *path, long limit, struct ceh_err *e)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY);
	if (fd < 0 && errno == ELOOP)
		return ceh_fail(e, CEH_EINPUT, _("'%s' is a symbolic link; give "
		    "the file itself"), path);
	if (fd < 0 && errno == ENOENT)
		return ceh_fail(e, CEH_ENOTFOUND, _("'%s' not found"), path);
	if (fd < 0)
		return ceh_fail_errno(e, _("cannot open '%s'"), path);
	if (fstat(fd, &st) < 0)
		ceh_fail_errno(e, _("cannot stat '%s'"), path);
	else if (!S_ISREG(st.st_mode))
		ceh_fail(e, CEH_EINPUT, S_ISDIR(st.st_mode) ?
		    _("'%s' is a directory, not a regular file") :
		    _("'%s' is a special file, not a regular file"), path);
	else if (st.st_size > limit)
		ceh_fail(e, CEH_EINPUT, _("'%s' is too large (%lld bytes, the "
		    "limit per file is %ld)"), path, (long long)st.st_size,
		    limit);
	else
		return fd;
	close(fd);
	return -1;
}

static int
read_input(const struct bundle_input *in, long limit, struct newfile *nf,
    struct ceh_err *e)
{
	const char *base = strrchr(in->path, '/');
	int fd, rc;

	base = base ? base + 1 : in->path;
	nf->name = xstrdup(in->name ? in->name : base);
	if (bundle_name_check(in->name ? "--name" : in->path, nf->name,
	    e) < 0)
		return -1;
	if ((fd = open_input(in->path, limit, e)) < 0)
		return -1;
	rc = read_bounded(fd, in->path, limit, nf, e);
	close(fd);
	if (rc < 0)
		return -1;
	nf->type = bundle_sniff(nf->data, nf->len);
	if (nf->type == NULL)
		return ceh_fail(e, CEH_EINPUT, _("'%s' is not a PDF, JPEG or PNG "
		    "file (type decided by its content, not its name)"),
		    in->path);
	sha256_hex(nf->data, nf->len, nf->sha);
	return 0;
}

/* The next free number for entries "YEAR/N-..." of year. */
static long
next_number(zip_t *za, const struct year_row *row)
{
	char pre[16];
	long n, max = 0;
	size_t j, plen;
	zip_int64_t i, cnt;

	plen = (size_t)snprintf(pre, sizeof(pre), "%d/", row->year);
	for (j = 0; j < row->natt; j++)
		if (strncmp(row->att[j].entry, pre, plen) == 0 &&
		    (n = strtol(row->att[j].entry + plen, NULL, 10)) > max)
			max = n;
	cnt = za ? zip_get_num_entries(za, 0) : 0;
	for (i = 0; i < cnt; i++) {
		const char *nm = zip_get_name(za, (zip_uint64_t)i,
		    ZIP_FL_ENC_RAW);

		if (nm && strncmp(nm, pre, plen) == 0 &&
		    (n = strtol(nm + plen, NULL, 10)) > max && n < LONG_MAX)
			max = n;
	}
	return max + 1;
}

static int
check_draft(const struct application *app, struct ceh_err *e)
{
	if (app->stage != STAGE_DRAFT)
		return ceh_fail(e, CEH_ESTATE, _("application %s is %s; "
		    "attachments can only change while it is a draft"),
		    app->id, app_status(app));
	return 0;
}

/* Restore the archive as it was (after the document could not be
 * written): old bytes, or no archive. */
static void
restore_archive(struct person *p, enum stage f, const char *name,
    const char *old, size_t oldlen, int had)
{
	struct ceh_err e2;

	if (had)
		(void)atomic_write(p->stagefd[f], name, old, oldlen, &e2);
	else if (unlinkat(p->stagefd[f], name, 0) == 0)
		(void)fsync_dir(p->stagefd[f], name, &e2);
}

/* ---- the archive as it is, for a change ---- */

/* The archive of a draft opened for rewriting. */
struct current {
	char name[64];		/* UNIQ.zip, in the stage folder */
	char path[200];		/* from the store root, for messages */
	char *old;		/* the bytes as they were, to restore */
	size_t oldlen;
	int had;		/* there was an archive (maybe unreadable) */
	zip_t *za;		/* NULL: none, or unreadable (removing) */
	zip_source_t *src;
};

static void
current_release(struct current *c)
{
	if (c->za) {
		zip_discard(c->za);
		zip_source_free(c->src);
	}
	free(c->old);
	memset(c, 0, sizeof(*c));
}

/* Damage found inside the store is a system error (class 5). */
static int
damaged(struct ceh_err *e, const char *path, const char *why)
{
	char w[sizeof(e->msg)];

	snprintf(w, sizeof(w), "%s", why);	/* why may be e->msg */
	return ceh_fail(e, CEH_ESYS, _("%s is damaged (%.600s); remove its "
	    "attachments with 'ceh attach --remove' and attach them again"),
	    path, w);
}

/* Adding: every listed attachment must verify. */
static int
current_verify(struct store *s, const struct application *app,
    struct current *c, struct ceh_err *e)
{
	struct scan sc;
	size_t i;
	int rc = 0;

	scan_doc(app, 0, &sc);
	scan_match(c->za, &sc, 1);
	if (scan_verify(c->za, &sc, read_limit(s, app)) > 0) {
		for (i = 0; sc.d[i].why == NULL; i++)
			;
		rc = ceh_fail(e, CEH_ESYS, _("%s is damaged: %d attachment "
		    "'%s': %s; remove it with 'ceh attach --remove' and "
		    "attach it again"), c->path, sc.d[i].year,
		    sc.d[i].at->name, sc.d[i].why);
	}
	scan_release(&sc);
	return rc;
}

/*
 * Open the archive of h's draft and check it against the document.
 * strict (adding): every listed attachment must be there intact, else
 * class 5 (damage in the store); a draft that lists none gets a new
 * empty archive (a leftover one is replaced).  Not strict (removing): an
 * archive that cannot be read or opened is left as it is, c->za NULL.
 */
static int
current_open(struct store *s, struct app_handle *h, int strict,
    struct current *c, struct ceh_err *e)
{
	const struct application *app = &h->app;
	size_t ndoc = doc_count(app);
	enum stage where;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s.zip", uniq_of(app));
	zip_path(&h->p, h->folder, uniq_of(app), c->path, sizeof(c->path));
	c->had = load_archive(s, &h->p, app, h->folder, 0, &c->old,
	    &c->oldlen, &where, e);
	if (c->had < 0 && e->code != CEH_EINPUT)
		return -1;
	if (c->had < 0) {
		if (strict)
			return damaged(e, c->path, after_path(e, c->path));
		c->had = 1;		/* too large to read: damaged */
		ceh_err_clear(e);
		return 0;
	}
	if (ndoc == 0) {
		if (strict && (c->za = open_mem(NULL, 0, ZIP_CREATE |
		    ZIP_TRUNCATE, &c->src, c->path, e)) == NULL)
			return -1;
		return 0;
	}
	if (!c->had || c->oldlen == 0) {
		if (!strict)
			return 0;
		if (c->had)
			return damaged(e, c->path, _("empty file"));
		return ceh_fail(e, CEH_ESYS, _("%s is missing but the document "
		    "lists %zu attachment(s); remove them with 'ceh attach "
		    "--remove' and attach them again"), c->path, ndoc);
	}
	c->za = open_mem(c->old, c->oldlen, ZIP_CHECKCONS, &c->src, c->path,
	    e);
	if (c->za == NULL) {
		if (e->code == CEH_ESYS)
			return -1;
		if (strict)
			return damaged(e, c->path, after_path(e, c->path));
		ceh_err_clear(e);	/* removing: left as it is */
	}
	return strict ? current_verify(s, app, c, e) : 0;
}

/* Read and check every file to add, and the new total, before anything
 * is written.  *nfp (n of them) is the caller's to free with
 * newfiles_free, also on failure. */
static int
read_inputs(struct store *s, const struct application *app,
    const struct bundle_input *in, size_t n, struct newfile **nfp,
    struct ceh_err *e)
{
	struct newfile *nf = xcalloc(n, sizeof(*nf));
	long total = doc_total(app);
	size_t i;

	*nfp = nf;
	for (i = 0; i < n; i++) {
		if (read_input(&in[i], s->cfg.attach_max_file, &nf[i], e) < 0)
			return -1;
		total += (long)nf[i].len;
	}
	if (total > s->cfg.attach_max_total)
		return ceh_fail(e, CEH_EINPUT, _("the attachments of %s would "
		    "total %ld bytes, over the limit of %ld"), app->id, total,
		    s->cfg.attach_max_total);
	return 0;
}

static void
newfiles_free(struct newfile *nf, size_t n)
{
	size_t i;

	for (i = 0; nf && i < n; i++) {
		free(nf[i].data);
		free(nf[i].name);
	}
	free(nf);
}

/*
 * The same content (same SHA-256) only once per year: refused (class 4)
 * when the year already lists it, naming the attachment there, or when
 * two of the files given have it.
 */
static int
check_duplicates(const struct application *app, const struct year_row *row,
    const struct bundle_input *in, const struct newfile *nf, size_t n,
    struct ceh_err *e)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < row->natt; j++)
			if (row->att[j].sha256 &&
			    strcmp(row->att[j].sha256, nf[i].sha) == 0)
				return ceh_fail(e, CEH_ESTATE, _("'%s' is "
				    "already attached to year %d of %s as "
				    "'%s' (%s, same SHA-256)"), in[i].path,
				    row->year, app->id, row->att[j].name,
				    row->att[j].entry);
		for (j = 0; j < i; j++)
			if (strcmp(nf[j].sha, nf[i].sha) == 0)
				return ceh_fail(e, CEH_ESTATE, _("'%s' and "
				    "'%s' are the same file (same SHA-256); "
				    "attach it once"), in[j].path,
				    in[i].path);
	}
	return 0;
}

/* Add nf as the next entries of year to the archive and to row. */
static int
add_entries(zip_t *za, struct year_row *row, struct newfile *nf, size_t n,
    const char *path, struct ceh_err *e)
{
	char when[32];
	long num = next_number(za, row);
	size_t i;

	iso_time(now(), when, sizeof(when));
	row->att = xreallocarray(row->att, row->natt + n, sizeof(*row->att));
	for (i = 0; i < n; i++) {
		struct attachment *at = &row->att[row->natt];
		zip_source_t *fs;
		zip_int64_t idx;

		at->name = nf[i].name;
		nf[i].name = NULL;
		at->entry = xasprintf("%d/%ld-%s", row->year, num++, at->name);
		at->size = (long)nf[i].len;
		at->type = xstrdup(nf[i].type);
		at->sha256 = xstrdup(nf[i].sha);
		at->added = xstrdup(when);
		row->natt++;
		fs = zip_source_buffer(za, nf[i].data, nf[i].len, 1);
		if (fs == NULL)
			return ceh_fail(e, CEH_ESYS, "%s: %s", path,
			    zip_strerror(za));
		nf[i].data = NULL;	/* the source owns it now */
		idx = zip_file_add(za, at->entry, fs, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(fs);	/* Z3 */
			return ceh_fail(e, CEH_ESYS, _("%s: cannot add '%s': %s"),
			    path, at->entry, zip_strerror(za));
		}
		/* the store's file mode, not libzip's 0666; JPEG and PNG
		 * are compressed already */
		if (zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0,
		    ZIP_OPSYS_UNIX, ENTRY_ATTRIBUTES) < 0 ||
		    (strcmp(at->type, "application/pdf") != 0 &&
		    zip_set_file_compression(za, (zip_uint64_t)idx,
		    ZIP_CM_STORE, 0) < 0))
			return ceh_fail(e, CEH_ESYS, "%s: %s", path,
			    zip_strerror(za));
	}
	return 0;
}

/*
 * The document could not be saved; it may have been published all the
 * same (a failed fsync of the folder after the rename): put the old
 * archive back only if the document on disk does not list the first new
 * entry.  Otherwise, or if that fails, the new entries are leftovers:
 * harmless, removed by repair.
 */
static void
undo_add(struct store *s, struct app_handle *h, const struct current *c,
    int year, const char *first)
{
	struct application disk;
	struct ceh_err e2;
	const struct year_row *drow;
	size_t i;
	int listed = 0;

	if (app_read(s, &h->p, h->folder, uniq_of(&h->app), &disk, &e2) < 0)
		return;
	if ((drow = app_year(&disk, year)) != NULL)
		for (i = 0; i < drow->natt; i++)
			if (strcmp(drow->att[i].entry, first) == 0)
				listed = 1;
	app_release(&disk);
	if (!listed)
		restore_archive(&h->p, h->folder, c->name, c->old, c->oldlen,
		    c->had);
}

int
bundle_add(struct store *s, struct app_handle *h, int year,
    const struct bundle_input *in, size_t n, struct ceh_err *e)
{
	struct application *app = &h->app;
	struct newfile *nf = NULL;
	struct year_row *row;
	struct current c;
	size_t i;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	if (check_draft(app, e) < 0)
		return -1;
	if ((row = app_year(app, year)) == NULL)
		return ceh_fail(e, CEH_ENOTFOUND, _("application %s has no year "
		    "%d; add it first with 'ceh add-year'"), app->id, year);
	if (n == 0)
		return ceh_fail(e, CEH_EUSAGE, _("no file to attach"));
	/* 1. read and check everything before touching the store; 2. the
	 * archive as it is must match the document; its leftovers go (in
	 * memory); no content twice in the year */
	if (read_inputs(s, app, in, n, &nf, e) < 0 ||
	    current_open(s, h, 1, &c, e) < 0 ||
	    drop_leftovers(c.za, app, c.path, e) < 0 ||
	    check_duplicates(app, row, in, nf, n, e) < 0 ||
	    add_entries(c.za, row, nf, n, c.path, e) < 0)	/* 3. */
		goto out;
	/* 4. archive first, then the document that lists the new entries */
	rc = publish(c.za, c.src, h->p.stagefd[h->folder], c.name, c.path,
	    "attach-before-zip", e);
	c.za = NULL;
	if (rc < 0)
		goto out;
	crash_point("attach-after-zip");
	for (i = row->natt - n; i < row->natt; i++) {
		char detail[300];

		snprintf(detail, sizeof(detail), "%d %s", year,
		    row->att[i].name);
		app_add_event(app, "attached", NULL, NULL, NULL, detail);
	}
	if ((rc = app_save(s, h, e)) < 0)
		undo_add(s, h, &c, year, row->att[row->natt - n].entry);
out:
	current_release(&c);
	newfiles_free(nf, n);
	return rc;
}

/* ---- removing ---- */

/* The attachment of row named name: its entry name, else its display
 * name when only one has it. */
static int
find_attachment(const struct application *app, const struct year_row *row,
    const char *name, size_t *hit, struct ceh_err *e)
{
	struct sbuf cand = SBUF_INIT;
	size_t j, nhit = 0;

	for (j = 0; j < row->natt; j++)
		if (strcmp(row->att[j].entry, name) == 0) {
			*hit = j;
			return 0;
		}
	for (j = 0; j < row->natt; j++)
		if (strcmp(row->att[j].name, name) == 0) {
			sb_addf(&cand, "%s'%s'", nhit ? ", " : "",
			    row->att[j].entry);
			*hit = j;
			nhit++;
		}
	if (nhit == 0)
		ceh_fail(e, CEH_ENOTFOUND, _("year %d of %s has no attachment "
		    "'%s'"), row->year, app->id, name);
	else if (nhit > 1)
		ceh_fail(e, CEH_EINPUT, _("year %d of %s has %zu attachments "
		    "named '%s'; give the entry instead: %s"), row->year,
		    app->id, nhit, name, sb_str(&cand));
	sb_release(&cand);
	return nhit == 1 ? 0 : -1;
}

static void
attachment_delete(struct year_row *row, size_t hit)
{
	free(row->att[hit].name);
	free(row->att[hit].entry);
	free(row->att[hit].type);
	free(row->att[hit].sha256);
	free(row->att[hit].added);
	memmove(&row->att[hit], &row->att[hit + 1],
	    (row->natt - hit - 1) * sizeof(*row->att));
	row->natt--;
}

/* After the document: the archive without what it no longer lists. */
static int
rewrite_after_remove(struct app_handle *h, struct current *c,
    struct ceh_err *e)
{
	int dfd = h->p.stagefd[h->folder], rc;

	if (!c->had)
		return 0;
	if (doc_count(&h->app) == 0)
		return unlink_archive(dfd, c->name, c->path, e);
	if (c->za == NULL)
		return 0;	/* unreadable: left for the next removals */
	if (drop_leftovers(c->za, &h->app, c->path, e) < 0)
		return -1;
	rc = publish(c->za, c->src, dfd, c->name, c->path, NULL, e);
	c->za = NULL;
	return rc;
}

int
bundle_remove(struct store *s, struct app_handle *h, int year,
    const char *name, char *removed, struct ceh_err *e)
{
	struct application *app = &h->app;
	struct year_row *row;
	struct current c;
	char detail[300];
	size_t hit;
	int rc = -1;

	if (check_draft(app, e) < 0)
		return -1;
	if ((row = app_year(app, year)) == NULL)
		return ceh_fail(e, CEH_ENOTFOUND, _("application %s has no year "
		    "%d"), app->id, year);
	if (find_attachment(app, row, name, &hit, e) < 0)
		return -1;
	/*
	 * If something stays in the archive it is rewritten without the
	 * entry.  An archive libzip cannot open is left as it is: its
	 * remaining attachments stay reported as damaged, and removing them
	 * one by one is the way out (the last removal deletes it).
	 */
	if (current_open(s, h, 0, &c, e) < 0)
		goto out;
	if (removed)
		snprintf(removed, 256, "%s", row->att[hit].entry);
	snprintf(detail, sizeof(detail), "%d %s", year, row->att[hit].name);
	/* 1. the document without it */
	attachment_delete(row, hit);
	app_add_event(app, "detached", NULL, NULL, NULL, detail);
	if (app_save(s, h, e) < 0)
		goto out;
	crash_point("attach-after-doc");
	/* 2. the archive without it */
	rc = rewrite_after_remove(h, &c, e);
	if (rc < 0)
		ceh_err_prefix(e, _("the document no longer lists it, but the "
		    "archive still holds it ('ceh fsck --repair' removes it)"));
out:
	current_release(&c);
	return rc;
}

/* ---- extracting ---- */

/* name with " (k)" before the extension when k > 1 */
static char *
out_name(const char *name, int k)
{
	const char *dot = strrchr(name, '.');

	if (k <= 1)
		return xstrdup(name);
	if (dot == NULL || dot == name)
		return xasprintf("%s (%d)", name, k);
	return xasprintf("%.*s (%d)%s", (int)(dot - name), name, k, dot);
}

struct outfile {
	int year;
	char *name;	/* NULL: name refused, not written */
};

/* What is being extracted, and where. */
struct extraction {
	struct scan sc;		/* the attachments to write */
	struct outfile *of;	/* their file names, one each */
	int dirfd;
	const char *dirname;
	int ydfd, ydfd_year;	/* the open YEAR folder */
};

/* Refuse (class 4) if DIR/YEAR/NAME exists or YEAR is not a folder. */
static int
target_free(const struct extraction *x, const struct outfile *o,
    struct ceh_err *e)
{
	char ydir[16];
	struct stat st;
	int fd;

	snprintf(ydir, sizeof(ydir), "%d", o->year);
	if (fstatat(x->dirfd, ydir, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	fd = openat(x->dirfd, ydir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return ceh_fail(e, CEH_ESTATE, _("'%s/%s' is not a directory; "
		    "refusing to write there"), x->dirname, ydir);
	if (fstatat(fd, o->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		close(fd);
		return ceh_fail(e, CEH_ESTATE, _("'%s/%s/%s' exists; refusing "
		    "to overwrite it (nothing was written)"), x->dirname, ydir,
		    o->name);
	}
	close(fd);
	return 0;
}

/* 1. the names to write: validated document names, never entries, made
 * unique per year; nothing is written if any of them exists. */
static int
plan_names(struct extraction *x, struct ceh_err *e)
{
	size_t k, m;

	x->of = xcalloc(x->sc.n, sizeof(*x->of));
	for (k = 0; k < x->sc.n; k++) {
		struct outfile *o = &x->of[k];
		struct ceh_err sub;
		int dupn = 1;

		o->year = x->sc.d[k].year;
		if (bundle_name_check("name", x->sc.d[k].at->name, &sub) < 0) {
			x->sc.d[k].why = xasprintf(_("unsafe name in the "
			    "document (%s)"), sub.msg);
			continue;
		}
		for (;;) {
			o->name = out_name(x->sc.d[k].at->name, dupn++);
			for (m = 0; m < k; m++)
				if (x->of[m].name && x->of[m].year == o->year &&
				    strcmp(x->of[m].name, o->name) == 0)
					break;
			if (m == k)
				break;
			free(o->name);
		}
		if (target_free(x, o, e) < 0)
			return -1;
	}
	return 0;
}

/* The folder DIR/YEAR, created if need be, open in x->ydfd. */
static int
year_folder(struct extraction *x, int year, struct ceh_err *e)
{
	char ydir[16];

	if (x->ydfd >= 0 && x->ydfd_year == year)
		return 0;
	if (x->ydfd >= 0)
		close(x->ydfd);
	snprintf(ydir, sizeof(ydir), "%d", year);
	if (mkdirat(x->dirfd, ydir, 0700) < 0 && errno != EEXIST)
		return ceh_fail_errno(e, _("cannot create '%s/%s'"), x->dirname,
		    ydir);
	x->ydfd = openat(x->dirfd, ydir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (x->ydfd < 0)
		return ceh_fail_errno(e, _("cannot open '%s/%s'"), x->dirname,
		    ydir);
	x->ydfd_year = year;
	return 0;
}

/* Write attachment d as DIR/YEAR/name, verifying it as it is written:
 * 0 written, 1 it does not match (d->why set, the file removed again),
 * -1 on an error. */
static int
write_one(struct extraction *x, zip_t *za, struct docatt *d,
    const char *name, long limit, struct ceh_err *e)
{
	int fd, r, saved;

	if (year_folder(x, d->year, e) < 0)
		return -1;
	fd = openat(x->ydfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return ceh_fail(e, CEH_ESTATE, _("'%s/%d/%s' exists; refusing "
		    "to overwrite it"), x->dirname, d->year, name);
	if (fd < 0)
		return ceh_fail_errno(e, _("cannot create '%s/%d/%s'"),
		    x->dirname, d->year, name);
	r = verify_entry(za, d->idx, d->at, limit, fd, &d->why);
	if (r == 0 && (fault_hit("fsync") ? (errno = EIO, -1) : fsync(fd)) < 0)
		r = -1;
	if (close(fd) < 0 && r == 0)
		r = -1;
	if (r == 0)
		return 0;
	saved = errno;
	unlinkat(x->ydfd, name, 0);
	if (r > 0)
		return 1;
	errno = saved;
	return ceh_fail_errno(e, _("cannot write '%s/%d/%s'"), x->dirname,
	    d->year, name);
}

/* 3. write and verify each file; report what is not extracted. */
static int
write_all_files(struct extraction *x, zip_t *za, const char *path,
    long limit, struct bundle_report *rep, struct ceh_err *e)
{
	size_t k;
	int r;

	for (k = 0; k < x->sc.n; k++) {
		struct docatt *d = &x->sc.d[k];

		if (d->why == NULL && d->idx < 0)
			d->why = xstrdup(_("missing from the archive"));
		if (d->why == NULL && d->dup)
			d->why = xstrdup(_("the archive holds this entry name "
			    "more than once"));
		if (d->why) {
			report(rep, _("%s: %d attachment '%s': %s; not "
			    "extracted"), path, d->year, d->at->name, d->why);
			rep->problems++;
			continue;
		}
		if ((r = write_one(x, za, d, x->of[k].name, limit, e)) < 0)
			return -1;
		if (r > 0) {
			report(rep, _("%s: %d attachment '%s' (entry '%s'): %s; "
			    "not extracted"), path, d->year, d->at->name,
			    d->at->entry, d->why);
			rep->problems++;
			continue;
		}
		rep->checked++;
		if (rep->wrote) {
			char *w = xasprintf("%s/%d/%s", x->dirname, d->year,
			    x->of[k].name);

			rep->wrote(rep->arg, w);
			free(w);
		}
	}
	return 0;
}

/* 2. the archive (searched in every stage folder: a reader may run
 * during a move); 1 opened, 0 missing or damaged (reported), -1. */
static int
open_for_extract(struct store *s, struct person *p,
    const struct application *app, enum stage folder, long nprob,
    char **buf, zip_t **za, char *path, struct bundle_report *rep,
    struct ceh_err *e)
{
	enum stage where = folder;
	size_t len = 0;
	int had;

	had = load_archive(s, p, app, folder, 1, buf, &len, &where, e);
	zip_path(p, where, uniq_of(app), path, 200);
	if (had < 0)
		return unreadable(rep, nprob, e);
	if (!had) {
		report(rep, _("%s: missing"), path);
		rep->problems += nprob;
		return 0;
	}
	return open_reading(*buf, len, path, nprob, za, rep, e);
}

int
bundle_extract(struct store *s, struct person *p,
    const struct application *app, enum stage folder, int year, int dirfd,
    const char *dirname, struct bundle_report *rep, struct ceh_err *e)
{
	struct extraction x;
	char path[200];
	char *buf = NULL;
	zip_t *za = NULL;
	size_t k;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.dirfd = dirfd;
	x.dirname = dirname;
	x.ydfd = -1;
	scan_doc(app, year, &x.sc);
	if (x.sc.n == 0) {
		rc = 0;
		goto out;
	}
	if (plan_names(&x, e) < 0 ||
	    (rc = open_for_extract(s, p, app, folder, (long)x.sc.n, &buf,
	    &za, path, rep, e)) <= 0)
		goto out;
	rc = -1;
	/* leftovers (all years) are reported, never extracted */
	scan_match(za, &x.sc, year == 0);
	if (write_all_files(&x, za, path, read_limit(s, app), rep, e) < 0)
		goto out;
	report_leftovers(za, &x.sc, path, _("%s: entry '%s' is not listed by "
	    "the document; not extracted"), rep);
	if (x.ydfd >= 0 && fsync(x.ydfd) < 0) {
		ceh_fail_errno(e, _("cannot sync '%s'"), dirname);
		goto out;
	}
	rc = 0;
out:
	if (x.ydfd >= 0)
		close(x.ydfd);
	if (za)
		zip_discard(za);
	for (k = 0; x.of && k < x.sc.n; k++)
		free(x.of[k].name);
	free(x.of);
	scan_release(&x.sc);
	free(buf);
	return rc;
}
