/* ceh print-slip - the hour verification slip (学时认定单) of a person. */
#include <errno.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "cmd.h"
#include "key.h"
#include "slip.h"
#include "slip_render.h"
#include "table.h"
#include "trust.h"
#include "util.h"
#include "vc.h"

static const char usage[] =
    "usage: ceh print-slip --id IDNUMBER (--from YEAR --to YEAR |\n"
    "                      --for senior|intermediate --year YEAR)\n"
    "                      [--format text|html|pdf|json|vc] [--pdfa]\n"
    "                      [--key FILE]\n"
    "                      [--copy] [-o FILE [--force]]\n";

enum { O_ID = 1, O_FROM, O_TO, O_FOR, O_YEAR, O_FORMAT, O_KEY, O_COPY,
	O_FORCE, O_PDFA };
enum slip_fmt { SF_TEXT, SF_HTML, SF_PDF, SF_JSON, SF_VC, SF_PDFA };

/*
 * The agency's private key, if it is here: --key FILE or $CEH_KEY (then
 * it must be readable), else the key folder's file for the agency (its
 * absence is not an error).  1 with k filled, 0 if there is none (*where
 * names where it was looked for, for the caller to free), -1.
 */
static int
agency_key(const char *opt, const char *agency, struct ceh_key *k,
    char **where, struct ceh_err *e)
{
	char *path = NULL;
	int in_keydir = 0, rc;

	*where = NULL;
	if (key_path(opt, agency, &path, &in_keydir, e) < 0) {
		if (opt == NULL && getenv("CEH_KEY") == NULL) {
			*where = xstrdup(_("the key folder (no HOME)"));
			return 0;
		}
		return -1;
	}
	rc = key_file_read(path, k, e);
	/* a key folder this user may not enter (root running as the store's
	 * owner, see --allow-owner) holds no key for it either */
	if (rc < 0 && in_keydir && (e->code == CEH_ENOTFOUND ||
	    e->saved_errno == EACCES)) {
		*where = path;
		return 0;
	}
	if (rc < 0)
		ceh_err_prefix(e, _("cannot use the key '%s'"), path);
	free(path);
	return rc < 0 ? -1 : 1;
}

/* In a signed store: k must be the key registered for agency now. */
static int
key_registered(struct store *s, const char *agency, const struct ceh_key *k,
    struct ceh_err *e)
{
	uint8_t pub[32];

	if (trust_unit_key(s, agency, now(), pub, e) < 0) {
		ceh_err_prefix(e, _("slip not issued: agency '%s' has no valid "
		    "key"), agency);
		e->code = CEH_EINPUT;
		return -1;
	}
	if (memcmp(pub, k->pub, sizeof(pub)) != 0)
		return ceh_fail(e, CEH_EINPUT, _("slip not issued: the key given "
		    "is not the one registered for agency '%s'"), agency);
	return 0;
}

/*
 * How this slip is issued: signed (*have 1, k filled), or with the HMAC
 * code only in an unsigned store; refused (class 1) in a signed store
 * without the agency's key, and for a credential without a key.
 */
static int
signing(struct store *s, const struct slip *sl, const char *opt, int vc,
    struct ceh_key *k, int *have, struct ceh_err *e)
{
	const char *agency = slip_issuer(sl);
	char *where = NULL;
	int rc;

	*have = 0;
	if (agency == NULL)
		return ceh_fail(e, CEH_EINPUT, _("slip not issued: no approving "
		    "agency is named in its approved years"));
	if ((rc = agency_key(opt, agency, k, &where, e)) < 0)
		return -1;
	if (rc == 0 && (trust_signed(s) || vc)) {
		ceh_fail(e, CEH_EINPUT, _("slip not issued: %s signed by the "
		    "agency's key, and the private key of agency '%s' is not "
		    "here (looked for %s); issue it where that key is held or "
		    "give --key FILE%s"), vc ? _("a credential is") :
		    _("this store's slips are"), agency, where,
		    vc ? "" : _(", or print an unsigned copy with --copy"));
		free(where);
		return -1;
	}
	free(where);
	if (rc == 1 && trust_signed(s) && key_registered(s, agency, k, e) < 0) {
		key_wipe(k);
		return -1;
	}
	*have = rc;
	return 0;
}

