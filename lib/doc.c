#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codes.h"
#include "chain.h"
#include "doc.h"
#include "err.h"
#include "i18n.h"
#include "util.h"
#include "validate.h"
#include "ytree.h"

static const char *const stage_names[STAGE__COUNT] = { "draft", "review",
    "approved", "rejected" };

const char *
stage_name(enum stage s)
{
	return stage_names[s];
}

int
stage_parse(const char *s, enum stage *out)
{
	int i;

	for (i = 0; i < STAGE__COUNT; i++)
		if (strcmp(s, stage_names[i]) == 0) {
			*out = (enum stage)i;
			return 0;
		}
	return -1;
}

const struct applicant_field applicant_fields[APPLICANT_NFIELDS + 1] = {
	{ "id", "id_number", "证件号码", 1, "IDNUMBER" },
	{ "name", "name", "姓名", 1, "NAME" },
	{ "ethnicity", "ethnicity", "民族", 1, "ETHNICITY" },
	{ "unit", "unit", "单位", 1, "CODE" },
	{ "unit-nature", "unit_nature", "单位性质", 1, "NATURE" },
	{ "title-level", "title_level", "拟申报职称", 1, "LEVEL" },
	{ "phone", "phone", "联系电话", 1, "PHONE" },
	{ "education", "education", "最高学历", 0, "EDUCATION" },
	{ "series", "series", "申报大类", 1, "SERIES" },
	{ "specialty", "specialty", "子专业名称", 1, "SPECIALTY" },
	{ "region", "region", "行政区划名称", 1, "REGION" },
	{ "remark", "remark", "备注", 0, "TEXT" },
	{ NULL, NULL, NULL, 0, NULL }
};

static char **
field_slot(struct applicant *a, const char *option)
{
	if (strcmp(option, "name") == 0) return &a->name;
	if (strcmp(option, "ethnicity") == 0) return &a->ethnicity;
	if (strcmp(option, "unit") == 0) return &a->unit;
	if (strcmp(option, "unit-nature") == 0) return &a->unit_nature;
	if (strcmp(option, "title-level") == 0) return &a->title_level;
	if (strcmp(option, "phone") == 0) return &a->phone;
	if (strcmp(option, "education") == 0) return &a->education;
	if (strcmp(option, "series") == 0) return &a->series;
	if (strcmp(option, "specialty") == 0) return &a->specialty;
	if (strcmp(option, "region") == 0) return &a->region;
	if (strcmp(option, "remark") == 0) return &a->remark;
	return NULL;
}

const char *
applicant_get(const struct applicant *a, const char *option)
{
	char **slot;

	if (strcmp(option, "id") == 0)
		return a->id_number;
	slot = field_slot((struct applicant *)a, option);
	return slot && *slot ? *slot : "";
}

static void
set_str(char **slot, const char *v)
{
	char *old = *slot;

	*slot = xstrdup(v);
	free(old);
}

int
applicant_set(struct applicant *a, const char *option, const char *val,
    const struct codes *c, struct ceh_err *e)
{
	const struct code_item *it;
	char canon[CREDIT_LEN + 1];
	enum code_list_id list = CL__COUNT;
	char **slot;
	const char *label = option;

	for (const struct applicant_field *f = applicant_fields; f->option;
	    f++)
		if (strcmp(f->option, option) == 0)
			label = f->option;
	if (strcmp(option, "id") == 0)
		return idnum_check("--id", val, a->id_number, e);
	slot = field_slot(a, option);
	if (slot == NULL)
		return ceh_fail(e, CEH_EUSAGE, _("unknown field '%s'"), option);
	{
		char opt[40];

		snprintf(opt, sizeof(opt), "--%s", label);
		if (text_check(opt, val, strcmp(option, "remark") == 0 ?
		    200 : 60, strcmp(option, "remark") != 0 &&
		    strcmp(option, "education") != 0, 0, e) < 0)
			return -1;
	}
	if (strcmp(option, "name") == 0) {
		if (strpbrk(val, "0123456789@/\\<>") != NULL)
			return ceh_fail(e, CEH_EINPUT, _("--name '%s' contains "
			    "characters a name cannot have"), val);
	} else if (strcmp(option, "unit") == 0) {
		if (credit_check("--unit", val, canon, e) < 0)
			return -1;
		val = canon;
	} else if (strcmp(option, "phone") == 0) {
		if (phone_check("--phone", val, e) < 0)
			return -1;
	} else if (strcmp(option, "ethnicity") == 0) {
		list = CL_ETHNIC;
	} else if (strcmp(option, "unit-nature") == 0) {
		list = CL_UNIT_NATURE;
	} else if (strcmp(option, "title-level") == 0) {
		list = CL_TITLE_LEVEL;
	} else if (strcmp(option, "education") == 0) {
		if (*val)
			list = CL_EDUCATION;
	} else if (strcmp(option, "series") == 0) {
		list = CL_SERIES;
	} else if (strcmp(option, "region") == 0) {
		list = CL_REGION;
	}
	if (list != CL__COUNT && c != NULL) {
		char opt[40];

		snprintf(opt, sizeof(opt), "--%s", option);
		if (codes_resolve(c, list, opt, val, &it, e) < 0)
			return -1;
		val = it->name;
	}
	set_str(slot, val);
	return 0;
}

