/* ceh print-slip - the hour verification slip (学时认定单) of a person. */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "cmd.h"
#include "slip.h"
#include "slip_render.h"
#include "table.h"
#include "util.h"

static const char usage[] =
    "usage: ceh print-slip --id IDNUMBER (--from YEAR --to YEAR |\n"
    "                      --for senior|intermediate --year YEAR)\n"
    "                      [--format text|html|pdf|json] [-o FILE]\n";

enum { O_ID = 1, O_FROM, O_TO, O_FOR, O_YEAR, O_FORMAT };
enum slip_fmt { SF_TEXT, SF_HTML, SF_PDF, SF_JSON };

static int
parse_year_opt(const char *opt, const char *v, long *out, struct ceh_err *e)
{
	if (parse_long(v, out) < 0)
		return ceh_fail(e, CEH_EINPUT, "%s must be a year, not '%.40s'",
		    opt, v);
	return 0;
}

/* Write buf to path through a temp file in its directory and a rename. */
static int
write_out(const char *path, const char *buf, size_t len, struct ceh_err *e)
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
		return ceh_fail(e, CEH_EINPUT, "-o '%s' names a directory",
		    path);
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = ceh_fail_errno(e, "cannot open directory '%s'", dir);
		free(dir);
		return rc;
	}
	rc = atomic_write(dfd, slash ? slash + 1 : path, buf, len, e);
	if (rc < 0)
		ceh_err_prefix(e, "cannot write '%s'", path);
	close(dfd);
	free(dir);
	return rc;
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
		CMD_OPT_END
	};
	const char *id = NULL, *from_s = NULL, *to_s = NULL, *kind = NULL;
	const char *year_s = NULL, *fmt_s = "text", *outpath = NULL;
	enum slip_fmt fmt;
	enum out_format of;
	struct slip sl;
	struct ceh_err e;
	long from, to, y;
	int ch, f, t, rc = -1, attempt;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	slip_init(&sl);
	/* -o is a short option of its own: getopt_long, ':' first */
	while ((ch = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': outpath = optarg; break;
		case O_ID: id = optarg; break;
		case O_FROM: from_s = optarg; break;
		case O_TO: to_s = optarg; break;
		case O_FOR: kind = optarg; break;
		case O_YEAR: year_s = optarg; break;
		case O_FORMAT: fmt_s = optarg; break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO)
		return rc;
	if (id == NULL)
		return cmd_usage_error(argv[0], usage, "missing --id");
	if (kind || year_s) {
		if (from_s || to_s)
			return cmd_usage_error(argv[0], usage, "give either "
			    "--from and --to, or --for and --year");
		if (!kind || !year_s)
			return cmd_usage_error(argv[0], usage, "--for and "
			    "--year go together");
	} else if (!from_s || !to_s)
		return cmd_usage_error(argv[0], usage, "give --from YEAR "
		    "--to YEAR, or --for senior|intermediate --year YEAR");
	if ((rc = cmd_format(usage, fmt_s, FMT_BIT(FMT_TEXT) |
	    FMT_BIT(FMT_HTML) | FMT_BIT(FMT_PDF) | FMT_BIT(FMT_JSON), &of)) != 0)
		return rc;
	fmt = of == FMT_HTML ? SF_HTML : of == FMT_PDF ? SF_PDF :
	    of == FMT_JSON ? SF_JSON : SF_TEXT;
	if (fmt == SF_PDF && outpath == NULL && isatty(STDOUT_FILENO))
		return cmd_usage_error(argv[0], usage, "a PDF is not for the "
		    "terminal: give -o FILE or redirect the output");
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
	if (slip_collect(s, id, f, t, &sl, &e) < 0)
		goto fail;
	/* a number already taken (50 random bits: practically never) gets
	 * another one */
	for (attempt = 0;; attempt++) {
		if (slip_issue(s, &sl, &e) < 0)
			goto fail;
		free(buf);
		buf = NULL;
		if ((mem = open_memstream(&buf, &len)) == NULL) {
			ceh_fail_errno(&e, "cannot render the slip");
			goto fail;
		}
		rc = 0;
		switch (fmt) {
		case SF_TEXT: slip_render_text(&sl, mem); break;
		case SF_HTML: slip_render_html(&sl, mem); break;
		case SF_JSON: slip_json(&sl, mem); break;
		case SF_PDF: rc = slip_render_pdf(&sl, mem, &e); break;
		}
		if (fclose(mem) != 0) {
			ceh_fail_errno(&e, "cannot render the slip");
			goto fail;
		}
		if (rc < 0)
			goto fail;
		/* record first: a slip handed out must verify */
		if (slip_record_save(s, &sl, &e) == 0)
			break;
		if (e.code != CEH_ESTATE || attempt == 2)
			goto fail;
	}
	if (outpath) {
		if (write_out(outpath, buf, len, &e) < 0)
			goto fail;
		printf("%s\t%s\t%s\n", sl.number, sl.code, outpath);
	} else if (write_all(STDOUT_FILENO, buf, len) < 0) {
		ceh_fail_errno(&e, "cannot write the slip");
		goto fail;
	}
	free(buf);
	slip_release(&sl);
	return 0;
fail:
	free(buf);
	slip_release(&sl);
	return cmd_error(argv[0], &e);
}
