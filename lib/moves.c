/*
 * moves.c - a person's transfers and the list of the people who moved
 * (moves.h, ceh-store(5) TRANSFERS).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "chain.h"
#include "doc.h"
#include "encode.h"
#include "err.h"
#include "hash.h"
#include "i18n.h"
#include "key.h"
#include "moves.h"
#include "store.h"
#include "trust.h"
#include "util.h"

#define MOVES_MAGIC "ceh-transfer-v1"
#define MOVES_BYTES (1 << 20)
#define LIST_NAME "moved"
#define LIST_LOCK "moved.lock"
#define LIST_MAGIC "ceh-moved-v1"
#define LIST_BYTES (64 << 20)

void
moves_free(struct moves *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* The canonical text of a record up to its sig line (excluded). */
static void
move_text(const struct move *mv, struct sbuf *sb)
{
	sb_adds(sb, MOVES_MAGIC "\n");
	canon_put(sb, "person", mv->person);
	canon_put(sb, "from", mv->from);
	canon_put(sb, "to", mv->to);
	canon_put(sb, "at", mv->at);
	canon_put(sb, "by", mv->by);
	canon_put(sb, "prev", mv->prev);
	canon_put(sb, "key", mv->key);
}

/* The whole record (with its sig line and the empty line after it). */
static void
move_emit(const struct move *mv, struct sbuf *sb)
{
	move_text(mv, sb);
	canon_put(sb, "sig", mv->sig);
	sb_addc(sb, '\n');
}

static void
move_hash(const struct move *mv, char out[SHA256_HEX_LEN + 1])
{
	struct sbuf sb = SBUF_INIT;

	move_text(mv, &sb);
	canon_put(&sb, "sig", mv->sig);
	sha256_hex(sb.buf, sb.len, out);
	sb_release(&sb);
}

/* "KEY=VALUE\n" at *p into dst (unescaped); -1 when it is not that. */
static int
take(const char **p, const char *end, const char *key, char *dst,
    size_t size)
{
	size_t kl = strlen(key), n = 0;
	const char *q = *p;

	if ((size_t)(end - q) < kl + 2 || memcmp(q, key, kl) != 0 ||
	    q[kl] != '=')
		return -1;
	for (q += kl + 1; q < end && *q != '\n'; q++) {
		char c = *q;

		if (c == '\\') {
			if (q + 1 >= end || (q[1] != '\\' && q[1] != 'n'))
				return -1;
			c = *++q == 'n' ? '\n' : '\\';
		}
		if (n + 1 >= size)
			return -1;
		dst[n++] = c;
	}
	if (q >= end)
		return -1;
	dst[n] = '\0';
	*p = q + 1;
	return 0;
}

static int
parse(const char *buf, size_t len, const char *shown, struct moves *m,
    struct ceh_err *e)
{
	const char *p = buf, *end = buf + len;
	size_t ml = strlen(MOVES_MAGIC);

	while (p < end) {
		struct move mv;
		struct sbuf sb = SBUF_INIT;
		const char *start = p;
		int ok;

		memset(&mv, 0, sizeof(mv));
		ok = (size_t)(end - p) > ml && memcmp(p, MOVES_MAGIC, ml) == 0 &&
		    p[ml] == '\n';
		if (ok) {
			p += ml + 1;
			ok = take(&p, end, "person", mv.person,
			    sizeof(mv.person)) == 0 &&
			    take(&p, end, "from", mv.from, sizeof(mv.from)) == 0 &&
			    take(&p, end, "to", mv.to, sizeof(mv.to)) == 0 &&
			    take(&p, end, "at", mv.at, sizeof(mv.at)) == 0 &&
			    take(&p, end, "by", mv.by, sizeof(mv.by)) == 0 &&
			    take(&p, end, "prev", mv.prev, sizeof(mv.prev)) == 0 &&
			    take(&p, end, "key", mv.key, sizeof(mv.key)) == 0 &&
			    take(&p, end, "sig", mv.sig, sizeof(mv.sig)) == 0 &&
			    p < end && *p == '\n';
		}
		if (ok) {
			p++;
			move_emit(&mv, &sb);	/* canonical, byte for byte */
			ok = sb.len == (size_t)(p - start) &&
			    memcmp(sb.buf, start, sb.len) == 0;
			sb_release(&sb);
		}
		if (!ok) {
			moves_free(m);
			return ceh_fail(e, CEH_ESYS, _("%s: record %zu is damaged "
			    "(not a transfer record of ceh)"), shown, m->n + 1);
		}
		move_hash(&mv, mv.hash);
		m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
		m->v[m->n++] = mv;
	}
	return 0;
}

