/* slip.c - collect, seal, record and verify hour verification slips. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "atomic.h"
#include "config.h"
#include "doc.h"
#include "err.h"
#include "hash.h"
#include "slip.h"
#include "store.h"
#include "table.h"
#include "units.h"
#include "util.h"
#include "ytree.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void
slip_init(struct slip *sl)
{
	memset(sl, 0, sizeof(*sl));
	sl->format = SLIP_FORMAT;
}

static void
year_release(struct slip_year *y)
{
	free(y->pub_subject);
	free(y->pub_form);
	free(y->pro_subject);
	free(y->pro_form);
	free(y->agency);
	free(y->agency_name);
	free(y->approved_on);
	free(y->application);
}

void
slip_release(struct slip *sl)
{
	size_t i;

	for (i = 0; i < sl->nyears; i++)
		year_release(&sl->years[i]);
	free(sl->years);
	free(sl->title);
	free(sl->number);
	free(sl->code);
	free(sl->issued);
	free(sl->printed_on);
	free(sl->basis);
	free(sl->rule.text);
	free(sl->name);
	free(sl->sex);
	free(sl->unit);
	free(sl->unit_name);
	free(sl->series);
	free(sl->specialty);
	free(sl->title_level);
	free(sl->application);
	slip_init(sl);
}

static void
year_empty(struct slip_year *y, int year)
{
	memset(y, 0, sizeof(*y));
	y->year = year;
	y->pub_subject = xstrdup("");
	y->pub_form = xstrdup("");
	y->pro_subject = xstrdup("");
	y->pro_form = xstrdup("");
	y->agency = xstrdup("");
	y->agency_name = xstrdup("");
	y->approved_on = xstrdup("");
	y->application = xstrdup("");
}

int
slip_range_check(long from, long to, struct ceh_err *e)
{
	if (year_check("--from", from, e) < 0 || year_check("--to", to, e) < 0)
		return -1;
	if (from > to)
		return ceh_fail(e, CEH_EINPUT, "the range %ld-%ld is inverted: "
		    "--from must not be after --to", from, to);
	if (to - from + 1 > SLIP_MAX_YEARS)
		return ceh_fail(e, CEH_EINPUT, "the range %ld-%ld spans %ld "
		    "years; a slip covers at most %d", from, to,
		    to - from + 1, SLIP_MAX_YEARS);
	return 0;
}

int
slip_range_for(const char *kind, long y, int *from, int *to,
    struct ceh_err *e)
{
	int span;

	if (strcmp(kind, "senior") == 0)
		span = 5;
	else if (strcmp(kind, "intermediate") == 0)
		span = 4;
	else
		return ceh_fail(e, CEH_EINPUT, "--for must be senior or "
		    "intermediate, not '%.40s'", kind);
	if (y < 1990 + span || y > current_year() + 1)
		return ceh_fail(e, CEH_EINPUT, "--year %ld is out of range "
		    "(%d to %d)", y, 1990 + span, current_year() + 1);
	*from = (int)y - span;
	*to = (int)y - 1;
	return slip_range_check(*from, *to, e);
}

/* ---- collecting ---- */

struct found {
	struct application app;
	const struct event *approval;	/* into app.history, or NULL */
};

struct collect {
	struct person p;
	struct found *v;
	size_t n;
	struct ceh_err err;
	int failed;
};

static int
visit(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct collect *c = arg;
	size_t i;

	(void)s;
	(void)p;
	(void)folder;
	if (app == NULL) {	/* moves are handled by store_walk */
		c->err = *err;
		c->failed = 1;
		return -1;
	}
	if (app->stage != STAGE_APPROVED)
		return 0;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n].app = *app;	/* moved out of the walk */
	app_init(app);
	c->v[c->n].approval = NULL;
	for (i = c->v[c->n].app.nhistory; i-- > 0;)
		if (strcmp(c->v[c->n].app.history[i].what, "approved") == 0) {
			c->v[c->n].approval = &c->v[c->n].app.history[i];
			break;
		}
	c->n++;
	return 0;
}

static const char *
approval_time(const struct found *f)
{
	return f->approval ? f->approval->at : f->app.updated;
}

/* ISO time -> Beijing date YYYY-MM-DD. */
static char *
beijing_date(const char *iso)
{
	struct tm tm;
	time_t t;
	char buf[48];

	if (iso == NULL || parse_iso_time(iso, &t) < 0)
		return xstrdup("");
	t += 8 * 3600;
	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	return xstrdup(buf);
}

static void
rule_from_config(struct slip_rule *r, const struct config *c)
{
	struct sbuf sb = SBUF_INIT;

	r->national = c->scheme == RULE_NATIONAL;
	r->total_min = c->total_min;
	r->public_min = c->public_min;
	r->pro_min = c->pro_min;
	r->share_num = c->share_num;
	r->share_den = c->share_den;
	config_rule_text(c, &sb);
	free(r->text);
	r->text = sb_detach(&sb);
}

static int
year_met(const struct slip_rule *r, long pub, long pro)
{
	struct config c;

	memset(&c, 0, sizeof(c));
	c.scheme = r->national ? RULE_NATIONAL : RULE_HUNAN;
	c.total_min = r->total_min;
	c.public_min = r->public_min;
	c.pro_min = r->pro_min;
	c.share_num = r->share_num;
	c.share_den = r->share_den;
	return config_year_met(&c, pub, pro);
}

static const char *
unit_name(struct store *s, const char *code)
{
	const struct unit *u;

	if (!s->units_loaded)
		return "";
	u = units_find(&s->units, code);
	return u ? u->name : "";
}

/* Collect with a given rule (the store's for a new slip, the slip's own
 * when verifying). */
