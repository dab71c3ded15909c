#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "encode.h"
#include "err.h"
#include "hash.h"
#include "i18n.h"
#include "key.h"
#include "util.h"
#include "validate.h"

void
canon_put(struct sbuf *out, const char *key, const char *v)
{
	size_t n;

	sb_adds(out, key);
	sb_addc(out, '=');
	while (v && *v) {
		n = strcspn(v, "\\\n");	/* a run that needs no escape */
		sb_add(out, v, n);
		v += n;
		if (*v == '\\')
			sb_adds(out, "\\\\");
		else if (*v == '\n')
			sb_adds(out, "\\n");
		else
			break;
		v++;
	}
	sb_addc(out, '\n');
}

#define put canon_put

static void
put_long(struct sbuf *out, const char *key, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	put(out, key, buf);
}

static void
put_line(struct sbuf *out, const char *prefix, const struct subject_line *l)
{
	char key[40];

	snprintf(key, sizeof(key), " %s_subject", prefix);
	put(out, key, l->subject);
	snprintf(key, sizeof(key), " %s_half", prefix);
	if (l->subject && l->subject[0])
		put_long(out, key, l->hours);
	else
		put(out, key, "");
	snprintf(key, sizeof(key), " %s_form", prefix);
	put(out, key, l->form);
}

static void
put_year(struct sbuf *out, const struct year_row *row)
{
	size_t k;

	put_long(out, "year", row->year);
	put_line(out, "public", &row->pub);
	put_line(out, "professional", &row->pro);
	put_long(out, " records", (long)row->nrecords);
	for (k = 0; k < row->nrecords; k++)
		put(out, " record", row->records[k]);
	put_long(out, " attachments", (long)row->natt);
	for (k = 0; k < row->natt; k++) {
		const struct attachment *at = &row->att[k];

		put(out, " attachment", at->name);
		put(out, " entry", at->entry);
		put_long(out, " size", at->size);
		put(out, " type", at->type);
		put(out, " sha256", at->sha256);
		put(out, " added", at->added);
	}
}

void
chain_content_text(const struct application *app, struct sbuf *out)
{
	const struct applicant_field *f;
	char key[64];
	size_t i;

	sb_adds(out, "ceh-content-v1\n");
	put(out, "id", app->id);
	put(out, "stage", stage_name(app->stage));
	put(out, "waiting_at", app->waiting_at);
	put(out, "created", app->created);
	for (f = applicant_fields; f->option; f++) {
		snprintf(key, sizeof(key), "applicant.%s", f->key);
		put(out, key, applicant_get(&app->a, f->option));
		if (strcmp(f->option, "name") == 0)
			put(out, "applicant.sex", idnum_sex(app->a.id_number));
	}
	put_long(out, "years", (long)app->nyears);
	for (i = 0; i < app->nyears; i++)
		put_year(out, &app->years[i]);
}

void
chain_event_text(const struct application *app, size_t i, struct sbuf *out)
{
	const struct event *ev = &app->history[i];

	sb_adds(out, "ceh-event-v1\n");
	put(out, "application", app->id);
	put_long(out, "seq", (long)i);
	put(out, "prev", ev->prev);
	put(out, "content", ev->content);
	put(out, "at", ev->at);
	put(out, "event", ev->what);
	put(out, "by", ev->by);
	put(out, "unit", ev->unit);
	put(out, "next", ev->next);
	put(out, "reason", ev->reason);
	put(out, "detail", ev->detail);
	if (ev->changes && ev->changes[0])	/* since changes: older events
						 * keep their text */
		put(out, "changes", ev->changes);
	put(out, "key", ev->key);
}

void
chain_content_hash(const struct application *app,
    char out[SHA256_HEX_LEN + 1])
{
	struct sbuf sb = SBUF_INIT;

	chain_content_text(app, &sb);
	sha256_hex(sb.buf, sb.len, out);
	sb_release(&sb);
}

