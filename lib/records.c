/* records.c - the store of imported hour records: its formats, the
 * state, the shards, lookup, checks and year rows (see records.h; the
 * import engine is records_import.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "codes.h"
#include "doc.h"
#include "err.h"
#include "escape.h"
#include "i18n.h"
#include "records.h"
#include "records_priv.h"
#include "store.h"
#include "util.h"
#include "xalloc.h"

/* ---- TSV fields ---- */

/* tsv_put and tsv_split: lib/escape.c */

/* v in decimal ("%ld") into buf (at least 22 bytes). */
static void
ltoa_buf(long v, char *buf)
{
	char d[24];
	int i = 0, k = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	do
		d[i++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		buf[k++] = '-';
	while (i > 0)
		buf[k++] = d[--i];
	buf[k] = '\0';
}

/* s escaped as tsv_put does, then sep (if not NUL), at w; the end. */
static char *
put_field(char *w, const char *s, char sep)
{
	size_t n = strcspn(s, "\t\n\r\\");

	memcpy(w, s, n);	/* the usual field: nothing to escape */
	w += n;
	for (s += n; *s; s++)
		switch (*s) {
		case '\t': *w++ = '\\'; *w++ = 't'; break;
		case '\n': *w++ = '\\'; *w++ = 'n'; break;
		case '\r': *w++ = '\\'; *w++ = 'r'; break;
		case '\\': *w++ = '\\'; *w++ = '\\'; break;
		default: *w++ = *s;
		}
	if (sep)
		*w++ = sep;
	return w;
}

/* The bytes of tsv_put for each field, in one pass each and one
 * sb_grow for the line (the import writes one per row). */
void
rec_line(struct sbuf *b, const struct hour_record *r)
{
	const char *type = r->pro ? "专业科目" : "公需科目";
	char h[24], y[16];
	size_t max;
	char *w;

	/* hours_fmt's and "%d"'s text without printf */
	ltoa_buf(r->half / 2, h);
	if (r->half % 2)
		strcat(h, ".5");
	ltoa_buf(r->year, y);
	/* escaping at most doubles a field; 9 fields, 8 tabs */
	max = 2 * (strlen(r->id) + strlen(r->name) + strlen(y) +
	    strlen(type) + strlen(r->subject) + strlen(h) + strlen(r->form) +
	    strlen(r->provider) + strlen(r->recid)) + 8;
	sb_grow(b, max);
	w = b->buf + b->len;
	w = put_field(w, r->id, '\t');
	w = put_field(w, r->name, '\t');
	w = put_field(w, y, '\t');
	w = put_field(w, type, '\t');
	w = put_field(w, r->subject, '\t');
	w = put_field(w, h, '\t');
	w = put_field(w, r->form, '\t');
	w = put_field(w, r->provider, '\t');
	w = put_field(w, r->recid, '\0');
	b->len = (size_t)(w - b->buf);
	b->buf[b->len] = '\0';
}

/* ---- the state file ---- */

int
rec_state_read(int recfd, struct rstate *st, struct ceh_err *e)
{
	char *buf, *line, *save = NULL;
	size_t len;
	long n = 0;
	unsigned sh;
	long long sz;
	char extra;

	memset(st, 0, sizeof(*st));
	if (recfd < 0)
		return 0;
	if (read_file_at(recfd, "state", 1 << 20, &buf, &len, e) < 0) {
		if (e->code == CEH_ENOTFOUND)
			return 0;
		ceh_err_prefix(e, "records/state"); /* machine: a path */
		return -1;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		n++;
		if (n == 1) {
			if (strcmp(line, "ceh-records 1") != 0)
				goto bad;
		} else if (n == 2) {
			if (sscanf(line, "imports %ld %c", &st->imports,
			    &extra) != 1 || st->imports < 0)
				goto bad;
		} else if (sscanf(line + (line[0] == 'k'), "%2x %lld %c", &sh,
		    &sz, &extra) != 2 || sh >= REC_SHARDS || sz < 0)
			goto bad;
		else if (line[0] == 'k')
			st->ksize[sh] = sz;
		else
			st->size[sh] = sz;
	}
	free(buf);
	if (n < 2)
		return ceh_fail(e, CEH_ESYS, _("records/state: incomplete"));
	return 0;
bad:
	free(buf);
	return ceh_fail(e, CEH_ESYS, _("records/state: line %ld is not "
	    "understood"), n);
}

int
rec_state_write(int recfd, const struct rstate *st, struct ceh_err *e)
{
	struct sbuf b = SBUF_INIT;
	unsigned sh;
	int rc;

	sb_addf(&b, "ceh-records 1\nimports %ld\n", st->imports);
	for (sh = 0; sh < REC_SHARDS; sh++)
		if (st->size[sh])
			sb_addf(&b, "%02x %lld\n", sh, st->size[sh]);
	for (sh = 0; sh < REC_SHARDS; sh++)
		if (st->ksize[sh])
			sb_addf(&b, "k%02x %lld\n", sh, st->ksize[sh]);
	rc = atomic_write(recfd, "state", b.buf, b.len, e);
	sb_release(&b);
	return rc;
}

/* ---- the shards ---- */

int
rec_path_fail(struct ceh_err *e, const char *name)
{
	return ceh_fail_errno(e, "records/%s", name); /* machine: a path */
}

int
rec_dir(struct store *s, int create, struct ceh_err *e)
{
	int fd = open_dir_at(s->rootfd, "records", create, e);

	if (fd < 0 && e->code != CEH_ENOTFOUND)
		ceh_err_prefix(e, "records"); /* machine: a path */
	return fd;
}

/* Read exactly the committed size of records/NAME into a NUL-terminated
 * buffer (caller frees); a file shorter than that is damage (class 5). */
static int
read_committed(int recfd, const char *name, long long size, char **out,
    struct ceh_err *e)
{
	char *buf;
	ssize_t r;
	size_t got = 0;
	int fd;

	*out = NULL;
	fd = openat(recfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return ceh_fail(e, CEH_ESYS, _("records/%s: missing, %lld bytes "
		    "committed (run ceh fsck)"), name, size);
	if (fd < 0)
		return rec_path_fail(e, name);
	buf = xmalloc((size_t)size + 1);
	while (got < (size_t)size) {
		r = pread(fd, buf + got, (size_t)size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			close(fd);
			if (r < 0)
				return rec_path_fail(e, name);
			return ceh_fail(e, CEH_ESYS, _("records/%s: shorter "
			    "than its committed size %lld (run ceh fsck)"), name,
			    size);
		}
		got += (size_t)r;
	}
	close(fd);
	buf[size] = '\0';
	*out = buf;
	return 0;
}

int
rec_shard_load(int recfd, unsigned sh, long long size, char **out,
    struct ceh_err *e)
{
	char name[8];

	shard_name(sh, name);
	return read_committed(recfd, name, size, out, e);
}

/* Map the committed part of shard sh (size > 0 bytes) read-only.  A
 * shard shorter than that (damaged, or cut by hand) must not be mapped
 * past its end: SIGBUS. */
static int
shard_map(int recfd, unsigned sh, long long size, char **map,
    struct ceh_err *e)
{
	struct stat fst;
	char name[8];
	int fd;

	shard_name(sh, name);
	fd = openat(recfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return rec_path_fail(e, name);
	if (fstat(fd, &fst) < 0 || !S_ISREG(fst.st_mode) ||
	    fst.st_size < size) {
		close(fd);
		return ceh_fail(e, CEH_ESYS, _("records/%s: shorter than its "
		    "committed size (run ceh fsck)"), name);
	}
	*map = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (*map == MAP_FAILED) {
		*map = NULL;
		return rec_path_fail(e, name);
	}
	return 0;
}

/* ---- records ---- */

char *
hrec_key(const struct hrec *r)
{
	return xasprintf("%s/%s", r->provider, r->recid);
}

static void
hrec_release(struct hrec *r)
{
	free(r->name);
	free(r->subject);
	free(r->form);
	free(r->provider);
	free(r->recid);
	free(r->source);
}

void
hrecs_free(struct hrec *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hrec_release(&r[i]);
	free(r);
}

/* Parse a stored line (NUL-terminated, no newline; modified). */
static int
hrec_parse(char *line, struct hrec *r)
{
	char *f[REC_NFIELDS + 1];
	struct ceh_err e;
	long v;

	if (tsv_split(line, f, REC_NFIELDS) != REC_NFIELDS ||
	    strlen(f[0]) != IDNUM_LEN)
		return -1;
	memcpy(r->id, f[0], IDNUM_LEN + 1);
	if (parse_long(f[2], &v) < 0)
		return -1;
	r->year = (int)v;
	if (strcmp(f[3], "公需科目") == 0)
		r->pro = 0;
	else if (strcmp(f[3], "专业科目") == 0)
		r->pro = 1;
	else
		return -1;
	if (hours_parse("hours", f[5], 1000000, &r->half, &e) < 0)
		return -1;
	if (parse_long(f[9], &r->batch) < 0)
		return -1;
	r->name = xstrdup(f[1]);
	r->subject = xstrdup(f[4]);
	r->form = xstrdup(f[6]);
	r->provider = xstrdup(f[7]);
	r->recid = xstrdup(f[8]);
	r->source = xstrdup(f[10]);
	return 0;
}

/* A growing array of records. */
struct hrecs {
	struct hrec *v;
	size_t n, cap;
};

static void
hrecs_push(struct hrecs *a, const struct hrec *r)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = *r;
}

/* Stable insertion sort by year, then public before professional. */
static void
hrecs_sort(struct hrec *v, size_t n)
{
	struct hrec tmp;
	size_t i, j;

	for (i = 1; i < n; i++) {
		tmp = v[i];
		for (j = i; j > 0 && (v[j - 1].year > tmp.year ||
		    (v[j - 1].year == tmp.year && v[j - 1].pro > tmp.pro)); j--)
			v[j] = v[j - 1];
		v[j] = tmp;
	}
}

/* The records of idnum (of year, or all for 0) in the mapped committed
 * part of shard sh, into a: only the lines of this person are copied. */
static int
shard_scan(const char *map, size_t maplen, unsigned sh, const char *idnum,
    int year, struct hrecs *a, struct ceh_err *e)
{
	struct sbuf line = SBUF_INIT;
	const char *p, *q, *nl, *end = map + maplen;
	struct hrec r;

	for (p = map; p < end; p = q + IDNUM_LEN) {
		q = memmem(p, (size_t)(end - p), idnum, IDNUM_LEN);
		if (q == NULL || end - q < IDNUM_LEN + 1)
			break;
		if ((q != map && q[-1] != '\n') || q[IDNUM_LEN] != '\t')
			continue;
		nl = memchr(q, '\n', (size_t)(end - q));
		if (nl == NULL)
			nl = end;
		sb_reset(&line);
		sb_add(&line, q, (size_t)(nl - q));
		memset(&r, 0, sizeof(r));
		if (hrec_parse(line.buf, &r) < 0) {
			hrec_release(&r);
			sb_release(&line);
			return ceh_fail(e, CEH_ESYS, _("records/%02x.tsv: a "
			    "record of %s is damaged (run ceh fsck)"), sh,
			    idnum);
		}
		if (year && r.year != year)
			hrec_release(&r);
		else
			hrecs_push(a, &r);
		if (nl == end)
			break;
		q = nl + 1 - IDNUM_LEN;
	}
	sb_release(&line);
	return 0;
}

int
records_lookup(struct store *s, const char *idnum, int year,
    struct hrec **out, size_t *n, struct ceh_err *e)
{
	struct rstate st;
	struct hrecs a = { NULL, 0, 0 };
	char *map = NULL;
	unsigned sh;
	int recfd, rc = -1;

	*out = NULL;
	*n = 0;
	if (strlen(idnum) != IDNUM_LEN)
		return ceh_fail(e, CEH_EUSAGE, _("'%s' is not an ID number"),
		    idnum);
	recfd = rec_dir(s, 0, e);
	if (recfd < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	sh = shard_of(idnum);
	if (rec_state_read(recfd, &st, e) < 0)
		goto out;
	rc = 0;
	if (st.size[sh] == 0)
		goto out;
	rc = -1;
	if (shard_map(recfd, sh, st.size[sh], &map, e) < 0)
		goto out;
	rc = shard_scan(map, (size_t)st.size[sh], sh, idnum, year, &a, e);
	munmap(map, (size_t)st.size[sh]);
	if (rc < 0) {
		hrecs_free(a.v, a.n);
		goto out;
	}
	hrecs_sort(a.v, a.n);
	*out = a.v;
	*n = a.n;
out:
	close(recfd);
	return rc;
}

/* ---- many people at once (records.h records_lookup_many) ---- */

struct want {
	unsigned sh;
	const char *id;
};

static int
want_cmp(const void *a, const void *b)
{
	const struct want *x = a, *y = b;

	if (x->sh != y->sh)
		return x->sh < y->sh ? -1 : 1;
	return memcmp(x->id, y->id, IDNUM_LEN);
}

static int
want_id_cmp(const void *key, const void *elem)
{
	return memcmp(key, ((const struct want *)elem)->id, IDNUM_LEN);
}

/* One shard's people w[0..n) (sorted by ID): one pass over its lines. */
static int
scan_many(const char *map, size_t maplen, unsigned sh, const struct want *w,
    size_t n, records_each_fn fn, void *arg, struct ceh_err *e)
{
	struct hrecs *a = xcalloc(n, sizeof(*a));
	struct sbuf line = SBUF_INIT;
	const char *p, *nl, *end = map + maplen;
	const struct want *hit;
	size_t i;
	int rc = 0;

	for (p = map; p < end; p = nl + 1) {
		struct hrec r;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl - p <= IDNUM_LEN || p[IDNUM_LEN] != '\t' ||
		    (hit = bsearch(p, w, n, sizeof(*w), want_id_cmp)) == NULL)
			continue;
		sb_reset(&line);
		sb_add(&line, p, (size_t)(nl - p));
		memset(&r, 0, sizeof(r));
		if (hrec_parse(line.buf, &r) < 0) {
			hrec_release(&r);
			rc = ceh_fail(e, CEH_ESYS, _("records/%02x.tsv: a "
			    "record of %s is damaged (run ceh fsck)"), sh,
			    hit->id);
			break;
		}
		hrecs_push(&a[hit - w], &r);
	}
	sb_release(&line);
	for (i = 0; i < n; i++) {
		if (rc == 0 && a[i].n > 0) {
			hrecs_sort(a[i].v, a[i].n);
			rc = fn(arg, w[i].id, a[i].v, a[i].n, e);
		}
		hrecs_free(a[i].v, a[i].n);
	}
	free(a);
	return rc;
}

int
records_lookup_many(struct store *s, const char *const *ids, size_t n,
    records_each_fn fn, void *arg, struct ceh_err *e)
{
	struct want *w;
	struct rstate st;
	size_t i, j, k = 0;
	char *map;
	int recfd, rc = 0;

	recfd = rec_dir(s, 0, e);
	if (recfd < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	if (rec_state_read(recfd, &st, e) < 0) {
		close(recfd);
		return -1;
	}
	w = xcalloc(n ? n : 1, sizeof(*w));
	for (i = 0; i < n; i++)
		if (strlen(ids[i]) == IDNUM_LEN) {
			w[k].sh = shard_of(ids[i]);
			w[k++].id = ids[i];
		}
	qsort(w, k, sizeof(*w), want_cmp);
	for (i = j = 0; i < k; i++)	/* each person once */
		if (j == 0 || want_cmp(&w[j - 1], &w[i]) != 0)
			w[j++] = w[i];
	k = j;
	for (i = 0; rc == 0 && i < k; i = j) {
		unsigned sh = w[i].sh;

		for (j = i; j < k && w[j].sh == sh; j++)
			;
		/* only up to the committed size, like records_lookup */
		if (st.size[sh] == 0)
			continue;
		if ((rc = shard_map(recfd, sh, st.size[sh], &map, e)) < 0)
			break;
		rc = scan_many(map, (size_t)st.size[sh], sh, w + i, j - i, fn,
		    arg, e);
		munmap(map, (size_t)st.size[sh]);
	}
	free(w);
	close(recfd);
	return rc < 0 ? -1 : 0;
}

/* Whether a stored name (escaped TSV field, len bytes) is name, or
 * starts with it when prefix. */
static int
name_match(const char *field, size_t len, const char *name, size_t nlen,
    int prefix)
{
	if (prefix)
		return len >= nlen && memcmp(field, name, nlen) == 0;
	return len == nlen && memcmp(field, name, nlen) == 0;
}

/* The records in the mapped committed part of shard sh whose 姓名 is
 * name (or starts with it), of year (0: all), into a, in file order. */
static int
shard_scan_name(const char *map, size_t maplen, unsigned sh, const char *name,
    int prefix, int year, struct hrecs *a, struct ceh_err *e)
{
	struct sbuf line = SBUF_INIT;
	const char *p, *nl, *t1, *t2, *end = map + maplen;
	size_t nlen = strlen(name);
	struct hrec r;
	int hit;

	for (p = map; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		t1 = memchr(p, '\t', (size_t)(nl - p));
		t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(nl - t1 - 1)) : NULL;
		if (t2 == NULL)
			goto damaged;
		/* the field as stored is the name unless it has an escape */
		if (memchr(t1 + 1, '\\', (size_t)(t2 - t1 - 1)) == NULL &&
		    !name_match(t1 + 1, (size_t)(t2 - t1 - 1), name, nlen,
		    prefix))
			continue;
		sb_reset(&line);
		sb_add(&line, p, (size_t)(nl - p));
		memset(&r, 0, sizeof(r));
		if (hrec_parse(line.buf, &r) < 0) {
			hrec_release(&r);
			goto damaged;
		}
		hit = name_match(r.name, strlen(r.name), name, nlen, prefix) &&
		    (year == 0 || r.year == year);
		if (hit)
			hrecs_push(a, &r);
		else
			hrec_release(&r);
		if (nl == end)
			break;
	}
	sb_release(&line);
	return 0;
damaged:
	sb_release(&line);
	return ceh_fail(e, CEH_ESYS, _("records/%02x.tsv: a damaged record "
	    "(run ceh fsck)"), sh);
}

/* Sort order of records_by_name: ID number, year, public first, then
 * the order found (import order within a shard). */
static int
cmp_by_person(const void *a, const void *b, void *arg)
{
	const struct hrec *v = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(v[i].id, v[j].id);

	if (c)
		return c;
	if (v[i].year != v[j].year)
		return v[i].year < v[j].year ? -1 : 1;
	if (v[i].pro != v[j].pro)
		return v[i].pro - v[j].pro;
	return i < j ? -1 : i > j;
}

int
records_by_name(struct store *s, const char *name, int prefix,
    const char *idnum, int year, struct hrec **out, size_t *n,
    struct ceh_err *e)
{
	struct rstate st;
	struct hrecs a = { NULL, 0, 0 };
	struct hrec *sorted;
	size_t *ord, i;
	char *map;
	unsigned sh, from = 0, to = REC_SHARDS;
	int recfd, rc = 0;

	*out = NULL;
	*n = 0;
	if (idnum && strlen(idnum) != IDNUM_LEN)
		return ceh_fail(e, CEH_EUSAGE, _("'%s' is not an ID number"),
		    idnum);
	recfd = rec_dir(s, 0, e);
	if (recfd < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	if (rec_state_read(recfd, &st, e) < 0) {
		close(recfd);
		return -1;
	}
	if (idnum) {	/* --id too: its one shard */
		from = shard_of(idnum);
		to = from + 1;
	}
	/* each shard only up to its committed size, like records_lookup:
	 * an import in progress is not seen */
	for (sh = from; sh < to && rc == 0; sh++) {
		if (st.size[sh] == 0)
			continue;
		if ((rc = shard_map(recfd, sh, st.size[sh], &map, e)) < 0)
			break;
		rc = shard_scan_name(map, (size_t)st.size[sh], sh, name,
		    prefix, year, &a, e);
		munmap(map, (size_t)st.size[sh]);
	}
	close(recfd);
	if (idnum && rc == 0) {	/* only that person's of the shard */
		size_t k = 0;

		for (i = 0; i < a.n; i++)
			if (strcmp(a.v[i].id, idnum) == 0)
				a.v[k++] = a.v[i];
			else
				hrec_release(&a.v[i]);
		a.n = k;
	}
	if (rc < 0) {
		hrecs_free(a.v, a.n);
		return -1;
	}
	if (a.n > 1) {
		ord = xcalloc(a.n, sizeof(*ord));
		for (i = 0; i < a.n; i++)
			ord[i] = i;
		qsort_r(ord, a.n, sizeof(*ord), cmp_by_person, a.v);
		sorted = xcalloc(a.n, sizeof(*sorted));
		for (i = 0; i < a.n; i++)
			sorted[i] = a.v[ord[i]];
		free(a.v);
		free(ord);
		a.v = sorted;
	}
	*out = a.v;
	*n = a.n;
	return 0;
}

/* ---- the key index ---- */

void
rec_key_hash(const char *provider, const char *recid, uint64_t *k1,
    uint64_t *k2)
{
	char buf[256];
	size_t lp = strlen(provider), lr = strlen(recid);
	char *k = lp + lr + 1 <= sizeof(buf) ? buf : xmalloc(lp + lr + 1);

	memcpy(k, provider, lp);
	k[lp] = '\t';
	memcpy(k + lp + 1, recid, lr);
	*k1 = hash64(k, lp + lr + 1, H1);
	*k2 = hash64(k, lp + lr + 1, H2);
	if (k != buf)
		free(k);
}

static size_t
ktab_pos(const struct ktab *t, uint64_t k1, uint64_t k2)
{
	size_t m = t->nslot - 1, i = (size_t)k1 & m;
	const struct kent *x;

	while (t->slot[i] != REC_NONE) {
		x = &t->v[t->slot[i]];
		if (x->k1 == k1 && x->k2 == k2)
			break;
		i = (i + 1) & m;
	}
	return i;
}

struct kent *
ktab_get(const struct ktab *t, uint64_t k1, uint64_t k2)
{
	size_t i;

	if (t->nslot == 0)
		return NULL;
	i = ktab_pos(t, k1, k2);
	return t->slot[i] == REC_NONE ? NULL : &t->v[t->slot[i]];
}

void
ktab_add(struct ktab *t, uint64_t k1, uint64_t k2, uint64_t ch)
{
	size_t i, j;

	if (2 * (t->n + 1) > t->nslot) {
		size_t ns = t->nslot ? t->nslot * 2 : 256;

		free(t->slot);
		t->slot = xreallocarray(NULL, ns, sizeof(*t->slot));
		for (j = 0; j < ns; j++)
			t->slot[j] = REC_NONE;
		t->nslot = ns;
		for (j = 0; j < t->n; j++)
			t->slot[ktab_pos(t, t->v[j].k1, t->v[j].k2)] =
			    (uint32_t)j;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	i = ktab_pos(t, k1, k2);
	t->v[t->n].k1 = k1;
	t->v[t->n].k2 = k2;
	t->v[t->n].ch = ch;
	t->slot[i] = (uint32_t)t->n++;
}

void
ktab_reset(struct ktab *t)
{
	size_t j;

	t->n = 0;
	for (j = 0; j < t->nslot; j++)
		t->slot[j] = REC_NONE;
}

void
ktab_free(struct ktab *t)
{
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

int
rec_keys_raw(int recfd, unsigned sh, long long size, unsigned char **out,
    struct ceh_err *e)
{
	char name[8], *raw;

	*out = NULL;
	if (size == 0)
		return 0;
	if (size % KENT_BYTES)
		return ceh_fail(e, CEH_ESYS, _("records/%02x.key: committed "
		    "size %lld is not a whole number of entries"), sh, size);
	snprintf(name, sizeof(name), "%02x.key", sh);
	if (read_committed(recfd, name, size, &raw, e) < 0)
		return -1;
	*out = (unsigned char *)raw;
	return 0;
}

int
rec_keys_load(int recfd, unsigned sh, long long size, struct ktab *t,
    long *count, long *dups, struct ceh_err *e)
{
	unsigned char *buf;
	size_t i;

	if (rec_keys_raw(recfd, sh, size, &buf, e) < 0)
		return -1;
	for (i = 0; i < (size_t)size; i += KENT_BYTES) {
		uint64_t k1 = get64(buf + i), k2 = get64(buf + i + 8);

		if (dups && ktab_get(t, k1, k2))
			(*dups)++;
		else
			ktab_add(t, k1, k2, get64(buf + i + 16));
		if (count)
			(*count)++;
	}
	free(buf);
	return 0;
}

/* ---- recovery and checks ---- */

/* Say a finding and count it (counter is &rep->problems or
 * &rep->repaired); rep NULL (recovery) says and counts nothing. */
static void __attribute__((format(printf, 3, 4)))
found(struct records_report *rep, long *counter, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (rep == NULL)
		return;
	(*counter)++;
	if (rep->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rep->say(rep->arg, msg);
}

#define PROBLEM(rep, ...) found(rep, (rep) ? &(rep)->problems : NULL, \
	__VA_ARGS__)
#define REPAIRED(rep, ...) found(rep, (rep) ? &(rep)->repaired : NULL, \
	__VA_ARGS__)

/* One shard file against its committed size want: bytes past it are
 * cut off (repair) or reported.  *size gets the file's size, -1 when
 * there is none (a shorter or missing file is the caller's to judge). */
static int
check_size(int recfd, const char *name, long long want, int repair,
    struct records_report *rep, long long *size, struct ceh_err *e)
{
	struct stat sb;
	int fd;

	*size = -1;
	/* the usual shard: a regular file of its committed size, or none;
	 * one fstatat instead of open, fstat and close (every import
	 * checks all 512); anything else takes the way below */
	if ((fd = fstatat(recfd, name, &sb, AT_SYMLINK_NOFOLLOW)) < 0 &&
	    errno == ENOENT)
		return 0;
	if (fd == 0 && S_ISREG(sb.st_mode) && sb.st_size <= want) {
		*size = sb.st_size;
		return 0;
	}
	fd = openat(recfd, name, (repair ? O_RDWR : O_RDONLY) | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &sb) < 0 || (repair && sb.st_size > want &&
	    (ftruncate(fd, (off_t)want) < 0 || fsync(fd) < 0))) {
		rec_path_fail(e, name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	*size = sb.st_size;
	if (sb.st_size > want && repair)
		REPAIRED(rep, _("records/%s: removed %lld bytes of an "
		    "interrupted import"), name, (long long)sb.st_size - want);
	else if (sb.st_size > want)
		PROBLEM(rep, _("records/%s: %lld bytes of an interrupted "
		    "import past the committed size"), name,
		    (long long)sb.st_size - want);
	return 0;
}

/* A missing or short file (size from check_size) into why: 1 if so. */
static int
size_fault(const char *name, long long size, long long want, char *why,
    size_t whysz)
{
	if (size >= want || want == 0)
		return 0;
	if (size < 0)
		snprintf(why, whysz, _("records/%s: missing, %lld bytes "
		    "committed"), name, want);
	else
		snprintf(why, whysz, _("records/%s: %lld bytes, shorter than "
		    "the committed %lld"), name, size, want);
	return 1;
}

/* What the records imply for the key index: for each key shard, the
 * number of entries and an order-free digest of them (a sum of entry
 * hashes), so a lost, cut or altered entry shows. */
struct kexpect {
	long n[REC_SHARDS];
	uint64_t sum[REC_SHARDS];
	int unreadable;		/* some records could not be read */
};

static uint64_t
kent_digest(const struct kent *k)
{
	return mix64(k->k1 ^ mix64(k->k2 ^ mix64(k->ch)));
}

/* The key entry of a stored line (len bytes, no newline; not modified),
 * as the import made it (records_import.c, p1_spill), with its import
 * number and the line of its source file.  -1 if it does not parse. */
static int
line_kent(const char *line, size_t len, struct sbuf *tmp, struct kent *k,
    long *batch, long *srcline)
{
	char *f[REC_NFIELDS + 1], *colon;
	const char *p = line;
	int i;

	for (i = 0; i < 9; i++) {	/* the end of the 9th field */
		if (i)
			p++;
		p = memchr(p, '\t', len - (size_t)(p - line));
		if (p == NULL)
			return -1;
	}
	k->ch = hash64(line, (size_t)(p - line), H2);
	sb_reset(tmp);
	sb_add(tmp, line, len);
	if (tsv_split(tmp->buf, f, REC_NFIELDS) != REC_NFIELDS)
		return -1;
	rec_key_hash(f[7], f[8], &k->k1, &k->k2);
	colon = strrchr(f[10], ':');
	if (parse_long(f[9], batch) < 0 || colon == NULL ||
	    parse_long(colon + 1, srcline) < 0)
		return -1;
	return 0;
}

/* Key shard sh (its file size, from check_size) against what the
 * records imply: why it is wrong into why, or an empty why. */
static void
key_fault(int recfd, unsigned sh, long long want, long long size,
    const struct kexpect *kx, struct ktab *kt, char *why, size_t whysz)
{
	struct ceh_err e;
	char name[8];
	long n = 0, dups = 0;
	uint64_t sum = 0;
	size_t i;

	why[0] = '\0';
	snprintf(name, sizeof(name), "%02x.key", sh);
	if (size_fault(name, size, want, why, whysz))
		return;
	ktab_reset(kt);
	if (rec_keys_load(recfd, sh, want, kt, &n, &dups, &e) < 0) {
		snprintf(why, whysz, "%.190s", e.msg);
		return;
	}
	if (dups) {
		snprintf(why, whysz, _("records/%s: %ld record key(s) stored "
		    "twice"), name, dups);
		return;
	}
	for (i = 0; i < kt->n; i++)
		sum += kent_digest(&kt->v[i]);
	if (n != kx->n[sh])
		snprintf(why, whysz, _("records/%s: %ld entries for %ld "
		    "records"), name, n, kx->n[sh]);
	else if (sum != kx->sum[sh])
		snprintf(why, whysz, _("records/%s: entries that match no "
		    "record"), name);
}

/* A stored record that parses, with a valid ID number of this shard, a
 * valid year and a known form. */
static int
record_ok(struct store *s, char *line, unsigned sh)
{
	struct hrec r;
	struct ceh_err ve;
	char idc[IDNUM_LEN + 1];
	int ok;

	memset(&r, 0, sizeof(r));
	ok = hrec_parse(line, &r) == 0 &&
	    idnum_check("id", r.id, idc, &ve) == 0 &&
	    strcmp(idc, r.id) == 0 && shard_of(r.id) == sh &&
	    year_check("year", r.year, &ve) == 0 &&
	    codes_find(&s->codes, CL_CE_FORM, r.form) != NULL;
	hrec_release(&r);
	return ok;
}

/* Every committed record of person shard sh, its key entry counted in
 * kx; *nrec counts them. */
static int
check_tsv_shard(struct store *s, int recfd, unsigned sh, long long want,
    struct kexpect *kx, struct records_report *rep, struct ceh_err *e)
{
	struct sbuf tmp = SBUF_INIT;
	struct kent k;
	char name[8], *buf, *p, *nl, *end;
	long lno, batch, srcline;

	shard_name(sh, name);
	if (rec_shard_load(recfd, sh, want, &buf, e) < 0)
		return -1;
	end = buf + want;
	if (end[-1] != '\n')
		PROBLEM(rep, _("records/%s: the last record is cut short"),
		    name);
	for (p = buf, lno = 1; p < end; p = nl + 1, lno++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (line_kent(p, (size_t)(nl - p), &tmp, &k, &batch,
		    &srcline) == 0) {
			kx->n[key_shard(k.k1)]++;
			kx->sum[key_shard(k.k1)] += kent_digest(&k);
		} else
			kx->unreadable = 1;
		if (record_ok(s, p, sh))
			rep->records++;
		else
			PROBLEM(rep, _("records/%s:%ld: damaged record"), name,
			    lno);
	}
	sb_release(&tmp);
	free(buf);
	return 0;
}

/* ---- rebuilding the key index ---- */

/* A key entry being rebuilt, with where its record came from: an
 * import appends its new keys in the order of its file. */
struct kbent {
	struct kent k;
	long batch, line;
};

struct kbuild {
	struct kbent *v;
	size_t n, cap;
};

static int
cmp_kbent(const void *a, const void *b)
{
	const struct kbent *x = a, *y = b;

	if (x->batch != y->batch)
		return x->batch < y->batch ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* From every person shard, the key entries of the key shards marked in
 * bad, into kb[key shard]. */
static int
collect_keys(int recfd, const struct rstate *rs, const unsigned char *bad,
    struct kbuild *kb, struct ceh_err *e)
{
	struct sbuf tmp = SBUF_INIT;
	struct kbent x;
	struct kbuild *b;
	char *buf, *p, *nl, *end;
	unsigned sh;
	int rc = 0;

	for (sh = 0; sh < REC_SHARDS && rc == 0; sh++) {
		if (rs->size[sh] == 0)
			continue;
		if (rec_shard_load(recfd, sh, rs->size[sh], &buf, e) < 0) {
			rc = -1;
			break;
		}
		end = buf + rs->size[sh];
		for (p = buf; p < end && rc == 0; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				nl = end;
			if (line_kent(p, (size_t)(nl - p), &tmp, &x.k, &x.batch,
			    &x.line) < 0) {
				rc = ceh_fail(e, CEH_ESYS, _("records/%02x.tsv: "
				    "a damaged record"), sh);
				break;
			}
			b = &kb[key_shard(x.k.k1)];
			if (!bad[key_shard(x.k.k1)])
				continue;
			if (b->n == b->cap) {
				b->cap = b->cap ? b->cap * 2 : 256;
				b->v = xreallocarray(b->v, b->cap,
				    sizeof(*b->v));
			}
			b->v[b->n++] = x;
		}
		free(buf);
	}
	sb_release(&tmp);
	return rc;
}

/* Write key shard sh from its collected entries, in import order (so
 * byte for byte what the imports wrote), durably; *size gets its size. */
static int
write_keys(int recfd, unsigned sh, struct kbuild *b, long long *size,
    struct ceh_err *e)
{
	struct ktab seen;
	struct sbuf out = SBUF_INIT;
	unsigned char ent[KENT_BYTES];
	char name[8];
	size_t i;
	int rc;

	memset(&seen, 0, sizeof(seen));
	if (b->n)	/* qsort(NULL, 0) is undefined (UBSan) */
		qsort(b->v, b->n, sizeof(*b->v), cmp_kbent);
	for (i = 0; i < b->n; i++) {
		if (ktab_get(&seen, b->v[i].k.k1, b->v[i].k.k2))
			continue;
		ktab_add(&seen, b->v[i].k.k1, b->v[i].k.k2, b->v[i].k.ch);
		put64(ent, b->v[i].k.k1);
		put64(ent + 8, b->v[i].k.k2);
		put64(ent + 16, b->v[i].k.ch);
		sb_add(&out, ent, KENT_BYTES);
	}
	snprintf(name, sizeof(name), "%02x.key", sh);
	rc = atomic_write(recfd, name, out.buf ? out.buf : "", out.len, e);
	*size = (long long)out.len;
	ktab_free(&seen);
	sb_release(&out);
	return rc;
}

/* Rebuild the key shards marked in bad from the records (why[sh] says
 * what was wrong), then the state if a committed key size changed. */
static int
rebuild_keys(int recfd, struct rstate *rs, const unsigned char *bad,
    char (*why)[200], struct records_report *rep, struct ceh_err *e)
{
	struct kbuild *kb = xcalloc(REC_SHARDS, sizeof(*kb));
	long long size;
	unsigned sh;
	int changed = 0, rc = -1;

	if (collect_keys(recfd, rs, bad, kb, e) < 0)
		goto out;
	for (sh = 0; sh < REC_SHARDS; sh++) {
		if (!bad[sh])
			continue;
		if (write_keys(recfd, sh, &kb[sh], &size, e) < 0)
			goto out;
		REPAIRED(rep, _("%s; rebuilt from the records"), why[sh]);
		if (size != rs->ksize[sh]) {
			rs->ksize[sh] = size;
			changed = 1;
		}
	}
	rc = changed ? rec_state_write(recfd, rs, e) : 0;
out:
	for (sh = 0; sh < REC_SHARDS; sh++)
		free(kb[sh].v);
	free(kb);
	return rc;
}

/* Temp files left in records/ by an interrupted state write: removed
 * (repair) or reported, by the store's one sweep (atomic.h). */
static int
sweep_temps(int recfd, int repair, struct records_report *rep,
    struct ceh_err *e)
{
	struct sweep sw = { .repair = repair };

	if (rep) {
		sw.say = rep->say;
		sw.arg = rep->arg;
	}
	if (temp_sweep(recfd, "records", NULL, &sw, e) < 0)
		return -1;
	if (rep) {
		rep->repaired += sw.removed;
		rep->problems += sw.found - sw.removed;
	}
	return 0;
}

/* The key shards against the records (fsck): each wrong one is
 * reported or, with repair, rebuilt - unless some records cannot be
 * read, which only a person can mend. */
static int
check_keys(int recfd, struct rstate *rs, const long long *ksz,
    const struct kexpect *kx, int repair, struct records_report *rep,
    struct ceh_err *e)
{
	char (*why)[200] = xcalloc(REC_SHARDS, sizeof(*why));
	unsigned char bad[REC_SHARDS];
	struct ktab kt;
	unsigned sh;
	int nbad = 0, rc = 0;

	memset(&kt, 0, sizeof(kt));
	memset(bad, 0, sizeof(bad));
	for (sh = 0; sh < REC_SHARDS; sh++) {
		key_fault(recfd, sh, rs->ksize[sh], ksz[sh], kx, &kt, why[sh],
		    sizeof(why[sh]));
		if (why[sh][0] == '\0')
			continue;
		bad[sh] = 1;
		nbad++;
		if (!repair || kx->unreadable)
			PROBLEM(rep, kx->unreadable ? _("%s (not rebuilt: "
			    "some records cannot be read)") : _("%s (ceh fsck "
			    "--repair rebuilds it from the records)"), why[sh]);
	}
	if (nbad && repair && !kx->unreadable)
		rc = rebuild_keys(recfd, rs, bad, why, rep, e);
	ktab_free(&kt);
	free(why);
	return rc;
}

/* The sizes of every shard against the state, cutting off uncommitted
 * tails with repair; with full (fsck), every committed record and the
 * key index too (rebuilt with repair).  rep may be NULL unless full. */
static int
check_shards(struct store *s, int repair, int full, struct records_report *rep,
    struct ceh_err *e)
{
	struct rstate rs;
	struct kexpect *kx = NULL;
	long long *ksz = NULL, size;
	char name[8], why[200];
	unsigned sh;
	int recfd, rc = -1;

	recfd = rec_dir(s, 0, e);
	if (recfd < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	if (rec_state_read(recfd, &rs, e) < 0)
		goto out;
	kx = xcalloc(1, sizeof(*kx));
	ksz = xcalloc(REC_SHARDS, sizeof(*ksz));
	for (sh = 0; sh < REC_SHARDS; sh++) {
		shard_name(sh, name);
		if (check_size(recfd, name, rs.size[sh], repair, rep, &size,
		    e) < 0)
			goto out;
		if (rep && size >= 0)
			rep->shards++;
		if (size_fault(name, size, rs.size[sh], why, sizeof(why))) {
			PROBLEM(rep, "%s", why);
			kx->unreadable = 1;
		} else if (full && rs.size[sh] && check_tsv_shard(s, recfd,
		    sh, rs.size[sh], kx, rep, e) < 0)
			goto out;
	}
	for (sh = 0; sh < REC_SHARDS; sh++) {
		snprintf(name, sizeof(name), "%02x.key", sh);
		if (check_size(recfd, name, rs.ksize[sh], repair, rep,
		    &ksz[sh], e) < 0)
			goto out;
	}
	if (full && check_keys(recfd, &rs, ksz, kx, repair, rep, e) < 0)
		goto out;
	rc = sweep_temps(recfd, repair, rep, e);
out:
	free(kx);
	free(ksz);
	close(recfd);
	return rc;
}

int
records_recover(struct store *s, struct ceh_err *e)
{
	return check_shards(s, 1, 0, NULL, e);
}

int
records_fsck(struct store *s, int repair, struct records_report *rep,
    struct ceh_err *e)
{
	struct records_writer w;
	long *counter;
	int rc;

	/* a read-only check only looks: a live writer is class 4 */
	if (records_writer_claim(s, NULL, repair, &w, e) < 0)
		return -1;
	counter = rep == NULL ? NULL : repair ? &rep->repaired :
	    &rep->problems;
	if (w.stale_pid > 0)
		found(rep, counter, repair ? _("'.writer': left by a ceh that "
		    "is no longer running (pid %ld), removed") : _("'.writer': "
		    "left by a ceh that is no longer running (pid %ld); ceh "
		    "fsck --repair removes it"), w.stale_pid);
	else if (w.stale_pid)
		found(rep, counter, repair ? _("'.writer': left by a ceh that "
		    "is no longer running, removed") : _("'.writer': left by a "
		    "ceh that is no longer running; ceh fsck --repair removes "
		    "it"));
	rc = check_shards(s, repair, 1, rep, e);
	records_writer_release(s, &w);
	return rc;
}

/* ---- year rows from records ---- */

static void
fill_line(struct subject_line *l, struct hrec **v, size_t n)
{
	struct sbuf b = SBUF_INIT;
	size_t i, j, ndistinct = 0, best = 0;

	l->hours = 0;
	if (n == 0) {
		l->subject = xstrdup("");
		l->form = xstrdup("");
		return;
	}
	for (i = 0; i < n; i++) {
		l->hours += v[i]->half;
		if (v[i]->half > v[best]->half)
			best = i;
		for (j = 0; j < i; j++)
			if (strcmp(v[j]->subject, v[i]->subject) == 0)
				break;
		if (j < i)
			continue;
		if (ndistinct++)
			sb_adds(&b, "；");
		sb_adds(&b, v[i]->subject);
	}
	if (utf8_chars(b.buf) > 100) {
		sb_reset(&b);
		sb_adds(&b, v[0]->subject);
		if (utf8_chars(b.buf) > 90) {
			/* cut to 90 characters at a character boundary */
			size_t k = 0, c = 0;

			while (b.buf[k] && c < 90) {
				k++;
				while ((b.buf[k] & 0xc0) == 0x80)
					k++;
				c++;
			}
			b.buf[k] = '\0';
			b.len = k;
		}
		sb_addf(&b, "等%zu项", ndistinct);
	}
	l->subject = sb_detach(&b);
	l->form = xstrdup(v[best]->form);
}

/* Mark in use[] the record named by sel: a full key 培训机构/记录编号
 * first, else a bare record id (which may itself contain a slash).
 * Class 3 when none is, class 1 when several are. */
static int
select_record(const struct hrec *r, size_t n, const char *sel, int *use,
    const char *idnum, int year, struct ceh_err *e)
{
	size_t i, hits = 0;
	int bykey, match;
	char *key;

	for (bykey = 1; bykey >= 0 && hits == 0; bykey--)
		for (i = 0; i < n; i++) {
			key = hrec_key(&r[i]);
			match = strcmp(sel, bykey ? key : r[i].recid) == 0;
			free(key);
			if (match) {
				hits++;
				use[i] = 1;
			}
		}
	if (hits == 0)
		return ceh_fail(e, CEH_ENOTFOUND, _("record '%s' is not on "
		    "file for %s in %d (see ceh records --id %s)"), sel, idnum,
		    year, idnum);
	if (hits > 1)
		return ceh_fail(e, CEH_EINPUT, _("record '%s' is ambiguous: "
		    "several providers use it; give it as 培训机构/记录编号"),
		    sel);
	return 0;
}

int
records_year_row(struct store *s, const char *idnum, int year,
    char *const *sel, size_t nsel, struct year_row *row, struct ceh_err *e)
{
	struct hrec *r = NULL, **pub = NULL, **pro = NULL;
	size_t n, i, npub = 0, npro = 0;
	int rc = -1, *use = NULL;

	memset(row, 0, sizeof(*row));
	row->year = year;
	if (records_lookup(s, idnum, year, &r, &n, e) < 0)
		return -1;
	if (n == 0)
		return ceh_fail(e, CEH_ENOTFOUND, _("no hour records on file "
		    "for %s in %d (import them with ceh import)"), idnum, year);
	use = xcalloc(n, sizeof(int));
	for (i = 0; i < n; i++)
		use[i] = nsel == 0;
	for (i = 0; i < nsel; i++)
		if (select_record(r, n, sel[i], use, idnum, year, e) < 0)
			goto out;
	pub = xcalloc(n, sizeof(*pub));
	pro = xcalloc(n, sizeof(*pro));
	row->records = xcalloc(n, sizeof(char *));
	for (i = 0; i < n; i++) {
		if (!use[i])
			continue;
		if (r[i].pro)
			pro[npro++] = &r[i];
		else
			pub[npub++] = &r[i];
		row->records[row->nrecords++] = hrec_key(&r[i]);
	}
	fill_line(&row->pub, pub, npub);
	fill_line(&row->pro, pro, npro);
	rc = 0;
out:
	free(use);
	free(pub);
	free(pro);
	hrecs_free(r, n);
	return rc;
}