static int
collect(struct store *s, const char *idnum_in, int from, int to,
    const struct slip_rule *rule, struct slip *sl, struct ceh_err *e)
{
	struct collect c;
	char idnum[IDNUM_LEN + 1];
	const struct found *latest = NULL;
	struct ceh_err ue;
	size_t i, j;
	int rc = -1, y;

	memset(&c, 0, sizeof(c));
	if (idnum_check("--id", idnum_in, idnum, e) < 0)
		return -1;
	if (slip_range_check(from, to, e) < 0)
		return -1;
	if (person_open(s, idnum, 0, &c.p, e) < 0) {
		if (e->code == CEH_ENOTFOUND)
			ceh_fail(e, CEH_ENOTFOUND, "unknown person: no "
			    "applications for ID number %s", idnum);
		return -1;
	}
	if (store_walk(s, idnum, visit, &c, e) != 0) {
		if (c.failed)
			*e = c.err;
		goto out;
	}
	/* names are a courtesy; codes are shown anyway */
	if (!s->units_loaded)
		(void)store_load_units(s, &ue);
	slip_release(sl);
	memcpy(sl->id_number, idnum, sizeof(sl->id_number));
	sl->from = from;
	sl->to = to;
	sl->title = xstrdup(s->cfg.slip_title);
	sl->basis = xstrdup(s->cfg.slip_basis);
	if (rule) {
		sl->rule = *rule;
		sl->rule.text = xstrdup(rule->text ? rule->text : "");
	} else
		rule_from_config(&sl->rule, &s->cfg);
	sl->nyears = (size_t)(to - from + 1);
	sl->years = xcalloc(sl->nyears, sizeof(*sl->years));
	for (y = from; y <= to; y++)
		year_empty(&sl->years[y - from], y);
	for (i = 0; i < c.n; i++) {
		const struct found *f = &c.v[i];

		if (latest == NULL || strcmp(approval_time(f),
		    approval_time(latest)) > 0 ||
		    (strcmp(approval_time(f), approval_time(latest)) == 0 &&
		    strcmp(f->app.id, latest->app.id) > 0))
			latest = f;
		for (j = 0; j < f->app.nyears; j++) {
			const struct year_row *r = &f->app.years[j];
			struct slip_year *sy;

			if (r->year < from || r->year > to)
				continue;
			sy = &sl->years[r->year - from];
			if (sy->approved) {
				ceh_fail(e, CEH_ESTATE, "year %d of %s is "
				    "approved in two applications, %s and %s; "
				    "run 'ceh fsck'", r->year, idnum,
				    sy->application, f->app.id);
				goto out;
			}
			year_release(sy);
			memset(sy, 0, sizeof(*sy));
			sy->year = r->year;
			sy->approved = 1;
			sy->pub_subject = xstrdup(r->pub.subject);
			sy->pub_form = xstrdup(r->pub.form);
			sy->pub_half = r->pub.hours;
			sy->pro_subject = xstrdup(r->pro.subject);
			sy->pro_form = xstrdup(r->pro.form);
			sy->pro_half = r->pro.hours;
			sy->agency = xstrdup(f->approval && f->approval->unit ?
			    f->approval->unit : "");
			sy->agency_name = xstrdup(unit_name(s, sy->agency));
			sy->approved_on = beijing_date(approval_time(f));
			sy->application = xstrdup(f->app.id);
		}
	}
	for (i = 0; i < sl->nyears; i++) {
		struct slip_year *sy = &sl->years[i];

		sy->total_half = sy->pub_half + sy->pro_half;
		sy->met = sy->approved && year_met(&sl->rule, sy->pub_half,
		    sy->pro_half);
		sl->pub_half += sy->pub_half;
		sl->pro_half += sy->pro_half;
		sl->years_approved += sy->approved;
		sl->years_met += sy->met;
	}
	sl->total_half = sl->pub_half + sl->pro_half;
	sl->all_met = sl->years_met == (long)sl->nyears;
	if (sl->years_approved == 0) {
		if (c.n == 0)
			ceh_fail(e, CEH_ENOTFOUND, "%s has no approved "
			    "application", idnum);
		else
			ceh_fail(e, CEH_ENOTFOUND, "%s has no approved hours "
			    "in %d-%d", idnum, from, to);
		goto out;
	}
	{
		const struct applicant *a = &latest->app.a;

		sl->name = xstrdup(a->name);
		sl->sex = xstrdup(idnum_sex(idnum));
		sl->unit = xstrdup(a->unit);
		sl->unit_name = xstrdup(unit_name(s, a->unit));
		sl->series = xstrdup(a->series);
		sl->specialty = xstrdup(a->specialty);
		sl->title_level = xstrdup(a->title_level);
		sl->application = xstrdup(latest->app.id);
	}
	rc = 0;
out:
	for (i = 0; i < c.n; i++)
		app_release(&c.v[i].app);
	free(c.v);
	person_close(&c.p);
	if (rc < 0)
		slip_release(sl);
	return rc;
}

int
slip_collect(struct store *s, const char *idnum, int from, int to,
    struct slip *sl, struct ceh_err *e)
{
	return collect(s, idnum, from, to, NULL, sl, e);
}

/* ---- sealing ---- */

static void
canon(struct sbuf *sb, const char *key, const char *val)
{
	sb_adds(sb, key);
	sb_addc(sb, '=');
	for (; *val; val++) {
		if (*val == '\\')
			sb_adds(sb, "\\\\");
		else if (*val == '\n')
			sb_adds(sb, "\\n");
		else
			sb_addc(sb, *val);
	}
	sb_addc(sb, '\n');
}

static void
canon_long(struct sbuf *sb, const char *key, long v)
{
	sb_addf(sb, "%s=%ld\n", key, v);
}

