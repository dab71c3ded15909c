/* exchange.c - send and receive bundles between sites (exchange.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "chain.h"
#include "encode.h"
#include "err.h"
#include "i18n.h"
#include "exchange.h"
#include "key.h"
#include "queue.h"
#include "records.h"
#include "records_import.h"
#include "escape.h"
#include "store.h"
#include "trust.h"
#include "util.h"


#define HEADER "ceh-bundle"
#define HEADER_FORM "ceh-bundle-v1"

static void
say(struct exch_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct exch_report *r, const char *fmt, ...)
{
	char buf[1400];
	va_list ap;

	if (r->say == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->say(r->arg, buf);
}

/* A message formatted into a static buffer (for say). */
static const char *
tmp_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *
tmp_fmt(const char *fmt, ...)
{
	static char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* Tab-separated lines: the n-th (from 0) field of line into out. */
static int
tab_field(const char *line, size_t end, int n, char *out, size_t size)
{
	const char *p = line, *stop = line + end;
	size_t l;

	while (n-- > 0) {
		p = memchr(p, '\t', (size_t)(stop - p));
		if (p == NULL)
			return -1;
		p++;
	}
	for (l = 0; p + l < stop && p[l] != '\t'; l++)
		;
	if (l >= size)
		return -1;
	memcpy(out, p, l);
	out[l] = '\0';
	return 0;
}

static int
unit_code_valid(const char *c)
{
	size_t i, n = strlen(c);

	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((c[i] >= '0' && c[i] <= '9') ||
		    (c[i] >= 'A' && c[i] <= 'Z')))
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* The unit registry, signed by the agency (ceh-exchange(7)). */

#define UNITS_SIG "units.sig"
#define UNITS_SIG_FORM "ceh-units-v1"
#define UNITS_SIG_NS "ceh-units"

struct units_sig {
	char unit[64];
	long long t;
	char units[SHA256_HEX_LEN + 1];	/* sha256 of units.yaml as emitted */
	size_t signed_len;		/* the text signed: all before sig= */
	unsigned char sig[ED25519_SIG_LEN];
};

/* Parse a units.sig text: 0, or -1 when it is not one. */
static int
units_sig_parse(const char *buf, size_t len, struct units_sig *us)
{
	char *text, *unit = NULL, *t = NULL, *units = NULL, *sig = NULL,
	    *at;
	long n;
	int rc = -1;

	memset(us, 0, sizeof(*us));
	if (len == 0 || len > 4096 || memchr(buf, '\0', len) != NULL)
		return -1;
	text = xstrndup(buf, len);
	at = strstr(text, "\nsig=");
	if (strncmp(text, UNITS_SIG_FORM "\n", strlen(UNITS_SIG_FORM) + 1)
	    != 0 || at == NULL)
		goto out;
	us->signed_len = (size_t)(at - text) + 1;
	unit = text_field(text, "unit");
	t = text_field(text, "time");
	units = text_field(text, "units");
	sig = text_field(text, "sig");
	if (!unit || !t || !units || !sig || !unit_code_valid(unit) ||
	    parse_long(t, &n) < 0 || n < 0 || strlen(units) != SHA256_HEX_LEN ||
	    b64url_decode(sig, strlen(sig), us->sig, sizeof(us->sig)) !=
	    ED25519_SIG_LEN)
		goto out;
	snprintf(us->unit, sizeof(us->unit), "%s", unit);
	snprintf(us->units, sizeof(us->units), "%s", units);
	us->t = n;
	rc = 0;
out:
	free(unit);
	free(t);
	free(units);
	free(sig);
	free(text);
	return rc;
}

/* Does us (the text sig) verify with the key its unit had at its
 * time? */
static int
units_sig_verify(struct store *s, const struct units_sig *us,
    const struct sbuf *sig)
{
	struct ceh_err sub;
	uint8_t pub[32];

	return trust_unit_key(s, us->unit, (time_t)us->t, pub, &sub) == 0 &&
	    key_verify(pub, UNITS_SIG_NS, sig->buf, us->signed_len, us->sig);
}

/* units.yaml as ceh emits it (the canonical form) and its sha256. */
static int
units_canon(const struct units *u, struct sbuf *out,
    char hash[SHA256_HEX_LEN + 1], struct ceh_err *e)
{
	sb_reset(out);
	if (units_emit(u, out, e) < 0)
		return -1;
	sha256_hex(out->buf ? out->buf : "", out->len, hash);
	return 0;
}

/*
 * The registry a bundle carries: units.yaml as emitted and the agency's
 * signature of it.  At the agency's own site it is signed (again when
 * it changed) with the anchor unit's key (keyopt, $CEH_KEY or the key
 * folder) and kept in site/ceh/units.sig; any other site forwards the
 * signature it received, and no registry at all when its own units.yaml
 * is not the one signed.  1 with both, 0 none, -1 error.
 */
static int
units_for_bundle(struct store *s, struct site *st, const char *keyopt,
    struct sbuf *units, struct sbuf *sig, struct ceh_err *e)
{
	struct units_sig us;
	char hash[SHA256_HEX_LEN + 1], b64[ED25519_SIG_LEN * 2];
	unsigned char raw[ED25519_SIG_LEN];
	struct ceh_key k;
	const char *unit;
	int rc;

	if (units_canon(&s->units, units, hash, e) < 0 ||
	    site_state_read(st, UNITS_SIG, sig, e) < 0)
		return -1;
	/* the signature kept, while it is of this registry and still
	 * verifies (not after a rotation of the key in its second) */
	if (sig->len && units_sig_parse(sig->buf, sig->len, &us) == 0 &&
	    strcmp(us.units, hash) == 0 && units_sig_verify(s, &us, sig))
		return 1;
	sb_reset(sig);
	if (st->anchor_line[0])
		return 0;
	unit = trust_anchor_unit(s);
	if (unit[0] == '\0')
		return ceh_fail(e, CEH_ESTATE, _("this site has no agency yet: "
		    "the unit registry travels signed by the agency (ceh unit "
		    "add --kind agency --public-key)"));
	if (trust_signer(s, unit, keyopt, &k, e) < 0) {
		ceh_err_prefix(e, _("the unit registry travels signed by the "
		    "agency %s"), unit);
		return -1;
	}
	sb_addf(sig, UNITS_SIG_FORM "\nunit=%s\ntime=%lld\nunits=%s\n", unit,
	    (long long)now(), hash);
	rc = key_sign(&k, UNITS_SIG_NS, sig->buf, sig->len, raw, e);
	key_wipe(&k);
	if (rc < 0)
		return -1;
	b64url_encode(raw, sizeof(raw), b64);
	sb_addf(sig, "sig=%s\n", b64);
	if (site_state_write(st, UNITS_SIG, sig->buf, sig->len, e) < 0)
		return -1;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Send. */

/* Is unit code in the subtree of top (top itself included)? */
static int
in_subtree(const struct units *u, const char *code, const char *top)
{
	int depth = 0;

	while (code && code[0] && depth++ < 64) {
		const struct unit *x;

		if (strcmp(code, top) == 0)
			return 1;
		if ((x = units_find(u, code)) == NULL)
			return 0;
		code = x->parent;
	}
	return 0;
}

static int
was_submitted(const struct application *app)
{
	size_t i;

	for (i = 0; i < app->nhistory; i++)
		if (strcmp(app->history[i].what, "submitted") == 0)
			return 1;
	return 0;
}

/* Does unit have any business seeing app? */
static int
for_unit(const struct store *s, const struct application *app,
    const char *unit)
{
	if (app->stage == STAGE_REVIEW &&
	    in_subtree(&s->units, app->waiting_at, unit))
		return 1;
	return was_submitted(app) && in_subtree(&s->units, app->a.unit, unit);
}

/* Keep the lines of our refusals unit may see: those of its staff (the
 * employer field, the 4th, in its subtree), all of them for an agency. */
static void
refused_for(const struct store *s, const char *unit, struct sbuf *buf)
{
	const struct unit *u = units_find(&s->units, unit);
	struct sbuf out = SBUF_INIT;
	char *p = buf->buf, *end = buf->buf + buf->len;

	while (p && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char emp[64];

		if ((u && u->kind == UNIT_AGENCY) || (tab_field(p, l, 3, emp,
		    sizeof(emp)) == 0 && emp[0] &&
		    in_subtree(&s->units, emp, unit))) {
			sb_add(&out, p, l);
			sb_addc(&out, '\n');
		}
		p = nl ? nl + 1 : NULL;
	}
	sb_release(buf);
	*buf = out;
}

struct send_walk {
	const char *unit;
	struct sbuf *fi;
	long apps;
	struct ceh_err err;
	int failed;
};

static void
fi_file(struct sbuf *fi, const char *path, const void *data, size_t len)
{
	sb_addf(fi, "M 100644 inline %s\ndata %zu\n", path, len);
	if (len > 0)
		sb_add(fi, data, len);
	sb_addc(fi, '\n');
}

/* The provider records an application cites, and nothing else. */
#define RECORDS_HEADER "证件号码,姓名,年度,科目类型,科目名称,学时,继续教育形式," \
	"培训机构,记录编号\n"

static int
cites(const struct year_row *row, const char *key)
{
	size_t i;

	for (i = 0; i < row->nrecords; i++)
		if (strcmp(row->records[i], key) == 0)
			return 1;
	return 0;
}

/* The records app's year rows cite (their provenance), as a CSV file of
 * the providers' form (ceh-import(1)) into out: empty when it cites
 * none, or none is on record here. */
static int
records_text(struct store *s, const struct application *app,
    struct sbuf *out, struct ceh_err *e)
{
	size_t y, k, n;
	int rows = 0;

	sb_reset(out);
	sb_adds(out, RECORDS_HEADER);
	for (y = 0; y < app->nyears; y++) {
		const struct year_row *row = &app->years[y];
		struct hrec *r = NULL;

		if (row->nrecords == 0)
			continue;
		if (records_lookup(s, app->a.id_number, row->year, &r, &n, e) < 0)
			return -1;
		for (k = 0; k < n; k++) {
			char *key = hrec_key(&r[k]), num[32];

			if (cites(row, key)) {
				csv_put(out, r[k].id);
				sb_addc(out, ',');
				csv_put(out, r[k].name);
				sb_addf(out, ",%d,%s,", r[k].year, r[k].pro ?
				    "专业科目" : "公需科目");
				csv_put(out, r[k].subject);
				snprintf(num, sizeof(num), "%ld%s", r[k].half / 2,
				    r[k].half % 2 ? ".5" : "");
				sb_addf(out, ",%s,", num);
				csv_put(out, r[k].form);
				sb_addc(out, ',');
				csv_put(out, r[k].provider);
				sb_addc(out, ',');
				csv_put(out, r[k].recid);
				sb_addc(out, '\n');
				rows++;
			}
			free(key);
		}
		hrecs_free(r, n);
	}
	if (rows == 0)
		sb_reset(out);
	return 0;
}

static int send_app(struct store *s, struct person *p, enum stage folder,
    struct application *app, struct send_walk *w);

static int
send_visit(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct send_walk *w = arg;

	if (app == NULL) {
		w->err = *err;
		w->failed = 1;
		return 1;
	}
	return send_app(s, p, folder, app, w);
}

/* app into the commit if unit has business seeing it: its document and
 * its evidence.  1 (w->err set) on a failure. */
static int
send_app(struct store *s, struct person *p, enum stage folder,
    struct application *app, struct send_walk *w)
{
	struct sbuf doc = SBUF_INIT;
	char path[96], zip[32], *buf;
	size_t len;
	struct ceh_err sub;

	if (!for_unit(s, app, w->unit))
		return 0;
	if (doc_emit(app, &doc, &w->err) < 0) {
		w->failed = 1;
		return 1;
	}
	snprintf(path, sizeof(path), "apps/%s.yaml", app->id);
	fi_file(w->fi, path, doc.buf, doc.len);
	sb_release(&doc);
	snprintf(zip, sizeof(zip), "%s.zip", app->id + IDNUM_LEN + 1);
	if (read_file_at(p->stagefd[folder], zip, EXCHANGE_ZIP_MAX, &buf,
	    &len, &sub) == 0) {
		snprintf(path, sizeof(path), "apps/%s.zip", app->id);
		fi_file(w->fi, path, buf, len);
		free(buf);
	} else if (sub.code != CEH_ENOTFOUND) {
		w->err = sub;
		w->failed = 1;
		return 1;
	}
	/* the provider records it cites, exactly those */
	snprintf(path, sizeof(path), "records/%s.csv", app->id);
	if (records_text(s, app, &doc, &w->err) < 0) {
		sb_release(&doc);
		w->failed = 1;
		return 1;
	}
	if (doc.len)
		fi_file(w->fi, path, doc.buf, doc.len);
	else
		sb_addf(w->fi, "D %s\n", path);
	sb_release(&doc);
	w->apps++;
	return 0;
}

/*
 * What changed since the last send to a unit, from the store's summary
 * index (index.h): every commit appends frames naming its application
 * to index/SSS.log, and a log is only appended to until a rewrite
 * (compaction, rebuild) replaces it by another file.  The cursor
 * site/ceh/cursor.UNIT holds, for the commit of to/UNIT it belongs to,
 * each log's inode and size at that send:
 *
 *   ceh-cursor-v1 LF commit=OID LF then "SSS INODE SIZE" LF per log
 *
 * The next send reads each log from that size (all of it when its inode
 * changed), so it costs what changed, not the store: one readdir of
 * index/, the new frames, and the documents they name.  No index, no
 * cursor, a cursor of another commit, or a frame that cannot be read:
 * the whole store is walked, as with --full.
 */
struct journal {
	struct sbuf cursor;		/* the new cursor's lines */
	char **ids;			/* applications named since */
	size_t n, cap;
	int whole;			/* walk everything instead */
	char units[SHA256_HEX_LEN + 1];	/* the registry's hash now */
};

static void
journal_release(struct journal *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		free(j->ids[i]);
	free(j->ids);
	sb_release(&j->cursor);
	memset(j, 0, sizeof(*j));
}

static unsigned
le32(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8 | (unsigned)p[2] << 16 |
	    (unsigned)p[3] << 24;
}

/* The frames of buf (len bytes, from a frame's start): their ids into
 * j; a torn last frame ends it.  -1 when it is not frames. */
static int
journal_frames(struct journal *j, const unsigned char *buf, size_t len)
{
	size_t off = 0;

	while (off + 8 <= len) {
		unsigned n = le32(buf + off + 4);

		if (le32(buf + off) != 0x31584943u || n < 1 + APP_ID_LEN ||
		    n > (64u << 10))
			return -1;
		if (off + 8 + n + 8 > len)
			break;	/* torn: its writer cuts it off */
		if (buf[off + 8] == 'R' || buf[off + 8] == 'P' ||
		    buf[off + 8] == 'F') {
			if (j->n == j->cap) {
				j->cap = j->cap ? 2 * j->cap : 64;
				j->ids = xreallocarray(j->ids, j->cap,
				    sizeof(*j->ids));
			}
			j->ids[j->n++] = xstrndup((const char *)buf + off + 9,
			    APP_ID_LEN);
		}
		off += 8 + n + 8;
	}
	return 0;
}

/* The size and inode the cursor had for log name ("" none). */
static int
cursor_find(const char *cur, const char *name, unsigned long long *ino,
    long long *size)
{
	const char *p = cur;
	size_t l = strlen(name);

	while (p && *p) {
		if (strncmp(p, name, l) == 0 && p[l] == ' ' &&
		    sscanf(p + l + 1, "%llu %lld", ino, size) == 2)
			return 0;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fill j from the index since the cursor of unit for commit tip. */
static int
journal_read(struct store *s, struct site *st, const char *unit,
    const char *tip, struct journal *j, struct ceh_err *e)
{
	struct sbuf cur = SBUF_INIT, canon = SBUF_INIT;
	char name[96], *c = NULL, *uh = NULL;
	DIR *d = NULL;
	struct dirent *de;
	int fd = -1, rc = -1;
	size_t i, k;

	snprintf(name, sizeof(name), "cursor.%s", unit);
	if (site_state_read(st, name, &cur, e) < 0)
		goto out;
	c = cur.len ? text_field(cur.buf, "commit") : NULL;
	uh = cur.len ? text_field(cur.buf, "units") : NULL;
	/* the registry decides who sees what: another one, everything */
	if (units_canon(&s->units, &canon, j->units, e) < 0)
		goto out;
	if (c == NULL || strncmp(cur.buf, "ceh-cursor-v1\n", 14) != 0 ||
	    !tip[0] || strcmp(c, tip) != 0 || uh == NULL ||
	    strcmp(uh, j->units) != 0)
		j->whole = 1;
	if ((fd = open_dir_at(s->rootfd, "index", 0, e)) < 0) {
		if (e->code != CEH_ENOTFOUND)
			goto out;
		j->whole = 1;	/* no index: nothing to go by */
		rc = 0;
		goto out;
	}
	if ((d = fdopendir(fd)) == NULL) {
		ceh_fail_errno(e, _("cannot read %s"), "index/");
		goto out;
	}
	fd = -1;
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		unsigned long long ino = 0;
		long long from = 0;
		unsigned char *buf;
		ssize_t got;
		int lf;

		char num[4];

		if (strlen(de->d_name) != 7 || strcmp(de->d_name + 3, ".log"))
			continue;
		memcpy(num, de->d_name, 3);
		num[3] = '\0';
		if (shard_number(num) < 0)
			continue;
		if ((lf = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC |
		    O_NOFOLLOW)) < 0 || fstat(lf, &sb) < 0 ||
		    !S_ISREG(sb.st_mode)) {
			if (lf >= 0)
				close(lf);
			j->whole = 1;
			continue;
		}
		sb_addf(&j->cursor, "%s %llu %lld\n", de->d_name,
		    (unsigned long long)sb.st_ino, (long long)sb.st_size);
		if (j->whole) {
			close(lf);
			continue;
		}
		if (cursor_find(cur.buf, de->d_name, &ino, &from) < 0 ||
		    ino != (unsigned long long)sb.st_ino ||
		    from > (long long)sb.st_size)
			from = 0;	/* new or rewritten: all of it */
		if (from == (long long)sb.st_size) {
			close(lf);
			continue;
		}
		buf = xmalloc((size_t)(sb.st_size - from));
		got = pread(lf, buf, (size_t)(sb.st_size - from), from);
		close(lf);
		/* from 0 the header frame comes first: a frame like the rest */
		if (got != (ssize_t)(sb.st_size - from) ||
		    journal_frames(j, buf, (size_t)got) < 0)
			j->whole = 1;
		free(buf);
	}
	/* one entry per application */
	if (j->n > 1) {
		qsort(j->ids, j->n, sizeof(*j->ids), cmp_str);
		for (i = 1, k = 1; i < j->n; i++) {
			if (strcmp(j->ids[i], j->ids[k - 1]) == 0)
				free(j->ids[i]);
			else
				j->ids[k++] = j->ids[i];
		}
		j->n = k;
	}
	rc = 0;
out:
	if (d)
		closedir(d);
	if (fd >= 0)
		close(fd);
	free(c);
	free(uh);
	sb_release(&cur);
	sb_release(&canon);
	return rc;
}

/* The applications of j into the commit, as send_visit does. */
static int
journal_send(struct store *s, struct journal *j, struct send_walk *w,
    struct ceh_err *e)
{
	size_t i;

	for (i = 0; i < j->n; i++) {
		struct app_handle h;
		struct ceh_err sub;
		int r;

		if (app_open(s, j->ids[i], 0, &h, &sub) < 0) {
			app_close(&h);
			if (sub.code == CEH_ENOTFOUND || sub.code == CEH_EINPUT)
				continue;	/* gone, or not an id */
			*e = sub;
			return -1;
		}
		r = send_app(s, &h.p, h.folder, &h.app, w);
		app_close(&h);
		if (r) {
			*e = w->err;
			return -1;
		}
	}
	return 0;
}

static int
cursor_write(struct site *st, const char *unit, const char *commit,
    const struct journal *j, struct ceh_err *e)
{
	struct sbuf text = SBUF_INIT;
	char name[96];
	int rc;

	snprintf(name, sizeof(name), "cursor.%s", unit);
	sb_addf(&text, "ceh-cursor-v1\ncommit=%s\nunits=%s\n", commit,
	    j->units);
	if (j->cursor.len)
		sb_add(&text, j->cursor.buf, j->cursor.len);
	rc = site_state_write(st, name, text.buf, text.len, e);
	sb_release(&text);
	return rc;
}

/* Our receipts: "SITE TAB UNIT TAB COMMIT" from refs/in/SITE/UNIT. */
static int
acks_text(struct site *st, struct sbuf *out, struct ceh_err *e)
{
	struct sbuf refs = SBUF_INIT;
	char *p;

	if (site_refs(st, "refs/in/", &refs, e) < 0) {
		sb_release(&refs);
		return -1;
	}
	for (p = refs.buf; p && *p; ) {
		char *nl = strchr(p, '\n'), *name, *slash;

		if (nl)
			*nl = '\0';
		if (strlen(p) > 41 && strncmp(p + 41, "refs/in/", 8) == 0) {
			name = p + 49;
			if ((slash = strchr(name, '/')) != NULL) {
				*slash = '\0';
				sb_addf(out, "%s\t%s\t%.40s\n", name, slash + 1,
				    p);
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	sb_release(&refs);
	return 0;
}

static int
raw_store_file(struct store *s, const char *name, struct sbuf *fi,
    struct ceh_err *e)
{
	char *buf;
	size_t len;
	struct ceh_err sub;

	if (read_file_at(s->rootfd, name, 64 << 20, &buf, &len, &sub) < 0) {
		if (sub.code == CEH_ENOTFOUND)
			return 0;
		*e = sub;
		return -1;
	}
	fi_file(fi, name, buf, len);
	free(buf);
	return 0;
}

static int
tree_of(struct site *st, const char *commit, char out[41], struct ceh_err *e)
{
	char *spec = xasprintf("%s^{tree}", commit);
	struct sbuf o = SBUF_INIT;
	const char *args[] = { "rev-parse", "--verify", spec, NULL };
	int rc = git_ok(&st->git, args, NULL, 0, &o, e);

	if (rc == 0 && o.len >= 40) {
		memcpy(out, o.buf, 40);
		out[40] = '\0';
	} else if (rc == 0)
		rc = ceh_fail(e, CEH_ESYS, _("git rev-parse said nothing"));
	free(spec);
	sb_release(&o);
	return rc;
}

/* Application documents that differ between commits a ("" none) and b. */
static long
apps_between(struct site *st, const char *a, const char *b,
    struct ceh_err *e)
{
	struct sbuf o = SBUF_INIT;
	const char *diff[] = { "diff-tree", "-r", "--name-only",
		"--no-renames", a, b, "--", "apps/", NULL };
	const char *ls[] = { "ls-tree", "-r", "--name-only", b, "--",
		"apps/", NULL };
	long n = 0;
	char *p;

	if (git_ok(&st->git, a[0] ? diff : ls, NULL, 0, &o, e) < 0) {
		sb_release(&o);
		return -1;
	}
	for (p = o.buf; p && *p; ) {
		char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (l > 5 && strncmp(p + l - 5, ".yaml", 5) == 0)
			n++;
		p = nl ? nl + 1 : NULL;
	}
	sb_release(&o);
	return n;
}

int
exchange_send(struct store *s, struct site *st, const char *unit,
    const char *path, int full, const char *keyopt, struct exch_report *r,
    struct ceh_err *e)
{
	struct send_walk w;
	struct sbuf fi = SBUF_INIT, head = SBUF_INIT, acks = SBUF_INIT,
	    refused = SBUF_INIT, msg = SBUF_INIT;
	struct lock lk = { -1 };
	struct journal jn;
	char branch[96], acked_ref[96], old[41], neu[41], acked[41];
	char anchor[SHA256_HEX_LEN + 1], told[41], tnew[41], *notacked;
	char root[SHA256_HEX_LEN + 1];
	uint8_t pub[32];
	const char *fi_args[] = { "fast-import", "--quiet", "--force",
		NULL };
	const char *del_args[] = { "update-ref", "-d", "refs/ceh/new",
		NULL };
	int rc = -1;

	memset(&w, 0, sizeof(w));
	memset(&jn, 0, sizeof(jn));
	if (units_find(&s->units, unit) == NULL)
		return ceh_fail(e, CEH_ENOTFOUND, _("no unit %s in the registry"),
		    unit);
	if (site_anchor(s, st, pub, anchor, e) < 0)
		return -1;
	if (store_lock(s, &lk, e) < 0)
		return -1;
	snprintf(branch, sizeof(branch), "refs/heads/to/%s", unit);
	snprintf(acked_ref, sizeof(acked_ref), "refs/acked/%s", unit);
	if (site_ref(st, branch, old, e) < 0 ||
	    site_ref(st, acked_ref, acked, e) < 0)
		goto out;
	sb_addf(&msg, "ceh send from %s to %s\n", st->name, unit);
	sb_addf(&fi, "commit refs/ceh/new\ncommitter ceh <ceh@%s> %lld "
	    "+0000\ndata %zu\n%s", st->name, (long long)now(), msg.len,
	    msg.buf);
	if (old[0])
		sb_addf(&fi, "from %s\n", old);
	if (site_root(s, st, root, e) < 0)
		goto out;
	sb_addf(&head, HEADER_FORM "\nfrom=%s\nto=%s\nanchor=%s\nroot=%s\n",
	    st->name, unit, anchor, root);
	fi_file(&fi, HEADER, head.buf, head.len);
	if (acks_text(st, &acks, e) < 0 ||
	    site_state_read(st, "refused", &refused, e) < 0)
		goto out;
	fi_file(&fi, "acks", acks.buf, acks.len);
	refused_for(s, unit, &refused);
	fi_file(&fi, "refused", refused.buf, refused.len);
	if (raw_store_file(s, "trust.log", &fi, e) < 0)
		goto out;
	{
		struct sbuf units = SBUF_INIT, sig = SBUF_INIT;
		int have = units_for_bundle(s, st, keyopt, &units, &sig, e);

		if (have > 0) {
			fi_file(&fi, "units.yaml", units.buf, units.len);
			fi_file(&fi, UNITS_SIG, sig.buf, sig.len);
		} else if (have == 0)
			/* the parent's tree may hold one: not any more */
			sb_adds(&fi, "D units.yaml\nD " UNITS_SIG "\n");
		sb_release(&units);
		sb_release(&sig);
		if (have < 0)
			goto out;
	}
	w.unit = unit;
	w.fi = &fi;
	if (journal_read(s, st, unit, old, &jn, e) < 0)
		goto out;
	if (full || jn.whole || !old[0]) {
		/* the whole store: a first send, --full, or no journal */
		if (store_walk(s, NULL, send_visit, &w, e) < 0 && !w.failed)
			goto out;
		if (w.failed) {
			*e = w.err;
			goto out;
		}
	} else if (journal_send(s, &jn, &w, e) < 0)
		goto out;
	sb_adds(&fi, "\ndone\n");
	if (git_ok(&st->git, fi_args, fi.buf, fi.len, NULL, e) < 0 ||
	    site_ref(st, "refs/ceh/new", neu, e) < 0)
		goto out;
	if (!neu[0]) {
		ceh_fail(e, CEH_ESYS, _("git fast-import made no commit"));
		goto out;
	}
	/* a new commit only when the tree changed */
	if (old[0] && (tree_of(st, old, told, e) < 0 ||
	    tree_of(st, neu, tnew, e) < 0))
		goto out;
	if (!old[0] || strcmp(told, tnew) != 0) {
		if (site_update_ref(st, branch, neu, e) < 0)
			goto out;
		snprintf(old, sizeof(old), "%s", neu);
	}
	if (git_ok(&st->git, del_args, NULL, 0, NULL, e) < 0 ||
	    cursor_write(st, unit, old, &jn, e) < 0)
		goto out;
	r->full = full || !acked[0];
	if (!r->full && strcmp(acked, old) == 0) {
		r->nothing_new = 1;
		rc = 0;
		goto out;
	}
	if ((r->apps = apps_between(st, r->full ? "" : acked, old, e)) < 0)
		goto out;
	notacked = xasprintf("^%s", acked);
	{
		const char *bargs[] = { "bundle", "create", "--quiet", path,
			branch, r->full ? NULL : notacked, NULL };

		rc = git_ok(&st->git, bargs, NULL, 0, NULL, e);
		if (rc < 0)
			ceh_err_prefix(e, _("cannot write '%s'"), path);
	}
	free(notacked);
out:
	lock_release(&lk);
	journal_release(&jn);
	sb_release(&fi);
	sb_release(&head);
	sb_release(&acks);
	sb_release(&refused);
	sb_release(&msg);
	return rc;
}

int
exchange_status(struct store *s, struct site *st, struct exch_report *r,
    struct ceh_err *e)
{
	struct sbuf refs = SBUF_INIT, by = SBUF_INIT;
	char *p;
	int rc = -1;

	(void)s;
	if (site_refs(st, "refs/heads/to/", &refs, e) < 0 ||
	    site_state_read(st, "refused-by", &by, e) < 0)
		goto out;
	for (p = refs.buf; p && *p; ) {
		char *nl = strchr(p, '\n'), acked[41], aref[96], tip[41];
		const char *unit;
		long n;

		if (nl)
			*nl = '\0';
		if (strlen(p) < 55) {
			p = nl ? nl + 1 : NULL;
			continue;
		}
		memcpy(tip, p, 40);
		tip[40] = '\0';
		unit = p + 41 + strlen("refs/heads/to/");
		snprintf(aref, sizeof(aref), "refs/acked/%s", unit);
		if (site_ref(st, aref, acked, e) < 0)
			goto out;
		if (strcmp(acked, tip) == 0)
			n = 0;
		else if ((n = apps_between(st, acked, tip, e)) < 0)
			goto out;
		{
			struct exch_status_row row = { "in-transit", "", unit,
			    "", "", "", acked[0] ? "acknowledged-before" :
			    "never-acknowledged", n };

			if (r->row)
				r->row(r->arg, &row);
			else
				/* machine: the words of the status lines */
				say(r, "%s\tin-transit\t%ld\t%s", unit, n,
				    row.acked);
		}
		r->apps += n;
		p = nl ? nl + 1 : NULL;
	}
	for (p = by.buf; p && *p; ) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (*p && r->row) {
			char f[5][600];
			int k;
			size_t l = strlen(p);

			for (k = 0; k < 5; k++)
				if (tab_field(p, l, k, f[k], sizeof(f[k])) < 0)
					f[k][0] = '\0';
			{
				/* machine: a script's word */
				struct exch_status_row row = { "refused", f[0],
				    f[1], f[2], f[3], f[4], "", 0 };

				r->row(r->arg, &row);
			}
			r->refused++;
		} else if (*p) {
			/* machine: a script's word */
			say(r, "%s\trefused", p);
			r->refused++;
		}
		p = nl ? nl + 1 : NULL;
	}
	rc = 0;
out:
	sb_release(&refs);
	sb_release(&by);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Receive. */

struct entry {
	char oid[41];
	char *path;
};

struct incoming {
	struct store *s;
	struct site *st;
	struct git q;			/* the quarantine */
	char *qdir;			/* its folder (absolute) */
	struct git_batch batch;
	int batch_open;
	char from[SITE_NAME_MAX + 1], unit[64], commit[41], prev[41];
	struct entry *v;
	size_t n;
	struct sbuf refused;		/* our refusals, all senders */
	struct sbuf refused_by;
	struct exch_report *r;
	/* the bundle's registry, checked and in use (s->trust, s->units)
	 * but written only before the first application taken or when the
	 * bundle is taken whole: a refused bundle leaves the store as it
	 * was */
	struct sbuf trust_new;		/* trust.log to write, or empty */
	size_t trust_more;		/* bytes more than ours */
	int units_new;			/* s->units to write */
	struct sbuf units_sig;		/* and its signature */
	/* the provider records of the applications taken, and of those we
	 * have the same (imported when the bundle is taken whole) */
	struct sbuf rec_taken, rec_same;
	size_t units_more;
	int registry_written;
};

/* Quarantines left by an interrupted receive: site/q.* */
static void
sweep_quarantines(struct store *s)
{
	char *dir = xasprintf("%s/%s", s->root, SITE_DIR);
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d)) != NULL)
			if (strncmp(de->d_name, "q.", 2) == 0) {
				char *p = xasprintf("%s/%s", dir, de->d_name);

				rm_tree(p);
				free(p);
			}
		closedir(d);
	}
	free(dir);
}

/* An allowed path of a bundle's tree: 1 registry or header, 2 a
 * document, 3 an archive, 4 the records it cites; 0 not allowed.  appid
 * gets the id. */
static int
path_kind(const char *path, char appid[APP_ID_LEN + 1])
{
	static const char *const top[] = { HEADER, "acks", "refused",
		"trust.log", "units.yaml", UNITS_SIG, NULL };
	struct app_ref ref;
	struct ceh_err sub;
	char id[APP_ID_LEN + 1];
	size_t l = strlen(path);
	int kind;

	if (str_in(path, top))
		return 1;
	if (strncmp(path, "records/", 8) == 0 && l == 8 + APP_ID_LEN + 4 &&
	    strcmp(path + 8 + APP_ID_LEN, ".csv") == 0) {
		memcpy(id, path + 8, APP_ID_LEN);
		id[APP_ID_LEN] = '\0';
		if (app_ref_parse(id, &ref, &sub) < 0)
			return 0;
		app_ref_format(&ref, appid);
		return strcmp(appid, id) == 0 ? 4 : 0;
	}
	if (strncmp(path, "apps/", 5) != 0 || (l != 5 + APP_ID_LEN + 5 &&
	    l != 5 + APP_ID_LEN + 4))
		return 0;
	if (strcmp(path + 5 + APP_ID_LEN, ".yaml") == 0)
		kind = 2;
	else if (strcmp(path + 5 + APP_ID_LEN, ".zip") == 0)
		kind = 3;
	else
		return 0;
	memcpy(id, path + 5, APP_ID_LEN);
	id[APP_ID_LEN] = '\0';
	if (app_ref_parse(id, &ref, &sub) < 0)
		return 0;
	app_ref_format(&ref, appid);
	return strcmp(appid, id) == 0 ? kind : 0;
}

static void
add_entry(struct incoming *in, const char *oid, const char *path)
{
	in->v = xreallocarray(in->v, in->n + 1, sizeof(*in->v));
	snprintf(in->v[in->n].oid, 41, "%.40s", oid);
	in->v[in->n].path = xstrdup(path);
	in->n++;
}

static const char *
entry_oid(const struct incoming *in, const char *path)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		if (strcmp(in->v[i].path, path) == 0)
			return in->v[i].oid;
	return NULL;
}

