/*
 * report_src.c - the reports' records from the documents (report_src.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdint.h>

#include "atomic.h"
#include "err.h"
#include "hash.h"
#include "i18n.h"
#include "index.h"
#include "moves.h"
#include "records.h"
#include "report_src.h"
#include "trust.h"
#include "util.h"

struct feed {
	report_sink_fn fn;
	void *arg;
	long bad;
	struct report_app ra;
	struct ceh_err e;	/* the sink's failure, returned by the walk */
};

static long unverified;	/* of the last report_feed */

/* In a signed store an approved application counts only if its history
 * verifies (through the cache, trust.h); 1 if it is left out. */
static int
unverified_approval(struct store *s, const struct application *app)
{
	struct ceh_err e;

	if (!trust_signed(s) || app->stage != STAGE_APPROVED ||
	    trust_app_verified(s, app, &e) == 0)
		return 0;
	unverified++;
	return 1;
}

long
report_unverified(void)
{
	return unverified;
}

/* app as a record to fn (f NULL: into ra, failing into e). */
static int
feed_app(struct store *s, struct feed *f, const struct application *app,
    struct report_app *ra, report_sink_fn fn, void *arg, struct ceh_err *e)
{
	if (f) {
		if (unverified_approval(s, app))
			return 0;
		ra = &f->ra;
		fn = f->fn;
		arg = f->arg;
		e = &f->e;
	}
	if (report_app_fill(ra, app, &s->units, e) < 0 ||
	    fn(arg, ra, e) < 0)
		return -1;
	return 0;
}

/* store_walk reads each application once, even one moved meanwhile. */
static int
visit(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct feed *f = arg;

	(void)p;
	(void)folder;
	(void)err;
	if (app == NULL) {
		f->bad++;
		return 0;
	}
	return feed_app(s, f, app, NULL, NULL, NULL, NULL);
}

static int
feed_docs(struct store *s, report_sink_fn fn, void *arg, long *unreadable,
    struct ceh_err *e)
{
	struct feed f;
	int rc;

	memset(&f, 0, sizeof(f));
	unverified = 0;
	f.fn = fn;
	f.arg = arg;
	rc = store_walk(s, NULL, visit, &f, e);
	if (rc != 0 && f.e.msg[0])
		*e = f.e;
	if (unreadable)
		*unreadable = f.bad;
	return rc ? -1 : 0;
}

struct keys {
	char **v;
	size_t n;
};

static int
collect_keys(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct keys *k = arg;
	size_t i, j;

	(void)s;
	(void)p;
	(void)folder;
	(void)err;
	if (app == NULL)
		return 0;	/* counted by the report's own walk */
	for (i = 0; i < app->nyears; i++)
		for (j = 0; j < app->years[i].nrecords; j++) {
			k->v = xreallocarray(k->v, k->n + 1, sizeof(*k->v));
			k->v[k->n++] = xstrdup(app->years[i].records[j]);
		}
	return 0;
}

/* ---- the undeclared records of a shortfall's rows, at once ---- */

struct row_ref {
	const char *idnum;
	struct report_short_row *r;
};

static int
ref_cmp(const void *a, const void *b)
{
	const struct row_ref *x = a, *y = b;

	return strcmp(x->idnum, y->idnum);
}

struct undecl {
	struct store *s;
	struct row_ref *v;
	size_t n;
};