void
slip_canonical(const struct slip *sl, int full, struct sbuf *out)
{
	size_t i;

	sb_adds(out, full ? "ceh-slip\n" : "ceh-slip-figures\n");
	canon_long(out, "format", sl->format);
	if (full) {
		canon(out, "title", sl->title);
		canon(out, "number", sl->number);
		canon(out, "issued", sl->issued);
		canon(out, "printed_on", sl->printed_on);
		canon(out, "basis", sl->basis);
		canon(out, "rule.text", sl->rule.text);
	}
	canon(out, "rule.scheme", sl->rule.national ? "national" : "hunan");
	canon_long(out, "rule.annual_total", sl->rule.total_min);
	canon_long(out, "rule.annual_public", sl->rule.public_min);
	canon_long(out, "rule.annual_professional", sl->rule.pro_min);
	sb_addf(out, "rule.professional_share=%ld/%ld\n", sl->rule.share_num,
	    sl->rule.share_den);
	canon(out, "person.id_number", sl->id_number);
	if (full) {
		canon(out, "person.name", sl->name);
		canon(out, "person.sex", sl->sex);
		canon(out, "person.unit", sl->unit);
		canon(out, "person.unit_name", sl->unit_name);
		canon(out, "person.series", sl->series);
		canon(out, "person.specialty", sl->specialty);
		canon(out, "person.title_level", sl->title_level);
		canon(out, "person.application", sl->application);
	}
	canon_long(out, "from", sl->from);
	canon_long(out, "to", sl->to);
	for (i = 0; i < sl->nyears; i++) {
		const struct slip_year *y = &sl->years[i];

		canon_long(out, "year", y->year);
		canon_long(out, " approved", y->approved);
		canon(out, " public_subject", y->pub_subject);
		canon_long(out, " public_half", y->pub_half);
		canon(out, " public_form", y->pub_form);
		canon(out, " professional_subject", y->pro_subject);
		canon_long(out, " professional_half", y->pro_half);
		canon(out, " professional_form", y->pro_form);
		canon_long(out, " total_half", y->total_half);
		canon_long(out, " met", y->met);
		canon(out, " agency", y->agency);
		if (full)
			canon(out, " agency_name", y->agency_name);
		canon(out, " approved_on", y->approved_on);
		canon(out, " application", y->application);
	}
	canon_long(out, "totals.public_half", sl->pub_half);
	canon_long(out, "totals.professional_half", sl->pro_half);
	canon_long(out, "totals.total_half", sl->total_half);
	canon_long(out, "totals.years_approved", sl->years_approved);
	canon_long(out, "totals.years_met", sl->years_met);
	canon_long(out, "all_met", sl->all_met);
}

static int
read_secret(struct store *s, unsigned char key[32], struct ceh_err *e)
{
	char *buf = NULL;
	size_t len, i;
	int rc = -1;

	if (read_file_at(s->rootfd, "secret", 256, &buf, &len, e) < 0) {
		if (e->code == CEH_ENOTFOUND)
			ceh_fail(e, CEH_ESYS, "the store has no secret file "
			    "'%s/secret'; slips cannot be sealed", s->root);
		return -1;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len != 64 || strspn(buf, "0123456789abcdef") < 64) {
		ceh_fail(e, CEH_ESYS, "'%s/secret' is not 64 hex digits",
		    s->root);
		goto out;
	}
	for (i = 0; i < 32; i++) {
		unsigned v;

		sscanf(buf + 2 * i, "%2x", &v);
		key[i] = (unsigned char)v;
	}
	rc = 0;
out:
	if (buf)
		memset(buf, 0, len);
	free(buf);
	return rc;
}

/* 100 bits of a hex digest as 20 Crockford characters, grouped by 4. */
static void
code_from_hex(const char *hex, char out[SLIP_CODE_LEN + 1])
{
	unsigned bits = 0, nbits = 0;
	int i, o = 0, n = 0;

	for (i = 0; n < SLIP_CODE_CHARS; i++) {
		char c = hex[i];

		bits = (bits << 4) | (unsigned)(c <= '9' ? c - '0' :
		    c - 'a' + 10);
		nbits += 4;
		while (nbits >= 5 && n < SLIP_CODE_CHARS) {
			if (n && n % 4 == 0)
				out[o++] = '-';
			out[o++] = crockford[(bits >> (nbits - 5)) & 31];
			nbits -= 5;
			n++;
		}
		bits &= (1u << nbits) - 1;
	}
	out[o] = '\0';
}

int
slip_compute_code(struct store *s, const struct slip *sl,
    char out[SLIP_CODE_LEN + 1], struct ceh_err *e)
{
	unsigned char key[32];
	struct sbuf sb = SBUF_INIT;
	char hex[SHA256_HEX_LEN + 1];

	if (read_secret(s, key, e) < 0)
		return -1;
	slip_canonical(sl, 1, &sb);
	hmac_sha256_hex(key, sizeof(key), sb.buf, sb.len, hex);
	memset(key, 0, sizeof(key));
	sb_release(&sb);
	code_from_hex(hex, out);
	return 0;
}

int
slip_code_normalise(const char *in, char out[SLIP_CODE_LEN + 1])
{
	int n = 0, o = 0;

	for (; *in; in++) {
		char c = *in;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		if (c == '\0' || strchr(crockford, c) == NULL ||
		    n == SLIP_CODE_CHARS)
			return -1;
		if (n && n % 4 == 0)
			out[o++] = '-';
		out[o++] = c;
		n++;
	}
	out[o] = '\0';
	return n == SLIP_CODE_CHARS ? 0 : -1;
}

int
slip_issue(struct store *s, struct slip *sl, struct ceh_err *e)
{
	unsigned char rnd[8];
	unsigned long long v = 0;
	char iso[32], code[SLIP_CODE_LEN + 1], num[SLIP_NUMBER_LEN + 1];
	long ymd = today_ymd();
	int i;

	if (random_bytes(rnd, sizeof(rnd)) < 0)
		return ceh_fail_errno(e, "cannot get random bytes");
	for (i = 0; i < 8; i++)
		v = (v << 8) | rnd[i];
	snprintf(num, sizeof(num), "%08ld-", ymd);
	for (i = 0; i < 10; i++)
		num[9 + i] = crockford[(v >> (5 * (9 - i))) & 31];
	num[SLIP_NUMBER_LEN] = '\0';
	free(sl->number);
	sl->number = xstrdup(num);
	iso_time(now(), iso, sizeof(iso));
	free(sl->issued);
	sl->issued = xstrdup(iso);
	free(sl->printed_on);
	sl->printed_on = beijing_date(iso);
	if (slip_compute_code(s, sl, code, e) < 0)
		return -1;
	free(sl->code);
	sl->code = xstrdup(code);
	return 0;
}

