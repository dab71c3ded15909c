/* ceh apply - create a draft application (新增学时核认申报); its options
 * and usage are made from the table of applicant fields (cmd.h).  With
 * --from FILE, one draft per row of a staff list (单位代报). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fault.h"

static const char from_usage[] =
    "                 [--allow-second]\n"
    "       ceh apply --from FILE [--sheet NAME]\n"
    "                 [--encoding auto|utf-8|gb18030] [--dry-run]\n"
    "                 [--allow-second]\n";

/* The columns of a staff list, in applicant_fields' order. */
static const struct bulk_col staff_cols[APPLICANT_NFIELDS] = {
	{ "证件号码|身份证号码|身份证号|身份证|id_number|id", 1, NORM_IDNUM },
	{ "姓名|name", 1, NORM_TEXT },
	{ "民族|ethnicity", 1, NORM_TEXT },
	{ "单位|工作单位|单位代码|统一社会信用代码|unit", 1, NORM_CODE },
	{ "单位性质|unit_nature|unit-nature", 1, NORM_TEXT },
	{ "拟申报职称|职称级别|title_level|title-level", 1, NORM_TEXT },
	{ "联系电话|电话|手机|手机号码|phone", 1, NORM_CODE },
	{ "最高学历|学历|education", 0, NORM_TEXT },
	{ "申报大类|申报系列|series", 1, NORM_TEXT },
	{ "子专业名称|专业|specialty", 1, NORM_TEXT },
	{ "行政区划名称|行政区划|region", 1, NORM_TEXT },
	{ "备注|remark", 0, NORM_TEXT },
};

struct staff {
	struct store *s;
	struct application *apps;	/* the valid rows */
	long *line;
	char **have;			/* an identical draft's id, or NULL */
	size_t n, cap;
	int allow_second;		/* --allow-second */
};

/* A field's message "--phone '1' is not ..." as "联系电话 '1' is not ...". */
static void
say_field(struct bulk *b, long line, int i, const char *msg)
{
	char *m;
	size_t k = strlen(applicant_fields[i].option) + 2;

	if (strncmp(msg, "--", 2) == 0 &&
	    strncmp(msg + 2, applicant_fields[i].option, k - 2) == 0)
		m = xasprintf("%s%s", applicant_fields[i].label, msg + k);
	else
		m = xstrdup(msg);
	cmd_bulk_bad(b, line, m);
	free(m);
}

/* A unit given by its registered name: its code. */
static const char *
unit_by_name(const struct store *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->units.n; i++)
		if (strcmp(s->units.v[i].name, v) == 0)
			return s->units.v[i].code;
	return v;
}

static int
same_applicant(const struct applicant *x, const struct applicant *y)
{
	int i;

	for (i = 0; applicant_fields[i].option; i++)
		if (strcmp(applicant_get(x, applicant_fields[i].option),
		    applicant_get(y, applicant_fields[i].option)) != 0)
			return 0;
	return 1;
}

/* The open applications of a person (a draft, or one under review). */
struct find {
	const struct applicant *a;	/* NULL: any draft is "other" */
	char *same;		/* an identical draft */
	char *other;		/* another open application */
	const char *other_status;	/* its status (static) */
	int other_is_draft;
};

static int
find_open(struct store *s, struct person *p, enum stage folder,
    struct application *app, const struct ceh_err *err, void *arg)
{
	struct find *f = arg;

	(void)s;
	(void)p;
	(void)err;
	if (app == NULL || (folder != STAGE_DRAFT && folder != STAGE_REVIEW))
		return 0;
	if (folder == STAGE_DRAFT && f->a && same_applicant(&app->a, f->a)) {
		if (f->same == NULL)
			f->same = xstrdup(app->id);
	} else if (f->other == NULL) {
		f->other = xstrdup(app->id);
		f->other_status = app_status(app);
		f->other_is_draft = folder == STAGE_DRAFT;
	}
	return 0;
}

/* "ID already has an open application" (class 4), naming it. */
static int
second_refused(const struct find *f, const char *idnum, struct ceh_err *e)
{
	return ceh_fail(e, CEH_ESTATE, _("%s already has an open application "
	    "%s (%s): change that one, or give --allow-second if a second "
	    "application is meant"), idnum, f->other, f->other_status);
}

