/* ceh slips - the slips (学时认定单) issued to a person, and how each
 * stands now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "slip.h"
#include "table.h"
#include "util.h"

static const char usage[] =
    "usage: ceh slips --id IDNUMBER\n"
    "                 [--format " FMT_LIST_USAGE "] " CMD_OUT_USAGE "\n";

#define NCOLS 11
static const struct column cols[NCOLS] = {
	{ "number", "编号", COL_TEXT },
	{ "id_number", "证件号码", COL_TEXT },
	{ "name", "姓名", COL_TEXT },
	{ "from", "起始年度", COL_INT },
	{ "to", "截止年度", COL_INT },
	{ "total_hours", "合计学时", COL_HOURS },
	{ "years_met", "达标年数", COL_INT },
	{ "issued", "签发时间", COL_TEXT },
	{ "code", "验证码", COL_TEXT },
	{ "agency", "签发机构", COL_UNIT },
	{ "status", "状态", COL_WORD },
};

enum { O_ID = 1, O_FORMAT };

CMD_FN(slips)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, O_ID },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		CMD_OPT_END
	};
	enum out_format fmt = FMT_TABLE;
	const char *idarg = NULL, *out = NULL;
	char id[IDNUM_LEN + 1], from[16], to[16], hours[24], met[24];
	struct sbuf why = SBUF_INIT;
	const char *row[NCOLS];
	enum slip_verdict v;
	struct slip *sl = NULL;
	struct table t;
	struct ceh_err e;
	size_t n, i;
	int ch, rc;

	while ((ch = cmd_getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case O_ID:
			idarg = optarg;
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
	if (idarg == NULL)
		return cmd_usage_error(argv[0], usage, _("missing --id"));
	if (idnum_check("--id", idarg, id, &e) < 0)
		return cmd_error(argv[0], &e);
	if ((rc = cmd_setup(s)) != 0)
		return rc;
	if (slip_records_of(s, id, &sl, &n, &e) < 0)
		return cmd_error(argv[0], &e);
	/* none issued: the table says so (3); a script's format gets the
	 * empty list ([] in JSON, the header in TSV/CSV) and 0 */
	if (n == 0 && fmt == FMT_TABLE) {
		ceh_fail(&e, CEH_ENOTFOUND, _("no slip has been issued to %s"),
		    id);
		return cmd_error(argv[0], &e);
	}
	table_init(&t, cols, NCOLS, &s->units);
	for (i = 0; i < n; i++) {
		sb_reset(&why);
		if (slip_record_status(s, &sl[i], &v, &why, &e) < 0) {
			rc = cmd_error(argv[0], &e);
			goto out;
		}
		snprintf(from, sizeof(from), "%d", sl[i].from);
		snprintf(to, sizeof(to), "%d", sl[i].to);
		snprintf(met, sizeof(met), "%ld", sl[i].years_met);
		row[0] = sl[i].number;
		row[1] = sl[i].id_number;
		row[2] = sl[i].name;
		row[3] = from;
		row[4] = to;
		row[5] = hours_fmt(sl[i].total_half, hours, sizeof(hours));
		row[6] = met;
		row[7] = sl[i].issued;
		row[8] = sl[i].code;
		row[9] = slip_issuer(&sl[i]);
		row[10] = slip_verdict_name(v);
		table_add(&t, row);
	}
	rc = cmd_table_out(&t, fmt, out);
	if (rc == 0 && fmt == FMT_TABLE && out == NULL)
		printf(Q_("%zu slip issued to %s\n", "%zu slips issued to %s\n",
		    n), n, id);
out:
	table_free(&t);
	sb_release(&why);
	slip_records_free(sl, n);
	return rc;
}