/* ---- the record ---- */

static void
compact_code(const char *code, char out[SLIP_CODE_CHARS + 1])
{
	int o = 0;

	for (; *code && o < SLIP_CODE_CHARS; code++)
		if (*code != '-')
			out[o++] = *code;
	out[o] = '\0';
}

static void
yw_hours(struct ywriter *w, const char *key, long half)
{
	char buf[24];

	yw_plain(w, key);
	yw_plain(w, hours_fmt(half, buf, sizeof(buf)));
}

static void
yw_bool(struct ywriter *w, const char *key, int v)
{
	yw_plain(w, key);
	yw_plain(w, v ? "true" : "false");
}

static int
record_emit(const struct slip *sl, struct sbuf *out, struct ceh_err *e)
{
	struct ywriter *w = yw_new();
	char share[48];
	size_t i;
	int rc;

	snprintf(share, sizeof(share), "%ld/%ld", sl->rule.share_num,
	    sl->rule.share_den);
	yw_map_start(w);
	yw_kv_long(w, "format", sl->format);
	yw_kv(w, "title", sl->title);
	yw_kv(w, "number", sl->number);
	yw_kv(w, "code", sl->code);
	yw_kv(w, "issued", sl->issued);
	yw_kv(w, "printed_on", sl->printed_on);
	yw_kv(w, "basis", sl->basis);
	yw_plain(w, "rule");
	yw_map_start(w);
	yw_kv(w, "scheme", sl->rule.national ? "national" : "hunan");
	yw_kv_long(w, "annual_total", sl->rule.total_min);
	yw_kv_long(w, "annual_public", sl->rule.public_min);
	yw_kv_long(w, "annual_professional", sl->rule.pro_min);
	yw_kv(w, "professional_share", share);
	yw_kv(w, "text", sl->rule.text);
	yw_map_end(w);
	yw_plain(w, "person");
	yw_map_start(w);
	yw_kv(w, "id_number", sl->id_number);
	yw_kv(w, "name", sl->name);
	yw_kv(w, "sex", sl->sex);
	yw_kv(w, "unit", sl->unit);
	yw_kv(w, "unit_name", sl->unit_name);
	yw_kv(w, "series", sl->series);
	yw_kv(w, "specialty", sl->specialty);
	yw_kv(w, "title_level", sl->title_level);
	yw_kv(w, "application", sl->application);
	yw_map_end(w);
	yw_kv_long(w, "from", sl->from);
	yw_kv_long(w, "to", sl->to);
	yw_plain(w, "years");
	yw_seq_start(w);
	for (i = 0; i < sl->nyears; i++) {
		const struct slip_year *y = &sl->years[i];

		yw_map_start(w);
		yw_kv_long(w, "year", y->year);
		yw_bool(w, "approved", y->approved);
		yw_kv(w, "public_subject", y->pub_subject);
		yw_hours(w, "public_hours", y->pub_half);
		yw_kv(w, "public_form", y->pub_form);
		yw_kv(w, "professional_subject", y->pro_subject);
		yw_hours(w, "professional_hours", y->pro_half);
		yw_kv(w, "professional_form", y->pro_form);
		yw_hours(w, "total_hours", y->total_half);
		yw_bool(w, "met", y->met);
		yw_kv(w, "agency", y->agency);
		yw_kv(w, "agency_name", y->agency_name);
		yw_kv(w, "approved_on", y->approved_on);
		yw_kv(w, "application", y->application);
		yw_map_end(w);
	}
	yw_seq_end(w);
	yw_plain(w, "totals");
	yw_map_start(w);
	yw_hours(w, "public_hours", sl->pub_half);
	yw_hours(w, "professional_hours", sl->pro_half);
	yw_hours(w, "total_hours", sl->total_half);
	yw_kv_long(w, "years", (long)sl->nyears);
	yw_kv_long(w, "years_approved", sl->years_approved);
	yw_kv_long(w, "years_met", sl->years_met);
	yw_map_end(w);
	yw_bool(w, "all_met", sl->all_met);
	yw_map_end(w);
	rc = yw_finish(w, out, e);
	yw_free(w);
	return rc;
}

int
slip_record_save(struct store *s, const struct slip *sl, struct ceh_err *e)
{
	struct sbuf sb = SBUF_INIT;
	char name[SLIP_NUMBER_LEN + SLIP_CODE_CHARS + 8];
	char cc[SLIP_CODE_CHARS + 1];
	int dfd, rc;

	if (record_emit(sl, &sb, e) < 0)
		return -1;
	if ((dfd = open_dir_at(s->rootfd, "slips", 1, e)) < 0) {
		sb_release(&sb);
		return -1;
	}
	compact_code(sl->code, cc);
	snprintf(name, sizeof(name), "%s.%s.yaml", sl->number, cc);
	rc = atomic_create(dfd, name, sb.buf, sb.len, e);
	if (rc < 0)
		ceh_err_prefix(e, "cannot record slip %s", sl->number);
	close(dfd);
	sb_release(&sb);
	return rc;
}

/* NUMBER.CODE.yaml with the exact shapes; fills number and code. */
static int
record_name(const char *n, char num[SLIP_NUMBER_LEN + 1],
    char cc[SLIP_CODE_CHARS + 1])
{
	size_t i;

	if (strlen(n) != SLIP_NUMBER_LEN + 1 + SLIP_CODE_CHARS + 5 ||
	    strcmp(n + SLIP_NUMBER_LEN + 1 + SLIP_CODE_CHARS, ".yaml") != 0 ||
	    n[SLIP_NUMBER_LEN] != '.' || n[8] != '-' ||
	    strspn(n, "0123456789") != 8)
		return 0;
	for (i = 9; i < SLIP_NUMBER_LEN; i++)
		if (strchr(crockford, n[i]) == NULL || n[i] == '\0')
			return 0;
	for (i = SLIP_NUMBER_LEN + 1; i < SLIP_NUMBER_LEN + 1 +
	    SLIP_CODE_CHARS; i++)
		if (strchr(crockford, n[i]) == NULL || n[i] == '\0')
			return 0;
	memcpy(num, n, SLIP_NUMBER_LEN);
	num[SLIP_NUMBER_LEN] = '\0';
	memcpy(cc, n + SLIP_NUMBER_LEN + 1, SLIP_CODE_CHARS);
	cc[SLIP_CODE_CHARS] = '\0';
	return 1;
}