/* One row of the staff list: checked, then kept. */
static int
staff_row(struct bulk *b, long line, const char **v, struct ceh_err *e)
{
	struct staff *st = b->arg;
	struct application app;
	struct find f = { NULL, NULL, NULL, NULL, 0 };
	struct ceh_err re;
	size_t k;
	int i;

	app_init(&app);
	for (i = 0; applicant_fields[i].option; i++) {
		const char *val = i == 3 ? unit_by_name(st->s, v[i]) : v[i];

		if (applicant_set(&app.a, applicant_fields[i].option, val,
		    &st->s->codes, &re) < 0) {
			say_field(b, line, i, re.msg);
			goto bad;
		}
	}
	if (cmd_employer(st->s, app.a.unit, &re) < 0) {
		say_field(b, line, 3, re.msg);
		goto bad;
	}
	for (k = 0; k < st->n; k++)
		if (strcmp(st->apps[k].a.id_number, app.a.id_number) == 0) {
			ceh_fail(&re, CEH_EINPUT, _("证件号码 %s is already on "
			    "row %ld"), app.a.id_number, st->line[k]);
			cmd_bulk_bad(b, line, re.msg);
			goto bad;
		}
	f.a = &app.a;
	if (store_walk(st->s, app.a.id_number, find_open, &f, e) < 0) {
		app_release(&app);
		return -1;
	}
	if (f.same == NULL && f.other && !st->allow_second) {
		if (f.other_is_draft)
			ceh_fail(&re, CEH_EINPUT, _("%s already has draft %s with "
			    "other details: change it with 'ceh edit %s', or "
			    "give --allow-second if a second application is "
			    "meant"), app.a.id_number, f.other, f.other);
		else
			second_refused(&f, app.a.id_number, &re);
		cmd_bulk_bad(b, line, re.msg);
		free(f.other);
		goto bad;
	}
	free(f.other);
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 32;
		st->apps = xreallocarray(st->apps, st->cap, sizeof(*st->apps));
		st->line = xreallocarray(st->line, st->cap, sizeof(*st->line));
		st->have = xreallocarray(st->have, st->cap, sizeof(*st->have));
	}
	st->apps[st->n] = app;
	st->line[st->n] = line;
	st->have[st->n++] = f.same;
	return 0;
bad:
	app_release(&app);
	return 0;
}

/* Create one draft, the person locked; 0, 1 when the person has an
 * identical draft by now (*same: its id, the caller's), or -1.  The
 * open applications are looked at again under the lock, as apply does:
 * another command may have made one since the row was checked. */
static int
create_draft(struct store *s, struct application *app, int allow_second,
    char **same, struct ceh_err *e)
{
	struct person p;
	struct app_ref ref;
	struct find f = { NULL, NULL, NULL, NULL, 0 };
	char id[APP_ID_LEN + 1];
	int rc;

	if (app_ref_new(app->a.id_number, &ref, e) < 0)
		return -1;
	app_ref_format(&ref, id);
	app->id = xstrdup(id);
	app->waiting_at = xstrdup("");
	app_add_event(app, "created", NULL, NULL, NULL, NULL);
	if (person_open(s, app->a.id_number, 1, &p, e) < 0)
		return -1;
	f.a = &app->a;
	rc = person_lock(s, &p, e);
	if (rc == 0)
		rc = store_walk(s, app->a.id_number, find_open, &f, e);
	if (rc == 0 && f.same) {
		*same = f.same;
		f.same = NULL;
		rc = 1;
	} else if (rc == 0 && f.other && !allow_second)
		rc = second_refused(&f, app->a.id_number, e);
	if (rc == 0)
		rc = app_create(s, &p, app, e);
	person_close(&p);
	free(f.same);
	free(f.other);
	return rc;
}

static void
staff_free(struct staff *st)
{
	size_t k;

	for (k = 0; k < st->n; k++) {
		app_release(&st->apps[k]);
		free(st->have[k]);
	}
	free(st->apps);
	free(st->line);
	free(st->have);
}

