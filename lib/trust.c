#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "chain.h"
#include "chain_flow.h"
#include "encode.h"
#include "err.h"
#include "hash.h"
#include "i18n.h"
#include "key.h"
#include "store.h"
#include "trust.h"
#include "util.h"

#define TRUST_LOG "trust.log"
#define TRUST_MAX (16 << 20)

/* One record of trust.log, as read and checked. */
struct trec {
	int revoke;		/* ceh-revoke-v1, else ceh-certify-v1 */
	char unit[64];
	enum unit_kind kind;	/* certificates */
	uint8_t key[32];	/* certificates: the key */
	char keyhash[SHA256_HEX_LEN + 1];
	time_t t;		/* valid_from or effective */
	char by[64];
	char byhash[SHA256_HEX_LEN + 1];
	char hash[SHA256_HEX_LEN + 1];	/* record hash */
	uint64_t uh;		/* unit_hash(unit): compared before unit */
};

/* FNV-1a of a unit code, so that the lookups of cert_at compare one
 * number per record, not a string. */
static uint64_t
unit_hash(const char *u)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *u; u++)
		h = (h ^ (unsigned char)*u) * 1099511628211ULL;
	return h;
}

/* The verification cache (trust_app_verified): an open-addressed set
 * of document digests, loaded on first use. */
struct vslot {
	char d[SHA256_HEX_LEN + 1];	/* "" when free */
	unsigned char used;		/* hit or added by this process */
};
struct vcache {
	int loaded;		/* tried: fd/path set if usable */
	int dirfd;		/* the cache folder, or -1 */
	char name[SHA256_HEX_LEN + 1];	/* file: hash of the store path */
	char reg[SHA256_HEX_LEN + 1];	/* registry hash */
	char *map;		/* the file, mapped (NULL: none) */
	size_t maplen;
	const char *lines;	/* its digest lines, VC_LINE bytes each */
	size_t nlines;
	unsigned char *fused;	/* a bit per line: hit by this process */
	size_t nfused;
	struct vslot *v;	/* the digests this process added */
	size_t cap, n, nused;
	int dirty;
};

struct trust {
	struct trec *v;
	size_t n;
	char *log;		/* the file as read */
	size_t len;
	struct vcache vc;
};

void
trust_free(struct trust *t)
{
	if (t == NULL)
		return;
	if (t->vc.dirfd >= 0 && t->vc.loaded)
		close(t->vc.dirfd);
	if (t->vc.map)
		munmap(t->vc.map, t->vc.maplen);
	free(t->vc.fused);
	free(t->vc.v);
	free(t->v);
	free(t->log);
	free(t);
}

int
trust_signed(struct store *s)
{
	return s->cfg.signed_store;
}

static void
keyhash(const uint8_t pub[32], char out[SHA256_HEX_LEN + 1])
{
	sha256_hex(pub, 32, out);
}

/* The certificate of unit valid at time at among the first n records
 * (latest valid_from at or before at, ties to the later record), or -1;
 * *revoked is set when that key was revoked at at. */