/* path of the bundle's commit: among the entries, or (an incremental
 * bundle that did not change it) in the commit's tree, a plain file;
 * NULL if there is none.  The oid is kept in in->v (a copy is the
 * caller's to free). */
static char *
tree_entry_oid(struct incoming *in, const char *path)
{
	const char *ls[] = { "ls-tree", in->commit, "--", path, NULL };
	struct sbuf o = SBUF_INIT;
	struct ceh_err sub;
	char mode[16], type[16], oid[64], *got = NULL;
	const char *have;

	if ((have = entry_oid(in, path)) != NULL)
		return xstrdup(have);
	if (git_ok(&in->q, ls, NULL, 0, &o, &sub) == 0 &&
	    sscanf(sb_str(&o), "%15s %15s %63s", mode, type, oid) == 3 &&
	    strcmp(mode, "100644") == 0 && strcmp(type, "blob") == 0 &&
	    git_oid_valid(oid)) {
		add_entry(in, oid, path);
		got = xstrdup(oid);
	}
	sb_release(&o);
	return got;
}

/* Check one entry of the tree: mode, type, path. */
static int
entry_check(struct incoming *in, const char *mode, const char *type,
    const char *oid, const char *path, struct ceh_err *e)
{
	char appid[APP_ID_LEN + 1];

	if (strcmp(mode, "100644") != 0 || strcmp(type, "blob") != 0)
		return ceh_fail(e, CEH_EINPUT, _("the bundle holds '%s' as %s "
		    "(mode %s): only plain files are allowed, no symbolic "
		    "links, submodules or special files"), safe_echo(path),
		    strcmp(mode, "120000") == 0 ? "a symbolic link" : type,
		    mode);
	if (!path_kind(path, appid))
		return ceh_fail(e, CEH_EINPUT, _("the bundle holds '%s', a path "
		    "a bundle of ceh never has"), safe_echo(path));
	if (!git_oid_valid(oid))
		return ceh_fail(e, CEH_EINPUT, _("the bundle's tree is damaged"));
	add_entry(in, oid, path);
	return 0;
}