/* The first of u's rows of idnum (u->v sorted by ID number), or n. */
static size_t
first_ref(const struct undecl *u, const char *idnum)
{
	size_t lo = 0, hi = u->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(u->v[mid].idnum, idnum) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
undecl_person(void *arg, const char *idnum, const struct hrec *r, size_t nr,
    struct ceh_err *e)
{
	struct undecl *u = arg;
	struct keys k = { NULL, 0 };
	size_t i, j, at = first_ref(u, idnum);
	char **key;
	int rc = 0;

	/* the keys the person's applications declare: one walk of their
	 * documents, only for a person with records */
	if (store_walk(u->s, idnum, collect_keys, &k, e) != 0)
		rc = -1;
	key = xcalloc(nr ? nr : 1, sizeof(*key));
	for (i = 0; rc == 0 && i < nr; i++) {
		char *kk = hrec_key(&r[i]);

		for (j = 0; j < k.n && strcmp(k.v[j], kk) != 0; j++)
			;
		if (j < k.n)
			free(kk);	/* declared */
		else
			key[i] = kk;	/* never declared */
	}
	for (; rc == 0 && at < u->n && strcmp(u->v[at].idnum, idnum) == 0;
	    at++) {
		struct report_short_row *row = u->v[at].r;

		for (i = 0; i < nr; i++)
			if (key[i] && r[i].year == row->year) {
				row->rec_n++;
				*(r[i].pro ? &row->rec_pro : &row->rec_pub) +=
				    r[i].half;
			}
	}
	for (i = 0; i < nr; i++)
		free(key[i]);
	free(key);
	for (j = 0; j < k.n; j++)
		free(k.v[j]);
	free(k.v);
	return rc;
}

int
report_short_records(struct store *s, struct report_short *sh,
    struct ceh_err *e)
{
	struct undecl u;
	const char **ids;
	size_t i;
	int rc;

	u.s = s;
	u.n = report_short_count(sh);
	u.v = xcalloc(u.n ? u.n : 1, sizeof(*u.v));
	ids = xcalloc(u.n ? u.n : 1, sizeof(*ids));
	for (i = 0; i < u.n; i++) {
		struct report_short_row *r = report_short_row(sh, i);

		r->rec_n = r->rec_pub = r->rec_pro = 0;
		u.v[i].idnum = r->idnum;
		u.v[i].r = r;
		ids[i] = r->idnum;
	}
	if (u.n > 1)
		qsort(u.v, u.n, sizeof(*u.v), ref_cmp);
	rc = records_lookup_many(s, ids, u.n, undecl_person, &u, e);
	free(ids);
	free(u.v);
	return rc;
}

static int
scope_year(const char *opt, const char *val, int *out, struct ceh_err *e)
{
	char field[16];

	snprintf(field, sizeof(field), "--%s", opt);
	return year_parse(field, val, out, e);
}

int
report_scope_option(struct store *s, struct report_scope *sc,
    const char *opt, const char *val, struct ceh_err *e)
{
	const struct code_item *it;
	const struct unit *un;
	char code[CREDIT_LEN + 1];

	if (strcmp(opt, "unit") == 0) {
		if (credit_check("--unit", val, code, e) < 0)
			return -1;
		if ((un = units_find(&s->units, code)) == NULL)
			return ceh_fail(e, CEH_ENOTFOUND, _("no unit '%s' is "
			    "registered"), code);
		sc->unit = un->code;
		return 0;
	}
	if (strcmp(opt, "region") == 0) {
		if (codes_resolve(&s->codes, CL_REGION, "--region", val, &it,
		    e) < 0)
			return -1;
		sc->region = it->code;
		return 0;
	}
	if (strcmp(opt, "series") == 0 || strcmp(opt, "level") == 0) {
		int series = opt[0] == 's';

		if (codes_resolve(&s->codes, series ? CL_SERIES :
		    CL_TITLE_LEVEL, series ? "--series" : "--level", val, &it,
		    e) < 0)
			return -1;
		*(series ? &sc->series : &sc->level) = it->name;
		return 0;
	}
	if ((strcmp(opt, "year") == 0 && (sc->from || sc->to)) || sc->to < 0)
		return ceh_fail(e, CEH_EUSAGE, _("give --year or --from and "
		    "--to, not both"));
	if (strcmp(opt, "year") == 0) {
		if (scope_year(opt, val, &sc->from, e) < 0)
			return -1;
		sc->to = -sc->from;	/* marks --year, see report_scope_done */
		return 0;
	}
	return scope_year(opt, val, strcmp(opt, "from") == 0 ? &sc->from :
	    &sc->to, e);
}

int
report_scope_done(struct report_scope *sc, int need_years,
    struct ceh_err *e)
{
	if (sc->to < 0)
		sc->to = sc->from;
	else if ((sc->from == 0) != (sc->to == 0))
		return ceh_fail(e, CEH_EUSAGE, _("--from and --to go together"));
	if (sc->from > sc->to)
		return ceh_fail(e, CEH_EUSAGE, _("--from %d is after --to %d"),
		    sc->from, sc->to);
	if (need_years && sc->from == 0)
		return ceh_fail(e, CEH_EUSAGE, _("say which years: --year, "
		    "--from and --to, or --for with --year"));
	if (sc->subtree && sc->unit == NULL)
		return ceh_fail(e, CEH_EUSAGE, _("--subtree needs --unit"));
	return 0;
}

int
report_args_add(struct report_args *a, int ch, const char *val)
{
	static const char *const names[] = { "unit", NULL, "region", "year",
	    "from", "to", "series", "level" };

	if (ch < RO_UNIT || ch > RO_LEVEL)
		return 0;
	if (ch == RO_SUBTREE) {
		a->subtree = 1;
		return 1;
	}
	if (a->n == REPORT_MAX_ARGS)
		return -1;
	a->name[a->n] = names[ch - RO_UNIT];
	a->val[a->n++] = val;
	return 1;
}

int
report_args_resolve(struct store *s, const struct report_args *a,
    struct report_scope *sc, struct ceh_err *e)
{
	size_t i;

	sc->subtree = a->subtree;
	for (i = 0; i < a->n; i++)
		if (a->name[i] && report_scope_option(s, sc, a->name[i],
		    a->val[i], e) < 0)
			return -1;
	return 0;
}

/* ---- the summary index (index.h) ---- */

int
report_feed_fast(struct store *s, report_sink_fn fn, void *arg,
    long *unreadable, struct ceh_err *e)
{
	return report_feed_scope(s, NULL, fn, arg, unreadable, e);
}

/*
 * A signed store through the index.  The index is nobody's signed word,
 * so what it says of an approval is not believed as such: an
 * application it gives as approved is counted from the index only when
 * its record is one this user's ceh made before from a document whose
 * approval verified (the records cache, below); any other is read from
 * its document and counted only when that document is approved and its
 * history verifies (trust_app_verified, through the verification
 * cache), with the document's hours.  What is taken from the index
 * without that is what the documents' walk takes without verifying
 * either: the applications that are not approved (which count no
 * hours), and which people a --unit selects.  A forged index can so
 * hide an approval (a person shown short), never add hours.
 *
 * The records cache, $XDG_CACHE_HOME/ceh/reports/HASH (the folder and
 * HASH as the verification cache's, trust_cache_folder), outside the
 * store:
 *
 *   "ceh-report-verified-v2\n" "registry=" 64 hex "\n" "count=" 16 hex
 *   "\n", then count digests of 16 bytes, sorted
 *
 * A digest is the first 16 bytes of the SHA-256 of a record
 * (struct report_app, every field, ra_digest) that report_app_fill made
 * from a document whose approval verified under that registry hash
 * (trust_registry_digest: the rules' version, trust.log, units.yaml; a
 * certificate, a revocation or a unit change is another hash, and the
 * whole file is then not used).  A record of the index whose digest is
 * there says exactly what that verified document said, whichever index
 * bytes it came from; a forged or changed record has another digest and
 * is read from its document.  A file not the user's own, writable by
 * others, of another registry or damaged is not used; an entry it lacks
 * only costs a document read.  Rewritten (atomic_write) after a report
 * that verified records it lacked; after a report of everyone, only the
 * records that report used are kept once the others outnumber them.
 */
#define RC_MAGIC "ceh-report-verified-v2\n"	/* v1: 8 bytes a number */
#define LS_MAGIC "ceh-listed-verified-v1\n"	/* the same length */
#define RC_HEAD (sizeof(RC_MAGIC) - 1 + 9 + SHA256_HEX_LEN + 1 + 6 + 16 + 1)
#define RC_DG REPORT_KEY_LEN

struct rcache {
	int dirfd;			/* -1: no cache */
	const char *magic;		/* RC_MAGIC or LS_MAGIC */
	char name[SHA256_HEX_LEN + 1];
	char reg[SHA256_HEX_LEN + 1];
	unsigned char *map;		/* the file mapped, or NULL */
	size_t maplen;
	const unsigned char *d;		/* its digests */
	size_t n;
	struct sorted_dir dir;		/* made after RC_DIR_AFTER look-ups */
	size_t lookups;
	unsigned char *used;		/* bit per digest, NULL: none used */
	size_t nused;
	unsigned char *add;		/* verified in this run */
	size_t nadd, capadd;
	long hits;
	int replace;			/* write only add (report_learn) */
};

static size_t
put_str_canon(unsigned char *b, size_t at, const char *str, size_t size)
{
	size_t n = strnlen(str, size - 1);

	memcpy(b + at, str, n);
	b[at + n] = '\0';
	return at + n + 1;
}

/* A number as a zigzag LEB128 varint (at most 10 bytes): short, so that
 * a record hashes in few SHA-256 blocks, and one encoding per value. */
static size_t
put_num(unsigned char *b, size_t at, long long v)
{
	unsigned long long u = (unsigned long long)v << 1 ^
	    (v < 0 ? ~0ULL : 0);

	while (u >= 0x80) {
		b[at++] = (unsigned char)(u | 0x80);
		u >>= 7;
	}
	b[at++] = (unsigned char)u;
	return at;
}

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Every field of ra (not its unused bytes) into b, which has
 * RA_BYTES_MAX; its length. */
#define RA_BYTES_MAX (APP_ID_LEN + 1 + sizeof(((struct report_app *)0)->idnum) + \
	sizeof(((struct report_app *)0)->name) + \
	sizeof(((struct report_app *)0)->unit) + \
	sizeof(((struct report_app *)0)->series) + \
	sizeof(((struct report_app *)0)->level) + \
	sizeof(((struct report_app *)0)->region) + \
	sizeof(((struct report_app *)0)->waiting_at) + \
	10 * (3 + 4 * RL__COUNT + 4 * REPORT_MAX_YEARS))
