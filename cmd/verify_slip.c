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
#include "table.h"
#include "trust.h"
#include "util.h"

static const char usage[] =
    "usage: ceh verify-slip CODE|NUMBER\n"
    "       ceh verify-slip [--trust FILE] PAYLOAD\n"
    "       ceh verify-slip [--trust FILE] --file SLIP.json\n";

/* right-aligned in width columns */
static void
put_right(const char *s, size_t width)
{
	size_t w = utf8_width(s);

	while (w++ < width)
		putchar(' ');
	fputs(s, stdout);
}

/*
 * The slip's figures year by year, as its paper shows them, for the
 * official to compare line by line: year, 公需科目, 专业科目, total and
 * the mark; a year without approved hours says so; then the totals.
 */
static void
print_years(const struct slip *sl)
{
	const char *hd[5] = { _("year"), _("public (公需科目)"),
	    _("professional (专业科目)"), _("total"), _("met") };
	const char *none = _("not approved (未核认)");
	char buf[3][24], met[32];
	size_t w[4], i, k;

	for (k = 0; k < 4; k++)
		w[k] = utf8_width(hd[k]);
	if (w[0] < utf8_width(_("in all")))
		w[0] = utf8_width(_("in all"));
	for (k = 1; k < 4; k++)
		if (w[k] < 6)
			w[k] = 6;
	print_padded(stdout, hd[0], w[0]);
	for (k = 1; k < 4; k++) {
		fputs("  ", stdout);
		put_right(hd[k], w[k]);
	}
	printf("  %s\n", hd[4]);
	for (i = 0; i < sl->nyears; i++) {
		const struct slip_year *y = &sl->years[i];

		snprintf(met, sizeof(met), "%d", y->year);
		print_padded(stdout, met, w[0]);
		if (!y->approved) {
			printf("  %s\n", none);
			continue;
		}
		fputs("  ", stdout);
		put_right(hours_fmt(y->pub_half, buf[0], sizeof(buf[0])), w[1]);
		fputs("  ", stdout);
		put_right(hours_fmt(y->pro_half, buf[1], sizeof(buf[1])), w[2]);
		fputs("  ", stdout);
		put_right(hours_fmt(y->total_half, buf[2], sizeof(buf[2])),
		    w[3]);
		printf("  %s\n", y->met ? _("met (达标)") : _("not met (不达标)"));
	}
	print_padded(stdout, _("in all"), w[0]);
	fputs("  ", stdout);
	put_right(hours_fmt(sl->pub_half, buf[0], sizeof(buf[0])), w[1]);
	fputs("  ", stdout);
	put_right(hours_fmt(sl->pro_half, buf[1], sizeof(buf[1])), w[2]);
	fputs("  ", stdout);
	put_right(hours_fmt(sl->total_half, buf[2], sizeof(buf[2])), w[3]);
	printf("  ");
	printf(_("%ld of %zu years met"), sl->years_met, sl->nyears);
	putchar('\n');
}

/* The verdict line, and what a valid or changed slip certifies. */
static int
report(enum slip_verdict v, const struct sbuf *why,
    const struct slip_claim *c, const struct slip *sl)
{
	const char *name = sl && sl->name && *sl->name ? sl->name : NULL;
	char h[24];

	printf("%s: %s\n", slip_verdict_name(v), sb_str(why));
	if (v == SLIP_VALID || v == SLIP_CHANGED) {
		printf(_("slip %s for %s%s%s%s, %d-%d: %ld of %ld years met, "
		    "%s hours in all\n"), c->number, name ? name : c->id_number,
		    name ? " (" : "", name ? c->id_number : "", name ? ")" : "",
		    c->from, c->to, c->years_met, c->nyears,
		    hours_fmt(c->total_half, h, sizeof(h)));
		if (sl)
			print_years(sl);
	}
	return slip_verdict_exit(v);
}

/* The store's record of the slip c claims to be, if it is that slip
 * (the same digest): 1 with sl filled, else 0. */
static int
record_of_claim(struct store *s, const struct slip_claim *c,
    struct slip *sl)
{
	struct slip_claim rc;
	struct ceh_err e;

