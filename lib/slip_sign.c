/* slip_sign.c - the agency's signature on a slip, its QR payload, and
 * the check of either with only the agency's public key (slip.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encode.h"
#include "err.h"
#include "i18n.h"
#include "hash.h"
#include "key.h"
#include "slip.h"
#include "trust.h"
#include "util.h"
#include "validate.h"

#define NS "ceh-slip"
static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void
slip_key_hash(const unsigned char pub[32], char out[65])
{
	sha256_hex(pub, 32, out);
}

/* The signed text of c with the signer's key hash keyhash. */
static void
sig_text(const struct slip_claim *c, const char *keyhash, struct sbuf *out)
{
	sb_addf(out, "ceh-slip-sig-v1\nnumber=%s\nperson.id_number=%s\n"
	    "from=%d\nto=%d\ntotals.total_half=%ld\ntotals.years_met=%ld\n"
	    "years=%ld\ndigest=%s\nsigner=%s\nsigner_key=%s\nissued=%s\n",
	    c->number, c->id_number, c->from, c->to, c->total_half,
	    c->years_met, c->nyears, c->digest, c->signer, keyhash,
	    c->issued);
}

/* The figures of sl into c (everything but the signature). */
static void
claim_fill(const struct slip *sl, struct slip_claim *c)
{
	struct sbuf sb = SBUF_INIT;

	memset(c, 0, sizeof(*c));
	snprintf(c->number, sizeof(c->number), "%s", sl->number);
	snprintf(c->id_number, sizeof(c->id_number), "%s", sl->id_number);
	c->from = sl->from;
	c->to = sl->to;
	c->total_half = sl->total_half;
	c->years_met = sl->years_met;
	c->nyears = (long)sl->nyears;
	snprintf(c->issued, sizeof(c->issued), "%s", sl->issued);
	snprintf(c->signer, sizeof(c->signer), "%s",
	    sl->signer ? sl->signer : "");
	slip_canonical(sl, 1, &sb);
	sha256_hex(sb.buf, sb.len, c->digest);
	sb_release(&sb);
}

/* A signer as payloads carry it: 1..64 printable ASCII, no space. */
static int
signer_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return 1;
}

int
slip_sign(struct slip *sl, const char *agency, const struct ceh_key *k,
    struct ceh_err *e)
{
	struct slip_claim c;
	struct sbuf sb = SBUF_INIT;
	unsigned char sig[ED25519_SIG_LEN];
	char kh[65], b64[SLIP_SIG_B64 + 1];

	if (!signer_ok(agency))
		return ceh_fail(e, CEH_EINPUT, _("agency code '%.40s' cannot "
		    "sign a slip"), agency);
	free(sl->signer);
	sl->signer = xstrdup(agency);
	claim_fill(sl, &c);
	slip_key_hash(k->pub, kh);
	sig_text(&c, kh, &sb);
	if (key_sign(k, NS, sb.buf, sb.len, sig, e) < 0) {
		sb_release(&sb);
		return -1;
	}
	sb_release(&sb);
	b64url_encode(sig, sizeof(sig), b64);
	free(sl->signer_key);
	sl->signer_key = xstrdup(kh);
	free(sl->signature);
	sl->signature = xstrdup(b64);
	return 0;
}

void
slip_signer_fp(const struct slip *sl, char out[20])
{
	int i, o = 0;

	out[0] = '\0';
	if (sl->signer_key == NULL || strlen(sl->signer_key) != 64)
		return;
	for (i = 0; i < 16; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = sl->signer_key[i];
	}
	out[o] = '\0';
}

char *
slip_payload(const struct slip *sl)
{
	struct slip_claim c;
	struct sbuf sb = SBUF_INIT;
	unsigned char kh[32], d[32];
	char kid[B64URL_LEN(SLIP_KEYID_LEN) + 1], dig[B64URL_LEN(32) + 1];

	if (sl->signature == NULL || *sl->signature == '\0' ||
	    sl->signer_key == NULL ||
	    hex_decode(sl->signer_key, kh, sizeof(kh)) != 32)
		return NULL;
	claim_fill(sl, &c);
	if (hex_decode(c.digest, d, sizeof(d)) != 32)
		return NULL;
	b64url_encode(kh, SLIP_KEYID_LEN, kid);
	b64url_encode(d, sizeof(d), dig);
	sb_addf(&sb, "%s %s %s %d-%d %ld %ld/%ld %s %s %s %s %s",
	    SLIP_PAYLOAD_MAGIC, c.number, c.id_number, c.from, c.to,
	    c.total_half, c.years_met, c.nyears, c.issued, c.signer, kid, dig,
	    sl->signature);
	return sb_detach(&sb);
}

int
slip_is_payload(const char *text)
{
	while (*text == ' ' || *text == '\t' || *text == '\n' ||
	    *text == '\r')
		text++;
	return strncmp(text, SLIP_PAYLOAD_MAGIC " ",
	    strlen(SLIP_PAYLOAD_MAGIC) + 1) == 0;
}