/* The entries of the commit: all of them (ls-tree) or, with prev, what
 * changed since (diff-tree). */
static int
list_entries(struct incoming *in, const char *prev, struct ceh_err *e)
{
	struct sbuf o = SBUF_INIT;
	const char *ls[] = { "ls-tree", "-r", "-t", "-z", "--full-tree",
		in->commit, NULL };
	const char *diff[] = { "diff-tree", "-r", "-z", "--no-renames",
		prev, in->commit, NULL };
	char *p, *end;
	int rc = -1;

	if (git_ok(&in->q, prev[0] ? diff : ls, NULL, 0, &o, e) < 0)
		goto out;
	p = o.buf;
	end = o.buf + o.len;
	while (p && p < end) {
		char mode[16], type[16], oid[64], *path, *z;

		if (prev[0]) {
			char m1[16], o1[64], status[8];

			z = memchr(p, '\0', (size_t)(end - p));
			if (z == NULL || sscanf(p, ":%15s %15s %63s %63s %7s",
			    m1, mode, o1, oid, status) != 5)
				break;
			path = z + 1;
			if ((z = memchr(path, '\0', (size_t)(end - path))) ==
			    NULL)
				break;
			p = z + 1;
			if (status[0] == 'D')
				continue;
			snprintf(type, sizeof(type), "%s",
			    strcmp(mode, "040000") == 0 ? "tree" :
			    strcmp(mode, "160000") == 0 ? "commit" : "blob");
		} else {
			z = memchr(p, '\0', (size_t)(end - p));
			if (z == NULL)
				break;
			if (sscanf(p, "%15s %15s %63s", mode, type, oid) != 3 ||
			    strchr(p, '\t') == NULL)
				break;
			path = strchr(p, '\t') + 1;
			p = z + 1;
			if (strcmp(type, "tree") == 0) {
				if ((strcmp(path, "apps") != 0 &&
				    strcmp(path, "records") != 0) ||
				    strcmp(mode, "040000") != 0) {
					ceh_fail(e, CEH_EINPUT, _("the bundle "
					    "holds a folder '%s', which a "
					    "bundle of ceh never has"),
					    safe_echo(path));
					goto out;
				}
				continue;
			}
		}
		if (entry_check(in, mode, type, oid, path, e) < 0)
			goto out;
	}
	if (p != end && p != NULL) {
		ceh_fail(e, CEH_EINPUT, _("the bundle's tree cannot be read"));
		goto out;
	}
	rc = 0;
out:
	sb_release(&o);
	return rc;
}