static long
cert_at(const struct trust *t, size_t n, const char *unit, time_t at,
    int *revoked)
{
	uint64_t uh = unit_hash(unit);
	long best = -1;
	size_t i;

	*revoked = 0;
	for (i = 0; i < n; i++)
		if (!t->v[i].revoke && t->v[i].uh == uh &&
		    strcmp(t->v[i].unit, unit) == 0 &&
		    t->v[i].t <= at && (best < 0 || t->v[i].t >= t->v[best].t))
			best = (long)i;
	if (best < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (t->v[i].revoke && t->v[i].uh == uh &&
		    strcmp(t->v[i].unit, unit) == 0 &&
		    strcmp(t->v[i].keyhash, t->v[best].keyhash) == 0 &&
		    t->v[i].t <= at)
			*revoked = 1;
	return *revoked ? -1 : best;
}

/* The value of the line "key=" at *p, in order; advances *p. */
static int
field(char **p, const char *key, char **val)
{
	size_t kl = strlen(key);
	char *nl;

	if (strncmp(*p, key, kl) != 0 || (*p)[kl] != '=')
		return -1;
	if ((nl = strchr(*p, '\n')) == NULL)
		return -1;
	*nl = '\0';
	*val = *p + kl + 1;
	*p = nl + 1;
	return 0;
}

static const char *const cert_keys[] = { "seq", "prev", "unit", "kind",
    "key", "valid_from", "replaces", "certified_by", "certifier_key",
    NULL };
static const char *const rev_keys[] = { "seq", "prev", "unit", "key",
    "effective", "reason", "revoked_by", "revoker_key", NULL };

/* Parse record text rec (its own copy, modified) into r; v gets the
 * values by key.  -1 on any deviation from the form. */
static int
rec_parse(char *rec, struct trec *r, char **v, char **sig)
{
	const char *const *keys;
	char *p = rec;
	size_t i;

	if (strncmp(p, "ceh-certify-v1\n", 15) == 0)
		r->revoke = 0;
	else if (strncmp(p, "ceh-revoke-v1\n", 14) == 0)
		r->revoke = 1;
	else
		return -1;
	p = strchr(p, '\n') + 1;
	keys = r->revoke ? rev_keys : cert_keys;
	for (i = 0; keys[i]; i++)
		if (field(&p, keys[i], &v[i]) < 0)
			return -1;
	if (field(&p, "sig", sig) < 0 || *p != '\0')
		return -1;
	return 0;
}

/* Fill r from the parsed values and check them; t has the records
 * before it. */
static int
rec_fill(struct trec *r, char **v, size_t seq, const char *prev)
{
	struct ceh_key k;
	struct ceh_err e;
	long n;

	if (parse_long(v[0], &n) < 0 || n != (long)seq || strcmp(v[1], prev))
		return -1;
	snprintf(r->unit, sizeof(r->unit), "%s", v[2]);
	r->uh = unit_hash(r->unit);
	if (r->revoke) {
		if (strlen(v[3]) != SHA256_HEX_LEN ||
		    parse_iso_time(v[4], &r->t) < 0)
			return -1;
		snprintf(r->keyhash, sizeof(r->keyhash), "%s", v[3]);
		snprintf(r->by, sizeof(r->by), "%s", v[6]);
		snprintf(r->byhash, sizeof(r->byhash), "%s", v[7]);
		return 0;
	}
	if (unit_kind_parse(v[3], &r->kind) < 0 ||
	    key_public_parse("key", v[4], &k, &e) < 0 ||
	    parse_iso_time(v[5], &r->t) < 0)
		return -1;
	memcpy(r->key, k.pub, 32);
	keyhash(r->key, r->keyhash);
	snprintf(r->by, sizeof(r->by), "%s", v[7]);
	snprintf(r->byhash, sizeof(r->byhash), "%s", v[8]);
	return 0;
}

/* Is record i (filled) signed as it must be by the records before it? */
static int
rec_signed(const struct trust *t, size_t i, const char *text, size_t len,
    const char *sig, int sig_known)
{
	const struct trec *r = &t->v[i];
	unsigned char raw[ED25519_SIG_LEN];
	int revoked;
	long c;

	if (i == 0)	/* the anchor: an agency, named by itself */
		return !r->revoke && r->kind == UNIT_AGENCY &&
		    strcmp(r->by, r->unit) == 0 &&
		    strcmp(r->byhash, r->keyhash) == 0 && sig[0] == '\0';
	c = cert_at(t, i, r->by, r->t, &revoked);
	if (c < 0 || t->v[c].kind != UNIT_AGENCY ||
	    strcmp(t->v[c].keyhash, r->byhash) != 0)
		return 0;
	if (!r->revoke && r->kind == UNIT_AGENCY &&
	    strcmp(r->by, t->v[0].unit) != 0)
		return 0;	/* only the anchor certifies agencies */
	if (b64url_decode(sig, strlen(sig), raw, sizeof(raw)) !=
	    ED25519_SIG_LEN)
		return 0;
	/* in the prefix this user's ceh verified before (reg_cache_read) */
	if (sig_known)
		return 1;
	return key_verify(t->v[c].key, r->revoke ? "ceh-revoke" :
	    "ceh-certify", text, len, raw);
}

/* Read and check every record of buf into t; the signatures of the
 * records within the first known bytes are known to verify. */
static int
trust_parse(struct trust *t, size_t known, struct ceh_err *e)
{
	char *p = t->log, *end = t->log + t->len, *v[9], *sig;
	char prev[SHA256_HEX_LEN + 1] = CHAIN_ZERO;

	while (p < end) {
		char *stop = strstr(p, "\n\n"), *rec;
		size_t rl, tl;
		struct trec *r;

		if (stop == NULL)
			return ceh_fail(e, CEH_ESYS, _("trust.log: record %zu "
			    "is not ended by an empty line"), t->n);
		rl = (size_t)(stop - p) + 1;
		rec = xstrndup(p, rl);
		t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
		r = &t->v[t->n];
		memset(r, 0, sizeof(*r));
		sha256_hex(p, rl, r->hash);
		tl = (size_t)(strstr(p, "\nsig=") + 1 - p);
		if (rec_parse(rec, r, v, &sig) < 0 ||
		    rec_fill(r, v, t->n, prev) < 0 ||
		    !rec_signed(t, t->n, p, tl, sig,
		    (size_t)(stop + 2 - t->log) <= known)) {
			free(rec);
			return ceh_fail(e, CEH_ESYS, _("trust.log: record %zu "
			    "is damaged or not signed by a valid agency key"),
			    t->n);
		}
		free(rec);
		snprintf(prev, sizeof(prev), "%s", r->hash);
		t->n++;
		p = stop + 2;
	}
	return 0;
}

static int cache_dir(struct store *s, const char *sub,
    char name[SHA256_HEX_LEN + 1]);

/* ---- the registry's verified prefix (trust_registry_cache) ---- */

#define RC_MAGIC "ceh-trust-verified-v1"

static int reg_cache;	/* trust_registry_cache() was called */

void
trust_registry_cache(struct store *s)
{
	(void)s;
	reg_cache = 1;
}

/* The length of the prefix of t->log that the cache file (dirfd, name)
 * says verified, or 0: a file that is not the user's own, writable by
 * others, damaged or not a prefix of this log is ignored. */
static size_t
reg_cache_read(int dirfd, const char *name, const struct trust *t)
{
	char *buf = NULL, hex[SHA256_HEX_LEN + 1], want[SHA256_HEX_LEN + 1];
	size_t len, known = 0;
	struct ceh_err e;
	struct stat st;
	unsigned long n;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		return 0;
	}
	close(fd);
	if (read_file_at(dirfd, name, 4096, &buf, &len, &e) < 0)
		return 0;
	/* exactly the form reg_cache_write writes, and a prefix of t */
	if (sscanf(buf, RC_MAGIC "\nlength=%lu\nsha256=%64[0-9a-f]\n", &n,
	    want) == 2 && n <= t->len) {
		char *again = xasprintf(RC_MAGIC "\nlength=%lu\nsha256=%s\n",
		    n, want);

		sha256_hex(t->log, n, hex);
		if (strlen(again) == len && memcmp(again, buf, len) == 0 &&
		    strcmp(hex, want) == 0)
			known = n;
		free(again);
	}
	free(buf);
	return known;
}

