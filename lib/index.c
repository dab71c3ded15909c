/*
 * index.c - the summary index (index.h; ceh-store(5) INDEX).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#endif

#include "atomic.h"
#include "doc.h"
#include "err.h"
#include "fault.h"
#include "hash.h"
#include "i18n.h"
#include "index.h"
#include "report.h"
#include "store.h"
#include "util.h"
#include "xalloc.h"

#define IDX_MAGIC 0x31584943u	/* "CIX1" */
#define IDX_FORMAT 1
#define IDX_IDLEN APP_ID_LEN
#define IDX_BODY_HEAD (1 + IDX_IDLEN + 16)
#define IDX_FRAME_MAX (64 << 10)
#define IDX_COMPACT_MIN (64 << 10)
#define INDEX_TEXT 244

/* ---- CRC-32C ---- */

static unsigned crc_table[256];

static void
crc_init(void)
{
	unsigned i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[i] = c;
	}
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("sse4.2"))) static unsigned
crc_hw(unsigned crc, const unsigned char *p, size_t len)
{
	unsigned long long c = crc;

	while (len >= 8) {
		unsigned long long v;

		memcpy(&v, p, 8);
		c = __builtin_ia32_crc32di(c, v);
		p += 8;
		len -= 8;
	}
	while (len--)
		c = __builtin_ia32_crc32qi((unsigned)c, *p++);
	return (unsigned)c;
}
#endif

unsigned
index_crc32c(unsigned crc, const void *data, size_t len)
{
	static int hw = -1;
	const unsigned char *p = data;

	crc = ~crc;
#if defined(__x86_64__) && defined(__GNUC__)
	if (hw < 0) {
		/* cpuid here, not __builtin_cpu_supports: that links libgcc's
		 * constructor, which asks the CPU a dozen questions at every
		 * start (slow in a VM) */
		unsigned a, b, c, d;

		hw = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2) ? 1 :
		    0;
	}
	if (hw)
		return ~crc_hw(crc, p, len);
#else
	(void)hw;
#endif
	if (crc_table[1] == 0)
		crc_init();
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- little-endian fields and the payload ---- */