int
applicant_check(const struct applicant *a, const struct codes *c,
    struct ceh_err *e)
{
	struct applicant tmp;
	const struct applicant_field *f;
	int rc = 0;

	memset(&tmp, 0, sizeof(tmp));
	for (f = applicant_fields; f->option && rc == 0; f++) {
		const char *v = applicant_get(a, f->option);

		if (!f->required && *v == '\0')
			continue;
		if (f->required && *v == '\0') {
			rc = ceh_fail(e, CEH_EINPUT, _("%s (--%s) is missing"),
			    f->label, f->option);
			break;
		}
		rc = applicant_set(&tmp, f->option, v, c, e);
		if (rc == 0 && strcmp(f->option, "id") != 0 &&
		    strcmp(applicant_get(&tmp, f->option), v) != 0)
			rc = ceh_fail(e, CEH_EINPUT, _("%s '%s' is not in its "
			    "canonical form '%s'"), f->key, v,
			    applicant_get(&tmp, f->option));
	}
	for (f = applicant_fields; f->option; f++) {
		char **slot = field_slot(&tmp, f->option);

		if (slot)
			free(*slot);
	}
	return rc;
}

void
app_init(struct application *app)
{
	memset(app, 0, sizeof(*app));
	app->format = DOC_FORMAT;
	app->stage = STAGE_DRAFT;
}

static void
line_release(struct subject_line *l)
{
	free(l->subject);
	free(l->form);
	l->subject = l->form = NULL;
	l->hours = 0;
}

void
year_row_release(struct year_row *row)
{
	size_t i;

	line_release(&row->pub);
	line_release(&row->pro);
	for (i = 0; i < row->nrecords; i++)
		free(row->records[i]);
	free(row->records);
	for (i = 0; i < row->natt; i++) {
		struct attachment *at = &row->att[i];

		free(at->name);
		free(at->entry);
		free(at->type);
		free(at->sha256);
		free(at->added);
	}
	free(row->att);
	memset(row, 0, sizeof(*row));
}

static void
event_release(struct event *ev)
{
	free(ev->at);
	free(ev->what);
	free(ev->by);
	free(ev->unit);
	free(ev->next);
	free(ev->reason);
	free(ev->detail);
	free(ev->changes);
	free(ev->prev);
	free(ev->content);
	free(ev->key);
	free(ev->sig);
}

void
app_release(struct application *app)
{
	const struct applicant_field *f;
	size_t i;

	free(app->id);
	free(app->waiting_at);
	free(app->created);
	free(app->updated);
	for (f = applicant_fields; f->option; f++) {
		char **slot = field_slot(&app->a, f->option);

		if (slot)
			free(*slot);
	}
	for (i = 0; i < app->nyears; i++)
		year_row_release(&app->years[i]);
	free(app->years);
	for (i = 0; i < app->nhistory; i++)
		event_release(&app->history[i]);
	free(app->history);
	free(app->pending);
	app_init(app);
}

struct year_row *
app_year(struct application *app, int year)
{
	size_t i;

	for (i = 0; i < app->nyears; i++)
		if (app->years[i].year == year)
			return &app->years[i];
	return NULL;
}

/* A subject line's hours as text, "" without a subject. */
static const char *
line_hours(const struct subject_line *l, char *buf, size_t size)
{
	if (l->subject == NULL || l->subject[0] == '\0')
		return "";
	return hours_fmt(l->hours, buf, size);
}

/* The notes of a replaced row: every subject line field that differs
 * (the records a row was built from are its provenance, in the row). */