/* The whole of t->log verified: say so in the cache file. */
static void
reg_cache_write(int dirfd, const char *name, const struct trust *t)
{
	char hex[SHA256_HEX_LEN + 1], *text;
	struct ceh_err e;

	sha256_hex(t->log, t->len, hex);
	text = xasprintf(RC_MAGIC "\nlength=%zu\nsha256=%s\n", t->len, hex);
	/* a cache: a failure to write it only means verifying again */
	(void)atomic_write(dirfd, name, text, strlen(text), &e);
	free(text);
}

static int
trust_load(struct store *s, struct ceh_err *e)
{
	char name[SHA256_HEX_LEN + 1];
	struct trust *t;
	struct ceh_err sub;
	size_t known = 0;
	int dirfd = -1;

	if (s->trust)
		return 0;
	t = xcalloc(1, sizeof(*t));
	t->vc.dirfd = -1;
	if (read_file_at(s->rootfd, TRUST_LOG, TRUST_MAX, &t->log, &t->len,
	    &sub) < 0) {
		if (sub.code != CEH_ENOTFOUND) {
			*e = sub;
			trust_free(t);
			return -1;
		}
		t->log = xstrdup("");
		t->len = 0;
	}
	if (reg_cache && t->len &&
	    (dirfd = cache_dir(s, "registry", name)) >= 0)
		known = reg_cache_read(dirfd, name, t);
	if (trust_parse(t, known, e) < 0) {
		if (dirfd >= 0)
			close(dirfd);
		trust_free(t);
		return -1;
	}
	if (dirfd >= 0) {
		if (known < t->len)
			reg_cache_write(dirfd, name, t);
		close(dirfd);
	}
	s->trust = t;
	return 0;
}

int
trust_registry_check(struct store *s, struct ceh_err *e)
{
	return trust_load(s, e);
}

const char *
trust_anchor_unit(struct store *s)
{
	struct ceh_err e;

	if (trust_load(s, &e) < 0 || s->trust->n == 0)
		return "";
	return s->trust->v[0].unit;
}

int
trust_anchor(struct store *s, uint8_t pub[32], struct ceh_err *e)
{
	if (trust_load(s, e) < 0)
		return -1;
	if (s->trust->n == 0)
		return ceh_fail(e, CEH_ENOTFOUND, _("the store has no trust "
		    "anchor: register its agency with unit add --public-key"));
	return trust_unit_key(s, s->trust->v[0].unit, now(), pub, e);
}

int
trust_unit_key(struct store *s, const char *unit, time_t at,
    uint8_t pub[32], struct ceh_err *e)
{
	int revoked;
	long c;

	if (trust_load(s, e) < 0)
		return -1;
	c = cert_at(s->trust, s->trust->n, unit, at, &revoked);
	if (c < 0)
		return revoked ? ceh_fail(e, CEH_ESTATE, _("the key of unit %s "
		    "is revoked"), unit) : ceh_fail(e, CEH_ENOTFOUND, _("unit %s "
		    "has no certified key (ceh unit certify)"), unit);
	memcpy(pub, s->trust->v[c].key, 32);
	return 0;
}

int
trust_unit_kind(struct store *s, const char *unit, time_t at,
    enum unit_kind *k)
{
	struct ceh_err e;
	int revoked;
	long c;

	if (trust_load(s, &e) < 0)
		return -1;
	c = cert_at(s->trust, s->trust->n, unit, at, &revoked);
	if (c < 0)
		return -1;
	*k = s->trust->v[c].kind;
	return 0;
}

