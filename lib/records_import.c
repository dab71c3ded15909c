/* records_import.c - the import engine of the records store: spill
 * files, the two passes over a provider's file and the commit (see
 * records_import.h; the store's formats are records.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "err.h"
#include "escape.h"
#include "fault.h"
#include "i18n.h"
#include "normalize.h"
#include "records.h"
#include "records_import.h"
#include "records_priv.h"
#include "store.h"
#include "util.h"
#include "xalloc.h"

/* ---- the people of the file ---- */

/* People of the file being imported: ID -> name given in the file and
 * name already on record. */
struct pent {
	char id[IDNUM_LEN + 1];
	uint32_t namehash;	/* of the first name in the file */
	uint32_t name;		/* offset in names */
	uint32_t sname;		/* name on record, or REC_NONE */
	uint32_t need;		/* has a row that is not a stored duplicate */
	long line;		/* first line giving the name */
};

struct ptab {
	struct pent *v;
	size_t n, cap;
	uint64_t *slot;		/* hash tag << 32 | index + 1; 0 empty */
	size_t nslot;		/* power of two */
	struct sbuf names;
};

/* The slot of id (h its hash): its own, or the empty one to fill.  The
 * tag spares a visit to the entry on most probes. */
static size_t
ptab_pos(const struct ptab *t, const char *id, uint64_t h)
{
	size_t m = t->nslot - 1, i = (size_t)h & m;
	uint64_t tag = h >> 32, x;

	while ((x = t->slot[i]) != 0) {
		if (x >> 32 == tag && memcmp(t->v[(x & 0xffffffffu) - 1].id,
		    id, IDNUM_LEN) == 0)
			break;
		i = (i + 1) & m;
	}
	return i;
}

static uint64_t
ptab_hash(const char *id)
{
	return hash64(id, IDNUM_LEN, H2);
}

static struct pent *
ptab_get(const struct ptab *t, const char *id)
{
	size_t i;

	if (t->nslot == 0)
		return NULL;
	i = ptab_pos(t, id, ptab_hash(id));
	return t->slot[i] == 0 ? NULL :
	    &t->v[(t->slot[i] & 0xffffffffu) - 1];
}

static void
ptab_grow(struct ptab *t)
{
	size_t ns = t->nslot ? t->nslot * 2 : 1024, k;
	uint64_t hk;

	free(t->slot);
	t->slot = xcalloc(ns, sizeof(*t->slot));
	t->nslot = ns;
	for (k = 0; k < t->n; k++) {
		hk = ptab_hash(t->v[k].id);
		t->slot[ptab_pos(t, t->v[k].id, hk)] =
		    (hk >> 32) << 32 | (uint64_t)(k + 1);
	}
}

/* Find id, or add it with name; *isnew says which. */
static struct pent *
ptab_getadd(struct ptab *t, const char *id, const char *name, long line,
    int *isnew)
{
	uint64_t h = ptab_hash(id);
	struct pent *p;
	size_t i;

	if (2 * (t->n + 1) > t->nslot)
		ptab_grow(t);
	i = ptab_pos(t, id, h);
	*isnew = t->slot[i] == 0;
	if (!*isnew)
		return &t->v[(t->slot[i] & 0xffffffffu) - 1];
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	p = &t->v[t->n];
	memcpy(p->id, id, IDNUM_LEN + 1);
	p->namehash = (uint32_t)hash64(name, strlen(name), H1);
	p->name = (uint32_t)t->names.len;
	sb_add(&t->names, name, strlen(name) + 1);
	p->sname = REC_NONE;
	p->need = 0;
	p->line = line;
	t->slot[i] = (h >> 32) << 32 | (uint64_t)(t->n + 1);
	t->n++;
	return p;
}

static void
ptab_free(struct ptab *t)
{
	free(t->v);
	free(t->slot);
	sb_release(&t->names);
	memset(t, 0, sizeof(*t));
}

/* ---- spill files ---- */

/*
 * Partitions: REC_SHARDS append streams kept in memory, 64 KiB each at
 * most, spilled in chunks to one unlinked temp file in $TMPDIR (or
 * /tmp) - so memory stays bounded, and a small import touches no disk.
 */
#define SPILL_BUF (64 << 10)

struct chunk {
	off_t off;
	size_t len;
	unsigned part;
};

struct spill {
	int fd;
	off_t end;
	struct sbuf buf[REC_SHARDS];
	struct chunk *ch;
	size_t nch, capch;
};

static void
spill_init(struct spill *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
}

static void
spill_free(struct spill *sp)
{
	unsigned i;

	for (i = 0; i < REC_SHARDS; i++)
		sb_release(&sp->buf[i]);
	free(sp->ch);
	if (sp->fd >= 0)
		close(sp->fd);
	spill_init(sp);
}

/* The spill file: made at the first flush, unlinked at once. */
static int
spill_open(struct spill *sp, struct ceh_err *e)
{
	const char *dir = getenv("TMPDIR");
	char *tpl;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	tpl = xasprintf("%s/ceh-import-XXXXXX", dir);
	sp->fd = mkstemp(tpl);
	if (sp->fd < 0) {
		ceh_fail_errno(e, _("temp file in %s"), dir);
		free(tpl);
		return -1;
	}
	unlink(tpl);
	free(tpl);
	return 0;
}