static int
blob(struct incoming *in, const char *oid, size_t max, struct sbuf *out,
    struct ceh_err *e)
{
	char type[16];

	if (!in->batch_open) {
		if (git_batch_open(&in->q, &in->batch, e) < 0)
			return -1;
		in->batch_open = 1;
	}
	if (git_batch_get(&in->batch, oid, max, type, out, e) < 0)
		return -1;
	if (strcmp(type, "blob") != 0)
		return ceh_fail(e, CEH_EINPUT, _("object %s is a %s, not a file"),
		    oid, type);
	return 0;
}

/* Remove the lines of "SITE TAB UNIT TAB APPID ..." for (site, appid)
 * from buf, or every line of site when appid is NULL. */
static void
lines_drop(struct sbuf *buf, const char *site, const char *appid)
{
	struct sbuf out = SBUF_INIT;
	char *p = buf->buf, *end = buf->buf + buf->len;

	while (p && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char a[SITE_NAME_MAX + 1], id[APP_ID_LEN + 8];
		int drop = tab_field(p, l, 0, a, sizeof(a)) == 0 &&
		    strcmp(a, site) == 0 && (appid == NULL ||
		    (tab_field(p, l, 2, id, sizeof(id)) == 0 &&
		    strcmp(id, appid) == 0));

		if (!drop && l > 0) {
			sb_add(&out, p, l);
			sb_addc(&out, '\n');
		}
		p = nl ? nl + 1 : NULL;
	}
	sb_release(buf);
	*buf = out;
}