static void
put_u32(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static unsigned
get_u32(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8 | (unsigned)p[2] << 16 |
	    (unsigned)p[3] << 24;
}

static void
put_var(struct sbuf *sb, unsigned long long v)
{
	unsigned char b[10];
	size_t n = 0;

	do {
		b[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	sb_add(sb, b, n);
}

static void
put_str(struct sbuf *sb, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	sb_addc(sb, (char)(unsigned char)n);
	if (n)
		sb_add(sb, s, n);
}

struct rd {
	const unsigned char *p, *end;
	int bad;
};

static unsigned long long
get_var(struct rd *r)
{
	unsigned long long v = 0;
	int shift = 0;

	while (r->p < r->end && shift < 64) {
		unsigned char b = *r->p++;

		v |= (unsigned long long)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	r->bad = 1;
	return 0;
}

static unsigned
get_u8(struct rd *r)
{
	if (r->p >= r->end) {
		r->bad = 1;
		return 0;
	}
	return *r->p++;
}

/* A string of the payload into dst (size bytes with the NUL). */
static void
get_str(struct rd *r, char *dst, size_t size)
{
	size_t n = get_u8(r);

	if (r->bad || n >= size || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		dst[0] = '\0';
		return;
	}
	memcpy(dst, r->p, n);
	dst[n] = '\0';
	r->p += n;
}

static int
fits(const char *s, size_t size)
{
	return (s ? strlen(s) : 0) < size && (s ? strlen(s) : 0) < 256;
}

/* The sub-stage of a draft (report.h RS_DRAFT, RS_RETURNED,
 * RS_WITHDRAWN) as app_status reads it. */
static unsigned
draft_kind(const struct application *app)
{
	const char *st = app_status(app);

	if (strcmp(st, "退回") == 0)
		return 1;
	if (strcmp(st, "已撤销") == 0)
		return 2;
	return 0;
}

/* The review stints, as report.c fill_waits reads the history. */
static void
put_stints(struct sbuf *sb, const struct application *app, int *ok)
{
	/* an undo ends the stint at the unit it took back from and starts
	 * one again at the unit that undid its decision (its next) */
	static const char *const ends[] = { "forwarded", "approved",
	    "rejected", "returned", "withdrawn", "undone", NULL };
	struct sbuf st = SBUF_INIT;
	unsigned n = 0;
	int open = 0;
	size_t i;

	for (i = 0; i < app->nhistory; i++) {
		const struct event *ev = &app->history[i];
		time_t t;

		if (parse_iso_time(ev->at, &t) < 0)
			continue;
		if (open && (str_in(ev->what, ends) ||
		    strcmp(ev->what, "submitted") == 0)) {
			put_var(&st, (unsigned long long)t + 1);
			open = 0;
		}
		if ((strcmp(ev->what, "submitted") == 0 ||
		    strcmp(ev->what, "forwarded") == 0 ||
		    strcmp(ev->what, "undone") == 0) && ev->next &&
		    ev->next[0]) {
			if (!fits(ev->next, CREDIT_LEN + 1) || n == 255) {
				*ok = 0;
				break;
			}
			put_str(&st, ev->next);
			put_var(&st, (unsigned long long)t);
			open = 1;
			n++;
		}
	}
	if (open)
		put_var(&st, 0);
	sb_addc(sb, (char)(unsigned char)n);
	sb_add(sb, st.buf ? st.buf : "", st.len);
	sb_release(&st);
}

int
index_encode(const struct application *app, struct sbuf *out)
{
	const char *wait = app->stage == STAGE_REVIEW ? app->waiting_at : "";
	size_t start = out->len, i;
	time_t t = 0;
	int ok = 1;

	if (!fits(app->a.name, REPORT_TEXT) ||
	    !fits(app->a.unit, CREDIT_LEN + 1) ||
	    !fits(app->a.series, REPORT_TEXT) ||
	    !fits(app->a.title_level, REPORT_TEXT) ||
	    !fits(app->a.region, REPORT_TEXT) ||
	    !fits(wait, CREDIT_LEN + 1) || app->nyears > REPORT_MAX_YEARS ||
	    !fits(app->a.education, INDEX_TEXT) ||
	    !fits(app->a.phone, INDEX_TEXT) ||
	    strlen(app_last_reason(app)) >= INDEX_REASON ||
	    app->id == NULL || strlen(app->id) != APP_ID_LEN ||
	    strncmp(app->id, app->a.id_number, IDNUM_LEN) != 0)
		ok = 0;
	for (i = 0; ok && i < app->nyears; i++)
		if (app->years[i].year < REPORT_YEAR_MIN ||
		    app->years[i].year > REPORT_YEAR_MAX ||
		    app->years[i].pub.hours < 0 || app->years[i].pro.hours < 0)
			ok = 0;
	if (ok) {
		sb_addc(out, 1);	/* payload version */
		sb_addc(out, 0);	/* flags */
		sb_addc(out, (char)app->stage);
		sb_addc(out, (char)draft_kind(app));
		put_str(out, app->a.name);
		put_str(out, app->a.unit);
		put_str(out, app->a.series);
		put_str(out, app->a.title_level);
		put_str(out, app->a.region);
		put_str(out, wait);
		if (app->updated)
			(void)parse_iso_time(app->updated, &t);
		put_var(out, t > 0 ? (unsigned long long)t : 0);
		sb_addc(out, (char)app->nyears);
		for (i = 0; i < app->nyears; i++) {
			put_var(out, (unsigned long long)app->years[i].year);
			put_var(out, (unsigned long long)app->years[i].pub.hours);
			put_var(out, (unsigned long long)app->years[i].pro.hours);
		}
		put_stints(out, app, &ok);
		/* what `ceh list` shows besides (index.h struct index_extra) */
		put_str(out, app->a.education);
		put_str(out, app->a.phone);
		put_var(out, strlen(app_last_reason(app)));
		sb_adds(out, app_last_reason(app));
	}
	if (!ok) {
		out->len = start;
		sb_addc(out, 1);
		sb_addc(out, IDX_F_NOREC);
		return -1;
	}
	return 0;
}

/* The levels of the units a reader looked up (report_unit_level is a
 * search of the registry): a direct-mapped cache by the code's hash. */
#define LVL_BITS 10
#define LVL_SLOTS (1 << LVL_BITS)
struct lvl_cache {
	char code[LVL_SLOTS][CREDIT_LEN + 1];
	unsigned char level[LVL_SLOTS];
};

static enum report_level
unit_level(const struct units *u, const char *code, struct lvl_cache *c)
{
	size_t n = c ? strlen(code) : 0;
	unsigned long long t = 0;
	unsigned h;
	enum report_level l;

	if (c == NULL || n > CREDIT_LEN)
		return report_unit_level(u, code);
	/* the slot from the last 8 bytes (a credit code's tail tells units
	 * apart), one multiply, its top bits: this runs for every stint of
	 * every record */
	memcpy(&t, code + (n > 8 ? n - 8 : 0), n > 8 ? 8 : n);
	h = (unsigned)((t * 0x9E3779B97F4A7C15ULL) >> (64 - LVL_BITS));
	if (c->code[h][0] && memcmp(c->code[h], code, n + 1) == 0)
		return (enum report_level)c->level[h];
	l = report_unit_level(u, code);
	snprintf(c->code[h], sizeof(c->code[h]), "%s", code);
	c->level[h] = (unsigned char)l;
	return l;
}

static int decode_full(const unsigned char *p, size_t len,
    const char *appid, const struct units *u, struct report_app *ra,
    struct index_extra *x, struct lvl_cache *lc);

int
index_decode(const unsigned char *p, size_t len, const char *appid,
    const struct units *u, struct report_app *ra)
{
	struct index_extra x;

	return decode_full(p, len, appid, u, ra, &x, NULL);
}

int
index_row(const struct application *app, const struct units *u,
    struct report_app *ra, struct index_extra *x)
{
	struct sbuf p = SBUF_INIT;
	int rc = -1;

	if (index_encode(app, &p) == 0)
		rc = decode_full((const unsigned char *)p.buf, p.len, app->id,
		    u, ra, x, NULL);
	sb_release(&p);
	return rc;
}

static int
decode_full(const unsigned char *p, size_t len, const char *appid,
    const struct units *u, struct report_app *ra, struct index_extra *x,
    struct lvl_cache *lc)
{
	struct rd r = { p, p + len, 0 };
	unsigned flags, stage, kind, n, i;

	if (get_u8(&r) != 1)
		return -1;
	flags = get_u8(&r);
	if (r.bad || (flags & IDX_F_NOREC))
		return -1;
	stage = get_u8(&r);
	kind = get_u8(&r);
	memcpy(ra->id, appid, APP_ID_LEN);
	ra->id[APP_ID_LEN] = '\0';
	memcpy(ra->idnum, appid, IDNUM_LEN);
	ra->idnum[IDNUM_LEN] = '\0';
	get_str(&r, ra->name, sizeof(ra->name));
	get_str(&r, ra->unit, sizeof(ra->unit));
	get_str(&r, ra->series, sizeof(ra->series));
	get_str(&r, ra->level, sizeof(ra->level));
	get_str(&r, ra->region, sizeof(ra->region));
	get_str(&r, ra->waiting_at, sizeof(ra->waiting_at));
	ra->updated = (long long)get_var(&r);
	n = get_u8(&r);
	if (r.bad || n > REPORT_MAX_YEARS || stage >= STAGE__COUNT || kind > 2)
		return -1;
	ra->nyears = (int)n;
	for (i = 0; i < n; i++) {
		ra->years[i].year = (int)get_var(&r);
		ra->years[i].pub_half = (long)get_var(&r);
		ra->years[i].pro_half = (long)get_var(&r);
		ra->years[i].approved = stage == STAGE_APPROVED;
	}
	switch (stage) {
	case STAGE_REVIEW:
		switch (unit_level(u, ra->waiting_at, lc)) {
		case RL_EMPLOYER:
			ra->stage = RS_WAIT_EMPLOYER;
			break;
		case RL_AGENCY:
			ra->stage = RS_WAIT_AGENCY;
			break;
		default:
			ra->stage = RS_WAIT_SUPERVISOR;
		}
		break;
	case STAGE_APPROVED:
		ra->stage = RS_APPROVED;
		break;
	case STAGE_REJECTED:
		ra->stage = RS_REJECTED;
		break;
	default:
		ra->stage = kind == 1 ? RS_RETURNED : kind == 2 ?
		    RS_WITHDRAWN : RS_DRAFT;
	}
	memset(ra->wait, 0, sizeof(ra->wait));
	n = get_u8(&r);
	for (i = 0; !r.bad && i < n; i++) {
		char unit[CREDIT_LEN + 1];
		struct report_wait *w;
		unsigned long long a, left;

		get_str(&r, unit, sizeof(unit));
		a = get_var(&r);
		left = get_var(&r);
		w = &ra->wait[unit_level(u, unit, lc)];
		w->stints++;
		w->arrived = (long long)a;
		w->left = 0;
		if (left) {
			long long tl = (long long)(left - 1);

			w->left = tl;
			w->secs += tl > w->arrived ? tl - w->arrived : 0;
		}
	}
	if (x == NULL) {	/* a report's: the list's columns skipped */
		for (i = 0; i < 2 && !r.bad; i++) {
			n = get_u8(&r);
			if ((size_t)(r.end - r.p) < n)
				return -1;
			r.p += n;
		}
		n = (unsigned)get_var(&r);
		if (r.bad || (size_t)(r.end - r.p) < n)
			return -1;
		return r.p + n != r.end ? -1 : 0;
	}
	get_str(&r, x->education, sizeof(x->education));
	get_str(&r, x->phone, sizeof(x->phone));
	n = (unsigned)get_var(&r);
	if (r.bad || n >= sizeof(x->reason) || (size_t)(r.end - r.p) < n)
		return -1;
	memcpy(x->reason, r.p, n);
	x->reason[n] = '\0';
	r.p += n;
	return r.bad || r.p != r.end ? -1 : 0;
}

/* ---- the log's files ---- */

static int
index_dir(struct store *s)
{
	return openat(s->rootfd, "index", O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
}

int
index_present(struct store *s)
{
	struct stat st;

	return fstatat(s->rootfd, "index", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

int
index_create(struct store *s, struct ceh_err *e)
{
	int fd = open_dir_at(s->rootfd, "index", 1, e), lf;

	if (fd < 0)
		return -1;
	lf = openat(fd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (lf < 0) {
		ceh_fail_errno(e, _("cannot create '%s'"), "index/.lock");
		close(fd);
		return -1;
	}
	close(lf);
	close(fd);
	return fsync_dir(s->rootfd, "store", e);
}

static void
log_name(int shard, char *buf, size_t size)
{
	snprintf(buf, size, "%03d.log", shard);
}

static int
shard_of(const char *appid_or_idnum)
{
	char sh[4];

	person_shard(appid_or_idnum, sh);
	return (sh[0] - '0') * 100 + (sh[1] - '0') * 10 + (sh[2] - '0');
}

/* The shard lock: byte SHARD of index/.lock (open file description
 * locks: per open, so two stores or two commits of one process do not
 * share it).  Returns the lock's fd, or -1. */
static int
shard_lock(int ixfd, int shard, int write, struct ceh_err *e)
{
	struct flock fl;
	int fd;

	fd = openat(ixfd, ".lock", (write ? O_RDWR | O_CREAT : O_RDONLY) |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ceh_fail_errno(e, _("cannot open '%s'"), "index/.lock");
	memset(&fl, 0, sizeof(fl));
	fl.l_type = write ? F_WRLCK : F_RDLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = shard;
	fl.l_len = 1;
	while (fcntl(fd, F_OFD_SETLKW, &fl) < 0) {
		if (errno == EINTR)
			continue;
		ceh_fail_errno(e, _("cannot lock shard %03d of the index"),
		    shard);
		close(fd);
		return -1;
	}
	return fd;
}

static void
frame(struct sbuf *sb, char type, const char *appid,
    const unsigned char *sha, const void *payload, size_t plen)
{
	unsigned char head[8], tail[8], idb[IDX_IDLEN];
	size_t n = IDX_BODY_HEAD + plen, at;
	unsigned crc;

	put_u32(head, IDX_MAGIC);
	put_u32(head + 4, (unsigned)n);
	sb_add(sb, head, 8);
	at = sb->len;
	sb_addc(sb, type);
	memset(idb, 0, sizeof(idb));
	if (appid)
		memcpy(idb, appid, strnlen(appid, IDX_IDLEN));
	sb_add(sb, idb, IDX_IDLEN);
	if (sha)
		sb_add(sb, sha, 16);
	else {
		memset(idb, 0, 16);
		sb_add(sb, idb, 16);
	}
	if (plen)
		sb_add(sb, payload, plen);
	crc = index_crc32c(0, head + 4, 4);
	crc = index_crc32c(crc, sb->buf + at, n);
	put_u32(tail, crc);
	put_u32(tail + 4, (unsigned)n);
	sb_add(sb, tail, 8);
}

static void
header_frame(struct sbuf *sb, int shard, unsigned long long base)
{
	unsigned char p[16];

	put_u32(p, IDX_FORMAT);
	put_u32(p + 4, (unsigned)shard);
	put_u32(p + 8, (unsigned)base);
	put_u32(p + 12, (unsigned)(base >> 32));
	frame(sb, 'H', NULL, NULL, p, sizeof(p));
}

#define HEADER_LEN (8 + IDX_BODY_HEAD + 16 + 8)

/* Is there a valid frame at off of buf (size bytes)?  Its length. */
static size_t
frame_at(const unsigned char *buf, size_t size, size_t off)
{
	size_t n;
	unsigned crc;

	if (size - off < 16 || get_u32(buf + off) != IDX_MAGIC)
		return 0;
	n = get_u32(buf + off + 4);
	if (n < IDX_BODY_HEAD || n > IDX_FRAME_MAX || size - off - 16 < n)
		return 0;
	crc = index_crc32c(0, buf + off + 4, 4);
	crc = index_crc32c(crc, buf + off + 8, n);
	if (get_u32(buf + off + 8 + n) != crc ||
	    get_u32(buf + off + 12 + n) != n)
		return 0;
	return n + 16;
}

/* The parsed log of a shard. */
struct ent {
	const unsigned char *body;	/* type, id, sha, payload */
	size_t len;			/* of the body */
	unsigned seq;
};

enum { LOG_OK, LOG_TORN, LOG_DAMAGED, LOG_BADHEAD };

struct shardlog {
	unsigned char *buf;
	size_t size;
	size_t valid;		/* end of the last valid frame */
	int state;		/* LOG_* */
	unsigned long long base;
	struct ent *e;
	size_t n;
	struct timespec mtime;	/* of the log when it was read */
	ino_t ino;		/* of the log read (the summary's identity) */
};

static void
shardlog_free(struct shardlog *l)
{
	free(l->buf);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

static int
read_fd(int fd, unsigned char **buf, size_t *size)
{
	struct stat st;
	size_t n = 0;
	ssize_t got;

	if (fstat(fd, &st) < 0)
		return -1;
	*buf = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		got = pread(fd, *buf + n, (size_t)st.st_size - n, (off_t)n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(*buf);
			*buf = NULL;
			return -1;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*size = n;
	return 0;
}

/* Split buf into frames (see index.h for what is trusted). */
static void
shardlog_parse(struct shardlog *l, int shard)
{
	size_t off = 0, k, cap = 0;
	const unsigned char *b = l->buf;

	l->state = LOG_OK;
	k = frame_at(b, l->size, 0);
	if (k != HEADER_LEN || b[8] != 'H' ||
	    get_u32(b + 8 + IDX_BODY_HEAD) != IDX_FORMAT ||
	    get_u32(b + 8 + IDX_BODY_HEAD + 4) != (unsigned)shard) {
		l->state = LOG_BADHEAD;
		return;
	}
	l->base = get_u32(b + 8 + IDX_BODY_HEAD + 8) |
	    (unsigned long long)get_u32(b + 8 + IDX_BODY_HEAD + 12) << 32;
	off = k;
	while (off < l->size) {
		k = frame_at(b, l->size, off);
		if (k == 0)
			break;
		if (b[off + 8] == 'P' || b[off + 8] == 'F' ||
		    b[off + 8] == 'R') {
			if (l->n == cap) {
				cap = cap ? cap * 2 : 64;
				l->e = xreallocarray(l->e, cap, sizeof(*l->e));
			}
			l->e[l->n].body = b + off + 8;
			l->e[l->n].len = k - 16;
			l->e[l->n].seq = (unsigned)l->n;
			l->n++;
		}
		off += k;
	}
	l->valid = off;
	if (off < l->size) {
		size_t x;

		/* a torn tail, or a damaged frame with others after it */
		l->state = LOG_TORN;
		for (x = off + 1; x + 16 <= l->size; x++)
			if (b[x] == 0x43 && frame_at(b, l->size, x)) {
				l->state = LOG_DAMAGED;
				break;
			}
	}
}

static int
ent_cmp(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;
	int c = memcmp(a->body + 1, b->body + 1, IDX_IDLEN);

	return c ? c : a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Read and parse the log of shard (ENOENT: -1 with errno). */
static int
shardlog_load(int ixfd, int shard, struct shardlog *l)
{
	char name[16];
	struct stat st;
	int fd;

	memset(l, 0, sizeof(*l));
	log_name(shard, name, sizeof(name));
	fd = openat(ixfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || read_fd(fd, &l->buf, &l->size) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	l->mtime = st.st_mtim;
	l->ino = st.st_ino;
	close(fd);
	shardlog_parse(l, shard);
	if (l->n > 1)
		qsort(l->e, l->n, sizeof(*l->e), ent_cmp);
	return 0;
}

/* One application's resolved state: the frames i..j-1 of l are its. */
struct resolved {
	char appid[APP_ID_LEN + 1];
	int trusted;
	const unsigned char *sha;	/* of the payload's document */
	const unsigned char *payload;
	size_t plen;
	const struct ent *last;		/* its latest frame */
};

static size_t
resolve(const struct shardlog *l, size_t i, struct resolved *r)
{
	size_t j;

	memset(r, 0, sizeof(*r));
	memcpy(r->appid, l->e[i].body + 1, APP_ID_LEN);
	for (j = i; j < l->n && memcmp(l->e[j].body + 1, l->e[i].body + 1,
	    IDX_IDLEN) == 0; j++) {
		const struct ent *f = &l->e[j];
		const unsigned char *sha = f->body + 1 + IDX_IDLEN;

		r->last = f;
		if (f->body[0] == 'F') {
			r->trusted = r->payload && memcmp(r->sha, sha, 16) == 0;
			if (!r->trusted)
				r->payload = NULL;
			continue;
		}
		r->sha = sha;
		r->payload = f->body + IDX_BODY_HEAD;
		r->plen = f->len - IDX_BODY_HEAD;
		r->trusted = f->body[0] == 'R';
	}
	return j;
}

/* ---- documents ---- */

static void
sha_raw(const char *hex, unsigned char out[16])
{
	int i;

	for (i = 0; i < 16; i++) {
		unsigned hi = (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0' :
		    hex[2 * i] - 'a' + 10);
		unsigned lo = (unsigned)(hex[2 * i + 1] <= '9' ?
		    hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10);

		out[i] = (unsigned char)(hi << 4 | lo);
	}
}

/*
 * The document of appid now: its bytes' hash and its parse.  0 found, 1
 * there is none, -1 unreadable (e).  Looked for again when it moves
 * between the find and the read (a transition; no lock is taken).
 */
static int
load_doc(struct store *s, const char *appid, unsigned char sha[16],
    struct application *app, struct ceh_err *e)
{
	char name[32], fname[96], hex[SHA256_HEX_LEN + 1], *buf;
	struct app_ref ref;
	struct person p;
	enum stage where;
	size_t len;
	int tries, rc = 1;

	app_init(app);
	if (app_ref_parse(appid, &ref, e) < 0)
		return 1;
	if (person_open(s, ref.idnum, 0, &p, e) < 0)
		return e->code == CEH_ENOTFOUND ? 1 : -1;
	snprintf(name, sizeof(name), "%s.yaml", ref.uniq);
	for (tries = 0; tries < 4; tries++) {
		if (app_find(&p, ref.uniq, &where, e) < 0) {
			rc = e->code == CEH_ENOTFOUND ? 1 : -1;
			break;
		}
		if (read_file_at(p.stagefd[where], name, DOC_MAX_BYTES, &buf,
		    &len, e) < 0) {
			if (e->code == CEH_ENOTFOUND)
				continue;	/* moved meanwhile */
			rc = -1;
			break;
		}
		sha256_hex(buf, len, hex);
		sha_raw(hex, sha);
		person_folder(&p, where, fname, sizeof(fname));
		snprintf(fname + strlen(fname), sizeof(fname) - strlen(fname),
		    "/%s", name);
		rc = doc_parse(app, buf, len, fname, &s->rules, e) < 0 ? -1 : 0;
		free(buf);
		if (rc == 0 && strcmp(app->id, appid) != 0) {
			ceh_fail(e, CEH_EINPUT, _("%s: its id '%.60s' does not "
			    "match the file name"), fname, app->id);
			app_release(app);
			rc = -1;
		}
		break;
	}
	person_close(&p);
	return rc;
}

/* The ids of the applications of a shard, from its folders, sorted. */
struct idlist {
	char (*v)[APP_ID_LEN + 1];
	size_t n, cap;
	const char *idnum;
};

static int
id_add(struct person *p, enum stage folder, const char *uniq, void *arg)
{
	struct idlist *l = arg;

	(void)folder;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	snprintf(l->v[l->n++], APP_ID_LEN + 1, "%s-%s", p->idnum, uniq);
	return 0;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

struct shard_ids {
	struct store *s;
	struct idlist *l;
	int err;
};

static int
person_ids(int sfd, const char *name, void *arg)
{
	struct shard_ids *w = arg;
	struct person p;
	struct ceh_err e;
	int f;

	(void)sfd;
	if (!person_dir_name(name))
		return 0;
	if (person_open(w->s, name, 0, &p, &e) < 0) {
		w->err = 1;
		return 0;
	}
	for (f = 0; f < STAGE__COUNT; f++)
		if (folder_docs(&p, (enum stage)f, id_add, w->l, &e) < 0)
			w->err = 1;
	person_close(&p);
	return 0;
}

/* Every application id of a shard (duplicates of a move removed);
 * -1 when a folder could not be read. */
static int
shard_ids(struct store *s, int shard, struct idlist *l)
{
	struct shard_ids w = { s, l, 0 };
	char name[8];
	size_t i, k;
	int sfd;

	memset(l, 0, sizeof(*l));
	snprintf(name, sizeof(name), "%03d", shard);
	sfd = openat(s->peoplefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (sfd < 0)
		return errno == ENOENT ? 0 : -1;
	if (dir_each(sfd, person_ids, &w) < 0)
		w.err = 1;
	close(sfd);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), id_cmp);
	for (i = k = 0; i < l->n; i++)
		if (k == 0 || strcmp(l->v[k - 1], l->v[i]) != 0)
			memmove(l->v[k++], l->v[i], sizeof(*l->v));
	l->n = k;
	return w.err ? -1 : 0;
}

/* ---- writing a whole log ---- */

/*
 * A new log for a shard, into out.  from_docs: every application of the
 * shard's folders (and those of old), each an R made from its document
 * (a rebuild); else only old's, trusted entries copied as R without
 * reading anything and untrusted ones resolved against their documents
 * (a compaction).  A commit in flight (its latest frame a P naming other
 * bytes than the document's) keeps its P after the R, so its F matches.
 */
static int
shard_build(struct store *s, int shard, const struct shardlog *old,
    int from_docs, struct sbuf *out, struct ceh_err *e)
{
	struct sbuf body = SBUF_INIT, pl = SBUF_INIT;
	struct idlist ids;
	size_t i = 0, k = 0, j;

	memset(&ids, 0, sizeof(ids));
	if (from_docs && shard_ids(s, shard, &ids) < 0) {
		free(ids.v);
		return ceh_fail(e, CEH_ESYS, _("cannot read the folders of "
		    "shard people/%03d"), shard);
	}
	while ((old && i < old->n) || k < ids.n) {
		struct resolved r;
		struct application app;
		unsigned char sha[16];
		struct ceh_err sub;
		const char *id;
		int c, doc = 1;

		memset(&r, 0, sizeof(r));
		memset(sha, 0, sizeof(sha));

		if (old && i < old->n)
			j = resolve(old, i, &r);
		else
			j = i;
		c = !(old && i < old->n) ? 1 : k >= ids.n ? -1 :
		    strcmp(r.appid, ids.v[k]);
		id = c > 0 ? ids.v[k] : r.appid;
		if (c <= 0 && !from_docs && r.trusted) {
			frame(&body, 'R', id, r.sha, r.payload, r.plen);
		} else if ((doc = load_doc(s, id, sha, &app, &sub)) == 0) {
			pl.len = 0;
			(void)index_encode(&app, &pl);
			frame(&body, 'R', id, sha, pl.buf, pl.len);
			app_release(&app);
		}
		if (c <= 0 && r.last->body[0] == 'P' && (doc != 0 ||
		    memcmp(sha, r.last->body + 1 + IDX_IDLEN, 16) != 0) &&
		    !(r.trusted && !from_docs))
			frame(&body, 'P', id, r.last->body + 1 + IDX_IDLEN,
			    r.last->body + IDX_BODY_HEAD,
			    r.last->len - IDX_BODY_HEAD);
		if (c <= 0)
			i = j;
		if (c >= 0)
			k++;
	}
	header_frame(out, shard, HEADER_LEN + body.len);
	sb_add(out, body.buf ? body.buf : "", body.len);
	sb_release(&body);
	sb_release(&pl);
	free(ids.v);
	return 0;
}

/* Replace the log of shard by a new one made from the documents (the
 * shard lock held). */
static int
shard_rewrite(struct store *s, int ixfd, int shard, int keep_pending,
    int from_docs, struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	struct shardlog old;
	struct tempfile t;
	char name[16];
	int rc, have_old;

	memset(&old, 0, sizeof(old));
	have_old = keep_pending && shardlog_load(ixfd, shard, &old) == 0 &&
	    old.state != LOG_BADHEAD;
	rc = shard_build(s, shard, have_old ? &old : NULL, from_docs, &sb, e);
	shardlog_free(&old);
	log_name(shard, name, sizeof(name));
	if (rc == 0)
		rc = temp_file(&t, ixfd, "index", name, sb.buf, sb.len,
		    TEMP_SYNC, e);
	if (rc == 0)
		rc = temp_commit(&t, e);
	if (rc == 0)
		rc = fsync_dir(ixfd, "index", e);
	sb_release(&sb);
	return rc;
}

/* ---- writers ---- */

/* The end of the valid frames of an open log: its size when the last
 * frame checks out (the usual case: two small reads), else found by
 * reading the whole log. */
static off_t
valid_end(int fd, int shard, off_t size, unsigned long long *base)
{
	unsigned char tail[8], head[HEADER_LEN], *buf;
	struct shardlog l;
	size_t n;

	*base = 0;
	if (size >= HEADER_LEN && pread(fd, head, HEADER_LEN, 0) ==
	    HEADER_LEN && frame_at(head, HEADER_LEN, 0) == HEADER_LEN)
		*base = get_u32(head + 8 + IDX_BODY_HEAD + 8);
	if (size >= HEADER_LEN + 16 && pread(fd, tail, 8, size - 8) == 8) {
		n = get_u32(tail + 4);
		if (n >= IDX_BODY_HEAD && n <= IDX_FRAME_MAX &&
		    (size_t)size >= n + 16 + HEADER_LEN) {
			buf = xmalloc(n + 16);
			if (pread(fd, buf, n + 16, size - (off_t)(n + 16)) ==
			    (ssize_t)(n + 16) && frame_at(buf, n + 16, 0)) {
				free(buf);
				if (*base)
					return size;
			} else
				free(buf);
		}
	} else if (size == HEADER_LEN && *base)
		return size;
	memset(&l, 0, sizeof(l));
	if (read_fd(fd, &l.buf, &l.size) < 0)
		return -1;
	shardlog_parse(&l, shard);
	size = l.state == LOG_BADHEAD ? 0 : (off_t)l.valid;
	*base = l.base;
	shardlog_free(&l);
	return size;
}

/* Open the shard's log for appending, rebuilding it when it is missing
 * or its header is wrong, and cutting off a torn tail; *end its size. */
static int
log_open(struct store *s, int ixfd, int shard, off_t *end,
    unsigned long long *base, int *created, struct ceh_err *e)
{
	char name[16];
	struct stat st;
	int fd, tries;

	log_name(shard, name, sizeof(name));
	for (tries = 0; tries < 2; tries++) {
		fd = openat(ixfd, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT)
			return ceh_fail_errno(e, _("cannot open '%s/%s'"),
			    "index", name);
		if (fd >= 0) {
			if (fstat(fd, &st) < 0 ||
			    (*end = valid_end(fd, shard, st.st_size, base)) <
			    0) {
				ceh_fail_errno(e, _("cannot read '%s/%s'"),
				    "index", name);
				close(fd);
				return -1;
			}
			if (*end > 0) {
				if (*end < st.st_size &&
				    ftruncate(fd, *end) < 0) {
					ceh_fail_errno(e, _("cannot repair "
					    "'%s/%s'"), "index", name);
					close(fd);
					return -1;
				}
				return fd;
			}
			close(fd);	/* no header: rebuilt */
		}
		if (shard_rewrite(s, ixfd, shard, 0, 1, e) < 0)
			return -1;
		*created = 1;
	}
	return ceh_fail(e, CEH_ESYS, _("cannot open '%s/%s'"), "index", name);
}

static int
append(int fd, off_t at, const struct sbuf *sb, int faults)
{
	size_t n = 0;
	ssize_t w;

	if (faults && fault_hit("write")) {
		errno = ENOSPC;
		return -1;
	}
	while (n < sb->len) {
		w = pwrite(fd, sb->buf + n, sb->len - n, at + (off_t)n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		n += (size_t)w;
	}
	return 0;
}

int
index_pending(struct store *s, const struct application *app,
    const char *sha256_hex, int sync, struct index_txn *t,
    struct ceh_err *e)
{
	struct sbuf pl = SBUF_INIT, fr = SBUF_INIT;
	unsigned long long base;
	int ixfd, lk, fd, rc = -1;
	off_t end;

	memset(t, 0, sizeof(*t));
	if ((ixfd = index_dir(s)) < 0)
		return 0;	/* no index */
	t->shard = shard_of(app->id);
	snprintf(t->appid, sizeof(t->appid), "%s", app->id);
	sha_raw(sha256_hex, t->sha);
	if ((lk = shard_lock(ixfd, t->shard, 1, e)) < 0) {
		close(ixfd);
		return -1;
	}
	fd = log_open(s, ixfd, t->shard, &end, &base, &t->created, e);
	if (fd >= 0) {
		(void)index_encode(app, &pl);
		frame(&fr, 'P', app->id, t->sha, pl.buf, pl.len);
		if (append(fd, end, &fr, 1) < 0)
			ceh_fail_errno(e, _("cannot write the index of %s"),
			    app->id);
		else if (sync && (fault_hit("fsync") ? (errno = EIO, 1) :
		    fdatasync(fd) < 0))
			ceh_fail_errno(e, _("cannot sync the index of %s"),
			    app->id);
		else {
			t->active = 1;
			t->start = end;
			t->end = end + (off_t)fr.len;
			rc = 0;
		}
		if (rc < 0 && ftruncate(fd, end) < 0) {
			/* the frame stays: an untrusted entry, resolved by
			 * readers */
		}
		close(fd);
	}
	if (rc < 0 && t->created) {
		char name[16];

		log_name(t->shard, name, sizeof(name));
		(void)unlinkat(ixfd, name, 0);
	}
	close(lk);
	close(ixfd);
	sb_release(&pl);
	sb_release(&fr);
	return rc;
}

void
index_abort(struct store *s, struct index_txn *t)
{
	char name[16];
	struct stat st;
	struct ceh_err e;
	int ixfd, lk, fd;

	if (!t->active)
		return;
	t->active = 0;
	if ((ixfd = index_dir(s)) < 0)
		return;
	if ((lk = shard_lock(ixfd, t->shard, 1, &e)) >= 0) {
		log_name(t->shard, name, sizeof(name));
		if (t->created)
			(void)unlinkat(ixfd, name, 0);
		else if ((fd = openat(ixfd, name, O_RDWR | O_NOFOLLOW |
		    O_CLOEXEC)) >= 0) {
			/* only if nothing was appended after it */
			if (fstat(fd, &st) == 0 && st.st_size == t->end)
				(void)ftruncate(fd, t->start);
			close(fd);
		}
		close(lk);
	}
	close(ixfd);
}

/* Compact the shard's log (the lock held): one R per application, each
 * untrusted one resolved against its document; commits in flight keep
 * their P. */
static void
compact(struct store *s, int ixfd, int shard)
{
	struct ceh_err e;

	(void)shard_rewrite(s, ixfd, shard, 1, 0, &e);
}

/* IDX_COMPACT_MIN, or CEH_INDEX_COMPACT bytes (test-only). */
static off_t
compact_min(void)
{
	const char *v = getenv("CEH_INDEX_COMPACT");
	long n = v ? atol(v) : 0;

	return n > 0 ? (off_t)n : IDX_COMPACT_MIN;
}

void
index_final(struct store *s, struct index_txn *t)
{
	struct sbuf fr = SBUF_INIT;
	unsigned long long base;
	struct ceh_err e;
	int ixfd, lk, fd, created = 0;
	off_t end;

	if (!t->active)
		return;
	t->active = 0;
	if ((ixfd = index_dir(s)) < 0)
		return;
	if ((lk = shard_lock(ixfd, t->shard, 1, &e)) < 0) {
		close(ixfd);
		return;
	}
	fd = log_open(s, ixfd, t->shard, &end, &base, &created, &e);
	if (fd >= 0) {
		frame(&fr, 'F', t->appid, t->sha, NULL, 0);
		if (!created)	/* a rebuilt log read the document itself */
			(void)append(fd, end, &fr, 0);
		close(fd);
		end += (off_t)fr.len;
		if (end > compact_min() && (unsigned long long)end >
		    3 * base)
			compact(s, ixfd, t->shard);
	}
	sb_release(&fr);
	close(lk);
	close(ixfd);
}

/* ---- readers ---- */

struct feeder {
	struct store *s;
	const struct units *u;
	index_sink_fn fn;	/* reports: a record each */
	index_list_fn lfn;	/* list: a record or a document each */
	const struct report_scope *sc;	/* reports: whom to feed (or NULL) */
	void *arg;
	long bad;
	struct report_app ra;
	struct index_extra x;
	struct lvl_cache lc;
	struct ceh_err e;
	int rc;
};

/* A document to the caller: as a record (report_app_fill), or as it is
 * (index_feed_list). */
static int
give_doc(struct feeder *f, const struct application *app)
{
	if (f->lfn)
		return f->lfn(f->arg, NULL, NULL, app, &f->e);
	if (report_app_fill(&f->ra, app, f->u, &f->e) < 0 ||
	    f->fn(f->arg, &f->ra, &f->e) < 0)
		return -1;
	return 0;
}

static int
feed_doc(struct feeder *f, const char *appid)
{
	struct application app;
	unsigned char sha[16];
	struct ceh_err sub;
	int k = load_doc(f->s, appid, sha, &app, &sub);

	if (k == 1)
		return 0;
	if (k < 0) {
		if (f->lfn)
			fprintf(stderr, _("ceh list: skipped: %s\n"), sub.msg);
		f->bad++;
		return 0;
	}
	k = give_doc(f, &app);
	app_release(&app);
	return k;
}

static int
walk_visit(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct feeder *f = arg;

	(void)s;
	(void)p;
	(void)folder;
	if (app == NULL) {
		if (f->lfn)
			fprintf(stderr, _("ceh list: skipped: %s\n"), err->msg);
		f->bad++;
		return 0;
	}
	return give_doc(f, app);
}

static int
walk_person(int sfd, const char *name, void *arg)
{
	struct feeder *f = arg;
	struct ceh_err e;

	(void)sfd;
	if (!person_dir_name(name))
		return 0;
	if (store_walk(f->s, name, walk_visit, f, &e) != 0) {
		if (!f->e.msg[0])
			f->e = e;
		f->rc = -1;
		return 1;
	}
	return 0;
}

/* A stale shard: its documents. */
static int
feed_shard_docs(struct feeder *f, int sfd)
{
	if (dir_each(sfd, walk_person, f) < 0)
		return ceh_fail_errno(&f->e, _("cannot read people/"));
	return f->rc;
}

/*
 * For list: is the document of a trusted entry still the one the index
 * was written for, as far as one fstatat can tell?  A regular file in
 * the folder of its stage, not modified after the log was last written
 * (every write of a document through the commit path comes before its
 * frames; a time equal to the log's is not older).  A hand edit, a
 * replaced or removed file: no, read it.
 */
static int
doc_unchanged(struct feeder *f, const struct resolved *r,
    const struct timespec *logtime)
{
	char path[96];
	struct stat st;
	unsigned stage = r->plen > 2 ? r->payload[2] : STAGE__COUNT;

	if (stage >= STAGE__COUNT)
		return 0;
	snprintf(path, sizeof(path), "%.3s/%.18s/%s/%s.yaml", r->appid + 14,
	    r->appid, stage_name((enum stage)stage), r->appid + IDNUM_LEN + 1);
	if (fstatat(f->s->peoplefd, path, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	/* strictly older: timestamps are coarse (a clock tick), so a hand
	 * edit right after a commit may carry the log's very time; such a
	 * document is read, as git re-reads a racily clean file */
	return st.st_mtim.tv_sec < logtime->tv_sec ||
	    (st.st_mtim.tv_sec == logtime->tv_sec &&
	    st.st_mtim.tv_nsec < logtime->tv_nsec);
}

/*
 * For list: the names in the shard's folders decide which applications
 * there are (a document copied in by hand, or planted, is read and
 * reported as the documents' walk would); the log gives the trusted
 * ones' records.
 */
static int
feed_shard_list(struct feeder *f, struct shardlog *l, int shard, int sfd)
{
	struct idlist ids;
	size_t i = 0, j, k = 0;
	int rc = 0;

	if (shard_ids(f->s, shard, &ids) < 0) {
		/* a folder that cannot be read: the documents' walk, which
		 * reports what it can */
		free(ids.v);
		return feed_shard_docs(f, sfd);
	}
	while (rc == 0 && (i < l->n || k < ids.n)) {
		struct resolved r;
		int c;

		memset(&r, 0, sizeof(r));
		j = i < l->n ? resolve(l, i, &r) : i;
		c = i >= l->n ? 1 : k >= ids.n ? -1 : strcmp(r.appid, ids.v[k]);
		if (c > 0)		/* in the folders only */
			rc = feed_doc(f, ids.v[k]);
		else if (c < 0) {	/* in the log only: a create in flight */
			if (!r.trusted)
				rc = feed_doc(f, r.appid);
		} else if (r.trusted && doc_unchanged(f, &r, &l->mtime) &&
		    decode_full(r.payload, r.plen, r.appid, f->u, &f->ra,
		    &f->x, &f->lc) == 0)
			rc = f->lfn(f->arg, &f->ra, &f->x, NULL, &f->e);
		else
			rc = feed_doc(f, r.appid);
		if (c <= 0)
			i = j;
		if (c >= 0)
			k++;
		stop_point("walk-after-visit");	/* as store_walk's */
	}
	free(ids.v);
	return rc;
}

/* The employer of a payload, read without decoding the rest: 0, or -1
 * when the payload is flagged or damaged. */
static int
payload_unit(const unsigned char *p, size_t len, char out[CREDIT_LEN + 1])
{
	size_t n, m;

	if (len < 6 || p[0] != 1 || (p[1] & IDX_F_NOREC))
		return -1;
	n = p[4];
	if (6 + n > len)
		return -1;
	m = p[5 + n];
	if (m > CREDIT_LEN || 6 + n + m > len)
		return -1;
	memcpy(out, p + 6 + n, m);
	out[m] = '\0';
	return 0;
}

/* Is the person whose entries start at i of l to be fed (index.h
 * index_feed_scope)?  When not, *next is the entry after theirs. */
static int
person_selected(struct feeder *f, const struct shardlog *l, size_t i,
    size_t *next)
{
	char code[CREDIT_LEN + 1];
	size_t k, j;

	if (f->sc == NULL || f->sc->unit == NULL)
		return 1;
	for (k = i; k < l->n && memcmp(l->e[k].body + 1, l->e[i].body + 1,
	    IDNUM_LEN) == 0; k = j) {
		struct resolved r;

		j = resolve(l, k, &r);
		if (!r.trusted || payload_unit(r.payload, r.plen, code) < 0 ||
		    report_unit_match(f->sc, f->u, code))
			return 1;
	}
	*next = k;
	return 0;
}

static int
feed_shard(struct feeder *f, int ixfd, int shard, int sfd, long *stale)
{
	struct shardlog l;
	size_t i, j;
	int rc = 0;

	if (shardlog_load(ixfd, shard, &l) < 0 || l.state == LOG_BADHEAD ||
	    l.state == LOG_DAMAGED) {
		shardlog_free(&l);
		(*stale)++;
		return feed_shard_docs(f, sfd);
	}
	if (f->lfn) {
		rc = feed_shard_list(f, &l, shard, sfd);
		shardlog_free(&l);
		return rc;
	}
	for (i = 0; rc == 0 && i < l.n; i = j) {
		struct resolved r;

		if (!person_selected(f, &l, i, &j))
			continue;	/* no application at the scope's units */
		j = resolve(&l, i, &r);
		if (r.trusted && decode_full(r.payload, r.plen, r.appid, f->u,
		    &f->ra, NULL, &f->lc) == 0)
			rc = f->fn(f->arg, &f->ra, &f->e);
		else
			rc = feed_doc(f, r.appid);
		stop_point("walk-after-visit");	/* as store_walk's */
	}
	shardlog_free(&l);
	return rc;
}

struct shard_walk {
	struct feeder *f;
	int ixfd;
	long stale;
	long shards, sum_stale;	/* shards visited; of them, the summary's
				 * stale parts */
};

static int
shard_visit(int peoplefd, const char *name, void *arg)
{
	struct shard_walk *w = arg;
	int sfd, rc, shard = shard_number(name);

	if (shard < 0)
		return 0;
	sfd = openat(peoplefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (sfd < 0)
		return 0;
	w->shards++;
	rc = feed_shard(w->f, w->ixfd, shard, sfd, &w->stale);
	close(sfd);
	return rc ? 1 : 0;
}

static int feed_all(struct store *s, struct feeder *f, long *unreadable,
    long *stale_shards, struct ceh_err *e);

int
index_feed(struct store *s, const struct units *u, index_sink_fn fn,
    void *arg, long *unreadable, long *stale_shards, struct ceh_err *e)
{
	return index_feed_scope(s, u, NULL, fn, arg, unreadable, stale_shards,
	    e);
}

int
index_feed_scope(struct store *s, const struct units *u,
    const struct report_scope *sc, index_sink_fn fn, void *arg,
    long *unreadable, long *stale_shards, struct ceh_err *e)
{
	struct feeder *f = xcalloc(1, sizeof(*f));
	int rc;

	f->s = s;
	f->u = u;
	f->sc = sc;
	f->fn = fn;
	f->arg = arg;
	rc = feed_all(s, f, unreadable, stale_shards, e);
	free(f);
	return rc;
}

int
index_feed_list(struct store *s, const struct units *u, index_list_fn fn,
    void *arg, long *unreadable, struct ceh_err *e)
{
	struct feeder *f = xcalloc(1, sizeof(*f));
	int rc;

	f->s = s;
	f->u = u;
	f->lfn = fn;
	f->arg = arg;
	rc = feed_all(s, f, unreadable, NULL, e);
	free(f);
	return rc;
}

/*
 * After a report: when more than an eighth of the shards it read had no
 * fresh part in the summary (or there is none), the summary is rebuilt,
 * best effort (a store the user cannot write keeps the old one; readers
 * are right either way).  CEH_INDEX_REFRESH=off (test-only): never.
 */
static void
summary_refresh(struct store *s, long shards, long stale)
{
	const char *v = getenv("CEH_INDEX_REFRESH");
	struct ceh_err e;

	if ((v && strcmp(v, "off") == 0) || stale == 0 || stale * 8 <= shards ||
	    faccessat(s->rootfd, "index", W_OK, AT_EACCESS) < 0)
		return;
	(void)index_summary_build(s, &e);
}

/* A summary mapped for reading. */
struct summary {
	const unsigned char *m;
	size_t len;
	const unsigned char *units;	/* the units section, CRC checked */
	size_t units_len;
};

static int summary_open(int ixfd, struct summary *sm, int *damaged);
static void summary_refresh(struct store *s, long shards, long stale);
static void summary_close(struct summary *sm);
static int feed_summary(struct shard_walk *w, const struct summary *sm);

static int
feed_all(struct store *s, struct feeder *fp, long *unreadable,
    long *stale_shards, struct ceh_err *e)
{
	const char *off = getenv("CEH_INDEX");
	struct feeder f;
	struct shard_walk w;
	struct summary sm;
	int ixfd, rc, damaged;

	if (off && strcmp(off, "off") == 0)
		return 1;
	if ((ixfd = index_dir(s)) < 0)
		return 1;
	f = *fp;
	w.f = &f;
	w.ixfd = ixfd;
	w.stale = 0;
	w.shards = w.sum_stale = 0;
	if (f.fn && summary_open(ixfd, &sm, &damaged) == 0) {
		rc = feed_summary(&w, &sm);
		summary_close(&sm);
	} else {
		rc = dir_each(s->peoplefd, shard_visit, &w);
		w.sum_stale = w.shards;	/* no summary to use */
	}
	close(ixfd);
	if (rc == 0 && f.fn)
		summary_refresh(s, w.shards, w.sum_stale);
	if (unreadable)
		*unreadable = f.bad;
	if (stale_shards)
		*stale_shards = w.stale;
	if (rc < 0)
		return ceh_fail_errno(e, _("cannot read people/"));
	if (rc > 0) {
		*e = f.e;
		return -1;
	}
	return 0;
}

/* ---- the summary (index.h index_summary_build) ---- */

#define SUM_MAGIC 0x53584943u	/* "CIXS" */
#define SUM_FORMAT 1
#define SUM_NSHARD 1000
#define SUM_SENT 40		/* a shard's entry in the header */
#define SUM_HEAD (32 + SUM_NSHARD * SUM_SENT + 4)
#define SUM_APP_HEAD (IDX_IDLEN + 3)	/* id, flags, payload length */

static void
put_u64(unsigned char *p, unsigned long long v)
{
	put_u32(p, (unsigned)v);
	put_u32(p + 4, (unsigned)(v >> 32));
}

static unsigned long long
get_u64(const unsigned char *p)
{
	return get_u32(p) | (unsigned long long)get_u32(p + 4) << 32;
}

static unsigned
get_u16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

struct posting {
	char code[CREDIT_LEN + 1];	/* "" for people the index cannot
					 * place: listed for every unit */
	unsigned long long off;		/* of the person's block */
};

struct postings {
	struct posting *v;
	size_t n, cap;
};

static void
posting_add(struct postings *p, const char *code, unsigned long long off)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	snprintf(p->v[p->n].code, sizeof(p->v[p->n].code), "%s", code);
	p->v[p->n++].off = off;
}

static int
posting_cmp(const void *a, const void *b)
{
	const struct posting *x = a, *y = b;
	int c = strcmp(x->code, y->code);

	return c ? c : x->off < y->off ? -1 : x->off > y->off;
}

/*
 * The blocks of a parsed (sorted) log into out, whose first byte will be
 * at file offset base; one block per person:
 *
 *   u32 N | u16 shard | u16 apps | apps x (id, u8 flags, u16 length,
 *   payload) | u32 CRC-32C of the N and the N bytes after it
 *
 * flags 1: the payload is trusted; else length is 0 and the reader reads
 * the document.  Each person's distinct employers go to post (the people
 * with an entry the index cannot place under "").
 */
static void
shard_blocks(const struct shardlog *l, int shard, unsigned long long base,
    struct sbuf *out, struct postings *post)
{
	size_t i = 0, j, k;

	while (i < l->n) {
		size_t start = out->len, ncodes = 0, c;
		char codes[8][CREDIT_LEN + 1];
		unsigned char h[8];
		unsigned napps = 0, crc;
		int any = 0;

		sb_add(out, "\0\0\0\0\0\0\0\0", 8);
		for (k = i; k < l->n && memcmp(l->e[k].body + 1,
		    l->e[i].body + 1, IDNUM_LEN) == 0 && napps < 65535;
		    k = j) {
			struct resolved r;
			char code[CREDIT_LEN + 1];
			size_t plen;

			j = resolve(l, k, &r);
			plen = r.trusted && r.plen <= 65535 ? r.plen : 0;
			sb_add(out, r.appid, IDX_IDLEN);
			sb_addc(out, (char)(plen || r.trusted ? 1 : 0));
			h[0] = (unsigned char)plen;
			h[1] = (unsigned char)(plen >> 8);
			sb_add(out, h, 2);
			if (plen)
				sb_add(out, r.payload, plen);
			napps++;
			if (!plen || payload_unit(r.payload, plen, code) < 0) {
				any = 1;
				continue;
			}
			for (c = 0; c < ncodes && strcmp(codes[c], code); c++)
				;
			if (c == ncodes && ncodes < 8)
				memcpy(codes[ncodes++], code, sizeof(code));
			else if (c == ncodes)
				any = 1;	/* more employers than kept */
		}
		put_u32((unsigned char *)out->buf + start,
		    (unsigned)(out->len - start - 4));
		h[0] = (unsigned char)shard;
		h[1] = (unsigned char)(shard >> 8);
		h[2] = (unsigned char)napps;
		h[3] = (unsigned char)(napps >> 8);
		memcpy(out->buf + start + 4, h, 4);
		crc = index_crc32c(0, out->buf + start, out->len - start);
		put_u32(h, crc);
		sb_add(out, h, 4);
		for (c = 0; c < ncodes; c++)
			posting_add(post, codes[c], base + start);
		if (any)
			posting_add(post, "", base + start);
		i = k;
	}
}

/* The units section of sorted postings into out:
 * u32 lists | lists x (u8 length, code, u32 n, n x u64 offset) | u32 CRC */
static void
units_section(const struct postings *p, struct sbuf *out)
{
	size_t i = 0, j, start = out->len, lists = 0;
	unsigned char b[8];

	sb_add(out, "\0\0\0\0", 4);
	while (i < p->n) {
		for (j = i; j < p->n && strcmp(p->v[j].code, p->v[i].code) == 0;
		    j++)
			;
		put_str(out, p->v[i].code);
		put_u32(b, (unsigned)(j - i));
		sb_add(out, b, 4);
		for (; i < j; i++) {
			put_u64(b, p->v[i].off);
			sb_add(out, b, 8);
		}
		lists++;
	}
	put_u32((unsigned char *)out->buf + start, (unsigned)lists);
	put_u32(b, index_crc32c(0, out->buf + start, out->len - start));
	sb_add(out, b, 4);
}

static int
sum_flush(struct tempfile *t, struct sbuf *sb, unsigned long long *at,
    struct ceh_err *e)
{
	if (sb->len && temp_write(t, sb->buf, sb->len, e) < 0)
		return -1;
	*at += sb->len;
	sb->len = 0;
	return 0;
}

int
index_summary_build(struct store *s, struct ceh_err *e)
{
	unsigned char *head = xcalloc(1, SUM_HEAD);
	struct postings post = { NULL, 0, 0 };
	struct sbuf sb = SBUF_INIT;
	unsigned long long at = SUM_HEAD, units_off;
	struct tempfile t;
	int ixfd, shard, rc = -1;

	if ((ixfd = index_dir(s)) < 0) {
		free(head);
		return 0;
	}
	if (temp_create(&t, ixfd, "index", "summary", e) < 0)
		goto out;
	if (temp_write(&t, head, SUM_HEAD, e) < 0)
		goto out;
	for (shard = 0; shard < SUM_NSHARD; shard++) {
		unsigned char *ent = head + 32 + (size_t)shard * SUM_SENT;
		struct shardlog l;
		struct ceh_err sub;
		int lk = shard_lock(ixfd, shard, 0, &sub);

		if (lk < 0)
			continue;	/* not covered: read from its log */
		if (shardlog_load(ixfd, shard, &l) == 0 &&
		    l.state != LOG_BADHEAD && l.state != LOG_DAMAGED &&
		    l.size >= 8) {
			put_u64(ent, (unsigned long long)l.ino);
			put_u64(ent + 8, (unsigned long long)l.size);
			memcpy(ent + 16, l.buf + l.size - 8, 8);
			put_u64(ent + 24, at + sb.len);
			shard_blocks(&l, shard, at, &sb, &post);
			put_u64(ent + 32, at + sb.len);
		}
		shardlog_free(&l);
		close(lk);
		if (sb.len >= (1 << 20) && sum_flush(&t, &sb, &at, e) < 0)
			goto out;
	}
	if (sum_flush(&t, &sb, &at, e) < 0)
		goto out;
	units_off = at;
	if (post.n > 1)
		qsort(post.v, post.n, sizeof(*post.v), posting_cmp);
	units_section(&post, &sb);
	put_u32(head, SUM_MAGIC);
	put_u32(head + 4, SUM_FORMAT);
	put_u64(head + 8, units_off);
	put_u64(head + 16, sb.len);
	if (sum_flush(&t, &sb, &at, e) < 0)
		goto out;
	put_u64(head + 24, at);
	put_u32(head + SUM_HEAD - 4, index_crc32c(0, head, SUM_HEAD - 4));
	if (pwrite(t.fd, head, SUM_HEAD, 0) != SUM_HEAD) {
		ceh_fail_errno(e, _("cannot write '%s/%s'"), "index",
		    "summary");
		goto out;
	}
	/* not synced: a summary a crash damaged fails its checks and is
	 * not used */
	if (temp_close(&t, TEMP_NOSYNC, e) < 0 || temp_commit(&t, e) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		temp_rollback(&t);
	close(ixfd);
	free(head);
	free(post.v);
	sb_release(&sb);
	return rc;
}

/* Map index/summary and check its header and units section: 0, or -1
 * when it is missing or damaged (then it is not used). */
static int
summary_open(int ixfd, struct summary *sm, int *damaged)
{
	struct stat st;
	unsigned long long uo, ul;
	const unsigned char *m;
	int fd, sh;

	memset(sm, 0, sizeof(*sm));
	*damaged = 0;
	fd = openat(ixfd, "summary", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*damaged = 1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < SUM_HEAD + 8) {
		close(fd);
		return -1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	sm->m = m;
	sm->len = (size_t)st.st_size;
	uo = get_u64(m + 8);
	ul = get_u64(m + 16);
	if (get_u32(m) != SUM_MAGIC || get_u32(m + 4) != SUM_FORMAT ||
	    get_u64(m + 24) != sm->len || get_u32(m + SUM_HEAD - 4) !=
	    index_crc32c(0, m, SUM_HEAD - 4) || uo < SUM_HEAD || ul < 8 ||
	    uo > sm->len || ul > sm->len - uo || index_crc32c(0, m + uo,
	    (size_t)ul - 4) != get_u32(m + uo + ul - 4))
		goto bad;
	for (sh = 0; sh < SUM_NSHARD; sh++) {
		const unsigned char *ent = m + 32 + (size_t)sh * SUM_SENT;
		unsigned long long a = get_u64(ent + 24), b = get_u64(ent + 32);

		if (get_u64(ent + 8) && (a < SUM_HEAD || b < a || b > uo))
			goto bad;
	}
	sm->units = m + uo;
	sm->units_len = (size_t)ul - 4;
	*damaged = 0;
	return 0;
bad:
	munmap((void *)sm->m, sm->len);
	memset(sm, 0, sizeof(*sm));
	return -1;
}

static void
summary_close(struct summary *sm)
{
	if (sm->m)
		munmap((void *)sm->m, sm->len);
	memset(sm, 0, sizeof(*sm));
}

/* Is shard's part of the summary made from its log as it is now? */
static int
summary_fresh(int ixfd, const struct summary *sm, int shard)
{
	const unsigned char *ent = sm->m + 32 + (size_t)shard * SUM_SENT;
	unsigned long long size = get_u64(ent + 8);
	unsigned char tail[8];
	struct stat st;
	char name[16];
	int fd, ok;

	if (size < 8)
		return 0;
	log_name(shard, name, sizeof(name));
	fd = openat(ixfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ok = fstat(fd, &st) == 0 && (unsigned long long)st.st_ino ==
	    get_u64(ent) && (unsigned long long)st.st_size == size &&
	    pread(fd, tail, 8, (off_t)size - 8) == 8 &&
	    memcmp(tail, ent + 16, 8) == 0;
	close(fd);
	return ok;
}

/* The block at off, if whole and of shard: its length with the CRC, or
 * 0. */
static size_t
block_at(const struct summary *sm, unsigned long long off, int shard)
{
	const unsigned char *ent = sm->m + 32 + (size_t)shard * SUM_SENT;
	unsigned long long end = get_u64(ent + 32);
	size_t n;

	if (off < get_u64(ent + 24) || off + 12 > end)
		return 0;
	n = get_u32(sm->m + off);
	if (n < 4 || n > end - off - 8 || (int)get_u16(sm->m + off + 4) !=
	    shard || index_crc32c(0, sm->m + off, n + 4) !=
	    get_u32(sm->m + off + 4 + n))
		return 0;
	return n + 8;
}

/* Feed one checked block: its applications, from the payload when
 * trusted, else from the document. */
static int
feed_block(struct feeder *f, const unsigned char *b)
{
	const unsigned char *p = b + 8, *end = b + 4 + get_u32(b);
	unsigned napps = get_u16(b + 6), i;
	int rc = 0;

	for (i = 0; rc == 0 && i < napps; i++) {
		char id[APP_ID_LEN + 1];
		size_t plen;

		if (end - p < SUM_APP_HEAD)
			break;
		memcpy(id, p, APP_ID_LEN);
		id[APP_ID_LEN] = '\0';
		plen = get_u16(p + IDX_IDLEN + 1);
		if ((size_t)(end - p) - SUM_APP_HEAD < plen)
			break;
		if (plen && (p[IDX_IDLEN] & 1) && decode_full(p + SUM_APP_HEAD,
		    plen, id, f->u, &f->ra, NULL, &f->lc) == 0)
			rc = f->fn(f->arg, &f->ra, &f->e);
		else
			rc = feed_doc(f, id);
		p += SUM_APP_HEAD + plen;
		stop_point("walk-after-visit");	/* as store_walk's */
	}
	return rc;
}

static int
shard_mark(int peoplefd, const char *name, void *arg)
{
	int shard = shard_number(name);

	(void)peoplefd;
	if (shard >= 0 && shard < SUM_NSHARD)
		((unsigned char *)arg)[shard] = 1;
	return 0;
}

static int
off_cmp(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a,
	    y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* The offsets of the blocks of the people sc selects, sorted, without
 * duplicates (so grouped by shard). */
static unsigned long long *
summary_select(const struct summary *sm, const struct feeder *f,
    size_t *n)
{
	const unsigned char *p = sm->units, *end = sm->units + sm->units_len;
	unsigned long long *v = NULL;
	size_t cap = 0, k = 0, i;
	unsigned lists, l;

	*n = 0;
	if (end - p < 4)
		return NULL;
	lists = get_u32(p);
	p += 4;
	for (l = 0; l < lists && end - p >= 5; l++) {
		char code[CREDIT_LEN + 1];
		size_t clen = *p, cnt;

		if (clen > CREDIT_LEN || (size_t)(end - p) < 1 + clen + 4)
			break;
		memcpy(code, p + 1, clen);
		code[clen] = '\0';
		cnt = get_u32(p + 1 + clen);
		p += 1 + clen + 4;
		if ((size_t)(end - p) / 8 < cnt)
			break;
		if (clen == 0 || report_unit_match(f->sc, f->u, code)) {
			if (k + cnt > cap) {
				cap = (k + cnt) * 2;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			for (i = 0; i < cnt; i++)
				v[k++] = get_u64(p + 8 * i);
		}
		p += 8 * cnt;
	}
	if (k > 1)
		qsort(v, k, sizeof(*v), off_cmp);
	for (i = *n = 0; i < k; i++)
		if (*n == 0 || v[*n - 1] != v[i])
			v[(*n)++] = v[i];
	return v;
}

/* One shard from its log (the summary's part stale or damaged). */
static int
feed_shard_log(struct shard_walk *w, int shard)
{
	char name[8];
	int sfd, rc;

	snprintf(name, sizeof(name), "%03d", shard);
	sfd = openat(w->f->s->peoplefd, name, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return 0;
	rc = feed_shard(w->f, w->ixfd, shard, sfd, &w->stale);
	close(sfd);
	return rc ? 1 : 0;
}

/* The blocks offs[0..n) of shard (all when offs is NULL): each checked
 * before any is fed; when one fails, the shard from its log. */
static int
feed_shard_blocks(struct shard_walk *w, const struct summary *sm, int shard,
    const unsigned long long *offs, size_t n)
{
	const unsigned char *ent = sm->m + 32 + (size_t)shard * SUM_SENT;
	unsigned long long off = get_u64(ent + 24), end = get_u64(ent + 32);
	size_t i, k;

	if (offs == NULL) {
		for (off = get_u64(ent + 24); off < end; off += k)
			if ((k = block_at(sm, off, shard)) == 0)
				return feed_shard_log(w, shard);
		for (off = get_u64(ent + 24); off < end; off += k) {
			k = 8 + get_u32(sm->m + off);
			if (feed_block(w->f, sm->m + off))
				return 1;
		}
		return 0;
	}
	for (i = 0; i < n; i++)
		if (block_at(sm, offs[i], shard) == 0)
			return feed_shard_log(w, shard);
	for (i = 0; i < n; i++)
		if (feed_block(w->f, sm->m + offs[i]))
			return 1;
	return 0;
}

/* The shard whose part of the summary holds off, or -1; *cur is where
 * to start looking (offsets come in order). */
static int
block_shard(const struct summary *sm, unsigned long long off, int *cur)
{
	for (; *cur < SUM_NSHARD; (*cur)++) {
		const unsigned char *ent = sm->m + 32 + (size_t)*cur * SUM_SENT;

		if (get_u64(ent + 8) && off < get_u64(ent + 32))
			return off >= get_u64(ent + 24) ? *cur : -1;
	}
	return -1;
}

/* Reports through the summary: stale shards from their logs, fresh ones
 * from their blocks (only the selected people's when sc names a unit).
 * -1 when people/ cannot be read, 1 when feeding failed. */
static int
feed_summary(struct shard_walk *w, const struct summary *sm)
{
	unsigned char have[SUM_NSHARD], fresh[SUM_NSHARD];
	struct feeder *f = w->f;
	unsigned long long *offs = NULL;
	size_t n = 0, i, j;
	int sh, rc = 0;

	memset(have, 0, sizeof(have));
	if (dir_each(f->s->peoplefd, shard_mark, have) < 0)
		return -1;
	for (sh = 0; sh < SUM_NSHARD; sh++) {
		fresh[sh] = have[sh] && summary_fresh(w->ixfd, sm, sh);
		w->shards += have[sh];
		w->sum_stale += have[sh] && !fresh[sh];
		if (have[sh] && !fresh[sh] && (rc = feed_shard_log(w, sh)))
			return rc;
	}
	if (f->sc == NULL || f->sc->unit == NULL) {
		for (sh = 0; sh < SUM_NSHARD; sh++)
			if (fresh[sh] && (rc = feed_shard_blocks(w, sm, sh,
			    NULL, 0)))
				return rc;
		return 0;
	}
	offs = summary_select(sm, f, &n);
	for (i = 0, sh = 0; rc == 0 && i < n; i = j) {
		int s0 = block_shard(sm, offs[i], &sh), c = sh;

		for (j = i + 1; j < n && block_shard(sm, offs[j], &c) == s0 &&
		    s0 >= 0; j++)
			;
		if (s0 >= 0 && fresh[s0])
			rc = feed_shard_blocks(w, sm, s0, offs + i, j - i);
	}
	free(offs);
	return rc;
}

/* ---- fsck ---- */

static void
isay(struct index_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
isay(struct index_report *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->say)
		r->say(r->arg, msg);
}

/* ---- fsck: what its walk of the documents saw (struct index_seen) ---- */

/* A 16-byte digest of a text (or of an id and a payload): sets of them
 * stand for the ids and payloads the walk saw. */
typedef unsigned char seen_key[16];

struct seen_set {
	seen_key *v;
	size_t n, cap;
	int sorted;
};

struct index_seen {
	struct seen_set ids[1000];	/* per shard: H(appid) */
	struct seen_set docs[1000];	/* per shard: H(appid, payload) */
	unsigned char gap[1000];	/* the walk missed part of the shard */
	int gap_all;
	struct sbuf tmp;
};

struct index_seen *
index_seen_new(void)
{
	return xcalloc(1, sizeof(struct index_seen));
}

void
index_seen_free(struct index_seen *v)
{
	int i;

	if (v == NULL)
		return;
	for (i = 0; i < 1000; i++) {
		free(v->ids[i].v);
		free(v->docs[i].v);
	}
	sb_release(&v->tmp);
	free(v);
}

static void
seen_hash(const void *a, size_t alen, const void *b, size_t blen,
    struct sbuf *tmp, seen_key out)
{
	char hex[SHA256_HEX_LEN + 1];

	tmp->len = 0;
	sb_add(tmp, a, alen);
	sb_addc(tmp, '\0');
	if (b)
		sb_add(tmp, b, blen);
	sha256_hex(tmp->buf, tmp->len, hex);
	sha_raw(hex, out);
}

static void
seen_put(struct seen_set *set, const seen_key k)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->v = xreallocarray(set->v, set->cap, sizeof(*set->v));
	}
	memcpy(set->v[set->n++], k, sizeof(seen_key));
	set->sorted = 0;
}

static int
key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(seen_key));
}

/* Sort and remove duplicates; how many there were (an id seen twice: a
 * document in two folders). */
static size_t
seen_sort(struct seen_set *set)
{
	size_t i, k, n = set->n;

	if (set->sorted)
		return 0;
	if (set->n > 1)
		qsort(set->v, set->n, sizeof(*set->v), key_cmp);
	for (i = k = 0; i < set->n; i++)
		if (k == 0 || memcmp(set->v[k - 1], set->v[i],
		    sizeof(seen_key)) != 0)
			memmove(set->v[k++], set->v[i], sizeof(seen_key));
	set->n = k;
	set->sorted = 1;
	return n - k;
}

static int
seen_has(const struct seen_set *set, const seen_key k)
{
	return set->n && bsearch(k, set->v, set->n, sizeof(*set->v),
	    key_cmp) != NULL;
}

void
index_seen_id(struct index_seen *v, const char *appid)
{
	seen_key k;

	if (v == NULL || strlen(appid) != APP_ID_LEN)
		return;
	seen_hash(appid, APP_ID_LEN, NULL, 0, &v->tmp, k);
	seen_put(&v->ids[shard_of(appid)], k);
}

void
index_seen_doc(struct index_seen *v, const struct application *app)
{
	struct sbuf pl = SBUF_INIT;
	seen_key k;

	if (v == NULL || app->id == NULL || strlen(app->id) != APP_ID_LEN)
		return;
	(void)index_encode(app, &pl);
	seen_hash(app->id, APP_ID_LEN, pl.buf ? pl.buf : "", pl.len,
	    &v->tmp, k);
	seen_put(&v->docs[shard_of(app->id)], k);
	sb_release(&pl);
}

void
index_seen_gap(struct index_seen *v, const char *idnum)
{
	if (v == NULL)
		return;
	if (idnum == NULL || strlen(idnum) < IDNUM_LEN)
		v->gap_all = 1;
	else
		v->gap[shard_of(idnum)] = 1;
}

/*
 * The quick check of a shard from what the walk saw: 1 when the log is
 * whole and lists exactly the applications the walk found, each trusted
 * entry with the payload of the document the walk parsed (*untrusted
 * then counts the entries a commit left unresolved, as shard_check
 * does); 0 when anything differs or was not seen: shard_check then reads
 * the shard again and says what is wrong.  So a finding is always
 * shard_check's, made from the documents under the shard's lock.
 */
static int
shard_quick(struct index_seen *v, int ixfd, int shard, long *untrusted)
{
	struct seen_set *ids = &v->ids[shard], *docs = &v->docs[shard];
	struct shardlog l;
	size_t i, j, matched = 0;
	int ok = 1;

	*untrusted = 0;
	if (v->gap_all || v->gap[shard])
		return 0;
	/* a document in two folders: shard_check compares the one the
	 * readers find (app_find), not either of them */
	if (seen_sort(ids) > 0)
		v->gap[shard] = 1;
	(void)seen_sort(docs);
	if (v->gap[shard])
		return 0;
	if (shardlog_load(ixfd, shard, &l) < 0)
		return 0;
	if (l.state != LOG_OK)
		ok = 0;
	for (i = 0; ok && i < l.n; i = j) {
		struct resolved res;
		seen_key k;

		j = resolve(&l, i, &res);
		seen_hash(res.appid, APP_ID_LEN, NULL, 0, &v->tmp, k);
		if (!seen_has(ids, k)) {
			if (res.trusted)
				ok = 0;		/* not in the store */
			else
				(*untrusted)++;
			continue;
		}
		matched++;
		if (!res.trusted) {
			(*untrusted)++;
			continue;
		}
		seen_hash(res.appid, APP_ID_LEN, res.payload, res.plen,
		    &v->tmp, k);
		if (!seen_has(docs, k))
			ok = 0;
	}
	if (matched != ids->n)
		ok = 0;		/* an application the log misses */
	shardlog_free(&l);
	return ok;
}

/* Check one shard against its documents: the number of findings, each
 * said; *untrusted the entries a commit left unresolved. */
static long
shard_check(struct store *s, int ixfd, int shard, struct index_report *r,
    long *untrusted)
{
	struct sbuf pl = SBUF_INIT;
	struct shardlog l;
	struct idlist ids;
	long found = 0, differ = 0, missing = 0, extra = 0;
	const char *first_differ = NULL;
	char fd_[APP_ID_LEN + 1] = "", fm[APP_ID_LEN + 1] = "";
	char fx[APP_ID_LEN + 1] = "";
	size_t i, j, k;
	int have;

	*untrusted = 0;
	if (shard_ids(s, shard, &ids) < 0) {
		isay(r, _("people/%03d: cannot read every folder; index not "
		    "checked"), shard);
		free(ids.v);
		return 1;
	}
	have = shardlog_load(ixfd, shard, &l) == 0;
	if (!have) {
		if (ids.n)
			isay(r, _("index/%03d.log: missing (%zu "
			    "application(s) in the shard)"), shard, ids.n);
		free(ids.v);
		return ids.n ? 1 : 0;
	}
	if (l.state == LOG_BADHEAD) {
		isay(r, _("index/%03d.log: not an index log (bad header)"),
		    shard);
		shardlog_free(&l);
		free(ids.v);
		return 1;
	}
	if (l.state == LOG_DAMAGED) {
		isay(r, _("index/%03d.log: damaged at byte %zu (a frame "
		    "fails its checksum)"), shard, l.valid);
		found++;
	} else if (l.state == LOG_TORN) {
		isay(r, _("index/%03d.log: ends in a torn frame at byte %zu"),
		    shard, l.valid);
		found++;
	}
	for (i = 0, k = 0; i < l.n || k < ids.n; ) {
		struct resolved res;
		int c;

		if (i < l.n)
			j = resolve(&l, i, &res);
		else
			j = i;
		c = i >= l.n ? 1 : k >= ids.n ? -1 : strcmp(res.appid,
		    ids.v[k]);
		if (c < 0) {
			/* in the log only: a create in flight, or gone */
			if (res.trusted) {
				if (!extra++)
					snprintf(fx, sizeof(fx), "%s",
					    res.appid);
			} else
				(*untrusted)++;
			i = j;
			continue;
		}
		if (c > 0) {
			if (!missing++)
				snprintf(fm, sizeof(fm), "%s", ids.v[k]);
			k++;
			continue;
		}
		if (!res.trusted)
			(*untrusted)++;
		else {
			struct application app;
			unsigned char sha[16];
			struct ceh_err sub;

			if (load_doc(s, ids.v[k], sha, &app, &sub) == 0) {
				pl.len = 0;
				(void)index_encode(&app, &pl);
				if (pl.len != res.plen || memcmp(pl.buf,
				    res.payload, pl.len) != 0) {
					if (!differ++)
						snprintf(fd_, sizeof(fd_),
						    "%s", ids.v[k]);
				}
				app_release(&app);
			}
		}
		i = j;
		k++;
	}
	(void)first_differ;
	if (differ)
		isay(r, _("index/%03d.log: %ld application(s) disagree with "
		    "their documents (first %s)"), shard, differ, fd_);
	if (missing)
		isay(r, _("index/%03d.log: misses %ld application(s) (first "
		    "%s)"), shard, missing, fm);
	if (extra)
		isay(r, _("index/%03d.log: lists %ld application(s) not in "
		    "the store (first %s)"), shard, extra, fx);
	found += differ + missing + extra;
	shardlog_free(&l);
	free(ids.v);
	sb_release(&pl);
	return found;
}

/*
 * fsck of the summary: its checksums, and each fresh shard's part and
 * postings against what its log makes now (a stale part is not a
 * finding: readers read that log).  1 when something is wrong (said),
 * else 0; *rebuild when a repair should rewrite it (wrong, missing, or a
 * part stale).
 */
static int
summary_check(int ixfd, struct index_report *r, int *rebuild)
{
	struct postings want = { NULL, 0, 0 }, have = { NULL, 0, 0 };
	struct sbuf sb = SBUF_INIT;
	struct summary sm;
	const unsigned char *p, *end;
	int damaged, sh, bad = 0, logs = 0;
	unsigned char has[SUM_NSHARD];
	unsigned lists, li;
	size_t i;

	for (sh = 0; sh < SUM_NSHARD; sh++) {
		char name[16];
		struct stat st;

		log_name(sh, name, sizeof(name));
		has[sh] = fstatat(ixfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		logs += has[sh];
	}
	if (summary_open(ixfd, &sm, &damaged) < 0) {
		if (damaged)
			isay(r, _("index/summary: damaged (a checksum fails)"));
		*rebuild = logs > 0;
		return damaged;
	}
	for (sh = 0; sh < SUM_NSHARD; sh++) {
		const unsigned char *ent = sm.m + 32 + (size_t)sh * SUM_SENT;
		unsigned long long a = get_u64(ent + 24), b = get_u64(ent + 32);
		struct shardlog l;
		struct ceh_err sub;
		int lk;

		if (!get_u64(ent + 8) || !summary_fresh(ixfd, &sm, sh)) {
			if (has[sh])
				*rebuild = 1;
			continue;
		}
		if ((lk = shard_lock(ixfd, sh, 0, &sub)) < 0)
			continue;
		if (shardlog_load(ixfd, sh, &l) == 0) {
			sb.len = 0;
			shard_blocks(&l, sh, a, &sb, &want);	/* sb at a */
			/* sb.buf is NULL when the shard has no blocks */
			if (!bad && (sb.len != b - a || (sb.len &&
			    memcmp(sb.buf, sm.m + a, sb.len) != 0))) {
				isay(r, _("index/summary: disagrees with "
				    "index/%03d.log"), sh);
				bad = 1;
			}
		}
		shardlog_free(&l);
		close(lk);
	}
	p = sm.units;
	end = sm.units + sm.units_len;
	lists = get_u32(p);
	p += 4;
	for (li = 0; li < lists && end - p >= 5; li++) {
		char code[CREDIT_LEN + 1];
		size_t clen = *p, cnt;
		int c = 0;

		if (clen > CREDIT_LEN || (size_t)(end - p) < 1 + clen + 4)
			break;
		memcpy(code, p + 1, clen);
		code[clen] = '\0';
		cnt = get_u32(p + 1 + clen);
		p += 1 + clen + 4;
		if ((size_t)(end - p) / 8 < cnt)
			break;
		for (i = 0; i < cnt; i++) {
			unsigned long long off = get_u64(p + 8 * i);
			int s0 = block_shard(&sm, off, &c);

			c = 0;
			if (s0 >= 0 && summary_fresh(ixfd, &sm, s0))
				posting_add(&have, code, off);
		}
		p += 8 * cnt;
	}
	if (want.n > 1)
		qsort(want.v, want.n, sizeof(*want.v), posting_cmp);
	if (have.n > 1)
		qsort(have.v, have.n, sizeof(*have.v), posting_cmp);
	for (i = 0; i < want.n && i < have.n &&
	    posting_cmp(&want.v[i], &have.v[i]) == 0; i++)
		;
	if (li != lists || p != end || i < want.n || i < have.n) {
		isay(r, _("index/summary: its units section disagrees with "
		    "the logs"));
		bad = 1;
	}
	if (bad)
		*rebuild = 1;
	summary_close(&sm);
	free(want.v);
	free(have.v);
	sb_release(&sb);
	return bad;
}

struct check_walk {
	struct store *s;
	struct index_seen *walk;	/* NULL: read every document */
	int ixfd, repair;
	struct index_report *r;
	unsigned char seen[1000];
	int err;
	struct ceh_err e;
};

static void
check_one(struct check_walk *w, int shard)
{
	long found, untrusted;
	int lk;

	if (w->seen[shard])
		return;
	w->seen[shard] = 1;
	lk = shard_lock(w->ixfd, shard, w->repair, &w->e);
	if (lk < 0 && w->repair) {
		w->err = 1;
		return;
	}
	w->r->shards++;
	if (w->walk && shard_quick(w->walk, w->ixfd, shard, &untrusted))
		found = 0;
	else
		found = shard_check(w->s, w->ixfd, shard, w->r, &untrusted);
	if (found)
		w->r->bad++;
	if (w->repair && (found || untrusted)) {
		if (shard_rewrite(w->s, w->ixfd, shard, 1, 1, &w->e) < 0)
			w->err = 1;
		else if (found) {
			w->r->rebuilt++;
			isay(w->r, _("index/%03d.log: rebuilt from the "
			    "documents"), shard);
		}
	}
	if (lk >= 0)
		close(lk);
}

static int
check_shard_dir(int fd, const char *name, void *arg)
{
	int shard = shard_number(name);

	(void)fd;
	if (shard >= 0)
		check_one(arg, shard);
	return ((struct check_walk *)arg)->err;
}

static int
check_log_file(int fd, const char *name, void *arg)
{
	char shard[4];

	(void)fd;
	if (strlen(name) == 7 && strcmp(name + 3, ".log") == 0) {
		memcpy(shard, name, 3);
		shard[3] = '\0';
		if (shard_number(shard) >= 0)
			check_one(arg, shard_number(shard));
	}
	return ((struct check_walk *)arg)->err;
}

int
index_check(struct store *s, int repair, struct index_report *r,
    struct ceh_err *e)
{
	return index_check_seen(s, repair, NULL, r, e);
}

int
index_check_seen(struct store *s, int repair, struct index_seen *seen,
    struct index_report *r, struct ceh_err *e)
{
	struct check_walk *w;
	int rc = 0;

	r->shards = r->bad = r->rebuilt = 0;
	r->absent = !index_present(s);
	if (r->absent && !repair)
		return 0;
	if (r->absent && index_create(s, e) < 0)
		return -1;
	w = xcalloc(1, sizeof(*w));
	w->s = s;
	w->walk = seen;
	w->repair = repair;
	w->r = r;
	if ((w->ixfd = index_dir(s)) < 0) {
		free(w);
		return ceh_fail_errno(e, _("cannot open '%s'"), "index");
	}
	if (dir_each(s->peoplefd, check_shard_dir, w) < 0)
		rc = ceh_fail_errno(e, _("cannot read people/"));
	if (rc == 0 && !w->err && dir_each(w->ixfd, check_log_file, w) < 0)
		rc = ceh_fail_errno(e, _("cannot read '%s'"), "index");
	if (rc == 0 && w->err) {
		*e = w->e;
		rc = -1;
	}
	if (rc == 0) {
		int rebuild = 0, bad = summary_check(w->ixfd, r, &rebuild);

		r->bad += bad;
		if (repair && rebuild) {
			if (index_summary_build(s, e) < 0)
				rc = -1;
			else if (bad) {
				r->rebuilt++;
				isay(r, _("index/summary: rebuilt from the logs"));
			}
		}
	}
	close(w->ixfd);
	free(w);
	return rc;
}