	if (slip_record_find(s, NULL, c->number, sl, &e) < 0)
		return 0;
	if (slip_claim_of(sl, &rc, &e) == 0 &&
	    strcmp(rc.digest, c->digest) == 0)
		return 1;
	slip_release(sl);
	return 0;
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
	    file ? &sl : NULL);
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
	struct slip sl;
	struct ceh_err e;
	uint8_t pub[32];
	int rc, found;

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
	if (slip_registry_verdict(s, &c, &v, &why, &e) < 0) {
		sb_release(&why);
		return cmd_error(cmd, &e);
	}
	slip_init(&sl);
	found = record_of_claim(s, &c, &sl);
	if (found)
		slip_revoked_approval(s, &sl, &v, &why);
	rc = report(v, &why, &c, found ? &sl : NULL);
	slip_release(&sl);
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
	char code[SLIP_CODE_LEN + 1], number[SLIP_NUMBER_LEN + 1];
	struct sbuf why = SBUF_INIT;
	struct slip_claim c;
	enum slip_verdict v;
	struct slip sl;
	struct ceh_err e;
	uint8_t pub[32];
	int rc, found;

	slip_init(&sl);
	if (file) {
		if (read_slip(file, &sl, &e) < 0)
			goto fail;
		if (sl.signature && *sl.signature &&
		    trust_anchor(s, pub, &e) == 0) {
			if (slip_claim_of(&sl, &c, &e) < 0 ||
			    slip_registry_verdict(s, &c, &v, &why, &e) < 0)
				goto fail;
			slip_revoked_approval(s, &sl, &v, &why);
			rc = report(v, &why, &c, &sl);
			goto out;
		}
	} else {
		if (slip_number_normalise(operand, number) == 0)
			found = slip_record_find(s, NULL, number, &sl, &e);
		else if (slip_code_normalise(operand, code) == 0)
			found = slip_record_find(s, code, NULL, &sl, &e);
		else {
			ceh_fail(&e, CEH_EINPUT, _("'%.40s' is not a verification "
			    "code (20 letters and digits, e.g. "
			    "7K3M-9Q2X-A7BD-0PWE-H5TN), a slip number (e.g. "
			    "20250601-74X1VX7MF5) nor a slip payload "
			    "(CEHSLIP1 ...)"), operand);
			goto fail;
		}
		if (found < 0) {
			if (e.code != CEH_ENOTFOUND)
				goto fail;
			printf("unknown: %s\n", e.msg); /* machine: the verdict word */
			rc = slip_verdict_exit(SLIP_UNKNOWN);
			goto out;
		}
	}
	if (file ? slip_verify(s, &sl, 1, &v, &why, &e) < 0 :
	    slip_record_status(s, &sl, &v, &why, &e) < 0)
		goto fail;
	printf("%s: %s\n", slip_verdict_name(v), sb_str(&why));
	if (v == SLIP_VALID || v == SLIP_CHANGED) {
		printf(_("slip %s for %s (%s), %d-%d: %ld of %zu years met, "
		    "%s hours in all\n"), sl.number, sl.name, sl.id_number,
		    sl.from, sl.to, sl.years_met, sl.nyears,
		    hours_fmt(sl.total_half, code, sizeof(code)));
		print_years(&sl);
	}
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
		return cmd_usage_error(argv[0], usage, _("give a code, a number, "
		    "a payload or --file, not two"));
	if (!file && optind + 1 != argc)
		return cmd_usage_error(argv[0], usage, _("give one verification "
		    "code, slip number or slip payload"));
	if (!file)
		operand = argv[optind];
	if (trust && operand && !slip_is_payload(operand))
		return cmd_usage_error(argv[0], usage, _("a verification code or "
		    "slip number is checked only in the store that issued it; "
		    "with --trust give the slip's payload (CEHSLIP1 ...) or "
		    "--file"));
	if (trust)
		return verify_offline(argv[0], trust, file, operand);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (operand && slip_is_payload(operand))
		return verify_payload(argv[0], s, operand);
	return verify_here(argv[0], s, file, operand);
}