static void
refuse(struct incoming *in, const char *appid, const char *employer,
    const char *why)
{
	char clean[600];
	size_t i;

	snprintf(clean, sizeof(clean), "%s", why);
	for (i = 0; clean[i]; i++)
		if (clean[i] == '\t' || clean[i] == '\n')
			clean[i] = ' ';
	lines_drop(&in->refused, in->from, appid);
	sb_addf(&in->refused, "%s\t%s\t%s\t%s\t%s\n", in->from, in->unit,
	    appid, employer, clean);
	in->r->refused++;
	/* machine: the first word is for scripts */
	say(in->r, "%s\trefused\t%s", appid, clean);
}

/* A trust.log of the bundle: taken when ours is a prefix of it and it
 * verifies, rooted in our anchor. */
static int
take_trust(struct incoming *in, const char *oid, const uint8_t anchor[32],
    struct ceh_err *e)
{
	struct store *s = in->s;
	struct sbuf theirs = SBUF_INIT;
	struct store fake;
	char *ours = NULL, *tdir = NULL;
	size_t olen = 0;
	struct ceh_err sub, sub2;
	char root[SHA256_HEX_LEN + 1], troot[SHA256_HEX_LEN + 1];
	uint8_t pub[32];
	int fd = -1, rc = -1;

	if (blob(in, oid, 64 << 20, &theirs, e) < 0)
		goto out;
	if (read_file_at(s->rootfd, "trust.log", 64 << 20, &ours, &olen,
	    &sub) < 0) {
		if (sub.code != CEH_ENOTFOUND) {
			*e = sub;
			goto out;
		}
		ours = xstrdup("");
	}
	if (theirs.len <= olen) {
		/* ours is as long: theirs must be a prefix of ours, or
		 * the two registries diverged */
		if (memcmp(ours, theirs.buf, theirs.len) != 0)
			/* machine: the first two words */
			say(in->r, "trust.log\tkept\t%s", _("the sender's "
			    "registry of keys is not ours nor a part of it"));
		rc = 0;
		goto out;
	}
	if (memcmp(ours, theirs.buf, olen) != 0) {
		/* machine: the first two words */
		say(in->r, "trust.log\tkept\t%s", _("the sender's registry "
		    "of keys does not continue ours"));
		rc = 0;
		goto out;
	}
	/* check it on its own: a store of just that trust.log */
	tdir = xasprintf("%s/t", in->qdir);
	if (mkdir(tdir, 0700) < 0 || (fd = open(tdir, O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC)) < 0) {
		ceh_fail_errno(e, _("cannot make %s"), tdir);
		goto out;
	}
	if (atomic_write(fd, "trust.log", theirs.buf, theirs.len, e) < 0)
		goto out;
	memset(&fake, 0, sizeof(fake));
	fake.rootfd = fd;
	memset(&sub, 0, sizeof(sub));
	/* rooted in ours: the same record 0, or (a site given the rotated
	 * anchor from outside) the same anchor now */
	if (trust_anchor(&fake, pub, &sub) < 0 || (memcmp(pub, anchor, 32) &&
	    (site_root(s, in->st, root, &sub2) < 0 ||
	    site_log_root(theirs.buf, theirs.len, troot) < 0 ||
	    strcmp(root, troot) != 0))) {
		trust_free(fake.trust);
		if (sub.code)
			ceh_fail(e, CEH_EINPUT, _("the bundle's registry of keys "
			    "is refused: %s"), sub.msg);
		else
			ceh_fail(e, CEH_EINPUT, _("the bundle's registry of keys "
			    "is rooted in another trust anchor"));
		goto out;
	}
	/* checked: in use from now on, written by registry_write */
	trust_free(s->trust);
	s->trust = fake.trust;
	sb_release(&in->trust_new);
	in->trust_new = theirs;
	memset(&theirs, 0, sizeof(theirs));
	in->trust_more = in->trust_new.len - olen;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(tdir);
	free(ours);
	sb_release(&theirs);
	return rc;
}

/*
 * units.yaml: believed only as far as the agency's signature goes.  It
 * must come with units.sig, the signature of its canonical form (as ceh
 * emits it) by the anchor's unit with a key valid at the signature's
 * time: else the bundle is refused whole.  Taken when it is another
 * registry signed no earlier than ours; the agency's own site takes
 * none (it is the registry's source).
 */
static int
take_units(struct incoming *in, const char *oid, const char *sigoid,
    struct ceh_err *e)
{
	struct store *s = in->s;
	struct sbuf buf = SBUF_INIT, sig = SBUF_INIT, canon = SBUF_INIT,
	    ours = SBUF_INIT;
	struct units u;
	struct units_sig us, os;
	char hash[SHA256_HEX_LEN + 1], ohash[SHA256_HEX_LEN + 1];
	const char *anchor_unit;
	int rc = -1;

	memset(&u, 0, sizeof(u));
	if (sigoid == NULL) {
		ceh_fail(e, CEH_EINPUT, _("the bundle's registry of units is "
		    "not signed by the agency (no units.sig): refused"));
		goto out;
	}
	if (blob(in, oid, 64 << 20, &buf, e) < 0 ||
	    blob(in, sigoid, 4096, &sig, e) < 0)
		goto out;
	if (units_parse(&u, buf.buf, buf.len, "bundle:units.yaml", e) < 0 ||
	    units_check(&u, &s->codes, "bundle:units.yaml", e) < 0) {
		ceh_err_prefix(e, _("the bundle's registry of units is refused"));
		goto out;
	}
	if (units_canon(&u, &canon, hash, e) < 0)
		goto out;
	anchor_unit = trust_anchor_unit(s);
	if (units_sig_parse(sig.buf, sig.len, &us) < 0) {
		ceh_fail(e, CEH_EINPUT, _("the bundle's registry of units is "
		    "refused: its signature units.sig is damaged"));
		goto out;
	}
	if (strcmp(us.units, hash) != 0) {
		ceh_fail(e, CEH_EINPUT, _("the bundle's registry of units is "
		    "refused: it is not the registry the agency signed"));
		goto out;
	}
	if (anchor_unit[0] == '\0' || strcmp(us.unit, anchor_unit) != 0) {
		ceh_fail(e, CEH_EINPUT, _("the bundle's registry of units is "
		    "refused: it is signed by %s, not by the agency of this "
		    "site's trust anchor"), us.unit);
		goto out;
	}
	if (!units_sig_verify(s, &us, &sig)) {
		ceh_fail(e, CEH_EINPUT, _("the bundle's registry of units is "
		    "refused: its signature does not verify under this site's "
		    "trust anchor"));
		goto out;
	}
	rc = 0;
	if (!in->st->anchor_line[0])
		goto out;	/* the agency's site: its own registry */
	if (units_canon(&s->units, &ours, ohash, e) < 0 ||
	    site_state_read(in->st, UNITS_SIG, &in->units_sig, e) < 0) {
		rc = -1;
		goto out;
	}
	if (strcmp(ohash, hash) == 0)
		goto out;
	if (in->units_sig.len && units_sig_parse(in->units_sig.buf,
	    in->units_sig.len, &os) == 0 && os.t > us.t) {
		/* machine: the first two words */
		say(in->r, "units.yaml\tkept\t%s", _("the sender's registry of "
		    "units is older than ours"));
		goto out;
	}
	/* checked: in use from now on, written by registry_write */
	in->units_more = u.n > s->units.n ? u.n - s->units.n : 0;
	units_release(&s->units);
	s->units = u;
	memset(&u, 0, sizeof(u));
	sb_reset(&in->units_sig);
	sb_add(&in->units_sig, sig.buf, sig.len);
	in->units_new = 1;
out:
	units_release(&u);
	sb_release(&buf);
	sb_release(&sig);
	sb_release(&canon);
	sb_release(&ours);
	return rc;
}

/* Write the bundle's registry checked by take_trust and take_units:
 * before the first application taken, or when the bundle is taken
 * whole; never for a bundle refused. */
static int
registry_write(struct incoming *in, struct ceh_err *e)
{
	struct store *s = in->s;

	if (in->registry_written)
		return 0;
	in->registry_written = 1;
	if (in->trust_new.len) {
		if (atomic_write(s->rootfd, "trust.log", in->trust_new.buf,
		    in->trust_new.len, e) < 0)
			return -1;
		/* machine: the first two words */
		say(in->r, "trust.log\ttaken\t%s", tmp_fmt(_("%zu bytes more"),
		    in->trust_more));
	}
	if (in->units_new) {
		if (store_save_units(s, e) < 0 || site_state_write(in->st,
		    UNITS_SIG, in->units_sig.buf, in->units_sig.len, e) < 0)
			return -1;
		/* machine: the first two words */
		say(in->r, "units.yaml\ttaken\t%s", in->units_more ?
		    tmp_fmt(_("%zu unit(s) more, signed by the agency"),
		    in->units_more) : _("changed, signed by the agency"));
	}
	return 0;
}

/* One CSV line (no line break inside a field) into fields f[0..max):
 * the number of fields, or -1 when it is not CSV.  f are the caller's
 * to free. */