/* Render sl in fmt into mem (vc: signed with k). */
static int
render(const struct slip *sl, enum slip_fmt fmt, const struct ceh_key *k,
    FILE *mem, struct ceh_err *e)
{
	char *tok;

	switch (fmt) {
	case SF_TEXT: slip_render_text(sl, mem); return 0;
	case SF_HTML: slip_render_html(sl, mem); return 0;
	case SF_JSON: slip_json(sl, mem); return 0;
	case SF_PDF: return slip_render_pdf(sl, mem, e);
	case SF_PDFA: return slip_render_pdfa(sl, mem, e);
	case SF_VC:
		if ((tok = vc_slip_jws(sl, k, e)) == NULL)
			return -1;
		fprintf(mem, "%s\n", tok);
		free(tok);
		return 0;
	}
	return 0;
}

static int
parse_year_opt(const char *opt, const char *v, long *out, struct ceh_err *e)
{
	if (parse_long(v, out) < 0)
		return ceh_fail(e, CEH_EINPUT, _("%s must be a year, not '%.40s'"),
		    opt, v);
	return 0;
}

/* Write buf to path through a temp file in its directory and a rename;
 * without force an existing path is refused (class 4) and kept. */
static int
write_out(const char *path, const char *buf, size_t len, int force,
    struct ceh_err *e)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int dfd, rc;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	if (slash && slash[1] == '\0') {
		free(dir);
		return ceh_fail(e, CEH_EINPUT, _("-o '%s' names a directory"),
		    path);
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = ceh_fail_errno(e, _("cannot open directory '%s'"), dir);
		free(dir);
		return rc;
	}
	rc = force ? atomic_write(dfd, slash ? slash + 1 : path, buf, len, e) :
	    atomic_create(dfd, slash ? slash + 1 : path, buf, len, e);
	if (rc < 0)
		ceh_err_prefix(e, _("cannot write '%s'"), path);
	close(dfd);
	free(dir);
	return rc;
}

/*
 * Number, sign, render and record the slip (a copy: render only; a slip
 * already issued, reissued: render only).  A number already taken (50
 * random bits: practically never) gets another one.  *buf gets the
 * output for the caller to free.
 */
static int
issue(struct store *s, struct slip *sl, int reissued, enum slip_fmt fmt,
    const struct ceh_key *k, char **buf, size_t *len, struct ceh_err *e)
{
	int attempt, rc;
	FILE *mem;

	for (attempt = 0;; attempt++) {
		if (sl->copy)
			slip_mark_copy(sl);
		else if (!reissued && (slip_issue(s, sl, e) < 0 || (k &&
		    slip_sign(sl, slip_issuer(sl), k, e) < 0)))
			return -1;
		free(*buf);
		*buf = NULL;
		if ((mem = open_memstream(buf, len)) == NULL)
			return ceh_fail_errno(e, _("cannot render the slip"));
		rc = render(sl, fmt, k, mem, e);
		if (fclose(mem) != 0)
			return ceh_fail_errno(e, _("cannot render the slip"));
		if (rc < 0)
			return -1;
		/* record first: a slip handed out must verify */
		if (sl->copy || reissued || slip_record_save(s, sl, e) == 0)
			return 0;
		if (e->code != CEH_ESTATE || attempt == 2)
			return -1;
	}
}

/*
 * The slip already issued with the same content as sl (the newest of
 * them), into *prev: 1, or 0 if there is none; a record whose code does
 * not match its figures is never handed out again.
 */
static int
issued_before(struct store *s, const struct slip *sl, struct slip *prev,
    struct ceh_err *e)
{
	char code[SLIP_CODE_LEN + 1];
	struct slip *v;
	size_t n, i;
	int found = 0;

	if (slip_records_of(s, sl->id_number, &v, &n, e) < 0)
		return -1;
	for (i = n; i-- > 0 && !found;) {
		if (!slip_same_content(&v[i], sl))
			continue;
		if (slip_compute_code(s, &v[i], code, e) < 0) {
			slip_records_free(v, n);
			return -1;
		}
		if (strcmp(code, v[i].code) != 0)
			continue;
		*prev = v[i];
		slip_init(&v[i]);
		found = 1;
	}
	slip_records_free(v, n);
	return found;
}

