/*
 * common.c - the skeleton every command shares (cmd.h): setup by the
 * command-table flags, option errors, --format, the applicant options,
 * errors, and the history and attachment tables of more than one command.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "help.h"
#include "i18n.h"
#include "xlsxout.h"
#include "err.h"
#include "store.h"
#include "util.h"
#include "key.h"
#include "trust.h"
#include "workflow.h"
#include "xalloc.h"

const char *ceh_store_path;
int ceh_allow_owner;

static const struct command *running;
static long wait_secs;
static int opened;

/* The running command's name, "" before one runs ("ceh: message"). */
static const char *
running_name(void)
{
	return running ? running->name : "";
}

/* "ceh CMD: " or, without a command, "ceh: " */
static void
put_prefix(const char *cmd)
{
	if (cmd && cmd[0])
		fprintf(stderr, "ceh %s: ", cmd);
	else
		fputs("ceh: ", stderr);
}

void
cmd_start(const struct command *c)
{
	running = c;
	opened = 0;
	optind = 0;	/* GNU: full reinitialisation of getopt */
	opterr = 0;
}

int
cmd_setup(struct store *s)
{
	struct ceh_err e;
	char *path;
	int flags = running ? running->flags : 0;

	if (!(flags & (CMD_STORE | CMD_UNITS)) || opened)
		return 0;
	ceh_err_clear(&e);
	path = ceh_store_path ? xstrdup(ceh_store_path) : store_default_path();
	if (path == NULL) {
		ceh_fail(&e, CEH_EUSAGE, _("no store given and no home "
		    "directory; set --store or CEH_STORE"));
		return cmd_error(running_name(), &e);
	}
	if (store_open(s, path, &e) < 0) {
		free(path);
		return cmd_error(running_name(), &e);
	}
	free(path);
	opened = 1;
	if (flags & CMD_WRITES)
		s->wait_secs = (int)wait_secs;
	s->allow_owner = ceh_allow_owner;
	if (store_adopt_owner(s, &e) < 0)
		return cmd_error(running_name(), &e);
	if ((flags & CMD_UNITS) && store_load_units(s, &e) < 0)
		return cmd_error(running_name(), &e);
	return 0;
}

void
cmd_finish(struct store *s)
{
	if (opened)
		store_close(s);
	opened = 0;
}

int
cmd_error(const char *cmd, const struct ceh_err *e)
{
	put_prefix(cmd);
	fprintf(stderr, "%s\n", e->msg);
	return e->code ? e->code : CEH_ESYS;
}

void
cmd_put_usage(FILE *f, const char *use)
{
	static const char word[] = "usage: ";

	/* TRANSLATORS: the word in front of a command's synopsis; keep it
	 * as wide as "usage: " (7 columns), the lines below align to it */
	if (strncmp(use, word, sizeof(word) - 1) == 0) {
		fputs(_("usage: "), f);
		use += sizeof(word) - 1;
	}
	fputs(use, f);
}

