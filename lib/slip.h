/*
 * slip.h - the hour verification slip (学时认定单): a person's approved
 * hours per year over a range of years, marked against the store's rule,
 * numbered, sealed with a verification code and recorded in the store.
 *
 * Collecting (slip_collect): every application of the person whose
 * document says stage approved (the stage field is the truth, whatever
 * folder it is in) contributes its year rows; a year carried by two
 * approved applications is a conflict (class 4).  The person's details
 * come from the latest approved application (by its approval time).
 * Each year of the range gets a row; a year without approved hours has
 * approved = 0 and is shown as 未核认.  Per year, met = config_year_met;
 * the range is met when every year is.
 *
 * Issuing (slip_issue): a slip number "YYYYMMDD-XXXXXXXXXX" (the Beijing
 * date, then 50 random bits in Crockford base32, so numbers made in
 * stores merged later do not collide) and the verification code: the
 * HMAC-SHA-256, under the store secret (STORE/secret), of the canonical
 * serialization of every field of the slip (slip_canonical), cut to 100
 * bits and written as 20 Crockford base32 characters in groups of four
 * ("7K3M-9Q2X-A7BD-0PWE-H5TN").  Without the secret the code cannot be
 * computed; any change to a figure changes it.
 *
 * Recording (slip_record_save): STORE/slips/NUMBER.CODE.yaml (CODE
 * without dashes), written with atomic_create, holding the same fields as
 * the JSON form.  Both verify-slip CODE and a lookup by number need only
 * the directory listing.
 *
 * Signing (slip_sign, in slip_sign.c): where the agency's private key
 * is held, the slip is also signed with it (Ed25519, namespace
 * "ceh-slip") over a short text that includes the SHA-256 of
 * slip_canonical(sl, 1); the slip then carries signer, signer_key and
 * signature (JSON and record; absent on an unsigned slip) and a QR
 * payload (slip_payload) that anyone holding the agency's public key can
 * check (slip_payload_parse, slip_claim_of, slip_claim_verify).  The HMAC
 * code stays, for the store's own check.
 *
 * Verifying (slip_verify): recompute the code of the presented slip (a
 * JSON file or the record found by code), find the record, then collect
 * the same range again and compare the figures (slip_canonical with
 * full = 0: person id, range, rule, per-year figures and totals).
 *
 * Ownership: struct slip owns all its strings; slip_release frees them.
 */
#ifndef CEH_SLIP_H
#define CEH_SLIP_H

#include <stddef.h>
#include <stdio.h>

#include "validate.h"
#include "xalloc.h"

struct ceh_err;
struct store;
struct ynode;

#define SLIP_FORMAT 1
#define SLIP_MAX_YEARS 10	/* the widest range a slip covers */
#define SLIP_CODE_CHARS 20	/* 100 bits */
#define SLIP_CODE_LEN (SLIP_CODE_CHARS + SLIP_CODE_CHARS / 4 - 1)
#define SLIP_NUMBER_LEN 19	/* YYYYMMDD-XXXXXXXXXX */
#define SLIP_SIG_B64 86		/* an Ed25519 signature in base64url */
#define SLIP_KEYID_LEN 9	/* bytes of the key hash in a payload */
#define SLIP_PAYLOAD_MAGIC "CEHSLIP1"

struct slip_year {
	int year;
	int approved;		/* has approved hours */
	char *pub_subject, *pub_form;
	long pub_half;
	char *pro_subject, *pro_form;
	long pro_half;
	long total_half;
	int met;
	char *agency;		/* approving unit code */
	char *agency_name;
	char *approved_on;	/* YYYY-MM-DD (Beijing time) */
	char *application;	/* application id */
};

struct slip_rule {
	int national;		/* 0: hunan (minima), 1: national (share) */
	long total_min, public_min, pro_min;
	long share_num, share_den;
	char *text;		/* config_rule_text */
};

struct slip {
	long format;
	char *title;
	char *number;
	char *code;		/* grouped, SLIP_CODE_LEN chars */
	/* the agency's signature (slip_sign.c); "" on an unsigned slip */
	char *signer;		/* the issuing agency's unit code */
	char *signer_key;	/* its key hash: 64 hex digits */
	char *signature;	/* base64url, SLIP_SIG_B64 characters */
	char *issued;		/* ISO time, UTC */
	char *printed_on;	/* YYYY-MM-DD (Beijing time) */
	char *basis;
	struct slip_rule rule;
	/* the person, from the latest approved application */
	char id_number[IDNUM_LEN + 1];
	char *name, *sex, *unit, *unit_name, *series, *specialty;
	char *title_level;
	char *application;
	int from, to;
	struct slip_year *years;	/* from..to, one each */
	size_t nyears;
	long pub_half, pro_half, total_half;	/* totals */
	long years_approved, years_met;
	int all_met;
	/* for the renderers only, never written to JSON or the record */
	int copy;		/* an unsigned copy: 副本 on every page */
	/* the store's decisions are unsigned: written (not sealed) as
	 * "signed_store": false in JSON and the record */
	int unsigned_store;
};