/* Check every row, then (none bad) create the drafts not yet there. */
static int
apply_staff(struct store *s, struct bulk *b, int dry, int allow_second)
{
	struct staff st;
	struct ceh_err e;
	size_t k;
	long made = 0, same = 0;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	st.s = s;
	st.allow_second = allow_second;
	b->arg = &st;
	b->row = staff_row;
	if (cmd_bulk_read(b, &e) < 0) {
		staff_free(&st);
		return cmd_error(b->cmd, &e);
	}
	cmd_bulk_summary(b);
	if (b->bad) {
		fprintf(stderr, _("ceh apply: %s: %ld of %ld rows refused; no "
		    "draft created\n"), b->path, b->bad, b->rows);
		staff_free(&st);
		return CEH_EINPUT;
	}
	/* a test stops here to make a draft behind the checks' back */
	stop_point("apply-from-checked");
	for (k = 0; k < st.n; k++) {
		if (st.have[k] == NULL && !dry) {
			rc = create_draft(s, &st.apps[k], allow_second,
			    &st.have[k], &e);
			if (rc < 0) {
				rc = cmd_error(b->cmd, &e);
				break;
			}
			if (rc == 0) {
				/* machine: outcome column */
				printf("%s\tcreated\n", st.apps[k].id);
				made++;
				continue;
			}
			rc = 0;		/* made meanwhile, the same */
		}
		if (st.have[k]) {
			/* machine: outcome column */
			printf("%s\tunchanged\n", st.have[k]);
			same++;
		} else {
			/* machine: outcome column */
			printf("%s\twould be created\n", st.apps[k].a.id_number);
			made++;
		}
	}
	if (dry)
		fprintf(stderr, _("ceh apply: %s: %ld rows, %ld drafts would be "
		    "created, %ld already drafts\n"), b->path, b->rows, made,
		    same);
	else
		fprintf(stderr, _("ceh apply: %s: %ld rows, %ld drafts created, "
		    "%ld already drafts\n"), b->path, b->rows, made, same);
	staff_free(&st);
	return rc;
}

/* ceh apply --from FILE ... */
static int
apply_from(int argc, char **argv, struct store *s, const char *usage)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'F' },
		{ "sheet", required_argument, NULL, 'S' },
		{ "encoding", required_argument, NULL, 'E' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "allow-second", no_argument, NULL, 'A' },
		CMD_OPT_END
	};
	struct bulk b;
	int ch, rc, dry = 0, allow_second = 0;

	memset(&b, 0, sizeof(b));
	b.cmd = "apply";
	b.cols = staff_cols;
	b.ncols = APPLICANT_NFIELDS;
	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		if ((rc = cmd_bulk_option(&b, usage, argv, ch)) == 1)
			continue;
		if (rc != 0)
			return rc;
		switch (ch) {
		case 'D':
			dry = 1;
			break;
		case 'A':
			allow_second = 1;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if ((rc = cmd_ready(s, argc, argv, usage, 0)) != CMD_GO)
		return rc;
	return apply_staff(s, &b, dry, allow_second);
}

/* --from anywhere before "--": the bulk form. */
static int
wants_from(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--from") == 0 ||
		    strncmp(argv[i], "--from=", 7) == 0)
			return 1;
	return 0;
}

CMD_FN(apply)
{
	static char *usage_all;
	const char *usage;
	const char *given[APPLICANT_NFIELDS];
	struct application app;
	struct person p;
	struct app_ref ref;
	struct ceh_err e;
	struct find f = { NULL, NULL, NULL, NULL, 0 };
	char id[APP_ID_LEN + 1];
	int i, n, rc, allow_second = 0;

	free(usage_all);
	usage_all = xasprintf("%s%s", cmd_applicant_usage("apply", "", 0),
	    from_usage);
	usage = usage_all;
	if (wants_from(argc, argv))
		return apply_from(argc, argv, s, usage);
	if ((rc = cmd_applicant_args(argc, argv, usage, given, &n,
	    &allow_second)) != CMD_GO)
		return rc;
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO)
		return rc;
	for (i = 0; applicant_fields[i].option; i++)
		if (applicant_fields[i].required && given[i] == NULL)
			return cmd_usage_error(argv[0], usage, _("missing --%s "
			    "(%s)"), applicant_fields[i].option,
			    applicant_fields[i].label);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	app_init(&app);
	for (i = 0; applicant_fields[i].option; i++)
		if (applicant_set(&app.a, applicant_fields[i].option,
		    given[i] ? given[i] : "", &s->codes, &e) < 0)
			goto fail;
	if (cmd_employer(s, app.a.unit, &e) < 0)
		goto fail;
	if (app_ref_new(app.a.id_number, &ref, &e) < 0)
		goto fail;
	app_ref_format(&ref, id);
	app.id = xstrdup(id);
	app.waiting_at = xstrdup("");
	app_add_event(&app, "created", NULL, NULL, NULL, NULL);
	if (person_open(s, app.a.id_number, 1, &p, &e) < 0)
		goto fail;
	rc = person_lock(s, &p, &e);
	/* under the lock: a second open application only when meant */
	if (rc == 0 && !allow_second &&
	    (rc = store_walk(s, app.a.id_number, find_open, &f, &e)) == 0 &&
	    f.other)
		rc = second_refused(&f, app.a.id_number, &e);
	if (rc == 0)
		rc = app_create(s, &p, &app, &e);
	person_close(&p);
	free(f.other);
	if (rc < 0)
		goto fail;
	printf("%s\n", id);
	app_release(&app);
	return 0;
fail:
	app_release(&app);
	return cmd_error(argv[0], &e);
}
