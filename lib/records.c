/* records.c - the store of imported hour records (see records.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "codes.h"
#include "err.h"
#include "escape.h"
#include "fault.h"
#include "records.h"
#include "store.h"
#include "util.h"
#include "xalloc.h"

#define NFIELDS 11
#define NONE UINT32_MAX

/* murmur3's finaliser: FNV's low bits alone make a poor table index */
static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* A fast 64-bit hash of n bytes, 8 at a time (little-endian loads, so
 * the values - stored in the key index - are the same on every machine).
 * seed and mul give independent functions. */
static uint64_t
hash64(const void *v, size_t n, uint64_t seed, uint64_t mul)
{
	const unsigned char *p = v;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL), w;
	size_t i;

	for (; n >= 8; n -= 8, p += 8) {
		w = (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
		    (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
		    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
		h = (h ^ w) * mul;
		h ^= h >> 29;
	}
	w = 0;
	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	h = (h ^ w) * mul;
	return mix64(h);
}

#define H1 0x243f6a8885a308d3ULL, 0xff51afd7ed558ccdULL
#define H2 0x13198a2e03707344ULL, 0xc4ceb9fe1a85ec53ULL

static unsigned
shard_of(const char *id)
{
	return (unsigned)(hash64(id, IDNUM_LEN, H1) >> 56) &
	    (REC_SHARDS - 1);
}

static void
shard_name(unsigned sh, char out[8])
{
	snprintf(out, 8, "%02x.tsv", sh);
}

/* ---- TSV fields ---- */

static void
sb_addl(struct sbuf *b, long v)
{
	char d[24];
	int i = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	do
		d[i++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		sb_addc(b, '-');
	sb_grow(b, (size_t)i);
	while (i > 0)
		sb_addc(b, d[--i]);
}

/* tsv_put and tsv_split: lib/escape.c */

/* ---- the state file ---- */

struct rstate {
	long imports;
	long long size[REC_SHARDS];	/* person shards SS.tsv */
	long long ksize[REC_SHARDS];	/* key shards SS.key */
};

static int
state_read(int recfd, struct rstate *st, struct ceh_err *e)
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
		ceh_err_prefix(e, "records/state");
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
		return ceh_fail(e, CEH_EINPUT, "records/state: incomplete");
	return 0;
bad:
	free(buf);
	return ceh_fail(e, CEH_EINPUT, "records/state: line %ld is not "
	    "understood", n);
}

static int
state_write(int recfd, const struct rstate *st, struct ceh_err *e)
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

/* The records directory: its fd, -1 with e filled, or -1 with class 3
 * when there is none and create is 0. */
static int
records_dir(struct store *s, int create, struct ceh_err *e)
{
	int fd = open_dir_at(s->rootfd, "records", create, e);

	if (fd < 0 && e->code != CEH_ENOTFOUND)
		ceh_err_prefix(e, "records");
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
	if (fd < 0)
		return ceh_fail_errno(e, "records/%s", name);
	buf = xmalloc((size_t)size + 1);
	while (got < (size_t)size) {
		r = pread(fd, buf + got, (size_t)size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			close(fd);
			if (r < 0)
				return ceh_fail_errno(e, "records/%s", name);
			return ceh_fail(e, CEH_ESYS, "records/%s: shorter than "
			    "its committed size %lld (run ceh fsck)", name,
			    size);
		}
		got += (size_t)r;
	}
	close(fd);
	buf[size] = '\0';
	*out = buf;
	return 0;
}

/* Read the committed part of a shard into a NUL-terminated buffer. */
static int
shard_load(int recfd, unsigned sh, long long size, char **out,
    struct ceh_err *e)
{
	char name[8];

	shard_name(sh, name);
	return read_committed(recfd, name, size, out, e);
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
	char *f[NFIELDS + 1];
	long v;

	if (tsv_split(line, f, NFIELDS) != NFIELDS ||
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
	{
		struct ceh_err e;

		if (hours_parse("hours", f[5], 1000000, &r->half, &e) < 0)
			return -1;
	}
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

int
records_lookup(struct store *s, const char *idnum, int year,
    struct hrec **out, size_t *n, struct ceh_err *e)
{
	struct rstate st;
	struct hrec *v = NULL, tmp;
	struct sbuf line = SBUF_INIT;
	size_t nv = 0, cap = 0, i, j, maplen = 0;
	char *map = NULL, *p, *end, *q, *nl;
	unsigned sh;
	int recfd;

	*out = NULL;
	*n = 0;
	if (strlen(idnum) != IDNUM_LEN)
		return ceh_fail(e, CEH_EUSAGE, "'%s' is not an ID number",
		    idnum);
	recfd = records_dir(s, 0, e);
	if (recfd < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	if (state_read(recfd, &st, e) < 0)
		goto fail;
	sh = shard_of(idnum);
	if (st.size[sh] == 0) {
		close(recfd);
		return 0;
	}
	/* mapped, not read: only the lines of this person are copied */
	{
		char name[8];
		int fd;

		shard_name(sh, name);
		struct stat fst;

		fd = openat(recfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			ceh_fail_errno(e, "records/%s", name);
			goto fail;
		}
		/* a shard shorter than its committed size (damaged, or cut
		 * by hand) must not be mapped past its end: SIGBUS */
		if (fstat(fd, &fst) < 0 || !S_ISREG(fst.st_mode) ||
		    fst.st_size < st.size[sh]) {
			close(fd);
			ceh_fail(e, CEH_ESYS, "records/%s: shorter than its "
			    "committed size (run ceh fsck)", name);
			goto fail;
		}
		map = mmap(NULL, (size_t)st.size[sh], PROT_READ, MAP_SHARED,
		    fd, 0);
		close(fd);
		if (map == MAP_FAILED) {
			map = NULL;
			ceh_fail_errno(e, "records/%s", name);
			goto fail;
		}
		maplen = (size_t)st.size[sh];
	}
	end = map + maplen;
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
		memset(&tmp, 0, sizeof(tmp));
		if (hrec_parse(line.buf, &tmp) < 0) {
			hrec_release(&tmp);
			ceh_fail(e, CEH_EINPUT, "records/%02x.tsv: a record of "
			    "%s is damaged (run ceh fsck)", sh, idnum);
			goto fail;
		}
		if (year && tmp.year != year) {
			hrec_release(&tmp);
		} else {
			if (nv == cap) {
				cap = cap ? cap * 2 : 16;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[nv++] = tmp;
		}
		if (nl == end)
			break;
		q = nl + 1 - IDNUM_LEN;
	}
	/* stable insertion sort by year, then public before professional */
	for (i = 1; i < nv; i++) {
		tmp = v[i];
		for (j = i; j > 0 && (v[j - 1].year > tmp.year ||
		    (v[j - 1].year == tmp.year && v[j - 1].pro > tmp.pro)); j--)
			v[j] = v[j - 1];
		v[j] = tmp;
	}
	if (map)
		munmap(map, maplen);
	sb_release(&line);
	close(recfd);
	*out = v;
	*n = nv;
	return 0;
fail:
	hrecs_free(v, nv);
	if (map)
		munmap(map, maplen);
	sb_release(&line);
	close(recfd);
	return -1;
}

/* ---- hash tables ---- */

/* People of the file being imported: ID -> name given in the file and
 * name already on record. */
struct pent {
	char id[IDNUM_LEN + 1];
	uint32_t namehash;	/* of the first name in the file */
	uint32_t name;		/* offset in names */
	uint32_t sname;		/* name on record, or NONE */
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

/* Find id, or add it with name; *isnew says which. */
static struct pent *
ptab_getadd(struct ptab *t, const char *id, const char *name, long line,
    int *isnew)
{
	uint64_t h = ptab_hash(id), hk;
	size_t i, k;

	if (2 * (t->n + 1) > t->nslot) {
		size_t ns = t->nslot ? t->nslot * 2 : 1024;

		free(t->slot);
		t->slot = xcalloc(ns, sizeof(*t->slot));
		t->nslot = ns;
		for (k = 0; k < t->n; k++) {
			hk = ptab_hash(t->v[k].id);
			t->slot[ptab_pos(t, t->v[k].id, hk)] =
			    (hk >> 32) << 32 | (uint64_t)(k + 1);
		}
	}
	i = ptab_pos(t, id, h);
	if (t->slot[i] != 0) {
		*isnew = 0;
		return &t->v[(t->slot[i] & 0xffffffffu) - 1];
	}
	*isnew = 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	memcpy(t->v[t->n].id, id, IDNUM_LEN + 1);
	t->v[t->n].namehash = (uint32_t)hash64(name, strlen(name), H1);
	t->v[t->n].name = (uint32_t)t->names.len;
	sb_add(&t->names, name, strlen(name) + 1);
	t->v[t->n].sname = NONE;
	t->v[t->n].line = line;
	t->slot[i] = (h >> 32) << 32 | (uint64_t)(t->n + 1);
	return &t->v[t->n++];
}

static void
ptab_free(struct ptab *t)
{
	free(t->v);
	free(t->slot);
	sb_release(&t->names);
	memset(t, 0, sizeof(*t));
}

/* Record keys (培训机构, 记录编号) as two independent 64-bit hashes, with
 * the content hash of the record: the key index of a key shard. */
struct kent {
	uint64_t k1, k2, ch;
};

struct ktab {
	struct kent *v;
	size_t n, cap;
	uint32_t *slot;
	size_t nslot;
};

#define KENT_BYTES 24

static void
key_hash(const char *provider, const char *recid, uint64_t *k1,
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

static unsigned
key_shard(uint64_t k1)
{
	return (unsigned)(k1 >> 56) & (REC_SHARDS - 1);
}

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static size_t
ktab_pos(const struct ktab *t, uint64_t k1, uint64_t k2)
{
	size_t m = t->nslot - 1, i = (size_t)k1 & m;
	const struct kent *x;

	while (t->slot[i] != NONE) {
		x = &t->v[t->slot[i]];
		if (x->k1 == k1 && x->k2 == k2)
			break;
		i = (i + 1) & m;
	}
	return i;
}

static struct kent *
ktab_get(const struct ktab *t, uint64_t k1, uint64_t k2)
{
	size_t i;

	if (t->nslot == 0)
		return NULL;
	i = ktab_pos(t, k1, k2);
	return t->slot[i] == NONE ? NULL : &t->v[t->slot[i]];
}

static void
ktab_add(struct ktab *t, uint64_t k1, uint64_t k2, uint64_t ch)
{
	size_t i, j;

	if (2 * (t->n + 1) > t->nslot) {
		size_t ns = t->nslot ? t->nslot * 2 : 256;

		free(t->slot);
		t->slot = xreallocarray(NULL, ns, sizeof(*t->slot));
		for (j = 0; j < ns; j++)
			t->slot[j] = NONE;
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

static void
ktab_reset(struct ktab *t)
{
	size_t j;

	t->n = 0;
	for (j = 0; j < t->nslot; j++)
		t->slot[j] = NONE;
}

static void
ktab_free(struct ktab *t)
{
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* Read the committed part of key shard sh into t; *count gets the
 * number of entries, *dups how many keys appear twice. */
static int
keys_load(int recfd, unsigned sh, long long size, struct ktab *t,
    long *count, long *dups, struct ceh_err *e)
{
	char name[8], *raw;
	unsigned char *buf;
	size_t i;

	if (size == 0)
		return 0;
	if (size % KENT_BYTES)
		return ceh_fail(e, CEH_ESYS, "records/%02x.key: committed size "
		    "%lld is not a whole number of entries", sh, size);
	snprintf(name, sizeof(name), "%02x.key", sh);
	if (read_committed(recfd, name, size, &raw, e) < 0)
		return -1;
	buf = (unsigned char *)raw;
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

static int
spill_flush(struct spill *sp, unsigned part, struct ceh_err *e)
{
	struct sbuf *b = &sp->buf[part];
	ssize_t r;
	size_t done = 0;

	if (sp->fd < 0) {
		const char *dir = getenv("TMPDIR");
		char *tpl;

		if (dir == NULL || *dir == '\0')
			dir = "/tmp";
		tpl = xasprintf("%s/ceh-import-XXXXXX", dir);
		sp->fd = mkstemp(tpl);
		if (sp->fd < 0) {
			ceh_fail_errno(e, "temp file in %s", dir);
			free(tpl);
			return -1;
		}
		unlink(tpl);
		free(tpl);
	}
	while (done < b->len) {
		r = pwrite(sp->fd, b->buf + done, b->len - done,
		    sp->end + (off_t)done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ceh_fail_errno(e, "temp file");
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

/* The whole of partition part, in order, into out (replaced); unless
 * keep, the partition is emptied. */
static int
spill_take(struct spill *sp, unsigned part, struct sbuf *out, int keep,
    struct ceh_err *e)
{
	size_t i, done;
	ssize_t r;

	sb_reset(out);
	for (i = 0; i < sp->nch; i++) {
		if (sp->ch[i].part != part)
			continue;
		sb_grow(out, sp->ch[i].len);
		for (done = 0; done < sp->ch[i].len; done += (size_t)r) {
			r = pread(sp->fd, out->buf + out->len + done,
			    sp->ch[i].len - done, sp->ch[i].off + (off_t)done);
			if (r < 0 && errno == EINTR) {
				r = 0;
				continue;
			}
			if (r <= 0)
				return ceh_fail_errno(e, "temp file");
		}
		out->len += sp->ch[i].len;
		out->buf[out->len] = '\0';
	}
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

/* ---- import ---- */

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
};

static void
say(struct imp *im, long line, const char *fmt, const char *reason)
{
	char msg[1400];

	if (im->o->say == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s:%ld: %s%s", im->path, line, fmt,
	    reason);
	im->o->say(im->o->arg, msg);
}

static void
put_reject(struct imp *im, long line, char *const *f, size_t n,
    const char *what, const char *reason)
{
	char *r;

	say(im, line, what, reason);
	if (im->o->rejects == NULL)
		return;
	if (im->o->rejects_header) {
		fputs("\xef\xbb\xbf", im->o->rejects);
		csv_put_row(im->o->rejects, im->hdr, im->nhdr, "原因");
		im->o->rejects_header = 0;
	}
	r = xasprintf("%s:%ld: %s%s", im->base, line, what, reason);
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
	if (im->o->rejects) {
		im->o->say = NULL;	/* said above */
		im->have_header = 0;
		im->curlate = 0;
		rc = csv_read_file(im->path, im->st->used, NULL, NULL, late_row,
		    im, e);
		im->o->say = sayfn;
	}
	return rc;
}

static void
build_line(struct sbuf *b, const struct hour_record *r)
{
	char h[24];

	tsv_put(b, r->id);
	sb_addc(b, '\t');
	tsv_put(b, r->name);
	sb_addc(b, '\t');
	sb_addl(b, r->year);
	sb_adds(b, r->pro ? "\t专业科目\t" : "\t公需科目\t");
	tsv_put(b, r->subject);
	sb_addc(b, '\t');
	sb_adds(b, hours_fmt(r->half, h, sizeof(h)));
	sb_addc(b, '\t');
	tsv_put(b, r->form);
	sb_addc(b, '\t');
	tsv_put(b, r->provider);
	sb_addc(b, '\t');
	tsv_put(b, r->recid);
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

#define PENT_BYTES 40	/* k1 k2 ch seq line, 8 bytes each */

/*
 * Pass 1: check each row.  A valid one goes, as "SEQ LINE PERSON RECORD"
 * (the record as it will be stored), to the partition of its person
 * shard, and as a 40-byte entry (key hashes, content hash, SEQ, LINE) to
 * the partition of its key shard.
 */
static int
p1_row(void *arg, long line, char *const *f, const size_t *len, size_t n,
    struct ceh_err *e)
{
	struct imp *im = arg;
	struct hour_record r;
	struct pent *p;
	unsigned char ent[PENT_BYTES];
	uint64_t k1, k2, ch;
	size_t i, start;
	int isnew;

	if (!im->have_header) {
		if (colmap_from_header(&im->map, f, n, e) < 0) {
			ceh_err_prefix(e, "%s:%ld", im->path, line);
			return -1;
		}
		im->hdr = xcalloc(n, sizeof(char *));
		for (i = 0; i < n; i++)
			im->hdr[i] = xstrdup(f[i]);
		im->nhdr = n;
		im->have_header = 1;
		return 0;
	}
	im->st->read++;
	if (im->o->progress && (im->st->read & 0xffff) == 0)
		im->o->progress(im->o->arg, im->path, im->st->read);
	for (i = 0; i < n; i++)
		if (strlen(f[i]) != len[i]) {
			im->st->rejected++;
			put_reject(im, line, f, n, "a field contains a NUL byte",
			    "");
			return 0;
		}
	if (record_from_row(&im->map, f, n, &im->s->codes, im->o->max_half,
	    &r, &im->rowerr) < 0) {
		im->st->rejected++;
		put_reject(im, line, f, n, "", im->rowerr.msg);
		return 0;
	}
	/* names are checked in pass 2, against the name on record or, for
	 * a new person, the first one in the file */
	p = ptab_getadd(&im->people, r.id, r.name, line, &isnew);
	if (!isnew && !im->names_differ &&
	    p->namehash != (uint32_t)hash64(r.name, strlen(r.name), H1))
		im->names_differ = 1;
	if (im->nvalid % 4 == 0) {
		if ((im->nvalid >> 2) >= im->capverdict) {
			im->capverdict = im->capverdict ? im->capverdict * 2 :
			    4096;
			im->verdict = xrealloc(im->verdict, im->capverdict);
		}
		im->verdict[im->nvalid >> 2] = 0;
	}
	sb_reset(&im->tmp);
	sb_addl(&im->tmp, (long)im->nvalid);
	sb_addc(&im->tmp, '\t');
	sb_addl(&im->tmp, line);
	sb_addc(&im->tmp, '\t');
	sb_addl(&im->tmp, (long)(p - im->people.v));
	sb_addc(&im->tmp, '\t');
	start = im->tmp.len;
	build_line(&im->tmp, &r);
	ch = hash64(im->tmp.buf + start, im->tmp.len - start, H2);
	sb_addc(&im->tmp, '\n');
	if (spill_add(&im->outp, shard_of(r.id), im->tmp.buf, im->tmp.len,
	    e) < 0)
		return -1;
	key_hash(r.provider, r.recid, &k1, &k2);
	put64(ent, k1);
	put64(ent + 8, k2);
	put64(ent + 16, ch);
	put64(ent + 24, im->nvalid);
	put64(ent + 32, (uint64_t)line);
	if (spill_add(&im->part, key_shard(k1), (char *)ent, sizeof(ent),
	    e) < 0)
		return -1;
	im->nvalid++;
	return 0;
}

/* The names on record of the people in the file, from the person shards
 * that hold any of them. */
static int
load_names(struct imp *im, int recfd, const struct rstate *rs,
    struct ceh_err *e)
{
	unsigned char want[REC_SHARDS];
	char *buf, *p, *nl, *end, *t1, *t2;
	struct pent *pe;
	unsigned sh;
	size_t i;

	memset(want, 0, sizeof(want));
	for (i = 0; i < im->people.n; i++)
		want[shard_of(im->people.v[i].id)] = 1;
	for (sh = 0; sh < REC_SHARDS; sh++) {
		if (!want[sh] || rs->size[sh] == 0)
			continue;
		if (shard_load(recfd, sh, rs->size[sh], &buf, e) < 0)
			return -1;
		end = buf + rs->size[sh];
		for (p = buf; p < end; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				nl = end;
			if (nl - p < IDNUM_LEN + 1 || p[IDNUM_LEN] != '\t')
				continue;
			p[IDNUM_LEN] = '\0';
			pe = ptab_get(&im->people, p);
			if (pe == NULL || pe->sname != NONE)
				continue;
			*nl = '\0';
			t1 = p + IDNUM_LEN + 1;
			t2 = strchr(t1, '\t');
			if (t2 == NULL)
				continue;
			*t2 = '\0';
			pe->sname = (uint32_t)im->people.names.len;
			im->any_sname = 1;
			/* names hold no tab, newline or backslash escapes
			 * that matter: text_check refused control characters */
			sb_add(&im->people.names, t1, strlen(t1) + 1);
		}
		free(buf);
	}
	return 0;
}

/*
 * Files written by an import, fsynced together at the end (the kernel
 * writes them back in parallel meanwhile) - and at most SYNC_OPEN open
 * at a time.
 */
#define SYNC_OPEN 128

struct syncset {
	int fd[SYNC_OPEN];
	char name[SYNC_OPEN][8];
	int n;
	/* files this import created (empty when committed): removed again
	 * if it fails, so a failed import leaves the store as it was */
	char created[2 * REC_SHARDS][8];
	int ncreated;
};

static void
remove_created(int recfd, struct syncset *ss)
{
	int i;

	for (i = 0; i < ss->ncreated; i++)
		(void)unlinkat(recfd, ss->created[i], 0);
	ss->ncreated = 0;
}

static int
sync_all(struct syncset *ss, struct ceh_err *e)
{
	int i, rc = 0;

	/* many files: one syncfs(2) (one journal commit) instead of an
	 * fsync each, which costs a disk flush per file */
	if (ss->n > 16) {
		if (fault_hit("fsync") ? (errno = EIO, 1) : syncfs(ss->fd[0]) < 0)
			rc = ceh_fail_errno(e, "records: syncfs");
		for (i = 0; i < ss->n; i++)
			if (close(ss->fd[i]) < 0 && rc == 0)
				rc = ceh_fail_errno(e, "records/%s",
				    ss->name[i]);
		ss->n = 0;
		return rc;
	}
	for (i = 0; i < ss->n; i++) {
		if (rc == 0 && (fault_hit("fsync") ? (errno = EIO, 1) :
		    fsync(ss->fd[i]) < 0))
			rc = ceh_fail_errno(e, "records/%s", ss->name[i]);
		if (close(ss->fd[i]) < 0 && rc == 0)
			rc = ceh_fail_errno(e, "records/%s", ss->name[i]);
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

/* Append buf to records/NAME at its committed size at; the fsync is
 * left to sync_all. */
static int
append_file(int recfd, const char *name, long long at, const char *buf,
    size_t len, int *created, struct syncset *ss, struct ceh_err *e)
{
	struct stat sb;
	int fd;

	if (ss->n == SYNC_OPEN && sync_all(ss, e) < 0)
		return -1;
	fd = openat(recfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return ceh_fail_errno(e, "records/%s", name);
	if (fstat(fd, &sb) < 0 || sb.st_size != at) {
		close(fd);
		return ceh_fail(e, CEH_ESYS, "records/%s: size is not the "
		    "committed %lld (run ceh fsck --repair)", name, at);
	}
	if (at == 0) {
		*created = 1;
		if (ss->ncreated < 2 * REC_SHARDS)
			snprintf(ss->created[ss->ncreated++],
			    sizeof(ss->created[0]), "%s", name);
	}
	if (lseek(fd, (off_t)at, SEEK_SET) < 0 ||
	    (fault_hit("write") ? (errno = ENOSPC, 1) :
	    write_all(fd, buf, len) < 0)) {
		ceh_fail_errno(e, "records/%s", name);
		if (ftruncate(fd, (off_t)at) == 0)
			(void)fsync(fd);
		close(fd);
		return -1;
	}
	ss->fd[ss->n] = fd;
	snprintf(ss->name[ss->n], sizeof(ss->name[0]), "%s", name);
	ss->n++;
	crash_point("records-shard");
	return 0;
}

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

/* Field k (from 0) of a stored record, copied into b. */
static const char *
rec_field(const char *rec, int k, struct sbuf *b)
{
	const char *p = rec, *q;
	char *f[NFIELDS + 1];

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

/*
 * Pass 2: names (person shard by shard, only when one may be wrong), then
 * duplicates and conflicts (key shard by key shard; new keys appended to
 * the key shards), then the new records appended to their person shards
 * in the order of the file; then the commit.
 */
static int
pass2(struct imp *im, int recfd, struct rstate *rs, struct ceh_err *e)
{
	struct ktab kt;
	struct sbuf kout = SBUF_INIT, out = SBUF_INIT, buf = SBUF_INIT;
	struct sbuf f1 = SBUF_INIT, f2 = SBUF_INIT;
	struct rstate ns = *rs;
	struct syncset ss;
	struct pent *pe;
	struct kent *k;
	struct orow o;
	char *line, *nl, *msg, name[8];
	const char *rname;
	unsigned char *ent;
	unsigned sh;
	long batch = rs->imports + 1;
	uint64_t k1, k2, ch, seq, lno;
	size_t i;
	int created = 0, any = 0, rc = -1, v;

	memset(&kt, 0, sizeof(kt));
	ss.n = 0;
	ss.ncreated = 0;
	if (recfd >= 0 && load_names(im, recfd, rs, e) < 0)
		goto out;

	/* names */
	for (sh = 0; (im->any_sname || im->names_differ) && sh < REC_SHARDS;
	    sh++) {
		if (!spill_used(&im->outp, sh))
			continue;
		if (spill_take(&im->outp, sh, &buf, 1, e) < 0)
			goto out;
		for (line = buf.buf; line < buf.buf + buf.len; line = nl + 1) {
			nl = memchr(line, '\n', buf.len -
			    (size_t)(line - buf.buf));
			if (nl == NULL || orow_parse(line, nl, im, &o) < 0)
				goto damaged;
			pe = &im->people.v[o.pidx];
			rname = rec_field(o.rec, 1, &f1);
			msg = NULL;
			if (pe->sname != NONE && strcmp(rname,
			    im->people.names.buf + pe->sname) != 0)
				msg = xasprintf("姓名 '%s' differs from '%s' "
				    "already on record for %s", rname,
				    im->people.names.buf + pe->sname, pe->id);
			else if (pe->sname == NONE && strcmp(rname,
			    im->people.names.buf + pe->name) != 0)
				msg = xasprintf("姓名 '%s' differs from '%s' "
				    "given for %s on line %ld", rname,
				    im->people.names.buf + pe->name, pe->id,
				    pe->line);
			if (msg) {
				set_verdict(im, (unsigned long)o.seq,
				    V_REFUSED);
				im->st->rejected++;
				late_reject(im, o.line, msg);
			}
		}
	}

	/* duplicates and conflicts */
	for (sh = 0; sh < REC_SHARDS; sh++) {
		if (!spill_used(&im->part, sh))
			continue;
		if (spill_take(&im->part, sh, &buf, 0, e) < 0)
			goto out;
		if (buf.len % PENT_BYTES)
			goto damaged;
		ktab_reset(&kt);
		if (recfd >= 0 && keys_load(recfd, sh, rs->ksize[sh], &kt, NULL,
		    NULL, e) < 0)
			goto out;
		sb_reset(&kout);
		for (i = 0; i < buf.len; i += PENT_BYTES) {
			ent = (unsigned char *)buf.buf + i;
			seq = get64(ent + 24);
			if (seq >= im->nvalid)
				goto damaged;
			if (verdict(im, seq) == V_REFUSED)
				continue;
			k1 = get64(ent);
			k2 = get64(ent + 8);
			ch = get64(ent + 16);
			k = ktab_get(&kt, k1, k2);
			if (k && k->ch == ch) {
				set_verdict(im, seq, V_DUP);
				im->st->duplicates++;
				continue;
			}
			if (k) {
				set_verdict(im, seq, V_CONFLICT);
				im->st->conflicts++;
				continue;
			}
			ktab_add(&kt, k1, k2, ch);
			im->st->imported++;
			sb_add(&kout, ent, KENT_BYTES);
		}
		if (kout.len && !im->o->dry_run) {
			snprintf(name, sizeof(name), "%02x.key", sh);
			if (append_file(recfd, name, rs->ksize[sh], kout.buf,
			    kout.len, &created, &ss, e) < 0)
				goto out;
			ns.ksize[sh] += (long long)kout.len;
			any = 1;
		}
	}

	/* the new records, person shard by person shard */
	for (sh = 0; sh < REC_SHARDS; sh++) {
		if (!spill_used(&im->outp, sh))
			continue;
		if (spill_take(&im->outp, sh, &buf, 0, e) < 0)
			goto out;
		sb_reset(&out);
		for (line = buf.buf; line < buf.buf + buf.len; line = nl + 1) {
			nl = memchr(line, '\n', buf.len -
			    (size_t)(line - buf.buf));
			if (nl == NULL || orow_parse(line, nl, im, &o) < 0)
				goto damaged;
			v = verdict(im, (unsigned long)o.seq);
			if (v == V_CONFLICT) {
				msg = xasprintf("conflict: 记录编号 '%s' of "
				    "培训机构 '%s' is already on record with "
				    "other content; not overwritten",
				    rec_field(o.rec, 8, &f1),
				    rec_field(o.rec, 7, &f2));
				late_reject(im, o.line, msg);
			}
			if (v != V_NEW || im->o->dry_run)
				continue;
			lno = (uint64_t)o.line;
			sb_add(&out, o.rec, o.reclen);
			sb_addc(&out, '\t');
			sb_addl(&out, batch);
			sb_addc(&out, '\t');
			tsv_put(&out, im->base);
			sb_addc(&out, ':');
			sb_addl(&out, (long)lno);
			sb_addc(&out, '\n');
		}
		if (out.len == 0)
			continue;
		shard_name(sh, name);
		if (append_file(recfd, name, rs->size[sh], out.buf, out.len,
		    &created, &ss, e) < 0)
			goto out;
		ns.size[sh] += (long long)out.len;
		any = 1;
	}
	/* drop the temp data first: syncfs would write it out */
	spill_free(&im->part);
	spill_free(&im->outp);
	if (any) {
		if (sync_all(&ss, e) < 0 ||
		    (created && fsync_dir(recfd, "records", e) < 0))
			goto out;
		crash_point("records-before-commit");
		ns.imports = batch;
		if (state_write(recfd, &ns, e) < 0) {
			struct rstate now;
			struct ceh_err e2;

			/* renamed in but not synced: committed all the same,
			 * so keep what it names */
			if (state_read(recfd, &now, &e2) == 0 &&
			    now.imports == batch) {
				ss.ncreated = 0;
				*rs = ns;
			}
			goto out;
		}
		*rs = ns;
		ss.ncreated = 0;
		crash_point("records-after-commit");
	}
	rc = 0;
	goto out;
damaged:
	ceh_fail(e, CEH_ESYS, "%s: temp file damaged", im->path);
out:
	sync_drop(&ss);
	if (rc < 0)
		remove_created(recfd, &ss);
	ktab_free(&kt);
	sb_release(&kout);
	sb_release(&out);
	sb_release(&buf);
	sb_release(&f1);
	sb_release(&f2);
	return rc;
}

int
records_import(struct store *s, const char *path, struct import_opts *o,
    struct import_stats *st, struct ceh_err *e)
{
	struct imp im;
	struct rstate rs;
	int recfd = -1, rc = -1, newdir = 0;
	size_t i;

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
	if (csv_read_file(path, o->enc, &st->used, &st->bom, p1_row, &im,
	    e) < 0)
		goto out;
	if (!im.have_header) {
		ceh_fail(e, CEH_EINPUT, "%s: empty file (no header row)", path);
		goto out;
	}
	if (o->progress)
		o->progress(o->arg, path, -1);
	newdir = faccessat(s->rootfd, "records", F_OK, AT_SYMLINK_NOFOLLOW) < 0;
	recfd = records_dir(s, !o->dry_run, e);
	if (recfd < 0 && (!o->dry_run || e->code != CEH_ENOTFOUND))
		goto out;
	if (state_read(recfd, &rs, e) < 0)
		goto out;
	if (pass2(&im, recfd, &rs, e) < 0 || late_report(&im, e) < 0)
		goto out;
	rc = 0;
out:
	if (recfd >= 0)
		close(recfd);
	if (rc < 0 && newdir && !o->dry_run)	/* empty unless committed */
		(void)unlinkat(s->rootfd, "records", AT_REMOVEDIR);
	spill_free(&im.part);
	spill_free(&im.outp);
	for (i = 0; i < im.nhdr; i++)
		free(im.hdr[i]);
	free(im.hdr);
	for (i = 0; i < im.nlate; i++)
		free(im.late[i].msg);
	free(im.late);
	free(im.verdict);
	ptab_free(&im.people);
	sb_release(&im.tmp);
	return rc;
}

/* ---- recovery and checks ---- */

static int
check_shards(struct store *s, int repair, int full, struct records_report *rep,
    struct ceh_err *e)
{
	struct rstate rs;
	struct ktab kt;
	struct stat sb;
	struct ceh_err ve;
	char name[8], msg[1200], *buf, *p, *nl, *end;
	char idc[IDNUM_LEN + 1];
	unsigned sh;
	long lno, nkeys = 0, nrec = 0, dups;
	long long want;
	int recfd, fd, kind, rc = -1;
	DIR *d;
	struct dirent *de;

#define SAY(...) do { snprintf(msg, sizeof(msg), __VA_ARGS__); \
	if (rep && rep->say) rep->say(rep->arg, msg); } while (0)

	memset(&kt, 0, sizeof(kt));
	recfd = records_dir(s, 0, e);
	if (recfd < 0)
		return e->code == CEH_ENOTFOUND ? 0 : -1;
	if (state_read(recfd, &rs, e) < 0) {
		close(recfd);
		return -1;
	}
	for (kind = 0; kind < 2; kind++)
	for (sh = 0; sh < REC_SHARDS; sh++) {
		snprintf(name, sizeof(name), kind ? "%02x.key" : "%02x.tsv", sh);
		want = kind ? rs.ksize[sh] : rs.size[sh];
		fd = openat(recfd, name, (repair ? O_RDWR : O_RDONLY) |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT && want == 0)
				continue;
			if (errno == ENOENT) {
				SAY("records/%s: missing, %lld bytes committed",
				    name, want);
				if (rep)
					rep->problems++;
				continue;
			}
			ceh_fail_errno(e, "records/%s", name);
			goto out;
		}
		if (rep && !kind)
			rep->shards++;
		if (fstat(fd, &sb) < 0) {
			close(fd);
			ceh_fail_errno(e, "records/%s", name);
			goto out;
		}
		if (sb.st_size > want) {
			if (repair) {
				if (ftruncate(fd, (off_t)want) < 0 ||
				    fsync(fd) < 0) {
					close(fd);
					ceh_fail_errno(e, "records/%s", name);
					goto out;
				}
				if (rep) {
					rep->repaired++;
					SAY("records/%s: removed %lld bytes of "
					    "an interrupted import", name,
					    (long long)sb.st_size - want);
				}
			} else if (rep) {
				SAY("records/%s: %lld bytes of an interrupted "
				    "import past the committed size", name,
				    (long long)sb.st_size - want);
				rep->problems++;
			}
		} else if (sb.st_size < want) {
			SAY("records/%s: %lld bytes, shorter than the "
			    "committed %lld", name, (long long)sb.st_size,
			    want);
			if (rep)
				rep->problems++;
		}
		close(fd);
		if (!full || sb.st_size < want || want == 0)
			continue;
		if (kind) {
			ktab_reset(&kt);
			dups = 0;
			if (keys_load(recfd, sh, want, &kt, &nkeys, &dups,
			    e) < 0) {
				SAY("%s", e->msg);
				rep->problems++;
				continue;
			}
			if (dups) {
				SAY("records/%s: %ld record key(s) stored "
				    "twice", name, dups);
				rep->problems++;
			}
			continue;
		}
		if (shard_load(recfd, sh, want, &buf, e) < 0)
			goto out;
		end = buf + want;
		if (end[-1] != '\n') {
			SAY("records/%s: the last record is cut short", name);
			rep->problems++;
		}
		for (p = buf, lno = 1; p < end; p = nl + 1, lno++) {
			struct hrec r;

			nl = memchr(p, '\n', (size_t)(end - p));
			if (nl == NULL)
				nl = end;
			*nl = '\0';
			memset(&r, 0, sizeof(r));
			nrec++;
			if (hrec_parse(p, &r) < 0 ||
			    idnum_check("id", r.id, idc, &ve) < 0 ||
			    strcmp(idc, r.id) != 0 || shard_of(r.id) != sh ||
			    year_check("year", r.year, &ve) < 0 ||
			    codes_find(&s->codes, CL_CE_FORM, r.form) == NULL) {
				SAY("records/%s:%ld: damaged record", name,
				    lno);
				rep->problems++;
			} else
				rep->records++;
			hrec_release(&r);
		}
		free(buf);
	}
	if (full && nkeys != nrec) {
		SAY("records: the key index holds %ld keys for %ld records",
		    nkeys, nrec);
		rep->problems++;
	}
	/* temp files of an interrupted state write */
	fd = dup(recfd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		ceh_fail_errno(e, "records");
		goto out;
	}
	while ((de = readdir(d)) != NULL)
		if (is_temp_name(de->d_name)) {
			if (repair && unlinkat(recfd, de->d_name, 0) == 0) {
				if (rep) {
					rep->repaired++;
					SAY("records/%s: removed a temp file",
					    de->d_name);
				}
			} else if (!repair && rep) {
				SAY("records/%s: temp file of an interrupted "
				    "write", de->d_name);
				rep->problems++;
			}
		}
	closedir(d);
	rc = 0;
out:
#undef SAY
	ktab_free(&kt);
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
	return check_shards(s, repair, 1, rep, e);
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

int
records_year_row(struct store *s, const char *idnum, int year,
    char *const *sel, size_t nsel, struct year_row *row, struct ceh_err *e)
{
	struct hrec *r = NULL, **pub = NULL, **pro = NULL;
	size_t n, i, j, npub = 0, npro = 0, hits;
	char *key;
	int rc = -1, *use = NULL;

	memset(row, 0, sizeof(*row));
	row->year = year;
	if (records_lookup(s, idnum, year, &r, &n, e) < 0)
		return -1;
	if (n == 0)
		return ceh_fail(e, CEH_ENOTFOUND, "no hour records on file for "
		    "%s in %d (import them with ceh import)", idnum, year);
	use = xcalloc(n, sizeof(int));
	for (i = 0; i < n; i++)
		use[i] = nsel == 0;
	for (j = 0; j < nsel; j++) {
		/* a full key 培训机构/记录编号 first; else a bare record id
		 * (which may itself contain a slash) */
		hits = 0;
		for (int bykey = 1; bykey >= 0 && hits == 0; bykey--)
			for (i = 0; i < n; i++) {
				key = hrec_key(&r[i]);
				if (strcmp(sel[j], bykey ? key :
				    r[i].recid) == 0) {
					hits++;
					use[i] = 1;
				}
				free(key);
			}
		if (hits == 0) {
			ceh_fail(e, CEH_ENOTFOUND, "record '%s' is not on file "
			    "for %s in %d (see ceh records --id %s)", sel[j],
			    idnum, year, idnum);
			goto out;
		}
		if (hits > 1) {
			ceh_fail(e, CEH_EINPUT, "record '%s' is ambiguous: "
			    "several providers use it; give it as "
			    "培训机构/记录编号", sel[j]);
			goto out;
		}
	}
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