void slip_init(struct slip *sl);
void slip_release(struct slip *sl);

/* The span of RULES.md B3 for a title application in year y: "senior"
 * y-5..y-1, "intermediate" y-4..y-1.  Class 1 on a bad kind or year. */
int slip_range_for(const char *kind, long y, int *from, int *to,
    struct ceh_err *e);
/* Check a range: both years valid (1990..this year), from <= to, at
 * most SLIP_MAX_YEARS.  Class 1. */
int slip_range_check(long from, long to, struct ceh_err *e);

/* Fill sl from the store (not numbered, no code).  Class 3 when the
 * person is unknown or nothing is approved in the range. */
int slip_collect(struct store *s, const char *idnum, int from, int to,
    struct slip *sl, struct ceh_err *e);
/* Give sl a new number, the issue time (now()) and its code. */
int slip_issue(struct store *s, struct slip *sl, struct ceh_err *e);
/* The canonical serialization: every field but the code (full = 1), or
 * only the figures that must still match the store (full = 0). */
void slip_canonical(const struct slip *sl, int full, struct sbuf *out);
/* The grouped code of sl under the store secret into out. */
int slip_compute_code(struct store *s, const struct slip *sl,
    char out[SLIP_CODE_LEN + 1], struct ceh_err *e);
/* Normalise a code as typed (case, dashes, spaces, I/L -> 1, O -> 0)
 * into the grouped form; -1 if it is not 20 base32 characters. */
int slip_code_normalise(const char *in, char out[SLIP_CODE_LEN + 1]);

/* Record an issued slip: STORE/slips/NUMBER.CODE.yaml. */
int slip_record_save(struct store *s, const struct slip *sl,
    struct ceh_err *e);
/* Find the record by code (grouped) or by number; class 3 if none. */
int slip_record_find(struct store *s, const char *code, const char *number,
    struct slip *sl, struct ceh_err *e);

/* The JSON form (every figure, stable keys) and its reader (which also
 * reads the record's YAML: same keys). */
void slip_json(const struct slip *sl, FILE *out);
int slip_parse(const char *buf, size_t len, const char *fname,
    struct slip *sl, struct ceh_err *e);

/* The result of checking a presented slip against the store. */
enum slip_verdict {
	SLIP_VALID,		/* issued here, figures still match: exit 0 */
	SLIP_ALTERED,		/* its figures do not match its code: 1 */
	SLIP_UNKNOWN,		/* no such slip issued by this store: 3 */
	SLIP_CHANGED,		/* issued here, approved data differ now: 4 */
	SLIP_UNKNOWN_KEY,	/* signed with a key not trusted here: 3 */
	SLIP_REVOKED		/* signed after its key was revoked, or it
				 * counted an approval revoked since: 4 */
};
const char *slip_verdict_name(enum slip_verdict v);
int slip_verdict_exit(enum slip_verdict v);
/*
 * Check sl as presented (from a file: its code must match its figures,
 * and a record with that number and code must exist), then compare with
 * the store now.  why gets a line of explanation.  Returns -1 only on a
 * system error.
 */
int slip_verify(struct store *s, const struct slip *sl, int from_file,
    enum slip_verdict *v, struct sbuf *why, struct ceh_err *e);

/* A valid or changed slip that counted an approval revoked since (ceh
 * review --revoke; the application read from the store by the id its
 * year names) becomes SLIP_REVOKED, why naming the revocation. */
void slip_revoked_approval(struct store *s, const struct slip *sl,
    enum slip_verdict *v, struct sbuf *why);

/* An issued slip as an unsigned copy: no number, no code, issued now,
 * marked copy (副本) for the renderers; never recorded. */
void slip_mark_copy(struct slip *sl);