int
slip_record_find(struct store *s, const char *code, const char *number,
    struct slip *sl, struct ceh_err *e)
{
	char want[SLIP_CODE_CHARS + 1], num[SLIP_NUMBER_LEN + 1];
	char cc[SLIP_CODE_CHARS + 1], found[64], fname[96];
	struct dirent *d;
	char *buf = NULL;
	size_t len;
	DIR *dir;
	int dfd, fd, rc;

	found[0] = '\0';
	if (code)
		compact_code(code, want);
	dfd = openat(s->rootfd, "slips", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dfd < 0) {
		if (errno != ENOENT)
			return ceh_fail_errno(e, "cannot open '%s/slips'",
			    s->root);
		goto none;
	}
	fd = dup(dfd);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		close(dfd);
		return ceh_fail_errno(e, "cannot read '%s/slips'", s->root);
	}
	while ((d = readdir(dir)) != NULL) {
		if (!record_name(d->d_name, num, cc))
			continue;
		if ((code && strcmp(cc, want) == 0) ||
		    (number && strcmp(num, number) == 0)) {
			snprintf(found, sizeof(found), "%s", d->d_name);
			break;
		}
	}
	closedir(dir);
	if (found[0] == '\0') {
		close(dfd);
		goto none;
	}
	rc = read_file_at(dfd, found, 1 << 20, &buf, &len, e);
	close(dfd);
	if (rc < 0)
		return -1;
	snprintf(fname, sizeof(fname), "slips/%s", found);
	rc = slip_parse(buf, len, fname, sl, e);
	free(buf);
	if (rc == 0 && (strcmp(sl->number, num) != 0 ||
	    (compact_code(sl->code, want), strcmp(want, cc) != 0))) {
		slip_release(sl);
		return ceh_fail(e, CEH_EINPUT, "%s: the number or code inside "
		    "does not match the file name", fname);
	}
	return rc;
none:
	if (code)
		return ceh_fail(e, CEH_ENOTFOUND, "no slip with code %s was "
		    "issued by this store", code);
	return ceh_fail(e, CEH_ENOTFOUND, "no slip numbered %s was issued "
	    "by this store", number ? number : "");
}

/* ---- JSON ---- */

static void
jkey(FILE *out, int indent, const char *key)
{
	fprintf(out, "%*s", indent, "");
	json_quote(out, key);
	fputs(": ", out);
}

static void
jstr(FILE *out, int indent, const char *key, const char *val, int last)
{
	jkey(out, indent, key);
	json_quote(out, val ? val : "");
	fputs(last ? "\n" : ",\n", out);
}

static void
jlong(FILE *out, int indent, const char *key, long v, int last)
{
	jkey(out, indent, key);
	fprintf(out, "%ld%s", v, last ? "\n" : ",\n");
}

static void
jhours(FILE *out, int indent, const char *key, long half, int last)
{
	char buf[24];

	jkey(out, indent, key);
	fprintf(out, "%s%s", hours_fmt(half, buf, sizeof(buf)),
	    last ? "\n" : ",\n");
}

static void
jbool(FILE *out, int indent, const char *key, int v, int last)
{
	jkey(out, indent, key);
	fprintf(out, "%s%s", v ? "true" : "false", last ? "\n" : ",\n");
}

void
slip_json(const struct slip *sl, FILE *out)
{
	char share[48];
	size_t i;

	snprintf(share, sizeof(share), "%ld/%ld", sl->rule.share_num,
	    sl->rule.share_den);
	fputs("{\n", out);
	jlong(out, 2, "format", sl->format, 0);
	jstr(out, 2, "title", sl->title, 0);
	jstr(out, 2, "number", sl->number, 0);
	jstr(out, 2, "code", sl->code, 0);
	jstr(out, 2, "issued", sl->issued, 0);
	jstr(out, 2, "printed_on", sl->printed_on, 0);
	jstr(out, 2, "basis", sl->basis, 0);
	jkey(out, 2, "rule");
	fputs("{\n", out);
	jstr(out, 4, "scheme", sl->rule.national ? "national" : "hunan", 0);
	jlong(out, 4, "annual_total", sl->rule.total_min, 0);
	jlong(out, 4, "annual_public", sl->rule.public_min, 0);
	jlong(out, 4, "annual_professional", sl->rule.pro_min, 0);
	jstr(out, 4, "professional_share", share, 0);
	jstr(out, 4, "text", sl->rule.text, 1);
	fputs("  },\n", out);
	jkey(out, 2, "person");
	fputs("{\n", out);
	jstr(out, 4, "id_number", sl->id_number, 0);
	jstr(out, 4, "name", sl->name, 0);
	jstr(out, 4, "sex", sl->sex, 0);
	jstr(out, 4, "unit", sl->unit, 0);
	jstr(out, 4, "unit_name", sl->unit_name, 0);
	jstr(out, 4, "series", sl->series, 0);
	jstr(out, 4, "specialty", sl->specialty, 0);
	jstr(out, 4, "title_level", sl->title_level, 0);
	jstr(out, 4, "application", sl->application, 1);
	fputs("  },\n", out);
	jlong(out, 2, "from", sl->from, 0);
	jlong(out, 2, "to", sl->to, 0);
	jkey(out, 2, "years");
	fputs("[\n", out);
	for (i = 0; i < sl->nyears; i++) {
		const struct slip_year *y = &sl->years[i];

		fputs("    {\n", out);
		jlong(out, 6, "year", y->year, 0);
		jbool(out, 6, "approved", y->approved, 0);
		jstr(out, 6, "public_subject", y->pub_subject, 0);
		jhours(out, 6, "public_hours", y->pub_half, 0);
		jstr(out, 6, "public_form", y->pub_form, 0);
		jstr(out, 6, "professional_subject", y->pro_subject, 0);
		jhours(out, 6, "professional_hours", y->pro_half, 0);
		jstr(out, 6, "professional_form", y->pro_form, 0);
		jhours(out, 6, "total_hours", y->total_half, 0);
		jbool(out, 6, "met", y->met, 0);
		jstr(out, 6, "agency", y->agency, 0);
		jstr(out, 6, "agency_name", y->agency_name, 0);
		jstr(out, 6, "approved_on", y->approved_on, 0);
		jstr(out, 6, "application", y->application, 1);
		fputs(i + 1 < sl->nyears ? "    },\n" : "    }\n", out);
	}
	fputs("  ],\n", out);
	jkey(out, 2, "totals");
	fputs("{\n", out);
	jhours(out, 4, "public_hours", sl->pub_half, 0);
	jhours(out, 4, "professional_hours", sl->pro_half, 0);
	jhours(out, 4, "total_hours", sl->total_half, 0);
	jlong(out, 4, "years", (long)sl->nyears, 0);
	jlong(out, 4, "years_approved", sl->years_approved, 0);
	jlong(out, 4, "years_met", sl->years_met, 1);
	fputs("  },\n", out);
	jbool(out, 2, "all_met", sl->all_met, 1);
	fputs("}\n", out);
}