int
moves_read(int pfd, const char *dir, const char *idnum, struct moves *m,
    struct ceh_err *e)
{
	char shown[96];
	char *buf;
	size_t len;
	int rc;

	(void)idnum;
	m->v = NULL;
	m->n = 0;
	snprintf(shown, sizeof(shown), "%s/%s", dir, MOVES_FILE);
	if (read_file_at(pfd, MOVES_FILE, MOVES_BYTES, &buf, &len, e) < 0) {
		if (e->code == CEH_ENOTFOUND)
			return 0;
		ceh_err_prefix(e, "%s", shown);
		e->code = CEH_ESYS;
		return -1;
	}
	rc = parse(buf, len, shown, m, e);
	free(buf);
	return rc;
}

int
moves_verify(struct store *s, const char *idnum, const struct moves *m,
    struct ceh_err *e)
{
	const char *prev = CHAIN_ZERO;
	time_t last = 0;
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct move *mv = &m->v[i];
		char chk[CREDIT_LEN + 1], kh[SHA256_HEX_LEN + 1];
		unsigned char raw[ED25519_SIG_LEN];
		struct sbuf sb = SBUF_INIT;
		struct ceh_err sub;
		enum unit_kind kind;
		uint8_t pub[32];
		time_t at;
		int ok;

		if (strcmp(mv->person, idnum) != 0)
			return ceh_fail(e, CEH_ESYS, _("transfer %zu of %s names "
			    "another person (%s)"), i + 1, idnum, mv->person);
		if (strcmp(mv->prev, prev) != 0)
			return ceh_fail(e, CEH_ESYS, _("transfer %zu of %s is not "
			    "chained to the one before it"), i + 1, idnum);
		if (parse_iso_time(mv->at, &at) < 0 || at < last ||
		    credit_check("to", mv->to, chk, &sub) < 0 ||
		    (mv->from[0] && credit_check("from", mv->from, chk,
		    &sub) < 0))
			return ceh_fail(e, CEH_ESYS, _("transfer %zu of %s: a bad "
			    "unit or time"), i + 1, idnum);
		last = at;
		prev = mv->hash;
		if (!trust_signed(s))
			continue;
		if (mv->sig[0] == '\0')
			return ceh_fail(e, CEH_ESYS, _("transfer %zu of %s to %s "
			    "is unsigned in a signed store"), i + 1, idnum,
			    mv->to);
		if (trust_unit_key(s, mv->to, at, pub, &sub) < 0)
			return ceh_fail(e, CEH_ESYS, _("transfer %zu of %s is "
			    "signed as %s, which had no valid key at %s"), i + 1,
			    idnum, mv->to, mv->at);
		/* a person moves to an employer: its certificate says so */
		if (trust_unit_kind(s, mv->to, at, &kind) < 0 ||
		    kind != UNIT_EMPLOYER)
			return ceh_fail(e, CEH_ESYS, _("transfer %zu of %s is to "
			    "%s, which was not an employer at %s"), i + 1, idnum,
			    mv->to, mv->at);
		sha256_hex(pub, 32, kh);
		move_text(mv, &sb);
		ok = strcmp(kh, mv->key) == 0 && b64url_decode(mv->sig,
		    strlen(mv->sig), raw, sizeof(raw)) == ED25519_SIG_LEN &&
		    key_verify(pub, "ceh-transfer", sb.buf, sb.len, raw);
		sb_release(&sb);
		if (!ok)
			return ceh_fail(e, CEH_ESYS, _("the signature of transfer "
			    "%zu of %s by %s does not verify (forged or "
			    "altered)"), i + 1, idnum, mv->to);
	}
	return 0;
}