static void
note_row(struct application *app, const struct year_row *o,
    const struct year_row *n)
{
	const struct subject_line *ol[2] = { &o->pub, &o->pro };
	const struct subject_line *nl[2] = { &n->pub, &n->pro };
	static const char *const pre[2] = { "public", "pro" };
	char key[32], h1[24], h2[24];
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(key, sizeof(key), "%s-subject", pre[i]);
		app_note_change(app, key, ol[i]->subject, nl[i]->subject);
		snprintf(key, sizeof(key), "%s-hours", pre[i]);
		app_note_change(app, key, line_hours(ol[i], h1, sizeof(h1)),
		    line_hours(nl[i], h2, sizeof(h2)));
		snprintf(key, sizeof(key), "%s-form", pre[i]);
		app_note_change(app, key, ol[i]->form, nl[i]->form);
	}
}

/* v quoted, cut at APP_CHANGE_MAX bytes on a character boundary. */
static void
quote_value(struct sbuf *out, const char *v)
{
	size_t n = strlen(v), cut = n;

	if (n > APP_CHANGE_MAX) {
		cut = APP_CHANGE_MAX;
		while (cut > 0 && ((unsigned char)v[cut] & 0xc0) == 0x80)
			cut--;
	}
	sb_addc(out, '"');
	for (; cut > 0; v++, cut--) {
		if (*v == '"' || *v == '\\')
			sb_addc(out, '\\');
		sb_addc(out, *v);
	}
	if (n > APP_CHANGE_MAX)
		sb_adds(out, "…");
	sb_addc(out, '"');
}

void
app_note_change(struct application *app, const char *key, const char *old,
    const char *new)
{
	struct sbuf sb = SBUF_INIT;

	old = old ? old : "";
	new = new ? new : "";
	if (strcmp(old, new) == 0)
		return;
	if (app->pending)
		sb_addf(&sb, "%s; ", app->pending);
	sb_addf(&sb, "%s: ", key);
	quote_value(&sb, old);
	sb_adds(&sb, " → ");
	quote_value(&sb, new);
	free(app->pending);
	app->pending = xstrdup(sb_str(&sb));
	sb_release(&sb);
}

void
app_put_year(struct application *app, struct year_row *row)
{
	struct year_row *old = app_year(app, row->year);
	size_t i;

	if (old) {
		note_row(app, old, row);
		year_row_release(old);
		*old = *row;
		memset(row, 0, sizeof(*row));
		return;
	}
	app->years = xreallocarray(app->years, app->nyears + 1,
	    sizeof(*app->years));
	for (i = app->nyears; i > 0 && app->years[i - 1].year > row->year; i--)
		app->years[i] = app->years[i - 1];
	app->years[i] = *row;
	app->nyears++;
	memset(row, 0, sizeof(*row));
}

int
app_remove_year(struct application *app, int year)
{
	struct year_row *row = app_year(app, year);
	size_t i;

	if (row == NULL)
		return -1;
	i = (size_t)(row - app->years);
	year_row_release(row);
	memmove(&app->years[i], &app->years[i + 1],
	    (app->nyears - i - 1) * sizeof(*app->years));
	app->nyears--;
	return 0;
}

long
year_total(const struct year_row *row)
{
	return row->pub.hours + row->pro.hours;
}

static int
line_check(const struct subject_line *l, int year, const char *which,
    const struct doc_rules *r, struct ceh_err *e)
{
	const struct code_item *it;
	char field[128];

	if (l->subject == NULL || l->subject[0] == '\0') {
		if (l->hours != 0 || (l->form && l->form[0]))
			return ceh_fail(e, CEH_EINPUT, _("year %d: %s hours or "
			    "form given without a subject name"), year, which);
		return 0;
	}
	/* the field's name is made only for an error: every document read
	 * passes here, and almost all of them pass */
	if (text_check("", l->subject, 100, 1, 0, e) < 0) {
		snprintf(field, sizeof(field), _("year %d: %s subject"), year,
		    which);
		return text_check(field, l->subject, 100, 1, 0, e);
	}
	if (l->form == NULL || l->form[0] == '\0')
		return ceh_fail(e, CEH_EINPUT, _("year %d: %s subject '%s' needs "
		    "a form of education"), year, which, l->subject);
	if (text_check("", l->form, 60, 1, 0, e) < 0 || (r && r->codes &&
	    (codes_resolve(r->codes, CL_CE_FORM, "", l->form, &it, e) < 0 ||
	    strcmp(it->name, l->form) != 0))) {
		/* again, with the field's name in the message */
		snprintf(field, sizeof(field), _("year %d: %s form"), year,
		    which);
		if (text_check(field, l->form, 60, 1, 0, e) < 0)
			return -1;
		/* then the code list refused it (r->codes is set) */
		if (codes_resolve(r->codes, CL_CE_FORM, field, l->form, &it,
		    e) < 0)
			return -1;
		return ceh_fail(e, CEH_EINPUT, _("%s '%s' is not in its "
		    "canonical form '%s'"), field, l->form, it->name);
	}
	if (l->hours < 0)
		return ceh_fail(e, CEH_EINPUT, _("year %d: %s hours are "
		    "negative"), year, which);
	return 0;
}