int
trust_unit_info(struct store *s, const char *unit, struct trust_info *ti)
{
	struct ceh_err e;
	long i, c = -1;

	memset(ti, 0, sizeof(*ti));
	if (trust_load(s, &e) < 0)
		return -1;
	for (i = 0; i < (long)s->trust->n; i++)
		if (!s->trust->v[i].revoke &&
		    strcmp(s->trust->v[i].unit, unit) == 0)
			c = i;
	if (c < 0)
		return -1;
	key_fingerprint(s->trust->v[c].key, ti->fingerprint);
	snprintf(ti->certified_by, sizeof(ti->certified_by), "%s",
	    c == 0 ? "(trust anchor)" : s->trust->v[c].by);
	iso_time(s->trust->v[c].t, ti->valid_from, sizeof(ti->valid_from));
	for (i = 0; i < (long)s->trust->n; i++)
		if (s->trust->v[i].revoke && strcmp(s->trust->v[i].keyhash,
		    s->trust->v[c].keyhash) == 0)
			ti->revoked = 1;
	return 0;
}

/* Sign text (namespace ns) with signer unless NULL, append it to the log
 * with its sig line, write the log and drop the cached registry. */
static int
trust_append(struct store *s, struct sbuf *text, const char *ns,
    const struct ceh_key *signer, struct ceh_err *e)
{
	unsigned char raw[ED25519_SIG_LEN];
	char b64[ED25519_SIG_LEN * 2] = "";
	struct sbuf all = SBUF_INIT;
	int rc;

	if (signer) {
		if (key_sign(signer, ns, text->buf, text->len, raw, e) < 0)
			return -1;
		b64url_encode(raw, sizeof(raw), b64);
	}
	sb_add(&all, s->trust->log, s->trust->len);
	sb_add(&all, text->buf, text->len);
	canon_put(&all, "sig", b64);
	sb_addc(&all, '\n');
	rc = atomic_write(s->rootfd, TRUST_LOG, all.buf, all.len, e);
	sb_release(&all);
	trust_free(s->trust);
	s->trust = NULL;
	if (rc == 0 && trust_load(s, e) < 0)
		rc = -1;
	return rc;
}

/* The head of a record: its form, seq and prev. */
static void
rec_head(struct store *s, struct sbuf *out, const char *form)
{
	char buf[32];

	sb_adds(out, form);
	sb_addc(out, '\n');
	snprintf(buf, sizeof(buf), "%zu", s->trust->n);
	canon_put(out, "seq", buf);
	canon_put(out, "prev", s->trust->n ? s->trust->v[s->trust->n - 1].hash :
	    CHAIN_ZERO);
}

/* Is signer the key of agency by now?  (Certifying agencies needs the
 * anchor.) */
static int
signer_check(struct store *s, const char *by, const struct ceh_key *signer,
    int agency, struct ceh_err *e)
{
	const struct unit *u = units_find(&s->units, by);
	uint8_t pub[32];

	if (u == NULL || u->kind != UNIT_AGENCY)
		return ceh_fail(e, CEH_EINPUT, _("only an agency certifies or "
		    "revokes keys, and %s is not one"), by);
	if (agency && strcmp(by, s->trust->v[0].unit) != 0)
		return ceh_fail(e, CEH_EINPUT, _("only the trust anchor %s "
		    "certifies agencies"), s->trust->v[0].unit);
	if (trust_unit_key(s, by, now(), pub, e) < 0)
		return -1;
	if (memcmp(pub, signer->pub, 32) != 0)
		return ceh_fail(e, CEH_EINPUT, _("the private key given is not "
		    "the key registered for %s"), by);
	return 0;
}

int
trust_certify(struct store *s, const char *unit, enum unit_kind k,
    const uint8_t pub[32], const char *by, const struct ceh_key *signer,
    struct ceh_err *e)
{
	char ts[32], kh[SHA256_HEX_LEN + 1], line[80], old[SHA256_HEX_LEN + 1];
	struct sbuf text = SBUF_INIT;
	uint8_t cur[32];
	struct ceh_err sub;
	int rc;

	if (trust_load(s, e) < 0)
		return -1;
	if (signer == NULL && s->trust->n)
		return ceh_fail(e, CEH_ESTATE, _("the store has a trust anchor "
		    "already (%s)"), s->trust->v[0].unit);
	if (signer == NULL && k != UNIT_AGENCY)
		return ceh_fail(e, CEH_EINPUT, _("the trust anchor is an agency"));
	if (signer && (s->trust->n == 0 ? ceh_fail(e, CEH_ENOTFOUND, _("the "
	    "store has no trust anchor yet")) : signer_check(s, by, signer,
	    k == UNIT_AGENCY, e)) < 0)
		return -1;
	old[0] = '\0';
	if (trust_unit_key(s, unit, now(), cur, &sub) == 0)
		keyhash(cur, old);
	iso_time(now(), ts, sizeof(ts));
	keyhash(pub, kh);
	memcpy(line, "ceh-ed25519 ", 12);
	b64url_encode(pub, 32, line + 12);
	rec_head(s, &text, "ceh-certify-v1");
	canon_put(&text, "unit", unit);
	canon_put(&text, "kind", unit_kind_name(k));
	canon_put(&text, "key", line);
	canon_put(&text, "valid_from", ts);
	canon_put(&text, "replaces", old);
	canon_put(&text, "certified_by", signer ? by : unit);
	if (signer)
		keyhash(signer->pub, kh);
	canon_put(&text, "certifier_key", kh);
	rc = trust_append(s, &text, "ceh-certify", signer, e);
	sb_release(&text);
	return rc;
}