int
cmd_usage_error(const char *cmd, const char *use, const char *fmt, ...)
{
	va_list ap;

	put_prefix(cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cmd_put_usage(stderr, use);
	return CEH_EUSAGE;
}

int cmd_long_help;

const char *
help_text(const char *cmd)
{
	const char *want = i18n_chinese() ? "zh_CN" : "en", *en = NULL;
	const struct help_page *p;

	for (p = help_pages; p->name; p++) {
		if (strcmp(p->name, cmd) != 0)
			continue;
		if (strcmp(p->lang, want) == 0)
			return p->text;
		if (strcmp(p->lang, "en") == 0)
			en = p->text;
	}
	return en;
}

int
cmd_help(const char *use)
{
	const char *text;

	cmd_put_usage(stdout, use);
	if (cmd_long_help && running &&
	    (text = help_text(running->name)) != NULL) {
		putchar('\n');
		fputs(text, stdout);
	}
	return CEH_OK;
}

/* ---- options ---- */

/*
 * The global options (ceh(1)) are taken before the command and after its
 * name too (`ceh list --store DIR`): cmd_getopt extends the command's
 * table with them (once per table) and handles them itself, so every
 * command accepts them where users put them.
 */
enum { OPT_G_STORE = 0x7f01, OPT_G_WAIT, OPT_G_OWNER, OPT_G_QUIET,
	OPT_G_MAXERR, OPT_G_OPERATOR, OPT_G_NOHEADER, OPT_G_BADWAIT, OPT_G_BADMAXERR,
	OPT_G_BADOPERATOR };

int ceh_quiet;
long ceh_max_errors = -1;
int ceh_operator_given;
static long errors_listed, errors_unlisted;
static struct ceh_err operator_err;

int
cmd_wait_value(const char *arg, long *wait)
{
	return parse_long(arg, wait) == 0 && *wait >= 0 && *wait <= 86400 ?
	    0 : -1;
}

const struct option *
cmd_with_globals(const struct option *o)
{
	static const struct option globals[] = {
		{ "store", required_argument, NULL, OPT_G_STORE },
		{ "wait", required_argument, NULL, OPT_G_WAIT },
		{ "allow-owner", no_argument, NULL, OPT_G_OWNER },
		{ "quiet", no_argument, NULL, OPT_G_QUIET },
		{ "max-errors", required_argument, NULL, OPT_G_MAXERR },
		{ "operator", required_argument, NULL, OPT_G_OPERATOR },
		{ "no-header", no_argument, NULL, OPT_G_NOHEADER },
	};
	static const struct option *made_for;
	static struct option *made;	/* one table a run: lives until exit */
	size_t n = 0, all, i, k, ng = sizeof(globals) / sizeof(globals[0]);

	if (o == made_for)
		return made;
	while (o[n].name)
		n++;
	free(made);
	made = xcalloc(n + ng + 1, sizeof(*made));
	memcpy(made, o, n * sizeof(*made));
	all = n;
	for (i = 0; i < ng; i++) {
		for (k = 0; k < n && strcmp(o[k].name, globals[i].name); k++)
			;
		if (k == n)	/* the command's own option of that name wins */
			made[all++] = globals[i];
	}
	made_for = o;
	return made;
}

int
cmd_take_global(int ch, const char *arg)
{
	switch (ch) {
	case OPT_G_STORE:
		ceh_store_path = arg;
		return 0;
	case OPT_G_WAIT:
		return cmd_wait_value(arg, &wait_secs) < 0 ? OPT_G_BADWAIT : 0;
	case OPT_G_OWNER:
		ceh_allow_owner = 1;
		return 0;
	case OPT_G_QUIET:
		ceh_quiet = 1;
		return 0;
	case OPT_G_MAXERR:
		return parse_long(arg, &ceh_max_errors) < 0 ||
		    ceh_max_errors < 0 ? OPT_G_BADMAXERR : 0;
	case OPT_G_NOHEADER:
		table_no_header = 1;
		return 0;
	case OPT_G_OPERATOR:
		ceh_operator_given = 1;
		return app_operator_set("--operator", arg, &operator_err) < 0 ?
		    OPT_G_BADOPERATOR : 0;
	default:
		return ch;
	}
}

int
cmd_list_error(void)
{
	if (ceh_max_errors < 0 || errors_listed < ceh_max_errors) {
		errors_listed++;
		return 1;
	}
	errors_unlisted++;
	return 0;
}

void
cmd_errors_unlisted(const char *cmd)
{
	if (errors_unlisted)
		fprintf(stderr, Q_("ceh %s: %ld more error not listed "
		    "(--max-errors %ld)\n", "ceh %s: %ld more errors not "
		    "listed (--max-errors %ld)\n", errors_unlisted), cmd,
		    errors_unlisted, ceh_max_errors);
	errors_unlisted = 0;
}

int
cmd_getopt(int argc, char **argv, const struct option *o)
{
	const struct option *p;

	/* -o FILE for the commands whose table has --output */
	for (p = o; p->name; p++)
		if (p->val == 'o')
			return cmd_getopt_short(argc, argv, ":ho:", o);
	return cmd_getopt_short(argc, argv, ":h", o);
}

int
cmd_getopt_short(int argc, char **argv, const char *shortopts,
    const struct option *o)
{
	const struct option *all = cmd_with_globals(o);
	int ch;

	/* shortopts starts with ':': a missing argument is ':', an
	 * unknown option '?' */
	while ((ch = getopt_long(argc, argv, shortopts, all, NULL)) != -1)
		if ((ch = cmd_take_global(ch, optarg)) != 0)
			return ch;
	return -1;
}

int
cmd_opt_other(char **argv, const char *use, int ch)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";

	if (ch == 'h')
		return cmd_help(use);
	if (ch == OPT_G_BADWAIT)
		return cmd_usage_error(running_name(), use, _("--wait needs "
		    "a number of seconds, not '%s'"), optarg);
	if (ch == OPT_G_BADMAXERR)
		return cmd_usage_error(running_name(), use, _("--max-errors "
		    "needs a number, not '%s'"), optarg);
	if (ch == OPT_G_BADOPERATOR)
		return cmd_usage_error(running_name(), use, "%s",
		    operator_err.msg);
	if (ch == ':')
		return cmd_usage_error(running_name(), use, _("option '%.60s' "
		    "needs an argument"), opt);
	return cmd_usage_error(running_name(), use, _("unknown option '%.60s'"),
	    opt);
}