/*
 * May prev be handed out again?  Signed with k when there is a key here
 * (k); in a signed store without it, signed by its issuer with the key
 * registered for it now, the signature holding; in an unsigned store
 * without a key, any.
 */
static int
reusable(struct store *s, const struct slip *prev, const struct ceh_key *k)
{
	struct sbuf why = SBUF_INIT;
	struct slip_claim c;
	struct ceh_err e;
	enum slip_verdict v;
	uint8_t pub[32];
	char kh[65];
	int signed_ = prev->signature && *prev->signature;

	if (k == NULL && !trust_signed(s))
		return 1;
	if (!signed_ || slip_issuer(prev) == NULL)
		return 0;
	if (k) {
		slip_key_hash(k->pub, kh);
		return strcmp(kh, prev->signer_key) == 0;
	}
	if (trust_unit_key(s, prev->signer, now(), pub, &e) < 0 ||
	    slip_claim_of(prev, &c, &e) < 0)
		return 0;
	v = slip_claim_verify(&c, pub, &why);
	sb_release(&why);
	return v == SLIP_VALID;
}

/* sl becomes prev, the slip issued before, and says so on stderr. */
static void
reissue(const char *cmd, struct slip *sl, struct slip *prev)
{
	int copy = sl->copy, unsigned_store = sl->unsigned_store;

	slip_release(sl);
	*sl = *prev;
	slip_init(prev);
	sl->copy = copy;
	sl->unsigned_store = unsigned_store;
	fprintf(stderr, _("ceh %s: the same figures were issued as slip %s "
	    "on %s; that slip again (same number and code)\n"), cmd,
	    sl->number, sl->printed_on);
}

