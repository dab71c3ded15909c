/* ceh verify-slip - was a slip issued by this store, and does it hold?
 * With the agency's public key alone: was it signed by that agency? */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cmd.h"
#include "key.h"
#include "slip.h"
#include "trust.h"
#include "util.h"

static const char usage[] =
    "usage: ceh verify-slip CODE\n"
    "       ceh verify-slip [--trust FILE] PAYLOAD\n"
    "       ceh verify-slip [--trust FILE] --file SLIP.json\n";

/* The verdict line, and what a valid or changed slip certifies. */
static int
report(enum slip_verdict v, const struct sbuf *why,
    const struct slip_claim *c, const char *name)
{
	char h[24];

	printf("%s: %s\n", slip_verdict_name(v), sb_str(why));
	if (v == SLIP_VALID || v == SLIP_CHANGED)
		printf(_("slip %s for %s%s%s%s, %d-%d: %ld of %ld years met, "
		    "%s hours in all\n"), c->number, name ? name : c->id_number,
		    name ? " (" : "", name ? c->id_number : "", name ? ")" : "",
		    c->from, c->to, c->years_met, c->nyears,
		    hours_fmt(c->total_half, h, sizeof(h)));
	return slip_verdict_exit(v);
}

/* The agency key of --trust FILE (a public key line or did:key). */
static int
trusted_key(const char *file, struct ceh_key *k, struct ceh_err *e)
{
	char *buf = NULL;
	size_t len;
	int rc;

	if (read_file_at(AT_FDCWD, file, 1 << 16, &buf, &len, e) < 0) {
		ceh_err_prefix(e, _("cannot read '%s'"), file);
		return -1;
	}
	rc = key_public_parse("--trust", buf, k, e);
	if (rc < 0)
		ceh_err_prefix(e, "'%s'", file);
	free(buf);
	return rc;
}

/*
 * c against the store's registry: the signer's key valid at the slip's
 * issue time (trust_unit_key).  A key revoked or replaced before then
 * (class 4) is SLIP_REVOKED; an agency without a key, SLIP_UNKNOWN_KEY.
 */