/* ---- reading a slip back (JSON file or record) ---- */

static int
get_str(const struct ynode *m, const char *key, char **out,
    const char *fname, struct ceh_err *e)
{
	const char *v = NULL;

	if (ymap_str(m, key, 1, &v, fname, e) < 0)
		return -1;
	/* no control characters: a slip file is outside input and its
	 * fields are printed back (a forged number must not be able to
	 * rewrite the verdict line on a terminal) */
	if (!utf8_valid(v, strlen(v)) || strlen(v) > 4000 || has_control(v))
		return ceh_fail(e, CEH_EINPUT, "%s: field '%s' is not valid "
		    "text", fname, key);
	free(*out);
	*out = xstrdup(v);
	return 0;
}

static int
get_hours(const struct ynode *m, const char *key, long *out,
    const char *fname, struct ceh_err *e)
{
	const char *v = NULL;
	char field[64];

	if (ymap_str(m, key, 1, &v, fname, e) < 0)
		return -1;
	snprintf(field, sizeof(field), "%s: field '%s'", fname, key);
	return hours_parse(field, v, 2L * 100000 * SLIP_MAX_YEARS, out, e);
}

static int
get_long(const struct ynode *m, const char *key, long min, long max,
    long *out, const char *fname, struct ceh_err *e)
{
	return ymap_long(m, key, 1, min, max, out, fname, e);
}

static int
get_bool(const struct ynode *m, const char *key, int *out,
    const char *fname, struct ceh_err *e)
{
	return ymap_bool(m, key, 1, out, fname, e);
}