void
chain_event_hash(const struct application *app, size_t i,
    char out[SHA256_HEX_LEN + 1])
{
	struct sbuf sb = SBUF_INIT;

	chain_event_text(app, i, &sb);
	put(&sb, "sig", app->history[i].sig);
	sha256_hex(sb.buf, sb.len, out);
	sb_release(&sb);
}

static void
set(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

void
chain_seal(struct application *app)
{
	char h[SHA256_HEX_LEN + 1];
	struct event *ev;

	if (app->nhistory == 0)
		return;
	ev = &app->history[app->nhistory - 1];
	if (app->nhistory == 1)
		snprintf(h, sizeof(h), "%s", CHAIN_ZERO);
	else
		chain_event_hash(app, app->nhistory - 2, h);
	set(&ev->prev, h);
	chain_content_hash(app, h);
	set(&ev->content, h);
	set(&ev->key, "");
	set(&ev->sig, "");
}

int
chain_sign(struct application *app, const char *unit,
    const struct ceh_key *k, struct ceh_err *e)
{
	unsigned char sig[ED25519_SIG_LEN];
	char kh[SHA256_HEX_LEN + 1], b64[ED25519_SIG_LEN * 2];
	struct sbuf sb = SBUF_INIT;
	struct event *ev;
	int rc;

	chain_seal(app);
	if (app->nhistory == 0)
		return ceh_fail(e, CEH_ESYS, _("no event to sign"));
	ev = &app->history[app->nhistory - 1];
	sha256_hex(k->pub, ED25519_PUB_LEN, kh);
	set(&ev->unit, unit);
	set(&ev->key, kh);
	chain_event_text(app, app->nhistory - 1, &sb);
	rc = key_sign(k, "ceh-event", sb.buf, sb.len, sig, e);
	sb_release(&sb);
	if (rc < 0)
		return -1;
	b64url_encode(sig, sizeof(sig), b64);
	set(&ev->sig, b64);
	return 0;
}

int
chain_event_signed(const char *what)
{
	static const char *const signed_events[] = { "submitted",
	    "withdrawn", "forwarded", "approved", "rejected", "returned",
	    "upgraded", "undone", "revoked", NULL };

	return str_in(what, signed_events);
}

int
chain_check(const struct application *app, struct ceh_err *e)
{
	char h[SHA256_HEX_LEN + 1];
	size_t i;
	int chained = 0;

	for (i = 0; i < app->nhistory; i++) {
		const struct event *ev = &app->history[i];

		if (ev->content[0] == 0) {
			if (chained)
				return ceh_fail(e, CEH_ESYS, _("application %s: "
				    "event %zu (%s) is not chained after "
				    "chained events"), app->id, i, ev->what);
			if (ev->sig[0])
				return ceh_fail(e, CEH_ESYS, _("application %s: "
				    "event %zu (%s) is signed but not chained"),
				    app->id, i, ev->what);
			continue;
		}
		chained = 1;
		if (i == 0)
			snprintf(h, sizeof(h), "%s", CHAIN_ZERO);
		else
			chain_event_hash(app, i - 1, h);
		if (strcmp(h, ev->prev) != 0)
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (%s) does not follow the one before it (an "
			    "event removed, reordered, inserted or altered)"),
			    app->id, i, ev->what);
		if (i > 0 && strcmp(app->history[i - 1].at, ev->at) > 0)
			return ceh_fail(e, CEH_ESYS, _("application %s: event "
			    "%zu (%s) is dated before the one before it"),
			    app->id, i, ev->what);
	}
	if (!chained)
		return 0;
	chain_content_hash(app, h);
	if (strcmp(h, app->history[app->nhistory - 1].content) != 0)
		return ceh_fail(e, CEH_ESYS, _("application %s: the document "
		    "does not match its last event (%s): it was changed "
		    "outside ceh"), app->id,
		    app->history[app->nhistory - 1].what);
	return 0;
}