int
cmd_format(const char *use, const char *name, unsigned allowed,
    enum out_format *f)
{
	char choices[80];

	if (format_parse(name, allowed, f) == 0)
		return 0;
	return cmd_usage_error(running_name(), use, _("unknown --format '%.40s' "
	    "(choose %s)"), name, format_choices(allowed, choices,
	    sizeof(choices)));
}

int
cmd_output_check(const char *use, enum out_format f, const char *path)
{
	if (f == FMT_XLSX && path == NULL)
		return cmd_usage_error(running_name(), use, _("--format xlsx "
		    "writes a workbook: give -o FILE"));
	if (f == FMT_XLSX && strcmp(path, "-") == 0 && isatty(1))
		return cmd_usage_error(running_name(), use, _("--format xlsx "
		    "writes a workbook, not for a terminal: give -o FILE"));
	return CMD_GO;
}

int
cmd_table_out(const struct table *t, enum out_format f, const char *path)
{
	struct ceh_err e;

	if (table_write(t, f, path, &e) < 0)
		return cmd_error(running_name(), &e);
	return 0;
}

int
cmd_bytes_out(const char *path, const char *data, size_t len)
{
	struct ceh_err e;
	const char *base;
	int dfd, rc;

	if (path == NULL || strcmp(path, "-") == 0) {
		fwrite(data, 1, len, stdout);
		return 0;
	}
	if ((dfd = xlsxout_parent(path, &base, &e)) < 0)
		return cmd_error(running_name(), &e);
	rc = atomic_write(dfd, base, data, len, &e);
	close(dfd);
	if (rc < 0) {
		ceh_err_prefix(&e, "%s", path);
		return cmd_error(running_name(), &e);
	}
	return 0;
}

/* ---- the applicant options of apply and edit ---- */

#define FIELD_VAL 0x100		/* getopt val of applicant_fields[i] */

static const struct option *
applicant_options(void)
{
	static struct option o[APPLICANT_NFIELDS + 3];
	size_t i;

	if (o[0].name)
		return o;
	for (i = 0; applicant_fields[i].option; i++) {
		o[i].name = applicant_fields[i].option;
		o[i].has_arg = required_argument;
		o[i].val = FIELD_VAL + (int)i;
	}
	o[i].name = "allow-second";	/* apply's only: edit refuses it */
	o[i++].val = 'S';
	o[i].name = "help";
	o[i].val = 'h';
	return o;
}

int
cmd_applicant_args(int argc, char **argv, const char *use,
    const char **given, int *n, int *allow_second)
{
	int ch;

	memset(given, 0, APPLICANT_NFIELDS * sizeof(*given));
	*n = 0;
	while ((ch = cmd_getopt(argc, argv, applicant_options())) != -1) {
		if (ch == 'S' && allow_second) {
			*allow_second = 1;
			continue;
		}
		if (ch < FIELD_VAL || ch >= FIELD_VAL + APPLICANT_NFIELDS)
			return cmd_opt_other(argv, use, ch);
		given[ch - FIELD_VAL] = optarg;
		++*n;
	}
	return CMD_GO;
}

/* Append one usage word, wrapping before column 79 under the operands. */
static void
usage_word(struct sbuf *sb, size_t *col, size_t indent, const char *w)
{
	size_t len = strlen(w);

	if (*col + 1 + len > 79) {
		sb_addf(sb, "\n%*s", (int)indent, "");
		*col = indent;
	} else {
		sb_addc(sb, ' ');
		(*col)++;
	}
	sb_adds(sb, w);
	*col += len;
}

const char *
cmd_applicant_usage(const char *cmd, const char *operands, int all_optional)
{
	static char *made;	/* one command a run: lives until exit */
	struct sbuf sb = SBUF_INIT;
	char word[64];
	size_t col, indent, i;
	int pass;

	sb_addf(&sb, "usage: ceh %s", cmd);
	indent = col = sb.len;
	if (operands[0])
		usage_word(&sb, &col, indent, operands);
	for (pass = 0; pass < 2; pass++)	/* required fields first */
		for (i = 0; applicant_fields[i].option; i++) {
			const struct applicant_field *f = &applicant_fields[i];
			int bare = f->required && !all_optional;

			if (all_optional && strcmp(f->option, "id") == 0)
				continue;
			if ((pass == 0) != (f->required != 0))
				continue;
			snprintf(word, sizeof(word), bare ? "--%s %s" :
			    "[--%s %s]", f->option, f->metavar);
			usage_word(&sb, &col, indent + 1, word);
		}
	sb_addc(&sb, '\n');
	free(made);
	made = sb_detach(&sb);
	return made;
}