static int
csv_fields(const char *p, size_t len, char **f, int max)
{
	const char *end = p + len;
	int n = 0;

	for (;;) {
		struct sbuf v = SBUF_INIT;

		if (n == max)
			goto bad;
		if (p < end && *p == '"') {
			for (p++;; p++) {
				if (p >= end) {
					sb_release(&v);
					goto bad;
				}
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						sb_addc(&v, '"');
						p++;
						continue;
					}
					p++;
					break;
				}
				sb_addc(&v, *p);
			}
		} else
			while (p < end && *p != ',' && *p != '"')
				sb_addc(&v, *p++);
		f[n++] = xstrdup(sb_str(&v));
		sb_release(&v);
		if (p == end)
			return n;
		if (*p != ',')
			goto bad;
		p++;
	}
bad:
	while (n > 0)
		free(f[--n]);
	return -1;
}

/* theirs' records/APPID.csv: every row a record of its person that one
 * of its year rows cites (in the providers' CSV form); its rows into
 * rows.  -1 with why when it is anything else (the application is
 * refused). */
static int
check_records(struct incoming *in, const struct application *app,
    struct sbuf *rows, struct ceh_err *why)
{
	struct sbuf buf = SBUF_INIT;
	char path[96], *oid, *p, *end;
	size_t hl = strlen(RECORDS_HEADER);
	int rc = -1;

	sb_reset(rows);
	snprintf(path, sizeof(path), "records/%s.csv", app->id);
	if ((oid = tree_entry_oid(in, path)) == NULL)
		return 0;
	if (blob(in, oid, 16 << 20, &buf, why) < 0)
		goto out;
	if (buf.len < hl || memcmp(buf.buf, RECORDS_HEADER, hl) != 0 ||
	    !utf8_valid(buf.buf, buf.len) || memchr(buf.buf, '\0',
	    buf.len) != NULL) {
		ceh_fail(why, CEH_EINPUT, _("its provider records are not a "
		    "records file of ceh"));
		goto out;
	}
	for (p = buf.buf + hl, end = buf.buf + buf.len; p < end; ) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *f[10], *key;
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p), y;
		int n = csv_fields(p, l, f, 10), k, ok = 0;
		long year;

		if (n == 9 && strcmp(f[0], app->a.id_number) == 0 &&
		    parse_long(f[2], &year) == 0) {
			key = xasprintf("%s/%s", f[7], f[8]);
			for (y = 0; y < app->nyears; y++)
				if (app->years[y].year == year &&
				    cites(&app->years[y], key))
					ok = 1;
			free(key);
		}
		for (k = 0; k < n; k++)
			free(f[k]);
		if (!ok) {
			ceh_fail(why, CEH_EINPUT, _("its provider records hold "
			    "one it does not cite"));
			goto out;
		}
		sb_add(rows, p, l);
		sb_addc(rows, '\n');
		p = nl ? nl + 1 : end;
	}
	rc = 0;
out:
	free(oid);
	sb_release(&buf);
	return rc;
}

/* The provider records of the applications taken (and, when the bundle
 * is taken whole, of those already the same) into the records store,
 * as one import (records_import.h: a duplicate is recognised, a record
 * of another content under the same key is a conflict, kept out). */
static int
import_records(struct incoming *in, const struct lock *lk,
    struct ceh_err *e)
{
	struct store *s = in->s;
	struct sbuf all = SBUF_INIT;
	struct records_writer w;
	struct import_opts o;
	struct import_stats st;
	char *path;
	int fd, rc = -1;

	sb_adds(&all, RECORDS_HEADER);
	sb_add(&all, in->rec_taken.buf ? in->rec_taken.buf : "",
	    in->rec_taken.len);
	if (in->r->refused == 0)
		sb_add(&all, in->rec_same.buf ? in->rec_same.buf : "",
		    in->rec_same.len);
	if (all.len == strlen(RECORDS_HEADER)) {
		sb_release(&all);
		return 0;
	}
	memset(&w, 0, sizeof(w));
	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	path = xasprintf("%s/records-from-%s.csv", in->qdir, in->from);
	if ((fd = open(in->qdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		ceh_fail_errno(e, _("cannot read %s"), in->qdir);
		goto out;
	}
	rc = atomic_write(fd, strrchr(path, '/') + 1, all.buf, all.len, e);
	close(fd);
	if (rc < 0)
		goto out;
	rc = -1;
	o.enc = CSVENC_UTF8;
	if (records_writer_claim(s, lk, 1, &w, e) < 0 ||
	    records_recover(s, e) < 0 || records_import(s, path, &o, &st,
	    e) < 0) {
		ceh_err_prefix(e, _("the bundle's provider records"));
		goto out;
	}
	/* machine: the first two words */
	say(in->r, "records\ttaken\t%s", tmp_fmt(_("%ld new, %ld already on "
	    "record, %ld in conflict with ours (kept out)"), st.imported,
	    st.duplicates, st.conflicts));
	rc = 0;
out:
	records_writer_release(s, &w);
	free(path);
	sb_release(&all);
	return rc;
}

/* Is event k the same in both (so all before it are: the chain)? */
static int
same_upto(const struct application *a, const struct application *b,
    size_t k)
{
	char ha[SHA256_HEX_LEN + 1], hb[SHA256_HEX_LEN + 1];

	if (k == 0)
		return 1;
	chain_event_hash(a, k - 1, ha);
	chain_event_hash(b, k - 1, hb);
	return strcmp(ha, hb) == 0;
}

static int
set_aside(struct incoming *in, const char *appid, const struct sbuf *doc,
    const struct sbuf *zip, struct ceh_err *e)
{
	struct sbuf from = SBUF_INIT;
	char name[APP_ID_LEN + 8];
	int fd, rc = -1;

	if ((fd = open_dir_at(in->s->rootfd, SITE_CONFLICTS, 1, e)) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s.zip", appid);
	if (zip && zip->len && atomic_write_at(fd, SITE_CONFLICTS, name,
	    zip->buf, zip->len, e) < 0)
		goto out;
	snprintf(name, sizeof(name), "%s.from", appid);
	sb_addf(&from, "site=%s\nunit=%s\ncommit=%s\n", in->from, in->unit,
	    in->commit);
	if (atomic_write_at(fd, SITE_CONFLICTS, name, from.buf, from.len,
	    e) < 0)
		goto out;
	snprintf(name, sizeof(name), "%s.yaml", appid);
	rc = atomic_write_at(fd, SITE_CONFLICTS, name, doc->buf, doc->len, e);
out:
	sb_release(&from);
	close(fd);
	return rc;
}

/* Check theirs: its chain, every signature, and that every decision was
 * made by the unit it waited at (trust_app_check, with chain_flow_check). */
static int
verify_theirs(struct store *s, const struct application *app,
    struct ceh_err *e)
{
	if (trust_app_check(s, app, NULL, NULL, e) < 0) {
		e->code = CEH_EINPUT;
		return -1;
	}
	return 0;
}

/* The queue index (queue.h) stays a superset of the truth: the entry of
 * the unit theirs waits at is made before the commit, the entry of the
 * unit ours waited at removed after. */
static int
commit_theirs(struct store *s, struct person *p, int have_ours,
    enum stage where, const char *old_wait,
    const struct application *theirs, const struct sbuf *zip,
    struct ceh_err *e)
{
	char name[40], at[48];

	if (!have_ours)
		where = theirs->stage;
	if (theirs->stage == STAGE_REVIEW && queue_add(s, theirs->waiting_at,
	    theirs->id, 1, e) < 0)
		return -1;
	if (zip && zip->len) {
		snprintf(name, sizeof(name), "%s.zip", theirs->id +
		    IDNUM_LEN + 1);
		if (atomic_write_at(p->stagefd[where], person_folder(p, where,
		    at, sizeof(at)), name, zip->buf, zip->len, e) < 0)
			return -1;
	}
	if (app_commit(s, p, theirs, where, e) < 0)
		return -1;
	if (old_wait && old_wait[0] && (theirs->stage != STAGE_REVIEW ||
	    strcmp(old_wait, theirs->waiting_at) != 0))
		return queue_del(s, old_wait, theirs->id, e);
	return 0;
}

static int
one_app(struct incoming *in, const char *appid, const char *oid,
    struct ceh_err *e)
{
	struct store *s = in->s;
	struct sbuf doc = SBUF_INIT, zip = SBUF_INIT, rows = SBUF_INIT;
	struct application theirs, ours;
	struct app_ref ref;
	struct person p;
	struct ceh_err why;
	enum stage where = STAGE_DRAFT;
	char zpath[96], shown[96];
	const char *zoid;
	int have_ours = 0, rc = -1, opened = 0;

	app_init(&theirs);
	app_init(&ours);
	memset(&p, 0, sizeof(p));
	snprintf(shown, sizeof(shown), "bundle:apps/%s.yaml", appid);
	snprintf(zpath, sizeof(zpath), "apps/%s.zip", appid);
	if (blob(in, oid, DOC_MAX_BYTES, &doc, &why) < 0 ||
	    doc_parse(&theirs, doc.buf, doc.len, shown, &s->rules,
	    &why) < 0) {
		refuse(in, appid, "", why.msg);
		rc = 0;
		goto out;
	}
	if (strcmp(theirs.id, appid) != 0) {
		refuse(in, appid, "", _("its document names another "
		    "application"));
		rc = 0;
		goto out;
	}
	if (verify_theirs(s, &theirs, &why) < 0) {
		refuse(in, appid, theirs.a.unit, why.msg);
		rc = 0;
		goto out;
	}
	if ((zoid = entry_oid(in, zpath)) != NULL &&
	    blob(in, zoid, EXCHANGE_ZIP_MAX, &zip, &why) < 0) {
		refuse(in, appid, theirs.a.unit, why.msg);
		rc = 0;
		goto out;
	}
	if (check_records(in, &theirs, &rows, &why) < 0) {
		refuse(in, appid, theirs.a.unit, why.msg);
		rc = 0;
		goto out;
	}
	if (app_ref_parse(appid, &ref, e) < 0 ||
	    person_open(s, ref.idnum, 1, &p, e) < 0)
		goto out;
	opened = 1;
	if (person_lock(s, &p, e) < 0)
		goto out;
	if (app_find(&p, ref.uniq, &where, &why) == 0) {
		if (app_read(s, &p, where, ref.uniq, &ours, e) < 0)
			goto out;
		have_ours = 1;
	} else if (why.code != CEH_ENOTFOUND) {
		*e = why;
		goto out;
	}
	if (have_ours) {
		size_t k = ours.nhistory < theirs.nhistory ? ours.nhistory :
		    theirs.nhistory;

		if (!same_upto(&ours, &theirs, k)) {
			if (set_aside(in, appid, &doc, &zip, e) < 0)
				goto out;
			in->r->diverged++;
			/* machine: the first words are for scripts */
			say(in->r, "%s\tdiverged\t%s", appid, tmp_fmt(_("ours is "
			    "%s, theirs %s; theirs is set aside: ceh site "
			    "resolve %s --keep-ours | --take-theirs"),
			    app_status(&ours), app_status(&theirs), appid));
			rc = 0;
			goto out;
		}
		if (theirs.nhistory == ours.nhistory) {
			in->r->same++;
			sb_add(&in->rec_same, rows.buf ? rows.buf : "",
			    rows.len);
			lines_drop(&in->refused, in->from, appid);
			rc = 0;
			goto out;
		}
		if (theirs.nhistory < ours.nhistory) {
			in->r->older++;
			rc = 0;
			goto out;
		}
	}
	if (registry_write(in, e) < 0)
		goto out;
	if (commit_theirs(s, &p, have_ours, where, have_ours &&
	    ours.stage == STAGE_REVIEW ? ours.waiting_at : NULL, &theirs, &zip,
	    e) < 0)
		goto out;
	lines_drop(&in->refused, in->from, appid);
	sb_add(&in->rec_taken, rows.buf ? rows.buf : "", rows.len);
	in->r->taken++;
	/* machine */
	say(in->r, "%s\t%s\t%s", appid, have_ours ? "updated" : "new",
	    app_status(&theirs));
	rc = 0;
out:
	if (opened)
		person_close(&p);
	app_release(&theirs);
	app_release(&ours);
	sb_release(&doc);
	sb_release(&zip);
	sb_release(&rows);
	return rc;
}

/* The receipts in the bundle for us: acknowledged commits, refusals. */
static int
take_receipts(struct incoming *in, struct ceh_err *e)
{
	struct site *st = in->st;
	struct sbuf buf = SBUF_INIT;
	const char *oid;
	char *p, *end;
	int rc = -1;

	if ((oid = entry_oid(in, "acks")) != NULL) {
		if (blob(in, oid, 16 << 20, &buf, e) < 0)
			goto out;
		for (p = buf.buf, end = buf.buf + buf.len; p && p < end; ) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
			char site[SITE_NAME_MAX + 1], unit[64], c[64];
			char bref[96], aref[96], tip[41], acked[41];
			const char *line = p;

			p = nl ? nl + 1 : NULL;
			if (tab_field(line, l, 0, site, sizeof(site)) < 0 ||
			    strcmp(site, st->name) != 0 ||
			    tab_field(line, l, 1, unit, sizeof(unit)) < 0 ||
			    !unit_code_valid(unit) ||
			    tab_field(line, l, 2, c, sizeof(c)) < 0 ||
			    !git_oid_valid(c))
				continue;
			snprintf(bref, sizeof(bref), "refs/heads/to/%s", unit);
			snprintf(aref, sizeof(aref), "refs/acked/%s", unit);
			if (site_ref(st, bref, tip, e) < 0 ||
			    site_ref(st, aref, acked, e) < 0)
				goto out;
			if (!tip[0] || site_is_ancestor(&st->git, c, tip, e) != 1)
				continue;
			if (acked[0] && site_is_ancestor(&st->git, acked, c, e) != 1)
				continue;
			if (strcmp(acked, c) != 0 &&
			    site_update_ref(st, aref, c, e) < 0)
				goto out;
		}
	}
	if ((oid = entry_oid(in, "refused")) != NULL) {
		if (blob(in, oid, 16 << 20, &buf, e) < 0)
			goto out;
		lines_drop(&in->refused_by, in->from, NULL);
		for (p = buf.buf, end = buf.buf + buf.len; p && p < end; ) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
			char site[SITE_NAME_MAX + 1];

			if (tab_field(p, l, 0, site, sizeof(site)) == 0 &&
			    strcmp(site, st->name) == 0 && l < 2000 &&
			    utf8_valid(p, l) &&
			    memchr(p, '\0', l) == NULL) {
				sb_addf(&in->refused_by, "%s\t", in->from);
				sb_add(&in->refused_by, p + strlen(site) + 1,
				    l - strlen(site) - 1);
				sb_addc(&in->refused_by, '\n');
			}
			p = nl ? nl + 1 : NULL;
		}
	}
	rc = 0;
out:
	sb_release(&buf);
	return rc;
}

/* Move the quarantine's packs into the repository: .pack before .idx,
 * so git never sees an index without its pack. */
static int
migrate_packs(struct incoming *in, struct ceh_err *e)
{
	char *qp = xasprintf("%s/pack", in->qdir);
	char *mp = xasprintf("%s/objects/pack", in->st->git.gitdir);
	static const char *const order[] = { ".pack", ".rev", ".idx" };
	DIR *d;
	struct dirent *de;
	size_t k;
	int rc = 0;

	mkdir(mp, 0700);
	for (k = 0; k < 3 && rc == 0; k++) {
		if ((d = opendir(qp)) == NULL)
			break;
		while ((de = readdir(d)) != NULL) {
			size_t l = strlen(de->d_name), ol = strlen(order[k]);
			char *a, *b;

			if (l <= ol || strcmp(de->d_name + l - ol, order[k]))
				continue;
			a = xasprintf("%s/%s", qp, de->d_name);
			b = xasprintf("%s/%s", mp, de->d_name);
			if (rename(a, b) < 0 && errno != EEXIST)
				rc = ceh_fail_errno(e, _("cannot move %s"), a);
			free(a);
			free(b);
		}
		closedir(d);
	}
	free(qp);
	free(mp);
	return rc;
}

/* ceh/NAME replaced by buf, only when it differs (a bundle that
 * changes nothing writes nothing). */
static int
state_replace(const struct site *st, const char *name,
    const struct sbuf *buf, struct ceh_err *e)
{
	struct sbuf cur = SBUF_INIT;
	int rc = 0;

	if (site_state_read(st, name, &cur, e) < 0)
		rc = -1;
	else if (cur.len != buf->len || (buf->len &&
	    memcmp(cur.buf, buf->buf, buf->len) != 0))
		rc = site_state_write(st, name, buf->buf ? buf->buf : "",
		    buf->len, e);
	sb_release(&cur);
	return rc;
}

static long long
exchange_max(void)
{
	const char *v = getenv("CEH_EXCHANGE_MAX");
	long n;

	if (v && parse_long(v, &n) == 0 && n > 0)
		return n;
	return EXCHANGE_MAX_BYTES;
}

/* git bundle verify and list-heads: the one head to/UNIT. */
static int
bundle_check(struct incoming *in, const char *path, struct ceh_err *e)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	const char *verify[] = { "bundle", "verify", path, NULL };
	const char *heads[] = { "bundle", "list-heads", path, NULL };
	char oid[64], ref[128], extra;
	int status, rc = -1;
	char *nl;