int
trust_revoke(struct store *s, const char *unit, time_t effective,
    const char *reason, const char *by, const struct ceh_key *signer,
    struct ceh_err *e)
{
	char ts[32], kh[SHA256_HEX_LEN + 1];
	struct sbuf text = SBUF_INIT;
	uint8_t cur[32];
	int rc;

	if (trust_load(s, e) < 0 || trust_unit_key(s, unit, now(), cur, e) < 0)
		return -1;
	if (s->trust->n == 0 || signer_check(s, by, signer, 0, e) < 0)
		return -1;
	iso_time(effective, ts, sizeof(ts));
	rec_head(s, &text, "ceh-revoke-v1");
	canon_put(&text, "unit", unit);
	keyhash(cur, kh);
	canon_put(&text, "key", kh);
	canon_put(&text, "effective", ts);
	canon_put(&text, "reason", reason ? reason : "");
	canon_put(&text, "revoked_by", by);
	keyhash(signer->pub, kh);
	canon_put(&text, "revoker_key", kh);
	rc = trust_append(s, &text, "ceh-revoke", signer, e);
	sb_release(&text);
	return rc;
}

int
trust_signer(struct store *s, const char *unit, const char *keyopt,
    struct ceh_key *k, struct ceh_err *e)
{
	char *path = NULL;
	uint8_t pub[32];
	int in_keydir = 0, rc;

	if (trust_unit_key(s, unit, now(), pub, e) < 0) {
		e->code = CEH_EINPUT;
		ceh_err_prefix(e, _("this store is signed and %s cannot sign"),
		    unit);
		return -1;
	}
	if (key_path(keyopt, unit, &path, &in_keydir, e) < 0)
		return -1;
	rc = key_file_read(path, k, e);
	if (rc < 0) {
		e->code = CEH_EINPUT;
		ceh_err_prefix(e, _("this store is signed: %s must sign with "
		    "its private key (--key FILE, $CEH_KEY or the key folder)"),
		    unit);
	} else if (memcmp(k->pub, pub, 32) != 0) {
		key_wipe(k);
		rc = ceh_fail(e, CEH_EINPUT, _("the key in '%s' is not the key "
		    "registered for %s"), path, unit);
	}
	free(path);
	return rc;
}

/* Does signed event i verify with its unit's key at its time? */
static int
event_sig_check(struct store *s, const struct application *app, size_t i,
    char fp[KEY_FP_LEN + 1], struct ceh_err *e)
{
	const struct event *ev = &app->history[i];
	unsigned char raw[ED25519_SIG_LEN];
	char kh[SHA256_HEX_LEN + 1];
	struct sbuf text = SBUF_INIT;
	uint8_t pub[32];
	time_t at;
	int ok;

	if (parse_iso_time(ev->at, &at) < 0 ||
	    trust_unit_key(s, ev->unit, at, pub, e) < 0)
		return ceh_fail(e, CEH_ESYS, _("application %s: event %zu (%s) "
		    "is signed as %s, which had no valid key at %s"), app->id,
		    i, ev->what, ev->unit, ev->at);
	keyhash(pub, kh);
	key_fingerprint(pub, fp);
	chain_event_text(app, i, &text);
	ok = strcmp(kh, ev->key) == 0 && b64url_decode(ev->sig,
	    strlen(ev->sig), raw, sizeof(raw)) == ED25519_SIG_LEN &&
	    key_verify(pub, "ceh-event", text.buf, text.len, raw);
	sb_release(&text);
	if (!ok)
		return ceh_fail(e, CEH_ESYS, _("application %s: the signature "
		    "of event %zu (%s) by %s does not verify (forged or "
		    "altered)"), app->id, i, ev->what, ev->unit);
	return 0;
}

int
trust_app_check(struct store *s, const struct application *app,
    void (*each)(void *arg, size_t i, const char *status, const char *fp),
    void *arg, struct ceh_err *e)
{
	size_t i, from = 0;
	char fp[KEY_FP_LEN + 1];

	if (chain_check(app, e) < 0)
		return -1;
	for (i = 0; i < app->nhistory; i++)
		if (strcmp(app->history[i].what, "upgraded") == 0)
			from = i;
	for (i = 0; i < app->nhistory; i++) {
		const struct event *ev = &app->history[i];
		const char *status = "unsigned";

		fp[0] = '\0';
		if (ev->content[0] == '\0')
			status = "unsigned history";
		else if (ev->sig[0]) {
			if (event_sig_check(s, app, i, fp, e) < 0)
				return -1;
			status = "signed";
		} else if (trust_signed(s) && i >= from &&
		    chain_event_signed(ev->what))
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (%s) is a decision without a signature in a "
			    "signed store"), app->id, i, ev->what);
		if (each)
			each(arg, i, status, fp);
	}
	/* history from before chains counts only once an agency has
	 * vouched for it (ceh migrate --as) */
	if (trust_signed(s) && app->nhistory &&
	    app->history[0].content[0] == '\0' &&
	    strcmp(app->history[from].what, "upgraded") != 0)
		return ceh_fail(e, CEH_ESYS, _("application %s: its history "
		    "from before chains is not vouched for by an agency (ceh "
		    "migrate --as AGENCY)"), app->id);
	/* who signed is proven; now whether each was entitled to */
	if (!s->units_loaded && store_load_units(s, e) < 0)
		return -1;
	return chain_flow_check(s, app, e);
}