int
cmd_employer(const struct store *s, const char *code, struct ceh_err *e)
{
	const struct unit *u = units_find(&s->units, code);

	if (u == NULL)
		return ceh_fail(e, CEH_ENOTFOUND, _("--unit %s is not a "
		    "registered unit; register it with 'ceh unit add'"), code);
	if (u->kind == UNIT_AGENCY)
		return ceh_fail(e, CEH_EINPUT, _("--unit %s is an agency, not "
		    "an employer; give the applicant's employer"), code);
	if (u->kind != UNIT_EMPLOYER)
		return ceh_fail(e, CEH_EINPUT, _("--unit %s is a supervisor, "
		    "not an employer; give the applicant's employer"), code);
	return 0;
}

int
cmd_open_draft(struct store *s, const char *id, struct app_handle *h,
    struct ceh_err *e)
{
	if (app_open(s, id, 1, h, e) < 0)
		return -1;
	if (h->app.stage != STAGE_DRAFT)
		return ceh_fail(e, CEH_ESTATE, _("application %s is %s; only a "
		    "draft can be changed"), h->app.id, app_status(&h->app));
	return 0;
}

int
cmd_no_operands(int argc, char **argv, const char *use)
{
	if (optind == argc)
		return CMD_GO;
	return cmd_usage_error(running_name(), use, _("unexpected argument "
	    "'%s'"), argv[optind]);
}

int
cmd_ready(struct store *s, int argc, char **argv, const char *use, int nops)
{
	int rc;

	if (nops == 0 && (rc = cmd_no_operands(argc, argv, use)) != CMD_GO)
		return rc;
	if (nops == 1 && optind + 1 != argc)
		return cmd_usage_error(running_name(), use, _("give one "
		    "application id"));
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	return CMD_GO;
}

/* ---- shared output ---- */

static const struct column history_cols[] = {
	{ "at", "时间", COL_TIME },
	{ "event", "事件", COL_WORD },
	{ "by", "操作人", COL_TEXT },
	{ "unit", "单位", COL_UNIT_CODE },
	{ "next", "下一级", COL_UNIT_CODE },
	{ "reason", "原因", COL_TEXT },
	{ "detail", "说明", COL_TEXT },
	{ "changes", "修改内容", COL_CHANGES },
};

void
cmd_history_table(struct table *t, const struct store *s,
    const struct application *app)
{
	size_t i;

	table_init(t, history_cols, 8, s->units_loaded ? &s->units : NULL);
	for (i = 0; i < app->nhistory; i++) {
		const struct event *ev = &app->history[i];
		const char *row[8] = { ev->at, ev->what, ev->by, ev->unit,
		    ev->next, ev->reason, ev->detail, ev->changes };

		table_add(t, row);
	}
}

static const struct column attachment_cols[] = {
	{ "year", "年度", COL_INT },
	{ "name", "附件名称", COL_TEXT },
	{ "entry", "存档条目", COL_TEXT },
	{ "size", "大小(字节)", COL_INT },
	{ "type", "文件类型", COL_TEXT },
	{ "sha256", "SHA-256", COL_TEXT },
	{ "added", "添加时间", COL_TIME },
};

void
cmd_attachments_table(struct table *t, const struct application *app,
    int year)
{
	char y[16], sz[24];
	size_t i, j;

	table_init(t, attachment_cols, 7, NULL);
	for (i = 0; i < app->nyears; i++) {
		const struct year_row *r = &app->years[i];

		if (year && r->year != year)
			continue;
		for (j = 0; j < r->natt; j++) {
			const struct attachment *a = &r->att[j];
			const char *row[7] = { y, a->name, a->entry, sz,
			    a->type, a->sha256, a->added };

			snprintf(y, sizeof(y), "%d", r->year);
			snprintf(sz, sizeof(sz), "%ld", a->size);
			table_add(t, row);
		}
	}
}

/* ---- submit and withdraw ---- */