/*
 * Signatures (slip_sign.c; the forms are in ceh-trust(7), SLIPS).  The
 * agency signs, in namespace "ceh-slip", the text "ceh-slip-sig-v1"
 * whose lines are the slip's number, person, range, total, years met,
 * year count, digest (the SHA-256 of slip_canonical(sl, 1)), signer,
 * signer key hash and issue time.  The QR payload repeats those fields:
 *   CEHSLIP1 NUMBER IDNUMBER FROM-TO TOTAL_HALF MET/YEARS ISSUED SIGNER
 *            KEYID DIGEST SIG
 * (one space between fields; KEYID the first 9 bytes of the key hash,
 * DIGEST and SIG in base64url).
 */
struct ceh_key;
struct slip_claim {
	char number[SLIP_NUMBER_LEN + 1];
	char id_number[IDNUM_LEN + 1];
	int from, to;
	long total_half, years_met, nyears;
	char issued[32];
	char signer[65];
	char keyhash[65];	/* from JSON: the full hash; "" from a payload */
	unsigned char keyid[SLIP_KEYID_LEN];
	char digest[65];	/* hex */
	unsigned char sig[64];
	int bad;		/* a signature field is malformed: altered */
};

/* The key hash of ceh-trust(7): hex SHA-256 of the 32 key bytes. */
void slip_key_hash(const unsigned char pub[32], char out[65]);
/* Sign the issued slip sl as agency with k (it needs its seed, else
 * class 1): sets signer, signer_key and signature. */
int slip_sign(struct slip *sl, const char *agency, const struct ceh_key *k,
    struct ceh_err *e);
/* The signer's key fingerprint (key.h), from signer_key; "" if none. */
void slip_signer_fp(const struct slip *sl, char out[20]);
/* The QR payload of a signed slip (caller frees); NULL if unsigned. */
char *slip_payload(const struct slip *sl);
/* 1 if text starts like a payload. */
int slip_is_payload(const char *text);
/* A typed or scanned payload (surrounding white space ignored); class 1
 * naming the field that is not well formed. */
int slip_payload_parse(const char *text, struct slip_claim *c,
    struct ceh_err *e);
/* The claim of a slip read from JSON: its digest is recomputed from
 * every field.  Class 1 if sl carries no signature. */
int slip_claim_of(const struct slip *sl, struct slip_claim *c,
    struct ceh_err *e);
/* Check c against the agency key pub: SLIP_VALID, SLIP_ALTERED or
 * SLIP_UNKNOWN_KEY (c names another key); why gets the explanation. */
enum slip_verdict slip_claim_verify(const struct slip_claim *c,
    const unsigned char pub[32], struct sbuf *why);

/*
 * The slips of a person (slip.c).  slip_issuer: the agency that issues
 * sl, its signer or else the approving unit of its latest approved year
 * (NULL if none); slip_issuer_name its name as the slip records it (the
 * code when it has none).  slip_records_of: every recorded slip of idnum
 * (by issue time, then number) into *v, *n of them, for
 * slip_records_free; a record of the person that cannot be read is
 * class 5 naming it.  slip_same_content: 1 if a and b say the same on
 * paper but for their issue (number, code, issue time and date,
 * signature): printing the same figures again gives the slip already
 * issued (ceh-print-slip(1)).
 */
const char *slip_issuer(const struct slip *sl);
const char *slip_issuer_name(const struct slip *sl);
int slip_records_of(struct store *s, const char *idnum, struct slip **v,
    size_t *n, struct ceh_err *e);
void slip_records_free(struct slip *v, size_t n);
int slip_same_content(const struct slip *a, const struct slip *b);

/* A slip number as typed (case, I/L -> 1, O -> 0, spaces around) into
 * the form of SLIP_NUMBER_LEN characters; -1 if it is not one. */
int slip_number_normalise(const char *in, char out[SLIP_NUMBER_LEN + 1]);
/*
 * c against the store's registry (slip_sign.c): the signer's key valid
 * at the slip's issue time (trust_unit_key).  A key revoked or replaced
 * before then is SLIP_REVOKED; an agency without a key SLIP_UNKNOWN_KEY.
 * -1 only on a system error.
 */
int slip_registry_verdict(struct store *s, const struct slip_claim *c,
    enum slip_verdict *v, struct sbuf *why, struct ceh_err *e);
/*
 * The standing of a record of this store as ceh verify-slip CODE gives
 * it: its code and figures (slip_verify), and for a signed slip in a
 * store with a trust anchor its signature against the registry.
 */
int slip_record_status(struct store *s, const struct slip *rec,
    enum slip_verdict *v, struct sbuf *why, struct ceh_err *e);

#endif