static int
hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			*v = *v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v = *v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v = *v * 16 + (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/*
 * JSON writes a character beyond the BMP as a pair of \u escapes (UTF-16
 * surrogates), which YAML (libyaml) refuses.  Replace each such pair by
 * the character in UTF-8; everything else is copied.  out holds len + 1.
 */
static size_t
join_surrogates(const char *in, size_t len, char *out)
{
	size_t i = 0, o = 0;
	unsigned hi, lo, cp;

	while (i < len) {
		if (in[i] != '\\') {
			out[o++] = in[i++];
			continue;
		}
		if (i + 12 <= len && in[i + 1] == 'u' && in[i + 6] == '\\' &&
		    in[i + 7] == 'u' && hex4(in + i + 2, &hi) == 0 &&
		    hex4(in + i + 8, &lo) == 0 && hi >= 0xd800 && hi < 0xdc00 &&
		    lo >= 0xdc00 && lo < 0xe000) {
			cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
			out[o++] = (char)(0xf0 | (cp >> 18));
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
			i += 12;
			continue;
		}
		/* any other escape, \\ included, is copied whole */
		out[o++] = in[i++];
		if (i < len)
			out[o++] = in[i++];
	}
	out[o] = '\0';
	return o;
}

int
slip_parse(const char *buf, size_t len, const char *fname, struct slip *sl,
    struct ceh_err *e)
{
	static const char *const top[] = { "format", "title", "number", "code",
	    "issued", "printed_on", "basis", "rule", "person", "from", "to",
	    "years", "totals", "all_met", NULL };
	static const char *const rk[] = { "scheme", "annual_total",
	    "annual_public", "annual_professional", "professional_share",
	    "text", NULL };
	static const char *const pk[] = { "id_number", "name", "sex", "unit",
	    "unit_name", "series", "specialty", "title_level", "application",
	    NULL };
	static const char *const yk[] = { "year", "approved", "public_subject",
	    "public_hours", "public_form", "professional_subject",
	    "professional_hours", "professional_form", "total_hours", "met",
	    "agency", "agency_name", "approved_on", "application", NULL };
	static const char *const tk[] = { "public_hours",
	    "professional_hours", "total_hours", "years", "years_approved",
	    "years_met", NULL };
	struct ynode *root, *r, *p, *ys, *t;
	const char *scheme = NULL, *share = NULL, *idn = NULL;
	char *joined;
	long from, to, nyears, sn, sd;
	char extra;
	size_t i;
	int rc = -1;

	slip_release(sl);
	joined = xmalloc(len + 1);
	len = join_surrogates(buf, len, joined);
	root = ytree_parse(joined, len, fname, e);
	free(joined);
	if (root == NULL)
		return -1;
	if (ynode_expect(root, Y_MAP, "slip", fname, e) < 0 ||
	    ymap_only(root, top, fname, e) < 0 ||
	    get_long(root, "format", 1, SLIP_FORMAT, &sl->format, fname,
	    e) < 0 ||
	    get_str(root, "title", &sl->title, fname, e) < 0 ||
	    get_str(root, "number", &sl->number, fname, e) < 0 ||
	    get_str(root, "code", &sl->code, fname, e) < 0 ||
	    get_str(root, "issued", &sl->issued, fname, e) < 0 ||
	    get_str(root, "printed_on", &sl->printed_on, fname, e) < 0 ||
	    get_str(root, "basis", &sl->basis, fname, e) < 0 ||
	    get_long(root, "from", 1900, 9999, &from, fname, e) < 0 ||
	    get_long(root, "to", 1900, 9999, &to, fname, e) < 0 ||
	    get_bool(root, "all_met", &sl->all_met, fname, e) < 0)
		goto out;
	sl->from = (int)from;
	sl->to = (int)to;
	r = ymap_get(root, "rule");
	p = ymap_get(root, "person");
	ys = ymap_get(root, "years");
	t = ymap_get(root, "totals");
	if (r == NULL || p == NULL || ys == NULL || t == NULL) {
		ceh_fail(e, CEH_EINPUT, "%s: a slip needs rule, person, years "
		    "and totals", fname);
		goto out;
	}
	if (ynode_expect(r, Y_MAP, "rule", fname, e) < 0 ||
	    ynode_expect(p, Y_MAP, "person", fname, e) < 0 ||
	    ynode_expect(ys, Y_SEQ, "years", fname, e) < 0 ||
	    ynode_expect(t, Y_MAP, "totals", fname, e) < 0 ||
	    ymap_only(r, rk, fname, e) < 0 || ymap_only(p, pk, fname, e) < 0 ||
	    ymap_only(t, tk, fname, e) < 0)
		goto out;
	if (ymap_str(r, "scheme", 1, &scheme, fname, e) < 0 ||
	    get_long(r, "annual_total", 0, 10000, &sl->rule.total_min, fname,
	    e) < 0 ||
	    get_long(r, "annual_public", 0, 10000, &sl->rule.public_min,
	    fname, e) < 0 ||
	    get_long(r, "annual_professional", 0, 10000, &sl->rule.pro_min,
	    fname, e) < 0 ||
	    ymap_str(r, "professional_share", 1, &share, fname, e) < 0 ||
	    get_str(r, "text", &sl->rule.text, fname, e) < 0)
		goto out;
	if (strcmp(scheme, "hunan") != 0 && strcmp(scheme, "national") != 0) {
		ceh_fail(e, CEH_EINPUT, "%s: rule.scheme must be hunan or "
		    "national", fname);
		goto out;
	}
	sl->rule.national = strcmp(scheme, "national") == 0;
	if (sscanf(share, "%ld/%ld%c", &sn, &sd, &extra) != 2 || sn < 0 ||
	    sd <= 0 || sn > sd) {
		ceh_fail(e, CEH_EINPUT, "%s: rule.professional_share must be "
		    "a fraction like 2/3", fname);
		goto out;
	}
	sl->rule.share_num = sn;
	sl->rule.share_den = sd;
	if (ymap_str(p, "id_number", 1, &idn, fname, e) < 0)
		goto out;
	if (strlen(idn) != IDNUM_LEN) {
		ceh_fail(e, CEH_EINPUT, "%s: person.id_number is not an ID "
		    "number", fname);
		goto out;
	}
	memcpy(sl->id_number, idn, IDNUM_LEN + 1);
	if (get_str(p, "name", &sl->name, fname, e) < 0 ||
	    get_str(p, "sex", &sl->sex, fname, e) < 0 ||
	    get_str(p, "unit", &sl->unit, fname, e) < 0 ||
	    get_str(p, "unit_name", &sl->unit_name, fname, e) < 0 ||
	    get_str(p, "series", &sl->series, fname, e) < 0 ||
	    get_str(p, "specialty", &sl->specialty, fname, e) < 0 ||
	    get_str(p, "title_level", &sl->title_level, fname, e) < 0 ||
	    get_str(p, "application", &sl->application, fname, e) < 0)
		goto out;
	if (ys->n == 0 || ys->n > SLIP_MAX_YEARS) {
		ceh_fail(e, CEH_EINPUT, "%s: a slip has 1 to %d years",
		    fname, SLIP_MAX_YEARS);
		goto out;
	}
	sl->years = xcalloc(ys->n, sizeof(*sl->years));
	for (i = 0; i < ys->n; i++) {
		const struct ynode *y = ys->vals[i];
		struct slip_year *sy = &sl->years[i];
		long yr;

		year_empty(sy, 0);
		sl->nyears = i + 1;
		if (ynode_expect(y, Y_MAP, "years item", fname, e) < 0 ||
		    ymap_only(y, yk, fname, e) < 0 ||
		    get_long(y, "year", 1900, 9999, &yr, fname, e) < 0 ||
		    get_bool(y, "approved", &sy->approved, fname, e) < 0 ||
		    get_str(y, "public_subject", &sy->pub_subject, fname,
		    e) < 0 ||
		    get_hours(y, "public_hours", &sy->pub_half, fname, e) < 0 ||
		    get_str(y, "public_form", &sy->pub_form, fname, e) < 0 ||
		    get_str(y, "professional_subject", &sy->pro_subject, fname,
		    e) < 0 ||
		    get_hours(y, "professional_hours", &sy->pro_half, fname,
		    e) < 0 ||
		    get_str(y, "professional_form", &sy->pro_form, fname,
		    e) < 0 ||
		    get_hours(y, "total_hours", &sy->total_half, fname, e) < 0 ||
		    get_bool(y, "met", &sy->met, fname, e) < 0 ||
		    get_str(y, "agency", &sy->agency, fname, e) < 0 ||
		    get_str(y, "agency_name", &sy->agency_name, fname, e) < 0 ||
		    get_str(y, "approved_on", &sy->approved_on, fname, e) < 0 ||
		    get_str(y, "application", &sy->application, fname, e) < 0)
			goto out;
		sy->year = (int)yr;
	}
	if (get_hours(t, "public_hours", &sl->pub_half, fname, e) < 0 ||
	    get_hours(t, "professional_hours", &sl->pro_half, fname, e) < 0 ||
	    get_hours(t, "total_hours", &sl->total_half, fname, e) < 0 ||
	    get_long(t, "years", 1, SLIP_MAX_YEARS, &nyears, fname, e) < 0 ||
	    get_long(t, "years_approved", 0, SLIP_MAX_YEARS,
	    &sl->years_approved, fname, e) < 0 ||
	    get_long(t, "years_met", 0, SLIP_MAX_YEARS, &sl->years_met, fname,
	    e) < 0)
		goto out;
	if (nyears != (long)sl->nyears) {
		ceh_fail(e, CEH_EINPUT, "%s: totals.years says %ld but the "
		    "slip lists %zu", fname, nyears, sl->nyears);
		goto out;
	}
	rc = 0;
out:
	ytree_free(root);
	if (rc < 0)
		slip_release(sl);
	return rc;
}

/* ---- verifying ---- */

const char *
slip_verdict_name(enum slip_verdict v)
{
	switch (v) {
	case SLIP_VALID: return "valid";
	case SLIP_ALTERED: return "altered";
	case SLIP_UNKNOWN: return "unknown";
	case SLIP_CHANGED: return "changed";
	}
	return "?";
}

int
slip_verdict_exit(enum slip_verdict v)
{
	switch (v) {
	case SLIP_VALID: return CEH_OK;
	case SLIP_ALTERED: return CEH_EINPUT;
	case SLIP_UNKNOWN: return CEH_ENOTFOUND;
	case SLIP_CHANGED: return CEH_ESTATE;
	}
	return CEH_ESYS;
}

static void
describe_year(const struct slip_year *y, struct sbuf *sb)
{
	char a[24], b[24], c[24];

	if (!y->approved) {
		sb_adds(sb, "未核认");
		return;
	}
	sb_addf(sb, "公需 %s + 专业 %s = %s", hours_fmt(y->pub_half, a,
	    sizeof(a)), hours_fmt(y->pro_half, b, sizeof(b)),
	    hours_fmt(y->total_half, c, sizeof(c)));
}

static int
year_same(const struct slip_year *a, const struct slip_year *b)
{
	return a->year == b->year && a->approved == b->approved &&
	    a->pub_half == b->pub_half && a->pro_half == b->pro_half &&
	    a->met == b->met && strcmp(a->pub_subject, b->pub_subject) == 0 &&
	    strcmp(a->pro_subject, b->pro_subject) == 0 &&
	    strcmp(a->pub_form, b->pub_form) == 0 &&
	    strcmp(a->pro_form, b->pro_form) == 0 &&
	    strcmp(a->agency, b->agency) == 0 &&
	    strcmp(a->approved_on, b->approved_on) == 0 &&
	    strcmp(a->application, b->application) == 0;
}

int
slip_verify(struct store *s, const struct slip *sl, int from_file,
    enum slip_verdict *v, struct sbuf *why, struct ceh_err *e)
{
	char code[SLIP_CODE_LEN + 1], given[SLIP_CODE_LEN + 1];
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	struct slip rec, cur;
	struct ceh_err ce;
	size_t i;
	int rc = -1;

	slip_init(&rec);
	slip_init(&cur);
	if (slip_compute_code(s, sl, code, e) < 0)
		return -1;
	if (slip_code_normalise(sl->code, given) < 0 ||
	    !hash_equal(code, given)) {
		*v = SLIP_ALTERED;
		sb_addf(why, from_file ? "the figures of slip %s do not match "
		    "its verification code: the slip was altered or the code "
		    "is forged" : "the store's record of slip %s does not "
		    "match its verification code: the record was altered",
		    sl->number);
		return 0;
	}
	if (from_file) {
		if (slip_record_find(s, NULL, sl->number, &rec, e) < 0) {
			if (e->code != CEH_ENOTFOUND)
				return -1;
			*v = SLIP_UNKNOWN;
			sb_addf(why, "no slip numbered %s was issued by this "
			    "store", sl->number);
			return 0;
		}
		slip_canonical(sl, 1, &a);
		slip_canonical(&rec, 1, &b);
		if (a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0) {
			*v = SLIP_ALTERED;
			sb_addf(why, "slip %s differs from the store's record "
			    "of it", sl->number);
			rc = 0;
			goto out;
		}
		sb_reset(&a);
		sb_reset(&b);
	}
	if (collect(s, sl->id_number, sl->from, sl->to, &sl->rule, &cur,
	    &ce) < 0) {
		if (ce.code == CEH_ENOTFOUND || ce.code == CEH_EINPUT ||
		    ce.code == CEH_ESTATE) {
			*v = SLIP_CHANGED;
			sb_addf(why, "the approved data no longer give this "
			    "slip: %s", ce.msg);
			rc = 0;
		} else
			*e = ce;
		goto out;
	}
	slip_canonical(sl, 0, &a);
	slip_canonical(&cur, 0, &b);
	if (a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0) {
		*v = SLIP_VALID;
		sb_addf(why, "slip %s was issued by this store on %s and its "
		    "figures match the approved data", sl->number,
		    sl->printed_on);
		rc = 0;
		goto out;
	}
	*v = SLIP_CHANGED;
	sb_addf(why, "slip %s was issued by this store but the approved data "
	    "have changed since:", sl->number);
	for (i = 0; i < sl->nyears && i < cur.nyears; i++) {
		if (year_same(&sl->years[i], &cur.years[i]))
			continue;
		sb_addf(why, " %d: slip ", sl->years[i].year);
		describe_year(&sl->years[i], why);
		sb_adds(why, ", now ");
		describe_year(&cur.years[i], why);
		sb_addc(why, ';');
	}
	if (why->len && why->buf[why->len - 1] == ';')
		why->buf[--why->len] = '\0';
	rc = 0;
out:
	sb_release(&a);
	sb_release(&b);
	slip_release(&rec);
	slip_release(&cur);
	return rc;
}