/* NUMBER: YYYYMMDD-XXXXXXXXXX (slip.c's slip_issue). */
static int
number_ok(const char *n)
{
	size_t i;

	if (strlen(n) != SLIP_NUMBER_LEN || strspn(n, "0123456789") != 8 ||
	    n[8] != '-')
		return 0;
	for (i = 9; i < SLIP_NUMBER_LEN; i++)
		if (strchr(crockford, n[i]) == NULL)
			return 0;
	return 1;
}

/* A decimal without sign or leading zeros, lo..hi. */
static int
num_ok(const char *s, long lo, long hi, long *out)
{
	long v;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    (s[0] == '0' && s[1] != '\0') || strlen(s) > 9)
		return 0;
	v = strtol(s, NULL, 10);
	if (v < lo || v > hi)
		return 0;
	*out = v;
	return 1;
}

/* An issue time exactly as iso_time writes it. */
static int
time_ok(const char *s)
{
	char back[32];
	time_t t;

	if (strlen(s) >= sizeof(back) || parse_iso_time(s, &t) < 0)
		return 0;
	iso_time(t, back, sizeof(back));
	return strcmp(back, s) == 0;
}

#define NPAYLOAD 11

/* The range "FROM-TO" and "MET/YEARS" of a payload into c. */
static int
figures_ok(char *range, char *met, struct slip_claim *c)
{
	char *dash = strchr(range, '-'), *slash = strchr(met, '/');
	long f, t;

	if (dash == NULL || slash == NULL)
		return 0;
	*dash++ = '\0';
	*slash++ = '\0';
	if (!num_ok(range, 1900, 9999, &f) || !num_ok(dash, 1900, 9999, &t) ||
	    f > t || t - f >= SLIP_MAX_YEARS ||
	    !num_ok(slash, 1, SLIP_MAX_YEARS, &c->nyears) ||
	    c->nyears != t - f + 1 ||
	    !num_ok(met, 0, c->nyears, &c->years_met))
		return 0;
	c->from = (int)f;
	c->to = (int)t;
	return 1;
}

/* Fields 1..10 of a payload (0 is the magic): NULL, or the field that is
 * not well formed (translated where it is printed). */
static const char *
payload_fields(char **fld, struct slip_claim *c)
{
	unsigned char d[32];
	char idn[IDNUM_LEN + 1];
	struct ceh_err ie;

	if (!number_ok(fld[1]))
		return N_("the slip number");
	snprintf(c->number, sizeof(c->number), "%s", fld[1]);
	if (idnum_check("id", fld[2], idn, &ie) < 0 || strcmp(idn, fld[2]))
		return N_("the ID number");
	memcpy(c->id_number, idn, sizeof(idn));
	if (!figures_ok(fld[3], fld[5], c))
		return N_("the years");
	if (!num_ok(fld[4], 0, 2L * 100000 * SLIP_MAX_YEARS, &c->total_half))
		return N_("the total");
	if (!time_ok(fld[6]))
		return N_("the issue time");
	snprintf(c->issued, sizeof(c->issued), "%s", fld[6]);
	if (!signer_ok(fld[7]))
		return N_("the signer");
	snprintf(c->signer, sizeof(c->signer), "%s", fld[7]);
	if (b64url_decode(fld[8], strlen(fld[8]), c->keyid, sizeof(c->keyid))
	    != SLIP_KEYID_LEN)
		return N_("the key id");
	if (b64url_decode(fld[9], strlen(fld[9]), d, sizeof(d)) != 32)
		return N_("the digest");
	hex_encode(d, sizeof(d), c->digest);
	if (b64url_decode(fld[10], strlen(fld[10]), c->sig, sizeof(c->sig))
	    != 64)
		return N_("the signature");
	return NULL;
}

int
slip_payload_parse(const char *text, struct slip_claim *c,
    struct ceh_err *e)
{
	char *copy, *p, *fld[NPAYLOAD];
	const char *bad = NULL;
	size_t n = 0, len;
	int fields_ok;

	memset(c, 0, sizeof(*c));
	while (*text == ' ' || *text == '\t' || *text == '\n' ||
	    *text == '\r')
		text++;
	len = strlen(text);
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
	    text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len > 1024)
		return ceh_fail(e, CEH_EINPUT, _("not a slip payload: too long"));
	copy = xstrndup(text, len);
	for (p = copy; n < NPAYLOAD; n++) {
		fld[n] = p;
		if ((p = strchr(p, ' ')) == NULL) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	fields_ok = n == NPAYLOAD && p == NULL &&
	    strcmp(fld[0], SLIP_PAYLOAD_MAGIC) == 0;
	if (fields_ok)
		bad = payload_fields(fld, c);
	free(copy);
	if (!fields_ok)
		return ceh_fail(e, CEH_EINPUT, _("not a slip payload: its fields "
		    "(11, one space apart, the first %s) is not well formed"),
		    SLIP_PAYLOAD_MAGIC);
	if (bad)
		return ceh_fail(e, CEH_EINPUT, _("not a slip payload: %s is not "
		    "well formed"), _(bad));
	return 0;
}