int
year_row_check(const struct year_row *row, const struct doc_rules *r,
    struct ceh_err *e)
{
	char buf[24];

	if (year_check(_("year"), row->year, e) < 0)
		return -1;
	/* which: the subject line's word, in "year %d: %s subject" */
	if (line_check(&row->pub, row->year, _("public"), r, e) < 0 ||
	    line_check(&row->pro, row->year, _("professional"), r, e) < 0)
		return -1;
	if ((row->pub.subject == NULL || !row->pub.subject[0]) &&
	    (row->pro.subject == NULL || !row->pro.subject[0]) &&
	    row->nrecords == 0)
		return ceh_fail(e, CEH_EINPUT, _("year %d: give a public or a "
		    "professional subject"), row->year);
	if (r && r->max_half_year > 0 && year_total(row) > r->max_half_year)
		return ceh_fail(e, CEH_EINPUT, _("year %d: total %s hours is "
		    "more than the store's limit of %ld a year"), row->year,
		    hours_fmt(year_total(row), buf, sizeof(buf)),
		    r->max_half_year / 2);
	return 0;
}

static char who[480];		/* actor(), made once */
static char *operator_name;	/* app_operator_set, or NULL */

int
app_operator_set(const char *field, const char *name, struct ceh_err *e)
{
	if (name_check(field, name, APP_OPERATOR_MAX, e) < 0)
		return -1;
	if (strpbrk(name, "()") != NULL)
		return ceh_fail(e, CEH_EINPUT, _("%s must not contain '(' or "
		    "')'"), field);
	free(operator_name);
	operator_name = xstrdup(name);
	who[0] = '\0';
	return 0;
}

static const char *
actor(void)
{
	const char *user = getenv("CEH_USER");
	char host[64] = "localhost";

	if (who[0])
		return who;
	if (user == NULL || *user == '\0') {
		struct passwd *pw = getpwuid(getuid());

		user = pw ? pw->pw_name : "unknown";
	}
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(who, sizeof(who), "%.80s@%.63s", user, host);
	if (has_control(who) || !utf8_valid(who, strlen(who)))
		snprintf(who, sizeof(who), "unknown");
	if (operator_name) {
		char account[160];

		snprintf(account, sizeof(account), "%s", who);
		snprintf(who, sizeof(who), "%s (%s)", operator_name, account);
	}
	return who;
}

const char *
app_actor(void)
{
	return actor();
}

void
app_push_event(struct application *app, const char *what, const char *unit,
    const char *next, const char *reason, const char *detail)
{
	struct event *ev;
	char ts[32];

	iso_time(now(), ts, sizeof(ts));
	app->history = xreallocarray(app->history, app->nhistory + 1,
	    sizeof(*app->history));
	ev = &app->history[app->nhistory++];
	memset(ev, 0, sizeof(*ev));
	ev->at = xstrdup(ts);
	ev->what = xstrdup(what);
	ev->by = xstrdup(actor());
	ev->unit = xstrdup(unit ? unit : "");
	ev->next = xstrdup(next ? next : "");
	ev->reason = xstrdup(reason ? reason : "");
	ev->detail = xstrdup(detail ? detail : "");
	ev->changes = app->pending ? app->pending : xstrdup("");
	app->pending = NULL;
	ev->prev = xstrdup("");
	ev->content = xstrdup("");
	ev->key = xstrdup("");
	ev->sig = xstrdup("");
	app->revision++;
	set_str(&app->updated, ts);
	if (app->created == NULL)
		app->created = xstrdup(ts);
}

void
app_add_event(struct application *app, const char *what, const char *unit,
    const char *next, const char *reason, const char *detail)
{
	app_push_event(app, what, unit, next, reason, detail);
	chain_seal(app);
}

/*
 * The guide's status words, the same in every language (not _()): they
 * are the value of list's status column (TSV, CSV) and of show's JSON
 * "status", which scripts read (ceh(1) LANGUAGE), and they are compared
 * by value (show, index, report).
 */