int
cmd_read_ids(int argc, char **argv, char ***ids, size_t *n,
    struct ceh_err *e)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int i, stdin_used = 0;

	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0) {
			*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
			(*ids)[(*n)++] = xstrdup(argv[i]);
			continue;
		}
		if (stdin_used++)
			continue;
		while ((len = getline(&line, &cap, stdin)) >= 0) {
			char *p = line, *end;

			while (*p == ' ' || *p == '\t')
				p++;
			end = p + strlen(p);
			while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
			    end[-1] == ' ' || end[-1] == '\t'))
				*--end = '\0';
			if (*p == '\0' || *p == '#')
				continue;
			*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
			(*ids)[(*n)++] = xstrdup(p);
		}
		if (ferror(stdin)) {
			free(line);
			return ceh_fail_errno(e, _("cannot read ids from "
			    "standard input"));
		}
	}
	free(line);
	return 0;
}

void
cmd_free_ids(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* The keys of one submit/withdraw run: one a signing unit, read once. */
struct signers {
	struct signer {
		char unit[CREDIT_LEN + 1];
		struct ceh_key key;
		struct ceh_err err;	/* code 0: key is good */
	} *v;
	size_t n;
};

static const struct signer *
signer_for(struct store *s, struct signers *ss, const char *unit,
    const char *keyopt)
{
	struct signer *g;
	size_t i;

	for (i = 0; i < ss->n; i++)
		if (strcmp(ss->v[i].unit, unit) == 0)
			return &ss->v[i];
	ss->v = xreallocarray(ss->v, ss->n + 1, sizeof(*ss->v));
	g = &ss->v[ss->n++];
	memset(g, 0, sizeof(*g));
	snprintf(g->unit, sizeof(g->unit), "%s", unit);
	ceh_err_clear(&g->err);
	(void)trust_signer(s, unit, keyopt, &g->key, &g->err);
	return g;
}

/* One application: open, decide, commit (synced), close; 0 or -1. */
static int
transition_one(struct store *s, struct signers *ss, const char *id,
    const char *keyopt, int action, const char **outcome, char *got,
    size_t gotlen, struct ceh_err *e)
{
	struct wf_request rq = { (enum wf_action)action, NULL, NULL, NULL,
	    NULL };
	const struct signer *g;
	struct app_handle h;
	char old[CREDIT_LEN + 1];
	int rc = -1;

	app_handle_init(&h);
	if (app_open(s, id, 1, &h, e) < 0)
		goto out;
	snprintf(old, sizeof(old), "%s", h.app.waiting_at);
	if (trust_signed(s)) {
		g = signer_for(s, ss, wf_signer_unit(&h.app, &rq), keyopt);
		if (g->err.code) {
			*e = g->err;
			goto out;
		}
		rq.key = &g->key;
	}
	if (wf_apply(s, &h.p, &h.app, &rq, outcome, e) < 0 ||
	    wf_commit(s, &h, old, e) < 0)
		goto out;
	snprintf(got, gotlen, "%s", h.app.id);
	rc = 0;
out:
	app_close(&h);
	return rc;
}

int
cmd_transitions(int argc, char **argv, struct store *s, const char *use,
    int action)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		CMD_OPT_END
	};
	struct signers ss = { NULL, 0 };
	struct ceh_err e;
	const char *outcome, *keyopt = NULL;
	char **ids = NULL, id[64];
	size_t n = 0, i, done = 0;
	int ch, rc, worst = 0;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if (ch == 'k') {
			keyopt = optarg;
			continue;
		}
		return cmd_opt_other(argv, use, ch);
	}
	if (optind == argc)
		return cmd_usage_error(running_name(), use, _("give "
		    "application ids, or - to read them from standard input"));
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	ceh_err_clear(&e);
	if (cmd_read_ids(argc, argv, &ids, &n, &e) < 0) {
		cmd_free_ids(ids, n);
		return cmd_error(running_name(), &e);
	}
	for (i = 0; i < n; i++) {
		ceh_err_clear(&e);
		if (transition_one(s, &ss, ids[i], keyopt, action, &outcome, id,
		    sizeof(id), &e) == 0) {
			printf("%s\t%s\n", id, outcome);
			done++;
			continue;
		}
		/* machine: the outcome column of a failed id, as review's */
		printf("%s\terror %d: %s\n", ids[i], e.code, e.msg);
		if (cmd_list_error())
			cmd_error(running_name(), &e);
		if (e.code > worst)
			worst = e.code;
	}
	cmd_errors_unlisted(running_name());
	if (n > 1)
		fprintf(stderr, _("ceh %s: %zu of %zu done, %zu failed\n"),
		    running_name(), done, n, n - done);
	else if (n == 0)
		fprintf(stderr, _("ceh %s: no application ids on standard "
		    "input\n"), running_name());
	for (i = 0; i < ss.n; i++)
		key_wipe(&ss.v[i].key);
	free(ss.v);
	cmd_free_ids(ids, n);
	return worst;
}