int
moves_current(struct store *s, int pfd, const char *idnum,
    char out[CREDIT_LEN + 1], struct ceh_err *e)
{
	struct moves m;
	char dir[64], shard[4];
	int fd = pfd, rc;

	out[0] = '\0';
	person_shard(idnum, shard);
	snprintf(dir, sizeof(dir), "people/%s/%s", shard, idnum);
	if (fd < 0) {
		/* component by component, never following a link */
		int sfd = openat(s->peoplefd, shard, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);

		if (sfd < 0)
			return 0;	/* no person, no transfer */
		fd = openat(sfd, idnum, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(sfd);
		if (fd < 0)
			return 0;
	}
	rc = moves_read(fd, dir, idnum, &m, e);
	if (fd != pfd)
		close(fd);
	if (rc < 0)
		return -1;
	if (m.n == 0)
		return 0;
	if (moves_verify(s, idnum, &m, e) < 0) {
		moves_free(&m);
		return -1;
	}
	snprintf(out, CREDIT_LEN + 1, "%s", m.v[m.n - 1].to);
	moves_free(&m);
	return 1;
}

int
moves_append(struct store *s, struct person *p, const char *from,
    const char *to, const struct ceh_key *k, struct ceh_err *e)
{
	struct moves m;
	struct move mv;
	struct sbuf sb = SBUF_INIT;
	size_t i;
	int rc;

	if (store_may_write(s, e) < 0 ||
	    moves_read(p->fd, p->dir, p->idnum, &m, e) < 0)
		return -1;
	memset(&mv, 0, sizeof(mv));
	snprintf(mv.person, sizeof(mv.person), "%s", p->idnum);
	snprintf(mv.from, sizeof(mv.from), "%s", from ? from : "");
	snprintf(mv.to, sizeof(mv.to), "%s", to);
	iso_time(now(), mv.at, sizeof(mv.at));
	snprintf(mv.by, sizeof(mv.by), "%s", app_actor());
	snprintf(mv.prev, sizeof(mv.prev), "%s", m.n ? m.v[m.n - 1].hash :
	    CHAIN_ZERO);
	if (m.n && strcmp(mv.at, m.v[m.n - 1].at) < 0)
		snprintf(mv.at, sizeof(mv.at), "%s", m.v[m.n - 1].at);
	if (k) {
		unsigned char sig[ED25519_SIG_LEN];

		sha256_hex(k->pub, 32, mv.key);
		move_text(&mv, &sb);
		rc = key_sign(k, "ceh-transfer", sb.buf, sb.len, sig, e);
		sb_release(&sb);
		if (rc < 0) {
			moves_free(&m);
			return -1;
		}
		b64url_encode(sig, sizeof(sig), mv.sig);
	}
	for (i = 0; i < m.n; i++)
		move_emit(&m.v[i], &sb);
	move_emit(&mv, &sb);
	moves_free(&m);
	rc = atomic_write_at(p->fd, p->dir, MOVES_FILE, sb.buf, sb.len, e);
	sb_release(&sb);
	return rc;
}

/* ---- index/moved ---- */

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Parse the list; -1 when damaged. */
static int
list_parse(const char *buf, size_t len, struct moves_list *l)
{
	const char *p = buf, *end = buf + len, *sum;
	char want[SHA256_HEX_LEN + 1];
	size_t ml = strlen(LIST_MAGIC);

	l->id = NULL;
	l->n = 0;
	/* the last line: "sum=" and the SHA-256 of the bytes before it */
	if (len < ml + 1 + 4 + SHA256_HEX_LEN + 1 || end[-1] != '\n')
		return -1;
	sum = end - (4 + SHA256_HEX_LEN + 1);
	if (memcmp(sum, "sum=", 4) != 0)
		return -1;
	sha256_hex(buf, (size_t)(sum - buf), want);
	if (memcmp(sum + 4, want, SHA256_HEX_LEN) != 0 ||
	    memcmp(p, LIST_MAGIC "\n", ml + 1) != 0)
		return -1;
	for (p += ml + 1; p < sum; p += IDNUM_LEN + 1) {
		if (sum - p < IDNUM_LEN + 1 || p[IDNUM_LEN] != '\n')
			goto bad;
		l->id = xreallocarray(l->id, l->n + 1, sizeof(*l->id));
		memcpy(l->id[l->n], p, IDNUM_LEN);
		l->id[l->n][IDNUM_LEN] = '\0';
		if (!person_dir_name(l->id[l->n]) || (l->n &&
		    strcmp(l->id[l->n - 1], l->id[l->n]) >= 0))
			goto bad;
		l->n++;
	}
	return 0;
bad:
	moves_list_free(l);
	return -1;
}

static int
ix_dir(struct store *s)
{
	return openat(s->rootfd, "index", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
}

/* 1 read (n may be 0), 0 absent, -1 damaged. */
static int
list_load(int ixfd, struct moves_list *l)
{
	struct ceh_err e;
	char *buf;
	size_t len;
	int rc;

	l->id = NULL;
	l->n = 0;
	if (read_file_at(ixfd, LIST_NAME, LIST_BYTES, &buf, &len, &e) < 0)
		return e.code == CEH_ENOTFOUND ? 0 : -1;
	rc = list_parse(buf, len, l);
	free(buf);
	return rc < 0 ? -1 : 1;
}

static int
list_write(int ixfd, const struct moves_list *l, struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	char sum[SHA256_HEX_LEN + 1];
	size_t i;
	int rc;

	sb_adds(&sb, LIST_MAGIC "\n");
	for (i = 0; i < l->n; i++) {
		sb_adds(&sb, l->id[i]);
		sb_addc(&sb, '\n');
	}
	sha256_hex(sb.buf, sb.len, sum);
	sb_addf(&sb, "sum=%s\n", sum);
	rc = atomic_write_at(ixfd, "index", LIST_NAME, sb.buf, sb.len, e);
	sb_release(&sb);
	return rc;
}

static int
list_leftover(const char *name)
{
	return strncmp(name, ".tmp." LIST_NAME ".", 5 + strlen(LIST_NAME) + 1)
	    == 0;
}

int
moves_list_add(struct store *s, const char *idnum, struct ceh_err *e)
{
	struct moves_list l;
	struct lock lk;
	struct sweep sw;
	int ixfd, rc = 0;

	if (!index_present(s))
		return 0;
	if ((ixfd = ix_dir(s)) < 0)
		return ceh_fail_errno(e, _("cannot open '%s'"), "index");
	if (lock_take(ixfd, "index", LIST_LOCK, s->wait_secs, &lk, e) < 0) {
		close(ixfd);
		return -1;
	}
	memset(&sw, 0, sizeof(sw));
	sw.repair = 1;
	(void)temp_sweep(ixfd, "index", list_leftover, &sw, e);
	/* a damaged list is made again from this one person: fsck
	 * --repair adds the others (readers do not use it meanwhile, as
	 * they do not use a damaged one) */
	if (list_load(ixfd, &l) < 0)
		l.n = 0;
	if (!moves_list_has(&l, idnum)) {
		l.id = xreallocarray(l.id, l.n + 1, sizeof(*l.id));
		snprintf(l.id[l.n++], IDNUM_LEN + 1, "%s", idnum);
		qsort(l.id, l.n, sizeof(*l.id), id_cmp);
		rc = list_write(ixfd, &l, e);
	}
	moves_list_free(&l);
	lock_release(&lk);
	close(ixfd);
	return rc;
}

int
moves_list_read(struct store *s, struct moves_list *l)
{
	const char *off = getenv("CEH_INDEX");
	int ixfd, rc;

	l->id = NULL;
	l->n = 0;
	if ((off && strcmp(off, "off") == 0) || (ixfd = ix_dir(s)) < 0)
		return 0;
	rc = list_load(ixfd, l);
	close(ixfd);
	return rc < 0 ? -1 : 1;
}

int
moves_list_has(const struct moves_list *l, const char *idnum)
{
	return l->n && bsearch(idnum, l->id, l->n, sizeof(*l->id),
	    id_cmp) != NULL;
}

void
moves_list_free(struct moves_list *l)
{
	free(l->id);
	l->id = NULL;
	l->n = 0;
}

/* ---- fsck ---- */

static void
fsay(struct moves_fsck *mf, int fixed, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fsay(struct moves_fsck *mf, int fixed, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* TRANSLATORS: ends a problem line of fsck that --repair fixed */
	sb_adds(&sb, fixed ? _(", repaired") : "");
	if (mf->say)
		mf->say(mf->arg, sb.buf);
	sb_release(&sb);
	if (fixed)
		mf->repaired++;
	else
		mf->problems++;
}

void
moves_check_person(struct store *s, struct person *p, struct moves_fsck *mf)
{
	struct moves m;
	struct ceh_err e;
	struct stat st;

	if (fstatat(p->fd, MOVES_FILE, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	mf->id = xreallocarray(mf->id, mf->n + 1, sizeof(*mf->id));
	snprintf(mf->id[mf->n++], IDNUM_LEN + 1, "%s", p->idnum);
	if (moves_read(p->fd, p->dir, p->idnum, &m, &e) < 0) {
		fsay(mf, 0, _("%s (the person counts at the employers of their "
		    "applications)"), e.msg);
		return;
	}
	if (moves_verify(s, p->idnum, &m, &e) < 0)
		fsay(mf, 0, _("%s/%s: %s (the person counts at the employers of "
		    "their applications)"), p->dir, MOVES_FILE, e.msg);
	moves_free(&m);
}

void
moves_check_list(struct store *s, int repair, struct moves_fsck *mf)
{
	struct moves_list have, want;
	struct ceh_err e;
	struct lock lk;
	size_t i, missing;
	int ixfd, rc, same;

	if (!index_present(s) || (ixfd = ix_dir(s)) < 0)
		goto out;
	if (mf->n > 1)
		qsort(mf->id, mf->n, sizeof(*mf->id), id_cmp);
	want.id = mf->id;
	want.n = mf->n;
	if (repair && lock_take(ixfd, "index", LIST_LOCK, s->wait_secs, &lk,
	    &e) < 0) {
		fsay(mf, 0, "index/%s: %s", LIST_NAME, e.msg);
		close(ixfd);
		goto out;
	}
	rc = list_load(ixfd, &have);
	/* a person listed without a file is a transfer cut short before
	 * its commit point (moves.h): not a finding, tidied by repair */
	for (i = missing = 0; rc >= 0 && i < want.n; i++)
		missing += !moves_list_has(&have, want.id[i]);
	same = rc >= 0 && have.n == want.n && missing == 0;
	if (!same && (repair || rc < 0 || missing)) {
		int fixed = repair && list_write(ixfd, &want, &e) == 0;

		if (rc < 0)
			fsay(mf, fixed, _("index/%s: damaged"), LIST_NAME);
		else if (missing)
			fsay(mf, fixed, _("index/%s: %zu of the people with a "
			    "%s are not listed (the reports would count them at "
			    "their applications' employers)"), LIST_NAME,
			    missing, MOVES_FILE);
		if (repair && !fixed)
			fsay(mf, 0, "index/%s: %s", LIST_NAME, e.msg);
	}
	if (rc > 0)
		moves_list_free(&have);
	if (repair)
		lock_release(&lk);
	close(ixfd);
out:
	free(mf->id);
	mf->id = NULL;
	mf->n = 0;
}