static int
registry_verdict(struct store *s, const struct slip_claim *c,
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

/* Read and parse the slip's JSON file into sl. */
static int
read_slip(const char *file, struct slip *sl, struct ceh_err *e)
{
	char *buf = NULL;
	size_t len;
	int rc;

	if (read_file_at(AT_FDCWD, file, 1 << 20, &buf, &len, e) < 0) {
		ceh_err_prefix(e, _("cannot read '%s'"), file);
		return -1;
	}
	rc = slip_parse(buf, len, file, sl, e);
	if (rc < 0)
		ceh_err_prefix(e, _("not a slip"));
	free(buf);
	return rc;
}

/* --trust FILE: the slip's JSON or payload against that key; no store. */
static int
verify_offline(const char *cmd, const char *trust, const char *file,
    const char *payload)
{
	struct sbuf why = SBUF_INIT;
	struct slip_claim c;
	struct ceh_key k;
	struct slip sl;
	struct ceh_err e;
	int rc;

	slip_init(&sl);
	if (trusted_key(trust, &k, &e) < 0)
		return cmd_error(cmd, &e);
	if (file ? read_slip(file, &sl, &e) < 0 ||
	    slip_claim_of(&sl, &c, &e) < 0 :
	    slip_payload_parse(payload, &c, &e) < 0) {
		slip_release(&sl);
		return cmd_error(cmd, &e);
	}
	rc = report(slip_claim_verify(&c, k.pub, &why), &why, &c,
	    file ? sl.name : NULL);
	sb_release(&why);
	slip_release(&sl);
	return rc;
}

/* A payload against the store's registry. */
static int
verify_payload(const char *cmd, struct store *s, const char *payload)
{
	struct sbuf why = SBUF_INIT;
	struct slip_claim c;
	enum slip_verdict v;
	struct ceh_err e;
	uint8_t pub[32];
	int rc;

	if (slip_payload_parse(payload, &c, &e) < 0)
		return cmd_error(cmd, &e);
	if (trust_anchor(s, pub, &e) < 0) {
		if (e.code == CEH_ENOTFOUND)
			ceh_fail(&e, CEH_ENOTFOUND, _("this store has no trust "
			    "anchor (its decisions are unsigned), so it cannot "
			    "check a signature: give --trust FILE with the "
			    "agency's public key"));
		return cmd_error(cmd, &e);
	}
	if (registry_verdict(s, &c, &v, &why, &e) < 0) {
		sb_release(&why);
		return cmd_error(cmd, &e);
	}
	rc = report(v, &why, &c, NULL);
	sb_release(&why);
	return rc;
}

/*
 * In the store: a code (its record), or a JSON file: a signed slip in a
 * store with a registry is checked by its signature, any other one by
 * its verification code as before (an HMAC under the store secret).
 */
static int
verify_here(const char *cmd, struct store *s, const char *file,
    const char *operand)
{
	char code[SLIP_CODE_LEN + 1];
	struct sbuf why = SBUF_INIT;
	struct slip_claim c;
	enum slip_verdict v;
	struct slip sl;
	struct ceh_err e;
	uint8_t pub[32];
	int rc;

	slip_init(&sl);
	if (file) {
		if (read_slip(file, &sl, &e) < 0)
			goto fail;
		if (sl.signature && *sl.signature &&
		    trust_anchor(s, pub, &e) == 0) {
			if (slip_claim_of(&sl, &c, &e) < 0 ||
			    registry_verdict(s, &c, &v, &why, &e) < 0)
				goto fail;
			rc = report(v, &why, &c, sl.name);
			goto out;
		}
	} else {
		if (slip_code_normalise(operand, code) < 0) {
			ceh_fail(&e, CEH_EINPUT, _("'%.40s' is not a verification "
			    "code (20 letters and digits, e.g. "
			    "7K3M-9Q2X-A7BD-0PWE-H5TN) nor a slip payload "
			    "(CEHSLIP1 ...)"), operand);
			goto fail;
		}
		if (slip_record_find(s, code, NULL, &sl, &e) < 0) {
			if (e.code != CEH_ENOTFOUND)
				goto fail;
			printf("unknown: %s\n", e.msg); /* machine: the verdict word */
			rc = slip_verdict_exit(SLIP_UNKNOWN);
			goto out;
		}
	}
	if (slip_verify(s, &sl, file != NULL, &v, &why, &e) < 0)
		goto fail;
	printf("%s: %s\n", slip_verdict_name(v), sb_str(&why));
	if (v == SLIP_VALID || v == SLIP_CHANGED)
		printf(_("slip %s for %s (%s), %d-%d: %ld of %zu years met, "
		    "%s hours in all\n"), sl.number, sl.name, sl.id_number,
		    sl.from, sl.to, sl.years_met, sl.nyears,
		    hours_fmt(sl.total_half, code, sizeof(code)));
	rc = slip_verdict_exit(v);
out:
	sb_release(&why);
	slip_release(&sl);
	return rc;
fail:
	sb_release(&why);
	slip_release(&sl);
	return cmd_error(cmd, &e);
}

CMD_FN(verify_slip)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "trust", required_argument, NULL, 't' },
		CMD_OPT_END
	};
	const char *file = NULL, *trust = NULL, *operand = NULL;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'h': return cmd_help(usage);
		case 'f': file = optarg; break;
		case 't': trust = optarg; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if (file && optind != argc)
		return cmd_usage_error(argv[0], usage, _("give a code, a payload "
		    "or --file, not two"));
	if (!file && optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, _("give one verification "
		    "code or slip payload"));
	if (!file)
		operand = argv[optind];
	if (trust && operand && !slip_is_payload(operand))
		return cmd_usage_error(argv[0], usage, _("a verification code is "
		    "checked only in the store that issued it; with --trust "
		    "give the slip's payload (CEHSLIP1 ...) or --file"));
	if (trust)
		return verify_offline(argv[0], trust, file, operand);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (operand && slip_is_payload(operand))
		return verify_payload(argv[0], s, operand);
	return verify_here(argv[0], s, file, operand);
}