CMD_FN(print_slip)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, O_ID },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "for", required_argument, NULL, O_FOR },
		{ "year", required_argument, NULL, O_YEAR },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "key", required_argument, NULL, O_KEY },
		{ "copy", no_argument, NULL, O_COPY },
		{ "force", no_argument, NULL, O_FORCE },
		{ "pdfa", no_argument, NULL, O_PDFA },
		CMD_OPT_END
	};
	const char *id = NULL, *from_s = NULL, *to_s = NULL, *kind = NULL;
	const char *year_s = NULL, *fmt_s = "text", *outpath = NULL;
	const char *keyfile = NULL;
	enum slip_fmt fmt;
	enum out_format of;
	struct ceh_key key;
	struct slip sl, prev;
	struct ceh_err e;
	long from, to, y;
	int ch, f, t, rc = -1, copy = 0, have_key = 0, force = 0;
	int found = 0, reissued = 0, pdfa = 0;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;

	slip_init(&sl);
	slip_init(&prev);
	memset(&key, 0, sizeof(key));
	while ((ch = cmd_getopt_short(argc, argv, ":ho:", opts)) != -1) {
		switch (ch) {
		case 'o': outpath = optarg; break;
		case O_ID: id = optarg; break;
		case O_FROM: from_s = optarg; break;
		case O_TO: to_s = optarg; break;
		case O_FOR: kind = optarg; break;
		case O_YEAR: year_s = optarg; break;
		case O_FORMAT: fmt_s = optarg; break;
		case O_KEY: keyfile = optarg; break;
		case O_COPY: copy = 1; break;
		case O_FORCE: force = 1; break;
		case O_PDFA: pdfa = 1; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO)
		return rc;
	if (id == NULL)
		return cmd_usage_error(argv[0], usage, _("missing --id"));
	if (kind || year_s) {
		if (from_s || to_s)
			return cmd_usage_error(argv[0], usage, _("give either "
			    "--from and --to, or --for and --year"));
		if (!kind || !year_s)
			return cmd_usage_error(argv[0], usage, _("--for and "
			    "--year go together"));
	} else if (!from_s || !to_s)
		return cmd_usage_error(argv[0], usage, _("give --from YEAR "
		    "--to YEAR, or --for senior|intermediate --year YEAR"));
	if (strcmp(fmt_s, "vc") == 0)
		fmt = SF_VC;
	else if ((rc = cmd_format(usage, fmt_s, FMT_BIT(FMT_TEXT) |
	    FMT_BIT(FMT_HTML) | FMT_BIT(FMT_PDF) | FMT_BIT(FMT_JSON), &of)) != 0)
		return rc;
	else
		fmt = of == FMT_HTML ? SF_HTML : of == FMT_PDF ? SF_PDF :
		    of == FMT_JSON ? SF_JSON : SF_TEXT;
	if (pdfa && fmt != SF_PDF)
		return cmd_usage_error(argv[0], usage, _("--pdfa is a kind of "
		    "PDF: give --format pdf"));
	if (pdfa)
		fmt = SF_PDFA;
	if (copy && (fmt == SF_JSON || fmt == SF_VC))
		return cmd_usage_error(argv[0], usage, _("--copy is a printed "
		    "copy: text, html or pdf"));
	if (copy && keyfile)
		return cmd_usage_error(argv[0], usage, _("a copy is unsigned: "
		    "give --copy or --key, not both"));
	if (force && outpath == NULL)
		return cmd_usage_error(argv[0], usage, _("--force replaces the "
		    "file of -o FILE: give -o FILE"));
	/* before anything is issued: a refused -o leaves the store as it was */
	if (outpath && !force && lstat(outpath, &st) == 0) {
		ceh_fail(&e, CEH_ESTATE, _("'%s' exists; give --force to "
		    "replace it"), outpath);
		return cmd_error(argv[0], &e);
	}
	if ((fmt == SF_PDF || fmt == SF_PDFA) && outpath == NULL &&
	    isatty(STDOUT_FILENO))
		return cmd_usage_error(argv[0], usage, _("a PDF is not for the "
		    "terminal: give -o FILE or redirect the output"));
	if (kind) {
		if (parse_year_opt("--year", year_s, &y, &e) < 0 ||
		    slip_range_for(kind, y, &f, &t, &e) < 0)
			return cmd_error(argv[0], &e);
	} else {
		if (parse_year_opt("--from", from_s, &from, &e) < 0 ||
		    parse_year_opt("--to", to_s, &to, &e) < 0 ||
		    slip_range_check(from, to, &e) < 0)
			return cmd_error(argv[0], &e);
		f = (int)from;
		t = (int)to;
	}
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	/* trust.log's signatures verified once by this user, not at every
	 * slip (trust.h): a desk printing slips one by one */
	trust_registry_cache(s);
	if (slip_collect(s, id, f, t, &sl, &e) < 0)
		goto fail;
	sl.copy = copy;
	sl.unsigned_store = !trust_signed(s);
	if (!copy && (found = issued_before(s, &sl, &prev, &e)) < 0)
		goto fail;
	/* a signed slip issued before needs no key to be printed again
	 * (but a credential is signed anew) */
	if (found && fmt != SF_VC && keyfile == NULL && trust_signed(s) &&
	    reusable(s, &prev, NULL))
		reissued = 1;
	else if (!copy && signing(s, &sl, keyfile, fmt == SF_VC, &key,
	    &have_key, &e) < 0)
		goto fail;
	else if (found && reusable(s, &prev, have_key ? &key : NULL))
		reissued = 1;
	if (reissued)
		reissue(argv[0], &sl, &prev);
	if (issue(s, &sl, reissued, fmt, have_key ? &key : NULL, &buf, &len,
	    &e) < 0)
		goto fail;
	if (outpath) {
		if (write_out(outpath, buf, len, force, &e) < 0)
			goto fail;
		printf("%s\t%s\t%s\n", copy ? SLIP_COPY_MARK : sl.number,
		    copy ? "-" : sl.code, outpath);
	} else if (write_all(STDOUT_FILENO, buf, len) < 0) {
		ceh_fail_errno(&e, _("cannot write the slip"));
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	rc = cmd_error(argv[0], &e);
out:
	key_wipe(&key);
	free(buf);
	slip_release(&sl);
	slip_release(&prev);
	return rc;
}