	if (git_run(&in->st->git, verify, NULL, 0, NULL, &err, &status,
	    e) < 0)
		goto out;
	if (status != 0) {
		const char *m = sb_str(&err);

		if (strstr(m, "prerequisite") || strstr(m, "requires"))
			ceh_fail(e, CEH_ESTATE, _("'%s' continues a bundle this "
			    "site has not received: receive the earlier "
			    "bundles first, or ask the sender for a full one "
			    "(ceh send --full)"), path);
		else {
			if ((nl = strchr(m, '\n')) != NULL)
				*nl = '\0';
			ceh_fail(e, CEH_EINPUT, _("'%s' is damaged or not a "
			    "bundle (git: %s)"), path, m[0] ? m : "refused");
		}
		goto out;
	}
	if (git_ok(&in->st->git, heads, NULL, 0, &out, e) < 0)
		goto out;
	if (sscanf(sb_str(&out), "%63s %127s%c", oid, ref, &extra) != 3 ||
	    extra != '\n' || out.len != strlen(oid) + strlen(ref) + 2 ||
	    !git_oid_valid(oid) || strncmp(ref, "refs/heads/to/", 14) != 0 ||
	    !unit_code_valid(ref + 14)) {
		ceh_fail(e, CEH_EINPUT, _("'%s' is a git bundle but not one of "
		    "ceh: it must hold exactly one branch to/UNIT"), path);
		goto out;
	}
	snprintf(in->commit, sizeof(in->commit), "%s", oid);
	snprintf(in->unit, sizeof(in->unit), "%.40s", ref + 14);
	rc = 0;
out:
	sb_release(&out);
	sb_release(&err);
	return rc;
}

static int
read_header(struct incoming *in, const char *anchor, const char *root,
    struct ceh_err *e)
{
	struct sbuf o = SBUF_INIT, h = SBUF_INIT;
	const char *ls[] = { "ls-tree", in->commit, "--", HEADER, NULL };
	char mode[16], type[16], oid[64], *from = NULL, *to = NULL, *an = NULL,
	    *rt = NULL;
	int rc = -1;

	if (git_ok(&in->q, ls, NULL, 0, &o, e) < 0)
		goto out;
	if (sscanf(sb_str(&o), "%15s %15s %63s", mode, type, oid) != 3 ||
	    strcmp(mode, "100644") != 0 || strcmp(type, "blob") != 0) {
		ceh_fail(e, CEH_EINPUT, _("the bundle has no header "
		    "(ceh-bundle): it was not made by ceh send"));
		goto out;
	}
	if (blob(in, oid, 1 << 16, &h, e) < 0)
		goto out;
	from = text_field(h.buf, "from");
	to = text_field(h.buf, "to");
	an = text_field(h.buf, "anchor");
	rt = text_field(h.buf, "root");
	if (strncmp(h.buf, HEADER_FORM "\n", strlen(HEADER_FORM) + 1) != 0 ||
	    !from || !to || !an || !site_name_valid(from)) {
		ceh_fail(e, CEH_EINPUT, _("the bundle's header is damaged"));
		goto out;
	}
	if (strcmp(to, in->unit) != 0) {
		ceh_fail(e, CEH_EINPUT, _("the bundle's header names unit %s "
		    "but its branch %s"), safe_echo(to), in->unit);
		goto out;
	}
	/* the same anchor now, or the same root: one of the two sites has
	 * not received a rotation of the anchor yet (ceh-exchange(7)) */
	if (strcmp(an, anchor) != 0 && (rt == NULL || strcmp(rt, root) != 0)) {
		ceh_fail(e, CEH_EINPUT, _("the bundle comes from an unknown "
		    "site '%s': it believes another trust anchor (%.16s, "
		    "ours is %.16s)"), from, safe_echo(an), anchor);
		goto out;
	}
	if (strcmp(from, in->st->name) == 0) {
		ceh_fail(e, CEH_EINPUT, _("the bundle was sent by this site "
		    "(%s) itself"), from);
		goto out;
	}
	snprintf(in->from, sizeof(in->from), "%s", from);
	rc = 0;
out:
	free(from);
	free(to);
	free(an);
	free(rt);
	sb_release(&o);
	sb_release(&h);
	return rc;
}