int
trust_set_signed(struct store *s, struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	int rc;

	s->cfg.signed_store = 1;
	rc = config_emit(&s->cfg, &sb, e);
	if (rc == 0)
		rc = atomic_write(s->rootfd, "store.yaml", sb.buf, sb.len, e);
	sb_release(&sb);
	return rc;
}

int
trust_upgrade_app(struct store *s, struct application *app,
    const char *agency, const struct ceh_key *signer, struct ceh_err *e)
{
	struct ceh_err sub;

	if (chain_check(app, e) < 0)
		return -1;
	if (signer == NULL) {
		if (app->nhistory && app->history[app->nhistory - 1].content[0])
			return 0;
	} else if (trust_app_check(s, app, NULL, NULL, &sub) == 0)
		return 0;
	app_add_event(app, "upgraded", NULL, NULL, NULL, signer ?
	    "the agency takes over this state" : "history chained");
	if (signer && chain_sign(app, agency, signer, e) < 0)
		return -1;
	return 1;
}

/* ---- the verification cache (trust.h: trust_app_verified) ---- */

#define VC_MAGIC "ceh-verified-v1"
#define VC_LINE (SHA256_HEX_LEN + 1)
#define VC_HEAD (sizeof(VC_MAGIC "\nregistry=") - 1 + VC_LINE)

static size_t
vc_slot(const struct vcache *c, const char *d)
{
	size_t h = 0, i;

	for (i = 0; i < 16; i++)
		h = h * 16 + (size_t)(d[i] <= '9' ? d[i] - '0' : d[i] - 'a' + 10);
	return h & (c->cap - 1);
}

static struct vslot *
vc_find(struct vcache *c, const char *d)
{
	size_t i;

	if (c->cap == 0)
		return NULL;
	for (i = vc_slot(c, d); c->v[i].d[0]; i = (i + 1) & (c->cap - 1))
		if (memcmp(c->v[i].d, d, SHA256_HEX_LEN) == 0)
			return &c->v[i];
	return NULL;
}

static void vc_add(struct vcache *c, const char *d, int used);

/* A table of at least cap slots (a power of 2), the entries rehashed. */
static void
vc_resize(struct vcache *c, size_t cap)
{
	struct vslot *old = c->v;
	size_t oldcap = c->cap, i;

	c->cap = cap;
	c->v = xcalloc(c->cap, sizeof(*c->v));
	c->n = c->nused = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].d[0])
			vc_add(c, old[i].d, old[i].used);
	free(old);
}

static void
vc_add(struct vcache *c, const char *d, int used)
{
	struct vslot *sl;
	size_t i;

	if ((sl = vc_find(c, d)) != NULL) {
		if (used && !sl->used) {
			sl->used = 1;
			c->nused++;
		}
		return;
	}
	if ((c->n + 1) * 2 > c->cap)
		vc_resize(c, c->cap ? c->cap * 2 : 1024);
	for (i = vc_slot(c, d); c->v[i].d[0]; i = (i + 1) & (c->cap - 1))
		;
	memcpy(c->v[i].d, d, SHA256_HEX_LEN + 1);
	c->v[i].used = (unsigned char)used;
	c->n++;
	c->nused += used != 0;
}

static int
is_hex64(const char *p)
{
	size_t i;

	for (i = 0; i < SHA256_HEX_LEN; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' &&
		    p[i] <= 'f')))
			return 0;
	return 1;
}