const char *
app_status(const struct application *app)
{
	size_t i;

	switch (app->stage) {
	case STAGE_REVIEW:
		return "待审核";
	case STAGE_APPROVED:
		return "审核通过";
	case STAGE_REJECTED:
		return "审核不通过";
	default:
		break;
	}
	for (i = app->nhistory; i > 0; i--) {
		const char *w = app->history[i - 1].what;

		if (strcmp(w, "returned") == 0)
			return "退回";
		if (strcmp(w, "withdrawn") == 0)
			return "已撤销";
		if (strcmp(w, "submitted") == 0 || strcmp(w, "created") == 0)
			break;
	}
	return "暂存";
}

const char *
app_last_reason(const struct application *app)
{
	size_t i;

	for (i = app->nhistory; i > 0; i--) {
		const struct event *ev = &app->history[i - 1];

		if (strcmp(ev->what, "rejected") == 0 ||
		    strcmp(ev->what, "returned") == 0 ||
		    strcmp(ev->what, "revoked") == 0)
			return ev->reason;
		/* a decision taken back gives no reason any more */
		if (strcmp(ev->what, "submitted") == 0 ||
		    strcmp(ev->what, "undone") == 0)
			break;
	}
	return "";
}

/* ---- parsing ---- */

static int
get_line(struct subject_line *l, const struct ynode *m, const char *prefix,
    const char *fname, const struct doc_rules *r, struct ceh_err *e)
{
	char k1[40], k2[40], k3[40];
	const char *subject = NULL, *hours = NULL, *form = NULL;

	snprintf(k1, sizeof(k1), "%s_subject", prefix);
	snprintf(k2, sizeof(k2), "%s_hours", prefix);
	snprintf(k3, sizeof(k3), "%s_form", prefix);
	if (ymap_str(m, k1, 0, &subject, fname, e) < 0 ||
	    ymap_str(m, k2, 0, &hours, fname, e) < 0 ||
	    ymap_str(m, k3, 0, &form, fname, e) < 0)
		return -1;
	l->subject = xstrdup(subject ? subject : "");
	l->form = xstrdup(form ? form : "");
	l->hours = 0;
	if (hours && *hours && hours_parse(k2, hours,
	    r && r->max_half_year ? r->max_half_year : 200000, &l->hours,
	    e) < 0) {
		ceh_err_prefix(e, "%s:%d", fname, m->line);
		return -1;
	}
	return 0;
}

static int
get_attachments(struct year_row *row, const struct ynode *seq,
    const char *fname, struct ceh_err *e)
{
	static const char *const keys[] = { "name", "entry", "size", "type",
	    "sha256", "added", NULL };
	size_t i;

	if (ynode_expect(seq, Y_SEQ, "attachments", fname, e) < 0)
		return -1;
	row->att = xcalloc(seq->n, sizeof(*row->att));
	for (i = 0; i < seq->n; i++) {
		const struct ynode *m = seq->vals[i];
		struct attachment *at = &row->att[row->natt];
		const char *name, *entry, *type, *sha, *added;

		if (ynode_expect(m, Y_MAP, "attachment", fname, e) < 0 ||
		    ymap_only(m, keys, fname, e) < 0 ||
		    ymap_str(m, "name", 1, &name, fname, e) < 0 ||
		    ymap_str(m, "entry", 1, &entry, fname, e) < 0 ||
		    ymap_long(m, "size", 1, 0, 1L << 40, &at->size, fname,
		    e) < 0 ||
		    ymap_str(m, "type", 1, &type, fname, e) < 0 ||
		    ymap_str(m, "sha256", 1, &sha, fname, e) < 0 ||
		    ymap_str(m, "added", 1, &added, fname, e) < 0)
			return -1;
		if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
			return ceh_fail(e, CEH_EINPUT, _("%s:%d: sha256 must be "
			    "64 hex digits"), fname, m->line);
		if (has_control(name) || has_control(entry) ||
		    strstr(entry, "..") || entry[0] == '/' ||
		    strchr(entry, '\\'))
			return ceh_fail(e, CEH_EINPUT, _("%s:%d: unsafe "
			    "attachment name"), fname, m->line);
		at->name = xstrdup(name);
		at->entry = xstrdup(entry);
		at->type = xstrdup(type);
		at->sha256 = xstrdup(sha);
		at->added = xstrdup(added);
		row->natt++;
	}
	return 0;
}