static int
spill_flush(struct spill *sp, unsigned part, struct ceh_err *e)
{
	struct sbuf *b = &sp->buf[part];
	ssize_t r;
	size_t done = 0;

	if (sp->fd < 0 && spill_open(sp, e) < 0)
		return -1;
	while (done < b->len) {
		r = pwrite(sp->fd, b->buf + done, b->len - done,
		    sp->end + (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ceh_fail_errno(e, _("temp file"));
		done += (size_t)r;
	}
	if (sp->nch == sp->capch) {
		sp->capch = sp->capch ? sp->capch * 2 : 256;
		sp->ch = xreallocarray(sp->ch, sp->capch, sizeof(*sp->ch));
	}
	sp->ch[sp->nch].off = sp->end;
	sp->ch[sp->nch].len = b->len;
	sp->ch[sp->nch].part = part;
	sp->nch++;
	sp->end += (off_t)b->len;
	sb_reset(b);
	return 0;
}

static int
spill_add(struct spill *sp, unsigned part, const char *data, size_t len,
    struct ceh_err *e)
{
	sb_add(&sp->buf[part], data, len);
	if (sp->buf[part].len >= SPILL_BUF)
		return spill_flush(sp, part, e);
	return 0;
}

static int
spill_used(const struct spill *sp, unsigned part)
{
	size_t i;

	if (sp->buf[part].len)
		return 1;
	for (i = 0; i < sp->nch; i++)
		if (sp->ch[i].part == part && sp->ch[i].len)
			return 1;
	return 0;
}

/* Append chunk c of the spill file to out. */
static int
spill_read(const struct spill *sp, const struct chunk *c, struct sbuf *out,
    struct ceh_err *e)
{
	size_t done;
	ssize_t r;

	sb_grow(out, c->len);
	for (done = 0; done < c->len; done += (size_t)r) {
		r = pread(sp->fd, out->buf + out->len + done, c->len - done,
		    c->off + (off_t)done);
		if (r < 0 && errno == EINTR) {
			r = 0;
			continue;
		}
		if (r <= 0)
			return ceh_fail_errno(e, _("temp file"));
	}
	out->len += c->len;
	out->buf[out->len] = '\0';
	return 0;
}

/* The whole of partition part, in order, into out (replaced); unless
 * keep, the partition is emptied. */
static int
spill_take(struct spill *sp, unsigned part, struct sbuf *out, int keep,
    struct ceh_err *e)
{
	size_t i;

	sb_reset(out);
	for (i = 0; i < sp->nch; i++)
		if (sp->ch[i].part == part &&
		    spill_read(sp, &sp->ch[i], out, e) < 0)
			return -1;
	sb_add(out, sp->buf[part].buf ? sp->buf[part].buf : "",
	    sp->buf[part].len);
	if (!keep) {
		sb_release(&sp->buf[part]);
		for (i = 0; i < sp->nch; i++)
			if (sp->ch[i].part == part)
				sp->ch[i].len = 0;
	}
	return 0;
}

/* ---- the import and its messages ---- */

struct imp {
	struct store *s;
	struct import_opts *o;
	struct import_stats *st;
	const char *path;
	const char *base;
	struct colmap map;
	int have_header;
	char **hdr;
	size_t nhdr;
	struct ptab people;
	struct pent *known;		/* the row's person, if id_known found it */
	int names_differ;		/* some ID with two names in the file */
	int any_sname;			/* some person has records already */
	struct spill part;		/* key entries, by key shard */
	struct spill outp;		/* valid rows, by person shard */
	unsigned long nvalid;		/* valid rows of pass 1 */
	unsigned char *verdict;		/* 2 bits per valid row */
	size_t capverdict;
	struct late {
		long line;
		char *msg;
	} *late;			/* refused in pass 2 */
	size_t nlate, caplate, curlate;
	struct sbuf tmp;
	struct ceh_err rowerr;
	struct rowsrc_opts ro;
	const char *alts[RC__COUNT];
	unsigned modes[64];		/* normalisation of each field */
};

static void
imp_free(struct imp *im)
{
	size_t i;

	spill_free(&im->part);
	spill_free(&im->outp);
	for (i = 0; i < im->nhdr; i++)
		free(im->hdr[i]);
	free(im->hdr);
	for (i = 0; i < im->nlate; i++)
		free(im->late[i].msg);
	free(im->late);
	free(im->verdict);
	ptab_free(&im->people);
	sb_release(&im->tmp);
}

static void
say(struct imp *im, long line, const char *fmt, const char *reason)
{
	char msg[1400];

	if (im->o->say == NULL)
		return;
	/* TRANSLATORS: a rejected row: FILE:LINE, then why */
	snprintf(msg, sizeof(msg), _("%s:%ld: %s%s"), im->path, line, fmt,
	    reason);
	im->o->say(im->o->arg, utf8_repair(msg));
}

static void
put_reject(struct imp *im, long line, char *const *f, size_t n,
    const char *what, const char *reason)
{
	char *r;

	say(im, line, what, reason);
	if (im->o->reject_row) {
		if (im->o->rejects_header)
			im->o->reject_row(im->o->reject_arg, im->hdr, im->nhdr,
			    "原因");
		im->o->rejects_header = 0;
		r = utf8_repair(xasprintf(_("%s:%ld: %s%s"), im->base, line,
		    what, reason));
		im->o->reject_row(im->o->reject_arg, f, n, r);
		free(r);
		return;
	}
	if (im->o->rejects == NULL)
		return;
	if (im->o->rejects_header) {
		fputs("\xef\xbb\xbf", im->o->rejects);
		csv_put_row(im->o->rejects, im->hdr, im->nhdr, "原因");
		im->o->rejects_header = 0;
	}
	r = utf8_repair(xasprintf(_("%s:%ld: %s%s"), im->base, line, what,
	    reason));
	csv_put_row(im->o->rejects, f, n, r);
	free(r);
}

/* A row refused in pass 2 (name, conflict): kept to be reported in line
 * order, and its original fields fetched from the file for --rejects. */
static void
late_reject(struct imp *im, long line, char *msg)
{
	if (im->nlate == im->caplate) {
		im->caplate = im->caplate ? im->caplate * 2 : 64;
		im->late = xreallocarray(im->late, im->caplate,
		    sizeof(*im->late));
	}
	im->late[im->nlate].line = line;
	im->late[im->nlate].msg = msg;
	im->nlate++;
}

static int
cmp_late(const void *a, const void *b)
{
	const struct late *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

static int
late_row(void *arg, long line, char *const *f, const size_t *len, size_t n,
    struct ceh_err *e)
{
	struct imp *im = arg;

	(void)len;
	(void)e;
	if (!im->have_header) {
		im->have_header = 1;
		return 0;
	}
	while (im->curlate < im->nlate && im->late[im->curlate].line < line)
		im->curlate++;
	if (im->curlate < im->nlate && im->late[im->curlate].line == line) {
		put_reject(im, line, f, n, "", im->late[im->curlate].msg);
		im->curlate++;
	}
	return 0;
}

/* Report the pass-2 refusals in line order; with --rejects, read the
 * file again for their fields. */
static int
late_report(struct imp *im, struct ceh_err *e)
{
	void (*sayfn)(void *, const char *) = im->o->say;
	size_t i;
	int rc = 0;

	if (im->nlate == 0)
		return 0;
	qsort(im->late, im->nlate, sizeof(*im->late), cmp_late);
	for (i = 0; i < im->nlate; i++)
		say(im, im->late[i].line, "", im->late[i].msg);
	if (im->o->rejects || im->o->reject_row) {
		im->o->say = NULL;	/* said above */
		im->have_header = 0;
		im->curlate = 0;
		struct rowsrc_info again;

		im->ro.enc = im->st->used;
		rc = rowsrc_read(im->path, &im->ro, &again, late_row, im, e);
		im->o->say = sayfn;
	}
	return rc;
}

/* What pass 2 decided for each valid row (2 bits a row, by the row's
 * sequence number among the valid rows). */
enum { V_NEW, V_DUP, V_CONFLICT, V_REFUSED };

static int
verdict(const struct imp *im, unsigned long seq)
{
	return im->verdict[seq >> 2] >> (2 * (seq & 3)) & 3;
}

static void
set_verdict(struct imp *im, unsigned long seq, int v)
{
	unsigned char *b = &im->verdict[seq >> 2];

	*b = (unsigned char)((*b & ~(3 << (2 * (seq & 3)))) |
	    v << (2 * (seq & 3)));
}

/* Room for the verdict of the next valid row (V_NEW). */
static void
verdict_grow(struct imp *im)
{
	if (im->nvalid % 4)
		return;
	if ((im->nvalid >> 2) >= im->capverdict) {
		im->capverdict = im->capverdict ? im->capverdict * 2 : 4096;
		im->verdict = xrealloc(im->verdict, im->capverdict);
	}
	im->verdict[im->nvalid >> 2] = 0;
}

/* ---- pass 1: check each row ---- */

#define PENT_BYTES 40	/* k1 k2 ch seq line, 8 bytes each */

/* How each mapped field is normalised (the others are left alone). */
static void
field_modes(struct imp *im)
{
	static const unsigned m[RC__COUNT] = {
		[RC_ID] = NORM_IDNUM, [RC_NAME] = NORM_TEXT,
		[RC_YEAR] = NORM_CODE, [RC_TYPE] = NORM_TEXT,
		[RC_SUBJECT] = NORM_TEXT, [RC_HOURS] = NORM_HOURS,
		[RC_FORM] = NORM_TEXT, [RC_PROVIDER] = NORM_TEXT,
		[RC_RECID] = NORM_CODE,
	};
	int c;

	memset(im->modes, 0, sizeof(im->modes));
	for (c = 0; c < RC__COUNT; c++)
		if (im->map.idx[c] >= 0 && im->map.idx[c] < 64)
			im->modes[im->map.idx[c]] = m[c];
}

/* An ID number of an earlier valid row of the file (colmap.id_known):
 * the people of the file are the IDs that passed idnum_check. */
static int
id_known(void *arg, const char *id)
{
	struct imp *im = arg;

	im->known = ptab_get(&im->people, id);	/* p1_row takes it */
	return im->known != NULL;
}

static int
p1_header(struct imp *im, long line, char *const *f, size_t n,
    struct ceh_err *e)
{
	size_t i;

	if (colmap_from_header(&im->map, f, n, e) < 0) {
		ceh_err_prefix(e, "%s:%ld", im->path, line);
		return -1;
	}
	im->map.id_known = id_known;
	im->map.id_arg = im;
	im->hdr = xcalloc(n, sizeof(char *));
	for (i = 0; i < n; i++)
		im->hdr[i] = xstrdup(f[i]);
	im->nhdr = n;
	im->have_header = 1;
	field_modes(im);
	return 0;
}

/* A valid row of person p: as "SEQ LINE PERSON RECORD" (the record as
 * it will be stored) to the partition of its person shard, and as a
 * 40-byte entry (key hashes, content hash, SEQ, LINE) to the partition
 * of its key shard. */
static int
p1_spill(struct imp *im, const struct hour_record *r, const struct pent *p,
    long line, struct ceh_err *e)
{
	unsigned char ent[PENT_BYTES];
	uint64_t k1, k2, ch;
	size_t start;

	unsigned part = shard_of(r->id);
	struct sbuf *b = &im->outp.buf[part];	/* written in place */

	sb_addl(b, (long)im->nvalid);
	sb_addc(b, '\t');
	sb_addl(b, line);
	sb_addc(b, '\t');
	sb_addl(b, (long)(p - im->people.v));
	sb_addc(b, '\t');
	start = b->len;
	rec_line(b, r);
	ch = hash64(b->buf + start, b->len - start, H2);
	sb_addc(b, '\n');
	if (b->len >= SPILL_BUF && spill_flush(&im->outp, part, e) < 0)
		return -1;
	rec_key_hash(r->provider, r->recid, &k1, &k2);
	put64(ent, k1);
	put64(ent + 8, k2);
	put64(ent + 16, ch);
	put64(ent + 24, im->nvalid);
	put64(ent + 32, (uint64_t)line);
	return spill_add(&im->part, key_shard(k1), (char *)ent, sizeof(ent),
	    e);
}

/* Pass 1, one row (a csv_row_fn): the header, or a row checked and, if
 * valid, spilled; invalid rows are rejected at once. */
static int
p1_row(void *arg, long line, char *const *f, const size_t *len, size_t n,
    struct ceh_err *e)
{
	struct imp *im = arg;
	struct hour_record r;
	struct pent *p;
	size_t i;
	int isnew;

	if (!im->have_header)
		return p1_header(im, line, f, n, e);
	/* the person's slot, fetched while the row is checked (the table
	 * is larger than the caches) */
	if (n == im->map.nfields && im->people.nslot &&
	    len[im->map.idx[RC_ID]] == IDNUM_LEN)
		__builtin_prefetch(&im->people.slot[ptab_hash(
		    f[im->map.idx[RC_ID]]) & (im->people.nslot - 1)]);
	im->st->read++;
	if (im->o->progress && (im->st->read & 0xfff) == 0)
		im->o->progress(im->o->arg, im->path, im->st->read);
	for (i = 0; i < n; i++)
		if (strlen(f[i]) != len[i]) {
			im->st->rejected++;
			put_reject(im, line, f, n, _("a field contains a NUL "
			    "byte"), "");
			return 0;
		}
	if (n == im->map.nfields)
		rowsrc_normalize(f, n < 64 ? n : 64, im->modes, &im->st->norm);
	im->known = NULL;
	if (record_from_row(&im->map, f, n, &im->s->codes, im->o->max_half,
	    &r, &im->rowerr) < 0) {
		im->st->rejected++;
		put_reject(im, line, f, n, "", im->rowerr.msg);
		return 0;
	}
	/* names are checked in pass 2, against the name on record or, for
	 * a new person, the first one in the file */
	if ((p = im->known) != NULL && memcmp(p->id, r.id, IDNUM_LEN) == 0)
		isnew = 0;	/* found by the ID check */
	else
		p = ptab_getadd(&im->people, r.id, r.name, line, &isnew);
	if (!isnew && !im->names_differ &&
	    p->namehash != (uint32_t)hash64(r.name, strlen(r.name), H1))
		im->names_differ = 1;
	verdict_grow(im);
	if (p1_spill(im, &r, p, line, e) < 0)
		return -1;
	im->nvalid++;
	return 0;
}

/* The names on record of the people in the file, from one person shard
 * (buf, the committed part of its size bytes; modified). */
static void
shard_names(struct imp *im, char *buf, long long size)
{
	char *p, *nl, *end = buf + size, *t1, *t2;
	struct pent *pe;

	for (p = buf; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl - p < IDNUM_LEN + 1 || p[IDNUM_LEN] != '\t')
			continue;
		p[IDNUM_LEN] = '\0';
		pe = ptab_get(&im->people, p);
		if (pe == NULL || pe->sname != REC_NONE)
			continue;
		*nl = '\0';
		t1 = p + IDNUM_LEN + 1;
		t2 = strchr(t1, '\t');
		if (t2 == NULL)
			continue;
		*t2 = '\0';
		pe->sname = (uint32_t)im->people.names.len;
		im->any_sname = 1;
		/* names hold no tab, newline or backslash escapes that
		 * matter: text_check refused control characters */
		sb_add(&im->people.names, t1, strlen(t1) + 1);
	}
}

/* The names on record of the people in the file, from the person shards
 * that hold any of them. */
static int
load_names(struct imp *im, int recfd, const struct rstate *rs,
    struct ceh_err *e)
{
	unsigned char want[REC_SHARDS];
	unsigned sh;
	size_t i;
	char *buf;

	memset(want, 0, sizeof(want));
	for (i = 0; i < im->people.n; i++)
		if (im->people.v[i].need)
			want[shard_of(im->people.v[i].id)] = 1;
	for (sh = 0; sh < REC_SHARDS; sh++) {
		if (!want[sh] || rs->size[sh] == 0)
			continue;
		if (rec_shard_load(recfd, sh, rs->size[sh], &buf, e) < 0)
			return -1;
		shard_names(im, buf, rs->size[sh]);
		free(buf);
	}
	return 0;
}

/* ---- appending to the shards ---- */

/*
 * Files written by an import, made durable together at the end (the
 * kernel writes them back in parallel meanwhile): up to SYNC_OPEN files
 * each with its fsync; past that many, each is closed once written and
 * one syncfs(2) on the records directory (opened before any write, so
 * it reports their writeback errors) covers them all - one flush
 * instead of one per file, and one instead of one per SYNC_OPEN.
 */
#define SYNC_OPEN 16

struct syncset {
	int fd[SYNC_OPEN];
	char name[SYNC_OPEN][8];
	int n;
	int many;		/* past SYNC_OPEN: closed, one syncfs */
	int syncfd;		/* the records directory */
	/* files this import created with O_EXCL (empty when committed):
	 * removed again if it fails, so a failed import leaves the store
	 * as it was */
	struct made {
		char name[8];
		dev_t dev;
		ino_t ino;
	} created[2 * REC_SHARDS];
	int ncreated;
};

/* The committed size of records/NAME ("SS.tsv" or "SS.key") in rs. */
static long long
committed(const struct rstate *rs, const char *name)
{
	unsigned sh = (unsigned)strtoul(name, NULL, 16) & (REC_SHARDS - 1);

	return strstr(name, ".key") ? rs->ksize[sh] : rs->size[sh];
}

/*
 * Undo the files this import created - never what another process
 * committed: a file is removed only if this run created it (O_EXCL),
 * it is still that file, and the state, read again now, commits no byte
 * of it (where the store lock keeps nobody out, another import may
 * have).
 */
static void
remove_created(int recfd, struct syncset *ss)
{
	struct rstate now;
	struct ceh_err e;
	struct stat sb;
	int i;

	if (ss->ncreated && rec_state_read(recfd, &now, &e) < 0)
		ss->ncreated = 0;	/* cannot tell: keep them */
	for (i = 0; i < ss->ncreated; i++)
		if (fstatat(recfd, ss->created[i].name, &sb,
		    AT_SYMLINK_NOFOLLOW) == 0 &&
		    sb.st_dev == ss->created[i].dev &&
		    sb.st_ino == ss->created[i].ino &&
		    committed(&now, ss->created[i].name) == 0)
			(void)unlinkat(recfd, ss->created[i].name, 0);
	/* freed inodes: durable before anything new is made (ext2) */
	if (ss->ncreated)
		(void)fsync(recfd);
	ss->ncreated = 0;
}

/* Cut what this import appended to fd (records/NAME, from at) - never
 * below the size the state, read again now, commits. */
static void
undo_append(int recfd, int fd, const char *name, long long at)
{
	struct rstate now;
	struct ceh_err e;

	if (rec_state_read(recfd, &now, &e) < 0)
		return;
	if (committed(&now, name) > at)
		at = committed(&now, name);
	if (ftruncate(fd, (off_t)at) == 0)
		(void)fsync(fd);
}

static int
sync_all(struct syncset *ss, struct ceh_err *e)
{
	int i, rc = 0;

	/* many files: one syncfs(2) (one journal commit) instead of an
	 * fsync each, which costs a disk flush per file */
	if (ss->many) {
		if (fault_hit("fsync") ? (errno = EIO, 1) :
		    syncfs(ss->syncfd) < 0)
			/* machine: a path and a call */
			rc = ceh_fail_errno(e, "records: syncfs");
		ss->many = 0;
		return rc;
	}
	for (i = 0; i < ss->n; i++) {
		if (rc == 0 && (fault_hit("fsync") ? (errno = EIO, 1) :
		    fsync(ss->fd[i]) < 0))
			rc = rec_path_fail(e, ss->name[i]);
		if (close(ss->fd[i]) < 0 && rc == 0)
			rc = rec_path_fail(e, ss->name[i]);
	}
	ss->n = 0;
	return rc;
}

static void
sync_drop(struct syncset *ss)
{
	int i;

	for (i = 0; i < ss->n; i++)
		close(ss->fd[i]);
	ss->n = 0;
}

/* All of buf at off (one pwrite for the usual shard; no lseek). */
static int
pwrite_all(int fd, const char *buf, size_t len, off_t off)
{
	ssize_t r;

	while (len > 0) {
		r = pwrite(fd, buf, len, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		buf += r;
		len -= (size_t)r;
		off += r;
	}
	return 0;
}

/* Append buf to records/NAME at its committed size at; the fsync is
 * left to sync_all. */
static int
append_file(int recfd, const char *name, long long at, const char *buf,
    size_t len, int *created, struct syncset *ss, struct ceh_err *e)
{
	struct stat sb;
	int fd = -1, made = 0, i, rc = 0;

	if (at == 0) {
		fd = openat(recfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		made = fd >= 0;
	}
	if (fd < 0 && (at > 0 || errno == EEXIST))
		fd = openat(recfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return rec_path_fail(e, name);
	if (fstat(fd, &sb) < 0 || sb.st_size != at) {
		close(fd);
		return ceh_fail(e, CEH_ESYS, _("records/%s: size is not the "
		    "committed %lld (run ceh fsck --repair)"), name, at);
	}
	if (at == 0)
		*created = 1;	/* the directory is synced at the commit */
	if (made && ss->ncreated < 2 * REC_SHARDS) {
		struct made *m = &ss->created[ss->ncreated++];

		snprintf(m->name, sizeof(m->name), "%s", name);
		m->dev = sb.st_dev;
		m->ino = sb.st_ino;
	}
	if (fault_hit("write") ? (errno = ENOSPC, 1) :
	    pwrite_all(fd, buf, len, (off_t)at) < 0) {
		rec_path_fail(e, name);
		undo_append(recfd, fd, name, at);
		close(fd);
		return -1;
	}
	if (!ss->many && ss->n == SYNC_OPEN) {
		/* the syncfs way from now on: the files so far closed */
		ss->many = 1;
		for (i = 0; i < ss->n; i++)
			if (close(ss->fd[i]) < 0 && rc == 0)
				rc = rec_path_fail(e, ss->name[i]);
		ss->n = 0;
	}
	if (ss->many) {
		if (close(fd) < 0 && rc == 0)
			rc = rec_path_fail(e, name);
	} else {
		ss->fd[ss->n] = fd;
		snprintf(ss->name[ss->n], sizeof(ss->name[0]), "%s", name);
		ss->n++;
	}
	if (rc < 0)
		return -1;
	crash_point("records-shard");
	return 0;
}

/* ---- pass 2: names, keys, records ---- */

/* A decimal count, or -1. */
static long
parse_count(const char *p)
{
	long v = 0;

	if (*p == '\0')
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > 100000000000L)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* "SEQ LINE PERSON RECORD..." of an outp partition, split in place. */
struct orow {
	long seq, line, pidx;
	char *rec;		/* the record as stored (9 fields) */
	size_t reclen;
};

static int
orow_parse(char *line, char *nl, const struct imp *im, struct orow *o)
{
	char *t1, *t2, *t3;

	t1 = memchr(line, '\t', (size_t)(nl - line));
	t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(nl - t1 - 1)) : NULL;
	t3 = t2 ? memchr(t2 + 1, '\t', (size_t)(nl - t2 - 1)) : NULL;
	if (t3 == NULL)
		return -1;
	*t1 = *t2 = *t3 = *nl = '\0';
	o->seq = parse_count(line);
	o->line = parse_count(t1 + 1);
	o->pidx = parse_count(t2 + 1);
	o->rec = t3 + 1;
	o->reclen = (size_t)(nl - o->rec);
	if (o->seq < 0 || (unsigned long)o->seq >= im->nvalid ||
	    o->line < 0 || o->pidx < 0 || (size_t)o->pidx >= im->people.n)
		return -1;
	return 0;
}

/* The next row of an outp partition b from *pos: 1, or 0 at its end, or
 * -1 when the temp data is damaged. */
static int
orow_next(const struct imp *im, struct sbuf *b, char **pos, struct orow *o)
{
	char *nl;

	if (*pos >= b->buf + b->len)
		return 0;
	nl = memchr(*pos, '\n', b->len - (size_t)(*pos - b->buf));
	if (nl == NULL || orow_parse(*pos, nl, im, o) < 0)
		return -1;
	*pos = nl + 1;
	return 1;
}

/* Field k (from 0) of a stored record, copied into b. */
static const char *
rec_field(const char *rec, int k, struct sbuf *b)
{
	const char *p = rec, *q;
	char *f[REC_NFIELDS + 1];

	while (k-- > 0 && (p = strchr(p, '\t')) != NULL)
		p++;
	sb_reset(b);
	if (p == NULL)
		return "";
	q = strchr(p, '\t');
	sb_add(b, p, q ? (size_t)(q - p) : strlen(p));
	tsv_split(b->buf, f, 1);
	return b->buf;
}

/* A table of the key entries of one key shard of the file
 * (check_key_shard). */
struct fent {
	uint64_t k1, k2, ch;	/* ch: on record (or first new) */
	int known;		/* ch is set */
};

struct ftab {
	struct fent *v;
	size_t n, cap;
	uint32_t *slot;		/* index + 1; 0 empty */
	size_t nslot;
};

static struct fent *
ftab_find(struct ftab *t, uint64_t k1, uint64_t k2, int add)
{
	size_t m = t->nslot - 1, i = (size_t)(k1 ^ k2 >> 7) & m;
	struct fent *x;

	while (t->slot[i] != 0) {
		x = &t->v[t->slot[i] - 1];
		if (x->k1 == k1 && x->k2 == k2)
			return x;
		i = (i + 1) & m;
	}
	if (!add)
		return NULL;
	x = &t->v[t->n];
	x->k1 = k1;
	x->k2 = k2;
	x->ch = 0;
	x->known = 0;
	t->slot[i] = (uint32_t)++t->n;
	return x;
}

/* An empty table for at most n keys. */
static void
ftab_reset(struct ftab *t, size_t n)
{
	size_t ns = 64;

	while (ns < 2 * n)
		ns *= 2;
	if (n > t->cap) {
		t->cap = n;
		t->v = xreallocarray(t->v, n, sizeof(*t->v));
	}
	if (ns > t->nslot) {
		free(t->slot);
		t->slot = xcalloc(ns, sizeof(*t->slot));
		t->nslot = ns;
	} else
		memset(t->slot, 0, t->nslot * sizeof(*t->slot));
	t->n = 0;
}

static void
ftab_free(struct ftab *t)
{
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* What pass 2 writes: the state it starts from and the one it makes,
 * the files it touched, and scratch buffers. */
struct batch {
	int recfd;			/* -1: no records yet (dry run) */
	const struct rstate *rs;	/* committed */
	struct rstate ns;		/* committed + this batch */
	long number;			/* import number */
	struct syncset ss;
	int created;			/* some shard created */
	int any;			/* some shard appended to */
	struct ftab ft;
	struct sbuf buf, out, f1, f2;
};

/* Append b->out to records/NAME at its committed size at; *size (in
 * the new state) grows by it. */
static int
append_out(struct batch *b, const char *name, long long at, long long *size,
    struct ceh_err *e)
{
	if (append_file(b->recfd, name, at, b->out.buf, b->out.len,
	    &b->created, &b->ss, e) < 0)
		return -1;
	*size += (long long)b->out.len;
	b->any = 1;
	return 0;
}

static int
damaged(const struct imp *im, struct ceh_err *e)
{
	return ceh_fail(e, CEH_ESYS, _("%s: temp file damaged"), im->path);
}

/* The name of one row against the name on record or, for a new person,
 * the first one in the file: a refusal (caller frees), or NULL. */
static char *
name_refusal(struct imp *im, const struct orow *o, struct sbuf *f)
{
	const struct pent *pe = &im->people.v[o->pidx];
	const char *rname = rec_field(o->rec, 1, f);
	const char *names = im->people.names.buf;

	if (pe->sname != REC_NONE && strcmp(rname, names + pe->sname) != 0)
		return xasprintf(_("姓名 '%s' differs from '%s' already on "
		    "record for %s"), rname, names + pe->sname, pe->id);
	if (pe->sname == REC_NONE && strcmp(rname, names + pe->name) != 0)
		return xasprintf(_("姓名 '%s' differs from '%s' given for %s on "
		    "line %ld"), rname, names + pe->name, pe->id, pe->line);
	return NULL;
}

/* Pass 2a: names, person shard by person shard; only when one may be
 * wrong. */
static int
check_names(struct imp *im, struct batch *b, struct ceh_err *e)
{
	struct orow o;
	unsigned sh;
	char *pos, *msg;
	int r;

	if (!im->any_sname && !im->names_differ)
		return 0;
	for (sh = 0; sh < REC_SHARDS; sh++) {
		if (!spill_used(&im->outp, sh))
			continue;
		if (spill_take(&im->outp, sh, &b->buf, 1, e) < 0)
			return -1;
		for (pos = b->buf.buf; (r = orow_next(im, &b->buf, &pos,
		    &o)) > 0;)
			if (verdict(im, (unsigned long)o.seq) == V_NEW &&
			    (msg = name_refusal(im, &o, &b->f1)) != NULL) {
				set_verdict(im, (unsigned long)o.seq,
				    V_REFUSED);
				im->st->rejected++;
				late_reject(im, o.line, msg);
			}
		if (r < 0)
			return damaged(im, e);
	}
	return 0;
}

/*
 * The keys of one key shard's rows against the key index, in two steps
 * (both read the committed key entries of the shard as a stream through
 * a table of the file's keys, so the cost is the file's rows and a
 * sequential read of the index, never a table of the whole index):
 *
 *   stored duplicates (before the names): a row whose key is on record
 *   with the same content hash is a duplicate, whatever else: the record
 *   on file has the same ID number and 姓名, and every record of a
 *   person carries the name on record (the import refuses any other),
 *   so the name check could not refuse it.  Its person needs no name
 *   from the shards for it.
 *   the rest (after the names), in the order of the file: refused rows
 *   skipped, each other row a duplicate or a conflict of the key on
 *   record or of an earlier new row of the file with that key, or new
 *   (its key entry appended to the shard).
 */
/* The committed key entries of shard sh through t: the content hash on
 * record of each key in t (the last entry of a key, as the index is
 * read everywhere else). */
static int
stream_stored(struct imp *im, struct batch *b, unsigned sh, struct ftab *t,
    struct ceh_err *e)
{
	unsigned char *raw;
	struct fent *f;
	size_t i;
	long long size = b->rs->ksize[sh];

	if (b->recfd < 0 || size == 0 || t->n == 0)
		return 0;
	if (rec_keys_raw(b->recfd, sh, size, &raw, e) < 0)
		return -1;
	for (i = 0; i + KENT_BYTES <= (size_t)size; i += KENT_BYTES)
		if ((f = ftab_find(t, get64(raw + i), get64(raw + i + 8),
		    0)) != NULL) {
			f->ch = get64(raw + i + 16);
			f->known = 1;
		}
	free(raw);
	(void)im;
	return 0;
}

/* The rows of key shard sh (its partition, kept) that duplicate a
 * stored record: V_DUP. */
static int
stored_dups(struct imp *im, struct batch *b, unsigned sh, struct ceh_err *e)
{
	const unsigned char *ent;
	struct fent *f;
	uint64_t seq;
	size_t i, n;

	if (b->recfd < 0 || b->rs->ksize[sh] == 0)
		return 0;
	if (spill_take(&im->part, sh, &b->buf, 1, e) < 0)
		return -1;
	if (b->buf.len % PENT_BYTES)
		return damaged(im, e);
	n = b->buf.len / PENT_BYTES;
	ftab_reset(&b->ft, n);
	for (i = 0; i < b->buf.len; i += PENT_BYTES) {
		ent = (unsigned char *)b->buf.buf + i;
		ftab_find(&b->ft, get64(ent), get64(ent + 8), 1);
	}
	if (stream_stored(im, b, sh, &b->ft, e) < 0)
		return -1;
	for (i = 0; i < b->buf.len; i += PENT_BYTES) {
		ent = (unsigned char *)b->buf.buf + i;
		seq = get64(ent + 24);
		if (seq >= im->nvalid)
			return damaged(im, e);
		f = ftab_find(&b->ft, get64(ent), get64(ent + 8), 0);
		if (f->known && f->ch == get64(ent + 16)) {
			set_verdict(im, seq, V_DUP);
			im->st->duplicates++;
		}
	}
	return 0;
}

/* The people with a row that is not a stored duplicate: their names on
 * record are read. */
static int
mark_needed(struct imp *im, struct batch *b, struct ceh_err *e)
{
	struct orow o;
	unsigned sh;
	char *pos;
	int r;

	for (sh = 0; sh < REC_SHARDS; sh++) {
		if (!spill_used(&im->outp, sh))
			continue;
		if (spill_take(&im->outp, sh, &b->buf, 1, e) < 0)
			return -1;
		for (pos = b->buf.buf; (r = orow_next(im, &b->buf, &pos,
		    &o)) > 0;)
			if (verdict(im, (unsigned long)o.seq) != V_DUP)
				im->people.v[o.pidx].need = 1;
		if (r < 0)
			return damaged(im, e);
	}
	return 0;
}

/* Pass 2b, one key shard: the rows not yet decided, in file order,
 * against the key index and the new keys of the file; the new keys
 * appended to the shard. */
static int
check_key_shard(struct imp *im, struct batch *b, unsigned sh,
    struct ceh_err *e)
{
	const unsigned char *ent;
	struct fent *f;
	uint64_t ch, seq;
	char name[8];
	size_t i;

	if (spill_take(&im->part, sh, &b->buf, 0, e) < 0)
		return -1;
	if (b->buf.len % PENT_BYTES)
		return damaged(im, e);
	ftab_reset(&b->ft, b->buf.len / PENT_BYTES);
	for (i = 0; i < b->buf.len; i += PENT_BYTES) {
		ent = (unsigned char *)b->buf.buf + i;
		seq = get64(ent + 24);
		if (seq >= im->nvalid)
			return damaged(im, e);
		if (verdict(im, seq) == V_NEW)
			ftab_find(&b->ft, get64(ent), get64(ent + 8), 1);
	}
	if (stream_stored(im, b, sh, &b->ft, e) < 0)
		return -1;
	sb_reset(&b->out);
	for (i = 0; i < b->buf.len; i += PENT_BYTES) {
		ent = (unsigned char *)b->buf.buf + i;
		seq = get64(ent + 24);
		if (verdict(im, seq) != V_NEW)
			continue;	/* refused, or a stored duplicate */
		f = ftab_find(&b->ft, get64(ent), get64(ent + 8), 0);
		ch = get64(ent + 16);
		if (f->known && f->ch == ch) {
			set_verdict(im, seq, V_DUP);
			im->st->duplicates++;
		} else if (f->known) {
			set_verdict(im, seq, V_CONFLICT);
			im->st->conflicts++;
		} else {
			f->ch = ch;
			f->known = 1;
			im->st->imported++;
			sb_add(&b->out, ent, KENT_BYTES);
		}
	}
	if (b->out.len == 0 || im->o->dry_run)
		return 0;
	snprintf(name, sizeof(name), "%02x.key", sh);
	return append_out(b, name, b->rs->ksize[sh], &b->ns.ksize[sh], e);
}

/* One new row as stored: the record, the import number, FILE:LINE. */
static void
stored_row(struct imp *im, struct batch *b, const struct orow *o)
{
	sb_add(&b->out, o->rec, o->reclen);
	sb_addc(&b->out, '\t');
	sb_addl(&b->out, b->number);
	sb_addc(&b->out, '\t');
	tsv_put(&b->out, im->base);
	sb_addc(&b->out, ':');
	sb_addl(&b->out, o->line);
	sb_addc(&b->out, '\n');
}

/* Pass 2c, one person shard: the conflicts reported, the new records
 * appended in the order of the file. */
static int
append_records(struct imp *im, struct batch *b, unsigned sh,
    struct ceh_err *e)
{
	struct orow o;
	char *pos, name[8];
	int r, v;

	if (spill_take(&im->outp, sh, &b->buf, 0, e) < 0)
		return -1;
	sb_reset(&b->out);
	for (pos = b->buf.buf; (r = orow_next(im, &b->buf, &pos, &o)) > 0;) {
		v = verdict(im, (unsigned long)o.seq);
		if (v == V_CONFLICT)
			late_reject(im, o.line, xasprintf(_("conflict: 记录编号 "
			    "'%s' of 培训机构 '%s' is already on record with "
			    "other content; not overwritten"),
			    rec_field(o.rec, 8, &b->f1),
			    rec_field(o.rec, 7, &b->f2)));
		if (v == V_NEW && !im->o->dry_run)
			stored_row(im, b, &o);
	}
	if (r < 0)
		return damaged(im, e);
	if (b->out.len == 0)
		return 0;
	shard_name(sh, name);
	return append_out(b, name, b->rs->size[sh], &b->ns.size[sh], e);
}

/* The commit: every appended file synced (and the directory, if a
 * shard was created), then the new state written.  *rs gets the state
 * that is committed at the end. */
static int
commit(struct batch *b, struct rstate *rs, struct ceh_err *e)
{
	struct rstate now;
	struct ceh_err e2;

	if (sync_all(&b->ss, e) < 0 ||
	    (b->created && fsync_dir(b->recfd, "records", e) < 0))
		return -1;
	crash_point("records-before-commit");
	stop_point("records-before-commit");
	/* where the store lock keeps nobody out (records.h), another
	 * import may have committed since this one read the state: its
	 * state must not be overwritten */
	if (rec_state_read(b->recfd, &now, e) < 0)
		return -1;
	if (now.imports != b->rs->imports)
		return ceh_fail(e, CEH_ESTATE, _("records/state: another "
		    "import committed while this one ran (the store lock does "
		    "not work on this file system); nothing of this file is "
		    "committed"));
	b->ns.imports = b->number;
	if (rec_state_write(b->recfd, &b->ns, e) < 0) {
		/* renamed in but not synced: committed all the same, so keep
		 * what it names */
		if (rec_state_read(b->recfd, &now, &e2) == 0 &&
		    now.imports == b->number) {
			b->ss.ncreated = 0;
			*rs = b->ns;
		}
		return -1;
	}
	*rs = b->ns;
	b->ss.ncreated = 0;
	crash_point("records-after-commit");
	return 0;
}

/*
 * Pass 2: names (only when one may be wrong), then duplicates and
 * conflicts key shard by key shard, then the new records person shard
 * by person shard; then the commit.  On failure the shards this import
 * created are removed; bytes appended past the committed sizes are left
 * to records_recover().
 */
static int
pass2(struct imp *im, int recfd, struct rstate *rs, struct ceh_err *e)
{
	struct batch b;
	unsigned sh;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	b.recfd = recfd;
	b.ss.syncfd = recfd;
	b.rs = rs;
	b.ns = *rs;
	b.number = rs->imports + 1;
	for (sh = 0; sh < REC_SHARDS; sh++)
		if (spill_used(&im->part, sh) && stored_dups(im, &b, sh, e) < 0)
			goto out;
	if (mark_needed(im, &b, e) < 0)
		goto out;
	if (recfd >= 0 && load_names(im, recfd, rs, e) < 0)
		goto out;
	if (check_names(im, &b, e) < 0)
		goto out;
	for (sh = 0; sh < REC_SHARDS; sh++)
		if (spill_used(&im->part, sh) &&
		    check_key_shard(im, &b, sh, e) < 0)
			goto out;
	for (sh = 0; sh < REC_SHARDS; sh++)
		if (spill_used(&im->outp, sh) &&
		    append_records(im, &b, sh, e) < 0)
			goto out;
	/* drop the temp data first: syncfs would write it out */
	spill_free(&im->part);
	spill_free(&im->outp);
	if (b.any && commit(&b, rs, e) < 0)
		goto out;
	rc = 0;
out:
	sync_drop(&b.ss);
	if (rc < 0)
		remove_created(recfd, &b.ss);
	ftab_free(&b.ft);
	sb_release(&b.out);
	sb_release(&b.buf);
	sb_release(&b.f1);
	sb_release(&b.f2);
	return rc;
}

int
records_import(struct store *s, const char *path, struct import_opts *o,
    struct import_stats *st, struct ceh_err *e)
{
	struct imp im;
	struct rstate rs;
	int recfd = -1, rc = -1, newdir = 0;

	memset(st, 0, sizeof(*st));
	memset(&im, 0, sizeof(im));
	spill_init(&im.part);
	spill_init(&im.outp);
	im.s = s;
	im.o = o;
	im.st = st;
	im.path = path;
	im.base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (o->max_half <= 0)
		o->max_half = s->cfg.max_hours_year * 2;
	for (rc = 0; rc < RC__COUNT; rc++)
		im.alts[rc] = rec_col_alts((enum rec_col)rc);
	rc = -1;
	im.ro.enc = o->enc;
	im.ro.sheet = o->sheet;
	im.ro.expected = im.alts;
	im.ro.nexp = RC__COUNT;
	im.ro.need = 2;
	if (rowsrc_read(path, &im.ro, &st->src, p1_row, &im, e) < 0)
		goto out;
	st->used = st->src.used;
	st->bom = st->src.bom;
	if (o->progress)
		o->progress(o->arg, path, -1);
	newdir = faccessat(s->rootfd, "records", F_OK, AT_SYMLINK_NOFOLLOW) < 0;
	recfd = rec_dir(s, !o->dry_run, e);
	if (recfd < 0 && (!o->dry_run || e->code != CEH_ENOTFOUND))
		goto out;
	if (rec_state_read(recfd, &rs, e) < 0)
		goto out;
	if (pass2(&im, recfd, &rs, e) < 0 || late_report(&im, e) < 0)
		goto out;
	rc = 0;
out:
	if (recfd >= 0)
		close(recfd);
	if (rc < 0 && newdir && !o->dry_run)	/* empty unless committed */
		(void)unlinkat(s->rootfd, "records", AT_REMOVEDIR);
	imp_free(&im);
	return rc;
}