/* mkdir -p of path, each new folder 0700; the fd of the last or -1. */
static int
vc_dir(const char *base, const char *sub)
{
	char path[PATH_MAX];
	size_t i;
	int fd;

	if (snprintf(path, sizeof(path), "%s/ceh/%s", base, sub) >=
	    (int)sizeof(path) || path[0] != '/')
		return -1;
	for (i = 1; path[i]; i++)
		if (path[i] == '/') {
			path[i] = '\0';
			if (mkdir(path, 0700) < 0 && errno != EEXIST)
				return -1;
			path[i] = '/';
		}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

/* The registry hash: everything besides the document that the verdict
 * depends on (the rules' version, signed or not, trust.log, units). */
static void
vc_registry(struct store *s, char out[SHA256_HEX_LEN + 1])
{
	struct hash_ctx *h = hash_new();
	struct sbuf u = SBUF_INIT;
	struct ceh_err e;

	hash_update(h, VC_MAGIC "\n", sizeof(VC_MAGIC));
	hash_update(h, trust_signed(s) ? "signed\n" : "unsigned\n",
	    trust_signed(s) ? 7 : 9);
	hash_update(h, s->trust->log, s->trust->len);
	if (units_emit(&s->units, &u, &e) == 0)
		hash_update(h, u.buf, u.len);
	else
		hash_update(h, "?", 1);	/* never matches a good one */
	sb_release(&u);
	hash_final_hex(h, out);
}

/*
 * Map the cache file.  The writer sorts its lines, so a digest is
 * looked up where it would be (vc_line) without reading the rest: a
 * look-up costs a few pages, not the whole file, whatever the size of
 * the store.  Nothing but the header is checked here: a damaged or
 * unsorted line can only make a look-up miss (the document is then
 * verified again), never hit, since a hit is 64 hex digits at a line's
 * start equal to the digest asked for.  The "sum=" line is written for
 * the file's readers elsewhere and is not checked.  A file another
 * user could have written is not taken.
 */
static void
vc_read(struct vcache *c)
{
	struct stat st;
	char *m;
	int fd;

	fd = openat(c->dirfd, c->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) ||
	    (size_t)st.st_size < VC_HEAD + 4 + VC_LINE ||
	    (uintmax_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return;
	c->map = m;
	c->maplen = (size_t)st.st_size;
	if (memcmp(m, VC_MAGIC "\nregistry=", VC_HEAD - VC_LINE) != 0 ||
	    memcmp(m + VC_HEAD - VC_LINE, c->reg, SHA256_HEX_LEN) != 0 ||
	    m[VC_HEAD - 1] != '\n')
		return;		/* another registry, or damaged: unused */
	c->lines = m + VC_HEAD;
	c->nlines = (c->maplen - VC_HEAD) / VC_LINE;
}

static unsigned long long
hex_key(const void *p)
{
	const char *d = p;
	unsigned long long k = 0;
	int i;

	for (i = 0; i < 16; i++)
		k = k << 4 | (unsigned)(d[i] <= '9' ? d[i] - '0' :
		    (d[i] | 0x20) - 'a' + 10);
	return k;
}

/* The line of the mapped file holding digest d, or (size_t)-1: found
 * where the writer's order puts it (a file not sorted may miss), and
 * only as a whole line of 64 hex digits. */
static size_t
vc_line(const struct vcache *c, const char *d)
{
	size_t i = sorted_find(c->lines, c->nlines, VC_LINE, d, SHA256_HEX_LEN,
	    hex_key);

	if (i == (size_t)-1 || c->lines[i * VC_LINE + SHA256_HEX_LEN] != '\n' ||
	    !is_hex64(c->lines + i * VC_LINE))
		return (size_t)-1;
	return i;
}

/* Is d in the cache (the file or this process's additions)?  A hit
 * is marked used (kept when the file is pruned). */
static int
vc_has(struct vcache *c, const char *d)
{
	struct vslot *sl;
	size_t i;

	if (c->nlines && (i = vc_line(c, d)) != (size_t)-1) {
		if (c->fused == NULL)
			c->fused = xcalloc(c->nlines / 8 + 1, 1);
		if (!(c->fused[i / 8] & (1u << (i % 8)))) {
			c->fused[i / 8] |= (unsigned char)(1u << (i % 8));
			c->nfused++;
		}
		return 1;
	}
	if ((sl = vc_find(c, d)) != NULL) {
		if (!sl->used) {
			sl->used = 1;
			c->nused++;
		}
		return 1;
	}
	return 0;
}

/* The user's cache folder sub ("verified", "registry"; made 0700 if
 * need be) and in name the SHA-256 of the store's real path; -1 if
 * there is none. */
static int
cache_dir(struct store *s, const char *sub, char name[SHA256_HEX_LEN + 1])
{
	const char *base = getenv("XDG_CACHE_HOME"), *home;
	char path[PATH_MAX], real[PATH_MAX];

	if (base == NULL || base[0] != '/') {
		if ((home = getenv("HOME")) == NULL || home[0] != '/')
			return -1;
		snprintf(path, sizeof(path), "%s/.cache", home);
		base = path;
	}
	if (realpath(s->root, real) == NULL)
		return -1;
	sha256_hex(real, strlen(real), name);
	return vc_dir(base, sub);
}

/* The cache of s, loaded on first use; NULL when there is none. */
static struct vcache *
vc_get(struct store *s)
{
	struct vcache *c;
	struct ceh_err e;

	if (trust_load(s, &e) < 0)
		return NULL;
	c = &s->trust->vc;
	if (c->loaded)
		return c->dirfd >= 0 ? c : NULL;
	c->loaded = 1;
	c->dirfd = -1;
	if (!s->units_loaded && store_load_units(s, &e) < 0)
		return NULL;
	if ((c->dirfd = cache_dir(s, "verified", c->name)) < 0)
		return NULL;
	vc_registry(s, c->reg);
	vc_read(c);
	return c;
}

int
trust_app_cached(struct store *s, const struct application *app,
    char digest[SHA256_HEX_LEN + 1])
{
	struct vcache *c = vc_get(s);
	struct sbuf doc = SBUF_INIT;
	struct ceh_err e;
	int ok = 0;

	digest[0] = '\0';
	if (c) {
		if (doc_emit(app, &doc, &e) == 0) {
			sha256_hex(doc.buf, doc.len, digest);
			ok = 1;
		}
		sb_release(&doc);
	}
	/* a hit alone does not rewrite the file */
	return ok && vc_has(c, digest);
}

int
trust_doc_verified(struct store *s, const struct application *app,
    const unsigned char *raw, struct ceh_err *e)
{
	char d[SHA256_HEX_LEN + 1];

	/* the key: the digest of the bytes read, or of the emission */
	if (raw ? trust_doc_cached(s, raw, d) : trust_app_cached(s, app, d))
		return 0;
	if (trust_app_check(s, app, NULL, NULL, e) < 0)
		return -1;
	trust_app_remember(s, d);
	return 0;
}

int
trust_doc_cached(struct store *s, const unsigned char raw[SHA256_LEN],
    char digest[SHA256_HEX_LEN + 1])
{
	struct vcache *c = vc_get(s);

	digest[0] = '\0';
	if (c == NULL)
		return 0;
	hex_encode(raw, SHA256_LEN, digest);
	return vc_has(c, digest);
}

void
trust_app_remember(struct store *s, const char *digest)
{
	struct vcache *c = s->trust ? &s->trust->vc : NULL;

	if (c == NULL || c->dirfd < 0 || digest[0] == '\0' ||
	    vc_has(c, digest))
		return;
	vc_add(c, digest, 1);
	c->dirty = 1;
}

int
trust_app_verified(struct store *s, const struct application *app,
    struct ceh_err *e)
{
	return trust_doc_verified(s, app, NULL, e);
}

static int
cmp_digest(const void *a, const void *b)
{
	return memcmp(*(const char *const *)a, *(const char *const *)b,
	    SHA256_HEX_LEN);
}

/*
 * Write the file again when this process added digests: the file's
 * lines and the additions merged in sorted order (vc_line's look-up
 * needs it; an unsorted line of an older file is dropped), then the
 * "sum=" line over all before it.  Stale digests (older versions of
 * documents) are dropped once they outnumber the ones this process used.
 */
void
trust_cache_save(struct store *s)
{
	struct vcache *c = s->trust ? &s->trust->vc : NULL;
	struct sbuf out = SBUF_INIT;
	char sum[SHA256_HEX_LEN + 1];
	const char **add;
	const char *prev = NULL;
	struct ceh_err e;
	size_t i, j, k, nadd = 0;
	int all;

	if (c == NULL || c->dirfd < 0 || !c->dirty)
		return;
	all = c->nlines + c->n <= 2 * (c->nfused + c->nused) + 4096;
	add = xreallocarray(NULL, c->n ? c->n : 1, sizeof(*add));
	for (k = 0; k < c->cap; k++)
		if (c->v[k].d[0] && (all || c->v[k].used))
			add[nadd++] = c->v[k].d;
	qsort(add, nadd, sizeof(*add), cmp_digest);
	sb_adds(&out, VC_MAGIC "\nregistry=");
	sb_adds(&out, c->reg);
	sb_addc(&out, '\n');
	for (i = 0, j = 0; i < c->nlines || j < nadd; ) {
		const char *l = i < c->nlines ? c->lines + i * VC_LINE : NULL;
		const char *d;

		if (l && !(l[SHA256_HEX_LEN] == '\n' && is_hex64(l) &&
		    (all || (c->fused && (c->fused[i / 8] & (1u << (i % 8))))))) {
			i++;	/* not kept, or damaged */
			continue;
		}
		if (l && (j == nadd || memcmp(l, add[j], SHA256_HEX_LEN) <= 0)) {
			d = l;
			i++;
		} else
			d = add[j++];
		if (prev && memcmp(prev, d, SHA256_HEX_LEN) >= 0)
			continue;	/* a duplicate, or out of order */
		sb_add(&out, d, SHA256_HEX_LEN);
		sb_addc(&out, '\n');
		prev = d;
	}
	sha256_hex(out.buf, out.len, sum);
	sb_adds(&out, "sum=");
	sb_adds(&out, sum);
	sb_addc(&out, '\n');
	/* a cache: a failure to write it only means verifying again */
	(void)atomic_write(c->dirfd, c->name, out.buf, out.len, &e);
	sb_release(&out);
	free(add);
	c->dirty = 0;
}

/* ---- for other caches of verified facts (trust.h) ---- */

int
trust_cache_folder(struct store *s, const char *sub,
    char name[SHA256_HEX_LEN + 1])
{
	return cache_dir(s, sub, name);
}

int
trust_registry_digest(struct store *s, char out[SHA256_HEX_LEN + 1])
{
	struct ceh_err e;

	if (trust_load(s, &e) < 0 ||
	    (!s->units_loaded && store_load_units(s, &e) < 0))
		return -1;
	vc_registry(s, out);
	return 0;
}