static int
get_year(struct application *app, const struct ynode *m, const char *fname,
    const struct doc_rules *r, struct ceh_err *e)
{
	static const char *const keys[] = { "year", "public_subject",
	    "public_hours", "public_form", "professional_subject",
	    "professional_hours", "professional_form", "total_hours",
	    "records", "attachments", NULL };
	struct year_row row;
	const struct ynode *rec, *att;
	const char *total = NULL;
	long year, t;
	size_t i;

	memset(&row, 0, sizeof(row));
	if (ynode_expect(m, Y_MAP, "year row", fname, e) < 0 ||
	    ymap_only(m, keys, fname, e) < 0 ||
	    ymap_long(m, "year", 1, 1000, 9999, &year, fname, e) < 0)
		return -1;
	row.year = (int)year;
	if (app_year(app, row.year))
		return ceh_fail(e, CEH_EINPUT, _("%s:%d: year %d appears twice"),
		    fname, m->line, row.year);
	if (get_line(&row.pub, m, "public", fname, r, e) < 0 ||
	    get_line(&row.pro, m, "professional", fname, r, e) < 0)
		goto fail;
	if (ymap_str(m, "total_hours", 1, &total, fname, e) < 0)
		goto fail;
	if (hours_parse("total_hours", total, 400000, &t, e) < 0 ||
	    t != year_total(&row)) {
		ceh_fail(e, CEH_EINPUT, _("%s:%d: total_hours '%.20s' is not the "
		    "sum of public and professional hours"), fname, m->line,
		    total);
		goto fail;
	}
	rec = ymap_get(m, "records");
	if (rec) {
		if (ynode_expect(rec, Y_SEQ, "records", fname, e) < 0)
			goto fail;
		row.records = xcalloc(rec->n, sizeof(char *));
		for (i = 0; i < rec->n; i++) {
			if (ynode_expect(rec->vals[i], Y_SCALAR, "record",
			    fname, e) < 0 || has_control(rec->vals[i]->str)) {
				if (e->code == 0)
					ceh_fail(e, CEH_EINPUT, _("%s:%d: bad "
					    "record id"), fname, m->line);
				goto fail;
			}
			row.records[row.nrecords++] =
			    xstrdup(rec->vals[i]->str);
		}
	}
	att = ymap_get(m, "attachments");
	if (att && get_attachments(&row, att, fname, e) < 0)
		goto fail;
	if (year_row_check(&row, r, e) < 0) {
		ceh_err_prefix(e, "%s:%d", fname, m->line);
		goto fail;
	}
	app_put_year(app, &row);
	return 0;
fail:
	year_row_release(&row);
	return -1;
}

static int
get_event(struct application *app, const struct ynode *m, const char *fname,
    struct ceh_err *e)
{
	static const char *const keys[] = { "at", "event", "by", "unit",
	    "next", "reason", "detail", "prev", "content", "key", "sig",
	    "changes", NULL };
	const char *v[12] = { "", "", "", "", "", "", "", "", "", "", "",
	    "" };
	struct event *ev;
	time_t t;
	int i;

	const struct ynode *node[12] = { NULL };
	size_t j;

	if (ynode_expect(m, Y_MAP, "event", fname, e) < 0)
		return -1;
	/* one pass over the event's keys: ymap_only and ymap_str in one
	 * (the same errors, in the same order: an unknown key first) */
	for (j = 0; j < m->n; j++) {
		for (i = 0; i < 12 && strcmp(m->keys[j], keys[i]) != 0; i++)
			;
		if (i == 12)
			return ymap_only(m, keys, fname, e);
		node[i] = m->vals[j];
	}
	for (i = 0; i < 12; i++)
		if (ynode_str(m, node[i], keys[i], i < 2, &v[i], fname, e) < 0)
			return -1;
	if (parse_iso_time(v[0], &t) < 0)
		return ceh_fail(e, CEH_EINPUT, _("%s:%d: event time '%.30s' is "
		    "not like 2026-01-31T08:00:00Z"), fname, m->line, v[0]);
	for (i = 0; i < 12; i++)
		if (text_check(keys[i], v[i], i == 11 ? APP_CHANGES_MAX : 500,
		    0, 0, e) < 0) {
			ceh_err_prefix(e, "%s:%d", fname, m->line);
			return -1;
		}
	/* doc_parse made room for every event of the file */
	ev = &app->history[app->nhistory++];
	ev->at = xstrdup(v[0]);
	ev->what = xstrdup(v[1]);
	ev->by = xstrdup(v[2]);
	ev->unit = xstrdup(v[3]);
	ev->next = xstrdup(v[4]);
	ev->reason = xstrdup(v[5]);
	ev->detail = xstrdup(v[6]);
	ev->prev = xstrdup(v[7]);
	ev->content = xstrdup(v[8]);
	ev->key = xstrdup(v[9]);
	ev->sig = xstrdup(v[10]);
	ev->changes = xstrdup(v[11]);
	return 0;
}

