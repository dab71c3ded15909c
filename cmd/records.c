/* ceh records - list the imported hour records of a person. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "normalize.h"
#include "records.h"
#include "table.h"
#include "util.h"

static const char usage[] =
    "usage: ceh records --id IDNUMBER [--year YEAR]\n"
    "                   [--format " FMT_LIST_USAGE "] " CMD_OUT_USAGE "\n"
    "       ceh records --name NAME [--id IDNUMBER] [--year YEAR]\n"
    "                   [--format " FMT_LIST_USAGE "] " CMD_OUT_USAGE "\n";

#define NCOLS 11
static const struct column cols[NCOLS] = {
	{ "id_number", "证件号码", COL_TEXT },
	{ "name", "姓名", COL_TEXT },
	{ "year", "年度", COL_INT },
	{ "type", "科目类型", COL_TEXT },
	{ "subject", "科目名称", COL_TEXT },
	{ "hours", "学时", COL_HOURS },
	{ "form", "继续教育形式", COL_TEXT },
	{ "provider", "培训机构", COL_TEXT },
	{ "record_id", "记录编号", COL_TEXT },
	{ "import", "导入批次", COL_INT },
	{ "source", "来源", COL_TEXT },
};

enum { O_ID = 1, O_YEAR, O_FORMAT, O_NAME };

/*
 * --name NAME: normalised like the import's 姓名 (full-width letters and
 * digits, line breaks, surrounding spaces) into buf; a '*' at the end
 * makes it a prefix.  Empty, not UTF-8, or a '*' elsewhere: usage error.
 */
static int
name_arg(const char *arg, char *buf, size_t size, int *prefix)
{
	size_t len;

	*prefix = 0;
	if (strlen(arg) >= size || !utf8_valid(arg, strlen(arg)))
		return -1;
	snprintf(buf, size, "%s", arg);
	norm_value(buf, NORM_TEXT);
	len = strlen(buf);
	if (len && buf[len - 1] == '*') {
		buf[--len] = '\0';
		*prefix = 1;
		norm_value(buf, NORM_TEXT);
		len = strlen(buf);
	}
	return len == 0 || strchr(buf, '*') ? -1 : 0;
}

CMD_FN(records)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, O_ID },
		{ "year", required_argument, NULL, O_YEAR },
		{ "name", required_argument, NULL, O_NAME },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	enum out_format fmt = FMT_TABLE;
	const char *idarg = NULL, *yeararg = NULL, *out = NULL, *namearg = NULL;
	char id[IDNUM_LEN + 1], year_s[16], hours[24], batch[24], name[256];
	const char *row[NCOLS];
	struct hrec *r = NULL;
	struct table t;
	struct ceh_err e;
	size_t n, i;
	long pub = 0, pro = 0;
	int ch, rc, year = 0, prefix = 0;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case O_ID:
			idarg = optarg;
			break;
		case O_YEAR:
			yeararg = optarg;
			break;
		case O_NAME:
			namearg = optarg;
			break;
		case O_FORMAT:
			if ((rc = cmd_format(usage, optarg, FMT_LIST,
			    &fmt)) != 0)
				return rc;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cmd_opt_other(argv, usage, ch);
		}
	}
	if ((rc = cmd_no_operands(argc, argv, usage)) != CMD_GO ||
	    (rc = cmd_output_check(usage, fmt, out)) != CMD_GO)
		return rc;
	if (idarg == NULL && namearg == NULL)
		return cmd_usage_error(argv[0], usage, _("missing --id or "
		    "--name"));
	if (namearg && name_arg(namearg, name, sizeof(name), &prefix) < 0)
		return cmd_usage_error(argv[0], usage, _("--name wants a name "
		    "(UTF-8, at most 255 bytes), or its beginning followed by "
		    "'*'"));
	if ((idarg && idnum_check("--id", idarg, id, &e) < 0) ||
	    (yeararg && year_parse("--year", yeararg, &year, &e) < 0))
		return cmd_error(argv[0], &e);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (namearg ? records_by_name(s, name, prefix, idarg ? id : NULL,
	    year, &r, &n, &e) < 0 : records_lookup(s, id, year, &r, &n,
	    &e) < 0)
		return cmd_error(argv[0], &e);
	/* none on file: the table says so (3); a script's format gets the
	 * empty list ([] in JSON, the header in TSV/CSV) and 0 */
	if (n == 0 && fmt == FMT_TABLE) {
		if (namearg && year)
			ceh_fail(&e, CEH_ENOTFOUND, prefix ? _("no hour records "
			    "on file for a name starting with %s in %d") :
			    _("no hour records on file for the name %s in %d"),
			    name, year);
		else if (namearg)
			ceh_fail(&e, CEH_ENOTFOUND, prefix ? _("no hour records "
			    "on file for a name starting with %s") : _("no hour "
			    "records on file for the name %s"), name);
		else if (year)
			ceh_fail(&e, CEH_ENOTFOUND, _("no hour records on file "
			    "for %s in %d"), id, year);
		else
			ceh_fail(&e, CEH_ENOTFOUND, _("no hour records on file "
			    "for %s"), id);
		return cmd_error(argv[0], &e);
	}
	table_init(&t, cols, NCOLS, NULL);
	for (i = 0; i < n; i++) {
		snprintf(year_s, sizeof(year_s), "%d", r[i].year);
		snprintf(batch, sizeof(batch), "%ld", r[i].batch);
		row[0] = r[i].id;
		row[1] = r[i].name;
		row[2] = year_s;
		row[3] = r[i].pro ? "专业科目" : "公需科目";
		row[4] = r[i].subject;
		row[5] = hours_fmt(r[i].half, hours, sizeof(hours));
		row[6] = r[i].form;
		row[7] = r[i].provider;
		row[8] = r[i].recid;
		row[9] = batch;
		row[10] = r[i].source;
		table_add(&t, row);
		if (r[i].pro)
			pro += r[i].half;
		else
			pub += r[i].half;
	}
	rc = cmd_table_out(&t, fmt, out);
	if (rc == 0 && fmt == FMT_TABLE && out == NULL) {
		char a[24], b[24];

		printf(_("%zu records: 公需科目 %s hours, 专业科目 %s hours\n"), n,
		    hours_fmt(pub, a, sizeof(a)), hours_fmt(pro, b, sizeof(b)));
	}
	table_free(&t);
	hrecs_free(r, n);
	return rc;
}
