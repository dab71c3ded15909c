/* vc.c - a slip as an Open Badges 3.0 / CLR 2.0 credential (vc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "i18n.h"
#include "json.h"
#include "jws.h"
#include "key.h"
#include "slip.h"
#include "slip_render.h"
#include "util.h"
#include "vc.h"
#include "xalloc.h"

#define CTX_VC "https://www.w3.org/ns/credentials/v2"
#define CTX_CLR "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
#define CTX_OB "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

/* "type": [a, b] (b may be NULL). */
static void
types(struct json *j, const char *a, const char *b)
{
	json_arr_begin(j, "type");
	json_str(j, NULL, a);
	if (b)
		json_str(j, NULL, b);
	json_arr_end(j);
}

static void
contexts(struct json *j, int clr)
{
	json_arr_begin(j, "@context");
	json_str(j, NULL, CTX_VC);
	if (clr)
		json_str(j, NULL, CTX_CLR);
	json_str(j, NULL, CTX_OB);
	json_arr_end(j);
}

/* The issuing agency: did, name from the slip's years. */
static void
issuer(struct json *j, const struct slip *sl, const char *did)
{
	const char *name = sl->signer ? sl->signer : "";
	size_t i;

	for (i = 0; i < sl->nyears; i++)
		if (sl->years[i].approved && sl->signer &&
		    strcmp(sl->years[i].agency, sl->signer) == 0 &&
		    *sl->years[i].agency_name)
			name = sl->years[i].agency_name;
	json_obj_begin(j, "issuer");
	json_str(j, "id", did);
	types(j, "Profile", NULL);
	json_str(j, "name", *name ? name : "人社部门");
	json_obj_end(j);
}

static void
identifier(struct json *j, const struct slip *sl)
{
	json_arr_begin(j, "identifier");
	json_obj_begin(j, NULL);
	json_str(j, "type", "IdentityObject");
	json_bool(j, "hashed", 0);
	json_str(j, "identityHash", sl->id_number);
	json_str(j, "identityType", "nationalIdentityNumber");
	json_obj_end(j);
	json_arr_end(j);
}

/* The Achievement of approved year y. */
static void
achievement(struct json *j, const char *key, const struct slip *sl,
    const struct slip_year *y)
{
	char id[96], name[64], a[24], b[24], c[24];
	struct sbuf sb = SBUF_INIT;

	snprintf(id, sizeof(id), "urn:ceh:slip:%s:%d", sl->number, y->year);
	snprintf(name, sizeof(name), "%d年度继续教育学时", y->year);
	sb_addf(&sb, "公需科目 %s 学时，专业科目 %s 学时，共 %s 学时，%s",
	    hours_fmt(y->pub_half, a, sizeof(a)),
	    hours_fmt(y->pro_half, b, sizeof(b)),
	    hours_fmt(y->total_half, c, sizeof(c)), slip_met_label(y->met));
	json_obj_begin(j, key);
	json_str(j, "id", id);
	types(j, "Achievement", NULL);
	json_str(j, "name", name);
	json_str(j, "description", sb.buf);
	json_obj_begin(j, "criteria");
	json_str(j, "narrative", sl->rule.text ? sl->rule.text : "");
	json_obj_end(j);
	json_str(j, "inLanguage", "zh-CN");
	json_obj_end(j);
	sb_release(&sb);
}

/* One AchievementCredential for approved year y. */
static void
year_credential(struct json *j, const struct slip *sl,
    const struct slip_year *y, const char *did)
{
	char id[96], term[8];

	snprintf(id, sizeof(id), "urn:ceh:slip:%s:%d:credential", sl->number,
	    y->year);
	snprintf(term, sizeof(term), "%d", y->year);
	json_obj_begin(j, NULL);
	contexts(j, 0);
	json_str(j, "id", id);
	types(j, "VerifiableCredential", "AchievementCredential");
	issuer(j, sl, did);
	json_str(j, "validFrom", sl->issued);
	json_str(j, "name", sl->title);
	json_obj_begin(j, "credentialSubject");
	types(j, "AchievementSubject", NULL);
	identifier(j, sl);
	achievement(j, "achievement", sl, y);
	json_hours(j, "creditsEarned", y->total_half);
	json_str(j, "term", term);
	json_obj_end(j);
	json_obj_end(j);
}

/* The ClrSubject: the person, the years' achievements and credentials. */
static void
clr_subject(struct json *j, const struct slip *sl, const char *did)
{
	size_t i;

	json_obj_begin(j, "credentialSubject");
	types(j, "ClrSubject", NULL);
	identifier(j, sl);
	json_arr_begin(j, "achievement");
	for (i = 0; i < sl->nyears; i++)
		if (sl->years[i].approved)
			achievement(j, NULL, sl, &sl->years[i]);
	json_arr_end(j);
	json_arr_begin(j, "verifiableCredential");
	for (i = 0; i < sl->nyears; i++)
		if (sl->years[i].approved)
			year_credential(j, sl, &sl->years[i], did);
	json_arr_end(j);
	json_obj_end(j);
}

void
vc_slip_json(const struct slip *sl, const struct ceh_key *k, FILE *out)
{
	char *did = key_did(k->pub), id[64], desc[256];
	struct json j;
	time_t t = 0;

	(void)parse_iso_time(sl->issued, &t);
	snprintf(id, sizeof(id), "urn:ceh:slip:%s", sl->number);
	snprintf(desc, sizeof(desc), "%d-%d年继续教育学时认定：核认年度 %ld/%zu，"
	    "达标年度 %ld/%zu", sl->from, sl->to, sl->years_approved,
	    sl->nyears, sl->years_met, sl->nyears);
	json_init(&j, out, 1);
	json_obj_begin(&j, NULL);
	contexts(&j, 1);
	json_str(&j, "id", id);
	types(&j, "VerifiableCredential", "ClrCredential");
	issuer(&j, sl, did);
	json_str(&j, "validFrom", sl->issued);
	json_str(&j, "name", sl->title);
	json_str(&j, "description", desc);
	clr_subject(&j, sl, did);
	/* the registered JWT claims of VC-JWT */
	json_str(&j, "iss", did);
	json_int(&j, "nbf", (long long)t);
	json_str(&j, "jti", id);
	json_obj_end(&j);
	json_end(&j);
	free(did);
}

char *
vc_slip_jws(const struct slip *sl, const struct ceh_key *k,
    struct ceh_err *e)
{
	char *buf = NULL, *tok;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (mem == NULL) {
		ceh_fail_errno(e, _("cannot make the credential"));
		return NULL;
	}
	vc_slip_json(sl, k, mem);
	if (fclose(mem) != 0) {
		free(buf);
		ceh_fail_errno(e, _("cannot make the credential"));
		return NULL;
	}
	tok = jws_sign(k, "vc+jwt", buf, len, e);
	free(buf);
	return tok;
}