int
doc_parse(struct application *app, const char *buf, size_t len,
    const char *fname, const struct doc_rules *r, struct ceh_err *e)
{
	static const char *const top[] = { "format", "id", "stage",
	    "waiting_at", "revision", "created", "updated", "applicant",
	    "years", "history", NULL };
	static const char *const akeys[] = { "id_number", "name", "sex",
	    "ethnicity", "unit", "unit_nature", "title_level", "phone",
	    "education", "series", "specialty", "region", "remark", NULL };
	struct ynode *root;
	const struct ynode *ap, *ys, *hs;
	const char *id, *stage, *waiting = "", *created, *updated, *sex = NULL;
	const struct applicant_field *f;
	size_t i;

	app_init(app);
	root = ytree_parse(buf, len, fname, e);
	if (root == NULL)
		return -1;
	if (ynode_expect(root, Y_MAP, "document", fname, e) < 0 ||
	    ymap_long(root, "format", 1, 1, 1000000, &app->format, fname,
	    e) < 0)
		goto fail;
	if (app->format > DOC_FORMAT) {
		ceh_fail(e, CEH_ESTATE, _("%s: document format %ld is newer than "
		    "this ceh understands (%d)"), fname, app->format,
		    DOC_FORMAT);
		goto fail;
	}
	if (ymap_only(root, top, fname, e) < 0 ||
	    ymap_str(root, "id", 1, &id, fname, e) < 0 ||
	    ymap_str(root, "stage", 1, &stage, fname, e) < 0 ||
	    ymap_str(root, "waiting_at", 0, &waiting, fname, e) < 0 ||
	    ymap_long(root, "revision", 1, 0, 1L << 40, &app->revision, fname,
	    e) < 0 ||
	    ymap_str(root, "created", 1, &created, fname, e) < 0 ||
	    ymap_str(root, "updated", 1, &updated, fname, e) < 0)
		goto fail;
	if (stage_parse(stage, &app->stage) < 0) {
		ceh_fail(e, CEH_EINPUT, _("%s: unknown stage '%.30s'"), fname,
		    stage);
		goto fail;
	}
	if (text_check("id", id, 80, 1, 0, e) < 0 ||
	    text_check("waiting_at", waiting, 18, 0, 0, e) < 0) {
		ceh_err_prefix(e, "%s", fname);
		goto fail;
	}
	if ((app->stage == STAGE_REVIEW) != (waiting[0] != '\0')) {
		ceh_fail(e, CEH_EINPUT, _("%s: waiting_at must be set exactly "
		    "when the stage is review"), fname);
		goto fail;
	}
	app->id = xstrdup(id);
	app->waiting_at = xstrdup(waiting);
	app->created = xstrdup(created);
	app->updated = xstrdup(updated);

	ap = ymap_get(root, "applicant");
	if (ynode_expect(ap, Y_MAP, "applicant", fname, e) < 0 ||
	    ymap_only(ap, akeys, fname, e) < 0)
		goto fail;
	for (f = applicant_fields; f->option; f++) {
		const char *v = "";

		if (ymap_str(ap, f->key, f->required, &v, fname, e) < 0)
			goto fail;
		if (strcmp(f->option, "id") == 0) {
			if (idnum_check("id_number", v, app->a.id_number,
			    e) < 0) {
				ceh_err_prefix(e, "%s", fname);
				goto fail;
			}
			continue;
		}
		*field_slot(&app->a, f->option) = xstrdup(v);
	}
	if (applicant_check(&app->a, r ? r->codes : NULL, e) < 0) {
		ceh_err_prefix(e, _("%s: applicant"), fname);
		goto fail;
	}
	if (ymap_str(ap, "sex", 0, &sex, fname, e) < 0)
		goto fail;
	if (sex && strcmp(sex, idnum_sex(app->a.id_number)) != 0) {
		ceh_fail(e, CEH_EINPUT, _("%s: sex '%.10s' does not match the ID "
		    "number"), fname, sex);
		goto fail;
	}
	if (strncmp(app->id, app->a.id_number, IDNUM_LEN) != 0 ||
	    app->id[IDNUM_LEN] != '-') {
		ceh_fail(e, CEH_EINPUT, _("%s: id '%.60s' does not belong to the "
		    "applicant's ID number"), fname, app->id);
		goto fail;
	}

	ys = ymap_get(root, "years");
	if (ys) {
		if (ynode_expect(ys, Y_SEQ, "years", fname, e) < 0)
			goto fail;
		for (i = 0; i < ys->n; i++)
			if (get_year(app, ys->vals[i], fname, r, e) < 0)
				goto fail;
	}
	hs = ymap_get(root, "history");
	if (hs) {
		if (ynode_expect(hs, Y_SEQ, "history", fname, e) < 0)
			goto fail;
		/* one allocation: growing by one per event is quadratic
		 * when realloc copies (a hostile file has 100000s) */
		app->history = xcalloc(hs->n ? hs->n : 1,
		    sizeof(*app->history));
		for (i = 0; i < hs->n; i++)
			if (get_event(app, hs->vals[i], fname, e) < 0)
				goto fail;
	}
	ytree_free(root);
	return 0;
fail:
	ytree_free(root);
	app_release(app);
	return -1;
}