int
slip_claim_of(const struct slip *sl, struct slip_claim *c,
    struct ceh_err *e)
{
	unsigned char kh[32];

	if (sl->signature == NULL || *sl->signature == '\0')
		return ceh_fail(e, CEH_EINPUT, _("slip %s carries no signature: "
		    "it has a verification code that only the store that "
		    "issued it can check"), sl->number ? sl->number : "");
	claim_fill(sl, c);
	if (!signer_ok(c->signer) || strlen(sl->signer_key) != 64 ||
	    hex_decode(sl->signer_key, kh, sizeof(kh)) != 32 ||
	    b64url_decode(sl->signature, strlen(sl->signature), c->sig,
	    sizeof(c->sig)) != 64)
		c->bad = 1;
	else {
		memcpy(c->keyid, kh, SLIP_KEYID_LEN);
		snprintf(c->keyhash, sizeof(c->keyhash), "%s", sl->signer_key);
	}
	return 0;
}

enum slip_verdict
slip_claim_verify(const struct slip_claim *c, const unsigned char pub[32],
    struct sbuf *why)
{
	unsigned char kh[32];
	char khex[65], fp[KEY_FP_LEN + 1];
	struct sbuf sb = SBUF_INIT;
	int ok;

	slip_key_hash(pub, khex);
	hex_decode(khex, kh, sizeof(kh));
	key_fingerprint(pub, fp);
	if (c->bad) {
		sb_addf(why, _("the signature of slip %s is damaged: the slip "
		    "was altered"), c->number);
		return SLIP_ALTERED;
	}
	if (memcmp(c->keyid, kh, SLIP_KEYID_LEN) != 0 ||
	    (c->keyhash[0] && strcmp(c->keyhash, khex) != 0)) {
		sb_addf(why, _("slip %s is signed with a key other than the "
		    "trusted key %s"), c->number, fp);
		return SLIP_UNKNOWN_KEY;
	}
	sig_text(c, khex, &sb);
	ok = key_verify(pub, NS, sb.buf, sb.len, c->sig);
	sb_release(&sb);
	if (!ok) {
		sb_addf(why, _("the signature of slip %s does not match its "
		    "figures: the slip was altered"), c->number);
		return SLIP_ALTERED;
	}
	sb_addf(why, _("slip %s was issued by %s on %.10s, signed with key "
	    "%s"), c->number, c->signer, c->issued, fp);
	return SLIP_VALID;
}

int
slip_number_normalise(const char *in, char out[SLIP_NUMBER_LEN + 1])
{
	size_t n = 0;

	while (*in == ' ' || *in == '\t')
		in++;
	for (; *in && *in != ' ' && *in != '\t'; in++) {
		char c = *in;

		if (n == SLIP_NUMBER_LEN)
			return -1;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n > 8 && (c == 'I' || c == 'L'))
			c = '1';
		else if (n > 8 && c == 'O')
			c = '0';
		out[n++] = c;
	}
	while (*in == ' ' || *in == '\t')
		in++;
	out[n] = '\0';
	return *in == '\0' && n == SLIP_NUMBER_LEN && number_ok(out) ? 0 : -1;
}

int
slip_registry_verdict(struct store *s, const struct slip_claim *c,
    enum slip_verdict *v, struct sbuf *why, struct ceh_err *e)
{
	uint8_t pub[32];
	struct ceh_err ke;
	time_t at = 0;

	(void)parse_iso_time(c->issued, &at);
	if (trust_unit_key(s, c->signer, at, pub, &ke) == 0) {
		*v = slip_claim_verify(c, pub, why);
		return 0;
	}
	if (ke.code == CEH_ESTATE) {
		*v = SLIP_REVOKED;
		sb_addf(why, _("slip %s is signed by agency %s with a key that "
		    "was no longer valid on %.10s: %s"), c->number, c->signer,
		    c->issued, ke.msg);
		return 0;
	}
	if (ke.code == CEH_ENOTFOUND) {
		*v = SLIP_UNKNOWN_KEY;
		sb_addf(why, _("slip %s names agency %s, which has no key in "
		    "this store's registry"), c->number, c->signer);
		return 0;
	}
	*e = ke;
	return -1;
}

int
slip_record_status(struct store *s, const struct slip *rec,
    enum slip_verdict *v, struct sbuf *why, struct ceh_err *e)
{
	struct sbuf sig = SBUF_INIT;
	struct slip_claim c;
	struct ceh_err ae;
	uint8_t pub[32];

	if (slip_verify(s, rec, 0, v, why, e) < 0)
		return -1;
	if (*v != SLIP_VALID || rec->signature == NULL ||
	    *rec->signature == '\0' || trust_anchor(s, pub, &ae) < 0)
		return 0;
	if (slip_claim_of(rec, &c, e) < 0 ||
	    slip_registry_verdict(s, &c, v, &sig, e) < 0) {
		sb_release(&sig);
		return -1;
	}
	if (*v != SLIP_VALID) {
		sb_reset(why);
		sb_adds(why, sb_str(&sig));
	}
	sb_release(&sig);
	return 0;
}