int
exchange_receive(struct store *s, struct site *st, const char *path,
    struct exch_report *r, struct ceh_err *e)
{
	struct incoming in;
	struct lock lk = { -1 };
	struct stat sb;
	char head[20], anchor[SHA256_HEX_LEN + 1], inref[160];
	char root[SHA256_HEX_LEN + 1];
	uint8_t pub[32];
	const char *unb[] = { "bundle", "unbundle", path, NULL };
	size_t i;
	ssize_t got;
	int fd, rc = -1;

	memset(&in, 0, sizeof(in));
	in.s = s;
	in.st = st;
	in.r = r;
	/* bounded before anything is unpacked */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return errno == ENOENT ? ceh_fail(e, CEH_ENOTFOUND,
		    _("no file '%s'"), path) : ceh_fail_errno(e, _("cannot read "
		    "'%s'"), path);
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return ceh_fail(e, CEH_EINPUT, _("'%s' is not a file"), path);
	}
	if ((long long)sb.st_size > exchange_max()) {
		close(fd);
		return ceh_fail(e, CEH_EINPUT, _("'%s' is %lld bytes, more than "
		    "the %lld a bundle may have"), path,
		    (long long)sb.st_size, exchange_max());
	}
	got = read(fd, head, sizeof(head));
	close(fd);
	if (got < 16 || (memcmp(head, "# v2 git bundle\n", 16) != 0 &&
	    memcmp(head, "# v3 git bundle\n", 16) != 0))
		return ceh_fail(e, CEH_EINPUT, _("'%s' is not a bundle made by "
		    "ceh send"), path);
	if (site_anchor(s, st, pub, anchor, e) < 0)
		return -1;
	if (store_lock(s, &lk, e) < 0)
		return -1;
	sweep_quarantines(s);
	if (bundle_check(&in, path, e) < 0)
		goto out;
	in.qdir = xasprintf("%s/q.XXXXXX", st->git.gitdir);
	if (mkdtemp(in.qdir) == NULL) {
		ceh_fail_errno(e, _("cannot make a quarantine in the site"));
		goto out;
	}
	git_quarantine(&st->git, in.qdir, &in.q);
	if (git_ok(&in.q, unb, NULL, 0, NULL, e) < 0) {
		char *m = strstr(e->msg, "): "), said[sizeof(e->msg)];

		snprintf(said, sizeof(said), "%s", m ? m + 3 : "refused");
		ceh_fail(e, CEH_EINPUT, _("'%s' is damaged or not a bundle "
		    "(git: %s)"), path, said);
		goto out;
	}
	if (site_root(s, st, root, e) < 0 || read_header(&in, anchor, root,
	    e) < 0)
		goto out;
	snprintf(r->from, sizeof(r->from), "%s", in.from);
	snprintf(inref, sizeof(inref), "refs/in/%s/%s", in.from, in.unit);
	if (site_ref(st, inref, in.prev, e) < 0)
		goto out;
	if (in.prev[0]) {
		int a = site_is_ancestor(&in.q, in.commit, in.prev, e);

		if (a < 0)
			goto out;
		if (a == 1) {
			r->nothing_new = 1;
			rc = 0;
			goto out;
		}
		if (site_is_ancestor(&in.q, in.prev, in.commit, e) != 1)
			in.prev[0] = '\0';
	}
	if (list_entries(&in, in.prev, e) < 0)
		goto out;
	if (site_state_read(st, "refused", &in.refused, e) < 0 ||
	    site_state_read(st, "refused-by", &in.refused_by, e) < 0)
		goto out;
	/* the registry first: the applications are checked against it */
	for (i = 0; i < in.n; i++)
		if (strcmp(in.v[i].path, "trust.log") == 0 &&
		    take_trust(&in, in.v[i].oid, pub, e) < 0)
			goto out;
	/* the unit registry and its signature go together: either changed
	 * checks both */
	if (entry_oid(&in, "units.yaml") || entry_oid(&in, UNITS_SIG)) {
		char *uoid = tree_entry_oid(&in, "units.yaml");
		char *soid = tree_entry_oid(&in, UNITS_SIG);

		i = uoid ? (size_t)take_units(&in, uoid, soid, e) : 0;
		free(uoid);
		free(soid);
		if (i != 0)
			goto out;
	}
	for (i = 0; i < in.n; i++) {
		char appid[APP_ID_LEN + 1];

		char oid[41];

		if (path_kind(in.v[i].path, appid) != 2)
			continue;
		r->apps++;
		/* a copy: one_app may add entries to in.v */
		memcpy(oid, in.v[i].oid, sizeof(oid));
		if (one_app(&in, appid, oid, e) < 0)
			goto out;
	}
	if (import_records(&in, &lk, e) < 0)
		goto out;
	/*
	 * A bundle with refusals is not acknowledged: the receipt stays at
	 * the last one taken whole, so the sender sends the rest again and
	 * a forged bundle never stands in for the sender's own.  Nothing
	 * of it enters the site then (no object, no ref, none of its
	 * receipts): the one change is our refusal, kept for the sender.
	 */
	if (r->refused) {
		if (site_state_write(st, "refused", in.refused.buf ?
		    in.refused.buf : "", in.refused.len, e) < 0)
			goto out;
	} else if (registry_write(&in, e) < 0 || migrate_packs(&in, e) < 0 ||
	    take_receipts(&in, e) < 0 ||
	    state_replace(st, "refused", &in.refused, e) < 0 ||
	    state_replace(st, "refused-by", &in.refused_by, e) < 0 ||
	    site_update_ref(st, inref, in.commit, e) < 0)
		goto out;
	rc = 0;
	if (r->refused)
		rc = ceh_fail(e, CEH_EINPUT, _("%ld application(s) of the bundle "
		    "refused"), r->refused);
	else if (r->diverged)
		rc = ceh_fail(e, CEH_ESTATE, _("%ld application(s) diverged: "
		    "theirs are set aside under conflicts/"), r->diverged);
out:
	if (in.batch_open)
		git_batch_close(&in.batch);
	if (in.qdir) {
		rm_tree(in.qdir);
		free(in.qdir);
	}
	git_close(&in.q);
	for (i = 0; i < in.n; i++)
		free(in.v[i].path);
	free(in.v);
	sb_release(&in.refused);
	sb_release(&in.refused_by);
	sb_release(&in.trust_new);
	sb_release(&in.units_sig);
	sb_release(&in.rec_taken);
	sb_release(&in.rec_same);
	lock_release(&lk);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Resolve. */

int
exchange_resolve(struct store *s, struct site *st, const char *appid,
    int take_theirs, struct ceh_err *e)
{
	struct app_ref ref;
	struct app_handle h;
	struct application theirs;
	struct sbuf zip = SBUF_INIT;
	char name[APP_ID_LEN + 8], *buf = NULL, *zbuf = NULL;
	size_t len, zlen;
	struct ceh_err sub;
	struct lock lk = { -1 };
	int fd = -1, rc = -1;

	(void)st;
	app_handle_init(&h);
	app_init(&theirs);
	if (app_ref_parse(appid, &ref, e) < 0)
		return -1;
	if (store_lock(s, &lk, e) < 0)
		return -1;
	if ((fd = open_dir_at(s->rootfd, SITE_CONFLICTS, 0, &sub)) < 0) {
		ceh_fail(e, CEH_ENOTFOUND, _("no conflict for %s"), appid);
		goto out;
	}
	snprintf(name, sizeof(name), "%s.yaml", appid);
	if (read_file_at(fd, name, DOC_MAX_BYTES, &buf, &len, &sub) < 0) {
		if (sub.code == CEH_ENOTFOUND)
			ceh_fail(e, CEH_ENOTFOUND, _("no conflict for %s"),
			    appid);
		else
			*e = sub;
		goto out;
	}
	if (take_theirs) {
		if (doc_parse(&theirs, buf, len, name, &s->rules, e) < 0 ||
		    verify_theirs(s, &theirs, e) < 0)
			goto out;
		if (app_open(s, appid, 1, &h, e) < 0)
			goto out;
		snprintf(name, sizeof(name), "%s.zip", appid);
		if (read_file_at(fd, name, EXCHANGE_ZIP_MAX, &zbuf, &zlen,
		    &sub) == 0)
			sb_add(&zip, zbuf, zlen);
		if (commit_theirs(s, &h.p, 1, h.folder, h.app.stage ==
		    STAGE_REVIEW ? h.app.waiting_at : NULL, &theirs, &zip,
		    e) < 0)
			goto out;
	}
	{
		static const char *const ext[] = { ".zip", ".from", ".yaml" };
		size_t i;

		for (i = 0; i < 3; i++) {
			snprintf(name, sizeof(name), "%s%s", appid, ext[i]);
			if (unlinkat(fd, name, 0) < 0 && errno != ENOENT) {
				ceh_fail_errno(e, _("cannot remove conflicts/%s"),
				    name);
				goto out;
			}
		}
		if (fsync_dir(fd, SITE_CONFLICTS, e) < 0)
			goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(zbuf);
	sb_release(&zip);
	app_release(&theirs);
	app_close(&h);
	lock_release(&lk);
	return rc;
}