static size_t
ra_bytes(const struct report_app *ra, unsigned char *b)
{
	/* the strings with their NULs (at most their arrays' sizes) and
	 * the numbers (put_num): 2 + 4 * RL__COUNT + 1 + 4 * REPORT_MAX_YEARS */
	size_t at = 0;
	int k, nyears = ra->nyears < 0 ? 0 : ra->nyears > REPORT_MAX_YEARS ?
	    REPORT_MAX_YEARS : ra->nyears;

	at = put_str_canon(b, at, ra->id, sizeof(ra->id));
	at = put_str_canon(b, at, ra->idnum, sizeof(ra->idnum));
	at = put_str_canon(b, at, ra->name, sizeof(ra->name));
	at = put_str_canon(b, at, ra->unit, sizeof(ra->unit));
	at = put_str_canon(b, at, ra->series, sizeof(ra->series));
	at = put_str_canon(b, at, ra->level, sizeof(ra->level));
	at = put_str_canon(b, at, ra->region, sizeof(ra->region));
	at = put_str_canon(b, at, ra->waiting_at, sizeof(ra->waiting_at));
	at = put_num(b, at, ra->stage);
	at = put_num(b, at, ra->updated);
	for (k = 0; k < RL__COUNT; k++) {
		at = put_num(b, at, ra->wait[k].stints);
		at = put_num(b, at, ra->wait[k].secs);
		at = put_num(b, at, ra->wait[k].arrived);
		at = put_num(b, at, ra->wait[k].left);
	}
	at = put_num(b, at, nyears);
	for (k = 0; k < nyears; k++) {
		at = put_num(b, at, ra->years[k].year);
		at = put_num(b, at, ra->years[k].pub_half);
		at = put_num(b, at, ra->years[k].pro_half);
		at = put_num(b, at, ra->years[k].approved);
	}
	return at;
}