/* ---- emitting ---- */

static void
emit_line(struct ywriter *w, const struct subject_line *l,
    const char *prefix)
{
	char key[40], buf[24];

	if (l->subject == NULL || l->subject[0] == '\0')
		return;
	snprintf(key, sizeof(key), "%s_subject", prefix);
	yw_kv(w, key, l->subject);
	snprintf(key, sizeof(key), "%s_hours", prefix);
	yw_plain(w, key);
	yw_plain(w, hours_fmt(l->hours, buf, sizeof(buf)));
	snprintf(key, sizeof(key), "%s_form", prefix);
	yw_kv(w, key, l->form);
}

static void
emit_opt(struct ywriter *w, const char *key, const char *v)
{
	if (v && v[0])
		yw_kv(w, key, v);
}

int
doc_emit(const struct application *app, struct sbuf *out, struct ceh_err *e)
{
	struct ywriter *w = yw_new();
	const struct applicant_field *f;
	char buf[24];
	size_t i, k;
	int rc;

	yw_map_start(w);
	yw_kv_long(w, "format", app->format);
	yw_kv(w, "id", app->id);
	yw_kv(w, "stage", stage_name(app->stage));
	emit_opt(w, "waiting_at", app->waiting_at);
	yw_kv_long(w, "revision", app->revision);
	yw_kv(w, "created", app->created);
	yw_kv(w, "updated", app->updated);

	yw_plain(w, "applicant");
	yw_map_start(w);
	for (f = applicant_fields; f->option; f++) {
		yw_kv(w, f->key, applicant_get(&app->a, f->option));
		if (strcmp(f->option, "name") == 0)
			yw_kv(w, "sex", idnum_sex(app->a.id_number));
	}
	yw_map_end(w);

	yw_plain(w, "years");
	yw_seq_start(w);
	for (i = 0; i < app->nyears; i++) {
		const struct year_row *row = &app->years[i];

		yw_map_start(w);
		yw_kv_long(w, "year", row->year);
		emit_line(w, &row->pub, "public");
		emit_line(w, &row->pro, "professional");
		yw_plain(w, "total_hours");
		yw_plain(w, hours_fmt(year_total(row), buf, sizeof(buf)));
		if (row->nrecords) {
			yw_plain(w, "records");
			yw_seq_start(w);
			for (k = 0; k < row->nrecords; k++)
				yw_str(w, row->records[k]);
			yw_seq_end(w);
		}
		if (row->natt) {
			yw_plain(w, "attachments");
			yw_seq_start(w);
			for (k = 0; k < row->natt; k++) {
				const struct attachment *at = &row->att[k];

				yw_map_start(w);
				yw_kv(w, "name", at->name);
				yw_kv(w, "entry", at->entry);
				yw_kv_long(w, "size", at->size);
				yw_kv(w, "type", at->type);
				yw_kv(w, "sha256", at->sha256);
				yw_kv(w, "added", at->added);
				yw_map_end(w);
			}
			yw_seq_end(w);
		}
		yw_map_end(w);
	}
	yw_seq_end(w);

	yw_plain(w, "history");
	yw_seq_start(w);
	for (i = 0; i < app->nhistory; i++) {
		const struct event *ev = &app->history[i];

		yw_map_start(w);
		yw_kv(w, "at", ev->at);
		yw_kv(w, "event", ev->what);
		emit_opt(w, "by", ev->by);
		emit_opt(w, "unit", ev->unit);
		emit_opt(w, "next", ev->next);
		emit_opt(w, "reason", ev->reason);
		emit_opt(w, "detail", ev->detail);
		emit_opt(w, "changes", ev->changes);
		emit_opt(w, "prev", ev->prev);
		emit_opt(w, "content", ev->content);
		emit_opt(w, "key", ev->key);
		emit_opt(w, "sig", ev->sig);
		yw_map_end(w);
	}
	yw_seq_end(w);
	yw_map_end(w);
	rc = yw_finish(w, out, e);
	yw_free(w);
	return rc;
}