/* The key of a record in the records cache: the first RC_DG bytes of
 * the SHA-256 of its fields. */
static void
ra_digest(const struct report_app *ra, unsigned char dg[RC_DG])
{
	unsigned char b[RA_BYTES_MAX], d[SHA256_LEN];

	sha256_bin(b, ra_bytes(ra, b), d);
	memcpy(dg, d, RC_DG);
}

/* The key of a row of `ceh list` in the listing cache: the same over
 * "listed", the record's fields and the columns the record lacks (so it
 * is never a record's key). */
static void
row_digest(const struct report_app *ra, const struct index_extra *x,
    unsigned char dg[RC_DG])
{
	unsigned char b[7 + RA_BYTES_MAX + sizeof(x->education) +
	    sizeof(x->phone) + sizeof(x->reason)], d[SHA256_LEN];
	size_t at;

	memcpy(b, "listed", 7);
	at = 7 + ra_bytes(ra, b + 7);
	at = put_str_canon(b, at, x->education, sizeof(x->education));
	at = put_str_canon(b, at, x->phone, sizeof(x->phone));
	at = put_str_canon(b, at, x->reason, sizeof(x->reason));
	sha256_bin(b, at, d);
	memcpy(dg, d, RC_DG);
}

static unsigned long long
dg_key(const void *p)
{
	const unsigned char *d = p;
	unsigned long long k = 0;
	int i;

	for (i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k;
}

/* The index of dg in the sorted digests, or (size_t)-1 (a damaged file
 * costs log n).  A report that looks up many records (a whole store's)
 * makes the directory of the file first (util.h sorted_dir): one pass,
 * then each look-up reads one range instead of probing the file. */
#define RC_DIR_AFTER 2048
static size_t
rc_find(struct rcache *c, const unsigned char dg[RC_DG])
{
	if (++c->lookups == RC_DIR_AFTER)
		sorted_dir_build(&c->dir, c->d, c->n, RC_DG, dg_key);
	return sorted_dir_find(&c->dir, c->d, c->n, RC_DG, dg, RC_DG, dg_key);
}

/* Start fetching where rc_find will look for dg. */
static void
rc_prefetch(const struct rcache *c, const unsigned char dg[RC_DG])
{
	if (c->n)
		sorted_dir_prefetch(&c->dir, c->d, RC_DG, dg, dg_key);
}

/* The cache of sub ("reports" or "listed") with magic, mapped; c->n 0
 * when there is none or it is not to be used (c->dirfd -1 when it cannot
 * be written either). */
static void
rc_open(struct store *s, struct rcache *c, const char *sub, const char *magic)
{
	char head[RC_HEAD + 1];
	struct stat st;
	unsigned long long n;
	size_t i;
	int fd;

	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	c->magic = magic;
	if (trust_registry_digest(s, c->reg) < 0 ||
	    (c->dirfd = trust_cache_folder(s, sub, c->name)) < 0)
		return;
	fd = openat(c->dirfd, c->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	/* the user's own cache only, as the verification cache's */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) ||
	    (size_t)st.st_size < RC_HEAD || (size_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return;
	}
	snprintf(head, sizeof(head), "%sregistry=%s\ncount=", c->magic,
	    c->reg);
	c->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		return;
	}
	c->maplen = (size_t)st.st_size;
	if (memcmp(c->map, head, RC_HEAD - 17) != 0 ||
	    c->map[RC_HEAD - 1] != '\n')
		return;		/* another registry, or damaged: unused */
	for (i = 0, n = 0; i < 16; i++) {
		int ch = c->map[RC_HEAD - 17 + i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return;
		n = n << 4 | (unsigned)hexval((char)ch);
	}
	if (n != (c->maplen - RC_HEAD) / RC_DG ||
	    (c->maplen - RC_HEAD) % RC_DG != 0)
		return;		/* another registry, or damaged: unused */
	c->d = c->map + RC_HEAD;
	c->n = (size_t)n;
}

static int
rc_has(struct rcache *c, const unsigned char dg[RC_DG])
{
	size_t i;

	if (c->n == 0 || (i = rc_find(c, dg)) == (size_t)-1)
		return 0;
	if (c->used == NULL)
		c->used = xcalloc(c->n / 8 + 1, 1);
	if (!(c->used[i / 8] & (1u << (i % 8)))) {
		c->used[i / 8] |= (unsigned char)(1u << (i % 8));
		c->nused++;
	}
	c->hits++;
	return 1;
}

static void
rc_add(struct rcache *c, const unsigned char dg[RC_DG])
{
	if (c->dirfd < 0)
		return;
	if (c->nadd == c->capadd) {
		c->capadd = c->capadd ? c->capadd * 2 : 1024;
		c->add = xreallocarray(c->add, c->capadd, RC_DG);
	}
	memcpy(c->add + c->nadd++ * RC_DG, dg, RC_DG);
}

static int
dg_cmp(const void *a, const void *b)
{
	return memcmp(a, b, RC_DG);
}

/* Write the cache when this run verified records it lacked, or, after a
 * report of everyone (all), when the records it did not use outnumber
 * those it did; then close it. */
static void
rc_close(struct rcache *c, int all)
{
	struct sbuf out = SBUF_INIT;
	struct ceh_err e;
	size_t i = 0, j = 0, kept = 0;
	int prune = all && c->n > 2 * c->nused + 4096;
	char head[RC_HEAD + 1];

	if (c->replace)
		c->n = 0;	/* the old digests are not kept */
	if (c->dirfd >= 0 && (c->nadd || prune || c->replace)) {
		if (c->nadd > 1)
			qsort(c->add, c->nadd, RC_DG, dg_cmp);
		sb_add(&out, head, RC_HEAD);	/* filled below */
		while (i < c->n || j < c->nadd) {
			const unsigned char *x = i < c->n ? c->d + i * RC_DG :
			    NULL, *y = j < c->nadd ? c->add + j * RC_DG : NULL;
			int cmp = x == NULL ? 1 : y == NULL ? -1 :
			    memcmp(x, y, RC_DG);

			if (cmp <= 0) {
				int keep = !prune || (c->used &&
				    (c->used[i / 8] & (1u << (i % 8))));

				if (cmp == 0)
					j++;
				if (keep || cmp == 0) {
					sb_add(&out, (const char *)x, RC_DG);
					kept++;
				}
				i++;
			} else {
				if (kept == 0 || memcmp(out.buf + out.len -
				    RC_DG, y, RC_DG) != 0) {
					sb_add(&out, (const char *)y, RC_DG);
					kept++;
				}
				j++;
			}
		}
		snprintf(head, sizeof(head), "%sregistry=%s\ncount=%016zx\n",
		    c->magic, c->reg, kept);
		memcpy(out.buf, head, RC_HEAD);
		/* a cache: a failure to write it only means verifying again */
		(void)atomic_write(c->dirfd, c->name, out.buf, out.len, &e);
		sb_release(&out);
	}
	if (c->map)
		munmap(c->map, c->maplen);
	if (c->dirfd >= 0)
		close(c->dirfd);
	sorted_dir_free(&c->dir);
	free(c->used);
	free(c->add);
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
}

/* report_learn (report_src.h): the records cache and the listing
 * cache, opened to be added to by a caller that verified the documents. */
struct report_learn {
	struct store *s;
	struct rcache rc;	/* records (the reports) */
	struct rcache ls;	/* rows (ceh list) */
};

struct report_learn *
report_learn_open(struct store *s)
{
	struct report_learn *l;

	if (!trust_signed(s))
		return NULL;
	l = xcalloc(1, sizeof(*l));
	l->s = s;
	rc_open(s, &l->rc, "reports", RC_MAGIC);
	rc_open(s, &l->ls, "listed", LS_MAGIC);
	if (l->rc.dirfd < 0 || l->ls.dirfd < 0) {
		rc_close(&l->rc, 0);
		rc_close(&l->ls, 0);
		free(l);
		return NULL;
	}
	return l;
}

int
report_record_key(const struct application *app, const struct units *u,
    unsigned char key[REPORT_KEY_LEN])
{
	struct report_app ra;
	struct ceh_err e;

	if (app->stage != STAGE_APPROVED || report_app_fill(&ra, app, u, &e) < 0)
		return -1;
	ra_digest(&ra, key);
	return 0;
}

int
report_row_key(const struct application *app, const struct units *u,
    unsigned char key[REPORT_KEY_LEN])
{
	struct report_app ra;
	struct index_extra x;

	if (index_row(app, u, &ra, &x) < 0)
		return -1;
	row_digest(&ra, &x, key);
	return 0;
}

void
report_learn_key(struct report_learn *l, const unsigned char key[REPORT_KEY_LEN])
{
	if (l)
		rc_add(&l->rc, key);
}

void
report_learn_row_key(struct report_learn *l,
    const unsigned char key[REPORT_KEY_LEN])
{
	if (l)
		rc_add(&l->ls, key);
}

void
report_learn_app(struct report_learn *l, const struct application *app,
    int record)
{
	unsigned char key[REPORT_KEY_LEN];

	if (l == NULL)
		return;
	if (report_row_key(app, &l->s->units, key) == 0)
		rc_add(&l->ls, key);
	if (record && report_record_key(app, &l->s->units, key) == 0)
		rc_add(&l->rc, key);
}

void
report_learn_close(struct report_learn *l, int whole)
{
	if (l == NULL)
		return;
	l->rc.replace = whole;
	l->ls.replace = whole;
	rc_close(&l->rc, 0);
	rc_close(&l->ls, 0);
	free(l);
}

/* report_listed (report_src.h): the listing cache, for ceh list. */
struct report_listed {
	struct store *s;
	struct rcache ls;
};

struct report_listed *
report_listed_open(struct store *s)
{
	struct report_listed *l;

	if (!trust_signed(s))
		return NULL;
	l = xcalloc(1, sizeof(*l));
	l->s = s;
	rc_open(s, &l->ls, "listed", LS_MAGIC);
	return l;
}

int
report_listed_has(struct report_listed *l, const struct report_app *ra,
    const struct index_extra *x)
{
	unsigned char key[REPORT_KEY_LEN];

	row_digest(ra, x, key);
	return rc_has(&l->ls, key);
}

void
report_listed_learn(struct report_listed *l, const struct application *app)
{
	unsigned char key[REPORT_KEY_LEN];

	if (report_row_key(app, &l->s->units, key) == 0)
		rc_add(&l->ls, key);
}

void
report_listed_close(struct report_listed *l, int whole)
{
	if (l == NULL)
		return;
	rc_close(&l->ls, whole);
	free(l);
}

struct signed_feed {
	struct store *s;
	report_sink_fn fn;
	void *arg;
	long bad;
	struct rcache rc;
	struct report_app ra;
	/* the approved record before this one, its look-up prefetched
	 * (signed_sink), given when the next record comes */
	struct report_app pend;
	unsigned char pend_dg[RC_DG];
	int has_pend;
};

/* An approved record with digest dg: given as it is when the records
 * cache holds it (made from a verified document), else read from its
 * document and given only when that approval verifies. */
static int
signed_approved(struct signed_feed *f, const struct report_app *ra,
    const unsigned char dg[RC_DG], struct ceh_err *e)
{
	struct app_handle h;
	struct ceh_err sub;
	unsigned char again[RC_DG];
	int rc = 0;

	if (rc_has(&f->rc, dg))
		return f->fn(f->arg, ra, e);
	app_handle_init(&h);
	if (app_open(f->s, ra->id, 0, &h, &sub) < 0) {
		if (sub.code != CEH_ENOTFOUND)
			f->bad++;	/* unreadable, as the walk counts it */
	} else if (!unverified_approval(f->s, &h.app)) {
		if (report_app_fill(&f->ra, &h.app, &f->s->units, e) < 0)
			rc = -1;
		else {
			ra_digest(&f->ra, again);
			rc_add(&f->rc, again);
			rc = f->fn(f->arg, &f->ra, e);
		}
	}
	app_close(&h);
	return rc;
}

static int
signed_flush(struct signed_feed *f, struct ceh_err *e)
{
	if (!f->has_pend)
		return 0;
	f->has_pend = 0;
	return signed_approved(f, &f->pend, f->pend_dg, e);
}

/*
 * Each record in the order the index gives it; an approved one is held
 * until the next record comes (or the feed ends), its place in the
 * records cache prefetched meanwhile, so that the look-up does not wait
 * for memory while the next record is decoded.
 */
static int
signed_sink(void *arg, const struct report_app *ra, struct ceh_err *e)
{
	struct signed_feed *f = arg;

	if (signed_flush(f, e) < 0)
		return -1;
	if (ra->stage != RS_APPROVED)
		return f->fn(f->arg, ra, e);
	ra_digest(ra, f->pend_dg);
	rc_prefetch(&f->rc, f->pend_dg);
	memcpy(&f->pend, ra, ra->nyears >= 0 && ra->nyears <= REPORT_MAX_YEARS ?
	    REPORT_APP_SIZE(ra) : sizeof(*ra));
	f->has_pend = 1;
	return 0;
}

static int
feed_scope_index(struct store *s, const struct report_scope *sc,
    report_sink_fn fn, void *arg, long *unreadable, struct ceh_err *e)
{
	struct signed_feed *sf = NULL;
	int rc;

	if (trust_signed(s)) {
		/* the registry's verified prefix from the user's cache, as a
		 * batch review takes it (trust.h trust_registry_cache) */
		trust_registry_cache(s);
		sf = xcalloc(1, sizeof(*sf));
		sf->s = s;
		sf->fn = fn;
		sf->arg = arg;
		unverified = 0;
		rc_open(s, &sf->rc, "reports", RC_MAGIC);
		rc = index_feed_scope(s, &s->units, sc, signed_sink, sf,
		    unreadable, NULL, e);
		if (rc == 0 && signed_flush(sf, e) < 0)
			rc = -1;
		if (rc == 0 && unreadable)
			*unreadable += sf->bad;
		if (rc == 0)
			rc_close(&sf->rc, sc == NULL || sc->unit == NULL);
		else {
			sf->rc.nadd = 0;	/* nothing written */
			rc_close(&sf->rc, 0);
		}
		free(sf);
	} else
		rc = index_feed_scope(s, &s->units, sc, fn, arg, unreadable,
		    NULL, e);
	return rc;	/* 1: no index to use */
}

/*
 * ---- where a person works now (moves.h) ----
 *
 * Every record of a person whose transfers check is given with the
 * person's current unit as its employer, and that unit's region when it
 * has one, so the reports count the person and every application of
 * theirs (their approved hours too) at the new employer, its
 * supervising chain and its region; the documents are not changed (each
 * history still names who decided what).  The people who have moved are
 * those of index/moved where the index is used, else each person's file
 * is looked at.  Through the index a --unit selects people by their
 * applications' employers: the moved people whose current unit the
 * scope matches are fed from their documents after the rest, and left
 * out of the index's stream.  A transfer that does not check (unsigned
 * or forged in a signed store, damaged) moves nobody.
 */
struct cur_feed {
	struct store *s;
	report_sink_fn fn;
	void *arg;
	int use_list;			/* only the listed people moved */
	struct moves_list list;		/* index/moved */
	struct moves_list extra;	/* fed from their documents */
	char idnum[IDNUM_LEN + 1];	/* the person looked up last */
	char unit[CREDIT_LEN + 1];	/* their current unit, "" none */
	struct report_app ra;
};

static const char *
cur_unit(struct cur_feed *c, const char *idnum)
{
	struct ceh_err e;

	if (strcmp(c->idnum, idnum) == 0)
		return c->unit;
	snprintf(c->idnum, sizeof(c->idnum), "%s", idnum);
	c->unit[0] = '\0';
	if ((!c->use_list || moves_list_has(&c->list, idnum)) &&
	    moves_current(c->s, -1, idnum, c->unit, &e) < 0)
		c->unit[0] = '\0';	/* does not check: nobody moved */
	return c->unit;
}

/* ra with the person's current unit. */
static int
cur_give(void *arg, const struct report_app *ra, struct ceh_err *e)
{
	struct cur_feed *c = arg;
	const char *unit = cur_unit(c, ra->idnum);
	const struct unit *un;
	const struct code_item *it;

	if (unit[0] == '\0')
		return c->fn(c->arg, ra, e);
	memcpy(&c->ra, ra, REPORT_APP_SIZE(ra));
	snprintf(c->ra.unit, sizeof(c->ra.unit), "%s", unit);
	if ((un = units_find(&c->s->units, unit)) != NULL && un->region[0] &&
	    (it = codes_find(&c->s->codes, CL_REGION, un->region)) != NULL &&
	    strlen(it->name) < sizeof(c->ra.region))
		snprintf(c->ra.region, sizeof(c->ra.region), "%s", it->name);
	return c->fn(c->arg, &c->ra, e);
}

/* The index's stream: the people fed from their documents left out. */
static int
cur_sink(void *arg, const struct report_app *ra, struct ceh_err *e)
{
	struct cur_feed *c = arg;

	if (moves_list_has(&c->extra, ra->idnum))
		return 0;
	return cur_give(arg, ra, e);
}

int
report_feed(struct store *s, report_sink_fn fn, void *arg, long *unreadable,
    struct ceh_err *e)
{
	struct cur_feed *c = xcalloc(1, sizeof(*c));
	int rc;

	c->s = s;
	c->fn = fn;
	c->arg = arg;
	rc = feed_docs(s, cur_give, c, unreadable, e);
	free(c);
	return rc;
}

int
report_feed_scope(struct store *s, const struct report_scope *sc,
    report_sink_fn fn, void *arg, long *unreadable, struct ceh_err *e)
{
	struct cur_feed *c;
	long more = 0;
	size_t i;
	int rc;

	c = xcalloc(1, sizeof(*c));
	c->s = s;
	c->fn = fn;
	c->arg = arg;
	if (moves_list_read(s, &c->list) <= 0) {
		/* no index, or its list of moved people damaged: the
		 * documents, and each person's transfers */
		free(c);
		return report_feed(s, fn, arg, unreadable, e);
	}
	c->use_list = 1;
	for (i = 0; sc && sc->unit && i < c->list.n; i++) {
		const char *unit = cur_unit(c, c->list.id[i]);

		if (unit[0] && report_unit_match(sc, &s->units, unit)) {
			c->extra.id = xreallocarray(c->extra.id, c->extra.n + 1,
			    sizeof(*c->extra.id));
			memcpy(c->extra.id[c->extra.n++], c->list.id[i],
			    IDNUM_LEN + 1);
		}
	}
	rc = feed_scope_index(s, sc, cur_sink, c, unreadable, e);
	if (rc == 1) {		/* no index to use after all */
		c->use_list = 0;
		c->extra.n = 0;
		c->idnum[0] = '\0';
		rc = feed_docs(s, cur_give, c, unreadable, e);
	}
	for (i = 0; rc == 0 && i < c->extra.n; i++) {
		struct feed f;

		memset(&f, 0, sizeof(f));
		f.fn = cur_give;
		f.arg = c;
		rc = store_walk(s, c->extra.id[i], visit, &f, e);
		if (rc != 0 && f.e.msg[0])
			*e = f.e;
		more += f.bad;
		rc = rc ? -1 : 0;
	}
	if (unreadable)
		*unreadable += more;
	moves_list_free(&c->list);
	moves_list_free(&c->extra);
	free(c);
	return rc;
}
